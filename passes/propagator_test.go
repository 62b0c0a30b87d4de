package passes

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// testExpm is the test's own exponential of a float64 matrix, in math/big
// at a fixed 3000 bits: written apart from the pass's reference
// (propcheck.go) and with another scaling (to norm 2^-20, so the series
// is short and the squarings many), so that a mistake in one is not
// repeated in the other. 1500 bits leave about 1400 after the squarings
// of the test matrices (norms below 2^30, each squaring costing a bit or
// two where entries cancel).
func testExpm(m [][]float64) [][]*big.Float {
	const prec = 1500
	n := len(m)
	f := func() *big.Float { return new(big.Float).SetPrec(prec) }
	var norm float64
	for i := range m {
		r := 0.0
		for _, x := range m[i] {
			r += math.Abs(x)
		}
		norm = math.Max(norm, r)
	}
	s := 0
	for math.Ldexp(norm, -s) > math.Ldexp(1, -20) {
		s++
	}
	mat := func() [][]*big.Float {
		a := make([][]*big.Float, n)
		for i := range a {
			a[i] = make([]*big.Float, n)
			for j := range a[i] {
				a[i][j] = f()
			}
		}
		return a
	}
	mul := func(a, b [][]*big.Float) [][]*big.Float {
		c := mat()
		t := f()
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k := 0; k < n; k++ {
					c[i][j].Add(c[i][j], t.Mul(a[i][k], b[k][j]))
				}
			}
		}
		return c
	}
	x := mat()
	for i := range m {
		for j := range m[i] {
			x[i][j].SetFloat64(m[i][j])
			x[i][j].SetMantExp(x[i][j], -s)
		}
	}
	sum, term := mat(), mat()
	for i := 0; i < n; i++ {
		sum[i][i].SetInt64(1)
		term[i][i].SetInt64(1)
	}
	// Terms below 2^-20k / k! are below 2^-1600 by k = 80.
	for k := 1; k <= 80; k++ {
		term = mul(term, x)
		kk := f().SetInt64(int64(k))
		for i := range term {
			for j := range term[i] {
				term[i][j].Quo(term[i][j], kk)
				sum[i][j].Add(sum[i][j], term[i][j])
			}
		}
	}
	for ; s > 0; s-- {
		sum = mul(sum, sum)
	}
	return sum
}

// ulpsOff is the error of got in ulps of want (the spacing of float64 at
// want, at least 2^-1074); an exact zero must be got exactly.
func ulpsOff(got float64, want *big.Float) float64 {
	if want.Sign() == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	w, _ := want.Float64()
	if w == 0 {
		w = math.SmallestNonzeroFloat64
	}
	spacing := math.Nextafter(math.Abs(w), math.Inf(1)) - math.Abs(w)
	if math.IsInf(spacing, 0) {
		spacing = math.Ldexp(1, 1024-53)
	}
	d := new(big.Float).SetPrec(1600).Sub(new(big.Float).SetFloat64(got), want)
	d.Quo(d, new(big.Float).SetFloat64(spacing))
	u, _ := d.Float64()
	return math.Abs(u)
}

// logUniform draws a magnitude between 10^lo and 10^hi.
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Pow(10, lo+(hi-lo)*r.Float64())
}

