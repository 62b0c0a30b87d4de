package passes

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

// The propagator of a linear system whose coefficients are runtime or
// per-element parameters, computed by the prepare kernel from snnc's own
// operations (so that every backend computes the same bits). It uses the
// structure as structuredExp does (propagator.go): the zero pattern of the
// coefficients is known at compile time, so an entry with no path is not
// stored at all; a variable on no cycle decays by exp(M_ii); an entry whose
// only path is one edge between two such variables is the two-point
// divided difference, with expm1 by Kahan's formula from exp and log; the
// other entries come from the Taylor exponential of expm.go, applied to the
// matrix balanced by powers of two chosen from the parameters' values at
// compile time (exact, and still a valid similarity if --set changes them).
//
// The check: the prepare kernel is evaluated at compile time, as the
// runtimes would run it, at the parameters' values (a runtime parameter's
// default; for a per-element parameter drawn uniformly, the two ends and
// the middle of its range; for a normal draw, its mean), and every entry
// is compared with referenceExp of the matrix at those values.

// propagatorBoundRuntime is the bound in ulps of a prepare kernel's
// entries: the closed forms go through snnc's exp and log (runtime/mathfn,
// an ulp or two each) and Kahan's formula, a few ulps more than the
// compile-time closed forms; a Taylor polynomial in float64 with
// squarings is within tens of ulps on a balanced matrix of norm near 1.
const propagatorBoundRuntime = 64

// symbolicExact emits the prepare kernel's computation of exp(M dt), M the
// augmented matrix [[A, I_rest], [0, 0]], stores its needed entries in
// hidden state, and returns the update: x_i = sum_j E_ij x_j + sum_k
// E_i,k rest_k, in a fixed order, with a note for each equation saying how
// it was checked.
func (s *system) symbolicExact(b *ir.Builder, o *owner, plan *symPlan, old []ir.Value, dt float64) ([]ir.Value, []string, *Diagnostic) {
	n := len(s.eqs)
	names := make([]string, 0, n)
	operands := append([]ir.Value(nil), old...)
	for _, eq := range s.eqs {
		names = append(names, eq.aux.Var)
	}
	restCol := map[int]int{}
	for i, r := range plan.rest {
		if r != nil {
			restCol[i] = len(names)
			names = append(names, "in."+s.eqs[i].aux.Var)
			operands = append(operands, r)
		}
	}
	size := len(names)
	pb := &symBuilder{o.prep()}
	memo := map[ir.Value]ir.Value{}
	m := make(symMatrix, size)
	for i := range m {
		m[i] = make([]ir.Value, size)
	}
	for i := 0; i < n; i++ {
		for j, c := range plan.coef[i] {
			if c != nil {
				cc := prepareClone(pb.Builder, c, memo)
				m[i][j] = pb.Binary(ir.OpMul, cc, pb.Const(dt))
			}
		}
		if col, ok := restCol[i]; ok {
			m[i][col] = pb.Const(dt)
		}
	}
	points, checkedAt := o.checkPoints(m)
	e := pb.structuredExp(m, points)
	out := make([]ir.Value, n)
	for i := 0; i < n; i++ {
		var sum ir.Value
		for j := 0; j < size; j++ {
			if e[i][j] == nil {
				continue
			}
			name := propagatorName(s.eqs[i].aux.Var, names[j])
			v := o.hidden(name)
			pb.StoreRef(ir.Own(v), e[i][j])
			term := b.Binary(ir.OpMul, b.Load(ir.TF64, ir.Own(v)), operands[j])
			if sum == nil {
				sum = term
			} else {
				sum = b.Binary(ir.OpAdd, sum, term)
			}
		}
		if sum == nil {
			sum = b.Const(0)
		}
		out[i] = sum
	}
	checked, d := s.checkPrepare(o, m, e, points, checkedAt)
	return out, checked, d
}

