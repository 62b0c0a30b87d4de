package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/runtime"
)

// stateNamed returns the recording of the state monitor called name.
func stateNamed(t *testing.T, res *interp.Result, name string) *runtime.State {
	t.Helper()
	for _, s := range res.States {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no state monitor %s", name)
	return nil
}

// stateOf returns the samples of a state monitor, one row per sample.
func stateOf(t *testing.T, res *interp.Result, name string) [][]float64 {
	t.Helper()
	s := stateNamed(t, res, name)
	var rows [][]float64
	n := len(s.Indices)
	for k := range s.Steps {
		rows = append(rows, s.Values[k*n:(k+1)*n])
	}
	return rows
}

// sameStepModel: an input kicks both neurons over threshold, so that they
// fire together in step 6; neuron 0 then kicks neuron 1 by 0.5 through a
// synapse of delay 0. tests/bench/brian2_same_step.py is the same model in
// Brian2.
const sameStepModel = `
neuron N {
    state v = 0
    dv/dt = -v / (10 ms)
    threshold v > 1
    reset { v = 0 }
}
synapse Kick { param w = 0  on pre { post.v += w } }
input x = spikes[1] { times = [(0, 0.5 ms)] }
population p = N[2]
connect x -> p using Kick by all_to_all { w = 2 }
connect p -> p using Kick by pairs([(0, 1)]) { w = 0.5 }
monitor spikes p
monitor state p.v
run { duration = 1 ms  dt = 0.1 ms }
`

// TestSpikeSurvivesReset pins spec/language.md, section 6.1: a spike
// reaches its target in the step after it was emitted, after the target's
// own reset of that step, so a kick to a neuron that fires with its sender
// survives (0.5 at step 7, then decaying). Brian2 2.5.1 runs the on_pre of
// a delay-0 synapse in the step of the spike, before the reset, and loses
// it: neuron 1's v is 0 at steps 7, 8 and 9 there; with a delay of dt it
// keeps it, one step later (0.5 at step 8).
func TestSpikeSurvivesReset(t *testing.T) {
	m := compileSource(t, "same_step.snn", sameStepModel)
	res := run(t, m, interp.Options{})
	sp := spikesOf(res, "p_spikes")
	require.Equal(t, []int64{6, 6}, sp.Steps, "both neurons fire in step 6")
	v := stateOf(t, res, "p_v")
	require.Equal(t, []float64{2, 2}, v[6], "the input's kick, delivered in step 6")
	require.Equal(t, []float64{0, 0.5}, v[7], "neuron 0's kick survives neuron 1's reset")
	require.Greater(t, v[9][1], 0.48)
	conform(t, conformModule("same_step", sameStepModel, m).onLLVM(1))
}

// somaReadsModel: a single dendrite's u, a segment array's s and a global's
// g each grow by 0.1 a step; the soma integrates each by Euler's method.
// tests/bench/brian2_summed.py is the dendrite's half in Brian2, through a
// summed variable.
const somaReadsModel = `
global clock {
    state g = 0
    dg/dt = 1 / ms
    method euler
}
neuron N {
    state v = 0
    state w = 0
    state x = 0
    dv/dt = apical.u / ms
    dw/dt = clock.g / ms
    dx/dt = mean(seg.s) / ms
    method euler
    dendrite apical {
        state u = 0
        du/dt = 1 / ms
        method euler
    }
    dendrite seg[2] {
        state s = 0
        ds/dt = 1 / ms
        method euler
    }
}
population p = N[1]
monitor state p.v
monitor state p.w
monitor state p.x
monitor state p.apical.u
run { duration = 0.3 ms  dt = 0.1 ms }
`

// TestSomaReadsUpdatedState pins spec/language.md, section 6.1. Globals
// and dendrite arrays are integrated before the neurons, and a neuron's ODE
// reads their state after this step's update: w and x after step 0 are
// dt * 0.1/ms = 0.01, after step 1 0.01 + 0.02 = 0.03. A single dendrite
// coupled to the soma is integrated with it as one system (passes/
// compartments.go), so Euler's method reads u at the step's start: v is
// 0, 0 and 0.01 at steps 0, 1 and 2, which is also what Brian2 2.5.1's
// summed variable gives (computed from the state at the step's start).
func TestSomaReadsUpdatedState(t *testing.T) {
	m := compileSource(t, "soma_reads.snn", somaReadsModel)
	res := run(t, m, interp.Options{})
	u := stateOf(t, res, "p_apical_u")
	for _, name := range []string{"p_w", "p_x"} {
		x := stateOf(t, res, name)
		require.Len(t, x, 3)
		require.Equal(t, 0.0, x[0][0], name)
		// Euler's step with the global's (the segments') new value.
		require.Equal(t, 0+1e-4*(u[1][0]/1e-3), x[1][0], name)
		// 0.01 + 0.02 is not 0.03 in binary64: a few ulps apart.
		require.InDelta(t, 0.03, x[2][0], 1e-16, name)
	}
	v := stateOf(t, res, "p_v")
	require.Len(t, v, 3)
	require.Equal(t, 0.0, v[0][0])
	require.Equal(t, 0.0, v[1][0], "Euler's step of the joint system reads u at the step's start")
	require.Equal(t, 1e-4*(u[1][0]/1e-3), v[2][0])
	conform(t, conformModule("soma_reads", somaReadsModel, m).onLLVM(1))
}
