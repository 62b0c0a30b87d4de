// The checker, pass 3 (the network): subgroups and slices
// (spec/language.md 4.12). checkSubgroup runs after the populations and
// inputs and before the connects and monitors (check.go), which resolve
// the names and slices they are given through view.

package lang

import (
	"fmt"
	"math"
)

// Subgroup is a named view of a contiguous range [Lo, Hi) of a
// population's neurons or an input's sources. A view of a view is
// resolved to its population or input when it is checked: Lo and Hi are
// always indices of Pop or Input.
type Subgroup struct {
	Name   string
	Pos    Pos
	Pop    *Population // nil for a view of an input
	Input  *Input
	Lo, Hi int
	Decl   *SubgroupDecl
}

// Size is the number of elements in the view.
func (s *Subgroup) Size() int { return s.Hi - s.Lo }

// view is what a name with an optional inline slice denotes: a
// population or an input, and a range of it.
type view struct {
	pop    *Population
	input  *Input
	lo, hi int
}

func (v view) size() int { return v.hi - v.lo }

// whole reports whether the view is the whole population or input.
func (v view) whole() bool {
	if v.pop != nil {
		return v.lo == 0 && v.hi == v.pop.Size
	}
	return v.lo == 0 && v.hi == v.input.Size
}

// irRange is the range as the IR holds it: {0, 0} for the whole.
func (v view) irRange() [2]int {
	if v.whole() {
		return [2]int{}
	}
	return [2]int{v.lo, v.hi}
}

func (c *checker) checkSubgroup(d *SubgroupDecl) {
	if !c.declaredBy(d.Name.Name, d) {
		return
	}
	sym := c.all.LookupLocal(d.Name.Name)
	if _, seen := c.subgroupBusy[d]; seen {
		return // checked already, as the base of another view, or being checked
	}
	if c.subgroupBusy == nil {
		c.subgroupBusy = map[*SubgroupDecl]bool{}
	}
	c.subgroupBusy[d] = true
	defer func() { c.subgroupBusy[d] = false }()
	base := c.lookupKind(d.Of, "population or input", SymPopulation, SymInput, SymSubgroup)
	if base == nil {
		return
	}
	if base.Kind == SymSubgroup {
		bd := base.Decl.(*SubgroupDecl)
		if c.subgroupBusy[bd] {
			c.diags.Errorf(posOf(d.Of.Pos), "subgroup %s is a view of itself, through %s", d.Name.Name, d.Of.Name)
			return
		}
		c.checkSubgroup(bd)
	}
	v, ok := c.view(base, d.Slice)
	if !ok {
		return
	}
	sg := &Subgroup{Name: d.Name.Name, Pos: posOf(d.Name.Pos), Pop: v.pop, Input: v.input, Lo: v.lo, Hi: v.hi, Decl: d}
	sym.Net = sg
	c.prog.Subgroups = append(c.prog.Subgroups, sg)
	c.checkSubgroupBody(sg)
}

// checkSubgroupBody checks the settings of a subgroup: those a population
// body may make of its neuron type's own variables, with i and N the
// index and size within the view.
func (c *checker) checkSubgroupBody(sg *Subgroup) {
	if sg.Decl.Body == nil {
		return
	}
	if sg.Pop == nil {
		c.diags.Errorf(posOf(sg.Decl.Body.Pos), "subgroup %s is a view of input %s, which has no settings to change", sg.Name, sg.Input.Name)
		return
	}
	b := sg.Pop.Type
	settable := func(name string) bool {
		v := b.Var(name)
		return v != nil && v.Kind != SymLet
	}
	set := c.settings(sg.Decl.Body, "subgroup "+sg.Name, settable,
		"the parameters, state variables and traces of "+b.Name+" (a dendrite's are set in the population)")
	ctx := &exprCtx{scope: indexScope(b.Scope, "i", "N"), body: b, what: "an initial value", random: true, initial: true}
	pctx := *ctx
	pctx.what, pctx.constOnly = "a parameter override", true
	for _, name := range sortedKeys(set) {
		a := set[name]
		target := b.Var(name)
		use := ctx
		if target.Kind == SymParam {
			use = &pctx
		}
		c.checkSetting(a, target, c.expr(use, a.Value))
	}
}

