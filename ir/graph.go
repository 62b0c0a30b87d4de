package ir

import (
	"fmt"
	"slices"
	"strconv"
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
	RoleSummed                 // summed: a projection's summed variables, added into post.X (step 4a)
	RoleSchedule               // sched.ORDER.FIRST.PERIOD: scheduled code (at, every), per element
	RoleConnect                // connect.PART: a projection's connection condition, probability or generator, run while it is built
)

var roleNames = [...]string{"", "init", "prepare", "update", "threshold", "reset", "refractory", "step",
	"on_pre", "on_post", "rate", "value", "on_spike", "summed", "sched", "connect"}

func (r Role) String() string { return roleNames[r] }

// RoleOf returns the role a kernel's name gives it, and false for a name
// no element's kernel has. on_spike.SOURCE is RoleOnSpike, and a
// pathway's on_pre.NAME is RoleOnPre.
func RoleOf(name string) (Role, bool) {
	if src, ok := strings.CutPrefix(name, "on_spike."); ok {
		return RoleOnSpike, src != ""
	}
	if path, ok := strings.CutPrefix(name, "on_pre."); ok {
		// A synapse's pathway (on pre NAME): delivered after delay.NAME.
		return RoleOnPre, path != ""
	}
	if part, ok := strings.CutPrefix(name, "connect."); ok {
		return RoleConnect, slices.Contains(ConnectParts, part)
	}
	if _, ok := strings.CutPrefix(name, "sched."); ok {
		_, ok := ParseSchedule(name)
		return RoleSchedule, ok
	}
	for r, n := range roleNames {
		if r > 0 && n != "sched" && n != "connect" && n == name {
			return Role(r), true
		}
	}
	return RoleNone, false
}

// Schedule is when a scheduled kernel (RoleSchedule) runs, which its name
// says: sched.ORDER.FIRST.PERIOD runs in steps FIRST, FIRST+PERIOD, ...
// (once, in step FIRST, where PERIOD is 0), before the step's currents
// (slot 0 of spec/language.md section 6). Where several are due in one
// step they run by ORDER, the order of their declarations in the model,
// whichever node owns them.
type Schedule struct {
	Order  int
	First  int64
	Period int64
}

// Name is the name of a kernel with this schedule.
func (s Schedule) Name() string {
	return fmt.Sprintf("sched.%d.%d.%d", s.Order, s.First, s.Period)
}

// Due reports whether the schedule runs in step k.
func (s Schedule) Due(k int64) bool {
	if k < s.First {
		return false
	}
	if s.Period == 0 {
		return k == s.First
	}
	return (k-s.First)%s.Period == 0
}

// ParseSchedule reads a scheduled kernel's name; false for any other name.
func ParseSchedule(name string) (Schedule, bool) {
	rest, ok := strings.CutPrefix(name, "sched.")
	if !ok {
		return Schedule{}, false
	}
	f := strings.Split(rest, ".")
	if len(f) != 3 {
		return Schedule{}, false
	}
	o, err1 := strconv.Atoi(f[0])
	a, err2 := strconv.ParseInt(f[1], 10, 64)
	b, err3 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || o < 0 || a < 0 || b < 0 {
		return Schedule{}, false
	}
	return Schedule{Order: o, First: a, Period: b}, true
}

// Link sets what the graph derives from its structure: every dendrite's
// Population, every variable's DrivenBy, every trace's TauParam, every kernel's Owner, Domain,
// Role and Spikes, and every variable access's Ref. Lowering and Parse
// call it, and so does every pass that adds, moves or removes kernels,
// currents or accesses: a pass may make an access by its bare name, or
// move one into a kernel where the name reaches another variable (fuse's
// group, a dendrite merged into its soma), and the name, which is what
// the text form shows, decides. Backends only read what Link set. It
// changes nothing that Print shows.
func (m *Module) Link() {
	for _, p := range m.Populations {
		for _, d := range p.Dendrites {
			d.Population = p
		}
	}
	m.Vars(func(v *Var) { v.DrivenBy = nil })
	for _, c := range m.Currents {
		if c.Param != nil {
			c.Param.DrivenBy = c
		}
	}
	scopes, owners := scopesByOwner(m)
	m.VarOwners(func(n Node, vars []*Var) {
		for _, v := range vars {
			v.TauParam = nil
			if _, number := v.TauSeconds(); v.Kind == VarTrace && !number {
				v.TauParam = owners[n].Vars[v.Tau]
			}
		}
	})
	m.linkReductions()
	m.Nodes(func(n Node, ks []*Kernel) {
		d := DomainOf(n)
		for _, k := range ks {
			resolve(k, scopes[k])
			k.Owner, k.Domain = n, d
			k.Role, _ = RoleOf(k.Name)
			k.Spikes = nil
			if src, ok := strings.CutPrefix(k.Name, "on_spike."); ok {
				k.Spikes = m.SourceNamed(src)
			}
		}
	})
}

