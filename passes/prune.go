package passes

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

// Prune removes what no recording depends on: populations, globals,
// inputs, projections, currents, dendrites and state variables whose
// values can reach no monitor. It is dead-code elimination on the graph,
// and what it removes is listed in the module's notes. A model without
// monitors has its summary as its only output: then every population's
// and input's spikes count as recorded.
//
// The analysis is over cells: each variable (a *ir.Var), and the facts
// the runtime keeps besides them, which population or input spikes, which
// neurons are refractory and which dendrites had an event. Every kernel
// has effects, each writing a cell (a store; a threshold's result is the
// population's spikes, a refractory kernel's its refractoriness, a
// current's the parameter it drives) and reading the cells its value
// depends on, through the kernel's values, its branch conditions and the
// event that runs it (an on_pre runs on its pre population's spikes). The
// monitors' cells are live; a cell that a live cell's effect reads is
// live, to a fixed point. A variable whose cell is not live is never
// recorded and never changes one that is: it goes, with the stores to
// it. A graph node goes when nothing of it is live. Parameters stay
// (--set may name them), and so does the run's order of everything kept:
// projections and inputs keep their random streams (ir.Projection.Stream),
// and the kernels' draws are keyed by their own stream numbers, so what
// is recorded is the same bytes with and without the pass. Last, a
// population recorded only at index ranges keeps its first neurons, up
// to the last one recorded, where that is exact (truncatePopulations).
func Prune(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	pruneWeights(m)
	a := newPruneAnalysis(m)
	a.solve()
	a.remove()
	truncatePopulations(m)
	return nil
}

// pruneWeights decides the weight bounds (ir.Projection.PruneVar) that
// compile time can: a projection whose weight is one fixed value goes if
// that value is below the bound, and otherwise has nothing to prune. A
// weight per synapse, or a runtime parameter, is left to the runtime.
func pruneWeights(m *ir.Module) {
	note := func(format string, args ...any) { m.Notes = append(m.Notes, "prune: "+fmt.Sprintf(format, args...)) }
	projs := m.Projections[:0]
	for _, pr := range m.Projections {
		if pr.PruneVar == "" {
			projs = append(projs, pr)
			continue
		}
		w := ir.VarNamed(pr.Vars, pr.PruneVar)
		switch {
		case w == nil:
			pr.PruneVar, pr.PruneBelow = "", 0
		case w.Kind == ir.VarParam && w.Uniform && !w.Runtime:
			if math.Abs(w.Value) < pr.PruneBelow {
				note("removed projection %s: its weight %s = %g is below the bound %g", pr.Name, w.Name, w.Value, pr.PruneBelow)
				continue
			}
			pr.PruneVar, pr.PruneBelow = "", 0
		default:
			note("projection %s: the synapses whose |%s| < %g are removed when the network is built", pr.Name, w.Name, pr.PruneBelow)
		}
		projs = append(projs, pr)
	}
	m.Projections = projs
}

// cell is a *ir.Var or an event.
type cell any

// event is a fact of the run that is not a variable.
type event struct {
	kind  string  // spikes, refractory, dendrite event, monitor
	owner ir.Node // population or input; a dendrite for a dendrite event
}

// effect is one write of a kernel: the cell written and the cells read.
type effect struct {
	to    cell
	reads []cell
}

type pruneAnalysis struct {
	m       *ir.Module
	effects []effect
	live    map[cell]bool
	roots   []cell
}

