package ir

import "fmt"

// Pos is a source position, kept on instructions for diagnostics. It is
// not part of the printed form.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Value is anything an instruction can use: the result of an instruction
// or a block parameter.
type Value interface {
	Type() Type
	// Name is the printed name, %N, valid after Kernel.Number.
	Name() string
	id() *int
}

// valueID is the mix-in for a value's number in its kernel.
type valueID struct{ n int }

func (v *valueID) id() *int     { return &v.n }
func (v *valueID) Name() string { return fmt.Sprintf("%%%d", v.n) }

// Instr is an instruction. Instructions with a result are Values.
//
// Aux holds the op's attribute, of the kind its row of the op table names
// (OpInfo.Aux, aux.go): a float64 or bool for const, a variable name for
// param, load, loadseg, store and storeseg, a RandAux for rand, an ODEAux
// for ode, the index name for index, the time constant for tracedecay,
// nil or a Dither for convert, nil for the others.
type Instr struct {
	valueID
	Op      Op
	Typ     Type
	Args    []Value
	Aux     any
	Targets []*Target // br: one, condbr: two
	Block   *Block
	Pos     Pos
}

// Target is a branch destination with the arguments for its parameters.
type Target struct {
	Block *Block
	Args  []Value
}

// Type is the result type; TVoid for instructions without a result.
func (in *Instr) Type() Type { return in.Typ }

// Operands returns pointers to every operand slot, branch arguments
// included, so that a pass can rewrite uses in place.
func (in *Instr) Operands() []*Value {
	var out []*Value
	for i := range in.Args {
		out = append(out, &in.Args[i])
	}
	for _, t := range in.Targets {
		for i := range t.Args {
			out = append(out, &t.Args[i])
		}
	}
	return out
}

// HasResult reports whether the instruction defines a value.
func (in *Instr) HasResult() bool { return in.Typ.Kind != Void }

// Const returns the constant's value for a const instruction.
func (in *Instr) Const() (float64, bool) {
	if in.Op != OpConst {
		return 0, false
	}
	switch v := in.Aux.(type) {
	case float64:
		return v, true
	}
	return 0, false
}

// VarName returns the name in a param, load, store, loadseg or storeseg
// instruction, as printed.
func (in *Instr) VarName() string {
	switch a := in.Aux.(type) {
	case string:
		return a
	case *Ref:
		return a.Name
	}
	return ""
}

// Ref returns what the name of a param, load, store, loadseg or storeseg
// instruction reaches, or nil if the module was not linked since the
// instruction was made.
func (in *Instr) Ref() *Ref {
	r, _ := in.Aux.(*Ref)
	return r
}

// Var returns the variable a param, load, store, loadseg or storeseg
// reaches (its Ref's), or nil.
func (in *Instr) Var() *Var {
	if r := in.Ref(); r != nil {
		return r.Var
	}
	return nil
}

// Ref is the Aux of a param, load, store, loadseg or storeseg: the name
// as printed, and what it reaches in the kernel's scope, resolved by
// Module.Link (a pass may make an instruction with the bare name as its
// Aux; Link resolves it). Backends read Var and Reach (or Segments)
// rather than look the name up.
type Ref struct {
	Name string // v, pre.v, post.apical.x, g.x, a module parameter's name
	Var  *Var   // nil where the name reaches nothing (the verifier says so)
	// Reach says which element's value a param, load or store reaches;
	// Segments, for loadseg and storeseg, the array the segment is in.
	Reach    Index
	Segments SegmentArray
}

// String is the name, so that the printed form of an Aux is the same
// for a resolved and an unresolved one.
func (r *Ref) String() string { return r.Name }

// RandAux is the attribute of a rand instruction.
//
// A draw of a named stream (uniform.pair, normal.pair, exponential.pair)
// has two more operands, the pre and post indices of a projection's
// synapse, which key it in place of the element and the step: the index
// is pre, the counter n is post (spec/runtime.md, random numbers).
type RandAux struct {
	Dist   string // uniform, normal, exponential, normal_quad (white noise: rng.Source.NormalQuad); with .pair, a named stream's
	Stream int    // unique per draw site in the module; a named stream's number for .pair
}

// ODEAux is the attribute of an ode instruction.
type ODEAux struct {
	Var    string
	Method string // exact, exponential_euler, euler, rk4, or "" for the default rule
	Unless bool   // frozen while refractory
}

// BlockParam is a block's parameter, the SSA form of a phi.
type BlockParam struct {
	valueID
	Typ   Type
	Block *Block
}

// Type returns the parameter's type.
func (p *BlockParam) Type() Type { return p.Typ }

