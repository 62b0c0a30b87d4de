package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// pipelineFlags are the options every command that compiles shares.
type pipelineFlags struct {
	only        string
	disable     string
	debug       string
	pruneWeight string
	quantize    string
	ranges      setFlags
}

// calibration is the longest calibration run of --quantize, in seconds of
// the model's time.
const calibration = 1.0

// pipeline is what the flags choose: the passes, and a prune bound.
type pipeline struct {
	passes.Options
	pruneWeight string   // a quantity, or ""
	quantize    int      // bits, ir.QuantizeFixed, or 0
	ranges      []string // --range NAME=LO:HI, checked against the model by compileProgram
}

func (p *pipelineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.only, "passes", "", "comma-separated passes to run (default: all; required passes always run); the passes are "+passes.Names())
	fs.StringVar(&p.disable, "disable-pass", "", "comma-separated passes not to run")
	fs.StringVar(&p.debug, "d", "", "debug settings: check/on verifies the IR after every pass, time prints the time of each pass (comma-separated)")
	fs.StringVar(&p.quantize, "quantize", "", "int8, int16, int32 or fixed: make the model's state and arithmetic fixed point of that width,\nor with fixed of a width per variable chosen by the analysis (noted on the module);\nformats chosen from a calibration run of the model on the interpreter (spec/passes.md)")
	fs.Var(&p.ranges, "range", "NAME=LO:HI: the values --set may give a runtime parameter in the quantized model, with their unit\n(for example --range cell.i_ext=-1nA:1nA); replaces the range the model states (in [LO, HI]) or\nthe one calibrated at its default; repeat for several")
	fs.StringVar(&p.pruneWeight, "prune-weight", "", "remove the synapses whose weight w is smaller in magnitude than this, with its unit (for example 0.05mV);\nreplaces the run block's prune_weight")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// options turns the flags into pass options; a bad -d setting is a usage
// error.
func (p *pipelineFlags) options(stderr io.Writer) (pipeline, error) {
	o := pipeline{Options: passes.Options{Only: splitList(p.only), Disable: splitList(p.disable)}, pruneWeight: p.pruneWeight, ranges: p.ranges}
	for _, d := range splitList(p.debug) {
		switch d {
		case "check/on", "check":
			o.Verify = true
		case "check/off":
			o.Verify = false
		case "time":
			o.Time = stderr
		default:
			return o, fmt.Errorf("unknown -d setting %q (the settings are check/on, check/off, time)", d)
		}
	}
	if _, err := o.Selected(); err != nil {
		return o, err
	}
	if p.pruneWeight != "" {
		if _, _, err := lang.ParseQuantity(p.pruneWeight); err != nil {
			return o, fmt.Errorf("--prune-weight %s: %v", p.pruneWeight, err)
		}
	}
	if p.quantize == "fixed" {
		o.quantize = ir.QuantizeFixed
	} else if p.quantize != "" {
		if o.quantize = lang.QuantizeWidths[p.quantize]; o.quantize == 0 {
			return o, fmt.Errorf("--quantize %s: the widths are int8, int16 and int32, or fixed (a width per variable, chosen by the analysis)", p.quantize)
		}
	}
	return o, nil
}

// lower loads, checks and lowers a model, printing its errors if any.
func lower(path string, stderr io.Writer) (*ir.Module, *lang.Program, int) {
	prog, err := lang.LoadFile(path)
	if err != nil {
		printErrors(stderr, prog, err)
		return nil, prog, exitModel
	}
	return lang.Lower(prog), prog, exitOK
}

// compile loads, checks, lowers and optimises a model. The returned status
// is exitOK, or exitModel after printing the model's errors.
func compile(path string, o pipeline, stderr io.Writer) (*ir.Module, int) {
	prog, err := lang.LoadFile(path)
	if err != nil {
		printErrors(stderr, prog, err)
		return nil, exitModel
	}
	return compileProgram(prog, o, stderr)
}