func newPruneAnalysis(m *ir.Module) *pruneAnalysis {
	a := &pruneAnalysis{m: m, live: map[cell]bool{}}
	spikes := func(owner ir.Node) cell { return event{"spikes", owner} }
	refractory := func(pop *ir.Population) cell { return event{"refractory", pop} }
	for _, p := range m.Populations {
		for _, k := range p.Kernels {
			var gate []cell
			switch {
			case k.Name == "reset" || k.Name == "refractory":
				gate = []cell{spikes(p)}
			case k.Role == ir.RoleOnSpike:
				gate = []cell{spikes(k.Spikes)}
			}
			var result cell
			switch k.Name {
			case "threshold", "step":
				result = spikes(p)
			case "refractory":
				result = refractory(p)
			}
			a.kernel(k, gate, result, refractory(p))
		}
		// The runtime counts a threshold's spike only outside the
		// refractory period.
		a.effects = append(a.effects, effect{spikes(p), []cell{refractory(p)}})
		for _, d := range p.Dendrites {
			ev := event{"dendrite event", d}
			for _, k := range d.Kernels {
				var gate []cell
				var result cell
				switch k.Name {
				case "threshold":
					result = ev
				case "reset":
					gate = []cell{ev}
				}
				a.kernel(k, gate, result, nil)
			}
		}
	}
	for _, in := range m.Inputs {
		for _, k := range in.Kernels {
			a.kernel(k, nil, spikes(in), nil)
		}
	}
	for _, pr := range m.Projections {
		// Delivery reads the synapses' delays and segments.
		var structure []cell
		for _, v := range pr.Vars {
			if v.Name == "delay" || v.Name == "segment" || strings.HasPrefix(v.Name, "delay.") {
				structure = append(structure, v)
			}
		}
		// Which synapses exist: a condition, probability or generator
		// (the connect.* kernels) decides it from what they read, the
		// neurons' initial values included, and every kernel of the
		// projection acts through its synapses.
		made := event{"synapses", pr}
		for _, k := range pr.Kernels {
			var gate []cell
			switch {
			case k.Role == ir.RoleConnect:
				a.kernel(k, nil, made, nil)
				continue
			case k.Name == "on_pre" || strings.HasPrefix(k.Name, "on_pre."): // and the pathways
				gate = append([]cell{spikes(pr.Pre)}, structure...)
			case k.Name == "on_post":
				gate = []cell{spikes(pr.Post)}
			}
			a.kernel(k, append(gate, made), nil, nil)
		}
	}
	for _, c := range m.Currents {
		for _, k := range c.Kernels {
			a.kernel(k, nil, c.Param, nil)
		}
	}
	// A global's reduction reads its variable of every element.
	m.Reductions(func(_ *ir.Population, v *ir.Var) {
		from := v.Reduce.From
		reads := []cell{from}
		if pr, ok := v.Reduce.Node.(*ir.Projection); ok && from.Kind == ir.VarTrace {
			// A synapse trace is read decayed from its last event.
			if t := pr.Clock(); t != nil {
				reads = append(reads, t)
			}
			if from.TauParam != nil {
				reads = append(reads, from.TauParam)
			}
		}
		a.effects = append(a.effects, effect{v, reads})
	})
	if len(m.Monitors) == 0 {
		// With no monitor, the run's only output is its summary: every
		// population's and input's spike count.
		for _, p := range m.Populations {
			if !p.Global {
				a.roots = append(a.roots, spikes(p))
			}
		}
		for _, in := range m.Inputs {
			a.roots = append(a.roots, spikes(in))
		}
	}
	for _, mon := range m.Monitors {
		if mon.Kind == "spikes" {
			a.roots = append(a.roots, spikes(mon.Target))
			continue
		}
		if v := mon.Variable(); v != nil {
			a.roots = append(a.roots, v)
			if v.Kind == ir.VarTrace {
				// A synapse trace is recorded decayed from its last event.
				if pr, ok := mon.Target.(*ir.Projection); ok {
					if t := pr.Clock(); t != nil {
						a.roots = append(a.roots, t)
					}
				}
				if v.TauParam != nil {
					a.roots = append(a.roots, v.TauParam)
				}
			}
		}
		const root = "monitor"
		for _, k := range mon.Kernels {
			a.kernel(k, nil, event{root, mon}, nil)
			a.roots = append(a.roots, event{root, mon})
		}
	}
	return a
}

// kernel records a kernel's effects: its stores, its result (if result
// is not nil) and startref (refractory); every effect also reads the
// cells of gate and those the kernel's branch conditions read, and a
// refractory instruction reads refractory.
func (a *pruneAnalysis) kernel(k *ir.Kernel, gate []cell, result, refractory cell) {
	reads := func(in *ir.Instr) cell {
		switch in.Op {
		case ir.OpLoad, ir.OpParam, ir.OpLoadSeg:
			if v := in.Var(); v != nil {
				return v
			}
		case ir.OpRefract:
			return refractory
		}
		return nil
	}
	// slice collects the cells a value depends on; a block parameter
	// depends on every argument passed to it.
	args := map[*ir.BlockParam][]ir.Value{}
	var control []ir.Value
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			for _, t := range in.Targets {
				for n, p := range t.Block.Params {
					args[p] = append(args[p], t.Args[n])
				}
			}
			if in.Op == ir.OpCondBr {
				control = append(control, in.Args[0])
			}
		}
	}
	slice := func(roots []ir.Value) []cell {
		seen := map[ir.Value]bool{}
		var out []cell
		var walk func(v ir.Value)
		walk = func(v ir.Value) {
			if v == nil || seen[v] {
				return
			}
			seen[v] = true
			switch x := v.(type) {
			case *ir.Instr:
				if c := reads(x); c != nil {
					out = append(out, c)
				}
				for _, arg := range x.Args {
					walk(arg)
				}
			case *ir.BlockParam:
				for _, arg := range args[x] {
					walk(arg)
				}
			}
		}
		for _, r := range roots {
			walk(r)
		}
		return out
	}
	common := append(slices.Clone(gate), slice(control)...)
	add := func(to cell, operands []ir.Value) {
		if to != nil {
			a.effects = append(a.effects, effect{to, append(slice(operands), common...)})
		}
	}
	k.Instrs(func(in *ir.Instr) {
		switch in.Op {
		case ir.OpStore:
			if v := in.Var(); v != nil {
				add(v, in.Args)
			}
		case ir.OpStartRef:
			add(refractory, in.Args)
		case ir.OpRet:
			add(result, in.Args)
		}
	})
}

