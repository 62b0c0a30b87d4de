package lang

import "snnc/ir"

// Lowering of subgroups and slices (spec/language.md 4.12): a projection
// or monitor of a view is one of the whole population with the view's
// range (check_slice.go resolved it); a subgroup's settings are stores at
// the end of its population's init kernel.

// index emits the index i or j of the element, counted from the start of
// the view the kernel's body runs over: the element's index in its
// population less the view's first index.
func (e *env) index(name string) ir.Value {
	x := e.b.Emit(ir.OpIndex, ir.TF64, name)
	if base := e.indexBase[name]; base != 0 {
		return e.b.Binary(ir.OpSub, x, e.b.Const(float64(base)))
	}
	return x
}

// subgroupSettings appends to a population's init kernel the settings of
// its subgroups, in declaration order and, within one, in the order
// written: each stores, for the neurons in the view, the value computed
// with i and N the index and size within the view, and keeps the value
// the population gave the others. They run after every value of the
// population is set, as Brian2's assignments to a subgroup follow those
// to its group; a value of the population computed from one a subgroup
// then changes keeps what it read. A parameter a subgroup sets is one
// value per neuron: pop's variable loses Uniform before the population's
// init kernel is built, so that the kernel stores its value everywhere.
func (l *lowerer) subgroupSettings(p *Population, pop *ir.Population, init *ir.Kernel) {
	var views []*Subgroup
	for _, sg := range l.prog.Subgroups {
		if sg.Pop == p && sg.Decl.Body != nil {
			views = append(views, sg)
		}
	}
	if len(views) == 0 {
		return
	}
	b := p.Type
	blk := init.Blocks[len(init.Blocks)-1]
	ret := blk.Instrs[len(blk.Instrs)-1]
	blk.Instrs = blk.Instrs[:len(blk.Instrs)-1]
	for _, sg := range views {
		e := &env{l: l, b: &ir.Builder{Kernel: init, Block: blk}, body: b, cur: map[string]ir.Value{},
			lets: map[*Symbol]ir.Value{}, sizes: map[string]float64{"N": float64(sg.Size())},
			indexBase: map[string]int{"i": sg.Lo}}
		idx := e.b.Emit(ir.OpIndex, ir.TF64, "i")
		in := e.b.Binary(ir.OpAnd, e.b.Binary(ir.OpGe, idx, e.b.Const(float64(sg.Lo))),
			e.b.Binary(ir.OpLt, idx, e.b.Const(float64(sg.Hi))))
		for _, s := range sg.Decl.Body.Stmts {
			a := s.(*Assign)
			name := joinDots(a.Target.Parts)
			sym := b.Var(name)
			var old ir.Value
			if sym.Kind == SymParam {
				old = e.b.Emit(ir.OpParam, ir.TF64, name)
			} else {
				old = e.load(name)
			}
			v := e.b.Select(in, e.expr(a.Value.X), old)
			e.b.Store(name, v)
			e.cur[name] = v
		}
		blk = e.b.Block
	}
	blk.Instrs = append(blk.Instrs, ret)
	pop.Kernels[0] = init
}

// subgroupParams marks the parameters of pop that a subgroup of p sets as
// one value per neuron (subgroupSettings).
func (l *lowerer) subgroupParams(p *Population, pop *ir.Population) {
	for _, sg := range l.prog.Subgroups {
		if sg.Pop != p || sg.Decl.Body == nil {
			continue
		}
		for _, s := range sg.Decl.Body.Stmts {
			if v := ir.VarNamed(pop.Vars, joinDots(s.(*Assign).Target.Parts)); v != nil && v.Kind == ir.VarParam {
				v.Uniform, v.Value = false, 0
			}
		}
	}
}
