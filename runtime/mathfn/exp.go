package mathfn

import "math"

// Argument reduction for Exp and Expm1 writes x = k*ln2 + r with |r| <= ln2/2.
// ln2 is split into ln2Hi, which has only 32 significant bits so that k*ln2Hi
// is exact for every k that does not overflow, and the remainder ln2Lo;
// r = (x - k*ln2Hi) - k*ln2Lo then carries about 85 correct bits.
const (
	ln2Hi          = 6.93147180369123816490e-01 // 0x3FE62E42FEE00000
	ln2Lo          = 1.90821492927058770002e-10 // 0x3DEA39EF35793C76
	invLn2         = 1.44269504088896338700e+00 // 0x3FF71547652B82FE
	halfLn2        = 3.46573590279972654709e-01 // 0x3FD62E42FEFA39EF
	threeHalvesLn2 = 1.03972077083991796413e+00 // 0x3FF0A2B23F3BAB73

	// expOverflow is the largest x with a finite e^x; below expUnderflow,
	// e^x is less than half the smallest subnormal and rounds to 0.
	expOverflow  = 7.09782712893383973096e+02  // 0x40862E42FEFA39EF
	expUnderflow = -7.45133219101941108420e+02 // 0xC0874910D52D3051

	// Below -56*ln2, e^x is under 2^-56, less than half an ulp of 1, so
	// e^x - 1 rounds to -1.
	expm1Saturation = -3.88162421113569373274e+01 // 0xC043687A9F1AF2B1
)

// fdlibm's Remez coefficients (e_exp.c) for R(z) ~ r*(e^r+1)/(e^r-1) - 2 with
// z = r*r on [0, 0.34658]; the polynomial's error is below 2^-59, which leaves
// room for the final rounding to stay under 1 ulp.
const (
	expP1 = 1.66666666666666019037e-01  // 0x3FC555555555553E
	expP2 = -2.77777777770155933842e-03 // 0xBF66C16C16BEBD93
	expP3 = 6.61375632143793436117e-05  // 0x3F11566AAF25DE2C
	expP4 = -1.65339022054652515390e-06 // 0xBEBBBD41C5D26BF1
	expP5 = 4.13813679705723846039e-08  // 0x3E66376972BEA4D0
)

// fdlibm's coefficients (s_expm1.c) for R1(z) ~ 6/r*((e^r+1)/(e^r-1) - 2/r)
// in z = r*r/2 (each scaled by 2^n, saving a multiplication); error < 2^-61.
const (
	expm1Q1 = -3.33333333333331316428e-02 // 0xBFA11111111110F4
	expm1Q2 = 1.58730158725481460165e-03  // 0x3F5A01A019FE5585
	expm1Q3 = -7.93650757867487942473e-05 // 0xBF14CE199EAADBB7
	expm1Q4 = 4.00821782732936239552e-06  // 0x3ED0CFCA86E65239
	expm1Q5 = -2.01099218183624371326e-07 // 0xBE8AFDB76E09C32D
)

// Exp returns e**x.
//
// Special cases: Exp(+Inf) = +Inf, Exp(-Inf) = 0, Exp(NaN) = NaN; results too
// large overflow to +Inf and results too small underflow to 0.
func Exp(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return nan()
	case x > expOverflow:
		return math.Inf(1)
	case x < expUnderflow:
		return 0
	}

	// r = hi - lo is the reduced argument; keeping lo apart preserves the bits
	// that the subtraction would round away.
	var hi, lo float64
	k := 0
	ax := math.Abs(x)
	switch {
	case ax > threeHalvesLn2:
		half := 0.5
		if x < 0 {
			half = -0.5
		}
		k = int(float64(invLn2*x) + half) // rounds x/ln2 half away from zero
		fk := float64(k)
		hi = x - float64(fk*ln2Hi)
		lo = float64(fk * ln2Lo)
	case ax > halfLn2:
		// k is ±1 here; skipping the multiplication by invLn2 saves time.
		if x > 0 {
			hi, lo, k = x-ln2Hi, ln2Lo, 1
		} else {
			hi, lo, k = x+ln2Hi, -ln2Lo, -1
		}
	case ax < 0x1p-28:
		// x*x/2 is below half an ulp of 1.
		return 1 + x
	default:
		// No reduction, so no lo term: the shorter formula is exact enough.
		c := x - float64(x*x*expPoly(x*x))
		return 1 - (x*c/(c-2) - x)
	}
	r := hi - lo
	c := r - float64(r*r*expPoly(r*r))
	y := 1 - ((lo - r*c/(2-c)) - hi)
	return scaleByTwoPow(y, k)
}

