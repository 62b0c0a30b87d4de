package tests

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
)

// TestRK4ForcingInTime: a right side that reads t is evaluated at the
// stages' times (t + dt/2, t + dt), as the classical method does. Under
// x' = c t RK4 is exact, x = c t^2 / 2; under x' = a sin(w t) its error
// is about (w dt)^4 / 2880 of the amplitude per period. With t held at the
// step's start (as the random differential tester found), both were
// integrated by forward Euler: off by c t dt / 2 and a dt / 2.
func TestRK4ForcingInTime(t *testing.T) {
	const src = `
neuron P {
    state x: mV = 0 mV
    state y: mV = 0 mV
    dx/dt = t / ms * 1 mV / ms
    dy/dt = 1 mV / ms * sin(2 * pi * t / (4 ms))
    method rk4
}
population q = P[1]
monitor state q.x
monitor state q.y
run { duration = 20 ms  dt = 0.1 ms }
`
	m := compileSource(t, "rk4.snn", src)
	res := run(t, m, interp.Options{})
	require.Len(t, res.States, 2)
	const dt, c, a, w = 1e-4, 1e3, 1.0, 2 * math.Pi / 4e-3 // c in V/s², a in V/s
	for _, s := range res.States {
		for r, step := range s.Steps {
			tt := float64(step) * dt
			got := s.Values[r]
			if s.Var == "x" {
				require.InDelta(t, c*tt*tt/2, got, 1e-15, "x at t = %g", tt)
			} else {
				// (w dt)^4 / 2880 per period of 40 steps, 5 periods:
				// 2e-6 of the amplitude a / w at most.
				want := a / w * (1 - math.Cos(w*tt))
				require.InDelta(t, want, got, 2e-6*a/w, "y at t = %g", tt)
			}
		}
	}
}
