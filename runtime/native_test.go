package runtime_test

// Tests of the native runtime (runtime/c): each model of runtime/c/test,
// whose tables and kernels are transcribed by hand from `snnc ir` as the
// LLVM backend will emit them, is compiled with the runtime and run; its
// recordings must be the bytes the interpreter writes, at one thread and
// at two. The option and model errors must be those of `snnc run`.

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
	"snnc/runtime"
)

const nativeDir = "c"

var ccFlags = []string{"-std=c11", "-O3", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno", "-pthread",
	"-Wall", "-Wextra", "-Werror"}

// nativeRuntime compiles the runtime's C files once into objects; it
// skips the test when there is no C compiler or the random number and
// math files are not there yet.
var nativeRuntime = struct {
	once sync.Once
	objs []string
	err  error
	skip string
}{}

func runtimeObjects(t *testing.T) []string {
	t.Helper()
	nativeRuntime.once.Do(func() {
		if _, err := exec.LookPath("cc"); err != nil {
			nativeRuntime.skip = "no C compiler (cc) on this machine"
			return
		}
		for _, f := range []string{"rng.c", "mathfn.c"} {
			if _, err := os.Stat(filepath.Join(nativeDir, f)); err != nil {
				nativeRuntime.skip = "runtime/c/" + f + " does not exist yet: the native runtime cannot link without it"
				return
			}
		}
		srcs, err := filepath.Glob(filepath.Join(nativeDir, "*.c"))
		if err != nil {
			nativeRuntime.err = err
			return
		}
		dir, err := os.MkdirTemp("", "snnrt")
		if err != nil {
			nativeRuntime.err = err
			return
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, src := range srcs {
			obj := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".c")+".o")
			nativeRuntime.objs = append(nativeRuntime.objs, obj)
			wg.Add(1)
			go func() {
				defer wg.Done()
				args := append(append([]string{}, ccFlags...), "-I", nativeDir, "-c", "-o", obj, src)
				if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
					mu.Lock()
					nativeRuntime.err = errors.Join(nativeRuntime.err, errors.New(src+": "+err.Error()+"\n"+string(out)))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	})
	if nativeRuntime.skip != "" {
		t.Skip(nativeRuntime.skip)
	}
	if nativeRuntime.err != nil {
		t.Fatalf("compiling the runtime: %v", nativeRuntime.err)
	}
	return nativeRuntime.objs
}

// buildModel links test model name (test/NAME_model.c and
// test/NAME_kernels.c) with the runtime into an executable.
func buildModel(t *testing.T, name string, defines ...string) string {
	t.Helper()
	objs := runtimeObjects(t)
	exe := filepath.Join(t.TempDir(), name)
	args := append(append([]string{}, ccFlags...), defines...)
	args = append(args, "-I", nativeDir, "-o", exe,
		filepath.Join(nativeDir, "test", name+"_model.c"),
		filepath.Join(nativeDir, "test", name+"_kernels.c"),
		filepath.Join(nativeDir, "test", "units.c"))
	args = append(args, objs...)
	args = append(args, "-lm")
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return exe
}

// runExe runs an executable and returns its exit status and output.
func runExe(t *testing.T, exe string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("running %s: %v", exe, err)
	return 0, "", ""
}

func compileModel(t *testing.T, path string, src []byte) *ir.Module {
	t.Helper()
	var m *ir.Module
	var err error
	o := driver.Options{Options: passes.Options{Verify: true}}
	if src == nil {
		_, m, err = driver.CompileFile(path, o)
	} else {
		_, m, err = driver.CompileSource(path, src, o)
	}
	if err != nil {
		t.Fatalf("compiling %s: %v", path, err)
	}
	return m
}

// interpOptions turns the executable's options into interp's, parsed as
// snnc run parses them.
func interpOptions(t *testing.T, args []string) interp.Options {
	t.Helper()
	opts := interp.Options{}
	for n := 0; n+1 < len(args); n += 2 {
		switch args[n] {
		case "--duration":
			d, _, err := lang.ParseQuantity(args[n+1])
			if err != nil {
				t.Fatal(err)
			}
			opts.Duration = d
		case "--seed":
			var s uint64
			for _, c := range args[n+1] {
				s = s*10 + uint64(c-'0')
			}
			opts.Seed = &s
		case "--set":
			name, text, _ := strings.Cut(args[n+1], "=")
			x, _, err := lang.ParseQuantity(text)
			if err != nil {
				t.Fatal(err)
			}
			if opts.Set == nil {
				opts.Set = map[string]float64{}
			}
			opts.Set[name] = x
		default:
			t.Fatalf("option %s", args[n])
		}
	}
	return opts
}

// TestNativeMatchesInterp runs each test model natively at one and two
// threads and on the interpreter, and compares every recording.
func TestNativeMatchesInterp(t *testing.T) {
	cases := []struct {
		name, model string
		args        []string
	}{
		{"lif_current", "lif_current", nil},
		{"lif_current_set", "lif_current", []string{"--set", "i_drive=0.31nA", "--duration", "300ms"}},
		{"cuba", "cuba", nil},
		{"cuba_seed", "cuba", []string{"--seed", "7", "--duration", "0.3s"}},
		{"stdp_song2000", "stdp", []string{"--duration", "12s"}},
		{"connectivity", "connectivity", nil},
		{"connectivity_set", "connectivity", []string{"--set", "a.i_ext=0.2nA", "--set", "b.i_ext=190pA", "--seed", "3"}},
	}
	sources := map[string]string{
		"lif_current":  "../examples/lif_current.snn",
		"cuba":         "../examples/cuba.snn",
		"stdp":         "../examples/stdp_song2000.snn",
		"connectivity": "../examples/connectivity.snn",
	}
	exes := map[string]string{}
	for _, c := range cases {
		if exes[c.model] == "" {
			exes[c.model] = buildModel(t, c.model)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exe := exes[c.model]
			m := compileModel(t, sources[c.model], nil)
			res, err := interp.Run(m, interpOptions(t, c.args))
			if err != nil {
				t.Fatalf("interp: %v", err)
			}
			want := t.TempDir()
			if err := runtime.Write(want, m.Run.Dt, res.Spikes, res.States, res.Summary); err != nil {
				t.Fatal(err)
			}
			for _, threads := range []string{"1", "2"} {
				got := filepath.Join(t.TempDir(), "out")
				// A chunk of one element: every range kernel is split
				// between the threads, however small its population.
				env := []string{"SNNRT_MIN_CHUNK=1"}
				// No checkpoint: a hand-written model has no IR to
				// fingerprint (test/units.c), and the interpreter's run
				// here writes none (tests/resume_test.go compares them).
				args := append([]string{"--out", got, "--threads", threads, "-q", "--checkpoint=off"}, c.args...)
				status, stdout, stderr := runExe(t, exe, env, args...)
				if status != 0 || stdout != "" || stderr != "" {
					t.Fatalf("threads %s: exit %d\nstdout: %s\nstderr: %s", threads, status, stdout, stderr)
				}
				data, err := os.ReadFile(filepath.Join(got, "summary.json"))
				if err != nil {
					t.Fatal(err)
				}
				var sum runtime.Summary
				if err := json.Unmarshal(data, &sum); err != nil {
					t.Fatalf("summary.json: %v\n%s", err, data)
				}
				if sum.Target != "llvm" || sum.Steps != res.Summary.Steps || sum.Events != res.Summary.Events ||
					sum.Seed != res.Summary.Seed || len(sum.Populations) != len(res.Summary.Populations) {
					t.Errorf("threads %s: summary %+v, interp's %+v", threads, sum, *res.Summary)
				}
				for n, p := range sum.Populations {
					if p != res.Summary.Populations[n] {
						t.Errorf("threads %s: population %+v, interp's %+v", threads, p, res.Summary.Populations[n])
					}
				}
				if strings.Join(sum.Files, " ") != strings.Join(res.Summary.Files, " ") {
					t.Errorf("threads %s: files %v, interp's %v", threads, sum.Files, res.Summary.Files)
				}
				for _, f := range res.Summary.Files {
					if f == "summary.json" {
						continue
					}
					w, err := os.ReadFile(filepath.Join(want, f))
					if err != nil {
						t.Fatal(err)
					}
					g, err := os.ReadFile(filepath.Join(got, f))
					if err != nil {
						t.Fatalf("threads %s: %v", threads, err)
					}
					if !bytes.Equal(g, w) {
						t.Errorf("threads %s: %s differs from the interpreter's (%d and %d bytes)", threads, f, len(g), len(w))
					}
				}
			}
		})
	}
}

