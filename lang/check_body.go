// The checker, pass 2: the bodies of neuron, synapse and global types, and
// the top-level parameters (check.go's Check gives the order of the
// passes). resolveSym types a member from its declaration, on first use;
// checkBody checks a body's members, its equations (checkODE) and its
// blocks of statements (stmts, assign), which pass 3 (check_network.go)
// also uses for a global's on spike handlers; checkQuantize and
// checkRange check a variable's annotations. Expressions are checked in
// check_expr.go.

package lang

import (
	"fmt"
	"strings"
)

// resolveSym types a parameter, state, trace or definition from its
// declared unit and its initial expression. It runs lazily, the first time
// the name is used, and reports a definition that depends on itself.
func (c *checker) resolveSym(sym *Symbol) {
	if sym.resolved {
		return
	}
	vd, ok := c.pending[sym]
	if !ok {
		sym.resolved = true
		return
	}
	if sym.resolving {
		c.diags.Errorf(sym.Pos, "%s is defined in terms of itself", sym.Name)
		sym.Type, sym.resolved = invalidType, true
		return
	}
	sym.resolving = true
	defer func() { sym.resolving, sym.resolved = false, true }()
	defer c.checkRuntimeDim(sym)

	declared, haveUnit := Dim{}, false
	if vd.unit != nil {
		d, ok := c.unitType(vd.unit)
		if !ok {
			sym.Type = invalidType
			return
		}
		declared, haveUnit = d, true
	}
	sym.Type = RealOf(declared)
	if vd.init == nil {
		return
	}
	t := c.expr(vd.ctx, vd.init)
	switch {
	case t.Kind == KindInvalid:
		if !haveUnit {
			sym.Type = invalidType
		}
	case t.Kind == KindBool && sym.Kind == SymLet && !haveUnit:
		sym.Type = t
	case t.Kind != KindReal:
		c.diags.Errorf(exprPos(vd.init), "%s must be a number, not %s", sym.Name, t)
		sym.Type = invalidType
	case !haveUnit:
		sym.Type = t
	case t.Dim != declared && !isZero(vd.init.X):
		c.diags.Hintf(exprPos(vd.init), dimHint(declared, t.Dim), "%s is declared in %s but its value is %s",
			sym.Name, declared.Describe(), t.Dim.Describe())
	}
}

// checkBody checks the members of a neuron, synapse, global or dendrite.
func (c *checker) checkBody(b *Body) {
	// Segment counts first: reading a dendrite array depends on them.
	for _, d := range b.Dendrites {
		if dd := d.Decl.(*Dendrite); dd.Count != nil {
			d.IsArray = true
			ctx := &exprCtx{scope: b.Scope, body: b, what: "a segment count"}
			if n, ok := c.count(ctx, dd.Count, "the number of segments", MaxSegments); ok {
				d.Count = n
			}
		}
	}
	for _, list := range [][]*Symbol{b.Params, b.States, b.Traces, b.Lets} {
		for _, sym := range list {
			c.resolveSym(sym)
		}
	}
	for _, p := range b.Params {
		c.checkRange(p)
	}
	if b.Kind == GlobalBody {
		for _, p := range b.Params {
			if p.Decl.(*Param).Default == nil {
				c.diags.Errorf(p.Pos, "parameter %s of global %s needs a default value: nothing else can set it", p.Name, b.Name)
			}
		}
	}
	for _, t := range b.Traces {
		tr := t.Decl.(*Trace)
		ctx := &exprCtx{scope: b.Scope, body: b, what: "a trace's time constant", constOnly: true}
		c.wantDim(ctx, tr.Tau, DimTime, "a trace's time constant")
		c.nonNegative(ctx, tr.Tau, "a trace's time constant", true)
		if _, why := c.constValue(ctx.scope, tr.Tau.X); why != "" {
			if ref, ok := tr.Tau.X.(*NameRef); !ok || len(ref.Parts) != 1 || c.info.Uses[ref] == nil || c.info.Uses[ref].Owner != b {
				c.diags.Hintf(exprPos(tr.Tau), "declare a parameter for it: param tau_x: ms = ...", "a trace's time constant must be a constant or a parameter of %s", b.describe())
			}
		}
	}
	for _, m := range b.Members {
		if ode, ok := m.(*ODE); ok {
			c.checkODE(b, ode)
		}
	}
	if b.Threshold != nil {
		ctx := &exprCtx{scope: b.Scope, body: b, what: "a threshold"}
		if t := c.expr(ctx, b.Threshold.Cond); t.Kind != KindInvalid && t.Kind != KindBool {
			c.diags.Hintf(posOf(b.Threshold.Cond.Pos), "write a comparison, e.g. threshold v > v_t", "threshold must be a condition, not %s", t)
		}
	}
	if b.Reset != nil {
		if b.Threshold == nil {
			c.diags.Errorf(posOf(b.Reset.Pos), "reset without a threshold: %s never spikes", b.describe())
		}
		c.stmts(&exprCtx{scope: b.Scope, body: b, what: "a reset", random: true}, b.Reset.Body)
	}
	if b.Refractory != nil {
		if b.Threshold == nil {
			c.diags.Errorf(posOf(b.Refractory.Pos), "refractory without a threshold: %s never spikes", b.describe())
		}
		ctx := &exprCtx{scope: b.Scope, body: b, what: "a refractory period"}
		c.wantDim(ctx, b.Refractory.Period, DimTime, "the refractory period")
		c.nonNegative(ctx, b.Refractory.Period, "the refractory period", false)
	}
	if b.Delay != nil {
		// A type's delay is a constant or a parameter; per-synapse delays
		// are set in the connect.
		ctx := &exprCtx{scope: b.Scope, body: b, what: "a delay", constOnly: true}
		c.wantDim(ctx, b.Delay.Value, DimTime, "the delay")
		c.nonNegative(ctx, b.Delay.Value, "the delay", false)
	}
	for _, on := range []*On{b.OnPre, b.OnPost} {
		if on != nil {
			c.stmts(&exprCtx{scope: b.Scope, body: b, what: "an on-" + on.Event + " block", random: true, unknownPost: true}, on.Body)
		}
	}
	c.checkPathways(b)
	for _, d := range b.Dendrites {
		c.checkBody(d)
	}
}

