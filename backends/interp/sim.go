package interp

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/mathfn"
	"snnc/runtime/rng"
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
	src string
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
	cellOf    map[*ir.Var]*cell    // every variable's storage
	owners    map[string]*ir.Names // the names of each owner's kernels (ir.ScopesByOwner)
	pops      []*popState
	popBy     map[string]*popState
	inputs    []*inputState
	inBy      map[string]*inputState
	projs     []*projState
	projBy    map[string]*projState
	curs      []*currentState
	spikeMons []*spikeMon
	stateMons []*stateMon
	events    int64
	now       int64   // the step being run
	mem       *memory // checkMemory's account
}

type spikeMon struct {
	rec    *runtime.Spikes
	spikes *[]int32
}

type stateMon struct {
	rec   *runtime.State
	value func(i int32) float64
}

// Run simulates a module that has been through the pass pipeline.
func Run(m *ir.Module, opts Options) (res *Result, err error) {
	defer catchRunError(&err)
	start := time.Now()
	s, err := newSim(m, opts)
	if err != nil {
		return nil, err
	}
	seed := s.seed
	if err := s.build(); err != nil {
		return nil, err
	}
	done := s.loop()
	if opts.Final != nil {
		s.now = done
		opts.Final(s.storage())
	}
	sum := &runtime.Summary{Model: m.Source, Target: "interp", Seed: seed, Dt: s.dt,
		Duration: float64(s.steps) * s.dt, Steps: s.steps, Synapses: map[string]int{}, Events: s.events}
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
	_, s.owners = ir.ScopesByOwner(s.m)
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
		if g := s.popBy[p.Group]; p.Group != "" && g != nil {
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
		s.popBy[p.Name] = ps
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
		dst := ps.cells[c.Param]
		if dst == nil {
			return fmt.Errorf("current %s: %s has no parameter %s", c.Name, c.Population, c.Param)
		}
		if dst.arr == nil {
			dst.arr = make([]float64, ps.p.Size)
			if g := s.popBy[ps.p.Group]; g != nil && g.cells[c.Param] != nil && g.cells[c.Param].arr != nil {
				// A group's member: its part of the group's array, which
				// the group's step kernel reads.
				off := ps.p.Offset
				dst.arr = g.cells[c.Param].arr[off : off+ps.p.Size : off+ps.p.Size]
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
		k, err := s.env(cs.pop.p.Name, cs.pop.ref).compile(cs.c.Name, ir.KernelNamed(cs.c.Kernels, "value"), cs.pop.site)
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
	if err := s.checkPropagators(); err != nil {
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

// env is what the kernels of an owner (a population, population.dendrite,
// projection, or "" for inputs) see: the names ir.ScopesByOwner gives
// them, each found in the cell of its variable; ref is the population's
// refractoriness.
func (s *sim) env(owner string, ref []int64) *env {
	e := &env{s: s, names: map[string]access{}, segs: map[string]segAccess{}, decayed: map[string]func(int32) float64{}, ref: ref}
	sc := s.owners[owner]
	if sc == nil {
		return e
	}
	for name, v := range sc.Vars {
		if c := s.cellOf[v]; c != nil {
			idx := map[ir.Index]idxKind{ir.IndexElement: idxElem, ir.IndexNeuron: idxNeuron, ir.IndexPost: idxPost,
				ir.IndexPostSegment: idxPostSeg, ir.IndexGlobal: idxZero}[sc.Where[name]]
			e.names[name] = access{c, idx}
		}
	}
	for name, v := range sc.Segments {
		if c := s.cellOf[v]; c != nil {
			sa := sc.SegmentOf[name]
			e.segs[name] = segAccess{c, sa.Count, sa.Post}
		}
	}
	return e
}

func (s *sim) compilePopulation(ps *popState) error {
	e := s.env(ps.p.Name, ps.ref)
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
		if src, ok := strings.CutPrefix(k.Name, "on_spike."); ok {
			var kn *kernel
			if kn, err = e.compile(ps.p.Name, k, ps.site); err != nil {
				return err
			}
			ps.onSpike = append(ps.onSpike, &onSpike{src, kn})
		}
	}
	for _, ds := range ps.dends {
		de := s.env(ps.p.Name+"."+ds.d.Name, ps.ref)
		ks = ds.d.Kernels
		ds.k.init = compile("init", ds.site, de)
		ds.k.prepare = compile("prepare", ds.site, de)
		ds.k.update = compile("update", ds.site, de)
		ds.k.threshold = compile("threshold", ds.site, de)
		ds.k.reset = compile("reset", ds.site, de)
	}
	return err
}

// path is where a data file named by the model is read from.
func (s *sim) path(name string) string {
	if !filepath.IsAbs(name) && s.dir != "" {
		return filepath.Join(s.dir, name)
	}
	return name
}

func (s *sim) buildInput(in *ir.Input) error {
	is := &inputState{in: in}
	s.inputs = append(s.inputs, is)
	s.inBy[in.Name] = is
	stream := uint32(rng.StreamInput + in.Stream)
	switch in.Kind {
	case "poisson":
		var rates func(q int64) []float64
		periodSteps := int64(0)
		if k := ir.KernelNamed(in.Kernels, "rate"); k != nil {
			kn, err := s.env("", nil).compile(in.Name, k, &site{n: in.Size, count: 1})
			if err != nil {
				return err
			}
			r := make([]float64, in.Size)
			kn.all(0, 0, r)
			for i, x := range r {
				if !(x >= 0) || math.IsInf(x, 0) {
					return fmt.Errorf("source %d has rate %g Hz; rates must be finite and non-negative", i, x)
				}
			}
			rates = func(int64) []float64 { return r }
		} else {
			table := in.Rates
			width := 1
			if in.File != "" {
				var err error
				if table, width, err = runtime.ReadRates(s.path(in.File), in.File, in.Size); err != nil {
					return err
				}
			}
			for n, x := range table {
				if !(x >= 0) || math.IsInf(x, 0) {
					return fmt.Errorf("rate %d (%g Hz) must be finite and non-negative", n, x)
				}
			}
			periods := int64(len(table) / width)
			// The range is checked before the conversion: a period of
			// more steps than an int64 holds converts to garbage.
			switch n := math.Round(in.Period / s.dt); {
			case !(n >= 1):
				return fmt.Errorf("the period %g s is shorter than half a step (dt = %g s)", in.Period, s.dt)
			case !(n < 1<<62):
				return fmt.Errorf("the period %g s is %g steps of dt = %g s, too many to count", in.Period, n, s.dt)
			default:
				periodSteps = int64(n)
			}
			// The last row holds after the last period.
			rates = func(q int64) []float64 {
				q = min(q, periods-1)
				return table[q*int64(width) : (q+1)*int64(width)]
			}
		}
		is.poisson = runtime.NewPoisson(s.rng, stream, in.Size, s.dt, s.steps, periodSteps, rates)
	case "spikes":
		var idx []int
		var times []float64
		for _, st := range in.Times {
			idx = append(idx, st.Index)
			times = append(times, st.Time)
		}
		if in.File != "" {
			fi, ft, err := runtime.ReadSpikeTimes(s.path(in.File), in.File, in.Size)
			if err != nil {
				return err
			}
			idx, times = append(idx, fi...), append(times, ft...)
		}
		st, err := runtime.NewSpikeTrain(in.Size, s.dt, s.steps, idx, times)
		if err != nil {
			if in.File != "" {
				return fmt.Errorf("%s: %v", in.File, err)
			}
			return err
		}
		is.train = st
	default:
		return fmt.Errorf("unknown input kind %q", in.Kind)
	}
	return nil
}

func (s *sim) buildProjection(n int, pr *ir.Projection) error {
	ps := &projState{pr: pr}
	var nPre int
	// A part of a merged projection makes its synapses and delivers
	// nothing: the merged projection does, with the spikes.
	deliver := pr.PartOf == ""
	preGroup := s.popBy[pr.Pre]
	if preGroup != nil {
		nPre = preGroup.p.Size
		if deliver {
			preGroup.out = append(preGroup.out, ps)
		}
	} else if in := s.inBy[pr.Pre]; in != nil {
		nPre = in.in.Size
		if deliver {
			in.out = append(in.out, ps)
		}
	} else {
		return fmt.Errorf("no population or input %s", pr.Pre)
	}
	post := s.popBy[pr.Post]
	if post == nil {
		return fmt.Errorf("no population %s", pr.Post)
	}
	ps.post = post
	rule := runtime.Rule{Kind: pr.Rule.Kind, P: pr.Rule.P, K: pr.Rule.K, Autapses: pr.Rule.Autapses, Pairs: pr.Rule.Pairs}
	if pr.Rule.File != "" {
		pairs, err := runtime.ReadPairs(s.path(pr.Rule.File), pr.Rule.File, nPre, post.p.Size)
		if err != nil {
			return err
		}
		rule.Pairs = pairs
	}
	var csr *runtime.CSR
	var err error
	if pr.Rule.Kind == "parts" {
		csr = s.mergedRows(pr, nPre)
	} else if csr, err = runtime.Connect(s.rng, uint32(rng.StreamConnect+pr.Stream), rule, nPre, post.p.Size, pr.Pre == pr.Post); err != nil {
		return err
	}
	ps.csr = csr
	nsyn := csr.Len()
	ps.site = &site{n: nsyn, count: 1, pre: csr.Pre(), post: csr.Post}
	ps.cells = newCells(pr.Vars, nsyn, 1)
	for name, c := range ps.cells {
		if c.v.Runtime {
			if x, ok := s.opts.Set[pr.Name+"."+name]; ok {
				c.val = x
			}
		}
	}
	var dend *dendState
	for _, ds := range post.dends {
		if ds.d.Name == pr.Dendrite {
			dend = ds
		}
	}
	for _, c := range ps.cells {
		s.cellOf[c.v] = c
	}
	e := s.env(pr.Name, nil)
	compile := func(name string) *kernel {
		if err != nil {
			return nil
		}
		var k *kernel
		k, err = e.compile(pr.Name, ir.KernelNamed(pr.Kernels, name), ps.site)
		return k
	}
	ps.k.init = compile("init")
	if err != nil {
		return err
	}
	if ps.k.init != nil {
		ps.k.init.all(0, 0, nil)
	}
	if pr.PruneVar != "" {
		ps.pruneWeights()
		nsyn = ps.csr.Len()
	}
	// The segment of each synapse onto a dendrite array, known after init.
	if dend != nil {
		if dend.d.Array {
			seg := ps.cells["segment"]
			if seg == nil {
				return fmt.Errorf("onto the dendrite array %s.%s without a segment", pr.Post, dend.d.Name)
			}
			ps.site.js = make([]int32, nsyn)
			for syn := range nsyn {
				x := seg.val
				if seg.arr != nil {
					x = seg.arr[syn]
				}
				sg, ok := runtime.Whole(x, dend.d.Count)
				if !ok {
					return fmt.Errorf("synapse %d (%d -> %d) has segment %g, not a whole number in [0, %d)",
						syn, ps.site.pre[syn], ps.site.post[syn], x, dend.d.Count)
				}
				ps.site.js[syn] = ps.site.post[syn]*int32(dend.d.Count) + int32(sg)
			}
		}
	}
	ps.k.prepare = compile("prepare")
	ps.k.onPre = compile("on_pre")
	ps.k.onPost = compile("on_post")
	ps.k.update = compile("update")
	if err != nil {
		return err
	}
	if ps.k.onPost != nil {
		ps.byPost.start, ps.byPost.syn = ps.csr.ByPost(post.p.Size)
	}
	// Delays in steps.
	delay := ps.cells["delay"]
	toSteps := func(syn int, d float64) (int32, error) {
		steps := math.Round(d / s.dt)
		if !(steps >= 0 && steps < 1<<30) {
			return 0, fmt.Errorf("synapse %d has delay %g s; delays must be finite, non-negative and below 2^30 steps", syn, d)
		}
		return int32(steps), nil
	}
	// The ring is as long as the longest delay: counted against the
	// memory before it is made (a legal delay of 1e5 s at dt = 0.1 ms is
	// a ring of 10^9 slots).
	ring := func(maxSteps int32, d float64, perSyn bool) error {
		bytes := ringBytes(int64(maxSteps), perSyn)
		if !s.mem.grow(bytes, 0) {
			return fmt.Errorf("a delay of %g s is %d steps of %g s: its spike queue of %d slots needs %s, more than the %s of memory left; shorten the delay or use a longer dt",
				d, maxSteps, s.dt, int64(maxSteps)+1, bytesText(bytes), bytesText(s.mem.limit-s.mem.need))
		}
		return nil
	}
	switch {
	case delay == nil:
		ps.queue = runtime.NewQueue(0)
	case delay.arr == nil:
		d, err := toSteps(0, delay.val)
		if err != nil {
			return err
		}
		if err := ring(d, delay.val, false); err != nil {
			return err
		}
		ps.queue = runtime.NewQueue(int64(d))
	default:
		steps := make([]int32, nsyn)
		longest := 0
		for syn, d := range delay.arr {
			if steps[syn], err = toSteps(syn, d); err != nil {
				return err
			}
			if steps[syn] > steps[longest] {
				longest = syn
			}
		}
		if nsyn > 0 {
			if err := ring(steps[longest], delay.arr[longest], true); err != nil {
				return err
			}
		}
		ps.queue = runtime.NewSynapseQueue(steps, ps.csr.Start)
	}
	s.projs = append(s.projs, ps)
	s.projBy[pr.Name] = ps
	return nil
}

func (s *sim) buildMonitors() error {
	for _, mon := range s.m.Monitors {
		if mon.Kind == "spikes" {
			var sm *spikeMon
			if ps := s.popBy[mon.Target]; ps != nil {
				sm = &spikeMon{runtime.NewSpikes(mon.Name, mon.Target, ps.p.Size, mon.Ranges), &ps.spikes}
			} else if in := s.inBy[mon.Target]; in != nil {
				sm = &spikeMon{runtime.NewSpikes(mon.Name, mon.Target, in.in.Size, mon.Ranges), &in.spikes}
			} else {
				return fmt.Errorf("monitor %s: no population or input %s", mon.Name, mon.Target)
			}
			rec := sm.rec
			rec.Reserve = func(bytes, replaced float64) (bool, float64, error) {
				if s.mem.grow(bytes, replaced) {
					return true, 0, nil
				}
				return false, s.mem.limit - s.mem.need, fmt.Errorf("monitor %s: its %d spikes up to step %d (t = %g s) need more memory than is left of the %s available; record fewer neurons (a selection such as %s[0:100]) or run for less time",
					rec.Name, len(rec.Steps), s.now, float64(s.now)*s.dt, bytesText(s.mem.limit), rec.Source)
			}
			s.spikeMons = append(s.spikeMons, sm)
			continue
		}
		every := int64(max(mon.Every, 1))
		var rec *runtime.State
		var value func(i int32) float64
		if k := ir.KernelNamed(mon.Kernels, "value"); k != nil {
			// A definition: its kernel runs for each recorded element.
			var e *env
			var st *site
			if ps := s.popBy[mon.Target]; ps != nil {
				owner := ps.p.Name
				if d, _, ok := strings.Cut(mon.Var, "."); ok && s.owners[owner+"."+d] != nil {
					owner += "." + d
				}
				e, st = s.env(owner, ps.ref), ps.site
			} else if pr := s.projBy[mon.Target]; pr != nil {
				// Synapse traces are read decayed to the sampling step,
				// as a monitor of the trace itself reads them.
				e, st = s.env(pr.pr.Name, nil), pr.site
				for name, c := range pr.cells {
					if c.v.Kind == ir.VarTrace {
						e.decayed[name] = s.synapseValue(pr, c, false)
					}
				}
			} else {
				return fmt.Errorf("monitor %s: no population, global or projection %s", mon.Name, mon.Target)
			}
			kn, err := e.compile(mon.Name, k, st)
			if err != nil {
				return err
			}
			ranges := mon.Ranges
			if st.pre != nil {
				ranges = nil
			}
			rec = runtime.NewState(mon.Name, mon.Target, mon.Var, st.n, ranges, every, s.dt)
			value = realValue(k.Result, func(i int32) float64 { return kn.one(s.now, float64(s.now)*s.dt, int(i)) })
		} else if ps := s.popBy[mon.Target]; ps != nil {
			c := ps.cells[mon.Var]
			if d, v, ok := strings.Cut(mon.Var, "."); ok {
				for _, ds := range ps.dends {
					if ds.d.Name == d && !(ds.d.Array && ds.cells[v] != nil && ds.cells[v].v.Kind != ir.VarParam) {
						c = ds.cells[v]
					}
				}
			}
			if c == nil || c.arr == nil {
				return fmt.Errorf("monitor %s: %s.%s is not a variable this interpreter can record", mon.Name, mon.Target, mon.Var)
			}
			rec = runtime.NewState(mon.Name, mon.Target, mon.Var, ps.site.n, mon.Ranges, every, s.dt)
			arr := c.arr
			value = realValue(c.v.Type, func(i int32) float64 { return arr[i] })
		} else if pr := s.projBy[mon.Target]; pr != nil {
			c := pr.cells[mon.Var]
			if c == nil {
				return fmt.Errorf("monitor %s: projection %s has no variable %s", mon.Name, mon.Target, mon.Var)
			}
			rec = runtime.NewState(mon.Name, mon.Target, mon.Var, pr.site.n, nil, every, s.dt)
			value = s.synapseValue(pr, c, true)
		} else {
			return fmt.Errorf("monitor %s: no population, global or projection %s", mon.Name, mon.Target)
		}
		rec.Warn = s.opts.Warn
		s.stateMons = append(s.stateMons, &stateMon{rec, value})
	}
	return nil
}

// synapseValue reads a synapse variable; a trace is decayed to the
// current step from the synapse's last event, as an event would see it.
func (s *sim) synapseValue(pr *projState, c *cell, real bool) func(i int32) float64 {
	if c.arr == nil {
		return func(int32) float64 { return c.val }
	}
	arr := c.arr
	// With real, a fixed-point variable is read as the number it stands
	// for, before any decay (for a monitor); without, as its raw value
	// (for a kernel's load, which converts).
	read := func(i int32) float64 { return arr[i] }
	if real && c.v.Type.Kind == ir.Fixed {
		f := formatOf(c.v.Type)
		read = func(i int32) float64 { return f.Float(int64(arr[i])) }
	}
	last := pr.cells["trace.tlast"]
	if c.v.Kind != ir.VarTrace || last == nil {
		return read
	}
	// The time constant: a number, or a parameter with one value or one
	// per synapse.
	tauOf := func(int32) float64 { return 0 }
	if x, err := strconv.ParseFloat(c.v.Tau, 64); err == nil {
		tauOf = func(int32) float64 { return x }
	} else if p := pr.cells[c.v.Tau]; p != nil && p.arr != nil {
		tauOf = func(i int32) float64 { return p.arr[i] }
	} else if p != nil {
		tauOf = func(int32) float64 { return p.val }
	} else if p := s.params[c.v.Tau]; p != nil {
		tauOf = func(int32) float64 { return p.val }
	}
	return func(i int32) float64 {
		t := float64(s.now) * s.dt
		return read(i) * mathfn.Exp(-(t-last.arr[i])/tauOf(i))
	}
}

// pruneWeights removes the synapses whose weight (the projection's
// PruneVar, after init) has a magnitude below its PruneBelow, keeping the
// others in their order, with their variables.
func (ps *projState) pruneWeights() {
	w, bound := ps.cells[ps.pr.PruneVar], ps.pr.PruneBelow
	old := ps.csr
	csr := &runtime.CSR{Start: make([]int64, len(old.Start))}
	var kept []int64
	for i := 0; i+1 < len(old.Start); i++ {
		for syn := old.Start[i]; syn < old.Start[i+1]; syn++ {
			x := w.val
			if w.arr != nil {
				x = w.arr[syn]
			}
			if !(math.Abs(x) < bound) {
				kept = append(kept, syn)
				csr.Post = append(csr.Post, old.Post[syn])
			}
		}
		csr.Start[i+1] = int64(len(kept))
	}
	for _, c := range ps.cells {
		if c.arr != nil {
			arr := make([]float64, len(kept))
			for n, syn := range kept {
				arr[n] = c.arr[syn]
			}
			c.arr = arr
		}
	}
	ps.csr = csr
	// In place: the kernels compiled so far hold the site.
	*ps.site = site{n: csr.Len(), count: 1, pre: csr.Pre(), post: csr.Post}
}

// mergedRows makes the rows of a projection by parts (the fuse pass's):
// for each pre neuron, each part's row in turn, its post neurons moved by
// their population's offset in the group.
func (s *sim) mergedRows(pr *ir.Projection, nPre int) *runtime.CSR {
	var parts []*projState
	for _, ps := range s.projs {
		if ps.pr.PartOf == pr.Name {
			parts = append(parts, ps)
		}
	}
	csr := &runtime.CSR{Start: make([]int64, nPre+1)}
	for i := range nPre {
		for _, ps := range parts {
			off := int32(ps.post.p.Offset)
			for syn := ps.csr.Start[i]; syn < ps.csr.Start[i+1]; syn++ {
				csr.Post = append(csr.Post, ps.csr.Post[syn]+off)
			}
		}
		csr.Start[i+1] = int64(len(csr.Post))
	}
	return csr
}
