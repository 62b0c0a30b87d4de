package llvm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"

	"snnc/runtime/mathfn"
	"snnc/runtime/rng"
)

// TestNormalInlineVectorBits checks snn_normal_inline against
// rng.Source.Normal, the interpreter's draw, at every vector width of
// x86-64: a loop over elements whose index (and step, from the index) is
// the point, as a kernel drawing white noise per element.
func TestNormalInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	const seed, stream = 0x0123_4567_89AB_CDEF, 7
	// normalOf(x) = the draw of element uint64(x) at step uint64(x) >> 7.
	define := func(m *ll.Module) *ll.Func {
		normal := defineNormal(m)
		f, ps, b := newInline(m, "snn_normal_of", "x")
		index := b.NewFPToUI(ps[0], i64)
		n := b.NewLShr(index, i64c(7))
		b.NewRet(b.NewCall(normal, i64c(seed), constant.NewInt(i32, stream), n, index,
			constant.NewFloat(f64, 0), constant.NewFloat(f64, 1)))
		return f
	}
	src := rng.New(seed)
	want := func(x float64) float64 {
		index := uint64(x)
		return src.Normal(stream, index>>7, index, 0, 1)
	}
	pts := drawPoints(19, 200000)
	vmathEveryWidth(t, define, pts, want, "every one rng.Source.Normal's bits")
	// The draws are normal: the mean and variance of the points' draws
	// within 5 standard errors of 0 and 1.
	var s, s2 float64
	for _, x := range pts {
		z := want(x)
		s += z
		s2 += z * z
	}
	n := float64(len(pts))
	mean, variance := s/n, s2/n-(s/n)*(s/n)
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(variance-1) > 5*math.Sqrt(2/n) {
		t.Fatalf("draws of mean %g and variance %g", mean, variance)
	}
}

// TestCosTurnInlineVectorBits checks snn_cos_turn_inline, the normal
// draw's cosine, against mathfn.CosTurn on [0, 1): every double around
// the eighth turns (where the reduction switches quadrant), the ends,
// rng.Unit's draws and small angles, at every vector width.
func TestCosTurnInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	r := rand.New(rand.NewPCG(20, 1))
	pts := []float64{0, 0x1p-1074, 0x1p-53, 0x1p-27, math.Nextafter(1, 0)}
	for q := 1; q < 8; q++ {
		c := float64(q) / 8
		for d := int64(-2000); d <= 2000; d++ {
			pts = append(pts, math.Float64frombits(uint64(int64(math.Float64bits(c))+d)))
		}
	}
	for range 300000 {
		pts = append(pts, float64(r.Uint64N(1<<53))*0x1p-53)
	}
	for range 20000 { // small angles, every binade
		pts = append(pts, math.Ldexp(1+r.Float64(), -1074+r.IntN(1074)))
	}
	pts = slices.DeleteFunc(pts, func(x float64) bool { return !(x >= 0 && x < 1) })
	vmathEveryWidth(t, defineCosTurn, pts, mathfn.CosTurn, "every result mathfn.CosTurn's bits")
}

// TestLogUnitInlineVectorBits checks snn_log_unit_inline, the normal
// draw's logarithm, against mathfn.Log on the draws unitOpen makes,
// k 2^-53 for k in [1, 2^53]: the ends, every double around the bounds of
// Log's formulas in several binades, and random draws, at every vector
// width.
func TestLogUnitInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	r := rand.New(rand.NewPCG(21, 1))
	pts := []float64{0x1p-53, 0x1p-52, 0x3p-53, 0.5, 1, math.Nextafter(1, 0)}
	for _, e := range []int{-53, -40, -20, -2, -1, 0} {
		// 1 (f near 0), sqrt(2) (the reduction's split) and the bounds
		// of the near-end formula, 0x6147A and 0x6B851 in the top
		// mantissa bits, scaled into binade e.
		for _, c := range []float64{1, math.Sqrt2, math.Float64frombits(0x3FF6147A00000000), math.Float64frombits(0x3FF6B85100000000)} {
			for d := int64(-3000); d <= 3000; d++ {
				pts = append(pts, math.Ldexp(math.Float64frombits(uint64(int64(math.Float64bits(c))+d)), e))
			}
		}
	}
	for range 300000 {
		pts = append(pts, float64(r.Uint64N(1<<53)+1)*0x1p-53)
	}
	for range 20000 { // every binade
		pts = append(pts, float64((r.Uint64N(1<<53)+1)>>r.IntN(53))*0x1p-53)
	}
	pts = slices.DeleteFunc(pts, func(x float64) bool { return !(x >= 0x1p-53 && x <= 1) })
	vmathEveryWidth(t, defineLogUnit, pts, mathfn.Log, "every result mathfn.Log's bits")
}

