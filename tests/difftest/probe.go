package difftest

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// genProbe writes a probe type and population: linear ODEs with constant
// coefficients, nothing driving them, every state variable recorded at
// every step. Three kinds:
//   - plain: 1 to 3 variables in mV with coefficients near 1/ms,
//     uncoupled, triangular, coupled (diagonally dominant) or a damped
//     rotation, some with a forcing term in t (which exact propagation
//     holds over each step), some integrated by a discrete method (rk4,
//     euler, exponential_euler) that the oracle then applies itself;
//   - scaled: NEST's iaf_psc_exp without input (issue 16 B's system), whose
//     SI coefficients span about 20 orders of magnitude;
//   - compartments: a soma and a dendrite joined by a conductance
//     (issue 16 C's system).
func (g *gen) genProbe(name string) {
	typ := "L" + strings.TrimPrefix(name, "q")
	size := 1 + g.r.IntN(3)
	var pr Probe
	switch k := g.r.IntN(10); {
	case k < 6:
		pr = g.plainProbe(typ)
	case k < 8:
		pr = g.scaledProbe(typ)
	default:
		pr = g.compartmentProbe(typ)
	}
	pr.Pop = name
	for _, v := range pr.Vars {
		pr.Monitors = append(pr.Monitors, name+"_"+strings.ReplaceAll(v, ".", "_"))
	}
	line, err := json.Marshal(pr)
	if err != nil {
		panic(err)
	}
	g.p("%s%s\n", probeTag, line)
	g.p("population %s = %s[%d]\n", name, typ, size)
	for _, v := range pr.Vars {
		g.p("monitor state %s.%s\n", name, v)
	}
	g.p("\n")
	g.probes = append(g.probes, pr)
}

// plainProbe: x' = (a x + b) / (1 ms), a dimensionless, b in mV.
func (g *gen) plainProbe(typ string) Probe {
	n := 1 + g.r.IntN(3)
	a := make([][]float64, n) // per ms
	as := make([][]string, n) // as written
	for i := range a {
		a[i] = make([]float64, n)
		as[i] = make([]string, n)
	}
	// Diagonal: decay rates from 1/30 to 1/1.5 per ms, so that dt times
	// the largest is at most 0.14 at dt = 0.2 ms.
	for i := 0; i < n; i++ {
		a[i][i], as[i][i] = g.num(-0.66, -0.033, 3)
	}
	shape := g.r.IntN(4) // 0 uncoupled, 1 triangular, 2 coupled, 3 rotation
	if n == 1 {
		shape = 0
	}
	switch shape {
	case 1, 2:
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if i == j || (shape == 1 && j > i) || g.chance(0.3) {
					continue
				}
				// Gershgorin: the off-diagonal row sum stays below
				// half the diagonal, so every eigenvalue decays.
				bound := -a[i][i] / float64(2*n)
				a[i][j], as[i][j] = g.num(-bound, bound, 3)
			}
		}
	case 3:
		w, ws := g.num(0.1, 1.5, 3)
		a[0][1], as[0][1] = -w, "-"+ws
		a[1][0], as[1][0] = w, ws
		a[1][1], as[1][1] = a[0][0], as[0][0]
	}
	b := make([]float64, n)
	bs := make([]string, n)
	for i := range b {
		if g.chance(0.7) {
			b[i], bs[i] = g.num(-2, 2, 3)
		}
	}
	pr := Probe{Kind: "plain", A: make([][]float64, n), B: make([]float64, n), Scale: make([]float64, n)}
	// A forcing term in time, f sin(2 pi t / period), on some rows: the
	// system is then integrated by a discrete method, not exactly.
	var forcing []string
	period := ""
	if g.chance(0.4) {
		var p float64
		p, period = g.num(2, 20, 3)
		pr.Omega = 2 * math.Pi / (p * 1e-3)
		pr.Forcing = make([]float64, n)
		forcing = make([]string, n)
		for i := range forcing {
			if g.chance(0.7) {
				pr.Forcing[i], forcing[i] = g.num(-2, 2, 3) // mV/ms = V/s
			}
		}
	}
	g.p("neuron %s {\n", typ)
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("x%d", i)
		pr.Vars = append(pr.Vars, v)
		switch g.r.IntN(3) {
		case 0:
			g.p("    state %s: mV = %s mV\n", v, g.f(-5, 5))
		case 1:
			g.p("    state %s: mV = uniform(%s mV, %s mV)\n", v, g.f(-5, 0), g.f(0, 5))
		default:
			g.p("    state %s: mV = 0 mV\n", v)
		}
	}
	for i := 0; i < n; i++ {
		var terms []string
		for j := 0; j < n; j++ {
			if as[i][j] != "" {
				terms = append(terms, fmt.Sprintf("%s * x%d", as[i][j], j))
			}
		}
		if bs[i] != "" {
			terms = append(terms, bs[i]+" mV")
		}
		if forcing != nil && forcing[i] != "" {
			terms = append(terms, fmt.Sprintf("%s mV * sin(2 * pi * t / (%s ms))", forcing[i], period))
		}
		g.p("    dx%d/dt = (%s) / (1 ms)\n", i, strings.Join(terms, " + "))
		pr.A[i] = make([]float64, n)
		for j := 0; j < n; j++ {
			pr.A[i][j] = a[i][j] / 1e-3
		}
		pr.B[i] = b[i] * 1e-3 / 1e-3
		pr.Scale[i] = 1e-3 // 1 mV
	}
	methods := []string{"", "exact", "exact", "rk4", "euler", "exponential_euler"}
	if forcing != nil {
		methods = []string{"", "exact", "rk4", "rk4", "euler", "exponential_euler"}
	}
	if m := pick(g, methods...); m != "" {
		g.p("    method %s\n", m)
		pr.Method = m
	}
	g.p("}\n")
	return pr
}

