package ir

import "math"

// Math is the library of math functions the IR's ops are defined with:
// the one implementation every backend reproduces bit for bit
// (runtime/mathfn in Go, runtime/c/mathfn.c in C). runtime/mathfn's Lib
// satisfies it.
//
// The evaluator takes the library as an argument rather than importing
// it because ir imports nothing of the project: the IR says which
// function an op computes, the runtime owns how its bits are computed
// (generated tables, a C port kept in step by tests). Passing the library
// keeps that split visible at every call, and a test can hand in another
// library to see that a result really came from it.
//
// The ops IEEE 754 rounds exactly (sqrt, abs, floor, ceil, rem) are not
// in Math: Go's math package computes them correctly on every machine.
type Math interface {
	Exp(x float64) float64
	Log(x float64) float64
	Log10(x float64) float64
	Sin(x float64) float64
	Cos(x float64) float64
	Tanh(x float64) float64
	Exprel(x float64) float64
	Pow(x, y float64) float64
	// Min and Max return NaN if either operand is NaN and order -0
	// below +0; Sign is -1, 0 or 1, zeros and NaN being their own sign.
	Min(x, y float64) float64
	Max(x, y float64) float64
	Sign(x float64) float64
}

// Arith computes a numeric op on f64 operands x (and y, for an op of two
// operands) as every backend does: IEEE arithmetic rounded to nearest in
// the order given, and lib's math functions. It reports false for an op
// that is not arithmetic (a comparison, a load, a control-flow op, ...).
// Constant folding, the symbolic propagator, the ODE pass and the FPGA
// backend's compile-time evaluation all compute through it, so an op's
// meaning on f64 is written once.
func Arith(lib Math, op Op, x, y float64) (float64, bool) {
	switch op {
	case OpNeg:
		return -x, true
	case OpAdd:
		return x + y, true
	case OpSub:
		return x - y, true
	case OpMul:
		return x * y, true
	case OpDiv:
		return x / y, true
	case OpRem:
		return math.Mod(x, y), true
	case OpMin:
		return lib.Min(x, y), true
	case OpMax:
		return lib.Max(x, y), true
	case OpExp:
		return lib.Exp(x), true
	case OpLog:
		return lib.Log(x), true
	case OpLog10:
		return lib.Log10(x), true
	case OpSqrt:
		return math.Sqrt(x), true
	case OpSin:
		return lib.Sin(x), true
	case OpCos:
		return lib.Cos(x), true
	case OpTanh:
		return lib.Tanh(x), true
	case OpExprel:
		return lib.Exprel(x), true
	case OpPow:
		return lib.Pow(x, y), true
	case OpAbs:
		return math.Abs(x), true
	case OpFloor:
		return math.Floor(x), true
	case OpCeil:
		return math.Ceil(x), true
	case OpSign:
		return lib.Sign(x), true
	}
	return 0, false
}

// Compare computes a comparison op on f64 operands: IEEE comparisons,
// false whenever an operand is NaN (ne: true). It reports false for an op
// that is not a comparison.
func Compare(op Op, x, y float64) (result, ok bool) {
	switch op {
	case OpLt:
		return x < y, true
	case OpLe:
		return x <= y, true
	case OpGt:
		return x > y, true
	case OpGe:
		return x >= y, true
	case OpEq:
		return x == y, true
	case OpNe:
		return x != y, true
	}
	return false, false
}
