package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/metadata"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// normalInlineName is the emitted rng.Source.Normal: a normal draw as
// integer and floating-point IR in the kernel (the Philox block of
// philox.go, Box–Muller with the inline log and cos of mathlog.go and
// mathtrig.go), so that a loop drawing white noise per element (the ode
// pass's noise, passes/ode_noise.go) vectorises, where runtime/c's
// snn_normal, a call, would stop it. Both are rng.Source.Normal bit for
// bit.
const normalInlineName = "snn_normal_inline"

// defineNormal emits snn_normal_inline(seed, stream, n, index, mean, std)
// = mean + std * rng.StdNormal(rng.Source{seed}.Block(stream, n, index)):
// r = sqrt(-2 log(u1)), u1 = unitOpen(w0, w1) in (0, 1], times
// cos(2 pi u2) = mathfn.CosTurn(u2), u2 = Unit(w2, w3) in [0, 1), by
// snn_cos_turn_inline.
func defineNormal(m *ll.Module) *ll.Func {
	logf, cosf := funcIn(m, logUnitInlineName, defineLogUnit), funcIn(m, cosTurnInlineName, defineCosTurn)
	f, b, ps := newDraw(m, normalInlineName)
	seed, stream, n, index, mean, std := ps[0], ps[1], ps[2], ps[3], ps[4], ps[5]
	r, u2 := boxMullerIR(m, b, logf, philoxWideIR(b, index, n, b.NewZExt(stream, i64), seed))
	z := b.NewFMul(r, b.NewCall(cosf, u2))
	b.NewRet(b.NewFAdd(mean, b.NewFMul(std, z)))
	return f
}

// newDraw makes an inline draw function name(seed i64, stream i32, n i64,
// index i64, mean f64, std f64) f64 of the runtime's snn_normal form, its
// entry block and its parameters in that order.
func newDraw(m *ll.Module, name string) (*ll.Func, *ll.Block, []*ll.Param) {
	ps := []*ll.Param{ll.NewParam("seed", i64), ll.NewParam("stream", i32), ll.NewParam("n", i64),
		ll.NewParam("index", i64), ll.NewParam("mean", f64), ll.NewParam("std", f64)}
	f := m.NewFunc(name, f64, ps...)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = funcAttrsInline
	return f, f.NewBlock("entry"), ps
}

// logUnitInlineName is the emitted mathfn.Log for the normal draw's
// u1 = unitOpen(...) in [2^-53, 1]: normal, positive and finite.
const logUnitInlineName = "snn_log_unit_inline"

// defineLogUnit emits mathfn.Log(x) for 2^-53 <= x <= 1, bit for bit:
// defineLog without the subnormal scaling and the special cases (zero,
// negative, infinite, NaN), which no such x takes, as runtime/c's
// snn_log_units leaves them out. Computed in every lane and selected
// away, they cost the draw a dozen vector instructions.
func defineLogUnit(m *ll.Module) *ll.Func {
	f0, ps, b := newInline(m, logUnitInlineName, "x")
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	var hx value.Value = highWord(b, ps[0])
	var k value.Value = b.NewSub(b.NewAShr(hx, c(20)), c(1023))
	hx = b.NewAnd(hx, c(0x000FFFFF))
	i := b.NewAnd(b.NewAdd(hx, c(0x95F64)), c(0x100000))
	xr := withHighWord(b, ps[0], b.NewOr(hx, b.NewXor(i, c(0x3FF00000))))
	k = b.NewAdd(k, b.NewAShr(i, c(20)))
	b.NewRet(logFormulasIR(b, k, b.NewFSub(xr, fOne), hx))
	return f0
}

// cosTurnInlineName is the emitted mathfn.CosTurn: cos(2 pi u) for u in
// [0, 1), the angle of a Box–Muller draw.
const cosTurnInlineName = "snn_cos_turn_inline"

// defineCosTurn emits mathfn.CosTurn(u): n = round(4u) by the rounding
// shift (its low bits are n, 0 to 4), x = 2 pi (u - n/4), and the
// quadrant's kernel with no correction term (y = 0, so sinKernelIR's
// corrected form folds away).
func defineCosTurn(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, cosTurnInlineName, "u")
	b.NewRet(quarterTurnsIR(b, ps[0], nil))
	return f
}

// sinTurnInlineName is the emitted mathfn.SinTurn: sin(2 pi u) for u in
// [0, 1), the other half of a Box–Muller pair.
const sinTurnInlineName = "snn_sin_turn_inline"

// defineSinTurn emits mathfn.SinTurn(u), CosTurn with the quadrant moved
// by 3. Beside snn_cos_turn_inline of the same u, inlined, the two share
// every instruction but the quadrant's selects.
func defineSinTurn(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, sinTurnInlineName, "u")
	b.NewRet(quarterTurnsIR(b, ps[0], u64c(3)))
	return f
}

