package lang

// Lowering of a kernel's statements and expressions to SSA: env is the
// kernel being built and the names it reaches.

import (
	"fmt"
	"math"

	"snnc/ir"
)

// env is the context of one kernel being built.
type env struct {
	l    *lowerer
	b    *ir.Builder
	body *Body // the body whose names are plain: v, ge
	// pre and post are the neuron types (post may be a dendrite) of a
	// synapse kernel.
	pre, post *Body
	// seg is the loop index while lowering the argument of a reduction over
	// the segments of dendrite segBody.
	seg     ir.Value
	segBody *Body
	// cur holds the value last stored to a variable in the current block,
	// so that statements see earlier ones without a reload.
	cur  map[string]ir.Value
	lets map[*Symbol]ir.Value
	// sizes are the values of N, N_pre and N_post.
	sizes map[string]float64 // N, N_pre, N_post
	// odeVar is the variable whose ODE is being lowered, and noises the
	// random streams of the kernel's white noises (noise.go).
	odeVar string
	noises map[string]int
	// indexBase is, per index name (i, j), the first element of the
	// subgroup or slice the kernel's index counts from (lower_slice.go).
	indexBase map[string]int
	// genK is a generator's variable (k), which its connect.j kernel
	// reads as the element's index j (lower_generate.go).
	genK *Symbol
}

func (l *lowerer) newEnv(name string, result ir.Type, body *Body) (*ir.Kernel, *env) {
	k, b := ir.NewKernel(name, result)
	return k, &env{l: l, b: b, body: body, cur: map[string]ir.Value{}, lets: map[*Symbol]ir.Value{}, sizes: map[string]float64{}}
}

func (e *env) setSides(p *Projection) {
	if p.PrePop != nil {
		e.pre = p.PrePop.Type
	}
	e.post = p.Post.Type
	e.indexBase = map[string]int{"i": p.PreRange[0], "j": p.PostRange[0]}
	if p.Dendrite != nil {
		e.post = p.Dendrite
	}
}

// stmts lowers a block of statements. A store updates cur, so that later
// statements read the new value; an if clears it at the join.
func (e *env) stmts(b *Block) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *Assign:
			e.assign(s)
		case *If:
			e.ifStmt(s)
		}
	}
}

func (e *env) assign(s *Assign) {
	e.b.Pos = posOf(s.Pos).ir()
	name := joinDots(s.Target.Parts)
	val := e.expr(s.Value.X)
	if s.Op != "=" {
		old := e.load(name)
		op := map[string]ir.Op{"+=": ir.OpAdd, "-=": ir.OpSub, "*=": ir.OpMul, "/=": ir.OpDiv}[s.Op]
		val = e.b.Binary(op, old, val)
	}
	e.b.Store(name, val)
	e.cur[name] = val
	// A definition is recomputed where it is used: after a store its cached
	// value may be stale.
	e.lets = map[*Symbol]ir.Value{}
}

func (e *env) ifStmt(s *If) {
	cond := e.expr(s.Cond.X)
	then := e.b.NewBlock()
	join := e.b.NewBlock()
	els := join
	if s.Else != nil {
		els = e.b.NewBlock()
	}
	e.b.CondBr(cond, then, nil, els, nil)
	e.branch(then, func() { e.stmts(s.Then) }, join)
	if s.Else != nil {
		e.branch(els, func() {
			if s.Else.Block != nil {
				e.stmts(s.Else.Block)
			} else {
				e.ifStmt(s.Else.If)
			}
		}, join)
	}
	// join comes after the branches in the block list, so that every
	// definition precedes its uses in program order.
	blocks := e.b.Kernel.Blocks
	for i, b := range blocks {
		if b == join {
			blocks = append(blocks[:i], blocks[i+1:]...)
			break
		}
	}
	e.b.Kernel.Blocks = append(blocks, join)
	e.b.SetBlock(join)
	e.cur = map[string]ir.Value{}
	e.lets = map[*Symbol]ir.Value{}
}

