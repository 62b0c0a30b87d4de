package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/fixed"
	"snnc/runtime/mathfn"
	"snnc/runtime/rng"
)

// The native runtime's C ports of runtime/mathfn (c/mathfn.c) and
// runtime/rng (c/rng.c) must give the Go results bit for bit: a native
// executable's outputs are compared byte for byte with the interpreter's.
// These tests compile them with the flags snnc uses, with the driver
// c/test/harness.c, feed the driver a million points per function, and
// compare every output word.

// nativeCFlags are the flags snnc compiles the runtime with.
var nativeCFlags = []string{"-std=c11", "-O3", "-march=native", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno"}

// buildNativeHarness compiles c/mathfn.c, c/rng.c and c/test/harness.c,
// with warnings as errors, and returns the executable.
func buildNativeHarness(t *testing.T) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler: cc is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "harness")
	args := append(slices.Clone(nativeCFlags), "-Wall", "-Wextra", "-Werror", "-Ic",
		"c/mathfn.c", "c/rng.c", "c/fixed.c", "c/test/harness.c", "-o", bin, "-lm")
	out, err := exec.Command(cc, args...).CombinedOutput()
	require.NoError(t, err, "cc %v:\n%s", args, out)
	require.Empty(t, string(out), "cc %v printed diagnostics", args)
	return bin
}

// nativeCheck is one harness operation over many records: in holds
// inWords words per record, want outWords per record.
type nativeCheck struct {
	op                string
	inWords, outWords int
	in, want          []uint64
}

func (c *nativeCheck) add(in []uint64, want ...uint64) {
	c.in = append(c.in, in...)
	c.want = append(c.want, want...)
}

func (c *nativeCheck) records() int { return len(c.in) / c.inWords }

// run feeds the records to the harness and requires every output word to
// equal the Go result.
func (c *nativeCheck) run(t *testing.T, bin string) {
	t.Helper()
	require.Equal(t, 0, len(c.in)%c.inWords)
	require.Equal(t, c.records()*c.outWords, len(c.want))
	input := make([]byte, 8*len(c.in))
	for i, w := range c.in {
		binary.NativeEndian.PutUint64(input[8*i:], w)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, c.op)
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "harness %s: %s", c.op, stderr.String())
	require.Equal(t, 8*len(c.want), stdout.Len(), "harness %s: output size", c.op)
	got := stdout.Bytes()

	var mismatches []string
	count := 0
	for r := range c.records() {
		for j := range c.outWords {
			k := r*c.outWords + j
			g := binary.NativeEndian.Uint64(got[8*k:])
			if g == c.want[k] {
				continue
			}
			count++
			if len(mismatches) < 20 {
				mismatches = append(mismatches, fmt.Sprintf("%s(%s) word %d: C %s, Go %s",
					c.op, formatWords(c.in[r*c.inWords:(r+1)*c.inWords]), j, formatWord(g), formatWord(c.want[k])))
			}
		}
	}
	require.Empty(t, mismatches, "%s: %d of %d words differ", c.op, count, len(c.want))
	t.Logf("%s: %d records, all %d words identical", c.op, c.records(), len(c.want))
}

func formatWord(w uint64) string {
	return fmt.Sprintf("%#016x (%v)", w, math.Float64frombits(w))
}

func formatWords(ws []uint64) string {
	s := ""
	for i, w := range ws {
		if i > 0 {
			s += ", "
		}
		s += formatWord(w)
	}
	return s
}

// ----------------------------------------------------------------------------
// Points, spread as in runtime/mathfn's tests.

type nativePoints func(r *rand.Rand) float64

func nativeUniform(lo, hi float64) nativePoints {
	return func(r *rand.Rand) float64 { return lo + float64((hi-lo)*r.Float64()) }
}

// nativeLogUniform: ±m*2^e, m uniform in [1, 2), e in [lo, hi).
func nativeLogUniform(lo, hi int, signed bool) nativePoints {
	return func(r *rand.Rand) float64 {
		x := math.Ldexp(1+r.Float64(), lo+r.IntN(hi-lo))
		if signed && r.IntN(2) == 0 {
			return -x
		}
		return x
	}
}

