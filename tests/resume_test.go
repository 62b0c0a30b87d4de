package tests

// Checkpoint and resume (spec/runtime.md): a run of 2T in one go and a run
// of T resumed for T more write the same bytes, every file summary.json
// lists (checkpoint and raw files too), and the same summary but for
// wall_seconds and resumed_from. The oracle is the one long run, which
// knows nothing of checkpoints: any state a checkpoint fails to carry
// (a queued spike, a trace's last event, a Poisson source's next spike, a
// refractory end) changes the steps after the cut.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/runtime"
)

// resumeT is the cut of the examples' runs: 100 steps at their dt of
// 0.1 ms, the whole test of every example well under a minute.
const resumeT = 0.01

// runTo runs m for duration seconds on the interpreter (from c, if not
// nil) with a checkpoint, writes it into a new directory and returns it.
func runTo(t *testing.T, m *ir.Module, duration float64, c *runtime.Checkpoint) string {
	t.Helper()
	return runInto(t, t.TempDir(), m, duration, c)
}

// runInto is runTo into dir.
func runInto(t *testing.T, dir string, m *ir.Module, duration float64, c *runtime.Checkpoint) string {
	t.Helper()
	res, err := interp.Run(m, interp.Options{Duration: duration, Checkpoint: true, Resume: c})
	require.NoError(t, err)
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	return dir
}

// requireSameRun requires dir got to hold what dir want holds: every file
// want's summary.json lists, byte for byte, and the same summary.json but
// for wall_seconds, resumed_from and the target (the runs compared may be
// native and interpreted).
func requireSameRun(t *testing.T, want, got, what string) {
	t.Helper()
	summary := func(dir string) map[string]any {
		data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		require.NoError(t, err)
		var s map[string]any
		require.NoError(t, json.Unmarshal(data, &s))
		delete(s, "wall_seconds")
		delete(s, "resumed_from")
		delete(s, "target")
		delete(s, "threads") // runs at several thread counts are compared
		return s
	}
	ws, gs := summary(want), summary(got)
	require.Equal(t, ws, gs, "summary.json %s", what)
	files := ws["files"].([]any)
	require.Contains(t, files, runtime.CheckpointName)
	for _, f := range files {
		name := f.(string)
		if name == "summary.json" {
			continue
		}
		a, err := os.ReadFile(filepath.Join(want, name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(got, name))
		require.NoError(t, err)
		require.True(t, slices.Equal(a, b), "%s differs %s", name, what)
	}
}

// resumeInterp runs m for 2T and for T resumed for T on the interpreter,
// requires the same files, and returns the long run's directory and the
// checkpoint at T. The long run is in a directory of the parent test's
// (pt), so that it outlives t.
func resumeInterp(t, pt *testing.T, m *ir.Module, T float64) (long, cut string) {
	t.Helper()
	long = runInto(t, pt.TempDir(), m, 2*T, nil)
	cut = runTo(t, m, T, nil)
	c, err := runtime.ReadCheckpoint(cut)
	require.NoError(t, err)
	resumed := runTo(t, m, T, c)
	requireSameRun(t, long, resumed, "between 2T and T + T")
	return long, cut
}

// TestResumeExamples resumes every example on the interpreter, then
// natively at 1 and 3 threads (resumeNative), against the interpreter's
// one run of 2T.
func TestResumeExamples(t *testing.T) {
	// Bytes only, no timing: it runs beside the other long tests.
	t.Parallel()
	tt := t
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		m := compileFile(t, f)
		var long string
		t.Run(name+"/interp", func(t *testing.T) {
			long, _ = resumeInterp(t, tt, m, resumeT)
		})
		t.Run(name+"/llvm", func(t *testing.T) {
			if long == "" {
				t.Skip("no reference: the interpreter's run failed")
			}
			resumeNative(t, f, m, resumeT, long, 1, 3)
		})
	}
}

// resumeNet has what a checkpoint must carry besides state variables:
// white noise (keyed by step), spikes in flight at the cut on a 12 ms
// delay and on per-synapse delays, refractory neurons, and a spike-times
// input with spikes on both sides of the cut.
const resumeNet = `
param sigma: 1/sqrt(ms) = 0.5 / sqrt(ms)
neuron NoisyLIF {
    state v = 0
    state ge = 0
    dv/dt = (ge - v) / (10 ms) + sigma * xi
    dge/dt = -ge / (5 ms)
    threshold v > 1
    reset { v = 0 }
    refractory 3 ms
}
synapse Slow {
    param w = 0.3
    delay 12 ms
    on pre { post.ge += w }
}
synapse Spread {
    param w = 0.5
    on pre { post.ge += w }
}
input kick = spikes[3] { times = [(0, 1 ms), (1, 9.9 ms), (2, 10 ms), (0, 15 ms)] }
population cells = NoisyLIF[100]
connect rec: cells -> cells using Slow by fixed_probability(0.1)
connect k: kick -> cells using Spread by all_to_all { delay = 1 ms + j * 0.1 ms }
monitor spikes cells
monitor state cells.v[0:3]
run { duration = 40 ms  dt = 0.1 ms  seed = 5 }
`

