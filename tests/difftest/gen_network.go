// The later steps of Generate (gen.go), after the types and populations
// (gen_types.go): inputs (genInput), synapse types with the projections
// that use them (genConnect, weight), currents (genCurrent), and, after
// the probes (probe.go), the monitors (genMonitors), which also write the
// global whose on spike sources now exist.

package difftest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// genInput writes an input of one of the kinds, with a data file for some.
func (g *gen) genInput(name string) {
	size := 1 + g.r.IntN(12)
	g.sizes[name] = size
	g.inputs = append(g.inputs, name)
	switch g.r.IntN(5) {
	case 0:
		if g.chance(0.5) {
			g.p("input %s = poisson[%d] { rate = %s Hz }\n\n", name, size, g.f(50, 500))
		} else {
			g.p("input %s = poisson[%d] { rate = %s Hz + i * %s Hz }\n\n", name, size, g.f(20, 200), g.f(0, 50))
		}
	case 1:
		n := 2 + g.r.IntN(4)
		var rs []string
		for k := 0; k < n; k++ {
			rs = append(rs, g.f(0, 300)+" Hz")
		}
		g.p("input %s = poisson[%d] { rates = [%s]  period = %d ms }\n\n", name, size, strings.Join(rs, ", "), 2+g.r.IntN(10))
	case 2:
		cols := 1
		if g.chance(0.5) {
			cols = size
		}
		var rows [][]float64
		for row := 0; row < 1+g.r.IntN(5); row++ {
			var cs []float64
			for c := 0; c < cols; c++ {
				x, _ := g.num(0, 300, 3)
				cs = append(cs, x)
			}
			rows = append(rows, cs)
		}
		file := g.table(name+"_rates", "rate in Hz per period", rows, false)
		g.p("input %s = poisson[%d] { rates = %q  period = %s ms }\n\n", name, size, file, g.f(1, 10))
	default:
		// Spike times off the grid by less than half a step, at distinct
		// steps per source: round and floor give the same step, and no
		// source fires twice in one step.
		var pairs [][2]float64
		for src := 0; src < size; src++ {
			n := g.r.IntN(6)
			steps := map[int]bool{}
			for k := 0; k < n; k++ {
				s := g.r.IntN(g.steps)
				if steps[s] {
					continue
				}
				steps[s] = true
				frac := g.r.Float64() * 0.45
				pairs = append(pairs, [2]float64{float64(src), (float64(s) + frac) * g.dt})
			}
		}
		if len(pairs) == 0 {
			pairs = append(pairs, [2]float64{0, 0})
		}
		slices.SortFunc(pairs, func(a, b [2]float64) int {
			if a[1] != b[1] {
				if a[1] < b[1] {
					return -1
				}
				return 1
			}
			return int(a[0] - b[0])
		})
		if g.chance(0.5) {
			var ps []string
			for _, p := range pairs {
				ps = append(ps, fmt.Sprintf("(%d, %s ms)", int(p[0]), strconv.FormatFloat(p[1]*1e3, 'f', 5, 64)))
			}
			g.p("input %s = spikes[%d] { times = [%s] }\n\n", name, size, strings.Join(ps, ", "))
		} else {
			file := g.table(name+"_spikes", "source index, time in seconds", pairs2(pairs), false)
			g.p("input %s = spikes[%d] { times = %q }\n\n", name, size, file)
		}
	}
}

// weight returns a synaptic weight for a target, as a constant, a draw
// or an expression of i and j.
func (g *gen) weight(t target) string {
	lo, hi := 3.0, 15.0
	if t.unit == "nA" {
		lo, hi = 0.2, 1.5
	}
	if t.name == "gi" {
		lo, hi = -hi, -lo
	}
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("%s %s", g.f(lo, hi), t.unit)
	case 1:
		return fmt.Sprintf("uniform(%s %s, %s %s)", g.f(lo, (lo+hi)/2), t.unit, g.f((lo+hi)/2, hi), t.unit)
	default:
		return fmt.Sprintf("%s %s * (1 + (i + j) %% 3)", g.f(lo/2, hi/2), t.unit)
	}
}

