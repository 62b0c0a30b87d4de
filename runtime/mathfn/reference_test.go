// The high-precision reference the accuracy tests measure mathfn against:
// exp, expm1, log, log1p, sin, cos, tanh and pow computed from series in
// math/big at referencePrecision bits, and TestReference, which checks it
// on constants Go's math package gets right. The ulp measures are in
// mathfn_test.go.

package mathfn

import (
	"math"
	"math/big"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const referencePrecision = 320

// piPrecision covers a reduction of the largest double (2^1024) modulo pi/2
// with referencePrecision bits left over.
const piPrecision = 1800

func newRef() *big.Float { return new(big.Float).SetPrec(referencePrecision) }

func bigOf(x float64) *big.Float { return newRef().SetFloat64(x) }

// atanhSeries returns atanh(s) = s + s^3/3 + s^5/5 + ... for |s| < 1/2.
func atanhSeries(s *big.Float, prec uint) *big.Float {
	sum := new(big.Float).SetPrec(prec).Set(s)
	s2 := new(big.Float).SetPrec(prec).Mul(s, s)
	power := new(big.Float).SetPrec(prec).Set(s)
	term := new(big.Float).SetPrec(prec)
	for n := int64(3); ; n += 2 {
		power.Mul(power, s2)
		term.Quo(power, new(big.Float).SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(prec)-8 {
			return sum
		}
		sum.Add(sum, term)
	}
}

// atanOfReciprocal returns atan(1/n) for Machin's formula.
func atanOfReciprocal(n int64, prec uint) *big.Float {
	x := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), new(big.Float).SetInt64(n))
	sum := new(big.Float).SetPrec(prec).Set(x)
	x2 := new(big.Float).SetPrec(prec).Mul(x, x)
	power := new(big.Float).SetPrec(prec).Set(x)
	term := new(big.Float).SetPrec(prec)
	for k := int64(1); ; k++ {
		power.Mul(power, x2)
		term.Quo(power, new(big.Float).SetInt64(2*k+1))
		if term.MantExp(nil) < -int(prec)-8 {
			return sum
		}
		if k%2 == 1 {
			sum.Sub(sum, term)
		} else {
			sum.Add(sum, term)
		}
	}
}

var reference struct {
	once sync.Once
	pi   *big.Float // to piPrecision bits
	ln2  *big.Float
	ln10 *big.Float
}

func referenceConstants() {
	reference.once.Do(func() {
		a := atanOfReciprocal(5, piPrecision+16)
		b := atanOfReciprocal(239, piPrecision+16)
		a.Mul(a, big.NewFloat(16))
		b.Mul(b, big.NewFloat(4))
		reference.pi = new(big.Float).SetPrec(piPrecision).Sub(a, b)
		third := new(big.Float).SetPrec(referencePrecision+64).Quo(big.NewFloat(1), big.NewFloat(3))
		reference.ln2 = atanhSeries(third, referencePrecision+64)
		reference.ln2.Mul(reference.ln2, big.NewFloat(2))
		reference.ln10 = referenceLog(newRef().SetInt64(10))
	})
}

// referenceExp returns e^x for |x| < 2^20 by e^x = (e^(x/2^s))^(2^s), with
// x/2^s small enough for a short Taylor series.
func referenceExp(x *big.Float) *big.Float {
	const prec = referencePrecision + 64
	s := 0
	if x.Sign() != 0 {
		if e := x.MantExp(nil); e > -8 {
			s = e + 8
		}
	}
	r := new(big.Float).SetPrec(prec).SetMantExp(x, -s)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); ; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil) < -prec-8 {
			break
		}
		sum.Add(sum, term)
	}
	for ; s > 0; s-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// referenceExpm1 returns e^x - 1, summing the series directly for small x
// where e^x - 1 would cancel.
func referenceExpm1(x *big.Float) *big.Float {
	const prec = referencePrecision + 64
	if new(big.Float).Abs(x).Cmp(big.NewFloat(0.5)) > 0 {
		return newRef().Sub(referenceExp(x), big.NewFloat(1))
	}
	if x.Sign() == 0 {
		return newRef()
	}
	sum := new(big.Float).SetPrec(prec).Set(x)
	term := new(big.Float).SetPrec(prec).Set(x)
	for n := int64(2); ; n++ {
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-prec-8 {
			return sum
		}
		sum.Add(sum, term)
	}
}

// referenceLog returns log(x) for x > 0 as e*ln2 + 2*atanh((m-1)/(m+1)) with
// x = m*2^e and m in [sqrt(1/2), sqrt(2)).
func referenceLog(x *big.Float) *big.Float {
	const prec = referencePrecision + 64
	m := new(big.Float).SetPrec(prec)
	e := x.MantExp(m)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	num := new(big.Float).SetPrec(prec).Sub(m, big.NewFloat(1))
	den := new(big.Float).SetPrec(prec).Add(m, big.NewFloat(1))
	result := atanhSeries(num.Quo(num, den), prec)
	result.Mul(result, big.NewFloat(2))
	if e != 0 {
		ln2 := reference.ln2
		if ln2 == nil { // while computing the constants themselves
			third := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), big.NewFloat(3))
			ln2 = atanhSeries(third, prec)
			ln2.Mul(ln2, big.NewFloat(2))
		}
		result.Add(result, new(big.Float).SetPrec(prec).Mul(ln2, new(big.Float).SetInt64(int64(e))))
	}
	return result
}

