package lang

import (
	"math"

	"github.com/alecthomas/participle/v2/lexer"
)

// This file serves NIR export (lang/nir): it evaluates a neuron's equations
// at chosen values of its variables, which is how the exporter finds the
// linear form of an ODE without a second symbolic algebra.

// EvalExpr evaluates a checked expression in SI units. value gives the
// value of each symbol a name denotes (ok false: it has none here, and the
// evaluation fails with a reason); a let definition is evaluated through its
// own expression. Functions fold as constant evaluation folds them.
func (p *Program) EvalExpr(e *Expr, value func(*Symbol) (float64, bool)) (float64, string) {
	if e == nil {
		return 0, "no expression"
	}
	return p.evalNode((&converter{diags: &Diagnostics{}}).expr(e), value, 0)
}

func (p *Program) evalNode(n Node, value func(*Symbol) (float64, bool), depth int) (float64, string) {
	q, why := constEval(n, func(ref *NameRef) (Constant, string) {
		sym := p.Info.Uses[ref]
		if sym == nil {
			// The checker records no symbol for a unit used as a value
			// (1 mV / sqrt(ms)) or for a noise name.
			name := ref.Dotted()
			if isNoiseName(name) {
				return Constant{}, "white noise " + name
			}
			if u, ok := units[name]; ok {
				return Constant{Value: u.Scale}, ""
			}
			return Constant{}, "the name " + name + " has no value here"
		}
		switch {
		case sym.Kind == SymUnit:
			return Constant{Value: units[sym.Name].Scale}, ""
		case sym.Kind == SymBuiltin && sym.Name == "pi":
			return Constant{Value: math.Pi}, ""
		case isNoiseName(sym.Name):
			return Constant{}, "white noise " + sym.Name
		}
		if sym.Kind == SymLet && depth < 64 {
			if let, ok := sym.Decl.(*Let); ok {
				v, why := p.evalNode((&converter{diags: &Diagnostics{}}).expr(let.Value), value, depth+1)
				return Constant{Value: v}, why
			}
		}
		v, ok := value(sym)
		if !ok {
			return Constant{}, "the name " + ref.Dotted() + " has no value here"
		}
		return Constant{Value: v}, ""
	})
	return q.Value, why
}

// ExprPos is where a grammar expression starts.
func ExprPos(e *Expr) Pos { return exprPos(e) }

// PosFromLexer converts a grammar node's position (its Pos field) to a Pos.
func PosFromLexer(p lexer.Position) Pos { return posOf(p) }
