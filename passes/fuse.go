package passes

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

// Fuse gives each population one kernel for its whole step: update,
// threshold, reset and refractory become a kernel step : bool, one loop
// over the neurons that reads each state variable once and writes it once.
//
// The step kernel computes the update, then the threshold condition on
// the updated state; a neuron spikes if the condition holds and it is not
// refractory (the refractoriness of this step, as step 7 of
// language.md section 6 filters it). The reset is computed for every
// neuron and kept only where it spikes (store x, select(spike, reset value,
// updated value)), and startref makes a spiking neuron refractory for the
// period the refractory kernel computes after the reset. The result is
// whether the neuron spiked; the runtime runs neither reset nor
// refractory afterwards.
//
// This is the same computation as the separate kernels, for every neuron:
// a population's update, threshold and reset read only its own neurons,
// its own dendrites' segments and the globals, and between step 5 and step
// 7 only the dendrites' events run, which fusePopulation puts in their
// place. The reset's instructions run for neurons that do not spike too;
// they have no effect there (a random draw depends only on its stream,
// the step and the neuron, not on whether it is made), and IEEE arithmetic
// does not trap.
//
// A population is left as it is when it is a global, has no threshold,
// when one of its kernels or its dendrites' branches on anything but
// constants (a loop over segments is copied once per segment), when one
// of them writes anything but its own element's state, or when a
// dendrite's kernel draws random numbers or reads its index (a segment's
// own, not its neuron's) or the dendrite has a trace.
func Fuse(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	for _, p := range m.Populations {
		if why := fuseBlocker(p); why == "" {
			fusePopulation(p)
		}
	}
	// The step kernels fusePopulation made name their dendrites'
	// variables as the neuron sees them (d.x), by bare names: in the
	// neuron's kernel the dendrite's names reach other elements' values
	// than in the dendrite's (its neuron's variables become the element's
	// own), which is the scope's to say. Linked, they say what they reach
	// for the merging below.
	m.Link()
	mergePopulations(m)
	mergeProjections(m)
	return nil
}

// mergeProjections makes projections from one population onto members of
// one group, with the same on_pre and nothing per synapse, one delivery
// loop: a projection by "parts" onto the group, whose row for a pre
// neuron is each part's row in turn, its post neurons moved by their
// population's offset in the group. CUBA's ee and ei (exc onto exc and
// onto inh, both adding w_e to ge) become one. The parts keep making
// their synapses (each with its own rule and stream) and their counts in
// the summary, and lose their kernels. Their post neurons are disjoint,
// so each post neuron's sum is added in the order it was.
func mergeProjections(m *ir.Module) {
	monitored := map[ir.Node]bool{}
	for _, mon := range m.Monitors {
		monitored[mon.Target] = true
	}
	// A projection a global reduces over keeps its own synapses, as a
	// monitored one does: the runtime reads them in its order.
	m.Reductions(func(_ *ir.Population, v *ir.Var) { monitored[v.Reduce.Node] = true })
	type key struct {
		pre                    ir.Source
		group                  *ir.Population
		synapse, kernels, vars string
	}
	var sets mergeSets[key, *ir.Projection]
	for _, pr := range m.Projections {
		g := pr.Post.Group
		if g == nil || pr.Dendrite != nil || pr.PartOf != nil || pr.PruneVar != "" || monitored[pr] {
			continue
		}
		var kernels strings.Builder
		ok := true
		for _, k := range pr.Kernels {
			empty := len(k.Blocks) == 1 && len(k.Blocks[0].Instrs) == 1 // ret
			switch {
			case k.Name == "on_pre" && len(k.Blocks) == 1 && !dithers(k):
				// (A dithered store draws by the synapse's index in its
				// own projection, which the merged one does not keep.)
				kernels.WriteString(k.String())
			case !empty:
				ok = false
			}
		}
		var vars strings.Builder
		for _, v := range pr.Vars {
			if v.Kind != ir.VarParam || !v.Uniform || v.Runtime {
				ok = false
				break
			}
			fmt.Fprintf(&vars, "%s=%s;", v.Name, ir.FormatFloat(v.Value))
		}
		if !ok || kernels.Len() == 0 {
			continue
		}
		sets.add(key{pr.Pre, g, pr.Synapse, kernels.String(), vars.String()}, pr)
	}
	projName := func(pr *ir.Projection) string { return pr.Name }
	taken := map[string]bool{}
	for _, name := range namesOf(m.Projections, projName) {
		taken[name] = true
	}
	for k, parts := range sets.all() {
		names := namesOf(parts, projName)
		name := freshName(names, taken)
		first := parts[0]
		merged := &ir.Projection{Name: name, Pre: first.Pre, Post: k.group, Synapse: first.Synapse,
			Rule: ir.Rule{Kind: "parts"}, Kernels: []*ir.Kernel{ir.KernelNamed(first.Kernels, "on_pre")}, Stream: first.Stream}
		for _, v := range first.Vars {
			c := *v
			merged.Vars = append(merged.Vars, &c)
		}
		for _, pr := range parts {
			pr.PartOf, pr.Kernels = merged, nil
		}
		// After its last part: the parts' synapses are made first.
		at := slices.Index(m.Projections, parts[len(parts)-1]) + 1
		m.Projections = slices.Insert(m.Projections, at, merged)
		m.Notes = append(m.Notes, fmt.Sprintf("fuse: %s delivered as one projection %s", strings.Join(names, ", "), name))
	}
}