// nativeAnyBits: random bits, so every binade equally, subnormals included;
// with specials, Inf and NaN (with any payload) too.
func nativeAnyBits(positive, specials bool) nativePoints {
	return func(r *rand.Rand) float64 {
		for {
			b := r.Uint64()
			if positive {
				b &^= 1 << 63
			}
			if x := math.Float64frombits(b); specials || !math.IsNaN(x) && !math.IsInf(x, 0) {
				return x
			}
		}
	}
}

// nativeNear: within a few thousand ulps of one of the centers.
func nativeNear(centers ...float64) nativePoints {
	return func(r *rand.Rand) float64 {
		c := centers[r.IntN(len(centers))]
		return math.Float64frombits(uint64(int64(math.Float64bits(c)) + r.Int64N(4001) - 2000))
	}
}

// nativeNearMultiplesOfPio2: the doubles nearest k*pi/2, k < 2^maxBits.
func nativeNearMultiplesOfPio2(maxBits int) nativePoints {
	return func(r *rand.Rand) float64 {
		k := float64(1 + r.Int64N(1<<maxBits-1))
		x := k * (math.Pi / 2)
		x = math.Float64frombits(math.Float64bits(x) + uint64(r.IntN(5)) - 2)
		if r.IntN(2) == 0 {
			return -x
		}
		return x
	}
}

// nativeThresholds are the constants at which mathfn changes formula or
// result class (the unexported ones by their bit patterns, from mathfn's
// sources), and other critical arguments.
var nativeThresholds = []float64{
	math.Float64frombits(0x3FE62E42FEE00000), // ln2Hi
	math.Float64frombits(0x3FD62E42FEFA39EF), // halfLn2
	math.Float64frombits(0x3FF0A2B23F3BAB73), // threeHalvesLn2
	math.Float64frombits(0x40862E42FEFA39EF), // expOverflow
	math.Float64frombits(0xC0874910D52D3051), // expUnderflow
	math.Float64frombits(0xC043687A9F1AF2B1), // expm1Saturation
	math.Float64frombits(0x3FE921FB54442D18), // pio4
	math.Float64frombits(0x413921FB00000000), // mediumReductionLimit
	6381956970095103 * 0x1p797,               // the double nearest a multiple of pi/2
	math.Ln2, 20 * math.Ln2, 56 * math.Ln2, 1023.9, 1024, 1075, 1076,
	0x1p-54, 0x1p-29, 0x1p-28, 0x1p-27, 0x1p-26, 0x1p-20, 0x1p31, 0x1p52, 0x1.8p52, 0x1p53, 0x1p54, 0x1p63, 0x1p64,
	math.Sqrt2 - 1, math.Sqrt2/2 - 1, math.Sqrt2 / 2, math.Sqrt2, 1 + 0x1p-20, 1 - 0x1p-20, 1.05, 0.95,
	math.Pi / 2, math.Pi, 2 * math.Pi, 2 / math.Pi, 0x1p20 * math.Pi / 2,
	0.25, 0.5, 1, 2, 3, 10, 22, math.E, 1e22, 1e-300, 1e300,
}

// nativeSpecialFloats: zeros, infinities, NaNs with several payloads and
// signs, subnormals, the extremes, and the thresholds with their
// neighbors up to spread ulps away, of both signs.
func nativeSpecialFloats(spread int) []float64 {
	bits := []uint64{
		0x7FF8000000000000, 0xFFF8000000000000, 0x7FF8000000000001, 0x7FF0000000000001,
		0x7FFFFFFFFFFFFFFF, 0xFFF0000000000001, 0xFFFFFFFFFFFFFFFF, 0x7FF4000000000000,
	}
	base := []uint64{
		0, 0x7FF0000000000000, 1, 2, 0x000FFFFFFFFFFFFF, 0x0008000000000000, 0x0010000000000000,
		0x7FEFFFFFFFFFFFFF, 0x0000000000000400,
	}
	for _, x := range nativeThresholds {
		base = append(base, math.Float64bits(x))
	}
	for _, b := range base {
		for d := -spread; d <= spread; d++ {
			v := uint64(int64(b) + int64(d))
			if math.IsNaN(math.Float64frombits(v)) || (d < 0 && b == 0) {
				continue
			}
			bits = append(bits, v, v|1<<63)
		}
	}
	out := make([]float64, len(bits))
	for i, b := range bits {
		out[i] = math.Float64frombits(b)
	}
	return out
}

// nativePointsPerFunction is how many random points each function gets.
const nativePointsPerFunction = 1_000_000