// TestResumeInFlight cuts resumeNet where spikes are queued, and the
// recurrent network of pathways, traces, plasticity and Poisson inputs of
// pathway_test.go, floating point and quantized; on the interpreter and
// natively at 1 and 3 threads.
func TestResumeInFlight(t *testing.T) {
	dir := t.TempDir()
	file := func(t *testing.T, name, src string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
		return path
	}
	net := file(t, "resume.snn", resumeNet)
	m := compileFile(t, net)
	long, cut := resumeInterp(t, t, m, 0.01)
	resumeNative(t, net, m, 0.01, long, 1, 3)
	c, err := runtime.ReadCheckpoint(cut)
	require.NoError(t, err)
	// The cut is where the oracle needs it: spikes in flight on both
	// projections.
	for _, q := range []string{"queue.due:rec", "queue.due:k"} {
		require.NotEmpty(t, c.Array(q).I64, "%s: no spikes in flight at the cut", q)
	}
	for name, o := range map[string]driver.Options{"float": {}, "int16": {Quantize: 16}} {
		t.Run("pathways/"+name, func(t *testing.T) {
			path := file(t, "pathways-"+name+".snn", pathwayNet)
			m := compileWith(t, path, o)
			long, cut := resumeInterp(t, t, m, 0.05)
			resumeNative(t, path, m, 0.05, long, 1, 3)
			c, err := runtime.ReadCheckpoint(cut)
			require.NoError(t, err)
			require.NotEmpty(t, c.Array("queue.due:rec.slow").I64, "no spikes in flight on the slow pathway at the cut")
		})
	}
}

// TestResumeQuantized resumes examples quantized to 16 bits and with a
// width per variable: the checkpoint holds their raw integers. Natively
// too, at 2 threads, for 16 bits.
func TestResumeQuantized(t *testing.T) {
	for _, name := range []string{"stdp_song2000", "dendrites"} {
		for _, q := range []int{16, ir.QuantizeFixed} {
			t.Run(fmt.Sprintf("%s/%d", name, q), func(t *testing.T) {
				path := "../examples/" + name + ".snn"
				m := compileWith(t, path, driver.Options{Quantize: q})
				long, _ := resumeInterp(t, t, m, resumeT)
				if q == 16 {
					resumeNative(t, path, m, resumeT, long, 2)
				}
			})
		}
	}
}

// A resume with --set continues with the parameter's new value: the
// prepare kernels run again, so a time constant changed at the cut
// changes the propagators too. The oracle: the same run resumed from the
// same checkpoint with the model's default written as the new value.
func TestResumeSetRecomputesPrepare(t *testing.T) {
	src := strings.Replace(resumeNet, "neuron NoisyLIF {", "runtime param tau_e: ms = 5 ms\nneuron NoisyLIF {", 1)
	src = strings.Replace(src, "dge/dt = -ge / (5 ms)", "dge/dt = -ge / tau_e", 1)
	m := compileSource(t, "resume.snn", src)
	cut := runTo(t, m, 0.01, nil)
	c, err := runtime.ReadCheckpoint(cut)
	require.NoError(t, err)
	res, err := interp.Run(m, interp.Options{Duration: 0.01, Resume: c, Set: map[string]float64{"tau_e": 2e-3}})
	require.NoError(t, err)
	m2 := compileSource(t, "resume.snn", strings.Replace(src, "tau_e: ms = 5 ms", "tau_e: ms = 2 ms", 1))
	// The checkpoint's model differs from m2 only in the default, which
	// the fingerprint sees: give m2's checkpoint its fingerprint.
	c2 := *c
	c2.Fingerprint, c2.IR = m2.Fingerprint()
	res2, err := interp.Run(m2, interp.Options{Duration: 0.01, Resume: &c2})
	require.NoError(t, err)
	require.Equal(t, res2.States[0].Values, res.States[0].Values)
	res3, err := interp.Run(m, interp.Options{Duration: 0.01, Resume: c})
	require.NoError(t, err)
	require.NotEqual(t, res3.States[0].Values, res.States[0].Values, "--set changed nothing")
}

