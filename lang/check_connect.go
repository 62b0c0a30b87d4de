// The checker, pass 3 (the network), steps 3 and 5: connects and
// currents, then each synapse type against the projections that use it
// (check_network.go's header gives the order of the steps). checkConnect
// (with checkRule for the rule after 'by') and checkCurrent run in source
// order with the monitors (check_monitor.go); checkSynapseFor runs last,
// once every projection is known, on each synapse type's uses of pre.x and
// post.x.

package lang

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func (c *checker) checkConnect(d *ConnectDecl) {
	pos := posOf(d.Pos)
	name := fmt.Sprintf("connect at %s", pos)
	if d.Name != nil {
		name = d.Name.Name
		if !c.declaredBy(name, d) {
			return
		}
	} else if made := fmt.Sprintf("connect_%d_%d", pos.Line, pos.Col); c.all.LookupLocal(made) != nil {
		// Output files name an unnamed projection so (lower.go's irName):
		// a declaration of that name would share its state/ files.
		sym := c.all.LookupLocal(made)
		c.diags.Hintf(sym.Pos, "rename it, or name the connect", "the %s %s has the name of the unnamed connect at %s in the run's output files", sym.Kind, made, pos)
		return
	}
	proj := &Projection{Name: name, Pos: pos, Decl: d}
	ok := true

	// The pre side: a population or an input, or a subgroup or slice of
	// one (check_slice.go).
	preID := Ident{Pos: d.Pre.Pos, Name: d.Pre.Parts[0]}
	var preView, postView view
	if len(d.Pre.Parts) > 1 {
		c.diags.Errorf(posOf(d.Pre.Pos), "the pre side of a connect is a population or input, not %s", joinDots(d.Pre.Parts))
		ok = false
	} else if v, vOK := c.viewNamed(preID, d.PreCut, "population or input", SymPopulation, SymInput); !vOK {
		ok = false
	} else {
		preView, proj.PrePop, proj.PreInput, proj.PreRange = v, v.pop, v.input, v.irRange()
	}

	// The post side: a population, or a dendrite of its neurons.
	postID := Ident{Pos: d.Post.Pos, Name: d.Post.Parts[0]}
	if v, vOK := c.viewNamed(postID, d.PostCut, "population", SymPopulation); !vOK {
		ok = false
	} else if postView, proj.Post, proj.PostRange = v, v.pop, v.irRange(); proj.Post == nil {
		ok = false
	} else {
		b := proj.Post.Type
		for _, part := range d.Post.Parts[1:] {
			dd := b.Dendrite(part)
			if dd == nil {
				c.diags.Errorf(posOf(d.Post.Pos), "%s has no dendrite %s", b.describe(), part)
				ok = false
				break
			}
			b = dd
			proj.Dendrite = dd
		}
	}
	syn := c.lookupKind(d.Synapse, "synapse type", SymSynapse)
	if syn == nil {
		ok = false
	}
	rule, ruleOK := c.checkRule(d, proj)
	proj.Rule = rule
	if ok && ruleOK && !ruleAutapses(d) && c.overlapAutapses(d, preView, postView) {
		ok = false
	}
	if !ok || !ruleOK {
		return
	}
	proj.Synapse = syn.Body
	c.prog.Projections = append(c.prog.Projections, proj)
	if d.Name != nil {
		c.all.LookupLocal(name).Net = proj
	}
	c.synUses[syn.Body] = append(c.synUses[syn.Body], proj)
	c.checkConnectExprs(d, proj, syn.Body)

	// The body sets the synapses' parameters and initial state, their delay,
	// and, for a dendrite with segments, which segment each synapse is on.
	sb := syn.Body
	settable := func(n string) bool {
		if n == "delay" || n == "segment" && proj.Dendrite != nil && proj.Dendrite.IsArray || sb.pathDelaySetting(n) != "" {
			return true
		}
		v := sb.Var(n)
		return v != nil && v.Kind != SymLet
	}
	what := "connect " + name
	if d.Name == nil {
		what = "the " + name
	}
	delays := "delay"
	for _, on := range sb.Pathways {
		delays += ", " + on.Source.Name + ".delay"
	}
	set := c.settings(d.Body, what, settable, delays+" and the parameters, state variables and traces of "+sb.Name)
	scope := indexScope(sb.Scope, "i", "j", "N_pre", "N_post")
	ctx := c.projectionCtx(sb, proj)
	ctx.scope, ctx.what, ctx.random, ctx.initial, ctx.pairs = scope, "an initial value", true, true, true
	ctx.load = &loadSite{proj: proj}
	for _, n := range sortedKeys(set) {
		a := set[n]
		switch {
		case n == "delay" || sb.pathDelaySetting(n) != "":
			c.wantDim(ctx, a.Value, DimTime, n)
			c.nonNegative(ctx, a.Value, n, false)
		case n == "segment":
			c.wantDim(ctx, a.Value, Dimensionless, "segment")
			if q, why := c.constValue(ctx.scope, a.Value.X); why == "" &&
				(q.Value != math.Trunc(q.Value) || q.Value < 0 || q.Value >= float64(proj.Dendrite.Count)) {
				c.diags.Errorf(posOf(a.Value.Pos), "segment %g is not a whole number in [0, %d)", q.Value, proj.Dendrite.Count)
			}
		default:
			c.checkSetting(a, sb.Var(n), c.expr(ctx, a.Value))
		}
	}
	if proj.Dendrite != nil && proj.Dendrite.IsArray && set["segment"] == nil {
		c.diags.Hintf(pos, "e.g. segment = j % 4, or segment = floor(uniform(0, 4))",
			"dendrite %s has %s; say which one each synapse is on with segment = ...", proj.Dendrite.Name, segments(proj.Dendrite.Count))
	}
	for _, p := range sb.Params {
		if d := p.Decl.(*Param); d.Default == nil && set[p.Name] == nil {
			c.diags.Hintf(pos, "set it in the connect body", "parameter %s of %s has no default and this connect does not set it", p.Name, sb.Name)
		}
	}
}

