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
	src  *cell
	size func() int // the elements: neurons, or the synapses as built
	dst  *cell
}

// buildReductions finds the storage of every reduction of the module.
func (s *sim) buildReductions() {
	s.m.Reductions(func(_ *ir.Population, v *ir.Var) {
		r := v.Reduce
		red := &reduction{kind: r.Kind, src: s.cellOf[r.From], dst: s.cellOf[v]}
		switch n := r.Node.(type) {
		case *ir.Population:
			red.size = func() int { return n.Size }
		case *ir.Projection:
			ps := s.projBy[n]
			red.size = func() int { return ps.csr.Len() }
		}
		s.reds = append(s.reds, red)
	})
}

// reduce computes every reduction (step 4a of language.md section 6):
// in element order, one after the other, as every backend does
// (ir.Reduce).
func (s *sim) reduce() {
	for _, r := range s.reds {
		r.dst.arr[0] = reduceCell(r.kind, r.src, r.size())
	}
}

// reduceCell folds n elements of c: a uniform parameter counts n times.
func reduceCell(kind string, c *cell, n int) float64 {
	at := func(i int) float64 { return c.val }
	if c.arr != nil {
		at = func(i int) float64 { return c.arr[i] }
	}
	var acc float64
	switch kind {
	case "max":
		acc = math.Inf(-1)
		for i := range n {
			acc = mathfn.Max(acc, at(i))
		}
	case "min":
		acc = math.Inf(1)
		for i := range n {
			acc = mathfn.Min(acc, at(i))
		}
	default:
		for i := range n {
			acc += at(i)
		}
		if kind == "mean" {
			acc /= float64(n)
		}
	}
	return acc
}