// structuredExp emits exp(m) for a matrix of values, nil where zero.
// points are parameter values at which m is evaluated to choose the
// balancing of the entries that need the Taylor exponential.
func (b *symBuilder) structuredExp(m symMatrix, points []map[string]float64) symMatrix {
	n := len(m)
	pattern := make([][]float64, n)
	for i := range m {
		pattern[i] = make([]float64, n)
		for j := range m[i] {
			if m[i][j] != nil {
				pattern[i][j] = 1
			}
		}
	}
	st := newStructure(pattern)
	e := make(symMatrix, n)
	for i := range e {
		e[i] = make([]ir.Value, n)
	}
	need := make([][]bool, n)
	via := make([][][]int, n) // the middle variables of paths of two edges
	for i := range need {
		need[i] = make([]bool, n)
		via[i] = make([][]int, n)
		for j := range need[i] {
			if st.method(pattern, i, j) != entryBalanced {
				continue
			}
			if ks, ok := st.shortPaths(pattern, i, j); ok {
				via[i][j] = ks
			} else {
				need[i][j] = true
			}
		}
	}
	var balanced symMatrix
	for i := range e {
		for j := range e[i] {
			switch st.method(pattern, i, j) {
			case entryExp:
				e[i][j] = b.Const(1)
				if x := m[i][i]; x != nil {
					// exp(x) + (x - x): exp(x) itself where x is
					// finite (+0 added), NaN where it is not. A time
					// constant of 0 (--set, or drawn) makes x -Inf,
					// whose exp, 0, would pass for a fast decay while
					// the equation's input term is infinite; as NaN
					// the run's propagator check refuses it.
					e[i][j] = b.Binary(ir.OpAdd, b.Unary(ir.OpExp, x), b.Binary(ir.OpSub, x, x))
				}
			case entryDivided:
				e[i][j] = b.dividedExp(m[i][j], b.orZero(m[i][i]), b.orZero(m[j][j]))
			case entryBalanced:
				if via[i][j] != nil {
					e[i][j] = b.pathSum(m, i, j, via[i][j])
					continue
				}
				if balanced == nil {
					balanced = b.balancedExp(m, st, need, points)
				}
				e[i][j] = balanced[i][j]
			}
		}
	}
	return e
}

// shortPaths reports whether every path from j to i has one or two edges
// and passes through variables on no cycle, and returns the middle
// variables of the two-edge paths (an alpha synapse's dI -> I -> V, a
// constant input -> I -> V).
func (st *structure) shortPaths(m [][]float64, i, j int) ([]int, bool) {
	if !st.single[i] || !st.single[j] {
		return nil, false
	}
	var ks []int
	for k := range m {
		if k == i || k == j || !st.reach[k][j] || !st.reach[i][k] {
			continue
		}
		if !st.single[k] || m[k][j] == 0 || m[i][k] == 0 {
			return nil, false
		}
		ks = append(ks, k)
	}
	for _, k1 := range ks {
		for _, k2 := range ks {
			if k1 != k2 && st.reach[k2][k1] {
				return nil, false // a path of three edges
			}
		}
	}
	return ks, len(ks) > 0
}

// pathSum emits E_ij of a triangular system from its paths of one and two
// edges: m_ij exp[x_j, x_i] + sum_k m_ik m_kj exp[x_j, x_k, x_i], where
// exp[...] is the divided difference of exp at the diagonal entries.
func (b *symBuilder) pathSum(m symMatrix, i, j int, via []int) ir.Value {
	var sum ir.Value
	if m[i][j] != nil {
		sum = b.dividedExp(m[i][j], b.orZero(m[i][i]), b.orZero(m[j][j]))
	}
	for _, k := range via {
		w := b.Binary(ir.OpMul, m[i][k], m[k][j])
		term := b.Binary(ir.OpMul, w, b.dividedExp3(b.orZero(m[j][j]), b.orZero(m[k][k]), b.orZero(m[i][i])))
		sum = b.add(sum, term)
	}
	return sum
}

// dividedExp3 emits the divided difference exp[x, y, z]. With the points
// sorted, lo <= mid <= hi: where hi - lo > 1, the recurrence
// (exp[mid, hi] - exp[lo, mid]) / (hi - lo), whose two terms are then at
// least a factor 1.5 apart (no cancellation worth a bit); else exp(lo)
// times the Taylor series sum_k h_(k-2)(p, q) / k!, p = mid - lo and q =
// hi - lo in [0, 1], h_d the complete homogeneous polynomial of degree d:
// all its terms are positive, and 22 of them reach 1/22! ~ 1e-21.
func (b *symBuilder) dividedExp3(x, y, z ir.Value) ir.Value {
	one := b.Const(1)
	minXY, maxXY := b.Binary(ir.OpMin, x, y), b.Binary(ir.OpMax, x, y)
	lo := b.Binary(ir.OpMin, minXY, z)
	hi := b.Binary(ir.OpMax, maxXY, z)
	mid := b.Binary(ir.OpMax, minXY, b.Binary(ir.OpMin, maxXY, z))
	span := b.Binary(ir.OpSub, hi, lo)
	far := b.Binary(ir.OpDiv, b.Binary(ir.OpSub, b.dividedExp(one, mid, hi), b.dividedExp(one, lo, mid)), span)
	p := b.Binary(ir.OpSub, mid, lo)
	q := span
	// h_d(p, q) = p^d + q h_(d-1)(p, q); term k is h_(k-2) / k!.
	pd, h := one, ir.Value(one)
	var series ir.Value = b.Const(0.5) // k = 2: h_0 / 2!
	fact := 2.0
	for k := 3; k <= 24; k++ {
		pd = b.Binary(ir.OpMul, pd, p)
		h = b.Binary(ir.OpAdd, pd, b.Binary(ir.OpMul, q, h))
		fact *= float64(k)
		series = b.Binary(ir.OpAdd, series, b.Binary(ir.OpDiv, h, b.Const(fact)))
	}
	near := b.Binary(ir.OpMul, series, b.Unary(ir.OpExp, lo))
	return b.Select(b.Binary(ir.OpGt, span, one), far, near)
}

