package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/lang"
)

// The MPI tests run an executable built with --mpi under Open MPI's
// mpirun on this machine (--oversubscribe: more ranks than cores;
// --allow-run-as-root: CI runs as root) and compare its files with those
// of the one-process executable, byte for byte: the oracle of a run over
// ranks is the run of one process, which the other tests check against
// the interpreter and outside references.

// requireMPI skips a test without Open MPI, and fails it in CI, where
// tests/install-deps.sh installs it.
func requireMPI(t *testing.T) {
	t.Helper()
	requireNativeTools(t)
	for _, tool := range []string{"mpicc", "mpirun"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("missing %s: tests/install-deps.sh should have installed Open MPI", tool)
			}
			t.Skipf("missing %s (Debian: apt-get install openmpi-bin libopenmpi-dev)", tool)
		}
	}
}

// buildMPI builds m with --mpi into dir.
func buildMPI(t *testing.T, prog *lang.Program, m *ir.Module, dir string) string {
	t.Helper()
	o := driver.LLVMOptions(prog)
	o.MPI = true
	p, err := llvm.Emit(m, o)
	require.NoError(t, err)
	exe := filepath.Join(dir, "model-mpi")
	require.NoError(t, llvm.Build(p, filepath.Join(dir, "build-mpi"), exe, o))
	return exe
}

// mpirun runs exe over ranks processes with args and returns its output
// and error; a run that hangs is killed after a minute.
func mpirun(t *testing.T, ranks int, exe string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	all := append([]string{"--oversubscribe", "--allow-run-as-root", "-np", strconv.Itoa(ranks), exe}, args...)
	out, err := exec.CommandContext(ctx, "mpirun", all...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("mpirun -np %d %s %v did not end within a minute (a hang):\n%s", ranks, exe, args, out)
	}
	return string(out), err
}

// neurons is the number of neurons of m, as the runtime partitions them:
// populations that are not globals, a fuse group's members counted in
// the group.
func neurons(m *ir.Module) int {
	n := 0
	for _, p := range m.Populations {
		if !p.Global && p.Group == nil {
			n += p.Size
		}
	}
	return n
}

// mpiDuration caps the examples' simulated time: the comparison is of
// bytes, and 200 ms have spikes in every example.
const mpiDuration = 0.2

// TestMPIExamples: every example that an MPI run computes (CheckMPI) gives,
// at 1, 2 and 3 ranks (2 of them at 2 threads), the files of the
// one-process, one-thread executable byte for byte; and a run cut at half
// its time over 2 ranks and resumed over 3 gives those of the whole run.
// An example with fewer neurons than ranks is refused with the message
// that says so.
func TestMPIExamples(t *testing.T) {
	requireMPI(t)
	// Bytes only, no timing: it runs beside the other long tests.
	t.Parallel()
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	var ran, refused []string
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		m := compileFile(t, f)
		if err := llvm.CheckMPI(m); err != nil {
			refused = append(refused, name)
			continue
		}
		ran = append(ran, name)
		t.Run(name, func(t *testing.T) {
			prog, err := driver.Load(f)
			require.NoError(t, err)
			dir := t.TempDir()
			one := buildNative(t, prog, m, dir)
			exe := buildMPI(t, prog, m, dir)
			T := min(mpiDuration, m.Run.Duration)
			dur := strconv.FormatFloat(T, 'g', -1, 64) + "s"
			half := strconv.FormatFloat(T/2, 'g', -1, 64) + "s"
			ref := filepath.Join(dir, "one")
			msg, err := exec.Command(one, "-q", "--duration", dur, "--out", ref).CombinedOutput()
			require.NoError(t, err, "%s", msg)
			for _, run := range []struct{ ranks, threads int }{{1, 1}, {2, 1}, {2, 2}, {3, 1}} {
				out := filepath.Join(dir, "ranks"+strconv.Itoa(run.ranks)+"x"+strconv.Itoa(run.threads))
				msg, err := mpirun(t, run.ranks, exe, "-q", "--threads", strconv.Itoa(run.threads), "--duration", dur, "--out", out)
				if run.ranks > neurons(m) {
					require.Error(t, err)
					require.Contains(t, msg, "fewer than the "+strconv.Itoa(run.ranks)+" ranks")
					continue
				}
				require.NoError(t, err, "%s", msg)
				requireSameRun(t, ref, out, "over "+strconv.Itoa(run.ranks)+" ranks at "+strconv.Itoa(run.threads)+" threads")
			}
			if neurons(m) < 3 {
				return
			}
			cut, resumed := filepath.Join(dir, "cut"), filepath.Join(dir, "resumed")
			out, err := mpirun(t, 2, exe, "-q", "--duration", half, "--out", cut)
			require.NoError(t, err, "%s", out)
			out, err = mpirun(t, 3, exe, "-q", "--duration", half, "--resume", cut, "--out", resumed)
			require.NoError(t, err, "%s", out)
			requireSameRun(t, ref, resumed, "cut over 2 ranks and resumed over 3")
		})
	}
	t.Logf("over MPI ranks: %v; refused by CheckMPI: %v", ran, refused)
	// What an MPI run computes covers most examples: a change that refuses
	// them wholesale fails here rather than testing nothing.
	require.GreaterOrEqual(t, len(ran), 10, "examples an MPI run computes: %v", ran)
}

