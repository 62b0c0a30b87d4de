package tests

import (
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"snnc/backends/driver"
	"snnc/ir"
	"snnc/passes"
)

// compileExample lowers an example and runs every pass, verifying after
// each; it returns the IR text after lowering and after all passes, and
// what each pass changed (passChanges), by pass.
func compileExample(t *testing.T, path string) (lowered, final string, changes map[string]string, m *ir.Module) {
	t.Helper()
	changes = map[string]string{}
	var before map[string]string
	o := driver.Options{Lowered: func(m *ir.Module) {
		lowered = m.String()
		before = kernelTexts(m)
	}}
	o.After = func(pass string, m *ir.Module) {
		after := kernelTexts(m)
		changes[pass] = passChanges(before, after)
		before = after
	}
	m = compileWith(t, path, o)
	return lowered, m.String(), changes, m
}

// kernelTexts prints every kernel of the module, by owner and name.
func kernelTexts(m *ir.Module) map[string]string {
	out := map[string]string{}
	m.Kernels(func(owner string, k *ir.Kernel) { out[owner+" "+k.Name] = k.String() })
	return out
}

// passChanges lists the kernels a pass added, changed or removed, the
// first two as they are after it.
func passChanges(before, after map[string]string) string {
	keys := slices.Sorted(maps.Keys(before))
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		x, wasThere := before[k]
		y, isThere := after[k]
		switch {
		case !isThere:
			fmt.Fprintf(&b, "removed %s\n", k)
		case !wasThere:
			fmt.Fprintf(&b, "added %s:\n%s", k, y)
		case x != y:
			fmt.Fprintf(&b, "changed %s:\n%s", k, y)
		}
	}
	if b.Len() == 0 {
		return "no change\n"
	}
	return b.String()
}

// fixedWidthNote matches the notes in which --quantize=fixed gives a
// variable its width: "quantize: owner.name fxW.F: why".
var fixedWidthNote = regexp.MustCompile(`^quantize: [\w.]+ fx\d+\.\d+: `)

// TestIRGolden compares the IR of every example, after lowering, after
// all passes, and what each pass changed, with tests/golden/NAME.txtar.
// go test ./tests -update rewrites the files; review the diff as you
// would code.
func TestIRGolden(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		t.Run(name, func(t *testing.T) {
			lowered, final, changes, _ := compileExample(t, f)
			sections := []txtar.File{{Name: "out/ir.lower", Data: []byte(lowered)}}
			for _, p := range passes.Table {
				sections = append(sections, txtar.File{Name: "out/pass." + p.Name, Data: []byte(changes[p.Name])})
			}
			sections = append(sections, txtar.File{Name: "out/ir", Data: []byte(final)})
			if _, ok := notQuantizable[name]; ok {
				checkGolden(t, name, sections)
				return
			}
			// The quantize pass runs when asked for: its result at 16 bits,
			// calibrated as snnc --quantize does, and the width
			// --quantize=fixed gives each variable, with its reason.
			ranges := calibration(t, f, driver.Options{})
			quantized := quantizedWith(t, f, 16, driver.Options{}, ranges).String()
			var widths strings.Builder
			for _, n := range quantizedWith(t, f, ir.QuantizeFixed, driver.Options{}, ranges).Notes {
				if fixedWidthNote.MatchString(n) {
					widths.WriteString(n + "\n")
				}
			}
			checkGolden(t, name, append(sections, txtar.File{Name: "out/ir.int16", Data: []byte(quantized)},
				txtar.File{Name: "out/widths.fixed", Data: []byte(widths.String())}))
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  golden: %s\n  now:    %s", i+1, a, b)
		}
	}
	return ""
}

// TestIRRoundTrip: print -> parse -> print is identical for every example,
// after lowering and after every pass.
func TestIRRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			check := func(stage string, m *ir.Module) {
				text := m.String()
				back, err := ir.Parse(text)
				require.NoError(t, err, stage)
				assert.Equal(t, text, back.String(), "round trip after %s", stage)
				assert.NoError(t, ir.Verify(back), "parsed IR after %s", stage)
			}
			o := driver.Options{Lowered: func(m *ir.Module) { check("lowering", m) }}
			o.After = check
			compileWith(t, f, o)
		})
	}
}

