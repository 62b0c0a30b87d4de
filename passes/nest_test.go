package passes

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// NEST's closed-form propagators (Rotter & Diesmann 1999; NEST's
// iaf_psc_exp and iaf_psc_alpha, libnestutil/propagator_stability), for a
// step h, a synaptic time constant tau_s (a = 1/tau_s), a membrane one tau_m
// (b = 1/tau_m) and a capacitance c_m. Written here with the cancellations
// taken out (expm1, and a series where the time constants are close), so
// that they are good to 1e-15 themselves.

// psc is P(h) for the ODEs of iaf_psc_exp (i_s, V) or iaf_psc_alpha (dI,
// I, V).
type psc struct{ h, tauS, tauM, cM float64 }

// p11 is the synaptic decay exp(-h/tau_s), P22 of the alpha synapse too.
func (p psc) p11() float64 { return math.Exp(-p.h / p.tauS) }

// pMM is the membrane's decay exp(-h/tau_m).
func (p psc) pMM() float64 { return math.Exp(-p.h / p.tauM) }

// pVI is the response of V to the current: tau_s tau_m / (c_m (tau_m -
// tau_s)) (exp(-h/tau_m) - exp(-h/tau_s)), P21 of iaf_psc_exp and P32 of
// iaf_psc_alpha; h exp(-h/tau)/c_m where tau_m = tau_s. As exp(-h/tau_m)
// (1 - exp(-ch)) / (c c_m), c = a - b.
func (p psc) pVI() float64 {
	c := 1/p.tauS - 1/p.tauM
	if c == 0 {
		return p.h * p.pMM() / p.cM
	}
	return p.pMM() * -math.Expm1(-c*p.h) / (c * p.cM)
}

// pVdI is P31 of iaf_psc_alpha, the response of V to dI: exp(-ah)
// (exp(-ch') - 1 + ch') / (c_m c'^2), c' = b - a; h^2/(2 c_m) exp(-h/tau)
// where the time constants are equal.
func (p psc) pVdI() float64 {
	c := 1/p.tauM - 1/p.tauS
	x := -c * p.h
	var f float64 // (e^x - 1 - x) / x^2
	if math.Abs(x) < 1 {
		term := 0.5
		for k := 3; k < 30; k++ {
			f += term
			term *= x / float64(k)
		}
	} else {
		f = (math.Expm1(x) - x) / (x * x)
	}
	return p.p11() * f * p.h * p.h / p.cM
}

// pV0 is the response of V to a constant current i_e: tau_m/c_m (1 -
// exp(-h/tau_m)) i_e.
func (p psc) pV0() float64 { return -p.tauM / p.cM * math.Expm1(-p.h/p.tauM) }

// pscIR is iaf_psc_exp (alpha false) or iaf_psc_alpha as IR, with tau_m
// a runtime parameter or a constant, in SI units as snnc lowers them.
func pscIR(p psc, alpha, runtime bool) string {
	tauM := fmt.Sprintf("%%t = const %v : f64", p.tauM)
	param := ""
	if runtime {
		tauM = "%t = param tau_m : f64"
		param = fmt.Sprintf("  runtime param tau_m : f64 = %v\n", p.tauM)
	}
	syn := `    %a = load i_s : f64
    %na = neg %a : f64
    %ts = const TAUS : f64
    %da = div %na, %ts : f64
    ode i_s, %da method=exact
`
	cur, states := "%a", "  state i_s : f64\n"
	if alpha {
		syn = `    %d = load dI : f64
    %nd = neg %d : f64
    %ts = const TAUS : f64
    %dd = div %nd, %ts : f64
    ode dI, %dd method=exact
    %a = load I : f64
    %na = div %a, %ts : f64
    %di = sub %d, %na : f64
    ode I, %di method=exact
`
		states = "  state dI : f64\n  state I : f64\n"
	}
	src := `module "t.snn"
run dt=H duration=1.0 steps=10 seed=1

population p : N[1] {
PARAM  param i_e : f64 = 3.8e-10
STATES  state V : f64
  kernel update {
  b0:
SYN    %v = load V : f64
    TAUM
    %vt = div %v, %t : f64
    %nv = neg %vt : f64
    %c = const CM : f64
    %ie = const 3.8e-10 : f64
    %in = add CUR, %ie : f64
    %ic = div %in, %c : f64
    %dv = add %nv, %ic : f64
    ode V, %dv method=exact
    ret
  }
}
`
	for _, r := range [][2]string{{"PARAM", param}, {"STATES", states}, {"SYN", syn}, {"TAUM", tauM}, {"CUR", cur},
		{"TAUS", fmt.Sprint(p.tauS)}, {"CM", fmt.Sprint(p.cM)}, {"H", fmt.Sprint(p.h)}} {
		src = replaceAll(src, r[0], r[1])
	}
	return numberValues(src)
}

