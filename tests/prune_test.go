package tests

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/ir"
)

// deadParts is CUBA at 400 neurons with things nothing records: a state
// variable z that no equation reads, a readout population that only
// receives from exc, and a Poisson input that drives only the readout.
const deadParts = `
param w_e: mV = 1.62 mV
param w_i: mV = -9 mV

neuron CubaLIF {
    param tau_m: ms = 20 ms
    param tau_e: ms = 5 ms
    param tau_i: ms = 10 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    param e_l: mV = -49 mV
    state v: mV = uniform(v_r, v_t)
    state ge: mV = 0 mV
    state gi: mV = 0 mV
    state z: mV = 1 mV
    dv/dt = (ge + gi - (v - e_l)) / tau_m unless refractory
    dge/dt = -ge / tau_e
    dgi/dt = -gi / tau_i
    dz/dt = -z / tau_m
    threshold v > v_t
    reset { v = v_r }
    refractory 5 ms
}

synapse Excitatory { param w: mV = w_e  on pre { post.ge += w } }
synapse Inhibitory { param w: mV = w_i  on pre { post.gi += w } }

population exc = CubaLIF[320]
population inh = CubaLIF[80]
population readout = CubaLIF[20]
input noise = poisson[50] { rate = 20 Hz }

connect ee: exc -> exc using Excitatory by fixed_probability(0.1)
connect ei: exc -> inh using Excitatory by fixed_probability(0.1)
connect noise_in: noise -> readout using Excitatory by fixed_probability(0.5)
connect er: exc -> readout using Excitatory by fixed_probability(0.1)
connect ie: inh -> exc using Inhibitory by fixed_probability(0.1)
connect ii: inh -> inh using Inhibitory by fixed_probability(0.1)

monitor spikes exc
monitor state exc.v every 10
run { duration = 200 ms  dt = 0.1 ms  seed = 3 }
`

// Prune removes the parts of deadParts that nothing records, lists them
// in the module's notes, and the recordings are the same bytes.
func TestPruneDeadParts(t *testing.T) {
	// fuse off: the populations and projections counted are the model's.
	pruned := compileSourceWith(t, "dead.snn", deadParts, without("fuse"))
	kept := compileSourceWith(t, "dead.snn", deadParts, without("prune", "fuse"))
	assert.Equal(t, []string{
		"prune: removed projection noise_in: it changes nothing a monitor depends on",
		"prune: removed projection er: it changes nothing a monitor depends on",
		"prune: removed population readout: no monitor depends on its spikes or its state",
		"prune: removed input noise: no monitor depends on its spikes",
		"prune: removed exc.z: no monitor depends on it",
		"prune: removed inh.z: no monitor depends on it",
	}, pruned.Notes)
	assert.Len(t, pruned.Populations, 2)
	assert.Len(t, pruned.Projections, 4)
	assert.Empty(t, pruned.Inputs)
	// The streams of the projections after a removed one stay theirs.
	streams := []int{}
	for _, pr := range pruned.Projections {
		streams = append(streams, pr.Stream)
	}
	assert.Equal(t, []int{0, 1, 4, 5}, streams)

	want := recordings(outputBytes(t, kept, run(t, kept, interp.Options{})))
	got := recordings(outputBytes(t, pruned, run(t, pruned, interp.Options{})))
	require.Equal(t, len(want), len(got))
	requireSameFiles(t, want, got, "with prune")

	// The native runtime keys connectivity by the streams too.
	conform(t, conformModule("dead", deadParts, pruned).onLLVM(2))
}

// weighted has excitatory weights drawn per synapse and an inhibitory one
// fixed; it records every ee weight once, at the start.
const weighted = `
neuron LIF {
    param tau: ms = 20 ms
    state v: mV = uniform(-60 mV, -50 mV)
    state ge: mV = 0 mV
    dv/dt = (ge - (v + 49 mV)) / tau
    dge/dt = -ge / (5 ms)
    threshold v > -50 mV
    reset { v = -60 mV }
}
synapse Exc { state w: mV = uniform(0 mV, 3 mV)  on pre { post.ge += w } }
synapse Inh { param w: mV = -0.2 mV  on pre { post.ge += w } }
population exc = LIF[200]
connect ee: exc -> exc using Exc by fixed_probability(0.1)
connect ie: exc -> exc using Inh by fixed_probability(0.1)
monitor spikes exc
monitor state ee.w every 100000
run { duration = 100 ms  seed = 7 }
`

