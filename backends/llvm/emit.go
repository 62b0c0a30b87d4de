package llvm

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/ir"
	"snnc/runtime/fixed"
	"snnc/runtime/rng"

	ll "github.com/llir/llvm/ir"
)

// The element kinds a kernel runs over; they say how an element finds its
// neuron (see snnrt.h).
type elemKind uint8

const (
	elemNeuron  elemKind = iota // populations, currents, inputs: i is the element
	elemSegment                 // a dendrite's segments: i = element / count
	elemSynapse                 // a projection's synapses: i, j from its pre and post arrays
	elemGlobal                  // a global: element 0
)

// site describes the elements of one kernel.
type site struct {
	kind  elemKind
	count int  // segments per neuron for elemSegment
	proj  int  // the projection's index for elemSynapse
	pop   int  // the population whose refractoriness `refractory` reads, or -1
	stamp bool // random draws are keyed by c->stamp (a global's on_spike)
	// decay: loads of synapse traces are decayed to the current step
	// (a monitor's kernel, which must not store the decay).
	decay bool
}

// emitter writes the kernels of one module as LLVM functions.
type emitter struct {
	l      *layout
	dt     float64 // the run's time step, for startref
	mod    *ll.Module
	ctx    types.Type // %snn_ctx
	ctxPtr *types.PointerType
	funcs  map[string]*ll.Func // runtime functions by name
	// preUsed holds the projections (by index) one of whose kernels reads
	// a synapse's pre neuron (ctx.pre): the runtime makes the pre array
	// of those only (snn_projection.needs_pre).
	preUsed map[int]bool
	// mpi: a build for MPI ranks (Options.MPI). A rank holds some of a
	// projection's synapses, numbered from 0; what is keyed by a
	// synapse's index (random draws, dithering, a data array by synapse)
	// takes its index in the whole projection from ctx.key[proj], and
	// keyUsed holds the projections that need it (snn_projection.needs_key).
	mpi     bool
	keyUsed map[int]bool
}

var (
	f64    = types.Double
	i64    = types.I64
	i32    = types.I32
	i1     = types.I1
	f64p   = types.NewPointer(types.Double)
	f64pp  = types.NewPointer(types.NewPointer(types.Double))
	i64p   = types.NewPointer(types.I64)
	i64pp  = types.NewPointer(types.NewPointer(types.I64))
	i32p   = types.NewPointer(types.I32)
	i32pp  = types.NewPointer(types.NewPointer(types.I32))
	i8p    = types.NewPointer(types.I8)
	zero64 = constant.NewInt(types.I64, 0)
)

// ctx field numbers, as struct snn_ctx in snnrt.h.
const (
	ctxVar = iota
	ctxRef
	ctxPre
	ctxPost
	ctxJS
	ctxStep
	ctxT
	ctxSeed
	ctxStamp
	ctxKey
)

func newEmitter(l *layout, dt float64) *emitter {
	e := &emitter{l: l, dt: dt, mod: ll.NewModule(), funcs: map[string]*ll.Func{}, preUsed: map[int]bool{}, keyUsed: map[int]bool{}}
	e.ctx = e.mod.NewTypeDef("snn_ctx", types.NewStruct(f64pp, i64pp, i32pp, i32pp, i32pp, i64, f64, i64, i64, i64pp))
	e.ctxPtr = types.NewPointer(e.ctx)
	declare := func(name string, ret types.Type, params ...types.Type) {
		var ps []*ll.Param
		for n, t := range params {
			ps = append(ps, ll.NewParam("p"+strconv.Itoa(n), t))
		}
		e.funcs[name] = e.mod.NewFunc(name, ret, ps...)
	}
	// The runtime's math functions that have no inline form yet; exp,
	// tanh, log, log10, min, max, sign, pow, rem, sin and cos are emitted
	// into the module (mathexp.go, mathexpm1.go, mathlog.go, mathminmax.go,
	// mathpow.go, mathrem.go, mathtrig.go).
	for _, name := range []string{"llvm.sqrt.f64", "llvm.fabs.f64", "llvm.floor.f64", "llvm.ceil.f64", "llvm.round.f64"} {
		declare(name, f64, f64)
	}
	declare("snn_uniform", f64, i64, i32, i64, i64, f64, f64)
	declare("snn_normal", f64, i64, i32, i64, i64, f64, f64)
	declare("snn_exponential", f64, i64, i32, i64, i64, f64)
	declare("snn_fail_segment", types.Void, f64, i64, i8p)
	// Fixed point is emitted as integer IR (fixed.go, philox.go), not
	// calls of runtime/c/fixed.c.
	return e
}

// inline returns the module's function name, defined by define on first
// use so that a module carries only the math it uses.
func (e *emitter) inline(name string, define func(*ll.Module) *ll.Func) *ll.Func {
	if f, ok := e.funcs[name]; ok {
		return f
	}
	f := define(e.mod)
	e.funcs[name] = f
	return f
}

