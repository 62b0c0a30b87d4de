package nir

// Export: a checked snnc program, with its network as built before step 0,
// to a NIR graph (spec/nir.md, "Export").
//
// NIR holds a network of linear neuron primitives in continuous time. A
// population is exported when its neuron type's equations, evaluated at
// chosen values of the state (Program.EvalExpr), are exactly linear and
// have one of the forms below; everything else is refused with a
// diagnostic at the construct, never dropped:
//
//	dv/dt = a v + b,            a < 0       LIF (threshold) / LI
//	dv/dt = 0                               IF (threshold)  / I
//	dx/dt = c x,                c < 0       CubaLIF / CubaLI, x the input
//	dv/dt = a v + k x + b,      a < 0
//
// Units and dt: NIR parameters are SI (seconds; volts and the rest as the
// model has them). NIR stores no dt, and its executors (snnTorch, Norse,
// snnc's import) feed a spike as an input of 1 held for one step, so that a
// weight w moves an LIF's v by r·dt/tau·w. A synapse of snnc adds its w to
// post.x in one step; export therefore sets r = tau/dt for LIF and LI and
// w_in = tau_syn/dt for CubaLIF and CubaLI, dt being the model's step
// (snnTorch's own convention, r = tau/dt), so that each jump is w exactly as
// in the model; IF and I have r = 1 (v += r·w). The membrane's r of
// CubaLIF is the coefficient of the synaptic state in dv/dt times tau_mem,
// with no dt. The dt used is written as metadata/dt.

import (
	"fmt"
	"math"

	"snnc/lang"
)

// Built is the network as the interpreter builds it before step 0
// (interp.Initial): the values of every variable by "owner.name" (one value
// for a uniform parameter) and each projection's synapses.
type Built struct {
	Vars map[string][]float64
	// Synapses returns a projection's synapses, pre and post index of
	// each, in the order of its per-synapse variables.
	Synapses func(proj string) (pre, post []int32)
}

// Export maps a checked program to a NIR graph, or returns the positioned
// diagnostics of everything NIR cannot express (lang.ErrorList).
func Export(prog *lang.Program, net *Built) (*Graph, error) {
	x := &exporter{prog: prog, net: net, diags: &lang.Diagnostics{}, g: &Graph{}}
	x.refuseGlobal()
	inputOf := x.inputVars()
	for _, in := range prog.Inputs {
		x.node(in.Name, "Input", map[string]*Value{"shape": exportShape(in.Size)})
	}
	for _, pop := range prog.Populations {
		x.population(pop, inputOf[pop])
	}
	for _, pr := range prog.Projections {
		x.projection(pr)
	}
	for _, m := range prog.Monitors {
		x.monitor(m)
	}
	if err := x.diags.Err(); err != nil {
		return nil, err
	}
	// The step the weights were scaled by (see above): NIR has no field
	// for it, but metadata/dt is where the reference writer's own files
	// keep one.
	x.g.Metadata = map[string]*Value{"dt": {DType: "float64", Shape: []int{}, Num: []float64{prog.Run.Dt}}}
	return x.g, nil
}

type exporter struct {
	prog  *lang.Program
	net   *Built
	diags *lang.Diagnostics
	g     *Graph
	kinds map[*lang.Population]string // the NIR type each population became
	// targets are, per population, the states synapses add to (on pre)
	// or sum into: a state some synapse moves is never inert.
	targets map[*lang.Population]map[string]bool
}

func (x *exporter) node(name, typ string, fields map[string]*Value) {
	x.g.Nodes = append(x.g.Nodes, &Node{Name: name, Type: typ, Fields: fields})
}

func (x *exporter) refuse(pos lang.Pos, format string, args ...any) {
	x.diags.Errorf(pos, "cannot export to NIR: "+format, args...)
}

