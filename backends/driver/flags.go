package driver

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
)

// Flags are the pipeline's options as the command line gives them, before
// they are checked: snnc's --passes, --disable-pass, -d, --prune-weight,
// --quantize and --range.
type Flags struct {
	Passes      string   // comma-separated passes to run
	DisablePass string   // comma-separated passes not to run
	Debug       string   // -d: check/on, check/off, time, comma-separated
	PruneWeight string   // a quantity with its unit
	Quantize    string   // int8, int16, int32, fixed, or ""
	Ranges      []string // NAME=LO:HI, checked against the model by Compile
}

// Options checks the flags that need no model and turns them into the
// pipeline's options; -d time reports to timeTo. An error is one of the
// command line's.
func (f Flags) Options(timeTo io.Writer) (Options, error) {
	o := Options{PruneWeight: f.PruneWeight, Ranges: f.Ranges}
	o.Only, o.Disable = splitList(f.Passes), splitList(f.DisablePass)
	for _, d := range splitList(f.Debug) {
		switch d {
		case "check/on", "check":
			o.Verify = true
		case "check/off":
			o.Verify = false
		case "time":
			o.Time = timeTo
		default:
			return o, fmt.Errorf("unknown -d setting %q (the settings are check/on, check/off, time)", d)
		}
	}
	if _, err := o.Selected(); err != nil {
		return o, err
	}
	if f.PruneWeight != "" {
		if _, _, err := lang.ParseQuantity(f.PruneWeight); err != nil {
			return o, fmt.Errorf("--prune-weight %s: %v", f.PruneWeight, err)
		}
	}
	if f.Quantize == "fixed" {
		o.Quantize = ir.QuantizeFixed
	} else if f.Quantize != "" {
		if o.Quantize = lang.QuantizeWidths[f.Quantize]; o.Quantize == 0 {
			return o, fmt.Errorf("--quantize %s: the widths are int8, int16 and int32, or fixed (a width per variable, chosen by the analysis)", f.Quantize)
		}
	}
	return o, nil
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

// RunFlags are the options of a run that every target takes, as the
// command line gives them: --duration, --seed and --set NAME=VALUE.
type RunFlags struct {
	Duration string   // a time, replacing the model's, or ""
	Seed     string   // a whole number, replacing the model's, or ""
	Set      []string // NAME=VALUE, a runtime parameter's value with its unit
}

// InterpOptions checks the run's options against the program (a --set
// must name a runtime parameter and carry its dimension) and returns the
// interpreter's. It needs only the checked program, so that a command line
// is refused before anything is compiled. An error is of Stage Usage.
func (r RunFlags) InterpOptions(prog *lang.Program) (interp.Options, error) {
	opts := interp.Options{}
	if r.Duration != "" {
		d, dim, err := lang.ParseQuantity(r.Duration)
		if err == nil && dim != lang.DimTime {
			err = fmt.Errorf("%q is not a time", r.Duration)
		}
		if err == nil && !(d > 0) {
			err = fmt.Errorf("the duration must be positive")
		}
		if err != nil {
			return opts, usagef("--duration: %v", err)
		}
		opts.Duration = d
	}
	if r.Seed != "" {
		seed, err := strconv.ParseUint(r.Seed, 10, 64)
		if err != nil || seed >= 1<<53 {
			return opts, usagef("--seed %s: a seed is a whole number from 0 to 2^53-1", r.Seed)
		}
		opts.Seed = &seed
	}
	if len(r.Set) == 0 {
		return opts, nil
	}
	opts.Set = map[string]float64{}
	opts.SetText = map[string]string{}
	dims := prog.RuntimeParams()
	driven := prog.DrivenParams()
	settable := maps.Clone(dims)
	for name := range driven {
		delete(settable, name)
	}
	for _, kv := range r.Set {
		name, text, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return opts, usagef("--set %s: expected name=value, for example --set i_drive=0.3nA", kv)
		}
		if cur, ok := driven[name]; ok {
			return opts, usagef("--set %s: %s is driven by current %s, which sets it every step; %s", kv, name, cur, Settable(settable))
		}
		want, known := dims[name]
		if !known {
			return opts, usagef("--set %s: %s", kv, UnknownRuntime(name, settable))
		}
		x, dim, err := lang.ParseQuantity(text)
		if err != nil {
			return opts, usagef("--set %s: %v", kv, err)
		}
		if dim != want {
			return opts, usagef("--set %s: %s has dimension %s, and %q has %s", kv, name, want.Describe(), text, dim.Describe())
		}
		if _, dup := opts.Set[name]; dup {
			return opts, usagef("--set %s: %s is set twice", kv, name)
		}
		opts.Set[name] = x
		opts.SetText[name] = strings.TrimSpace(text)
	}
	return opts, nil
}

// KeepSet drops from opts.Set the runtime parameters of what prune
// removed from m, and returns their names, sorted: their values change
// nothing recorded, so their --set is accepted and dropped (the native
// executable does the same with it).
func KeepSet(m *ir.Module, opts *interp.Options) (dropped []string) {
	kept := m.RuntimeParams()
	for _, name := range slices.Sorted(maps.Keys(opts.Set)) {
		if !kept[name] {
			delete(opts.Set, name)
			dropped = append(dropped, name)
		}
	}
	return dropped
}
