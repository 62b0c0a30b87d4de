// Special values: the bits of each function at infinities, NaN, signed
// zeros, subnormals and its thresholds, for the one-argument functions and
// for Pow, and the results a correctly rounded function gives exactly.

package mathfn

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

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
