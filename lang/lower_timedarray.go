package lang

import "snnc/ir"

// tables gives the module the program's timed arrays.
func (l *lowerer) tables() {
	for _, ta := range l.prog.TimedArrays {
		l.m.Tables = append(l.m.Tables, &ir.Table{Name: ta.Name, Dt: ta.Dt, K: ir.TableK(ta.Dt, l.prog.Run.Dt),
			Rows: ta.Rows, Cols: ta.Cols, Two: ta.Two, Values: ta.Values})
	}
}

// timedArray lowers NAME(t) or NAME(t, i) to a table instruction.
func (e *env) timedArray(ta *TimedArray, n *CallExpr) ir.Value {
	var args []ir.Value
	for _, a := range n.Args {
		args = append(args, e.expr(a.X))
	}
	return e.b.Emit(ir.OpTable, ir.TF64, ta.Name, args...)
}
