package lang

import "fmt"

// PopReduction is a reduction over a population's or a projection's
// variable, sum(exc.v), mean(exc.v), max(exc.v) or min(ee.w), read in a
// global. The runtime computes it into a state of the global (named by
// StateName) in step 4a of language.md section 6, and the global's
// kernels, and through the global everything else, read that state.
type PopReduction struct {
	Kind   string // sum, mean, max, min
	Global *Body
	Source string // the population or projection
	Var    string // its variable
	Pos    Pos
	// Subgroup, if not "", is the subgroup reduced over, and Range its
	// range [lo, hi) of Source's neurons, {0, 0} for the whole population
	// (check_slice.go).
	Subgroup string
	// Range is the subgroup's range [lo, hi) of Source's neurons, {0, 0}
	// for the whole population (check_slice.go).
	Range [2]int
}

// StateName is the name of the global's state that holds the reduction:
// KIND.SOURCE.VAR (KIND.SUBGROUP.VAR for a subgroup's), which no
// declared name can be (they have no dots).
func (r *PopReduction) StateName() string {
	if r.Subgroup != "" {
		return r.Kind + "." + r.Subgroup + "." + r.Var
	}
	return r.Kind + "." + r.Source + "." + r.Var
}

// popReductionCall checks sum, mean, max and min with one argument that
// names a population's or a projection's variable (POP.VAR), and reports
// whether the call was one. Other one-argument calls (a dendrite's
// segments) are left to the caller.
func (c *checker) popReductionCall(ctx *exprCtx, n *CallExpr, f *Func) (Type, bool) {
	switch f.Name {
	case "sum", "mean", "max", "min":
	default:
		return invalidType, false
	}
	if len(n.Args) != 1 {
		return invalidType, false
	}
	ref, ok := n.Args[0].X.(*NameRef)
	if !ok {
		// An expression of a population's variables, mean(exc.v > v_t):
		// the reduction is of a variable, as written.
		var named *NameRef
		walkNode(n.Args[0].X, func(m Node) {
			if r, ok := m.(*NameRef); ok && named == nil && len(r.Parts) == 2 {
				if s := ctx.scope.Lookup(r.Parts[0]); s != nil && (s.Kind == SymPopulation || s.Kind == SymProjection || s.Kind == SymSubgroup) {
					named = r
				}
			}
		})
		if named == nil {
			return invalidType, false
		}
		c.diags.Hintf(n.Args[0].At, fmt.Sprintf("reduce the variable, %s(%s), and compute with the result", f.Name, named.Dotted()),
			"%s over a population or projection takes one of its variables, POP.VAR, not an expression", f.Name)
		return invalidType, true
	}
	if len(ref.Parts) < 2 {
		return invalidType, false
	}
	head := ctx.scope.Lookup(ref.Parts[0])
	if head == nil || head.Kind != SymPopulation && head.Kind != SymProjection && head.Kind != SymSubgroup {
		return invalidType, false
	}
	// A subgroup reduces over its population's variable, on its range
	// (check_slice.go fills Range once the subgroups are checked).
	subgroup := ""
	if head.Kind == SymSubgroup {
		if head = c.subgroupBase(head, n.At, fmt.Sprintf("%s(%s)", f.Name, ref.Dotted())); head == nil {
			return invalidType, true
		}
		subgroup = ref.Parts[0]
	}
	what := fmt.Sprintf("%s(%s)", f.Name, ref.Dotted())
	switch {
	case ctx.body == nil || ctx.body.Kind != GlobalBody:
		c.diags.Hintf(n.At, fmt.Sprintf("compute it in a global, global g { let r = %s }, and read g.r", what),
			"%s reduces over %s %s: only a global may compute it", what, head.Kind, head.Name)
		return invalidType, true
	case ctx.constOnly || ctx.initial:
		c.diags.Errorf(n.At, "%s cannot depend on the reduction %s, which the run computes", ctx.what, what)
		return invalidType, true
	case len(ref.Parts) != 2:
		c.diags.Errorf(n.At, "%s: a reduction reads a variable of the %s itself (%s.VAR)", what, head.Kind, head.Name)
		return invalidType, true
	}
	// The neuron or synapse type, from the declaration: the network is
	// checked after the globals.
	var typeName string
	switch d := head.Decl.(type) {
	case *PopulationDecl:
		typeName = d.Type.Name
	case *ConnectDecl:
		typeName = d.Synapse.Name
	}
	typ := ctx.scope.Lookup(typeName)
	if typ == nil || typ.Body == nil || typ.Kind != SymNeuron && typ.Kind != SymSynapse {
		return invalidType, true // the declaration's own error says why
	}
	sym := typ.Body.Var(ref.Parts[1])
	switch {
	case sym == nil:
		c.diags.Errorf(ref.At, "%s: %s %s (%s) has no variable %s", what, head.Kind, head.Name, typ.Body.describe(), ref.Parts[1])
		return invalidType, true
	case sym.Kind != SymState && sym.Kind != SymParam && sym.Kind != SymTrace:
		c.diags.Errorf(ref.At, "%s: %s is %s; a reduction reads a state variable, a trace or a parameter", what, ref.Dotted(), an(sym.Kind.String()))
		return invalidType, true
	}
	c.resolveSym(sym)
	if sym.Type.Kind != KindReal {
		return invalidType, true
	}
	c.prog.PopReductions[n] = &PopReduction{Kind: f.Name, Global: ctx.body, Source: head.Name, Var: sym.Name, Pos: n.At, Subgroup: subgroup}
	return sym.Type, true
}