// nativeUnaryPoints returns the special values and nativePointsPerFunction
// random points spread over the sources, from a generator seeded by name.
func nativeUnaryPoints(name string, sources []nativePoints) []float64 {
	points := nativeSpecialFloats(4)
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 0x5eed))
	per := (nativePointsPerFunction + len(sources) - 1) / len(sources)
	for _, s := range sources {
		for range per {
			points = append(points, s(r))
		}
	}
	return points
}

type nativeUnaryCase struct {
	op      string
	f       func(float64) float64
	sources []nativePoints
}

func nativeUnaryCases() []nativeUnaryCase {
	all := nativeAnyBits(false, true)
	trig := []nativePoints{
		nativeUniform(-10, 10), nativeUniform(-0x1p20*math.Pi, 0x1p20*math.Pi), nativeAnyBits(false, false),
		nativeLogUniform(-60, 0, true), nativeNearMultiplesOfPio2(8), nativeNearMultiplesOfPio2(21),
		nativeNearMultiplesOfPio2(62), nativeLogUniform(20, 1024, true), nativeNear(1647099, -1647099, 0.7853981633974483), all,
	}
	return []nativeUnaryCase{
		{"exp", mathfn.Exp, []nativePoints{
			nativeUniform(-746, 710), nativeUniform(-20, 20), nativeLogUniform(-60, -1, true), nativeUniform(700, 709.79),
			nativeUniform(-745.2, -708), nativeNear(0.5*math.Ln2, -0.5*math.Ln2, 1.5*math.Ln2, -1.5*math.Ln2, 0x1p-28, -0x1p-28,
				709.782712893384, -745.1332191019411), all,
		}},
		{"expm1", mathfn.Expm1, []nativePoints{
			nativeUniform(-40, 710), nativeUniform(-3, 3), nativeLogUniform(-80, -1, true), nativeUniform(700, 709.79),
			nativeNear(0.5*math.Ln2, -0.5*math.Ln2, 1.5*math.Ln2, -1.5*math.Ln2, 20*math.Ln2, 56*math.Ln2, -56*math.Ln2, -0.25,
				0x1p-54, -0x1p-54, -38.816242111356935), nativeUniform(-45, 45), all,
		}},
		{"log", mathfn.Log, []nativePoints{
			nativeAnyBits(true, false), nativeNear(1), nativeUniform(0.5, 2),
			nativeNear(math.Sqrt2, math.Sqrt2/2, 1.38, 1.42, 0.69, 0.71), nativeLogUniform(-1074, -1022, false), all,
		}},
		{"log10", mathfn.Log10, []nativePoints{
			nativeAnyBits(true, false), nativeNear(1), nativeNear(10, 100, 1e10, 1e-10, 1e100, 1e-300, 1e22, 1e-5),
			nativeLogUniform(-1074, -1022, false), nativeUniform(0.5, 2), all,
		}},
		{"log1p", mathfn.Log1p, []nativePoints{
			nativeAnyBits(true, false), nativeLogUniform(-80, -1, true),
			func(r *rand.Rand) float64 { return -1 + math.Ldexp(1+r.Float64(), -1-r.IntN(53)) },
			nativeUniform(-0.99, 10), nativeNear(math.Sqrt2-1, math.Sqrt2/2-1, 0x1p-29, -0x1p-29, 0x1p53, 0x1p-54, -0x1p-54, -1),
			all,
		}},
		{"sin", mathfn.Sin, trig},
		{"cos", mathfn.Cos, trig},
		{"tanh", mathfn.Tanh, []nativePoints{
			nativeUniform(-25, 25), nativeUniform(-1.5, 1.5), nativeLogUniform(-60, 0, true),
			nativeNear(1, -1, 22, -22, 0.55, 0.625, 0x1p-28, -0x1p-28), all,
		}},
		{"sign", mathfn.Sign, []nativePoints{nativeUniform(-1, 1), nativeLogUniform(-1074, 1024, true), all}},
		// rng.LogComplement is mathfn.Log1p(-p) inside (0, 1).
		{"log_complement", rng.LogComplement, []nativePoints{
			nativeUniform(0, 1), nativeLogUniform(-1074, 0, false), nativeNear(1, 0.5, 0x1p-29, 0x1p-54),
			func(r *rand.Rand) float64 { return 1 - math.Ldexp(1+r.Float64(), -1-r.IntN(53)) }, all,
		}},
	}
}

