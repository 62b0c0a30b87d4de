package passes

import "snnc/ir"

// replaceUses makes every use of old in k a use of new.
func replaceUses(k *ir.Kernel, old, new ir.Value) {
	k.Instrs(func(in *ir.Instr) {
		for _, slot := range in.Operands() {
			if *slot == old {
				*slot = new
			}
		}
	})
}

// insertBefore returns a builder that inserts instructions before position
// i of block b; call done to splice them in.
type inserter struct {
	ir.Builder
	block *ir.Block
	at    int
	saved []*ir.Instr
}

func newInserter(b *ir.Block, at int, pos ir.Pos) *inserter {
	ins := &inserter{block: b, at: at}
	ins.saved = append([]*ir.Instr(nil), b.Instrs[at:]...)
	b.Instrs = b.Instrs[:at:at]
	ins.Builder = ir.Builder{Kernel: b.Kernel, Block: b, Pos: pos}
	return ins
}

// done appends the instructions that followed the insertion point.
func (ins *inserter) done() {
	ins.block.Instrs = append(ins.block.Instrs, ins.saved...)
}

// dominates reports whether block a dominates block b.
func dominates(idom map[*ir.Block]*ir.Block, a, b *ir.Block) bool {
	for ; b != nil; b = idom[b] {
		if a == b {
			return true
		}
	}
	return false
}