// refusePop refuses a population for a construct of its neuron type at
// pos: at the construct where the population's own file declares the type,
// else at the population (a std library type is not the user's to edit),
// naming where the construct is.
func (x *exporter) refusePop(pop *lang.Population, pos lang.Pos, format string, args ...any) {
	if pos.File != pop.Pos.File {
		format += fmt.Sprintf(" [neuron type %s, %s]", pop.Type.Name, pos)
		pos = pop.Pos
	}
	x.refuse(pos, format, args...)
}

// refuseGlobal refuses the model-wide constructs NIR has no place for.
func (x *exporter) refuseGlobal() {
	for _, b := range x.prog.Globals {
		x.refuse(b.Pos, "global %s (NIR has no global state)", b.Name)
	}
	for _, c := range x.prog.Currents {
		x.refuse(c.Pos, "current %s (NIR has no current sources; drive the population through an Input)", c.Name)
	}
	for _, s := range x.prog.Schedules {
		x.refuse(s.Pos, "scheduled code (NIR has no time-dependent code)")
	}
	for _, t := range x.prog.TimedArrays {
		x.refuse(t.Pos, "timed array %s (NIR has no time-dependent values)", t.Name)
	}
}

// inputVars finds, per population, the state its synapses add to, from the
// synapse types' on pre blocks (checked in projection).
func (x *exporter) inputVars() map[*lang.Population]*inputVar {
	m := map[*lang.Population]*inputVar{}
	x.targets = map[*lang.Population]map[string]bool{}
	for _, pr := range x.prog.Projections {
		if pr.Post != nil {
			if x.targets[pr.Post] == nil {
				x.targets[pr.Post] = map[string]bool{}
			}
			for _, sm := range pr.Synapse.Summed {
				if len(sm.Target.Parts) == 2 && sm.Target.Parts[0] == "post" {
					x.targets[pr.Post][sm.Target.Parts[1]] = true
				}
			}
		}
		target, _, ok := x.onPre(pr, false)
		if ok && pr.Post != nil {
			x.targets[pr.Post][target] = true
		}
		if !ok || pr.Post == nil {
			continue
		}
		iv := m[pr.Post]
		if iv == nil {
			m[pr.Post] = &inputVar{name: target, pos: pr.Pos}
		} else if iv.name != target {
			x.refuse(pr.Pos, "projection %s adds to %s.%s while another adds to %s.%s (a NIR node has one input)",
				pr.Name, pr.Post.Name, target, pr.Post.Name, iv.name)
		}
	}
	return m
}

type inputVar struct {
	name string
	pos  lang.Pos
}

// onPre returns the state post.X a projection's synapse adds to and the
// expression it adds; report says whether to diagnose what is refused.
func (x *exporter) onPre(pr *lang.Projection, report bool) (string, *lang.Expr, bool) {
	syn := pr.Synapse
	fail := func(pos lang.Pos, format string, args ...any) (string, *lang.Expr, bool) {
		if report {
			x.refuse(pos, format, args...)
		}
		return "", nil, false
	}
	if pr.Dendrite != nil {
		return fail(pr.Pos, "projection %s targets dendrite %s (NIR has no dendrites)", pr.Name, pr.Dendrite.Name)
	}
	if syn.OnPost != nil {
		return fail(lang.PosFromLexer(syn.OnPost.Pos), "on post in synapse %s: plasticity (NIR weights are fixed)", syn.Name)
	}
	if len(syn.Summed) > 0 {
		return fail(syn.Pos, "summed variables in synapse %s (NIR has only spike-driven synapses)", syn.Name)
	}
	if len(syn.Pathways) > 0 {
		return fail(syn.Pos, "pathways in synapse %s (NIR has one synapse per edge)", syn.Name)
	}
	if len(syn.States) > 0 || len(syn.Traces) > 0 {
		return fail(syn.Pos, "state in synapse %s: plasticity or synaptic dynamics (NIR weights are fixed)", syn.Name)
	}
	if syn.OnPre == nil || len(syn.OnPre.Body.Stmts) != 1 {
		return fail(syn.Pos, "synapse %s: its on pre must be the one statement post.X += w", syn.Name)
	}
	as, ok := syn.OnPre.Body.Stmts[0].(*lang.Assign)
	if !ok || as.Op != "+=" || len(as.Target.Parts) != 2 || as.Target.Parts[0] != "post" {
		return fail(lang.PosFromLexer(syn.OnPre.Pos), "synapse %s: its on pre must be the one statement post.X += w", syn.Name)
	}
	return as.Target.Parts[1], as.Value, true
}

