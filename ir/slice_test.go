package ir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sliceForm uses every attribute of subgroups and slices: a projection's
// ranges, a monitor's base, a reduction's slice.
const sliceForm = `module "slice.snn"
run dt=0.0001 duration=0.01 steps=100 seed=0

global g : global[1] {
  state mean.inh.v : f64 reduce mean p v slice 8 10
}

population p : N[10] {
  state v : f64
}

input drive : poisson[4] rates=[5.0]

projection pi : p -> p using S by all_to_all autapses=true pre_lo=8 pre_hi=10 post_lo=0 post_hi=8 {
}

projection di : drive -> p using S by one_to_one post_lo=8 post_hi=10 {
}

monitor inh_spikes : spikes p [8:10] base=8
monitor inh_v : state p.v [8:9] every 10 base=8
`

// The text form keeps the ranges, and the verifier accepts them within
// their nodes and refuses them outside.
func TestSliceRoundTrip(t *testing.T) {
	m, err := Parse(sliceForm)
	require.NoError(t, err)
	assert.Equal(t, sliceForm, m.String())
	require.NoError(t, Verify(m))
	pi := m.Projections[0]
	lo, n := pi.PreSpan()
	assert.Equal(t, [2]int{8, 2}, [2]int{lo, n})
	lo, n = pi.PostSpan()
	assert.Equal(t, [2]int{0, 8}, [2]int{lo, n})
	assert.False(t, pi.SameSide(), "8:10 onto 0:8 of one population")
	lo, n = m.Projections[1].PreSpan()
	assert.Equal(t, [2]int{0, 4}, [2]int{lo, n}, "no pre range: the whole input")
	assert.Equal(t, 8, m.Monitors[1].Base)

	for _, bad := range []struct{ from, to, want string }{
		{"post_lo=0 post_hi=8", "post_lo=4 post_hi=11", "post range 4:11 is not a non-empty range of p's 10 neurons"},
		{"pre_lo=8 pre_hi=10", "pre_lo=9 pre_hi=9", "pre range 9:9 is not a non-empty range"},
		{"slice 8 10", "slice 8 12", "range 8:12 is not a non-empty range of p's 10 neurons"},
	} {
		m, err := Parse(strings.Replace(sliceForm, bad.from, bad.to, 1))
		require.NoError(t, err)
		err = Verify(m)
		require.Error(t, err, bad.to)
		assert.Contains(t, err.Error(), bad.want)
	}
}
