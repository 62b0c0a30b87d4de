package lang

import (
	"fmt"
	"sort"
	"strings"
)

// Dim is a physical dimension: the exponents of the SI base units metre,
// kilogram, second, ampere, kelvin and mole, each held in halves (an entry
// of 2 is the exponent 1) so that the square root of any dimension has
// one: white noise (xi) has the dimension s**-0.5, a noise amplitude
// mV/sqrt(ms). The zero Dim is dimensionless.
type Dim [6]int16

// one is an exponent of 1 in a Dim's entries, which count halves.
const one = 2

const (
	dimMetre = iota
	dimKilogram
	dimSecond
	dimAmpere
	dimKelvin
	dimMole
)

var (
	Dimensionless = Dim{}
	DimTime       = Dim{dimSecond: one}
	DimFrequency  = Dim{dimSecond: -one}
	DimVoltage    = Dim{dimMetre: 2 * one, dimKilogram: one, dimSecond: -3 * one, dimAmpere: -one}
	DimCurrent    = Dim{dimAmpere: one}
	// DimNoise is white noise's, xi's: s**-0.5 (Brian2's convention).
	DimNoise = Dim{dimSecond: -1}
)

// Mul returns the dimension of a product.
func (d Dim) Mul(e Dim) Dim {
	for i := range d {
		d[i] += e[i]
	}
	return d
}

// Div returns the dimension of a quotient.
func (d Dim) Div(e Dim) Dim {
	for i := range d {
		d[i] -= e[i]
	}
	return d
}

// Pow returns the dimension of d raised to an integer power.
func (d Dim) Pow(n int) Dim {
	for i := range d {
		d[i] *= int16(n)
	}
	return d
}

// Sqrt returns the dimension of a square root, and false if some exponent
// is not a whole number of halves' halves (a quarter power), which no
// Dim holds.
func (d Dim) Sqrt() (Dim, bool) {
	for i := range d {
		if d[i]%2 != 0 {
			return d, false
		}
		d[i] /= 2
	}
	return d, true
}

// PowHalf returns d to the power h/2 (h = 1 is the square root, h = -3
// the power -1.5), and false where an exponent would not be a whole
// number of halves.
func (d Dim) PowHalf(h int) (Dim, bool) {
	for i := range d {
		e := int(d[i]) * h
		if e%2 != 0 {
			return d, false
		}
		d[i] = int16(e / 2)
	}
	return d, true
}

// IsIntegral reports whether every exponent of d is an integer.
func (d Dim) IsIntegral() bool {
	for _, e := range d {
		if e%one != 0 {
			return false
		}
	}
	return true
}

// IsDimensionless reports whether d is the dimension of a pure number.
func (d Dim) IsDimensionless() bool { return d == Dimensionless }

// namedDims are the dimensions with a name, used to print a Dim the way a
// neuroscientist would write it.
var namedDims = []struct {
	dim  Dim
	unit string
	what string
}{
	{Dimensionless, "1", "dimensionless"},
	{DimTime, "s", "time"},
	{DimFrequency, "Hz", "frequency"},
	{DimVoltage, "V", "voltage"},
	{DimCurrent, "A", "current"},
	{Dim{dimMetre: -2 * one, dimKilogram: -one, dimSecond: 3 * one, dimAmpere: 2 * one}, "S", "conductance"},
	{Dim{dimMetre: -2 * one, dimKilogram: -one, dimSecond: 4 * one, dimAmpere: 2 * one}, "F", "capacitance"},
	{Dim{dimMetre: 2 * one, dimKilogram: one, dimSecond: -3 * one, dimAmpere: -2 * one}, "ohm", "resistance"},
	{Dim{dimSecond: one, dimAmpere: one}, "C", "charge"},
	{Dim{dimMetre: one}, "m", "length"},
	{Dim{dimKilogram: one}, "kg", "mass"},
	{Dim{dimMole: one}, "mol", "amount"},
	{Dim{dimMole: one, dimMetre: -3 * one}, "mol/m**3", "concentration"},
	{Dim{dimKelvin: one}, "K", "temperature"},
}