// solve marks the live cells.
func (a *pruneAnalysis) solve() {
	work := slices.Clone(a.roots)
	for _, r := range work {
		a.live[r] = true
	}
	writers := map[cell][]effect{}
	for _, e := range a.effects {
		writers[e.to] = append(writers[e.to], e)
	}
	for len(work) > 0 {
		c := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range writers[c] {
			for _, r := range e.reads {
				if !a.live[r] {
					a.live[r] = true
					work = append(work, r)
				}
			}
		}
	}
}

// remove deletes what is not live, noting each removal on the module.
func (a *pruneAnalysis) remove() {
	m := a.m
	note := func(format string, args ...any) { m.Notes = append(m.Notes, "prune: "+fmt.Sprintf(format, args...)) }
	spikesLive := func(owner ir.Node) bool { return a.live[event{"spikes", owner}] }
	anyLive := func(vars []*ir.Var) bool { return slices.ContainsFunc(vars, func(v *ir.Var) bool { return a.live[v] }) }

	// A projection stays if it writes a live cell: its own live
	// variables, or a live variable of its neurons. Its populations stay
	// with it (its connectivity needs their sizes).
	keep := map[ir.Node]bool{}
	projs := m.Projections[:0]
	for _, pr := range m.Projections {
		live := anyLive(pr.Vars)
		for _, k := range pr.Kernels {
			k.Instrs(func(in *ir.Instr) {
				if in.Op == ir.OpStore && a.live[in.Var()] {
					live = true
				}
			})
		}
		if !live {
			note("removed projection %s: it changes nothing a monitor depends on", pr.Name)
			continue
		}
		keep[pr.Pre], keep[pr.Post] = true, true
		projs = append(projs, pr)
	}
	m.Projections = projs

	pops := m.Populations[:0]
	for _, p := range m.Populations {
		if keep[p] || spikesLive(p) || anyLive(p.Vars) ||
			slices.ContainsFunc(p.Dendrites, func(d *ir.Dendrite) bool { return anyLive(d.Vars) }) {
			pops = append(pops, p)
			continue
		}
		what := "population"
		if p.Global {
			what = "global"
		}
		note("removed %s %s: no monitor depends on its spikes or its state", what, p.Name)
	}
	m.Populations = pops

	// A global's on spike SOURCE whose source's spikes are not live
	// goes: each of its effects reads those spikes (they run it), so
	// none is live, and its source may itself have gone just above.
	for _, p := range m.Populations {
		p.Kernels = slices.DeleteFunc(p.Kernels, func(k *ir.Kernel) bool {
			if k.Role == ir.RoleOnSpike && !spikesLive(k.Spikes) {
				note("removed %s's on spike %s: it changes nothing a monitor depends on", p.Name, k.Spikes.NodeName())
				return true
			}
			return false
		})
	}

	inputs := m.Inputs[:0]
	for _, in := range m.Inputs {
		if keep[in] || spikesLive(in) {
			inputs = append(inputs, in)
			continue
		}
		note("removed input %s: no monitor depends on its spikes", in.Name)
	}
	m.Inputs = inputs

	currents := m.Currents[:0]
	for _, c := range m.Currents {
		if !a.live[c.Param] || !slices.Contains(m.Populations, c.Population) {
			note("removed current %s: no monitor depends on %s.%s", c.Name, c.PopulationName(), c.ParamName())
			continue
		}
		currents = append(currents, c)
	}
	m.Currents = currents

	// The stores to variables that are not live go, and dce removes what
	// computed their values.
	dead := map[*ir.Var]bool{}
	for _, e := range a.effects {
		if v, ok := e.to.(*ir.Var); ok && !a.live[v] && v.Kind != ir.VarParam {
			dead[v] = true
		}
	}
	m.Kernels(func(_ string, k *ir.Kernel) {
		for _, b := range k.Blocks {
			b.Instrs = slices.DeleteFunc(b.Instrs, func(in *ir.Instr) bool {
				return in.Op == ir.OpStore && dead[in.Var()]
			})
		}
		dceKernel(k)
	})
	// Within what stays, the dendrites and state variables that nothing
	// live needs and no instruction left names (a loop over segments
	// may outlive the value it computed) go.
	named := map[*ir.Var]bool{}
	m.Kernels(func(_ string, k *ir.Kernel) {
		k.Instrs(func(in *ir.Instr) {
			switch in.Op {
			case ir.OpLoad, ir.OpStore, ir.OpParam, ir.OpLoadSeg:
				named[in.Var()] = true
			}
		})
	})
	keepVar := func(v *ir.Var) bool { return v.Kind == ir.VarParam || a.live[v] || named[v] }
	for _, p := range m.Populations {
		dends := p.Dendrites[:0]
		for _, d := range p.Dendrites {
			used := slices.ContainsFunc(d.Vars, keepVar) || slices.ContainsFunc(m.Projections, func(pr *ir.Projection) bool {
				return pr.Post == p && pr.Dendrite == d
			})
			if !used && !slices.ContainsFunc(d.Vars, func(v *ir.Var) bool { return v.Kind != ir.VarParam && named[v] }) {
				note("removed dendrite %s.%s: no monitor depends on its state", p.Name, d.Name)
				continue
			}
			d.Vars = liveVars(d.Vars, p.Name+"."+d.Name, keepVar, note)
			dends = append(dends, d)
		}
		p.Dendrites = dends
		p.Vars = liveVars(p.Vars, p.Name, keepVar, note)
	}
	for _, pr := range m.Projections {
		pr.Vars = liveVars(pr.Vars, pr.Name, keepVar, note)
	}
}

