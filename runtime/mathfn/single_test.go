package mathfn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps32 is the error of got against the float64 reference want in
// float32 ulps at want (float64's own error, 2^-29 of such an ulp, is
// beneath notice).
func ulps32(got float32, want float64) float64 {
	e := math.Abs(want)
	_, exp := math.Frexp(e)
	ulp := math.Ldexp(1, exp-24)
	if e < 0x1p-126 {
		ulp = 0x1p-149
	}
	return math.Abs(float64(got)-want) / ulp
}

// TestLog32 checks Log32 against math.Log (float64, whose error is far
// below a float32 ulp) on the radius's domain [2^-32, 1]: every float32 of
// the binades next to 1 and to 2^-32, where the reduction switches and
// where k is largest, and random float32s of every binade between; the
// error is below 1 ulp.
func TestLog32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 1))
	worst, n := 0.0, 0
	check := func(x float32) {
		if e := ulps32(Log32(x), math.Log(float64(x))); e >= 1 || math.IsNaN(e) {
			t.Fatalf("Log32(%g) = %g, math.Log %g: %.3f ulp", x, Log32(x), math.Log(float64(x)), e)
		} else {
			worst = max(worst, e)
		}
		n++
	}
	for bits := math.Float32bits(0.5); bits <= math.Float32bits(1); bits++ {
		check(math.Float32frombits(bits))
	}
	for bits := math.Float32bits(0x1p-32); bits < math.Float32bits(0x1p-31); bits++ {
		check(math.Float32frombits(bits))
	}
	for range 4_000_000 {
		check(float32(math.Ldexp(1+float64(r.Uint32N(1<<23))*0x1p-23, -1-r.IntN(31))))
	}
	t.Logf("%d points, largest error %.3f ulp", n, worst)
}

// TestTurn32 checks CosTurn32 and SinTurn32 against math.Cos and math.Sin
// of 2*pi*u in float64 for every angle a draw gives (u = k*2^-24, k < 2^24)
// and float32s near the eighth turns, where the quadrant switches. The
// error is at most 2^-23 absolute (an ulp of results in [1/2, 1); the
// rounding of x = 2*pi*r, up to 2^-25 of pi/4, and the polynomial's
// evaluation make it), and below 2 ulp where the result is at least 1/4.
func TestTurn32(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float32) float32
		ref  func(float64) float64
	}{{"CosTurn32", CosTurn32, math.Cos}, {"SinTurn32", SinTurn32, math.Sin}} {
		t.Run(c.name, func(t *testing.T) {
			worst, worstAbs := 0.0, 0.0
			check := func(u float32) {
				got, want := c.f(u), c.ref(2*math.Pi*float64(u))
				abs := math.Abs(float64(got) - want)
				e := 0.0
				if math.Abs(want) >= 0.25 {
					e = ulps32(got, want)
				}
				if abs > 0x1p-23 || e >= 2 {
					t.Fatalf("%s(%g) = %g, reference %g: off by %g, %.3f ulp", c.name, u, got, want, abs, e)
				}
				worst, worstAbs = max(worst, e), max(worstAbs, abs)
			}
			for k := range 1 << 24 {
				check(float32(k) * 0x1p-24)
			}
			for q := 1; q < 8; q++ {
				b := math.Float32bits(float32(q) / 8)
				for d := -3000; d <= 3000; d++ {
					check(math.Float32frombits(uint32(int(b) + d)))
				}
			}
			t.Logf("largest error %g (2^%.2f), %.3f ulp where |result| >= 1/4", worstAbs, math.Log2(worstAbs), worst)
		})
	}
}
