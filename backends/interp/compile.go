package interp

import (
	"fmt"
	"math"

	"snnc/ir"
	"snnc/runtime/mathfn"
)

// A kernel is compiled once, before the first step, into two forms:
//
//   - a scalar program: one Go closure per instruction, run for one element
//     at a time with a frame of registers. Every kernel has one; it is the
//     only form for kernels with control flow, and the one used for events
//     (on_pre, on_post, on_spike, reset).
//   - a vector program, for straight-line kernels that write only their own
//     element's variables (update, threshold, init, prepare, a current's
//     value): each instruction is a loop over a batch of elements, and
//     values that are the same for every element (constants, uniform
//     parameters, time) are computed once per batch. This is what makes
//     the neuron update fast: a few nanoseconds per neuron instead of a
//     closure call per instruction and neuron.
//
// Both forms compute every instruction with the same Go expression, so
// they give the same bits.

// cell is the storage of one variable: an array with one value per
// element, or one uniform value.
type cell struct {
	v   *ir.Var
	arr []float64
	val float64
}

// access is how a kernel reaches a name: its cell, and which element's
// value in it (ir.Index, from the verifier's scope).
type access struct {
	c   *cell
	idx ir.Index
}

// env is what a kernel sees beyond the variables its instructions'
// ir.Refs reach: how its elements are indexed.
type env struct {
	s *sim
	// decayed reads a synapse trace decayed to the current step, by
	// synapse: for monitors' kernels, which must not store the decay.
	decayed map[*ir.Var]func(syn int32) float64
	ref     []int64 // the population's end of refractoriness, by neuron
}

// frame is the state of one scalar run: registers, and the indices of the
// element: e the element, i its neuron (or a synapse's pre neuron), j a
// synapse's post neuron, js a synapse's post segment element.
type frame struct {
	r     []float64
	e     int
	i, j  int
	js    int
	k     int64
	t     float64
	ret   float64
	stamp uint64 // the element index of rand draws
}

type sblock struct {
	code []func(*frame)
	term func(*frame) int // the next block, or -1 at ret
}

// sprog is a kernel's scalar program.
type sprog struct {
	name   string
	nregs  int
	blocks []sblock
}

