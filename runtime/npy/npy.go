package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Array is a numeric array read from a file, in C (row-major) order.
// Data holds every element converted to float64, so callers handle one
// type whatever the file held; len(Data) is the product of Shape.
type Array struct {
	Shape []int
	Data  []float64
}

const (
	magic = "\x93NUMPY"
	// align is numpy's ARRAY_ALIGN: the data starts at a multiple of it so
	// that numpy can memory-map the file.
	align = 64
	// growthDigits is numpy's GROWTH_AXIS_MAX_DIGITS. numpy leaves that
	// much room in the header so the first dimension can grow in place; we
	// do the same so that our files are byte-identical to numpy.save's.
	growthDigits = 21
	// maxHeader bounds the header we are willing to read. numpy itself
	// refuses headers over 10000 bytes; plain arrays need under 200.
	maxHeader = 1 << 20
	// chunk is the size of the buffer data passes through, in bytes; a
	// multiple of every item size.
	chunk = 64 << 10
	// maxExact is 2^53: every integer up to it in magnitude is exact as a
	// float64, and beyond it some are not.
	maxExact = 1 << 53
)

// WriteFloat64 writes data as a .npy array of dtype '<f8' and the given
// shape, in C order.
func WriteFloat64(w io.Writer, shape []int, data []float64) error {
	return writeFloat64(w, "npy", shape, data)
}

func writeFloat64(w io.Writer, name string, shape []int, data []float64) error {
	return writeArray(w, name, "<f8", shape, data, 8, func(b []byte, v float64) {
		binary.LittleEndian.PutUint64(b, math.Float64bits(v))
	})
}

// WriteInt32 writes data as a .npy array of dtype '<i4'.
func WriteInt32(w io.Writer, shape []int, data []int32) error {
	return writeInt32(w, "npy", shape, data)
}

func writeInt32(w io.Writer, name string, shape []int, data []int32) error {
	return writeArray(w, name, "<i4", shape, data, 4, func(b []byte, v int32) {
		binary.LittleEndian.PutUint32(b, uint32(v))
	})
}

// WriteInt64 writes data as a .npy array of dtype '<i8'.
func WriteInt64(w io.Writer, shape []int, data []int64) error {
	return writeInt64(w, "npy", shape, data)
}

func writeInt64(w io.Writer, name string, shape []int, data []int64) error {
	return writeArray(w, name, "<i8", shape, data, 8, func(b []byte, v int64) {
		binary.LittleEndian.PutUint64(b, uint64(v))
	})
}

// WriteFloat64File writes a '<f8' array to path. It writes a temporary
// file in the same directory and renames it over path when complete, so
// that readers never see, and a crash never leaves, a partial array. The
// mode of a file being replaced is kept; a new file gets 0644.
func WriteFloat64File(path string, shape []int, data []float64) error {
	return writeFile(path, func(w io.Writer) error { return writeFloat64(w, path, shape, data) })
}

// WriteInt32File writes a '<i4' array to path, as WriteFloat64File does.
func WriteInt32File(path string, shape []int, data []int32) error {
	return writeFile(path, func(w io.Writer) error { return writeInt32(w, path, shape, data) })
}

// WriteInt64File writes a '<i8' array to path, as WriteFloat64File does.
func WriteInt64File(path string, shape []int, data []int64) error {
	return writeFile(path, func(w io.Writer) error { return writeInt64(w, path, shape, data) })
}

// writeFile writes into a temporary file beside path and renames it into
// place, so that a crash or a full disk leaves either the old file or the
// complete new one, never a truncated array numpy would choke on.
func writeFile(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// Keep the mode of a file being replaced: the user may have chosen it.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	// Without the sync, a power cut after the rename can leave an empty
	// file under the final name on some file systems.
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// writeArray writes the header and data, naming the output name in errors.
func writeArray[T any](w io.Writer, name, descr string, shape []int, data []T, size int, put func([]byte, T)) error {
	n, err := elements(shape)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if n != len(data) {
		return fmt.Errorf("%s: shape %s has %d elements but data has %d", name, shapeRepr(shape), n, len(data))
	}
	if _, err := w.Write(header(descr, shape)); err != nil {
		return err
	}
	buf := make([]byte, min(chunk, len(data)*size))
	for len(data) > 0 {
		k := min(len(data), len(buf)/size)
		for i, v := range data[:k] {
			put(buf[i*size:], v)
		}
		if _, err := w.Write(buf[:k*size]); err != nil {
			return err
		}
		data = data[k:]
	}
	return nil
}

// elements is the product of shape, refusing negative dimensions and
// products that do not fit in an int.
func elements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", shapeRepr(shape))
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %s has too many elements", shapeRepr(shape))
		}
		n *= d
	}
	return n, nil
}

