package passes

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// Quantize turns a model's state and arithmetic into fixed point of
// m.Run.Quantize bits (runtime/fixed; spec/passes.md, "quantize"); with
// 0 it does nothing but the annotated variables, and with
// ir.QuantizeFixed it chooses each variable's width from what its
// kernels store into it (chooseWidth), noting the width and the reason.
//
// Each state variable and trace of a population, dendrite or projection
// gets a format from the values it takes: m.Run.Ranges (a calibration
// run's) or its Range, widened to hold the constants its threshold
// compares it with and its resets store, with one bit of headroom. The
// per-step kernels (update, threshold, reset, step, on_pre, on_post)
// that are straight-line are then computed in fixed point: every value
// gets an interval, from the variables' ranges and the constants, by
// interval arithmetic, and a format of the width that holds it with the
// most fraction bits; constants become fixed constants with their own
// best format (propagators and weights as integers), and parameters are
// converted where they meet fixed-point values. What fixed point does not
// define (exp, log, pow, a random draw, time) is computed in floating
// point from converted operands, and noted on the module. Other kernels
// (init, prepare, refractory, a kernel that branches) keep floating point
// and convert at the variables: a load becomes the real value, a store
// rounds into the variable's format.
func Quantize(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	fixedWidth := m.Run.Quantize == ir.QuantizeFixed
	if w := m.Run.Quantize; w != 0 && !fixedWidth && (w < 2 || w > fixed.MaxWidth) {
		return fmt.Errorf("quantize: %d bits; the widths are 2 to %d", w, fixed.MaxWidth)
	}
	// The widest of the variables' widths (--quantize's, an annotation's,
	// or under fixed the one chosen) is the constants' width (and half
	// the accumulators').
	q := &quantizer{m: m, noted: map[string]bool{}}
	width := max(m.Run.Quantize, 0)
	m.Vars(func(v *ir.Var) { width = max(width, v.Quantize) })
	if width == 0 && !fixedWidth {
		return nil
	}
	if width > fixed.MaxWidth {
		return fmt.Errorf("quantize: %d bits; the widths are 2 to %d", width, fixed.MaxWidth)
	}
	// The kernels as fold leaves them, whether or not it ran (fold is
	// exact), and the per-step kernels straight where they can be (a loop
	// over a dendrite array's segments copied per segment, as fuse does:
	// exact too): what fixed point makes of them depends on neither pass.
	m.Kernels(func(_ string, k *ir.Kernel) {
		foldKernel(k)
		if arithmetic[k.Name] {
			straighten(k, straightBudget)
		}
	})
	q.calibratedParams()
	width = max(width, q.formats())
	if width == 0 {
		return nil // under fixed, no variable with a range
	}
	q.width = uint8(width)
	scopes := ir.Scopes(m)
	segments := map[*ir.Kernel]int{} // a dendrite array's kernels: its segments
	for _, p := range m.Populations {
		for _, d := range p.Dendrites {
			for _, k := range d.Kernels {
				if d.Array {
					segments[k] = d.Count
				}
			}
		}
	}
	names := q.sourceNames()
	m.Kernels(func(owner string, k *ir.Kernel) {
		q.kernel(names[owner], k, scopes[k], segments[k])
		k.Number()
	})
	q.assignStreams()
	q.settableRanges(scopes)
	return nil
}

// Dither streams (spec/passes.md, "quantize"). A dithered store's stream
// is a hash of what the source calls it: its owner (a population, a
// dendrite, a projection), the variable, the kernel and which of the
// kernel's stores of that variable it is. Passes that run before (fold,
// ode) or after (prune, fuse) the quantize pass, and parts of the model
// that have nothing to do with the store, do not change it, so they do
// not change the rounding.

// ditherStreams is the first random stream of the dithered stores, and
// ditherSpan how many follow it: above the kernels' own, below the
// runtime's (runtime.md).
const (
	ditherStreams = 0x4000_0000
	ditherSpan    = 0x4000_0000
)

// ditherStore is a dithered store's convert awaiting its stream, with its
// key and the streams it takes (a dendrite array's, one per segment).
type ditherStore struct {
	key      string
	convert  *ir.Instr
	segments int
}

// sourceNames gives the owners of kernels the names the source gives
// them. A projection the source leaves unnamed is named by lowering from
// its position (connect_LINE_COL), which moves when a line is added above
// it: it is called by its sides and synapse type, and which of the
// unnamed projections between them with that type it is.
func (q *quantizer) sourceNames() map[string]string {
	names := map[string]string{}
	q.m.Kernels(func(owner string, _ *ir.Kernel) { names[owner] = owner })
	seen := map[string]int{}
	for _, pr := range q.m.Projections {
		if !generatedName(pr.Name) {
			continue
		}
		post := pr.Post.Name
		if pr.Dendrite != nil {
			post += "." + pr.Dendrite.Name
		}
		sides := fmt.Sprintf("connect %s -> %s using %s", pr.PreName(), post, pr.Synapse)
		names[pr.Name] = fmt.Sprintf("%s #%d", sides, seen[sides])
		seen[sides]++
	}
	return names
}

// generatedName reports whether a projection's name is lowering's for an
// unnamed one, connect_LINE_COL (no name a model can give: a name is an
// identifier, and the parser takes connect for the keyword).
func generatedName(name string) bool {
	rest, ok := strings.CutPrefix(name, "connect_")
	line, col, two := strings.Cut(rest, "_")
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	return ok && two && digits(line) && digits(col)
}

