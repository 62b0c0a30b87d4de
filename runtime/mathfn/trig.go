package mathfn

import (
	"math"
	"math/bits"
)

// fdlibm's coefficients (k_sin.c) for sin(x) ~ x + S1*x^3 + ... + S6*x^13 on
// [-pi/4, pi/4]; the relative error of the polynomial is below 2^-58.
const (
	sinS1 = -1.66666666666666324348e-01 // 0xBFC5555555555549
	sinS2 = 8.33333333332248946124e-03  // 0x3F8111111110F8A6
	sinS3 = -1.98412698298579493134e-04 // 0xBF2A01A019C161D5
	sinS4 = 2.75573137070700676789e-06  // 0x3EC71DE357B1FE7D
	sinS5 = -2.50507602534068634195e-08 // 0xBE5AE5E68A2B9CEB
	sinS6 = 1.58969099521155010221e-10  // 0x3DE5D93A5ACFD57C
)

// fdlibm's coefficients (k_cos.c) for cos(x) ~ 1 - x^2/2 + C1*x^4 + ... +
// C6*x^14 on [-pi/4, pi/4]; the error of the polynomial is below 2^-58.
const (
	cosC1 = 4.16666666666666019037e-02  // 0x3FA555555555554C
	cosC2 = -1.38888888888741095749e-03 // 0xBF56C16C16C15177
	cosC3 = 2.48015872894767294178e-05  // 0x3EFA01A019CB1590
	cosC4 = -2.75573143513906633035e-07 // 0xBE927E4F809C52AD
	cosC5 = 2.08757232129817482790e-09  // 0x3E21EE9EBDB4B1C4
	cosC6 = -1.13596475577881948265e-11 // 0xBDA8FAE9BE8838D4
)

// Cody-Waite reduction (fdlibm e_rem_pio2.c) subtracts n*pi/2 with pi/2 split
// into three 33-bit pieces pio2N and the remainders pio2NTail. Each n*pio2N
// is exact for n < 2^20, so each step is exact but for the last rounding,
// and three steps give about 151 bits of pi/2: enough for every double below
// mediumReductionLimit, including those closest to a multiple of pi/2.
const (
	pio4        = 7.85398163397448278999e-01 // 0x3FE921FB54442D18
	invPio2     = 6.36619772367581382433e-01 // 0x3FE45F306DC9C883
	pio2First   = 1.57079632673412561417e+00 // 0x3FF921FB54400000
	pio2FirstT  = 6.07710050650619224932e-11 // 0x3DD0B4611A626331
	pio2Second  = 6.07710050630396597660e-11 // 0x3DD0B4611A600000
	pio2SecondT = 2.02226624879595063154e-21 // 0x3BA3198A2E037073
	pio2Third   = 2.02226624871116645580e-21 // 0x3BA3198A2E000000
	pio2ThirdT  = 8.47842766036889956997e-32 // 0x397B839A252049C1

	// mediumReductionLimit is about 2^20*pi/2; beyond it n no longer fits
	// in the 20 bits that keep n*pio2First exact.
	mediumReductionLimit = 1647099.0 // 0x413921FB00000000

	// Adding and subtracting 1.5*2^52 rounds a float64 below 2^51 to the
	// nearest integer, without a conversion whose rounding mode could vary.
	roundingShift = 0x1.8p52
)

// twoOverPiBits is 2/pi in binary, 64 bits to a word, most significant first,
// after one word of zeros: the Payne-Hanek reduction reads a window that may
// start up to 33 bits before the binary point. The 20 words of 2/pi are the
// 1280 bits that the largest double, 2^1024, needs (its exponent, plus 192
// bits for the window).
var twoOverPiBits = [...]uint64{
	0x0000000000000000,
	0xA2F9836E4E441529, 0xFC2757D1F534DDC0, 0xDB6295993C439041, 0xFE5163ABDEBBC561,
	0xB7246E3A424DD2E0, 0x06492EEA09D1921C, 0xFE1DEB1CB129A73E, 0xE88235F52EBB4484,
	0xE99C7026B45F7E41, 0x3991D639835339F4, 0x9C845F8BBDF9283B, 0x1FF897FFDE05980F,
	0xEF2F118B5A0A6D1F, 0x6D367ECF27CB09B7, 0x4F463F669E5FEA2D, 0x7527BAC7EBE5F17B,
	0x3D0739F78A5292EA, 0x6BFB5FB11F8D5D08, 0x56033046FC7B6BAB, 0xF0CFBC209AF4361D,
}

