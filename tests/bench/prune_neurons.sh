#!/bin/sh
# What prune's removal of single neurons saves: tests/bench/readout.snn
# (CUBA 4000 and a readout of 10 000 neurons, two recorded), built for the
# native target with and without prune (--disable-pass=prune) and run
# REPEAT times each, alternately; then both on the interpreter for
# INTERP_SECONDS of the model. Checks that the recordings are the same
# bytes, and prints the medians and their ratios.
#
#	sh tests/bench/prune_neurons.sh [REPEAT [INTERP_SECONDS]]    (default 5, 1s)
set -eu
cd "$(dirname "$0")/../.."
repeat=${1:-5}
isec=${2:-1s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
model=tests/bench/readout.snn
"$tmp/snnc" build -o "$tmp/full" --disable-pass=prune "$model"
"$tmp/snnc" build -v -o "$tmp/pruned" "$model" 2>&1 | grep '^snnc: prune' || true
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
same() { # the recordings of two output directories, summaries aside
	for f in "$1"/*.npy; do cmp -s "$f" "$2/$(basename "$f")" || { echo "$(basename "$f") differs"; exit 1; }; done
}
: > "$tmp/times"
for r in $(seq "$repeat"); do
	for v in full pruned; do
		t0=$(now)
		"$tmp/$v" -q --out "$tmp/out.$v"
		t1=$(now)
		echo "native $v $(elapsed "$t0" "$t1")" >> "$tmp/times"
	done
	same "$tmp/out.full" "$tmp/out.pruned"
	for v in full pruned; do
		d=
		[ $v = full ] && d=--disable-pass=prune
		t0=$(now)
		"$tmp/snnc" run -q $d --duration="$isec" --out "$tmp/iout.$v" "$model"
		t1=$(now)
		echo "interp $v $(elapsed "$t0" "$t1")" >> "$tmp/times"
	done
	same "$tmp/iout.full" "$tmp/iout.pruned"
done
echo "recordings: the same bytes with and without prune"
awk '{ t[$1" "$2] = t[$1" "$2] " " $3 }
END {
	for (k in t) {
		n = split(substr(t[k], 2), a, " ")
		# median by insertion sort
		for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		m[k] = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		printf "%s: median of %d: %.3f s (runs:%s)\n", k, n, m[k], t[k]
	}
	printf "native: %.2fx faster with prune\n", m["native full"] / m["native pruned"]
	printf "interp: %.2fx faster with prune\n", m["interp full"] / m["interp pruned"]
}' "$tmp/times" | sort
