// The checker: its state and Check, which runs three passes over the
// declarations of all files of a model:
//
//  1. declare every top-level name, so that order does not matter
//     (check_declare.go);
//  2. the bodies of neuron, synapse and global types and the top-level
//     parameters (check_body.go, expressions in check_expr.go);
//  3. the network, in source order (check_network.go gives its steps:
//     the run block, populations and inputs, connects, currents and
//     monitors, globals' on spike handlers, synapses per projection);
//
// and last the order of initialisation (initorder.go).

package lang

import (
	"math"
)

// checker resolves names and checks dimensions over all files of a model.
type checker struct {
	diags *Diagnostics
	conv  converter
	info  Info
	prog  *Program
	// pruneWeight, if set, checks the run block's prune_weight against
	// the projections' weights, after they are checked.
	pruneWeight func()
	all         *Scope            // every top-level name of every file, for clashes
	files       map[string]*Scope // per file: its own names and those of its imports
	broken      map[string]bool

	bodyOf  map[*Symbol]*Body
	synUses map[*Body][]*Projection
	pending map[*Symbol]valueDecl
	// segmentRefs are the pre./post. names that read a dendrite array.
	segmentRefs map[*NameRef]bool
	reportedAt  map[Pos]bool
	monitors    map[string]*Monitor
	// summed maps each variable a synapse's summed member targets to the
	// first such member; writes lists where statements assign each
	// variable (check_summed.go: nothing else may write a summed target).
	summed map[*Symbol]*Summed
	writes map[*Symbol][]Pos
	// phases are the steps [start, end) of each phase of the protocol
	// (check_phase.go).
	phases map[*PhaseDecl][2]int64
	// subgroupBusy holds the subgroups checked (false) or being checked
	// (true), to find a view of itself (check_slice.go).
	subgroupBusy map[*SubgroupDecl]bool
	// dataFiles are the data files loads and matrix rules read, by path
	// (check_load.go).
	dataFiles map[string]*dataFile
	// streams are the named random streams' first draws, by name, and
	// their stream numbers' names (check_stream.go).
	streams     map[string]streamUse
	streamNames map[int]string

	// connSides are the pre and post neuron types of the connect whose
	// condition is being checked (check_generate.go).
	connSides map[string]*Body
}

// valueDecl keeps what resolveSym needs to type a value symbol lazily, so
// that names may be used before their declaration.
type valueDecl struct {
	unit *UnitExpr
	init *Expr
	ctx  *exprCtx
}

// Check resolves and checks the declarations of files, which must be in
// import order with the root file last.
func Check(files []*File, diags *Diagnostics) *Program {
	c := &checker{
		diags:   diags,
		conv:    converter{diags: diags},
		info:    Info{Types: map[Node]Type{}, Uses: map[*NameRef]*Symbol{}},
		all:     NewScope(universe),
		files:   map[string]*Scope{},
		broken:  map[string]bool{},
		bodyOf:  map[*Symbol]*Body{},
		synUses: map[*Body][]*Projection{},
		pending: map[*Symbol]valueDecl{},

		segmentRefs: map[*NameRef]bool{},
		reportedAt:  map[Pos]bool{},
		monitors:    map[string]*Monitor{},
	}
	c.prog = &Program{Files: files, Scope: c.all, Info: c.info, PopReductions: map[*CallExpr]*PopReduction{},
		Loads: map[*CallExpr]*LoadedData{}}
	for _, f := range files {
		c.files[f.Name] = NewScope(universe)
	}
	for _, f := range files {
		for _, b := range f.Broken {
			c.broken[b] = true
		}
	}
	var decls []Decl
	for _, f := range files {
		decls = append(decls, f.Decls...)
	}
	// Pass 1: declare every top-level name, so order does not matter.
	for _, d := range decls {
		c.declare(d)
	}
	c.fillFileScopes(files)
	// Pass 2: the bodies of types and globals.
	for _, b := range c.prog.Neurons {
		c.checkBody(b)
	}
	for _, b := range c.prog.Synapses {
		c.checkBody(b)
	}
	for _, b := range c.prog.Globals {
		c.checkBody(b)
	}
	for _, p := range c.prog.Params {
		c.resolveSym(p)
		c.checkRange(p)
	}
	// Pass 3: the network, in source order.
	c.prog.Run = RunSettings{Duration: DefaultDuration, Dt: DefaultDt, Steps: int64(math.Round(DefaultDuration / DefaultDt))}
	var run *RunDecl
	for _, d := range decls {
		if r, ok := d.(*RunDecl); ok {
			if run != nil {
				c.diags.Errorf(posOf(r.Pos), "second run block; the first is at %s", posOf(run.Pos))
				continue
			}
			run = r
			c.checkRun(r)
		}
	}
	c.checkPhaseTimes(decls, run)
	for _, d := range decls {
		if d, ok := d.(*TimedArrayDecl); ok {
			c.checkTimedArray(d)
		}
	}
	for _, d := range decls {
		switch d := d.(type) {
		case *PopulationDecl:
			c.checkPopulation(d)
		case *InputDecl:
			c.checkInput(d)
		}
	}
	for _, d := range decls {
		if d, ok := d.(*SubgroupDecl); ok {
			c.checkSubgroup(d)
		}
	}
	c.subgroupReductions()
	for _, d := range decls {
		switch d := d.(type) {
		case *ConnectDecl:
			c.checkConnect(d)
		case *CurrentDecl:
			c.checkCurrent(d)
		case *MonitorDecl:
			c.checkMonitor(d)
		}
	}
	for _, b := range c.prog.Globals {
		c.checkGlobalEvents(b)
	}
	for _, d := range decls {
		switch d := d.(type) {
		case *ScheduleDecl:
			c.checkSchedule(d)
		case *PhaseDecl:
			c.checkPhase(d)
		}
	}
	c.phaseRateTables()
	for _, b := range c.prog.Synapses {
		for _, p := range c.synUses[b] {
			c.checkSynapseFor(b, p)
		}
	}
	c.checkSummedTargets()
	if c.pruneWeight != nil {
		c.pruneWeight()
	}
	c.checkInitOrder()
	return c.prog
}
