package llvm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"

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
	r := rand.New(rand.NewPCG(19, 1))
	var pts []float64
	for i := range 20000 {
		pts = append(pts, float64(i))
	}
	for range 200000 {
		pts = append(pts, float64(r.Uint64N(1<<53)))
	}
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, width := buildVMath(t, define, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
			}
			runVMath(t, exe, pts, want)
			t.Logf("%s: vector width %d, %d draws, every one rng.Source.Normal's bits", target.name, width, len(pts))
		})
	}
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

// TestNormalPairVectorBits checks the pair scheme's emitted draws against
// rng.Source.NormalPair, the interpreter's, at every vector width of
// x86-64: snn_normal_pair_block, the prefill loop's (both halves of the
// block of index>>1, the one of index's parity taken), and
// snn_normal_pair_inline, a single element's, in a loop over elements
// whose index (and step, from the index) is the point. Indices of both
// parities are among the points, so a wrong half or a wrong quadrant
// shift fails it.
func TestNormalPairVectorBits(t *testing.T) {
	requireVMathTools(t)
	const seed, stream = 0x0123_4567_89AB_CDEF, 7
	block := func(m *ll.Module) *ll.Func {
		pair := defineNormalPairBlock(m)
		f, ps, b := newInline(m, "snn_normal_pair_block_of", "x")
		index := b.NewFPToUI(ps[0], i64)
		buf := b.NewAlloca(types.NewArray(2, f64))
		out := b.NewGetElementPtr(buf.ElemType, buf, i64c(0), i64c(0))
		b.NewCall(pair, i64c(seed), constant.NewInt(i32, stream), b.NewLShr(index, i64c(7)), b.NewLShr(index, i64c(1)), out)
		// Both halves loaded and one selected: constant offsets, so
		// that the buffer becomes registers and the loop vectorises.
		cos, sin := b.NewLoad(f64, out), b.NewLoad(f64, b.NewGetElementPtr(f64, out, i64c(1)))
		odd := b.NewICmp(enum.IPredNE, b.NewAnd(index, i64c(1)), i64c(0))
		b.NewRet(b.NewSelect(odd, sin, cos))
		return f
	}
	single := func(m *ll.Module) *ll.Func {
		normal := defineNormalPair(m)
		f, ps, b := newInline(m, "snn_normal_pair_of", "x")
		index := b.NewFPToUI(ps[0], i64)
		b.NewRet(b.NewCall(normal, i64c(seed), constant.NewInt(i32, stream), b.NewLShr(index, i64c(7)), index,
			constant.NewFloat(f64, 0), constant.NewFloat(f64, 1)))
		return f
	}
	src := rng.New(seed)
	want := func(x float64) float64 {
		index := uint64(x)
		return src.NormalPair(stream, index>>7, index, 0, 1)
	}
	r := rand.New(rand.NewPCG(23, 1))
	var pts []float64
	for i := range 20000 {
		pts = append(pts, float64(i))
	}
	for range 100000 {
		pts = append(pts, float64(r.Uint64N(1<<53)))
	}
	for _, c := range []struct {
		name   string
		define func(*ll.Module) *ll.Func
	}{{"block", block}, {"single", single}} {
		for _, target := range vmathTargets {
			t.Run(c.name+"/"+target.name, func(t *testing.T) {
				exe, width := buildVMath(t, c.define, target)
				if !cpuHas(t, target.flag) {
					t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
				}
				runVMath(t, exe, pts, want)
				t.Logf("%s: vector width %d, %d draws, every one rng.Source.NormalPair's bits", target.name, width, len(pts))
			})
		}
	}
}
