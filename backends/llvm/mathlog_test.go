package llvm

import (
	"math"
	"math/rand/v2"
	"testing"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
)

// logPoints are the arguments log and log10 are checked on: the special
// values; neighbours of every boundary of mathfn.Log's cases (the smallest
// normal, where subnormals are scaled; 1 and every power of two, where f
// is 0 or |f| < 2^-20; the mantissas sqrt(2), 0x6147A and 0x6B851 that
// switch the reduction and the formula, in many binades); every binade,
// subnormals included; and random points near 1, over the positive
// doubles and over all bit patterns.
func logPoints() []float64 {
	r := rand.New(rand.NewPCG(18, 4))
	bits := math.Float64frombits
	pts := compareSpecials()
	near := func(u uint64, d int64) {
		for ; d >= 0; d-- {
			pts = append(pts, bits(uint64(int64(u)+d)), bits(uint64(int64(u)-d)))
		}
	}
	for _, u := range []uint64{0x0010000000000000, 0x3FF0000000000000, 0x000FFFFFFFFFFFFF, 1} {
		near(u, 20000)
	}
	// Exponents of every binade (the subnormal ones by their top bits).
	for e := uint64(0); e < 0x7FF; e++ {
		for _, mh := range []uint64{0, 0x6A09E, 0x6A09F, 0x6147A, 0x6147B, 0x6B851, 0x6B852, 0xFFFFE, 0xFFFFF, 1, 2} {
			u := e<<52 | mh<<32
			near(u, 40)
		}
	}
	for range 400000 { // within 2^-20 of 1 and of 2^k
		x := 1 + (r.Float64()-0.5)*0x1p-19
		pts = append(pts, math.Ldexp(x, r.IntN(2046)-1022))
	}
	for range 300000 { // every binade
		pts = append(pts, math.Ldexp(1+r.Float64(), -1074+r.IntN(2098)))
	}
	for range 600000 { // positive doubles of any bits
		pts = append(pts, bits(r.Uint64()>>1))
	}
	for range 200000 { // any bits: negatives, NaNs with payloads, infinities
		pts = append(pts, bits(r.Uint64()))
	}
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts
}

// TestLogInlineVectorBits checks snn_log_inline and snn_log10_inline
// against mathfn.Log and Log10 at every vector width of x86-64.
func TestLogInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	pts := logPoints()
	for _, fn := range []struct {
		name   string
		define func(*ll.Module) *ll.Func
		want   func(float64) float64
	}{{"log", defineLog, mathfn.Log}, {"log10", defineLog10, mathfn.Log10}} {
		for _, target := range vmathTargets {
			t.Run(fn.name+"/"+target.name, func(t *testing.T) {
				exe, width := buildVMath(t, fn.define, target)
				if !cpuHas(t, target.flag) {
					t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
				}
				runVMath(t, exe, pts, fn.want)
				t.Logf("%s: vector width %d, %d points, every result mathfn's bits", target.name, width, len(pts))
			})
		}
	}
}
