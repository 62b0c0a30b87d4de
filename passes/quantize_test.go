package passes

import (
	"fmt"
	"math"
	"strconv"
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
    %7 = convert %6 dither stream=`+stream("p/v/update#0")+` : fx16.14
    store v, %7
    ret
  }
`, kernelText(t, text, "update"))
	// The reset stores a constant of v's own format: nothing to round.
	assert.Contains(t, kernelText(t, text, "reset"), "store v, %0")
}

// fixedSrc is a population whose update stores v = c v + 0.05 (c the
// decay, 1 an integrator) and g = 0.9 g, with a threshold on v at 1.0
// and a reset to 0.
func fixedSrc(c string) string {
	return `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1 quantize=fixed

population p : N[2] {
  state v : f64
  state g : f64
  state k : f64
  kernel init {
  b0:
    %0 = const 0.0 : f64
    store v, %0
    store g, %0
    %1 = const 0.5 : f64
    store k, %1
    ret
  }
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const ` + c + ` : f64
    %2 = mul %1, %0 : f64
    %3 = const 0.05 : f64
    %4 = add %2, %3 : f64
    %5 = load g : f64
    %6 = const 0.9 : f64
    %7 = mul %6, %5 : f64
    store g, %7
    %8 = add %4, %5 : f64
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
}

// fixedModule parses src, verifies it, runs the quantize pass with the
// given calibrated ranges, and verifies the result.
func fixedModule(t *testing.T, src string, ranges map[string][2]float64) *ir.Module {
	t.Helper()
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m))
	require.Equal(t, ir.QuantizeFixed, m.Run.Quantize)
	m.Run.Ranges = ranges
	require.NoError(t, Quantize(m))
	require.NoError(t, ir.Verify(m))
	return m
}

// A decaying variable gets the fewest bits of 8, 16 and 32 at which its
// rounding noise after the run's n steps, LSB sqrt((1 - c^2n) / (6 (1 -
// c^2))), is at most 2^-10 of its span; the test computes the rule's
// prediction on its own. v's values are [0, 1] (the calibration's [0,
// 0.8], the threshold's 1.0 and the reset's 0): its format at W bits has
// W-2 fraction bits. A decay slower than the run (0.99999 in 1000 steps)
// accumulates the noise of the run's stores, not the stationary noise.
func TestQuantizeFixedDecay(t *testing.T) {
	for _, steps := range []int{10000, 1000} {
		for _, c := range []float64{0.3, 0.9, 0.99, 0.999, 0.99999} {
			predicted := 0
			for _, w := range []int{8, 16, 32} {
				lsb := math.Ldexp(1, -(w - 2))
				if lsb*math.Sqrt((1-math.Pow(c, float64(2*steps)))/(6*(1-c*c))) <= 1.0/1024 {
					predicted = w
					break
				}
			}
			require.NotZero(t, predicted)
			src := strings.Replace(fixedSrc(ir.FormatFloat(c)), "steps=10000", fmt.Sprintf("steps=%d", steps), 1)
			m := fixedModule(t, src, map[string][2]float64{"p.v": {0, 0.8}, "p.g": {0, 0}, "p.k": {0.5, 0.5}})
			v := ir.VarNamed(m.Populations[0].Vars, "v")
			assert.Equal(t, fmt.Sprintf("fx%d.%d", predicted, predicted-2), v.Type.String(), "decay %g, %d steps", c, steps)
			assert.Contains(t, m.Notes[0], fmt.Sprintf("quantize: p.v fx%d.%d: rounding noise ", predicted, predicted-2), "decay %g", c)
			if c == 0.99999 {
				// The run's length decides between 16 and 32 bits here.
				assert.Equal(t, map[int]int{10000: 32, 1000: 16}[steps], predicted)
			}
		}
	}
}

// Under fixed: v (decay 0.99) gets 16 bits; g, which took the one value
// 0, and k, set once to 0.5, get 8 (exact); the constants take the widest
// width, 16 bits, and the accumulators 32. Each width's reason is noted.
func TestQuantizeFixedWidths(t *testing.T) {
	m := fixedModule(t, fixedSrc("0.99"), map[string][2]float64{"p.v": {0, 0.8}, "p.g": {0, 0}, "p.k": {0.5, 0.5}})
	assert.Equal(t, []string{
		"quantize: p.v fx16.14: rounding noise 0.018% of its span at 16 bits, 4.5% at 8 (decay 0.99 a step)",
		"quantize: p.g fx8.31: took one value, 0, exact at 8 bits",
		"quantize: p.k fx8.7: took one value, 0.5, exact at 8 bits",
	}, m.Notes)
	text := m.String()
	assert.Contains(t, text, "run dt=0.0001 duration=1.0 steps=10000 seed=1 quantize=fixed\n")
	assert.Contains(t, text, "  state v : fx16.14 range -0.5 1.5\n  state g : fx8.31 range 0.0 0.0\n  state k : fx8.7 range 0.5 0.5\n")
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : fx16.14
    %1 = const 0.010000000000000009 : fx16.21
    %2 = mul %1, %0 : fx32.31
    %3 = sub %0, %2 : fx32.30
    %4 = const 0.05 : fx16.19
    %5 = add %3, %4 : fx32.30
    %6 = load g : fx8.31
    %7 = const 0.09999999999999998 : fx16.18
    %8 = mul %7, %6 : fx32.31
    %9 = sub %6, %8 : fx32.31
    %10 = convert %9 dither stream=`+stream("p/g/update#0")+` : fx8.31
    store g, %10
    %11 = add %5, %6 : fx32.30
    %12 = convert %11 dither stream=`+stream("p/v/update#0")+` : fx16.14
    store v, %12
    ret
  }
