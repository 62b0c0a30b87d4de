// The ode pass (Discretize, ode.go): white noise. An ODE's right side
// with noise instructions (xi, xi_NAME; lang/noise.go) is split into its
// deterministic part f, which the methods integrate as any right side,
// and noise terms g_j * xi_j with noise-free coefficients g_j. After the
// deterministic step each variable gains, per noise term,
//
//	g_j * s * N_j,   N_j a standard normal draw of (seed, stream_j, step, element)
//
// where s is the standard deviation of the integrated noise over one step:
//
//   - exact method, the variable's equation linear with constant
//     coefficients and coupled to no other variable (dx/dt = a*x + ... +
//     g*xi, the Ornstein–Uhlenbeck process): s = sqrt((1 - E²)/(-2a)),
//     E = exp(a*dt), the exact variance of the step (s = sqrt(dt) for a = 0);
//   - otherwise (euler, exponential_euler, an exact step whose propagator
//     is computed at run time, or a variable coupled to others):
//     Euler–Maruyama, s = sqrt(dt), with g evaluated at the step's start
//     (Itô: a coefficient that depends on the state is multiplicative
//     noise, integrated this way too).
//
// rk4 cannot take a noise (its stages have no meaning for white noise);
// the default rule picks euler instead of rk4 for a noisy kernel. The
// method of each noise term is noted on the kernel.

package passes

import (
	"fmt"
	"math"
	"slices"

	"snnc/ir"
)

// noiseTerm is g * xi of one noise in one equation; coef nil is g = 1.
type noiseTerm struct {
	stream int
	name   string
	coef   ir.Value
}

// noisy reports whether v depends on a noise instruction.
func noisy(v ir.Value, memo map[ir.Value]bool) bool {
	if d, ok := memo[v]; ok {
		return d
	}
	d := false
	if in, ok := v.(*ir.Instr); ok {
		if in.Op == ir.OpNoise {
			d = true
		} else {
			for _, a := range in.Args {
				if noisy(a, memo) {
					d = true
					break
				}
			}
		}
	}
	memo[v] = d
	return d
}

// splitNoise writes v as det + sum(terms): det nil is 0. New instructions
// go to b; a value without noise is returned as it is, so that a model
// without noise, and the deterministic part of one with, keep their exact
// instructions (and bits).
func splitNoise(b *ir.Builder, v ir.Value, memo map[ir.Value]bool) (ir.Value, []noiseTerm, error) {
	if !noisy(v, memo) {
		return v, nil, nil
	}
	in := v.(*ir.Instr)
	if in.Op == ir.OpNoise {
		ra := in.Aux.(ir.RandAux)
		return nil, []noiseTerm{{stream: ra.Stream, name: ra.Dist}}, nil
	}
	coefOr1 := func(c ir.Value) ir.Value {
		if c == nil {
			return b.Const(1)
		}
		return c
	}
	neg := func(terms []noiseTerm) []noiseTerm {
		out := make([]noiseTerm, len(terms))
		for i, t := range terms {
			out[i] = t
			out[i].coef = b.Unary(ir.OpNeg, coefOr1(t.coef))
		}
		return out
	}
	// scale applies op with y (x op y, or y op x when left) to each term.
	scale := func(terms []noiseTerm, op ir.Op, y ir.Value, left bool) []noiseTerm {
		out := make([]noiseTerm, len(terms))
		for i, t := range terms {
			out[i] = t
			switch {
			case t.coef == nil && op == ir.OpMul:
				out[i].coef = y
			case left:
				out[i].coef = b.Binary(op, y, coefOr1(t.coef))
			default:
				out[i].coef = b.Binary(op, coefOr1(t.coef), y)
			}
		}
		return out
	}
	switch in.Op {
	case ir.OpNeg:
		d, t, err := splitNoise(b, in.Args[0], memo)
		if err != nil || d == nil {
			return nil, neg(t), err
		}
		return b.Unary(ir.OpNeg, d), neg(t), nil
	case ir.OpAdd, ir.OpSub:
		dx, tx, err := splitNoise(b, in.Args[0], memo)
		if err != nil {
			return nil, nil, err
		}
		dy, ty, err := splitNoise(b, in.Args[1], memo)
		if err != nil {
			return nil, nil, err
		}
		var d ir.Value
		switch {
		case dx != nil && dy != nil:
			d = b.Binary(in.Op, dx, dy)
		case dx != nil:
			d = dx
		case dy != nil && in.Op == ir.OpSub:
			d = b.Unary(ir.OpNeg, dy)
		default:
			d = dy
		}
		if in.Op == ir.OpSub {
			ty = neg(ty)
		}
		return d, mergeTerms(b, tx, ty), nil
	case ir.OpMul, ir.OpDiv:
		x, y := in.Args[0], in.Args[1]
		switch {
		case noisy(x, memo) && !noisy(y, memo):
			d, t, err := splitNoise(b, x, memo)
			if err != nil {
				return nil, nil, err
			}
			if d != nil {
				d = b.Binary(in.Op, d, y)
			}
			return d, scale(t, in.Op, y, false), nil
		case in.Op == ir.OpMul && !noisy(x, memo):
			d, t, err := splitNoise(b, y, memo)
			if err != nil {
				return nil, nil, err
			}
			if d != nil {
				d = b.Binary(in.Op, x, d)
			}
			return d, scale(t, in.Op, x, true), nil
		}
	}
	return nil, nil, fmt.Errorf("white noise enters the right side through %s, not linearly", in.Op)
}

