package passes

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"snnc/ir"
)

// Pass is one transformation of a module.
type Pass struct {
	Name string
	Doc  string
	Run  func(m *ir.Module) error
	// After lists the passes that must run before this one when both run.
	After []string
	// Required passes produce what every backend needs (no ode
	// instructions); they cannot be disabled.
	Required bool
}

// Table is every pass, in the order they run. The ordering constraints in
// After are checked against this order when the package is initialised.
var Table = []*Pass{
	{Name: "specialize", Run: Specialize,
		Doc: "parameters that are neither runtime nor per element become constants"},
	{Name: "fold", Run: Fold, After: []string{"specialize"},
		Doc: "evaluates operations on constants and simplifies exact identities (x*1, select on a constant)"},
	{Name: "ode", Run: Discretize, After: []string{"specialize", "fold"}, Required: true,
		Doc: "discretises ODEs: exact propagators for linear systems, exponential Euler, Euler or RK4; lazily decayed traces"},
	// quantize comes before the passes that change the model's shape
	// (prune, fuse) and clean up after them (cse, dce): a quantized model
	// is the same whether they run or not, and they keep exact what it
	// computes in fixed point as they do in floating point.
	{Name: "quantize", Run: Quantize, After: []string{"ode"},
		Doc: "with --quantize, makes state and arithmetic fixed point (runtime/fixed), formats from a calibration run"},
	{Name: "prune", Run: Prune, After: []string{"ode"},
		Doc: "removes populations, inputs, projections, currents, dendrites, state variables and the neurons at the end of a population that no monitor depends on"},
	{Name: "fuse", Run: Fuse, After: []string{"ode", "prune"},
		Doc: "makes a population's update, threshold, reset and refractory one step kernel: one loop, each state variable read and written once"},
	{Name: "cse", Run: CSE, After: []string{"ode"},
		Doc: "merges identical pure computations"},
	{Name: "dce", Run: DCE, After: []string{"cse"},
		Doc: "removes computations whose results are never used"},
}

func init() {
	if err := checkTable(Table); err != nil {
		panic("passes: " + err.Error())
	}
}

// checkTable checks that names are unique and every After names an earlier
// pass.
func checkTable(table []*Pass) error {
	seen := map[string]bool{}
	for _, p := range table {
		if seen[p.Name] {
			return fmt.Errorf("pass %s is listed twice", p.Name)
		}
		for _, a := range p.After {
			if !seen[a] {
				return fmt.Errorf("pass %s must run after %s, which is not listed before it", p.Name, a)
			}
		}
		seen[p.Name] = true
	}
	return nil
}

// Lookup returns the pass called name.
func Lookup(name string) *Pass {
	for _, p := range Table {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Options choose and observe the passes of one compilation.
type Options struct {
	// Only, if not nil, is the set of passes to run (in table order);
	// required passes run anyway.
	Only []string
	// Disable names passes not to run.
	Disable []string
	// Verify runs the IR verifier after every pass.
	Verify bool
	// Time, if set, receives the duration of each pass.
	Time io.Writer
	// After, if set, is called with the module after each pass that runs.
	After func(pass string, m *ir.Module)
}

// Selected returns the passes the options choose, or an error naming an
// unknown or required pass.
func (o Options) Selected() ([]*Pass, error) {
	for _, list := range [][]string{o.Only, o.Disable} {
		for _, n := range list {
			if Lookup(n) == nil {
				return nil, fmt.Errorf("unknown pass %q (the passes are %s)", n, Names())
			}
		}
	}
	var out []*Pass
	for _, p := range Table {
		on := o.Only == nil || slices.Contains(o.Only, p.Name)
		if slices.Contains(o.Disable, p.Name) {
			if p.Required {
				return nil, fmt.Errorf("pass %s is required and cannot be disabled", p.Name)
			}
			on = false
		}
		if on || p.Required {
			out = append(out, p)
		}
	}
	return out, nil
}

// Names lists the passes in order.
func Names() string {
	var names []string
	for _, p := range Table {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// Run runs the selected passes over m. A verifier failure names the pass
// after which it was found.
func Run(m *ir.Module, o Options) error {
	selected, err := o.Selected()
	if err != nil {
		return err
	}
	if o.Verify {
		if err := ir.Verify(m); err != nil {
			return fmt.Errorf("IR from lowering does not verify:\n%v", err)
		}
	}
	for _, p := range selected {
		start := time.Now()
		if err := p.Run(m); err != nil {
			return err
		}
		if o.Time != nil {
			fmt.Fprintf(o.Time, "pass %-10s %v\n", p.Name, time.Since(start))
		}
		if o.Verify {
			if err := ir.Verify(m); err != nil {
				return fmt.Errorf("IR after pass %s does not verify:\n%v", p.Name, err)
			}
		}
		if o.After != nil {
			o.After(p.Name, m)
		}
	}
	return nil
}
