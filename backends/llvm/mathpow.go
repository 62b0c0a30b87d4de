package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// powInlineName is the emitted mathfn.Pow (pow.go).
const powInlineName = "snn_pow_inline"

// runtime/mathfn's constants for Pow (pow.go), by their bits; invLn2 and
// the exponential's polynomial are Exp's (mathexp.go).
var (
	powTwo53 = f64bits(0x4340000000000000)
	powL     = [7]constant.Constant{nil, // powL1..powL6
		f64bits(0x3FE3333333333303), f64bits(0x3FDB6DB6DB6FABFF), f64bits(0x3FD55555518F264D),
		f64bits(0x3FD17460A91D4101), f64bits(0x3FCD864A93C9DB65), f64bits(0x3FCA7E284A454EEF),
	}
	powLg2            = f64bits(0x3FE62E42FEFA39EF)
	powLg2Hi          = f64bits(0x3FE62E4300000000)
	powLg2Lo          = f64bits(0xBE205C610CA86C39)
	powOverflowMargin = f64bits(0x3C971547652B82FE)
	powCp             = f64bits(0x3FEEC709DC3A03FD)
	powCpHi           = f64bits(0x3FEEC709E0000000)
	powCpLo           = f64bits(0xBE3E2FE0145B01F5)
	powInvLn2Hi       = f64bits(0x3FF7154760000000)
	powInvLn2Lo       = f64bits(0x3E54AE0BF85DDF44)
	powLog2Of1p5Hi    = f64bits(0x3FE2B80340000000)
	powLog2Of1p5Lo    = f64bits(0x3E4CFDEB43CFD006)
	fOneAndHalf       = f64bits(0x3FF8000000000000)
	fQuarter          = f64bits(0x3FD0000000000000)
	fNegZero          = f64bits(0x8000000000000000)
)

// clampI32 emits n clamped to [lo, hi], for a shift amount that must stay
// below the width in lanes whose result a select drops (a shift by the
// width or more is poison).
func clampI32(b *ll.Block, n value.Value, lo, hi int64) value.Value {
	n = b.NewSelect(b.NewICmp(enum.IPredSLT, n, i32c(lo)), i32c(lo), n)
	return b.NewSelect(b.NewICmp(enum.IPredSGT, n, i32c(hi)), i32c(hi), n)
}

// intrinsic returns m's declaration of the f64 -> f64 intrinsic name,
// declaring it if m has none (the emitter declares llvm.sqrt.f64 up
// front; a module built in a test does not).
func intrinsic(m *ll.Module, name string) *ll.Func {
	for _, f := range m.Funcs {
		if f.Name() == name {
			return f
		}
	}
	return m.NewFunc(name, f64, ll.NewParam("p0", f64))
}

// integerKindIR emits mathfn's integerKind(y) for a finite y (i1, i1):
// whether y is an integer and whether it is odd, from its exponent and the
// mantissa bits below the binary point. The shift is by 52 - e with e
// clamped to [0, 52], the range of the case that uses it.
func integerKindIR(b *ll.Block, y value.Value) (integer, odd value.Value) {
	c := func(n int64) constant.Constant { return constant.NewInt(i64, n) }
	bits := b.NewBitCast(y, i64)
	e := b.NewSub(b.NewAnd(b.NewLShr(bits, c(52)), c(0x7FF)), c(1023))
	below := b.NewICmp(enum.IPredSLT, e, c(0))
	above := b.NewICmp(enum.IPredSGE, e, c(53))
	ec := b.NewSelect(below, c(0), b.NewSelect(above, c(52), e))
	fractionBits := b.NewSub(c(52), ec)
	mantissa := b.NewOr(b.NewAnd(bits, c(1<<52-1)), c(1<<52))
	fraction := b.NewAnd(mantissa, b.NewSub(b.NewShl(c(1), fractionBits), c(1)))
	whole := b.NewICmp(enum.IPredEQ, fraction, c(0))
	oddBit := b.NewICmp(enum.IPredNE, b.NewAnd(b.NewLShr(mantissa, fractionBits), c(1)), c(0))
	integer = b.NewSelect(below, b.NewFCmp(enum.FPredOEQ, y, fZero), b.NewSelect(above, constant.True, whole))
	odd = b.NewSelect(b.NewOr(below, above), constant.False, b.NewAnd(whole, oddBit))
	return integer, odd
}

