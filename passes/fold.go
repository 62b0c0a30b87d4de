package passes

import (
	"math"

	"snnc/ir"
	"snnc/runtime/mathfn"
)

// Fold evaluates instructions whose operands are constants and applies
// the simplifications that are exact in IEEE arithmetic: x*1, x/1, x-0,
// --x, and select on a constant condition. (x+0 is not one: -0 + 0 is +0.)
func Fold(m *ir.Module) error {
	m.Kernels(func(_ string, k *ir.Kernel) { foldKernel(k) })
	return nil
}

func foldKernel(k *ir.Kernel) {
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			squareToMul(in)
			if v, ok := foldConst(in); ok {
				in.Op, in.Aux, in.Args = ir.OpConst, v, nil
				continue
			}
			if r := simplify(in); r != nil {
				replaceUses(k, in, r)
			}
		}
	}
	dceKernel(k)
}

// squareToMul rewrites x ** 2 as x * x, the correctly rounded square,
// which pow only approximates (within an ulp) and at many times the cost.
// It runs before constant folding so that a constant square folds the
// same way.
func squareToMul(in *ir.Instr) {
	if in.Op != ir.OpPow {
		return
	}
	if y, ok := constOf(in.Args[1]); ok && y == 2 {
		in.Op, in.Args = ir.OpMul, []ir.Value{in.Args[0], in.Args[0]}
	}
}

func constOf(v ir.Value) (float64, bool) {
	in, ok := v.(*ir.Instr)
	if !ok {
		return 0, false
	}
	return in.Const()
}

func boolOf(v ir.Value) (bool, bool) {
	in, ok := v.(*ir.Instr)
	if !ok || in.Op != ir.OpConst {
		return false, false
	}
	b, ok := in.Aux.(bool)
	return b, ok
}

// foldConst computes an instruction on constant operands. The results are
// the IEEE results Go computes; the math functions are folded with Go's
// math package at compile time.
func foldConst(in *ir.Instr) (any, bool) {
	if !in.HasResult() || in.Op == ir.OpConst || len(in.Args) == 0 || in.Typ.Kind == ir.Fixed {
		return nil, false
	}
	nums := make([]float64, len(in.Args))
	bools := make([]bool, len(in.Args))
	for i, a := range in.Args {
		if x, ok := constOf(a); ok {
			nums[i] = x
		} else if b, ok := boolOf(a); ok {
			bools[i] = b
		} else {
			return nil, false
		}
	}
	x := nums[0]
	var y float64
	if len(nums) > 1 {
		y = nums[1]
	}
	if r, ok := arith(in.Op, x, y); ok {
		return r, true
	}
	switch in.Op {
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe:
		if in.Args[0].Type() != ir.TF64 {
			return nil, false
		}
		r, _ := ir.Compare(in.Op, x, y)
		return r, true
	case ir.OpEq, ir.OpNe:
		eq := x == y
		if in.Args[0].Type() == ir.TBool {
			eq = bools[0] == bools[1]
		}
		return eq == (in.Op == ir.OpEq), true
	case ir.OpAnd:
		return bools[0] && bools[1], true
	case ir.OpOr:
		return bools[0] || bools[1], true
	case ir.OpNot:
		return !bools[0], true
	}
	return nil, false
}

// simplify returns a value that in can be replaced by, or nil.
func simplify(in *ir.Instr) ir.Value {
	isConst := func(v ir.Value, c float64) bool {
		x, ok := constOf(v)
		return ok && x == c && !math.Signbit(x)
	}
	switch in.Op {
	case ir.OpMul:
		if isConst(in.Args[1], 1) {
			return in.Args[0]
		}
		if isConst(in.Args[0], 1) {
			return in.Args[1]
		}
	case ir.OpDiv:
		if isConst(in.Args[1], 1) {
			return in.Args[0]
		}
	case ir.OpSub:
		if isConst(in.Args[1], 0) {
			return in.Args[0]
		}
	case ir.OpNeg:
		if inner, ok := in.Args[0].(*ir.Instr); ok && inner.Op == ir.OpNeg {
			return inner.Args[0]
		}
	case ir.OpSelect:
		if c, ok := boolOf(in.Args[0]); ok {
			if c {
				return in.Args[1]
			}
			return in.Args[2]
		}
	}
	return nil
}

// arith computes a numeric op as every backend does (ir.Arith), with
// snnc's one implementation of the math functions.
func arith(op ir.Op, x, y float64) (float64, bool) { return ir.Arith(mathfn.Lib, op, x, y) }
