package runtime

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/npy"
	"snnc/runtime/rng"
)

func rowsOf(c *CSR) [][]int32 {
	var out [][]int32
	for i := 0; i+1 < len(c.Start); i++ {
		out = append(out, c.Post[c.Start[i]:c.Start[i+1]])
	}
	return out
}

func TestConnectRules(t *testing.T) {
	src := rng.New(1)
	c, err := Connect(src, 0, Rule{Kind: "all_to_all", Autapses: false}, 3, 3, true)
	require.NoError(t, err)
	require.Equal(t, [][]int32{{1, 2}, {0, 2}, {0, 1}}, rowsOf(c))

	c, err = Connect(src, 0, Rule{Kind: "one_to_one"}, 3, 3, false)
	require.NoError(t, err)
	require.Equal(t, [][]int32{{0}, {1}, {2}}, rowsOf(c))
	_, err = Connect(src, 0, Rule{Kind: "one_to_one"}, 3, 4, false)
	require.ErrorContains(t, err, "one size")

	// Pairs keep their listed order within a pre neuron.
	c, err = Connect(src, 0, Rule{Kind: "pairs", Pairs: [][2]int{{1, 2}, {0, 1}, {1, 0}, {0, 1}}}, 2, 3, false)
	require.NoError(t, err)
	require.Equal(t, [][]int32{{1, 1}, {2, 0}}, rowsOf(c))
	_, err = Connect(src, 0, Rule{Kind: "pairs", Pairs: [][2]int{{2, 0}}}, 2, 3, false)
	require.ErrorContains(t, err, "out of range")
}

// fixed_probability makes about p·N² synapses, each pair independently:
// the count is within five standard deviations of its mean, rows are
// sorted and, without autapses, never hold their own neuron.
func TestConnectFixedProbability(t *testing.T) {
	const n, p = 2000, 0.05
	c, err := Connect(rng.New(3), rng.StreamConnect, Rule{Kind: "fixed_probability", P: p}, n, n, true)
	require.NoError(t, err)
	mean, sd := p*n*n, math.Sqrt(p*(1-p)*n*n)
	require.InDelta(t, mean, float64(c.Len()), 5*sd)
	// Every post index is hit about equally often.
	hits := make([]int, n)
	for _, j := range c.Post {
		hits[j]++
	}
	colMean := p * n
	var chi2 float64
	for _, h := range hits {
		chi2 += (float64(h) - colMean) * (float64(h) - colMean) / (colMean * (1 - p))
	}
	require.InDelta(t, float64(n), chi2, 5*math.Sqrt(2*n))

	c, err = Connect(rng.New(3), 0, Rule{Kind: "fixed_probability", P: 0.5}, 200, 200, true)
	require.NoError(t, err)
	for i, row := range rowsOf(c) {
		require.True(t, slices.IsSorted(row))
		require.NotContains(t, row, int32(i))
	}
	c, err = Connect(rng.New(3), 0, Rule{Kind: "fixed_probability", P: 1, Autapses: true}, 5, 7, false)
	require.NoError(t, err)
	require.Equal(t, 35, c.Len())
	c, err = Connect(rng.New(3), 0, Rule{Kind: "fixed_probability", P: 0}, 5, 7, false)
	require.NoError(t, err)
	require.Equal(t, 0, c.Len())
}

