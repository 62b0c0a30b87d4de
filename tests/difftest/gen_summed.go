package difftest

import "fmt"

// Summed variables (spec/language.md section 3.6) in generated models: a
// generated neuron type may have a state sg that its input reads, and
// the model may then sum gap-junction currents into it from a projection
// between generated populations. The choices come from the generator's
// own stream for them (gen.rs), so that they do not move the other
// choices of a seed.

// summedTarget writes, by chance, a summed variable sg into a generated
// neuron type and says whether it did.
func (g *gen) summedTarget(info *popInfo) bool {
	if g.rs.Float64() >= 0.3 {
		return false
	}
	g.p("    state sg: mV = 0 mV    // summed (gap junctions)\n")
	info.summed = "sg"
	info.monitored = append(info.monitored, "sg")
	return true
}

// genSummed writes, by chance, a projection of gap junctions onto a
// population with a summed variable, from a generated population (which
// has v in mV).
func (g *gen) genSummed() {
	var posts, pres []*popInfo
	for _, p := range g.pops {
		if p.summed != "" {
			posts = append(posts, p)
		}
		if p.generated {
			pres = append(pres, p)
		}
	}
	if len(posts) == 0 || g.rs.Float64() >= 0.8 {
		return
	}
	post := posts[g.rs.IntN(len(posts))]
	pre := pres[g.rs.IntN(len(pres))]
	syn := fmt.Sprintf("S%d", g.nSyn)
	proj := fmt.Sprintf("c%d", g.nSyn)
	g.nSyn++
	w := 0.01 + 0.1*g.rs.Float64()
	g.p("synapse %s {\n    param w_gap = %.3f\n    summed post.%s = w_gap * (pre.v - post.v)\n}\n", syn, w, post.summed)
	rule := "all_to_all"
	if g.rs.Float64() < 0.5 {
		rule = fmt.Sprintf("fixed_probability(%.2f)", 0.2+0.6*g.rs.Float64())
	}
	g.p("connect %s: %s -> %s using %s by %s", proj, pre.name, post.name, syn, rule)
	if g.rs.Float64() < 0.5 {
		g.p(" { w_gap = uniform(0, %.3f) }", 2*w)
	}
	g.p("\n\n")
}
