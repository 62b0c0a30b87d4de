package runtime

import (
	"encoding/binary"
	"io"
	"math/bits"
	"os"
)

// A native executable reads its large data files (a weight matrix of 10^8
// entries) when it starts, rather than holding their bytes, and checks
// that each is still the file the model was compiled against by its size
// and a hash of all its bytes (runtime/c/datafile.c, spec/runtime.md).
// The hash is computed as the bytes are read, which they must be anyway:
// four independent lanes of xor, rotate and multiply over 8-byte words
// cost far less than the read (several bytes a cycle), and unlike a
// file's modification time it survives a copy to another machine. It
// guards against a changed or replaced file, not against an adversary.

const (
	hashP1 = 0x9E3779B97F4A7C15
	hashP2 = 0xC2B2AE3D27D4EB4F
)

// DataHash is the hash of a data file, computed as its bytes are written
// to it in pieces of any size; runtime/c/datafile.c computes the same.
type DataHash struct {
	lane [4]uint64
	n    uint64
	tail [32]byte
	nt   int
}

// NewDataHash returns a hash of no bytes yet.
func NewDataHash() *DataHash {
	h := &DataHash{}
	for k := range h.lane {
		h.lane[k] = hashP2 * uint64(k+1)
	}
	return h
}

func (h *DataHash) block(b []byte) {
	for k := range h.lane {
		h.lane[k] = bits.RotateLeft64(h.lane[k]^binary.LittleEndian.Uint64(b[8*k:]), 31) * hashP1
	}
}

// Write adds b to the hashed bytes; it never fails.
func (h *DataHash) Write(b []byte) (int, error) {
	n := len(b)
	h.n += uint64(n)
	if h.nt > 0 {
		c := copy(h.tail[h.nt:], b)
		h.nt += c
		b = b[c:]
		if h.nt < len(h.tail) {
			return n, nil
		}
		h.block(h.tail[:])
		h.nt = 0
	}
	for len(b) >= 32 {
		h.block(b)
		b = b[32:]
	}
	h.nt = copy(h.tail[:], b)
	return n, nil
}

// Sum64 is the hash of the bytes written: the last partial block padded
// with zeros, then the lanes and the length mixed into one word.
func (h *DataHash) Sum64() uint64 {
	lane := h.lane
	if h.nt > 0 {
		var b [32]byte
		copy(b[:], h.tail[:h.nt])
		for k := range lane {
			lane[k] = bits.RotateLeft64(lane[k]^binary.LittleEndian.Uint64(b[8*k:]), 31) * hashP1
		}
	}
	s := h.n
	for _, x := range lane {
		s = bits.RotateLeft64(s^x, 27) * hashP2
		s ^= s >> 31
	}
	return s
}

// HashDataFile returns the size of the file at path and the hash of its
// bytes (DataHash).
func HashDataFile(path string) (size int64, hash uint64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	h := NewDataHash()
	size, err = io.CopyBuffer(h, f, make([]byte, 4<<20))
	return size, h.Sum64(), err
}
