package driver

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// cells is a population of which monitors record two neurons: prune keeps
// those two in a floating-point build; neuron i relaxes toward i mV.
const cells = `neuron N {
    param drive: mV = 0 mV
    runtime param bias: mV = 0 mV in [-1 mV, 1 mV]
    state v: mV = uniform(-2 mV, 0 mV)
    dv/dt = (drive + bias - v) / (10 ms)
}
population cells = N[100] { drive = i * 1 mV }
monitor state cells.v[0:2] every 1
run { duration = 20 ms }
`

// The calibration of --quantize runs without prune, on every neuron: the
// largest v is neuron 99's at the run's end, 99 mV (1 - e^(-t/tau)) +
// v0 e^(-t/tau) with v0 in [-2 mV, 0 mV] (the exact propagator is exact
// at each step). Calibrated on the two neurons prune keeps, it would be
// below 1 mV.
func TestCalibrationWithoutPrune(t *testing.T) {
	prog, err := LoadSource("cells.snn", []byte(cells))
	require.NoError(t, err)
	pruned, err := Compile(prog, Options{})
	require.NoError(t, err)
	require.Equal(t, 2, pruned.Populations[0].Size, "prune keeps the recorded neurons of the floating-point build")

	ranges, err := CalibrateProgram(prog, Options{})
	require.NoError(t, err)
	m := Lower(prog)
	e := math.Exp(-m.Run.Duration / 10e-3)
	hi := ranges["cells.v"][1]
	require.GreaterOrEqual(t, hi, 99e-3*(1-e)-2e-3*e, "the top of v's range")
	require.LessOrEqual(t, hi, 99e-3*(1-e))

	q, err := Compile(prog, Options{Quantize: 16})
	require.NoError(t, err)
	require.Equal(t, 100, q.Populations[0].Size, "a quantized build keeps every neuron")
	require.Equal(t, ranges, q.Run.Ranges, "Compile calibrates as CalibrateProgram does")
	reuse, err := Compile(prog, Options{Quantize: 16, Calibration: ranges})
	require.NoError(t, err)
	require.Equal(t, q.String(), reuse.String(), "a reused calibration gives the same module")
}

// Each failure names its stage; a pass's diagnostics come back as lang's,
// positioned, once.
func TestStages(t *testing.T) {
	_, err := LoadSource("bad.snn", []byte("population p = Nope[3]\n"))
	require.Equal(t, Check, StageOf(err))
	list := Diagnostics(err)
	require.NotEmpty(t, list)
	require.Equal(t, "bad.snn:1:16", list[0].Pos.String())

	const nonlinear = `neuron Q {
    state v: mV = 0 mV
    dv/dt = (0.04 / mV * v**2 + 5 * v) / ms
    method exact
}
population q = Q[1]
monitor state q.v
`
	_, _, err = CompileSource("q.snn", []byte(nonlinear), Options{})
	require.Equal(t, Passes, StageOf(err))
	list = Diagnostics(err)
	require.Len(t, list, 1)
	require.Equal(t, "q.snn", list[0].Pos.File)
	require.Equal(t, 3, list[0].Pos.Line)
	require.Contains(t, list[0].Msg, "method exact, but dv/dt is not linear")
	// The calibration run compiles the model too, and stops at the same
	// diagnostic.
	_, _, err = CompileSource("q.snn", []byte(nonlinear), Options{Quantize: 16})
	require.Equal(t, Passes, StageOf(err))

	prog, err := LoadSource("cells.snn", []byte(cells))
	require.NoError(t, err)
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{PruneWeight: "1 mV"}, "--prune-weight 1 mV: no synapse of the model has a weight w to prune"},
		{Options{Ranges: []string{"cells.bias=-1nA:1nA"}}, `--range cells.bias=-1nA:1nA: cells.bias has dimension`},
		{Options{Ranges: []string{"cells.drive=0mV:1mV"}}, "--range cells.drive=0mV:1mV: no runtime parameter cells.drive; the model has cells.bias"},
		{Options{Ranges: []string{"cells.bias=1mV:-1mV"}}, "the range is empty"},
	} {
		_, err := Compile(prog, c.o)
		require.Equal(t, Usage, StageOf(err), "%v", err)
		require.ErrorContains(t, err, c.want)
	}
	m, err := Compile(prog, Options{Ranges: []string{"cells.bias = -3mV:3mV"}})
	require.NoError(t, err)
	require.Equal(t, [2]float64{-3e-3, 3e-3}, m.Run.Declared["cells.bias"])
}

