package llvm

import (
	"snnc/ir"
)

// access is how a kernel reaches a name: the variable's id in the
// runtime's c->var table, which element's value the name reaches (the
// verifier's scope says), and whether the variable has one value for
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
	owners map[ir.Node]*ir.Names // ir.ScopesByOwner
	named  map[ir.Node]*names
}

func newLayout(m *ir.Module) *layout {
	l := &layout{m: m, ids: map[*ir.Var]int{}, pops: map[*ir.Population]int{},
		inputs: map[*ir.Input]int{}, projs: map[*ir.Projection]int{}, named: map[ir.Node]*names{}}
	_, l.owners = ir.ScopesByOwner(m)
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
func (l *layout) uniform(v *ir.Var) bool {
	return v.Kind == ir.VarParam && v.Uniform && v.DrivenBy == nil
}

// names is what one kernel sees: ir.ScopesByOwner's names, with each
// variable's id and how the element reaches it.
type names struct {
	vars map[string]access
	segs map[string]segAccess
}

// owner returns the names of an owner's kernels (see ir.ScopesByOwner):
// nil's are what every kernel sees.
func (l *layout) owner(node ir.Node) *names {
	if n, ok := l.named[node]; ok {
		return n
	}
	sc := l.owners[node]
	n := &names{vars: map[string]access{}, segs: map[string]segAccess{}}
	if sc != nil {
		for v, x := range sc.Vars {
			n.vars[v] = access{x, l.ids[x], sc.Where[v], l.uniform(x)}
		}
		for v, x := range sc.Segments {
			sa := sc.SegmentOf[v]
			n.segs[v] = segAccess{x, l.ids[x], sa.Count, sa.Post}
		}
	}
	l.named[node] = n
	return n
}

func (l *layout) base() *names { return l.owner(nil) }

// popNames are the names of a population's kernels, or of its dendrite
// d's.
func (l *layout) popNames(p *ir.Population, d *ir.Dendrite) *names {
	if d != nil {
		return l.owner(d)
	}
	return l.owner(p)
}

// projNames are the names of a projection's kernels.
func (l *layout) projNames(pr *ir.Projection) *names { return l.owner(pr) }

// monitorNames are the names of a monitor's value kernel: its target's,
// or its dendrite's for pop.dendrite.x.
func (l *layout) monitorNames(mon *ir.Monitor) *names { return l.owner(mon.Sampled()) }
