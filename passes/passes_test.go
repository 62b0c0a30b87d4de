package passes

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// runPass parses a module, verifies it, runs one pass, verifies again and
// returns the printed result.
func runPass(t *testing.T, pass func(*ir.Module) error, src string) string {
	t.Helper()
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m), "input")
	require.NoError(t, pass(m))
	require.NoError(t, ir.Verify(m), "output")
	return m.String()
}

// module wraps kernels in a one-population module.
func module(vars, kernels string) string {
	return "module \"t.snn\"\nrun dt=0.0001 duration=1.0 steps=10000 seed=1\n\npopulation p : N[1] {\n" + vars + kernels + "}\n"
}

// kernelText extracts the printed kernel called name.
func kernelText(t *testing.T, text, name string) string {
	t.Helper()
	start := strings.Index(text, "  kernel "+name)
	require.True(t, start >= 0, "no kernel %s in\n%s", name, text)
	end := strings.Index(text[start:], "\n  }\n")
	return text[start : start+end+5]
}

func TestSpecialize(t *testing.T) {
	src := module(`  param tau : f64 = 0.02
  runtime param i_ext : f64 = 0.0
  param w : f64 per_element
  state v : f64
`, `  kernel update {
  b0:
    %0 = param tau : f64
    %1 = param i_ext : f64
    %2 = param w : f64
    %3 = add %0, %1 : f64
    %4 = add %3, %2 : f64
    store v, %4
    ret
  }
`)
	got := kernelText(t, runPass(t, Specialize, src), "update")
	assert.Equal(t, `  kernel update {
  b0:
    %0 = const 0.02 : f64
    %1 = param i_ext : f64
    %2 = param w : f64
    %3 = add %0, %1 : f64
    %4 = add %3, %2 : f64
    store v, %4
    ret
  }
`, got)
}

func TestFold(t *testing.T) {
	src := module("  state v : f64\n", `  kernel update {
  b0:
    %0 = const 2.0 : f64
    %1 = const 3.0 : f64
    %2 = mul %0, %1 : f64
    %3 = load v : f64
    %4 = const 1.0 : f64
    %5 = mul %3, %4 : f64
    %6 = const 0.0 : f64
    %7 = add %5, %6 : f64
    %8 = gt %2, %1 : bool
    %9 = select %8, %7, %3 : f64
    %10 = add %9, %2 : f64
    store v, %10
    ret
  }
`)
	// 2*3 folds to 6, v*1 is v, select on a known condition picks its
	// operand; v + 0 stays, since -0 + 0 is +0.
	got := kernelText(t, runPass(t, Fold, src), "update")
	assert.Equal(t, `  kernel update {
  b0:
    %0 = const 6.0 : f64
    %1 = load v : f64
    %2 = const 0.0 : f64
    %3 = add %1, %2 : f64
    %4 = add %3, %0 : f64
    store v, %4
    ret
  }
`, got)
}

func TestCSE(t *testing.T) {
	src := module("  param a : f64 = 1.0\n  state v : f64\n  state u : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = param a : f64
    %2 = mul %0, %1 : f64
    %3 = param a : f64
    %4 = mul %3, %0 : f64
    %5 = add %2, %4 : f64
    %6 = load u : f64
    store u, %5
    %7 = load u : f64
    %8 = add %6, %7 : f64
    store v, %8
    ret
  }
`)
	// The commutative products merge; loads of u do not, since u is stored
	// in between.
	got := kernelText(t, runPass(t, CSE, src), "update")
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : f64
    %1 = param a : f64
    %2 = mul %0, %1 : f64
    %3 = add %2, %2 : f64
    %4 = load u : f64
    store u, %3
    %5 = load u : f64
    %6 = add %4, %5 : f64
    store v, %6
    ret
  }
`, got)
}

func TestDCE(t *testing.T) {
	src := module("  state v : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = exp %0 : f64
    %2 = mul %1, %1 : f64
    %3 = const 1.0 : f64
    store v, %3
    ret
  }
`)
	got := kernelText(t, runPass(t, DCE, src), "update")
	assert.Equal(t, "  kernel update {\n  b0:\n    %0 = const 1.0 : f64\n    store v, %0\n    ret\n  }\n", got)
}

// TestExactScalar: dv/dt = -v/tau + c gets exp(-dt/tau) and the constant
// c tau (1 - exp(-dt/tau)).
func TestExactScalar(t *testing.T) {
	src := module("  state v : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = const -50.0 : f64
    %2 = mul %0, %1 : f64
    %3 = const 2.0 : f64
    %4 = add %2, %3 : f64
    ode v, %4 method=exact
    ret
  }
`)
	got := kernelText(t, runPass(t, Discretize, src), "update")
	p := math.Exp(-50 * 1e-4)
	c := 2.0 / 50 * (1 - p)
	// The matrix exponential agrees with the closed form to rounding.
	m, err := ir.Parse(runPass(t, Discretize, src))
	require.NoError(t, err)
	k := ir.KernelNamed(m.Populations[0].Kernels, "update")
	var consts []float64
	k.Instrs(func(in *ir.Instr) {
		if x, ok := in.Const(); ok {
			consts = append(consts, x)
		}
	})
	require.Len(t, consts, 2)
	assert.InEpsilon(t, p, consts[0], 1e-14)
	assert.InEpsilon(t, c, consts[1], 1e-12)
	assert.Contains(t, got, "note \"dv/dt: exact, propagator computed at compile time")
}

