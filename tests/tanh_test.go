package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
)

// tanhRate is a population whose step calls tanh on arguments from below
// 2^-28 (gain near 1e-9) through every case of mathfn.Tanh to beyond 22
// (gain up to 40, |v| up to 60 mV), of both signs. No example calls tanh,
// so this model is the native tanh's end-to-end check.
const tanhRate = `
neuron TanhRate {
    param tau: ms = 10 ms
    param gain = 1
    state v: mV = uniform(-60 mV, 40 mV)
    dv/dt = (20 mV * tanh(gain * v / (10 mV)) - v) / tau
    threshold v > 15 mV
    reset { v = -50 mV }
}
population r = TanhRate[64] { gain = uniform(0.000000001, 40) }
monitor spikes r
monitor state r.v every 1
run { duration = 100 ms  dt = 0.1 ms  seed = 3 }
`

// TestTanhConformance: a kernel that calls tanh (snn_tanh_inline, emitted
// into the module) records the interpreter's bytes at 1 to 3 threads, and
// its step loop vectorises.
func TestTanhConformance(t *testing.T) {
	conform(t, conformSource("tanh_rate", tanhRate, driver.Options{}).onLLVM(1, 2, 3))
	t.Run("vectorize", func(t *testing.T) {
		got := vectorizeSource(t, "tanh_rate", tanhRate)
		require.Equal(t, vectorises, got["r_step"], "the step loop of a kernel that calls tanh; all loops: %v", got)
	})
}
