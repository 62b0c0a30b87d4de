// Package fpga is snnc's FPGA backend: it maps a quantized model onto
// snnc's neuromorphic core (rtl/snn_core.v), generates the model's
// datapaths in Verilog from the quantized IR kernels, and writes the
// core's configuration (a byte stream for its configuration port, and the
// same content as memory images), the stimulus of the model's inputs, a
// map from model names to slots, and a report. spec/fpga.md describes the
// core, its protocol and its limits.
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

// Options configure a build.
type Options struct {
	// Dir is where relative data file names are read from.
	Dir string
	// Steps, if positive, replaces the model's number of steps.
	Steps int64
}

// Core sizes: the Verilog parameters of snn_core for a model.
type Core struct {
	N, NSRC    int // neuron slots; spike sources (slots, then input sources)
	SW, PW     int // bits of a state word, a parameter word
	NSYN, SYNW int // synapses; bits of a synapse word
	NROW       int // row pointers
	NCOL       int // column pointers (on_post: each post neuron's synapses)
	NCIDX      int // column index entries: NSYN with on_post, else 1
	NPROJ      int // projections that deliver
	L          int // steps of spike history
	ND         int // dither generators
	SLOTW      int // bits of a slot in a synapse word
	DLYW       int // bits of a delay
}

// Limits of the core snnc targets: a model that needs more gets a
// diagnostic.
const (
	maxSlots = 1 << 16
	maxDelay = 255 // steps: DLYW = 8
	maxWord  = 4096
)

// A slotRange is a population's neurons in the core: slots Base to
// Base+Size-1.
type slotRange struct {
	Name       string
	Base, Size int
}

// Design is a model mapped onto the core.
type Design struct {
	Core  Core
	Steps int64
	Seed  uint64
	// Verilog is the generated model module (snn_model and the
	// datapaths).
	Verilog string
	// Config is the byte stream that programs the core, runs it and reads
	// its state back; Memories are the same content as $readmemh images.
	Config   []byte
	Memories map[string]string
	// Stimulus lists, step by step, the input sources that spike: the
	// testbench's input port transfers (hex, one per line: bit 32 ends the
	// step, bits 31-0 are the source).
	Stimulus string
	// Populations and Inputs are where the model's neurons and sources are:
	// members of a fused group by their part of the group's slots.
	Populations []slotRange
	Inputs      []slotRange
	// owners are the populations that have slots (not members); projs
	// the projections that deliver.
	owners []*owner
	projs  []projInfo
	// readBack is the number of bytes the configuration stream reads
	// back after the run's done byte.
	readBack int
	// MaxDelay is the longest delay of a synapse, in steps.
	MaxDelay int
	// runEnd is the first byte of the configuration stream after the last
	// run frame; runs the number of run frames (a current that changes
	// in time cuts the run); waits, for a host on the UART, the bytes of
	// the stream before which it waits for the answers so far (the done
	// bytes of the runs before, the words of a read), and how many.
	runEnd int
	runs   int
	waits  [][2]int
}

// owner is a population with storage in the core.
type owner struct {
	p      *ir.Population
	base   int
	state  []field // in word order
	names  []string
	sw, pw int
	// derived are the step kernel's converts of values of parameters, by
	// the key of their field in the parameter word.
	derived map[string]*ir.Instr
	fields  map[string]field
	dp      *datapath
}

