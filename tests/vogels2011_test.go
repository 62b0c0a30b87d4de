package tests

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/runtime/npy"
)

// vogelsSource is examples/vogels2011.snn with the replacements r, each of
// which must occur once.
func vogelsSource(t *testing.T, r ...[2]string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/vogels2011.snn")
	require.NoError(t, err)
	src := string(b)
	for _, x := range r {
		require.Equal(t, 1, strings.Count(src, x[0]), "examples/vogels2011.snn: %q", x[0])
		src = strings.Replace(src, x[0], x[1], 1)
	}
	return src
}

// vogelsBins are the rates (Hz) per 250 ms bin of the spike times in
// file, for n cells, over steps steps of 0.1 ms.
func vogelsBins(t *testing.T, file string, n int, steps int64) []float64 {
	t.Helper()
	a, err := npy.ReadFile(file)
	require.NoError(t, err)
	bins := make([]float64, steps/2500)
	for _, s := range a.Data {
		k := int64(math.Round(s / 1e-4))
		require.Less(t, k, steps)
		bins[k/2500]++
	}
	for b := range bins {
		bins[b] /= float64(n) * 0.25
	}
	return bins
}

// examples/vogels2011.snn against Brian2 2.5.1's Vogels_et_al_2011.py
// (tests/bench/figures/vogels2011.md, measured with
// tests/bench/vogels2011_brian2.py on cpp_standalone, seeds 1-5), natively,
// on the figure file's short variant: 2 s, plasticity switched on by the
// model's own phases, the second cut to 1 s. Brian2's short run is exactly
// the first 2 s of its full one, so its per-bin figures hold here. snnc
// draws its own synapses, one more draw of the connectivity, so the
// tolerances are the figure file's max(5 sd, 3% of the mean) over Brian2's
// seeds:
//   - phase 1, the four bins of 0-1 s: E and I within 3% (Brian2's seeds
//     spread by up to 2.4%);
//   - phase 2 (1-2 s) means: E 72.17 Hz (sd 1.6) within 8 Hz, I 31.73 Hz
//     (sd 0.44) within 2.2 Hz;
//   - the mean inhibitory weight at 2 s, 1.294 (sd 0.022) within 0.11;
//   - the fall once plasticity is on: bins 1000-1750 ms decrease.
//
// Without the switch (eta left 0) E stays near 165 Hz; with it a step late
// or early by 1 s the phase means move by far more than these bounds.
// The weights are sampled in the last step (every 19999 steps: steps 0 and
// 19999), before that step's integration: the last step's few events
// change the mean by far less than the tolerance.
func TestVogels2011AgainstBrian2(t *testing.T) {
	requireNativeTools(t)
	src := vogelsSource(t,
		[2]string{"monitor state ie.w every 1 s", "monitor state ie.w every 19999"},
		[2]string{"duration = 9 s", "duration = 1 s"})
	o := driver.Options{}
	o.Verify = true
	prog, m, err := driver.CompileSource("vogels2011_short.snn", []byte(src), o)
	require.NoError(t, err)
	out := runNative(t, prog, m, t.TempDir(), "--threads", "2")

	e := vogelsBins(t, filepath.Join(out, "exc_spikes.t.npy"), 8000, 20000)
	i := vogelsBins(t, filepath.Join(out, "inh_spikes.t.npy"), 2000, 20000)
	t.Logf("E bins %.4g", e)
	t.Logf("I bins %.4g", i)
	brianE := []float64{164.69, 164.31, 164.72, 166.12}
	brianI := []float64{69.342, 67.23, 66.927, 67.369}
	for b := range 4 {
		require.InEpsilon(t, brianE[b], e[b], 0.03, "E bin %d", b)
		require.InEpsilon(t, brianI[b], i[b], 0.03, "I bin %d", b)
	}
	mean := func(x []float64) float64 { return (x[0] + x[1] + x[2] + x[3]) / 4 }
	require.InDelta(t, 72.17, mean(e[4:8]), 8, "E phase 2")
	require.InDelta(t, 31.73, mean(i[4:8]), 2.2, "I phase 2")
	require.Greater(t, e[4], e[5])
	require.Greater(t, e[5], e[6])

	w, err := npy.ReadFile(filepath.Join(out, "ie_w.npy"))
	require.NoError(t, err)
	require.Len(t, w.Shape, 2)
	require.Equal(t, 2, w.Shape[0])
	n := w.Shape[1]
	sum := 0.0
	for _, x := range w.Data[n:] {
		sum += x
	}
	t.Logf("w mean %.4g over %d synapses", sum/float64(n), n)
	require.InDelta(t, 1.294, sum/float64(n), 0.11, "mean inhibitory weight at 2 s")
	for _, x := range w.Data[:n] {
		require.Equal(t, 1e-10, x, "initial weight")
	}
}

// The example's protocol on the interpreter and natively at 1 and 2
// threads, with the same bytes: the network scaled down to 800 + 200
// cells (p = 0.1, so that each cell keeps about the same number of
// inputs), 0.2 s with plasticity on from 0.1 s.
func TestVogels2011Backends(t *testing.T) {
	src := vogelsSource(t,
		[2]string{"VogelsCell[8000]", "VogelsCell[800]"},
		[2]string{"VogelsCell[2000]", "VogelsCell[200]"},
		[2]string{"exc -> exc using Ampa by fixed_probability(0.02)", "exc -> exc using Ampa by fixed_probability(0.2)"},
		[2]string{"exc -> inh using Ampa by fixed_probability(0.02)", "exc -> inh using Ampa by fixed_probability(0.2)"},
		[2]string{"inh -> inh using Gaba by fixed_probability(0.02)", "inh -> inh using Gaba by fixed_probability(0.2)"},
		[2]string{"inh -> exc using InhibitorySTDP by fixed_probability(0.02)", "inh -> exc using InhibitorySTDP by fixed_probability(0.2)"},
		[2]string{"monitor state ie.w every 1 s", "monitor state ie.w every 50 ms"},
		[2]string{"duration = 1 s", "duration = 100 ms"},
		[2]string{"duration = 9 s", "duration = 100 ms"})
	c := conformSource("vogels2011_small", src, driver.Options{}).onLLVM(1, 2)
	c.env = stressThreads
	ref := conform(t, c)
	if ref == nil {
		return
	}
	// The switch shows: the weights, sampled at 0, 50, 100 and 150 ms,
	// stay 1e-10 until it; step 1000 runs it before its events and its
	// sample, so the synapses with an event in that step have moved by
	// then, and most by 150 ms.
	w, err := npy.Read(bytes.NewReader(ref.files["ie_w.npy"]))
	require.NoError(t, err)
	require.Equal(t, 4, w.Shape[0])
	n := w.Shape[1]
	for row := range 4 {
		moved := 0
		for _, x := range w.Data[row*n : (row+1)*n] {
			if x != 1e-10 {
				moved++
			}
		}
		switch row {
		case 0, 1:
			require.Zero(t, moved, "weights moved before the switch, row %d", row)
		case 2:
			require.Positive(t, moved, "no weight moved in the switch's step")
		default:
			require.Greater(t, moved, n/2, "weights did not move after the switch, row %d", row)
		}
	}
}
