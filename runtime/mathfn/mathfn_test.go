package mathfn

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"hash/fnv"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// referencePoints sets how many random points per distribution the accuracy
// test checks against the high-precision reference. The default keeps
// `go test` fast; raise it for a thorough measurement.
var referencePoints = flag.Int("mathfn.refpoints", 300, "random points per distribution in TestAccuracyAgainstReference")

// ----------------------------------------------------------------------------
// ulp measures

// orderedBits maps float64s to integers that are consecutive for consecutive
// floats (with +0 and -0 both at 0), so that their difference counts ulps.
func orderedBits(x float64) int64 {
	b := int64(math.Float64bits(x))
	if b < 0 {
		return math.MinInt64 - b
	}
	return b
}

// ulpDistance returns how many floats apart a and b are; two NaNs are 0 apart.
func ulpDistance(a, b float64) int64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxInt64
	}
	d := orderedBits(a) - orderedBits(b)
	if d < 0 {
		return -d
	}
	return d
}

// overflowBoundary, MaxFloat64 plus half an ulp, is the least real number
// that rounds to +Inf.
var overflowBoundary = new(big.Float).SetPrec(referencePrecision).Sub(
	new(big.Float).SetMantExp(big.NewFloat(1), 1024),
	new(big.Float).SetMantExp(big.NewFloat(1), 970))

// ulpError returns |got - want| in units of the last place of want's binade
// (at least 2^-1074), the error measure for "within n ulp".
func ulpError(got float64, want *big.Float) float64 {
	switch {
	case math.IsNaN(got):
		return math.Inf(1)
	case want.Sign() == 0:
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(got, 0):
		abs := new(big.Float).Abs(want)
		if (got > 0) == (want.Sign() > 0) && abs.Cmp(overflowBoundary) >= 0 {
			return 0
		}
		return math.Inf(1)
	}
	ulpExponent := want.MantExp(nil) - 53
	if ulpExponent < -1074 {
		ulpExponent = -1074
	}
	diff := newRef().Sub(newRef().SetFloat64(got), want)
	diff.SetMantExp(diff, -ulpExponent)
	f, _ := diff.Float64()
	return math.Abs(f)
}

