package tests

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/backends/llvm"
	"snnc/ir"
	"snnc/passes"
	"snnc/runtime"
	"snnc/runtime/npy"
)

// Coupled compartments (issue 16 C): a soma and a dendrite joined by a
// conductance are one linear system, integrated as one (passes/
// compartments.go). Each case is checked on the interpreter and natively
// against a closed form at every recorded sample.

// compartmentTol bounds the difference from the closed form, in volts:
// the propagator is a matrix exponential accurate to a few ulps, applied
// over a few dozen steps to values of about 10 mV, so 1e-12 V (1e-9 mV)
// leaves a margin of about a thousand. The split scheme was 4e-4 V off.
const compartmentTol = 1e-12

// twoCompartments is the repro: 100 pF at 10 mV and 10 pF at
// 0 mV joined by 100 nS, no leak. Charge is conserved, so both settle at
// 10·100/110 mV, with the time constant C_s C_d / (g (C_s + C_d)) = 0.0909
// ms, shorter than dt.
const twoCompartments = `
neuron Two {
    param c_s: pF = 100 pF
    param c_d: pF = 10 pF
    param g: nS = 100 nS
    state v: mV = 10 mV
    dendrite apical {
        state u: mV = 0 mV
        du/dt = g * (v - u) / c_d
        method exact
    }
    dv/dt = g * (apical.u - v) / c_s
    method exact
}
population p = Two[1]
monitor state p.v
monitor state p.apical.u
run { duration = 2 ms  dt = 0.1 ms }
`

// compartmentRuns compiles src and returns its recordings on the
// interpreter and natively (where the tools are), by target.
func compartmentRuns(t *testing.T, name, src string) (map[string]string, *ir.Module) {
	t.Helper()
	prog, m, err := driver.CompileSource(name, []byte(src), driver.Options{Options: passes.Options{Verify: true}})
	require.NoError(t, err)
	dir := t.TempDir()
	res := run(t, m, interp.Options{})
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	outs := map[string]string{"interp": dir}
	if len(llvm.MissingTools()) == 0 {
		outs["llvm"] = runNative(t, prog, m, t.TempDir())
	}
	return outs, m
}

// readState returns a state monitor's samples of neuron 0 and their times.
func readState(t *testing.T, dir, name string) (x, ts []float64) {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(dir, name+".npy"))
	require.NoError(t, err)
	tt, err := npy.ReadFile(filepath.Join(dir, name+".t.npy"))
	require.NoError(t, err)
	require.Len(t, a.Shape, 2)
	for k := 0; k < a.Shape[0]; k++ {
		x = append(x, a.Data[k*a.Shape[1]])
	}
	return x, tt.Data
}

func TestCoupledCompartmentsConserveCharge(t *testing.T) {
	const (
		cs, cd, g = 100e-12, 10e-12, 100e-9
		v0, u0    = 10e-3, 0.0
	)
	tau := cs * cd / (g * (cs + cd))
	vInf := (cs*v0 + cd*u0) / (cs + cd)
	outs, m := compartmentRuns(t, "two.snn", twoCompartments)
	for target, dir := range outs {
		v, ts := readState(t, dir, "p_v")
		u, _ := readState(t, dir, "p_apical_u")
		require.Len(t, v, 20, target)
		for k := range v {
			e := math.Exp(-ts[k] / tau)
			require.InDelta(t, vInf+(v0-vInf)*e, v[k], compartmentTol, "%s: v at t = %g", target, ts[k])
			require.InDelta(t, vInf+(u0-vInf)*e, u[k], compartmentTol, "%s: u at t = %g", target, ts[k])
		}
		require.InDelta(t, 9.0909e-3, v[len(v)-1], 1e-6, target)
	}
	// One system, noted as exact; the dendrite keeps no update kernel.
	p := m.Populations[0]
	require.Nil(t, ir.KernelNamed(p.Dendrites[0].Kernels, "update"))
	notes := strings.Join(allNotes(p), "\n")
	require.Contains(t, notes, "dendrite apical: its ODEs are coupled with the soma's and are integrated with them as one system")
	require.NotContains(t, notes, "split")
}

func allNotes(p *ir.Population) []string {
	var out []string
	for _, k := range p.Kernels {
		out = append(out, k.Notes...)
	}
	for _, d := range p.Dendrites {
		for _, k := range d.Kernels {
			out = append(out, k.Notes...)
		}
	}
	return out
}

