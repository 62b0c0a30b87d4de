package nir

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestWriteSamples writes every sample file anew with Write (through the
// hand-written HDF5 writer) and checks the new file four ways:
//
//	(a) Read gives back a Graph equal to the one read from the sample;
//	(b) h5py reads the same datasets as from the sample: dtypes (strings
//	    variable-length as the reference writer makes them), shapes and
//	    values bit for bit, and the same groups;
//	(c) h5dump accepts it (exit 0, no error) and lists every node group and
//	    the type datasets;
//	(d) check_layout.py, the reference reader's expectations, gives the same
//	    verdict as on the sample: accepted, except lif_rockpool whose Output
//	    shape fails the type check.
func TestWriteSamples(t *testing.T) {
	requireH5py(t)
	requireH5dump(t)
	dir := t.TempDir()
	for _, file := range sampleFiles(t) {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			g, err := Read(file)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, name)
			if err := Write(out, g); err != nil {
				t.Fatal(err)
			}

			back, err := Read(out)
			if err != nil {
				t.Fatalf("(a) reading the written file: %v", err)
			}
			if !reflect.DeepEqual(back, g) {
				t.Errorf("(a) read back differs:\n got %s\nwant %s", describe(back), describe(g))
			}

			ref, got := h5py(t, file), h5py(t, out)
			for p, e := range ref {
				w, ok := got[p]
				if !ok {
					t.Errorf("(b) %s: missing from the written file", p)
					continue
				}
				if !reflect.DeepEqual(w, e) {
					t.Errorf("(b) %s: h5py reads %+v, from the sample %+v", p, *w, *e)
				}
			}
			for p := range got {
				if _, ok := ref[p]; !ok {
					t.Errorf("(b) %s: in the written file, not in the sample", p)
				}
			}

			dump, err := exec.Command("h5dump", out).CombinedOutput()
			if err != nil || strings.Contains(strings.ToLower(string(dump)), "error") {
				t.Errorf("(c) h5dump: %v\n%s", err, firstLines(string(dump), 20))
			}
			for _, n := range g.Nodes {
				if !strings.Contains(string(dump), "GROUP \""+n.Name+"\"") {
					t.Errorf("(c) h5dump lists no group %q", n.Name)
				}
			}
			if !strings.Contains(string(dump), `DATASET "version"`) || !strings.Contains(string(dump), `"NIRGraph"`) {
				t.Errorf("(c) h5dump shows no version or NIRGraph type")
			}

			want := checkLayout(file)
			if got := checkLayout(out); (got == "") != (want == "") {
				t.Errorf("(d) check_layout.py: written file %q, sample %q", got, want)
			}
			if (want != "") != (name == "lif_rockpool_typecheck_off.nir") {
				t.Errorf("(d) check_layout.py on the sample: %q", want)
			}
		})
	}
}

// checkLayout runs check_layout.py on file: "" when it accepts it, else its
// reasons.
func checkLayout(file string) string {
	out, err := exec.Command(python, filepath.Join(testdata, "check_layout.py"), file).CombinedOutput()
	if err == nil {
		return ""
	}
	return strings.TrimSpace(string(out)) + " (" + err.Error() + ")"
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func describe(g *Graph) string {
	var b strings.Builder
	for p, v := range flattenGraph(g) {
		b.WriteString(p + ":" + v.DType + " ")
	}
	return b.String()
}

// TestCheckLayoutRejects: check_layout.py, which the export tests trust,
// refuses each way a file can break the reference reader's expectations,
// naming the node and field.
func TestCheckLayoutRejects(t *testing.T) {
	requireH5py(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		mutate func(g *Graph)
		want   string
	}{
		{"missing field", func(g *Graph) { delete(g.Node("1").Fields, "tau") }, "nodes/1: LIF needs field `tau`"},
		{"extra field", func(g *Graph) { g.Node("1").Fields["tau_syn"] = g.Node("1").Fields["tau"] }, "LIF takes no field `tau_syn`"},
		{"int weight", func(g *Graph) { g.Node("0").Fields["weight"] = Float64s("int64", []int{1, 1}, []float64{1}) }, "nodes/0/weight: dtype int64, want float"},
		{"unknown type", func(g *Graph) { g.Node("1").Type = "Izhikevich" }, "unknown node type 'Izhikevich'"},
		{"dangling edge", func(g *Graph) { g.Edges = append(g.Edges, Edge{"1", "nowhere"}) }, "no node 'nowhere'"},
		{"shapes", func(g *Graph) { g.Node("output").Fields["shape"] = Float64s("int64", []int{1}, []float64{2}) }, "type check: edge '1' -> 'output'"},
		{"unchanged (accepted)", func(g *Graph) {}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := Read(filepath.Join(testdata, "lif_norse.nir"))
			if err != nil {
				t.Fatal(err)
			}
			c.mutate(g)
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".nir")
			if err := Write(out, g); err != nil {
				t.Fatal(err)
			}
			got := checkLayout(out)
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("check_layout.py says %q, want %q", got, c.want)
			}
		})
	}
}
