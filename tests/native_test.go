package tests

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
)

// requireNativeTools skips a test when opt, llc or cc are missing, except
// in CI, where make test installs them and their absence is a failure.
func requireNativeTools(t *testing.T) {
	t.Helper()
	if missing := llvm.MissingTools(); len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("missing %v: tests/install-deps.sh should have installed them", missing)
		}
		t.Skipf("missing %v (Debian: apt-get install llvm gcc)", missing)
	}
}

// summaryCounts is what summary.json says about the run, without the
// fields that may differ between backends: the wall time, the target,
// the model's path and the threads (a native run's at each count is
// compared with the interpreter's, which runs on one).
func summaryCounts(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(data, &s))
	for _, k := range []string{"wall_seconds", "target", "model", "threads"} {
		require.Contains(t, s, k)
		delete(s, k)
	}
	require.Contains(t, s, "synaptic_events")
	return s
}

// readsPre is CUBA-like, with a projection whose on_pre reads its pre
// neuron's state (pre.v), and exc and inh of one neuron type (one group
// after the fuse pass). No refractoriness: a neuron's v changes in the
// step after its spike, so reading it after its update gives another
// value.
const readsPre = `
neuron LIF {
    param tau_m: ms = 20 ms
    param tau_e: ms = 5 ms
    param v_t: mV = -50 mV
    param v_r: mV = -60 mV
    state v: mV = uniform(v_r, v_t)
    state ge: mV = 0 mV
    dv/dt = (ge - (v - (-49 mV))) / tau_m
    dge/dt = -ge / tau_e
    threshold v > v_t
    reset { v = v_r }
    method exact
}
synapse Plain { param w: mV = 0.02 mV  on pre { post.ge += w } }
synapse ReadsPre { param w: mV = 0.02 mV  on pre { post.ge += w + 0.5 * (pre.v - pre.v_r) } }
population exc = LIF[1600]
population inh = LIF[400]
connect ee: exc -> exc using Plain by fixed_probability(0.02)
connect ei: exc -> inh using ReadsPre by fixed_probability(0.02)
connect ie: inh -> exc using Plain by fixed_probability(0.02)
monitor spikes exc
monitor spikes inh
run { duration = 200 ms  dt = 0.1 ms  seed = 2 }
`

// TestNativeReadsPre: a projection that reads its pre neuron's state is
// delivered on one thread. Split, another thread's part could have
// updated that neuron already (in a fused step) or be delivering onto it;
// the results then differed from the interpreter's from run to run. Late
// workers make it certain: the main thread runs their parts after its
// own, whose neurons it has updated.
func TestNativeReadsPre(t *testing.T) {
	row := conformSource("reads_pre", readsPre, driver.Options{}).onLLVM(2, 3)
	row.env = func(int) []string {
		return []string{"SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1", "SNNRT_LATE_WORKERS=1"}
	}
	conform(t, row)
}
