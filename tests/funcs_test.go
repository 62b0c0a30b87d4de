package tests

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/fpga"
	"snnc/runtime/npy"
)

// funcArg is one neuron of funcsModel: x starts at x0 and is multiplied by
// g after each step; the functions' argument is x, or x - x where nan is
// set (0 while x is finite, NaN once it has overflowed).
type funcArg struct {
	x0, g float64
	nan   bool
}

// funcArgs cover what the functions must get right: 0, -0 (reached by
// underflow from below), subnormals, the tiny arguments where exprel's
// series is 1 + x/2 to the last bit, moderate values of both signs,
// exprel's overflow at 709.78 crossed in small steps, huge values, ±Inf
// (by overflow), NaN, and the halves where int, floor and ceil differ.
var funcArgs = []funcArg{
	{0, 1, false},
	{1e-300, 1e-3, false},          // subnormal, then +0
	{-1e-300, 1e-3, false},         // to -0
	{1e-17, 10, false},             // 1e-17 ... 1e7: exprel's series region, then every case of expm1
	{-1e-17, 10, false},            // and the negative side, exprel -> 0
	{3e-9, -3, false},              // alternating signs
	{0.3, 1.7, false},              // 0.3 ... 1e5
	{-0.3, 1.7, false},             //
	{706, 1.0003, false},           // crosses 709.78 (exprel +Inf above)
	{1e300, 1e5, false},            // +Inf after one step
	{-1e300, 1e5, false},           // -Inf: exprel 0
	{1e300, 1e5, true},             // 0, then NaN
	{-2.5, 1, false},               // int -2, floor -3, ceil -2
	{-0.5, 1, false},               // int 0 (not -0)
	{2.5, 1, false},                //
	{-1, 1, false},                 //
	{math.Ldexp(1, -54), 1, false}, // Expm1(x) = x: exprel exactly 1
}

// funcsModel runs every step's reset (the threshold always holds) on each
// neuron of funcArgs: the reset stores each function of the argument
// into a state the monitors record, draws rand() and randn(), and moves x.
func funcsModel(steps int) string {
	var x0, g, nan strings.Builder
	for n, a := range funcArgs {
		fmt.Fprintf(&x0, "where(i == %d, %s, ", n, fmtArg(a.x0))
		fmt.Fprintf(&g, "where(i == %d, %s, ", n, fmtArg(a.g))
		fmt.Fprintf(&nan, "where(i == %d, %d, ", n, map[bool]int{false: 0, true: 1}[a.nan])
	}
	closing := strings.Repeat(")", len(funcArgs))
	return fmt.Sprintf(`
neuron Funcs {
    param g = 1
    param nan = 0
    state x = 0
    state e = 0
    state h = 0
    state hh = 0
    state n = 0
    state nc = 0
    state s = 0
    state fl = 0
    state ce = 0
    state cl = 0
    state u = 0
    state z = 0
    let a = where(nan > 0.5, x - x, x)
    threshold t >= 0 ms
    reset {
        e = exprel(a)
        h = heaviside(a)
        hh = heaviside(a, 0.5)
        n = int(a)
        nc = int(a > 1)
        s = sign(a)
        fl = floor(a)
        ce = ceil(a)
        cl = clip(a, -1, 2)
        u = rand()
        z = randn()
        x = x * g
    }
}
population r = Funcs[%d] { x = %s0%s  g = %s1%s  nan = %s0%s }
monitor state r.x every 1
monitor state r.e every 1
monitor state r.h every 1
monitor state r.hh every 1
monitor state r.n every 1
monitor state r.nc every 1
monitor state r.s every 1
monitor state r.fl every 1
monitor state r.ce every 1
monitor state r.cl every 1
monitor state r.u every 1
monitor state r.z every 1
run { duration = %d * 0.1 ms  dt = 0.1 ms  seed = 11 }
`, len(funcArgs), x0.String(), closing, g.String(), closing, nan.String(), closing, steps)
}

func fmtArg(x float64) string { return fmt.Sprintf("%.17g", x) }

