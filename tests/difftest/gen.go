package difftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"snnc/runtime/npy"
)

// Model is a generated model: its source and data files, by file name,
// all in one directory.
type Model struct {
	Seed   uint64
	Name   string            // the model file's name, NAME.snn
	Files  map[string][]byte // the model file and its data files
	Probes []Probe
}

// Probe is a population whose neurons' recorded state obeys x' = A x + b
// with constant A and b (SI units, per second) and nothing else: no input,
// no threshold, no current. Vars are the state variables in the order of
// A's rows, each recorded whole by the monitor of the same index.
type Probe struct {
	Pop      string      `json:"pop"`
	Kind     string      `json:"kind"` // plain, scaled (coefficients over many orders of magnitude) or compartments
	Vars     []string    `json:"vars"`
	Monitors []string    `json:"monitors"`
	A        [][]float64 `json:"a"`
	B        []float64   `json:"b"`
	// Scale is each variable's typical magnitude (SI): the tolerance's
	// unit where the variable itself stays near 0.
	Scale []float64 `json:"scale"`
	// Forcing adds Forcing[i] sin(Omega t) to row i (SI), if not nil.
	Forcing []float64 `json:"forcing,omitempty"`
	Omega   float64   `json:"omega,omitempty"`
	// Method is the discrete method snnc must use, "rk4", "euler" or
	// "exponential_euler" (computed by the oracle step for step), or ""
	// or "exact" (the exact solution).
	Method string `json:"method,omitempty"`
}

const probeTag = "// difftest:probe "

