package llvm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/mathfn"

	ll "github.com/llir/llvm/ir"
)

// The emitted math functions must give runtime/mathfn's bits in every
// lane of every vector width the loop vectoriser may pick. The test builds
// a loop over an array calling the function, optimises it as the build
// does but for each processor below, requires opt's remarks to say that
// the loop vectorised, runs it on millions of points and compares every
// result with Go's.

// vectorLoop is the LLVM IR of @name(a0, ..., out, n): out[i] =
// @callee(a0[i], ...) for i < n, over arrays of elem (double or i64), the
// shape of a kernel's loop. The arrays are noalias, so the vector loop
// runs without run-time overlap checks (and without their scalar
// fallback); the scalar remainder after it computes the last few points.
func vectorLoop(name, callee, elem string, args int) string {
	var params, loads, callArgs []string
	for a := range args {
		params = append(params, fmt.Sprintf("%s* noalias nocapture readonly %%a%d", elem, a))
		loads = append(loads, fmt.Sprintf("  %%p%d = getelementptr inbounds %s, %s* %%a%d, i64 %%i\n  %%x%d = load %s, %s* %%p%d\n",
			a, elem, elem, a, a, elem, elem, a))
		callArgs = append(callArgs, fmt.Sprintf("%s %%x%d", elem, a))
	}
	return fmt.Sprintf(`
define void @%s(%s, %s* noalias nocapture %%out, i64 %%n) {
entry:
  %%empty = icmp sle i64 %%n, 0
  br i1 %%empty, label %%exit, label %%loop
loop:
  %%i = phi i64 [ 0, %%entry ], [ %%next, %%loop ]
%s  %%y = call %s @%s(%s)
  %%pout = getelementptr inbounds %s, %s* %%out, i64 %%i
  store %s %%y, %s* %%pout
  %%next = add nuw nsw i64 %%i, 1
  %%done = icmp eq i64 %%next, %%n
  br i1 %%done, label %%exit, label %%loop
exit:
  ret void
}
`, name, strings.Join(params, ", "), elem, strings.Join(loads, ""), elem, callee, strings.Join(callArgs, ", "),
		elem, elem, elem, elem)
}

// vexpLoop is @snn_vmath(in, out, n): out[i] = FUNC(in[i]).
var vexpLoop = vectorLoop("snn_vmath", "FUNC", "double", 1)

// vmathDriver reads doubles from stdin, applies snn_vmath and writes the
// results.
const vmathDriver = `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
void snn_vmath(const double *in, double *out, int64_t n);
int main(void)
{
	size_t cap = 1 << 20, n = 0, got;
	double *in = malloc(cap * sizeof *in);
	while (in && (got = fread(in + n, sizeof *in, cap - n, stdin)) > 0) {
		n += got;
		if (n == cap)
			in = realloc(in, (cap *= 2) * sizeof *in);
	}
	double *out = malloc((n + 1) * sizeof *out);
	if (!in || !out)
		return 1;
	snn_vmath(in, out, (int64_t)n);
	return fwrite(out, sizeof *out, n, stdout) == n ? 0 : 1;
}
`

// vmathTarget is a processor to compile for: its -mcpu (and -mattr), and
// the /proc/cpuinfo flag the machine needs to run its code.
type vmathTarget struct {
	name, cpu, attr, flag string
	// width, if not 0, forces opt's vector width (-force-vector-width),
	// as a loop's llvm.loop.vectorize.width does.
	width int
}

// vmathTargets are x86-64's vector widths. skylake-avx512 prefers 256-bit
// vectors (so does -mcpu=native on an AVX-512 machine): AVX-512's
// instructions on ymm registers; without prefer-256-bit it uses zmm, 8
// lanes.
var vmathTargets = []vmathTarget{
	{name: "sse2", cpu: "x86-64", flag: "sse2"},
	{name: "avx2", cpu: "x86-64-v3", flag: "avx2"},
	{name: "avx512", cpu: "skylake-avx512", flag: "avx512f"},
	{name: "avx512-zmm", cpu: "skylake-avx512", attr: "-prefer-256-bit", flag: "avx512f"},
}

var vectorizedRE = regexp.MustCompile(`vectorized loop \(vectorization width: ([0-9]+)`)