// mergePopulations makes populations whose step kernels are the same
// computation one contiguous population: a group, which holds their state
// and refractoriness in one array per variable (each member's arrays are
// its part of the group's, from its offset on) and runs the step kernel
// once over all of them. CUBA's exc and inh become one loop of 4000. The
// members keep everything else: their init and prepare kernels, monitors,
// projections and spike counts (each its part of the group's spikes), so
// every recording is the same.
//
// Step kernels are the same computation when they print the same but for
// the values of their constants (what specialize made of the members'
// parameters). A constant whose value differs between members becomes a
// parameter per neuron of the group, param.cN (param is a keyword: no
// model's name), which each member's init sets to its value. The kernel
// must read no element index, random draw, dendrite segment or global,
// and only parameters that have a value per neuron (set by init, or by a
// current every step): what it computes for a neuron depends only on the
// neuron.
func mergePopulations(m *ir.Module) {
	type key struct{ typ, step, vars string }
	var groups mergeSets[key, *ir.Population]
	for _, p := range m.Populations {
		if k := mergeKey(p); k != "" {
			groups.add(key{p.Type, k, stateSignature(p)}, p)
		}
	}
	popName := func(p *ir.Population) string { return p.Name }
	taken := map[string]bool{}
	for _, name := range namesOf(m.Populations, popName) {
		taken[name] = true
	}
	for kk, members := range groups.all() {
		names := namesOf(members, popName)
		name := freshName(names, taken)
		g := &ir.Population{Name: name, Type: kk.typ}
		for _, v := range members[0].Vars {
			if v.Kind != ir.VarParam {
				c := *v
				c.Range = nil
				g.Vars = append(g.Vars, &c)
			}
		}
		// The parameters the step kernel reads have a value per neuron in
		// every member (mergeKey checks): the group's are arrays of which
		// the members' are parts, as their state is.
		read := map[string]bool{}
		ir.KernelNamed(members[0].Kernels, "step").Instrs(func(in *ir.Instr) {
			if in.Op == ir.OpParam && !read[in.VarName()] {
				read[in.VarName()] = true
				v := in.Var() // the member's own (mergeKey checks)
				g.Vars = append(g.Vars, &ir.Var{Name: v.Name, Kind: ir.VarParam, Type: v.Type})
			}
		})
		steps := make([]*ir.Kernel, len(members))
		for n, p := range members {
			steps[n] = ir.KernelNamed(p.Kernels, "step")
		}
		// The constants that differ become parameters per neuron.
		step := steps[0]
		for j, in := range step.Blocks[0].Instrs {
			if in.Op != ir.OpConst {
				continue
			}
			values := make([]any, len(members))
			same := true
			for n := range members {
				values[n] = steps[n].Blocks[0].Instrs[j].Aux
				same = same && values[n] == values[0]
			}
			if same {
				continue
			}
			pname := fmt.Sprintf("param.c%d", j)
			lo, hi := math.Inf(1), math.Inf(-1)
			for n, p := range members {
				x := values[n].(float64)
				lo, hi = min(lo, x), max(hi, x)
				p.Vars = append(p.Vars, &ir.Var{Name: pname, Kind: ir.VarParam, Type: in.Typ})
				setInInit(p, pname, x)
			}
			g.Vars = append(g.Vars, &ir.Var{Name: pname, Kind: ir.VarParam, Type: in.Typ, Range: &[2]float64{lo, hi}})
			in.Op, in.Aux = ir.OpParam, pname
		}
		for _, p := range members {
			p.Group, p.Offset = g, g.Size
			g.Size += p.Size
			own := ir.KernelNamed(p.Kernels, "step")
			p.Kernels = slices.DeleteFunc(p.Kernels, func(k *ir.Kernel) bool { return k == own })
		}
		g.Kernels = []*ir.Kernel{step}
		step.Number()
		// The group goes before its first member: its storage is made
		// first.
		at := slices.Index(m.Populations, members[0])
		m.Populations = slices.Insert(m.Populations, at, g)
		m.Notes = append(m.Notes, fmt.Sprintf("fuse: %s run as one population %s of %d neurons", strings.Join(names, ", "), name, g.Size))
	}
}

