package passes

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// twoCompartmentIR is a soma v and a single compartment u with
// dv/dt = a (u - v), du/dt = b (v - u): g/C_s = 1000/s, g/C_d = 10000/s,
// with the dendrite's update before the soma's, as lowering makes them.
func twoCompartmentIR(somaMethod, dendMethod, unless string) string {
	return `module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1

population p : N[1] {
  state v : f64
  dendrite apical {
    state u : f64
    kernel update {
    b0:
      %0 = const 10000.0 : f64
      %1 = load v : f64
      %2 = load u : f64
      %3 = sub %1, %2 : f64
      %4 = mul %0, %3 : f64
      ode u, %4` + dendMethod + `
      ret
    }
  }
  kernel update {
  b0:
    %0 = const 1000.0 : f64
    %1 = load apical.u : f64
    %2 = load v : f64
    %3 = sub %1, %2 : f64
    %4 = mul %0, %3 : f64
    ode v, %4` + somaMethod + unless + `
    ret
  }
}
`
}

// discretized parses a module, runs Discretize and verifies the result.
func discretized(t *testing.T, src string) (*ir.Module, error) {
	t.Helper()
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m), "input")
	err = Discretize(m)
	if err == nil {
		require.NoError(t, ir.Verify(m), "output")
	}
	return m, err
}

// constsOf lists a kernel's constants in order.
func constsOf(k *ir.Kernel) []float64 {
	var out []float64
	k.Instrs(func(in *ir.Instr) {
		if x, ok := in.Const(); ok {
			out = append(out, x)
		}
	})
	return out
}

// The dendrite's ODE moves into the soma's update kernel, named apical.u,
// and the two get one propagator: the closed form conserves b v + a u
// (the charge, C_s and C_d being g/a and g/b) and decays their difference
// at a + b.
func TestCoupleMergesSingleCompartment(t *testing.T) {
	m, err := discretized(t, twoCompartmentIR(" method=exact", " method=exact", ""))
	require.NoError(t, err)
	p := m.Populations[0]
	assert.Nil(t, ir.KernelNamed(p.Dendrites[0].Kernels, "update"))
	k := ir.KernelNamed(p.Kernels, "update")
	text := k.String()
	assert.Contains(t, text, "store apical.u")
	assert.Contains(t, text, "store v")
	assert.Contains(t, strings.Join(k.Notes, "\n"), "dendrite apical: its ODEs are coupled with the soma's and are integrated with them as one system")
	assert.Contains(t, strings.Join(k.Notes, "\n"), "dapical.u/dt: exact")

	const a, b, dt = 1000.0, 10000.0, 1e-4
	e := math.Exp(-(a + b) * dt)
	// u' = (b v + a u)/(a+b) (1 - e) + u e, v' likewise.
	want := []float64{
		a/(a+b)*(1-e) + e, b / (a + b) * (1 - e), // apical.u row: u, v
		a / (a + b) * (1 - e), b/(a+b)*(1-e) + e, // v row: u, v
	}
	got := constsOf(k)
	require.Len(t, got, 4, "%s", text)
	for i := range want {
		assert.InEpsilon(t, want[i], got[i], 1e-13, "entry %d", i)
	}
}

// While the soma is refractory its v is frozen (unless refractory), and
// the dendrite relaxes to it alone: u' = v + (u - v) exp(-b dt), selected
// by the refractory state; the joint propagator is used otherwise.
func TestCoupleFrozenWhileRefractory(t *testing.T) {
	m, err := discretized(t, twoCompartmentIR("", "", " unless_refractory"))
	require.NoError(t, err)
	k := ir.KernelNamed(m.Populations[0].Kernels, "update")
	text := k.String()
	assert.Contains(t, text, "refract")
	assert.Contains(t, strings.Join(k.Notes, "\n"), "while refractory: v frozen; apical.u integrated by the same method as their own system, with v held")
	e := math.Exp(-10000 * 1e-4)
	found := map[string]bool{}
	for _, c := range constsOf(k) {
		if math.Abs(c-e) < 1e-15 {
			found["decay"] = true
		}
		if math.Abs(c-(1-e)) < 1e-15 {
			found["input"] = true
		}
	}
	assert.True(t, found["decay"] && found["input"], "no exp(-b dt) and 1 - exp(-b dt) in\n%s", text)
}