func (c *checker) checkODE(b *Body, ode *ODE) {
	name := ode.Deriv.Name
	pos := posOf(ode.Deriv.Pos)
	if len(name) < 2 || name[0] != 'd' {
		c.diags.Hintf(pos, "write the derivative of v as dv/dt", "%s/dt is not a derivative", name)
		return
	}
	v := name[1:]
	sym := b.Scope.LookupLocal(v)
	switch {
	case sym == nil:
		if b.Kind == DendriteBody && b.Scope.Lookup(v) != nil {
			c.diags.Errorf(pos, "a dendrite's ODE must be for its own state; %s is not declared in dendrite %s", v, b.Name)
			return
		}
		for _, d := range b.Dendrites {
			if d.Var(v) != nil {
				c.diags.Hintf(pos, "write the ODE inside dendrite "+d.Name, "d%s/dt: %s belongs to dendrite %s, not to %s", v, v, d.Name, b.describe())
				return
			}
		}
		c.diags.Hintf(pos, "declare it: state "+v+": UNIT", "d%s/dt: %s is not a state variable of %s", v, v, b.describe())
		return
	case sym.Kind == SymTrace:
		c.diags.Errorf(pos, "%s is a trace: it decays by itself and cannot also have an ODE", v)
		return
	case sym.Kind != SymState:
		c.diags.Errorf(pos, "d%s/dt: %s is %s; only state variables have ODEs", v, v, an(sym.Kind.String()))
		return
	}
	if prev, dup := b.ODEs[sym]; dup {
		c.diags.Errorf(pos, "second ODE for %s; the first is at %s", v, posOf(prev.Pos))
		return
	}
	b.ODEs[sym] = ode
	if ode.Unless {
		neuron := b
		if b.Kind == DendriteBody {
			neuron = b.Parent
		}
		switch {
		case b.Kind == SynapseBody || b.Kind == GlobalBody:
			c.diags.Errorf(posOf(ode.Pos), "unless refractory applies to neurons, not to a %s", b.Kind)
		case neuron.Refractory == nil:
			c.diags.Hintf(posOf(ode.Pos), "add a refractory period, e.g. refractory 2 ms", "unless refractory, but %s has no refractory period", neuron.describe())
		}
	}
	ctx := &exprCtx{scope: b.Scope, body: b, what: "an ODE", unknownPost: b.Kind == SynapseBody, noise: true}
	c.checkODERHS(ctx, sym, ode)
}