// scaledProbe: NEST's iaf_psc_exp without input.
func (g *gen) scaledProbe(typ string) Probe {
	cm, cms := g.num(50, 500, 3)    // pF
	taum, taums := g.num(5, 30, 3)  // ms
	taus, tauss := g.num(0.5, 5, 3) // ms
	el, els := g.num(-75, -60, 3)   // mV
	ie, ies := g.num(0, 500, 3)     // pA
	is0 := "0 pA"
	if g.chance(0.5) {
		is0 = g.f(-100, 100) + " pA"
	}
	g.p("neuron %s {\n", typ)
	g.p("    param c_m: pF = %s pF\n    param tau_m: ms = %s ms\n    param tau_s: ms = %s ms\n", cms, taums, tauss)
	g.p("    param e_l: mV = %s mV\n    param i_e: pA = %s pA\n", els, ies)
	g.p("    state V_m: mV = e_l + %s mV\n    state i_s: pA = %s\n", g.f(-5, 15), is0)
	g.p("    di_s/dt = -i_s / tau_s\n")
	g.p("    dV_m/dt = -(V_m - e_l) / tau_m + (i_s + i_e) / c_m\n")
	if g.chance(0.5) {
		g.p("    method exact\n")
	}
	g.p("}\n")
	cmSI, tmSI, tsSI, elSI, ieSI := cm*1e-12, taum*1e-3, taus*1e-3, el*1e-3, ie*1e-12
	return Probe{
		Kind: "scaled",
		Vars: []string{"V_m", "i_s"},
		A:    [][]float64{{-1 / tmSI, 1 / cmSI}, {0, -1 / tsSI}},
		B:    []float64{elSI/tmSI + ieSI/cmSI, 0},
		// i_s may start at 0 and stay there: its scale is the current
		// that sets V_m's, or 100 pA.
		Scale: []float64{0.07, max(ieSI, 100e-12)},
	}
}

// compartmentProbe: a soma and one dendrite joined by g_c, no input.
func (g *gen) compartmentProbe(typ string) Probe {
	cs, css := g.num(50, 200, 3) // pF
	cd, cds := g.num(5, 50, 3)   // pF
	gc, gcs := g.num(1, 100, 3)  // nS
	gl, gls := g.num(0, 10, 3)   // nS
	el, els := g.num(-75, -60, 3)
	g.p("neuron %s {\n", typ)
	g.p("    param c_s: pF = %s pF\n    param g_l: nS = %s nS\n    param g_c: nS = %s nS\n    param e_l: mV = %s mV\n", css, gls, gcs, els)
	g.p("    state v: mV = %s mV\n", g.f(-70, -50))
	g.p("    dendrite d {\n        param c_d: pF = %s pF\n        state u: mV = %s mV\n", cds, g.f(-80, -40))
	g.p("        du/dt = g_c * (v - u) / c_d\n    }\n")
	g.p("    dv/dt = (g_l * (e_l - v) + g_c * (d.u - v)) / c_s\n")
	g.p("}\n")
	csSI, cdSI, gcSI, glSI, elSI := cs*1e-12, cd*1e-12, gc*1e-9, gl*1e-9, el*1e-3
	return Probe{
		Kind:  "compartments",
		Vars:  []string{"v", "d.u"},
		A:     [][]float64{{-(glSI + gcSI) / csSI, gcSI / csSI}, {gcSI / cdSI, -gcSI / cdSI}},
		B:     []float64{glSI * elSI / csSI, 0},
		Scale: []float64{0.07, 0.07},
	}
}
