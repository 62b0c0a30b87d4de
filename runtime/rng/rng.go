// Package rng is snnc's random number generator: Philox4x32-10 (Salmon et
// al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), a
// counter-based generator. A draw is a pure function of the run's seed and
// a counter made of (stream, n, index), so every backend and every thread
// count draws the same numbers, in any order.
//
// The 128-bit counter holds
//
//	word 0: index bits 0-31
//	word 1: index bits 32-55, then n bits 0-7 in the top byte
//	word 2: n bits 8-39
//	word 3: stream
//
// and the 64-bit key is the seed (low word first). For a kernel's draws,
// stream is the draw site's number, n the step and index the element;
// the runtime's own streams (connectivity, Poisson inputs) use n as a
// draw count. Each draw uses one block of four words; a normal draw uses
// all four, the others two. NormalQuad, the white noise's draw, gives
// each block's four normals to four elements (QuadBlock).
package rng

import (
	"math"
	"math/bits"

	"snnc/runtime/mathfn"
)

// Philox4x32-10's multipliers and Weyl key increments (Random123).
const (
	mul0  = 0xD2511F53
	mul1  = 0xCD9E8D57
	weyl0 = 0x9E3779B9
	weyl1 = 0xBB67AE85
)

// Philox returns the Philox4x32-10 block of counter c under key k.
func Philox(c [4]uint32, k [2]uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		hi0, lo0 := bits.Mul32(mul0, c[0])
		hi1, lo1 := bits.Mul32(mul1, c[2])
		c = [4]uint32{hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0}
		k[0] += weyl0
		k[1] += weyl1
	}
	return c
}

// Limits of the counter fields.
const (
	MaxN     = 1<<40 - 1
	MaxIndex = 1<<56 - 1
)

// Reserved streams. Kernel draw sites are numbered from 1 by lowering;
// the runtime's own draws use the top of the 32-bit range.
const (
	StreamInput   = 0x8000_0000 // + input number: Poisson sources
	StreamConnect = 0xC000_0000 // + projection number: connectivity
)

// Source is the generator for one run: the seed as the key.
type Source struct{ key [2]uint32 }

// New returns the generator of a seed.
func New(seed uint64) Source { return Source{[2]uint32{uint32(seed), uint32(seed >> 32)}} }

// Block returns the four words of counter (stream, n, index).
func (s Source) Block(stream uint32, n, index uint64) [4]uint32 {
	c := [4]uint32{
		uint32(index),
		uint32(index>>32)&0xFF_FFFF | uint32(n)<<24,
		uint32(n >> 8),
		stream,
	}
	return Philox(c, s.key)
}

// Unit maps two words to a float64 in [0, 1) with 53 random bits.
func Unit(a, b uint32) float64 {
	return float64(uint64(a)<<21|uint64(b)>>11) * 0x1p-53
}

// unitOpen maps two words to (0, 1]: never 0, so its logarithm is finite.
func unitOpen(a, b uint32) float64 {
	return float64(uint64(a)<<21|uint64(b)>>11+1) * 0x1p-53
}

// Uniform draws from [lo, hi): lo + (hi - lo)·u. The product is rounded
// before the sum (no fused multiply-add) in every backend.
func (s Source) Uniform(stream uint32, n, index uint64, lo, hi float64) float64 {
	w := s.Block(stream, n, index)
	return lo + float64((hi-lo)*Unit(w[0], w[1]))
}

// Normal draws from a Gaussian by the Box-Muller transform:
// mean + std·sqrt(-2 ln u1)·cos(2π u2), u1 in (0, 1], u2 in [0, 1)
// (the cosine mathfn.CosTurn(u2)).
func (s Source) Normal(stream uint32, n, index uint64, mean, std float64) float64 {
	w := s.Block(stream, n, index)
	return mean + float64(std*StdNormal(w))
}

// StdNormal is the standard normal draw of a block. The angle is in
// turns, its cosine mathfn.CosTurn's (exact reduction, no case beyond
// [0, 1)), which vectorises more cheaply than mathfn.Cos(2*pi*u).
func StdNormal(w [4]uint32) float64 {
	r := math.Sqrt(-2 * mathfn.Log(unitOpen(w[0], w[1])))
	return r * mathfn.CosTurn(Unit(w[2], w[3]))
}

// NormalQuad draws white noise by fours: element index takes one of the
// four standard normals (StdNormalQuad) of a block, as mean + std·z in
// float64. The elements are taken in groups of 512, each group from 128
// blocks: element 512g + 128j + b takes number j of block 128g + b
// (QuadBlock), so that a loop over a group's blocks stores each number
// j of consecutive blocks to consecutive elements, and a loop over
// elements reads them so. Four elements share one Philox block, and the
// draw's logarithm, square root, cosine and sine are binary32's, whose
// vectors hold twice the lanes.
func (s Source) NormalQuad(stream uint32, n, index uint64, mean, std float64) float64 {
	block, j := QuadBlock(index)
	z := StdNormalQuad(s.Block(stream, n, block))
	return mean + float64(std*float64(z[j]))
}