// viewNamed resolves a name that may be a population, an input or a
// subgroup, with the inline slice after it (nil for none). kinds are the
// symbol kinds the place accepts besides SymSubgroup; what names them for
// the message.
func (c *checker) viewNamed(id Ident, cut *Slice, what string, kinds ...SymKind) (view, bool) {
	sym := c.lookupKind(id, what, append(kinds, SymSubgroup)...)
	if sym == nil {
		return view{}, false
	}
	if sym.Kind == SymSubgroup && !containsKind(kinds, SymInput) {
		if sg, _ := sym.Net.(*Subgroup); sg != nil && sg.Pop == nil {
			c.diags.Errorf(posOf(id.Pos), "%s is a subgroup of input %s, not %s", id.Name, sg.Input.Name, an(what))
			return view{}, false
		}
	}
	return c.view(sym, cut)
}

// view resolves a checked population, input or subgroup symbol and an
// optional slice of it to a range of a population or input.
func (c *checker) view(sym *Symbol, cut *Slice) (view, bool) {
	var v view
	switch sym.Kind {
	case SymPopulation:
		if v.pop = c.popNamed(sym.Name); v.pop == nil {
			return v, false // its own declaration has errors
		}
		v.hi = v.pop.Size
	case SymInput:
		if v.input = c.inputNamed(sym.Name); v.input == nil {
			return v, false
		}
		v.hi = v.input.Size
	case SymSubgroup:
		sg, _ := sym.Net.(*Subgroup)
		if sg == nil {
			return v, false
		}
		v = view{pop: sg.Pop, input: sg.Input, lo: sg.Lo, hi: sg.Hi}
	default:
		return v, false
	}
	if cut == nil {
		return v, true
	}
	// A slice of a view is a slice of its population: the offsets add up.
	lo, hi, ok := c.sliceBounds(cut, sym.Name, v.size())
	if !ok {
		return v, false
	}
	v.lo, v.hi = v.lo+lo, v.lo+hi
	return v, true
}

// sliceBounds evaluates [LO:HI] against a size: constant whole numbers
// with 0 <= LO < HI <= size, LO 0 and HI size where left out.
func (c *checker) sliceBounds(cut *Slice, name string, size int) (lo, hi int, ok bool) {
	bound := func(e *Expr, def int, what string) (int, bool) {
		if e == nil {
			return def, true
		}
		n := c.conv.expr(e)
		ctx := &exprCtx{scope: c.scopeAt(e.Pos), what: "a slice bound"}
		t := c.node(ctx, n)
		if t.Kind == KindInvalid {
			return 0, false
		}
		if t.Kind != KindReal || !t.Dim.IsDimensionless() {
			c.diags.Errorf(n.Pos(), "the %s of a slice must be a dimensionless number, not %s", what, t)
			return 0, false
		}
		q, why := c.constValue(ctx.scope, n)
		switch {
		case why != "":
			c.diags.Errorf(n.Pos(), "the %s of a slice must be a constant: %s", what, why)
		case q.Value != math.Trunc(q.Value) || math.IsNaN(q.Value):
			c.diags.Errorf(n.Pos(), "the %s of a slice must be a whole number, not %g", what, q.Value)
		case q.Value < 0:
			c.diags.Errorf(n.Pos(), "the %s of a slice must not be negative, not %g", what, q.Value)
		case q.Value > float64(size):
			c.diags.Hintf(n.Pos(), fmt.Sprintf("%s has %d elements: indices 0 to %d", name, size, size-1),
				"the %s of slice %s[...] is %g, beyond its size %d", what, name, q.Value, size)
		default:
			return int(q.Value), true
		}
		return 0, false
	}
	lo, okLo := bound(cut.Lo, 0, "start")
	hi, okHi := bound(cut.Hi, size, "end")
	if !okLo || !okHi {
		return 0, 0, false
	}
	if lo >= hi {
		c.diags.Errorf(posOf(cut.Pos), "slice %s[%d:%d] is empty: its start must be below its end", name, lo, hi)
		return 0, 0, false
	}
	return lo, hi, true
}

