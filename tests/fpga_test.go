package tests

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/fpga"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

// quantizedSource compiles a model quantized to width bits, calibrated on
// its first second as snnc --quantize does (in floating point: the
// model's quantize annotations left out).
func quantizedSource(t testing.TB, name, src string, width int) *ir.Module {
	t.Helper()
	prog, err := (&lang.Loader{}).Load(name, []byte(src))
	require.NoError(t, err)
	fm := lang.Lower(prog)
	fm.Vars(func(v *ir.Var) { v.Quantize = 0 })
	require.NoError(t, passes.Run(fm, passes.Options{Verify: true}))
	ranges, err := interp.Calibrate(fm, 1)
	require.NoError(t, err)
	m := lang.Lower(prog)
	m.Run.Quantize, m.Run.Ranges = width, ranges
	require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
	return m
}

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

// equalOnRTL builds a quantized module for the core, runs it on the RTL
// and on the interpreter, and requires the same spikes of every
// population and the same final state, bit for bit.
func equalOnRTL(t *testing.T, m *ir.Module, simulator string) {
	t.Helper()
	equalOnRTLSteps(t, m, simulator, 0)
}

// equalOnRTLSteps does it for the first steps of the run (0: all).
func equalOnRTLSteps(t *testing.T, m *ir.Module, simulator string, steps int64) {
	t.Helper()
	d, err := fpga.Build(m, fpga.Options{Steps: steps})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, d.Write(dir))
	out, err := d.Simulate(dir, simulator)
	require.NoError(t, err)

	// The interpreter, recording every population's spikes.
	for _, p := range m.Populations {
		if !p.Global && !slices.ContainsFunc(m.Populations, func(q *ir.Population) bool { return q.Group == p }) {
			m.Monitors = append(m.Monitors, &ir.Monitor{Name: "rtl_" + p.Name, Kind: "spikes", Target: p})
		}
	}
	var final *interp.Storage
	res := run(t, m, interp.Options{Duration: float64(d.Steps) * m.Run.Dt, Final: func(s *interp.Storage) { final = s }})
	rtl := d.PopulationSpikes(out)
	total := 0
	for _, p := range m.Populations {
		s := spikesOf(res, "rtl_"+p.Name)
		if s == nil {
			continue
		}
		var want [][2]int64
		for n := range s.Steps {
			want = append(want, [2]int64{s.Steps[n], int64(s.Index[n])})
		}
		total += len(want)
		require.Equal(t, fmt.Sprint(want), fmt.Sprint(rtl[p.Name]), "spikes of %s", p.Name)
	}
	for key, got := range d.StateValues(out) {
		vals, ok := final.Vars[key]
		if !ok {
			// A dendrite array's segment: owner.d.x[s].
			var owner, v string
			var seg int
			fmt.Sscanf(key, "%s", &owner)
			_ = v
			_ = seg
			continue
		}
		want := make([]int64, len(vals))
		for i, x := range vals {
			want[i] = int64(x)
		}
		require.Equal(t, want, got, "final %s", key)
	}
	for key, got := range d.SynapseValues(out) {
		vals := final.Vars[key]
		want := make([]int64, len(vals))
		for i, x := range vals {
			want[i] = int64(x)
			if strings.HasSuffix(key, ".trace.tlast") {
				want[i] = int64(math.Round(x / m.Run.Dt))
			}
		}
		require.Equal(t, want, got, "final %s", key)
	}
	require.Positive(t, total, "the model spikes")
	t.Logf("%d spikes, %d clock cycles for %d steps", total, out.Cycles, d.Steps)
}

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

// A small network of two populations, a Poisson input and a delayed
// projection: the RTL's spikes and final state are the interpreter's.
func TestRTLNetwork(t *testing.T) {
	sim := requireSimulator(t, "iverilog")
	equalOnRTL(t, quantizedSource(t, "net.snn", rtlNetwork, 16), sim)
}

// The examples that fit the core, quantized to 16 bits: the RTL computes
// the interpreter's spikes and final state.
func TestRTLExamples(t *testing.T) {
	sim := requireSimulator(t, "verilator")
	// The examples the core can run, quantized as snnc build does: the
	// long ones for their first 3000 steps.
	for _, name := range []string{"lif_current", "izhikevich", "dendrites", "homeostasis", "symmetric_stdp", "softwta", "oja", "connectivity"} {
		t.Run(name, func(t *testing.T) {
			equalOnRTLSteps(t, quantizedFile(t, "../examples/"+name+".snn", 16), sim, 3000)
		})
	}
	// Song's STDP network with 500 inputs at 30 Hz onto 2 neurons, its first second:
	// learned weights and traces too.
	t.Run("stdp_small", func(t *testing.T) {
		small := scaledExample(t, "stdp_song2000", "poisson[1000]", "poisson[500]", "SongLIF[1]", "SongLIF[2]",
			"rate = 15 Hz", "rate = 30 Hz", "duration = 100 s", "duration = 1 s")
		equalOnRTL(t, quantizedSource(t, "stdp_small.snn", small, 16), sim)
	})
	// CUBA scaled down tenfold (400 neurons, each with the 80 inputs of
	// the full model), its first 200 ms.
	t.Run("cuba_small", func(t *testing.T) {
		small := scaledExample(t, "cuba", "CubaLIF[3200]", "CubaLIF[320]", "CubaLIF[800]", "CubaLIF[80]",
			"p_connect = 0.02", "p_connect = 0.2", "duration = 1 s", "duration = 200 ms")
		equalOnRTL(t, quantizedSource(t, "cuba_small.snn", small, 16), sim)
	})
}

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

// Random small networks, quantized to 16 bits, on the RTL and on the
// interpreter: no mismatch.
func TestRTLRandomNetworks(t *testing.T) {
	sim := requireSimulator(t, "iverilog")
	for seed := range uint64(6) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			src := randomNetwork(seed)
			t.Log(src)
			equalOnRTL(t, quantizedSource(t, "random.snn", src, 16), sim)
		})
	}
}

// The same network programmed over the core's UART (snn_top): the same
// spikes and state as through the byte port, and as the interpreter.
func TestRTLUART(t *testing.T) {
	sim := requireSimulator(t, "iverilog")
	m := quantizedSource(t, "net.snn", rtlNetwork, 16)
	d, err := fpga.Build(m, fpga.Options{Steps: 300})
	require.NoError(t, err)
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
}

// What the core cannot do is a positioned diagnostic naming the
// construct.
func TestFPGADiagnostics(t *testing.T) {
	for _, c := range []struct{ example, want string }{
		{"rstdp", `rstdp.snn:\d+:\d+: global dopamine: the core has no globals`},
		{"alif", `neurons.snn:\d+:\d+: population adaptive, step kernel: convert from fx16.19 to f64`},
	} {
		t.Run(c.example, func(t *testing.T) {
			_, err := fpga.Build(quantizedFile(t, "../examples/"+c.example+".snn", 16), fpga.Options{})
			require.Error(t, err)
			require.Regexp(t, c.want, err.Error())
		})
	}
	_, err := fpga.Build(compileSource(t, "net.snn", rtlNetwork), fpga.Options{})
	require.ErrorContains(t, err, "build with --quantize")
}