// header is the whole header as numpy.save writes it: magic, version,
// length, the dict with sorted keys, growth room, and space padding up to
// a newline that ends at a multiple of align.
func header(descr string, shape []int) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeRepr(shape) + ", }"
	if len(shape) > 0 {
		dict += strings.Repeat(" ", max(0, growthDigits-len(strconv.Itoa(shape[0]))))
	}
	// Version 2.0 only when the length does not fit version 1.0's uint16,
	// which takes tens of thousands of dimensions; numpy does the same.
	prefix := 10
	if len(dict)+1+align > math.MaxUint16 {
		prefix = 12
	}
	hlen := len(dict) + 1
	pad := align - (prefix+hlen)%align
	b := make([]byte, 0, prefix+hlen+pad)
	b = append(b, magic...)
	if prefix == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen+pad))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen+pad))
	}
	b = append(b, dict...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, '\n')
}

// shapeRepr prints shape as Python prints the tuple, which is what the
// header must hold: (), (n,), (r, c).
func shapeRepr(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

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
	for len(data) < count {
		k := min(count-len(data), chunk/dt.size)
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
	return &Array{Shape: shape, Data: data}, nil
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

// parseHeader checks the header dict and returns what it says.
func parseHeader(text []byte) (dtype, bool, []int, error) {
	v, err := parseLiteral(text)
	if err != nil {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: %v", err)
	}
	d, ok := v.(pyDict)
	if !ok {
		return dtype{}, false, nil, errors.New("bad .npy header: it is not a dict")
	}
	for _, k := range d.keys {
		if k != "descr" && k != "fortran_order" && k != "shape" {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: unexpected key '%s'", k)
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := d.vals[k]; !ok {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: no '%s'", k)
		}
	}
	fortran, ok := d.vals["fortran_order"].(bool)
	if !ok {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'fortran_order' is %s, not True or False", pyRepr(d.vals["fortran_order"]))
	}
	t, ok := d.vals["shape"].(pyTuple)
	if !ok {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'shape' is %s, not a tuple", pyRepr(d.vals["shape"]))
	}
	shape := make([]int, len(t))
	for i, e := range t {
		n, ok := e.(int64)
		if !ok || n < 0 || n > math.MaxInt {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'shape' %s is not a tuple of non-negative integers", pyRepr(t))
		}
		shape[i] = int(n)
	}
	dt, err := parseDescr(d.vals["descr"])
	return dt, fortran, shape, err
}

const readable = "snnc reads integer, float and bool arrays"

// parseDescr accepts the plain numeric descrs and names what any other
// one is, since "unsupported dtype" alone leaves the user guessing.
func parseDescr(v any) (dtype, error) {
	s, ok := v.(string)
	if !ok {
		if l, ok := v.(pyList); ok {
			return dtype{}, fmt.Errorf("unsupported dtype %s (structured, with named fields); %s; save each field as its own array", pyRepr(l), readable)
		}
		return dtype{}, fmt.Errorf("bad .npy header: 'descr' is %s, not a dtype string", pyRepr(v))
	}
	dt := dtype{descr: "'" + s + "'"}
	rest := s
	// Native ('=') or unstated order is taken as little-endian: numpy
	// always states the order, and every platform it is common on is
	// little-endian.
	if rest != "" && strings.ContainsRune("<>|=", rune(rest[0])) {
		dt.big = rest[0] == '>'
		rest = rest[1:]
	}
	unsupported := func(what string) (dtype, error) {
		return dtype{}, fmt.Errorf("unsupported dtype %s (%s); %s", dt.descr, what, readable)
	}
	if rest == "" {
		return unsupported("empty")
	}
	size := -1
	if n, err := strconv.Atoi(rest[1:]); err == nil && strings.Trim(rest[1:], "0123456789") == "" {
		size = n
	}
	dt.kind, dt.size = rest[0], size
	switch dt.kind {
	case 'f':
		switch size {
		case 4, 8:
			return dt, nil
		case 2:
			return unsupported("half-precision float")
		case 12, 16:
			return unsupported("extended-precision float")
		}
	case 'i', 'u':
		switch size {
		case 1, 2, 4, 8:
			return dt, nil
		}
	case 'b':
		if size == 1 {
			return dt, nil
		}
	case 'c':
		return unsupported("complex")
	case 'U', 'S', 'a':
		return unsupported("string")
	case 'O':
		return unsupported("Python object")
	case 'V':
		return unsupported("raw bytes")
	case 'M', 'm':
		return unsupported("date or time")
	}
	return unsupported("unknown")
}

// The header is a Python literal, which numpy reads with ast.literal_eval.
// We parse the subset that can appear in one: dicts, tuples, lists,
// strings, integers, True, False and None.

type (
	pyDict struct {
		keys []string // in file order, for messages
		vals map[string]any
	}
	pyTuple []any
	pyList  []any
	pyNone  struct{}
)

// maxDepth bounds nesting; real headers nest at most a few levels and a
// corrupt one should not recurse a million deep.
const maxDepth = 32

type litParser struct {
	s   []byte
	pos int
}

func parseLiteral(s []byte) (any, error) {
	p := &litParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	// numpy pads with spaces and a newline; Python would also allow other
	// white space, and NULs are what some writers pad with.
	for p.space(); p.pos < len(p.s) && p.s[p.pos] == 0; p.space() {
		p.pos++
	}
	if p.pos < len(p.s) {
		return nil, p.errorf("unexpected %s after the dict", p.near())
	}
	return v, nil
}

func (p *litParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: "+format, append([]any{p.pos}, args...)...)
}

// near quotes the text at the current position for an error message.
func (p *litParser) near() string {
	if p.pos >= len(p.s) {
		return "end of header"
	}
	t := p.s[p.pos:]
	if len(t) > 12 {
		t = t[:12]
	}
	return strconv.Quote(string(t))
}

func (p *litParser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		default:
			return
		}
	}
}

func (p *litParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested too deep")
	}
	p.space()
	if p.pos >= len(p.s) {
		return nil, p.errorf("unexpected end of header")
	}
	c := p.s[p.pos]
	switch {
	case c == '{':
		return p.dict(depth)
	case c == '(':
		return p.seq(depth, ')')
	case c == '[':
		return p.seq(depth, ']')
	case c == '\'' || c == '"':
		return p.str()
	case (c == 'u' || c == 'b' || c == 'U' || c == 'B') && p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\'' || p.s[p.pos+1] == '"'):
		// Python 2 numpy may have written u'<f8'.
		p.pos++
		return p.str()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		return p.integer()
	}
	start := p.pos
	for p.pos < len(p.s) && (p.s[p.pos] == '_' || 'a' <= p.s[p.pos]|0x20 && p.s[p.pos]|0x20 <= 'z' || '0' <= p.s[p.pos] && p.s[p.pos] <= '9') {
		p.pos++
	}
	switch string(p.s[start:p.pos]) {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return pyNone{}, nil
	}
	p.pos = start
	return nil, p.errorf("unexpected %s", p.near())
}

