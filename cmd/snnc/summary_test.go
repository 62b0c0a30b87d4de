package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/llvm"
	"snnc/version"
)

// summary.json says what a run was: snnc's version, the model file's hash
// (checked against crypto/sha256 of the file here), the threads, the
// --set values as given and each monitor's kind, target, variable, unit,
// period and files. The interpreter and a native run write the same bytes
// but for the wall time, the target and the threads.
func TestSummaryDescribesRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	lif := "../../examples/lif_current.snn"
	args := []string{"--duration", "20ms", "--set", "i_drive = 0.3 nA", "-q", lif}
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(append([]string{"run", "--out", filepath.Join(dir, "interp")}, args...), &stdout, &stderr), stderr.String())
	data, err := os.ReadFile(filepath.Join(dir, "interp", "summary.json"))
	require.NoError(t, err)
	var sum struct {
		SnncVersion string            `json:"snnc_version"`
		ModelSHA256 string            `json:"model_sha256"`
		Threads     int               `json:"threads"`
		Set         map[string]string `json:"set"`
		Monitors    []map[string]any  `json:"monitors"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	src, err := os.ReadFile(lif)
	require.NoError(t, err)
	h := sha256.Sum256(src)
	assert.Equal(t, hex.EncodeToString(h[:]), sum.ModelSHA256)
	assert.Equal(t, version.Version, sum.SnncVersion)
	assert.Equal(t, 1, sum.Threads)
	assert.Equal(t, map[string]string{"i_drive": "0.3 nA"}, sum.Set)
	// lif_current.snn: monitor spikes cell; monitor state cell.v every 1,
	// dt = 0.1 ms.
	assert.Equal(t, []map[string]any{
		{"name": "cell_spikes", "kind": "spikes", "target": "cell", "files": []any{"cell_spikes.t.npy", "cell_spikes.i.npy"}},
		{"name": "cell_v", "kind": "state", "target": "cell", "variable": "v", "unit": "V", "period": 1e-4,
			"files": []any{"cell_v.t.npy", "cell_v.i.npy", "cell_v.npy"}},
	}, sum.Monitors)
	for _, m := range sum.Monitors {
		for _, f := range m["files"].([]any) {
			assert.FileExists(t, filepath.Join(dir, "interp", f.(string)))
		}
	}
	if len(llvm.MissingTools()) > 0 {
		return
	}
	require.Equal(t, exitOK, run(append([]string{"run", "--target=llvm", "--threads", "2", "--out", filepath.Join(dir, "native")}, args...), &stdout, &stderr), stderr.String())
	native, err := os.ReadFile(filepath.Join(dir, "native", "summary.json"))
	require.NoError(t, err)
	assert.Contains(t, string(native), "\n  \"threads\": 2,\n")
	differ := regexp.MustCompile(`(?m)^  "(wall_seconds|target|threads)": .*$`)
	assert.Equal(t, string(differ.ReplaceAll(data, nil)), string(differ.ReplaceAll(native, nil)))
}

// A run refuses an output directory snnc did not write, on both targets
// and in a built executable, and touches nothing in it; an empty one, or
// one a run wrote, is used.
func TestOutRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	lif := "../../examples/lif_current.snn"
	foreign := filepath.Join(dir, "photos")
	require.NoError(t, os.MkdirAll(foreign, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(foreign, "cat.jpg"), []byte("mine"), 0o644))
	want := "--out " + foreign + ": the directory exists and snnc did not write it (it has no summary.json of a run, and cat.jpg is not a recording); choose another --out, or remove the directory\n"
	targets := []string{"interp"}
	if len(llvm.MissingTools()) == 0 {
		targets = append(targets, "llvm")
	}
	for _, target := range targets {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, exitModel, run([]string{"run", "-q", "--target", target, "--duration", "1ms", "--out", foreign, lif}, &stdout, &stderr))
		assert.Equal(t, "snnc run: "+want, stderr.String(), target)
	}
	if len(targets) > 1 {
		exe := filepath.Join(dir, "lif")
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"build", "-o", exe, lif}, &stdout, &stderr), stderr.String())
		out, err := exec.Command(exe, "-q", "--duration", "1ms", "--out", foreign).CombinedOutput()
		require.Error(t, err)
		assert.Equal(t, "lif: "+want, string(out))
	}
	entries, err := os.ReadDir(foreign)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the refused directory is left as it was")
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitOK, run([]string{"run", "-q", "--duration", "1ms", "--out", empty, lif}, &stdout, &stderr), stderr.String())
	assert.Equal(t, exitOK, run([]string{"run", "-q", "--duration", "1ms", "--out", empty, lif}, &stdout, &stderr), stderr.String())
}

// A monitor of a projection lists its pre and post files, a dimensionless
// variable has unit "1", and a period of 1 ms is 0.001 s (nmda.snn: dt =
// 0.1 ms, monitor state nmda.g_syn every 1 ms); the native run's summary
// is the interpreter's but for the wall time, the target and the threads.
func TestSummaryProjectionMonitor(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	model := "../../examples/nmda.snn"
	args := []string{"--duration", "20ms", "-q", model}
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run(append([]string{"run", "--out", filepath.Join(dir, "interp")}, args...), &stdout, &stderr), stderr.String())
	data, err := os.ReadFile(filepath.Join(dir, "interp", "summary.json"))
	require.NoError(t, err)
	var sum struct {
		Set      map[string]string `json:"set"`
		Monitors []map[string]any  `json:"monitors"`
	}
	require.NoError(t, json.Unmarshal(data, &sum))
	assert.Equal(t, map[string]string{}, sum.Set)
	require.Len(t, sum.Monitors, 4)
	assert.Equal(t, map[string]any{"name": "nmda_g_syn", "kind": "state", "target": "nmda", "variable": "g_syn", "unit": "1",
		"period": 0.001, "files": []any{"nmda_g_syn.t.npy", "nmda_g_syn.i.npy", "nmda_g_syn.npy", "nmda_g_syn.pre.npy", "nmda_g_syn.post.npy"}},
		sum.Monitors[1])
	for _, m := range sum.Monitors {
		for _, f := range m["files"].([]any) {
			assert.FileExists(t, filepath.Join(dir, "interp", f.(string)))
		}
	}
	if len(llvm.MissingTools()) > 0 {
		return
	}
	require.Equal(t, exitOK, run(append([]string{"run", "--target=llvm", "--out", filepath.Join(dir, "native")}, args...), &stdout, &stderr), stderr.String())
	native, err := os.ReadFile(filepath.Join(dir, "native", "summary.json"))
	require.NoError(t, err)
	differ := regexp.MustCompile(`(?m)^  "(wall_seconds|target|threads)": .*$`)
	assert.Equal(t, string(differ.ReplaceAll(data, nil)), string(differ.ReplaceAll(native, nil)))
}
