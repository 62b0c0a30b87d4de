#!/bin/sh
# The MPI mode against one process on this machine (issue 22), in two parts.
#
# 1. Time: CUBA at 40 000 neurons (tests/bench/cuba.snn.in, 80 inputs each,
#    DURATION seconds of biological time), built once by `snnc build` and
#    once by `snnc build --mpi`, then run REPEAT times each, in turn: one
#    process on one thread, one process on two (--threads 2), and two MPI
#    ranks of one thread each (mpirun -np 2). Prints every run, then the
#    medians side by side: wall time of the whole command (/usr/bin/time:
#    for MPI, mpirun's start of the ranks included), the run's own
#    wall_seconds from summary.json, and each one's speed-up over one
#    process on one thread. The output files of the three must be the same
#    bytes (all but summary.json, which holds the wall time): the script
#    compares them after every run and fails at the first difference.
# 2. Memory: tests/bench/mpi_1e6.snn (10^6 neurons, 10^8 synapses, 10 ms),
#    built with --mpi and run under mpirun at -np 1 and -np 2, each rank
#    under /usr/bin/time: the peak resident memory of every rank (median
#    of MEM_REPEAT runs), against the one-process executable's.
#
#	sh tests/bench/mpi.sh [DURATION_SECONDS [REPEAT [MEM_REPEAT]]]
#
# Defaults: 10 s, 5 runs of each, 3 memory runs. Needs Open MPI (Debian:
# openmpi-bin, libopenmpi-dev); stops with a message if mpirun is missing
# or if this snnc has no --mpi. The ranks run as mpirun is given them here:
# --oversubscribe (two ranks may share the machine's two processors with
# nothing else) and --allow-run-as-root (the project's machines run as
# root).
#
# Two ranks and two threads use the same two processors; what differs is
# what they pay for it: threads share one copy of the neurons and meet at
# a barrier in every step, ranks each keep every neuron's state and
# exchange every spike with one MPI_Allgather per window of the minimum
# delay (CUBA has none: one per step). spec/native.md, "Running over MPI
# ranks: the cost model", says what the measured figures should be.
#
# As in tests/bench/native.sh, the time the host of this virtual machine
# gave our processors to others (steal, from /proc/stat) is printed with
# each run: a run that lost much of its time to it says little.
set -eu
cd "$(dirname "$0")/../.."
dur=${1:-10}
repeat=${2:-5}
mem_repeat=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "mpi.sh: $*" >&2; exit 1; }
command -v mpirun > /dev/null ||
	fail "mpirun not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)"
[ -x /usr/bin/time ] || fail "/usr/bin/time not found: install it (apt-get install time)"
mpirun="mpirun --oversubscribe --allow-run-as-root"

go build -o "$tmp/snnc" ./cmd/snnc

# build MODEL NAME [--mpi]: builds, or stops the script saying why (a
# --mpi that this snnc refuses gets its own message: the MPI mode is
# what this script measures).
build() {
	if ! "$tmp/snnc" build ${3:-} -o "$tmp/$2" "$1" 2> "$tmp/build.err"; then
		# the first lines say why (a refused flag is followed by the usage)
		head -n 5 "$tmp/build.err" >&2
		if [ "${3:-}" = --mpi ]; then
			fail "snnc build --mpi refused $1 (above): this snnc has no MPI mode, or not for this model"
		fi
		fail "snnc build refused $1 (above)"
	fi
}

hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
steal() { awk '/^cpu / { print $9 + 0; found = 1 } END { if (!found) print 0 }' /proc/stat 2>/dev/null || echo 0; }
# median of the numbers on standard input, one a line
median() {
	sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# the wall_seconds of an output directory's summary.json
wall_seconds() {
	python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['wall_seconds'])" "$1/summary.json"
}
# same REF DIR: every file of REF but summary.json is in DIR with the same
# bytes, and DIR has no file REF lacks.
same() {
	(cd "$1" && find . -type f ! -name summary.json | sort) > "$tmp/files.ref"
	(cd "$2" && find . -type f ! -name summary.json | sort) > "$tmp/files.run"
	if ! cmp -s "$tmp/files.ref" "$tmp/files.run"; then
		diff "$tmp/files.ref" "$tmp/files.run" >&2 || true
		fail "$2 and $1 hold different files (above)"
	fi
	[ -s "$tmp/files.ref" ] || fail "$1 holds no recording to compare"
	while read -r f; do
		cmp "$1/$f" "$2/$f" >&2 || fail "$2/$f differs from the one-process run's $1/$f"
	done < "$tmp/files.ref"
}

