package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/fpga"
	"snnc/runtime"
)

// fpgaNet has what a run on the core maps back beyond one population's
// spikes: two populations, a Poisson input (its spikes recorded too), a
// projection with drawn delays (the summary's synaptic events count only
// those delivered within the run), a monitor of a subgroup (its indices
// rebased), and state monitors of each kind a sample reads back: a.v
// (no delivery writes it), b.g (on_pre writes it in the step's
// deliveries, before the sample), a definition, one of parameters alone
// (whose samples read nothing), a synapse variable, and monitors that
// record only in the second phase (a window of steps).
const fpgaNet = `
neuron LIF {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    let drive: mV = g - v
    let twice: ms = 2 * tau
    dv/dt = drive / tau
    dg/dt = -g / (5 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
    refractory 2 ms
}
synapse S {
    param w: mV = 6 mV
    state n = 0
    on pre { post.g += w  n += 1 }
}
input noise = poisson[20] { rate = 100 Hz }
population a = LIF[10]
population b = LIF[8] { tau = 20 ms }
connect na: noise -> a using S by fixed_probability(0.5)
connect ab: a -> b using S by fixed_probability(0.5) { delay = uniform(0 ms, 3 ms) }
monitor spikes a
monitor spikes b[2:6]
monitor spikes noise
monitor state a.v every 1 ms
monitor state b.g every 1 ms
monitor state a.drive[3:7] every 2 ms
monitor state ab.n every 5 ms
monitor state na.n every 5 ms
monitor state b.twice every 0.7 ms
monitor late: spikes b
monitor late_v: state b.v[1:3] every 1
phase first { duration = 30 ms }
phase second { duration = 70 ms  record = [late, late_v] }
run { seed = 3 }
`

// requireSimulator skips a test without a Verilog simulator.
func requireSimulator(t *testing.T) {
	t.Helper()
	if len(fpga.Simulators()) == 0 {
		t.Skip("no Verilog simulator (Debian packages verilator, iverilog)")
	}
}

