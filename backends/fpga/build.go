// The steps of Build (fpga.go), in the order Build calls them: slots,
// neuronWords, projections, coreSizes, memories, configuration and
// stimulus; each reads what the steps before it left in buildState. After
// them, the helpers they share: the values of a neuron's parameter word
// (paramWord, paramValue), of its state (varValues), and the currents
// that change in time (timeCurrents, setCurrents).

package fpga

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/runtime/fixed"
)

// slots gives the populations with storage their slots, in order, and
// the inputs their spike sources, after the slots.
func (bs *buildState) slots() error {
	m, d := bs.m, bs.d
	// Slots: the populations with storage, in order; members are their
	// part of their group's.
	ownerOf := map[*ir.Population]*owner{}
	base := map[*ir.Population]int{}
	for _, p := range m.Populations {
		if p.Group != nil {
			continue
		}
		ow := &owner{p: p, base: d.Core.N}
		d.owners = append(d.owners, ow)
		ownerOf[p] = ow
		base[p] = d.Core.N
		d.Core.N += p.Size
	}
	for _, p := range m.Populations {
		if p.Group != nil {
			base[p] = base[p.Group] + p.Offset
			ownerOf[p] = ownerOf[p.Group]
		}
		d.Populations = append(d.Populations, slotRange{p.Name, base[p], p.Size})
	}
	if d.Core.N > maxSlots {
		return fmt.Errorf("the model has %d neurons; the core snnc builds has at most %d slots", d.Core.N, maxSlots)
	}
	d.Core.NSRC = d.Core.N
	srcBase := map[ir.Source]int{}
	for _, in := range m.Inputs {
		srcBase[in] = d.Core.NSRC
		d.Inputs = append(d.Inputs, slotRange{in.Name, d.Core.NSRC, in.Size})
		d.Core.NSRC += in.Size
	}
	for p, b := range base {
		srcBase[p] = b
	}
	bs.ownerOf, bs.base, bs.srcBase = ownerOf, base, srcBase
	return nil
}

// neuronWords lays out each owner's state and parameter words, and
// generates its step datapath.
func (bs *buildState) neuronWords() error {
	m, d := bs.m, bs.d
	for n, ow := range d.owners {
		lo := 0
		add := func(name string, v *ir.Var, seg int) {
			f := field{word: "state", lo: lo, format: formatOf(v.Type)}
			ow.state = append(ow.state, f)
			ow.names = append(ow.names, name)
			ow.places = append(ow.places, place{v: v, seg: seg})
			lo += int(v.Type.Width)
		}
		for _, v := range ow.p.Vars {
			if v.Kind != ir.VarParam {
				add(v.Name, v, 0)
			}
		}
		for _, dd := range ow.p.Dendrites {
			for _, v := range dd.Vars {
				if v.Kind == ir.VarParam {
					continue
				}
				if !dd.Array {
					add(dd.Name+"."+v.Name, v, 0)
					continue
				}
				for s := range dd.Count {
					add(fmt.Sprintf("%s.%s[%d]", dd.Name, v.Name, s), v, s+1)
				}
			}
		}
		ow.sw = max(1, lo)
		step := ir.KernelNamed(ow.p.Kernels, "step")
		fields := map[place]field{}
		for i, at := range ow.places {
			fields[at] = ow.state[i]
		}
		var plo int
		ow.derived, plo = derivedFields(step, "param", 0, fields)
		ow.pw = max(1, plo)
		ow.fields = fields
		words := []word{{name: "state", width: ow.sw, out: true}, {name: "param", width: ow.pw}}
		dp, err := genDatapath(fmt.Sprintf("snn_step_%d", n), "population "+ow.p.Name+", step kernel", step, words, fields, nil, m.Run.Dt)
		if err != nil {
			return err
		}
		ow.dp = dp
		d.Core.SW = max(d.Core.SW, ow.sw)
		d.Core.PW = max(d.Core.PW, ow.pw)
		d.Core.ND = max(d.Core.ND, len(dp.streams))
	}
	if d.Core.SW > maxWord || d.Core.PW > maxWord {
		return fmt.Errorf("a neuron's state needs %d bits and its parameters %d; the core holds at most %d", d.Core.SW, d.Core.PW, maxWord)
	}
	return nil
}