// With leaks to a rest potential and a current into the soma, x' = A x + b
// with A = [[-(g+gl_s)/C_s, g/C_s], [g/C_d, -(g+gl_d)/C_d]]; the test
// solves it by A's eigenvalues (real: A is similar to a symmetric
// matrix), x(t) = x_inf + sum_k c_k exp(lambda_k t) w_k. The default
// method (no hint) and a current driven by a runtime parameter.
func TestCoupledCompartmentsLeakCurrent(t *testing.T) {
	const src = `
runtime param drive: pA = 200 pA
neuron Leaky {
    param c_s: pF = 100 pF
    param c_d: pF = 20 pF
    param g: nS = 50 nS
    param gl_s: nS = 5 nS
    param gl_d: nS = 2 nS
    param e_l: mV = -70 mV
    param i_e: pA = 0 pA
    state v: mV = -65 mV
    dendrite apical {
        state u: mV = -70 mV
        du/dt = (g * (v - u) + gl_d * (e_l - u)) / c_d
    }
    dv/dt = (g * (apical.u - v) + gl_s * (e_l - v) + i_e) / c_s
}
population p = Leaky[1]
current c -> p.i_e = drive
monitor state p.v
monitor state p.apical.u
run { duration = 30 ms  dt = 0.1 ms }
`
	const (
		cs, cd, g, gls, gld = 100e-12, 20e-12, 50e-9, 5e-9, 2e-9
		el, ie, v0, u0      = -70e-3, 200e-12, -65e-3, -70e-3
	)
	a, b := -(g+gls)/cs, g/cs
	c, d := g/cd, -(g+gld)/cd
	// Steady state: A x_inf = -(gl_s e_l + i_e)/C_s, -gl_d e_l / C_d.
	r1, r2 := -(gls*el+ie)/cs, -gld*el/cd
	det := a*d - b*c
	vInf, uInf := (r1*d-b*r2)/det, (a*r2-c*r1)/det
	tr := a + d
	disc := math.Sqrt(tr*tr/4 - det)
	l1, l2 := tr/2+disc, tr/2-disc
	// Eigenvectors (b, l - a); x0 - x_inf = c1 w1 + c2 w2.
	w1, w2 := [2]float64{b, l1 - a}, [2]float64{b, l2 - a}
	dv, du := v0-vInf, u0-uInf
	den := w1[0]*w2[1] - w2[0]*w1[1]
	c1, c2 := (dv*w2[1]-w2[0]*du)/den, (w1[0]*du-dv*w1[1])/den

	outs, m := compartmentRuns(t, "leaky.snn", src)
	for target, dir := range outs {
		v, ts := readState(t, dir, "p_v")
		u, _ := readState(t, dir, "p_apical_u")
		require.Len(t, v, 300, target)
		for k := range v {
			e1, e2 := math.Exp(l1*ts[k]), math.Exp(l2*ts[k])
			require.InDelta(t, vInf+c1*e1*w1[0]+c2*e2*w2[0], v[k], compartmentTol, "%s: v at t = %g", target, ts[k])
			require.InDelta(t, uInf+c1*e1*w1[1]+c2*e2*w2[1], u[k], compartmentTol, "%s: u at t = %g", target, ts[k])
		}
	}
	notes := strings.Join(allNotes(m.Populations[0]), "\n")
	require.Contains(t, notes, "dapical.u/dt: exact")
	require.NotContains(t, notes, "split")
}

// A soma frozen while refractory (unless refractory) and a dendrite that
// reads it: while refractory, v stays at its reset and u relaxes to it
// alone, u(t) = v + (u_0 - v) exp(-g t / C_d); outside, the two relax
// together (the no-leak closed form). The soma starts above threshold,
// fires in step 0, and is refractory in steps 1 to 9.
func TestCoupledCompartmentsRefractory(t *testing.T) {
	const src = `
neuron Two {
    param c_s: pF = 100 pF
    param c_d: pF = 50 pF
    param g: nS = 10 nS
    state v: mV = 20 mV
    dendrite apical {
        state u: mV = 0 mV
        du/dt = g * (v - u) / c_d
    }
    dv/dt = g * (apical.u - v) / c_s unless refractory
    threshold v > 15 mV
    reset { v = 10 mV }
    refractory 1 ms
}
population p = Two[1]
monitor spikes p
monitor state p.v
monitor state p.apical.u
run { duration = 4 ms  dt = 0.1 ms }
`
	const (
		cs, cd, g, dt = 100e-12, 50e-12, 10e-9, 1e-4
		vReset        = 10e-3
	)
	tau := cs * cd / (g * (cs + cd))
	// joint advances both by h without leak: the charge stays, the
	// difference decays with tau.
	joint := func(v, u, h float64) (float64, float64) {
		inf := (cs*v + cd*u) / (cs + cd)
		e := math.Exp(-h / tau)
		return inf + (v-inf)*e, inf + (u-inf)*e
	}
	want := [][2]float64{{20e-3, 0}}
	_, u := joint(20e-3, 0, dt)
	v := vReset // the spike of step 0
	want = append(want, [2]float64{v, u})
	for k := 1; k < 40; k++ {
		if k <= 9 {
			u = v + (u-v)*math.Exp(-g*dt/cd)
		} else {
			v, u = joint(v, u, dt)
		}
		want = append(want, [2]float64{v, u})
	}
	outs, m := compartmentRuns(t, "refractory.snn", src)
	for target, dir := range outs {
		vs, ts := readState(t, dir, "p_v")
		us, _ := readState(t, dir, "p_apical_u")
		require.Len(t, vs, 40, target)
		for k := range vs {
			require.InDelta(t, want[k][0], vs[k], compartmentTol, "%s: v at t = %g", target, ts[k])
			require.InDelta(t, want[k][1], us[k], compartmentTol, "%s: u at t = %g", target, ts[k])
		}
		for k := 2; k <= 10; k++ {
			require.Equal(t, vReset, vs[k], "%s: v frozen at step %d", target, k)
		}
	}
	notes := strings.Join(allNotes(m.Populations[0]), "\n")
	require.Contains(t, notes, "while refractory: v frozen; apical.u integrated")
}

