package plot

import (
	"fmt"
	"path/filepath"

	"snnc/runtime/npy"
)

// spikes is a spike monitor's recording.
type spikes struct {
	t, i []float64
	n    int // the neurons: the target's size, else the largest index + 1
}

// state is a state monitor's recording: values[r*m+c] is element idx[c]
// at time t[r].
type state struct {
	t, idx    []float64
	values    []float64
	m         int
	pre, post []float64 // the synapses' ends, for a projection's variable
}

func (o *Output) read(m Monitor, suffix string) (*npy.Array, error) {
	a, err := npy.ReadFile(filepath.Join(o.Dir, m.Name+suffix))
	if err != nil {
		return nil, fmt.Errorf("monitor %s: %v", m.Name, err)
	}
	return a, nil
}

func (o *Output) spikes(m Monitor) (*spikes, error) {
	t, err := o.read(m, ".t.npy")
	if err != nil {
		return nil, err
	}
	i, err := o.read(m, ".i.npy")
	if err != nil {
		return nil, err
	}
	if len(t.Data) != len(i.Data) {
		return nil, fmt.Errorf("monitor %s: %d spike times but %d indices", m.Name, len(t.Data), len(i.Data))
	}
	s := &spikes{t: t.Data, i: i.Data, n: o.Sizes[m.Target]}
	for _, x := range s.i {
		if x < 0 {
			return nil, fmt.Errorf("monitor %s: negative neuron index %g", m.Name, x)
		}
		if int(x) >= s.n && o.Sizes[m.Target] == 0 {
			s.n = int(x) + 1
		}
	}
	return s, nil
}

func (o *Output) state(m Monitor) (*state, error) {
	t, err := o.read(m, ".t.npy")
	if err != nil {
		return nil, err
	}
	idx, err := o.read(m, ".i.npy")
	if err != nil {
		return nil, err
	}
	v, err := o.read(m, ".npy")
	if err != nil {
		return nil, err
	}
	s := &state{t: t.Data, idx: idx.Data, values: v.Data, m: len(idx.Data)}
	if want := len(s.t) * s.m; len(v.Data) != want {
		return nil, fmt.Errorf("monitor %s: %d values for %d times × %d elements", m.Name, len(v.Data), len(s.t), s.m)
	}
	if m.Synapses {
		pre, err := o.read(m, ".pre.npy")
		if err != nil {
			return nil, err
		}
		post, err := o.read(m, ".post.npy")
		if err != nil {
			return nil, err
		}
		if len(pre.Data) != s.m || len(post.Data) != s.m {
			return nil, fmt.Errorf("monitor %s: %d and %d synapse ends for %d elements", m.Name, len(pre.Data), len(post.Data), s.m)
		}
		s.pre, s.post = pre.Data, post.Data
	}
	return s, nil
}