func TestNativeMathfnUnary(t *testing.T) {
	bin := buildNativeHarness(t)
	for _, c := range nativeUnaryCases() {
		t.Run(c.op, func(t *testing.T) {
			t.Parallel()
			check := nativeCheck{op: c.op, inWords: 1, outWords: 1}
			for _, x := range nativeUnaryPoints(c.op, c.sources) {
				check.add([]uint64{math.Float64bits(x)}, math.Float64bits(c.f(x)))
			}
			check.run(t, bin)
		})
	}
}

// ----------------------------------------------------------------------------
// Two arguments.

type nativePairs func(r *rand.Rand) (x, y float64)

// nativePowPairs are runtime/mathfn's Pow test distributions, and more
// around its special cases and overflow limits.
func nativePowPairs() []nativePairs {
	anyFinite := nativeAnyBits(false, false)
	all := nativeAnyBits(false, true)
	return []nativePairs{
		func(r *rand.Rand) (float64, float64) { return 10 * r.Float64(), 60 * (r.Float64() - 0.5) },
		func(r *rand.Rand) (float64, float64) {
			return math.Ldexp(1+r.Float64(), r.IntN(2000)-1000), 4 * (r.Float64() - 0.5)
		},
		func(r *rand.Rand) (float64, float64) { // y*log2(x) near ±1023, or a subnormal result
			x := 1 + float64(1000*r.Float64())
			target := 1023.9 * (1 - 2*float64(r.IntN(2)))
			if r.IntN(3) == 0 {
				target = -1022 - float64(52*r.Float64())
			}
			return x, target * math.Ln2 / mathfn.Log(x) * (1 - float64(1e-9*r.Float64()))
		},
		func(r *rand.Rand) (float64, float64) { // y*log2(x) at the overflow and underflow limits
			x := 1 + float64(1000*r.Float64())
			targets := []float64{1024, -1074, -1075, -1076, 1023.5}
			y := targets[r.IntN(len(targets))] / math.Log2(x)
			return x, math.Float64frombits(uint64(int64(math.Float64bits(y)) + r.Int64N(41) - 20))
		},
		func(r *rand.Rand) (float64, float64) {
			return 1 + float64((r.Float64()-0.5)*0x1p-18), (r.Float64() - 0.5) * 0x1p30
		},
		func(r *rand.Rand) (float64, float64) {
			return 1 + float64((r.Float64()-0.5)*0x1p-40), (r.Float64() - 0.5) * 0x1p50
		},
		func(r *rand.Rand) (float64, float64) { // |y| beyond 2^31, x within 2^-20 of 1 or not
			x := 1 + float64((r.Float64()-0.5)*0x1p-19)
			if r.IntN(4) == 0 {
				x = 4 * r.Float64()
			}
			return x, math.Ldexp(1+r.Float64(), 31+r.IntN(40)) * float64(1-2*r.IntN(2))
		},
		func(r *rand.Rand) (float64, float64) { return -20 * r.Float64(), float64(r.IntN(200) - 100) },
		func(r *rand.Rand) (float64, float64) { // negative x, integer and other y
			y := float64(r.Int64N(1<<54) - 1<<53)
			if r.IntN(2) == 0 {
				y = math.Ldexp(y, -r.IntN(60))
			}
			return -math.Ldexp(1+r.Float64(), r.IntN(200)-100), y
		},
		func(r *rand.Rand) (float64, float64) {
			return math.Float64frombits(1 + r.Uint64N(1<<52-1)), (r.Float64() - 0.8)
		},
		func(r *rand.Rand) (float64, float64) { return anyFinite(r), nativeUniform(-4, 4)(r) },
		func(r *rand.Rand) (float64, float64) { return anyFinite(r), anyFinite(r) },
		func(r *rand.Rand) (float64, float64) { return all(r), all(r) },
	}
}

// nativeMinMaxPairs: random pairs, often equal or of one class.
func nativeMinMaxPairs() []nativePairs {
	all := nativeAnyBits(false, true)
	small := nativeUniform(-3, 3)
	return []nativePairs{
		func(r *rand.Rand) (float64, float64) { return all(r), all(r) },
		func(r *rand.Rand) (float64, float64) { return small(r), small(r) },
		func(r *rand.Rand) (float64, float64) { x := all(r); return x, -x },
		func(r *rand.Rand) (float64, float64) {
			x := float64(r.IntN(5) - 2)
			return x, math.Copysign(float64(r.IntN(5)-2), float64(r.IntN(2))-0.5)
		},
	}
}