// ----------------------------------------------------------------------------
// High-precision reference, from series in math/big.

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

	s := new(big.Float).SetPrec(prec).Set(r)
	c := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := int64(1); k < 200; k++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(k))
		if term.Sign() == 0 || term.MantExp(nil) < -prec-70 {
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

// ----------------------------------------------------------------------------
// Test points

type pointSource func(r *rand.Rand) float64

func uniform(lo, hi float64) pointSource {
	return func(r *rand.Rand) float64 { return lo + float64((hi-lo)*r.Float64()) }
}

// logUniform returns ±m*2^e with m uniform in [1, 2) and e an integer in
// [lo, hi): every binade equally. (math.Exp2 would differ between
// architectures, and so would the points.)
func logUniform(lo, hi int, signed bool) pointSource {
	return func(r *rand.Rand) float64 {
		x := math.Ldexp(1+r.Float64(), lo+r.IntN(hi-lo))
		if signed && r.IntN(2) == 0 {
			return -x
		}
		return x
	}
}

// anyBits returns a float64 with random bits: every binade equally, including
// subnormals, never Inf or NaN.
func anyBits(positive bool) pointSource {
	return func(r *rand.Rand) float64 {
		for {
			b := r.Uint64()
			if positive {
				b &^= 1 << 63
			}
			if x := math.Float64frombits(b); !math.IsNaN(x) && !math.IsInf(x, 0) {
				return x
			}
		}
	}
}

// near returns values within a few thousand ulps of one of the centers.
func near(centers ...float64) pointSource {
	return func(r *rand.Rand) float64 {
		c := centers[r.IntN(len(centers))]
		return math.Float64frombits(uint64(int64(math.Float64bits(c)) + r.Int64N(4001) - 2000))
	}
}

// nearMultiplesOfPio2 returns doubles nearest to k*pi/2, where the reduction
// cancels most, for k up to 2^maxBits.
func nearMultiplesOfPio2(maxBits int) pointSource {
	return func(r *rand.Rand) float64 {
		k := float64(1 + r.Int64N(1<<maxBits-1))
		x := k * (math.Pi / 2)
		return math.Float64frombits(math.Float64bits(x) + uint64(r.IntN(5)) - 2)
	}
}

type unaryCase struct {
	name      string
	f, goMath func(float64) float64
	reference func(float64) *big.Float
	bound     float64 // maximum ulp error against the reference
	sources   map[string]pointSource
	fixed     []float64 // always-checked critical points
}

// worstReduction is the double closest to a multiple of pi/2 (its distance
// is about 2^-61 of a quadrant): Kahan and McDonald's hardest case.
const worstReduction = 6381956970095103 * 0x1p797

func unaryCases() []unaryCase {
	referenceConstants()
	return []unaryCase{
		{
			name: "Exp", f: Exp, goMath: math.Exp, bound: 1,
			reference: func(x float64) *big.Float { return referenceExp(bigOf(x)) },
			sources: map[string]pointSource{
				"full range":  uniform(-746, 710),
				"moderate":    uniform(-20, 20),
				"near zero":   logUniform(-60, -1, true),
				"overflow":    uniform(700, 709.79),
				"subnormal":   uniform(-745.2, -708),
				"reduction k": near(0.5*math.Ln2, -0.5*math.Ln2, 1.5*math.Ln2, -1.5*math.Ln2, 0x1p-28, -0x1p-28),
			},
			fixed: []float64{expOverflow, expUnderflow, 709.782712893384, -745.1332191019411, -708.3964185322641, 1, -1, 0x1p-28, -0x1p-28},
		},
		{
			name: "Expm1", f: Expm1, goMath: math.Expm1, bound: 1,
			reference: func(x float64) *big.Float { return referenceExpm1(bigOf(x)) },
			sources: map[string]pointSource{
				"full range":  uniform(-40, 710),
				"moderate":    uniform(-3, 3),
				"near zero":   logUniform(-80, -1, true),
				"overflow":    uniform(700, 709.79),
				"reduction k": near(0.5*math.Ln2, -0.5*math.Ln2, 1.5*math.Ln2, -1.5*math.Ln2, 20*math.Ln2, 56*math.Ln2, -56*math.Ln2, -0.25),
			},
			fixed: []float64{expOverflow, expm1Saturation, 0x1p-54, -0x1p-54, 1e-300, 5e-324},
		},
		{
			name: "Log", f: Log, goMath: math.Log, bound: 1,
			reference: func(x float64) *big.Float { return referenceLog(bigOf(x)) },
			sources: map[string]pointSource{
				"all floats": anyBits(true),
				"near one":   near(1),
				"around one": uniform(0.5, 2),
				"sqrt2":      near(math.Sqrt2, math.Sqrt2/2, 1.38, 1.42, 0.69, 0.71),
				"subnormal":  logUniform(-1074, -1022, false),
			},
			fixed: []float64{math.SmallestNonzeroFloat64, 0x1p-1022, math.MaxFloat64, 2, 0.5, math.E, 10},
		},
		{
			name: "Log10", f: Log10, goMath: math.Log10, bound: 2,
			reference: func(x float64) *big.Float {
				return newRef().Quo(referenceLog(bigOf(x)), reference.ln10)
			},
			sources: map[string]pointSource{
				"all floats": anyBits(true),
				"near one":   near(1),
				"powers":     near(10, 100, 1e10, 1e-10, 1e100, 1e-300),
				"subnormal":  logUniform(-1074, -1022, false),
			},
			fixed: []float64{math.SmallestNonzeroFloat64, math.MaxFloat64, 10, 1000, 1e22, 1e-5},
		},
		{
			name: "Log1p", f: Log1p, goMath: math.Log1p, bound: 1,
			reference: referenceLog1p,
			sources: map[string]pointSource{
				"all positive": anyBits(true),
				"near zero":    logUniform(-80, -1, true),
				"near -1":      func(r *rand.Rand) float64 { return -1 + math.Ldexp(1+r.Float64(), -1-r.IntN(53)) },
				"moderate":     uniform(-0.99, 10),
				"thresholds":   near(math.Sqrt2-1, math.Sqrt2/2-1, 0x1p-29, -0x1p-29, 0x1p53),
			},
			fixed: []float64{math.MaxFloat64, -0.5, 1, 0x1p-54, -0x1p-54, 5e-324},
		},
		{
			name: "Sin", f: Sin, goMath: math.Sin, bound: 1,
			reference: func(x float64) *big.Float { s, _ := referenceSinCos(x); return s },
			sources: map[string]pointSource{
				"small":            uniform(-10, 10),
				"medium":           uniform(-0x1p20*math.Pi, 0x1p20*math.Pi),
				"all floats":       anyBits(false),
				"near zero":        logUniform(-60, 0, true),
				"multiples pi/2":   nearMultiplesOfPio2(8),
				"multiples pi/2 M": nearMultiplesOfPio2(21),
				"large":            logUniform(20, 200, true),
			},
			fixed: []float64{worstReduction, -worstReduction, math.MaxFloat64, pio4, mediumReductionLimit, math.Nextafter(mediumReductionLimit, 0), 0x1p-26, math.Pi, 1e22},
		},
		{
			name: "Cos", f: Cos, goMath: math.Cos, bound: 1,
			reference: func(x float64) *big.Float { _, c := referenceSinCos(x); return c },
			sources: map[string]pointSource{
				"small":            uniform(-10, 10),
				"medium":           uniform(-0x1p20*math.Pi, 0x1p20*math.Pi),
				"all floats":       anyBits(false),
				"near zero":        logUniform(-60, 0, true),
				"multiples pi/2":   nearMultiplesOfPio2(8),
				"multiples pi/2 M": nearMultiplesOfPio2(21),
				"large":            logUniform(20, 200, true),
			},
			fixed: []float64{worstReduction, -worstReduction, math.MaxFloat64, pio4, mediumReductionLimit, 0x1p-27, math.Pi / 2, 1e22},
		},
		{
			name: "Tanh", f: Tanh, goMath: math.Tanh, bound: 2,
			reference: referenceTanh,
			sources: map[string]pointSource{
				"range":     uniform(-25, 25),
				"moderate":  uniform(-1.5, 1.5),
				"near zero": logUniform(-60, 0, true),
				"near one":  near(1, -1, 22, -22, 0.55, 0.625),
			},
			fixed: []float64{0x1p-28, -0x1p-28, 1e-300, 5e-324},
		},
	}
}

// forEachPoint calls check for each fixed point and count random points from
// each source, with a generator seeded per function and source so that every
// run checks the same points.
func forEachPoint(c unaryCase, count int, check func(source string, x float64)) {
	for _, x := range c.fixed {
		check("fixed", x)
	}
	for _, name := range slices.Sorted(maps.Keys(c.sources)) {
		source := c.sources[name]
		seed := uint64(len(name))*7919 + uint64(len(c.name))
		for _, ch := range c.name + name {
			seed = seed*31 + uint64(ch)
		}
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		for range count {
			check(name, source(r))
		}
	}
}

// ----------------------------------------------------------------------------
// Accuracy

func TestAccuracyAgainstReference(t *testing.T) {
	for _, c := range unaryCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			worst, worstX, points := 0.0, 0.0, 0
			forEachPoint(c, *referencePoints, func(source string, x float64) {
				points++
				if e := ulpError(c.f(x), c.reference(x)); e > worst || math.IsNaN(e) {
					worst, worstX = e, x
				}
			})
			t.Logf("%s: max error %.3f ulp at x=%v over %d points", c.name, worst, worstX, points)
			require.LessOrEqual(t, worst, c.bound, "%s(%v) = %v", c.name, worstX, c.f(worstX))
		})
	}
}

type powSource func(r *rand.Rand) (x, y float64)

