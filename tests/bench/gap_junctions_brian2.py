"""Neurons with gap junctions (Brian2's examples/synapses/gapjunctions.py)
in Brian2, to compare with snnc's examples/gap_junctions.snn: the firing
rate as a function of the drive v0.

    python3 tests/bench/gap_junctions_brian2.py [--target numpy|cython|cpp_standalone]
                                                [--n 10] [--duration 1] [--trace] [--dir D]

The example's model and parameters: n = 10 neurons, tau = 10 ms,
dv/dt = (v0 - v + Igap)/tau with threshold v > 1, reset v = 0, no
refractory period, method 'linear' (the exact propagator, Igap held
constant over the step), v(0) = i/(n-1), all-to-all gap junctions
(autapses included, as S.connect() makes them; they add 0) with
w = 0.02 and Igap_post = w*(v_pre - v_post) (summed). Brian2 computes
the sum at the start of each step from the v of the step before (the
summed-variable updater runs in the 'groups' slot before the group's
state update), then integrates, thresholds and resets.

The example runs one network at v0 = 1.05 for 500 ms; here the drive is
swept: one block of n neurons per value of DRIVES, connected only within
the block (so the blocks are independent copies of the example, run as
one NeuronGroup so that Brian2's magic run finds every object). Block 0
is the example itself (v0 = 1.05).

Nothing is random: the figures are deterministic and an exact port
(same propagator, same order within the step) should reproduce the
spike counts exactly; the only differences come from rounding in the
propagator (exp(-dt/tau)) and in the order of the sum over synapses.

Prints, one line per drive:
    drive=V0 rate_hz=R spikes=S first_spike_ms=T0 last_spike_ms=T1
(rate = spikes / n / duration; first/last spike over the block), then
with --trace the example's traces v[0] and v[5] of block 0 every 50 ms:
    trace t_ms=T v0=A v5=B
and a final line "brian2 VERSION TARGET: ... run=SECONDS s" for the
benchmark suite.
"""

import numpy as np

import brian2 as b2
from brian2 import ms, second

import brian2bench

args = brian2bench.setup(n=10, trace=True)

# Block 0 is the example's drive; 0.95 < 1 never fires (a true zero).
# Knife edges that rounding decides are left out: v0 = 1 (v approaches
# it from below) and v0 = 1.1 (neuron 9 starts at v = 1 with
# Igap = 0.02*(5 - 10) = -0.1, so v0 + Igap = 1 and whether it fires
# at step 0 depends on the last bit: Brian2 numpy says yes, its
# cpp_standalone no, and the rate then differs by 1 spike).
DRIVES = [1.05, 0.95, 1.02, 1.15, 1.2, 1.5, 2.0, 3.0]
n = args.n
K = len(DRIVES)
tau = 10 * ms

eqs = """
dv/dt = (v0 - v + Igap) / tau : 1
Igap : 1 # gap junction current
v0 : 1 (constant)
"""
neurons = b2.NeuronGroup(n * K, eqs, threshold="v > 1", reset="v = 0", method="linear")
neurons.v0 = np.repeat(DRIVES, n)
neurons.v = np.tile(np.arange(n) * 1.0 / (n - 1), K)
S = b2.Synapses(neurons, neurons, """
             w : 1 # gap junction conductance
             Igap_post = w * (v_pre - v_post) : 1 (summed)
             """)
# All pairs within each block, autapses included (the example's S.connect()).
pre = np.repeat(np.arange(n), n)
post = np.tile(np.arange(n), n)
S.connect(i=np.concatenate([pre + k * n for k in range(K)]),
          j=np.concatenate([post + k * n for k in range(K)]))
S.w = .02
spikes = b2.SpikeMonitor(neurons)
trace = b2.StateMonitor(neurons, "v", record=[0, 5])

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)

t = np.asarray(spikes.t / ms)
idx = np.asarray(spikes.i)
for k, v0 in enumerate(DRIVES):
    sel = (idx >= k * n) & (idx < (k + 1) * n)
    ts = t[sel]
    first = f"{ts.min():.1f}" if len(ts) else "none"
    last = f"{ts.max():.1f}" if len(ts) else "none"
    print(f"drive={v0:g} rate_hz={len(ts) / n / args.duration:.4f} spikes={len(ts)} "
          f"first_spike_ms={first} last_spike_ms={last}")
if args.trace:
    tt = np.asarray(trace.t / ms)
    for step in range(0, len(tt), 500):
        print(f"trace t_ms={tt[step]:.1f} v0={trace.v[0][step]:.12g} v5={trace.v[1][step]:.12g}")
print(f"brian2 {b2.__version__} {args.target}: n={n}x{K} drives duration={args.duration} s "
      f"synapses={len(S)} run={run_time:.3f} s (build and run {elapsed:.1f} s)")