// QuadGroup and QuadBlocks are the elements of a group of NormalQuad
// and the blocks it draws from.
const (
	QuadGroup  = 512
	QuadBlocks = QuadGroup / 4
)

// QuadBlock returns the block of NormalQuad's element index and the
// number of its four that the element takes.
func QuadBlock(index uint64) (block uint64, j int) {
	return index/QuadGroup*QuadBlocks + index%QuadBlocks, int(index / QuadBlocks % 4)
}

// StdNormalQuad is the four standard normal draws of a block, two
// Box–Muller pairs in binary32: words 0 and 1 make the first pair, words
// 2 and 3 the second (boxMuller32). Each is a normal to binary32's
// precision (Log32, Sin32 and Cos32 within 1.5 ulp), with tails to
// sqrt(-2 ln 2^-32) = 6.66 (|z| beyond it has probability 3e-11).
func StdNormalQuad(w [4]uint32) [4]float32 {
	c0, s0 := boxMuller32(w[0], w[1])
	c1, s1 := boxMuller32(w[2], w[3])
	return [4]float32{c0, s0, c1, s1}
}

// quarterStep is the angle between neighbouring draws of boxMuller32,
// pi/2 2^-22 rounded to a float32.
const quarterStep = float32(math.Pi / 2 * 0x1p-22)

// boxMuller32 is the Box–Muller pair r·cos θ, r·sin θ of words a (the
// radius's) and b (the angle's) in binary32: r = sqrt(-2 ln u1) with
// u1 = unitOpen32(a), and θ = q π/2 + x, uniform in [0, 2π) on 2^24
// points, from b's top two bits (the quadrant q) and the next 22 (x =
// (v - 2^21) quarterStep in [-π/4, π/4), exact before one rounding), so
// that no reduction is needed: (cos θ, sin θ) is (c, s), (-s, c), (-c, -s)
// or (s, -c) for q = 0..3, with c, s = mathfn.Cos32(x), mathfn.Sin32(x).
func boxMuller32(a, b uint32) (cos, sin float32) {
	r := float32(math.Sqrt(float64(-2 * mathfn.Log32(unitOpen32(a)))))
	x := float32(int32(b>>8&0x3FFFFF)-0x200000) * quarterStep
	c, s := mathfn.Cos32(x), mathfn.Sin32(x)
	switch b >> 30 {
	case 0:
		return r * c, r * s
	case 1:
		return r * -s, r * c
	case 2:
		return r * -c, r * -s
	default:
		return r * s, r * -c
	}
}

// unitOpen32 maps a word to (0, 1] in binary32: (a>>1)·2^-31 + 2^-32, a
// 31-bit integer converted (rounded to 24 bits where it has more) and
// scaled exactly, then the half step added (rounded); at least 2^-32, at
// most 1.
func unitOpen32(a uint32) float32 {
	return float32(float32(a>>1)*0x1p-31) + 0x1p-32
}

// Exponential draws from an exponential distribution with the given
// mean: -mean·ln(u), u in (0, 1].
func (s Source) Exponential(stream uint32, n, index uint64, mean float64) float64 {
	w := s.Block(stream, n, index)
	return -mean * mathfn.Log(unitOpen(w[0], w[1]))
}

// Below draws an integer in [0, n) from the block's first two words by
// multiplying and keeping the high half (Lemire's method without its
// rejection step: the bias is below n / 2^64, under 2^-33 for any n the
// runtime uses, and no draw is ever repeated, so the number of draws is
// fixed).
func Below(w [4]uint32, n uint64) uint64 {
	hi, _ := bits.Mul64(uint64(w[0])<<32|uint64(w[1]), n)
	return hi
}

// Geometric is the number of failures before the first success of
// independent trials with success probability p, drawn by inverting the
// distribution: floor(ln u / ln(1 - p)), u in (0, 1]. logq is
// ln(1 - p), computed once by the caller (LogComplement). The result is
// capped at max.
func Geometric(w [4]uint32, logq float64, max uint64) uint64 {
	if logq == 0 {
		return max
	}
	g := math.Floor(mathfn.Log(unitOpen(w[0], w[1])) / logq)
	if !(g < float64(max)) {
		return max
	}
	return uint64(g)
}

// LogComplement returns ln(1 - p) for a probability, the denominator of
// Geometric: 0 for p = 0 (never), -Inf for p >= 1 (every trial).
func LogComplement(p float64) float64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return math.Inf(-1)
	}
	return mathfn.Log1p(-p)
}
