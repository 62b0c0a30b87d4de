package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/llvm"
)

// resumeModel is small and quick; its variants below change what a
// resume must refuse.
const resumeModel = `
neuron LIF {
    state v = 0
    dv/dt = (1.2 - v) / (10 ms)
    threshold v > 1
    reset { v = 0 }
}
population cells = LIF[10]
monitor spikes cells
monitor state cells.v
run { duration = 5 ms  dt = 0.1 ms  seed = 3 }
`

// snncRun runs snnc with args in dir and returns its exit status and
// standard error.
func snncRun(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(dir))
	defer func() { require.NoError(t, os.Chdir(wd)) }()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"run", "-q"}, args...), &stdout, &stderr)
	return code, stderr.String()
}

func TestResumeErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	write("m.snn", resumeModel)
	write("bigger.snn", strings.Replace(resumeModel, "LIF[10]", "LIF[12]", 1))
	write("dt.snn", strings.Replace(resumeModel, "dt = 0.1 ms", "dt = 0.05 ms", 1))
	code, msg := snncRun(t, dir, "--out", "first", "m.snn")
	require.Equal(t, exitOK, code, msg)
	code, msg = snncRun(t, dir, "--out", "off", "--checkpoint=off", "m.snn")
	require.Equal(t, exitOK, code, msg)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "trunc"), 0o755))
	code, msg = snncRun(t, dir, "--out", "trunc", "m.snn")
	require.Equal(t, exitOK, code, msg)
	raw := filepath.Join(dir, "trunc", "state", "raw", "0.npy")
	data, err := os.ReadFile(raw)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(raw, data[:len(data)-4], 0o644))

	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"population size", []string{"--resume", "first", "bigger.snn"}, exitModel,
			"--resume first: the model differs from the one that wrote first/state/checkpoint.json (line "},
		{"population size names it", []string{"--resume", "first", "bigger.snn"}, exitModel, "`population cells : LIF[10] {` there, `population cells : LIF[12] {` here"},
		{"dt", []string{"--resume", "first", "dt.snn"}, exitModel, "(dt is 0.0001 s there, 5e-05 s here)"},
		{"seed", []string{"--resume", "first", "--seed", "4", "m.snn"}, exitModel,
			"--resume first: the run there had seed 3, this one 4; resume with --seed 3"},
		{"checkpoint off", []string{"--resume", "off", "m.snn"}, exitModel,
			"--resume off: the run that wrote it saved no checkpoint (state/checkpoint.json): it ran with --checkpoint=off"},
		{"no run there", []string{"--resume", "nowhere", "m.snn"}, exitModel, "--resume nowhere: no summary.json there"},
		{"truncated raw file", []string{"--resume", "trunc", "m.snn"}, exitModel, "--resume trunc: " + filepath.Join("trunc", "state", "raw", "0.npy") + ": "},
		{"checkpoint value", []string{"--checkpoint=maybe", "m.snn"}, exitUsage, "--checkpoint=maybe: on or off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msg := snncRun(t, dir, append([]string{"--out", "again"}, c.args...)...)
			require.Equal(t, c.code, code, msg)
			require.Contains(t, msg, c.msg)
		})
	}
}

// A resume may write into the directory it resumes: what it needs is read
// first. The oracle is one run of both durations.
func TestResumeIntoItself(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.snn"), []byte(resumeModel), 0o644))
	code, msg := snncRun(t, dir, "--out", "long", "--duration", "10ms", "m.snn")
	require.Equal(t, exitOK, code, msg)
	code, msg = snncRun(t, dir, "--out", "out", "m.snn")
	require.Equal(t, exitOK, code, msg)
	code, msg = snncRun(t, dir, "--out", "out", "--resume", "out", "m.snn")
	require.Equal(t, exitOK, code, msg)
	for _, f := range []string{"cells_spikes.t.npy", "cells_spikes.i.npy", "cells_v.npy", "cells_v.t.npy", "state/cells.v.npy", "state/checkpoint.json"} {
		a, err := os.ReadFile(filepath.Join(dir, "long", f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir, "out", f))
		require.NoError(t, err)
		require.Equal(t, a, b, f)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "out", "summary.json"))
	require.NoError(t, err)
	require.Contains(t, string(sum), `"resumed_from": "out"`)
}

