// The checker's part for the synapses a connect makes beyond its rule
// (spec/language.md 4.3, "Conditions, probabilities and generators"): a
// condition after 'where', a fixed_probability whose p depends on the pair,
// and the generator rule generate(j = EXPR for k in range(...) if COND).
// They are evaluated while the network is built, before any synapse
// exists, so they read what is known then: i, j, N_pre, N_post, top-level
// parameters and the two neurons' initial values (pre.x, post.x).

package lang

import "math"

// connExprs are a projection's condition, probability and generator, as
// checked; lowering makes them the connect.* kernels (ir/connect.go).
type connExprs struct {
	where Node // the condition (where, or a generator's if), or nil
	prob  Node // fixed_probability's p where it depends on the pair, or nil
	// The generator: for pre neuron i, j = value for k = lo, lo+step, ...
	// below hi.
	gen           *GenRule
	lo, hi, value Node
	step          int
	k             *Symbol
	skip          bool
}

// pairNames are the names that make an expression depend on the pair.
var pairNames = map[string]bool{"i": true, "j": true, "N_pre": true, "N_post": true, "pre": true, "post": true}

// usesPair says whether n reads i, j, the sizes, pre.x or post.x: a
// fixed_probability p that does is evaluated per pair.
func usesPair(n Node) bool {
	found := false
	walkNode(n, func(x Node) {
		if r, ok := x.(*NameRef); ok && pairNames[r.Parts[0]] {
			found = true
		}
	})
	return found
}

// usesPost says whether n reads post.x: a generator's bounds and index
// come before the post neuron is known.
func usesPost(n Node) (Pos, bool) {
	var at Pos
	found := false
	walkNode(n, func(x Node) {
		if r, ok := x.(*NameRef); ok && r.Parts[0] == "post" && len(r.Parts) > 1 && !found {
			at, found = r.At, true
		}
	})
	return at, found
}

// synapseNames reports a read of one of the synapse type's own members
// (the synapses do not exist while the condition is evaluated) and of a
// neuron's definition, pre.e or post.e (computed in steps, from state
// that is not yet set).
func (c *checker) synapseNames(sb *Body, n Node, what string) bool {
	ok := true
	walkNode(n, func(x Node) {
		r, isRef := x.(*NameRef)
		if isRef && len(r.Parts) == 2 && (r.Parts[0] == "pre" || r.Parts[0] == "post") {
			if side := c.connSides[r.Parts[0]]; side != nil {
				if v := side.Var(r.Parts[1]); v != nil && v.Kind == SymLet {
					c.diags.Hintf(r.At, "read the state or parameters the definition is made of",
						"%s cannot depend on the definition %s: it is evaluated before the first step", what, r.Dotted())
					ok = false
				}
			}
			return
		}
		if !isRef || len(r.Parts) != 1 || pairNames[r.Parts[0]] {
			return
		}
		if v := sb.Var(r.Parts[0]); v != nil {
			c.diags.Hintf(r.At, "it may read i, j, N_pre, N_post, top-level parameters, pre.x and post.x",
				"%s cannot read %s, %s of %s: it is evaluated before the synapses exist", what, r.Parts[0], an(v.Kind.String()), sb.Name)
			ok = false
		}
	})
	return ok
}

// checkConnectExprs checks a connect's condition, probability expression
// and generator against its projection's two sides and synapse type.
func (c *checker) checkConnectExprs(d *ConnectDecl, proj *Projection, sb *Body) {
	cx := proj.conn
	if d.Where == nil && d.Gen == nil && (cx == nil || cx.prob == nil) {
		return
	}
	if cx == nil {
		cx = &connExprs{}
		proj.conn = cx
	}
	side := c.projectionCtx(sb, proj)
	c.connSides = map[string]*Body{"pre": side.pre, "post": side.post}
	pairCtx := func(what string, names ...string) *exprCtx {
		ctx := c.projectionCtx(sb, proj)
		ctx.scope = indexScope(c.scopeAt(d.Pos), names...)
		ctx.what, ctx.initial = what, true
		return ctx
	}
	boolean := func(x Node, what string) {
		ctx := pairCtx(what, "i", "j", "N_pre", "N_post")
		if !c.synapseNames(sb, x, what) {
			return
		}
		if t := c.node(ctx, x); t.Kind != KindInvalid && t.Kind != KindBool {
			c.diags.Hintf(x.Pos(), "compare, e.g. i != j or abs(i - j) < 10", "%s must be true or false, not %s", what, t)
		}
	}
	if cx.prob != nil {
		const what = "a connection probability"
		ctx := pairCtx(what, "i", "j", "N_pre", "N_post")
		if c.synapseNames(sb, cx.prob, what) {
			if t := c.node(ctx, cx.prob); t.Kind != KindInvalid && (t.Kind != KindReal || !t.Dim.IsDimensionless()) {
				c.diags.Errorf(cx.prob.Pos(), "p must be a dimensionless probability, not %s", t)
			}
		}
	}
	if g := d.Gen; g != nil {
		c.checkGenerator(d, proj, sb, cx, pairCtx)
		if g.If != nil && d.Where != nil {
			c.diags.Hintf(posOf(d.Where.Pos), "join the two conditions with and", "this generator has a condition already (its if)")
		} else if g.If != nil {
			cx.where = c.conv.expr(g.If)
		}
	}
	if d.Where != nil {
		x := c.conv.expr(d.Where)
		switch proj.Rule {
		case "all_to_all", "fixed_probability", "generate":
			cx.where = x
		default:
			c.diags.Hintf(posOf(d.Where.Pos), "use all_to_all, fixed_probability(p) or generate(...) with a condition",
				"a condition (where) applies to all_to_all, fixed_probability and generate, not %s", proj.Rule)
			return
		}
	}
	if cx.where != nil {
		boolean(cx.where, "a connection condition")
	}
}

