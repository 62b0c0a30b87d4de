package lang

import "math"

// A phase may set a poisson input's rate: on INPUT { rate = RATE }
// (spec/language.md 4.10). Inputs have no state for scheduled code to set,
// so the rates the phases set become the input's rates table over time
// (rates and period, 4.2), which every backend already runs: one row per
// gcd of the steps where the rate changes, computed here, when the model
// is checked.

// phaseInput checks a phase's block on an input and records the rate it
// sets from the phase's first step.
func (c *checker) phaseInput(p *PhaseDecl, on *PhaseOn, sym *Symbol, span [2]int64, ok bool) {
	in, _ := sym.Net.(*Input)
	if in == nil {
		return // its declaration has errors
	}
	if in.Kind != "poisson" || inputSetting(in, "rate") == nil {
		c.diags.Hintf(posOf(on.Target.Pos), "a phase sets the rate of a poisson input declared with rate = RATE; a rates table already changes over time",
			"phase %s cannot change input %s: only a poisson input's constant rate changes between phases", p.Name.Name, in.Name)
		return
	}
	var rate *Assign
	for _, st := range on.Body.Stmts {
		a, isAssign := st.(*Assign)
		switch {
		case !isAssign || joinDots(a.Target.Parts) != "rate" || a.Op != "=":
			c.diags.Hintf(posOf(st.stmtPos()), "write on "+in.Name+" { rate = RATE }",
				"a phase's block on input %s sets its rate and nothing else", in.Name)
			return
		case rate != nil:
			c.diags.Errorf(posOf(a.Pos), "second rate of input %s in phase %s", in.Name, p.Name.Name)
			return
		}
		rate = a
	}
	if rate == nil {
		c.diags.Hintf(posOf(on.Pos), "write on "+in.Name+" { rate = RATE }", "phase %s's block on input %s sets no rate", p.Name.Name, in.Name)
		return
	}
	ctx := &exprCtx{scope: indexScope(c.scopeAt(on.Pos), "i", "N"), what: "a poisson rate", constOnly: true}
	t := c.expr(ctx, rate.Value)
	switch {
	case t.Kind == KindInvalid:
		return
	case t.Kind != KindReal || t.Dim != DimFrequency && !isZero(rate.Value.X):
		c.diags.Errorf(exprPos(rate.Value), "rate must be %s, not %s", RealOf(DimFrequency), t)
		return
	}
	if _, why := c.sourceRate(ctx.scope, rate.Value.X, 0, in.Size); why != "" {
		c.diags.Errorf(exprPos(rate.Value), "a phase's rate must be a constant, known when the model is compiled: %s", why)
		return
	}
	if !ok {
		return // the phase's steps are unknown: reported
	}
	if n := len(in.Phases); n > 0 && in.Phases[n-1].Step == span[0] {
		c.diags.Errorf(posOf(on.Pos), "second block on input %s in phase %s", in.Name, p.Name.Name)
		return
	}
	in.Phases = append(in.Phases, PhaseRate{Step: span[0], Rate: rate.Value})
}

// inputSetting is the setting NAME of an input's declaration, or nil.
func inputSetting(in *Input, name string) *Assign {
	if in.Decl.Body == nil {
		return nil
	}
	for _, st := range in.Decl.Body.Stmts {
		if a, ok := st.(*Assign); ok && joinDots(a.Target.Parts) == name {
			return a
		}
	}
	return nil
}

// sourceRate evaluates a rate for source i of n: a constant of i, N and
// top-level parameters that are not runtime parameters.
func (c *checker) sourceRate(scope *Scope, x Node, i, n int) (float64, string) {
	q, why := constEval(x, func(ref *NameRef) (Constant, string) {
		if len(ref.Parts) == 1 {
			if sym := scope.Lookup(ref.Parts[0]); sym != nil && sym.index {
				switch sym.Name {
				case "i":
					return Constant{Value: float64(i), Dim: Dimensionless}, ""
				case "N":
					return Constant{Value: float64(n), Dim: Dimensionless}, ""
				}
			}
		}
		return c.constValue(scope, ref)
	})
	return q.Value, why
}

// phaseRateTables makes the rates table of each input whose rate phases
// set: the declaration's rate until the first phase that sets one, each
// phase's from its first step on, in rows of the gcd of those steps.
func (c *checker) phaseRateTables() {
	for _, in := range c.prog.Inputs {
		if len(in.Phases) == 0 {
			continue
		}
		base := inputSetting(in, "rate")
		scope := indexScope(c.scopeAt(in.Decl.Pos), "i", "N")
		var g int64
		for _, ph := range in.Phases {
			if ph.Step > 0 {
				g = gcdSteps(g, ph.Step)
			}
		}
		last := in.Phases[len(in.Phases)-1]
		if g == 0 {
			g = 1 // the only change is at step 0
		}
		rows := last.Step/g + 1
		// The values of each rate for every source, and whether they
		// differ between sources: if not, one column serves all.
		exprs := []*Expr{base.Value}
		for _, ph := range in.Phases {
			exprs = append(exprs, ph.Rate)
		}
		// A column per source if a rate reads i, one shared otherwise;
		// the size is checked before anything is evaluated.
		width := 1
		for _, e := range exprs {
			walkNode(e.X, func(m Node) {
				if ref, ok := m.(*NameRef); ok && len(ref.Parts) == 1 && ref.Parts[0] == "i" {
					width = in.Size
				}
			})
		}
		if rows > maxListLiteral || rows*int64(width) > maxListLiteral {
			c.diags.Hintf(exprPos(last.Rate), "the table has a row per gcd of the phases' starts; make the phases' durations multiples of a longer time",
				"input %s's rates over the phases need a table of %d rows of %d (a row per %d steps), more than the limit of %d values",
				in.Name, rows, width, g, int64(maxListLiteral))
			continue
		}
		vals := make([][]float64, len(exprs))
		bad := false
		for n, e := range exprs {
			vals[n] = make([]float64, width)
			for i := range width {
				v, why := c.sourceRate(scope, e.X, i, in.Size)
				switch {
				case why != "" && n == 0:
					c.diags.Hintf(exprPos(e), "phases change this input's rate, so every rate of it is known when the model is compiled",
						"input %s's rate must be a constant: %s", in.Name, why)
				case why != "":
				case !(v >= 0) || math.IsInf(v, 0):
					c.diags.Errorf(exprPos(e), "the rate of source %d of input %s is %g Hz; rates must be finite and non-negative", i, in.Name, v)
				default:
					vals[n][i] = v
					continue
				}
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		t := &RateTable{Width: width, PeriodSteps: g, Rates: make([]float64, 0, rows*int64(width))}
		cur, next := 0, 0 // the rate in force (0: the declaration's), the next phase's
		for r := range rows {
			for next < len(in.Phases) && in.Phases[next].Step <= r*g {
				next++
				cur = next
			}
			if width == 1 {
				t.Rates = append(t.Rates, vals[cur][0])
			} else {
				t.Rates = append(t.Rates, vals[cur]...)
			}
		}
		in.Table = t
	}
}

func gcdSteps(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
