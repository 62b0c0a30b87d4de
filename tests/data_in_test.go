package tests

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/runtime"
)

// dataInModel loads values from files (tests/testdata/data_in) into every
// place load() may stand: a population's parameters from a (4, 1) .npy
// and from a CSV column named by its index, a pairs file's extra columns
// (its header names post before pre) as weights and delays, a 1-D .npy
// per synapse of a one_to_one rule, and a bool matrix both as the
// synapses of a matrix rule and as their weights.
const dataInModel = `
neuron N {
    param tau: ms = 10 ms
    param v_t: mV = 10 mV
    param g = 1
    state v: mV = 0 mV
    dv/dt = -g * v / tau
    threshold v > v_t
    reset { v = 0 mV }
}
synapse S {
    state w: mV = 0 mV
    on pre { post.v += w }
}
input drive = spikes[4] { times = [(0, 1 ms), (1, 1 ms), (3, 2 ms), (2, 3 ms), (0, 5 ms), (1, 6 ms), (3, 7 ms), (1, 9 ms), (3, 9 ms)] }
population a = N[4] {
    v_t = load("testdata/data_in/thr.npy") * 1 mV
    g = load("testdata/data_in/cells.csv", 1)
}
connect p: drive -> a using S by pairs("testdata/data_in/pairs_w.csv") {
    w = load("testdata/data_in/pairs_w.csv", "w") * 6 mV
    delay = load("testdata/data_in/pairs_w.csv", "d") * 1 ms
}
connect q: a -> a using S by one_to_one { w = load("testdata/data_in/syn4.npy") * 1 mV }
connect r: a -> a using S by matrix("testdata/data_in/mat_bool.npy") { w = load("testdata/data_in/mat_bool.npy") * 2 mV + i * 0.01 mV }
monitor spikes a
monitor state a.v every 1
monitor state p.w every 10
run { duration = 30 ms  dt = 0.1 ms }
`

// TestDataInValues builds dataInModel's network and checks every loaded
// value against the files' contents written out here, in synapse order
// (pairs sorted stably by pre; a matrix's nonzero entries pre-major, as
// numpy's nonzero of the transposed matrix lists them).
func TestDataInValues(t *testing.T) {
	m := compileSourceWith(t, "data_in.snn", dataInModel, without("fuse"))
	st, err := interp.Initial(m, interp.Options{})
	require.NoError(t, err)
	require.Equal(t, []float64{3e-3, 2.5e-3, 4e-3, 3.5e-3}, st.Vars["a.v_t"])
	require.Equal(t, []float64{1.5, 2, 0.5, 1}, st.Vars["a.g"])

	// pairs_w.csv's rows (post, pre, w, d): (2,3,.5,1) (0,1,.25,2)
	// (1,3,.75,.5) (3,0,1.5,1.5) (2,1,2,0); by pre, stably: rows 4, 2, 5,
	// 1, 3.
	require.Equal(t, []int32{3, 0, 2, 2, 1}, st.CSR["p"].Post)
	require.Equal(t, []int32{0, 1, 1, 3, 3}, st.CSR["p"].Pre())
	for s, w := range []float64{1.5, 0.25, 2, 0.5, 0.75} {
		require.InDelta(t, w*6e-3, st.Vars["p.w"][s], 1e-18, "p.w[%d]", s)
	}
	require.InDeltaSlice(t, []float64{1.5e-3, 2e-3, 0, 1e-3, 0.5e-3}, st.Vars["p.delay"], 1e-18)

	require.InDeltaSlice(t, []float64{0.5e-3, 1.25e-3, -0.75e-3, 2e-3}, st.Vars["q.w"], 1e-18)

	// The matrix's true entries [post, pre]: [0,1] [2,1] [3,0] [1,3] [0,2].
	// Pre-major: (0,3) (1,0) (1,2) (2,0) (3,1); the weight is 2 mV (the
	// bool's 1) plus i * 0.01 mV.
	r := st.CSR["r"]
	require.Equal(t, []int32{0, 1, 1, 2, 3}, r.Pre())
	require.Equal(t, []int32{3, 0, 2, 0, 1}, r.Post)
	for s, i := range r.Pre() {
		require.InDelta(t, 2e-3+float64(i)*0.01e-3, st.Vars["r.w"][s], 1e-18)
	}
	if _, err := exec.LookPath("/usr/bin/python3"); err == nil {
		out, err := exec.Command("/usr/bin/python3", "-c",
			"import numpy as np; m = np.load('testdata/data_in/mat_bool.npy'); print(' '.join('%d,%d' % (i, j) for i, j in zip(*np.nonzero(m.T))))").Output()
		if err == nil {
			var got []string
			for s, i := range r.Pre() {
				got = append(got, strconv.Itoa(int(i))+","+strconv.Itoa(int(r.Post[s])))
			}
			require.Equal(t, strings.TrimSpace(string(out)), strings.Join(got, " "), "numpy's nonzero of the transposed matrix")
		}
	}
}

// TestDataInConformance: the interpreter and native code at 1, 2 and 3
// threads record the same bytes for dataInModel, fused and not.
func TestDataInConformance(t *testing.T) {
	ref := conform(t, conformSource("data_in", dataInModel, driver.Options{}).onLLVM(1, 2, 3))
	require.NotNil(t, ref)
	nofuse := conformSource("data_in-nofuse", dataInModel, without("fuse")).onLLVM(1, 2)
	nofuse.reference = ref
	conform(t, nofuse)
}