// assignStreams gives each dithered store its stream: ditherStreams plus
// the FNV-1a hash of its key, modulo ditherSpan. Two keys whose streams
// would overlap (about one model in ten million with a hundred dithered
// stores) are resolved in the order of the keys, the later one taking the
// next free stream: still a function of the keys alone.
func (q *quantizer) assignStreams() {
	slices.SortFunc(q.dithers, func(a, b ditherStore) int { return strings.Compare(a.key, b.key) })
	taken := map[int]bool{}
	for n, d := range q.dithers {
		if n > 0 && d.key == q.dithers[n-1].key {
			panic("quantize: two dithered stores with the key " + d.key)
		}
		count := max(d.segments, 1)
		s := ditherStream(d.key, count) - ditherStreams
		for anyTaken(taken, s, count) {
			s = (s + 1) % (ditherSpan - count)
		}
		for i := range count {
			taken[s+i] = true
		}
		d.convert.Aux = ir.Dither{Stream: ditherStreams + s, Segments: d.segments}
	}
}

// ditherStream is the first of the count streams of a dithered store of
// the key, unless another key's overlap them.
func ditherStream(key string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(key))
	return ditherStreams + int(h.Sum64()%uint64(ditherSpan-count))
}

// anyTaken reports whether one of the count streams from s is taken.
func anyTaken(taken map[int]bool, s, count int) bool {
	for i := range count {
		if taken[s+i] {
			return true
		}
	}
	return false
}

// calibratedParams gives the runtime parameters, the parameters currents
// set and those set per element an interval: a runtime parameter's stated
// range (m.Run.Declared: in [lo, hi] in the model, or --range) with the
// values the calibration run saw; else what that run saw, widened by half
// its span or half its magnitude, whichever is more. A runtime parameter
// the run saw only at 0, with no stated range, gets none: nothing says
// what --set may give it, and what it enters stays floating point.
// settableRanges then makes the intervals of runtime parameters the
// values --set may give them.
func (q *quantizer) calibratedParams() {
	q.params = map[*ir.Var]interval{}
	q.paramNames = map[*ir.Var]string{}
	add := func(prefix string, vars []*ir.Var) {
		for _, v := range vars {
			if v.Kind != ir.VarParam || v.Type != ir.TF64 {
				continue
			}
			name := prefix + v.Name
			q.paramNames[v] = name
			x, seen := q.m.Run.Ranges[name]
			if d, ok := q.m.Run.Declared[name]; ok && v.Runtime {
				r := interval{d[0], d[1], true}
				if seen {
					r = r.union(interval{x[0], x[1], true})
				}
				q.params[v] = r
				continue
			}
			if !seen || v.Runtime && x == [2]float64{} {
				continue
			}
			margin := max((x[1]-x[0])/2, max(math.Abs(x[0]), math.Abs(x[1]))/2)
			r := interval{x[0] - margin, x[1] + margin, true}
			if x[0] >= 0 {
				r.lo = max(0, r.lo) // a parameter that was never negative stays so
			}
			q.params[v] = r
		}
	}
	add("", q.m.Params)
	for _, p := range q.m.Populations {
		add(p.Name+".", p.Vars)
		for _, d := range p.Dendrites {
			add(p.Name+"."+d.Name+".", d.Vars)
		}
	}
	for _, pr := range q.m.Projections {
		add(pr.Name+".", pr.Vars)
	}
	// A parameter a current sets takes the values the current's kernel
	// gives from its parameters' intervals (a stated range of the
	// runtime parameter it reads), as well as those calibration saw.
	scopes := ir.Scopes(q.m)
	for _, c := range q.m.Currents {
		target := q.currentTarget(c)
		for _, k := range c.Kernels {
			r, ok := q.returned(k, scopes[k])
			if target == nil || !ok {
				continue
			}
			if old, has := q.params[target]; has {
				r = r.union(old)
			}
			q.params[target] = r
		}
	}
}

// currentTarget is the parameter a current sets.
func (q *quantizer) currentTarget(c *ir.Current) *ir.Var { return c.Param }

// returned is the interval of the value a straight-line floating-point
// kernel returns, from its constants and its parameters' intervals.
func (q *quantizer) returned(k *ir.Kernel, sc *ir.Names) (interval, bool) {
	if sc == nil || len(k.Blocks) != 1 {
		return interval{}, false
	}
	iv := map[ir.Value]interval{}
	for _, in := range k.Blocks[0].Instrs {
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				iv[in] = point(c)
			}
		case ir.OpParam:
			if v := sc.Vars[in.VarName()]; v != nil {
				if r, ok := q.params[v]; ok {
					iv[in] = r
				} else if v.Uniform && !v.Runtime {
					iv[in] = point(v.Value)
				}
			}
		case ir.OpRet:
			if len(in.Args) == 1 {
				r := iv[in.Args[0]]
				return r, r.known
			}
		default:
			iv[in] = intervalOf(in.Op, func(n int) interval { return iv[in.Args[n]] })
		}
	}
	return interval{}, false
}

// settableRanges gives each runtime parameter whose value reaches fixed
// point (a convert from floating point to fixed point depends on it, or
// on a parameter a current sets from it) its interval as its Range: the
// values --set may give it, which the runtimes check (others would
// saturate). The other runtime parameters, whose values stay floating
// point (a population that is not quantized), get none: any value is
// exact there. One that reaches fixed point with no interval is noted.
func (q *quantizer) settableRanges(scopes map[*ir.Kernel]*ir.Names) {
	reach := map[*ir.Var]bool{}
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		sc := scopes[k]
		if sc == nil {
			return
		}
		deps := map[ir.Value][]*ir.Var{} // the parameters a floating-point value depends on
		k.Instrs(func(in *ir.Instr) {
			var d []*ir.Var
			if v := sc.Vars[in.VarName()]; in.Op == ir.OpParam && v != nil {
				d = append(d, v)
			}
			for _, a := range in.Args {
				for _, v := range deps[a] {
					if !slices.Contains(d, v) {
						d = append(d, v)
					}
				}
			}
			if in.Op == ir.OpConvert && in.Typ.Kind == ir.Fixed {
				for _, v := range d {
					reach[v] = true
				}
			}
			if in.Typ == ir.TF64 {
				deps[in] = d
			}
		})
	})
	for _, c := range q.m.Currents {
		if t := q.currentTarget(c); t == nil || !reach[t] {
			continue
		}
		for _, k := range c.Kernels {
			sc := scopes[k]
			k.Instrs(func(in *ir.Instr) {
				if v := sc.Vars[in.VarName()]; in.Op == ir.OpParam && v != nil {
					reach[v] = true
				}
			})
		}
	}
	var runtime []*ir.Var
	for v := range q.paramNames {
		if v.Runtime {
			runtime = append(runtime, v)
		}
	}
	slices.SortFunc(runtime, func(a, b *ir.Var) int { return strings.Compare(q.paramNames[a], q.paramNames[b]) })
	for _, v := range runtime {
		name := q.paramNames[v]
		r, ok := q.params[v]
		switch {
		case !reach[v]:
			v.Range = nil
		case ok:
			v.Range = &[2]float64{r.lo, r.hi}
		default:
			v.Range = nil
			q.note("runtime parameter %s states no range and is 0 by default: what it enters is computed in floating point; state its range (in [lo, hi] on its declaration) or give --range %s=LO:HI to keep it fixed point", name, name)
		}
	}
}

