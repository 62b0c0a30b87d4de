package h5

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The reference values are those printed by lookup3.c's driver (driver5):
// hashlittle("", 0) and hashlittle("Four score and seven years ago", 0).
func TestLookup3(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint32
	}{
		{"", 0xdeadbeef},
		{"Four score and seven years ago", 0x17770551},
	} {
		if got := lookup3([]byte(c.in)); got != c.want {
			t.Errorf("lookup3(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

// requireTool skips when a tool is missing, except in CI, where
// tests/install-deps.sh installs it.
func requireTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := exec.Command(name, args...).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s %v: %v: tests/install-deps.sh should have installed it", name, args, err)
		}
		t.Skipf("%s unusable (%v); Debian: apt-get install hdf5-tools python3-h5py", name, err)
	}
}

type entry struct {
	Kind   string `json:"kind"`
	DType  string `json:"dtype"`
	VLen   bool   `json:"vlen"`
	Shape  []int  `json:"shape"`
	Values []any  `json:"values"`
}

// TestWriteAgainstH5py writes every kind, scalar and arrays of several
// ranks, empty arrays, strings empty, non-ASCII and long enough to need a
// heap larger than the minimum, a name over 255 bytes and nested groups, and
// checks h5py's reading of each dataset and h5dump's acceptance.
func TestWriteAgainstH5py(t *testing.T) {
	requireTool(t, "/usr/bin/python3", "-c", "import h5py")
	requireTool(t, "h5dump", "--version")
	long := strings.Repeat("n", 300)
	big := strings.Repeat("x", 5000)
	root := NewGroup()
	g := root.Group("a").Group("b")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(root.Strings("s0", nil, []string{"héllo ∑"}))
	must(g.Strings("s2", []int{2, 2}, []string{"", "b", big, "b"}))
	must(g.Numbers("f32", Float32, []int{2, 3}, []float64{1, -2.5, 3, 1e-40, math.MaxFloat32, 0.1}))
	must(g.Numbers("f64", Float64, []int{2, 1, 2}, []float64{0.1, -0, 1e308, 5e-324}))
	must(g.Numbers("i64", Int64, nil, []float64{-9007199254740992}))
	must(g.Numbers("i32", Int32, []int{3}, []float64{-2147483648, 0, 2147483647}))
	must(g.Numbers("empty", Float64, []int{0}, nil))
	must(g.Numbers("empty2", Int64, []int{0, 2}, nil))
	must(root.Numbers(long, Float64, nil, []float64{2}))
	root.Group("emptygroup")

	p := filepath.Join(t.TempDir(), "x.h5")
	must(WriteFile(p, root))
	out, err := exec.Command("/usr/bin/python3", "../../../tests/testdata/nir/h5json.py", p).Output()
	must(err)
	var got map[string]*entry
	must(json.Unmarshal(out, &got))
	f32 := func(x float64) any { return float64(float32(x)) }
	want := map[string]*entry{
		"s0":         {DType: "string", VLen: true, Shape: []int{}, Values: []any{"héllo ∑"}},
		"a":          {Kind: "group"},
		"a/b":        {Kind: "group"},
		"emptygroup": {Kind: "group"},
		"a/b/s2":     {DType: "string", VLen: true, Shape: []int{2, 2}, Values: []any{"", "b", big, "b"}},
		"a/b/f32":    {DType: "float32", Shape: []int{2, 3}, Values: []any{1.0, -2.5, 3.0, f32(1e-40), math.MaxFloat32, f32(0.1)}},
		"a/b/f64":    {DType: "float64", Shape: []int{2, 1, 2}, Values: []any{0.1, 0.0, 1e308, 5e-324}},
		"a/b/i64":    {DType: "int64", Shape: []int{}, Values: []any{-9007199254740992.0}},
		"a/b/i32":    {DType: "int32", Shape: []int{3}, Values: []any{-2147483648.0, 0.0, 2147483647.0}},
		"a/b/empty":  {DType: "float64", Shape: []int{0}, Values: []any{}},
		"a/b/empty2": {DType: "int64", Shape: []int{0, 2}, Values: []any{}},
		long:         {DType: "float64", Shape: []int{}, Values: []any{2.0}},
	}
	for k, w := range want {
		gk := got[k]
		if gk == nil {
			t.Errorf("%s: h5py finds nothing", k)
			continue
		}
		if gk.Values == nil && w.Values != nil {
			gk.Values = []any{}
		}
		if !reflect.DeepEqual(gk, w) {
			t.Errorf("%s: h5py reads %+v, want %+v", k, *gk, *w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("h5py finds %d objects, want %d", len(got), len(want))
	}
	dump, err := exec.Command("h5dump", p).CombinedOutput()
	if err != nil || strings.Contains(string(dump), "rror") {
		t.Errorf("h5dump: %v\n%.2000s", err, dump)
	}
}

func TestNumbersRejects(t *testing.T) {
	g := NewGroup()
	for _, c := range []struct {
		kind  Kind
		shape []int
		num   []float64
	}{
		{Int64, []int{1}, []float64{0.5}},
		{Int32, []int{1}, []float64{1 << 31}},
		{Int64, []int{1}, []float64{1 << 63}},
		{Float64, []int{2}, []float64{1}},
		{Float64, []int{-1}, nil},
	} {
		if err := g.Numbers("x", c.kind, c.shape, c.num); err == nil {
			t.Errorf("Numbers(%v, %v, %v) accepted", c.kind, c.shape, c.num)
		}
	}
	if err := g.Strings("a/b", nil, []string{""}); err == nil {
		t.Errorf("a name with '/' accepted")
	}
}
