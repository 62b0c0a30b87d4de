package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
)

// trigDrive is a set of populations whose step calls sin and cos, each
// population's gain putting the arguments in one of mathfn.Sin's and
// Cos's cases: ±0 (gain 0), subnormal, below 2^-27, up to pi/4 (no
// reduction), Cody-Waite's range, both sides of mediumReductionLimit
// (1647099), Payne-Hanek's up to 10^302, and beyond the largest double
// (±Inf, then NaN, which v keeps). No example calls sin or cos with a
// state-dependent argument, so this model is their end-to-end check.
const trigDrive = `
neuron TrigDrive {
    param tau: ms = 10 ms
    param gain = 1
    state v: mV = uniform(-60 mV, 40 mV)
    dv/dt = (20 mV * sin(gain * v / (1 mV)) + 20 mV * cos(gain * v / (1 mV)) - v) / tau
    threshold v > 15 mV
    reset { v = -50 mV }
}
population zero = TrigDrive[8] { gain = 0 }
population subnormal = TrigDrive[8] { gain = uniform(1e-322, 1e-318) }
population tiny = TrigDrive[8] { gain = uniform(1e-12, 1e-9) }
population small = TrigDrive[16] { gain = uniform(0.001, 0.013) }
population medium = TrigDrive[32] { gain = uniform(0.013, 20000) }
population limit = TrigDrive[32] { gain = uniform(25000, 90000) }
population huge = TrigDrive[32] { gain = uniform(10000000000, 1e300) }
population overflow = TrigDrive[8] { gain = uniform(1e306, 1e308) }
monitor spikes zero
monitor spikes subnormal
monitor spikes tiny
monitor spikes small
monitor spikes medium
monitor spikes limit
monitor spikes huge
monitor spikes overflow
monitor state zero.v every 1
monitor state subnormal.v every 1
monitor state tiny.v every 1
monitor state small.v every 1
monitor state medium.v every 1
monitor state limit.v every 1
monitor state huge.v every 1
monitor state overflow.v every 1
run { duration = 50 ms  dt = 0.1 ms  seed = 5 }
`

// TestTrigConformance: kernels that call sin and cos (snn_sin_inline and
// snn_cos_inline, emitted into the module) record the interpreter's bytes
// at 1 to 3 threads, and their step loops vectorise.
func TestTrigConformance(t *testing.T) {
	conform(t, conformSource("trig_drive", trigDrive, driver.Options{}).onLLVM(1, 2, 3))
	t.Run("vectorize", func(t *testing.T) {
		got := vectorizeSource(t, "trig_drive", trigDrive)
		// fuse joins the populations into one step loop, but zero's (its
		// gain folded in); each step loop must vectorise.
		steps := 0
		for kernel, outcome := range got {
			if strings.HasSuffix(kernel, "_step") {
				steps++
				require.Equal(t, vectorises, outcome, "%s, a step loop that calls sin and cos; all loops: %v", kernel, got)
			}
		}
		require.NotZero(t, steps, "no step loop among %v", got)
	})
}