// The native executable resumes as the interpreter does, into its own
// directory too, and refuses what the interpreter refuses, in the same
// words.
func TestResumeNativeCLI(t *testing.T) {
	needNative(t)
	t.Setenv("XDG_CACHE_HOME", sharedCache(t))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.snn"), []byte(resumeModel), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bigger.snn"), []byte(strings.Replace(resumeModel, "LIF[10]", "LIF[12]", 1)), 0o644))
	code, msg := snncRun(t, dir, "--out", "long", "--duration", "10ms", "m.snn")
	require.Equal(t, exitOK, code, msg)
	for _, threads := range []string{"1", "3"} {
		out := "out" + threads
		code, msg = snncRun(t, dir, "--target", "llvm", "--threads", threads, "--out", out, "m.snn")
		require.Equal(t, exitOK, code, msg)
		code, msg = snncRun(t, dir, "--target", "llvm", "--threads", threads, "--out", out, "--resume", out, "m.snn")
		require.Equal(t, exitOK, code, msg)
		for _, f := range []string{"cells_spikes.t.npy", "cells_spikes.i.npy", "cells_v.npy", "cells_v.t.npy", "state/cells.v.npy", "state/checkpoint.json"} {
			a, err := os.ReadFile(filepath.Join(dir, "long", f))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(dir, out, f))
			require.NoError(t, err)
			require.Equal(t, a, b, "%s at %s threads", f, threads)
		}
	}
	code, msg = snncRun(t, dir, "--target", "llvm", "--out", "again", "--resume", "long", "bigger.snn")
	require.Equal(t, exitModel, code, msg)
	require.Contains(t, msg, "--resume long: the model differs from the one that wrote long/state/checkpoint.json (line 4 of its IR (snnc ir) is `population cells : LIF[10] {` there, `population cells : LIF[12] {` here)")
	code, msg = snncRun(t, dir, "--target", "llvm", "--out", "off", "--checkpoint=off", "m.snn")
	require.Equal(t, exitOK, code, msg)
	code, msg = snncRun(t, dir, "--target", "llvm", "--out", "again", "--resume", "off", "m.snn")
	require.Equal(t, exitModel, code, msg)
	require.Contains(t, msg, "--resume off: the run that wrote it saved no checkpoint (state/checkpoint.json): it ran with --checkpoint=off")
	code, msg = snncRun(t, dir, "--target", "llvm", "--out", "again", "--resume", "long", "--seed", "4", "m.snn")
	require.Equal(t, exitModel, code, msg)
	require.Contains(t, msg, "--resume long: the run there had seed 3, this one 4; resume with --seed 3")
	raw := filepath.Join(dir, "long", "state", "raw", "0.npy")
	data, err := os.ReadFile(raw)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(raw, data[:len(data)-4], 0o644))
	code, msg = snncRun(t, dir, "--target", "llvm", "--out", "again", "--resume", "long", "m.snn")
	require.Equal(t, exitModel, code, msg)
	require.Contains(t, msg, "--resume long: long/state/raw/0.npy: the header says 10 elements of <f8, 80 bytes of data, but the file has 76 bytes after the header; it is truncated or corrupt")
}

// A resume into its own directory that fails (here: a --set the model
// does not have, found once the run begins) leaves the checkpoint there
// to resume from again, on both targets.
func TestResumeFailureKeepsCheckpoint(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.snn"), []byte(resumeModel), 0o644))
	targets := []string{"interp"}
	if len(llvm.MissingTools()) == 0 {
		t.Setenv("XDG_CACHE_HOME", sharedCache(t))
		targets = append(targets, "llvm")
	}
	for _, target := range targets {
		out := "out-" + target
		code, msg := snncRun(t, dir, "--target", target, "--out", out, "m.snn")
		require.Equal(t, exitOK, code, msg)
		code, msg = snncRun(t, dir, "--target", target, "--out", out, "--resume", out, "--duration", "1e9s", "m.snn")
		require.Equal(t, exitModel, code, msg)
		require.FileExists(t, filepath.Join(dir, out, "state", "checkpoint.json"), target)
		code, msg = snncRun(t, dir, "--target", target, "--out", out, "--resume", out, "m.snn")
		require.Equal(t, exitOK, code, "%s: %s", target, msg)
	}
}