// kernelFunc is the state of one kernel's translation.
type kernelFunc struct {
	e    *emitter
	site site
	f    *ll.Func
	c    value.Value // the context
	// Values loaded once in the entry block.
	entry               *ll.Block
	step, t, seed, stmp value.Value
	bases               map[int]value.Value // c->var[id]
	uniforms            map[int]value.Value // the value of a uniform variable
	ref                 value.Value
	preArr, postArr     value.Value
	keyArr              value.Value // ctx.key[proj] (emitter.mpi)
	jsArr               value.Value
	// Per element.
	el, i, j, js value.Value
	out          value.Value
	cur          *ll.Block // where instructions go now
	vals         map[ir.Value]value.Value
	blocks       map[*ir.Block]*ll.Block
	phis         map[*ir.BlockParam]*ll.InstPhi
	latch        *ll.Block
	after        *ll.Block // where ret goes: the latch
	strings      map[string]*ll.Global
	// drawsNormal is set when the kernel draws white noise (normal.go):
	// its loop is interleaved.
	drawsNormal bool
	// noiseBufs holds, per stream of a white-noise draw (normal_quad),
	// the scratch buffer its prefill loop fills for the current chunk of
	// elements, whose element noiseBase is the buffer's first
	// (prefillNoise).
	noiseBufs map[int]value.Value
	noiseBase value.Value
}

// kernel emits one kernel as `void NAME(%snn_ctx* c, i64 lo, i64 hi,
// double* out)`: a loop over the elements lo..hi-1 whose body is the
// kernel's blocks.
func (e *emitter) kernel(name string, k *ir.Kernel, s site) (string, error) {
	if k == nil {
		return "", nil
	}
	c, lo, hi, out := ll.NewParam("c", e.ctxPtr), ll.NewParam("lo", i64), ll.NewParam("hi", i64), ll.NewParam("out", f64p)
	f := e.mod.NewFunc(name, types.Void, c, lo, hi, out)
	kf := &kernelFunc{e: e, site: s, f: f, c: c, out: out,
		bases: map[int]value.Value{}, uniforms: map[int]value.Value{}, vals: map[ir.Value]value.Value{},
		blocks: map[*ir.Block]*ll.Block{}, phis: map[*ir.BlockParam]*ll.InstPhi{}}
	kf.entry = f.NewBlock("entry")
	head := f.NewBlock("head")
	body := f.NewBlock("element")
	kf.latch = f.NewBlock("next")
	kf.after = kf.latch
	exit := f.NewBlock("exit")
	for bi, b := range k.Blocks {
		kf.blocks[b] = f.NewBlock(fmt.Sprintf("b%d", bi))
	}
	// Everything the kernel reads that is the same for every element is
	// loaded once, before the loop.
	kf.prologue(k)
	// The element loop runs over lo..hi-1, or, where the kernel draws
	// white noise, over each chunk of them in turn after its draws are
	// prefilled.
	from, start, end, done := kf.entry, value.Value(lo), value.Value(hi), exit
	if streams := noiseStreams(k); len(streams) > 0 && !kf.site.stamp {
		if e.mpi && kf.site.kind == elemSynapse {
			return "", fmt.Errorf("%s: white noise per synapse cannot be built with --mpi yet (its draws are keyed by the synapse's index in the whole projection)", name)
		}
		from, start, end, done = kf.prefillNoise(streams, lo, hi, exit)
	}
	from.NewBr(head)
	elPhi := head.NewPhi(ll.NewIncoming(start, from))
	kf.el = elPhi
	head.NewCondBr(head.NewICmp(enum.IPredSLT, elPhi, end), body, done)
	kf.cur = body
	kf.indices()
	kf.cur.NewBr(kf.blocks[k.Blocks[0]])
	for _, b := range k.Blocks {
		for _, p := range b.Params {
			// llir takes a phi's type from its first incoming value;
			// the real ones are added as the branches are emitted.
			typ := kf.typ(p.Type())
			phi := kf.blocks[b].NewPhi(ll.NewIncoming(constant.NewUndef(typ), kf.entry))
			phi.Incs = nil
			kf.phis[p] = phi
			kf.vals[p] = phi
		}
	}
	for _, b := range k.Blocks {
		kf.cur = kf.blocks[b]
		for _, in := range b.Instrs {
			if err := kf.instr(in, lo); err != nil {
				return "", fmt.Errorf("%s: %v", name, err)
			}
		}
	}
	next := kf.latch.NewAdd(elPhi, constant.NewInt(i64, 1))
	back := kf.latch.NewBr(head)
	if kf.drawsNormal {
		interleaveNormalLoop(e.mod, back, normalInterleave, 0)
	}
	elPhi.Incs = append(elPhi.Incs, ll.NewIncoming(next, kf.latch))
	exit.NewRet(nil)
	// (A connect.* kernel runs on candidate pairs, with pre arrays of
	// its own, before the synapses exist: connect_expr.c.)
	if s.kind == elemSynapse && uses(f, kf.i) && k.Role != ir.RoleConnect {
		e.preUsed[s.proj] = true
	}
	return name, nil
}

// uses says whether an instruction or terminator of f has v as an operand.
func uses(f *ll.Func, v value.Value) bool {
	for _, b := range f.Blocks {
		users := []value.User{b.Term}
		for _, in := range b.Insts {
			users = append(users, in)
		}
		for _, u := range users {
			for _, op := range u.Operands() {
				if *op == v {
					return true
				}
			}
		}
	}
	return false
}

func (kf *kernelFunc) typ(t ir.Type) types.Type {
	switch t.Kind {
	case ir.Bool:
		return i1
	case ir.Fixed:
		return i64 // the raw integer (runtime/fixed)
	}
	return f64
}

