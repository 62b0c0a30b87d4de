package llvm

import (
	"math"
	"math/bits"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/runtime/fixed"

	ll "github.com/llir/llvm/ir"
)

// A quantized model's arithmetic is runtime/fixed's, emitted into the
// kernel as integer LLVM IR without branches, so that the loop vectoriser
// can vectorise a kernel of fixed-point state (a call of the C runtime's
// port, runtime/c/fixed.c, stops it). Every format is a constant at its
// instruction, so the emitted code is specialised to it: the shifts that
// align, round and scale are by constants, and a check or a clamp that no
// value of the operands' formats can reach is not emitted at all.
//
// What the code relies on is the package's definition of a raw value
// (runtime/fixed): it lies in its format's range. Every fixed-point value
// of a kernel does (a load reads what a store of a saturated value wrote,
// a constant is FromFloat's, every operation saturates), and the
// intermediate values below are bounded from the operands' ranges
// (fxRange), in Go, before any instruction is emitted. Each case of the
// Go code becomes a select; no operation is fed a value for which it makes
// poison (a shift is by a constant below the width, a division's divisor
// is never 0, fptosi sees only values in range).

// fxRange is the interval [lo, hi] an i64 value is known to lie in. The
// exact intermediates of runtime/fixed stay within ±2^63 (its MaxWidth
// and MaxFrac are chosen so), so int64 bounds never overflow.
type fxRange struct{ lo, hi int64 }

// formatRange is the range of a format's raw values.
func formatRange(f fixed.Format) fxRange { return fxRange{f.Min(), f.Max()} }

// fxVal is a raw fixed-point value (an i64) with the interval it lies in.
type fxVal struct {
	v value.Value
	r fxRange
}

// fxOperand is a raw value of format f, as an fxVal: a constant's range
// is the constant itself.
func fxOperand(v value.Value, f fixed.Format) fxVal {
	if c, ok := v.(*constant.Int); ok && c.X.IsInt64() {
		return fxVal{v, fxRange{c.X.Int64(), c.X.Int64()}}
	}
	return fxVal{v, formatRange(f)}
}

func i64c(n int64) constant.Constant { return constant.NewInt(i64, n) }

// fxShl emits x * 2^s (s >= 0), exact by the bounds.
func fxShl(b *ll.Block, x fxVal, s int) fxVal {
	if s == 0 {
		return x
	}
	return fxVal{b.NewShl(x.v, i64c(int64(s))), fxRange{x.r.lo << s, x.r.hi << s}}
}

// fxSaturate emits to.Saturate(x): a clamp at each end of the format that
// x can pass.
func fxSaturate(b *ll.Block, x fxVal, to fixed.Format) value.Value {
	if x.r.lo == x.r.hi {
		return i64c(to.Saturate(x.r.lo))
	}
	v := x.v
	if x.r.hi > to.Max() {
		v = b.NewSelect(b.NewICmp(enum.IPredSGT, v, i64c(to.Max())), i64c(to.Max()), v)
	}
	if x.r.lo < to.Min() {
		v = b.NewSelect(b.NewICmp(enum.IPredSLT, v, i64c(to.Min())), i64c(to.Min()), v)
	}
	return v
}

// fxSignSaturate is what runtime/fixed's convert gives a value too large
// to scale up: Max if x > 0, Min if x < 0, 0 for 0.
func fxSignSaturate(b *ll.Block, x fxVal, to fixed.Format) value.Value {
	v := value.Value(i64c(0))
	if x.r.lo < 0 {
		v = b.NewSelect(b.NewICmp(enum.IPredSLT, x.v, i64c(0)), i64c(to.Min()), v)
	}
	if x.r.hi > 0 {
		v = b.NewSelect(b.NewICmp(enum.IPredSGT, x.v, i64c(0)), i64c(to.Max()), v)
	}
	return v
}

// goShift is runtime/fixed's shift on a bound: the bounds of a rounded
// value are the bounds rounded, rounding being monotonic.
func goShift(x int64, s int) int64 {
	switch {
	case s >= 0:
		return x << s
	case s < -62:
		return 0
	}
	half := int64(1) << (-s - 1)
	if x >= 0 {
		return (x + half) >> -s
	}
	return -((-x + half) >> -s)
}

