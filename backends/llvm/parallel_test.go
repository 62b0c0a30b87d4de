package llvm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// parallelModel has projections that parallelOnPre tells apart.
const parallelModel = `
neuron N {
    param tau: ms = 10 ms
    param v_r: mV = -60 mV
    state v: mV = -60 mV
    state g: mV = 0 mV
    dv/dt = (g - (v - v_r)) / tau
    dg/dt = -g / tau
    threshold v > -50 mV
    reset { v = v_r }
    method exact
}
synapse Plain { param w: mV = 1 mV  on pre { post.g += w } }
synapse ReadsPre { param w: mV = 1 mV  on pre { post.g += w + 0.1 * (pre.v - pre.v_r) } }
synapse ReadsPreParam { param w: mV = 1 mV  on pre { post.g += w + 0.1 * pre.v_r } }
population exc = N[100]
population inh = N[50]
connect plain: exc -> exc using Plain by fixed_probability(0.1)
connect reads_pre: exc -> inh using ReadsPre by fixed_probability(0.1)
connect reads_pre_param: exc -> inh using ReadsPreParam by fixed_probability(0.1)
connect plain_ie: inh -> exc using Plain by fixed_probability(0.1)
run { duration = 10 ms  dt = 0.1 ms }
`

// A projection's on_pre runs split among threads only when no other
// thread can be writing what it reads: never the pre neuron's state,
// which a fused step updates on another thread and other projections'
// deliveries write as their post neuron (here plain's onto exc).
func TestParallelOnPre(t *testing.T) {
	src := filepath.Join(t.TempDir(), "parallel.snn")
	require.NoError(t, os.WriteFile(src, []byte(parallelModel), 0o644))
	m := compileFile(t, src)
	l := newLayout(m)
	want := map[string]bool{
		"plain":           true,
		"reads_pre":       false, // pre.v: another thread's part updates or delivers onto exc
		"reads_pre_param": true,  // a parameter: no kernel writes it during a step
		"plain_ie":        true,
	}
	seen := map[string]bool{}
	for _, pr := range m.Projections {
		if ir.KernelNamed(pr.Kernels, "on_pre") == nil {
			continue // a part of a merged projection, which delivers it
		}
		for name, par := range want {
			if pr.Name == name || pr.PartOf == nil && containsPart(m, pr, name) {
				require.Equal(t, par, parallelOnPre(pr, l), "%s (delivered by %s)", name, pr.Name)
				seen[name] = true
			}
		}
	}
	require.Len(t, seen, len(want), "projections checked")
}

// containsPart says whether projection part is delivered by merged.
func containsPart(m *ir.Module, merged *ir.Projection, part string) bool {
	for _, pr := range m.Projections {
		if pr.Name == part && pr.PartOf == merged {
			return true
		}
	}
	return false
}
