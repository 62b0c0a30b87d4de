package passes

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"snnc/ir"
)

// Diagnostic is an error in the user's model found by a pass, with the
// source position of the construct.
type Diagnostic struct {
	Pos  ir.Pos
	Msg  string
	Hint string
}

func (d *Diagnostic) Error() string { return fmt.Sprintf("%s: %s", d.Pos, d.Msg) }

// Diagnostics are the errors a pass found, in the order of the module.
type Diagnostics []*Diagnostic

func (ds Diagnostics) Error() string {
	if len(ds) == 1 {
		return ds[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", ds[0].Error(), len(ds)-1)
}

// Discretize replaces the ode instructions of every update kernel by the
// update of one time step, and makes traces decay exactly.
//
// The method follows the body's hint; without one, the rule is: exact if
// the system is linear with constant coefficients, else exponential Euler
// if every equation is linear in its own variable, else RK4. The method
// each equation got, and why, is noted on the kernel.
func Discretize(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	dt := m.Run.Dt
	// Coupled compartments first: some dendrites' ODEs join their soma's.
	split, diags := coupleCompartments(m)
	var owners []*owner
	for _, p := range m.Populations {
		owners = append(owners, &owner{vars: &p.Vars, kernels: &p.Kernels, driven: p.Driven()})
		for _, d := range p.Dendrites {
			owners = append(owners, &owner{vars: &d.Vars, kernels: &d.Kernels})
		}
	}
	for _, pr := range m.Projections {
		owners = append(owners, &owner{vars: &pr.Vars, kernels: &pr.Kernels})
	}
	for _, o := range owners {
		o.globals = m.Params
		k := ir.KernelNamed(*o.kernels, "update")
		if k == nil {
			continue
		}
		o.split = split[k]
		if d := discretizeKernel(k, o, dt); d != nil {
			diags = append(diags, d)
		}
		o.finish()
	}
	if len(diags) > 0 {
		return diags
	}
	for _, p := range m.Populations {
		stepTraces(p.Vars, &p.Kernels, dt)
		for _, d := range p.Dendrites {
			stepTraces(d.Vars, &d.Kernels, dt)
		}
	}
	for _, pr := range m.Projections {
		lazyTraces(pr)
	}
	return nil
}

// owner is what an update kernel belongs to: the variables and kernels of
// a population, dendrite or projection, and the parameters currents drive.
type owner struct {
	vars    *[]*ir.Var
	kernels *[]*ir.Kernel
	driven  map[string]bool
	prepare *ir.Builder // the prepare kernel, once needed
	// split says, for an ODE variable coupled with a compartment whose
	// ODEs another kernel integrates, what it reads (compartments.go).
	split   map[string]string
	globals []*ir.Var // the module's parameters, which kernels read too
}

// prep returns a builder for the owner's prepare kernel, creating it.
func (o *owner) prep() *ir.Builder {
	if o.prepare == nil {
		k, b := ir.NewKernel("prepare", ir.TVoid)
		*o.kernels = append(*o.kernels, k)
		o.prepare = b
	}
	return o.prepare
}

// finish ends the prepare kernel, if one was made.
func (o *owner) finish() {
	if o.prepare != nil {
		o.prepare.Ret()
		dceKernel(o.prepare.Kernel)
		o.prepare = nil
	}
}

// hidden declares a state variable the compiler uses, once.
func (o *owner) hidden(name string) {
	if ir.VarNamed(*o.vars, name) == nil {
		*o.vars = append(*o.vars, &ir.Var{Name: name, Kind: ir.VarState, Type: ir.TF64})
	}
}

// odeEq is one equation of a kernel's system.
type odeEq struct {
	in  *ir.Instr
	aux ir.ODEAux
	rhs ir.Value
}

func discretizeKernel(k *ir.Kernel, o *owner, dt float64) *Diagnostic {
	var eqs []odeEq
	var last *ir.Instr
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			if in.Op == ir.OpODE {
				eqs = append(eqs, odeEq{in: in, aux: in.Aux.(ir.ODEAux), rhs: in.Args[0]})
				last = in
			}
		}
	}
	if len(eqs) == 0 {
		return nil
	}
	sys := newSystem(eqs)
	method, why := eqs[0].aux.Method, "the model's hint"
	// The new values are computed where the last ode stood, from the
	// values of the step's start, and stored after all of them. (The
	// analysis below emits there too; what is not used is removed.)
	blk := last.Block
	ins := newInserter(blk, indexOfInstr(blk, last), last.Pos)

	// Exact integration: with constant coefficients the propagator is
	// computed now; with coefficients from runtime or per-element
	// parameters, by a prepare kernel once per run.
	exactErr := sys.numericReason()
	if exactErr == nil {
		if d := sys.nonFinite(); d != nil {
			ins.done()
			return d
		}
	}
	var plan *symPlan
	if exactErr != nil {
		var symErr *reason
		plan, symErr = sys.symbolicPlan(&ins.Builder, o.driven)
		if symErr == nil {
			exactErr = nil
		} else if symErr.msg != "" {
			exactErr = symErr
		}
	}
	if method == "exact" && exactErr != nil {
		ins.done()
		return &Diagnostic{Pos: exactErr.pos, Msg: "method exact, but " + exactErr.msg,
			Hint: "exact integration needs linear equations whose coefficients are fixed during a run; use method exponential_euler or rk4"}
	}
	if method == "" {
		switch {
		case exactErr == nil:
			method, why = "exact", "default: linear"
		case sys.conditionallyLinear():
			method, why = "exponential_euler", "default: "+exactErr.msg+"; each equation is linear in its own variable"
		default:
			method, why = "rk4", "default: "+exactErr.msg
		}
	}
	if method == "exponential_euler" && !sys.conditionallyLinear() {
		ins.done()
		return &Diagnostic{Pos: eqs[0].in.Pos, Msg: "method exponential_euler, but an equation is not linear in its own variable",
			Hint: "use method rk4 or euler"}
	}
	firstNote := len(k.Notes)
	for _, eq := range eqs {
		note := fmt.Sprintf("d%s/dt: %s (%s)", eq.aux.Var, method, why)
		switch {
		case method == "exact" && plan != nil:
			note = fmt.Sprintf("d%s/dt: exact, propagator computed once per run by the prepare kernel (%s; linear, with coefficients from runtime or per-element parameters)", eq.aux.Var, why)
		case method == "exact":
			note = fmt.Sprintf("d%s/dt: exact, propagator computed at compile time (%s; linear with constant coefficients)", eq.aux.Var, why)
		}
		if from := o.split[eq.aux.Var]; from != "" {
			note = splitNote(eq.aux.Var, method, why, from)
		}
		k.Notes = append(k.Notes, note)
	}
	old := make([]ir.Value, len(eqs))
	for i, eq := range eqs {
		old[i] = ins.Emit(ir.OpLoad, ir.TF64, eq.aux.Var)
	}
	var next []ir.Value
	switch method {
	case "exact":
		var checked []string
		var d *Diagnostic
		if plan != nil {
			next, checked, d = sys.symbolicExact(&ins.Builder, o, plan, old, dt)
		} else {
			next, checked, d = sys.exact(&ins.Builder, old, dt)
		}
		if d != nil {
			ins.done()
			return d
		}
		for i, c := range checked {
			k.Notes[firstNote+i] += "; " + c
		}
	case "exponential_euler":
		next = sys.exponentialEuler(&ins.Builder, old, dt)
	case "euler":
		next = sys.euler(&ins.Builder, old, dt)
	case "rk4":
		next = sys.rk4(&ins.Builder, old, dt)
	default:
		return &Diagnostic{Pos: last.Pos, Msg: "unknown integration method " + method}
	}
	frozen, checkedFrozen, d := sys.whileRefractory(&ins.Builder, o, method, old, dt)
	if d != nil {
		ins.done()
		return d
	}
	if frozen != nil {
		note := frozenNote(eqs)
		if len(checkedFrozen) > 0 {
			note += "; its propagator " + strings.Join(checkedFrozen, "; ")
		}
		k.Notes = append(k.Notes, note)
	}
	var refr ir.Value
	for i, eq := range eqs {
		v := next[i]
		if eq.aux.Unless || (frozen != nil && frozen[i] != nil) {
			if refr == nil {
				refr = ins.Emit(ir.OpRefract, ir.TBool, nil)
			}
			if eq.aux.Unless {
				v = ins.Select(refr, old[i], v)
			} else {
				v = ins.Select(refr, frozen[i], v)
			}
		}
		next[i] = v
	}
	for i, eq := range eqs {
		ins.Store(eq.aux.Var, next[i])
	}
	ins.done()
	for _, eq := range eqs {
		removeInstr(eq.in)
	}
	dceKernel(k)
	return nil
}