type quantizer struct {
	params     map[*ir.Var]interval // calibratedParams'
	paramNames map[*ir.Var]string   // each parameter's name as --set writes it
	m          *ir.Module
	width      uint8
	noted      map[string]bool
	dithers    []ditherStore // the dithered stores, for assignStreams
}

func (q *quantizer) note(format string, args ...any) {
	n := "quantize: " + fmt.Sprintf(format, args...)
	if !q.noted[n] {
		q.noted[n] = true
		q.m.Notes = append(q.m.Notes, n)
	}
}

// interval is a closed interval of reals; known is false for a value
// whose bounds the analysis does not have.
type interval struct {
	lo, hi float64
	known  bool
}

func point(x float64) interval { return interval{x, x, true} }

func (a interval) union(b interval) interval {
	if !a.known || !b.known {
		return interval{}
	}
	return interval{min(a.lo, b.lo), max(a.hi, b.hi), true}
}

// format is the format of the width that holds every value of the
// interval with the most fraction bits (at most fixed.MaxFrac).
func (q *quantizer) format(a interval) ir.Type { return formatOf(a, q.width) }

// accumulator is the format of an operation's result: twice the width
// (at most 32 bits), as a datapath's products and sums are, so that a
// kernel rounds once, where it stores into a variable.
func (q *quantizer) accumulator(a interval) ir.Type {
	return formatOf(a, min(2*q.width, fixed.MaxWidth))
}

func formatOf(a interval, width uint8) ir.Type {
	m := max(math.Abs(a.lo), math.Abs(a.hi))
	frac := int(fixed.MaxFrac)
	if m > 0 && !math.IsInf(m, 0) {
		// m < 2^(width-1-frac) with the largest frac: the integer part
		// needs ceil(log2(m)) bits above the point, one more when m is a
		// power of two (the largest value is 2^k - 2^-frac).
		e := math.Ilogb(m) + 1
		frac = int(width) - 1 - e
	}
	return ir.FixedType(width, uint8(max(0, min(frac, int(fixed.MaxFrac)))))
}

// formats gives every state variable and trace its format, and returns
// the widest width it chose under --quantize=fixed (0 otherwise).
func (q *quantizer) formats() int {
	// The constants a threshold compares a variable with and a reset
	// stores into it are values it takes.
	extra := map[*ir.Var]interval{}
	scopes := ir.Scopes(q.m)
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		sc := scopes[k]
		if sc == nil || (k.Name != "threshold" && k.Name != "reset") {
			return
		}
		k.Instrs(func(in *ir.Instr) {
			var v *ir.Var
			var c float64
			var ok bool
			switch {
			case in.Op == ir.OpStore:
				v = sc.Vars[in.VarName()]
				c, ok = constOf(in.Args[0])
			case len(in.Args) == 2 && in.Type() == ir.TBool:
				for n, a := range in.Args {
					if l, isLoad := a.(*ir.Instr); isLoad && l.Op == ir.OpLoad {
						v = sc.Vars[l.VarName()]
						c, ok = constOf(in.Args[1-n])
					}
				}
			}
			if v != nil && ok {
				if x, seen := extra[v]; seen {
					extra[v] = x.union(point(c))
				} else {
					extra[v] = point(c)
				}
			}
		})
	})
	// The values each variable took, for the formats and for the
	// analysis of what the kernels store (under fixed).
	calibrated := map[*ir.Var]interval{}
	q.owned(func(owner string, v *ir.Var) {
		if x, ok := q.m.Run.Ranges[owner+"."+v.Name]; ok {
			calibrated[v] = interval{x[0], x[1], true}
		} else if v.Range != nil {
			calibrated[v] = interval{v.Range[0], v.Range[1], true}
		}
	})
	var stores map[*ir.Var]*storeForms
	if q.m.Run.Quantize == ir.QuantizeFixed {
		stores = q.storeForms(calibrated)
	}
	widest := 0
	set := func(owner string, vars []*ir.Var) {
		for _, v := range vars {
			// Time (a synapse's last event) stays floating point.
			if v.Kind == ir.VarParam || v.Type != ir.TF64 || v.Name == "trace.tlast" {
				continue
			}
			r := calibrated[v]
			if x, ok := extra[v]; ok {
				if r.known {
					r = r.union(x)
				} else {
					r = x
				}
			}
			w := v.Quantize
			if w == 0 {
				w = q.m.Run.Quantize
			}
			if w == 0 {
				continue // neither --quantize nor an annotation: floating point
			}
			if !r.known {
				q.note("%s.%s has no range (no calibration covered it): it stays floating point", owner, v.Name)
				continue
			}
			if w == ir.QuantizeFixed {
				var why string
				w, why = chooseWidth(r, stores[v], q.m.Run.Steps)
				widest = max(widest, w)
				q.note("%s.%s %s: %s", owner, v.Name, formatOf(r, uint8(w)), why)
			}
			// Headroom beyond what the calibration saw: half the range
			// on each side for the intervals, and one bit for the format.
			margin := (r.hi - r.lo) / 2
			v.Type = formatOf(r, uint8(w))
			v.Range = &[2]float64{r.lo - margin, r.hi + margin}
		}
	}
	// (No groups yet: fuse runs after this pass.)
	for _, p := range q.m.Populations {
		set(p.Name, p.Vars)
		for _, d := range p.Dendrites {
			set(p.Name+"."+d.Name, d.Vars)
		}
	}
	for _, pr := range q.m.Projections {
		set(pr.Name, pr.Vars)
	}
	return widest
}