// projections lays out each delivering projection: its rows, its synapse
// word, and its on_pre (and on_post) datapaths.
func (bs *buildState) projections() error {
	m, d, st := bs.m, bs.d, bs.st
	ownerOf, base, srcBase := bs.ownerOf, bs.base, bs.srcBase
	d.Core.SLOTW = max(1, bits.Len(uint(d.Core.N-1)))
	d.Core.DLYW = 8
	var projs []*projLayout
	maxD := 0
	for _, pr := range m.Projections {
		onPre := ir.KernelNamed(pr.Kernels, "on_pre")
		if onPre == nil {
			continue // a part of a merged projection: the merged one delivers
		}
		post := ownerOf[pr.Post]
		pl := &projLayout{pr: pr, preBase: srcBase[pr.Pre], rowBase: d.Core.NROW, synBase: d.Core.NSYN,
			fields: map[place]field{}, names: map[place]string{}}
		pl.nPre = pr.Pre.SourceSize()
		csr := st.CSR[pr.Name]
		d.Core.NROW += pl.nPre + 1
		d.Core.NSYN += csr.Len()
		for i, at := range post.places {
			f := post.state[i]
			f.word = "post"
			at.post = true
			pl.fields[at], pl.names[at] = f, "post."+post.names[i]
		}
		// Onto a dendrite: post.x is the dendrite's x, which its Ref says
		// (of the synapse's segment, for an array: the segment is a field
		// of its word).
		lo := d.Core.SLOTW + d.Core.DLYW
		if den := pr.Dendrite; den != nil {
			var segment field
			if den.Array {
				segment = field{word: "syn", lo: lo, format: fixed.Format{Width: uint8(max(1, bits.Len(uint(den.Count-1))))}}
				lo += int(segment.format.Width)
				pl.segment = segment
			}
			for _, v := range den.Vars {
				if v.Kind == ir.VarParam {
					continue
				}
				if !den.Array {
					continue // the post neuron's field of it
				}
				sf := segField{v: v, segment: segment}
				for s := range den.Count {
					sf.fields = append(sf.fields, pl.fields[sf.place(s)])
				}
				if pl.segs == nil {
					pl.segs = map[*ir.Var]segField{}
				}
				pl.segs[v] = sf
			}
		}
		// The synapse word: its post slot, its delay, the values of
		// parameters the kernels convert, and its state.
		pl.derived, lo = derivedFields(onPre, "syn", lo, pl.fields)
		onPost := ir.KernelNamed(pr.Kernels, "on_post")
		if onPost != nil {
			var more []*ir.Instr
			more, lo = derivedFields(onPost, "syn", lo, pl.fields)
			pl.derived = append(pl.derived, more...)
		}
		for _, c := range pl.derived {
			pl.names[place{derived: c}] = derivedKey(c)
		}
		for _, v := range pr.Vars {
			switch {
			case v.Kind == ir.VarParam:
				continue
			case v == pr.Clock():
				pl.fields[place{v: v}], pl.names[place{v: v}] = field{word: "syn", lo: lo, format: fixed.Format{Width: 32}}, v.Name
				pl.clock = v
				lo += 32
			default:
				pl.fields[place{v: v}], pl.names[place{v: v}] = field{word: "syn", lo: lo, format: formatOf(v.Type)}, v.Name
				pl.state = append(pl.state, v)
				lo += int(v.Type.Width)
			}
		}
		pl.synw = lo
		// storesSynapse reports whether a kernel writes the synapse's
		// own variables (not the post neuron's, post.x).
		storesSynapse := func(k *ir.Kernel) bool {
			found := false
			k.Instrs(func(in *ir.Instr) {
				if in.Op == ir.OpStore {
					reach := in.Ref().Reach
					found = found || reach != ir.IndexPost && reach != ir.IndexPostSegment
				}
			})
			return found
		}
		// event is the datapath of an event kernel on the post neuron's
		// and the synapse's words.
		event := func(k *ir.Kernel) (*datapath, error) {
			words := []word{{name: "post", width: post.sw, out: true}, {name: "syn", width: lo, out: storesSynapse(k)}}
			dp, err := genDatapath(fmt.Sprintf("snn_%s_%d", k.Name, len(projs)), "projection "+pr.Name+", "+k.Name+" kernel", k, words, pl.fields, pl.segs, m.Run.Dt)
			if err == nil {
				d.Core.ND = max(d.Core.ND, len(dp.streams))
			}
			return dp, err
		}
		var err error
		if pl.dp, err = event(onPre); err != nil {
			return err
		}
		if onPost != nil {
			if pl.postDP, err = event(onPost); err != nil {
				return err
			}
			pl.colBase = d.Core.NCOL
			d.Core.NCOL += pr.Post.Size + 1
			pl.postBase = base[pr.Post]
			pl.nPost = pr.Post.Size
		}
		d.Core.SYNW = max(d.Core.SYNW, lo)
		for _, x := range st.Vars[pr.Name+".delay"] {
			steps := math.Round(x / m.Run.Dt)
			if steps > maxDelay {
				return fmt.Errorf("%s: a delay of %g steps; the core delays at most %d steps", pr.Describe(), steps, maxDelay)
			}
			maxD = max(maxD, int(steps))
		}
		projs = append(projs, pl)
	}
	bs.projs, bs.maxD = projs, maxD
	return nil
}

