#!/bin/sh
# Times examples/brunel_hakim1999.snn natively (1 s of biological time, one
# thread) with its white noise and without it (the same model with the
# `+ sigma_ext * sqrt(tau) * xi` term removed), the runs alternated, and
# prints the medians of the process's wall and processor time and of
# summary.json's wall_seconds (construction and run, without the
# process's start), and their ratios, noise / no noise (issue 19 asks for
# at most 1.5). With
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

# The runs alternate; each one's wall time and processor time (user +
# system, from wait4: the processor time is what the host's other
# machines, stealing ours, do not add to) are taken, and the medians
# printed with their ratios.
/usr/bin/python3 - "$tmp" "$repeat" <<'PY'
import json, os, statistics, subprocess, sys, time
tmp, repeat = sys.argv[1], int(sys.argv[2])
wall, cpu, inner = {}, {}, {}
for _ in range(repeat):
    for m in ("noise", "quiet"):
        t0 = time.perf_counter()
        p = subprocess.Popen([os.path.join(tmp, m), "-q", "--out", os.path.join(tmp, m + ".out")])
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        if status != 0:
            sys.exit(f"noise.sh: {m} failed ({status})")
        with open(os.path.join(tmp, m + ".out", "summary.json")) as f:
            inner.setdefault(m, []).append(json.load(f)["wall_seconds"])
        wall.setdefault(m, []).append(t1 - t0)
        cpu.setdefault(m, []).append(ru.ru_utime + ru.ru_stime)
med = lambda d, m: statistics.median(d[m])
for m in ("noise", "quiet"):
    print(f"{m:6} median of {repeat}: process wall {med(wall, m):.3f} s, processor {med(cpu, m):.3f} s, "
          f"wall_seconds {med(inner, m):.3f} s")
print("noise / no noise: process wall %.2fx, processor %.2fx, wall_seconds %.2fx" % tuple(
    med(d, "noise") / med(d, "quiet") for d in (wall, cpu, inner)))
PY

if [ "$brian2" = "--brian2" ]; then
	# Its warnings (numpy's, pythran's) go to a file, shown if it fails.
	/usr/bin/python3 tests/bench/brunel_hakim1999_brian2.py --target cpp_standalone --dir "$tmp/brian2" \
		2>"$tmp/brian2.err" | tail -1 || { cat "$tmp/brian2.err" >&2; exit 1; }
fi
