package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/llvm"
	"snnc/runtime/npy"
)

// The tests of this file run snnc as a user does: in this process, or,
// where a signal has to reach it, as a child process (this test binary
// with SNNC_TEST_AS_SNNC set runs main's run on its arguments).
func TestMain(m *testing.M) {
	if os.Getenv("SNNC_TEST_AS_SNNC") != "" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	if sharedCacheDir != "" {
		os.RemoveAll(sharedCacheDir)
	}
	os.Exit(code)
}

var (
	sharedCacheOnce sync.Once
	sharedCacheDir  string
)

// sharedCache is one native build cache for the tests that do not test
// the cache itself: the runtime library is compiled once.
func sharedCache(t *testing.T) string {
	t.Helper()
	sharedCacheOnce.Do(func() {
		dir, err := os.MkdirTemp("", "snnc-test-cache-")
		require.NoError(t, err)
		sharedCacheDir = dir
	})
	return sharedCacheDir
}

// needNative skips a test without opt, llc, cc and ar.
func needNative(t *testing.T) {
	t.Helper()
	if missing := llvm.MissingTools(); len(missing) > 0 {
		t.Skipf("missing %v", missing)
	}
}

func writeModel(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

// A model that diverges records its NaNs as the one canonical NaN on
// both targets, the same bytes, and warns once per monitor, at the first
// sample that is not finite, with the same words on both targets.
func TestNonFiniteRecordings(t *testing.T) {
	needNative(t)
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	path := writeModel(t, dir, "div.snn", `neuron D {
    state v = 1
    let d = v - v
    dv/dt = v * v / (1 ms)
    method euler
}
population p = D[2]
monitor state p.v
monitor state p.d
run { duration = 5 ms }
`)
	// Euler: v(k+1) = v(k) + dt·v(k)²/tau overflows at a step found here,
	// independently; d = v - v is then Inf - Inf, a NaN.
	firstInf := int64(0)
	for v := 1.0; !math.IsInf(v, 0); firstInf++ {
		v += 1e-4 * v * v / 1e-3
	}
	stderrs := map[string]string{}
	for _, target := range []string{"interp", "llvm"} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"run", "-q", "--target", target, "--out", filepath.Join(dir, target), path}, &stdout, &stderr), stderr.String())
		stderrs[target] = stderr.String()
		a, err := npy.ReadFile(filepath.Join(dir, target, "p_d.npy"))
		require.NoError(t, err)
		raw, err := os.ReadFile(filepath.Join(dir, target, "p_d.npy"))
		require.NoError(t, err)
		data := raw[len(raw)-8*len(a.Data):]
		nans := 0
		for n := range a.Data {
			bits := binary.LittleEndian.Uint64(data[8*n:])
			if math.IsNaN(math.Float64frombits(bits)) {
				nans++
				require.Equal(t, uint64(0x7ff8000000000000), bits, "%s: NaN %d", target, n)
			}
		}
		require.Positive(t, nans, target)
	}
	for _, f := range []string{"p_v.npy", "p_d.npy"} {
		a, err := os.ReadFile(filepath.Join(dir, "interp", f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir, "llvm", f))
		require.NoError(t, err)
		require.Equal(t, a, b, f)
	}
	assert.Equal(t, stderrs["interp"], stderrs["llvm"])
	lines := strings.Split(strings.TrimSpace(stderrs["interp"]), "\n")
	require.Len(t, lines, 2, stderrs["interp"])
	assert.Contains(t, lines[0], "warning: monitor p_v: p.v is +Inf at t = ")
	assert.Contains(t, lines[0], "(step "+strconv.FormatInt(firstInf, 10)+", element 0)")
	assert.Contains(t, lines[1], "warning: monitor p_d: p.d is NaN at t = ")
	assert.Contains(t, lines[1], "(step "+strconv.FormatInt(firstInf, 10)+", element 0)")
}

