package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ref is the definition: the exact rational result, scaled to the
// format, rounded to nearest with ties away from zero, saturated.
func ref(x *big.Rat, to Format) int64 {
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(to.Frac))))
	neg := y.Sign() < 0
	y.Abs(y)
	y.Add(y, big.NewRat(1, 2))
	q := new(big.Int).Quo(y.Num(), y.Denom()) // floor(|y| + 1/2)
	if neg {
		q.Neg(q)
	}
	switch {
	case q.Cmp(big.NewInt(to.Max())) > 0:
		return to.Max()
	case q.Cmp(big.NewInt(to.Min())) < 0:
		return to.Min()
	}
	return q.Int64()
}

// refDither is the definition of ConvertDither: the value plus the top
// s bits of bits, in units of the source's LSB (s the fraction bits
// dropped), rounded down, saturated; exact when no bits are dropped.
func refDither(x *big.Rat, to, from Format, bits uint64) int64 {
	s := int(from.Frac) - int(to.Frac)
	if s <= 0 {
		return ref(x, to)
	}
	offset := new(big.Rat).SetFrac(new(big.Int).SetUint64(bits>>(64-s)), new(big.Int).Lsh(big.NewInt(1), uint(from.Frac)))
	y := new(big.Rat).Add(x, offset)
	y.Mul(y, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(to.Frac))))
	q := new(big.Int).Div(y.Num(), y.Denom()) // rounds down (Euclidean, the denominator positive)
	switch {
	case q.Cmp(big.NewInt(to.Max())) > 0:
		return to.Max()
	case q.Cmp(big.NewInt(to.Min())) < 0:
		return to.Min()
	}
	return q.Int64()
}

func rat(r int64, f Format) *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(r), new(big.Int).Lsh(big.NewInt(1), uint(f.Frac)))
}

func randFormat(rng *rand.Rand) Format {
	return Format{Width: uint8(2 + rng.IntN(MaxWidth-1)), Frac: uint8(rng.IntN(MaxFrac + 1))}
}

// randRaw favours the edges of the range, where saturation and rounding
// ties live.
func randRaw(rng *rand.Rand, f Format) int64 {
	switch rng.IntN(6) {
	case 0:
		return f.Max()
	case 1:
		return f.Min()
	case 2:
		return f.Saturate(int64(rng.IntN(5)) - 2)
	}
	return f.Min() + rng.Int64N(f.Max()-f.Min()+1)
}

func TestOperationsAgainstRationals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		fa, fb, to := randFormat(rng), randFormat(rng), randFormat(rng)
		a, b := randRaw(rng, fa), randRaw(rng, fb)
		x, y := rat(a, fa), rat(b, fb)
		require.Equal(t, ref(new(big.Rat).Add(x, y), to), Add(a, fa, b, fb, to), "%d %v + %d %v -> %v", a, fa, b, fb, to)
		require.Equal(t, ref(new(big.Rat).Sub(x, y), to), Sub(a, fa, b, fb, to), "%d %v - %d %v -> %v", a, fa, b, fb, to)
		require.Equal(t, ref(new(big.Rat).Mul(x, y), to), Mul(a, fa, b, fb, to), "%d %v * %d %v -> %v", a, fa, b, fb, to)
		require.Equal(t, ref(x, to), Convert(a, fa, to), "convert %d %v -> %v", a, fa, to)
		bits := rng.Uint64()
		require.Equal(t, refDither(x, to, fa, bits), ConvertDither(a, fa, to, bits), "convert dithered %d %v -> %v", a, fa, to)
		require.Equal(t, ref(new(big.Rat).Neg(x), to), Neg(a, fa, to))
		require.Equal(t, ref(new(big.Rat).Abs(x), to), Abs(a, fa, to))
		require.Equal(t, x.Cmp(y), Cmp(a, fa, b, fb))
		switch {
		case b != 0:
			require.Equal(t, ref(new(big.Rat).Quo(x, y), to), Div(a, fa, b, fb, to), "%d %v / %d %v -> %v", a, fa, b, fb, to)
		case a > 0:
			require.Equal(t, to.Max(), Div(a, fa, b, fb, to))
		case a < 0:
			require.Equal(t, to.Min(), Div(a, fa, b, fb, to))
		default:
			require.Zero(t, Div(a, fa, b, fb, to))
		}
	}
}

func TestFromFloat(t *testing.T) {
	f := Format{16, 8}
	for _, c := range []struct {
		x    float64
		want int64
	}{
		{0.5 / 256, 1}, {-0.5 / 256, -1}, // ties away from zero
		{0.49 / 256, 0}, {1, 256}, {-1.5, -384},
		{127.99, 32765}, {128, 32767}, {1e300, 32767}, {math.Inf(1), 32767},
		{-128, -32768}, {-1e300, -32768}, {math.Inf(-1), -32768}, {math.NaN(), 0},
	} {
		require.Equal(t, c.want, f.FromFloat(c.x), "%g", c.x)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		f := randFormat(rng)
		x := rng.NormFloat64() * math.Ldexp(1, rng.IntN(40)-20)
		require.Equal(t, ref(new(big.Rat).SetFloat64(x), f), f.FromFloat(x), "%g %v", x, f)
		r := randRaw(rng, f)
		require.Equal(t, r, f.FromFloat(f.Float(r)), "round trip %d %v", r, f)
	}
}

// Dithered rounding is unbiased: the mean of many conversions of one
// value is the value.
func TestDitherUnbiased(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	from, to := Format{Width: 32, Frac: 24}, Format{Width: 16, Frac: 8}
	for _, x := range []float64{0.3, -0.3, 1.0 / 3, -7.77, 0.001} {
		r := from.FromFloat(x)
		sum := 0.0
		const n = 200000
		for range n {
			sum += to.Float(ConvertDither(r, from, to, rng.Uint64()))
		}
		require.InDelta(t, from.Float(r), sum/n, 3e-5, "%g", x) // the LSB is 1/256; the mean's error about 1/256/sqrt(n)
	}
}
