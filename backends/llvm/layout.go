package llvm

import (
	"snnc/ir"
)

// access is how a kernel reaches a variable: its id in the runtime's
// c->var table, which element's value the access reaches (its ir.Ref's
// Reach), and whether the variable has one value for
// every element, whatever the element.
type access struct {
	v       *ir.Var
	id      int
	idx     ir.Index
	uniform bool
}

// segAccess is a dendrite array's state variable read with loadseg.
type segAccess struct {
	v     *ir.Var
	id    int
	count int
	post  bool
}

// layout numbers every variable of a module and records who owns what.
type layout struct {
	m      *ir.Module
	ids    map[*ir.Var]int
	vars   []*ir.Var
	pops   map[*ir.Population]int
	inputs map[*ir.Input]int
	projs  map[*ir.Projection]int
}

func newLayout(m *ir.Module) *layout {
	l := &layout{m: m, ids: map[*ir.Var]int{}, pops: map[*ir.Population]int{},
		inputs: map[*ir.Input]int{}, projs: map[*ir.Projection]int{}}
	add := func(v *ir.Var) {
		l.ids[v] = len(l.vars)
		l.vars = append(l.vars, v)
	}
	for _, v := range m.Params {
		add(v)
	}
	for n, p := range m.Populations {
		l.pops[p] = n
		for _, v := range p.Vars {
			add(v)
		}
		for _, d := range p.Dendrites {
			for _, v := range d.Vars {
				add(v)
			}
		}
	}
	for n, in := range m.Inputs {
		l.inputs[in] = n
	}
	for n, pr := range m.Projections {
		l.projs[pr] = n
		for _, v := range pr.Vars {
			add(v)
		}
	}
	return l
}

// uniform reports whether a variable has one value for every element.
func (l *layout) uniform(v *ir.Var) bool { return uniformVar(v) }

// uniformVar reports whether a variable has one value for every element
// during a run: a uniform parameter that no current drives.
func uniformVar(v *ir.Var) bool {
	return v.Kind == ir.VarParam && v.Uniform && v.DrivenBy == nil
}
