package mathfn

import "math"

// Single-precision functions of the white noise's draws (runtime/rng's
// StdNormalQuad): the logarithm of the Box–Muller radius and the cosine
// and sine of its angle in turns, in binary32, whose vectors hold twice
// the lanes of binary64's and whose polynomials are half as long. They
// take only the arguments a draw gives them (Log32 a positive normal
// float32, the turns in [0, 1)) and have no special cases. The rules of
// the package hold: IEEE operations only, every product that reaches a sum
// converted (float32(x*y)), and every backend computes them so
// (backends/llvm's snn_log32_inline, snn_cos_turn32_inline and
// snn_sin_turn32_inline; native kernels draw white noise inline, so the C
// runtime has no copy).

// Coefficients of FreeBSD's e_logf.c (Bruce D. Evans' reduction of
// fdlibm's to four terms) for R(z) ~ (log(1+s) - log(1-s))/s - 2 with
// z = s*s, s = f/(2+f): error below 2^-34.24 on its interval.
const (
	log32Lg1 = float32(0xaaaaaa * 0x1p-24) // 0.66666662693
	log32Lg2 = float32(0xccce13 * 0x1p-25) // 0.40000972152
	log32Lg3 = float32(0x91e9ee * 0x1p-25) // 0.28498786688
	log32Lg4 = float32(0xf89e26 * 0x1p-26) // 0.24279078841
)

// ln2 in two float32 parts: ln2Hi32 has 17 significant bits, so k*ln2Hi32
// is exact for |k| < 128.
const (
	ln2Hi32 = float32(0x1.62e3p-1)    // 0x3F317180, 0.69313812256
	ln2Lo32 = float32(0x1.2fefa2p-17) // 0x3717F7D1, 9.0580006145e-06
)

// Log32 returns the natural logarithm of a positive normal float32 x
// (the radius's uniform, in [2^-32, 1]): x = 2^k (1+f) with 1+f in
// [sqrt(2)/2, sqrt(2)), s = f/(2+f), and log(1+f) = f - (f²/2 -
// s (f²/2 + R(s²))), e_logf.c's formula for f away from 0, used for every
// f (TestLog32 bounds its error, below 1 ulp).
func Log32(x float32) float32 {
	ix := math.Float32bits(x)
	k := int32(ix>>23) - 127
	ix &= 0x007FFFFF
	// 0x4AFB20 + 0x3504F4 = 0x800000, 0x3504F3 the top of sqrt(2)'s
	// mantissa: the carry into bit 23 is set when the mantissa is at least
	// about sqrt(2), and x is then normalised to [sqrt(2)/2, 1).
	i := (ix + 0x4AFB20) & 0x00800000
	f := math.Float32frombits(ix|(i^0x3F800000)) - 1
	k += int32(i >> 23)
	s := f / (2 + f)
	z := s * s
	w := z * z
	r := float32(z*(log32Lg1+float32(w*log32Lg3))) + float32(w*(log32Lg2+float32(w*log32Lg4)))
	halfSquare := float32(0.5 * f * f)
	fk := float32(k)
	return float32(fk*ln2Hi32) - ((halfSquare - (float32(s*(halfSquare+r)) + float32(fk*ln2Lo32))) - f)
}

// twoPi32 is 2*pi rounded to a float32 (0x40C90FDB).
const twoPi32 = float32(6.28318530717958647692)

// roundingShift32 is 1.5*2^23: adding it to a float32 below 2^22 in
// magnitude rounds it to an integer, held in the sum's low mantissa bits.
const roundingShift32 = float32(0x1.8p23)

// Taylor coefficients of sin and cos, rounded to float32. On |x| <= pi/4
// the terms left out, x^11/11! and x^12/12!, are below 2^-28 and 2^-32:
// the error is the evaluation's rounding (TestTurn32).
const (
	sin32S1 = float32(-1.0 / 6)
	sin32S2 = float32(1.0 / 120)
	sin32S3 = float32(-1.0 / 5040)
	sin32S4 = float32(1.0 / 362880)
	cos32C1 = float32(-1.0 / 2)
	cos32C2 = float32(1.0 / 24)
	cos32C3 = float32(-1.0 / 720)
	cos32C4 = float32(1.0 / 40320)
	cos32C5 = float32(-1.0 / 3628800)
)

// CosTurn32 returns cos(2*pi*u) for a float32 u in [0, 1), CosTurn's
// reduction in binary32: n = round(4u) (4u exact, rounded by
// roundingShift32), r = u - n/4 in [-1/8, 1/8] (exact: u and n/4 are
// multiples of u's ulp), x = 2*pi*r rounded once, and the quadrant's
// polynomial.
func CosTurn32(u float32) float32 { return quarterTurns32(u, 0) }

// SinTurn32 returns sin(2*pi*u) for a float32 u in [0, 1): CosTurn32
// with the quadrant moved by 3.
func SinTurn32(u float32) float32 { return quarterTurns32(u, 3) }

// quarterTurns32 is cos(2*pi*u + shift*pi/2) by CosTurn32's reduction.
func quarterTurns32(u float32, shift uint32) float32 {
	shifted := float32(4*u) + roundingShift32
	n := shifted - roundingShift32
	x := float32(twoPi32 * (u - float32(0.25*n)))
	z := x * x
	switch (math.Float32bits(shifted) + shift) & 3 {
	case 0:
		return cosPoly32(z)
	case 1:
		return -sinPoly32(x, z)
	case 2:
		return -cosPoly32(z)
	default:
		return sinPoly32(x, z)
	}
}

// sinPoly32 is sin(x) for |x| <= pi/4, z = x*x: x + x z (S1 + z (S2 +
// z (S3 + z S4))).
func sinPoly32(x, z float32) float32 {
	p := sin32S3 + float32(z*sin32S4)
	p = sin32S2 + float32(z*p)
	p = sin32S1 + float32(z*p)
	return x + float32(x*z*p)
}

// cosPoly32 is cos(x) for |x| <= pi/4, z = x*x: 1 + z (C1 + z (C2 +
// z (C3 + z (C4 + z C5)))).
func cosPoly32(z float32) float32 {
	p := cos32C4 + float32(z*cos32C5)
	p = cos32C3 + float32(z*p)
	p = cos32C2 + float32(z*p)
	p = cos32C1 + float32(z*p)
	return 1 + float32(z*p)
}