// mergeSets collects the candidates of a merge by key, keeping the order
// keys were first seen in.
type mergeSets[K comparable, T any] struct {
	order []K
	sets  map[K][]T
}

func (m *mergeSets[K, T]) add(k K, x T) {
	if m.sets == nil {
		m.sets = map[K][]T{}
	}
	if m.sets[k] == nil {
		m.order = append(m.order, k)
	}
	m.sets[k] = append(m.sets[k], x)
}

// all yields the sets of two or more, in order.
func (m *mergeSets[K, T]) all() iter.Seq2[K, []T] {
	return func(yield func(K, []T) bool) {
		for _, k := range m.order {
			if len(m.sets[k]) >= 2 && !yield(k, m.sets[k]) {
				return
			}
		}
	}
}

// namesOf lists the names of a list's elements.
func namesOf[T any](list []T, name func(T) string) []string {
	out := make([]string, len(list))
	for n, x := range list {
		out[n] = name(x)
	}
	return out
}

// freshName is the names joined by "_", with a number if a name in taken
// has it; it takes it.
func freshName(names []string, taken map[string]bool) string {
	base := strings.Join(names, "_")
	name := base
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	taken[name] = true
	return name
}

// setInInit makes a population's init kernel store x into the parameter
// name, before it returns (an init without branches; mergeKey checks).
func setInInit(p *ir.Population, name string, x float64) {
	k := ir.KernelNamed(p.Kernels, "init")
	if k == nil {
		var b *ir.Builder
		k, b = ir.NewKernel("init", ir.TVoid)
		b.Ret()
		p.Kernels = append([]*ir.Kernel{k}, p.Kernels...)
	}
	blk := k.Blocks[0]
	ret := blk.Instrs[len(blk.Instrs)-1]
	c := &ir.Instr{Op: ir.OpConst, Typ: ir.TF64, Aux: x, Block: blk}
	s := &ir.Instr{Op: ir.OpStore, Typ: ir.TVoid, Aux: name, Args: []ir.Value{c}, Block: blk}
	blk.Instrs = append(blk.Instrs[:len(blk.Instrs)-1], c, s, ret)
	k.Number()
}

// mergeKey is a population's printed step kernel, constants' values left
// out, if it may merge with others; else "".
func mergeKey(p *ir.Population) string {
	step := ir.KernelNamed(p.Kernels, "step")
	if p.Global || p.Group != nil || len(p.Dendrites) > 0 || step == nil {
		return ""
	}
	if init := ir.KernelNamed(p.Kernels, "init"); init != nil && len(init.Blocks) != 1 {
		return ""
	}
	ok := true
	var b strings.Builder
	step.Number()
	step.Instrs(func(in *ir.Instr) {
		switch in.Op {
		case ir.OpIndex, ir.OpRand, ir.OpLoadSeg:
			ok = false
		case ir.OpConvert:
			// A dithered store draws by its population's own stream and
			// neuron index, which a group's would not keep.
			if _, dithered := in.Aux.(ir.Dither); dithered {
				ok = false
			}
		case ir.OpParam:
			v := in.Var()
			ok = ok && slices.Contains(p.Vars, v) && (!v.Uniform || v.DrivenBy != nil)
		case ir.OpLoad, ir.OpStore:
			if strings.Contains(in.VarName(), ".") {
				ok = false // a global's variable
			}
		case ir.OpConst:
			if _, isNumber := in.Aux.(float64); isNumber {
				fmt.Fprintf(&b, "%s = const ? : %s\n", in.Name(), in.Typ)
				return
			}
		}
		b.WriteString(ir.FormatInstr(in) + "\n")
	})
	if !ok {
		return ""
	}
	return b.String()
}

