package ir

import (
	"fmt"
	"strings"
)

// Node is an element of the dataflow graph that can own kernels: a
// population (a global included), a dendrite, an input, a projection, a
// current or a monitor.
type Node interface {
	// NodeName is how the text form and messages name the node: a
	// dendrite as population.dendrite, everything else by its name.
	NodeName() string
	node()
}

// Source is a node whose spikes a projection, a monitor or a global's
// on_spike kernel can take: a population or an input.
type Source interface {
	Node
	// SourceSize is the number of elements that spike.
	SourceSize() int
	source()
}

func (p *Population) NodeName() string { return p.Name }
func (d *Dendrite) NodeName() string {
	if d.Population == nil {
		return d.Name
	}
	return d.Population.Name + "." + d.Name
}
func (in *Input) NodeName() string      { return in.Name }
func (pr *Projection) NodeName() string { return pr.Name }
func (c *Current) NodeName() string     { return c.Name }
func (m *Monitor) NodeName() string     { return m.Name }

func (*Population) node() {}
func (*Dendrite) node()   {}
func (*Input) node()      {}
func (*Projection) node() {}
func (*Current) node()    {}
func (*Monitor) node()    {}

func (p *Population) SourceSize() int { return p.Size }
func (in *Input) SourceSize() int     { return in.Size }

func (*Population) source() {}
func (*Input) source()      {}

// Domain is what a kernel runs for: the set of elements its index i
// ranges over, and so the variables a name without a prefix reaches.
type Domain uint8

const (
	DomainNone    Domain = iota // not attached to a module (a pass's scratch kernel)
	DomainNeuron                // each neuron of a population (a current's value kernel too)
	DomainSegment               // each segment (or the one compartment) of a dendrite of each neuron
	DomainSynapse               // each synapse of a projection
	DomainGlobal                // the one instance of a global
	DomainSource                // each source of an input
)

func (d Domain) String() string {
	return [...]string{"none", "neuron", "segment", "synapse", "global", "source"}[d]
}

// Role is what a kernel is for, from its name; it says when in a step the
// kernel runs (spec/ir.md lists each).
type Role uint8

const (
	RoleNone       Role = iota // a scratch kernel of a pass, never printed
	RoleInit                   // init: once, when the network is built
	RolePrepare                // prepare: before the update, on the step's inputs
	RoleUpdate                 // update: integrates the state
	RoleThreshold              // threshold: whether the element spikes
	RoleReset                  // reset: after a spike
	RoleRefractory             // refractory: whether the element is refractory
	RoleStep                   // step: update, threshold and reset fused into one
	RoleOnPre                  // on_pre: a synapse's pre neuron spiked
	RoleOnPost                 // on_post: a synapse's post neuron spiked
	RoleRate                   // rate: a poisson source's rate
	RoleValue                  // value: a current's value, or a monitored definition
	RoleOnSpike                // on_spike.SOURCE: a global's, on each of SOURCE's spikes
)

var roleNames = [...]string{"", "init", "prepare", "update", "threshold", "reset", "refractory", "step",
	"on_pre", "on_post", "rate", "value", "on_spike"}

func (r Role) String() string { return roleNames[r] }

// RoleOf returns the role a kernel's name gives it, and false for a name
// no element's kernel has. on_spike.SOURCE is RoleOnSpike.
func RoleOf(name string) (Role, bool) {
	if src, ok := strings.CutPrefix(name, "on_spike."); ok {
		return RoleOnSpike, src != ""
	}
	for r, n := range roleNames {
		if r > 0 && n == name {
			return Role(r), true
		}
	}
	return RoleNone, false
}

// Link sets what the graph derives from its structure, after lowering,
// parsing, and every pass (which may add, move or remove kernels and
// currents): every dendrite's Population, every kernel's Owner, Domain
// and Role, and every variable's DrivenBy. It changes nothing that
// Print shows.
func (m *Module) Link() {
	pops := map[string]*Population{}
	for _, p := range m.Populations {
		pops[p.Name] = p
		for _, d := range p.Dendrites {
			d.Population = p
		}
	}
	m.Vars(func(v *Var) { v.DrivenBy = nil })
	for _, c := range m.Currents {
		if p := pops[c.Population]; p != nil {
			if v := VarNamed(p.Vars, c.Param); v != nil {
				v.DrivenBy = c
			}
		}
	}
	m.Nodes(func(n Node, ks []*Kernel) {
		d := m.DomainOf(n)
		for _, k := range ks {
			k.Owner, k.Domain = n, d
			k.Role, _ = RoleOf(k.Name)
		}
	})
}

