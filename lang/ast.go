package lang

import (
	"math"
	"strconv"
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
}

// ListLit is [a, b, c].
type ListLit struct {
	At    Pos
	Elems []Node
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
	x := c.and(e.Left)
	for _, r := range e.Rest {
		x = &BinaryNode{At: posOf(r.Pos), Op: "or", X: x, Y: c.and(r)}
	}
	e.X = x
	return x
}

func (c *converter) and(e *AndExpr) Node {
	x := c.not(e.Left)
	for _, r := range e.Rest {
		x = &BinaryNode{At: posOf(r.Pos), Op: "and", X: x, Y: c.not(r)}
	}
	return x
}

func (c *converter) not(e *NotExpr) Node {
	if e.Not != nil {
		return &UnaryNode{At: posOf(e.Pos), Op: "not", X: c.not(e.Not)}
	}
	return c.cmp(e.Cmp)
}

func (c *converter) cmp(e *CmpExpr) Node {
	x := c.add(e.Left)
	for _, r := range e.Rest {
		x = &BinaryNode{At: posOf(r.Pos), Op: r.Op, X: x, Y: c.add(r.Right)}
	}
	return x
}

func (c *converter) add(e *AddExpr) Node {
	x := c.mul(e.Left)
	for _, r := range e.Rest {
		x = &BinaryNode{At: posOf(r.Pos), Op: r.Op, X: x, Y: c.mul(r.Right)}
	}
	return x
}

func (c *converter) mul(e *MulExpr) Node {
	x := c.unary(e.Left)
	for _, r := range e.Rest {
		x = &BinaryNode{At: posOf(r.Pos), Op: r.Op, X: x, Y: c.unary(r.Right)}
	}
	return x
}

func (c *converter) unary(e *UnaryExpr) Node {
	if e.Pow != nil {
		return c.pow(e.Pow)
	}
	return &UnaryNode{At: posOf(e.Pos), Op: e.Op, X: c.unary(e.Operand)}
}

func (c *converter) pow(e *PowExpr) Node {
	base := c.primary(e.Base)
	if e.Exponent == nil {
		return base
	}
	// The operator's position is not kept by the grammar; the exponent's
	// start is the closest thing to it.
	return &BinaryNode{At: posOf(e.Exponent.Pos), Op: "**", X: base, Y: c.unary(e.Exponent)}
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
		return c.expr(p.Paren[0])
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
	if err != nil || math.IsInf(v, 0) {
		c.diags.Hintf(n.At, "the largest number is about 1.8e308", "number %s is out of range", q.Value)
	}
	n.Value = v
	if q.Unit != nil {
		n.Unit = q.Unit.Name
		n.UnitPos = posOf(q.Unit.Pos)
	}
	return n
}