// powLog2Series emits the |y| <= 2^31 case of mathfn's powPositive up to
// log2(ax) = t1 + t2: ax's exponent n, its mantissa expanded around 1 or
// 1.5 (k = 0 or 1, chosen by the mantissa's top 20 bits j; for j >=
// 0xBB67A the mantissa is halved and n incremented), the series in s and
// the sums that keep t1 short. A subnormal ax is scaled by 2^53 first.
func powLog2Series(b *ll.Block, ax value.Value) (t1, t2 value.Value) {
	sub := b.NewICmp(enum.IPredSLT, highWord(b, ax), i32c(0x00100000))
	ax = b.NewSelect(sub, b.NewFMul(ax, powTwo53), ax)
	ix := highWord(b, ax)
	var n value.Value = b.NewAdd(b.NewSelect(sub, i32c(-53), i32c(0)), b.NewSub(b.NewAShr(ix, i32c(20)), i32c(0x3FF)))
	j := b.NewAnd(ix, i32c(0x000FFFFF))
	ix = b.NewOr(j, i32c(0x3FF00000))
	// k = 1 for j in (0x3988E, 0xBB67A); for j >= 0xBB67A, k = 0, n + 1.
	halve := b.NewICmp(enum.IPredSGE, j, i32c(0xBB67A))
	k1 := b.NewAnd(b.NewICmp(enum.IPredSGT, j, i32c(0x3988E)), b.NewXor(halve, constant.True))
	k := b.NewZExt(k1, i32)
	n = b.NewAdd(n, b.NewZExt(halve, i32))
	ix = b.NewSub(ix, b.NewSelect(halve, i32c(0x00100000), i32c(0)))
	ax = withHighWord(b, ax, ix)
	base := b.NewSelect(k1, fOneAndHalf, fOne)
	log2BaseHi := b.NewSelect(k1, powLog2Of1p5Hi, fZero)
	log2BaseLo := b.NewSelect(k1, powLog2Of1p5Lo, fZero)

	// ss = sHi + sLo = (ax - base)/(ax + base), with sHi short.
	u := b.NewFSub(ax, base)
	v := b.NewFDiv(fOne, b.NewFAdd(ax, base))
	ss := b.NewFMul(u, v)
	sHi := lowWordClearedIR(b, ss)
	// tHi = ax + base rounded to its high word, built from ix.
	tHiWord := b.NewAdd(b.NewAdd(b.NewOr(b.NewAShr(ix, i32c(1)), i32c(0x20000000)), i32c(0x00080000)), b.NewShl(k, i32c(18)))
	var tHi value.Value = fromHighWord(b, tHiWord)
	var tLo value.Value = b.NewFSub(ax, b.NewFSub(tHi, base))
	sLo := b.NewFMul(v, b.NewFSub(b.NewFSub(u, b.NewFMul(sHi, tHi)), b.NewFMul(sHi, tLo)))

	var s2 value.Value = b.NewFMul(ss, ss)
	var r value.Value = powL[6]
	for i := 5; i >= 1; i-- {
		r = b.NewFAdd(powL[i], b.NewFMul(s2, r))
	}
	r = b.NewFMul(b.NewFMul(s2, s2), r)
	r = b.NewFAdd(r, b.NewFMul(sLo, b.NewFAdd(sHi, ss)))
	s2 = b.NewFMul(sHi, sHi)
	tHi = lowWordClearedIR(b, b.NewFAdd(b.NewFAdd(fThree, s2), r))
	tLo = b.NewFSub(r, b.NewFSub(b.NewFSub(tHi, fThree), s2))
	u2 := b.NewFMul(sHi, tHi)
	v2 := b.NewFAdd(b.NewFMul(sLo, tHi), b.NewFMul(tLo, ss))
	pHi := lowWordClearedIR(b, b.NewFAdd(u2, v2))
	pLo := b.NewFSub(v2, b.NewFSub(pHi, u2))
	zHi := b.NewFMul(powCpHi, pHi)
	zLo := b.NewFAdd(b.NewFAdd(b.NewFMul(powCpLo, pHi), b.NewFMul(pLo, powCp)), log2BaseLo)
	fn := b.NewSIToFP(n, f64)
	t1 = lowWordClearedIR(b, b.NewFAdd(b.NewFAdd(b.NewFAdd(zHi, zLo), log2BaseHi), fn))
	t2 = b.NewFSub(zLo, b.NewFSub(b.NewFSub(b.NewFSub(t1, fn), log2BaseHi), zHi))
	return t1, t2
}

