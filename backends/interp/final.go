package interp

// The final state: every variable the model changes or gives a value per
// element, after the last step run, for runtime.Write's state/ folder
// (spec/runtime.md, "The final state"). The native runtime's state.c makes
// the same arrays in the same order.

import (
	"fmt"

	"snnc/ir"
	"snnc/runtime"
)

// finalVar reports whether a variable goes into the final state: a state
// or trace, or a parameter with a value per element, that the model named
// (runtime.FinalName).
func finalVar(v *ir.Var) bool {
	return runtime.FinalName(v.Name) && (v.Kind != ir.VarParam || !v.Uniform)
}

// finalState reads the state after step s.now-1 (s.now is the number of
// steps run): by population (and global) in the module's order, its
// variables in their order, then its dendrites'; then by projection, its
// synapses' pre and post neurons (synapseNeurons) and its variables. A group of the fuse
// pass is not written (its members are, each its part), nor a projection
// that delivers others' synapses (rule parts), nor the pre and post of a
// projection without a variable per synapse. Values are reals, as a
// monitor records them: a fixed-point variable's converted, a synapse's
// trace decayed to the end, one NaN.
func (s *sim) finalState() []runtime.FinalArray {
	var out []runtime.FinalArray
	isGroup := map[*ir.Population]bool{}
	for _, p := range s.m.Populations {
		if p.Group != nil {
			isGroup[p.Group] = true
		}
	}
	add := func(name string, shape []int, n int, value func(i int32) float64) {
		a := runtime.FinalArray{Name: name, Shape: shape, F64: make([]float64, n)}
		for i := range a.F64 {
			a.F64[i] = runtime.FinalValue(value(int32(i)))
		}
		out = append(out, a)
	}
	for _, ps := range s.pops {
		if isGroup[ps.p] {
			continue
		}
		n := ps.p.Size
		for _, v := range ps.p.Vars {
			c := ps.cells[v.Name]
			if !finalVar(v) || c == nil || c.arr == nil {
				continue
			}
			arr := c.arr
			add(ps.p.Name+"."+v.Name, []int{n}, n, realValue(v.Type, func(i int32) float64 { return arr[i] }))
		}
		for _, ds := range ps.dends {
			for _, v := range ds.d.Vars {
				c := ds.cells[v.Name]
				if !finalVar(v) || c == nil || c.arr == nil {
					continue
				}
				shape, count := []int{n}, 1
				if v.Kind != ir.VarParam && ds.d.Array {
					shape, count = []int{n, ds.d.Count}, ds.d.Count
				}
				arr := c.arr
				add(ps.p.Name+"."+ds.d.Name+"."+v.Name, shape, n*count, realValue(v.Type, func(i int32) float64 { return arr[i] }))
			}
		}
	}
	for _, pr := range s.projs {
		if pr.pr.Rule.Kind == "parts" {
			continue
		}
		var vars []*ir.Var
		for _, v := range pr.pr.Vars {
			if c := pr.cells[v.Name]; finalVar(v) && c != nil && c.arr != nil {
				vars = append(vars, v)
			}
		}
		if len(vars) == 0 {
			continue
		}
		n := pr.csr.Len()
		pre, post := synapseNeurons(pr)
		out = append(out,
			runtime.FinalArray{Name: pr.pr.Name + ".pre", Shape: []int{n}, I32: pre},
			runtime.FinalArray{Name: pr.pr.Name + ".post", Shape: []int{n}, I32: post})
		for _, v := range vars {
			add(pr.pr.Name+"."+v.Name, []int{n}, n, s.synapseValue(pr, pr.cells[v.Name], true))
		}
	}
	return out
}