// population exports one population as a neuron node.
func (x *exporter) population(pop *lang.Population, in *inputVar) {
	b := pop.Type
	at := pop.Pos
	switch {
	case len(b.Dendrites) > 0:
		x.refusePop(pop, at, "population %s: neuron type %s has dendrites (NIR has point neurons only)", pop.Name, b.Name)
		return
	case len(b.Traces) > 0:
		x.refusePop(pop, at, "population %s: neuron type %s has traces (NIR has no plasticity traces)", pop.Name, b.Name)
		return
	}
	if b.Refractory != nil {
		// A period of 0 for every neuron is no refractoriness at all
		// (the std LIF with t_ref = 0 ms).
		for n := 0; n < pop.Size; n++ {
			if t, why := x.prog.EvalExpr(b.Refractory.Period, x.neuronValue(pop, n, nil)); why != "" || t != 0 {
				x.refusePop(pop, lang.PosFromLexer(b.Refractory.Pos), "population %s: refractory period (NIR neurons have none)", pop.Name)
				return
			}
		}
	}
	// v: the thresholded state, or the one state of a non-spiking neuron.
	var v *lang.Symbol
	var cond *lang.BinaryNode
	if b.Threshold != nil {
		cond, _ = b.Threshold.Cond.X.(*lang.BinaryNode)
		if cond == nil || cond.Op != ">" {
			x.refusePop(pop, lang.PosFromLexer(b.Threshold.Pos), "population %s: threshold must be v > v_threshold (NIR spikes on v > v_threshold)", pop.Name)
			return
		}
		if ref, ok := cond.X.(*lang.NameRef); ok {
			if s := x.prog.Info.Uses[ref]; s != nil && s.Kind == lang.SymState {
				v = s
			}
		}
		if v == nil {
			x.refusePop(pop, lang.PosFromLexer(b.Threshold.Pos), "population %s: threshold must compare a state with a value", pop.Name)
			return
		}
	}
	var inSym *lang.Symbol
	if in != nil {
		inSym = b.Var(in.name)
		if inSym == nil || inSym.Kind != lang.SymState {
			x.refuse(in.pos, "population %s: synapses add to %s, not a state (NIR inputs drive a state)", pop.Name, in.name)
			return
		}
	}
	if v == nil {
		// No threshold: the output is the one state other than the input
		// (LI's and CubaLI's v), or the input itself when it is alone.
		var others []*lang.Symbol
		for _, s := range b.States {
			if s != inSym {
				others = append(others, s)
			}
		}
		switch {
		case len(others) == 1:
			v = others[0]
		case len(others) == 0 && inSym != nil:
			v = inSym
		default:
			x.refusePop(pop, at, "population %s: neuron type %s has no threshold and no single output state", pop.Name, b.Name)
			return
		}
	}
	if inSym == v {
		inSym = nil
	}
	kind := ""
	fields := map[string][]float64{}
	for n := 0; n < pop.Size; n++ {
		k, f, ok := x.neuron(pop, n, v, inSym, cond)
		if !ok {
			return
		}
		if kind != "" && k != kind {
			x.refusePop(pop, at, "population %s: neuron %d is %s, neuron 0 %s (a NIR node has one type)", pop.Name, n, k, kind)
			return
		}
		kind = k
		for name, val := range f {
			fields[name] = append(fields[name], val)
		}
	}
	vf := map[string]*Value{}
	for name, vals := range fields {
		vf[name] = &Value{DType: "float64", Shape: []int{pop.Size}, Num: vals}
	}
	if x.kinds == nil {
		x.kinds = map[*lang.Population]string{}
	}
	x.kinds[pop] = kind
	x.node(pop.Name, kind, vf)
}

