package llvm

import (
	"math"
	"math/bits"

	"snnc/runtime/rng"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// White noise's binary32 draws (runtime/rng's StdNormalQuad) as IR: the
// functions of runtime/mathfn's single.go, each operation the same
// binary32 operation in the same order, so the draws are the Go ones'
// bits at every vector width (TestNormalQuadVectorBits).

var f32 = types.Float

// f32bits is the float whose IEEE bits are u.
func f32bits(u uint32) constant.Constant {
	return constant.NewFloat(f32, float64(math.Float32frombits(u)))
}

// f32c is the float32 x, for mathfn's constants written as Go float32s.
func f32c(x float32) constant.Constant { return constant.NewFloat(f32, float64(x)) }

// log32InlineName is the emitted mathfn.Log32.
const log32InlineName = "snn_log32_inline"

// newInline32 makes an inline float -> float function, its parameter and
// entry block.
func newInline32(m *ll.Module, name string) (*ll.Func, *ll.Param, *ll.Block) {
	p := ll.NewParam("x", f32)
	f := m.NewFunc(name, f32, p)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = funcAttrsInline
	return f, p, f.NewBlock("entry")
}

// defineLog32 emits mathfn.Log32(x) for a positive normal float x.
func defineLog32(m *ll.Module) *ll.Func {
	f, x, b := newInline32(m, log32InlineName)
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	ix := b.NewBitCast(x, i32)
	k := b.NewSub(b.NewLShr(ix, c(23)), c(127))
	mant := b.NewAnd(ix, c(0x007FFFFF))
	i := b.NewAnd(b.NewAdd(mant, c(0x4AFB20)), c(0x00800000))
	fr := b.NewFSub(b.NewBitCast(b.NewOr(mant, b.NewXor(i, c(0x3F800000))), f32), f32c(1))
	fk := b.NewSIToFP(b.NewAdd(k, b.NewLShr(i, c(23))), f32)
	s := b.NewFDiv(fr, b.NewFAdd(f32c(2), fr))
	z := b.NewFMul(s, s)
	w := b.NewFMul(z, z)
	r := b.NewFAdd(
		b.NewFMul(z, b.NewFAdd(f32c(0xaaaaaa*0x1p-24), b.NewFMul(w, f32c(0x91e9ee*0x1p-25)))),
		b.NewFMul(w, b.NewFAdd(f32c(0xccce13*0x1p-25), b.NewFMul(w, f32c(0xf89e26*0x1p-26)))))
	half := b.NewFMul(b.NewFMul(f32c(0.5), fr), fr)
	inner := b.NewFAdd(b.NewFMul(s, b.NewFAdd(half, r)), b.NewFMul(fk, f32bits(0x3717F7D1)))
	b.NewRet(b.NewFSub(b.NewFMul(fk, f32bits(0x3F317180)), b.NewFSub(b.NewFSub(half, inner), fr)))
	return f
}

// cosTurn32InlineName and sinTurn32InlineName are the emitted
// mathfn.CosTurn32 and SinTurn32. Inlined side by side on one angle, the
// two share every instruction but the quadrant's selects.
const (
	cosTurn32InlineName = "snn_cos_turn32_inline"
	sinTurn32InlineName = "snn_sin_turn32_inline"
)

func defineCosTurn32(m *ll.Module) *ll.Func {
	f, u, b := newInline32(m, cosTurn32InlineName)
	b.NewRet(quarterTurns32IR(b, u, nil))
	return f
}

func defineSinTurn32(m *ll.Module) *ll.Func {
	f, u, b := newInline32(m, sinTurn32InlineName)
	b.NewRet(quarterTurns32IR(b, u, constant.NewInt(i32, 3)))
	return f
}

// quarterTurns32IR emits mathfn.quarterTurns32(u, shift), cos(2 pi u +
// shift pi/2) for a float u in [0, 1); shift an i32, nil for 0.
func quarterTurns32IR(b *ll.Block, u, shift value.Value) value.Value {
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	roundShift := f32bits(0x4B400000) // 1.5*2^23
	shifted := b.NewFAdd(b.NewFMul(f32c(4), u), roundShift)
	n := b.NewFSub(shifted, roundShift)
	x := b.NewFMul(f32bits(0x40C90FDB), b.NewFSub(u, b.NewFMul(f32c(0.25), n)))
	z := b.NewFMul(x, x)
	var q value.Value = b.NewBitCast(shifted, i32)
	if shift != nil {
		q = b.NewAdd(q, shift)
	}
	q = b.NewAnd(q, c(3))
	// sinPoly32 and cosPoly32 by Horner's rule.
	horner := func(cs ...float32) value.Value {
		var p value.Value = f32c(cs[0])
		for _, k := range cs[1:] {
			p = b.NewFAdd(f32c(k), b.NewFMul(z, p))
		}
		return p
	}
	sin := b.NewFAdd(x, b.NewFMul(b.NewFMul(x, z), horner(1.0/362880, -1.0/5040, 1.0/120, -1.0/6)))
	cos := b.NewFAdd(f32c(1), b.NewFMul(z, horner(-1.0/3628800, 1.0/40320, -1.0/720, 1.0/24, -1.0/2)))
	// q = 0: cos, 1: -sin, 2: -cos, 3: sin.
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(q, c(1)), c(0))
	res := value.Value(b.NewSelect(odd, sin, cos))
	negate := b.NewICmp(enum.IPredNE, b.NewAnd(b.NewXor(q, b.NewLShr(q, c(1))), c(1)), c(0))
	return b.NewSelect(negate, b.NewFNeg(res), res)
}

