"""A network of adaptive exponential integrate-and-fire neurons (Brette &
Gerstner 2005) with conductance synapses in Brian2, to compare with snnc's
tests/bench/adex.snn: 32000 neurons (25600 excitatory, 6400 inhibitory),
connected with probability 0.0025 (80 inputs per neuron at any size), driven
by a constant current that rises with the neuron's index, 1 s at
dt = 0.1 ms, integrated by forward Euler. The neuron's equations are those
of Brian2's examples/frompapers/Brette_Gerstner_2005.py, with the paper's
regular-spiking parameters and the spike cut at VT + 5 DeltaT as there.

    python3 tests/bench/adex_brian2.py [--target numpy|cython|cpp_standalone]
                                       [--n 32000] [--duration 1] [--seed 1]
    python3 tests/bench/adex_brian2.py --trace [--target numpy]

Prints the mean rate, the synapses per neuron, the synaptic events per
second and the time the run took (not counting building the network).

--trace runs instead a small model without randomness, the same neuron type
with four drives, kicked by a spike source at fixed times and coupled by
fixed synapses (adexTrace in tests/adex_test.go is that model in snnc), and
prints each neuron's spike steps and its v in mV at every 0.5 ms: the
figures that tests/adex_test.go compares snnc's with.
"""

import brian2 as b2
from brian2 import mV, ms, nA, nS, pF, second

import brian2bench

args = brian2bench.setup(n=32000, trace=True)
b2.defaultclock.dt = 0.1 * ms

# Brette & Gerstner (2005), regular spiking, as Brian2's example gives them.
C = 281 * pF
gL = 30 * nS
EL = -70.6 * mV
VT = -50.4 * mV
DeltaT = 2 * mV
Vcut = VT + 5 * DeltaT
tauw = 144 * ms
a = 4 * nS
b = 0.0805 * nA
Vr = -70.6 * mV
# The synapses of COBA (Brette et al. 2007).
taue = 5 * ms
taui = 10 * ms
Ee = 0 * mV
Ei = -80 * mV
we = 1 * nS
wi = 6 * nS

eqs = b2.Equations("""
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + ge*(Ee - v) + gi*(Ei - v) + I - w)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
I : amp (constant)
""")


# Brian2's synapses of delay 0 act in the step of the spike, after the
# thresholds and before the resets; snnc's in the next step, before the
# integration (spec/language.md, section 6.1). For conductances, which no
# reset changes, the two are the same.
def group(n):
    return b2.NeuronGroup(n, model=eqs, threshold="v > Vcut", reset="v = Vr; w += b",
                          method="euler")


if args.trace:
    # Four neurons at rest with drives of 0.55, 0.7, 0.85 and 1 nA (the
    # first below the rheobase); a source kicks all four by 3 nS of
    # excitation at 20, 22 and 24 ms and by 10 nS of inhibition at
    # 100 ms; neuron 3 excites neuron 0 (2 nS) and neuron 2 inhibits
    # neuron 1 (4 nS), through synapses of delay 0.
    P = group(4)
    P.v = EL
    P.I = "0.55*nA + i*0.15*nA"
    kick = b2.SpikeGeneratorGroup(2, [0, 0, 0, 1], [20, 22, 24, 100] * ms)
    Ke = b2.Synapses(kick, P, on_pre="ge += 3*nS")
    Ke.connect(i=0, j=[0, 1, 2, 3])
    Ki = b2.Synapses(kick, P, on_pre="gi += 10*nS")
    Ki.connect(i=1, j=[0, 1, 2, 3])
    Ce = b2.Synapses(P, P, on_pre="ge += 2*nS")
    Ce.connect(i=3, j=0)
    Ci = b2.Synapses(P, P, on_pre="gi += 4*nS")
    Ci.connect(i=2, j=1)
    s_mon = b2.SpikeMonitor(P)
    v_mon = b2.StateMonitor(P, "v", record=True, dt=0.5 * ms)
    brian2bench.build_and_run(args, 200 * ms)
    print(f"brian2 {b2.__version__} {args.target}: AdEx trace, 4 neurons, 200 ms")
    trains = s_mon.spike_trains()
    for i in range(4):
        steps = [int(round(float(t / b2.defaultclock.dt))) for t in trains[i]]
        print(f"neuron {i} spike steps: {steps}")
    for i in range(4):
        print(f"neuron {i} v (mV) every 0.5 ms:")
        print(", ".join(f"{float(v / mV):.17g}" for v in v_mon.v[i]))
    raise SystemExit(0)

n_exc = args.n * 4 // 5
# Two groups, as snnc's two populations: the drive and the initial
# potential run over each group's own index.
E = group(n_exc)
Inh = group(args.n - n_exc)
for G in (E, Inh):
    G.I = "0.5*nA + 0.5*nA*i/N"
    G.v = "EL - 10*mV*i/N"
# 80 inputs per neuron at any size: p = 0.0025 at 32000 neurons.
p = 80.0 / args.n
# Each projection bound to a name: Brian2's run collects the objects that
# the script's namespace names, not those only held in a list.
Cee = b2.Synapses(E, E, on_pre="ge += we")
Cei = b2.Synapses(E, Inh, on_pre="ge += we")
Cie = b2.Synapses(Inh, E, on_pre="gi += wi")
Cii = b2.Synapses(Inh, Inh, on_pre="gi += wi")
conns = [Cee, Cei, Cie, Cii]
for S in conns:
    S.connect(p=p)
sE = b2.SpikeMonitor(E)
sI = b2.SpikeMonitor(Inh)

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)
if args.target == "cpp_standalone":
    print(f"brian2 cpp_standalone run time: {run_time:.3f} s (build and run: {elapsed:.1f} s)")

rate = (sE.num_spikes + sI.num_spikes) / args.n / args.duration
syn = sum(len(S) for S in conns)
events = float(sE.num_spikes) * (len(conns[0]) + len(conns[1])) / n_exc + \
    float(sI.num_spikes) * (len(conns[2]) + len(conns[3])) / (args.n - n_exc)
print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} rate={rate:.3f} Hz "
      f"(exc {sE.num_spikes / n_exc / args.duration:.3f} Hz, inh {sI.num_spikes / (args.n - n_exc) / args.duration:.3f} Hz) "
      f"synapses/neuron={syn / args.n:.1f} events/s={events / args.duration:.3g} run={elapsed:.2f} s")
