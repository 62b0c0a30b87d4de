package passes

import (
	"math"

	"snnc/runtime/mathfn"
)

// The propagator of a linear system with constant coefficients.
//
// x' = A x + B u + c over a step dt has the exact solution
// x(t+dt) = E x(t) + ..., E = exp(M), M = [[A, B, c], [0, 0, 0]] dt. The
// coefficients of a model in SI units span twenty orders of magnitude (a
// decay of 1/tau = 100 /s next to a coupling 1/C = 4e9 /F), and a matrix
// exponential that treats M as one dense matrix loses the small entries to
// the large ones: the 1/C coupling sets the scaling, the decays are
// resolved to 1e-6, and the rounding errors of a pivoted solve give a
// variable that nothing feeds a coupling to the others. So the pass uses
// the structure of M:
//
//   - the dependency graph (j feeds i when M_ij is not zero) and its
//     transitive closure: E_ij is exactly zero when no path leads from j
//     to i;
//   - a variable on no cycle (its own strongly connected component) has
//     E_ii = exp(M_ii);
//   - an entry whose only path is the one edge j -> i, both on no cycle
//     (the 2x2 triangular case, and the constant or input column of an
//     equation, whose own "eigenvalue" is 0), has the closed form
//     E_ij = M_ij (exp(M_ii) - exp(M_jj)) / (M_ii - M_jj), evaluated as
//     exp(b) (-expm1(a - b)) / (b - a), a <= b the two diagonal entries,
//     which has no cancellation whatever their distance (and is
//     exp(b) for a = b);
//   - every other entry (coupled blocks, chains of three or more) comes
//     from the exponential of the balanced matrix D^-1 M D (D a diagonal
//     of powers of two, so the scaling is exact) by a Taylor polynomial
//     with scaling and squaring in double-double arithmetic (about 106
//     bits), rounded to float64 at the end. Where the variables only feed
//     each other positively (compartments joined by conductances, a
//     current charging a membrane: an essentially nonnegative, or
//     Metzler, matrix), the exponential is computed with no subtraction
//     at all (metzlerExp), so that even an entry 1e-80 of the largest,
//     between compartments far apart, is accurate to its last bit.
//
// checkPropagator compares every entry with an independent computation in
// math/big arithmetic (propcheck.go). exp and expm1 are snnc's
// (runtime/mathfn, within an ulp), not Go's, whose amd64 assembly may
// differ from other hosts in the last bit: the constants of a model are
// the same whichever machine compiles it.

// structure is what the zero pattern of a matrix says.
type structure struct {
	reach  [][]bool // reach[i][j]: a path leads from j to i (i reads j); reflexive
	single []bool   // on no cycle: alone in its strongly connected component
}

