package interp

import (
	"slices"

	"snnc/ir"
)

// summed runs step 4a of language.md section 6: every summed variable (of
// the post neurons, or the pre neurons for summed pre.x) is set to 0, then
// each projection's summed kernel adds its synapses' contributions,
// projection by projection in declaration order and synapse by synapse in
// synapse order. The llvm runtime adds in the same order
// (runtime/c/summed.c), so the sums are the same bits.
func (s *sim) summed(k int64, t float64) {
	if s.sumTargets == nil {
		s.sumTargets = []*cell{}
		for _, pr := range s.projs {
			for _, v := range ir.SummedTargets(ir.KernelNamed(pr.pr.Kernels, "summed")) {
				if c := s.cellOf[v]; c != nil && !slices.Contains(s.sumTargets, c) {
					s.sumTargets = append(s.sumTargets, c)
				}
			}
		}
	}
	for _, c := range s.sumTargets {
		clear(c.arr)
	}
	for _, pr := range s.projs {
		if pr.summed == nil {
			continue
		}
		for syn := range pr.site.n {
			pr.summed.one(k, t, syn)
		}
	}
}
