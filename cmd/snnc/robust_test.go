package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/llvm"
	"snnc/runtime/npy"
)

// The tests of this file run snnc as a user does: in this process, or,
// where a signal has to reach it, as a child process (this test binary
// with SNNC_TEST_AS_SNNC set runs main's run on its arguments).
func TestMain(m *testing.M) {
	if os.Getenv("SNNC_TEST_AS_SNNC") != "" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	if sharedCacheDir != "" {
		os.RemoveAll(sharedCacheDir)
	}
	os.Exit(code)
}

var (
	sharedCacheOnce sync.Once
	sharedCacheDir  string
)

// sharedCache is one native build cache for the tests that do not test
// the cache itself: the runtime library is compiled once.
func sharedCache(t *testing.T) string {
	t.Helper()
	sharedCacheOnce.Do(func() {
		dir, err := os.MkdirTemp("", "snnc-test-cache-")
		require.NoError(t, err)
		sharedCacheDir = dir
	})
	return sharedCacheDir
}

// needNative skips a test without opt, llc, cc and ar.
func needNative(t *testing.T) {
	t.Helper()
	if missing := llvm.MissingTools(); len(missing) > 0 {
		t.Skipf("missing %v", missing)
	}
}

func writeModel(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

// A model that diverges records its NaNs as the one canonical NaN on
// both targets, the same bytes, and warns once per monitor, at the first
// sample that is not finite, with the same words on both targets.
func TestNonFiniteRecordings(t *testing.T) {
	needNative(t)
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	path := writeModel(t, dir, "div.snn", `neuron D {
    state v = 1
    let d = v - v
    dv/dt = v * v / (1 ms)
    method euler
}
population p = D[2]
monitor state p.v
monitor state p.d
run { duration = 5 ms }
`)
	// Euler: v(k+1) = v(k) + dt·v(k)²/tau overflows at a step found here,
	// independently; d = v - v is then Inf - Inf, a NaN.
	firstInf := int64(0)
	for v := 1.0; !math.IsInf(v, 0); firstInf++ {
		v += 1e-4 * v * v / 1e-3
	}
	stderrs := map[string]string{}
	for _, target := range []string{"interp", "llvm"} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"run", "-q", "--target", target, "--out", filepath.Join(dir, target), path}, &stdout, &stderr), stderr.String())
		stderrs[target] = stderr.String()
		a, err := npy.ReadFile(filepath.Join(dir, target, "p_d.npy"))
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join(dir, target, "p_d.npy"))
		require.NoError(t, err)
		data := raw[len(raw)-8*len(a.Data):]
		nans := 0
		for n := range a.Data {
			bits := binary.LittleEndian.Uint64(data[8*n:])
			if math.IsNaN(math.Float64frombits(bits)) {
				nans++
				require.Equal(t, uint64(0x7ff8000000000000), bits, "%s: NaN %d", target, n)
			}
		}
		require.Positive(t, nans, target)
	}
	for _, f := range []string{"p_v.npy", "p_d.npy"} {
		a, err := os.ReadFile(filepath.Join(dir, "interp", f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir, "llvm", f))
		require.NoError(t, err)
		require.Equal(t, a, b, f)
	}
	assert.Equal(t, stderrs["interp"], stderrs["llvm"])
	lines := strings.Split(strings.TrimSpace(stderrs["interp"]), "\n")
	require.Len(t, lines, 2, stderrs["interp"])
	assert.Contains(t, lines[0], "warning: monitor p_v: p.v is +Inf at t = ")
	assert.Contains(t, lines[0], "(step "+strconv.FormatInt(firstInf, 10)+", element 0)")
	assert.Contains(t, lines[1], "warning: monitor p_d: p.d is NaN at t = ")
	assert.Contains(t, lines[1], "(step "+strconv.FormatInt(firstInf, 10)+", element 0)")
}

