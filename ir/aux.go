package ir

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// auxKind says what an instruction's Aux field holds. Each kind has one
// auxSyntax, in auxSyntaxes: how the verifier checks it and how the
// printer and the parser write and read it around the operands. An op
// names its kind in opTable, so a new op is one row of the table, and a
// new kind of attribute one constant here and one entry of auxSyntaxes.
type auxKind uint8

const (
	auxNone   auxKind = iota // nothing
	auxValue                 // a constant: float64, or bool for type bool
	auxName                  // a variable or parameter name (Instr.VarName): v, post.ge, distal.u
	auxIndex                 // which index: i, or j in projection kernels
	auxRand                  // a RandAux: a distribution and a stream number
	auxODE                   // an ODEAux: the ODE's variable and method hint
	auxTau                   // tracedecay's time constant: a positive float64, in seconds
	auxDither                // convert's rounding: nil (to nearest) or a Dither
	auxNoise                 // a RandAux of a noise: its name (xi, xi_NAME) and stream
	numAuxKinds
)

// auxSyntax is how one kind of Aux is checked, printed and parsed. The
// printed form of an instruction is
//
//	[%N = ] op [before] [operands and branch targets] [after] [: T]
//
// with before and after the aux's text; sep is what separates before from
// the first operand.
type auxSyntax struct {
	// check returns what is wrong with the instruction's aux, or "".
	check func(in *Instr) string
	// format returns the aux's text before and after the operands; ok is
	// false when the aux cannot be printed (a malformed instruction).
	format func(in *Instr) (before, after string, ok bool)
	sep    string
	// parse reads the aux from the words after the op's name and returns
	// the words of the operands and branch targets.
	parse func(op Op, words []string) (aux any, operands []string, err error)
}

