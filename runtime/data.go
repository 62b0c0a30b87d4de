package runtime

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/runtime/npy"
)

// The data files a model names are read here, for every backend: the
// interpreter reads them when a run starts, the native backend when it
// builds (and embeds their contents). name is the file's name as the
// model gives it, for messages; path is where to read it.

// ReadTable reads a .npy or .csv file as a table of rows.
func ReadTable(path, name string, cols ...int) (data []float64, rows, ncols int, err error) {
	var a *npy.Array
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		a, err = npy.ReadFile(path)
	} else {
		a, err = npy.ReadCSVFile(path)
	}
	if err != nil {
		return nil, 0, 0, err
	}
	switch len(a.Shape) {
	case 1:
		rows, ncols = a.Shape[0], 1
	case 2:
		rows, ncols = a.Shape[0], a.Shape[1]
	default:
		return nil, 0, 0, fmt.Errorf("%s: an array of %d dimensions; expected a table (1 or 2 dimensions)", name, len(a.Shape))
	}
	if rows == 0 && (ncols == 0 || len(a.Shape) == 1) {
		// A file of no rows (a CSV of comments only, an empty 1-D array)
		// says nothing of its width: it is an empty table of the width
		// asked for, such as an empty list of spikes.
		return a.Data, 0, cols[0], nil
	}
	if !slices.Contains(cols, ncols) {
		var want []string
		for _, c := range cols {
			want = append(want, fmt.Sprint(c))
		}
		return nil, 0, 0, fmt.Errorf("%s: %d columns; expected %s", name, ncols, strings.Join(want, " or "))
	}
	return a.Data, rows, ncols, nil
}

// Whole returns x as an index if it is a whole number in [0, n).
func Whole(x float64, n int) (int, bool) {
	if x != math.Trunc(x) || x < 0 || x >= float64(n) {
		return 0, false
	}
	return int(x), true
}

// ReadRates reads the rates of a Poisson input: one row per period, one
// column shared by all sources or one per source, in Hz.
func ReadRates(path, name string, size int) (table []float64, width int, err error) {
	table, rows, width, err := ReadTable(path, name, 1, size)
	if err != nil {
		return nil, 0, err
	}
	if rows == 0 {
		return nil, 0, fmt.Errorf("%s has no rows", name)
	}
	return table, width, nil
}

// ReadSpikeTimes reads the (index, time) rows of a spikes input; the
// times are checked when the spike train is made.
func ReadSpikeTimes(path, name string, size int) (idx []int, times []float64, err error) {
	data, rows, _, err := ReadTable(path, name, 2)
	if err != nil {
		return nil, nil, err
	}
	for r := 0; r < rows; r++ {
		i, ok := Whole(data[2*r], size)
		if !ok {
			return nil, nil, fmt.Errorf("%s: row %d: source %g is not an index in [0, %d)", name, r+1, data[2*r], size)
		}
		idx = append(idx, i)
		times = append(times, data[2*r+1])
	}
	return idx, times, nil
}

// ReadPairs reads the (pre, post) rows of a pairs rule: the columns a
// header row names pre and post, or the first two; other columns are the
// values a connect's body loads beside the pairs.
func ReadPairs(path, name string, nPre, nPost int) ([][2]int, error) {
	a, err := ReadArray(path)
	if err != nil {
		return nil, err
	}
	return PairsOf(a, name, nPre, nPost)
}

// ReadArray reads a .npy or .csv file as it is.
func ReadArray(path string) (*npy.Array, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		return npy.ReadFile(path)
	}
	return npy.ReadCSVFile(path)
}

// PairsOf takes the (pre, post) rows of a pairs table (ReadPairs).
func PairsOf(a *npy.Array, name string, nPre, nPost int) ([][2]int, error) {
	var rows, cols int
	switch len(a.Shape) {
	case 1:
		if a.Shape[0] != 0 {
			return nil, fmt.Errorf("%s: a pairs file needs at least two columns (pre, post), not 1", name)
		}
	case 2:
		rows, cols = a.Shape[0], a.Shape[1]
	default:
		return nil, fmt.Errorf("%s: an array of %d dimensions; expected a table (1 or 2 dimensions)", name, len(a.Shape))
	}
	if rows == 0 {
		return [][2]int{}, nil
	}
	pc, qc, err := npy.PairColumns(a.Columns, cols)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	pairs := make([][2]int, rows)
	for r := range rows {
		x, y := a.Data[r*cols+pc], a.Data[r*cols+qc]
		i, ok1 := Whole(x, nPre)
		j, ok2 := Whole(y, nPost)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: row %d: (%g, %g) is not a pair of indices in [0, %d) and [0, %d)",
				name, r+1, x, y, nPre, nPost)
		}
		pairs[r] = [2]int{i, j}
	}
	return pairs, nil
}
