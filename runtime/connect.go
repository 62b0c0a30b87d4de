package runtime

import (
	"fmt"
	"math"
	"slices"

	"snnc/runtime/rng"
)

// MaxSynapses is the most synapses one projection may have: synapse
// indices are int32 in every backend.
const MaxSynapses = math.MaxInt32

// Rule is a connectivity rule with its arguments (language.md 4.3).
type Rule struct {
	Kind     string // all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, pairs
	P        float64
	K        int
	Autapses bool
	Pairs    [][2]int
	Skip     bool // generate: drop a j outside the post side (ConnectPairs)
}

// CSR is a projection's synapses in compressed sparse rows by
// presynaptic neuron. Synapse s is the s-th in this order: the synapses
// of pre neuron i are Start[i] to Start[i+1]-1, and Post[s] is the
// postsynaptic neuron of synapse s. This order is the "synapse order" of
// language.md section 6.
type CSR struct {
	Start []int64
	Post  []int32
}

// Len is the number of synapses.
func (c *CSR) Len() int { return len(c.Post) }

// Pre returns the presynaptic index of every synapse.
func (c *CSR) Pre() []int32 {
	pre := make([]int32, len(c.Post))
	for i := 0; i+1 < len(c.Start); i++ {
		for s := c.Start[i]; s < c.Start[i+1]; s++ {
			pre[s] = int32(i)
		}
	}
	return pre
}

// ByPost returns the synapses grouped by postsynaptic neuron: those of
// post neuron j are Syn[Start[j]] to Syn[Start[j+1]-1], in synapse order.
func (c *CSR) ByPost(nPost int) (start []int64, syn []int32) {
	start = make([]int64, nPost+1)
	for _, j := range c.Post {
		start[j+1]++
	}
	for j := 0; j < nPost; j++ {
		start[j+1] += start[j]
	}
	syn = make([]int32, len(c.Post))
	fill := slices.Clone(start[:nPost])
	for s, j := range c.Post {
		syn[fill[j]] = int32(s)
		fill[j]++
	}
	return start, syn
}

// Connect makes the synapses of a rule between nPre and nPost neurons;
// same says that both sides are one population, where autapses matter.
// Every random choice is drawn from stream (rng.StreamConnect plus the
// projection's number), with the row's neuron as the counter's index and
// the number of draws made for that row as its n, so the result depends
// on the seed only.
func Connect(src rng.Source, stream uint32, r Rule, nPre, nPost int, same bool) (*CSR, error) {
	excludeSelf := same && !r.Autapses
	switch r.Kind {
	case "all_to_all":
		return rows(nPre, func(i int, out []int32) []int32 {
			for j := 0; j < nPost; j++ {
				if !(excludeSelf && i == j) {
					out = append(out, int32(j))
				}
			}
			return out
		})
	case "one_to_one":
		if nPre != nPost {
			return nil, fmt.Errorf("one_to_one needs two sides of one size, not %d and %d", nPre, nPost)
		}
		return rows(nPre, func(i int, out []int32) []int32 { return append(out, int32(i)) })
	case "fixed_probability":
		// Geometric skipping: the gap to the next synapse of a row is the
		// number of failures before a success, so the cost is one draw
		// per synapse made, not one per pair.
		logq := rng.LogComplement(r.P)
		return rows(nPre, func(i int, out []int32) []int32 {
			col := int64(-1)
			for n := uint64(0); ; n++ {
				col += int64(rng.Geometric(src.Block(stream, n, uint64(i)), logq, uint64(nPost))) + 1
				if col >= int64(nPost) {
					return out
				}
				if !(excludeSelf && col == int64(i)) {
					out = append(out, int32(col))
				}
			}
		})
	case "fixed_outdegree":
		pick := newSampler(nPost, r.K, excludeSelf)
		if err := pick.check("fixed_outdegree", "post", nPost); err != nil {
			return nil, err
		}
		return rows(nPre, func(i int, out []int32) []int32 {
			start := len(out)
			out = pick.sample(src, stream, i, out)
			slices.Sort(out[start:])
			return out
		})
	case "fixed_indegree":
		pick := newSampler(nPre, r.K, excludeSelf)
		if err := pick.check("fixed_indegree", "pre", nPre); err != nil {
			return nil, err
		}
		if int64(nPost)*int64(r.K) > MaxSynapses {
			return nil, fmt.Errorf("fixed_indegree(%d) onto %d neurons makes %d synapses, more than %d", r.K, nPost, int64(nPost)*int64(r.K), MaxSynapses)
		}
		// Draw each post neuron's presynaptic partners, then turn the
		// columns into rows; within a row the post neurons come out in
		// increasing order.
		pres := make([]int32, 0, nPost*r.K)
		for j := 0; j < nPost; j++ {
			pres = pick.sample(src, stream, j, pres)
		}
		c := &CSR{Start: make([]int64, nPre+1), Post: make([]int32, len(pres))}
		for _, i := range pres {
			c.Start[i+1]++
		}
		for i := 0; i < nPre; i++ {
			c.Start[i+1] += c.Start[i]
		}
		fill := slices.Clone(c.Start[:nPre])
		for n, i := range pres {
			c.Post[fill[i]] = int32(n / r.K)
			fill[i]++
		}
		return c, nil
	case "pairs":
		for n, p := range r.Pairs {
			if p[0] < 0 || p[0] >= nPre || p[1] < 0 || p[1] >= nPost {
				return nil, fmt.Errorf("pair %d (%d, %d) is out of range: the sides have %d and %d neurons", n, p[0], p[1], nPre, nPost)
			}
		}
		if len(r.Pairs) > MaxSynapses {
			return nil, fmt.Errorf("%d pairs are more than %d synapses", len(r.Pairs), MaxSynapses)
		}
		// A stable sort keeps the listed order of one neuron's pairs.
		sorted := slices.Clone(r.Pairs)
		slices.SortStableFunc(sorted, func(a, b [2]int) int { return a[0] - b[0] })
		c := &CSR{Start: make([]int64, nPre+1), Post: make([]int32, len(sorted))}
		for n, p := range sorted {
			c.Start[p[0]+1]++
			c.Post[n] = int32(p[1])
		}
		for i := 0; i < nPre; i++ {
			c.Start[i+1] += c.Start[i]
		}
		return c, nil
	}
	return nil, fmt.Errorf("unknown connectivity rule %q", r.Kind)
}

