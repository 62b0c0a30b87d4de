package llvm

import (
	"math"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
)

// The emitted runtime/mathfn.Sin and Cos (trig.go), as mathexp.go emits
// Exp. Both of Go's argument reductions run in every lane and a select
// keeps the one Go takes by |x|: Cody-Waite (its three steps all
// computed, the first one, two or three kept as Go's exponent tests
// decide) and Payne-Hanek, whose word reads from twoOverPiBits become
// loads from a constant table at a clamped per-lane index (gathers, once
// vectorised) and whose 64x64->128-bit products are built from 32-bit
// pieces (i64 multiplies of zero-extended halves: pmuludq at every x86-64
// width, where an i128 multiply would be split lane by lane). Go's loop
// and ifs that normalise the fraction are at most two word shifts and one
// bit shift, each done or not by a select. (The word shifts, and the
// fraction that is all zeros, are never taken for a double: none lies
// closer to a multiple of pi/2 than 2^-60.9, so the first word is never
// 0; they are emitted because Go has them.) Go's x >> (64-s), guarded by
// s != 0, is (x >> 1) >> (63-s), which is 0 for s = 0 instead of LLVM's
// poison. One sinKernel and one cosKernel serve every lane, on the
// reduced (hi, lo) or on x itself below pi/4.
const (
	sinInlineName = "snn_sin_inline"
	cosInlineName = "snn_cos_inline"
	// twoOverPiName is the module's copy of mathfn's twoOverPiBits.
	twoOverPiName = "snn_two_over_pi"
)

// runtime/mathfn's constants for Sin and Cos (trig.go), by their bits.
var (
	trigSinS = [7]constant.Constant{nil, // sinS1..sinS6
		f64bits(0xBFC5555555555549), f64bits(0x3F8111111110F8A6), f64bits(0xBF2A01A019C161D5),
		f64bits(0x3EC71DE357B1FE7D), f64bits(0xBE5AE5E68A2B9CEB), f64bits(0x3DE5D93A5ACFD57C),
	}
	trigCosC = [7]constant.Constant{nil, // cosC1..cosC6
		f64bits(0x3FA555555555554C), f64bits(0xBF56C16C16C15177), f64bits(0x3EFA01A019CB1590),
		f64bits(0xBE927E4F809C52AD), f64bits(0x3E21EE9EBDB4B1C4), f64bits(0xBDA8FAE9BE8838D4),
	}
	trigPio4         = f64bits(0x3FE921FB54442D18)
	trigInvPio2      = f64bits(0x3FE45F306DC9C883)
	trigPio2First    = f64bits(0x3FF921FB54400000)
	trigPio2FirstT   = f64bits(0x3DD0B4611A626331)
	trigPio2Second   = f64bits(0x3DD0B4611A600000)
	trigPio2SecondT  = f64bits(0x3BA3198A2E037073)
	trigPio2Third    = f64bits(0x3BA3198A2E000000)
	trigPio2ThirdT   = f64bits(0x397B839A252049C1)
	trigMediumLimit  = f64bits(0x413921FB00000000) // mediumReductionLimit, 1647099
	trigRoundShift   = f64bits(0x4338000000000000) // roundingShift, 1.5*2^52
	trigSinTinyBound = f64bits(0x3E50000000000000) // 2^-26
	trigCosTinyBound = f64bits(0x3E40000000000000) // 2^-27
	trigTwoP52       = f64bits(0x4330000000000000) // 2^52
)

// pio2Fixed (trig.go): pi/2 * 2^127 rounded down, high word first.
const (
	trigPio2FixedHigh = 0xC90FDAA22168C234
	trigPio2FixedLow  = 0xC4C6628B80DC1CD1
)

// u64c is the i64 constant with the bits of u.
func u64c(u uint64) constant.Constant { return constant.NewInt(i64, int64(u)) }

// defineSin adds snn_sin_inline, mathfn.Sin, to m.
func defineSin(m *ll.Module) *ll.Func { return defineTrig(m, sinInlineName, false) }

// defineCos adds snn_cos_inline, mathfn.Cos, to m.
func defineCos(m *ll.Module) *ll.Func { return defineTrig(m, cosInlineName, true) }

