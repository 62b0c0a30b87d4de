package tests

import (
	"testing"

	"snnc/backends/driver"
)

// indegreeRows draws fixed_indegree rules that the native runtime builds
// both ways (runtime/c/connect.c): dense ones (k at least a sixteenth of
// the pre population) from a bit matrix of the draws read through 64x64
// transposes, sparse ones in two passes over the same draws. The sizes
// are not multiples of 64, one rule draws every candidate but one, and
// two exclude autapses. Each synapse's w records its pre and post neuron
// (1000 i + j) at the first step, in synapse order: the rows and their
// order, compared byte for byte with the interpreter's (runtime.Connect,
// Go), which shares no code with either.
const indegreeRows = `
import "std/neurons.snn"
synapse Tag {
    state w: mV = 0 mV
    on pre { post.ge += 0.001 * w }
}
population a = LIF[131] { i_ext = 0.3 nA }
population b = LIF[77] { i_ext = 0.3 nA }
connect dense: a -> b using Tag by fixed_indegree(100) { w = (1000 * i + j) * 1 mV }
connect full: b -> b using Tag by fixed_indegree(75) { w = (1000 * i + j) * 1 mV }
connect edge: a -> a using Tag by fixed_indegree(9) { w = (1000 * i + j) * 1 mV }
connect sparse: a -> b using Tag by fixed_indegree(3) { w = (1000 * i + j) * 1 mV }
monitor state dense.w every 100 ms
monitor state full.w every 100 ms
monitor state edge.w every 100 ms
monitor state sparse.w every 100 ms
monitor spikes b
run { duration = 50 ms  dt = 0.1 ms  seed = 11 }
`

// TestIndegreeRows: fixed_indegree's rows, dense and sparse, natively at
// 1 to 3 threads as the interpreter makes them.
func TestIndegreeRows(t *testing.T) {
	conform(t, conformSource("indegree_rows", indegreeRows, driver.Options{}).onLLVM(1, 2, 3))
}

// probabilityRows draws fixed_probability rules whose rows the native
// runtime makes in batches of draws (connect.c, draw_rows): p = 0 (no
// synapse; the batches are skipped), p = 1 (every pair), a dense and a
// sparse p whose rows end past a batch or two, autapses excluded on one.
// The parts of rows drawn on the threads write into room of their own in
// one array (a little over their mean count); from the 3 neurons of c,
// at 3 threads (one row a part) rows of more than 5 synapses overflow
// theirs, which takes the other way of joining the parts (its list after
// its room), and rows of fewer leave room that the parts are moved down
// over. Each synapse's w records its pre and post neuron, as in
// indegreeRows.
const probabilityRows = `
import "std/neurons.snn"
synapse Tag {
    state w: mV = 0 mV
    on pre { post.ge += 0.001 * w }
}
population a = LIF[131] { i_ext = 0.3 nA }
population b = LIF[77] { i_ext = 0.3 nA }
connect none: a -> b using Tag by fixed_probability(0) { w = (1000 * i + j) * 1 mV }
connect full: b -> b using Tag by fixed_probability(1, autapses = false) { w = (1000 * i + j) * 1 mV }
connect dense: a -> b using Tag by fixed_probability(0.6) { w = (1000 * i + j) * 1 mV }
connect sparse: a -> a using Tag by fixed_probability(0.03, autapses = false) { w = (1000 * i + j) * 1 mV }
population c = LIF[3] { i_ext = 0.3 nA }
population d = LIF[400] { i_ext = 0.3 nA }
connect few1: c -> d using Tag by fixed_probability(0.01) { w = (1000 * i + j) * 1 mV }
connect few2: c -> d using Tag by fixed_probability(0.01) { w = (1000 * i + j) * 1 mV }
connect few3: c -> d using Tag by fixed_probability(0.01) { w = (1000 * i + j) * 1 mV }
monitor state few1.w every 100 ms
monitor state few2.w every 100 ms
monitor state few3.w every 100 ms
monitor state full.w every 100 ms
monitor state dense.w every 100 ms
monitor state sparse.w every 100 ms
monitor spikes b
run { duration = 50 ms  dt = 0.1 ms  seed = 12 }
`

// TestProbabilityRows: fixed_probability's rows natively at 1 to 3
// threads as the interpreter (runtime.Connect) makes them.
func TestProbabilityRows(t *testing.T) {
	conform(t, conformSource("probability_rows", probabilityRows, driver.Options{}).onLLVM(1, 2, 3))
}
