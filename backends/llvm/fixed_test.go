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
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"
	"github.com/stretchr/testify/require"

	"snnc/runtime/fixed"
	"snnc/runtime/rng"

	ll "github.com/llir/llvm/ir"
)

// The emitted fixed-point operations (fixed.go) and dither bits
// (philox.go) must give runtime/fixed's and runtime/rng's results in every
// lane of every vector width. As for the math functions (mathexp_test.go),
// each case is a loop over arrays, here of i64: out[i] = op(a[i], b[i])
// for one operation and one combination of formats. All the cases are
// loops of one module, optimised for each processor of vmathTargets with
// the build's flags, each required to vectorise, and run on their inputs:
// every pair of raw values where the formats are small enough, else
// hundreds of thousands of random ones that favour the ends of the ranges
// (where saturation and rounding ties live).

// fxCase is one operation on formats fa, fb (the operands') and to (the
// result's): emit writes its IR into a function of (i64 a, i64 b) and
// want is runtime/fixed's answer; points gives the inputs.
type fxCase struct {
	name   string
	emit   func(b *ll.Block, a, bv value.Value) value.Value
	want   func(a, b int64) int64
	points func(r *rand.Rand) (as, bs []int64)
}

// fxDriver reads, for each case in turn, n and then n a's and n b's, and
// writes the n results of the case's loop (the table of loops is added
// after it).
const fxDriver = `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
typedef void loop(const int64_t *, const int64_t *, int64_t *, int64_t);
extern loop *const loops[];
extern const int nloops;
int main(void)
{
	for (int k = 0; k < nloops; k++) {
		int64_t n;
		if (fread(&n, sizeof n, 1, stdin) != 1)
			return 1;
		int64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b), *out = malloc((n + 1) * sizeof *out);
		if (!a || !b || !out || fread(a, sizeof *a, n, stdin) != (size_t)n || fread(b, sizeof *b, n, stdin) != (size_t)n)
			return 1;
		loops[k](a, b, out, n);
		if (fwrite(out, sizeof *out, n, stdout) != (size_t)n)
			return 1;
		free(a), free(b), free(out);
	}
	return 0;
}
`

// fxModule is the LLVM IR of the loops of cases idx, each function named
// with suffix added, and the loops' names in that order.
func fxModule(cases []fxCase, idx []int, suffix string) (string, []string) {
	m := ll.NewModule()
	var loops strings.Builder
	var names []string
	for _, n := range idx {
		a, b := ll.NewParam("a", i64), ll.NewParam("b", i64)
		f := m.NewFunc(fmt.Sprintf("fx_%d", n), i64, a, b)
		f.Linkage = enum.LinkageInternal
		f.FuncAttrs = funcAttrsInline
		entry := f.NewBlock("entry")
		entry.NewRet(cases[n].emit(entry, a, b))
		// The loop of case n: out[i] = @fx_n(a[i], b[i]).
		loops.WriteString(vectorLoop(fmt.Sprintf("snn_vfx_%d", n), fmt.Sprintf("fx_%d", n), "i64", 2))
		names = append(names, fmt.Sprintf("snn_vfx_%d", n))
	}
	text := m.String() + loops.String()
	if suffix != "" {
		text = regexp.MustCompile(`@snn_vfx_([0-9]+)\(`).ReplaceAllString(text, "@snn_vfx_${1}"+suffix+"(")
		for k := range names {
			names[k] += suffix
		}
	}
	return text, names
}

// memLoop reports whether opt made the loop of function name in the
// optimised IR text a memcpy or memset: the operation is its first
// operand (a conversion to the same format, an add of 0) or a constant
// (the result's format has no bits for any product of the operands).
// Such a loop leaves no vectoriser remark.
func memLoop(text, name string) bool {
	start := strings.Index(text, "@"+name+"(")
	if start < 0 {
		return false
	}
	body := text[start:]
	body = body[:strings.Index(body, "\n}\n")]
	return strings.Contains(body, "@llvm.memcpy") || strings.Contains(body, "@llvm.memset")
}

// fxRoundOf is llvm.round.f64 in b's module, declared on first use.
func fxRoundOf(b *ll.Block) *ll.Func {
	m := b.Parent.Parent
	for _, f := range m.Funcs {
		if f.Name() == "llvm.round.f64" {
			return f
		}
	}
	return m.NewFunc("llvm.round.f64", f64, ll.NewParam("x", f64))
}

