package lang

import (
	"crypto/sha256"
	"fmt"
	"math"
	"slices"

	"snnc/ir"
)

// Lower turns a checked program into an IR module. Values are in SI base
// units. Kernels are built straight from the syntax tree; ODEs become ode
// instructions for the discretisation pass.
func Lower(prog *Program) *ir.Module {
	root, sum := "", ""
	if n := len(prog.Files); n > 0 {
		root = prog.Files[n-1].Name
		sum = fmt.Sprintf("%x", sha256.Sum256(prog.Files[n-1].Source))
	}
	l := &lowerer{prog: prog, info: &prog.Info, m: &ir.Module{Source: root, SourceSHA256: sum}}
	l.m.Run = ir.Run{Dt: prog.Run.Dt, Duration: prog.Run.Duration, Steps: prog.Run.Steps, Seed: prog.Run.Seed}
	if r := prog.DeclaredRanges(); len(r) > 0 {
		l.m.Run.Declared = r
	}
	for _, p := range prog.Params {
		v := &ir.Var{Name: p.Name, Kind: ir.VarParam, Type: ir.TF64, Runtime: p.Runtime, Uniform: true}
		v.Value, _ = l.eval(p.Decl.(*Param).Default.X, nil)
		l.m.Params = append(l.m.Params, v)
	}
	l.tables()
	for _, g := range prog.Globals {
		l.global(g)
	}
	for _, p := range prog.Populations {
		l.population(p)
	}
	for _, in := range prog.Inputs {
		l.input(in)
	}
	for _, pr := range prog.Projections {
		l.projection(pr)
	}
	for _, c := range prog.Currents {
		l.current(c)
	}
	for _, mon := range prog.Monitors {
		l.monitor(mon)
	}
	for n, s := range prog.Schedules {
		l.schedule(n, s)
	}
	l.m.Link()
	return l.m
}

type lowerer struct {
	prog   *Program
	info   *Info
	m      *ir.Module
	stream int // the next random stream number
}

func irPos(p Pos) ir.Pos { return ir.Pos{File: p.File, Line: p.Line, Col: p.Col} }

// vars converts a body's declarations to IR variables; uniform parameter
// values are evaluated from their defaults (and overrides) when constant,
// in the order of their dependencies, so that a value may read one
// declared after it.
func (l *lowerer) vars(b *Body, overrides map[string]*Assign) []*ir.Var {
	var out []*ir.Var
	params := map[*Symbol]*ir.Var{}
	for _, p := range b.Params {
		v := &ir.Var{Name: p.Name, Kind: ir.VarParam, Type: ir.TF64, Runtime: p.Runtime}
		params[p] = v
		out = append(out, v)
	}
	known := map[*Symbol]float64{}
	g := newInitGraph(l.info, b, overrides, false)
	for _, i := range g.mustOrder() {
		n := g.nodes[i]
		v := params[n.sym]
		if v == nil || n.x == nil {
			continue
		}
		if val, ok := l.eval(n.x, known); ok {
			v.Uniform, v.Value = true, val
			if !n.sym.Runtime {
				known[n.sym] = val // a runtime parameter may change: never folded
			}
		}
	}
	for _, s := range b.States {
		out = append(out, &ir.Var{Name: s.Name, Kind: ir.VarState, Type: ir.TF64, Quantize: quantizeWidth(s.Decl.(*State).Quantize)})
	}
	for _, t := range b.Traces {
		// The checker allows a constant or a parameter of the body.
		tauExpr := t.Decl.(*Trace).Tau.X
		tau := ""
		if val, ok := l.eval(tauExpr, known); ok {
			tau = ir.FormatFloat(val)
		} else if ref, ok := tauExpr.(*NameRef); ok {
			tau = ref.Dotted()
		}
		out = append(out, &ir.Var{Name: t.Name, Kind: ir.VarTrace, Type: ir.TF64, Tau: tau, Quantize: quantizeWidth(t.Decl.(*Trace).Quantize)})
	}
	return out
}