// checkRule checks the connectivity rule after 'by' and that the number of
// synapses it makes fits.
func (c *checker) checkRule(d *ConnectDecl, proj *Projection) (string, bool) {
	if d.Gen != nil {
		return "generate", true // checkConnectExprs, with the two sides
	}
	n := c.conv.expr(d.Rule)
	var call *CallExpr
	switch n := n.(type) {
	case *NameRef:
		call = &CallExpr{At: n.At, Func: n.Dotted()}
	case *CallExpr:
		call = n
	default:
		c.diags.Hintf(n.Pos(), "the rules are all_to_all, one_to_one, fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), pairs(list), matrix(file)",
			"a connectivity rule must be a rule name")
		return "", false
	}
	params, known := connectRules[call.Func]
	if !known {
		c.diags.Hintf(call.At, "the rules are all_to_all, one_to_one, fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), pairs(list), matrix(file)",
			"unknown connectivity rule %s", call.Func)
		return "", false
	}
	// Bind positional and named arguments to the rule's parameters.
	args := map[string]CallArg{}
	ok := true
	for i, a := range call.Args {
		name := a.Name
		if name == "" {
			if i >= len(params) {
				c.diags.Errorf(a.At, "%s takes at most %d arguments", call.Func, len(params))
				ok = false
				continue
			}
			name = params[i]
		}
		if !containsString(params, name) {
			c.diags.Hintf(a.At, fmt.Sprintf("%s takes %s", call.Func, strings.Join(params, ", ")), "%s has no argument %s", call.Func, name)
			ok = false
			continue
		}
		if _, dup := args[name]; dup {
			c.diags.Errorf(a.At, "argument %s given twice", name)
			ok = false
			continue
		}
		args[name] = a
	}
	if !ok {
		return call.Func, false
	}
	ctx := &exprCtx{scope: c.scopeAt(d.Pos), what: "a connectivity rule"}
	pre, post := 0, 0
	if proj.PrePop != nil || proj.PreInput != nil {
		pre = proj.PreSize()
	}
	if proj.Post != nil {
		post = proj.PostSize()
	}
	// Autapses matter where both sides are one population; lowering
	// reads the argument only as a literal, so nothing else may stand
	// there.
	autapses := true
	if a, has := args["autapses"]; has {
		if t := c.node(ctx, a.X); t.Kind != KindInvalid && t.Kind != KindBool {
			c.diags.Errorf(a.At, "autapses must be true or false, not %s", t)
			ok = false
		} else if b, lit := a.X.(*BoolLit); lit {
			autapses = b.Value
		} else if t.Kind == KindBool {
			c.diags.Errorf(a.At, "autapses must be written true or false")
			ok = false
		}
	}
	selfExcluded := !autapses && proj.PrePop != nil && proj.PrePop == proj.Post && proj.PreRange == proj.PostRange
	synapses := 0.0
	switch call.Func {
	case "all_to_all":
		synapses = float64(pre) * float64(post)
	case "one_to_one":
		if pre != 0 && post != 0 && pre != post {
			c.diags.Errorf(call.At, "one_to_one needs populations of one size, not %d and %d", pre, post)
			ok = false
		}
		synapses = float64(post)
	case "fixed_probability":
		a, has := args["p"]
		if !has {
			c.diags.Errorf(call.At, "fixed_probability needs p, the connection probability")
			return call.Func, false
		}
		if usesPair(a.X) {
			// Checked with the two sides (checkConnectExprs); the count
			// is known when the network is built.
			proj.conn = &connExprs{prob: a.X}
		} else if t := c.node(ctx, a.X); t.Kind == KindReal && t.Dim.IsDimensionless() {
			q, why := c.constValue(c.scopeAt(d.Pos), a.X)
			switch {
			case why != "":
				c.diags.Errorf(a.At, "connection probability must be a constant: %s", why)
				ok = false
			case q.Value < 0 || q.Value > 1 || math.IsNaN(q.Value):
				c.diags.Errorf(a.At, "connection probability %g is outside [0, 1]", q.Value)
				ok = false
			default:
				synapses = q.Value * float64(pre) * float64(post)
			}
		} else if t.Kind != KindInvalid {
			c.diags.Errorf(a.At, "p must be a dimensionless probability, not %s", t)
			ok = false
		}
	case "fixed_indegree", "fixed_outdegree":
		a, has := args["k"]
		if !has {
			c.diags.Errorf(call.At, "%s needs k, the number of connections per neuron", call.Func)
			return call.Func, false
		}
		k, kOK := c.count(ctx, &Expr{X: a.X}, "k", MaxSynapses)
		if !kOK {
			return call.Func, false
		}
		other, each := pre, post
		if call.Func == "fixed_outdegree" {
			other, each = post, pre
		}
		switch {
		case other != 0 && k > other:
			c.diags.Errorf(a.At, "%s of %d but the other side has only %d neurons", call.Func, k, other)
			ok = false
		case other != 0 && selfExcluded && k > other-1:
			c.diags.Hintf(a.At, "allow autapses, or choose k of at most "+strconv.Itoa(other-1),
				"%s of %d but, without autapses, each neuron of %s has only %d others to connect to", call.Func, k, proj.Post.Name, other-1)
			ok = false
		}
		synapses = float64(k) * float64(each)
	case "pairs":
		a, has := args["list"]
		if !has {
			c.diags.Hintf(call.At, "pairs([(0, 1), (2, 3)]) or pairs(\"pairs.csv\")", "pairs needs a list of (pre, post) index pairs or a file")
			return call.Func, false
		}
		ok = c.checkPairs(ctx, a, pre, post) && ok
		if s, isFile := a.X.(*StringLit); isFile {
			proj.pairsFile = DataPath(s)
		}
	case "matrix":
		a, has := args["file"]
		if !has {
			c.diags.Hintf(call.At, "matrix(\"w.npy\")", "matrix needs a .npy file of shape (post, pre)")
			return call.Func, false
		}
		ok = c.checkMatrixRule(a, proj, pre, post) && ok
	}
	if synapses > MaxSynapses && d.Where == nil {
		c.diags.Errorf(call.At, "this connect makes about %.3g synapses, more than the limit of %d per projection", synapses, MaxSynapses)
		ok = false
	}
	return call.Func, ok
}