// liveVars returns the variables of list that keep says to keep, noting
// the others.
func liveVars(list []*ir.Var, owner string, keep func(*ir.Var) bool, note func(string, ...any)) []*ir.Var {
	out := list[:0]
	for _, v := range list {
		if keep(v) {
			out = append(out, v)
			continue
		}
		note("removed %s.%s: no monitor depends on it", owner, v.Name)
	}
	return out
}

// truncatePopulations removes the neurons no monitor depends on, where
// that is exact: a population whose recordings are all of index ranges,
// whose spikes nothing but those recordings reads, and whose incoming
// synapses onto its first K neurons are made the same whatever its size,
// keeps only those K neurons (K being the largest index recorded, plus
// one). The indices of the neurons kept do not change, and neither do
// their draws (keyed by neuron index), so their recordings are the same
// bytes. The summary then counts the spikes and synapses that ran.
func truncatePopulations(m *ir.Module) {
	if len(m.Monitors) == 0 {
		return // the summary is the output: every spike counts
	}
	quantized := m.Run.Quantize != 0
	m.Vars(func(v *ir.Var) { quantized = quantized || v.Quantize != 0 })
	if quantized {
		// A quantized store rounds by a draw keyed by the element: in a
		// synapse kernel, by synapse index, which removing synapses
		// shifts.
		return
	}
	note := func(format string, args ...any) { m.Notes = append(m.Notes, "prune: "+fmt.Sprintf(format, args...)) }
	for _, p := range m.Populations {
		k := keptNeurons(m, p)
		if k == 0 || k >= p.Size {
			continue
		}
		if why := truncationBlocker(m, p); why != "" {
			note("population %s keeps all its %d neurons, though monitors record only %s: %s", p.Name, p.Size, neuronRange(k), why)
			continue
		}
		for _, pr := range m.Projections {
			if pr.Post != p || pr.Rule.Kind != "pairs" {
				continue
			}
			pairs := slices.DeleteFunc(pr.Rule.Pairs, func(q [2]int) bool { return q[1] >= k })
			if n := len(pr.Rule.Pairs) - len(pairs); n > 0 {
				note("projection %s loses %d of its %d pairs: they reach neurons of %s that go", pr.Name, n, len(pr.Rule.Pairs), p.Name)
			}
			pr.Rule.Pairs = pairs
		}
		note("population %s keeps %s of %d: no monitor depends on the others", p.Name, neuronRange(k), p.Size)
		p.Size = k
	}
}