// randomSystem is the augmented matrix [[A, B, c], [0, 0, 0]] dt of a
// random linear system of n states and one input, of a kind:
//
//   - "triangular": each state fed only by earlier ones (as synaptic
//     currents feed a membrane), with distinct decay rates;
//   - "repeated": triangular with some decay rates equal (alpha synapses,
//     tau_m = tau_s) and some nearly equal;
//   - "coupled": every state feeds every other (compartments), the
//     diagonal dominant so that the system decays;
//   - "blocks": coupled pairs in a chain, each fed by the one before;
//   - "scaled": coupled, with rates of order 1/dt, seen in units that
//     differ per state (volts, amperes, siemens...): A_ij = Ã_ij s_i / s_j
//     with the scales s spanning 1e-15..1e12. The propagator is then far
//     from 0 and from the identity in every entry.
//
// Rates (1/tau) and couplings span 1e-15..1e12 per second, so with dt =
// 1e-4 s the entries of M span 1e-19..1e8: a variable that decays in
// 1e-12 s next to one that barely moves.
func randomSystem(r *rand.Rand, n int, kind string) [][]float64 {
	const dt = 1e-4
	size := n + 2
	m := make([][]float64, size)
	for i := range m {
		m[i] = make([]float64, size)
	}
	rate := func() float64 { return -logUniform(r, -15, 12) }
	coupling := func() float64 {
		c := logUniform(r, -15, 12)
		if r.IntN(2) == 0 {
			c = -c
		}
		return c
	}
	for i := 0; i < n; i++ {
		switch kind {
		case "triangular", "repeated":
			m[i][i] = rate()
			if kind == "repeated" && i > 0 && r.IntN(2) == 0 {
				m[i][i] = m[i-1][i-1] // an equal rate
				if r.IntN(3) == 0 {
					m[i][i] *= 1 + 1e-9*r.Float64() // a nearly equal one
				}
			}
			for j := 0; j < i; j++ {
				if r.IntN(3) > 0 {
					m[i][j] = coupling()
				}
			}
		case "coupled":
			sum := 0.0
			for j := 0; j < n; j++ {
				if j != i {
					m[i][j] = coupling()
					sum += math.Abs(m[i][j])
				}
			}
			m[i][i] = -sum * (1 + r.Float64()) // diagonally dominant: it decays
		case "scaled":
			sum := 0.0
			for j := 0; j < n; j++ {
				if j != i {
					m[i][j] = (0.1 + 10*r.Float64()) * math.Copysign(1, r.Float64()-0.5) / dt
					sum += math.Abs(m[i][j])
				}
			}
			m[i][i] = -sum * (0.5 + r.Float64())
		case "blocks":
			first := i &^ 1
			m[i][i] = rate()
			if other := first + 1 - (i - first); other < n && other != i {
				m[i][other] = coupling()
				m[i][i] = -(math.Abs(m[i][i]) + math.Abs(m[i][other]))
			}
			if first >= 2 {
				m[i][first-2] = coupling()
			}
		}
		if r.IntN(2) == 0 {
			m[i][n] = coupling() // the input
		}
		if r.IntN(2) == 0 {
			m[i][n+1] = coupling() // the constant
		}
	}
	if kind == "scaled" {
		scale := make([]float64, size)
		for i := range scale {
			scale[i] = logUniform(r, -15, 12)
		}
		for i := range m {
			for j := range m[i] {
				m[i][j] *= scale[i] / scale[j]
			}
		}
	}
	for i := range m {
		for j := range m[i] {
			m[i][j] *= dt
		}
	}
	return m
}

// TestStructuredExpRandom compares the pass's propagators of random
// linear systems with the test's own math/big exponential: every entry
// within propagatorBound ulps, the entries with no path exactly zero.
func TestStructuredExpRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	worst := map[string]float64{}
	for _, kind := range []string{"triangular", "repeated", "coupled", "blocks", "scaled"} {
		for trial := 0; trial < 40; trial++ {
			n := 2 + trial%5
			m := randomSystem(r, n, kind)
			t.Run(fmt.Sprintf("%s/%d", kind, trial), func(t *testing.T) {
				got := structuredExp(m)
				want := testExpm(m)
				for i := range m {
					for j := range m {
						u := ulpsOff(got[i][j], want[i][j])
						worst[kind] = math.Max(worst[kind], u)
						if u > propagatorBound {
							w, _ := want[i][j].Float64() // formatted only on failure: a big.Float of exponent -1e8 is slow to print
							t.Fatalf("entry %d,%d: %g, want %g (%g ulps)\nM = %v", i, j, got[i][j], w, u, m)
						}
					}
				}
				// The pass's own check agrees.
				rows, err := checkPropagator(m, got)
				require.NoError(t, err)
				for i, u := range rows {
					require.LessOrEqual(t, u, float64(propagatorBound), "row %d", i)
				}
			})
		}
	}
	t.Logf("worst error in ulps: %v", worst)
}

