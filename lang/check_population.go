// The checker, pass 3 (the network), step 2: populations and inputs
// (check_network.go's header gives the order of the steps). Check calls
// checkPopulation and checkInput for each declaration, in source order,
// before any connect, so that connects, currents and monitors find the
// populations and inputs they name checked; an input's rates, spike
// times and data files are checked here too.

package lang

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"snnc/runtime/npy"
)

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
	ctx := &exprCtx{scope: scope, body: b, what: "an initial value", random: true, initial: true, load: &loadSite{pop: pop}}
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
