package tests

import (
	"fmt"
	"math"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/lang"
)

// Named random streams (spec/language.md section 4.3): a draw with
// stream = NAME in a connect's settings is keyed by the stream and the
// synapse's (pre, post) pair, so two projections give a pair the same
// value; unnamed draws stay keyed by the synapse.

// sharedModel draws w from one named stream in two projections of
// different rules (so the pairs have different synapse numbers), u
// unnamed in both, and records each synapse's pre and post indices.
const sharedModel = `
neuron Leaky {
    state v = 0
    dv/dt = -v / (10 ms)
}
synapse S {
    state w = 0
    state u = 0
    state src = 0
    state dst = 0
    on pre { post.v += w }
}
population a = Leaky[5]
population b = Leaky[4]
connect ab: a -> b using S by fixed_probability(0.5) { w = uniform(0, 1, stream = shared)  u = uniform(0, 1)  src = i  dst = j }
connect ab2: a -> b using S by all_to_all { w = uniform(0, 1, stream = shared)  u = uniform(0, 1)  src = i  dst = j }
connect g: b -> a using S by all_to_all { w = normal(1, 2, stream = gauss)  u = exponential(3, stream = expo)  src = i  dst = j }
monitor state ab.w
monitor state ab.u
monitor state ab.src
monitor state ab.dst
monitor state ab2.w
monitor state ab2.u
monitor state g.w
monitor state g.u
monitor state g.src
monitor state g.dst
run { duration = 0.1 ms  dt = 0.1 ms  seed = 7 }
`

// philoxBlock is Philox4x32-10 (Salmon et al., SC 2011), written here from
// the paper's constants, independently of runtime/rng: ten rounds, the key
// bumped by the Weyl increments between them.
func philoxBlock(c [4]uint32, k [2]uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		if r > 0 {
			k[0] += 0x9E3779B9
			k[1] += 0xBB67AE85
		}
		hi0, lo0 := bits.Mul32(0xD2511F53, c[0])
		hi1, lo1 := bits.Mul32(0xCD9E8D57, c[2])
		c = [4]uint32{hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0}
	}
	return c
}

// pairUnits are the two units of a named stream's draw for the pair
// (pre, post), as spec/runtime.md lays the counter out: index pre, n post,
// word 3 the stream; the unit of words 0 and 1 in [0, 1), the open unit
// of them in (0, 1] and the unit of words 2 and 3.
func pairUnits(seed uint64, stream uint32, pre, post int) (u, open, u2 float64) {
	idx, n := uint64(pre), uint64(post)
	c := [4]uint32{uint32(idx), uint32(idx>>32)&0xFFFFFF | uint32(n&0xFF)<<24, uint32(n >> 8), stream}
	w := philoxBlock(c, [2]uint32{uint32(seed), uint32(seed >> 32)})
	m := uint64(w[0])<<21 | uint64(w[1])>>11
	m2 := uint64(w[2])<<21 | uint64(w[3])>>11
	return float64(m) * 0x1p-53, float64(m+1) * 0x1p-53, float64(m2) * 0x1p-53
}