// quantizeWidth is a quantize annotation's width in bits, or 0.
func quantizeWidth(q *Ident) int {
	if q == nil {
		return 0
	}
	return QuantizeWidths[q.Name]
}

// eval evaluates a constant expression: numbers, units, pi, dt, top-level
// non-runtime parameters, the parameters in known, and pure functions.
func (l *lowerer) eval(n Node, known map[*Symbol]float64) (float64, bool) {
	q, why := constEval(n, func(ref *NameRef) (Constant, string) {
		sym := l.info.Uses[ref]
		switch {
		case sym == nil:
			if u, ok := units[ref.Dotted()]; ok && len(ref.Parts) == 1 {
				return Constant{Value: u.Scale}, ""
			}
		case sym.Kind == SymBuiltin && sym.Name == "pi":
			return Constant{Value: math.Pi}, ""
		case sym.Kind == SymBuiltin && sym.Name == "dt":
			return Constant{Value: l.prog.Run.Dt}, ""
		case sym.Kind == SymUnit:
			return Constant{Value: units[sym.Name].Scale}, ""
		case sym.Kind == SymParam && known != nil:
			if v, ok := known[sym]; ok {
				return Constant{Value: v}, ""
			}
		}
		if sym != nil && sym.Kind == SymParam && sym.Owner == nil && !sym.Runtime {
			v, ok := l.eval(sym.Decl.(*Param).Default.X, nil)
			if ok {
				return Constant{Value: v}, ""
			}
		}
		return Constant{}, "not constant"
	})
	return q.Value, why == ""
}

func (l *lowerer) global(g *Body) {
	pop := &ir.Population{Name: g.Name, Type: "global", Size: 1, Global: true, Vars: l.vars(g, nil)}
	pop.Vars = append(pop.Vars, l.reductionVars(g)...)
	graph := newInitGraph(l.info, g, nil, false)
	pop.Kernels = append(pop.Kernels, l.initKernel(g, graph, graph.mustOrder(), map[*Body][]*ir.Var{g: pop.Vars}, nil, nil))
	if k := l.updateKernel(g); k != nil {
		pop.Kernels = append(pop.Kernels, k)
	}
	for _, on := range g.OnSpike {
		k, e := l.newEnv("on_spike."+on.Source.Name, ir.TVoid, g)
		e.stmts(on.Body)
		e.b.Ret()
		pop.Kernels = append(pop.Kernels, k)
	}
	l.m.Populations = append(l.m.Populations, pop)
}