// resolve makes the Aux of every variable access of k a Ref to what its
// name reaches in sc.
func resolve(k *Kernel, sc *scope) {
	k.Instrs(func(in *Instr) {
		switch in.Op {
		case OpParam, OpLoad, OpStore, OpLoadSeg, OpStoreSeg:
			in.Aux = sc.Ref(in.Op, in.VarName())
		}
	})
}

// Ref returns what name reaches in the scope for op: a variable and its
// element (param, load, store) or a dendrite array's state (loadseg,
// storeseg); Var is nil where the name reaches nothing.
func (sc *scope) Ref(op Op, name string) *Ref {
	r := &Ref{Name: name}
	if sc == nil {
		return r
	}
	if op == OpLoadSeg || op == OpStoreSeg {
		r.Var, r.Segments = sc.Segments[name], sc.SegmentOf[name]
	} else {
		r.Var, r.Reach = sc.Vars[name], sc.Where[name]
	}
	return r
}

// TauSeconds returns a trace's time constant where Tau is a number, and
// false where it names a parameter (TauParam) or v is no trace.
func (v *Var) TauSeconds() (float64, bool) {
	if v.Kind != VarTrace {
		return 0, false
	}
	x, err := strconv.ParseFloat(v.Tau, 64)
	return x, err == nil
}

// TraceClock is the per-synapse state the ode pass adds to a projection
// with traces: the time of the synapse's last event, from which its
// traces decay lazily.
const TraceClock = "trace.tlast"

// Clock returns the projection's TraceClock, or nil.
func (pr *Projection) Clock() *Var { return VarNamed(pr.Vars, TraceClock) }

// SourceNamed returns the population or input called name, or nil.
func (m *Module) SourceNamed(name string) Source {
	for _, p := range m.Populations {
		if p.Name == name {
			return p
		}
	}
	for _, in := range m.Inputs {
		if in.Name == name {
			return in
		}
	}
	return nil
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
func DomainOf(n Node) Domain {
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
		if t := n.Sampled(); t != nil {
			return DomainOf(t)
		}
	}
	return DomainNone
}

// Sampled returns the node whose elements a monitor samples: its target,
// or the target's dendrite for pop.dendrite.x.
func (mon *Monitor) Sampled() Node {
	if p, ok := mon.Target.(*Population); ok {
		if d, _, ok := strings.Cut(mon.Var, "."); ok {
			if dd := p.DendriteNamed(d); dd != nil {
				return dd
			}
		}
	}
	return mon.Target
}

// Variable returns the variable a state monitor records, in the node
// Sampled returns (v of a population, u of pop.dendrite.u, w of a
// projection), or nil: a monitor of spikes, or of a definition.
func (mon *Monitor) Variable() *Var {
	switch n := mon.Sampled().(type) {
	case *Dendrite:
		_, name, _ := strings.Cut(mon.Var, ".")
		return VarNamed(n.Vars, name)
	case *Population:
		return VarNamed(n.Vars, mon.Var)
	case *Projection:
		return VarNamed(n.Vars, mon.Var)
	}
	return nil
}

