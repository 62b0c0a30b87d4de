package lang

import (
	"math"
	"strconv"
	"strings"
)

// Node is an expression in tree form, converted from the grammar's
// precedence levels right after parsing. The checker records each node's
// type and each name's meaning in side tables (see Info), as go/types does.
type Node interface {
	// Pos is where the expression starts; for a binary expression, its
	// operator, which is where a mismatch between the operands is reported.
	Pos() Pos
}

// NumberLit is a number with an optional unit (20 ms). Value is as
// written; the unit is applied by the checker.
type NumberLit struct {
	At      Pos
	Text    string
	Value   float64
	Unit    string
	UnitPos Pos
}

// StringLit is a string, such as a file name.
type StringLit struct {
	At    Pos
	Value string
}

// BoolLit is true or false.
type BoolLit struct {
	At    Pos
	Value bool
}

// NameRef is a name or a dotted path: v, post.ge, exc.v.
type NameRef struct {
	At    Pos
	Parts []string
}

// CallExpr is a call of a built-in function or distribution.
type CallExpr struct {
	At   Pos
	Func string
	Args []CallArg
}

// CallArg is one argument; Name is empty for a positional one.
type CallArg struct {
	At   Pos
	Name string
	X    Node
}

// UnaryExpr is -x, +x or not x.
type UnaryNode struct {
	At Pos
	Op string
	X  Node
}

// BinaryNode is x op y for the arithmetic, comparison and logical
// operators, including **.
type BinaryNode struct {
	At   Pos
	Op   string
	X, Y Node
	// Parens is set when the source wrote the expression in parentheses,
	// so that (a < b) == (c < d) is not taken for a chained comparison.
	Parens bool
}

// ListLit is [a, b, c].
type ListLit struct {
	At    Pos
	Elems []Node
}

// BadExpr stands for an expression that was reported as too large; the
// checker gives it no type and no further error.
type BadExpr struct {
	At Pos
}

// TupleLit is (a, b): an element of a list of pairs.
type TupleLit struct {
	At    Pos
	Elems []Node
}

func (n *NumberLit) Pos() Pos  { return n.At }
func (n *StringLit) Pos() Pos  { return n.At }
func (n *BoolLit) Pos() Pos    { return n.At }
func (n *NameRef) Pos() Pos    { return n.At }
func (n *CallExpr) Pos() Pos   { return n.At }
func (n *UnaryNode) Pos() Pos  { return n.At }
func (n *BinaryNode) Pos() Pos { return n.At }
func (n *ListLit) Pos() Pos    { return n.At }
func (n *TupleLit) Pos() Pos   { return n.At }
func (n *BadExpr) Pos() Pos    { return n.At }

// Dotted returns the name as written: post.ge.
func (n *NameRef) Dotted() string { return joinDots(n.Parts) }

