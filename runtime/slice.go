package runtime

// Widen returns the CSR of a rule built between two slices of populations
// (spec/language.md 4.12) as one of the whole populations: the rows of
// the pre side's nPre elements, empty outside the slice that starts at
// preLo, and each post index moved up by postLo. The synapse order is the
// slice's. The native runtime does the same (slice.c, snn_csr_widen).
func (c *CSR) Widen(preLo, nPre, postLo int) *CSR {
	rows := len(c.Start) - 1
	if preLo == 0 && rows == nPre && postLo == 0 {
		return c
	}
	start := make([]int64, nPre+1)
	for i := 0; i <= nPre; i++ {
		switch {
		case i <= preLo:
			// before the slice: no synapses yet
		case i-preLo <= rows:
			start[i] = c.Start[i-preLo]
		default:
			start[i] = c.Start[rows]
		}
	}
	for s := range c.Post {
		c.Post[s] += int32(postLo)
	}
	return &CSR{Start: start, Post: c.Post}
}

// rebased returns the indices less base (a copy; the indices themselves
// where base is 0).
func rebased(index []int32, base int32) []int32 {
	if base == 0 {
		return index
	}
	out := make([]int32, len(index))
	for n, i := range index {
		out[n] = i - base
	}
	return out
}
