package ir

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Print writes the module's text form. The form is deterministic (the
// same module prints the same bytes) and Parse reads it back.
func Print(w io.Writer, m *Module) error {
	p := &printer{}
	p.module(m)
	_, err := io.WriteString(w, p.b.String())
	return err
}

// String returns the module's text form.
func (m *Module) String() string {
	var b strings.Builder
	Print(&b, m)
	return b.String()
}

type printer struct {
	b      strings.Builder
	indent int
	// digest prints the values of data arrays, tables and pairs lists as
	// their SHA-256 (digestFloats), for Fingerprint: a checkpoint holds
	// the text, and a model's data may be 10^8 numbers.
	digest bool
}

// digestFloats is the SHA-256, in hex, of the values as little-endian
// binary64 bytes: a value's bits, not its text.
func digestFloats(vals []float64) string {
	h := sha256.New()
	var b [8]byte
	for _, x := range vals {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// floatList is values=[...], or values=sha256:HEX when digesting.
func (p *printer) floatList(vals []float64) string {
	if p.digest {
		return fmt.Sprintf("values=sha256:%s", digestFloats(vals))
	}
	txt := make([]string, len(vals))
	for n, x := range vals {
		txt[n] = FormatFloat(x)
	}
	return "values=[" + strings.Join(txt, ", ") + "]"
}

func (p *printer) line(format string, args ...any) {
	p.b.WriteString(strings.Repeat("  ", p.indent))
	fmt.Fprintf(&p.b, format, args...)
	p.b.WriteByte('\n')
}

// FormatFloat prints a number so that it reads back exactly.
func FormatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		return "nan"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eIn") {
		s += ".0" // a float, never mistaken for an index
	}
	return s
}

