package difftest

import (
	"fmt"
	"math"
	"path/filepath"

	"snnc/runtime/npy"
)

// oracleTolerance bounds |snnc - reference| relative to each variable's
// magnitude (the larger of its Scale and its largest reference value).
// Exact propagation loses a few ulps per step, at most 1000 steps here,
// so about 1e-13 of the magnitude for the well-conditioned propagators
// the probes need; the reference (Reference below) is within about 1e-13
// too. 1e-9 leaves four orders of magnitude for rounding, and is far
// below every error of a wrong propagator: issue 16 B's decay factors are
// off by 2e-6 relative, and its spurious coupling moves i_s by 3% of the
// drive.
const oracleTolerance = 1e-9

// checkProbe compares the interpreter's recordings of a probe's state
// (in dir) with an independent integration of x' = A x + b from the
// recorded initial values, neuron by neuron; it returns what disagrees.
func checkProbe(p Probe, dir string) []string {
	n := len(p.Vars)
	var series [][]float64 // per variable: rows of the (T, M) array
	var times []float64
	cols := -1
	for _, mon := range p.Monitors {
		arr, err := npy.ReadFile(filepath.Join(dir, mon+".npy"))
		if err != nil {
			return []string{err.Error()}
		}
		ts, err := npy.ReadFile(filepath.Join(dir, mon+".t.npy"))
		if err != nil {
			return []string{err.Error()}
		}
		if len(arr.Shape) != 2 || (cols >= 0 && arr.Shape[1] != cols) {
			return []string{fmt.Sprintf("%s: shape %v", mon, arr.Shape)}
		}
		cols = arr.Shape[1]
		series = append(series, arr.Data)
		times = ts.Data
	}
	if len(times) < 2 || cols < 1 {
		return []string{"nothing recorded"}
	}
	var out []string
	for c := 0; c < cols; c++ {
		x0 := make([]float64, n)
		for v := range n {
			x0[v] = series[v][c]
		}
		ref := Reference(p.A, p.B, p.Scale, x0, times)
		mag := append([]float64(nil), p.Scale...)
		for _, row := range ref {
			for v := range n {
				mag[v] = max(mag[v], math.Abs(row[v]))
			}
		}
		worst, wr, wv := 0.0, 0, 0
		for r := range times {
			for v := range n {
				got := series[v][r*cols+c]
				e := math.Abs(got-ref[r][v]) / mag[v]
				if math.IsNaN(got) {
					e = math.Inf(1)
				}
				if e > worst {
					worst, wr, wv = e, r, v
				}
			}
		}
		if worst > oracleTolerance {
			out = append(out, fmt.Sprintf("neuron %d: %s at t = %g s is %.17g, the reference %.17g (error %.3g of its magnitude %g; tolerance %g)",
				c, p.Vars[wv], times[wr], series[wv][wr*cols+c], ref[wr][wv], worst, mag[wv], oracleTolerance))
		}
	}
	return out
}

// Reference integrates x' = A x + b from x0 at times[0] to each of times
// with the classical fourth-order Runge-Kutta method in steps short
// enough that the method's own error is below rounding: with scale the
// variables' typical magnitudes, the balanced system S^-1 A S (S =
// diag(scale)) has row sums ρ, and h ρ ≤ 1e-3 makes each step's
// truncation error about (h ρ)^5 / 120 ≈ 1e-17 of the state. Balancing
// matters for NEST-like systems, whose SI coefficients span 20 orders of
// magnitude without making the system stiff.
func Reference(a [][]float64, b, scale, x0, times []float64) [][]float64 {
	n := len(x0)
	rho := 0.0
	for i := range n {
		row := 0.0
		for j := range n {
			row += math.Abs(a[i][j]) * scale[j] / scale[i]
		}
		rho = max(rho, row)
	}
	f := func(x, dst []float64) {
		for i := range n {
			s := b[i]
			for j := range n {
				s += a[i][j] * x[j]
			}
			dst[i] = s
		}
	}
	x := append([]float64(nil), x0...)
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	out := make([][]float64, len(times))
	out[0] = append([]float64(nil), x...)
	for r := 1; r < len(times); r++ {
		span := times[r] - times[r-1]
		steps := max(1, int(math.Ceil(span*rho/1e-3)))
		h := span / float64(steps)
		for range steps {
			f(x, k1)
			for i := range n {
				tmp[i] = x[i] + h/2*k1[i]
			}
			f(tmp, k2)
			for i := range n {
				tmp[i] = x[i] + h/2*k2[i]
			}
			f(tmp, k3)
			for i := range n {
				tmp[i] = x[i] + h*k3[i]
			}
			f(tmp, k4)
			for i := range n {
				x[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
			}
		}
		out[r] = append([]float64(nil), x...)
	}
	return out
}