func (l *lowerer) population(p *Population) {
	b := p.Type
	settings := settingsOf(p.Decl.Body)
	pop := &ir.Population{Name: p.Name, Type: b.Name, Size: p.Size, Vars: l.vars(b, settings)}
	varsOf := map[*Body][]*ir.Var{b: pop.Vars}
	for _, d := range b.Dendrites {
		sub := map[string]*Assign{}
		for name, a := range settings {
			if rest, ok := cutPrefix(name, d.Name+"."); ok {
				sub[rest] = a
			}
		}
		dend := &ir.Dendrite{Name: d.Name, Count: d.Count, Array: d.IsArray, Vars: l.vars(d, sub)}
		varsOf[d] = dend.Vars
		pop.Dendrites = append(pop.Dendrites, dend)
	}
	// One graph over the neuron and its dendrites: each init kernel sets
	// the values its host says, in the graph's order.
	graph := newInitGraph(l.info, b, settings, true)
	order := graph.mustOrder()
	host := graph.hosts(order)
	hosted := func(kernel int) []int {
		var out []int
		for _, i := range order {
			if host[i] == kernel {
				out = append(out, i)
			}
		}
		return out
	}
	sizes := map[string]float64{"N": float64(p.Size)}
	l.subgroupParams(p, pop)
	pop.Kernels = append(pop.Kernels, l.initKernel(b, graph, hosted(0), varsOf, sizes, nil))
	l.subgroupSettings(p, pop, pop.Kernels[0])
	for k, d := range b.Dendrites {
		dend := pop.Dendrites[k]
		dend.Kernels = append(dend.Kernels, l.initKernel(d, graph, hosted(k+1), varsOf, sizes, nil))
		l.neuronKernels(d, &dend.Kernels)
	}
	l.neuronKernels(b, &pop.Kernels)
	l.m.Populations = append(l.m.Populations, pop)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// neuronKernels builds update, threshold, reset and refractory.
func (l *lowerer) neuronKernels(b *Body, out *[]*ir.Kernel) {
	if k := l.updateKernel(b); k != nil {
		*out = append(*out, k)
	}
	if b.Threshold != nil {
		k, e := l.newEnv("threshold", ir.TBool, b)
		e.b.Pos = posOf(b.Threshold.Pos).ir()
		e.b.Ret(e.expr(b.Threshold.Cond.X))
		*out = append(*out, k)
	}
	if b.Reset != nil {
		k, e := l.newEnv("reset", ir.TVoid, b)
		e.stmts(b.Reset.Body)
		e.b.Ret()
		*out = append(*out, k)
	}
	if b.Refractory != nil {
		k, e := l.newEnv("refractory", ir.TF64, b)
		e.b.Ret(e.expr(b.Refractory.Period.X))
		*out = append(*out, k)
	}
}

func (p Pos) ir() ir.Pos { return irPos(p) }

// updateKernel emits an ode instruction per ODE, in source order.
func (l *lowerer) updateKernel(b *Body) *ir.Kernel {
	if len(b.ODEs) == 0 {
		return nil
	}
	k, e := l.newEnv("update", ir.TVoid, b)
	for _, m := range b.Members {
		ode, ok := m.(*ODE)
		if !ok {
			continue
		}
		sym := b.Var(ode.Deriv.Name[1:])
		if sym == nil || b.ODEs[sym] != ode {
			continue
		}
		e.b.Pos = posOf(ode.Pos).ir()
		e.odeVar = sym.Name
		rhs := e.expr(ode.RHS.X)
		e.b.Emit(ir.OpODE, ir.TVoid, ir.ODEAux{Var: sym.Name, Method: b.Method, Unless: ode.Unless}, rhs)
	}
	e.b.Ret()
	return k
}

// initKernel sets per-element parameters and initial state of host's
// instance: the values of g's nodes in order (the settings of a population
// or connect body in the place of the type's defaults). varsOf gives the
// IR variables of each body whose nodes it sets, to skip uniform ones.
func (l *lowerer) initKernel(host *Body, g *initGraph, order []int, varsOf map[*Body][]*ir.Var, sizes map[string]float64, proj *Projection) *ir.Kernel {
	k, e := l.newEnv("init", ir.TVoid, host)
	if proj != nil {
		e.setSides(proj) // connect settings may read pre.x and post.x
	}
	for n, v := range sizes {
		e.sizes[n] = v
	}
	for _, i := range order {
		n := g.nodes[i]
		if n.x != nil {
			// At the value's expression, for a backend's diagnostic about
			// what it computes (a draw an MPI build cannot key).
			e.b.Pos = n.x.Pos().ir()
		}
		name := n.sym.Name
		if n.sym.Owner != host {
			name = n.sym.Owner.Name + "." + name // a dendrite's, set by its neuron first
		}
		if n.sym.Kind == SymParam {
			if n.x == nil {
				continue
			}
			if v := ir.VarNamed(varsOf[n.sym.Owner], n.sym.Name); v != nil && v.Uniform {
				continue // a uniform value, in the variable's declaration
			}
			e.b.Store(name, e.expr(n.x))
			continue
		}
		var v ir.Value
		if n.x == nil {
			v = e.b.Const(0)
		} else {
			v = e.expr(n.x)
		}
		e.b.Store(name, v)
		e.cur[name] = v
	}
	e.b.Ret()
	return k
}

func (l *lowerer) input(in *Input) {
	out := &ir.Input{Name: in.Name, Kind: in.Kind, Size: in.Size}
	set := map[string]*Assign{}
	if in.Decl.Body != nil {
		for _, s := range in.Decl.Body.Stmts {
			a := s.(*Assign)
			set[joinDots(a.Target.Parts)] = a
		}
	}
	if in.Table != nil {
		l.phaseRates(in, out)
	} else if a := set["rate"]; a != nil {
		k, e := l.newEnv("rate", ir.TF64, nil)
		e.sizes["N"] = float64(in.Size)
		e.b.Ret(e.expr(a.Value.X))
		out.Kernels = append(out.Kernels, k)
	}
	if a := set["rates"]; a != nil {
		switch x := a.Value.X.(type) {
		case *StringLit:
			out.File = DataPath(x)
		case *ListLit:
			out.Rates = []float64{}
			for _, el := range x.Elems {
				v, _ := l.eval(el, nil)
				out.Rates = append(out.Rates, v)
			}
		}
	}
	if a := set["period"]; a != nil {
		out.Period, _ = l.eval(a.Value.X, nil)
	}
	if a := set["times"]; a != nil {
		switch x := a.Value.X.(type) {
		case *StringLit:
			out.File = DataPath(x)
		case *ListLit:
			out.Times = []ir.SpikeTime{}
			for _, el := range x.Elems {
				pair := el.(*TupleLit)
				i, _ := l.eval(pair.Elems[0], nil)
				t, _ := l.eval(pair.Elems[1], nil)
				out.Times = append(out.Times, ir.SpikeTime{Index: int(i), Time: t})
			}
		}
	}
	out.Stream = len(l.m.Inputs)
	l.m.Inputs = append(l.m.Inputs, out)
}

func (l *lowerer) projection(p *Projection) {
	d := p.Decl
	pre := ""
	if p.PrePop != nil {
		pre = p.PrePop.Name
	} else {
		pre = p.PreInput.Name
	}
	post := l.node(p.Post.Name).(*ir.Population)
	out := &ir.Projection{Name: irName(p), Pre: l.node(pre).(ir.Source), Post: post, Synapse: p.Synapse.Name, Pos: p.Pos.ir()}
	if p.Decl.Name == nil {
		out.Label = "connect at " + p.Pos.String()
	}
	if p.Dendrite != nil {
		out.Dendrite = post.DendriteNamed(p.Dendrite.Name)
	}
	out.Rule = l.rule(p)
	out.PreRange, out.PostRange = p.PreRange, p.PostRange
	settings := settingsOf(d.Body)
	sb := p.Synapse
	out.Vars = l.vars(sb, settings)
	// delay and segment are per-synapse parameters of every projection.
	delay := &ir.Var{Name: "delay", Kind: ir.VarParam, Type: ir.TF64, Uniform: true}
	var delayExpr Node
	var delayPos ir.Pos // the delay's setting or the type's delay member
	if a := settings["delay"]; a != nil {
		delayExpr, delayPos = a.Value.X, posOf(a.Pos).ir()
	} else if sb.Delay != nil {
		delayExpr, delayPos = sb.Delay.Value.X, posOf(sb.Delay.Pos).ir()
	}
	if delayExpr != nil {
		if v, ok := l.eval(delayExpr, nil); ok {
			delay.Value = v
		} else {
			delay.Uniform = false
		}
	}
	out.Vars = append(out.Vars, delay)
	pathDelays, pathExprs := l.pathwayDelays(sb, settings)
	out.Vars = append(out.Vars, pathDelays...)
	if p.Dendrite != nil && p.Dendrite.IsArray {
		out.Vars = append(out.Vars, &ir.Var{Name: "segment", Kind: ir.VarParam, Type: ir.TF64})
	}
	sizes := map[string]float64{"N_pre": float64(p.PreSize()), "N_post": float64(p.PostSize())}
	graph := newInitGraph(l.info, sb, settings, false)
	init := l.initKernel(sb, graph, graph.mustOrder(), map[*Body][]*ir.Var{sb: out.Vars}, sizes, p)
	// The connect's delay and segment settings go at the end of init.
	ie := &env{l: l, b: &ir.Builder{Kernel: init, Block: init.Blocks[len(init.Blocks)-1]}, body: sb,
		cur: map[string]ir.Value{}, lets: map[*Symbol]ir.Value{}, sizes: sizes}
	ie.setSides(p)
	last := ie.b.Block.Instrs[len(ie.b.Block.Instrs)-1]
	ie.b.Block.Instrs = ie.b.Block.Instrs[:len(ie.b.Block.Instrs)-1] // the ret
	if !delay.Uniform {
		// At the delay's setting: a backend that cannot hold a delay per
		// synapse (an MPI build, backends/llvm/mpi_check.go) says so
		// there.
		ie.b.Pos = delayPos
		ie.b.Store("delay", ie.expr(delayExpr))
	}
	for n, v := range pathDelays {
		if !v.Uniform {
			ie.b.Store(v.Name, ie.expr(pathExprs[n]))
		}
	}
	if a := settings["segment"]; a != nil {
		ie.b.Store("segment", ie.expr(a.Value.X))
	}
	ie.b.Block.Instrs = append(ie.b.Block.Instrs, last)
	out.Kernels = append(out.Kernels, init)
	l.connectKernels(p, out)
	for _, on := range []*On{sb.OnPre, sb.OnPost} {
		if on == nil {
			continue
		}
		k, e := l.newEnv("on_"+on.Event, ir.TVoid, sb)
		e.setSides(p)
		e.stmts(on.Body)
		e.b.Ret()
		out.Kernels = append(out.Kernels, k)
	}
	l.pathwayKernels(sb, p, out)
	if len(sb.ODEs) > 0 {
		k, e := l.newEnv("update", ir.TVoid, sb)
		e.setSides(p)
		for _, m := range sb.Members {
			if ode, ok := m.(*ODE); ok {
				if sym := sb.Var(ode.Deriv.Name[1:]); sym != nil && sb.ODEs[sym] == ode {
					e.b.Pos = posOf(ode.Pos).ir()
					e.b.Emit(ir.OpODE, ir.TVoid, ir.ODEAux{Var: sym.Name, Method: sb.Method}, e.expr(ode.RHS.X))
				}
			}
		}
		e.b.Ret()
		out.Kernels = append(out.Kernels, k)
	}
	l.summedKernel(sb, p, out)
	out.Stream = len(l.m.Projections)
	if run := l.prog.Run; run.Prune {
		if w := p.Synapse.Var("w"); w != nil && w.Type.Dim == run.PruneDim {
			out.PruneVar, out.PruneBelow = "w", run.PruneWeight
		}
	}
	l.m.Projections = append(l.m.Projections, out)
}

// irName names a projection in the IR: its own name, or connect_LINE_COL
// for an unnamed one.
func irName(p *Projection) string {
	if p.Decl.Name != nil {
		return p.Name
	}
	return fmt.Sprintf("connect_%d_%d", p.Pos.Line, p.Pos.Col)
}

func (l *lowerer) rule(p *Projection) ir.Rule {
	// autapses applies to the random and dense rules; one_to_one, pairs
	// and matrix say exactly which synapses exist.
	r := ir.Rule{Kind: p.Rule, Autapses: p.Rule != "one_to_one" && p.Rule != "pairs" && p.Rule != "matrix"}
	var args []CallArg
	if p.Decl.Rule == nil {
		return l.genRule(p) // lower_generate.go
	}
	if call, ok := p.Decl.Rule.X.(*CallExpr); ok {
		args = call.Args
	}
	params := connectRules[p.Rule]
	for i, a := range args {
		name := a.Name
		if name == "" {
			name = params[i]
		}
		switch name {
		case "p":
			if p.conn == nil || p.conn.prob == nil { // else the connect.p kernel
				r.P, _ = l.eval(a.X, nil)
			}
		case "k":
			k, _ := l.eval(a.X, nil)
			r.K = int(k)
		case "autapses":
			if b, ok := a.X.(*BoolLit); ok {
				r.Autapses = b.Value
			}
		case "file":
			if x, ok := a.X.(*StringLit); ok {
				r.File = DataPath(x)
			}
		case "list":
			switch x := a.X.(type) {
			case *StringLit:
				r.File = DataPath(x)
			case *ListLit:
				r.Pairs = [][2]int{}
				for _, el := range x.Elems {
					t := el.(*TupleLit)
					i, _ := l.eval(t.Elems[0], nil)
					j, _ := l.eval(t.Elems[1], nil)
					r.Pairs = append(r.Pairs, [2]int{int(i), int(j)})
				}
			}
		}
	}
	return r
}

func (l *lowerer) current(c *Current) {
	k, e := l.newEnv("value", ir.TF64, nil)
	e.sizes["N"] = float64(c.Target.Size)
	e.b.Pos = c.Pos.ir()
	e.b.Ret(e.expr(c.Decl.Value.X))
	pop := l.node(c.Target.Name).(*ir.Population)
	l.m.Currents = append(l.m.Currents, &ir.Current{Name: c.Name, Population: pop, Param: ir.VarNamed(pop.Vars, c.Param.Name), Kernels: []*ir.Kernel{k}})
}

// node returns the population (a global included), input or projection
// lowered under name: the graph links by pointer, and the checker has
// made sure that every name a model uses exists.
func (l *lowerer) node(name string) ir.Node {
	for _, p := range l.m.Populations {
		if p.Name == name {
			return p
		}
	}
	for _, in := range l.m.Inputs {
		if in.Name == name {
			return in
		}
	}
	for _, pr := range l.m.Projections {
		if pr.Name == name {
			return pr
		}
	}
	panic(fmt.Sprintf("lang: lower: %s is not a node of the module lowered so far", name))
}

func (l *lowerer) monitor(mon *Monitor) {
	out := &ir.Monitor{Name: mon.Name, Kind: mon.Kind, Ranges: mon.Ranges, Every: mon.Every, Window: mon.Window, Base: mon.Base, Pos: mon.Pos.ir()}
	switch {
	case mon.Population != nil:
		out.Target = l.node(mon.Population.Name)
	case mon.Input != nil:
		out.Target = l.node(mon.Input.Name)
	case mon.Projection != nil:
		out.Target = l.node(irName(mon.Projection))
	case mon.Global != nil:
		out.Target = l.node(mon.Global.Name)
	}
	if mon.Var != nil {
		parts := mon.Decl.Target.Parts
		out.Var = joinDots(parts[1:])
		// Values are recorded in SI units, so the dimension's SI name is
		// the unit of the .npy file.
		out.Unit = mon.Var.Type.Dim.String()
		// A definition is computed when a sample is taken.
		if mon.Var.Kind == SymLet {
			k, e := l.newEnv("value", ir.TF64, mon.Var.Owner)
			if mon.Projection != nil {
				e.setSides(mon.Projection)
			}
			e.b.Ret(e.expr(mon.Var.Decl.(*Let).Value.X))
			out.Kernels = []*ir.Kernel{k}
		}
	}
	l.m.Monitors = append(l.m.Monitors, out)
}

// reductionVars are the states of global g that hold its reductions over
// populations and projections (PopReduction), one per reduction however
// many calls read it, in the order of the source.
func (l *lowerer) reductionVars(g *Body) []*ir.Var {
	var rs []*PopReduction
	for _, r := range l.prog.PopReductions {
		if r.Global == g {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *PopReduction) int {
		switch {
		case a.Pos.before(b.Pos):
			return -1
		case b.Pos.before(a.Pos):
			return 1
		}
		return 0
	})
	var out []*ir.Var
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.StateName()] {
			continue
		}
		seen[r.StateName()] = true
		out = append(out, &ir.Var{Name: r.StateName(), Kind: ir.VarState, Type: ir.TF64,
			Reduce: &ir.Reduce{Kind: r.Kind, Source: r.Source, Name: r.Var, Range: r.Range, Pos: irPos(r.Pos)}})
	}
	return out
}
