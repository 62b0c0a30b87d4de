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
}

func newLayout(m *ir.Module) *layout {
	l := &layout{m: m, ids: map[*ir.Var]int{}, driven: map[*ir.Var]bool{}, pops: map[string]int{},
		inputs: map[string]int{}, projs: map[string]int{}, popByNm: map[string]*ir.Population{}}
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

// names is what one kernel sees.
type names struct {
	vars map[string]access
	segs map[string]segAccess
}

func (l *layout) base() *names {
	n := &names{vars: map[string]access{}, segs: map[string]segAccess{}}
	for _, v := range l.m.Params {
		n.vars[v.Name] = access{v, l.ids[v], idxUniform}
	}
	for _, p := range l.m.Populations {
		if p.Global {
			for _, v := range p.Vars {
				n.add(l, p.Name+"."+v.Name, v, idxZero)
			}
		}
	}
	return n
}

func (n *names) add(l *layout, name string, v *ir.Var, idx idxKind) {
	if l.uniform(v) {
		idx = idxUniform
	}
	n.vars[name] = access{v, l.ids[v], idx}
}

// neuron adds a population's names under prefix.
func (n *names) neuron(l *layout, p *ir.Population, prefix string, idx idxKind, post bool) {
	for _, v := range p.Vars {
		n.add(l, prefix+v.Name, v, idx)
	}
	for _, d := range p.Dendrites {
		for _, v := range d.Vars {
			full := prefix + d.Name + "." + v.Name
			if d.Array && v.Kind != ir.VarParam {
				n.segs[full] = segAccess{v, l.ids[v], d.Count, post}
			} else {
				n.add(l, full, v, idx)
			}
		}
	}
}

// popNames are the names of a population's kernels, or of its dendrite
// d's.
func (l *layout) popNames(p *ir.Population, d *ir.Dendrite) *names {
	n := l.base()
	if d == nil {
		n.neuron(l, p, "", idxElem, false)
		return n
	}
	n.neuron(l, p, "", idxNeuron, false)
	for _, v := range d.Vars {
		idx := idxElem
		if v.Kind == ir.VarParam {
			idx = idxNeuron
		}
		n.add(l, v.Name, v, idx)
	}
	return n
}

// projNames are the names of a projection's kernels.
func (l *layout) projNames(pr *ir.Projection) *names {
	n := l.base()
	if pre := l.popByNm[pr.Pre]; pre != nil {
		n.neuron(l, pre, "pre.", idxNeuron, false)
	}
	post := l.popByNm[pr.Post]
	n.neuron(l, post, "post.", idxPost, true)
	for _, v := range pr.Vars {
		n.add(l, v.Name, v, idxElem)
	}
	for _, d := range post.Dendrites {
		if d.Name != pr.Dendrite {
			continue
		}
		for _, v := range d.Vars {
			idx := idxPost
			if d.Array && v.Kind != ir.VarParam {
				idx = idxPostSeg
			}
			n.add(l, "post."+v.Name, v, idx)
		}
	}
	return n
}

// dendrite returns a population's dendrite called name.
func dendrite(p *ir.Population, name string) (int, *ir.Dendrite) {
	for n, d := range p.Dendrites {
		if d.Name == name {
			return n, d
		}
	}
	return -1, nil
}

// monitorNames are the names of a monitor's value kernel.
func (l *layout) monitorNames(mon *ir.Monitor) (*names, error) {
	if p := l.popByNm[mon.Target]; p != nil {
		if dn, _, ok := strings.Cut(mon.Var, "."); ok {
			if _, d := dendrite(p, dn); d != nil {
				return l.popNames(p, d), nil
			}
		}
		return l.popNames(p, nil), nil
	}
	if n, ok := l.projs[mon.Target]; ok {
		return l.projNames(l.m.Projections[n]), nil
	}
	return nil, fmt.Errorf("monitor %s: no population or projection %s", mon.Name, mon.Target)
}
