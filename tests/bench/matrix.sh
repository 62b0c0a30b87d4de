#!/bin/sh
# Times reading a large weight matrix: a 10 000 x 10 000 float64 .npy
# (800 MB; a tenth of its entries nonzero, so 10^7 synapses) that a model
# connects by matrix(FILE) and loads as the weights. It prints, each with
# wall-clock time, processor time and max RSS (/usr/bin/time):
#   - cat FILE > /dev/null, the speed of the disk (or its page cache)
#   - snnc run (the interpreter: check, lower, build the network, 1 ms)
#   - snnc build (the native executable), and the executable's size
#   - the executable's run at 1 and 2 threads (it builds the network, 1 ms)
# each the median of REPEAT runs (default 3), as the machine's speed drifts.
#
#	sh tests/bench/matrix.sh [N [REPEAT]]
#
# N (default 10000) is the matrix's side. It needs numpy (/usr/bin/python3),
# and N*N*8 bytes free in the temporary directory, which it removes at the
# end.
set -eu
cd "$(dirname "$0")/../.."
n=${1:-10000}
repeat=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
/usr/bin/python3 - "$n" "$tmp/w.npy" <<'EOF'
import sys
import numpy as np
n = int(sys.argv[1])
rng = np.random.default_rng(1)
m = rng.random((n, n))
m[m >= 0.1] = 0.0  # a tenth nonzero, each in (0, 0.1)
np.save(sys.argv[2], m)
EOF
cat > "$tmp/matrix.snn" <<EOF
neuron Leaky {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > 1 mV
    reset { v = 0 mV }
}
synapse Weighted {
    param w: mV = 0 mV
    on pre { post.v += w }
}
input stim = poisson[$n] { rate = 50 Hz }
population cells = Leaky[$n]
connect stim -> cells using Weighted by matrix("w.npy") { w = load("w.npy") * 1 mV }
run { dt = 0.1 ms  duration = 1 ms }
EOF
# A cache of its own, with the native runtime library compiled into it
# first (by the build of a tiny model), so that snnc build's time is the
# model's.
export XDG_CACHE_HOME="$tmp/cache"
sed -e 's/by matrix("w.npy") { w = load("w.npy") \* 1 mV }/by one_to_one/' "$tmp/matrix.snn" > "$tmp/warm.snn"
"$tmp/snnc" build -o "$tmp/warm" "$tmp/warm.snn"
# measure WHAT CMD...: runs CMD REPEAT times and prints the medians.
measure() {
	what=$1
	shift
	: > "$tmp/times"
	for r in $(seq "$repeat"); do
		# The matrix in the page cache first, where other work may have
		# pushed it out: the runs are compared with cat's.
		cat "$tmp/w.npy" > /dev/null
		/usr/bin/time -f "%e %U %S %M" -a -o "$tmp/times" "$@" > /dev/null
	done
	awk -v what="$what" '
		function med(c,   i, n, a, t, j) {
			for (i = 1; i <= NR; i++) a[i] = v[i, c]
			for (i = 2; i <= NR; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		}
		{ v[NR, 1] = $1; v[NR, 2] = $2 + $3; v[NR, 3] = $4 }
		END { printf "%s: wall %g s, processor %g s, max RSS %d KB (medians of %d)\n", what, med(1), med(2), med(3), NR }' "$tmp/times"
}
echo "matrix $n x $n float64, $(wc -c < "$tmp/w.npy") bytes"
measure "cat FILE > /dev/null" cat "$tmp/w.npy"
measure "snnc run (interp)" "$tmp/snnc" run -q --out "$tmp/out-interp" "$tmp/matrix.snn"
measure "snnc build (llvm)" "$tmp/snnc" build -o "$tmp/matrix" "$tmp/matrix.snn"
echo "executable: $(wc -c < "$tmp/matrix") bytes"
measure "executable run, 1 thread" "$tmp/matrix" -q --out "$tmp/out-native" --threads 1
measure "executable run, 2 threads" "$tmp/matrix" -q --out "$tmp/out-native2" --threads 2
