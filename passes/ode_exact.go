// The ode pass (Discretize, ode.go): the exact method, for a linear system
// (ode_system.go). exact builds the propagator of a system with constant
// coefficients at compile time (structuredExp, propagator.go), checked
// against math/big; symbolicPlan splits a system whose coefficients are
// runtime or per-element parameters, fixed during a run, for the
// propagator the prepare kernel computes (symprop.go).

package passes

import (
	"fmt"
	"strconv"

	"snnc/ir"
)

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
func (s *system) symbolicPlan(b *ir.Builder, driven drivenFunc) (*symPlan, *reason) {
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

// drivenFunc reports whether a param instruction reads a parameter that a
// current drives.
type drivenFunc func(param *ir.Instr) bool

// drivenVar is whether the variable the param reaches is driven
// (Var.DrivenBy), whoever's kernel reads it: a dendrite's or a synapse's
// equation may read its neuron's parameter, and a propagator computed
// once per run from a parameter a current changes would be silently
// wrong.
func drivenVar(in *ir.Instr) bool {
	v := in.Var()
	return v != nil && v.DrivenBy != nil
}

// drivenByName is drivenVar for kernels with accesses not linked yet (the
// compartments' merged kernels, before Discretize links them): a bare
// name is the population's own parameter, driven if names has it.
func drivenByName(names map[string]bool) drivenFunc {
	return func(in *ir.Instr) bool {
		if in.Var() != nil {
			return drivenVar(in)
		}
		return names[in.VarName()]
	}
}

// fixedForRun reports why v may change during a run, or nil: it must be
// built from constants and parameters that no current drives.
func fixedForRun(v ir.Value, driven drivenFunc) error {
	in, ok := v.(*ir.Instr)
	if !ok {
		return fmt.Errorf("a coefficient depends on a value computed in a loop")
	}
	switch {
	case in.Op == ir.OpParam && driven(in):
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
