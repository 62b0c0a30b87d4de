package lang

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"snnc/runtime/npy"
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

func (c *checker) checkPopulation(d *PopulationDecl) {
	typ := c.lookupKind(d.Type, "neuron type", SymNeuron)
	size, sizeOK := c.count(&exprCtx{scope: c.scopeAt(d.Pos), what: "a population size"}, d.Size, "population size", MaxNeurons)
	if typ == nil || !sizeOK || !c.declaredBy(d.Name.Name, d) {
		return
	}
	b := typ.Body
	pop := &Population{Name: d.Name.Name, Pos: posOf(d.Name.Pos), Type: b, Size: size, Decl: d}
	c.prog.Populations = append(c.prog.Populations, pop)
	c.all.LookupLocal(pop.Name).Net = pop

	scope := indexScope(b.Scope, "i", "N")
	ctx := &exprCtx{scope: scope, body: b, what: "an initial value", random: true, initial: true}
	settable := func(name string) bool {
		v := bodyVar(b, name)
		return v != nil && v.Kind != SymLet
	}
	set := c.settings(d.Body, "population "+pop.Name, settable,
		"the parameters, state variables and traces of "+b.Name+" and of its dendrites (dendrite.name)")
	// Parameters are overridden before the state is initialised, so an
	// override reads parameters only.
	pctx := *ctx
	pctx.what, pctx.constOnly = "a parameter override", true
	for _, name := range sortedKeys(set) {
		a := set[name]
		target := bodyVar(b, name)
		use := ctx
		if target.Kind == SymParam {
			use = &pctx
		}
		c.checkSetting(a, target, c.expr(use, a.Value))
	}
	var unset func(body *Body, prefix string)
	unset = func(body *Body, prefix string) {
		for _, p := range body.Params {
			if d := p.Decl.(*Param); d.Default == nil && set[prefix+p.Name] == nil {
				c.diags.Hintf(pop.Pos, fmt.Sprintf("set it: population %s = %s[...] { %s = ... }", pop.Name, b.Name, prefix+p.Name),
					"parameter %s of %s has no default and population %s does not set it", prefix+p.Name, b.Name, pop.Name)
			}
		}
		for _, dd := range body.Dendrites {
			unset(dd, prefix+dd.Name+".")
		}
	}
	unset(b, "")
}

