package runtime

// What a checkpoint saves of the queues and the Poisson sources, and how a
// resumed run puts it back (checkpoint.go; spec/runtime.md, "Checkpoint
// and resume").

import (
	"container/heap"
	"fmt"
	"slices"
)

// Pending returns the spikes in flight after step k-1 (due in steps k and
// later), as (due step, index) in delivery order: by due step, and within
// one as Deliver would return them.
func (q *Queue) Pending(k int64) (due []int64, index []int32) {
	L := int64(len(q.slots))
	for step := k; step < k+L; step++ {
		s := step % L
		slot := q.slots[s]
		if q.perSyn && q.unordered[s] {
			slot = slices.Clone(slot)
			slices.Sort(slot)
		}
		for _, i := range slot {
			due = append(due, step)
			index = append(index, i)
		}
	}
	return due, index
}

// Restore queues again the spikes Pending returned at step k, refusing
// any a queue of this length could not hold (a checkpoint of another
// model) or an index beyond n (neurons, or synapses for a per-synapse
// queue).
func (q *Queue) Restore(k int64, due []int64, index []int32, n int) error {
	L := int64(len(q.slots))
	for x, step := range due {
		i := index[x]
		if step < k || step >= k+L || i < 0 || int(i) >= n {
			return fmt.Errorf("spike %d in flight (index %d due in step %d) does not fit a queue of %d steps from step %d over %d elements", x, i, step, L, k, n)
		}
		s := step % L
		if q.perSyn && len(q.slots[s]) > 0 && q.slots[s][len(q.slots[s])-1] > i {
			q.unordered[s] = true
		}
		q.slots[s] = append(q.slots[s], i)
	}
	return nil
}

// neverStep stands for a pending spike beyond 2^53 steps in a checkpoint:
// one that no run reaches (runs have at most 2^40 steps), which a float64
// reader could not hold exactly.
const neverStep = -1

// Position returns each source's count of draws and the step of its next
// spike (neverStep for one beyond 2^53 steps), as a checkpoint saves them
// after step k-1.
func (p *Poisson) Position() (draws, next []int64) {
	draws, next = make([]int64, p.size), make([]int64, p.size)
	for i, d := range p.draws {
		draws[i] = int64(d)
		next[i] = neverStep
	}
	for _, e := range p.queue {
		if e.step < 1<<53 {
			next[e.index] = e.step
		}
	}
	return draws, next
}

// Resume sets the sources to a checkpoint's Position before step k (k >
// 0): the rates of step k's period, the draws made, and one pending spike
// per source.
func (p *Poisson) Resume(k int64, draws, next []int64) error {
	if len(draws) != p.size || len(next) != p.size {
		return fmt.Errorf("%d and %d positions for %d sources", len(draws), len(next), p.size)
	}
	p.setRates(k)
	p.queue = p.queue[:0]
	for i := range p.size {
		if draws[i] < 0 || next[i] != neverStep && next[i] < k {
			return fmt.Errorf("source %d: %d draws, next spike in step %d, before step %d", i, draws[i], next[i], k)
		}
		p.draws[i] = uint64(draws[i])
		step := next[i]
		if step == neverStep {
			step = GapCap
		}
		heap.Push(&p.queue, pending{step, int32(i)})
	}
	return nil
}