// powPositiveIR emits mathfn's powPositive(ax, y) for finite ax > 0, ax !=
// 1, finite y not 0 or 1 (other lanes compute something a select drops;
// no operation makes poison). Its cases as selects: |y| > 2^64, and |y| >
// 2^31 with ax not within 2^-20 of 1, overflow or underflow outright;
// otherwise log2(ax) = t1 + t2 comes from the expansion near 1 (|y| >
// 2^31) or the series (powLog2Series), then y*log2(ax) = pHi + pLo, the
// overflow and underflow tests on it, and 2^(pHi + pLo) as Pow's tail
// computes it, with the rounding of pHi to the nearest integer n by word
// operations done for |z| > 0.5 (the shifts clamped to [0, 20]).
func powPositiveIR(b *ll.Block, ax, y value.Value) value.Value {
	ix := highWord(b, ax)
	iy := b.NewAnd(highWord(b, y), i32c(0x7FFFFFFF))
	yNeg := b.NewFCmp(enum.FPredOLT, y, fZero)

	// |y| > 2^64, or > 2^31 with ax outside [1 - 2^-20, 1 + 2^-20]
	// (about): the result overflows or underflows.
	hugeY := b.NewICmp(enum.IPredSGT, iy, i32c(0x43F00000))
	bigY := b.NewICmp(enum.IPredSGT, iy, i32c(0x41E00000))
	low := b.NewICmp(enum.IPredSLT, ix, i32c(0x3FEFFFFF))
	high := b.NewICmp(enum.IPredSGT, ix, i32c(0x3FF00000))
	hugeRes := b.NewSelect(b.NewICmp(enum.IPredEQ, b.NewICmp(enum.IPredSLE, ix, i32c(0x3FEFFFFF)), yNeg), fInf, fZero)
	farRes := b.NewSelect(low, b.NewSelect(yNeg, fInf, fZero), b.NewSelect(yNeg, fZero, fInf))
	early := b.NewOr(hugeY, b.NewAnd(bigY, b.NewOr(low, high)))
	earlyRes := b.NewSelect(hugeY, hugeRes, farRes)

	// |1 - ax| <= 2^-20: log(ax) = t - t^2/2 + t^3/3 - t^4/4.
	t := b.NewFSub(ax, fOne)
	var w value.Value = b.NewFMul(b.NewFMul(t, t), b.NewFSub(fHalf, b.NewFMul(t, b.NewFSub(logThird, b.NewFMul(t, fQuarter)))))
	var u value.Value = b.NewFMul(powInvLn2Hi, t)
	var v value.Value = b.NewFSub(b.NewFMul(t, powInvLn2Lo), b.NewFMul(w, expInvLn2))
	t1Near := lowWordClearedIR(b, b.NewFAdd(u, v))
	t2Near := b.NewFSub(v, b.NewFSub(t1Near, u))
	t1Series, t2Series := powLog2Series(b, ax)
	t1 := b.NewSelect(bigY, t1Near, t1Series)
	t2 := b.NewSelect(bigY, t2Near, t2Series)

	// y*log2(x) = pHi + pLo, with y = y1 + (y - y1) split so y1*t1 is exact.
	y1 := lowWordClearedIR(b, y)
	pLo := b.NewFAdd(b.NewFMul(b.NewFSub(y, y1), t1), b.NewFMul(y, t2))
	var pHi value.Value = b.NewFMul(y1, t1)
	var z value.Value = b.NewFAdd(pLo, pHi)
	j := highWord(b, z)
	i := lowWord(b, z)
	tail := b.NewFSub(z, pHi)
	above := b.NewICmp(enum.IPredSGE, j, i32c(0x40900000)) // z >= 1024
	over := b.NewAnd(above, b.NewOr(
		b.NewICmp(enum.IPredNE, b.NewOr(b.NewSub(j, i32c(0x40900000)), i), i32c(0)),
		b.NewFCmp(enum.FPredOGT, b.NewFAdd(pLo, powOverflowMargin), tail)))
	below := b.NewICmp(enum.IPredSGE, b.NewAnd(j, i32c(0x7FFFFFFF)), i32c(0x4090CC00)) // z <= -1075
	under := b.NewAnd(b.NewAnd(b.NewXor(above, constant.True), below), b.NewOr(
		b.NewICmp(enum.IPredNE, b.NewOr(b.NewSub(j, i32c(-0x3F6F3400)), i), i32c(0)), // 0xC090CC00
		b.NewFCmp(enum.FPredOLE, pLo, tail)))

	// |z| > 0.5: n is z rounded to the nearest integer from z's bits, and
	// pHi -= n.
	iz := b.NewAnd(j, i32c(0x7FFFFFFF))
	kz := b.NewSub(b.NewLShr(iz, i32c(20)), i32c(0x3FF))
	half := b.NewICmp(enum.IPredUGT, iz, i32c(0x3FE00000))
	nn := b.NewAdd(j, b.NewLShr(i32c(0x00100000), clampI32(b, b.NewAdd(kz, i32c(1)), 0, 20)))
	kr := clampI32(b, b.NewSub(b.NewLShr(b.NewAnd(nn, i32c(0x7FFFFFFF)), i32c(20)), i32c(0x3FF)), 0, 20)
	tn := fromHighWord(b, b.NewAnd(nn, b.NewXor(b.NewLShr(i32c(0x000FFFFF), kr), i32c(-1))))
	var nr value.Value = b.NewLShr(b.NewOr(b.NewAnd(nn, i32c(0x000FFFFF)), i32c(0x00100000)), b.NewSub(i32c(20), kr))
	nr = b.NewSelect(b.NewICmp(enum.IPredSLT, j, i32c(0)), b.NewSub(i32c(0), nr), nr)
	n := b.NewSelect(half, nr, i32c(0))
	pHi = b.NewSelect(half, b.NewFSub(pHi, tn), pHi)

	tt := lowWordClearedIR(b, b.NewFAdd(pLo, pHi))
	u = b.NewFMul(tt, powLg2Hi)
	v = b.NewFAdd(b.NewFMul(b.NewFSub(pLo, b.NewFSub(tt, pHi)), powLg2), b.NewFMul(tt, powLg2Lo))
	z = b.NewFAdd(u, v)
	w = b.NewFSub(v, b.NewFSub(z, u))
	// e^z by Exp's rational approximation, with w as z's tail.
	zz := b.NewFMul(z, z)
	c := b.NewFSub(z, b.NewFMul(zz, expPolyIR(b, zz)))
	r := b.NewFSub(b.NewFDiv(b.NewFMul(z, c), b.NewFSub(c, fTwo)), b.NewFAdd(w, b.NewFMul(z, w)))
	res := scaleByTwoPowIR(b, b.NewFSub(fOne, b.NewFSub(r, z)), n)

	res = b.NewSelect(under, fZero, res)
	res = b.NewSelect(over, fInf, res)
	return b.NewSelect(early, earlyRes, res)
}

