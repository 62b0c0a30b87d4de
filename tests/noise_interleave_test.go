package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
)

// TestNoiseLoopInterleaved checks that the loop drawing a step's white
// noise (the prefill loop, backends/llvm's prefillNoise) asks for
// vectors of 16 blocks, two interleaved (backends/llvm/normal.go,
// noiseWidth and noiseInterleave: the cost model would take 8, half a
// vector of the draws' floats, and a draw's chain of dependent
// instructions is longer than the processor overlaps) and that opt
// honours it, the step's element loop beside it vectorised too, while the
// same model without the noise term leaves the choice to opt's cost
// model.
func TestNoiseLoopInterleaved(t *testing.T) {
	requireNativeTools(t)
	src, err := os.ReadFile("../examples/brunel_hakim1999.snn")
	require.NoError(t, err)
	const term = " + sigma_ext * sqrt(tau) * xi"
	require.Contains(t, string(src), term)
	for _, c := range []struct {
		name  string
		src   string
		loops int // loops with llvm.loop metadata
	}{
		{"noise", string(src), 1},
		{"no_noise", strings.Replace(string(src), term, "", 1), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bh.snn")
			require.NoError(t, os.WriteFile(path, []byte(c.src), 0o644))
			var o driver.Options
			o.Verify = true
			prog, m, err := driver.CompileFile(path, o)
			require.NoError(t, err)
			p, err := llvm.Emit(m, driver.LLVMOptions(prog))
			require.NoError(t, err)
			require.Equal(t, c.loops, strings.Count(p.LL, "!llvm.loop !"), "back edges with loop metadata")
			if c.loops == 0 {
				return
			}
			ll, remarks := filepath.Join(dir, "kernels.ll"), filepath.Join(dir, "remarks.yaml")
			require.NoError(t, os.WriteFile(ll, []byte(p.LL), 0o644))
			args := vectorizeArgs("-pass-remarks-output="+remarks, "-pass-remarks-filter=loop-vectorize")
			out, err := exec.Command("opt", append(args, ll, "-o", filepath.Join(dir, "kernels.bc"))...).CombinedOutput()
			require.NoError(t, err, "opt: %s", out)
			var loops, interleaved int
			for _, r := range readRemarks(t, remarks) {
				if r.name == "Vectorized" && strings.HasSuffix(r.function, "_cells_step") {
					loops++
					if strings.Contains(r.message, "vectorization width: 16, interleaved count: 2") {
						interleaved++
					}
				}
			}
			require.Equal(t, 2, loops, "cells_step's vectorised loops (prefill and elements)")
			require.Equal(t, 1, interleaved, "cells_step's loops of 16 lanes interleaved by 2 (the prefill)")
		})
	}
}
