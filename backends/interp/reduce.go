package interp

import (
	"math"

	"snnc/ir"
	"snnc/runtime/mathfn"
)

// reduction is a global's state that the run computes from a population's
// or a projection's variable (ir.Reduce).
type reduction struct {
	kind string
	at   func(i int32) float64 // element i's value
	size func() int            // the elements: neurons, or the synapses as built
	dst  *cell
}

// buildReductions finds the storage of every reduction of the module.
func (s *sim) buildReductions() {
	s.m.Reductions(func(_ *ir.Population, v *ir.Var) {
		r := v.Reduce
		c := s.cellOf[r.From]
		red := &reduction{kind: r.Kind, dst: s.cellOf[v]}
		switch n := r.Node.(type) {
		case *ir.Population:
			// Over a subgroup, its range: element i of the reduction is
			// neuron lo + i.
			lo, count := r.ReduceSpan(n.Size)
			red.size = func() int { return count }
			red.at = func(i int32) float64 { return c.val }
			if c.arr != nil {
				arr := c.arr[lo:]
				red.at = func(i int32) float64 { return arr[i] }
			}
		case *ir.Projection:
			ps := s.projBy[n]
			red.size = func() int { return ps.csr.Len() }
			// A trace decayed to this step, as a monitor records it.
			red.at = s.synapseValue(ps, c, false)
		}
		s.reds = append(s.reds, red)
	})
}

// reduce computes every reduction (step 4a of language.md section 6):
// in element order, one after the other, as every backend does
// (ir.Reduce).
func (s *sim) reduce() {
	for _, r := range s.reds {
		r.dst.arr[0] = reduceElements(r.kind, r.at, r.size())
	}
}

// reduceElements folds the values of elements 0 to n-1 in order.
func reduceElements(kind string, at func(i int32) float64, n int) float64 {
	var acc float64
	switch kind {
	case "max":
		acc = math.Inf(-1)
		for i := range n {
			acc = mathfn.Max(acc, at(int32(i)))
		}
	case "min":
		acc = math.Inf(1)
		for i := range n {
			acc = mathfn.Min(acc, at(int32(i)))
		}
	default:
		for i := range n {
			acc += at(int32(i))
		}
		if kind == "mean" {
			acc /= float64(n)
		}
	}
	return acc
}
