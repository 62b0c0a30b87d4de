package mathfn

import "math"

// Tanh returns the hyperbolic tangent of x.
//
// It follows fdlibm s_tanh.c, from t = expm1(2|x|): tanh|x| = 1 - 2/(t+2) for
// |x| >= 1, and t/(t+2) below, where fdlibm's rounded division would add up
// to 1.5 ulp to the error; here the division is corrected with its exact
// remainder, which keeps the total within about 1 ulp of expm1's own error.
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
		z = quotientOverTwoPlus(Expm1(2 * ax))
	case ax < 22:
		z = 1 - 2/(Expm1(2*ax)+2)
	default:
		// 1 - tanh(22) < 2^-63, below half an ulp of 1.
		z = 1
	}
	if x < 0 {
		return -z
	}
	return z
}

// quotientOverTwoPlus returns t/(t+2) for 0 <= t < 8 with an error barely
// above half an ulp: the rounded quotient plus the exact remainder of the
// division over the exact denominator.
func quotientOverTwoPlus(t float64) float64 {
	d := t + 2
	dTail := t - (d - 2) // exact (Fast2Sum, as 2 > t/4): d + dTail = t + 2
	q := t / d
	p, pTail := exactProduct(q, d)
	// t - p is exact since p is within a factor of 2 of t.
	remainder := ((t - p) - pTail) - float64(q*dTail)
	return q + remainder/d
}

// exactProduct returns p + e = a*b exactly, with p = a*b rounded, by
// Dekker's algorithm: each factor is split into halves of 26 bits whose
// products are exact. Without FMA this is the only way to get the rounding
// error of a product; it needs |a|, |b| < 2^995 so the split cannot overflow.
func exactProduct(a, b float64) (p, e float64) {
	p = float64(a * b)
	aHigh, aLow := splitHalves(a)
	bHigh, bLow := splitHalves(b)
	e = float64(aHigh*bHigh) - p
	e += float64(aHigh * bLow)
	e += float64(aLow * bHigh)
	e += float64(aLow * bLow)
	return p, e
}

// splitHalves returns high + low = x exactly, each with at most 26
// significant bits (Veltkamp's splitting with the constant 2^27 + 1).
func splitHalves(x float64) (high, low float64) {
	c := float64(134217729 * x)
	high = c - (c - x)
	return high, x - high
}
