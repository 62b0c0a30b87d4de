package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// The kernels' math functions are runtime/mathfn's algorithms emitted into
// the module as LLVM IR, so that the loop vectoriser can vectorise a
// kernel that calls them (a call of the C runtime's port stops it). Each
// is an internal, always-inlined function without branches: every case of
// the Go code is computed and a select keeps the one Go would take, each
// operation the Go operation with the same operands in the same order, so
// that every lane of every vector width gives Go's bits. A select keeps
// the poison of the case it drops out of its result, but the cases are
// still fed arguments for which no operation makes poison (fptosi of an
// out-of-range value would), so that nothing depends on that rule.

// expInlineName is the emitted mathfn.Exp.
const expInlineName = "snn_exp_inline"

// f64bits is the double whose IEEE bits are u, written as a constant
// bitcast so that its bits (a NaN's payload too) are exactly u.
func f64bits(u uint64) constant.Constant {
	return constant.NewBitCast(constant.NewInt(i64, int64(u)), f64)
}

// runtime/mathfn's constants for Exp (exp.go), by their bits.
var (
	expLn2Hi          = f64bits(0x3FE62E42FEE00000)
	expLn2Lo          = f64bits(0x3DEA39EF35793C76)
	expInvLn2         = f64bits(0x3FF71547652B82FE)
	expHalfLn2        = f64bits(0x3FD62E42FEFA39EF)
	expThreeHalvesLn2 = f64bits(0x3FF0A2B23F3BAB73)
	expOverflowC      = f64bits(0x40862E42FEFA39EF)
	expUnderflowC     = f64bits(0xC0874910D52D3051)
	expTiny           = f64bits(0x3E30000000000000) // 2^-28
	expP              = [5]constant.Constant{
		f64bits(0x3FC555555555553E), f64bits(0xBF66C16C16BEBD93), f64bits(0x3F11566AAF25DE2C),
		f64bits(0xBEBBBD41C5D26BF1), f64bits(0x3E66376972BEA4D0),
	}
	fZero      = f64bits(0)
	fHalf      = f64bits(0x3FE0000000000000)
	fNegHalf   = f64bits(0xBFE0000000000000)
	fOne       = f64bits(0x3FF0000000000000)
	fTwo       = f64bits(0x4000000000000000)
	fInf       = f64bits(0x7FF0000000000000)
	fNaN       = f64bits(0x7FF8000000000000) // mathfn's one NaN (words.go: nanBits)
	fTwoP1023  = f64bits(0x7FE0000000000000) // 2^1023
	fTwoPM1000 = f64bits(0x0170000000000000) // 2^-1000
)

// defineExp adds snn_exp_inline, mathfn.Exp, to m and returns it.
//
// Exp's cases and how each becomes a select:
//   - NaN, x > expOverflow and x < expUnderflow: their results (mathfn's
//     NaN, +Inf, 0) replace the computed one last. The reduction works on
//     xs, x with 0 in their place, so that fptosi never sees a value out of
//     range.
//   - |x| > 3/2 ln2: k = int(invLn2*x ± 0.5), hi = x - k*ln2Hi, lo = k*ln2Lo;
//     halfLn2 < |x| <= 3/2 ln2: hi = x ∓ ln2Hi, lo = ±ln2Lo, k = ±1; chosen
//     by selects, and both computed for every lane.
//   - |x| < 2^-28: 1 + x, selected at the end.
//   - otherwise Go's formula is 1 - (x*c/(c-2) - x) without reduction. It is
//     the reduced formula 1 - ((lo - r*c/(2-c)) - hi) with hi = x, lo = 0,
//     k = 0, bit for bit: r = x - 0 = x exactly; c-2 rounds to -(2-c)
//     (round to nearest is symmetric), so x*c/(c-2) is -(r*c/(2-c)) exactly;
//     0 - q is -q for every q but +0, and q = x*c/(2-c) is not 0 since
//     |x*c| ≈ x² >= 2^-56; scaling by 2^0 multiplies by 1. So these lanes
//     take the reduced formula with hi = x, lo = 0, k = 0.
//   - scaleByTwoPow's three cases (words.go) are (y*2^k')*m with k' = 1,
//     m = 2^1023 for k > 1023; k' = k, m = 1 for k >= -1021 (multiplying by
//     1 is exact); k' = k+1000, m = 2^-1000 below. 2^k' is built from its
//     bits (shl and bitcast, which vectorise).
func defineExp(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, expInlineName, "x")
	x := ps[0]

	isNaN, over, under, xs := expRangeIR(b, x, expUnderflowC)
	ax, hi, lo, k := reduceExpIR(b, xs)

	r := b.NewFSub(hi, lo)
	z := b.NewFMul(r, r)
	c := b.NewFSub(r, b.NewFMul(z, expPolyIR(b, z)))
	y := b.NewFSub(fOne, b.NewFSub(b.NewFSub(lo, b.NewFDiv(b.NewFMul(r, c), b.NewFSub(fTwo, c))), hi))

	scaled := scaleByTwoPowIR(b, y, k)

	tiny := b.NewFCmp(enum.FPredOLT, ax, expTiny)
	res := b.NewSelect(tiny, b.NewFAdd(fOne, xs), scaled)
	res = b.NewSelect(under, fZero, res)
	res = b.NewSelect(over, fInf, res)
	res = b.NewSelect(isNaN, fNaN, res)
	b.NewRet(res)
	return f
}

// expPolyIR emits mathfn's expPoly(z), P1 + z*(P2 + z*(P3 + z*(P4 +
// z*P5))), innermost first; Exp and Pow's tail share it.
func expPolyIR(b *ll.Block, z value.Value) value.Value {
	var p value.Value = expP[4]
	for n := 3; n >= 0; n-- {
		p = b.NewFAdd(expP[n], b.NewFMul(z, p))
	}
	return p
}

