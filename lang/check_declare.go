// The checker, pass 1: declaring every top-level name (check.go's Check
// gives the order of the passes). declare enters each declaration's name,
// so that the order of declarations does not matter; declareBody creates
// the scope of a neuron, synapse, global or dendrite with its members,
// whose types resolveSym (check_body.go) finds lazily; fillFileScopes
// gives each file the names it can see.

package lang

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// declareTop enters a top-level name, reporting a clash with its first
// declaration.
func (c *checker) declareTop(kind SymKind, id Ident, decl any) *Symbol {
	sym := &Symbol{Kind: kind, Name: id.Name, Pos: posOf(id.Pos), Decl: decl}
	c.declareIn(c.all, sym)
	return sym
}

// scopeAt returns the scope of the file that pos is in.
func (c *checker) scopeAt(pos lexer.Position) *Scope {
	if s := c.files[pos.Filename]; s != nil {
		return s
	}
	return c.all
}

// fillFileScopes gives each file the top-level names it can see: its own
// and those of the files it imports, directly or not. A library file thus
// never sees the names of the file that imports it, so a user's top-level
// name cannot change what the library means.
func (c *checker) fillFileScopes(files []*File) {
	visible := map[string]map[string]bool{}
	for _, f := range files { // imports come before their importers
		v := map[string]bool{f.Name: true}
		for _, imp := range f.Imports {
			for name := range visible[imp] {
				v[name] = true
			}
		}
		visible[f.Name] = v
	}
	for _, name := range c.all.names {
		sym := c.all.syms[name]
		for _, f := range files {
			if visible[f.Name][sym.Pos.File] {
				c.files[f.Name].insert(sym)
			}
		}
	}
}

func (c *checker) declareIn(s *Scope, sym *Symbol) bool {
	if prev := s.LookupLocal(sym.Name); prev != nil {
		c.diags.Errorf(sym.Pos, "%s redeclared; the %s %s is declared at %s", sym.Name, prev.Kind, prev.Name, prev.Pos)
		return false
	}
	if u := universe.LookupLocal(sym.Name); u != nil {
		c.diags.Hintf(sym.Pos, "choose another name", "cannot declare %s: it is %s", sym.Name, an(u.Kind.String()))
		return false
	}
	if sym.Name == "pre" || sym.Name == "post" {
		c.diags.Hintf(sym.Pos, "choose another name", "cannot declare %s: synapses use it for the %s-synaptic neuron", sym.Name, sym.Name)
		return false
	}
	s.insert(sym)
	return true
}

func (c *checker) declare(d Decl) {
	switch d := d.(type) {
	case *Import:
		// Resolved by the loader.
	case *Param:
		sym := c.declareTop(SymParam, d.Name, d)
		sym.Runtime = d.Runtime
		if d.Default == nil {
			c.diags.Hintf(sym.Pos, "write param "+d.Name.Name+" = value", "top-level parameter %s needs a value", d.Name.Name)
		}
		c.pending[sym] = valueDecl{unit: d.Unit, init: d.Default, ctx: &exprCtx{scope: c.scopeAt(d.Pos), what: "a parameter value", constOnly: true}}
		c.prog.Params = append(c.prog.Params, sym)
	case *NeuronDecl:
		sym := c.declareTop(SymNeuron, d.Name, d)
		b := c.declareBody(NeuronBody, d.Name, d.Members, nil)
		sym.Body = b
		c.prog.Neurons = append(c.prog.Neurons, b)
	case *SynapseDecl:
		sym := c.declareTop(SymSynapse, d.Name, d)
		b := c.declareBody(SynapseBody, d.Name, d.Members, nil)
		sym.Body = b
		c.prog.Synapses = append(c.prog.Synapses, b)
	case *GlobalDecl:
		sym := c.declareTop(SymGlobal, d.Name, d)
		b := c.declareBody(GlobalBody, d.Name, d.Members, nil)
		sym.Body = b
		c.prog.Globals = append(c.prog.Globals, b)
	case *PopulationDecl:
		c.declareTop(SymPopulation, d.Name, d)
	case *InputDecl:
		c.declareTop(SymInput, d.Name, d)
	case *SubgroupDecl:
		c.declareTop(SymSubgroup, d.Name, d)
	case *ConnectDecl:
		if d.Name != nil {
			c.declareTop(SymProjection, *d.Name, d)
		}
	case *TimedArrayDecl:
		c.declareTop(SymTimedArray, d.Name, d)
	case *CurrentDecl, *MonitorDecl, *RunDecl, *ScheduleDecl, *PhaseDecl:
		// Not names in the file scope; checked in pass 3.
	default:
		panic(fmt.Sprintf("lang: unknown declaration %T", d))
	}
}

