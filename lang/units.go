package lang

import (
	"fmt"
	"sort"
	"strings"
)

// Dim is a physical dimension: the exponents of the SI base units metre,
// kilogram, second, ampere, kelvin and mole. The zero Dim is dimensionless.
type Dim [6]int8

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
	DimTime       = Dim{dimSecond: 1}
	DimFrequency  = Dim{dimSecond: -1}
	DimVoltage    = Dim{dimMetre: 2, dimKilogram: 1, dimSecond: -3, dimAmpere: -1}
	DimCurrent    = Dim{dimAmpere: 1}
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
		d[i] *= int8(n)
	}
	return d
}

// Sqrt returns the dimension of a square root, and false if some exponent
// is odd.
func (d Dim) Sqrt() (Dim, bool) {
	for i := range d {
		if d[i]%2 != 0 {
			return d, false
		}
		d[i] /= 2
	}
	return d, true
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
	{Dim{dimMetre: -2, dimKilogram: -1, dimSecond: 3, dimAmpere: 2}, "S", "conductance"},
	{Dim{dimMetre: -2, dimKilogram: -1, dimSecond: 4, dimAmpere: 2}, "F", "capacitance"},
	{Dim{dimMetre: 2, dimKilogram: 1, dimSecond: -3, dimAmpere: -2}, "ohm", "resistance"},
	{Dim{dimSecond: 1, dimAmpere: 1}, "C", "charge"},
	{Dim{dimMetre: 1}, "m", "length"},
	{Dim{dimKilogram: 1}, "kg", "mass"},
	{Dim{dimMole: 1}, "mol", "amount"},
	{Dim{dimMole: 1, dimMetre: -3}, "mol/m**3", "concentration"},
	{Dim{dimKelvin: 1}, "K", "temperature"},
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
	if s, ok := nameDim(d); ok {
		return s
	}
	names := [...]string{"m", "kg", "s", "A", "K", "mol"}
	var num, den []string
	for i, e := range d {
		switch {
		case e == 1:
			num = append(num, names[i])
		case e > 1:
			num = append(num, fmt.Sprintf("%s**%d", names[i], e))
		case e == -1:
			den = append(den, names[i])
		case e < -1:
			den = append(den, fmt.Sprintf("%s**%d", names[i], -e))
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

// nameDim writes d as a power of one named dimension, optionally per or
// times a second, or as a product or quotient of two named dimensions.
func nameDim(d Dim) (string, bool) {
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
	{[]string{"m", "metre", "meter"}, Dim{dimMetre: 1}, 1},
	{[]string{"g", "gram"}, Dim{dimKilogram: 1}, 1e-3},
	{[]string{"mol", "mole"}, Dim{dimMole: 1}, 1},
	{[]string{"M", "molar"}, namedDims[12].dim, 1e3}, // mol/l = 1000 mol/m**3
	{[]string{"K", "kelvin"}, Dim{dimKelvin: 1}, 1},
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