// within runs f and fails the test if it has not returned in d: a
// regression that blocks must fail, not hang the suite.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// A data file must be a regular file (links followed), as an import
// must: a named pipe would block the run forever, a link to /dev/zero
// would be read until memory runs out. Both are positioned errors of
// check and run, exit 1.
func TestDataFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "rates.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.csv")))
	for _, c := range []struct{ file, kind string }{{"rates.csv", "a named pipe"}, {"zero.csv", "a character device"}} {
		path := writeModel(t, dir, strings.TrimSuffix(c.file, ".csv")+".snn", `neuron N {
    state v = 0
    dv/dt = -v / (10 ms)
}
population p = N[2]
input drive = poisson[2] { rates = "`+c.file+`"; period = 1 ms }
connect drive -> p { rule = one_to_one; on_pre { v += 1 } }
monitor spikes drive
run { duration = 1 ms }
`)
		for _, cmd := range []string{"check", "run"} {
			within(t, 20*time.Second, func() {
				var stdout, stderr bytes.Buffer
				args := []string{cmd, path}
				if cmd == "run" {
					args = []string{cmd, "-q", "--out", filepath.Join(dir, "out"), path}
				}
				code := run(args, &stdout, &stderr)
				assert.Equal(t, exitModel, code, "%s %s: %s", cmd, c.file, stderr.String())
				assert.Regexp(t, regexp.QuoteMeta(filepath.Base(path))+`:6:\d+: error: data file "`+c.file+`" .*not a regular file \(`+c.kind+`\)`, stderr.String())
			})
		}
	}
}

// The native build cache verifies each entry at every use: a truncated
// executable, one replaced by a program that writes nothing, and an entry
// whose build never sealed it are built again, and the run gives the
// recordings.
func TestCacheVerifiesEntries(t *testing.T) {
	needNative(t)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	t.Setenv("XDG_CACHE_HOME", cache)
	lif := "../../examples/lif_current.snn"
	runOnce := func(name string) {
		t.Helper()
		out := filepath.Join(dir, name)
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"run", "-q", "--target=llvm", "--duration", "20ms", "--out", out, lif}, &stdout, &stderr), stderr.String())
		_, err := os.Stat(filepath.Join(out, "cell_v.npy"))
		require.NoError(t, err, "run %s wrote no recordings", name)
	}
	runOnce("first")
	exes, err := filepath.Glob(filepath.Join(cache, "snnc", "*", "model"))
	require.NoError(t, err)
	require.Len(t, exes, 1)
	exe := exes[0]
	good, err := os.ReadFile(exe)
	require.NoError(t, err)

	// Truncated: was "exec format error" in every later run.
	require.NoError(t, os.Truncate(exe, int64(len(good)/2)))
	runOnce("truncated")
	// Replaced by a program that exits 0 and writes nothing.
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	runOnce("empty")
	// Unsealed: the hash is written last, so its absence is a build
	// that did not finish.
	require.NoError(t, os.Remove(exe+".sha256"))
	runOnce("unsealed")
	again, err := os.ReadFile(exe)
	require.NoError(t, err)
	require.Equal(t, good, again, "the rebuilt executable")

	// One that verifies (sealed as it is) but ends well without writing
	// summary.json is refused, exit 1, and evicted: the next run builds.
	fake := filepath.Join(dir, "fake-model")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	require.NoError(t, llvm.Install(fake, exe))
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitModel, run([]string{"run", "-q", "--target=llvm", "--duration", "20ms", "--out", filepath.Join(dir, "fake"), lif}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "ended without writing")
	require.NoFileExists(t, exe)
	runOnce("after the fake")

	// The runtime library is verified the same way.
	libs, err := filepath.Glob(filepath.Join(cache, "snnc", "runtime-*", "libsnnrt.a"))
	require.NoError(t, err)
	require.Len(t, libs, 1)
	require.NoError(t, os.Truncate(libs[0], 100))
	require.NoError(t, os.Remove(exe+".sha256")) // so that the model is linked again
	runOnce("library")
}

// Without HOME or XDG_CACHE_HOME the cache is snnc-cache-UID in the
// temporary directory, made private (0700); one that is a link, or that
// others may enter, is refused with a message, exit 1.
func TestCacheWithoutHome(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("TMPDIR", tmp)
	root, err := llvm.CacheRoot()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(tmp, "snnc-cache-"+strconv.Itoa(os.Getuid())), root)
	st, err := os.Lstat(root)
	require.NoError(t, err)
	require.True(t, st.IsDir())
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())

	require.NoError(t, os.Chmod(root, 0o777))
	_, err = llvm.CacheRoot()
	require.ErrorContains(t, err, "lets other users in")
	require.NoError(t, os.Remove(root))
	require.NoError(t, os.Symlink(t.TempDir(), root))
	_, err = llvm.CacheRoot()
	require.ErrorContains(t, err, "not a directory")

	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitModel, run([]string{"run", "-q", "--target=llvm", "--out", filepath.Join(tmp, "o"), "../../examples/lif_current.snn"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "remove it, or set XDG_CACHE_HOME or HOME")
}

