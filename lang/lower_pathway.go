package lang

import "snnc/ir"

// A synapse's pathways lower to a per-synapse delay variable each,
// delay.NAME, beside the projection's delay, and a kernel each,
// on_pre.NAME, beside on_pre (spec/ir.md). The kernels follow the
// pathways' order, which is the order of their names.

// pathwayDelays returns the delay variables of the synapse type's pathways,
// in the pathways' order, with the expression each takes (the connect's
// NAME.delay, else the type's delay NAME = ..., else nil for 0): uniform
// where the expression is a constant, else set at the end of init.
func (l *lowerer) pathwayDelays(sb *Body, settings map[string]*Assign) ([]*ir.Var, []Node) {
	var vars []*ir.Var
	var exprs []Node
	for _, on := range sb.Pathways {
		name := on.Source.Name
		v := &ir.Var{Name: "delay." + name, Kind: ir.VarParam, Type: ir.TF64, Uniform: true}
		var x Node
		if a := settings[name+".delay"]; a != nil {
			x = a.Value.X
		} else if d := sb.PathDelays[name]; d != nil {
			x = d.Value.X
		}
		if x != nil {
			if val, ok := l.eval(x, nil); ok {
				v.Value = val
			} else {
				v.Uniform = false
			}
		}
		vars, exprs = append(vars, v), append(exprs, x)
	}
	return vars, exprs
}

// pathwayKernels adds the kernel of each of the synapse type's pathways to
// the projection.
func (l *lowerer) pathwayKernels(sb *Body, p *Projection, out *ir.Projection) {
	for _, on := range sb.Pathways {
		k, e := l.newEnv("on_pre."+on.Source.Name, ir.TVoid, sb)
		e.setSides(p)
		e.stmts(on.Body)
		e.b.Ret()
		out.Kernels = append(out.Kernels, k)
	}
}
