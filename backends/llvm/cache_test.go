package llvm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TrimCache keeps the most recently used models and runtimes, and
// removes stale build directories but not fresh ones.
func TestTrimCache(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration) {
		dir := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "model"), []byte("x"), 0o644))
		require.NoError(t, os.Chtimes(dir, now.Add(-age), now.Add(-age)))
	}
	for n := range CachedModels + 3 {
		mk(fmt.Sprintf("%064x", n), time.Duration(n)*time.Minute) // model 0 is the newest
	}
	for n := range CachedRuntimes + 2 {
		mk(fmt.Sprintf("runtime-%024x", n), time.Duration(n)*time.Minute)
	}
	mk("build-old", 2*time.Hour)
	mk("build-new", time.Minute)
	mk("runtime-build-old", 2*time.Hour)
	Touch(filepath.Join(root, fmt.Sprintf("%064x", CachedModels+2))) // the oldest, used again

	TrimCache(root)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var want []string
	for n := range CachedModels - 1 {
		want = append(want, fmt.Sprintf("%064x", n))
	}
	want = append(want, fmt.Sprintf("%064x", CachedModels+2), "build-new")
	for n := range CachedRuntimes {
		want = append(want, fmt.Sprintf("runtime-%024x", n))
	}
	slices.Sort(want)
	require.Equal(t, want, names)
}
