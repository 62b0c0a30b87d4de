package rng

import (
	"math"
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

// TestNormalPair checks the pair scheme: elements 2m and 2m+1 are the
// cosine and sine halves of block m (against StdNormal's cosine half,
// the draw Normal has always made), their moments are those of N(mean,
// std²), and the two halves are uncorrelated (Box–Muller's pair is
// independent: the sample correlation of n pairs has standard error
// 1/sqrt(n)).
func TestNormalPair(t *testing.T) {
	const n = 100000
	s := New(7)
	for m := uint64(0); m < 1000; m++ {
		require.Equal(t, 2+3*StdNormal(s.Block(9, 4, m)), s.NormalPair(9, 4, 2*m, 2, 3), "element %d", 2*m)
		c, sn := StdNormalPair(s.Block(9, 4, m))
		require.Equal(t, c, StdNormal(s.Block(9, 4, m)))
		require.Equal(t, 2+3*sn, s.NormalPair(9, 4, 2*m+1, 2, 3), "element %d", 2*m+1)
	}
	var sum, sum2, cross float64
	for m := uint64(0); m < n; m++ {
		a, b := s.NormalPair(3, 1, 2*m, 0, 1), s.NormalPair(3, 1, 2*m+1, 0, 1)
		sum += a + b
		sum2 += a*a + b*b
		cross += a * b
	}
	mean := sum / (2 * n)
	require.InDelta(t, 0, mean, 5/math.Sqrt(2*n))
	require.InDelta(t, 1, sum2/(2*n)-mean*mean, 5*math.Sqrt(2.0/(2*n)))
	require.InDelta(t, 0, cross/n, 5/math.Sqrt(n))
	// sin² + cos² = 1: the pair's squares sum to r² = -2 ln u1.
	for m := uint64(0); m < 100; m++ {
		w := s.Block(5, 0, m)
		c, sn := StdNormalPair(w)
		r2 := -2 * math.Log(unitOpen(w[0], w[1]))
		require.InDelta(t, r2, c*c+sn*sn, 1e-14*max(1, r2))
	}
}
