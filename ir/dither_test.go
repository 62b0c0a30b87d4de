package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A dithered convert prints and parses back with its stream and, in a
// dendrite array's kernel, its segments; a bad one is a parse error.
func TestDitherRoundTrip(t *testing.T) {
	src := mod(`  kernel update {
  b0:
    %0 = load v : fx16.14
    %1 = convert %0 : fx32.30
    %2 = convert %1 dither stream=1073741830 : fx16.14
    %3 = convert %1 dither stream=1073741900 segments=4 : fx16.14
    store v, %3
    ret
  }
`)
	m, err := Parse(src)
	require.NoError(t, err)
	assert.Equal(t, src, m.String())
	for _, bad := range []string{"segments=0", "segments=x", "segs=4"} {
		_, err := Parse(mod("  kernel update {\n  b0:\n    %0 = load v : fx16.14\n    %1 = convert %0 dither stream=5 " + bad + " : fx16.14\n    ret\n  }\n"))
		assert.Error(t, err, bad)
	}
}

// Segment s of neuron i, element i*C + s of a dendrite array's kernel,
// draws from stream N + s at index i; without segments, from N at the
// element.
func TestDitherKey(t *testing.T) {
	s, e := Dither{Stream: 100, Segments: 4}.Key(4*7 + 3)
	assert.Equal(t, uint32(103), s)
	assert.Equal(t, uint64(7), e)
	s, e = Dither{Stream: 100}.Key(31)
	assert.Equal(t, uint32(100), s)
	assert.Equal(t, uint64(31), e)
}