// Build maps a module that has been through the pass pipeline, quantized,
// onto the core.
func Build(m *ir.Module, o Options) (*Design, error) {
	if err := check(m); err != nil {
		return nil, err
	}
	d := &Design{Steps: m.Run.Steps, Seed: m.Run.Seed, Memories: map[string]string{}}
	if o.Steps > 0 {
		d.Steps = o.Steps
	}
	dur := float64(d.Steps) * m.Run.Dt
	st, err := interp.Initial(m, interp.Options{Dir: o.Dir, Duration: dur})
	if err != nil {
		return nil, err
	}
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
		return nil, fmt.Errorf("the model has %d neurons; the core snnc builds has at most %d slots", d.Core.N, maxSlots)
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

	// State and parameter words, and the step datapaths.
	for n, ow := range d.owners {
		lo := 0
		add := func(name string, v *ir.Var) {
			f := field{word: "state", lo: lo, format: formatOf(v.Type)}
			ow.state = append(ow.state, f)
			ow.names = append(ow.names, name)
			lo += int(v.Type.Width)
		}
		for _, v := range ow.p.Vars {
			if v.Kind != ir.VarParam {
				add(v.Name, v)
			}
		}
		for _, dd := range ow.p.Dendrites {
			for _, v := range dd.Vars {
				if v.Kind == ir.VarParam {
					continue
				}
				if !dd.Array {
					add(dd.Name+"."+v.Name, v)
					continue
				}
				for s := range dd.Count {
					add(fmt.Sprintf("%s.%s[%d]", dd.Name, v.Name, s), v)
				}
			}
		}
		ow.sw = max(1, lo)
		step := ir.KernelNamed(ow.p.Kernels, "step")
		fields := map[string]field{}
		for i, name := range ow.names {
			fields[name] = ow.state[i]
		}
		var plo int
		ow.derived, plo = derivedFields(step, "param", 0, fields)
		ow.pw = max(1, plo)
		ow.fields = fields
		words := []word{{name: "state", width: ow.sw, out: true}, {name: "param", width: ow.pw}}
		dp, err := genDatapath(fmt.Sprintf("snn_step_%d", n), "population "+ow.p.Name+", step kernel", step, words, fields, nil, m.Run.Dt)
		if err != nil {
			return nil, err
		}
		ow.dp = dp
		d.Core.SW = max(d.Core.SW, ow.sw)
		d.Core.PW = max(d.Core.PW, ow.pw)
		d.Core.ND = max(d.Core.ND, len(dp.streams))
	}
	if d.Core.SW > maxWord || d.Core.PW > maxWord {
		return nil, fmt.Errorf("a neuron's state needs %d bits and its parameters %d; the core holds at most %d", d.Core.SW, d.Core.PW, maxWord)
	}

	// Projections: rows, synapse words, on_pre datapaths.
	d.Core.SLOTW = max(1, bits.Len(uint(d.Core.N-1)))
	d.Core.DLYW = 8
	type projLayout struct {
		pr               *ir.Projection
		preBase, nPre    int
		rowBase, synBase int
		fields           map[string]field
		derived          map[string]*ir.Instr
		synw             int
		state            []string // the synapse's state variables (not trace.tlast)
		segs             map[string]segField
		segment          field // onto a dendrite array: the synapse's segment
		dp, postDP       *datapath
		// on_post: the post population's first slot and size, and the
		// first of its column pointers.
		postBase, nPost, colBase int
	}
	var projs []*projLayout
	maxD := 0
	for _, pr := range m.Projections {
		onPre := ir.KernelNamed(pr.Kernels, "on_pre")
		if onPre == nil {
			continue // a part of a merged projection: the merged one delivers
		}
		post := ownerOf[pr.Post]
		pl := &projLayout{pr: pr, preBase: srcBase[pr.Pre], rowBase: d.Core.NROW, synBase: d.Core.NSYN, fields: map[string]field{}}
		pl.nPre = pr.Pre.SourceSize()
		csr := st.CSR[pr.Name]
		d.Core.NROW += pl.nPre + 1
		d.Core.NSYN += csr.Len()
		for i, name := range post.names {
			f := post.state[i]
			f.word = "post"
			pl.fields["post."+name] = f
		}
		// Onto a dendrite: post.x is the dendrite's x (of the synapse's
		// segment, for an array: the segment is a field of its word).
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
				key := den.Name + "." + v.Name
				if !den.Array {
					pl.fields["post."+v.Name] = pl.fields["post."+key]
					continue
				}
				sf := segField{key: "post." + key, segment: segment}
				for s := range den.Count {
					sf.fields = append(sf.fields, pl.fields[fmt.Sprintf("post.%s[%d]", key, s)])
				}
				if pl.segs == nil {
					pl.segs = map[string]segField{}
				}
				pl.segs["post."+v.Name] = sf
			}
		}
		// The synapse word: its post slot, its delay, the values of
		// parameters the kernels convert, and its state.
		pl.derived, lo = derivedFields(onPre, "syn", lo, pl.fields)
		onPost := ir.KernelNamed(pr.Kernels, "on_post")
		if onPost != nil {
			var more map[string]*ir.Instr
			more, lo = derivedFields(onPost, "syn", lo, pl.fields)
			for k, c := range more {
				pl.derived[k] = c
			}
		}
		for _, v := range pr.Vars {
			switch {
			case v.Kind == ir.VarParam:
				continue
			case v.Name == "trace.tlast":
				pl.fields[v.Name] = field{word: "syn", lo: lo, format: fixed.Format{Width: 32}}
				lo += 32
			default:
				pl.fields[v.Name] = field{word: "syn", lo: lo, format: formatOf(v.Type)}
				pl.state = append(pl.state, v.Name)
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
			return nil, err
		}
		if onPost != nil {
			if pl.postDP, err = event(onPost); err != nil {
				return nil, err
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
				return nil, fmt.Errorf("%s: a delay of %g steps; the core delays at most %d steps", pr.Describe(), steps, maxDelay)
			}
			maxD = max(maxD, int(steps))
		}
		projs = append(projs, pl)
	}
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
		d.projs = append(d.projs, projInfo{preBase: p.preBase, nPre: p.nPre, rowBase: p.rowBase, synBase: p.synBase,
			dp: p.dp, post: ownerOf[p.pr.Post], postDP: p.postDP, postBase: p.postBase, nPost: p.nPost, colBase: p.colBase,
			name: p.pr.Name, fields: p.fields, state: p.state, nSyn: st.CSR[p.pr.Name].Len()})
	}
	d.Verilog = d.model(d.projs)

	// Memories.
	state := make([]string, d.Core.N)
	params := make([]string, d.Core.N)
	refs := make([]string, d.Core.N)
	for _, ow := range d.owners {
		for i := range ow.p.Size {
			var w bigWord
			for n, f := range ow.state {
				name := ow.names[n]
				vals, idx := varValues(st, ow.p, name, i)
				w.set(f.lo, f.format, int64(vals[idx]))
			}
			state[ow.base+i] = w.hex(d.Core.SW)
			params[ow.base+i] = paramWord(st, m, ow, i, d.Core.PW)
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
			for key, c := range pl.derived {
				x := evalFloat(c.Args[0], func(name string) float64 { return paramValue(st, m, pl.pr.Name, name, s) })
				f := pl.fields[key]
				w.set(f.lo, f.format, f.format.FromFloat(x))
			}
			for _, name := range pl.state {
				f := pl.fields[name]
				w.set(f.lo, f.format, int64(st.Vars[pl.pr.Name+"."+name][s]))
			}
			if f, ok := pl.fields["trace.tlast"]; ok {
				w.setBits(f.lo, 32, uint64(math.Round(st.Vars[pl.pr.Name+".trace.tlast"][s]/m.Run.Dt)))
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

	// The configuration stream: registers, memories, run, read back.
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
	from := int64(0)
	for k := int64(1); k < d.Steps && len(changing) > 0; k++ {
		setCurrents(st, m, changing, float64(k)*m.Run.Dt)
		var words []string
		first := -1
		for _, ow := range d.owners {
			if !affected[ow] {
				continue
			}
			for i := range ow.p.Size {
				w := paramWord(st, m, ow, i, d.Core.PW)
				if w != params[ow.base+i] {
					if first < 0 {
						first = ow.base + i
					}
					params[ow.base+i] = w
				}
			}
		}
		if first < 0 {
			continue
		}
		// Every word from the first changed one on: one frame.
		words = params[first:]
		c.run(k - from)
		d.waits = append(d.waits, [2]int{len(c.bytes), len(d.waits) + 1})
		c.write(spaceParam, first, words, (d.Core.PW+7)/8)
		from = k
	}
	c.run(d.Steps - from)
	d.runs = len(d.waits) + 1
	d.waits = append(d.waits, [2]int{len(c.bytes), d.runs})
	d.runEnd = len(c.bytes)
	n := c.read(spaceState, 0, d.Core.N, (d.Core.SW+7)/8)
	d.waits = append(d.waits, [2]int{len(c.bytes), d.runs + n})
	d.readBack = n + c.read(spaceSyn, 0, d.Core.NSYN, (d.Core.SYNW+7)/8)
	d.Config = c.bytes

	// The stimulus.
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
	}
	d.Stimulus = stim.String()
	return d, nil
}

// paramWord is the parameter word of neuron i of an owner: the values of
// parameters its step kernel converts, computed as every backend does and
// rounded as the kernel's converts round.
func paramWord(st *interp.Storage, m *ir.Module, ow *owner, i, width int) string {
	var pw bigWord
	for key, c := range ow.derived {
		x := evalFloat(c.Args[0], func(name string) float64 { return paramValue(st, m, ow.p.Name, name, i) })
		f := ow.fields[key]
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
func setCurrents(st *interp.Storage, m *ir.Module, cs []*ir.Current, t float64) {
	for _, c := range cs {
		p := c.Population
		x := evalKernel(ir.KernelNamed(c.Kernels, "value"), t, func(name string) float64 { return paramValue(st, m, p.Name, name, 0) })
		for i := range p.Size {
			st.Vars[p.Name+"."+c.Param.Name][i] = x
			if p.Group != nil {
				if g, ok := st.Vars[p.Group.Name+"."+c.Param.Name]; ok {
					g[p.Offset+i] = x
				}
			}
		}
	}
}

// paramValue is the value of a parameter a kernel of owner names, for
// element i: the owner's own (one value, or one per element), or the
// model's.
func paramValue(st *interp.Storage, m *ir.Module, owner, name string, i int) float64 {
	vals, ok := st.Vars[owner+"."+name]
	if !ok {
		vals = st.Vars[name]
	}
	switch {
	case len(vals) == 0:
		panic(fmt.Sprintf("fpga: no value of parameter %s of %s", name, owner)) // the scopes and the storage disagree
	case len(vals) == 1:
		return vals[0]
	}
	return vals[i]
}

// varValues returns the values of a population's state field name
// (v, apical.u, distal.u[2]) and the index of neuron i's.
func varValues(st *interp.Storage, p *ir.Population, name string, i int) ([]float64, int) {
	if open := strings.IndexByte(name, '['); open >= 0 {
		var seg int
		fmt.Sscanf(name[open:], "[%d]", &seg)
		vals := st.Vars[p.Name+"."+name[:open]]
		count := len(vals) / p.Size
		return vals, i*count + seg
	}
	return st.Vars[p.Name+"."+name], i
}

type projInfo struct {
	preBase, nPre, rowBase, synBase int
	dp                              *datapath
	post                            *owner
	postDP                          *datapath
	postBase, nPost, colBase        int
	name                            string
	fields                          map[string]field
	state                           []string
	nSyn                            int
}

// model writes snn_model: the datapaths, selected by slot and by
// projection.
func (d *Design) model(projs []projInfo) string {
	var b strings.Builder
	b.WriteString("// Generated by snnc: the model's datapaths for snn_core (spec/fpga.md).\n`default_nettype none\n")
	for _, ow := range d.owners {
		b.WriteString(ow.dp.text)
	}
	for _, p := range projs {
		b.WriteString(p.dp.text)
		if p.postDP != nil {
			b.WriteString(p.postDP.text)
		}
	}
	c := d.Core
	fmt.Fprintf(&b, `module snn_model #(parameter SW = %d, parameter PW = %d, parameter SYNW = %d, parameter ND = %d) (
    input  wire [31:0]       slot,
    input  wire [SW-1:0]     state_i,
    input  wire [PW-1:0]     param_i,
    input  wire              refractory,
    input  wire [64*ND-1:0]  dither,
    output reg  [SW-1:0]     state_o,
    output reg               spike,
    output reg               startref,
    output reg  [31:0]       ref_steps,
    output reg  [32*ND-1:0]  streams,
    output reg  [7:0]        ndith,
    output reg  [31:0]       elem,
    input  wire [31:0]       proj,
    output reg  [31:0]       pre_base,
    output reg  [31:0]       n_pre,
    output reg  [31:0]       row_base,
    output reg  [31:0]       syn_base,
    input  wire [SYNW-1:0]   syn_i,
    input  wire [SW-1:0]     post_i,
    output reg  [SW-1:0]     post_o,
    output reg  [SYNW-1:0]   syn_o,
    output reg  [32*ND-1:0]  pstreams,
    output reg  [7:0]        pndith,
    output reg               has_post,
    output reg  [31:0]       post_base,
    output reg  [31:0]       n_post,
    output reg  [31:0]       col_base,
    output reg  [SW-1:0]     opost_o,
    output reg  [SYNW-1:0]   osyn_o,
    output reg  [32*ND-1:0]  ostreams,
    output reg  [7:0]        ondith,
    input  wire [31:0]       step
);
`, c.SW, c.PW, c.SYNW, c.ND)
	dithers := func(dp *datapath) string {
		var s []string
		for n := range dp.streams {
			s = append(s, fmt.Sprintf(".dither_%d(dither[%d:%d])", n, 64*n+63, 64*n))
		}
		return strings.Join(s, ", ")
	}
	streams := func(dp *datapath) string {
		var s []string
		for n := c.ND - 1; n >= 0; n-- {
			x := 0
			if n < len(dp.streams) {
				x = dp.streams[n]
			}
			s = append(s, fmt.Sprintf("32'd%d", x))
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	pad := func(wire string, w, total int) string {
		if w == total {
			return wire
		}
		return fmt.Sprintf("{{%d{1'b0}}, %s}", total-w, wire)
	}
	for n, ow := range d.owners {
		fmt.Fprintf(&b, "    wire [%d:0] s%d_o;\n    wire s%d_spike, s%d_startref;\n", ow.sw-1, n, n, n)
		args := []string{fmt.Sprintf(".state_i(state_i[%d:0])", ow.sw-1), fmt.Sprintf(".state_o(s%d_o)", n),
			fmt.Sprintf(".param_i(param_i[%d:0])", ow.pw-1), ".refractory(refractory)", ".step(step)",
			fmt.Sprintf(".spike(s%d_spike)", n), fmt.Sprintf(".startref(s%d_startref)", n)}
		if ds := dithers(ow.dp); ds != "" {
			args = append(args, ds)
		}
		fmt.Fprintf(&b, "    %s u_step_%d(%s);\n", ow.dp.module, n, strings.Join(args, ", "))
	}
	synOut := func(dp *datapath, wire string) string {
		if dp.words[1].out {
			return pad(wire, dp.words[1].width, c.SYNW)
		}
		return "syn_i"
	}
	instance := func(dp *datapath, prefix string, post *owner) {
		fmt.Fprintf(&b, "    wire [%d:0] %s_o;\n", post.sw-1, prefix)
		args := []string{fmt.Sprintf(".post_i(post_i[%d:0])", post.sw-1), fmt.Sprintf(".post_o(%s_o)", prefix),
			fmt.Sprintf(".syn_i(syn_i[%d:0])", dp.words[1].width-1), ".refractory(1'b0)", ".step(step)"}
		if dp.words[1].out {
			fmt.Fprintf(&b, "    wire [%d:0] %s_syn;\n", dp.words[1].width-1, prefix)
			args = append(args, fmt.Sprintf(".syn_o(%s_syn)", prefix))
		}
		if ds := dithers(dp); ds != "" {
			args = append(args, ds)
		}
		fmt.Fprintf(&b, "    %s u_%s(%s);\n", dp.module, prefix, strings.Join(args, ", "))
	}
	for n, p := range projs {
		instance(p.dp, fmt.Sprintf("p%d", n), p.post)
		if p.postDP != nil {
			instance(p.postDP, fmt.Sprintf("q%d", n), p.post)
		}
	}
	b.WriteString("    always @* begin\n        state_o = state_i; spike = 1'b0; startref = 1'b0; ref_steps = 32'd0;\n")
	b.WriteString("        streams = {(32*ND){1'b0}}; ndith = 8'd0; elem = 32'd0;\n")
	for n, ow := range d.owners {
		fmt.Fprintf(&b, "        if (slot >= 32'd%d && slot < 32'd%d) begin\n", ow.base, ow.base+ow.p.Size)
		fmt.Fprintf(&b, "            state_o = %s; spike = s%d_spike; startref = s%d_startref; ref_steps = 32'd%d;\n",
			pad(fmt.Sprintf("s%d_o", n), ow.sw, c.SW), n, n, ow.dp.refSteps)
		fmt.Fprintf(&b, "            streams = %s; ndith = 8'd%d; elem = slot - 32'd%d;\n        end\n", streams(ow.dp), len(ow.dp.streams), ow.base)
	}
	b.WriteString("    end\n    always @* begin\n        pre_base = 32'd0; n_pre = 32'd0; row_base = 32'd0; syn_base = 32'd0;\n")
	b.WriteString("        post_o = post_i; syn_o = syn_i; pstreams = {(32*ND){1'b0}}; pndith = 8'd0;\n")
	b.WriteString("        has_post = 1'b0; post_base = 32'd0; n_post = 32'd0; col_base = 32'd0;\n")
	b.WriteString("        opost_o = post_i; osyn_o = syn_i; ostreams = {(32*ND){1'b0}}; ondith = 8'd0;\n        case (proj)\n")
	for n, p := range projs {
		fmt.Fprintf(&b, "            32'd%d: begin pre_base = 32'd%d; n_pre = 32'd%d; row_base = 32'd%d; syn_base = 32'd%d;\n",
			n, p.preBase, p.nPre, p.rowBase, p.synBase)
		fmt.Fprintf(&b, "                post_o = %s; syn_o = %s; pstreams = %s; pndith = 8'd%d;\n",
			pad(fmt.Sprintf("p%d_o", n), p.post.sw, c.SW), synOut(p.dp, fmt.Sprintf("p%d_syn", n)), streams(p.dp), len(p.dp.streams))
		if p.postDP != nil {
			fmt.Fprintf(&b, "                has_post = 1'b1; post_base = 32'd%d; n_post = 32'd%d; col_base = 32'd%d;\n", p.postBase, p.nPost, p.colBase)
			fmt.Fprintf(&b, "                opost_o = %s; osyn_o = %s; ostreams = %s; ondith = 8'd%d;\n",
				pad(fmt.Sprintf("q%d_o", n), p.post.sw, c.SW), synOut(p.postDP, fmt.Sprintf("q%d_syn", n)), streams(p.postDP), len(p.postDP.streams))
		}
		b.WriteString("            end\n")
	}
	b.WriteString("            default: ;\n        endcase\n    end\nendmodule\n`default_nettype wire\n")
	return b.String()
}

// check says what of the model the core cannot run.
func check(m *ir.Module) error {
	quantized := m.Run.Quantize != 0
	m.Vars(func(v *ir.Var) { quantized = quantized || v.Type.Kind == ir.Fixed })
	if !quantized {
		return fmt.Errorf("the FPGA core computes fixed point: build with --quantize=int16 (or int8, int32, fixed), or annotate the state with quantize")
	}
	var errs []string
	where := func(pos ir.Pos, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if pos.File != "" {
			msg = pos.String() + ": " + msg
		}
		errs = append(errs, msg)
	}
	first := func(k *ir.Kernel) ir.Pos {
		var p ir.Pos
		k.Instrs(func(in *ir.Instr) {
			if p.File == "" {
				p = in.Pos
			}
		})
		return p
	}
	for _, p := range m.Populations {
		switch {
		case p.Global:
			var pos ir.Pos
			for _, k := range p.Kernels {
				if pos.File == "" {
					pos = first(k)
				}
			}
			where(pos, "global %s: the core has no globals", p.Name)
			continue
		case p.Group != nil:
			continue
		}
		for _, k := range p.Kernels {
			switch k.Name {
			case "init", "prepare", "step":
			default:
				where(first(k), "population %s: a separate %s kernel (the core runs one step kernel per neuron: keep the fuse pass on, and give the neuron a threshold)", p.Name, k.Name)
			}
		}
		if ir.KernelNamed(p.Kernels, "step") == nil {
			where(ir.Pos{}, "population %s has no step kernel (the core runs one step kernel per neuron: keep the fuse pass on, and give the neuron a threshold)", p.Name)
		}
		for _, v := range p.Vars {
			if v.Kind != ir.VarParam && v.Type.Kind != ir.Fixed {
				where(ir.Pos{}, "population %s: %s is %s; the core holds fixed-point state", p.Name, v.Name, v.Type)
			}
		}
	}
	for _, c := range m.Currents {
		k := ir.KernelNamed(c.Kernels, "value")
		k.Instrs(func(in *ir.Instr) {
			switch in.Op {
			case ir.OpLoad, ir.OpRand, ir.OpIndex, ir.OpLoadSeg:
				// One of time alone is computed by snnc and written between
				// runs where it changes.
				where(posNear(k, in), "current %s depends on %s; the core's parameters change only between runs, by time", c.Name, describe(in))
			}
		})
	}
	for _, pr := range m.Projections {
		if pr.PartOf != nil {
			continue
		}
		for _, k := range pr.Kernels {
			switch k.Name {
			case "init", "prepare", "on_pre", "on_post":
			default:
				where(first(k), "%s: a %s kernel (the core's synapses change only at events: on pre and on post)", pr.Describe(), k.Name)
			}
		}
		for _, v := range pr.Vars {
			if v.Kind != ir.VarParam && v.Name != "trace.tlast" && v.Type.Kind != ir.Fixed {
				where(ir.Pos{}, "%s: synapse state %s is %s; the core holds fixed-point state", pr.Describe(), v.Name, v.Type)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// bigWord is a word of up to maxWord bits being assembled.
type bigWord struct{ b []uint64 }

func (w *bigWord) setBits(lo, n int, x uint64) {
	for i := range n {
		bit := lo + i
		for len(w.b) <= bit/64 {
			w.b = append(w.b, 0)
		}
		if x>>i&1 == 1 {
			w.b[bit/64] |= 1 << (bit % 64)
		}
	}
}

// set puts a raw value of format f at bit lo, two's complement.
func (w *bigWord) set(lo int, f fixed.Format, raw int64) {
	w.setBits(lo, int(f.Width), uint64(raw)&(1<<f.Width-1))
}

// hex is the word as width bits of hex digits, most significant first.
func (w *bigWord) hex(width int) string {
	digits := (width + 3) / 4
	out := make([]byte, digits)
	for i := range digits {
		bit := 4 * (digits - 1 - i)
		var x uint64
		if bit/64 < len(w.b) {
			x = w.b[bit/64] >> (bit % 64) & 0xF
		}
		out[i] = "0123456789abcdef"[x]
	}
	return string(out)
}

// Address spaces of the configuration port (spec/fpga.md).
const (
	spaceReg    = 0
	spaceState  = 1
	spaceParam  = 2
	spaceRef    = 3
	spaceRow    = 4
	spaceSyn    = 5
	spaceHist   = 6
	spaceCol    = 7
	spaceColIdx = 8
)

// configStream assembles configuration frames.
type configStream struct{ bytes []byte }

func (c *configStream) header(op, space byte, addr, count int) {
	c.bytes = append(c.bytes, op, space)
	c.bytes = le32(c.bytes, uint32(addr))
	c.bytes = le32(c.bytes, uint32(count))
}

// write sends words (hex strings) of n bytes each, least significant
// byte first.
func (c *configStream) write(space byte, addr int, words []string, n int) {
	if len(words) == 0 {
		return
	}
	c.header(0x01, space, addr, len(words))
	for _, w := range words {
		for i := range n {
			end := len(w) - 2*i
			var x byte
			if end > 0 {
				start := max(0, end-2)
				fmt.Sscanf(w[start:end], "%x", &x)
			}
			c.bytes = append(c.bytes, x)
		}
	}
}

func (c *configStream) run(steps int64) {
	c.bytes = append(c.bytes, 0x03)
	c.bytes = le32(c.bytes, uint32(steps))
}

// read asks for count words of n bytes; it returns the bytes that come
// back.
func (c *configStream) read(space byte, addr, count, n int) int {
	c.header(0x02, space, addr, count)
	return count * n
}

func le32(b []byte, x uint32) []byte {
	return append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
}