func powSources() map[string]powSource {
	return map[string]powSource{
		"ordinary": func(r *rand.Rand) (float64, float64) {
			return 10 * r.Float64(), 60 * (r.Float64() - 0.5)
		},
		"wide": func(r *rand.Rand) (float64, float64) {
			return math.Ldexp(1+r.Float64(), r.IntN(2000)-1000), 4 * (r.Float64() - 0.5)
		},
		"large results": func(r *rand.Rand) (float64, float64) {
			// y*log2(x) near ±1023 or in the subnormal range.
			x := 1 + float64(1000*r.Float64())
			target := 1023.9 * (1 - 2*float64(r.IntN(2)))
			if r.IntN(3) == 0 {
				target = -1022 - float64(52*r.Float64())
			}
			return x, target * math.Ln2 / Log(x) * (1 - float64(1e-9*r.Float64()))
		},
		"x near one": func(r *rand.Rand) (float64, float64) {
			x := 1 + float64((r.Float64()-0.5)*0x1p-18)
			return x, (r.Float64() - 0.5) * 0x1p30
		},
		"huge y": func(r *rand.Rand) (float64, float64) {
			x := 1 + float64((r.Float64()-0.5)*0x1p-40)
			return x, (r.Float64() - 0.5) * 0x1p50
		},
		"negative integer powers": func(r *rand.Rand) (float64, float64) {
			return -20 * r.Float64(), float64(r.IntN(200) - 100)
		},
		"subnormal x": func(r *rand.Rand) (float64, float64) {
			return math.Float64frombits(1 + r.Uint64N(1<<52-1)), (r.Float64() - 0.8)
		},
	}
}

func TestPowAccuracyAgainstReference(t *testing.T) {
	referenceConstants()
	worst, worstX, worstY, points := 0.0, 0.0, 0.0, 0
	check := func(x, y float64) {
		points++
		if e := ulpError(Pow(x, y), referencePow(x, y)); e > worst || math.IsNaN(e) {
			worst, worstX, worstY = e, x, y
		}
	}
	for _, xy := range [][2]float64{{2, 10}, {3, 20}, {10, 22}, {2, -1074}, {2, 1023}, {10, -5}, {0.5, 1074}, {7, 0.25}, {-3, 33}} {
		check(xy[0], xy[1])
	}
	for name, source := range powSources() {
		r := rand.New(rand.NewPCG(uint64(len(name)), 0x5eed))
		for range 2 * *referencePoints {
			check(source(r))
		}
	}
	t.Logf("Pow: max error %.3f ulp at Pow(%v, %v) over %d points", worst, worstX, worstY, points)
	require.LessOrEqual(t, worst, 1.0, "Pow(%v, %v) = %v", worstX, worstY, Pow(worstX, worstY))
}

// goMathBound is the ulp distance allowed from Go's math package before the
// reference has to decide who is wrong: both sides may be off by up to about
// 1 ulp (Tanh and Log10 a little more), in either direction.
var goMathBound = map[string]int64{
	"Exp": 1, "Expm1": 1, "Log": 1, "Log1p": 1, "Log10": 2, "Sin": 1, "Cos": 1, "Tanh": 2,
}

// TestAgreementWithGoMath compares with Go's math package over many points.
// Go's math is not a perfect yardstick: on amd64, math.Exp returns +Inf above
// about 709.436 although e^x is finite up to 709.78, math.Log (and Log10)
// treat subnormal arguments as if they were normal, math.Expm1 overflows at
// exactly 709.78..., math.Exp is off by 1.3 ulp near ln2/2, and math.Sin and
// math.Cos lose most of their bits near multiples of pi/2 and for huge
// arguments. So where the two differ by more than the bound, the
// high-precision reference decides, and it must find this package within its
// bound and closer than Go.
func TestAgreementWithGoMath(t *testing.T) {
	for _, c := range unaryCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			points, disagreements := 0, 0
			worstGoError, worstGoX := 0.0, 0.0
			forEachPoint(c, 20000, func(source string, x float64) {
				points++
				got, goGot := c.f(x), c.goMath(x)
				if ulpDistance(got, goGot) <= goMathBound[c.name] {
					return
				}
				disagreements++
				want := c.reference(x)
				gotError, goError := ulpError(got, want), ulpError(goGot, want)
				require.LessOrEqual(t, gotError, c.bound, "%s(%v) = %v, math.%s = %v", c.name, x, got, c.name, goGot)
				require.Greater(t, goError, gotError, "%s(%v) = %v, math.%s = %v", c.name, x, got, c.name, goGot)
				if goError > worstGoError {
					worstGoError, worstGoX = goError, x
				}
			})
			t.Logf("%s: within %d ulp of math.%s at %d of %d points", c.name, goMathBound[c.name], c.name, points-disagreements, points)
			if disagreements > 0 {
				t.Logf("%s: at the other %d, math.%s is further from the reference (worst %.3g ulp at x=%v)",
					c.name, disagreements, c.name, worstGoError, worstGoX)
			}
		})
	}
}

// TestPowAgreementWithGoMath is TestAgreementWithGoMath for Pow. math.Pow
// takes y's integer part by repeated squaring and its error grows with the
// result's exponent, so disagreements beyond 1 ulp are common; the reference
// decides them.
func TestPowAgreementWithGoMath(t *testing.T) {
	referenceConstants()
	points, disagreements := 0, 0
	worstGoError := 0.0
	for name, source := range powSources() {
		r := rand.New(rand.NewPCG(uint64(len(name)), 0xa9ee))
		for range 2000 {
			x, y := source(r)
			points++
			got, goGot := Pow(x, y), math.Pow(x, y)
			if ulpDistance(got, goGot) <= 1 {
				continue
			}
			disagreements++
			want := referencePow(x, y)
			gotError, goError := ulpError(got, want), ulpError(goGot, want)
			require.LessOrEqual(t, gotError, 1.0, "Pow(%v, %v) = %v, math.Pow = %v", x, y, got, goGot)
			require.Greater(t, goError, gotError, "Pow(%v, %v) = %v, math.Pow = %v", x, y, got, goGot)
			worstGoError = max(worstGoError, goError)
		}
	}
	t.Logf("Pow: within 1 ulp of math.Pow at %d of %d points; at the others math.Pow is further from the reference (worst %.3g ulp)",
		points-disagreements, points, worstGoError)
}

// ----------------------------------------------------------------------------
// Special values

var (
	inf     = math.Inf(1)
	negInf  = math.Inf(-1)
	negZero = math.Copysign(0, -1)
	// NaN inputs with other payloads and signs must still give nanBits.
	inputNaNs = []float64{
		math.NaN(),
		math.Float64frombits(0xFFF8000000000000),
		math.Float64frombits(0x7FF0000000000001),
		math.Float64frombits(0x7FFFFFFFFFFFFFFF),
	}
)

