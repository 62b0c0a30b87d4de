package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/llvm"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.snn")
	if err := os.WriteFile(bad, []byte("population p = Nope[10]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no arguments", nil, exitUsage, "", "Usage: snnc"},
		{"help", []string{"help"}, exitOK, "Commands:", ""},
		{"help check", []string{"help", "check"}, exitOK, "Usage: snnc check", ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"check without file", []string{"check"}, exitUsage, "", "snnc check: expected one or more model files, got none; see snnc help check"},
		{"check bad flag", []string{"check", "-nope", "x.snn"}, exitUsage, "", "flag provided but not defined"},
		{"check example", []string{"check", "../../examples/cuba.snn"}, exitOK, "ok (2 populations, 4000 neurons", ""},
		{"check quiet", []string{"check", "-q", "../../examples/cuba.snn"}, exitOK, "", ""},
		{"check bad model", []string{"check", bad}, exitModel, "", "bad.snn:1:16: error: undefined neuron type Nope"},
		{"check missing file", []string{"check", filepath.Join(dir, "none.snn")}, exitModel, "", "no such file or directory"},
		{"quantize help", []string{"help", "run"}, exitOK, "int8, int16, int32 or fixed", ""},
		{"quantize unknown", []string{"ir", "--quantize=int12", "../../examples/lif_current.snn"}, exitUsage, "", "--quantize int12: the widths are int8, int16 and int32, or fixed"},
		{"quantize fixed", []string{"ir", "--quantize=fixed", "../../examples/lif_current.snn"}, exitOK, `note "quantize: cell.v fx16.18: rounding noise `, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(c.args, &stdout, &stderr)
			assert.Equal(t, c.code, code, "stderr: %s", stderr.String())
			if c.stdout == "" {
				if c.name == "check quiet" {
					assert.Empty(t, stdout.String())
				}
			} else {
				assert.Contains(t, stdout.String(), c.stdout)
			}
			if c.stderr != "" {
				assert.Contains(t, stderr.String(), c.stderr)
			}
		})
	}
}

// TestCheckPrintsCaret checks the whole diagnostic format on one error.
func TestCheckPrintsCaret(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.snn")
	src := "neuron M {\n    state v: mV = 0 mV\n    dv/dt = -v\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitModel, run([]string{"check", path}, &stdout, &stderr))
	lines := strings.Split(stderr.String(), "\n")
	assert.Contains(t, lines[0], "m.snn:3:13: error: dv/dt must be V/s")
	assert.Equal(t, "        dv/dt = -v", lines[1])
	// The excerpt is indented by four spaces; the caret sits under column 13.
	assert.Equal(t, strings.Repeat(" ", 4+12)+"^", lines[2])
}

func TestRunCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	lif := "../../examples/lif_current.snn"
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"run", []string{"run", "--out", out, lif}, exitOK, "cell     1", ""},
		{"flags after the model", []string{"run", lif, "--out", out, "--duration", "200ms", "--seed", "3"}, exitOK, "0.2 s in 2000 steps of 0.1 ms (seed 3)", ""},
		{"set", []string{"run", lif, "--out", out, "--set", "i_drive=0.3nA"}, exitOK, "cell", ""},
		{"quiet", []string{"run", "-q", lif, "--out", out}, exitOK, "", ""},
		{"set unknown", []string{"run", lif, "--set", "nope=1"}, exitUsage, "", "no runtime parameter nope; the model has i_drive"},
		{"set wrong unit", []string{"run", lif, "--set", "i_drive=3mV"}, exitUsage, "", "i_drive has dimension current (A), and \"3mV\" has voltage (V)"},
		{"set unknown unit", []string{"run", lif, "--set", "i_drive=3nAmp"}, exitUsage, "", "unknown unit"},
		{"set out of range", []string{"run", lif, "--set", "i_drive=1e400nA"}, exitUsage, "",
			`--set i_drive=1e400nA: "1e400nA": 1e400 is out of range (numbers go up to about 1.8e308 in magnitude)`},
		{"set out of range in SI", []string{"run", lif, "--set", "i_drive=1e300TA"}, exitUsage, "",
			`--set i_drive=1e300TA: "1e300TA": 1e300 TA is out of range (more than about 1.8e308 in SI units)`},
		{"duration out of range", []string{"run", lif, "--duration", "-1e999 s"}, exitUsage, "", `"-1e999 s": -1e999 is out of range`},
		{"set without value", []string{"run", lif, "--set", "i_drive"}, exitUsage, "", "expected name=value"},
		{"set twice", []string{"run", lif, "--set", "i_drive=1nA", "--set", "i_drive=2nA"}, exitUsage, "", "set twice"},
		{"bad duration", []string{"run", lif, "--duration", "5mV"}, exitUsage, "", "is not a time"},
		{"bad seed", []string{"run", lif, "--seed", "-1"}, exitUsage, "", "a seed is a whole number"},
		{"unknown target", []string{"run", "--target", "gpu", lif}, exitUsage, "", `unknown target "gpu"`},
		{"two models", []string{"run", lif, lif}, exitUsage, "", "snnc run: expected one model file, got 2"},
		{"bad model", []string{"run", filepath.Join(dir, "none.snn")}, exitModel, "", "no such file or directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(c.args, &stdout, &stderr)
			assert.Equal(t, c.code, code, "stderr: %s", stderr.String())
			if c.stdout != "" {
				assert.Contains(t, stdout.String(), c.stdout)
			} else if code == exitOK {
				assert.Empty(t, stdout.String())
			}
			if c.stderr != "" {
				assert.Contains(t, stderr.String(), c.stderr)
			}
		})
	}
	for _, f := range []string{"cell_spikes.t.npy", "cell_spikes.i.npy", "cell_v.t.npy", "cell_v.i.npy", "cell_v.npy", "summary.json"} {
		_, err := os.Stat(filepath.Join(out, f))
		assert.NoError(t, err, f)
	}
}

func TestBuildCommand(t *testing.T) {
	dir := t.TempDir()
	lif := "../../examples/lif_current.snn"
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitUsage, run([]string{"build", "--target", "gpu", lif}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `unknown target "gpu"`)
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"build", "--target", "interp", lif}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "use snnc run --target=interp")
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"build", "--emit", "asm", lif}, &stdout, &stderr))

	// --emit=llvm writes the IR and the tables.
	ll := filepath.Join(dir, "m")
	assert.Equal(t, exitOK, run([]string{"build", "--emit=llvm", "-o", ll, lif}, &stdout, &stderr), stderr.String())
	text, err := os.ReadFile(ll + ".ll")
	assert.NoError(t, err)
	assert.Contains(t, string(text), "define void @snn_k")
	tables, err := os.ReadFile(ll + ".model.c")
	assert.NoError(t, err)
	assert.Contains(t, string(tables), "const snn_model snn_the_model")
}

// snnc build --target=fpga writes the core's directory, quantized to 16
// bits by default; what the core cannot run is a positioned error, exit 1.
func TestBuildFPGA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lif_fpga")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"build", "--target=fpga", "--no-synth", "-o", dir, "../../examples/lif_current.snn"}, &stdout, &stderr), stderr.String())
	for _, f := range []string{"snn_core.v", "snn_model.v", "snn_params.vh", "config.bin", "cfg.hex", "state.mem", "stim.hex", "map.json", "report.txt", "sim.sh", "tb_snn.v"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	model, err := os.ReadFile(filepath.Join(dir, "snn_model.v"))
	require.NoError(t, err)
	assert.Contains(t, string(model), "module snn_step_0")
	report, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "Neurons: 1 slots (cell 0-0)")

	stderr.Reset()
	assert.Equal(t, exitModel, run([]string{"build", "--target=fpga", "--no-synth", "-o", dir, "../../examples/rstdp.snn"}, &stdout, &stderr))
	assert.Regexp(t, `rstdp.snn:\d+:\d+: global dopamine: the core has no globals`, stderr.String())
}

