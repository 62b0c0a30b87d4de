#!/bin/sh
# Times NIR import (issue 21's performance targets), REPEAT times (default
# 3), and prints the medians:
#  - importing and building tests/testdata/nir/cnn_sinabs.nir (snnc import,
#    then snnc build of the model it wrote; target: under 2 s);
#  - the imported braille RNN (braille_noDelay_bias_zero.nir, --convention
#    snntorch, dt = 1 ms, Poisson input at 50 Hz) run natively for 100 s of
#    biological time, as a multiple of real time (target: at least 20x).
#
#	sh tests/bench/nir.sh [REPEAT]
#
# The runtime library is built once before the timing (it is cached and
# shared by every model), so the import-and-build time is the model's.
set -eu
cd "$(dirname "$0")/../.."
repeat=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
"$tmp/snnc" import tests/testdata/nir/lif_norse.nir --dt 1ms -o "$tmp/warm/warm.snn" >/dev/null
"$tmp/snnc" build -o "$tmp/warm/warm" "$tmp/warm/warm.snn"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: > "$tmp/cnn.times"
: > "$tmp/braille.times"
"$tmp/snnc" import tests/testdata/nir/braille_noDelay_bias_zero.nir --dt 1ms --convention snntorch \
	--sim-time 100s -o "$tmp/braille.d/braille.snn" >/dev/null
"$tmp/snnc" build -o "$tmp/braille" "$tmp/braille.d/braille.snn"
for r in $(seq "$repeat"); do
	rm -rf "$tmp/cnn.d"
	start=$(date +%s.%N)
	"$tmp/snnc" import tests/testdata/nir/cnn_sinabs.nir --dt 1ms -o "$tmp/cnn.d/cnn.snn" >/dev/null
	"$tmp/snnc" build -o "$tmp/cnn.d/cnn" "$tmp/cnn.d/cnn.snn"
	end=$(date +%s.%N)
	echo "$end - $start" | bc -l >> "$tmp/cnn.times"
	start=$(date +%s.%N)
	"$tmp/braille" -q --out "$tmp/braille.out"
	end=$(date +%s.%N)
	echo "100 / ($end - $start)" | bc -l >> "$tmp/braille.times"
done
printf 'cnn_sinabs.nir import + build: median %.2f s (target < 2 s)\n' "$(median < "$tmp/cnn.times")"
printf 'braille RNN native at dt = 1 ms: median %.0fx real time (target >= 20x)\n' "$(median < "$tmp/braille.times")"
