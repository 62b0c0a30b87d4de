package interp

// Checkpoint and resume (spec/runtime.md, "Checkpoint and resume"): after
// a run, every array a step reads, as it holds it, for runtime.Write's
// state/checkpoint.json and state/raw/; before a resumed run, the same
// arrays put back over a network built as the first run built it, so that
// the steps from K on are those of one long run.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/runtime"
)

// cellOwners calls f with the storage of every population (by name),
// dendrite (POP.DENDRITE) and projection, in the order a checkpoint holds
// them: populations in the module's order, each's cells by name and then
// its dendrites', then projections.
func (s *sim) cellOwners(f func(owner string, cells map[string]*cell)) {
	for _, ps := range s.pops {
		f(ps.p.Name, ps.cells)
		for _, ds := range ps.dends {
			f(ps.p.Name+"."+ds.d.Name, ds.cells)
		}
	}
	for _, pr := range s.projs {
		f(pr.pr.Name, pr.cells)
	}
}

// checkpoint returns the state after step s.now-1: every cell with a value
// per element (fixed point as its raw integers, traces undecayed, the
// compiler's own variables too), refractory ends, the spikes of the last
// step, the spikes in flight, the Poisson sources' positions and the
// counts summary.json continues.
func (s *sim) checkpoint() *runtime.Checkpoint {
	sum, text := s.m.Fingerprint()
	c := &runtime.Checkpoint{Fingerprint: sum, IR: text, Seed: s.seed, Dt: s.dt, Steps: s.now, Events: s.events,
		Spikes: []runtime.SpikeCount{}}
	add := func(a runtime.RawArray) { c.Arrays = append(c.Arrays, a) }
	s.cellOwners(func(owner string, cells map[string]*cell) {
		for _, name := range slices.Sorted(maps.Keys(cells)) {
			if arr := cells[name].arr; arr != nil {
				// A NaN as the one NaN: which NaN arithmetic gives
				// depends on the backend (runtime.CanonicalNaN).
				vals := make([]float64, len(arr))
				for i, x := range arr {
					vals[i] = runtime.FinalValue(x)
				}
				add(runtime.RawArray{Name: "var:" + owner + ":" + name, F64: vals})
			}
		}
	})
	for _, ps := range s.pops {
		if ps.p.Global {
			continue
		}
		add(runtime.RawArray{Name: "ref:" + ps.p.Name, I64: slices.Clone(ps.ref)})
		add(runtime.RawArray{Name: "prev:" + ps.p.Name, I32: append([]int32{}, ps.prev...)})
		c.Spikes = append(c.Spikes, runtime.SpikeCount{Name: ps.p.Name, Spikes: ps.count})
	}
	for _, in := range s.inputs {
		add(runtime.RawArray{Name: "prev:" + in.in.Name, I32: append([]int32{}, in.prev...)})
		c.Spikes = append(c.Spikes, runtime.SpikeCount{Name: in.in.Name, Spikes: in.count})
		if in.poisson != nil {
			draws, next := in.poisson.Position()
			add(runtime.RawArray{Name: "poisson.draws:" + in.in.Name, I64: draws})
			add(runtime.RawArray{Name: "poisson.next:" + in.in.Name, I64: next})
		}
	}
	s.queues(func(name string, q *runtime.Queue, _ int) {
		due, index := q.Pending(s.now)
		add(runtime.RawArray{Name: "queue.due:" + name, I64: append([]int64{}, due...)})
		add(runtime.RawArray{Name: "queue.index:" + name, I32: append([]int32{}, index...)})
	})
	return c
}

// queues calls f with every spike queue: each projection's (by its name)
// and its pathways' (PROJ.PATHWAY), with the number of elements its
// entries index (pre neurons, or synapses for a per-synapse queue).
func (s *sim) queues(f func(name string, q *runtime.Queue, n int)) {
	for _, pr := range s.projs {
		n := func(q *runtime.Queue) int {
			if q.PerSynapse() {
				return pr.csr.Len()
			}
			return len(pr.csr.Start) - 1
		}
		f(pr.pr.Name, pr.queue, n(pr.queue))
		for _, p := range pr.paths {
			f(pr.pr.Name+"."+p.name, p.queue, n(p.queue))
		}
	}
}