func joinDots(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

// converter turns grammar-shaped expressions into Nodes.
type converter struct {
	diags *Diagnostics
}

func (c *converter) expr(e *Expr) Node {
	if e == nil {
		return nil
	}
	if e.X != nil {
		return e.X
	}
	// The tree is walked recursively; bound its depth so that no input can
	// exhaust the stack.
	if len(e.Rest) > maxOperators {
		c.diags.Hintf(posOf(e.Pos), "split it up with let definitions", "expression has more than %d operators", maxOperators)
		e.X = &BadExpr{At: posOf(e.Pos)}
		return e.X
	}
	p := &precedenceParser{c: c, first: e.First, rest: e.Rest}
	e.X = p.parse(precLowest)
	return e.X
}

// maxOperators bounds the binary operators in one expression.
const maxOperators = 10000

// Operator precedences, loosest first. Prefix not sits between and and the
// comparisons (not a < b is not (a < b)); prefix minus sits between the
// products and ** (-x**2 is -(x**2), -a*b is (-a)*b).
const (
	precLowest = iota
	precOr
	precAnd
	precNot
	precCompare
	precSum
	precProduct
	precUnary
	precPower
)

var binaryPrec = map[string]int{
	"or": precOr, "and": precAnd,
	"<": precCompare, "<=": precCompare, ">": precCompare, ">=": precCompare, "==": precCompare, "!=": precCompare,
	"+": precSum, "-": precSum, "*": precProduct, "/": precProduct, "%": precProduct, "**": precPower,
}

// precedenceParser builds a tree from the flat operand/operator list of an
// Expr by precedence climbing.
type precedenceParser struct {
	c     *converter
	first *UnaryExpr
	rest  []*BinaryOp
	next  int // index into rest of the next binary operator
}

// parse reads operands and the operators that bind tighter than min.
func (p *precedenceParser) parse(min int) Node {
	var x Node
	if p.next == 0 && p.first != nil {
		u := p.first
		p.first = nil
		x = p.unary(u, 0)
	} else {
		x = p.unary(p.rest[p.next-1].Right, 0)
	}
	return p.climb(x, min)
}

// climb extends x with the binary operators that bind tighter than min.
func (p *precedenceParser) climb(x Node, min int) Node {
	for p.next < len(p.rest) {
		op := p.rest[p.next]
		prec := binaryPrec[op.Op]
		if prec <= min {
			break
		}
		p.next++
		// ** is right-associative: its right side may hold another **.
		rhsMin := prec
		if op.Op == "**" {
			rhsMin = precPower - 1
		}
		x = &BinaryNode{At: posOf(op.Pos), Op: op.Op, X: x, Y: p.parse(rhsMin)}
	}
	return x
}

// unary applies the prefix operators of u from index k on. The operand of
// a prefix operator extends over the operators that bind tighter than it.
func (p *precedenceParser) unary(u *UnaryExpr, k int) Node {
	if len(u.Ops) > maxNesting {
		p.c.diags.Errorf(posOf(u.Pos), "more than %d prefix operators in a row", maxNesting)
		return &BadExpr{At: posOf(u.Pos)}
	}
	if k == len(u.Ops) {
		return p.c.primary(u.Operand)
	}
	op := u.Ops[k]
	prec := precUnary
	if op == "not" {
		prec = precNot
	}
	operand := p.climb(p.unary(u, k+1), prec)
	return &UnaryNode{At: posOf(u.Pos), Op: op, X: operand}
}

func (c *converter) primary(p *Primary) Node {
	at := posOf(p.Pos)
	switch {
	case p.Number != nil:
		return c.number(p.Number)
	case p.String != nil:
		return &StringLit{At: at, Value: *p.String}
	case p.Bool != nil:
		return &BoolLit{At: at, Value: *p.Bool == "true"}
	case p.Call != nil:
		call := &CallExpr{At: at, Func: p.Call.Func}
		for _, a := range p.Call.Args {
			call.Args = append(call.Args, CallArg{At: posOf(a.Pos), Name: a.Name, X: c.expr(a.Value)})
		}
		return call
	case p.Ref != nil:
		return &NameRef{At: at, Parts: p.Ref.Parts}
	case len(p.Paren) == 1:
		x := c.expr(p.Paren[0])
		if b, ok := x.(*BinaryNode); ok {
			b.Parens = true
		}
		return x
	case len(p.Paren) > 1:
		t := &TupleLit{At: at}
		for _, e := range p.Paren {
			t.Elems = append(t.Elems, c.expr(e))
		}
		return t
	case p.List != nil:
		l := &ListLit{At: at}
		for _, e := range p.List.Elems {
			l.Elems = append(l.Elems, c.expr(e))
		}
		return l
	}
	panic("lang: empty Primary from the parser")
}

func (c *converter) number(q *Quantity) Node {
	n := &NumberLit{At: posOf(q.Pos), Text: q.Value}
	v, err := strconv.ParseFloat(q.Value, 64)
	switch {
	case err != nil || math.IsInf(v, 0):
		c.diags.Hintf(n.At, "the largest number is about 1.8e308", "number %s is out of range", q.Value)
	case v == 0 && strings.Trim(strings.Split(strings.ToLower(q.Value), "e")[0], "0.") != "":
		// A tiny number must not turn into the plain 0 that fits any unit.
		c.diags.Hintf(n.At, "the smallest number is about 5e-324", "number %s is too small and would be 0", q.Value)
	}
	n.Value = v
	if q.Unit != nil {
		n.Unit = q.Unit.Name
		n.UnitPos = posOf(q.Unit.Pos)
	}
	return n
}
