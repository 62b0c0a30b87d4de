package interp

import (
	"math"

	"snnc/ir"
)

// loop runs the steps, each in the order of language.md section 6, and
// returns how many it ran: all of them, or those before Options.Stop
// held.
func (s *sim) loop() (done int64) {
	for k := s.first; k < s.steps; k++ {
		if s.opts.Stop != nil && s.opts.Stop.Load() {
			if s.opts.Progress != nil {
				s.opts.Progress(s.steps, s.steps) // clears the line
			}
			return k
		}
		s.now = k
		t := float64(k) * s.dt
		if s.opts.Progress != nil && k%1024 == 0 {
			s.opts.Progress(k, s.steps)
		}

		// 0. Scheduled code due now.
		s.runSchedules(k, t)

		// 1. Currents.
		s.currents(k)

		// 2. Delivery, projection by projection, by pre neuron, then in
		// synapse order.
		// The unnamed on pre first, then the named pathways (pathway.go).
		for _, pr := range s.projs {
			s.deliver(pr, pr.queue, pr.k.onPre, k, t)
			s.deliverPaths(pr, k, t)
		}

		// 3. Postsynaptic events and globals' on spike, for the spikes of
		// the previous step.
		for _, pr := range s.projs {
			on := pr.k.onPost
			if on == nil {
				continue
			}
			for _, j := range pr.post.prev {
				for n := pr.byPost.start[j]; n < pr.byPost.start[j+1]; n++ {
					on.one(k, t, int(pr.byPost.syn[n]))
				}
			}
		}
		for _, g := range s.pops {
			for _, os := range g.onSpike {
				for _, i := range s.prevSpikes(os.src) {
					os.k.stamped(k, t, 0, uint64(i))
				}
			}
		}

		// 4. State monitors.
		for _, sm := range s.stateMons {
			sm.sample(k)
		}

		// 4a. Summed variables, from the state as it is now.
		s.summed(k, t)

		// 4a. Then the reductions (they see this step's sums) over populations and projections.
		s.reduce()

		// 5. Integration: globals, synapses, dendrites, neurons.
		for _, ps := range s.pops {
			if ps.p.Global && ps.k.update != nil {
				ps.k.update.all(k, t, nil)
			}
		}
		for _, pr := range s.projs {
			if pr.k.update != nil {
				pr.k.update.all(k, t, nil)
			}
		}
		for _, ps := range s.pops {
			if ps.p.Global {
				continue
			}
			for _, ds := range ps.dends {
				if ds.k.update != nil {
					ds.k.update.all(k, t, nil)
				}
			}
			if ps.k.update != nil {
				ps.k.update.all(k, t, nil)
			}
			if ps.k.step != nil {
				ps.k.step.all(k, t, ps.thr)
			}
		}

		// 6 and 7. Dendritic events, then threshold, reset and
		// refractoriness of the somata.
		for _, ps := range s.pops {
			if !ps.p.Global {
				s.spike(ps, k, t)
			}
		}
		for _, in := range s.inputs {
			if in.poisson != nil {
				in.spikes = append(in.spikes[:0], in.poisson.Step(k)...)
			} else {
				in.spikes = append(in.spikes[:0], in.train.Step(k)...)
			}
			in.count += int64(len(in.spikes))
			for _, pr := range in.out {
				pr.queue.Push(k, in.spikes)
				pr.pushPaths(k, in.spikes)
			}
		}
		for _, sm := range s.spikeMons {
			if !sm.mon.Records(k) {
				continue
			}
			if err := sm.rec.Record(k, *sm.spikes); err != nil {
				panic(runError{err.Error()})
			}
		}
		for _, ps := range s.pops {
			ps.prev, ps.spikes = ps.spikes, ps.prev[:0]
		}
		for _, in := range s.inputs {
			in.prev, in.spikes = in.spikes, in.prev[:0]
		}
		if s.opts.Calibrate {
			s.calibrate(k)
		}
	}
	if s.opts.Progress != nil {
		s.opts.Progress(s.steps, s.steps)
	}
	return s.steps
}

