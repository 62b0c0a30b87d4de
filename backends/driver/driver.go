package driver

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// CalibrationSeconds is the longest calibration run of --quantize, in
// seconds of the model's time.
const CalibrationSeconds = 1.0

// Options choose what the pipeline does after loading: the passes and the
// options that change the module they get.
type Options struct {
	// Options select the passes and how they run (verify, time, a hook
	// after each pass).
	passes.Options
	// PruneWeight, if not "", is --prune-weight: a quantity with its unit
	// that replaces the run block's prune_weight.
	PruneWeight string
	// Quantize is --quantize: a width in bits, ir.QuantizeFixed, or 0 (the
	// model's own annotations only).
	Quantize int
	// Ranges are --range NAME=LO:HI, the values --set may give a runtime
	// parameter of a quantized model, in place of the range the model
	// states or the one calibrated at its default.
	Ranges []string
	// Calibration, if not nil, is what an earlier Calibrate of the same
	// program with the same options returned: one calibration then serves
	// several widths (a test compiles a model at 16 bits and with fixed).
	Calibration map[string][2]float64
	// Lowered, if not nil, is called with the module as lowering leaves
	// it, before any pass (not with the calibration's module): a test that
	// edits the IR to reach a case no source gives does it here.
	Lowered func(*ir.Module)
}

// Stage says where the pipeline stopped.
type Stage int

const (
	// Check: the source has errors (Err is a lang.ErrorList).
	Check Stage = iota
	// Usage: an option does not fit the model (--prune-weight, --range,
	// --set, --duration, --seed): an error of the command line.
	Usage
	// Calibrate: the calibration run of --quantize failed.
	Calibrate
	// Passes: a pass found an error of the model's (Err is a
	// lang.ErrorList).
	Passes
	// Internal: a compiler bug.
	Internal
)

// An Error is a failure of the pipeline and the stage it happened in.
type Error struct {
	Stage Stage
	Err   error
}