// fxConvert emits runtime/fixed's convert: the exact value x with frac
// fraction bits rounded into format to (to nearest, ties away from zero)
// and saturated.
func fxConvert(b *ll.Block, x fxVal, frac int, to fixed.Format) value.Value {
	s := int(to.Frac) - frac
	switch {
	case s == 0:
		return fxSaturate(b, x, to)
	case s < -62:
		return i64c(0) // |x| < 2^62: less than half of the unit
	case s < 0:
		// Go rounds |x| + half down and gives it x's sign; for x < 0
		// that is -floor((-x + half) / 2^k) = floor((x + half - 1) / 2^k),
		// so one arithmetic shift of x + half - [x < 0] rounds both signs.
		// By the bounds (|x| <= 2^62 + 2^31, half <= 2^61) nothing wraps.
		k := -s
		r := fxRange{goShift(x.r.lo, s), goShift(x.r.hi, s)}
		if r.lo == r.hi {
			return i64c(to.Saturate(r.lo)) // the format has no bits for x
		}
		half := int64(1) << (k - 1)
		v := value.Value(b.NewAdd(x.v, i64c(half)))
		if x.r.lo < 0 {
			v = b.NewAdd(v, b.NewAShr(x.v, i64c(63))) // -1 where x < 0
		}
		v = b.NewAShr(v, i64c(int64(k)))
		return fxSaturate(b, fxVal{v, r}, to)
	}
	// Scaling up: Go saturates by the sign where s >= 32 or |x| >=
	// 2^(62-s) (the product would not fit, or could not fit the format).
	if s >= 32 {
		return fxSignSaturate(b, x, to)
	}
	lim := int64(1) << (62 - s)
	scaled := fxSaturate(b, fxShl(b, fxVal{x.v, fxRange{max(x.r.lo, -lim+1), min(x.r.hi, lim-1)}}, s), to)
	if x.r.lo > -lim && x.r.hi < lim {
		return scaled
	}
	// The shift wraps in the lanes the select drops: no poison, as shl
	// has no nsw here.
	big := b.NewOr(b.NewICmp(enum.IPredSGE, x.v, i64c(lim)), b.NewICmp(enum.IPredSLE, x.v, i64c(-lim)))
	return b.NewSelect(big, fxSignSaturate(b, x, to), scaled)
}

// fxAlign emits runtime/fixed's align: a and b scaled to max(fa, fb)
// fraction bits, exactly.
func fxAlign(b *ll.Block, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format) (fxVal, fxVal, int) {
	m := max(int(fa.Frac), int(fb.Frac))
	return fxShl(b, x, m-int(fa.Frac)), fxShl(b, y, m-int(fb.Frac)), m
}

// fxAddSub emits fixed.Add (sub false) or fixed.Sub.
func fxAddSub(b *ll.Block, sub bool, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format, to fixed.Format) value.Value {
	ax, ay, m := fxAlign(b, x, fa, y, fb)
	if sub {
		return fxConvert(b, fxVal{b.NewSub(ax.v, ay.v), fxRange{ax.r.lo - ay.r.hi, ax.r.hi - ay.r.lo}}, m, to)
	}
	return fxConvert(b, fxVal{b.NewAdd(ax.v, ay.v), fxRange{ax.r.lo + ay.r.lo, ax.r.hi + ay.r.hi}}, m, to)
}

// fxMul emits fixed.Mul. Where both operands and every product fit in 32
// bits the product is an i32 multiply, which every vector width has (a
// 64-bit one AVX2 has not).
func fxMul(b *ll.Block, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format, to fixed.Format) value.Value {
	c := [4]int64{x.r.lo * y.r.lo, x.r.lo * y.r.hi, x.r.hi * y.r.lo, x.r.hi * y.r.hi}
	r := fxRange{min(c[0], c[1], c[2], c[3]), max(c[0], c[1], c[2], c[3])}
	var p value.Value
	if fitsI32(x.r) && fitsI32(y.r) && fitsI32(r) {
		p = b.NewSExt(b.NewMul(b.NewTrunc(x.v, i32), b.NewTrunc(y.v, i32)), i64)
	} else {
		p = b.NewMul(x.v, y.v)
	}
	return fxConvert(b, fxVal{p, r}, int(fa.Frac)+int(fb.Frac), to)
}

