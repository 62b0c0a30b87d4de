// The first steps of Generate (gen.go): a global (genGlobal, written by
// writeGlobal once the populations its on spike handlers name exist), the
// neuron types of the LIF family (genNeuronType) or of the standard
// library (stdInfo), and the populations of those types (genPopulation).
// The network between them is generated in gen_network.go.

package difftest

import (
	"fmt"
	"strconv"
	"strings"
)

// stdInfo describes a population of a standard library type.
func stdInfo(typ string) popInfo {
	switch typ {
	case "LIF":
		return popInfo{typ: typ, targets: []target{{name: "ge", unit: "mV"}, {name: "gi", unit: "mV"}},
			monitored: []string{"v", "ge"}, drive: "i_ext", driveUnit: "nA", driveLo: 0.25}
	case "ALIF":
		return popInfo{typ: typ, targets: []target{{name: "i_syn", unit: "nA"}},
			monitored: []string{"v", "a", "threshold_now"}, drive: "i_ext", driveUnit: "nA", driveLo: 0.2}
	case "Izhikevich":
		return popInfo{typ: typ, targets: []target{{name: "v", unit: "mV"}},
			monitored: []string{"v", "u"}, drive: "I", driveUnit: "mV", driveLo: 10}
	case "AdEx":
		return popInfo{typ: typ, targets: []target{{name: "i_syn", unit: "nA"}},
			monitored: []string{"v", "w"}, drive: "i_ext", driveUnit: "nA", driveLo: 0.8}
	default:
		return popInfo{typ: "LTC", targets: []target{{name: "i_syn", unit: "nA"}},
			monitored: []string{"x", "i_syn"}, drive: "i_ext", driveUnit: "nA", driveLo: 0.5}
	}
}

// genGlobal declares a global, g0, whose on spike sources are filled in
// once the populations and inputs exist: it is written last.
func (g *gen) genGlobal() {
	g.global = "g0"
	if g.chance(0.5) {
		g.globalT = "z"
	}
}

func (g *gen) writeGlobal() {
	if g.global == "" {
		return
	}
	g.p("global %s {\n", g.global)
	g.p("    param tau_g: ms = %s ms\n", g.f(10, 80))
	g.p("    state d = 0\n")
	if g.globalT != "" {
		g.p("    trace %s decay %s ms\n", g.globalT, g.f(5, 30))
	}
	g.p("    dd/dt = -d / tau_g%s\n", g.genReduction())
	if g.chance(0.3) {
		g.p("    method %s\n", pick(g, "exact", "euler", "rk4", "exponential_euler"))
	}
	srcs := append(append([]string(nil), g.inputs...), names(g.pops)...)
	n := 1 + g.r.IntN(2)
	used := map[string]bool{}
	for k := 0; k < n; k++ {
		s := pick(g, srcs...)
		if used[s] {
			continue
		}
		used[s] = true
		switch {
		case g.globalT != "" && g.chance(0.3):
			// Only the trace: with the trace not recorded, nothing
			// recorded depends on this source through the global.
			g.p("    on spike %s {\n        %s += 1\n    }\n", s, g.globalT)
		case g.globalT != "":
			g.p("    on spike %s {\n        d += %s\n", s, g.f(0.05, 0.5))
			g.p("        %s += 1\n        if %s > 3 { d -= 0.01 }\n    }\n", g.globalT, g.globalT)
		default:
			g.p("    on spike %s {\n        d += %s\n    }\n", s, g.f(0.05, 0.5))
		}
	}
	g.p("}\n\n")
}

func names(ps []*popInfo) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.name)
	}
	return out
}