// TestFuncsConformance: exprel, heaviside, int, sign, floor, ceil, clip,
// rand() and randn() give the interpreter's bytes natively at 1 to 3
// threads, and each recorded value is what an oracle outside snnc says:
// exprel the series 1 + x/2 + x^2/6 + x^3/24 near 0 (to 1 ulp) and Go's
// math.Expm1(x)/x elsewhere (to 2 ulp: each side within about 1 ulp of
// the truth), the others numpy's and Brian2's definitions written here.
func TestFuncsConformance(t *testing.T) {
	const steps = 30
	ref := conform(t, conformSource("funcs", funcsModel(steps), driver.Options{}).onLLVM(1, 2, 3))
	require.NotNil(t, ref)
	rec := func(name string) [][]float64 {
		a, err := npy.Read(bytes.NewReader(ref.files["r_"+name+".npy"]))
		require.NoError(t, err)
		require.Len(t, a.Data, steps*len(funcArgs), name)
		rows := make([][]float64, steps)
		for k := range rows {
			rows[k] = a.Data[k*len(funcArgs) : (k+1)*len(funcArgs)]
		}
		return rows
	}
	x := rec("x")
	got := map[string][][]float64{}
	for _, name := range []string{"e", "h", "hh", "n", "nc", "s", "fl", "ce", "cl", "u", "z"} {
		got[name] = rec(name)
	}
	var seen struct{ nan, posInf, negInf, negZero, series, overflow int }
	var draws, normals []float64
	// Sample k+1 holds what step k's reset computed from sample k's x.
	for k := 0; k+1 < steps; k++ {
		for i, fa := range funcArgs {
			a := x[k][i]
			if fa.nan {
				a -= a
			}
			at := func(name string) float64 { return got[name][k+1][i] }
			where := fmt.Sprintf("neuron %d, step %d, argument %v", i, k, a)
			switch {
			case math.IsNaN(a):
				seen.nan++
			case math.IsInf(a, 1):
				seen.posInf++
			case math.IsInf(a, -1):
				seen.negInf++
			case a == 0 && math.Signbit(a):
				seen.negZero++
			}
			requireExprel(t, a, at("e"), &seen.series, &seen.overflow, "exprel: "+where)
			requireBits(t, heavisideOracle(a, 0), at("h"), "heaviside: "+where)
			requireBits(t, heavisideOracle(a, 0.5), at("hh"), "heaviside(x, 0.5): "+where)
			requireBits(t, truncOracle(a), at("n"), "int: "+where)
			requireBits(t, map[bool]float64{false: 0, true: 1}[a > 1], at("nc"), "int(cond): "+where)
			requireBits(t, signOracle(a), at("s"), "sign: "+where)
			requireBits(t, math.Floor(a), at("fl"), "floor: "+where)
			requireBits(t, math.Ceil(a), at("ce"), "ceil: "+where)
			requireBits(t, clipOracle(a, -1, 2), at("cl"), "clip: "+where)
			draws = append(draws, at("u"))
			normals = append(normals, at("z"))
		}
	}
	// The arguments reached what they were chosen for.
	require.Positive(t, seen.nan, "NaN arguments")
	require.Positive(t, seen.posInf, "+Inf arguments")
	require.Positive(t, seen.negInf, "-Inf arguments")
	require.Positive(t, seen.negZero, "-0 arguments")
	require.GreaterOrEqual(t, seen.series, 10, "arguments below 1e-5 (exprel's series)")
	require.Positive(t, seen.overflow, "finite arguments above 709.78")

	// rand() is uniform on [0, 1), randn() standard normal: their sample
	// moments within 5 standard errors (n = len(draws)).
	n := float64(len(draws))
	var sumU, sumZ, sumZ2 float64
	for i := range draws {
		require.True(t, draws[i] >= 0 && draws[i] < 1, "rand() = %v", draws[i])
		sumU += draws[i]
		sumZ += normals[i]
		sumZ2 += normals[i] * normals[i]
	}
	require.InDelta(t, 0.5, sumU/n, 5*math.Sqrt(1.0/12/n), "mean of rand()")
	require.InDelta(t, 0, sumZ/n, 5/math.Sqrt(n), "mean of randn()")
	require.InDelta(t, 1, sumZ2/n, 5*math.Sqrt(2/n), "mean square of randn()")
}

// requireBits requires want's bits, any NaN for a NaN.
func requireBits(t *testing.T, want, got float64, msg string) {
	t.Helper()
	if math.IsNaN(want) {
		require.True(t, math.IsNaN(got), "%s: got %v, want NaN", msg, got)
		return
	}
	require.Equal(t, math.Float64bits(want), math.Float64bits(got), "%s: got %v, want %v", msg, got, want)
}

// requireExprel checks snnc's exprel(a) against what is known outside
// snnc: exact values at NaN, ±0, -Inf and above expm1's overflow; for
// |a| < 1e-5 the series 1 + a/2 + a^2/6 + a^3/24 (the next term is below
// 2^-70 of the result), which snnc must meet within 1 ulp; elsewhere Go's
// math.Expm1(a)/a within 2 ulp (each side within about 1 ulp of the exact
// quotient, in either direction).
func requireExprel(t *testing.T, a, got float64, seriesSeen, overflowSeen *int, msg string) {
	t.Helper()
	within := func(want float64, ulps int64) {
		d := int64(math.Float64bits(got)) - int64(math.Float64bits(want))
		require.True(t, d >= -ulps && d <= ulps, "%s: got %v, want %v within %d ulp", msg, got, want, ulps)
	}
	switch {
	case math.IsNaN(a):
		requireBits(t, math.NaN(), got, msg)
	case a == 0:
		requireBits(t, 1, got, msg)
	case math.IsInf(a, -1):
		requireBits(t, 0, got, msg)
	case a > 709.782712893384:
		// Brian2's exprel is +Inf wherever expm1 overflows (the quotient
		// itself would stay finite up to about 716.4).
		if !math.IsInf(a, 1) {
			*overflowSeen++
		}
		requireBits(t, math.Inf(1), got, msg)
	case math.Abs(a) < 1e-5:
		*seriesSeen++
		within(1+(a/2+(a*a/6+a*a*a/24)), 1)
	default:
		within(math.Expm1(a)/a, 2)
	}
}

