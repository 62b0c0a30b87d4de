package tests

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/fpga"
	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/lang"
	"snnc/runtime"
)

// The conformance table: a model compiled by the driver runs on the
// interpreter, the reference, and on every other backend that can run
// it, each as a subtest <model>/<backend>[/threads] (cuba/interp,
// cuba/llvm/2, lif_current-int16/fpga), and each backend's recordings
// must be the interpreter's byte for byte. conform runs one row;
// TestConformance holds the examples' rows, and the tests of one
// construct (fuse, prune, init order, ...) call conform with their model.

// A conformCase is one row of the table.
type conformCase struct {
	// name is the subtests' first element: the example's or the test
	// model's name, with the variant of the pipeline after a dash
	// (cuba-nofuse, cuba-int16).
	name string
	// compile compiles the model with the driver, inside the row's
	// subtest, so that a model that fails to compile fails its own row.
	compile func(t *testing.T) (*lang.Program, *ir.Module)
	// longest, if positive, caps the simulated time of the interpreter's
	// and the native runs, in seconds; 0 runs the model's.
	longest float64
	// threads are the native runs, llvm/N; none, no native run.
	threads []int
	// env, if not nil, is the environment a native run at threads
	// threads adds: the runtime's test settings that split its jobs.
	env func(threads int) []string
	// check, if not nil, requires more of a native run, given what it
	// printed.
	check func(t *testing.T, threads int, output string)
	// reference, if not nil, is the interpreter's recordings of another
	// row whose model records the same bytes (a variant of the pipeline
	// that another test shows exact), in place of this row's own run.
	reference *reference
	// rtl is the Verilog simulator of an fpga row ("" for none), rtlSteps
	// its steps (0: all of the run).
	rtl      string
	rtlSteps int64
}

// A reference is what the interpreter recorded: every output file but
// summary.json, by name, and what summary.json says (summaryCounts).
type reference struct {
	files   map[string][]byte
	summary map[string]any
}

// conformFile is a row for a model file compiled with the options o.
func conformFile(name, path string, o driver.Options) conformCase {
	o.Verify = true
	return conformCase{name: name, compile: func(t *testing.T) (*lang.Program, *ir.Module) {
		prog, m, err := driver.CompileFile(path, o)
		require.NoError(t, err)
		return prog, m
	}}
}

// conformSource is a row for a model given as text, compiled with the
// options o.
func conformSource(name, src string, o driver.Options) conformCase {
	o.Verify = true
	return conformCase{name: name, compile: func(t *testing.T) (*lang.Program, *ir.Module) {
		prog, m, err := driver.CompileSource(name+".snn", []byte(src), o)
		require.NoError(t, err)
		return prog, m
	}}
}

// conformModule is a row for a module a test has compiled from src, and
// checked in its own ways: the table runs that very module.
func conformModule(name, src string, m *ir.Module) conformCase {
	return conformCase{name: name, compile: func(t *testing.T) (*lang.Program, *ir.Module) {
		prog, err := driver.LoadSource(name+".snn", []byte(src))
		require.NoError(t, err)
		return prog, m
	}}
}

// onLLVM is c with native runs at the thread counts.
func (c conformCase) onLLVM(threads ...int) conformCase {
	c.threads = threads
	return c
}

// conform runs a row: <name>/interp (unless the row has a reference, or
// runs on the RTL only, which makes its own), then <name>/llvm/<threads>
// for each of c.threads, then <name>/fpga if c.rtl is set. It returns the
// interpreter's recordings, or nil if it made none.
func conform(t *testing.T, c conformCase) *reference {
	t.Helper()
	var ref *reference
	t.Run(c.name, func(t *testing.T) { ref = conformRow(t, c) })
	return ref
}

