// The tests of mathfn, one file per kind of evidence: this file holds the
// ulp measures they share; reference_test.go the high-precision reference
// in math/big; accuracy_test.go the test points and the error against the
// reference and against Go's math; special_test.go the special values;
// golden_test.go the pinned bits; constants_test.go the constants,
// thresholds and the absence of fused multiply-adds; bench_test.go the
// benchmarks.

package mathfn

import (
	"flag"
	"math"
	"math/big"
)

// referencePoints sets how many random points per distribution the accuracy
// test checks against the high-precision reference. The default keeps
// `go test` fast; raise it for a thorough measurement.
var referencePoints = flag.Int("mathfn.refpoints", 300, "random points per distribution in TestAccuracyAgainstReference")

// ----------------------------------------------------------------------------
// ulp measures

// orderedBits maps float64s to integers that are consecutive for consecutive
// floats (with +0 and -0 both at 0), so that their difference counts ulps.
func orderedBits(x float64) int64 {
	b := int64(math.Float64bits(x))
	if b < 0 {
		return math.MinInt64 - b
	}
	return b
}

// ulpDistance returns how many floats apart a and b are; two NaNs are 0 apart.
func ulpDistance(a, b float64) int64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxInt64
	}
	d := orderedBits(a) - orderedBits(b)
	if d < 0 {
		return -d
	}
	return d
}

// overflowBoundary, MaxFloat64 plus half an ulp, is the least real number
// that rounds to +Inf.
var overflowBoundary = new(big.Float).SetPrec(referencePrecision).Sub(
	new(big.Float).SetMantExp(big.NewFloat(1), 1024),
	new(big.Float).SetMantExp(big.NewFloat(1), 970))

// ulpError returns |got - want| in units of the last place of want's binade
// (at least 2^-1074), the error measure for "within n ulp".
func ulpError(got float64, want *big.Float) float64 {
	switch {
	case math.IsNaN(got):
		return math.Inf(1)
	case want.Sign() == 0:
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	case math.IsInf(got, 0):
		abs := new(big.Float).Abs(want)
		if (got > 0) == (want.Sign() > 0) && abs.Cmp(overflowBoundary) >= 0 {
			return 0
		}
		return math.Inf(1)
	}
	ulpExponent := want.MantExp(nil) - 53
	if ulpExponent < -1074 {
		ulpExponent = -1074
	}
	diff := newRef().Sub(newRef().SetFloat64(got), want)
	diff.SetMantExp(diff, -ulpExponent)
	f, _ := diff.Float64()
	return math.Abs(f)
}