// buildVMath compiles the loop over fn (defined in m by define) for t and
// returns the executable and the vector width opt reports.
func buildVMath(t *testing.T, define func(*ll.Module) *ll.Func, t0 vmathTarget) (string, int) {
	t.Helper()
	return buildVMathLoop(t, define, t0, vexpLoop, vmathDriver, false)
}

// buildVMathLoop builds loop (its function FUNC) with the C driver: opt
// with the build's flags for t's target and the vectoriser's remarks,
// then llc and cc. The loop must vectorise, unless forceUnprofitable and
// the cost model alone kept it scalar: then it is forced to two lanes, so
// that the vector code's bits are still checked (SSE2 has no blend, and
// a loop of min alone stays scalar there; in a kernel with more
// arithmetic it may not).
func buildVMathLoop(t *testing.T, define func(*ll.Module) *ll.Func, t0 vmathTarget, loop, driver string, forceUnprofitable bool) (string, int) {
	t.Helper()
	m := ll.NewModule()
	fn := define(m)
	text := m.String() + strings.ReplaceAll(loop, "FUNC", fn.Name())
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	require.NoError(t, os.WriteFile(path("vmath.ll"), []byte(text), 0o644))
	require.NoError(t, os.WriteFile(path("driver.c"), []byte(driver), 0o644))
	target := []string{"-mtriple=" + hostTriple(), "-mcpu=" + t0.cpu}
	if t0.attr != "" {
		target = append(target, "-mattr="+t0.attr)
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		require.NoError(t, err, "%s %v:\n%s", name, args, out)
		return string(out)
	}
	// The build's opt flags with the target replaced.
	args := append(slices.Clone(optFlags), target...)
	if t0.width != 0 {
		args = append(args, fmt.Sprintf("-force-vector-width=%d", t0.width))
	}
	remarkArgs := []string{"-pass-remarks=loop-vectorize", "-pass-remarks-missed=loop-vectorize", "-S", path("vmath.ll"), "-o", path("vmath.opt.ll")}
	remarks := run("opt", append(slices.Clone(args), remarkArgs...)...)
	w := vectorizedRE.FindStringSubmatch(remarks)
	if w == nil && forceUnprofitable && strings.Contains(remarks, "the cost-model indicates that vectorization is not beneficial") {
		t.Logf("%s: %s: the cost model keeps the loop scalar; checking it forced to 2 lanes", t0.name, fn.Name())
		remarks = run("opt", append(append(args, "-force-vector-width=2"), remarkArgs...)...)
		w = vectorizedRE.FindStringSubmatch(remarks)
	}
	require.NotNil(t, w, "the loop over %s did not vectorise for %s: %s", fn.Name(), t0.name, remarks)
	width, _ := strconv.Atoi(w[1])
	optimised, err := os.ReadFile(path("vmath.opt.ll"))
	require.NoError(t, err)
	require.NotContains(t, string(optimised), "call double @"+fn.Name(), "not inlined")
	run("llc", append(append(slices.Clone(llcFlags), target...), path("vmath.opt.ll"), "-o", path("vmath.o"))...)
	run("cc", "-O2", "-o", path("vmath"), path("driver.c"), path("vmath.o"))
	return path("vmath"), width
}

// cpuHas reports whether /proc/cpuinfo lists flag.
func cpuHas(t *testing.T, flag string) bool {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("cannot tell the processor's features: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "flags") {
			return slices.Contains(strings.Fields(line), flag)
		}
	}
	return false
}

// vmathEveryWidth builds define's test loop for every target of
// vmathTargets and requires every result on the points to have want's
// bits (what says so in the log); a target this processor cannot run is
// built, its vectorisation checked, and skipped. Each target is built at
// the width opt's cost model picks and at each of forced (as a loop's
// llvm.loop.vectorize.width asks for it).
func vmathEveryWidth(t *testing.T, define func(*ll.Module) *ll.Func, points []float64, want func(float64) float64, what string, forced ...int) {
	t.Helper()
	for _, target := range vmathTargets {
		for _, force := range append([]int{0}, forced...) {
			target.width = force
			name := target.name
			if force != 0 {
				name += fmt.Sprintf("/width%d", force)
			}
			t.Run(name, func(t *testing.T) {
				exe, width := buildVMath(t, define, target)
				if !cpuHas(t, target.flag) {
					t.Skipf("vectorised (width %d), but this processor has no %s to run it", width, target.flag)
				}
				runVMath(t, exe, points, want)
				t.Logf("%s: vector width %d, %d points, %s", target.name, width, len(points), what)
			})
		}
	}
}

