package tests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
	"snnc/lang"
	"snnc/passes"
)

// mpiDiagnostics compiles a model through the driver's pipeline, as
// snnc build does, and returns what llvm.CheckMPI says of the module, as
// the driver prints it (lang's diagnostics).
func mpiDiagnostics(t *testing.T, file string, src []byte) lang.ErrorList {
	t.Helper()
	_, m, err := driver.CompileSource(file, src, driver.Options{Options: passes.Options{Verify: true}})
	require.NoError(t, err, "%s must compile; it exists to test --mpi", file)
	err = llvm.CheckMPI(m)
	if err == nil {
		return nil
	}
	var ds passes.Diagnostics
	require.True(t, errors.As(err, &ds), "CheckMPI returns positioned diagnostics, not %T: %v", err, err)
	var list lang.ErrorList
	for _, d := range ds {
		list = append(list, lang.Diagnostic{Pos: lang.Pos{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Col}, Msg: d.Msg})
	}
	return list
}

// TestMPIErrors checks the models in errors/mpi/, each of which compiles
// but holds a construct an MPI run cannot compute across ranks (one model
// per kind, spec/native.md): CheckMPI must refuse it with a diagnostic on
// the line of its // ERROR comment, and give no other, so the constructs
// beside them that a rank can compute (a pre neuron's fixed parameter, a
// named stream's draw, a uniform delay, a neuron's state monitor) pass.
func TestMPIErrors(t *testing.T) {
	files, err := filepath.Glob("errors/mpi/*.snn")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 7, "a model per refused construct in errors/mpi/")
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".snn"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			want := expectations(t, string(src))
			require.NotEmpty(t, want, "%s: no // ERROR comment", file)
			list := mpiDiagnostics(t, file, src)
			require.NotEmpty(t, list, "%s: CheckMPI did not refuse it", file)
			requireExpected(t, file, list, want)
		})
	}
}

// The column of a refusal is the construct's own: the reduction's call,
// the summed member, the connect.
func TestMPIErrorColumns(t *testing.T) {
	for file, want := range map[string][]string{
		"errors/mpi/reduce.snn":      {"errors/mpi/reduce.snn:18:17"},
		"errors/mpi/summed.snn":      {"errors/mpi/summed.snn:21:5"},
		"errors/mpi/pairs_order.snn": {"errors/mpi/pairs_order.snn:18:1"},
	} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		var got []string
		for _, d := range mpiDiagnostics(t, file, src) {
			got = append(got, d.Pos.String())
		}
		require.Equal(t, want, got, file)
	}
}

// mpiExamples are the examples an MPI run computes (CheckMPI passes them),
// which the MPI tests compare byte for byte with the one-process run; the
// others are refused, for the reason given.
var mpiExamples = map[string]string{
	"alif.snn":             "",
	"brunel_hakim1999.snn": "",
	"cobahh.snn":           "",
	"cuba.snn":             "",
	"homeostasis.snn":      "",
	"izhikevich.snn":       "",
	"lif_current.snn":      "",
	"ltc.snn":              "",
	"nir_lif.snn":          "",
	"reliability.snn":      "",
	"synfire.snn":          "",
	"trained_weights.snn":  "",
	"connectivity.snn":     "",
	"dendrites.snn":        "",
	"gap_junctions.snn":    "",
	"nmda.snn":             "",
	"oja.snn":              "",
	"pop_rate.snn":         "sum(drive.w) in global pool",
	"rstdp.snn":            "",
	"softwta.snn":          "",
	"stdp_song2000.snn":    "",
	"symmetric_stdp.snn":   "",
	"tsodyks_markram.snn":  "",
	"vogels2011.snn":       "",
}

// TestMPICheckExamples checks which examples CheckMPI passes and why it
// refuses the others; every example is in the list, so a new one is placed.
func TestMPICheckExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	require.Len(t, files, len(mpiExamples), "every example is in mpiExamples, passed or refused with a reason")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			reason, ok := mpiExamples[filepath.Base(file)]
			require.True(t, ok, "%s is not in mpiExamples", file)
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			list := mpiDiagnostics(t, file, src)
			if reason == "" {
				require.Empty(t, list, "%s must pass CheckMPI", file)
				return
			}
			require.NotEmpty(t, list, "%s must be refused: %s", file, reason)
			var msgs []string
			for _, d := range list {
				require.Equal(t, file, d.Pos.File, "%s: a refusal without its position", d.Msg)
				require.Positive(t, d.Pos.Line, "%s: a refusal without its position", d.Msg)
				msgs = append(msgs, d.Msg)
			}
			require.Contains(t, strings.Join(msgs, "\n"), reason)
		})
	}
}