// neuronValue gives names their values for neuron n of a population: the
// built parameters, and the states from state (nil: none).
func (x *exporter) neuronValue(pop *lang.Population, n int, state map[*lang.Symbol]float64) func(*lang.Symbol) (float64, bool) {
	return func(s *lang.Symbol) (float64, bool) {
		if v, ok := state[s]; ok {
			return v, true
		}
		if s.Kind != lang.SymParam {
			return 0, false
		}
		vals := x.net.Vars[pop.Name+"."+s.Name]
		if s.Owner == nil || s.Owner.Kind != lang.NeuronBody {
			vals = x.net.Vars[s.Name] // a top-level parameter
		}
		switch {
		case len(vals) == 1:
			return vals[0], true
		case n < len(vals):
			return vals[n], true
		}
		return 0, false
	}
}

// linear returns the coefficients of the ODE of state s in the states, and
// its constant, for neuron n; ok false where it is not exactly linear.
func (x *exporter) linear(pop *lang.Population, n int, ode *lang.ODE) (coef map[*lang.Symbol]float64, c float64, why string) {
	states := pop.Type.States
	at := func(vals map[*lang.Symbol]float64) (float64, string) {
		return x.prog.EvalExpr(ode.RHS, x.neuronValue(pop, n, vals))
	}
	zero := map[*lang.Symbol]float64{}
	for _, s := range states {
		zero[s] = 0
	}
	c, why = at(zero)
	if why != "" {
		return nil, 0, why
	}
	coef = map[*lang.Symbol]float64{}
	probe := map[*lang.Symbol]float64{}
	want := c
	for i, s := range states {
		unit := map[*lang.Symbol]float64{}
		for _, t := range states {
			unit[t] = 0
		}
		unit[s] = 1
		f, why := at(unit)
		if why != "" {
			return nil, 0, why
		}
		coef[s] = f - c
		// A second point away from the first two: an affine function
		// agrees there, a product or exp of the states does not.
		probe[s] = 0.37 + 0.11*float64(i)
		want += coef[s] * probe[s]
	}
	got, why := at(probe)
	if why != "" {
		return nil, 0, why
	}
	if math.Abs(got-want) > 1e-9*(math.Abs(want)+math.Abs(c)+1e-300) && math.Abs(got-want) > 1e-12 {
		return nil, 0, "nonlinear in the states"
	}
	return coef, c, ""
}

