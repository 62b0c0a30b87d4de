#!/usr/bin/env python3
"""The cost model of snnc's MPI mode (issue 22): the time of one step per
rank, and the memory per rank, for K = 1, 2, 4, ..., 1024 ranks of one
thread each, for two models: 10^6 neurons with 10^8 synapses
(tests/bench/mpi_1e6.snn's CUBA at 5 Hz) and the Potjans-Diesmann cortical
microcircuit (77 169 neurons, 3x10^8 synapses). spec/native.md, "Running
over MPI ranks: the cost model", holds this script's output and says where
each constant comes from; every constant is an option here, so that the
figures tests/bench/mpi.sh measures can be put in:

    python3 tests/bench/mpi_model.py [--c-n NS] [--c-s NS] ...
    python3 tests/bench/mpi_model.py --check-spec

--check-spec prints nothing and exits 0 when spec/native.md holds this
script's output (with the default constants) verbatim, and says so and
exits 1 when it does not: run it after changing either.

The design modelled (spec/native.md): each rank updates its own contiguous
block of every population (N/K neurons) but holds every neuron's state;
it holds only the synapses onto its own neurons (S/K) and, on every rank,
the row starts of every projection (8 bytes per pre neuron); the spikes of
a window of W = 1 + min delay (in steps) steps are exchanged by one
MPI_Allgather of a fixed-size buffer per rank (int32 spike indices and
int32 counts per step and population); every rank then reads every spike
of the window (its row bounds in each projection from the spike's
population) and delivers it onto its own synapses. Poisson inputs are
drawn on every rank, whole.

Per rank and per step (K > 1 for the last three):
    neurons   c_n * N / K
    synapses  c_s * events / K          events = spikes * S / N per step
    scan      c_x * spikes * rows       every spike of the network, on every rank,
              + c_u * K * P                 and every rank's count per population
    inputs    c_in * input spikes + c_s * input events / K
              (c_in * input spikes / K where a rank draws only its own inputs)
    latency   ceil(log2 K) * alpha / W  the allgather's stages (recursive doubling, Bruck)
    bandwidth (K - 1) * b / beta / W    every rank receives the K - 1 other buffers of b bytes
    wait      sigma * sqrt(2 ln K) / W  the collective waits for the slowest rank
Nothing is overlapped: with W = 1 + min delay, the spikes of a window's
first step are due at the next window's first step, so the exchange of a
window is on the path to the next one (see the spec for what would hide it).

Debian's python3 alone: no numpy.
"""

import argparse
import io
import math
import os
import sys

# Potjans & Diesmann (2014): population sizes (exact; they sum to 77 169),
# approximate published rates (Hz), and the number of external Poisson
# inputs per neuron of each population (at 8 Hz each). The rates and the
# in-degrees are approximate: see the spec.
MICROCIRCUIT = [
    # name, neurons, rate (Hz), external inputs per neuron
    ("L23e", 20683, 0.9, 1600),
    ("L23i", 5834, 2.8, 1500),
    ("L4e", 21915, 4.4, 2100),
    ("L4i", 5479, 5.7, 1900),
    ("L5e", 4850, 7.6, 2000),
    ("L5i", 1065, 8.7, 1900),
    ("L6e", 14395, 1.1, 2900),
    ("L6i", 2948, 7.8, 2100),
]
EXTERNAL_RATE = 8.0  # Hz, per external input


class Model:
    """One network as the cost model sees it."""

    def __init__(self, name, neurons, synapses, spikes_per_step, populations,
                 rows_per_spike, row_starts, state_vars, synapse_vars, window,
                 input_sources=0, input_spikes_per_step=0.0, input_fanout=0,
                 inputs_local=False):
        self.name = name
        self.neurons = neurons
        self.synapses = synapses
        self.spikes = spikes_per_step  # of the whole network, per step
        self.populations = populations
        self.rows_per_spike = rows_per_spike  # projections from a spike's population
        self.row_starts = row_starts  # sum over projections of the pre population's size
        self.state_vars = state_vars  # per neuron
        self.synapse_vars = synapse_vars  # per synapse, besides its post index
        self.window = window  # W, steps per exchange
        self.input_sources = input_sources
        self.input_spikes = input_spikes_per_step
        self.input_fanout = input_fanout
        # Whether a rank draws only the sources that project onto its own
        # neurons (not the design's: it draws every source).
        self.inputs_local = inputs_local


