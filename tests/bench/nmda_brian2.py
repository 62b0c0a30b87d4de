"""NMDA synapses in Brian2 2.5.1: Brian2's examples/synapses/nonlinear.py
with the same equations and parameters, to compare with snnc's
examples/nmda.snn (issue 19: synapses with continuous state and a summed
variable).

    python3 tests/bench/nmda_brian2.py [--target numpy|cpp_standalone --dir D]
                                       [--sample 1] [--duration 1]

Two input neurons (dv/dt = 1/(10 ms), Euler, threshold v > 1, reset to 0;
v starts at 0 and 0.5) drive one neuron through two NMDA synapses (w = 1
and 10) whose g_syn follows dg_syn/dt = -a*g_syn + b*x*(1-g_syn),
dx/dt = -c*x, on_pre x += w; the neuron's g is their sum (summed) and its
v follows dv/dt = (g-v)/(10 ms). 1000 ms at dt = 0.1 ms.

The synapses' method is not named in the example: Brian2 picks 'euler'
(the system is not linear in g_syn with constant coefficients, so 'exact'
fails); the script names it so that the choice is visible and does not
depend on Brian2's fallback order. The neuron uses 'linear' (exact) as in
the example.

Deterministic: no random numbers. Prints, one per line,
    spike src=I t_ms=T1,T2,...        the input spikes (on the dt grid)
    g t_ms=T g_syn0=A g_syn1=B g=G v=V  every --sample ms (default 1 ms)
values recorded at the start of the step at T (StateMonitor, 'start'
slot), with 17 significant digits; then the peaks
    gmax var=NAME value=X t_ms=T
"""

import numpy as np

import brian2 as b2
from brian2 import ms, second

import brian2bench

args = brian2bench.setup(n=1, duration=1.0, sample=True)
sample_ms = args.sample

a = 1 / (10 * ms)
b = 1 / (10 * ms)
c = 1 / (10 * ms)

inp = b2.NeuronGroup(2, "dv/dt = 1/(10*ms) : 1", threshold="v>1", reset="v = 0", method="euler")
neurons = b2.NeuronGroup(1, """dv/dt = (g-v)/(10*ms) : 1
                            g : 1""", method="linear")
S = b2.Synapses(inp, neurons, """
                dg_syn/dt = -a*g_syn+b*x*(1-g_syn) : 1 (clock-driven)
                g_post = g_syn : 1 (summed)
                dx/dt=-c*x : 1 (clock-driven)
                w : 1 # synaptic weight
             """, on_pre="x += w", method="euler")
S.connect()
S.w = [1., 10.]
inp.v = [0., 0.5]

M = b2.StateMonitor(S, ["g_syn", "x"], record=np.arange(2))
Mn = b2.StateMonitor(neurons, ["g", "v"], record=0)
sp = b2.SpikeMonitor(inp)

duration = args.duration * second
run_time, elapsed = brian2bench.build_and_run(args, duration)

# Synapse k joins input k to the neuron (connect() on 2 x 1 makes them in
# that order); say so rather than assume it.
assert list(S.i[:]) == [0, 1] and list(S.j[:]) == [0, 0]
it_i, it_t = sp.it
for src in range(2):
    ts = it_t[it_i == src] / ms
    print(f"spike src={src} t_ms=" + ",".join(f"{t:.1f}" for t in ts))
t = M.t[:] / ms
g0, g1 = M.g_syn[0], M.g_syn[1]
g, v = Mn.g[0], Mn.v[0]
step = int(round(sample_ms * ms / b2.defaultclock.dt))
for k in range(0, len(t), step):
    print(f"g t_ms={t[k]:.1f} g_syn0={g0[k]:.17g} g_syn1={g1[k]:.17g} g={g[k]:.17g} v={v[k]:.17g}")
for name, arr in (("g_syn0", g0), ("g_syn1", g1), ("g", g), ("v", v)):
    k = int(np.argmax(arr))
    print(f"gmax var={name} value={arr[k]:.17g} t_ms={t[k]:.1f}")
print(f"brian2 {b2.__version__} {args.target}: nmda dt_ms={float(b2.defaultclock.dt / ms)} "
      f"run={run_time:.3f} s (build and run {elapsed:.1f} s)")
