#!/bin/sh
# What quantization changes: CUBA (examples/cuba.snn, 10 s, seeds 1 to
# SEEDS, native target: a 2 s run's rate is within a few percent of
# another seed's by chance alone) in floating point, 16 and 32 bits and with
# --quantize=fixed: the rates, and the fraction of spikes matched on the
# same neuron within 1 ms; Song's STDP (examples/stdp_song2000.snn, 20 s):
# the output rate and the final weight distribution; and the widths each
# setting gives both models' state, in bits per neuron and per synapse.
# Needs python3 with numpy.
#
#	sh tests/bench/quantize.sh [SEEDS]    (default 4)
set -eu
cd "$(dirname "$0")/../.."
seeds=${1:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
for s in $(seq "$seeds"); do
	for q in float int16 int32 fixed; do
		flag=""
		[ "$q" = float ] || flag="--quantize=$q"
		"$tmp/snnc" run -q --target=llvm $flag --seed "$s" --duration 10s --out "$tmp/cuba.$q.$s" examples/cuba.snn
	done
done
for q in float int16 fixed; do
	flag=""
	[ "$q" = float ] || flag="--quantize=$q"
	"$tmp/snnc" run -q $flag --duration 20s --out "$tmp/stdp.$q" examples/stdp_song2000.snn
done
for m in cuba stdp_song2000; do
	for q in float int16 int32 fixed; do
		flag=""
		[ "$q" = float ] || flag="--quantize=$q"
		"$tmp/snnc" ir $flag examples/$m.snn >"$tmp/ir.$m.$q"
	done
done
py=python3
/usr/bin/python3 -c 'import numpy' 2>/dev/null && py=/usr/bin/python3 # Debian's python3-numpy
"$py" - "$tmp" "$seeds" <<'PY'
import json, sys
import numpy as np
tmp, seeds = sys.argv[1], int(sys.argv[2])
def spikes(d, name):
    return np.load(f"{d}/{name}_spikes.i.npy"), np.load(f"{d}/{name}_spikes.t.npy")
def matched(x, y):
    (xi, xt), (yi, yt) = x, y
    hits = 0
    for n in np.unique(xi):
        ts, us = np.sort(xt[xi == n]), np.sort(yt[yi == n])
        if len(us) == 0:
            continue
        k = np.searchsorted(us, ts)
        best = np.minimum(np.abs(ts - us[np.clip(k - 1, 0, len(us) - 1)]), np.abs(ts - us[np.clip(k, 0, len(us) - 1)]))
        hits += int(np.sum(best <= 1e-3 + 5e-5))
    return hits / max(len(xi), 1)
print("CUBA, 10 s per seed: exc and inh rates (Hz); change against float; exc spikes matched within 1 ms")
quantized = ("int16", "int32", "fixed")
diffs = {q: [] for q in quantized}
for s in range(1, seeds + 1):
    r = {q: {p["name"]: p["mean_rate_hz"] for p in json.load(open(f"{tmp}/cuba.{q}.{s}/summary.json"))["populations"]}
         for q in ("float",) + quantized}
    line = f"  seed {s}: float {r['float']['exc']:.3f} {r['float']['inh']:.3f}"
    for q in quantized:
        de = 100 * (r[q]["exc"] - r["float"]["exc"]) / r["float"]["exc"]
        di = 100 * (r[q]["inh"] - r["float"]["inh"]) / r["float"]["inh"]
        diffs[q].append((de, di))
        m = matched(spikes(f"{tmp}/cuba.{q}.{s}", "exc"), spikes(f"{tmp}/cuba.float.{s}", "exc"))
        line += f" | {q} {r[q]['exc']:.3f} {r[q]['inh']:.3f} ({de:+.1f}%, {di:+.1f}%; {100 * m:.1f}% matched)"
    print(line)
for q in quantized:
    d = np.array(diffs[q])
    print(f"  {q}: mean change exc {d[:, 0].mean():+.2f}%, inh {d[:, 1].mean():+.2f}%; largest |change| {np.abs(d).max():.2f}%")
print("Song STDP, 20 s: output rate; final weights (fraction of the largest): histogram of 10 bins, below 0.1, above 0.9")
for q in ("float", "int16", "fixed"):
    d = f"{tmp}/stdp.{q}"
    rate = {p["name"]: p["mean_rate_hz"] for p in json.load(open(d + "/summary.json"))["populations"]}["out"]
    w = np.load(d + "/plastic_w.npy")[-1]
    w = w / w.max() if w.max() > 0 else w
    h, _ = np.histogram(w, bins=10, range=(0, 1))
    print(f"  {q}: {rate:.2f} Hz, {h.tolist()}, {100 * np.mean(w < 0.1):.1f}% < 0.1, {100 * np.mean(w > 0.9):.1f}% > 0.9")
print("State widths (bits per neuron of each population, per synapse of each projection; a group's members share its state; trace.tlast stays f64):")
import re
for m in ("cuba", "stdp_song2000"):
    for q in ("float",) + quantized:
        owners, cur = {}, None
        for l in open(f"{tmp}/ir.{m}.{q}"):
            h = re.match(r"(population|projection) (\w+) :.*\{$", l)
            if h:
                cur = None if " part of " in l else h.group(2)
                if cur:
                    owners[cur] = []
            v = re.match(r"  (state|trace) ([\w.]+) : (fx(\d+)\.\d+|f64)", l)
            if v and cur:
                owners[cur].append((v.group(2), v.group(3), int(v.group(4) or 64)))
        print(f"  {m} {q}: " + "; ".join(f"{o} {sum(b for _, _, b in vs)} ({', '.join(f'{n} {t}' for n, t, _ in vs)})" for o, vs in owners.items()))
PY
