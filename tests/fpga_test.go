package tests

import (
	"fmt"
	"math/rand/v2"
	"os"
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
	steps, vars := d.SampleVars(direct)
	require.Equal(t, []int64{0, 50, 100, 150, 200, 250}, steps)
	require.Len(t, vars, len(steps))
	require.NotEqual(t, vars[0]["a.v"], vars[len(vars)-1]["a.v"], "a.v changes")
	serialSteps, serialVars := d.SampleVars(serial)
	require.Equal(t, steps, serialSteps)
	require.Equal(t, vars, serialVars)
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

// Which state monitors a run on the core records, and why it refuses the
// others: each refusal names the monitor, its position and its reason.
// Only the build is made (no simulation): what is recorded is compared
// with the interpreter by cmd/snnc's TestRunFPGA.
func TestFPGAStateMonitors(t *testing.T) {
	src := `
neuron LIF {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    state g: mV = 0 mV
    let drive: mV = g - v
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
monitor state b.v[0:2] every 5 ms
monitor state b.g every 1 ms
monitor state a.drive every 1 ms
monitor state ab.n every 1 ms
monitor fast: state b.v every 1
run { duration = 100 ms  seed = 3 }
`
	m := quantizedSource(t, "net.snn", src, 16)
	o := driver.FPGAOptions()
	o.Steps = 3000
	o.StateMonitors = true
	d, err := fpga.Build(m, o)
	require.NoError(t, err)
	require.Equal(t, []string{"a_v", "b_v"}, d.Sampled)
	want := []string{
		`net.snn:\d+:\d+: monitor b_g \(state of b\.g\) is not recorded: projection ab's on_pre writes it in a step's deliveries`,
		`net.snn:\d+:\d+: monitor a_drive \(definition drive of a\) is not recorded: the core computes a definition inside its step`,
		`net.snn:\d+:\d+: monitor ab_n \(state of ab\.n\) is not recorded: the core reads its synapse words back only after the run, not at each sample`,
		`net.snn:\d+:\d+: monitor fast \(state of b\.v\) is not recorded: it samples more than 2000 steps`,
	}
	require.Len(t, d.Refused, len(want), "%q", d.Refused)
	for n, re := range want {
		require.Regexp(t, re, d.Refused[n])
		require.True(t, strings.HasSuffix(d.Refused[n], "; --target=interp with the same --quantize records it"), d.Refused[n])
	}

	// Without StateMonitors, none is recorded.
	o.StateMonitors = false
	d, err = fpga.Build(m, o)
	require.NoError(t, err)
	require.Empty(t, d.Sampled)
	require.Len(t, d.Refused, 6)
}