// neuron maps neuron n of a population to a NIR type and its fields.
func (x *exporter) neuron(pop *lang.Population, n int, v, in *lang.Symbol, cond *lang.BinaryNode) (string, map[string]float64, bool) {
	b := pop.Type
	dt := x.prog.Run.Dt
	rhs := map[*lang.Symbol]map[*lang.Symbol]float64{}
	konst := map[*lang.Symbol]float64{}
	for _, s := range b.States {
		ode := b.ODEs[s]
		if ode == nil {
			rhs[s] = map[*lang.Symbol]float64{}
			continue
		}
		coef, c, why := x.linear(pop, n, ode)
		if why != "" {
			x.refusePop(pop, lang.PosFromLexer(ode.Pos), "population %s: ODE of %s: %s (NIR neurons are deterministic linear ODEs)", pop.Name, s.Name, why)
			return "", nil, false
		}
		rhs[s], konst[s] = coef, c
	}
	init := func(s *lang.Symbol) float64 {
		vals := x.net.Vars[pop.Name+"."+s.Name]
		if len(vals) == 1 {
			return vals[0]
		}
		if n < len(vals) {
			return vals[n]
		}
		return 0
	}
	// An inert state starts at 0, and neither a synapse nor another state
	// nor a constant moves it: it stays 0, so
	// whatever it drives it adds nothing (the std LIF's gi where only ge
	// has synapses).
	inert := func(s *lang.Symbol) bool {
		if s == v || s == in || init(s) != 0 || konst[s] != 0 || x.targets[pop][s.Name] {
			return false
		}
		for t, c := range rhs[s] {
			if t != s && c != 0 {
				return false
			}
		}
		return true
	}
	if in == nil {
		// No synapses say which state is the input: the one other state
		// that drives v, if there is one (a CubaLIF nothing feeds).
		var drives []*lang.Symbol
		for _, s := range b.States {
			if s != v && rhs[v][s] != 0 && !inert(s) {
				drives = append(drives, s)
			}
		}
		if len(drives) == 1 {
			in = drives[0]
		}
	}
	// The other states must not drive v or the input: they could change
	// the output and NIR has no place for them.
	for _, s := range b.States {
		if s == v || s == in || inert(s) {
			continue
		}
		for _, t := range []*lang.Symbol{v, in} {
			if t != nil && rhs[t][s] != 0 {
				x.refusePop(pop, at(b, s), "population %s: state %s drives %s (NIR neurons have at most a membrane and a synaptic state)", pop.Name, s.Name, t.Name)
				return "", nil, false
			}
		}
	}
	f := map[string]float64{}
	spiking := cond != nil
	if spiking {
		th, why := x.prog.EvalExpr(exprOf(cond.Y), x.neuronValue(pop, n, nil))
		if why != "" {
			x.refusePop(pop, lang.PosFromLexer(b.Threshold.Pos), "population %s: threshold: %s (NIR thresholds are parameters)", pop.Name, why)
			return "", nil, false
		}
		reset, ok := x.reset(pop, n, v)
		if !ok {
			return "", nil, false
		}
		f["v_threshold"], f["v_reset"] = th, reset
	} else if b.Reset != nil {
		x.refusePop(pop, lang.PosFromLexer(b.Reset.Pos), "population %s: reset without threshold", pop.Name)
		return "", nil, false
	}
	a, bias := rhs[v][v], konst[v]
	var kind string
	var rest float64 // the state NIR's executors start v at
	switch {
	case in == nil && a < 0:
		tau := -1 / a
		f["tau"], f["r"], f["v_leak"] = tau, tau/dt, -bias/a
		kind, rest = pick(spiking, "LIF", "LI"), -bias/a
	case in == nil && a == 0 && bias == 0:
		f["r"] = 1
		kind = pick(spiking, "IF", "I")
	case in != nil && a < 0 && rhs[in][in] < 0 && konst[in] == 0 && rhs[in][v] == 0:
		tauMem, tauSyn := -1/a, -1/rhs[in][in]
		f["tau_mem"], f["tau_syn"], f["v_leak"] = tauMem, tauSyn, -bias/a
		// k/(-a) is k·tau_mem without the rounding of tau_mem = -1/a.
		f["r"], f["w_in"] = rhs[v][in]/-a, tauSyn/dt
		kind, rest = pick(spiking, "CubaLIF", "CubaLI"), -bias/a
		if init(in) != 0 {
			x.refuse(pop.Pos, "population %s: %s starts at %g, not 0 (NIR executors start the synaptic state at 0)", pop.Name, in.Name, init(in))
			return "", nil, false
		}
	default:
		x.refusePop(pop, odePos(b, v), "population %s: the ODE of %s has no NIR form (LIF, CubaLIF, LI, CubaLI, IF, I)", pop.Name, v.Name)
		return "", nil, false
	}
	if !spiking {
		delete(f, "v_threshold")
	}
	if d := init(v) - rest; math.Abs(d) > 1e-12*math.Max(1, math.Abs(rest)) {
		x.refuse(pop.Pos, "population %s: %s starts at %g, not at rest %g, in SI units (NIR holds no initial state)", pop.Name, v.Name, init(v), rest+0)
		return "", nil, false
	}
	return kind, f, true
}

func pick(spiking bool, yes, no string) string {
	if spiking {
		return yes
	}
	return no
}