// String prints d in SI units: V, V/s, A*s, kg*m**2, 1/s is printed Hz.
func (d Dim) String() string {
	for _, n := range namedDims {
		if n.dim == d {
			return n.unit
		}
	}
	// Products and quotients of named dimensions read better than base
	// units: V/s, S*s, 1/V, V**2/s, S*V.
	named, ok := nameDim(d)
	if ok && d.IsIntegral() {
		return named
	}
	base := baseUnitsOf(d)
	if ok && len(named) <= len(base) {
		return named // V/s**0.5 rather than m**2*kg/s**3.5/A
	}
	return base // s**1.5 rather than s*s**0.5
}

// baseUnitsOf writes d in SI base units: m**2*kg/s**3/A.
func baseUnitsOf(d Dim) string {
	names := [...]string{"m", "kg", "s", "A", "K", "mol"}
	var num, den []string
	for i, e := range d {
		switch {
		case e == one:
			num = append(num, names[i])
		case e > 0:
			num = append(num, names[i]+"**"+exponent(int(e)))
		case e == -one:
			den = append(den, names[i])
		case e < 0:
			den = append(den, names[i]+"**"+exponent(int(-e)))
		}
	}
	s := strings.Join(num, "*")
	if s == "" {
		s = "1"
	}
	if len(den) > 0 {
		s += "/" + strings.Join(den, "/")
	}
	return s
}

// exponent prints an exponent counted in halves: 2 is "2" (h = 4), 1.5
// is "1.5" (h = 3).
func exponent(h int) string {
	if h%one == 0 {
		return fmt.Sprint(h / one)
	}
	return fmt.Sprintf("%d.5", h/one)
}

// nameDim writes d as a power of one named dimension, optionally per or
// times a second (or a square root of one: a noise amplitude in V/s**0.5
// reads as what it is), or as a product or quotient of two named
// dimensions.
func nameDim(d Dim) (string, bool) {
	if d.IsIntegral() {
		return nameIntegralDim(d)
	}
	rootTime := Dim{dimSecond: 1}
	switch Dimensionless {
	case d.Div(rootTime):
		return "s**0.5", true
	case d.Mul(rootTime):
		return "1/s**0.5", true
	}
	// Of the two readings (per or times a root second) the shorter one:
	// V*s**0.5 rather than V*s/s**0.5.
	best := ""
	if s, ok := nameIntegralDim(d.Mul(rootTime)); ok {
		best = s + "/s**0.5"
	}
	if s, ok := nameIntegralDim(d.Div(rootTime)); ok && (best == "" || len(s)+7 < len(best)) {
		best = s + "*s**0.5"
	}
	return best, best != ""
}

// nameIntegralDim is nameDim for integer exponents.
func nameIntegralDim(d Dim) (string, bool) {
	for _, n := range namedDims {
		if n.dim == d {
			return n.unit, true
		}
	}
	named := namedDims[1:]
	pow := func(unit string, p int) string {
		if p == 1 {
			return unit
		}
		return fmt.Sprintf("%s**%d", unit, p)
	}
	for _, p := range []int{1, 2, 3} {
		for _, n := range named {
			base := n.dim.Pow(p)
			switch d {
			case base.Div(DimTime):
				return pow(n.unit, p) + "/s", true
			case base.Mul(DimTime):
				return pow(n.unit, p) + "*s", true
			case Dimensionless.Div(base):
				return "1/" + pow(n.unit, p), true
			case base:
				return pow(n.unit, p), true
			}
		}
	}
	for _, a := range named {
		for _, b := range named {
			if a.dim.Mul(b.dim) == d {
				return a.unit + "*" + b.unit, true
			}
			if a.dim.Div(b.dim) == d {
				return a.unit + "/" + b.unit, true
			}
		}
	}
	return "", false
}

// Describe says what a dimension is, for messages: "voltage (V)".
func (d Dim) Describe() string {
	for _, n := range namedDims {
		if n.dim == d {
			if n.unit == "1" {
				return "dimensionless"
			}
			return fmt.Sprintf("%s (%s)", n.what, n.unit)
		}
	}
	return d.String()
}

