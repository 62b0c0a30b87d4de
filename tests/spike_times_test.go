package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/interp"
)

// spikeTimesModel gives one source per time, on and off the grid of
// dt = 0.1 ms, the times of tests/bench/brian2_spike_times.py.
const spikeTimesModel = `
input x = spikes[10] { times = [(0, 0.37 ms), (1, 0.3 ms), (2, 0.35 ms), (3, 0.29999 ms), (4, 0.7 ms),
                                (5, 1.0 ms), (6, 0.125 ms), (7, 0.05 ms), (8, 0.0999 ms), (9, 1.19 ms)] }
monitor spikes x
run { duration = 2 ms  dt = 0.1 ms }
`

// TestSpikeTimesBrian2 pins the step of each given spike time to the one
// Brian2 2.5.1's SpikeGeneratorGroup puts it in (measured with
// tests/bench/brian2_spike_times.py): the step that holds the time, a time
// on the grid in its own step (0.3 ms and 0.7 ms, whose quotients by dt are
// just below 3 and 7), a time within dt/1000 below the grid in the next
// (0.29999 ms, 0.0999 ms). Rounding, as snnc did before, put 0.37 ms and
// 0.35 ms in step 4 and 0.05 ms in step 1.
func TestSpikeTimesBrian2(t *testing.T) {
	brian2 := map[int32]int64{0: 3, 1: 3, 2: 3, 3: 3, 4: 7, 5: 10, 6: 1, 7: 0, 8: 1, 9: 11}
	m := compileSource(t, "spike_times.snn", spikeTimesModel)
	res := run(t, m, interp.Options{})
	sp := spikesOf(res, "x_spikes")
	require.NotNil(t, sp)
	got := map[int32]int64{}
	for n, i := range sp.Index {
		got[i] = sp.Steps[n]
	}
	require.Equal(t, brian2, got)
	conform(t, conformModule("spike_times", spikeTimesModel, m).onLLVM(1))
}