func indexOfInstr(b *ir.Block, in *ir.Instr) int {
	for i, x := range b.Instrs {
		if x == in {
			return i
		}
	}
	panic("passes: instruction not in its block")
}

func removeInstr(in *ir.Instr) {
	b := in.Block
	b.Instrs = append(b.Instrs[:indexOfInstr(b, in)], b.Instrs[indexOfInstr(b, in)+1:]...)
}

// system is the set of equations of one kernel, with what is known of the
// dependence of each value on the system's variables.
type system struct {
	eqs   []odeEq
	index map[string]int // variable -> equation
	deps  map[ir.Value]bool
	tdeps map[ir.Value]bool // dependsOnTime's memo
}

func newSystem(eqs []odeEq) *system {
	s := &system{eqs: eqs, index: map[string]int{}, deps: map[ir.Value]bool{}, tdeps: map[ir.Value]bool{}}
	for i, eq := range eqs {
		s.index[eq.aux.Var] = i
	}
	return s
}

// stateVar returns the equation index of a load of a system variable.
func (s *system) stateVar(v ir.Value) (int, bool) {
	in, ok := v.(*ir.Instr)
	if !ok || in.Op != ir.OpLoad {
		return 0, false
	}
	i, ok := s.index[in.VarName()]
	return i, ok
}