// quarterTurnsIR emits mathfn.quarterTurns(u, shift), cos(2 pi u +
// shift pi/2); shift nil is 0 (no add).
func quarterTurnsIR(b *ll.Block, u, shift value.Value) value.Value {
	shifted := b.NewFAdd(b.NewFMul(constant.NewFloat(f64, 4), u), trigRoundShift)
	n := b.NewFSub(shifted, trigRoundShift)
	x := b.NewFMul(f64bits(0x401921FB54442D18), b.NewFSub(u, b.NewFMul(constant.NewFloat(f64, 0.25), n)))
	var q value.Value = b.NewBitCast(shifted, i64)
	if shift != nil {
		q = b.NewAdd(q, shift)
	}
	q = b.NewAnd(q, u64c(3))
	s, c := sinKernelIR(b, x, fZero), cosKernelIR(b, x, fZero)
	// q = 0: c, 1: -s, 2: -c, 3: s.
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(q, u64c(1)), u64c(0))
	res := value.Value(b.NewSelect(odd, s, c))
	negate := b.NewICmp(enum.IPredNE, b.NewAnd(b.NewXor(q, b.NewLShr(q, u64c(1))), u64c(1)), u64c(0))
	return b.NewSelect(negate, b.NewFNeg(res), res)
}

// normalPairBlockName is the emitted rng.StdNormalPair of a block: the
// pair scheme's two draws (rng.Source.NormalPair), elements 2m and 2m+1.
const normalPairBlockName = "snn_normal_pair_block"

// defineNormalPairBlock emits snn_normal_pair_block(seed, stream, n, m,
// out): out[0], out[1] = rng.StdNormalPair(rng.Source{seed}.Block(stream,
// n, m)), r·cos(2π u2) and r·sin(2π u2) with defineNormal's r and u2. A
// kernel's prefill loop (kernelFunc.prefillPairs) calls it once per two
// elements: one Philox block, logarithm and square root for both, and
// the cosine and sine share their reduction and kernels.
func defineNormalPairBlock(m *ll.Module) *ll.Func {
	logf := funcIn(m, logUnitInlineName, defineLogUnit)
	cosf, sinf := funcIn(m, cosTurnInlineName, defineCosTurn), funcIn(m, sinTurnInlineName, defineSinTurn)
	seed, stream := ll.NewParam("seed", i64), ll.NewParam("stream", i32)
	n, pair, out := ll.NewParam("n", i64), ll.NewParam("m", i64), ll.NewParam("out", f64p)
	f := m.NewFunc(normalPairBlockName, types.Void, seed, stream, n, pair, out)
	f.Linkage = enum.LinkageInternal
	// It writes out: not readnone like the math functions.
	f.FuncAttrs = []ll.FuncAttribute{enum.FuncAttrAlwaysInline, enum.FuncAttrNoUnwind}
	b := f.NewBlock("entry")
	r, u2 := boxMullerIR(m, b, logf, philoxWideIR(b, pair, n, b.NewZExt(stream, i64), seed))
	b.NewStore(b.NewFMul(r, b.NewCall(cosf, u2)), out)
	b.NewStore(b.NewFMul(r, b.NewCall(sinf, u2)), b.NewGetElementPtr(f64, out, i64c(1)))
	b.NewRet(nil)
	return f
}

// normalPairInlineName is the emitted rng.Source.NormalPair of one
// element, for a draw no prefill loop serves (a kernel run per spike,
// keyed by its stamp).
const normalPairInlineName = "snn_normal_pair_inline"

// defineNormalPair emits snn_normal_pair_inline(seed, stream, n, index,
// mean, std) = rng.Source{seed}.NormalPair(stream, n, index, mean, std):
// block index>>1's r times cos(2π u2 + 3(index&1)·π/2), which is its
// cosine for an even index and its sine for an odd one.
func defineNormalPair(m *ll.Module) *ll.Func {
	logf := funcIn(m, logUnitInlineName, defineLogUnit)
	f, b, ps := newDraw(m, normalPairInlineName)
	seed, stream, n, index, mean, std := ps[0], ps[1], ps[2], ps[3], ps[4], ps[5]
	r, u2 := boxMullerIR(m, b, logf, philoxWideIR(b, b.NewLShr(index, i64c(1)), n, b.NewZExt(stream, i64), seed))
	shift := b.NewMul(b.NewAnd(index, i64c(1)), i64c(3))
	z := b.NewFMul(r, quarterTurnsIR(b, u2, shift))
	b.NewRet(b.NewFAdd(mean, b.NewFMul(std, z)))
	return f
}

