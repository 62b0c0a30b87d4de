package lang

// Summed variables (spec/language.md section 3.6): a synapse member
//
//	summed post.i_gap = w * (pre.v - post.v)
//
// makes the post neuron's state variable i_gap the sum, over the synapses
// onto it, of the expression (summed pre.x: over the synapses from it), computed every step from the state after
// the step's deliveries (section 6, step 4a) and held over the step's
// integration. The target belongs to the sum: nothing else may change it
// (no ODE, no assignment), so that its value is always the sum.

// checkSummed checks one summed member of a synapse type against the
// populations of one projection (ctx from projectionCtx).
func (c *checker) checkSummed(ctx *exprCtx, s *Summed) {
	ctx.what = "a summed variable"
	t := c.expr(ctx, s.Value)
	pos := posOf(s.Target.Pos)
	parts := s.Target.Parts
	if len(parts) != 2 || parts[0] != "post" && parts[0] != "pre" {
		c.onceHintf(pos, "write summed post.NAME = EXPR (or pre.NAME), NAME a state variable of that side's neuron type",
			"summed %s: the target of a summed variable is post.NAME or pre.NAME", joinDots(parts))
		return
	}
	side := ctx.post
	if parts[0] == "pre" {
		side = ctx.pre
		if side == nil {
			c.onceErrorf(pos, "summed %s: the pre side of the connect at %s is an input, which has no variables", joinDots(parts), ctx.prePos)
			return
		}
	}
	post := side
	if post == nil {
		return
	}
	if post.Kind == DendriteBody {
		c.onceErrorf(pos, "summed %s: the connect at %s targets dendrite %s; a summed variable targets a neuron's soma", joinDots(parts), ctx.prePos, post.Name)
		return
	}
	sym := post.Var(parts[1])
	if sym == nil {
		c.onceErrorf(pos, "summed %s: %s (the %s side of the connect at %s) has no variable %s", joinDots(parts), post.describe(), parts[0], ctx.prePos, parts[1])
		return
	}
	if sym.Kind != SymState {
		c.onceHintf(pos, "declare it as state NAME: UNIT in "+post.describe(), "summed %s: %s is %s of %s; a summed variable's target is a state variable",
			joinDots(parts), parts[1], an(sym.Kind.String()), post.describe())
		return
	}
	c.resolveSym(sym)
	if t.Kind == KindInvalid || sym.Type.Kind == KindInvalid {
		return
	}
	if t.Kind != KindReal {
		c.onceErrorf(posOf(s.Value.Pos), "summed %s: the value is %s, not a number", joinDots(parts), t)
		return
	}
	if t.Dim != sym.Type.Dim && !isZero(s.Value.X) {
		c.onceHintf(posOf(s.Value.Pos), dimHint(sym.Type.Dim, t.Dim), "summed %s: the value is %s but %s is %s",
			joinDots(parts), t.Dim.Describe(), parts[1], sym.Type.Dim.Describe())
	}
	if c.summed == nil {
		c.summed = map[*Symbol]*Summed{}
	}
	if _, ok := c.summed[sym]; !ok {
		c.summed[sym] = s
	}
}

// onceHintf is onceErrorf with a hint.
func (c *checker) onceHintf(pos Pos, hint, format string, args ...any) {
	if c.reportedAt[pos] {
		return
	}
	c.reportedAt[pos] = true
	c.diags.Hintf(pos, hint, format, args...)
}

// noteWrite records that a statement at pos assigns sym.
func (c *checker) noteWrite(sym *Symbol, pos Pos) {
	if c.writes == nil {
		c.writes = map[*Symbol][]Pos{}
	}
	c.writes[sym] = append(c.writes[sym], pos)
}

// checkSummedTargets reports an ODE or an assignment of a variable that a
// summed member sets: its value is the sum, recomputed every step.
func (c *checker) checkSummedTargets() {
	for sym, s := range c.summed {
		at := posOf(s.Pos)
		if b := sym.Owner; b != nil {
			if ode := b.ODEs[sym]; ode != nil {
				c.onceHintf(posOf(ode.Pos), "remove the ODE, or sum into another variable and use it in this one",
					"%s has an ODE but is the target of the summed variable at %s, which sets it every step", sym.Name, at)
			}
		}
		for _, pos := range c.writes[sym] {
			c.onceHintf(pos, "a summed variable is set only by its sum",
				"cannot assign to %s: it is the target of the summed variable at %s, which sets it every step", sym.Name, at)
		}
	}
}
