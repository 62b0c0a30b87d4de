package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// expm1InlineName is the emitted mathfn.Expm1. No IR operation is expm1
// (the passes that need it evaluate it at compile time), so a module
// carries it only as the core of snn_tanh_inline and snn_exprel_inline.
const expm1InlineName = "snn_expm1_inline"

// tanhInlineName is the emitted mathfn.Tanh.
const tanhInlineName = "snn_tanh_inline"

// runtime/mathfn's constants for Expm1 (exp.go) and Tanh (tanh.go), by
// their bits; the reduction's are Exp's (mathexp.go).
var (
	expm1Saturation = f64bits(0xC043687A9F1AF2B1)
	expm1Q          = [5]constant.Constant{
		f64bits(0xBFA11111111110F4), f64bits(0x3F5A01A019FE5585), f64bits(0xBF14CE199EAADBB7),
		f64bits(0x3ED0CFCA86E65239), f64bits(0xBE8AFDB76E09C32D),
	}
	expm1Tiny   = f64bits(0x3C90000000000000) // 2^-54
	fNegQuarter = f64bits(0xBFD0000000000000)
	fNegOne     = f64bits(0xBFF0000000000000)
	fNegTwo     = f64bits(0xC000000000000000)
	fThree      = f64bits(0x4008000000000000)
	fSix        = f64bits(0x4018000000000000)
	fTwentyTwo  = f64bits(0x4036000000000000)
	tanhTiny    = f64bits(0x3E30000000000000) // 2^-28
	// splitHalves' Veltkamp constant, 2^27 + 1.
	veltkampSplit = f64bits(0x41A0000002000000)
)

// defineExpm1 adds snn_expm1_inline, mathfn.Expm1, to m and returns it.
//
// Expm1's cases and how each becomes a select:
//   - NaN, x > expOverflow and x < expm1Saturation: their results (mathfn's
//     NaN, +Inf, -1) replace the computed one last; the rest works on xs, x
//     with 0 in their place, so that fptosi never sees a value out of range
//     and k stays within [-56, 1024].
//   - the reduction is Exp's (mathexp.go) for |x| > halfLn2, hi and lo
//     chosen by selects; otherwise hi = xs, lo = 0, k = 0, whose r = hi - lo
//     is xs exactly and whose c is only used where k != 0.
//   - |x| < 2^-54: x, selected after the k cases.
//   - the polynomial is common to all; then k = 0, k = -1, k = 1 (two
//     cases on r < -0.25), k <= -2 or k > 56, 2 <= k < 20 and 20 <= k <= 56
//     are each computed and selected by k. The last three scale their own
//     y by 2^k: y is selected first and scaled once, and the first of them
//     subtracts 1 after. 0x200000>>k is shifted by k clamped to [2, 19],
//     as a shift by 32 or more would be poison.
func defineExpm1(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, expm1InlineName, "x")
	x := ps[0]

	isNaN, over, saturated, xs := expRangeIR(b, x, expm1Saturation)
	ax, hi, lo, k := reduceExpIR(b, xs)
	r := b.NewFSub(hi, lo)
	c := b.NewFSub(b.NewFSub(hi, r), lo)

	// The rational approximation of expm1(r).
	halfX := b.NewFMul(fHalf, r)
	halfSquare := b.NewFMul(r, halfX)
	var q value.Value = expm1Q[4]
	for n := 3; n >= 0; n-- {
		q = b.NewFAdd(expm1Q[n], b.NewFMul(halfSquare, q))
	}
	r1 := b.NewFAdd(fOne, b.NewFMul(halfSquare, q))
	t := b.NewFSub(fThree, b.NewFMul(r1, halfX))
	var e value.Value = b.NewFMul(halfSquare, b.NewFDiv(b.NewFSub(r1, t), b.NewFSub(fSix, b.NewFMul(r, t))))
	resK0 := b.NewFSub(r, b.NewFSub(b.NewFMul(r, e), halfSquare))
	e = b.NewFSub(b.NewFMul(r, b.NewFSub(e, c)), c)
	e = b.NewFSub(e, halfSquare)

	// k = -1 and k = 1.
	resKm1 := b.NewFSub(b.NewFMul(fHalf, b.NewFSub(r, e)), fHalf)
	resK1 := b.NewSelect(b.NewFCmp(enum.FPredOLT, r, fNegQuarter),
		b.NewFMul(fNegTwo, b.NewFSub(e, b.NewFAdd(r, fHalf))),
		b.NewFAdd(fOne, b.NewFMul(fTwo, b.NewFSub(r, e))))
	// k <= -2 or k > 56; 2 <= k < 20; 20 <= k <= 56.
	far := b.NewOr(b.NewICmp(enum.IPredSLE, k, i32c(-2)), b.NewICmp(enum.IPredSGT, k, i32c(56)))
	small := b.NewICmp(enum.IPredSLT, k, i32c(20))
	yFar := b.NewFSub(fOne, b.NewFSub(e, r))
	shift := b.NewSelect(b.NewAnd(b.NewICmp(enum.IPredSGE, k, i32c(2)), small), k, i32c(2))
	oneMinusHigh := b.NewSub(i32c(0x3FF00000), b.NewLShr(i32c(0x200000), shift))
	oneMinus := fromHighWord(b, oneMinusHigh)
	ySmall := b.NewFSub(oneMinus, b.NewFSub(e, r))
	yLarge := b.NewFAdd(b.NewFSub(r, b.NewFAdd(e, twoPowIR(b, b.NewSub(i32c(0), k)))), fOne)
	y := b.NewSelect(far, yFar, b.NewSelect(small, ySmall, yLarge))
	scaled := scaleByTwoPowIR(b, y, k)
	res := b.NewSelect(far, b.NewFSub(scaled, fOne), scaled)

	res = b.NewSelect(b.NewICmp(enum.IPredEQ, k, i32c(1)), resK1, res)
	res = b.NewSelect(b.NewICmp(enum.IPredEQ, k, i32c(-1)), resKm1, res)
	res = b.NewSelect(b.NewICmp(enum.IPredEQ, k, i32c(0)), resK0, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, expm1Tiny), xs, res)
	res = b.NewSelect(saturated, fNegOne, res)
	res = b.NewSelect(over, fInf, res)
	res = b.NewSelect(isNaN, fNaN, res)
	b.NewRet(res)
	return f
}