// snnc run --target=fpga writes the bytes of snnc run --target=interp
// --quantize=int16 (the quantization fpga chooses by default) for every
// spike monitor, every state monitor (the words read back after each
// sampled step's deliveries: neuron variables that deliveries write or
// not, definitions, synapse variables and traces, in a phase's window),
// and the final state (state/), and the same summary but for its target,
// time and files; there is no checkpoint. Examples, a network of inputs
// and delays, and STDP, with --duration, --seed and --set; the RTL is
// slow (a Verilator build of 10 to 20 s for each core), so the runs are
// short.
func TestRunFPGA(t *testing.T) {
	requireSimulator(t)
	dir := t.TempDir()
	net := writeModel(t, dir, "net.snn", fpgaNet)
	// Song-style STDP with traces: a sample reads the synapse words (w,
	// and x_pre decayed to the sample from the synapse's last event) and
	// the post neurons' ge, which the deliveries of the step increase.
	src, err := os.ReadFile("../../examples/symmetric_stdp.snn")
	require.NoError(t, err)
	stdp := writeModel(t, dir, "stdp.snn", string(src)+`
monitor state correlated.x_pre every 1 ms
monitor cw: state correlated.w every 2 ms
monitor state out.ge every 1 ms
`)
	for _, c := range []struct {
		name, path string
		args       []string
		monitors   []string // spike monitors: NAME.t.npy, NAME.i.npy
		sampled    []string // state monitors recorded: NAME.t.npy, NAME.i.npy, NAME.npy
		final      string   // a variable of state/ that the core changed
	}{
		{"lif_current", "../../examples/lif_current.snn", []string{"--duration", "150ms", "--set", "i_drive=0.35nA"}, []string{"cell_spikes"}, []string{"cell_v"}, "cell.v"},
		{"izhikevich", "../../examples/izhikevich.snn", []string{"--duration", "40ms"}, []string{"rs_spikes", "ib_spikes", "ch_spikes", "fs_spikes", "lts_spikes"}, []string{"rs_v"}, "lts.u"},
		{"net", net, []string{"--duration", "60ms", "--seed", "11"}, []string{"a_spikes", "b_spikes", "noise_spikes", "late"},
			[]string{"a_v", "b_g", "a_drive", "ab_n", "na_n", "b_twice", "late_v"}, "b.g"},
		{"stdp", stdp, []string{"--duration", "100ms"}, []string{"out_spikes"}, []string{"correlated_x_pre", "cw", "out_ge"}, "correlated.w"},
	} {
		t.Run(c.name, func(t *testing.T) {
			interpOut, fpgaOut := filepath.Join(dir, c.name+".interp"), filepath.Join(dir, c.name+".fpga")
			var stdout, stderr bytes.Buffer
			args := append([]string{"run", "-q", "--target=interp", "--quantize=int16", "--out", interpOut}, c.args...)
			require.Equal(t, exitOK, run(append(args, c.path), &stdout, &stderr), stderr.String())
			stderr.Reset()
			args = append([]string{"run", "-q", "--target=fpga", "--out", fpgaOut}, c.args...)
			require.Equal(t, exitOK, run(append(args, c.path), &stdout, &stderr), stderr.String())
			assert.NotContains(t, stderr.String(), "warning: ", "every monitor is recorded")
			// Every file the fpga run wrote is the interpreter's, byte
			// for byte; the interpreter's others are its checkpoint's.
			want, got := summaryOf(t, interpOut), summaryOf(t, fpgaOut)
			for _, mon := range c.monitors {
				assert.Contains(t, got["files"], mon+".t.npy")
				assert.Contains(t, got["files"], mon+".i.npy")
			}
			for _, mon := range c.sampled {
				for _, f := range []string{".t.npy", ".i.npy", ".npy"} {
					assert.Contains(t, got["files"], mon+f)
				}
			}
			for _, f := range got["files"].([]any) {
				name := f.(string)
				if name == "summary.json" {
					continue
				}
				w, err := os.ReadFile(filepath.Join(interpOut, name))
				require.NoError(t, err)
				g, err := os.ReadFile(filepath.Join(fpgaOut, name))
				require.NoError(t, err)
				require.True(t, bytes.Equal(w, g), "%s differs from the quantized interpreter's", name)
			}
			for _, f := range want["files"].([]any) {
				name := f.(string)
				if slices.Contains(got["files"].([]any), f) {
					continue
				}
				assert.True(t, strings.HasPrefix(name, "state/raw/") || name == "state/checkpoint.json", "%s is not written", name)
			}
			assert.Contains(t, got["files"], "state/"+c.final+".npy")
			spikes := 0
			for _, mon := range c.monitors {
				fi, err := os.Stat(filepath.Join(fpgaOut, mon+".i.npy"))
				require.NoError(t, err)
				spikes += int(fi.Size()-128) / 4 // the .npy header is 128 bytes
			}
			require.Positive(t, spikes, "the model spikes")
			assert.Equal(t, "fpga", got["target"])
			// The summary lists the monitors as the interpreter's does.
			for _, key := range []string{"target", "wall_seconds", "files"} {
				delete(want, key)
				delete(got, key)
			}
			assert.Equal(t, want, got, "summary.json")
			switch c.name {
			case "lif_current":
				checkLIFClosedForm(t, fpgaOut)
			case "net":
				checkDeliveredCounts(t, fpgaOut)
			}
		})
	}
}

// The membrane trace the core recorded for lif_current (cell_v, read
// back at each step) against the closed form of a LIF neuron under a
// constant current, an oracle outside snnc: after each reset to v_r (or
// from v_r at t = 0) and the refractory steps in which v is frozen, v
// relaxes exponentially to v_rest + r_m i = -35 mV with tau_m = 10 ms.
func checkLIFClosedForm(t *testing.T, out string) {
	const (
		dt, tau, vr, vinf = 1e-4, 10e-3, -70e-3, -70e-3 + 100e6*0.35e-9
		refractory        = 20 // steps: t_ref = 2 ms
	)
	v, err := runtime.ReadArray(filepath.Join(out, "cell_v.npy"))
	require.NoError(t, err)
	ts, err := runtime.ReadArray(filepath.Join(out, "cell_v.t.npy"))
	require.NoError(t, err)
	spikes, err := runtime.ReadArray(filepath.Join(out, "cell_spikes.t.npy"))
	require.NoError(t, err)
	require.Len(t, v.Data, 1500, "a sample every step of 150 ms")
	require.Greater(t, len(spikes.Data), 5)
	last, n, worst := int64(-refractory), 0, 0.0 // the last spike's step; the next spike
	for x, tk := range ts.Data {
		k := int64(math.Round(tk / dt))
		require.Equal(t, int64(x), k, "sample %d's time", x)
		for n < len(spikes.Data) && int64(math.Round(spikes.Data[n]/dt)) < k {
			last = int64(math.Round(spikes.Data[n] / dt))
			n++
		}
		steps := max(0, k-last-refractory) // integrated since the reset
		want := vinf + (vr-vinf)*math.Exp(-float64(steps)*dt/tau)
		worst = max(worst, math.Abs(v.Data[x]-want))
	}
	// Not exact: int16 rounds v (with dither) at every step, and the
	// rounding accumulates over a rise (0.04 mV at most, measured). A
	// sample taken one step off (v moves 0.15 to 0.35 mV a step between
	// threshold and reset) or a missed reset (20 mV) exceeds 0.1 mV.
	assert.Less(t, worst, 0.1e-3, "the largest distance from the closed form, V")
	t.Logf("cell_v: %d samples, %d spikes, within %.3g mV of the closed form", len(v.Data), len(spikes.Data), worst*1e3)
}

