package llvm

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"snnc/ir"
	"snnc/runtime"
	"snnc/version"
)

// cWriter writes model.c: the model's tables as C initialisers of the
// structs of snnrt.h.
type cWriter struct {
	b   strings.Builder
	n   int // names of the arrays written so far
	err error
}

func (w *cWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// array writes a static array and returns its name.
func (w *cWriter) array(typ string, items []string) string {
	if len(items) == 0 {
		return "NULL"
	}
	w.n++
	name := fmt.Sprintf("a%d", w.n)
	w.printf("static const %s %s[%d] = {\n", typ, name, len(items))
	for i := 0; i < len(items); i += 8 {
		w.printf("\t%s,\n", strings.Join(items[i:min(i+8, len(items))], ", "))
	}
	w.printf("};\n")
	return name
}

// cstr is a C string literal: printable ASCII as is, the rest escaped.
func cstr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 32 && c < 127:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// cfloat is a double literal that reads back as exactly x.
func cfloat(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "(1.0/0.0)"
	case math.IsInf(x, -1):
		return "(-1.0/0.0)"
	case math.IsNaN(x):
		return "(0.0/0.0)"
	}
	return strconv.FormatFloat(x, 'x', -1, 64)
}

func cint(x int64) string { return strconv.FormatInt(x, 10) + "LL" }

func kernelRef(name string) string {
	if name == "" {
		return "NULL"
	}
	return name
}

// tables holds what model.c needs besides the layout.
type tables struct {
	l       *layout
	dims    map[string][6]int8 // --set names of runtime parameters to their dimensions
	dataDir string             // where relative data file names are read from
	kernels map[*ir.Kernel]string
	// versionText is what the executable prints for --version (VersionText).
	versionText string
	preUsed     map[int]bool // the emitter's: projections a kernel of which reads ctx.pre
	keyUsed     map[int]bool // the emitter's: projections a kernel of which reads ctx.key
	blobs       []Blob       // the arrays written as blobs (blob.go)
	// The files the executable reads at start (datafile.go), and the
	// directory of the model, which --data-dir takes the place of.
	files       []*dataFile
	matrixRules []string
	modelDir    string
}

// vars writes an snn_vars for a list; owner prefixes --set names.
func (t *tables) vars(w *cWriter, owner string, list []*ir.Var) string {
	var items []string
	for _, v := range list {
		uniform := v.Kind == ir.VarParam && v.Uniform
		setName := v.Name
		if owner != "" {
			setName = owner + "." + v.Name
		}
		dim := t.dims[setName]
		tau, tauVar := 0.0, -1
		if v.Kind == ir.VarTrace {
			if x, ok := v.TauSeconds(); ok {
				tau = x
			} else if v.TauParam != nil {
				tauVar = t.l.ids[v.TauParam]
			}
		}
		lo, hi := 0.0, 0.0
		hasRange := v.Runtime && v.Range != nil // set by quantize
		if hasRange {
			lo, hi = v.Range[0], v.Range[1]
		}
		items = append(items, fmt.Sprintf("{%s, %d, %d, %d, %d, %s, {%d, %d, %d, %d, %d, %d}, %s, %d, %d, %d, %d, %s, %s}",
			cstr(v.Name), t.l.ids[v], v.Kind, b2i(uniform), b2i(v.Runtime), cfloat(v.Value),
			dim[0], dim[1], dim[2], dim[3], dim[4], dim[5], cfloat(tau), tauVar, b2i(v.Type.Kind == ir.Fixed), v.Type.Frac,
			b2i(hasRange), cfloat(lo), cfloat(hi)))
	}
	return fmt.Sprintf("{%d, %s}", len(list), w.array("snn_var", items))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// summed is a projection's summed kernel and the ids of the variables it
// adds into (snn_projection.summed, summed_vars).
func (t *tables) summed(pr *ir.Projection) (string, []string) {
	k := ir.KernelNamed(pr.Kernels, "summed")
	var ids []string
	for _, v := range ir.SummedTargets(k) {
		ids = append(ids, strconv.Itoa(t.l.ids[v]))
	}
	return t.kernel(pr.Kernels, "summed"), ids
}

// summedByPost reports whether a summed kernel stores only into its
// synapse's post neuron and reads no summed variable of another neuron
// (pre.X of one): run split by post neuron, each thread taking its post
// neurons' synapses in synapse order, it then makes every neuron's
// additions, and reads every partial sum, as the whole run does
// (snn_projection.summed_by_post).
func summedByPost(k *ir.Kernel) bool {
	if k == nil {
		return false
	}
	targets := map[*ir.Var]bool{}
	for _, v := range ir.SummedTargets(k) {
		targets[v] = true
	}
	ok := true
	k.Instrs(func(in *ir.Instr) {
		switch in.Op {
		case ir.OpStore:
			ok = ok && in.Ref() != nil && in.Ref().Reach == ir.IndexPost
		case ir.OpLoad:
			r := in.Ref()
			ok = ok && r != nil && (!targets[r.Var] || r.Reach == ir.IndexPost)
		}
	})
	return ok
}

// schedules are the rows of the scheduled kernels' table
// (snn_schedule), in declaration order.
func (t *tables) schedules(m *ir.Module) []string {
	type row struct {
		when ir.Schedule
		text string
	}
	var rows []row
	add := func(kind, target int, ks []*ir.Kernel) {
		for _, k := range ks {
			if when, ok := ir.ParseSchedule(k.Name); ok && k.Role == ir.RoleSchedule {
				rows = append(rows, row{when, fmt.Sprintf("{%s, %d, %d, %s, %s}", kernelRef(t.kernels[k]), kind, target,
					cint(when.First), cint(when.Period))})
			}
		}
	}
	for _, pop := range m.Populations {
		add(0, t.l.pops[pop], pop.Kernels)
	}
	for _, pr := range m.Projections {
		add(2, t.l.projs[pr], pr.Kernels)
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.when.Order - b.when.Order })
	out := make([]string, len(rows))
	for n, r := range rows {
		out[n] = r.text
	}
	return out
}

