package llvm

import (
	"math"
	"math/rand/v2"
	"testing"

	"snnc/runtime/mathfn"
)

// powPairs are the pairs pow is checked on: every pair of special values
// and special exponents (±0, ±Inf, NaNs, ±1, 0.5, ±2, odd and even
// integers up to and beyond 2^53 and 2^64, non-integers) and each with
// random values; negative x with integer and non-integer y; x within
// 2^-20 of 1 with |y| beyond 2^31 (pow's second expansion of log2),
// with results over the whole range, and beyond 2^64; results near overflow (y*log2(x) near 1024), near and in
// the subnormal range and near underflow (near -1075), and where
// y*log2(x) is near k + 1/2 (the rounding of n); mantissas at the
// boundaries that switch the expansion (j = 0x3988E, 0xBB67A); subnormal
// x; and random pairs of ordinary magnitudes and of any bits, shuffled.
func powPairs() (xs, ys []float64) {
	r := rand.New(rand.NewPCG(18, 6))
	bits := math.Float64frombits
	add := func(x, y float64) { xs, ys = append(xs, x), append(ys, y) }
	signed := func(v float64) float64 {
		if r.IntN(2) == 0 {
			return -v
		}
		return v
	}
	sp := compareSpecials()
	exps := append(compareSpecials(), 3, -3, 4, -4, 0.25, -0.5, 1.5, -2.5, 0x1p31, 0x1p31+1, 0x1p52+1, 0x1p53,
		0x1p53-1, -(0x1p53 - 1), 0x1p53+2, 0x1p63, 0x1p64, 0x1p64+0x1p12, -0x1p65, 1e300, -1e300, 1023, 1024, 1075, -1074, -1075)
	for _, x := range sp {
		for _, y := range exps {
			add(x, y)
		}
	}
	for _, v := range append(sp, exps...) {
		for range 300 {
			u := bits(r.Uint64())
			add(v, u)
			add(u, v)
			add(v, r.NormFloat64()*4)
			add(r.Float64()*4, v)
		}
	}
	// Negative x with integer and non-integer y.
	for range 100000 {
		x := -r.Float64() * 8
		y := math.Floor(r.NormFloat64() * 30)
		add(x, y)
		add(x, y+0.5)
		add(x, math.Ldexp(float64(r.IntN(1<<20)), r.IntN(60)-10))
	}
	// x near 1, |y| > 2^31 (and some > 2^64).
	for range 100000 {
		x := 1 + (r.Float64()-0.5)*0x1p-19
		y := signed(math.Ldexp(1+r.Float64(), 31+r.IntN(36)))
		add(x, y)
		add(bits(math.Float64bits(x)+uint64(r.IntN(3))-1), y)
	}
	// x near 1, |y| > 2^31 and a result in range: y = z/log2(x) for |z|
	// up to 1100 and |log2(x)| below 2^-22.
	for range 100000 {
		x := bits(0x3FF0000000000000 + uint64(r.Int64N(1<<31)) - 1<<30)
		if x == 1 {
			continue
		}
		add(x, (r.Float64()-0.5)*2200/math.Log2(x))
	}
	// y*log2(x) near the overflow and underflow thresholds, the subnormal
	// range and every k + 1/2 in between.
	for range 400000 {
		x := math.Ldexp(1+r.Float64(), r.IntN(2040)-1020)
		if x == 1 {
			continue
		}
		var z float64
		switch r.IntN(6) {
		case 0:
			z = 1024 + (r.Float64()-0.5)*0x1p-30
		case 4: // z rounds to 1024 exactly: pLo decides
			z = 1024 + (r.Float64()-0.5)*0x1p-44
		case 5: // z rounds to -1075 exactly
			z = -1075 + (r.Float64()-0.5)*0x1p-43
		case 1:
			z = -1075 + (r.Float64()-0.5)*4
		case 2:
			z = -1022 - r.Float64()*53
		default:
			z = float64(r.IntN(2100)-1076) + 0.5 + (r.Float64()-0.5)*0x1p-40
		}
		y := z / math.Log2(x)
		add(x, y)
		add(x, math.Nextafter(y, math.Inf(1)))
	}
	// The mantissas where the expansion switches, in random binades.
	for range 50000 {
		for _, j := range []uint64{0x3988E, 0x3988F, 0xBB679, 0xBB67A, 0xFFFFF, 0} {
			x := bits(uint64(1+r.IntN(2045))<<52 | j<<32 | uint64(r.Uint32()))
			add(x, r.NormFloat64()*3)
		}
	}
	for range 100000 { // subnormal x
		add(bits(r.Uint64()>>(12+r.IntN(52))), signed(r.Float64()*2))
		add(bits(r.Uint64()>>(12+r.IntN(52))), signed(1/(1+r.Float64()*1000)))
	}
	for range 400000 {
		add(r.Float64()*10, r.NormFloat64()*10)
		add(math.Ldexp(1+r.Float64(), r.IntN(200)-100), r.NormFloat64()*3)
		add(bits(r.Uint64()), bits(r.Uint64()))
	}
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j], ys[i], ys[j] = xs[j], xs[i], ys[j], ys[i] })
	return xs, ys
}

// TestPowInlineVectorBits checks snn_pow_inline against mathfn.Pow at every
// vector width of x86-64.
func TestPowInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	xs, ys := powPairs()
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, width := buildVMath2(t, definePow, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
			}
			runVMath2(t, exe, xs, ys, mathfn.Pow)
			t.Logf("%s: vector width %d, %d pairs, every result mathfn.Pow's bits", target.name, width, len(xs))
		})
	}
}