func (c *checker) checkPairs(ctx *exprCtx, a CallArg, pre, post int) bool {
	t := c.node(ctx, a.X)
	switch {
	case t.Kind == KindInvalid:
		return false
	case t.Kind == KindString:
		c.checkDataFile(a.X.(*StringLit), ".csv", ".npy")
		return true
	case t.Kind == KindList && t.Elem == nil:
		return true
	case t.Kind == KindList && t.Elem.Kind == KindTuple && len(t.Elem.Elems) == 2 &&
		t.Elem.Elems[0].Kind == KindReal && t.Elem.Elems[0].Dim.IsDimensionless() &&
		t.Elem.Elems[1].Kind == KindReal && t.Elem.Elems[1].Dim.IsDimensionless():
	default:
		c.diags.Hintf(a.At, "write [(0, 1), (2, 3)]", "pairs must be a list of (pre, post) index pairs or a file, not %s", t)
		return false
	}
	ok := true
	for _, e := range a.X.(*ListLit).Elems {
		pair := e.(*TupleLit)
		_, ok1 := c.index(ctx.scope, pair.Elems[0], pre, "pre index")
		_, ok2 := c.index(ctx.scope, pair.Elems[1], post, "post index")
		ok = ok && ok1 && ok2
	}
	return ok
}

