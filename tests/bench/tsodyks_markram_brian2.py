"""Tsodyks, Pawelzik & Markram (1998), Fig. 1, in Brian2 2.5.1: Brian2's
examples/frompapers/Tsodyks_Pawelzik_Markram_1998.py with the same
equations, parameters and integration methods, to compare with snnc's
examples/tsodyks_markram.snn (issue 19: summed variables).

    python3 tests/bench/tsodyks_markram_brian2.py [--target numpy|cpp_standalone --dir D]
                                                  [--sample 1] [--duration 1.2]

The example runs its three panels one after another (A: depressing synapse
at 20 Hz for 1200 ms; B: facilitating at 20 Hz for 1200 ms; C: facilitating
at 70 Hz for 500 ms). Here the three are built side by side in one network
and run together for 1200 ms: they share nothing, so each panel's trace is
the one the example computes (every panel starts at t = 0, as in its own
run), and one run suits the cpp_standalone benchmark. Panel C is printed up
to its own 500 ms.

Deterministic: no random numbers anywhere (the stimuli are regular spike
trains, the synapses start recovered, x = 1). dt = 0.1 ms (Brian2's
default). Prints, one per line,
    v panel=P t_ms=T mV=V
the postsynaptic voltage recorded at the start of the step at time T (a
StateMonitor in its default 'start' slot, so before that step's update),
every --sample ms (default 1 ms), V with 17 significant digits, after
    stimulus panel=P t_ms=T1,T2,...
the times at which the stimulus spiked (on the dt grid); then
    vmax panel=P mV=V t_ms=T
the largest recorded value of each panel's full (dt-resolution) trace.
"""

import numpy as np

import brian2 as b2
from brian2 import Gohm, Hz, Mohm, ms, pA, second

import brian2bench

args = brian2bench.setup(n=1, duration=1.2, sample=True)
sample_ms = args.sample

# The example's panels, its parameter values verbatim (including its
# U_SE = 0.6 for panel A, which its comment says matches the published plot
# where the paper's 0.5 does not).
parameters = {
    "A": dict(neuron=dict(tau_mem=40 * ms, R_in=100 * Mohm),
              synapse=dict(tau_inact=3 * ms, A_SE=250 * pA, tau_rec=800 * ms, U_SE=0.6),
              stimulus=dict(start=100 * ms, stop=1100 * ms, frequency=20 * Hz),
              duration=1200 * ms),
    "B": dict(neuron=dict(tau_mem=60 * ms, R_in=1 * Gohm),
              synapse=dict(tau_inact=1.5 * ms, A_SE=1540 * pA, tau_rec=130 * ms, U_SE=0.03,
                           tau_facil=530 * ms),
              stimulus=dict(start=100 * ms, stop=1100 * ms, frequency=20 * Hz),
              duration=1200 * ms),
    "C": dict(neuron=dict(tau_mem=60 * ms, R_in=1 * Gohm),
              synapse=dict(tau_inact=1.5 * ms, A_SE=1540 * pA, tau_rec=130 * ms, U_SE=0.03,
                           tau_facil=530 * ms),
              stimulus=dict(start=100 * ms, stop=375 * ms, frequency=70 * Hz),
              duration=500 * ms),
}


def get_neuron(tau_mem, R_in):
    neuron = b2.NeuronGroup(1, """
                            tau_mem : second
                            I_syn : ampere
                            R_in : ohm
                            dv/dt = -v/tau_mem + (R_in*I_syn)/tau_mem : volt
                            """, method="exact")
    neuron.tau_mem = tau_mem
    neuron.R_in = R_in
    return neuron


def get_synapses(stimulus, neuron, tau_inact, A_SE, U_SE, tau_rec, tau_facil=None):
    eqs = """
    dx/dt =  z/tau_rec   : 1 (clock-driven) # recovered
    dy/dt = -y/tau_inact : 1 (clock-driven) # active
    A_SE : ampere
    U_SE : 1
    tau_inact : second
    tau_rec : second
    z = 1 - x - y : 1 # inactive
    I_syn_post = A_SE*y : ampere (summed)
    """
    if tau_facil:
        eqs += """
        du/dt = -u/tau_facil : 1 (clock-driven)
        tau_facil : second
        """
        action = """
        u += U_SE*(1-u)
        y += u*x # important: update y first
        x += -u*x
        """
    else:
        action = """
        y += U_SE*x # important: update y first
        x += -U_SE*x
        """
    syn = b2.Synapses(stimulus, neuron, model=eqs, on_pre=action, method="exponential_euler")
    syn.connect()
    syn.x = 1
    syn.tau_inact = tau_inact
    syn.A_SE = A_SE
    syn.U_SE = U_SE
    syn.tau_rec = tau_rec
    if tau_facil:
        syn.tau_facil = tau_facil
    return syn


def get_stimulus(start, stop, frequency):
    times = np.arange(start / ms, stop / ms, 1 / (frequency / Hz) * 1e3) * ms
    return b2.SpikeGeneratorGroup(1, [0] * len(times), times)


panels = {}
for name, p in parameters.items():
    neuron = get_neuron(**p["neuron"])
    stimulus = get_stimulus(**p["stimulus"])
    synapses = get_synapses(stimulus, neuron, **p["synapse"])
    monitor = b2.StateMonitor(neuron, "v", record=True)
    spikes = b2.SpikeMonitor(stimulus)
    panels[name] = (neuron, stimulus, synapses, monitor, p["duration"], spikes)
# The order within a step (Brian2 2.5.1's schedule): the StateMonitor
# records (start); the summed I_syn = A_SE*y is computed (groups, order -1),
# then v advances exactly with that I_syn held over the step and x, y, u by
# exponential Euler (groups, order 0: each of x, y, u advanced exactly with
# the others held at their values at the start of the step); then the
# stimulus spikes (thresholds) and on_pre updates u, y, x (synapses), seen
# by I_syn in the next step.
# The magic network collects objects by name from this frame: keep every
# panel's objects bound to names here.
nA, sA, yA, mA, _, kA = panels["A"]
nB, sB, yB, mB, _, kB = panels["B"]
nC, sC, yC, mC, _, kC = panels["C"]

duration = args.duration * second
run_time, elapsed = brian2bench.build_and_run(args, duration)

step = int(round(sample_ms * ms / b2.defaultclock.dt))
for name, (_, _, _, monitor, pdur, spikes) in panels.items():
    # The stimulus as Brian2 delivered it (its times rounded to the dt grid):
    # the 70 Hz train's 14.29 ms period is not a multiple of dt.
    print(f"stimulus panel={name} t_ms=" + ",".join(f"{t:.1f}" for t in spikes.t[:] / ms))
    t = monitor.t[:] / ms
    v = monitor.v[0] / b2.mV
    keep = t < pdur / ms - 1e-9
    t, v = t[keep], v[keep]
    for k in range(0, len(t), step):
        print(f"v panel={name} t_ms={t[k]:.1f} mV={v[k]:.17g}")
    k = int(np.argmax(v))
    print(f"vmax panel={name} mV={v[k]:.17g} t_ms={t[k]:.1f}")
print(f"brian2 {b2.__version__} {args.target}: tsodyks_markram panels=A,B,C dt_ms={float(b2.defaultclock.dt / ms)} "
      f"run={run_time:.3f} s (build and run {elapsed:.1f} s)")
