package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genSchedule gives some models scheduled code (at, every) on one of their
// populations of a type with a membrane potential v in mV. It draws from a
// generator of its own, so that the rest of every seed's model is what it
// was before scheduled code existed.
func (g *gen) genSchedule(seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x5c4e_d01e))
	g.genTimedArray(r)
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

// genTimedArray drives, in some models, a population's drive parameter
// that no current drives yet by a timed array of a few values around the
// drive that makes it fire, sampled every few steps or milliseconds (so
// that rows change within the run and the last one holds past its end).
func (g *gen) genTimedArray(r *rand.Rand) {
	if r.Float64() >= 0.3 {
		return
	}
	for _, p := range g.pops {
		if p.drive == "" || strings.Contains(g.out.String(), "-> "+p.name+"."+p.drive+" =") {
			continue
		}
		n := 2 + r.IntN(5)
		vals := make([]string, n)
		for k := range vals {
			vals[k] = fmt.Sprintf("%.3g %s", p.driveLo*(0.5+r.Float64()), p.driveUnit)
		}
		every := float64(1+r.IntN(80)) * g.dt * 1e3
		name := "ta_" + p.name
		g.p("timedarray %s: %s = [%s] every %.6g ms\n", name, p.driveUnit, strings.Join(vals, ", "), every)
		g.p("current %s_drive -> %s.%s = %s(t)\n\n", name, p.name, p.drive, name)
		return
	}
}