// vectorizedFuncs reads opt's remarks file and returns the functions
// whose loop vectorised (with the width) and, for the others, the
// vectoriser's remarks about them.
func vectorizedFuncs(t *testing.T, path string) (map[string]int, map[string][]string) {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	done, missed := map[string]int{}, map[string][]string{}
	widthRE := regexp.MustCompile(`VectorizationFactor: +'?([0-9]+)`)
	for _, rec := range strings.Split(string(data), "\n--- ")[0:] {
		fn := regexp.MustCompile(`(?m)^Function: +(\S+)`).FindStringSubmatch(rec)
		name := regexp.MustCompile(`(?m)^Name: +(\S+)`).FindStringSubmatch(rec)
		if fn == nil || name == nil {
			continue
		}
		if name[1] == "Vectorized" {
			w := 0
			if m := widthRE.FindStringSubmatch(rec); m != nil {
				w, _ = strconv.Atoi(m[1])
			}
			done[fn[1]] = w
		} else {
			missed[fn[1]] = append(missed[fn[1]], name[1])
		}
	}
	return done, missed
}

// buildFxLoops compiles the cases' loops for target t and returns the
// executable and the vector width of each loop. Every loop must vectorise;
// one the cost model alone keeps scalar (SSE2 has no 64-bit multiply or
// compare) is compiled again forced to two lanes (as buildVMathLoop does),
// so that its vector code is checked still.
func buildFxLoops(t *testing.T, cases []fxCase, t0 vmathTarget) (string, []int) {
	t.Helper()
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	target := []string{"-mtriple=" + hostTriple(), "-mcpu=" + t0.cpu}
	if t0.attr != "" {
		target = append(target, "-mattr="+t0.attr)
	}
	run := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).CombinedOutput()
		require.NoError(t, err, "%s %v:\n%s", name, args, out)
		return string(out)
	}
	// opt and llc on a module of the loops idx; their remarks, and the
	// loops opt made a memcpy or memset.
	compile := func(idx []int, suffix string, extra ...string) (string, []string, map[string]int, map[string][]string, map[string]bool) {
		text, names := fxModule(cases, idx, suffix)
		base := path("vfx" + suffix)
		require.NoError(t, os.WriteFile(base+".ll", []byte(text), 0o644))
		args := append(append(slices.Clone(optFlags), target...), extra...)
		run("opt", append(args, "-pass-remarks-output="+base+".yaml", "-pass-remarks-filter=loop-vectorize", "-S", base+".ll", "-o", base+".opt.ll")...)
		run("llc", append(append(slices.Clone(llcFlags), target...), base+".opt.ll", "-o", base+".o")...)
		done, missed := vectorizedFuncs(t, base+".yaml")
		optimised, err := os.ReadFile(base + ".opt.ll")
		require.NoError(t, err)
		mem := map[string]bool{}
		for _, name := range names {
			mem[name] = memLoop(string(optimised), name)
		}
		return base + ".o", names, done, missed, mem
	}
	all := make([]int, len(cases))
	for n := range cases {
		all[n] = n
	}
	obj, names, done, missed, mem := compile(all, "")
	objs := []string{obj}
	widths := make([]int, len(cases))
	var forced []int
	for n, name := range names {
		w, ok := done[name]
		if !ok && len(missed[name]) == 0 && mem[name] {
			continue // width 0: no loop left
		}
		if ok {
			widths[n] = w
			continue
		}
		require.Contains(t, missed[name], "VectorizationNotBeneficial", "the loop of %s did not vectorise for %s: %v", cases[n].name, t0.name, missed[name])
		forced = append(forced, n)
	}
	if len(forced) > 0 {
		var what []string
		for _, n := range forced {
			what = append(what, cases[n].name)
		}
		if len(what) > 4 {
			what = append(what[:4], "...")
		}
		t.Logf("%s: the cost model keeps %d loops scalar; checking them forced to 2 lanes: %s", t0.name, len(forced), strings.Join(what, "; "))
		obj, fnames, fdone, _, _ := compile(forced, "_forced", "-force-vector-width=2")
		objs = append(objs, obj)
		for k, n := range forced {
			_, ok := fdone[fnames[k]]
			require.True(t, ok, "%s did not vectorise forced to 2 lanes", cases[n].name)
			names[n] = fnames[k]
			widths[n] = 2
		}
	}
	var driver strings.Builder
	driver.WriteString(fxDriver)
	for _, name := range names {
		fmt.Fprintf(&driver, "loop %s;\n", name)
	}
	fmt.Fprintf(&driver, "loop *const loops[] = {%s};\nconst int nloops = %d;\n", strings.Join(names, ", "), len(names))
	require.NoError(t, os.WriteFile(path("driver.c"), []byte(driver.String()), 0o644))
	run("cc", append(append([]string{"-O2", "-o", path("vfx"), path("driver.c")}, objs...), "-lm")...) // SSE2 has no vector round: llc calls libm's
	return path("vfx"), widths
}

