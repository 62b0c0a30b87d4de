package llvm

import (
	"github.com/llir/llvm/ir/enum"

	ll "github.com/llir/llvm/ir"
)

// exprelInlineName is the emitted mathfn.Exprel.
const exprelInlineName = "snn_exprel_inline"

// defineExprel adds snn_exprel_inline, mathfn.Exprel, to m with the
// snn_expm1_inline it calls (unless m has it) and returns it.
//
// The quotient expm1(x)/x is computed for every lane (0/0 is a NaN, not
// poison), then mathfn's special cases replace it in its order: 1 at
// x = ±0, +Inf above expOverflow, mathfn's NaN for a NaN.
func defineExprel(m *ll.Module) *ll.Func {
	expm1 := funcIn(m, expm1InlineName, defineExpm1)
	f, ps, b := newInline(m, exprelInlineName, "x")
	x := ps[0]
	res := b.NewFDiv(b.NewCall(expm1, x), x)
	sel := b.NewSelect(b.NewFCmp(enum.FPredOEQ, x, fZero), fOne, res)
	sel = b.NewSelect(b.NewFCmp(enum.FPredOGT, x, expOverflowC), fInf, sel)
	sel = b.NewSelect(b.NewFCmp(enum.FPredUNO, x, x), fNaN, sel)
	b.NewRet(sel)
	return f
}