func (b *symBuilder) orZero(v ir.Value) ir.Value {
	if v == nil {
		return b.Const(0)
	}
	return v
}

// dividedExp emits c (exp(x) - exp(y)) / (x - y) as exp(hi) c g, g =
// (1 - exp(-d)) / d for d = hi - lo (the dividedExp of propagator.go), with
// g = (u - 1) / log(u), u = exp(-d) (Kahan's expm1: the rounding errors of
// u and of log(u) cancel), 1 where u is 1 (d below an ulp, or 0) and 1/d
// where u underflows to 0.
func (b *symBuilder) dividedExp(c, x, y ir.Value) ir.Value {
	one := b.Const(1)
	lo := b.Binary(ir.OpMin, x, y)
	hi := b.Binary(ir.OpMax, x, y)
	d := b.Binary(ir.OpSub, hi, lo)
	u := b.Unary(ir.OpExp, b.Unary(ir.OpNeg, d))
	kahan := b.Binary(ir.OpDiv, b.Binary(ir.OpSub, u, one), b.Unary(ir.OpLog, u))
	g := b.Select(b.Binary(ir.OpEq, u, b.Const(0)), b.Binary(ir.OpDiv, one, d), kahan)
	g = b.Select(b.Binary(ir.OpEq, u, one), one, g)
	return b.Binary(ir.OpMul, b.Binary(ir.OpMul, c, g), b.Unary(ir.OpExp, hi))
}

// balancedExp emits D exp(D^-1 m D) D^-1 with D = 2^d from balance() of m
// at the first check point (m at the parameters' values), by expm, for
// the entries need marks. Only the variables on a path of such an entry
// take part: the others' entries cannot change these, and a stiff
// variable elsewhere would only raise the norm, and so the squarings,
// and the rounding errors they multiply.
func (b *symBuilder) balancedExp(m symMatrix, st *structure, need [][]bool, points []map[string]float64) symMatrix {
	n := len(m)
	var nodes []int
	for k := 0; k < n; k++ {
		on := false
		for i := 0; i < n && !on; i++ {
			for j := 0; j < n && !on; j++ {
				on = need[i][j] && st.reach[k][j] && st.reach[i][k]
			}
		}
		if on {
			nodes = append(nodes, k)
		}
	}
	sub := make(symMatrix, len(nodes))
	for a, i := range nodes {
		sub[a] = make([]ir.Value, len(nodes))
		for c, j := range nodes {
			sub[a][c] = m[i][j]
		}
	}
	d := make([]int, len(nodes))
	if len(points) > 0 {
		if vals, ok := evalMatrix(sub, points[0]); ok {
			d = balance(vals)
		}
	}
	for a := range sub {
		for c := range sub[a] {
			sub[a][c] = b.scale(sub[a][c], d[c]-d[a])
		}
	}
	e := b.expm(sub)
	out := make(symMatrix, n)
	for i := range out {
		out[i] = make([]ir.Value, n)
	}
	for a, i := range nodes {
		for c, j := range nodes {
			out[i][j] = b.scale(e[a][c], d[a]-d[c])
		}
	}
	return out
}

// scale multiplies by 2^k, exactly (nil stays nil).
func (b *symBuilder) scale(v ir.Value, k int) ir.Value {
	if v == nil || k == 0 {
		return v
	}
	return b.Binary(ir.OpMul, v, b.Const(math.Ldexp(1, k)))
}

