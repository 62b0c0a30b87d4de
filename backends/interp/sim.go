package interp

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/rng"
	"snnc/version"
)

// Options change a run without changing the model.
type Options struct {
	// Duration, if positive, replaces the model's run duration (seconds).
	Duration float64
	// Seed, if not nil, replaces the model's seed.
	Seed *uint64
	// Set gives runtime parameters new values, in SI units: "name" for a
	// top-level runtime parameter, "owner.name" for one of a population
	// or projection.
	Set map[string]float64
	// SetText is each --set value as the user gave it, by name, for
	// summary.json's "set" (driver.RunFlags.InterpOptions fills it).
	SetText map[string]string
	// Dir is the directory relative data file names are read from; by
	// default the current directory (lowering makes the names in the IR
	// relative to it).
	Dir string
	// Progress, if not nil, is called now and then with the steps done.
	Progress func(done, steps int64)
	// MemoryLimit is the most memory (bytes) a run may need, by an
	// estimate made before anything is allocated; 0 means the machine's
	// physical memory.
	MemoryLimit float64
	// Calibrate records in Result.Ranges the interval of values each
	// state variable and trace takes, for the quantize pass.
	Calibrate bool
	// Final, if not nil, is called with the state after the last step.
	Final func(*Storage)
	// Stop, if not nil, is read before every step: once it holds true the
	// run ends before that step, and its Result says it was interrupted
	// and holds what the steps before recorded (snnc run sets it on
	// SIGINT and SIGTERM).
	Stop *atomic.Bool
	// Checkpoint makes the Result's Summary hold a checkpoint of the state
	// after the last step (Summary.Checkpoint), which runtime.Write writes
	// into state/ (checkpoint.go).
	Checkpoint bool
	// Resume, if not nil, continues the run that wrote it: from its step
	// K, for Duration (or the model's duration) more, with its seed
	// unless Seed is given (which must then be its seed); the model must
	// be the one it ran. The Result is then that of one run of all the
	// steps (resumed_from aside).
	Resume *runtime.Checkpoint
	// Warn, if not nil, is given the run's warnings as they arise (a
	// recorded value that is not finite), one line each, without the
	// program's name.
	Warn func(msg string)
}

// Result is what a run recorded.
type Result struct {
	Spikes  []*runtime.Spikes
	States  []*runtime.State
	Summary *runtime.Summary
	// Ranges, with Options.Calibrate, is [min, max] of each state
	// variable and trace by "owner.name" (owner a population, a
	// population's dendrite as pop.dendrite, or a projection): of the
	// neurons' and dendrites' after every step, of the synapses' every
	// 100 steps and after the last.
	Ranges map[string][2]float64
}

// popState is a population's (or a global's) storage and kernels.
type popState struct {
	p      *ir.Population
	site   *site
	cells  map[string]*cell
	dends  []*dendState
	ref    []int64   // the first step each neuron is no longer refractory in
	thr    []float64 // the threshold's results in this step
	spikes []int32   // of this step
	prev   []int32   // of the previous step
	count  int64
	// members are the populations whose storage is this group's part.
	members []*popState
	// step, after the fuse pass, replaces update, threshold, reset and
	// refractory: it returns whether the neuron spiked, reset and made
	// refractory.
	k       struct{ init, prepare, update, threshold, reset, refractory, step *kernel }
	onSpike []*onSpike
	out     []*projState // projections from this population
}

type dendState struct {
	d     *ir.Dendrite
	site  *site
	fired []int     // the segments whose threshold held in this step
	thr   []float64 // the threshold's results in this step
	cells map[string]*cell
	k     struct{ init, prepare, update, threshold, reset *kernel }
}

type onSpike struct {
	src ir.Source
	k   *kernel
}

type inputState struct {
	in      *ir.Input
	poisson *runtime.Poisson
	train   *runtime.SpikeTrain
	spikes  []int32
	prev    []int32
	count   int64
	out     []*projState
}

type projState struct {
	pr     *ir.Projection
	csr    *runtime.CSR
	site   *site
	cells  map[string]*cell
	queue  *runtime.Queue
	byPost struct {
		start []int64
		syn   []int32
	}
	post *popState
	k    struct{ init, prepare, onPre, onPost, update *kernel }
	// summed is the projection's summed kernel, run in step 4a (summed.go).
	summed *kernel
	// paths are its named pathways, in the order step 2 runs them
	// (pathway.go).
	paths []*pathway
}

