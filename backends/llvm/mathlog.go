package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// The emitted runtime/mathfn.Log and Log10 (log.go), as mathexp.go emits
// Exp: fdlibm's word operations become i64 arithmetic on the double's bits
// (bitcast, shift, trunc to the 32-bit word Go works on), each branch of
// Go's code is computed for every lane and selects keep Go's.
const (
	logInlineName   = "snn_log_inline"
	log10InlineName = "snn_log10_inline"
)

// runtime/mathfn's constants for Log and Log10 (log.go), by their bits.
var (
	logTwo54 = f64bits(0x4350000000000000)
	logLg    = [8]constant.Constant{nil, // Lg1..Lg7
		f64bits(0x3FE5555555555593), f64bits(0x3FD999999997FA04), f64bits(0x3FD2492494229359),
		f64bits(0x3FCC71C51D8E78AF), f64bits(0x3FC7466496CB03DE), f64bits(0x3FC39A09D078C69F),
		f64bits(0x3FC2F112DF3E5244),
	}
	logThird      = f64bits(0x3FD5555555555555) // 0.33333333333333333
	logInvLn10Hi  = f64bits(0x3FDBCB7B15200000)
	logInvLn10Lo  = f64bits(0x3DBB9438CA9AADD5)
	logLog10Of2Hi = f64bits(0x3FD34413509F6000)
	logLog10Of2Lo = f64bits(0x3D59FEF311F12B36)
	fNegInf       = f64bits(0xFFF0000000000000)
)

// highWord emits fdlibm's high word of x as an i32 (Go's int32(highWord(x))).
func highWord(b *ll.Block, x value.Value) value.Value {
	return b.NewTrunc(b.NewLShr(b.NewBitCast(x, i64), constant.NewInt(i64, 32)), i32)
}

// lowWord emits fdlibm's low word of x as an i32.
func lowWord(b *ll.Block, x value.Value) value.Value {
	return b.NewTrunc(b.NewBitCast(x, i64), i32)
}

// fromHighWord emits mathfn's fromWords(high, 0): the double whose high
// word is the i32 high and whose low word is 0.
func fromHighWord(b *ll.Block, high value.Value) value.Value {
	return b.NewBitCast(b.NewShl(b.NewZExt(high, i64), constant.NewInt(i64, 32)), f64)
}

// withHighWord emits mathfn's withHighWord(x, high).
func withHighWord(b *ll.Block, x, high value.Value) value.Value {
	low := b.NewAnd(b.NewBitCast(x, i64), constant.NewInt(i64, 0xFFFFFFFF))
	return b.NewBitCast(b.NewOr(b.NewShl(b.NewZExt(high, i64), constant.NewInt(i64, 32)), low), f64)
}

// lowWordClearedIR emits mathfn's withLowWordCleared(x): x truncated to its
// high word.
func lowWordClearedIR(b *ll.Block, x value.Value) value.Value {
	return b.NewBitCast(b.NewAnd(b.NewBitCast(x, i64), constant.NewInt(i64, -1<<32)), f64)
}

// logReduce emits mathfn's logReduce: k, f and the top 20 mantissa bits
// (i32, f64, i32). A subnormal x is scaled by 2^54 first (selected).
func logReduce(b *ll.Block, x value.Value) (k, f, mantissaHigh value.Value) {
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	sub := b.NewICmp(enum.IPredSLT, highWord(b, x), c(0x00100000))
	x = b.NewSelect(sub, b.NewFMul(x, logTwo54), x)
	k = b.NewSelect(sub, c(-54), c(0))
	hx := highWord(b, x)
	k = b.NewAdd(k, b.NewSub(b.NewAShr(hx, c(20)), c(1023)))
	hx = b.NewAnd(hx, c(0x000FFFFF))
	i := b.NewAnd(b.NewAdd(hx, c(0x95F64)), c(0x100000))
	high := b.NewOr(hx, b.NewXor(i, c(0x3FF00000)))
	xr := withHighWord(b, x, high)
	k = b.NewAdd(k, b.NewAShr(i, c(20)))
	return k, b.NewFSub(xr, fOne), hx
}

// logPoly emits mathfn's logPoly(z).
func logPoly(b *ll.Block, z value.Value) value.Value {
	w := b.NewFMul(z, z)
	var t1 value.Value = logLg[6]
	t1 = b.NewFAdd(logLg[4], b.NewFMul(w, t1))
	t1 = b.NewFAdd(logLg[2], b.NewFMul(w, t1))
	t1 = b.NewFMul(w, t1)
	var t2 value.Value = logLg[7]
	t2 = b.NewFAdd(logLg[5], b.NewFMul(w, t2))
	t2 = b.NewFAdd(logLg[3], b.NewFMul(w, t2))
	t2 = b.NewFAdd(logLg[1], b.NewFMul(w, t2))
	t2 = b.NewFMul(z, t2)
	return b.NewFAdd(t2, t1)
}

