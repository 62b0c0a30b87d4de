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
// error is below 1.5 ulp.
func TestLog32(t *testing.T) {
	r := rand.New(rand.NewPCG(32, 1))
	worst, n := 0.0, 0
	check := func(x float32) {
		if e := ulps32(Log32(x), math.Log(float64(x))); e >= 1.5 || math.IsNaN(e) {
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

// TestSinCos32 checks Sin32 and Cos32 against math.Sin and math.Cos in
// float64 for every angle a draw gives (x = v pi/2 2^-22, -2^21 <= v <
// 2^21, rng's boxMuller32) and the float32s up to pi/4 in magnitude next to
// it: the error is below 1.5 ulp of the result (the cosine's 1 + z p
// rounds a sum near 1/sqrt(2) at pi/4), or 2^-25 absolute where the sine
// is small (where an ulp of the result is tiny).
func TestSinCos32(t *testing.T) {
	const step = float32(math.Pi / 2 * 0x1p-22)
	for _, c := range []struct {
		name string
		f    func(float32) float32
		ref  func(float64) float64
	}{{"Sin32", Sin32, math.Sin}, {"Cos32", Cos32, math.Cos}} {
		t.Run(c.name, func(t *testing.T) {
			worst, worstAbs := 0.0, 0.0
			check := func(x float32) {
				got, want := c.f(x), c.ref(float64(x))
				abs, e := math.Abs(float64(got)-want), ulps32(got, want)
				if e >= 1.5 && abs > 0x1p-25 {
					t.Fatalf("%s(%g) = %g, reference %g: %.3f ulp, off by %g", c.name, x, got, want, e, abs)
				}
				if abs > 0x1p-25 || math.Abs(want) >= 0x1p-2 {
					worst = max(worst, e)
				}
				worstAbs = max(worstAbs, abs)
			}
			for v := -1 << 21; v < 1<<21; v++ {
				check(float32(v) * step)
			}
			top := math.Float32bits(float32(math.Pi / 4))
			for b := top - 100000; b <= top; b++ {
				check(math.Float32frombits(b))
				check(-math.Float32frombits(b))
			}
			t.Logf("largest error %.3f ulp (where it is above 2^-25 or the result at least 1/4), %g absolute", worst, worstAbs)
		})
	}
}
