package passes

import (
	"fmt"
	"math"
	"slices"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// Quantize turns a model's state and arithmetic into fixed point of
// m.Run.Quantize bits (runtime/fixed; spec/passes.md, "quantize"); with
// 0 it does nothing.
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
	// The widest of --quantize's width and the variables' annotations
	// is the constants' width (and half the accumulators').
	width := m.Run.Quantize
	m.Vars(func(v *ir.Var) { width = max(width, v.Quantize) })
	if width == 0 {
		return nil
	}
	if width < 2 || width > fixed.MaxWidth {
		return fmt.Errorf("quantize: %d bits; the widths are 2 to %d", width, fixed.MaxWidth)
	}
	q := &quantizer{m: m, width: uint8(width), noted: map[string]bool{}, stream: ditherStreams}
	q.formats()
	q.driven = map[*ir.Var]bool{}
	for _, c := range m.Currents {
		for _, p := range m.Populations {
			if p.Name == c.Population {
				q.driven[ir.VarNamed(p.Vars, c.Param)] = true
			}
		}
	}
	scopes := ir.Scopes(m)
	m.Kernels(func(owner string, k *ir.Kernel) {
		q.kernel(owner, k, scopes[k])
		k.Number()
	})
	return nil
}

type quantizer struct {
	m      *ir.Module
	width  uint8
	noted  map[string]bool
	stream int              // the next dither stream
	driven map[*ir.Var]bool // the parameters currents set
}

// ditherStreams is the first random stream of the dithered stores: above
// the kernels' own, below the runtime's (runtime.md).
const ditherStreams = 0x4000_0000

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

// formats gives every state variable and trace its format.
func (q *quantizer) formats() {
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
	set := func(owner string, vars []*ir.Var) {
		for _, v := range vars {
			// Time (a synapse's last event) stays floating point.
			if v.Kind == ir.VarParam || v.Type != ir.TF64 || v.Name == "trace.tlast" {
				continue
			}
			r := interval{}
			if x, ok := q.m.Run.Ranges[owner+"."+v.Name]; ok {
				r = interval{x[0], x[1], true}
			} else if v.Range != nil {
				r = interval{v.Range[0], v.Range[1], true}
			}
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
			// Headroom beyond what the calibration saw: half the range
			// on each side for the intervals, and one bit for the format.
			margin := (r.hi - r.lo) / 2
			v.Type = formatOf(r, uint8(w))
			v.Range = &[2]float64{r.lo - margin, r.hi + margin}
		}
	}
	byName := map[string]*ir.Population{}
	for _, p := range q.m.Populations {
		byName[p.Name] = p
		if g := byName[p.Group]; p.Group != "" && g != nil {
			// A group's member shares the group's storage, so its format.
			for _, v := range p.Vars {
				if gv := ir.VarNamed(g.Vars, v.Name); gv != nil && v.Kind != ir.VarParam {
					v.Type, v.Range = gv.Type, gv.Range
				}
			}
			continue
		}
		set(p.Name, p.Vars)
		for _, d := range p.Dendrites {
			set(p.Name+"."+d.Name, d.Vars)
		}
	}
	for _, pr := range q.m.Projections {
		set(pr.Name, pr.Vars)
	}
}

// arithmetic kernels are computed in fixed point when straight-line.
var arithmetic = map[string]bool{"update": true, "threshold": true, "reset": true, "step": true, "on_pre": true, "on_post": true}

// kernel rewrites one kernel.
func (q *quantizer) kernel(owner string, k *ir.Kernel, sc *ir.Names) {
	if sc == nil {
		return
	}
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
	for _, in := range b.Instrs {
		anyFixed := slices.ContainsFunc(in.Args, func(a ir.Value) bool { return get(a).Type().Kind == ir.Fixed })
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				iv[in] = point(c)
			}
			emit(in)
			continue
		case ir.OpParam:
			// A runtime parameter (--set) or one a current sets has no
			// value known here.
			if v := sc.Vars[in.VarName()]; v != nil && v.Uniform && !v.Runtime && !q.driven[v] {
				iv[in] = point(v.Value)
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
					c.Aux = ir.Dither{Stream: q.stream}
					q.stream++
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
		if !anyFixed {
			for n := range in.Args {
				in.Args[n] = get(in.Args[n])
			}
			emit(in)
			continue
		}
		// An operation that meets fixed point.
		a := func(n int) interval { return iv[in.Args[n]] }
		var r interval
		switch in.Op {
		case ir.OpAdd:
			r = interval{a(0).lo + a(1).lo, a(0).hi + a(1).hi, a(0).known && a(1).known}
		case ir.OpSub:
			r = interval{a(0).lo - a(1).hi, a(0).hi - a(1).lo, a(0).known && a(1).known}
		case ir.OpMul:
			x, y := a(0), a(1)
			p := []float64{x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi}
			r = interval{slices.Min(p), slices.Max(p), x.known && y.known}
		case ir.OpDiv:
			x, y := a(0), a(1)
			if y.known && (y.lo > 0 || y.hi < 0) {
				p := []float64{x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi}
				r = interval{slices.Min(p), slices.Max(p), x.known}
			}
		case ir.OpNeg:
			r = interval{-a(0).hi, -a(0).lo, a(0).known}
		case ir.OpAbs:
			x := a(0)
			r = interval{0, max(math.Abs(x.lo), math.Abs(x.hi)), x.known}
		case ir.OpMin, ir.OpMax, ir.OpSelect:
			n := 0
			if in.Op == ir.OpSelect {
				n = 1
			}
			r = a(n).union(a(n + 1))
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
