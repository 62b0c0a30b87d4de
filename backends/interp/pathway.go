package interp

import (
	"fmt"
	"strings"

	"snnc/runtime"
)

// pathway is one of a projection's named pathways (on_pre.NAME): its
// kernel, run per synapse as on_pre is, and its own spike queue, made from
// its delay.NAME as the projection's is from delay.
type pathway struct {
	name  string
	k     *kernel
	queue *runtime.Queue
}

// buildPathways compiles the projection's pathway kernels, in the order
// the projection holds them (the order of their names), and makes their
// queues.
func (s *sim) buildPathways(ps *projState, e *env) error {
	for _, k := range ps.pr.Kernels {
		name, ok := strings.CutPrefix(k.Name, "on_pre.")
		if !ok {
			continue
		}
		kern, err := e.compile(ps.pr.Name, k, ps.site)
		if err != nil {
			return err
		}
		q, err := s.delayQueue(ps, ps.cells["delay."+name])
		if err != nil {
			return fmt.Errorf("pathway %s: %w", name, err)
		}
		ps.paths = append(ps.paths, &pathway{name: name, k: kern, queue: q})
	}
	return nil
}

// pushPaths queues the spikes of step k on the projection's pathways.
func (ps *projState) pushPaths(k int64, spikes []int32) {
	for _, p := range ps.paths {
		p.queue.Push(k, spikes)
	}
}

// deliverPaths runs the projection's pathways whose spikes are due in step
// k, one pathway after the other, each as step 2 runs on_pre: by pre
// neuron, then in synapse order.
func (s *sim) deliverPaths(ps *projState, k int64, t float64) {
	for _, p := range ps.paths {
		s.deliver(ps, p.queue, p.k, k, t)
	}
}

// deliver runs on over the synapses of the spikes that q holds for step k.
func (s *sim) deliver(ps *projState, q *runtime.Queue, on *kernel, k int64, t float64) {
	due := q.Deliver(k)
	if on == nil || len(due) == 0 {
		return
	}
	if q.PerSynapse() {
		for _, syn := range due {
			on.one(k, t, int(syn))
		}
		s.events += int64(len(due))
		return
	}
	start := ps.csr.Start
	for _, i := range due {
		for syn := start[i]; syn < start[i+1]; syn++ {
			on.one(k, t, int(syn))
		}
		s.events += start[i+1] - start[i]
	}
}
