package fpga

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/runtime/fixed"
	"snnc/runtime/mathfn"
)

// formatOf is a fixed-point type's format, for runtime/fixed (ir does
// not import it).
func formatOf(t ir.Type) fixed.Format { return fixed.Format{Width: t.Width, Frac: t.Frac} }

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

// posNear is the source position of an instruction, or of the nearest
// one before it that has one (passes make instructions without), or of
// the kernel's first.
func posNear(k *ir.Kernel, in *ir.Instr) ir.Pos {
	if in.Pos.File != "" {
		return in.Pos
	}
	var last, first ir.Pos
	found := false
	k.Instrs(func(x *ir.Instr) {
		if x.Pos.File != "" {
			if first.File == "" {
				first = x.Pos
			}
			if !found {
				last = x.Pos
			}
		}
		if x == in {
			found = true
		}
	})
	if last.File != "" {
		return last
	}
	return first
}

// derivedKey names the field of a value of parameters and constants that
// a kernel converts to fixed point (convert %N): the host computes it,
// per element, and rounds it as the convert does; the core holds it. The
// name is the memory map's; the field's place is place{derived: convert}.
func derivedKey(convert *ir.Instr) string { return "derived." + convert.Name() }

// A place is what a field of a datapath's words holds: a variable (of the
// element, or, post, of a synapse's post neuron; seg, if not 0, is the
// segment + 1 of a dendrite array's variable), or the value of parameters
// a convert turns into fixed point (derived). Datapaths find a field from
// the Ref of the instruction that reaches it (placeOf), never from its
// printed name; names are the memory map's only.
type place struct {
	v       *ir.Var
	post    bool
	seg     int
	derived *ir.Instr
}

// placeOf is the place a param, load, store, loadseg or storeseg reaches,
// from its Ref; the zero place (no field has it) for one without a Ref.
func placeOf(in *ir.Instr) place {
	r := in.Ref()
	switch {
	case r == nil || r.Var == nil:
		return place{}
	case in.Op == ir.OpLoadSeg || in.Op == ir.OpStoreSeg:
		s, _ := constOf(in.Args[0])
		return place{v: r.Var, post: r.Segments.Post, seg: int(s) + 1}
	}
	return place{v: r.Var, post: r.Reach == ir.IndexPost || r.Reach == ir.IndexPostSegment}
}

// postSegment reports whether a load or store reaches the synapse's own
// segment of its post neuron's dendrite array (post.u onto an array).
func postSegment(in *ir.Instr) bool {
	r := in.Ref()
	return (in.Op == ir.OpLoad || in.Op == ir.OpStore) && r != nil && r.Reach == ir.IndexPostSegment
}

// isClock reports whether a load or store reaches the synapse's
// ir.TraceClock.
func isClock(in *ir.Instr) bool {
	r := in.Ref()
	return r != nil && r.Var != nil && r.Reach == ir.IndexElement && r.Var.Name == ir.TraceClock
}

// floatOps are the operations on parameters the host computes.
var floatOps = map[ir.Op]bool{ir.OpConst: true, ir.OpParam: true, ir.OpAdd: true, ir.OpSub: true, ir.OpMul: true,
	ir.OpDiv: true, ir.OpNeg: true, ir.OpAbs: true, ir.OpMin: true, ir.OpMax: true, ir.OpExp: true, ir.OpLog: true,
	ir.OpLog10: true, ir.OpSqrt: true, ir.OpSin: true, ir.OpCos: true, ir.OpTanh: true, ir.OpExprel: true, ir.OpPow: true,
	ir.OpFloor: true, ir.OpCeil: true, ir.OpSign: true, ir.OpRem: true}

// paramOnly reports whether v is a floating-point value of parameters
// and constants only: the same for every step of a run.
func paramOnly(v ir.Value) bool {
	in, ok := v.(*ir.Instr)
	if !ok || in.Typ != ir.TF64 || !floatOps[in.Op] {
		return false
	}
	for _, a := range in.Args {
		if !paramOnly(a) {
			return false
		}
	}
	return true
}

// evalFloat computes a value of parameters and constants as every
// backend does (IEEE operations, snnc's math functions); param gives a
// parameter's value, from the variable its Ref reaches.
func evalFloat(v ir.Value, param func(v *ir.Var) float64) float64 {
	in := v.(*ir.Instr)
	switch in.Op {
	case ir.OpConst:
		x, _ := in.Aux.(float64)
		return x
	case ir.OpParam:
		return param(in.Var())
	}
	var x, y float64
	if len(in.Args) > 0 {
		x = evalFloat(in.Args[0], param)
	}
	if len(in.Args) > 1 {
		y = evalFloat(in.Args[1], param)
	}
	if r, ok := ir.Arith(mathfn.Lib, in.Op, x, y); ok {
		return r
	}
	return math.NaN()
}

