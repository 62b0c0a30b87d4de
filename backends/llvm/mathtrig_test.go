package llvm

import (
	"math"
	"math/big"
	mathbits "math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
)

// trigPoints are the arguments sin and cos are checked on: the special
// values; neighbours of pi/4, 2^-27 and 2^-26 (the small cases), of
// mediumReductionLimit on both sides (Cody-Waite below, Payne-Hanek at
// and above) and of MaxFloat64; the doubles nearest to n*pi/2 and their
// neighbours for every n up to 10^4 and for random n up to 2^20, where
// the reduction cancels and Cody-Waite takes its second and third steps,
// and points 2^j ulps from them for every j to 40; the same beyond
// mediumReductionLimit up to 2^55; the double known to lie closest to a
// multiple of pi/2; every binade
// from the subnormals to 2^1024, each with random mantissas; and random
// points of small magnitude and of any bits. Both signs throughout.
func trigPoints() []float64 {
	r := rand.New(rand.NewPCG(18, 5))
	bits := math.Float64frombits
	pts := append(specialPoints(), compareSpecials()...)
	near := func(x float64, d int64) {
		u := int64(math.Float64bits(math.Abs(x)))
		for k := -d; k <= d; k++ {
			if v := u + k; v >= 0 && v < 0x7FF0000000000000 {
				pts = append(pts, bits(uint64(v)), -bits(uint64(v)))
			}
		}
	}
	for _, c := range []float64{math.Pi / 4, 0x1p-27, 0x1p-26, 1647099, math.MaxFloat64, 0x1p-1022} {
		near(c, 20000)
	}
	// The doubles nearest to n*pi/2, by math/big: 400 bits of pi/2 times n.
	pio2 := bigPio2(400)
	for n := int64(1); n <= 10000; n++ {
		near(nearestMultiple(pio2, n), 20)
	}
	for range 40000 {
		near(nearestMultiple(pio2, 1+r.Int64N(1<<20)), 3)
	}
	// 2^j to 2^(j+1) ulps from the nearest, for every j to 40: the
	// reduction loses 53-j bits or so, and every count of Cody-Waite's
	// steps and every precision they give is reached.
	for range 4000 {
		u := int64(math.Float64bits(nearestMultiple(pio2, 1+r.Int64N(1<<20))))
		for j := range 41 {
			d := int64(1)<<j + r.Int64N(int64(1)<<j)
			pts = append(pts, bits(uint64(u+d)), -bits(uint64(u-d)))
		}
	}
	// Beyond mediumReductionLimit (Payne-Hanek) up to 2^55, where a
	// double can still lie within an ulp of n*pi/2.
	for range 40000 {
		n := math.Ldexp(1+r.Float64(), 20+r.IntN(34))
		near(nearestMultiple(pio2, int64(n)), 2)
	}
	// The double closest to a multiple of pi/2 (Muller, "Elementary
	// Functions", the worst case of argument reduction): 6381956970095103
	// * 2^797, within 2^-60 of one.
	near(math.Ldexp(6381956970095103, 797), 100)
	for e := -1074; e < 1024; e++ { // every binade
		for range 300 {
			pts = append(pts, math.Ldexp(1+r.Float64(), e), -math.Ldexp(1+r.Float64(), e))
		}
	}
	for range 300000 { // where models evaluate them
		pts = append(pts, (r.Float64()-0.5)*200)
	}
	for range 300000 { // any bits
		pts = append(pts, bits(r.Uint64()))
	}
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts
}

// trigCase names the path mathfn.Sin and Cos take for x: "small" (|x| <=
// pi/4), "special" (NaN, ±Inf), "payne-hanek", or "cody-waite/N" with N
// the steps reduceQuarterTurns takes (its tests, written again here).
func trigCase(x float64) string {
	ax := math.Abs(x)
	switch {
	case ax <= math.Pi/4:
		return "small"
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "special"
	case ax >= 1647099:
		return "payne-hanek"
	}
	fn := float64(ax*(2/math.Pi)) + 0x1.8p52
	fn -= 0x1.8p52
	const first, firstT, second, secondT = 0x1.921fb544p0, 0x1.0b4611a626331p-34, 0x1.0b4611a6p-34, 0x1.3198a2e037073p-69
	lost := func(hi float64) int { return int(math.Float64bits(ax)>>52) - int(math.Float64bits(hi)>>52&0x7FF) }
	r := ax - float64(fn*first)
	if lost(r-float64(fn*firstT)) <= 16 {
		return "cody-waite/1"
	}
	t := r
	w := float64(fn * second)
	r = t - w
	w = float64(fn*secondT) - ((t - r) - w)
	if lost(r-w) <= 49 {
		return "cody-waite/2"
	}
	return "cody-waite/3"
}

