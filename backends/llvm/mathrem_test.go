package llvm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// remPairs are the pairs rem is checked on: every pair of special values
// (zeros, infinities, NaNs, extremes) and each with random values; every
// exponent difference d from 0 to 2097 (the most there is) with extreme
// mantissas (1, all ones, the halves around them) and random ones, x's
// exponent chosen at random where d allows, and with X = Y - 1 (the
// largest quotients); pairs where |x| is within a
// few ulps of a multiple of |y|, where the quotient estimate is most
// likely off by one; pairs in one binade and a few apart; and random
// pairs of any bits and of nearby magnitudes, of both signs, shuffled.
func remPairs() (xs, ys []float64) {
	r := rand.New(rand.NewPCG(18, 5))
	bits := math.Float64frombits
	add := func(x, y float64) { xs, ys = append(xs, x), append(ys, y) }
	signed := func(v float64) float64 {
		if r.IntN(2) == 0 {
			return -v
		}
		return v
	}
	sp := compareSpecials()
	for _, x := range sp {
		for _, y := range sp {
			add(x, y)
		}
		for range 500 {
			v := bits(r.Uint64())
			add(x, v)
			add(v, x)
		}
	}
	// Mantissas (as the 52 fraction bits) at the extremes.
	fracs := []uint64{0, 1, 1<<52 - 1, 1<<52 - 2, 1 << 51, 1<<51 - 1, 1<<51 + 1, 1<<36 - 1, 1<<18 - 1, 1 << 35}
	mant := func() uint64 {
		if r.IntN(3) == 0 {
			return r.Uint64() & (1<<52 - 1)
		}
		return fracs[r.IntN(len(fracs))]
	}
	// |x| = X*2^ex, |y| = Y*2^ey with X, Y in [2^52, 2^53): a biased
	// exponent field e gives 2^(e-1075) (e >= 1); d = ex - ey.
	for d := 0; d <= 2097; d++ {
		for range 24 {
			// ey from -1126 (the smallest subnormal's) to 971 - d.
			ey := -1126 + r.IntN(2098-d)
			ex := ey + d
			x := math.Ldexp(float64(1<<52|mant()), ex)
			y := math.Ldexp(float64(1<<52|mant()), ey)
			add(signed(x), signed(y))
		}
		// X = Y - 1: R stays Y - 1 and each 35-bit step's quotient is
		// 2^35 - 1 or rounds to 2^35, the largest q*piece products.
		ey := -1126 + r.IntN(2098-d)
		ym := uint64(1<<52|mant()) | 1
		add(signed(math.Ldexp(float64(ym-1), ey+d)), signed(math.Ldexp(float64(ym), ey)))
	}
	// Near multiples: x = k*y rounded, and its neighbours.
	for range 100000 {
		y := math.Ldexp(1+r.Float64(), r.IntN(400)-200)
		k := math.Ldexp(1+r.Float64(), r.IntN(120))
		if r.IntN(2) == 0 {
			k = math.Floor(k)
		}
		x := k * y
		for d := int64(-2); d <= 2; d++ {
			add(signed(bits(uint64(int64(math.Float64bits(x))+d))), signed(y))
		}
	}
	for range 200000 { // one binade, and a few binades apart
		e := r.IntN(2000) - 1000
		add(signed(math.Ldexp(1+r.Float64(), e+r.IntN(4))), signed(math.Ldexp(1+r.Float64(), e)))
	}
	for range 200000 { // subnormals and the smallest normals
		add(signed(bits(r.Uint64()>>r.IntN(64))), signed(bits(r.Uint64()>>(11+r.IntN(53)))))
	}
	for range 500000 {
		add(bits(r.Uint64()), bits(r.Uint64()))
		add(r.NormFloat64()*100, r.NormFloat64())
	}
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j], ys[i], ys[j] = xs[j], xs[i], ys[j], ys[i] })
	return xs, ys
}

// TestRemPairsOracle checks math.Mod, the reference the emitted rem is
// compared with, on a sample of remPairs against the exact remainder from
// math/big (x - trunc(x/y)*y, rational arithmetic): it must be exact.
func TestRemPairsOracle(t *testing.T) {
	xs, ys := remPairs()
	checked := 0
	for n := 0; n < len(xs); n += 97 {
		x, y := xs[n], ys[n]
		if y == 0 || math.IsInf(x, 0) || math.IsNaN(x) || math.IsNaN(y) || math.IsInf(y, 0) || x == 0 {
			continue
		}
		bx, by := new(big.Rat).SetFloat64(x), new(big.Rat).SetFloat64(y)
		q := new(big.Int).Quo(new(big.Rat).Quo(bx, by).Num(), new(big.Rat).Quo(bx, by).Denom()) // truncates
		rem := new(big.Rat).Sub(bx, new(big.Rat).Mul(new(big.Rat).SetInt(q), by))
		want, exact := rem.Float64()
		require.True(t, exact, "the remainder of %v by %v is not a double", x, y)
		if want == 0 && x < 0 {
			want = math.Copysign(0, -1)
		}
		got := math.Mod(x, y)
		require.Equal(t, math.Float64bits(want), math.Float64bits(got), "math.Mod(%v, %v)", x, y)
		checked++
	}
	t.Logf("%d pairs: math.Mod is the exact remainder", checked)
}

// TestRemInlineVectorBits checks snn_rem_inline against math.Mod at every
// vector width of x86-64.
func TestRemInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	xs, ys := remPairs()
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, width := buildVMath2(t, defineRem, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
			}
			runVMath2(t, exe, xs, ys, math.Mod)
			t.Logf("%s: vector width %d, %d pairs, every result math.Mod's bits", target.name, width, len(xs))
		})
	}
}
