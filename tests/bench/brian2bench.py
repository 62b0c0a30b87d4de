"""What every tests/bench/NAME_brian2.py shares: the options that
tests/bench/suite.sh and the Go tests pass (--target, --n, --duration,
--seed, --dir and, where a script has a trace model, --trace), the choice
of Brian2's device, and a timed run that says how long the network's run
alone took in cpp_standalone mode (the generated program's own measure,
results/last_run_info.txt).

A script imports it from its own directory (Python puts a script's
directory on the path): import brian2bench.
"""
import argparse
import os
import time

import brian2 as b2


def setup(n, trace=False, duration=1.0, sample=False, flags=()):
    """Parses the common options (--n defaults to n, --duration to
    duration in seconds: the example's own where it is not 1 s; --trace
    only if trace; --sample MS, the period of printed traces, default 1,
    only if sample; each of flags, (name, help) pairs, as an option
    without a value), chooses the device or the code generation target,
    and seeds Brian2's generator. Returns the options."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="numpy")
    ap.add_argument("--n", type=int, default=n)
    ap.add_argument("--duration", type=float, default=duration)
    if sample:
        ap.add_argument("--sample", type=float, default=1.0, help="period of the printed samples, in ms")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", default=None, help="cpp_standalone build directory")
    if trace:
        ap.add_argument("--trace", action="store_true", help="print the small deterministic comparison")
    for name, text in flags:
        ap.add_argument(name, action="store_true", help=text)
    args = ap.parse_args()
    if args.target == "cpp_standalone":
        b2.set_device("cpp_standalone", build_on_run=False)
    else:
        b2.prefs.codegen.target = args.target
    b2.seed(args.seed)
    return args


def build_and_run(args, duration):
    """Runs the network for duration; returns the run's time in seconds
    as the generated program measured it (cpp_standalone) or as measured
    here, and the time of building and running together."""
    t0 = time.time()
    # level=1: the objects to run are the calling script's, one frame up.
    b2.run(duration, level=1)
    if args.target == "cpp_standalone":
        b2.device.build(directory=args.dir, compile=True, run=True)
    elapsed = time.time() - t0
    if args.target == "cpp_standalone":
        # The run alone, as the generated program measured it.
        with open(os.path.join(b2.device.project_dir, "results", "last_run_info.txt")) as f:
            return float(f.read().split()[0]), elapsed
    return elapsed, elapsed


def spikes_after(args, monitor, t_skip, run_time, elapsed):
    """The steps and indices of monitor's spikes at or after t_skip (a
    Brian2 time), for a script whose figures skip the start. A run no
    longer than t_skip (the benchmark suite may run a short duration only
    for the time) prints its timing line and exits."""
    import numpy as np
    if args.duration * b2.second <= t_skip:
        print(f"brian2 {b2.__version__} {args.target}: n={args.n} seed={args.seed} duration={args.duration} s "
              f"run={run_time:.3f} s (build and run {elapsed:.1f} s; no figures: duration <= {t_skip})")
        raise SystemExit(0)
    dt = float(b2.defaultclock.dt)
    steps = np.rint(np.asarray(monitor.t[:]) / dt).astype(np.int64)
    idx = np.asarray(monitor.i[:])
    keep = steps >= int(round(float(t_skip) / dt))
    return steps[keep], idx[keep]