def buffer_bytes(m, k):
    """The bytes of one rank's part of the allgather: one int32 count per
    step and population, and room for the most spikes any rank has had in
    one window of the run. A rank's spikes in a window are about Poisson
    with mean mu; over 10^5 windows and K ranks the largest is about
    mu + 6 sqrt(mu) + 8 (asynchronous irregular firing; synchronous bursts
    need more, and the buffer grows to them)."""
    mu = m.spikes * m.window / k
    cap = math.ceil(mu + 6 * math.sqrt(mu) + 8)
    return 4 * m.window * m.populations + 4 * cap


def step_cost(m, k, c):
    """The terms of one step on one rank, in seconds."""
    t = {}
    t["neurons"] = c.c_n * m.neurons / k
    events = m.spikes * m.synapses / m.neurons
    t["synapses"] = c.c_s * events / k
    t["scan"] = c.c_x * m.spikes * m.rows_per_spike + c.c_u * k * m.populations if k > 1 else 0.0
    draws = c.c_in * m.input_spikes / (k if m.inputs_local else 1)
    t["inputs"] = draws + c.c_s * m.input_spikes * m.input_fanout / k
    if k > 1:
        b = buffer_bytes(m, k)
        t["latency"] = math.ceil(math.log2(k)) * c.alpha / m.window
        t["bandwidth"] = (k - 1) * b / c.beta / m.window
        t["wait"] = c.sigma * math.sqrt(2 * math.log(k)) / m.window
    else:
        t["latency"] = t["bandwidth"] = t["wait"] = 0.0
    t["total"] = sum(t.values())
    return t


def memory_bytes(m, k):
    """The bytes one rank holds that scale with the model: the state of
    every neuron, the row starts of every projection, the input sources'
    state (two int64 each: pending spike and count of draws), the synapses
    onto its neurons, and the allgather's receive buffer."""
    state = 8 * m.state_vars * m.neurons
    rows = 8 * m.row_starts
    inputs = 16 * m.input_sources / (k if m.inputs_local else 1)
    synapses = (m.synapses + m.input_sources * m.input_fanout) / k * (4 + 8 * m.synapse_vars)
    received = k * buffer_bytes(m, k) if k > 1 else 0
    return state + rows + inputs, synapses, received


def table(m, c, ks):
    """A markdown table of the step's terms (µs per step) and memory (MB
    per rank) at each K."""
    us = 1e6
    base = step_cost(m, 1, c)["total"]
    out = []
    out.append(f"{m.name}: W = {m.window}, {m.spikes:.4g} spikes and "
               f"{m.spikes * m.synapses / m.neurons:.4g} synaptic events per step"
               + (f", {m.input_spikes:.4g} input spikes per step" if m.input_spikes else ""))
    out.append("")
    out.append("| K | neurons | synapses | scan | inputs | latency | bandwidth | wait | step (µs) | speed-up | efficiency | × real time | replicated (MB) | synapses (MB) |")
    out.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    best = None
    for k in ks:
        t = step_cost(m, k, c)
        rep, syn, recv = memory_bytes(m, k)
        speed = base / t["total"]
        if best is None or t["total"] < best[1]:
            best = (k, t["total"])
        out.append(
            f"| {k} | {t['neurons'] * us:.3g} | {t['synapses'] * us:.3g} | {t['scan'] * us:.3g} | "
            f"{t['inputs'] * us:.3g} | {t['latency'] * us:.3g} | {t['bandwidth'] * us:.3g} | "
            f"{t['wait'] * us:.3g} | **{t['total'] * us:.3g}** | {speed:.3g} | {speed / k:.0%} | "
            f"{t['total'] / c.dt:.3g} | {(rep + recv) / 1e6:.4g} | {syn / 1e6:.4g} |")
    out.append("")
    # Where it stops: the first K at which the exchange (latency, bandwidth,
    # wait) and the terms that do not shrink (scan, drawing the inputs)
    # cost more than the work that divides.
    cross = None
    for k in ks:
        t = step_cost(m, k, c)
        fixed = t["latency"] + t["bandwidth"] + t["wait"] + t["scan"]
        if not m.inputs_local:
            fixed += c.c_in * m.input_spikes
        if cross is None and fixed > t["total"] - fixed:
            cross = k
    fastest = f"Fastest at K = {best[0]} ({best[1] * us:.3g} µs per step, {best[1] / c.dt:.3g} × real time)"
    if cross == 1:
        out.append(fastest + "; the terms that do not divide by K outweigh those that do at every K.")
    elif cross:
        out.append(fastest + f"; the terms that do not divide by K outweigh those that do from K = {cross}.")
    else:
        out.append(fastest + ".")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--c-n", type=float, default=0.5, help="ns per neuron and step (default 0.5: CUBA 40 000)")
    p.add_argument("--c-s", type=float, default=2.0, help="ns per synaptic event (default 2)")
    p.add_argument("--c-x", type=float, default=5.0, help="ns per spike and projection to find its row on a rank (default 5)")
    p.add_argument("--c-u", type=float, default=0.5, help="ns to read one rank's count of one population (default 0.5)")
    p.add_argument("--c-in", type=float, default=10.0, help="ns to draw one Poisson input spike (default 10)")
    p.add_argument("--alpha", type=float, default=1.5, help="µs per allgather stage (default 1.5: InfiniBand EDR/HDR)")
    p.add_argument("--beta", type=float, default=12.5, help="GB/s received per rank (default 12.5: 100 Gb/s)")
    p.add_argument("--sigma", type=float, default=1.0, help="µs, the spread of a step's time between ranks (default 1)")
    p.add_argument("--rate", type=float, default=5.0, help="Hz, the 10^6-neuron model's mean rate (default 5)")
    p.add_argument("--kmax", type=int, default=1024)
    p.add_argument("--check-spec", action="store_true",
                   help="check that spec/native.md holds the output with the default constants")
    a = p.parse_args()
    if a.check_spec:
        defaults = p.parse_args([])
        out = io.StringIO()
        report(defaults, out)
        spec = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec", "native.md")
        with open(spec, encoding="utf-8") as f:
            if out.getvalue().rstrip("\n") not in f.read():
                sys.exit("spec/native.md does not hold the output of tests/bench/mpi_model.py: "
                         "paste it into the section \"Running over MPI ranks: the cost model\"")
        return
    report(a, sys.stdout)


