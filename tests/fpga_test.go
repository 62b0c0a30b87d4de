package tests

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/fpga"
)

// requireSimulator skips the test without a Verilog simulator, and returns
// the one to use.
func requireSimulator(t testing.TB, prefer string) string {
	t.Helper()
	sims := fpga.Simulators()
	if len(sims) == 0 {
		t.Skip("no Verilog simulator (Debian packages verilator, iverilog; make test installs them)")
	}
	if slices.Contains(sims, prefer) {
		return prefer
	}
	return sims[0]
}

// rtlNetwork is a small network of two populations, a Poisson input and
// a delayed projection (a row of TestConformance, and TestRTLUART's).
const rtlNetwork = `
neuron LIF {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    dv/dt = (g - v) / tau
    dg/dt = -g / (5 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
    refractory 2 ms
}
synapse S { param w: mV = 6 mV  on pre { post.g += w } }
input noise = poisson[20] { rate = 100 Hz }
population a = LIF[10]
population b = LIF[8] { tau = 20 ms }
connect na: noise -> a using S by fixed_probability(0.5)
connect ab: a -> b using S by fixed_probability(0.5) { delay = 1 ms }
monitor spikes a
monitor spikes b
run { duration = 100 ms  seed = 3 }
`

// scaledExample is an example's source with the replacements (old, new,
// ...) made; each must apply.
func scaledExample(t *testing.T, name string, oldnew ...string) string {
	t.Helper()
	src, err := os.ReadFile("../examples/" + name + ".snn")
	require.NoError(t, err)
	out := string(src)
	for n := 0; n < len(oldnew); n += 2 {
		require.Contains(t, out, oldnew[n], "%s has no %q to scale", name, oldnew[n])
		out = strings.Replace(out, oldnew[n], oldnew[n+1], 1)
	}
	return out
}

// randomNetwork is a small network made from a seed: populations of LIF
// neurons with their own time constants, thresholds and refractory
// periods, a Poisson input, and projections with fixed or drawn weights
// (excitatory or inhibitory) and delays.
func randomNetwork(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString(`
neuron N {
    param tau: ms = 10 ms
    param v_t: mV = 10 mV
    param tau_g: ms = 5 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    dv/dt = (g - v) / tau
    dg/dt = -g / tau_g
    threshold v > v_t
    reset { v = 0 mV }
`)
	fmt.Fprintf(&b, "    refractory %d ms\n}\n", r.IntN(4))
	b.WriteString("synapse S { param w: mV = 5 mV  on pre { post.g += w } }\n")
	fmt.Fprintf(&b, "input noise = poisson[%d] { rate = %d Hz }\n", 10+r.IntN(20), 150+r.IntN(200))
	npop := 1 + r.IntN(3)
	for p := range npop {
		fmt.Fprintf(&b, "population p%d = N[%d] { tau = %d ms  v_t = %d mV  tau_g = %d ms }\n", p, 2+r.IntN(12), 5+r.IntN(20), 5+r.IntN(10), 2+r.IntN(8))
		fmt.Fprintf(&b, "connect in%d: noise -> p%d using S by fixed_probability(0.%d) { w = %d mV }\n", p, p, 4+r.IntN(6), 4+r.IntN(6))
		fmt.Fprintf(&b, "monitor spikes p%d\n", p)
	}
	for n := range 1 + r.IntN(3) {
		pre, post := r.IntN(npop), r.IntN(npop)
		w := fmt.Sprintf("w = uniform(%d mV, %d mV)", -4+r.IntN(4), 1+r.IntN(6))
		if r.IntN(2) == 0 {
			w = fmt.Sprintf("w = %d mV", -5+r.IntN(10))
		}
		delay := fmt.Sprintf("delay = %d ms", r.IntN(3))
		if r.IntN(2) == 0 {
			delay = "delay = uniform(0 ms, 2 ms)"
		}
		fmt.Fprintf(&b, "connect r%d: p%d -> p%d using S by fixed_probability(0.%d) { %s  %s }\n", n, pre, post, 2+r.IntN(7), w, delay)
	}
	fmt.Fprintf(&b, "run { duration = %d ms  seed = %d }\n", 30+r.IntN(40), seed)
	return b.String()
}