# Part 1: CUBA 40 000.
n=40000
sed -e "s/N_EXC/$((n * 4 / 5))/" -e "s/N_INH/$((n / 5))/" \
	-e "s/(P)/($(awk -v n="$n" 'BEGIN { printf "%.10g", 80 / n }'))/" \
	-e "s/DURATION/$dur s/" tests/bench/cuba.snn.in > "$tmp/cuba.snn"
build "$tmp/cuba.snn" cuba
build "$tmp/cuba.snn" cuba_mpi --mpi

# run LABEL COMMAND...: one timed run into $tmp/out.LABEL; appends
# "LABEL wall wall_seconds steal" to $tmp/times.
run() {
	label=$1
	shift
	s0=$(steal)
	/usr/bin/time -f %e -o "$tmp/time" "$@" -q --out "$tmp/out.$label" ||
		fail "$label: $* failed (exit $?)"
	st=$(awk -v a="$s0" -v b="$(steal)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
	w=$(tail -n 1 "$tmp/time")
	ws=$(wall_seconds "$tmp/out.$label")
	echo "CUBA $n, $dur s, $label: $w s (run $ws s, steal $st s)"
	echo "$label $w $ws $st" >> "$tmp/times"
}
: > "$tmp/times"
for r in $(seq "$repeat"); do
	run 1proc-1thread "$tmp/cuba" --threads 1
	run 1proc-2threads "$tmp/cuba" --threads 2
	run mpi-np2 $mpirun -np 2 "$tmp/cuba_mpi" --threads 1
	same "$tmp/out.1proc-1thread" "$tmp/out.1proc-2threads"
	same "$tmp/out.1proc-1thread" "$tmp/out.mpi-np2"
done
echo "outputs: every file the same bytes in the three ($repeat runs each)"
base=$(awk '$1 == "1proc-1thread" { print $2 }' "$tmp/times" | median)
base_run=$(awk '$1 == "1proc-1thread" { print $3 }' "$tmp/times" | median)
echo
echo "CUBA $n, $dur s, medians of $repeat runs each:"
echo
echo "| | wall (s) | speed-up | run, summary.json (s) | speed-up | steal (s) |"
echo "|---|--:|--:|--:|--:|--:|"
for label in 1proc-1thread 1proc-2threads mpi-np2; do
	w=$(awk -v l="$label" '$1 == l { print $2 }' "$tmp/times" | median)
	ws=$(awk -v l="$label" '$1 == l { print $3 }' "$tmp/times" | median)
	st=$(awk -v l="$label" '$1 == l { print $4 }' "$tmp/times" | median)
	awk -v l="$label" -v w="$w" -v ws="$ws" -v st="$st" -v b="$base" -v br="$base_run" \
		'BEGIN { printf "| %s | %.3f | %.2f | %.3f | %.2f | %s |\n", l, w, b / w, ws, br / ws, st }'
done

# Part 2: memory per rank, 10^6 neurons and 10^8 synapses.
echo
build tests/bench/mpi_1e6.snn big
build tests/bench/mpi_1e6.snn big_mpi --mpi
: > "$tmp/rss"
for r in $(seq "$mem_repeat"); do
	/usr/bin/time -f %M -o "$tmp/rss.one" "$tmp/big" -q --out "$tmp/out.big" ||
		fail "the one-process run of tests/bench/mpi_1e6.snn failed"
	echo "one-process 0 $(tail -n 1 "$tmp/rss.one")" >> "$tmp/rss"
	for np in 1 2; do
		rm -f "$tmp"/rss.rank.*
		# Each rank writes its own peak RSS (KB) to rss.rank.R: Open MPI
		# gives every rank its number in OMPI_COMM_WORLD_RANK.
		$mpirun -np "$np" sh -c \
			'exec /usr/bin/time -f %M -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' \
			"$tmp/rss.rank" "$tmp/big_mpi" -q --out "$tmp/out.big$np" ||
			fail "mpirun -np $np of tests/bench/mpi_1e6.snn failed"
		for f in "$tmp"/rss.rank.*; do
			echo "np$np ${f##*.} $(tail -n 1 "$f")" >> "$tmp/rss"
		done
		same "$tmp/out.big" "$tmp/out.big$np"
	done
done
echo "tests/bench/mpi_1e6.snn (10^6 neurons, 10^8 synapses), peak RSS per rank, median of $mem_repeat runs:"
echo
echo "| | rank | peak RSS (MB) |"
echo "|---|--:|--:|"
for key in "one-process 0" "np1 0" "np2 0" "np2 1"; do
	m=$(awk -v k="$key" '$1 " " $2 == k { print $3 }' "$tmp/rss" | median)
	set -- $key
	awk -v l="$1" -v r="$2" -v m="$m" 'BEGIN { if (m == "-") printf "| %s | %s | - |\n", l, r; else printf "| %s | %s | %.0f |\n", l, r, m / 1024 }'
done
