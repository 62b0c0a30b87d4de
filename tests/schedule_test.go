package tests

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/fpga"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
)

// scheduled is a model whose scheduled code (at, every) on a population,
// a global and a projection can be checked against closed forms.
const scheduled = `
neuron Leaky {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state drive: mV = 0 mV
    state n = 0
    state r = 0
    dv/dt = (drive - v) / tau
}

global clock {
    state g = 0
    state h = 0
}

synapse Plain {
    state w = 1
    on pre { post.v += w * 0 mV }
}

population cells = Leaky[40]
connect loop: cells -> cells using Plain by one_to_one

// Two blocks due in the same step on one target run in declaration order:
// drive is 10 mV (i + 1), then tripled.
at 2 ms on cells { drive = 10 mV * (i + 1) }
at 2 ms on cells { drive *= 3 }
every 1 ms on cells {
    n += 1
    r = normal(0, 1)
}
at 0.5 ms on clock { g = 5 }
// A monitor's every, then scheduled code's: the parser tells them apart.
monitor state clock.h every 1
every 0.3 ms on clock { h += 1 }
at 3 ms on loop { w = 2 }

monitor state cells.v every 1
monitor state cells.drive every 1
monitor state cells.n every 1
monitor state cells.r every 1
monitor state clock.g every 1
monitor state loop.w every 1
run { duration = 6 ms  dt = 0.1 ms }
`

// Scheduled code runs in slot 0 of its step (spec/language.md section 6):
// a value it sets in step k is what the state monitor samples in step k,
// and the integration from step k on starts from it. Checked against the
// closed forms: v relaxes towards the drive D = 30 mV (i + 1) set in step
// k0 = 20 as D (1 - exp(-(k - k0) dt / tau)) (the ODE pass's exact
// propagator); n counts the every-1-ms runs, steps 0, 10, 20, ...: n(k) =
// floor(k / 10) + 1; the global's h counts steps 0, 3, 6, ...; the
// projection's w is 1 before step 30 and 2 from it.
func TestScheduledCodeClosedForm(t *testing.T) {
	m := compileSource(t, "scheduled.snn", scheduled)
	res := run(t, m, interp.Options{})
	const dt, tau, k0 = 1e-4, 10e-3, 20
	v, drive, n := stateNamed(t, res, "cells_v"), stateNamed(t, res, "cells_drive"), stateNamed(t, res, "cells_n")
	g, h, w := stateNamed(t, res, "clock_g"), stateNamed(t, res, "clock_h"), stateNamed(t, res, "loop_w")
	cells := len(v.Indices)
	require.Equal(t, 40, cells)
	for row, k := range v.Steps {
		for c := range cells {
			d := 0.0
			if k >= k0 {
				d = 0.01 * float64(c+1) * 3 // in the order the code computes it
			}
			require.Equal(t, d, drive.Values[row*cells+c], "drive of %d at step %d", c, k)
			want := 0.0
			if k > k0 {
				want = d * -math.Expm1(-float64(k-k0)*dt/tau)
			}
			require.InDelta(t, want, v.Values[row*cells+c], 1e-12*math.Abs(want)+1e-18, "v of %d at step %d", c, k)
			require.Equal(t, float64(k/10+1), n.Values[row*cells+c], "n at step %d", k)
		}
		require.Equal(t, map[bool]float64{true: 5, false: 0}[k >= 5], g.Values[row], "g at step %d", k)
		require.Equal(t, float64(k/3+1), h.Values[row], "h at step %d", k)
		for c := range len(w.Indices) {
			require.Equal(t, map[bool]float64{true: 2, false: 1}[k >= 30], w.Values[row*len(w.Indices)+c], "w at step %d", k)
		}
	}
}

