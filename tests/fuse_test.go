package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/ir"
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
	apart := compileSourceWith(t, "groups.snn", twoGroups, without("fuse"))
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
	requireSameFiles(t, want, got, "merged")
	for _, p := range res.Summary.Populations {
		assert.NotEqual(t, "fast_slow_mid", p.Name, "a group is not in the summary")
	}

	conform(t, conformModule("groups", twoGroups, merged).onLLVM(2))
}

// twoDendrites has a neuron with a single-compartment dendrite whose
// event reads the soma's v and a dendrite array whose ODE is frozen while
// the neuron is refractory and whose reset depends on its state; the soma
// reads both. fuse makes one step kernel of all of it.
const twoDendrites = `
neuron P {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    dendrite apical {
        state a: mV = 0 mV
        da/dt = (v - a) / (4 ms)
        threshold a > 6 mV and v < 8 mV
        reset { a = a / 2 }
    }
    dendrite basal[3] {
        param gain = 0.5
        state u: mV = 0 mV
        du/dt = (g - u) / (3 ms) unless refractory
        threshold u > 4 mV
        reset { u = u - 4 mV }
    }
    let drive = apical.a + gain_sum - 4 mV
    let gain_sum = sum(basal.u) * 0.5
    dv/dt = (drive + 12 mV - v) / tau
    dg/dt = -g / (5 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
    refractory 2 ms
}
synapse S { param w: mV = 3 mV  on pre { post.g += w } }
synapse D { param w: mV = 2 mV  on pre { post.u += w } }
input noise = poisson[40] { rate = 40 Hz }
population pop = P[30]
connect in: noise -> pop using S by fixed_probability(0.3)
connect rec: pop -> pop.basal using D by fixed_probability(0.2) { segment = i % 3 }
monitor spikes pop
monitor state pop.v every 3
monitor state pop.apical.a every 5
monitor state pop.gain_sum every 5
run { duration = 300 ms  seed = 7 }
`

// Dendrites fused into the step kernel give the recordings of the
// unfused model, on the interpreter and natively at two threads.
func TestFuseDendrites(t *testing.T) {
	fused := compileSource(t, "dendrites.snn", twoDendrites)
	apart := compileSourceWith(t, "dendrites.snn", twoDendrites, without("fuse"))
	p := fused.Populations[0]
	require.NotNil(t, ir.KernelNamed(p.Kernels, "step"))
	for _, d := range p.Dendrites {
		for _, k := range d.Kernels {
			assert.NotContains(t, []string{"update", "threshold", "reset"}, k.Name, "%s.%s is fused", d.Name, k.Name)
		}
	}
	want := outputBytes(t, apart, run(t, apart, interp.Options{}))
	res := run(t, fused, interp.Options{})
	got := outputBytes(t, fused, res)
	requireSameFiles(t, want, got, "fused")
	assert.Greater(t, res.Summary.Populations[0].Spikes, int64(10))

	conform(t, conformModule("dendrites", twoDendrites, fused).onLLVM(2))
}