func fitsI32(r fxRange) bool { return r.lo >= math.MinInt32 && r.hi <= math.MaxInt32 }

// fxAbsVal is |x| with its range.
func fxAbsVal(b *ll.Block, x fxVal) fxVal {
	if x.r.lo >= 0 {
		return x
	}
	lo := int64(0) // x.r.lo < 0 here
	if x.r.hi < 0 {
		lo = -x.r.hi
	}
	v := b.NewSelect(b.NewICmp(enum.IPredSLT, x.v, i64c(0)), b.NewSub(i64c(0), x.v), x.v)
	return fxVal{v, fxRange{lo, max(-x.r.lo, x.r.hi)}}
}

// fxNeg emits fixed.Neg and fxAbs fixed.Abs.
func fxNeg(b *ll.Block, x fxVal, fa fixed.Format, to fixed.Format) value.Value {
	return fxConvert(b, fxVal{b.NewSub(i64c(0), x.v), fxRange{-x.r.hi, -x.r.lo}}, int(fa.Frac), to)
}

func fxAbs(b *ll.Block, x fxVal, fa fixed.Format, to fixed.Format) value.Value {
	return fxConvert(b, fxAbsVal(b, x), int(fa.Frac), to)
}

// fxCompare emits fixed.Cmp(a, b) PRED 0 as one compare of the aligned
// values: pred is the signed integer predicate of the IR's comparison.
func fxCompare(b *ll.Block, pred enum.IPred, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format) value.Value {
	ax, ay, _ := fxAlign(b, x, fa, y, fb)
	return b.NewICmp(pred, ax.v, ay.v)
}

// fxMinMax emits the IR's min (max false) or max on fixed point: a
// converted into to if a < b (a > b for max), else b converted.
func fxMinMax(b *ll.Block, max bool, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format, to fixed.Format) value.Value {
	pred := enum.IPredSLT
	if max {
		pred = enum.IPredSGT
	}
	takeX := fxCompare(b, pred, x, fa, y, fb)
	return b.NewSelect(takeX, fxConvert(b, x, int(fa.Frac), to), fxConvert(b, y, int(fb.Frac), to))
}

// fxFromDouble emits to.FromFloat(x): NaN is 0; x 2^Frac (exact, as
// ldexp: Frac <= 31 cannot underflow, and overflow gives the same
// infinity) rounded half away from zero (llvm.round); at or beyond the
// format's ends, the end. The double converted is clamped first, so
// fptosi sees only values in range, and to i32 (every format fits), which
// every vector width converts.
func (kf *kernelFunc) fxFromDouble(x value.Value, to fixed.Format) value.Value {
	return fxFromDoubleIR(kf.cur, kf.e.funcs["llvm.round.f64"], x, to)
}

func fxFromDoubleIR(b *ll.Block, round *ll.Func, x value.Value, to fixed.Format) value.Value {
	y := b.NewCall(round, b.NewFMul(x, constant.NewFloat(f64, math.Ldexp(1, int(to.Frac)))))
	hi, lo := constant.NewFloat(f64, float64(to.Max())), constant.NewFloat(f64, float64(to.Min()))
	c := b.NewSelect(b.NewFCmp(enum.FPredOGE, y, hi), hi, y)
	c = b.NewSelect(b.NewFCmp(enum.FPredOLE, y, lo), lo, c)
	c = b.NewSelect(b.NewFCmp(enum.FPredUNO, x, x), constant.NewFloat(f64, 0), c)
	return b.NewSExt(b.NewFPToSI(c, i32), i64)
}

// fxToDouble emits f.Float(r): r 2^-Frac, exact (|r| < 2^31), through
// i32 as fxFromDouble does.
func fxToDouble(b *ll.Block, x fxVal, f fixed.Format) value.Value {
	var d value.Value
	if fitsI32(x.r) {
		d = b.NewSIToFP(b.NewTrunc(x.v, i32), f64)
	} else {
		d = b.NewSIToFP(x.v, f64)
	}
	if f.Frac == 0 {
		return d
	}
	return b.NewFMul(d, constant.NewFloat(f64, math.Ldexp(1, -int(f.Frac))))
}