type currentState struct {
	c   *ir.Current
	pop *popState
	dst *cell
	k   *kernel
}

type sim struct {
	ranges    map[string][2]float64 // Options.Calibrate's (Result.Ranges)
	seed      uint64
	m         *ir.Module
	opts      Options
	dir       string
	rng       rng.Source
	dt        float64
	steps     int64
	params    map[string]*cell
	cellOf    map[*ir.Var]*cell // every variable's storage
	pops      []*popState
	popBy     map[*ir.Population]*popState
	inputs    []*inputState
	inBy      map[*ir.Input]*inputState
	projs     []*projState
	projBy    map[*ir.Projection]*projState
	curs      []*currentState
	scheds    []*schedState // scheduled kernels, by declaration order
	spikeMons []*spikeMon
	stateMons []*stateMon
	reds      []*reduction
	events    int64
	now       int64   // the step being run
	first     int64   // the first step run: 0, or a resumed checkpoint's K
	mem       *memory // checkMemory's account

	// sumTargets are the summed variables, set to 0 in step 4a before
	// the summed kernels add into them (summed.go); nil until the first
	// step finds them.
	sumTargets []*cell
}

type spikeMon struct {
	rec    *runtime.Spikes
	spikes *[]int32
	mon    *ir.Monitor // its Window: the steps it records in
}

type stateMon struct {
	rec   *runtime.State
	value func(i int32) float64
	mon   *ir.Monitor
}

// sample records the monitor's sample of step k, if it is due then
// (section 6, step 4).
func (sm *stateMon) sample(k int64) {
	if sm.rec.Due(k) && sm.mon.Records(k) {
		sm.rec.Sample(k, sm.value)
	}
}

// currents sets the parameters the currents drive to their values of
// step k (section 6, step 1).
func (s *sim) currents(k int64) {
	for _, c := range s.curs {
		c.k.all(k, float64(k)*s.dt, c.dst.arr)
	}
}

// built returns a simulation of m with its network and initial state
// built, as Run has it before step 0 (but for the currents).
func built(m *ir.Module, opts Options) (*sim, error) {
	s, err := newSim(m, opts)
	if err != nil {
		return nil, err
	}
	if err := s.build(); err != nil {
		return nil, err
	}
	return s, nil
}

// Run simulates a module that has been through the pass pipeline.
func Run(m *ir.Module, opts Options) (res *Result, err error) {
	defer catchRunError(&err)
	start := time.Now()
	if opts.Resume != nil {
		if err := resumeCheck(m, &opts); err != nil {
			return nil, err
		}
	}
	s, err := newSim(m, opts)
	if err != nil {
		return nil, err
	}
	seed := s.seed
	if c := opts.Resume; c != nil {
		// The steps of the whole run, before build: a spike train keeps
		// the spikes before its end.
		if c.Steps < 1 {
			return nil, fmt.Errorf("--resume %s: the run there ended before its first step; run the model again instead", c.Dir)
		}
		if c.Steps+s.steps > 1<<40 {
			return nil, fmt.Errorf("--resume %s: %d steps there and %d more are not 1 to 2^40 steps", c.Dir, c.Steps, s.steps)
		}
		s.first, s.steps = c.Steps, c.Steps+s.steps
	}
	if err := s.build(); err != nil {
		return nil, err
	}
	if c := opts.Resume; c != nil {
		if err := s.resume(c); err != nil {
			return nil, err
		}
	}
	done := s.loop()
	s.now = done
	if opts.Final != nil {
		opts.Final(s.storage())
	}
	sum := &runtime.Summary{Model: m.Source, Target: "interp", Seed: seed, Dt: s.dt,
		Duration: float64(s.steps) * s.dt, Steps: s.steps, Synapses: map[string]int{}, Events: s.events,
		SnncVersion: version.Version, ModelSHA256: m.SourceSHA256, Threads: 1,
		Set: maps.Clone(opts.SetText), Monitors: MonitorSummaries(m)}
	if done < s.steps {
		sum.Interrupted, sum.StepsDone = true, &done
	}
	// Rates are over the time run: all of it, or up to the interruption.
	rate := func(count int64, size int) float64 {
		if done == 0 {
			return 0
		}
		return float64(count) / float64(size) / (float64(done) * s.dt)
	}
	for _, p := range s.pops {
		if p.p.Global || p.members != nil {
			continue // a group's spikes are its members'
		}
		sum.Populations = append(sum.Populations, runtime.PopulationSummary{Name: p.p.Name, Size: p.p.Size,
			Spikes: p.count, Rate: rate(p.count, p.p.Size)})
	}
	for _, in := range s.inputs {
		sum.Populations = append(sum.Populations, runtime.PopulationSummary{Name: in.in.Name, Size: in.in.Size,
			Spikes: in.count, Rate: rate(in.count, in.in.Size)})
	}
	for _, pr := range s.projs {
		if pr.pr.Rule.Kind != "parts" { // a merged projection's synapses are its parts'
			sum.Synapses[pr.pr.Name] = pr.csr.Len()
		}
	}
	sum.WallSeconds = time.Since(start).Seconds()
	sum.Final = s.finalState()
	if opts.Checkpoint {
		sum.Checkpoint = s.checkpoint()
	}
	if opts.Resume != nil {
		sum.ResumedFrom = opts.Resume.Dir
	}
	res = &Result{Summary: sum, Ranges: s.ranges}
	for _, sm := range s.spikeMons {
		res.Spikes = append(res.Spikes, sm.rec)
	}
	for _, sm := range s.stateMons {
		res.States = append(res.States, sm.rec)
	}
	return res, nil
}