// snnc run --target=llvm builds into the cache, runs the executable and
// writes the interpreter's bytes.
func TestRunNative(t *testing.T) {
	for _, tool := range []string{"opt", "llc", "cc", "ar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	lif := "../../examples/lif_current.snn"
	var stdout, stderr bytes.Buffer
	args := []string{"--duration", "100ms", "--set", "i_drive=0.3nA", "-q", lif}
	assert.Equal(t, exitOK, run(append([]string{"run", "--target=llvm", "--threads", "2", "--out", filepath.Join(dir, "native")}, args...), &stdout, &stderr), stderr.String())
	assert.Equal(t, exitOK, run(append([]string{"run", "--out", filepath.Join(dir, "interp")}, args...), &stdout, &stderr), stderr.String())
	for _, f := range []string{"cell_spikes.t.npy", "cell_spikes.i.npy", "cell_v.npy"} {
		a, err := os.ReadFile(filepath.Join(dir, "native", f))
		assert.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir, "interp", f))
		assert.NoError(t, err)
		assert.Equal(t, b, a, f)
	}
	// A bad --set is refused before anything is built.
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"run", "--target=llvm", "--set", "i_drive=1mV", lif}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "has dimension current")
}

// A runtime parameter of a population prune removed is accepted, checked
// and changes nothing, on both targets and in a built executable; -v says
// so.
func TestSetPrunedParameter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.snn")
	src := `neuron N {
    runtime param drive: mV = 0 mV
    state v: mV = 0 mV
    dv/dt = (drive - v) / (10 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
}
population a = N[3]
population b = N[3]
monitor spikes a
`
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitOK, run([]string{"run", "-q", "-v", "--out", filepath.Join(dir, "o1"), "--set", "b.drive=20mV", path}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "removed population b")
	assert.Contains(t, stderr.String(), "--set b.drive changes nothing: prune removed what it belongs to")
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"run", "-q", "--set", "b.drive=20nS", path}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "b.drive has dimension voltage")
	if len(llvm.MissingTools()) > 0 {
		return // the native half needs opt, llc and cc
	}
	exe := filepath.Join(dir, "p")
	require.Equal(t, exitOK, run([]string{"build", "-o", exe, path}, &stdout, &stderr), stderr.String())
	out, err := exec.Command(exe, "-q", "--out", filepath.Join(dir, "o2"), "--set", "b.drive=20mV").CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(exe, "-q", "--set", "b.drive=20nS").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "the dimension of 20nS is not b.drive's")
	// What an unknown name lists is what --set accepts, the pruned b.drive
	// included, as snnc lists it.
	out, err = exec.Command(exe, "-q", "--set", "nope=1mV").CombinedOutput()
	require.Error(t, err)
	assert.Equal(t, "p: --set nope=1mV: no runtime parameter nope; the model has a.drive, b.drive\n", string(out))
	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"run", "-q", "--set", "nope=1mV", path}, &stdout, &stderr))
	assert.Equal(t, "snnc run: --set nope=1mV: no runtime parameter nope; the model has a.drive, b.drive\n", stderr.String())
}

// A quantized model keeps every neuron, and the calibration run compiles
// without prune: the ranges, and so the fixed-point formats, are the
// whole population's with and without the pass, and so are the bytes
// recorded. (Calibrated on the two neurons prune would keep, v's range
// would be 50 times narrower.)
func TestQuantizedKeepsNeurons(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.snn")
	src := `neuron N {
    param drive: mV = 0 mV
    state v: mV = uniform(-2 mV, 0 mV)
    dv/dt = (drive - v) / (10 ms)
}
population cells = N[100] { drive = i * 1 mV }
monitor state cells.v[0:2] every 1
run { duration = 20 ms }
`
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"ir", path}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "prune: population cells keeps neurons 0..1 of 100")
	outputs := map[string]string{}
	for name, args := range map[string][]string{"pruned": nil, "kept": {"--disable-pass=prune"}} {
		stdout.Reset()
		stderr.Reset()
		out := filepath.Join(dir, name)
		require.Equal(t, exitOK, run(append([]string{"run", "-q", "-v", "--quantize=int16", "--out", out, path}, args...), &stdout, &stderr), stderr.String())
		assert.NotContains(t, stderr.String(), "keeps neurons")
		data, err := os.ReadFile(filepath.Join(out, "cells_v.npy"))
		require.NoError(t, err)
		outputs[name] = string(data)
	}
	assert.Equal(t, outputs["kept"], outputs["pruned"])
}