func (t *tables) kernel(list []*ir.Kernel, name string) string {
	return kernelRef(t.kernels[ir.KernelNamed(list, name)])
}

// stepWork estimates what one neuron's step costs (snn_population.work):
// the instructions of its step kernels (the fuse pass's step, or update,
// threshold, reset and refractory), a division counted as 8 (a vector
// division takes the divider 8 to 16 cycles) and a math function emitted
// inline as 40 (exp is about 60 vector instructions, pow and sin more).
// The runtime weighs a population's size by it when it cuts the
// population into pieces for the threads; it changes no result.
func stepWork(p *ir.Population) int {
	work := 0
	for _, name := range []string{"step", "update", "threshold", "reset", "refractory"} {
		k := ir.KernelNamed(p.Kernels, name)
		if k == nil {
			continue
		}
		k.Instrs(func(in *ir.Instr) {
			switch in.Op {
			case ir.OpDiv:
				work += 8
			case ir.OpExp, ir.OpLog, ir.OpLog10, ir.OpTanh, ir.OpExprel, ir.OpPow, ir.OpSin, ir.OpCos, ir.OpRem:
				work += 40
			default:
				work++
			}
		})
	}
	return min(work, math.MaxInt32)
}

func (t *tables) path(name string) string {
	if !filepath.IsAbs(name) && t.dataDir != "" {
		return filepath.Join(t.dataDir, name)
	}
	return name
}