// nativeFmodPairs: remainders of every size. Go's math.Mod loops once per
// binade between x and y, so wide pairs are a smaller share.
func nativeFmodPairs() []nativePairs {
	all := nativeAnyBits(false, true)
	return []nativePairs{
		func(r *rand.Rand) (float64, float64) {
			y := math.Ldexp(1+r.Float64(), r.IntN(2100)-1075) * float64(1-2*r.IntN(2))
			return math.Ldexp(y, r.IntN(64)) * (r.Float64()*4 - 2), y
		},
		func(r *rand.Rand) (float64, float64) { return 100 * (r.Float64() - 0.5), float64(r.IntN(21) - 10) },
		func(r *rand.Rand) (float64, float64) { // exact multiples and near them
			y := float64(1+r.IntN(1000)) * 0.1
			x := float64(r.IntN(20001)-10000) * y
			return math.Float64frombits(math.Float64bits(x) + uint64(r.IntN(3)) - 1), y
		},
		func(r *rand.Rand) (float64, float64) {
			if r.IntN(50) != 0 { // keep the slow wide pairs rare
				return math.Ldexp(1+r.Float64(), r.IntN(40)-20), math.Ldexp(1+r.Float64(), r.IntN(40)-20)
			}
			return all(r), all(r)
		},
	}
}

func nativePairPoints(name string, sources []nativePairs) (xs, ys []float64) {
	// Every pair of special values (about 140000).
	specials := nativeSpecialFloats(1)
	for _, x := range specials {
		for _, y := range specials {
			xs, ys = append(xs, x), append(ys, y)
		}
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	r := rand.New(rand.NewPCG(h.Sum64(), 0xa11))
	per := (nativePointsPerFunction + len(sources) - 1) / len(sources)
	for _, s := range sources {
		for range per {
			x, y := s(r)
			xs, ys = append(xs, x), append(ys, y)
		}
	}
	return xs, ys
}

func TestNativeMathfnBinary(t *testing.T) {
	bin := buildNativeHarness(t)
	cases := []struct {
		op      string
		f       func(x, y float64) float64
		sources []nativePairs
	}{
		{"pow", mathfn.Pow, nativePowPairs()},
		{"min", mathfn.Min, nativeMinMaxPairs()},
		{"max", mathfn.Max, nativeMinMaxPairs()},
		// The interpreter's rem is Go's math.Mod, NaN (0x7FF8000000000001) included.
		{"fmod", math.Mod, nativeFmodPairs()},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			t.Parallel()
			check := nativeCheck{op: c.op, inWords: 2, outWords: 1}
			xs, ys := nativePairPoints(c.op, c.sources)
			for i := range xs {
				check.add([]uint64{math.Float64bits(xs[i]), math.Float64bits(ys[i])}, math.Float64bits(c.f(xs[i], ys[i])))
			}
			if c.op == "pow" {
				// Results that must be exact.
				for n := -1080; n <= 1030; n++ {
					for _, x := range []float64{2, 0.5, -2, 3, 10, -10} {
						y := float64(n)
						check.add([]uint64{math.Float64bits(x), math.Float64bits(y)}, math.Float64bits(mathfn.Pow(x, y)))
					}
				}
			}
			check.run(t, bin)
		})
	}
}

// ----------------------------------------------------------------------------
// rng

// nativeCounters draws (seed, stream, n, index) over the whole counter
// space: small and random seeds, kernel and runtime streams, n up to
// rng.MaxN and index up to rng.MaxIndex, with the extremes often.
func nativeCounter(r *rand.Rand) (seed uint64, stream uint32, n, index uint64) {
	switch r.IntN(4) {
	case 0:
		seed = uint64(r.IntN(100))
	case 1:
		seed = 1<<64 - 1 - uint64(r.IntN(3))
	default:
		seed = r.Uint64()
	}
	switch r.IntN(5) {
	case 0:
		stream = uint32(1 + r.IntN(20))
	case 1:
		stream = rng.StreamInput + uint32(r.IntN(8))
	case 2:
		stream = rng.StreamConnect + uint32(r.IntN(8))
	case 3:
		stream = [...]uint32{0, 1<<32 - 1, 1 << 31}[r.IntN(3)]
	default:
		stream = r.Uint32()
	}
	switch r.IntN(5) {
	case 0:
		n = uint64(r.IntN(1000))
	case 1:
		n = rng.MaxN - uint64(r.IntN(3))
	case 2:
		n = uint64(1) << r.IntN(40)
	default:
		n = r.Uint64N(rng.MaxN + 1)
	}
	switch r.IntN(5) {
	case 0:
		index = uint64(r.IntN(10000))
	case 1:
		index = rng.MaxIndex - uint64(r.IntN(3))
	case 2:
		index = uint64(1) << r.IntN(56)
	default:
		index = r.Uint64N(rng.MaxIndex + 1)
	}
	return seed, stream, n, index
}

