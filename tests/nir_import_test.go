package tests

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/lang/nir"
	"snnc/runtime"
)

// The NIR import tests: every file of testdata/nir is imported, built and
// run, and its spikes and membrane traces are compared with the NIR node
// equations stepped here, from the file as h5py reads it (an HDF5 reader
// independent of lang/nir), discretised as spec/nir.md (Import) says:
// a spike of step k-1 reaches the next stateful node in step k as a jump
// of w·r·dt/tau, then forward Euler, then threshold and reset. A
// non-spiking node (LI, CubaLI, I) passes on its membrane at the end of
// step k-1, an input held over the Euler step of step k, beside the bias.

// nirDump is h5py's view of a .nir file: the top graph's nodes and edges.
type nirDump struct {
	Nodes map[string]*nirDumpNode `json:"nodes"`
	Edges [][2]string             `json:"edges"`
}

type nirDumpNode struct {
	Type   string                   `json:"type"`
	Fields map[string]*nirDumpField `json:"fields"`
}

type nirDumpField struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
	Str   string    `json:"str"`
}

const nirDumpScript = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
g = f["node"]
def s(x):
    return x.decode() if isinstance(x, bytes) else str(x)
out = {"nodes": {}, "edges": []}
# A nested graph G is flattened: its nodes are "G.B", an edge to G goes to
# its Input and one from G comes from its Output.
def walk(g, prefix):
    io = {}
    for name, n in g["nodes"].items():
        typ = s(n["type"][()])
        if typ == "NIRGraph":
            io[name] = walk(n, prefix + name + ".")
            continue
        fields = {}
        for k, v in n.items():
            if k == "type" or not isinstance(v, h5py.Dataset):
                continue
            a = v[()]
            if isinstance(a, (bytes, str)):
                fields[k] = {"shape": [], "data": [], "str": s(a)}
            else:
                a = np.asarray(a, dtype=np.float64)
                fields[k] = {"shape": list(a.shape), "data": a.ravel().tolist(), "str": ""}
        out["nodes"][prefix + name] = {"type": typ, "fields": fields}
    e = g["edges"]
    for a, b in (np.asarray(e[()]).reshape(-1, 2) if e.size else []):
        a, b = s(a), s(b)
        a = io[a][1] if a in io else prefix + a
        b = io[b][0] if b in io else prefix + b
        out["edges"].append([a, b])
    ins = [prefix + k for k, n in g["nodes"].items() if s(n["type"][()]) == "Input"]
    outs = [prefix + k for k, n in g["nodes"].items() if s(n["type"][()]) == "Output"]
    return (ins[0] if ins else None, outs[0] if outs else None)