// Pruning by weight removes exactly the synapses below the bound, keeps
// the others in order with their weights, removes a fixed weight below
// the bound at compile time, and runs the same on both targets.
func TestPruneWeights(t *testing.T) {
	const bound = 1e-3 // 1 mV
	full := compileSource(t, "w.snn", weighted)
	all := run(t, full, interp.Options{})
	var ws []float64
	for _, s := range all.States {
		if s.Name == "ee_w" {
			ws = s.Values // one sample: every synapse's weight
		}
	}
	require.NotEmpty(t, ws)
	var want []float64
	for _, w := range ws {
		if !(math.Abs(w) < bound) {
			want = append(want, w)
		}
	}
	require.Less(t, len(want), len(ws))

	src := strings.Replace(weighted, "seed = 7", "seed = 7  prune_weight = 1 mV", 1)
	pruned := compileSource(t, "w.snn", src)
	assert.Equal(t, []string{
		"prune: projection ee: the synapses whose |w| < 0.001 are removed when the network is built",
		"prune: removed projection ie: its weight w = -0.0002 is below the bound 0.001",
	}, pruned.Notes)
	res := run(t, pruned, interp.Options{})
	assert.Equal(t, map[string]int{"ee": len(want)}, res.Summary.Synapses)
	for _, s := range res.States {
		if s.Name == "ee_w" {
			assert.Equal(t, want, s.Values)
		}
	}

	conform(t, conformModule("w", src, pruned).onLLVM(2))
}

// readoutModel is a small balanced network with a readout of 100
// neurons, of which monitors record neurons 0 to 2 (and spikes of 1):
// exc reaches it by fixed_indegree with a delay per post neuron, inh by
// fixed_probability, a Poisson input by all_to_all, a spikes input by
// pairs (some onto neurons past 2), and a current per neuron drives it;
// its initial state is drawn per neuron. RULE is the exc rule.
const readoutModel = `
neuron CubaLIF {
    param tau_m: ms = 20 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    param e_l: mV = -49 mV
    param i_ext: mV = 0 mV
    state v: mV = uniform(v_r, v_t)
    state ge: mV = 0 mV
    state gi: mV = 0 mV
    dv/dt = (ge + gi + i_ext - (v - e_l)) / tau_m unless refractory
    dge/dt = -ge / (5 ms)
    dgi/dt = -gi / (10 ms)
    threshold v > v_t
    reset { v = v_r }
    refractory 5 ms
}

synapse Excitatory { param w: mV = 1.62 mV  on pre { post.ge += w } }
synapse Inhibitory { param w: mV = -9 mV  on pre { post.gi += w } }

population exc = CubaLIF[320]
population inh = CubaLIF[80]
population readout = CubaLIF[100]
input noise = poisson[20] { rate = 20 Hz }
input clock = spikes[2] { times = [(0, 5 ms), (1, 10 ms)] }

connect ee: exc -> exc using Excitatory by fixed_probability(0.1)
connect ei: exc -> inh using Excitatory by fixed_probability(0.1)
connect ie: inh -> exc using Inhibitory by fixed_probability(0.1)
connect ii: inh -> inh using Inhibitory by fixed_probability(0.1)
connect er: exc -> readout using Excitatory by RULE { w = 0.5 mV + j * 0.01 mV  delay = 1 ms + j * 0.02 ms }
connect ir: inh -> readout using Inhibitory by fixed_probability(0.2)
connect nr: noise -> readout using Excitatory by all_to_all { w = 0.3 mV }
connect cr: clock -> readout using Excitatory by pairs([(0, 0), (1, 2), (0, 50), (1, 99)]) { w = 8 mV }
current bias -> readout.i_ext = 6 mV + i * 0.05 mV

monitor spikes exc
monitor spikes readout[1]
monitor state readout.v[0:3] every 1
monitor state readout.ge[2] every 10
run { duration = 200 ms  dt = 0.1 ms  seed = 5 }
`

// The readout keeps its neurons 0 to 2, and every recording is the same
// bytes with and without prune, on both targets; by fixed_outdegree (which
// depends on the readout's size) it keeps all 100, and says why.
func TestPruneNeurons(t *testing.T) {
	src := strings.Replace(readoutModel, "RULE", "fixed_indegree(30)", 1)
	pruned := compileSource(t, "readout.snn", src)
	kept := compileSourceWith(t, "readout.snn", src, without("prune"))
	assert.Equal(t, []string{
		"prune: projection cr loses 2 of its 4 pairs: they reach neurons of readout that go",
		"prune: population readout keeps neurons 0..2 of 100: no monitor depends on the others",
	}, pruneNotes(pruned))
	sizes := map[string]int{}
	for _, p := range pruned.Populations {
		sizes[p.Name] = p.Size
	}
	assert.Equal(t, 3, sizes["readout"])

	want := recordings(outputBytes(t, kept, run(t, kept, interp.Options{})))
	res := run(t, pruned, interp.Options{})
	got := recordings(outputBytes(t, pruned, res))
	require.Equal(t, len(want), len(got))
	requireSameFiles(t, want, got, "with prune")
	// The recording is not empty: the readout spiked and received spikes.
	require.NotEmpty(t, spikesOf(res, "readout_spikes").Steps)
	assert.Less(t, res.Summary.Synapses["er"], 3*30+1)

	conform(t, conformModule("readout", src, pruned).onLLVM(1, 2))
}