// evalKernel computes a straight-line kernel of parameters, constants and
// the time t (a current's value) as the interpreter does; booleans are 0
// and 1.
func evalKernel(k *ir.Kernel, t float64, param func(v *ir.Var) float64) float64 {
	val := map[ir.Value]float64{}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	for _, in := range k.Blocks[0].Instrs {
		a := func(n int) float64 { return val[in.Args[n]] }
		switch in.Op {
		case ir.OpRet:
			return a(0)
		case ir.OpTime:
			val[in] = t
		case ir.OpConst:
			if c, ok := in.Aux.(bool); ok {
				val[in] = b2f(c)
			} else {
				val[in] = constValue(in)
			}
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			r, _ := ir.Compare(in.Op, a(0), a(1))
			val[in] = b2f(r)
		case ir.OpAnd:
			val[in] = b2f(a(0) != 0 && a(1) != 0)
		case ir.OpOr:
			val[in] = b2f(a(0) != 0 || a(1) != 0)
		case ir.OpNot:
			val[in] = b2f(a(0) == 0)
		case ir.OpSelect:
			if a(0) != 0 {
				val[in] = a(1)
			} else {
				val[in] = a(2)
			}
		default:
			// An operation on numbers: evalFloat's, on these values.
			args := make([]ir.Value, len(in.Args))
			for n := range in.Args {
				args[n] = &ir.Instr{Op: ir.OpConst, Typ: ir.TF64, Aux: a(n)}
			}
			val[in] = evalFloat(&ir.Instr{Op: in.Op, Typ: in.Typ, Aux: in.Aux, Args: args}, param)
		}
	}
	return math.NaN()
}

// derivedFields lays out, from bit lo of word, the values of parameters
// a kernel converts to fixed point; it returns the converts, in order,
// and the bits used.
func derivedFields(k *ir.Kernel, word string, lo int, fields map[place]field) ([]*ir.Instr, int) {
	var converts []*ir.Instr
	k.Number()
	k.Instrs(func(in *ir.Instr) {
		if in.Op == ir.OpConvert && in.Typ.Kind == ir.Fixed && paramOnly(in.Args[0]) {
			fields[place{derived: in}] = field{word: word, lo: lo, format: formatOf(in.Typ)}
			converts = append(converts, in)
			lo += int(in.Typ.Width)
		}
	})
	return converts, lo
}

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