// TwoOverPiWords returns a copy of twoOverPiBits: the native backend
// emits the same table into the kernels (backends/llvm, mathtrig.go), so
// that both read one set of words.
func TwoOverPiWords() [len(twoOverPiBits)]uint64 { return twoOverPiBits }

// pio2Fixed is pi/2 * 2^127 rounded down, as a 128-bit integer (high word
// first).
const (
	pio2FixedHigh = 0xC90FDAA22168C234
	pio2FixedLow  = 0xC4C6628B80DC1CD1
)

// Sin returns the sine of the radian argument x.
//
// Special cases: Sin(±0) = ±0, Sin(±Inf) = NaN, Sin(NaN) = NaN.
func Sin(x float64) float64 {
	ax := math.Abs(x)
	if ax <= pio4 {
		if ax < 0x1p-26 {
			// x^3/6 is below half an ulp of x; returning x also keeps -0.
			return x
		}
		return sinKernel(x, 0)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nan()
	}
	quadrant, hi, lo := reduceQuarterTurns(ax)
	var s float64
	switch quadrant & 3 {
	case 0:
		s = sinKernel(hi, lo)
	case 1:
		s = cosKernel(hi, lo)
	case 2:
		s = -sinKernel(hi, lo)
	default:
		s = -cosKernel(hi, lo)
	}
	if x < 0 {
		return -s
	}
	return s
}

// Cos returns the cosine of the radian argument x.
//
// Special cases: Cos(±Inf) = NaN, Cos(NaN) = NaN.
func Cos(x float64) float64 {
	ax := math.Abs(x)
	if ax <= pio4 {
		if ax < 0x1p-27 {
			// x^2/2 is below half an ulp of 1.
			return 1
		}
		return cosKernel(x, 0)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nan()
	}
	quadrant, hi, lo := reduceQuarterTurns(ax)
	switch quadrant & 3 {
	case 0:
		return cosKernel(hi, lo)
	case 1:
		return -sinKernel(hi, lo)
	case 2:
		return -cosKernel(hi, lo)
	default:
		return sinKernel(hi, lo)
	}
}

// sinKernel returns sin(x+y) for |x+y| <= ~pi/4, where y is a correction
// below half an ulp of x. It uses sin(x+y) ~ sin(x) + (1 - x*x/2)*y, folded
// in so that the leading x is added last and unrounded.
func sinKernel(x, y float64) float64 {
	z := x * x
	w := z * z
	r := sinS2 + float64(z*(sinS3+float64(z*sinS4))) + float64(z*w*(sinS5+float64(z*sinS6)))
	v := z * x
	if y == 0 {
		return x + float64(v*(sinS1+float64(z*r)))
	}
	return x - ((float64(z*(float64(0.5*y)-float64(v*r))) - y) - float64(v*sinS1))
}

// cosKernel returns cos(x+y) for |x+y| <= ~pi/4, where y is a correction
// below half an ulp of x, using cos(x+y) ~ cos(x) - x*y. 1 - x*x/2 is formed
// as w plus its exact rounding error, so the result is rounded only once.
func cosKernel(x, y float64) float64 {
	z := x * x
	w := z * z
	r := float64(z*(cosC1+float64(z*(cosC2+float64(z*cosC3))))) + float64(w*w*(cosC4+float64(z*(cosC5+float64(z*cosC6)))))
	halfZ := float64(0.5 * z)
	w = 1 - halfZ
	return w + (((1 - w) - halfZ) + (float64(z*r) - float64(x*y)))
}

// reduceQuarterTurns returns n and y = hi + lo with ax = n*pi/2 + y and
// |y| <= ~pi/4, for finite ax > pi/4; only n mod 4 is meaningful.
func reduceQuarterTurns(ax float64) (n int, hi, lo float64) {
	if ax >= mediumReductionLimit {
		return reducePayneHanek(ax)
	}
	fn := float64(ax*invPio2) + roundingShift
	fn -= roundingShift
	n = int(fn)

	r := ax - float64(fn*pio2First)
	w := float64(fn * pio2FirstT) // first round: good to 85 bits
	hi = r - w
	// When the result's exponent is far below ax's, r - w cancelled and the
	// 85 bits are not enough: continue with the next piece of pi/2.
	exponent := int(math.Float64bits(ax) >> 52)
	if exponent-int(math.Float64bits(hi)>>52&0x7FF) > 16 {
		t := r
		w = float64(fn * pio2Second)
		r = t - w
		w = float64(fn*pio2SecondT) - ((t - r) - w) // good to 118 bits
		hi = r - w
		if exponent-int(math.Float64bits(hi)>>52&0x7FF) > 49 {
			t = r
			w = float64(fn * pio2Third)
			r = t - w
			w = float64(fn*pio2ThirdT) - ((t - r) - w) // good to 151 bits
			hi = r - w
		}
	}
	lo = (r - hi) - w
	return n, hi, lo
}