// The normal draws of scheduled code: one per element and run, fresh in
// every run (every 1 ms) and held in between, standard normal over the
// 40 cells x 6 runs (mean within 4.5 standard errors of 0, variance
// within 4.5 of its standard errors, sqrt(2/240), of 1).
func TestScheduledCodeDraws(t *testing.T) {
	m := compileSource(t, "scheduled.snn", scheduled)
	res := run(t, m, interp.Options{})
	r := stateNamed(t, res, "cells_r")
	cells := len(r.Indices)
	var xs []float64
	seen := map[float64]bool{}
	for row, k := range r.Steps {
		for c := range cells {
			x := r.Values[row*cells+c]
			if k%10 != 0 {
				require.Equal(t, r.Values[(row-1)*cells+c], x, "r changed outside a run, step %d", k)
				continue
			}
			require.False(t, seen[x], "a draw repeated at step %d", k)
			seen[x] = true
			xs = append(xs, x)
		}
	}
	require.Len(t, xs, 240)
	mean, sq := 0.0, 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sq += (x - mean) * (x - mean)
	}
	variance := sq / float64(len(xs)-1)
	require.Less(t, math.Abs(mean), 4.5/math.Sqrt(240))
	require.Less(t, math.Abs(variance-1), 4.5*math.Sqrt(2.0/240))
}

// Scheduled code gives the same bytes on the interpreter and natively at
// 1, 2 and 3 threads, with the thread pool's stress settings.
func TestScheduledCodeBackends(t *testing.T) {
	c := conformSource("scheduled", scheduled, driver.Options{}).onLLVM(1, 2, 3)
	c.env = stressThreads
	conform(t, c)
}

// phased is a protocol of three phases: quiet (20 ms), drive (30 ms, the
// drive set to 10 mV (i + 1) at its start) and again (10 ms, the drive
// set to 40 mV); spk records only in drive, vm in quiet and drive.
const phased = `
neuron Leaky {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state drive: mV = 0 mV
    dv/dt = (drive - v) / tau
    threshold v > 15 mV
    reset { v = 0 mV }
}
neuron Free {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state drive: mV = 0 mV
    dv/dt = (drive - v) / tau
}
population cells = Leaky[4]
population free = Free[4]
monitor spk: spikes cells
monitor vm: state free.v every 10
phase quiet {
    duration = 20 ms
    record = [vm]
}
phase drive {
    duration = 30 ms
    on cells { drive = 10 mV * (i + 1) }
    on free { drive = 10 mV * (i + 1) }
    record = [vm, spk]
}
phase again {
    duration = 10 ms
    on cells { drive = 40 mV }
}
run { dt = 0.1 ms }
`

// A protocol's phases (spec/language.md 4.10): the run lasts their sum;
// each phase's code runs in its first step (the free cells' v follows the
// closed form D (1 - exp(-(k - 200) dt / tau)) from step 200, the drive's
// start, as in TestScheduledCodeClosedForm); a monitor records only in
// the phases that name it: vm samples the steps 0, 10, ..., 490 and no
// later, spk holds only the spikes of steps 200 to 499, while the cells
// go on firing in phase again (the population's count has them).
func TestPhases(t *testing.T) {
	m := compileSource(t, "phased.snn", phased)
	require.Equal(t, int64(600), m.Run.Steps)
	res := run(t, m, interp.Options{})
	vm := stateNamed(t, res, "vm")
	require.Len(t, vm.Steps, 50)
	const dt, tau = 1e-4, 10e-3
	for row, k := range vm.Steps {
		require.Equal(t, int64(10*row), k)
		for c := range 4 {
			want := 0.0
			if k > 200 {
				want = 0.01 * float64(c+1) * -math.Expm1(-float64(k-200)*dt/tau)
			}
			require.InDelta(t, want, vm.Values[row*4+c], 1e-12*want+1e-18, "v of %d at step %d", c, k)
		}
	}
	spk := spikesOf(res, "spk")
	require.NotEmpty(t, spk.Steps)
	for _, k := range spk.Steps {
		require.True(t, k >= 200 && k < 500, "a spike recorded in step %d, outside phase drive", k)
	}
	var total int64
	for _, p := range res.Summary.Populations {
		if p.Name == "cells" {
			total = p.Spikes
		}
	}
	require.Greater(t, total, int64(len(spk.Steps)), "the cells fire in phase again too")
}