// genConnect writes a synapse type and a projection using it.
func (g *gen) genConnect() {
	post := pick(g, g.pops...)
	sources := append(append([]string(nil), g.inputs...), names(g.pops)...)
	pre := pick(g, sources...)
	preSize, postSize := g.sizes[pre], post.size
	prePop := g.popByName(pre)
	tg := pick(g, post.targets...)
	syn := fmt.Sprintf("S%d", g.nSyn)
	proj := fmt.Sprintf("c%d", g.nSyn)
	g.nSyn++

	plastic := g.chance(0.35)
	clock := g.chance(0.2)
	usesGlobal := g.global != "" && g.chance(0.3)
	g.p("synapse %s {\n", syn)
	if !slices.Contains(g.wUnits, tg.unit) {
		g.wUnits = append(g.wUnits, tg.unit)
	}
	if plastic {
		g.p("    state w: %s = 0 %s\n", tg.unit, tg.unit)
		g.p("    param w_max: %s = %s %s\n", tg.unit, g.f(5, 10), tg.unit)
		if tg.unit == "nA" {
			g.p("    param eta: nA = %s nA\n", g.f(0.001, 0.02))
		} else {
			g.p("    param eta: mV = %s mV\n", g.f(0.05, 0.5))
		}
		g.p("    trace a_pre decay %s ms\n    trace a_post decay %s ms\n", g.f(5, 30), g.f(5, 30))
	} else {
		g.p("    param w: %s = 0 %s\n", tg.unit, tg.unit)
	}
	if clock {
		g.p("    state c = 0\n    dc/dt = -c / (%s ms)\n", g.f(5, 50))
		if g.chance(0.4) {
			g.p("    method %s\n", pick(g, "euler", "rk4", "exact"))
		}
	}
	if g.chance(0.2) {
		g.p("    delay %s ms\n", g.f(0, 2))
	}
	g.p("    on pre {\n")
	add := "w"
	if usesGlobal {
		add = fmt.Sprintf("w * (1 + %s.d)", g.global)
	}
	if prePop != nil && prePop.generated && g.chance(0.3) {
		add = fmt.Sprintf("%s * (1 + 0.01 * (pre.v - pre.e_l) / mV)", add)
	}
	if clock {
		add = fmt.Sprintf("%s * (1 + c)", add)
	}
	if g.chance(0.2) {
		add = fmt.Sprintf("%s * uniform(0.5, 1.5)", add)
	}
	if g.chance(0.3) {
		g.p("        if post.%s > %s %s {\n            post.%s += 0.5 * %s\n        } else {\n            post.%s += %s\n        }\n",
			tg.name, g.f(0.5, 1), tg.unit, tg.name, add, tg.name, add)
	} else {
		g.p("        post.%s += %s\n", tg.name, add)
	}
	if clock {
		g.p("        c += %s\n", g.f(0.1, 0.5))
	}
	if plastic {
		g.p("        a_pre += 1\n        w = clip(w - eta * a_post, 0 %s, w_max)\n", tg.unit)
	}
	g.p("    }\n")
	if plastic {
		g.p("    on post {\n        a_post += 1\n        w = clip(w + eta * a_pre, 0 %s, w_max)\n    }\n", tg.unit)
	}
	g.p("}\n\n")

	self := pre == post.name
	autapses := ""
	if self && g.chance(0.5) {
		autapses = "autapses = false"
	}
	maxK := func(n int) int {
		if autapses != "" {
			return n - 1
		}
		return n
	}
	rule := ""
	for rule == "" {
		switch g.r.IntN(6) {
		case 0:
			rule = "all_to_all"
			if autapses != "" {
				rule += "(" + autapses + ")"
			} else if g.chance(0.3) {
				rule += "(autapses = true)"
			}
		case 1:
			if preSize == postSize {
				rule = "one_to_one"
			}
		case 2:
			rule = fmt.Sprintf("fixed_probability(%s", g.f(0.05, 0.9))
			if autapses != "" {
				rule += ", " + autapses
			}
			rule += ")"
		case 3:
			if k := maxK(preSize); k >= 1 {
				rule = fmt.Sprintf("fixed_indegree(%d", 1+g.r.IntN(min(k, 6)))
				if autapses != "" {
					rule += ", " + autapses
				}
				rule += ")"
			}
		case 4:
			if k := maxK(postSize); k >= 1 {
				rule = fmt.Sprintf("fixed_outdegree(%d", 1+g.r.IntN(min(k, 6)))
				if autapses != "" {
					rule += ", " + autapses
				}
				rule += ")"
			}
		case 5:
			var ps []string
			var pl [][2]float64
			for k := 0; k < 1+g.r.IntN(8); k++ {
				a, b := g.r.IntN(preSize), g.r.IntN(postSize)
				ps = append(ps, fmt.Sprintf("(%d, %d)", a, b))
				pl = append(pl, [2]float64{float64(a), float64(b)})
			}
			if g.chance(0.5) {
				rule = fmt.Sprintf("pairs([%s])", strings.Join(ps, ", "))
			} else {
				file := g.table(proj+"_pairs", "pre index, post index", pairs2(pl), true)
				rule = fmt.Sprintf("pairs(%q)", file)
			}
		}
	}
	var set []string
	if plastic {
		set = append(set, "w = "+g.weight(target{name: "w", unit: tg.unit}))
	} else {
		set = append(set, "w = "+g.weight(tg))
	}
	switch g.r.IntN(5) {
	case 0:
		set = append(set, fmt.Sprintf("delay = %s ms", g.f(0, 3)))
	case 1:
		set = append(set, fmt.Sprintf("delay = uniform(0 ms, %s ms)", g.f(0.5, 3)))
	case 2:
		set = append(set, fmt.Sprintf("delay = %s ms * (i %% 4) + j * %s ms", g.f(0.1, 0.5), g.f(0, 0.2)))
	case 3:
		if g.chance(0.4) {
			set = append(set, fmt.Sprintf("delay = exponential(%s ms)", g.f(0.2, 1)))
		}
	}
	if tg.segments > 0 {
		if g.chance(0.5) {
			set = append(set, fmt.Sprintf("segment = i %% %d", tg.segments))
		} else {
			set = append(set, fmt.Sprintf("segment = %d", g.r.IntN(tg.segments)))
		}
	}
	dest := post.name
	if tg.dendrite != "" {
		dest += "." + tg.dendrite
	}
	if plastic && g.chance(0.6) {
		g.p("connect %s: %s -> %s using %s by %s {\n    %s\n}\n", proj, pre, dest, syn, rule, strings.Join(set, "\n    "))
		g.p("monitor state %s.w\n", proj)
	} else {
		// Unnamed: messages call it connect at FILE:LINE:COL.
		g.p("connect %s -> %s using %s by %s {\n    %s\n}\n", pre, dest, syn, rule, strings.Join(set, "\n    "))
	}
	g.p("\n")
}

