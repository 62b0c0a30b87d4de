package lang

import "snnc/ir"

// pairDraw lowers a draw from a named stream (check_stream.go) in a
// projection's init kernel: the distribution's .pair variant on the
// stream's number, with the synapse's pre and post indices as its last two
// operands, which the backends use as the draw's index and counter in place
// of the synapse and the step (spec/runtime.md, random numbers).
func (e *env) pairDraw(n *CallExpr, stream *CallArg) ir.Value {
	b := e.b
	var args []ir.Value
	for _, a := range n.Args {
		if a.Name != "stream" {
			args = append(args, e.expr(a.X))
		}
	}
	dist := distName(n.Func)
	switch n.Func {
	case "rand":
		args = []ir.Value{b.Const(0), b.Const(1)}
	case "randn":
		args = []ir.Value{b.Const(0), b.Const(1)}
	}
	args = append(args, b.Emit(ir.OpIndex, ir.TF64, "i"), b.Emit(ir.OpIndex, ir.TF64, "j"))
	return b.Emit(ir.OpRand, ir.TF64, ir.RandAux{Dist: dist + ".pair", Stream: NamedStream(streamName(stream))}, args...)
}
