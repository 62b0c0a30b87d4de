// The checker, pass 3: the network (Check, check.go, runs passes 1 and 2
// on the declarations and the bodies first). Its steps, in this order:
//
//  1. checkRun, here: the run block, before anything that reads its dt;
//  2. checkPopulation and checkInput, in source order (check_population.go),
//     then checkSubgroup (check_slice.go): the views of them;
//  3. checkConnect, checkCurrent (check_connect.go) and checkMonitor
//     (check_monitor.go), in source order, each finding the populations
//     and inputs it names checked;
//  4. checkGlobalEvents, here: each global's on spike handlers;
//  5. checkSynapseFor (check_connect.go): each synapse type against the
//     projections that use it;
//
// then the run block's prune_weight and the order of initialisation
// (initorder.go). This file also holds what the steps share: constant
// evaluation, counts, settings, indices and name lookup.

package lang

import (
	"fmt"
	"math"
	"sort"
)

// constValue evaluates n, which has been type-checked, if it is a constant:
// numbers, units, pi and top-level non-runtime parameters, combined with
// arithmetic and the deterministic math functions. why says what stops it
// otherwise.
func (c *checker) constValue(scope *Scope, n Node) (Constant, string) {
	return constEval(n, func(ref *NameRef) (q Constant, why string) {
		if len(ref.Parts) != 1 {
			return q, ref.Dotted() + " is not a constant"
		}
		sym := scope.Lookup(ref.Parts[0])
		if sym == nil {
			if u, ok := units[ref.Parts[0]]; ok {
				return Constant{Value: u.Scale, Dim: u.Dim}, ""
			}
			return q, "undefined " + ref.Parts[0]
		}
		switch {
		case sym.Name == "pi" && sym.Kind == SymBuiltin:
			return Constant{Value: math.Pi}, ""
		case sym.Kind == SymParam && sym.Owner == nil && !sym.Runtime:
			if sym.resolving {
				return q, sym.Name + " is defined in terms of itself"
			}
			d := sym.Decl.(*Param)
			if d.Default == nil || d.Default.X == nil {
				return q, sym.Name + " has no value"
			}
			sym.resolving = true
			defer func() { sym.resolving = false }()
			return c.constValue(c.scopeAt(d.Pos), d.Default.X)
		case sym.Kind == SymParam && sym.Runtime:
			return q, sym.Name + " is a runtime parameter, which can change between runs"
		case sym.Kind == SymParam:
			return q, fmt.Sprintf("%s is a parameter of %s, which populations may override; use a top-level param", sym.Name, sym.Owner.describe())
		}
		return q, fmt.Sprintf("%s is %s", sym.Name, an(sym.Kind.String()))
	})
}

// count evaluates a size or count: a constant positive integer no larger
// than limit.
func (c *checker) count(ctx *exprCtx, e *Expr, what string, limit int) (int, bool) {
	t := c.expr(ctx, e)
	if t.Kind == KindInvalid {
		return 0, false
	}
	if t.Kind != KindReal || !t.Dim.IsDimensionless() {
		c.diags.Errorf(exprPos(e), "%s must be a dimensionless number, not %s", what, t)
		return 0, false
	}
	q, why := c.constValue(ctx.scope, e.X)
	if why != "" {
		c.diags.Errorf(exprPos(e), "%s must be a constant: %s", what, why)
		return 0, false
	}
	v := q.Value
	switch {
	case v != math.Trunc(v) || math.IsNaN(v):
		c.diags.Errorf(exprPos(e), "%s must be a whole number, not %g", what, v)
	case v < 1:
		c.diags.Errorf(exprPos(e), "%s must be at least 1, not %g", what, v)
	case v > float64(limit):
		c.diags.Errorf(exprPos(e), "%s is %g, more than the limit of %d", what, v, limit)
	default:
		return int(v), true
	}
	return 0, false
}