// auxSyntaxes has one entry per aux kind; TestAuxSyntaxes checks that
// none is missing.
var auxSyntaxes = [numAuxKinds]auxSyntax{
	auxNone: {
		check: func(in *Instr) string {
			if in.Aux != nil {
				return fmt.Sprintf("%s takes no attribute, not %T", in.Op, in.Aux)
			}
			return ""
		},
		format: func(*Instr) (string, string, bool) { return "", "", true },
		parse:  func(_ Op, w []string) (any, []string, error) { return nil, w, nil },
	},

	// const 0.02, const true
	auxValue: {
		check: func(in *Instr) string {
			switch in.Aux.(type) {
			case float64:
				if !in.Typ.IsNumeric() {
					return fmt.Sprintf("numeric constant of type %s", in.Typ)
				}
			case bool:
				if in.Typ != TBool {
					return fmt.Sprintf("boolean constant of type %s", in.Typ)
				}
			default:
				return "constant without a value"
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) {
			switch v := in.Aux.(type) {
			case float64:
				return FormatFloat(v), "", true
			case bool:
				return strconv.FormatBool(v), "", true
			}
			return "", "", true
		},
		parse: func(op Op, w []string) (any, []string, error) {
			if len(w) != 1 {
				return nil, nil, fmt.Errorf("const needs a value")
			}
			if w[0] == "true" || w[0] == "false" {
				return w[0] == "true", nil, nil
			}
			v, err := parseFloat(w[0])
			if err != nil {
				return nil, nil, fmt.Errorf("bad constant")
			}
			return v, nil, nil
		},
	},

	// load v, store post.ge, %3, loadseg distal.u, %2
	auxName: {
		check: func(in *Instr) string {
			if in.VarName() == "" {
				return fmt.Sprintf("%s without a variable name", in.Op)
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) { return in.VarName(), "", true },
		sep:    ", ",
		parse: func(op Op, w []string) (any, []string, error) {
			switch {
			case len(w) == 1:
				return w[0], nil, nil
			case len(w) >= 3 && w[1] == ",":
				return w[0], w[2:], nil
			}
			return nil, nil, fmt.Errorf("%s needs a name, then its operands after a comma", op)
		},
	},

	// index i
	auxIndex: {
		check: func(in *Instr) string {
			if s, ok := in.Aux.(string); !ok || s == "" {
				return "index without a name"
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) { return fmt.Sprint(in.Aux), "", true },
		parse: func(op Op, w []string) (any, []string, error) {
			if len(w) != 1 {
				return nil, nil, fmt.Errorf("%s needs a name", op)
			}
			return w[0], nil, nil
		},
	},

	// rand uniform stream=3 %1, %2 (normal_quad: white noise's draw,
	// rng.Source.NormalQuad)
	auxRand: {
		check: func(in *Instr) string {
			r, ok := in.Aux.(RandAux)
			// A .pair draw (a named stream's) takes the synapse's pre
			// and post indices after the distribution's operands.
			want := map[string]int{"uniform": 2, "normal": 2, "normal_quad": 2, "exponential": 1,
				"uniform.pair": 4, "normal.pair": 4, "exponential.pair": 3}
			if !ok || want[r.Dist] == 0 || len(in.Args) != want[r.Dist] {
				return "bad random draw"
			}
			return ""
		},
		format: formatStream,
		sep:    " ",
		parse:  parseStream("rand needs a distribution and a stream"),
	},

	// noise xi_a stream=3
	auxNoise: {
		check: func(in *Instr) string {
			r, ok := in.Aux.(RandAux)
			if !ok || (r.Dist != "xi" && !strings.HasPrefix(r.Dist, "xi_")) || len(in.Args) != 0 {
				return "bad noise"
			}
			return ""
		},
		format: formatStream,
		sep:    " ",
		parse:  parseStream("noise needs a name and a stream"),
	},

	// ode v, %9 method=exact unless_refractory
	auxODE: {
		check: func(in *Instr) string {
			if o, ok := in.Aux.(ODEAux); !ok || o.Var == "" {
				return "ode without a variable"
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) {
			o, ok := in.Aux.(ODEAux)
			after := ""
			if o.Method != "" {
				after += " method=" + o.Method
			}
			if o.Unless {
				after += " unless_refractory"
			}
			return o.Var, after, ok
		},
		sep: ", ",
		parse: func(op Op, w []string) (any, []string, error) {
			if len(w) < 3 || w[1] != "," {
				return nil, nil, fmt.Errorf("bad ode")
			}
			aux := ODEAux{Var: w[0]}
			rest := w[3:]
			if len(rest) >= 3 && rest[0] == "method" && rest[1] == "=" {
				aux.Method = rest[2]
				rest = rest[3:]
			}
			if len(rest) == 1 && rest[0] == "unless_refractory" {
				aux.Unless = true
				rest = nil
			}
			if len(rest) != 0 {
				return nil, nil, fmt.Errorf("bad ode attributes")
			}
			return aux, w[2:3], nil
		},
	},

	// tracedecay %3, 0.02
	auxTau: {
		check: func(in *Instr) string {
			if tau, ok := in.Aux.(float64); !ok || !(tau > 0) {
				return "tracedecay needs a positive time constant"
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) {
			tau, _ := in.Aux.(float64)
			return "", ", " + FormatFloat(tau), true
		},
		parse: func(op Op, w []string) (any, []string, error) {
			if len(w) != 3 || w[1] != "," {
				return nil, nil, fmt.Errorf("tracedecay needs a time and a time constant")
			}
			tau, err := parseFloat(w[2])
			if err != nil {
				return nil, nil, fmt.Errorf("bad time constant")
			}
			return tau, w[:1], nil
		},
	},

	// convert %2, convert %2 dither stream=N [segments=C]
	auxDither: {
		check: func(in *Instr) string {
			switch d := in.Aux.(type) {
			case nil:
			case Dither:
				if d.Stream < 0 || d.Segments < 0 {
					return "bad dither"
				}
				if in.Typ.Kind != Fixed || len(in.Args) != 1 || in.Args[0].Type().Kind != Fixed {
					return "dither converts between fixed-point formats only"
				}
			default:
				return fmt.Sprintf("convert with an attribute of %T", in.Aux)
			}
			return ""
		},
		format: func(in *Instr) (string, string, bool) {
			d, ok := in.Aux.(Dither)
			if !ok {
				return "", "", true
			}
			after := fmt.Sprintf(" dither stream=%d", d.Stream)
			if d.Segments > 0 {
				after += fmt.Sprintf(" segments=%d", d.Segments)
			}
			return "", after, true
		},
		parse: func(op Op, w []string) (any, []string, error) {
			n := len(w)
			if !((n == 5 || n == 8) && w[1] == "dither" && w[2] == "stream" && w[3] == "=") {
				return nil, w, nil
			}
			s, err := strconv.Atoi(w[4])
			if err != nil || s < 0 {
				return nil, nil, fmt.Errorf("bad dither stream")
			}
			d := Dither{Stream: s}
			if n == 8 {
				c, err := strconv.Atoi(w[7])
				if w[5] != "segments" || w[6] != "=" || err != nil || c < 1 {
					return nil, nil, fmt.Errorf("bad dither segments")
				}
				d.Segments = c
			}
			return d, w[:1], nil
		},
	},
}

// formatAux writes an instruction's op, aux, operands and branch targets:
// its printed form without the result and its type.
func formatAux(s *strings.Builder, in *Instr) bool {
	syn := auxSyntaxes[in.Op.Info().Aux]
	before, after, ok := syn.format(in)
	if !ok {
		return false
	}
	var items []string
	for _, a := range in.Args {
		items = append(items, a.Name())
	}
	for _, t := range in.Targets {
		items = append(items, formatTarget(t))
	}
	s.WriteString(in.Op.Info().Name)
	switch {
	case before != "" && len(items) > 0:
		s.WriteString(" " + before + syn.sep)
	case before != "":
		s.WriteString(" " + before)
	case len(items) > 0:
		s.WriteString(" ")
	}
	s.WriteString(strings.Join(items, ", "))
	s.WriteString(after)
	return true
}

// formatStream prints a RandAux, a draw's or a noise's: NAME stream=N.
func formatStream(in *Instr) (string, string, bool) {
	r, ok := in.Aux.(RandAux)
	return fmt.Sprintf("%s stream=%d", r.Dist, r.Stream), "", ok
}

// parseStream reads what formatStream prints; missing says what is
// wrong when the words are not NAME stream = N.
func parseStream(missing string) func(Op, []string) (any, []string, error) {
	return func(op Op, w []string) (any, []string, error) {
		if len(w) < 4 || w[1] != "stream" || w[2] != "=" {
			return nil, nil, errors.New(missing)
		}
		n, err := strconv.Atoi(w[3])
		if err != nil {
			return nil, nil, fmt.Errorf("bad stream")
		}
		return RandAux{Dist: w[0], Stream: n}, w[4:], nil
	}
}
