package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"snnc/backends/llvm"
	"snnc/lang/nir"
	"snnc/runtime/npy"
)

// TestImportCommand: snnc import writes a model that checks and runs, with
// its data files beside it; snnc run of the .nir runs the same; a missing
// --dt, an unknown convention and an unsupported node are refused.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	lif := "../../tests/testdata/nir/lif_norse.nir"
	frames := filepath.Join(dir, "frames.npy")
	data := make([]float64, 30)
	for k := 0; k < 30; k += 3 {
		data[k] = 1
	}
	if err := npy.WriteFloat64File(frames, []int{30, 1}, data); err != nil {
		t.Fatal(err)
	}
	// A graph with a node type snnc cannot express (every sample file
	// imports).
	bad := filepath.Join(dir, "bad.nir")
	g := &nir.Graph{
		Nodes: []*nir.Node{
			{Name: "in", Type: "Input", Fields: map[string]*nir.Value{"shape": nir.Float64s("int64", []int{1}, []float64{1})}},
			{Name: "sp", Type: "Spline", Fields: map[string]*nir.Value{}},
		},
		Edges: []nir.Edge{{From: "in", To: "sp"}},
	}
	if err := nir.Write(bad, g); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"import", lif, "--dt", "1ms", "-o", filepath.Join(dir, "m", "lif.snn"), "--input", frames}, exitOK, "wrote " + filepath.Join(dir, "m", "lif.snn"), ""},
		{[]string{"check", filepath.Join(dir, "m", "lif.snn")}, exitOK, "ok (1 populations, 1 neurons, 1 inputs", ""},
		{[]string{"run", lif, "--dt", "1ms", "--input", frames, "--out", filepath.Join(dir, "out"), "-q"}, exitOK, "", ""},
		{[]string{"run", lif}, exitUsage, "", "--dt is required"},
		{[]string{"import", lif, "--dt", "1ms", "--convention", "brian"}, exitUsage, "", "--convention brian"},
		{[]string{"import", lif, "--dt", "1mV"}, exitUsage, "", "--dt 1mV: a positive time"},
		{[]string{"import", bad, "--dt", "1ms", "-o", filepath.Join(dir, "x.snn")}, exitModel, "", "node sp: NIR type Spline is not supported"},
		{[]string{"help", "import"}, exitOK, "NIR is continuous time and stores no dt", ""},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("snnc %v: exit %d, want %d\nstdout: %s\nstderr: %s", c.args, code, c.code, stdout.String(), stderr.String())
		}
	}
	if len(llvm.MissingTools()) == 0 {
		// snnc build of a .nir: the executable runs from anywhere, its
		// data files staying in the cache.
		exe := filepath.Join(dir, "lifexe")
		var stdout, stderr bytes.Buffer
		if code := run([]string{"build", lif, "--dt", "1ms", "--input", frames, "-o", exe}, &stdout, &stderr); code != exitOK {
			t.Fatalf("snnc build of a .nir: exit %d: %s", code, stderr.String())
		}
		out, err := exec.Command(exe, "-q", "--out", filepath.Join(dir, "exe.out")).CombinedOutput()
		if err != nil {
			t.Fatalf("the built executable: %v: %s", err, out)
		}
		a, err := os.ReadFile(filepath.Join(dir, "exe.out", "n_1_spikes.t.npy"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "out", "n_1_spikes.t.npy"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("the executable built from the .nir and snnc run of it record different spike times")
		}
	}
	// The run's spikes are the imported model's: the input's 10 spikes
	// drive the neuron (spikes recorded).
	if _, err := os.Stat(filepath.Join(dir, "out", "n_1_spikes.t.npy")); err != nil {
		t.Errorf("snnc run of the .nir wrote no spike recording: %v", err)
	}
}