// checkODERHS checks that the right side of dX/dt has the dimension of X per
// second. Synapse ODEs are checked again for each projection, when pre.x
// and post.x can be resolved.
func (c *checker) checkODERHS(ctx *exprCtx, sym *Symbol, ode *ODE) {
	t := c.expr(ctx, ode.RHS)
	if t.Kind == KindInvalid || sym.Type.Kind != KindReal {
		return
	}
	c.checkNoiseLinear(ode.RHS.X)
	v := sym.Name
	if t.Kind != KindReal {
		c.diags.Errorf(posOf(ode.RHS.Pos), "the right side of d%s/dt must be a number, not %s", v, t)
		return
	}
	want := sym.Type.Dim.Div(DimTime)
	if t.Dim != want && !isZero(ode.RHS.X) {
		hint := dimHint(want, t.Dim)
		switch t.Dim {
		case sym.Type.Dim:
			hint = "divide by a time constant"
		case want.Div(DimTime):
			hint = "there is one division by a time too many"
		}
		c.diags.Hintf(posOf(ode.RHS.Pos), hint, "d%s/dt must be %s (%s per second), but the right side is %s",
			v, want.Describe(), sym.Type.Dim, t.Dim.Describe())
	}
}

// wantDim checks that e is a number of dimension d.
func (c *checker) wantDim(ctx *exprCtx, e *Expr, d Dim, what string) {
	t := c.expr(ctx, e)
	if t.Kind == KindInvalid {
		return
	}
	if t.Kind != KindReal || t.Dim != d && !isZero(e.X) {
		c.diags.Errorf(exprPos(e), "%s must be %s, not %s", what, RealOf(d), t)
	}
}

// stmts checks a block of statements.
func (c *checker) stmts(ctx *exprCtx, b *Block) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *Assign:
			c.assign(ctx, s)
		case *If:
			for s != nil {
				if t := c.expr(ctx, s.Cond); t.Kind != KindInvalid && t.Kind != KindBool {
					c.diags.Errorf(posOf(s.Cond.Pos), "if needs a condition, not %s", t)
				}
				c.stmts(ctx, s.Then)
				if s.Else == nil {
					break
				}
				if s.Else.Block != nil {
					c.stmts(ctx, s.Else.Block)
					break
				}
				s = s.Else.If
			}
		}
	}
}

// assign checks an assignment in a reset or an event block: the target must
// be a state variable or trace the block may change.
func (c *checker) assign(ctx *exprCtx, s *Assign) {
	ref := &NameRef{At: posOf(s.Target.Pos), Parts: s.Target.Parts}
	lctx := *ctx
	lctx.lvalue = true
	target := c.name(&lctx, ref)
	value := c.expr(ctx, s.Value)
	if ctx.unknownPost && (ref.Parts[0] == "pre" || ref.Parts[0] == "post") && ctx.body.Kind == SynapseBody {
		return // checked per projection
	}
	if !c.assignable(ctx, ref) || target.Kind == KindInvalid || value.Kind == KindInvalid {
		return
	}
	if value.Kind != KindReal || target.Kind != KindReal {
		c.diags.Errorf(posOf(s.Value.Pos), "cannot assign %s to %s", value, ref.Dotted())
		return
	}
	switch s.Op {
	case "=", "+=", "-=":
		if value.Dim != target.Dim && !isZero(s.Value.X) {
			verb := map[string]string{"=": "assign", "+=": "add", "-=": "subtract"}[s.Op]
			prep := map[string]string{"=": "to", "+=": "to", "-=": "from"}[s.Op]
			c.diags.Hintf(posOf(s.Value.Pos), dimHint(target.Dim, value.Dim), "cannot %s %s %s %s, which is %s",
				verb, value.Dim.Describe(), prep, ref.Dotted(), target.Dim.Describe())
		}
	case "*=", "/=":
		if !value.Dim.IsDimensionless() {
			c.diags.Errorf(posOf(s.Value.Pos), "%s %s needs a dimensionless factor, not %s", ref.Dotted(), s.Op, value.Dim.Describe())
		}
	}
}

// assignable reports whether the block of ctx may change the variable ref
// names, and says why not.
func (c *checker) assignable(ctx *exprCtx, ref *NameRef) bool {
	pos := ref.At
	if len(ref.Parts) == 1 && (ref.Parts[0] == "pre" || ref.Parts[0] == "post") {
		return false // reported as undefined
	}
	if ref.Parts[0] == "pre" && ctx.body.Kind == SynapseBody {
		c.diags.Errorf(pos, "a synapse cannot change %s; it may change its own state and post.*", ref.Dotted())
		return false
	}
	if ref.Parts[0] == "post" && ctx.body.Kind == SynapseBody {
		return c.writableOnSide(ctx, ref)
	}
	sym := c.info.Uses[ref]
	if sym == nil {
		return false
	}
	switch sym.Kind {
	case SymState, SymTrace:
	case SymParam:
		c.diags.Hintf(pos, "declare it as state if it changes", "cannot assign to parameter %s", ref.Dotted())
		return false
	case SymLet:
		c.diags.Errorf(pos, "cannot assign to %s: it is a definition, computed from its expression", ref.Dotted())
		return false
	default:
		c.diags.Errorf(pos, "cannot assign to %s %s", sym.Kind, ref.Dotted())
		return false
	}
	// A block changes its own body's variables, and a neuron's reset may
	// also change its dendrites'.
	if sym.Owner == ctx.body || sym.Owner != nil && sym.Owner.Parent == ctx.body {
		c.noteWrite(sym, pos)
		return true
	}
	c.diags.Errorf(pos, "%s cannot change %s, which belongs to %s", describeCtx(ctx), ref.Dotted(), sym.Owner.describe())
	return false
}