// The synapse counters of na (n += 1 in on_pre, no delay) the core
// recorded, against the input's spikes it recorded: a spike of source i in
// step s is delivered in step s + 1 (language.md section 6), and a sample
// of step k is taken after that step's deliveries, so synapse c's counter
// at step k is the number of spikes of its pre source in steps before k.
// A sample read before the step's deliveries would miss those of step
// k - 1.
func checkDeliveredCounts(t *testing.T, out string) {
	read := func(name string) []float64 {
		a, err := runtime.ReadArray(filepath.Join(out, name))
		require.NoError(t, err)
		return a.Data
	}
	n, ts, pre := read("na_n.npy"), read("na_n.t.npy"), read("na_n.pre.npy")
	st, si := read("noise_spikes.t.npy"), read("noise_spikes.i.npy")
	require.NotEmpty(t, pre)
	require.Len(t, n, len(ts)*len(pre))
	const dt = 1e-4
	late := 0 // samples where a spike of the step before counts
	for r, tk := range ts {
		k := int64(math.Round(tk / dt))
		for c, i := range pre {
			want, last := 0, 0
			for x := range st {
				if si[x] == i && int64(math.Round(st[x]/dt)) < k {
					want++
					if int64(math.Round(st[x]/dt)) == k-1 {
						last++
					}
				}
			}
			require.Equal(t, float64(want), n[r*len(pre)+c], "synapse %d (from source %g) at step %d", c, i, k)
			late += last
		}
	}
	require.Positive(t, late, "some sample follows a spike in the step before it")
}

func summaryOf(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(data, &s))
	return s
}

// What the fpga target cannot do is refused, before any simulation, with
// what to do instead.
func TestRunFPGAErrors(t *testing.T) {
	dir := t.TempDir()
	net := writeModel(t, dir, "net.snn", fpgaNet)
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"resume", []string{"--resume", dir, net}, exitUsage, "--resume: the fpga target runs a model from its start only"},
		{"global", []string{"../../examples/rstdp.snn"}, exitModel, "global dopamine: the core has no globals"},
		// 10^9 steps: refused before the stimulus is built.
		{"long", []string{"--duration", "100000s", "../../examples/lif_current.snn"}, exitModel, "a run of 1000000000 steps: the core's stimulus (stim.hex) has a line of 10 bytes per step, and it may hold 1.0 GiB: at most 107374182 steps"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"run", "--target=fpga", "--out", filepath.Join(dir, "out")}, c.args...), &stdout, &stderr)
			assert.NotEqual(t, exitOK, code, stderr.String())
			if c.want != "" {
				assert.Equal(t, c.code, code)
				assert.Contains(t, stderr.String(), c.want)
			}
			assert.NotContains(t, stderr.String(), "simulating")
		})
	}

	// Without a simulator: what to install.
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	assert.Equal(t, exitModel, run([]string{"run", "--target=fpga", "--out", filepath.Join(dir, "out"), net}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "neither is installed (Debian packages verilator, iverilog)")
}