// requireSameBits compares bit patterns, so that it tells -0 from +0 and
// checks that every NaN is the canonical one.
func requireSameBits(t *testing.T, want, got float64, msgAndArgs ...any) {
	t.Helper()
	if math.IsNaN(want) {
		want = math.Float64frombits(nanBits)
	}
	require.Equal(t, fmt.Sprintf("%#016x (%v)", math.Float64bits(want), want),
		fmt.Sprintf("%#016x (%v)", math.Float64bits(got), got), msgAndArgs...)
}

func TestSpecialValues(t *testing.T) {
	nan := math.NaN()
	tiny := math.SmallestNonzeroFloat64
	cases := []struct {
		name  string
		f     func(float64) float64
		pairs [][2]float64 // argument, result
	}{
		{"Exp", Exp, [][2]float64{
			{nan, nan}, {inf, inf}, {negInf, 0}, {0, 1}, {negZero, 1},
			{710, inf}, {1e308, inf}, {expOverflow, 1.7976931348622732e308}, {math.Nextafter(expOverflow, inf), inf},
			{-746, 0}, {-1e308, 0}, {-745.1332191019411, tiny}, {math.Nextafter(expUnderflow, negInf), 0},
			{tiny, 1}, {-tiny, 1},
		}},
		{"Expm1", Expm1, [][2]float64{
			{nan, nan}, {inf, inf}, {negInf, -1}, {0, 0}, {negZero, negZero},
			{710, inf}, {math.Nextafter(expOverflow, inf), inf}, {-40, -1}, {-1e300, -1},
			{tiny, tiny}, {-tiny, -tiny}, {0x1p-60, 0x1p-60},
		}},
		{"Log", Log, [][2]float64{
			{nan, nan}, {inf, inf}, {negInf, nan}, {0, negInf}, {negZero, negInf},
			{-1, nan}, {-tiny, nan}, {1, 0}, {math.E, 1},
		}},
		{"Log10", Log10, [][2]float64{
			{nan, nan}, {inf, inf}, {negInf, nan}, {0, negInf}, {negZero, negInf},
			{-1, nan}, {-tiny, nan}, {1, 0}, {10, 1}, {100, 2}, {1e22, 22}, {1e-300, -300},
		}},
		{"Log1p", Log1p, [][2]float64{
			{nan, nan}, {inf, inf}, {negInf, nan}, {-1, negInf}, {-2, nan}, {math.Nextafter(-1, negInf), nan},
			{0, 0}, {negZero, negZero}, {tiny, tiny}, {-tiny, -tiny}, {0x1p-60, 0x1p-60},
		}},
		{"Sin", Sin, [][2]float64{
			{nan, nan}, {inf, nan}, {negInf, nan}, {0, 0}, {negZero, negZero},
			{tiny, tiny}, {-tiny, -tiny}, {0x1p-30, 0x1p-30},
		}},
		{"Cos", Cos, [][2]float64{
			{nan, nan}, {inf, nan}, {negInf, nan}, {0, 1}, {negZero, 1}, {tiny, 1}, {0x1p-30, 1},
		}},
		{"Tanh", Tanh, [][2]float64{
			{nan, nan}, {inf, 1}, {negInf, -1}, {0, 0}, {negZero, negZero},
			{tiny, tiny}, {-tiny, -tiny}, {30, 1}, {-30, -1}, {1e300, 1}, {-1e300, -1},
		}},
	}
	for _, c := range cases {
		for _, pair := range c.pairs {
			requireSameBits(t, pair[1], c.f(pair[0]), "%s(%v)", c.name, pair[0])
		}
		for _, x := range inputNaNs {
			requireSameBits(t, nan, c.f(x), "%s(%#x)", c.name, math.Float64bits(x))
		}
	}
}

func TestPowSpecialValues(t *testing.T) {
	referenceConstants()
	nan := math.NaN()
	cases := [][3]float64{ // x, y, Pow(x, y)
		// Go's documented special cases, in its order.
		{nan, 0, 1}, {inf, negZero, 1}, {-3, 0, 1},
		{1, nan, 1}, {1, inf, 1}, {1, -7.5, 1},
		{nan, 1, nan}, {-2.5, 1, -2.5}, {negZero, 1, negZero},
		{nan, 2, nan}, {2, nan, nan}, {-1, nan, nan},
		{0, -3, inf}, {negZero, -3, negInf}, {negZero, -1, negInf},
		{0, negInf, inf}, {negZero, negInf, inf},
		{0, inf, 0}, {negZero, inf, 0},
		{0, -2, inf}, {negZero, -2, inf}, {negZero, -0.5, inf}, {negZero, -1e300, inf},
		{0, 3, 0}, {negZero, 3, negZero}, {negZero, 1e300, 0},
		{0, 2, 0}, {negZero, 2, 0}, {negZero, 0.5, 0}, {negZero, 2.5, 0},
		{-1, inf, 1}, {-1, negInf, 1},
		{2, inf, inf}, {-2, inf, inf}, {1.0000001, inf, inf},
		{2, negInf, 0}, {-2, negInf, 0},
		{0.5, inf, 0}, {-0.5, inf, 0}, {0.9999999, inf, 0},
		{0.5, negInf, inf}, {-0.5, negInf, inf},
		{inf, 0.5, inf}, {inf, 3, inf}, {inf, -0.5, 0}, {inf, -3, 0},
		{negInf, 3, negInf}, {negInf, 2, inf}, {negInf, 0.5, inf}, {negInf, -3, negZero}, {negInf, -2, 0}, {negInf, -0.5, 0},
		{-8, 1.0 / 3, nan}, {-2, 0.5, nan}, {-1, 0.5, nan}, {-1e300, 1e-300, nan},
		// Negative bases with integer exponents.
		{-2, 3, -8}, {-2, 2, 4}, {-2, -3, -0.125}, {-1, 1e300, 1}, {-1, 3, -1}, {-1, -3, -1},
		{-0.5, 0x1p53, 0}, {-2, 0x1p53, inf}, {-2, 1025, negInf}, {-2, -1075, negZero}, {-2, -1073, -1e-323}, {-2, -1074, 5e-324},
		// Exact integer and power-of-two results.
		{2, 10, 1024}, {3, 20, 3486784401}, {10, 22, 1e22}, {2, -1074, 5e-324}, {2, -1075, 0},
		{2, 1023, 0x1p1023}, {2, 1024, inf}, {0.5, 1074, 5e-324}, {4, 0.5, 2}, {16, 0.25, 2},
		{math.MaxFloat64, 2, inf}, {math.MaxFloat64, -1, 1 / math.MaxFloat64}, {5e-324, -1, inf},
		// |y| beyond 2^31 and 2^64.
		{1.5, 1e10, inf}, {1.5, -1e10, 0}, {0.5, 1e20, 0}, {0.5, -1e20, inf}, {-1.5, 0x1p40 + 1, negInf},
	}
	for _, c := range cases {
		requireSameBits(t, c[2], Pow(c[0], c[1]), "Pow(%v, %v)", c[0], c[1])
	}
	for _, x := range inputNaNs {
		requireSameBits(t, nan, Pow(x, 2), "Pow(%#x, 2)", math.Float64bits(x))
		requireSameBits(t, nan, Pow(2, x), "Pow(2, %#x)", math.Float64bits(x))
	}

	// Every pair of interesting values must fall in the same class (NaN,
	// ±Inf, ±0 or finite of the same sign) as math.Pow, and be close to it.
	interesting := []float64{nan, inf, negInf, 0, negZero, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, 1.0 / 3,
		-8, 1e300, -1e300, 1e-300, 0x1p53, -0x1p53, 0x1p53 + 2, 0x1p63 + 0x1p11, math.MaxFloat64, 5e-324, -5e-324}
	class := func(v float64) string {
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 0), v == 0:
			return fmt.Sprint(v, math.Signbit(v))
		}
		return fmt.Sprint("finite", math.Signbit(v))
	}
	for _, x := range interesting {
		for _, y := range interesting {
			got, want := Pow(x, y), math.Pow(x, y)
			require.Equal(t, class(want), class(got), "Pow(%v, %v) = %v, math.Pow = %v", x, y, got, want)
			if !math.IsNaN(want) && ulpDistance(got, want) > 1 {
				// math.Pow is often a few ulp off, as for Pow(1/3, -8); the
				// reference decides.
				exact := referencePow(x, y)
				require.LessOrEqual(t, ulpError(got, exact), 1.0, "Pow(%v, %v) = %v, math.Pow = %v", x, y, got, want)
				require.Less(t, ulpError(got, exact), ulpError(want, exact), "Pow(%v, %v) = %v, math.Pow = %v", x, y, got, want)
			}
		}
	}
}

