package tests

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/runtime/npy"
)

// phaseRates is a protocol of three phases that change a poisson input's
// rate (language.md 4.10): the declaration's rate, which depends on i, in
// the first phase; another per-source rate from the second; a shared one
// from the third. The changes fall at steps 20000 and 50000, so the input
// runs a table of a row per 10000 steps, a column per source.
const phaseRates = `
neuron Leaky {
    state v: mV = 0 mV
    dv/dt = -v / (10 ms)
}

synapse Kick {
    on pre { post.v += 1 mV }
}

param base = 50 Hz
input stim = poisson[4] { rate = base + i * base }
population cells = Leaky[2]
connect stim -> cells using Kick by all_to_all
monitor spikes stim

run { dt = 0.1 ms }

phase first {
    duration = 2 s
}
phase second {
    duration = 3 s
    on stim { rate = 100 Hz * (N - i) }
}
phase third {
    duration = 1.5 s
    on stim { rate = 200 Hz }
}
`

// TestPhaseInputRates: the spikes of each source in each phase are a
// Poisson count of mean rate × duration, which the test computes from the
// rates it wrote above, not from the compiler; each count must lie within
// 5 sd (sqrt of the mean) of it. The rates differ enough between phases
// (and sources) that a table a row off, or a column per source read as a
// shared one, fails. Interp and llvm record the same bytes at 1 and 2
// threads.
func TestPhaseInputRates(t *testing.T) {
	ref := conform(t, conformSource("phase_rates", phaseRates, driver.Options{}).onLLVM(1, 2))
	require.NotNil(t, ref)
	read := func(name string) []float64 {
		a, err := npy.Read(bytes.NewReader(ref.files[name]))
		require.NoError(t, err, name)
		return a.Data
	}
	times, index := read("stim_spikes.t.npy"), read("stim_spikes.i.npy")
	require.Equal(t, len(times), len(index))
	const dt = 0.1e-3
	phases := []struct {
		from, to int64 // steps
		rate     func(i int) float64
	}{
		{0, 20000, func(i int) float64 { return 50 + 50*float64(i) }},
		{20000, 50000, func(i int) float64 { return 100 * float64(4-i) }},
		{50000, 65000, func(int) float64 { return 200 }},
	}
	counts := make([][4]int, len(phases))
	for n, s := range times {
		k := int64(math.Round(s / dt))
		for p, ph := range phases {
			if ph.from <= k && k < ph.to {
				counts[p][int(index[n])]++
			}
		}
	}
	for p, ph := range phases {
		for i := range 4 {
			mean := ph.rate(i) * float64(ph.to-ph.from) * dt
			require.InDelta(t, mean, float64(counts[p][i]), 5*math.Sqrt(mean),
				"source %d's spikes in phase %d: a Poisson count of mean %g", i, p, mean)
		}
	}
}

// TestPhaseInputRatesOnRTL: the FPGA core runs the stimulus the inputs
// make, and a phase's rate is the input's, not code the core would have
// to run: the RTL test network, quantized to int16, in three phases that
// change its input's rate, records on the RTL what the interpreter
// records.
func TestPhaseInputRatesOnRTL(t *testing.T) {
	src := strings.Replace(rtlNetwork, "run { duration = 100 ms  seed = 3 }", `run { seed = 3 }
phase rest { duration = 30 ms }
phase drive { duration = 40 ms  on noise { rate = 400 Hz } }
phase graded { duration = 30 ms  on noise { rate = 20 Hz + i * 10 Hz } }
`, 1)
	require.NotEqual(t, rtlNetwork, src)
	row := conformSource("phase_rates_net-int16", src, driver.Options{Quantize: 16})
	row.rtl = "iverilog"
	conform(t, row)
}

// TestPhaseInputTable: the rates table a protocol makes, against the one
// the rule of language.md 4.10 gives, written out here: a row per gcd of
// the steps where the rate changes, the declared rate before the first
// change, a shared column unless a rate reads i.
func TestPhaseInputTable(t *testing.T) {
	model := func(first, second, third string) string {
		return `
param r0 = 12 Hz
input stim = poisson[3] { rate = r0 }
monitor spikes stim
run { dt = 1 ms }
phase a { duration = 4 ms ` + first + ` }
phase b { duration = 6 ms ` + second + ` }
phase c { duration = 2 ms ` + third + ` }
`
	}
	for _, c := range []struct {
		name                 string
		first, second, third string
		rates                []float64
		period               float64
		columns              int
	}{
		{"shared", "", "on stim { rate = 7 Hz }", "on stim { rate = 3 Hz }",
			[]float64{12, 12, 7, 7, 7, 3}, 0.002, 0}, // changes at steps 4 and 10
		{"from step 0", "on stim { rate = 2 * r0 }", "", "on stim { rate = 3 Hz }",
			[]float64{24, 3}, 0.010, 0}, // at 0 and 10: gcd(0, 10) = 10
		{"per source", "", "", "on stim { rate = 5 Hz * (i + 1) }",
			[]float64{12, 12, 12, 5, 10, 15}, 0.010, 3}, // one change, at step 10: rows of 10 steps
	} {
		t.Run(c.name, func(t *testing.T) {
			_, m, err := driver.CompileSource(c.name+".snn", []byte(model(c.first, c.second, c.third)), driver.Options{})
			require.NoError(t, err)
			require.Len(t, m.Inputs, 1)
			in := m.Inputs[0]
			require.Empty(t, in.Kernels, "the rate kernel gives way to the table")
			require.Equal(t, c.rates, in.Rates)
			require.InDelta(t, c.period, in.Period, 1e-12)
			require.Equal(t, c.columns, in.Columns)
		})
	}
}
