package interp

import (
	"fmt"
	"math"
	"slices"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/rng"
)

// Storage is the state of a simulation: what a backend that is configured
// from the interpreter reads (the FPGA core's memories are written from
// it), and what it is compared with.
type Storage struct {
	// Steps is the number of steps run.
	Steps int64
	// Vars holds the values of every variable with storage, by
	// owner.name: a population's and a global's per neuron (one value for
	// a uniform parameter), a dendrite's as pop.dendrite.name per segment
	// of each neuron in turn, a projection's per synapse in the order of
	// CSR. A fixed-point variable's are its raw integers.
	Vars map[string][]float64
	// RefEnd is, by population, the first step each neuron is no longer
	// refractory in.
	RefEnd map[string][]int64
	// CSR is each projection's synapses.
	CSR map[string]*runtime.CSR
	// Inputs gives each input's sources that spike in step k, steps in
	// increasing order; set by Initial only.
	Inputs map[string]func(k int64) []int32
}

// Initial builds a module's network and its initial state, as Run does
// before step 0, and returns it without running.
func Initial(m *ir.Module, opts Options) (st *Storage, err error) {
	defer catchRunError(&err)
	s, err := built(m, opts)
	if err != nil {
		return nil, err
	}
	// The currents' values at step 0: a parameter a current holds
	// constant has its value.
	s.currents(0)
	st = s.storage()
	st.Inputs = map[string]func(int64) []int32{}
	for _, in := range m.Inputs {
		// A source of its own: the run's are consumed step by step.
		t := *s
		t.inputs, t.inBy = nil, map[*ir.Input]*inputState{}
		if err := t.buildInput(in); err != nil {
			return nil, fmt.Errorf("input %s: %v", in.Name, err)
		}
		is := t.inputs[0]
		st.Inputs[in.Name] = func(k int64) []int32 {
			if is.poisson != nil {
				return slices.Clone(is.poisson.Step(k))
			}
			return slices.Clone(is.train.Step(k))
		}
	}
	return st, nil
}

// newSim makes a simulation of a module with its run settings.
func newSim(m *ir.Module, opts Options) (*sim, error) {
	s := &sim{m: m, opts: opts, dt: m.Run.Dt, steps: m.Run.Steps, params: map[string]*cell{},
		popBy: map[*ir.Population]*popState{}, inBy: map[*ir.Input]*inputState{}, projBy: map[*ir.Projection]*projState{}}
	s.dir = opts.Dir
	seed := m.Run.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	s.seed = seed
	s.rng = rng.New(seed)
	if opts.Duration > 0 {
		steps := math.Round(opts.Duration / s.dt)
		if !(steps >= 1 && steps <= 1<<40) {
			return nil, fmt.Errorf("a duration of %g s is %g steps of %g s; it must be 1 to 2^40 steps", opts.Duration, steps, s.dt)
		}
		s.steps = int64(steps)
	}
	if s.steps < 1 || !(s.dt > 0) {
		return nil, fmt.Errorf("the run has %d steps of %g s; it needs at least one", s.steps, s.dt)
	}
	mem, err := checkMemory(m, s.steps, opts.MemoryLimit)
	if err != nil {
		return nil, err
	}
	s.mem = mem
	return s, nil
}

// storage copies the simulation's state.
func (s *sim) storage() *Storage {
	st := &Storage{Steps: s.now, Vars: map[string][]float64{}, RefEnd: map[string][]int64{}, CSR: map[string]*runtime.CSR{}}
	put := func(prefix string, cells map[string]*cell) {
		for name, c := range cells {
			if c.arr != nil {
				st.Vars[prefix+name] = slices.Clone(c.arr)
			} else {
				st.Vars[prefix+name] = []float64{c.val}
			}
		}
	}
	put("", s.params)
	for _, ps := range s.pops {
		put(ps.p.Name+".", ps.cells)
		for _, ds := range ps.dends {
			put(ps.p.Name+"."+ds.d.Name+".", ds.cells)
		}
		if ps.ref != nil {
			st.RefEnd[ps.p.Name] = slices.Clone(ps.ref)
		}
	}
	for _, pr := range s.projs {
		put(pr.pr.Name+".", pr.cells)
		st.CSR[pr.pr.Name] = pr.csr
	}
	return st
}

// catchRunError makes a run error (a panic with a runError, from a kernel
// deep in a run) the error of the function that defers it.
func catchRunError(err *error) {
	if r := recover(); r != nil {
		re, ok := r.(runError)
		if !ok {
			panic(r)
		}
		*err = fmt.Errorf("%s", re.msg)
	}
}
