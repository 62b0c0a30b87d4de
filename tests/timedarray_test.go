package tests

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/ir"
)

// timedArrays integrates a timed array's current and copies a
// two-dimensional one's columns into state: stim (1, 2, 3 nA every 1 ms)
// drives an integrator dx/dt = i_ext / c (i_ext = stim(t) (i + 1)), and
// every 0.5 ms set.y = grid(t, i) from grid.csv (3 rows of 2 columns, in
// pA, every 2 ms) for 3 elements, the third outside the columns.
const timedArrays = `
neuron Integrator {
    param c: pF = 100 pF
    param i_ext: nA = 0 nA
    state x: mV = 0 mV
    dx/dt = i_ext / c
}
neuron Setter {
    state y: pA = 0 pA
}
timedarray stim: nA = [1 nA, 2 nA, 3 nA] every 1 ms
timedarray grid: pA = "grid.csv" every 2 ms
population cells = Integrator[2]
population set = Setter[3]
current drive -> cells.i_ext = stim(t) * (i + 1)
every 0.5 ms on set { y = grid(t, i) }
monitor state cells.x every 1
monitor state set.y every 1
run { duration = 5 ms  dt = 0.1 ms }
`

// writeTimedArrays writes the model and its data file into a directory and
// returns the model's path.
func writeTimedArrays(t *testing.T) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "grid.csv"), []byte("1,10\n2,20\n3,30\n"), 0o644))
	path := filepath.Join(dir, "timed.snn")
	require.NoError(t, os.WriteFile(path, []byte(timedArrays), 0o644))
	return path
}

// Brian2's TimedArray rule, row int((t / epsilon + 0.5) / K) with
// epsilon = dt_array / K and K = 2**ceil(log2(8 dt_array / dt)), clipped
// to the last row: at dt = 0.1 ms the row of a 1 ms array is step / 10,
// the row of a 2 ms one step / 20, and both hold their last value after
// their end. Against a hand computation: the integrator's x at step k is
// the sum over the steps m < k of dt stim(m) (i + 1) / c (each step's
// current is the value at t = m dt, step 1 of the order of events, and x
// integrates it exactly), stim(m) = (min(m / 10, 2) + 1) nA; set.y is
// grid's row min(m / 20, 2) at the last 0.5-ms run m (every 5 steps), and
// NaN in the third column, which grid does not have.
func TestTimedArrayHandComputation(t *testing.T) {
	m := compileWith(t, writeTimedArrays(t), driver.Options{})
	require.Equal(t, int64(128), m.TableNamed("stim").K)
	res := run(t, m, interp.Options{})
	x, y := stateNamed(t, res, "cells_x"), stateNamed(t, res, "set_y")
	const dt, c = 1e-4, 100e-12
	sum := [2]float64{}
	for row, k := range x.Steps {
		for i := range 2 {
			require.InDelta(t, sum[i], x.Values[row*2+i], 1e-12*math.Abs(sum[i])+1e-18, "x of %d at step %d", i, k)
			stim := float64(min(k/10, 2)+1) * 1e-9
			sum[i] += dt * stim * float64(i+1) / c
		}
		run := k / 5 * 5
		r := min(run/20, 2)
		for i := range 2 {
			want := float64(r+1) * []float64{1, 10}[i] * 1e-12
			require.InEpsilon(t, want, y.Values[row*3+i], 1e-15, "y of %d at step %d", i, k)
		}
		require.True(t, math.IsNaN(y.Values[row*3+2]), "y of element 2, outside grid's columns, at step %d", k)
	}
}

// ir.Table.Row against the rule written out once more, over times around
// each row's boundary and past both ends.
func TestTableRow(t *testing.T) {
	tb := &ir.Table{Dt: 1e-3, K: ir.TableK(1e-3, 1e-4), Rows: 4, Cols: 1, Values: []float64{0, 1, 2, 3}}
	require.Equal(t, int64(128), tb.K)
	for k := -30; k < 80; k++ {
		x := float64(k) * 1e-4
		want := min(max(k, 0)/10, 3)
		require.Equal(t, want, tb.Row(x), "step %d", k)
		require.Equal(t, float64(want), tb.At(x, 0))
	}
	require.Equal(t, 0, tb.Row(math.NaN()))
	require.True(t, math.IsNaN(tb.At(0, 1)))
	require.True(t, math.IsNaN(tb.At(0, -1)))
	// K: the smallest power of two of at least 8 dt_array / dt.
	require.Equal(t, int64(8), ir.TableK(1e-4, 1e-4))
	require.Equal(t, int64(1), ir.TableK(1e-6, 1e-3))
}

// Timed arrays give the same bytes on the interpreter and natively, at
// 1 and 2 threads (the NaN of the missing column included).
func TestTimedArrayBackends(t *testing.T) {
	c := conformFile("timedarray", writeTimedArrays(t), driver.Options{}).onLLVM(1, 2)
	c.env = stressThreads
	conform(t, c)
}