// systemIR writes the random system m (an augmented matrix from
// randomSystem, divided by dt again) as a population whose every
// coefficient is a runtime parameter, so that its propagator is computed
// by a prepare kernel. The input and constant columns become one rest per
// equation: b_i * u + c_i.
func systemIR(m [][]float64, dt float64) (src string, coef [][]float64) {
	n := len(m) - 2
	coef = make([][]float64, n)
	var sb strings.Builder
	fmt.Fprintf(&sb, "module \"t.snn\"\nrun dt=%v duration=1.0 steps=%d seed=1\n\npopulation p : N[1] {\n", dt, int(1/dt))
	for i := 0; i < n; i++ {
		coef[i] = make([]float64, n+2)
		for j := 0; j < n+2; j++ {
			coef[i][j] = m[i][j] / dt
			if coef[i][j] != 0 {
				fmt.Fprintf(&sb, "  runtime param a%d_%d : f64 = %v\n", i, j, coef[i][j])
			}
		}
	}
	fmt.Fprintf(&sb, "  runtime param u : f64 = 1.0\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  state x%d : f64\n", i)
	}
	sb.WriteString("  kernel update {\n  b0:\n")
	next := 0
	val := func(format string, args ...any) int {
		fmt.Fprintf(&sb, "    %%%d = "+format+"\n", append([]any{next}, args...)...)
		next++
		return next - 1
	}
	loads := make([]int, n)
	for i := range loads {
		loads[i] = val("load x%d : f64", i)
	}
	u := val("param u : f64")
	for i := 0; i < n; i++ {
		sum := val("const 0.0 : f64")
		for j := 0; j < n+2; j++ {
			if coef[i][j] == 0 {
				continue
			}
			a := val("param a%d_%d : f64", i, j)
			switch {
			case j < n:
				a = val("mul %%%d, %%%d : f64", a, loads[j])
			case j == n:
				a = val("mul %%%d, %%%d : f64", a, u)
			}
			sum = val("add %%%d, %%%d : f64", sum, a)
		}
		fmt.Fprintf(&sb, "    ode x%d, %%%d method=exact\n", i, sum)
	}
	sb.WriteString("    ret\n  }\n}\n")
	return sb.String(), coef
}

