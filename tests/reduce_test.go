package tests

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/runtime/mathfn"
	"snnc/runtime/npy"
)

// TestReductionsAgainstGo: examples/pop_rate.snn, shortened to 60 ms and
// recording every step the neurons' a and v and the synapses' w, records
// the interpreter's bytes natively at 1 to 3 threads; and each of the
// global's reductions, recorded through its definitions, is what a Go
// loop over those recordings computes, to the bit: mean(exc.a) / tau_a,
// sum(drive.w) and max(exc.v) - min(exc.v), each summed in element order.
//
// The definitions are sampled in step 4 of step k, so they read the
// reduction of step k - 1's 4a, made from the state after that step's
// deliveries: the state the monitors sampled in step k - 1 (language.md
// section 6). At step 0 they read the reduction over the initial state.
// A reduction made before the deliveries, or after the integration,
// would read another state and fail the comparison.
func TestReductionsAgainstGo(t *testing.T) {
	src := scaledExample(t, "pop_rate", "duration = 300 ms", "duration = 60 ms",
		"monitor spikes exc\n", `monitor spikes exc
monitor state exc.a every 1
monitor state exc.v every 1
monitor state drive.w every 1
`, "pool.rate every 1 ms", "pool.rate every 1", "pool.w_total every 1 ms", "pool.w_total every 1",
		"pool.spread every 1 ms", "pool.spread every 1")
	ref := conform(t, conformSource("pop_rate_reductions", src, driver.Options{}).onLLVM(1, 2, 3))
	require.NotNil(t, ref)
	rec := func(name string) [][]float64 {
		a, err := npy.Read(bytes.NewReader(ref.files[name+".npy"]))
		require.NoError(t, err)
		require.Len(t, a.Shape, 2, name)
		rows, cols := a.Shape[0], a.Shape[1]
		out := make([][]float64, rows)
		for k := range out {
			out[k] = a.Data[k*cols : (k+1)*cols]
		}
		return out
	}
	a, v, w := rec("exc_a"), rec("exc_v"), rec("drive_w")
	rate, total, spread := rec("pool_rate"), rec("pool_w_total"), rec("pool_spread")
	const steps, neurons, tauA = 600, 200, 0.05
	require.Len(t, a, steps)
	require.Len(t, a[0], neurons)
	require.Greater(t, len(w[0]), 1000, "synapses")
	spikes := ref.summary["populations"].([]any)[0].(map[string]any)["spikes"].(float64)
	require.Greater(t, spikes, 20.0, "exc's spikes: the rate estimate must see some")

	sum := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	}
	extremes := func(xs []float64) (lo, hi float64) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, x := range xs {
			lo, hi = mathfn.Min(lo, x), mathfn.Max(hi, x)
		}
		return lo, hi
	}
	for k := range steps {
		from := max(k-1, 0) // the state the reduction read (step 0: the initial one, as sampled)
		require.Equal(t, math.Float64bits(sum(a[from])/neurons/tauA), math.Float64bits(rate[k][0]), "pool.rate at step %d", k)
		require.Equal(t, math.Float64bits(sum(w[from])), math.Float64bits(total[k][0]), "pool.w_total at step %d", k)
		lo, hi := extremes(v[from])
		require.Equal(t, math.Float64bits(hi-lo), math.Float64bits(spread[k][0]), "pool.spread at step %d", k)
	}
	// The estimate is a rate: about the population's, over the run.
	require.InDelta(t, spikes/neurons/0.06, sum(columnOf(rate, 0))/steps, 0.5*spikes/neurons/0.06+5, "the mean of pool.rate against the counted rate")
}

func columnOf(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for k, r := range rows {
		out[k] = r[j]
	}
	return out
}

// notQuantizable are the examples the quantizer refuses, and why: the
// tests that quantize every example leave them out.
var notQuantizable = map[string]string{
	"pop_rate": "reductions over populations and projections (TestReductionsQuantizeRefused)",
}

// TestReductionsQuantizeRefused: the quantizer has no fixed-point form of
// a reduction, and says so at each call.
func TestReductionsQuantizeRefused(t *testing.T) {
	src := scaledExample(t, "pop_rate")
	_, _, err := driver.CompileSource("pop_rate.snn", []byte(src), driver.Options{Quantize: 16})
	require.Error(t, err)
	require.Regexp(t, `pop_rate.snn:\d+:\d+: mean\(exc.a\) cannot be quantized`, err.Error())
}