// The same network programmed over the core's UART (snn_top): the same
// spikes and state as through the byte port (and so the interpreter's:
// the net-int16 row of TestConformance), and the same state read back
// between steps for a state monitor (the host waiting for each read-back
// before it sends on).
func TestRTLUART(t *testing.T) {
	sim := requireSimulator(t, "iverilog")
	src := strings.Replace(rtlNetwork, "monitor spikes b\n", "monitor spikes b\nmonitor state a.v every 5 ms\n", 1)
	m := quantizedSource(t, "net.snn", src, 16)
	o := driver.FPGAOptions()
	o.Steps = 300
	o.StateMonitors = true
	d, err := fpga.Build(m, o)
	require.NoError(t, err)
	require.Equal(t, []string{"a_v"}, d.Sampled)
	require.Empty(t, d.Refused)
	dir := t.TempDir()
	require.NoError(t, d.Write(dir))
	direct, err := d.Simulate(dir, sim)
	require.NoError(t, err)
	serial, err := d.SimulateUART(dir, sim)
	require.NoError(t, err)
	require.NotEmpty(t, direct.Spikes)
	require.Equal(t, direct.Spikes, serial.Spikes)
	require.Equal(t, d.StateValues(direct), d.StateValues(serial))
	require.Equal(t, d.SynapseValues(direct), d.SynapseValues(serial))
	steps, vars := d.SampleVars(direct, m.Run.Dt)
	require.Equal(t, []int64{0, 50, 100, 150, 200, 250}, steps)
	require.NotEqual(t, vars(0)["a.v"], vars(len(steps) - 1)["a.v"], "a.v changes")
	serialSteps, serialVars := d.SampleVars(serial, m.Run.Dt)
	require.Equal(t, steps, serialSteps)
	for n := range steps {
		require.Equal(t, vars(n), serialVars(n), "sample %d", n)
	}
}

// Verilator's build of the testbench is kept in snnc's cache and reused
// by a run of the same core with other files (another duration, so
// another configuration stream and stimulus): the reused executable reads
// them at run time and reports what Icarus Verilog, built afresh, reports.
// An entry that no longer verifies (truncated) is built again.
func TestRTLCache(t *testing.T) {
	if len(fpga.Simulators()) < 2 {
		t.Skip("needs verilator and iverilog (make test installs them)")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	m := quantizedSource(t, "net.snn", rtlNetwork, 16)
	design := func(steps int64) (*fpga.Design, string) {
		o := driver.FPGAOptions()
		o.Steps = steps
		o.StateMonitors = true
		d, err := fpga.Build(m, o)
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, d.Write(dir))
		return d, dir
	}
	d, dir := design(200)
	first, err := d.Simulate(dir, "verilator")
	require.NoError(t, err)
	require.False(t, first.Reused, "the first run builds")
	d, dir = design(300)
	again, err := d.Simulate(dir, "verilator")
	require.NoError(t, err)
	require.True(t, again.Reused, "a run of the same core reuses the build")
	want, err := d.Simulate(dir, "iverilog")
	require.NoError(t, err)
	require.NotEmpty(t, want.Spikes)
	require.Greater(t, want.Spikes[len(want.Spikes)-1][0], int64(200), "spikes after the first run's steps")
	require.Equal(t, want.Spikes, again.Spikes)
	require.Equal(t, d.StateValues(want), d.StateValues(again))
	require.Equal(t, d.SynapseValues(want), d.SynapseValues(again))

	// Another core (a population of 9, not 8) is built.
	other := quantizedSource(t, "net.snn", strings.Replace(rtlNetwork, "LIF[8]", "LIF[9]", 1), 16)
	od, err := fpga.Build(other, driver.FPGAOptions())
	require.NoError(t, err)
	odir := t.TempDir()
	require.NoError(t, od.Write(odir))
	o, err := od.Simulate(odir, "verilator")
	require.NoError(t, err)
	require.False(t, o.Reused, "another core is built")

	entries, err := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "snnc", "fpga-*", "vsim"))
	require.NoError(t, err)
	require.Len(t, entries, 2)
	for _, e := range entries {
		require.NoError(t, os.Truncate(e, 100))
	}
	rebuilt, err := d.Simulate(dir, "verilator")
	require.NoError(t, err)
	require.False(t, rebuilt.Reused, "a truncated entry is built again")
	require.Equal(t, want.Spikes, rebuilt.Spikes)
}

// What the core cannot do is a positioned diagnostic naming the
// construct.
func TestFPGADiagnostics(t *testing.T) {
	for _, c := range []struct{ example, want string }{
		{"rstdp", `rstdp.snn:\d+:\d+: global dopamine: the core has no globals`},
		{"alif", `neurons.snn:\d+:\d+: population adaptive, step kernel: convert from fx16.19 to f64`},
		// White noise is a normal draw per neuron and step.
		{"brunel_hakim1999", `brunel_hakim1999.snn:24:5: population cells, step kernel: a random draw`},
		{"gap_junctions", `gap_junctions.snn:\d+:\d+: projection gap: a summed variable \(the core has no step that sums over every synapse`},
	} {
		t.Run(c.example, func(t *testing.T) {
			_, err := fpga.Build(quantizedFile(t, "../examples/"+c.example+".snn", 16), driver.FPGAOptions())
			require.Error(t, err)
			require.Regexp(t, c.want, err.Error())
		})
	}
	_, err := fpga.Build(compileSource(t, "net.snn", rtlNetwork), driver.FPGAOptions())
	require.ErrorContains(t, err, "build with --quantize")
}