// stateSignature lists a population's state variables and traces.
func stateSignature(p *ir.Population) string {
	var b strings.Builder
	for _, v := range p.Vars {
		if v.Kind != ir.VarParam {
			fmt.Fprintf(&b, "%s %s %s %s;", v.Kind, v.Name, v.Type, v.Tau)
		}
	}
	return b.String()
}

// stepKernels are the kernels the step kernel replaces, in the order it
// runs them; dendriteKernels, a dendrite's.
var (
	stepKernels     = []string{"update", "threshold", "reset", "refractory"}
	dendriteKernels = []string{"update", "threshold", "reset"}
)

// straightBudget bounds the instructions of a straightened kernel: a
// loop over a dendrite array's segments is copied once per segment.
const straightBudget = 4096

// fuseBlocker says why the population's kernels cannot be fused, or "".
// It straightens the kernels it fuses (a loop over a dendrite array's
// segments becomes one copy per segment).
func fuseBlocker(p *ir.Population) string {
	switch {
	case p.Global:
		return "a global"
	case ir.KernelNamed(p.Kernels, "threshold") == nil:
		return "it has no threshold"
	case ir.KernelNamed(p.Kernels, "step") != nil:
		return "already fused"
	}
	own := map[string]bool{}
	for _, v := range p.Vars {
		own[v.Name] = true
	}
	// The soma's kernels may write a single compartment's state: its
	// reset (apical.u = 0 mV), and its update where the ODE pass made the
	// compartments one system (compartments.go). fusePopulation keeps
	// their order.
	for _, d := range p.Dendrites {
		if !d.Array {
			for _, v := range d.Vars {
				own[d.Name+"."+v.Name] = true
			}
		}
	}
	for _, name := range stepKernels {
		if why := fusable(ir.KernelNamed(p.Kernels, name), own); why != "" {
			return fmt.Sprintf("its %s kernel %s", name, why)
		}
	}
	for _, d := range p.Dendrites {
		own := map[string]bool{}
		for _, v := range d.Vars {
			own[v.Name] = true
			if v.Kind == ir.VarTrace {
				return fmt.Sprintf("its dendrite %s has a trace", d.Name)
			}
		}
		for _, k := range d.Kernels {
			if k.Name != "init" && k.Name != "prepare" && !slices.Contains(dendriteKernels, k.Name) {
				return fmt.Sprintf("its dendrite %s has a %s kernel", d.Name, k.Name)
			}
		}
		for _, name := range dendriteKernels {
			k := ir.KernelNamed(d.Kernels, name)
			if why := fusable(k, own); why != "" {
				return fmt.Sprintf("its dendrite %s's %s kernel %s", d.Name, name, why)
			}
			// A segment's draws and index are its own, not its neuron's.
			if k != nil && slices.ContainsFunc(k.Blocks[0].Instrs, func(in *ir.Instr) bool {
				return in.Op == ir.OpRand || in.Op == ir.OpIndex
			}) {
				return fmt.Sprintf("its dendrite %s's %s kernel reads its segment's index or draws", d.Name, name)
			}
		}
	}
	return ""
}

// fusable says why a kernel cannot be part of a step kernel, or "": it
// must be straight (or become straight), write only the variables in own,
// and read segments only by constant.
func fusable(k *ir.Kernel, own map[string]bool) string {
	if k == nil {
		return ""
	}
	if !straighten(k, straightBudget) {
		return "branches"
	}
	for _, in := range k.Blocks[0].Instrs {
		switch {
		case in.Op == ir.OpStore && !own[in.VarName()]:
			return "writes " + in.VarName()
		case in.Op.Info().SideEffect && in.Op != ir.OpStore:
			return "has " + in.Op.String()
		case in.Op == ir.OpLoadSeg:
			if _, ok := constOf(in.Args[0]); !ok {
				return "reads a segment not known at compile time"
			}
		}
	}
	return ""
}

