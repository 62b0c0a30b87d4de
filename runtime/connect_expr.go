package runtime

import (
	"fmt"
	"math"

	"snnc/runtime/rng"
)

// PairFuncs are a projection's connect.* kernels (ir/connect.go) as a
// backend evaluates them, with the rule's indices: i in [0, nPre) and j in
// [0, nPost), counted from the start of a slice (the backend adds the
// slice's start where a kernel reads a neuron). A nil function is a part
// the connect does not have. runtime/c/connect_expr.c builds the same
// rows from the same calls.
type PairFuncs struct {
	Where func(i, j int) bool    // the condition
	P     func(i, j int) float64 // fixed_probability's p of the pair
	Lo    func(i int) float64    // generate's first k for i
	Hi    func(i int) float64    // generate's bound: k < Hi(i)
	J     func(i, k int) float64 // generate's post index
	// WherePost says that the condition reads post.x: it cannot be asked
	// about a generated j outside the post side.
	WherePost bool
}

// Has says whether the connect has any of them: Connect's rules alone do
// not build it.
func (f PairFuncs) Has() bool { return f.Where != nil || f.P != nil || f.J != nil }

// ConnectPairs makes the synapses of a rule with a condition, a
// probability that depends on the pair, or a generator (language.md 4.3;
// runtime.md says what each costs). A row is made in the order of its
// candidates: j ascending for all_to_all and fixed_probability, generation
// order (k ascending) for generate.
//
//   - all_to_all: every pair (i, j) where the condition holds.
//   - fixed_probability with a constant p: Connect's rows (the same draws,
//     by geometric skipping), less the pairs where the condition fails.
//   - fixed_probability with p(i, j): the condition first, then one draw
//     per pair it admits, keyed by (pre i, post j): u from the block
//     (stream, n = j, index = i), the pair kept when u < p.
//   - generate: j = J(i, k) for k = Lo(i), Lo(i)+K, ... below Hi(i),
//     where the condition holds; a j outside [0, nPost) is an error unless
//     Skip drops it (or a condition that does not read post.x excludes it).
func ConnectPairs(src rng.Source, stream uint32, r Rule, nPre, nPost int, same bool, f PairFuncs) (*CSR, error) {
	excludeSelf := same && !r.Autapses
	where := f.Where
	if where == nil {
		where = func(int, int) bool { return true }
	}
	switch {
	case r.Kind == "all_to_all":
		return rowsErr(nPre, func(i int, out []int32) ([]int32, error) {
			for j := 0; j < nPost; j++ {
				if !(excludeSelf && i == j) && where(i, j) {
					out = append(out, int32(j))
				}
			}
			return out, nil
		})
	case r.Kind == "fixed_probability" && f.P == nil:
		c, err := Connect(src, stream, r, nPre, nPost, same)
		if err != nil {
			return nil, err
		}
		return rowsErr(nPre, func(i int, out []int32) ([]int32, error) {
			for _, j := range c.Post[c.Start[i]:c.Start[i+1]] {
				if where(i, int(j)) {
					out = append(out, j)
				}
			}
			return out, nil
		})
	case r.Kind == "fixed_probability":
		return rowsErr(nPre, func(i int, out []int32) ([]int32, error) {
			for j := 0; j < nPost; j++ {
				if excludeSelf && i == j || !where(i, j) {
					continue
				}
				p := f.P(i, j)
				if !(p >= 0 && p <= 1) {
					return out, fmt.Errorf("p is %g for the pair i = %d, j = %d; a probability must be in [0, 1]", p, i, j)
				}
				if PairDraw(src, stream, i, j) < p {
					out = append(out, int32(j))
				}
			}
			return out, nil
		})
	case r.Kind == "generate":
		step := r.K
		if step < 1 {
			step = 1
		}
		return rowsErr(nPre, func(i int, out []int32) ([]int32, error) {
			lo, hi := f.Lo(i), f.Hi(i)
			if err := GenBounds(i, lo, hi, step); err != nil {
				return out, err
			}
			for k := int64(lo); float64(k) < hi; k += int64(step) {
				jv := f.J(i, int(k))
				if jv != math.Trunc(jv) {
					return out, fmt.Errorf("generate made j = %g for i = %d, k = %d; an index is a whole number", jv, i, k)
				}
				if !(jv >= 0 && jv < float64(nPost)) {
					// A condition that does not read post.x may exclude
					// it (Brian2 tests its if before the index).
					if r.Skip || f.Where != nil && !f.WherePost && math.Abs(jv) < 1<<31 && !f.Where(i, int(jv)) {
						continue
					}
					return out, fmt.Errorf("generate made j = %g for i = %d, k = %d, outside the %d post neurons; drop such j with skip_if_invalid = true", jv, i, k, nPost)
				}
				if where(i, int(jv)) {
					out = append(out, int32(jv))
				}
			}
			return out, nil
		})
	}
	return nil, fmt.Errorf("a condition or a probability expression does not apply to %s", r.Kind)
}

// PairDraw is the uniform number in [0, 1) that decides whether the pair
// (i, j) of a fixed_probability with a probability expression is
// connected: the block (stream, n = j, index = i), so that it depends on
// the pair only, not on the order or the thread that draws it.
func PairDraw(src rng.Source, stream uint32, i, j int) float64 {
	w := src.Block(stream, uint64(j), uint64(i))
	return rng.Unit(w[0], w[1])
}

// GenBounds checks a generator's range for pre neuron i: whole numbers
// within ±2^31 (k is passed to the index kernel as a synapse's post index,
// an int32), and no more values of k than a projection may have synapses
// (a range that long is a mistake, and walking it would not end soon).
func GenBounds(i int, lo, hi float64, step int) error {
	switch {
	case lo != math.Trunc(lo) || math.IsInf(lo, 0):
		return fmt.Errorf("generate's range starts at %g for i = %d; its bounds are whole numbers", lo, i)
	case hi != math.Trunc(hi) || math.IsInf(hi, 0):
		return fmt.Errorf("generate's range ends at %g for i = %d; its bounds are whole numbers", hi, i)
	case lo < -(1<<31) || hi > 1<<31:
		return fmt.Errorf("generate's range(%g, %g) for i = %d goes beyond ±2^31", lo, hi, i)
	case (hi-lo)/float64(step) > MaxSynapses:
		return fmt.Errorf("generate's range(%g, %g) for i = %d has more values than a projection may have synapses (%d)", lo, hi, i, MaxSynapses)
	}
	return nil
}

// rowsErr builds a CSR row by row, as rows does, stopping at a row's
// error.
func rowsErr(nPre int, row func(i int, out []int32) ([]int32, error)) (*CSR, error) {
	c := &CSR{Start: make([]int64, nPre+1)}
	for i := 0; i < nPre; i++ {
		var err error
		if c.Post, err = row(i, c.Post); err != nil {
			return nil, err
		}
		if len(c.Post) > MaxSynapses {
			return nil, fmt.Errorf("the rule made more than %d synapses", MaxSynapses)
		}
		c.Start[i+1] = int64(len(c.Post))
	}
	return c, nil
}