// A long run that SIGINT or SIGTERM interrupts writes what it recorded
// (every file loads, its header consistent with its data, and holds the
// steps before the interruption), says so in summary.json, and ends with
// 128 + the signal's number; on both targets, the native one through
// snnc, which passes the signal on. 5000 neurons at two threads: the
// native steps run in chains (spec/native.md), which the signal cuts.
func TestInterruptedRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	path := writeModel(t, dir, "long.snn", `neuron N {
    param drive = 1.5
    state v = uniform(0, 1)
    dv/dt = (drive - v) / (10 ms)
    threshold v > 1
    reset { v = 0 }
}
population p = N[5000]
monitor spikes p
monitor state p.v[0:3] every 7
run { duration = 10000 s }
`)
	const steps, every, dt = 100_000_000, 7, 1e-4
	cases := []struct {
		target string
		sig    syscall.Signal
	}{{"interp", syscall.SIGINT}, {"interp", syscall.SIGTERM}, {"llvm", syscall.SIGINT}, {"llvm", syscall.SIGTERM}}
	for _, c := range cases {
		t.Run(c.target+"/"+c.sig.String(), func(t *testing.T) {
			if c.target == "llvm" {
				needNative(t)
				// Built before, so that the signal reaches a running model.
				var stdout, stderr bytes.Buffer
				require.Equal(t, exitOK, run([]string{"run", "-q", "--target=llvm", "--duration", "1ms", "--out", filepath.Join(dir, "warm"), path}, &stdout, &stderr), stderr.String())
			}
			out := filepath.Join(dir, c.target+c.sig.String())
			args := []string{"run", "-q", "--target", c.target, "--out", out, path}
			if c.target == "llvm" {
				args = append(args, "--threads", "2") // the interpreter refuses them
			}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "SNNC_TEST_AS_SNNC=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			time.Sleep(1500 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(c.sig))
			within(t, 60*time.Second, func() { _ = cmd.Wait() })
			require.Equal(t, 128+int(c.sig), cmd.ProcessState.ExitCode(), stderr.String())
			assert.Contains(t, stderr.String(), "interrupted by "+map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[c.sig])

			data, err := os.ReadFile(filepath.Join(out, "summary.json"))
			require.NoError(t, err)
			var sum struct {
				Interrupted bool   `json:"interrupted"`
				Steps       int64  `json:"steps"`
				StepsDone   *int64 `json:"steps_done"`
				Populations []struct {
					Spikes int64 `json:"spikes"`
				} `json:"populations"`
			}
			require.NoError(t, json.Unmarshal(data, &sum))
			require.True(t, sum.Interrupted, "%s", data)
			require.NotNil(t, sum.StepsDone)
			done := *sum.StepsDone
			require.Equal(t, int64(steps), sum.Steps)
			require.True(t, done > 0 && done < steps, "steps_done %d", done)

			ts, err := npy.ReadFile(filepath.Join(out, "p_spikes.t.npy"))
			require.NoError(t, err)
			is, err := npy.ReadFile(filepath.Join(out, "p_spikes.i.npy"))
			require.NoError(t, err)
			require.Equal(t, len(ts.Data), len(is.Data))
			require.Equal(t, sum.Populations[0].Spikes, int64(len(ts.Data)))
			require.NotEmpty(t, ts.Data)
			require.Less(t, ts.Data[len(ts.Data)-1], float64(done)*dt+dt/2, "a spike after the steps run")
			vt, err := npy.ReadFile(filepath.Join(out, "p_v.t.npy"))
			require.NoError(t, err)
			v, err := npy.ReadFile(filepath.Join(out, "p_v.npy"))
			require.NoError(t, err)
			rows := int((done + every - 1) / every) // samples at 0, 7, 14, ... below done
			require.Equal(t, []int{rows}, vt.Shape)
			require.Equal(t, []int{rows, 3}, v.Shape)
			require.InDelta(t, float64((rows-1)*every)*dt, vt.Data[rows-1], 1e-9)
			// The final state is the interrupted run's: after its steps.
			final, err := npy.ReadFile(filepath.Join(out, "state", "p.v.npy"))
			require.NoError(t, err)
			require.Equal(t, []int{5000}, final.Shape)
		})
	}
}

