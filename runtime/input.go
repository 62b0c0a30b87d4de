package runtime

import (
	"container/heap"
	"fmt"
	"math"
	"slices"

	"snnc/runtime/rng"
)

// Poisson is a group of independent Poisson sources. In each step a
// source fires with probability rate·dt (at most 1), as Brian2's
// PoissonGroup does; instead of one draw per source and step, the gap to
// a source's next spike is drawn from the geometric distribution, which
// is the same process, at one draw per spike. At a change of rate every
// source's next spike is drawn again from the change on: the process has
// no memory, so this too is exact.
//
// Each source draws from stream with its index as the counter's index and
// its own count of draws as n, so the spikes depend on the seed only.
type Poisson struct {
	src    rng.Source
	stream uint32
	size   int
	// rates(q) gives the rates in Hz during period q, one per source or
	// one shared; periodSteps is the length of a period in steps, 0 for
	// rates constant in time.
	rates       func(q int64) []float64
	periodSteps int64
	dt          float64

	logq  []float64 // ln(1 - p) of each source in the current period
	draws []uint64
	queue spikeHeap
	out   []int32
}

// NewPoisson returns size sources stepping by dt. steps, the run's
// length, is not used: the draws do not depend on it (GapCap).
func NewPoisson(src rng.Source, stream uint32, size int, dt float64, steps int64, periodSteps int64, rates func(q int64) []float64) *Poisson {
	return &Poisson{src: src, stream: stream, size: size, rates: rates, periodSteps: periodSteps,
		dt: dt, logq: make([]float64, size), draws: make([]uint64, size)}
}

// GapCap is the most steps a Poisson source's gap is drawn as: a
// constant, not the run's length, so that a run's draws do not depend on
// its duration and a run resumed from a checkpoint continues the draws of
// one long run (spec/runtime.md, Checkpoint and resume). A gap this long
// (rate 0, or a rate so small) never ends within a run: runs have at most
// 2^40 steps, and from + GapCap stays below 2^63.
const GapCap = 1 << 62

// drawFrom schedules source i's next spike at step from or later. The
// spike is kept even past the end of the run (each source has one pending
// spike in the queue): a checkpoint saves it.
func (p *Poisson) drawFrom(i int32, from int64) {
	gap := rng.Geometric(p.src.Block(p.stream, p.draws[i], uint64(i)), p.logq[i], GapCap)
	p.draws[i]++
	heap.Push(&p.queue, pending{from + int64(gap), i})
}

// setRates sets each source's log(1 - rate·dt) to its rate in the period
// of step k.
func (p *Poisson) setRates(k int64) {
	q := int64(0)
	if p.periodSteps > 0 {
		q = k / p.periodSteps
	}
	r := p.rates(q)
	for i := range p.logq {
		rate := r[0]
		if len(r) > 1 {
			rate = r[i]
		}
		p.logq[i] = rng.LogComplement(rate * p.dt)
	}
}

// Step returns the sources that fire in step k, in increasing order; the
// slice is valid until the next call. Steps must be visited in order.
func (p *Poisson) Step(k int64) []int32 {
	if k == 0 || (p.periodSteps > 0 && k%p.periodSteps == 0) {
		p.setRates(k)
		p.queue = p.queue[:0]
		for i := range p.size {
			p.drawFrom(int32(i), k)
		}
	}
	p.out = p.out[:0]
	for len(p.queue) > 0 && p.queue[0].step == k {
		p.out = append(p.out, heap.Pop(&p.queue).(pending).index)
	}
	slices.Sort(p.out)
	for _, i := range p.out {
		p.drawFrom(i, k+1)
	}
	return p.out
}

type pending struct {
	step  int64
	index int32
}

type spikeHeap []pending

func (h spikeHeap) Len() int { return len(h) }
func (h spikeHeap) Less(a, b int) bool {
	return h[a].step < h[b].step || h[a].step == h[b].step && h[a].index < h[b].index
}
func (h spikeHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *spikeHeap) Push(x any)   { *h = append(*h, x.(pending)) }
func (h *spikeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// SpikeTrain is a spikes input: given spikes, by step.
type SpikeTrain struct {
	steps   []int64 // sorted
	indices []int32 // sorted within a step
	next    int
}

// NewSpikeTrain turns (index, time) pairs into the spikes of each step:
// a spike at time s is in step SpikeStep(s, dt); spikes at or after the
// end of the run are dropped. Two spikes of one source in one step are an
// error, as in Brian2's SpikeGeneratorGroup.
func NewSpikeTrain(size int, dt float64, steps int64, indices []int, times []float64) (*SpikeTrain, error) {
	type spike struct {
		step  int64
		index int32
		n     int
	}
	var list []spike
	for n, i := range indices {
		t := times[n]
		if i < 0 || i >= size {
			return nil, fmt.Errorf("spike %d: source %d is out of range [0, %d)", n, i, size)
		}
		if !(t >= 0) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("spike %d: time %g s is not a finite non-negative time", n, t)
		}
		k := SpikeStep(t, dt)
		if k >= float64(steps) {
			continue // compared as a float: a huge time overflows an int64
		}
		list = append(list, spike{int64(k), int32(i), n})
	}
	slices.SortStableFunc(list, func(a, b spike) int {
		if a.step != b.step {
			return int(a.step - b.step)
		}
		return int(a.index - b.index)
	})
	st := &SpikeTrain{}
	for n, s := range list {
		if n > 0 && list[n-1].step == s.step && list[n-1].index == s.index {
			return nil, fmt.Errorf("spikes %d and %d: source %d fires twice in step %d (t = %g s and %g s); at most one spike per source and step",
				list[n-1].n, s.n, s.index, s.step, times[list[n-1].n], times[s.n])
		}
		st.steps = append(st.steps, s.step)
		st.indices = append(st.indices, s.index)
	}
	return st, nil
}

// SpikeStep is the step a given spike time falls in: the step that holds
// it, floor(s / dt), as in Brian2's SpikeGeneratorGroup and with its
// arithmetic, floor((s + dt/1000) / dt), so that a time on the grid (0.3 ms
// at dt = 0.1 ms, whose quotient is 2.9999999999999996) lands in its own
// step, not the one before, and each spike is in the step Brian2 puts it
// in. runtime/c/input.c computes the same; spec/language.md states it.
func SpikeStep(s, dt float64) float64 {
	shift := float64(1e-3 * dt) // rounded here: never fused into the add
	return math.Floor((s + shift) / dt)
}

// Step returns the sources that fire in step k; steps in order.
func (s *SpikeTrain) Step(k int64) []int32 {
	for s.next < len(s.steps) && s.steps[s.next] < k {
		s.next++
	}
	start := s.next
	for s.next < len(s.steps) && s.steps[s.next] == k {
		s.next++
	}
	return s.indices[start:s.next]
}