// owned calls f with every variable of a population, dendrite or
// projection, and its owner's name.
func (q *quantizer) owned(f func(owner string, v *ir.Var)) {
	for _, p := range q.m.Populations {
		for _, v := range p.Vars {
			f(p.Name, v)
		}
		for _, d := range p.Dendrites {
			for _, v := range d.Vars {
				f(p.Name+"."+d.Name, v)
			}
		}
	}
	for _, pr := range q.m.Projections {
		for _, v := range pr.Vars {
			f(pr.Name, v)
		}
	}
}

// traceDecays finds the decays of synapse traces that lowering writes in
// event kernels, exp(-(t - trace.tlast) / tau) with a constant tau, by
// their exp instruction, with tau.
func traceDecays(b *ir.Block) map[*ir.Instr]float64 {
	out := map[*ir.Instr]float64{}
	arg := func(v ir.Value, op ir.Op) *ir.Instr {
		if in, ok := v.(*ir.Instr); ok && in.Op == op {
			return in
		}
		return nil
	}
	for _, in := range b.Instrs {
		if in.Op != ir.OpExp {
			continue
		}
		div := arg(in.Args[0], ir.OpDiv)
		if div == nil {
			continue
		}
		neg := arg(div.Args[0], ir.OpNeg)
		tau, ok := constOf(div.Args[1])
		if neg == nil || !ok || !(tau > 0) {
			continue
		}
		sub := arg(neg.Args[0], ir.OpSub)
		if sub == nil || arg(sub.Args[0], ir.OpTime) == nil {
			continue
		}
		if last := arg(sub.Args[1], ir.OpLoad); last != nil && last.VarName() == "trace.tlast" {
			out[in] = tau
		}
	}
	return out
}

// traceTime is the load of trace.tlast a trace decay found by
// traceDecays reads.
func traceTime(exp *ir.Instr) ir.Value {
	div := exp.Args[0].(*ir.Instr)
	neg := div.Args[0].(*ir.Instr)
	sub := neg.Args[0].(*ir.Instr)
	return sub.Args[1]
}

// arithmetic kernels are computed in fixed point when straight-line.
var arithmetic = map[string]bool{"update": true, "threshold": true, "reset": true, "step": true, "on_pre": true, "on_post": true}