// runVMath runs exe on the points and requires every result's bits to
// equal want's.
func runVMath(t *testing.T, exe string, points []float64, want func(float64) float64) {
	t.Helper()
	in := make([]byte, 8*len(points))
	for n, x := range points {
		binary.NativeEndian.PutUint64(in[8*n:], math.Float64bits(x))
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s", stderr.String())
	require.Equal(t, len(in), stdout.Len())
	var bad []string
	count := 0
	for n, x := range points {
		got := binary.NativeEndian.Uint64(stdout.Bytes()[8*n:])
		if w := math.Float64bits(want(x)); got != w {
			count++
			if len(bad) < 20 {
				bad = append(bad, fmt.Sprintf("x = %#016x (%v): got %#016x (%v), want %#016x (%v)",
					math.Float64bits(x), x, got, math.Float64frombits(got), w, math.Float64frombits(w)))
			}
		}
	}
	require.Empty(t, bad, "%d of %d results differ", count, len(points))
}

// expPoints are the arguments exp is checked on: the special values, every
// threshold of mathfn.Exp's cases with thousands of neighbours on both
// sides, the points where x/ln2 rounds to the next k, the arguments whose
// results are subnormal, and random points over the whole range and over
// all bit patterns.
func expPoints() []float64 {
	r := rand.New(rand.NewPCG(18, 1))
	bits := math.Float64frombits
	pts := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		bits(0x7FF8000000000000), bits(0xFFF8000000000000), bits(0x7FF0000000000001), bits(0xFFFFFFFFFFFFFFFF),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64}
	// Neighbours: the 4001 doubles around each center, of both signs.
	centers := []float64{
		bits(0x40862E42FEFA39EF), // expOverflow
		bits(0xC0874910D52D3051), // expUnderflow
		bits(0x3FD62E42FEFA39EF), // halfLn2
		bits(0x3FF0A2B23F3BAB73), // threeHalvesLn2
		0x1p-28, 0x1p-1022, math.Ln2,
		-1021 * math.Ln2, -1022 * math.Ln2, -1074 * math.Ln2, 1023 * math.Ln2, 1023.5 * math.Ln2,
	}
	for _, c := range centers {
		for d := int64(-2000); d <= 2000; d++ {
			x := bits(uint64(int64(math.Float64bits(c)) + d))
			pts = append(pts, x, -x)
		}
	}
	// Where x/ln2 is near k + 1/2, k changes.
	for k := -1076; k <= 1025; k++ {
		x := (float64(k) + 0.5) * math.Ln2
		for d := int64(-20); d <= 20; d++ {
			pts = append(pts, bits(uint64(int64(math.Float64bits(x))+d)))
		}
	}
	uniform := func(n int, lo, hi float64) {
		for range n {
			pts = append(pts, lo+(hi-lo)*r.Float64())
		}
	}
	uniform(1000000, -746, 710)  // the whole range
	uniform(200000, -746, -708)  // subnormal results
	uniform(200000, -0.35, 0.35) // no reduction (k = 0)
	uniform(100000, -1.04, 1.04) // k = ±1
	for range 300000 {           // every binade, small to large
		x := math.Ldexp(1+r.Float64(), -1074+r.IntN(1084))
		if r.IntN(2) == 0 {
			x = -x
		}
		pts = append(pts, x)
	}
	for range 200000 { // any bits: NaNs with payloads, infinities, huge values
		pts = append(pts, bits(r.Uint64()))
	}
	// Shuffled, so that special values share vectors with ordinary ones.
	r.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
	return pts
}

// TestExpInlineVectorBits checks snn_exp_inline against mathfn.Exp at every
// vector width of x86-64.
func TestExpInlineVectorBits(t *testing.T) {
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
	pts := expPoints()
	vmathEveryWidth(t, defineExp, pts, mathfn.Exp, "every result mathfn.Exp's bits")
}