// nativeWords draws a block of four words: a real one, or one with extreme
// words (so that u is 0, the largest below 1, or 1).
func nativeWords(r *rand.Rand) [4]uint32 {
	if r.IntN(8) == 0 {
		extremes := []uint32{0, 1, 0x7FF, 0x800, 1<<32 - 1, 1 << 31}
		var w [4]uint32
		for i := range w {
			w[i] = extremes[r.IntN(len(extremes))]
		}
		return w
	}
	seed, stream, n, index := nativeCounter(r)
	return rng.New(seed).Block(stream, n, index)
}

// nativeParam draws a distribution parameter: mostly ordinary, sometimes
// zero, negative, tiny or huge (finite: with a NaN or infinite parameter
// the NaN a draw gives depends on operand order, which C need not keep).
func nativeParam(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return math.Ldexp(1+r.Float64(), r.IntN(2046)-1022) * float64(1-2*r.IntN(2))
	case 2:
		return float64(r.IntN(21) - 10)
	default:
		return 20 * (r.Float64() - 0.5)
	}
}

const nativeDraws = 300_000

func TestNativeRNG(t *testing.T) {
	bin := buildNativeHarness(t)

	t.Run("philox", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "philox", inWords: 6, outWords: 4}
		add := func(c [4]uint32, k [2]uint32, want [4]uint32) {
			check.add([]uint64{uint64(c[0]), uint64(c[1]), uint64(c[2]), uint64(c[3]), uint64(k[0]), uint64(k[1])},
				uint64(want[0]), uint64(want[1]), uint64(want[2]), uint64(want[3]))
		}
		// Random123's known answers for philox4x32_10.
		add([4]uint32{0, 0, 0, 0}, [2]uint32{0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8})
		add([4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
			[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd})
		add([4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
			[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1})
		r := rand.New(rand.NewPCG(1, 0xf11))
		for range 100_000 {
			c := [4]uint32{r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()}
			k := [2]uint32{r.Uint32(), r.Uint32()}
			add(c, k, rng.Philox(c, k))
		}
		check.run(t, bin)
	})

	t.Run("block", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "block", inWords: 4, outWords: 4}
		r := rand.New(rand.NewPCG(2, 0xf11))
		for i := range nativeDraws {
			seed, stream, n, index := nativeCounter(r)
			if i%100 == 0 { // beyond the fields' limits, the words are truncated alike
				n, index = r.Uint64(), r.Uint64()
			}
			w := rng.New(seed).Block(stream, n, index)
			check.add([]uint64{seed, uint64(stream), n, index}, uint64(w[0]), uint64(w[1]), uint64(w[2]), uint64(w[3]))
		}
		check.run(t, bin)
	})

	t.Run("unit", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "unit", inWords: 2, outWords: 1}
		r := rand.New(rand.NewPCG(3, 0xf11))
		for range nativeDraws {
			w := nativeWords(r)
			check.add([]uint64{uint64(w[0]), uint64(w[1])}, math.Float64bits(rng.Unit(w[0], w[1])))
		}
		check.run(t, bin)
	})

	t.Run("uniform", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "uniform", inWords: 6, outWords: 1}
		r := rand.New(rand.NewPCG(4, 0xf11))
		for range nativeDraws {
			seed, stream, n, index := nativeCounter(r)
			lo, hi := nativeParam(r), nativeParam(r)
			if r.IntN(2) == 0 {
				lo, hi = 0, 1
			}
			got := rng.New(seed).Uniform(stream, n, index, lo, hi)
			check.add([]uint64{seed, uint64(stream), n, index, math.Float64bits(lo), math.Float64bits(hi)}, math.Float64bits(got))
		}
		check.run(t, bin)
	})

	t.Run("normal", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "normal", inWords: 6, outWords: 1}
		r := rand.New(rand.NewPCG(5, 0xf11))
		for range nativeDraws {
			seed, stream, n, index := nativeCounter(r)
			mean, std := nativeParam(r), nativeParam(r)
			if r.IntN(2) == 0 {
				mean, std = 0, 1
			}
			got := rng.New(seed).Normal(stream, n, index, mean, std)
			check.add([]uint64{seed, uint64(stream), n, index, math.Float64bits(mean), math.Float64bits(std)}, math.Float64bits(got))
		}
		check.run(t, bin)
	})

	t.Run("exponential", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "exponential", inWords: 5, outWords: 1}
		r := rand.New(rand.NewPCG(6, 0xf11))
		for range nativeDraws {
			seed, stream, n, index := nativeCounter(r)
			mean := nativeParam(r)
			got := rng.New(seed).Exponential(stream, n, index, mean)
			check.add([]uint64{seed, uint64(stream), n, index, math.Float64bits(mean)}, math.Float64bits(got))
		}
		check.run(t, bin)
	})

	t.Run("below", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "below", inWords: 5, outWords: 1}
		r := rand.New(rand.NewPCG(7, 0xf11))
		for range nativeDraws {
			w := nativeWords(r)
			var n uint64
			switch r.IntN(5) {
			case 0:
				n = uint64(r.IntN(10))
			case 1:
				n = uint64(r.IntN(1 << 20))
			case 2:
				n = 1<<64 - 1 - uint64(r.IntN(3))
			case 3:
				n = uint64(1) << r.IntN(64)
			default:
				n = r.Uint64()
			}
			check.add([]uint64{uint64(w[0]), uint64(w[1]), uint64(w[2]), uint64(w[3]), n}, rng.Below(w, n))
		}
		check.run(t, bin)
	})

	// The vectorised batches that fixed_probability's rule takes its draws
	// from (connect.c): snn_log_units over the unit draws' whole domain,
	// and snn_geometric_heads, a chunk of 4096 records at a time, so that
	// the vector loops run (the harness is compiled with -march=native, as
	// the runtime is).
	t.Run("log_units", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "log_units", inWords: 1, outWords: 1}
		add := func(u float64) {
			if u >= 0x1p-53 && u <= 1 {
				check.add([]uint64{math.Float64bits(u)}, math.Float64bits(mathfn.Log(u)))
			}
		}
		// The ends, the powers of two (f = 0) and their neighbours.
		for k := 0; k <= 53; k++ {
			p := math.Ldexp(1, -k)
			for _, u := range []float64{p, math.Nextafter(p, 0), math.Nextafter(p, 2)} {
				add(u)
			}
		}
		// Around snn_log's case boundaries in the mantissa's high word:
		// its first case ((2 + hx) & 0xFFFFF < 3) and nearEnd (0x6147A,
		// 0x6B851), and the reduction's threshold (0x95F64 carry).
		r := rand.New(rand.NewPCG(12, 0x106))
		for _, hx := range []uint64{0, 1, 2, 0xFFFFD, 0xFFFFE, 0xFFFFF, 0x6147A, 0x6147B, 0x61479, 0x6B851, 0x6B850, 0x6B852, 0x6A09C, 0x6A09D, 0x6A09B} {
			for range 200 {
				e := uint64(1023 - 1 - r.IntN(53))
				low := r.Uint64() & 0xFFFFFFFF
				if r.IntN(4) == 0 {
					low = []uint64{0, 1, 0xFFFFFFFF}[r.IntN(3)]
				}
				add(math.Float64frombits(e<<52 | hx<<32 | low))
			}
		}
		// The draws themselves: (m + 1) * 2^-53 for random 53-bit m, and
		// near 1, where the log is smallest.
		for range nativeDraws {
			m := r.Uint64() >> 11
			if r.IntN(8) == 0 {
				m = 1<<53 - 1 - uint64(r.IntN(1<<20))
			}
			add(float64(m+1) * 0x1p-53)
		}
		check.run(t, bin)
	})

	t.Run("geometric_heads", func(t *testing.T) {
		t.Parallel()
		r := rand.New(rand.NewPCG(13, 0x6e0))
		for _, p := range []float64{0.02, 0.0025, 0.5, 1e-9, 0.999999, 1, math.Nextafter(1, 0), 5e-324} {
			logq := rng.LogComplement(p)
			if !(logq < 0) {
				continue
			}
			check := nativeCheck{op: "geometric_heads", inWords: 2, outWords: 1}
			for range 4 * 4096 { // whole chunks: the harness reads logq once a chunk
				w := nativeWords(r)
				head := uint64(w[0])<<32 | uint64(w[1])
				u := float64(head>>11+1) * 0x1p-53
				g := math.Floor(mathfn.Log(u) / logq)
				// What the caller makes of it is rng.Geometric's draw.
				max := uint64(1 << 20)
				capped := max
				if g < float64(max) {
					capped = uint64(g)
				}
				require.Equal(t, rng.Geometric(w, logq, max), capped)
				check.add([]uint64{head, math.Float64bits(logq)}, math.Float64bits(g))
			}
			check.run(t, bin)
		}
	})

	t.Run("geometric", func(t *testing.T) {
		t.Parallel()
		check := nativeCheck{op: "geometric", inWords: 6, outWords: 1}
		r := rand.New(rand.NewPCG(8, 0xf11))
		for range nativeDraws {
			w := nativeWords(r)
			var p float64
			switch r.IntN(6) {
			case 0:
				p = [...]float64{0, 1, -0.5, 1.5, 1e-12, 0.5, math.NaN(), math.Nextafter(1, 0), 5e-324}[r.IntN(9)]
			case 1:
				p = math.Ldexp(1+r.Float64(), -r.IntN(1074)-1) // tiny
			case 2:
				p = 1 - math.Ldexp(1+r.Float64(), -1-r.IntN(53)) // near 1
			default:
				p = r.Float64()
			}
			logq := rng.LogComplement(p)
			var max uint64
			switch r.IntN(5) {
			case 0:
				max = uint64(r.IntN(10))
			case 1:
				max = 1<<64 - 1 - uint64(r.IntN(3))
			case 2:
				max = uint64(1) << r.IntN(64)
			default:
				max = uint64(r.IntN(1 << 20))
			}
			check.add([]uint64{uint64(w[0]), uint64(w[1]), uint64(w[2]), uint64(w[3]), math.Float64bits(logq), max},
				rng.Geometric(w, logq, max))
		}
		check.run(t, bin)
	})
}

