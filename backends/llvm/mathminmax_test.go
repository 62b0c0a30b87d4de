package llvm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
)

// vmath2Loop is @snn_vmath2(x, y, out, n): out[i] = FUNC(x[i], y[i]), the
// two-argument form of vexpLoop.
var vmath2Loop = vectorLoop("snn_vmath2", "FUNC", "double", 2)

// vmath2Driver reads pairs (x, y) of doubles from stdin and writes
// snn_vmath2's results.
const vmath2Driver = `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
void snn_vmath2(const double *x, const double *y, double *out, int64_t n);
int main(void)
{
	int64_t n;
	if (fread(&n, sizeof n, 1, stdin) != 1)
		return 1;
	double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y), *out = malloc((n + 1) * sizeof *out);
	if (!x || !y || !out || fread(x, sizeof *x, n, stdin) != (size_t)n || fread(y, sizeof *y, n, stdin) != (size_t)n)
		return 1;
	snn_vmath2(x, y, out, n);
	return fwrite(out, sizeof *out, n, stdout) == (size_t)n ? 0 : 1;
}
`

// buildVMath2 is buildVMath for a function of two arguments. A loop of
// min or max alone may stay scalar at SSE2 (buildVMathLoop says why).
func buildVMath2(t *testing.T, define func(*ll.Module) *ll.Func, t0 vmathTarget) (string, int) {
	t.Helper()
	return buildVMathLoop(t, define, t0, vmath2Loop, vmath2Driver, true)
}

// runVMath2 runs exe on the pairs (xs[i], ys[i]) and requires every
// result's bits to equal want's.
func runVMath2(t *testing.T, exe string, xs, ys []float64, want func(x, y float64) float64) {
	t.Helper()
	in := binary.NativeEndian.AppendUint64(nil, uint64(len(xs)))
	for _, v := range append(slices.Clone(xs), ys...) {
		in = binary.NativeEndian.AppendUint64(in, math.Float64bits(v))
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s", stderr.String())
	require.Equal(t, 8*len(xs), stdout.Len())
	var bad []string
	count := 0
	for n := range xs {
		got := binary.NativeEndian.Uint64(stdout.Bytes()[8*n:])
		if w := math.Float64bits(want(xs[n], ys[n])); got != w {
			count++
			if len(bad) < 20 {
				bad = append(bad, fmt.Sprintf("(%#016x, %#016x) = (%v, %v): got %#016x, want %#016x",
					math.Float64bits(xs[n]), math.Float64bits(ys[n]), xs[n], ys[n], got, w))
			}
		}
	}
	require.Empty(t, bad, "%d of %d results differ", count, len(xs))
}

// requireVMathTools skips (or fails in CI) where opt, llc or cc is missing
// or the machine is not x86-64, as TestExpInlineVectorBits does.
func requireVMathTools(t *testing.T) {
	if missing := MissingTools(); len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %s: tests/install-deps.sh should have installed them", strings.Join(missing, ", "))
		}
		t.Skipf("needs %s (Debian: apt-get install llvm gcc)", strings.Join(missing, ", "))
	}
	if goruntime.GOARCH != "amd64" {
		t.Skipf("the widths are x86-64's, not %s", goruntime.GOARCH)
	}
}

// compareSpecials are values where comparisons and sign rules differ: zeros
// of both signs, NaNs with payloads and signs, infinities, the extremes of
// the normal and subnormal ranges, and ±1.
func compareSpecials() []float64 {
	bits := math.Float64frombits
	return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		bits(0x7FF8000000000000), bits(0xFFF8000000000000), bits(0x7FF0000000000001), bits(0xFFFFFFFFFFFFFFFF),
		bits(0x7FF4000000000000), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		0x1p-1022, -0x1p-1022, math.MaxFloat64, -math.MaxFloat64, 1, -1, 0.5, -2}
}

// minMaxPairs are every pair of special values (and each with a random
// value), equal pairs, pairs one ulp apart and random pairs of any bits
// and of nearby magnitudes, shuffled.
func minMaxPairs() (xs, ys []float64) {
	r := rand.New(rand.NewPCG(18, 2))
	sp := compareSpecials()
	add := func(x, y float64) { xs, ys = append(xs, x), append(ys, y) }
	for _, x := range sp {
		for _, y := range sp {
			add(x, y)
		}
		for range 1000 {
			v := math.Float64frombits(r.Uint64())
			add(x, v)
			add(v, x)
		}
	}
	for range 200000 {
		v := math.Float64frombits(r.Uint64())
		add(v, v)
		add(v, math.Nextafter(v, math.Inf(1)))
		add(math.Nextafter(v, math.Inf(-1)), v)
	}
	for range 600000 {
		add(math.Float64frombits(r.Uint64()), math.Float64frombits(r.Uint64()))
		add(r.NormFloat64(), r.NormFloat64())
	}
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j], ys[i], ys[j] = xs[j], xs[i], ys[j], ys[i] })
	return xs, ys
}

// TestMinMaxInlineVectorBits checks snn_min_inline and snn_max_inline
// against mathfn.Min and Max at every vector width of x86-64.
func TestMinMaxInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	xs, ys := minMaxPairs()
	for _, fn := range []struct {
		name   string
		define func(*ll.Module) *ll.Func
		want   func(x, y float64) float64
	}{{"min", defineMin, mathfn.Min}, {"max", defineMax, mathfn.Max}} {
		for _, target := range vmathTargets {
			t.Run(fn.name+"/"+target.name, func(t *testing.T) {
				exe, width := buildVMath2(t, fn.define, target)
				if !cpuHas(t, target.flag) {
					t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
				}
				runVMath2(t, exe, xs, ys, fn.want)
				t.Logf("%s: vector width %d, %d pairs, every result mathfn's bits", target.name, width, len(xs))
			})
		}
	}
}

// TestSignInlineVectorBits checks snn_sign_inline against mathfn.Sign at
// every vector width of x86-64.
func TestSignInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	r := rand.New(rand.NewPCG(18, 3))
	pts := compareSpecials()
	for range 1000000 {
		pts = append(pts, math.Float64frombits(r.Uint64()), r.NormFloat64())
	}
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	vmathEveryWidth(t, defineSign, pts, mathfn.Sign, "every result mathfn.Sign's bits")
}