// TestExactResults pins results that a correctly rounded function gives
// exactly and that users will compare with ==.
func TestExactResults(t *testing.T) {
	for n := -300; n <= 300; n++ {
		x, err := strconv.ParseFloat(fmt.Sprintf("1e%d", n), 64)
		require.NoError(t, err)
		require.Equal(t, float64(n), Log10(x), "Log10(1e%d)", n)
	}
	for n := -1074; n <= 1023; n++ {
		require.Equal(t, math.Ldexp(1, n), Pow(2, float64(n)), "Pow(2, %d)", n)
	}
	for n := 0; n <= 33; n++ {
		require.Equal(t, math.Pow(3, float64(n)), Pow(3, float64(n)), "Pow(3, %d)", n) // exact in both
	}
}

// ----------------------------------------------------------------------------
// Golden bits

type golden struct {
	x    float64
	bits uint64
}

// goldenUnary pins results computed once by this implementation, so that a
// change to an algorithm, a constant or an evaluation order shows up here
// even when it stays within the accuracy bounds. Every backend must produce
// exactly these bits.
var goldenUnary = []struct {
	name   string
	values []golden
}{
	{"Exp", []golden{
		{1, 0x4005BF0A8B14576A},      // 2.7182818284590455
		{-1, 0x3FD78B56362CEF38},     // 0.36787944117144233
		{0.5, 0x3FFA61298E1E069C},    // 1.6487212707001282
		{10, 0x40D5829DCF950560},     // 22026.465794806718
		{-10, 0x3F07CD79B5647C9A},    // 4.539992976248485e-05
		{100.25, 0x48F8C39B9134BAC4}, // 3.451610733125924e+43
		{700, 0x7F0D945DF4F8EC8E},    // 1.0142320547350045e+304
		{-740, 0x0000000000000055},   // 4.2e-322
		{1e-10, 0x3FF000000006DF38},  // 1.0000000001
		{709.7, 0x7FED75AE7A50EE14},  // 1.6549840276802644e+308
	}},
	{"Expm1", []golden{
		{1e-10, 0x3DDB7CDFD9DDA4E3},  // 1.00000000005e-10
		{-1e-05, 0xBEE4F8AEA9ACF2C9}, // -9.999950000166666e-06
		{0.3, 0x3FD6641632306A56},    // 0.3498588075760031
		{-0.7, 0xBFE01BF92311555F},   // -0.5034146962085905
		{1, 0x3FFB7E151628AED2},      // 1.718281828459045
		{5, 0x40626D389970338F},      // 147.4131591025766
		{30, 0x42A370470AEC26ED},     // 1.0686474581523463e+13
		{-20, 0xBFEFFFFFFEE4B79B},    // -0.9999999979388464
	}},
	{"Log", []golden{
		{2, 0x3FE62E42FEFA39EF},         // 0.6931471805599453
		{0.1, 0xC0026BB1BBB55515},       // -2.3025850929940455
		{10, 0x40026BB1BBB55516},        // 2.302585092994046
		{1.0000001, 0x3E7AD7F2847B6492}, // 9.999999505838704e-08
		{0.9999999, 0xBE7AD7F2B1049B9F}, // -1.0000000494736474e-07
		{1e-300, 0xC085963447F87FB5},    // -690.7755278982137
		{1e+300, 0x4085963447F87FB5},    // 690.7755278982137
		{123.456, 0x401343774F3E2362},   // 4.815884817283264
		{5e-324, 0xC0874385446D71C3},    // -744.4400719213812
		{1e-310, 0xC0864E69394D9508},    // -713.8013788281542
	}},
	{"Log10", []golden{
		{2, 0x3FD34413509F79FF},         // 0.3010299956639812
		{0.5, 0xBFD34413509F79FF},       // -0.3010299956639812
		{7, 0x3FEB0B0B0B78CC3F},         // 0.8450980400142568
		{3.1415926, 0x3FDFD14DAB274569}, // 0.49714986528586863
		{3e-05, 0xC012176D869B02A0},     // -4.522878745280337
		{12345.678, 0x40105DB618083A9E}, // 4.091514945509202
		{1e-310, 0xC073600000000000},    // -310
	}},
	{"Log1p", []golden{
		{1e-10, 0x3DDB7CDFD9D1D693},         // 9.999999999500001e-11
		{-1e-05, 0xBEE4F8BC681E6006},        // -1.0000050000333337e-05
		{0.3, 0x3FD0CA937BE1B9DC},           // 0.26236426446749106
		{-0.5, 0xBFE62E42FEFA39EF},          // -0.6931471805599453
		{1, 0x3FE62E42FEFA39EF},             // 0.6931471805599453
		{1e+10, 0x4037069E2AA3184E},         // 23.025850930040455
		{-0.9999999999, 0xC037069E293F4C5C}, // -23.02585084720009
	}},
	{"Sin", []golden{
		{0.5, 0x3FDEAEE8744B05F0},            // 0.479425538604203
		{1, 0x3FEAED548F090CEE},              // 0.8414709848078965
		{2, 0x3FED18F6EAD1B446},              // 0.9092974268256817
		{3, 0x3FC210386DB6D55B},              // 0.1411200080598672
		{10, 0xBFE1689EF5F34F52},             // -0.5440211108893698
		{100, 0xBFE03425B78C4DB8},            // -0.5063656411097588
		{1e+06, 0xBFD6664B2568D867},          // -0.34999350217129294
		{1e+22, 0xBFEB453AB76BF397},          // -0.8522008497671888
		{worstReduction, 0x3FF0000000000000}, // 1
		{1e+300, 0xBFEA2C16B010E385},         // -0.8178819121159085
	}},
	{"Cos", []golden{
		{0.5, 0x3FEC1528065B7D50},            // 0.8775825618903728
		{1, 0x3FE14A280FB5068C},              // 0.5403023058681398
		{2, 0xBFDAA22657537205},              // -0.4161468365471424
		{3, 0xBFEFAE04BE85E5D2},              // -0.9899924966004454
		{10, 0xBFEAD9AC890C6B1F},             // -0.8390715290764524
		{100, 0x3FEB981DBF665FDF},            // 0.8623188722876839
		{1e+06, 0x3FEDF9DF9906D32C},          // 0.9367521275331447
		{1e+22, 0x3FE0BE2CEF01C8F4},          // 0.523214785395139
		{worstReduction, 0xBC214AE72E6BA22F}, // -4.687165924254628e-19
		{1e+300, 0xBFE2699022ADC4C1},         // -0.5753861119575491
	}},
	{"Tanh", []golden{
		{1e-05, 0x3EE4F8B588E06853}, // 9.999999999666666e-06
		{0.1, 0x3FB983D7795F413A},   // 0.09966799462495582
		{0.5, 0x3FDD9353D7568AF3},   // 0.46211715726000974
		{-0.9, 0xBFE6EBE982D6605D},  // -0.7162978701990245
		{1.5, 0x3FECF6F9786DF577},   // 0.9051482536448664
		{5, 0x3FEFFF419668DF11},     // 0.9999092042625951
		{-10, 0xBFEFFFFFFDC96F35},   // -0.9999999958776927
	}},
}