// coreSizes settles the core's sizes from the slots and projections, and
// generates the model's Verilog.
func (bs *buildState) coreSizes() {
	d, st, ownerOf, projs, maxD := bs.d, bs.st, bs.ownerOf, bs.projs, bs.maxD
	d.Core.NPROJ = len(projs)
	d.MaxDelay = maxD
	d.Core.L = 1 << bits.Len(uint(maxD)) // a power of two above the longest delay
	d.Core.L = max(2, d.Core.L)
	d.Core.ND = max(1, d.Core.ND)
	d.Core.SYNW = max(d.Core.SYNW, d.Core.SLOTW+d.Core.DLYW)
	d.Core.NROW = max(1, d.Core.NROW)
	d.Core.NSYN = max(1, d.Core.NSYN)

	d.Core.NCIDX = 1
	if d.Core.NCOL > 0 {
		d.Core.NCIDX = d.Core.NSYN
	}
	d.Core.NCOL = max(1, d.Core.NCOL)
	for _, p := range projs {
		// The design's readback and memory map know the fields by name.
		fields := map[string]field{}
		for at, f := range p.fields {
			fields[p.names[at]] = f
		}
		var state []string
		for _, v := range p.state {
			state = append(state, v.Name)
		}
		d.projs = append(d.projs, projInfo{preBase: p.preBase, nPre: p.nPre, rowBase: p.rowBase, synBase: p.synBase,
			dp: p.dp, post: ownerOf[p.pr.Post], postDP: p.postDP, postBase: p.postBase, nPost: p.nPost, colBase: p.colBase,
			name: p.pr.Name, fields: fields, state: state, nSyn: st.CSR[p.pr.Name].Len()})
		// For the summary's synaptic events (results.go): the rows and
		// each synapse's delay in steps, as the synapse words hold it.
		er := eventRows{preBase: p.preBase, nPre: p.nPre, start: st.CSR[p.pr.Name].Start}
		for _, x := range st.Vars[p.pr.Name+".delay"] {
			er.delay = append(er.delay, int64(math.Round(x/bs.m.Run.Dt)))
		}
		if len(er.delay) == 0 {
			er.delay = []int64{0}
		}
		d.eventRows = append(d.eventRows, er)
	}
	d.synapses = map[string]int{}
	for _, pr := range bs.m.Projections {
		if pr.Rule.Kind != "parts" { // a merged projection's synapses are its parts'
			d.synapses[pr.Name] = st.CSR[pr.Name].Len()
		}
	}
	d.Verilog = d.model(d.projs)
}

