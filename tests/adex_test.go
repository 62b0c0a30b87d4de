package tests

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/runtime"
)

// adexTrace is the small deterministic model of tests/bench/adex_brian2.py
// --trace in snnc, with the benchmark's own neuron and synapse types (all of
// tests/bench/adex.snn before its network): four neurons at rest with drives
// of 0.55, 0.7, 0.85 and 1 nA, all kicked by 3 nS of excitation at 20, 22
// and 24 ms and 10 nS of inhibition at 100 ms, neuron 3 exciting neuron 0
// and neuron 2 inhibiting neuron 1, 200 ms at dt = 0.1 ms.
const adexTrace = `
population p = AdExCond[4] { i_ext = 0.55 nA + i * 0.15 nA }
input kick = spikes[2] { times = [(0, 20 ms), (0, 22 ms), (0, 24 ms), (1, 100 ms)] }
connect kick -> p using ExcCond by pairs([(0, 0), (0, 1), (0, 2), (0, 3)]) { w = 3 nS }
connect kick -> p using InhCond by pairs([(1, 0), (1, 1), (1, 2), (1, 3)]) { w = 10 nS }
connect p -> p using ExcCond by pairs([(3, 0)]) { w = 2 nS }
connect p -> p using InhCond by pairs([(2, 1)]) { w = 4 nS }
monitor spikes p
monitor state p.v every 0.5 ms
run { duration = 200 ms  dt = 0.1 ms }
`

// The AdEx network of the benchmark suite (tests/bench/adex.snn) against
// Brian2 2.5.1 run live: tests/bench/adex_brian2.py --trace on Brian2's
// numpy target, the same model as adexTrace, prints each neuron's spike
// steps and v in mV every 0.5 ms to 17 digits. The spike steps must be the
// same; so must v, within the tolerance below. (Its cpp_standalone target,
// compiled with -ffast-math, prints the same spike steps and v within
// 4.5e-16 V of the numpy target's.)
//
// Both integrate by forward Euler, x + dt f(x) for the four variables from
// their values at the step's start, from the same equations (Brian2's
// method "euler" is this step): the two differ only in the order and
// grouping of the floating-point operations (snnc folds the constants its
// way, Brian2 its own), a few ulps (about 1e-17 V at 70 mV) per operation,
// some thirty operations per step. Below threshold the dynamics contract
// and these errors do not grow; in the last steps before the cut at
// v_t + 5 delta_t, exp((v - v_t) / delta_t) multiplies them by up to
// 1 + dt g_l (exp(5) - 1) / c_m, about 2.6, a step. The largest difference
// measured is 3.3e-16 V. The tolerance, 1e-13 V, is 300 times that, and a
// thousand times below what a modelling difference gives: a, b or tau_w
// changed by one part in a million moves v by 1e-7 V or more over the run
// (a and tau_w by 6e-11 V within the first 11 ms), the kicks' synapses with
// a delay of dt by 28 mV.
func TestAdexAgainstBrian2(t *testing.T) {
	want := runBrian2Trace(t, "bench/adex_brian2.py")

	bench, err := os.ReadFile("bench/adex.snn")
	require.NoError(t, err)
	types, _, found := strings.Cut(string(bench), "\npopulation ")
	require.True(t, found, "tests/bench/adex.snn has no population")
	m := compileSource(t, "adex_trace.snn", types+adexTrace)
	res := run(t, m, interp.Options{})

	requireBrian2Trace(t, res, want, []string{"p_spikes"}, []string{"p_v"}, 1e-13) // volts; see above
}

// requireBrian2Trace requires of snnc's run res the spike steps and v
// (recorded in volts) that Brian2 printed (v in mV): the neurons of the
// spike monitors named spikes, one after the other, are Brian2's neurons 0,
// 1, ..., and so are those of the state monitors named states; v within
// tolerance volts. It logs the largest difference.
func requireBrian2Trace(t *testing.T, res *interp.Result, want brian2Trace, spikes, states []string, tolerance float64) {
	t.Helper()
	var got [][]int64
	for _, name := range spikes {
		s := spikesOf(res, name)
		require.NotNil(t, s, "spike monitor %s", name)
		mine := make([][]int64, s.Size)
		for i := range mine {
			mine[i] = []int64{}
		}
		for k, step := range s.Steps {
			mine[s.Index[k]] = append(mine[s.Index[k]], step)
		}
		got = append(got, mine...)
	}
	require.Equal(t, want.spikes, got, "spike steps")

	worst := 0.0
	first := 0
	for _, name := range states {
		var v *runtime.State
		for _, s := range res.States {
			if s.Name == name {
				v = s
			}
		}
		require.NotNil(t, v, "state monitor %s", name)
		for n := range v.Indices {
			i := first + n
			require.Less(t, i, len(want.v), "more neurons than Brian2's")
			require.Len(t, v.Steps, len(want.v[i]), "samples of neuron %d", i)
			for k, mV := range want.v[i] {
				got := v.Values[k*len(v.Indices)+n]
				require.InDelta(t, mV*1e-3, got, tolerance, "neuron %d, v at step %d", i, v.Steps[k])
				worst = max(worst, math.Abs(mV*1e-3-got))
			}
		}
		first += len(v.Indices)
	}
	require.Equal(t, len(want.v), first, "neurons recorded")
	t.Logf("largest difference from Brian2: %.3g V", worst)
}