var goldenPow = []struct {
	x, y float64
	bits uint64
}{
	{2, 0.5, 0x3FF6A09E667F3BCD},        // 1.4142135623730951
	{10, -3.5, 0x3F34B96BE9C2DA2C},      // 0.00031622776601683794
	{1.0001, 10000, 0x4005BEC34AABBFD3}, // 2.7181459268249255
	{0.75, 100.5, 0x3D538B885ABB2BA8},   // 2.777518567613351e-13
	{-3, 7, 0xC0A1160000000000},         // -2187
	{123.456, 7.89, 0x435C37E53D5E93D2}, // 3.1771028258180936e+16
	{1e-05, 20.2, 0x2AF665BF1D3E6ACA},   // 1.0000000000000097e-101
	{2.5, -300.25, 0x27210AF431E46D7C},  // 3.2999882704942104e-120
	{2, -1074.5, 0x0000000000000001},    // 5e-324
	{0.9, 7000, 0x00000000000003F1},     // 4.985e-321
	{1e-310, 0.75, 0x0FA922F895935598},  // 3.162277660168372e-233
}

func TestGoldenBits(t *testing.T) {
	referenceConstants()
	cases := map[string]unaryCase{}
	for _, c := range unaryCases() {
		cases[c.name] = c
	}
	for _, g := range goldenUnary {
		c := cases[g.name]
		for _, v := range g.values {
			got := c.f(v.x)
			require.Equal(t, fmt.Sprintf("%#016X", v.bits), fmt.Sprintf("%#016X", math.Float64bits(got)), "%s(%v)", g.name, v.x)
			// The pinned value itself must be right: within the bound of the
			// reference, and close to Go's math unless that is further off.
			pinned, exact := math.Float64frombits(v.bits), c.reference(v.x)
			require.LessOrEqual(t, ulpError(pinned, exact), c.bound, "%s(%v)", g.name, v.x)
			if goGot := c.goMath(v.x); ulpDistance(pinned, goGot) > goMathBound[g.name] {
				require.Greater(t, ulpError(goGot, exact), ulpError(pinned, exact), "%s(%v)", g.name, v.x)
			}
		}
	}
	for _, v := range goldenPow {
		got := Pow(v.x, v.y)
		require.Equal(t, fmt.Sprintf("%#016X", v.bits), fmt.Sprintf("%#016X", math.Float64bits(got)), "Pow(%v, %v)", v.x, v.y)
		// math.Pow is several ulp off for some of these; only the reference judges.
		require.LessOrEqual(t, ulpError(math.Float64frombits(v.bits), referencePow(v.x, v.y)), 1.0, "Pow(%v, %v)", v.x, v.y)
	}
}

// outputDigest hashes the bits of f at 20000 points from every distribution
// of the accuracy tests: a wider net than the golden values, for checking
// that another platform or a port gives the same bits everywhere.
func outputDigest(c unaryCase) string {
	h := fnv.New64a()
	var buf [8]byte
	forEachPoint(c, 20000, func(_ string, x float64) {
		b := math.Float64bits(c.f(x))
		for i := range buf {
			buf[i] = byte(b >> (8 * i))
		}
		h.Write(buf[:])
	})
	return fmt.Sprintf("%016x", h.Sum64())
}

