package tests

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
	"snnc/runtime/npy"
)

// The native executable reads a large data file when it starts rather than
// holding its values (llvm's datafile.go, runtime/c/datafile.c). These
// tests run that path at a small size: a (100, 80) matrix has 8 000
// entries, beyond the 4 096 from which a file is read.

// matrixEntry is the entry [j, i] of the tests' matrices: about half of
// them zero, the others whole numbers of either sign, which every dtype
// holds exactly (times 1/8 for the float types, also exact).
func matrixEntry(j, i int) int {
	v := (j*31+i*17)%23 - 11
	if v > 6 || v < -6 {
		return 0
	}
	return v
}

// writeMatrixNpy writes the (post, pre) matrix of matrixEntry as a .npy
// of the dtype descr, by hand (numpy's format 1.0, little-endian, C
// order): the file is the test's, not snnc's writer's.
func writeMatrixNpy(t *testing.T, path, descr string, post, pre int) {
	t.Helper()
	var data bytes.Buffer
	le := binary.LittleEndian
	for j := range post {
		for i := range pre {
			v := matrixEntry(j, i)
			switch descr {
			case "<f8":
				require.NoError(t, binary.Write(&data, le, float64(v)/8))
			case "<f4":
				require.NoError(t, binary.Write(&data, le, float32(v)/8))
			case "<i8":
				require.NoError(t, binary.Write(&data, le, int64(v)))
			case "<i4":
				require.NoError(t, binary.Write(&data, le, int32(v)))
			case "|b1":
				data.WriteByte(map[bool]byte{false: 0, true: 1}[v != 0])
			}
		}
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, post, pre)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	var f bytes.Buffer
	f.WriteString("\x93NUMPY\x01\x00")
	require.NoError(t, binary.Write(&f, le, uint16(len(header))))
	f.WriteString(header)
	f.Write(data.Bytes())
	require.NoError(t, os.WriteFile(path, f.Bytes(), 0o644))
}

// matrixValue is what a synapse's weight is, in volts, for the entry v of
// a matrix of the dtype descr loaded as load(FILE) * 1 mV.
func matrixValue(descr string, v int) float64 {
	switch descr {
	case "<f8", "<f4":
		return float64(v) / 8 * 1e-3
	case "|b1":
		return 1e-3
	}
	return float64(v) * 1e-3
}

var matrixDtypes = []string{"<f8", "<f4", "<i8", "<i4", "|b1"}

// matrixModel writes dir/model.snn, which connects 80 inputs to 100
// neurons by the matrix of each dtype beside it (m0.npy ...), each synapse
// weighted by its entry, and loads 5 000 thresholds from a list (thr.npy),
// and returns its path.
func matrixModel(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`
neuron N {
    param tau: ms = 10 ms
    param v_t: mV = 2 mV
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > v_t
    reset { v = 0 mV }
}
synapse S {
    param w: mV = 0 mV
    on pre { post.v += w }
}
input drive = poisson[80] { rate = 100 Hz }
population cells = N[100]
population many = N[5000] { v_t = load("thr.npy") * 1 mV }
connect drive -> many using S by fixed_indegree(3) { w = 0.5 mV }
monitor spikes cells
monitor spikes many
run { duration = 40 ms  dt = 0.1 ms }
`)
	for k := range matrixDtypes {
		fmt.Fprintf(&b, "connect m%d: drive -> cells using S by matrix(\"m%d.npy\") { w = load(\"m%d.npy\") * 1 mV }\n", k, k, k)
	}
	// Between slices: post j of the matrix is neuron 300 + j of many.
	b.WriteString("connect sliced: drive -> many[300:400] using S by matrix(\"m0.npy\") { w = load(\"m0.npy\") * 1 mV }\n")
	path := filepath.Join(dir, "model.snn")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

func writeMatrixFiles(t *testing.T, dir string) {
	t.Helper()
	for k, descr := range matrixDtypes {
		writeMatrixNpy(t, filepath.Join(dir, fmt.Sprintf("m%d.npy", k)), descr, 100, 80)
	}
	thr := make([]float64, 5000)
	for n := range thr {
		thr[n] = 1 + float64(n%7)/4
	}
	var b bytes.Buffer
	require.NoError(t, npy.WriteFloat64(&b, []int{5000}, thr))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "thr.npy"), b.Bytes(), 0o644))
}

