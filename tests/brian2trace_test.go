package tests

import (
	"bufio"
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// brian2Python is the Python that has Brian2 2.5.1 (Debian's python3-brian).
const brian2Python = "/usr/bin/python3"

// brian2Trace is what a benchmark script's --trace mode printed: each
// neuron's spike steps and its recorded membrane potential in mV.
type brian2Trace struct {
	spikes [][]int64
	v      [][]float64
}

// runBrian2Trace runs script (a tests/bench/*_brian2.py) with --trace on
// Brian2's numpy target and reads what it printed: a line "neuron K spike
// steps: [s, ...]" for each neuron, then for each a line "neuron K v ..."
// followed by one line of comma-separated values. It skips the test where
// the Python has no Brian2.
func runBrian2Trace(t *testing.T, script string) brian2Trace {
	t.Helper()
	if err := exec.Command(brian2Python, "-c", "import brian2").Run(); err != nil {
		t.Skipf("%s has no brian2 (Debian: apt-get install python3-brian): %v", brian2Python, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(brian2Python, script, "--trace", "--target", "numpy")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s --trace: %s", script, stderr.String())

	spikeLine := regexp.MustCompile(`^neuron (\d+) spike steps: \[(.*)\]$`)
	vLine := regexp.MustCompile(`^neuron (\d+) v \(mV\)`)
	var tr brian2Trace
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if m := spikeLine.FindStringSubmatch(line); m != nil {
			require.Equal(t, strconv.Itoa(len(tr.spikes)), m[1], "neurons out of order in %q", line)
			steps := []int64{}
			for f := range strings.SplitSeq(m[2], ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				s, err := strconv.ParseInt(f, 10, 64)
				require.NoError(t, err, "in %q", line)
				steps = append(steps, s)
			}
			tr.spikes = append(tr.spikes, steps)
			continue
		}
		if m := vLine.FindStringSubmatch(line); m != nil {
			require.Equal(t, strconv.Itoa(len(tr.v)), m[1], "neurons out of order in %q", line)
			require.True(t, sc.Scan(), "%s: no values after %q", script, line)
			var vs []float64
			for f := range strings.SplitSeq(sc.Text(), ",") {
				if f = strings.TrimSpace(f); f == "" {
					continue
				}
				x, err := strconv.ParseFloat(f, 64)
				require.NoError(t, err)
				vs = append(vs, x)
			}
			tr.v = append(tr.v, vs)
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, tr.spikes, "%s --trace printed no spike steps:\n%s", script, out)
	require.Len(t, tr.v, len(tr.spikes), "%s --trace: a trace per neuron", script)
	return tr
}
