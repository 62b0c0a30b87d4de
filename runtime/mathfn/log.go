package mathfn

import "math"

// two54 scales a subnormal argument into the normal range so that the usual
// exponent/mantissa split applies to it.
const two54 = 1.80143985094819840000e+16 // 0x4350000000000000

// fdlibm's Remez coefficients (e_log.c, k_log.h) for
// R(s) ~ (log(1+f) - 2s)/s with s = f/(2+f), as a polynomial in z = s*s on
// [0, 0.1716]; its error is below 2^-58.45, under 1/32 of an ulp of the result.
const (
	logLg1 = 6.666666666666735130e-01 // 0x3FE5555555555593
	logLg2 = 3.999999999940941908e-01 // 0x3FD999999997FA04
	logLg3 = 2.857142874366239149e-01 // 0x3FD2492494229359
	logLg4 = 2.222219843214978396e-01 // 0x3FCC71C51D8E78AF
	logLg5 = 1.818357216161805012e-01 // 0x3FC7466496CB03DE
	logLg6 = 1.531383769920937332e-01 // 0x3FC39A09D078C69F
	logLg7 = 1.479819860511658591e-01 // 0x3FC2F112DF3E5244
)

// Log10 multiplies by 1/ln10 and log10(2) in two pieces each: the high pieces
// have so few significant bits that their products with the short operands
// they meet are exact, and the low pieces carry the rest.
const (
	invLn10Hi  = 4.34294481878168880939e-01 // 0x3FDBCB7B15200000
	invLn10Lo  = 2.50829467116452752298e-11 // 0x3DBB9438CA9AADD5
	log10Of2Hi = 3.01029995663611771306e-01 // 0x3FD34413509F6000
	log10Of2Lo = 3.69423907715893078616e-13 // 0x3D59FEF311F12B36
)

// logReduce splits a finite x > 0 as x = 2^k * (1+f) with 1+f in
// [sqrt(2)/2, sqrt(2)), where the series for log(1+f) converges fastest. It
// also returns the top 20 mantissa bits of x, which Log uses to pick a
// formula. It is shared by Log and Log10 so that they reduce identically.
func logReduce(x float64) (k int32, f float64, mantissaHigh int32) {
	hx := int32(highWord(x))
	if hx < 0x00100000 {
		x *= two54
		k = -54
		hx = int32(highWord(x))
	}
	k += hx>>20 - 1023
	hx &= 0x000FFFFF
	// 0x95F64 + 0x6A09C = 0x100000, and 0x6A09E is the top of sqrt(2)'s
	// mantissa: the carry into bit 20 is set exactly when the mantissa is at
	// least about sqrt(2), in which case x is normalized to [sqrt(2)/2, 1).
	i := (hx + 0x95F64) & 0x100000
	x = withHighWord(x, uint32(hx|(i^0x3FF00000)))
	k += i >> 20
	return k, x - 1, hx
}

// logPoly returns R(z) = s*s*(Lg1 + Lg2*z + ...) split into even and odd
// parts, which shortens the dependency chain.
func logPoly(z float64) float64 {
	w := z * z
	t1 := logLg6
	t1 = logLg4 + float64(w*t1)
	t1 = logLg2 + float64(w*t1)
	t1 = float64(w * t1)
	t2 := logLg7
	t2 = logLg5 + float64(w*t2)
	t2 = logLg3 + float64(w*t2)
	t2 = logLg1 + float64(w*t2)
	t2 = float64(z * t2)
	return t2 + t1
}

// logIsSpecial reports whether x needs no computation in Log or Log10 and
// returns the result if so: log(±0) = -Inf, log(x < 0) = NaN, log(+Inf) = +Inf,
// log(NaN) = NaN.
func logIsSpecial(x float64) (float64, bool) {
	switch {
	case math.IsNaN(x) || x < 0:
		return nan(), true
	case x == 0:
		return math.Inf(-1), true
	case math.IsInf(x, 1):
		return x, true
	}
	return 0, false
}

// Log returns the natural logarithm of x.
//
// Special cases: Log(+Inf) = +Inf, Log(0) = -Inf, Log(x < 0) = NaN,
// Log(NaN) = NaN.
func Log(x float64) float64 {
	if special, ok := logIsSpecial(x); ok {
		return special
	}
	k, f, mantissaHigh := logReduce(x)
	fk := float64(k)

	if 0x000FFFFF&(2+mantissaHigh) < 3 {
		// |f| < 2^-20: three terms of the Taylor series suffice.
		if f == 0 {
			if k == 0 {
				return 0
			}
			return float64(fk*ln2Hi) + float64(fk*ln2Lo)
		}
		r := float64(float64(f*f) * (0.5 - float64(0.33333333333333333*f)))
		if k == 0 {
			return f - r
		}
		return float64(fk*ln2Hi) - ((r - float64(fk*ln2Lo)) - f)
	}

	s := f / (2 + f)
	r := logPoly(s * s)
	// log(1+f) = f - s*(f - R) is cheaper, but when 1+f is near either end of
	// the interval (f about 0.4 or -0.3) the variant that subtracts
	// f*f/2 first loses less to rounding.
	nearEnd := (mantissaHigh-0x6147A)|(0x6B851-mantissaHigh) > 0
	if nearEnd {
		halfSquare := float64(0.5 * f * f)
		if k == 0 {
			return f - (halfSquare - float64(s*(halfSquare+r)))
		}
		return float64(fk*ln2Hi) - ((halfSquare - (float64(s*(halfSquare+r)) + float64(fk*ln2Lo))) - f)
	}
	if k == 0 {
		return f - float64(s*(f-r))
	}
	return float64(fk*ln2Hi) - ((float64(s*(f-r)) - float64(fk*ln2Lo)) - f)
}