// memories fills the core's memories from the model's initial state:
// neuron state, parameters and refractory ends, rows, synapses, columns
// and spike history.
func (bs *buildState) memories() {
	m, d, st, base, projs := bs.m, bs.d, bs.st, bs.base, bs.projs
	state := make([]string, d.Core.N)
	params := make([]string, d.Core.N)
	refs := make([]string, d.Core.N)
	for _, ow := range d.owners {
		for i := range ow.p.Size {
			var w bigWord
			for n, f := range ow.state {
				vals, idx := bs.varValues(ow.p, ow.places[n], i)
				w.set(f.lo, f.format, int64(vals[idx]))
			}
			state[ow.base+i] = w.hex(d.Core.SW)
			params[ow.base+i] = bs.paramWord(ow, i, d.Core.PW)
			end := st.RefEnd[ow.p.Name][i]
			refs[ow.base+i] = fmt.Sprintf("%08x", max(0, end-1))
		}
	}
	rows := make([]string, d.Core.NROW)
	syns := make([]string, d.Core.NSYN)
	cols := make([]string, d.Core.NCOL)
	colIdx := make([]string, d.Core.NCIDX)
	for i := range cols {
		cols[i] = "00000000"
	}
	for i := range colIdx {
		colIdx[i] = "00000000"
	}
	for i := range rows {
		rows[i] = "00000000"
	}
	for i := range syns {
		syns[i] = strings.Repeat("0", (d.Core.SYNW+3)/4)
	}
	for _, pl := range projs {
		csr := st.CSR[pl.pr.Name]
		postBase := base[pl.pr.Post]
		delays := st.Vars[pl.pr.Name+".delay"]
		for i := 0; i <= pl.nPre; i++ {
			start := int64(0)
			if i < len(csr.Start) {
				start = csr.Start[i]
			} else if len(csr.Start) > 0 {
				start = csr.Start[len(csr.Start)-1]
			}
			rows[pl.rowBase+i] = fmt.Sprintf("%08x", int64(pl.synBase)+start)
		}
		for s := range csr.Len() {
			var w bigWord
			w.setBits(0, d.Core.SLOTW, uint64(postBase+int(csr.Post[s])))
			dl := delays[0]
			if len(delays) > 1 {
				dl = delays[s]
			}
			w.setBits(d.Core.SLOTW, d.Core.DLYW, uint64(math.Round(dl/m.Run.Dt)))
			if pl.segment.format.Width > 0 {
				w.setBits(pl.segment.lo, int(pl.segment.format.Width), uint64(st.Vars[pl.pr.Name+".segment"][s]))
			}
			for _, c := range pl.derived {
				x := evalFloat(c.Args[0], func(v *ir.Var) float64 { return bs.paramValue(v, s) })
				f := pl.fields[place{derived: c}]
				w.set(f.lo, f.format, f.format.FromFloat(x))
			}
			for _, v := range pl.state {
				f := pl.fields[place{v: v}]
				w.set(f.lo, f.format, int64(st.Vars[pl.pr.Name+"."+v.Name][s]))
			}
			if v := pl.clock; v != nil {
				f := pl.fields[place{v: v}]
				w.setBits(f.lo, 32, uint64(math.Round(st.Vars[pl.pr.Name+"."+v.Name][s]/m.Run.Dt)))
			}
			syns[pl.synBase+s] = w.hex(d.Core.SYNW)
		}
		if pl.postDP != nil {
			// Each post neuron's synapses, in the order on_post visits them.
			start, syn := csr.ByPost(pl.nPost)
			for j := 0; j <= pl.nPost; j++ {
				cols[pl.colBase+j] = fmt.Sprintf("%08x", int64(pl.synBase)+start[j])
			}
			for n, x := range syn {
				colIdx[pl.synBase+n] = fmt.Sprintf("%08x", int64(pl.synBase)+int64(x))
			}
		}
	}
	hist := make([]string, d.Core.NSRC)
	for i := range hist {
		hist[i] = strings.Repeat("0", (d.Core.L+3)/4)
	}
	d.Memories["state.mem"] = strings.Join(state, "\n") + "\n"
	d.Memories["param.mem"] = strings.Join(params, "\n") + "\n"
	d.Memories["ref.mem"] = strings.Join(refs, "\n") + "\n"
	d.Memories["row.mem"] = strings.Join(rows, "\n") + "\n"
	d.Memories["syn.mem"] = strings.Join(syns, "\n") + "\n"
	d.Memories["hist.mem"] = strings.Join(hist, "\n") + "\n"
	d.Memories["col.mem"] = strings.Join(cols, "\n") + "\n"
	d.Memories["colidx.mem"] = strings.Join(colIdx, "\n") + "\n"
	bs.state, bs.params, bs.refs = state, params, refs
	bs.rows, bs.syns, bs.cols, bs.colIdx, bs.hist = rows, syns, cols, colIdx, hist
}