// expPoly returns the polynomial part of R(z) after its constant 2, divided
// by z: P1 + P2*z + ... + P5*z^4.
func expPoly(z float64) float64 {
	p := expP5
	p = expP4 + float64(z*p)
	p = expP3 + float64(z*p)
	p = expP2 + float64(z*p)
	return expP1 + float64(z*p)
}

// Expm1 returns e**x - 1, accurate even when x is near zero, where Exp(x) - 1
// would cancel.
//
// Special cases: Expm1(+Inf) = +Inf, Expm1(-Inf) = -1, Expm1(NaN) = NaN;
// Expm1(±0) = ±0; results too large overflow to +Inf.
func Expm1(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return nan()
	case x > expOverflow:
		return math.Inf(1)
	case x < expm1Saturation:
		return -1
	}

	// x is reduced to r + c, r = x - k*ln2 rounded and c its rounding error,
	// which a first-order correction folds back in.
	var c float64
	k := 0
	ax := math.Abs(x)
	switch {
	case ax > threeHalvesLn2:
		half := 0.5
		if x < 0 {
			half = -0.5
		}
		k = int(float64(invLn2*x) + half)
		fk := float64(k)
		hi := x - float64(fk*ln2Hi)
		lo := float64(fk * ln2Lo)
		x = hi - lo
		c = (hi - x) - lo
	case ax > halfLn2:
		hi, lo := x-ln2Hi, ln2Lo
		k = 1
		if x < 0 {
			hi, lo, k = x+ln2Hi, -ln2Lo, -1
		}
		x = hi - lo
		c = (hi - x) - lo
	case ax < 0x1p-54:
		// x*x/2 is below half an ulp of x; returning x also keeps -0.
		return x
	}

	// expm1(r) = r + r^2/2 + r^3/2 * (3 - (R1 + R1*r/2)) / (6 - r*(3 - R1*r/2)),
	// arranged as r - e with e small so that the leading r is not rounded.
	halfX := 0.5 * x
	halfSquare := float64(x * halfX)
	q := expm1Q5
	q = expm1Q4 + float64(halfSquare*q)
	q = expm1Q3 + float64(halfSquare*q)
	q = expm1Q2 + float64(halfSquare*q)
	q = expm1Q1 + float64(halfSquare*q)
	r1 := 1 + float64(halfSquare*q)
	t := 3 - float64(r1*halfX)
	e := float64(halfSquare * ((r1 - t) / (6 - float64(x*t))))
	if k == 0 {
		return x - (float64(x*e) - halfSquare)
	}
	e = float64(x*(e-c)) - c
	e -= halfSquare

	// Scale back: expm1(x) = 2^k*(expm1(r) + 1) - 1, each case ordered so that
	// the large terms cancel exactly before the small ones are added.
	switch {
	case k == -1:
		return float64(0.5*(x-e)) - 0.5
	case k == 1:
		if x < -0.25 {
			return float64(-2 * (e - (x + 0.5)))
		}
		return 1 + float64(2*(x-e))
	case k <= -2 || k > 56:
		// 2^k is so far from 1 that subtracting 1 last loses nothing.
		return scaleByTwoPow(1-(e-x), k) - 1
	case k < 20:
		oneMinusTwoPowMinusK := fromWords(0x3FF00000-(0x200000>>k), 0) // exact: k < 20
		return scaleByTwoPow(oneMinusTwoPowMinusK-(e-x), k)
	default:
		y := x - (e + twoPow(-k))
		y += 1
		return scaleByTwoPow(y, k)
	}
}
