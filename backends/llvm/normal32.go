package llvm

import (
	"math"
	"math/bits"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/runtime/rng"

	ll "github.com/llir/llvm/ir"
)

// White noise's binary32 draws (runtime/rng's StdNormalQuad) as IR: the
// functions of runtime/mathfn's single.go, each operation the same
// binary32 operation in the same order, so the draws are the Go ones'
// bits at every vector width (TestNormalQuadVectorBits).

var f32 = types.Float

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
	sum := b.NewFSub(fr, b.NewFSub(half, b.NewFMul(s, b.NewFAdd(half, r))))
	b.NewRet(b.NewFAdd(b.NewFMul(fk, f32c(float32(math.Ln2))), sum))
	return f
}

// sin32InlineName and cos32InlineName are the emitted mathfn.Sin32 and
// Cos32 (|x| <= pi/4). Inlined side by side on one x, they share x*x.
const (
	sin32InlineName = "snn_sin32_inline"
	cos32InlineName = "snn_cos32_inline"
)

// horner32 emits c0 z^n + c1 z^(n-1) + ... + cn by Horner's rule, each
// product rounded before its sum, as mathfn's polynomials are written.
func horner32(b *ll.Block, z value.Value, cs ...float32) value.Value {
	var p value.Value = f32c(cs[0])
	for _, k := range cs[1:] {
		p = b.NewFAdd(f32c(k), b.NewFMul(z, p))
	}
	return p
}

// defineSin32 emits mathfn.Sin32(x) = x + x z (S1 + z (S2 + z (S3 +
// z S4))), z = x*x.
func defineSin32(m *ll.Module) *ll.Func {
	f, x, b := newInline32(m, sin32InlineName)
	z := b.NewFMul(x, x)
	p := horner32(b, z, 1.0/362880, -1.0/5040, 1.0/120, -1.0/6)
	b.NewRet(b.NewFAdd(x, b.NewFMul(b.NewFMul(x, z), p)))
	return f
}

// defineCos32 emits mathfn.Cos32(x) = 1 + z (C1 + z (C2 + z (C3 + z (C4 +
// z C5)))), z = x*x.
func defineCos32(m *ll.Module) *ll.Func {
	f, x, b := newInline32(m, cos32InlineName)
	z := b.NewFMul(x, x)
	b.NewRet(b.NewFAdd(f32c(1), b.NewFMul(z, horner32(b, z, -1.0/3628800, 1.0/40320, -1.0/720, 1.0/24, -1.0/2))))
	return f
}

// boxMuller32IR emits rng's boxMuller32(a, bw) for words held in the low
// half of i64s (philoxWideIR's): r = sqrt(-2 Log32(u1)), u1 =
// unitOpen32(a), and the angle θ = q π/2 + x of bw's quadrant q (its top
// two bits) and offset x ((v - 2^21) quarterStep, v its next 22 bits),
// (r cos θ, r sin θ) = r (c, s) rotated by q quarter turns: the sine or
// the cosine selected by q's low bit, each sign flipped (its bit xored)
// where the quadrant makes it negative.
func boxMuller32IR(m *ll.Module, b *ll.Block, a, bw value.Value) (cos, sin value.Value) {
	logf := funcIn(m, log32InlineName, defineLog32)
	sinf, cosf := funcIn(m, sin32InlineName, defineSin32), funcIn(m, cos32InlineName, defineCos32)
	c := func(n int64) constant.Constant { return constant.NewInt(i32, n) }
	u1 := b.NewFAdd(b.NewFMul(b.NewSIToFP(b.NewTrunc(b.NewLShr(a, i64c(1)), i32), f32), f32c(0x1p-31)), f32c(0x1p-32))
	r := b.NewCall(intrinsic32(m, "llvm.sqrt.f32"), b.NewFMul(f32c(-2), b.NewCall(logf, u1)))
	w := b.NewTrunc(bw, i32)
	q := b.NewLShr(w, c(30))
	v := b.NewSub(b.NewAnd(b.NewLShr(w, c(8)), c(0x3FFFFF)), c(0x200000))
	x := b.NewFMul(b.NewSIToFP(v, f32), f32c(float32(math.Pi/2*0x1p-22)))
	sx, cx := b.NewCall(sinf, x), b.NewCall(cosf, x)
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(q, c(1)), c(0))
	// Negative: cos θ for q = 1, 2 (q xor q>>1 odd), sin θ for q = 2, 3.
	signCos := b.NewShl(b.NewAnd(b.NewXor(q, b.NewLShr(q, c(1))), c(1)), c(31))
	signSin := b.NewShl(b.NewLShr(q, c(1)), c(31))
	flip := func(x, sign value.Value) value.Value {
		return b.NewBitCast(b.NewXor(b.NewBitCast(x, i32), sign), f32)
	}
	cos = b.NewFMul(r, flip(b.NewSelect(odd, sx, cx), signCos))
	sin = b.NewFMul(r, flip(b.NewSelect(odd, cx, sx), signSin))
	return cos, sin
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
	seed, stream := ll.NewParam("seed", i64), ll.NewParam("stream", i32)
	n, block, out := ll.NewParam("n", i64), ll.NewParam("m", i64), ll.NewParam("out", types.NewPointer(f32))
	f := m.NewFunc(normalQuadBlockName, types.Void, seed, stream, n, block, out)
	f.Linkage = enum.LinkageInternal
	// It writes out: not readnone like the math functions.
	f.FuncAttrs = []ll.FuncAttribute{enum.FuncAttrAlwaysInline, enum.FuncAttrNoUnwind}
	b := f.NewBlock("entry")
	w := philoxWideIR(b, block, n, b.NewZExt(stream, i64), seed)
	for p := range 2 {
		cos, sin := boxMuller32IR(m, b, w[2*p], w[2*p+1])
		for j, z := range []value.Value{cos, sin} {
			b.NewStore(z, b.NewGetElementPtr(f32, out, i64c(int64(2*p+j)*rng.QuadBlocks)))
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
	cos, sin := boxMuller32IR(m, b, b.NewSelect(second, w[2], w[0]), b.NewSelect(second, w[3], w[1]))
	odd := b.NewICmp(enum.IPredNE, b.NewAnd(index, i64c(blocks)), i64c(0))
	z := b.NewFPExt(b.NewSelect(odd, sin, cos), f64)
	b.NewRet(b.NewFAdd(mean, b.NewFMul(std, z)))
	return f
}
