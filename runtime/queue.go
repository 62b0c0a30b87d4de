package runtime

import "slices"

// Queue holds a projection's spikes in flight: a ring of slots, one per
// step, long enough for the longest delay. A spike emitted in step n
// through a synapse of D delay steps is delivered in step n + 1 + D
// (language.md section 6), so the ring needs D + 1 slots: the slot of
// step n + 1 + D is the one step n has just emptied.
//
// With one delay for the whole projection a slot holds presynaptic
// indices; with a delay per synapse it holds synapse indices, which
// Deliver sorts so that spikes are delivered by presynaptic neuron, then
// in synapse order, whatever step they were emitted in.
type Queue struct {
	slots     [][]int32
	perSyn    bool
	delay     int64   // the projection's delay in steps
	synDelay  []int32 // per synapse, when perSyn
	rowStart  []int64
	maxDelay  int64
	unordered []bool // a slot that got spikes of more than one step
}

// NewQueue returns the queue of a projection whose synapses all have
// delay steps.
func NewQueue(delay int64) *Queue {
	return &Queue{slots: make([][]int32, delay+1), delay: delay, maxDelay: delay}
}

// NewSynapseQueue returns the queue of a projection with a delay per
// synapse (in steps); rowStart is the projection's CSR.Start.
func NewSynapseQueue(delays []int32, rowStart []int64) *Queue {
	maxD := int64(0)
	for _, d := range delays {
		maxD = max(maxD, int64(d))
	}
	return &Queue{slots: make([][]int32, maxD+1), perSyn: true, synDelay: delays,
		rowStart: rowStart, maxDelay: maxD, unordered: make([]bool, maxD+1)}
}

// PerSynapse reports whether slots hold synapse indices.
func (q *Queue) PerSynapse() bool { return q.perSyn }

// Push queues the spikes of step n, given in increasing neuron order.
func (q *Queue) Push(n int64, spikes []int32) {
	if len(spikes) == 0 {
		return
	}
	L := int64(len(q.slots))
	if !q.perSyn {
		s := (n + 1 + q.delay) % L
		q.slots[s] = append(q.slots[s], spikes...)
		return
	}
	for _, i := range spikes {
		for syn := q.rowStart[i]; syn < q.rowStart[i+1]; syn++ {
			s := (n + 1 + int64(q.synDelay[syn])) % L
			if len(q.slots[s]) > 0 && !q.unordered[s] && q.slots[s][len(q.slots[s])-1] > int32(syn) {
				q.unordered[s] = true
			}
			q.slots[s] = append(q.slots[s], int32(syn))
		}
	}
}

// Deliver returns the spikes due in step k (presynaptic indices, or
// synapse indices for a per-synapse queue), in delivery order. The slice
// is valid until the next Push.
func (q *Queue) Deliver(k int64) []int32 {
	s := k % int64(len(q.slots))
	out := q.slots[s]
	q.slots[s] = out[:0]
	if q.perSyn && q.unordered[s] {
		slices.Sort(out)
		q.unordered[s] = false
	}
	return out
}