// mpiSupported holds what an MPI run computes (spec/native.md): inputs,
// currents, a global's ODE and scheduled code, scheduled code on a
// population with its draws (keyed by the neuron), a dendrite, uniform
// delays, subgroups and slices, on_post STDP with the synapse's own
// traces, a named stream's draw in the initial values (keyed by (i, j)),
// initial values that read the pre neuron, on pre reading the pre
// neuron's fixed parameter (not recurrent), and monitors of neurons and
// globals (fused populations and projections: examples/cuba.snn, in
// mpiExamples).
const mpiSupported = `
global tone {
    param tau: ms = 50 ms
    state level = 1
    dlevel/dt = (1 - level) / tau
}
neuron Cell {
    param tau: ms = 10 ms
    param v_r: mV = -65 mV
    param i_ext: mV = 0 mV
    state v: mV = -65 mV
    state ge: mV = 0 mV
    dv/dt = (v_r - v + ge + i_ext * tone.level + apical.u) / tau
    dge/dt = -ge / (5 ms)
    threshold v > -50 mV
    reset { v = v_r }
    dendrite apical {
        state u: mV = 0 mV
        du/dt = -u / (20 ms)
    }
}
synapse STDP {
    state w: mV = uniform(0.5 mV, 1.5 mV, stream = weights) + 0.01 * (pre.v + 65 mV)
    trace a_pre decay 20 ms
    trace a_post decay 20 ms
    delay 1.5 ms
    on pre { post.ge += w  a_pre += 0.01  w = clip(w - a_post * 1 mV, 0 mV, 2 mV) }
    on post { a_post += 0.012  w = clip(w + a_pre * 1 mV, 0 mV, 2 mV) }
}
synapse Plain {
    param w: mV = 1 mV
    on pre { post.ge += w }
}
synapse ReadsParam {
    param w: mV = 1 mV
    on pre { post.ge += w + 0.01 * (pre.v_r + 65 mV) }
}
synapse ToApical {
    param w: mV = 0.5 mV
    on pre { post.u += w }
}
input drive = poisson[20] { rate = 30 Hz }
population exc = Cell[40] { v_r = -65 mV - i * 0.05 mV }
population inh = Cell[10]
subgroup front = exc[0:20]
current bias -> inh.i_ext = 20 mV
connect in_exc: drive -> exc using Plain by fixed_probability(0.5)
connect ee: front -> exc[20:40] using STDP by all_to_all { delay = 2 ms }
connect ei: exc -> inh using ReadsParam by fixed_indegree(5)
connect ie: inh -> exc.apical using ToApical by all_to_all
every 2 ms on exc { ge = ge + uniform(0 mV, 0.5 mV) }
at 5 ms on tone { level = 2 }
monitor spikes exc
monitor spikes front
monitor state inh.v every 1 ms
monitor state tone.level every 1 ms
run { duration = 20 ms  dt = 0.1 ms }
`

// mpiKeyed draws, dithers and reads data by a synapse's index in the whole
// projection, which an --mpi build reads from ctx.key: in a synapse's
// initial values (without a stream), its on pre and scheduled code on its
// projection, and a quantized synapse's dithered stores.
const mpiKeyed = `
neuron N {
    param tau: ms = 10 ms
    state v: mV = 0 mV quantize int16
    dv/dt = (15 mV - v) / tau
    threshold v > 10 mV
    reset { v = 0 mV }
}
synapse Noisy {
    state w: mV = normal(1 mV, 0.1 mV)
    state eta = 0
    on pre { post.v += w * (uniform(0.5, 1.5) + eta) }
}
synapse Loaded {
    param w: mV = 1 mV
    on pre { post.v += w }
}
synapse Plastic {
    state w: mV = 1 mV quantize int16
    trace x decay 20 ms
    on pre { post.v += w  x += 1 }
    on post { w += 0.01 mV * x }
}
population a = N[2] { v = uniform(0 mV, 10 mV) }
population b = N[3]
connect noisy: a -> b using Noisy by all_to_all
connect loaded: a -> b using Loaded by all_to_all { w = load("errors/data/syn_six.npy") * 1 mV }
connect plastic: a -> b using Plastic by all_to_all
every 1 ms on noisy { eta = uniform(0, 0.1) }
monitor spikes b
run { duration = 10 ms  dt = 0.1 ms }
`

// TestMPISupported: CheckMPI passes what an MPI run computes, so that the
// refusals stay as narrow as the runtime's limits.
func TestMPISupported(t *testing.T) {
	require.Empty(t, mpiDiagnostics(t, "mpi_supported.snn", []byte(mpiSupported)))
	require.Empty(t, mpiDiagnostics(t, "mpi_keyed.snn", []byte(mpiKeyed)))
}
