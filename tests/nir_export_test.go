package tests

// NIR export (spec/nir.md, Export): which examples are in the subset NIR
// can hold and why the others are refused; the files export writes checked
// outside snnc's Go HDF5 writer, by h5py (the reference reader's layout,
// tests/testdata/nir/check_layout.py, and the values, h5json.py) and by
// h5dump; the values compared with the model's, computed here or read by
// numpy from the model's data files.

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/lang"
	"snnc/lang/nir"
)

// nirExportExamples says, for every example, what export does: nil, it is
// in the NIR subset; else patterns that its refusal's diagnostics match,
// each at least once (the main reasons, not necessarily all).
var nirExportExamples = map[string][]string{
	"nir_lif":          nil, // written to be in the subset: CubaLIF and LIF layers
	"trained_weights":  nil, // LIF layers with loaded weights and thresholds
	"alif":             {`population adaptive: refractory period .*\[neuron type ALIF, std/neurons.snn:\d+:\d+\]`},
	"brunel_hakim1999": {`population cells: refractory period`},
	"cobahh":           {`population P: refractory period`, `projection ci adds to P.gi while another adds to P.ge`, `monitor pe_spikes records a part of P`},
	"connectivity":     {`projection c2: synapses of pre neuron 0 have delays`, `monitor a_spikes records a part of a`},
	"cuba":             {`population exc: refractory period`, `projection ie adds to exc.gi while another adds to exc.ge`, `monitor exc_v records a state of a spiking neuron`},
	"dendrites":        {`population pyr: neuron type Pyramidal has dendrites`, `projection ctx targets dendrite distal`},
	"gap_junctions":    {`population cells: the ODE of v has no NIR form`, `summed variables in synapse GapJunction`},
	"homeostasis":      {`population exc: refractory period`, `monitor exc_theta records a state of a spiking neuron`},
	"izhikevich":       {`population rs: threshold must be v > v_threshold`, `current step_rs \(NIR has no current sources`},
	"lif_current":      {`population cell: refractory period`, `current drive`},
	"ltc":              {`population quiet: ODE of x: sigmoid`},
	"nmda":             {`population inputs: the ODE of v has no NIR form`, `summed variables in synapse NMDA`, `monitor cell_v samples every 10 steps`},
	"oja":              {`on post in synapse OjaSynapse: plasticity`, `monitor from_a_w records synapses of projection from_a`},
	"pop_rate":         {`state in synapse Depressing: plasticity`, `global pool \(NIR has no global state\)`},
	"reliability":      {`global drive`},
	"rstdp":            {`global dopamine`, `on post in synapse RewardSTDP: plasticity`},
	"softwta":          {`on post in synapse Hebbian: plasticity`},
	"stdp_song2000":    {`population out: ODE of v: nonlinear in the states`, `on post in synapse PairSTDP`},
	"symmetric_stdp":   {`on post in synapse SymmetricSTDP: plasticity`},
	"synfire":          {`population P: refractory period`},
	"tsodyks_markram":  {`summed variables in synapse Depressing`, `population a: neuron type Membrane has no threshold and no single output state`},
	"vogels2011":       {`on post in synapse InhibitorySTDP: plasticity`, `scheduled code`},
}

// nirRoundTripConvention is the import convention that integrates as the
// exported model does: nir (forward Euler) for neurons with method euler,
// rockpool (exact decay) for the linear ODEs snnc integrates exactly.
var nirRoundTripConvention = map[string]string{"nir_lif": "nir", "trained_weights": "rockpool"}

// exportNIR exports a model file in-process, as snnc export does.
func exportNIR(t *testing.T, file string) (*lang.Program, *nir.Graph, error) {
	t.Helper()
	prog, err := driver.Load(file)
	require.NoError(t, err, "the example must check")
	g, err := driver.ExportNIR(prog)
	return prog, g, err
}

