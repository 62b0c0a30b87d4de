package interp

// The network as the run builds it: inputs, projections (their synapses,
// pruned and merged ones included).

import (
	"fmt"
	"math"
	"path/filepath"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/rng"
)

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
	s.inBy[in] = is
	stream := uint32(rng.StreamInput + in.Stream)
	switch in.Kind {
	case "poisson":
		var rates func(q int64) []float64
		periodSteps := int64(0)
		if k := ir.KernelNamed(in.Kernels, "rate"); k != nil {
			kn, err := s.env(nil).compile(in.Name, k, &site{n: in.Size, count: 1})
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
			width := max(1, in.Columns)
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
	deliver := pr.PartOf == nil
	switch pre := pr.Pre.(type) {
	case *ir.Population:
		preGroup := s.popBy[pre]
		nPre = preGroup.p.Size
		if deliver {
			preGroup.out = append(preGroup.out, ps)
		}
	case *ir.Input:
		in := s.inBy[pre]
		nPre = in.in.Size
		if deliver {
			in.out = append(in.out, ps)
		}
	}
	post := s.popBy[pr.Post]
	ps.post = post
	rule := runtime.Rule{Kind: pr.Rule.Kind, P: pr.Rule.P, K: pr.Rule.K, Autapses: pr.Rule.Autapses, Pairs: pr.Rule.Pairs, Skip: pr.Rule.Skip}
	// The rule connects the two sides' ranges (the whole, without
	// slices) and is then widened to the whole populations.
	preLo, ruleNPre := pr.PreSpan()
	postLo, ruleNPost := pr.PostSpan()
	if pr.Rule.File != "" {
		read := runtime.ReadPairs
		if pr.Rule.Kind == "matrix" {
			// A matrix's nonzero entries are its pairs, in synapse order.
			read, rule.Kind = runtime.ReadMatrixPairs, "pairs"
		}
		pairs, err := read(s.path(pr.Rule.File), pr.Rule.File, ruleNPre, ruleNPost)
		if err != nil {
			return err
		}
		rule.Pairs = pairs
	}
	var csr *runtime.CSR
	var err error
	if pr.Rule.Kind == "parts" {
		csr = s.mergedRows(pr, nPre)
	} else if hasConnectKernels(pr) {
		if csr, err = s.connectPairs(pr, rule, ruleNPre, ruleNPost, preLo, postLo); err != nil {
			return err
		}
		csr = csr.Widen(preLo, nPre, postLo)
	} else if csr, err = runtime.Connect(s.rng, uint32(rng.StreamConnect+pr.Stream), rule, ruleNPre, ruleNPost, pr.SameSide()); err != nil {
		return err
	} else {
		csr = csr.Widen(preLo, nPre, postLo)
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
		if ds.d == pr.Dendrite {
			dend = ds
		}
	}
	for _, c := range ps.cells {
		s.cellOf[c.v] = c
	}
	e := s.env(nil)
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
				return fmt.Errorf("onto the dendrite array %s without a segment", dend.d.NodeName())
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
	ps.summed = compile("summed")
	if err != nil {
		return err
	}
	if ps.k.onPost != nil {
		ps.byPost.start, ps.byPost.syn = ps.csr.ByPost(post.p.Size)
	}
	if ps.queue, err = s.delayQueue(ps, ps.cells["delay"]); err != nil {
		return err
	}
	if err := s.buildPathways(ps, e); err != nil {
		return err
	}
	s.projs = append(s.projs, ps)
	s.projBy[pr] = ps
	return nil
}

// delayQueue makes the spike queue of a projection whose synapses have the
// delays of the cell delay (nil: none): one delay for all, or one per
// synapse. A pathway's queue is made the same way from its delay.NAME.
func (s *sim) delayQueue(ps *projState, delay *cell) (*runtime.Queue, error) {
	nsyn := ps.csr.Len()
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
				d, maxSteps, s.dt, int64(maxSteps)+1, BytesText(bytes), BytesText(s.mem.limit-s.mem.need))
		}
		return nil
	}
	switch {
	case delay == nil:
		return runtime.NewQueue(0), nil
	case delay.arr == nil:
		d, err := toSteps(0, delay.val)
		if err != nil {
			return nil, err
		}
		if err := ring(d, delay.val, false); err != nil {
			return nil, err
		}
		return runtime.NewQueue(int64(d)), nil
	default:
		steps := make([]int32, nsyn)
		longest := 0
		for syn, d := range delay.arr {
			var err error
			if steps[syn], err = toSteps(syn, d); err != nil {
				return nil, err
			}
			if steps[syn] > steps[longest] {
				longest = syn
			}
		}
		if nsyn > 0 {
			if err := ring(steps[longest], delay.arr[longest], true); err != nil {
				return nil, err
			}
		}
		return runtime.NewSynapseQueue(steps, ps.csr.Start), nil
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
		if ps.pr.PartOf == pr {
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
