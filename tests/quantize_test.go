package tests

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// quantizedFile compiles a model file quantized to width bits, calibrated
// on its first second, as snnc --quantize does.
func quantizedFile(t *testing.T, path string, width int) *ir.Module {
	t.Helper()
	ranges, err := interp.Calibrate(compileFile(t, path), 1)
	require.NoError(t, err)
	prog, err := lang.LoadFile(path)
	require.NoError(t, err)
	m := lang.Lower(prog)
	m.Run.Quantize, m.Run.Ranges = width, ranges
	require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
	return m
}

// One LIF neuron under constant current, quantized to 16 and 32 bits,
// fires the float model's spikes, each within 1 ms; and the quantized
// run is deterministic.
func TestQuantizeLIF(t *testing.T) {
	want := spikesOf(run(t, compileFile(t, "../examples/lif_current.snn"), interp.Options{}), "cell_spikes")
	require.NotEmpty(t, want.Steps)
	for _, width := range []int{16, 32} {
		m := quantizedFile(t, "../examples/lif_current.snn", width)
		res := run(t, m, interp.Options{})
		got := spikesOf(res, "cell_spikes")
		require.Len(t, got.Steps, len(want.Steps), "%d bits", width)
		for n := range want.Steps {
			require.InDelta(t, want.Steps[n], got.Steps[n], 10, "%d bits: spike %d more than 1 ms (10 steps) off", width, n)
		}
		again := outputBytes(t, m, run(t, m, interp.Options{}))
		for file, data := range outputBytes(t, m, res) {
			require.True(t, slices.Equal(data, again[file]), "%s differs between two runs", file)
		}
	}
}
