"""CUBA (Vogels & Abbott 2005; Brette et al. 2007, benchmark 2) in Brian2,
written from the published parameters, to compare with snnc's
examples/cuba.snn.

    python3 tests/bench/cuba_brian2.py [--target numpy|cython|cpp_standalone]
                                       [--n 4000] [--duration 1] [--seed 1]

Prints the mean rate, the synapses per neuron, the synaptic events per
second and the time the run took (not counting building the network).
"""

import brian2 as b2
from brian2 import ms, mV, second

import brian2bench

args = brian2bench.setup(n=4000)

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

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)
if args.target == "cpp_standalone":
    print(f"brian2 cpp_standalone run time: {run_time:.3f} s (build and run: {elapsed:.1f} s)")

n_spikes = s_mon.num_spikes
rate = n_spikes / args.n / args.duration
syn = len(Ce) + len(Ci)
counts = s_mon.count[:]
events = float(sum(counts[:n_exc])) * len(Ce) / n_exc + float(sum(counts[n_exc:])) * len(Ci) / (args.n - n_exc)
print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} rate={rate:.3f} Hz "
      f"synapses/neuron={syn / args.n:.1f} events/s={events / args.duration:.3g} run={elapsed:.2f} s")
