package mathfn

import "math"

// Pow follows fdlibm e_pow.c: log2(x) is computed as t1 + t2, t1 with its low
// 32 bits zero, so that y*log2(x) can be formed as pHi + pLo exactly enough to
// give 2^(y*log2(x)) to within an ulp even when y*log2(x) is near ±1075.
// Products of the short "high" parts are exact; everything else is carried
// in the low parts.
const (
	two53 = 9007199254740992.0 // 0x4340000000000000

	// (3/2)*(log(x) - 2s - (2/3)s^3)/s^5 ~ L1 + L2*s^2 + ... in s = (x-1)/(x+1).
	powL1 = 5.99999999999994648725e-01 // 0x3FE3333333333303
	powL2 = 4.28571428578550184252e-01 // 0x3FDB6DB6DB6FABFF
	powL3 = 3.33333329818377432918e-01 // 0x3FD55555518F264D
	powL4 = 2.72728123808534006489e-01 // 0x3FD17460A91D4101
	powL5 = 2.30660745775561754067e-01 // 0x3FCD864A93C9DB65
	powL6 = 2.06975017800338417784e-01 // 0x3FCA7E284A454EEF

	lg2   = 6.93147180559945286227e-01  // 0x3FE62E42FEFA39EF
	lg2Hi = 6.93147182464599609375e-01  // 0x3FE62E4300000000
	lg2Lo = -1.90465429995776804525e-09 // 0xBE205C610CA86C39

	// overflowMargin is -log2(1 - 2^-54), so that 1024 - overflowMargin is
	// log2(MaxFloat64 + half an ulp): when y*log2(x) rounds to exactly 1024,
	// the result overflows only if the unrounded value is above that.
	overflowMargin = 8.0085662595372944372e-17 // 0x3C971547652B82FE

	// cp = 2/(3*ln2) converts the series in s to log2; cpHi has 24 bits.
	cp   = 9.61796693925975554329e-01  // 0x3FEEC709DC3A03FD
	cpHi = 9.61796700954437255859e-01  // 0x3FEEC709E0000000
	cpLo = -7.02846165095275826516e-09 // 0xBE3E2FE0145B01F5

	// 1/ln2 for |x| near 1; invLn2Hi has 24 bits.
	invLn2Hi = 1.44269502162933349609e+00 // 0x3FF7154760000000
	invLn2Lo = 1.92596299112661746887e-08 // 0x3E54AE0BF85DDF44

	// log2(1.5) split, for arguments reduced around 1.5 instead of 1.
	log2Of1p5Hi = 5.84962487220764160156e-01 // 0x3FE2B80340000000
	log2Of1p5Lo = 1.35003920212974897128e-08 // 0x3E4CFDEB43CFD006
)

// Pow returns x**y.
//
// Special cases are those of Go's math.Pow:
//
//	Pow(x, ±0) = 1 for any x
//	Pow(1, y) = 1 for any y
//	Pow(x, 1) = x for any x
//	Pow(NaN, y) = NaN
//	Pow(x, NaN) = NaN
//	Pow(±0, y) = ±Inf for y an odd integer < 0
//	Pow(±0, -Inf) = +Inf
//	Pow(±0, +Inf) = +0
//	Pow(±0, y) = +Inf for finite y < 0 and not an odd integer
//	Pow(±0, y) = ±0 for y an odd integer > 0
//	Pow(±0, y) = +0 for finite y > 0 and not an odd integer
//	Pow(-1, ±Inf) = 1
//	Pow(x, +Inf) = +Inf for |x| > 1
//	Pow(x, -Inf) = +0 for |x| > 1
//	Pow(x, +Inf) = +0 for |x| < 1
//	Pow(x, -Inf) = +Inf for |x| < 1
//	Pow(+Inf, y) = +Inf for y > 0
//	Pow(+Inf, y) = +0 for y < 0
//	Pow(-Inf, y) = Pow(-0, -y)
//	Pow(x, y) = NaN for finite x < 0 and finite non-integer y
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case math.IsNaN(x) || math.IsNaN(y):
		return nan()
	case y == 1:
		return x
	case x == 0:
		yOdd := isOddInteger(y)
		if y < 0 {
			if yOdd && math.Signbit(x) {
				return math.Inf(-1)
			}
			return math.Inf(1)
		}
		if yOdd {
			return x
		}
		return 0
	case math.IsInf(y, 0):
		switch {
		case x == -1:
			return 1
		case (math.Abs(x) < 1) == (y > 0):
			return 0
		default:
			return math.Inf(1)
		}
	case math.IsInf(x, 0):
		yOdd := isOddInteger(y)
		switch {
		case x > 0 && y > 0:
			return math.Inf(1)
		case x > 0:
			return 0
		case y > 0 && yOdd: // (-Inf)^y = (-0)^-y
			return math.Inf(-1)
		case y > 0:
			return math.Inf(1)
		case yOdd:
			return math.Copysign(0, -1)
		default:
			return 0
		}
	}

	yInteger, yOdd := integerKind(y)
	if x < 0 && !yInteger {
		return nan()
	}
	sign := 1.0 // sign of the result: negative for a negative x to an odd power
	if x < 0 && yOdd {
		sign = -1
	}
	switch {
	case x == -1:
		return sign
	case y == 2:
		return float64(x * x)
	case y == -1:
		return 1 / x
	case y == 0.5 && x > 0:
		// Correctly rounded, and cheaper.
		return math.Sqrt(x)
	}
	return float64(sign * powPositive(math.Abs(x), y))
}