// genCurrent drives a population's input parameter.
func (g *gen) genCurrent(pop *popInfo) {
	name := fmt.Sprintf("cur%d", g.nCur)
	g.nCur++
	u, lo := pop.driveUnit, pop.driveLo
	var e string
	switch g.r.IntN(4) {
	case 0:
		e = fmt.Sprintf("where(t >= %d ms, %s %s, 0 %s)", g.r.IntN(10), g.f(lo, 1.5*lo), u, u)
	case 1:
		e = fmt.Sprintf("%s %s + i * %s %s", g.f(0.6*lo, lo), u, g.f(0, 0.1*lo), u)
	case 2:
		e = fmt.Sprintf("%s %s * (1 + sin(2 * pi * t / (%s ms)))", g.f(0.5*lo, lo), u, g.f(3, 20))
	default:
		if u == "mV" {
			g.needAmp = true
			e = "amp"
		} else {
			e = fmt.Sprintf("%s %s", g.f(lo, 1.5*lo), u)
		}
	}
	g.p("current %s -> %s.%s = %s\n\n", name, pop.name, pop.drive, e)
}

// genMonitors records spikes and state: of populations (with selections
// and sampling periods), inputs, dendrites, the global.
func (g *gen) genMonitors() {
	g.writeGlobal()
	for _, p := range g.pops {
		if g.chance(0.8) {
			label := ""
			if g.chance(0.3) {
				label = fmt.Sprintf("sp_%s: ", p.name)
			}
			g.p("monitor %sspikes %s%s\n", label, p.name, g.selection(p.size))
		}
		if g.chance(0.7) {
			v := pick(g, p.monitored...)
			every := ""
			if g.chance(0.3) {
				if k := 1 + g.r.IntN(5); g.chance(0.5) {
					every = fmt.Sprintf(" every %d", k)
				} else {
					// A duration that is k steps.
					every = fmt.Sprintf(" every %g ms", float64(k)*g.dt*1e3)
				}
			}
			g.p("monitor state %s.%s%s%s\n", p.name, v, g.selection(p.size), every)
		}
		for _, t := range p.targets {
			if t.dendrite != "" && t.segments == 0 && g.chance(0.5) {
				g.p("monitor state %s.%s.%s\n", p.name, t.dendrite, t.name)
			}
		}
	}
	for _, in := range g.inputs {
		if g.chance(0.4) {
			g.p("monitor spikes %s\n", in)
		}
	}
	if g.global != "" {
		// Not always: a global nothing records is removed by prune, with
		// what only it depends on.
		if g.chance(0.75) {
			g.p("monitor state %s.d\n", g.global)
		}
		if g.globalT != "" && g.chance(0.5) {
			g.p("monitor state %s.%s every 2\n", g.global, g.globalT)
		}
	}
	g.p("\n")
}