// genNeuronType writes a neuron type of an LIF family: linear or with a
// quadratic or exponential term, with optional adaptation, trace,
// dendrites and a read of the global.
func (g *gen) genNeuronType(name string) *popInfo {
	info := &popInfo{typ: name, generated: true, drive: "drive", driveUnit: "mV", driveLo: 16,
		targets: []target{{name: "ge", unit: "mV"}}, monitored: []string{"v", "ge"}}
	g.p("neuron %s {\n", name)
	g.p("    param tau_m: ms = %s ms\n", g.f(5, 25))
	g.p("    param tau_e: ms = %s ms\n", g.f(1, 10))
	g.p("    param e_l: mV = %s mV\n", g.f(-72, -60))
	g.p("    param v_t: mV = e_l + %s mV\n", g.f(10, 16))
	g.p("    param v_r: mV = e_l - %s mV\n", g.f(0, 5))
	g.p("    param drive: mV = 0 mV\n")
	if g.chance(0.5) {
		g.p("    state v: mV = uniform(v_r, v_t)\n")
	} else {
		g.p("    state v: mV = e_l\n")
	}
	g.p("    state ge: mV = 0 mV")
	if g.chance(0.08) {
		g.p(" quantize int16")
	}
	g.p("\n")
	in := "ge + drive"
	if g.summedTarget(info) {
		in += " + sg"
	}
	linear := true
	adapt := g.chance(0.4)
	if adapt {
		g.p("    param tau_w: ms = %s ms\n    param b_w: mV = %s mV\n    state w: mV = 0 mV\n", g.f(30, 200), g.f(0.5, 3))
		in += " - w"
		info.monitored = append(info.monitored, "w")
	}
	trace := g.chance(0.4)
	if trace {
		g.p("    trace r decay %s ms\n", g.f(10, 50))
		info.monitored = append(info.monitored, "r")
	}
	dend := ""
	if g.chance(0.35) {
		dend = "d"
		g.p("    dendrite d {\n        param tau_d: ms = %s ms\n        state u: mV = 0 mV\n", g.f(2, 15))
		g.p("        du/dt = (v - e_l - u) / tau_d\n")
		if g.chance(0.4) {
			g.p("        threshold u > %s mV\n        reset { u = 0 mV }\n", g.f(2, 6))
		}
		g.p("    }\n")
		in += fmt.Sprintf(" + %s * d.u", g.f(0.1, 0.6))
		info.targets = append(info.targets, target{dendrite: "d", name: "u", unit: "mV"})
		linear = false // reads another body's state: no exact hint
	}
	if g.chance(0.25) {
		n := 2 + g.r.IntN(3)
		g.p("    dendrite seg[%d] {\n        state u: mV = 0 mV\n        du/dt = -u / (%s ms)\n    }\n", n, g.f(2, 10))
		in += fmt.Sprintf(" + %s * %s(seg.u)", g.f(0.1, 0.5), pick(g, "mean", "sum", "max"))
		info.targets = append(info.targets, target{dendrite: "seg", segments: n, name: "u", unit: "mV"})
		linear = false
	}
	if g.global != "" && g.chance(0.4) {
		in += fmt.Sprintf(" + %s.d * %s mV", g.global, g.f(1, 5))
		linear = false
	}
	extra := g.genFuncs()
	in += extra
	g.p("    let vin = %s\n", in)
	info.monitored = append(info.monitored, "vin")
	rhs := "(e_l - v + vin) / tau_m"
	ownLinear := extra == "" // the functions are not linear in v
	linear = linear && ownLinear
	switch g.r.IntN(5) {
	case 0:
		rhs = fmt.Sprintf("(e_l - v + vin + %s * (v - e_l) * (v - e_l) / (%s mV)) / tau_m", g.f(0.02, 0.08), g.f(5, 10))
		linear, ownLinear = false, false
	case 1:
		rhs = fmt.Sprintf("(e_l - v + vin + %s mV * exp((v - v_t) / (%s mV))) / tau_m", g.f(0.5, 2), g.f(1, 3))
		linear, ownLinear = false, false
	}
	refr := g.chance(0.5)
	unless := ""
	if refr && g.chance(0.6) {
		unless = " unless refractory"
	}
	vNoise, geNoise := g.noiseTerms(dend == "")
	g.p("    dv/dt = %s%s%s\n", rhs, vNoise, unless)
	g.p("    dge/dt = -ge / tau_e%s\n", geNoise)
	if adapt {
		g.p("    dw/dt = -w / tau_w\n")
	}
	if g.chance(0.3) {
		// A draw per spike: the random streams of events.
		g.p("    threshold v > v_t\n    reset {\n        v = v_r + uniform(0 mV, %s mV)\n", g.f(0.2, 2))
	} else {
		g.p("    threshold v > v_t\n    reset {\n        v = v_r\n")
	}
	if adapt {
		g.p("        w += b_w\n")
	}
	if trace {
		g.p("        r += 1\n        if r > 2.5 { v = v_r - 1 mV }\n")
	}
	if dend != "" && g.chance(0.5) {
		g.p("        d.u = 0 mV\n")
	}
	g.genFuncDraws()
	g.p("    }\n")
	if refr {
		if g.chance(0.5) {
			g.p("    param t_ref: ms = %s ms\n    refractory t_ref\n", g.f(0.5, 4))
		} else {
			g.p("    refractory %s ms\n", g.f(0.5, 4))
		}
	}
	var methods []string
	if linear {
		methods = append(methods, "exact")
	}
	if ownLinear {
		methods = append(methods, "exponential_euler")
	}
	methods = append(methods, "euler", "rk4", "", "")
	if vNoise != "" {
		methods[len(methods)-3] = "euler" // rk4 refuses white noise
	}
	if m := pick(g, methods...); m != "" {
		g.p("    method %s\n", m)
	}
	g.p("}\n\n")
	return info
}

