"""Inhibitory plasticity in a recurrent network (Vogels et al. 2011) in
Brian2 2.5.1: Brian2's examples/frompapers/Vogels_et_al_2011.py with the
same equations, parameters and phases, to compare with snnc's
examples/vogels2011.snn (issue 19: protocols, plasticity switched on).

    python3 tests/bench/vogels2011_brian2.py [--target numpy|cpp_standalone --dir D]
                                             [--n 8000] [--duration 10] [--seed 1]

--n is NE, the excitatory cells (NI = NE/4 inhibitory); --duration the
whole simulated time in seconds (the example's 10 s unless given). Phase 1
runs the first 1 s (or all of it, if shorter) with the learning rate
eta = 0; phase 2 the rest with eta = 1e-2, as the example does. The
example's eta is a Python constant changed between its two run() calls;
here it is a shared parameter of the plastic projection, set before each
phase: the same equations, and a change between runs that cpp_standalone
(which bakes Python constants into its code) also honours.

As in the example, v is not initialised: every cell starts at v = 0 mV,
above threshold (-50 mV), so all cells fire in the first step, then the
5 ms refractory period. Random numbers: only the connectivity (four
p = 0.02 projections) comes from Brian2's generator (seeded by --seed); the
dynamics are deterministic given the synapses. The figures are therefore
statistical with respect to snnc, which draws its own synapses.

In cpp_standalone the run time printed (and results/last_run_info.txt,
which tests/bench/suite.sh reads) is the generated program's measure of
its LAST run() only, phase 2; phase 1 (1 s at about 165 Hz) is left out of
it. The whole binary's time (./main, which suite.sh also times) has both.

Prints, one per line: the synapse counts, then
    rate pop=E|I t0_ms=A t1_ms=B hz=R    every 250 ms bin (E: the example's
                                          SpikeMonitor on Pe; I: on Pi, added)
    w_mean phase=1|end value=W           mean inhibitory-to-excitatory weight
                                          (nS units, 1e-10 at the start) at
                                          the end of phase 1 (not in
                                          cpp_standalone) and of the run
    w_frac_zero value=F  w_max value=M   at the end
    rate_mean pop=E|I phase=1|2 hz=R     the mean rate over each phase
"""
import time

import numpy as np

import brian2 as b2
from brian2 import Hz, ms, mV, nS, nsiemens, pA, pfarad, second

import brian2bench

args = brian2bench.setup(n=8000, duration=10.0)
simtime = args.duration * second
phase1 = min(1 * second, simtime)

NE = args.n            # Number of excitatory cells
NI = NE // 4           # Number of inhibitory cells

tau_ampa = 5.0 * ms    # Glutamatergic synaptic time constant
tau_gaba = 10.0 * ms   # GABAergic synaptic time constant
epsilon = 0.02         # Sparseness of synaptic connections
tau_stdp = 20 * ms     # STDP time constant

gl = 10.0 * nsiemens   # Leak conductance
el = -60 * mV          # Resting potential
er = -80 * mV          # Inhibitory reversal potential
vt = -50. * mV         # Spiking threshold
memc = 200.0 * pfarad  # Membrane capacitance
bgcurrent = 200 * pA   # External current

eqs_neurons = """
dv/dt=(-gl*(v-el)-(g_ampa*v+g_gaba*(v-er))+bgcurrent)/memc : volt (unless refractory)
dg_ampa/dt = -g_ampa/tau_ampa : siemens
dg_gaba/dt = -g_gaba/tau_gaba : siemens
"""
neurons = b2.NeuronGroup(NE + NI, model=eqs_neurons, threshold="v > vt",
                         reset="v=el", refractory=5 * ms, method="euler")
Pe = neurons[:NE]
Pi = neurons[NE:]

con_e = b2.Synapses(Pe, neurons, on_pre="g_ampa += 0.3*nS")
con_e.connect(p=epsilon)
con_ii = b2.Synapses(Pi, Pi, on_pre="g_gaba += 3*nS")
con_ii.connect(p=epsilon)

eqs_stdp_inhib = """
w : 1
eta : 1 (shared) # learning rate: 0 in phase 1, 1e-2 in phase 2
dApre/dt=-Apre/tau_stdp : 1 (event-driven)
dApost/dt=-Apost/tau_stdp : 1 (event-driven)
"""
alpha = 3 * Hz * tau_stdp * 2  # Target rate parameter
gmax = 100                     # Maximum inhibitory weight

con_ie = b2.Synapses(Pi, Pe, model=eqs_stdp_inhib,
                     on_pre="""Apre += 1.
                            w = clip(w+(Apost-alpha)*eta, 0, gmax)
                            g_gaba += w*nS""",
                     on_post="""Apost += 1.
                             w = clip(w+Apre*eta, 0, gmax)
                          """)
con_ie.connect(p=epsilon)
con_ie.w = 1e-10

sm = b2.SpikeMonitor(Pe)
smi = b2.SpikeMonitor(Pi)
t0 = time.time()
run_time = None
con_ie.eta = 0
b2.run(phase1)
# The weights at the end of phase 1 (not kept in cpp_standalone, where
# nothing runs before the build: with eta = 0 they are the initial 1e-10).
w1 = None
if args.target != "cpp_standalone":
    w1 = float(np.mean(con_ie.w[:]))
phase2 = simtime - phase1
if phase2 > 0 * second:
    con_ie.eta = 1e-2
    run_time, _ = brian2bench.build_and_run(args, phase2)
elif args.target == "cpp_standalone":
    b2.device.build(directory=args.dir, compile=True, run=True)
elapsed = time.time() - t0

print(f"synapses e={len(con_e)} ii={len(con_ii)} ie={len(con_ie)}")
bin_ms = 250.0
total_ms = float(simtime / ms)
for name, mon, n in (("E", sm, NE), ("I", smi, NI)):
    t = mon.t[:] / ms
    edges = np.arange(0.0, total_ms + 1e-9, bin_ms)
    counts, _ = np.histogram(t, bins=edges)
    for k, c in enumerate(counts):
        print(f"rate pop={name} t0_ms={edges[k]:.0f} t1_ms={edges[k + 1]:.0f} hz={c / n / (bin_ms / 1000):.6g}")
    p1 = float(phase1 / ms)
    print(f"rate_mean pop={name} phase=1 hz={np.sum(t < p1) / n / (p1 / 1000):.6g}")
    if total_ms > p1:
        print(f"rate_mean pop={name} phase=2 hz={np.sum(t >= p1) / n / ((total_ms - p1) / 1000):.6g}")
w = con_ie.w[:]
if w1 is not None:
    print(f"w_mean phase=1 value={w1:.10g}")
print(f"w_mean phase=end value={float(np.mean(w)):.10g}")
print(f"w_frac_zero value={float(np.mean(w == 0)):.6g}")
print(f"w_max value={float(np.max(w)):.10g}")
rt = f"last phase's run={run_time:.2f} s, " if run_time is not None and args.target == "cpp_standalone" else ""
print(f"brian2 {b2.__version__} {args.target}: vogels2011 NE={NE} NI={NI} seed={args.seed} "
      f"duration={total_ms / 1000:g} s dt_ms={float(b2.defaultclock.dt / ms)} {rt}build and run={elapsed:.1f} s")
