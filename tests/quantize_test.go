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

// A variable's quantize annotation makes it fixed point without
// --quantize, and only it; with --quantize, it keeps its own width.
func TestQuantizeAnnotation(t *testing.T) {
	const src = `
neuron N {
    state v: mV = 0 mV quantize int16
    state g: mV = 0 mV
    dv/dt = (20 mV + g - v) / (10 ms)
    dg/dt = -g / (5 ms)
    threshold v > 15 mV
    reset { v = 0 mV }
}
population p = N[4]
input drive = poisson[10] { rate = 50 Hz }
synapse S { param w: mV = 1 mV  on pre { post.g += w } }
connect d: drive -> p using S by all_to_all
monitor spikes p
monitor state p.v every 1
`
	compile := func(width int) *ir.Module {
		prog, err := (&lang.Loader{}).Load("a.snn", []byte(src))
		require.NoError(t, err)
		float := lang.Lower(prog)
		float.Vars(func(v *ir.Var) { v.Quantize = 0 })
		require.NoError(t, passes.Run(float, passes.Options{Verify: true}))
		ranges, err := interp.Calibrate(float, 1)
		require.NoError(t, err)
		m := lang.Lower(prog)
		m.Run.Quantize, m.Run.Ranges = width, ranges
		require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
		return m
	}
	types := func(m *ir.Module) (string, string) {
		p := m.Populations[0]
		return ir.VarNamed(p.Vars, "v").Type.String(), ir.VarNamed(p.Vars, "g").Type.String()
	}
	v, g := types(compile(0))
	require.Equal(t, "fx16", v[:4])
	require.Equal(t, "f64", g)
	v, g = types(compile(8))
	require.Equal(t, "fx16", v[:4], "the annotation's width wins")
	require.Equal(t, "fx8.", g[:4])
	res := run(t, compile(0), interp.Options{})
	require.NotEmpty(t, spikesOf(res, "p_spikes").Steps)
}
