package runtime

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CheckOut takes a missing or empty directory, one with a summary.json of
// snnc's, and one holding only what a run writes (a run that failed after
// removing its summary); it refuses a file, and a directory with anything
// else, naming the first such entry by name.
func TestCheckOut(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files ...string) string {
		d := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		for _, f := range files {
			require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(d, f)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(d, f), []byte("x"), 0o644))
		}
		return d
	}
	assert.NoError(t, CheckOut(filepath.Join(dir, "missing")))
	assert.NoError(t, CheckOut(mk("empty")))
	assert.NoError(t, CheckOut(mk("leftovers", "a.t.npy", "state/p.v.npy", "state/raw/0.npy")))
	ours := mk("ours", "notes.txt")
	sum := &Summary{Model: "m.snn", Target: "interp", Steps: 1}
	require.NoError(t, Write(ours, 1e-4, nil, nil, sum))
	assert.NoError(t, CheckOut(ours))

	err := CheckOut(mk("photos", "b.jpg", "a.png", "x.npy"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "snnc did not write it (it has no summary.json of a run, and a.png is not a recording)")
	err = CheckOut(mk("fake", "summary.json"))
	require.Error(t, err, "a summary.json that is not snnc's")
	assert.Contains(t, err.Error(), "summary.json is not a recording")
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	assert.EqualError(t, CheckOut(file), "--out "+file+": not a directory")
}
