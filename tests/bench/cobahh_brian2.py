"""COBAHH (Brette et al. 2007, benchmark 3) in Brian2: Brian2's own
examples/COBAHH.py (4000 Hodgkin-Huxley neurons with conductance synapses,
exponential Euler, 1 s at dt = 0.1 ms), to compare with snnc's
tests/bench/cobahh.snn.

    python3 tests/bench/cobahh_brian2.py [--target numpy|cython|cpp_standalone]
                                         [--n 4000] [--duration 1] [--seed 1] [--exprel]
    python3 tests/bench/cobahh_brian2.py --trace [--target numpy]

Prints the mean rate (over all neurons, the excitatory P[:n*4/5] and the
inhibitory rest, spikes over the whole run), the synapses per neuron, the
synaptic events per second and the time the run took (not counting
building the network).

--trace runs instead a small model without randomness, the same neuron type
driven by a spike source at fixed times (cobahhTrace in tests/cobahh_test.go
is that model in snnc), and prints each neuron's spike steps and its v in mV
at every millisecond: the figures that tests/cobahh_test.go holds.
"""

import brian2 as b2
from brian2 import cm, mV, ms, msiemens, nS, second, siemens, ufarad, umetre

import brian2bench

args = brian2bench.setup(n=4000, trace=True, flags=[
    ("--exprel", "write alpha_m, beta_m and alpha_n with exprel, as examples/cobahh.snn does")])
b2.defaultclock.dt = 0.1 * ms

# The parameters and equations of Brian2's examples/COBAHH.py.
area = 20000 * umetre**2
Cm = (1 * ufarad * cm**-2) * area
gl = (5e-5 * siemens * cm**-2) * area
El = -60 * mV
EK = -90 * mV
ENa = 50 * mV
g_na = (100 * msiemens * cm**-2) * area
g_kd = (30 * msiemens * cm**-2) * area
VT = -63 * mV
taue = 5 * ms
taui = 10 * ms
Ee = 0 * mV
Ei = -80 * mV
we = 6 * nS
wi = 67 * nS

common = """
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""
if args.exprel:
    # The same functions with exprel(x) = (exp(x) - 1)/x: with x = u/c,
    # a*(mV**-1)*u/(exp(x) - 1) = a*(mV**-1)*c/exprel(x), defined at u = 0
    # too (the quotient is 0/0 there), as examples/cobahh.snn writes them.
    rates = """
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
"""
else:
    rates = """
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/
         (exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/
        (exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/
         (exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
"""
eqs = b2.Equations(common + rates)


if args.trace:
    # Four neurons at rest (m = n = h = 0, as in the example) with
    # excitatory conductances of 0, 30, 60 and 90 nS at t = 0, all four
    # kicked by 50 nS at 20, 40, 60 and 80 ms through a synapse of delay 0.
    P = b2.NeuronGroup(4, model=eqs, threshold="v>-20*mV", refractory=3 * ms,
                       method="exponential_euler")
    P.v = -65 * mV
    P.ge = "i * 30*nS"
    P.gi = 0 * nS
    kick = b2.SpikeGeneratorGroup(1, [0, 0, 0, 0], [20, 40, 60, 80] * ms)
    S = b2.Synapses(kick, P, on_pre="ge += 50*nS")
    S.connect()
    s_mon = b2.SpikeMonitor(P)
    v_mon = b2.StateMonitor(P, "v", record=True, dt=1 * ms)
    brian2bench.build_and_run(args, 100 * ms)
    print(f"brian2 {b2.__version__} {args.target}: COBAHH trace, 4 neurons, 100 ms")
    trains = s_mon.spike_trains()
    for i in range(4):
        steps = [int(round(float(t / b2.defaultclock.dt))) for t in trains[i]]
        print(f"neuron {i} spike steps: {steps}")
    for i in range(4):
        print(f"neuron {i} v (mV) every 1 ms:")
        print(", ".join(f"{float(v / mV):.12g}" for v in v_mon.v[i]) + ",")
    raise SystemExit(0)

P = b2.NeuronGroup(args.n, model=eqs, threshold="v>-20*mV", refractory=3 * ms,
                   method="exponential_euler")
n_exc = args.n * 4 // 5
Pe = P[:n_exc]
Pi = P[n_exc:]
Ce = b2.Synapses(Pe, P, on_pre="ge+=we")
Ci = b2.Synapses(Pi, P, on_pre="gi+=wi")
# 80 inputs per neuron at any size: p = 0.02 at 4000 neurons.
p = 80.0 / args.n
Ce.connect(p=p)
Ci.connect(p=p)
P.v = "El + (randn() * 5 - 5)*mV"
P.ge = "(randn() * 1.5 + 4) * 10.*nS"
P.gi = "(randn() * 12 + 20) * 10.*nS"
s_mon = b2.SpikeMonitor(P)

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)
if args.target == "cpp_standalone":
    print(f"brian2 cpp_standalone run time: {run_time:.3f} s (build and run: {elapsed:.1f} s)")

n_spikes = s_mon.num_spikes
rate = n_spikes / args.n / args.duration
syn = len(Ce) + len(Ci)
counts = s_mon.count[:]
events = float(sum(counts[:n_exc])) * len(Ce) / n_exc + float(sum(counts[n_exc:])) * len(Ci) / (args.n - n_exc)
rate_exc = float(sum(counts[:n_exc])) / n_exc / args.duration
rate_inh = float(sum(counts[n_exc:])) / (args.n - n_exc) / args.duration
print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} rate={rate:.3f} Hz "
      f"rate_exc={rate_exc:.3f} Hz rate_inh={rate_inh:.3f} Hz exprel={args.exprel} "
      f"synapses/neuron={syn / args.n:.1f} events/s={events / args.duration:.3g} run={elapsed:.2f} s")
