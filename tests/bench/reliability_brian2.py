"""Reliability of spike timing (Brian2's examples/reliability.py; Mainen &
Sejnowski 1995) in Brian2, to compare with snnc's examples/reliability.snn:
the fraction of coincident spikes.

    python3 tests/bench/reliability_brian2.py [--target numpy|cython|cpp_standalone]
                                              [--n 25] [--duration 1] [--seed 1] [--dir D]
                                              [--input-first]

The example's model and parameters: one input unit
dx/dt = -x/tau_input + (2/tau_input)**.5 * xi (tau_input = 5 ms; an
Ornstein-Uhlenbeck process of unit variance; Brian2 picks 'euler', i.e.
Euler-Maruyama, for it, as it does for the neurons where the example
names it) shared through a linked variable I by N = 25 neurons
dx/dt = (0.9 + .5*I - x)/tau + sigma*(2/tau)**.5 * xi (tau = 10 ms,
sigma = .015; each neuron its own noise), threshold x > 1, reset x = 0,
refractory 5 ms (the threshold only: x is not clamped, the equation has
no "unless refractory"), x(0) = rand(). The linked I reads the input's x
at the START of the step: both state updaters run in the 'groups' slot
with order 0, and Brian2 breaks the tie by name, so the neurons
('neurongroup_1_stateupdater') update before the input
('neurongroup_stateupdater'); that is explicit Euler for the coupled
pair (checked with Network.scheduling_summary()). --input-first names the
input's group so that it updates first, as snnc orders a global before
the populations: the neurons then read the input's x at the end of the
step.

The example runs 500 ms; --duration defaults to 1 s here (more spikes
for the statistic). The figures skip the first T_SKIP = 100 ms (the
random initial x).

The fraction of coincident spikes: for each ordered pair of neurons
(a, b), a != b, count the spikes of a (at t >= T_SKIP) that have a spike
of b within |t_a - t_b| <= DELTA = 1 ms (spike times are step times, so
compare steps: |k_a - k_b| <= 10 at dt = 0.1 ms); the fraction is the
sum of those counts over all pairs divided by (N - 1) times the number
of spikes at t >= T_SKIP. chance_fraction is what independent Poisson
trains at the measured rate would give, 1 - exp(-rate * (2*DELTA + dt)),
to show the input's effect. rate_hz is the mean rate over [T_SKIP, end).

Everything here depends on Brian2's random generator (x(0), the input's
noise, each neuron's noise): an snnc port draws other numbers, so the
figures are statistical: compare with the mean and spread over seeds
(see /work/notes/issue19-brian2-reliability.md).

Prints:
    rate_hz=R
    coincident_fraction=F
    chance_fraction=C
    spikes=S
and a final line "brian2 VERSION TARGET: ... run=SECONDS s".
"""

import numpy as np

import brian2 as b2
from brian2 import ms, second

import brian2bench

args = brian2bench.setup(n=25, flags=[("--input-first", "advance the input before the neurons, as snnc does")])

T_SKIP = 100 * ms
DELTA_STEPS = 10  # 1 ms at dt = 0.1 ms

# The common noisy input
N = args.n
tau_input = 5 * ms
# Brian2 runs the two state updaters in the order of the groups' names
# (see the docstring): named so, the input's sorts first and the neurons
# read its x at the END of the step, snnc's order (spec §6).
input = b2.NeuronGroup(1, "dx/dt = -x / tau_input + (2 /tau_input)**.5 * xi : 1",
                       name="aaa_input" if args.input_first else "neurongroup")

# The noisy neurons receiving the same input
tau = 10 * ms
sigma = .015
eqs_neurons = """
dx/dt = (0.9 + .5 * I - x) / tau + sigma * (2 / tau)**.5 * xi : 1
I : 1 (linked)
"""
neurons = b2.NeuronGroup(N, model=eqs_neurons, threshold="x > 1",
                         reset="x = 0", refractory=5 * ms, method="euler")
neurons.x = "rand()"
neurons.I = b2.linked_var(input, "x")  # input.x is continuously fed into neurons.I
spikes = b2.SpikeMonitor(neurons)

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)

steps, idx = brian2bench.spikes_after(args, spikes, T_SKIP, run_time, elapsed)
dt = float(b2.defaultclock.dt)
trains = [np.sort(steps[idx == a]) for a in range(N)]
coinc = 0
for a in range(N):
    for b in range(N):
        if a == b or len(trains[b]) == 0 or len(trains[a]) == 0:
            continue
        tb = trains[b]
        # the nearest spike of b on either side of each spike of a
        pos = np.searchsorted(tb, trains[a])
        left = np.abs(trains[a] - tb[np.clip(pos - 1, 0, len(tb) - 1)])
        right = np.abs(tb[np.clip(pos, 0, len(tb) - 1)] - trains[a])
        coinc += int(np.count_nonzero(np.minimum(left, right) <= DELTA_STEPS))
n_sp = len(steps)
span = args.duration - float(T_SKIP)
rate = n_sp / N / span
frac = coinc / ((N - 1) * n_sp) if n_sp else 0.0
chance = 1 - np.exp(-rate * (2 * DELTA_STEPS + 1) * dt)
print(f"rate_hz={rate:.4f}")
print(f"coincident_fraction={frac:.4f}")
print(f"chance_fraction={chance:.4f}")
print(f"spikes={n_sp}")
print(f"brian2 {b2.__version__} {args.target}: n={N} seed={args.seed} duration={args.duration} s "
      f"run={run_time:.3f} s (build and run {elapsed:.1f} s)")