walk(g, "")
print(json.dumps(out))
`

// requireH5py skips without python3-h5py, except in CI.
func requireH5py(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import h5py").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3-h5py is missing: tests/install-deps.sh should have installed it")
		}
		t.Skipf("/usr/bin/python3 has no h5py (Debian: apt-get install python3-h5py): %v", err)
	}
}

func dumpNIR(t *testing.T, path string) *nirDump {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "-c", nirDumpScript, path).Output()
	require.NoError(t, err, "h5py dump of %s", path)
	var d nirDump
	require.NoError(t, json.Unmarshal(out, &d))
	return &d
}

// nirFrames is a fixed input: each of n sources spikes in a step with
// probability about p, from a 64-bit LCG (Knuth's MMIX constants).
func nirFrames(steps, n int, p float64) [][]float64 {
	x := uint64(12345)
	fr := make([][]float64, steps)
	for k := range fr {
		fr[k] = make([]float64, n)
		for i := range fr[k] {
			x = x*6364136223846793005 + 1442695040888963407
			if float64(x>>11)/(1<<53) < p {
				fr[k][i] = 1
			}
		}
	}
	return fr
}

// nirRef steps the graph d: spikes[node][k] are node's spiking indices in
// step k, v[node][k] its membrane as snnc's monitor records it in step k:
// after step k-1 and the spikes delivered at the start of step k.
type nirRef struct {
	spikes map[string][][]int32
	v      map[string][][]float64
}

func (d *nirDump) preds(name string) []string {
	var p []string
	for _, e := range d.Edges {
		if e[1] == name {
			p = append(p, e[0])
		}
	}
	return p
}

func fieldOr(n *nirDumpNode, name string, size int, def float64) []float64 {
	out := make([]float64, size)
	f := n.Fields[name]
	for i := range out {
		switch {
		case f == nil:
			out[i] = def
		case len(f.Data) == 1:
			out[i] = f.Data[0]
		default:
			out[i] = f.Data[i]
		}
	}
	return out
}

// nirContinuous are the node types whose output is their membrane.
var nirContinuous = map[string]bool{"LI": true, "CubaLI": true, "I": true}

var nirStateful = map[string]string{"Threshold": "threshold", "LIF": "tau", "CubaLIF": "tau_mem", "LI": "tau", "CubaLI": "tau_mem", "IF": "r", "I": "r"}

// evalNIR is the output of node name given the previous step's spikes
// (prev, as 0/1 vectors) of the stateful nodes; withBias adds the
// biases, withSpikes the spikes (the two parts snnc applies apart).
//
// hist holds the spikes of the steps so far, the last the previous
// step's; lag steps further back are read through a Delay (dtp the
// convention's step, the unit of NIR's delays).
//
// cont selects the sources read with withSpikes: the spiking ones, or the
// non-spiking ones (LI, CubaLI, I), whose membrane at the end of a step
// hist holds in place of spikes.
func evalNIR(d *nirDump, name string, hist []map[string][]float64, lag int, dtp float64, withSpikes, withBias, cont bool) ([]float64, []int) {
	n := d.Nodes[name]
	if _, ok := nirStateful[n.Type]; ok || (n.Type == "Input" && len(d.preds(name)) == 0) {
		out := make([]float64, sizeNIR(n))
		if k := len(hist) - 1 - lag; withSpikes && k >= 0 && nirContinuous[n.Type] == cont {
			copy(out, hist[k][name])
		}
		return out, shapeNIR(n)
	}
	if n.Type == "Delay" {
		// Element j is its input's element j, delay[j] later.
		p := d.preds(name)[0]
		_, shape := evalNIR(d, p, hist, lag, dtp, withSpikes, withBias, cont)
		del := n.Fields["delay"].Data
		var out []float64
		for j := range del {
			x, _ := evalNIR(d, p, hist, lag+int(math.Round(del[j]/dtp)), dtp, withSpikes, withBias, cont)
			if out == nil {
				out = make([]float64, len(x))
			}
			out[j] = x[j]
		}
		return out, shape
	}
	var in []float64
	var shape []int
	for _, p := range d.preds(name) {
		x, s := evalNIR(d, p, hist, lag, dtp, withSpikes, withBias, cont)
		if in == nil {
			in, shape = make([]float64, len(x)), s
		}
		for i := range x {
			in[i] += x[i]
		}
	}
	bias := func(i int) float64 {
		if b := n.Fields["bias"]; b != nil && withBias {
			if len(b.Data) == 1 {
				return b.Data[0]
			}
			return b.Data[i]
		}
		return 0
	}
	switch n.Type {
	case "Input", "Output": // of a nested graph: the identity
		return in, shape
	case "Affine", "Linear":
		w := n.Fields["weight"]
		rows, cols := w.Shape[0], w.Shape[1]
		out := make([]float64, rows)
		for j := 0; j < rows; j++ {
			for i := 0; i < cols; i++ {
				out[j] += w.Data[j*cols+i] * in[i]
			}
			out[j] += bias(j)
		}
		return out, []int{rows}
	case "Flatten":
		return in, []int{len(in)}
	case "Conv2d":
		w := n.Fields["weight"]
		co, ci, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
		h, wd := int(n.Fields["input_shape"].Data[0]), int(n.Fields["input_shape"].Data[1])
		st, pd, dl := n.Fields["stride"].Data, n.Fields["padding"].Data, n.Fields["dilation"].Data
		oh := (h+2*int(pd[0])-int(dl[0])*(kh-1)-1)/int(st[0]) + 1
		ow := (wd+2*int(pd[1])-int(dl[1])*(kw-1)-1)/int(st[1]) + 1
		out := make([]float64, co*oh*ow)
		for o := 0; o < co; o++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					s := 0.0
					for c := 0; c < ci; c++ {
						for a := 0; a < kh; a++ {
							for b := 0; b < kw; b++ {
								iy, ix := y*int(st[0])-int(pd[0])+a*int(dl[0]), x*int(st[1])-int(pd[1])+b*int(dl[1])
								if iy >= 0 && iy < h && ix >= 0 && ix < wd {
									s += w.Data[((o*ci+c)*kh+a)*kw+b] * in[(c*h+iy)*wd+ix]
								}
							}
						}
					}
					out[(o*oh+y)*ow+x] = s + bias(o)
				}
			}
		}
		return out, []int{co, oh, ow}
	case "Scale":
		out := make([]float64, len(in))
		for i := range in {
			out[i] = n.Fields["scale"].Data[i] * in[i]
		}
		return out, shape
	case "Conv1d":
		// out[o, x] = b[o] + Σ_c Σ_a w[o, c, a] in[g·cig + c, x·s − p + a·dl]
		// over the group g of output channel o; "same" pads dl·(k−1)/2
		// before (PyTorch's smaller half).
		w := n.Fields["weight"]
		co, cig, k := w.Shape[0], w.Shape[1], w.Shape[2]
		groups := int(n.Fields["groups"].Data[0])
		l := int(n.Fields["input_shape"].Data[0])
		st, dl := int(n.Fields["stride"].Data[0]), int(n.Fields["dilation"].Data[0])
		var pd, ol int
		if pf := n.Fields["padding"]; pf.Str == "same" {
			pd, ol = dl*(k-1)/2, l
		} else {
			pd = int(pf.Data[0])
			ol = (l+2*pd-dl*(k-1)-1)/st + 1
		}
		out := make([]float64, co*ol)
		for o := 0; o < co; o++ {
			g := o / (co / groups)
			for x := 0; x < ol; x++ {
				sum := 0.0
				for c := 0; c < cig; c++ {
					for a := 0; a < k; a++ {
						if ix := x*st - pd + a*dl; ix >= 0 && ix < l {
							sum += w.Data[(o*cig+c)*k+a] * in[(g*cig+c)*l+ix]
						}
					}
				}
				out[o*ol+x] = sum + bias(o)
			}
		}
		return out, []int{co, ol}
	case "AvgPool2d":
		k, st := n.Fields["kernel_size"].Data, n.Fields["stride"].Data
		c, h, wd := shape[0], shape[1], shape[2]
		oh, ow := (h-int(k[0]))/int(st[0])+1, (wd-int(k[1]))/int(st[1])+1
		out := make([]float64, c*oh*ow)
		for ch := 0; ch < c; ch++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					sum := 0.0
					for a := 0; a < int(k[0]); a++ {
						for b := 0; b < int(k[1]); b++ {
							sum += in[(ch*h+y*int(st[0])+a)*wd+x*int(st[1])+b]
						}
					}
					out[(ch*oh+y)*ow+x] = sum / (k[0] * k[1])
				}
			}
		}
		return out, []int{c, oh, ow}
	case "SumPool2d":
		k, st := n.Fields["kernel_size"].Data, n.Fields["stride"].Data
		c, h, wd := shape[0], shape[1], shape[2]
		oh, ow := (h-int(k[0]))/int(st[0])+1, (wd-int(k[1]))/int(st[1])+1
		out := make([]float64, c*oh*ow)
		for ch := 0; ch < c; ch++ {
			for y := 0; y < oh; y++ {
				for x := 0; x < ow; x++ {
					for a := 0; a < int(k[0]); a++ {
						for b := 0; b < int(k[1]); b++ {
							out[(ch*oh+y)*ow+x] += in[(ch*h+y*int(st[0])+a)*wd+x*int(st[1])+b]
						}
					}
				}
			}
		}
		return out, []int{c, oh, ow}
	}
	panic("evalNIR: no equation here for " + n.Type)
}

func shapeNIR(n *nirDumpNode) []int {
	if n.Type == "Input" {
		s := make([]int, len(n.Fields["shape"].Data))
		for i, x := range n.Fields["shape"].Data {
			s[i] = int(x)
		}
		return s
	}
	f := n.Fields[nirStateful[n.Type]]
	if len(f.Shape) == 0 {
		return []int{1}
	}
	return f.Shape
}

func sizeNIR(n *nirDumpNode) int {
	s := 1
	for _, d := range shapeNIR(n) {
		s *= d
	}
	return s
}

// stepNIR runs the NIR equations for steps steps on the input frames,
// each step of dt being one of the step the parameters assume (dt itself
// in the nir convention, 1e-4 s in snnTorch's, 1e-3 s in Norse's).
//
// exact (Rockpool's convention) decays LIF and LI membranes exactly,
// v = v_inf + (v - v_inf)·exp(−dt/tau), instead of by Euler.
func stepNIR(d *nirDump, frames [][]float64, steps int, dt float64, exact bool) *nirRef {
	ref := &nirRef{spikes: map[string][][]int32{}, v: map[string][][]float64{}}
	var hist []map[string][]float64
	vs, is := map[string][]float64{}, map[string][]float64{}
	var names []string
	for name, n := range d.Nodes {
		if _, ok := nirStateful[n.Type]; ok {
			names = append(names, name)
			vs[name], is[name] = make([]float64, sizeNIR(n)), make([]float64, sizeNIR(n))
		}
	}
	sort.Strings(names)
	for k := 0; k < steps; k++ {
		next := map[string][]float64{}
		for name, n := range d.Nodes {
			if n.Type == "Input" && len(d.preds(name)) == 0 {
				x := make([]float64, sizeNIR(n))
				if k < len(frames) {
					copy(x, frames[k])
				}
				next[name] = x
			}
		}
		// A non-spiking node passes on its membrane as it is in step k
		// after the jump of the spikes of step k-1 (what it integrates
		// from): these come first, and histC reads them at lag 0.
		for _, name := range names {
			n := d.Nodes[name]
			if !nirContinuous[n.Type] {
				continue
			}
			size := sizeNIR(n)
			v1 := append([]float64(nil), vs[name]...)
			if n.Type == "LI" || n.Type == "I" {
				r := fieldOr(n, "r", size, 1)
				tau := fieldOr(n, "tau", size, dt)
				for _, p := range d.preds(name) {
					j, _ := evalNIR(d, p, hist, 0, dt, true, false, false)
					for i := range v1 {
						v1[i] += j[i] * r[i] * dt / tau[i]
					}
				}
			}
			next[name] = v1
		}
		histC := append(hist[:len(hist):len(hist)], next)
		for _, name := range names {
			n := d.Nodes[name]
			size := sizeNIR(n)
			jump, bias, c := make([]float64, size), make([]float64, size), make([]float64, size)
			for _, p := range d.preds(name) {
				j, _ := evalNIR(d, p, hist, 0, dt, true, false, false)
				b, _ := evalNIR(d, p, hist, 0, dt, false, true, false)
				m, _ := evalNIR(d, p, histC, 0, dt, true, false, true)
				for i := range jump {
					jump[i] += j[i]
					bias[i] += b[i]
					c[i] += m[i]
				}
			}
			r := fieldOr(n, "r", size, 1)
			vleak := fieldOr(n, "v_leak", size, 0)
			thr := fieldOr(n, "v_threshold", size, 0)
			if n.Type == "Threshold" {
				thr = fieldOr(n, "threshold", size, 0)
			}
			vreset := fieldOr(n, "v_reset", size, 0)
			win := fieldOr(n, "w_in", size, 1)
			tau := fieldOr(n, "tau", size, dt)
			if n.Type == "CubaLIF" || n.Type == "CubaLI" {
				tau = fieldOr(n, "tau_mem", size, 0)
			}
			tsyn := fieldOr(n, "tau_syn", size, 0)
			s := make([]float64, size)
			var fired []int32
			v, cur := vs[name], is[name]
			rec := make([]float64, size)
			for i := 0; i < size; i++ {
				rec[i] = v[i]
				switch n.Type {
				case "CubaLIF", "CubaLI":
					// The current takes the spikes, then both integrate
					// by Euler from the values after the jump.
					c1 := cur[i] + jump[i]*win[i]*dt/tsyn[i]
					cur[i] = c1 + dt*((win[i]*(bias[i]+c[i])-c1)/tsyn[i])
					v[i] += dt * ((vleak[i] - v[i] + r[i]*c1) / tau[i])
				case "LIF", "LI":
					v1 := v[i] + jump[i]*r[i]*dt/tau[i]
					rec[i] = v1
					if exact {
						vinf := vleak[i] + r[i]*(bias[i]+c[i])
						v[i] = vinf + (v1-vinf)*math.Exp(-dt/tau[i])
					} else {
						v[i] = v1 + dt*((vleak[i]-v1+r[i]*(bias[i]+c[i]))/tau[i])
					}
				case "Threshold":
					// H(I - threshold) of this step's input; v holds
					// the input (snnc records the previous step's).
					v[i] = jump[i] + (bias[i] + c[i])
					if v[i] > thr[i] {
						s[i] = 1
						fired = append(fired, int32(i))
					}
					continue
				default: // IF, I: dv/dt = r I, no leak
					v1 := v[i] + jump[i]*r[i]*dt/tau[i]
					rec[i] = v1
					v[i] = v1 + dt*(r[i]*(bias[i]+c[i])/tau[i])
				}
				if (n.Type == "LIF" || n.Type == "CubaLIF" || n.Type == "IF") && v[i] > thr[i] {
					s[i] = 1
					fired = append(fired, int32(i))
					v[i] = vreset[i]
				}
			}
			if !nirContinuous[n.Type] {
				next[name] = s
			}
			ref.spikes[name] = append(ref.spikes[name], fired)
			ref.v[name] = append(ref.v[name], rec)
		}
		hist = append(hist, next)
	}
	return ref
}

// nirRunCase imports d (given to the importer as g) at dt with the
// convention, runs it on frames, and compares with stepNIR; it returns
// the number of spikes compared.
func nirRunCase(t *testing.T, d *nirDump, g *nir.Graph, convention string, dt, dtp float64, frames [][]float64) int {
	steps := len(frames)
	m, err := nir.Import(g, "model", nir.Options{Dt: dt, Convention: convention, Input: frames, Duration: float64(steps) * dt})
	require.NoError(t, err)
	src, err := m.Write(t.TempDir())
	require.NoError(t, err)
	_, mod, err := driver.CompileFile(src, driver.Options{})
	require.NoError(t, err)
	res, err := interp.Run(mod, interp.Options{})
	require.NoError(t, err)
	ref := stepNIR(d, frames, steps, dtp, convention == "rockpool")
	total := 0
	for name, want := range ref.spikes {
		id := m.Idents[name]
		var sp *runtime.Spikes
		for _, s := range res.Spikes {
			if s.Source == id {
				sp = s
			}
		}
		require.NotNil(t, sp, "spike monitor of %s (%s)", name, id)
		got := make([][]int32, steps)
		for s, step := range sp.Steps {
			got[step] = append(got[step], sp.Index[s])
		}
		count := 0
		for k := range want {
			require.Equal(t, fmt.Sprint(want[k]), fmt.Sprint(got[k]), "node %s step %d", name, k)
			count += len(want[k])
		}
		t.Logf("node %s (%s): %d spikes equal", name, d.Nodes[name].Type, count)
		total += count
		for _, st := range res.States {
			if st.Target != id || st.Var != "v" {
				continue
			}
			n := len(st.Indices)
			for r, step := range st.Steps {
				if int(step) >= steps {
					continue
				}
				for i := 0; i < n; i++ {
					want := ref.v[name][step][st.Indices[i]]
					// 1e-9, relative where |v| > 1: the two sums round
					// differently, and braille's membranes reach 1e6,
					// where one ulp is 1.2e-10 and ten steps add more.
					require.InDelta(t, want, st.Values[r*n+i], 1e-9*max(1, math.Abs(want)), "node %s v[%d] after step %d", name, st.Indices[i], step)
				}
			}
		}
	}
	return total
}

// nirGraph is the graph of d for the importer: the nodes built in a test
// go to both the importer and the equations stepped here.
func nirGraph(d *nirDump) *nir.Graph {
	g := &nir.Graph{}
	names := make([]string, 0, len(d.Nodes))
	for name := range d.Nodes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := &nir.Node{Name: name, Type: d.Nodes[name].Type, Fields: map[string]*nir.Value{}}
		for k, f := range d.Nodes[name].Fields {
			if f.Str != "" {
				n.Fields[k] = nir.Strings(nil, f.Str)
				continue
			}
			n.Fields[k] = nir.Float64s("float64", f.Shape, f.Data)
		}
		g.Nodes = append(g.Nodes, n)
	}
	for _, e := range d.Edges {
		g.Edges = append(g.Edges, nir.Edge{From: e[0], To: e[1]})
	}
	return g
}

// TestNIRImportDelayThreshold: a graph built here with a Delay of
// per-element delays (0, 2 and 5 steps) before a LIF, and a Threshold
// after an Affine with a bias, against the equations.
func TestNIRImportDelayThreshold(t *testing.T) {
	fl := func(shape []int, x ...float64) *nirDumpField { return &nirDumpField{Shape: shape, Data: x} }
	d := &nirDump{
		Nodes: map[string]*nirDumpNode{
			"in":  {Type: "Input", Fields: map[string]*nirDumpField{"shape": fl([]int{1}, 3)}},
			"w":   {Type: "Linear", Fields: map[string]*nirDumpField{"weight": fl([]int{3, 3}, 0.5, 0, 0.2, 0, 0.7, 0, 0.1, 0.3, 0.6)}},
			"d":   {Type: "Delay", Fields: map[string]*nirDumpField{"delay": fl([]int{3}, 0, 2e-3, 5e-3)}},
			"lif": {Type: "LIF", Fields: map[string]*nirDumpField{"tau": fl([]int{3}, 0.005, 0.01, 0.02), "r": fl([]int{3}, 1, 1.5, 2), "v_leak": fl([]int{3}, 0, 0.1, 0), "v_threshold": fl([]int{3}, 0.6, 0.5, 0.4), "v_reset": fl([]int{3}, 0, -0.1, 0)}},
			"a":   {Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 3}, 1, 0.5, 0, 0, 1, 1), "bias": fl([]int{2}, 0.25, -0.5)}},
			"thr": {Type: "Threshold", Fields: map[string]*nirDumpField{"threshold": fl([]int{2}, 0.7, 0.4)}},
			"out": {Type: "Output", Fields: map[string]*nirDumpField{"shape": fl([]int{1}, 2)}},
		},
		Edges: [][2]string{{"in", "w"}, {"w", "d"}, {"d", "lif"}, {"lif", "a"}, {"a", "thr"}, {"thr", "out"}},
	}
	total := nirRunCase(t, d, nirGraph(d), "nir", 1e-3, 1e-3, nirFrames(300, 3, 0.4))
	require.Greater(t, total, 50)
}

// TestNIRImportContinuous: a graph built here whose non-spiking nodes
// feed others, against the equations: an LI driven by spikes and by its
// own membrane (a recurrent Linear) feeds an I through a Delay of 0 and 3
// steps, a Scale and an Affine with a bias, and a LIF beside spikes from
// another LIF; the I feeds a Threshold, whose spikes (341 of 600 under
// nir) come only from the I's membrane; a CubaLI feeds a CubaLIF. Under
// the rockpool convention (exact decay of LIF and LI) without the Cuba
// nodes, whose exact solution the equations here do not step.
func TestNIRImportContinuous(t *testing.T) {
	for _, c := range []struct {
		convention string
		cuba       bool
	}{{"nir", true}, {"rockpool", false}} {
		t.Run(c.convention, func(t *testing.T) {
			d := nirContinuousGraph(c.cuba)
			total := nirRunCase(t, d, nirGraph(d), c.convention, 1e-3, 1e-3, nirFrames(300, 3, 0.4))
			require.Greater(t, total, 50)
		})
	}
}

// nirContinuousGraph is the graph of TestNIRImportContinuous, with or
// without its Cuba nodes.
func nirContinuousGraph(cuba bool) *nirDump {
	fl := func(shape []int, x ...float64) *nirDumpField { return &nirDumpField{Shape: shape, Data: x} }
	d := &nirDump{
		Nodes: map[string]*nirDumpNode{
			"in":    {Type: "Input", Fields: map[string]*nirDumpField{"shape": fl([]int{1}, 3)}},
			"w":     {Type: "Linear", Fields: map[string]*nirDumpField{"weight": fl([]int{3, 3}, 0.5, 0, 0.2, 0, 0.7, 0, 0.1, 0.3, 0.6)}},
			"lif":   {Type: "LIF", Fields: map[string]*nirDumpField{"tau": fl([]int{3}, 0.005, 0.01, 0.02), "r": fl([]int{3}, 1, 1.5, 2), "v_leak": fl([]int{3}, 0, 0.1, 0), "v_threshold": fl([]int{3}, 0.3, 0.25, 0.2)}},
			"a":     {Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 3}, 1, 0.5, 0, 0, 1, 1), "bias": fl([]int{2}, 0.25, -0.5)}},
			"li":    {Type: "LI", Fields: map[string]*nirDumpField{"tau": fl([]int{2}, 0.02, 0.05), "r": fl([]int{2}, 2, 1), "v_leak": fl([]int{2}, 0.05, 0)}},
			"rec":   {Type: "Linear", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 2}, 0, 0.3, -0.2, 0)}},
			"d":     {Type: "Delay", Fields: map[string]*nirDumpField{"delay": fl([]int{2}, 0, 3e-3)}},
			"s":     {Type: "Scale", Fields: map[string]*nirDumpField{"scale": fl([]int{2}, 1.5, -0.5)}},
			"sb":    {Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 2}, 1, 0, 0, 1), "bias": fl([]int{2}, -0.85, -0.08)}},
			"integ": {Type: "I", Fields: map[string]*nirDumpField{"r": fl([]int{2}, 1, 0.5)}},
			"ta":    {Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 2}, 1, 0, 0, 1), "bias": fl([]int{2}, 0.5, 0)}},
			"thr":   {Type: "Threshold", Fields: map[string]*nirDumpField{"threshold": fl([]int{2}, -4, 1)}},
			"b":     {Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 2}, 2, 0, 1, 1), "bias": fl([]int{2}, 0.1, 0)}},
			"l2":    {Type: "Linear", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 3}, 0.3, 0, 0, 0, 0, 0.4)}},
			"lif2":  {Type: "LIF", Fields: map[string]*nirDumpField{"tau": fl([]int{2}, 0.01, 0.004), "r": fl([]int{2}, 1, 1), "v_leak": fl([]int{2}, 0, 0), "v_threshold": fl([]int{2}, 0.6, 0.3), "v_reset": fl([]int{2}, 0, -0.1)}},
		},
		Edges: [][2]string{{"in", "w"}, {"w", "lif"}, {"lif", "a"}, {"a", "li"}, {"li", "rec"}, {"rec", "li"},
			{"li", "d"}, {"d", "s"}, {"s", "sb"}, {"sb", "integ"}, {"integ", "ta"}, {"ta", "thr"},
			{"li", "b"}, {"b", "lif2"}, {"lif", "l2"}, {"l2", "lif2"}},
	}
	if cuba {
		d.Nodes["c1"] = &nirDumpNode{Type: "Linear", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 3}, 1, 0.5, 0, 0, 0.5, 1)}}
		d.Nodes["cli"] = &nirDumpNode{Type: "CubaLI", Fields: map[string]*nirDumpField{"tau_syn": fl([]int{2}, 0.005, 0.01), "tau_mem": fl([]int{2}, 0.01, 0.02), "r": fl([]int{2}, 1, 2), "v_leak": fl([]int{2}, 0, 0.1), "w_in": fl([]int{2}, 1, 0.5)}}
		d.Nodes["c2"] = &nirDumpNode{Type: "Affine", Fields: map[string]*nirDumpField{"weight": fl([]int{2, 2}, 3, 0, 1, 2), "bias": fl([]int{2}, 0, 0.2)}}
		d.Nodes["cuba"] = &nirDumpNode{Type: "CubaLIF", Fields: map[string]*nirDumpField{"tau_syn": fl([]int{2}, 0.005, 0.005), "tau_mem": fl([]int{2}, 0.01, 0.01), "r": fl([]int{2}, 1, 1), "v_leak": fl([]int{2}, 0, 0), "v_threshold": fl([]int{2}, 0.3, 0.4)}}
		d.Edges = append(d.Edges, [2]string{"lif", "c1"}, [2]string{"c1", "cli"}, [2]string{"cli", "c2"}, [2]string{"c2", "cuba"})
	}
	return d
}

// nirCases are the files whose runs are compared with the equations: the
// number of steps, the input's spike probability per step.
var nirCases = []struct {
	file, convention string
	dtp              float64 // the convention's step
	steps            int
	p                float64
}{
	{"lif_norse.nir", "nir", 1e-3, 200, 0.3},
	{"lif_norse.nir", "norse", 1e-3, 200, 0.3},
	{"lif_rockpool_typecheck_off.nir", "nir", 1e-3, 200, 0.3},
	{"lif_rockpool_typecheck_off.nir", "rockpool", 1e-3, 200, 0.3},
	{"two_lif_neurons.nir", "nir", 1e-3, 200, 0.3},
	{"two_lif_neurons.nir", "snntorch", 1e-4, 200, 0.3},
	{"braille_noDelay_bias_zero.nir", "nir", 1e-3, 300, 0.2},
	// Its taus (0.22 ms, 1 ms) are snnTorch's for dt = 0.1 ms: only that
	// convention keeps Euler stable at dt = 1 ms.
	{"braille_noDelay_bias_zero.nir", "snntorch", 1e-4, 300, 0.2},
	{"cnn_sinabs.nir", "nir", 1e-3, 40, 0.1},
	// Every node type, a nested graph, and membranes of LI and I nodes
	// as inputs (sub.li through a Delay and a Scale into integ, integ
	// into thr).
	{"all_nodes_nocomp.nir", "nir", 1e-3, 200, 0.3},
	{"all_nodes_gzip.nir", "nir", 1e-3, 200, 0.3},
}

// TestNIRImportSemantics imports each file at dt = 1 ms (convention nir),
// runs it on the interpreter, and requires the spikes of every stateful
// node equal, step for step, to the equations', and the membrane traces
// within 1e-9 (the two evaluate the Euler step in different orders).
func TestNIRImportSemantics(t *testing.T) {
	requireH5py(t)
	const dt = 1e-3
	for _, c := range nirCases {
		t.Run(c.file+"/"+c.convention, func(t *testing.T) {
			path := filepath.Join("testdata/nir", c.file)
			d := dumpNIR(t, path)
			var in *nirDumpNode
			for name, n := range d.Nodes {
				if n.Type == "Input" && len(d.preds(name)) == 0 {
					in = n
				}
			}
			frames := nirFrames(c.steps, sizeNIR(in), c.p)
			g, err := nir.Read(path)
			require.NoError(t, err)
			total := nirRunCase(t, d, g, c.convention, dt, c.dtp, frames)
			require.NotZero(t, total, "the input drives no spikes: the comparison shows nothing")
			t.Logf("%s (%s): %d spikes equal", c.file, c.convention, total)
		})
	}
}

// TestNIRImportConformance: an imported model records the same bytes on
// the interpreter and in native code at 1 and 2 threads.
func TestNIRImportConformance(t *testing.T) {
	for _, c := range []struct{ file, convention string }{
		{"braille_noDelay_bias_zero.nir", "snntorch"},
		{"cnn_sinabs.nir", "nir"},
		{"all_nodes_nocomp.nir", "nir"},
	} {
		g, err := nir.Read(filepath.Join("testdata/nir", c.file))
		require.NoError(t, err)
		m, err := nir.Import(g, "model", nir.Options{Dt: 1e-3, Convention: c.convention, Duration: 0.05})
		require.NoError(t, err)
		src, err := m.Write(t.TempDir())
		require.NoError(t, err)
		conform(t, conformFile("nir-"+strings.TrimSuffix(c.file, ".nir"), src, driver.Options{}).onLLVM(1, 2))
	}
	// Continuous edges (summed variables, relays for a Delay), under
	// both methods.
	for _, conv := range []string{"nir", "rockpool"} {
		m, err := nir.Import(nirGraph(nirContinuousGraph(true)), "model", nir.Options{Dt: 1e-3, Convention: conv, Input: nirFrames(100, 3, 0.4)})
		require.NoError(t, err)
		src, err := m.Write(t.TempDir())
		require.NoError(t, err)
		conform(t, conformFile("nir-continuous-"+conv, src, driver.Options{}).onLLVM(1, 2))
	}
}

// TestNIRImportEveryFile: every sample file imports and runs, or fails
// with the error that names the node and says why.
func TestNIRImportEveryFile(t *testing.T) {
	// Every sample imports: none is refused.
	want := map[string]string{}
	files, err := filepath.Glob("testdata/nir/*.nir")
	require.NoError(t, err)
	require.Len(t, files, 9)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			g, err := nir.Read(path)
			require.NoError(t, err)
			m, err := nir.Import(g, "model", nir.Options{Dt: 1e-3, Duration: 0.02})
			if re, ok := want[name]; ok {
				require.Error(t, err)
				require.Regexp(t, re, err.Error())
				return
			}
			require.NoError(t, err)
			src, err := m.Write(t.TempDir())
			require.NoError(t, err)
			_, mod, err := driver.CompileFile(src, driver.Options{})
			require.NoError(t, err)
			_, err = interp.Run(mod, interp.Options{})
			require.NoError(t, err)
			if name == "lif_rockpool_typecheck_off.nir" {
				require.Equal(t, []string{"node output (Output): shape [1 1 1] disagrees with its input 1_LIFNeuronTorch of shape [1]; the input's shape is used"}, m.Warnings)
			} else {
				require.Empty(t, m.Warnings)
			}
		})
	}
}

// TestNIRImportErrors: graphs built here that the importer refuses, each
// with an error that names the node and the type.
func TestNIRImportErrors(t *testing.T) {
	f := func(shape []int, x ...float64) *nir.Value { return nir.Float64s("float64", shape, x) }
	input := &nir.Node{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": f([]int{1}, 2)}}
	lif := &nir.Node{Name: "lif", Type: "LIF", Fields: map[string]*nir.Value{
		"tau": f([]int{2}, 0.01, 0.01), "r": f([]int{2}, 1, 1), "v_leak": f([]int{2}, 0, 0), "v_threshold": f([]int{2}, 1, 1)}}
	for _, c := range []struct {
		name  string
		nodes []*nir.Node
		edges []nir.Edge
		want  string
	}{
		{"unknown type", []*nir.Node{input, {Name: "x", Type: "Spline", Fields: map[string]*nir.Value{}}, lif},
			[]nir.Edge{{From: "in", To: "x"}, {From: "x", To: "lif"}}, `node x: NIR type Spline is not supported`},
		{"missing field", []*nir.Node{input, {Name: "a", Type: "Affine", Fields: map[string]*nir.Value{"weight": f([]int{2, 2}, 1, 0, 0, 1)}}, lif},
			[]nir.Edge{{From: "in", To: "a"}, {From: "a", To: "lif"}}, `node a \(Affine\): field bias is missing`},
		{"size", []*nir.Node{input, {Name: "w", Type: "Linear", Fields: map[string]*nir.Value{"weight": f([]int{3, 2}, 1, 0, 0, 1, 1, 1)}}, lif},
			[]nir.Edge{{From: "in", To: "w"}, {From: "w", To: "lif"}}, `node lif \(LIF\): 2 neurons but its input has 3 elements`},
		{"stateless cycle", []*nir.Node{input, {Name: "s", Type: "Scale", Fields: map[string]*nir.Value{"scale": f([]int{2}, 1, 1)}}, lif},
			[]nir.Edge{{From: "in", To: "s"}, {From: "s", To: "s"}, {From: "s", To: "lif"}}, `node s \(Scale\): a cycle of stateless nodes`},
		{"bad edge", []*nir.Node{input, lif}, []nir.Edge{{From: "in", To: "nowhere"}}, `edge names node "nowhere"`},
		{"same stride", []*nir.Node{{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": f([]int{2}, 1, 4)}},
			{Name: "c", Type: "Conv1d", Fields: map[string]*nir.Value{"weight": f([]int{1, 1, 3}, 1, 1, 1), "stride": f(nil, 2), "padding": nir.Strings(nil, "same")}},
			{Name: "lif", Type: "LIF", Fields: lif.Fields}},
			[]nir.Edge{{From: "in", To: "c"}, {From: "c", To: "lif"}}, `node c \(Conv1d\): padding "same" needs stride 1`},
		{"zero stride", []*nir.Node{{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": f([]int{2}, 1, 4)}},
			{Name: "c", Type: "Conv1d", Fields: map[string]*nir.Value{"weight": f([]int{1, 1, 3}, 1, 1, 1), "stride": f(nil, 0), "padding": f(nil, 0)}},
			{Name: "lif", Type: "LIF", Fields: lif.Fields}},
			[]nir.Edge{{From: "in", To: "c"}, {From: "c", To: "lif"}}, `node c \(Conv1d\): stride \[0\]`},
		{"bad input shape", []*nir.Node{{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": f([]int{1}, -2)}}, lif},
			[]nir.Edge{{From: "in", To: "lif"}}, `node in \(Input\): shape \[-2\] is not a list of positive sizes`},
	} {
		g := &nir.Graph{Nodes: c.nodes, Edges: c.edges}
		_, err := nir.Import(g, "model", nir.Options{Dt: 1e-3})
		require.Error(t, err, c.name)
		require.Regexp(t, c.want, err.Error(), c.name)
	}
	_, err := nir.Import(&nir.Graph{}, "model", nir.Options{})
	require.ErrorContains(t, err, "--dt is required")
	_, err = nir.Import(&nir.Graph{}, "model", nir.Options{Dt: 1e-3, Convention: "brian"})
	require.ErrorContains(t, err, `unknown convention "brian"`)
}

// TestNIRImportNested: a nested graph G addressed as "G.i" and "G.lif",
// and a top-level node whose literal name holds a dot ("x.y"), against
// the equations of the same network written flat.
func TestNIRImportNested(t *testing.T) {
	fl := func(shape []int, x ...float64) *nirDumpField { return &nirDumpField{Shape: shape, Data: x} }
	v := func(f *nirDumpField) *nir.Value { return nir.Float64s("float64", f.Shape, f.Data) }
	lin := fl([]int{2, 2}, 6, 2, 1, 8)
	lif := map[string]*nirDumpField{"tau": fl([]int{2}, 0.01, 0.02), "r": fl([]int{2}, 1, 1), "v_leak": fl([]int{2}, 0, 0), "v_threshold": fl([]int{2}, 0.5, 0.6)}
	aw, ab := fl([]int{1, 2}, 7, 9), fl([]int{1}, 0.1)
	lif1 := map[string]*nirDumpField{"tau": fl([]int{1}, 0.01), "r": fl([]int{1}, 2), "v_leak": fl([]int{1}, 0), "v_threshold": fl([]int{1}, 0.4)}
	flat := &nirDump{
		Nodes: map[string]*nirDumpNode{
			"in":    {Type: "Input", Fields: map[string]*nirDumpField{"shape": fl([]int{1}, 2)}},
			"G.lin": {Type: "Linear", Fields: map[string]*nirDumpField{"weight": lin}},
			"G.lif": {Type: "LIF", Fields: lif},
			"a":     {Type: "Affine", Fields: map[string]*nirDumpField{"weight": aw, "bias": ab}},
			"x.y":   {Type: "LIF", Fields: lif1},
		},
		Edges: [][2]string{{"in", "G.lin"}, {"G.lin", "G.lif"}, {"G.lif", "a"}, {"a", "x.y"}},
	}
	fields := func(m map[string]*nirDumpField) map[string]*nir.Value {
		out := map[string]*nir.Value{}
		for k, f := range m {
			out[k] = v(f)
		}
		return out
	}
	shape := nir.Float64s("int64", []int{1}, []float64{2})
	g := &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "G", Type: "NIRGraph", Graph: &nir.Graph{
				Nodes: []*nir.Node{
					{Name: "i", Type: "Input", Fields: map[string]*nir.Value{"shape": shape}},
					{Name: "lif", Type: "LIF", Fields: fields(lif)},
					{Name: "lin", Type: "Linear", Fields: map[string]*nir.Value{"weight": v(lin)}},
					{Name: "o", Type: "Output", Fields: map[string]*nir.Value{"shape": shape}},
				},
				Edges: []nir.Edge{{From: "i", To: "lin"}, {From: "lin", To: "lif"}, {From: "lif", To: "o"}},
			}},
			{Name: "a", Type: "Affine", Fields: map[string]*nir.Value{"weight": v(aw), "bias": v(ab)}},
			{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": shape}},
			{Name: "x.y", Type: "LIF", Fields: fields(lif1)},
		},
		// Into G by its Input's address; out of G by its LIF's.
		Edges: []nir.Edge{{From: "in", To: "G.i"}, {From: "G.lif", To: "a"}, {From: "a", To: "x.y"}},
	}
	total := nirRunCase(t, flat, g, "nir", 1e-3, 1e-3, nirFrames(300, 2, 0.4))
	require.Greater(t, total, 20)
}

// TestNIRImportConvPool: Conv1d with groups, dilation, stride and numeric
// or "same" padding, Scale, and Conv2d with padding and stride into an
// AvgPool2d, each into LIF layers, against the equations (convolutions
// written here as PyTorch defines them).
func TestNIRImportConvPool(t *testing.T) {
	fl := func(shape []int, x ...float64) *nirDumpField { return &nirDumpField{Shape: shape, Data: x} }
	ramp := func(n int, a, b float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = a + b*float64((i*7)%11-5)
		}
		return out
	}
	lif := func(n int, thr float64) *nirDumpNode {
		return &nirDumpNode{Type: "LIF", Fields: map[string]*nirDumpField{"tau": fl([]int{n}, ramp(n, 0.01, 0.001)...),
			"r": fl([]int{1}, 8), "v_leak": fl([]int{1}, 0), "v_threshold": fl([]int{1}, thr)}}
	}
	for _, c := range []struct {
		name    string
		padding *nirDumpField
		stride  float64
		outLen  int
	}{
		{"same", &nirDumpField{Str: "same"}, 1, 12},
		{"pad1-stride2", fl(nil, 1), 2, 5},
	} {
		t.Run("conv1d-"+c.name, func(t *testing.T) {
			// 4 input channels of length 12, 2 groups, 6 output channels,
			// kernel 3, dilation 2.
			d := &nirDump{
				Nodes: map[string]*nirDumpNode{
					"in": {Type: "Input", Fields: map[string]*nirDumpField{"shape": fl([]int{2}, 4, 12)}},
					"c": {Type: "Conv1d", Fields: map[string]*nirDumpField{
						"weight": fl([]int{6, 2, 3}, ramp(36, 0.3, 0.1)...), "bias": fl([]int{6}, ramp(6, 0, 0.02)...),
						"stride": fl(nil, c.stride), "padding": c.padding, "dilation": fl(nil, 2), "groups": fl(nil, 2),
						"input_shape": fl(nil, 12)}},
					"s":   {Type: "Scale", Fields: map[string]*nirDumpField{"scale": fl([]int{6 * c.outLen}, ramp(6*c.outLen, 1, 0.1)...)}},
					"lif": lif(6*c.outLen, 0.5),
				},
				Edges: [][2]string{{"in", "c"}, {"c", "s"}, {"s", "lif"}},
			}
			d.Nodes["lif"].Fields["tau"].Shape = []int{6, c.outLen}
			total := nirRunCase(t, d, nirGraph(d), "nir", 1e-3, 1e-3, nirFrames(150, 48, 0.3))
			require.Greater(t, total, 50)
		})
	}
	t.Run("conv2d-avgpool", func(t *testing.T) {
		// 2x6x6 in, 3 output channels, kernel 3x3, stride 1, padding 1:
		// 3x6x6; average pool 2x2 stride 2: 3x3x3.
		d := &nirDump{
			Nodes: map[string]*nirDumpNode{
				"in": {Type: "Input", Fields: map[string]*nirDumpField{"shape": fl([]int{3}, 2, 6, 6)}},
				"c": {Type: "Conv2d", Fields: map[string]*nirDumpField{
					"weight": fl([]int{3, 2, 3, 3}, ramp(54, 0.4, 0.1)...), "bias": fl([]int{3}, 0.05, 0, -0.05),
					"stride": fl([]int{2}, 1, 1), "padding": fl([]int{2}, 1, 1), "dilation": fl([]int{2}, 1, 1), "groups": fl(nil, 1),
					"input_shape": fl([]int{2}, 6, 6)}},
				"l1": lif(108, 0.5),
				"p":  {Type: "AvgPool2d", Fields: map[string]*nirDumpField{"kernel_size": fl([]int{2}, 2, 2), "stride": fl([]int{2}, 2, 2), "padding": fl([]int{2}, 0, 0)}},
				"l2": lif(27, 0.3),
			},
			Edges: [][2]string{{"in", "c"}, {"c", "l1"}, {"l1", "p"}, {"p", "l2"}},
		}
		d.Nodes["l1"].Fields["tau"].Shape = []int{3, 6, 6}
		d.Nodes["l2"].Fields["tau"].Shape = []int{3, 3, 3}
		total := nirRunCase(t, d, nirGraph(d), "nir", 1e-3, 1e-3, nirFrames(150, 72, 0.3))
		require.Greater(t, total, 50)
	})
}
