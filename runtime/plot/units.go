package plot

import "math"

// prefixes are the SI prefixes an axis may use, smallest first.
var prefixes = []struct {
	symbol string
	exp    int
}{{"p", -12}, {"n", -9}, {"µ", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}}

// plainUnits are the SI symbols a prefix may be put before: one symbol,
// so that "mV" cannot be misread. Compound units (V/s, A*s) and the number
// unit "1" keep their SI values.
var plainUnits = map[string]bool{
	"V": true, "A": true, "S": true, "F": true, "s": true, "Hz": true,
	"Ohm": true, "ohm": true, "Ω": true, "W": true, "J": true, "C": true,
	"m": true, "mol": true, "M": true, "g": true, "H": true, "T": true,
}

// scale returns the factor to multiply SI values by and the unit label
// for an axis whose largest magnitude is maxAbs: the prefix that puts it
// in [1, 1000).
func scale(unit string, maxAbs float64) (factor float64, label string) {
	if !plainUnits[unit] || maxAbs == 0 || math.IsNaN(maxAbs) || math.IsInf(maxAbs, 0) {
		return 1, unit
	}
	best := prefixes[0]
	for _, p := range prefixes {
		// The largest prefix not above the value: 0.07 V → mV (70), 2e-9 A → nA.
		if math.Pow(10, float64(p.exp)) <= maxAbs*(1+1e-12) {
			best = p
		}
	}
	return math.Pow(10, float64(-best.exp)), best.symbol + unit
}

// axisLabel writes "name (unit)", or the name alone for a number.
func axisLabel(name, unit string) string {
	switch unit {
	case "", "1":
		return name
	}
	return name + " (" + unit + ")"
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		if a := math.Abs(x); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	return m
}