// settings checks a block of name = value lines against the names it may
// set, and returns the assignments by name.
func (c *checker) settings(b *Block, what string, allowed func(name string) bool, allowedList string) map[string]*Assign {
	out := map[string]*Assign{}
	if b == nil {
		return out
	}
	for _, s := range b.Stmts {
		a, ok := s.(*Assign)
		if !ok {
			c.diags.Errorf(posOf(s.stmtPos()), "%s holds name = value lines, not if", what)
			continue
		}
		name := joinDots(a.Target.Parts)
		pos := posOf(a.Target.Pos)
		switch {
		case a.Op != "=":
			c.diags.Errorf(pos, "%s sets values with =, not %s", what, a.Op)
		case !allowed(name):
			c.diags.Hintf(pos, "it can set "+allowedList, "%s cannot set %s", what, name)
		case out[name] != nil:
			c.diags.Errorf(pos, "%s is set twice in %s; first at %s", name, what, posOf(out[name].Pos))
		default:
			out[name] = a
		}
	}
	return out
}

func (c *checker) checkRun(r *RunDecl) {
	keys := map[string]bool{"duration": true, "dt": true, "seed": true, "prune_weight": true}
	set := c.settings(r.Body, "the run block", func(n string) bool { return keys[n] }, "duration, dt, seed and prune_weight")
	ctx := &exprCtx{scope: c.scopeAt(r.Pos), what: "the run block"}
	run := &c.prog.Run
	positiveTime := func(name string, dst *float64) {
		a := set[name]
		if a == nil {
			return
		}
		c.wantDim(ctx, a.Value, DimTime, name)
		q, why := c.constValue(c.scopeAt(r.Pos), a.Value.X)
		switch {
		case why != "":
			c.diags.Errorf(exprPos(a.Value), "%s must be a constant: %s", name, why)
		case !(q.Value > 0) || math.IsInf(q.Value, 0):
			c.diags.Errorf(exprPos(a.Value), "%s must be a positive time", name)
		default:
			*dst = q.Value
		}
	}
	positiveTime("duration", &run.Duration)
	positiveTime("dt", &run.Dt)
	if a := set["seed"]; a != nil {
		if t := c.expr(ctx, a.Value); t.Kind == KindReal {
			q, why := c.constValue(c.scopeAt(r.Pos), a.Value.X)
			switch {
			case why != "":
				c.diags.Errorf(exprPos(a.Value), "seed must be a constant: %s", why)
			case !t.Dim.IsDimensionless() || q.Value < 0 || q.Value != math.Trunc(q.Value) || q.Value >= 1<<53:
				c.diags.Errorf(exprPos(a.Value), "seed must be a whole number from 0 to 2**53")
			default:
				run.Seed = uint64(q.Value)
			}
		} else if t.Kind != KindInvalid {
			c.diags.Errorf(exprPos(a.Value), "seed must be a number, not %s", t)
		}
	}
	if a := set["prune_weight"]; a != nil {
		if t := c.expr(ctx, a.Value); t.Kind == KindReal {
			q, why := c.constValue(c.scopeAt(r.Pos), a.Value.X)
			switch {
			case why != "":
				c.diags.Errorf(exprPos(a.Value), "prune_weight must be a constant: %s", why)
			default:
				// Checked against the weights once the projections are.
				c.pruneWeight = func() {
					if err := c.prog.SetPruneWeight(q.Value, t.Dim); err != nil {
						c.diags.Errorf(exprPos(a.Value), "prune_weight: %v", err)
					}
				}
			}
		} else if t.Kind != KindInvalid {
			c.diags.Errorf(exprPos(a.Value), "prune_weight must be a number, not %s", t)
		}
	}
	if steps := math.Round(run.Duration / run.Dt); steps > maxSteps {
		c.diags.Errorf(posOf(r.Pos), "the run has %g steps, more than the limit of %d", steps, int64(maxSteps))
	} else if steps < 1 {
		c.diags.Errorf(posOf(r.Pos), "the run has no steps: duration %g s is shorter than dt %g s", run.Duration, run.Dt)
	} else {
		run.Steps = int64(steps)
	}
}

// declaredBy reports whether the top-level name was declared by decl, and
// not by an earlier declaration that it clashed with.
func (c *checker) declaredBy(name string, decl any) bool {
	sym := c.all.LookupLocal(name)
	return sym != nil && sym.Decl == decl
}