// boxMullerIR emits a block's radius r = sqrt(-2 log(u1)) and angle u2 in
// turns, as rng.StdNormal computes them: u1 = unitOpen(w0, w1) in
// (0, 1], u2 = Unit(w2, w3) in [0, 1), each 53 bits scaled by 2^-53
// (exact conversions: below 2^53 + 1).
func boxMullerIR(m *ll.Module, b *ll.Block, logf *ll.Func, w [4]value.Value) (r, u2 value.Value) {
	bits53 := func(x, y value.Value) value.Value {
		return b.NewOr(b.NewShl(x, i64c(21)), b.NewLShr(y, i64c(11)))
	}
	ulp := constant.NewFloat(f64, 0x1p-53)
	u1 := b.NewFMul(b.NewUIToFP(b.NewAdd(bits53(w[0], w[1]), i64c(1)), f64), ulp)
	u2 = b.NewFMul(b.NewUIToFP(bits53(w[2], w[3]), f64), ulp)
	r = b.NewCall(intrinsic(m, "llvm.sqrt.f64"), b.NewFMul(constant.NewFloat(f64, -2), b.NewCall(logf, u1)))
	return r, u2
}

// philoxWideIR emits the words of rng.Source{seed}.Block(stream, n, index)
// as philoxIR does, each 32-bit word held in the low half of an i64 (the
// high half zero): the products are the i64 multiplies of zero-extended
// words either way (pmuludq), and the round's halves are a shift and a
// mask instead of truncations and zero extensions, which, vectorised, are
// shuffles between 32- and 64-bit lanes (vpmovqd, vpmovzxdq) on one port.
// The key's words are scalars of the loop, their rounds hoisted.
func philoxWideIR(b *ll.Block, index, n, stream, seed value.Value) [4]value.Value {
	low := func(x value.Value) value.Value { return b.NewAnd(x, i64c(0xFFFF_FFFF)) }
	c := [4]value.Value{
		low(index),
		b.NewOr(b.NewAnd(b.NewLShr(index, i64c(32)), i64c(0xFF_FFFF)), low(b.NewShl(n, i64c(24)))),
		low(b.NewLShr(n, i64c(8))),
		stream,
	}
	k := [2]value.Value{b.NewTrunc(seed, i32), b.NewTrunc(b.NewLShr(seed, i64c(32)), i32)}
	for range 10 {
		p0 := b.NewMul(c[0], i64c(philoxMul0))
		p1 := b.NewMul(c[2], i64c(philoxMul1))
		hi0, lo0 := b.NewLShr(p0, i64c(32)), low(p0)
		hi1, lo1 := b.NewLShr(p1, i64c(32)), low(p1)
		k0, k1 := b.NewZExt(k[0], i64), b.NewZExt(k[1], i64)
		c = [4]value.Value{b.NewXor(b.NewXor(hi1, c[1]), k0), lo1, b.NewXor(b.NewXor(hi0, c[3]), k1), lo0}
		k[0] = b.NewAdd(k[0], constant.NewInt(i32, philoxWeyl0))
		k[1] = b.NewAdd(k[1], constant.NewInt(i32, philoxWeyl1))
	}
	return c
}

// normalInterleave is how many vectors of elements a loop that draws
// white noise computes per iteration (llvm.loop.interleave.count): the
// prefill loop of prefillPairs, or a kernel loop that draws inline.
//
// A draw is one long chain of dependent instructions (ten Philox rounds,
// then log, a division, sqrt and cos: some 200 cycles from the counter to
// the normal number), some 250 vector instructions per vector of
// elements. The processor overlaps the next elements' chain only as far
// as its reorder buffer and scheduler reach, a little over one vector, so
// the vectorised loop of brunel_hakim1999's step waited on latency; opt's
// cost model does not interleave such a loop. Independent vectors side by
// side, scheduled by llc, ran that step (1 thread, AVX-512, 8 lanes)
// about 30% faster with 2 and 35% with 4 (3: worse than 2), each element's
// arithmetic, and so each bit, the same. The price: the scalar remainder
// is up to 4 vectors less one element long (a population of fewer than
// 32 elements draws without vectors at AVX-512's width).
const normalInterleave = 4

// interleaveNormalLoop attaches to a kernel loop's back edge the loop
// metadata asking the vectoriser to interleave normalInterleave vectors:
// br label %head, !llvm.loop !N with !N = distinct !{!N, !M},
// !M = !{!"llvm.loop.interleave.count", i32 normalInterleave}.
func interleaveNormalLoop(m *ll.Module, back *ll.TermBr) {
	count := &metadata.Tuple{MetadataID: metadata.MetadataID(len(m.MetadataDefs)), Fields: []metadata.Field{
		&metadata.String{Value: "llvm.loop.interleave.count"}, constant.NewInt(i32, normalInterleave)}}
	m.MetadataDefs = append(m.MetadataDefs, count)
	loop := &metadata.Tuple{MetadataID: metadata.MetadataID(len(m.MetadataDefs)), Distinct: true}
	loop.Fields = []metadata.Field{loop, count}
	m.MetadataDefs = append(m.MetadataDefs, loop)
	back.Metadata = append(back.Metadata, &metadata.Attachment{Name: "llvm.loop", Node: loop})
}
