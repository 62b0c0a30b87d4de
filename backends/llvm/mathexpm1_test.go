package llvm

import (
	"math"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"strings"
	"testing"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
)

// requireBitsAtEveryWidth is TestExpInlineVectorBits's check for another
// function: the loop over define's function vectorises for every target
// and gives want's bits on every point where the processor can run it.
func requireBitsAtEveryWidth(t *testing.T, define func(*ll.Module) *ll.Func, pts []float64, want func(float64) float64, name string) {
	if missing := MissingTools(); len(missing) > 0 {
		// As tests/native_test.go's requireNativeTools: CI installs them.
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %s: tests/install-deps.sh should have installed them", strings.Join(missing, ", "))
		}
		t.Skipf("needs %s (Debian: apt-get install llvm gcc)", strings.Join(missing, ", "))
	}
	if goruntime.GOARCH != "amd64" {
		t.Skipf("the widths are x86-64's, not %s", goruntime.GOARCH)
	}
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, width := buildVMath(t, define, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
			}
			runVMath(t, exe, pts, want)
			t.Logf("%s: vector width %d, %d points, every result %s's bits", target.name, width, len(pts), name)
		})
	}
}

// neighbours returns the 2n+1 doubles around each center, and their
// negations.
func neighbours(n int64, centers ...float64) []float64 {
	var pts []float64
	for _, c := range centers {
		for d := -n; d <= n; d++ {
			x := math.Float64frombits(uint64(int64(math.Float64bits(c)) + d))
			pts = append(pts, x, -x)
		}
	}
	return pts
}

// specialPoints are the arguments every function is checked on: zeros,
// infinities, NaNs with and without payloads, the extremes.
func specialPoints() []float64 {
	bits := math.Float64frombits
	return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		bits(0x7FF8000000000000), bits(0xFFF8000000000000), bits(0x7FF0000000000001), bits(0xFFFFFFFFFFFFFFFF),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64}
}

// randomPoints appends n points uniform in [lo, hi], n in every binade
// from 2^-1074 to 2^lastBinade of both signs, and n of any bits (NaNs with
// payloads, infinities, huge values).
func randomPoints(r *rand.Rand, pts []float64, n int, lo, hi float64, lastBinade int) []float64 {
	for range n {
		pts = append(pts, lo+(hi-lo)*r.Float64())
	}
	for range n {
		x := math.Ldexp(1+r.Float64(), -1074+r.IntN(1075+lastBinade))
		if r.IntN(2) == 0 {
			x = -x
		}
		pts = append(pts, x)
	}
	for range n {
		pts = append(pts, math.Float64frombits(r.Uint64()))
	}
	return pts
}

// expm1Points are expPoints' kinds for mathfn.Expm1: every threshold of its
// cases with thousands of neighbours, the points where x/ln2 rounds to
// the next k (so every k case's edges: -56, -2, -1, 1, 2, 19, 20, 56, 57,
// 1023, 1024), where the reduced argument of k = 1 crosses -1/4, and random
// points over the whole range, over each case and over all bit patterns.
func expm1Points() []float64 {
	r := rand.New(rand.NewPCG(18, 2))
	pts := specialPoints()
	pts = append(pts, neighbours(2000,
		math.Float64frombits(0x40862E42FEFA39EF), // expOverflow
		math.Float64frombits(0xC043687A9F1AF2B1), // expm1Saturation
		math.Float64frombits(0x3FD62E42FEFA39EF), // halfLn2
		math.Float64frombits(0x3FF0A2B23F3BAB73), // threeHalvesLn2
		0x1p-54, 0x1p-1022, math.Ln2, math.Ln2-0.25, 20*math.Ln2, 56*math.Ln2,
	)...)
	for k := -58; k <= 1025; k++ {
		x := (float64(k) + 0.5) * math.Ln2
		for d := int64(-20); d <= 20; d++ {
			pts = append(pts, math.Float64frombits(uint64(int64(math.Float64bits(x))+d)))
		}
	}
	uniform := func(n int, lo, hi float64) {
		for range n {
			pts = append(pts, lo+(hi-lo)*r.Float64())
		}
	}
	uniform(200000, -40, 40)      // every k of the small cases
	uniform(200000, -0.35, 0.35)  // k = 0
	uniform(100000, -1.04, 1.04)  // k = ±1
	uniform(100000, 13.5, 39.5)   // 20 <= k <= 56
	uniform(100000, -39.5, -38.5) // saturation
	pts = randomPoints(r, pts, 300000, -40, 710, 10)
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts
}

// TestExpm1InlineVectorBits checks snn_expm1_inline against mathfn.Expm1
// at every vector width of x86-64.
func TestExpm1InlineVectorBits(t *testing.T) {
	requireBitsAtEveryWidth(t, defineExpm1, expm1Points(), mathfn.Expm1, "mathfn.Expm1")
}

// tanhPoints are the arguments tanh is checked on: its thresholds (2^-28,
// 1, 22) and expm1's at 2|x| with thousands of neighbours, the points
// where 2|x|/ln2 rounds to the next k, and random points over the whole
// range, each case and all bit patterns.
func tanhPoints() []float64 {
	r := rand.New(rand.NewPCG(18, 3))
	pts := specialPoints()
	pts = append(pts, neighbours(2000,
		0x1p-28, 1, 22, 0x1p-55, 0x1p-1022,
		math.Float64frombits(0x3FD62E42FEFA39EF)/2, // halfLn2 at 2|x|
		math.Float64frombits(0x3FF0A2B23F3BAB73)/2, // threeHalvesLn2 at 2|x|
		math.Ln2/2, (math.Ln2-0.25)/2, 10*math.Ln2, 28*math.Ln2,
	)...)
	for k := -1; k <= 64; k++ {
		x := (float64(k) + 0.5) * math.Ln2 / 2
		for d := int64(-20); d <= 20; d++ {
			x := math.Float64frombits(uint64(int64(math.Float64bits(x)) + d))
			pts = append(pts, x, -x)
		}
	}
	uniform := func(n int, lo, hi float64) {
		for range n {
			pts = append(pts, lo+(hi-lo)*r.Float64())
		}
	}
	uniform(300000, -1, 1)     // t/(t+2)
	uniform(300000, -22, 22)   // 1 - 2/(t+2) too
	uniform(100000, -0.5, 0.5) // expm1's k = 0 and ±1
	pts = randomPoints(r, pts, 300000, -30, 30, 10)
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts
}

// TestTanhInlineVectorBits checks snn_tanh_inline against mathfn.Tanh at
// every vector width of x86-64.
func TestTanhInlineVectorBits(t *testing.T) {
	requireBitsAtEveryWidth(t, defineTanh, tanhPoints(), mathfn.Tanh, "mathfn.Tanh")
}

// TestExprelInlineVectorBits checks snn_exprel_inline against mathfn.Exprel
// at every vector width of x86-64, on expm1's points (every case of the
// Expm1 it divides) and the neighbours of its own: 0, where it is 1, the
// tiny arguments where Expm1(x) = x, and expOverflow, above which it is
// +Inf.
func TestExprelInlineVectorBits(t *testing.T) {
	pts := append(expm1Points(), neighbours(2000, 0x1p-54, 1e-16, 0x1p-1074, 1e-300, 1)...)
	requireBitsAtEveryWidth(t, defineExprel, pts, mathfn.Exprel, "mathfn.Exprel")
}
