package difftest

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/runtime/npy"
)

// requireClose requires the reference within 1e-12 of each variable's
// magnitude of a closed form at every time.
func requireClose(t *testing.T, what string, ref [][]float64, want func(t float64) []float64, times, mag []float64) {
	t.Helper()
	for r, tt := range times {
		w := want(tt)
		for v := range w {
			require.InDelta(t, w[v], ref[r][v], 1e-12*mag[v], "%s: variable %d at t = %g", what, v, tt)
		}
	}
}

func grid(dt float64, n int) []float64 {
	ts := make([]float64, n)
	for k := range ts {
		ts[k] = float64(k) * dt
	}
	return ts
}

// TestReferenceClosedForms: the oracle's integration against the closed
// forms of a decay towards a constant, a damped rotation, and NEST's
// iaf_psc_exp (Rotter & Diesmann 1999) with issue 16 B's coefficients.
func TestReferenceClosedForms(t *testing.T) {
	times := grid(1e-4, 500)

	a, b, x0 := -250.0, 1.5, 0.004 // 1/s, V/s, V
	ref := Reference([][]float64{{a}}, []float64{b}, []float64{1e-3}, []float64{x0}, times)
	requireClose(t, "decay", ref, func(t float64) []float64 {
		return []float64{(x0+b/a)*math.Exp(a*t) - b/a}
	}, times, []float64{0.006})

	alpha, omega := 300.0, 900.0
	ref = Reference([][]float64{{-alpha, -omega}, {omega, -alpha}}, []float64{0, 0}, []float64{1e-3, 1e-3}, []float64{0.002, -0.001}, times)
	requireClose(t, "rotation", ref, func(t float64) []float64 {
		e, c, s := math.Exp(-alpha*t), math.Cos(omega*t), math.Sin(omega*t)
		return []float64{e * (0.002*c + 0.001*s), e * (0.002*s - 0.001*c)}
	}, times, []float64{0.002, 0.002})

	cm, tm, ts, el, ie, i0, v0 := 250e-12, 10e-3, 2e-3, -0.07, 380e-12, 50e-12, -0.065
	ref = Reference([][]float64{{-1 / tm, 1 / cm}, {0, -1 / ts}}, []float64{el/tm + ie/cm, 0},
		[]float64{0.07, 380e-12}, []float64{v0, i0}, times)
	requireClose(t, "iaf_psc_exp", ref, func(t float64) []float64 {
		em, es := math.Exp(-t/tm), math.Exp(-t/ts)
		v := el + (v0-el)*em + ie*tm/cm*(1-em) + i0/cm*(es-em)/(1/tm-1/ts)
		return []float64{v, i0 * es}
	}, times, []float64{0.07, 380e-12})
}

// TestCheckProbe: recordings equal to the reference pass; a relative
// error of 1e-7 (smaller than issue 16 B's) or a NaN fails.
func TestCheckProbe(t *testing.T) {
	p := Probe{Pop: "q0", Kind: "scaled", Vars: []string{"V_m", "i_s"}, Monitors: []string{"q0_V_m", "q0_i_s"},
		A: [][]float64{{-100, 4e9}, {0, -500}}, B: []float64{-7 + 1.52, 0}, Scale: []float64{0.07, 380e-12}}
	times := grid(1e-4, 200)
	write := func(perturb func(v, r int, x float64) float64) string {
		dir := t.TempDir()
		ref := [][][]float64{
			Reference(p.A, p.B, p.Scale, []float64{-0.07, 0}, times),
			Reference(p.A, p.B, p.Scale, []float64{-0.06, 1e-10}, times),
		}
		for v, mon := range p.Monitors {
			data := make([]float64, 0, 2*len(times))
			for r := range times {
				for c := range 2 {
					data = append(data, perturb(v, r, ref[c][r][v]))
				}
			}
			require.NoError(t, npy.WriteFloat64File(filepath.Join(dir, mon+".npy"), []int{len(times), 2}, data))
			require.NoError(t, npy.WriteFloat64File(filepath.Join(dir, mon+".t.npy"), []int{len(times)}, times))
		}
		return dir
	}
	require.Empty(t, checkProbe(p, write(func(_, _ int, x float64) float64 { return x })))
	bad := checkProbe(p, write(func(v, r int, x float64) float64 {
		if v == 1 && r == 150 {
			return x + 1e-7*380e-12
		}
		return x
	}))
	require.Len(t, bad, 2, "both neurons")
	require.Contains(t, bad[0], "i_s at t = 0.015")
	require.NotEmpty(t, checkProbe(p, write(func(v, r int, x float64) float64 {
		if v == 0 && r == 3 {
			return math.NaN()
		}
		return x
	})))
}

// TestCompareDirs: a difference in NaN bits only is the known item, any
// other difference is new, and summary.json's wall time does not count.
func TestCompareDirs(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	nan1, nan2 := math.Float64frombits(0xfff8000000000000), math.Float64frombits(0x7ff8000000000000)
	write := func(dir string, x float64, wall string) {
		require.NoError(t, npy.WriteFloat64File(filepath.Join(dir, "p_v.npy"), []int{2, 1}, []float64{1, x}))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "summary.json"), []byte(`{"steps": 2, "wall_seconds": `+wall+`}`), 0o644))
	}
	write(a, nan1, "1")
	write(b, nan1, "2")
	require.Empty(t, compareDirs(a, b, true))
	write(b, nan2, "2")
	d := compareDirs(a, b, true)
	require.Len(t, d, 1)
	require.Equal(t, KnownNaN, d[0].known, d[0].text)
	write(b, 2, "2")
	d = compareDirs(a, b, true)
	require.Len(t, d, 1)
	require.Empty(t, d[0].known, d[0].text)
	require.Contains(t, d[0].text, "element 1: 2 (0x4000000000000000), want NaN")
}
