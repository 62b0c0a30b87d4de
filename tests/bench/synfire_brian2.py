"""Synfire chain (Diesmann, Gewaltig & Aertsen 1999, Nature 402:529) in
Brian2: Brian2's examples/frompapers/Diesmann_et_al_1999.py as written
there, run over several seeds, to compare with snnc's examples/synfire.snn.

    python3 tests/bench/synfire_brian2.py [--target numpy|cython] [--seeds 10]
                                          [--first-seed 1] [--per-seed]
                                          [--input-n 85] [--input-sd 1]

The example's model: 10 groups of 100 neurons in one NeuronGroup P,
dV/dt = (-(V-Vr)+x)/taum, dx/dt = (-x+y)/taupsp,
dy/dt = -y/taupsp + 25.27 mV/ms + 39.24 mV/ms**0.5 * xi (Euler-Maruyama:
method='euler'), Vr = -70 mV, Vt = -55 mV, taum = 10 ms, taupsp = 0.325 ms,
threshold V > Vt, reset V = Vr, refractory 1 ms (the threshold only: the
equations have no "unless refractory", so V, x and y integrate on),
V(0) = Vr + rand()*(Vt - Vr), x(0) = y(0) = 0, dt = 0.1 ms (Brian2's
default), 100 ms. Every neuron of group k (k < 9) projects to every
neuron of group k+1 (the generator
j = 'k for k in range((int(i/group_size)+1)*group_size,
(int(i/group_size)+2)*group_size) if i<N_pre-group_size'), 90 000
synapses, on_pre y += 4.86 mV, no delay. An input of 85 neurons
(SpikeGeneratorGroup) fires once each, at 50 ms + 1 ms * randn() (numpy's
generator, drawn after P is built), onto every neuron of group 0
(Synapses(Pinput, P[:group_size]), all to all, y += 4.86 mV).
--input-n and --input-sd change the input's 85 neurons and 1 ms spread,
to see where the volley dies out (Diesmann's figure 3); the figures for
examples/synfire.snn are the defaults'.

Each seed s calls brian2.seed(s) (numpy's generator and Brian2's) before
the network is built, as a script with seed(s) at its top would.

The figures, per seed and then mean and sd (n-1) across seeds:
- spikes_group[g]: spikes of group g (neurons 100g .. 100g+99) over the
  whole run; input_spikes: the input's spikes (85 unless two of one
  neuron's times fall in one step, which cannot happen: one each).
- The volley at group g, in the window W = [45 ms, 65 ms) (the input is
  at 50 ms +- 1 ms; at about 0.6 ms a group the volley leaves group 9
  by 57 ms; the background, about 3.5 Hz a neuron, puts some 7 spikes of
  a group in W against the volley's 100 or so):
  arrival[g] = the median of the times of group g's spikes in W (numpy's
  median: the mean of the two middle ones for an even count), in ms;
  size[g] = the number of group g's spikes within +-2 ms of arrival[g]
  (Diesmann's a); spread[g] = the sd (n-1) of those spikes' times in ms
  (Diesmann's sigma). Spike times are step times (step * 0.1 ms).
- propagated: size[9] >= 50, i.e. at least half of the last group fired
  in the volley. A volley that dies out leaves only background spikes in
  W, and then arrival[g] is no volley's time (size stays below 20 or so);
  the means of arrival/size/spread are over all seeds, and the count of
  seeds that propagated is printed.
"""
import argparse

import numpy as np

import brian2 as b2
from brian2 import Equations, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses, mV, ms

ap = argparse.ArgumentParser()
ap.add_argument("--target", default="numpy")
ap.add_argument("--seeds", type=int, default=10, help="number of seeds")
ap.add_argument("--first-seed", type=int, default=1)
ap.add_argument("--per-seed", action="store_true", help="print each seed's per-group figures")
ap.add_argument("--input-sd", type=float, default=1.0,
                help="sd of the input's spike times in ms (the example's: 1); only to see where the volley dies")
ap.add_argument("--input-n", type=int, default=85,
                help="number of input neurons (the example's: 85); only to see where the volley dies")
args = ap.parse_args()
b2.prefs.codegen.target = args.target

# The example's parameters, at module level as there (the generator
# string reads group_size from the namespace).
duration = 100 * ms
Vr = -70 * mV
Vt = -55 * mV
taum = 10 * ms
taupsp = 0.325 * ms
weight = 4.86 * mV
n_groups = 10
group_size = 100

