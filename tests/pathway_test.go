package tests

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/fpga"
	"snnc/backends/interp"
	"snnc/ir"
)

// A synapse's pathways (spec/language.md section 3.6): on pre NAME blocks,
// each delivered after its own delay from a queue of its own, the unnamed
// on pre first and then the pathways in the order of their names.

// pathwayModel has two pathways, up (1 ms, the type's default) and down
// (2 ms + j ms, a delay per synapse, set in the connect), from two spike
// sources onto two leaky neurons. Their events meet in steps 31 and 41,
// where the order shows: down halves v, up adds w. unnamed, if not "",
// is the type's unnamed on pre and delay lines.
func pathwayModel(unnamed string) string {
	return fmt.Sprintf(`
neuron Leaky {
    state v = 0
    dv/dt = -v / (10 ms)
}
synapse Two {
    param w = 0
    delay up = 1 ms
    on pre up { post.v += w }
    on pre down { post.v *= 0.5 }
    %s
}
input x = spikes[2] { times = [(0, 1 ms), (1, 2 ms), (0, 3 ms)] }
population p = Leaky[2]
connect c: x -> p using Two by all_to_all { w = 1  down.delay = 2 ms + j * 1 ms }
monitor state p.v
run { duration = 8 ms  dt = 0.1 ms }
`, unnamed)
}

// pathwayOracle is the model's v, written directly: the spike of source i
// emitted in step n reaches synapse (i, j) through a pathway of D steps in
// step n + 1 + D (spec/language.md section 6); in each step the deliveries
// run, the unnamed on pre (quarter: v += w/4 after 1 ms) first if the
// model has it, then down, then up, each by source, then by post neuron;
// then v is recorded, then it decays exactly by exp(-dt/tau).
func pathwayOracle(quarter bool) [][]float64 {
	const steps, dt, tau = 80, 1e-4, 1e-2
	type spike struct{ i, step int }
	spikes := []spike{{0, 10}, {1, 20}, {0, 30}}
	upD := 10
	downD := func(j int) int { return 20 + 10*j }
	v := make([]float64, 2)
	var out [][]float64
	decay := math.Exp(-dt / tau)
	for k := 0; k < steps; k++ {
		for _, path := range []string{"unnamed", "down", "up"} {
			if path == "unnamed" && !quarter {
				continue
			}
			for i := 0; i < 2; i++ {
				for j := 0; j < 2; j++ {
					for _, s := range spikes {
						if s.i != i {
							continue
						}
						switch {
						case path == "unnamed" && s.step+1+upD == k:
							v[j] += 0.25
						case path == "down" && s.step+1+downD(j) == k:
							v[j] *= 0.5
						case path == "up" && s.step+1+upD == k:
							v[j]++
						}
					}
				}
			}
		}
		out = append(out, append([]float64(nil), v...))
		for j := range v {
			v[j] *= decay
		}
	}
	return out
}

// requireTraces requires the recorded rows within rel of want.
func requireTraces(t *testing.T, got, want [][]float64, rel float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for k := range want {
		for j := range want[k] {
			g, w := got[k][j], want[k][j]
			require.InDelta(t, w, g, rel*math.Abs(w)+1e-300, "step %d, neuron %d: %v, want %v", k, j, g, w)
		}
	}
}

// TestPathwaysOracle checks the model's v against the step loop written
// above, with and without an unnamed on pre beside the pathways. The
// tolerance is for the decay: snnc's exact propagator is a matrix
// exponential (passes/ode.go), the oracle's math.Exp; every delivery is
// exact arithmetic on the same values.
func TestPathwaysOracle(t *testing.T) {
	for _, quarter := range []bool{false, true} {
		unnamed := ""
		if quarter {
			unnamed = "on pre { post.v += 0.25 * w }\n    delay 1 ms"
		}
		m := compileSource(t, "pathways.snn", pathwayModel(unnamed))
		res := run(t, m, interp.Options{})
		want := pathwayOracle(quarter)
		requireTraces(t, stateOf(t, res, "p_v"), want, 1e-12)
		// The meetings that show the order: step 31, down then up onto
		// neuron 0 (up first would give (v + 1) / 2, not v / 2 + 1).
		got := stateOf(t, res, "p_v")
		require.Greater(t, got[31][0], 1.4, "step 31: down before up")
	}
}

