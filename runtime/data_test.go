package runtime

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/runtime/npy"
)

// A spike file with no rows is an empty list of spikes, whatever says
// so: a CSV of only a comment, an empty CSV, an empty 1-D or (0, 2)
// array. One with rows keeps its width checked, and rates need a row.
func TestReadEmptyTables(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	empty := map[string]string{
		"comment.csv": write("comment.csv", "# no spikes in this run\n"),
		"blank.csv":   write("blank.csv", ""),
		"header.csv":  write("header.csv", "index,time\n"),
	}
	empty["flat.npy"] = filepath.Join(dir, "flat.npy")
	require.NoError(t, npy.WriteFloat64File(empty["flat.npy"], []int{0}, nil))
	empty["pairs.npy"] = filepath.Join(dir, "pairs.npy")
	require.NoError(t, npy.WriteFloat64File(empty["pairs.npy"], []int{0, 2}, nil))
	for name, path := range empty {
		idx, times, err := ReadSpikeTimes(path, name, 4)
		require.NoError(t, err, name)
		assert.Empty(t, idx, name)
		assert.Empty(t, times, name)
		pairs, err := ReadPairs(path, name, 3, 3)
		require.NoError(t, err, name)
		assert.Empty(t, pairs, name)
		_, _, err = ReadRates(path, name, 4)
		if name == "header.csv" || name == "pairs.npy" {
			// Their width, 2, is neither one rate for all nor one per source.
			assert.EqualError(t, err, name+": 2 columns; expected 1 or 4")
		} else {
			assert.EqualError(t, err, name+" has no rows")
		}
	}

	three := write("three.csv", "# index, time, weight\n0,0.1,2\n")
	_, _, err := ReadSpikeTimes(three, "three.csv", 4)
	assert.EqualError(t, err, "three.csv: 3 columns; expected 2")
	header3 := write("header3.csv", "index,time,weight\n")
	_, _, err = ReadSpikeTimes(header3, "header3.csv", 4)
	assert.EqualError(t, err, "header3.csv: 3 columns; expected 2")
	two := write("two.csv", "# index, time\n1,0.5\n")
	idx, times, err := ReadSpikeTimes(two, "two.csv", 4)
	require.NoError(t, err)
	assert.Equal(t, []int{1}, idx)
	assert.Equal(t, []float64{0.5}, times)
}
