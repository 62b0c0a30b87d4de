package tests

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// twoGroups has three populations of one neuron type: fast and slow
// differ in their time constant and threshold, and mid is like fast but
// receives from slow. fuse runs them as one population with the
// differing constants as parameters per neuron.
const twoGroups = `
neuron LIF {
    param tau: ms = 10 ms
    param v_t: mV = 10 mV
    state v: mV = 0 mV
    state g: mV = 0 mV
    dv/dt = (22 mV + g - v) / tau
    dg/dt = -g / (5 ms)
    threshold v > v_t
    reset { v = 0 mV }
    refractory 2 ms
}
synapse S { param w: mV = 3 mV  on pre { post.g += w } }
population fast = LIF[30] { tau = 8 ms }
population slow = LIF[50] { tau = 25 ms  v_t = 15 mV }
population mid = LIF[20] { tau = 8 ms }
connect sf: slow -> fast using S by fixed_probability(0.2)
connect sm: slow -> mid using S by fixed_probability(0.3)
connect ff: fast -> slow using S by fixed_probability(0.1)
monitor spikes fast
monitor spikes slow
monitor spikes mid
monitor state slow.v every 7
run { duration = 300 ms  seed = 5 }
`

// Merged populations with differing constants give the recordings of the
// unmerged model, on the interpreter and natively at two threads.
func TestFuseMergesPopulations(t *testing.T) {
	merged := compileSource(t, "groups.snn", twoGroups)
	apart := compileSourceWith(t, "groups.snn", twoGroups, passes.Options{Verify: true, Disable: []string{"fuse"}})
	require.Equal(t, []string{
		"fuse: fast, slow, mid run as one population fast_slow_mid of 100 neurons",
		"fuse: sf, sm delivered as one projection sf_sm",
	}, merged.Notes)
	g := merged.Populations[0]
	assert.Equal(t, "fast_slow_mid", g.Name)
	var perNeuron []string
	for _, v := range g.Vars {
		if v.Kind == ir.VarParam {
			perNeuron = append(perNeuron, v.Name)
		}
	}
	// The threshold and the coefficients of v's propagator differ.
	assert.Len(t, perNeuron, 4, "%v", perNeuron)

	want := outputBytes(t, apart, run(t, apart, interp.Options{}))
	res := run(t, merged, interp.Options{})
	got := outputBytes(t, merged, res)
	for file, data := range want {
		require.True(t, slices.Equal(data, got[file]), "%s differs merged", file)
	}
	for _, p := range res.Summary.Populations {
		assert.NotEqual(t, "fast_slow_mid", p.Name, "a group is not in the summary")
	}

	requireNativeTools(t)
	prog, err := (&lang.Loader{}).Load("groups.snn", []byte(twoGroups))
	require.NoError(t, err)
	out := runNative(t, prog, merged, t.TempDir(), "--threads", "2")
	for file, data := range want {
		native, err := os.ReadFile(filepath.Join(out, file))
		require.NoError(t, err)
		require.True(t, slices.Equal(data, native), "%s differs natively merged", file)
	}
}