// fxInputs are the cases' inputs, computed once for every target.
type fxInputs struct {
	as, bs [][]int64
	stdin  []byte
}

func fxMakeInputs(cases []fxCase) fxInputs {
	var in fxInputs
	for n, c := range cases {
		as, bs := c.points(rand.New(rand.NewPCG(18, uint64(n))))
		in.as, in.bs = append(in.as, as), append(in.bs, bs)
		in.stdin = binary.NativeEndian.AppendUint64(in.stdin, uint64(len(as)))
		for _, v := range append(slices.Clone(as), bs...) {
			in.stdin = binary.NativeEndian.AppendUint64(in.stdin, uint64(v))
		}
	}
	return in
}

// runFxLoops runs exe on the inputs and returns, for each case, how many
// results differ from want's, with the first few described.
func runFxLoops(t *testing.T, exe string, cases []fxCase, in fxInputs) ([]int, []string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(exe)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in.stdin), &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s", stderr.String())
	out := stdout.Bytes()
	counts := make([]int, len(cases))
	var bad []string
	at := 0
	for n, c := range cases {
		require.GreaterOrEqual(t, len(out), at+8*len(in.as[n]), "short output")
		for i, a := range in.as[n] {
			b := in.bs[n][i]
			got := int64(binary.NativeEndian.Uint64(out[at+8*i:]))
			if w := c.want(a, b); got != w {
				counts[n]++
				if len(bad) < 20 {
					bad = append(bad, fmt.Sprintf("%s(%d, %d) = %d, want %d", c.name, a, b, got, w))
				}
			}
		}
		at += 8 * len(in.as[n])
	}
	require.Equal(t, at, len(out))
	return counts, bad
}

// rawPairs are the operand pairs of formats fa and fb: every pair where
// there are at most 2^16 of them, else n random ones (an end of a range
// one time in three).
func rawPairs(r *rand.Rand, fa, fb fixed.Format, n int) (as, bs []int64) {
	na, nb := fa.Max()-fa.Min()+1, fb.Max()-fb.Min()+1
	if na <= 1<<16 && nb <= 1<<16 && na*nb <= 1<<16 {
		for a := fa.Min(); a <= fa.Max(); a++ {
			for b := fb.Min(); b <= fb.Max(); b++ {
				as, bs = append(as, a), append(bs, b)
			}
		}
		return as, bs
	}
	for range n {
		as, bs = append(as, randRawOf(r, fa)), append(bs, randRawOf(r, fb))
	}
	return as, bs
}

// randRawOf favours the edges of the range and small values, as
// runtime/fixed's tests do, and values whose low j bits are 100...0 (or
// one off): a rounding tie where j bits are dropped, and as a factor of a
// product with an odd number, a tie of the product.
func randRawOf(r *rand.Rand, f fixed.Format) int64 {
	x := f.Min() + r.Int64N(f.Max()-f.Min()+1)
	switch r.IntN(7) {
	case 0:
		return f.Max() - r.Int64N(3)
	case 1:
		return f.Min() + r.Int64N(3)
	case 2:
		return f.Saturate(r.Int64N(9) - 4)
	case 3:
		j := 1 + r.IntN(int(f.Width)-1)
		return f.Saturate(x>>j<<j | 1<<(j-1) + r.Int64N(3) - 1)
	}
	return x
}