func describeCtx(ctx *exprCtx) string {
	return fmt.Sprintf("%s of %s", strings.TrimPrefix(strings.TrimPrefix(ctx.what, "an "), "a "), ctx.body.describe())
}

// writableOnSide checks a synapse's write to post.x once the post type is
// known; prePost has already resolved the name.
func (c *checker) writableOnSide(ctx *exprCtx, ref *NameRef) bool {
	b := ctx.post
	for _, p := range ref.Parts[1 : len(ref.Parts)-1] {
		if b = b.Dendrite(p); b == nil || b.IsArray {
			return false
		}
	}
	last := ref.Parts[len(ref.Parts)-1]
	sym := b.Var(last)
	if sym == nil && len(ref.Parts) == 2 && b.Kind == DendriteBody {
		b = b.Parent
		sym = b.Var(last)
	}
	if sym == nil {
		return false
	}
	if sym.Kind != SymState && sym.Kind != SymTrace {
		c.onceErrorf(ref.At, "cannot assign to %s: it is %s of %s", ref.Dotted(), an(sym.Kind.String()), b.describe())
		return false
	}
	c.noteWrite(sym, ref.At)
	return true
}

// QuantizeWidths are the widths a variable's quantize annotation (and
// snnc's --quantize) may name, in bits.
var QuantizeWidths = map[string]int{"int8": 8, "int16": 16, "int32": 32}

// checkQuantize checks a variable's quantize annotation, if any.
func (c *checker) checkQuantize(q *Ident) {
	if q != nil && QuantizeWidths[q.Name] == 0 {
		c.diags.Errorf(posOf(q.Pos), "quantize %s: the widths are int8, int16 and int32", q.Name)
	}
}

// checkRange checks a parameter's stated range, in [lo, hi]: only a
// runtime parameter has one (the others are fixed when the model is
// built), its bounds are constants of the parameter's dimension, lo <= hi,
// and a constant default lies in it. It records the range on the symbol.
func (c *checker) checkRange(sym *Symbol) {
	d, _ := sym.Decl.(*Param)
	vd, ok := c.pending[sym]
	if d == nil || d.Range == nil || !ok {
		return
	}
	at := posOf(d.Range.Pos)
	if !d.Runtime {
		c.diags.Hintf(at, "write runtime param "+d.Name.Name+", or leave the range out",
			"only a runtime parameter has a range: %s is fixed when the model is built", d.Name.Name)
		return
	}
	if sym.Type.Kind != KindReal {
		return // reported
	}
	ctx := *vd.ctx
	ctx.what = "a parameter's range"
	var bounds [2]float64
	for n, e := range []*Expr{d.Range.Lo, d.Range.Hi} {
		t := c.expr(&ctx, e)
		switch {
		case t.Kind == KindInvalid:
			return
		case t.Kind != KindReal:
			c.diags.Errorf(exprPos(e), "the range of %s must be numbers, not %s", sym.Name, t)
			return
		case t.Dim != sym.Type.Dim && !isZero(e.X):
			c.diags.Hintf(exprPos(e), dimHint(sym.Type.Dim, t.Dim), "%s is in %s but its range is in %s",
				sym.Name, sym.Type.Dim.Describe(), t.Dim.Describe())
			return
		}
		q, why := c.constValue(ctx.scope, e.X)
		if why != "" {
			c.diags.Errorf(exprPos(e), "the range of %s must be a constant: %s", sym.Name, why)
			return
		}
		bounds[n] = q.Value
	}
	if !(bounds[0] <= bounds[1]) {
		c.diags.Hintf(at, "write the lower bound first", "the range of %s is empty: its lower bound is above its upper bound", sym.Name)
		return
	}
	if d.Default != nil {
		if q, why := c.constValue(ctx.scope, d.Default.X); why == "" && !(q.Value >= bounds[0] && q.Value <= bounds[1]) {
			c.diags.Errorf(exprPos(d.Default), "the default of %s is outside its range", sym.Name)
			return
		}
	}
	sym.Range = &bounds
}
