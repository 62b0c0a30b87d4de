#!/bin/sh
# Times the native backend on CUBA at 4000 and 40 000 neurons (80 inputs
# each, 10 s of biological time, f64, one thread and two) and on the
# synapse-heavy model (tests/bench/synapses.snn), and, when Brian2 is
# installed (Debian: python3-brian), CUBA in Brian2's cpp_standalone mode
# (tests/bench/cuba_brian2.py), side by side. Prints times and ratios.
#
#	sh tests/bench/native.sh [DURATION_SECONDS [REPEAT]]
#
# REPEAT (default 1) runs each CUBA size REPEAT times at one and two
# threads, alternately, and prints the medians and the median ratio.
#
# On a virtual machine the host may run other machines' work on our
# processors: the time it takes away (steal, from /proc/stat, summed over
# the processors) is printed with each run. A run at two threads waits
# whenever either processor is taken away, so steal lowers its speed-up
# more than it slows one thread; the medians are also printed over the
# pairs of runs that lost under 1% and under 5% of their time to steal.
#
# tests/bench/barrier.c measures, before and after CUBA 40 000, what a
# barrier per step allows on this machine at that moment: two equal parts
# of a neuron update, on one thread and on two.
set -eu
cd "$(dirname "$0")/../.."
dur=${1:-10}
repeat=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/snnc" ./cmd/snnc
cc -O3 -march=native -pthread -o "$tmp/barrier" tests/bench/barrier.c

now() { date +%s.%N; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
steal() { awk '/^cpu / { print $9 + 0; found = 1 } END { if (!found) print 0 }' /proc/stat 2>/dev/null || echo 0; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

cuba() { # N -> model file
	n=$1
	sed -e "s/N_EXC/$((n * 4 / 5))/" -e "s/N_INH/$((n / 5))/" \
		-e "s/(P)/($(awk -v n="$n" 'BEGIN { printf "%.10g", 80 / n }'))/" \
		-e "s/DURATION/$dur s/" tests/bench/cuba.snn.in > "$tmp/cuba$n.snn"
	echo "$tmp/cuba$n.snn"
}

for n in 4000 40000; do
	model=$(cuba $n)
	t0=$(now)
	"$tmp/snnc" build -o "$tmp/cuba$n" "$model"
	t1=$(now)
	echo "snnc build, CUBA $n: $(elapsed "$t0" "$t1") s"
	# One and two threads alternately, REPEAT times: the machine's speed
	# drifts, so each pair's ratio is taken and the medians printed.
	: > "$tmp/times"
	if [ "$n" = 40000 ]; then "$tmp/barrier"; fi
	for r in $(seq "$repeat"); do
		for threads in 1 2; do
			s0=$(steal)
			t0=$(now)
			"$tmp/cuba$n" -q --out "$tmp/out" --threads $threads
			t1=$(now)
			st=$(awk -v a="$s0" -v b="$(steal)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
			echo "snnc native, CUBA $n, $dur s, $threads thread(s): $(elapsed "$t0" "$t1") s (steal $st s)"
			printf '%s %s ' "$(elapsed "$t0" "$t1")" "$st" >> "$tmp/times"
		done
		echo >> "$tmp/times"
	done
	if [ "$n" = 40000 ]; then "$tmp/barrier"; fi
	if [ "$repeat" -gt 1 ]; then
		awk -v n="$n" '
			function median(a, k,   i, j, t) {
				for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
				return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
			}
			{ one[NR] = $1; st1[NR] = $2; two[NR] = $3; st2[NR] = $4 }
			END {
				split("1 5", limits, " ")
				for (l = 1; l <= 2; l++) {
					# the pairs under the limit, before median sorts one and two
					f = limits[l] / 100; q[l] = 0
					for (i = 1; i <= NR; i++)
						if (st1[i] < f * one[i] && st2[i] < f * two[i]) {
							k = ++q[l]; qone[l, k] = one[i]; qtwo[l, k] = two[i]; qratio[l, k] = one[i] / two[i]
						}
				}
				for (i = 1; i <= NR; i++) ratio[i] = one[i] / two[i]
				m1 = median(one, NR); m2 = median(two, NR); mr = median(ratio, NR) # sorts each
				printf "CUBA %d, medians of %d: 1 thread %.3f s, 2 threads %.3f s, ratio %.2f (pairs from %.2f to %.2f)\n",
					n, NR, m1, m2, mr, ratio[1], ratio[NR]
				for (l = 1; l <= 2; l++) {
					if (q[l] == 0) {
						printf "CUBA %d: no pair had under %d%% steal\n", n, limits[l]
						continue
					}
					for (k = 1; k <= q[l]; k++) { a1[k] = qone[l, k]; a2[k] = qtwo[l, k]; ar[k] = qratio[l, k] }
					m1 = median(a1, q[l]); m2 = median(a2, q[l]); mr = median(ar, q[l])
					printf "CUBA %d, medians of the %d pairs with under %d%% steal: 1 thread %.3f s, 2 threads %.3f s, ratio %.2f (pairs from %.2f to %.2f)\n",
						n, q[l], limits[l], m1, m2, mr, ar[1], ar[q[l]]
				}
			}' "$tmp/times"
	fi
	if /usr/bin/python3 -c 'import brian2' 2>/dev/null; then
		/usr/bin/python3 tests/bench/cuba_brian2.py --target cpp_standalone --n $n --duration "$dur" --dir "$tmp/brian$n" 2>/dev/null | grep 'run time'
	fi
done

t0=$(now)
"$tmp/snnc" build -o "$tmp/synapses" tests/bench/synapses.snn
t1=$(now)
"$tmp/synapses" -q --out "$tmp/out"
t2=$(now)
events=$(python3 -c "import json; print(json.load(open('$tmp/out/summary.json'))['synaptic_events'])")
echo "synapse-heavy (10 000 neurons x 1000 inputs, 1 s): build $(elapsed "$t0" "$t1") s, run $(elapsed "$t1" "$t2") s, $events events, $(awk -v e="$events" -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3g", e / (b - a) }') events/s"
