package passes

import "snnc/ir"

// Specialize replaces each param instruction that reads a uniform,
// non-runtime parameter with a constant. Runtime parameters stay
// parameters, so that --set changes them without recompiling; so do
// per-element ones.
//
// A parameter that a current drives changes every step and stays too.
func Specialize(m *ir.Module) error {
	scopes := ir.Scopes(m)
	driven := map[*ir.Var]bool{}
	for _, c := range m.Currents {
		for _, p := range m.Populations {
			if p.Name == c.Population {
				driven[ir.VarNamed(p.Vars, c.Param)] = true
			}
		}
	}
	m.Kernels(func(_ string, k *ir.Kernel) {
		names := scopes[k]
		k.Instrs(func(in *ir.Instr) {
			if in.Op != ir.OpParam {
				return
			}
			v := names.Vars[in.VarName()]
			if v == nil || !v.Uniform || v.Runtime || driven[v] {
				return
			}
			in.Op, in.Aux = ir.OpConst, v.Value
		})
	})
	return nil
}
