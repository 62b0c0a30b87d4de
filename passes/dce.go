package passes

import "snnc/ir"

// DCE removes instructions without side effects whose results are unused,
// repeating until nothing changes.
func DCE(m *ir.Module) error {
	m.Kernels(func(_ string, k *ir.Kernel) { dceKernel(k) })
	return nil
}

func dceKernel(k *ir.Kernel) {
	for {
		used := map[ir.Value]bool{}
		k.Instrs(func(in *ir.Instr) {
			for _, slot := range in.Operands() {
				used[*slot] = true
			}
		})
		removed := false
		for _, b := range k.Blocks {
			kept := b.Instrs[:0]
			for _, in := range b.Instrs {
				info := in.Op.Info()
				if in.HasResult() && !used[in] && !info.SideEffect && !info.Terminator {
					removed = true
					continue
				}
				kept = append(kept, in)
			}
			b.Instrs = kept
		}
		if !removed {
			return
		}
	}
}
