// The ode pass (Discretize, ode.go): one kernel's system of equations and
// its classification. discretizeKernel builds a system from the kernel's
// ode instructions; lin writes each right side as a linear form with
// constant coefficients, or says why it is not one (numericReason), and
// nonFinite rejects a form with an infinite or NaN coefficient. Which
// method the kernel then gets is in ode.go; the methods are in
// ode_exact.go and ode_methods.go.

package passes

import (
	"fmt"
	"math"

	"snnc/ir"
)

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
