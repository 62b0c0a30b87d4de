package llvm

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// idxKind says which index of the running element selects a variable's
// value; it mirrors the interpreter's.
type idxKind uint8

const (
	idxElem    idxKind = iota // the element itself
	idxNeuron                 // its neuron i (a segment's, or a synapse's pre neuron)
	idxPost                   // a synapse's post neuron j
	idxPostSeg                // a synapse's post segment element
	idxZero                   // a global's one instance
	idxUniform                // one value for every element
)

// access is how a kernel reaches a name: the variable's id in the
// runtime's c->var table and its index.
type access struct {
	v   *ir.Var
	id  int
	idx idxKind
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
	m       *ir.Module
	ids     map[*ir.Var]int
	vars    []*ir.Var
	driven  map[*ir.Var]bool // parameters driven by a current: per neuron
	pops    map[string]int
	inputs  map[string]int
	projs   map[string]int
	popByNm map[string]*ir.Population
	owners  map[string]*ir.Names // ir.ScopesByOwner
	named   map[string]*names
}

func newLayout(m *ir.Module) *layout {
	l := &layout{m: m, ids: map[*ir.Var]int{}, driven: map[*ir.Var]bool{}, pops: map[string]int{},
		inputs: map[string]int{}, projs: map[string]int{}, popByNm: map[string]*ir.Population{}, named: map[string]*names{}}
	_, l.owners = ir.ScopesByOwner(m)
	add := func(v *ir.Var) {
		l.ids[v] = len(l.vars)
		l.vars = append(l.vars, v)
	}
	for _, v := range m.Params {
		add(v)
	}
	for n, p := range m.Populations {
		l.pops[p.Name] = n
		l.popByNm[p.Name] = p
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
		l.inputs[in.Name] = n
	}
	for n, pr := range m.Projections {
		l.projs[pr.Name] = n
		for _, v := range pr.Vars {
			add(v)
		}
	}
	for _, c := range m.Currents {
		if p := l.popByNm[c.Population]; p != nil {
			if v := ir.VarNamed(p.Vars, c.Param); v != nil {
				l.driven[v] = true
			}
		}
	}
	return l
}

// uniform reports whether a variable has one value for every element.
func (l *layout) uniform(v *ir.Var) bool {
	return v.Kind == ir.VarParam && v.Uniform && !l.driven[v]
}

// names is what one kernel sees: ir.ScopesByOwner's names, with each
// variable's id and how the element reaches it.
type names struct {
	vars map[string]access
	segs map[string]segAccess
}

// owner returns the names of an owner's kernels (see ir.ScopesByOwner).
func (l *layout) owner(name string) *names {
	if n, ok := l.named[name]; ok {
		return n
	}
	sc := l.owners[name]
	n := &names{vars: map[string]access{}, segs: map[string]segAccess{}}
	if sc != nil {
		for v, x := range sc.Vars {
			idx := map[ir.Index]idxKind{ir.IndexElement: idxElem, ir.IndexNeuron: idxNeuron, ir.IndexPost: idxPost,
				ir.IndexPostSegment: idxPostSeg, ir.IndexGlobal: idxZero}[sc.Where[v]]
			if l.uniform(x) {
				idx = idxUniform
			}
			n.vars[v] = access{x, l.ids[x], idx}
		}
		for v, x := range sc.Segments {
			sa := sc.SegmentOf[v]
			n.segs[v] = segAccess{x, l.ids[x], sa.Count, sa.Post}
		}
	}
	l.named[name] = n
	return n
}

func (l *layout) base() *names { return l.owner("") }

// popNames are the names of a population's kernels, or of its dendrite
// d's.
func (l *layout) popNames(p *ir.Population, d *ir.Dendrite) *names {
	if d != nil {
		return l.owner(p.Name + "." + d.Name)
	}
	return l.owner(p.Name)
}

// projNames are the names of a projection's kernels.
func (l *layout) projNames(pr *ir.Projection) *names { return l.owner(pr.Name) }

// dendrite returns a population's dendrite called name.
func dendrite(p *ir.Population, name string) (int, *ir.Dendrite) {
	for n, d := range p.Dendrites {
		if d.Name == name {
			return n, d
		}
	}
	return -1, nil
}

// monitorNames are the names of a monitor's value kernel: its target's,
// or its dendrite's for pop.dendrite.x.
func (l *layout) monitorNames(mon *ir.Monitor) (*names, error) {
	if _, ok := l.owners[mon.Target]; !ok {
		return nil, fmt.Errorf("monitor %s: no population or projection %s", mon.Name, mon.Target)
	}
	if d, _, ok := strings.Cut(mon.Var, "."); ok {
		if _, ok := l.owners[mon.Target+"."+d]; ok {
			return l.owner(mon.Target + "." + d), nil
		}
	}
	return l.owner(mon.Target), nil
}