// TestNESTPropagators: the propagators the pass makes for iaf_psc_exp and
// iaf_psc_alpha, with tau_m a constant (computed at compile time) or a
// runtime parameter (by the prepare kernel), equal NEST's closed forms to
// 1e-12 relative, for NEST's defaults (tau_m 10 ms, tau_s 2 ms, c_m 250
// pF, h 0.1 ms), equal time constants (NEST's singular case), and stiff
// and slow synapses.
func TestNESTPropagators(t *testing.T) {
	for _, p := range []psc{
		{1e-4, 2e-3, 10e-3, 250e-12},
		{1e-4, 10e-3, 10e-3, 250e-12}, // tau_s = tau_m
		{1e-4, 10e-3 * (1 + 1e-7), 10e-3, 250e-12},
		{1e-3, 1e-5, 20e-3, 1e-12}, // a synapse 100 times faster than the step
		{1e-4, 5, 10e-3, 100e-12},
	} {
		for _, alpha := range []bool{false, true} {
			for _, runtime := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v/alpha=%v/runtime=%v", p, alpha, runtime), func(t *testing.T) {
					m, err := ir.Parse(pscIR(p, alpha, runtime))
					require.NoError(t, err)
					require.NoError(t, Discretize(m))
					require.NoError(t, ir.Verify(m))
					pop := m.Populations[0]
					got := pscPropagator(t, pop, alpha)
					want := map[string]float64{"V.V": p.pMM(), "V.0": p.pV0() * 3.8e-10}
					if alpha {
						want["dI.dI"], want["I.I"], want["I.dI"] = p.p11(), p.p11(), p.h*p.p11()
						want["V.I"], want["V.dI"] = p.pVI(), p.pVdI()
					} else {
						want["i_s.i_s"], want["V.i_s"] = p.p11(), p.pVI()
					}
					for k, w := range want {
						assert.InEpsilon(t, w, got[k], 1e-12, "%s", k)
					}
					// A variable nothing feeds picks up no coupling.
					syn := "i_s"
					if alpha {
						syn = "dI"
					}
					assert.Zero(t, got[syn+".V"])
					assert.Zero(t, got[syn+".0"])
				})
			}
		}
	}
}

// pscPropagator runs the update kernel (after the prepare kernel, if there
// is one) from unit states, and returns its coefficients: "X.Y" the new X
// per unit of old Y, "X.0" the new X from zero state (the constant input's
// response).
func pscPropagator(t *testing.T, pop *ir.Population, alpha bool) map[string]float64 {
	vars := []string{"i_s", "V"}
	if alpha {
		vars = []string{"dI", "I", "V"}
	}
	env := map[string]float64{"tau_m": 0, "i_e": 3.8e-10}
	for _, v := range pop.Vars {
		if v.Kind == ir.VarParam {
			env[v.Name] = v.Value
		}
	}
	if prep := ir.KernelNamed(pop.Kernels, "prepare"); prep != nil {
		for k, v := range evalKernel(t, prep, env) {
			env[k] = v
		}
	}
	update := ir.KernelNamed(pop.Kernels, "update")
	step := func(unit string) map[string]float64 {
		for _, v := range vars {
			env[v] = 0
			if v == unit {
				env[v] = 1
			}
		}
		return evalKernel(t, update, env)
	}
	out := map[string]float64{}
	zero := step("")
	for _, x := range vars {
		out[x+".0"] = zero[x]
	}
	for _, y := range vars {
		next := step(y)
		for _, x := range vars {
			out[x+"."+y] = next[x] - zero[x]
		}
	}
	return out
}

func replaceAll(s, old, new string) string { return strings.ReplaceAll(s, old, new) }

// numberValues renames the named values %name of hand-written IR to the
// numbers the text form uses, in order of definition.
func numberValues(src string) string {
	names := map[string]string{}
	return regexp.MustCompile(`%[a-z]+`).ReplaceAllStringFunc(src, func(n string) string {
		if _, ok := names[n]; !ok {
			names[n] = fmt.Sprintf("%%%d", len(names))
		}
		return names[n]
	})
}
