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