// TestDataInBuildErrors: a pairs file whose problems show only when the
// network is built names the file and the row, on every backend.
func TestDataInBuildErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"pairs_pre_only.csv", `pairs_pre_only.csv: the header row names \["pre" "x" "w"\]: name both pre and post`},
		{"pairs_range.csv", `pairs_range.csv: row 2: \(1, 4\) is not a pair of indices in \[0, 4\) and \[0, 4\)`},
		{"pairs_nan.npy", `pairs_nan.npy: row 2: \(NaN, 2\) is not a pair of indices`},
	} {
		src := strings.ReplaceAll(`
neuron N {
    state v: mV = 0 mV
    dv/dt = -v / (10 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
}
synapse S { on pre { post.v += 1 mV } }
population a = N[4]
connect a -> a using S by pairs("testdata/data_in/FILE")
`, "FILE", c.file)
		m := compileSource(t, "bad_pairs.snn", src)
		_, err := interp.Run(m, interp.Options{})
		require.Error(t, err)
		require.Regexp(t, c.want, err.Error(), "interp")
		if native := nativeBuildError(t, src); native != "" {
			require.Regexp(t, c.want, native, "llvm")
		}
	}
	_, err := runtime.ReadPairs("testdata/data_in/pairs_w.csv", "pairs_w.csv", 4, 4)
	require.NoError(t, err, "a pairs file with more columns than two")
}

// nativeBuildError emits src for the native target and returns the
// error, which the native backend finds as it writes the network's tables.
func nativeBuildError(t *testing.T, src string) string {
	t.Helper()
	requireNativeTools(t)
	prog, m, err := driver.CompileSource("bad_pairs.snn", []byte(src), driver.Options{})
	require.NoError(t, err)
	_, err = llvm.Emit(m, driver.LLVMOptions(prog))
	require.Error(t, err)
	return err.Error()
}

// TestDataInLargeConformance: a matrix of 4 800 nonzero entries, beyond
// the size from which the native executable reads a data file when it
// starts (llvm's datafile.go) rather than holding its values:
// the interpreter and native code at 1, 2 and 3 threads record the same
// bytes, the weights being the matrix's entries (and, onto itself, a
// column of it, one value per synapse).
func TestDataInLargeConformance(t *testing.T) {
	const src = `
neuron N {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > 8 mV
    reset { v = 0 mV }
}
synapse S {
    state w: mV = 0 mV
    on pre { post.v += w }
}
input drive = poisson[80] { rate = 40 Hz }
population a = N[100]
connect big: drive -> a using S by matrix("testdata/data_in/mat_big.npy") { w = load("testdata/data_in/mat_big.npy") * 1 mV }
connect a -> a using S by one_to_one { w = load("testdata/data_in/mat_big.npy", 3) * -1 mV }
monitor spikes a
monitor state big.w every 100
run { duration = 50 ms  dt = 0.1 ms }
`
	conform(t, conformSource("data_in_large", src, driver.Options{}).onLLVM(1, 2, 3))
	prog, m, err := driver.CompileSource("data_in_large.snn", []byte(src), driver.Options{})
	require.NoError(t, err)
	p, err := llvm.Emit(m, driver.LLVMOptions(prog))
	require.NoError(t, err)
	// The matrix's 8 000 entries are read by the executable from the file
	// (llvm's datafile.go): its weights and its rule's pairs; only the
	// column of 100 values is embedded.
	require.Len(t, p.Blobs, 1, "the column only")
	require.Contains(t, p.Blobs[0].Name, "load_16_", "the column only")
	require.Contains(t, p.ModelC, "const int32_t snn_n_data_files = 1;", "one file read at start")
	require.Contains(t, p.ModelC, "const int32_t snn_n_matrix_rules = 1;", "the rule made from it")
}

// TestDataInMatrixParts: two matrix rules from one input onto two
// populations of one type, which the fuse pass delivers as one projection
// of parts, each making its own synapses from its matrix: the
// interpreter and native code record the same bytes, and the parts have
// the synapses of the matrices' nonzero entries.
func TestDataInMatrixParts(t *testing.T) {
	const src = `
neuron N {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > 3 mV
    reset { v = 0 mV }
}
synapse S {
    param w: mV = 1.5 mV
    on pre { post.v += w }
}
input drive = poisson[4] { rate = 200 Hz }
population a = N[4]
population b = N[3]
connect ma: drive -> a using S by matrix("testdata/data_in/mat_bool.npy")
connect mb: drive -> b using S by matrix("testdata/data_in/mat_3x4.npy")
monitor spikes a
monitor spikes b
run { duration = 100 ms  dt = 0.1 ms }
`
	m := compileSource(t, "data_in_parts.snn", src)
	require.Contains(t, strings.Join(m.Notes, "\n"), "delivered as one projection")
	st, err := interp.Initial(m, interp.Options{})
	require.NoError(t, err)
	require.Equal(t, []int32{0, 1, 1, 2, 3}, st.CSR["ma"].Pre())
	require.Equal(t, []int32{3, 0, 2, 0, 1}, st.CSR["ma"].Post)
	// mat_3x4's nonzero [post, pre], pre-major: pre 0: 0, 2; pre 1: 1, 2;
	// pre 2: 0, 1; pre 3: 0, 2.
	require.Equal(t, []int32{0, 0, 1, 1, 2, 2, 3, 3}, st.CSR["mb"].Pre())
	require.Equal(t, []int32{0, 2, 1, 2, 0, 1, 0, 2}, st.CSR["mb"].Post)
	conform(t, conformSource("data_in_parts", src, driver.Options{}).onLLVM(1, 3))
}
