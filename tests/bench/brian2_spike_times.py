"""The step Brian2 2.5.1 puts each spike of a SpikeGeneratorGroup in, for
times on and off the dt grid (dt = 0.1 ms). tests/spike_times_test.go keeps
the figures this prints; run it with /usr/bin/python3 to measure them again.
"""
import warnings

warnings.filterwarnings("ignore")
from brian2 import SpikeGeneratorGroup, SpikeMonitor, ms, prefs, run, defaultclock  # noqa: E402

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
# One source per time: on the grid (0.3 ms, 0.7 ms, 1 ms), just below it
# (0.29999 ms), a quarter, half and three quarters into a step.
times = [0.37, 0.3, 0.35, 0.29999, 0.7, 1.0, 0.125, 0.05, 0.0999, 1.19]
g = SpikeGeneratorGroup(len(times), list(range(len(times))), times * ms)
mon = SpikeMonitor(g)
run(2 * ms)
steps = {int(i): int(round(t / (0.1 * ms))) for i, t in zip(mon.i, mon.t)}
for i, t in enumerate(times):
    print(f"{t!r} ms -> step {steps.get(i)}")
