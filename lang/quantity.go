package lang

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// ParseQuantity reads a number with an optional unit as a command line
// gives it: "0.3nA", "0.3 nA", "20ms", "1e-3 s", "5". The value is in SI
// base units, computed as the language computes a number with a unit
// (the number times the unit's scale), so a value given on the command
// line is the same float64 as the same text in a model.
func ParseQuantity(s string) (float64, Dim, error) {
	text := strings.TrimSpace(s)
	// The number is the longest prefix that is one, in range or not:
	// "1e400nA" is a number out of range with the unit nA, not 1e40
	// with the unit 0nA.
	end := len(text)
	var x float64
	for ; end > 0; end-- {
		var err error
		x, err = strconv.ParseFloat(text[:end], 64)
		if errors.Is(err, strconv.ErrRange) {
			return 0, Dim{}, fmt.Errorf("%q: %s is out of range (numbers go up to about 1.8e308 in magnitude)", s, text[:end])
		}
		if err == nil {
			break
		}
	}
	if end == 0 {
		return 0, Dim{}, fmt.Errorf("%q is not a number with an optional unit (for example 0.3nA or 20 ms)", s)
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, Dim{}, fmt.Errorf("%q is not a finite number", s)
	}
	// "1e" parses as nothing, but "1e3" does: a unit that starts with e
	// is not one snnc knows, so the greedy prefix is right.
	unit := strings.TrimSpace(text[end:])
	if unit == "" {
		return x, Dimensionless, nil
	}
	u, ok := LookupUnit(unit)
	if !ok {
		if strings.IndexFunc(unit, unicode.IsSpace) >= 0 || strings.ContainsAny(unit, "*/^") {
			return 0, Dim{}, fmt.Errorf("%q: give a single unit (such as nA, mV, ms, Hz)", s)
		}
		msg := fmt.Sprintf("%q: unknown unit %q", s, unit)
		if sug := suggestUnit(unit); sug != "" {
			msg += fmt.Sprintf("; did you mean %s?", sug)
		}
		return 0, Dim{}, fmt.Errorf("%s", msg)
	}
	if v := x * u.Scale; !math.IsInf(v, 0) {
		return v, u.Dim, nil
	}
	return 0, Dim{}, fmt.Errorf("%q: %s %s is out of range (more than about 1.8e308 in SI units)", s, text[:end], unit)
}

// RuntimeParams returns the dimension of every runtime parameter under
// the name a run's --set uses: NAME for a top-level one, POPULATION.NAME
// or PROJECTION.NAME for one of a neuron or synapse type.
func (p *Program) RuntimeParams() map[string]Dim {
	out := map[string]Dim{}
	for _, sym := range p.Params {
		if sym.Runtime {
			out[sym.Name] = sym.Type.Dim
		}
	}
	add := func(owner string, b *Body) {
		for _, sym := range b.Params {
			if sym.Runtime {
				out[owner+"."+sym.Name] = sym.Type.Dim
			}
		}
	}
	for _, pop := range p.Populations {
		add(pop.Name, pop.Type)
	}
	for _, pr := range p.Projections {
		add(irName(pr), pr.Synapse)
	}
	return out
}

// DrivenParams returns the runtime parameters (by the name --set uses)
// that a current sets in every step, with the current's name: --set
// cannot give them a value, so they are not offered as settable.
func (p *Program) DrivenParams() map[string]string {
	out := map[string]string{}
	for _, c := range p.Currents {
		if c.Target != nil && c.Param != nil && c.Param.Runtime {
			out[c.Target.Name+"."+c.Param.Name] = c.Name
		}
	}
	return out
}

// DeclaredRanges returns the range each runtime parameter that states one
// (in [lo, hi]) may take, in SI units, under the name --set uses.
func (p *Program) DeclaredRanges() map[string][2]float64 {
	out := map[string][2]float64{}
	for _, sym := range p.Params {
		if sym.Runtime && sym.Range != nil {
			out[sym.Name] = *sym.Range
		}
	}
	add := func(owner string, b *Body) {
		for _, sym := range b.Params {
			if sym.Runtime && sym.Range != nil {
				out[owner+"."+sym.Name] = *sym.Range
			}
		}
	}
	for _, pop := range p.Populations {
		add(pop.Name, pop.Type)
	}
	for _, pr := range p.Projections {
		add(irName(pr), pr.Synapse)
	}
	return out
}

// Weights returns the dimension of the weight w of each projection whose
// synapse type has one, by the projection's IR name.
func (p *Program) Weights() map[string]Dim {
	out := map[string]Dim{}
	for _, pr := range p.Projections {
		if w := pr.Synapse.Var("w"); w != nil {
			out[irName(pr)] = w.Type.Dim
		}
	}
	return out
}

// SetPruneWeight sets the bound below which a synapse's weight w is
// pruned: value in SI units of dimension dim, which must be the
// dimension of some projection's w. It replaces the model's prune_weight.
func (p *Program) SetPruneWeight(value float64, dim Dim) error {
	if !(value >= 0) || math.IsInf(value, 0) {
		return fmt.Errorf("the prune bound must be a finite number, 0 or more, not %g", value)
	}
	var dims []string
	for _, d := range p.Weights() {
		if d == dim {
			p.Run.Prune, p.Run.PruneWeight, p.Run.PruneDim = true, value, dim
			return nil
		}
		dims = append(dims, d.String())
	}
	if len(dims) == 0 {
		return fmt.Errorf("no synapse of the model has a weight w to prune")
	}
	slices.Sort(dims)
	return fmt.Errorf("the prune bound is in %s, but the synapses' weights w are in %s", dim, strings.Join(slices.Compact(dims), ", "))
}
