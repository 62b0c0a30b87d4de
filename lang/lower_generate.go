package lang

import "snnc/ir"

// Lowering of a connect's condition, probability expression and generator
// (check_generate.go) into the projection's connect.* kernels
// (ir/connect.go). Each is a synapse kernel of one expression: the
// backends run it over candidate pairs, with the pair's neurons as the
// element's i and j, while the network is built.

// genRule is the IR rule of a generate connect: its step, and whether an
// index outside the post side is dropped.
func (l *lowerer) genRule(p *Projection) ir.Rule {
	return ir.Rule{Kind: "generate", K: p.conn.step, Skip: p.conn.skip, Autapses: true}
}

// connectKernels appends the projection's connect.* kernels.
func (l *lowerer) connectKernels(p *Projection, out *ir.Projection) {
	cx := p.conn
	if cx == nil {
		return
	}
	kernel := func(part string, result ir.Type, x Node) {
		if x == nil {
			return
		}
		k, e := l.newEnv("connect."+part, result, p.Synapse)
		e.setSides(p)
		e.sizes["N_pre"], e.sizes["N_post"] = float64(p.PreSize()), float64(p.PostSize())
		e.genK = cx.k
		e.b.Pos = x.Pos().ir()
		e.b.Ret(e.expr(x))
		out.Kernels = append(out.Kernels, k)
	}
	kernel("where", ir.TBool, cx.where)
	kernel("p", ir.TF64, cx.prob)
	kernel("lo", ir.TF64, cx.lo)
	kernel("hi", ir.TF64, cx.hi)
	kernel("j", ir.TF64, cx.value)
}
