package lang

import (
	"fmt"

	"snnc/ir"
)

// loadData lowers load(FILE) to a data instruction reading the module's
// array of its values, which the module gets the first time a kernel
// reads it. The array is named by the load's position, which is unique to
// the call however often its setting is lowered.
func (e *env) loadData(n *CallExpr, ld *LoadedData) ir.Value {
	name := fmt.Sprintf("load_%d_%d", n.At.Line, n.At.Col)
	for k := 2; ; k++ {
		d := e.l.m.DataNamed(name)
		if d == nil {
			e.l.m.Data = append(e.l.m.Data, &ir.Data{Name: name, By: ld.By, Cols: ld.Cols, PreLo: ld.PreLo, PostLo: ld.PostLo, File: ld.File, Values: ld.Values, Path: ld.Path})
			break
		}
		if d.File == ld.File && len(d.Values) == len(ld.Values) && (len(d.Values) == 0 || &d.Values[0] == &ld.Values[0]) {
			break
		}
		// Another file's load at the same line and column.
		name = fmt.Sprintf("load_%d_%d_%d", n.At.Line, n.At.Col, k)
	}
	return e.b.Emit(ir.OpData, ir.TF64, name)
}
