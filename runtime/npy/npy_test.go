package npy

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var shapes = [][]int{{}, {0}, {0, 3}, {3, 0}, {1}, {5}, {2, 3}, {2, 3, 4}, {1, 1, 1, 1}}

func count(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// readBoth reads b as a stream of unknown length and as a reader that
// knows its length, the path ReadFile takes too, and checks that they
// agree.
func readBoth(t *testing.T, b []byte) (*Array, error) {
	t.Helper()
	a, err := Read(struct{ io.Reader }{bytes.NewReader(b)}) // hides Len
	a2, err2 := Read(bytes.NewReader(b))
	require.Equal(t, err == nil, err2 == nil, "Read: %v\nsized read: %v", err, err2)
	if err == nil {
		require.Equal(t, a, a2)
	}
	return a, err
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range shapes {
		n := count(shape)
		f := make([]float64, n)
		i32 := make([]int32, n)
		i64 := make([]int64, n)
		want := make([]float64, n)
		for i := range n {
			f[i] = float64(i)*1.25 - 3
			i32[i] = int32(i*7 - 20)
			i64[i] = int64(i)*(1<<40) - (1 << 45)
			want[i] = float64(i32[i])
		}
		if n > 0 {
			f[0] = math.SmallestNonzeroFloat64
			i32[0], want[0] = math.MinInt32, math.MinInt32
			i64[0] = -maxExact
		}
		wantI64 := make([]float64, n)
		for i, v := range i64 {
			wantI64[i] = float64(v)
		}
		cases := []struct {
			name  string
			write func(*bytes.Buffer) error
			file  func(string) error
			want  []float64
		}{
			{"f8", func(b *bytes.Buffer) error { return WriteFloat64(b, shape, f) },
				func(p string) error { return WriteFloat64File(p, shape, f) }, f},
			{"i4", func(b *bytes.Buffer) error { return WriteInt32(b, shape, i32) },
				func(p string) error { return WriteInt32File(p, shape, i32) }, want},
			{"i8", func(b *bytes.Buffer) error { return WriteInt64(b, shape, i64) },
				func(p string) error { return WriteInt64File(p, shape, i64) }, wantI64},
		}
		for _, c := range cases {
			name := c.name + shapeRepr(shape)
			var b bytes.Buffer
			require.NoError(t, c.write(&b), name)
			hlen := bytes.IndexByte(b.Bytes(), '\n') + 1
			require.Zero(t, hlen%64, "%s: header of %d bytes", name, hlen)
			a, err := readBoth(t, b.Bytes())
			require.NoError(t, err, name)
			require.Equal(t, shape, a.Shape, name)
			require.Equal(t, c.want, a.Data, name)

			path := filepath.Join(dir, name+".npy")
			require.NoError(t, c.file(path), name)
			a, err = ReadFile(path)
			require.NoError(t, err, name)
			require.Equal(t, shape, a.Shape, name)
			require.Equal(t, c.want, a.Data, name)
			onDisk, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, b.Bytes(), onDisk, name)
		}
	}
	// The temporary files must be gone.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasPrefix(e.Name(), "."), e.Name())
	}
}

func TestRoundTripSpecialFloats(t *testing.T) {
	in := []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64}
	var b bytes.Buffer
	require.NoError(t, WriteFloat64(&b, []int{4}, in))
	a, err := Read(&b)
	require.NoError(t, err)
	require.Equal(t, in, a.Data)
	require.True(t, math.Signbit(a.Data[2]))

	b.Reset()
	require.NoError(t, WriteFloat64(&b, []int{1}, []float64{math.NaN()}))
	a, err = Read(&b)
	require.NoError(t, err)
	require.True(t, math.IsNaN(a.Data[0]))
}