// dependsOnState reports whether v reads a variable of the system. Block
// parameters (the accumulators of reductions over dendrite segments) are
// taken as inputs: reductions are evaluated once per step.
func (s *system) dependsOnState(v ir.Value) bool {
	if d, ok := s.deps[v]; ok {
		return d
	}
	d := false
	if _, ok := s.stateVar(v); ok {
		d = true
	} else if in, ok := v.(*ir.Instr); ok {
		for _, a := range in.Args {
			if s.dependsOnState(a) {
				d = true
				break
			}
		}
	}
	s.deps[v] = d
	return d
}

// linear is a right side as sum(coef[j] * x_j) + sum(inputs) + c, with
// numeric coefficients.
type linear struct {
	coef   []float64
	inputs []ir.Value
	inCoef []float64
	c      float64
}

type reason struct {
	pos ir.Pos
	msg string
}

func (l *linear) scale(f float64) *linear {
	out := &linear{coef: make([]float64, len(l.coef)), c: l.c * f}
	for i, x := range l.coef {
		out.coef[i] = x * f
	}
	for i, v := range l.inputs {
		out.inputs = append(out.inputs, v)
		out.inCoef = append(out.inCoef, l.inCoef[i]*f)
	}
	return out
}

func (l *linear) add(r *linear, sign float64) *linear {
	out := &linear{coef: make([]float64, len(l.coef)), c: l.c + sign*r.c}
	for i := range l.coef {
		out.coef[i] = l.coef[i] + sign*r.coef[i]
	}
	out.inputs = append(out.inputs, l.inputs...)
	out.inCoef = append(out.inCoef, l.inCoef...)
	for i, v := range r.inputs {
		out.inputs = append(out.inputs, v)
		out.inCoef = append(out.inCoef, sign*r.inCoef[i])
	}
	return out
}

// isConstant reports whether l is a plain number.
func (l *linear) isConstant() bool {
	if len(l.inputs) > 0 {
		return false
	}
	for _, x := range l.coef {
		if x != 0 {
			return false
		}
	}
	return true
}

// lin writes v as a linear form, or says why it is not one with constant
// coefficients.
func (s *system) lin(v ir.Value) (*linear, *reason) {
	n := len(s.eqs)
	if i, ok := s.stateVar(v); ok {
		l := &linear{coef: make([]float64, n)}
		l.coef[i] = 1
		return l, nil
	}
	if x, ok := constantValue(v); ok {
		return &linear{coef: make([]float64, n), c: x}, nil
	}
	if !s.dependsOnState(v) {
		return &linear{coef: make([]float64, n), inputs: []ir.Value{v}, inCoef: []float64{1}}, nil
	}
	in := v.(*ir.Instr)
	pos := in.Pos
	switch in.Op {
	case ir.OpNeg, ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv:
	default:
		return nil, &reason{pos, fmt.Sprintf("it applies %s to the state", in.Op)}
	}
	x, r := s.lin(in.Args[0])
	if r != nil {
		return nil, r
	}
	if in.Op == ir.OpNeg {
		return x.scale(-1), nil
	}
	if in.Op == ir.OpDiv && s.dependsOnState(in.Args[1]) {
		return nil, &reason{pos, "it divides by a term that depends on the state"}
	}
	y, r := s.lin(in.Args[1])
	if r != nil {
		return nil, r
	}
	notConstant := &reason{pos, "a coefficient depends on a value that is not a compile-time constant (a runtime or per-neuron parameter, or another variable)"}
	switch in.Op {
	case ir.OpAdd:
		return x.add(y, 1), nil
	case ir.OpSub:
		return x.add(y, -1), nil
	case ir.OpMul:
		switch {
		case x.isConstant():
			return y.scale(x.c), nil
		case y.isConstant():
			return x.scale(y.c), nil
		case s.dependsOnState(in.Args[0]) && s.dependsOnState(in.Args[1]):
			return nil, &reason{pos, "it multiplies two terms that depend on the state"}
		}
		return nil, notConstant
	}
	if !y.isConstant() { // OpDiv
		return nil, notConstant
	}
	return x.scale(1 / y.c), nil
}

