package nir

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"snnc/lang/nir/h5"
)

// flatten lists every dataset a Graph stands for by its HDF5 path, as the
// file layer maps them: /version, <graph>/type, <graph>/edges,
// <graph>/nodes/<name>/..., metadata under metadata/.
func flattenGraph(g *Graph) map[string]*Value {
	out := map[string]*Value{}
	if g.Version != "" {
		out["version"] = Strings(nil, g.Version)
	}
	var walk func(g *Graph, at string)
	walk = func(g *Graph, at string) {
		out[at+"/type"] = Strings(nil, "NIRGraph")
		var s []string
		for _, e := range g.Edges {
			s = append(s, e.From, e.To)
		}
		out[at+"/edges"] = Strings([]int{len(g.Edges), 2}, s...)
		for k, v := range g.Metadata {
			out[at+"/metadata/"+k] = v
		}
		for k, v := range g.Fields {
			out[at+"/"+k] = v
		}
		for _, n := range g.Nodes {
			p := at + "/nodes/" + n.Name
			if n.Graph != nil {
				walk(n.Graph, p)
				continue
			}
			out[p+"/type"] = Strings(nil, n.Type)
			for k, v := range n.Fields {
				out[p+"/"+k] = v
			}
			for k, v := range n.Metadata {
				out[p+"/metadata/"+k] = v
			}
		}
	}
	walk(g, "node")
	return out
}

// sameAsH5py reports how v differs from h5py's reading e of the same
// dataset, "" when it does not: dtype, shape and every value exactly.
func sameAsH5py(v *Value, e *h5Entry) string {
	shape := e.Shape
	if shape == nil {
		shape = []int{}
	}
	vs := v.Shape
	if vs == nil {
		vs = []int{}
	}
	if v.DType == "string" && e.DType == "string" {
		if !slices.Equal(vs, shape) {
			// No edges: the Graph holds none, the file an empty array.
			if len(v.Str) == 0 && len(e.Values) == 0 {
				return ""
			}
			return fmt.Sprintf("shape %v, h5py %v", vs, shape)
		}
		for i, s := range v.Str {
			if e.Values[i] != s {
				return fmt.Sprintf("string %d is %q, h5py %q", i, s, e.Values[i])
			}
		}
		return ""
	}
	if v.DType == "string" && len(v.Str) == 0 && len(e.nums) == 0 {
		return "" // empty edges stored as float64 (0,)
	}
	if v.DType != e.DType {
		return fmt.Sprintf("dtype %s, h5py %s", v.DType, e.DType)
	}
	if !slices.Equal(vs, shape) {
		return fmt.Sprintf("shape %v, h5py %v", vs, shape)
	}
	if len(v.Num) != len(e.nums) {
		return fmt.Sprintf("%d numbers, h5py %d", len(v.Num), len(e.nums))
	}
	for i, x := range v.Num {
		if x != e.nums[i] {
			return fmt.Sprintf("element %d is %v, h5py %v", i, x, e.nums[i])
		}
	}
	return ""
}

// TestReadAgainstH5py reads every sample file and checks that the Graph
// holds exactly the datasets h5py reads from it (an oracle outside the Go
// HDF5 library): every node, type, edge, field and metadata entry with its
// dtype, shape and values bit for bit, nothing missing and nothing extra.
func TestReadAgainstH5py(t *testing.T) {
	requireH5py(t)
	for _, file := range sampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			g, err := Read(file)
			if err != nil {
				t.Fatal(err)
			}
			ref := h5py(t, file)
			got := flattenGraph(g)
			for p, e := range ref {
				if e.Kind == "group" {
					continue
				}
				v, ok := got[p]
				if !ok {
					t.Errorf("%s: read nothing for it", p)
					continue
				}
				if d := sameAsH5py(v, e); d != "" {
					t.Errorf("%s: %s", p, d)
				}
			}
			for p := range got {
				if e, ok := ref[p]; !ok || e.Kind == "group" {
					t.Errorf("%s: read, but h5py finds no such dataset", p)
				}
			}
		})
	}
}