// Compartments that name different methods stay split: their notes say so
// and claim no exactness, and with this coupling (sqrt(a b) = 3162/s,
// r dt = 0.32) the split is an error naming the dt needed.
func TestCoupleSplitMethods(t *testing.T) {
	_, err := discretized(t, twoCompartmentIR(" method=exact", " method=euler", ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "integrated split (the soma's method is exact and the dendrite's euler)")
	assert.Contains(t, err.Error(), "dt must be at most 0.0126 ms")

	// Weaker by 100 in both directions, the split is accurate enough and
	// only noted.
	src := strings.ReplaceAll(strings.ReplaceAll(twoCompartmentIR(" method=exact", " method=euler", ""),
		"const 10000.0", "const 100.0"), "const 1000.0", "const 10.0")
	m, err := discretized(t, src)
	require.NoError(t, err)
	p := m.Populations[0]
	soma := strings.Join(ir.KernelNamed(p.Kernels, "update").Notes, "\n")
	dend := strings.Join(ir.KernelNamed(p.Dendrites[0].Kernels, "update").Notes, "\n")
	assert.Contains(t, soma, "dv/dt: split from apical.u")
	assert.Contains(t, dend, "du/dt: split from v")
	assert.NotContains(t, soma, "exact,")
}

// A dendrite array is read through a reduction: the coupling's rate
// counts every segment, sqrt(2 a b) for two.
func TestCoupleArrayRate(t *testing.T) {
	src := `module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1

population p : N[1] {
  state v : f64
  dendrite seg[2] {
    state u : f64
    kernel update {
    b0:
      %0 = const 10000.0 : f64
      %1 = load v : f64
      %2 = load u : f64
      %3 = sub %1, %2 : f64
      %4 = mul %0, %3 : f64
      ode u, %4
      ret
    }
  }
  kernel update {
  b0:
    %0 = const 1000.0 : f64
    %1 = const 2.0 : f64
    %2 = const 0.0 : f64
    br b1(%2, %2)
  b1(%3: f64, %4: f64):
    %5 = lt %3, %1 : bool
    condbr %5, b2(), b3()
  b2:
    %6 = loadseg seg.u, %3 : f64
    %7 = add %4, %6 : f64
    %8 = const 1.0 : f64
    %9 = add %3, %8 : f64
    br b1(%9, %7)
  b3:
    %10 = load v : f64
    %11 = mul %1, %10 : f64
    %12 = sub %4, %11 : f64
    %13 = mul %0, %12 : f64
    ode v, %13
    ret
  }
}
`
	_, err := discretized(t, src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dendrite seg and its soma exchange state at a rate of 4472/s and are integrated split (a dendrite array)")
}

// linearIn finds the constant multiples of the chosen leaves and refuses
// a product of two of them.
func TestLinearIn(t *testing.T) {
	k, b := ir.NewKernel("k", ir.TVoid)
	_ = k
	x := b.Emit(ir.OpLoad, ir.TF64, "x")
	y := b.Emit(ir.OpLoad, ir.TF64, "y")
	w := b.Emit(ir.OpParam, ir.TF64, "w")
	leaf := func(v ir.Value) (string, bool) {
		in, ok := v.(*ir.Instr)
		return "", ok && in.Op == ir.OpLoad
	}
	// (3 x - y) / 2 + w
	v := b.Binary(ir.OpAdd, b.Binary(ir.OpDiv, b.Binary(ir.OpSub, b.Binary(ir.OpMul, b.Const(3), x), y), b.Const(2)), w)
	coef, ok := linearIn(v, leaf)
	require.True(t, ok)
	assert.Equal(t, map[ir.Value]float64{x: 1.5, y: -0.5}, coef)
	_, ok = linearIn(b.Binary(ir.OpMul, x, y), leaf)
	assert.False(t, ok)
	_, ok = linearIn(b.Binary(ir.OpMul, w, x), leaf)
	assert.False(t, ok, "a coefficient that is not a constant")
}

// With a coefficient from a per-element parameter, the refractory
// subsystem's propagator is computed by the prepare kernel too, in hidden
// variables of its own (decay.refractory.X.refractory.Y), and the module prints,
// parses and prints the same.
func TestCoupleFrozenSymbolic(t *testing.T) {
	src := strings.Replace(twoCompartmentIR("", "", " unless_refractory"), "  state v : f64\n", "  param b : f64 per_element\n  state v : f64\n", 1)
	src = strings.Replace(src, "%0 = const 10000.0 : f64", "%0 = param b : f64", 1)
	m, err := discretized(t, src)
	require.NoError(t, err)
	p := m.Populations[0]
	require.NotNil(t, ir.KernelNamed(p.Kernels, "prepare"))
	require.NotNil(t, ir.VarNamed(p.Vars, "decay.refractory.apical.u.refractory.apical.u"))
	require.NotNil(t, ir.VarNamed(p.Vars, "decay.refractory.apical.u.in.refractory.apical.u"))
	require.NotNil(t, ir.VarNamed(p.Vars, "decay.apical.u.v"))
	text := m.String()
	again, err := ir.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, text, again.String())
}
