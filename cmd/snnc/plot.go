package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"snnc/lang"
	"snnc/runtime/plot"
)

func init() {
	commands = append(commands, &command{
		name:    "plot",
		summary: "draw a run's recordings: rasters, traces, rates, weights (PNG or SVG)",
		run:     runPlot,
	})
}

func runPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plot", stderr,
		"Usage: snnc plot OUT [-o FILE.png|FILE.svg] [--what KIND] [--monitor NAME,...] [--bin TIME]",
		"",
		"Draws the recordings in OUT, the output directory of snnc run (its .npy files and",
		"summary.json). With no options, one PNG per monitor goes into OUT/plots/, named",
		"NAME.KIND.png: a spike raster of each spike monitor, the traces of each state",
		"monitor (its first 8 elements), and for a projection's variable the histogram of",
		"its values at the last sample beside their traces. Axes are in SI units with the",
		"prefix that suits the values (mV, nA, ms).",
		"",
		"KIND is raster (spike monitors), state (state monitors), rate (the population",
		"rate of spike monitors: spikes per bin / (neurons × bin), in Hz), or weights (a",
		"projection's variable). With --what, every monitor it applies to is drawn that way;",
		"with -o, the monitors go into one figure, a row of panels each, sharing time.",
		"Exit status: 0 drawn, 1 OUT or its recordings cannot be drawn, 2 bad usage.",
		"")
	out := fs.String("o", "", "the figure to write, .png or .svg (default: a PNG per monitor in OUT/plots/)")
	what := fs.String("what", "", "what to draw: "+strings.Join(plot.Kinds, ", ")+" (default: raster for spikes, state for state, weights for a projection's variable)")
	only := fs.String("monitor", "", "draw only these monitors (names separated by commas)")
	bin := fs.String("bin", "", "the bin of --what rate (for example 5ms; default: about a 200th of the run)")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "snnc plot: give one output directory; see snnc help plot")
		return exitUsage
	}
	usagef := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "snnc plot: "+format+"; see snnc help plot\n", args...)
		return exitUsage
	}
	var opt plot.Options
	if *bin != "" {
		b, dim, err := lang.ParseQuantity(*bin)
		if err == nil && dim != lang.DimTime {
			err = fmt.Errorf("%q is not a time", *bin)
		}
		if err == nil && !(b > 0) {
			err = fmt.Errorf("the bin must be positive")
		}
		if err != nil {
			return usagef("--bin: %v", err)
		}
		opt.Bin = b
	}
	if *what != "" && !slices.Contains(plot.Kinds, *what) {
		return usagef("unknown --what %q (want %s)", *what, strings.Join(plot.Kinds, ", "))
	}
	if *out != "" {
		if _, err := plot.FormatOf(*out); err != nil {
			return usagef("-o %v", err)
		}
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "snnc plot: %v\n", err)
		return exitModel
	}
	o, err := plot.Open(fs.Arg(0))
	if err != nil {
		return fail(err)
	}
	ms := o.Monitors
	if *only != "" {
		ms = nil
		for _, name := range strings.Split(*only, ",") {
			m, err := o.Monitor(strings.TrimSpace(name))
			if err != nil {
				return fail(err)
			}
			ms = append(ms, m)
		}
	}
	if *what != "" {
		// Of all the monitors, those the kind applies to; of those named
		// with --monitor, every one, so that a wrong pair is an error.
		var keep []plot.Monitor
		for _, m := range ms {
			if *only != "" || plot.Applies(*what, m) {
				keep = append(keep, m)
			}
		}
		if len(keep) == 0 {
			return fail(fmt.Errorf("%s has no monitor that --what %s applies to", o.Dir, *what))
		}
		ms = keep
	}
	if *out != "" {
		kind := *what
		if kind == "" {
			// One figure of monitors of different kinds has no single
			// kind: each gets its default, which must then agree.
			kind = plot.Default(ms[0])
			for _, m := range ms[1:] {
				if plot.Default(m) != kind {
					return usagef("-o puts the monitors in one figure of one kind: name it with --what, or the monitors with --monitor")
				}
			}
		}
		f, err := o.Figure(kind, ms, opt)
		if err != nil {
			return fail(err)
		}
		if err := f.Save(*out); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
		return exitOK
	}
	dir := filepath.Join(o.Dir, "plots")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fail(err)
	}
	for _, m := range ms {
		kind := *what
		if kind == "" {
			kind = plot.Default(m)
		}
		f, err := o.Figure(kind, []plot.Monitor{m}, opt)
		if err != nil {
			return fail(err)
		}
		path := filepath.Join(dir, m.Name+"."+kind+".png")
		if err := f.Save(path); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return exitOK
}