// allowed lists, per body kind, which members it may hold.
func memberAllowed(kind BodyKind, m Member) (bool, string) {
	switch m := m.(type) {
	case *Param, *State, *Let, *Trace, *ODE, *Method:
		return true, ""
	case *Threshold, *Reset:
		return kind == NeuronBody || kind == DendriteBody, "neurons and dendrites"
	case *Refractory:
		return kind == NeuronBody, "neuron types (a dendrite shares its neuron's refractory period)"
	case *Dendrite:
		return kind == NeuronBody, "neuron types"
	case *Delay, *Summed:
		return kind == SynapseBody, "synapse types"
	case *On:
		if m.Event == "spike" {
			return kind == GlobalBody, "globals (on spike SOURCE)"
		}
		return kind == SynapseBody, "synapse types"
	}
	return false, ""
}

func memberWord(m Member) string {
	switch m := m.(type) {
	case *Threshold:
		return "threshold"
	case *Reset:
		return "reset"
	case *Refractory:
		return "refractory"
	case *Dendrite:
		return "dendrite"
	case *Delay:
		return "delay"
	case *Summed:
		return "summed"
	case *On:
		return "on " + m.Event
	}
	return fmt.Sprintf("%T", m)
}

// declareBody creates the scope of a neuron, synapse, global or dendrite and
// enters its names. Members are checked later, by checkBody.
func (c *checker) declareBody(kind BodyKind, name Ident, members []Member, parent *Body) *Body {
	outer := c.scopeAt(name.Pos)
	if parent != nil {
		outer = parent.Scope
	}
	b := &Body{Kind: kind, Name: name.Name, Pos: posOf(name.Pos), Parent: parent, Scope: NewScope(outer),
		Members: members, ODEs: map[*Symbol]*ODE{}, Count: 1}
	// A synapse's pre.x and post.x are resolved per projection; see
	// checkSynapseFor.
	ctx := &exprCtx{scope: b.Scope, body: b, unknownPost: kind == SynapseBody}
	seen := map[string]lexer.Position{}
	once := func(m Member, what string) bool {
		if prev, ok := seen[what]; ok {
			c.diags.Errorf(posOf(m.memberPos()), "second %s in %s; the first is at %s", what, b.describe(), posOf(prev))
			return false
		}
		seen[what] = m.memberPos()
		return true
	}
	for _, m := range members {
		if ok, where := memberAllowed(kind, m); !ok {
			c.diags.Hintf(posOf(m.memberPos()), "it belongs in "+where, "%s is not allowed in a %s", memberWord(m), kind)
			continue
		}
		switch m := m.(type) {
		case *Param:
			pctx := *ctx
			pctx.what, pctx.constOnly = "a parameter default", true
			if sym := c.declareValue(b, &b.Params, SymParam, m.Name, m, valueDecl{unit: m.Unit, init: m.Default, ctx: &pctx}); sym != nil {
				sym.Runtime = m.Runtime
			}
			if m.Runtime && kind != NeuronBody && kind != SynapseBody {
				// Globals and dendrites share their parameters with everything;
				// runtime ones belong at top level.
				c.diags.Hintf(posOf(m.Pos), "declare it at top level", "runtime parameters are not allowed in a %s", kind)
			}
		case *State:
			sctx := *ctx
			sctx.what, sctx.random, sctx.initial = "an initial value", true, true
			sctx.pairs = kind == SynapseBody
			c.declareValue(b, &b.States, SymState, m.Name, m, valueDecl{unit: m.Unit, init: m.Init, ctx: &sctx})
			c.checkQuantize(m.Quantize)
		case *Trace:
			sctx := *ctx
			sctx.what, sctx.random, sctx.initial = "an initial value", true, true
			sctx.pairs = kind == SynapseBody
			c.declareValue(b, &b.Traces, SymTrace, m.Name, m, valueDecl{unit: m.Unit, init: m.Init, ctx: &sctx})
			c.checkQuantize(m.Quantize)
		case *Let:
			lctx := *ctx
			lctx.what = "a definition"
			c.declareValue(b, &b.Lets, SymLet, m.Name, m, valueDecl{unit: m.Unit, init: m.Value, ctx: &lctx})
		case *Threshold:
			if once(m, "threshold") {
				b.Threshold = m
			}
		case *Reset:
			if once(m, "reset") {
				b.Reset = m
			}
		case *Refractory:
			if once(m, "refractory") {
				b.Refractory = m
			}
		case *Method:
			if once(m, "method") {
				b.Method = m.Name.Name
				if !methods[m.Name.Name] {
					c.diags.Hintf(posOf(m.Name.Pos), "the methods are exact, exponential_euler, euler and rk4", "unknown integration method %s", m.Name.Name)
				}
			}
		case *Delay:
			if m.Path != nil {
				c.declarePathDelay(b, m, once)
			} else if once(m, "delay") {
				b.Delay = m
			}
		case *On:
			switch m.Event {
			case "pre":
				if m.Source != nil {
					c.declarePathway(b, m, once)
				} else if once(m, "on pre") {
					b.OnPre = m
				}
			case "post":
				if once(m, "on post") {
					b.OnPost = m
				}
			case "spike":
				b.OnSpike = append(b.OnSpike, m)
			}
			if m.Event == "post" && m.Source != nil {
				c.diags.Errorf(posOf(m.Source.Pos), "on %s takes no source; write on %s { ... }", m.Event, m.Event)
			}
			if m.Event == "spike" && m.Source == nil {
				c.diags.Hintf(posOf(m.Pos), "write on spike SOURCE { ... }", "on spike needs the population or input whose spikes it counts")
			}
		case *Dendrite:
			sym := &Symbol{Kind: SymDendrite, Name: m.Name.Name, Pos: posOf(m.Name.Pos), Decl: m, Owner: b}
			if c.declareIn(b.Scope, sym) {
				sym.Body = c.declareBody(DendriteBody, m.Name, m.Members, b)
				sym.Body.Decl = m
				b.Dendrites = append(b.Dendrites, sym.Body)
			}
		case *Summed:
			b.Summed = append(b.Summed, m) // checked per projection (checkSummed)
		case *ODE:
			// Checked in checkBody, once every state is declared.
		}
	}
	return b
}

func (c *checker) declareValue(b *Body, list *[]*Symbol, kind SymKind, id Ident, decl any, vd valueDecl) *Symbol {
	sym := &Symbol{Kind: kind, Name: id.Name, Pos: posOf(id.Pos), Decl: decl, Owner: b}
	if !c.declareIn(b.Scope, sym) {
		return nil
	}
	*list = append(*list, sym)
	c.pending[sym] = vd
	if kind == SymParam && vd.unit == nil && vd.init == nil {
		c.diags.Hintf(sym.Pos, "write param "+id.Name+": UNIT, or give a default", "parameter %s needs a unit or a default value", id.Name)
	}
	return sym
}