// fxFormats are the format combinations (fa, fb, to) checked: those of
// the quantized examples' kernels, the extremes, and random ones.
func fxFormats() [][3]fixed.Format {
	F := func(w, f uint8) fixed.Format { return fixed.Format{Width: w, Frac: f} }
	out := [][3]fixed.Format{
		{F(32, 31), F(32, 31), F(32, 31)}, {F(16, 14), F(16, 14), F(32, 30)}, {F(32, 18), F(32, 31), F(32, 31)},
		{F(32, 31), F(16, 18), F(16, 18)}, {F(16, 22), F(32, 18), F(32, 31)}, {F(16, 0), F(32, 31), F(32, 26)},
		{F(32, 30), F(16, 5), F(32, 20)}, {F(32, 29), F(16, 14), F(16, 14)}, {F(16, 14), F(16, 14), F(32, 29)},
		{F(8, 3), F(8, 5), F(8, 4)}, {F(2, 0), F(2, 1), F(2, 0)}, {F(9, 0), F(9, 8), F(3, 2)},
		{F(32, 0), F(32, 31), F(32, 31)}, {F(32, 31), F(32, 0), F(32, 0)}, {F(32, 0), F(32, 0), F(2, 31)},
		{F(32, 31), F(32, 31), F(2, 0)}, {F(16, 31), F(16, 0), F(32, 31)}, {F(24, 12), F(20, 19), F(12, 3)},
	}
	r := rand.New(rand.NewPCG(18, 99))
	rf := func() fixed.Format { return F(uint8(2+r.IntN(31)), uint8(r.IntN(32))) }
	for range 6 {
		out = append(out, [3]fixed.Format{rf(), rf(), rf()})
	}
	return out
}

