package passes

import (
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