// field loads a field of the context.
func (kf *kernelFunc) field(n int, t types.Type) value.Value {
	p := kf.entry.NewGetElementPtr(kf.e.ctx, kf.c, zero64, constant.NewInt(i32, int64(n)))
	return kf.entry.NewLoad(t, p)
}

// prologue loads what the loop reads: the step, time and seed, the base
// pointer of every variable the kernel touches, the value of every
// uniform one, and the index arrays of a projection.
func (kf *kernelFunc) prologue(k *ir.Kernel) {
	kf.step = kf.field(ctxStep, i64)
	kf.t = kf.field(ctxT, f64)
	kf.seed = kf.field(ctxSeed, i64)
	if kf.site.stamp {
		kf.stmp = kf.field(ctxStamp, i64)
	}
	vars := kf.field(ctxVar, f64pp)
	base := func(id int) value.Value {
		if b, ok := kf.bases[id]; ok {
			return b
		}
		p := kf.entry.NewGetElementPtr(f64p, vars, constant.NewInt(i64, int64(id)))
		b := kf.entry.NewLoad(f64p, p)
		kf.bases[id] = b
		return b
	}
	visit := func(in *ir.Instr) {
		switch in.Op {
		case ir.OpParam, ir.OpLoad, ir.OpStore:
			a, ok := kf.access(in)
			if !ok {
				return
			}
			b := base(a.id)
			if a.uniform {
				if _, done := kf.uniforms[a.id]; !done {
					kf.uniforms[a.id] = kf.entry.NewLoad(f64, b)
				}
			}
			if kf.site.decay && a.v.Kind == ir.VarTrace {
				if last := kf.proj().Clock(); last != nil {
					base(kf.e.l.ids[last])
				}
				if ta := a.v.TauParam; ta != nil {
					base(kf.e.l.ids[ta])
				}
			}
		case ir.OpLoadSeg, ir.OpStoreSeg:
			if sa, ok := kf.segAccess(in); ok {
				base(sa.id)
			}
		case ir.OpRefract, ir.OpStartRef:
			if kf.ref == nil && kf.site.pop >= 0 {
				refs := kf.field(ctxRef, i64pp)
				p := kf.entry.NewGetElementPtr(i64p, refs, constant.NewInt(i64, int64(kf.site.pop)))
				kf.ref = kf.entry.NewLoad(i64p, p)
			}
		}
	}
	k.Instrs(visit)
	if kf.site.kind == elemSynapse {
		arr := func(field int) value.Value {
			all := kf.field(field, i32pp)
			p := kf.entry.NewGetElementPtr(i32p, all, constant.NewInt(i64, int64(kf.site.proj)))
			return kf.entry.NewLoad(i32p, p)
		}
		kf.preArr, kf.postArr = arr(ctxPre), arr(ctxPost)
		// Onto a dendrite array with state, a synapse reaches its own
		// segment of the post neuron's (ir.IndexPostSegment).
		if d := kf.proj().Dendrite; d != nil && d.Array && slices.ContainsFunc(d.Vars, func(v *ir.Var) bool { return v.Kind != ir.VarParam }) {
			kf.jsArr = arr(ctxJS)
		}
	}
}

// indices computes the element's neuron indices at the top of the body.
func (kf *kernelFunc) indices() {
	b := kf.cur
	switch kf.site.kind {
	case elemNeuron, elemGlobal:
		kf.i = kf.el
	case elemSegment:
		kf.i = b.NewSDiv(kf.el, constant.NewInt(i64, int64(kf.site.count)))
	case elemSynapse:
		load := func(arr value.Value) value.Value {
			return b.NewSExt(b.NewLoad(i32, b.NewGetElementPtr(i32, arr, kf.el)), i64)
		}
		kf.i, kf.j = load(kf.preArr), load(kf.postArr)
		if kf.jsArr != nil {
			kf.js = load(kf.jsArr)
		}
	}
}

// key is the element's index for what is keyed by it: its index in the
// whole projection for a synapse in an MPI build (ctx.key), else the
// element.
func (kf *kernelFunc) key() value.Value {
	if !kf.e.mpi || kf.site.kind != elemSynapse {
		return kf.el
	}
	if kf.keyArr == nil {
		all := kf.field(ctxKey, i64pp)
		kf.keyArr = kf.entry.NewLoad(i64p, kf.entry.NewGetElementPtr(i64p, all, constant.NewInt(i64, int64(kf.site.proj))))
	}
	kf.e.keyUsed[kf.site.proj] = true
	return kf.cur.NewLoad(i64, kf.cur.NewGetElementPtr(i64, kf.keyArr, kf.el))
}

// elemIndex is the index of an access for the current element.
func (kf *kernelFunc) elemIndex(idx ir.Index) value.Value {
	switch idx {
	case ir.IndexNeuron:
		return kf.i
	case ir.IndexPost:
		return kf.j
	case ir.IndexPostSegment:
		return kf.js
	case ir.IndexGlobal:
		return zero64
	}
	return kf.el
}

func (kf *kernelFunc) arg(in *ir.Instr, n int) value.Value { return kf.vals[in.Args[n]] }

func (kf *kernelFunc) call(name string, args ...value.Value) value.Value {
	return kf.cur.NewCall(kf.e.funcs[name], args...)
}

