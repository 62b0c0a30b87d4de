"""A soma reading a dendrite's state through a summed variable, in Brian2
2.5.1 (spec/language.md, section 6.1; tests/semantics_test.go keeps the
figures). The dendrite's u grows by 0.1 a step (du/dt = 1/ms, dt = 0.1 ms);
the soma integrates it, dv/dt = I/ms with I = u summed, by Euler's method.
Prints v at the start of steps 0 to 2.
"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import NeuronGroup, StateMonitor, Synapses, defaultclock, ms, prefs, run  # noqa: E402

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
dend = NeuronGroup(1, "du/dt = 1/ms : 1", method="euler")
soma = NeuronGroup(1, "dv/dt = I/ms : 1\nI : 1", method="euler")
link = Synapses(dend, soma, "I_post = u_pre : 1 (summed)")
link.connect()
m = StateMonitor(soma, "v", record=True)
md = StateMonitor(dend, "u", record=True)
run(0.3 * ms)
print("v:", " ".join(f"{v:.10g}" for v in m.v[0]))
print("u:", " ".join(f"{u:.10g}" for u in md.u[0]))
