package ir

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuxSyntaxes: every aux kind can be checked, printed and parsed, and
// every op's aux kind is one of them.
func TestAuxSyntaxes(t *testing.T) {
	for k, syn := range auxSyntaxes {
		assert.True(t, syn.check != nil && syn.format != nil && syn.parse != nil, "aux kind %d", k)
	}
	for _, op := range Ops() {
		assert.Less(t, op.Info().Aux, numAuxKinds, "%s", op)
		assert.NotEmpty(t, op.Info().Name)
		assert.NotEmpty(t, op.Info().Example(), "%s has no example", op)
	}
}

// TestOpExamples: the example in each op's doc is read by the parser and
// written back by the printer byte for byte, through the op's aux
// syntax: the table's examples are real printed forms.
func TestOpExamples(t *testing.T) {
	for _, op := range Ops() {
		ex := op.Info().Example()
		t.Run(op.String(), func(t *testing.T) {
			toks := tokenize(ex)
			kp := &kernelParser{p: &parser{toks: toks}, k: &Kernel{}, values: map[string]Value{}, blocks: map[string]*Block{}}
			// Operands are block parameters numbered as the example
			// numbers them; the result's number is the example's.
			for n := 0; n < 20; n++ {
				bp := &BlockParam{Typ: TF64}
				bp.n = n
				kp.values[fmt.Sprintf("%%%d", n)] = bp
			}
			if len(toks) > 1 && toks[1] == "=" {
				delete(kp.values, toks[0])
			}
			in, err := kp.instr(toks)
			require.NoError(t, err)
			assert.Equal(t, op, in.Op)
			for name, b := range kp.blocks {
				b.Index, _ = strconv.Atoi(name[1:])
			}
			if in.HasResult() {
				in.n, _ = strconv.Atoi(toks[0][1:])
			}
			assert.Equal(t, ex, FormatInstr(in))
		})
	}
}

// opDocList is the op list of doc.go, as the table gives it.
func opDocList() string {
	results := map[resultRule]string{resVoid: "-", resAttr: "attr", resSame: "same", resBool: "bool", resSecondThird: "sel"}
	// A blank line before each group of the Op constants.
	groups := map[Op]bool{OpNeg: true, OpExp: true, OpLt: true, OpConvert: true, OpODE: true, OpBr: true}
	var b strings.Builder
	line := func(s string) { b.WriteString(strings.TrimRight("//\t"+s, " ") + "\n") }
	line("op         args result flags what it computes")
	line(strings.Repeat(" ", 29) + "example printed form")
	line(strings.Repeat(" ", 29) + "fixed: what it computes on fixed point, where allowed")
	for _, op := range Ops() {
		info := op.Info()
		if op == OpInvalid+1 || groups[op] {
			b.WriteString("//\n")
		}
		args := "n"
		if info.Args >= 0 {
			args = strconv.Itoa(info.Args)
		}
		if info.Targets > 0 {
			args += fmt.Sprintf("+%db", info.Targets)
		}
		flags := ""
		for _, f := range []struct {
			on bool
			s  string
		}{{info.Commutative, "C"}, {info.Terminator, "T"}, {info.SideEffect, "S"}} {
			if f.on {
				flags += f.s
			}
		}
		if flags == "" {
			flags = "-"
		}
		line(fmt.Sprintf("%-10s %-4s %-6s %-5s %s", info.Name, args, results[info.Result], flags, info.Summary()))
		line(strings.Repeat(" ", 29) + info.Example())
		if info.Fixed != "" {
			line(strings.Repeat(" ", 29) + "fixed: " + info.Fixed)
		}
	}
	return b.String()
}

// TestDocListsEveryOp: the op list of doc.go is the table's, row for
// row: an op added to, changed in or removed from the table without
// doc.go fails here. The message gives the list to paste.
func TestDocListsEveryOp(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	want := opDocList()
	start := strings.Index(string(src), "//\top         args")
	require.GreaterOrEqual(t, start, 0, "doc.go has no op list")
	rest := string(src[start:])
	end := strings.Index(rest, "//\n// A load reads")
	require.GreaterOrEqual(t, end, 0, "doc.go's op list must be followed by the paragraph on loads")
	if got := rest[:end]; got != want {
		t.Errorf("doc.go's op list differs from opTable; it should be:\n%s", want)
	}
}