// exp emits e^x: a call of snn_exp_inline (mathexp.go), which opt
// inlines and the loop vectoriser can vectorise, where the runtime's
// snn_exp would stop it; both are runtime/mathfn.Exp bit for bit.
func (kf *kernelFunc) exp(x value.Value) value.Value {
	return kf.cur.NewCall(kf.e.inline(expInlineName, defineExp), x)
}

// cstring returns a pointer to a NUL-terminated constant string.
func (kf *kernelFunc) cstring(s string) value.Value {
	if kf.strings == nil {
		kf.strings = map[string]*ll.Global{}
	}
	g, ok := kf.strings[s]
	if !ok {
		g = kf.e.mod.NewGlobalDef(fmt.Sprintf(".str.%s.%d", kf.f.Name(), len(kf.strings)), constant.NewCharArrayFromString(s+"\x00"))
		g.Immutable = true
		kf.strings[s] = g
	}
	return constant.NewGetElementPtr(g.ContentType, g, zero64, zero64)
}

func (kf *kernelFunc) instr(in *ir.Instr, lo value.Value) error {
	b := kf.cur
	set := func(v value.Value) { kf.vals[in] = v }
	if in.Typ.Kind == ir.Fixed && ir.FixedOps[in.Op] {
		// The arithmetic the op table defines on fixed point; its other
		// fixed-point ops (const, load, convert, ...) are below.
		return kf.fixedArith(in)
	}
	switch in.Op {
	case ir.OpConst:
		switch c := in.Aux.(type) {
		case float64:
			if in.Typ.Kind == ir.Fixed {
				set(constant.NewInt(i64, fixed.Format{Width: in.Typ.Width, Frac: in.Typ.Frac}.FromFloat(c)))
				return nil
			}
			set(constant.NewFloat(f64, c))
		case bool:
			set(constant.NewBool(c))
		default:
			return fmt.Errorf("const of %T", in.Aux)
		}
	case ir.OpParam, ir.OpLoad:
		a, ok := kf.access(in)
		if !ok {
			return fmt.Errorf("no variable %q here", in.VarName())
		}
		if a.uniform {
			set(kf.uniforms[a.id])
			return nil
		}
		v := value.Value(b.NewLoad(f64, b.NewGetElementPtr(f64, kf.bases[a.id], kf.elemIndex(a.idx))))
		if kf.site.decay && a.v.Kind == ir.VarTrace && a.idx == ir.IndexElement {
			v = kf.decayed(a, v)
		}
		if in.Typ.Kind == ir.Fixed {
			// A fixed-point variable's array holds raw integers as doubles,
			// as the interpreter's does.
			v = rawFromDouble(b, v)
		}
		set(v)
	case ir.OpLoadSeg:
		p, err := kf.segment(in)
		if err != nil {
			return err
		}
		v := value.Value(kf.cur.NewLoad(f64, p))
		if in.Typ.Kind == ir.Fixed {
			v = rawFromDouble(kf.cur, v)
		}
		set(v)
	case ir.OpStoreSeg:
		p, err := kf.segment(in)
		if err != nil {
			return err
		}
		x := kf.arg(in, 1)
		if in.Args[1].Type().Kind == ir.Fixed {
			x = rawToDouble(kf.cur, x)
		}
		kf.cur.NewStore(x, p)
	case ir.OpStore:
		a, ok := kf.access(in)
		if !ok || a.uniform {
			return fmt.Errorf("store to %q, which has no per-element storage", in.VarName())
		}
		x := kf.arg(in, 0)
		if in.Args[0].Type().Kind == ir.Fixed {
			x = rawToDouble(b, x)
		}
		b.NewStore(x, b.NewGetElementPtr(f64, kf.bases[a.id], kf.elemIndex(a.idx)))
	case ir.OpTime:
		set(kf.t)
	case ir.OpIndex:
		x := kf.i
		if in.Aux == "j" {
			x = kf.j
		}
		set(b.NewSIToFP(x, f64))
	case ir.OpRefract:
		if kf.ref == nil {
			set(constant.False)
			return nil
		}
		end := b.NewLoad(i64, b.NewGetElementPtr(i64, kf.ref, kf.i))
		set(b.NewICmp(enum.IPredSLT, kf.step, end))
	case ir.OpStartRef:
		// If the condition holds and round(period / dt) > 1, the neuron
		// is refractory until step + min(that, 2^40), as the runtime
		// does for a separate refractory kernel. The store is behind a
		// branch: spikes are rare, and the vectoriser makes it a masked
		// store, where an unconditional one would write every neuron's
		// end each step.
		if kf.ref == nil {
			return fmt.Errorf("startref outside a population")
		}
		steps := kf.call("llvm.round.f64", b.NewFDiv(kf.arg(in, 1), constant.NewFloat(f64, kf.e.dt)))
		long := b.NewFCmp(enum.FPredOGT, steps, constant.NewFloat(f64, 1))
		most := constant.NewFloat(f64, 1<<40)
		capped := b.NewSelect(b.NewFCmp(enum.FPredOLT, steps, most), steps, most)
		end := b.NewAdd(kf.step, b.NewFPToSI(capped, i64))
		set, cont := kf.f.NewBlock(""), kf.f.NewBlock("")
		b.NewCondBr(b.NewAnd(kf.arg(in, 0), long), set, cont)
		set.NewStore(end, set.NewGetElementPtr(i64, kf.ref, kf.i))
		set.NewBr(cont)
		kf.cur = cont
	case ir.OpData:
		x, err := kf.data(in)
		if err != nil {
			return err
		}
		set(x)
	case ir.OpTable:
		x, err := kf.table(in)
		if err != nil {
			return err
		}
		set(x)
	case ir.OpRand:
		ra := in.Aux.(ir.RandAux)
		if pairDist(ra.Dist) {
			set(kf.pairDraw(in, ra))
			return nil
		}
		index := kf.key()
		if kf.site.stamp {
			index = kf.stmp
		}
		args := []value.Value{kf.seed, constant.NewInt(i32, int64(int32(uint32(ra.Stream)))), kf.step, index}
		for n := range in.Args {
			args = append(args, kf.arg(in, n))
		}
		switch ra.Dist {
		case "normal":
			// Inline (normal.go), so that a loop drawing white noise
			// vectorises; its log and cos are the kernels' own.
			kf.e.inline(logUnitInlineName, defineLogUnit)
			kf.e.inline(cosTurnInlineName, defineCosTurn)
			kf.drawsNormal = true
			set(b.NewCall(kf.e.inline(normalInlineName, defineNormal), args...))
		case "normal_quad":
			if buf, ok := kf.noiseBufs[ra.Stream]; ok {
				// Prefilled: this element's standard normal, then
				// mean + std*z as rng.Source.NormalQuad rounds it.
				z := b.NewFPExt(b.NewLoad(f32, b.NewGetElementPtr(f32, buf, b.NewSub(kf.el, kf.noiseBase))), f64)
				set(b.NewFAdd(args[4], b.NewFMul(args[5], z)))
				break
			}
			kf.e.inline(log32InlineName, defineLog32)
			kf.drawsNormal = true
			set(b.NewCall(kf.e.inline(normalQuadInlineName, defineNormalQuad), args...))
		case "uniform", "exponential":
			set(kf.call("snn_"+ra.Dist, args...))
		default:
			return fmt.Errorf("unknown distribution %q", ra.Dist)
		}
	case ir.OpNeg:
		set(b.NewFNeg(kf.arg(in, 0)))
	case ir.OpAdd:
		set(b.NewFAdd(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpSub:
		set(b.NewFSub(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpMul:
		set(b.NewFMul(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpDiv:
		set(b.NewFDiv(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpRem:
		// snn_rem_inline (mathrem.go): math.Mod's exact remainder without
		// a loop, vectorisable.
		set(b.NewCall(kf.e.inline(remInlineName, defineRem), kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpPow:
		// snn_pow_inline (mathpow.go), vectorisable as exp is.
		set(b.NewCall(kf.e.inline(powInlineName, definePow), kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpMin, ir.OpMax:
		// Emitted mathfn.Min/Max (mathminmax.go): selects that vectorise.
		f := kf.e.inline(minInlineName, defineMin)
		if in.Op == ir.OpMax {
			f = kf.e.inline(maxInlineName, defineMax)
		}
		set(b.NewCall(f, kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpSign:
		set(b.NewCall(kf.e.inline(signInlineName, defineSign), kf.arg(in, 0)))
	case ir.OpExp:
		set(kf.exp(kf.arg(in, 0)))
	case ir.OpTanh:
		// snn_tanh_inline (mathexpm1.go), vectorisable as exp is.
		set(kf.cur.NewCall(kf.e.inline(tanhInlineName, defineTanh), kf.arg(in, 0)))
	case ir.OpExprel:
		// snn_exprel_inline (mathexprel.go), on snn_expm1_inline.
		set(b.NewCall(kf.e.inline(exprelInlineName, defineExprel), kf.arg(in, 0)))
	case ir.OpLog:
		set(b.NewCall(kf.e.inline(logInlineName, defineLog), kf.arg(in, 0))) // mathlog.go
	case ir.OpLog10:
		set(b.NewCall(kf.e.inline(log10InlineName, defineLog10), kf.arg(in, 0)))
	case ir.OpSin:
		set(b.NewCall(kf.e.inline(sinInlineName, defineSin), kf.arg(in, 0))) // mathtrig.go
	case ir.OpCos:
		set(b.NewCall(kf.e.inline(cosInlineName, defineCos), kf.arg(in, 0)))
	case ir.OpSqrt, ir.OpAbs, ir.OpFloor, ir.OpCeil:
		// Exact operations: LLVM's intrinsics are correctly rounded.
		name := map[ir.Op]string{ir.OpSqrt: "llvm.sqrt.f64", ir.OpAbs: "llvm.fabs.f64", ir.OpFloor: "llvm.floor.f64", ir.OpCeil: "llvm.ceil.f64"}[in.Op]
		set(kf.call(name, kf.arg(in, 0)))
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		x, y := kf.arg(in, 0), kf.arg(in, 1)
		if in.Args[0].Type().Kind == ir.Fixed {
			// fixed.Cmp(x, y) PRED 0 is x PRED y, aligned.
			pred := map[ir.Op]enum.IPred{ir.OpLt: enum.IPredSLT, ir.OpLe: enum.IPredSLE, ir.OpGt: enum.IPredSGT,
				ir.OpGe: enum.IPredSGE, ir.OpEq: enum.IPredEQ, ir.OpNe: enum.IPredNE}[in.Op]
			set(fxCompare(b, pred, kf.fxArg(in, 0), formatOf(in.Args[0].Type()), kf.fxArg(in, 1), formatOf(in.Args[1].Type())))
			return nil
		}
		if in.Args[0].Type().Kind == ir.Bool {
			pred := enum.IPredEQ
			if in.Op == ir.OpNe {
				pred = enum.IPredNE
			}
			set(b.NewICmp(pred, x, y))
			return nil
		}
		// Ordered comparisons are false on NaN; != is true (une), as in Go.
		pred := map[ir.Op]enum.FPred{ir.OpLt: enum.FPredOLT, ir.OpLe: enum.FPredOLE, ir.OpGt: enum.FPredOGT,
			ir.OpGe: enum.FPredOGE, ir.OpEq: enum.FPredOEQ, ir.OpNe: enum.FPredUNE}[in.Op]
		set(b.NewFCmp(pred, x, y))
	case ir.OpAnd:
		set(b.NewAnd(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpOr:
		set(b.NewOr(kf.arg(in, 0), kf.arg(in, 1)))
	case ir.OpNot:
		set(b.NewXor(kf.arg(in, 0), constant.True))
	case ir.OpSelect:
		set(b.NewSelect(kf.arg(in, 0), kf.arg(in, 1), kf.arg(in, 2)))
	case ir.OpTraceDecay:
		// fixed.TraceDecay: n = round((t - tlast) / dt) steps, then
		// exp(-(n dt) / tau) rounded into the format.
		dt := constant.NewFloat(f64, kf.e.dt)
		n := kf.call("llvm.round.f64", b.NewFDiv(b.NewFSub(kf.t, kf.arg(in, 0)), dt))
		x := kf.exp(b.NewFDiv(b.NewFNeg(b.NewFMul(n, dt)), constant.NewFloat(f64, in.Aux.(float64))))
		set(kf.fxFromDouble(x, formatOf(in.Typ)))
	case ir.OpConvert:
		from, to, x := in.Args[0].Type(), in.Typ, kf.arg(in, 0)
		switch {
		case from == to:
			set(x)
		case from == ir.TF64 && to.Kind == ir.Fixed:
			set(kf.fxFromDouble(x, formatOf(to)))
		case from.Kind == ir.Fixed && to == ir.TF64:
			set(fxToDouble(b, kf.fxArg(in, 0), formatOf(from)))
		case from.Kind == ir.Fixed && to.Kind == ir.Fixed:
			if d, ok := in.Aux.(ir.Dither); ok {
				// The offset: the draw (seed, stream, step, element).
				var stream, el value.Value = constant.NewInt(i32, int64(d.Stream)), kf.key()
				if d.Segments > 0 {
					// A dendrite array's kernel: (stream + segment, neuron)
					// for the flat segment index (ir.Dither.Key).
					c := constant.NewInt(i64, int64(d.Segments))
					stream = b.NewAdd(stream, b.NewTrunc(b.NewURem(el, c), i32))
					el = b.NewUDiv(el, c)
				}
				bits := ditherBitsIR(b, kf.seed, stream, kf.step, el)
				set(fxDither(b, kf.fxArg(in, 0), formatOf(from), formatOf(to), bits))
			} else {
				set(fxConvert(b, kf.fxArg(in, 0), int(from.Frac), formatOf(to)))
			}
		default:
			return fmt.Errorf("convert from %s to %s is not supported by the LLVM backend", from, to)
		}
	case ir.OpBr:
		kf.jump(in.Targets[0])
		b.NewBr(kf.blocks[in.Targets[0].Block])
	case ir.OpCondBr:
		kf.jump(in.Targets[0])
		kf.jump(in.Targets[1])
		b.NewCondBr(kf.arg(in, 0), kf.blocks[in.Targets[0].Block], kf.blocks[in.Targets[1].Block])
	case ir.OpRet:
		if len(in.Args) > 0 {
			r, at := kf.arg(in, 0), b.NewSub(kf.el, lo)
			if in.Args[0].Type().Kind == ir.Bool {
				// A condition is one byte (snnrt.h).
				bytes := b.NewBitCast(kf.out, i8p)
				b.NewStore(b.NewZExt(r, types.I8), b.NewGetElementPtr(types.I8, bytes, at))
			} else {
				b.NewStore(r, b.NewGetElementPtr(f64, kf.out, at))
			}
		}
		b.NewBr(kf.after)
	case ir.OpODE:
		return fmt.Errorf("ode %s was not discretised", in.Aux.(ir.ODEAux).Var)
	default:
		return fmt.Errorf("op %s is not supported by the LLVM backend", in.Op)
	}
	return nil
}

// jump gives the target block's phis their values on the edge from the
// current block.
func (kf *kernelFunc) jump(t *ir.Target) {
	for n, p := range t.Block.Params {
		kf.phis[p].Incs = append(kf.phis[p].Incs, ll.NewIncoming(kf.vals[t.Args[n]], kf.cur))
	}
}

// decayed is a synapse trace's value decayed to the current step from
// the synapse's last event, computed as the interpreter's monitors do:
// x * exp(-(t - tlast) / tau).
func (kf *kernelFunc) decayed(a access, x value.Value) value.Value {
	pr := kf.proj()
	last := pr.Clock()
	if last == nil {
		return x
	}
	ids := kf.e.l.ids
	b := kf.cur
	tlast := b.NewLoad(f64, b.NewGetElementPtr(f64, kf.bases[ids[last]], kf.el))
	var tau value.Value
	if t, ok := a.v.TauSeconds(); ok {
		tau = constant.NewFloat(f64, t)
	} else if ta := a.v.TauParam; ta != nil && kf.e.l.uniform(ta) {
		tau = b.NewLoad(f64, kf.bases[ids[ta]])
	} else if ta != nil && slices.Contains(pr.Vars, ta) {
		// The synapse's own parameter.
		tau = b.NewLoad(f64, b.NewGetElementPtr(f64, kf.bases[ids[ta]], kf.el))
	} else {
		return x
	}
	arg := b.NewFDiv(b.NewFNeg(b.NewFSub(kf.t, tlast)), tau)
	return b.NewFMul(x, kf.exp(arg))
}

// rawFromDouble and rawToDouble convert a fixed-point raw value (an i64)
// from and to the double its array holds. A raw value has at most 32 bits
// (fixed.MaxWidth), so they convert through i32, which every vector width
// converts in one instruction (doubles to and from i64 need AVX-512DQ).
func rawFromDouble(b *ll.Block, v value.Value) value.Value {
	return b.NewSExt(b.NewFPToSI(v, i32), i64)
}

func rawToDouble(b *ll.Block, x value.Value) value.Value {
	return b.NewSIToFP(b.NewTrunc(x, i32), f64)
}

// formatOf is a fixed-point type's format; fxArg is operand n of an
// instruction as a raw value of its format.
func formatOf(t ir.Type) fixed.Format { return fixed.Format{Width: t.Width, Frac: t.Frac} }

func (kf *kernelFunc) fxArg(in *ir.Instr, n int) fxVal {
	return fxOperand(kf.arg(in, n), formatOf(in.Args[n].Type()))
}

// fixedArith emits an arithmetic instruction on fixed point: runtime/fixed's
// operation as integer IR specialised to the formats (fixed.go), which the
// interpreter computes too.
func (kf *kernelFunc) fixedArith(in *ir.Instr) error {
	b, to := kf.cur, formatOf(in.Typ)
	x, fa := kf.fxArg(in, 0), formatOf(in.Args[0].Type())
	var y fxVal
	var fb fixed.Format
	if len(in.Args) > 1 {
		y, fb = kf.fxArg(in, 1), formatOf(in.Args[1].Type())
	}
	var v value.Value
	switch in.Op {
	case ir.OpAdd, ir.OpSub:
		v = fxAddSub(b, in.Op == ir.OpSub, x, fa, y, fb, to)
	case ir.OpMul:
		v = fxMul(b, x, fa, y, fb, to)
	case ir.OpDiv:
		v = fxDiv(b, x, fa, y, fb, to)
	case ir.OpNeg:
		v = fxNeg(b, x, fa, to)
	case ir.OpAbs:
		v = fxAbs(b, x, fa, to)
	case ir.OpMin, ir.OpMax:
		v = fxMinMax(b, in.Op == ir.OpMax, x, fa, y, fb, to)
	default:
		return fmt.Errorf("%s on fixed point is not supported by the LLVM backend", in.Op)
	}
	kf.vals[in] = v
	return nil
}

// proj is the projection whose synapses a synapse kernel runs for (a
// monitor's of the projection too), nil for other kernels.
func (kf *kernelFunc) proj() *ir.Projection {
	if kf.site.kind != elemSynapse {
		return nil
	}
	return kf.e.l.m.Projections[kf.site.proj]
}

// access is how the kernel reaches the variable of a param, load or
// store: the instruction's ir.Ref, with the variable's id and storage.
func (kf *kernelFunc) access(in *ir.Instr) (access, bool) {
	r := in.Ref()
	if r == nil || r.Var == nil {
		return access{}, false
	}
	id, ok := kf.e.l.ids[r.Var]
	return access{r.Var, id, r.Reach, kf.e.l.uniform(r.Var)}, ok
}

// segAccess is the dendrite-array state a loadseg or storeseg reaches.
func (kf *kernelFunc) segAccess(in *ir.Instr) (segAccess, bool) {
	r := in.Ref()
	if r == nil || r.Var == nil {
		return segAccess{}, false
	}
	id, ok := kf.e.l.ids[r.Var]
	return segAccess{r.Var, id, r.Segments.Count, r.Segments.Post}, ok
}

// segment returns the address of the segment a loadseg or storeseg names
// (its first operand) of its neuron's dendrite array, after checking that
// the segment is in range; it leaves kf.cur at the block that continues.
func (kf *kernelFunc) segment(in *ir.Instr) (value.Value, error) {
	sa, ok := kf.segAccess(in)
	if !ok {
		return nil, fmt.Errorf("no segment variable %q here", in.VarName())
	}
	b := kf.cur
	seg := kf.arg(in, 0)
	count := constant.NewFloat(f64, float64(sa.count))
	okSeg := b.NewAnd(b.NewFCmp(enum.FPredOGE, seg, constant.NewFloat(f64, 0)), b.NewFCmp(enum.FPredOLT, seg, count))
	fail := kf.f.NewBlock("")
	cont := kf.f.NewBlock("")
	b.NewCondBr(okSeg, cont, fail)
	fail.NewCall(kf.e.funcs["snn_fail_segment"], seg, constant.NewInt(i64, int64(sa.count)), kf.cstring(in.VarName()))
	fail.NewUnreachable()
	kf.cur = cont
	neuron := kf.i
	if sa.post {
		neuron = kf.j
	}
	at := cont.NewAdd(cont.NewMul(neuron, constant.NewInt(i64, int64(sa.count))), cont.NewFPToSI(seg, i64))
	return cont.NewGetElementPtr(f64, kf.bases[sa.id], at), nil
}

// noiseStreams lists, in order, the streams of a kernel's white-noise
// draws (rand normal_quad).
func noiseStreams(k *ir.Kernel) []int {
	var streams []int
	k.Instrs(func(in *ir.Instr) {
		if ra, ok := in.Aux.(ir.RandAux); ok && in.Op == ir.OpRand && ra.Dist == "normal_quad" && !slices.Contains(streams, ra.Stream) {
			streams = append(streams, ra.Stream)
		}
	})
	return streams
}

// prefillNoise emits the loop over chunks of elements of a kernel that
// draws white noise (rng.Source.NormalQuad): a chunk cl..ch-1 is the
// part of lo..hi-1 in one group of rng.QuadGroup elements (512g ..
// 512g+511, whose draws come from the blocks 128g .. 128g+127,
// rng.QuadBlock). Per stream, a prefill loop calls snn_normal_quad_block
// for the blocks 128g + b the chunk needs into the stream's buffer, where
// element el's draw is at el - 512g, and then the element loop runs over
// the chunk. The blocks needed are b = el%128 for el in the chunk: all
// 128 when the chunk has 128 elements or more, else the range from cl%128
// to (ch-1)%128, or all where it wraps. The prefill loop is the one that
// draws, so it, not the element loop, is interleaved (normalInterleave).
// It returns the block the element loop is entered from, its bounds and
// the block it exits to.
func (kf *kernelFunc) prefillNoise(streams []int, lo, hi value.Value, exit *ll.Block) (from *ll.Block, start, end value.Value, done *ll.Block) {
	f := kf.f
	// Its log, cos and sin are the kernels' own, registered as any
	// inline math is, so that another draw of the module reuses them.
	kf.e.inline(log32InlineName, defineLog32)
	kf.e.inline(sin32InlineName, defineSin32)
	kf.e.inline(cos32InlineName, defineCos32)
	quadf := kf.e.inline(normalQuadBlockName, defineNormalQuadBlock)
	kf.noiseBufs = map[int]value.Value{}
	for _, s := range streams {
		buf := kf.entry.NewAlloca(types.NewArray(rng.QuadGroup, f32))
		kf.noiseBufs[s] = kf.entry.NewGetElementPtr(buf.ElemType, buf, zero64, zero64)
	}
	const group, blocks = rng.QuadGroup, rng.QuadBlocks
	chead, cfill, cnext := f.NewBlock("chunk"), f.NewBlock("chunk.fill"), f.NewBlock("chunk.next")
	kf.entry.NewBr(chead)
	cl := chead.NewPhi(ll.NewIncoming(lo, kf.entry))
	chead.NewCondBr(chead.NewICmp(enum.IPredSLT, cl, hi), cfill, exit)
	b := cfill
	kf.noiseBase = b.NewAnd(cl, i64c(-group))
	upper := b.NewAdd(kf.noiseBase, i64c(group))
	ch := b.NewSelect(b.NewICmp(enum.IPredSLT, upper, hi), upper, hi)
	first, last := b.NewAnd(cl, i64c(blocks-1)), b.NewAnd(b.NewSub(ch, i64c(1)), i64c(blocks-1))
	all := b.NewOr(b.NewICmp(enum.IPredSGE, b.NewSub(ch, cl), i64c(blocks)), b.NewICmp(enum.IPredSGT, first, last))
	b0 := b.NewSelect(all, zero64, first)
	b1 := b.NewSelect(all, i64c(blocks), b.NewAdd(last, i64c(1)))
	m0 := b.NewMul(b.NewLShr(cl, i64c(int64(bits.TrailingZeros(group)))), i64c(blocks))
	for _, s := range streams {
		fhead, fbody := f.NewBlock(fmt.Sprintf("fill%d", s)), f.NewBlock(fmt.Sprintf("fill%d.block", s))
		next := f.NewBlock(fmt.Sprintf("fill%d.done", s))
		b.NewBr(fhead)
		j := fhead.NewPhi(ll.NewIncoming(b0, b))
		fhead.NewCondBr(fhead.NewICmp(enum.IPredSLT, j, b1), fbody, next)
		at := fbody.NewGetElementPtr(f32, kf.noiseBufs[s], j)
		fbody.NewCall(quadf, kf.seed, constant.NewInt(i32, int64(int32(uint32(s)))), kf.step, fbody.NewAdd(m0, j), at)
		jNext := fbody.NewAdd(j, i64c(1))
		interleaveNormalLoop(kf.e.mod, fbody.NewBr(fhead), noiseInterleave, noiseWidth)
		j.Incs = append(j.Incs, ll.NewIncoming(jNext, fbody))
		b = next
	}
	cnext.NewBr(chead)
	cl.Incs = append(cl.Incs, ll.NewIncoming(ch, cnext))
	return b, cl, ch, cnext
}