// checkGenerator checks generate(j = VALUE for K in range(ARGS) [if COND]
// [, skip_if_invalid = B]).
func (c *checker) checkGenerator(d *ConnectDecl, proj *Projection, sb *Body, cx *connExprs, pairCtx func(string, ...string) *exprCtx) {
	g := d.Gen
	cx.gen, cx.skip, cx.step = g, g.Skip == "true", 1
	if g.Var.Name != "j" {
		c.diags.Hintf(posOf(g.Var.Pos), "write generate(j = EXPR for k in range(lo, hi))",
			"generate makes the post index j of each pre neuron i; %s = ... is not supported", g.Var.Name)
		return
	}
	if pairNames[g.K.Name] || g.K.Name == "N" {
		c.diags.Hintf(posOf(g.K.Pos), "call it k", "the generator's variable cannot be called %s", g.K.Name)
		return
	}
	if g.Range.Name != "range" {
		c.diags.Hintf(posOf(g.Range.Pos), "write range(lo, hi) or range(lo, hi, step)", "a generator runs k over range(...), not %s(...)", g.Range.Name)
		return
	}
	if len(g.Args) > 3 {
		c.diags.Errorf(posOf(g.Args[3].Pos), "range takes at most 3 arguments: lo, hi and step")
		return
	}
	// The bounds are per pre neuron: they may read i and pre.x, not j.
	bound := func(e *Expr, what string) Node {
		x := c.conv.expr(e)
		ctx := pairCtx(what, "i", "N_pre", "N_post")
		if at, ok := usesPost(x); ok {
			c.diags.Errorf(at, "%s cannot read post: it is evaluated for each pre neuron, before j is known", what)
			return x
		}
		if !c.synapseNames(sb, x, what) {
			return x
		}
		if t := c.node(ctx, x); t.Kind != KindInvalid && (t.Kind != KindReal || !t.Dim.IsDimensionless()) {
			c.diags.Errorf(x.Pos(), "%s must be a dimensionless whole number, not %s", what, t)
		}
		return x
	}
	switch len(g.Args) {
	case 1:
		cx.lo, cx.hi = &NumberLit{At: posOf(g.Args[0].Pos)}, bound(g.Args[0], "the generator's bound")
	default:
		cx.lo = bound(g.Args[0], "the generator's first k")
		cx.hi = bound(g.Args[1], "the generator's bound")
	}
	if len(g.Args) == 3 {
		ctx := pairCtx("the generator's step")
		step, ok := c.count(ctx, g.Args[2], "the generator's step", math.MaxInt32)
		if !ok {
			return
		}
		cx.step = step
	}
	// The index: per pre neuron and k; k is a whole number.
	cx.k = &Symbol{Kind: SymBuiltin, Name: g.K.Name, Type: RealOf(Dimensionless), index: true}
	const what = "the generator's j"
	ctx := pairCtx(what, "i", "N_pre", "N_post")
	ctx.scope.insert(cx.k)
	x := c.conv.expr(g.Value)
	cx.value = x
	if at, ok := usesPost(x); ok {
		c.diags.Errorf(at, "%s cannot read post: it says which post neuron", what)
		return
	}
	if !c.synapseNames(sb, x, what) {
		return
	}
	if t := c.node(ctx, x); t.Kind != KindInvalid && (t.Kind != KindReal || !t.Dim.IsDimensionless()) {
		c.diags.Errorf(x.Pos(), "%s must be a dimensionless index, not %s", what, t)
	}
}