// fusePopulation makes the population's step kernel. For a neuron with
// dendrites it runs, as steps 5 and 6 of language.md section 6 do for
// each neuron: each dendrite's update (every segment of an array, in
// order), the soma's update, then for each dendrite its threshold on
// every segment and its reset where that held, then the soma's threshold
// and reset. A segment's state is read and written with loadseg and
// storeseg at a constant segment.
func fusePopulation(p *ir.Population) {
	k, b := ir.NewKernel("step", ir.TBool)
	memo := map[ir.Value]ir.Value{}
	// inline appends a copy of src's instructions and returns the value
	// src returns. In a dendrite's kernel (d not nil), its own variables
	// are renamed as the neuron sees them (d.x), read by segment seg for
	// an array's state; its stores, as the neuron names them, go through
	// store, with the segment (nil for a single compartment or the soma).
	inline := func(src *ir.Kernel, d *ir.Dendrite, seg ir.Value, store func(name string, seg, x ir.Value)) ir.Value {
		if src == nil {
			return nil
		}
		for _, in := range src.Blocks[0].Instrs {
			args := make([]ir.Value, len(in.Args))
			for i, a := range in.Args {
				args[i] = memo[a]
			}
			name, segVar := in.VarName(), false
			if v := dendriteVar(d, name); v != nil {
				name, segVar = d.Name+"."+name, d.Array && v.Kind != ir.VarParam
			}
			var c *ir.Instr
			switch in.Op {
			case ir.OpRet:
				if len(args) == 1 {
					return args[0]
				}
				return nil
			case ir.OpStore:
				b.Pos = in.Pos
				at := seg // a store of the neuron's own variable names no segment
				if !segVar {
					at = nil
				}
				store(name, at, args[0])
				continue
			case ir.OpLoad, ir.OpParam:
				c = &ir.Instr{Op: in.Op, Typ: in.Typ, Aux: name}
				if segVar {
					c.Op, c.Args = ir.OpLoadSeg, []ir.Value{seg}
				}
			default:
				c = &ir.Instr{Op: in.Op, Typ: in.Typ, Aux: in.Aux, Args: args}
				if di, ok := in.Aux.(ir.Dither); ok && di.Segments > 0 {
					// A segment's dithered store draws what it drew in
					// the dendrite's own kernel (ir.Dither): by the
					// neuron, from the segment's stream.
					s, ok := constOf(seg)
					if !ok {
						panic(fmt.Sprintf("passes: fuse: dithered store of %v without a constant segment", in.Aux))
					}
					c.Aux = ir.Dither{Stream: di.Stream + int(s)}
				}
			}
			c.Block, c.Pos = b.Block, in.Pos
			b.Block.Instrs = append(b.Block.Instrs, c)
			memo[in] = c
		}
		return nil
	}
	plain := func(name string, seg, x ir.Value) {
		if seg != nil {
			b.Emit(ir.OpStoreSeg, ir.TVoid, name, seg, x)
		} else {
			b.Store(name, x)
		}
	}
	// where keeps a reset's stores where cond holds.
	where := func(cond ir.Value) func(name string, seg, x ir.Value) {
		return func(name string, seg, x ir.Value) {
			var old ir.Value
			if seg != nil {
				old = b.Emit(ir.OpLoadSeg, x.Type(), name, seg)
			} else {
				old = b.Emit(ir.OpLoad, x.Type(), name)
			}
			plain(name, seg, b.Select(cond, x, old))
		}
	}
	// segments are a dendrite's segment numbers as constants, or one nil
	// for a single compartment.
	segments := func(d *ir.Dendrite) []ir.Value {
		if !d.Array {
			return []ir.Value{nil}
		}
		out := make([]ir.Value, d.Count)
		for s := range out {
			out[s] = b.Const(float64(s))
		}
		return out
	}

	for _, d := range p.Dendrites {
		for _, seg := range segments(d) {
			inline(ir.KernelNamed(d.Kernels, "update"), d, seg, plain)
		}
	}
	inline(ir.KernelNamed(p.Kernels, "update"), nil, nil, plain)
	for _, d := range p.Dendrites {
		thr := ir.KernelNamed(d.Kernels, "threshold")
		if thr == nil {
			continue
		}
		segs := segments(d)
		events := make([]ir.Value, len(segs))
		for s, seg := range segs {
			events[s] = inline(thr, d, seg, plain)
		}
		for s, seg := range segs {
			inline(ir.KernelNamed(d.Kernels, "reset"), d, seg, where(events[s]))
		}
	}
	cond := inline(ir.KernelNamed(p.Kernels, "threshold"), nil, nil, plain)
	refractory := b.Emit(ir.OpRefract, ir.TBool, nil)
	spike := b.Binary(ir.OpAnd, cond, b.Unary(ir.OpNot, refractory))
	inline(ir.KernelNamed(p.Kernels, "reset"), nil, nil, where(spike))
	if period := inline(ir.KernelNamed(p.Kernels, "refractory"), nil, nil, plain); period != nil {
		b.Emit(ir.OpStartRef, ir.TVoid, nil, spike, period)
	}
	b.Ret(spike)
	forwardMemory(k.Blocks[0])
	// The updates' notes (each ODE's method) stay with the step.
	var fused []string
	for _, d := range p.Dendrites {
		if u := ir.KernelNamed(d.Kernels, "update"); u != nil {
			for _, n := range u.Notes {
				k.Notes = append(k.Notes, d.Name+": "+n)
			}
		}
		for _, name := range dendriteKernels {
			if ir.KernelNamed(d.Kernels, name) != nil {
				fused = append(fused, d.Name+"."+name)
			}
		}
		d.Kernels = slices.DeleteFunc(d.Kernels, func(x *ir.Kernel) bool { return slices.Contains(dendriteKernels, x.Name) })
	}
	if u := ir.KernelNamed(p.Kernels, "update"); u != nil {
		k.Notes = append(k.Notes, u.Notes...)
	}
	k.Notes = append(k.Notes, "fused: "+strings.Join(append(fused, presentKernels(p)...), ", "))

	kept := p.Kernels[:0]
	for _, x := range p.Kernels {
		if !slices.Contains(stepKernels, x.Name) {
			kept = append(kept, x)
		}
	}
	p.Kernels = append(kept, k)
	k.Number()
}