func newStructure(m [][]float64) *structure {
	n := len(m)
	s := &structure{reach: make([][]bool, n), single: make([]bool, n)}
	for i := range m {
		s.reach[i] = make([]bool, n)
		for j := range m {
			s.reach[i][j] = i == j || m[i][j] != 0
		}
	}
	// The transitive closure (Warshall): n is the number of equations
	// and inputs of one body, a few tens at most.
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			if !s.reach[i][k] {
				continue
			}
			for j := 0; j < n; j++ {
				if s.reach[k][j] {
					s.reach[i][j] = true
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		s.single[i] = true
		for j := 0; j < n; j++ {
			if j != i && s.reach[i][j] && s.reach[j][i] {
				s.single[i] = false
			}
		}
	}
	return s
}

// direct reports whether the edge j -> i is the only path from j to i.
func (s *structure) direct(m [][]float64, i, j int) bool {
	if i == j || m[i][j] == 0 {
		return false
	}
	for k := range m {
		if k != i && k != j && s.reach[k][j] && s.reach[i][k] {
			return false
		}
	}
	return true
}

// entryMethod says how an entry of the propagator is computed.
type entryMethod int

const (
	entryZero     entryMethod = iota // no path: exactly 0
	entryExp                         // exp(M_ii)
	entryDivided                     // the two-point divided difference
	entryBalanced                    // the double-double exponential
)

func (s *structure) method(m [][]float64, i, j int) entryMethod {
	switch {
	case !s.reach[i][j]:
		return entryZero
	case i == j && s.single[i]:
		return entryExp
	case s.single[i] && s.single[j] && s.direct(m, i, j):
		return entryDivided
	}
	return entryBalanced
}

// structuredExp returns exp(m) computed as the comment at the top of the
// file says.
func structuredExp(m [][]float64) [][]float64 {
	n := len(m)
	s := newStructure(m)
	e := make([][]float64, n)
	var balanced [][]float64
	for i := range e {
		e[i] = make([]float64, n)
		for j := range e[i] {
			switch s.method(m, i, j) {
			case entryExp:
				e[i][j] = mathfn.Exp(m[i][i])
			case entryDivided:
				e[i][j] = dividedExp(m[i][j], m[i][i], m[j][j])
			case entryBalanced:
				if balanced == nil {
					balanced = balancedExp(m)
				}
				e[i][j] = balanced[i][j]
			}
		}
	}
	return e
}

// dividedExp is c (exp(x) - exp(y)) / (x - y), c exp(x) when x = y, as
// exp(b) (-expm1(a - b)) / (b - a) with a <= b: -expm1(a - b) is in
// [0, 1) and computed to an ulp, and the rounding of b - a moves the
// quotient by at most its own relative size, so the result is within a
// few ulps for any distance between x and y. exp(b) is applied last, as a
// power of two and a factor near 1, so that a result in the normal range
// is not rounded through a subnormal exp(b).
func dividedExp(c, x, y float64) float64 {
	a, b := min(x, y), max(x, y)
	f := c
	if a != b {
		d := b - a
		f = c * (-mathfn.Expm1(-d) / d)
	}
	return scaledExp(b, f)
}

// ln2Hi and ln2Lo split ln 2 so that k*ln2Hi is exact for |k| < 2^20
// (fdlibm's constants).
const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
)

// scaledExp returns f exp(x) with one rounding into the subnormal range
// where the result falls there, instead of exp(x)'s.
func scaledExp(x, f float64) float64 {
	if x > -700 || math.IsNaN(x) {
		return f * mathfn.Exp(x)
	}
	if x < -1500 { // below 2^-2098 / 2^1024: f exp(x) rounds to 0
		return f * 0
	}
	k := math.Round(x / math.Ln2)
	r := (x - k*ln2Hi) - k*ln2Lo
	return math.Ldexp(f*mathfn.Exp(r), int(k))
}

// balancedExp returns exp(m) in double-double arithmetic, after a
// diagonal similarity scaling by powers of two that balances the norms of
// each row and column (Osborne's iteration, as LAPACK's gebal does): the
// result is D exp(D^-1 m D) D^-1, the scaling exact.
func balancedExp(m [][]float64) [][]float64 {
	n := len(m)
	d := balance(m)
	x := make([][]dd, n)
	for i := range m {
		x[i] = make([]dd, n)
		for j := range m {
			x[i][j] = dd{hi: math.Ldexp(m[i][j], d[j]-d[i])}
		}
	}
	e, ok := metzlerExp(x)
	if !ok {
		e = ddExpm(x)
	}
	out := make([][]float64, n)
	for i := range e {
		out[i] = make([]float64, n)
		for j := range e[i] {
			// hi + lo rounds the double-double to nearest; the power of
			// two is applied to both halves first, so a result in the
			// subnormal range rounds once.
			out[i][j] = math.Ldexp(e[i][j].hi, d[i]-d[j]) + math.Ldexp(e[i][j].lo, d[i]-d[j])
		}
	}
	return out
}

