#!/bin/sh
# The side-by-side benchmark suite: every example (examples/*.snn) and the
# benchmark models (CUBA at 4000 neurons for 10 s from tests/bench/cuba.snn.in,
# tests/bench/cobahh.snn, tests/bench/synapses.snn and the other models in
# tests/bench/), each built natively by snnc once and run at one thread and
# at two; where a Brian2 script exists for the model (tests/bench/NAME_brian2.py),
# the same model in Brian2's cpp_standalone mode, built once and its binary
# run alternately with snnc's. Prints the machine, then one markdown table.
#
#	sh tests/bench/suite.sh [--perf] [--readme] [MODEL...]
#
# MODEL, if given, limits the suite to the models of those names (the
# table's first column: cuba, cuba-4000, cobahh, synapses, ...).
#
# Settings from the environment:
#   REPEAT=3       runs of each (snnc 1 thread, snnc 2 threads, Brian2), in
#                  turn, REPEAT times: the machine's speed drifts, so the
#                  runs alternate and the table gives the medians.
#   DURATION=      if set (seconds), no model runs longer than that: a model
#                  whose run block says more runs that long (snnc's
#                  --duration, the Brian2 scripts' --duration). For a quick
#                  look.
#   PERF_MODELS=   the models --perf profiles (default: cobahh, cuba-4000,
#                  synapses, dendrites, izhikevich_net (the network of
#                  tests/bench, not the example of five cells) and adex
#                  where they exist).
#
# What is timed: snnc's executable from start to exit (reading its tables,
# building the network, the run, writing its recordings), and Brian2's
# binary (./main of the cpp_standalone project) likewise; the project's
# build (code generation and the C++ compiler) is not timed, nor is snnc's.
# "Brian2 run" is the time the binary measured for its network's run alone
# (results/last_run_info.txt: without loading its arrays, building the
# synapses or writing the results). "Brian2 binary/snnc" compares like
# with like: the binary's time over snnc's one-thread executable's, both
# whole processes. "Brian2 run/snnc" divides the run alone by snnc's
# whole process, so it understates snnc's lead rather than overstating
# it; for a short model snnc's start and construction weigh most there.
# Brian2's binary runs on one thread (its default: no OpenMP), so the
# ratios use snnc's one-thread time. "events/s" is the synaptic events of
# snnc's run per second of its one-thread time, construction included.
#
# On a virtual machine the host may run other machines' work on our
# processors: the time it takes away (steal, from /proc/stat, summed over
# the processors) is printed with each run and, in the table, as a share
# of the time of all of a model's runs.
#
# --perf then profiles each of PERF_MODELS at one thread with perf
# (perf record -e cpu-clock, which needs no hardware counters, so that it
# works in a virtual machine) and prints, as one table, the functions that
# take at least 2% of each run: the kernels snnc emitted (snn_kN_OWNER_ROLE:
# a population's step, a projection's on_pre, ...), the runtime's functions
# (deliver, snn_connect, ...) and the system's ([k]: clear_page_erms is
# the kernel clearing the pages that a run touches for the first time).
#
# --readme (implies --perf) also writes the report into README.md, between
# the lines "<!-- suite.sh: begin -->" and "<!-- suite.sh: end -->": the
# README's performance figures are this script's output, not typed in.
set -eu
cd "$(dirname "$0")/../.."

perf=0
readme=0
only=
for a in "$@"; do
	case $a in
	--perf) perf=1 ;;
	--readme) perf=1 readme=1 ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "suite.sh: unknown option $a (see --help)" >&2; exit 2 ;;
	*) only="$only $a" ;;
	esac
