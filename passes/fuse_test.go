package passes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// An adaptive neuron: update, threshold, reset (of v and of w, which it
// reads) and refractory become one step kernel, each variable loaded once
// and stored once, the reset's stores kept only for spiking neurons.
func TestFuse(t *testing.T) {
	src := module(`  param v_r : f64 = 0.0
  state v : f64
  state w : f64
`, `  kernel update {
  b0:
    %0 = load v : f64
    %1 = load w : f64
    %2 = sub %0, %1 : f64
    %3 = refractory : bool
    %4 = select %3, %0, %2 : f64
    store v, %4
    %5 = const 0.5 : f64
    %6 = mul %1, %5 : f64
    store w, %6
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
  kernel reset {
  b0:
    %0 = param v_r : f64
    store v, %0
    %1 = load w : f64
    %2 = const 0.1 : f64
    %3 = add %1, %2 : f64
    store w, %3
    ret
  }
  kernel refractory : f64 {
  b0:
    %0 = const 0.002 : f64
    ret %0
  }
`)
	got := runPass(t, Fuse, src)
	for _, gone := range []string{"update", "threshold", "reset", "refractory : f64"} {
		assert.NotContains(t, got, "kernel "+gone+" ")
	}
	assert.Equal(t, `  kernel step : bool {
    note "fused: update, threshold, reset, refractory"
  b0:
    %0 = load v : f64
    %1 = load w : f64
    %2 = sub %0, %1 : f64
    %3 = refractory : bool
    %4 = select %3, %0, %2 : f64
    %5 = const 0.5 : f64
    %6 = mul %1, %5 : f64
    %7 = const 1.0 : f64
    %8 = gt %4, %7 : bool
    %9 = refractory : bool
    %10 = not %9 : bool
    %11 = and %8, %10 : bool
    %12 = param v_r : f64
    %13 = select %11, %12, %4 : f64
    store v, %13
    %14 = const 0.1 : f64
    %15 = add %6, %14 : f64
    %16 = select %11, %15, %6 : f64
    store w, %16
    %17 = const 0.002 : f64
    startref %11, %17
    ret %11
  }
`, kernelText(t, got, "step"))
}

// Without reset and refractory the step kernel is update and threshold.
func TestFuseNoReset(t *testing.T) {
	src := module("  state v : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 2.0 : f64
    %2 = mul %0, %1 : f64
    store v, %2
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
`)
	assert.Equal(t, `  kernel step : bool {
    note "fused: update, threshold"
  b0:
    %0 = load v : f64
    %1 = const 2.0 : f64
    %2 = mul %0, %1 : f64
    store v, %2
    %3 = const 1.0 : f64
    %4 = gt %2, %3 : bool
    %5 = refractory : bool
    %6 = not %5 : bool
    %7 = and %4, %6 : bool
    ret %7
  }
`, kernelText(t, runPass(t, Fuse, src), "step"))
}

// Populations whose kernels cannot be fused keep them, and fuseBlocker
// says why.
func TestFuseBlocked(t *testing.T) {
	threshold := `  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
`
	for _, c := range []struct{ name, vars, kernels, why string }{
		{"branching update", "  state v : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.0 : f64
    %2 = gt %0, %1 : bool
    condbr %2, b1(), b2()
  b1:
    store v, %1
    ret
  b2:
    ret
  }
` + threshold, "its update kernel branches"},
		{"no threshold", "  state v : f64\n", `  kernel update {
  b0:
    %0 = const 0.0 : f64
    store v, %0
    ret
  }
`, "it has no threshold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ir.Parse(module(c.vars, c.kernels))
			require.NoError(t, err)
			before := m.String()
			assert.Equal(t, c.why, fuseBlocker(m.Populations[0]))
			require.NoError(t, Fuse(m))
			assert.Equal(t, before, m.String())
		})
	}
}

// forwardMemory: loads after loads and stores become values, and only the
// last store of a variable stays.
func TestForwardMemory(t *testing.T) {
	m, err := ir.Parse(module("  state v : f64\n  state u : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = load v : f64
    %2 = add %0, %1 : f64
    store v, %2
    %3 = load v : f64
    %4 = load u : f64
    %5 = mul %3, %4 : f64
    store v, %5
    store u, %3
    ret
  }
`))
	require.NoError(t, err)
	k := m.Populations[0].Kernels[0]
	forwardMemory(k.Blocks[0])
	k.Number()
	require.NoError(t, ir.Verify(m))
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : f64
    %1 = add %0, %0 : f64
    %2 = load u : f64
    %3 = mul %1, %2 : f64
    store v, %3
    store u, %1
    ret
  }
`, kernelText(t, m.String(), "update"))
}