// defineTanh adds snn_tanh_inline, mathfn.Tanh, to m with the
// snn_expm1_inline it calls (unless m has it) and returns it.
//
// Tanh's cases all take t = expm1(2|x|), which is defined (no poison) for
// every argument, NaN and infinities too: |x| < 1 gives t/(t+2) corrected
// by its remainder (quotientOverTwoPlus), 1 <= |x| < 22 gives
// 1 - 2/(t+2); each is computed for every lane and selected, then 1 for
// |x| >= 22, the sign, x itself for |x| < 2^-28 (which keeps -0), and
// mathfn's NaN.
func defineTanh(m *ll.Module) *ll.Func {
	expm1 := funcIn(m, expm1InlineName, defineExpm1)
	f, ps, b := newInline(m, tanhInlineName, "x")
	x := ps[0]

	ax := absIR(b, x)
	t := b.NewCall(expm1, b.NewFMul(fTwo, ax))
	// quotientOverTwoPlus(t).
	d := b.NewFAdd(t, fTwo)
	dTail := b.NewFSub(t, b.NewFSub(d, fTwo))
	q := b.NewFDiv(t, d)
	p, pTail := exactProductIR(b, q, d)
	remainder := b.NewFSub(b.NewFSub(b.NewFSub(t, p), pTail), b.NewFMul(q, dTail))
	zSmall := b.NewFAdd(q, b.NewFDiv(remainder, d))
	zMid := b.NewFSub(fOne, b.NewFDiv(fTwo, d))

	z := b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, fOne), zSmall,
		b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, fTwentyTwo), zMid, fOne))
	res := b.NewSelect(b.NewFCmp(enum.FPredOLT, x, fZero), b.NewFNeg(z), z)
	res = b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, tanhTiny), x, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredUNO, x, x), fNaN, res)
	b.NewRet(res)
	return f
}

// exactProductIR emits mathfn's exactProduct(a, b): p + e = a*b exactly
// by Dekker's algorithm.
func exactProductIR(b *ll.Block, x, y value.Value) (p, e value.Value) {
	p = b.NewFMul(x, y)
	xHigh, xLow := splitHalvesIR(b, x)
	yHigh, yLow := splitHalvesIR(b, y)
	e = b.NewFSub(b.NewFMul(xHigh, yHigh), p)
	e = b.NewFAdd(e, b.NewFMul(xHigh, yLow))
	e = b.NewFAdd(e, b.NewFMul(xLow, yHigh))
	e = b.NewFAdd(e, b.NewFMul(xLow, yLow))
	return p, e
}

// splitHalvesIR emits mathfn's splitHalves(x): Veltkamp's splitting.
func splitHalvesIR(b *ll.Block, x value.Value) (high, low value.Value) {
	c := b.NewFMul(veltkampSplit, x)
	high = b.NewFSub(c, b.NewFSub(c, x))
	return high, b.NewFSub(x, high)
}

// findFunc returns m's function called name, or nil.
func findFunc(m *ll.Module, name string) *ll.Func {
	for _, f := range m.Funcs {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// findGlobal returns the global called name in m, or nil: the constant
// arrays (tables, data, 2/pi's bits) are added on first use.
func findGlobal(m *ll.Module, name string) *ll.Global {
	for _, g := range m.Globals {
		if g.Name() == name {
			return g
		}
	}
	return nil
}

// funcIn returns the function called name in m, defining it first (by
// define) if m has none: an inline function that calls another.
func funcIn(m *ll.Module, name string, define func(*ll.Module) *ll.Func) *ll.Func {
	if f := findFunc(m, name); f != nil {
		return f
	}
	return define(m)
}