func powDigest() string {
	h := fnv.New64a()
	var buf [8]byte
	for _, name := range []string{"ordinary", "wide", "large results", "x near one", "huge y", "negative integer powers", "subnormal x"} {
		source := powSources()[name]
		r := rand.New(rand.NewPCG(uint64(len(name)), 0xd16e))
		for range 20000 {
			b := math.Float64bits(Pow(source(r)))
			for i := range buf {
				buf[i] = byte(b >> (8 * i))
			}
			h.Write(buf[:])
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// TestOutputDigests pins the digests computed once on linux/amd64; the same
// test passes under emulated arm64, ppc64le, s390x and riscv64.
func TestOutputDigests(t *testing.T) {
	want := map[string]string{
		"Exp":   "c38961157a5d5054",
		"Expm1": "52c24b6853bf1dca",
		"Log":   "faac42a863c1677d",
		"Log10": "87db3069aa6e914f",
		"Log1p": "28f69bc1fb77879b",
		"Sin":   "3bedf4f1582b3248",
		"Cos":   "444d8331fd654c23",
		"Tanh":  "e4bf72dc5e5adf65",
		"Pow":   "e6bf0d0393e136ae",
	}
	got := map[string]string{"Pow": powDigest()}
	for _, c := range unaryCases() {
		got[c.name] = outputDigest(c)
	}
	require.Equal(t, want, got)
}

// ----------------------------------------------------------------------------
// Constants

// TestConstantsMatchTheirBitPatterns checks every constant whose comment
// gives its bit pattern (// 0x3FE62E42FEE00000): a port to LLVM IR will write
// the constant as that pattern, so it must be exactly what Go compiles.
func TestConstantsMatchTheirBitPatterns(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	bitPattern := regexp.MustCompile(`^0x[0-9A-F]{16}\b`)
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				value := spec.(*ast.ValueSpec)
				if value.Comment == nil || len(value.Values) != 1 {
					continue
				}
				pattern := bitPattern.FindString(strings.TrimSpace(strings.TrimPrefix(value.Comment.List[0].Text, "//")))
				if pattern == "" {
					continue
				}
				literal, sign := value.Values[0], 1.0
				if unary, ok := literal.(*ast.UnaryExpr); ok && unary.Op == token.SUB {
					literal, sign = unary.X, -1
				}
				basic, ok := literal.(*ast.BasicLit)
				require.True(t, ok, "%s: %s has a bit pattern comment but is not a literal", name, value.Names[0])
				f, err := strconv.ParseFloat(basic.Value, 64)
				require.NoError(t, err)
				want, err := strconv.ParseUint(pattern[2:], 16, 64)
				require.NoError(t, err)
				require.Equal(t, fmt.Sprintf("%#016X", want), fmt.Sprintf("%#016X", math.Float64bits(sign*f)),
					"%s: %s = %s", name, value.Names[0], basic.Value)
				checked++
			}
		}
	}
	require.Greater(t, checked, 60)
}

// TestSplitConstants checks the constants that stand for an irrational
// number, alone or as a sum of pieces, against the reference.
func TestSplitConstants(t *testing.T) {
	referenceConstants()
	pi := newRef().Set(reference.pi)
	ln2, ln10 := reference.ln2, reference.ln10
	quo := func(a, b *big.Float) *big.Float { return newRef().Quo(a, b) }
	one := big.NewFloat(1)
	pio2 := quo(pi, big.NewFloat(2))
	oneMinus := newRef().Sub(one, newRef().SetMantExp(one, -54))
	log2OneMinus := quo(referenceLog(oneMinus), ln2)
	cases := []struct {
		name string
		sum  []float64
		want *big.Float
		bits int // relative accuracy the sum must have
	}{
		{"ln2Hi+ln2Lo", []float64{ln2Hi, ln2Lo}, ln2, 80},
		{"lg2", []float64{lg2}, ln2, 53},
		{"lg2Hi+lg2Lo", []float64{lg2Hi, lg2Lo}, ln2, 80},
		{"halfLn2", []float64{halfLn2}, quo(ln2, big.NewFloat(2)), 53},
		{"threeHalvesLn2", []float64{threeHalvesLn2}, newRef().Mul(ln2, big.NewFloat(1.5)), 53},
		{"invLn2", []float64{invLn2}, quo(one, ln2), 53},
		{"invLn2Hi+invLn2Lo", []float64{invLn2Hi, invLn2Lo}, quo(one, ln2), 75},
		{"invLn10Hi+invLn10Lo", []float64{invLn10Hi, invLn10Lo}, quo(one, ln10), 80},
		{"log10Of2Hi+log10Of2Lo", []float64{log10Of2Hi, log10Of2Lo}, quo(ln2, ln10), 80},
		{"cp", []float64{cp}, quo(big.NewFloat(2), newRef().Mul(ln2, big.NewFloat(3))), 53},
		{"cpHi+cpLo", []float64{cpHi, cpLo}, quo(big.NewFloat(2), newRef().Mul(ln2, big.NewFloat(3))), 75},
		{"log2Of1p5Hi+log2Of1p5Lo", []float64{log2Of1p5Hi, log2Of1p5Lo}, quo(referenceLog(big.NewFloat(1.5)), ln2), 75},
		{"overflowMargin", []float64{-overflowMargin}, log2OneMinus, 53},
		{"pio4", []float64{pio4}, quo(pi, big.NewFloat(4)), 53},
		{"invPio2", []float64{invPio2}, quo(big.NewFloat(2), pi), 53},
		{"pio2 in 2 pieces", []float64{pio2First, pio2FirstT}, pio2, 85},
		{"pio2 in 3 pieces", []float64{pio2First, pio2Second, pio2SecondT}, pio2, 115},
		{"pio2 in 4 pieces", []float64{pio2First, pio2Second, pio2Third, pio2ThirdT}, pio2, 150},
	}
	for _, c := range cases {
		sum := newRef()
		for _, part := range c.sum {
			sum.Add(sum, bigOf(part))
		}
		diff := newRef().Sub(sum, c.want)
		limit := newRef().SetMantExp(newRef().Abs(c.want), -c.bits)
		require.True(t, newRef().Abs(diff).Cmp(limit) <= 0, "%s is off by %s relative", c.name, quo(diff, c.want).Text('g', 3))
	}

	// The bit tables must be floor(2/pi * 2^1280) and floor(pi/2 * 2^127).
	table := new(big.Int)
	for _, word := range twoOverPiBits[1:] {
		table.Lsh(table, 64).Or(table, new(big.Int).SetUint64(word))
	}
	twoOverPi := new(big.Float).SetPrec(piPrecision).Quo(big.NewFloat(2), reference.pi)
	wantTable, _ := twoOverPi.SetMantExp(twoOverPi, 64*len(twoOverPiBits[1:])).Int(nil)
	require.Equal(t, wantTable.Text(16), table.Text(16))
	fixed := new(big.Int).Lsh(new(big.Int).SetUint64(pio2FixedHigh), 64)
	fixed.Or(fixed, new(big.Int).SetUint64(pio2FixedLow))
	wantFixed, _ := new(big.Float).SetPrec(piPrecision).SetMantExp(reference.pi, 126).Int(nil)
	require.Equal(t, wantFixed.Text(16), fixed.Text(16))
	require.Less(t, mediumReductionLimit, 0x1p20*math.Pi/2)
}