// TestNIRExportExamples exports every example: those in the subset give a
// graph, the others the diagnostics that say why, each with a position.
func TestNIRExportExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".snn")
		t.Run(name, func(t *testing.T) {
			want, listed := nirExportExamples[name]
			require.True(t, listed, "new example %s: say in nirExportExamples whether NIR can hold it", name)
			_, g, err := exportNIR(t, file)
			if want == nil {
				require.NoError(t, err)
				require.NotEmpty(t, g.Nodes)
				return
			}
			require.Error(t, err, "export must refuse %s", name)
			list := driver.Diagnostics(err)
			require.NotEmpty(t, list, "a refusal is a list of positioned diagnostics: %v", err)
			for _, d := range list {
				require.True(t, d.Pos.IsValid(), "diagnostic without position: %s", d.Msg)
				require.True(t, strings.HasPrefix(d.Msg, "cannot export to NIR: "), "%s", d.Msg)
			}
			for _, pat := range want {
				re := regexp.MustCompile(pat)
				found := slices.ContainsFunc(list, func(d lang.Diagnostic) bool { return re.MatchString(d.Msg) })
				require.True(t, found, "no diagnostic matches %q; got:\n%v", pat, list)
			}
		})
	}
}

// requireH5Tools skips a test when h5py (Debian python3-h5py, for
// /usr/bin/python3) or h5dump (hdf5-tools) is missing, except in CI, where
// tests/install-deps.sh installs them and their absence is a failure.
func requireH5Tools(t *testing.T) {
	t.Helper()
	var missing []string
	if exec.Command("/usr/bin/python3", "-c", "import h5py, numpy").Run() != nil {
		missing = append(missing, "python3-h5py")
	}
	if _, err := exec.LookPath("h5dump"); err != nil {
		missing = append(missing, "hdf5-tools")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %v: tests/install-deps.sh should have installed them", missing)
		}
		t.Skipf("missing %v (Debian: apt-get install %s)", missing, strings.Join(missing, " "))
	}
}

// h5Entry is one dataset as h5json.py prints it.
type h5Entry struct {
	DType  string `json:"dtype"`
	Shape  []int  `json:"shape"`
	Values []any  `json:"values"`
	Kind   string `json:"kind"`
}

// writeAndCheck exports a model to a file and checks it with the reference
// layout checker and h5dump; it returns the datasets as h5py reads them.
func writeAndCheck(t *testing.T, model string) map[string]*h5Entry {
	t.Helper()
	_, g, err := exportNIR(t, model)
	require.NoError(t, err)
	return writeGraphAndCheck(t, g)
}

// writeGraphAndCheck writes an exported graph and checks the file as
// writeAndCheck does.
func writeGraphAndCheck(t *testing.T, g *nir.Graph) map[string]*h5Entry {
	t.Helper()
	file := filepath.Join(t.TempDir(), "model.nir")
	require.NoError(t, nir.Write(file, g))
	out, err := exec.Command("/usr/bin/python3", "testdata/nir/check_layout.py", file).CombinedOutput()
	require.NoError(t, err, "check_layout.py: %s", out)
	out, err = exec.Command("h5dump", file).CombinedOutput()
	require.NoError(t, err, "h5dump: %s", out)
	out, err = exec.Command("/usr/bin/python3", "testdata/nir/h5json.py", file).Output()
	require.NoError(t, err)
	var m map[string]*h5Entry
	require.NoError(t, json.Unmarshal(out, &m))
	return m
}

// nums is a numeric dataset's values, checked to be float64 of a shape.
func nums(t *testing.T, m map[string]*h5Entry, path string, shape ...int) []float64 {
	t.Helper()
	e := m[path]
	require.NotNil(t, e, "no dataset %s", path)
	require.Equal(t, shape, e.Shape, path)
	out := make([]float64, len(e.Values))
	for i, v := range e.Values {
		f, ok := v.(float64)
		require.True(t, ok, "%s[%d] is not a number", path, i)
		out[i] = f
	}
	return out
}

func str(t *testing.T, m map[string]*h5Entry, path string) string {
	t.Helper()
	e := m[path]
	require.NotNil(t, e, "no dataset %s", path)
	require.Equal(t, "string", e.DType, path)
	require.Empty(t, e.Shape, "%s must be 0-d", path)
	return e.Values[0].(string)
}