// constantValue evaluates v if it is computed from constants alone, as
// the fold pass would: the ode pass must make the same propagator whether
// or not fold ran before it (spec/ir.md calls fold exact), and without
// fold a literal such as -70 mV reaches it as neg 0.07.
func constantValue(v ir.Value) (float64, bool) {
	if x, ok := constOf(v); ok {
		return x, true
	}
	in, ok := v.(*ir.Instr)
	if !ok || in.Typ != ir.TF64 || len(in.Args) == 0 || len(in.Args) > 2 {
		return 0, false
	}
	args := make([]float64, 2)
	for i, a := range in.Args {
		x, ok := constantValue(a)
		if !ok {
			return 0, false
		}
		args[i] = x
	}
	if in.Op == ir.OpPow && len(in.Args) == 2 && args[1] == 2 {
		return args[0] * args[0], true // fold's squareToMul
	}
	return arith(in.Op, args[0], args[1])
}

// numericReason returns why the system has no compile-time propagator, or
// nil.
func (s *system) numericReason() *reason {
	for _, eq := range s.eqs {
		if _, r := s.lin(eq.rhs); r != nil {
			r.msg = fmt.Sprintf("d%s/dt is not linear with constant coefficients: %s", eq.aux.Var, r.msg)
			return r
		}
	}
	return nil
}

// nonFinite reports a linear system with an infinite or NaN coefficient,
// such as the 1/tau of a time constant of 0: no method can integrate it,
// and the matrix exponential of such a matrix does not converge.
func (s *system) nonFinite() *Diagnostic {
	for _, eq := range s.eqs {
		f, _ := s.lin(eq.rhs)
		values := append(append(append([]float64{}, f.coef...), f.inCoef...), f.c)
		for _, x := range values {
			if math.IsInf(x, 0) || math.IsNaN(x) {
				return &Diagnostic{Pos: eq.in.Pos, Msg: fmt.Sprintf("d%s/dt has a coefficient that is not finite (%g)", eq.aux.Var, x),
					Hint: "a time constant or another divisor is zero"}
			}
		}
	}
	return nil
}

// symPlan is a linear system with coefficients fixed during a run:
// rhs_i = sum_j coef[i][j] x_j + rest[i], coef nil where zero.
type symPlan struct {
	coef [][]ir.Value
	rest []ir.Value
}

// symbolicPlan splits every right side into coefficients and a state-free
// rest, and checks that the coefficients are fixed during a run. A reason
// with an empty message means the system is not linear (numericReason says
// how).
func (s *system) symbolicPlan(b *ir.Builder, driven map[string]bool) (*symPlan, *reason) {
	plan := &symPlan{}
	for _, eq := range s.eqs {
		coef, rest, ok := s.symLinearAll(b, eq.rhs)
		if !ok {
			return nil, &reason{}
		}
		for _, c := range coef {
			if c == nil {
				continue
			}
			if err := fixedForRun(c, driven); err != nil {
				return nil, &reason{eq.in.Pos, fmt.Sprintf("d%s/dt: %v", eq.aux.Var, err)}
			}
		}
		plan.coef = append(plan.coef, coef)
		plan.rest = append(plan.rest, rest)
	}
	return plan, nil
}