// boxMuller32IR emits rng's boxMuller32(a, bw) for words held in the low
// half of i64s (philoxWideIR's): the radius r = sqrt(-2 Log32(u1)),
// u1 = unitOpen32(a), and the angle u = unit32(bw) in turns.
func boxMuller32IR(m *ll.Module, b *ll.Block, a, bw value.Value) (r, u value.Value) {
	logf := funcIn(m, log32InlineName, defineLog32)
	word := func(x value.Value, shift int64) value.Value {
		return b.NewSIToFP(b.NewTrunc(b.NewLShr(x, i64c(shift)), i32), f32)
	}
	u1 := b.NewFAdd(b.NewFMul(word(a, 1), f32c(0x1p-31)), f32c(0x1p-32))
	u = b.NewFMul(word(bw, 8), f32c(0x1p-24))
	r = b.NewCall(intrinsic32(m, "llvm.sqrt.f32"), b.NewFMul(f32c(-2), b.NewCall(logf, u1)))
	return r, u
}

// intrinsic32 returns m's declaration of the float -> float intrinsic
// name, declaring it if m has none.
func intrinsic32(m *ll.Module, name string) *ll.Func {
	if f := findFunc(m, name); f != nil {
		return f
	}
	return m.NewFunc(name, f32, ll.NewParam("p0", f32))
}

// normalQuadBlockName is the emitted rng.StdNormalQuad of a block.
const normalQuadBlockName = "snn_normal_quad_block"

// defineNormalQuadBlock emits snn_normal_quad_block(seed, stream, n, m,
// out): out[128j] = number j of rng.StdNormalQuad(rng.Source{seed}.
// Block(stream, n, m)), j = 0..3, as floats: the draws of the elements
// 512g + 128j + b of block m = 128g + b (rng.QuadBlock), where out is
// b's place in the group's buffer. A kernel's prefill loop
// (kernelFunc.prefillNoise) calls it once per block, its stores to four
// planes of consecutive blocks.
func defineNormalQuadBlock(m *ll.Module) *ll.Func {
	cosf, sinf := funcIn(m, cosTurn32InlineName, defineCosTurn32), funcIn(m, sinTurn32InlineName, defineSinTurn32)
	seed, stream := ll.NewParam("seed", i64), ll.NewParam("stream", i32)
	n, block, out := ll.NewParam("n", i64), ll.NewParam("m", i64), ll.NewParam("out", types.NewPointer(f32))
	f := m.NewFunc(normalQuadBlockName, types.Void, seed, stream, n, block, out)
	f.Linkage = enum.LinkageInternal
	// It writes out: not readnone like the math functions.
	f.FuncAttrs = []ll.FuncAttribute{enum.FuncAttrAlwaysInline, enum.FuncAttrNoUnwind}
	b := f.NewBlock("entry")
	w := philoxWideIR(b, block, n, b.NewZExt(stream, i64), seed)
	for p := range 2 {
		r, u := boxMuller32IR(m, b, w[2*p], w[2*p+1])
		for j, trig := range []*ll.Func{cosf, sinf} {
			at := b.NewGetElementPtr(f32, out, i64c(int64(2*p+j)*rng.QuadBlocks))
			b.NewStore(b.NewFMul(r, b.NewCall(trig, u)), at)
		}
	}
	b.NewRet(nil)
	return f
}

// normalQuadInlineName is the emitted rng.Source.NormalQuad of one
// element, for a draw no prefill loop serves (a kernel run per spike,
// keyed by its stamp).
const normalQuadInlineName = "snn_normal_quad_inline"

// defineNormalQuad emits snn_normal_quad_inline(seed, stream, n, index,
// mean, std) = rng.Source{seed}.NormalQuad(stream, n, index, mean, std):
// of the element's block (rng.QuadBlock: index/512*128 + index%128) and
// number j = index/128%4, the Box–Muller pair of words j>>1 and of it the
// cosine (even j) or the sine (odd j), by the quadrant shift 3(j&1).
func defineNormalQuad(m *ll.Module) *ll.Func {
	f, b, ps := newDraw(m, normalQuadInlineName)
	seed, stream, n, index, mean, std := ps[0], ps[1], ps[2], ps[3], ps[4], ps[5]
	const group, blocks = rng.QuadGroup, rng.QuadBlocks
	g, bb := int64(bits.TrailingZeros(group)), int64(bits.TrailingZeros(blocks))
	block := b.NewOr(b.NewShl(b.NewLShr(index, i64c(g)), i64c(bb)), b.NewAnd(index, i64c(blocks-1)))
	w := philoxWideIR(b, block, n, b.NewZExt(stream, i64), seed)
	second := b.NewICmp(enum.IPredNE, b.NewAnd(index, i64c(2*blocks)), i64c(0))
	r, u := boxMuller32IR(m, b, b.NewSelect(second, w[2], w[0]), b.NewSelect(second, w[3], w[1]))
	shift := b.NewMul(b.NewTrunc(b.NewAnd(b.NewLShr(index, i64c(bb)), i64c(1)), i32), constant.NewInt(i32, 3))
	z := b.NewFPExt(b.NewFMul(r, quarterTurns32IR(b, u, shift)), f64)
	b.NewRet(b.NewFAdd(mean, b.NewFMul(std, z)))
	return f
}
