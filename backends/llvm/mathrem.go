package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// remInlineName is the emitted `rem`: Go's math.Mod, which the interpreter
// computes (ir.Arith) and the C runtime's snn_fmod ports.
const remInlineName = "snn_rem_inline"

// The remainder is exact, so any exact method gives math.Mod's bits; Go's
// (and fmod's) subtract one shifted y per bit of the exponent difference,
// a loop of up to 2097 rounds, which the loop vectoriser cannot take. Here
// it is a fixed sequence of steps without branches, each exact:
//
// With |x| = X*2^Ex and |y| = Y*2^Ey, X and Y integers in [2^52, 2^53)
// held in doubles (subnormals normalised), and d = Ex - Ey >= 0, the
// remainder is (X*2^d mod Y)*2^Ey. R = X mod Y is X or X - Y; then d is
// consumed 35 bits at a time, R = R*2^s mod Y with s <= 35, by one step of
// s = d mod 35 and floor(d/35) steps of 35, the 59 steps' results kept by
// select where a lane needs them (d <= 971+1126 = 2097 = 59*35 + 32).
//
// One step: the quotient q of Rt = R*2^s by Y is estimated as
// round(Rt*(1/Y)); the estimate's relative error is below 2^-52 and q <
// 2^35, so it is off by less than 2^-17 and q is floor(Rt/Y) or one more.
// Rt - q*Y is formed exactly with Y split into three pieces (bits 52-36,
// 35-18 and 17-0: 17, 18 and 18 bits): each q*piece has at most 35+18 =
// 53 bits, and each partial difference is an integer multiple of 2^s or
// 2^18 below 2^(s+36)+2^53, which fits 53 bits (TestRemInlineVectorBits
// checks the extremes). The difference lies in (-Y, Y); adding Y where it
// is negative leaves the next R in [0, Y), exactly.
//
// The scaling back by 2^Ey is exact: the remainder is a multiple of |y|'s
// ulp below |y|, so it is representable, and scaleByTwoPowIR's products
// stay exact on the way.
const (
	remStepBits = 35
	remSteps    = 59 // floor(2097 / remStepBits)
)

var (
	// goNaN is Go's math.NaN(), which math.Mod returns.
	goNaN = f64bits(0x7FF8000000000001)
	// remRound is 1.5*2^52: adding and subtracting it rounds a double in
	// [0, 2^51) to an integer.
	remRound     = f64bits(0x4338000000000000)
	remTwoPowS   = f64bits(uint64(1023+remStepBits) << 52)
	fMinNormal   = f64bits(0x0010000000000000)
	i64FracMask  = constant.NewInt(i64, 1<<52-1)
	i64SignMask  = constant.NewInt(i64, -1<<63)
	i64Exponent  = constant.NewInt(i64, 1075<<52) // the exponent of [2^52, 2^53)
	i64Low36Zero = constant.NewInt(i64, -1<<36)
	i64Low18Zero = constant.NewInt(i64, -1<<18)
)

// remNormalize emits the integer mantissa and exponent of a finite a >= 0:
// a = m*2^e with m a double in [2^52, 2^53) and e an i32. A subnormal a is
// scaled by 2^54 first (exactly), as logReduce does.
func remNormalize(b *ll.Block, a value.Value) (m, e value.Value) {
	sub := b.NewFCmp(enum.FPredOLT, a, fMinNormal)
	a = b.NewSelect(sub, b.NewFMul(a, logTwo54), a)
	bits := b.NewBitCast(a, i64)
	m = b.NewBitCast(b.NewOr(b.NewAnd(bits, i64FracMask), i64Exponent), f64)
	e = b.NewTrunc(b.NewLShr(bits, constant.NewInt(i64, 52)), i32)
	e = b.NewSub(e, b.NewSelect(sub, i32c(1075+54), i32c(1075)))
	return m, e
}

// remStep emits one step: R*p mod Y for R in [0, Y), p = 2^s, s <= 35, with
// Y's pieces yh+ym+y0 = Y and invY = 1/Y rounded.
func remStep(b *ll.Block, r, p, y, yh, ym, y0, invY value.Value) value.Value {
	rt := b.NewFMul(r, p)
	q := b.NewFSub(b.NewFAdd(b.NewFMul(rt, invY), remRound), remRound)
	t := b.NewFSub(rt, b.NewFMul(q, yh))
	t = b.NewFSub(t, b.NewFMul(q, ym))
	t = b.NewFSub(t, b.NewFMul(q, y0))
	return b.NewSelect(b.NewFCmp(enum.FPredOLT, t, fZero), b.NewFAdd(t, y), t)
}

// defineRem adds snn_rem_inline, math.Mod, to m. Go's cases, as selects:
// y = 0, x infinite and either NaN give Go's NaN; |x| < |y| (y infinite
// too) gives x; otherwise the exact remainder with x's sign (-0 for a zero
// remainder of a negative x). No operation makes poison for any input, so
// the remainder is computed for every lane and the selects choose.
func defineRem(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, remInlineName, "x", "y")
	x, y := ps[0], ps[1]
	ax, ay := absIR(b, x), absIR(b, y)
	nan := b.NewOr(b.NewFCmp(enum.FPredUEQ, y, fZero), b.NewFCmp(enum.FPredUGE, ax, fInf)) // unordered: NaNs
	small := b.NewFCmp(enum.FPredOLT, ax, ay)

	mx, ex := remNormalize(b, ax)
	my, ey := remNormalize(b, ay)
	// d = ex - ey >= 0 where the remainder is used; clamped for the others.
	var d value.Value = b.NewSub(ex, ey)
	d = b.NewSelect(b.NewICmp(enum.IPredSLT, d, i32c(0)), i32c(0), d)
	d = b.NewSelect(b.NewICmp(enum.IPredSGT, d, i32c(remSteps*remStepBits+remStepBits-1)), i32c(0), d)
	full := b.NewUDiv(d, i32c(remStepBits))
	first := b.NewSub(d, b.NewMul(full, i32c(remStepBits)))

	ybits := b.NewBitCast(my, i64)
	yh := b.NewBitCast(b.NewAnd(ybits, i64Low36Zero), f64)
	yhm := b.NewBitCast(b.NewAnd(ybits, i64Low18Zero), f64)
	ym := b.NewFSub(yhm, yh)
	y0 := b.NewFSub(my, yhm)
	invY := b.NewFDiv(fOne, my)

	var r value.Value = b.NewSelect(b.NewFCmp(enum.FPredOGE, mx, my), b.NewFSub(mx, my), mx)
	r = remStep(b, r, twoPowIR(b, first), my, yh, ym, y0, invY)
	for n := range remSteps {
		next := remStep(b, r, remTwoPowS, my, yh, ym, y0, invY)
		r = b.NewSelect(b.NewICmp(enum.IPredSGT, full, i32c(int64(n))), next, r)
	}
	res := scaleByTwoPowIR(b, r, ey)
	// x's sign on the remainder (>= +0): Go negates it for x < 0.
	sign := b.NewAnd(b.NewBitCast(x, i64), i64SignMask)
	res = b.NewBitCast(b.NewOr(b.NewBitCast(res, i64), sign), f64)
	res = b.NewSelect(small, x, res)
	res = b.NewSelect(nan, goNaN, res)
	b.NewRet(res)
	return f
}