// kernel rewrites one kernel of owner (as the source names it); segments
// is the count of a dendrite array's segments for one of its kernels.
func (q *quantizer) kernel(owner string, k *ir.Kernel, sc *ir.Names, segments int) {
	if sc == nil {
		return
	}
	stores := map[string]int{} // the dithered stores of each variable so far
	fixedVar := func(name string) *ir.Var {
		if v := sc.Vars[name]; v != nil && v.Type.Kind == ir.Fixed {
			return v
		}
		return nil
	}
	// A dendrite array's state, read and written by segment.
	fixedSeg := func(name string) *ir.Var {
		if v := sc.Segments[name]; v != nil && v.Type.Kind == ir.Fixed {
			return v
		}
		return nil
	}
	if !arithmetic[k.Name] || len(k.Blocks) != 1 {
		q.boundary(k, fixedVar, fixedSeg)
		return
	}
	b := k.Blocks[0]
	decrements(b)
	var out []*ir.Instr
	emit := func(in *ir.Instr) *ir.Instr {
		in.Block = b
		out = append(out, in)
		return in
	}
	val := map[ir.Value]ir.Value{} // each old value's new one
	iv := map[ir.Value]interval{}  // its interval
	get := func(v ir.Value) ir.Value {
		if x, ok := val[v]; ok {
			return x
		}
		return v
	}
	// toFixed converts a new value to fixed point in format t.
	toFixed := func(old ir.Value, t ir.Type) ir.Value {
		v := get(old)
		if v.Type() == t {
			return v
		}
		if c, ok := constOf(old); ok && v.Type() == ir.TF64 {
			return emit(&ir.Instr{Op: ir.OpConst, Typ: t, Aux: c})
		}
		return emit(&ir.Instr{Op: ir.OpConvert, Typ: t, Args: []ir.Value{v}})
	}
	// ownFormat is the format a value has on its own: a constant's best.
	ownFormat := func(old ir.Value) (ir.Type, bool) {
		v := get(old)
		if v.Type().Kind == ir.Fixed {
			return v.Type(), true
		}
		if a := iv[old]; a.known {
			return q.format(a), true
		}
		return ir.Type{}, false
	}
	toFloat := func(old ir.Value) ir.Value {
		v := get(old)
		if v.Type().Kind != ir.Fixed {
			return v
		}
		return emit(&ir.Instr{Op: ir.OpConvert, Typ: ir.TF64, Args: []ir.Value{v}})
	}
	decays := traceDecays(b)
	for _, in := range b.Instrs {
		if tau, ok := decays[in]; ok && q.width > 0 {
			// A trace's decay since its last event, in fixed point: the
			// factor for the whole steps since (ir.md, tracedecay).
			one := interval{0, 1, true}
			f := emit(&ir.Instr{Op: ir.OpTraceDecay, Typ: q.format(one), Aux: tau, Args: []ir.Value{get(traceTime(in))}, Pos: in.Pos})
			val[in], iv[in], iv[f] = f, one, one
			continue
		}
		anyFixed := slices.ContainsFunc(in.Args, func(a ir.Value) bool { return get(a).Type().Kind == ir.Fixed })
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				iv[in] = point(c)
			}
			emit(in)
			continue
		case ir.OpParam:
			// A runtime parameter (--set) or one a current sets has the
			// interval of the values calibration saw, if it saw it.
			if v := sc.Vars[in.VarName()]; v != nil && v.Uniform && !v.Runtime && v.DrivenBy == nil {
				iv[in] = point(v.Value)
			} else if r, ok := q.params[v]; ok {
				iv[in] = r
			} else if v != nil && v.Range != nil {
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpLoad:
			if v := fixedVar(in.VarName()); v != nil {
				in.Typ = v.Type
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpLoadSeg:
			in.Args[0] = get(in.Args[0])
			if v := fixedSeg(in.VarName()); v != nil {
				in.Typ = v.Type
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpStore, ir.OpStoreSeg:
			x := len(in.Args) - 1 // the value; a storeseg's segment comes first
			v := fixedVar(in.VarName())
			if in.Op == ir.OpStoreSeg {
				in.Args[0] = get(in.Args[0])
				v = fixedSeg(in.VarName())
			}
			if v != nil {
				in.Args[x] = toFixed(in.Args[x], v.Type)
				if c, ok := in.Args[x].(*ir.Instr); ok && c.Op == ir.OpConvert && c.Args[0].Type().Kind == ir.Fixed {
					// Rounded by a random offset: no standing offset in a
					// decay, no bias in a sum.
					key := fmt.Sprintf("%s/%s/%s#%d", owner, in.VarName(), k.Name, stores[in.VarName()])
					stores[in.VarName()]++
					c.Aux = ir.Dither{} // assignStreams's
					q.dithers = append(q.dithers, ditherStore{key, c, segments})
				}
			} else {
				in.Args[x] = toFloat(in.Args[x])
			}
			emit(in)
			continue
		case ir.OpRet:
			if len(in.Args) == 1 && k.Result.Kind != ir.Bool {
				in.Args[0] = toFloat(in.Args[0])
			}
			for n := range in.Args {
				in.Args[n] = get(in.Args[n])
			}
			emit(in)
			continue
		}
		if in.Op == ir.OpSelect && !anyFixed && in.Typ == ir.TF64 && iv[in.Args[1]].known && iv[in.Args[2]].known {
			// A choice between values known in advance (where(plateau >
			// 0, 1, 0)): fixed point in a format holding both, so that
			// what it enters is too.
			r := iv[in.Args[1]].union(iv[in.Args[2]])
			t := q.format(r)
			in.Args[0] = get(in.Args[0])
			in.Args[1], in.Args[2] = toFixed(in.Args[1], t), toFixed(in.Args[2], t)
			in.Typ = t
			iv[in] = r
			emit(in)
			val[in] = in
			continue
		}
		if !anyFixed {
			// Floating point, with its interval where its operands have
			// one: a value of parameters and constants (r_m * i_ext) is
			// converted where it meets fixed point, in a format of its
			// own magnitude.
			for n := range in.Args {
				in.Args[n] = get(in.Args[n])
			}
			if in.Typ == ir.TF64 && len(in.Args) > 0 {
				iv[in] = intervalOf(in.Op, func(n int) interval { return iv[in.Args[n]] })
			}
			emit(in)
			continue
		}
		// An operation that meets fixed point.
		if c, ok := constOf(in.Args[1%len(in.Args)]); ok && in.Op == ir.OpDiv && c != 0 && !math.IsInf(1/c, 0) {
			// x / c is x * (1/c): a product where a datapath would need
			// a divider, and closer to the real quotient than a division
			// by c rounded into fixed point (0.01 in 16 bits is off by
			// 2.3e-6 of itself).
			inv := emit(&ir.Instr{Op: ir.OpConst, Typ: ir.TF64, Aux: 1 / c, Pos: in.Pos})
			iv[inv] = point(1 / c)
			in.Op, in.Args[1] = ir.OpMul, inv
		}
		r := intervalOf(in.Op, func(n int) interval { return iv[in.Args[n]] })
		switch in.Op {
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			// Compared exactly: each side in its own format.
			ok := true
			for n := range in.Args {
				t, has := ownFormat(in.Args[n])
				if !has {
					ok = false
					break
				}
				in.Args[n] = toFixed(in.Args[n], t)
			}
			if !ok {
				for n := range in.Args {
					in.Args[n] = toFloat(in.Args[n])
				}
			}
			emit(in)
			continue
		}
		if !r.known || !ir.FixedOps[in.Op] && in.Op != ir.OpSelect {
			// Floating point where fixed point has no definition, or the
			// bounds are unknown.
			q.note("%s.%s: %s computed in floating point", owner, k.Name, in.Op)
			for n := range in.Args {
				if in.Op != ir.OpSelect || n > 0 {
					in.Args[n] = toFloat(in.Args[n])
				} else {
					in.Args[n] = get(in.Args[n])
				}
			}
			emit(in)
			continue
		}
		t := q.accumulator(r)
		iv[in] = r
		for n := range in.Args {
			switch {
			case in.Op == ir.OpSelect && n == 0:
				in.Args[n] = get(in.Args[n])
			case in.Op == ir.OpSelect:
				in.Args[n] = toFixed(in.Args[n], t)
			default:
				// Each operand in its own format: the op is exact before
				// it rounds into t.
				of, has := ownFormat(in.Args[n])
				if !has {
					of = t
				}
				in.Args[n] = toFixed(in.Args[n], of)
			}
		}
		in.Typ = t
		emit(in)
		val[in] = in
	}
	b.Instrs = out
	dceKernel(k)
}

// intervalOf is the interval of op's result from its operands' (a(n) is
// operand n's), or an unknown one where the op has no rule here.
func intervalOf(op ir.Op, a func(n int) interval) interval {
	switch op {
	case ir.OpAdd:
		return interval{a(0).lo + a(1).lo, a(0).hi + a(1).hi, a(0).known && a(1).known}
	case ir.OpSub:
		return interval{a(0).lo - a(1).hi, a(0).hi - a(1).lo, a(0).known && a(1).known}
	case ir.OpMul:
		x, y := a(0), a(1)
		p := []float64{x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi}
		return interval{slices.Min(p), slices.Max(p), x.known && y.known}
	case ir.OpDiv:
		x, y := a(0), a(1)
		if y.known && (y.lo > 0 || y.hi < 0) {
			p := []float64{x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi}
			return interval{slices.Min(p), slices.Max(p), x.known}
		}
	case ir.OpNeg:
		return interval{-a(0).hi, -a(0).lo, a(0).known}
	case ir.OpAbs:
		x := a(0)
		return interval{0, max(math.Abs(x.lo), math.Abs(x.hi)), x.known}
	case ir.OpMin, ir.OpMax:
		return a(0).union(a(1))
	case ir.OpSelect:
		return a(1).union(a(2))
	}
	return interval{}
}

// decrements rewrites c * x with 1/2 < c < 1 (a propagator, a decay) as
// x - (1 - c) * x: 1 - c, computed exactly, has many more significant
// bits in a fixed-point constant of the same width than c, and the
// subtraction is exact in the accumulator.
func decrements(b *ir.Block) {
	var out []*ir.Instr
	repl := map[ir.Value]ir.Value{}
	for _, in := range b.Instrs {
		for _, slot := range in.Operands() {
			if r, ok := repl[*slot]; ok {
				*slot = r
			}
		}
		out = append(out, in)
		if in.Op != ir.OpMul || in.Typ != ir.TF64 {
			continue
		}
		for n := range in.Args {
			c, ok := constOf(in.Args[n])
			if !ok || !(c > 0.5 && c < 1) {
				continue
			}
			x := in.Args[1-n]
			d := &ir.Instr{Op: ir.OpConst, Typ: ir.TF64, Aux: 1 - c, Block: b, Pos: in.Pos} // exact: Sterbenz
			m := &ir.Instr{Op: ir.OpMul, Typ: ir.TF64, Args: []ir.Value{d, x}, Block: b, Pos: in.Pos}
			s := &ir.Instr{Op: ir.OpSub, Typ: ir.TF64, Args: []ir.Value{x, m}, Block: b, Pos: in.Pos}
			out = append(out[:len(out)-1], d, m, s)
			repl[in] = s
			break
		}
	}
	b.Instrs = out
}

// boundary keeps a kernel in floating point, converting at its loads and
// stores of fixed-point variables.
func (q *quantizer) boundary(k *ir.Kernel, fixedVar, fixedSeg func(string) *ir.Var) {
	fixedOf := func(in *ir.Instr) *ir.Var {
		switch in.Op {
		case ir.OpLoad, ir.OpStore:
			return fixedVar(in.VarName())
		case ir.OpLoadSeg, ir.OpStoreSeg:
			return fixedSeg(in.VarName())
		}
		return nil
	}
	// A load's uses, in any block, take the real value from the convert
	// placed right after it (which dominates them as the load did); the
	// converts are placed first and the uses rewritten after, so that the
	// blocks' order does not matter.
	repl := map[ir.Value]ir.Value{}
	for _, b := range k.Blocks {
		var out []*ir.Instr
		for _, in := range b.Instrs {
			out = append(out, in)
			if in.Op != ir.OpLoad && in.Op != ir.OpLoadSeg {
				continue
			}
			if v := fixedOf(in); v != nil {
				in.Typ = v.Type
				c := &ir.Instr{Op: ir.OpConvert, Typ: ir.TF64, Args: []ir.Value{in}, Block: b, Pos: in.Pos}
				out = append(out, c)
				repl[in] = c
			}
		}
		b.Instrs = out
	}
	for _, b := range k.Blocks {
		var out []*ir.Instr
		for _, in := range b.Instrs {
			if in.Op == ir.OpConvert && repl[in.Args[0]] == in {
				out = append(out, in)
				continue
			}
			for _, slot := range in.Operands() {
				if r, ok := repl[*slot]; ok {
					*slot = r
				}
			}
			if in.Op == ir.OpStore || in.Op == ir.OpStoreSeg {
				if v := fixedOf(in); v != nil {
					x := len(in.Args) - 1
					c := &ir.Instr{Op: ir.OpConvert, Typ: v.Type, Args: []ir.Value{in.Args[x]}, Block: b, Pos: in.Pos}
					out = append(out, c)
					in.Args[x] = c
				}
			}
			out = append(out, in)
		}
		b.Instrs = out
	}
}

// Choosing the widths (--quantize=fixed; spec/passes.md, "quantize").
//
// A dithered store rounds up with the probability of the dropped
// fraction f of an LSB, an error of variance f(1-f) LSB^2: LSB^2/6 over
// a uniform f (round to nearest would give LSB^2/12, with a bias in a
// decay). A store x' = c x + ... carries the noise of the stores before
// it, times c each step: after n steps the variance is LSB^2/6 times
// (1 - c^2n) / (1 - c^2), at most the stationary LSB^2/6 / (1 - c^2).

// noiseFraction is the most rounding noise (its standard deviation) a
// variable that decays may carry, as a fraction of its span (the
// interval of values it took): 2^-10, ten effective bits over its values.
const noiseFraction = 1.0 / 1024

// minStepLSBs is how many LSBs the largest step of a variable without a
// decay (a weight under plasticity, an integrator) must make at least:
// a dithered store's error, at most half an LSB, is then at most 1/128
// of a step.
const minStepLSBs = 64

// fixedWidths are the widths --quantize=fixed chooses from, the fewest
// bits first; fallbackWidth is the width of a variable whose stores the
// analysis does not bound.
var fixedWidths = []int{8, 16, 32}

const fallbackWidth = 16

// affine is a value as a function of one variable x, c*x + d, where c
// and d are intervals; ok is false where the value is not affine in x
// (why says what it is), and d is unknown where its bounds are.
type affine struct {
	c, d interval
	ok   bool
	why  string
}

// storeForms are the affine forms of what a variable's kernels store into
// it, in terms of its value before the kernel: the per-step kernels'
// (update, step) and the events' (on_pre, on_post, ...).
type storeForms struct {
	step, event []affine
}

// storeForms finds, for every variable a per-step or event kernel
// stores, the affine form of its last store in each such kernel.
func (q *quantizer) storeForms(calibrated map[*ir.Var]interval) map[*ir.Var]*storeForms {
	out := map[*ir.Var]*storeForms{}
	scopes := ir.Scopes(q.m)
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		sc := scopes[k]
		step := k.Name == "update" || k.Name == "step"
		if sc == nil || !step && !strings.HasPrefix(k.Name, "on_") {
			return
		}
		var stored []*ir.Var         // in the order of their first store
		seg := map[*ir.Var]float64{} // a dendrite array's variable: the segment of its first store
		k.Instrs(func(in *ir.Instr) {
			v := sc.Vars[in.VarName()]
			if in.Op == ir.OpStoreSeg {
				v = sc.Segments[in.VarName()]
			}
			if (in.Op == ir.OpStore || in.Op == ir.OpStoreSeg) && v != nil && !slices.Contains(stored, v) {
				stored = append(stored, v)
				if in.Op == ir.OpStoreSeg {
					seg[v], _ = constOf(in.Args[0])
				}
			}
		})
		for _, x := range stored {
			f := storedForm(k, sc, x, seg[x], calibrated)
			if out[x] == nil {
				out[x] = &storeForms{}
			}
			if step {
				out[x].step = append(out[x].step, f)
			} else {
				out[x].event = append(out[x].event, f)
			}
		}
	})
	return out
}