// dendriteVar is d's own variable of a name its kernels use, or nil (a
// name of its neuron, or d nil).
func dendriteVar(d *ir.Dendrite, name string) *ir.Var {
	if d == nil || name == "" {
		return nil
	}
	return ir.VarNamed(d.Vars, name)
}

func presentKernels(p *ir.Population) []string {
	var out []string
	for _, name := range stepKernels {
		if ir.KernelNamed(p.Kernels, name) != nil {
			out = append(out, name)
		}
	}
	return out
}

// forwardMemory keeps each variable of a straight-line block in a value:
// a load after a load or a store of the same variable becomes the value
// read or stored, and a store followed by another store of the same
// variable goes. A segment's variable (loadseg, storeseg at a constant
// segment) counts as a variable of its own. What is left reads each
// variable at most once and writes it at most once, and computes the same.
func forwardMemory(b *ir.Block) {
	value := map[string]ir.Value{}
	lastStore := map[string]int{}
	replaced := map[ir.Value]ir.Value{}
	var kept []*ir.Instr
	for _, in := range b.Instrs {
		for _, slot := range in.Operands() {
			if r, ok := replaced[*slot]; ok {
				*slot = r
			}
		}
		switch in.Op {
		case ir.OpLoad, ir.OpLoadSeg:
			key := memoryKey(in)
			if v, ok := value[key]; ok {
				replaced[in] = v
				continue
			}
			value[key] = in
		case ir.OpStore, ir.OpStoreSeg:
			key := memoryKey(in)
			if j, ok := lastStore[key]; ok {
				kept[j] = nil
			}
			value[key] = in.Args[len(in.Args)-1]
			lastStore[key] = len(kept)
		}
		kept = append(kept, in)
	}
	b.Instrs = b.Instrs[:0]
	for _, in := range kept {
		if in != nil {
			b.Instrs = append(b.Instrs, in)
		}
	}
}

// memoryKey names what a load or store reads or writes: the variable, and
// for a segment's the segment (a constant: fusable checks).
func memoryKey(in *ir.Instr) string {
	if in.Op == ir.OpLoadSeg || in.Op == ir.OpStoreSeg {
		s, _ := constOf(in.Args[0])
		return fmt.Sprintf("%s@%d", in.VarName(), int(s))
	}
	return in.VarName()
}

// dithers reports whether a kernel has a dithered store (a draw keyed by
// its own stream and element).
func dithers(k *ir.Kernel) bool {
	found := false
	k.Instrs(func(in *ir.Instr) {
		_, d := in.Aux.(ir.Dither)
		found = found || d
	})
	return found
}