// newCells makes the storage of a list of variables for n elements;
// segmented gives state and traces count values per element.
func newCells(vars []*ir.Var, n, count int) map[string]*cell {
	cells := map[string]*cell{}
	for _, v := range vars {
		c := &cell{v: v}
		switch {
		case v.Kind == ir.VarParam && v.Uniform:
			c.val = v.Value
		case v.Kind == ir.VarParam:
			c.arr = make([]float64, n)
		default:
			c.arr = make([]float64, n*count)
		}
		cells[v.Name] = c
	}
	return cells
}

func (s *sim) build() error {
	s.cellOf = map[*ir.Var]*cell{}
	for _, v := range s.m.Params {
		s.params[v.Name] = &cell{v: v, val: v.Value}
		s.cellOf[v] = s.params[v.Name]
	}
	// Populations and their dendrites.
	for _, p := range s.m.Populations {
		ps := &popState{p: p, site: &site{n: p.Size, count: 1}, cells: newCells(p.Vars, p.Size, 1)}
		if !p.Global {
			ps.ref = make([]int64, p.Size)
			ps.thr = make([]float64, p.Size)
		}
		for _, d := range p.Dendrites {
			count := 1
			if d.Array {
				count = d.Count
			}
			ds := &dendState{d: d, site: &site{n: p.Size * count, count: count}, cells: map[string]*cell{},
				thr: make([]float64, p.Size*count)}
			for _, v := range d.Vars {
				if v.Kind == ir.VarParam {
					maps.Copy(ds.cells, newCells([]*ir.Var{v}, p.Size, 1))
				} else {
					maps.Copy(ds.cells, newCells([]*ir.Var{v}, p.Size, count))
				}
			}
			ps.dends = append(ps.dends, ds)
		}
		if g := s.popBy[p.Group]; g != nil {
			// A member of a group: its state and refractoriness are its
			// part of the group's arrays.
			for name, c := range ps.cells {
				if gc := g.cells[name]; gc != nil && gc.arr != nil && c.arr != nil {
					c.arr = gc.arr[p.Offset : p.Offset+p.Size : p.Offset+p.Size]
				}
			}
			ps.ref = g.ref[p.Offset : p.Offset+p.Size : p.Offset+p.Size]
			g.members = append(g.members, ps)
		}
		s.pops = append(s.pops, ps)
		s.popBy[p] = ps
		for _, c := range ps.cells {
			s.cellOf[c.v] = c
		}
		for _, ds := range ps.dends {
			for _, c := range ds.cells {
				s.cellOf[c.v] = c
			}
		}
	}
	// A parameter driven by a current has a value per neuron.
	for _, c := range s.m.Currents {
		ps := s.popBy[c.Population]
		dst := s.cellOf[c.Param]
		if dst.arr == nil {
			dst.arr = make([]float64, ps.p.Size)
			if g := s.popBy[ps.p.Group]; g != nil && g.cells[c.Param.Name] != nil && g.cells[c.Param.Name].arr != nil {
				// A group's member: its part of the group's array, which
				// the group's step kernel reads.
				off := ps.p.Offset
				dst.arr = g.cells[c.Param.Name].arr[off : off+ps.p.Size : off+ps.p.Size]
			}
			for i := range dst.arr {
				dst.arr[i] = dst.val
			}
		}
		s.curs = append(s.curs, &currentState{c: c, pop: ps, dst: dst})
	}
	if err := s.set(); err != nil {
		return err
	}
	for _, ps := range s.pops {
		if err := s.compilePopulation(ps); err != nil {
			return err
		}
	}
	for _, cs := range s.curs {
		k, err := s.env(cs.pop.ref).compile(cs.c.Name, ir.KernelNamed(cs.c.Kernels, "value"), cs.pop.site)
		if err != nil {
			return err
		}
		cs.k = k
	}
	// Initial values: neurons and dendrites, then the synapses, which may
	// read them.
	for _, ps := range s.pops {
		if ps.k.init != nil {
			ps.k.init.all(0, 0, nil)
		}
		for _, ds := range ps.dends {
			if ds.k.init != nil {
				ds.k.init.all(0, 0, nil)
			}
		}
	}
	for _, in := range s.m.Inputs {
		if err := s.buildInput(in); err != nil {
			return fmt.Errorf("input %s: %v", in.Name, err)
		}
	}
	for n, pr := range s.m.Projections {
		if err := s.buildProjection(n, pr); err != nil {
			return fmt.Errorf("%s: %v", pr.Describe(), err)
		}
	}
	// prepare runs after every init and --set.
	if err := s.prepare(); err != nil {
		return err
	}
	s.buildReductions()
	s.reduce() // the value before the first step, over the initial state
	if err := s.buildSchedules(); err != nil {
		return err
	}
	return s.buildMonitors()
}