// neuronRange names neurons 0 to k-1.
func neuronRange(k int) string {
	if k == 1 {
		return "neuron 0"
	}
	return fmt.Sprintf("neurons 0..%d", k-1)
}

// keptNeurons returns how many of p's first neurons its monitors need:
// one more than the largest index they record. It is 0 when p is not a
// candidate: a global, a part of a group, unmonitored, recorded whole, or
// read by something that sees all its neurons (its spikes, by a
// projection from it or a global's on_spike; its state, by a global's
// reduction).
func keptNeurons(m *ir.Module, p *ir.Population) int {
	if p.Global || p.Group != nil {
		return 0
	}
	reduced := false
	m.Reductions(func(_ *ir.Population, v *ir.Var) { reduced = reduced || v.Reduce.Node == ir.Node(p) })
	if reduced {
		return 0 // a global's reduction reads every neuron
	}
	k := 0
	for _, mon := range m.Monitors {
		if mon.Target != ir.Node(p) {
			continue
		}
		if len(mon.Ranges) == 0 {
			return 0 // the whole population
		}
		if d, _, ok := strings.Cut(mon.Var, "."); ok && slices.ContainsFunc(p.Dendrites, func(x *ir.Dendrite) bool { return x.Name == d && x.Array }) {
			return 0 // elements are segments
		}
		for _, r := range mon.Ranges {
			k = max(k, r[1])
		}
	}
	for _, q := range m.Populations {
		if q.Group == p || slices.ContainsFunc(q.Kernels, func(k *ir.Kernel) bool { return k.Spikes == ir.Source(p) }) {
			return 0
		}
	}
	for _, pr := range m.Projections {
		if pr.Pre == ir.Source(p) {
			return 0
		}
	}
	return k
}

// truncationBlocker says why the synapses onto p's first neurons could
// depend on p's size, or "" when none does. Each rule kept makes the
// synapses onto post neuron j < k whatever the post side's size: all to
// all; fixed_probability draws a row's gaps keyed by (pre neuron, draw
// number), and a gap past k ends the row's neurons below k either way;
// fixed_indegree draws each post neuron's partners keyed by that neuron;
// listed pairs onto the neurons that go are dropped. The synapses onto a
// neuron kept stay in their order, but their indices shift, so nothing
// of the projection may be keyed by synapse index: no random draw in its
// kernels, no monitor of its synapses. Its on_post would run on p's
// spikes.
func truncationBlocker(m *ir.Module, p *ir.Population) string {
	for _, pr := range m.Projections {
		if pr.Post != p {
			continue
		}
		if pr.PostRange != [2]int{} {
			// (A rule onto a slice numbers the post neurons from the
			// slice's start, which the size kept may cut.)
			return fmt.Sprintf("projection %s connects onto the slice %d:%d of %s", pr.Name, pr.PostRange[0], pr.PostRange[1], p.Name)
		}
		switch pr.Rule.Kind {
		case "all_to_all", "fixed_probability", "fixed_indegree":
		case "pairs":
			if pr.Rule.File != "" {
				return fmt.Sprintf("projection %s reads its pairs from %s when the network is built", pr.Name, pr.Rule.File)
			}
			for _, q := range pr.Rule.Pairs {
				if q[0] < 0 || q[0] >= pr.Pre.SourceSize() || q[1] < 0 || q[1] >= p.Size {
					return fmt.Sprintf("projection %s has the pair (%d, %d), out of range", pr.Name, q[0], q[1])
				}
			}
		default:
			return fmt.Sprintf("projection %s makes its synapses by %s, which depends on the size of %s", pr.Name, pr.Rule.Kind, p.Name)
		}
		if pr.PartOf != nil {
			return fmt.Sprintf("projection %s is a part of %s", pr.Name, pr.PartOf.Name)
		}
		if ir.KernelNamed(pr.Kernels, "on_post") != nil {
			return fmt.Sprintf("projection %s has an on_post", pr.Name)
		}
		draws := false
		for _, kn := range pr.Kernels {
			kn.Instrs(func(in *ir.Instr) { draws = draws || in.Op == ir.OpRand })
		}
		if draws {
			return fmt.Sprintf("projection %s draws random numbers per synapse, keyed by synapse index", pr.Name)
		}
		for _, mon := range m.Monitors {
			if mon.Target == ir.Node(pr) {
				return fmt.Sprintf("monitor %s records every synapse of %s", mon.Name, pr.Name)
			}
		}
	}
	return ""
}
