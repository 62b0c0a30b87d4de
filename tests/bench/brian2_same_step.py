"""A spike that reaches a neuron in the step that neuron fires, in Brian2
2.5.1 (tests/semantics_test.go keeps the figures; spec/language.md, section
6.1). Two neurons fire together in step 6 (t = 0.6 ms); neuron 0 kicks
neuron 1 by 0.5 through a synapse of delay 0, then of delay dt. Prints
neuron 1's v as the StateMonitor records it at the start of steps 6 to 9.
"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import (NeuronGroup, SpikeGeneratorGroup, StateMonitor, SpikeMonitor, Synapses,  # noqa: E402
                    defaultclock, ms, prefs, run, start_scope)

prefs.codegen.target = "numpy"
for delay in [0 * ms, 0.1 * ms]:
    start_scope()
    defaultclock.dt = 0.1 * ms
    p = NeuronGroup(2, "dv/dt = -v / (10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    # The input fires in step 5; Brian2 delivers it in that step, after the
    # threshold, so the neurons cross it in step 6, as in snnc (which
    # delivers a step later, before the threshold of step 6).
    x = SpikeGeneratorGroup(1, [0], [0.5] * ms)
    kick = Synapses(x, p, on_pre="v_post += 2")
    kick.connect()
    s = Synapses(p, p, "w : 1", on_pre="v_post += w")
    s.connect(i=0, j=1)
    s.w = 0.5
    s.delay = delay
    sp = SpikeMonitor(p)
    m = StateMonitor(p, "v", record=[1])
    run(1 * ms)
    steps = [int(round(float(t / defaultclock.dt))) for t in sp.t]
    print(f"delay {delay}: spikes at steps {steps}; v of neuron 1 at steps 6..9: "
          + " ".join(f"{v:.10g}" for v in m.v[0][6:10]))