// Log10 returns the decimal logarithm of x.
//
// Special cases are the same as for Log.
func Log10(x float64) float64 {
	if special, ok := logIsSpecial(x); ok {
		return special
	}
	if x == 1 {
		return 0
	}
	k, f, _ := logReduce(x)
	fk := float64(k)

	// log(1+f) = f - f*f/2 + s*(f*f/2 + R) is kept as hi + lo, hi with 21
	// significant bits, so that hi*invLn10Hi is exact: multiplying a rounded
	// log(x) by 1/ln10 would add a second rounding error.
	halfSquare := float64(0.5 * f * f)
	s := f / (2 + f)
	tail := float64(s * (halfSquare + logPoly(s*s)))
	hi := withLowWordCleared(f - halfSquare)
	lo := (f - hi) - halfSquare + tail

	valHi := float64(hi * invLn10Hi)
	scaled := float64(fk * log10Of2Hi)
	valLo := float64(fk*log10Of2Lo) + float64((lo+hi)*invLn10Lo) + float64(lo*invLn10Hi)
	// Add k*log10(2) to valHi with its rounding error caught in valLo.
	sum := scaled + valHi
	valLo += (scaled - sum) + valHi
	return valLo + sum
}

// Log1p returns the natural logarithm of 1 plus x, accurate even when x is
// near zero, where Log(1 + x) would lose the bits of x that 1 + x rounds away.
//
// Special cases: Log1p(+Inf) = +Inf, Log1p(±0) = ±0, Log1p(-1) = -Inf,
// Log1p(x < -1) = NaN, Log1p(NaN) = NaN.
func Log1p(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < -1:
		return nan()
	case x == -1:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}

	hx := int32(highWord(x))
	ax := hx & 0x7FFFFFFF
	// Reduce 1+x = 2^k * (1+f) with 1+f in about [sqrt(2)/2, sqrt(2)]; when
	// k != 0, f is not exact and c = (1+x) - u is the correction term.
	var k int32 = 1
	var f, c float64
	var mantissaHigh int32
	if hx < 0x3FDA827A { // x < sqrt(2) - 1
		if ax < 0x3E200000 { // |x| < 2^-29
			if ax < 0x3C900000 { // |x| < 2^-54: x*x/2 is below half an ulp of x
				return x
			}
			return x - float64(x*x*0.5)
		}
		if hx > 0 || hx <= int32(-0x402D413C) { // -0.2929 <= x < 0.4142: 1+x needs no reduction
			k, f, mantissaHigh = 0, x, 1
		}
	}
	if k != 0 {
		var u float64
		if hx < 0x43400000 { // x < 2^53
			u = 1 + x
			mantissaHigh = int32(highWord(u))
			k = mantissaHigh>>20 - 1023
			if k > 0 {
				c = 1 - (u - x)
			} else {
				c = x - (u - 1)
			}
			c /= u
		} else {
			// 1 + x rounds to x and the 1 is below the last bit: log(x) is the answer.
			u = x
			mantissaHigh = int32(highWord(u))
			k = mantissaHigh>>20 - 1023
		}
		mantissaHigh &= 0x000FFFFF
		if mantissaHigh < 0x6A09E { // mantissa below sqrt(2)
			u = withHighWord(u, uint32(mantissaHigh|0x3FF00000))
		} else {
			k++
			u = withHighWord(u, uint32(mantissaHigh|0x3FE00000))
			mantissaHigh = (0x00100000 - mantissaHigh) >> 2
		}
		f = u - 1
	}
	fk := float64(k)

	halfSquare := float64(0.5 * f * f)
	if mantissaHigh == 0 { // |f| < 2^-20
		if f == 0 {
			if k == 0 {
				return 0
			}
			c += float64(fk * ln2Lo)
			return float64(fk*ln2Hi) + c
		}
		r := float64(halfSquare * (1 - float64(0.66666666666666666*f)))
		if k == 0 {
			return f - r
		}
		return float64(fk*ln2Hi) - ((r - (float64(fk*ln2Lo) + c)) - f)
	}
	s := f / (2 + f)
	z := s * s
	r := logLg7
	r = logLg6 + float64(z*r)
	r = logLg5 + float64(z*r)
	r = logLg4 + float64(z*r)
	r = logLg3 + float64(z*r)
	r = logLg2 + float64(z*r)
	r = logLg1 + float64(z*r)
	r = float64(z * r)
	if k == 0 {
		return f - (halfSquare - float64(s*(halfSquare+r)))
	}
	return float64(fk*ln2Hi) - ((halfSquare - (float64(s*(halfSquare+r)) + (float64(fk*ln2Lo) + c))) - f)
}