// TestNativeSummary checks the printed summary and the default output
// directory.
func TestNativeSummary(t *testing.T) {
	exe := buildModel(t, "cuba")
	dir := t.TempDir()
	cmd := exec.Command(exe, "--duration", "100ms")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if !strings.HasPrefix(lines[0], "examples/cuba.snn: 0.1 s in 1000 steps of 0.1 ms (seed 1) on llvm in ") {
		t.Errorf("first line %q", lines[0])
	}
	wantRest := []string{
		"       size  spikes  mean rate",
		"  exc  3200     ",
	}
	if lines[1] != wantRest[0] || !strings.HasPrefix(lines[2], wantRest[1][:7]) {
		t.Errorf("table:\n%s", out)
	}
	if !strings.Contains(string(out), " synaptic events\nrecordings in cuba.out/\n") {
		t.Errorf("no events or directory line:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "cuba.out", "exc_spikes.t.npy")); err != nil {
		t.Error(err)
	}
}

// TestNativeErrors checks the messages and exit status of bad options
// (2) and of errors of the model found while building or running (1).
func TestNativeErrors(t *testing.T) {
	conn := buildModel(t, "connectivity")
	lif := buildModel(t, "lif_current")
	usage := "Usage: connectivity [options]"
	cases := []struct {
		exe    string
		args   []string
		status int
		stderr string // the whole of stderr, or with a trailing "..." its start
	}{
		{conn, []string{"--set", "a.i_ext=0.2mV"}, 2, `connectivity: --set a.i_ext=0.2mV: a.i_ext has dimension current (A), and "0.2mV" has voltage (V)` + "\n"},
		{conn, []string{"--set", "a.i_ext=0.2"}, 2, `connectivity: --set a.i_ext=0.2: a.i_ext has dimension current (A), and "0.2" has dimensionless` + "\n"},
		{conn, []string{"--set", "x=1"}, 2, "connectivity: --set x=1: no runtime parameter x; the model has a.i_ext, b.i_ext\n"},
		{conn, []string{"--set", "a.i_ext"}, 2, "connectivity: --set a.i_ext: expected name=value, for example --set i_drive=0.3nA\n"},
		{conn, []string{"--set", "a.i_ext=abc"}, 2, `connectivity: --set a.i_ext=abc: "abc" is not a number with an optional unit (for example 0.3nA or 20 ms)` + "\n"},
		{conn, []string{"--set", "a.i_ext=0.2 n A"}, 2, `connectivity: --set a.i_ext=0.2 n A: "0.2 n A": give a single unit (such as nA, mV, ms, Hz)` + "\n"},
		{conn, []string{"--set", "a.i_ext=0.2na"}, 2, `connectivity: --set a.i_ext=0.2na: "0.2na": unknown unit "na"; did you mean nA?` + "\n"},
		{conn, []string{"--set", "a.i_ext=infA"}, 2, `connectivity: --set a.i_ext=infA: "infA" is not a finite number` + "\n"},
		{conn, []string{"--set", "a.i_ext=1nA", "--set", "a.i_ext=2nA"}, 2, "connectivity: --set a.i_ext=2nA: a.i_ext is set twice\n"},
		{conn, []string{"--duration", "5"}, 2, `connectivity: --duration: "5" is not a time` + "\n"},
		{conn, []string{"--duration", "-1s"}, 2, "connectivity: --duration: the duration must be positive\n"},
		{conn, []string{"--duration", "1e400s"}, 2, `connectivity: --duration: "1e400s": 1e400 is out of range (numbers go up to about 1.8e308 in magnitude)` + "\n"},
		{conn, []string{"--set", "a.i_ext=1e400nA"}, 2, `connectivity: --set a.i_ext=1e400nA: "1e400nA": 1e400 is out of range (numbers go up to about 1.8e308 in magnitude)` + "\n"},
		{conn, []string{"--set", "a.i_ext=1e300TA"}, 2, `connectivity: --set a.i_ext=1e300TA: "1e300TA": 1e300 TA is out of range (more than about 1.8e308 in SI units)` + "\n"},
		{conn, []string{"--seed", "9007199254740992"}, 2, "connectivity: --seed 9007199254740992: a seed is a whole number from 0 to 2^53-1\n"},
		{conn, []string{"--seed", "-1"}, 2, "connectivity: --seed -1: a seed is a whole number from 0 to 2^53-1\n"},
		{conn, []string{"--threads", "0"}, 2, "connectivity: --threads 0: the number of threads is a whole number from 1 to 1024\n"},
		{conn, []string{"--bogus"}, 2, "connectivity: flag provided but not defined: -bogus; see connectivity --help\n"},
		{conn, []string{"--out"}, 2, "connectivity: flag needs an argument: -out; see connectivity --help\n"},
		{conn, []string{"model.snn"}, 2, "connectivity: unexpected argument model.snn: the executable takes only options (the model is built in); see connectivity --help\n"},
		{conn, []string{"--set", "a.i_ext=0.2", "nA"}, 2, "connectivity: --set a.i_ext=0.2 nA: the value is two words to the shell; quote it (--set 'a.i_ext=0.2 nA') or leave out the space (--set a.i_ext=0.2nA)\n"},
		{conn, []string{"--duration", "0.00001s"}, 1, "connectivity: examples/connectivity.snn: a duration of 1e-05 s is 0 steps of 0.0001 s; it must be 1 to 2^40 steps\n"},
		{conn, []string{"--duration", "1e30s"}, 1, "connectivity: examples/connectivity.snn: a duration of 1e+30 s is 1e+34 steps of 0.0001 s; it must be 1 to 2^40 steps\n"},
		{lif, []string{"--set", "cell.i_ext=1nA"}, 2, "lif_current: --set cell.i_ext=1nA: cell.i_ext is driven by current drive, which sets it every step; the model has i_drive\n"},
		{lif, []string{"--set", "i_drive=1mV"}, 2, `lif_current: --set i_drive=1mV: i_drive has dimension current (A), and "1mV" has voltage (V)` + "\n"},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out")
		status, _, stderr := runExe(t, c.exe, nil, append([]string{"-q", "--out", out}, c.args...)...)
		if status != c.status {
			t.Errorf("%s %v: exit %d, want %d; stderr:\n%s", filepath.Base(c.exe), c.args, status, c.status, stderr)
		}
		if prefix, ok := strings.CutSuffix(c.stderr, "..."); ok {
			if !strings.HasPrefix(stderr, prefix) {
				t.Errorf("%s %v: stderr\n%s\nwant it to start with\n%s", filepath.Base(c.exe), c.args, stderr, prefix)
			}
		} else if stderr != c.stderr {
			t.Errorf("%s %v: stderr\n%s\nwant\n%s", filepath.Base(c.exe), c.args, stderr, c.stderr)
		}
	}

	status, stdout, _ := runExe(t, conn, nil, "--help")
	if status != 0 || !strings.HasPrefix(stdout, usage) {
		t.Errorf("--help: exit %d, stdout %q", status, stdout)
	}
	// A hand-written model has no version text of snnc's (the generated
	// ones' is tested in cmd/snnc).
	status, stdout, _ = runExe(t, conn, nil, "--version")
	if want := "connectivity: the model examples/connectivity.snn\n(a model written by hand)\n"; status != 0 || stdout != want {
		t.Errorf("--version: exit %d, stdout %q, want %q", status, stdout, want)
	}

	// A model error found while building: a negative delay, against the
	// interpreter's message for the same model.
	bad := buildModel(t, "connectivity", "-DSNN_TEST_BAD_DELAY")
	src, err := os.ReadFile("../examples/connectivity.snn")
	if err != nil {
		t.Fatal(err)
	}
	badSrc := strings.Replace(string(src), "delay = 1 ms + j * 0.01 ms", "delay = -1 ms + j * 0.01 ms", 1)
	m := compileModel(t, "../examples/connectivity_bad_delay.snn", []byte(badSrc))
	_, ierr := interp.Run(m, interp.Options{})
	if ierr == nil {
		t.Fatal("interp ran the model with a negative delay")
	}
	for _, threads := range []string{"1", "2"} {
		status, _, stderr := runExe(t, bad, nil, "-q", "--threads", threads, "--out", filepath.Join(t.TempDir(), "out"))
		want := filepath.Base(bad) + ": examples/connectivity.snn: " + ierr.Error() + "\n"
		if status != 1 || stderr != want {
			t.Errorf("negative delay, threads %s: exit %d, stderr\n%s\nwant\n%s", threads, status, stderr, want)
		}
	}

	// A kernel's error while running (a segment out of range) in two
	// elements: the first element's is reported, at any number of threads,
	// with the kernel as an update kernel and as a step kernel (run in the
	// population jobs), and with SNNRT_LATE_WORKERS, where the main thread
	// also runs the workers' parts and the error may come from either.
	for _, seg := range []string{buildModel(t, "segfail"), buildModel(t, "segfail", "-DSEGFAIL_STEP")} {
		for _, env := range [][]string{{"SNNRT_MIN_CHUNK=1"}, {"SNNRT_MIN_CHUNK=1", "SNNRT_LATE_WORKERS=1"}} {
			for _, threads := range []string{"1", "2", "3", "4"} {
				status, _, stderr := runExe(t, seg, env, "-q", "--threads", threads,
					"--out", filepath.Join(t.TempDir(), "out"))
				want := filepath.Base(seg) + ": segfail.snn: segment 400.5 of d.u is out of range [0, 4)\n"
				if status != 1 || stderr != want {
					t.Errorf("segment error, %s, threads %s, %v: exit %d, stderr\n%s\nwant\n%s",
						filepath.Base(seg), threads, env, status, stderr, want)
				}
			}
		}
	}
}