// isOddInteger reports whether y is an odd integer.
func isOddInteger(y float64) bool {
	_, odd := integerKind(y)
	return odd
}

// integerKind reports whether the finite y is an integer and whether it is
// odd, from its exponent and the mantissa bits below the binary point.
func integerKind(y float64) (integer, odd bool) {
	b := math.Float64bits(y)
	exponent := int(b>>52&0x7FF) - 1023
	switch {
	case exponent < 0:
		return y == 0, false
	case exponent >= 53:
		return true, false
	}
	fractionBits := uint(52 - exponent)
	mantissa := b&(1<<52-1) | 1<<52
	if mantissa&(1<<fractionBits-1) != 0 {
		return false, false
	}
	return true, mantissa>>fractionBits&1 == 1
}

// powPositive returns ax**y for finite ax > 0, ax != 1, and finite y not in
// {0, 1}; on overflow it returns +Inf and on underflow +0, for the caller to
// give the sign.
func powPositive(ax, y float64) float64 {
	ix := int32(highWord(ax))
	iy := int32(highWord(y)) & 0x7FFFFFFF
	yNegative := y < 0

	// log2(ax) = t1 + t2, t1 with its low word zero.
	var t1, t2 float64
	if iy > 0x41E00000 { // |y| > 2^31
		if iy > 0x43F00000 { // |y| > 2^64: the result overflows or underflows
			if (ix <= 0x3FEFFFFF) == yNegative {
				return math.Inf(1)
			}
			return 0
		}
		// Unless x is within 2^-20 of 1, the result overflows or underflows.
		if ix < 0x3FEFFFFF {
			if yNegative {
				return math.Inf(1)
			}
			return 0
		}
		if ix > 0x3FF00000 {
			if yNegative {
				return 0
			}
			return math.Inf(1)
		}
		// |1-x| <= 2^-20, so log(x) = t - t^2/2 + t^3/3 - t^4/4 is enough.
		t := ax - 1 // exact, and has 20 trailing zero bits
		w := float64(float64(t*t) * (0.5 - float64(t*(0.3333333333333333333333-float64(t*0.25)))))
		u := float64(invLn2Hi * t) // exact: invLn2Hi has 24 bits
		v := float64(t*invLn2Lo) - float64(w*invLn2)
		t1 = withLowWordCleared(u + v)
		t2 = v - (t1 - u)
	} else {
		n := int32(0)
		if ix < 0x00100000 { // subnormal ax
			ax *= two53
			n -= 53
			ix = int32(highWord(ax))
		}
		n += ix>>20 - 0x3FF
		j := ix & 0x000FFFFF
		// Expand log around 1 for a mantissa in [1, sqrt(3/2)), around 1.5 for
		// [sqrt(3/2), sqrt(3)), and around 1 again for [sqrt(3), 2) halved, so
		// that |s| stays below about 0.1 where the series converges fast.
		ix = j | 0x3FF00000
		var k int32
		switch {
		case j <= 0x3988E: // mantissa < sqrt(3/2)
			k = 0
		case j < 0xBB67A: // mantissa < sqrt(3)
			k = 1
		default:
			k = 0
			n++
			ix -= 0x00100000
		}
		ax = withHighWord(ax, uint32(ix))
		base, log2BaseHi, log2BaseLo := 1.0, 0.0, 0.0
		if k == 1 {
			base, log2BaseHi, log2BaseLo = 1.5, log2Of1p5Hi, log2Of1p5Lo
		}

		// ss = sHi + sLo = (ax - base)/(ax + base), with sHi short.
		u := ax - base
		v := 1 / (ax + base)
		ss := float64(u * v)
		sHi := withLowWordCleared(ss)
		// tHi = ax + base rounded to its high word, built from ix directly.
		tHi := fromWords(uint32(((ix>>1)|0x20000000)+0x00080000+(k<<18)), 0)
		tLo := ax - (tHi - base)
		sLo := float64(v * ((u - float64(sHi*tHi)) - float64(sHi*tLo)))

		// log(ax/base) = 2s + (2/3)s^3 + s^5*(...), computed as 2/3*(3s + s^3 + ...).
		s2 := ss * ss
		r := powL6
		r = powL5 + float64(s2*r)
		r = powL4 + float64(s2*r)
		r = powL3 + float64(s2*r)
		r = powL2 + float64(s2*r)
		r = powL1 + float64(s2*r)
		r = float64(s2 * s2 * r)
		r += float64(sLo * (sHi + ss))
		s2 = float64(sHi * sHi)
		tHi = withLowWordCleared(3 + s2 + r)
		tLo = r - ((tHi - 3) - s2)
		// u + v = ss*(3 + s^2 + r)
		u = float64(sHi * tHi)
		v = float64(sLo*tHi) + float64(tLo*ss)
		// 2/(3*ln2) * (u + v) = log2(ax/base)
		pHi := withLowWordCleared(u + v)
		pLo := v - (pHi - u)
		zHi := float64(cpHi * pHi)
		zLo := float64(cpLo*pHi) + float64(pLo*cp) + log2BaseLo
		// log2(x) = n + log2(base) + zHi + zLo
		fn := float64(n)
		t1 = withLowWordCleared(((zHi + zLo) + log2BaseHi) + fn)
		t2 = zLo - (((t1 - fn) - log2BaseHi) - zHi)
	}

	// y*log2(x) = pHi + pLo, with y = y1 + (y - y1) split so y1*t1 is exact.
	y1 := withLowWordCleared(y)
	pLo := float64((y-y1)*t1) + float64(y*t2)
	pHi := float64(y1 * t1)
	z := pLo + pHi
	j := int32(highWord(z))
	i := lowWord(z)
	if j >= 0x40900000 { // z >= 1024
		if uint32(j-0x40900000)|i != 0 || pLo+overflowMargin > z-pHi {
			return math.Inf(1)
		}
	} else if j&0x7FFFFFFF >= 0x4090CC00 { // z <= -1075
		if uint32(j)-0xC090CC00|i != 0 || pLo <= z-pHi {
			return 0
		}
	}

	// 2^(pHi + pLo) = 2^n * 2^(pHi - n + pLo) with n the nearest integer,
	// found from z's bits.
	i = uint32(j & 0x7FFFFFFF)
	k := int32(i>>20) - 0x3FF
	n := int32(0)
	if i > 0x3FE00000 { // |z| > 0.5
		n = j + (0x00100000 >> (k + 1))
		k = (n&0x7FFFFFFF)>>20 - 0x3FF // exponent of the rounded z
		t := fromWords(uint32(n & ^(0x000FFFFF>>k)), 0)
		n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k)
		if j < 0 {
			n = -n
		}
		pHi -= t
	}
	t := withLowWordCleared(pLo + pHi)
	u := float64(t * lg2Hi)
	v := float64((pLo-(t-pHi))*lg2) + float64(t*lg2Lo)
	z = u + v
	w := v - (z - u)
	// e^z by the same rational approximation as Exp, with w as z's tail.
	tt := z * z
	t1 = z - float64(tt*expPoly(tt))
	r := float64(z*t1)/(t1-2) - (w + float64(z*w))
	z = 1 - (r - z)
	return scaleByTwoPow(z, int(n))
}
