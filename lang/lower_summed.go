package lang

import "snnc/ir"

// summedKernel lowers a synapse type's summed members for one projection
// into its summed kernel: per synapse, in source order, post.X += value
// (pre.X for summed pre.X).
// The runtime sets every target to 0 and then runs the kernel over all
// synapses in synapse order (spec/language.md section 6, step 4a), so each
// neuron's variable is the sum over its synapses in a fixed order.
func (l *lowerer) summedKernel(sb *Body, p *Projection, out *ir.Projection) {
	if len(sb.Summed) == 0 {
		return
	}
	k, e := l.newEnv("summed", ir.TVoid, sb)
	e.setSides(p)
	for _, s := range sb.Summed {
		e.b.Pos = posOf(s.Pos).ir()
		name := joinDots(s.Target.Parts)
		val := e.expr(s.Value.X)
		sum := e.b.Binary(ir.OpAdd, e.load(name), val)
		e.b.Store(name, sum)
		e.cur[name] = sum
		e.lets = map[*Symbol]ir.Value{}
	}
	e.b.Ret()
	out.Kernels = append(out.Kernels, k)
}