// bodyVar finds a variable by a dotted path through dendrites: v, apical.u.
func bodyVar(b *Body, path string) *Symbol {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		if b = b.Dendrite(p); b == nil {
			return nil
		}
	}
	return b.Var(parts[len(parts)-1])
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
		c.diags.Hintf(posOf(a.Value.Pos), dimHint(target.Type.Dim, t.Dim), "%s is %s but the value is %s",
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

// inputKeys are the settings of each kind of input.
var inputKeys = map[string][]string{
	"poisson": {"rate", "rates", "period"},
	"spikes":  {"times"},
}

func (c *checker) checkInput(d *InputDecl) {
	kind := d.Kind.Name
	keys, known := inputKeys[kind]
	if !known {
		c.diags.Hintf(posOf(d.Kind.Pos), "the inputs are poisson and spikes; constant and step currents are 'current' declarations",
			"unknown input kind %s", kind)
	}
	size, sizeOK := c.count(&exprCtx{scope: c.scopeAt(d.Pos), what: "an input size"}, d.Size, "input size", MaxNeurons)
	if !known || !sizeOK || !c.declaredBy(d.Name.Name, d) {
		return
	}
	in := &Input{Name: d.Name.Name, Pos: posOf(d.Name.Pos), Kind: kind, Size: size, Decl: d}
	c.prog.Inputs = append(c.prog.Inputs, in)
	c.all.LookupLocal(in.Name).Net = in
	allowed := func(n string) bool { return containsString(keys, n) }
	set := c.settings(d.Body, "input "+in.Name, allowed, strings.Join(keys, ", "))
	ctx := &exprCtx{scope: indexScope(c.scopeAt(d.Pos), "i", "N"), what: "an input setting"}
	pos := posOf(d.Pos)
	switch kind {
	case "poisson":
		rate, rates := set["rate"], set["rates"]
		switch {
		case rate == nil && rates == nil:
			c.diags.Hintf(pos, "e.g. input "+in.Name+" = poisson[N] { rate = 10 Hz }", "poisson input %s needs a rate or rates", in.Name)
		case rate != nil && rates != nil:
			c.diags.Errorf(posOf(rates.Pos), "poisson input %s has both rate and rates; keep one", in.Name)
		case rate != nil:
			if set["period"] != nil {
				c.diags.Errorf(posOf(set["period"].Pos), "period goes with rates, the rate over time, not with a constant rate")
			}
			rctx := *ctx
			rctx.what, rctx.constOnly = "a poisson rate", true // a rate that changes over time is written with rates
			c.wantDim(&rctx, rate.Value, DimFrequency, "rate")
			c.nonNegative(&rctx, rate.Value, "rate", false)
		default:
			c.checkRates(ctx, in, rates, set["period"])
		}
	case "spikes":
		times := set["times"]
		if times == nil {
			c.diags.Hintf(pos, "e.g. times = [(0, 10 ms), (1, 12.5 ms)] or times = \"spikes.csv\"", "spikes input %s needs times", in.Name)
			return
		}
		c.checkSpikeTimes(ctx, in, times)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkRates checks rates = [r0, r1, ...] or rates = "file.npy" with the
// period each value holds for.
func (c *checker) checkRates(ctx *exprCtx, in *Input, rates, period *Assign) {
	t := c.expr(ctx, rates.Value)
	switch {
	case t.Kind == KindInvalid:
	case t.Kind == KindString:
		c.checkDataFile(rates.Value.X.(*StringLit), ".npy", ".csv")
	case t.Kind == KindList && t.Elem != nil && t.Elem.Kind == KindReal && t.Elem.Dim == DimFrequency:
		for _, e := range rates.Value.X.(*ListLit).Elems {
			if q, why := c.constValue(ctx.scope, e); why == "" && q.Value < 0 {
				c.diags.Errorf(e.Pos(), "rate %g Hz is negative", q.Value)
			}
		}
	default:
		c.diags.Hintf(posOf(rates.Value.Pos), "write a list such as [5 Hz, 20 Hz] or a file name", "rates must be a list of frequencies or a file, not %s", t)
	}
	if period == nil {
		c.diags.Hintf(posOf(rates.Pos), "add period = 10 ms, the time each rate holds for", "rates needs a period")
		return
	}
	c.wantDim(ctx, period.Value, DimTime, "period")
	c.nonNegative(ctx, period.Value, "period", true)
	if t := c.expr(ctx, period.Value); t.Kind != KindReal || t.Dim != DimTime {
		return // reported just above
	}
	// The runtime counts the period in whole steps: check the count's
	// range here, in floating point, before anything converts it.
	q, why := c.constValue(ctx.scope, period.Value.X)
	if why != "" {
		// Lowering evaluates it once, at compile time.
		c.diags.Errorf(exprPos(period.Value), "period must be a constant: %s", why)
		return
	}
	if q.Value > 0 && c.prog.Run.Dt > 0 {
		switch steps := math.Round(q.Value / c.prog.Run.Dt); {
		case steps < 1:
			c.diags.Errorf(posOf(period.Value.Pos), "period %g s is shorter than half a step (dt = %g s): each rate holds for whole steps", q.Value, c.prog.Run.Dt)
		case !(steps <= maxSteps):
			c.diags.Hintf(posOf(period.Value.Pos), "a period as long as the run holds the first rate throughout",
				"period %g s is %.3g steps of dt = %g s, more than the limit of %d", q.Value, steps, c.prog.Run.Dt, int64(maxSteps))
		}
	}
}

// checkSpikeTimes checks times = [(index, time), ...] or a file.
func (c *checker) checkSpikeTimes(ctx *exprCtx, in *Input, times *Assign) {
	t := c.expr(ctx, times.Value)
	switch {
	case t.Kind == KindInvalid:
		return
	case t.Kind == KindString:
		c.checkDataFile(times.Value.X.(*StringLit), ".npy", ".csv")
		return
	case t.Kind == KindList && t.Elem == nil:
		return
	case t.Kind == KindList && t.Elem.Kind == KindTuple && len(t.Elem.Elems) == 2 &&
		t.Elem.Elems[0].Kind == KindReal && t.Elem.Elems[0].Dim.IsDimensionless() &&
		t.Elem.Elems[1].Kind == KindReal && t.Elem.Elems[1].Dim == DimTime:
	default:
		c.diags.Hintf(posOf(times.Value.Pos), "write pairs (source index, time): [(0, 10 ms), (3, 12.5 ms)]",
			"times must be a list of (index, time) pairs or a file, not %s", t)
		return
	}
	for _, e := range times.Value.X.(*ListLit).Elems {
		pair := e.(*TupleLit)
		c.index(ctx.scope, pair.Elems[0], in.Size, "source index")
		if q, why := c.constValue(ctx.scope, pair.Elems[1]); why == "" && q.Value < 0 {
			c.diags.Errorf(pair.Elems[1].Pos(), "spike time %g s is negative", q.Value)
		}
	}
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

// checkDataFile checks the extension of a data file named in a model. The
// file itself is read when the model is built.
func (c *checker) checkDataFile(s *StringLit, exts ...string) {
	ok := false
	for _, e := range exts {
		ok = ok || strings.HasSuffix(s.Value, e)
	}
	if !ok {
		c.diags.Errorf(s.At, "data file %q must end in %s", s.Value, strings.Join(exts, " or "))
		return
	}
	path := DataPath(s)
	if _, err := os.Stat(path); err != nil {
		c.diags.Hintf(s.At, "data files are found relative to the model file", "data file %q not found (looked for %s)", s.Value, path)
		return
	}
	// As an import is: a named pipe would block the run, a device such
	// as /dev/zero would be read until memory runs out.
	max := int64(npy.MaxCSVSize)
	if strings.HasSuffix(s.Value, ".npy") {
		max = npy.MaxNPYSize
	}
	if err := npy.CheckDataFile(path, max); err != nil {
		c.diags.Errorf(s.At, "data file %q (%s): %v", s.Value, path, err)
	}
}

// DataPath returns where the data file named by s is: relative paths are
// relative to the directory of the model file that names them.
func DataPath(s *StringLit) string {
	if filepath.IsAbs(s.Value) {
		return s.Value
	}
	return filepath.Join(filepath.Dir(s.At.File), s.Value)
}

func (c *checker) checkConnect(d *ConnectDecl) {
	pos := posOf(d.Pos)
	name := fmt.Sprintf("connect at %s", pos)
	if d.Name != nil {
		name = d.Name.Name
		if !c.declaredBy(name, d) {
			return
		}
	}
	proj := &Projection{Name: name, Pos: pos, Decl: d}
	ok := true

	// The pre side: a population or an input.
	preID := Ident{Pos: d.Pre.Pos, Name: d.Pre.Parts[0]}
	if len(d.Pre.Parts) > 1 {
		c.diags.Errorf(posOf(d.Pre.Pos), "the pre side of a connect is a population or input, not %s", joinDots(d.Pre.Parts))
		ok = false
	} else if sym := c.lookupKind(preID, "population or input", SymPopulation, SymInput); sym == nil {
		ok = false
	} else if proj.PrePop, proj.PreInput = c.popNamed(sym.Name), c.inputNamed(sym.Name); proj.PrePop == nil && proj.PreInput == nil {
		ok = false // its own declaration has errors
	}

	// The post side: a population, or a dendrite of its neurons.
	postID := Ident{Pos: d.Post.Pos, Name: d.Post.Parts[0]}
	if sym := c.lookupKind(postID, "population", SymPopulation); sym == nil {
		ok = false
	} else if proj.Post = c.popNamed(sym.Name); proj.Post == nil {
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
	if !ok || !ruleOK {
		return
	}
	proj.Synapse = syn.Body
	c.prog.Projections = append(c.prog.Projections, proj)
	if d.Name != nil {
		c.all.LookupLocal(name).Net = proj
	}
	c.synUses[syn.Body] = append(c.synUses[syn.Body], proj)

	// The body sets the synapses' parameters and initial state, their delay,
	// and, for a dendrite with segments, which segment each synapse is on.
	sb := syn.Body
	settable := func(n string) bool {
		if n == "delay" || n == "segment" && proj.Dendrite != nil && proj.Dendrite.IsArray {
			return true
		}
		v := sb.Var(n)
		return v != nil && v.Kind != SymLet
	}
	what := "connect " + name
	if d.Name == nil {
		what = "the " + name
	}
	set := c.settings(d.Body, what, settable, "delay and the parameters, state variables and traces of "+sb.Name)
	scope := indexScope(sb.Scope, "i", "j", "N_pre", "N_post")
	ctx := c.projectionCtx(sb, proj)
	ctx.scope, ctx.what, ctx.random, ctx.initial = scope, "an initial value", true, true
	for _, n := range sortedKeys(set) {
		a := set[n]
		switch n {
		case "delay":
			c.wantDim(ctx, a.Value, DimTime, "delay")
			c.nonNegative(ctx, a.Value, "delay", false)
		case "segment":
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

// checkRule checks the connectivity rule after 'by' and that the number of
// synapses it makes fits.
func (c *checker) checkRule(d *ConnectDecl, proj *Projection) (string, bool) {
	n := c.conv.expr(d.Rule)
	var call *CallExpr
	switch n := n.(type) {
	case *NameRef:
		call = &CallExpr{At: n.At, Func: n.Dotted()}
	case *CallExpr:
		call = n
	default:
		c.diags.Hintf(n.Pos(), "the rules are all_to_all, one_to_one, fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), pairs(list)",
			"a connectivity rule must be a rule name")
		return "", false
	}
	params, known := connectRules[call.Func]
	if !known {
		c.diags.Hintf(call.At, "the rules are all_to_all, one_to_one, fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), pairs(list)",
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
		post = proj.Post.Size
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
	selfExcluded := !autapses && proj.PrePop != nil && proj.PrePop == proj.Post
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
		if t := c.node(ctx, a.X); t.Kind == KindReal && t.Dim.IsDimensionless() {
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
	}
	if synapses > MaxSynapses {
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
	for _, m := range b.Members {
		ctx.random, ctx.constOnly = false, false
		switch m := m.(type) {
		case *State:
			ctx.what, ctx.random = "an initial value", true
			c.expr(ctx, m.Init)
		case *Trace:
			ctx.what, ctx.random = "an initial value", true
			c.expr(ctx, m.Init)
		case *Param:
			ctx.what, ctx.constOnly = "a parameter default", true
			c.expr(ctx, m.Default)
		case *ODE:
			ctx.what = "an ODE"
			if sym := b.Var(m.Deriv.Name[1:]); sym != nil && b.ODEs[sym] == m {
				c.checkODERHS(ctx, sym, m)
			}
		case *Let:
			ctx.what = "a definition"
			c.expr(ctx, m.Value)
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

func (c *checker) checkMonitor(d *MonitorDecl) {
	pos := posOf(d.Target.Pos)
	m := &Monitor{Pos: posOf(d.Pos), Kind: d.Kind, Every: 1, Decl: d}
	head := Ident{Pos: d.Target.Pos, Name: d.Target.Parts[0]}
	size := 0
	switch d.Kind {
	case "spikes":
		if len(d.Target.Parts) != 1 {
			c.diags.Errorf(pos, "monitor spikes takes a population or input, not %s", joinDots(d.Target.Parts))
			return
		}
		sym := c.lookupKind(head, "population or input", SymPopulation, SymInput)
		if sym == nil {
			return
		}
		m.Population, m.Input = c.popNamed(sym.Name), c.inputNamed(sym.Name)
		switch {
		case m.Population != nil:
			size = m.Population.Size
		case m.Input != nil:
			size = m.Input.Size
		default:
			return
		}
		if d.Every != nil {
			c.diags.Errorf(posOf(d.Every.Pos), "every applies to state monitors; spike monitors record every spike")
		}
	case "state":
		if len(d.Target.Parts) < 2 {
			c.diags.Hintf(pos, "write monitor state population.variable", "monitor state needs a variable, not %s", head.Name)
			return
		}
		sym := c.lookupKind(head, "population, projection or global", SymPopulation, SymProjection, SymGlobal)
		if sym == nil {
			return
		}
		var b *Body
		switch sym.Kind {
		case SymPopulation:
			if m.Population = c.popNamed(sym.Name); m.Population == nil {
				return
			}
			b, size = m.Population.Type, m.Population.Size
		case SymProjection:
			if m.Projection, _ = c.netOf(sym.Name).(*Projection); m.Projection == nil {
				return
			}
			b = m.Projection.Synapse
			size = -1 // synapse counts are known only once connectivity is built
		case SymGlobal:
			m.Global, b, size = sym.Body, sym.Body, 1
		}
		for _, part := range d.Target.Parts[1 : len(d.Target.Parts)-1] {
			dd := b.Dendrite(part)
			if dd == nil {
				c.diags.Errorf(pos, "%s has no dendrite %s", b.describe(), part)
				return
			}
			if dd.IsArray {
				c.diags.Hintf(pos, "monitor a reduction instead: let x = sum(...) in the neuron, then monitor state POP.x",
					"dendrite %s has %s; a state monitor records one value per neuron", dd.Name, segments(dd.Count))
				return
			}
			b = dd
		}
		last := d.Target.Parts[len(d.Target.Parts)-1]
		v := b.Var(last)
		switch {
		case v == nil:
			c.diags.Errorf(pos, "%s has no variable %s", b.describe(), last)
			return
		case v.Kind == SymParam:
			c.diags.Errorf(pos, "%s is a parameter; it does not change, so there is nothing to monitor", last)
			return
		}
		m.Var = v
		if d.Every != nil {
			m.Every = c.every(d.Every)
		}
	}
	m.Name = strings.Join(d.Target.Parts, "_")
	if d.Kind == "spikes" {
		m.Name += "_spikes"
	}
	if d.Name != nil {
		m.Name = d.Name.Name
	}
	if other := c.monitors[m.Name]; other != nil {
		c.diags.Hintf(m.Pos, "name it: monitor NAME: ...", "a monitor named %s already exists at %s", m.Name, other.Pos)
		return
	}
	c.monitors[m.Name] = m
	if d.Select != nil {
		if size < 0 {
			c.diags.Errorf(posOf(d.Select.Pos), "synapse monitors record all synapses; selecting by index is not supported")
			return
		}
		for _, r := range d.Select.Items {
			lo, ok := c.index(c.scopeAt(d.Pos), c.conv.expr(r.Lo), size, "index")
			if !ok {
				continue
			}
			hi := lo + 1
			if r.Hi != nil {
				h, why := c.constValue(c.scopeAt(d.Pos), c.conv.expr(r.Hi))
				switch {
				case why != "":
					c.diags.Errorf(posOf(r.Hi.Pos), "index must be a constant: %s", why)
					continue
				case h.Value != math.Trunc(h.Value) || h.Value <= float64(lo) || h.Value > float64(size):
					c.diags.Errorf(posOf(r.Hi.Pos), "range end %g must be a whole number in (%d, %d]", h.Value, lo, size)
					continue
				}
				hi = int(h.Value)
			}
			m.Ranges = append(m.Ranges, [2]int{lo, hi})
		}
	}
	c.prog.Monitors = append(c.prog.Monitors, m)
}

// every evaluates a sampling period: a number of steps, or a time that is a
// whole number of steps.
func (c *checker) every(e *Expr) int {
	ctx := &exprCtx{scope: c.scopeAt(e.Pos), what: "a sampling period"}
	t := c.expr(ctx, e)
	if t.Kind == KindInvalid {
		return 1
	}
	if t.Kind != KindReal || t.Dim != DimTime && !t.Dim.IsDimensionless() {
		c.diags.Errorf(posOf(e.Pos), "sampling period must be a number of steps or a time, not %s", t)
		return 1
	}
	q, why := c.constValue(c.scopeAt(e.Pos), e.X)
	if why != "" {
		c.diags.Errorf(exprPos(e), "sampling period must be a constant: %s", why)
		return 1
	}
	steps := q.Value
	switch {
	case t.Kind == KindReal && t.Dim == DimTime:
		steps = q.Value / c.prog.Run.Dt
		if r := math.Round(steps); math.Abs(steps-r) > 1e-9*r || r < 1 || r > maxSteps {
			c.diags.Errorf(exprPos(e), "sampling period %g s is not a whole number of steps of dt = %g s", q.Value, c.prog.Run.Dt)
			return 1
		}
		steps = math.Round(steps)
	case t.Kind == KindReal && t.Dim.IsDimensionless():
		if steps != math.Trunc(steps) || steps < 1 || steps > maxSteps {
			c.diags.Errorf(exprPos(e), "sampling period must be a whole number of steps of at least 1, not %g", steps)
			return 1
		}
	default:
		c.diags.Errorf(exprPos(e), "sampling period must be a number of steps or a time, not %s", t)
		return 1
	}
	return int(steps)
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
