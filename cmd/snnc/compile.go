package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"snnc/backends/driver"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// pipelineFlags are the options every command that compiles shares; the
// driver checks them and runs the pipeline they choose.
type pipelineFlags struct {
	driver.Flags
}

// setFlags collects repeated options (--set, --range).
type setFlags struct{ list *[]string }

func (s setFlags) String() string {
	if s.list == nil {
		return ""
	}
	return strings.Join(*s.list, " ")
}
func (s setFlags) Set(v string) error { *s.list = append(*s.list, v); return nil }

func (p *pipelineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.Passes, "passes", "", "comma-separated passes to run (default: all; required passes always run); the passes are "+passes.Names())
	fs.StringVar(&p.DisablePass, "disable-pass", "", "comma-separated passes not to run")
	fs.StringVar(&p.Debug, "d", "", "debug settings: check/on verifies the IR after every pass, time prints the time of each pass (comma-separated)")
	fs.StringVar(&p.Quantize, "quantize", "", "int8, int16, int32 or fixed: make the model's state and arithmetic fixed point of that width,\nor with fixed of a width per variable chosen by the analysis (noted on the module);\nformats chosen from a calibration run of the model on the interpreter (snnc doc passes)")
	fs.Var(setFlags{&p.Ranges}, "range", "NAME=LO:HI: the values --set may give a runtime parameter in the quantized model, with their unit\n(for example --range cell.i_ext=-1nA:1nA); replaces the range the model states (in [LO, HI]) or\nthe one calibrated at its default; repeat for several")
	fs.StringVar(&p.PruneWeight, "prune-weight", "", "remove the synapses whose weight w is smaller in magnitude than this, with its unit (for example 0.05mV);\nreplaces the run block's prune_weight")
}

// options checks the flags; a bad one is a usage error. -d time reports
// to stderr.
func (p *pipelineFlags) options(stderr io.Writer) (driver.Options, error) {
	return p.Flags.Options(stderr)
}

// load loads and checks a model, printing its errors if any. The status is
// exitOK, or exitModel after printing the model's errors.
func load(path string, stderr io.Writer) (*lang.Program, int) {
	prog, err := driver.Load(path)
	if err != nil {
		return prog, report(stderr, prog, err)
	}
	return prog, exitOK
}

// compile loads, checks, lowers and optimises a model. The returned status
// is exitOK, or what report gives after printing the error.
func compile(path string, o driver.Options, stderr io.Writer) (*ir.Module, int) {
	prog, status := load(path, stderr)
	if status != exitOK {
		return nil, status
	}
	return compileProgram(prog, o, stderr)
}

// compileProgram lowers and optimises a checked program.
func compileProgram(prog *lang.Program, o driver.Options, stderr io.Writer) (*ir.Module, int) {
	m, err := driver.Compile(prog, o)
	if err != nil {
		return nil, report(stderr, prog, err)
	}
	return m, exitOK
}

// report prints an error of the pipeline and returns the exit status it
// means: the model's diagnostics with source excerpts, an option that
// does not fit the model as a usage error.
func report(stderr io.Writer, prog *lang.Program, err error) int {
	switch driver.StageOf(err) {
	case driver.Check:
		printErrors(stderr, prog, err)
		return exitModel
	case driver.Passes:
		// A pass's diagnostics, printed as the checker's (without the
		// count the checker's list ends with).
		lang.Print(stderr, driver.Diagnostics(err), prog.Sources())
		return exitModel
	case driver.Usage:
		fmt.Fprintf(stderr, "snnc: %v\n", err)
		return exitUsage
	}
	// The calibration run failed, or a compiler bug: say so plainly.
	fmt.Fprintf(stderr, "snnc: %v\n", err)
	return exitModel
}

// printNotes prints what the passes said about the whole module: what
// prune removed, and why.
func printNotes(w io.Writer, m *ir.Module) {
	for _, n := range m.Notes {
		fmt.Fprintf(w, "snnc: %s\n", n)
	}
}