// projectionCtx is the context of a synapse body instantiated for one
// projection: pre.x and post.x resolve against its populations.
func (c *checker) projectionCtx(b *Body, p *Projection) *exprCtx {
	ctx := &exprCtx{scope: b.Scope, body: b, prePos: p.Pos}
	if p.PrePop != nil {
		ctx.pre = p.PrePop.Type
	}
	ctx.post = p.Post.Type
	if p.Dendrite != nil {
		ctx.post = p.Dendrite
	}
	return ctx
}

// checkSynapseFor checks a synapse type's uses of pre.x and post.x against
// the populations of one projection.
func (c *checker) checkSynapseFor(b *Body, p *Projection) {
	ctx := c.projectionCtx(b, p)
	ctx.random = true
	for _, on := range []*On{b.OnPre, b.OnPost} {
		if on != nil {
			ctx.what = "an on-" + on.Event + " block"
			c.stmts(ctx, on.Body)
		}
	}
	c.checkPathwaysFor(b, ctx)
	for _, m := range b.Members {
		ctx.random, ctx.constOnly, ctx.pairs = false, false, false
		switch m := m.(type) {
		case *State:
			ctx.what, ctx.random, ctx.pairs = "an initial value", true, true
			c.expr(ctx, m.Init)
		case *Trace:
			ctx.what, ctx.random, ctx.pairs = "an initial value", true, true
			c.expr(ctx, m.Init)
		case *Param:
			ctx.what, ctx.constOnly = "a parameter default", true
			c.expr(ctx, m.Default)
		case *ODE:
			ctx.what = "an ODE"
			// The same message for a noise as the type's own check.
			ctx.noise = true
			if sym := b.Var(m.Deriv.Name[1:]); sym != nil && b.ODEs[sym] == m {
				c.checkODERHS(ctx, sym, m)
			}
			ctx.noise = false
		case *Let:
			ctx.what = "a definition"
			c.expr(ctx, m.Value)
		case *Summed:
			c.checkSummed(ctx, m)
		}
	}
}

func (c *checker) checkCurrent(d *CurrentDecl) {
	pos := posOf(d.Target.Pos)
	if len(d.Target.Parts) != 2 {
		c.diags.Hintf(pos, "write current NAME -> population.parameter = value", "a current drives a parameter of a population, not %s", joinDots(d.Target.Parts))
		return
	}
	sym := c.lookupKind(Ident{Pos: d.Target.Pos, Name: d.Target.Parts[0]}, "population", SymPopulation)
	if sym == nil {
		return
	}
	pop := c.popNamed(sym.Name)
	if pop == nil {
		return
	}
	param := pop.Type.Var(d.Target.Parts[1])
	switch {
	case param == nil:
		c.diags.Errorf(pos, "%s has no parameter %s", pop.Type.describe(), d.Target.Parts[1])
		return
	case param.Kind != SymParam:
		c.diags.Hintf(pos, "declare an input parameter, e.g. param i_ext: nA = 0 nA, and add it to the ODE",
			"a current drives a parameter; %s is %s", d.Target.Parts[1], an(param.Kind.String()))
		return
	}
	for _, other := range c.prog.Currents {
		if other.Target == pop && other.Param == param {
			c.diags.Errorf(pos, "%s is already driven by current %s at %s", joinDots(d.Target.Parts), other.Name, other.Pos)
			return
		}
	}
	ctx := &exprCtx{scope: indexScope(c.scopeAt(d.Pos), "i", "N"), what: "a current"}
	t := c.expr(ctx, d.Value)
	c.checkSetting(&Assign{Pos: d.Value.Pos, Value: d.Value}, param, t)
	c.prog.Currents = append(c.prog.Currents, &Current{Name: d.Name.Name, Pos: posOf(d.Name.Pos), Target: pop, Param: param, Decl: d})
}