// symLinearAll writes v as sum_j coef[j] x_j + rest with state-free
// coefficient expressions (nil where zero); ok is false if v is not linear.
func (s *system) symLinearAll(b *ir.Builder, v ir.Value) (coef []ir.Value, rest ir.Value, ok bool) {
	coef = make([]ir.Value, len(s.eqs))
	if j, isVar := s.stateVar(v); isVar {
		coef[j] = b.Const(1)
		return coef, nil, true
	}
	if !s.dependsOnState(v) {
		return coef, v, true
	}
	in := v.(*ir.Instr)
	sb := &symBuilder{b}
	switch in.Op {
	case ir.OpNeg:
		c, r, ok := s.symLinearAll(b, in.Args[0])
		for j := range c {
			c[j] = neg(b, c[j])
		}
		return c, neg(b, r), ok
	case ir.OpAdd, ir.OpSub:
		c1, r1, ok1 := s.symLinearAll(b, in.Args[0])
		c2, r2, ok2 := s.symLinearAll(b, in.Args[1])
		if !ok1 || !ok2 {
			return nil, nil, false
		}
		if in.Op == ir.OpSub {
			for j := range c2 {
				c2[j] = neg(b, c2[j])
			}
			r2 = neg(b, r2)
		}
		for j := range coef {
			coef[j] = sb.add(c1[j], c2[j])
		}
		return coef, sb.add(r1, r2), true
	case ir.OpMul, ir.OpDiv:
		x, y := in.Args[0], in.Args[1]
		if in.Op == ir.OpMul && s.dependsOnState(x) {
			x, y = y, x
		}
		factor := x
		if in.Op == ir.OpDiv {
			factor, y = in.Args[1], in.Args[0]
		}
		if s.dependsOnState(factor) {
			return nil, nil, false
		}
		c, r, ok := s.symLinearAll(b, y)
		scale := func(v ir.Value) ir.Value {
			if v == nil {
				return nil
			}
			if in.Op == ir.OpDiv {
				return b.Binary(ir.OpDiv, v, factor)
			}
			return b.Binary(ir.OpMul, factor, v)
		}
		for j := range c {
			c[j] = scale(c[j])
		}
		return c, scale(r), ok
	}
	return nil, nil, false
}

// fixedForRun reports why v may change during a run, or nil: it must be
// built from constants and parameters that no current drives.
func fixedForRun(v ir.Value, driven map[string]bool) error {
	in, ok := v.(*ir.Instr)
	if !ok {
		return fmt.Errorf("a coefficient depends on a value computed in a loop")
	}
	switch {
	case in.Op == ir.OpParam && driven[in.VarName()]:
		return fmt.Errorf("a coefficient depends on %s, which a current changes every step", in.VarName())
	case in.Op == ir.OpLoad || in.Op == ir.OpLoadSeg:
		return fmt.Errorf("a coefficient depends on the variable %s", in.VarName())
	case in.Op == ir.OpTime || in.Op == ir.OpRand || in.Op == ir.OpIndex || in.Op == ir.OpRefract:
		return fmt.Errorf("a coefficient depends on %s", in.Op)
	}
	for _, a := range in.Args {
		if err := fixedForRun(a, driven); err != nil {
			return err
		}
	}
	return nil
}

// exact computes the propagator of x' = A x + B u + c over one step as the
// matrix exponential of the augmented matrix [[A, B, c], [0, 0, 0]] * dt,
// whose last columns give the exact response to inputs held constant
// during the step (structuredExp, propagator.go). The update is then a
// fixed sum of products. Every entry is checked against math/big
// (checkPropagator); checked says, for each equation, how close its row
// came, and an entry beyond propagatorBound is an error at its equation.
func (s *system) exact(b *ir.Builder, old []ir.Value, dt float64) (next []ir.Value, checked []string, d *Diagnostic) {
	n := len(s.eqs)
	forms := make([]*linear, n)
	var inputs []ir.Value
	inputIndex := map[ir.Value]int{}
	for i, eq := range s.eqs {
		forms[i], _ = s.lin(eq.rhs)
		for _, u := range forms[i].inputs {
			if _, seen := inputIndex[u]; !seen {
				inputIndex[u] = len(inputs)
				inputs = append(inputs, u)
			}
		}
	}
	size := n + len(inputs) + 1
	aug := make([][]float64, size)
	for i := range aug {
		aug[i] = make([]float64, size)
	}
	for i, f := range forms {
		for j, a := range f.coef {
			aug[i][j] = a * dt
		}
		// An input that appears in several terms has their coefficients
		// summed first, then multiplied by dt, as the linear form is.
		inCoef := make([]float64, len(inputs))
		for k, u := range f.inputs {
			inCoef[inputIndex[u]] += f.inCoef[k]
		}
		for k, c := range inCoef {
			aug[i][n+k] = c * dt
		}
		aug[i][size-1] = f.c * dt
	}
	e := structuredExp(aug)
	rows, err := checkPropagator(aug, e)
	for i, eq := range s.eqs {
		switch {
		case err != nil:
			return nil, nil, &Diagnostic{Pos: eq.in.Pos, Msg: fmt.Sprintf("the propagator of d%s/dt could not be checked: %v", eq.aux.Var, err),
				Hint: "a limit of snnc's propagator: use a smaller dt, or method rk4"}
		case !(rows[i] <= propagatorBound):
			return nil, nil, &Diagnostic{Pos: eq.in.Pos, Msg: fmt.Sprintf("the propagator of d%s/dt is %.3g ulps from its exact value, beyond the bound of %d", eq.aux.Var, rows[i], propagatorBound),
				Hint: "a limit of snnc's propagator: use a smaller dt, or method rk4"}
		}
		checked = append(checked, fmt.Sprintf("checked against math/big: within %s ulps (bound %d)", fmtUlps(rows[i]), propagatorBound))
	}
	out := make([]ir.Value, n)
	for i := range s.eqs {
		var sum ir.Value
		add := func(term ir.Value) {
			if sum == nil {
				sum = term
			} else {
				sum = b.Binary(ir.OpAdd, sum, term)
			}
		}
		for j := 0; j < n; j++ {
			if p := e[i][j]; p != 0 {
				add(b.Binary(ir.OpMul, b.Const(p), old[j]))
			}
		}
		for k, u := range inputs {
			if p := e[i][n+k]; p != 0 {
				add(b.Binary(ir.OpMul, b.Const(p), u))
			}
		}
		if p := e[i][size-1]; p != 0 {
			add(b.Const(p))
		}
		if sum == nil {
			sum = b.Const(0)
		}
		out[i] = sum
	}
	return out, checked, nil
}