W_START, W_END = 45.0, 65.0  # ms: the window of the volley
HALF_WIDTH = 2.0  # ms: a volley spike lies within this of the median


def run_seed(seed):
    """Builds and runs the example with seed; returns the spike times
    (ms) and indices of P and the input's spike count."""
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * ms
    eqs = Equations('''
dV/dt = (-(V-Vr)+x)*(1./taum) : volt
dx/dt = (-x+y)*(1./taupsp) : volt
dy/dt = -y*(1./taupsp)+25.27*mV/ms+
        (39.24*mV/ms**0.5)*xi : volt
''')
    P = NeuronGroup(N=n_groups * group_size, model=eqs,
                    threshold='V>Vt', reset='V=Vr', refractory=1 * ms,
                    method='euler')
    Pinput = SpikeGeneratorGroup(args.input_n, np.arange(args.input_n),
                                 np.random.randn(args.input_n) * args.input_sd * ms + 50 * ms)
    S = Synapses(P, P, on_pre='y+=weight')
    S.connect(j='k for k in range((int(i/group_size)+1)*group_size, (int(i/group_size)+2)*group_size) '
                'if i<N_pre-group_size')
    Sinput = Synapses(Pinput, P[:group_size], on_pre='y+=weight')
    Sinput.connect()
    assert len(S) == 90000 and len(Sinput) == 100 * args.input_n
    Mgp = SpikeMonitor(P)
    Minput = SpikeMonitor(Pinput)
    P.V = 'Vr + rand() * (Vt - Vr)'
    b2.run(duration)
    # Step times, so the figures do not depend on float formatting.
    steps = np.rint(np.asarray(Mgp.t / b2.defaultclock.dt)).astype(np.int64)
    return steps * 0.1, np.asarray(Mgp.i[:]), int(Minput.num_spikes)


def volley(t):
    """arrival, size, spread of one group's spike times t (ms)."""
    w = t[(t >= W_START) & (t < W_END)]
    if len(w) == 0:
        return float("nan"), 0, float("nan")
    arrival = float(np.median(w))
    near = w[np.abs(w - arrival) <= HALF_WIDTH + 1e-9]
    spread = float(np.std(near, ddof=1)) if len(near) > 1 else float("nan")
    return arrival, len(near), spread


def fmt(xs, digits=2):
    return " ".join(f"{x:.{digits}f}" for x in xs)


seeds = list(range(args.first_seed, args.first_seed + args.seeds))
counts, arrivals, sizes, spreads, inputs = [], [], [], [], []
for s in seeds:
    t, i, n_in = run_seed(s)
    g = i // group_size
    counts.append(np.bincount(g, minlength=n_groups))
    v = [volley(t[g == k]) for k in range(n_groups)]
    arrivals.append([a for a, _, _ in v])
    sizes.append([n for _, n, _ in v])
    spreads.append([sd for _, _, sd in v])
    inputs.append(n_in)
    print(f"seed {s}: input_spikes={n_in} spikes_group={' '.join(map(str, counts[-1]))} "
          f"arrival9={arrivals[-1][9]:.2f} ms size9={sizes[-1][9]} propagated={sizes[-1][9] >= 50}",
          flush=True)
    if args.per_seed:
        print(f"  arrival_ms {fmt(arrivals[-1])}")
        print(f"  size       {' '.join(map(str, sizes[-1]))}")
        print(f"  spread_ms  {fmt(spreads[-1], 3)}")

counts = np.array(counts, dtype=float)
arrivals = np.array(arrivals)
sizes = np.array(sizes, dtype=float)
spreads = np.array(spreads)
print(f"brian2 {b2.__version__} {args.target}: synfire, seeds {seeds[0]}..{seeds[-1]}, "
      f"propagated in {int(np.sum(sizes[:, 9] >= 50))} of {len(seeds)}")
print(f"input_spikes mean {np.mean(inputs):.2f} sd {np.std(inputs, ddof=1):.2f}")
for name, a, d in (("spikes_group", counts, 1), ("arrival_ms", arrivals, 2),
                   ("size", sizes, 1), ("spread_ms", spreads, 3)):
    print(f"{name:12s} mean {fmt(np.nanmean(a, axis=0), d)}")
    print(f"{name:12s} sd   {fmt(np.nanstd(a, axis=0, ddof=1), d)}")
print(f"total_spikes mean {np.mean(counts.sum(axis=1)):.1f} sd {np.std(counts.sum(axis=1), ddof=1):.1f}")