// resumeCheck refuses a checkpoint of another model, dt or seed, naming
// the directory and what differs, and gives the run the checkpoint's seed
// where it has none of its own.
func resumeCheck(m *ir.Module, opts *Options) error {
	c := opts.Resume
	where := fmt.Sprintf("--resume %s: the model differs from the one that wrote %s/%s", c.Dir, c.Dir, runtime.CheckpointName)
	if c.Dt != m.Run.Dt {
		return fmt.Errorf("%s (dt is %g s there, %g s here)", where, c.Dt, m.Run.Dt)
	}
	if opts.Seed == nil {
		seed := c.Seed
		opts.Seed = &seed
	} else if *opts.Seed != c.Seed {
		return fmt.Errorf("--resume %s: the run there had seed %d, this one %d; resume with --seed %d (or without --seed)", c.Dir, c.Seed, *opts.Seed, c.Seed)
	}
	sum, text := m.Fingerprint()
	if sum == c.Fingerprint {
		return nil
	}
	there, here := strings.Split(c.IR, "\n"), strings.Split(text, "\n")
	for n := range min(len(there), len(here)) {
		if there[n] != here[n] {
			return fmt.Errorf("%s (line %d of its IR (snnc ir) is `%s` there, `%s` here)", where,
				n+1, strings.TrimSpace(there[n]), strings.TrimSpace(here[n]))
		}
	}
	return fmt.Errorf("%s (its IR (snnc ir) has %d lines there, %d here)", where, len(there), len(here))
}

// resume puts a checkpoint's state over the network build made, then runs
// prepare again (a --set may give a runtime parameter another value now),
// and puts the monitors' recordings so far in front of theirs.
func (s *sim) resume(c *runtime.Checkpoint) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("--resume %s: %s: "+format, append([]any{c.Dir, runtime.CheckpointName}, args...)...)
	}
	get := func(name string, n int) (*runtime.RawArray, error) {
		a := c.Array(name)
		if a == nil {
			return nil, fail("no raw array %s; the model differs", name)
		}
		if got := len(a.F64) + len(a.I64) + len(a.I32); n >= 0 && got != n {
			return nil, fail("%s has %d elements, %d here; the model differs", name, got, n)
		}
		return a, nil
	}
	var err error
	s.cellOwners(func(owner string, cells map[string]*cell) {
		for _, name := range slices.Sorted(maps.Keys(cells)) {
			arr := cells[name].arr
			if arr == nil || err != nil {
				continue
			}
			var a *runtime.RawArray
			if a, err = get("var:"+owner+":"+name, len(arr)); err == nil {
				copy(arr, a.F64) // in place: groups' members and kernels share the arrays
			}
		}
	})
	if err != nil {
		return err
	}
	counts := map[string]int64{}
	for _, sc := range c.Spikes {
		counts[sc.Name] = sc.Spikes
	}
	prev := func(name string, n int) ([]int32, error) {
		a, err := get("prev:"+name, -1)
		if err != nil {
			return nil, err
		}
		for _, i := range a.I32 {
			if i < 0 || int(i) >= n {
				return nil, fail("prev:%s holds neuron %d of %d", name, i, n)
			}
		}
		return a.I32, nil
	}
	for _, ps := range s.pops {
		if ps.p.Global {
			continue
		}
		a, err := get("ref:"+ps.p.Name, len(ps.ref))
		if err != nil {
			return err
		}
		copy(ps.ref, a.I64)
		if ps.prev, err = prev(ps.p.Name, ps.p.Size); err != nil {
			return err
		}
		ps.count = counts[ps.p.Name]
	}
	for _, in := range s.inputs {
		if in.prev, err = prev(in.in.Name, in.in.Size); err != nil {
			return err
		}
		in.count = counts[in.in.Name]
		if in.poisson != nil {
			draws, err := get("poisson.draws:"+in.in.Name, in.in.Size)
			if err != nil {
				return err
			}
			next, err := get("poisson.next:"+in.in.Name, in.in.Size)
			if err != nil {
				return err
			}
			if err := in.poisson.Resume(c.Steps, draws.I64, next.I64); err != nil {
				return fail("input %s: %v", in.in.Name, err)
			}
		}
	}
	s.queues(func(name string, q *runtime.Queue, n int) {
		if err != nil {
			return
		}
		var due, index *runtime.RawArray
		if due, err = get("queue.due:"+name, -1); err != nil {
			return
		}
		if index, err = get("queue.index:"+name, len(due.I64)); err != nil {
			return
		}
		if e := q.Restore(c.Steps, due.I64, index.I32, n); e != nil {
			err = fail("%s: %v", name, e)
		}
	})
	if err != nil {
		return err
	}
	s.events = c.Events
	// prepare again, over the restored parameters and any new --set, at
	// step 0 and time 0 as build runs it (its draws are those of step 0).
	if err := s.prepare(); err != nil {
		return err
	}
	for _, sm := range s.spikeMons {
		if err := c.ResumeSpikes(sm.rec, s.dt); err != nil {
			return err
		}
		if !s.mem.grow(float64(len(sm.rec.Steps))*runtime.SpikeBytes, 0) {
			return fmt.Errorf("--resume %s: monitor %s's %d spikes so far need more memory than is left", c.Dir, sm.rec.Name, len(sm.rec.Steps))
		}
	}
	for _, sm := range s.stateMons {
		if err := c.ResumeState(sm.rec, s.dt); err != nil {
			return err
		}
	}
	return nil
}