// Which state monitors a run on the core records, which words each
// sample reads back, and why it refuses the others: each refusal names the
// monitor, its position and its reason. Only the build is made (no
// simulation): what is recorded is compared with the interpreter by
// cmd/snnc's TestRunFPGA.
func TestFPGAStateMonitors(t *testing.T) {
	src := `
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
connect ab: a -> b using S by fixed_probability(0.5) { delay = 1 ms }
monitor state a.v every 1 ms
monitor state b.v[2:4] every 3
monitor state b.g every 1 ms
monitor state a.drive[3:7] every 1 ms
monitor state ab.n every 1 ms
monitor state a.twice every 1
monitor fast: state b.v[5] every 2
monitor far: state a.v[0] every 7
run { duration = 100 ms  seed = 3 }
`
	m := quantizedSource(t, "net.snn", src, 16)
	o := driver.FPGAOptions()
	o.Steps = 3000
	o.StateMonitors = true
	d, err := fpga.Build(m, o)
	require.NoError(t, err)
	require.Equal(t, []string{"a_v", "b_v", "b_g", "a_drive", "ab_n", "a_twice", "fast", "far"}, d.Sampled)
	require.Empty(t, d.Refused)
	// What a sample reads (a's slots are 0-9, b's 10-17, a state word is
	// 4 bytes): a monitor's selection only; spans of monitors due at one
	// step joined only where the words between cost less than a read
	// frame (4 words here); a.twice, of a parameter, reads nothing.
	reads := d.SampleReads()
	require.Len(t, reads, 3000, "a.twice samples every step")
	for _, c := range []struct {
		step       int
		slots      [][2]int
		synapses   bool
		monitorsAt string
	}{
		{1, nil, false, "a.twice: nothing read"},
		{2, [][2]int{{15, 16}}, false, "fast"},
		{3, [][2]int{{12, 14}}, false, "b.v[2:4]"},
		{6, [][2]int{{12, 16}}, false, "b.v[2:4] and fast: 1 slot between"},
		{7, [][2]int{{0, 1}}, false, "far"},
		{14, [][2]int{{0, 1}, {15, 16}}, false, "far and fast: 14 slots between"},
		{10, [][2]int{{0, 18}}, true, "a.v, b.g, a.drive, ab.n and fast"},
	} {
		r := reads[c.step]
		require.Equal(t, int64(c.step), r.Step)
		require.Equal(t, c.slots, r.Slots, "step %d: %s", c.step, c.monitorsAt)
		require.Equal(t, c.synapses, len(r.Synapses) == 1, "step %d: %s", c.step, c.monitorsAt)
	}

	// Every step of a long run is more than a run may read back: refused,
	// saying so; the others are still recorded.
	o.Steps = 1_000_000
	d, err = fpga.Build(m, o)
	require.NoError(t, err)
	require.Equal(t, []string{"a_v", "b_v", "b_g", "a_drive"}, d.Sampled, "%q", d.Refused)
	require.Len(t, d.Refused, 4)
	require.Regexp(t, `^net.snn:\d+:\d+: monitor ab_n \(state of ab\.n\) is not recorded: its 100000 samples would read back 22.5 MiB of the core's words, more than the 4.7 MiB left of the 64.0 MiB`, d.Refused[0])
	require.Contains(t, d.Refused[1], "monitor a_twice (definition twice of a) is not recorded: its 1000000 samples would read back 61.0 MiB")
	require.Contains(t, d.Refused[2], "monitor fast (state of b.v) is not recorded: its 500000 samples")
	require.Contains(t, d.Refused[3], "monitor far (state of a.v) is not recorded: its 142858 samples")
	for _, msg := range d.Refused {
		require.True(t, strings.HasSuffix(msg, "; --target=interp with the same --quantize records it"), msg)
	}

	o.Steps = 3000
	// Without StateMonitors, none is recorded.
	o.StateMonitors = false
	d, err = fpga.Build(m, o)
	require.NoError(t, err)
	require.Empty(t, d.Sampled)
	require.Len(t, d.Refused, 8)

	// Two one-neuron monitors at the ends of a large population read a
	// slot each, not the slots between; what all a run's samples read is
	// within what they are charged, and the budget refuses a monitor of
	// the whole population every step.
	src = `
neuron LIF {
    state v: mV = 0 mV
    dv/dt = -v / (10 ms)
    threshold v > 10 mV
    reset { v = 0 mV }
}
population a = LIF[1]
population mid = LIF[5000]
population c = LIF[1]
monitor spikes mid
monitor state a.v every 1
monitor state c.v every 1
monitor all: state mid.v every 1
run { duration = 100 ms }
`
	o.StateMonitors = true
	o.Steps = 10000
	d, err = fpga.Build(quantizedSource(t, "ends.snn", src, 16), o)
	require.NoError(t, err)
	require.Equal(t, []string{"a_v", "c_v"}, d.Sampled)
	require.Len(t, d.Refused, 1)
	require.Contains(t, d.Refused[0], "monitor all (state of mid.v) is not recorded: its 10000 samples would read back")
	var read int64
	for _, r := range d.SampleReads() {
		require.Equal(t, [][2]int{{0, 1}, {5001, 5002}}, r.Slots)
		for _, x := range r.Slots {
			read += int64(x[1] - x[0])
		}
	}
	require.Equal(t, int64(2*10000), read)
}