// reducePayneHanek is the reduction for ax >= mediumReductionLimit, done in
// integer arithmetic so that it is exact but for a truncation far below the
// last bit of the result. With ax = m*2^e (m a 53-bit integer), ax*2/pi mod 4
// depends only on the bits of 2/pi from weight 2^(1-e) on, as earlier bits
// contribute multiples of 4. A 192-bit window of them times m gives the
// quadrant in its top two bits and 190 bits of fraction, of which the last 53
// are polluted by the truncated tail of 2/pi. No double lies closer than
// 2^-62 to a multiple of pi/2, so at least 75 correct bits remain; the
// fraction is then multiplied by pi/2 in 128-bit fixed point and split into
// hi + lo.
func reducePayneHanek(ax float64) (n int, hi, lo float64) {
	b := math.Float64bits(ax)
	e := int(b>>52) - 1023 - 52
	m := b&(1<<52-1) | 1<<52

	// The window starts at the bit of weight 2^(1-e), which is bit e+62 of
	// the table counting from its first (zero) word's top bit.
	start := e + 62
	word, shift := start/64, uint(start%64)
	var window [3]uint64
	for j := range window {
		if shift == 0 {
			window[j] = twoOverPiBits[word+j]
		} else {
			window[j] = twoOverPiBits[word+j]<<shift | twoOverPiBits[word+j+1]>>(64-shift)
		}
	}

	// m*window mod 2^192: higher bits are whole turns.
	high2, low2 := bits.Mul64(m, window[2])
	high1, low1 := bits.Mul64(m, window[1])
	_, low0 := bits.Mul64(m, window[0])
	f2 := low2
	f1, carry := bits.Add64(high2, low1, 0)
	f0 := high1 + low0 + carry

	n = int(f0 >> 62)
	f0 &= 1<<62 - 1
	negative := false
	if f0>>61 != 0 {
		// The fraction is at least 1/2: round to the next quadrant and use
		// 1 - fraction, with a minus sign.
		n++
		negative = true
		var borrow uint64
		f2, borrow = bits.Sub64(0, f2, 0)
		f1, borrow = bits.Sub64(0, f1, borrow)
		f0 = 1<<62 - f0 - borrow
	}

	// Normalize so that the fraction is (f0:f1) * 2^scale with f0's top bit set.
	scale := -126
	for f0 == 0 {
		if f1 == 0 && f2 == 0 {
			return n & 3, 0, 0
		}
		f0, f1, f2 = f1, f2, 0
		scale -= 64
	}
	if lz := uint(bits.LeadingZeros64(f0)); lz != 0 {
		f0 = f0<<lz | f1>>(64-lz)
		f1 = f1<<lz | f2>>(64-lz)
		scale -= int(lz)
	}

	// Multiply by pi/2 = pio2Fixed * 2^-127, keeping the top 128 bits of the
	// 256-bit product: y = (p0:p1) * 2^(scale+1).
	aHigh, aLow := bits.Mul64(f0, pio2FixedHigh)
	bHigh, bLow := bits.Mul64(f0, pio2FixedLow)
	cHigh, cLow := bits.Mul64(f1, pio2FixedHigh)
	dHigh, _ := bits.Mul64(f1, pio2FixedLow)
	_, carry2a := bits.Add64(bLow, cLow, 0)
	_, carry2b := bits.Add64(bLow+cLow, dHigh, 0)
	p1, carry1a := bits.Add64(aLow, bHigh, 0)
	p1, carry1b := bits.Add64(p1, cHigh, 0)
	p1, carry1c := bits.Add64(p1, carry2a+carry2b, 0)
	p0 := aHigh + carry1a + carry1b + carry1c
	if p0>>63 == 0 {
		p0 = p0<<1 | p1>>63
		p1 <<= 1
		scale--
	}

	// hi takes the top 53 bits exactly; lo the next 63, rounded once. A final
	// two-sum makes hi the nearest double and lo its remainder.
	hi = float64(float64(p0>>11) * twoPow(scale+76))
	lo = float64(float64(int64((p0&0x7FF)<<52|p1>>12)) * twoPow(scale+13))
	sum := hi + lo
	lo -= sum - hi
	hi = sum
	if negative {
		hi, lo = -hi, -lo
	}
	return n & 3, hi, lo
}