func (p *printer) module(m *Module) {
	p.line("module %s", strconv.Quote(m.Source))
	run := fmt.Sprintf("run dt=%s duration=%s steps=%d seed=%d", FormatFloat(m.Run.Dt), FormatFloat(m.Run.Duration), m.Run.Steps, m.Run.Seed)
	switch m.Run.Quantize {
	case 0:
	case QuantizeFixed:
		run += " quantize=fixed"
	default:
		run += fmt.Sprintf(" quantize=%d", m.Run.Quantize)
	}
	p.line("%s", run)
	for _, n := range m.Notes {
		p.line("note %s", strconv.Quote(n))
	}
	for _, v := range m.Params {
		p.variable(v)
	}
	for _, tb := range m.Tables {
		p.line("table %s dt=%s k=%d rows=%d cols=%d two=%t %s", tb.Name, FormatFloat(tb.Dt), tb.K, tb.Rows, tb.Cols, tb.Two,
			p.floatList(tb.Values))
	}
	for _, d := range m.Data {
		p.data(d)
	}
	for _, pop := range m.Populations {
		p.b.WriteByte('\n')
		kw := "population"
		if pop.Global {
			kw = "global"
		}
		head := fmt.Sprintf("%s %s : %s[%d]", kw, pop.Name, pop.Type, pop.Size)
		if pop.Group != nil {
			head += fmt.Sprintf(" part of %s at %d", pop.Group.Name, pop.Offset)
		}
		p.body(head, pop.Vars, pop.Kernels, func() {
			for _, d := range pop.Dendrites {
				size := ""
				if d.Array {
					size = fmt.Sprintf("[%d]", d.Count)
				}
				p.body("dendrite "+d.Name+size, d.Vars, d.Kernels, nil)
			}
		})
	}
	for n, in := range m.Inputs {
		p.b.WriteByte('\n')
		head := fmt.Sprintf("input %s : %s[%d]", in.Name, in.Kind, in.Size)
		if in.Stream != n {
			head += fmt.Sprintf(" stream=%d", in.Stream)
		}
		if in.Rates != nil {
			var rs []string
			for _, r := range in.Rates {
				rs = append(rs, FormatFloat(r))
			}
			head += " rates=[" + strings.Join(rs, ", ") + "]"
		}
		if in.Period != 0 {
			head += " period=" + FormatFloat(in.Period)
		}
		if in.Columns != 0 {
			head += fmt.Sprintf(" columns=%d", in.Columns)
		}
		if in.Times != nil {
			var ts []string
			for _, t := range in.Times {
				ts = append(ts, fmt.Sprintf("(%d, %s)", t.Index, FormatFloat(t.Time)))
			}
			head += " times=[" + strings.Join(ts, ", ") + "]"
		}
		if in.File != "" {
			head += " file=" + strconv.Quote(in.File)
		}
		if len(in.Kernels) == 0 {
			p.line("%s", head)
			continue
		}
		p.body(head, nil, in.Kernels, nil)
	}
	for n, pr := range m.Projections {
		p.b.WriteByte('\n')
		post := pr.PostName()
		if pr.Dendrite != nil {
			post += "." + pr.Dendrite.Name
		}
		head := fmt.Sprintf("projection %s : %s -> %s using %s by %s", pr.Name, pr.PreName(), post, pr.Synapse, p.rule(pr.Rule))
		if pr.Stream != n {
			head += fmt.Sprintf(" stream=%d", pr.Stream)
		}
		head += sliceAttrs(pr)
		if pr.PruneVar != "" {
			head += fmt.Sprintf(" prune_var=%s prune_below=%s", pr.PruneVar, FormatFloat(pr.PruneBelow))
		}
		if pr.PartOf != nil {
			head += " part of " + pr.PartOf.Name
		}
		if pr.Label != "" {
			head += " label=" + strconv.Quote(pr.Label)
		}
		p.body(head, pr.Vars, pr.Kernels, nil)
	}
	for _, c := range m.Currents {
		p.b.WriteByte('\n')
		p.body(fmt.Sprintf("current %s -> %s.%s", c.Name, c.PopulationName(), c.ParamName()), nil, c.Kernels, nil)
	}
	if len(m.Monitors) > 0 {
		p.b.WriteByte('\n')
	}
	for _, mon := range m.Monitors {
		target := mon.TargetName()
		if mon.Var != "" {
			target += "." + mon.Var
		}
		s := fmt.Sprintf("monitor %s : %s %s", mon.Name, mon.Kind, target)
		if mon.Ranges != nil {
			var rs []string
			for _, r := range mon.Ranges {
				rs = append(rs, fmt.Sprintf("%d:%d", r[0], r[1]))
			}
			s += " [" + strings.Join(rs, ", ") + "]"
		}
		if mon.Kind == "state" {
			s += fmt.Sprintf(" every %d", mon.Every)
		}
		if mon.Base != 0 {
			s += fmt.Sprintf(" base=%d", mon.Base)
		}
		if mon.Window != [2]int64{} {
			s += fmt.Sprintf(" window %d:%d", mon.Window[0], mon.Window[1])
		}
		if len(mon.Kernels) > 0 {
			p.body(s, nil, mon.Kernels, nil)
			continue
		}
		p.line("%s", s)
	}
}

// wellFormed reports whether in has the branch targets its op's printed
// form needs; the verifier reports other faults, printing the
// instruction in its message.
func wellFormed(in *Instr) bool {
	if in.Op == OpInvalid || in.Op >= numOps || len(in.Targets) != in.Op.Info().Targets {
		return false
	}
	for _, a := range in.Args {
		if a == nil {
			return false
		}
	}
	for _, t := range in.Targets {
		if t == nil || t.Block == nil || slices.Contains(t.Args, nil) {
			return false
		}
	}
	return true
}

// rule is formatRule, or with the rule's pairs (a list, or a file's
// pairs where the IR holds them) as their digest when digesting.
func (p *printer) rule(r Rule) string {
	if !p.digest || len(r.Pairs) == 0 {
		return formatRule(r)
	}
	flat := make([]float64, 0, 2*len(r.Pairs))
	for _, pr := range r.Pairs {
		flat = append(flat, float64(pr[0]), float64(pr[1]))
	}
	f := r
	f.Pairs = nil
	return formatRule(f) + fmt.Sprintf(" pairs=%d sha256:%s", len(r.Pairs), digestFloats(flat))
}

