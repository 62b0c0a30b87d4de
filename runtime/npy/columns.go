package npy

import (
	"fmt"
	"math"
	"strconv"
)

// Columns of a table: what a model's load(PATH, COLUMN) and a pairs file
// with more than two columns pick out of an array read from a file.

// ColumnIndex finds the column a model names in a table of ncols columns:
// a name of the CSV header row (names), or a 0-based index written as a
// whole number. It says which columns there are when none matches.
func ColumnIndex(column string, names []string, ncols int) (int, error) {
	for k, n := range names {
		if n == column {
			return k, nil
		}
	}
	if k, err := strconv.Atoi(column); err == nil {
		if k < 0 || k >= ncols {
			return 0, fmt.Errorf("column %d is outside the file's %d columns (0 to %d)", k, ncols, ncols-1)
		}
		return k, nil
	}
	if len(names) == 0 {
		return 0, fmt.Errorf("no column %q: the file has no header row; name a column by its 0-based index", column)
	}
	return 0, fmt.Errorf("no column %q: the header row names %q", column, names)
}

// Column returns column k of a one- or two-dimensional array as a list.
func (a *Array) Column(k int) []float64 {
	if len(a.Shape) == 1 {
		return a.Data
	}
	rows, cols := a.Shape[0], a.Shape[1]
	if cols == 1 {
		return a.Data
	}
	out := make([]float64, rows)
	for r := range rows {
		out[r] = a.Data[r*cols+k]
	}
	return out
}

// Position names element n of the array as a message does: "row R, column
// C" (1-based rows as a CSV file's lines count data rows, 0-based columns
// as numpy indexes them) for a table, "element [n]" for a list.
func (a *Array) Position(n int) string {
	if len(a.Shape) == 2 {
		if a.Dtype == "" {
			return fmt.Sprintf("row %d, column %d", n/a.Shape[1]+1, n%a.Shape[1])
		}
		return fmt.Sprintf("element [%d, %d]", n/a.Shape[1], n%a.Shape[1])
	}
	return fmt.Sprintf("element [%d]", n)
}

// FirstNotFinite returns the position of the first NaN or infinite
// element, or -1. A CSV file cannot hold one (ReadCSV refuses it); a .npy
// file of floats can.
func (a *Array) FirstNotFinite() int {
	// NaN and the infinities are the floats whose exponent bits are all
	// ones: one mask and compare an element, where IsNaN and IsInf are
	// three compares (a 10^8-entry matrix is checked in a tenth of the
	// time).
	const exp = 0x7ff0000000000000
	for n, x := range a.Data {
		if math.Float64bits(x)&exp == exp {
			return n
		}
	}
	return -1
}

// PairColumns says which columns of a pairs table hold the pre and post
// indices: those a header row names pre and post, else the first two.
func PairColumns(names []string, ncols int) (pre, post int, err error) {
	if ncols < 2 {
		return 0, 0, fmt.Errorf("a pairs file needs at least two columns (pre, post), not %d", ncols)
	}
	pre, post = -1, -1
	for k, n := range names {
		switch n {
		case "pre":
			pre = k
		case "post":
			post = k
		}
	}
	if pre < 0 && post < 0 {
		return 0, 1, nil
	}
	if pre < 0 || post < 0 {
		return 0, 0, fmt.Errorf("the header row names %q: name both pre and post, or neither (the first two columns are then the indices)", names)
	}
	return pre, post, nil
}
