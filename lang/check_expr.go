package lang

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// exprCtx says where an expression stands: what it may name, and whether
// random draws are allowed.
type exprCtx struct {
	scope *Scope
	body  *Body  // the enclosing neuron, synapse, global or dendrite, if any
	what  string // "an ODE", "a threshold", ... for messages
	// random allows distributions: initial values and event statements.
	random bool
	// pre and post are the neuron types (post may be a dendrite) a synapse
	// body is checked against; both nil while checking a synapse type on
	// its own, when pre.x and post.x cannot be resolved yet.
	pre, post *Body
	prePos    Pos // the connect declaration, for messages
	// reduce is set inside sum(), mean(), any() and one-argument max(),
	// where a dendrite array's variables may be read.
	reduce bool
	// unknownPost marks a synapse checked without a projection.
	unknownPost bool
	// constOnly allows parameters and constants only: parameter defaults,
	// time constants of traces.
	constOnly bool
	// initial marks an initial value, computed before the first step: it
	// cannot read t or a definition (which may read state not yet set).
	initial bool
	// lvalue is set while resolving the target of an assignment.
	lvalue bool
	// noise allows white noise, xi and xi_NAME: the right side of an ODE.
	noise bool
	// load, in a population's or a connect's settings, allows load(FILE)
	// (check_load.go).
	load *loadSite
	// pairs allows draws from named streams (stream = NAME), keyed by a
	// synapse's (pre, post) pair: a synapse's initial values.
	pairs bool
}

// expr converts and checks e.
func (c *checker) expr(ctx *exprCtx, e *Expr) Type {
	if e == nil {
		return invalidType
	}
	return c.node(ctx, c.conv.expr(e))
}

func (c *checker) node(ctx *exprCtx, n Node) Type {
	t := c.node1(ctx, n)
	if t.Kind != KindInvalid && !ctx.unknownPost && ctx.post == nil {
		c.info.Types[n] = t
	}
	return t
}

func (c *checker) node1(ctx *exprCtx, n Node) Type {
	switch n := n.(type) {
	case *NumberLit:
		if n.Unit == "" {
			return RealOf(Dimensionless)
		}
		u, ok := units[n.Unit]
		if !ok {
			c.unknownUnit(n.UnitPos, n.Unit)
			return invalidType
		}
		return RealOf(u.Dim)
	case *StringLit:
		return stringType
	case *BoolLit:
		return boolType
	case *NameRef:
		return c.name(ctx, n)
	case *CallExpr:
		return c.call(ctx, n)
	case *UnaryNode:
		x := c.node(ctx, n.X)
		switch {
		case x.Kind == KindInvalid:
			return x
		case n.Op == "not" && x.Kind != KindBool:
			c.diags.Errorf(n.At, "'not' needs a condition, not %s", x)
			return invalidType
		case n.Op != "not" && x.Kind != KindReal:
			c.diags.Errorf(n.At, "unary %s needs a number, not %s", n.Op, x)
			return invalidType
		}
		return x
	case *BinaryNode:
		return c.binary(ctx, n)
	case *ListLit:
		if len(n.Elems) > maxListLiteral {
			c.diags.Errorf(n.At, "list of %d elements is too long; read it from a file", len(n.Elems))
			return invalidType
		}
		var elem *Type
		for _, e := range n.Elems {
			t := c.node(ctx, e)
			if t.Kind == KindInvalid {
				return t
			}
			if elem == nil {
				elem = &t
			} else if !sameType(*elem, t) && !(isZero(e) && elem.Kind == KindReal) {
				c.diags.Errorf(e.Pos(), "list elements differ: %s and %s", *elem, t)
				return invalidType
			}
		}
		return Type{Kind: KindList, Elem: elem}
	case *BadExpr:
		return invalidType
	case *TupleLit:
		tt := Type{Kind: KindTuple}
		for _, e := range n.Elems {
			t := c.node(ctx, e)
			if t.Kind == KindInvalid {
				return t
			}
			tt.Elems = append(tt.Elems, t)
		}
		return tt
	}
	panic(fmt.Sprintf("lang: unknown node %T", n))
}