// TestNIRExportLIF checks examples/nir_lif.snn's file against the model's
// numbers worked out here: weights from the connect expressions, the
// parameters mapped as spec/nir.md says (r = tau/dt for LIF, w_in =
// tau_syn/dt and r = tau_mem times the coefficient of i in dv/dt for
// CubaLIF, dt = 0.1 ms, written as metadata/dt).
func TestNIRExportLIF(t *testing.T) {
	requireH5Tools(t)
	m := writeAndCheck(t, "../examples/nir_lif.snn")
	require.NotEmpty(t, str(t, m, "version"))
	require.Equal(t, "NIRGraph", str(t, m, "node/type"))
	types := map[string]string{"stim": "Input", "in_hidden": "Linear", "hidden": "CubaLIF",
		"hidden_out": "Linear", "out": "LIF", "hidden_spikes": "Output", "out_spikes": "Output"}
	for name, typ := range types {
		require.Equal(t, typ, str(t, m, "node/nodes/"+name+"/type"), name)
	}
	edges := m["node/edges"]
	require.Equal(t, []int{6, 2}, edges.Shape)
	var got [][2]string
	for i := 0; i < len(edges.Values); i += 2 {
		got = append(got, [2]string{edges.Values[i].(string), edges.Values[i+1].(string)})
	}
	require.ElementsMatch(t, [][2]string{{"stim", "in_hidden"}, {"in_hidden", "hidden"}, {"hidden", "hidden_out"},
		{"hidden_out", "out"}, {"hidden", "hidden_spikes"}, {"out", "out_spikes"}}, got)
	require.Equal(t, []float64{4}, nums(t, m, "node/nodes/stim/shape", 1))
	require.Equal(t, "int64", m["node/nodes/stim/shape"].DType)
	require.Equal(t, []float64{6}, nums(t, m, "node/nodes/hidden_spikes/shape", 1))

	// weight[j][i] for pre i, post j: the connect bodies' w (mV -> V).
	const mV = 1e-3
	w1 := nums(t, m, "node/nodes/in_hidden/weight", 6, 4)
	for j := 0; j < 6; j++ {
		for i := 0; i < 4; i++ {
			want := 0.9*mV + 0.13*mV*float64(i) - 0.07*mV*float64(j)
			require.InDelta(t, want, w1[j*4+i], 1e-18, "in_hidden[%d][%d]", j, i) // the model folds 0.13 mV * i in another order
		}
	}
	w2 := nums(t, m, "node/nodes/hidden_out/weight", 2, 6)
	for j := 0; j < 2; j++ {
		for i := 0; i < 6; i++ {
			want := 0.35*mV + 0.1*mV*float64(i) - 0.2*mV*float64(j)
			require.InDelta(t, want, w2[j*6+i], 1e-18, "hidden_out[%d][%d]", j, i)
		}
	}
	each := func(path string, n int, want float64) {
		t.Helper()
		for k, v := range nums(t, m, path, n) {
			require.InDelta(t, want, v, 1e-15*math.Abs(want), "%s[%d]", path, k) // 1/(1/tau) may round in the last place
		}
	}
	each("node/nodes/hidden/tau_mem", 6, 10e-3)
	each("node/nodes/hidden/tau_syn", 6, 4e-3)
	each("node/nodes/hidden/w_in", 6, 4e-3/1e-4)
	each("node/nodes/hidden/r", 6, 1)
	each("node/nodes/hidden/v_leak", 6, 0)
	each("node/nodes/hidden/v_threshold", 6, 1e-3)
	each("node/nodes/hidden/v_reset", 6, 0)
	each("node/nodes/out/tau", 2, 15e-3)
	each("node/nodes/out/r", 2, 15e-3/1e-4)
	require.Equal(t, []float64{1e-4}, nums(t, m, "node/metadata/dt", []int{}...))
	each("node/nodes/out/v_threshold", 2, 1e-3)
	each("node/nodes/out/v_reset", 2, 0)
	each("node/nodes/out/v_leak", 2, 0)
}

