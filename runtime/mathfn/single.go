package mathfn

import "math"

// Single-precision functions of the white noise's draws (runtime/rng's
// StdNormalQuad): the logarithm of the Box–Muller radius and the sine and
// cosine of its angle within a quarter turn, in binary32, whose vectors
// hold twice the lanes of binary64's and whose polynomials are half as
// long. They take only the arguments a draw gives them (Log32 a positive
// normal float32, the kernels |x| <= pi/4) and have no special cases. The
// rules of the package hold: IEEE operations only, every product that
// reaches a sum converted (float32(x*y)), and every backend computes them
// so (backends/llvm's snn_log32_inline and the draw's inline sine and
// cosine; native kernels draw white noise inline, so the C runtime has no
// copy).

// Coefficients of FreeBSD's e_logf.c (Bruce D. Evans' reduction of
// fdlibm's to four terms) for R(z) ~ (log(1+s) - log(1-s))/s - 2 with
// z = s*s, s = f/(2+f): error below 2^-34.24 on its interval.
const (
	log32Lg1 = float32(0xaaaaaa * 0x1p-24) // 0.66666662693
	log32Lg2 = float32(0xccce13 * 0x1p-25) // 0.40000972152
	log32Lg3 = float32(0x91e9ee * 0x1p-25) // 0.28498786688
	log32Lg4 = float32(0xf89e26 * 0x1p-26) // 0.24279078841
)

// ln2F32 is ln 2 rounded to a float32 (0x3F317218).
const ln2F32 = float32(0.693147180559945309417)

// Log32 returns the natural logarithm of a positive normal float32 x
// (the radius's uniform, in [2^-31, 1]): x = 2^k (1+f) with 1+f in
// [sqrt(2)/2, sqrt(2)), s = f/(2+f), and log(1+f) = 2 atanh(s) =
// f - (f²/2 - s (f²/2 + R(s²))) (e_logf.c's arrangement for f away from
// 0, used for every f), plus k ln 2 with ln 2 in one float, whose error,
// |k| 1.9e-9, is below a tenth of an ulp of the result for 0 < |k| <= 32,
// and the product's rounding: within 1.5 ulp (TestLog32; e_logf.c's
// ln 2 in two parts, two operations more, kept it within 1, and 2s + s R,
// three fewer, went past 2).
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
	return float32(float32(k)*ln2F32) + (f - (halfSquare - float32(s*(halfSquare+r))))
}

// Taylor coefficients of sin and cos, rounded to float32. On |x| <= pi/4
// the terms left out, x^11/11! and x^12/12!, are below 2^-28 and 2^-32:
// the error is the evaluation's rounding (TestSinCos32).
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

// Sin32 returns sin(x) for a float32 |x| <= pi/4: x + x z (S1 + z (S2 +
// z (S3 + z S4))), z = x*x.
func Sin32(x float32) float32 {
	z := x * x
	p := sin32S3 + float32(z*sin32S4)
	p = sin32S2 + float32(z*p)
	p = sin32S1 + float32(z*p)
	return x + float32(x*z*p)
}

// Cos32 returns cos(x) for a float32 |x| <= pi/4: 1 + z (C1 + z (C2 +
// z (C3 + z (C4 + z C5)))), z = x*x.
func Cos32(x float32) float32 {
	z := x * x
	p := cos32C4 + float32(z*cos32C5)
	p = cos32C3 + float32(z*p)
	p = cos32C2 + float32(z*p)
	p = cos32C1 + float32(z*p)
	return 1 + float32(z*p)
}