// balance returns the exponents of a diagonal D = 2^d that make the
// off-diagonal row and column sums of D^-1 m D near each other. A row or
// column without off-diagonal entries (a variable that nothing feeds, an
// input's row) is left as it is.
func balance(m [][]float64) []int {
	n := len(m)
	d := make([]int, n)
	for iter := 0; iter < 100; iter++ {
		changed := false
		for i := 0; i < n; i++ {
			var c, r float64
			for j := 0; j < n; j++ {
				if j != i {
					c += math.Abs(math.Ldexp(m[j][i], d[i]-d[j]))
					r += math.Abs(math.Ldexp(m[i][j], d[j]-d[i]))
				}
			}
			if c == 0 || r == 0 || math.IsInf(c+r, 0) || math.IsNaN(c+r) {
				continue
			}
			// Scale row i by 2^-f and column i by 2^f with f nearest to
			// log2(sqrt(r/c)), when that reduces c + r by 5% at least.
			_, er := math.Frexp(r)
			_, ec := math.Frexp(c)
			f := (er - ec) / 2
			if f == 0 {
				continue
			}
			if math.Ldexp(c, f)+math.Ldexp(r, -f) < 0.95*(c+r) {
				d[i] += f
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return d
}

// dd is a double-double number hi + lo, |lo| <= ulp(hi)/2: about 106 bits.
// The float64 conversions keep Go from fusing a multiply and an add, so
// the compiler computes the same constants on every host.
type dd struct{ hi, lo float64 }

// twoSum returns a + b exactly as s + e (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	r := quickTwoSum(s, e)
	r.lo += f
	return quickTwoSum(r.hi, r.lo)
}

func ddMul(x, y dd) dd {
	p := float64(x.hi * y.hi)
	e := math.FMA(x.hi, y.hi, -p) // the exact error of the product
	e += float64(x.hi*y.lo) + float64(x.lo*y.hi)
	return quickTwoSum(p, e)
}

// ddDiv divides by a small integer k.
func ddDiv(x dd, k float64) dd {
	q := x.hi / k
	r := math.FMA(-q, k, x.hi) + x.lo // x - q k, exactly up to x.lo's rounding
	return quickTwoSum(q, r/k)
}

func ddMatMul(x, y [][]dd) [][]dd {
	n := len(x)
	out := make([][]dd, n)
	for i := range out {
		out[i] = make([]dd, n)
		for j := 0; j < n; j++ {
			var sum dd
			for k := 0; k < n; k++ {
				if x[i][k].hi != 0 && y[k][j].hi != 0 {
					sum = ddAdd(sum, ddMul(x[i][k], y[k][j]))
				}
			}
			out[i][j] = sum
		}
	}
	return out
}

// ddTaylorTerms is the degree of the Taylor polynomial: with ||X|| <= 1/2
// the remainder is below 0.5^28 / 28! ~ 1.2e-38, under 2^-106.
const ddTaylorTerms = 27

// ddExpm is exp(x) by scaling and squaring: X = x / 2^s with ||X||_inf
// <= 1/2, the Taylor polynomial in Horner form, then s squarings.
func ddExpm(x [][]dd) [][]dd {
	n := len(x)
	norm := 0.0
	for i := range x {
		row := 0.0
		for j := range x[i] {
			row += math.Abs(x[i][j].hi)
		}
		norm = max(norm, row)
	}
	s := 0
	if norm > 0.5 {
		_, e := math.Frexp(norm) // norm < 2^e
		s = e + 1
	}
	xs := make([][]dd, n)
	for i := range x {
		xs[i] = make([]dd, n)
		for j := range x[i] {
			xs[i][j] = dd{math.Ldexp(x[i][j].hi, -s), math.Ldexp(x[i][j].lo, -s)}
		}
	}
	p := ddTaylor(xs)
	for ; s > 0; s-- {
		p = ddMatMul(p, p)
	}
	return p
}

// metzlerExp returns exp(x) when the off-diagonal entries between the
// variables (the rows that are not zero) are nonnegative, and false
// otherwise. Every term is then nonnegative (Xue and Ye's observation for
// essentially nonnegative matrices): with c the largest decay rate, exp(x)
// = e^-c exp(x + cI), x + cI >= 0, scaled by 2^-s, its Taylor polynomial a
// sum of products of nonnegative numbers, and the squarings too; each
// entry is then accurate relative to itself, however small, where a
// polynomial with cancelling terms is accurate only relative to the
// norm. The columns of the inputs and the constant (zero rows) may have
// either sign: each is split in its positive and its negative part,
// exponentiated as two columns, and subtracted at the end.
func metzlerExp(x [][]dd) ([][]dd, bool) {
	n := len(x)
	source := make([]bool, n)
	for i := range x {
		source[i] = true
		for j := range x[i] {
			if x[i][j].hi != 0 {
				source[i] = false
			}
		}
	}
	for i := range x {
		for j := range x[i] {
			if i != j && !source[i] && !source[j] && x[i][j].hi < 0 {
				return nil, false
			}
		}
	}
	// Column j of x is column j of y, and for a source also minus column
	// neg[j] of y.
	neg := make([]int, n)
	size := n
	for j := range x {
		if source[j] {
			neg[j] = size
			size++
		}
	}
	y := make([][]dd, size)
	for i := range y {
		y[i] = make([]dd, size)
	}
	for i := range x {
		for j := range x[i] {
			v := x[i][j]
			if source[j] && v.hi < 0 {
				y[i][neg[j]] = dd{-v.hi, -v.lo}
			} else {
				y[i][j] = v
			}
		}
	}
	e := ddExpmNonneg(y)
	out := make([][]dd, n)
	for i := range out {
		out[i] = make([]dd, n)
		for j := range out[i] {
			out[i][j] = e[i][j]
			if source[j] {
				out[i][j] = ddAdd(e[i][j], dd{-e[i][neg[j]].hi, -e[i][neg[j]].lo})
			}
		}
	}
	return out, true
}

// ddExpmNonneg is exp(x) for a matrix with nonnegative off-diagonal
// entries, without subtractions: e^-c' T(X)^(2^s), X = (x + cI) / 2^s >= 0
// of norm 1/2 at most, c' = c / 2^s <= 1/2, T the Taylor polynomial of
// degree 27 + n, and e^-c' by its own series in double-double.
func ddExpmNonneg(x [][]dd) [][]dd {
	n := len(x)
	c := 0.0
	for i := range x {
		c = max(c, -x[i][i].hi)
	}
	shifted := make([][]dd, n)
	norm := 0.0
	for i := range x {
		shifted[i] = make([]dd, n)
		copy(shifted[i], x[i])
		shifted[i][i] = ddAdd(x[i][i], dd{hi: c})
		if shifted[i][i].hi < 0 { // -c rounded in double-double: 0
			shifted[i][i] = dd{}
		}
		row := 0.0
		for j := range shifted[i] {
			row += shifted[i][j].hi
		}
		norm = max(norm, row)
	}
	s := 0
	if m := max(norm, c); m > 0.5 {
		_, e := math.Frexp(m)
		s = e + 1
	}
	for i := range shifted {
		for j := range shifted[i] {
			shifted[i][j] = dd{math.Ldexp(shifted[i][j].hi, -s), math.Ldexp(shifted[i][j].lo, -s)}
		}
	}
	p := ddTaylor(shifted)
	// e^-c' with c' = c / 2^s in [0, 1/2]: the alternating series loses
	// no more than a bit to cancellation there.
	y := dd{hi: math.Ldexp(-c, -s)}
	f, term := dd{hi: 1}, dd{hi: 1}
	for k := 1; k <= ddTaylorTerms; k++ {
		term = ddDiv(ddMul(term, y), float64(k))
		f = ddAdd(f, term)
	}
	for i := range p {
		for j := range p[i] {
			p[i][j] = ddMul(p[i][j], f)
		}
	}
	for ; s > 0; s-- {
		p = ddMatMul(p, p)
	}
	return p
}

// ddTaylor is the Taylor polynomial of exp(x) in double-double, for an x
// already scaled to a norm of at most 1/2, in Horner form. An entry between
// variables d edges apart starts at the term of degree d: n more terms than
// the norm needs keep the truncation below 2^-106 of every entry, not only
// of the largest.
func ddTaylor(x [][]dd) [][]dd {
	n := len(x)
	p := make([][]dd, n)
	for i := range p {
		p[i] = make([]dd, n)
		p[i][i] = dd{hi: 1}
	}
	for k := ddTaylorTerms + n; k >= 1; k-- {
		q := ddMatMul(x, p)
		for i := range q {
			for j := range q[i] {
				q[i][j] = ddDiv(q[i][j], float64(k))
			}
			q[i][i] = ddAdd(q[i][i], dd{hi: 1})
		}
		p = q
	}
	return p
}
