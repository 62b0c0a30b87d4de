package tests

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/runtime/mathfn"
	"snnc/runtime/npy"
)

// Subgroups and slices (spec/language.md 4.12), against an oracle
// written without them: CUBA's two populations as one population P of
// 400 neurons with subgroups exc = P[:320] and inh = P[320:], against the
// same network written as two populations exc and inh, whose
// projections make the same synapses (the rules draw by each side's own
// indices, and the projections are in the same order, so they draw the
// same numbers) and whose input projections, built from slices of the
// input in the one model, are explicit pairs in the other, with the
// slice's own indices i and N_pre written as the input's less the
// slice's start. Each model records the spikes of exc and inh; they must
// be the same bytes, which they are only if the sliced projections
// connect the same neurons, a subgroup's monitor writes the view's own
// indices, a subgroup's settings reach its neurons alone, and a
// reduction over a subgroup reduces over its neurons alone. The
// sliced model is also a conformance row: the same bytes natively at 1,
// 2 and 3 threads, with every delivery split among them.

// sliceHead is what the two models share: types, the input, the run.
const sliceHead = `
param w_e: mV = 60 * 0.27 / 10 * mV
param w_i: mV = -20 * 4.5 / 10 * mV

neuron CubaLIF {
    param tau_m: ms = 20 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    param e_l: mV = -49 mV
    state v: mV = v_r
    state ge: mV = 0 mV
    state gi: mV = 0 mV
    dv/dt = (ge + gi - (v - e_l)) / tau_m unless refractory
    dge/dt = -ge / (5 ms)
    dgi/dt = -gi / (10 ms)
    threshold v > v_t
    reset { v = v_r }
    refractory 5 ms
    method exact
}
synapse Exc {
    param w: mV = w_e
    on pre { post.ge += w }
}
synapse Inh {
    param w: mV = w_i
    on pre { post.gi += w }
}
input drive = poisson[40] { rate = 30 Hz }
run { duration = 300 ms  dt = 0.1 ms  seed = 7 }
`

// slicedModel is the network with one population and its views.
const slicedModel = sliceHead + `
global g {
    state unused = 0
    let inh_mean: mV = mean(inh.v)
    let head_max: mV = max(few.v)
}
population P = CubaLIF[400] { v = v_r + i * 0.025 mV }
subgroup exc = P[:320]
subgroup inh = P[320:] { v = -55 mV + i * 0.05 mV }
subgroup few = inh[2:7]

connect ee: exc -> exc using Exc by fixed_probability(0.02)
connect ei: exc -> inh using Exc by fixed_probability(0.02)
connect ie: inh -> exc using Inh by fixed_probability(0.02)
connect ii: P[320:] -> P[320:400] using Inh by fixed_probability(0.02, autapses = false)
connect de: drive[0:20] -> exc[0:200] using Exc by all_to_all { w = w_e * (3 + i / N_pre + j / N_post) }
connect di: drive[20:] -> inh[10:30] using Exc by one_to_one { w = 4 * w_e * (1 + i / N_pre) }

monitor spikes exc
monitor spikes inh
monitor state inh.v[0:5] every 1 ms
monitor state g.inh_mean every 1 ms
monitor state g.head_max every 1
monitor hv: state few.v every 1
`

// plainModel is the same network without subgroups or slices.
func plainModel() string {
	var de, di []string
	for i := 0; i < 20; i++ {
		for j := 0; j < 200; j++ {
			de = append(de, fmt.Sprintf("(%d, %d)", i, j))
		}
		di = append(di, fmt.Sprintf("(%d, %d)", 20+i, 10+i))
	}
	return sliceHead + fmt.Sprintf(`
global g {
    state unused = 0
    let inh_mean: mV = mean(inh.v)
    let head_max: mV = max(inh.v)
}
population exc = CubaLIF[320] { v = v_r + i * 0.025 mV }
population inh = CubaLIF[80] { v = -55 mV + i * 0.05 mV }

connect ee: exc -> exc using Exc by fixed_probability(0.02)
connect ei: exc -> inh using Exc by fixed_probability(0.02)
connect ie: inh -> exc using Inh by fixed_probability(0.02)
connect ii: inh -> inh using Inh by fixed_probability(0.02, autapses = false)
connect de: drive -> exc using Exc by pairs([%s]) { w = w_e * (3 + i / 20 + j / 200) }
connect di: drive -> inh using Exc by pairs([%s]) { w = 4 * w_e * (1 + (i - 20) / 20) }

monitor spikes exc
monitor spikes inh
monitor state inh.v[0:5] every 1 ms
monitor state g.inh_mean every 1 ms
`, strings.Join(de, ", "), strings.Join(di, ", "))
}

