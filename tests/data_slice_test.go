package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/runtime/npy"
)

// dataSliceModel loads matrices onto slices (spec/language.md 4.12 and
// 4.13): a matrix rule onto post neurons 2 to 5 of b, and an all_to_all
// rule from a[1:3] onto b[4:8] whose weights are a (4, 2) matrix, MATRIX
// below, entry [j, i] for the views' own i and j.
const dataSliceModel = `
neuron N {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > 1.5 mV
    reset { v = 0 mV }
}
synapse S {
    state w: mV = 0 mV
    on pre { post.v += w }
}
input drive = spikes[4] { times = [(0, 1 ms), (1, 1 ms), (2, 2 ms), (3, 3 ms), (1, 5 ms), (2, 6 ms)] }
population a = N[4]
population b = N[8]
connect in: drive -> a using S by one_to_one { w = 2 mV }
connect r: a -> b[2:6] using S by matrix("testdata/data_in/mat_bool.npy") {
    w = load("testdata/data_in/mat_bool.npy") * 2 mV + i * 0.01 mV + j * 0.001 mV
}
connect s: a[1:3] -> b[4:8] using S by all_to_all { w = load("MATRIX") * 1 mV }
monitor spikes b
monitor state b.v every 1
run { duration = 12 ms  dt = 0.1 ms }
`

// TestDataOnSlices checks loads of matrices between slices against the
// entries written here: the synapses of a matrix rule onto a slice are
// its nonzero entries with post indices moved to the slice, and each
// synapse of a sliced rule reads the entry of its view indices; the
// interpreter and native code at 1, 2 and 3 threads record the same bytes.
func TestDataOnSlices(t *testing.T) {
	dir := t.TempDir()
	matrix := filepath.Join(dir, "m42.npy")
	// m[j, i] = 10 j + i + 1, shape (4 posts, 2 pres).
	var vals []float64
	for j := range 4 {
		for i := range 2 {
			vals = append(vals, float64(10*j+i+1))
		}
	}
	require.NoError(t, npy.WriteFloat64File(matrix, []int{4, 2}, vals))
	abs, err := filepath.Abs("testdata/data_in/mat_bool.npy")
	require.NoError(t, err)
	src := strings.ReplaceAll(strings.ReplaceAll(dataSliceModel, "MATRIX", matrix), "testdata/data_in/mat_bool.npy", abs)
	path := filepath.Join(dir, "data_slice.snn")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	_, m, err := driver.CompileFile(path, driver.Options{})
	require.NoError(t, err)
	st, err := interp.Initial(m, interp.Options{})
	require.NoError(t, err)

	// mat_bool's true entries [post, pre]: [0,1] [2,1] [3,0] [1,3] [0,2];
	// pre-major (pre, view post): (0,3) (1,0) (1,2) (2,0) (3,1), the
	// posts then moved up by 2.
	r := st.CSR["r"]
	require.Equal(t, []int32{0, 1, 1, 2, 3}, r.Pre())
	require.Equal(t, []int32{5, 2, 4, 2, 3}, r.Post)
	for s, i := range r.Pre() {
		j := float64(r.Post[s] - 2)
		require.InDelta(t, 2e-3+float64(i)*0.01e-3+j*0.001e-3, st.Vars["r.w"][s], 1e-18, "r.w[%d]", s)
	}
	// all_to_all from a[1:3] onto b[4:8]: pre 1 then 2, each onto posts
	// 4 to 7; the weight of view pre i and view post j is m[j, i] mV.
	sp := st.CSR["s"]
	require.Equal(t, []int32{1, 1, 1, 1, 2, 2, 2, 2}, sp.Pre())
	require.Equal(t, []int32{4, 5, 6, 7, 4, 5, 6, 7}, sp.Post)
	for s, pre := range sp.Pre() {
		i, j := int(pre)-1, int(sp.Post[s])-4
		require.InDelta(t, vals[2*j+i]*1e-3, st.Vars["s.w"][s], 1e-18, "s.w[%d]", s)
	}

	row := conformFile("data_slice", path, driver.Options{}).onLLVM(1, 2, 3)
	require.NotNil(t, conform(t, row))
}
