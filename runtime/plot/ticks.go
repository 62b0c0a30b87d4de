package plot

import (
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
)

// ticks places labelled ticks at 1, 2 or 5 times a power of ten, four to
// seven of them on an axis, with unlabelled minor ticks between: gonum's
// default labels as few as three, which leaves a reader of a voltage trace
// guessing the values between -52 and -60. Integer ticks leave out the
// fractions (a neuron index of 1.5 means nothing).
type ticks struct{ integer bool }

func (t ticks) Ticks(lo, hi float64) []gplot.Tick {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return gplot.DefaultTicks{}.Ticks(lo, hi)
	}
	exp := math.Floor(math.Log10(span / 7))
	base := math.Pow(10, exp)
	step, minorPer := 10*base, 5
	for _, m := range []struct {
		mant  float64
		minor int
	}{{1, 5}, {2, 4}, {5, 5}} {
		if m.mant*base*7 >= span {
			step, minorPer = m.mant*base, m.minor
			break
		}
	}
	if t.integer && step < 1 {
		step, minorPer = 1, 1
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	minor := step / float64(minorPer)
	var out []gplot.Tick
	// Counting in whole minor steps keeps the values exact multiples,
	// where adding step repeatedly would drift (0.30000000000000004).
	for k := math.Ceil(lo/minor - 1e-9); k*minor <= hi+1e-9*span; k++ {
		v := k * minor
		if math.Abs(v) < 1e-12*span {
			v = 0
		}
		tk := gplot.Tick{Value: v}
		if int64(k)%int64(minorPer) == 0 {
			tk.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		out = append(out, tk)
	}
	return out
}