// TestNamedStreams checks, pair by pair, that the two projections drawing
// w from stream shared agree, that the unnamed draws u do not, and every
// named draw against Philox written above: uniform(0, 1) is the unit;
// exponential(3) is -3 ln of the open unit (to a few ulps: the runtime's
// log is snnc's own, mathfn); normal(1, 2) is 1 + 2 sqrt(-2 ln u1)
// cos(2 pi u2) to 1e-12 (the same, and its cosine in turns).
func TestNamedStreams(t *testing.T) {
	m := compileSource(t, "shared.snn", sharedModel)
	res := run(t, m, interp.Options{})
	row := func(name string) []float64 { return stateOf(t, res, name)[0] }
	abW, abU, abSrc, abDst := row("ab_w"), row("ab_u"), row("ab_src"), row("ab_dst")
	all, allU := row("ab2_w"), row("ab2_u")
	require.Len(t, all, 20)
	require.NotEmpty(t, abW)
	shared := uint32(lang.NamedStream("shared"))
	for s := range abW {
		i, j := int(abSrc[s]), int(abDst[s])
		require.Equal(t, all[i*4+j], abW[s], "pair (%d, %d): the same draw in both projections", i, j)
		u, _, _ := pairUnits(7, shared, i, j)
		require.Equal(t, u, abW[s], "pair (%d, %d): Philox's unit", i, j)
	}
	same := 0
	for s := range abU {
		i, j := int(abSrc[s]), int(abDst[s])
		if allU[i*4+j] == abU[s] {
			same++
		}
	}
	require.Zero(t, same, "unnamed draws are keyed by the synapse, not the pair")

	gW, gU, gSrc, gDst := row("g_w"), row("g_u"), row("g_src"), row("g_dst")
	require.Len(t, gW, 20)
	for s := range gW {
		i, j := int(gSrc[s]), int(gDst[s])
		_, open, u2 := pairUnits(7, uint32(lang.NamedStream("gauss")), i, j)
		want := 1 + 2*math.Sqrt(-2*math.Log(open))*math.Cos(2*math.Pi*u2)
		require.InDelta(t, want, gW[s], 1e-12, "pair (%d, %d): normal", i, j)
		_, open, _ = pairUnits(7, uint32(lang.NamedStream("expo")), i, j)
		require.InDelta(t, -3*math.Log(open), gU[s], 1e-14*math.Max(1, -3*math.Log(open)), "pair (%d, %d): exponential", i, j)
	}
}

// TestNamedStreamsConform runs the model on the interpreter and natively
// at 1, 2 and 3 threads, byte for byte.
func TestNamedStreamsConform(t *testing.T) {
	conform(t, conformSource("shared", sharedModel, driver.Options{}).onLLVM(1, 2, 3))
}

// TestNamedStreamsIR: a named stream's draw is a .pair rand on the
// stream's number with the synapse's i and j as its last operands, and
// the text form reads back.
func TestNamedStreamsIR(t *testing.T) {
	m := roundTrip(t, "shared.snn", sharedModel)
	text := m.String()
	require.Contains(t, text, fmt.Sprintf("rand uniform.pair stream=%d", lang.NamedStream("shared")))
	require.Contains(t, text, fmt.Sprintf("rand exponential.pair stream=%d", lang.NamedStream("expo")))
}

// typeInitStream draws w from stream shared in a synapse type's initial
// value and in another type's connect, onto the other direction.
const typeInitStream = `neuron Leaky {
    state v = 0
    dv/dt = -v / (10 ms)
}
synapse S {
    state w = uniform(0, 1, stream = shared)
    state src = 0
    state dst = 0
    on pre { post.v += w }
}
synapse T {
    state w = 0
    on pre { post.v += w }
}
population a = Leaky[3]
population b = Leaky[3]
connect x: a -> b using S by all_to_all { src = i  dst = j }
connect y: b -> a using T by one_to_one { w = rand(stream = shared) }
monitor state x.w
monitor state y.w
run { duration = 0.1 ms  dt = 0.1 ms }
`

// TestNamedStreamsTypeInit: a synapse type's initial value draws from a
// named stream as a connect's setting does; the pair is the synapse's
// (pre, post) indices whatever the populations, so y's synapse (k, k)
// has x's value for (k, k).
func TestNamedStreamsTypeInit(t *testing.T) {
	res := run(t, compileSource(t, "typeinit.snn", typeInitStream), interp.Options{})
	x, y := stateOf(t, res, "x_w")[0], stateOf(t, res, "y_w")[0]
	require.Len(t, x, 9)
	require.Len(t, y, 3)
	for k := range 3 {
		require.Equal(t, x[k*3+k], y[k], "pair (%d, %d)", k, k)
	}
	require.NotEqual(t, x[0], x[1])
}
