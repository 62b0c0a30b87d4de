"""Brunel & Hakim (1999), sparsely connected inhibitory current-based
integrate-and-fire neurons in a fast global oscillation (Brian2's
examples/frompapers/Brunel_Hakim_1999.py) in Brian2, to compare with
snnc's examples/brunel_hakim1999.snn: the mean rate and the
population's oscillation frequency.

    python3 tests/bench/brunel_hakim1999_brian2.py [--target numpy|cython|cpp_standalone]
                                                   [--n 5000] [--duration 1] [--seed 1] [--dir D]

The example's model and parameters: N = 5000, dV/dt = (-V + muext +
sigmaext*sqrt(tau)*xi)/tau (tau = 20 ms, muext = 25 mV, sigmaext = 1 mV;
method 'euler', i.e. Euler-Maruyama: V += dt*(muext - V)/tau +
sigmaext*sqrt(dt/tau)*N(0,1) each step), threshold V > theta = 20 mV,
reset V = Vr = 10 mV, refractory 2 ms (the threshold only: V keeps
integrating, the equation has no "unless refractory"), V(0) = Vr,
synapses V += -J (J = 0.1 mV) with delay 2 ms (20 steps), connected
with probability C/N = 0.2 (C = 1000; autapses allowed, as connect(p=)
makes them), dt = 0.1 ms.

The example runs 100 ms; --duration defaults to 1 s here so that the
frequency is resolved to about 1 Hz. The figures skip the first
T_SKIP = 100 ms (every V starts at Vr: the first volley is synchronous).

Figures, over [T_SKIP, end):
- rate_hz: spikes / N / (duration - T_SKIP).
- osc_freq_hz: the population activity A_k = the number of spikes in
  step k (k = T_SKIP/dt ... end), minus its mean; its periodogram
  P(f) = |sum_k A_k exp(-2 pi i f k dt)|^2 at f = 1, 2, ..., 1000 Hz,
  smoothed by a flat 11-point (+-5 Hz) moving average (ends: the points
  that exist); the frequency of the largest smoothed value in 20..1000 Hz.
  An snnc test recomputes it from its spike record with the same recipe.
- osc_power_ratio: that peak over the mean of P over 20..1000 Hz (how
  much oscillation there is; about 1 for no oscillation).
- cv_isi: the mean over neurons with >= 3 spikes of the coefficient of
  variation of their interspike intervals (the neurons are irregular:
  near 1).

Everything here depends on Brian2's random generator (the connections,
the noise): an snnc port draws other numbers, so the figures are
statistical: compare with the mean and spread over seeds (see
/work/notes/issue19-brian2-brunel_hakim1999.md).

Prints one figure a line (rate_hz=..., osc_freq_hz=..., osc_power_ratio=...,
cv_isi=..., spikes=..., synapses=...) and a final line
"brian2 VERSION TARGET: ... run=SECONDS s" for the benchmark suite.
"""

import numpy as np

import brian2 as b2
from brian2 import mV, ms, second

import brian2bench

args = brian2bench.setup(n=5000)

T_SKIP = 100 * ms
F_LO, F_HI, SMOOTH = 20, 1000, 5

N = args.n
Vr = 10 * mV
theta = 20 * mV
tau = 20 * ms
delta = 2 * ms
taurefr = 2 * ms
C = 1000
sparseness = float(C) / N if N > C else 1.0
J = .1 * mV
muext = 25 * mV
sigmaext = 1 * mV

eqs = """
dV/dt = (-V+muext + sigmaext * sqrt(tau) * xi)/tau : volt
"""

group = b2.NeuronGroup(N, eqs, threshold="V>theta",
                       reset="V=Vr", refractory=taurefr, method="euler")
group.V = Vr
conn = b2.Synapses(group, group, on_pre="V += -J", delay=delta)
conn.connect(p=sparseness)
M = b2.SpikeMonitor(group)

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)

steps, idx = brian2bench.spikes_after(args, M, T_SKIP, run_time, elapsed)
dt = float(b2.defaultclock.dt)
n_steps = int(round(args.duration / dt))
skip = int(round(float(T_SKIP) / dt))
span = args.duration - float(T_SKIP)
rate = len(steps) / N / span

A = np.bincount(steps - skip, minlength=n_steps - skip).astype(float)
A -= A.mean()
k = np.arange(n_steps - skip)
freqs = np.arange(1, F_HI + 1)
P = np.empty(len(freqs))
for m, f in enumerate(freqs):
    ph = 2 * np.pi * f * k * dt
    P[m] = np.dot(A, np.cos(ph)) ** 2 + np.dot(A, np.sin(ph)) ** 2
Ps = np.array([P[max(0, m - SMOOTH):m + SMOOTH + 1].mean() for m in range(len(P))])
band = (freqs >= F_LO) & (freqs <= F_HI)
peak = np.argmax(np.where(band, Ps, -np.inf))
ratio = Ps[peak] / P[band].mean()

order = np.lexsort((steps, idx))
si, st = idx[order], steps[order]
cvs = []
for a in np.unique(si):
    isi = np.diff(st[si == a]) * dt
    if len(isi) >= 2:
        cvs.append(isi.std() / isi.mean())
cv = float(np.mean(cvs)) if cvs else float("nan")

print(f"rate_hz={rate:.4f}")
print(f"osc_freq_hz={freqs[peak]}")
print(f"osc_power_ratio={ratio:.2f}")
print(f"cv_isi={cv:.4f}")
print(f"spikes={len(steps)}")
print(f"synapses={len(conn)}")
print(f"brian2 {b2.__version__} {args.target}: n={N} seed={args.seed} duration={args.duration} s "
      f"run={run_time:.3f} s (build and run {elapsed:.1f} s)")
