package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genPhaseInput gives some models a protocol of two or three phases that
// change the rate of one of their poisson inputs declared with a constant
// rate (language.md 4.10), the first phase sometimes too, so that the
// input runs the rates table the compiler makes of them, shared or a
// column per source. It draws from a generator of its own, so that the
// rest of every seed's model is what it was before; it reports whether it
// wrote phases, whose durations, whole milliseconds, make the run's dur.
func (g *gen) genPhaseInput(seed uint64, dur int) bool {
	r := rand.New(rand.NewPCG(seed, 0x9_4a5e_1a7e))
	if r.Float64() >= 0.25 || dur < 3 {
		return false
	}
	var cands []string
	for _, name := range g.inputs {
		if strings.Contains(g.out.String(), fmt.Sprintf("input %s = poisson[%d] { rate = ", name, g.sizes[name])) {
			cands = append(cands, name)
		}
	}
	if len(cands) == 0 {
		return false
	}
	in := cands[r.IntN(len(cands))]
	f := func(lo, hi float64) string { return fmt.Sprintf("%.3g", lo+r.Float64()*(hi-lo)) }
	rate := func() string {
		switch r.IntN(3) {
		case 0:
			return f(0, 500) + " Hz"
		case 1:
			return f(20, 200) + " Hz + i * " + f(0, 50) + " Hz"
		default:
			return f(10, 100) + " Hz * (N - i)"
		}
	}
	n := 2 + r.IntN(2)
	left := dur
	for k := range n {
		d := left
		if k < n-1 {
			d = 1 + r.IntN(left-(n-1-k))
		}
		left -= d
		g.p("phase ph%d {\n    duration = %d ms\n", k, d)
		if k > 0 || r.Float64() < 0.3 {
			g.p("    on %s { rate = %s }\n", in, rate())
		}
		g.p("}\n")
	}
	g.p("\n")
	return true
}
