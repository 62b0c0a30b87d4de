package lang

import (
	"math"
)

// Scheduled code (spec/language.md 4.9): at TIME on TARGET { ... } and
// every PERIOD on TARGET { ... }.

// Schedule is checked scheduled code: the statements run on every
// element of a population, every synapse of a projection, or once for a
// global, in step First and, if Period is not 0, every Period steps
// after it.
type Schedule struct {
	Pos    Pos
	Every  bool
	First  int64
	Period int64
	// One of Pop, Proj and Global is set: the target.
	Pop    *Population
	Proj   *Projection
	Global *Body
	Decl   *ScheduleDecl
}

// Body is the type whose variables the statements reach by their plain
// names.
func (s *Schedule) Body() *Body {
	switch {
	case s.Pop != nil:
		return s.Pop.Type
	case s.Proj != nil:
		return s.Proj.Synapse
	}
	return s.Global
}

// checkSchedule checks scheduled code. It runs after the connects, so
// that a projection's name is known wherever it is declared.
func (c *checker) checkSchedule(d *ScheduleDecl) {
	every := d.Kind == "every"
	what := "at"
	if every {
		what = "every"
	}
	steps, ok := c.scheduleSteps(d, what)
	first, period := steps, int64(0)
	if every {
		first, period = 0, steps
	}
	c.scheduled(d, first, period, ok)
}

// scheduled checks the target and statements of scheduled code and, if
// ok (its times are), adds it to the program to run in step first and
// every period steps after it (once, where period is 0).
func (c *checker) scheduled(d *ScheduleDecl, first, period int64, ok bool) {
	s := &Schedule{Pos: posOf(d.Pos), Every: period > 0, First: first, Period: period, Decl: d}
	if in := c.scopeAt(d.Target.Pos).Lookup(d.Target.Name); in != nil && in.Kind == SymInput {
		// An input has no state; what changes over a run is a poisson
		// input's rate, which a phase sets (or rates with a period).
		c.diags.Hintf(posOf(d.Target.Pos), "a phase sets a poisson input's rate: phase NAME { duration = ...  on "+d.Target.Name+" { rate = ... } }, or give the input rates with a period",
			"%s is an input, not a population, projection or global", d.Target.Name)
		return
	}
	sym := c.lookupKind(d.Target, "population, projection or global", SymPopulation, SymProjection, SymGlobal)
	if sym == nil {
		return
	}
	switch sym.Kind {
	case SymPopulation:
		s.Pop = c.popNamed(sym.Name)
	case SymProjection:
		s.Proj, _ = c.netOf(sym.Name).(*Projection)
	case SymGlobal:
		s.Global = sym.Body
	}
	b := s.Body()
	if b == nil {
		return // its declaration has errors
	}
	// A population's code may read its neuron's index i; a synapse's i
	// and j would mean its pre and post neurons, which it cannot reach.
	scope := b.Scope
	if s.Pop != nil {
		scope = indexScope(b.Scope, "i")
	}
	ctx := &exprCtx{scope: scope, body: b, what: "scheduled code", random: true}
	if r := sideRef(d.Body); r != nil {
		c.diags.Hintf(posOf(r.Pos), "scheduled code on a projection reaches each synapse's own variables",
			"scheduled code cannot reach %s: it runs per element, without a pre or post side", joinDots(r.Parts))
		return
	}
	c.stmts(ctx, d.Body)
	c.scheduledTargets(ctx, d.Body)
	if ok {
		c.prog.Schedules = append(c.prog.Schedules, s)
	}
}

