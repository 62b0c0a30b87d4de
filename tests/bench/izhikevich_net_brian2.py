"""The network of Izhikevich (2003), "Simple model of spiking neurons", in
Brian2, to compare with snnc's tests/bench/izhikevich_net.snn: 20000 cells
(16000 excitatory, 4000 inhibitory) with the paper's heterogeneity taken
from the golden ratio's sequence instead of random draws, a constant drive
per neuron instead of the paper's noise, 160 excitatory and 40 inhibitory
inputs per neuron (at any size) that add their weight to v, 1 s at
dt = 0.1 ms, integrated by forward Euler. tests/bench/izhikevich_net.snn
says why each choice.

    python3 tests/bench/izhikevich_net_brian2.py [--target numpy|cython|cpp_standalone]
                                                 [--n 20000] [--duration 1] [--seed 1]
    python3 tests/bench/izhikevich_net_brian2.py --trace [--target numpy]

Prints the mean rate, the synapses per neuron, the synaptic events per
second and the time the run took (not counting building the network).

The synapses run at the start of the step after the spike (the scheduling
slot before_groups), not in the step of the spike after the thresholds
(Brian2's default): so a spike of step n reaches its targets in step n + 1
before their integration, as in snnc (spec/language.md, section 6.1), and
a pulse onto a neuron that fires in step n is not erased by its reset.

--trace runs instead a small model without randomness, 16 excitatory and 4
inhibitory cells connected all to all (izhikevichNetTrace in
tests/izhikevich_net_test.go is that model in snnc), and prints each
neuron's spike steps and its v in mV at every 0.5 ms: the figures that
tests/izhikevich_net_test.go compares snnc's with.
"""

import brian2 as b2
from brian2 import mV, ms, second

import brian2bench

args = brian2bench.setup(n=20000, trace=True)
b2.defaultclock.dt = 0.1 * ms

# The paper's neuron, v and u in mV, t in ms.
eqs = b2.Equations("""
dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + I)/ms : volt
du/dt = a*(b*v - u)/ms : volt
a : 1 (constant)
b : 1 (constant)
c : volt (constant)
d : volt (constant)
I : volt (constant)
""")
# The weights' scales: the paper's 0.5 U and -U five times (a fifth of its
# inputs), the inhibitory ones doubled (tests/bench/izhikevich_net.snn).
WE = "2.5*mV"
WI = "-10*mV"
# frac(i * 0.618...) for the cells' parameters, frac(i * 0.7548...) for
# their drive, frac(i * 0.7548... + j * 0.5698...) for the weights.
R = "(i*0.6180339887498949 - floor(i*0.6180339887498949))"
S = "(i*0.7548776662466927 - floor(i*0.7548776662466927))"
W = "(i*0.7548776662466927 + j*0.5698402909980532 - floor(i*0.7548776662466927 + j*0.5698402909980532))"


def cells(n_exc, n_inh, drive_exc, drive_inh):
    """The excitatory and inhibitory groups, with the paper's parameters
    and the drives drive_exc + 5 mV S, drive_inh + 2 mV S."""
    E = b2.NeuronGroup(n_exc, eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler")
    E.a = 0.02
    E.b = 0.2
    E.c = f"-65*mV + 15*mV*{R}**2"
    E.d = f"8*mV - 6*mV*{R}**2"
    E.I = f"{drive_exc} + 5*mV*{S}"
    Inh = b2.NeuronGroup(n_inh, eqs, threshold="v >= 30*mV", reset="v = c; u += d", method="euler")
    Inh.a = f"0.02 + 0.08*{R}"
    Inh.b = f"0.25 - 0.05*{R}"
    Inh.c = -65 * mV
    Inh.d = 2 * mV
    Inh.I = f"{drive_inh} + 2*mV*{S}"
    for G in (E, Inh):
        G.v = -65 * mV
        G.u = "b*v"
    return E, Inh


def pulses(src, dst, scale, **connect):
    """The paper's synapse, v_post += w with w = scale * W, run at the
    start of the next step (see above)."""
    S = b2.Synapses(src, dst, "w : volt (constant)", on_pre="v_post += w")
    S.connect(**connect)
    S.w = f"{scale} * {W}"
    S.pre.when = "before_groups"
    return S


if args.trace:
    # 16 excitatory and 4 inhibitory cells, all to all without autapses,
    # drives raised by 3 mV and 1 mV so that most of them fire, 300 ms.
    E, Inh = cells(16, 4, "3*mV", "1*mV")
    Cee = pulses(E, E, WE, condition="i != j")
    Cei = pulses(E, Inh, WE)
    Cie = pulses(Inh, E, WI)
    Cii = pulses(Inh, Inh, WI, condition="i != j")
    sE = b2.SpikeMonitor(E)
    sI = b2.SpikeMonitor(Inh)
    # Sampled after the synapses of the step, as snnc samples.
    vE = b2.StateMonitor(E, "v", record=True, dt=0.5 * ms, when="before_groups", order=1)
    vI = b2.StateMonitor(Inh, "v", record=True, dt=0.5 * ms, when="before_groups", order=1)
    brian2bench.build_and_run(args, 300 * ms)
    print(f"brian2 {b2.__version__} {args.target}: Izhikevich network trace, 20 neurons, 300 ms")
    trains = list(sE.spike_trains().values()) + list(sI.spike_trains().values())
    vs = list(vE.v) + list(vI.v)
    for k, train in enumerate(trains):
        steps = [int(round(float(t / b2.defaultclock.dt))) for t in train]
        print(f"neuron {k} spike steps: {steps}")
    for k, v in enumerate(vs):
        print(f"neuron {k} v (mV) every 0.5 ms:")
        print(", ".join(f"{float(x / mV):.17g}" for x in v))
    raise SystemExit(0)

n_exc = args.n * 4 // 5
E, Inh = cells(n_exc, args.n - n_exc, "0*mV", "0*mV")
# A fixed number of inputs per neuron, drawn without repetition (snnc's
# fixed_indegree; autapses allowed, as there and in the paper).
exc_in = "k for k in sample(N_pre, size=160)"
inh_in = "k for k in sample(N_pre, size=40)"
# Each projection bound to a name: Brian2's run collects the objects that
# the script's namespace names, not those only held in a list.
Cee = pulses(E, E, WE, i=exc_in)
Cei = pulses(E, Inh, WE, i=exc_in)
Cie = pulses(Inh, E, WI, i=inh_in)
Cii = pulses(Inh, Inh, WI, i=inh_in)
sE = b2.SpikeMonitor(E)
sI = b2.SpikeMonitor(Inh)

run_time, elapsed = brian2bench.build_and_run(args, args.duration * second)
if args.target == "cpp_standalone":
    print(f"brian2 cpp_standalone run time: {run_time:.3f} s (build and run: {elapsed:.1f} s)")

n_inh = args.n - n_exc
rate = (sE.num_spikes + sI.num_spikes) / args.n / args.duration
syn = len(Cee) + len(Cei) + len(Cie) + len(Cii)
events = float(sE.num_spikes) * (len(Cee) + len(Cei)) / n_exc + \
    float(sI.num_spikes) * (len(Cie) + len(Cii)) / n_inh
print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} rate={rate:.3f} Hz "
      f"(exc {sE.num_spikes / n_exc / args.duration:.3f} Hz, inh {sI.num_spikes / n_inh / args.duration:.3f} Hz) "
      f"synapses/neuron={syn / args.n:.1f} events/s={events / args.duration:.3g} run={elapsed:.2f} s")