func TestEulerAndRK4(t *testing.T) {
	body := `  kernel update {
  b0:
    %0 = load v : f64
    %1 = mul %0, %0 : f64
    %2 = neg %1 : f64
    ode v, %2 method=METHOD
    ret
  }
`
	euler := kernelText(t, runPass(t, Discretize, module("  state v : f64\n", strings.Replace(body, "METHOD", "euler", 1))), "update")
	assert.Equal(t, `  kernel update {
    note "dv/dt: euler (the model's hint)"
  b0:
    %0 = load v : f64
    %1 = mul %0, %0 : f64
    %2 = neg %1 : f64
    %3 = load v : f64
    %4 = const 0.0001 : f64
    %5 = mul %4, %2 : f64
    %6 = add %3, %5 : f64
    store v, %6
    ret
  }
`, euler)
	rk4 := runPass(t, Discretize, module("  state v : f64\n", strings.Replace(body, "METHOD", "rk4", 1)))
	// Four evaluations of the right side: a square x*x appears four times.
	squares := 0
	for _, line := range strings.Split(rk4, "\n") {
		if _, rest, ok := strings.Cut(line, "= mul "); ok {
			ops := strings.Split(strings.TrimSuffix(rest, " : f64"), ", ")
			if len(ops) == 2 && ops[0] == ops[1] {
				squares++
			}
		}
	}
	assert.Equal(t, 4, squares, "RK4 evaluates the right side four times\n%s", rk4)
}

func TestExactRejectsNonlinear(t *testing.T) {
	src := module("  state v : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = exp %0 : f64
    ode v, %1 method=exact
    ret
  }
`)
	m, err := ir.Parse(src)
	require.NoError(t, err)
	err = Discretize(m)
	var ds Diagnostics
	require.ErrorAs(t, err, &ds)
	require.Len(t, ds, 1)
	assert.Contains(t, ds[0].Msg, "method exact, but dv/dt is not linear with constant coefficients: it applies exp to the state")
}

func TestExponentialEulerDefault(t *testing.T) {
	// dv/dt = g (e - v): linear in v with a coefficient that depends on
	// the state g, so the default rule picks exponential Euler.
	src := module("  state v : f64\n  state g : f64\n", `  kernel update {
  b0:
    %0 = load v : f64
    %1 = load g : f64
    %2 = const 1.0 : f64
    %3 = sub %2, %0 : f64
    %4 = mul %1, %3 : f64
    ode v, %4
    %5 = neg %1 : f64
    ode g, %5
    ret
  }
`)
	got := runPass(t, Discretize, src)
	assert.Contains(t, got, "dv/dt: exponential_euler (default: dv/dt is not linear with constant coefficients: it multiplies two terms that depend on the state; each equation is linear in its own variable)")
	assert.Contains(t, got, "= exp ")
}

func TestPassTable(t *testing.T) {
	require.NoError(t, checkTable(Table))
	bad := []*Pass{{Name: "b", After: []string{"a"}}, {Name: "a"}}
	assert.EqualError(t, checkTable(bad), "pass b must run after a, which is not listed before it")
	_, err := Options{Disable: []string{"ode"}}.Selected()
	assert.EqualError(t, err, "pass ode is required and cannot be disabled")
	_, err = Options{Only: []string{"nope"}}.Selected()
	assert.ErrorContains(t, err, `unknown pass "nope"`)
	sel, err := Options{Only: []string{"fold"}}.Selected()
	require.NoError(t, err)
	var names []string
	for _, p := range sel {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"fold", "ode"}, names)
}

// TestCSEAlias checks that CSE keys what a load depends on by the
// variable its ref reaches, not by its name: a synapse onto a dendrite
// array stores its segment's u as post.u, and the loadsegs of post.d.u
// around that store read the same variable, so they must not merge.
func TestCSEAlias(t *testing.T) {
	src := `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population p : N[2] {
  state v : f64
  dendrite d[2] {
    state u : f64
  }
}

projection s : p -> p.d using S by all_to_all autapses=false {
  param delay : f64 = 0.0
  param segment : f64 = 1.0
  kernel on_pre {
  b0:
    %0 = const 1.0 : f64
    %1 = loadseg post.d.u, %0 : f64
    %2 = add %1, %0 : f64
    store post.u, %2
    %3 = loadseg post.d.u, %0 : f64
    %4 = add %1, %3 : f64
    store post.v, %4
    ret
  }
}
`
	got := kernelText(t, runPass(t, CSE, src), "on_pre")
	assert.Equal(t, 2, strings.Count(got, "loadseg post.d.u"), "the load after the store stays:\n%s", got)
}