// mergeTerms adds the terms of two sums, one term per noise.
func mergeTerms(b *ir.Builder, x, y []noiseTerm) []noiseTerm {
	out := slices.Clone(x)
	for _, t := range y {
		i := slices.IndexFunc(out, func(u noiseTerm) bool { return u.stream == t.stream })
		if i < 0 {
			out = append(out, t)
			continue
		}
		c1, c2 := out[i].coef, t.coef
		if c1 == nil {
			c1 = b.Const(1)
		}
		if c2 == nil {
			c2 = b.Const(1)
		}
		out[i].coef = b.Binary(ir.OpAdd, c1, c2)
	}
	return out
}

// kernelNoise is what splitting a kernel's equations found.
type kernelNoise struct {
	terms [][]noiseTerm // per equation
	draws map[int]ir.Value
}

func (kn *kernelNoise) any() bool {
	for _, t := range kn.terms {
		if len(t) > 0 {
			return true
		}
	}
	return false
}

// splitKernelNoise replaces each equation's right side by its
// deterministic part (0 where it has none) and returns the noise terms.
func splitKernelNoise(b *ir.Builder, eqs []odeEq) (*kernelNoise, *Diagnostic) {
	kn := &kernelNoise{terms: make([][]noiseTerm, len(eqs)), draws: map[int]ir.Value{}}
	memo := map[ir.Value]bool{}
	for i := range eqs {
		if !noisy(eqs[i].rhs, memo) {
			continue
		}
		d, t, err := splitNoise(b, eqs[i].rhs, memo)
		if err != nil {
			return nil, &Diagnostic{Pos: eqs[i].in.Pos, Msg: fmt.Sprintf("d%s/dt: %v", eqs[i].aux.Var, err),
				Hint: "write the noise as g*xi with g free of noise, added to the rest"}
		}
		if d == nil {
			d = b.Const(0)
		}
		eqs[i].rhs = d
		kn.terms[i] = t
	}
	return kn, nil
}

// ouScale returns the standard deviation, per unit coefficient, of the
// noise an exact step of equation i adds, and whether the equation is an
// Ornstein–Uhlenbeck one: linear with constant coefficients, its own
// variable's only, and no other equation reading it.
func (s *system) ouScale(i int, dt float64) (float64, bool) {
	f, r := s.lin(s.eqs[i].rhs)
	if r != nil {
		return 0, false
	}
	for j, c := range f.coef {
		if j != i && c != 0 {
			return 0, false
		}
	}
	for j, eq := range s.eqs {
		if j == i {
			continue
		}
		g, r := s.lin(eq.rhs)
		if r != nil || g.coef[i] != 0 {
			return 0, false
		}
	}
	a := f.coef[i]
	if a == 0 {
		return math.Sqrt(dt), true // a Wiener process
	}
	// (1 - E²)/(-2a) with E = exp(a*dt): -expm1(2a*dt) keeps its digits
	// when |a*dt| is small.
	return math.Sqrt(-math.Expm1(2*a*dt) / (-2 * a)), true
}

// addNoise adds the noise terms to the deterministic step next and notes
// how, per term, on the kernel.
func (kn *kernelNoise) addNoise(b *ir.Builder, k *ir.Kernel, s *system, method string, exactNumeric bool, next []ir.Value, dt float64) {
	for i, terms := range kn.terms {
		for _, t := range terms {
			sd, ou := math.Sqrt(dt), false
			multiplicative := t.coef != nil && s.dependsOnState(t.coef)
			if method == "exact" && exactNumeric && !multiplicative {
				sd, ou = s.ouScale(i, dt)
				if !ou {
					sd = math.Sqrt(dt)
				}
			}
			draw, ok := kn.draws[t.stream]
			if !ok {
				// One draw per element, noise and step, shared by the
				// equations that name the noise; by fours
				// (rng.Source.NormalQuad), so that the llvm backend
				// draws four elements' numbers from one Philox block.
				draw = b.Emit(ir.OpRand, ir.TF64, ir.RandAux{Dist: "normal_quad", Stream: t.stream}, b.Const(0), b.Const(1))
				kn.draws[t.stream] = draw
			}
			amp := ir.Value(b.Const(sd))
			if c, ok := constantValue(t.coef); ok {
				// A constant amplitude, folded here as fold would
				// (the ode pass runs after fold).
				amp = b.Const(c * sd)
			} else if t.coef != nil {
				amp = b.Binary(ir.OpMul, t.coef, amp)
			}
			next[i] = b.Binary(ir.OpAdd, next[i], b.Binary(ir.OpMul, amp, draw))
			how := "Euler–Maruyama, g*sqrt(dt)*N(0,1)"
			switch {
			case multiplicative:
				how = "Euler–Maruyama (Itô), g*sqrt(dt)*N(0,1) with g, which depends on the state, at the step's start: multiplicative noise"
			case ou:
				how = fmt.Sprintf("exact Ornstein–Uhlenbeck variance, g*%.6g*N(0,1)", sd)
			case method == "exact":
				how = "Euler–Maruyama, g*sqrt(dt)*N(0,1) (the exact step's noise covariance is not computed for a coupled system or a propagator computed at run time)"
			}
			k.Notes = append(k.Notes, fmt.Sprintf("d%s/dt: noise %s (stream %d): %s", s.eqs[i].aux.Var, t.name, t.stream, how))
		}
	}
}
