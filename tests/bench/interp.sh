#!/bin/sh
# Times CUBA (examples/cuba.snn, 4000 neurons, 1 s of biological time) on
# snnc's interpreter and, when Brian2 is installed (Debian: python3-brian),
# the same model in Brian2's numpy runtime (tests/bench/cuba_brian2.py),
# each REPEAT times (default 5), and prints the medians and their ratio.
#
#	sh tests/bench/interp.sh [REPEAT]
set -eu
cd "$(dirname "$0")/../.."
repeat=${1:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in $(seq "$repeat"); do
	"$tmp/snnc" run -q --out "$tmp/out" examples/cuba.snn
	python3 -c "import json; print(json.load(open('$tmp/out/summary.json'))['wall_seconds'])"
done | median > "$tmp/snnc.t"
snnc=$(cat "$tmp/snnc.t")
echo "snnc interp:   CUBA 1 s in $snnc s (median of $repeat, building the network included)"

if /usr/bin/python3 -c 'import brian2' 2>/dev/null; then
	for _ in $(seq "$repeat"); do
		/usr/bin/python3 tests/bench/cuba_brian2.py --target numpy 2>/dev/null | sed -n 's/.*run=\([0-9.]*\) s.*/\1/p'
	done | median > "$tmp/brian.t"
	brian=$(cat "$tmp/brian.t")
	echo "brian2 numpy:  CUBA 1 s in $brian s (median of $repeat, network construction not included)"
	awk -v a="$brian" -v b="$snnc" 'BEGIN { printf "snnc interp is %.1fx faster than Brian2 numpy\n", a / b }'
else
	echo "brian2 is not installed (apt-get install python3-brian): no comparison"
fi