// defineTrig adds mathfn.Sin (cos false) or mathfn.Cos to m as name. Go's
// cases, each a select:
//   - |x| <= pi/4: the kernel on (x, 0) in quadrant 0, no sign flip; Sin
//     returns x itself below 2^-26 and Cos 1 below 2^-27.
//   - NaN and ±Inf: mathfn's NaN, chosen last.
//   - otherwise quadrant n and y = hi + lo from Cody-Waite below
//     mediumReductionLimit, from Payne-Hanek at and above it; Sin takes
//     sinKernel, cosKernel, -sinKernel, -cosKernel by n mod 4 and negates
//     for x < 0, Cos takes cosKernel, -sinKernel, -cosKernel, sinKernel.
func defineTrig(m *ll.Module, name string, cos bool) *ll.Func {
	f, ps, b := newInline(m, name, "x")
	x := ps[0]
	ax := absIR(b, x)
	small := b.NewFCmp(enum.FPredOLE, ax, trigPio4)
	special := b.NewFCmp(enum.FPredUEQ, ax, fInf) // NaN or ±Inf
	big := b.NewFCmp(enum.FPredOGE, ax, trigMediumLimit)

	nCW, hiCW, loCW := reduceCodyWaiteIR(b, ax)
	// Payne-Hanek reads the table at indices from ax's exponent: lanes
	// that do not take it (a NaN, an infinity, a small x) read at the
	// limit's instead.
	phIn := b.NewSelect(b.NewAnd(big, b.NewFCmp(enum.FPredOLT, ax, fInf)), ax, trigMediumLimit)
	nPH, hiPH, loPH := reducePayneHanekIR(m, b, phIn)

	n := b.NewSelect(small, u64c(0), b.NewSelect(big, nPH, nCW))
	hi := b.NewSelect(small, x, b.NewSelect(big, hiPH, hiCW))
	lo := b.NewSelect(small, fZero, b.NewSelect(big, loPH, loCW))

	s := sinKernelIR(b, hi, lo)
	c := cosKernelIR(b, hi, lo)
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(n, u64c(1)), u64c(0))
	var res, negate value.Value
	if cos {
		// n = 0: c, 1: -s, 2: -c, 3: s.
		res = b.NewSelect(odd, s, c)
		negate = b.NewICmp(enum.IPredNE, b.NewAnd(b.NewXor(n, b.NewLShr(n, u64c(1))), u64c(1)), u64c(0))
	} else {
		// n = 0: s, 1: c, 2: -s, 3: -c; then -res for x < 0 (a
		// reduced x: below pi/4 the kernel had x's sign).
		res = b.NewSelect(odd, c, s)
		negate = b.NewICmp(enum.IPredNE, b.NewAnd(n, u64c(2)), u64c(0))
	}
	res = b.NewSelect(negate, b.NewFNeg(res), res)
	if cos {
		res = b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, trigCosTinyBound), fOne, res)
	} else {
		flip := b.NewAnd(b.NewFCmp(enum.FPredOLT, x, fZero), b.NewXor(small, constant.True))
		res = b.NewSelect(flip, b.NewFNeg(res), res)
		res = b.NewSelect(b.NewFCmp(enum.FPredOLT, ax, trigSinTinyBound), x, res)
	}
	res = b.NewSelect(special, fNaN, res)
	b.NewRet(res)
	return f
}

// sinKernelIR emits mathfn's sinKernel(x, y), both of its formulas, the
// one for y == 0 selected there.
func sinKernelIR(b *ll.Block, x, y value.Value) value.Value {
	z := b.NewFMul(x, x)
	w := b.NewFMul(z, z)
	s := trigSinS
	r := b.NewFAdd(b.NewFAdd(s[2], b.NewFMul(z, b.NewFAdd(s[3], b.NewFMul(z, s[4])))),
		b.NewFMul(b.NewFMul(z, w), b.NewFAdd(s[5], b.NewFMul(z, s[6]))))
	v := b.NewFMul(z, x)
	exact := b.NewFAdd(x, b.NewFMul(v, b.NewFAdd(s[1], b.NewFMul(z, r))))
	inner := b.NewFMul(z, b.NewFSub(b.NewFMul(fHalf, y), b.NewFMul(v, r)))
	corrected := b.NewFSub(x, b.NewFSub(b.NewFSub(inner, y), b.NewFMul(v, s[1])))
	return b.NewSelect(b.NewFCmp(enum.FPredOEQ, y, fZero), exact, corrected)
}

// cosKernelIR emits mathfn's cosKernel(x, y).
func cosKernelIR(b *ll.Block, x, y value.Value) value.Value {
	z := b.NewFMul(x, x)
	w := b.NewFMul(z, z)
	c := trigCosC
	r := b.NewFAdd(
		b.NewFMul(z, b.NewFAdd(c[1], b.NewFMul(z, b.NewFAdd(c[2], b.NewFMul(z, c[3]))))),
		b.NewFMul(b.NewFMul(w, w), b.NewFAdd(c[4], b.NewFMul(z, b.NewFAdd(c[5], b.NewFMul(z, c[6]))))))
	halfZ := b.NewFMul(fHalf, z)
	w1 := b.NewFSub(fOne, halfZ)
	return b.NewFAdd(w1, b.NewFAdd(b.NewFSub(b.NewFSub(fOne, w1), halfZ),
		b.NewFSub(b.NewFMul(z, r), b.NewFMul(x, y))))
}

