// The generator of random models: Model and Probe, the generator's state
// (gen), Generate and the helpers its steps share. Generate writes, in
// this order: a global (maybe), neuron types and populations
// (gen_types.go); inputs, connects and currents (gen_network.go); probes
// (probe.go); monitors, then the global's text (gen_network.go); the run
// block.

package difftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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
	summed    string  // its summed variable, "" if none (gen_summed.go)
}

// gen holds a model under construction.
type gen struct {
	r       *rand.Rand
	noiseR  *rand.Rand // noise.go's own draws, so that the rest of a model stays as it was
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
	// fr draws the common functions' uses (genFuncs): a stream of its
	// own, so that they leave every other draw of a seed as it was.
	fr *rand.Rand
	// reduces: the global reduces over a population (genReduction).
	reduces bool
	rs      *rand.Rand // the summed variables' choices (gen_summed.go)
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

// ReductionsMark is the line of a model whose global reduces over a
// population: the quantizer refuses reductions, so Check runs it in
// floating point only.
const ReductionsMark = "// difftest:reductions (the quantizer refuses them: no int16 runs)"

// Generate makes the model of a seed, named mSEED.snn.
func Generate(seed uint64) *Model {
	g := &gen{
		r:      rand.New(rand.NewPCG(seed, 0x5eed_d1ff)),
		noiseR: rand.New(rand.NewPCG(seed, 0x0015e)),
		fr:     rand.New(rand.NewPCG(seed, 0xf0c5)),
		name:   fmt.Sprintf("m%d", seed),
		files:  map[string][]byte{},
		sizes:  map[string]int{},
		rs:     rand.New(rand.NewPCG(seed, 0x5_0033_ed)),
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
	g.genSummed()
	for _, pop := range g.pops {
		if pop.drive != "" && g.chance(0.7) {
			g.genCurrent(pop)
		}
	}
	g.genSchedule(seed)
	// At least one probe: every model has linear ODEs the oracle checks.
	nProbe := 1 + g.r.IntN(2)
	for k := 0; k < nProbe; k++ {
		g.genProbe(fmt.Sprintf("q%d", k))
	}
	g.genMonitors()
	if g.genPhaseInput(seed, dur) {
		// The phases make the run's duration.
		g.p("run {\n    dt = %g ms\n    seed = %d\n", dt, g.r.IntN(1000))
	} else {
		g.p("run {\n    duration = %d ms\n    dt = %g ms\n    seed = %d\n", dur, dt, g.r.IntN(1000))
	}
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
	if g.reduces {
		body.WriteString(ReductionsMark + "\n\n")
	}
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

func (g *gen) popByName(name string) *popInfo {
	for _, p := range g.pops {
		if p.name == name {
			return p
		}
	}
	return nil
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