// compileProgram lowers and optimises a checked program.
func compileProgram(prog *lang.Program, o pipeline, stderr io.Writer) (*ir.Module, int) {
	if o.pruneWeight != "" {
		x, dim, _ := lang.ParseQuantity(o.pruneWeight) // checked by options
		if err := prog.SetPruneWeight(x, dim); err != nil {
			fmt.Fprintf(stderr, "snnc: --prune-weight %s: %v\n", o.pruneWeight, err)
			return nil, exitUsage
		}
	}
	m := lang.Lower(prog)
	if err := applyRanges(m, prog, o.ranges); err != nil {
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return nil, exitUsage
	}
	annotated := false
	m.Vars(func(v *ir.Var) { annotated = annotated || v.Quantize != 0 })
	if o.quantize != 0 || annotated {
		// Calibration: the model in floating point (annotations ignored)
		// on the interpreter, for the values its variables take.
		fm := lang.Lower(prog)
		fm.Vars(func(v *ir.Var) { v.Quantize = 0 })
		// Without prune: it would cut neurons from the floating-point
		// model that the quantized one keeps (prune keeps every neuron
		// of a quantized model), and their values would be missing
		// from the ranges; what prune removes changes no other range.
		co := o.Options
		co.Disable = append(append([]string(nil), co.Disable...), "prune")
		if status := runPasses(fm, prog, co, stderr); status != exitOK {
			return nil, status
		}
		ranges, err := interp.Calibrate(fm, calibration)
		if err != nil {
			fmt.Fprintf(stderr, "snnc: the calibration run for quantize: %v\n", err)
			return nil, exitModel
		}
		m.Run.Quantize, m.Run.Ranges = o.quantize, ranges
	}
	if status := runPasses(m, prog, o.Options, stderr); status != exitOK {
		return nil, status
	}
	return m, exitOK
}

// runPasses runs the passes over m, printing a diagnostic of the model's
// (an ODE that cannot be integrated, say) as the checker's.
func runPasses(m *ir.Module, prog *lang.Program, o passes.Options, stderr io.Writer) int {
	err := passes.Run(m, o)
	if err == nil {
		return exitOK
	}
	var ds passes.Diagnostics
	if errors.As(err, &ds) {
		var list []lang.Diagnostic
		for _, d := range ds {
			list = append(list, lang.Diagnostic{Pos: lang.Pos{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg, Hint: d.Hint})
		}
		lang.Print(stderr, list, prog.Sources())
		return exitModel
	}
	// Anything else is a compiler bug: say so plainly.
	fmt.Fprintf(stderr, "snnc: internal error: %v\n", err)
	return exitModel
}

// printNotes prints what the passes said about the whole module: what
// prune removed, and why.
func printNotes(w io.Writer, m *ir.Module) {
	for _, n := range m.Notes {
		fmt.Fprintf(w, "snnc: %s\n", n)
	}
}

// applyRanges records each --range NAME=LO:HI in m.Run.Declared, where it
// replaces the range the model states: the values --set may give the
// runtime parameter NAME in a quantized build (spec/passes.md, quantize).
func applyRanges(m *ir.Module, prog *lang.Program, ranges []string) error {
	dims := prog.RuntimeParams()
	for _, kv := range ranges {
		name, text, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		lo, hi, two := strings.Cut(text, ":")
		if !ok || !two || name == "" {
			return fmt.Errorf("--range %s: expected NAME=LO:HI, for example --range cell.i_ext=-1nA:1nA", kv)
		}
		want, known := dims[name]
		if !known {
			return fmt.Errorf("--range %s: %s", kv, unknownRuntime(name, dims))
		}
		var bounds [2]float64
		for n, q := range []string{lo, hi} {
			x, dim, err := lang.ParseQuantity(strings.TrimSpace(q))
			if err != nil {
				return fmt.Errorf("--range %s: %v", kv, err)
			}
			if dim != want && x != 0 {
				return fmt.Errorf("--range %s: %s has dimension %s, and %q has %s", kv, name, want.Describe(), q, dim.Describe())
			}
			bounds[n] = x
		}
		if !(bounds[0] <= bounds[1]) {
			return fmt.Errorf("--range %s: the range is empty: write the lower bound first", kv)
		}
		if m.Run.Declared == nil {
			m.Run.Declared = map[string][2]float64{}
		}
		m.Run.Declared[name] = bounds
	}
	return nil
}