// logSpecial emits the selects of mathfn's logIsSpecial over res: NaN for a
// NaN or negative x, -Inf for ±0, +Inf for +Inf.
func logSpecial(b *ll.Block, x, res value.Value) value.Value {
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fInf), fInf, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fZero), fNegInf, res)
	return b.NewSelect(b.NewFCmp(enum.FPredULT, x, fZero), fNaN, res) // unordered: NaN too
}

// defineLog adds snn_log_inline, mathfn.Log, to m. Go's six formulas (|f|
// < 2^-20 with f = 0 or not, near an end of the interval or not, each with
// k = 0 or not) are all computed and selected as Go picks them; a special
// x goes through the reduction too (no operation on it traps or makes
// poison) and its result replaces the computed one.
func defineLog(m *ll.Module) *ll.Func {
	f0, ps, b := newInline(m, logInlineName, "x")
	x := ps[0]
	k, f, mh := logReduce(b, x)
	b.NewRet(logSpecial(b, x, logFormulasIR(b, k, f, mh)))
	return f0
}

// logFormulasIR emits Log's result for x = 2^k (1+f), mh its top 20
// mantissa bits (logReduce's): Go's six formulas computed and selected as
// Go picks them.
func logFormulasIR(b *ll.Block, k, f, mh value.Value) value.Value {
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	fk := b.NewSIToFP(k, f64)
	kZero := b.NewICmp(enum.IPredEQ, k, c(0))
	kHi := b.NewFMul(fk, expLn2Hi)
	kLo := b.NewFMul(fk, expLn2Lo)

	// |f| < 2^-20.
	small := b.NewICmp(enum.IPredSLT, b.NewAnd(c(0x000FFFFF), b.NewAdd(c(2), mh)), c(3))
	fIsZero := b.NewFCmp(enum.FPredOEQ, f, fZero)
	zeroRes := b.NewSelect(kZero, fZero, b.NewFAdd(kHi, kLo))
	rSmall := b.NewFMul(b.NewFMul(f, f), b.NewFSub(fHalf, b.NewFMul(logThird, f)))
	smallRes := b.NewSelect(kZero, b.NewFSub(f, rSmall),
		b.NewFSub(kHi, b.NewFSub(b.NewFSub(rSmall, kLo), f)))
	smallRes = b.NewSelect(fIsZero, zeroRes, smallRes)

	s := b.NewFDiv(f, b.NewFAdd(fTwo, f))
	r := logPoly(b, b.NewFMul(s, s))
	nearEnd := b.NewICmp(enum.IPredSGT, b.NewOr(b.NewSub(mh, c(0x6147A)), b.NewSub(c(0x6B851), mh)), c(0))
	hs := b.NewFMul(b.NewFMul(fHalf, f), f)
	shr := b.NewFMul(s, b.NewFAdd(hs, r))
	endRes := b.NewSelect(kZero, b.NewFSub(f, b.NewFSub(hs, shr)),
		b.NewFSub(kHi, b.NewFSub(b.NewFSub(hs, b.NewFAdd(shr, kLo)), f)))
	sfr := b.NewFMul(s, b.NewFSub(f, r))
	midRes := b.NewSelect(kZero, b.NewFSub(f, sfr),
		b.NewFSub(kHi, b.NewFSub(b.NewFSub(sfr, kLo), f)))

	return b.NewSelect(small, smallRes, b.NewSelect(nearEnd, endRes, midRes))
}

// defineLog10 adds snn_log10_inline, mathfn.Log10, to m: logReduce and
// logPoly as Log's, one formula, and Log's special cases plus log10(1) = 0.
func defineLog10(m *ll.Module) *ll.Func {
	f0, ps, b := newInline(m, log10InlineName, "x")
	x := ps[0]
	k, f, _ := logReduce(b, x)
	fk := b.NewSIToFP(k, f64)
	hs := b.NewFMul(b.NewFMul(fHalf, f), f)
	s := b.NewFDiv(f, b.NewFAdd(fTwo, f))
	tail := b.NewFMul(s, b.NewFAdd(hs, logPoly(b, b.NewFMul(s, s))))
	hi := lowWordClearedIR(b, b.NewFSub(f, hs))
	lo := b.NewFAdd(b.NewFSub(b.NewFSub(f, hi), hs), tail)
	valHi := b.NewFMul(hi, logInvLn10Hi)
	scaled := b.NewFMul(fk, logLog10Of2Hi)
	valLo := b.NewFAdd(b.NewFAdd(b.NewFMul(fk, logLog10Of2Lo), b.NewFMul(b.NewFAdd(lo, hi), logInvLn10Lo)),
		b.NewFMul(lo, logInvLn10Hi))
	sum := b.NewFAdd(scaled, valHi)
	valLo2 := b.NewFAdd(valLo, b.NewFAdd(b.NewFSub(scaled, sum), valHi))
	res := b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fOne), fZero, b.NewFAdd(valLo2, sum))
	b.NewRet(logSpecial(b, x, res))
	return f0
}