// checkPoints returns the parameter values at which the prepare kernel is
// checked and says what they are; none if a parameter m reads has no value
// known at compile time.
func (o *owner) checkPoints(m symMatrix) ([]map[string]float64, string) {
	used := map[string]*ir.Var{} // each parameter read, by its name in the kernel
	var walk func(v ir.Value)
	walk = func(v ir.Value) {
		in, ok := v.(*ir.Instr)
		if !ok {
			return
		}
		if in.Op == ir.OpParam {
			used[in.VarName()] = in.Var()
		}
		for _, a := range in.Args {
			walk(a)
		}
	}
	for _, row := range m {
		for _, v := range row {
			if v != nil {
				walk(v)
			}
		}
	}
	base := map[string]float64{}
	ranged := map[string][]float64{}
	var says []string
	for _, name := range slices.Sorted(maps.Keys(used)) {
		v := used[name]
		switch {
		case v == nil:
			return nil, "not checked: " + name + " has no value at compile time"
		case v.Uniform:
			base[name] = v.Value
		default:
			xs, how := o.drawnValues(v)
			if xs == nil {
				return nil, "not checked: " + name + " has no value known at compile time"
			}
			base[name] = xs[len(xs)/2]
			ranged[name] = xs
			says = append(says, fmt.Sprintf("%s = %s", name, how))
		}
	}
	points := []map[string]float64{base}
	for _, name := range slices.Sorted(maps.Keys(ranged)) {
		for k, x := range ranged[name] {
			if k == len(ranged[name])/2 {
				continue
			}
			p := maps.Clone(base)
			p[name] = x
			points = append(points, p)
		}
	}
	what := "at the parameters' values"
	if len(says) > 0 {
		what = "with " + strings.Join(says, ", ") + " and the other parameters at their values"
	}
	return points, what
}

// drawnValues returns values a per-element parameter takes, from the
// store of its init kernel: a constant; the ends and middle of a uniform
// draw; the mean of a normal one. nil if it is anything else.
func (o *owner) drawnValues(v *ir.Var) ([]float64, string) {
	init := ir.KernelNamed(*o.kernels, "init")
	if init == nil {
		return nil, ""
	}
	var stored ir.Value
	init.Instrs(func(in *ir.Instr) {
		if in.Op == ir.OpStore && in.Var() == v {
			stored = in.Args[0]
		}
	})
	if x, ok := constantValue(stored); ok {
		return []float64{x}, fmt.Sprint(x)
	}
	in, ok := stored.(*ir.Instr)
	if !ok || in.Op != ir.OpRand || len(in.Args) != 2 {
		return nil, ""
	}
	p, ok1 := constantValue(in.Args[0])
	q, ok2 := constantValue(in.Args[1])
	if !ok1 || !ok2 {
		return nil, ""
	}
	switch in.Aux.(ir.RandAux).Dist {
	case "uniform":
		return []float64{p, p + (q-p)/2, q}, fmt.Sprintf("%.4g, %.4g and %.4g (the ends and middle of its draw)", p, p+(q-p)/2, q)
	case "normal", "normal_quad":
		return []float64{p}, fmt.Sprintf("%.4g (the mean of its draw)", p)
	}
	return nil, ""
}

// evalMatrix evaluates the entries of m (nil is 0) at the parameter values.
func evalMatrix(m symMatrix, params map[string]float64) ([][]float64, bool) {
	ev := &evaluator{params: params, vals: map[ir.Value]float64{}}
	out := make([][]float64, len(m))
	for i := range m {
		out[i] = make([]float64, len(m))
		for j, v := range m[i] {
			if v == nil {
				continue
			}
			x, ok := ev.pure(v)
			if !ok {
				return nil, false
			}
			out[i][j] = x
		}
	}
	return out, true
}

