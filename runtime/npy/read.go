// Reading .npy files: Read and ReadFile check the magic and the header
// (parsed in header.go), then decode the data of any integer, float or
// bool dtype into float64, reordering a Fortran-order array to C order.

package npy

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// Read reads one .npy array, which must be all that r holds (the rest of
// it, for a reader with a Len method such as bytes.Reader). Errors start
// with "npy:"; ReadFile's start with the path instead.
func Read(r io.Reader) (*Array, error) {
	size := int64(-1)
	// In-memory readers tell their length, which allows the same checks
	// before reading as ReadFile's.
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return read(bufio.NewReaderSize(r, chunk), "npy", size)
}

// ReadFile reads the .npy file at path. Unlike Read it knows the file's
// size, so a header that does not match the data is refused before any
// reading or allocation of the data.
func ReadFile(path string) (*Array, error) {
	f, err := openData(path, MaxNPYSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return read(bufio.NewReaderSize(f, chunk), path, size)
}

// dtype is a descr snnc can read: a kind ('f', 'i', 'u' or 'b') and an
// item size in bytes.
type dtype struct {
	descr string
	kind  byte
	size  int
	big   bool
}

// read reads an array from r, naming it name in errors. size is the total
// length of the input when known, else -1.
func read(r io.Reader, name string, size int64) (*Array, error) {
	fail := func(format string, args ...any) (*Array, error) {
		return nil, fmt.Errorf("%s: "+format, append([]any{name}, args...)...)
	}
	var pre [10]byte
	n, err := io.ReadFull(r, pre[:])
	switch {
	case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
		return fail("%w", err)
	case n >= 4 && string(pre[:4]) == "PK\x03\x04":
		return fail("this is a .npz archive, not a .npy file; unzip it or save each array with numpy.save")
	case n < len(magic) || string(pre[:len(magic)]) != magic:
		return fail("not a .npy file (it does not start with \\x93NUMPY)")
	case n < len(pre):
		return fail("truncated .npy header")
	}
	major, minor := pre[6], pre[7]
	var hlen int
	var off int64
	switch {
	case major == 1 && minor == 0:
		hlen = int(binary.LittleEndian.Uint16(pre[8:]))
		off = 10
	case (major == 2 || major == 3) && minor == 0:
		var b [4]byte
		copy(b[:], pre[8:])
		if _, err := io.ReadFull(r, b[2:]); err != nil {
			return fail("truncated .npy header")
		}
		l := binary.LittleEndian.Uint32(b[:])
		if l > maxHeader {
			return fail("header length %d is implausibly large; the file is corrupt", l)
		}
		hlen = int(l)
		off = 12
	default:
		return fail("unsupported .npy format version %d.%d; snnc reads 1.0, 2.0 and 3.0", major, minor)
	}
	off += int64(hlen)
	if size >= 0 && off > size {
		return fail("truncated .npy header: it claims %d bytes but the file has %d", hlen, size)
	}
	// ReadAll grows with what is really there, so a lying length in a
	// short stream costs nothing.
	text, err := io.ReadAll(io.LimitReader(r, int64(hlen)))
	if err != nil {
		return fail("%w", err)
	}
	if len(text) < hlen {
		return fail("truncated .npy header")
	}
	dt, fortran, shape, err := parseHeader(text)
	if err != nil {
		return fail("%v", err)
	}
	count, err := elements(shape)
	if err != nil || count > math.MaxInt64/dt.size {
		return fail("header shape %s has too many elements; the file is corrupt", shapeRepr(shape))
	}
	nbytes := int64(count) * int64(dt.size)
	if size >= 0 && size-off != nbytes {
		return fail("header says shape %s of %s, %d bytes of data, but the file has %d bytes after the header; it is truncated or corrupt",
			shapeRepr(shape), dt.descr, nbytes, size-off)
	}
	// With the size checked the claim is safe to allocate at once;
	// otherwise the slice grows only as data really arrives.
	capacity := min(count, chunk)
	if size >= 0 {
		capacity = count
	}
	data := make([]float64, 0, capacity)
	buf := make([]byte, chunk)
	// A little-endian float64 array of a known size, on a little-endian
	// machine, has the bytes of its []float64: read into it directly.
	direct := dt.kind == 'f' && dt.size == 8 && !dt.big && size >= 0 && nativeLittleEndian
	for len(data) < count {
		k := min(count-len(data), chunk/dt.size)
		if direct {
			k = 0
		}
		b := buf[:k*dt.size]
		if n, err := io.ReadFull(r, b); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return fail("data is truncated: header says shape %s (%d elements) but the data ends after %d",
					shapeRepr(shape), count, len(data)+n/dt.size)
			}
			return fail("%w", err)
		}
		if dt.big {
			swap(b, dt.size)
		}
		at := len(data)
		if at+k > cap(data) {
			// Double, where append would grow large slices by a quarter
			// and copy several times more.
			data = append(make([]float64, 0, min(count, max(2*cap(data), at+k))), data...)
		}
		data = data[:at+k]
		if direct {
			// All of it straight into the array (readDirect), without
			// a copy or a decode.
			if n, err := readDirect(r, data[at:count]); err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					return fail("data is truncated: header says shape %s (%d elements) but the data ends after %d",
						shapeRepr(shape), count, at+n)
				}
				return fail("%w", err)
			}
			data = data[:count]
			break
		}
		if bad := decode(dt, data[at:], b); bad >= 0 {
			v := b[bad*dt.size:]
			var s string
			if dt.kind == 'u' {
				s = strconv.FormatUint(binary.LittleEndian.Uint64(v), 10)
			} else {
				s = strconv.FormatInt(int64(binary.LittleEndian.Uint64(v)), 10)
			}
			return fail("element %s is %s, beyond 2^53 in magnitude, so it cannot be held exactly as a float64",
				indexRepr(at+bad, shape, fortran), s)
		}
	}
	if size < 0 {
		var one [1]byte
		if n, _ := io.ReadFull(r, one[:]); n > 0 {
			return fail("unexpected bytes after the data of shape %s; the file is corrupt or holds more than one array", shapeRepr(shape))
		}
	}
	if fortran && len(shape) > 1 {
		data = toC(data, shape)
	}
	return &Array{Shape: shape, Data: data, Dtype: dt.name()}, nil
}