// reset returns the value the reset sets v to: reset { v = value }.
func (x *exporter) reset(pop *lang.Population, n int, v *lang.Symbol) (float64, bool) {
	b := pop.Type
	if b.Reset == nil {
		x.refusePop(pop, lang.PosFromLexer(b.Threshold.Pos), "population %s: a threshold without reset (NIR resets v to v_reset)", pop.Name)
		return 0, false
	}
	stmts := b.Reset.Body.Stmts
	as, ok := (lang.Stmt)(nil), false
	if len(stmts) == 1 {
		as = stmts[0]
	}
	a, isAssign := as.(*lang.Assign)
	ok = isAssign && a.Op == "=" && len(a.Target.Parts) == 1 && a.Target.Parts[0] == v.Name
	if !ok {
		x.refusePop(pop, lang.PosFromLexer(b.Reset.Pos), "population %s: reset must be the one statement %s = v_reset (NIR resets to a value)", pop.Name, v.Name)
		return 0, false
	}
	r, why := x.prog.EvalExpr(a.Value, x.neuronValue(pop, n, nil))
	if why != "" {
		x.refusePop(pop, lang.PosFromLexer(a.Pos), "population %s: reset: %s (NIR resets to a parameter)", pop.Name, why)
		return 0, false
	}
	return r, true
}

// projection exports a projection as a Linear node between its sides.
func (x *exporter) projection(pr *lang.Projection) {
	_, add, ok := x.onPre(pr, true)
	if !ok {
		return
	}
	pre, post := x.net.Synapses(pr.Name)
	// The built synapses index the whole sides, slices included: NIR has
	// no slices, so the weights go between whole nodes.
	nPre, nPost := 0, pr.Post.Size
	if pr.PrePop != nil {
		nPre = pr.PrePop.Size
	} else {
		nPre = pr.PreInput.Size
	}
	w := make([]float64, nPost*nPre)
	for s := range pre {
		val, why := x.prog.EvalExpr(add, func(sym *lang.Symbol) (float64, bool) {
			if sym.Owner == nil || sym.Owner.Kind != lang.SynapseBody || sym.Kind != lang.SymParam {
				if sym.Owner == nil && sym.Kind == lang.SymParam {
					if v := x.net.Vars[sym.Name]; len(v) == 1 {
						return v[0], true
					}
				}
				return 0, false
			}
			vals := x.net.Vars[pr.Name+"."+sym.Name]
			if len(vals) == 1 {
				return vals[0], true
			}
			if s < len(vals) {
				return vals[s], true
			}
			return 0, false
		})
		if why != "" {
			x.refuse(lang.PosFromLexer(pr.Synapse.OnPre.Pos), "projection %s: the weight it adds: %s (NIR weights are numbers)", pr.Name, why)
			return
		}
		i, j := int(pre[s]), int(post[s])
		w[j*nPre+i] += val // fan-in sums, as NIR's does
	}
	var from string
	if pr.PrePop != nil {
		from = pr.PrePop.Name
	} else {
		from = pr.PreInput.Name
	}
	delay, ok := x.delays(pr, pre, nPre)
	if !ok {
		return
	}
	if delay != nil {
		// NIR delays the elements of a node's output: a Delay node
		// between the pre side and the weights, one delay per pre neuron.
		name := x.freeName(pr.Name + "_delay")
		x.node(name, "Delay", map[string]*Value{"delay": {DType: "float64", Shape: []int{nPre}, Num: delay}})
		x.g.Edges = append(x.g.Edges, Edge{from, name})
		from = name
	}
	x.node(pr.Name, "Linear", map[string]*Value{"weight": {DType: "float64", Shape: []int{nPost, nPre}, Num: w}})
	x.g.Edges = append(x.g.Edges, Edge{from, pr.Name}, Edge{pr.Name, pr.Post.Name})
}