// reduceCodyWaiteIR emits the Cody-Waite half of mathfn's
// reduceQuarterTurns on ax: n mod 4 (i64), hi and lo. All three steps are
// computed, and Go's exponent tests choose how many count. n is read from
// the bits of ax*invPio2 + roundingShift, whose last bits are the integer
// Go converts (its ulp is 1 below 2^51), so no fptosi sees an argument out
// of range on the lanes that take another path.
func reduceCodyWaiteIR(b *ll.Block, ax value.Value) (n, hi, lo value.Value) {
	shifted := b.NewFAdd(b.NewFMul(ax, trigInvPio2), trigRoundShift)
	fn := b.NewFSub(shifted, trigRoundShift)
	n = b.NewAnd(b.NewBitCast(shifted, i64), u64c(3))

	exponent := b.NewLShr(b.NewBitCast(ax, i64), u64c(52))
	lost := func(hi value.Value, bits uint64) value.Value {
		e := b.NewAnd(b.NewLShr(b.NewBitCast(hi, i64), u64c(52)), u64c(0x7FF))
		return b.NewICmp(enum.IPredSGT, b.NewSub(exponent, e), u64c(bits))
	}
	// One step: r and w = fn*piece2 - ((t - r) - fn*piece1) from t.
	step := func(t, piece1, piece2 value.Value) (r, w, hi value.Value) {
		w1 := b.NewFMul(fn, piece1)
		r = b.NewFSub(t, w1)
		w = b.NewFSub(b.NewFMul(fn, piece2), b.NewFSub(b.NewFSub(t, r), w1))
		return r, w, b.NewFSub(r, w)
	}
	r1 := b.NewFSub(ax, b.NewFMul(fn, trigPio2First))
	w1 := b.NewFMul(fn, trigPio2FirstT)
	hi1 := b.NewFSub(r1, w1)
	r2, w2, hi2 := step(r1, trigPio2Second, trigPio2SecondT)
	r3, w3, hi3 := step(r2, trigPio2Third, trigPio2ThirdT)
	second, third := lost(hi1, 16), lost(hi2, 49)
	pick := func(v1, v2, v3 value.Value) value.Value {
		return b.NewSelect(second, b.NewSelect(third, v3, v2), v1)
	}
	r, w := pick(r1, r2, r3), pick(w1, w2, w3)
	hi = pick(hi1, hi2, hi3)
	return n, hi, b.NewFSub(b.NewFSub(r, hi), w)
}