// checkPrepare evaluates the prepare kernel at every check point and
// compares each entry of e with referenceExp of m at that point.
func (s *system) checkPrepare(o *owner, m, e symMatrix, points []map[string]float64, what string) ([]string, *Diagnostic) {
	n := len(s.eqs)
	notes := make([]string, n)
	if points == nil {
		for i := range notes {
			notes[i] = what
		}
		return notes, nil
	}
	worst := make([]float64, n)
	for _, p := range points {
		ev := &evaluator{params: p, vals: map[ir.Value]float64{}}
		if err := ev.run(o.prepare.Kernel); err != nil {
			return nil, &Diagnostic{Pos: s.eqs[0].in.Pos, Msg: "the propagator's prepare kernel could not be checked: " + err.Error()}
		}
		mv := make([][]float64, len(m))
		for i := range m {
			mv[i] = make([]float64, len(m))
			for j, v := range m[i] {
				if v != nil {
					mv[i][j] = ev.vals[v]
				}
			}
		}
		ref, err := referenceExp(mv)
		if err != nil {
			return nil, &Diagnostic{Pos: s.eqs[0].in.Pos, Msg: "the propagator could not be checked: " + err.Error()}
		}
		for i := 0; i < n; i++ {
			for j := range m {
				got := 0.0
				if e[i][j] != nil {
					got = ev.vals[e[i][j]]
				}
				u := ulpsFrom(got, ref[i][j])
				if !(u <= propagatorBoundRuntime) {
					eq := s.eqs[i]
					return nil, &Diagnostic{Pos: eq.in.Pos, Msg: fmt.Sprintf("the propagator of d%s/dt is %.3g ulps from its exact value at %s, beyond the bound of %d", eq.aux.Var, u, pointString(p), propagatorBoundRuntime),
						Hint: "the propagator of runtime or per-element coefficients is computed in float64 at run time; as compile-time constants (param, not runtime or per element) they get one computed exactly at compile time; or use a smaller dt"}
				}
				worst[i] = max(worst[i], u)
			}
		}
	}
	for i := range notes {
		notes[i] = fmt.Sprintf("checked against math/big %s: within %s ulps (bound %d)", what, fmtUlps(worst[i]), propagatorBoundRuntime)
	}
	return notes, nil
}

func pointString(p map[string]float64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, fmt.Sprintf("%s = %g", k, p[k]))
	}
	return strings.Join(parts, ", ")
}

// evaluator runs a prepare kernel at compile time as the runtimes do:
// IEEE arithmetic and snnc's math functions (ir.Arith). It knows the ops the
// prepare kernel uses; it stops at the end of a block without a
// terminator (the kernel being built).
type evaluator struct {
	params map[string]float64
	vals   map[ir.Value]float64
}

// pure evaluates a value computed from constants and parameters.
func (ev *evaluator) pure(v ir.Value) (float64, bool) {
	if x, ok := ev.vals[v]; ok {
		return x, true
	}
	in, ok := v.(*ir.Instr)
	if !ok {
		return 0, false
	}
	for _, a := range in.Args {
		if _, ok := ev.pure(a); !ok {
			return 0, false
		}
	}
	if err := ev.step(in); err != nil {
		return 0, false
	}
	return ev.vals[v], true
}

// step evaluates one instruction whose operands have values.
func (ev *evaluator) step(in *ir.Instr) error {
	arg := func(i int) float64 { return ev.vals[in.Args[i]] }
	var v float64
	switch in.Op {
	case ir.OpConst:
		if c, ok := in.Const(); ok {
			v = c
		} else if b, _ := in.Aux.(bool); b {
			v = 1
		}
	case ir.OpParam:
		p, ok := ev.params[in.VarName()]
		if !ok {
			return fmt.Errorf("no value for %s", in.VarName())
		}
		v = p
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		if r, _ := ir.Compare(in.Op, arg(0), arg(1)); r {
			v = 1
		}
	case ir.OpSelect:
		v = arg(2)
		if arg(0) != 0 {
			v = arg(1)
		}
	default:
		if len(in.Args) == 0 || len(in.Args) > 2 {
			return fmt.Errorf("op %s", in.Op)
		}
		y := 0.0
		if len(in.Args) == 2 {
			y = arg(1)
		}
		r, ok := arith(in.Op, arg(0), y)
		if !ok {
			return fmt.Errorf("op %s", in.Op)
		}
		v = r
	}
	ev.vals[in] = v
	return nil
}

// run executes k from its entry block.
func (ev *evaluator) run(k *ir.Kernel) error {
	b := k.Blocks[0]
	for steps := 0; steps < 10_000_000; steps++ {
		var next *ir.Target
		for _, in := range b.Instrs {
			switch in.Op {
			case ir.OpStore:
				continue
			case ir.OpRet:
				return nil
			case ir.OpBr:
				next = in.Targets[0]
			case ir.OpCondBr:
				next = in.Targets[1]
				if ev.vals[in.Args[0]] != 0 {
					next = in.Targets[0]
				}
			default:
				if err := ev.step(in); err != nil {
					return err
				}
				continue
			}
			break
		}
		if next == nil {
			return nil // the end of the kernel built so far
		}
		vals := make([]float64, len(next.Args))
		for i, a := range next.Args {
			vals[i] = ev.vals[a]
		}
		for i, p := range next.Block.Params {
			ev.vals[p] = vals[i]
		}
		b = next.Block
	}
	return fmt.Errorf("no end after 10^7 blocks")
}
