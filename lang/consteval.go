package lang

import (
	"math"

	"snnc/runtime/mathfn"
)

// Constant is a compile-time value in SI base units with its dimension.
type Constant struct {
	Value float64
	Dim   Dim
}

// constEval evaluates a type-checked expression at compile time: numbers
// with units, arithmetic, and the functions whose value does not depend on
// a backend (folded with Go's math package). resolve gives the value of a
// name or says why it has none; the checker resolves through scopes, the
// lowering through the checker's Uses and the parameter values it knows.
func constEval(n Node, resolve func(*NameRef) (Constant, string)) (q Constant, why string) {
	switch n := n.(type) {
	case *NumberLit:
		if n.Unit == "" {
			return Constant{Value: n.Value}, ""
		}
		u, ok := units[n.Unit]
		if !ok {
			return q, "unknown unit " + n.Unit
		}
		return Constant{Value: n.Value * u.Scale, Dim: u.Dim}, ""
	case *NameRef:
		return resolve(n)
	case *UnaryNode:
		if n.Op == "not" {
			return q, "a condition is not a number"
		}
		x, why := constEval(n.X, resolve)
		if n.Op == "-" {
			x.Value = -x.Value
		}
		return x, why
	case *BinaryNode:
		x, why := constEval(n.X, resolve)
		if why != "" {
			return x, why
		}
		y, why := constEval(n.Y, resolve)
		if why != "" {
			return y, why
		}
		switch n.Op {
		case "+":
			return Constant{x.Value + y.Value, x.Dim}, ""
		case "-":
			return Constant{x.Value - y.Value, x.Dim}, ""
		case "*":
			return Constant{x.Value * y.Value, x.Dim.Mul(y.Dim)}, ""
		case "/":
			return Constant{x.Value / y.Value, x.Dim.Div(y.Dim)}, ""
		case "%":
			return Constant{math.Mod(x.Value, y.Value), x.Dim}, ""
		case "**":
			d, _ := x.Dim.PowHalf(int(2 * y.Value)) // the checker refused other powers
			return Constant{mathfn.Pow(x.Value, y.Value), d}, ""
		}
		return q, "a condition is not a number"
	case *CallExpr:
		return constCall(n, resolve)
	}
	return q, "not a number"
}

// constFuncs are the functions constEval folds, with the dimension of their
// result given the dimension of their first argument.
var constFuncs = map[string]struct {
	eval func(args []float64) float64
	dim  func(Dim) Dim
}{
	"exp":    {func(a []float64) float64 { return mathfn.Exp(a[0]) }, dimensionless},
	"log":    {func(a []float64) float64 { return mathfn.Log(a[0]) }, dimensionless},
	"log10":  {func(a []float64) float64 { return mathfn.Log10(a[0]) }, dimensionless},
	"sqrt":   {func(a []float64) float64 { return math.Sqrt(a[0]) }, func(d Dim) Dim { d, _ = d.Sqrt(); return d }},
	"abs":    {func(a []float64) float64 { return math.Abs(a[0]) }, sameDim},
	"floor":  {func(a []float64) float64 { return math.Floor(a[0]) }, sameDim},
	"ceil":   {func(a []float64) float64 { return math.Ceil(a[0]) }, sameDim},
	"min":    {func(a []float64) float64 { return mathfn.Min(a[0], a[1]) }, sameDim},
	"max":    {func(a []float64) float64 { return mathfn.Max(a[0], a[1]) }, sameDim},
	"clip":   {func(a []float64) float64 { return mathfn.Min(mathfn.Max(a[0], a[1]), a[2]) }, sameDim},
	"exprel": {func(a []float64) float64 { return mathfn.Exprel(a[0]) }, dimensionless},
	"int":    {func(a []float64) float64 { return constTrunc(a[0]) }, dimensionless},
	"pow":    {func(a []float64) float64 { return mathfn.Pow(a[0], a[1]) }, dimensionless},
}

func dimensionless(Dim) Dim { return Dimensionless }
func sameDim(d Dim) Dim     { return d }

func constCall(n *CallExpr, resolve func(*NameRef) (Constant, string)) (q Constant, why string) {
	f, ok := constFuncs[n.Func]
	if !ok || n.Func == "max" && len(n.Args) != 2 {
		return q, n.Func + "() is not evaluated at compile time"
	}
	args := make([]float64, len(n.Args))
	var first Dim
	for i, a := range n.Args {
		v, why := constEval(a.X, resolve)
		if why != "" {
			return v, why
		}
		if i == 0 {
			first = v.Dim
		}
		args[i] = v.Value
	}
	return Constant{Value: f.eval(args), Dim: f.dim(first)}, ""
}

// constTrunc is int(x) as the lowering computes it (truncate): +0 for
// every x in (-1, 0].
func constTrunc(x float64) float64 {
	if x <= -1 {
		return math.Ceil(x)
	}
	return mathfn.Max(math.Floor(x), 0)
}
