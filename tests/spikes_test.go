package tests

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"snnc/backends/interp"
	"snnc/ir"
)

// goldenDuration caps the simulated time of the golden runs, so that the
// whole suite stays quick; the oracle tests run the long models in full.
const goldenDuration = 2.0

// goldenCaps lowers goldenDuration for the examples whose interpreter
// runs are long even so: vogels2011's first phase fires 10^4 neurons at
// ~165 Hz through 2x10^6 synapses, 45 s of interpretation per 2 s, and
// the every-example tests run it a dozen times. Its 0.1 s golden run
// covers the first phase's start; TestVogels2011Backends compares the phase
// switch on interp and llvm on a scaled-down network, and
// TestVogels2011AgainstBrian2 runs 2 s natively. brunel_hakim1999's
// 5000 neurons with 5x10^6 synapses take 6 s of interpretation per
// second: 0.3 s covers the first synchronous volley and 20 cycles of the
// oscillation; TestBrunelHakimAgainstBrian2 runs 1 s natively and
// TestNoiseExamplesInterpEqualsNative compares interp and llvm. cobahh's
// 4000 Hodgkin-Huxley neurons take 17 s of interpretation per second:
// 0.2 s covers the start from its random conductances and some seven
// action potentials a neuron; TestCobahhExampleAgainstBrian2 runs 1 s
// natively over three seeds.
var goldenCaps = map[string]float64{"vogels2011": 0.1, "brunel_hakim1999": 0.3, "cobahh": 0.2}

// goldenDurationOf is the cap on the simulated time of an example's
// golden and every-example runs.
func goldenDurationOf(name string) float64 {
	if d, ok := goldenCaps[name]; ok {
		return d
	}
	return goldenDuration
}

// spikeReport describes a run's recordings for a golden file: per
// monitor, the number of values, a hash of each output file's bytes, and
// the first spikes in readable form.
func spikeReport(t *testing.T, m *ir.Module, res *interp.Result, capped bool) string {
	files := outputBytes(t, m, res)
	var b strings.Builder
	s := res.Summary
	fmt.Fprintf(&b, "seed %d, %d steps of %g s", s.Seed, s.Steps, s.Dt)
	if capped {
		fmt.Fprintf(&b, " (the first %g s of the model's %g s)", s.Duration, m.Run.Duration)
	}
	fmt.Fprintln(&b)
	for _, p := range s.Populations {
		fmt.Fprintf(&b, "%s: %d spikes\n", p.Name, p.Spikes)
	}
	for _, sp := range res.Spikes {
		fmt.Fprintf(&b, "monitor %s: %d spikes, t %s, i %s\n", sp.Name, len(sp.Steps),
			hashOf(files[sp.Name+".t.npy"]), hashOf(files[sp.Name+".i.npy"]))
		var first []string
		for n := 0; n < len(sp.Steps) && n < 8; n++ {
			first = append(first, fmt.Sprintf("(%.4g s, %d)", float64(sp.Steps[n])*s.Dt, sp.Index[n]))
		}
		if len(first) > 0 {
			fmt.Fprintf(&b, "  first %s\n", strings.Join(first, " "))
		}
	}
	for _, st := range res.States {
		fmt.Fprintf(&b, "monitor %s: %d samples of %d, values %s\n", st.Name, len(st.Steps), len(st.Indices), hashOf(files[st.Name+".npy"]))
		if len(st.Values) > 0 {
			row := st.Values[:min(len(st.Indices), 4)]
			var vals []string
			for _, x := range row {
				vals = append(vals, fmt.Sprintf("%.6g", x))
			}
			fmt.Fprintf(&b, "  at t = 0: %s\n", strings.Join(vals, " "))
		}
	}
	return b.String()
}

// TestSpikesGolden runs every example on the interpreter and compares its
// recordings with the out/spikes.interp section of tests/golden/NAME.txtar.
func TestSpikesGolden(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".snn")
		t.Run(name+"/interp", func(t *testing.T) {
			m := compileFile(t, f)
			opts := interp.Options{}
			capped := m.Run.Duration > goldenDurationOf(name)
			if capped {
				opts.Duration = goldenDurationOf(name)
			}
			res := run(t, m, opts)
			checkGolden(t, name, []txtar.File{{Name: "out/spikes.interp", Data: []byte(spikeReport(t, m, res, capped))}})
		})
	}
}