// reducePayneHanekIR emits mathfn's reducePayneHanek on ax, finite and at
// least mediumReductionLimit: n mod 4 (i64), hi and lo.
func reducePayneHanekIR(m *ll.Module, b *ll.Block, ax value.Value) (n, hi, lo value.Value) {
	bits := b.NewBitCast(ax, i64)
	e := b.NewSub(b.NewLShr(bits, u64c(52)), u64c(1023+52))
	mant := b.NewOr(b.NewAnd(bits, u64c(1<<52-1)), u64c(1<<52))

	// The window of 192 bits from bit e+62 of the table: words word to
	// word+3 (at most 20 for the largest double), shifted left by shift.
	start := b.NewAdd(e, u64c(62))
	word := b.NewLShr(start, u64c(6))
	shift := b.NewAnd(start, u64c(63))
	table := twoOverPiTable(m)
	tableType := table.ContentType
	var words [4]value.Value
	for j := range words {
		idx := b.NewAdd(word, u64c(uint64(j)))
		words[j] = b.NewLoad(i64, b.NewGetElementPtr(tableType, table, u64c(0), idx))
	}
	var window [3]value.Value
	for j := range window {
		window[j] = b.NewOr(b.NewShl(words[j], shift), shiftRightComplement(b, words[j+1], shift))
	}

	// m*window mod 2^192.
	high2, low2 := mul64IR(b, mant, window[2])
	high1, low1 := mul64IR(b, mant, window[1])
	low0 := b.NewMul(mant, window[0])
	f2 := low2
	f1, carry := add64IR(b, high2, low1)
	var f0 value.Value = b.NewAdd(b.NewAdd(high1, low0), carry)

	n = b.NewLShr(f0, u64c(62))
	f0 = b.NewAnd(f0, u64c(1<<62-1))
	// A fraction of at least 1/2 rounds to the next quadrant and becomes
	// 1 - fraction, negated at the end.
	negative := b.NewICmp(enum.IPredNE, b.NewLShr(f0, u64c(61)), u64c(0))
	n = b.NewAdd(n, b.NewZExt(negative, i64))
	borrow2 := b.NewICmp(enum.IPredNE, f2, u64c(0))
	borrow1 := b.NewOr(b.NewICmp(enum.IPredNE, f1, u64c(0)), borrow2)
	f2 = b.NewSelect(negative, b.NewSub(u64c(0), f2), f2)
	f1 = b.NewSelect(negative, b.NewSub(b.NewSub(u64c(0), f1), b.NewZExt(borrow2, i64)), f1)
	f0 = b.NewSelect(negative, b.NewSub(b.NewSub(u64c(1<<62), f0), b.NewZExt(borrow1, i64)), f0)
	allZero := b.NewICmp(enum.IPredEQ, b.NewOr(b.NewOr(f0, f1), f2), u64c(0))

	// Go's normalising loop: at most two word shifts (a third would find
	// all three words 0, returned as 0 below), then one bit shift.
	scale := value.Value(i32c(-126))
	for range 2 {
		z := b.NewICmp(enum.IPredEQ, f0, u64c(0))
		f0, f1, f2 = b.NewSelect(z, f1, f0), b.NewSelect(z, f2, f1), b.NewSelect(z, u64c(0), f2)
		scale = b.NewSelect(z, b.NewSub(scale, i32c(64)), scale)
	}
	// For all words 0, leadingZerosIR's garbage is masked to keep the
	// shifts defined; those lanes' hi and lo are replaced by 0.
	lz := b.NewAnd(leadingZerosIR(b, f0), u64c(63))
	f0 = b.NewOr(b.NewShl(f0, lz), shiftRightComplement(b, f1, lz))
	f1 = b.NewOr(b.NewShl(f1, lz), shiftRightComplement(b, f2, lz))
	scale = b.NewSub(scale, b.NewTrunc(lz, i32))

	// (p0:p1) = top 128 bits of (f0:f1) * pio2Fixed.
	aHigh, aLow := mul64IR(b, f0, u64c(trigPio2FixedHigh))
	bHigh, bLow := mul64IR(b, f0, u64c(trigPio2FixedLow))
	cHigh, cLow := mul64IR(b, f1, u64c(trigPio2FixedHigh))
	dHigh, _ := mul64IR(b, f1, u64c(trigPio2FixedLow))
	bc, carry2a := add64IR(b, bLow, cLow)
	_, carry2b := add64IR(b, bc, dHigh)
	p1, carry1a := add64IR(b, aLow, bHigh)
	p1, carry1b := add64IR(b, p1, cHigh)
	p1, carry1c := add64IR(b, p1, b.NewAdd(carry2a, carry2b))
	var p0 value.Value = b.NewAdd(b.NewAdd(b.NewAdd(aHigh, carry1a), carry1b), carry1c)
	top := b.NewICmp(enum.IPredEQ, b.NewLShr(p0, u64c(63)), u64c(0))
	p0 = b.NewSelect(top, b.NewOr(b.NewShl(p0, u64c(1)), b.NewLShr(p1, u64c(63))), p0)
	p1 = b.NewSelect(top, b.NewShl(p1, u64c(1)), p1)
	scale = b.NewSelect(top, b.NewSub(scale, i32c(1)), scale)

	// hi: the top 53 bits, exact; lo: the next 63, rounded once; then a
	// two-sum. Both conversions are of values below 2^63 (sitofp rounds to
	// nearest as Go's conversion does).
	hi = b.NewFMul(b.NewSIToFP(b.NewLShr(p0, u64c(11)), f64), twoPowIR(b, b.NewAdd(scale, i32c(76))))
	loBits := b.NewOr(b.NewShl(b.NewAnd(p0, u64c(0x7FF)), u64c(52)), b.NewLShr(p1, u64c(12)))
	lo = b.NewFMul(b.NewSIToFP(loBits, f64), twoPowIR(b, b.NewAdd(scale, i32c(13))))
	sum := b.NewFAdd(hi, lo)
	lo = b.NewFSub(lo, b.NewFSub(sum, hi))
	hi = sum
	hi = b.NewSelect(negative, b.NewFNeg(hi), hi)
	lo = b.NewSelect(negative, b.NewFNeg(lo), lo)
	hi = b.NewSelect(allZero, fZero, hi)
	lo = b.NewSelect(allZero, fZero, lo)
	return b.NewAnd(n, u64c(3)), hi, lo
}