// TestNIRExportTrainedWeights checks the loaded weights and thresholds of
// examples/trained_weights.snn against the data files as numpy reads them.
func TestNIRExportTrainedWeights(t *testing.T) {
	requireH5Tools(t)
	m := writeAndCheck(t, "../examples/trained_weights.snn")
	out, err := exec.Command("/usr/bin/python3", "-c", `
import json, numpy as np, csv
d = "../examples/data/"
th = [float(r["v_t"]) for r in csv.DictReader(open(d + "trained_thresholds.csv"))]
print(json.dumps({
  "w1": (np.load(d + "trained_w1.npy").astype(np.float64) * 1e-3).ravel().tolist(),
  "w2": (np.load(d + "trained_w2.npy").astype(np.float64) * 1e-3).ravel().tolist(),
  "th1": (np.array(th) * 1e-3).tolist(),
  "th2": (np.load(d + "trained_out_thresholds.npy").astype(np.float64) * 1e-3).ravel().tolist()}))
`).Output()
	require.NoError(t, err)
	var want map[string][]float64
	require.NoError(t, json.Unmarshal(out, &want))
	// The files are (post, pre) matrices: NIR's weight layout.
	require.Equal(t, want["w1"], nums(t, m, "node/nodes/layer1/weight", 10, 20))
	require.Equal(t, want["w2"], nums(t, m, "node/nodes/layer2/weight", 3, 10))
	require.Equal(t, want["th1"], nums(t, m, "node/nodes/hidden/v_threshold", 10))
	require.Equal(t, want["th2"], nums(t, m, "node/nodes/output/v_threshold", 3))
	require.Equal(t, "LIF", str(t, m, "node/nodes/hidden/type"))
	require.Equal(t, "Input", str(t, m, "node/nodes/stim/type"))
}

// TestNIRExportRoundTrip exports every example in the NIR subset, imports
// the file again (snnc import at the model's dt, with the convention that
// integrates as the model does, the original input's spikes as the Input's
// frames) and runs both: the spike recordings must be the same bytes. (The membranes are not compared: the
// import applies a weight as w·r·dt/tau with r = tau/dt, three roundings
// where the original adds w, so they may differ in the last bits.)
func TestNIRExportRoundTrip(t *testing.T) {
	for name, want := range nirExportExamples {
		if want != nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			file := "../examples/" + name + ".snn"
			prog, g, err := exportNIR(t, file)
			require.NoError(t, err)
			path := filepath.Join(t.TempDir(), name+".nir")
			require.NoError(t, nir.Write(path, g))
			back, err := nir.Read(path)
			require.NoError(t, err)

			orig := compileFile(t, file)
			res := run(t, orig, interp.Options{})
			st, err := interp.Initial(orig, interp.Options{})
			require.NoError(t, err)
			steps := int(orig.Run.Steps)
			var input [][]float64
			for _, in := range prog.Inputs {
				require.Len(t, prog.Inputs, 1, "NIR import feeds one Input")
				for k := 0; k < steps; k++ {
					frame := make([]float64, in.Size)
					for _, i := range st.Inputs[in.Name](int64(k)) {
						frame[i] = 1
					}
					input = append(input, frame)
				}
			}
			im, err := nir.Import(back, name, nir.Options{Dt: orig.Run.Dt, Convention: nirRoundTripConvention[name],
				Duration: orig.Run.Duration, Input: input})
			require.NoError(t, err)
			src, err := im.Write(t.TempDir())
			require.NoError(t, err)
			rt := compileFile(t, src)
			require.Equal(t, orig.Run.Steps, rt.Run.Steps)
			res2 := run(t, rt, interp.Options{})

			a, b := outputBytes(t, orig, res), outputBytes(t, rt, res2)
			compared := 0
			for _, s := range res.Spikes {
				// The import names a population after its NIR node,
				// made a valid identifier (output is a keyword).
				ident := im.Idents[s.Source]
				require.NotEmpty(t, ident, "no imported population for %s", s.Source)
				for _, ext := range []string{".i.npy", ".t.npy"} {
					f, g := s.Source+"_spikes"+ext, ident+"_spikes"+ext
					got, ok := b[g]
					require.True(t, ok, "the imported model records no %s", g)
					require.True(t, slices.Equal(a[f], got), "%s differs after export -> import (%s)", f, g)
					compared++
				}
			}
			require.Positive(t, compared)
			for _, s := range res.Spikes {
				require.NotEmpty(t, s.Index, "%s never spikes: the comparison would be empty", s.Name)
			}
		})
	}
}