func formatRule(r Rule) string {
	s := r.Kind
	switch r.Kind {
	case "fixed_probability":
		s += " p=" + FormatFloat(r.P)
	case "fixed_indegree", "fixed_outdegree":
		s += fmt.Sprintf(" k=%d", r.K)
	case "generate":
		return s + fmt.Sprintf(" k=%d skip=%t", r.K, r.Skip)
	case "pairs":
		if r.File != "" {
			return s + " file=" + strconv.Quote(r.File)
		}
		var ps []string
		for _, pr := range r.Pairs {
			ps = append(ps, fmt.Sprintf("(%d, %d)", pr[0], pr[1]))
		}
		return s + " [" + strings.Join(ps, ", ") + "]"
	case "matrix":
		return s + " file=" + strconv.Quote(r.File)
	case "one_to_one", "parts":
		return s
	}
	return s + fmt.Sprintf(" autapses=%t", r.Autapses)
}

func (p *printer) variable(v *Var) {
	s := ""
	if v.Runtime {
		s = "runtime "
	}
	s += fmt.Sprintf("%s %s : %s", v.Kind, v.Name, v.Type)
	switch {
	case v.Kind == VarParam && v.Uniform:
		s += " = " + FormatFloat(v.Value)
	case v.Kind == VarParam:
		s += " per_element"
	case v.Kind == VarTrace:
		s += " decay " + v.Tau
	}
	if v.Range != nil {
		s += " range " + FormatFloat(v.Range[0]) + " " + FormatFloat(v.Range[1])
	}
	if v.Quantize != 0 {
		s += fmt.Sprintf(" quantize %d", v.Quantize)
	}
	if v.Reduce != nil {
		s += " " + v.Reduce.String()
	}
	p.line("%s", s)
}

// body prints "head {", the variables, what inner prints, the kernels and
// the closing brace.
func (p *printer) body(head string, vars []*Var, kernels []*Kernel, inner func()) {
	p.line("%s {", head)
	p.indent++
	for _, v := range vars {
		p.variable(v)
	}
	if inner != nil {
		inner()
	}
	p.kernels(kernels)
	p.indent--
	p.line("}")
}

// String returns the kernel's text form, as the module prints it but not
// indented.
func (k *Kernel) String() string {
	var p printer
	p.kernel(k)
	return p.b.String()
}

func (p *printer) kernels(list []*Kernel) {
	for _, k := range list {
		p.kernel(k)
	}
}

func (p *printer) kernel(k *Kernel) {
	k.Number()
	if k.Result.Kind != Void {
		p.line("kernel %s : %s {", k.Name, k.Result)
	} else {
		p.line("kernel %s {", k.Name)
	}
	for _, n := range k.Notes {
		p.line("  note %s", strconv.Quote(n))
	}
	for _, b := range k.Blocks {
		p.line("%s", blockHeader(b))
		p.indent++
		for _, in := range b.Instrs {
			p.line("%s", FormatInstr(in))
		}
		p.indent--
	}
	p.line("}")
}

func blockHeader(b *Block) string {
	if len(b.Params) == 0 {
		return fmt.Sprintf("b%d:", b.Index)
	}
	var ps []string
	for _, bp := range b.Params {
		ps = append(ps, fmt.Sprintf("%s: %s", bp.Name(), bp.Typ))
	}
	return fmt.Sprintf("b%d(%s):", b.Index, strings.Join(ps, ", "))
}

func valueNames(vs []Value) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Name())
	}
	return strings.Join(s, ", ")
}

func formatTarget(t *Target) string {
	return fmt.Sprintf("b%d(%s)", t.Block.Index, valueNames(t.Args))
}

// FormatInstr prints one instruction; the kernel must be numbered.
func FormatInstr(in *Instr) string {
	if !wellFormed(in) {
		return fmt.Sprintf("malformed %s instruction with %d operands and %d targets", in.Op, len(in.Args), len(in.Targets))
	}
	var s strings.Builder
	if in.HasResult() {
		fmt.Fprintf(&s, "%s = ", in.Name())
	}
	if !formatAux(&s, in) {
		return fmt.Sprintf("malformed %s instruction: its attribute is %T", in.Op, in.Aux)
	}
	if in.HasResult() {
		fmt.Fprintf(&s, " : %s", in.Typ)
	}
	return s.String()
}