// fmtUlps prints an error in ulps with two significant digits (0.5 is a
// correctly rounded entry).
func fmtUlps(u float64) string {
	return strconv.FormatFloat(u, 'g', 2, 64)
}

// symLinear splits v as a*x + b for the variable of equation i, building the
// coefficient expressions; nil stands for zero. ok is false if v is not
// linear in that variable.
func (s *system) symLinear(b *ir.Builder, v ir.Value, i int) (a, rest ir.Value, ok bool) {
	if j, isVar := s.stateVar(v); isVar && j == i {
		return b.Const(1), nil, true
	}
	if !s.dependsOnVar(v, i) {
		return nil, v, true
	}
	in := v.(*ir.Instr)
	combine := func(op ir.Op, x, y ir.Value) ir.Value {
		switch {
		case x == nil && y == nil:
			return nil
		case y == nil:
			return x
		case x == nil && op == ir.OpSub:
			return b.Unary(ir.OpNeg, y)
		case x == nil:
			return y
		}
		return b.Binary(op, x, y)
	}
	switch in.Op {
	case ir.OpNeg:
		a, r, ok := s.symLinear(b, in.Args[0], i)
		if !ok {
			return nil, nil, false
		}
		return neg(b, a), neg(b, r), true
	case ir.OpAdd, ir.OpSub:
		a1, r1, ok1 := s.symLinear(b, in.Args[0], i)
		a2, r2, ok2 := s.symLinear(b, in.Args[1], i)
		if !ok1 || !ok2 {
			return nil, nil, false
		}
		return combine(in.Op, a1, a2), combine(in.Op, r1, r2), true
	case ir.OpMul:
		x, y := in.Args[0], in.Args[1]
		if s.dependsOnVar(x, i) {
			x, y = y, x
		}
		if s.dependsOnVar(x, i) {
			return nil, nil, false
		}
		a, r, ok := s.symLinear(b, y, i)
		if !ok {
			return nil, nil, false
		}
		return mulOpt(b, x, a), mulOpt(b, x, r), true
	case ir.OpDiv:
		if s.dependsOnVar(in.Args[1], i) {
			return nil, nil, false
		}
		a, r, ok := s.symLinear(b, in.Args[0], i)
		if !ok {
			return nil, nil, false
		}
		div := func(x ir.Value) ir.Value {
			if x == nil {
				return nil
			}
			return b.Binary(ir.OpDiv, x, in.Args[1])
		}
		return div(a), div(r), true
	}
	return nil, nil, false
}

func neg(b *ir.Builder, x ir.Value) ir.Value {
	if x == nil {
		return nil
	}
	return b.Unary(ir.OpNeg, x)
}

func mulOpt(b *ir.Builder, x, y ir.Value) ir.Value {
	if y == nil {
		return nil
	}
	return b.Binary(ir.OpMul, x, y)
}

// dependsOnVar reports whether v reads the variable of equation i.
func (s *system) dependsOnVar(v ir.Value, i int) bool {
	if j, ok := s.stateVar(v); ok {
		return j == i
	}
	in, ok := v.(*ir.Instr)
	if !ok || !s.dependsOnState(v) {
		return false
	}
	for _, a := range in.Args {
		if s.dependsOnVar(a, i) {
			return true
		}
	}
	return false
}

