package runtime

import (
	"encoding/binary"
	"math/bits"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// specHash is DataHash as spec/runtime.md (Data files) states it, over
// the whole input at once: the test's own reading of the text.
func specHash(b []byte) uint64 {
	var lane [4]uint64
	for k := range lane {
		lane[k] = 0xC2B2AE3D27D4EB4F * uint64(k+1)
	}
	n := len(b)
	padded := append(append([]byte{}, b...), make([]byte, (32-n%32)%32)...)
	for at := 0; at < len(padded); at += 32 {
		for k := range lane {
			w := binary.LittleEndian.Uint64(padded[at+8*k:])
			lane[k] = bits.RotateLeft64(lane[k]^w, 31) * 0x9E3779B97F4A7C15
		}
	}
	s := uint64(n)
	for _, x := range lane {
		s = bits.RotateLeft64(s^x, 27) * 0xC2B2AE3D27D4EB4F
		s ^= s >> 31
	}
	return s
}

// TestDataHash: the hash of bytes written in pieces of any size is the
// hash of the spec's statement over them at once; HashDataFile gives it
// for a file; a change of one bit, or a zero byte more, changes it.
func TestDataHash(t *testing.T) {
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i*7 + i/13)
	}
	for _, n := range []int{0, 1, 5, 31, 32, 33, 64, 100, 999, 1000} {
		want := specHash(data[:n])
		for _, piece := range []int{1, 3, 32, 45, 1000} {
			h := NewDataHash()
			for at := 0; at < n; at += piece {
				h.Write(data[at:min(n, at+piece)])
			}
			require.Equal(t, want, h.Sum64(), "%d bytes in pieces of %d", n, piece)
		}
	}
	path := filepath.Join(t.TempDir(), "d.npy")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	size, hash, err := HashDataFile(path)
	require.NoError(t, err)
	require.Equal(t, int64(1000), size)
	require.Equal(t, specHash(data), hash)
	flipped := append([]byte{}, data...)
	flipped[517] ^= 4
	require.NotEqual(t, hash, specHash(flipped), "one bit changed")
	require.NotEqual(t, specHash(data[:40]), specHash(append(data[:40:40], 0)), "a zero byte more")
}