func (e *env) branch(b *ir.Block, body func(), join *ir.Block) {
	saved, savedLets := e.cur, e.lets
	e.cur, e.lets = map[string]ir.Value{}, map[*Symbol]ir.Value{}
	e.b.SetBlock(b)
	body()
	e.b.Br(join)
	e.cur, e.lets = saved, savedLets
}

func (e *env) load(name string) ir.Value {
	if v, ok := e.cur[name]; ok {
		return v
	}
	return e.b.Emit(ir.OpLoad, ir.TF64, name)
}

// expr lowers an expression.
func (e *env) expr(n Node) ir.Value {
	b := e.b
	switch n := n.(type) {
	case *NumberLit:
		v := n.Value
		if n.Unit != "" {
			v *= units[n.Unit].Scale
		}
		return b.Const(v)
	case *BoolLit:
		return b.Bool(n.Value)
	case *NameRef:
		return e.name(n)
	case *UnaryNode:
		x := e.expr(n.X)
		switch n.Op {
		case "-":
			return b.Unary(ir.OpNeg, x)
		case "not":
			return b.Unary(ir.OpNot, x)
		}
		return x
	case *BinaryNode:
		x := e.expr(n.X)
		y := e.expr(n.Y)
		op := map[string]ir.Op{"+": ir.OpAdd, "-": ir.OpSub, "*": ir.OpMul, "/": ir.OpDiv, "%": ir.OpRem,
			"**": ir.OpPow, "<": ir.OpLt, "<=": ir.OpLe, ">": ir.OpGt, ">=": ir.OpGe, "==": ir.OpEq,
			"!=": ir.OpNe, "and": ir.OpAnd, "or": ir.OpOr}[n.Op]
		return b.Binary(op, x, y)
	case *CallExpr:
		return e.call(n)
	}
	panic(fmt.Sprintf("lang: cannot lower %T", n))
}

func (e *env) call(n *CallExpr) ir.Value {
	b := e.b
	if ld := e.l.prog.Loads[n]; ld != nil {
		return e.loadData(n, ld)
	}
	if ta := e.l.prog.TimedArray(n.Func); ta != nil && Funcs[n.Func] == nil {
		return e.timedArray(ta, n)
	}
	f := Funcs[n.Func]
	if r := e.l.prog.PopReductions[n]; r != nil {
		// The global's state the runtime computes (PopReduction).
		name := r.StateName()
		if !within(e.body, r.Global) {
			name = r.Global.Name + "." + name
		}
		return e.load(name)
	}
	switch f.Kind {
	case fnReduce:
		return e.reduce(n)
	case fnRandom:
		if a := streamArg(n); a != nil {
			return e.pairDraw(n, a)
		}
		var args []ir.Value
		for _, a := range n.Args {
			args = append(args, e.expr(a.X))
		}
		dist := n.Func
		switch n.Func {
		case "rand": // Brian2's names: sugar for uniform(0, 1) and normal(0, 1)
			dist, args = "uniform", []ir.Value{b.Const(0), b.Const(1)}
		case "randn":
			dist, args = "normal", []ir.Value{b.Const(0), b.Const(1)}
		}
		e.l.stream++
		return b.Emit(ir.OpRand, ir.TF64, ir.RandAux{Dist: dist, Stream: e.l.stream}, args...)
	}
	if n.Func == "max" && len(n.Args) == 1 {
		return e.reduce(n)
	}
	var args []ir.Value
	for _, a := range n.Args {
		args = append(args, e.expr(a.X))
	}
	unary := map[string]ir.Op{"exp": ir.OpExp, "log": ir.OpLog, "log10": ir.OpLog10, "sqrt": ir.OpSqrt,
		"sin": ir.OpSin, "cos": ir.OpCos, "tanh": ir.OpTanh, "abs": ir.OpAbs, "floor": ir.OpFloor,
		"ceil": ir.OpCeil, "sign": ir.OpSign, "exprel": ir.OpExprel}
	if op, ok := unary[n.Func]; ok {
		return b.Unary(op, args[0])
	}
	switch n.Func {
	case "min":
		return b.Binary(ir.OpMin, args[0], args[1])
	case "max":
		return b.Binary(ir.OpMax, args[0], args[1])
	case "pow":
		return b.Binary(ir.OpPow, args[0], args[1])
	case "clip":
		return b.Binary(ir.OpMin, b.Binary(ir.OpMax, args[0], args[1]), args[2])
	case "where":
		return b.Select(args[0], args[1], args[2])
	case "heaviside":
		return e.heaviside(args)
	case "int":
		return e.truncate(args[0])
	case "sigmoid":
		one := b.Const(1)
		return b.Binary(ir.OpDiv, one, b.Binary(ir.OpAdd, one, b.Unary(ir.OpExp, b.Unary(ir.OpNeg, args[0]))))
	}
	panic("lang: cannot lower call to " + n.Func)
}