// conditionallyLinear reports whether each equation is linear in its own
// variable (with coefficients that may depend on the others).
func (s *system) conditionallyLinear() bool {
	scratch, b := ir.NewKernel("scratch", ir.TVoid)
	_ = scratch
	for i, eq := range s.eqs {
		if _, _, ok := s.symLinear(b, eq.rhs, i); !ok {
			return false
		}
	}
	return true
}

// exponentialEuler solves x' = a x + b exactly over the step with a and b
// frozen at the step's start: x + (b/a + x)(exp(a dt) - 1), and x + b dt
// where a is zero.
func (s *system) exponentialEuler(b *ir.Builder, old []ir.Value, dt float64) []ir.Value {
	out := make([]ir.Value, len(s.eqs))
	for i, eq := range s.eqs {
		a, rest, _ := s.symLinear(b, eq.rhs, i)
		x := old[i]
		if rest == nil {
			rest = b.Const(0)
		}
		euler := b.Binary(ir.OpAdd, x, b.Binary(ir.OpMul, b.Const(dt), rest))
		if a == nil {
			out[i] = euler
			continue
		}
		e := b.Unary(ir.OpExp, b.Binary(ir.OpMul, a, b.Const(dt)))
		em1 := b.Binary(ir.OpSub, e, b.Const(1))
		expo := b.Binary(ir.OpAdd, x, b.Binary(ir.OpMul, b.Binary(ir.OpAdd, b.Binary(ir.OpDiv, rest, a), x), em1))
		zero := b.Binary(ir.OpEq, a, b.Const(0))
		out[i] = b.Select(zero, euler, expo)
	}
	return out
}

// euler is the forward Euler step x + dt f(x).
func (s *system) euler(b *ir.Builder, old []ir.Value, dt float64) []ir.Value {
	out := make([]ir.Value, len(s.eqs))
	for i, eq := range s.eqs {
		out[i] = b.Binary(ir.OpAdd, old[i], b.Binary(ir.OpMul, b.Const(dt), eq.rhs))
	}
	return out
}

// rk4 is the classical fourth-order Runge-Kutta step; the right sides are
// evaluated again at the intermediate states by cloning their computation,
// and at the intermediate times: a right side that reads t is evaluated at
// t + dt/2 for the second and third stages and at t + dt for the fourth.
// (With t held at the step's start, a forcing term such as sin(w t) was
// integrated by forward Euler, to first order only.)
func (s *system) rk4(b *ir.Builder, old []ir.Value, dt float64) []ir.Value {
	n := len(s.eqs)
	eval := func(state []ir.Value, h float64) []ir.Value {
		memo := map[ir.Value]ir.Value{}
		out := make([]ir.Value, n)
		for i, eq := range s.eqs {
			out[i] = s.clone(b, eq.rhs, state, h, memo)
		}
		return out
	}
	step := func(k []ir.Value, h float64) []ir.Value {
		out := make([]ir.Value, n)
		for i := range k {
			out[i] = b.Binary(ir.OpAdd, old[i], b.Binary(ir.OpMul, b.Const(h), k[i]))
		}
		return out
	}
	k1 := eval(old, 0)
	k2 := eval(step(k1, dt/2), dt/2)
	k3 := eval(step(k2, dt/2), dt/2)
	k4 := eval(step(k3, dt), dt)
	out := make([]ir.Value, n)
	two := b.Const(2)
	for i := range out {
		sum := b.Binary(ir.OpAdd, k1[i], b.Binary(ir.OpMul, two, k2[i]))
		sum = b.Binary(ir.OpAdd, sum, b.Binary(ir.OpMul, two, k3[i]))
		sum = b.Binary(ir.OpAdd, sum, k4[i])
		out[i] = b.Binary(ir.OpAdd, old[i], b.Binary(ir.OpMul, b.Const(dt/6), sum))
	}
	return out
}

// clone re-evaluates v with the system's variables replaced by state and,
// where h is not 0, the time t by t + h.
func (s *system) clone(b *ir.Builder, v ir.Value, state []ir.Value, h float64, memo map[ir.Value]ir.Value) ir.Value {
	if i, ok := s.stateVar(v); ok {
		return state[i]
	}
	if !s.dependsOnState(v) && (h == 0 || !dependsOnTime(v, s.tdeps)) {
		return v
	}
	if c, ok := memo[v]; ok {
		return c
	}
	in := v.(*ir.Instr)
	var c ir.Value
	if in.Op == ir.OpTime {
		c = b.Binary(ir.OpAdd, in, b.Const(h))
	} else {
		args := make([]ir.Value, len(in.Args))
		for i, a := range in.Args {
			args[i] = s.clone(b, a, state, h, memo)
		}
		c = b.Emit(in.Op, in.Typ, in.Aux, args...)
	}
	memo[v] = c
	return c
}