// snnc build --target=fpga runs no yosys unless --synth asks: it takes a
// fraction of a second. With --synth=ecp5 it runs that flow only, with a
// line on stderr as it starts and ends (here a yosys that fails at once,
// which the report says).
func TestBuildFPGASynth(t *testing.T) {
	dir := t.TempDir()
	bin := t.TempDir()
	log := filepath.Join(dir, "yosys.log")
	// A yosys that logs its call and fails: the flows run are counted.
	require.NoError(t, os.WriteFile(filepath.Join(bin, "yosys"), []byte("#!/bin/sh\necho \"$@\" >> "+log+"\necho 'no such device' >&2\nexit 1\n"), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	out := filepath.Join(dir, "lif_fpga")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	require.Equal(t, exitOK, run([]string{"build", "--target=fpga", "-o", out, "../../examples/lif_current.snn"}, &stdout, &stderr), stderr.String())
	assert.Less(t, time.Since(start), 10*time.Second, "a build without synthesis")
	assert.NotContains(t, stderr.String(), "yosys")
	_, err := os.Stat(log)
	assert.True(t, os.IsNotExist(err), "yosys ran without --synth")
	report, err := os.ReadFile(filepath.Join(out, "report.txt"))
	require.NoError(t, err)
	assert.NotContains(t, string(report), "What yosys says")

	stderr.Reset()
	require.Equal(t, exitOK, run([]string{"build", "--target=fpga", "--synth=ecp5", "-o", out, "../../examples/lif_current.snn"}, &stdout, &stderr), stderr.String())
	assert.Regexp(t, `snnc build: yosys ecp5: running \.\.\.\nsnnc build: yosys ecp5: failed after [0-9.]+m?s: .*no such device`, stderr.String())
	calls, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(calls), "\n"), "one flow")
	assert.Contains(t, string(calls), "synth_ecp5")
	report, err = os.ReadFile(filepath.Join(out, "report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "Lattice ECP5 (synth_ecp5): not run: ")
	assert.NotContains(t, string(report), "Xilinx")

	// --synth alone: every flow; --no-synth still accepted, and wins.
	require.NoError(t, os.Remove(log))
	require.Equal(t, exitOK, run([]string{"build", "--target=fpga", "--synth", "-o", out, "../../examples/lif_current.snn"}, &stdout, &stderr), stderr.String())
	calls, err = os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(calls), "\n"), "both flows")
	require.NoError(t, os.Remove(log))
	stderr.Reset()
	require.Equal(t, exitOK, run([]string{"build", "--target=fpga", "--synth", "--no-synth", "-o", out, "../../examples/lif_current.snn"}, &stdout, &stderr), stderr.String())
	assert.Equal(t, "snnc build: --no-synth is deprecated: yosys runs only when --synth asks for it\n", stderr.String())
	_, err = os.Stat(log)
	assert.True(t, os.IsNotExist(err), "yosys ran with --no-synth")

	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"build", "--target=fpga", "--synth=vivado", "-o", out, "../../examples/lif_current.snn"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `unknown flow "vivado"; the flows are: xilinx, ecp5`)
}

// Without Verilator the run falls back to Icarus Verilog, with the same
// bytes.
func TestRunFPGAIcarus(t *testing.T) {
	bin := t.TempDir()
	for _, tool := range []string{"iverilog", "vvp"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("no %s (Debian package iverilog)", tool)
		}
		require.NoError(t, os.Symlink(p, filepath.Join(bin, tool)))
	}
	dir := t.TempDir()
	net := writeModel(t, dir, "net.snn", fpgaNet)
	interpOut, fpgaOut := filepath.Join(dir, "interp"), filepath.Join(dir, "fpga")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"run", "-q", "--quantize=int16", "--duration", "40ms", "--out", interpOut, net}, &stdout, &stderr), stderr.String())
	t.Setenv("PATH", bin)
	require.Equal(t, exitOK, run([]string{"run", "--target=fpga", "--duration", "40ms", "--out", fpgaOut, net}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stderr.String(), "simulating the core's RTL for 400 steps with iverilog")
	for _, name := range []string{"a_spikes.t.npy", "a_spikes.i.npy", "noise_spikes.i.npy", "state/b.v.npy", "state/ab.pre.npy"} {
		w, err := os.ReadFile(filepath.Join(interpOut, name))
		require.NoError(t, err)
		g, err := os.ReadFile(filepath.Join(fpgaOut, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(w, g), "%s differs from the quantized interpreter's", name)
	}
}
