package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"snnc/backends/driver"
	"snnc/backends/fpga"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/runtime"
	"snnc/version"
)

// runFPGA is snnc run --target=fpga: the quantized module m mapped onto
// the core, its testbench simulated (Verilator, else Icarus Verilog), and
// what the core recorded mapped back to the model's monitors and written
// as every target writes it. opts are the run's checked options: the
// duration, seed and runtime parameters' values (which the host computes
// the core's parameter words from) go into the build.
func runFPGA(path string, m *ir.Module, opts interp.Options, r runFlags, out string, stdout, stderr io.Writer) int {
	fail := func(status int, format string, args ...any) int {
		for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
			fmt.Fprintf(stderr, "snnc run: %s\n", line)
		}
		return status
	}
	if r.resume != "" {
		return fail(exitUsage, "--resume: the fpga target runs a model from its start only (the core has no checkpoint); resume with --target=interp")
	}
	sims := fpga.Simulators()
	if len(sims) == 0 {
		return fail(exitModel, "the fpga target simulates the core's Verilog with Verilator or Icarus Verilog, and neither is installed (Debian packages verilator, iverilog)")
	}
	o := driver.FPGAOptions()
	o.Dir, o.Seed, o.Set, o.StateMonitors = opts.Dir, opts.Seed, opts.Set, true
	if opts.Duration > 0 {
		steps := math.Round(opts.Duration / m.Run.Dt)
		if steps < 1 || steps > 1<<40 {
			return fail(exitUsage, "--duration: %g s is %g steps of %g s; it must be 1 to 2^40 steps", opts.Duration, steps, m.Run.Dt)
		}
		o.Steps = int64(steps)
	}
	start := time.Now()
	d, err := fpga.Build(m, o)
	if err != nil {
		return fail(exitModel, "%v", err)
	}
	// Printed with -q too, as a run's warnings are: files the model asks
	// for will be missing.
	for _, msg := range d.Refused {
		fmt.Fprintf(stderr, "snnc run: warning: %s\n", msg)
	}
	dir, err := os.MkdirTemp("", "snnc-fpga-")
	if err != nil {
		return fail(exitModel, "%v", err)
	}
	defer os.RemoveAll(dir)
	if err := d.Write(dir); err != nil {
		return fail(exitModel, "%v", err)
	}
	sim := sims[0] // Verilator first: it simulates many times faster
	if !r.quiet {
		fmt.Fprintf(stderr, "snnc run: simulating the core's RTL for %d steps with %s\n", d.Steps, sim)
	}
	// SIGINT and SIGTERM end the simulation (the simulator is killed)
	// and then the run, which writes nothing: the core's spikes are read
	// when its simulation ends. Caught, so that the build directory is
	// removed.
	var caught atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := onSignals(func(sig syscall.Signal) {
		caught.CompareAndSwap(0, int32(sig))
		cancel()
	})
	res, err := d.SimulateContext(ctx, dir, sim)
	stop()
	if sig := syscall.Signal(caught.Load()); sig != 0 {
		name := "SIGINT"
		if sig == syscall.SIGTERM {
			name = "SIGTERM"
		}
		return fail(128+int(sig), "interrupted by %s during the RTL simulation; nothing was written", name)
	}
	if err != nil {
		return fail(exitModel, "%s: the RTL simulation failed: %v", path, err)
	}
	spikes, sum, err := d.Recordings(m, res, "fpga")
	if err != nil {
		return fail(exitModel, "%s: %v", path, err)
	}
	// What every target's summary says of the run and its monitors: the
	// spike monitors and the state monitors recorded, not those refused
	// above.
	sum.SnncVersion, sum.ModelSHA256, sum.Threads, sum.Set = version.Version, m.SourceSHA256, 1, maps.Clone(opts.SetText)
	sum.Monitors = []runtime.MonitorSummary{}
	for _, ms := range interp.MonitorSummaries(m) {
		if ms.Kind == "spikes" || slices.Contains(d.Sampled, ms.Name) {
			sum.Monitors = append(sum.Monitors, ms)
		}
	}
	// The state monitors' samples and the final state: what the core read
	// back, made into recordings and state/ by the interpreter's one
	// implementation (the same conversion of fixed point as its own run).
	iopts := interp.Options{Dir: opts.Dir, Duration: float64(d.Steps) * m.Run.Dt, Seed: opts.Seed, Set: opts.Set, Warn: opts.Warn}
	steps, vars := d.SampleVars(res, m.Run.Dt)
	names := map[string]bool{}
	for _, name := range d.Sampled {
		names[name] = true
	}
	states, err := interp.StateSamples(m, iopts, names, steps, vars)
	if err != nil {
		return fail(exitModel, "%s: %v", path, err)
	}
	iopts.Warn = nil
	final, err := interp.FinalState(m, iopts, d.FinalVars(res, m.Run.Dt), d.Steps)
	if err != nil {
		return fail(exitModel, "%s: %v", path, err)
	}
	sum.Final = final
	sum.WallSeconds = time.Since(start).Seconds()
	if err := runtime.Write(out, m.Run.Dt, spikes, states, sum); err != nil {
		return fail(exitModel, "%v", err)
	}
	if !r.quiet {
		printSummary(stdout, sum, out)
	}
	return exitOK
}
