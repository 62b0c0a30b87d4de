package lang

import (
	"fmt"
	"strings"
	"testing"
)

// generateModel writes a valid model of about size bytes: many neuron and
// synapse types, populations and projections, the shape of a large
// machine-generated model.
func generateModel(size int) []byte {
	var b strings.Builder
	b.WriteString("param w_scale: mV = 1 mV\n")
	for k := 0; b.Len() < size; k++ {
		fmt.Fprintf(&b, `
// block %[1]d
neuron N%[1]d {
    param tau_m: ms = %[2]d ms
    param tau_e: ms = 5 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    param e_l: mV = -49 mV
    state v: mV = uniform(v_r, v_t)
    state ge: mV = 0 mV
    let drive = ge - (v - e_l)
    dv/dt = drive / tau_m unless refractory
    dge/dt = -ge / tau_e
    threshold v > v_t
    reset { v = v_r }
    refractory 2 ms
    method exact
}
synapse S%[1]d {
    param w: mV = 0.5 * w_scale
    trace x decay 20 ms
    on pre { post.ge += w * (1 + x)  x += 1 }
}
population p%[1]d = N%[1]d[%[3]d] { tau_m = %[4]d ms }
connect c%[1]d: p%[1]d -> p%[1]d using S%[1]d by fixed_probability(0.1) { w = uniform(0 mV, 1 mV) }
monitor spikes p%[1]d
`, k, 10+k%20, 100+k%50, 15+k%10)
	}
	return []byte(b.String())
}

func TestGeneratedModelChecks(t *testing.T) {
	src := generateModel(20 << 10)
	if _, err := (&Loader{}).Load("gen.snn", src); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCheck1MB measures snnc check on a 1 MB model. The goal
// is well under a second.
func BenchmarkCheck1MB(b *testing.B) {
	src := generateModel(1 << 20)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := (&Loader{}).Load("gen.snn", src); err != nil {
			b.Fatal(err)
		}
	}
}