// Nodes calls f on every node of the module that can own kernels, with
// its kernels, in the order Print prints them.
func (m *Module) Nodes(f func(n Node, kernels []*Kernel)) {
	for _, p := range m.Populations {
		f(p, p.Kernels)
		for _, d := range p.Dendrites {
			f(d, d.Kernels)
		}
	}
	for _, in := range m.Inputs {
		f(in, in.Kernels)
	}
	for _, pr := range m.Projections {
		f(pr, pr.Kernels)
	}
	for _, c := range m.Currents {
		f(c, c.Kernels)
	}
	for _, mon := range m.Monitors {
		f(mon, mon.Kernels)
	}
}

// DomainOf returns the domain of a node's kernels. A monitor's value
// kernel runs in its target's domain: a dendrite's for pop.dendrite.x.
func (m *Module) DomainOf(n Node) Domain {
	switch n := n.(type) {
	case *Population:
		if n.Global {
			return DomainGlobal
		}
		return DomainNeuron
	case *Dendrite:
		return DomainSegment
	case *Input:
		return DomainSource
	case *Projection:
		return DomainSynapse
	case *Current:
		return DomainNeuron
	case *Monitor:
		if t := m.monitored(n); t != nil {
			return m.DomainOf(t)
		}
	}
	return DomainNone
}

// monitored returns the node whose elements a monitor samples: its
// target, or the target's dendrite for pop.dendrite.x.
func (m *Module) monitored(mon *Monitor) Node {
	for _, p := range m.Populations {
		if p.Name != mon.Target {
			continue
		}
		if d, _, ok := strings.Cut(mon.Var, "."); ok {
			for _, dd := range p.Dendrites {
				if dd.Name == d {
					return dd
				}
			}
		}
		return p
	}
	for _, in := range m.Inputs {
		if in.Name == mon.Target {
			return in
		}
	}
	for _, pr := range m.Projections {
		if pr.Name == mon.Target {
			return pr
		}
	}
	return nil
}

// checkLinks reports where the derived links disagree with the graph: a
// pass that added or moved a kernel without calling Link.
func (v *verifier) checkLinks() {
	v.m.Nodes(func(n Node, ks []*Kernel) {
		d := v.m.DomainOf(n)
		for _, k := range ks {
			r, ok := RoleOf(k.Name)
			where := n.NodeName() + "." + k.Name
			switch {
			case !ok:
				v.errorf(where, "no element has a kernel called %s", k.Name)
			case k.Owner != n || k.Domain != d || k.Role != r:
				v.errorf(where, "kernel linked as %s's %s %s kernel; Module.Link was not called after a change", nodeName(k.Owner), k.Domain, k.Role)
			}
		}
	})
	driven := map[*Var]*Current{}
	for _, p := range v.m.Populations {
		for _, c := range v.m.Currents {
			if c.Population == p.Name {
				if x := VarNamed(p.Vars, c.Param); x != nil {
					driven[x] = c
				}
			}
		}
	}
	v.m.Vars(func(x *Var) {
		if x.DrivenBy != driven[x] {
			v.errorf(x.Name, "variable's DrivenBy disagrees with the module's currents; Module.Link was not called after a change")
		}
	})
}

func nodeName(n Node) string {
	if n == nil {
		return "no node"
	}
	return fmt.Sprintf("%s", n.NodeName())
}

// DrivenParams returns the variables a current sets at the start of every
// step: they change during a run, though declared parameters, so no pass
// may take one for a constant.
func (m *Module) DrivenParams() map[*Var]bool {
	out := map[*Var]bool{}
	m.Vars(func(v *Var) {
		if v.DrivenBy != nil {
			out[v] = true
		}
	})
	return out
}