// The expected bytes are what numpy.save writes for the same arrays.
func TestExactBytes(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteFloat64(&b, []int{3}, []float64{1, 2, 3}))
	want := "\x93NUMPY\x01\x00\x76\x00" + // magic, version 1.0, header length 118
		"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }" +
		// 20 spaces of growth room (21 less the one digit of 3), then 40
		// to end the header at byte 128.
		"                    " + "                                        " + "\n" +
		"\x00\x00\x00\x00\x00\x00\xf0\x3f" + "\x00\x00\x00\x00\x00\x00\x00\x40" + "\x00\x00\x00\x00\x00\x00\x08\x40"
	require.Equal(t, want, b.String())

	b.Reset()
	require.NoError(t, WriteInt32(&b, []int{2, 3}, []int32{1, -1, 2, 3, 4, 5}))
	want = "\x93NUMPY\x01\x00\x76\x00" +
		"{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }" +
		strings.Repeat(" ", 20+38) + "\n" +
		"\x01\x00\x00\x00\xff\xff\xff\xff\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00"
	require.Equal(t, want, b.String())

	b.Reset()
	require.NoError(t, WriteInt64(&b, nil, []int64{7}))
	want = "\x93NUMPY\x01\x00\x76\x00" +
		"{'descr': '<i8', 'fortran_order': False, 'shape': (), }" +
		strings.Repeat(" ", 62) + "\n" + // no growth room without an axis
		"\x07\x00\x00\x00\x00\x00\x00\x00"
	require.Equal(t, want, b.String())
}

func TestWriteErrors(t *testing.T) {
	var b bytes.Buffer
	err := WriteFloat64(&b, []int{2, 3}, make([]float64, 5))
	require.EqualError(t, err, "npy: shape (2, 3) has 6 elements but data has 5")
	err = WriteInt32(&b, []int{-1}, nil)
	require.ErrorContains(t, err, "negative")
	err = WriteInt64(&b, []int{1 << 40, 1 << 40}, nil)
	require.ErrorContains(t, err, "too many elements")
	require.Zero(t, b.Len(), "nothing is written for a bad shape")

	dir := t.TempDir()
	err = WriteFloat64File(filepath.Join(dir, "x.npy"), []int{2}, []float64{1})
	require.EqualError(t, err, filepath.Join(dir, "x.npy")+": shape (2,) has 2 elements but data has 1")
	err = WriteFloat64File(filepath.Join(dir, "missing", "x.npy"), []int{1}, []float64{1})
	require.Error(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "a failed write leaves nothing behind")
}

func TestWriteFileReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o600))
	require.NoError(t, WriteInt32File(path, []int{2}, []int32{4, 5}))
	a, err := ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, []float64{4, 5}, a.Data)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the old file's mode is kept")
}

// npyFile builds a file by hand, with the header dict as given and minimal
// padding, so that the reader is not tested only against our own writer.
func npyFile(major byte, dict string, data []byte) []byte {
	h := dict + "\n"
	b := []byte(magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(h)))
	}
	b = append(b, h...)
	return append(b, data...)
}

func dict(descr, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
}

// encode packs values into items of the given kind and size, in the given
// byte order.
func encode(kind byte, size int, big bool, vals []float64) []byte {
	var out []byte
	for _, v := range vals {
		item := make([]byte, 8)
		switch kind {
		case 'f':
			if size == 4 {
				binary.LittleEndian.PutUint32(item, math.Float32bits(float32(v)))
			} else {
				binary.LittleEndian.PutUint64(item, math.Float64bits(v))
			}
		case 'u':
			binary.LittleEndian.PutUint64(item, uint64(v))
		default:
			binary.LittleEndian.PutUint64(item, uint64(int64(v)))
		}
		item = item[:size]
		if big {
			for i, j := 0, size-1; i < j; i, j = i+1, j-1 {
				item[i], item[j] = item[j], item[i]
			}
		}
		out = append(out, item...)
	}
	return out
}