// scheduleSteps converts the time of at, or the period of every, to
// steps: round(T / dt), as the run's duration and the delays are. at must
// fall in the run (0 <= step < steps); every's period must be at least
// one step.
func (c *checker) scheduleSteps(d *ScheduleDecl, what string) (int64, bool) {
	ctx := &exprCtx{scope: c.scopeAt(d.Pos), what: "the time of " + what, constOnly: true}
	t := c.expr(ctx, d.When)
	if t.Kind == KindInvalid {
		return 0, false
	}
	pos := posOf(d.When.Pos)
	if t.Kind != KindReal || t.Dim != DimTime {
		c.diags.Errorf(pos, "%s needs a time, not %s", what, t)
		return 0, false
	}
	q, why := c.constValue(ctx.scope, d.When.X)
	if why != "" {
		c.diags.Hintf(pos, "scheduled times are fixed when the model is built", "%s needs a constant time: %s", what, why)
		return 0, false
	}
	run := c.prog.Run
	k := math.Round(q.Value / run.Dt)
	switch {
	case math.IsNaN(q.Value) || q.Value < 0:
		c.diags.Errorf(pos, "%s needs a time of 0 or more, not %g s", what, q.Value)
	case what == "every" && k < 1:
		c.diags.Hintf(pos, "the period is rounded to whole steps of dt", "every %g s is less than one step (dt = %g s)", q.Value, run.Dt)
	case what == "at" && k >= float64(run.Steps):
		c.diags.Hintf(pos, "the run ends at step round(duration / dt)", "at %g s is step %.0f, after the run's last step %d", q.Value, k, run.Steps-1)
	default:
		return int64(k), true
	}
	return 0, false
}

// sideRef returns the first pre.x or post.x that the statements name, or
// nil.
func sideRef(b *Block) *Ref {
	var found *Ref
	var expr func(e *Expr)
	ref := func(r *Ref) {
		if found == nil && r != nil && len(r.Parts) > 1 && (r.Parts[0] == "pre" || r.Parts[0] == "post") {
			found = r
		}
	}
	primary := func(p *Primary) {
		if p == nil {
			return
		}
		ref(p.Ref)
		if p.Call != nil {
			for _, a := range p.Call.Args {
				expr(a.Value)
			}
		}
		for _, x := range p.Paren {
			expr(x)
		}
		if p.List != nil {
			for _, x := range p.List.Elems {
				expr(x)
			}
		}
	}
	expr = func(e *Expr) {
		if e == nil {
			return
		}
		if e.First != nil {
			primary(e.First.Operand)
		}
		for _, op := range e.Rest {
			if op.Right != nil {
				primary(op.Right.Operand)
			}
		}
	}
	var block func(b *Block)
	block = func(b *Block) {
		for _, st := range b.Stmts {
			switch st := st.(type) {
			case *Assign:
				ref(&st.Target)
				expr(st.Value)
			case *If:
				for x := st; x != nil; {
					expr(x.Cond)
					block(x.Then)
					if x.Else == nil {
						break
					}
					if x.Else.Block != nil {
						block(x.Else.Block)
						break
					}
					x = x.Else.If
				}
			}
		}
	}
	block(b)
	return found
}

// scheduledTargets refuses what scheduled code may not assign beyond the
// rules of every event block (c.assign): a trace, which decays lazily
// from the time of the element's last event, and another element's
// variables (pre.x, post.x).
func (c *checker) scheduledTargets(ctx *exprCtx, b *Block) {
	for _, st := range b.Stmts {
		switch st := st.(type) {
		case *Assign:
			parts := st.Target.Parts
			if len(parts) > 1 && (parts[0] == "pre" || parts[0] == "post") {
				continue // reported as undefined: no pre and post here
			}
			if sym := ctx.body.Var(parts[len(parts)-1]); len(parts) == 1 && sym != nil && sym.Kind == SymTrace {
				c.diags.Hintf(posOf(st.Target.Pos), "declare it as state with an ODE if scheduled code must set it",
					"scheduled code cannot change trace %s: a trace decays lazily between its element's events", parts[0])
			}
		case *If:
			for x := st; x != nil; {
				c.scheduledTargets(ctx, x.Then)
				if x.Else == nil {
					break
				}
				if x.Else.Block != nil {
					c.scheduledTargets(ctx, x.Else.Block)
					break
				}
				x = x.Else.If
			}
		}
	}
}
