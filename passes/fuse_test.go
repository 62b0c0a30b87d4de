package passes

import (
	"fmt"
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
		{"dendrite drawing", `  state v : f64
  dendrite d[2] {
    state u : f64
    kernel update {
    b0:
      %0 = const 0.0 : f64
      %1 = const 1.0 : f64
      %2 = rand uniform stream=1 %0, %1 : f64
      store u, %2
      ret
    }
  }
`, threshold, "its dendrite d's update kernel reads its segment's index or draws"},
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

// A neuron with a dendrite array of two segments: each segment's update,
// the soma's (which sums the segments in a loop), the segments'
// thresholds, then their resets where they held, then the soma's
// threshold and reset, in one straight kernel that reads and writes each
// segment's u by a constant segment.
func TestFuseDendrites(t *testing.T) {
	src := module(`  state v : f64
  dendrite d[2] {
    param theta : f64 = 1.0
    state u : f64
    kernel update {
    b0:
      %0 = load u : f64
      %1 = load v : f64
      %2 = add %0, %1 : f64
      store u, %2
      ret
    }
    kernel threshold : bool {
    b0:
      %0 = load u : f64
      %1 = param theta : f64
      %2 = gt %0, %1 : bool
      ret %2
    }
    kernel reset {
    b0:
      %0 = const 0.0 : f64
      store u, %0
      ret
    }
  }
`, `  kernel update {
  b0:
    %0 = const 2.0 : f64
    %1 = const 0.0 : f64
    br b1(%1, %1)
  b1(%2: f64, %3: f64):
    %4 = lt %2, %0 : bool
    condbr %4, b2(), b3()
  b2:
    %5 = loadseg d.u, %2 : f64
    %6 = add %3, %5 : f64
    %7 = const 1.0 : f64
    %8 = add %2, %7 : f64
    br b1(%8, %6)
  b3:
    %9 = load v : f64
    %10 = add %9, %3 : f64
    store v, %10
    ret
  }
`+threshold(1))
	got := runPass(t, Fuse, src)
	assert.NotContains(t, got, "kernel update")
	assert.NotContains(t, got, "kernel threshold")
	assert.NotContains(t, got, "kernel reset")
	assert.Equal(t, `  kernel step : bool {
    note "fused: d.update, d.threshold, d.reset, update, threshold"
  b0:
    %0 = const 0.0 : f64
    %1 = const 1.0 : f64
    %2 = loadseg d.u, %0 : f64
    %3 = load v : f64
    %4 = add %2, %3 : f64
    %5 = loadseg d.u, %1 : f64
    %6 = add %5, %3 : f64
    %7 = add %0, %4 : f64
    %8 = add %7, %6 : f64
    %9 = add %3, %8 : f64
    store v, %9
    %10 = param d.theta : f64
    %11 = gt %4, %10 : bool
    %12 = gt %6, %10 : bool
    %13 = select %11, %0, %4 : f64
    storeseg d.u, %0, %13
    %14 = select %12, %0, %6 : f64
    storeseg d.u, %1, %14
    %15 = gt %9, %1 : bool
    %16 = refractory : bool
    %17 = not %16 : bool
    %18 = and %15, %17 : bool
    ret %18
  }
`, kernelText(t, runPass(t, CSE, got), "step"))
}

// threshold is a threshold kernel v > x.
func threshold(x float64) string {
	return fmt.Sprintf(`  kernel threshold : bool {
  b0:
    %%0 = load v : f64
    %%1 = const %s : f64
    %%2 = gt %%0, %%1 : bool
    ret %%2
  }
`, ir.FormatFloat(x))
}

// straighten: a loop whose condition folds becomes one copy of its body
// per iteration; a branch on a value the kernel computes stays.
func TestStraighten(t *testing.T) {
	m, err := ir.Parse(module("  state v : f64\n", `  kernel update {
  b0:
    %0 = const 3.0 : f64
    %1 = const 0.0 : f64
    br b1(%1, %1)
  b1(%2: f64, %3: f64):
    %4 = lt %2, %0 : bool
    condbr %4, b2(), b3()
  b2:
    %5 = load v : f64
    %6 = mul %5, %2 : f64
    %7 = add %3, %6 : f64
    %8 = const 1.0 : f64
    %9 = add %2, %8 : f64
    br b1(%9, %7)
  b3:
    store v, %3
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 0.0 : f64
    %2 = gt %0, %1 : bool
    condbr %2, b1(), b2()
  b1:
    ret %2
  b2:
    ret %2
  }
`))
	require.NoError(t, err)
	p := m.Populations[0]
	require.True(t, straighten(p.Kernels[0], straightBudget))
	require.False(t, straighten(p.Kernels[1], straightBudget))
	m.Kernels(func(_ string, k *ir.Kernel) { k.Number() })
	require.NoError(t, ir.Verify(m))
	assert.Equal(t, `  kernel update {
  b0:
    %0 = const 0.0 : f64
    %1 = load v : f64
    %2 = mul %1, %0 : f64
    %3 = add %0, %2 : f64
    %4 = const 1.0 : f64
    %5 = load v : f64
    %6 = mul %5, %4 : f64
    %7 = add %3, %6 : f64
    %8 = const 2.0 : f64
    %9 = load v : f64
    %10 = mul %9, %8 : f64
    %11 = add %7, %10 : f64
    store v, %11
    ret
  }
`, kernelText(t, m.String(), "update"))
	assert.Len(t, p.Kernels[1].Blocks, 3, "a branch on a computed value stays")
}

// A loop longer than the budget is not copied out.
func TestStraightenBudget(t *testing.T) {
	m, err := ir.Parse(module("  state v : f64\n", `  kernel update {
  b0:
    %0 = const 1000.0 : f64
    %1 = const 0.0 : f64
    br b1(%1)
  b1(%2: f64):
    %3 = lt %2, %0 : bool
    condbr %3, b2(), b3()
  b2:
    %4 = const 1.0 : f64
    %5 = add %2, %4 : f64
    br b1(%5)
  b3:
    store v, %2
    ret
  }
`))
	require.NoError(t, err)
	k := m.Populations[0].Kernels[0]
	require.False(t, straighten(k, 100))
	assert.Len(t, k.Blocks, 4)
	require.True(t, straighten(k, 10000))
	k.Number()
	assert.Equal(t, `  kernel update {
  b0:
    %0 = const 1000.0 : f64
    store v, %0
    ret
  }
`, kernelText(t, m.String(), "update"))
}