// TestNormalQuadVectorBits checks white noise's emitted draws against
// rng.Source.NormalQuad, the interpreter's, at every vector width of
// x86-64, and at 16 lanes (the prefill loop's noiseWidth) for each:
// snn_normal_quad_block, the prefill loop's (the four planes of the
// element's block, the one of its number taken), and
// snn_normal_quad_inline, a single element's, in a loop over elements
// whose index (and step, from the index) is the point. The points hold
// every number of many blocks, so a wrong word pair, half or quadrant
// fails it.
func TestNormalQuadVectorBits(t *testing.T) {
	requireVMathTools(t)
	const seed, stream = 0x0123_4567_89AB_CDEF, 7
	block := func(m *ll.Module) *ll.Func {
		quad := defineNormalQuadBlock(m)
		f, ps, b := newInline(m, "snn_normal_quad_block_of", "x")
		index := b.NewFPToUI(ps[0], i64)
		buf := b.NewAlloca(types.NewArray(rng.QuadGroup, f32))
		out := b.NewGetElementPtr(buf.ElemType, buf, i64c(0), i64c(0))
		blk := b.NewOr(b.NewShl(b.NewLShr(index, i64c(9)), i64c(7)), b.NewAnd(index, i64c(127)))
		b.NewCall(quad, i64c(seed), constant.NewInt(i32, stream), b.NewLShr(index, i64c(7)), blk, out)
		// The four planes loaded and one selected: constant offsets, so
		// that the buffer becomes registers and the loop vectorises.
		var z [4]value.Value
		for j := range z {
			z[j] = b.NewLoad(f32, b.NewGetElementPtr(f32, out, i64c(int64(j)*rng.QuadBlocks)))
		}
		j := b.NewAnd(b.NewLShr(index, i64c(7)), i64c(3))
		pick := func(bit int64, lo, hi value.Value) value.Value {
			return b.NewSelect(b.NewICmp(enum.IPredNE, b.NewAnd(j, i64c(bit)), i64c(0)), hi, lo)
		}
		b.NewRet(b.NewFPExt(pick(2, pick(1, z[0], z[1]), pick(1, z[2], z[3])), f64))
		return f
	}
	single := func(m *ll.Module) *ll.Func {
		normal := defineNormalQuad(m)
		f, ps, b := newInline(m, "snn_normal_quad_of", "x")
		index := b.NewFPToUI(ps[0], i64)
		b.NewRet(b.NewCall(normal, i64c(seed), constant.NewInt(i32, stream), b.NewLShr(index, i64c(7)), index,
			constant.NewFloat(f64, 0), constant.NewFloat(f64, 1)))
		return f
	}
	src := rng.New(seed)
	want := func(x float64) float64 {
		index := uint64(x)
		return src.NormalQuad(stream, index>>7, index, 0, 1)
	}
	pts := drawPoints(23, 100000)
	t.Run("block", func(t *testing.T) {
		vmathEveryWidth(t, block, pts, want, "every one rng.Source.NormalQuad's bits", noiseWidth)
	})
	t.Run("single", func(t *testing.T) {
		vmathEveryWidth(t, single, pts, want, "every one rng.Source.NormalQuad's bits", noiseWidth)
	})
}

// float32Points is every float32 of the binades of x in [lo, hi) whose
// mantissa is a multiple of step, as float64s.
func float32Points(lo, hi float32, step uint32) []float64 {
	var pts []float64
	for bits := math.Float32bits(lo); bits < math.Float32bits(hi); bits += step {
		pts = append(pts, float64(math.Float32frombits(bits)))
	}
	return pts
}

// wrap32 defines name(x double) = double(f(float(x))), f defined by
// define: a float function in vmathEveryWidth's double loop.
func wrap32(name string, define func(*ll.Module) *ll.Func) func(*ll.Module) *ll.Func {
	return func(m *ll.Module) *ll.Func {
		inner := define(m)
		f, ps, b := newInline(m, name, "x")
		b.NewRet(b.NewFPExt(b.NewCall(inner, b.NewFPTrunc(ps[0], f32)), f64))
		return f
	}
}

// TestLog32InlineVectorBits checks snn_log32_inline against
// mathfn.Log32 at every vector width: every float32 of the binades at 1
// and 2^-32 (the draw's ends) and of sqrt(2)'s neighbourhood (the
// reduction's split), and every 97th of the binades between.
func TestLog32InlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	pts := float32Points(0.5, 1, 1)
	pts = append(pts, 1)
	pts = append(pts, float32Points(0x1p-32, 0x1p-31, 1)...)
	pts = append(pts, float32Points(0x1p-31, 0.5, 97)...)
	for _, e := range []int{-20, -1} {
		c := math.Float32bits(float32(math.Ldexp(math.Sqrt2, e)))
		pts = append(pts, float32Points(math.Float32frombits(c-20000), math.Float32frombits(c+20000), 1)...)
	}
	want := func(x float64) float64 { return float64(mathfn.Log32(float32(x))) }
	vmathEveryWidth(t, wrap32("snn_log32_of", defineLog32), pts, want, "every result mathfn.Log32's bits")
}

// TestSinCos32InlineVectorBits checks snn_sin32_inline and
// snn_cos32_inline against mathfn.Sin32 and Cos32 at every vector width:
// every angle a draw gives (x = v pi/2 2^-22, -2^21 <= v < 2^21) and the
// float32s next to ±pi/4.
func TestSinCos32InlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	var pts []float64
	step := float32(math.Pi / 2 * 0x1p-22)
	for v := -1 << 21; v < 1<<21; v++ {
		pts = append(pts, float64(float32(v)*step))
	}
	top := math.Float32bits(float32(math.Pi / 4))
	for _, x := range float32Points(math.Float32frombits(top-20000), math.Float32frombits(top+1), 1) {
		pts = append(pts, x, -x)
	}
	t.Run("sin", func(t *testing.T) {
		want := func(x float64) float64 { return float64(mathfn.Sin32(float32(x))) }
		vmathEveryWidth(t, wrap32("snn_sin32_of", defineSin32), pts, want, "every result mathfn.Sin32's bits")
	})
	t.Run("cos", func(t *testing.T) {
		want := func(x float64) float64 { return float64(mathfn.Cos32(float32(x))) }
		vmathEveryWidth(t, wrap32("snn_cos32_of", defineCos32), pts, want, "every result mathfn.Cos32's bits")
	})
}

// drawPoints is the elements a draw test keys its draws by (the point x
// is element uint64(x)): the first 20 000, then n random ones below 2^53.
func drawPoints(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	var pts []float64
	for i := range 20000 {
		pts = append(pts, float64(i))
	}
	for range n {
		pts = append(pts, float64(r.Uint64N(1<<53)))
	}
	return pts
}