func conformRow(t *testing.T, c conformCase) *reference {
	prog, m := c.compile(t)
	var duration float64 // 0: the model's
	if c.longest > 0 {
		duration = min(m.Run.Duration, c.longest)
	}
	args := []string{}
	if duration > 0 {
		args = append(args, "--duration", strconv.FormatFloat(duration, 'g', -1, 64)+"s")
	}
	want := c.reference
	if want == nil && len(c.threads) > 0 {
		t.Run("interp", func(t *testing.T) {
			res := run(t, m, interp.Options{Duration: duration})
			dir := t.TempDir()
			require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
			files := outputBytes(t, m, res)
			require.NotEmpty(t, files, "the model records nothing to compare")
			want = &reference{files, summaryCounts(t, filepath.Join(dir, "summary.json"))}
		})
	}
	if len(c.threads) > 0 {
		t.Run("llvm", func(t *testing.T) {
			requireNativeTools(t)
			if want == nil {
				t.Skip("no reference: the interpreter's run failed")
			}
			exe := buildNative(t, prog, m, t.TempDir())
			for _, threads := range c.threads {
				t.Run(strconv.Itoa(threads), func(t *testing.T) {
					out := filepath.Join(t.TempDir(), "out")
					// No checkpoint: the interpreter's run here writes none
					// (a row may share the reference of another compilation,
					// whose IR the checkpoint fingerprints); resume_test.go
					// compares the targets' checkpoints.
					cmd := exec.Command(exe, append([]string{"-q", "--out", out, "--threads", strconv.Itoa(threads), "--checkpoint=off"}, args...)...)
					if c.env != nil {
						cmd.Env = append(os.Environ(), c.env(threads)...)
					}
					msg, err := cmd.CombinedOutput()
					require.NoError(t, err, "%s", msg)
					for file, data := range want.files {
						got, err := os.ReadFile(filepath.Join(out, file))
						require.NoError(t, err)
						require.True(t, bytes.Equal(data, got), "%s differs from the interpreter's at %d threads", file, threads)
					}
					require.Equal(t, want.summary, summaryCounts(t, filepath.Join(out, "summary.json")), "summary.json at %d threads", threads)
					if c.check != nil {
						c.check(t, threads, string(msg))
					}
				})
			}
		})
	}
	if c.rtl != "" {
		t.Run("fpga", func(t *testing.T) {
			// Last: the RTL's reference adds monitors to m.
			equalOnRTL(t, m, requireSimulator(t, c.rtl), c.rtlSteps)
		})
	}
	return want
}

// stressThreads splits every kernel and every delivery, however small,
// so that the threaded paths run on small models, and moves the threads'
// parts' boundaries every few population jobs (three threads have two
// boundaries to move), which also ends a chain of fused steps that often;
// the runtime prints how many jobs ran in chains. From three threads on
// the workers come late to every third population job, and the main
// thread runs their parts, in chains too.
func stressThreads(threads int) []string {
	if threads < 2 {
		return nil
	}
	env := []string{"SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1",
		"SNNRT_BALANCE_JOBS=" + strconv.Itoa(threads+1), "SNNRT_POOL_STATS=1"}
	if threads > 2 {
		env = append(env, "SNNRT_LATE_WORKERS=1")
	}
	return env
}

// buildNative builds m for the native target in dir, with the options
// snnc build gives the backend, and returns the executable.
func buildNative(t *testing.T, prog *lang.Program, m *ir.Module, dir string) string {
	t.Helper()
	o := driver.LLVMOptions(prog)
	p, err := llvm.Emit(m, o)
	require.NoError(t, err)
	exe := filepath.Join(dir, "model")
	require.NoError(t, llvm.Build(p, filepath.Join(dir, "build"), exe, o))
	return exe
}

// runNative builds m for the native target in dir and runs it with args,
// returning the output directory: for a test that checks the native
// recordings against an oracle of its own.
func runNative(t *testing.T, prog *lang.Program, m *ir.Module, dir string, args ...string) string {
	t.Helper()
	exe := buildNative(t, prog, m, dir)
	out := filepath.Join(dir, "out")
	msg, err := exec.Command(exe, append([]string{"-q", "--out", out}, args...)...).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	return out
}

