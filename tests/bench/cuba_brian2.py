"""CUBA (Vogels & Abbott 2005; Brette et al. 2007, benchmark 2) in Brian2,
written from the published parameters, to compare with snnc's
examples/cuba.snn.

    python3 tests/bench/cuba_brian2.py [--target numpy|cython|cpp_standalone]
                                       [--n 4000] [--duration 1] [--seed 1]

Prints the mean rate, the synapses per neuron, the synaptic events per
second and the time the run took (not counting building the network).
"""
import argparse
import time

import brian2 as b2
from brian2 import ms, mV, second

ap = argparse.ArgumentParser()
ap.add_argument("--target", default="numpy")
ap.add_argument("--n", type=int, default=4000)
ap.add_argument("--duration", type=float, default=1.0)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--dir", default=None, help="cpp_standalone build directory")
args = ap.parse_args()

if args.target == "cpp_standalone":
    b2.set_device("cpp_standalone", build_on_run=False)
else:
    b2.prefs.codegen.target = args.target
b2.seed(args.seed)

taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = b2.NeuronGroup(args.n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
P.ge = 0 * mV
P.gi = 0 * mV
n_exc = args.n * 4 // 5
we = (60 * 0.27 / 10) * mV
wi = (-20 * 4.5 / 10) * mV
Ce = b2.Synapses(P[:n_exc], P, on_pre="ge += we")
Ci = b2.Synapses(P[n_exc:], P, on_pre="gi += wi")
# 80 inputs per neuron at any size: p = 0.02 at 4000 neurons.
p = 80.0 / args.n
Ce.connect(p=p)
Ci.connect(p=p)
s_mon = b2.SpikeMonitor(P)

t0 = time.time()
b2.run(args.duration * second)
if args.target == "cpp_standalone":
    b2.device.build(directory=args.dir, compile=True, run=True)
elapsed = time.time() - t0
if args.target == "cpp_standalone":
    # The run alone, as the generated program measured it.
    import os
    with open(os.path.join(b2.device.project_dir, "results", "last_run_info.txt")) as f:
        run_time = float(f.read().split()[0])
    print(f"brian2 cpp_standalone run time: {run_time:.3f} s (build and run: {elapsed:.1f} s)")

n_spikes = s_mon.num_spikes
rate = n_spikes / args.n / args.duration
syn = len(Ce) + len(Ci)
counts = s_mon.count[:]
events = float(sum(counts[:n_exc])) * len(Ce) / n_exc + float(sum(counts[n_exc:])) * len(Ci) / (args.n - n_exc)
print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} rate={rate:.3f} Hz "
      f"synapses/neuron={syn / args.n:.1f} events/s={events / args.duration:.3g} run={elapsed:.2f} s")