// modelC writes model.c.
func (t *tables) modelC(units []Unit) (string, error) {
	l, m := t.l, t.l.m
	w := &cWriter{}
	w.printf("/* The tables of %s, written by snnc. */\n#include <stddef.h>\n\n#include \"snnrt.h\"\n\n", strings.ReplaceAll(m.Source, "*/", "* /"))
	// Kernel declarations.
	for _, k := range sortedKernelNames(t.kernels) {
		w.printf("void %s(snn_ctx *, int64_t, int64_t, double *);\n", k)
	}
	w.printf("\n")
	t.dataBlobs(w, m)
	var pops []string
	for _, p := range m.Populations {
		var dends []string
		for _, d := range p.Dendrites {
			count := 1
			if d.Array {
				count = d.Count
			}
			dends = append(dends, fmt.Sprintf("{%s, %d, %d, %s, %s, %s, %s, %s, %s}", cstr(d.Name), count, b2i(d.Array),
				t.vars(w, "", d.Vars), t.kernel(d.Kernels, "init"), t.kernel(d.Kernels, "prepare"),
				t.kernel(d.Kernels, "update"), t.kernel(d.Kernels, "threshold"), t.kernel(d.Kernels, "reset")))
		}
		var onSpike []string
		for _, k := range p.Kernels {
			switch src := k.Spikes.(type) {
			case *ir.Population:
				onSpike = append(onSpike, fmt.Sprintf("{0, %d, %s}", l.pops[src], t.kernels[k]))
			case *ir.Input:
				onSpike = append(onSpike, fmt.Sprintf("{1, %d, %s}", l.inputs[src], t.kernels[k]))
			}
		}
		inGroup, group := 0, 0
		if p.Group != nil {
			inGroup, group = 1, l.pops[p.Group]
		}
		pops = append(pops, fmt.Sprintf("{%s, %s, %d, %s, %d, %s, %s, %s, %s, %s, %s, %s, %d, %s, %s, %d, %d, %s, %d}",
			cstr(p.Name), cint(int64(p.Size)), b2i(p.Global), t.vars(w, p.Name, p.Vars),
			len(dends), w.array("snn_dendrite", dends),
			t.kernel(p.Kernels, "init"), t.kernel(p.Kernels, "prepare"), t.kernel(p.Kernels, "update"),
			t.kernel(p.Kernels, "threshold"), t.kernel(p.Kernels, "reset"), t.kernel(p.Kernels, "refractory"),
			len(onSpike), w.array("snn_on_spike", onSpike), t.kernel(p.Kernels, "step"), inGroup, group, cint(int64(p.Offset)),
			stepWork(p)))
	}
	var inputs []string
	for _, in := range m.Inputs {
		kind := 0
		if in.Kind == "spikes" {
			kind = 1
		}
		rates, width := in.Rates, max(1, in.Columns)
		var spikeIdx []int
		var spikeT []float64
		for _, st := range in.Times {
			spikeIdx = append(spikeIdx, st.Index)
			spikeT = append(spikeT, st.Time)
		}
		file := "NULL"
		if in.File != "" {
			file = cstr(in.File)
			var err error
			if kind == 0 {
				rates, width, err = runtime.ReadRates(t.path(in.File), in.File, in.Size)
			} else {
				var fi []int
				var ft []float64
				fi, ft, err = runtime.ReadSpikeTimes(t.path(in.File), in.File, in.Size)
				spikeIdx, spikeT = append(spikeIdx, fi...), append(spikeT, ft...)
			}
			if err != nil {
				return "", fmt.Errorf("input %s: %v", in.Name, err)
			}
		}
		for n, x := range rates {
			if !(x >= 0) || math.IsInf(x, 0) {
				return "", fmt.Errorf("input %s: rate %d (%g Hz) must be finite and non-negative", in.Name, n, x)
			}
		}
		var rateItems, idxItems, tItems []string
		for _, x := range rates {
			rateItems = append(rateItems, cfloat(x))
		}
		for n := range spikeIdx {
			idxItems = append(idxItems, cint(int64(spikeIdx[n])))
			tItems = append(tItems, cfloat(spikeT[n]))
		}
		nRates := 0
		if width > 0 {
			nRates = len(rates) / width
		}
		inputs = append(inputs, fmt.Sprintf("{%s, %d, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %d}",
			cstr(in.Name), kind, cint(int64(in.Size)), t.kernel(in.Kernels, "rate"), cint(int64(nRates)), cint(int64(width)),
			w.array("double", rateItems), cfloat(in.Period), cint(int64(len(spikeIdx))),
			w.array("int64_t", idxItems), w.array("double", tItems), file, in.Stream))
	}
	var projs []string
	for _, pr := range m.Projections {
		preKind, pre := 0, 0
		switch src := pr.Pre.(type) {
		case *ir.Population:
			pre = l.pops[src]
		case *ir.Input:
			preKind, pre = 1, l.inputs[src]
		}
		post := pr.Post
		dend := slices.Index(post.Dendrites, pr.Dendrite)
		rule := map[string]int{"all_to_all": 0, "one_to_one": 1, "fixed_probability": 2, "fixed_indegree": 3, "fixed_outdegree": 4, "pairs": 5, "parts": 6, "matrix": 5, "generate": 7}[pr.Rule.Kind]
		pairs := pr.Rule.Pairs
		file := "NULL"
		if pr.Rule.File != "" {
			file = cstr(pr.Rule.File)
			var err error
			_, rulePre := pr.PreSpan()
			_, rulePost := pr.PostSpan()
			read := runtime.ReadPairs
			if pr.Rule.Kind == "matrix" {
				// A matrix's nonzero entries are its pairs, in synapse
				// order: the runtime makes them as a pairs rule's; a large
				// one, from the file when it starts (datafile.go).
				read = runtime.ReadMatrixPairs
				ok, err := t.matrixRule(l.projs[pr], t.path(pr.Rule.File))
				if err != nil {
					return "", fmt.Errorf("%s: %v", pr.Describe(), err)
				}
				if ok {
					read = func(string, string, int, int) ([][2]int, error) { return nil, nil }
				}
			}
			if pairs, err = read(t.path(pr.Rule.File), pr.Rule.File, rulePre, rulePost); err != nil {
				return "", fmt.Errorf("%s: %v", pr.Describe(), err)
			}
		}
		varID := func(name string) int {
			if v := ir.VarNamed(pr.Vars, name); v != nil {
				return l.ids[v]
			}
			return -1
		}
		isPart, partOf := 0, 0
		if pr.PartOf != nil {
			isPart, partOf = 1, l.projs[pr.PartOf]
		}
		summed, summedVars := t.summed(pr)
		nPaths, paths := t.pathways(w, pr, varID)
		projs = append(projs, fmt.Sprintf("{%s, %d, %d, %d, %d, %d, %s, %s, %d, %s, %s, %s, %s, %d, %d, %s, %s, %s, %s, %s, %d, %d, %d, %d, %s, %d, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %s, %d}",
			cstr(pr.Name), preKind, pre, l.pops[pr.Post], dend, rule, cfloat(pr.Rule.P), cint(int64(pr.Rule.K)), b2i(pr.Rule.Autapses),
			cint(int64(len(pairs))), t.pairsArray(w, pairs), file, t.vars(w, pr.Name, pr.Vars),
			varID("delay"), varID("segment"),
			t.kernel(pr.Kernels, "init"), t.kernel(pr.Kernels, "prepare"), t.kernel(pr.Kernels, "on_pre"),
			t.kernel(pr.Kernels, "on_post"), t.kernel(pr.Kernels, "update"), b2i(parallelOnPre(pr, l)), pr.Stream,
			b2i(pr.PruneVar != ""), varID(pr.PruneVar), cfloat(pr.PruneBelow), isPart, partOf, cstr(pr.Describe()),
			b2i(t.preUsed[l.projs[pr]]), summed, len(summedVars), w.array("int32_t", summedVars),
			b2i(summedByPost(ir.KernelNamed(pr.Kernels, "summed"))), sliceFields(pr), nPaths, paths, t.connectFields(pr),
			b2i(t.keyUsed[l.projs[pr]])))
	}
	var currents []string
	for _, c := range m.Currents {
		currents = append(currents, fmt.Sprintf("{%s, %d, %d, %s}", cstr(c.Name), l.pops[c.Population],
			l.ids[c.Param], t.kernel(c.Kernels, "value")))
	}
	var monitors []string
	for _, mon := range m.Monitors {
		kind := 0
		if mon.Kind == "state" {
			kind = 1
		}
		targetKind, target, dend, varID := 0, 0, -1, -1
		switch tgt := mon.Target.(type) {
		case *ir.Population:
			target = l.pops[tgt]
			if d, ok := mon.Sampled().(*ir.Dendrite); ok {
				dend = slices.Index(tgt.Dendrites, d)
			}
			if v := mon.Variable(); v != nil {
				varID = l.ids[v]
			}
		case *ir.Input:
			targetKind, target = 1, l.inputs[tgt]
		case *ir.Projection:
			targetKind, target = 2, l.projs[tgt]
			if v := mon.Variable(); v != nil {
				varID = l.ids[v]
			}
		}
		value := t.kernel(mon.Kernels, "value")
		if kind == 1 && varID < 0 && value == "NULL" {
			return "", fmt.Errorf("monitor %s: %s.%s is not a variable", mon.Name, mon.TargetName(), mon.Var)
		}
		var ranges []string
		for _, r := range mon.Ranges {
			ranges = append(ranges, cint(int64(r[0])), cint(int64(r[1])))
		}
		monitors = append(monitors, fmt.Sprintf("{%s, %d, %d, %d, %d, %d, %s, %d, %s, %s, %s, %s, %s, %s}",
			cstr(mon.Name), kind, targetKind, target, dend, varID, value, len(mon.Ranges), w.array("int64_t", ranges), cint(int64(max(mon.Every, 1))),
			cstr(mon.TargetName()+"."+mon.Var), cint(mon.Window[0]), cint(mon.Window[1]), cint(int64(mon.Base))))
	}
	var unitItems []string
	for _, u := range units {
		unitItems = append(unitItems, fmt.Sprintf("{%s, %s, {%d, %d, %d, %d, %d, %d}}", cstr(u.Name), cfloat(u.Scale),
			u.Dim[0], u.Dim[1], u.Dim[2], u.Dim[3], u.Dim[4], u.Dim[5]))
	}
	params := t.vars(w, "", m.Params)
	popArr := w.array("snn_population", pops)
	inArr := w.array("snn_input", inputs)
	prArr := w.array("snn_projection", projs)
	curArr := w.array("snn_current", currents)
	monArr := w.array("snn_monitor", monitors)
	w.printf("\nconst int32_t snn_n_units = %d;\nconst snn_unit snn_units[%d] = {\n", len(units), max(len(units), 1))
	for _, u := range unitItems {
		w.printf("\t%s,\n", u)
	}
	w.printf("};\n\n")
	// The runtime parameters of what prune removed: --set accepts them.
	kept := m.RuntimeParams()
	var pruned []string
	for _, name := range slices.Sorted(maps.Keys(t.dims)) {
		if !kept[name] {
			d := t.dims[name]
			pruned = append(pruned, fmt.Sprintf("{%s, {%d, %d, %d, %d, %d, %d}}", cstr(name), d[0], d[1], d[2], d[3], d[4], d[5]))
		}
	}
	reductions := t.reductions()
	scheds := t.schedules(m)
	t.dataFiles(w)
	w.printf("const snn_model snn_the_model = {%s, %s, %s, %s, %dULL, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %d, %s, %s, %s, %s, %s};\n",
		cstr(m.Source), cfloat(m.Run.Dt), cfloat(m.Run.Duration), cint(m.Run.Steps), m.Run.Seed, len(l.vars), params,
		len(m.Populations), popArr, len(m.Inputs), inArr, len(m.Projections), prArr, len(m.Currents), curArr, len(m.Monitors), monArr,
		len(pruned), w.array("snn_pruned_param", pruned), len(reductions), w.array("snn_reduction", reductions),
		len(scheds), w.array("snn_schedule", scheds),
		// summary.json's fields that the build knows: the executable
		// writes them as they are (output.c), as the interpreter does.
		cstr(version.Version), cstr(m.SourceSHA256), cstr(monitorsJSON(m)), cstr(t.versionText))
	return w.b.String(), w.err
}

