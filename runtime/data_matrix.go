package runtime

import (
	"fmt"
	"slices"

	"snnc/runtime/npy"
)

// MatrixDtypes are the element types a weight matrix may have.
var MatrixDtypes = map[string]bool{"float64": true, "float32": true, "int64": true, "int32": true, "bool": true}

// CheckMatrix checks that a is a weight matrix of shape (nPost, nPre),
// the layout of PyTorch's Linear.weight and of NIR, of finite numbers.
func CheckMatrix(a *npy.Array, name string, nPre, nPost int) error {
	if a.Dtype == "" {
		return fmt.Errorf("%s: a matrix must be a .npy file", name)
	}
	if !MatrixDtypes[a.Dtype] {
		return fmt.Errorf("%s: dtype %s; a matrix holds float64, float32, int64, int32 or bool", name, a.Dtype)
	}
	if len(a.Shape) != 2 || a.Shape[0] != nPost || a.Shape[1] != nPre {
		return fmt.Errorf("%s: shape %s; expected (%d, %d), (post, pre) as PyTorch's Linear.weight", name, shapeText(a.Shape), nPost, nPre)
	}
	if n := a.FirstNotFinite(); n >= 0 {
		return fmt.Errorf("%s: %s is %g; a matrix's entries must be finite", name, a.Position(n), a.Data[n])
	}
	return nil
}

// MatrixPairs returns the synapses of a matrix rule: one per nonzero
// entry [j, i] of the (nPost, nPre) matrix, in synapse order (pre-major:
// for each pre neuron i, its post neurons j ascending). It walks the
// matrix twice in its own (row) order, counting each column's nonzero
// entries and then placing them, where a walk down each column in turn
// would miss the cache at every entry of a large matrix
// (runtime/c/datafile.c makes its CSR the same way).
func MatrixPairs(a *npy.Array, nPre, nPost int) ([][2]int, error) {
	start := make([]int, nPre+1)
	for j := range nPost {
		row := a.Data[j*nPre : (j+1)*nPre]
		for i, x := range row {
			if x != 0 {
				start[i+1]++
			}
		}
	}
	for i := range nPre {
		start[i+1] += start[i]
	}
	n := start[nPre]
	if n > MaxSynapses {
		return nil, fmt.Errorf("%d nonzero entries are more than %d synapses", n, MaxSynapses)
	}
	pairs := make([][2]int, n)
	fill := start[:nPre]
	for j := range nPost {
		row := a.Data[j*nPre : (j+1)*nPre]
		for i, x := range row {
			if x != 0 {
				pairs[fill[i]] = [2]int{i, j}
				fill[i]++
			}
		}
	}
	return pairs, nil
}

// streamMatrixMin is the number of entries from which ReadMatrixPairs
// reads a matrix a piece at a time (a variable for the tests).
var streamMatrixMin = 1 << 20

// ReadMatrixPairs reads a matrix rule's file (MatrixPairs). A large
// C-order file is read twice along its rows, a piece at a time
// (npy.ReadRows), rather than held whole: once to count each column's
// nonzero entries and once to place them, so that the pairs are the only
// large allocation (the checker has read the matrix already).
func ReadMatrixPairs(path, name string, nPre, nPost int) ([][2]int, error) {
	l, err := npy.ReadLayout(path)
	if err != nil || len(l.Shape) != 2 || l.Fortran || l.Count < streamMatrixMin {
		a, err := npy.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if err := CheckMatrix(a, name, nPre, nPost); err != nil {
			return nil, err
		}
		return MatrixPairs(a, nPre, nPost)
	}
	// CheckMatrix's checks, of the layout and then of each piece.
	if err := CheckMatrix(&npy.Array{Shape: l.Shape, Dtype: l.Dtype}, name, nPre, nPost); err != nil {
		return nil, err
	}
	start := make([]int, nPre+1)
	err = npy.ReadRows(path, l, func(first int, data []float64) error {
		a := &npy.Array{Shape: []int{len(data) / nPre, nPre}, Data: data}
		if n := a.FirstNotFinite(); n >= 0 {
			return fmt.Errorf("%s: [%d, %d] is %g; a matrix's entries must be finite", name, first+n/nPre, n%nPre, data[n])
		}
		for n, x := range data {
			if x != 0 {
				start[n%nPre+1]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range nPre {
		start[i+1] += start[i]
	}
	total := start[nPre]
	if total > MaxSynapses {
		return nil, fmt.Errorf("%d nonzero entries are more than %d synapses", total, MaxSynapses)
	}
	pairs := make([][2]int, total)
	fill := slices.Clone(start[:nPre])
	err = npy.ReadRows(path, l, func(first int, data []float64) error {
		for n, x := range data {
			if x != 0 {
				i := n % nPre
				if fill[i] == start[i+1] {
					return fmt.Errorf("%s: it has changed since it was read", name)
				}
				pairs[fill[i]] = [2]int{i, first + n/nPre}
				fill[i]++
			}
		}
		return nil
	})
	if err == nil && !slices.Equal(fill, start[1:]) {
		err = fmt.Errorf("%s: it has changed since it was read", name)
	}
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

func shapeText(shape []int) string {
	switch len(shape) {
	case 1:
		return fmt.Sprintf("(%d,)", shape[0])
	}
	s := "("
	for k, d := range shape {
		if k > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	return s + ")"
}
