package ir

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// scheduled has what issue 19's scheduled code, phases and timed arrays
// add to the text form: a table, a table instruction, a sched kernel and
// a monitor with a window.
const scheduled = `module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1
table stim dt=0.0005 k=64 rows=2 cols=1 two=false values=[1.0, 2.5]

population a : N[2] {
  state v : f64
  kernel sched.0.4.2 {
  b0:
    %0 = time : f64
    %1 = table stim, %0 : f64
    store v, %1
    ret
  }
}

monitor a_v : state a.v every 1 window 2:8
`

// The text form of tables, table instructions, scheduled kernels and
// monitor windows reads back to what it printed, and verifies.
func TestScheduledRoundTrip(t *testing.T) {
	m, err := Parse(scheduled)
	require.NoError(t, err)
	require.NoError(t, Verify(m))
	require.Equal(t, scheduled, m.String())
	require.Equal(t, [2]int64{2, 8}, m.Monitors[0].Window)
	require.True(t, m.Monitors[0].Records(2))
	require.False(t, m.Monitors[0].Records(8))
	k := m.Populations[0].Kernels[0]
	require.Equal(t, RoleSchedule, k.Role)
	require.Equal(t, 2.5, m.TableNamed("stim").At(0.0005, 0))

	// A table instruction must name a table of the module, with as many
	// operands as the table has dimensions.
	bad, err := Parse(scheduled[:len(`module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1
`)] + scheduled[len(`module "t.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1
table stim dt=0.0005 k=64 rows=2 cols=1 two=false values=[1.0, 2.5]
`):])
	require.NoError(t, err)
	require.ErrorContains(t, Verify(bad), "no table stim")
}
