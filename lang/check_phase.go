package lang

import (
	"math"
	"strings"
)

// The protocol's phases (spec/language.md 4.10): phase NAME { duration =
// T  record = [MONITORS]  on TARGET { ... } }. A phase is lowered to what
// the rest of the language has: its code on targets is scheduled code at
// its first step, and a monitor it records records in a window of steps.

// checkPhaseTimes places the phases one after the other from step 0 and
// makes the run's duration their sum. It runs after the run block, before
// anything reads the run's steps.
func (c *checker) checkPhaseTimes(decls []Decl, run *RunDecl) {
	c.phases = map[*PhaseDecl][2]int64{}
	var start int64
	var total float64
	names := map[string]*PhaseDecl{}
	var first *PhaseDecl
	for _, d := range decls {
		p, ok := d.(*PhaseDecl)
		if !ok {
			continue
		}
		if first == nil {
			first = p
		}
		if other := names[p.Name.Name]; other != nil {
			c.diags.Errorf(posOf(p.Name.Pos), "second phase %s; the first is at %s", p.Name.Name, posOf(other.Name.Pos))
		}
		names[p.Name.Name] = p
		var dur *Assign
		for _, it := range p.Items {
			a := it.Setting
			if a == nil {
				continue
			}
			name := joinDots(a.Target.Parts)
			switch {
			case name != "duration" && name != "record" || a.Op != "=":
				c.diags.Hintf(posOf(a.Pos), "a phase has duration = TIME, record = [MONITORS] and on TARGET { ... } blocks",
					"%s %s is not a phase setting", name, a.Op)
			case name == "duration" && dur != nil:
				c.diags.Errorf(posOf(a.Pos), "second duration of phase %s", p.Name.Name)
			case name == "duration":
				dur = a
			}
		}
		if dur == nil {
			c.diags.Hintf(posOf(p.Name.Pos), "add duration = TIME", "phase %s has no duration", p.Name.Name)
			continue
		}
		ctx := &exprCtx{scope: c.scopeAt(p.Pos), what: "a phase's duration", constOnly: true}
		c.wantDim(ctx, dur.Value, DimTime, "duration")
		q, why := c.constValue(ctx.scope, dur.Value.X)
		steps := math.Round(q.Value / c.prog.Run.Dt)
		switch {
		case why != "":
			c.diags.Errorf(exprPos(dur.Value), "a phase's duration must be a constant: %s", why)
			continue
		case !(steps >= 1) || math.IsInf(q.Value, 0):
			c.diags.Hintf(exprPos(dur.Value), "a phase lasts round(duration / dt) steps, at least one",
				"phase %s lasts %g s, less than one step", p.Name.Name, q.Value)
			continue
		}
		c.phases[p] = [2]int64{start, start + int64(steps)}
		start += int64(steps)
		total += q.Value
	}
	if first == nil {
		return
	}
	if run != nil {
		for _, st := range run.Body.Stmts {
			if a, ok := st.(*Assign); ok && joinDots(a.Target.Parts) == "duration" {
				c.diags.Hintf(posOf(a.Pos), "remove it, or the phases", "the run's duration is the sum of its phases' (phase %s at %s)",
					first.Name.Name, posOf(first.Pos))
			}
		}
	}
	if start > maxSteps {
		c.diags.Errorf(posOf(first.Pos), "the phases have %d steps, more than the limit of %d", start, int64(maxSteps))
		return
	}
	if start > 0 {
		c.prog.Run.Duration, c.prog.Run.Steps = total, start
	}
}

// checkPhase checks a phase's code on targets, run in its first step, and
// the monitors it records, which record only in the phases that name them.
func (c *checker) checkPhase(p *PhaseDecl) {
	span, ok := c.phases[p]
	for _, it := range p.Items {
		if it.On != nil {
			if sym := c.scopeAt(it.On.Target.Pos).Lookup(it.On.Target.Name); sym != nil && sym.Kind == SymInput {
				c.phaseInput(p, it.On, sym, span, ok)
				continue
			}
			d := &ScheduleDecl{Pos: it.On.Pos, Kind: "at", Target: it.On.Target, Body: it.On.Body}
			c.scheduled(d, span[0], 0, ok)
			continue
		}
		if a := it.Setting; a != nil && joinDots(a.Target.Parts) == "record" && a.Op == "=" {
			c.phaseRecords(p, a, span, ok)
		}
	}
}

// phaseRecords gives each monitor that a phase's record names the window
// of the phases that name it; they must follow one another.
func (c *checker) phaseRecords(p *PhaseDecl, a *Assign, span [2]int64, ok bool) {
	var list *List
	if e := a.Value; e != nil && len(e.Rest) == 0 && e.First != nil && len(e.First.Ops) == 0 && e.First.Operand != nil {
		list = e.First.Operand.List
	}
	if list == nil {
		c.diags.Hintf(posOf(a.Value.Pos), "write record = [NAME, ...] with the monitors' names (monitor NAME: ...)",
			"record needs a list of monitors")
		return
	}
	for _, el := range list.Elems {
		var ref *Ref
		if len(el.Rest) == 0 && el.First != nil && len(el.First.Ops) == 0 && el.First.Operand != nil {
			ref = el.First.Operand.Ref
		}
		if ref == nil || len(ref.Parts) != 1 {
			c.diags.Errorf(posOf(el.Pos), "record names monitors, not expressions")
			continue
		}
		mon := c.monitors[ref.Parts[0]]
		if mon == nil {
			c.diags.Hintf(posOf(ref.Pos), "the monitors are "+strings.Join(sortedKeys(c.monitors), ", "), "undefined monitor %s", ref.Parts[0])
			continue
		}
		if !ok {
			continue
		}
		switch w := mon.Window; {
		case w == [2]int64{}:
			mon.Window = span
		case w[1] == span[0]:
			mon.Window[1] = span[1]
		case w[0] <= span[0] && span[1] <= w[1]:
			c.diags.Errorf(posOf(ref.Pos), "phase %s names monitor %s twice", p.Name.Name, ref.Parts[0])
		default:
			c.diags.Hintf(posOf(ref.Pos), "a monitor records in one run of phases; declare a second monitor for the later ones",
				"monitor %s would record in phase %s after a phase that does not name it", ref.Parts[0], p.Name.Name)
		}
	}
}
