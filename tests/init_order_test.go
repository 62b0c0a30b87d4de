package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
)

// initOrderModel reads, in every kind of initialisation, a value declared
// after the one that reads it and drawn per element (issue 16, part A):
// a population setting (a = r * 2, r drawn), a connect setting (w, which
// also reads post.b, an expression of the post neuron's i), a state's
// initial value (x reads y), a neuron's initial value that reads its
// dendrite's (v reads apical.u, z reads apical.h, which reads apical.g),
// a dendrite setting that reads its neuron's drawn parameter
// (apical.g = a + 1) and a connect onto the
// dendrite that reads post.g. Before snnc ordered them, each read the
// other value's default (0).
const initOrderModel = `
neuron N {
    param a = 1
    param b = 0
    param r = 0
    state v = apical.u * 2
    state x = y * 3
    state y = uniform(1, 2)
    state z = apical.h * 2
    let a_val = a
    let r_val = r
    let b_val = b
    dv/dt = -v / (10 ms)
    dendrite apical {
        param g = 0
        param h = g + 1
        state u = uniform(1, 2)
        let g_val = g
        du/dt = -u / (10 ms)
    }
}
synapse S {
    param w = 0
    param r = 0
    let w_val = w
    let r_val = r
    on pre { post.v += w }
}
population p = N[20] {
    r = uniform(4, 6)
    a = r * 2
    b = 10 * i
    apical.g = a + 1
}
connect c: p -> p using S by one_to_one {
    w = r * 2 + post.b
    r = uniform(4, 6)
}
connect d: p -> p.apical using S by one_to_one {
    w = post.g - r
    r = uniform(0, 1)
}
monitor state p.a_val
monitor state p.r_val
monitor state p.b_val
monitor state p.v
monitor state p.x
monitor state p.y
monitor state p.z
monitor state p.apical.u
monitor state p.apical.g_val
monitor state c.w_val
monitor state c.r_val
monitor state d.w_val
monitor state d.r_val
run { duration = 0.1 ms  dt = 0.1 ms }
`

// TestInitOrder checks each value against what its expression gives from
// the values it reads, recomputed here in the same order of operations,
// so equality is exact; the drawn values are checked to lie in their
// ranges. The same bytes come out of the native target.
func TestInitOrder(t *testing.T) {
	m := compileSource(t, "init_order.snn", initOrderModel)
	res := run(t, m, interp.Options{})
	first := map[string][]float64{} // the initial values: the sample of step 0
	for _, s := range res.States {
		require.NotEmpty(t, s.Steps, s.Name)
		require.Equal(t, int64(0), s.Steps[0], s.Name)
		first[s.Name] = s.Values[:len(s.Indices)]
	}
	for k := 0; k < 20; k++ {
		a, r, b := first["p_a_val"][k], first["p_r_val"][k], first["p_b_val"][k]
		require.True(t, r >= 4 && r <= 6, "p.r[%d] = %g", k, r)
		require.True(t, a >= 8 && a <= 12, "p.a[%d] = %g: a = r * 2 read a stale r", k, a)
		require.Equal(t, r*2, a, "p.a[%d]", k)
		require.Equal(t, float64(10*k), b, "p.b[%d]", k)
		require.Equal(t, a+1, first["p_apical_g_val"][k], "p.apical.g[%d] = a + 1", k)

		y, u := first["p_y"][k], first["p_apical_u"][k]
		require.True(t, y >= 1 && y <= 2, "p.y[%d] = %g", k, y)
		require.Equal(t, y*3, first["p_x"][k], "p.x[%d] = y * 3", k)
		require.True(t, u >= 1 && u <= 2, "p.apical.u[%d] = %g", k, u)
		require.Equal(t, u*2, first["p_v"][k], "p.v[%d] = apical.u * 2", k)
		require.Equal(t, ((a+1)+1)*2, first["p_z"][k], "p.z[%d] = apical.h * 2, apical.h = apical.g + 1", k)

		// Synapse k of a one_to_one projection joins neuron k to neuron k.
		cr, cw := first["c_r_val"][k], first["c_w_val"][k]
		require.True(t, cr >= 4 && cr <= 6, "c.r[%d] = %g", k, cr)
		require.True(t, cw-b >= 8 && cw-b <= 12, "c.w[%d] - post.b = %g: w = r * 2 read a stale r", k, cw-b)
		require.Equal(t, cr*2+b, cw, "c.w[%d] = r * 2 + post.b", k)
		dr := first["d_r_val"][k]
		require.True(t, dr >= 0 && dr <= 1, "d.r[%d] = %g", k, dr)
		require.Equal(t, (a+1)-dr, first["d_w_val"][k], "d.w[%d] = post.g - r", k)
	}
	conform(t, conformModule("init_order", initOrderModel, m).onLLVM(1, 2))
}

// issue16Repro is the population repro of issue 16 as filed, with the
// connect repro beside it (r declared after w in the synapse type).
const issue16Repro = `
neuron N {
    param a = 1
    param r = 0
    state v = 0
    let a_val = a
    let r_val = r
    dv/dt = -v / (10 ms)
}
population p = N[1] {
    r = uniform(4, 6)
    a = r * 2          // must be 2r, in 8..12
}
synapse S {
    param w = 0
    param r = 0
    let w_val = w
    let r_val = r
    on pre { post.v += w }
}
connect c: p -> p using S by all_to_all {
    r = uniform(4, 6)
    w = r * 2          // must be 2r, in 8..12
}
monitor state p.a_val
monitor state p.r_val
monitor state c.w_val
monitor state c.r_val
run { duration = 0.2 ms }
`

// TestInitOrderIssueRepro runs the repros as filed on both targets: a and
// w in 8..12, and exactly twice the r of their element.
func TestInitOrderIssueRepro(t *testing.T) {
	m := compileSource(t, "issue16a.snn", issue16Repro)
	res := run(t, m, interp.Options{})
	for _, pair := range [][2]string{{"p_a_val", "p_r_val"}, {"c_w_val", "c_r_val"}} {
		x, r := stateOf(t, res, pair[0]), stateOf(t, res, pair[1])
		require.Len(t, x, 2, "two samples")
		for k := range x {
			require.True(t, x[k][0] >= 8 && x[k][0] <= 12, "%s = %g, not in 8..12", pair[0], x[k][0])
			require.Equal(t, 2*r[k][0], x[k][0], "%s = 2 %s", pair[0], pair[1])
		}
	}
	conform(t, conformModule("issue16a", issue16Repro, m).onLLVM(1))
}