`, kernelText(t, text, "update"))
	// The printed module reads back as it is.
	again, err := ir.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, text, again.String())
}

// A variable without a decay (an integrator, v = v + s) gets the fewest
// bits at which its step s is at least 64 LSBs: over [0, 1], 8 bits have
// an LSB of 2^-6 (a step of 1 is 64 of them), 16 bits 2^-14, 32 bits
// 2^-30 (0.001 is 16 LSBs at 16 bits); a variable set once to an inexact value gets 16 bits (it is
// held to 2^-10 of itself); one whose store the analysis cannot bound
// (v = v * v) gets 16, the fallback.
func TestQuantizeFixedSteps(t *testing.T) {
	for _, c := range []struct{ step, width string }{{"1.0", "fx8.6"}, {"0.5", "fx16.14"}, {"0.01", "fx16.14"}, {"0.001", "fx32.30"}, {"0.000001", "fx32.30"}} {
		src := strings.Replace(fixedSrc("1.0"), "%3 = const 0.05", "%3 = const "+c.step, 1)
		m := fixedModule(t, src, map[string][2]float64{"p.v": {0, 0.8}, "p.g": {0, 0}, "p.k": {0.006, 0.006}})
		vars := m.Populations[0].Vars
		assert.Equal(t, c.width, ir.VarNamed(vars, "v").Type.String(), "step %s", c.step)
		assert.Contains(t, m.Notes[0], "quantize: p.v "+c.width+": its largest step, ", "step %s", c.step)
		assert.Equal(t, "fx16.22", ir.VarNamed(vars, "k").Type.String())
	}
	src := strings.Replace(fixedSrc("1.0"), "%2 = mul %1, %0 : f64", "%2 = mul %0, %0 : f64", 1)
	m := fixedModule(t, src, map[string][2]float64{"p.v": {0, 0.8}, "p.g": {0, 0}, "p.k": {0.5, 0.5}})
	assert.Equal(t, "quantize: p.v fx16.14: its stores are not bounded (mul of it): 16 bits, the fallback", m.Notes[0])
}

// stream is the dither stream of a store of the key (owner/var/kernel#n)
// in a model with no other that collides with it.
func stream(key string) string { return strconv.Itoa(ditherStream(key, 1)) }

// Two stores whose keys hash to one stream get the stream and the next,
// in the order of their keys whatever the order they were found in; a
// dendrite array's store takes one stream per segment.
func TestDitherStreamsCollide(t *testing.T) {
	// Two keys with one stream, found by the birthday bound (about 2^15
	// keys for 2^30 streams).
	seen := map[int]string{}
	var a, b string
	for n := 0; a == ""; n++ {
		key := fmt.Sprintf("p%d/v/update#0", n)
		s := ditherStream(key, 1)
		if other, ok := seen[s]; ok {
			a, b = other, key
		}
		seen[s] = key
		require.Less(t, n, 1<<20, "no collision")
	}
	if b < a {
		a, b = b, a
	}
	for _, order := range [][]string{{a, b}, {b, a}} {
		q := &quantizer{}
		converts := map[string]*ir.Instr{}
		for _, key := range order {
			converts[key] = &ir.Instr{Op: ir.OpConvert}
			q.dithers = append(q.dithers, ditherStore{key: key, convert: converts[key]})
		}
		q.assignStreams()
		require.Equal(t, ir.Dither{Stream: ditherStream(a, 1)}, converts[a].Aux)
		require.Equal(t, ir.Dither{Stream: ditherStream(a, 1) + 1}, converts[b].Aux)
	}
	q := &quantizer{}
	seg, other := &ir.Instr{Op: ir.OpConvert}, &ir.Instr{Op: ir.OpConvert}
	q.dithers = []ditherStore{{key: "a", convert: seg, segments: 4}, {key: "b", convert: other}}
	q.assignStreams()
	s, o := seg.Aux.(ir.Dither), other.Aux.(ir.Dither)
	require.Equal(t, 4, s.Segments)
	require.False(t, o.Stream >= s.Stream && o.Stream < s.Stream+4, "b's stream is not one of a's segments'")
}

// Lowering's names of unnamed projections are recognised; a model's own
// names are not.
func TestGeneratedName(t *testing.T) {
	for name, want := range map[string]bool{"connect_5_1": true, "connect_12_40": true,
		"connect_5": false, "connect_a_1": false, "ee": false, "connect__1": false} {
		assert.Equal(t, want, generatedName(name), name)
	}
}
