package ir

import "math"

// Table is a timed array (Brian2's TimedArray): values sampled every Dt,
// Rows of them in time, each of Cols columns (one for a table read as
// stim(t), one per element for stim(t, i)), row after row in Values. A
// table instruction reads it (At); the module holds it by name.
type Table struct {
	Name   string
	Dt     float64 // seconds between rows
	K      int64   // Brian2's upsampling factor (TableK)
	Rows   int
	Cols   int
	Values []float64 // Rows x Cols, row-major
	Two    bool      // read with a column (stim(t, i)), even where Cols is 1
}

// TableK is the factor by which Brian2's TimedArray divides the table's
// step to find a row robustly (its _find_K): the smallest power of two
// at least 8 * dt / runDt, and at least 1.
func TableK(dt, runDt float64) int64 {
	return max(int64(math.Pow(2, math.Ceil(math.Log2(8/runDt*dt)))), 1)
}

// Epsilon is the table's step divided by K, as Brian2 computes it.
func (tb *Table) Epsilon() float64 { return tb.Dt / float64(tb.K) }

// Row is the row the table gives time x: Brian2's
// int((x / epsilon + 0.5) / K), clipped to the first and the last row
// (a NaN time reads the first). Every backend computes it with these
// operations, in this order.
func (tb *Table) Row(x float64) int {
	y := (x/tb.Epsilon() + 0.5) / float64(tb.K)
	switch {
	case !(y >= 0):
		return 0
	case y >= float64(tb.Rows):
		return tb.Rows - 1
	}
	return int(y)
}

// At is the table's value at time x in column col (0 for a table of one
// column read without one): NaN for a column outside the table, as in
// Brian2; a column that is not a whole number is truncated.
func (tb *Table) At(x, col float64) float64 {
	if !(col >= 0 && col < float64(tb.Cols)) {
		return math.NaN()
	}
	return tb.Values[tb.Row(x)*tb.Cols+int(col)]
}

// TableNamed returns the module's table called name, or nil.
func (m *Module) TableNamed(name string) *Table {
	for _, tb := range m.Tables {
		if tb.Name == name {
			return tb
		}
	}
	return nil
}
