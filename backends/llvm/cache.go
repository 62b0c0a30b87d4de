package llvm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The cache (CacheRoot: os.UserCacheDir()/snnc) holds built models, one
// directory per key, and compiled runtimes, runtime-HASH. TrimCache keeps
// it from growing without end.
//
// An entry is trusted only as far as it verifies: Seal writes the hash of
// an entry's file beside it (FILE.sha256) once the file is in place, and
// Verified recomputes it at every use. A file that a full disk, a crash
// or a hand truncated, or that anything replaced, fails, and is built
// again; an entry without its hash is one whose build did not finish.
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

// CacheRoot returns the cache directory, made if missing:
// os.UserCacheDir()/snnc, or, where there is no user cache directory
// (neither XDG_CACHE_HOME nor HOME set), snnc-cache-UID in the temporary
// directory. The latter is shared ground, so it is made with mode 0700
// and used only if it is a directory (not a link) that this user owns
// and no one else may enter: another user could otherwise put an
// executable there for this one to run.
func CacheRoot() (string, error) {
	if dir, err := os.UserCacheDir(); err == nil {
		root := filepath.Join(dir, "snnc")
		if err := os.MkdirAll(root, 0o755); err != nil {
			return "", err
		}
		return root, nil
	}
	root := filepath.Join(os.TempDir(), fmt.Sprintf("snnc-cache-%d", os.Getuid()))
	if err := os.Mkdir(root, 0o700); err != nil && !os.IsExist(err) {
		return "", err
	}
	if err := checkPrivate(root); err != nil {
		return "", fmt.Errorf("the build cache %s: %v; remove it, or set XDG_CACHE_HOME or HOME", root, err)
	}
	return root, nil
}

// checkPrivate checks that dir is a directory, not a link, owned by this
// user, with no permissions for group or others.
func checkPrivate(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("not a directory (%s)", st.Mode().Type())
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
		return fmt.Errorf("owned by user %d, not by this user (%d)", sys.Uid, os.Getuid())
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("mode %v lets other users in", perm)
	}
	return nil
}

// fileHash is the hex SHA-256 of the file at path.
func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Install moves a file built in a temporary directory into its cache
// entry at dst, with its hash: the hash is computed where the file was
// built, and the file and then the hash are renamed into the entry, so an
// entry verifies only once it is whole. Nothing is removed first: a
// concurrent build of the same entry renames an identical file over it,
// and no build deletes another's finished entry. The hash guards against
// truncated files and unfinished builds, not against someone who may write
// the cache (they could rewrite the hash too; CacheRoot keeps the cache
// private for that).
func Install(built, dst string) error {
	sum, err := fileHash(built)
	if err != nil {
		return err
	}
	if err := os.WriteFile(built+".sha256", []byte(sum+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(built, dst); err != nil {
		return err
	}
	return os.Rename(built+".sha256", dst+".sha256")
}

// Verified reports whether the cache file at path is there and is what
// Install hashed.
func Verified(path string) bool {
	want, err := os.ReadFile(path + ".sha256")
	if err != nil {
		return false
	}
	got, err := fileHash(path)
	return err == nil && bytes.Equal(bytes.TrimSpace(want), []byte(got))
}