// A run writing into the --out of an earlier one first removes the files
// that run listed in its summary.json, and nothing else: a monitor the
// model no longer has leaves no file behind to look current, and a
// user's own files stay. On both targets.
func TestStaleOutputsRemoved(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	base := `neuron N {
    state v = 0
    dv/dt = (2 - v) / (10 ms)
    threshold v > 1
    reset { v = 0 }
}
population p = N[3]
monitor spikes p
`
	// both has a population q, whose final state (state/q.v.npy) one's
	// run must remove too.
	both := writeModel(t, dir, "both.snn", base+"population q = N[2]\nmonitor spikes q\nmonitor state p.v\nrun { duration = 5 ms }\n")
	one := writeModel(t, dir, "one.snn", base+"run { duration = 5 ms }\n")
	// "executable" runs snnc build's executables themselves: the native
	// runtime's own removal, without snnc's before it.
	for _, target := range []string{"interp", "llvm", "executable"} {
		t.Run(target, func(t *testing.T) {
			if target != "interp" {
				needNative(t)
			}
			out := filepath.Join(dir, "out-"+target)
			runIt := func(model string) {
				var stdout, stderr bytes.Buffer
				if target == "executable" {
					exe := strings.TrimSuffix(model, ".snn")
					require.Equal(t, exitOK, run([]string{"build", "-o", exe, model}, &stdout, &stderr), stderr.String())
					msg, err := exec.Command(exe, "-q", "--out", out).CombinedOutput()
					require.NoError(t, err, "%s", msg)
					return
				}
				require.Equal(t, exitOK, run([]string{"run", "-q", "--target", target, "--out", out, model}, &stdout, &stderr), stderr.String())
			}
			runIt(both)
			for _, f := range []string{"p_v.npy", "p_v.t.npy", "p_v.i.npy", "state/p.v.npy", "state/q.v.npy"} {
				require.FileExists(t, filepath.Join(out, f))
			}
			// The user's files, one of them a .npy no summary lists, one
			// in state/.
			require.NoError(t, os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(out, "mine.npy"), []byte("mine"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(out, "state", "mine.npy"), []byte("mine"), 0o644))
			runIt(one)
			// both's checkpoint had more raw arrays (q's) than one's.
			for _, f := range []string{"p_v.npy", "p_v.t.npy", "p_v.i.npy", "q_spikes.t.npy", "state/q.v.npy", "state/raw/3.npy", "state/raw/5.npy"} {
				require.NoFileExists(t, filepath.Join(out, f), "a stale file")
			}
			for _, f := range []string{"p_spikes.t.npy", "p_spikes.i.npy", "state/p.v.npy", "summary.json", "notes.txt", "mine.npy", "state/mine.npy"} {
				require.FileExists(t, filepath.Join(out, f))
			}
			data, err := os.ReadFile(filepath.Join(out, "summary.json"))
			require.NoError(t, err)
			var sum struct{ Files []string }
			require.NoError(t, json.Unmarshal(data, &sum))
			require.Equal(t, []string{"p_spikes.t.npy", "p_spikes.i.npy", "state/p.v.npy",
				"state/raw/0.npy", "state/raw/1.npy", "state/raw/2.npy", "state/checkpoint.json", "summary.json"}, sum.Files)
		})
	}
}