func referenceLog1p(x float64) *big.Float {
	const prec = referencePrecision + 64
	if math.Abs(x) < 0.5 {
		s := new(big.Float).SetPrec(prec).SetFloat64(x)
		den := new(big.Float).SetPrec(prec).Add(big.NewFloat(2), s)
		result := atanhSeries(s.Quo(s, den), prec)
		return result.Mul(result, big.NewFloat(2))
	}
	return referenceLog(new(big.Float).SetPrec(prec).Add(big.NewFloat(1), big.NewFloat(x)))
}

// referenceSinCos reduces x modulo pi/2 with piPrecision bits of pi and sums
// the Taylor series of the reduced argument.
func referenceSinCos(x float64) (sin, cos *big.Float) {
	const prec = referencePrecision + 64
	pio2 := new(big.Float).SetPrec(piPrecision).SetMantExp(reference.pi, -1)
	bx := new(big.Float).SetPrec(piPrecision).SetFloat64(x)
	q := new(big.Float).SetPrec(piPrecision).Quo(bx, pio2)
	q.Add(q, big.NewFloat(0.5))
	n, _ := q.Int(nil)
	if q.Sign() < 0 && !q.IsInt() {
		n.Sub(n, big.NewInt(1)) // Int truncates toward zero; we want the floor
	}
	r := new(big.Float).SetPrec(piPrecision).Mul(pio2, new(big.Float).SetPrec(piPrecision).SetInt(n))
	r.Sub(bx, r)
	r.SetPrec(prec)

	s, c := bigSinCos(r, prec)
	switch new(big.Int).And(n, big.NewInt(3)).Int64() {
	case 0:
		return s, c
	case 1:
		return c, s.Neg(s)
	case 2:
		return s.Neg(s), c.Neg(c)
	default:
		return c.Neg(c), s
	}
}

func referenceTanh(x float64) *big.Float {
	t := referenceExpm1(newRef().SetFloat64(2 * x)) // 2*x is exact
	den := newRef().Add(t, big.NewFloat(2))
	return newRef().Quo(t, den)
}

// referenceExprel returns (e^x - 1)/x, 1 at 0.
func referenceExprel(x float64) *big.Float {
	if x == 0 {
		return newRef().SetInt64(1)
	}
	return newRef().Quo(referenceExpm1(bigOf(x)), bigOf(x))
}

func referencePow(x, y float64) *big.Float {
	logX := referenceLog(newRef().SetFloat64(math.Abs(x)))
	exponent := newRef().Mul(logX, big.NewFloat(y))
	var result *big.Float
	switch {
	case exponent.Cmp(big.NewFloat(800)) > 0:
		result = newRef().SetMantExp(big.NewFloat(1), 2000) // overflows
	case exponent.Cmp(big.NewFloat(-800)) < 0:
		result = newRef().SetMantExp(big.NewFloat(1), -2000) // underflows
	default:
		result = referenceExp(exponent)
	}
	if x < 0 && isOddInteger(y) {
		result.Neg(result)
	}
	return result
}

// TestReference checks the reference on constants that Go's math package
// gives correctly rounded.
func TestReference(t *testing.T) {
	referenceConstants()
	for _, c := range []struct {
		name string
		got  *big.Float
		want float64
	}{
		{"pi", reference.pi, math.Pi},
		{"ln2", reference.ln2, math.Ln2},
		{"ln10", reference.ln10, math.Ln10},
		{"e", referenceExp(bigOf(1)), math.E},
		{"1/e^2", referenceExp(bigOf(-2)), 1 / (math.E * math.E)},
		{"log(e)", referenceLog(bigOf(math.E)), 1},
		{"sqrt(e)", referenceExp(bigOf(0.5)), math.SqrtE},
		{"log2(e)", newRef().Quo(bigOf(1), reference.ln2), math.Log2E},
	} {
		require.LessOrEqual(t, ulpError(c.want, c.got), 0.5, c.name)
	}
	for _, x := range []float64{0.5, 1, 2, 3, 100, -7} {
		sin, cos := referenceSinCos(x)
		require.LessOrEqual(t, ulpError(math.Sin(x), sin), 1.0, "sin(%v)", x)
		require.LessOrEqual(t, ulpError(math.Cos(x), cos), 1.0, "cos(%v)", x)
		one := newRef().Add(newRef().Mul(sin, sin), newRef().Mul(cos, cos))
		require.LessOrEqual(t, ulpError(1, one), 1e-60, "sin^2 + cos^2 at %v", x)
	}
}

// bigSinCos returns sin x and cos x by their Taylor series at precision
// prec, for a reduced argument (|x| <= pi/4 or so).
func bigSinCos(x *big.Float, prec uint) (*big.Float, *big.Float) {
	s := new(big.Float).SetPrec(prec).Set(x)
	c := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := int64(1); k < 200; k++ {
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetInt64(k))
		if term.Sign() == 0 || term.MantExp(nil) < -int(prec)-70 {
			break
		}
		switch k % 4 {
		case 1:
			if k > 1 {
				s.Add(s, term)
			}
		case 2:
			c.Sub(c, term)
		case 3:
			s.Sub(s, term)
		case 0:
			c.Add(c, term)
		}
	}
	return s, c
}