// A dendrite array coupled to its soma stays split. The error names the
// dt needed (tests/errors/ode_split_compartments_dt.snn); at that dt the
// split result is within the error the check promises, r·dt/4 of the
// difference between compartments, of the closed form of the equivalent
// two compartments (four equal segments are one of 4 C_d joined by 4 g).
func TestSplitCompartmentsAtNeededDt(t *testing.T) {
	src := func(dt string) string {
		return fmt.Sprintf(`
neuron Two {
    param c_s: pF = 100 pF
    param c_d: pF = 10 pF
    param g: nS = 100 nS
    state v: mV = 10 mV
    dendrite seg[4] {
        state u: mV = 0 mV
        du/dt = g * (v - u) / c_d
    }
    dv/dt = g * (sum(seg.u) - 4 * v) / c_s
}
population p = Two[1]
monitor state p.v
run { duration = 1 ms  dt = %s }
`, dt)
	}
	_, _, err := driver.CompileSource("seg.snn", []byte(src("0.1 ms")), driver.Options{})
	require.Equal(t, driver.Passes, driver.StageOf(err), "%v", err)
	require.ErrorContains(t, err, "dt must be at most 0.00632 ms")

	const cs, cdTotal, gTotal, v0 = 100e-12, 40e-12, 400e-9, 10e-3
	rate := math.Sqrt(gTotal / cs * gTotal / cdTotal)
	tau := cs * cdTotal / (gTotal * (cs + cdTotal))
	vInf := cs * v0 / (cs + cdTotal)
	for _, dt := range []float64{0.00632e-3, 0.002e-3} {
		outs, m := compartmentRuns(t, "seg.snn", src(fmt.Sprintf("%g ms", dt*1e3)))
		notes := strings.Join(allNotes(m.Populations[0]), "\n")
		require.Contains(t, notes, "dv/dt: split from seg.u (a dendrite array)")
		require.NotContains(t, notes, "dv/dt: exact")
		for target, dir := range outs {
			v, ts := readState(t, dir, "p_v")
			worst := 0.0
			for k := range v {
				worst = math.Max(worst, math.Abs(v[k]-(vInf+(v0-vInf)*math.Exp(-ts[k]/tau))))
			}
			require.Less(t, worst, rate*dt/4*v0, "%s at dt = %g: error %g", target, dt, worst)
			require.Greater(t, worst, rate*dt/4*v0/4, "%s at dt = %g: the estimate is far too loose", target, dt)
		}
	}
}

// A conductance drawn per neuron makes the joint propagator symbolic,
// computed by the prepare kernel once per run: each neuron follows the
// closed form with its own g (recorded through a definition).
func TestCoupledCompartmentsPerNeuron(t *testing.T) {
	const src = `
neuron Two {
    param c_s: pF = 100 pF
    param g: nS = 100 nS
    state v: mV = 10 mV
    let g_val = g
    dendrite apical {
        param c_d: pF = 10 pF
        state u: mV = 0 mV
        du/dt = g * (v - u) / c_d
    }
    dv/dt = g * (apical.u - v) / c_s
}
population p = Two[3] { g = uniform(50 nS, 150 nS)  apical.c_d = 20 pF }
monitor state p.v
monitor state p.apical.u
monitor state p.g_val
run { duration = 1 ms }
`
	const cs, cd, v0 = 100e-12, 20e-12, 10e-3
	outs, m := compartmentRuns(t, "pe.snn", src)
	require.NotNil(t, ir.KernelNamed(m.Populations[0].Kernels, "prepare"))
	for target, dir := range outs {
		read := func(name string) *npy.Array {
			a, err := npy.ReadFile(filepath.Join(dir, name+".npy"))
			require.NoError(t, err)
			return a
		}
		v, u, g := read("p_v"), read("p_apical_u"), read("p_g_val")
		ts, err := npy.ReadFile(filepath.Join(dir, "p_v.t.npy"))
		require.NoError(t, err)
		n := v.Shape[1]
		require.Equal(t, 3, n)
		for i := 0; i < n; i++ {
			gi := g.Data[i]
			require.True(t, gi >= 50e-9 && gi < 150e-9, "g = %g", gi)
			tau := cs * cd / (gi * (cs + cd))
			inf := cs * v0 / (cs + cd)
			for k, tk := range ts.Data {
				e := math.Exp(-tk / tau)
				require.InDelta(t, inf+(v0-inf)*e, v.Data[k*n+i], compartmentTol, "%s: neuron %d v at t = %g", target, i, tk)
				require.InDelta(t, inf*(1-e), u.Data[k*n+i], compartmentTol, "%s: neuron %d u at t = %g", target, i, tk)
			}
		}
	}
}
