package interp

import (
	"fmt"

	"snnc/ir"
)

// data compiles a data instruction: the element's value of a data array
// the model loaded (ir.Data). In a synapse's kernel the frame's element
// is the synapse, i and j its pre and post neurons.
func (e *env) data(in *ir.Instr, d int) (func(*frame), error) {
	arr := e.s.m.DataNamed(in.VarName())
	if arr == nil {
		return nil, fmt.Errorf("no data array %s", in.VarName())
	}
	return func(f *frame) { f.r[d] = arr.At(f.i, f.j, f.e) }, nil
}
