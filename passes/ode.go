package passes

import (
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

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

// Discretize replaces the ode instructions of every update kernel by the
// update of one time step, and makes traces decay exactly.
//
// The method follows the body's hint; without one, the rule is: exact if
// the system is linear with constant coefficients, else exponential Euler
// if every equation is linear in its own variable, else RK4. The method
// each equation got, and why, is noted on the kernel.
func Discretize(m *ir.Module) error {
	dt := m.Run.Dt
	var errs []error
	m.Kernels(func(owner string, k *ir.Kernel) {
		if k.Name != "update" {
			return
		}
		if err := discretizeKernel(k, dt); err != nil {
			errs = append(errs, err)
		}
	})
	for _, p := range m.Populations {
		stepTraces(p.Vars, &p.Kernels, dt)
		for _, d := range p.Dendrites {
			stepTraces(d.Vars, &d.Kernels, dt)
		}
	}
	for _, pr := range m.Projections {
		lazyTraces(pr)
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// odeEq is one equation of a kernel's system.
type odeEq struct {
	in  *ir.Instr
	aux ir.ODEAux
	rhs ir.Value
}

func discretizeKernel(k *ir.Kernel, dt float64) error {
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
	// Exact integration: the equations with constant coefficients get a
	// propagator computed at compile time; an equation whose coefficients
	// depend on runtime or per-neuron parameters is solved exactly in the
	// kernel if it is decoupled from the others.
	symbolic, exactErr := sys.exactSplit()
	if method == "exact" && exactErr != nil {
		return &Diagnostic{Pos: exactErr.pos, Msg: "method exact, but " + exactErr.msg,
			Hint: "exact integration needs linear equations with constant coefficients; use method exponential_euler or rk4"}
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
		return &Diagnostic{Pos: eqs[0].in.Pos, Msg: "method exponential_euler, but an equation is not linear in its own variable",
			Hint: "use method rk4 or euler"}
	}
	for i, eq := range eqs {
		note := fmt.Sprintf("d%s/dt: %s (%s)", eq.aux.Var, method, why)
		if method == "exact" {
			if symbolic[i] {
				note = fmt.Sprintf("d%s/dt: exact, computed in the kernel (%s; decoupled, with coefficients from runtime or per-element parameters)", eq.aux.Var, why)
			} else {
				note = fmt.Sprintf("d%s/dt: exact, propagator computed at compile time (%s; linear with constant coefficients)", eq.aux.Var, why)
			}
		}
		k.Notes = append(k.Notes, note)
	}

	// The new values are computed where the last ode stood, from the
	// values of the step's start, and stored after all of them.
	blk := last.Block
	at := indexOfInstr(blk, last)
	ins := newInserter(blk, at, last.Pos)
	old := make([]ir.Value, len(eqs))
	for i, eq := range eqs {
		old[i] = ins.Emit(ir.OpLoad, ir.TF64, eq.aux.Var)
	}
	var next []ir.Value
	switch method {
	case "exact":
		next = sys.exactMixed(&ins.Builder, old, dt, symbolic)
	case "exponential_euler":
		next = sys.exponentialEuler(&ins.Builder, old, dt, nil)
	case "euler":
		next = sys.euler(&ins.Builder, old, dt)
	case "rk4":
		next = sys.rk4(&ins.Builder, old, dt)
	default:
		return &Diagnostic{Pos: last.Pos, Msg: "unknown integration method " + method}
	}
	var refr ir.Value
	for i, eq := range eqs {
		v := next[i]
		if eq.aux.Unless {
			if refr == nil {
				refr = ins.Emit(ir.OpRefract, ir.TBool, nil)
			}
			v = ins.Select(refr, old[i], v)
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
}

func newSystem(eqs []odeEq) *system {
	s := &system{eqs: eqs, index: map[string]int{}, deps: map[ir.Value]bool{}}
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
	if x, ok := constOf(v); ok {
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

// exactSplit decides whether the system can be integrated exactly: each
// equation either is linear with constant coefficients, or is
// linear in its own variable alone with coefficients free of the state, and
// no other equation reads its variable (symbolic). It returns which
// equations are symbolic, or why exact integration is impossible.
func (s *system) exactSplit() (symbolic []bool, why *reason) {
	symbolic = make([]bool, len(s.eqs))
	_, scratch := ir.NewKernel("scratch", ir.TVoid)
	for i, eq := range s.eqs {
		_, r := s.lin(eq.rhs)
		if r == nil {
			continue
		}
		_, rest, ok := s.symLinear(scratch, eq.rhs, i)
		decoupled := ok && (rest == nil || !s.dependsOnState(rest))
		for j, other := range s.eqs {
			if j != i && s.dependsOnVar(other.rhs, i) {
				decoupled = false
			}
		}
		if !decoupled {
			r.msg = fmt.Sprintf("d%s/dt is not linear with constant coefficients: %s", eq.aux.Var, r.msg)
			return nil, r
		}
		symbolic[i] = true
	}
	return symbolic, nil
}

// exactMixed integrates the numeric equations with a compile-time
// propagator and each symbolic one with its exact scalar solution.
func (s *system) exactMixed(b *ir.Builder, old []ir.Value, dt float64, symbolic []bool) []ir.Value {
	var numEqs []odeEq
	var numOld []ir.Value
	for i, eq := range s.eqs {
		if !symbolic[i] {
			numEqs = append(numEqs, eq)
			numOld = append(numOld, old[i])
		}
	}
	out := make([]ir.Value, len(s.eqs))
	if len(numEqs) > 0 {
		sub := newSystem(numEqs)
		vals := sub.exact(b, numOld, dt)
		k := 0
		for i := range s.eqs {
			if !symbolic[i] {
				out[i] = vals[k]
				k++
			}
		}
	}
	// The scalar solution is exact for a decoupled equation.
	sym := s.exponentialEuler(b, old, dt, func(i int) bool { return symbolic[i] })
	for i := range s.eqs {
		if symbolic[i] {
			out[i] = sym[i]
		}
	}
	return out
}

// exact computes the propagator of x' = A x + B u + c over one step as the
// matrix exponential of the augmented matrix [[A, B, c], [0, 0, 0]] * dt,
// whose last columns give the exact response to inputs held constant
// during the step. The update is then a fixed sum of products.
func (s *system) exact(b *ir.Builder, old []ir.Value, dt float64) []ir.Value {
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
	aug := mat.NewDense(size, size, nil)
	for i, f := range forms {
		for j, a := range f.coef {
			aug.Set(i, j, a*dt)
		}
		for k, u := range f.inputs {
			col := n + inputIndex[u]
			aug.Set(i, col, aug.At(i, col)+f.inCoef[k]*dt)
		}
		aug.Set(i, size-1, f.c*dt)
	}
	var e mat.Dense
	e.Exp(aug)
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
			if p := e.At(i, j); p != 0 {
				add(b.Binary(ir.OpMul, b.Const(p), old[j]))
			}
		}
		for k, u := range inputs {
			if p := e.At(i, n+k); p != 0 {
				add(b.Binary(ir.OpMul, b.Const(p), u))
			}
		}
		if p := e.At(i, size-1); p != 0 {
			add(b.Const(p))
		}
		if sum == nil {
			sum = b.Const(0)
		}
		out[i] = sum
	}
	return out
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
//
// Only the equations for which want returns true are updated (nil: all).
func (s *system) exponentialEuler(b *ir.Builder, old []ir.Value, dt float64, want func(int) bool) []ir.Value {
	out := make([]ir.Value, len(s.eqs))
	for i, eq := range s.eqs {
		if want != nil && !want(i) {
			continue
		}
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
// evaluated again at the intermediate states by cloning their computation.
func (s *system) rk4(b *ir.Builder, old []ir.Value, dt float64) []ir.Value {
	n := len(s.eqs)
	eval := func(state []ir.Value) []ir.Value {
		memo := map[ir.Value]ir.Value{}
		out := make([]ir.Value, n)
		for i, eq := range s.eqs {
			out[i] = s.clone(b, eq.rhs, state, memo)
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
	k1 := eval(old)
	k2 := eval(step(k1, dt/2))
	k3 := eval(step(k2, dt/2))
	k4 := eval(step(k3, dt))
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

// clone re-evaluates v with the system's variables replaced by state.
func (s *system) clone(b *ir.Builder, v ir.Value, state []ir.Value, memo map[ir.Value]ir.Value) ir.Value {
	if i, ok := s.stateVar(v); ok {
		return state[i]
	}
	if !s.dependsOnState(v) {
		return v
	}
	if c, ok := memo[v]; ok {
		return c
	}
	in := v.(*ir.Instr)
	args := make([]ir.Value, len(in.Args))
	for i, a := range in.Args {
		args[i] = s.clone(b, a, state, memo)
	}
	c := b.Emit(in.Op, in.Typ, in.Aux, args...)
	memo[v] = c
	return c
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
