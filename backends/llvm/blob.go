package llvm

import (
	"encoding/binary"
	"fmt"
	"math"

	"snnc/ir"
)

// Blob is a file of raw bytes a build writes beside model.c, which the
// assembler copies into the executable (.incbin): a large array of the
// model's (a data array a model loads, a long list of pairs) as its
// bytes, where a C initialiser would cost the compiler a parse of every
// number. Its bytes are little-endian, as every target the native backend
// builds for.
type Blob struct {
	Name string // the file's name and the array's symbol
	Data []byte
}

// blobMin is the number of elements from which an array is a blob rather
// than a C initialiser: below it the initialiser is short, and the model's
// source shows the numbers.
const blobMin = 4096

// blob writes the declaration of an array whose bytes are data, defined
// by the assembler from a file of the build's, and returns its symbol.
// The symbol is 64-byte aligned, as numpy aligns its arrays.
func (t *tables) blob(w *cWriter, typ, name string, data []byte) string {
	t.blobs = append(t.blobs, Blob{Name: name, Data: data})
	w.printf("__asm__(\".section .rodata\\n.p2align 6\\n.globl %s\\n.hidden %s\\n%s:\\n.incbin \\\"%s\\\"\\n.previous\\n\");\n", name, name, name, name)
	w.printf("extern const %s %s[];\n", typ, name)
	return name
}

// dataBlobs writes the module's data arrays (ir.Data) as blobs, each of
// at least one element (a NaN for an empty one), which the kernels read
// through an external global of the same name (dataGlobal).
func (t *tables) dataBlobs(w *cWriter, m *ir.Module) {
	for _, d := range m.Data {
		// A large array of a file's is read from it (datafile.go).
		if ok, err := t.dataArray(w, d); ok || err != nil {
			if w.err == nil {
				w.err = err
			}
			continue
		}
		t.blob(w, "double", dataSymbol(d), float64Bytes(dataValues(d)))
	}
}

// dataSymbol is a data array's symbol in the executable.
func dataSymbol(d *ir.Data) string { return "snn_data_" + sanitize(d.Name) }

// dataValues are a data array's values as the executable holds them: at
// least one, so that an empty array still has an address.
func dataValues(d *ir.Data) []float64 {
	if len(d.Values) == 0 {
		return []float64{math.NaN()}
	}
	return d.Values
}

func float64Bytes(x []float64) []byte {
	b := make([]byte, 8*len(x))
	for n, v := range x {
		binary.LittleEndian.PutUint64(b[8*n:], math.Float64bits(v))
	}
	return b
}

// pairsArray writes a rule's (pre, post) pairs as an int64_t array of
// 2 × len(pairs) elements: an initialiser, or a blob for a long list.
func (t *tables) pairsArray(w *cWriter, pairs [][2]int) string {
	if len(pairs) < blobMin {
		var items []string
		for _, pp := range pairs {
			items = append(items, cint(int64(pp[0])), cint(int64(pp[1])))
		}
		return w.array("int64_t", items)
	}
	b := make([]byte, 16*len(pairs))
	for n, pp := range pairs {
		binary.LittleEndian.PutUint64(b[16*n:], uint64(int64(pp[0])))
		binary.LittleEndian.PutUint64(b[16*n+8:], uint64(int64(pp[1])))
	}
	w.n++
	return t.blob(w, "int64_t", fmt.Sprintf("snn_pairs_%d", w.n), b)
}
