package llvm

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/npy"
)

// Large data files are not embedded: a 10^4 x 10^4 float64 weight matrix
// (800 MB) made the build copy, assemble and link 800 MB and the
// executable as large (tests/bench/matrix.sh). An array of at least
// blobMin elements that is a .npy file's whole array in its own order
// (ir.Data.Path), and the matrix of a matrix(FILE) rule, are read by the
// executable when it starts (runtime/c/datafile.c): a float64 file
// memory-mapped, the others decoded into an array; the kernels read it
// through a pointer. snnc has checked the file's header,
// shape, dtype and values as for every backend. The executable checks
// that the file is still the one compiled against, by its size and the
// hash of its bytes (runtime.DataHash), and reads it from where snnc read
// it, or from --data-dir (spec/runtime.md).

// dataFile is a file the executable reads at start: an entry of model.c's
// snn_data_files.
type dataFile struct {
	name   string // relative to the model's directory: what --data-dir finds
	path   string // absolute, where snnc read it
	layout npy.Layout
	size   int64
	hash   uint64
	dst    string // the pointer to the data array it gives, or "" (a matrix rule's)
}

// dataDtypes are the element types the executable decodes (datafile.c's
// SNN_DT_ codes, in this order): those a loaded array or a matrix may have.
var dataDtypes = []string{"float64", "float32", "int64", "int32", "bool"}

// externalData reports whether a data array is read by the executable
// from its file rather than embedded: a .npy file's whole array, of at
// least blobMin elements, in a layout the executable decodes (C order,
// little-endian, a dtype of dataDtypes, the data at a multiple of 8 bytes
// as numpy puts them, at 64). Its kernels read it through a pointer the
// executable sets (dataGlobal).
func externalData(d *ir.Data) bool {
	if d.Path == "" || len(d.Values) < blobMin {
		return false
	}
	l, err := npy.ReadLayout(d.Path)
	return err == nil && readable(l)
}

// readable reports whether the executable decodes a file of layout l.
func readable(l npy.Layout) bool {
	return !(l.Fortran && len(l.Shape) > 1) && !(l.Big && l.Size > 1) && slices.Contains(dataDtypes, l.Dtype) && l.Offset%8 == 0
}

// fileData adds a file the executable reads at start, filling dst (a
// data array's symbol, or "" for a matrix rule's file), and returns its
// index in snn_data_files; ok is false where the file is not one the
// executable reads (Fortran order, big-endian, a dtype it does not
// decode), which is then embedded as before.
func (t *tables) fileData(path, dst string) (int, bool, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, false, err
	}
	if dst == "" {
		// A matrix rule reads the array a load of the same file fills.
		for k, f := range t.files {
			if f.path == abs {
				return k, true, nil
			}
		}
	}
	l, err := npy.ReadLayout(abs)
	if err != nil {
		return 0, false, err
	}
	if !readable(l) {
		return 0, false, nil
	}
	f := &dataFile{name: abs, path: abs, layout: l, dst: dst}
	if t.modelDir != "" {
		if rel, err := filepath.Rel(t.modelDir, abs); err == nil {
			f.name = filepath.ToSlash(rel)
		}
	}
	// A file named twice is hashed once.
	for _, g := range t.files {
		if g.path == abs {
			f.size, f.hash = g.size, g.hash
		}
	}
	if f.size == 0 {
		if f.size, f.hash, err = runtime.HashDataFile(abs); err != nil {
			return 0, false, err
		}
	}
	t.files = append(t.files, f)
	return len(t.files) - 1, true, nil
}

// dataArray writes the pointer to a data array the executable reads from
// its file, set when it starts, and reports whether it did.
func (t *tables) dataArray(w *cWriter, d *ir.Data) (bool, error) {
	if !externalData(d) {
		return false, nil
	}
	sym := dataSymbol(d)
	if _, ok, err := t.fileData(d.Path, sym); !ok || err != nil {
		return false, err
	}
	w.printf("__attribute__((visibility(\"hidden\"))) const double *%s;\n", sym)
	return true, nil
}

// matrixRule records that projection n's matrix rule is made by the
// executable from its file, and reports whether it is (an array of at
// least blobMin entries whose layout the executable decodes).
func (t *tables) matrixRule(n int, path string) (bool, error) {
	l, err := npy.ReadLayout(path)
	if err != nil || l.Count < blobMin {
		return false, err
	}
	k, ok, err := t.fileData(path, "")
	if !ok || err != nil {
		return false, err
	}
	t.matrixRules = append(t.matrixRules, fmt.Sprintf("{%d, %d}", n, k))
	return true, nil
}

// dataFiles writes the tables of the files the executable reads at start
// (snn_data_files, snn_matrix_rules), with one placeholder where there is
// none, as C has no empty arrays.
func (t *tables) dataFiles(w *cWriter) {
	var files []string
	for _, f := range t.files {
		dst := "NULL"
		if f.dst != "" {
			dst = "&" + f.dst
		}
		files = append(files, fmt.Sprintf("{%s, %s, %d, %s, %s, %s, %s, %s, %s, %s}", cstr(f.name), cstr(f.path),
			slices.Index(dataDtypes, f.layout.Dtype), cint(f.layout.Offset), cint(int64(f.layout.Count)),
			cint(int64(shapeDim(f.layout.Shape, 0))), cint(int64(shapeDim(f.layout.Shape, 1))), cint(f.size),
			fmt.Sprintf("%dULL", f.hash), dst))
	}
	w.printf("const int32_t snn_n_data_files = %d;\n", len(files))
	w.printf("const snn_data_file snn_data_files[] = {%s};\n", strings.Join(append(files, "{0}"), ", "))
	w.printf("const int32_t snn_n_matrix_rules = %d;\n", len(t.matrixRules))
	w.printf("const snn_matrix_rule snn_matrix_rules[] = {%s};\n", strings.Join(append(t.matrixRules, "{0}"), ", "))
}

// shapeDim is a shape's k-th dimension: a list is one row.
func shapeDim(shape []int, k int) int {
	if len(shape) == 1 {
		return []int{1, shape[0]}[k]
	}
	if k < len(shape) {
		return shape[k]
	}
	return 1
}
