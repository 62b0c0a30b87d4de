package tests

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
)

// pscExpSource is NEST's iaf_psc_exp without input (issue 16): SI
// coefficients from 100 /s (1/tau_m) to 4e9 /F (1/c_m). Nothing drives
// i_s, so it must stay 0, and V_m must relax to e_l + i_e tau_m / c_m =
// -54.8 mV. A propagator from one dense matrix exponential let i_s read
// V_m (a coefficient of -1e-11) and drift to 11.5 pA, and V_m settle at
// -54.34 mV.
const pscExpSource = `
neuron IafPscExp {
    param c_m = 250 pF
    param tau_m = 10 ms
    param tau_s = 2 ms
    param e_l = -70 mV
    param i_e = 380 pA
    state V_m = -70 mV
    state i_s = 0 pA
    METHOD
    di_s/dt = -i_s / tau_s
    dV_m/dt = -(V_m - e_l) / tau_m + (i_s + i_e) / c_m
}
population p = IafPscExp[1]
monitor state p.V_m
monitor state p.i_s
run {
    duration = 300 ms
    dt = 0.1 ms
}
`

// TestBadlyScaledExact runs the model with method exact and with the
// default method choice, on the interpreter and natively (the same bytes),
// and requires V_m within 1e-6 mV of -54.8 mV at the end (30 membrane time
// constants: e^-30 of the initial 15.2 mV is 1e-12 mV) and |i_s| < 1e-18 A
// throughout.
func TestBadlyScaledExact(t *testing.T) {
	for _, method := range []string{"method exact", ""} {
		t.Run(strings.TrimSpace("exact "+method), func(t *testing.T) {
			src := strings.Replace(pscExpSource, "METHOD", method, 1)
			m := compileSource(t, "psc_exp.snn", src)
			res := run(t, m, interp.Options{})
			var v, i []float64
			for _, s := range res.States {
				switch s.Var {
				case "V_m":
					v = s.Values
				case "i_s":
					i = s.Values
				}
			}
			require.Len(t, v, 3000)
			require.InDelta(t, -54.8e-3, v[len(v)-1], 1e-9, "V_m at the end")
			for k, x := range i {
				require.Less(t, math.Abs(x), 1e-18, "i_s at step %d", k)
			}
			conform(t, conformModule("psc_exp", src, m).onLLVM(1))
		})
	}
}

// drivenDendriteSource: a dendrite's time constant is its neuron's
// parameter, which a current switches from 10 ms to 2 ms at 5 ms. A
// propagator computed once per run (exp(-dt/10 ms)) kept decaying u with
// 10 ms after the switch; the parameter is driven, so the equation gets a
// method that reads it every step.
const drivenDendriteSource = `
neuron N {
    param tau_u: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / (10 ms)
    dendrite d {
        state u: mV = 10 mV
        du/dt = -u / tau_u
    }
}
population p = N[1]
current fast -> p.tau_u = where(t >= 5 ms, 2 ms, 10 ms)
monitor state p.d.u
run {
    dt = 0.1 ms
    duration = 10 ms
}
`

// TestDrivenParameterOfDendrite compares u with its closed form,
// 10 mV exp(-min(t, 5 ms)/10 ms) exp(-max(t - 5 ms, 0)/2 ms): the
// current sets tau_u at the start of each step (spec/language.md section
// 6), so the step from t to t + dt decays with the value at t.
func TestDrivenParameterOfDendrite(t *testing.T) {
	m := compileSource(t, "driven_dendrite.snn", drivenDendriteSource)
	res := run(t, m, interp.Options{})
	u := stateOf(t, res, "p_d_u")
	require.Len(t, u, 100)
	for k, row := range u {
		// Recorded at the start of step k, before the step's update.
		tk := float64(k) * 1e-4
		want := 0.01 * math.Exp(-math.Min(tk, 0.005)/0.01) * math.Exp(-math.Max(tk-0.005, 0)/0.002)
		require.InEpsilon(t, want, row[0], 1e-12, "u at step %d", k)
	}
	conform(t, conformModule("driven_dendrite", drivenDendriteSource, m).onLLVM(1))
}