func sameType(a, b Type) bool {
	if a.Kind != b.Kind || a.Dim != b.Dim || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Elems {
		if !sameType(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	if (a.Elem == nil) != (b.Elem == nil) {
		return false
	}
	return a.Elem == nil || sameType(*a.Elem, *b.Elem)
}

// isZero reports whether n is a plain 0: it fits any dimension, so that
// max(v, 0) and clip(w, 0, w_max) read naturally.
func isZero(n Node) bool {
	lit, ok := n.(*NumberLit)
	return ok && lit.Unit == "" && lit.Value == 0
}

func (c *checker) unknownUnit(pos Pos, name string) {
	if s := suggestUnit(name); s != "" {
		c.diags.Hintf(pos, fmt.Sprintf("did you mean %s?", s), "unknown unit %q", name)
		return
	}
	c.diags.Hintf(pos, "units are SI symbols with an optional prefix: mV, ms, nS, pA, pF, Hz, MOhm", "unknown unit %q", name)
}

// binary checks the operators. Mismatched dimensions are reported at the
// operator with both sides described.
func (c *checker) binary(ctx *exprCtx, n *BinaryNode) Type {
	if inner, ok := n.X.(*BinaryNode); ok && isComparison(n.Op) && isComparison(inner.Op) && !inner.Parens {
		c.diags.Hintf(n.At, "write a < b and b < c", "comparisons do not chain")
		return invalidType
	}
	x := c.node(ctx, n.X)
	y := c.node(ctx, n.Y)
	if x.Kind == KindInvalid || y.Kind == KindInvalid {
		return invalidType
	}
	switch n.Op {
	case "and", "or":
		if x.Kind != KindBool || y.Kind != KindBool {
			c.diags.Errorf(n.At, "'%s' needs conditions on both sides, not %s and %s", n.Op, x, y)
			return invalidType
		}
		return boolType
	case "==", "!=":
		if x.Kind == KindBool && y.Kind == KindBool {
			return boolType
		}
	}
	if x.Kind != KindReal || y.Kind != KindReal {
		bad := x
		if x.Kind == KindReal {
			bad = y
		}
		c.diags.Errorf(n.At, "operator %s needs numbers, not %s", n.Op, bad)
		return invalidType
	}
	switch n.Op {
	case "+", "-", "%", "<", "<=", ">", ">=", "==", "!=":
		d, ok := unify(n.X, x, n.Y, y)
		if !ok {
			c.diags.Hintf(n.At, dimHint(x.Dim, y.Dim), "dimension mismatch: %s %s %s", x.Dim.Describe(), n.Op, y.Dim.Describe())
			return invalidType
		}
		if isComparison(n.Op) {
			return boolType
		}
		return RealOf(d)
	case "*":
		return c.boundedDim(n.At, x.Dim.Mul(y.Dim))
	case "/":
		return c.boundedDim(n.At, x.Dim.Div(y.Dim))
	case "**":
		return c.power(ctx, n.At, x, n.Y, y)
	}
	panic("lang: unknown operator " + n.Op)
}

func isComparison(op string) bool {
	switch op {
	case "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

// unify returns the common dimension of two operands that must agree,
// letting a plain 0 take the other side's dimension.
func unify(xn Node, x Type, yn Node, y Type) (Dim, bool) {
	switch {
	case x.Dim == y.Dim:
		return x.Dim, true
	case isZero(xn):
		return y.Dim, true
	case isZero(yn):
		return x.Dim, true
	}
	return x.Dim, false
}

// dimHint suggests a fix for two dimensions that should agree.
func dimHint(a, b Dim) string {
	switch {
	case a.Div(b) == DimTime || b.Div(a) == DimTime:
		return "one side is per unit time: is a factor of a time constant or dt missing?"
	case a.IsDimensionless() || b.IsDimensionless():
		return "give the plain number a unit, e.g. 5 mV"
	}
	return "both sides must have the same dimension"
}

// power types x ** y: the exponent must be dimensionless, and a constant
// integer when the base has a dimension.
func (c *checker) power(ctx *exprCtx, at Pos, x Type, yn Node, y Type) Type {
	if !y.Dim.IsDimensionless() {
		c.diags.Errorf(yn.Pos(), "exponent must be dimensionless, not %s", y.Dim.Describe())
		return invalidType
	}
	if x.Dim.IsDimensionless() {
		return x
	}
	v, why := c.constValue(ctx.scope, yn)
	switch {
	case why != "":
		c.diags.Hintf(at, "divide by a unit first, e.g. (v / mV) ** n", "a quantity with dimension %s can only be raised to a constant integer power, and %s", x.Dim, why)
		return invalidType
	case 2*v.Value != math.Trunc(2*v.Value) || math.Abs(v.Value) > 16:
		c.diags.Hintf(at, "divide by a unit first, e.g. (v / mV) ** 1.25", "a quantity with dimension %s can only be raised to a constant integer power or half-integer power, not %g", x.Dim, v.Value)
		return invalidType
	}
	// Exponents are counted in halves (Dim): a half-integer power of a
	// dimension with an odd half (s**0.5 ** 0.5) has none.
	d, ok := x.Dim.PowHalf(int(2 * v.Value))
	if !ok {
		c.diags.Hintf(at, "divide by a unit first, e.g. (x / s**0.5) ** 0.5", "%s to the power %g has no dimension with integer or half-integer exponents", x.Dim, v.Value)
		return invalidType
	}
	for _, e := range x.Dim {
		if abs(int(e)*int(2*v.Value)) > 2*one*maxDimExponent {
			return c.boundedDim(at, Dim{dimMetre: one*maxDimExponent + 1})
		}
	}
	return c.boundedDim(at, d)
}

// maxDimExponent bounds the exponents of a dimension; nothing physical
// comes near it, and it keeps the arithmetic on exponents exact.
const maxDimExponent = 32

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// boundedDim returns a number type of dimension d, or reports an exponent
// beyond maxDimExponent.
func (c *checker) boundedDim(at Pos, d Dim) Type {
	for _, e := range d {
		if abs(int(e)) > one*maxDimExponent {
			c.diags.Errorf(at, "dimension exponent beyond %d: this expression multiplies units too many times", maxDimExponent)
			return invalidType
		}
	}
	return RealOf(d)
}

// name resolves a NameRef and returns its type.
func (c *checker) name(ctx *exprCtx, n *NameRef) Type {
	head := n.Parts[0]
	if len(n.Parts) == 1 {
		sym := ctx.scope.Lookup(head)
		if sym == nil {
			if u, ok := units[head]; ok {
				return RealOf(u.Dim)
			}
			if isNoiseName(head) {
				return c.noiseName(ctx, n)
			}
			c.undefined(ctx, n.At, head)
			return invalidType
		}
		return c.useValue(ctx, n, sym)
	}
	// Dotted names: pre.x, post.x, dendrite.x, global.x.
	if head == "pre" || head == "post" {
		if ctx.body != nil && ctx.body.Kind == SynapseBody {
			return c.prePost(ctx, n)
		}
		if ctx.scope.Lookup(head) == nil {
			c.diags.Errorf(n.At, "%s: pre and post are only defined in a synapse type and a connect", n.Dotted())
			return invalidType
		}
	}
	sym := ctx.scope.Lookup(head)
	if sym == nil {
		c.undefined(ctx, n.At, head)
		return invalidType
	}
	switch sym.Kind {
	case SymDendrite, SymGlobal:
		return c.member(ctx, n, sym.Body, 1)
	}
	if head == "pre" || head == "post" {
		c.diags.Errorf(n.At, "%s.%s: pre and post are only defined in a synapse type", head, n.Parts[1])
		return invalidType
	}
	c.diags.Errorf(n.At, "%s is %s; it has no members (%s)", head, an(sym.Kind.String()), n.Dotted())
	return invalidType
}

// member resolves the rest of a dotted name inside a body.
func (c *checker) member(ctx *exprCtx, n *NameRef, b *Body, k int) Type {
	if k >= len(n.Parts) {
		c.diags.Errorf(n.At, "%s is %s, not a value", n.Dotted(), an(b.Kind.String()))
		return invalidType
	}
	name := n.Parts[k]
	if d := b.Dendrite(name); d != nil {
		return c.member(ctx, n, d, k+1)
	}
	sym := b.Var(name)
	if sym == nil {
		c.diags.Errorf(n.At, "%s has no variable %s", b.describe(), name)
		return invalidType
	}
	if k+1 < len(n.Parts) {
		c.diags.Errorf(n.At, "%s is %s; it has no members", joinDots(n.Parts[:k+1]), an(sym.Kind.String()))
		return invalidType
	}
	if b.IsArray && ctx.lvalue && !within(ctx.body, b) {
		c.diags.Hintf(n.At, "change it in the dendrite's own reset, which runs per segment",
			"cannot assign to %s: %s has %s", n.Dotted(), b.Name, segments(b.Count))
		return invalidType
	}
	if b.IsArray && !ctx.reduce && !within(ctx.body, b) {
		c.diags.Hintf(n.At, fmt.Sprintf("use sum(%s), mean(%[1]s), max(%[1]s) or any(...)", n.Dotted()),
			"%s has %s; read its variables through a reduction", b.Name, segments(b.Count))
		return invalidType
	}
	return c.useValue(ctx, n, sym)
}

// within reports whether body is b or nested in it.
func within(body, b *Body) bool {
	for ; body != nil; body = body.Parent {
		if body == b {
			return true
		}
	}
	return false
}

// prePost resolves pre.x and post.x in a synapse body, against the
// populations of the projection being checked. A synapse onto a dendrite
// sees the dendrite's variables and, behind them, its neuron's.
func (c *checker) prePost(ctx *exprCtx, n *NameRef) Type {
	if ctx.unknownPost {
		return invalidType // checked again for each projection that uses the type
	}
	if ctx.constOnly {
		c.diags.Errorf(n.At, "%s cannot depend on %s", ctx.what, n.Dotted())
		return invalidType
	}
	side := ctx.post
	if n.Parts[0] == "pre" {
		side = ctx.pre
	}
	if side == nil {
		c.diags.Errorf(n.At, "%s: the pre side of the connect at %s is an input, which has no variables", n.Dotted(), ctx.prePos)
		return invalidType
	}
	b := side
	for _, p := range n.Parts[1 : len(n.Parts)-1] {
		if b = b.Dendrite(p); b == nil {
			break
		}
		if b.IsArray {
			if !ctx.reduce {
				c.onceErrorf(n.At, "%s: dendrite %s has %s; a synapse reaches one segment through its projection (connect ... -> POP.%s), or reads them all through sum(), mean(), max() or any()",
					n.Dotted(), b.Name, segments(b.Count), b.Name)
				return invalidType
			}
			c.segmentRefs[n] = true
		}
	}
	var sym *Symbol
	if b != nil {
		last := n.Parts[len(n.Parts)-1]
		sym = b.Var(last)
		if sym == nil && len(n.Parts) == 2 && b.Kind == DendriteBody {
			sym = b.Parent.Var(last) // the soma, behind the dendrite
		}
	}
	if sym == nil {
		c.onceErrorf(n.At, "%s: %s (the %s side of the connect at %s) has no variable %s",
			n.Dotted(), side.describe(), n.Parts[0], ctx.prePos, joinDots(n.Parts[1:]))
		return invalidType
	}
	if (ctx.initial || ctx.pairs) && sym.Kind == SymLet {
		// A definition is computed in steps, from state an initial value
		// may not have set yet (the lowering has no value to give).
		c.diags.Hintf(n.At, "read the state or parameters the definition is made of",
			"%s cannot depend on the definition %s: it is evaluated before the first step", ctx.what, n.Dotted())
		return invalidType
	}
	c.resolveSym(sym)
	return sym.Type
}

// onceErrorf reports an error once per position, however many projections
// instantiate the synapse type it is in.
func (c *checker) onceErrorf(pos Pos, format string, args ...any) {
	if c.reportedAt[pos] {
		return
	}
	c.reportedAt[pos] = true
	c.diags.Errorf(pos, format, args...)
}

// useValue checks that sym may be read here and returns its type.
func (c *checker) useValue(ctx *exprCtx, n *NameRef, sym *Symbol) Type {
	if !sym.Kind.isValue() {
		c.diags.Errorf(n.At, "%s is %s, not a value", n.Dotted(), an(sym.Kind.String()))
		return invalidType
	}
	if ctx.constOnly && (sym.Kind == SymState || sym.Kind == SymTrace || sym.Kind == SymLet || sym.Name == "t") ||
		ctx.initial && (sym.Kind == SymLet || sym.Name == "t" && sym.Kind == SymBuiltin) {
		c.diags.Errorf(n.At, "%s cannot depend on the %s %s", ctx.what, sym.Kind, n.Dotted())
		return invalidType
	}
	if sym.index && ctx.body != nil {
		if member := ctx.body.Scope.LookupLocal(sym.Name); member != nil {
			c.diags.Hintf(n.At, "rename the "+member.Kind.String(), "%s is ambiguous here: the index %s and the %s %s of %s",
				sym.Name, sym.Name, member.Kind, sym.Name, ctx.body.describe())
			return invalidType
		}
	}
	c.info.Uses[n] = sym
	if sym.Kind != SymBuiltin && sym.Kind != SymUnit {
		c.resolveSym(sym)
	}
	return sym.Type
}

func (c *checker) undefined(ctx *exprCtx, pos Pos, name string) {
	if c.broken[name] {
		return // its declaration did not parse; that error is enough
	}
	if sug := ctx.scope.suggest(name, func(s *Symbol) bool { return s.Kind.isValue() }); sug != "" {
		c.diags.Hintf(pos, fmt.Sprintf("did you mean %s?", sug), "undefined: %s", name)
		return
	}
	if s := suggestUnit(name); s != "" {
		c.diags.Hintf(pos, fmt.Sprintf("the unit is spelt %s", s), "undefined: %s", name)
		return
	}
	c.diags.Errorf(pos, "undefined: %s", name)
}

// call checks a built-in function call.
func (c *checker) call(ctx *exprCtx, n *CallExpr) Type {
	if n.Func == "load" && ctx.scope.Lookup("load") == nil {
		return c.loadCall(ctx, n)
	}
	f := Funcs[n.Func]
	if f == nil {
		if _, ok := connectRules[n.Func]; ok {
			c.diags.Errorf(n.At, "%s is a connectivity rule; it goes after 'by' in a connect", n.Func)
			return invalidType
		}
		if sym := ctx.scope.Lookup(n.Func); sym != nil && sym.Kind == SymTimedArray {
			return c.timedArrayCall(ctx, n, sym)
		}
		if sym := ctx.scope.Lookup(n.Func); sym != nil {
			c.diags.Errorf(n.At, "%s is %s, not a function", n.Func, an(sym.Kind.String()))
			return invalidType
		}
		c.diags.Hintf(n.At, "the functions are listed in spec/language.md", "unknown function %s", n.Func)
		return invalidType
	}
	if f.Kind == fnRandom {
		// uniform(lo, hi, stream = NAME): checked as uniform(lo, hi).
		var ok bool
		if n, ok = c.namedStream(ctx, n); !ok {
			return invalidType
		}
	}
	if len(n.Args) < f.MinArgs || len(n.Args) > f.MaxArgs {
		want := fmt.Sprint(f.MinArgs)
		if f.MaxArgs != f.MinArgs {
			want = fmt.Sprintf("%d or %d", f.MinArgs, f.MaxArgs)
		}
		c.diags.Errorf(n.At, "%s takes %s arguments, not %d", f.Name, want, len(n.Args))
		return invalidType
	}
	for _, a := range n.Args {
		if a.Name != "" {
			c.diags.Errorf(a.At, "%s takes no named arguments", f.Name)
			return invalidType
		}
	}
	if t, ok := c.popReductionCall(ctx, n, f); ok {
		return t
	}
	if f.Name == "min" && len(n.Args) == 1 {
		c.diags.Hintf(n.At, "min(a, b), or min(POP.VAR) in a global", "min with one argument reduces over a population's or a projection's variable")
		return invalidType
	}
	if f.Kind == fnRandom && !ctx.random {
		c.diags.Hintf(n.At, "draw random numbers in initial values, reset and on-blocks, or use an input source for noise",
			"random draw %s() is not allowed in %s", f.Name, ctx.what)
		return invalidType
	}
	inner := *ctx
	isReduction := f.Kind == fnReduce || f.Name == "max" && len(n.Args) == 1
	if isReduction {
		inner.reduce = true
	}
	args := make([]Type, len(n.Args))
	for i, a := range n.Args {
		args[i] = c.node(&inner, a.X)
		if args[i].Kind == KindInvalid {
			return invalidType
		}
	}
	wantReal := func(i int) bool {
		if args[i].Kind != KindReal {
			c.diags.Errorf(n.Args[i].At, "%s: %s must be a number, not %s", f.Name, f.argName(i), args[i])
			return false
		}
		return true
	}
	switch f.Kind {
	case fnDimensionless:
		if !wantReal(0) {
			return invalidType
		}
		if !args[0].Dim.IsDimensionless() {
			c.diags.Hintf(n.Args[0].At, fmt.Sprintf("divide by a unit, e.g. %s(x / %s)", f.Name, args[0].Dim),
				"%s needs a dimensionless argument, not %s", f.Name, args[0].Dim.Describe())
			return invalidType
		}
		return RealOf(Dimensionless)
	case fnSqrt:
		if !wantReal(0) {
			return invalidType
		}
		d, ok := args[0].Dim.Sqrt()
		if !ok {
			c.diags.Errorf(n.Args[0].At, "sqrt of %s has no dimension with integer or half-integer exponents", args[0].Dim.Describe())
			return invalidType
		}
		return RealOf(d)
	case fnSign:
		if !wantReal(0) {
			return invalidType
		}
		return RealOf(Dimensionless)
	case fnSameDim:
		if f.Name == "max" && len(args) == 1 {
			return c.reduction(ctx, n, f, args[0])
		}
		return c.sameDim(n, f, args, 0)
	case fnWhere:
		if args[0].Kind != KindBool {
			c.diags.Errorf(n.Args[0].At, "where: the first argument must be a condition, not %s", args[0])
			return invalidType
		}
		if args[1].Kind == KindBool && args[2].Kind == KindBool {
			return boolType
		}
		return c.sameDim(n, f, args, 1)
	case fnPow:
		if !wantReal(0) || !wantReal(1) {
			return invalidType
		}
		return c.power(ctx, n.At, args[0], n.Args[1].X, args[1])
	case fnRandom:
		return c.sameDim(n, f, args, 0)
	case fnReduce:
		return c.reduction(ctx, n, f, args[0])
	case fnHeaviside:
		// x of any dimension (only its sign matters), h0 a plain number.
		if !wantReal(0) || len(args) == 2 && !wantReal(1) {
			return invalidType
		}
		if len(args) == 2 && !args[1].Dim.IsDimensionless() {
			c.diags.Errorf(n.Args[1].At, "heaviside: h0 must be dimensionless, not %s", args[1].Dim.Describe())
			return invalidType
		}
		return RealOf(Dimensionless)
	case fnInt:
		if args[0].Kind == KindBool {
			return RealOf(Dimensionless) // Brian2's int(cond): 1 or 0
		}
		if !wantReal(0) {
			return invalidType
		}
		if !args[0].Dim.IsDimensionless() {
			c.diags.Hintf(n.Args[0].At, fmt.Sprintf("divide by a unit, e.g. int(x / %s)", args[0].Dim),
				"int needs a dimensionless argument, not %s", args[0].Dim.Describe())
			return invalidType
		}
		return RealOf(Dimensionless)
	}
	panic("lang: unhandled function kind")
}

// sameDim checks that arguments from index first on are numbers of one
// dimension (a plain 0 fits any) and returns it.
func (c *checker) sameDim(n *CallExpr, f *Func, args []Type, first int) Type {
	var d *Dim
	for i := first; i < len(args); i++ {
		if args[i].Kind != KindReal {
			c.diags.Errorf(n.Args[i].At, "%s: %s must be a number, not %s", f.Name, f.argName(i), args[i])
			return invalidType
		}
		if isZero(n.Args[i].X) {
			continue
		}
		if d == nil {
			d = &args[i].Dim
		} else if *d != args[i].Dim {
			c.diags.Errorf(n.Args[i].At, "%s: %s has dimension %s, but the earlier arguments have %s",
				f.Name, f.argName(i), args[i].Dim.Describe(), d.Describe())
			return invalidType
		}
	}
	if d == nil {
		return RealOf(Dimensionless)
	}
	if (f.Name == "floor" || f.Name == "ceil") && !d.IsDimensionless() {
		c.diags.Hintf(n.At, "divide by a unit first", "%s needs a dimensionless argument, not %s", f.Name, d.Describe())
		return invalidType
	}
	return RealOf(*d)
}

// reduction types sum, mean, any and one-argument max over the segments of
// a dendrite array.
func (c *checker) reduction(ctx *exprCtx, n *CallExpr, f *Func, arg Type) Type {
	if ctx.body != nil && ctx.body.IsArray {
		c.diags.Errorf(n.At, "%s inside dendrite %s would read its own segments; reductions over segments belong in the neuron", f.Name, ctx.body.Name)
		return invalidType
	}
	if !mentionsSegments(n.Args[0].X, c) {
		c.diags.Errorf(n.At, "%s reduces over a dendrite's segments; its argument reads no dendrite array", f.Name)
		return invalidType
	}
	if f.Name == "any" {
		if arg.Kind != KindBool {
			c.diags.Errorf(n.Args[0].At, "any needs a condition, not %s", arg)
			return invalidType
		}
		return boolType
	}
	if arg.Kind != KindReal {
		c.diags.Errorf(n.Args[0].At, "%s needs a number, not %s", f.Name, arg)
		return invalidType
	}
	return arg
}

// mentionsSegments reports whether n reads a variable of a dendrite array.
func mentionsSegments(n Node, c *checker) bool {
	found := false
	walkNode(n, func(m Node) {
		if ref, ok := m.(*NameRef); ok {
			if sym := c.info.Uses[ref]; sym != nil && sym.Owner != nil && sym.Owner.IsArray || c.segmentRefs[ref] {
				found = true
			}
		}
	})
	return found
}

// walkNode calls f on n and every node inside it.
func walkNode(n Node, f func(Node)) {
	if n == nil {
		return
	}
	f(n)
	switch n := n.(type) {
	case *CallExpr:
		for _, a := range n.Args {
			walkNode(a.X, f)
		}
	case *UnaryNode:
		walkNode(n.X, f)
	case *BinaryNode:
		walkNode(n.X, f)
		walkNode(n.Y, f)
	case *ListLit:
		for _, e := range n.Elems {
			walkNode(e, f)
		}
	case *TupleLit:
		for _, e := range n.Elems {
			walkNode(e, f)
		}
	}
}

// unitType evaluates a declared unit such as mV/ms.
func (c *checker) unitType(u *UnitExpr) (Dim, bool) {
	d, ok := c.unitFactor(u.First)
	for _, r := range u.Rest {
		e, ok2 := c.unitFactor(r.Factor)
		ok = ok && ok2
		if r.Op == "*" {
			d = d.Mul(e)
		} else {
			d = d.Div(e)
		}
		if ok && c.boundedDim(posOf(r.Pos), d).Kind == KindInvalid {
			return d, false
		}
	}
	return d, ok
}

func (c *checker) unitFactor(f *UnitFactor) (Dim, bool) {
	var d Dim
	switch {
	case f.Name != "":
		u, ok := units[f.Name]
		if !ok {
			c.unknownUnit(posOf(f.Pos), f.Name)
			return d, false
		}
		d = u.Dim
	case f.One != "":
		if f.One != "1" {
			c.diags.Hintf(posOf(f.Pos), "write 1 for a dimensionless quantity", "a unit cannot be the number %s", f.One)
			return d, false
		}
	case f.Sqrt != nil:
		inner, ok := c.unitType(f.Sqrt)
		if !ok {
			return d, false
		}
		if d, ok = inner.Sqrt(); !ok {
			c.diags.Errorf(posOf(f.Pos), "sqrt of %s has no dimension with integer or half-integer exponents", inner.Describe())
			return d, false
		}
	default:
		var ok bool
		if d, ok = c.unitType(f.Group); !ok {
			return d, false
		}
	}
	if f.Power != "" {
		// A power is a small integer or half-integer (s**0.5, ms**-1.5),
		// read in halves as Dim counts exponents.
		var n int
		v, err := strconv.ParseFloat(f.Power, 64)
		if err != nil || strings.ContainsAny(f.Power, "eE") || v != math.Trunc(2*v)/2 || v > 16 {
			c.diags.Errorf(posOf(f.Pos), "unit power must be a small integer or half-integer, not %s", f.Power)
			return d, false
		}
		n = int(2 * v)
		if f.Neg {
			n = -n
		}
		for _, e := range d {
			if abs(int(e)*n) > 2*one*maxDimExponent {
				c.diags.Errorf(posOf(f.Pos), "unit power too large")
				return d, false
			}
		}
		p, ok := d.PowHalf(n)
		if !ok {
			c.diags.Errorf(posOf(f.Pos), "%s to the power %s has no dimension with integer or half-integer exponents", d, f.Power)
			return d, false
		}
		d = p
	}
	return d, true
}

// exprPos is where an expression starts, for messages about the whole
// expression (a BinaryNode's own position is its operator's).
func exprPos(e *Expr) Pos {
	if e.Pos.Line > 0 {
		return posOf(e.Pos)
	}
	return e.X.Pos()
}
