package npy

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The readers refuse what is not a regular file when they open it (a
// named pipe without blocking on it), and a file over the size bound,
// whatever a check before found: the file may have been swapped since.
func TestReadersRefuseNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "p.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	zero := filepath.Join(dir, "z.npy")
	require.NoError(t, os.Symlink("/dev/zero", zero))
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxCSVSize+1)) // sparse: nothing is written
	require.NoError(t, f.Close())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := ReadCSVFile(fifo)
		assert.ErrorContains(t, err, "not a regular file (a named pipe)")
		_, err = ReadFile(zero)
		assert.ErrorContains(t, err, "not a regular file (a character device)")
		_, err = ReadCSVFile(big)
		assert.ErrorContains(t, err, "larger than the 256 MiB")
		assert.ErrorContains(t, CheckDataFile(big, MaxCSVSize), "larger than")
		assert.NoError(t, CheckDataFile(big, MaxNPYSize))
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("a reader blocked")
	}
}