// TestTrigPointsCover checks that trigPoints reach every path of Sin and
// Cos many times (the specials are a few kinds of value, the random bits'
// NaNs and infinities).
func TestTrigPointsCover(t *testing.T) {
	count := map[string]int{}
	for _, x := range trigPoints() {
		count[trigCase(x)]++
	}
	for c, least := range map[string]int{"small": 100000, "special": 100, "payne-hanek": 100000,
		"cody-waite/1": 100000, "cody-waite/2": 100000, "cody-waite/3": 100000} {
		require.GreaterOrEqual(t, count[c], least, "%s: %v", c, count)
	}
	t.Logf("%v", count)
}

// bigPio2 is pi/2 to prec bits by Machin's formula, pi/4 = 4 atan(1/5) -
// atan(1/239): an oracle independent of mathfn's constants.
func bigPio2(prec uint) *big.Float {
	f := func() *big.Float { return new(big.Float).SetPrec(prec) }
	atanInv := func(k int64) *big.Float {
		// atan(1/k) = sum of (-1)^i / ((2i+1) k^(2i+1)).
		sum := f()
		pow := f().Quo(f().SetInt64(1), f().SetInt64(k))
		k2 := f().SetInt64(k * k)
		for i := int64(0); pow.MantExp(nil) > -int(prec)-16; i++ {
			term := f().Quo(pow, f().SetInt64(2*i+1))
			if i%2 == 0 {
				sum.Add(sum, term)
			} else {
				sum.Sub(sum, term)
			}
			pow.Quo(pow, k2)
		}
		return sum
	}
	pio4 := f().Mul(f().SetInt64(4), atanInv(5))
	pio4.Sub(pio4, atanInv(239))
	return pio4.Mul(pio4, f().SetInt64(2))
}

// nearestMultiple is the double nearest to n*pio2.
func nearestMultiple(pio2 *big.Float, n int64) float64 {
	x, _ := new(big.Float).SetPrec(pio2.Prec()).Mul(pio2, new(big.Float).SetInt64(n)).Float64()
	return x
}

// TestTrigConstants checks the emitted reduction's constants against pi
// computed by math/big: the table of 2/pi's bits (the 1280 bits after the
// binary point, after a zero word) and pi/2 * 2^127 rounded down.
func TestTrigConstants(t *testing.T) {
	pio2 := bigPio2(1500)
	pio2Double, _ := pio2.Float64()
	require.Equal(t, math.Pi/2, pio2Double)

	twoOverPi := new(big.Float).SetPrec(1500).Quo(new(big.Float).SetInt64(1), pio2)
	bitsOf := func(x *big.Float, n int) *big.Int { // floor(x * 2^n)
		i, _ := new(big.Float).SetMantExp(x, n).Int(nil)
		return i
	}
	// The table as the kernels get it: the emitted global's words.
	words := twoOverPiTable(ll.NewModule()).Init.(*constant.Array).Elems
	want := bitsOf(twoOverPi, 64*(len(words)-1))
	got := new(big.Int)
	for _, w := range words {
		got.Lsh(got, 64).Or(got, new(big.Int).SetUint64(uint64(w.(*constant.Int).X.Int64())))
	}
	require.Zero(t, got.Cmp(want), "the emitted table is not 2/pi's bits:\n got %x\nwant %x", got, want)

	fixed := new(big.Int).Lsh(new(big.Int).SetUint64(trigPio2FixedHigh), 64)
	fixed.Or(fixed, new(big.Int).SetUint64(trigPio2FixedLow))
	require.Zero(t, fixed.Cmp(bitsOf(pio2, 127)), "pio2Fixed: got %x, want %x", fixed, bitsOf(pio2, 127))
}

// TestSinCosInlineVectorBits checks snn_sin_inline and snn_cos_inline
// against mathfn.Sin and Cos at every vector width of x86-64.
func TestSinCosInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	pts := trigPoints()
	for _, fn := range []struct {
		name   string
		define func(*ll.Module) *ll.Func
		want   func(float64) float64
	}{{"sin", defineSin, mathfn.Sin}, {"cos", defineCos, mathfn.Cos}} {
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

// TestLeadingZerosIR checks leadingZerosIR, the count Payne-Hanek
// normalises its fraction by, against bits.LeadingZeros64 on numbers with
// every count from 0 to 63 (in the test loop as the bits of a double, the
// count returned as a double), at every width. Sin and Cos rarely reach
// the counts above 51, which only a fraction within 2^-50 of a quarter
// turn gives.
func TestLeadingZerosIR(t *testing.T) {
	requireVMathTools(t)
	define := func(m *ll.Module) *ll.Func {
		f, ps, b := newInline(m, "snn_test_leading_zeros", "x")
		b.NewRet(b.NewSIToFP(leadingZerosIR(b, b.NewBitCast(ps[0], i64)), f64))
		return f
	}
	r := rand.New(rand.NewPCG(18, 6))
	var pts []float64
	for k := range 64 {
		top := uint64(1) << k
		for range 2000 {
			pts = append(pts, math.Float64frombits(top|r.Uint64()&(top-1)))
		}
	}
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	want := func(x float64) float64 { return float64(mathbits.LeadingZeros64(math.Float64bits(x))) }
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, width := buildVMath(t, define, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
			}
			runVMath(t, exe, pts, want)
		})
	}
}
