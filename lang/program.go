package lang

// Program is a checked model: every name resolved, every expression typed,
// sizes known. Lowering to the IR reads it together with Info.
type Program struct {
	Files []*File // the root file last, each import before its importer
	Scope *Scope  // the file scope shared by all files

	Params      []*Symbol // top-level parameters
	Neurons     []*Body
	Synapses    []*Body
	Globals     []*Body
	Populations []*Population
	Inputs      []*Input
	Projections []*Projection
	Currents    []*Current
	Monitors    []*Monitor
	Subgroups   []*Subgroup // in declaration order
	Schedules   []*Schedule // in declaration order
	TimedArrays []*TimedArray
	Run         RunSettings
	// PopReductions are the calls that reduce over a population's or a
	// projection's variable (check_reduce.go), by call.
	PopReductions map[*CallExpr]*PopReduction
	// Loads are the values each load(FILE) gives (check_load.go).
	Loads map[*CallExpr]*LoadedData

	Info Info
}

// Info holds what the checker learnt about expressions, as go/types.Info
// does: the type of every expression and the symbol each name denotes.
// Names on the pre and post side of a synapse are resolved per projection
// and are not in Uses.
type Info struct {
	Types map[Node]Type
	Uses  map[*NameRef]*Symbol
}

// Population is N neurons of one type.
type Population struct {
	Name string
	Pos  Pos
	Type *Body
	Size int
	Decl *PopulationDecl
}

// Input is a population of spike sources: "poisson" or "spikes".
type Input struct {
	Name string
	Pos  Pos
	Kind string
	Size int
	Decl *InputDecl
	// Phases are the rates that phases set (on INPUT { rate = ... }), in
	// the order of their first steps; Table is the rates table they make.
	Phases []PhaseRate
	Table  *RateTable
}

// PhaseRate is a poisson input's rate from a phase's first step on.
type PhaseRate struct {
	Step int64
	Rate *Expr
}

// RateTable is a poisson input's rates over time: Rows rows of Width
// values in Hz (Width 1: shared by all sources), each holding for
// PeriodSteps steps, the last one after the last period.
type RateTable struct {
	Rates       []float64
	Width       int
	PeriodSteps int64
}

// Projection connects a population or input to a population, or to a
// dendrite of its neurons.
type Projection struct {
	Name     string
	Pos      Pos
	PrePop   *Population // nil when the pre side is an input
	PreInput *Input
	Post     *Population
	Dendrite *Body // nil when the synapses target the soma
	Synapse  *Body
	Rule     string
	Decl     *ConnectDecl
	// PreRange and PostRange are the ranges [lo, hi) of the two sides
	// the rule connects, from a subgroup or an inline slice; {0, 0} is the
	// whole population or input (check_slice.go).
	PreRange, PostRange [2]int
	// pairsFile is the file of a pairs or matrix rule, whose columns or
	// entries a load in the body reads per synapse (check_load.go).
	pairsFile string
	// conn is its condition, probability expression or generator
	// (check_generate.go), or nil.
	conn *connExprs
}

// PreSize is the number of neurons or sources on the pre side (of its
// range, where it has one).
func (p *Projection) PreSize() int {
	if p.PreRange != [2]int{} {
		return p.PreRange[1] - p.PreRange[0]
	}
	if p.PrePop != nil {
		return p.PrePop.Size
	}
	return p.PreInput.Size
}

// Current drives a parameter of a population.
type Current struct {
	Name   string
	Pos    Pos
	Target *Population
	Param  *Symbol
	Decl   *CurrentDecl
}

// Monitor records spikes or a variable.
type Monitor struct {
	Name       string
	Pos        Pos
	Kind       string // "spikes" or "state"
	Population *Population
	Input      *Input
	Projection *Projection
	Global     *Body
	Var        *Symbol  // for state monitors
	Ranges     [][2]int // selected indices as half-open ranges; nil means all
	// Base is the first index of the subgroup monitored: the output's
	// indices are relative to it (check_slice.go).
	Base  int
	Every int // sampling period in steps
	// Window, if not {0, 0}, is the steps [from, to) it records in: the
	// phases that name it (ir.Monitor.Window).
	Window [2]int64
	Decl   *MonitorDecl
}

// RunSettings are the run block's values, in seconds.
type RunSettings struct {
	Duration float64
	Dt       float64
	Seed     uint64
	Steps    int64
	// Prune, if set, removes the synapses whose weight w has a smaller
	// magnitude than PruneWeight (in SI units of dimension PruneDim) when
	// the network is built: the run block's prune_weight, or snnc's
	// --prune-weight.
	Prune       bool
	PruneWeight float64
	PruneDim    Dim
}

// Defaults of the run settings when the model does not give them.
const (
	DefaultDt       = 0.1e-3
	DefaultDuration = 1.0
)

// Sources maps each file name to its contents, for printing diagnostics.
func (p *Program) Sources() map[string][]byte {
	m := map[string][]byte{}
	for _, f := range p.Files {
		m[f.Name] = f.Source
	}
	return m
}