// ParseProbes reads the probes a model's source describes.
func ParseProbes(src []byte) ([]Probe, error) {
	var out []Probe
	for _, line := range strings.Split(string(src), "\n") {
		text, ok := strings.CutPrefix(strings.TrimSpace(line), probeTag)
		if !ok {
			continue
		}
		var p Probe
		if err := json.Unmarshal([]byte(text), &p); err != nil {
			return nil, fmt.Errorf("difftest:probe line: %v", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// target is a variable that a synapse's on pre may add to.
type target struct {
	dendrite string // "" for the soma
	segments int    // > 0 for a dendrite array
	name     string
	unit     string // mV or nA
}

// popInfo is what the generator knows of a population.
type popInfo struct {
	name, typ string
	size      int
	targets   []target
	monitored []string // state variables worth recording
	drive     string   // a parameter a current may drive, "" if none
	driveUnit string
	driveLo   float64 // a drive that makes it fire, in driveUnit
	generated bool    // of a generated type (has v, e_l)
}

// gen holds a model under construction.
type gen struct {
	r       *rand.Rand
	name    string
	out     strings.Builder
	files   map[string][]byte
	std     bool
	pops    []*popInfo
	inputs  []string
	sizes   map[string]int
	global  string
	globalT string // its trace, "" if none
	nSyn    int
	nCur    int
	probes  []Probe
	dt      float64 // seconds
	steps   int
	needAmp bool     // a current reads the runtime parameter amp
	wUnits  []string // the units of the synapse types' weights w
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.out, format, args...) }

// num draws a number in [lo, hi) written with digits significant digits,
// and returns it as written and as the float64 that text denotes.
func (g *gen) num(lo, hi float64, digits int) (float64, string) {
	x := lo + g.r.Float64()*(hi-lo)
	s := strconv.FormatFloat(x, 'g', digits, 64)
	v, _ := strconv.ParseFloat(s, 64)
	return v, s
}

func (g *gen) f(lo, hi float64) string { _, s := g.num(lo, hi, 3); return s }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// Generate makes the model of a seed, named mSEED.snn.
func Generate(seed uint64) *Model {
	g := &gen{
		r:     rand.New(rand.NewPCG(seed, 0x5eed_d1ff)),
		name:  fmt.Sprintf("m%d", seed),
		files: map[string][]byte{},
		sizes: map[string]int{},
	}
	dt := pick(g, 0.1, 0.1, 0.1, 0.05, 0.2)
	g.dt = dt * 1e-3
	dur := 10 + g.r.IntN(41)
	g.steps = int(float64(dur)/dt + 0.5)

	var body strings.Builder
	g.p("// A model of snnc's random differential tester (tests/difftest), seed %d.\n", seed)
	g.p("// Reproduce: go run ./tests/difftest/cmd/difftest -model THIS_FILE\n\n")
	head := g.out.String()
	g.out.Reset()

	if g.chance(0.5) {
		g.genGlobal()
	}
	nTypes := 1 + g.r.IntN(3)
	var types []string
	typeInfo := map[string]*popInfo{}
	for k := 0; k < nTypes; k++ {
		name := fmt.Sprintf("N%d", k)
		typeInfo[name] = g.genNeuronType(name)
		types = append(types, name)
	}
	stdTypes := []string{"LIF", "ALIF", "Izhikevich", "AdEx", "LTC"}
	nPops := 2 + g.r.IntN(3)
	for k := 0; k < nPops; k++ {
		var info popInfo
		if g.chance(0.3) {
			g.std = true
			info = stdInfo(pick(g, stdTypes...))
		} else {
			info = *typeInfo[pick(g, types...)]
		}
		info.name = fmt.Sprintf("p%d", k)
		info.size = 1 + g.r.IntN(16)
		g.sizes[info.name] = info.size
		g.pops = append(g.pops, &info)
		g.genPopulation(&info)
	}
	nIn := 1 + g.r.IntN(3)
	for k := 0; k < nIn; k++ {
		g.genInput(fmt.Sprintf("in%d", k))
	}
	nProj := 2 + g.r.IntN(5)
	for k := 0; k < nProj; k++ {
		g.genConnect()
	}
	for _, pop := range g.pops {
		if pop.drive != "" && g.chance(0.7) {
			g.genCurrent(pop)
		}
	}
	// At least one probe: every model has linear ODEs the oracle checks.
	nProbe := 1 + g.r.IntN(2)
	for k := 0; k < nProbe; k++ {
		g.genProbe(fmt.Sprintf("q%d", k))
	}
	g.genMonitors()
	g.p("run {\n    duration = %d ms\n    dt = %g ms\n    seed = %d\n", dur, dt, g.r.IntN(1000))
	if len(g.wUnits) > 0 && g.chance(0.15) {
		// Synapses below the bound go when the network is built.
		if u := pick(g, g.wUnits...); u == "mV" {
			g.p("    prune_weight = %s mV\n", g.f(0.5, 3))
		} else {
			g.p("    prune_weight = %s nA\n", g.f(0.02, 0.2))
		}
	}
	g.p("}\n")

	body.WriteString(head)
	if g.std {
		body.WriteString("import \"std/neurons.snn\"\n\n")
	}
	if g.needAmp {
		body.WriteString("runtime param amp: mV = 14 mV\n\n")
	}
	body.WriteString(g.out.String())
	g.files[g.name+".snn"] = []byte(body.String())
	return &Model{Seed: seed, Name: g.name + ".snn", Files: g.files, Probes: g.probes}
}

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
	g.p("    dd/dt = -d / tau_g\n")
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
	g.p("    let vin = %s\n", in)
	info.monitored = append(info.monitored, "vin")
	rhs := "(e_l - v + vin) / tau_m"
	ownLinear := true
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
	g.p("    dv/dt = %s%s\n", rhs, unless)
	g.p("    dge/dt = -ge / tau_e\n")
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

func (g *gen) popByName(name string) *popInfo {
	for _, p := range g.pops {
		if p.name == name {
			return p
		}
	}
	return nil
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

// selection returns "" (every neuron) or a selection of indices below n.
func (g *gen) selection(n int) string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("[%d]", g.r.IntN(n))
	case 1:
		a := g.r.IntN(n)
		return fmt.Sprintf("[%d:%d]", a, a+1+g.r.IntN(n-a))
	}
	return ""
}

func pairs2(ps [][2]float64) [][]float64 {
	var out [][]float64
	for _, p := range ps {
		out = append(out, []float64{p[0], p[1]})
	}
	return out
}

// table writes a data file of rows, CSV (with a comment line) or NumPy
// (float64, or for whole numbers int32 or int64), and returns its name.
func (g *gen) table(what, comment string, rows [][]float64, whole bool) string {
	if g.chance(0.5) {
		var b strings.Builder
		b.WriteString("# " + comment + "\n")
		for _, row := range rows {
			var cs []string
			for _, x := range row {
				cs = append(cs, strconv.FormatFloat(x, 'g', -1, 64))
			}
			b.WriteString(strings.Join(cs, ",") + "\n")
		}
		name := fmt.Sprintf("%s_%s.csv", g.name, what)
		g.files[name] = []byte(b.String())
		return name
	}
	shape := []int{len(rows), len(rows[0])}
	if len(rows[0]) == 1 && g.chance(0.5) {
		shape = shape[:1] // a single column as a vector
	}
	var data []float64
	for _, row := range rows {
		data = append(data, row...)
	}
	var buf bytes.Buffer
	var err error
	switch {
	case whole && g.chance(0.5):
		ints := make([]int32, len(data))
		for k, x := range data {
			ints[k] = int32(x)
		}
		err = npy.WriteInt32(&buf, shape, ints)
	case whole:
		ints := make([]int64, len(data))
		for k, x := range data {
			ints[k] = int64(x)
		}
		err = npy.WriteInt64(&buf, shape, ints)
	default:
		err = npy.WriteFloat64(&buf, shape, data)
	}
	if err != nil {
		panic(err)
	}
	name := fmt.Sprintf("%s_%s.npy", g.name, what)
	g.files[name] = buf.Bytes()
	return name
}