// The phases give the same bytes on the interpreter and natively.
func TestPhasesBackends(t *testing.T) {
	c := conformSource("phased", phased, driver.Options{}).onLLVM(1, 2)
	c.env = stressThreads
	conform(t, c)
}

// The FPGA core refuses scheduled code and timed arrays, each with a
// diagnostic that says why, positioned where the model has the construct;
// a monitor's window (the phases it records in) is not among them: the
// host keeps what the core reports in the window (cmd/snnc's TestRunFPGA
// runs one).
func TestScheduledCodeOnFPGA(t *testing.T) {
	const src = `
neuron Leaky {
    param tau: ms = 10 ms
    param i_ext: nA = 0 nA
    state v: mV = 0 mV
    dv/dt = (i_ext * 10 Mohm - v) / tau
    threshold v > 15 mV
    reset { v = 0 mV }
}
timedarray stim: nA = [1 nA, 2 nA] every 5 ms
population cells = Leaky[4]
current drive -> cells.i_ext = stim(t)
at 2 ms on cells { v = 1 mV }
monitor spk: spikes cells
phase one {
    duration = 10 ms
    record = [spk]
}
phase two {
    duration = 10 ms
}
run { dt = 0.1 ms }
`
	m := quantizedSource(t, "fpga_sched.snn", src, 16)
	_, err := fpga.Build(m, driver.FPGAOptions())
	require.Error(t, err)
	require.Regexp(t, `fpga_sched.snn:13:\d+: population cells: scheduled code \(at, every\)`, err.Error())
	require.Regexp(t, `fpga_sched.snn:12:\d+: current drive reads timed array stim`, err.Error())
	require.NotContains(t, err.Error(), "monitor spk")
	require.Equal(t, 2, strings.Count(err.Error(), "\n")+1, "two diagnostics: %s", err)
}

// Without each of the passes that must not change results (fold, fuse,
// cse, dce), scheduled code, phases and timed arrays record the same
// bytes on the interpreter.
func TestScheduledCodeKeepsResultsWithoutPasses(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"scheduled": scheduled, "phased": phased, "timed": timedArrays} {
		path := filepath.Join(dir, name+".snn")
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "grid.csv"), []byte("1,10\n2,20\n3,30\n"), 0o644))
		m := compileWith(t, path, driver.Options{})
		want := outputBytes(t, m, run(t, m, interp.Options{}))
		for _, pass := range exactPasses {
			vm := compileWith(t, path, without(pass))
			got := outputBytes(t, vm, run(t, vm, interp.Options{}))
			require.Equal(t, len(want), len(got), "%s without %s", name, pass)
			for file, data := range want {
				require.True(t, bytes.Equal(data, got[file]), "%s: %s differs without %s", name, file, pass)
			}
		}
	}
}

// Quantized to 16 bits, scheduled code and timed arrays give the same
// bytes on the interpreter and natively: the quantizer converts what they
// store as it does an event block's stores.
func TestScheduledCodeQuantized(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "grid.csv"), []byte("1,10\n2,20\n3,30\n"), 0o644))
	for name, src := range map[string]string{"scheduled": scheduled, "phased": phased, "timed": timedArrays} {
		path := filepath.Join(dir, name+".snn")
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		conform(t, conformCase{name: name + "-int16", threads: []int{1, 2}, compile: func(t *testing.T) (*lang.Program, *ir.Module) {
			o := driver.Options{Quantize: 16}
			o.Verify = true
			prog, m, err := driver.CompileFile(path, o)
			require.NoError(t, err)
			return prog, m
		}})
	}
}