// TestSymbolicRandom: the random systems with runtime coefficients. Where
// the pass accepts the system, the prepare kernel, run by the test's own
// evaluator, must give every entry of the propagator within
// propagatorBoundRuntime ulps of the test's math/big exponential of the
// same matrix (coefficients times dt, each product rounded as the kernel
// rounds it, and a unit column dt for each equation's rest). Where it
// refuses, the refusal must be the self-check's, at an equation. The
// closed forms (a decay; one variable feeding another, directly or
// through a third; an equation's rest) must always be accepted:
// two-state triangular systems (with their rests, three or four columns)
// have no other entries. The prepare kernel's Taylor exponential in float64 (for
// chains and coupled blocks) loses about an ulp per squaring and more
// where entries cancel, so stiff random chains are refused: the test
// logs how many.
func TestSymbolicRandom(t *testing.T) {
	const dt = 1e-4
	r := rand.New(rand.NewPCG(16, 3))
	worst := map[string]float64{}
	accepted, refused := map[string]int{}, map[string]int{}
	for _, kind := range []string{"triangular", "repeated", "coupled", "blocks", "scaled"} {
		for trial := 0; trial < 20; trial++ {
			n := 2 + trial%5
			src, coef := systemIR(randomSystem(r, n, kind), dt)
			t.Run(fmt.Sprintf("%s/%d", kind, trial), func(t *testing.T) {
				mod, err := ir.Parse(src)
				require.NoError(t, err, src)
				if err := Discretize(mod); err != nil {
					var ds Diagnostics
					require.ErrorAs(t, err, &ds)
					require.Contains(t, ds[0].Msg, "ulps from its exact value")
					require.False(t, n == 2 && (kind == "triangular" || kind == "repeated"), "a two-state triangular system refused: %v", err)
					refused[kind]++
					return
				}
				accepted[kind]++
				require.NoError(t, ir.Verify(mod))
				prepare := ir.KernelNamed(mod.Populations[0].Kernels, "prepare")
				params := map[string]float64{}
				for _, v := range mod.Populations[0].Vars {
					if v.Kind == ir.VarParam {
						params[v.Name] = v.Value
					}
				}
				got := evalKernel(t, prepare, params)
				// The matrix the kernel exponentiates: a rest column per
				// equation that has one (an input or a constant term).
				size := n
				restCol := map[int]int{}
				for i := 0; i < n; i++ {
					if coef[i][n] != 0 || coef[i][n+1] != 0 {
						restCol[i] = size
						size++
					}
				}
				m := make([][]float64, size)
				for i := range m {
					m[i] = make([]float64, size)
				}
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						m[i][j] = coef[i][j] * dt
					}
					if c, ok := restCol[i]; ok {
						m[i][c] = dt
					}
				}
				want := testExpm(m)
				name := func(j int) string {
					if j < n {
						return fmt.Sprintf("x%d", j)
					}
					for i, c := range restCol {
						if c == j {
							return fmt.Sprintf("in.x%d", i)
						}
					}
					panic("no column")
				}
				for i := 0; i < n; i++ {
					for j := 0; j < size; j++ {
						u := ulpsOff(got[propagatorName(fmt.Sprintf("x%d", i), name(j))], want[i][j])
						worst[kind] = math.Max(worst[kind], u)
						if u > propagatorBoundRuntime {
							w, _ := want[i][j].Float64()
							t.Fatalf("entry %d,%d: %g, want %g (%g ulps)\nM = %v", i, j, got[propagatorName(fmt.Sprintf("x%d", i), name(j))], w, u, m)
						}
					}
				}
			})
		}
	}
	t.Logf("worst error in ulps: %v; accepted %v, refused by the self-check %v", worst, accepted, refused)
}

// TestCableExp: a soma and a cable of dendritic compartments joined by
// conductances (part C of issue 16 integrates such systems as one), in SI
// units: 100 pF and 10 pF, 100 nS between neighbours, 1 nS of leak to
// -70 mV, dt = 0.1 ms. The coupling g/C dt is 1 per step, so the
// exponential needs squarings, and the entries between compartments far
// apart fall to 1e-36 of the others: each must still be within
// propagatorBound ulps of the test's math/big exponential (a Taylor
// polynomial of the degree the norm alone asks for would leave them 0).
func TestCableExp(t *testing.T) {
	const (
		n    = 32
		dt   = 1e-4
		g    = 100e-9
		gL   = 1e-9
		eL   = -70e-3
		cSom = 100e-12
		cDen = 10e-12
	)
	m := make([][]float64, n+1)
	for i := range m {
		m[i] = make([]float64, n+1)
	}
	for i := 0; i < n; i++ {
		c := cDen
		if i == 0 {
			c = cSom
		}
		m[i][i] = -gL / c * dt
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < n {
				m[i][j] = g / c * dt
				m[i][i] -= g / c * dt
			}
		}
		m[i][n] = gL * eL / c * dt
	}
	got := structuredExp(m)
	want := testExpm(m)
	worst := 0.0
	for i := range m {
		for j := range m {
			u := ulpsOff(got[i][j], want[i][j])
			worst = math.Max(worst, u)
			if u > propagatorBound {
				w, _ := want[i][j].Float64()
				t.Fatalf("entry %d,%d: %g, want %g (%g ulps)", i, j, got[i][j], w, u)
			}
		}
	}
	smallest, _ := want[0][n-1].Float64()
	t.Logf("worst error %.2g ulps; the soma's entry for the last compartment is %g", worst, smallest)
}
