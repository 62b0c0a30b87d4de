package lang

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sexpr prints a tree with every operator parenthesised.
func sexpr(n Node) string {
	switch n := n.(type) {
	case *NumberLit:
		if n.Unit != "" {
			return n.Text + n.Unit
		}
		return n.Text
	case *NameRef:
		return n.Dotted()
	case *BoolLit:
		return fmt.Sprint(n.Value)
	case *UnaryNode:
		return "(" + n.Op + " " + sexpr(n.X) + ")"
	case *BinaryNode:
		return "(" + sexpr(n.X) + " " + n.Op + " " + sexpr(n.Y) + ")"
	case *CallExpr:
		var args []string
		for _, a := range n.Args {
			args = append(args, sexpr(a.X))
		}
		return n.Func + "(" + strings.Join(args, ", ") + ")"
	}
	return fmt.Sprintf("%T", n)
}

func TestPrecedence(t *testing.T) {
	cases := []struct{ src, want string }{
		{"a + b * c", "(a + (b * c))"},
		{"a * b + c", "((a * b) + c)"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b / c", "((a / b) / c)"},
		{"-x**2", "(- (x ** 2))"},
		{"-a * b", "((- a) * b)"},
		{"a ** b ** c", "(a ** (b ** c))"},
		{"2 ** -1", "(2 ** (- 1))"},
		{"a * -b", "(a * (- b))"},
		{"not a < b and c", "((not (a < b)) and c)"},
		{"a or b and c", "(a or (b and c))"},
		{"a < b + c", "(a < (b + c))"},
		{"60 * 0.27 / 10 mV", "((60 * 0.27) / 10mV)"},
		{"(a + b) * c", "((a + b) * c)"},
		{"- - a", "(- (- a))"},
		{"f(a + b, -c) * 2", "(f((a + b), (- c)) * 2)"},
		{"a < b < c", "((a < b) < c)"},
		{"not not a or b", "((not (not a)) or b)"},
	}
	for _, c := range cases {
		var diags Diagnostics
		f := ParseFile("x.snn", []byte("param x = "+c.src), &diags)
		require.NoError(t, diags.Err(), c.src)
		require.Len(t, f.Decls, 1)
		conv := converter{diags: &diags}
		got := sexpr(conv.expr(f.Decls[0].(*Param).Default))
		assert.Equal(t, c.want, got, c.src)
	}
}

func TestLexerUnits(t *testing.T) {
	cases := []struct{ src, want string }{
		{"20 ms", "Number:20 Unit:ms"},
		{"20ms", "Number:20 Unit:ms"},
		{"1.5e-3 mV", "Number:1.5e-3 Unit:mV"},
		{"a = 0.02  b = 0.2", "Ident:a Punct:= Number:0.02 Ident:b Punct:= Number:0.2"},
		{"x = 0.5\nm = 1", "Ident:x Punct:= Number:0.5 Ident:m Punct:= Number:1"},
		{"-v / 10 unless refractory", "Punct:- Ident:v Punct:/ Number:10 Keyword:unless Keyword:refractory"},
		{"v == 2 mV", "Ident:v Punct:== Number:2 Unit:mV"},
		{"5.ms", "Number:5 Punct:. Ident:ms"},
		{".5 s", "Number:.5 Unit:s"},
		{"dv/dt", "Ident:dv Punct:/ Ident:dt"},
		{"post.ge += w // comment", "Ident:post Punct:. Ident:ge Punct:+= Ident:w"},
		{"a /* x */ b", "Ident:a Ident:b"},
		{`"a\"b"`, `String:a"b`},
		{"10 MΩ", "Number:10 Unit:MΩ"},
	}
	names := map[int]string{}
	for n, tt := range tokenNames {
		names[int(tt)] = n
	}
	for _, c := range cases {
		var diags Diagnostics
		toks, _ := scan("x", []byte(c.src), &diags)
		require.NoError(t, diags.Err(), c.src)
		var parts []string
		for _, tok := range toks[:len(toks)-1] {
			parts = append(parts, names[int(tok.Type)]+":"+tok.Value)
		}
		assert.Equal(t, c.want, strings.Join(parts, " "), c.src)
	}
}

func TestUnits(t *testing.T) {
	for _, c := range []struct {
		name  string
		dim   Dim
		scale float64
	}{
		{"mV", DimVoltage, 1e-3},
		{"ms", DimTime, 1e-3},
		{"msecond", DimTime, 1e-3},
		{"Hz", DimFrequency, 1},
		{"kHz", DimFrequency, 1e3},
		{"nA", DimCurrent, 1e-9},
		{"pF", namedDims[6].dim, 1e-12},
		{"MOhm", namedDims[7].dim, 1e6},
		{"kg", Dim{dimKilogram: one}, 1},
		{"mol", Dim{dimMole: one}, 1},
		{"mM", Dim{dimMole: one, dimMetre: -3 * one}, 1},
		{"µs", DimTime, 1e-6},
	} {
		u, ok := LookupUnit(c.name)
		require.True(t, ok, c.name)
		assert.Equal(t, c.dim, u.Dim, c.name)
		assert.InEpsilon(t, c.scale, u.Scale, 1e-12, c.name)
	}
	// The product of a resistance and a current is a voltage.
	r, _ := LookupUnit("MOhm")
	i, _ := LookupUnit("nA")
	assert.Equal(t, DimVoltage, r.Dim.Mul(i.Dim))
	assert.Equal(t, "V/s", DimVoltage.Div(DimTime).String())
	assert.Equal(t, "1/V", Dimensionless.Div(DimVoltage).String())
	assert.Equal(t, "voltage (V)", DimVoltage.Describe())
}

func TestPrintDiagnostics(t *testing.T) {
	src := []byte("neuron M {\n\tstate v: mV = 0 mV\n\tthreshold v > 1 nA\n}\n")
	_, err := (&Loader{}).Load("m.snn", src)
	list, ok := err.(ErrorList)
	require.True(t, ok)
	var b strings.Builder
	Print(&b, list, map[string][]byte{"m.snn": src})
	want := "m.snn:3:14: error: dimension mismatch: voltage (V) > current (A)\n" +
		"    \tthreshold v > 1 nA\n" +
		"    \t            ^\n" +
		"    hint: both sides must have the same dimension\n"
	assert.Equal(t, want, b.String())
}

func TestDiagnosticsSortedAndUnique(t *testing.T) {
	var ds Diagnostics
	ds.Errorf(Pos{File: "b", Line: 1, Col: 1, Offset: 0}, "z")
	ds.Errorf(Pos{File: "a", Line: 2, Col: 1, Offset: 10}, "y")
	ds.Errorf(Pos{File: "a", Line: 1, Col: 1, Offset: 0}, "x")
	ds.Errorf(Pos{File: "a", Line: 2, Col: 1, Offset: 10}, "y")
	got := ds.Sorted()
	require.Len(t, got, 3)
	assert.Equal(t, []string{"x", "y", "z"}, []string{got[0].Msg, got[1].Msg, got[2].Msg})
}

// A byte that is not UTF-8 is an error at its line and column (columns
// count runes) wherever it is: in code, a comment or a string. Only the
// file's first is reported; U+FFFD written in UTF-8 is a rune like any other.
func TestNotUTF8(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"code", "param x = 1\xe9\n", "m.snn:1:12: invalid UTF-8 byte 0xe9: a model is UTF-8 text"},
		{"line comment", "param x = 1\nparam é = 2 // caf\xe9 \xe9\n", "m.snn:2:19: invalid UTF-8 byte 0xe9: a model is UTF-8 text"},
		{"block comment", "/* ok\n  \xff */ param x = 1\n", "m.snn:2:3: invalid UTF-8 byte 0xff: a model is UTF-8 text"},
		{"string", "import \"a\xc3.snn\"\n", "m.snn:1:10: invalid UTF-8 byte 0xc3: a model is UTF-8 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := (&Loader{}).Load("m.snn", []byte(c.src))
			list, ok := err.(ErrorList)
			require.True(t, ok, "%v", err)
			var found []string
			for _, d := range list {
				if strings.Contains(d.Msg, "UTF-8") {
					found = append(found, d.Pos.String()+": "+d.Msg)
				}
			}
			assert.Equal(t, []string{c.want}, found)
		})
	}
	_, err := (&Loader{}).Load("m.snn", []byte("param x = 1 // \xef\xbf\xbd\nrun { duration = 1 ms }\n"))
	assert.NoError(t, err)
}