// The C port of runtime/fixed (c/fixed.c) gives the Go results for every
// operation, on random formats and operands, half of them at the edges of
// their ranges.
func TestNativeFixed(t *testing.T) {
	bin := buildNativeHarness(t)
	r := rand.New(rand.NewPCG(7, 8))
	format := func() fixed.Format {
		return fixed.Format{Width: uint8(2 + r.IntN(fixed.MaxWidth-1)), Frac: uint8(r.IntN(fixed.MaxFrac + 1))}
	}
	raw := func(f fixed.Format) int64 {
		switch r.IntN(4) {
		case 0:
			return f.Max()
		case 1:
			return f.Min()
		case 2:
			return f.Saturate(int64(r.IntN(5)) - 2)
		}
		return f.Min() + r.Int64N(f.Max()-f.Min()+1)
	}
	c := &nativeCheck{op: "fixed", inWords: 9, outWords: 11}
	for range 300000 {
		fa, fb, to := format(), format(), format()
		a, b := raw(fa), raw(fb)
		bits := r.Uint64()
		if r.IntN(4) == 0 { // a double for from_double, in or near the format's range
			bits = math.Float64bits(r.NormFloat64() * math.Ldexp(1, int(to.Width)-int(to.Frac)-1))
		}
		c.add([]uint64{uint64(a), uint64(fa.Width), uint64(fa.Frac), uint64(b), uint64(fb.Width), uint64(fb.Frac),
			uint64(to.Width), uint64(to.Frac), bits},
			uint64(fixed.Add(a, fa, b, fb, to)), uint64(fixed.Sub(a, fa, b, fb, to)), uint64(fixed.Mul(a, fa, b, fb, to)),
			uint64(fixed.Div(a, fa, b, fb, to)), uint64(fixed.Neg(a, fa, to)), uint64(fixed.Abs(a, fa, to)),
			uint64(int64(fixed.Cmp(a, fa, b, fb))), uint64(fixed.Convert(a, fa, to)),
			uint64(fixed.ConvertDither(a, fa, to, bits)), uint64(to.FromFloat(math.Float64frombits(bits))),
			math.Float64bits(fa.Float(a)))
	}
	c.run(t, bin)
}