// storedForm is the affine form, in x's value before kernel k, of the
// last value k stores into x (into segment seg of it, for a dendrite
// array's variable: the segments are alike). Other variables are their
// calibrated intervals, parameters their values or ranges.
func storedForm(k *ir.Kernel, sc *ir.Names, x *ir.Var, seg float64, calibrated map[*ir.Var]interval) affine {
	// ours reports whether a loadseg or storeseg reaches x's segment seg.
	ours := func(in *ir.Instr) bool {
		s, ok := constOf(in.Args[0])
		return sc.Segments[in.VarName()] == x && ok && s == seg
	}
	if len(k.Blocks) != 1 {
		return affine{why: k.Name + " branches"}
	}
	vals := map[ir.Value]interval{}
	forms := map[ir.Value]affine{} // the values that depend on x
	now := affine{c: point(1), d: point(0), ok: true}
	var last affine
	form := func(v ir.Value) affine {
		if f, ok := forms[v]; ok {
			return f
		}
		return affine{c: point(0), d: vals[v], ok: true}
	}
	for _, in := range k.Blocks[0].Instrs {
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				vals[in] = point(c)
			}
			continue
		case ir.OpParam:
			if v := sc.Vars[in.VarName()]; v != nil && v.Uniform {
				vals[in] = point(v.Value)
			} else if v != nil && v.Range != nil {
				vals[in] = interval{v.Range[0], v.Range[1], true}
			}
			continue
		case ir.OpLoad:
			v := sc.Vars[in.VarName()]
			if v == x {
				forms[in] = now
			}
			vals[in] = calibrated[v]
			continue
		case ir.OpStore:
			if sc.Vars[in.VarName()] == x {
				now = form(in.Args[0])
				last = now
			}
			continue
		case ir.OpLoadSeg:
			if ours(in) {
				forms[in] = now
			}
			vals[in] = calibrated[sc.Segments[in.VarName()]]
			continue
		case ir.OpStoreSeg:
			if ours(in) {
				now = form(in.Args[1])
				last = now
			}
			continue
		}
		vals[in] = intervalOf(in.Op, func(n int) interval { return vals[in.Args[n]] })
		if !slices.ContainsFunc(in.Args, func(a ir.Value) bool { _, ok := forms[a]; return ok }) {
			continue // independent of x
		}
		forms[in] = affineOf(in, form, func(n int) interval { return vals[in.Args[n]] })
	}
	return last
}

