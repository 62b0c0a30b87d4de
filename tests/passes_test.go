package tests

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
)

// exactPasses are the optional passes that must not change a result: a
// run without one writes the same bytes as a run with every pass.
// specialize is not among them: the constants it makes decide whether the
// ode pass computes a propagator at compile time or in a prepare kernel at
// run time (spec/ir.md), two computations of the same number that round
// differently. fold is: the ode pass evaluates constant subexpressions as
// fold does (TestFoldKeepsODEResults).
var exactPasses = []string{"fold", "fuse", "cse", "dce"}

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
			duration := min(m.Run.Duration, goldenDurationOf(name))
			want := outputBytes(t, m, run(t, m, interp.Options{Duration: duration}))
			for _, pass := range exactPasses {
				vm := compileWith(t, f, without(pass))
				got := outputBytes(t, vm, run(t, vm, interp.Options{Duration: duration}))
				require.Equal(t, len(want), len(got))
				for file, data := range want {
					require.True(t, slices.Equal(data, got[file]), "%s differs without %s", file, pass)
				}
			}
		})
	}
}

// TestFoldKeepsODEResults: without fold, the literals of an equation
// (-70 mV is neg 0.07 after lowering, -2 mV / 100 pF a quotient of
// constants) reach the ode pass unevaluated; it must still take them for
// constants and make the propagator it makes with fold, not a prepare
// kernel that rounds differently.
func TestFoldKeepsODEResults(t *testing.T) {
	const src = `
neuron N {
    state v = -60 mV
    state g = 1 nS
    dg/dt = -g / (5 ms)
    dv/dt = (-70 mV - v) / (10 ms) + g * (-2 mV) / (100 pF)
}
population p = N[1]
monitor state p.v
run {
    duration = 10 ms
    dt = 0.1 ms
}
`
	m := compileSource(t, "fold.snn", src)
	want := outputBytes(t, m, run(t, m, interp.Options{}))
	vm := compileSourceWith(t, "fold.snn", src, without("fold"))
	for _, k := range vm.Populations[0].Kernels {
		require.NotEqual(t, "prepare", k.Name, "without fold, the constant propagator became a prepare kernel")
	}
	requireSameFiles(t, want, outputBytes(t, vm, run(t, vm, interp.Options{})), "without fold")
}