// TestPathwaysBrian2 compares the model without the unnamed on pre with
// Brian2 2.5.1 running it (tests/bench/brian2_pathways.py), which runs a
// Synapses' pathways in the order of their names as snnc does, and
// delivers a spike of step n after D steps in the state recorded at step
// n + 1 + D as snnc does. Where /usr/bin/python3 has no Brian2 the oracle
// above still holds the same figures. The tolerance is the decay's (see
// TestPathwaysOracle) and the script's 17 printed digits.
func TestPathwaysBrian2(t *testing.T) {
	lines, ok := brian2Lines(t, "bench/brian2_pathways.py")
	if !ok {
		t.Skip("no Brian2")
	}
	m := compileSource(t, "pathways.snn", pathwayModel(""))
	got := stateOf(t, run(t, m, interp.Options{}), "p_v")
	require.Len(t, lines, 2)
	want := make([][]float64, len(got))
	for j, line := range lines {
		f := strings.Fields(line)
		require.Equal(t, fmt.Sprintf("v%d:", j), f[0])
		require.Len(t, f[1:], len(got), "Brian2 records a value per step")
		for k, s := range f[1:] {
			want[k] = append(want[k], atof(t, s))
		}
	}
	requireTraces(t, got, want, 1e-12)
}

// pathwayNet is a recurrent network whose synapses have an unnamed on pre
// and two pathways, one with a delay per synapse, with traces read and
// bumped by the pathways and on post, and weights from a named stream: the
// deliveries of populations' and inputs' spikes, threads and traces.
const pathwayNet = `neuron LIF {
    param tau: ms = 20 ms
    state v = 0
    state ge = 0
    dv/dt = (ge - v) / tau
    dge/dt = -ge / (5 ms)
    threshold v > 1
    reset { v = 0 }
    refractory 2 ms
}
synapse Plastic {
    state w = 0.5
    trace a decay 10 ms
    trace b decay 20 ms
    delay 0.5 ms
    delay fast = 0.2 ms
    delay slow = 1.5 ms
    on pre { post.ge += 0.1 * w }
    on pre fast { a += 0.1  post.ge += w }
    on pre slow { post.ge -= 0.3 * w * a  w = clip(w + 0.01 * b, 0, 1) }
    on post { b += 0.1  w = clip(w - 0.01 * a, 0, 1) }
}
input drive = poisson[200] { rate = 40 Hz }
population cells = LIF[300]
connect inp: drive -> cells using Plastic by fixed_probability(0.1) { w = uniform(0.2, 0.8, stream = ws)  slow.delay = 1 ms + uniform(0 ms, 2 ms) }
connect rec: cells -> cells using Plastic by fixed_probability(0.05, autapses = false) { w = uniform(0, 0.5, stream = ws) }
monitor spikes cells
monitor state cells.v[0:5]
monitor state rec.w every 100
run { duration = 200 ms  dt = 0.1 ms  seed = 3 }
`

// TestPathwaysConform runs the models on the interpreter and natively at
// 1, 2 and 3 threads, byte for byte, in floating point and quantized to
// 16 bits.
func TestPathwaysConform(t *testing.T) {
	conform(t, conformSource("pathways-net", pathwayNet, driver.Options{}).onLLVM(1, 2, 3))
	conform(t, conformSource("pathways-net-int16", pathwayNet, driver.Options{Quantize: 16}).onLLVM(1, 2))
	// Between slices of the population (spec/language.md 4.3).
	sliced := strings.Replace(pathwayNet, "connect rec: cells -> cells", "connect rec: cells[0:150] -> cells[150:300]", 1)
	require.NotEqual(t, pathwayNet, sliced)
	conform(t, conformSource("pathways-slice", sliced, driver.Options{}).onLLVM(1, 3))
	// The runtime's test settings split every job among the threads, as
	// small as they come, with late workers: delivery must stay on the
	// main thread, in the interpreter's order.
	row := conformSource("pathways-net-split", pathwayNet, driver.Options{}).onLLVM(2, 3)
	row.env = func(int) []string {
		return []string{"SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1", "SNNRT_LATE_WORKERS=1"}
	}
	conform(t, row)
	for name, src := range map[string]string{
		"pathways":         pathwayModel(""),
		"pathways-unnamed": pathwayModel("on pre { post.v += 0.25 * w }\n    delay 1 ms"),
	} {
		conform(t, conformSource(name, src, driver.Options{}).onLLVM(1, 2, 3))
		conform(t, conformSource(name+"-int16", src, driver.Options{Quantize: 16}).onLLVM(1, 2))
	}
}