// configuration assembles the configuration stream: registers, memories,
// run, read back.
func (bs *buildState) configuration() {
	m, d, ownerOf := bs.m, bs.d, bs.ownerOf
	state, params, refs := bs.state, bs.params, bs.refs
	rows, syns, cols, colIdx, hist := bs.rows, bs.syns, bs.cols, bs.colIdx, bs.hist
	var c configStream
	c.write(spaceReg, 0, []string{fmt.Sprintf("%016x", d.Seed), "0000000000000000"}, 8)
	c.write(spaceState, 0, state, (d.Core.SW+7)/8)
	c.write(spaceParam, 0, params, (d.Core.PW+7)/8)
	c.write(spaceRef, 0, refs, 4)
	c.write(spaceRow, 0, rows, 4)
	c.write(spaceSyn, 0, syns, (d.Core.SYNW+7)/8)
	c.write(spaceHist, 0, hist, (d.Core.L+7)/8)
	c.write(spaceCol, 0, cols, 4)
	c.write(spaceColIdx, 0, colIdx, 4)
	// A current that changes in time: the run is cut where its value
	// changes, and the parameter words it reaches are written between.
	changing := timeCurrents(m)
	affected := map[*owner]bool{} // the owners whose neurons the changing currents drive
	for _, c := range changing {
		affected[ownerOf[c.Population]] = true
	}
	// answered notes an answer of the core (frame f) and, for a host on
	// the UART, that the next byte waits for it and those before.
	got := 0
	answered := func(f frame) {
		d.frames = append(d.frames, f)
		if f.done {
			got++
			d.runs++
		} else {
			got += f.count * f.n
			d.readBack += f.count * f.n
		}
		d.waits = append(d.waits, [2]int{len(c.bytes), got})
	}
	// run runs n steps in a run frame (n < 2^32: Build's bound on the
	// steps, maxSteps, which the frame's 32-bit count holds).
	run := func(n int64) {
		if n > 0 {
			c.run(n)
			answered(frame{done: true})
		}
	}
	// A state monitor's sample of step k: the core delivers step k's
	// spikes and stops there (language.md section 6, step 4); the words
	// the monitors due read are read back before the run goes on from
	// step k's update.
	sample := func(s SampleRead, n int) {
		c.deliver()
		answered(frame{done: true})
		read := func(space byte, spans [][2]int, nb int) {
			for _, x := range spans {
				c.read(space, x[0], x[1]-x[0], nb)
				answered(frame{space: space, addr: x[0], count: x[1] - x[0], n: nb, sample: n + 1})
			}
		}
		read(spaceState, s.Slots, (d.Core.SW+7)/8)
		read(spaceSyn, s.Synapses, (d.Core.SYNW+7)/8)
	}
	// from: the steps the core has begun; after a sample, step from's
	// update is still to run (the next run frame's first step).
	from, next := int64(0), 0
	for k := int64(0); k < d.Steps; k++ {
		if len(changing) == 0 {
			// Only the samples cut the run: go to the next.
			if next == len(d.samples) {
				break
			}
			k = d.samples[next].Step
		}
		// A sample that reads no word (its monitors' values are of
		// parameters alone) does not cut the run.
		sampled := next < len(d.samples) && d.samples[next].Step == k
		reads := sampled && len(d.samples[next].Slots)+len(d.samples[next].Synapses) > 0
		if sampled {
			next++
		}
		first := -1
		if k > 0 && len(changing) > 0 {
			bs.setCurrents(changing, float64(k)*m.Run.Dt)
			for _, ow := range d.owners {
				if !affected[ow] {
					continue
				}
				for i := range ow.p.Size {
					w := bs.paramWord(ow, i, d.Core.PW)
					if w != params[ow.base+i] {
						if first < 0 {
							first = ow.base + i
						}
						params[ow.base+i] = w
					}
				}
			}
		}
		if first < 0 && !reads {
			continue
		}
		run(k - from)
		from = k
		if first >= 0 {
			// Every word from the first changed one on: one frame,
			// written before step k's update reads them.
			c.write(spaceParam, first, params[first:], (d.Core.PW+7)/8)
		}
		if reads {
			sample(d.samples[next-1], next-1)
		}
	}
	run(d.Steps - from)
	nb := (d.Core.SW + 7) / 8
	c.read(spaceState, 0, d.Core.N, nb)
	answered(frame{space: spaceState, count: d.Core.N, n: nb})
	// The last answer: no frame follows that a host would wait before.
	nb = (d.Core.SYNW + 7) / 8
	c.read(spaceSyn, 0, d.Core.NSYN, nb)
	d.frames = append(d.frames, frame{space: spaceSyn, count: d.Core.NSYN, n: nb})
	d.readBack += d.Core.NSYN * nb
	d.Config = c.bytes
}

// maxStimulus bounds the stimulus's text (stim.hex): a line of 10 bytes
// per step and per input spike, which the host (and the testbench) holds;
// so a run has at most maxSteps steps, which a run frame's 32-bit count
// holds (the conversion fails to compile if it did not).
const (
	maxStimulus = 1 << 30
	maxSteps    = maxStimulus / 10
	_           = uint32(maxSteps)
)