// fxCases are the operations on each of fxFormats, and the conversions
// from and to double and the dither bits.
func fxCases() []fxCase {
	var cs []fxCase
	const n = 20000
	for _, fs := range fxFormats() {
		fa, fb, to := fs[0], fs[1], fs[2]
		pairs := func(r *rand.Rand) ([]int64, []int64) { return rawPairs(r, fa, fb, n) }
		name := func(op string) string { return fmt.Sprintf("%s(%v, %v -> %v)", op, fa, fb, to) }
		op2 := func(op string, emit func(b *ll.Block, x fxVal, y fxVal) value.Value, want func(a, b int64) int64) {
			cs = append(cs, fxCase{name(op), func(b *ll.Block, a, bv value.Value) value.Value {
				return emit(b, fxOperand(a, fa), fxOperand(bv, fb))
			}, want, pairs})
		}
		op2("add", func(b *ll.Block, x, y fxVal) value.Value { return fxAddSub(b, false, x, fa, y, fb, to) },
			func(a, b int64) int64 { return fixed.Add(a, fa, b, fb, to) })
		op2("sub", func(b *ll.Block, x, y fxVal) value.Value { return fxAddSub(b, true, x, fa, y, fb, to) },
			func(a, b int64) int64 { return fixed.Sub(a, fa, b, fb, to) })
		op2("mul", func(b *ll.Block, x, y fxVal) value.Value { return fxMul(b, x, fa, y, fb, to) },
			func(a, b int64) int64 { return fixed.Mul(a, fa, b, fb, to) })
		op2("div", func(b *ll.Block, x, y fxVal) value.Value { return fxDiv(b, x, fa, y, fb, to) },
			func(a, b int64) int64 { return fixed.Div(a, fa, b, fb, to) })
		op2("min", func(b *ll.Block, x, y fxVal) value.Value { return fxMinMax(b, false, x, fa, y, fb, to) },
			func(a, b int64) int64 {
				if fixed.Cmp(a, fa, b, fb) == -1 {
					return fixed.Convert(a, fa, to)
				}
				return fixed.Convert(b, fb, to)
			})
		op2("max", func(b *ll.Block, x, y fxVal) value.Value { return fxMinMax(b, true, x, fa, y, fb, to) },
			func(a, b int64) int64 {
				if fixed.Cmp(a, fa, b, fb) == 1 {
					return fixed.Convert(a, fa, to)
				}
				return fixed.Convert(b, fb, to)
			})
		// The six comparisons in one: bit k of the result is predicate k.
		preds := []enum.IPred{enum.IPredSLT, enum.IPredSLE, enum.IPredSGT, enum.IPredSGE, enum.IPredEQ, enum.IPredNE}
		tests := []func(int) bool{
			func(c int) bool { return c < 0 }, func(c int) bool { return c <= 0 }, func(c int) bool { return c > 0 },
			func(c int) bool { return c >= 0 }, func(c int) bool { return c == 0 }, func(c int) bool { return c != 0 }}
		op2("cmp", func(b *ll.Block, x, y fxVal) value.Value {
			var acc value.Value = i64c(0)
			for k, p := range preds {
				bit := b.NewShl(b.NewZExt(fxCompare(b, p, x, fa, y, fb), i64), i64c(int64(k)))
				acc = b.NewOr(acc, bit)
			}
			return acc
		}, func(a, b int64) int64 {
			c, acc := fixed.Cmp(a, fa, b, fb), int64(0)
			for k, test := range tests {
				if test(c) {
					acc |= 1 << k
				}
			}
			return acc
		})
		// Unary operations (b unused): every raw value of fa up to 16
		// bits (a quantized model's state), else random ones.
		unary := func(r *rand.Rand) ([]int64, []int64) {
			var as []int64
			if fa.Width <= 16 {
				for a := fa.Min(); a <= fa.Max(); a++ {
					as = append(as, a)
				}
			} else {
				as, _ = rawPairs(r, fa, fixed.Format{Width: 2}, n)
			}
			return as, make([]int64, len(as))
		}
		op1 := func(op string, emit func(b *ll.Block, x fxVal) value.Value, want func(a int64) int64) {
			cs = append(cs, fxCase{name(op), func(b *ll.Block, a, _ value.Value) value.Value {
				return emit(b, fxOperand(a, fa))
			}, func(a, _ int64) int64 { return want(a) }, unary})
		}
		op1("neg", func(b *ll.Block, x fxVal) value.Value { return fxNeg(b, x, fa, to) },
			func(a int64) int64 { return fixed.Neg(a, fa, to) })
		op1("abs", func(b *ll.Block, x fxVal) value.Value { return fxAbs(b, x, fa, to) },
			func(a int64) int64 { return fixed.Abs(a, fa, to) })
		op1("convert", func(b *ll.Block, x fxVal) value.Value { return fxConvert(b, x, int(fa.Frac), to) },
			func(a int64) int64 { return fixed.Convert(a, fa, to) })
		op1("to_double", func(b *ll.Block, x fxVal) value.Value { return b.NewBitCast(fxToDouble(b, x, fa), i64) },
			func(a int64) int64 { return int64(math.Float64bits(fa.Float(a))) })
		// The dither: a raw value of fa and any 64 random bits.
		cs = append(cs, fxCase{name("dither"), func(b *ll.Block, a, bits value.Value) value.Value {
			return fxDither(b, fxOperand(a, fa), fa, to, bits)
		}, func(a, bits int64) int64 { return fixed.ConvertDither(a, fa, to, uint64(bits)) },
			func(r *rand.Rand) ([]int64, []int64) {
				as, bs := unary(r)
				for i := range bs {
					bs[i] = int64(r.Uint64())
					if i%7 == 0 { // the largest and smallest offsets
						bs[i] = int64(uint64(i%2) * math.MaxUint64)
					}
				}
				return as, bs
			}})
		// From double: the values on and next to every rounding tie and
		// end of the format, specials, and doubles of every magnitude.
		cs = append(cs, fxCase{name("from_double"), func(b *ll.Block, x, _ value.Value) value.Value {
			return fxFromDoubleIR(b, fxRoundOf(b), b.NewBitCast(x, f64), to)
		}, func(x, _ int64) int64 { return to.FromFloat(math.Float64frombits(uint64(x))) },
			func(r *rand.Rand) ([]int64, []int64) {
				var as []int64
				add := func(x float64) {
					for _, y := range []float64{x, math.Nextafter(x, math.Inf(1)), math.Nextafter(x, math.Inf(-1))} {
						as = append(as, int64(math.Float64bits(y)), int64(math.Float64bits(-y)))
					}
				}
				for _, x := range []float64{0, math.Inf(1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 1e300, 0x1p63, 0x1p31} {
					add(x)
				}
				as = append(as, int64(0x7FF0000000000001), int64(-1), int64(0x7FF4000000000000)) // NaNs with payloads
				ulp := math.Ldexp(1, -int(to.Frac))
				add(float64(to.Max()) * ulp)
				add((float64(to.Max()) + 0.5) * ulp)
				add((float64(to.Min()) - 0.5) * ulp)
				for range n / 6 {
					k := to.Min() + r.Int64N(to.Max()-to.Min()+1)
					add((float64(k) + 0.5) * ulp)
					add(float64(k) * ulp * (1 + r.Float64()*1e-3))
				}
				for range n / 2 {
					as = append(as, int64(math.Float64bits(math.Ldexp(r.NormFloat64(), r.IntN(80)-60))), int64(r.Uint64()))
				}
				return as, make([]int64, len(as))
			}})
	}
	// A constant operand, as the kernels have (a parameter folded into
	// the code): its range is the constant alone, and the code emitted for
	// it shorter.
	r := rand.New(rand.NewPCG(18, 100))
	for _, fs := range fxFormats()[:12] {
		fa, fb, to := fs[0], fs[1], fs[2]
		for _, c := range []int64{fb.Max(), fb.Min(), 0, 1, -1, randRawOf(r, fb), randRawOf(r, fb)} {
			c = fb.Saturate(c)
			name := func(op string) string { return fmt.Sprintf("%s(%v, %d %v -> %v)", op, fa, c, fb, to) }
			unary := func(r *rand.Rand) ([]int64, []int64) {
				as, _ := rawPairs(r, fa, fixed.Format{Width: 2}, 5000)
				return as, make([]int64, len(as))
			}
			for _, op := range []struct {
				name string
				emit func(b *ll.Block, x, y fxVal) value.Value
				want func(a int64) int64
			}{
				{"add", func(b *ll.Block, x, y fxVal) value.Value { return fxAddSub(b, false, x, fa, y, fb, to) },
					func(a int64) int64 { return fixed.Add(a, fa, c, fb, to) }},
				{"sub", func(b *ll.Block, x, y fxVal) value.Value { return fxAddSub(b, true, y, fb, x, fa, to) },
					func(a int64) int64 { return fixed.Sub(c, fb, a, fa, to) }},
				{"mul", func(b *ll.Block, x, y fxVal) value.Value { return fxMul(b, y, fb, x, fa, to) },
					func(a int64) int64 { return fixed.Mul(c, fb, a, fa, to) }},
				{"div", func(b *ll.Block, x, y fxVal) value.Value { return fxDiv(b, x, fa, y, fb, to) },
					func(a int64) int64 { return fixed.Div(a, fa, c, fb, to) }},
				{"max", func(b *ll.Block, x, y fxVal) value.Value { return fxMinMax(b, true, x, fa, y, fb, to) },
					func(a int64) int64 {
						if fixed.Cmp(a, fa, c, fb) == 1 {
							return fixed.Convert(a, fa, to)
						}
						return fixed.Convert(c, fb, to)
					}},
			} {
				cs = append(cs, fxCase{name(op.name), func(b *ll.Block, a, _ value.Value) value.Value {
					return op.emit(b, fxOperand(a, fa), fxOperand(i64c(c), fb))
				}, func(a, _ int64) int64 { return op.want(a) }, unary})
			}
		}
	}
	// The dither bits: runtime/rng's block for element a at step b, under
	// a few keys and streams.
	for _, key := range []struct {
		seed   uint64
		stream uint32
	}{{0, 0}, {42, 1331791442}, {0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF}, {0x123456789ABCDEF0, 7}} {
		src := rng.New(key.seed)
		cs = append(cs, fxCase{fmt.Sprintf("dither_bits(seed %#x, stream %d)", key.seed, key.stream),
			func(b *ll.Block, index, step value.Value) value.Value {
				return ditherBitsIR(b, i64c(int64(key.seed)), i32c(int64(key.stream)), step, index)
			}, func(index, step int64) int64 {
				w := src.Block(key.stream, uint64(step), uint64(index))
				return int64(uint64(w[0])<<32 | uint64(w[1]))
			}, func(r *rand.Rand) ([]int64, []int64) {
				var as, bs []int64
				for i := range int64(100000) {
					// Consecutive elements of small and large steps, and
					// any counter within rng's limits.
					as, bs = append(as, i, r.Int64N(rng.MaxIndex+1)), append(bs, i%5000, r.Int64N(rng.MaxN+1))
				}
				return as, bs
			}})
	}
	return cs
}

// TestFixedInlineVectorBits checks every emitted fixed-point operation,
// on every format combination of fxFormats, and the dither bits, against
// runtime/fixed and runtime/rng at every vector width of x86-64.
func TestFixedInlineVectorBits(t *testing.T) {
	requireVMathTools(t)
	cases := fxCases()
	in := fxMakeInputs(cases)
	total := 0
	for _, as := range in.as {
		total += len(as)
	}
	for _, target := range vmathTargets {
		t.Run(target.name, func(t *testing.T) {
			exe, widths := buildFxLoops(t, cases, target)
			if !cpuHas(t, target.flag) {
				t.Skipf("vectorised, but this processor has no %s to run it", target.flag)
			}
			counts, bad := runFxLoops(t, exe, cases, in)
			for n, c := range counts {
				require.Zero(t, c, "%s (vector width %d): %d of %d results differ: %s", cases[n].name, widths[n], c, len(in.as[n]), strings.Join(bad, "\n"))
			}
			byWidth := map[int]int{}
			for _, w := range widths {
				byWidth[w]++
			}
			t.Logf("%s: %d loops (loops by vector width, 0 where opt left no loop: %v), %d points, every result runtime/fixed's or runtime/rng's",
				target.name, len(cases), byWidth, total)
		})
	}
}

// TestFixedInlineMutation makes sure the comparison above can fail: a
// conversion that rounds ties up (the usual mistake: an arithmetic shift
// of x + half, without Go's rounding of negative ties away from zero), a
// conversion that does not saturate, and a dither that adds the low bits
// instead of the top ones each give results that differ.
func TestFixedInlineMutation(t *testing.T) {
	requireVMathTools(t)
	from, to := fixed.Format{Width: 32, Frac: 31}, fixed.Format{Width: 16, Frac: 18}
	cases := []fxCase{{"convert rounding ties up", func(b *ll.Block, a, _ value.Value) value.Value {
		s := int64(from.Frac - to.Frac)
		v := b.NewAShr(b.NewAdd(a, i64c(1<<(s-1))), i64c(s))
		return fxSaturate(b, fxVal{v, formatRange(from)}, to)
	}, func(a, _ int64) int64 { return fixed.Convert(a, from, to) }, func(r *rand.Rand) ([]int64, []int64) {
		as, _ := rawPairs(r, from, to, 100000)
		return as, make([]int64, len(as))
	}}, {"convert without saturation", func(b *ll.Block, a, _ value.Value) value.Value {
		// Rounds as Go does, but keeps what the format cannot hold.
		return fxConvert(b, fxVal{a, formatRange(from)}, int(from.Frac), fixed.Format{Width: 32, Frac: to.Frac})
	}, func(a, _ int64) int64 { return fixed.Convert(a, from, to) }, func(r *rand.Rand) ([]int64, []int64) {
		as, _ := rawPairs(r, from, to, 100000)
		return as, make([]int64, len(as))
	}}, {"dither by the low bits", func(b *ll.Block, a, bits value.Value) value.Value {
		s := int64(from.Frac - to.Frac)
		v := b.NewAShr(b.NewAdd(a, b.NewAnd(bits, i64c(1<<s-1))), i64c(s))
		return fxSaturate(b, fxVal{v, formatRange(from)}, to)
	}, func(a, bits int64) int64 { return fixed.ConvertDither(a, from, to, uint64(bits)) }, func(r *rand.Rand) ([]int64, []int64) {
		as, _ := rawPairs(r, from, to, 100000)
		bs := make([]int64, len(as))
		for i := range bs {
			bs[i] = int64(r.Uint64())
		}
		return as, bs
	}}}
	exe, _ := buildFxLoops(t, cases, vmathTargets[1])
	if !cpuHas(t, vmathTargets[1].flag) {
		t.Skipf("this processor has no %s", vmathTargets[1].flag)
	}
	counts, bad := runFxLoops(t, exe, cases, fxMakeInputs(cases))
	for n, c := range counts {
		require.NotZero(t, c, "%s: no result differs from runtime/fixed's", cases[n].name)
	}
	t.Logf("the mutations differ in %v results, e.g. %s", counts, bad[0])
}