// Unit is a named unit: its dimension and its size in SI base units.
type Unit struct {
	Name  string
	Dim   Dim
	Scale float64
}

// baseUnits take SI prefixes. Each is listed under its symbol and, where
// Brian2 users would write it, its long name (msecond, mvolt, nsiemens).
var baseUnits = []struct {
	names []string
	dim   Dim
	scale float64
}{
	{[]string{"s", "second"}, DimTime, 1},
	{[]string{"Hz", "hertz"}, DimFrequency, 1},
	{[]string{"V", "volt"}, DimVoltage, 1},
	{[]string{"A", "amp", "ampere"}, DimCurrent, 1},
	{[]string{"S", "siemens"}, namedDims[5].dim, 1},
	{[]string{"F", "farad"}, namedDims[6].dim, 1},
	{[]string{"ohm", "Ohm", "Ω"}, namedDims[7].dim, 1},
	{[]string{"C", "coulomb"}, namedDims[8].dim, 1},
	{[]string{"m", "metre", "meter"}, Dim{dimMetre: one}, 1},
	{[]string{"g", "gram"}, Dim{dimKilogram: one}, 1e-3},
	{[]string{"mol", "mole"}, Dim{dimMole: one}, 1},
	{[]string{"M", "molar"}, namedDims[12].dim, 1e3}, // mol/l = 1000 mol/m**3
	{[]string{"K", "kelvin"}, Dim{dimKelvin: one}, 1},
}

var prefixes = []struct {
	symbol string
	scale  float64
}{
	{"y", 1e-24}, {"z", 1e-21}, {"a", 1e-18}, {"f", 1e-15}, {"p", 1e-12}, {"n", 1e-9},
	{"u", 1e-6}, {"µ", 1e-6}, {"μ", 1e-6}, {"m", 1e-3}, {"c", 1e-2}, {"d", 1e-1},
	{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
}

// units maps every unit name snnc knows (with and without prefix) to its
// definition.
var units = func() map[string]Unit {
	m := map[string]Unit{}
	for _, b := range baseUnits {
		for _, name := range b.names {
			m[name] = Unit{Name: name, Dim: b.dim, Scale: b.scale}
		}
	}
	for _, b := range baseUnits {
		for _, name := range b.names {
			for _, p := range prefixes {
				pn := p.symbol + name
				if _, taken := m[pn]; !taken { // "mol" stays mole, not milli-ol
					m[pn] = Unit{Name: pn, Dim: b.dim, Scale: p.scale * b.scale}
				}
			}
		}
	}
	return m
}()

// LookupUnit returns the unit with the given name.
func LookupUnit(name string) (Unit, bool) {
	u, ok := units[name]
	return u, ok
}

// suggestUnit returns a known unit close to name, or "".
func suggestUnit(name string) string {
	var best []string
	for u := range units {
		if strings.EqualFold(u, name) {
			best = append(best, u)
		}
	}
	if len(best) > 0 {
		// "mv" means mV, not MV: prefer the candidate whose first letter,
		// the prefix, has the case the user typed.
		sort.Slice(best, func(i, j int) bool {
			fi, fj := best[i][0] == name[0], best[j][0] == name[0]
			if fi != fj {
				return fi
			}
			return best[i] < best[j]
		})
		return best[0]
	}
	return ""
}

// Units returns every unit name snnc knows, sorted, with its definition:
// what a backend's runtime needs to read "0.3nA" as the language does.
func Units() []Unit {
	out := make([]Unit, 0, len(units))
	for _, u := range units {
		out = append(out, u)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Exponents returns d's exponents as whole numbers, the form the native
// runtime's quantity parser (runtime/c/quantity.c) reads, and false where
// one is a half: such a dimension has no form there.
func (d Dim) Exponents() ([6]int8, bool) {
	var e [6]int8
	for i, h := range d {
		e[i] = int8(h / one)
	}
	return e, d.IsIntegral()
}