// heaviside lowers heaviside(x[, h0]) with numpy's semantics: 0 below 0, 1
// above, h0 (0 if not given) at ±0, and a NaN x itself.
func (e *env) heaviside(args []ir.Value) ir.Value {
	b := e.b
	x := args[0]
	var h0 ir.Value = b.Const(0)
	if len(args) == 2 {
		h0 = args[1]
	}
	zero := b.Const(0)
	atZero := b.Select(b.Binary(ir.OpEq, x, zero), h0, x)
	return b.Select(b.Binary(ir.OpGt, x, zero), b.Const(1), b.Select(b.Binary(ir.OpLt, x, zero), zero, atZero))
}

// truncate lowers int(x): Brian2's int, truncation toward zero, as
// where(x <= -1, ceil(x), max(floor(x), 0)): the max makes the result of
// every x in (-1, 0] (and -0) +0 where ceil would give -0, and keeps a NaN
// (mathfn.Max propagates it). A condition becomes 1 or 0.
func (e *env) truncate(x ir.Value) ir.Value {
	b := e.b
	if x.Type() == ir.TBool {
		return b.Select(x, b.Const(1), b.Const(0))
	}
	return b.Select(b.Binary(ir.OpLe, x, b.Const(-1)), b.Unary(ir.OpCeil, x),
		b.Binary(ir.OpMax, b.Unary(ir.OpFloor, x), b.Const(0)))
}

// reduce lowers sum, mean, max and any over the segments of a dendrite
// array as a loop whose block parameters carry the index and the
// accumulator.
func (e *env) reduce(n *CallExpr) ir.Value {
	b := e.b
	dend := e.segmentsIn(n.Args[0].X)
	count := b.Const(float64(dend.Count))
	var init ir.Value
	accType := ir.TF64
	switch n.Func {
	case "any":
		init, accType = b.Bool(false), ir.TBool
	case "max":
		init = b.Const(math.Inf(-1))
	default:
		init = b.Const(0)
	}
	zero := b.Const(0)
	head := b.NewBlock(ir.TF64, accType)
	body := b.NewBlock()
	exit := b.NewBlock()
	b.Br(head, zero, init)
	b.SetBlock(head)
	idx, acc := head.Params[0], head.Params[1]
	b.CondBr(b.Binary(ir.OpLt, idx, count), body, nil, exit, nil)
	b.SetBlock(body)
	saved, savedSeg := e.cur, e.seg
	e.cur, e.seg, e.segBody = map[string]ir.Value{}, idx, dend
	x := e.expr(n.Args[0].X)
	e.cur, e.seg, e.segBody = saved, savedSeg, nil
	var next ir.Value
	switch n.Func {
	case "any":
		next = b.Binary(ir.OpOr, acc, x)
	case "max":
		next = b.Binary(ir.OpMax, acc, x)
	default:
		next = b.Binary(ir.OpAdd, acc, x)
	}
	b.Br(head, b.Binary(ir.OpAdd, idx, b.Const(1)), next)
	b.SetBlock(exit)
	e.cur = map[string]ir.Value{}
	e.lets = map[*Symbol]ir.Value{}
	if n.Func == "mean" {
		return b.Binary(ir.OpDiv, acc, count)
	}
	return acc
}

