package tests

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/ir"
)

// quantizedFile compiles a model file quantized to width bits (or
// ir.QuantizeFixed) as snnc --quantize does: calibrated on its first
// second in floating point, without prune.
func quantizedFile(t testing.TB, path string, width int) *ir.Module {
	t.Helper()
	return quantizedWith(t, path, width, driver.Options{}, calibration(t, path, driver.Options{}))
}

// quantizedSource does it for a model given as text.
func quantizedSource(t testing.TB, name, src string, width int) *ir.Module {
	t.Helper()
	return compileSourceWith(t, name, src, driver.Options{Quantize: width})
}

// calibration is what the driver's calibration run gives for a model
// file compiled with the options o; quantizedWith reuses it. The run is
// deterministic, so one per file and options serves every test of the
// process (calibrations): a large example's costs a second of
// interpretation (vogels2011's, 20 s), which six tests would repeat.
func calibration(t testing.TB, path string, o driver.Options) map[string][2]float64 {
	t.Helper()
	o.Verify = true
	key, memo := fmt.Sprintf("%s|%q|%q|%q|%v", path, o.Only, o.Disable, o.PruneWeight, o.Ranges), o.After == nil && o.Lowered == nil
	if r, ok := calibrations.Load(key); ok && memo {
		return r.(map[string][2]float64)
	}
	prog, err := driver.Load(path)
	require.NoError(t, err)
	ranges, err := driver.CalibrateProgram(prog, o)
	require.NoError(t, err)
	if memo {
		calibrations.Store(key, ranges)
	}
	return ranges
}

// calibrations holds calibration's results by file and options.
var calibrations sync.Map

// quantizedWith compiles a model file quantized to width, with the
// options o and the ranges of calibration(t, path, o): one calibration
// serves several widths.
func quantizedWith(t testing.TB, path string, width int, o driver.Options, ranges map[string][2]float64) *ir.Module {
	t.Helper()
	o.Quantize, o.Calibration = width, ranges
	return compileWith(t, path, o)
}

// One LIF neuron under constant current, quantized to 16 and 32 bits and
// with --quantize=fixed, fires the float model's spikes, each within 1
// ms; and the quantized run is deterministic.
func TestQuantizeLIF(t *testing.T) {
	want := spikesOf(run(t, compileFile(t, "../examples/lif_current.snn"), interp.Options{}), "cell_spikes")
	require.NotEmpty(t, want.Steps)
	for _, width := range []int{16, 32, ir.QuantizeFixed} {
		m := quantizedFile(t, "../examples/lif_current.snn", width)
		res := run(t, m, interp.Options{})
		got := spikesOf(res, "cell_spikes")
		require.Len(t, got.Steps, len(want.Steps), "%d bits", width)
		// Each interval within one step of the float model's: the float
		// model's v crosses the threshold by 2.5 µV, less than an LSB of
		// 16 bits (3.8 µV), so the dithered v crosses it a step later in
		// about a third of the intervals (and never earlier: a step before,
		// v is 47 µV below).
		for n := 1; n < len(want.Steps); n++ {
			isi := want.Steps[n] - want.Steps[n-1]
			require.InDelta(t, isi, got.Steps[n]-got.Steps[n-1], 1, "%d bits: interval %d more than a step off", width, n)
		}
		if width == 32 {
			require.Equal(t, want.Steps, got.Steps, "32 bits: the float model's spikes")
		}
		again := outputBytes(t, m, run(t, m, interp.Options{}))
		for file, data := range outputBytes(t, m, res) {
			require.True(t, slices.Equal(data, again[file]), "%s differs between two runs", file)
		}
	}
}

// A variable's quantize annotation makes it fixed point without
// --quantize, and only it; with --quantize (fixed too), it keeps its own
// width.
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
	compile := func(width int) *ir.Module { return quantizedSource(t, "a.snn", src, width) }
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
	m := compile(ir.QuantizeFixed)
	v, g = types(m)
	require.Equal(t, "fx16", v[:4], "the annotation's width wins under fixed too")
	require.Equal(t, "fx", g[:2])
	for _, n := range m.Notes {
		require.NotContains(t, n, "p.v fx", "an annotated width is not chosen")
	}
	require.Contains(t, strings.Join(m.Notes, "\n"), "quantize: p.g "+g+": ")
	res := run(t, compile(0), interp.Options{})
	require.NotEmpty(t, spikesOf(res, "p_spikes").Steps)
}

