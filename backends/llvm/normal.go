package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/metadata"
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
	b.NewRet(quarterTurnsIR(b, ps[0]))
	return f
}

// quarterTurnsIR emits mathfn.CosTurn(u), cos(2 pi u).
func quarterTurnsIR(b *ll.Block, u value.Value) value.Value {
	shifted := b.NewFAdd(b.NewFMul(constant.NewFloat(f64, 4), u), trigRoundShift)
	n := b.NewFSub(shifted, trigRoundShift)
	x := b.NewFMul(f64bits(0x401921FB54442D18), b.NewFSub(u, b.NewFMul(constant.NewFloat(f64, 0.25), n)))
	q := b.NewAnd(b.NewBitCast(shifted, i64), u64c(3))
	s, c := sinKernelIR(b, x, fZero), cosKernelIR(b, x, fZero)
	// q = 0: c, 1: -s, 2: -c, 3: s.
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(q, u64c(1)), u64c(0))
	res := value.Value(b.NewSelect(odd, s, c))
	negate := b.NewICmp(enum.IPredNE, b.NewAnd(b.NewXor(q, b.NewLShr(q, u64c(1))), u64c(1)), u64c(0))
	return b.NewSelect(negate, b.NewFNeg(res), res)
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

// normalInterleave is how many vectors of elements a kernel loop that
// draws normal numbers inline computes per iteration
// (llvm.loop.interleave.count).
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

// The prefill loop of white noise (kernelFunc.prefillNoise) asks for
// noiseWidth blocks to a vector, interleaved noiseInterleave times. Its
// blocks' Philox rounds are 64-bit lanes (philoxWideIR) and their
// Box–Muller arithmetic 32-bit lanes; the cost model takes the widest
// type's count, 8 at AVX-512, so the binary32 arithmetic filled half a
// vector. Asked for 16 blocks, it fills whole vectors of 16 floats (the
// Philox words two vectors of 8): on brunel_hakim1999 (AVX-512, 1
// thread), the prefill loop took 5.7 instructions a draw instead of 9.7
// and the run was ~15% faster than with 8 blocks interleaved 4 times
// (5.2 a draw since, with the quadrant's angle of rng's boxMuller32); 16
// blocks interleaved twice was faster than once (latency, as for
// normalInterleave) and than 32 blocks once. Every width gives the same
// bits (TestNormalQuadVectorBits).
const (
	noiseWidth      = 16
	noiseInterleave = 2
)

// interleaveNormalLoop attaches to a kernel loop's back edge the loop
// metadata asking the vectoriser to interleave count vectors and, if
// width is not 0, to make them of width elements:
// br label %head, !llvm.loop !N with !N = distinct !{!N, !I[, !W]},
// !I = !{!"llvm.loop.interleave.count", i32 count},
// !W = !{!"llvm.loop.vectorize.width", i32 width}.
func interleaveNormalLoop(m *ll.Module, back *ll.TermBr, count, width int64) {
	hint := func(name string, v int64) metadata.Field {
		t := &metadata.Tuple{MetadataID: metadata.MetadataID(len(m.MetadataDefs)), Fields: []metadata.Field{
			&metadata.String{Value: name}, constant.NewInt(i32, v)}}
		m.MetadataDefs = append(m.MetadataDefs, t)
		return t
	}
	fields := []metadata.Field{hint("llvm.loop.interleave.count", count)}
	if width != 0 {
		fields = append(fields, hint("llvm.loop.vectorize.width", width))
	}
	loop := &metadata.Tuple{MetadataID: metadata.MetadataID(len(m.MetadataDefs)), Distinct: true}
	loop.Fields = append([]metadata.Field{loop}, fields...)
	m.MetadataDefs = append(m.MetadataDefs, loop)
	back.Metadata = append(back.Metadata, &metadata.Attachment{Name: "llvm.loop", Node: loop})
}