// equalOnRTL builds a quantized module for the core, runs its first steps
// (0: all) on the RTL and on the interpreter, and requires the same
// spikes of every population and input, as snnc run --target=fpga maps
// them back (fpga.Design.Recordings), the same counts in the summary
// (spikes, synapses, synaptic events), and the same final state, bit for
// bit: the words read back, and state/ made of them (interp.FinalState).
func equalOnRTL(t *testing.T, m *ir.Module, simulator string, steps int64) {
	t.Helper()
	// Every population and input recorded: monitors the core records
	// whatever the model's are.
	for _, p := range m.Populations {
		if !p.Global && !slices.ContainsFunc(m.Populations, func(q *ir.Population) bool { return q.Group == p }) {
			m.Monitors = append(m.Monitors, &ir.Monitor{Name: "rtl_" + p.Name, Kind: "spikes", Target: p})
		}
	}
	for _, in := range m.Inputs {
		m.Monitors = append(m.Monitors, &ir.Monitor{Name: "rtl_" + in.Name, Kind: "spikes", Target: in})
	}
	o := driver.FPGAOptions()
	o.Steps = steps
	d, err := fpga.Build(m, o)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, d.Write(dir))
	out, err := d.Simulate(dir, simulator)
	require.NoError(t, err)
	rtl, sum, err := d.Recordings(m, out, "fpga")
	require.NoError(t, err)

	var final *interp.Storage
	res := run(t, m, interp.Options{Duration: float64(d.Steps) * m.Run.Dt, Final: func(s *interp.Storage) { final = s }})
	total := 0
	for _, got := range rtl {
		want := spikesOf(res, got.Name)
		require.NotNil(t, want, "the interpreter records %s", got.Name)
		require.Equal(t, fmt.Sprint(want.Steps), fmt.Sprint(got.Steps), "spike steps of %s", got.Name)
		require.Equal(t, fmt.Sprint(want.Index), fmt.Sprint(got.Index), "spike indices of %s", got.Name)
		if strings.HasPrefix(got.Name, "rtl_") && !slices.ContainsFunc(m.Inputs, func(in *ir.Input) bool { return "rtl_"+in.Name == got.Name }) {
			total += len(got.Steps)
		}
	}
	require.Equal(t, res.Summary.Populations, sum.Populations, "the summary's spike counts")
	require.Equal(t, res.Summary.Synapses, sum.Synapses, "the summary's synapses")
	require.Equal(t, res.Summary.Events, sum.Events, "the summary's synaptic events")
	for key, got := range d.StateValues(out) {
		vals, ok := final.Vars[key]
		if !ok {
			continue // a dendrite array's segment: owner.d.x[s]
		}
		want := make([]int64, len(vals))
		for i, x := range vals {
			want[i] = int64(x)
		}
		require.Equal(t, want, got, "final %s", key)
	}
	for key, got := range d.SynapseValues(out) {
		vals := final.Vars[key]
		want := make([]int64, len(vals))
		for i, x := range vals {
			want[i] = int64(x)
			if strings.HasSuffix(key, ".trace.tlast") {
				want[i] = int64(math.Round(x / m.Run.Dt))
			}
		}
		require.Equal(t, want, got, "final %s", key)
	}
	// state/ as snnc run --target=fpga writes it: the interpreter's
	// arrays, from what the core read back.
	got, err := interp.FinalState(m, interp.Options{Duration: float64(d.Steps) * m.Run.Dt}, d.FinalVars(out, m.Run.Dt), d.Steps)
	require.NoError(t, err)
	require.Equal(t, res.Summary.Final, got, "the final state (state/)")
	require.Positive(t, total, "the model spikes")
	t.Logf("%d spikes, %d clock cycles for %d steps", total, out.Cycles, d.Steps)
}

// rtlExamples are the examples the FPGA core can run.
var rtlExamples = []string{"lif_current", "izhikevich", "dendrites", "homeostasis", "symmetric_stdp", "softwta", "oja", "connectivity"}

