package mathfn

import "math"

// Exprel returns (e**x - 1)/x, and 1 at x = 0: Brian2's exprel (the GSL's
// gsl_sf_exprel), which rate models such as Hodgkin-Huxley's write as
// x/(exp(x) - 1) = 1/exprel(x) to stay finite where the denominator
// vanishes.
//
// It is Expm1(x)/x, so its error is Expm1's (< 1 ulp) plus the division's
// rounding (half an ulp): < 1.5 ulp. Near 0 the quotient is 1 + x/2 +
// x^2/6 + ..., which Expm1 keeps without cancellation; below |x| = 2^-54
// Expm1(x) = x and the quotient is exactly 1, as Brian2's C++ (which tests
// |x| < 1e-16) returns.
//
// Special cases: Exprel(±0) = 1, Exprel(-Inf) = +0, Exprel(+Inf) = +Inf
// and, as in Brian2's C++, +Inf wherever e**x - 1 overflows (x above
// about 709.78, although the quotient itself stays finite up to about
// 716.4); Exprel(NaN) = NaN.
func Exprel(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return nan()
	case x == 0:
		return 1
	case x > expOverflow:
		return math.Inf(1)
	}
	return Expm1(x) / x
}
