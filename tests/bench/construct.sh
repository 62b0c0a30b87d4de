#!/bin/sh
# Times the native construction of CUBA at 1 000 000 neurons with 100
# inputs each (10^8 synapses; tests/bench/cuba.snn.in with N_EXC 800 000,
# N_INH 200 000, P 0.0001, 1 ms of biological time, so that the run is
# the building): REPEAT runs (default 5) at one thread and two,
# alternately, and prints for each the medians of wall-clock time,
# processor time (user + system) and max RSS (from /usr/bin/time), and
# the median ratio of one thread's wall time to two threads'.
#
#	sh tests/bench/construct.sh [REPEAT]
#
# The machine's speed drifts (other work, a virtual machine's steal), so
# the runs alternate and medians are printed; processor time says what
# the work cost where wall time also says what the machine allowed.
set -eu
cd "$(dirname "$0")/../.."
repeat=${1:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
sed -e "s/N_EXC/800000/" -e "s/N_INH/200000/" -e "s/(P)/(0.0001)/" \
	-e "s/DURATION/1 ms/" tests/bench/cuba.snn.in > "$tmp/cuba.snn"
"$tmp/snnc" build -o "$tmp/cuba" "$tmp/cuba.snn"
: > "$tmp/times"
for r in $(seq "$repeat"); do
	for threads in 1 2; do
		/usr/bin/time -f "$threads %e %U %S %M" -a -o "$tmp/times" \
			"$tmp/cuba" -q --out "$tmp/out" --threads "$threads"
	done
done
# median of column c of the rows of threads t
med() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$tmp/times" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
for threads in 1 2; do
	awk -v t="$threads" '$1 == t { print $2 + 0, $3 + $4 }' "$tmp/times" > "$tmp/t$threads"
	cpu=$(awk '{ print $2 }' "$tmp/t$threads" | sort -g |
		awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	echo "threads $threads: wall $(med "$threads" 2) s, processor $cpu s (user $(med "$threads" 3), system $(med "$threads" 4)), max RSS $(med "$threads" 5) KB, over $repeat runs"
done
# each pair's ratio, one thread's wall time over two threads'
awk '$1 == 1 { w1[++a] = $2 } $1 == 2 { w2[++b] = $2 } END { for (i = 1; i <= a && i <= b; i++) print w1[i] / w2[i] }' "$tmp/times" |
	sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median speed-up at 2 threads: %.2fx\n", m }'
