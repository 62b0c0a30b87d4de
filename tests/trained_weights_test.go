package tests

import (
	"bufio"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/runtime/npy"
)

// examples/trained_weights.snn takes its weights from (post, pre) .npy
// matrices and its thresholds from a CSV column and a (3, 1) .npy array.
// The test runs the same network as a step loop of its own, in the order
// of spec/language.md section 6 (delivery of the previous step's spikes,
// in declaration, pre and synapse order; exact decay; threshold; reset),
// reading the files itself, and requires the same spikes, step for step,
// from the interpreter and from native code at 1, 2 and 3 threads.
func TestTrainedWeightsAgainstStepLoop(t *testing.T) {
	const path = "../examples/trained_weights.snn"
	const dt, tau, steps = 1e-4, 10e-3, 2000
	// The input: (source, time) rows; a spike belongs to the step that
	// holds its time.
	type spike struct {
		step int
		i    int
	}
	var input []spike
	f, err := os.Open("../examples/data/trained_input.csv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Split(line, ",")
		i, err1 := strconv.Atoi(fields[0])
		s, err2 := strconv.ParseFloat(fields[1], 64)
		require.NoError(t, err1)
		require.NoError(t, err2)
		input = append(input, spike{int(math.Floor((s + dt/1000) / dt)), i})
	}
	// Thresholds: the v_t column of a CSV with a header, and a (3, 1) array.
	thrText, err := os.ReadFile("../examples/data/trained_thresholds.csv")
	require.NoError(t, err)
	var thrHidden []float64
	for _, line := range strings.Split(strings.TrimSpace(string(thrText)), "\n")[1:] {
		x, err := strconv.ParseFloat(strings.Split(line, ",")[1], 64)
		require.NoError(t, err)
		thrHidden = append(thrHidden, x*1e-3)
	}
	outThr, err := npy.ReadFile("../examples/data/trained_out_thresholds.npy")
	require.NoError(t, err)
	require.Equal(t, []int{3, 1}, outThr.Shape)
	w1, err := npy.ReadFile("../examples/data/trained_w1.npy")
	require.NoError(t, err)
	require.Equal(t, []int{10, 20}, w1.Shape)
	w2, err := npy.ReadFile("../examples/data/trained_w2.npy")
	require.NoError(t, err)
	require.Equal(t, []int{3, 10}, w2.Shape)

	decay := math.Exp(-dt / tau)
	vh, vo := make([]float64, 10), make([]float64, 3)
	var inPrev, hPrev []int
	var wantH, wantO []spike
	for k := 0; k < steps; k++ {
		// Delivery: the spikes of step k-1 (delay 0), layer1 first.
		for _, i := range inPrev {
			for j := range 10 {
				vh[j] += w1.Data[j*20+i] * 1e-3
			}
		}
		for _, i := range hPrev {
			for j := range 3 {
				if w := w2.Data[j*10+i]; w != 0 { // a synapse per nonzero entry
					vo[j] += w * 1e-3
				}
			}
		}
		inPrev, hPrev = inPrev[:0], hPrev[:0]
		for _, s := range input {
			if s.step == k {
				inPrev = append(inPrev, s.i)
			}
		}
		slices.Sort(inPrev)
		for j := range vh {
			if vh[j] = decay * vh[j]; vh[j] > thrHidden[j] {
				vh[j] = 0
				hPrev = append(hPrev, j)
				wantH = append(wantH, spike{k, j})
			}
		}
		for j := range vo {
			if vo[j] = decay * vo[j]; vo[j] > outThr.Data[j]*1e-3 {
				vo[j] = 0
				wantO = append(wantO, spike{k, j})
			}
		}
	}
	require.NotEmpty(t, wantH)
	require.NotEmpty(t, wantO)
	spikesAs := func(steps []int64, index []int) []spike {
		var out []spike
		for n := range steps {
			out = append(out, spike{int(steps[n]), index[n]})
		}
		return out
	}

	res := run(t, compileFile(t, path), interp.Options{})
	for name, want := range map[string][]spike{"hidden_spikes": wantH, "output_spikes": wantO} {
		s := spikesOf(res, name)
		require.NotNil(t, s, name)
		var index []int
		for _, i := range s.Index {
			index = append(index, int(i))
		}
		require.Equal(t, want, spikesAs(s.Steps, index), "interp: %s", name)
	}
	for _, threads := range []int{1, 2, 3} {
		for name, want := range map[string][]spike{"hidden_spikes": wantH, "output_spikes": wantO} {
			st, idx, _ := nativeSpikes(t, path, name, threads)
			require.Equal(t, want, spikesAs(st, idx), "llvm at %d threads: %s", threads, name)
		}
	}
}

// TestTrainedWeightsOnRTL: quantized to 16 bits, the loaded thresholds and
// weights are per-element values as any other: the FPGA core's RTL
// (iverilog) gives the interpreter's spikes and final state, bit for bit.
func TestTrainedWeightsOnRTL(t *testing.T) {
	c := conformFile("trained_weights-int16-rtl", "../examples/trained_weights.snn", driver.Options{Quantize: 16})
	c.rtl, c.rtlSteps = "iverilog", 1000
	conform(t, c)
}