// stimulus lists, step by step, the input sources that spike.
func (bs *buildState) stimulus() error {
	m, d, st, srcBase := bs.m, bs.d, bs.st, bs.srcBase
	var stim strings.Builder
	next := map[string]func(int64) []int32{}
	for _, in := range m.Inputs {
		next[in.Name] = st.Inputs[in.Name]
	}
	for k := range d.Steps {
		for _, in := range m.Inputs {
			for _, i := range next[in.Name](k) {
				fmt.Fprintf(&stim, "0%08x\n", srcBase[in]+int(i))
			}
		}
		stim.WriteString("100000000\n")
		if stim.Len() > maxStimulus {
			return fmt.Errorf("the stimulus of the core's inputs (stim.hex: a line per step and per input spike) passes %s at step %d of %d; run for a shorter --duration",
				interp.BytesText(maxStimulus), k, d.Steps)
		}
	}
	d.Stimulus = stim.String()
	return nil
}

// paramWord is the parameter word of neuron i of an owner: the values of
// parameters its step kernel converts, computed as every backend does and
// rounded as the kernel's converts round.
func (bs *buildState) paramWord(ow *owner, i, width int) string {
	var pw bigWord
	for _, c := range ow.derived {
		x := evalFloat(c.Args[0], func(v *ir.Var) float64 { return bs.paramValue(v, i) })
		f := ow.fields[place{derived: c}]
		pw.set(f.lo, f.format, f.format.FromFloat(x))
	}
	return pw.hex(width)
}

// timeCurrents are the currents whose value changes with time (and only
// with it: check refuses state, draws and indices).
func timeCurrents(m *ir.Module) []*ir.Current {
	var out []*ir.Current
	for _, c := range m.Currents {
		uses := false
		ir.KernelNamed(c.Kernels, "value").Instrs(func(in *ir.Instr) { uses = uses || in.Op == ir.OpTime })
		if uses {
			out = append(out, c)
		}
	}
	return out
}

// setCurrents sets the parameters the currents drive to their values at
// time t, as step 1 of language.md section 6 does: in the storage of the
// population and, for a member of a group, in the group's.
func (bs *buildState) setCurrents(cs []*ir.Current, t float64) {
	st := bs.st
	for _, c := range cs {
		p := c.Population
		x := evalKernel(ir.KernelNamed(c.Kernels, "value"), t, func(v *ir.Var) float64 { return bs.paramValue(v, 0) })
		for i := range p.Size {
			st.Vars[bs.storageKey(c.Param)][i] = x
			if p.Group != nil {
				if g, ok := st.Vars[p.Group.Name+"."+c.Param.Name]; ok {
					g[p.Offset+i] = x
				}
			}
		}
	}
}

// paramValue is the value of parameter v (a param's Ref's Var) for
// element i: one value, or one per element.
func (bs *buildState) paramValue(v *ir.Var, i int) float64 {
	vals := bs.st.Vars[bs.storageKey(v)]
	switch {
	case len(vals) == 0:
		panic(fmt.Sprintf("fpga: no value of parameter %s", bs.storageKey(v))) // Link and the storage disagree
	case len(vals) == 1:
		return vals[0]
	}
	return vals[i]
}

// storageKey is the name the interpreter's storage gives variable v's
// values: owner.name (population.dendrite.name for a dendrite's), or the
// name of a module parameter.
func (bs *buildState) storageKey(v *ir.Var) string {
	if bs.keys == nil {
		m := bs.m
		bs.keys = map[*ir.Var]string{}
		add := func(prefix string, vars []*ir.Var) {
			for _, x := range vars {
				bs.keys[x] = prefix + x.Name
			}
		}
		add("", m.Params)
		for _, p := range m.Populations {
			add(p.Name+".", p.Vars)
			for _, d := range p.Dendrites {
				add(p.Name+"."+d.Name+".", d.Vars)
			}
		}
		for _, pr := range m.Projections {
			add(pr.Name+".", pr.Vars)
		}
	}
	return bs.keys[v]
}

// varValues returns the values of the variable at place (of one segment,
// for a dendrite array's) of a population's neurons, and the index of
// neuron i's.
func (bs *buildState) varValues(p *ir.Population, at place, i int) ([]float64, int) {
	vals := bs.st.Vars[bs.storageKey(at.v)]
	if at.seg > 0 {
		return vals, i*(len(vals)/p.Size) + at.seg - 1
	}
	return vals, i
}
