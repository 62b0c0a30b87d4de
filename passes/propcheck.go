package passes

import (
	"fmt"
	"math"
	"math/big"
)

// The self-check of a propagator: exp(M) again, in math/big arithmetic,
// by a method that shares nothing with structuredExp but the idea of a
// Taylor series: M scaled by 2^-s to norm 1/2 or less, the series summed
// until its terms are below the working precision, s squarings. M's
// entries are float64 numbers and are taken as exact; big.Float has no
// underflow or overflow in this range. The precision starts at 256 bits
// and doubles until two successive results agree to 2^-80 of every entry
// (the squarings of a matrix with large, cancelling entries lose bits,
// and the doubling finds how many), so the reference is exact to far
// below an ulp of float64.

// propagatorBound is the error in ulps of its exact value that a
// propagator entry may have: the closed forms are within about 4 ulps,
// the double-double exponential within one after its final rounding.
const propagatorBound = 8

// refMaxPrec bounds the reference's precision; a matrix that needs more
// is reported, not trusted.
const refMaxPrec = 8192

// referenceExp returns exp(m) to at least 80 bits in every entry.
func referenceExp(m [][]float64) ([][]*big.Float, error) {
	prev := bigExpm(m, 256)
	for prec := uint(512); prec <= refMaxPrec; prec *= 2 {
		next := bigExpm(m, prec)
		if bigClose(prev, next, 80) {
			return next, nil
		}
		prev = next
	}
	return nil, fmt.Errorf("the reference exponential did not converge at %d bits", refMaxPrec)
}

// bigClose reports whether every entry of a and b agrees to 2^-bits of
// its size (zeros exactly).
func bigClose(a, b [][]*big.Float, bits int) bool {
	diff := new(big.Float)
	for i := range a {
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if x.Sign() == 0 || y.Sign() == 0 {
				if x.Sign() != y.Sign() {
					return false
				}
				continue
			}
			diff.SetPrec(y.Prec()).Sub(x, y)
			if diff.Sign() != 0 && diff.MantExp(nil) > y.MantExp(nil)-bits {
				return false
			}
		}
	}
	return true
}

func bigExpm(m [][]float64, prec uint) [][]*big.Float {
	n := len(m)
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	norm := 0.0
	for i := range m {
		row := 0.0
		for j := range m[i] {
			row += math.Abs(m[i][j])
		}
		norm = max(norm, row)
	}
	s := 0
	if norm > 0.5 {
		_, e := math.Frexp(norm)
		s = e + 1
	}
	x := make([][]*big.Float, n)
	sum := make([][]*big.Float, n)
	term := make([][]*big.Float, n)
	for i := range m {
		x[i], sum[i], term[i] = make([]*big.Float, n), make([]*big.Float, n), make([]*big.Float, n)
		for j := range m[i] {
			x[i][j] = newF().SetFloat64(m[i][j])
			x[i][j].SetMantExp(x[i][j], -s)
			sum[i][j], term[i][j] = newF(), newF()
		}
		sum[i][i].SetInt64(1)
		term[i][i].SetInt64(1)
	}
	mul := func(a, b [][]*big.Float) [][]*big.Float {
		out := make([][]*big.Float, n)
		p := newF()
		for i := range out {
			out[i] = make([]*big.Float, n)
			for j := range out[i] {
				acc := newF()
				for k := 0; k < n; k++ {
					if a[i][k].Sign() != 0 && b[k][j].Sign() != 0 {
						acc.Add(acc, p.Mul(a[i][k], b[k][j]))
					}
				}
				out[i][j] = acc
			}
		}
		return out
	}
	// ||X^k / k!|| <= 2^-k / k!: stop when that is below 2^-(prec+16).
	for k := 1; ; k++ {
		term = mul(x, term)
		kf := newF().SetInt64(int64(k))
		for i := range term {
			for j := range term[i] {
				term[i][j].Quo(term[i][j], kf)
				sum[i][j].Add(sum[i][j], term[i][j])
			}
		}
		lg, _ := math.Lgamma(float64(k + 1))
		if float64(k)+lg/math.Ln2 > float64(prec+16) {
			break
		}
	}
	for ; s > 0; s-- {
		sum = mul(sum, sum)
	}
	return sum
}

// ulpsFrom is how many ulps of the exact value x the float64 got is off:
// the distance divided by the spacing of float64 numbers at x (at least
// the smallest subnormal). An exact zero must be got exactly.
func ulpsFrom(got float64, x *big.Float) float64 {
	if x.Sign() == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	if math.IsInf(got, 0) || math.IsNaN(got) {
		return math.Inf(1)
	}
	// The spacing at |x|: 2^(e-53) for |x| in [2^(e-1), 2^e), never below
	// 2^-1074.
	e := x.MantExp(nil)
	spacing := max(e-53, -1074)
	diff := new(big.Float).SetPrec(x.Prec() + 64)
	diff.Sub(new(big.Float).SetFloat64(got), x)
	diff.SetMantExp(diff, -spacing)
	u, _ := diff.Float64()
	return math.Abs(u)
}

// checkPropagator compares e, computed for m, with the reference, and
// returns for every row the largest error in ulps.
func checkPropagator(m, e [][]float64) ([]float64, error) {
	ref, err := referenceExp(m)
	if err != nil {
		return nil, err
	}
	rows := make([]float64, len(m))
	for i := range m {
		for j := range m[i] {
			rows[i] = max(rows[i], ulpsFrom(e[i][j], ref[i][j]))
		}
	}
	return rows, nil
}