func TestSlicesAgainstSeparatePopulations(t *testing.T) {
	row := conformSource("slices", slicedModel, driver.Options{}).onLLVM(1, 2, 3)
	row.env = stressThreads // every delivery split, the sliced rows' cuts included
	ref := conform(t, row)
	require.NotNil(t, ref)
	m := compileSource(t, "plain.snn", plainModel())
	plain := outputBytes(t, m, run(t, m, interp.Options{}))
	for _, f := range []string{"exc_spikes.t.npy", "exc_spikes.i.npy", "inh_spikes.t.npy", "inh_spikes.i.npy",
		"inh_v.t.npy", "inh_v.i.npy", "inh_v.npy", "g_inh_mean.npy"} {
		require.Contains(t, ref.files, f)
		require.True(t, bytes.Equal(plain[f], ref.files[f]), "%s: the sliced model's differs from the separate populations'", f)
	}
	idx := func(files map[string][]byte, name string) []float64 {
		a, err := npy.Read(bytes.NewReader(files[name]))
		require.NoError(t, err)
		return a.Data
	}
	// The spikes are many and in both subgroups, with the views' indices.
	exc, inh := idx(ref.files, "exc_spikes.i.npy"), idx(ref.files, "inh_spikes.i.npy")
	require.Greater(t, len(exc), 300)
	require.Greater(t, len(inh), 30)
	require.Less(t, maxOf(exc), 320.0)
	require.Less(t, maxOf(inh), 80.0)
	require.Equal(t, []float64{0, 1, 2, 3, 4}, idx(ref.files, "inh_v.i.npy"))
	// A view of a view: few = inh[2:7] = P[322:327]. Its monitor
	// writes indices 0 to 4, and records what inh's monitor records of
	// inh's neurons 2 to 4; the reduction over it is the largest of its
	// recorded v, as the global reads it a step later (the reduction of
	// step k - 1, reduce_test.go).
	require.Equal(t, []float64{0, 1, 2, 3, 4}, idx(ref.files, "hv.i.npy"))
	hv, err := npy.Read(bytes.NewReader(ref.files["hv.npy"]))
	require.NoError(t, err)
	iv, err := npy.Read(bytes.NewReader(ref.files["inh_v.npy"]))
	require.NoError(t, err)
	head := idx(ref.files, "g_head_max.npy")
	steps := hv.Shape[0]
	require.Equal(t, 3000, steps)
	require.Len(t, head, steps)
	for k := 0; k < iv.Shape[0]; k++ {
		for c := 2; c < 5; c++ {
			require.Equal(t, math.Float64bits(iv.Data[5*k+c]), math.Float64bits(hv.Data[5*10*k+c-2]), "inh.v[%d] at sample %d", c, k)
		}
	}
	for k := 1; k < steps; k++ {
		want := math.Inf(-1)
		for c := 0; c < 5; c++ {
			want = mathfn.Max(want, hv.Data[5*(k-1)+c])
		}
		require.Equal(t, math.Float64bits(want), math.Float64bits(head[k]), "max(few.v) at step %d", k)
	}
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// slicedRTLNetwork is fpga_test.go's rtlNetwork with one population and
// slices: the input's first 15 sources onto a's first 10 neurons, and
// those onto the subgroup b = a[10:], which sets its own time constant.
const slicedRTLNetwork = `
neuron LIF {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    dv/dt = (g - v) / tau
    dg/dt = -g / (5 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
    refractory 2 ms
}
synapse S { param w: mV = 6 mV  on pre { post.g += w } }
input noise = poisson[20] { rate = 100 Hz }
population a = LIF[18]
subgroup b = a[10:] { tau = 20 ms }
connect na: noise[0:15] -> a[:10] using S by fixed_probability(0.5)
connect ab: a[0:10] -> b using S by fixed_probability(0.5) { delay = 1 ms }
monitor spikes a
monitor spikes b
run { duration = 100 ms  seed = 3 }
`

// The FPGA core takes a sliced projection's synapses as the interpreter
// builds them, and a subgroup's settings as per-neuron parameters: the
// quantized model's spikes and final state on the RTL are the
// interpreter's, and natively too.
func TestSlicesOnRTL(t *testing.T) {
	c := conformSource("slices-int16", slicedRTLNetwork, driver.Options{Quantize: 16}).onLLVM(1, 2)
	c.rtl = "iverilog"
	conform(t, c)
}

// A subgroup's settings reach its neurons alone, after the population's,
// with i and N the view's: the initial values (the first sample) are the
// population's and the subgroups' expressions evaluated here, bit for
// bit, and one step later each neuron has relaxed toward its own a with
// its own tau, as the closed form a + (v0 - a) exp(-dt / tau) gives.
func TestSubgroupSettings(t *testing.T) {
	const src = `
neuron N {
    param a = 1
    param tau: ms = 10 ms
    state v = 0
    dv/dt = (a - v) / tau
    threshold v > 100
    reset { v = 0 }
}
population P = N[10] { v = i * 0.01 }
subgroup s = P[4:8] { v = 0.3 + i * 0.05 + N  tau = 5 ms + i * 1 ms }
subgroup u = s[1:] { a = 2 }
monitor state P.v every 1
run { duration = 0.2 ms  dt = 0.1 ms }
`
	ref := conform(t, conformSource("subgroup_settings", src, driver.Options{}).onLLVM(1, 2))
	require.NotNil(t, ref)
	v, err := npy.Read(bytes.NewReader(ref.files["P_v.npy"]))
	require.NoError(t, err)
	require.Equal(t, []int{2, 10}, v.Shape)
	for i := 0; i < 10; i++ {
		v0, a, tau := float64(i)*0.01, 1.0, 0.01
		if i >= 4 && i < 8 {
			k := float64(i - 4)
			v0, tau = 0.3+k*0.05+4, 0.005+k*0.001
		}
		if i >= 5 && i < 8 {
			a = 2
		}
		require.Equal(t, math.Float64bits(v0), math.Float64bits(v.Data[i]), "initial v of neuron %d", i)
		// The exact propagator is computed by snnc's exp, not Go's: a
		// few ulps apart.
		require.InEpsilon(t, a+(v0-a)*math.Exp(-1e-4/tau), v.Data[10+i], 1e-12, "v of neuron %d after a step", i)
	}
}

// The prune pass keeps every neuron of a population that a projection
// connects onto a slice of: the slice's numbering starts inside it, and
// cutting the population after the neurons monitored would leave the
// slice's synapses beyond its end.
func TestSlicePruneKeepsSlicedPopulation(t *testing.T) {
	m := compileSource(t, "prune_slice.snn", `
import "std/neurons.snn"
synapse S { param w: mV = 5 mV  on pre { post.ge += w } }
input drive = poisson[20] { rate = 100 Hz }
population P = LIF[200]
connect drive -> P[50:100] using S by all_to_all
monitor spikes P[0:60]
run { duration = 10 ms }
`)
	require.Equal(t, 200, m.Populations[0].Size)
	require.Contains(t, strings.Join(m.Notes, "\n"), "connects onto the slice 50:100 of P")
	res := run(t, m, interp.Options{})
	require.Equal(t, 20*50, res.Summary.Synapses["connect_6_1"])
}

// CUBA with its excitatory projections from and onto slices: the fuse
// pass delivers ee and ei as one projection by parts (their rows, each
// widened to the whole population, in turn), the same bytes as without
// the pass, and natively.
func TestSlicesFused(t *testing.T) {
	src := scaledExample(t, "cuba", "connect ee: exc -> exc", "connect ee: exc[0:2000] -> exc[100:]",
		"connect ei: exc -> inh", "connect ei: exc[1000:] -> inh[:700]", "duration = 1 s", "duration = 200 ms")
	row := conformSource("cuba_slices", src, driver.Options{}).onLLVM(1, 2, 3)
	row.env = stressThreads
	fused := conform(t, row)
	plain := conform(t, conformSource("cuba_slices-nofuse", src, without("fuse")).onLLVM(1))
	require.NotNil(t, fused)
	require.NotNil(t, plain)
	require.Equal(t, plain.files, fused.files)
	m := compileSource(t, "cuba_slices.snn", src)
	require.Contains(t, strings.Join(m.Notes, "\n"), "ee, ei delivered as one projection")
}