// Block is a basic block: parameters, instructions, and one terminator at
// the end.
type Block struct {
	Index  int
	Params []*BlockParam
	Instrs []*Instr
	Kernel *Kernel
}

// Terminator returns the block's last instruction if it is a terminator.
func (b *Block) Terminator() *Instr {
	if n := len(b.Instrs); n > 0 && b.Instrs[n-1].Op.Info().Terminator {
		return b.Instrs[n-1]
	}
	return nil
}

// Succs returns the blocks the terminator may jump to.
func (b *Block) Succs() []*Block {
	t := b.Terminator()
	if t == nil {
		return nil
	}
	var out []*Block
	for _, tg := range t.Targets {
		out = append(out, tg.Block)
	}
	return out
}

// Kernel is a function run per element (neuron, segment, synapse, source)
// or once (a global). Its first block is the entry.
type Kernel struct {
	Name   string // init, update, threshold, reset, refractory, on_pre, on_post, rate, value, on_spike.SRC, summed
	Result Type   // TVoid, or the type ret returns (threshold: bool)
	Blocks []*Block
	// Owner, Domain and Role are where the kernel sits in the graph:
	// the node it belongs to, what it runs for, and what it is for (its
	// Name's role). Module.Link sets them; the verifier checks them.
	Owner  Node
	Domain Domain
	Role   Role
	// Spikes, for an on_spike.SOURCE kernel, is SOURCE (Module.Link
	// sets it).
	Spikes Source
	// Notes are comments a pass attaches, printed above the kernel: the
	// integration method each ODE got, and why.
	Notes []string
}

// Number assigns %N names to the kernel's values in program order.
func (k *Kernel) Number() {
	n := 0
	for _, b := range k.Blocks {
		b.Kernel = k
		for _, p := range b.Params {
			p.n = n
			p.Block = b
			n++
		}
		for _, in := range b.Instrs {
			in.Block = b
			if in.HasResult() {
				in.n = n
				n++
			}
		}
	}
	for i, b := range k.Blocks {
		b.Index = i
	}
}

// Instrs calls f on every instruction of the kernel.
func (k *Kernel) Instrs(f func(*Instr)) {
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			f(in)
		}
	}
}

// VarKind says what a variable of an element is.
type VarKind uint8

const (
	VarParam VarKind = iota // fixed during a run
	VarState                // changed by kernels
	VarTrace                // a state that decays exponentially, updated lazily at events
)

func (k VarKind) String() string { return [...]string{"param", "state", "trace"}[k] }

// Var is a variable of a population, dendrite or projection: one value per
// element (structure of arrays), or, for a parameter that is the same for
// every element, one value.
type Var struct {
	Name    string
	Kind    VarKind
	Type    Type
	Runtime bool    // a runtime parameter: --set changes it without recompiling
	Uniform bool    // a parameter with one value for all elements, in Value
	Value   float64 // the uniform value
	Tau     string  // a trace's time constant: a parameter name or a number, as printed
	// TauParam is the parameter Tau names, nil where Tau is a number:
	// Module.Link resolves it in the scope of the trace's element.
	TauParam *Var
	// Range, if not nil, is the interval of values the variable takes
	// (a calibration run's, for the quantize pass).
	Range *[2]float64
	// Quantize, if not 0, is the width the model's annotation gives the
	// variable (state v: mV quantize int16): the quantize pass makes it
	// fixed point of that width, with or without --quantize.
	Quantize int
	// DrivenBy, if not nil, is the current that sets this parameter at
	// the start of every step: declared a parameter, it still changes
	// during a run, so no pass may take it for a constant. Module.Link
	// sets it.
	DrivenBy *Current
	// Reduce, if not nil, makes this state of a global the reduction of a
	// population's or projection's variable, which the runtime computes
	// (reduce.go).
	Reduce *Reduce
}

// Run holds the run settings, in seconds.
type Run struct {
	Dt       float64
	Duration float64
	Steps    int64
	Seed     uint64
	// Quantize, if not 0, is the width in bits the quantize pass gives
	// the model's state and arithmetic, or QuantizeFixed: a width per
	// variable, chosen by the pass.
	Quantize int
	// Ranges are the intervals of values the state variables took in a
	// calibration run, by "owner.name" (interp's Result.Ranges), for the
	// quantize pass. They are not part of the text form; the pass records
	// what it used in each variable's Range.
	Ranges map[string][2]float64
	// Declared are the ranges of runtime parameters the user states, in
	// the model (runtime param i_ext: nA = 0 nA in [-2 nA, 2 nA]) or with
	// snnc's --range, by the name --set uses: the values a quantized model
	// must hold them in. Not part of the text form, as Ranges.
	Declared map[string][2]float64
}

