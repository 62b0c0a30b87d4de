package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"

	ll "github.com/llir/llvm/ir"
)

// The emitted runtime/mathfn.Min, Max and Sign (ops.go): compares and
// selects, with mathfn's NaN and ±0 rules, so that a kernel using them
// vectorises where a call of snn_min, snn_max or snn_sign stops it.
const (
	minInlineName  = "snn_min_inline"
	maxInlineName  = "snn_max_inline"
	signInlineName = "snn_sign_inline"
)

// defineMinMax adds mathfn.Min (max false) or mathfn.Max to m. Go's cases
// become selects, the last applied first: x < y (x > y for Max) picks x,
// else y; both ±0 picks by x's sign bit (Min: x if x is -0, else y; Max: y
// if x is -0, else x); either NaN gives mathfn's NaN.
func defineMinMax(m *ll.Module, max bool) *ll.Func {
	name, pred := minInlineName, enum.FPredOLT
	if max {
		name, pred = maxInlineName, enum.FPredOGT
	}
	f, ps, b := newInline(m, name, "x", "y")
	x, y := ps[0], ps[1]
	res := b.NewSelect(b.NewFCmp(pred, x, y), x, y)
	bothZero := b.NewAnd(b.NewFCmp(enum.FPredOEQ, x, fZero), b.NewFCmp(enum.FPredOEQ, y, fZero))
	xNeg := b.NewICmp(enum.IPredSLT, b.NewBitCast(x, i64), constant.NewInt(i64, 0))
	zero := b.NewSelect(xNeg, x, y)
	if max {
		zero = b.NewSelect(xNeg, y, x)
	}
	res = b.NewSelect(bothZero, zero, res)
	res = b.NewSelect(b.NewFCmp(enum.FPredUNO, x, y), fNaN, res)
	b.NewRet(res)
	return f
}

func defineMin(m *ll.Module) *ll.Func { return defineMinMax(m, false) }
func defineMax(m *ll.Module) *ll.Func { return defineMinMax(m, true) }

// defineSign adds mathfn.Sign to m: 1 if x > 0, -1 if x < 0, else x
// itself (±0, and a NaN with its payload).
func defineSign(m *ll.Module) *ll.Func {
	f, ps, b := newInline(m, signInlineName, "x")
	x := ps[0]
	res := b.NewSelect(b.NewFCmp(enum.FPredOLT, x, fZero), f64bits(0xBFF0000000000000), x)
	res = b.NewSelect(b.NewFCmp(enum.FPredOGT, x, fZero), fOne, res)
	b.NewRet(res)
	return f
}
