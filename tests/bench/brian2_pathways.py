"""Two pathways of one Synapses in Brian2 2.5.1 (spec/language.md, section
3.6; tests/pathway_test.go runs the same model in snnc): on_pre={'up':
'v_post += w', 'down': 'v_post *= 0.5'}, up after 1 ms, down after
2 ms + j ms (a delay per synapse), from two spike sources onto two
leaky neurons, dv/dt = -v / (10 ms), integrated exactly. Where both
pathways arrive in one step Brian2 runs down before up: it runs the
objects of one slot and order by name. Prints v of each neuron at the
start of every step, at dt = 0.1 ms, for 8 ms.
"""
import argparse
import warnings

warnings.filterwarnings("ignore")
from brian2 import (NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses,  # noqa: E402
                    defaultclock, ms, prefs, run)

ap = argparse.ArgumentParser()
ap.add_argument("--target", default="numpy")
args = ap.parse_args()
prefs.codegen.target = args.target
defaultclock.dt = 0.1 * ms
src = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 3] * ms)
p = NeuronGroup(2, "dv/dt = -v / (10*ms) : 1", method="exact")
s = Synapses(src, p, "w : 1", on_pre={"up": "v_post += w", "down": "v_post *= 0.5"})
s.connect()
s.w = 1
s.up.delay = 1 * ms
s.down.delay = "2*ms + j*ms"
m = StateMonitor(p, "v", record=True)
run(8 * ms)
for j in range(2):
    print(f"v{j}:", " ".join(f"{v:.17g}" for v in m.v[j]))