// TestConformance is the table of the examples and of the models written
// for the FPGA core. Every example runs on the interpreter and natively,
// over the golden runs' duration:
//
//   - NAME: as snnc builds it, at 1, 2 and 3 threads with the runtime's
//     jobs split as finely as it allows (stressThreads);
//   - NAME-nofuse: without the fuse pass (separate update, threshold and
//     reset kernels, run by other paths of the runtime), at 1 and 2;
//   - NAME-int16 and NAME-fixed: with --quantize=int16 (its first 0.5 s)
//     and --quantize=fixed (its first 0.1 s: what it adds is the mix of
//     widths) at 1 and 2 threads: the native runtime's fixed point
//     (runtime/c/fixed.c) and dither draws are the interpreter's, at every
//     width fixed chooses; the examples the core can run also on the RTL,
//     their first 3000 steps (Verilator);
//   - dendrites-int16-nofuse: a dendrite array's stores draw their dither
//     by segment (ir.Dither.Segments), unfused too.
//
// Then on the RTL only: Song's STDP network with 500 inputs at 30 Hz onto
// 2 neurons, its first second (learned weights and traces too); CUBA
// scaled down tenfold (400 neurons, each with the 80 inputs of the full
// model), its first 200 ms; a small network of two populations, a Poisson
// input and a delayed projection; and random small networks.
func TestConformance(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		row := conformFile(name, f, driver.Options{}).onLLVM(1, 2, 3)
		row.longest, row.env = goldenDurationOf(name), stressThreads
		if name == "cuba" {
			// CUBA's fused steps run in chains: every projection takes
			// its spikes from the batch with no delay.
			row.check = func(t *testing.T, threads int, output string) {
				if threads < 2 {
					return
				}
				var jobs, chained int
				_, err := fmt.Sscanf(output, "snnrt: %d population jobs, %d of them in chains after the first", &jobs, &chained)
				require.NoError(t, err, "%s", output)
				require.Greater(t, chained, jobs/3, "CUBA's population jobs in chains at %d threads", threads)
			}
		}
		ref := conform(t, row)
		// Without fuse, the interpreter records the same bytes
		// (TestPassesKeepResults): the row's reference serves.
		nofuse := conformFile(name+"-nofuse", f, without("fuse")).onLLVM(1, 2)
		nofuse.longest, nofuse.env, nofuse.reference = goldenDurationOf(name), stressThreads, ref
		if ref != nil {
			conform(t, nofuse)
		}

		if why, ok := notQuantizable[name]; ok {
			t.Logf("%s: no quantized rows: %s", name, why)
			continue
		}
		// One calibration serves both widths, as it would serve two
		// builds with the same passes.
		var ranges map[string][2]float64
		quantized := func(suffix string, width int, longest float64) conformCase {
			return conformCase{name: name + "-" + suffix, threads: []int{1, 2}, longest: longest,
				compile: func(t *testing.T) (*lang.Program, *ir.Module) {
					if ranges == nil {
						ranges = calibration(t, f, driver.Options{})
					}
					prog, err := driver.Load(f)
					require.NoError(t, err)
					return prog, quantizedWith(t, f, width, driver.Options{}, ranges)
				}}
		}
		int16 := quantized("int16", 16, min(0.5, goldenDurationOf(name)))
		if slices.Contains(rtlExamples, name) {
			int16.rtl, int16.rtlSteps = "verilator", 3000
		}
		conform(t, int16)
		conform(t, quantized("fixed", ir.QuantizeFixed, min(0.1, goldenDurationOf(name))))
		if name == "dendrites" {
			o := without("fuse")
			o.Quantize = 16
			row := conformFile(name+"-int16-nofuse", f, o).onLLVM(1)
			row.longest = 0.1
			conform(t, row)
		}
	}

	rtlOnly := func(name, src, simulator string) conformCase {
		c := conformSource(name, src, driver.Options{Quantize: 16})
		c.rtl = simulator
		return c
	}
	conform(t, rtlOnly("stdp_small-int16", scaledExample(t, "stdp_song2000", "poisson[1000]", "poisson[500]", "SongLIF[1]", "SongLIF[2]",
		"rate = 15 Hz", "rate = 30 Hz", "duration = 100 s", "duration = 1 s"), "verilator"))
	conform(t, rtlOnly("cuba_small-int16", scaledExample(t, "cuba", "CubaLIF[3200]", "CubaLIF[320]", "CubaLIF[800]", "CubaLIF[80]",
		"p_connect = 0.02", "p_connect = 0.2", "duration = 1 s", "duration = 200 ms"), "verilator"))
	conform(t, rtlOnly("net-int16", rtlNetwork, "iverilog"))
	for seed := range uint64(6) {
		conform(t, rtlOnly(fmt.Sprintf("random%d-int16", seed), randomNetwork(seed), "iverilog"))
	}
}
