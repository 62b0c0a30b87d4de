package tests

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/runtime"
	"snnc/runtime/npy"
)

// recordings is a run's files without its final state (state/): what the
// monitors recorded. The prune pass removes what no monitor depends on,
// so a pruned model's final state is smaller by design (spec/runtime.md,
// The final state), while its recordings are the same bytes.
func recordings(files map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for name, data := range files {
		if !strings.HasPrefix(name, runtime.StateDir+"/") {
			out[name] = data
		}
	}
	return out
}

// finalDecay has a final state known in closed form: with no spikes
// anywhere (no threshold), each variable decays exponentially from its
// initial value, x(T) = x0 exp(-T/tau), neurons, a dendrite array, a
// global, and the traces of a pairs() projection (from 1 + i at t = 0,
// their last event), whose weights are a rule of i and j.
const finalDecay = `
neuron Decay {
    param tau: ms = 20 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    dendrite seg[3] {
        state u: mV = 3 mV
        du/dt = -u / (5 ms)
    }
}
global g {
    state x = 2
    dx/dt = -x / (40 ms)
}
synapse S {
    param w: mV = 0 mV
    trace e = 0 decay 10 ms
    on pre { post.v += w  e += 1 }
}
population p = Decay[4] { v = 10 mV * (i + 1) }
population q = Decay[3] { v = 5 mV  tau = 10 ms + 5 ms * i }
connect c: p -> q using S by pairs([(0, 2), (3, 0), (1, 1), (3, 2)]) { w = 1 mV * (10 * i + j)  e = 1 + i }
monitor state c.e every 50 ms
run { duration = 100 ms  dt = 0.1 ms }
`

// The final state in OUT/state/ holds each variable's closed-form value
// after the run, the synapses' pre and post neurons as the pairs say (in
// synapse order: by pre neuron, then as listed), and the synapse
// monitor's pre and post the same; numpy reads every file with the
// shapes and dtypes spec/runtime.md gives; and the native runtime writes
// the same bytes at 1, 2 and 3 threads.
func TestFinalState(t *testing.T) {
	// Without prune: no monitor depends on most of this model.
	m := compileSourceWith(t, "final.snn", finalDecay, without("prune"))
	res := run(t, m, interp.Options{})
	dir := t.TempDir()
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	const T = 0.1 // seconds: 1000 steps of 0.1 ms
	require.Equal(t, int64(1000), res.Summary.Steps)

	wantFiles := []string{"c_e.t.npy", "c_e.i.npy", "c_e.npy", "c_e.pre.npy", "c_e.post.npy",
		"state/g.x.npy", "state/p.v.npy", "state/p.seg.u.npy", "state/q.tau.npy", "state/q.v.npy", "state/q.seg.u.npy",
		"state/c.pre.npy", "state/c.post.npy", "state/c.w.npy", "state/c.e.npy", "summary.json"}
	require.Equal(t, wantFiles, res.Summary.Files)

	read := func(name string) *npy.Array {
		a, err := npy.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		return a
	}
	// The exact propagator multiplies by exp(-dt/tau) 1000 times, each
	// product rounded: a relative error of up to about 1000 ulp (2e-13),
	// which 1e-12 bounds.
	const rel = 1e-12
	near := func(name string, want []float64, shape ...int) {
		t.Helper()
		a := read("state/" + name + ".npy")
		require.Equal(t, shape, a.Shape, name)
		for k, x := range want {
			assert.InEpsilon(t, x, a.Data[k], rel, "%s[%d]", name, k)
		}
	}
	decay := func(x0, tau float64) float64 { return x0 * math.Exp(-T/tau) }
	near("p.v", []float64{decay(0.010, 0.02), decay(0.020, 0.02), decay(0.030, 0.02), decay(0.040, 0.02)}, 4)
	near("q.v", []float64{decay(0.005, 0.010), decay(0.005, 0.015), decay(0.005, 0.020)}, 3)
	near("q.tau", []float64{0.010, 0.015, 0.020}, 3)
	u := decay(0.003, 0.005)
	near("p.seg.u", []float64{u, u, u, u, u, u, u, u, u, u, u, u}, 4, 3)
	near("q.seg.u", []float64{u, u, u, u, u, u, u, u, u}, 3, 3)
	near("g.x", []float64{decay(2, 0.04)}, 1)

	// The pairs, in synapse order; w = (10 i + j) mV and e = 1 + i decayed
	// from t = 0 by 10 ms.
	pairs := [][2]int{{0, 2}, {1, 1}, {3, 0}, {3, 2}}
	var w, e []float64
	for _, p := range pairs {
		w = append(w, 1e-3*float64(10*p[0]+p[1]))
		e = append(e, decay(float64(1+p[0]), 0.010))
	}
	near("c.w", w, 4)
	near("c.e", e, 4)
	for _, prefix := range []string{"state/c.", "c_e."} {
		pre, post := read(prefix+"pre.npy"), read(prefix+"post.npy")
		require.Len(t, pre.Data, len(pairs), prefix)
		for s, p := range pairs {
			assert.Equal(t, float64(p[0]), pre.Data[s], "%spre[%d]", prefix, s)
			assert.Equal(t, float64(p[1]), post.Data[s], "%spost[%d]", prefix, s)
		}
	}

	// numpy, an independent reader: every listed file loads, with the
	// dtypes and shapes of spec/runtime.md.
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Logf("no numpy in /usr/bin/python3 (%v): its reading is not checked", err)
	} else {
		script := `import json, sys, numpy as np
d = sys.argv[1]
files = json.load(open(d + "/summary.json"))["files"]
print(json.dumps({f: [str(np.load(d + "/" + f).dtype), list(np.load(d + "/" + f).shape)] for f in files if f.endswith(".npy")}))`
		out, err := exec.Command("/usr/bin/python3", "-c", script, dir).Output()
		require.NoError(t, err)
		var got map[string][2]any
		require.NoError(t, json.Unmarshal(out, &got))
		want := map[string]string{"state/g.x.npy": "float64 [1]", "state/p.v.npy": "float64 [4]",
			"state/p.seg.u.npy": "float64 [4 3]", "state/q.seg.u.npy": "float64 [3 3]", "state/c.pre.npy": "int32 [4]",
			"state/c.post.npy": "int32 [4]", "state/c.w.npy": "float64 [4]", "state/c.e.npy": "float64 [4]",
			"c_e.pre.npy": "int32 [4]", "c_e.post.npy": "int32 [4]"}
		for f, dt := range want {
			require.Contains(t, got, f)
			shape := strings.Trim(strings.ReplaceAll(strings.Trim(jsonText(t, got[f][1]), "[]"), ",", " "), " ")
			assert.Equal(t, dt, got[f][0].(string)+" ["+shape+"]", f)
		}
	}

	conform(t, conformModule("final_state", finalDecay, m).onLLVM(1, 2, 3))
}

