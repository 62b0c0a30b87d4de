package fpga

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/rng"
)

// rtl/snn_philox.v computes runtime/rng's Philox4x32-10 blocks.
func TestPhilox(t *testing.T) {
	if _, err := exec.LookPath("iverilog"); err != nil {
		t.Skip("iverilog is not installed (Debian package iverilog; make test installs it)")
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	const n = 64
	var tb strings.Builder
	tb.WriteString("module tb;\n  reg clk = 0, rst = 1, start = 0;\n  reg [127:0] c;\n  reg [63:0] k;\n  wire [127:0] out;\n  wire done, busy;\n")
	tb.WriteString("  snn_philox p(.clk(clk), .rst(rst), .start(start), .counter(c), .key(k), .out(out), .done(done), .busy(busy));\n")
	tb.WriteString("  always #1 clk = !clk;\n  initial begin\n    @(posedge clk) rst <= 0;\n")
	var want []string
	for range n {
		var c [4]uint32
		for i := range c {
			c[i] = rnd.Uint32()
		}
		key := [2]uint32{rnd.Uint32(), rnd.Uint32()}
		fmt.Fprintf(&tb, "    @(posedge clk) begin c <= 128'h%08x%08x%08x%08x; k <= 64'h%08x%08x; start <= 1; end\n", c[3], c[2], c[1], c[0], key[1], key[0])
		tb.WriteString("    @(posedge clk) start <= 0;\n    @(posedge done) #0 $display(\"%h\", out);\n")
		o := rng.Philox(c, key)
		want = append(want, fmt.Sprintf("%08x%08x%08x%08x", o[3], o[2], o[1], o[0]))
	}
	tb.WriteString("    $finish;\n  end\nendmodule\n")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tb.v"), []byte(tb.String()), 0o644))
	sim := filepath.Join(dir, "sim")
	out, err := exec.Command("iverilog", "-g2005", "-o", sim, filepath.Join(dir, "tb.v"), "rtl/snn_philox.v").CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command("vvp", "-n", sim).Output()
	require.NoError(t, err)
	got := strings.Fields(string(out))
	require.Equal(t, want, got[:min(len(got), n)])
}