// fxDither emits fixed.ConvertDither with the random bits rbits (an i64):
// with s fraction bits dropped, the top s bits are added and the sum is
// rounded down (an arithmetic shift), then saturated.
func fxDither(b *ll.Block, x fxVal, from, to fixed.Format, rbits value.Value) value.Value {
	s := int(from.Frac) - int(to.Frac)
	if s <= 0 {
		return fxConvert(b, x, int(from.Frac), to)
	}
	sum := b.NewAdd(x.v, b.NewLShr(rbits, i64c(int64(64-s))))
	r := fxRange{x.r.lo >> s, (x.r.hi + (int64(1)<<s - 1)) >> s}
	return fxSaturate(b, fxVal{b.NewAShr(sum, i64c(int64(s))), r}, to)
}

// fxDiv emits fixed.Div: the exact quotient rounded to nearest, ties
// away from zero, saturated; a zero divisor saturates by the dividend's
// sign, and 0 divided by anything is 0. Go divides a 128-bit |a| 2^s by
// |b| where s > 0; here that is an i64 division where |a| 2^s fits in 64
// bits by the bounds, else an i128 one. Every case is computed with a
// divisor of 1 in the lanes where b is 0, and the select drops them.
func fxDiv(b *ll.Block, x fxVal, fa fixed.Format, y fxVal, fb fixed.Format, to fixed.Format) value.Value {
	zero := i64c(0)
	neg := b.NewXor(b.NewICmp(enum.IPredSLT, x.v, zero), b.NewICmp(enum.IPredSLT, y.v, zero))
	sat := b.NewSelect(neg, i64c(to.Min()), i64c(to.Max()))
	ua, ub := fxAbsVal(b, x), fxAbsVal(b, y)
	bZero := b.NewICmp(enum.IPredEQ, y.v, zero)
	den := value.Value(b.NewSelect(bZero, i64c(1), ub.v))
	s := int(to.Frac) + int(fb.Frac) - int(fa.Frac)
	var q, rem value.Value
	var over value.Value // the quotient is 2^64 or more: saturate
	switch {
	case s < 0:
		// |b| < 2^32 and -s <= 31: the divisor 2^-s |b| fits (Go's
		// bits.Len64(ub)-s > 64 cannot hold).
		den = b.NewShl(den, i64c(int64(-s)))
		q, rem = b.NewUDiv(ua.v, den), b.NewURem(ua.v, den)
	case bits.Len64(uint64(ua.r.hi))+s <= 63:
		num := b.NewShl(ua.v, i64c(int64(s)))
		q, rem = b.NewUDiv(num, den), b.NewURem(num, den)
	default:
		i128 := types.NewInt(128)
		num := b.NewShl(b.NewZExt(ua.v, i128), constant.NewInt(i128, int64(s)))
		d := b.NewZExt(den, i128)
		over = b.NewICmp(enum.IPredUGE, b.NewTrunc(b.NewLShr(num, constant.NewInt(i128, 64)), i64), den)
		q, rem = b.NewTrunc(b.NewUDiv(num, d), i64), b.NewTrunc(b.NewURem(num, d), i64)
	}
	// 2r >= den without overflow, unsigned as in Go.
	q = b.NewAdd(q, b.NewZExt(b.NewICmp(enum.IPredUGE, rem, b.NewSub(den, rem)), i64))
	negQ := b.NewSelect(b.NewICmp(enum.IPredUGT, q, i64c(-to.Min())), i64c(to.Min()), b.NewSub(zero, q))
	posQ := b.NewSelect(b.NewICmp(enum.IPredUGT, q, i64c(to.Max())), i64c(to.Max()), q)
	res := value.Value(b.NewSelect(neg, negQ, posQ))
	if over != nil {
		res = b.NewSelect(over, sat, res)
	}
	res = b.NewSelect(bZero, sat, res)
	return b.NewSelect(b.NewICmp(enum.IPredEQ, x.v, zero), zero, res)
}