// TestNIRExportKinds exports one population of each NIR neuron type that
// export recognises and checks the fields against the equations' closed
// forms (spec/nir.md, Export: tau = −1/a, v_leak = −b/a, r = tau/dt, ...).
func TestNIRExportKinds(t *testing.T) {
	const src = `
neuron Lif {
    param tau: ms = 8 ms
    state v: mV = -3 mV
    dv/dt = (-3 mV - v) / tau
    threshold v > 2 mV
    reset { v = -1 mV }
}
neuron Li {
    state v: mV = 0.5 mV
    dv/dt = (1 mV - 2 * v) / (4 ms)
}
neuron If {
    state v: mV = 0 mV
    dv/dt = 0 mV / ms
    threshold v > 3 mV
    reset { v = 0 mV }
}
neuron Integ {
    state v: mV = 0 mV
}
neuron Cuba {
    state v: mV = 0 mV
    state i: mV = 0 mV
    dv/dt = (2 * i - v) / (5 ms)
    di/dt = -i / (2 ms)
    threshold v > 1 mV
    reset { v = 0 mV }
}
neuron CubaLi {
    state v: mV = 1 mV
    state i: mV = 0 mV
    dv/dt = (1 mV - v + 3 * i) / (6 ms)
    di/dt = -i / (7 ms)
}
synapse ToV {
    param w: mV = 0.25 mV
    on pre { post.v += w }
}
synapse ToI {
    param w: mV = 0.5 mV
    on pre { post.i += w }
}
input stim = spikes[1] { times = [(0, 1 ms)] }
input stim2 = spikes[2] { times = [(0, 1 ms), (1, 2 ms)] }
population lif = Lif[2]
population li = Li[1]
population iff = If[1]
population integ = Integ[1]
population cuba = Cuba[1]
population cubali = CubaLi[1]
connect a: stim -> lif using ToV by all_to_all
connect b: stim -> li using ToV by all_to_all
connect c: stim -> iff using ToV by all_to_all
connect d: stim -> integ using ToV by all_to_all
connect e: stim -> cuba using ToI by all_to_all
connect f: stim -> cubali using ToI by all_to_all
connect g: stim2 -> lif using ToV by one_to_one { delay = 1 ms + i * 0.5 ms }
monitor spikes lif
monitor state li.v
run { duration = 5 ms  dt = 0.5 ms }
`
	prog, err := driver.LoadSource("kinds.snn", []byte(src))
	require.NoError(t, err)
	g, err := driver.ExportNIR(prog)
	require.NoError(t, err)
	const mV, ms, dt = 1e-3, 1e-3, 0.5e-3
	want := map[string]struct {
		typ    string
		fields map[string]float64
	}{
		"lif":    {"LIF", map[string]float64{"tau": 8 * ms, "r": 8 * ms / dt, "v_leak": -3 * mV, "v_threshold": 2 * mV, "v_reset": -1 * mV}},
		"li":     {"LI", map[string]float64{"tau": 2 * ms, "r": 2 * ms / dt, "v_leak": 0.5 * mV}},
		"iff":    {"IF", map[string]float64{"r": 1, "v_threshold": 3 * mV, "v_reset": 0}},
		"integ":  {"I", map[string]float64{"r": 1}},
		"cuba":   {"CubaLIF", map[string]float64{"tau_mem": 5 * ms, "tau_syn": 2 * ms, "r": 2, "w_in": 2 * ms / dt, "v_leak": 0, "v_threshold": 1 * mV, "v_reset": 0}},
		"cubali": {"CubaLI", map[string]float64{"tau_mem": 6 * ms, "tau_syn": 7 * ms, "r": 3, "w_in": 7 * ms / dt, "v_leak": 1 * mV}},
	}
	for name, w := range want {
		n := g.Node(name)
		require.NotNil(t, n, name)
		require.Equal(t, w.typ, n.Type, name)
		require.Len(t, n.Fields, len(w.fields), "%s: fields %v", name, n.Fields)
		for f, x := range w.fields {
			v := n.Fields[f]
			require.NotNil(t, v, "%s.%s", name, f)
			require.Equal(t, "float64", v.DType)
			require.Equal(t, []int{g.Node(name).Fields[f].Shape[0]}, v.Shape)
			for _, got := range v.Num {
				require.InDelta(t, x, got, 1e-12*math.Max(1, math.Abs(x)), "%s.%s", name, f) // −1/a and −b/a round in the last place
			}
		}
	}
	require.Equal(t, []int{2}, g.Node("lif").Fields["tau"].Shape)
	require.Equal(t, "Output", g.Node("li_v").Type)
	require.Equal(t, "Output", g.Node("lif_spikes").Type)
	require.Equal(t, []float64{0.25 * mV, 0.25 * mV}, g.Node("a").Fields["weight"].Num)
	require.Equal(t, []int{2, 1}, g.Node("a").Fields["weight"].Shape)
	// A delay per pre neuron: stim2 -> g_delay -> g -> lif.
	require.Equal(t, "Delay", g.Node("g_delay").Type)
	require.Equal(t, []float64{1 * ms, 1.5 * ms}, g.Node("g_delay").Fields["delay"].Num)
	require.Equal(t, []float64{0.25 * mV, 0, 0, 0.25 * mV}, g.Node("g").Fields["weight"].Num)
	require.Subset(t, g.Edges, []nir.Edge{{From: "stim2", To: "g_delay"}, {From: "g_delay", To: "g"}, {From: "g", To: "lif"}})

	// Every kind, and the Delay, in the layout the reference reader takes.
	requireH5Tools(t)
	m := writeGraphAndCheck(t, g)
	require.Equal(t, []float64{1 * ms, 1.5 * ms}, nums(t, m, "node/nodes/g_delay/delay", 2))
	require.Equal(t, "CubaLI", str(t, m, "node/nodes/cubali/type"))
}

