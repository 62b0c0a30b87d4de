package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/npy"
)

// TestReadMatrixPairsStreamed: a matrix read a piece at a time (as a
// large one is) gives the pairs of its nonzero entries in pre-major
// order, as this test finds them walking down each column, and as the
// matrix read whole gives them; a NaN entry is refused with its index.
func TestReadMatrixPairsStreamed(t *testing.T) {
	defer func(n int) { streamMatrixMin = n }(streamMatrixMin)
	const post, pre = 700, 300 // one piece of rows (1 747 rows of 300 float64 fill 4 MiB)
	m := make([]float64, post*pre)
	for j := range post {
		for i := range pre {
			if (i*7+j*13)%5 == 0 {
				m[j*pre+i] = float64(i - j)
			}
		}
	}
	var want [][2]int
	for i := range pre {
		for j := range post {
			if m[j*pre+i] != 0 {
				want = append(want, [2]int{i, j})
			}
		}
	}
	path := filepath.Join(t.TempDir(), "m.npy")
	write := func(data []float64) {
		var b bytes.Buffer
		require.NoError(t, npy.WriteFloat64(&b, []int{post, pre}, data))
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
	write(m)
	for _, min := range []int{0, math.MaxInt} {
		streamMatrixMin = min
		got, err := ReadMatrixPairs(path, "m.npy", pre, post)
		require.NoError(t, err)
		require.Equal(t, want, got, "read a piece at a time: %v", min == 0)
	}
	streamMatrixMin = 0
	// Pieces of 4 MiB are 1 747 rows of 300 float64: a bad entry in the
	// second piece is named by its row.
	big := make([]float64, 2000*pre)
	big[1800*pre+4] = math.NaN()
	var b bytes.Buffer
	require.NoError(t, npy.WriteFloat64(&b, []int{2000, pre}, big))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	_, err := ReadMatrixPairs(path, "m.npy", pre, 2000)
	require.EqualError(t, err, "m.npy: [1800, 4] is NaN; a matrix's entries must be finite")
	_, err = ReadMatrixPairs(path, "m.npy", pre, 10)
	require.ErrorContains(t, err, "shape (2000, 300); expected (10, 300)")
}
