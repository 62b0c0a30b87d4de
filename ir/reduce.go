package ir

import "fmt"

// Reduce makes a state variable of a global the reduction of a variable
// of a population or a projection over all its elements: their sum,
// mean, largest or smallest value. The runtime computes it, not a kernel
// (so no kernel stores it): once when the network is built, after the
// initial values, and then in every step after the deliveries, the
// postsynaptic events and the state monitors and before the integration
// (language.md section 6, step 4a); the global's kernels read it as any
// of its state. Every backend sums in element order (neurons by index,
// synapses in synapse order), one after the other, starting from +0, so
// the result is the same bits whatever the threads; mean is that sum
// divided by the count; max and min are mathfn.Max and Min folded in the
// same order from the first element (NaN if any element is NaN; -0
// below +0), and of no elements they are -Inf and +Inf, the sum 0 and
// the mean NaN.
//
// Printed after the variable: state mean.exc.v : f64 reduce mean exc v.
type Reduce struct {
	Kind   string // "sum", "mean", "max" or "min"
	Source string // the population or projection, as printed
	Name   string // its variable, as printed
	// Range, where not {0, 0}, is the slice [lo, hi) of a population's
	// neurons reduced over (a subgroup, spec/language.md 4.12).
	Range [2]int
	// Node and From are what Source and Name reach: Module.Link resolves
	// them, nil where they reach nothing (the verifier reports it).
	Node Node
	From *Var
	// Pos is the reduction's call in the source, for diagnostics (not
	// part of the text form).
	Pos Pos
}

// ReduceKinds are the reductions a Reduce may compute.
var ReduceKinds = map[string]bool{"sum": true, "mean": true, "max": true, "min": true}

func (r *Reduce) String() string {
	s := fmt.Sprintf("reduce %s %s %s", r.Kind, r.Source, r.Name)
	if r.Range != [2]int{} {
		s += fmt.Sprintf(" slice %d %d", r.Range[0], r.Range[1])
	}
	return s
}

// Reductions calls f on every global's variable that is a reduction, in
// the order of the module: by global, then by variable.
func (m *Module) Reductions(f func(g *Population, v *Var)) {
	for _, p := range m.Populations {
		for _, v := range p.Vars {
			if v.Reduce != nil {
				f(p, v)
			}
		}
	}
}

// linkReductions resolves every reduction's Node and From.
func (m *Module) linkReductions() {
	m.Reductions(func(_ *Population, v *Var) {
		r := v.Reduce
		r.Node, r.From = nil, nil
		for _, p := range m.Populations {
			if p.Name == r.Source && !p.Global {
				r.Node, r.From = p, VarNamed(p.Vars, r.Name)
			}
		}
		for _, pr := range m.Projections {
			if pr.Name == r.Source {
				r.Node, r.From = pr, VarNamed(pr.Vars, r.Name)
			}
		}
	})
}

// checkReductions reports reductions outside a global's state, of an
// unknown kind, or whose source or variable is not in the module.
func (v *verifier) checkReductions() {
	m := v.m
	for _, p := range m.Populations {
		for _, x := range p.Vars {
			r := x.Reduce
			if r == nil {
				continue
			}
			where := p.Name + "." + x.Name
			switch {
			case !p.Global || x.Kind != VarState:
				v.errorf(where, "only a global's state variable can be a reduction")
			case !ReduceKinds[r.Kind]:
				v.errorf(where, "unknown reduction %s", r.Kind)
			case r.Node == nil:
				v.errorf(where, "reduces over %s, which is neither a population nor a projection of the module", r.Source)
			case r.From == nil:
				v.errorf(where, "reduces over %s.%s, which is not a variable", r.Source, r.Name)
			case r.From.Type != TF64 || x.Type != TF64:
				v.errorf(where, "reduces %s to %s: reductions are of f64 variables into f64", r.From.Type, x.Type)
			}
		}
	}
	m.VarOwners(func(n Node, vars []*Var) {
		if p, ok := n.(*Population); ok && p.Global {
			return
		}
		for _, x := range vars {
			if x.Reduce != nil {
				v.errorf(n.NodeName()+"."+x.Name, "only a global's state variable can be a reduction")
			}
		}
	})
}
