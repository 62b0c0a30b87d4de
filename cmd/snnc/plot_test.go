package main

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlotCommand runs a model and plots what it wrote: a PNG per monitor
// by default, one figure with -o, and a one-line message for each error.
func TestPlotCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "izh.out")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"run", "-q", "--out", out, "../../examples/izhikevich.snn"}, &stdout, &stderr), stderr.String())

	stdout.Reset()
	stderr.Reset()
	require.Equal(t, exitOK, run([]string{"plot", out}, &stdout, &stderr), stderr.String())
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var monitors int
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".t.npy") {
			monitors++
		}
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, monitors, "a figure per monitor")
	for _, l := range lines {
		path, ok := strings.CutPrefix(l, "wrote ")
		require.True(t, ok, l)
		assert.Equal(t, filepath.Join(out, "plots"), filepath.Dir(path))
		f, err := os.Open(path)
		require.NoError(t, err)
		img, err := png.Decode(f)
		f.Close()
		require.NoError(t, err, path)
		assert.Equal(t, 960, img.Bounds().Dx(), path) // 6.4 in at 150 dpi
		assert.Equal(t, 600, img.Bounds().Dy(), path)
	}
	assert.FileExists(t, filepath.Join(out, "plots", "rs_v.state.png"))
	assert.FileExists(t, filepath.Join(out, "plots", "rs_spikes.raster.png"))

	// All the spike monitors' rates in one SVG figure.
	svg := filepath.Join(dir, "rates.svg")
	stdout.Reset()
	require.Equal(t, exitOK, run([]string{"plot", out, "--what", "rate", "--bin", "10 ms", "-o", svg}, &stdout, &stderr), stderr.String())
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			require.Equal(t, "EOF", err.Error())
			break
		}
	}

	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown what", []string{"plot", out, "--what", "heatmap"}, exitUsage, `snnc plot: unknown --what "heatmap" (want raster, state, rate, weights); see snnc help plot`},
		{"bad extension", []string{"plot", out, "-o", filepath.Join(dir, "x.pdf")}, exitUsage, "must end in .png or .svg"},
		{"bad bin", []string{"plot", out, "--what", "rate", "--bin", "5 mV"}, exitUsage, `--bin: "5 mV" is not a time`},
		{"no directory", []string{"plot"}, exitUsage, "give one output directory"},
		{"mixed kinds in one file", []string{"plot", out, "-o", filepath.Join(dir, "x.png")}, exitUsage, "-o puts the monitors in one figure of one kind"},
		{"not an output directory", []string{"plot", dir + "/plots-none"}, exitModel, "no such directory"},
		{"a file", []string{"plot", svg}, exitModel, "is not a directory"},
		{"empty directory", []string{"plot", t.TempDir()}, exitModel, "is not a run's output directory"},
		{"unknown monitor", []string{"plot", out, "--monitor", "nope"}, exitModel, `has no monitor "nope" (it has `},
		{"kind that does not apply", []string{"plot", out, "--monitor", "rs_spikes", "--what", "weights"}, exitModel, "monitor rs_spikes records spikes: it has no weights plot"},
		{"nothing to draw", []string{"plot", out, "--what", "weights"}, exitModel, "has no monitor that --what weights applies to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, c.code, run(c.args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), c.stderr)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		})
	}
}