// TestPathwaysIR: the pathways are on_pre.NAME kernels and delay.NAME
// variables, in the order of their names, and the text form reads back
// after lowering and after every pass.
func TestPathwaysIR(t *testing.T) {
	pr := roundTrip(t, "pathways.snn", pathwayModel("")).Projections[0]
	var kernels, vars []string
	for _, k := range pr.Kernels {
		kernels = append(kernels, k.Name)
	}
	for _, v := range pr.Vars {
		vars = append(vars, v.Name)
	}
	require.Equal(t, []string{"init", "on_pre.down", "on_pre.up"}, kernels)
	require.Equal(t, []string{"w", "delay", "delay.down", "delay.up"}, vars)
	require.True(t, ir.VarNamed(pr.Vars, "delay.up").Uniform, "up's delay is the type's constant")
	require.False(t, ir.VarNamed(pr.Vars, "delay.down").Uniform, "down's delay depends on j")
}

// TestPathwaysFPGA: the FPGA core delivers a spike once per synapse, after
// one delay; it refuses each pathway, at its on pre block.
func TestPathwaysFPGA(t *testing.T) {
	m := compileSourceWith(t, "pathways.snn", pathwayModel(""), driver.Options{Quantize: 16})
	_, err := fpga.Build(m, driver.FPGAOptions())
	require.ErrorContains(t, err, "pathways.snn:10:19: projection c: pathway down (on pre down); the core delivers a spike once per synapse")
	require.ErrorContains(t, err, "pathways.snn:9:17: projection c: pathway up (on pre up)")
}

// roundTrip compiles a model, requiring its IR to read back after lowering
// and after every pass, and returns the lowered module.
func roundTrip(t *testing.T, name, src string) *ir.Module {
	t.Helper()
	check := func(stage string, m *ir.Module) {
		text := m.String()
		back, err := ir.Parse(text)
		require.NoError(t, err, stage)
		require.Equal(t, text, back.String(), "round trip after %s", stage)
		require.NoError(t, ir.Verify(back), "parsed IR after %s", stage)
	}
	var lowered *ir.Module
	o := driver.Options{Lowered: func(m *ir.Module) { lowered = m; check("lowering", m) }}
	o.After = check
	compileSourceWith(t, name, src, o)
	return lowered
}

// TestPathwaysLoadDelay: a pathway's delay per synapse from a column of the
// pairs file (load, spec/language.md section 5): the spike of step 10
// reaches post 0 through up after 1.5 ms, in step 26, and post 1 after
// 2.5 ms, in step 36; natively the same bytes.
func TestPathwaysLoadDelay(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pd.csv"), []byte("pre,post,d\n0,0,1.5\n0,1,2.5\n"), 0o644))
	src := strings.Replace(pathwayModel(""), `input x = spikes[2] { times = [(0, 1 ms), (1, 2 ms), (0, 3 ms)] }`, `input x = spikes[1] { times = [(0, 1 ms)] }`, 1)
	src = strings.Replace(src, `by all_to_all { w = 1  down.delay = 2 ms + j * 1 ms }`, `by pairs("pd.csv") { w = 1  up.delay = load("pd.csv", "d") * 1 ms  down.delay = 5 ms }`, 1)
	path := filepath.Join(dir, "load.snn")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	m := compileFile(t, path)
	v := stateOf(t, run(t, m, interp.Options{}), "p_v")
	for j, want := range []int{26, 36} {
		var rises []int
		for k := 1; k < len(v); k++ {
			if v[k][j] > v[k-1][j] {
				rises = append(rises, k)
			}
		}
		require.Equal(t, []int{want}, rises, "post %d", j)
	}
	conform(t, conformFile("pathways-load", path, driver.Options{}).onLLVM(1, 2))
}
