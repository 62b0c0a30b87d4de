package mathfn

import "math"

// The algorithms here come from fdlibm, which manipulates a float64 as two
// 32-bit words: the high word holds the sign, the exponent and the top 20
// bits of the mantissa, so one integer comparison on it classifies the
// argument. These helpers keep that structure visible so that a port to C or
// LLVM IR can follow the Go code line by line.

// nanBits is the one NaN every function returns. Passing an input NaN
// through (as x+x would) keeps its payload, and payload propagation differs
// between CPUs, so the result would not be the same bits on every backend.
const nanBits = 0x7FF8000000000000

func nan() float64 { return math.Float64frombits(nanBits) }

func highWord(x float64) uint32 { return uint32(math.Float64bits(x) >> 32) }

func lowWord(x float64) uint32 { return uint32(math.Float64bits(x)) }

func fromWords(high, low uint32) float64 {
	return math.Float64frombits(uint64(high)<<32 | uint64(low))
}

func withHighWord(x float64, high uint32) float64 { return fromWords(high, lowWord(x)) }

// withLowWordCleared truncates x to its top 21 mantissa bits. Products of
// such short numbers with other short numbers are exact, which is how the
// algorithms carry more than 53 bits through a computation without FMA.
func withLowWordCleared(x float64) float64 { return fromWords(highWord(x), 0) }

// twoPow returns 2^k exactly; k must lie in [-1022, 1023].
func twoPow(k int) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// scaleByTwoPow returns y*2^k rounded once, for y within a factor of two of 1
// and k in [-1100, 1024].
func scaleByTwoPow(y float64, k int) float64 {
	switch {
	case k > 1023:
		// 2^1024 is not a float64; y*2 is exact, so only the last product rounds.
		return float64(float64(y*2) * 0x1p1023)
	case k >= -1021:
		return float64(y * twoPow(k))
	default:
		// A result this small may be subnormal. The first product stays in the
		// normal range and is exact, so the subnormal result is rounded only once.
		return float64(float64(y*twoPow(k+1000)) * 0x1p-1000)
	}
}
