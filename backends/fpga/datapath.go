package fpga

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// A field is where a variable's raw value lives in one of the words a
// datapath reads: bits lo to lo+width-1 of the port, two's complement.
type field struct {
	word   string // the port's name: state, param, syn, post
	lo     int
	format fixed.Format
}

// A word is a port of a datapath: the state of the element it runs for,
// its parameters, a synapse's word. A word the kernel stores into is an
// output too (word_o), equal to the input but for the fields stored.
type word struct {
	name  string
	width int
	out   bool
}

// A datapath is a kernel of the quantized IR as a combinational Verilog
// module: every fixed-point operation is an instruction of
// rtl/snn_fixed.vh with its formats as constants.
type datapath struct {
	module  string
	words   []word
	streams []int // the dither streams of its stores, in port order: dither_0, ...
	// refSteps is the refractory period of a step kernel's startref in
	// steps (round(period / dt), 0 without startref).
	refSteps int64
	spike    bool // a step kernel: it has a spike output
	text     string
}

// paramKey names the field of a parameter read in floating point and
// converted to a format: the core holds it converted (the host rounds
// it as the convert does).
func paramKey(name string, f fixed.Format) string { return name + "@" + f.String() }

// unsupported is a diagnostic for what the core cannot compute.
type unsupported struct {
	pos   ir.Pos
	where string
	what  string
}

func (u *unsupported) Error() string {
	msg := fmt.Sprintf("%s: %s; the FPGA core computes the quantized model's fixed-point arithmetic only", u.where, u.what)
	if u.pos.File != "" {
		return u.pos.String() + ": " + msg
	}
	return msg
}

