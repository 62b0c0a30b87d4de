package mathfn

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMinMaxSign(t *testing.T) {
	negZero := math.Copysign(0, -1)
	require.Equal(t, 1.0, Min(1, 2))
	require.Equal(t, 2.0, Max(1, 2))
	require.True(t, math.Signbit(Min(0, negZero)))
	require.True(t, math.Signbit(Min(negZero, 0)))
	require.False(t, math.Signbit(Max(0, negZero)))
	require.False(t, math.Signbit(Max(negZero, 0)))
	for _, x := range []float64{1, math.Inf(-1), math.NaN()} {
		require.Equal(t, uint64(nanBits), math.Float64bits(Min(math.NaN(), x)))
		require.Equal(t, uint64(nanBits), math.Float64bits(Max(x, math.NaN())))
	}
	require.Equal(t, -1.0, Sign(-3))
	require.Equal(t, 1.0, Sign(math.Inf(1)))
	require.True(t, math.Signbit(Sign(negZero)))
	require.True(t, math.IsNaN(Sign(math.NaN())))
}