def report(a, w):
    """Writes the constants and the tables of every model to w."""

    class Constants:
        pass
    c = Constants()
    c.c_n, c.c_s, c.c_x, c.c_u, c.c_in = (x * 1e-9 for x in (a.c_n, a.c_s, a.c_x, a.c_u, a.c_in))
    c.alpha, c.beta, c.sigma = a.alpha * 1e-6, a.beta * 1e9, a.sigma * 1e-6
    c.dt = 1e-4
    ks = [1 << i for i in range(int(math.log2(a.kmax)) + 1)]

    # 10^6 CUBA neurons (800 000 + 200 000), 100 synapses onto each, four
    # projections (each spike has a row in two), weights constant (no
    # variable per synapse), no delay: W = 1. Then the same network with
    # delays of 1.4 ms (NEST's 1.5 ms, the HPC benchmark's: W = 15).
    n = 1_000_000
    million = dict(neurons=n, synapses=100 * n, spikes_per_step=n * a.rate * c.dt,
                   populations=2, rows_per_spike=2, row_starts=2 * n, state_vars=3,
                   synapse_vars=0)
    models = [Model(f"10^6 neurons, 10^8 synapses, {a.rate:g} Hz", window=1, **million),
              Model(f"10^6 neurons, 10^8 synapses, {a.rate:g} Hz, delays ≥ 1.4 ms", window=15, **million)]

    # The microcircuit: 64 projections (every population onto every
    # population: a spike has a row in 8), a weight and a delay per
    # synapse, d_min = 0.1 ms in NEST's convention = delay 0 in snnc's
    # (language.md: a delay d is delivered 1 + d/dt steps on): W = 1.
    nmc = sum(p[1] for p in MICROCIRCUIT)
    spikes = sum(p[1] * p[2] for p in MICROCIRCUIT) * c.dt
    micro = dict(neurons=nmc, synapses=3.0e8, spikes_per_step=spikes, populations=8,
                 rows_per_spike=8, row_starts=8 * nmc, state_vars=3, synapse_vars=2, window=1)
    models.append(Model("Microcircuit, DC background", **micro))
    sources = sum(p[1] * p[3] for p in MICROCIRCUIT)
    models.append(Model("Microcircuit, Poisson background as input sources (drawn on every rank)",
                        input_sources=sources, input_spikes_per_step=sources * EXTERNAL_RATE * c.dt,
                        input_fanout=1, **micro))
    models.append(Model("Microcircuit, Poisson background drawn by the rank of its target (not the design)",
                        input_sources=sources, input_spikes_per_step=sources * EXTERNAL_RATE * c.dt,
                        input_fanout=1, inputs_local=True, **micro))

    print(f"Constants: c_n {a.c_n} ns, c_s {a.c_s} ns, c_x {a.c_x} ns, c_u {a.c_u} ns, c_in {a.c_in} ns, "
          f"alpha {a.alpha} µs, beta {a.beta} GB/s, sigma {a.sigma} µs, dt 0.1 ms. "
          f"Times in µs per step per rank.", file=w)
    for m in models:
        print(file=w)
        print(table(m, c, ks), file=w)


if __name__ == "__main__":
    main()