// genPopulation writes a population with overrides.
func (g *gen) genPopulation(info *popInfo) {
	var set []string
	if info.generated {
		if g.chance(0.4) {
			set = append(set, fmt.Sprintf("tau_m = uniform(%s ms, %s ms)", g.f(6, 10), g.f(12, 20)))
		}
		if g.chance(0.3) {
			set = append(set, fmt.Sprintf("v = normal(e_l, %s mV)", g.f(1, 3)))
		}
		if g.chance(0.3) {
			set = append(set, fmt.Sprintf("tau_e = %s ms + i * %s ms", g.f(1, 3), g.f(0, 0.3)))
		}
		if g.chance(0.3) {
			set = append(set, fmt.Sprintf("drive = %s mV", g.f(10, 20)))
			info.drive = "" // a current cannot drive it as well
		}
	} else {
		switch info.typ {
		case "LIF":
			if g.chance(0.5) {
				set = append(set, fmt.Sprintf("tau_m = %s ms", g.f(8, 20)), "v = uniform(v_r, v_t)")
			}
		case "Izhikevich":
			if g.chance(0.5) {
				set = append(set, fmt.Sprintf("a = %s", g.f(0.02, 0.1)), fmt.Sprintf("d = %s mV", g.f(2, 8)))
			}
		case "AdEx":
			if g.chance(0.5) {
				set = append(set, fmt.Sprintf("v = uniform(-70 mV, %s mV)", g.f(-60, -52)))
			}
		}
	}
	g.p("population %s = %s[%d]", info.name, info.typ, info.size)
	if len(set) > 0 {
		g.p(" {\n    %s\n}", strings.Join(set, "\n    "))
	}
	g.p("\n\n")
}

// genFuncs returns terms of a neuron type's input (vin, in mV) that call
// the common functions on its state, or "": exprel near and away from
// its removable singularity, heaviside with and without h0, clip, sign
// and int, each with its own probability.
func (g *gen) genFuncs() string {
	r := g.fr
	f := func(lo, hi float64) string { return strconv.FormatFloat(lo+r.Float64()*(hi-lo), 'g', 3, 64) }
	var out string
	if r.Float64() < 0.25 {
		// (v - e_l) crosses 0 at rest: exprel's 1 at 0 and its series.
		out += fmt.Sprintf(" + %s mV * (exprel((e_l - v) / (%s mV)) - 1)", f(0.2, 2), f(5, 15))
	}
	if r.Float64() < 0.2 {
		if r.Float64() < 0.5 {
			out += fmt.Sprintf(" + %s mV * heaviside(v - v_t + %s mV)", f(0.5, 3), f(1, 5))
		} else {
			out += fmt.Sprintf(" + %s mV * heaviside(v - e_l, 0.5)", f(0.5, 3))
		}
	}
	if r.Float64() < 0.2 {
		out += fmt.Sprintf(" + %s mV * clip((v - e_l) / (%s mV), -1, 1)", f(0.5, 3), f(3, 10))
	}
	if r.Float64() < 0.15 {
		out += fmt.Sprintf(" + %s mV * sign(v - e_l) - %s mV * int((v - e_l) / (%s mV))", f(0.2, 1), f(0.2, 1), f(3, 8))
	}
	return out
}

// genFuncDraws may add to a reset a draw by Brian2's names, rand() or
// randn() (uniform(0, 1) and normal(0, 1)).
func (g *gen) genFuncDraws() {
	r := g.fr
	switch x := r.Float64(); {
	case x < 0.15:
		g.p("        v += rand() * %s mV\n", strconv.FormatFloat(0.2+r.Float64()*1.5, 'g', 3, 64))
	case x < 0.25:
		g.p("        v -= clip(randn(), -2, 2) * %s mV\n", strconv.FormatFloat(0.1+r.Float64(), 'g', 3, 64))
	}
}

// genReduction returns a term of the global's ODE (dd/dt, in 1/s) that
// reads a reduction over a generated population's v, sum, mean, max or
// min, or "". Not in a model with a quantize annotation, which the
// quantizer, refusing reductions, would not build.
func (g *gen) genReduction() string {
	r := g.fr
	var gen []*popInfo
	for _, p := range g.pops {
		if p.generated {
			gen = append(gen, p)
		}
	}
	if len(gen) == 0 || r.Float64() >= 0.35 || strings.Contains(g.out.String(), "quantize int") {
		return ""
	}
	p := gen[r.IntN(len(gen))]
	kind := []string{"sum", "mean", "max", "min"}[r.IntN(4)]
	x := fmt.Sprintf("%s(%s.v)", kind, p.name)
	if kind == "sum" {
		x = fmt.Sprintf("%s / %d", x, p.size)
	}
	g.reduces = true
	return fmt.Sprintf(" + %s * (%s + 65 mV) / mV / tau_g", strconv.FormatFloat(0.005+r.Float64()*0.05, 'g', 3, 64), x)
}