// rows builds a CSR row by row.
func rows(nPre int, row func(i int, out []int32) []int32) (*CSR, error) {
	c := &CSR{Start: make([]int64, nPre+1)}
	for i := 0; i < nPre; i++ {
		c.Post = row(i, c.Post)
		if len(c.Post) > MaxSynapses {
			return nil, fmt.Errorf("the rule made more than %d synapses", MaxSynapses)
		}
		c.Start[i+1] = int64(len(c.Post))
	}
	return c, nil
}

// sampler draws k distinct indices out of n by Floyd's algorithm: exactly
// k draws, whatever collides, so the count of draws (the counter's n) is
// fixed. Without autapses the row's own index is left out by drawing
// from n-1 candidates and shifting those at or above it.
type sampler struct {
	n, k        int
	excludeSelf bool
	mark        []uint32 // mark[x] == gen: x is taken in this row
	gen         uint32
}

func newSampler(n, k int, excludeSelf bool) *sampler {
	return &sampler{n: n, k: k, excludeSelf: excludeSelf}
}

func (s *sampler) check(rule, side string, n int) error {
	avail := n
	if s.excludeSelf {
		avail--
	}
	if s.k < 0 || s.k > avail {
		return fmt.Errorf("%s(%d) needs %d distinct %s neurons, and there are %d", rule, s.k, s.k, side, avail)
	}
	return nil
}

func (s *sampler) sample(src rng.Source, stream uint32, row int, out []int32) []int32 {
	if s.mark == nil {
		s.mark = make([]uint32, s.n)
	}
	s.gen++
	if s.gen == 0 { // wrapped: clear the marks of 2^32 rows ago
		clear(s.mark)
		s.gen = 1
	}
	m := s.n
	if s.excludeSelf {
		m--
	}
	take := func(x int) {
		s.mark[x] = s.gen
		if s.excludeSelf && x >= row {
			x++
		}
		out = append(out, int32(x))
	}
	n := uint64(0)
	for t := m - s.k; t < m; t++ {
		x := int(rng.Below(src.Block(stream, n, uint64(row)), uint64(t+1)))
		n++
		if s.mark[x] == s.gen {
			x = t
		}
		take(x)
	}
	return out
}