// TestNIRExportStdLIF: the std library's LIF, without its refractory
// period and with synapses onto ge only, is a CubaLIF: gi starts at 0 and
// nothing moves it, so it is left out; i_ext (no current drives it) is part
// of v_leak.
func TestNIRExportStdLIF(t *testing.T) {
	const src = `
import "std/neurons.snn"
synapse Exc {
    param w: mV = 2 mV
    on pre { post.ge += w }
}
input stim = spikes[3] { times = [(0, 1 ms), (1, 2 ms), (2, 3 ms)] }
population p = LIF[4] { t_ref = 0 ms  i_ext = 0.1 nA  tau_e = 4 ms }
connect c: stim -> p using Exc by all_to_all
monitor spikes p
run { duration = 20 ms  dt = 0.1 ms }
`
	prog, err := driver.LoadSource("stdlif.snn", []byte(src))
	require.NoError(t, err)
	_, err = driver.ExportNIR(prog)
	require.Error(t, err, "v starts at v_rest, not at v_rest + r_m i_ext")
	require.Regexp(t, `population p: v starts at -0.07, not at rest -0.06`, err.Error())

	prog, err = driver.LoadSource("stdlif.snn", []byte(strings.Replace(src, "tau_e = 4 ms", "tau_e = 4 ms  v = -60 mV", 1)))
	require.NoError(t, err)
	g, err := driver.ExportNIR(prog)
	require.NoError(t, err)
	p := g.Node("p")
	require.Equal(t, "CubaLIF", p.Type)
	// v_rest + r_m i_ext = -70 mV + 100 MOhm * 0.1 nA = -60 mV.
	for f, want := range map[string]float64{"tau_mem": 20e-3, "tau_syn": 4e-3, "r": 1, "w_in": 4e-3 / 1e-4,
		"v_leak": -60e-3, "v_threshold": -50e-3, "v_reset": -70e-3} {
		for _, got := range p.Fields[f].Num {
			require.InDelta(t, want, got, 1e-15, f) // −b/a: a few roundings of mV-sized numbers
		}
	}
}