// genDatapath writes kernel k as module name. fields says where each
// place the kernel loads, reads as a parameter or stores lives; segs, for
// a synapse's kernel onto a dendrite array, each array variable's fields;
// words lists the ports in order. where names the kernel in diagnostics.
func genDatapath(name, where string, k *ir.Kernel, words []word, fields map[place]field, segs map[*ir.Var]segField, dt float64) (*datapath, error) {
	if len(k.Blocks) != 1 {
		return nil, &unsupported{where: where, what: "the kernel branches"}
	}
	d := &datapath{module: name, words: words, spike: k.Result.Kind == ir.Bool}
	var body, roms strings.Builder
	val := map[ir.Value]string{} // a value's Verilog expression: a wire's name
	fmtOf := func(v ir.Value) fixed.Format { return formatOf(v.Type()) }
	stored := map[place]string{} // the value stored last into each place
	fail := func(in *ir.Instr, format string, args ...any) error {
		return &unsupported{pos: posNear(k, in), where: where, what: fmt.Sprintf(format, args...)}
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
					def(literal(formatOf(in.Typ).FromFloat(c)))
					continue
				}
				continue // a refractory period (in steps below), or part of a value the host computes
			}
			return nil, fail(in, "constant %s is %s", ir.FormatFloat(constValue(in)), in.Typ)
		case ir.OpTime:
			// The time as the step: what a trace's last event is kept as.
			def("{32'd0, step}")
			continue
		case ir.OpTraceDecay:
			f, ok := fields[placeOf(in.Args[0].(*ir.Instr))]
			tau, _ := in.Aux.(float64)
			if !ok {
				return nil, fail(in, "the trace's last event has no place in the core")
			}
			rom, err := decayTable(fmt.Sprintf("decay_%d", len(val)), formatOf(in.Typ), dt, tau)
			if err != nil {
				return nil, fail(in, "%v", err)
			}
			roms.WriteString(rom)
			def(fmt.Sprintf("decay_%d({32'd0, step} - {32'd0, %s_i[%d:%d]})", len(val), f.word, f.lo+31, f.lo))
		case ir.OpLoad, ir.OpParam, ir.OpLoadSeg:
			if in.Op == ir.OpLoad && isClock(in) {
				continue // read by tracedecay
			}
			if !isFixed {
				if in.Op == ir.OpParam {
					continue // part of a value the host computes (below), or unused
				}
				return nil, fail(in, "%s %s is %s", in.Op, in.VarName(), in.Typ)
			}
			if sf, ok := segs[in.Var()]; ok && postSegment(in) {
				// The synapse's own segment of the post neuron's array.
				def(sf.mux(func(s int) string {
					if x, ok := stored[sf.place(s)]; ok {
						return x
					}
					return extract(sf.fields[s])
				}))
				continue
			}
			f, ok := fields[placeOf(in)]
			if !ok {
				return nil, fail(in, "%s %s has no place in the core", in.Op, in.VarName())
			}
			if x, ok := stored[placeOf(in)]; ok && in.Op != ir.OpParam {
				// A load after a store of the variable reads what was
				// stored (ir.md): its raw value in the variable's format.
				def(x)
				continue
			}
			def(extract(f))
		case ir.OpStore, ir.OpStoreSeg:
			x := in.Args[len(in.Args)-1]
			if t, ok := x.(*ir.Instr); ok && t.Op == ir.OpTime && isClock(in) {
				if _, ok := fields[placeOf(in)]; !ok {
					return nil, fail(in, "the trace's last event has no place in the core")
				}
				stored[placeOf(in)] = val[x]
				continue
			}
			if x.Type().Kind != ir.Fixed {
				return nil, fail(in, "store %s of a %s", in.VarName(), x.Type())
			}
			if sf, ok := segs[in.Var()]; ok && postSegment(in) {
				// Into the synapse's segment; the others keep theirs.
				for s := range sf.fields {
					old, ok := stored[sf.place(s)]
					if !ok {
						old = extract(sf.fields[s])
					}
					wire := fmt.Sprintf("%s_seg%d", w, s)
					fmt.Fprintf(&body, "    wire signed [63:0] %s = %s == %d ? %s : %s;\n", wire, sf.index(), s, val[x], old)
					stored[sf.place(s)] = wire
				}
				continue
			}
			at := placeOf(in)
			if _, ok := fields[at]; !ok {
				return nil, fail(in, "store %s has no place in the core", in.VarName())
			}
			stored[at] = val[x]
		case ir.OpConvert:
			from := in.Args[0].Type()
			switch {
			case from.Kind == ir.Fixed && isFixed:
				ff, to := formatOf(from), formatOf(in.Typ)
				if di, ok := in.Aux.(ir.Dither); ok {
					if di.Segments > 0 {
						// A dendrite array's own kernel: the core runs
						// them inside the step kernel, which fuse makes.
						return nil, fail(in, "a dithered store of a dendrite array's own kernel (keep the fuse pass on)")
					}
					port := fmt.Sprintf("dither_%d", len(d.streams))
					d.streams = append(d.streams, di.Stream)
					def(fmt.Sprintf("fx_dither(%s, %d, %d, %d, %s)", arg(0), ff.Frac, to.Width, to.Frac, port))
				} else {
					def(fmt.Sprintf("fx_conv(%s, %d, %d, %d)", arg(0), ff.Frac, to.Width, to.Frac))
				}
			case from == ir.TF64 && isFixed:
				// A value of parameters and constants: the host computes
				// it and the core holds it converted.
				if !paramOnly(in.Args[0]) {
					return nil, fail(in, "a value computed in floating point from the state is converted to %s", in.Typ)
				}
				f, ok := fields[place{derived: in}]
				if !ok {
					return nil, fail(in, "a parameter has no place in the core")
				}
				def(extract(f))
			default:
				return nil, fail(in, "convert from %s to %s", from, in.Typ)
			}
		case ir.OpAdd, ir.OpSub:
			if !isFixed {
				if paramOnly(in) {
					continue // part of a value the host computes
				}
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), formatOf(in.Typ)
			f := max(fa.Frac, fb.Frac)
			sign := map[ir.Op]string{ir.OpAdd: "+", ir.OpSub: "-"}[in.Op]
			def(fmt.Sprintf("fx_conv(fx_align(%s, %d, %d) %s fx_align(%s, %d, %d), %d, %d, %d)",
				arg(0), fa.Frac, f, sign, arg(1), fb.Frac, f, f, to.Width, to.Frac))
		case ir.OpMul:
			if !isFixed {
				if paramOnly(in) {
					continue // part of a value the host computes
				}
				return nil, fail(in, "mul computed in %s", in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), formatOf(in.Typ)
			def(fmt.Sprintf("fx_conv(%s * %s, %d, %d, %d)", arg(0), arg(1), fa.Frac+fb.Frac, to.Width, to.Frac))
		case ir.OpNeg, ir.OpAbs:
			if !isFixed {
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, to := fmtOf(in.Args[0]), formatOf(in.Typ)
			x := "-" + arg(0)
			if in.Op == ir.OpAbs {
				x = fmt.Sprintf("(%s < 0 ? -%s : %s)", arg(0), arg(0), arg(0))
			}
			def(fmt.Sprintf("fx_conv(%s, %d, %d, %d)", x, fa.Frac, to.Width, to.Frac))
		case ir.OpMin, ir.OpMax:
			if !isFixed {
				return nil, fail(in, "%s computed in %s", in.Op, in.Typ)
			}
			fa, fb, to := fmtOf(in.Args[0]), fmtOf(in.Args[1]), formatOf(in.Typ)
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
			if in.Typ == ir.TF64 && paramOnly(in) {
				continue // part of a value the host computes
			}
			return nil, fail(in, "%s", describe(in))
		}
	}
	// A value of parameters the host computes must reach the core only
	// through converts.
	for _, in := range k.Blocks[0].Instrs {
		for _, a := range in.Args {
			if x, ok := a.(*ir.Instr); ok && x.Typ == ir.TF64 && val[x] == "" && in.Op != ir.OpConvert && in.Op != ir.OpStartRef &&
				in.Op != ir.OpTraceDecay && in.Op != ir.OpLoadSeg && in.Op != ir.OpStoreSeg && !paramOnly(in) {
				return nil, fail(in, "%s uses a floating-point value", in.Op)
			}
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
	ports = append(ports, "    input  wire refractory", "    input  wire [31:0] step")
	for n := range d.streams {
		ports = append(ports, fmt.Sprintf("    input  wire [63:0] dither_%d", n))
	}
	if d.spike {
		ports = append(ports, "    output wire spike", "    output wire startref")
	}
	b.WriteString(strings.Join(ports, ",\n") + "\n);\n")
	b.WriteString("`include \"snn_fixed.vh\"\n")
	b.WriteString(roms.String())
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
		var names []place
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

// A segField is a dendrite array's variable as a synapse onto it sees it
// (post.u): the field of each segment of the post neuron's state word,
// chosen by the synapse's segment, a field of its word.
type segField struct {
	v       *ir.Var // the dendrite's variable
	fields  []field
	segment field
}

// place is the place of segment s of the post neuron's array.
func (sf segField) place(s int) place { return place{v: sf.v, post: true, seg: s + 1} }

// index is the synapse's segment, unsigned.
func (sf segField) index() string {
	f := sf.segment
	return fmt.Sprintf("%s_i[%d:%d]", f.word, f.lo+int(f.format.Width)-1, f.lo)
}

// mux is the value of the synapse's segment among value(s).
func (sf segField) mux(value func(s int) string) string {
	out := value(len(sf.fields) - 1)
	for s := len(sf.fields) - 2; s >= 0; s-- {
		out = fmt.Sprintf("(%s == %d ? %s : %s)", sf.index(), s, value(s), out)
	}
	return out
}

// maxDecaySteps is the longest table of trace decay factors: a decay
// slower than that does not reach 0 in its format within the table.
const maxDecaySteps = 1 << 16

// decayTable writes a Verilog function name(n) giving tracedecay's factor
// for n steps in format f (fixed.TraceDecaySteps), 0 from the first n
// whose factor rounds to 0.
func decayTable(name string, f fixed.Format, dt, tau float64) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "    function signed [63:0] %s;\n        input [63:0] n;\n        case (n)\n", name)
	for n := 0; ; n++ {
		if n == maxDecaySteps {
			return "", fmt.Errorf("a trace decays too slowly for the core's table (tau %g s is more than %d steps to reach 0 in %s)", tau, maxDecaySteps, f)
		}
		x := fixed.TraceDecaySteps(float64(n), dt, tau, f)
		if x == 0 {
			break
		}
		fmt.Fprintf(&b, "            64'd%d: %s = %s;\n", n, name, literal(x))
	}
	fmt.Fprintf(&b, "            default: %s = 64'sd0;\n        endcase\n    endfunction\n", name)
	return b.String(), nil
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