// TestReadDetails pins what the importer relies on in particular files.
func TestReadDetails(t *testing.T) {
	read := func(name string) *Graph {
		t.Helper()
		g, err := Read(filepath.Join(testdata, name))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := read("conv1d_same.nir")
	if p := g.Node("conv1d").Fields["padding"]; p.String() != "same" || !p.Scalar() {
		t.Errorf("conv1d_same padding: %+v, want the 0-d string \"same\"", p)
	}
	g = read("empty_edges.nir")
	if len(g.Edges) != 0 || g.Node("b1").Graph == nil || len(g.Node("b1").Graph.Edges) != 3 {
		t.Errorf("empty_edges: top edges %v, want none, and b1 a nested graph of 3 edges", g.Edges)
	}
	g = read("braille_noDelay_bias_zero.nir")
	if n := g.Node("lif1.lif"); n == nil || n.Type != "CubaLIF" {
		t.Errorf("braille: no CubaLIF node named literally lif1.lif")
	}
	g = read("all_nodes_gzip.nir")
	if w := g.Node("conv").Fields["weight"]; w.DType != "float32" || !slices.Equal(w.Shape, []int{4, 2, 3, 3}) {
		t.Errorf("all_nodes_gzip conv weight: %s %v, want float32 [4 2 3 3]", w.DType, w.Shape)
	}
	if d := g.Metadata["dt"]; d == nil || d.Num[0] != 0.001 || g.Node("lif").Metadata["source"].String() != "snnc" {
		t.Errorf("all_nodes_gzip metadata: graph %v, lif %v", g.Metadata, g.Node("lif").Metadata)
	}
	if sub := g.Node("sub"); sub.Type != "NIRGraph" || sub.Graph.Node("d").Type != "Delay" {
		t.Errorf("all_nodes_gzip: sub is not a nested graph holding Delay d")
	}
}

// TestReadErrors: a file that is not NIR is an error naming the file (and the
// node and field at fault), never a panic.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	encode := func(root *h5.Group) []byte {
		b, err := h5.Encode(root)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good, err := os.ReadFile(filepath.Join(testdata, "lif_norse.nir"))
	if err != nil {
		t.Fatal(err)
	}

	notNIR := h5.NewGroup()
	notNIR.Numbers("x", h5.Float64, []int{1}, []float64{1})

	noType := h5.NewGroup()
	n := noType.Group("node")
	n.Strings("type", nil, []string{"NIRGraph"})
	n.Group("nodes").Group("lif1").Numbers("tau", h5.Float64, []int{1}, []float64{1})

	badEdges := h5.NewGroup()
	n = badEdges.Group("node")
	n.Strings("type", nil, []string{"NIRGraph"})
	n.Group("nodes")
	n.Strings("edges", []int{3}, []string{"a", "b", "c"})

	for _, c := range []struct {
		name string
		data []byte
		want []string
	}{
		{"text.nir", []byte("graph: not hdf5\n"), []string{"text.nir", "not HDF5"}},
		{"empty.nir", nil, []string{"empty.nir", "not HDF5"}},
		{"truncated.nir", good[:2000], []string{"truncated.nir"}},
		{"plain.h5", encode(notNIR), []string{"plain.h5", "no /node group"}},
		{"notype.nir", encode(noType), []string{"notype.nir", "node lif1", "field type", "missing"}},
		{"badedges.nir", encode(badEdges), []string{"badedges.nir", "field edges", "shape (E, 2)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(write(c.name, c.data))
			if err == nil {
				t.Fatalf("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "absent.nir")); err == nil || !strings.Contains(err.Error(), "absent.nir") {
		t.Errorf("a missing file: %v", err)
	}
}

// TestReadH5pyVariants reads files h5py writes in ways NIR's writers do
// not, but a hand-made file may: fixed-length strings, int32, attributes on
// a node group, unsigned integers; and refuses the datatypes NIR has no use
// for, naming the node and field.
func TestReadH5pyVariants(t *testing.T) {
	requireH5py(t)
	dir := t.TempDir()
	script := `
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/fixed.nir", "w") as f:
    f.create_dataset("version", data=np.bytes_("1.0.0"))
    n = f.create_group("node")
    n.create_dataset("type", data=np.bytes_("NIRGraph"))
    n.create_dataset("edges", data=np.array([[b"in", b"lif"], [b"lif", b"out"]], dtype="S3"))
    ns = n.create_group("nodes")
    a = ns.create_group("in")
    a.create_dataset("type", data=np.bytes_("Input"))
    a.create_dataset("shape", data=np.array([2], dtype=np.int32))
    a.attrs["note"] = "made by hand"
    a.attrs["gain"] = np.array([1.5, -2.0])
    a.attrs["k"] = np.int64(-7)
    b = ns.create_group("lif")
    b.create_dataset("type", data=np.bytes_("LIF"))
    b.create_dataset("tau", data=np.array([0.25, 2.0], dtype=np.float32))
    c = ns.create_group("out")
    c.create_dataset("type", data=np.bytes_("Output"))
    c.create_dataset("shape", data=np.array([2]))
for name, val in (("bool", np.array([True, False])), ("uint", np.array([1], dtype=np.uint64)), ("int8", np.array([1], dtype=np.int8))):
    with h5py.File(d + "/" + name + ".nir", "w") as f:
        n = f.create_group("node")
        n.create_dataset("type", data="NIRGraph")
        x = n.create_group("nodes").create_group("x")
        x.create_dataset("type", data="LIF")
        x.create_dataset("flag", data=val)
`
	if out, err := exec.Command(python, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("making the files: %v\n%s", err, out)
	}
	g, err := Read(filepath.Join(dir, "fixed.nir"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Version != "1.0.0" || !slices.Equal(g.Edges, []Edge{{"in", "lif"}, {"lif", "out"}}) {
		t.Errorf("version %q, edges %v", g.Version, g.Edges)
	}
	in := g.Node("in")
	for field, want := range map[string]*Value{
		"shape": {DType: "int32", Shape: []int{1}, Num: []float64{2}},
		"note":  {DType: "string", Shape: []int{}, Str: []string{"made by hand"}},
		"gain":  {DType: "float64", Shape: []int{2}, Num: []float64{1.5, -2}},
		"k":     {DType: "int64", Shape: []int{}, Num: []float64{-7}},
	} {
		if got := in.Fields[field]; !reflect.DeepEqual(got, want) {
			t.Errorf("in.%s = %+v, want %+v", field, got, want)
		}
	}
	if tau := g.Node("lif").Fields["tau"]; tau.DType != "float32" || !slices.Equal(tau.Num, []float64{0.25, 2}) {
		t.Errorf("lif.tau = %+v", tau)
	}
	// An unsigned array reads as its values, labelled by size: the library
	// exposes no signedness of a dataset (spec/nir.md says so).
	if u, err := Read(filepath.Join(dir, "uint.nir")); err != nil || !reflect.DeepEqual(u.Node("x").Fields["flag"], &Value{DType: "int64", Shape: []int{1}, Num: []float64{1}}) {
		t.Errorf("uint.nir: %v", err)
	}
	for _, name := range []string{"bool", "int8"} {
		_, err := Read(filepath.Join(dir, name+".nir"))
		if err == nil || !strings.Contains(err.Error(), "node x: field flag: unsupported HDF5 datatype") {
			t.Errorf("%s.nir: %v, want an unsupported datatype error at node x, field flag", name, err)
		}
	}
}

// TestReadCorrupt: a corrupt file is an error or a graph, quickly, never a
// crash. The two regression cases once made scigolib/hdf5 allocate what a
// corrupt size claimed (a fatal out-of-memory): a local heap's data
// segment size, and the dataspace of the variable-length edges.
func TestReadCorrupt(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testdata, "lif_norse.nir"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	read := func(off int, x byte) (time.Duration, error) {
		b := append([]byte{}, data...)
		b[off] ^= x
		p := filepath.Join(dir, fmt.Sprintf("c%d_%d.nir", off, x))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err := Read(p)
		return time.Since(start), err
	}
	for _, c := range []struct {
		off int
		x   byte
	}{{7435, 0xff}, {15499, 0x80}} {
		if _, err := read(c.off, c.x); err == nil || !strings.Contains(err.Error(), "malformed HDF5") {
			t.Errorf("byte %d ^ %#x: %v, want a malformed-HDF5 error", c.off, c.x, err)
		}
	}
	// A sweep over the whole file; a generous second per read, where a
	// sound read takes milliseconds, keeps a loaded machine from failing it.
	for off := 8; off < len(data); off += 97 {
		for _, x := range []byte{0xff, 0x80, 0x01} {
			if d, _ := read(off, x); d > time.Second {
				t.Errorf("byte %d ^ %#x: Read took %v", off, x, d)
			}
		}
	}
}
