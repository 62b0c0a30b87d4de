// The ode pass (Discretize, ode.go): the methods for a system that is not
// linear with constant coefficients (ode_system.go): exponential Euler
// where every equation is linear in its own variable
// (conditionallyLinear, symLinear), forward Euler, and RK4, whose stages
// re-evaluate the right sides by cloning them (clone).

package passes

import (
	"snnc/ir"
)

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