func TestConnectFixedDegree(t *testing.T) {
	src := rng.New(9)
	c, err := Connect(src, 0, Rule{Kind: "fixed_indegree", K: 10}, 50, 40, true)
	require.NoError(t, err)
	require.Equal(t, 400, c.Len())
	start, syn := c.ByPost(40)
	pre := c.Pre()
	for j := 0; j < 40; j++ {
		var from []int32
		for n := start[j]; n < start[j+1]; n++ {
			from = append(from, pre[syn[n]])
		}
		require.Len(t, from, 10)
		require.NotContains(t, from, int32(j), "autapse without autapses")
		require.Len(t, slices.Compact(slices.Sorted(slices.Values(from))), 10, "repeated pre neuron")
	}
	for _, row := range rowsOf(c) {
		require.True(t, slices.IsSorted(row))
	}
	// k equal to every candidate takes them all.
	c, err = Connect(src, 0, Rule{Kind: "fixed_outdegree", K: 7}, 3, 7, false)
	require.NoError(t, err)
	require.Equal(t, [][]int32{{0, 1, 2, 3, 4, 5, 6}, {0, 1, 2, 3, 4, 5, 6}, {0, 1, 2, 3, 4, 5, 6}}, rowsOf(c))
	_, err = Connect(src, 0, Rule{Kind: "fixed_outdegree", K: 7}, 7, 7, true)
	require.ErrorContains(t, err, "there are 6")
	// The same seed gives the same synapses, another seed others.
	a, _ := Connect(rng.New(1), 5, Rule{Kind: "fixed_indegree", K: 5, Autapses: true}, 100, 100, true)
	b, _ := Connect(rng.New(1), 5, Rule{Kind: "fixed_indegree", K: 5, Autapses: true}, 100, 100, true)
	d, _ := Connect(rng.New(2), 5, Rule{Kind: "fixed_indegree", K: 5, Autapses: true}, 100, 100, true)
	require.Equal(t, a, b)
	require.NotEqual(t, a.Post, d.Post)
}

// A spike of step n through a delay of D steps arrives in step n+1+D;
// per-synapse delays arrive by pre neuron, then synapse order.
func TestQueue(t *testing.T) {
	q := NewQueue(2)
	q.Push(0, []int32{1, 4})
	require.Empty(t, q.Deliver(1))
	require.Empty(t, q.Deliver(2))
	q.Push(2, []int32{0})
	require.Equal(t, []int32{1, 4}, q.Deliver(3))
	require.Empty(t, q.Deliver(4))
	require.Equal(t, []int32{0}, q.Deliver(5))

	// Synapses 0,1 from pre 0 with delays 3, 0; synapses 2,3 from pre 1
	// with delays 1, 2. Each step delivers, then queues its spikes.
	sq := NewSynapseQueue([]int32{3, 0, 1, 2}, []int64{0, 2, 4})
	require.Empty(t, sq.Deliver(0))
	sq.Push(0, []int32{0, 1}) // synapse 0 -> step 4, 1 -> 1, 2 -> 2, 3 -> 3
	require.Equal(t, []int32{1}, sq.Deliver(1))
	sq.Push(1, []int32{0}) // synapse 0 -> step 5, 1 -> 2
	require.Equal(t, []int32{1, 2}, sq.Deliver(2))
	require.Equal(t, []int32{3}, sq.Deliver(3))
	require.Equal(t, []int32{0}, sq.Deliver(4))
	require.Equal(t, []int32{0}, sq.Deliver(5))
}

// Poisson sources fire at their rate, and a change of rate takes effect
// at the period's first step.
func TestPoisson(t *testing.T) {
	const size, steps, dt = 100, 100000, 1e-4
	rates := []float64{20, 5}
	p := NewPoisson(rng.New(4), rng.StreamInput, size, dt, steps, steps/2, func(q int64) []float64 { return rates[q : q+1] })
	counts := [2]int{}
	for k := int64(0); k < steps; k++ {
		sp := p.Step(k)
		require.True(t, slices.IsSorted(sp))
		for n := 1; n < len(sp); n++ {
			require.NotEqual(t, sp[n-1], sp[n])
		}
		counts[k/(steps/2)] += len(sp)
	}
	for q, c := range counts {
		mean := rates[q] * dt * size * steps / 2
		require.InDelta(t, mean, float64(c), 5*math.Sqrt(mean), "period %d", q)
	}
	// A rate with p = rate·dt ≥ 1 fires every step.
	p = NewPoisson(rng.New(4), 0, 3, 1e-3, 10, 0, func(int64) []float64 { return []float64{2000} })
	for k := int64(0); k < 10; k++ {
		require.Equal(t, []int32{0, 1, 2}, p.Step(k))
	}
}

