package ir

import (
	"fmt"
	"strconv"
)

// Slices: a projection may connect a range of its pre side's elements to
// a range of its post side's (PreRange, PostRange), a monitor may write
// its indices relative to a subgroup (Base), and a reduction may run over
// a range of a population (Reduce.Range). The zero value of each is the
// whole node, so a model without subgroups prints and runs as before.

// PreSpan returns the first pre element the rule connects and how many:
// PreRange, or the whole pre side.
func (pr *Projection) PreSpan() (lo, n int) {
	if pr.PreRange == [2]int{} {
		if pr.Pre == nil {
			return 0, 0
		}
		return 0, pr.Pre.SourceSize()
	}
	return pr.PreRange[0], pr.PreRange[1] - pr.PreRange[0]
}

// PostSpan returns the first post neuron the rule connects and how many:
// PostRange, or the whole post population.
func (pr *Projection) PostSpan() (lo, n int) {
	if pr.PostRange == [2]int{} {
		if pr.Post == nil {
			return 0, 0
		}
		return 0, pr.Post.Size
	}
	return pr.PostRange[0], pr.PostRange[1] - pr.PostRange[0]
}

// SameSide reports whether the rule connects one set of neurons to
// itself, where its autapses argument matters: one population, and the
// same range of it on both sides.
func (pr *Projection) SameSide() bool {
	if Node(pr.Pre) != Node(pr.Post) {
		return false
	}
	a, n := pr.PreSpan()
	b, m := pr.PostSpan()
	return a == b && n == m
}

// sliceAttrs is the text form of a projection's ranges: " pre_lo=A
// pre_hi=B" and " post_lo=C post_hi=D", each only where set.
func sliceAttrs(pr *Projection) string {
	s := ""
	if pr.PreRange != [2]int{} {
		s += fmt.Sprintf(" pre_lo=%d pre_hi=%d", pr.PreRange[0], pr.PreRange[1])
	}
	if pr.PostRange != [2]int{} {
		s += fmt.Sprintf(" post_lo=%d post_hi=%d", pr.PostRange[0], pr.PostRange[1])
	}
	return s
}

// setSliceAttr reads one of the attributes sliceAttrs prints.
func setSliceAttr(pr *Projection, name, value string) error {
	x, err := strconv.Atoi(value)
	if err != nil || x < 0 {
		return fmt.Errorf("bad %s %q", name, value)
	}
	switch name {
	case "pre_lo":
		pr.PreRange[0] = x
	case "pre_hi":
		pr.PreRange[1] = x
	case "post_lo":
		pr.PostRange[0] = x
	case "post_hi":
		pr.PostRange[1] = x
	}
	return nil
}

// checkSlices reports ranges that are empty or outside their node.
func (v *verifier) checkSlices() {
	bad := func(r [2]int, size int) bool {
		return r != [2]int{} && (r[0] < 0 || r[0] >= r[1] || r[1] > size)
	}
	for _, pr := range v.m.Projections {
		if pr.Pre != nil && bad(pr.PreRange, pr.Pre.SourceSize()) {
			v.errorf(pr.Name, "pre range %d:%d is not a non-empty range of %s's %d elements", pr.PreRange[0], pr.PreRange[1], pr.PreName(), pr.Pre.SourceSize())
		}
		if pr.Post != nil && bad(pr.PostRange, pr.Post.Size) {
			v.errorf(pr.Name, "post range %d:%d is not a non-empty range of %s's %d neurons", pr.PostRange[0], pr.PostRange[1], pr.PostName(), pr.Post.Size)
		}
	}
	for _, mon := range v.m.Monitors {
		if mon.Base < 0 {
			v.errorf(mon.Name, "negative base %d", mon.Base)
		}
	}
	v.m.Reductions(func(g *Population, x *Var) {
		r := x.Reduce
		if r.Range == [2]int{} {
			return
		}
		p, ok := r.Node.(*Population)
		switch {
		case !ok:
			v.errorf(g.Name+"."+x.Name, "a reduction over a slice of %s, which is not a population", r.Source)
		case bad(r.Range, p.Size):
			v.errorf(g.Name+"."+x.Name, "range %d:%d is not a non-empty range of %s's %d neurons", r.Range[0], r.Range[1], p.Name, p.Size)
		}
	})
}

// ReduceSpan returns the first element a reduction reads and how many,
// of n elements in its node.
func (r *Reduce) ReduceSpan(n int) (lo, count int) {
	if r.Range == [2]int{} {
		return 0, n
	}
	return r.Range[0], r.Range[1] - r.Range[0]
}