// The flags of the command line become the passes' options, and a bad
// one is an error naming it.
func TestFlags(t *testing.T) {
	var timing bytes.Buffer
	o, err := Flags{Passes: "ode, fold", DisablePass: "fold", Debug: "check,time", Quantize: "fixed", PruneWeight: "0.1 mV"}.Options(&timing)
	require.NoError(t, err)
	require.Equal(t, passes.Options{Only: []string{"ode", "fold"}, Disable: []string{"fold"}, Verify: true, Time: &timing}, o.Options)
	require.Equal(t, ir.QuantizeFixed, o.Quantize)
	require.Equal(t, "0.1 mV", o.PruneWeight)
	o, err = Flags{Quantize: "int8"}.Options(nil)
	require.NoError(t, err)
	require.Equal(t, 8, o.Quantize)
	for f, want := range map[*Flags]string{
		{Debug: "fast"}:          `unknown -d setting "fast"`,
		{Quantize: "int12"}:      "--quantize int12: the widths are int8, int16 and int32, or fixed",
		{PruneWeight: "lots"}:    "--prune-weight lots:",
		{Passes: "no_such_pass"}: "no_such_pass",
	} {
		_, err := f.Options(nil)
		require.ErrorContains(t, err, want)
	}
}

// A run's options are checked against the program's runtime parameters;
// a --set of what prune removed is dropped.
func TestRunFlags(t *testing.T) {
	prog, err := LoadSource("cells.snn", []byte(cells))
	require.NoError(t, err)
	o, err := RunFlags{Duration: "5 ms", Seed: "7", Set: []string{"cells.bias=0.5mV"}}.InterpOptions(prog)
	require.NoError(t, err)
	require.Equal(t, 5e-3, o.Duration)
	require.Equal(t, uint64(7), *o.Seed)
	require.InDelta(t, 0.5e-3, o.Set["cells.bias"], 1e-18)
	for r, want := range map[*RunFlags]string{
		{Duration: "5 mV"}:                                  `--duration: "5 mV" is not a time`,
		{Duration: "-1 s"}:                                  "--duration: the duration must be positive",
		{Seed: "-1"}:                                        "--seed -1: a seed is a whole number",
		{Set: []string{"bias"}}:                             "--set bias: expected name=value",
		{Set: []string{"bias=1mV"}}:                         "--set bias=1mV: no runtime parameter bias; the model has cells.bias",
		{Set: []string{"cells.bias=1nA"}}:                   "cells.bias has dimension",
		{Set: []string{"cells.bias=1mV", "cells.bias=2mV"}}: "cells.bias is set twice",
	} {
		_, err := r.InterpOptions(prog)
		require.Equal(t, Usage, StageOf(err), "%v", err)
		require.ErrorContains(t, err, want)
	}
	m, err := Compile(prog, Options{})
	require.NoError(t, err)
	opts := interp.Options{Set: map[string]float64{"cells.bias": 1e-3}}
	require.Empty(t, KeepSet(m, &opts), "cells is kept")
	require.Contains(t, opts.Set, "cells.bias")
}

// The native backend's options carry every runtime parameter's dimension
// and the units --set accepts.
func TestLLVMOptions(t *testing.T) {
	prog, err := LoadSource("cells.snn", []byte(cells))
	require.NoError(t, err)
	o := LLVMOptions(prog)
	bias, _ := prog.RuntimeParams()["cells.bias"].Exponents()
	require.Equal(t, map[string][6]int8{"cells.bias": bias}, o.Dims)
	require.Len(t, o.Units, len(lang.Units()))
}
