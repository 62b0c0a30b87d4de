package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
	"snnc/runtime"
)

// requireNativeTools skips a test when opt, llc or cc are missing, except
// in CI, where make test installs them and their absence is a failure.
func requireNativeTools(t *testing.T) {
	t.Helper()
	if missing := llvm.MissingTools(); len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %v: tests/install-deps.sh should have installed them", missing)
		}
		t.Skipf("missing %v (Debian: apt-get install llvm gcc)", missing)
	}
}

// TestNativeEqualsInterp builds every example for the native target and
// compares its recordings with the interpreter's, byte for byte, at one
// two and three threads, and built without the fuse pass, over the golden
// runs' duration.
func TestNativeEqualsInterp(t *testing.T) {
	requireNativeTools(t)
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		t.Run(name+"/llvm", func(t *testing.T) {
			prog, err := lang.LoadFile(f)
			require.NoError(t, err)
			m := compileFile(t, f)
			duration := min(m.Run.Duration, goldenDuration)
			res := run(t, m, interp.Options{Duration: duration})
			want := outputBytes(t, m, res)
			dir := t.TempDir()
			require.NoError(t, runtime.Write(filepath.Join(dir, "interp"), m.Run.Dt, res.Spikes, res.States, res.Summary))

			o := nativeOptions(prog)
			// The default pipeline at 1, 2 and 3 threads, and without the
			// fuse pass (separate update, threshold and reset kernels, run
			// by other paths of the runtime) at 1 and 2.
			for _, variant := range []struct {
				disable []string
				threads []int
			}{{nil, []int{1, 2, 3}}, {[]string{"fuse"}, []int{1, 2}}} {
				vm := m
				if variant.disable != nil {
					vm = compileWith(t, f, passes.Options{Verify: true, Disable: variant.disable})
				}
				p, err := llvm.Emit(vm, o)
				require.NoError(t, err)
				vdir := filepath.Join(dir, "build"+strings.Join(variant.disable, ","))
				exe := filepath.Join(vdir, name)
				require.NoError(t, llvm.Build(p, filepath.Join(vdir, "build"), exe, o))
				for _, threads := range variant.threads {
					what := fmt.Sprintf("at %d threads, passes disabled: %v", threads, variant.disable)
					out := filepath.Join(vdir, "out"+strconv.Itoa(threads))
					cmd := exec.Command(exe, "-q", "--out", out, "--threads", strconv.Itoa(threads),
						"--duration", strconv.FormatFloat(duration, 'g', -1, 64)+"s")
					if threads > 1 {
						// Split every kernel and every delivery, however
						// small, so that the threaded paths run on these
						// small models, and move the threads' parts'
						// boundaries every few population jobs (three
						// threads have two boundaries to move), which
						// also ends a chain of fused steps that often;
						// print how many jobs ran in chains.
						cmd.Env = append(os.Environ(), "SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1",
							"SNNRT_BALANCE_JOBS="+strconv.Itoa(threads+1), "SNNRT_POOL_STATS=1")
					}
					if threads > 2 {
						// The workers come late to every third population
						// job, and the main thread runs their parts, in
						// chains too.
						cmd.Env = append(cmd.Env, "SNNRT_LATE_WORKERS=1")
					}
					msg, err := cmd.CombinedOutput()
					require.NoError(t, err, "%s", msg)
					if name == "cuba" && threads > 1 && variant.disable == nil {
						// CUBA's fused steps run in chains: every
						// projection takes its spikes from the batch with
						// no delay.
						var jobs, chained int
						_, err := fmt.Sscanf(string(msg), "snnrt: %d population jobs, %d of them in chains after the first",
							&jobs, &chained)
						require.NoError(t, err, "%s", msg)
						require.Greater(t, chained, jobs/3, "CUBA's population jobs in chains, %s", what)
					}
					for file, data := range want {
						got, err := os.ReadFile(filepath.Join(out, file))
						require.NoError(t, err)
						require.True(t, bytes.Equal(data, got), "%s differs from the interpreter's %s", file, what)
					}
					require.Equal(t, summaryCounts(t, filepath.Join(dir, "interp", "summary.json")),
						summaryCounts(t, filepath.Join(out, "summary.json")), "summary.json %s", what)
				}
			}
		})
	}
}

// summaryCounts is what summary.json says about the run, without the
// fields that may differ between backends: the wall time, the target and
// the model's path.
func summaryCounts(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(data, &s))
	for _, k := range []string{"wall_seconds", "target", "model"} {
		require.Contains(t, s, k)
		delete(s, k)
	}
	require.Contains(t, s, "synaptic_events")
	return s
}

// nativeOptions are the LLVM backend's options for a program, as snnc
// build makes them.
func nativeOptions(prog *lang.Program) llvm.Options {
	o := llvm.Options{Dims: map[string][6]int8{}}
	for n, d := range prog.RuntimeParams() {
		o.Dims[n] = d
	}
	for _, u := range lang.Units() {
		o.Units = append(o.Units, llvm.Unit{Name: u.Name, Scale: u.Scale, Dim: u.Dim})
	}
	return o
}