func TestReadDtypes(t *testing.T) {
	types := []struct {
		kind byte
		size int
		vals []float64
	}{
		{'f', 4, []float64{0, 1.5, -2.25, math.MaxFloat32, float64(math.SmallestNonzeroFloat32)}},
		{'f', 8, []float64{0, 1.5, -2.25, math.MaxFloat64, math.SmallestNonzeroFloat64}},
		{'i', 1, []float64{0, 1, -1, 127, -128}},
		{'i', 2, []float64{0, 1, -1, 32767, -32768}},
		{'i', 4, []float64{0, 1, -1, math.MaxInt32, math.MinInt32}},
		{'i', 8, []float64{0, 1, -1, maxExact, -maxExact}},
		{'u', 1, []float64{0, 1, 2, 200, 255}},
		{'u', 2, []float64{0, 1, 2, 40000, 65535}},
		{'u', 4, []float64{0, 1, 2, 3e9, math.MaxUint32}},
		{'u', 8, []float64{0, 1, 2, 1 << 40, maxExact}},
	}
	for _, ty := range types {
		for _, order := range []byte{'<', '>'} {
			for _, major := range []byte{1, 2, 3} {
				descr := string(order) + string(ty.kind) + string(rune('0'+ty.size))
				b := npyFile(major, dict(descr, "(5,)"), encode(ty.kind, ty.size, order == '>', ty.vals))
				a, err := readBoth(t, b)
				require.NoError(t, err, "%s v%d", descr, major)
				require.Equal(t, []int{5}, a.Shape)
				require.Equal(t, ty.vals, a.Data, "%s v%d", descr, major)
			}
		}
	}
	for _, descr := range []string{"|b1", "<b1", "b1"} {
		a, err := readBoth(t, npyFile(1, dict(descr, "(2, 2)"), []byte{0, 1, 2, 0}))
		require.NoError(t, err)
		require.Equal(t, []float64{0, 1, 1, 0}, a.Data)
	}
	for _, descr := range []string{"|u1", "|i1", "u1"} {
		a, err := readBoth(t, npyFile(1, dict(descr, "(2,)"), []byte{7, 8}))
		require.NoError(t, err, descr)
		require.Equal(t, []float64{7, 8}, a.Data)
	}
}

func TestReadHeaderVariants(t *testing.T) {
	data := encode('f', 8, false, []float64{1, 2, 3, 4, 5, 6})
	for _, h := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
		"{ 'fortran_order' :False,'shape':(2,3,),'descr':'<f8' }",
		"{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2L, 3L)}", // Python 2
		"{u'descr': u'<f8', u'fortran_order': False, u'shape': (2, 3)}",
		"{'descr':\t'<f8',\n'fortran_order': False,\r\n'shape': ( 2 , 3 ) ,}   \x00\x00",
	} {
		a, err := readBoth(t, npyFile(1, h, data))
		require.NoError(t, err, h)
		require.Equal(t, []int{2, 3}, a.Shape, h)
		require.Equal(t, []float64{1, 2, 3, 4, 5, 6}, a.Data, h)
	}
}

func TestReadFortranOrder(t *testing.T) {
	fortran := func(shape string, vals []float64) []byte {
		return npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': "+shape+"}", encode('f', 8, false, vals))
	}
	// [[1 2 3] [4 5 6]] is stored column by column.
	a, err := readBoth(t, fortran("(2, 3)", []float64{1, 4, 2, 5, 3, 6}))
	require.NoError(t, err)
	require.Equal(t, []int{2, 3}, a.Shape)
	require.Equal(t, []float64{1, 2, 3, 4, 5, 6}, a.Data)

	// In 3-D, the value at [i, j, k] is 100i+10j+k, placed in Fortran order.
	shape := []int{2, 3, 4}
	var file, want []float64
	for k := range 4 {
		for j := range 3 {
			for i := range 2 {
				file = append(file, float64(100*i+10*j+k))
			}
		}
	}
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				want = append(want, float64(100*i+10*j+k))
			}
		}
	}
	a, err = readBoth(t, fortran("(2, 3, 4)", file))
	require.NoError(t, err)
	require.Equal(t, shape, a.Shape)
	require.Equal(t, want, a.Data)

	a, err = readBoth(t, fortran("(3,)", []float64{1, 2, 3}))
	require.NoError(t, err)
	require.Equal(t, []float64{1, 2, 3}, a.Data)
	a, err = readBoth(t, fortran("(0, 3)", nil))
	require.NoError(t, err)
	require.Equal(t, []int{0, 3}, a.Shape)
	require.Empty(t, a.Data)
}

