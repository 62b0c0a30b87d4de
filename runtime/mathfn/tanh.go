package mathfn

import "math"

// Tanh returns the hyperbolic tangent of x, computed from Expm1 as in fdlibm
// s_tanh.c: tanh(x) = -t/(t+2) with t = expm1(-2|x|) for |x| < 1, and
// 1 - 2/(t+2) with t = expm1(2|x|) above, each form avoiding cancellation in
// its range.
//
// Special cases: Tanh(±0) = ±0, Tanh(±Inf) = ±1, Tanh(NaN) = NaN.
func Tanh(x float64) float64 {
	ax := math.Abs(x)
	var z float64
	switch {
	case math.IsNaN(x):
		return nan()
	case ax < 0x1p-28:
		// x^3/3 is below half an ulp of x; returning x also keeps -0.
		return x
	case ax < 1:
		t := Expm1(-2 * ax)
		z = -t / (t + 2)
	case ax < 22:
		t := Expm1(2 * ax)
		z = 1 - 2/(t+2)
	default:
		// 1 - tanh(22) < 2^-63, below half an ulp of 1.
		z = 1
	}
	if x < 0 {
		return -z
	}
	return z
}