// Run-time messages name an unnamed projection as spec/language.md
// promises, "connect at FILE:LINE:COL", on both targets, not by the name
// the IR makes up for it.
func TestUnnamedProjectionMessages(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	path := filepath.Join(dir, "c.snn")
	src := `neuron N {
    state v = 0
    dv/dt = -v / (10 ms)
    threshold v > 1
    reset { v = 0 }
}
synapse S { on pre { post.v += 1 } }
population a = N[3]
connect a -> a using S by all_to_all { delay = -1 ms + i * 0 ms }
monitor spikes a
run { duration = 1 ms }
`
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	want := "snnc run: " + path + ": connect at " + path + ":9:1: synapse 0 has delay -0.001 s; delays must be finite, non-negative"
	targets := []string{"interp"}
	if len(llvm.MissingTools()) == 0 {
		targets = append(targets, "llvm")
	}
	for _, target := range targets {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, exitModel, run([]string{"run", "-q", "--target=" + target, "--out", filepath.Join(dir, target), path}, &stdout, &stderr), target)
		assert.Contains(t, stderr.String(), want, target)
		assert.NotContains(t, stderr.String(), "connect_", target)
	}
}

// A quantized model refuses a --set outside a runtime parameter's range
// (here the standard library's i_ext, stated in [-2 nA, 2 nA]) and says
// how to widen it; --range widens it, on the interpreter and in a native
// executable; a bad --range is a usage error.
func TestRangeFlag(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.snn")
	src := `import "std/neurons.snn"
population cell = LIF[1]
monitor spikes cell
run { duration = 50 ms }
`
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	var stdout, stderr bytes.Buffer
	args := []string{"run", "-q", "--quantize=int16", "--out", filepath.Join(dir, "o"), "--set", "cell.i_ext=3nA"}
	assert.Equal(t, exitModel, run(append(args, path), &stdout, &stderr))
	assert.Contains(t, stderr.String(), "is outside [-2e-09, 2e-09], the values the quantized model was built to hold cell.i_ext in")
	assert.Contains(t, stderr.String(), "--range cell.i_ext=LO:HI")
	stderr.Reset()
	assert.Equal(t, exitOK, run(append(args, "--range", "cell.i_ext=-5nA:5nA", path), &stdout, &stderr), stderr.String())
	for _, bad := range []struct{ arg, msg string }{
		{"cell.i_ext=1nA", "expected NAME=LO:HI"},
		{"cell.i_ext=1mV:2mV", "cell.i_ext has dimension current"},
		{"cell.i_ext=2nA:1nA", "the range is empty"},
		{"cell.nope=1nA:2nA", "no runtime parameter cell.nope"},
	} {
		stderr.Reset()
		assert.Equal(t, exitUsage, run([]string{"ir", "--quantize=int16", "--range", bad.arg, path}, &stdout, &stderr), bad.arg)
		assert.Contains(t, stderr.String(), bad.msg)
	}
	if len(llvm.MissingTools()) > 0 {
		return // the native half needs opt, llc and cc
	}
	exe := filepath.Join(dir, "r")
	require.Equal(t, exitOK, run([]string{"build", "--quantize=int16", "-o", exe, path}, &stdout, &stderr), stderr.String())
	out, err := exec.Command(exe, "-q", "--out", filepath.Join(dir, "n1"), "--set", "cell.i_ext=3nA").CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "--range cell.i_ext=LO:HI")
	require.Equal(t, exitOK, run([]string{"build", "--quantize=int16", "--range", "cell.i_ext=-5nA:5nA", "-o", exe, path}, &stdout, &stderr), stderr.String())
	out, err = exec.Command(exe, "-q", "--out", filepath.Join(dir, "n2"), "--set", "cell.i_ext=3nA").CombinedOutput()
	require.NoError(t, err, "%s", out)
}