// parallelOnPre reports whether a projection's on_pre may run split by
// post neuron: it stores only into its synapse and its post neuron, reads
// no segment arrays, and reads no state of the pre neuron, which another
// thread may be writing meanwhile: as the post neuron of its own part of
// any projection's delivery, or in its update when delivery and update
// run in one job (the populations are then often one group, whatever the
// projection's own pre and post). Nor, when the projection is recurrent,
// the pre neuron's parameters.
func parallelOnPre(pr *ir.Projection, l *layout) bool {
	k := ir.KernelNamed(pr.Kernels, "on_pre")
	if k == nil {
		return false
	}
	recurrent := pr.Pre == ir.Source(pr.Post)
	ok := true
	k.Instrs(func(in *ir.Instr) {
		switch synapseReach(in) {
		case reachPostSegment, reachPreState, reachStoreOther:
			ok = false
		case reachPreParam, reachPreDriven:
			ok = ok && !recurrent
		}
	})
	return ok
}

// A reach is what an instruction of a synapse kernel touches beyond its
// own synapse, where that decides who may run the kernel: a thread that
// delivers only some post neurons' synapses (parallelOnPre), or an MPI
// rank that holds only the synapses onto its own neurons and updates
// only their state (CheckMPI, mpi_check.go). The one classification
// serves both, so that what threads and ranks may split is decided once.
type reach uint8