func jsonText(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// asMonitored is finalDecay with every variable it writes in state/
// monitored at every step, so that prune keeps them.
const asMonitored = `
neuron Decay {
    param tau: ms = 20 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
}
global g {
    state x = 2
    dx/dt = -x / (40 ms)
}
synapse S {
    param w: mV = 0 mV
    trace e = 0 decay 10 ms
    on pre { post.v += w  e += 1 }
}
population p = Decay[4] { v = 10 mV * (i + 1) }
population q = Decay[3] { v = 5 mV  tau = 10 ms + 5 ms * i }
connect c: p -> q using S by pairs([(0, 2), (3, 0), (1, 1), (3, 2)]) { e = 1 + i }
monitor state p.v
monitor state q.v
monitor state g.x
monitor state c.e
run { duration = 30 ms  dt = 0.1 ms }
`

// The final state after K steps is what a state monitor samples in step
// K, bit for bit, where no event comes between (none here): the same
// reals, a quantized model's fixed point converted as the monitor
// converts it, a trace decayed to t = K dt as the monitor decays it. And
// the int16 model's values are within its quantization error of the
// closed form: reals, not raw integers.
func TestFinalStateAsMonitorsRead(t *testing.T) {
	for _, width := range []int{0, 16} {
		m := compileSourceWith(t, "mon.snn", asMonitored, driver.Options{Quantize: width})
		const steps = 200
		final := run(t, m, interp.Options{Duration: steps * m.Run.Dt}).Summary.Final
		longer := run(t, m, interp.Options{Duration: (steps + 1) * m.Run.Dt})
		byName := map[string][]float64{}
		for _, a := range final {
			byName[a.Name] = a.F64
		}
		for mon, file := range map[string]string{"p_v": "p.v", "q_v": "q.v", "g_x": "g.x", "c_e": "c.e"} {
			st := stateNamed(t, longer, mon)
			require.Equal(t, int64(steps), st.Steps[steps], mon)
			row := st.Values[steps*len(st.Indices) : (steps+1)*len(st.Indices)]
			require.Equal(t, len(row), len(byName[file]), "width %d: %s", width, file)
			for k := range row {
				assert.Equal(t, math.Float64bits(row[k]), math.Float64bits(byName[file][k]),
					"width %d: state/%s[%d] %g, monitor %s in step %d %g", width, file, k, byName[file][k], mon, steps, row[k])
			}
		}
		// v(T) = 10 mV (i+1) exp(-20 ms / 20 ms); int16 over [0, 40 mV]
		// has steps of 1.2 uV, and 200 rounded products drift by at most
		// 100 of them (0.5 each): 0.12 mV.
		for i, x := range byName["p.v"] {
			assert.InDelta(t, 0.010*float64(i+1)*math.Exp(-1), x, 0.12e-3, "width %d: p.v[%d]", width, i)
		}
		if width != 0 {
			// The native runtime converts as the interpreter does.
			conform(t, conformModule("final_int16", asMonitored, m).onLLVM(1, 2))
		}
	}
}

// finalSliced connects subgroups and an inline slice: the pairs and i, j
// are the views' (language.md 4.12), and so are the final state's and
// the synapse monitor's pre and post.
const finalSliced = `
neuron Decay {
    state v: mV = 0 mV
    dv/dt = -v / (20 ms)
}
synapse S {
    param w: mV = 0 mV
    state x = 0
    on pre { post.v += w  x += 1 }
}
population cells = Decay[10]
subgroup src = cells[2:6]
subgroup dst = cells[5:]
connect c: src -> dst using S by pairs([(0, 4), (3, 0), (1, 1), (3, 2)]) { w = 1 mV * (10 * i + j)  x = 100 * i + j }
connect d: cells[8:] -> cells[1:3] using S by all_to_all { x = 100 * i + j }
monitor state c.x
monitor state d.x every 1 ms
run { duration = 2 ms  dt = 0.1 ms }
`

// Pre and post of a projection between subgroups and slices are the
// views' indices, the ones the connect's pairs, i and j use: each synapse
// of c and d holds x = 100 i + j, and state/c.x, state/c.pre and
// state/c.post agree on every synapse; interp and native agree.
func TestFinalStateSliced(t *testing.T) {
	m := compileSourceWith(t, "sliced.snn", finalSliced, without("prune"))
	res := run(t, m, interp.Options{})
	dir := t.TempDir()
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	read := func(name string) []float64 {
		a, err := npy.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		return a.Data
	}
	for proj, want := range map[string][][2]int{
		// by pre, then as listed
		"c": {{0, 4}, {1, 1}, {3, 0}, {3, 2}},
		"d": {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
	} {
		for _, prefix := range []string{"state/" + proj + ".", proj + "_x."} {
			pre, post := read(prefix+"pre.npy"), read(prefix+"post.npy")
			require.Len(t, pre, len(want), prefix)
			for s, p := range want {
				assert.Equal(t, []float64{float64(p[0]), float64(p[1])}, []float64{pre[s], post[s]}, "%s synapse %d", prefix, s)
			}
		}
		x := read("state/" + proj + ".x.npy")
		for s, p := range want {
			assert.Equal(t, float64(100*p[0]+p[1]), x[s], "%s.x[%d]", proj, s)
		}
	}
	conform(t, conformModule("final_sliced", finalSliced, m).onLLVM(1, 3))
}

// The trained weights come back out: numpy reads the example's weight
// matrices, (n_post, n_pre) as PyTorch stores them, and finds each
// synapse's final w in state/ at its (post, pre) entry, scaled by 1 mV in
// float64; layer1 (all_to_all) has every entry, layer2 (matrix) the
// nonzero ones, each once. The weights are parameters: the final state
// is the loaded data, which a user can load again.
func TestFinalStateTrainedWeights(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skipf("no numpy in /usr/bin/python3: %v", err)
	}
	m := compileFile(t, "../examples/trained_weights.snn")
	res := run(t, m, interp.Options{})
	dir := t.TempDir()
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	script := `import sys, numpy as np
d, data = sys.argv[1], sys.argv[2]
for proj, f, dense in [("layer1", "trained_w1.npy", True), ("layer2", "trained_w2.npy", False)]:
    W = np.load(data + "/" + f).astype(np.float64)
    pre, post, w = (np.load(d + "/state/" + proj + "." + x + ".npy") for x in ("pre", "post", "w"))
    assert pre.dtype == np.int32 and post.dtype == np.int32 and w.dtype == np.float64, proj
    assert np.array_equal(w, W[post, pre] * 1e-3), proj + ": w is not W[post, pre] mV"
    want = {(j, i) for j, i in zip(*np.nonzero(np.ones_like(W) if dense else W))}
    got = list(zip(post.tolist(), pre.tolist()))
    assert len(got) == len(set(got)) and set(got) == want, proj + ": the synapses are not the matrix's entries"
    print(proj, len(got))
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, dir, "../examples/data").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "layer1 200\nlayer2 14\n", string(out))
}