done
repeat=${REPEAT:-3}
dur=${DURATION:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/times" "$tmp/brian"
go build -o "$tmp/snnc" ./cmd/snnc
brian=0
if /usr/bin/python3 -c 'import brian2' 2>/dev/null; then brian=1; fi

now() { date +%s.%N; }
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
steal() { awk '/^cpu / { print $9 + 0; found = 1 } END { if (!found) print 0 }' /proc/stat 2>/dev/null || echo 0; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.3f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# duration MODEL: the duration its run block gives, in seconds ("" if it
# gives none in s or ms).
duration() {
	sed -n 's/.*duration *= *\([0-9.][0-9.]*\) *\(m\{0,1\}s\).*/\1 \2/p' "$1" |
		awk 'NR == 1 { print $2 == "ms" ? $1 / 1000 : $1 }'
}
# json FILE EXPR: a figure of snnc's summary.json (EXPR in Python, s the
# summary).
json() { /usr/bin/python3 -c "import json, sys; s = json.load(open(sys.argv[1])); print($2)" "$1"; }

# timed NAME KIND COMMAND...: runs the command, appends its time and the
# steal during it to $tmp/times/NAME.KIND and prints them; fails if the
# command does.
timed() {
	tn=$1 tk=$2
	shift 2
	s0=$(steal)
	t0=$(now)
	if ! "$@" < /dev/null > "$tmp/run.log" 2>&1; then
		sed 's/^/    /' "$tmp/run.log"
		echo "  $tn, $tk: failed"
		return 1
	fi
	t1=$(now)
	st=$(awk -v a="$s0" -v b="$(steal)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
	echo "$(elapsed "$t0" "$t1") $st" >> "$tmp/times/$tn.$tk"
	echo "  $tn, $tk: $(elapsed "$t0" "$t1") s (steal $st s)"
}

# The models: name, model file, Brian2 script ("-" for none), the
# script's options beyond the duration.
: > "$tmp/models"
for f in examples/*.snn; do
	name=$(basename "$f" .snn)
	script=-
	if [ -f "tests/bench/${name}_brian2.py" ]; then script=tests/bench/${name}_brian2.py; fi
	echo "$name $f $script" >> "$tmp/models"
done
# CUBA at 4000 neurons, 80 inputs each, 10 s, as tests/bench/native.sh
# writes it.
sed -e "s/N_EXC/3200/" -e "s/N_INH/800/" -e "s/(P)/(0.02)/" -e "s/DURATION/10 s/" \
	tests/bench/cuba.snn.in > "$tmp/cuba-4000.snn"
echo "cuba-4000 $tmp/cuba-4000.snn tests/bench/cuba_brian2.py --n 4000" >> "$tmp/models"
for f in tests/bench/*.snn; do
	name=$(basename "$f" .snn)
	# An example of the same name is that model (tests/bench/cobahh.snn
	# and examples/cobahh.snn): it ran above, and the times are by name.
	if [ -f "examples/$name.snn" ]; then continue; fi
	script=-
	if [ -f "tests/bench/${name}_brian2.py" ]; then script=tests/bench/${name}_brian2.py; fi
	echo "$name $f $script" >> "$tmp/models"
done
if [ -n "$only" ]; then
	awk -v only="$only" 'BEGIN { n = split(only, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 } $1 in want' \
		"$tmp/models" > "$tmp/models.only"
	mv "$tmp/models.only" "$tmp/models"
fi

# The report (the header, the table and the profiles) is copied into
# $tmp/report.md for --readme; the progress of the runs is not.
report() { tee -a "$tmp/report.md"; }
: > "$tmp/report.md"

{
	echo "## snnc against Brian2 $( [ $brian = 1 ] && /usr/bin/python3 -c 'import brian2; print(brian2.__version__)' 2>/dev/null) cpp_standalone"
	echo
	echo "machine: $(nproc) processors (nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort -u | paste -sd ';' -)," \
		"vector extensions: $(grep -o -w -e sse2 -e avx -e avx2 -e avx512f /proc/cpuinfo | sort -u | paste -sd ' ' -)"
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), REPEAT=$repeat${dur:+, DURATION=$dur s}"
	echo
} | report

while read -r name model script args; do
	echo "$name ($model)"
	exe=$tmp/bin/$name
	if ! "$tmp/snnc" build -o "$exe" "$model" > "$tmp/build.log" 2>&1; then
		sed 's/^/  /' "$tmp/build.log"
		continue
	fi
	set -- -q --out "$tmp/out/$name"
	if [ -n "$dur" ]; then
		d=$(duration "$model")
		if [ -z "$d" ] || awk -v d="$d" -v cap="$dur" 'BEGIN { exit !(d > cap) }'; then
			set -- "$@" --duration "${dur}s"
		fi
	fi
	bdir=
	for r in $(seq "$repeat"); do
		timed "$name" 1 "$exe" "$@" --threads 1 || continue 2
		if [ "$r" = 1 ]; then cp "$tmp/out/$name/summary.json" "$tmp/times/$name.summary"; fi
		timed "$name" 2 "$exe" "$@" --threads 2 || continue 2
		if [ "$script" = - ] || [ $brian = 0 ]; then continue; fi
		if [ -z "$bdir" ]; then
			# Built, and run once, by the script: the same model for the
			# duration snnc ran.
			bdir=$tmp/brian/$name
			d=$(json "$tmp/times/$name.summary" 's["duration"]')
			# shellcheck disable=SC2086 # args is a list of options
			if ! /usr/bin/python3 "$script" --target cpp_standalone --duration "$d" --dir "$bdir" $args \
				< /dev/null > "$tmp/brian.log" 2>&1; then
				tail -n 5 "$tmp/brian.log" | sed 's/^/  /'
				script=-
				continue
			fi
			grep '^brian2' "$tmp/brian.log" | sed 's/^/  /'
		fi
		# The binary's own measure of its network's run, too.
		if ! (cd "$bdir" && timed "$name" brian ./main &&
			awk '{ print $1 }' results/last_run_info.txt >> "$tmp/times/$name.brianrun"); then
			script=-
		fi
	done
done < "$tmp/models"

table() {
	echo "| model | neurons | synapses | simulated (s) | snnc 1 thread (s) | snnc 2 threads (s) | 1/2 threads | Brian2 binary (s) | Brian2 run (s) | Brian2 binary/snnc | Brian2 run/snnc | events/s | steal |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	while read -r name model script args; do
		s=$tmp/times/$name.summary
		if [ ! -f "$s" ]; then
			echo "| $name | failed (see above) | | | | | | | | | | | |"
			continue
		fi
		neurons=$(json "$s" 'sum(p["size"] for p in s["populations"])')
		synapses=$(json "$s" 'sum(s.get("synapses", {}).values())')
		simulated=$(json "$s" 's["duration"]')
		events=$(json "$s" 's.get("synaptic_events", 0)')
		one=$(awk '{ print $1 }' "$tmp/times/$name.1" | median)
		two=$(awk '{ print $1 }' "$tmp/times/$name.2" | median)
		bwall=-
		brun=-
		ratio=-
		rratio=-
		if [ -f "$tmp/times/$name.brian" ]; then
			bwall=$(awk '{ print $1 }' "$tmp/times/$name.brian" | median)
			brun=$(median < "$tmp/times/$name.brianrun")
			ratio=$(awk -v b="$bwall" -v s="$one" 'BEGIN { printf "%.2f", b / s }')
			rratio=$(awk -v b="$brun" -v s="$one" 'BEGIN { printf "%.2f", b / s }')
		fi
		speedup=$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", a / b }')
		rate=$(awk -v e="$events" -v t="$one" 'BEGIN { if (e > 0) printf "%.3g", e / t; else print "-" }')
		st=$(cat "$tmp/times/$name".[12b]* 2>/dev/null | awk 'NF == 2 { t += $1; s += $2 } END { if (t > 0) printf "%.1f%%", 100 * s / t; else print "-" }')
		echo "| $name | $neurons | $synapses | $simulated | $one | $two | $speedup | $bwall | $brun | $ratio | $rratio | $rate | $st |"
	done < "$tmp/models"
	# medianratio EXT: the median over the models with a Brian2 script
	# of Brian2's median time (times/NAME.EXT, first column) over snnc's.
	medianratio() {
		for f in "$tmp"/times/*.brianrun; do
			[ -f "$f" ] || continue
			name=$(basename "$f" .brianrun)
			b=$(awk '{ print $1 }' "$tmp/times/$name.$1" | median)
			s=$(awk '{ print $1 }' "$tmp/times/$name.1" | median)
			awk -v b="$b" -v s="$s" 'BEGIN { printf "%.4f\n", b / s }'
		done | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.2f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
	}
	echo
	echo "Medians over the models with a Brian2 script: Brian2 binary/snnc $(medianratio brian), Brian2 run/snnc $(medianratio brianrun)."
}
table | report

if [ $perf = 0 ]; then exit 0; fi
# profile NAME: the functions that take at least 2% of a one-thread run of
# NAME, as rows of the table.
profile() {
	exe=$tmp/bin/$1
	[ -x "$exe" ] || return 0
	# A run shorter than half a second is profiled over a longer one (its
	# duration times as many as make half a second): a few hundred samples
	# of a 10 ms run would be noise.
	simulated=$(json "$tmp/times/$1.summary" 's["duration"]')
	one=$(awk '{ print $1 }' "$tmp/times/$1.1" | median)
	longer=$(awk -v d="$simulated" -v t="$one" 'BEGIN { f = t > 0 ? int(0.5 / t) + 1 : 1; if (f < 2) f = 1; printf "%.6g", d * f }')
	set -- "$1" -q --out "$tmp/out/$1" --threads 1 --duration "${longer}s"
	pname=$1
	shift
	if ! perf record -e cpu-clock -q -o "$tmp/perf.data" -- "$exe" "$@" > "$tmp/perf.log" 2>&1; then
		sed 's/^/    /' "$tmp/perf.log" >&2
		echo "| $pname | $longer | (perf failed) | |"
		return 0
	fi
	perf report -i "$tmp/perf.data" --stdio --no-children -F overhead,sym --percent-limit 2 2> /dev/null |
		awk -v m="$pname" -v d="$longer" '/^[[:space:]]*[0-9.]+%/ { share = $1; $1 = ""; sub(/^ +/, ""); printf "| %s | %s | `%s` | %s |\n", m, d, $0, share }'
}
{
	echo
	echo "### Where the time goes (perf, one thread)"
	echo
	echo "Each function that takes at least 2% of a model's one-thread run. \`snn_kN_OWNER_ROLE\` is a kernel snnc"
	echo "emitted (a population's step, a projection's on_pre); \`[.]\` marks the executable's functions, \`[k]\`"
	echo "the system's (clear_page_erms: clearing the pages the run touches for the first time). A model whose"
	echo "run takes under half a second is profiled over a longer run (the simulated time given)."
	echo
	echo "| model | simulated (s) | function | share of the run |"
	echo "|---|--:|---|--:|"
	for name in ${PERF_MODELS:-cobahh cuba-4000 synapses dendrites izhikevich_net adex}; do
		profile "$name"
	done
} | report

if [ $readme = 1 ]; then
	/usr/bin/python3 - "$tmp/report.md" README.md <<'PY'
import sys
report, readme = sys.argv[1], sys.argv[2]
begin, end = "<!-- suite.sh: begin -->", "<!-- suite.sh: end -->"
text = open(readme).read()
if begin not in text or end not in text:
    sys.exit("suite.sh: README.md has no %s ... %s block" % (begin, end))
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
body = open(report).read().replace("## snnc against", "### snnc against", 1)
open(readme, "w").write(head + begin + "\n" + body.strip() + "\n" + end + tail)
PY
	echo "suite.sh: wrote the report into README.md" >&2
fi