// What the memory estimate made before the run cannot know is counted
// when it is made: a delay ring (sized from the longest delay) before it
// is allocated, a spike recording before each growth. Past the limit
// (SNNC_MEMORY_LIMIT here, the machine's memory by default) each is a
// clear error, exit 1, on both targets, not an out-of-memory crash. The
// runs are child processes with their address space bounded (ulimit -v),
// so that a regression fails fast instead of taking the machine's
// memory: the ring would be 22 GiB, the recording 24 GB.
func TestMemoryBounds(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	neuron := `neuron N {
    state v = 0
    dv/dt = -v / (10 ms)
    threshold v > 10
    reset { v = 0 }
}
synapse S {
    param w = 1
    on pre { post.v += w }
}
population p = N[2]
monitor spikes p
run { duration = 1 ms }
`
	ring := writeModel(t, dir, "ring.snn", neuron+"connect c: p -> p using S by one_to_one { delay = 100000 s }\n")
	perSyn := writeModel(t, dir, "persyn.snn", neuron+"connect c: p -> p using S by all_to_all { delay = 1 ms + j * 99999 s }\n")
	spikes := writeModel(t, dir, "spikes.snn", `neuron N {
    state v = 0
    dv/dt = 1 / (1 ms)
    threshold v > 0
    reset { v = 0 }
}
population p = N[20000]
monitor spikes p
run { duration = 10 s }
`)
	cases := []struct {
		name, model, limit, want string
	}{
		{"ring", ring, "4e9", "projection c: a delay of 100000 s is 1000000000 steps of 0.0001 s: its spike queue of 1000000001 slots needs 22.4 GiB, more than the"},
		{"per-synapse ring", perSyn, "4e9", "projection c: a delay of 99999.001 s is 999990010 steps"},
		{"spike recording", spikes, "1e8", "need more memory than is left of the 95.4 MiB available; record fewer neurons (a selection such as p[0:100])"},
	}
	for _, target := range []string{"interp", "llvm"} {
		for _, c := range cases {
			t.Run(target+"/"+c.name, func(t *testing.T) {
				if target == "llvm" {
					needNative(t)
				}
				cmd := exec.Command("sh", "-c", `ulimit -v 6000000 && exec "$0" "$@"`, os.Args[0], "run", "-q", "--target", target, "--out", filepath.Join(dir, "out"), c.model)
				cmd.Env = append(os.Environ(), "SNNC_TEST_AS_SNNC=1", "SNNC_MEMORY_LIMIT="+c.limit)
				var out []byte
				var err error
				within(t, 120*time.Second, func() { out, err = cmd.CombinedOutput() })
				require.Error(t, err)
				assert.Equal(t, exitModel, cmd.ProcessState.ExitCode(), "%s", out)
				assert.Contains(t, string(out), c.want)
				if c.model == spikes {
					// Every neuron spikes in every step: the spikes
					// recorded are 20000 per step before the one that
					// did not fit.
					m := regexp.MustCompile(`its (\d+) spikes up to step (\d+) \(t = ([0-9.e-]+) s\)`).FindStringSubmatch(string(out))
					require.NotNil(t, m, "%s", out)
					n, _ := strconv.Atoi(m[1])
					k, _ := strconv.Atoi(m[2])
					assert.Equal(t, 20000*k, n)
					assert.Equal(t, strconv.FormatFloat(float64(k)*1e-4, 'g', -1, 64), m[3])
				}
			})
		}
	}
}

// OUT/state that is not a folder (a user's file of that name) is an error
// naming it (the directory, when it is not snnc's; else the folder), exit
// 1, on both targets, with no summary.json (the run's
// outputs are not whole); the file is left as it was.
func TestStateNotAFolder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	path := writeModel(t, dir, "p.snn", `neuron N {
    state v = 1
    dv/dt = -v / (10 ms)
}
population p = N[3]
monitor state p.v
run { duration = 1 ms }
`)
	for _, target := range []string{"interp", "llvm"} {
		t.Run(target, func(t *testing.T) {
			if target != "interp" {
				needNative(t)
			}
			out := filepath.Join(dir, "out-"+target)
			require.NoError(t, os.MkdirAll(out, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(out, "state"), []byte("mine"), 0o644))
			var stdout, stderr bytes.Buffer
			require.Equal(t, exitModel, run([]string{"run", "-q", "--target", target, "--out", out, path}, &stdout, &stderr))
			// A state that is not snnc's folder: the directory is not
			// one snnc wrote, and is refused before anything is touched.
			assert.Equal(t, "snnc run: --out "+out+": the directory exists and snnc did not write it (it has no summary.json of a run, and state is not a recording); choose another --out, or remove the directory\n", stderr.String())
			// In a directory of snnc's (a previous run's summary), the
			// run reaches the folder, and says what is wrong with it.
			prev := "{\n  \"target\": \"interp\",\n  \"steps\": 1,\n  \"files\": [\n    \"summary.json\"\n  ]\n}\n"
			require.NoError(t, os.WriteFile(filepath.Join(out, "summary.json"), []byte(prev), 0o644))
			stderr.Reset()
			require.Equal(t, exitModel, run([]string{"run", "-q", "--target", target, "--out", out, path}, &stdout, &stderr))
			assert.Equal(t, "snnc run: mkdir "+filepath.Join(out, "state")+": not a directory\n", stderr.String())
			data, err := os.ReadFile(filepath.Join(out, "state"))
			require.NoError(t, err)
			assert.Equal(t, "mine", string(data))
			assert.NoFileExists(t, filepath.Join(out, "summary.json"))
		})
	}
}