// scaleByTwoPowIR emits mathfn's scaleByTwoPow(y, k) (words.go): its three
// cases are (y*2^k')*m with k' = 1, m = 2^1023 for k > 1023; k' = k, m = 1
// for k >= -1021 (multiplying by 1 is exact); k' = k+1000, m = 2^-1000
// below. 2^k' is built from its bits.
func scaleByTwoPowIR(b *ll.Block, y, k value.Value) value.Value {
	above := b.NewICmp(enum.IPredSGT, k, i32c(1023))
	normal := b.NewICmp(enum.IPredSGE, k, i32c(-1021))
	kScaled := b.NewSelect(above, i32c(1), b.NewSelect(normal, k, b.NewAdd(k, i32c(1000))))
	factor := b.NewSelect(above, fTwoP1023, b.NewSelect(normal, fOne, fTwoPM1000))
	return b.NewFMul(b.NewFMul(y, twoPowIR(b, kScaled)), factor)
}

// twoPowIR emits mathfn's twoPow(k), 2^k from its bits. Outside k's range
// [-1022, 1023] the bits are some other double, and no poison: the shift
// is by a constant.
func twoPowIR(b *ll.Block, k value.Value) value.Value {
	biased := b.NewZExt(b.NewAdd(k, constant.NewInt(i32, 1023)), i64)
	return b.NewBitCast(b.NewShl(biased, constant.NewInt(i64, 52)), f64)
}

// expRangeIR emits the tests of x that Exp and Expm1 make before they
// reduce it: NaN, above expOverflow, below low (Exp's underflow, Expm1's
// saturation at -1), and xs, x with the lanes outside [low, expOverflow]
// (NaN too) replaced by 0, so that the reduction's conversion to an
// integer never sees them.
func expRangeIR(b *ll.Block, x value.Value, low constant.Constant) (isNaN, over, below, xs value.Value) {
	isNaN = b.NewFCmp(enum.FPredUNO, x, x)
	over = b.NewFCmp(enum.FPredOGT, x, expOverflowC)
	below = b.NewFCmp(enum.FPredOLT, x, low)
	inRange := b.NewAnd(b.NewFCmp(enum.FPredOGE, x, low), b.NewFCmp(enum.FPredOLE, x, expOverflowC))
	return isNaN, over, below, b.NewSelect(inRange, x, fZero)
}

// reduceExpIR emits the argument reduction mathfn.Exp and Expm1 share, on
// xs (x with out-of-range lanes replaced by 0): |x|, and x = k ln2 + (hi -
// lo) with k rounding x/ln2 half away from zero for |x| > 3/2 ln2, k = ±1
// for halfLn2 < |x| <= 3/2 ln2, and k = 0, hi = x, lo = 0 otherwise: k
// chosen by select, and hi and lo one formula of it.
func reduceExpIR(b *ll.Block, xs value.Value) (ax, hi, lo, k value.Value) {
	ax = absIR(b, xs)
	big := b.NewFCmp(enum.FPredOGT, ax, expThreeHalvesLn2)
	mid := b.NewFCmp(enum.FPredOGT, ax, expHalfLn2)
	neg := b.NewFCmp(enum.FPredOLT, xs, fZero)

	// |x| > 3/2 ln2: k rounds x/ln2 half away from zero (fptosi truncates);
	// halfLn2 < |x| <= 3/2 ln2: k = ±1; otherwise no reduction, k = 0.
	half := b.NewSelect(neg, fNegHalf, fHalf)
	kBig := b.NewFPToSI(b.NewFAdd(b.NewFMul(expInvLn2, xs), half), i32)
	kMid := b.NewSelect(neg, i32c(-1), i32c(1))
	k = b.NewSelect(big, kBig, b.NewSelect(mid, kMid, i32c(0)))
	// One formula for the three cases, the same bits as Go's three: with
	// k = ±1, k*ln2Hi and k*ln2Lo are ±ln2Hi and ±ln2Lo exactly, and x -
	// (-ln2Hi) is x + ln2Hi; with k = 0 they are +0, and x - (+0) is x
	// (-0 too), lo = +0. Eight operations fewer than selecting among the
	// three cases' values, in each exp, expm1 and tanh.
	fk := b.NewSIToFP(k, f64)
	hi = b.NewFSub(xs, b.NewFMul(fk, expLn2Hi))
	lo = b.NewFMul(fk, expLn2Lo)
	return ax, hi, lo, k
}

// funcAttrsInline are the attributes of every emitted math function:
// inlined into the kernel, no memory access, no unwinding.
var funcAttrsInline = []ll.FuncAttribute{enum.FuncAttrAlwaysInline, enum.FuncAttrReadNone, enum.FuncAttrNoUnwind}

// newInline adds an internal, always-inlined, readnone function of f64
// parameters named name to m and returns it with its parameters and entry
// block.
func newInline(m *ll.Module, name string, params ...string) (*ll.Func, []*ll.Param, *ll.Block) {
	var ps []*ll.Param
	for _, p := range params {
		ps = append(ps, ll.NewParam(p, f64))
	}
	f := m.NewFunc(name, f64, ps...)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = funcAttrsInline
	return f, ps, f.NewBlock("entry")
}

// absIR emits math.Abs(x): the sign bit cleared.
func absIR(b *ll.Block, x value.Value) value.Value {
	return b.NewBitCast(b.NewAnd(b.NewBitCast(x, i64), constant.NewInt(i64, 0x7FFFFFFFFFFFFFFF)), f64)
}

// i32c is the i32 constant n.
func i32c(n int64) constant.Constant { return constant.NewInt(i32, n) }
