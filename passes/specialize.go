package passes

import "snnc/ir"

// Specialize replaces each param instruction that reads a uniform,
// non-runtime parameter with a constant. Runtime parameters stay
// parameters, so that --set changes them without recompiling; so do
// per-element ones.
//
// A parameter that a current drives changes every step and stays too.
func Specialize(m *ir.Module) error {
	m.Kernels(func(_ string, k *ir.Kernel) {
		k.Instrs(func(in *ir.Instr) {
			if in.Op != ir.OpParam {
				return
			}
			v := in.Var()
			if v == nil || !v.Uniform || v.Runtime || v.DrivenBy != nil {
				return
			}
			in.Op, in.Aux = ir.OpConst, v.Value
		})
	})
	return nil
}