// TestMPIDataFiles: the matrix rules and the large data array of
// data_file_test.go's model (rows kept by post neuron per rank, between
// slices too) give the one-process bytes over 2 and 3 ranks; a rank that
// reads a damaged data file ends the whole run with its message, and
// quickly.
func TestMPIDataFiles(t *testing.T) {
	requireMPI(t)
	// Bytes only, no timing: it runs beside the other long tests.
	t.Parallel()
	dir := t.TempDir()
	writeMatrixFiles(t, dir)
	path := matrixModel(t, dir)
	prog, err := driver.Load(path)
	require.NoError(t, err)
	m := compileFile(t, path)
	require.NoError(t, llvm.CheckMPI(m))
	one := buildNative(t, prog, m, dir)
	exe := buildMPI(t, prog, m, dir)
	ref := filepath.Join(dir, "one")
	msg, err := exec.Command(one, "-q", "--out", ref).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	for _, ranks := range []int{2, 3} {
		out := filepath.Join(dir, "ranks"+strconv.Itoa(ranks))
		msg, err := mpirun(t, ranks, exe, "-q", "--out", out)
		require.NoError(t, err, "%s", msg)
		requireSameRun(t, ref, out, "over "+strconv.Itoa(ranks)+" ranks")
	}
	// Rank 1 reads its data from a copy whose thresholds were changed
	// since the build: it fails, and takes rank 0 with it.
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	data, err := os.ReadFile(filepath.Join(dir, "thr.npy"))
	require.NoError(t, err)
	data[len(data)-1] ^= 1
	require.NoError(t, os.WriteFile(filepath.Join(bad, "thr.npy"), data, 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, "mpirun", "--oversubscribe", "--allow-run-as-root",
		"-np", "1", exe, "-q", "--data-dir", dir, "--out", filepath.Join(dir, "x"), ":",
		"-np", "1", exe, "-q", "--data-dir", bad, "--out", filepath.Join(dir, "x")).CombinedOutput()
	require.NoError(t, ctx.Err(), "the run with a failing rank hung:\n%s", out)
	require.Error(t, err)
	require.Contains(t, string(out), "rank 1 of 2: ")
	require.Contains(t, string(out), "thr.npy")
	t.Logf("a failing rank ended the run in %v:\n%s", time.Since(start), out)
}

// TestMPIMisuse: an executable built without --mpi refuses to run as
// several copies under mpirun, and says how to build it.
func TestMPIMisuse(t *testing.T) {
	requireMPI(t)
	path := "../examples/cuba.snn"
	prog, err := driver.Load(path)
	require.NoError(t, err)
	m := compileFile(t, path)
	dir := t.TempDir()
	one := buildNative(t, prog, m, dir)
	out, err := mpirun(t, 2, one, "-q", "--out", filepath.Join(dir, "x"))
	require.Error(t, err)
	require.Contains(t, out, "built without --mpi")
	require.Contains(t, out, "snnc build --mpi")
	_, err = os.Stat(filepath.Join(dir, "x"))
	require.True(t, os.IsNotExist(err), "the refused run wrote %s", filepath.Join(dir, "x"))
}

// TestMPIQuantized: a quantized model (fixed point, dithered stores keyed
// by synapse: alif's random weights) gives the one-process bytes over 3
// ranks at 2 threads.
func TestMPIQuantized(t *testing.T) {
	requireMPI(t)
	// Bytes only, no timing: it runs beside the other long tests.
	t.Parallel()
	path := "../examples/alif.snn"
	prog, err := driver.Load(path)
	require.NoError(t, err)
	m := compileWith(t, path, driver.Options{Quantize: 16})
	require.NoError(t, llvm.CheckMPI(m))
	dir := t.TempDir()
	one := buildNative(t, prog, m, dir)
	exe := buildMPI(t, prog, m, dir)
	ref := filepath.Join(dir, "one")
	msg, err := exec.Command(one, "-q", "--out", ref).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	out := filepath.Join(dir, "ranks3")
	got, err := mpirun(t, 3, exe, "-q", "--threads", "2", "--out", out)
	require.NoError(t, err, "%s", got)
	requireSameRun(t, ref, out, "quantized, over 3 ranks at 2 threads")
}