// Scheduled code that reads a synapse's trace reads it decayed to its
// step, as an event would: one spike at 1 ms, delivered in step 11 (t =
// 1.1 ms), sets the trace to 1; at 3 ms (step 30) w = x takes
// exp(-(3 ms - 1.1 ms) / tau) (against math.Exp: snnc's exp is within an
// ulp of it), and the same bytes on the interpreter and natively.
func TestScheduledCodeReadsTraceDecayed(t *testing.T) {
	const src = `
neuron N {
    state v = 0
}
synapse S {
    state w = 0
    trace x decay 5 ms
    on pre { x += 1 }
}
input src = spikes[1] { times = [(0, 1 ms)] }
population p = N[1]
connect c: src -> p using S by all_to_all
at 3 ms on c { w = x }
monitor state c.w every 1
run { duration = 4 ms  dt = 0.1 ms }
`
	m := compileSource(t, "trace_read.snn", src)
	res := run(t, m, interp.Options{})
	w := stateNamed(t, res, "c_w")
	want := math.Exp(-(30*1e-4 - 11*1e-4) / 5e-3)
	for row, k := range w.Steps {
		if k < 30 {
			require.Zero(t, w.Values[row], "w at step %d", k)
			continue
		}
		require.InEpsilon(t, want, w.Values[row], 1e-15, "w at step %d", k)
	}
	conform(t, conformSource("trace_read", src, driver.Options{}).onLLVM(1, 2))
}

// Scheduled code may store after the quantizer's calibration run (1 s)
// ends: a constant it stores is a value its variable takes (eta's format
// holds 0.01, which the calibration never saw: without it, 0.01 would
// saturate to eta's one calibrated value's format), and a variable it
// stores computed values into (u = 40 (i + 1)) stays floating point.
// Checked against the stored values, at 16 bits and under fixed.
func TestScheduledCodeQuantizedRange(t *testing.T) {
	const src = `
neuron N {
    state eta = 0
    state u = 0
    state v = 0
    dv/dt = eta / (1 ms) + u / (1 s)
}
population p = N[3]
at 1.5 s on p { eta = 0.01 }
at 1.5 s on p { u = 40 * (i + 1) }
monitor state p.eta every 100 ms
monitor state p.u every 100 ms
run { duration = 2 s  dt = 1 ms }
`
	for _, width := range []int{16, ir.QuantizeFixed} {
		m := quantizedSource(t, "late.snn", src, width)
		res := run(t, m, interp.Options{})
		eta, u := stateNamed(t, res, "p_eta"), stateNamed(t, res, "p_u")
		for row, k := range eta.Steps {
			for c := range 3 {
				wantEta, wantU := 0.0, 0.0
				if k >= 1500 {
					wantEta, wantU = 0.01, 40*float64(c+1)
				}
				require.InDelta(t, wantEta, eta.Values[row*3+c], 1e-4*wantEta, "eta of %d at step %d, width %d", c, k, width)
				require.Equal(t, wantU, u.Values[row*3+c], "u of %d at step %d, width %d", c, k, width)
			}
		}
	}
}

// Scheduled code on an input is refused at the input's name, with the
// ways an input does change over a run: a phase setting its rate, or
// rates with a period.
func TestScheduledCodeOnInputHint(t *testing.T) {
	const src = `
neuron N {
    state v = 0
}
input src = poisson[2] { rate = 10 Hz }
population a = N[1]
at 1 ms on src { v = 1 }
run { duration = 10 ms }
`
	_, err := driver.LoadSource("input.snn", []byte(src))
	var list lang.ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 1)
	require.Equal(t, "input.snn:7:12", list[0].Pos.String())
	require.Equal(t, "src is an input, not a population, projection or global", list[0].Msg)
	require.Contains(t, list[0].Hint, "phase NAME { duration = ...  on src { rate = ... } }")
}
