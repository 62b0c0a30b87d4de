package interp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

func compile(t *testing.T, path string, src []byte) *ir.Module {
	t.Helper()
	prog, err := (&lang.Loader{}).Load(path, src)
	require.NoError(t, err)
	m := lang.Lower(prog)
	require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
	return m
}

func compileFile(t *testing.T, path string) *ir.Module {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	return compile(t, path, src)
}

// recordings returns every recorded value of a run, for comparisons.
func recordings(res *Result) (spikes [][]int64, values [][]float64) {
	for _, s := range res.Spikes {
		row := append([]int64{}, s.Steps...)
		for _, i := range s.Index {
			row = append(row, int64(i))
		}
		spikes = append(spikes, row)
	}
	for _, s := range res.States {
		values = append(values, s.Values)
	}
	return spikes, values
}

// The vector programs compute exactly what the scalar ones do: every
// example gives the same recordings either way.
func TestVectorEqualsScalar(t *testing.T) {
	files, err := filepath.Glob("../../examples/*.snn")
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m := compileFile(t, f)
			opts := Options{Duration: min(m.Run.Duration, 0.3)}
			vec, err := Run(m, opts)
			require.NoError(t, err)
			vectorize = false
			defer func() { vectorize = true }()
			m = compileFile(t, f)
			sc, err := Run(m, opts)
			require.NoError(t, err)
			s1, v1 := recordings(vec)
			s2, v2 := recordings(sc)
			require.Equal(t, s2, s1)
			require.Equal(t, v2, v1)
		})
	}
}

// runErr runs a model with data files and returns the run's error.
func runErr(t *testing.T, src string, files map[string]string, opts Options) error {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	path := filepath.Join(dir, "m.snn")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	prog, err := lang.LoadFile(path)
	require.NoError(t, err)
	m := lang.Lower(prog)
	require.NoError(t, passes.Run(m, passes.Options{}))
	_, err = Run(m, opts)
	return err
}

