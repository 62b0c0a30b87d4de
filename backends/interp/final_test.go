package interp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FinalState given the storage a run ends with makes the run's own final
// state: every array, in the same order, with the same values (traces
// decayed to the end from their last events, a step current's parameter
// at its last step, dendrite arrays), so that a backend that reads its
// state back gets the interpreter's state/ from it. Before, from the
// initial storage, the state differs: the run changed it.
func TestFinalStateFromStorage(t *testing.T) {
	for _, ex := range []string{"symmetric_stdp", "izhikevich", "dendrites"} {
		t.Run(ex, func(t *testing.T) {
			m := compileFile(t, "../../examples/"+ex+".snn")
			opts := Options{Duration: 0.05}
			var final *Storage
			opts.Final = func(s *Storage) { final = s }
			res, err := Run(m, opts)
			require.NoError(t, err)
			opts.Final = nil
			got, err := FinalState(m, opts, final.Vars, final.Steps)
			require.NoError(t, err)
			require.Equal(t, res.Summary.Final, got)

			initial, err := Initial(m, opts)
			require.NoError(t, err)
			before, err := FinalState(m, opts, initial.Vars, final.Steps)
			require.NoError(t, err)
			require.NotEqual(t, res.Summary.Final, before)
		})
	}
	m := compileFile(t, "../../examples/lif_current.snn")
	_, err := FinalState(m, Options{}, map[string][]float64{"cell.v": {1, 2}}, 10)
	require.ErrorContains(t, err, "final state: cell.v has 2 values, not 1")
}