// QuantizeFixed in Run.Quantize has the quantize pass choose each
// variable's width (printed quantize=fixed).
const QuantizeFixed = -1

// Module is a whole compiled model: the dataflow graph and its kernels.
type Module struct {
	Source string
	// SourceSHA256 is the hex SHA-256 of the root source file's bytes, for
	// summary.json's model_sha256 (not part of the text form: "" for a
	// module parsed from text).
	SourceSHA256 string
	Run          Run
	// Notes are what passes say about the whole module (what prune
	// removed, and why), printed after the run settings.
	Notes       []string
	Params      []*Var // top-level parameters
	Populations []*Population
	Inputs      []*Input
	Projections []*Projection
	Currents    []*Current
	Monitors    []*Monitor
	// Tables are the timed arrays that table instructions read, by name.
	Tables []*Table
	// Data are the arrays that data instructions read, by name: the
	// values a model loads from files (data.go).
	Data []*Data
}

// Population is N neurons of one type (or, with Global, the one instance
// of a global). State is held as structure of arrays.
type Population struct {
	Name      string
	Type      string
	Size      int
	Global    bool
	Vars      []*Var
	Dendrites []*Dendrite
	Kernels   []*Kernel
	// Group, if not nil, is the population whose storage this one's
	// variables are a part of, from element Offset on (the fuse pass's
	// merged populations): the group's step kernel runs for both, and
	// this population's spikes are the group's in its range.
	Group  *Population
	Offset int
}

// Dendrite is a compartment, or Count identical segments, of every neuron
// of a population.
type Dendrite struct {
	// Population is the population whose neurons have the dendrite
	// (Module.Link sets it).
	Population *Population
	Name       string
	Count      int
	Array      bool
	Vars       []*Var
	Kernels    []*Kernel
}

// Projection is a set of synapses from a population or input to a
// population or one of its dendrites.
type Projection struct {
	Name string
	// Stream numbers the projection's connectivity draws
	// (rng.StreamConnect + Stream): its position in the model as lowered,
	// kept when a pass removes projections before it.
	Stream int
	// PruneVar, if not "", names the weight: the synapses whose weight
	// has a magnitude below PruneBelow are removed when the network is
	// built, after the synapses' init (the prune pass decides a uniform
	// weight at compile time).
	PruneVar   string
	PruneBelow float64
	// PartOf, if not nil, is the projection (Rule.Kind "parts", the fuse
	// pass's) that delivers this one's synapses with its own: this one
	// makes its synapses and has no kernels.
	PartOf *Projection
	// Label, if not "", is how messages name a projection whose source
	// gives it no name (its Name is made up): "connect at FILE:LINE:COL",
	// as spec/language.md promises. Describe reads it.
	Label string
	Pre   Source      // the population or input whose spikes it takes
	Post  *Population // the population it drives
	// Dendrite is the dendrite of Post it drives: nil for the soma.
	Dendrite *Dendrite
	Synapse  string // the synapse type's name
	Rule     Rule
	// PreRange and PostRange, where not {0, 0}, are the slices [lo, hi)
	// of Pre's and Post's elements the rule connects (a subgroup or an
	// inline slice, spec/language.md 4.12): the rule is built between
	// sides of hi - lo elements, its indices then moved up by lo.
	PreRange, PostRange [2]int
	Vars                []*Var
	Kernels             []*Kernel
	// Pos is the connect in the source, for diagnostics about the
	// projection as a whole (not part of the text form; zero for one a
	// pass makes, such as fuse's merged projection).
	Pos Pos
}

// Describe names the projection as a user's message does: "projection
// NAME", or its Label for an unnamed one.
func (pr *Projection) Describe() string {
	if pr.Label != "" {
		return pr.Label
	}
	return "projection " + pr.Name
}

// Rule is a connectivity rule and its arguments.
type Rule struct {
	Kind     string // all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, pairs
	P        float64
	K        int
	Autapses bool
	Pairs    [][2]int // inline pairs
	File     string   // pairs from a file
	// Skip, for generate, drops a generated post index outside the post
	// side (Brian2's skip_if_invalid) instead of failing; K is then the
	// step of the generator's range. A condition, a probability
	// expression and a generator's range and index are the projection's
	// connect.* kernels (RoleConnect), not fields of the rule.
	Skip bool
}