// Bad data and values found while building the network are errors that
// say where, never panics or silent wrong answers.
func TestRunErrors(t *testing.T) {
	const head = `
import "std/neurons.snn"
synapse S { param w: mV = 1 mV  on pre { post.ge += w } }
population p = LIF[4]
`
	cases := []struct {
		name  string
		src   string
		files map[string]string
		opts  Options
		want  string
	}{
		{"pair out of range", head + `connect c: p -> p using S by pairs("pairs.csv")`,
			map[string]string{"pairs.csv": "0,1\n2,7\n"}, Options{},
			"pairs.csv: row 2: (2, 7) is not a pair of indices in [0, 4) and [0, 4)"},
		{"pair not whole", head + `connect c: p -> p using S by pairs("pairs.csv")`,
			map[string]string{"pairs.csv": "0,1.5\n"}, Options{}, "row 1: (0, 1.5)"},
		{"pairs wrong columns", head + `connect c: p -> p using S by pairs("pairs.csv")`,
			map[string]string{"pairs.csv": "0\n1\n"}, Options{}, "pairs.csv: a pairs file needs at least two columns (pre, post), not 1"},
		{"spikes twice in a step", head + `input s = spikes[2] { times = "t.csv" }`,
			map[string]string{"t.csv": "index,time\n0,0.001\n1,0.001\n0,0.00104\n"}, Options{},
			"t.csv: spikes 0 and 2: source 0 fires twice in step 10"},
		{"spike source out of range", head + `input s = spikes[2] { times = "t.csv" }`,
			map[string]string{"t.csv": "2,0.001\n"}, Options{}, "t.csv: row 1: source 2 is not an index in [0, 2)"},
		{"negative rate in file", head + `input s = poisson[2] { rates = "r.csv" period = 10 ms }`,
			map[string]string{"r.csv": "5\n-1\n"}, Options{}, "input s: rate 1 (-1 Hz) must be finite and non-negative"},
		{"rates of wrong width", head + `input s = poisson[2] { rates = "r.csv" period = 10 ms }`,
			map[string]string{"r.csv": "5,5,5\n"}, Options{}, "r.csv: 3 columns; expected 1 or 2"},
		{"negative delay", head + `connect c: p -> p using S by all_to_all { delay = -1 ms + i * 1 ms }`,
			nil, Options{}, "projection c: synapse 0 has delay -0.001 s"},
		{"unnamed projection", head + `connect p -> p using S by all_to_all { delay = -1 ms + i * 1 ms }`,
			nil, Options{}, "m.snn:5:1: synapse 0 has delay -0.001 s"},
		{"segment out of range", `
import "std/neurons.snn"
neuron Cell {
    state v: mV = -70 mV
    dendrite d[4] { state u: mV = 0 mV  du/dt = -u / (5 ms) }
    dv/dt = (-70 mV - v + mean(d.u)) / (20 ms)
}
synapse D { param w: mV = 1 mV  on pre { post.u += w } }
population c = Cell[3]
population p = LIF[3]
connect x: p -> c.d using D by all_to_all { segment = i + j }
monitor state c.v every 1
`, nil, Options{}, "projection x: synapse 8 (2 -> 2) has segment 4, not a whole number in [0, 4)"},
		{"too big", head + "population big = LIF[2000000000]\n", nil, Options{MemoryLimit: 8 << 30},
			"the network needs about 208.6 GiB of memory (the largest part: population big), more than the 8.0 GiB available"},
		{"recording too much", head + "synapse P { state w: mV = 1 mV  on pre { post.ge += w } }\nconnect c: p -> p using P by all_to_all\nmonitor state c.w every 1\nrun { duration = 1000 s }\n",
			nil, Options{MemoryLimit: 1 << 30}, "the largest part: monitor c_w"},
		{"time constant set to 0", `
neuron N {
    runtime param tau: ms = 10 ms
    state v: mV = -70 mV
    dv/dt = (-65 mV - v) / tau
}
population p = N[2]
monitor state p.v every 1
`, nil, Options{Set: map[string]float64{"p.tau": 0}}, "p: element 0: the exact propagator"},
		{"--set a parameter given per neuron", head + "population q = LIF[4] { i_ext = uniform(0 nA, 1 nA) }\n", nil,
			Options{Set: map[string]float64{"q.i_ext": 1e-9}}, "the model gives q.i_ext a value per element"},
		{"unknown --set", head, nil, Options{Set: map[string]float64{"nope": 1}},
			"--set nope: no runtime parameter nope; the model has p.i_ext"},
		{"--set a driven parameter", head + "current c -> p.i_ext = 1 nA\n", nil, Options{Set: map[string]float64{"p.i_ext": 1}},
			"--set p.i_ext: p.i_ext is driven by a current"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := runErr(t, c.src, c.files, c.opts)
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

// A monitor of a definition records the definition's value.
func TestMonitorDefinition(t *testing.T) {
	m := compile(t, "let.snn", []byte(`
neuron N {
    state v: mV = -70 mV
    let drive: mV = v + 80 mV
    dv/dt = (-65 mV - v) / (10 ms)
}
population p = N[2]
monitor state p.drive every 1 ms
monitor state p.v every 1 ms
run { duration = 5 ms }
`))
	text := m.String()
	back, err := ir.Parse(text)
	require.NoError(t, err)
	require.Equal(t, text, back.String())
	res, err := Run(m, Options{})
	require.NoError(t, err)
	drive, v := res.States[0], res.States[1]
	require.Len(t, drive.Values, 10)
	for n := range drive.Values {
		require.Equal(t, v.Values[n]+0.08, drive.Values[n])
	}
	require.Greater(t, v.Values[9], v.Values[0])
}

// A definition of a synapse reads its traces decayed to the sampling
// step, as a monitor of the trace does; sampling changes nothing.
func TestMonitorSynapseDefinition(t *testing.T) {
	src := `
synapse S {
    state w = 0.5
    trace x decay 20 ms
    let twice = 2 * x
    on pre { x += 1 }
}
input in = spikes[1] { times = [(0, 1 ms), (0, 3 ms)] }
population p = N[1]
neuron N { state v: mV = 0 mV  dv/dt = -v / (10 ms) }
connect c: in -> p using S by all_to_all
monitor state c.x every 1
run { duration = 10 ms }
`
	plain, err := Run(compile(t, "m.snn", []byte(src)), Options{})
	require.NoError(t, err)
	both, err := Run(compile(t, "m.snn", []byte(src+"monitor state c.twice every 1\n")), Options{})
	require.NoError(t, err)
	x, twice := both.States[0], both.States[1]
	require.Equal(t, plain.States[0].Values, x.Values)
	require.Greater(t, x.Values[50], 0.0)
	require.Less(t, x.Values[99], x.Values[50], "the trace decays between events")
	for n := range x.Values {
		require.Equal(t, 2*x.Values[n], twice.Values[n])
	}
}