// TestDataFileMatrixDtypes: matrices of every dtype a matrix may have,
// and a list of thresholds, read by the executable from their files:
// nothing of them is embedded, the interpreter and native code at 1 and 3
// threads (the rows in parts) record the same bytes, and the native executable's synapses
// and weights (its final state) are the matrices' nonzero entries in
// pre-major order, as this test computes them from matrixEntry (also for
// a connect between slices).
func TestDataFileMatrixDtypes(t *testing.T) {
	requireNativeTools(t)
	dir := t.TempDir()
	writeMatrixFiles(t, dir)
	path := matrixModel(t, dir)
	prog, m, err := driver.CompileFile(path, driver.Options{})
	require.NoError(t, err)
	p, err := llvm.Emit(m, driver.LLVMOptions(prog))
	require.NoError(t, err)
	require.Empty(t, p.Blobs, "no data embedded")
	require.Contains(t, p.ModelC, "const int32_t snn_n_data_files = 7;", "the sliced connect's load of m0.npy a file of its own")
	require.Contains(t, p.ModelC, "const int32_t snn_n_matrix_rules = 6;")

	// With SNNRT_MIN_CHUNK=1 (stressThreads) the matrices' 100 rows are
	// counted and placed in 3 parts at 3 threads (datafile.c).
	c := conformFile("data_file_dtypes", path, driver.Options{}).onLLVM(1, 3)
	c.env = stressThreads
	conform(t, c)

	out := runNative(t, prog, m, t.TempDir())
	for k, descr := range append(slices.Clone(matrixDtypes), "sliced") {
		// The state of a connect between slices numbers the neurons
		// within them (spec/runtime.md); where its synapses land in
		// many, the spikes the interpreter and native code agree on say.
		name := fmt.Sprintf("m%d", k)
		if descr == "sliced" {
			name, descr = "sliced", "<f8"
		}
		var pre, post []int32
		var w []float64
		for i := range 80 {
			for j := range 100 {
				if v := matrixEntry(j, i); v != 0 {
					pre, post, w = append(pre, int32(i)), append(post, int32(j)), append(w, matrixValue(descr, v))
				}
			}
		}
		read := func(field string) []float64 {
			a, err := npy.ReadFile(filepath.Join(out, "state", name+"."+field+".npy"))
			require.NoError(t, err)
			return a.Data
		}
		gotPre, gotPost, gotW := read("pre"), read("post"), read("w")
		require.Len(t, gotPre, len(pre), "%s: synapses", name)
		for s := range pre {
			require.Equal(t, float64(pre[s]), gotPre[s], "%s: synapse %d's pre", name, s)
			require.Equal(t, float64(post[s]), gotPost[s], "%s: synapse %d's post", name, s)
			require.InDelta(t, w[s], gotW[s], 1e-18, "%s: synapse %d's weight", name, s)
		}
	}
}

// TestDataFileChanged: a native executable lists its data files in
// --help, and refuses a data file changed
// after the model was compiled (the same size, one entry changed; a
// shorter file; no file), naming the file, with exit status 1; with
// --data-dir it reads a copy of the files elsewhere, as on a cluster, and
// records what it recorded before.
func TestDataFileChanged(t *testing.T) {
	requireNativeTools(t)
	dir := t.TempDir()
	writeMatrixFiles(t, dir)
	prog, m, err := driver.CompileFile(matrixModel(t, dir), driver.Options{})
	require.NoError(t, err)
	exe := buildNative(t, prog, m, t.TempDir())
	runExe := func(args ...string) (string, string, error) {
		out := filepath.Join(t.TempDir(), "out")
		msg, err := exec.Command(exe, append([]string{"-q", "--out", out}, args...)...).CombinedOutput()
		return out, string(msg), err
	}
	help, err := exec.Command(exe, "--help").CombinedOutput()
	require.NoError(t, err)
	require.Contains(t, string(help), "It reads these data files when it starts (with --data-dir DIR, DIR/NAME):")
	require.Contains(t, string(help), "  m1.npy  ("+filepath.Join(dir, "m1.npy")+", ", "--help names the files and where they are read")
	ref, msg, err := runExe()
	require.NoError(t, err, msg)
	spikes, err := os.ReadFile(filepath.Join(ref, "cells_spikes.i.npy"))
	require.NoError(t, err)

	copyDir := t.TempDir()
	for _, name := range []string{"m0.npy", "m1.npy", "m2.npy", "m3.npy", "m4.npy", "thr.npy"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(copyDir, name), b, 0o644))
	}
	f1 := filepath.Join(dir, "m1.npy")
	orig, err := os.ReadFile(f1)
	require.NoError(t, err)
	changed := bytes.Clone(orig)
	// The last float32 entry (0) made 1.
	binary.LittleEndian.PutUint32(changed[len(changed)-4:], math.Float32bits(1))
	for _, c := range []struct {
		what string
		data []byte
		want string
	}{
		{"one entry changed", changed, "data file " + f1 + " has changed since the model was compiled (the hash of its bytes differs)"},
		{"shorter", orig[:len(orig)-4], fmt.Sprintf("data file %s: %d bytes, but the model was compiled against a file of %d bytes", f1, len(orig)-4, len(orig))},
		{"removed", nil, "data file " + f1 + ": No such file or directory"},
	} {
		if c.data == nil {
			require.NoError(t, os.Remove(f1))
		} else {
			require.NoError(t, os.WriteFile(f1, c.data, 0o644))
		}
		_, msg, err := runExe()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, c.what)
		require.Equal(t, 1, exit.ExitCode(), c.what)
		require.Contains(t, msg, c.want, c.what)
	}

	out, msg, err := runExe("--data-dir", copyDir)
	require.NoError(t, err, msg)
	got, err := os.ReadFile(filepath.Join(out, "cells_spikes.i.npy"))
	require.NoError(t, err)
	require.Equal(t, spikes, got, "the copies read from --data-dir")
}