// Where exactness cannot be shown, the readout keeps every neuron: a
// rule that depends on its size, weights drawn per synapse (keyed by
// synapse index), its spikes read by a projection.
func TestPruneKeepsNeuronsWhenNotExact(t *testing.T) {
	for _, c := range []struct{ name, from, to, note string }{
		{"fixed_outdegree", "RULE", "fixed_outdegree(5)",
			"prune: population readout keeps all its 100 neurons, though monitors record only neurons 0..2: projection er makes its synapses by fixed_outdegree, which depends on the size of readout"},
		{"drawn weights", "RULE { w = 0.5 mV + j * 0.01 mV", "fixed_indegree(30) { w = uniform(0 mV, 1 mV)",
			"prune: population readout keeps all its 100 neurons, though monitors record only neurons 0..2: projection er draws random numbers per synapse, keyed by synapse index"},
		{"spikes read", "monitor spikes exc", "monitor spikes exc\nconnect back: readout -> exc using Excitatory by fixed_probability(0.1)", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(readoutModel, c.from, c.to, 1), "RULE", "fixed_indegree(30)", 1)
			m := compileSource(t, "readout.snn", src)
			for _, p := range m.Populations {
				if p.Name == "readout" {
					assert.Equal(t, 100, p.Size)
				}
			}
			if c.note == "" {
				assert.Empty(t, pruneNotes(m))
			} else {
				assert.Equal(t, []string{c.note}, pruneNotes(m))
			}
		})
	}
}

// pruneNotes returns the module's notes from prune.
func pruneNotes(m *ir.Module) []string {
	var out []string
	for _, n := range m.Notes {
		if strings.HasPrefix(n, "prune: ") {
			out = append(out, n)
		}
	}
	return out
}

// deadHandler has a global whose on spike b and on spike c change only d,
// which nothing records, and whose on spike k changes the recorded e.
const deadHandler = `
neuron Pacer {
    state v = 0
    dv/dt = 1 / (2 ms)
    threshold v > 1
    reset { v = 0 }
}
global g {
    state d = 0
    state e = 0
    dd/dt = -d / (10 ms)
    de/dt = -e / (10 ms)
    on spike b { d += 1 }
    on spike c { d += 2 }
    on spike k { e += 1 }
}
input b = poisson[3] { rate = 500 Hz }
input k = poisson[2] { rate = 300 Hz }
population c = Pacer[2]
monitor state g.e
run { duration = 20 ms  seed = 5 }
`

// Prune removes the handlers of a global whose effects nothing records
// with their sources, keeps the one that changes a recorded state, and
// the model records the same bytes without prune and natively (the
// native build refused the handler whose source prune had removed).
func TestPruneDeadHandler(t *testing.T) {
	pruned := compileSourceWith(t, "h.snn", deadHandler, without("fuse"))
	kept := compileSourceWith(t, "h.snn", deadHandler, without("prune", "fuse"))
	assert.Equal(t, []string{
		"prune: removed population c: no monitor depends on its spikes or its state",
		"prune: removed g's on spike b: it changes nothing a monitor depends on",
		"prune: removed g's on spike c: it changes nothing a monitor depends on",
		"prune: removed input b: no monitor depends on its spikes",
		"prune: removed g.d: no monitor depends on it",
	}, pruned.Notes)
	var handlers []string
	for _, k := range pruned.Populations[0].Kernels {
		if strings.HasPrefix(k.Name, "on_spike.") {
			handlers = append(handlers, k.Name)
		}
	}
	assert.Equal(t, []string{"on_spike.k"}, handlers)

	want := recordings(outputBytes(t, kept, run(t, kept, interp.Options{})))
	res := run(t, pruned, interp.Options{})
	e := res.States[0].Values
	require.NotEmpty(t, e)
	assert.Greater(t, slices.Max(e), 0.5, "k's spikes raise g.e")
	requireSameFiles(t, want, outputBytes(t, pruned, res), "with prune")
	conform(t, conformModule("h", deadHandler, pruned).onLLVM(1))
	// As snnc builds it, fused too.
	fused := compileSource(t, "h.snn", deadHandler)
	requireSameFiles(t, want, outputBytes(t, fused, run(t, fused, interp.Options{})), "with prune and fuse")
	conform(t, conformModule("h-fused", deadHandler, fused).onLLVM(2))
}