// checkPropagators reports a propagator that prepare computed as not
// finite: a time constant of 0 (by --set, or per element), or a system
// too stiff for its step.
func (s *sim) checkPropagators() error {
	check := func(owner string, cells map[string]*cell) error {
		for _, name := range slices.Sorted(maps.Keys(cells)) {
			c := cells[name]
			if !strings.HasPrefix(name, "decay.") {
				continue
			}
			for el, x := range c.arr {
				if math.IsInf(x, 0) || math.IsNaN(x) {
					return fmt.Errorf("%s: element %d: the exact propagator (%s) is %g; is a time constant 0 or far below dt?", owner, el, name, x)
				}
			}
		}
		return nil
	}
	for _, ps := range s.pops {
		if err := check(ps.p.Name, ps.cells); err != nil {
			return err
		}
		for _, ds := range ps.dends {
			if err := check(ps.p.Name+"."+ds.d.Name, ds.cells); err != nil {
				return err
			}
		}
	}
	for _, pr := range s.projs {
		if err := check(pr.pr.Describe(), pr.cells); err != nil {
			return err
		}
	}
	return nil
}

// set applies Options.Set to the runtime parameters: top-level ones by
// name, those of a population or projection as owner.name.
func (s *sim) set() error {
	settable := map[string]*cell{}
	for name, c := range s.params {
		if c.v.Runtime {
			settable[name] = c
		}
	}
	for _, ps := range s.pops {
		for name, c := range ps.cells {
			if c.v.Runtime {
				settable[ps.p.Name+"."+name] = c
			}
		}
	}
	// A projection's cells are made once its synapses are; buildProjection
	// applies its settings then.
	for _, pr := range s.m.Projections {
		for _, v := range pr.Vars {
			if v.Runtime {
				settable[pr.Name+"."+v.Name] = &cell{v: v}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.opts.Set)) {
		c := settable[name]
		if c == nil {
			have := slices.Sorted(maps.Keys(settable))
			if len(have) == 0 {
				return fmt.Errorf("--set %s: the model has no runtime parameters (declare one with `runtime param`)", name)
			}
			return fmt.Errorf("--set %s: no runtime parameter %s; the model has %s", name, name, strings.Join(have, ", "))
		}
		switch {
		case c.arr != nil && c.v.Uniform:
			return fmt.Errorf("--set %s: %s is driven by a current, which sets it every step", name, name)
		case c.arr != nil || !c.v.Uniform:
			return fmt.Errorf("--set %s: the model gives %s a value per element; --set gives one value to every element, so change the model instead", name, name)
		}
		x := s.opts.Set[name]
		if r := c.v.Range; r != nil && !(x >= r[0] && x <= r[1]) {
			return fmt.Errorf("--set %s: %g is outside [%g, %g], the values the quantized model was built to hold %s in; "+
				"build it again with a range that holds it: in [LO, HI] on the parameter's declaration, or snnc's --range %s=LO:HI",
				name, x, r[0], r[1], name, name)
		}
		c.val = x
	}
	return nil
}

// env is what a kernel of a population (ref its refractoriness), or of
// anything else (ref nil), sees besides the variables its ir.Refs reach.
func (s *sim) env(ref []int64) *env {
	return &env{s: s, decayed: map[*ir.Var]func(int32) float64{}, ref: ref}
}

func (s *sim) compilePopulation(ps *popState) error {
	e := s.env(ps.ref)
	ks := ps.p.Kernels
	var err error
	compile := func(name string, site *site, e *env) *kernel {
		if err != nil {
			return nil
		}
		var k *kernel
		k, err = e.compile(ps.p.Name, ir.KernelNamed(ks, name), site)
		return k
	}
	ps.k.init = compile("init", ps.site, e)
	ps.k.prepare = compile("prepare", ps.site, e)
	ps.k.update = compile("update", ps.site, e)
	ps.k.threshold = compile("threshold", ps.site, e)
	ps.k.reset = compile("reset", ps.site, e)
	ps.k.refractory = compile("refractory", ps.site, e)
	ps.k.step = compile("step", ps.site, e)
	for _, k := range ks {
		if k.Role == ir.RoleOnSpike {
			var kn *kernel
			if kn, err = e.compile(ps.p.Name, k, ps.site); err != nil {
				return err
			}
			ps.onSpike = append(ps.onSpike, &onSpike{k.Spikes, kn})
		}
	}
	for _, ds := range ps.dends {
		de := s.env(ps.ref)
		ks = ds.d.Kernels
		ds.k.init = compile("init", ds.site, de)
		ds.k.prepare = compile("prepare", ds.site, de)
		ds.k.update = compile("update", ds.site, de)
		ds.k.threshold = compile("threshold", ds.site, de)
		ds.k.reset = compile("reset", ds.site, de)
	}
	return err
}

// prepare runs every prepare kernel, at step 0 and time 0 (its draws are
// step 0's), and checks the propagators it computed: after every init and
// --set when the network is built, and again when a resume restores the
// parameters.
func (s *sim) prepare() error {
	for _, ps := range s.pops {
		if ps.k.prepare != nil {
			ps.k.prepare.all(0, 0, nil)
		}
		for _, ds := range ps.dends {
			if ds.k.prepare != nil {
				ds.k.prepare.all(0, 0, nil)
			}
		}
	}
	for _, pr := range s.projs {
		if pr.k.prepare != nil {
			pr.k.prepare.all(0, 0, nil)
		}
	}
	return s.checkPropagators()
}

// MonitorSummaries describes m's monitors for summary.json, as the native
// backend does (llvm's monitorsJSON): runtime.NewMonitorSummary says what
// each holds.
func MonitorSummaries(m *ir.Module) []runtime.MonitorSummary {
	out := []runtime.MonitorSummary{}
	for _, mon := range m.Monitors {
		_, proj := mon.Target.(*ir.Projection)
		out = append(out, runtime.NewMonitorSummary(mon.Name, mon.Kind, mon.Target.NodeName(), mon.Var, mon.Unit, mon.Every, m.Run.Dt, proj))
	}
	return out
}