// --quantize=fixed compiles and runs every example on the interpreter;
// every variable it quantized has a note with its format and why, and the
// widths are the rule's (spec/passes.md, "quantize"): 16 bits for a
// decaying variable whose rounding noise is below 2^-10 of its span only
// from 16 bits on (CUBA's v, ge, gi), 8 for one that took the one value 0
// (a conductance nothing drives), 32 for a slowly decaying threshold
// (homeostasis) and a constant of 4.4e6 (alif), 16 for an STDP weight
// whose steps are at least 64 LSBs from 16 bits on. Constants and
// accumulators follow the widest width chosen.
func TestQuantizeFixedExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	want := map[string]map[string]string{
		"cuba":          {"exc.v": "fx16.", "exc.ge": "fx16.", "exc.gi": "fx16.", "inh.v": "fx16."},
		"lif_current":   {"cell.v": "fx16.", "cell.ge": "fx8.", "cell.gi": "fx8."},
		"homeostasis":   {"exc.v": "fx16.", "exc.theta": "fx32."},
		"alif":          {"adaptive.decay.v.i_syn": "fx32.", "readout.gi": "fx8."},
		"stdp_song2000": {"plastic.w": "fx16.", "plastic.a_pre": "fx16.", "out.ge": "fx16."},
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		if _, ok := notQuantizable[name]; ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			m := quantizedFile(t, f, ir.QuantizeFixed)
			require.Equal(t, ir.QuantizeFixed, m.Run.Quantize)
			notes := strings.Join(m.Notes, "\n")
			widest, widths := 0, []int{}
			check := func(owner string, vars []*ir.Var) {
				for _, v := range vars {
					if v.Type.Kind != ir.Fixed {
						continue
					}
					widest = max(widest, int(v.Type.Width))
					widths = append(widths, int(v.Type.Width))
					key := owner + "." + v.Name
					require.Contains(t, notes, "quantize: "+key+" "+v.Type.String()+": ", "no note on %s's width", key)
					if w, ok := want[name][key]; ok {
						require.True(t, strings.HasPrefix(v.Type.String(), w), "%s is %s, want %s", key, v.Type, w)
						delete(want[name], key)
					}
				}
			}
			for _, p := range m.Populations {
				if p.Group == nil {
					check(p.Name, p.Vars)
				}
				for _, d := range p.Dendrites {
					check(p.Name+"."+d.Name, d.Vars)
				}
			}
			for _, pr := range m.Projections {
				check(pr.Name, pr.Vars)
			}
			require.Empty(t, want[name], "variables not found quantized")
			// The constants are of the widest width (or of the variable
			// a reset stores them into), the accumulators of twice that,
			// at most 32 bits.
			m.Kernels(func(_ string, k *ir.Kernel) {
				k.Instrs(func(in *ir.Instr) {
					if in.Type().Kind == ir.Fixed {
						require.LessOrEqual(t, int(in.Type().Width), min(2*widest, 32), "%s in %s", in.Op, k.Name)
					}
					if _, ok := in.Const(); ok && in.Type().Kind == ir.Fixed && in.Block != nil {
						require.Contains(t, append(widths, min(2*widest, 32)), int(in.Type().Width), "a constant in %s", k.Name)
					}
				})
			})
			res := run(t, m, interp.Options{Duration: min(m.Run.Duration, 0.2)})
			again := outputBytes(t, m, run(t, m, interp.Options{Duration: min(m.Run.Duration, 0.2)}))
			for file, data := range outputBytes(t, m, res) {
				require.True(t, slices.Equal(data, again[file]), "%s differs between two runs", file)
			}
		})
	}
}

// Every example quantized to 16 bits records the same bytes with the
// passes prune, fuse or fold switched off: the dither streams are keyed by
// the source's names (passes/quantize.go, assignStreams), and the passes
// that change the model's shape run after quantize, exact on fixed point.
// (The native target records the interpreter's bytes without fuse too:
// TestConformance's dendrites-int16-nofuse row.)
func TestQuantizedSameWithoutPasses(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		if _, ok := notQuantizable[name]; ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			// One calibration serves every build: it runs without prune in
			// any case, and fuse and fold change no value of the
			// floating-point model it runs (TestPassesKeepResults).
			ranges := calibration(t, f, driver.Options{})
			m := quantizedWith(t, f, 16, driver.Options{}, ranges)
			duration := min(m.Run.Duration, 0.1)
			want := outputBytes(t, m, run(t, m, interp.Options{Duration: duration}))
			for _, pass := range []string{"prune", "fuse", "fold"} {
				m := quantizedWith(t, f, 16, without(pass), ranges)
				requireSameFiles(t, want, outputBytes(t, m, run(t, m, interp.Options{Duration: duration})), "without "+pass)
			}
		})
	}
}

// Adding a spike monitor for a population that nothing connects to does
// not change what another population records under --quantize=int16: b
// is pruned without it and kept with it, and a's dither streams are the
// same either way, those of the unnamed projection onto a too, though a
// line added above it moves it (and so the name lowering gives it).
func TestQuantizedUnrelatedMonitor(t *testing.T) {
	const src = `
neuron N {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    dv/dt = (g - v) / tau
    dg/dt = -g / (5 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
}
neuron M {
    state u: mV = 0 mV
    du/dt = (20 mV - u) / (20 ms)
    threshold u > 15 mV
    reset { u = 0 mV }
}
synapse S { param w: mV = 6 mV  on pre { post.g += w } }
input noise = poisson[20] { rate = 200 Hz }
population b = M[3]
population a = N[5]
connect noise -> a using S by fixed_probability(0.5)
monitor spikes a
monitor state a.v
run { duration = 100 ms  seed = 2 }
`
	without := quantizedSource(t, "a.snn", src, 16)
	with := quantizedSource(t, "ab.snn", "// b recorded too\n"+src+"monitor spikes b\n", 16)
	require.NotEqual(t, without.Projections[0].Name, with.Projections[0].Name)
	has := func(m *ir.Module, name string) bool {
		return slices.ContainsFunc(m.Populations, func(p *ir.Population) bool { return p.Name == name })
	}
	require.True(t, has(with, "b"), "b is kept with its monitor")
	require.False(t, has(without, "b"), "b is pruned without a monitor")
	want := outputBytes(t, without, run(t, without, interp.Options{}))
	got := outputBytes(t, with, run(t, with, interp.Options{}))
	require.Contains(t, want, "a_v.npy")
	for _, file := range []string{"a_v.npy", "a_spikes.t.npy", "a_spikes.i.npy"} {
		require.True(t, slices.Equal(want[file], got[file]), "%s differs with a monitor of b", file)
	}
	require.NotEmpty(t, spikesOf(run(t, with, interp.Options{}), "a_spikes").Steps, "a spikes")
}