// heavisideOracle is numpy's heaviside(a, h0).
func heavisideOracle(a, h0 float64) float64 {
	switch {
	case math.IsNaN(a):
		return a
	case a < 0:
		return 0
	case a > 0:
		return 1
	}
	return h0
}

// truncOracle is Brian2's int(a): toward zero, and a 0 is +0.
func truncOracle(a float64) float64 { return math.Trunc(a) + 0 }

// signOracle is numpy's sign: -1, 1, and a zero or NaN itself (-0 kept:
// the sign of -0 is -0, which numpy and C's copysign agree on).
func signOracle(a float64) float64 {
	switch {
	case a < 0:
		return -1
	case a > 0:
		return 1
	}
	return a
}

// clipOracle is numpy's clip: min(max(a, lo), hi), NaN kept.
func clipOracle(a, lo, hi float64) float64 {
	if math.IsNaN(a) {
		return a
	}
	return math.Min(math.Max(a, lo), hi)
}

// exprelRate is a population whose step calls exprel on arguments from
// below 1e-9 to about ±240, of both signs: the form Hodgkin-Huxley rates
// take in Brian2's models (x / (exp(x) - 1) = 1 / exprel(x)).
const exprelRate = `
neuron ExprelRate {
    param tau: ms = 10 ms
    param gain = 1
    state v: mV = uniform(-60 mV, 40 mV)
    dv/dt = (5 mV / exprel(gain * v / (10 mV)) - v) / tau
    threshold v > 15 mV
    reset { v = -50 mV }
}
population r = ExprelRate[64] { gain = uniform(0.000000001, 40) }
monitor spikes r
monitor state r.v every 1
run { duration = 100 ms  dt = 0.1 ms  seed = 3 }
`

// TestExprelConformance: a step kernel that calls exprel
// (snn_exprel_inline, emitted into the module) records the interpreter's
// bytes at 1 to 3 threads, and its step loop vectorises.
func TestExprelConformance(t *testing.T) {
	ref := conform(t, conformSource("exprel_rate", exprelRate, driver.Options{}).onLLVM(1, 2, 3))
	require.NotNil(t, ref)
	pops := ref.summary["populations"].([]any)
	require.Positive(t, pops[0].(map[string]any)["spikes"], "r's spikes")
	t.Run("vectorize", func(t *testing.T) {
		got := vectorizeSource(t, "exprel_rate", exprelRate)
		require.Equal(t, vectorises, got["r_step"], "the step loop of a kernel that calls exprel; all loops: %v", got)
	})
}

// TestRandSugar: rand() and randn() are Brian2's names for uniform(0, 1)
// and normal(0, 1): the same draws from the same streams, so the same IR.
func TestRandSugar(t *testing.T) {
	model := func(u, z string) string {
		return `
neuron N {
    state v: mV = 0 mV
    state w = ` + u + `
    dv/dt = -v / (10 ms)
    threshold v > 1 mV
    reset { v = 0 mV  w += ` + z + ` }
}
population p = N[10] { v = ` + u + ` * 2 mV }
monitor state p.w every 1
monitor spikes p
run { duration = 5 ms  dt = 0.1 ms  seed = 1 }
`
	}
	irOf := func(src string) string {
		var o driver.Options
		o.Verify = true
		_, m, err := driver.CompileSource("rand.snn", []byte(src), o)
		require.NoError(t, err)
		return m.String()
	}
	sugar, plain := irOf(model("rand()", "randn()")), irOf(model("uniform(0, 1)", "normal(0, 1)"))
	require.Contains(t, plain, "rand normal")
	require.Equal(t, plain, sugar)
}

// TestExprelFPGA: the core computes no exprel on the fabric (only the host,
// on parameters; the quantizer leaves it in floating point): a quantized
// model whose step calls it on a state is refused with a positioned
// diagnostic, the one every floating-point function of a state gets (the
// state's conversion to f64 for it).
func TestExprelFPGA(t *testing.T) {
	_, err := fpga.Build(quantizedSource(t, "exprel_rate.snn", exprelRate, 16), driver.FPGAOptions())
	require.Error(t, err)
	t.Log(err)
	require.Regexp(t, `exprel_rate.snn:6:\d+: population r, step kernel: convert from fx[0-9.]+ to f64; the FPGA core computes the quantized model's fixed-point arithmetic only`, err.Error())
}