func TestReadErrors(t *testing.T) {
	f8 := func(shape string, n int) []byte {
		return npyFile(1, dict("<f8", shape), make([]byte, 8*n))
	}
	var good bytes.Buffer
	require.NoError(t, WriteFloat64(&good, []int{4}, []float64{1, 2, 3, 4}))
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "npy: not a .npy file"},
		{"magic", []byte("\x93NUMPX\x01\x00\x10\x00{}"), "npy: not a .npy file"},
		{"text", []byte("0,1\n2,3\n"), "npy: not a .npy file"},
		{"npz", []byte("PK\x03\x04rest of a zip"), "npy: this is a .npz archive"},
		{"short", []byte("\x93NUMPY\x01"), "npy: truncated .npy header"},
		{"version", npyFile(4, dict("<f8", "(0,)"), nil), "npy: unsupported .npy format version 4.0"},
		{"minor", append([]byte("\x93NUMPY\x01\x01"), good.Bytes()[8:]...), "version 1.1"},
		{"header cut", good.Bytes()[:60], "npy: truncated .npy header"},
		{"huge header length", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{"), "implausibly large"},
		{"data cut", good.Bytes()[:len(good.Bytes())-3], "data is truncated"},
		{"trailing", append(slicesClone(good.Bytes()), 0), "after the data"},
		{"not a dict", npyFile(1, "('<f8', False, (1,))", make([]byte, 8)), "it is not a dict"},
		{"syntax", npyFile(1, "{'descr': '<f8' 'shape': (1,)}", nil), "bad .npy header: at byte 16: expected ',' or '}'"},
		{"unterminated", npyFile(1, "{'descr': '<f8", nil), "unterminated string"},
		{"open", npyFile(1, "{'descr': '<f8', 'shape': (1,", nil), "unexpected end of header"},
		{"junk after", npyFile(1, dict("<f8", "(1,)")+" x", make([]byte, 8)), "after the dict"},
		{"deep", npyFile(1, strings.Repeat("(", 100000), nil), "nested too deep"},
		{"missing key", npyFile(1, "{'descr': '<f8', 'shape': (1,)}", make([]byte, 8)), "no 'fortran_order'"},
		{"extra key", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", make([]byte, 8)), "unexpected key 'x'"},
		{"dup key", npyFile(1, "{'descr': '<f8', 'descr': '<f8'}", nil), "appears twice"},
		{"fortran", npyFile(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}", nil), "'fortran_order' is 0, not True or False"},
		{"shape int", f8("(3)", 3), "'shape' is 3, not a tuple"},
		{"shape list", f8("[3]", 3), "'shape' is [3], not a tuple"},
		{"shape negative", f8("(-1,)", 0), "not a tuple of non-negative integers"},
		{"shape bool", f8("(True,)", 1), "not a tuple of non-negative integers"},
		{"shape big int", f8("(99999999999999999999,)", 0), "integer 99999999999999999999 is too large"},
		{"shape overflow", f8("(4294967296, 4294967296)", 1), "too many elements"},
		{"shape bytes overflow", f8("(2305843009213693952,)", 1), "too many elements"},
		{"shape vs data", f8("(1099511627776,)", 1), "data is truncated: header says shape (1099511627776,) (1099511627776 elements) but the data ends after 1"},
		{"complex", npyFile(1, dict("<c16", "(1,)"), make([]byte, 16)),
			"npy: unsupported dtype '<c16' (complex); snnc reads integer, float and bool arrays"},
		{"half", npyFile(1, dict("<f2", "(1,)"), make([]byte, 2)), "'<f2' (half-precision float)"},
		{"long double", npyFile(1, dict("<f16", "(1,)"), make([]byte, 16)), "'<f16' (extended-precision float)"},
		{"string", npyFile(1, dict("<U5", "(1,)"), make([]byte, 20)), "'<U5' (string)"},
		{"bytes", npyFile(1, dict("|S3", "(1,)"), make([]byte, 3)), "'|S3' (string)"},
		{"object", npyFile(1, dict("|O", "(1,)"), make([]byte, 8)), "'|O' (Python object)"},
		{"void", npyFile(1, dict("|V8", "(1,)"), make([]byte, 8)), "'|V8' (raw bytes)"},
		{"datetime", npyFile(1, dict("<M8[ns]", "(1,)"), make([]byte, 8)), "'<M8[ns]' (date or time)"},
		{"i3", npyFile(1, dict("<i3", "(1,)"), make([]byte, 3)), "'<i3' (unknown)"},
		{"i+8", npyFile(1, dict("<i+8", "(1,)"), make([]byte, 8)), "'<i+8' (unknown)"},
		{"empty descr", npyFile(1, dict("", "(1,)"), make([]byte, 8)), "'' (empty)"},
		{"descr int", npyFile(1, "{'descr': 8, 'fortran_order': False, 'shape': (1,)}", make([]byte, 8)), "'descr' is 8, not a dtype string"},
		{"structured", npyFile(1, "{'descr': [('t', '<f8'), ('i', '<i4')], 'fortran_order': False, 'shape': (1,)}", make([]byte, 12)),
			"unsupported dtype [('t', '<f8'), ('i', '<i4')] (structured, with named fields)"},
		{"i8 inexact", npyFile(1, dict("<i8", "(2, 2)"), encode('i', 8, false, []float64{0, 0, 0, -(1 << 53) - 2})),
			"npy: element [1, 1] is -9007199254740994, beyond 2^53 in magnitude"},
		{"u8 inexact", npyFile(1, dict(">u8", "(2,)"), append(encode('u', 8, true, []float64{1}), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)),
			"element [1] is 18446744073709551615"},
		{"i8 inexact fortran", npyFile(1, "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 2)}", encode('i', 8, false, []float64{0, 1 << 60, 0, 0})),
			"element [1, 0] is 1152921504606846976"},
	}
	for _, c := range cases {
		_, err := readBoth(t, c.file)
		require.ErrorContains(t, err, c.want, c.name)
	}
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rates.npy")
	require.NoError(t, os.WriteFile(path, npyFile(1, dict("<c16", "(1,)"), make([]byte, 16)), 0o644))
	_, err := ReadFile(path)
	require.EqualError(t, err, path+": unsupported dtype '<c16' (complex); snnc reads integer, float and bool arrays")

	// A file that is too short for its shape is refused before reading
	// the data, naming both sizes.
	require.NoError(t, os.WriteFile(path, npyFile(1, dict("<f8", "(1000, 2)"), make([]byte, 123)), 0o644))
	_, err = ReadFile(path)
	require.ErrorContains(t, err, path+": header says shape (1000, 2) of '<f8', 16000 bytes of data, but the file has 123 bytes after the header")

	_, err = ReadFile(filepath.Join(dir, "missing.npy"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// A header claiming an enormous array must not make the reader allocate
// it, whether or not the size of the input is known.
func TestHugeShapeDoesNotAllocate(t *testing.T) {
	file := npyFile(1, dict("<f8", "(1000000000, 1000)"), make([]byte, 64))
	path := filepath.Join(t.TempDir(), "huge.npy")
	require.NoError(t, os.WriteFile(path, file, 0o644))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(struct{ io.Reader }{bytes.NewReader(file)})
	require.ErrorContains(t, err, "data is truncated")
	_, err = Read(bytes.NewReader(file))
	require.ErrorContains(t, err, "header says shape (1000000000, 1000)")
	_, err = ReadFile(path)
	require.ErrorContains(t, err, "header says shape (1000000000, 1000)")
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20))
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	_ = WriteFloat64(&b, []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	f.Add(slicesClone(b.Bytes()))
	b.Reset()
	_ = WriteInt32(&b, []int{0, 3}, nil)
	f.Add(slicesClone(b.Bytes()))
	b.Reset()
	_ = WriteInt64(&b, nil, []int64{1})
	f.Add(slicesClone(b.Bytes()))
	f.Add(npyFile(2, dict(">u2", "(3,)"), []byte{0, 1, 0, 2, 0, 3}))
	f.Add(npyFile(3, "{'descr': '|b1', 'fortran_order': True, 'shape': (2, 1, 2)}", []byte{1, 0, 1, 0}))
	f.Add(npyFile(1, "{'descr': [('a', '<f4', (2,))], 'fortran_order': False, 'shape': (1,)}", make([]byte, 8)))
	f.Add(npyFile(1, dict("<f8", "(1099511627776,)"), make([]byte, 8)))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := readBoth(t, b)
		if err != nil {
			return
		}
		require.Equal(t, count(a.Shape), len(a.Data))
	})
}

func BenchmarkWriteFloat64(b *testing.B) {
	data := make([]float64, 1<<20)
	for i := range data {
		data[i] = float64(i)
	}
	b.SetBytes(8 << 20)
	for b.Loop() {
		_ = WriteFloat64(discard{}, []int{len(data)}, data)
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	data := make([]float64, 1<<20)
	_ = WriteFloat64(&buf, []int{len(data)}, data)
	b.SetBytes(8 << 20)
	for b.Loop() {
		_, _ = Read(bytes.NewReader(buf.Bytes()))
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
