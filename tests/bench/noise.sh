#!/bin/sh
# Times examples/brunel_hakim1999.snn natively (1 s of biological time, one
# thread) with its white noise and without it (the same model with the
# `+ sigma_ext * sqrt(tau) * xi` term removed), the runs alternated, and
# prints the medians of the process's wall time and of summary.json's
# wall_seconds (construction and run, without the process's start), and
# their ratio, noise / no noise (issue 19 asks for at most 1.5). With
# --brian2 (Debian: python3-brian) it also runs Brian2's cpp_standalone
# build of the same model (tests/bench/brunel_hakim1999_brian2.py) and
# prints its run time (the generated program's last_run_info).
#
#	sh tests/bench/noise.sh [REPEAT [--brian2]]
#
# REPEAT (default 11) is the number of runs of each.
set -eu
cd "$(dirname "$0")/../.."
repeat=${1:-11}
brian2=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
term=' + sigma_ext \* sqrt(tau) \* xi'
grep -q "$term" examples/brunel_hakim1999.snn || { echo "noise.sh: the noise term is not in examples/brunel_hakim1999.snn" >&2; exit 1; }
cp examples/brunel_hakim1999.snn "$tmp/noise.snn"
sed "s/$term//" examples/brunel_hakim1999.snn >"$tmp/quiet.snn"
for m in noise quiet; do
	"$tmp/snnc" build -o "$tmp/$m" "$tmp/$m.snn"
done

now() { date +%s.%N; }
i=0
while [ "$i" -lt "$repeat" ]; do
	for m in noise quiet; do
		t0=$(now)
		"$tmp/$m" -q --out "$tmp/$m.out"
		t1=$(now)
		w=$(sed -n 's/.*"wall_seconds": *\([0-9.e+-]*\).*/\1/p' "$tmp/$m.out/summary.json")
		echo "$m $t0 $t1 $w" >>"$tmp/times"
	done
	i=$((i + 1))
done
awk '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ n[$1]++; p[$1, n[$1]] = $3 - $2; s[$1, n[$1]] = $4 }
END {
	for (m in n) {
		for (i = 1; i <= n[m]; i++) { pa[i] = p[m, i]; sa[i] = s[m, i] }
		pm[m] = median(pa, n[m]); sm[m] = median(sa, n[m])
		printf "%-6s median of %d: process %.3f s, wall_seconds %.3f s\n", m, n[m], pm[m], sm[m]
	}
	printf "noise / no noise: process %.2fx, wall_seconds %.2fx\n", pm["noise"] / pm["quiet"], sm["noise"] / sm["quiet"]
}' "$tmp/times"

if [ "$brian2" = "--brian2" ]; then
	# Its warnings (numpy's, pythran's) go to a file, shown if it fails.
	/usr/bin/python3 tests/bench/brunel_hakim1999_brian2.py --target cpp_standalone --dir "$tmp/brian2" \
		2>"$tmp/brian2.err" | tail -1 || { cat "$tmp/brian2.err" >&2; exit 1; }
fi