// Input is a population of spike sources.
type Input struct {
	Name string
	// Stream numbers the sources' draws (rng.StreamInput + Stream): its
	// position in the model as lowered, kept as Projection.Stream is.
	Stream int
	Kind   string // poisson or spikes
	Size   int
	Rates  []float64 // poisson rates over time, shared by all sources
	Period float64
	// Columns, when not 0, is the width of Rates: a column per source,
	// as a rates file may have (the rates phases set, lang.RateTable).
	Columns int
	Times   []SpikeTime // spikes inputs
	File    string      // rates or times from a file
	// Kernels: rate (per source) for a poisson input with a constant rate.
	Kernels []*Kernel
}

// SpikeTime is one spike of a spikes input.
type SpikeTime struct {
	Index int
	Time  float64
}

// Current sets a parameter of a population at the start of every step; its
// value kernel runs per neuron.
type Current struct {
	Name       string
	Population *Population
	Param      *Var // a parameter of Population
	Kernels    []*Kernel
}

// Monitor records spikes or a variable.
type Monitor struct {
	Name   string
	Kind   string // spikes or state
	Target Node   // a population (or global), input or projection
	Var    string // for state monitors: v, apical.u
	// Unit is the SI unit of a state monitor's values as recorded ("V",
	// "A", "1"), for summary.json; "" for spike monitors and for a module
	// parsed from text (not part of the text form).
	Unit   string
	Ranges [][2]int
	Every  int
	// Base is subtracted from the indices the monitor writes: the first
	// element of the subgroup it records, whose indices are the view's
	// own (spec/language.md 4.12); 0 for a whole population.
	Base int
	// Window, if not {0, 0}, is the steps [From, To) the monitor records
	// in (a protocol's phases, spec/language.md 4.10); a state monitor
	// samples there the steps that are multiples of Every.
	Window [2]int64
	// Kernels: value, for a monitor of a definition (a let): computes the
	// definition for one element when a sample is taken, in the scope of
	// the element (the target's, or its dendrite's for pop.dendrite.x).
	Kernels []*Kernel
	// Pos is the monitor's declaration in the source, for diagnostics
	// (not part of the text form).
	Pos Pos
}

// Records reports whether the monitor records in step k: always, or in
// its Window.
func (mon *Monitor) Records(k int64) bool {
	return mon.Window == [2]int64{} || k >= mon.Window[0] && k < mon.Window[1]
}

// Vars calls f on every variable of the module: its parameters', and its
// populations', dendrites' and projections'.
func (m *Module) Vars(f func(v *Var)) {
	for _, v := range m.Params {
		f(v)
	}
	m.VarOwners(func(_ Node, vars []*Var) {
		for _, v := range vars {
			f(v)
		}
	})
}

// VarOwners calls f on every node that has variables of its own, with
// them: each population, its dendrites, each projection.
func (m *Module) VarOwners(f func(n Node, vars []*Var)) {
	for _, p := range m.Populations {
		f(p, p.Vars)
		for _, d := range p.Dendrites {
			f(d, d.Vars)
		}
	}
	for _, pr := range m.Projections {
		f(pr, pr.Vars)
	}
}

// RuntimeParams returns the --set names of the module's runtime
// parameters: NAME, POPULATION.NAME, PROJECTION.NAME.
func (m *Module) RuntimeParams() map[string]bool {
	out := map[string]bool{}
	add := func(prefix string, vars []*Var) {
		for _, v := range vars {
			if v.Runtime {
				out[prefix+v.Name] = true
			}
		}
	}
	add("", m.Params)
	for _, p := range m.Populations {
		add(p.Name+".", p.Vars)
	}
	for _, pr := range m.Projections {
		add(pr.Name+".", pr.Vars)
	}
	return out
}

// KernelNamed returns the kernel called name in list, or nil.
func KernelNamed(list []*Kernel, name string) *Kernel {
	for _, k := range list {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// VarNamed returns the variable called name in list, or nil.
func VarNamed(list []*Var, name string) *Var {
	for _, v := range list {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Kernels calls f on every kernel of the module with the name of its
// owner: a population, population.dendrite, input, projection, current or
// monitor.
func (m *Module) Kernels(f func(owner string, k *Kernel)) {
	for _, p := range m.Populations {
		for _, k := range p.Kernels {
			f(p.Name, k)
		}
		for _, d := range p.Dendrites {
			for _, k := range d.Kernels {
				f(p.Name+"."+d.Name, k)
			}
		}
	}
	for _, in := range m.Inputs {
		for _, k := range in.Kernels {
			f(in.Name, k)
		}
	}
	for _, pr := range m.Projections {
		for _, k := range pr.Kernels {
			f(pr.Name, k)
		}
	}
	for _, c := range m.Currents {
		for _, k := range c.Kernels {
			f(c.Name, k)
		}
	}
	for _, mon := range m.Monitors {
		for _, k := range mon.Kernels {
			f(mon.Name, k)
		}
	}
}