// affineOf is the affine form of in, some of whose operands depend on x.
func affineOf(in *ir.Instr, form func(ir.Value) affine, val func(n int) interval) affine {
	a := func(n int) affine { return form(in.Args[n]) }
	for n := range in.Args {
		if !(in.Op == ir.OpSelect && n == 0) && !a(n).ok {
			return a(n)
		}
	}
	bad := affine{why: fmt.Sprintf("%s of it", in.Op)}
	// scale is f times an interval k, or f divided by it.
	scale := func(f affine, k interval, op ir.Op) affine {
		if !k.known {
			return bad
		}
		g := func(i interval) interval {
			return intervalOf(op, func(n int) interval { return []interval{i, k}[n] })
		}
		c, d := g(f.c), g(f.d)
		if !c.known {
			return bad // a divisor that may be 0
		}
		return affine{c: c, d: d, ok: true}
	}
	dep := func(n int) bool { return a(n).c != point(0) }
	switch in.Op {
	case ir.OpConvert:
		return a(0)
	case ir.OpAdd, ir.OpSub:
		both := func(x, y interval) interval {
			return intervalOf(in.Op, func(n int) interval { return []interval{x, y}[n] })
		}
		return affine{c: both(a(0).c, a(1).c), d: both(a(0).d, a(1).d), ok: true}
	case ir.OpNeg:
		return scale(a(0), point(-1), ir.OpMul)
	case ir.OpMul:
		switch {
		case !dep(0):
			return scale(a(1), val(0), ir.OpMul)
		case !dep(1):
			return scale(a(0), val(1), ir.OpMul)
		}
	case ir.OpDiv:
		if !dep(1) {
			return scale(a(0), val(1), ir.OpDiv)
		}
	case ir.OpMin, ir.OpMax, ir.OpSelect:
		// A clip or a reset (an arm independent of x) and a hold (x
		// itself, refractoriness) add no rounding noise and end none:
		// between them x follows its other arms.
		first := 0
		if in.Op == ir.OpSelect {
			first = 1
		}
		var arms, all []affine
		for n := first; n < len(in.Args); n++ {
			all = append(all, a(n))
			if f := a(n); dep(n) && !(f.c == point(1) && f.d == point(0)) {
				arms = append(arms, f)
			}
		}
		if len(arms) == 0 {
			arms = all
		}
		r := arms[0]
		for _, f := range arms[1:] {
			r.c, r.d = r.c.union(f.c), r.d.union(f.d)
		}
		return r
	}
	return bad
}