func (e *Error) Error() string {
	switch e.Stage {
	case Calibrate:
		return "the calibration run for quantize: " + e.Err.Error()
	case Internal:
		return "internal error: " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Diagnostics returns the model's diagnostics an error of the pipeline
// carries (the checker's or a pass's), or nil if it carries none.
func Diagnostics(err error) lang.ErrorList {
	var list lang.ErrorList
	if errors.As(err, &list) {
		return list
	}
	return nil
}

// StageOf is the stage an error of the pipeline comes from (Internal for
// an error that is not the pipeline's).
func StageOf(err error) Stage {
	var e *Error
	if errors.As(err, &e) {
		return e.Stage
	}
	return Internal
}

// Load reads, parses and checks a model file and the files it imports.
// The program is not nil even on error: its sources print the
// diagnostics' excerpts.
func Load(path string) (*lang.Program, error) {
	prog, err := lang.LoadFile(path)
	if err != nil {
		return prog, &Error{Check, err}
	}
	return prog, nil
}

// LoadSource does it for a model given as text, named name (the name its
// diagnostics carry and relative imports start from).
func LoadSource(name string, src []byte) (*lang.Program, error) {
	prog, err := (&lang.Loader{}).Load(name, src)
	if err != nil {
		return prog, &Error{Check, err}
	}
	return prog, nil
}

// Lower lowers a checked program into a module, with no pass run: what
// snnc ir --after=lower prints.
func Lower(prog *lang.Program) *ir.Module {
	return lang.Lower(prog)
}

// Compile lowers a checked program, calibrates it when it is to be
// quantized, and runs the passes: the module every backend takes.
func Compile(prog *lang.Program, o Options) (*ir.Module, error) {
	if err := setPruneWeight(prog, o.PruneWeight); err != nil {
		return nil, err
	}
	m := lang.Lower(prog)
	if err := applyRanges(m, prog, o.Ranges); err != nil {
		return nil, err
	}
	annotated := false
	m.Vars(func(v *ir.Var) { annotated = annotated || v.Quantize != 0 })
	if o.Quantize != 0 || annotated {
		ranges := o.Calibration
		if ranges == nil {
			var err error
			if ranges, err = calibrate(prog, o); err != nil {
				return nil, err
			}
		}
		m.Run.Quantize, m.Run.Ranges = o.Quantize, ranges
	}
	if o.Lowered != nil {
		o.Lowered(m)
	}
	if err := runPasses(m, o.Options); err != nil {
		return nil, err
	}
	return m, nil
}

// CompileFile loads a model file and compiles it.
func CompileFile(path string, o Options) (*lang.Program, *ir.Module, error) {
	prog, err := Load(path)
	if err != nil {
		return prog, nil, err
	}
	m, err := Compile(prog, o)
	return prog, m, err
}

// CompileSource loads a model given as text and compiles it.
func CompileSource(name string, src []byte, o Options) (*lang.Program, *ir.Module, error) {
	prog, err := LoadSource(name, src)
	if err != nil {
		return prog, nil, err
	}
	m, err := Compile(prog, o)
	return prog, m, err
}

// CalibrateProgram is the calibration Compile runs for a quantized build
// of prog with the options o: the range of values each variable takes,
// by name. A caller that compiles one program at several widths passes it
// on as Options.Calibration.
func CalibrateProgram(prog *lang.Program, o Options) (map[string][2]float64, error) {
	if err := setPruneWeight(prog, o.PruneWeight); err != nil {
		return nil, err
	}
	return calibrate(prog, o)
}

// calibrate runs the model in floating point (its quantize annotations
// ignored) on the interpreter, for the values its variables take. Without
// prune: it would cut neurons from the floating-point model that the
// quantized one keeps (prune keeps every neuron of a quantized model),
// and their values would be missing from the ranges; what prune removes
// changes no other range.
func calibrate(prog *lang.Program, o Options) (map[string][2]float64, error) {
	fm := lang.Lower(prog)
	fm.Vars(func(v *ir.Var) { v.Quantize = 0 })
	co := o.Options
	co.Disable = append(slices.Clone(co.Disable), "prune")
	co.After = nil // the hook is for the module compiled, not this one
	if err := runPasses(fm, co); err != nil {
		return nil, err
	}
	ranges, err := interp.Calibrate(fm, CalibrationSeconds)
	if err != nil {
		return nil, &Error{Calibrate, err}
	}
	return ranges, nil
}

// runPasses runs the passes over m. The diagnostics a pass reports are
// the model's errors, converted here (and nowhere else) into lang's, so
// that they print as the checker's do; any other error is a compiler bug.
func runPasses(m *ir.Module, o passes.Options) error {
	return passError(passes.Run(m, o))
}

// CheckMPI is llvm.CheckMPI's refusal of what an MPI run cannot compute,
// with its diagnostics as a pass's (snnc build --mpi).
func CheckMPI(m *ir.Module) error {
	return passError(llvm.CheckMPI(m))
}

// passError converts a pass's diagnostics; see runPasses.
func passError(err error) error {
	if err == nil {
		return nil
	}
	var ds passes.Diagnostics
	if errors.As(err, &ds) {
		list := make(lang.ErrorList, 0, len(ds))
		for _, d := range ds {
			list = append(list, lang.Diagnostic{Pos: lang.Pos{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg, Hint: d.Hint})
		}
		return &Error{Passes, list}
	}
	return &Error{Internal, err}
}

// setPruneWeight gives prog the bound of --prune-weight, if any.
func setPruneWeight(prog *lang.Program, text string) error {
	if text == "" {
		return nil
	}
	x, dim, err := lang.ParseQuantity(text)
	if err == nil {
		err = prog.SetPruneWeight(x, dim)
	}
	if err != nil {
		return &Error{Usage, fmt.Errorf("--prune-weight %s: %v", text, err)}
	}
	return nil
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
			return usagef("--range %s: expected NAME=LO:HI, for example --range cell.i_ext=-1nA:1nA", kv)
		}
		want, known := dims[name]
		if !known {
			return usagef("--range %s: %s", kv, UnknownRuntime(name, dims))
		}
		var bounds [2]float64
		for n, q := range []string{lo, hi} {
			x, dim, err := lang.ParseQuantity(strings.TrimSpace(q))
			if err != nil {
				return usagef("--range %s: %v", kv, err)
			}
			if dim != want && x != 0 {
				return usagef("--range %s: %s has dimension %s, and %q has %s", kv, name, want.Describe(), q, dim.Describe())
			}
			bounds[n] = x
		}
		if !(bounds[0] <= bounds[1]) {
			return usagef("--range %s: the range is empty: write the lower bound first", kv)
		}
		if m.Run.Declared == nil {
			m.Run.Declared = map[string][2]float64{}
		}
		m.Run.Declared[name] = bounds
	}
	return nil
}

func usagef(format string, args ...any) error {
	return &Error{Usage, fmt.Errorf(format, args...)}
}

// UnknownRuntime says that a model has no runtime parameter name, and
// which it has.
func UnknownRuntime(name string, dims map[string]lang.Dim) string {
	if len(dims) == 0 {
		return "the model has no runtime parameters (declare one with `runtime param`)"
	}
	return fmt.Sprintf("no runtime parameter %s; %s", name, Settable(dims))
}

// Settable lists the runtime parameters --set accepts (dims' names,
// which leave out those a current drives: lang.Program.DrivenParams).
func Settable(dims map[string]lang.Dim) string {
	if len(dims) == 0 {
		return "the model has no other runtime parameters"
	}
	return "the model has " + strings.Join(slices.Sorted(maps.Keys(dims)), ", ")
}
