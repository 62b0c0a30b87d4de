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

// traceReductions reduces over traces: a neuron's (decayed every step)
// and a projection's two (decayed lazily from each synapse's last event,
// one with its time constant a parameter).
const traceReductions = `
neuron N {
    state v: mV = uniform(-70 mV, -50 mV)
    trace s decay 20 ms
    dv/dt = (-(v + 70 mV) + 25 mV - 30 mV * g.inh) / (10 ms)
    threshold v > -50 mV
    reset { v = -70 mV  s += 1 }
}
synapse Stdp {
    param tau_pre: ms = 15 ms
    state w: mV = 1 mV
    trace x decay tau_pre
    trace y decay 30 ms
    on pre { post.v += w  x += 1  w += 0.1 mV * y }
    on post { y += 1  w -= 0.05 mV * x }
}
global g {
    state inh = 0
    let sx = sum(ee.x)
    let my = mean(ee.y)
    let ms = max(exc.s)
    dinh/dt = (mean(exc.s) / 5 - inh) / (10 ms)
}
population exc = N[40]
connect ee: exc -> exc using Stdp by fixed_probability(0.2)
monitor spikes exc
monitor state g.sx every 1
monitor state g.my every 1
monitor state g.ms every 1
monitor state ee.x every 1
monitor state ee.y every 1
monitor state exc.s every 1
run { duration = 30 ms  dt = 0.1 ms  seed = 5 }
`

// TestReductionsOfTraces: reductions over traces read them as a state
// monitor records them, decayed to the step (a synapse's from its last
// event): each recorded reduction is the Go fold of the traces recorded
// the step before, to the bit, and interp = llvm at 1 to 3 threads.
func TestReductionsOfTraces(t *testing.T) {
	ref := conform(t, conformSource("trace_reductions", traceReductions, driver.Options{}).onLLVM(1, 2, 3))
	require.NotNil(t, ref)
	rec := func(name string) [][]float64 {
		a, err := npy.Read(bytes.NewReader(ref.files[name+".npy"]))
		require.NoError(t, err)
		out := make([][]float64, a.Shape[0])
		for k := range out {
			out[k] = a.Data[k*a.Shape[1] : (k+1)*a.Shape[1]]
		}
		return out
	}
	x, y, s := rec("ee_x"), rec("ee_y"), rec("exc_s")
	sx, my, ms := rec("g_sx"), rec("g_my"), rec("g_ms")
	spikes := ref.summary["populations"].([]any)[0].(map[string]any)["spikes"].(float64)
	require.Greater(t, spikes, 20.0)
	nonzero := 0
	for k := range len(sx) {
		from := max(k-1, 0)
		var sumX, sumY float64
		for _, v := range x[from] {
			sumX += v
		}
		for _, v := range y[from] {
			sumY += v
		}
		top := math.Inf(-1)
		for _, v := range s[from] {
			top = mathfn.Max(top, v)
		}
		require.Equal(t, math.Float64bits(sumX), math.Float64bits(sx[k][0]), "sum(ee.x) at step %d", k)
		require.Equal(t, math.Float64bits(sumY/float64(len(y[from]))), math.Float64bits(my[k][0]), "mean(ee.y) at step %d", k)
		require.Equal(t, math.Float64bits(top), math.Float64bits(ms[k][0]), "max(exc.s) at step %d", k)
		if sumX != 0 && sumY != 0 {
			nonzero++
		}
	}
	require.Greater(t, nonzero, len(sx)/2, "steps where both synapse traces are nonzero")
}
