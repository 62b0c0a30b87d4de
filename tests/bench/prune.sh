#!/bin/sh
# What pruning by weight costs and saves: CUBA with excitatory weights
# uniform on [0, 3.24 mV] (tests/bench/cuba_weights.snn, 10 s), built for
# the native target without and with --prune-weight, run REPEAT times
# each, alternately. Prints the synapses removed, the memory they took,
# the median run times, and the change in the output: spike counts per
# population, and the fraction of each run's spikes that the other run
# has on the same neuron within 1 ms (needs python3 with numpy).
#
#	sh tests/bench/prune.sh [BOUND [REPEAT]]    (default 0.5mV, 5)
set -eu
cd "$(dirname "$0")/../.."
bound=${1:-0.5mV}
repeat=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
model=tests/bench/cuba_weights.snn
"$tmp/snnc" build -o "$tmp/full" "$model"
"$tmp/snnc" build -v --prune-weight="$bound" -o "$tmp/pruned" "$model" 2>&1 | grep '^snnc: prune' || true
now() { date +%s.%N; }
for r in $(seq "$repeat"); do
	for v in full pruned; do
		t0=$(now)
		"$tmp/$v" -q --out "$tmp/out.$v"
		t1=$(now)
		echo "$v $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >> "$tmp/times"
	done
done
py=python3
/usr/bin/python3 -c 'import numpy' 2>/dev/null && py=/usr/bin/python3 # Debian's python3-numpy
"$py" - "$tmp" "$bound" <<'PY'
import json, statistics, sys
import numpy as np
tmp, bound = sys.argv[1], sys.argv[2]
times = {}
for line in open(tmp + "/times"):
    v, t = line.split()
    times.setdefault(v, []).append(float(t))
s = {v: json.load(open(f"{tmp}/out.{v}/summary.json")) for v in ("full", "pruned")}
nf, np_ = sum(s["full"]["synapses"].values()), sum(s["pruned"]["synapses"].values())
# Per synapse the runtime keeps its post index (4 bytes), pre index (4)
# and weight (8); the split tables and queues are per neuron.
print(f"prune --prune-weight={bound}: synapses {nf} -> {np_}: {nf - np_} removed ({100 * (nf - np_) / nf:.1f}%), "
      f"{(nf - np_) * 16 / 2**20:.1f} MiB of synapse storage (16 bytes each)")
tf, tp = statistics.median(times["full"]), statistics.median(times["pruned"])
print(f"run time, medians of {len(times['full'])}: {tf:.3f} s -> {tp:.3f} s ({100 * (tf - tp) / tf:.1f}% saved)")
print(f"synaptic events: {s['full']['synaptic_events']} -> {s['pruned']['synaptic_events']}")
dt = s["full"]["dt"]
for pf, pp in zip(s["full"]["populations"], s["pruned"]["populations"]):
    name = pf["name"]
    print(f"{name}: {pf['spikes']} -> {pp['spikes']} spikes ({pp['spikes'] - pf['spikes']:+d}, "
          f"{pf['mean_rate_hz']:.3f} -> {pp['mean_rate_hz']:.3f} Hz)")
    a = {v: (np.load(f"{tmp}/out.{v}/{name}_spikes.i.npy"), np.load(f"{tmp}/out.{v}/{name}_spikes.t.npy")) for v in ("full", "pruned")}
    def matched(x, y):
        # the fraction of x's spikes with a spike of the same neuron in y within 1 ms
        (xi, xt), (yi, yt) = x, y
        hits = 0
        for n in np.unique(xi):
            ts, us = np.sort(xt[xi == n]), np.sort(yt[yi == n])
            if len(us) == 0:
                continue
            k = np.searchsorted(us, ts)
            best = np.minimum(np.abs(ts - us[np.clip(k - 1, 0, len(us) - 1)]), np.abs(ts - us[np.clip(k, 0, len(us) - 1)]))
            hits += int(np.sum(best <= 1e-3 + dt / 2))
        return hits / max(len(xi), 1)
    print(f"  spikes matched within 1 ms: {100 * matched(a['full'], a['pruned']):.1f}% of the full run's, "
          f"{100 * matched(a['pruned'], a['full']):.1f}% of the pruned run's")
PY
