package passes

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/ir"
)

// pruneSrc: a drives b through ab; only a's spikes are recorded. b, ab
// and a's unread state u go; a's v stays (its threshold reads it), as
// does its parameter i_ext, which a current drives... whose current goes
// with nothing reading i_ext.
const pruneSrc = `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population a : N[2] {
  param i_ext : f64 = 0.0
  state v : f64
  state u : f64
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.5 : f64
    %2 = add %0, %1 : f64
    store v, %2
    %3 = load u : f64
    %4 = param i_ext : f64
    %5 = add %3, %4 : f64
    store u, %5
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
  kernel reset {
  b0:
    %0 = const 0.0 : f64
    store v, %0
    store u, %0
    ret
  }
}

population b : N[2] {
  state v : f64
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.9 : f64
    %2 = mul %0, %1 : f64
    store v, %2
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
}

projection ab : a -> b using S by all_to_all {
  param w : f64 = 0.1
  kernel on_pre {
  b0:
    %0 = load post.v : f64
    %1 = param w : f64
    %2 = add %0, %1 : f64
    store post.v, %2
    ret
  }
}

current drive -> a.i_ext {
  kernel value : f64 {
  b0:
    %0 = const 1.0 : f64
    ret %0
  }
}

monitor a_spikes : spikes a
`

func TestPrune(t *testing.T) {
	m, err := ir.Parse(pruneSrc)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m))
	require.NoError(t, Prune(m))
	require.NoError(t, ir.Verify(m))
	assert.Equal(t, []string{
		"prune: removed projection ab: it changes nothing a monitor depends on",
		"prune: removed population b: no monitor depends on its spikes or its state",
		"prune: removed current drive: no monitor depends on a.i_ext",
		"prune: removed a.u: no monitor depends on it",
	}, m.Notes)
	text := m.String()
	assert.Equal(t, `  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.5 : f64
    %2 = add %0, %1 : f64
    store v, %2
    ret
  }
`, kernelText(t, text, "update"))
	assert.Equal(t, `  kernel reset {
  b0:
    %0 = const 0.0 : f64
    store v, %0
    ret
  }
`, kernelText(t, text, "reset"))
	// The text reads back with its notes.
	again, err := ir.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, text, again.String())
}

// Recording b's v keeps everything that can change it: b, ab, and a's
// spikes; a.u still goes, and so does the current.
func TestPruneKeepsWhatARecordingNeeds(t *testing.T) {
	m, err := ir.Parse(pruneSrc + "monitor b_v : state b.v every 1\n")
	require.NoError(t, err)
	require.NoError(t, Prune(m))
	require.NoError(t, ir.Verify(m))
	assert.Equal(t, []string{
		"prune: removed current drive: no monitor depends on a.i_ext",
		"prune: removed a.u: no monitor depends on it",
	}, m.Notes)
	assert.Len(t, m.Populations, 2)
	assert.Len(t, m.Projections, 1)
}

// truncSrc: src drives readout (100 neurons) by fixed_indegree, and a
// spikes input drives it by pairs, some onto neurons past 2; only
// readout.v of neurons 0 and 1 is recorded, and src's spikes.
const truncSrc = `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population src : N[4] {
  state v : f64
  kernel threshold : bool {
  b0:
    %0 = load v : f64
    %1 = const 1.0 : f64
    %2 = gt %0, %1 : bool
    ret %2
  }
}

population readout : N[100] {
  state v : f64
  kernel update {
  b0:
    %0 = load v : f64
    %1 = const 0.9 : f64
    %2 = mul %0, %1 : f64
    store v, %2
    ret
  }
}

input clock : spikes[2] times=[(0, 0.001), (1, 0.002)]

projection sr : src -> readout using S by RULE {
  param w : f64 = 0.1
  kernel on_pre {
  b0:
    %0 = load post.v : f64
    %1 = param w : f64
    %2 = add %0, %1 : f64
    store post.v, %2
    ret
  }
}

projection cr : clock -> readout using S by pairs [(0, 1), (1, 50), (0, 99), (1, 0)] {
  param w : f64 = 0.2
  kernel on_pre {
  b0:
    %0 = load post.v : f64
    %1 = param w : f64
    %2 = add %0, %1 : f64
    store post.v, %2
    ret
  }
}

monitor src_spikes : spikes src
monitor readout_v : state readout.v [0:1, 1:2] every 1
`

// A readout recorded at neurons 0 and 1 keeps those two: fixed_indegree
// makes their synapses whatever its size, and the pairs onto the others
// go.
func TestPruneTruncates(t *testing.T) {
	m, err := ir.Parse(strings.Replace(truncSrc, "RULE", "fixed_indegree k=2 autapses=false", 1))
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m))
	require.NoError(t, Prune(m))
	require.NoError(t, ir.Verify(m))
	assert.Equal(t, []string{
		"prune: projection cr loses 2 of its 4 pairs: they reach neurons of readout that go",
		"prune: population readout keeps neurons 0..1 of 100: no monitor depends on the others",
	}, m.Notes)
	text := m.String()
	assert.Contains(t, text, "\npopulation readout : N[2] {\n")
	assert.Contains(t, text, "\nprojection cr : clock -> readout using S by pairs [(0, 1), (1, 0)] {\n")
	assert.Contains(t, text, "\npopulation src : N[4] {\n")
	again, err := ir.Parse(text)
	require.NoError(t, err)
	assert.Equal(t, text, again.String())
}

// Where the synapses onto the first neurons depend on the population's
// size, or its spikes are read, it keeps every neuron.
func TestPruneKeepsNeurons(t *testing.T) {
	for _, c := range []struct {
		name, rule, extra, note string
	}{
		{"outdegree", "fixed_outdegree k=2 autapses=false", "",
			"prune: population readout keeps all its 100 neurons, though monitors record only neurons 0..1: projection sr makes its synapses by fixed_outdegree, which depends on the size of readout"},
		{"one_to_one", "one_to_one", "",
			"prune: population readout keeps all its 100 neurons, though monitors record only neurons 0..1: projection sr makes its synapses by one_to_one, which depends on the size of readout"},
		{"synapse monitor", "fixed_probability p=0.5 autapses=false", "monitor sr_w : state sr.w every 10\n",
			"prune: population readout keeps all its 100 neurons, though monitors record only neurons 0..1: monitor sr_w records every synapse of sr"},
		{"spikes recorded", "fixed_indegree k=2 autapses=false", "monitor readout_spikes : spikes readout\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ir.Parse(strings.Replace(truncSrc, "RULE", c.rule, 1) + c.extra)
			require.NoError(t, err)
			require.NoError(t, Prune(m))
			require.NoError(t, ir.Verify(m))
			assert.Equal(t, 100, m.Populations[1].Size)
			if c.note == "" {
				assert.Empty(t, m.Notes)
			} else {
				assert.Equal(t, []string{c.note}, m.Notes)
			}
			assert.Contains(t, m.String(), "(0, 99)")
		})
	}
}