// within runs f and fails the test if it has not returned in d: a
// regression that blocks must fail, not hang the suite.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// A data file must be a regular file (links followed), as an import
// must: a named pipe would block the run forever, a link to /dev/zero
// would be read until memory runs out. Both are positioned errors of
// check and run, exit 1.
func TestDataFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "rates.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.csv")))
	for _, c := range []struct{ file, kind string }{{"rates.csv", "a named pipe"}, {"zero.csv", "a character device"}} {
		path := writeModel(t, dir, strings.TrimSuffix(c.file, ".csv")+".snn", `neuron N {
    state v = 0
    dv/dt = -v / (10 ms)
}
population p = N[2]
input drive = poisson[2] { rates = "`+c.file+`"; period = 1 ms }
connect drive -> p { rule = one_to_one; on_pre { v += 1 } }
monitor spikes drive
run { duration = 1 ms }
`)
		for _, cmd := range []string{"check", "run"} {
			within(t, 20*time.Second, func() {
				var stdout, stderr bytes.Buffer
				args := []string{cmd, path}
				if cmd == "run" {
					args = []string{cmd, "-q", "--out", filepath.Join(dir, "out"), path}
				}
				code := run(args, &stdout, &stderr)
				assert.Equal(t, exitModel, code, "%s %s: %s", cmd, c.file, stderr.String())
				assert.Regexp(t, regexp.QuoteMeta(filepath.Base(path))+`:6:\d+: error: data file "`+c.file+`" .*not a regular file \(`+c.kind+`\)`, stderr.String())
			})
		}
	}
}

// The native build cache verifies each entry at every use: a truncated
// executable, one replaced by a program that writes nothing, and an entry
// whose build never sealed it are built again, and the run gives the
// recordings.
func TestCacheVerifiesEntries(t *testing.T) {
	needNative(t)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	t.Setenv("XDG_CACHE_HOME", cache)
	lif := "../../examples/lif_current.snn"
	runOnce := func(name string) {
		t.Helper()
		out := filepath.Join(dir, name)
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"run", "-q", "--target=llvm", "--duration", "20ms", "--out", out, lif}, &stdout, &stderr), stderr.String())
		_, err := os.Stat(filepath.Join(out, "cell_v.npy"))
		require.NoError(t, err, "run %s wrote no recordings", name)
	}
	runOnce("first")
	exes, err := filepath.Glob(filepath.Join(cache, "snnc", "*", "model"))
	require.NoError(t, err)
	require.Len(t, exes, 1)
	exe := exes[0]
	good, err := os.ReadFile(exe)
	require.NoError(t, err)

	// Truncated: was "exec format error" in every later run.
	require.NoError(t, os.Truncate(exe, int64(len(good)/2)))
	runOnce("truncated")
	// Replaced by a program that exits 0 and writes nothing.
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\nexit 0\n"), 0o755))
	runOnce("empty")
	// Unsealed: the hash is written last, so its absence is a build
	// that did not finish.
	require.NoError(t, os.Remove(exe+".sha256"))
	runOnce("unsealed")
	again, err := os.ReadFile(exe)
	require.NoError(t, err)
	require.Equal(t, good, again, "the rebuilt executable")

	// The runtime library is verified the same way.
	libs, err := filepath.Glob(filepath.Join(cache, "snnc", "runtime-*", "libsnnrt.a"))
	require.NoError(t, err)
	require.Len(t, libs, 1)
	require.NoError(t, os.Truncate(libs[0], 100))
	require.NoError(t, os.Remove(exe+".sha256")) // so that the model is linked again
	runOnce("library")
}

// Without HOME or XDG_CACHE_HOME the cache is snnc-cache-UID in the
// temporary directory, made private (0700); one that is a link, or that
// others may enter, is refused with a message, exit 1.
func TestCacheWithoutHome(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("TMPDIR", tmp)
	root, err := llvm.CacheRoot()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(tmp, "snnc-cache-"+strconv.Itoa(os.Getuid())), root)
	st, err := os.Lstat(root)
	require.NoError(t, err)
	require.True(t, st.IsDir())
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())

	require.NoError(t, os.Chmod(root, 0o777))
	_, err = llvm.CacheRoot()
	require.ErrorContains(t, err, "lets other users in")
	require.NoError(t, os.Remove(root))
	require.NoError(t, os.Symlink(t.TempDir(), root))
	_, err = llvm.CacheRoot()
	require.ErrorContains(t, err, "not a directory")

	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitModel, run([]string{"run", "-q", "--target=llvm", "--out", filepath.Join(tmp, "o"), "../../examples/lif_current.snn"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "remove it, or set XDG_CACHE_HOME or HOME")
}