const (
	// reachLocal: the synapse's own variables, its post neuron's (the
	// element or the post neuron), a global's or the module's.
	reachLocal reach = iota
	// reachPostSegment: a segment of the post neuron's dendrite array
	// (loadseg, storeseg of post.DENDRITE.x).
	reachPostSegment
	// reachPreState: a variable of the pre neuron that changes during a
	// step: its state or trace, or a segment of its dendrite array.
	reachPreState
	// reachPreDriven: a parameter of the pre neuron that a current sets
	// at the start of every step (Var.DrivenBy).
	reachPreDriven
	// reachPreParam: a parameter of the pre neuron, fixed for the run.
	reachPreParam
	// reachStoreOther: a store into anything but the synapse's own
	// per-synapse variables and its post neuron's.
	reachStoreOther
)

// synapseReach says what an instruction of a projection's kernel touches.
func synapseReach(in *ir.Instr) reach {
	switch in.Op {
	case ir.OpStore:
		r := in.Ref()
		if uniformVar(r.Var) || r.Reach != ir.IndexElement && r.Reach != ir.IndexPost && r.Reach != ir.IndexPostSegment {
			return reachStoreOther
		}
	case ir.OpLoadSeg, ir.OpStoreSeg:
		if in.Ref().Segments.Post {
			return reachPostSegment
		}
		if in.Op == ir.OpStoreSeg {
			return reachStoreOther
		}
		return reachPreState
	case ir.OpLoad:
		if in.Ref().Reach == ir.IndexNeuron {
			return reachPreState
		}
	case ir.OpParam:
		if r := in.Ref(); r.Reach == ir.IndexNeuron {
			if r.Var != nil && r.Var.DrivenBy != nil {
				return reachPreDriven
			}
			return reachPreParam
		}
	}
	return reachLocal
}