// segmentsIn finds the dendrite array a reduction's argument reads.
func (e *env) segmentsIn(n Node) *Body {
	var found *Body
	walkNode(n, func(m Node) {
		ref, ok := m.(*NameRef)
		if !ok || found != nil {
			return
		}
		if sym := e.l.info.Uses[ref]; sym != nil && sym.Owner != nil && sym.Owner.IsArray {
			found = sym.Owner
			return
		}
		if (ref.Parts[0] == "post" || ref.Parts[0] == "pre") && len(ref.Parts) > 2 {
			side := e.post
			if ref.Parts[0] == "pre" {
				side = e.pre
			}
			if side != nil {
				if d := side.Dendrite(ref.Parts[1]); d != nil && d.IsArray {
					found = d
				}
			}
		}
	})
	return found
}

// name lowers a reference to a variable, parameter or built-in value.
func (e *env) name(n *NameRef) ir.Value {
	b := e.b
	head := n.Parts[0]
	if (head == "pre" || head == "post") && e.body != nil && e.body.Kind == SynapseBody {
		return e.sideVar(n)
	}
	sym := e.l.info.Uses[n]
	if sym == nil {
		if u, ok := units[n.Dotted()]; ok {
			return b.Const(u.Scale)
		}
		if len(n.Parts) == 1 && isNoiseName(head) && e.odeVar != "" {
			return e.noise(head, e.odeVar)
		}
		panic("lang: unresolved name " + n.Dotted())
	}
	switch sym.Kind {
	case SymBuiltin:
		if sym == e.genK && sym != nil {
			return b.Emit(ir.OpIndex, ir.TF64, "j")
		}
		switch sym.Name {
		case "t":
			return b.Emit(ir.OpTime, ir.TF64, nil)
		case "dt":
			return b.Const(e.l.prog.Run.Dt)
		case "pi":
			return b.Const(math.Pi)
		case "i", "j":
			return e.index(sym.Name)
		default:
			return b.Const(e.sizes[sym.Name])
		}
	case SymUnit:
		return b.Const(units[sym.Name].Scale)
	case SymLet:
		if v, ok := e.lets[sym]; ok && e.seg == nil {
			return v
		}
		v := e.expr(sym.Decl.(*Let).Value.X)
		if e.seg == nil {
			e.lets[sym] = v
		}
		return v
	}
	// A variable: its IR name is relative to the kernel's body.
	name := e.relativeName(sym, n)
	if sym.Owner != nil && sym.Owner.IsArray && sym.Owner != e.body {
		if sym.Kind == SymParam {
			return b.Emit(ir.OpParam, ir.TF64, name)
		}
		return b.Emit(ir.OpLoadSeg, ir.TF64, name, e.seg)
	}
	if sym.Kind == SymParam {
		return b.Emit(ir.OpParam, ir.TF64, name)
	}
	return e.load(name)
}

// relativeName names sym as the kernel of e.body sees it: plain for its own
// and enclosing bodies, dendrite.x for a dendrite's, global.x for a global's.
func (e *env) relativeName(sym *Symbol, n *NameRef) string {
	if sym.Owner == nil {
		return sym.Name // a top-level parameter
	}
	if sym.Owner.Kind == GlobalBody && !within(e.body, sym.Owner) {
		return sym.Owner.Name + "." + sym.Name
	}
	if sym.Owner.Kind == DendriteBody && !within(e.body, sym.Owner) {
		return sym.Owner.Name + "." + sym.Name
	}
	return sym.Name
}

// sideVar lowers pre.x and post.x in a synapse kernel.
func (e *env) sideVar(n *NameRef) ir.Value {
	side := e.post
	if n.Parts[0] == "pre" {
		side = e.pre
	}
	b := side
	for _, p := range n.Parts[1 : len(n.Parts)-1] {
		b = b.Dendrite(p)
	}
	last := n.Parts[len(n.Parts)-1]
	sym := b.Var(last)
	if sym == nil && b.Kind == DendriteBody {
		sym = b.Parent.Var(last)
	}
	name := n.Dotted()
	if b.IsArray && b != side {
		if sym.Kind == SymParam {
			return e.b.Emit(ir.OpParam, ir.TF64, name)
		}
		return e.b.Emit(ir.OpLoadSeg, ir.TF64, name, e.seg)
	}
	if sym.Kind == SymParam {
		return e.b.Emit(ir.OpParam, ir.TF64, name)
	}
	return e.load(name)
}