func TestSpikeTrain(t *testing.T) {
	st, err := NewSpikeTrain(3, 1e-3, 100, []int{2, 0, 1, 0}, []float64{0.005, 0.005, 0.0004, 1.0})
	require.NoError(t, err)
	require.Equal(t, []int32{1}, st.Step(0))
	require.Empty(t, st.Step(1))
	require.Equal(t, []int32{0, 2}, st.Step(5))
	require.Empty(t, st.Step(99)) // the spike at 1 s is after the run

	_, err = NewSpikeTrain(3, 1e-3, 100, []int{1, 1}, []float64{0.0051, 0.0059})
	require.ErrorContains(t, err, "fires twice in step 5")
	// Times go to the step that holds them, a time on the grid to its own
	// step although its quotient by dt is below it (0.3e-3 / 0.1e-3 is
	// 2.9999999999999996), as in Brian2 (tests/spike_times_test.go).
	s, dt := 0.3e-3, 0.1e-3 // variables: Go divides constants exactly
	require.Equal(t, 2.9999999999999996, s/dt)
	for _, c := range []struct{ s, step float64 }{{0.3e-3, 3}, {0.37e-3, 3}, {0.39e-3, 3}, {0.7e-3, 7}, {0.05e-3, 0}, {0.0999e-3, 1}, {0.29999e-3, 3}} {
		require.Equal(t, c.step, SpikeStep(c.s, 0.1e-3), "%g s", c.s)
	}
	st, err = NewSpikeTrain(1, 1e-3, 10, []int{0}, []float64{1e300})
	require.NoError(t, err, "a time far after the end is dropped")
	require.Empty(t, st.Step(0))
	_, err = NewSpikeTrain(3, 1e-3, 100, []int{3}, []float64{0})
	require.ErrorContains(t, err, "out of range")
	_, err = NewSpikeTrain(3, 1e-3, 100, []int{0}, []float64{math.NaN()})
	require.ErrorContains(t, err, "not a finite non-negative time")
}

// The outputs are the files spec/runtime.md describes.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	sp := NewSpikes("exc_spikes", "exc", 10, [][2]int{{0, 2}})
	sp.Record(3, []int32{0, 1, 5})
	st := NewState("exc_v", "exc", "v", 10, [][2]int{{4, 6}}, 2, 1e-4)
	for k := int64(0); k < 4; k++ {
		if st.Due(k) {
			st.Sample(k, func(i int32) float64 { return float64(k)*10 + float64(i) })
		}
	}
	sum := &Summary{Model: "m.snn"}
	require.NoError(t, Write(dir, 0.5, []*Spikes{sp}, []*State{st}, sum))
	read := func(name string) *npy.Array {
		a, err := npy.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return a
	}
	require.Equal(t, &npy.Array{Shape: []int{2}, Data: []float64{1.5, 1.5}, Dtype: "float64"}, read("exc_spikes.t.npy"))
	require.Equal(t, &npy.Array{Shape: []int{2}, Data: []float64{0, 1}, Dtype: "int32"}, read("exc_spikes.i.npy"))
	require.Equal(t, &npy.Array{Shape: []int{2}, Data: []float64{0, 1}, Dtype: "float64"}, read("exc_v.t.npy"))
	require.Equal(t, &npy.Array{Shape: []int{2}, Data: []float64{4, 5}, Dtype: "int32"}, read("exc_v.i.npy"))
	require.Equal(t, &npy.Array{Shape: []int{2, 2}, Data: []float64{4, 5, 24, 25}, Dtype: "float64"}, read("exc_v.npy"))
	_, err := os.Stat(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.Contains(t, sum.Files, "summary.json")
}