// spike runs step 6 and 7 for a population.
func (s *sim) spike(ps *popState, k int64, t float64) {
	for _, ds := range ps.dends {
		if ds.k.threshold == nil {
			continue
		}
		ds.k.threshold.all(k, t, ds.thr)
		ds.fired = ds.fired[:0]
		for el, r := range ds.thr {
			if r != 0 {
				ds.fired = append(ds.fired, el)
			}
		}
		if ds.k.reset != nil {
			for _, el := range ds.fired {
				ds.k.reset.one(k, t, el)
			}
		}
	}
	if ps.k.step != nil {
		// The step kernel ran in step 5: its results are the spikes, the
		// neurons already reset and refractory. A group's are its
		// members', each in its range.
		for el, r := range ps.thr {
			if r != 0 {
				ps.spikes = append(ps.spikes, int32(el))
			}
		}
		ps.count += int64(len(ps.spikes))
		s.push(ps, k)
		for _, m := range ps.members {
			lo, hi := int32(m.p.Offset), int32(m.p.Offset+m.p.Size)
			for _, el := range ps.spikes {
				if el >= lo && el < hi {
					m.spikes = append(m.spikes, el-lo)
				}
			}
			m.count += int64(len(m.spikes))
			s.push(m, k)
		}
		return
	}
	if ps.k.threshold == nil {
		return
	}
	ref := ps.ref
	ps.k.threshold.all(k, t, ps.thr)
	for el, r := range ps.thr {
		if r != 0 && k >= ref[el] {
			ps.spikes = append(ps.spikes, int32(el))
		}
	}
	ps.count += int64(len(ps.spikes))
	for _, i := range ps.spikes {
		if ps.k.reset != nil {
			ps.k.reset.one(k, t, int(i))
		}
		if ps.k.refractory != nil {
			startRefractory(ref, int(i), k, ps.k.refractory.one(k, t, int(i)), s.dt)
		}
	}
	s.push(ps, k)
}

// push queues the population's spikes of step k on its projections.
func (s *sim) push(ps *popState, k int64) {
	for _, pr := range ps.out {
		pr.queue.Push(k, ps.spikes)
		pr.pushPaths(k, ps.spikes)
	}
}

// prevSpikes returns the spikes of the previous step of a population or
// input.
func (s *sim) prevSpikes(src ir.Source) []int32 {
	switch src := src.(type) {
	case *ir.Population:
		return s.popBy[src].prev
	case *ir.Input:
		return s.inBy[src].prev
	}
	return nil
}

// startRefractory makes neuron i, spiking in step k, refractory for period
// seconds: in the steps m > k with m - k < round(period / dt).
func startRefractory(ref []int64, i int, k int64, period, dt float64) {
	steps := math.Round(period / dt)
	if steps > 1 {
		ref[i] = k + int64(min(steps, 1<<40))
	}
}

// calibrate widens the ranges of the state variables and traces by their
// values after step k: the neurons' and dendrites' every step, the
// synapses' (many more) every 100 steps and after the last.
func (s *sim) calibrate(k int64) {
	if s.ranges == nil {
		s.ranges = map[string][2]float64{}
	}
	widen := func(owner string, cells map[string]*cell) {
		for name, c := range cells {
			if c.v.Kind == ir.VarParam && !c.v.Runtime && c.arr == nil {
				continue // a compile-time value
			}
			key := name
			if owner != "" {
				key = owner + "." + name
			}
			r, seen := s.ranges[key]
			vals := c.arr
			if vals == nil {
				vals = []float64{c.val}
			}
			for _, x := range vals {
				if !seen {
					r, seen = [2]float64{x, x}, true
				}
				r[0], r[1] = min(r[0], x), max(r[1], x)
			}
			if seen {
				s.ranges[key] = r
			}
		}
	}
	widen("", s.params)
	for _, ps := range s.pops {
		widen(ps.p.Name, ps.cells)
		for _, ds := range ps.dends {
			widen(ps.p.Name+"."+ds.d.Name, ds.cells)
		}
	}
	if k%100 == 0 || k == s.steps-1 {
		for _, pr := range s.projs {
			widen(pr.pr.Name, pr.cells)
		}
	}
}
