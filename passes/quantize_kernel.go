// The quantize pass, step 3: rewriting the kernels (quantize.go's header
// gives the order of the steps).
//
// With every variable's format chosen (quantize_formats.go), kernel
// rewrites each kernel: a straight-line per-step or event kernel is
// computed in fixed point, each value's format from its interval
// (intervalOf), its dithered stores queued for their streams
// (quantize_dither.go); any other kernel keeps floating point and
// converts at its loads and stores (boundary).

package passes

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

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
		if last := arg(sub.Args[1], ir.OpLoad); last != nil && last.VarName() == TraceClock {
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

// isArithmetic reports whether a kernel is computed in fixed point when
// straight-line: the arithmetic kernels and a synapse's pathways
// (on_pre.NAME), which are on_pre delivered after their own delays.
func isArithmetic(name string) bool {
	return arithmetic[name] || strings.HasPrefix(name, "on_pre.")
}

// kernel rewrites one kernel of owner (as the source names it); segments
// is the count of a dendrite array's segments for one of its kernels.
func (q *quantizer) kernel(owner string, k *ir.Kernel, segments int) {
	stores := map[string]int{} // the dithered stores of each variable so far
	if !isArithmetic(k.Name) || len(k.Blocks) != 1 {
		q.boundary(k)
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
			if v := in.Var(); v != nil && v.Uniform && !v.Runtime && v.DrivenBy == nil {
				iv[in] = point(v.Value)
			} else if r, ok := q.params[v]; ok {
				iv[in] = r
			} else if v != nil && v.Range != nil {
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpLoad:
			if v := fixedVar(in); v != nil {
				in.Typ = v.Type
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpLoadSeg:
			in.Args[0] = get(in.Args[0])
			if v := fixedVar(in); v != nil {
				in.Typ = v.Type
				iv[in] = interval{v.Range[0], v.Range[1], true}
			}
			emit(in)
			continue
		case ir.OpStore, ir.OpStoreSeg:
			x := len(in.Args) - 1 // the value; a storeseg's segment comes first
			v := fixedVar(in)
			if in.Op == ir.OpStoreSeg {
				in.Args[0] = get(in.Args[0])
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

// fixedVar is the fixed-point variable a load, store, loadseg or
// storeseg reaches (a dendrite array's state for the last two), or nil.
func fixedVar(in *ir.Instr) *ir.Var {
	switch in.Op {
	case ir.OpLoad, ir.OpStore, ir.OpLoadSeg, ir.OpStoreSeg:
		if v := in.Var(); v != nil && v.Type.Kind == ir.Fixed {
			return v
		}
	}
	return nil
}

// boundary keeps a kernel in floating point, converting at its loads and
// stores of fixed-point variables.
func (q *quantizer) boundary(k *ir.Kernel) {
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
			if v := fixedVar(in); v != nil {
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
				if v := fixedVar(in); v != nil {
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
