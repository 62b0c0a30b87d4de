package mathfn

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// referenceCosTurn returns cos(2*pi*u) for a float64 u: u reduced by
// quarter turns exactly (u - n/4 is exact in big arithmetic), then the
// Taylor series of 2*pi*r with pi to piPrecision bits.
func referenceCosTurn(u float64) *big.Float {
	const prec = referencePrecision + 64
	n := math.Round(4 * u)
	r := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetPrec(prec).SetFloat64(u), big.NewFloat(n/4))
	theta := new(big.Float).SetPrec(prec).Mul(r, new(big.Float).SetPrec(piPrecision).SetMantExp(reference.pi, 1))
	s, c := bigSinCos(theta, prec)
	switch int64(n) & 3 {
	case 0:
		return c
	case 1:
		return s.Neg(s)
	case 2:
		return c.Neg(c)
	default:
		return s
	}
}

// TestCosTurn checks CosTurn against cos(2*pi*u) in math/big: within
// 2^-52 absolute (the kernel's half ulp and the rounding of 2*pi*r, each
// below 2^-54 of 1 and of pi/4's ulp, with room), on the ends, every
// double around the quarter turns and the eighth turns where the
// reduction switches, and random draws of rng.Unit's form k*2^-53.
func TestCosTurn(t *testing.T) {
	name, f, ref := "CosTurn", CosTurn, referenceCosTurn
	referenceConstants()
	r := rand.New(rand.NewPCG(22, 1))
	pts := []float64{0, 0x1p-53, 0x1p-1074, math.Nextafter(1, 0)}
	for q := 1; q < 8; q++ {
		c := float64(q) / 8
		for d := int64(-300); d <= 300; d++ {
			pts = append(pts, math.Float64frombits(uint64(int64(math.Float64bits(c))+d)))
		}
	}
	for range 3000 {
		pts = append(pts, float64(r.Uint64N(1<<53))*0x1p-53)
	}
	worst := 0.0
	for _, u := range pts {
		if !(u >= 0 && u < 1) {
			continue
		}
		got := f(u)
		want := ref(u)
		diff, _ := new(big.Float).Sub(new(big.Float).SetFloat64(got), want).Float64()
		if math.Abs(diff) > 0x1p-52 {
			t.Errorf("%s(%v) = %v, reference %v: off by %g", name, u, got, want, diff)
		}
		worst = max(worst, math.Abs(diff))
	}
	t.Logf("%d points, largest error %g (2^%.2f)", len(pts), worst, math.Log2(worst))
}
