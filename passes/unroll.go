package passes

import "snnc/ir"

// straighten rewrites a kernel whose branches all depend on constants
// into one block, and reports whether it did: it follows the kernel from
// its entry, copying each instruction, folding those whose operands are
// constants, and taking each branch whose condition folded. A loop over a
// dendrite array's segments (a reduction: its counter starts at 0 and
// stops at the count) becomes one copy of its body per segment, each
// reading its segment by a constant. The copies compute what the loop
// did, in the same order, and folding is IEEE arithmetic on the values
// the kernel would compute.
//
// A kernel that is one block already is left alone. Nothing changes when a
// condition does not fold or the straight kernel would pass budget
// instructions.
func straighten(k *ir.Kernel, budget int) bool {
	if len(k.Blocks) <= 1 {
		return true
	}
	out := &ir.Block{}
	val := map[ir.Value]ir.Value{}
	get := func(v ir.Value) ir.Value {
		if x, ok := val[v]; ok {
			return x
		}
		return v
	}
	jump := func(t *ir.Target) *ir.Block {
		// The arguments first: a loop passes its own parameters along.
		args := make([]ir.Value, len(t.Args))
		for n, a := range t.Args {
			args[n] = get(a)
		}
		for n, p := range t.Block.Params {
			val[p] = args[n]
		}
		return t.Block
	}
	blk := k.Blocks[0]
	for visits := 0; blk != nil; visits++ {
		if visits > budget {
			return false // a loop without instructions
		}
		next := (*ir.Block)(nil)
		for _, in := range blk.Instrs {
			switch in.Op {
			case ir.OpBr:
				next = jump(in.Targets[0])
				continue
			case ir.OpCondBr:
				c, ok := boolOf(get(in.Args[0]))
				if !ok {
					return false
				}
				t := in.Targets[1]
				if c {
					t = in.Targets[0]
				}
				next = jump(t)
				continue
			}
			if len(out.Instrs) >= budget {
				return false
			}
			c := &ir.Instr{Op: in.Op, Typ: in.Typ, Aux: in.Aux, Block: out, Pos: in.Pos}
			for _, a := range in.Args {
				c.Args = append(c.Args, get(a))
			}
			if x, ok := foldConst(c); ok {
				c.Op, c.Aux, c.Args = ir.OpConst, x, nil
			}
			out.Instrs = append(out.Instrs, c)
			val[in] = c
		}
		blk = next
	}
	k.Blocks = []*ir.Block{out}
	dceKernel(k)
	return true
}