func (p *litParser) dict(depth int) (any, error) {
	p.pos++ // {
	d := pyDict{vals: map[string]any{}}
	for {
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, p.errorf("dict key %s is not a string", pyRepr(k))
		}
		if _, dup := d.vals[key]; dup {
			return nil, p.errorf("key '%s' appears twice", key)
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf("expected ':' after key '%s', found %s", key, p.near())
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, key)
		d.vals[key] = v
		if !p.sep('}') {
			return nil, p.errorf("expected ',' or '}' in dict, found %s", p.near())
		}
	}
}

// seq parses a tuple or a list. As in Python, parentheses around a single
// value without a comma are only grouping: (3) is 3, (3,) a tuple.
func (p *litParser) seq(depth int, end byte) (any, error) {
	p.pos++ // ( or [
	var elems []any
	comma := false
	for {
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == end {
			p.pos++
			break
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			comma = true
		}
		if !p.sep(end) {
			return nil, p.errorf("expected ',' or '%c', found %s", end, p.near())
		}
	}
	if end == ']' {
		return pyList(elems), nil
	}
	if len(elems) == 1 && !comma {
		return elems[0], nil
	}
	return pyTuple(elems), nil
}

// sep consumes the ',' after an element, or sees the closing bracket
// without consuming it. It reports whether either was there.
func (p *litParser) sep(end byte) bool {
	p.space()
	if p.pos >= len(p.s) {
		return false
	}
	switch p.s[p.pos] {
	case ',':
		p.pos++
		return true
	case end:
		return true
	}
	return false
}

func (p *litParser) str() (any, error) {
	q := p.s[p.pos]
	p.pos++
	var b []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == q:
			return string(b), nil
		case c == '\\' && p.pos < len(p.s):
			// Only the escapes a dtype descr could contain; others are
			// kept as written, which suffices to name the dtype in an
			// error.
			e := p.s[p.pos]
			p.pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case '\\', '\'', '"':
				b = append(b, e)
			default:
				b = append(b, '\\', e)
			}
		default:
			b = append(b, c)
		}
	}
	return nil, p.errorf("unterminated string")
}

func (p *litParser) integer() (any, error) {
	start := p.pos
	if c := p.s[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == digits {
		p.pos = start
		return nil, p.errorf("unexpected %s", p.near())
	}
	text := string(p.s[start:p.pos])
	// Python 2 wrote long integers as 3L; numpy drops the L too.
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("integer %s is too large", text)
	}
	return n, nil
}

// pyRepr prints a parsed value roughly as Python would, cut short so that
// a corrupt header cannot flood an error message.
func pyRepr(v any) string {
	var b strings.Builder
	reprTo(&b, v)
	s := b.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func reprTo(b *strings.Builder, v any) {
	if b.Len() > 80 {
		return
	}
	switch v := v.(type) {
	case string:
		b.WriteString("'" + v + "'")
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case bool:
		if v {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case pyNone:
		b.WriteString("None")
	case pyTuple:
		b.WriteByte('(')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			reprTo(b, e)
		}
		if len(v) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case pyList:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			reprTo(b, e)
		}
		b.WriteByte(']')
	case pyDict:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("'" + k + "': ")
			reprTo(b, v.vals[k])
		}
		b.WriteByte('}')
	}
}