// synapseNeurons returns each synapse's pre and post neuron as the
// connect numbers them: within its subgroups or slices (language.md
// 4.12), whose first elements the population's indices are shifted by.
func synapseNeurons(pr *projState) (pre, post []int32) {
	preLo, _ := pr.pr.PreSpan()
	postLo, _ := pr.pr.PostSpan()
	pre, post = pr.csr.Pre(), make([]int32, pr.csr.Len())
	for s := range pre {
		pre[s] -= int32(preLo)
		post[s] = pr.csr.Post[s] - int32(postLo)
	}
	return pre, post
}

// FinalState returns the final state (state/, as Run's Summary.Final
// holds it) of a run of m for steps steps, built with opts as Initial
// builds it, whose storage after its last step holds vars (by
// Storage.Vars's names, raw values for fixed point; a variable not given
// keeps its value before step 0, the currents' at the last step). It is
// for a backend that runs the model elsewhere and reads its state back
// (the FPGA core): its state/ is then made by this one implementation.
func FinalState(m *ir.Module, opts Options, vars map[string][]float64, steps int64) (out []runtime.FinalArray, err error) {
	defer catchRunError(&err)
	s, err := built(m, opts)
	if err != nil {
		return nil, err
	}
	// A parameter a current drives holds its value of the last step.
	s.currents(steps - 1)
	if err := s.put("final state", vars); err != nil {
		return nil, err
	}
	s.now = steps
	return s.finalState(), nil
}

// put sets the storage's variables to vars (by Storage.Vars's names, raw
// values for fixed point); a variable not given keeps its value. what
// names the state in an error.
func (s *sim) put(what string, vars map[string][]float64) error {
	put := func(prefix string, cells map[string]*cell) error {
		for name, c := range cells {
			x, ok := vars[prefix+name]
			if !ok {
				continue
			}
			switch {
			case c.arr == nil && len(x) == 1: // one value for all, as storage gives it
				c.val = x[0]
			case c.arr == nil || len(x) != len(c.arr):
				return fmt.Errorf("%s: %s%s has %d values, not %d", what, prefix, name, len(x), max(1, len(c.arr)))
			default:
				copy(c.arr, x)
			}
		}
		return nil
	}
	for _, ps := range s.pops {
		if err := put(ps.p.Name+".", ps.cells); err != nil {
			return err
		}
		for _, ds := range ps.dends {
			if err := put(ps.p.Name+"."+ds.d.Name+".", ds.cells); err != nil {
				return err
			}
		}
	}
	for _, pr := range s.projs {
		if err := put(pr.pr.Name+".", pr.cells); err != nil {
			return err
		}
	}
	return nil
}

// StateSamples returns the recordings of the state monitors of m named in
// names, of a run of m built with opts as Initial builds it, whose storage
// held vars(n) (as FinalState takes them; a variable not given holds no
// value of the step: no monitor due there may read it) when the monitors
// sampled step samples[n] (section
// 6, step 4: after that step's deliveries). Each monitor samples the
// steps it is due in and records, of those given, with the conversion and
// the definitions' code a run's monitors use; the parameters that
// currents drive hold their values of the step, computed from the step's
// time (a current that reads state would read the given state, not the
// state before the step's deliveries). It is for a backend that runs the
// model elsewhere and reads its state back at the samples (the FPGA
// core, which has only currents of time); vars is called once per sample,
// in order, so that the backend may decode one sample at a time.
func StateSamples(m *ir.Module, opts Options, names map[string]bool, samples []int64, vars func(n int) map[string][]float64) (out []*runtime.State, err error) {
	defer catchRunError(&err)
	s, err := built(m, opts)
	if err != nil {
		return nil, err
	}
	for n, k := range samples {
		if err := s.put(fmt.Sprintf("state of step %d", k), vars(n)); err != nil {
			return nil, err
		}
		s.now = k
		s.currents(k)
		for _, sm := range s.stateMons {
			if names[sm.mon.Name] {
				sm.sample(k)
			}
		}
	}
	for _, sm := range s.stateMons {
		if names[sm.mon.Name] {
			out = append(out, sm.rec)
		}
	}
	return out, nil
}
