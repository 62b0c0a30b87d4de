package lang

import "snnc/ir"

// schedule lowers scheduled code to a kernel of its target, named for
// when it runs (ir.Schedule): order is its place among the model's
// scheduled code.
func (l *lowerer) schedule(order int, s *Schedule) {
	when := ir.Schedule{Order: order, First: s.First, Period: s.Period}
	k, e := l.newEnv(when.Name(), ir.TVoid, s.Body())
	e.b.Pos = s.Pos.ir()
	e.stmts(s.Decl.Body)
	e.b.Ret()
	switch {
	case s.Pop != nil:
		p := l.node(s.Pop.Name).(*ir.Population)
		e.sizes["N"] = float64(p.Size)
		p.Kernels = append(p.Kernels, k)
	case s.Proj != nil:
		pr := l.node(irName(s.Proj)).(*ir.Projection)
		pr.Kernels = append(pr.Kernels, k)
	default:
		g := l.node(s.Global.Name).(*ir.Population)
		g.Kernels = append(g.Kernels, k)
	}
}

// phaseRates gives an input whose rate phases set the rates table the
// checker made (lang.RateTable), in place of its rate kernel.
func (l *lowerer) phaseRates(in *Input, out *ir.Input) {
	t := in.Table
	out.Rates = append([]float64{}, t.Rates...)
	out.Period = float64(t.PeriodSteps) * l.prog.Run.Dt
	if t.Width > 1 {
		out.Columns = t.Width
	}
}
