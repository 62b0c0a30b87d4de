// State monitors on the core: which of the model's state monitors a run
// can record by reading the core's words back at the steps they sample,
// which words each sample reads, and why the others cannot be recorded.

package fpga

import (
	"cmp"
	"fmt"
	"slices"

	"snnc/backends/interp"
	"snnc/ir"
)

// MaxSampleBytes bounds the bytes the state monitors' samples read back
// in one run, all monitors together: the host holds them until the run
// ends, and in RTL simulation a byte read back costs about as much as a
// neuron's update.
const MaxSampleBytes = 64 << 20

// sampleCost is what a sample costs besides its words, counted against
// MaxSampleBytes as bytes: its frames (deliver, read, run: about 30 bytes
// of the configuration stream and the answers) and its entry in the
// host's lists.
const sampleCost = 64

// A SampleRead is a step at which the state monitors sample, and the
// core's words read back there: the state words of the slots in the
// spans Slots ([lo, hi) each, in order, disjoint) and the synapse words
// in the spans Synapses. A step whose monitors read no word (a
// definition of parameters alone) has no span, and does not cut the run.
type SampleRead struct {
	Step            int64
	Slots, Synapses [][2]int
}

// SampleReads returns the steps at which a run's state monitors sample
// (in order) and what the configuration stream reads back at each.
func (d *Design) SampleReads() []SampleRead { return slices.Clone(d.samples) }

// spanCost is what a span read back costs besides its words, counted
// against MaxSampleBytes as bytes: its read frame (10 bytes of the
// configuration stream) and its entry in the host's lists. Spans of
// monitors due at one step are read as one where the words between them
// cost less than that, so what a step reads is at most what its monitors
// are charged.
const spanCost = 16

// A need is what one monitor's sample reads of the core's words: spans
// of slots and of synapses.
type need struct {
	slots, syns [][2]int
}