// rangesSrc has a quantized neuron type (an annotation) beside the
// standard library's LIF in floating point: q's bias is a runtime
// parameter of 0 with no stated range, r's states one, f's i_ext (LIF's,
// which the library states in [-2 nA, 2 nA]) never meets fixed point.
const rangesSrc = `
import "std/neurons.snn"
neuron Q {
    runtime param bias: mV = 0 mV
    state v: mV = 0 mV quantize int16
    dv/dt = (bias - v) / (10 ms)
    threshold v > 5 mV
    reset { v = 0 mV }
}
neuron R {
    runtime param bias: mV = 2 mV in [-10 mV, 10 mV]
    state v: mV = 0 mV quantize int16
    dv/dt = (bias - v) / (10 ms)
    threshold v > 5 mV
    reset { v = 0 mV }
}
population f = LIF[2]
population q = Q[1]
population r = R[1]
monitor spikes f
monitor spikes q
monitor spikes r
run { duration = 100 ms }
`

// A runtime parameter is range-checked only where its value meets fixed
// point, in the range the user states: a floating-point population's
// takes any value (f.i_ext = 10 nA, five times LIF's stated range, as the
// model without annotations runs it); one of 0 with no stated range has
// no range (its arithmetic stays floating point, noted) and takes 8 mV,
// firing as the floating-point model does; one with a stated range takes
// what is in it and refuses what is not, saying how to widen it.
func TestQuantizedRuntimeRanges(t *testing.T) {
	m := quantizedSource(t, "ranges.snn", rangesSrc, 0)
	float := compileSource(t, "float.snn", strings.ReplaceAll(rangesSrc, "quantize int16", ""))
	require.Equal(t, ir.TF64, ir.VarNamed(popNamed(t, float, "q").Vars, "v").Type)
	require.Equal(t, ir.Fixed, ir.VarNamed(popNamed(t, m, "q").Vars, "v").Type.Kind)
	require.Nil(t, ir.VarNamed(popNamed(t, m, "f").Vars, "i_ext").Range, "f is floating point")
	require.Nil(t, ir.VarNamed(popNamed(t, m, "q").Vars, "bias").Range, "q.bias states no range and is 0")
	require.Contains(t, strings.Join(m.Notes, "\n"), "runtime parameter q.bias states no range and is 0 by default")
	r := ir.VarNamed(popNamed(t, m, "r").Vars, "bias").Range
	require.NotNil(t, r)
	require.Equal(t, [2]float64{-10e-3, 10e-3}, *r, "r.bias's stated range")

	set := map[string]float64{"f.i_ext": 10e-9, "q.bias": 8e-3, "r.bias": 9e-3}
	got := run(t, m, interp.Options{Set: set})
	want := run(t, float, interp.Options{Set: set})
	require.Equal(t, spikesOf(want, "f_spikes").Steps, spikesOf(got, "f_spikes").Steps, "f runs in floating point")
	require.NotEmpty(t, spikesOf(got, "f_spikes").Steps)
	for _, name := range []string{"q_spikes", "r_spikes"} {
		// v rises to the bias, 8 or 9 mV, past the threshold of 5 mV: a
		// spike every tau ln(bias / (bias - 5 mV)), 9.8 or 8.1 ms.
		w, g := spikesOf(want, name).Steps, spikesOf(got, name).Steps
		require.NotEmpty(t, w)
		require.Len(t, g, len(w), name)
		for n := range w {
			require.InDelta(t, w[n], g[n], 1, "%s: spike %d a step from the floating-point model's at most", name, n)
		}
	}
	_, err := interp.Run(m, interp.Options{Set: map[string]float64{"r.bias": 20e-3}})
	require.Error(t, err)
	require.Contains(t, err.Error(), "--set r.bias: 0.02 is outside [-0.01, 0.01]")
	require.Contains(t, err.Error(), "in [LO, HI] on the parameter's declaration, or snnc's --range r.bias=LO:HI")
}

// popNamed is the population of a module called name.
func popNamed(t *testing.T, m *ir.Module, name string) *ir.Population {
	t.Helper()
	for _, p := range m.Populations {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no population %s", name)
	return nil
}
