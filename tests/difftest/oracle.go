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
		var ref [][]float64
		switch {
		case p.Method != "" && p.Method != "exact":
			ref = Discrete(p, x0, times)
		case p.Forcing != nil:
			// Exact propagation with the forcing held over each step.
			ref = reference(p.A, func(t float64) []float64 {
				b := make([]float64, n)
				for i := range b {
					b[i] = p.B[i] + p.Forcing[i]*math.Sin(p.Omega*t)
				}
				return b
			}, p.Scale, x0, times)
		default:
			ref = Reference(p.A, p.B, p.Scale, x0, times)
		}
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
	return reference(a, func(float64) []float64 { return b }, scale, x0, times)
}

// reference is Reference with the constant term b(t) of each interval
// between two times taken at the interval's start: snnc's exact
// propagation holds a right side's terms that do not depend on the state
// (inputs, forcing in t) over the step (spec/ir.md).
func reference(a [][]float64, b func(t float64) []float64, scale, x0, times []float64) [][]float64 {
	n := len(x0)
	rho := 0.0
	for i := range n {
		row := 0.0
		for j := range n {
			row += math.Abs(a[i][j]) * scale[j] / scale[i]
		}
		rho = max(rho, row)
	}
	x := append([]float64(nil), x0...)
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	out := make([][]float64, len(times))
	out[0] = append([]float64(nil), x...)
	for r := 1; r < len(times); r++ {
		bk := b(times[r-1])
		f := func(x, dst []float64) {
			for i := range n {
				s := bk[i]
				for j := range n {
					s += a[i][j] * x[j]
				}
				dst[i] = s
			}
		}
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

// Discrete applies the probe's discrete method step by step as spec/ir.md
// defines it, the right side being A x + B + Forcing sin(Omega t), from
// x0 at times[0] = 0 to each of times, one step of dt = times[1] apart:
//   - euler: x + dt f(t, x);
//   - rk4: the classical method, the stages at t, t + dt/2, t + dt/2 and
//     t + dt;
//   - exponential_euler: per row, x' = a x + r with a = A_ii and r the
//     rest at the step's start, x + (r/a + x)(exp(a dt) - 1).
//
// snnc's arithmetic may round differently (the order of a sum, its own
// exp), by a few ulps per step: well within oracleTolerance.
func Discrete(p Probe, x0, times []float64) [][]float64 {
	n := len(x0)
	dt := times[1] - times[0]
	f := func(t float64, x, dst []float64) {
		for i := range n {
			s := p.B[i]
			if p.Forcing != nil {
				s += p.Forcing[i] * math.Sin(p.Omega*t)
			}
			for j := range n {
				s += p.A[i][j] * x[j]
			}
			dst[i] = s
		}
	}
	x := append([]float64(nil), x0...)
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	out := make([][]float64, len(times))
	out[0] = append([]float64(nil), x...)
	for r := 1; r < len(times); r++ {
		t := float64(r-1) * dt
		switch p.Method {
		case "euler":
			f(t, x, k1)
			for i := range n {
				x[i] += dt * k1[i]
			}
		case "rk4":
			f(t, x, k1)
			for i := range n {
				tmp[i] = x[i] + dt/2*k1[i]
			}
			f(t+dt/2, tmp, k2)
			for i := range n {
				tmp[i] = x[i] + dt/2*k2[i]
			}
			f(t+dt/2, tmp, k3)
			for i := range n {
				tmp[i] = x[i] + dt*k3[i]
			}
			f(t+dt, tmp, k4)
			for i := range n {
				x[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
			}
		case "exponential_euler":
			f(t, x, k1)
			for i := range n {
				a := p.A[i][i]
				rest := k1[i] - a*x[i]
				tmp[i] = x[i] + (rest/a+x[i])*math.Expm1(a*dt)
			}
			copy(x, tmp)
		default:
			panic("difftest: no discrete method " + p.Method)
		}
		out[r] = append([]float64(nil), x...)
	}
	return out
}