// addSpan adds span s to the sorted disjoint spans list, joining the
// spans that overlap it or lie within gap elements of it.
func addSpan(list [][2]int, s [2]int, gap int) [][2]int {
	if s[0] >= s[1] {
		return list
	}
	var out [][2]int
	for _, x := range list {
		if x[1]+gap < s[0] || s[1]+gap < x[0] {
			out = append(out, x)
			continue
		}
		s = [2]int{min(s[0], x[0]), max(s[1], x[1])}
	}
	out = append(out, s)
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// cost is what the spans cost against MaxSampleBytes: their words of
// bytes each, and spanCost each.
func cost(spans [][2]int, bytes int) int64 {
	var n int64
	for _, s := range spans {
		n += int64(s[1]-s[0])*int64(bytes) + spanCost
	}
	return n
}

// stateMonitors decides which state monitors the run records (with
// sample, Options.StateMonitors) and at which steps the core's words are
// read back: d.Sampled, d.samples, and d.Refused for the others.
//
// A monitor samples step k in section 6's step 4 (language.md): after the
// step's scheduled code, currents, deliveries and on_post, before its
// integration. The configuration stream runs the core up to step k, then
// has it deliver step k's spikes and stop (the deliver frame), reads the
// words back, and runs on from step k's update: what it reads is the
// sample. The core has no scheduled code (check refuses it), and currents
// drive parameters, which the host computes: the interpreter computes a
// definition's value (and a current's) from the words read back, with
// its own monitors' code (interp.StateSamples). So a monitor is recorded
// when every variable it reads has a word in the core.
func (bs *buildState) stateMonitors(sample bool) {
	m, d := bs.m, bs.d
	var budget int64 = MaxSampleBytes
	stateBytes, synBytes := (d.Core.SW+7)/8, (d.Core.SYNW+7)/8
	needs := map[*ir.Monitor]need{}
	for _, mon := range m.Monitors {
		if mon.Kind == "spikes" {
			continue
		}
		what := fmt.Sprintf("state of %s.%s", mon.TargetName(), mon.Var)
		if ir.KernelNamed(mon.Kernels, "value") != nil {
			what = fmt.Sprintf("definition %s of %s", mon.Var, mon.TargetName())
		}
		refuse := func(format string, args ...any) {
			msg := fmt.Sprintf("monitor %s (%s) is not recorded: ", mon.Name, what) + fmt.Sprintf(format, args...) +
				"; --target=interp with the same --quantize records it"
			if mon.Pos.File != "" {
				msg = mon.Pos.String() + ": " + msg
			}
			d.Refused = append(d.Refused, msg)
		}
		if !sample {
			refuse("this build reads the core's state back only after the run (snnc run --target=fpga samples it)")
			continue
		}
		nd, why := bs.monitorNeed(mon)
		if why != "" {
			refuse("%s", why)
			continue
		}
		first, end, every := bs.dueSteps(mon)
		count := max(0, (end-first+every-1)/every)
		per := sampleCost + cost(nd.slots, stateBytes) + cost(nd.syns, synBytes)
		if count > 0 && per > budget/count {
			refuse("its %d samples would read back %s of the core's words, more than the %s left of the %s all state monitors of a run may read (the host holds them; in RTL simulation a byte costs about a neuron's update); a selection of fewer neurons, a larger every, a window or a shorter --duration records it",
				count, interp.BytesText(float64(count)*float64(per)), interp.BytesText(float64(budget)), interp.BytesText(MaxSampleBytes))
			continue
		}
		budget -= count * per
		d.Sampled = append(d.Sampled, mon.Name)
		needs[mon] = nd
	}
	// Each due step reads the words of the monitors due there: the due
	// steps of every monitor, in step order, merged.
	var due []SampleRead
	for _, mon := range m.Monitors {
		nd, ok := needs[mon]
		if !ok {
			continue
		}
		first, end, every := bs.dueSteps(mon)
		for k := first; k < end; k += every {
			due = append(due, SampleRead{Step: k, Slots: nd.slots, Synapses: nd.syns})
		}
	}
	slices.SortStableFunc(due, func(a, b SampleRead) int { return cmp.Compare(a.Step, b.Step) })
	for _, s := range due {
		n := len(d.samples)
		if n == 0 || d.samples[n-1].Step != s.Step {
			d.samples = append(d.samples, SampleRead{Step: s.Step})
			n++
		}
		last := &d.samples[n-1]
		for _, x := range s.Slots {
			last.Slots = addSpan(last.Slots, x, spanCost/stateBytes)
		}
		for _, x := range s.Synapses {
			last.Synapses = addSpan(last.Synapses, x, spanCost/synBytes)
		}
	}
}

// dueSteps returns the steps at which state monitor mon samples in a run
// of the design's steps: first, first + every, ... before end (multiples
// of its every, in its window).
func (bs *buildState) dueSteps(mon *ir.Monitor) (first, end, every int64) {
	every = int64(max(mon.Every, 1))
	first, end = 0, bs.d.Steps
	if mon.Window != [2]int64{} {
		first, end = mon.Window[0], min(end, mon.Window[1])
	}
	return (first + every - 1) / every * every, end, every
}

// monitorNeed returns the core's words a sample of mon reads, or why the
// core holds no word of something mon reads.
func (bs *buildState) monitorNeed(mon *ir.Monitor) (need, string) {
	var nd need
	// reads lists what the monitor reads: its variable, or every variable
	// its definition loads.
	var reads []*ir.Var
	if k := ir.KernelNamed(mon.Kernels, "value"); k != nil {
		why := ""
		k.Instrs(func(in *ir.Instr) {
			switch in.Op {
			case ir.OpLoad, ir.OpLoadSeg:
				if r, ok := in.Aux.(*ir.Ref); ok {
					reads = append(reads, r.Var)
				}
			case ir.OpRefract:
				why = "its definition reads whether the neuron is refractory, which the core's words read back do not say"
			}
		})
		if why != "" {
			return nd, why
		}
	} else if v := mon.Variable(); v != nil && v.Kind != ir.VarParam {
		reads = append(reads, v)
	}
	// sel are the slots of the elements the monitor records: its ranges
	// of the population, or all of them (a definition in a dendrite's
	// scope); where it reads its population's state, it reads those.
	var self *ir.Population
	var sel [][2]int
	switch t := mon.Target.(type) {
	case *ir.Population:
		if bs.ownerOf[t] == nil {
			return nd, fmt.Sprintf("the core has no slots of %s", t.Name)
		}
		ranges := [][2]int{{0, t.Size}}
		if _, ok := mon.Sampled().(*ir.Population); ok && len(mon.Ranges) > 0 {
			ranges = mon.Ranges
		}
		for _, r := range ranges {
			sel = addSpan(sel, [2]int{bs.base[t] + r[0], bs.base[t] + r[1]}, 0)
		}
		self = t
	case *ir.Projection:
		if bs.layoutOf(t) == nil {
			return nd, fmt.Sprintf("the core holds no synapse words of %s (it holds those of projections that deliver spikes)", t.Name)
		}
	default:
		return nd, fmt.Sprintf("the core has no words of %s", mon.TargetName())
	}
	for _, v := range reads {
		if v.Kind == ir.VarParam {
			continue // the host computes parameters (and the currents that set them)
		}
		if why := bs.heldBy(v, &nd, self, sel); why != "" {
			return nd, why
		}
	}
	return nd, ""
}

// heldBy adds to nd the words that hold state variable v: its
// population's slots (only sel, those of the elements a monitor of
// population self records, where v is self's), or its projection's
// synapses (with their last-event step, for a trace); or says that no
// word holds it.
func (bs *buildState) heldBy(v *ir.Var, nd *need, self *ir.Population, sel [][2]int) string {
	for _, p := range bs.m.Populations {
		name := ""
		if slices.Contains(p.Vars, v) {
			name = v.Name
		}
		for _, dd := range p.Dendrites {
			if slices.Contains(dd.Vars, v) {
				name = dd.Name + "." + v.Name
				if dd.Array {
					name += "[0]"
				}
			}
		}
		if name == "" {
			continue
		}
		ow := bs.ownerOf[p]
		if ow == nil || !slices.Contains(ow.names, name) {
			return fmt.Sprintf("the core holds no state word of %s.%s", p.Name, v.Name)
		}
		spans := [][2]int{{bs.base[p], bs.base[p] + p.Size}}
		if p == self {
			spans = sel
		}
		for _, x := range spans {
			nd.slots = addSpan(nd.slots, x, 0)
		}
		return ""
	}
	for _, pr := range bs.m.Projections {
		if !slices.Contains(pr.Vars, v) {
			continue
		}
		lay := bs.layoutOf(pr)
		switch {
		case lay == nil:
			return fmt.Sprintf("the core holds no synapse words of %s (it holds those of projections that deliver spikes)", pr.Name)
		case !slices.Contains(lay.state, v):
			return fmt.Sprintf("the core's synapse words of %s hold no %s", pr.Name, v.Name)
		case v.Kind == ir.VarTrace && lay.clock == nil:
			return fmt.Sprintf("the core's synapse words of %s hold no last-event step to decay trace %s to the sample", pr.Name, v.Name)
		}
		nd.syns = addSpan(nd.syns, [2]int{lay.synBase, lay.synBase + bs.st.CSR[pr.Name].Len()}, 0)
		return ""
	}
	return fmt.Sprintf("the core holds no word of %s", v.Name)
}

// layoutOf returns where projection pr's synapses are in the core, or nil.
func (bs *buildState) layoutOf(pr *ir.Projection) *projLayout {
	for _, lay := range bs.projs {
		if lay.pr == pr {
			return lay
		}
	}
	return nil
}
