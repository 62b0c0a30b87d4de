// Writing .npy files: the exported writers of '<f8', '<i4' and '<i8'
// arrays, to a writer or to a file (renamed into place), and the header
// as numpy.save writes it, so that a file is byte-identical to numpy's.

package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