// chooseWidth is the width --quantize=fixed gives a variable that took
// the values r and whose kernels store st (nil: only init sets it), and
// why, for the module's note. It is the fewest bits of fixedWidths that
// hold r's largest magnitude and meet the rule of the variable's kind.
func chooseWidth(r interval, st *storeForms, steps int64) (int, string) {
	span, mag := r.hi-r.lo, max(math.Abs(r.lo), math.Abs(r.hi))
	lsb := func(w int) float64 { return math.Ldexp(1, -int(formatOf(r, uint8(w)).Frac)) }
	holds := func(w int) bool { return mag < math.Ldexp(1, w-1) }
	// first is the fewest bits that hold mag and for which ok holds;
	// without one, the fewest with the finest LSB (formats have at most
	// fixed.MaxFrac fraction bits, so more bits may not be finer).
	first := func(ok func(w int) bool) (int, bool) {
		best := fixedWidths[len(fixedWidths)-1]
		for _, w := range fixedWidths {
			if holds(w) && ok(w) {
				return w, true
			}
		}
		for _, w := range slices.Backward(fixedWidths) {
			if holds(w) && lsb(w) == lsb(best) {
				best = w
			}
		}
		return best, false
	}
	// fewer is the width before w, if it holds mag: the figure there
	// says why w was needed.
	fewer := func(w int) (int, bool) {
		n := slices.Index(fixedWidths, w)
		if n < 1 || !holds(fixedWidths[n-1]) {
			return 0, false
		}
		return fixedWidths[n-1], true
	}
	pct := func(x float64) string { return fmt.Sprintf("%.2g%%", 100*x) }
	var c, d interval
	var events bool
	if st != nil {
		fs := st.step
		if len(fs) == 0 {
			fs, events = st.event, true
		}
		for n, f := range fs {
			if !f.ok {
				return fallbackWidth, fmt.Sprintf("its stores are not bounded (%s): %d bits, the fallback", f.why, fallbackWidth)
			}
			if n == 0 {
				c, d = f.c, f.d
			} else {
				c, d = c.union(f.c), d.union(f.d)
			}
		}
	}
	cmax := max(math.Abs(c.lo), math.Abs(c.hi))
	switch {
	case span == 0:
		// One value: exact, or held to noiseFraction of itself.
		exact := func(w int) bool { return math.Mod(mag, lsb(w)) == 0 }
		w, ok := first(func(w int) bool { return exact(w) || lsb(w)/2 <= noiseFraction*mag })
		how := "exact"
		if !exact(w) {
			how = "rounded by " + pct(lsb(w)/2/mag) + " of it"
		}
		return w, fmt.Sprintf("took one value, %.4g, %s at %d bits%s", r.lo, how, w, unmet(ok))
	case st == nil:
		// Set once per element (init, prepare): its spread resolved.
		w, ok := first(func(w int) bool { return lsb(w)/2 <= noiseFraction*span })
		return w, fmt.Sprintf("set once; rounding %s of its span at %d bits%s", pct(lsb(w)/2/span), w, unmet(ok))
	case !events && cmax < 1:
		// The variance after the run's n steps, (1 - c^2n) / (1 - c^2)
		// stores' worth: the stationary one unless the decay is slower
		// than the run.
		l := 2 * math.Log(cmax)
		stores := -math.Expm1(l) // 1 - c^2
		if steps > 0 {
			stores = math.Expm1(float64(steps)*l) / math.Expm1(l)
		} else {
			stores = 1 / stores
		}
		noise := func(w int) float64 { return lsb(w) * math.Sqrt(stores/6) / span }
		w, ok := first(func(w int) bool { return noise(w) <= noiseFraction })
		why := fmt.Sprintf("rounding noise %s of its span at %d bits", pct(noise(w)), w)
		if v, has := fewer(w); has {
			why += fmt.Sprintf(", %s at %d", pct(noise(v)), v)
		}
		decay := fmt.Sprintf("%.4g", cmax)
		if cmax > 0.999 {
			decay = fmt.Sprintf("1 - %.3g", 1-cmax) // 0.9999999 says little
		}
		return w, why + fmt.Sprintf(" (decay %s a step)%s", decay, unmet(ok))
	case cmax <= 1 && (events || c == point(1)) && d.known && max(math.Abs(d.lo), math.Abs(d.hi)) > 0:
		step := max(math.Abs(d.lo), math.Abs(d.hi))
		w, ok := first(func(w int) bool { return step >= minStepLSBs*lsb(w) })
		why := fmt.Sprintf("its largest step, %.3g, is %.0f LSBs at %d bits", step, step/lsb(w), w)
		if v, has := fewer(w); has {
			why += fmt.Sprintf(", %.1f at %d", step/lsb(v), v)
		}
		return w, why + unmet(ok)
	}
	return fallbackWidth, fmt.Sprintf("neither decays nor steps by a bounded amount: %d bits, the fallback", fallbackWidth)
}

// unmet says that no width met the rule.
func unmet(ok bool) string {
	if ok {
		return ""
	}
	return " (short of the rule at every width; more bits are not finer)"
}