// delays returns a projection's delays (seconds) per pre neuron, nil where
// they are all 0; ok false (refused) where the synapses of one pre neuron
// have different delays, which a Delay node cannot hold.
func (x *exporter) delays(pr *lang.Projection, pre []int32, nPre int) ([]float64, bool) {
	d := x.net.Vars[pr.Name+".delay"]
	if !anyNonzero(d) {
		return nil, true
	}
	out := make([]float64, nPre)
	set := make([]bool, nPre)
	for s, i := range pre {
		v := d[0]
		if len(d) > 1 {
			v = d[s]
		}
		if set[i] && out[i] != v {
			x.refuse(pr.Pos, "projection %s: synapses of pre neuron %d have delays %g s and %g s (a NIR Delay delays a neuron's output, one delay per pre neuron)", pr.Name, i, out[i], v)
			return nil, false
		}
		out[i], set[i] = v, true
	}
	return out, true
}

// freeName is name, or name with _2, _3, ... where a node has it.
func (x *exporter) freeName(name string) string {
	taken := func(n string) bool {
		if x.g.Node(n) != nil {
			return true
		}
		for _, p := range x.prog.Projections {
			if p.Name == n {
				return true
			}
		}
		for _, m := range x.prog.Monitors {
			if m.Name == n {
				return true
			}
		}
		return false
	}
	if !taken(name) {
		return name
	}
	for k := 2; ; k++ {
		if n := fmt.Sprintf("%s_%d", name, k); !taken(n) {
			return n
		}
	}
}

// monitor exports a monitor of a population's spikes (or a non-spiking
// neuron's state) as an Output node.
func (x *exporter) monitor(m *lang.Monitor) {
	var from string
	var size int
	switch {
	case m.Input != nil && m.Kind == "spikes":
		from, size = m.Input.Name, m.Input.Size
	case m.Population != nil && m.Kind == "spikes" && m.Population.Type.Threshold != nil:
		from, size = m.Population.Name, m.Population.Size
	case m.Population != nil && m.Kind == "state" && m.Population.Type.Threshold == nil && x.outputVar(m):
		from, size = m.Population.Name, m.Population.Size
	case m.Projection != nil:
		x.refuse(m.Pos, "monitor %s records synapses of projection %s (NIR outputs are node outputs)", m.Name, m.Projection.Name)
		return
	case m.Global != nil:
		x.refuse(m.Pos, "monitor %s records global %s (NIR has no global state)", m.Name, m.Global.Name)
		return
	case m.Kind == "state":
		x.refuse(m.Pos, "monitor %s records a state of a spiking neuron (a NIR node outputs its spikes only)", m.Name)
		return
	default:
		x.refuse(m.Pos, "monitor %s: NIR outputs are the spikes of a spiking node or the state of a non-spiking one", m.Name)
		return
	}
	switch {
	case m.Ranges != nil:
		x.refuse(m.Pos, "monitor %s records a part of %s (NIR outputs are whole nodes)", m.Name, from)
		return
	case m.Every > 1:
		x.refuse(m.Pos, "monitor %s samples every %d steps (NIR outputs every step)", m.Name, m.Every)
		return
	case m.Window != [2]int64{}:
		x.refuse(m.Pos, "monitor %s records in phases only (NIR outputs every step)", m.Name)
		return
	}
	x.node(m.Name, "Output", map[string]*Value{"shape": exportShape(size)})
	x.g.Edges = append(x.g.Edges, Edge{from, m.Name})
}

// outputVar says whether a state monitor records the state a non-spiking
// node outputs (v of LI, the one state of I).
func (x *exporter) outputVar(m *lang.Monitor) bool {
	return m.Var != nil && (m.Var.Name == "v" || len(m.Population.Type.States) == 1)
}

func exportShape(n int) *Value {
	return &Value{DType: "int64", Shape: []int{1}, Num: []float64{float64(n)}}
}

func anyNonzero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}

// at is where a state is declared.
func at(b *lang.Body, s *lang.Symbol) lang.Pos { return s.Pos }

// odePos is where a state's ODE is, or its declaration.
func odePos(b *lang.Body, s *lang.Symbol) lang.Pos {
	if ode := b.ODEs[s]; ode != nil {
		return lang.PosFromLexer(ode.Pos)
	}
	return s.Pos
}

func exprOf(n lang.Node) *lang.Expr { return &lang.Expr{X: n} }
