package llvm

import "snnc/ir"

// sliceFields are a projection's ranges as the runtime's snn_projection
// holds them: pre_lo, pre_n, post_lo, post_n, n 0 for a whole side (a
// slice is never empty; runtime/c/slice.c builds the synapses).
func sliceFields(pr *ir.Projection) string {
	side := func(r [2]int) string {
		if r == [2]int{} {
			return "0, 0"
		}
		return cint(int64(r[0])) + ", " + cint(int64(r[1]-r[0]))
	}
	return side(pr.PreRange) + ", " + side(pr.PostRange)
}
