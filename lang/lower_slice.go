package lang

import "snnc/ir"

// Lowering of subgroups and slices (spec/language.md 4.12): a projection
// or monitor of a view is one of the whole population with the view's
// range (check_slice.go resolved it); a subgroup's settings are stores at
// the end of its population's init kernel.

// index emits the index i or j of the element, counted from the start of
// the view the kernel's body runs over: the element's index in its
// population less the view's first index.
func (e *env) index(name string) ir.Value {
	x := e.b.Emit(ir.OpIndex, ir.TF64, name)
	if base := e.indexBase[name]; base != 0 {
		return e.b.Binary(ir.OpSub, x, e.b.Const(float64(base)))
	}
	return x
}
