package ir

// Builder appends instructions to a kernel's current block.
type Builder struct {
	Kernel *Kernel
	Block  *Block
	// Pos is recorded on every instruction built.
	Pos Pos
}

// NewKernel returns an empty kernel with an entry block, and a builder
// positioned in it.
func NewKernel(name string, result Type) (*Kernel, *Builder) {
	k := &Kernel{Name: name, Result: result}
	b := &Builder{Kernel: k}
	b.Block = b.NewBlock()
	return k, b
}

// NewBlock adds a block with parameters of the given types.
func (b *Builder) NewBlock(params ...Type) *Block {
	blk := &Block{Index: len(b.Kernel.Blocks), Kernel: b.Kernel}
	for _, t := range params {
		blk.Params = append(blk.Params, &BlockParam{Typ: t, Block: blk})
	}
	b.Kernel.Blocks = append(b.Kernel.Blocks, blk)
	return blk
}

// SetBlock makes blk the block instructions are appended to.
func (b *Builder) SetBlock(blk *Block) { b.Block = blk }

// Emit appends an instruction.
func (b *Builder) Emit(op Op, t Type, aux any, args ...Value) *Instr {
	in := &Instr{Op: op, Typ: t, Aux: aux, Args: args, Block: b.Block, Pos: b.Pos}
	b.Block.Instrs = append(b.Block.Instrs, in)
	return in
}

// Const emits a floating-point constant.
func (b *Builder) Const(v float64) *Instr { return b.Emit(OpConst, TF64, v) }

// Bool emits a boolean constant.
func (b *Builder) Bool(v bool) *Instr { return b.Emit(OpConst, TBool, v) }

// Unary emits an op whose result has its operand's type.
func (b *Builder) Unary(op Op, x Value) *Instr { return b.Emit(op, resultType(op, x.Type()), nil, x) }

// Binary emits a two-operand op.
func (b *Builder) Binary(op Op, x, y Value) *Instr {
	return b.Emit(op, resultType(op, x.Type()), nil, x, y)
}

// Select emits c ? x : y.
func (b *Builder) Select(c, x, y Value) *Instr { return b.Emit(OpSelect, x.Type(), nil, c, x, y) }

// Own returns a resolved Ref to a state variable or trace v as the
// kernels of its own element name it: by its name, reaching the
// element's own value. A pass that adds a load or store of a variable it
// holds gives the access this Ref, so that the access says what it
// reaches before the pass ends and Module.Link runs. (A parameter of a
// dendrite is reached per neuron, not per segment: it is no Own.)
func Own(v *Var) *Ref { return &Ref{Name: v.Name, Var: v, Reach: IndexElement} }

// Load emits a load of what r reaches.
func (b *Builder) Load(t Type, r *Ref) *Instr { return b.Emit(OpLoad, t, r) }

// StoreRef emits a store of x into what r reaches.
func (b *Builder) StoreRef(r *Ref, x Value) *Instr { return b.Emit(OpStore, TVoid, r, x) }

// Store emits a store of x into the variable name; Module.Link resolves
// the name.
func (b *Builder) Store(name string, x Value) *Instr { return b.Emit(OpStore, TVoid, name, x) }

// Br ends the block with a jump.
func (b *Builder) Br(to *Block, args ...Value) *Instr {
	in := b.Emit(OpBr, TVoid, nil)
	in.Targets = []*Target{{Block: to, Args: args}}
	return in
}

// CondBr ends the block with a conditional jump.
func (b *Builder) CondBr(c Value, then *Block, thenArgs []Value, els *Block, elseArgs []Value) *Instr {
	in := b.Emit(OpCondBr, TVoid, nil, c)
	in.Targets = []*Target{{Block: then, Args: thenArgs}, {Block: els, Args: elseArgs}}
	return in
}

// Ret ends the kernel, returning v if given.
func (b *Builder) Ret(v ...Value) *Instr { return b.Emit(OpRet, TVoid, nil, v...) }

// resultType is the result type of op applied to operands of type t.
func resultType(op Op, t Type) Type {
	switch op.Info().Result {
	case resBool:
		return TBool
	case resVoid:
		return TVoid
	}
	return t
}
