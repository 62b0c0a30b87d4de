package lang

import (
	"math"
	"os"
	"strings"

	"snnc/runtime/npy"
)

// Timed arrays (spec/language.md 4.11): timedarray NAME: UNIT = VALUES
// every DT, read as NAME(t) or NAME(t, i) in currents and scheduled code.

// TimedArray is a checked timed array: Rows values in time, each of Cols
// columns, in SI units, row after row.
type TimedArray struct {
	Name   string
	Pos    Pos
	Dim    Dim
	Dt     float64
	Rows   int
	Cols   int
	Two    bool // read as NAME(t, i): a two-dimensional file
	Values []float64
}

// TimedArray returns the program's timed array called name, or nil.
func (p *Program) TimedArray(name string) *TimedArray {
	for _, ta := range p.TimedArrays {
		if ta.Name == name {
			return ta
		}
	}
	return nil
}

func (c *checker) checkTimedArray(d *TimedArrayDecl) {
	if !c.declaredBy(d.Name.Name, d) {
		return
	}
	ta := &TimedArray{Name: d.Name.Name, Pos: posOf(d.Name.Pos)}
	scale := 1.0
	if d.Unit != nil {
		dim, ok := c.unitType(d.Unit)
		if !ok {
			return
		}
		ta.Dim, scale = dim, unitScale(d.Unit)
	}
	ctx := &exprCtx{scope: c.scopeAt(d.Pos), what: "a timed array", constOnly: true}
	c.wantDim(ctx, d.Every, DimTime, "every")
	q, why := c.constValue(ctx.scope, d.Every.X)
	switch {
	case why != "":
		c.diags.Errorf(exprPos(d.Every), "a timed array's step must be a constant: %s", why)
		return
	case !(q.Value > 0) || math.IsInf(q.Value, 0):
		c.diags.Errorf(exprPos(d.Every), "a timed array's step must be a positive time, not %g s", q.Value)
		return
	}
	ta.Dt = q.Value
	t := c.expr(&exprCtx{scope: c.scopeAt(d.Pos), what: "a timed array"}, d.Values)
	switch {
	case t.Kind == KindInvalid:
		return
	case t.Kind == KindString:
		s := d.Values.X.(*StringLit)
		c.checkDataFile(s, ".npy", ".csv")
		path := DataPath(s)
		if _, err := os.Stat(path); err != nil || !strings.HasSuffix(s.Value, ".npy") && !strings.HasSuffix(s.Value, ".csv") {
			return // reported by checkDataFile
		}
		var a *npy.Array
		var err error
		if strings.HasSuffix(s.Value, ".npy") {
			a, err = npy.ReadFile(path)
		} else {
			a, err = npy.ReadCSVFile(path)
		}
		if err != nil {
			c.diags.Errorf(s.At, "data file %q: %v", s.Value, err)
			return
		}
		switch len(a.Shape) {
		case 1:
			ta.Rows, ta.Cols = a.Shape[0], 1
		case 2:
			ta.Rows, ta.Cols, ta.Two = a.Shape[0], a.Shape[1], true
		default:
			c.diags.Errorf(s.At, "data file %q has %d dimensions; a timed array has one (time) or two (time, element)", s.Value, len(a.Shape))
			return
		}
		for _, x := range a.Data {
			ta.Values = append(ta.Values, x*scale)
		}
	case t.Kind == KindList && t.Elem != nil && t.Elem.Kind == KindReal:
		if t.Elem.Dim != ta.Dim {
			c.diags.Hintf(exprPos(d.Values), dimHint(ta.Dim, t.Elem.Dim), "the values of %s are %s, not %s as declared",
				ta.Name, t.Elem.Dim.Describe(), ta.Dim.Describe())
			return
		}
		for _, e := range d.Values.X.(*ListLit).Elems {
			v, why := c.constValue(ctx.scope, e)
			if why != "" {
				c.diags.Errorf(e.Pos(), "a timed array's values must be constants: %s", why)
				return
			}
			ta.Values = append(ta.Values, v.Value)
		}
		ta.Rows, ta.Cols = len(ta.Values), 1
	default:
		c.diags.Hintf(exprPos(d.Values), "write a list such as [0 nA, 0.5 nA] or a .npy or .csv file name",
			"a timed array's values must be a list of numbers or a file, not %s", t)
		return
	}
	if ta.Rows == 0 || ta.Cols == 0 {
		c.diags.Errorf(exprPos(d.Values), "timed array %s has no values", ta.Name)
		return
	}
	for _, x := range ta.Values {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			c.diags.Errorf(exprPos(d.Values), "timed array %s holds %g; its values must be finite", ta.Name, x)
			return
		}
	}
	c.prog.TimedArrays = append(c.prog.TimedArrays, ta)
	c.all.LookupLocal(ta.Name).Net = ta
}

// unitScale is the factor from a declared unit to SI: nA is 1e-9.
func unitScale(u *UnitExpr) float64 {
	x := unitFactorScale(u.First)
	for _, r := range u.Rest {
		if r.Op == "*" {
			x *= unitFactorScale(r.Factor)
		} else {
			x /= unitFactorScale(r.Factor)
		}
	}
	return x
}

func unitFactorScale(f *UnitFactor) float64 {
	x := 1.0
	switch {
	case f.Name != "":
		x = units[f.Name].Scale
	case f.Group != nil:
		x = unitScale(f.Group)
	}
	if f.Power != "" {
		n := 0
		for _, ch := range f.Power {
			n = n*10 + int(ch-'0')
		}
		if f.Neg {
			n = -n
		}
		x = math.Pow(x, float64(n))
	}
	return x
}

// timedArrayCall checks a read of a timed array: NAME(t) or, for a
// two-dimensional one, NAME(t, i), in a current or scheduled code.
func (c *checker) timedArrayCall(ctx *exprCtx, n *CallExpr, sym *Symbol) Type {
	if ctx.what != "a current" && ctx.what != "scheduled code" {
		c.diags.Hintf(n.At, "drive a parameter with it: current NAME -> population.param = "+n.Func+"(t)",
			"timed array %s is read in currents and scheduled code, not in %s", n.Func, ctx.what)
		return invalidType
	}
	ta, _ := sym.Net.(*TimedArray)
	if ta == nil {
		return invalidType // its declaration has errors
	}
	want := 1
	if ta.Two {
		want = 2
	}
	if len(n.Args) != want {
		form := n.Func + "(t)"
		if ta.Two {
			form = n.Func + "(t, i)"
		}
		c.diags.Hintf(n.At, "read it as "+form, "timed array %s takes %d arguments, not %d", n.Func, want, len(n.Args))
		return invalidType
	}
	for k, a := range n.Args {
		if a.Name != "" {
			c.diags.Errorf(a.At, "%s takes no named arguments", n.Func)
			return invalidType
		}
		t := c.node(ctx, a.X)
		switch {
		case t.Kind == KindInvalid:
			return invalidType
		case k == 0 && (t.Kind != KindReal || t.Dim != DimTime):
			c.diags.Errorf(a.X.Pos(), "the first argument of %s is a time, not %s", n.Func, t)
			return invalidType
		case k == 1 && (t.Kind != KindReal || !t.Dim.IsDimensionless()):
			c.diags.Errorf(a.X.Pos(), "the second argument of %s is an element's index, not %s", n.Func, t)
			return invalidType
		}
	}
	return RealOf(ta.Dim)
}