// Unit is a unit name with its scale and dimension, for --set.
type Unit struct {
	Name  string
	Scale float64
	Dim   [6]int8
}

// reductions are the model's snn_reduction items (ir.Reduce), in the
// order of the module.
func (t *tables) reductions() []string {
	l := t.l
	kinds := map[string]string{"sum": "SNN_REDUCE_SUM", "mean": "SNN_REDUCE_MEAN", "max": "SNN_REDUCE_MAX", "min": "SNN_REDUCE_MIN"}
	var out []string
	l.m.Reductions(func(_ *ir.Population, v *ir.Var) {
		r := v.Reduce
		srcKind, src := 0, 0
		switch n := r.Node.(type) {
		case *ir.Population:
			src = l.pops[n]
		case *ir.Projection:
			srcKind, src = 1, l.projs[n]
		}
		lo, n := int64(0), int64(0) // n 0: the whole population
		if r.Range != [2]int{} {
			lo, n = int64(r.Range[0]), int64(r.Range[1]-r.Range[0])
		}
		out = append(out, fmt.Sprintf("{%s, %d, %d, %d, %d, %s, %s}", kinds[r.Kind], srcKind, src, l.ids[r.From], l.ids[v], cint(lo), cint(n)))
	})
	return out
}

// connectFields are a projection's connect.* kernels and their flags, the
// last fields of its snn_projection (runtime/c/connect_expr.c).
func (t *tables) connectFields(pr *ir.Projection) string {
	where := ir.KernelNamed(pr.Kernels, "connect.where")
	wherePost := false
	if where != nil {
		where.Instrs(func(in *ir.Instr) {
			if r := in.Ref(); r != nil && (r.Reach == ir.IndexPost || r.Reach == ir.IndexPostSegment) {
				wherePost = true
			}
		})
	}
	return fmt.Sprintf("%s, %s, %s, %s, %s, %d, %d", t.kernel(pr.Kernels, "connect.where"), t.kernel(pr.Kernels, "connect.p"),
		t.kernel(pr.Kernels, "connect.lo"), t.kernel(pr.Kernels, "connect.hi"), t.kernel(pr.Kernels, "connect.j"),
		b2i(wherePost), b2i(pr.Rule.Skip))
}

// monitorsJSON is summary.json's "monitors" for m, as the interpreter
// writes it (interp.MonitorSummaries; the backends do not import each
// other): runtime.NewMonitorSummary says what each monitor holds.
func monitorsJSON(m *ir.Module) string {
	var mons []runtime.MonitorSummary
	for _, mon := range m.Monitors {
		_, proj := mon.Target.(*ir.Projection)
		mons = append(mons, runtime.NewMonitorSummary(mon.Name, mon.Kind, mon.Target.NodeName(), mon.Var, mon.Unit, mon.Every, m.Run.Dt, proj))
	}
	return runtime.MonitorsJSON(mons)
}
