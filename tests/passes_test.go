package tests

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
	"snnc/passes"
)

// exactPasses are the optional passes that must not change a result: a
// run without one writes the same bytes as a run with every pass.
// specialize and fold are not among them: the constants they make decide
// whether the ode pass computes a propagator at compile time (gonum's
// matrix exponential) or in a prepare kernel at run time (spec/ir.md),
// two computations of the same number that round differently.
var exactPasses = []string{"fuse", "cse", "dce"}

// TestPassesKeepResults runs every example on the interpreter with all
// passes and with each of exactPasses disabled in turn, and compares every
// output file byte for byte.
func TestPassesKeepResults(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		t.Run(name, func(t *testing.T) {
			m := compileFile(t, f)
			duration := min(m.Run.Duration, goldenDuration)
			want := outputBytes(t, m, run(t, m, interp.Options{Duration: duration}))
			for _, pass := range exactPasses {
				vm := compileWith(t, f, passes.Options{Verify: true, Disable: []string{pass}})
				got := outputBytes(t, vm, run(t, vm, interp.Options{Duration: duration}))
				require.Equal(t, len(want), len(got))
				for file, data := range want {
					require.True(t, slices.Equal(data, got[file]), "%s differs without %s", file, pass)
				}
			}
		})
	}
}