// resumeNative runs m natively for T and resumes it for T at each of
// threads (from 2 on with the runtime's jobs split as finely as it
// allows), and requires the interpreter's one run of 2T in long: the
// executable writes the checkpoint the interpreter writes, and continues
// it the same. At 1 thread the interpreter also resumes the native
// checkpoint, the other way round.
func resumeNative(t *testing.T, path string, m *ir.Module, T float64, long string, threads ...int) {
	requireNativeTools(t)
	prog, err := driver.Load(path)
	require.NoError(t, err)
	exe := buildNative(t, prog, m, t.TempDir())
	cutAt := strconv.FormatFloat(T, 'g', -1, 64) + "s"
	for _, n := range threads {
		dir := t.TempDir()
		run := func(args ...string) {
			cmd := exec.Command(exe, append([]string{"-q", "--threads", strconv.Itoa(n), "--duration", cutAt}, args...)...)
			cmd.Env = append(os.Environ(), stressThreads(n)...)
			msg, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", msg)
		}
		cut, resumed := filepath.Join(dir, "cut"), filepath.Join(dir, "resumed")
		run("--out", cut)
		run("--out", resumed, "--resume", cut)
		requireSameRun(t, long, resumed, "natively at "+strconv.Itoa(n)+" threads")
		if n == 1 {
			c, err := runtime.ReadCheckpoint(cut)
			require.NoError(t, err)
			requireSameRun(t, long, runTo(t, m, T, c), "resumed by the interpreter from a native checkpoint")
		}
	}
}

// numpy, an independent reader, loads every raw file of a checkpoint with
// the dtype and shape checkpoint.json lists, and finds in it what the
// final state and the recordings say: v as state/cells.v.npy holds it,
// and the spike count of the monitor's recording.
func TestCheckpointNumpy(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skipf("no numpy in /usr/bin/python3: %v", err)
	}
	m := compileSource(t, "resume.snn", resumeNet)
	dir := runTo(t, m, 0.02, nil)
	script := `import json, sys, numpy as np
d = sys.argv[1]
c = json.load(open(d + "/state/checkpoint.json"))
bad = [e["name"] for e in c["raw"] if (str(np.load(d + "/state/" + e["file"]).dtype), list(np.load(d + "/state/" + e["file"]).shape)) != (e["dtype"], e["shape"])]
raw = {e["name"]: np.load(d + "/state/" + e["file"]) for e in c["raw"]}
counts = {s["name"]: s["spikes"] for s in c["spikes"]}
print(json.dumps({"bad": bad, "steps": c["steps"], "v": bool(np.array_equal(raw["var:cells:v"], np.load(d + "/state/cells.v.npy"))),
    "spikes": counts["cells"] == len(np.load(d + "/cells_spikes.t.npy")), "n": len(c["raw"])}))`
	out, err := exec.Command("/usr/bin/python3", "-c", script, dir).Output()
	require.NoError(t, err)
	var got struct {
		Bad       []string
		Steps, N  int
		V, Spikes bool
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Empty(t, got.Bad, "raw files whose dtype or shape is not the listed one")
	require.Equal(t, 200, got.Steps)
	require.Greater(t, got.N, 5)
	require.True(t, got.V, "var:cells:v differs from state/cells.v.npy")
	require.True(t, got.Spikes, "the checkpoint's spike count differs from the recording's")
}

// A run interrupted (SIGINT, SIGTERM: Options.Stop) leaves a checkpoint of
// the steps it ran, K, which a resume continues: K steps and then the
// rest are one whole run.
func TestResumeInterrupted(t *testing.T) {
	m := compileSource(t, "resume.snn", resumeNet)
	long := runTo(t, m, 0.3, nil)
	stop := new(atomic.Bool)
	// Progress comes before steps 0, 1024, ...: the run stops before
	// step 1025.
	res, err := interp.Run(m, interp.Options{Duration: 0.3, Checkpoint: true, Stop: stop,
		Progress: func(done, _ int64) { stop.Store(done >= 1024) }})
	require.NoError(t, err)
	require.True(t, res.Summary.Interrupted)
	require.EqualValues(t, 1025, *res.Summary.StepsDone)
	cut := t.TempDir()
	require.NoError(t, runtime.Write(cut, m.Run.Dt, res.Spikes, res.States, res.Summary))
	c, err := runtime.ReadCheckpoint(cut)
	require.NoError(t, err)
	require.EqualValues(t, 1025, c.Steps)
	requireSameRun(t, long, runTo(t, m, 0.3-0.1025, c), "between one run and an interrupted one resumed")
}

// Schedules (at, every), a protocol's phases (their code and monitor
// windows), timed arrays and Poisson rates that change by phase are keyed
// by absolute steps: a resume cut inside them, on the interpreter and
// natively, continues them as one run.
func TestResumeSchedules(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, src string
		T         float64
	}{
		{"scheduled", scheduled, 0.003},
		{"phased", phased, 0.025},
		{"timed", timedArrays, 0.0025},
		{"phase_rates", phaseRates, 2.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".snn")
			require.NoError(t, os.WriteFile(path, []byte(c.src), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "grid.csv"), []byte("1,10\n2,20\n3,30\n"), 0o644))
			m := compileFile(t, path)
			long, _ := resumeInterp(t, t, m, c.T)
			resumeNative(t, path, m, c.T, long, 2)
		})
	}
}