// runNative builds m for the native target in dir and runs it with args,
// returning the output directory.
func runNative(t *testing.T, prog *lang.Program, m *ir.Module, dir string, args ...string) string {
	t.Helper()
	o := nativeOptions(prog)
	p, err := llvm.Emit(m, o)
	require.NoError(t, err)
	exe := filepath.Join(dir, "model")
	require.NoError(t, llvm.Build(p, filepath.Join(dir, "build"), exe, o))
	out := filepath.Join(dir, "out")
	msg, err := exec.Command(exe, append([]string{"-q", "--out", out}, args...)...).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	return out
}

// requireNativeSame builds a model natively from its source, runs it
// with args, and requires every file of want, byte for byte.
func requireNativeSame(t *testing.T, name, src string, m *ir.Module, want map[string][]byte, args ...string) {
	t.Helper()
	requireNativeTools(t)
	prog, err := (&lang.Loader{}).Load(name, []byte(src))
	require.NoError(t, err)
	out := runNative(t, prog, m, t.TempDir(), args...)
	for file, data := range want {
		native, err := os.ReadFile(filepath.Join(out, file))
		require.NoError(t, err)
		require.True(t, slices.Equal(data, native), "%s differs on the native target (%s)", file, strings.Join(args, " "))
	}
}

// TestQuantizedNativeEqualsInterp runs every example quantized to 16 bits
// and with --quantize=fixed (calibrated as snnc --quantize does) on both
// targets, at one and two threads, and compares every output file byte
// for byte: the native runtime's fixed point (runtime/c/fixed.c) and
// dither draws are the interpreter's, at every width fixed chooses.
func TestQuantizedNativeEqualsInterp(t *testing.T) {
	requireNativeTools(t)
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		ranges := calibration(t, f)
		for _, width := range []int{16, ir.QuantizeFixed} {
			// fixed runs shorter: what it adds is the mix of widths.
			longest, suffix := 0.5, "int16"
			if width == ir.QuantizeFixed {
				longest, suffix = 0.1, "fixed"
			}
			t.Run(name+"/"+suffix, func(t *testing.T) {
				m := quantizedWith(t, f, width, ranges)
				duration := min(m.Run.Duration, longest)
				want := outputBytes(t, m, run(t, m, interp.Options{Duration: duration}))
				prog, err := lang.LoadFile(f)
				require.NoError(t, err)
				dir := t.TempDir()
				for _, threads := range []string{"1", "2"} {
					out := runNative(t, prog, m, filepath.Join(dir, threads), "--threads", threads,
						"--duration", strconv.FormatFloat(duration, 'g', -1, 64)+"s")
					for file, data := range want {
						got, err := os.ReadFile(filepath.Join(out, file))
						require.NoError(t, err)
						require.True(t, bytes.Equal(data, got), "%s differs from the interpreter's at %s threads", file, threads)
					}
				}
			})
		}
	}
}

// readsPre is CUBA-like, with a projection whose on_pre reads its pre
// neuron's state (pre.v), and exc and inh of one neuron type (one group
// after the fuse pass). No refractoriness: a neuron's v changes in the
// step after its spike, so reading it after its update gives another
// value.
const readsPre = `
neuron LIF {
    param tau_m: ms = 20 ms
    param tau_e: ms = 5 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    state v: mV = uniform(v_r, v_t)
    state ge: mV = 0 mV
    dv/dt = (ge - (v - (-49 mV))) / tau_m
    dge/dt = -ge / tau_e
    threshold v > v_t
    reset { v = v_r }
    method exact
}
synapse Plain { param w: mV = 0.02 mV  on pre { post.ge += w } }
synapse ReadsPre { param w: mV = 0.02 mV  on pre { post.ge += w + 0.5 * (pre.v - pre.v_r) } }
population exc = LIF[1600]
population inh = LIF[400]
connect ee: exc -> exc using Plain by fixed_probability(0.02)
connect ei: exc -> inh using ReadsPre by fixed_probability(0.02)
connect ie: inh -> exc using Plain by fixed_probability(0.02)
monitor spikes exc
monitor spikes inh
run { duration = 200 ms  dt = 0.1 ms  seed = 2 }
`

// TestNativeReadsPre: a projection that reads its pre neuron's state is
// delivered on one thread. Split, another thread's part could have
// updated that neuron already (in a fused step) or be delivering onto it;
// the results then differed from the interpreter's from run to run. Late
// workers make it certain: the main thread runs their parts after its
// own, whose neurons it has updated.
func TestNativeReadsPre(t *testing.T) {
	requireNativeTools(t)
	prog, err := (&lang.Loader{}).Load("reads_pre.snn", []byte(readsPre))
	require.NoError(t, err)
	m := lang.Lower(prog)
	require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
	want := outputBytes(t, m, run(t, m, interp.Options{}))
	o := nativeOptions(prog)
	p, err := llvm.Emit(m, o)
	require.NoError(t, err)
	dir := t.TempDir()
	exe := filepath.Join(dir, "model")
	require.NoError(t, llvm.Build(p, filepath.Join(dir, "build"), exe, o))
	for _, threads := range []string{"2", "3"} {
		out := filepath.Join(dir, "out"+threads)
		cmd := exec.Command(exe, "-q", "--out", out, "--threads", threads)
		cmd.Env = append(os.Environ(), "SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1", "SNNRT_LATE_WORKERS=1")
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", msg)
		for file, data := range want {
			got, err := os.ReadFile(filepath.Join(out, file))
			require.NoError(t, err)
			require.True(t, bytes.Equal(data, got), "%s differs from the interpreter's at %s threads", file, threads)
		}
	}
}