// DendriteNamed returns the population's dendrite called name, or nil.
func (p *Population) DendriteNamed(name string) *Dendrite {
	for _, d := range p.Dendrites {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// PreName, PostName, DendriteName and PartOfName are the names the text
// form gives the projection's links: "" for no dendrite and no PartOf.
func (pr *Projection) PreName() string { return nodeName(pr.Pre) }
func (pr *Projection) PostName() string {
	if pr.Post == nil {
		return ""
	}
	return pr.Post.Name
}
func (pr *Projection) DendriteName() string {
	if pr.Dendrite == nil {
		return ""
	}
	return pr.Dendrite.Name
}
func (pr *Projection) PartOfName() string {
	if pr.PartOf == nil {
		return ""
	}
	return pr.PartOf.Name
}

// GroupName is the name of the population's group, "" for none.
func (p *Population) GroupName() string {
	if p.Group == nil {
		return ""
	}
	return p.Group.Name
}

// PopulationName and ParamName are the names of what the current drives.
func (c *Current) PopulationName() string {
	if c.Population == nil {
		return ""
	}
	return c.Population.Name
}
func (c *Current) ParamName() string {
	if c.Param == nil {
		return ""
	}
	return c.Param.Name
}

// TargetName is the name of the monitor's target.
func (mon *Monitor) TargetName() string { return nodeName(mon.Target) }

// checkLinks reports links to nodes that are not in the module, and
// derived links that disagree with the graph: a pass that added or moved
// a kernel or a current without calling Link.
func (v *verifier) checkLinks() {
	m := v.m
	pops, sources, projs := map[*Population]bool{}, map[Source]bool{}, map[*Projection]bool{}
	for _, p := range m.Populations {
		pops[p], sources[p] = true, true
	}
	for _, in := range m.Inputs {
		sources[in] = true
	}
	for _, pr := range m.Projections {
		projs[pr] = true
	}
	for _, p := range m.Populations {
		if p.Group != nil && !pops[p.Group] {
			v.errorf(p.Name, "group %s is not a population of the module", p.GroupName())
		}
		for _, d := range p.Dendrites {
			if d.Population != p {
				v.errorf(d.NodeName(), "dendrite linked to another population; Module.Link was not called after a change")
			}
		}
	}
	for _, pr := range m.Projections {
		switch {
		case pr.Pre == nil || !sources[pr.Pre]:
			v.errorf(pr.Name, "pre %s is not a population or input of the module", pr.PreName())
		case pr.Post == nil || !pops[pr.Post]:
			v.errorf(pr.Name, "post population %s does not exist", pr.PostName())
		case pr.Dendrite != nil && pr.Post.DendriteNamed(pr.Dendrite.Name) != pr.Dendrite:
			v.errorf(pr.Name, "post population %s has no dendrite %s", pr.PostName(), pr.DendriteName())
		}
		if pr.PartOf != nil && !projs[pr.PartOf] {
			v.errorf(pr.Name, "part of %s, which is not a projection of the module", pr.PartOfName())
		}
	}
	for _, c := range m.Currents {
		if c.Population == nil || !pops[c.Population] || c.Param == nil || VarNamed(c.Population.Vars, c.Param.Name) != c.Param {
			v.errorf(c.Name, "current drives %s.%s, which does not exist", c.PopulationName(), c.ParamName())
		}
	}
	for _, mon := range m.Monitors {
		ok := false
		switch t := mon.Target.(type) {
		case *Population:
			ok = pops[t]
		case *Input:
			ok = sources[t]
		case *Projection:
			ok = projs[t]
		}
		if !ok {
			v.errorf(mon.Name, "target %s is not a population, input or projection of the module", mon.TargetName())
		}
	}
	m.Nodes(func(n Node, ks []*Kernel) {
		d := DomainOf(n)
		for _, k := range ks {
			r, ok := RoleOf(k.Name)
			where := n.NodeName() + "." + k.Name
			switch {
			case !ok:
				v.errorf(where, "no element has a kernel called %s", k.Name)
			case r == RoleOnSpike && k.Spikes == nil:
				v.errorf(n.NodeName(), "kernel %s runs on the spikes of %s, which is neither a population nor an input", k.Name, strings.TrimPrefix(k.Name, "on_spike."))
			case k.Owner != n || k.Domain != d || k.Role != r || r == RoleOnSpike && k.Spikes != m.SourceNamed(strings.TrimPrefix(k.Name, "on_spike.")):
				v.errorf(where, "kernel linked as %s's %s %s kernel; Module.Link was not called after a change", nodeName(k.Owner), k.Domain, k.Role)
			}
		}
	})
	_, owners := scopesByOwner(m)
	taus := func(n Node, vars []*Var) {
		for _, x := range vars {
			if _, number := x.TauSeconds(); x.Kind != VarTrace || number {
				continue
			}
			switch want := owners[n].Vars[x.Tau]; {
			case want == nil || want.Kind != VarParam:
				v.errorf(n.NodeName()+"."+x.Name, "trace's time constant %s is neither a number nor a parameter", x.Tau)
			case x.TauParam != want:
				v.errorf(n.NodeName()+"."+x.Name, "trace's TauParam disagrees with its time constant %s; Module.Link was not called after a change", x.Tau)
			}
		}
	}
	for _, p := range m.Populations {
		taus(p, p.Vars)
		for _, d := range p.Dendrites {
			taus(d, d.Vars)
		}
	}
	for _, pr := range m.Projections {
		taus(pr, pr.Vars)
	}
	driven := map[*Var]*Current{}
	for _, c := range m.Currents {
		driven[c.Param] = c
	}
	m.Vars(func(x *Var) {
		if x.DrivenBy != driven[x] {
			v.errorf(x.Name, "variable's DrivenBy disagrees with the module's currents; Module.Link was not called after a change")
		}
	})
}

func nodeName(n Node) string {
	if n == nil {
		return ""
	}
	return n.NodeName()
}

// Driven returns the names of the population's parameters that a
// current drives (whose DrivenBy is set): they change every step, though
// declared parameters, so no pass may take one for a constant.
func (p *Population) Driven() map[string]bool {
	out := map[string]bool{}
	for _, v := range p.Vars {
		if v.DrivenBy != nil {
			out[v.Name] = true
		}
	}
	return out
}
