package h5

import (
	"os"
	"os/exec"
	"path/filepath"
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

func TestH5dumpSmoke(t *testing.T) {
	root := NewGroup()
	root.Strings("version", nil, []string{"1.0.6"})
	n := root.Group("node")
	n.Strings("type", nil, []string{"NIRGraph"})
	n.Strings("edges", []int{2, 2}, []string{"a", "b", "b", ""})
	n.Numbers("w", Float32, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6.5})
	n.Numbers("i", Int64, nil, []float64{-3})
	n.Numbers("e", Float64, []int{0}, nil)
	p := filepath.Join(t.TempDir(), "x.h5")
	if err := WriteFile(p, root); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("h5dump", p).CombinedOutput()
	t.Logf("%s", out)
	if err != nil || strings.Contains(string(out), "error") {
		t.Fatal(err)
	}
	_ = os.Remove
}