// dependsOnTime reports whether v reads the time t.
func dependsOnTime(v ir.Value, memo map[ir.Value]bool) bool {
	if d, ok := memo[v]; ok {
		return d
	}
	d := false
	if in, ok := v.(*ir.Instr); ok {
		d = in.Op == ir.OpTime
		for _, a := range in.Args {
			if !d && dependsOnTime(a, memo) {
				d = true
			}
		}
	}
	memo[v] = d
	return d
}

// stepTraces makes the traces of a neuron, dendrite or global decay
// exactly every step, at the end of its update kernel.
func stepTraces(vars []*ir.Var, kernels *[]*ir.Kernel, dt float64) {
	var traces []*ir.Var
	for _, v := range vars {
		if v.Kind == ir.VarTrace {
			traces = append(traces, v)
		}
	}
	if len(traces) == 0 {
		return
	}
	k := ir.KernelNamed(*kernels, "update")
	if k == nil {
		var b *ir.Builder
		k, b = ir.NewKernel("update", ir.TVoid)
		b.Ret()
		*kernels = append(*kernels, k)
	}
	blk := k.Blocks[len(k.Blocks)-1]
	ins := newInserter(blk, len(blk.Instrs)-1, ir.Pos{})
	for _, t := range traces {
		f := ins.Unary(ir.OpExp, ins.Binary(ir.OpDiv, ins.Const(-dt), tauValue(&ins.Builder, t)))
		ins.Store(t.Name, ins.Binary(ir.OpMul, ins.Emit(ir.OpLoad, ir.TF64, t.Name), f))
		k.Notes = append(k.Notes, fmt.Sprintf("trace %s: exact decay every step", t.Name))
	}
	ins.done()
}

// tauValue is a trace's time constant: a number or a parameter.
func tauValue(b *ir.Builder, t *ir.Var) ir.Value {
	if x, err := strconv.ParseFloat(t.Tau, 64); err == nil {
		return b.Const(x)
	}
	return b.Emit(ir.OpParam, ir.TF64, t.Tau)
}

// TraceClock is the per-synapse variable holding the time of the last
// event, from which lazily updated traces decay.
const TraceClock = "trace.tlast"

// lazyTraces brings a projection's traces up to date at the start of each
// event kernel: x *= exp(-(t - tlast) / tau), then tlast = t.
func lazyTraces(pr *ir.Projection) {
	var traces []*ir.Var
	for _, v := range pr.Vars {
		if v.Kind == ir.VarTrace {
			traces = append(traces, v)
		}
	}
	if len(traces) == 0 || ir.VarNamed(pr.Vars, TraceClock) != nil {
		return
	}
	pr.Vars = append(pr.Vars, &ir.Var{Name: TraceClock, Kind: ir.VarState, Type: ir.TF64})
	if k := ir.KernelNamed(pr.Kernels, "init"); k != nil {
		blk := k.Blocks[len(k.Blocks)-1]
		ins := newInserter(blk, len(blk.Instrs)-1, ir.Pos{})
		ins.Store(TraceClock, ins.Const(0))
		ins.done()
	}
	for _, k := range pr.Kernels {
		if !strings.HasPrefix(k.Name, "on_") {
			continue
		}
		ins := newInserter(k.Blocks[0], 0, ir.Pos{})
		now := ins.Emit(ir.OpTime, ir.TF64, nil)
		elapsed := ins.Binary(ir.OpSub, now, ins.Emit(ir.OpLoad, ir.TF64, TraceClock))
		var names []string
		for _, t := range traces {
			f := ins.Unary(ir.OpExp, ins.Binary(ir.OpDiv, ins.Unary(ir.OpNeg, elapsed), tauValue(&ins.Builder, t)))
			ins.Store(t.Name, ins.Binary(ir.OpMul, ins.Emit(ir.OpLoad, ir.TF64, t.Name), f))
			names = append(names, t.Name)
		}
		ins.Store(TraceClock, now)
		ins.done()
		k.Notes = append(k.Notes, "traces "+strings.Join(names, ", ")+": exact decay since the synapse's last event")
	}
}
