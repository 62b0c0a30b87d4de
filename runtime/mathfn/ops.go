package mathfn

import "math"

// Min is the smaller of x and y with Go's math.Min rules, written out so
// that every backend can follow them: NaN if either is NaN, and -0 is
// smaller than +0.
func Min(x, y float64) float64 {
	switch {
	case x != x || y != y:
		return nan()
	case x == 0 && y == 0:
		if math.Signbit(x) {
			return x
		}
		return y
	case x < y:
		return x
	}
	return y
}

// Max is the larger of x and y: NaN if either is NaN, and +0 is larger
// than -0.
func Max(x, y float64) float64 {
	switch {
	case x != x || y != y:
		return nan()
	case x == 0 && y == 0:
		if math.Signbit(x) {
			return y
		}
		return x
	case x > y:
		return x
	}
	return y
}

// Sign is -1, 0 or 1; zeros and NaN are their own sign.
func Sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x
}