// TestThresholds checks the cut-offs that decide overflow and underflow.
func TestThresholds(t *testing.T) {
	referenceConstants()
	exp := func(x float64) *big.Float { return referenceExp(bigOf(x)) }
	halfSmallest := newRef().SetMantExp(big.NewFloat(1), -1075)
	require.Equal(t, -1, exp(expOverflow).Cmp(overflowBoundary), "e^expOverflow must be finite")
	require.Equal(t, 1, exp(math.Nextafter(expOverflow, inf)).Cmp(overflowBoundary), "e^x must overflow above expOverflow")
	require.Equal(t, 1, exp(expUnderflow).Cmp(halfSmallest), "e^expUnderflow must round to a subnormal")
	require.Equal(t, -1, exp(math.Nextafter(expUnderflow, negInf)).Cmp(halfSmallest), "e^x must round to 0 below expUnderflow")
	require.Equal(t, -1, exp(expm1Saturation).Cmp(newRef().SetMantExp(big.NewFloat(1), -54)), "e^x - 1 must round to -1 below expm1Saturation")
}

// ----------------------------------------------------------------------------
// No FMA

// TestNoFusedMultiplyAdd compiles the package for the architectures where
// the Go compiler fuses x*y + z and checks that it found nothing to fuse:
// a product used in a sum without float64(...) around it would show up here.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package for other architectures")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	// Assembly lines look like "\t0x0024 00036 (file.go:12)\tFMADDD\tF0, F1, F2, F3".
	fused := regexp.MustCompile(`(?m)^\s+0x[0-9a-f]+ \d+ \(([^)]*)\)\s+(V?FN?M(?:ADD|SUB)\w*|WFM[AS]\w*)`)
	for _, target := range []struct{ goarch, variant string }{
		{"arm64", ""}, {"ppc64le", ""}, {"s390x", ""}, {"riscv64", ""}, {"loong64", ""}, {"amd64", "GOAMD64=v3"},
	} {
		cmd := exec.Command(goTool, "build", "-gcflags=-S", ".")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+target.goarch, "CGO_ENABLED=0")
		if target.variant != "" {
			cmd.Env = append(cmd.Env, target.variant)
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		require.Contains(t, string(out), "mathfn.Exp STEXT", "no assembly listing for %s", target.goarch)
		for _, m := range fused.FindAllStringSubmatch(string(out), -1) {
			t.Errorf("%s: fused multiply-add %s at %s", target.goarch, m[2], m[1])
		}
	}
}

// ----------------------------------------------------------------------------
// Benchmarks, each against Go's math package on the same arguments.

var benchmarkSink float64

func benchmarkUnary(b *testing.B, ours, goMath func(float64) float64, lo, hi float64) {
	r := rand.New(rand.NewPCG(1, 2))
	args := make([]float64, 1024)
	for i := range args {
		args[i] = lo + (hi-lo)*r.Float64()
	}
	for _, impl := range []struct {
		name string
		f    func(float64) float64
	}{{"mathfn", ours}, {"math", goMath}} {
		b.Run(impl.name, func(b *testing.B) {
			sum := 0.0
			for i := 0; b.Loop(); i++ {
				sum += impl.f(args[i&1023])
			}
			benchmarkSink = sum
		})
	}
}

func BenchmarkExp(b *testing.B)   { benchmarkUnary(b, Exp, math.Exp, -700, 700) }
func BenchmarkExpm1(b *testing.B) { benchmarkUnary(b, Expm1, math.Expm1, -2, 2) }
func BenchmarkLog(b *testing.B)   { benchmarkUnary(b, Log, math.Log, 1e-300, 1e300) }
func BenchmarkLog10(b *testing.B) { benchmarkUnary(b, Log10, math.Log10, 1e-300, 1e300) }
func BenchmarkLog1p(b *testing.B) { benchmarkUnary(b, Log1p, math.Log1p, -0.5, 2) }
func BenchmarkSin(b *testing.B)   { benchmarkUnary(b, Sin, math.Sin, -100, 100) }
func BenchmarkCos(b *testing.B)   { benchmarkUnary(b, Cos, math.Cos, -100, 100) }
func BenchmarkTanh(b *testing.B)  { benchmarkUnary(b, Tanh, math.Tanh, -3, 3) }

// BenchmarkSinLarge measures the Payne-Hanek reduction.
func BenchmarkSinLarge(b *testing.B) { benchmarkUnary(b, Sin, math.Sin, 1e10, 1e300) }

func BenchmarkPow(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	args := make([][2]float64, 1024)
	for i := range args {
		args[i] = [2]float64{10 * r.Float64(), 40 * (r.Float64() - 0.5)}
	}
	for _, impl := range []struct {
		name string
		f    func(x, y float64) float64
	}{{"mathfn", Pow}, {"math", math.Pow}} {
		b.Run(impl.name, func(b *testing.B) {
			sum := 0.0
			for i := 0; b.Loop(); i++ {
				a := args[i&1023]
				sum += impl.f(a[0], a[1])
			}
			benchmarkSink = sum
		})
	}
}
