package tests

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/runtime/npy"
)

// powRem is a population whose step calls pow and rem (`**` and `%`) on
// arguments that exercise both: a base from 1e-4 to about 6 raised to
// powers from -30 to 6 (results from about 1e-24 to 1e120), whose
// remainder by q in (0.1, 3) is taken with exponent differences from 0
// to about 400 bits (several of rem's 35-bit steps); the remainder of v
// itself (negative too); and a cube of a negative or positive base,
// which stays a pow (only `** 2` becomes a multiplication). No example
// calls pow, and only init kernels call rem, so this model is the
// native pow's and rem's end-to-end check.
const powRem = `
neuron PowRem {
    param tau: ms = 10 ms
    param p = 1
    param q = 1
    state v: mV = uniform(-60 mV, 40 mV)
    dv/dt = (10 mV * ((abs(v) / (10 mV) + 0.0001) ** p % q) + 2 mV * ((v / (1 mV)) % q) - 0.2 * v - 5 mV * (v / (30 mV)) ** 3) / tau
    threshold v > 15 mV
    reset { v = -50 mV }
}
population r = PowRem[64] { p = uniform(-30, 6)  q = uniform(0.1, 3) }
monitor spikes r
monitor state r.v every 1
run { duration = 100 ms  dt = 0.1 ms  seed = 3 }
`

// TestPowRemConformance: a kernel that calls pow and rem (snn_pow_inline
// and snn_rem_inline, emitted into the module) records the interpreter's
// bytes at 1 to 3 threads, and its step loop vectorises.
func TestPowRemConformance(t *testing.T) {
	ref := conform(t, conformSource("pow_rem", powRem, driver.Options{}).onLLVM(1, 2, 3))
	// The comparison means something only if the dynamics stay finite
	// and the model spikes.
	require.NotNil(t, ref)
	v, err := npy.Read(bytes.NewReader(ref.files["r_v.npy"]))
	require.NoError(t, err)
	require.NotEmpty(t, v.Data)
	for _, x := range v.Data {
		require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "v = %v", x)
	}
	pops := ref.summary["populations"].([]any)
	require.Positive(t, pops[0].(map[string]any)["spikes"], "r's spikes")
	t.Run("vectorize", func(t *testing.T) {
		got := vectorizeSource(t, "pow_rem", powRem)
		require.Equal(t, vectorises, got["r_step"], "the step loop of a kernel that calls pow and rem; all loops: %v", got)
	})
}
