package passes

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

const qsrc = `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population p : N[2] {
  param w : f64 = 0.05
  state v : f64
  kernel init {
  b0:
    %0 = const 0.25 : f64
    store v, %0
    ret
  }
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.99 : f64
    %2 = mul %1, %0 : f64
    %3 = param w : f64
    %4 = add %2, %3 : f64
    %5 = exp %0 : f64
    %6 = const 0.0 : f64
    %7 = mul %5, %6 : f64
    %8 = add %4, %7 : f64
    store v, %8
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
    %0 = const 0.0 : f64
    store v, %0
    ret
  }
}
`

// quantized runs the quantize pass at 16 bits with p.v's calibrated range
// [0, 0.8] and returns the module's text.
func quantized(t *testing.T, src string) (*ir.Module, string) {
	t.Helper()
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m))
	m.Run.Quantize = 16
	m.Run.Ranges = map[string][2]float64{"p.v": {0, 0.8}}
	require.NoError(t, Quantize(m))
	require.NoError(t, ir.Verify(m))
	return m, m.String()
}

// v's format holds its range (the calibration's [0, 0.8], the threshold's
// 1.0 and the reset's 0, with half again on each side); the decay 0.99 v
// becomes v - 0.01 v in 32-bit accumulators; exp, which fixed point does
// not define, is computed in floating point from a converted v, and so is
// what it meets; init keeps floating point and rounds where it stores.
func TestQuantize(t *testing.T) {
	m, text := quantized(t, qsrc)
	assert.Equal(t, []string{
		"quantize: p.update: exp computed in floating point",
		"quantize: p.update: add computed in floating point",
	}, m.Notes)
	assert.Contains(t, text, "  state v : fx16.14 range -0.5 1.5\n")
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : fx16.14
    %1 = const 0.010000000000000009 : fx16.21
    %2 = mul %1, %0 : fx32.31
    %3 = sub %0, %2 : fx32.30
    %4 = param w : f64
    %5 = convert %4 : fx16.19
    %6 = add %3, %5 : fx32.30
    %7 = convert %0 : f64
    %8 = exp %7 : f64
    %9 = const 0.0 : f64
    %10 = mul %8, %9 : f64
    %11 = convert %6 : f64
    %12 = add %11, %10 : f64
    %13 = convert %12 : fx16.14
    store v, %13
    ret
  }
`, kernelText(t, text, "update"))
	assert.Equal(t, `  kernel init {
  b0:
    %0 = const 0.25 : f64
    %1 = convert %0 : fx16.14
    store v, %1
    ret
  }
`, kernelText(t, text, "init"))
	assert.Equal(t, `  kernel threshold : bool {
  b0:
    %0 = load v : fx16.14
    %1 = const 1.0 : fx16.14
    %2 = gt %0, %1 : bool
    ret %2
  }
`, kernelText(t, text, "threshold"))
}

// A kernel all in fixed point rounds its store by a random offset, each
// store with a stream of its own.
func TestQuantizeDithersStores(t *testing.T) {
	src := strings.Replace(qsrc, `    %5 = exp %0 : f64
    %6 = const 0.0 : f64
    %7 = mul %5, %6 : f64
    %8 = add %4, %7 : f64
    store v, %8`, `    store v, %4`, 1)
	m, text := quantized(t, src)
	assert.Empty(t, m.Notes)
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : fx16.14
    %1 = const 0.010000000000000009 : fx16.21
    %2 = mul %1, %0 : fx32.31
    %3 = sub %0, %2 : fx32.30
    %4 = param w : f64
    %5 = convert %4 : fx16.19
    %6 = add %3, %5 : fx32.30
    %7 = convert %6 dither stream=1073741824 : fx16.14
    store v, %7
    ret
  }
`, kernelText(t, text, "update"))
	// The reset stores a constant of v's own format: nothing to round.
	assert.Contains(t, kernelText(t, text, "reset"), "store v, %0")
}
