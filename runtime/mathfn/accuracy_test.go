// Accuracy: the test points (distributions of random arguments and the
// fixed cases of each function, unaryCases), and the tests that measure
// mathfn's error in ulps against the reference (reference_test.go) and its
// agreement with Go's math package.

package mathfn

import (
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

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
		{
			// Above expOverflow Exprel is +Inf as Brian2's is, while the
			// exact quotient is finite up to about 716.4: the sources stop
			// below it.
			name: "Exprel", f: Exprel, goMath: goExprel, bound: 2,
			reference: referenceExprel,
			sources: map[string]pointSource{
				"full range":  uniform(-750, 709.78),
				"moderate":    uniform(-3, 3),
				"near zero":   logUniform(-80, -1, true),
				"large":       uniform(700, 709.78),
				"reduction k": near(0.5*math.Ln2, -0.5*math.Ln2, 1.5*math.Ln2, -1.5*math.Ln2, 20*math.Ln2, 56*math.Ln2, -56*math.Ln2, -0.25),
			},
			fixed: []float64{expOverflow, expm1Saturation, 0x1p-54, -0x1p-54, 1e-16, -1e-16, 1e-300, 5e-324, -5e-324, -1e300},
		},
	}
}

// goExprel is Exprel from Go's math.Expm1, for TestAgreementWithGoMath.
func goExprel(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Expm1(x) / x
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
	"Exp": 1, "Expm1": 1, "Log": 1, "Log1p": 1, "Log10": 2, "Sin": 1, "Cos": 1, "Tanh": 2, "Exprel": 2,
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