// TestSpecListsEveryOp: spec/ir.md's op table has one row per op of
// opTable, in its order, with the table's example, and its table of
// fixed-point semantics has the table's Fixed text for exactly the ops
// that have one.
func TestSpecListsEveryOp(t *testing.T) {
	src, err := os.ReadFile("../spec/ir.md")
	require.NoError(t, err)
	text := string(src)
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9]+)` \\|(.*)\\|$")
	section := func(heading string) string {
		start := strings.Index(text, heading+"\n")
		require.GreaterOrEqual(t, start, 0, "spec/ir.md has no %q", heading)
		rest := text[start+len(heading):]
		if end := regexp.MustCompile(`(?m)^##`).FindStringIndex(rest); end != nil {
			rest = rest[:end[0]]
		}
		return rest
	}
	var ops, fixed []string
	examples, fixedText := map[string]string{}, map[string]string{}
	for _, m := range row.FindAllStringSubmatch(section("## Ops"), -1) {
		cells := strings.Split(m[2], " | ")
		ops = append(ops, m[1])
		examples[m[1]] = strings.Trim(strings.TrimSpace(cells[len(cells)-1]), "`")
	}
	for _, m := range row.FindAllStringSubmatch(section("### Fixed point"), -1) {
		fixed = append(fixed, m[1])
		fixedText[m[1]] = strings.TrimSpace(m[2])
	}
	var wantOps, wantFixed []string
	for _, op := range Ops() {
		info := op.Info()
		wantOps = append(wantOps, info.Name)
		assert.Equal(t, info.Example(), examples[info.Name], "the example of %s in spec/ir.md", op)
		if info.Fixed != "" {
			wantFixed = append(wantFixed, info.Name)
			assert.Equal(t, info.Fixed, fixedText[info.Name], "the fixed-point semantics of %s in spec/ir.md", op)
		}
	}
	assert.Equal(t, wantOps, ops, "the ops of spec/ir.md's table")
	assert.Equal(t, wantFixed, fixed, "the ops of spec/ir.md's fixed-point table")
}

// TestVerifierReadsTheTable: an attribute not of the op's aux kind, and
// fixed point on an op the table does not define on it, are refused with
// the instruction named.
func TestVerifierReadsTheTable(t *testing.T) {
	const src = `  kernel update {
  b0:
    %0 = load v : f64
    %1 = convert %0 : fx16.8
    %2 = add %1, %1 : fx16.8
    %3 = time : f64
    %4 = tracedecay %3, 0.02 : fx16.15
    %5 = lt %2, %4 : bool
    br b1()
  b1:
    ret
  }
`
	cases := []struct {
		name   string
		change func(b []*Instr)
		want   string
	}{
		{"an attribute on add", func(b []*Instr) { b[2].Aux = "v" }, "%2 = add %1, %1 : fx16.8: add takes no attribute, not string"},
		{"load without a name", func(b []*Instr) { b[0].Aux = 3.0 }, "load without a variable name"},
		{"tracedecay without a time constant", func(b []*Instr) { b[4].Aux = -1.0 }, "tracedecay needs a positive time constant"},
		{"dither from f64", func(b []*Instr) { b[1].Aux = Dither{Stream: 4} }, "%1 = convert %0 dither stream=4 : fx16.8: dither converts between fixed-point formats only"},
		{"convert with a name", func(b []*Instr) { b[1].Aux = "v" }, "convert with an attribute of string"},
		{"exp on fixed point", func(b []*Instr) { b[2].Op, b[2].Args = OpExp, b[2].Args[:1] }, "%2 = exp %1 : fx16.8: exp is not defined on fixed point"},
		{"and of fixed point", func(b []*Instr) { b[5].Op = OpAnd }, "and is not defined on fixed point"},
		{"br without its target", func(b []*Instr) { b[6].Targets = nil }, "br takes 1 targets, not 0"},
	}
	m, err := Parse(mod(src))
	require.NoError(t, err)
	require.NoError(t, Verify(m), "the unchanged kernel verifies")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(mod(src))
			require.NoError(t, err)
			c.change(m.Populations[0].Kernels[0].Blocks[0].Instrs)
			err = Verify(m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