// TestCUBAPropagators checks the exact propagator of the CUBA neuron
// against the closed forms: with a = 1/tau_m, b = 1/tau_e,
// P_vv = exp(-dt a), P_ee = exp(-dt b), the coupling
// P_ve = a (exp(-dt b) - exp(-dt a)) / (a - b), and the constant
// E_l (1 - exp(-dt a)).
func TestCUBAPropagators(t *testing.T) {
	// Without fuse, the update is its own kernel.
	m := compileWith(t, "../examples/cuba.snn", without("fuse"))
	var pop *ir.Population
	for _, p := range m.Populations {
		if p.Name == "exc" {
			pop = p
		}
	}
	require.NotNil(t, pop)
	update := ir.KernelNamed(pop.Kernels, "update")
	require.NotNil(t, update)
	// Collect the coefficients: each store's value is a sum of const*load
	// terms and a constant.
	coef := map[string]map[string]float64{}
	update.Instrs(func(in *ir.Instr) {
		if in.Op != ir.OpStore {
			return
		}
		terms := map[string]float64{}
		var walk func(v ir.Value)
		walk = func(v ir.Value) {
			x := v.(*ir.Instr)
			switch x.Op {
			case ir.OpAdd:
				walk(x.Args[0])
				walk(x.Args[1])
			case ir.OpMul:
				c, _ := x.Args[0].(*ir.Instr).Const()
				terms[x.Args[1].(*ir.Instr).VarName()] = c
			case ir.OpConst:
				c, _ := x.Const()
				terms["1"] = c
			case ir.OpSelect: // unless refractory
				walk(x.Args[2])
			default:
				t.Fatalf("unexpected %s in the update of %s", x.Op, in.VarName())
			}
		}
		walk(in.Args[0])
		coef[in.VarName()] = terms
	})
	const dt, tauM, tauE, tauI, el = 1e-4, 20e-3, 5e-3, 10e-3, -49e-3
	a, be, bi := 1/tauM, 1/tauE, 1/tauI
	want := map[string]map[string]float64{
		"v": {
			"v":  math.Exp(-dt * a),
			"ge": a * (math.Exp(-dt*be) - math.Exp(-dt*a)) / (a - be),
			"gi": a * (math.Exp(-dt*bi) - math.Exp(-dt*a)) / (a - bi),
			"1":  el * (1 - math.Exp(-dt*a)),
		},
		"ge": {"ge": math.Exp(-dt * be)},
		"gi": {"gi": math.Exp(-dt * bi)},
	}
	for v, terms := range want {
		require.Len(t, coef[v], len(terms), "terms of %s: %v", v, coef[v])
		for name, w := range terms {
			assert.InEpsilon(t, w, coef[v][name], 1e-12, "P[%s][%s]", v, name)
		}
	}
}

// TestIzhikevichNumerical: the nonlinear Izhikevich model is integrated
// numerically, never exactly.
func TestIzhikevichNumerical(t *testing.T) {
	_, final, _, _ := compileExample(t, "../examples/izhikevich.snn")
	assert.Contains(t, final, `note "dv/dt: euler (the model's hint)"`)
	assert.NotContains(t, final, "ode ")
	// Without the hint, the default rule picks RK4 and says why.
	m := compileWith(t, "../examples/izhikevich.snn", driver.Options{Lowered: func(m *ir.Module) {
		m.Kernels(func(_ string, k *ir.Kernel) {
			k.Instrs(func(in *ir.Instr) {
				if in.Op == ir.OpODE {
					aux := in.Aux.(ir.ODEAux)
					aux.Method = ""
					in.Aux = aux
				}
			})
		})
	}})
	assert.Contains(t, m.String(), "dv/dt: rk4 (default: dv/dt is not linear with constant coefficients: it multiplies two terms that depend on the state)")
}