// definePow adds snn_pow_inline, mathfn.Pow, to m. Pow's special cases
// are selects applied in the reverse of Go's order, so that the first
// case Go takes is the one left: y = 0 or x = 1, NaN, y = 1, x = ±0, y =
// ±Inf, x = ±Inf, x < 0 with y not an integer, x = -1, y = 2, y = -1, y =
// 0.5 with x > 0 (sqrt, correctly rounded: llvm.sqrt), and last the sign
// (-1 for x < 0 and y odd) times powPositiveIR(|x|, y).
func definePow(m *ll.Module) *ll.Func {
	sqrt := intrinsic(m, "llvm.sqrt.f64")
	f, ps, b := newInline(m, powInlineName, "x", "y")
	x, y := ps[0], ps[1]
	ax, ay := absIR(b, x), absIR(b, y)
	xNeg := b.NewFCmp(enum.FPredOLT, x, fZero)
	yPos := b.NewFCmp(enum.FPredOGT, y, fZero)
	yInteger, yOdd := integerKindIR(b, y)
	sign := b.NewSelect(b.NewAnd(xNeg, yOdd), fNegOne, fOne)

	var res value.Value = b.NewFMul(sign, powPositiveIR(b, ax, y))
	res = b.NewSelect(b.NewAnd(b.NewFCmp(enum.FPredOEQ, y, fHalf), b.NewFCmp(enum.FPredOGT, x, fZero)), b.NewCall(sqrt, x), res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, y, fNegOne), b.NewFDiv(fOne, x), res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, y, fTwo), b.NewFMul(x, x), res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fNegOne), sign, res)
	res = b.NewSelect(b.NewAnd(xNeg, b.NewXor(yInteger, constant.True)), fNaN, res)

	// x = ±Inf: +Inf or +0 for x > 0 by y's sign; for -Inf, (-0)^-y.
	xInfRes := b.NewSelect(b.NewFCmp(enum.FPredOGT, x, fZero), b.NewSelect(yPos, fInf, fZero),
		b.NewSelect(yPos, b.NewSelect(yOdd, fNegInf, fInf), b.NewSelect(yOdd, fNegZero, fZero)))
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, ax, fInf), xInfRes, res)
	// y = ±Inf.
	yInfRes := b.NewSelect(b.NewICmp(enum.IPredEQ, b.NewFCmp(enum.FPredOLT, ax, fOne), yPos), fZero, fInf)
	yInfRes = b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fNegOne), fOne, yInfRes)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, ay, fInf), yInfRes, res)
	// x = ±0.
	xSignBit := b.NewICmp(enum.IPredSLT, b.NewBitCast(x, i64), constant.NewInt(i64, 0))
	zeroRes := b.NewSelect(b.NewFCmp(enum.FPredOLT, y, fZero),
		b.NewSelect(b.NewAnd(yOdd, xSignBit), fNegInf, fInf),
		b.NewSelect(yOdd, x, fZero))
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fZero), zeroRes, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, y, fOne), x, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredUNO, x, y), fNaN, res)
	res = b.NewSelect(b.NewOr(b.NewFCmp(enum.FPredOEQ, y, fZero), b.NewFCmp(enum.FPredOEQ, x, fOne)), fOne, res)
	b.NewRet(res)
	return f
}