func (p *sprog) run(f *frame) {
	for b := 0; b >= 0; {
		blk := &p.blocks[b]
		for _, c := range blk.code {
			c(f)
		}
		b = blk.term(f)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// number maps each value of a kernel to a register.
func number(k *ir.Kernel) (map[ir.Value]int, int) {
	regs := map[ir.Value]int{}
	for _, b := range k.Blocks {
		for _, p := range b.Params {
			regs[p] = len(regs)
		}
		for _, in := range b.Instrs {
			if in.HasResult() {
				regs[in] = len(regs)
			}
		}
	}
	return regs, len(regs)
}

// lookup returns the storage a param, load or store reaches, from the
// instruction's ir.Ref.
func (e *env) lookup(in *ir.Instr) (access, error) {
	r := in.Ref()
	if r == nil || r.Var == nil || e.s.cellOf[r.Var] == nil {
		return access{}, fmt.Errorf("%s: no variable %q here", in.Op, in.VarName())
	}
	return access{e.s.cellOf[r.Var], r.Reach}, nil
}

// decayedRead returns the reader of a synapse trace a monitor's kernel
// reads decayed, or nil.
func (e *env) decayedRead(in *ir.Instr) func(int32) float64 {
	if r := in.Ref(); r != nil {
		return e.decayed[r.Var]
	}
	return nil
}

// compileScalar compiles a kernel into closures.
func (e *env) compileScalar(k *ir.Kernel) (*sprog, error) {
	regs, n := number(k)
	p := &sprog{name: k.Name, nregs: n, blocks: make([]sblock, len(k.Blocks))}
	index := map[*ir.Block]int{}
	for bi, b := range k.Blocks {
		index[b] = bi
	}
	for bi, b := range k.Blocks {
		blk := &p.blocks[bi]
		for _, in := range b.Instrs {
			if in.Op.Info().Terminator {
				t, err := e.terminator(in, regs, index)
				if err != nil {
					return nil, err
				}
				blk.term = t
				continue
			}
			c, err := e.scalarInstr(in, regs)
			if err != nil {
				return nil, err
			}
			if c != nil {
				blk.code = append(blk.code, c)
			}
		}
	}
	return p, nil
}

func (e *env) terminator(in *ir.Instr, regs map[ir.Value]int, index map[*ir.Block]int) (func(*frame) int, error) {
	// A branch copies its arguments into the target's parameters; it
	// reads them all before writing any, as a parallel copy must.
	jump := func(t *ir.Target) func(*frame) int {
		to := index[t.Block]
		var src, dst []int
		for n, a := range t.Args {
			src = append(src, regs[a])
			dst = append(dst, regs[t.Block.Params[n]])
		}
		if len(src) == 0 {
			return func(*frame) int { return to }
		}
		tmp := make([]float64, len(src))
		return func(f *frame) int {
			for n, s := range src {
				tmp[n] = f.r[s]
			}
			for n, d := range dst {
				f.r[d] = tmp[n]
			}
			return to
		}
	}
	switch in.Op {
	case ir.OpRet:
		if len(in.Args) == 0 {
			return func(*frame) int { return -1 }, nil
		}
		a := regs[in.Args[0]]
		return func(f *frame) int { f.ret = f.r[a]; return -1 }, nil
	case ir.OpBr:
		return jump(in.Targets[0]), nil
	case ir.OpCondBr:
		c := regs[in.Args[0]]
		yes, no := jump(in.Targets[0]), jump(in.Targets[1])
		return func(f *frame) int {
			if f.r[c] != 0 {
				return yes(f)
			}
			return no(f)
		}, nil
	}
	return nil, fmt.Errorf("%s is not a terminator", in.Op)
}

// reader returns how to read an access in a scalar frame.
func reader(a access) func(f *frame) float64 {
	c := a.c
	if c.arr == nil {
		return func(*frame) float64 { return c.val }
	}
	arr := c.arr
	switch a.idx {
	case ir.IndexNeuron:
		return func(f *frame) float64 { return arr[f.i] }
	case ir.IndexPost:
		return func(f *frame) float64 { return arr[f.j] }
	case ir.IndexPostSegment:
		return func(f *frame) float64 { return arr[f.js] }
	case ir.IndexGlobal:
		return func(*frame) float64 { return arr[0] }
	}
	return func(f *frame) float64 { return arr[f.e] }
}

func (e *env) scalarInstr(in *ir.Instr, regs map[ir.Value]int) (func(*frame), error) {
	d := regs[in]
	arg := func(n int) int { return regs[in.Args[n]] }
	if hasFixed(in) {
		if fn, err := fixedInstr(in, d, arg, e.s.rng, e.s.dt); fn != nil || err != nil {
			return fn, err
		}
	}
	switch in.Op {
	case ir.OpConst:
		var x float64
		switch v := in.Aux.(type) {
		case float64:
			x = v
		case bool:
			x = b2f(v)
		}
		return func(f *frame) { f.r[d] = x }, nil
	case ir.OpParam, ir.OpLoad:
		if rd := e.decayedRead(in); rd != nil {
			return func(f *frame) { f.r[d] = rd(int32(f.e)) }, nil
		}
		a, err := e.lookup(in)
		if err != nil {
			return nil, err
		}
		if a.c.arr != nil && a.idx == ir.IndexElement {
			arr := a.c.arr
			return func(f *frame) { f.r[d] = arr[f.e] }, nil
		}
		rd := reader(a)
		return func(f *frame) { f.r[d] = rd(f) }, nil
	case ir.OpLoadSeg:
		at, err := e.segment(in, arg(0))
		if err != nil {
			return nil, err
		}
		arr := e.s.cellOf[in.Ref().Var].arr
		return func(f *frame) { f.r[d] = arr[at(f)] }, nil
	case ir.OpStoreSeg:
		at, err := e.segment(in, arg(0))
		if err != nil {
			return nil, err
		}
		arr, x := e.s.cellOf[in.Ref().Var].arr, arg(1)
		return func(f *frame) { arr[at(f)] = f.r[x] }, nil
	case ir.OpStore:
		a, err := e.lookup(in)
		if err != nil {
			return nil, err
		}
		if a.c.arr == nil {
			return nil, fmt.Errorf("store to %q, which has no per-element storage", in.VarName())
		}
		arr, x := a.c.arr, arg(0)
		switch a.idx {
		case ir.IndexElement:
			return func(f *frame) { arr[f.e] = f.r[x] }, nil
		case ir.IndexNeuron:
			return func(f *frame) { arr[f.i] = f.r[x] }, nil
		case ir.IndexPost:
			return func(f *frame) { arr[f.j] = f.r[x] }, nil
		case ir.IndexPostSegment:
			return func(f *frame) { arr[f.js] = f.r[x] }, nil
		case ir.IndexGlobal:
			return func(f *frame) { arr[0] = f.r[x] }, nil
		}
	case ir.OpTime:
		return func(f *frame) { f.r[d] = f.t }, nil
	case ir.OpIndex:
		if in.Aux == "j" {
			return func(f *frame) { f.r[d] = float64(f.j) }, nil
		}
		return func(f *frame) { f.r[d] = float64(f.i) }, nil
	case ir.OpRefract:
		ref := e.ref
		if ref == nil {
			return func(f *frame) { f.r[d] = 0 }, nil
		}
		return func(f *frame) { f.r[d] = b2f(f.k < ref[f.i]) }, nil
	case ir.OpStartRef:
		ref, dt, c, p := e.ref, e.s.dt, arg(0), arg(1)
		if ref == nil {
			return nil, fmt.Errorf("startref in a kernel without refractoriness")
		}
		return func(f *frame) {
			if f.r[c] != 0 {
				startRefractory(ref, f.i, f.k, f.r[p], dt)
			}
		}, nil
	case ir.OpData:
		return e.data(in, d)
	case ir.OpTable:
		tb := e.s.m.TableNamed(in.VarName())
		if tb == nil {
			return nil, fmt.Errorf("no table %s", in.VarName())
		}
		x := arg(0)
		if len(in.Args) == 1 {
			return func(f *frame) { f.r[d] = tb.At(f.r[x], 0) }, nil
		}
		col := arg(1)
		return func(f *frame) { f.r[d] = tb.At(f.r[x], f.r[col]) }, nil
	case ir.OpRand:
		ra := in.Aux.(ir.RandAux)
		src, stream := e.s.rng, uint32(ra.Stream)
		if pairDist(ra.Dist) {
			return e.pairDraw(in, d, arg)
		}
		switch ra.Dist {
		case "uniform":
			a, b := arg(0), arg(1)
			return func(f *frame) { f.r[d] = src.Uniform(stream, uint64(f.k), f.stamp, f.r[a], f.r[b]) }, nil
		case "normal":
			a, b := arg(0), arg(1)
			return func(f *frame) { f.r[d] = src.Normal(stream, uint64(f.k), f.stamp, f.r[a], f.r[b]) }, nil
		case "normal_quad":
			a, b := arg(0), arg(1)
			return func(f *frame) { f.r[d] = src.NormalQuad(stream, uint64(f.k), f.stamp, f.r[a], f.r[b]) }, nil
		case "exponential":
			a := arg(0)
			return func(f *frame) { f.r[d] = src.Exponential(stream, uint64(f.k), f.stamp, f.r[a]) }, nil
		}
		return nil, fmt.Errorf("unknown distribution %q", ra.Dist)
	case ir.OpSelect:
		c, a, b := arg(0), arg(1), arg(2)
		return func(f *frame) {
			if f.r[c] != 0 {
				f.r[d] = f.r[a]
			} else {
				f.r[d] = f.r[b]
			}
		}, nil
	case ir.OpConvert:
		if in.Typ != ir.TF64 && in.Typ != in.Args[0].Type() {
			return nil, fmt.Errorf("convert to %s is not supported by the interpreter yet", in.Typ)
		}
		a := arg(0)
		return func(f *frame) { f.r[d] = f.r[a] }, nil
	case ir.OpODE:
		return nil, fmt.Errorf("ode %s was not discretised", in.Aux.(ir.ODEAux).Var)
	}
	if fn := unary(in.Op); fn != nil {
		a := arg(0)
		switch in.Op {
		case ir.OpNeg:
			return func(f *frame) { f.r[d] = -f.r[a] }, nil
		}
		return func(f *frame) { f.r[d] = fn(f.r[a]) }, nil
	}
	if fn := binary(in.Op); fn != nil {
		a, b := arg(0), arg(1)
		switch in.Op {
		case ir.OpAdd:
			return func(f *frame) { f.r[d] = f.r[a] + f.r[b] }, nil
		case ir.OpSub:
			return func(f *frame) { f.r[d] = f.r[a] - f.r[b] }, nil
		case ir.OpMul:
			return func(f *frame) { f.r[d] = f.r[a] * f.r[b] }, nil
		case ir.OpDiv:
			return func(f *frame) { f.r[d] = f.r[a] / f.r[b] }, nil
		}
		return func(f *frame) { f.r[d] = fn(f.r[a], f.r[b]) }, nil
	}
	return nil, fmt.Errorf("op %s is not supported by the interpreter", in.Op)
}

// unary and binary are the element-wise ops as functions of float64s;
// booleans are 0 and 1. The math functions are mathfn's, the one
// implementation every backend uses.
func unary(op ir.Op) func(float64) float64 {
	switch op {
	case ir.OpNeg:
		return func(x float64) float64 { return -x }
	case ir.OpExp:
		return mathfn.Exp
	case ir.OpLog:
		return mathfn.Log
	case ir.OpLog10:
		return mathfn.Log10
	case ir.OpSqrt:
		return math.Sqrt
	case ir.OpSin:
		return mathfn.Sin
	case ir.OpCos:
		return mathfn.Cos
	case ir.OpTanh:
		return mathfn.Tanh
	case ir.OpExprel:
		return mathfn.Exprel
	case ir.OpAbs:
		return math.Abs
	case ir.OpFloor:
		return math.Floor
	case ir.OpCeil:
		return math.Ceil
	case ir.OpSign:
		return mathfn.Sign
	case ir.OpNot:
		return func(x float64) float64 { return b2f(x == 0) }
	}
	return nil
}

func binary(op ir.Op) func(x, y float64) float64 {
	switch op {
	case ir.OpAdd:
		return func(x, y float64) float64 { return x + y }
	case ir.OpSub:
		return func(x, y float64) float64 { return x - y }
	case ir.OpMul:
		return func(x, y float64) float64 { return x * y }
	case ir.OpDiv:
		return func(x, y float64) float64 { return x / y }
	case ir.OpRem:
		return math.Mod
	case ir.OpMin:
		return mathfn.Min
	case ir.OpMax:
		return mathfn.Max
	case ir.OpPow:
		return mathfn.Pow
	case ir.OpLt:
		return func(x, y float64) float64 { return b2f(x < y) }
	case ir.OpLe:
		return func(x, y float64) float64 { return b2f(x <= y) }
	case ir.OpGt:
		return func(x, y float64) float64 { return b2f(x > y) }
	case ir.OpGe:
		return func(x, y float64) float64 { return b2f(x >= y) }
	case ir.OpEq:
		return func(x, y float64) float64 { return b2f(x == y) }
	case ir.OpNe:
		return func(x, y float64) float64 { return b2f(x != y) }
	case ir.OpAnd:
		return func(x, y float64) float64 { return b2f(x != 0 && y != 0) }
	case ir.OpOr:
		return func(x, y float64) float64 { return b2f(x != 0 || y != 0) }
	}
	return nil
}

// runError is a model error found while running (a segment index out of
// range): kernels panic with it, and Run turns it into an error.
type runError struct{ msg string }

// segment returns where a loadseg or storeseg finds its segment in the
// array of its variable: the segment in register s, of the element's
// neuron (a synapse's post neuron for post.dendrite.x); a segment out of
// range stops the run.
func (e *env) segment(in *ir.Instr, s int) (func(f *frame) int, error) {
	r := in.Ref()
	if r == nil || r.Var == nil || e.s.cellOf[r.Var] == nil {
		return nil, fmt.Errorf("%s: no segment variable %q here", in.Op, in.VarName())
	}
	count, post := r.Segments.Count, r.Segments.Post
	return func(f *frame) int {
		seg := f.r[s]
		if !(seg >= 0 && seg < float64(count)) {
			panic(runError{fmt.Sprintf("segment %g of %s is out of range [0, %d)", seg, in.VarName(), count)})
		}
		n := f.i
		if post {
			n = f.j
		}
		return n*count + int(seg)
	}, nil
}