// lookupKind finds a top-level name of one of the given kinds.
func (c *checker) lookupKind(id Ident, what string, kinds ...SymKind) *Symbol {
	sym := c.scopeAt(id.Pos).Lookup(id.Name)
	if sym == nil {
		if !c.broken[id.Name] {
			hint := ""
			if s := c.scopeAt(id.Pos).suggest(id.Name, func(s *Symbol) bool { return containsKind(kinds, s.Kind) }); s != "" {
				hint = "did you mean " + s + "?"
			}
			c.diags.Hintf(posOf(id.Pos), hint, "undefined %s %s", what, id.Name)
		}
		return nil
	}
	if !containsKind(kinds, sym.Kind) {
		c.diags.Errorf(posOf(id.Pos), "%s is %s, not %s", id.Name, an(sym.Kind.String()), an(what))
		return nil
	}
	return sym
}

func containsKind(kinds []SymKind, k SymKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// indexScope returns a scope inside outer with the index names a network
// declaration provides (i, j, N, ...), all dimensionless.
func indexScope(outer *Scope, names ...string) *Scope {
	s := NewScope(outer)
	for _, n := range names {
		s.insert(&Symbol{Kind: SymBuiltin, Name: n, Type: RealOf(Dimensionless), index: true})
	}
	return s
}

// checkSetting checks name = value in a population, input or connect body.
func (c *checker) checkSetting(a *Assign, target *Symbol, t Type) {
	if t.Kind == KindInvalid || target.Type.Kind == KindInvalid {
		return
	}
	if t.Kind != KindReal {
		c.diags.Errorf(posOf(a.Value.Pos), "%s must be a number, not %s", target.Name, t)
		return
	}
	if t.Dim != target.Type.Dim && !isZero(a.Value.X) {
		hint := dimHint(target.Type.Dim, t.Dim)
		if call, ok := a.Value.X.(*CallExpr); ok && call.Func == "load" {
			hint = fmt.Sprintf("a file holds plain numbers: multiply them by the unit they are in, a unit of %s: load(...) * 1 UNIT", target.Type.Dim.Describe())
		}
		c.diags.Hintf(posOf(a.Value.Pos), hint, "%s is %s but the value is %s",
			target.Name, target.Type.Dim.Describe(), t.Dim.Describe())
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// index checks a constant index in [0, n).
func (c *checker) index(scope *Scope, n Node, size int, what string) (int, bool) {
	q, why := c.constValue(scope, n)
	switch {
	case why != "":
		c.diags.Errorf(n.Pos(), "%s must be a constant: %s", what, why)
	case q.Value != math.Trunc(q.Value):
		c.diags.Errorf(n.Pos(), "%s must be a whole number, not %g", what, q.Value)
	case q.Value < 0 || q.Value >= float64(size):
		c.diags.Errorf(n.Pos(), "%s %g is out of range [0, %d)", what, q.Value, size)
	default:
		return int(q.Value), true
	}
	return 0, false
}

// netOf returns the checked population, input or projection a top-level
// name declares, or nil if its declaration had errors.
func (c *checker) netOf(name string) any {
	if sym := c.all.LookupLocal(name); sym != nil {
		return sym.Net
	}
	return nil
}

func (c *checker) popNamed(name string) *Population {
	p, _ := c.netOf(name).(*Population)
	return p
}

func (c *checker) inputNamed(name string) *Input {
	in, _ := c.netOf(name).(*Input)
	return in
}

// checkGlobalEvents checks a global's on spike handlers.
func (c *checker) checkGlobalEvents(b *Body) {
	for _, on := range b.OnSpike {
		if on.Source != nil {
			c.lookupKind(*on.Source, "population or input", SymPopulation, SymInput)
		}
		c.stmts(&exprCtx{scope: b.Scope, body: b, what: "an on-spike block", random: true}, on.Body)
	}
}

// nonNegative reports a constant e that is negative (or, when strict, zero):
// a time constant, a rate, a delay. Non-constant values are checked when
// the network is built.
func (c *checker) nonNegative(ctx *exprCtx, e *Expr, what string, strict bool) {
	if e == nil || e.X == nil {
		return
	}
	q, why := c.constValue(ctx.scope, e.X)
	switch {
	case why != "":
	case strict && !(q.Value > 0):
		c.diags.Errorf(posOf(e.Pos), "%s must be positive, not %g", what, q.Value)
	case q.Value < 0 || math.IsNaN(q.Value):
		c.diags.Errorf(posOf(e.Pos), "%s must not be negative, not %g", what, q.Value)
	}
}
