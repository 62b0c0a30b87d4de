package tests

import (
	"testing"

	"snnc/backends/interp"
)

// BenchmarkInterpCUBA runs one biological second of CUBA (4000 neurons,
// about 320 000 synapses) on the interpreter, network construction
// included, and reports neuron updates and synaptic events per second of
// wall time:
//
//	go test ./tests -run XXX -bench InterpCUBA -count 5
//
// tests/bench/interp.sh compares it with Brian2's numpy runtime.
func BenchmarkInterpCUBA(b *testing.B) {
	m := compileFile(b, "../examples/cuba.snn")
	var res *interp.Result
	for b.Loop() {
		var err error
		if res, err = interp.Run(m, interp.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	s := res.Summary
	perRun := b.Elapsed().Seconds() / float64(b.N)
	neurons := 0
	for _, p := range s.Populations {
		neurons += p.Size
	}
	b.ReportMetric(float64(neurons)*float64(s.Steps)/perRun, "neuron-updates/s")
	b.ReportMetric(float64(s.Events)/perRun, "events/s")
	b.ReportMetric(perRun/s.Duration, "wall-s/bio-s")
}