// genDatapath writes kernel k as module name. fields says where each name
// the kernel loads, reads as a parameter or stores lives; words lists the
// ports in order. where names the kernel in diagnostics.
func genDatapath(name, where string, k *ir.Kernel, words []word, fields map[string]field, dt float64) (*datapath, error) {
	if len(k.Blocks) != 1 {
		return nil, &unsupported{where: where, what: "the kernel branches"}
	}
	d := &datapath{module: name, words: words, spike: k.Result.Kind == ir.Bool}
	var body strings.Builder
	val := map[ir.Value]string{} // a value's Verilog expression: a wire's name
	fmtOf := func(v ir.Value) fixed.Format { return v.Type().Format() }
	stored := map[string]string{} // field name → the value stored last
	fail := func(in *ir.Instr, format string, args ...any) error {
		return &unsupported{pos: in.Pos, where: where, what: fmt.Sprintf(format, args...)}
	}
	k.Number()
	for _, in := range k.Blocks[0].Instrs {
		w := fmt.Sprintf("v%d", len(val))
		def := func(expr string) {
			if in.Typ.Kind == ir.Bool {
				fmt.Fprintf(&body, "    wire %s = %s;\n", w, expr)
			} else {
				fmt.Fprintf(&body, "    wire signed [63:0] %s = %s;\n", w, expr)
			}
			val[in] = w
		}
		arg := func(n int) string { return val[in.Args[n]] }
		isFixed := in.Typ.Kind == ir.Fixed
		switch in.Op {
		case ir.OpConst:
			switch c := in.Aux.(type) {
			case bool:
				def(map[bool]string{true: "1'b1", false: "1'b0"}[c])
				continue
			case float64:
				if isFixed {
					def(literal(in.Typ.Format().FromFloat(c)))
					continue
				}
				if constUsedBy(k, in, ir.OpStartRef) {
					continue // a refractory period: in steps below
				}
			}
			return nil, fail(in, "constant %s is %s", ir.FormatFloat(constValue(in)), in.Typ)
		case ir.OpLoad, ir.OpParam, ir.OpLoadSeg:
			if !isFixed {
				if in.Op == ir.OpParam && convertedOnly(k, in) {
					continue // read converted, below
				}
				return nil, fail(in, "%s %s is %s", in.Op, in.VarName(), in.Typ)
			}
			f, ok := fields[fieldName(in)]
			if !ok {
				return nil, fail(in, "%s %s has no place in the core", in.Op, in.VarName())
			}
			def(extract(f))
		case ir.OpStore, ir.OpStoreSeg:
			x := in.Args[len(in.Args)-1]
			if x.Type().Kind != ir.Fixed {
				return nil, fail(in, "store %s of a %s", in.VarName(), x.Type())
			}
			name := fieldName(in)
			if _, ok := fields[name]; !ok {
				return nil, fail(in, "store %s has no place in the core", in.VarName())
			}
			stored[name] = val[x]
		case ir.OpConvert:
			from := in.Args[0].Type()
			switch {
			case from.Kind == ir.Fixed && isFixed:
				ff, to := from.Format(), in.Typ.Format()
				if di, ok := in.Aux.(ir.Dither); ok {
					port := fmt.Sprintf("dither_%d", len(d.streams))
					d.streams = append(d.streams, di.Stream)
					def(fmt.Sprintf("fx_dither(%s, %d, %d, %d, %s)", arg(0), ff.Frac, to.Width, to.Frac, port))
				} else {
					def(fmt.Sprintf("fx_conv(%s, %d, %d, %d)", arg(0), ff.Frac, to.Width, to.Frac))
				}
			case from == ir.TF64 && isFixed:
				p, ok := in.Args[0].(*ir.Instr)
				if !ok || p.Op != ir.OpParam {
					return nil, fail(in, "a value computed in floating point is converted to %s", in.Typ)
				}
				f, ok := fields[paramKey(p.VarName(), in.Typ.Format())]
				if !ok {
					return nil, fail(in, "parameter %s has no place in the core", p.VarName())
				}
				def(extract(f))
			default:
				return nil, fail(in, "convert from %s to %s", from, in.Typ)
			}
		case ir.OpAdd, ir.OpSub:
			if !isFixed {
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), in.Typ.Format()
			f := max(fa.Frac, fb.Frac)
			sign := map[ir.Op]string{ir.OpAdd: "+", ir.OpSub: "-"}[in.Op]
			def(fmt.Sprintf("fx_conv(fx_align(%s, %d, %d) %s fx_align(%s, %d, %d), %d, %d, %d)",
				arg(0), fa.Frac, f, sign, arg(1), fb.Frac, f, f, to.Width, to.Frac))
		case ir.OpMul:
			if !isFixed {
				return nil, fail(in, "mul computed in %s", in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), in.Typ.Format()
			def(fmt.Sprintf("fx_conv(%s * %s, %d, %d, %d)", arg(0), arg(1), fa.Frac+fb.Frac, to.Width, to.Frac))
		case ir.OpNeg, ir.OpAbs:
			if !isFixed {
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, to := fmtOf(in.Args[0]), in.Typ.Format()
			x := "-" + arg(0)
			if in.Op == ir.OpAbs {
				x = fmt.Sprintf("(%s < 0 ? -%s : %s)", arg(0), arg(0), arg(0))
			}
			def(fmt.Sprintf("fx_conv(%s, %d, %d, %d)", x, fa.Frac, to.Width, to.Frac))
		case ir.OpMin, ir.OpMax:
			if !isFixed {
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), in.Typ.Format()
			want := map[ir.Op]string{ir.OpMin: "-2'sd1", ir.OpMax: "2'sd1"}[in.Op]
			def(fmt.Sprintf("fx_cmp(%s, %d, %s, %d) == %s ? fx_conv(%s, %d, %d, %d) : fx_conv(%s, %d, %d, %d)",
				arg(0), fa.Frac, arg(1), fb.Frac, want, arg(0), fa.Frac, to.Width, to.Frac, arg(1), fb.Frac, to.Width, to.Frac))
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			t := in.Args[0].Type()
			if t.Kind == ir.Bool && (in.Op == ir.OpEq || in.Op == ir.OpNe) {
				def(fmt.Sprintf("%s %s %s", arg(0), map[ir.Op]string{ir.OpEq: "==", ir.OpNe: "!="}[in.Op], arg(1)))
				continue
			}
			if t.Kind != ir.Fixed {
				return nil, fail(in, "%s compares %s values", in.Op, t)
			}
			cmp := map[ir.Op]string{ir.OpLt: "<", ir.OpLe: "<=", ir.OpGt: ">", ir.OpGe: ">=", ir.OpEq: "==", ir.OpNe: "!="}[in.Op]
			def(fmt.Sprintf("fx_cmp(%s, %d, %s, %d) %s 2'sd0", arg(0), fmtOf(in.Args[0]).Frac, arg(1), fmtOf(in.Args[1]).Frac, cmp))
		case ir.OpAnd:
			def(arg(0) + " & " + arg(1))
		case ir.OpOr:
			def(arg(0) + " | " + arg(1))
		case ir.OpNot:
			def("!" + arg(0))
		case ir.OpSelect:
			if in.Typ.Kind != ir.Fixed && in.Typ.Kind != ir.Bool {
				return nil, fail(in, "select of %s values", in.Typ)
			}
			def(fmt.Sprintf("%s ? %s : %s", arg(0), arg(1), arg(2)))
		case ir.OpRefract:
			def("refractory")
		case ir.OpStartRef:
			period, ok := constOf(in.Args[1])
			if !ok {
				return nil, fail(in, "a refractory period computed per neuron")
			}
			steps := math.Round(period / dt)
			if steps > 1<<30 {
				return nil, fail(in, "a refractory period of %g steps", steps)
			}
			d.refSteps = int64(steps)
			fmt.Fprintf(&body, "    assign startref = %s;\n", arg(0))
		case ir.OpRet:
			if len(in.Args) == 1 {
				fmt.Fprintf(&body, "    assign spike = %s;\n", arg(0))
			}
		default:
			return nil, fail(in, "%s", describe(in))
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "// %s: %s, generated by snnc from the quantized IR.\n", name, where)
	fmt.Fprintf(&b, "module %s (\n", name)
	var ports []string
	for _, w := range words {
		ports = append(ports, fmt.Sprintf("    input  wire [%d:0] %s_i", w.width-1, w.name))
		if w.out {
			ports = append(ports, fmt.Sprintf("    output wire [%d:0] %s_o", w.width-1, w.name))
		}
	}
	ports = append(ports, "    input  wire refractory")
	for n := range d.streams {
		ports = append(ports, fmt.Sprintf("    input  wire [63:0] dither_%d", n))
	}
	if d.spike {
		ports = append(ports, "    output wire spike", "    output wire startref")
	}
	b.WriteString(strings.Join(ports, ",\n") + "\n);\n")
	b.WriteString("`include \"snn_fixed.vh\"\n")
	b.WriteString(body.String())
	if d.spike && d.refSteps == 0 {
		b.WriteString("    assign startref = 1'b0;\n")
	}
	// The output words: the input but for the fields stored.
	for _, w := range words {
		if !w.out {
			continue
		}
		var fs []field
		var names []string
		for n, f := range fields {
			if f.word == w.name && stored[n] != "" {
				fs = append(fs, f)
				names = append(names, n)
			}
		}
		order := make([]int, len(fs))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return fs[b].lo - fs[a].lo })
		var parts []string
		top := w.width
		for _, i := range order {
			f := fs[i]
			hi := f.lo + int(f.format.Width)
			if hi < top {
				parts = append(parts, fmt.Sprintf("%s_i[%d:%d]", w.name, top-1, hi))
			}
			parts = append(parts, fmt.Sprintf("%s[%d:0]", stored[names[i]], f.format.Width-1))
			top = f.lo
		}
		if top > 0 {
			parts = append(parts, fmt.Sprintf("%s_i[%d:0]", w.name, top-1))
		}
		fmt.Fprintf(&b, "    assign %s_o = {%s};\n", w.name, strings.Join(parts, ", "))
	}
	b.WriteString("endmodule\n")
	d.text = b.String()
	return d, nil
}

// fieldName is the key of the field a load, param or store reaches: a
// segment's variable by its constant segment.
func fieldName(in *ir.Instr) string {
	if in.Op == ir.OpLoadSeg || in.Op == ir.OpStoreSeg {
		s, _ := constOf(in.Args[0])
		return fmt.Sprintf("%s[%d]", in.VarName(), int(s))
	}
	return in.VarName()
}

// extract reads a field as a 64-bit signed value.
func extract(f field) string {
	w := int(f.format.Width)
	top := f.lo + w - 1
	return fmt.Sprintf("{{%d{%s_i[%d]}}, %s_i[%d:%d]}", 64-w, f.word, top, f.word, top, f.lo)
}

// literal is a 64-bit signed Verilog constant.
func literal(x int64) string {
	if x < 0 {
		return fmt.Sprintf("-64'sd%d", -x)
	}
	return fmt.Sprintf("64'sd%d", x)
}

func constOf(v ir.Value) (float64, bool) {
	in, ok := v.(*ir.Instr)
	if !ok || in.Op != ir.OpConst {
		return 0, false
	}
	x, ok := in.Aux.(float64)
	return x, ok
}

func constValue(in *ir.Instr) float64 {
	x, _ := constOf(in)
	return x
}

// constUsedBy reports whether every use of c is by op.
func constUsedBy(k *ir.Kernel, c *ir.Instr, op ir.Op) bool {
	used := false
	ok := true
	k.Instrs(func(in *ir.Instr) {
		for _, a := range in.Args {
			if a == c {
				used = true
				ok = ok && in.Op == op
			}
		}
	})
	return used && ok
}

// convertedOnly reports whether every use of v converts it to fixed point.
func convertedOnly(k *ir.Kernel, v *ir.Instr) bool {
	used := false
	ok := true
	k.Instrs(func(in *ir.Instr) {
		for _, a := range in.Args {
			if a == v {
				used = true
				ok = ok && in.Op == ir.OpConvert && in.Typ.Kind == ir.Fixed
			}
		}
	})
	return used && ok
}

// describe says what an instruction the core does not compute is.
func describe(in *ir.Instr) string {
	switch in.Op {
	case ir.OpRand:
		return "a random draw"
	case ir.OpTime:
		return "the time"
	case ir.OpIndex:
		return "the element's index"
	case ir.OpDiv:
		return "a division"
	}
	if in.Typ.Kind == ir.Fixed {
		return fmt.Sprintf("%s on fixed point", in.Op)
	}
	return fmt.Sprintf("%s computed in %s", in.Op, in.Typ)
}
