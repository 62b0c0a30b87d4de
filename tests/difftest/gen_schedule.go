package difftest

import (
	"fmt"
	"math/rand/v2"
)

// genSchedule gives some models scheduled code (at, every) on one of their
// populations of a type with a membrane potential v in mV. It draws from a
// generator of its own, so that the rest of every seed's model is what it
// was before scheduled code existed.
func (g *gen) genSchedule(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x5c4e_d01e))
	if r.Float64() >= 0.4 {
		return
	}
	var cands []*popInfo
	for _, p := range g.pops {
		if p.generated || p.typ == "LIF" {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return
	}
	p := cands[r.IntN(len(cands))]
	dtMs := g.dt * 1e3
	at := func() string { return fmt.Sprintf("%.6g ms", float64(r.IntN(g.steps))*dtMs) } // a whole step
	switch r.IntN(3) {
	case 0:
		g.p("at %s on %s { v -= %d mV }\n", at(), p.name, 1+r.IntN(5))
	case 1:
		g.p("every %.6g ms on %s { v += uniform(-1 mV, 1 mV) }\n", float64(1+r.IntN(20))*dtMs, p.name)
	default:
		g.p("at %s on %s {\n    if i %% 2 == 0 {\n        v += normal(0 mV, 0.5 mV)\n    }\n}\n", at(), p.name)
	}
	g.p("\n")
}
