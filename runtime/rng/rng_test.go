package rng

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The known-answer vectors of Random123's kat_vectors for philox4x32_10.
func TestPhiloxKnownAnswers(t *testing.T) {
	cases := []struct {
		ctr  [4]uint32
		key  [2]uint32
		want [4]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
			[4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	}
	for _, c := range cases {
		require.Equal(t, c.want, Philox(c.ctr, c.key))
	}
}

// The counter layout keeps its fields apart: changing any one of seed,
// stream, n or index changes the block.
func TestCounterFields(t *testing.T) {
	s := New(7)
	base := s.Block(3, 1000, 12345)
	require.NotEqual(t, base, New(8).Block(3, 1000, 12345))
	require.NotEqual(t, base, New(7|1<<40).Block(3, 1000, 12345))
	require.NotEqual(t, base, s.Block(4, 1000, 12345))
	require.NotEqual(t, base, s.Block(3, 1001, 12345))
	require.NotEqual(t, base, s.Block(3, 1000+1<<39, 12345))
	require.NotEqual(t, base, s.Block(3, 1000, 12346))
	require.NotEqual(t, base, s.Block(3, 1000, 12345+1<<55))
	// The top byte of n and the high bits of index share word 1 without
	// overlapping.
	require.NotEqual(t, s.Block(0, 1, 0), s.Block(0, 0, 1<<32))
	require.NotEqual(t, s.Block(0, 1<<8, 0), s.Block(0, 1, 0))
}

func TestUnitRange(t *testing.T) {
	require.Equal(t, 0.0, Unit(0, 0))
	require.Less(t, Unit(0xffffffff, 0xffffffff), 1.0)
	require.Greater(t, unitOpen(0, 0), 0.0)
	require.Equal(t, 1.0, unitOpen(0xffffffff, 0xffffffff))
}

// The distributions have the moments they should, within five standard
// errors over 200000 draws.
func TestDistributions(t *testing.T) {
	const n = 200000
	s := New(42)
	moments := func(draw func(i uint64) float64) (mean, variance float64) {
		var sum, sum2 float64
		for i := uint64(0); i < n; i++ {
			x := draw(i)
			sum += x
			sum2 += x * x
		}
		mean = sum / n
		return mean, sum2/n - mean*mean
	}
	near := func(got, want, se float64) { require.InDelta(t, want, got, 5*se) }

	m, v := moments(func(i uint64) float64 { return s.Uniform(1, 0, i, 2, 5) })
	near(m, 3.5, math.Sqrt(0.75/n))
	near(v, 0.75, 0.75*math.Sqrt(0.8/n))

	m, v = moments(func(i uint64) float64 { return s.Normal(2, 0, i, 1, 3) })
	near(m, 1, 3/math.Sqrt(n))
	near(v, 9, 9*math.Sqrt(2.0/n))

	m, v = moments(func(i uint64) float64 { return s.Exponential(3, 0, i, 2) })
	near(m, 2, 2/math.Sqrt(n))
	near(v, 4, 4*math.Sqrt(8.0/n))

	// Geometric with p = 0.1: mean (1-p)/p = 9, variance (1-p)/p² = 90.
	logq := LogComplement(0.1)
	m, _ = moments(func(i uint64) float64 { return float64(Geometric(s.Block(4, 0, i), logq, 1<<40)) })
	near(m, 9, math.Sqrt(90.0/n))

	// Below covers its range evenly.
	counts := make([]int, 7)
	for i := uint64(0); i < n; i++ {
		counts[Below(s.Block(5, 0, i), 7)]++
	}
	for _, c := range counts {
		near(float64(c), n/7.0, math.Sqrt(n/7.0))
	}
}

func TestGeometricEdges(t *testing.T) {
	s := New(1)
	w := s.Block(1, 2, 3)
	require.Equal(t, uint64(0), Geometric(w, LogComplement(1), 100))
	require.Equal(t, uint64(100), Geometric(w, LogComplement(0), 100))
	require.Equal(t, uint64(5), Geometric(w, LogComplement(1e-12), 5))
}

func BenchmarkBlock(b *testing.B) {
	s := New(1)
	var sink [4]uint32
	for i := 0; i < b.N; i++ {
		sink = s.Block(1, uint64(i), 7)
	}
	_ = sink
}

// TestNormalQuad checks white noise's draws: element 512g + 128j + b is
// mean + std times number j of block 128g + b's StdNormalQuad, every
// element of the first groups taking its own number; over 400 000 elements the
// moments are those of N(mean, std²) (each within 5 standard errors),
// the four numbers of a block are pairwise uncorrelated (Box–Muller's
// pairs are independent, and the two pairs use other words), and the
// distribution is the normal's: the largest distance between the
// empirical and the normal CDF (Kolmogorov–Smirnov) is below its 0.1%
// critical value 1.95/sqrt(n). A pair's signs fall in each quadrant a
// quarter of the time, and its squares sum to r² = -2 ln u1.
func TestNormalQuad(t *testing.T) {
	const blocks = 100000
	s := New(7)
	seen := map[[2]uint64]bool{}
	for i := uint64(0); i < 3*QuadGroup; i++ {
		g, j, b := i/512, i/128%4, i%128
		z := StdNormalQuad(s.Block(9, 4, 128*g+b))
		require.Equal(t, 2+3*float64(z[j]), s.NormalQuad(9, 4, i, 2, 3), "element %d", i)
		m, jj := QuadBlock(i)
		require.False(t, seen[[2]uint64{m, uint64(jj)}], "element %d takes a number another element took", i)
		seen[[2]uint64{m, uint64(jj)}] = true
	}
	var sum, sum2 float64
	var cross [4][4]float64
	var all []float64
	for m := uint64(0); m < blocks; m++ {
		var z [4]float64
		for j := range 4 {
			z[j] = s.NormalQuad(3, 1, m/128*512+uint64(j)*128+m%128, 0, 1)
			sum += z[j]
			sum2 += z[j] * z[j]
			all = append(all, z[j])
		}
		for a := range 4 {
			for b := a + 1; b < 4; b++ {
				cross[a][b] += z[a] * z[b]
			}
		}
	}
	n := float64(len(all))
	mean := sum / n
	require.InDelta(t, 0, mean, 5/math.Sqrt(n))
	require.InDelta(t, 1, sum2/n-mean*mean, 5*math.Sqrt(2/n))
	for a := range 4 {
		for b := a + 1; b < 4; b++ {
			require.InDelta(t, 0, cross[a][b]/blocks, 5/math.Sqrt(blocks), "numbers %d and %d of a block", a, b)
		}
	}
	slices.Sort(all)
	d := 0.0
	for i, x := range all {
		cdf := 0.5 * math.Erfc(-x/math.Sqrt2)
		d = max(d, math.Abs(cdf-float64(i)/n), math.Abs(cdf-float64(i+1)/n))
	}
	require.Less(t, d, 1.95/math.Sqrt(n), "Kolmogorov–Smirnov distance")
	t.Logf("%d draws: mean %.5f, variance %.5f, KS distance %.5f (0.1%% critical %.5f)", len(all), mean, sum2/n-mean*mean, d, 1.95/math.Sqrt(n))
	// The angle is uniform: each quadrant holds a quarter of the pairs
	// (cos, sin), within 5 standard errors.
	var quadrants [4]float64
	for m := uint64(0); m < blocks; m++ {
		z := StdNormalQuad(s.Block(6, 2, m))
		for p := range 2 {
			q := 0
			if z[2*p] < 0 {
				q |= 1
			}
			if z[2*p+1] < 0 {
				q |= 2
			}
			quadrants[q]++
		}
	}
	for q, c := range quadrants {
		require.InDelta(t, 0.25, c/(2*blocks), 5*math.Sqrt(0.25*0.75/(2*blocks)), "pairs in quadrant %d", q)
	}
	for m := uint64(0); m < 1000; m++ {
		w := s.Block(5, 0, m)
		z := StdNormalQuad(w)
		for p := range 2 {
			r2 := -2 * math.Log(float64(unitOpen32(w[2*p])))
			c, sn := float64(z[2*p]), float64(z[2*p+1])
			require.InDelta(t, r2, c*c+sn*sn, 1e-6*max(1, r2))
		}
	}
}

// TestUnit32 checks the binary32 uniform's ends: unitOpen32 is 2^-32 for
// the word 0 and 1 for the largest (never 0, so its logarithm is finite,
// and never above 1).
func TestUnit32(t *testing.T) {
	require.Equal(t, float32(0x1p-32), unitOpen32(0))
	require.Equal(t, float32(0x1p-32), unitOpen32(1))
	require.Equal(t, float32(1), unitOpen32(math.MaxUint32))
	require.Equal(t, float32(0x1p-31+0x1p-32), unitOpen32(2))
}
