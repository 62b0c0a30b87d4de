package llvm

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The cache (os.UserCacheDir()/snnc) holds built models, one directory
// per key, and compiled runtimes, runtime-HASH. TrimCache keeps it from
// growing without end.
const (
	// CachedModels and CachedRuntimes are how many of each the cache
	// keeps: the most recently used.
	CachedModels   = 64
	CachedRuntimes = 4
	// staleBuild is how old a build directory left by an interrupted
	// build must be before TrimCache removes it.
	staleBuild = time.Hour
)

// Touch marks a cache entry as used now, for TrimCache.
func Touch(dir string) {
	now := time.Now()
	_ = os.Chtimes(dir, now, now) // an entry that cannot be marked is only evicted sooner
}

// TrimCache removes from the cache directory root all but the
// CachedModels most recently used models and CachedRuntimes runtimes,
// and the build directories of builds interrupted more than an hour ago.
// What cannot be removed stays: the cache is an optimisation.
func TrimCache(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	type entry struct {
		path string
		used time.Time
	}
	var models, runtimes []entry
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.IsDir() {
			continue
		}
		x := entry{filepath.Join(root, e.Name()), info.ModTime()}
		switch name := e.Name(); {
		case strings.HasPrefix(name, "build-") || strings.HasPrefix(name, "runtime-build-"):
			if time.Since(x.used) > staleBuild {
				_ = os.RemoveAll(x.path)
			}
		case strings.HasPrefix(name, "runtime-"):
			runtimes = append(runtimes, x)
		default:
			models = append(models, x)
		}
	}
	evict := func(list []entry, keep int) {
		slices.SortFunc(list, func(a, b entry) int { return b.used.Compare(a.used) })
		for _, x := range list[min(keep, len(list)):] {
			_ = os.RemoveAll(x.path)
		}
	}
	evict(models, CachedModels)
	evict(runtimes, CachedRuntimes)
}