// subgroupNamed returns the checked subgroup a name declares, or nil.
func (c *checker) subgroupNamed(name string) *Subgroup {
	sg, _ := c.netOf(name).(*Subgroup)
	return sg
}

// overlapAutapses reports a connect between two different, overlapping
// ranges of one population that excludes autapses: which synapses that
// would leave out is not the rule's (it draws by the two sides' own
// indices), so snnc refuses it rather than guess.
func (c *checker) overlapAutapses(d *ConnectDecl, pre, post view) bool {
	if pre.pop == nil || pre.pop != post.pop || pre.lo == post.lo && pre.hi == post.hi {
		return false
	}
	if pre.hi <= post.lo || post.hi <= pre.lo {
		return false // disjoint: no neuron is on both sides
	}
	c.diags.Hintf(posOf(d.Pos), "connect the same range on both sides, or ranges that do not overlap",
		"autapses = false needs the same range of %s on both sides; %d:%d and %d:%d overlap", pre.pop.Name, pre.lo, pre.hi, post.lo, post.hi)
	return true
}

// ruleAutapses is the autapses argument of a connect's rule as written:
// true unless it says autapses = false.
func ruleAutapses(d *ConnectDecl) bool {
	if d.Rule == nil {
		return true // generate
	}
	call, ok := d.Rule.X.(*CallExpr)
	if !ok {
		return true
	}
	params := connectRules[call.Func]
	for i, a := range call.Args {
		name := a.Name
		if name == "" && i < len(params) {
			name = params[i]
		}
		if b, lit := a.X.(*BoolLit); lit && name == "autapses" {
			return b.Value
		}
	}
	return true
}

// PostSize is the number of neurons on the post side (of its range,
// where it has one).
func (p *Projection) PostSize() int {
	if p.PostRange != [2]int{} {
		return p.PostRange[1] - p.PostRange[0]
	}
	return p.Post.Size
}

// subgroupRanges turns the selection of a monitor of a subgroup, checked
// against the subgroup's size, into indices of its population, and
// selects the whole subgroup where there is no selection. Base stays the
// subgroup's first index: the output's indices are the view's own.
func (c *checker) subgroupRanges(m *Monitor, size int) {
	if m.Base == 0 && (m.Population == nil || size == m.Population.Size) && (m.Input == nil || size == m.Input.Size) {
		return // a whole population or input, or a view that starts at 0 and selects as before
	}
	if m.Ranges == nil {
		m.Ranges = [][2]int{{0, size}}
	}
	for n := range m.Ranges {
		m.Ranges[n][0] += m.Base
		m.Ranges[n][1] += m.Base
	}
}

// subgroupBase follows a subgroup's declaration, and those of the views
// it is a view of, to the population it reads; nil for a view of an
// input (reported at at, for what reads it), and nil for a name that
// reaches nothing (reported where it is declared).
func (c *checker) subgroupBase(sym *Symbol, at Pos, what string) *Symbol {
	for range 1000 {
		if sym.Kind != SymSubgroup {
			break
		}
		d := sym.Decl.(*SubgroupDecl)
		next := c.scopeAt(d.Pos).Lookup(d.Of.Name)
		if next == nil {
			return nil
		}
		if next.Kind == SymInput {
			c.diags.Errorf(at, "%s: subgroup %s is a view of input %s, which has no variables to reduce over", what, sym.Name, next.Name)
			return nil
		}
		sym = next
	}
	if sym.Kind != SymPopulation {
		return nil
	}
	return sym
}

// subgroupReductions gives each reduction over a subgroup its range, once
// the subgroups are checked.
func (c *checker) subgroupReductions() {
	for _, r := range c.prog.PopReductions {
		if r.Subgroup == "" {
			continue
		}
		if sg := c.subgroupNamed(r.Subgroup); sg != nil && sg.Pop != nil && (sg.Lo != 0 || sg.Hi != sg.Pop.Size) {
			r.Range = [2]int{sg.Lo, sg.Hi}
		}
	}
}