// shiftRightComplement emits Go's x >> (64-s) for s in [0, 63], which is
// 0 for s = 0, as (x >> 1) >> (63-s): LLVM's shift by 64 is poison.
func shiftRightComplement(b *ll.Block, x, s value.Value) value.Value {
	return b.NewLShr(b.NewLShr(x, u64c(1)), b.NewSub(u64c(63), s))
}

// mul64IR emits bits.Mul64(x, y), the high and low words of the 128-bit
// product, from the four products of the 32-bit halves: i64 multiplies of
// zero-extended halves, which vectorise at every width (pmuludq), where
// an i128 multiply would be split lane by lane.
func mul64IR(b *ll.Block, x, y value.Value) (high, low value.Value) {
	mask := u64c(0xFFFFFFFF)
	xl, xh := b.NewAnd(x, mask), b.NewLShr(x, u64c(32))
	yl, yh := b.NewAnd(y, mask), b.NewLShr(y, u64c(32))
	ll0, lh := b.NewMul(xl, yl), b.NewMul(xl, yh)
	hl, hh := b.NewMul(xh, yl), b.NewMul(xh, yh)
	mid := b.NewAdd(b.NewAdd(b.NewLShr(ll0, u64c(32)), b.NewAnd(lh, mask)), b.NewAnd(hl, mask))
	high = b.NewAdd(b.NewAdd(b.NewAdd(hh, b.NewLShr(lh, u64c(32))), b.NewLShr(hl, u64c(32))), b.NewLShr(mid, u64c(32)))
	low = b.NewOr(b.NewShl(mid, u64c(32)), b.NewAnd(ll0, mask))
	return high, low
}

// leadingZerosIR emits bits.LeadingZeros64(x) (i64) for x != 0, from the
// exponents of two doubles: x's top 52 bits and its last 12, each
// converted exactly by the magic number 2^52 (or into its mantissa,
// subtract 2^52), which costs a few logic operations per lane at every
// width, where llvm.ctlz.i64 has no SSE2 or AVX2 instruction and its
// expansion kept the loop scalar at SSE2. A part that is 0 converts to
// +0, exponent 0, which gives a count above the other part's.
func leadingZerosIR(b *ll.Block, x value.Value) value.Value {
	exponent := func(u value.Value) value.Value {
		d := b.NewFSub(b.NewBitCast(b.NewOr(u, u64c(0x4330000000000000)), f64), trigTwoP52)
		return b.NewTrunc(b.NewLShr(b.NewBitCast(d, i64), u64c(52)), i32)
	}
	// top != 0: 63 - 12 - (its exponent - 1023), in [0, 51]; else above 1000.
	top := b.NewSub(i32c(1023+51), exponent(b.NewLShr(x, u64c(12))))
	// bottom != 0: 63 - (its exponent - 1023), in [52, 63]; else above 1000.
	bottom := b.NewSub(i32c(1023+63), exponent(b.NewAnd(x, u64c(0xFFF))))
	return b.NewZExt(b.NewSelect(b.NewICmp(enum.IPredSLT, top, bottom), top, bottom), i64)
}

// add64IR emits bits.Add64(x, y, 0): the sum and its carry (0 or 1, i64),
// by Add64's own formula, ((x & y) | ((x | y) &^ sum)) >> 63: logic
// operations, where an unsigned compare of i64 lanes costs SSE2 several
// instructions.
func add64IR(b *ll.Block, x, y value.Value) (sum, carry value.Value) {
	sum = b.NewAdd(x, y)
	notSum := b.NewXor(sum, u64c(math.MaxUint64))
	return sum, b.NewLShr(b.NewOr(b.NewAnd(x, y), b.NewAnd(b.NewOr(x, y), notSum)), u64c(63))
}

// twoOverPiTable returns m's constant copy of mathfn's table of 2/pi's
// bits (mathfn.TwoOverPiWords: one zero word, then 2/pi, most significant
// first), adding it on first use (Sin and Cos share it).
func twoOverPiTable(m *ll.Module) *ll.Global {
	if g := findGlobal(m, twoOverPiName); g != nil {
		return g
	}
	words := mathfn.TwoOverPiWords()
	t := types.NewArray(uint64(len(words)), i64)
	var elems []constant.Constant
	for _, w := range words {
		elems = append(elems, u64c(w))
	}
	g := m.NewGlobalDef(twoOverPiName, constant.NewArray(t, elems...))
	g.Immutable = true
	g.Linkage = enum.LinkagePrivate
	g.UnnamedAddr = enum.UnnamedAddrUnnamedAddr
	return g
}
