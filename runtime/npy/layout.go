// The layout of a .npy file without its data: what a reader elsewhere (the
// native executable, which reads a large array at start rather than
// having it embedded) needs to find and decode the elements.

package npy

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Layout is where and how a .npy file holds its array.
type Layout struct {
	Dtype   string // as numpy names it: float64, int32, bool, ...
	Size    int    // bytes per element
	Big     bool   // big-endian elements
	Fortran bool   // Fortran (column-major) order
	Shape   []int
	Offset  int64 // where the data start: the header's length
	Count   int   // elements
	dt      dtype
}

// ReadLayout reads the header of the .npy file at path, checking it as
// ReadFile does (the data's length against the file's size included),
// without reading the data.
func ReadLayout(path string) (Layout, error) {
	f, err := openData(path, MaxNPYSize)
	if err != nil {
		return Layout{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Layout{}, err
	}
	fail := func(format string, args ...any) (Layout, error) {
		return Layout{}, fmt.Errorf("%s: "+format, append([]any{path}, args...)...)
	}
	var pre [12]byte
	if n, _ := io.ReadFull(f, pre[:]); n < 10 || string(pre[:len(magic)]) != magic {
		return fail("not a .npy file, or a truncated header")
	}
	var hlen, off int64
	switch {
	case pre[6] == 1 && pre[7] == 0:
		hlen, off = int64(binary.LittleEndian.Uint16(pre[8:])), 10
	case (pre[6] == 2 || pre[6] == 3) && pre[7] == 0:
		hlen, off = int64(binary.LittleEndian.Uint32(pre[8:])), 12
	default:
		return fail("unsupported .npy format version %d.%d", pre[6], pre[7])
	}
	if hlen > maxHeader || off+hlen > st.Size() {
		return fail("truncated or corrupt .npy header")
	}
	text := make([]byte, hlen)
	if _, err := f.ReadAt(text, off); err != nil {
		return fail("truncated .npy header")
	}
	dt, fortran, shape, err := parseHeader(text)
	if err != nil {
		return fail("%v", err)
	}
	count, err := elements(shape)
	if err != nil || count > (1<<62)/dt.size {
		return fail("header shape %s has too many elements", shapeRepr(shape))
	}
	l := Layout{Dtype: dt.name(), Size: dt.size, Big: dt.big, Fortran: fortran, Shape: shape, Offset: off + hlen, Count: count, dt: dt}
	if st.Size()-l.Offset != int64(count)*int64(dt.size) {
		return fail("header says shape %s of %s, %d bytes of data, but the file has %d bytes after the header",
			shapeRepr(shape), dt.descr, int64(count)*int64(dt.size), st.Size()-l.Offset)
	}
	return l, nil
}

// ReadRows reads the rows of the C-order two-dimensional .npy file at
// path, of layout l (ReadLayout), in pieces of whole rows of about 4 MiB,
// and gives each piece to f with the index of its first row: a reader of
// a large matrix that needs one pass along its rows holds one piece, not
// the whole array. The file's size is checked against l again.
func ReadRows(path string, l Layout, f func(first int, data []float64) error) error {
	if len(l.Shape) != 2 || l.Fortran && l.Shape[0] > 1 && l.Shape[1] > 1 {
		return fmt.Errorf("%s: not a C-order table", path)
	}
	file, err := openData(path, MaxNPYSize)
	if err != nil {
		return err
	}
	defer file.Close()
	if st, err := file.Stat(); err != nil || st.Size() != l.Offset+int64(l.Count)*int64(l.Size) {
		return fmt.Errorf("%s: it has changed since it was checked", path)
	}
	if _, err := file.Seek(l.Offset, io.SeekStart); err != nil {
		return err
	}
	rows, cols := l.Shape[0], l.Shape[1]
	if cols == 0 {
		return nil
	}
	k := max(1, (4<<20)/(cols*l.Size))
	buf := make([]byte, k*cols*l.Size)
	data := make([]float64, k*cols)
	for first := 0; first < rows; first += k {
		n := min(k, rows-first) * cols
		b := buf[:n*l.Size]
		if _, err := io.ReadFull(file, b); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if l.dt.big {
			swap(b, l.dt.size)
		}
		if bad := decode(l.dt, data[:n], b); bad >= 0 {
			return fmt.Errorf("%s: element %s cannot be held exactly as a float64", path, indexRepr(first*cols+bad, l.Shape, false))
		}
		if err := f(first, data[:n]); err != nil {
			return err
		}
	}
	return nil
}