// name is the dtype as numpy names it: float64, int32, uint8, bool.
func (dt dtype) name() string {
	switch dt.kind {
	case 'f':
		return fmt.Sprintf("float%d", 8*dt.size)
	case 'i':
		return fmt.Sprintf("int%d", 8*dt.size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*dt.size)
	case 'b':
		return "bool"
	}
	return dt.descr
}

// swap reverses the bytes of each size-byte item in b in place, turning
// big-endian data into little-endian so one decoder serves both.
func swap(b []byte, size int) {
	for i := 0; i+size <= len(b); i += size {
		slices.Reverse(b[i : i+size])
	}
}

// decode converts little-endian items in src into dst and returns the
// index of the first 64-bit integer not exact as a float64, or -1.
func decode(dt dtype, dst []float64, src []byte) int {
	le := binary.LittleEndian
	switch int(dt.kind)<<8 | dt.size {
	case 'f'<<8 | 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(le.Uint32(src[4*i:])))
		}
	case 'f'<<8 | 8:
		for i := range dst {
			dst[i] = math.Float64frombits(le.Uint64(src[8*i:]))
		}
	case 'i'<<8 | 1:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case 'i'<<8 | 2:
		for i := range dst {
			dst[i] = float64(int16(le.Uint16(src[2*i:])))
		}
	case 'i'<<8 | 4:
		for i := range dst {
			dst[i] = float64(int32(le.Uint32(src[4*i:])))
		}
	case 'i'<<8 | 8:
		for i := range dst {
			v := int64(le.Uint64(src[8*i:]))
			if v > maxExact || v < -maxExact {
				return i
			}
			dst[i] = float64(v)
		}
	case 'u'<<8 | 1:
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case 'u'<<8 | 2:
		for i := range dst {
			dst[i] = float64(le.Uint16(src[2*i:]))
		}
	case 'u'<<8 | 4:
		for i := range dst {
			dst[i] = float64(le.Uint32(src[4*i:]))
		}
	case 'u'<<8 | 8:
		for i := range dst {
			v := le.Uint64(src[8*i:])
			if v > maxExact {
				return i
			}
			dst[i] = float64(v)
		}
	case 'b'<<8 | 1:
		for i := range dst {
			dst[i] = 0
			if src[i] != 0 {
				dst[i] = 1
			}
		}
	default:
		panic("npy: decode of unchecked dtype " + dt.descr)
	}
	return -1
}

// indexRepr prints the index of the element at position pos in the file,
// which is in Fortran order when fortran is set, as [i, j, ...].
func indexRepr(pos int, shape []int, fortran bool) string {
	idx := make([]string, len(shape))
	for k := range shape {
		d := len(shape) - 1 - k
		if fortran {
			d = k
		}
		idx[d] = strconv.Itoa(pos % shape[d])
		pos /= shape[d]
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

// toC reorders data from Fortran order (first index fastest) to C order
// (last index fastest).
func toC(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	stride := make([]int, len(shape))
	s := 1
	for k := len(shape) - 1; k >= 0; k-- {
		stride[k] = s
		s *= shape[k]
	}
	idx := make([]int, len(shape))
	at := 0
	for _, v := range data {
		out[at] = v
		for k := range idx {
			idx[k]++
			at += stride[k]
			if idx[k] < shape[k] {
				break
			}
			at -= idx[k] * stride[k]
			idx[k] = 0
		}
	}
	return out
}

// nativeLittleEndian says whether this machine stores a float64's bytes
// least significant first, as .npy's '<f8' does.
var nativeLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// readDirect reads the bytes of dst from r into dst's own memory, and
// returns the number of whole elements read. A []float64 is the
// machine's float64s in order; the caller checks that its bytes are the
// file's (nativeLittleEndian).
func readDirect(r io.Reader, dst []float64) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 8*len(dst))
	n, err := io.ReadFull(r, b)
	return n / 8, err
}
