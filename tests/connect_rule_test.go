package tests

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/npy"
)

// connectRules has a connect of each kind of spec/language.md 4.3's
// conditions, probability expressions and generators, on sides large
// enough that the native runtime builds their rows in several parts at 2
// and 3 threads, with slices, conditions on the neurons' initial values
// (positions x set in init), and a generator whose j falls outside the
// post side (dropped by skip_if_invalid, or by a condition on i and j).
const connectRules = `
param sigma = 2

neuron Cell {
    state v: mV = 0 mV
    state x = 0
    dv/dt = -v / (10 ms)
}
synapse S {
    state w: mV = 1 mV
    on pre { post.v += w }
}
population a = Cell[300] { x = i * 0.1 }
population b = Cell[250] { x = i * 0.12 }
connect neq: a -> a using S by all_to_all where i != j
connect band: a -> b using S by fixed_probability(0.3) where abs(i - j) < 10
connect dist: a -> b using S by fixed_probability(p = exp(-(pre.x - post.x)**2 / (2 * sigma**2)))
connect gen: a -> b using S by generate(j = floor(i / 2) + k for k in range(-2, 3) if i % 3 != 0, skip_if_invalid = true)
connect sliced: a[50:250] -> b[10:200] using S by generate(j = 2 * i + k for k in range(0, 2)) where j < N_post
connect ahead: a[0:100] -> b[100:250] using S by all_to_all where post.x - pre.x > 5
run { duration = 1 ms  dt = 0.1 ms }
`

// TestConnectRules checks each connect's synapses (state/PROJ.pre.npy and
// .post.npy, in synapse order) against the same rule computed here
// directly: the exact lists for conditions and generators, and for the
// probability that depends on distance, the count against the sum of p
// over the pairs and the acceptance per distance bin against p(d) by a
// chi-square test. Then interp and the native runtime at 1, 2 and 3
// threads give the same bytes.
func TestConnectRules(t *testing.T) {
	m := compileSourceWith(t, "rules.snn", connectRules, without("prune"))
	// The connect.* kernels and a generate rule print and parse back.
	back, err := ir.Parse(m.String())
	require.NoError(t, err)
	require.Equal(t, m.String(), back.String())
	require.NoError(t, ir.Verify(back))
	res := run(t, m, interp.Options{})
	dir := t.TempDir()
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	synapses := func(name string) [][2]int {
		pre, err := npy.ReadFile(filepath.Join(dir, "state", name+".pre.npy"))
		require.NoError(t, err)
		post, err := npy.ReadFile(filepath.Join(dir, "state", name+".post.npy"))
		require.NoError(t, err)
		out := make([][2]int, len(pre.Data))
		for s := range pre.Data {
			out[s] = [2]int{int(pre.Data[s]), int(post.Data[s])}
		}
		return out
	}
	xa := func(i int) float64 { return float64(i) * 0.1 }
	xb := func(j int) float64 { return float64(j) * 0.12 }

	// Conditions and generators: exact lists, by pre i, then j ascending
	// (conditions) or in generation order.
	var want [][2]int
	for i := 0; i < 300; i++ {
		for j := 0; j < 300; j++ {
			if i != j {
				want = append(want, [2]int{i, j})
			}
		}
	}
	assert.Equal(t, want, synapses("neq"), "neq")
	want = nil
	for i := 0; i < 300; i++ {
		if i%3 == 0 {
			continue
		}
		for k := -2; k < 3; k++ {
			if j := i/2 + k; j >= 0 && j < 250 {
				want = append(want, [2]int{i, j})
			}
		}
	}
	assert.Equal(t, want, synapses("gen"), "gen")
	want = nil
	for i := 0; i < 200; i++ { // a[50:250], counted from the slice
		for k := 0; k < 2; k++ {
			if j := 2*i + k; j < 190 {
				want = append(want, [2]int{i, j})
			}
		}
	}
	assert.Equal(t, want, synapses("sliced"), "sliced")
	want = nil
	for i := 0; i < 100; i++ {
		for j := 0; j < 150; j++ {
			if xb(100+j)-xa(i) > 5 {
				want = append(want, [2]int{i, j})
			}
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, synapses("ahead"), "ahead")

	// A constant p with a condition: only pairs in the band, each kept
	// with probability 0.3: the count within 5 standard deviations.
	bandPairs := 0
	for i := 0; i < 300; i++ {
		for j := 0; j < 250; j++ {
			if abs(i-j) < 10 {
				bandPairs++
			}
		}
	}
	band := synapses("band")
	for _, s := range band {
		require.Less(t, abs(s[0]-s[1]), 10, "band synapse %v", s)
	}
	checkOrdered(t, band, "band")
	mean, sd := 0.3*float64(bandPairs), math.Sqrt(0.3*0.7*float64(bandPairs))
	assert.InDelta(t, mean, float64(len(band)), 5*sd, "band: %d synapses of %d pairs", len(band), bandPairs)

	// p(d) = exp(-d²/(2σ²)): the count against the sum of p (5 standard
	// deviations of a sum of Bernoulli draws), and per bin of distance
	// the accepted pairs against the bin's sum of p, a chi-square over
	// the bins with enough expected pairs. With 12 bins, a chi-square of
	// 40 has probability below 1e-4 by chance.
	dist := synapses("dist")
	checkOrdered(t, dist, "dist")
	p := func(i, j int) float64 { d := xa(i) - xb(j); return math.Exp(-d * d / (2 * 2 * 2)) }
	const bins, width = 12, 0.5
	var sumP, varP float64
	var expect, got [bins]float64
	for i := 0; i < 300; i++ {
		for j := 0; j < 250; j++ {
			q := p(i, j)
			sumP += q
			varP += q * (1 - q)
			if b := int(math.Abs(xa(i)-xb(j)) / width); b < bins {
				expect[b] += q
			}
		}
	}
	for _, s := range dist {
		if b := int(math.Abs(xa(s[0])-xb(s[1])) / width); b < bins {
			got[b]++
		}
	}
	assert.InDelta(t, sumP, float64(len(dist)), 5*math.Sqrt(varP), "dist: %d synapses", len(dist))
	chi2, used := 0.0, 0
	for b := range bins {
		if expect[b] >= 20 {
			chi2 += (got[b] - expect[b]) * (got[b] - expect[b]) / expect[b]
			used++
		}
	}
	require.GreaterOrEqual(t, used, 8)
	assert.Less(t, chi2, 40.0, "chi-square of acceptance by distance over %d bins: got %v, expected %v", used, got, expect)

	conform(t, conformModule("connect_rules", connectRules, m).onLLVM(1, 2, 3))
}

// checkOrdered requires synapses by pre neuron, then post ascending,
// without repeats: the synapse order of a condition or a probability.
func checkOrdered(t *testing.T, syn [][2]int, name string) {
	t.Helper()
	for s := 1; s < len(syn); s++ {
		a, b := syn[s-1], syn[s]
		require.True(t, a[0] < b[0] || a[0] == b[0] && a[1] < b[1], "%s: synapse %d %v after %v", name, s, b, a)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// A connect whose rule cannot be built stops the run with exit status 1
// and the same message on the interpreter and natively at 1 and 3
// threads, naming the projection, the pair or the (i, k) and the value:
// the lowest row's failure, whichever thread builds it.
func TestConnectRuleErrors(t *testing.T) {
	const head = `
neuron Cell {
    state v: mV = 0 mV
    state x = 0
    dv/dt = -v / (10 ms)
}
synapse S {
    state w: mV = 1 mV
    on pre { post.v += w }
}
population a = Cell[400] { x = i * 0.01 }
population b = Cell[300]
run { duration = 1 ms }
`
	cases := []struct{ name, connect, msg string }{
		{"p_above_one", "connect c: a -> b using S by fixed_probability(p = 0.5 + pre.x) where j > 2",
			"projection c: p is 1.01 for the pair i = 51, j = 3; a probability must be in [0, 1]"},
		{"p_nan", "connect c: a -> b using S by fixed_probability(p = sqrt(0.5 - pre.x))",
			"projection c: p is NaN for the pair i = 51, j = 0; a probability must be in [0, 1]"},
		{"j_outside", "connect c: a -> b using S by generate(j = i + k for k in range(0, 3))",
			"projection c: generate made j = 300 for i = 298, k = 2, outside the 300 post neurons; drop such j with skip_if_invalid = true"},
		{"j_outside_post_condition", "connect c: a -> b using S by generate(j = i + k for k in range(0, 3) if post.x >= 0)",
			"projection c: generate made j = 300 for i = 298, k = 2, outside the 300 post neurons"},
		{"j_fraction", "connect c: a -> b using S by generate(j = i / 3 + k for k in range(0, 2))",
			"projection c: generate made j = 0.3333333333333333 for i = 1, k = 0; an index is a whole number"},
		{"lo_fraction", "connect c: a -> b using S by generate(j = k for k in range(i / 200, 3))",
			"projection c: generate's range starts at 0.005 for i = 1; its bounds are whole numbers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := head + c.connect + "\n"
			m := compileSourceWith(t, c.name+".snn", src, without("prune"))
			_, err := interp.Run(m, interp.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.msg, "interp")
			requireNativeTools(t)
			prog, err := driver.LoadSource(c.name+".snn", []byte(src))
			require.NoError(t, err)
			dir := t.TempDir()
			exe := buildNative(t, prog, m, dir)
			for _, threads := range []string{"1", "3"} {
				cmd := exec.Command(exe, "-q", "--out", filepath.Join(dir, "out"), "--threads", threads)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit, "native at %s threads", threads)
				assert.Equal(t, 1, exit.ExitCode())
				assert.Contains(t, stderr.String(), c.msg, "native at %s threads", threads)
			}
		})
	}
}

// connectRTL has a condition, a probability expression and a generator in
// a model the FPGA core runs quantized.
const connectRTL = `
neuron N {
    state v: mV = 0 mV
    state x = 0
    dv/dt = -v / (10 ms)
    threshold v > 5 mV
    reset { v = 0 mV }
}
synapse S {
    param w: mV = 6 mV
    on pre { post.v += w }
}
input src = poisson[20] { rate = 100 Hz }
population a = N[20] { x = i * 0.5 }
population b = N[30] { x = i * 0.25 }
connect in: src -> a using S by one_to_one
connect band: a -> b using S by fixed_probability(0.5) where abs(i - j) < 10
connect dist: a -> b using S by fixed_probability(p = exp(-(pre.x - post.x)**2 / 2))
connect gen: a -> b using S by generate(j = i + k for k in range(0, 3) if i < 25, skip_if_invalid = true)
monitor spikes b
run { duration = 20 ms }
`

// The FPGA core takes the synapses of conditions, probability expressions
// and generators as the interpreter builds them (from the quantized
// initial values the conditions read): the quantized model's spikes and
// final state are the interpreter's on the RTL and natively.
func TestConnectRulesOnRTL(t *testing.T) {
	c := conformSource("connect_rules-int16", connectRTL, driver.Options{Quantize: 16}).onLLVM(1, 2)
	c.rtl = "iverilog"
	conform(t, c)
}

// connectRulesBrian2 makes connectRules's connects in Brian2 2.5.1 (numpy
// target) and prints their synapses as sorted (i, j) lists, and the
// synapse counts of the distance-dependent p for seeds 1 to 5.
const connectRulesBrian2 = `
import json, sys
from brian2 import NeuronGroup, Synapses, seed, prefs
prefs.codegen.target = 'numpy'
a = NeuronGroup(300, 'x : 1'); a.x = 'i * 0.1'
b = NeuronGroup(250, 'x : 1'); b.x = 'i * 0.12'
def pairs(S):
    return [[int(i), int(j)] for i, j in sorted(zip(S.i[:], S.j[:]))]
out = {}
S = Synapses(a, a); S.connect(condition='i != j'); out['neq'] = pairs(S)
S = Synapses(a, b); S.connect(j='int(i / 2) + k for k in range(-2, 3) if i % 3 != 0', skip_if_invalid=True); out['gen'] = pairs(S)
S = Synapses(a[50:250], b[10:200]); S.connect(j='2 * i + k for k in range(0, 2)', skip_if_invalid=True); out['sliced'] = pairs(S)
S = Synapses(a[0:100], b[100:250]); S.connect(condition='x_post - x_pre > 5'); out['ahead'] = pairs(S)
counts = []
for s in range(1, 6):
    seed(s)
    S = Synapses(a, b); S.connect(p='exp(-(x_pre - x_post)**2 / (2 * 2**2))'); counts.append(len(S))
out['dist'] = counts
json.dump(out, sys.stdout)
`

// TestConnectRulesBrian2 compares connectRules with Brian2's
// S.connect(condition=..., j=..., p=...): the same synapses for the
// conditions and generators (as sets: Brian2's order is its own), and for
// the probability of distance, snnc's count against the mean of Brian2's
// five seeds, within five standard deviations of their difference (each
// count a sum of Bernoulli draws with the variance of sum p(1 - p)).
func TestConnectRulesBrian2(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import brian2").Run(); err != nil {
		t.Skipf("no Brian2 in /usr/bin/python3: %v", err)
	}
	out, err := exec.Command("/usr/bin/python3", "-c", connectRulesBrian2).Output()
	require.NoError(t, err)
	var b2 map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(out, &b2))

	m := compileSourceWith(t, "rules.snn", connectRules, without("prune"))
	res := run(t, m, interp.Options{})
	dir := t.TempDir()
	require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
	synapses := func(name string) [][2]int {
		pre, err := npy.ReadFile(filepath.Join(dir, "state", name+".pre.npy"))
		require.NoError(t, err)
		post, err := npy.ReadFile(filepath.Join(dir, "state", name+".post.npy"))
		require.NoError(t, err)
		out := make([][2]int, len(pre.Data))
		for s := range pre.Data {
			out[s] = [2]int{int(pre.Data[s]), int(post.Data[s])}
		}
		slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(a[0]-b[0], a[1]-b[1]) })
		return out
	}
	for _, name := range []string{"neq", "gen", "sliced", "ahead"} {
		var want [][2]int
		require.NoError(t, json.Unmarshal(b2[name], &want), name)
		require.NotEmpty(t, want, name)
		assert.Equal(t, want, synapses(name), "%s: snnc's synapses against Brian2's", name)
	}
	var counts []float64
	require.NoError(t, json.Unmarshal(b2["dist"], &counts))
	var mean, varP float64
	for _, c := range counts {
		mean += c / float64(len(counts))
	}
	for i := 0; i < 300; i++ {
		for j := 0; j < 250; j++ {
			d := float64(i)*0.1 - float64(j)*0.12
			q := math.Exp(-d * d / 8)
			varP += q * (1 - q)
		}
	}
	got := float64(len(synapses("dist")))
	assert.InDelta(t, mean, got, 5*math.Sqrt(varP*(1+1/float64(len(counts)))), "dist: snnc %v synapses, Brian2 %v", got, counts)
}

// The prune pass keeps what a condition, a probability or a generator
// reads (here the positions x, set in init and read by nothing else): the
// model pruned makes the synapses and the spikes it makes unpruned.
func TestConnectRulesPrune(t *testing.T) {
	pruned := run(t, compileSource(t, "rules.snn", connectRTL), interp.Options{})
	whole := run(t, compileSourceWith(t, "rules.snn", connectRTL, without("prune")), interp.Options{})
	require.Equal(t, whole.Summary.Synapses, pruned.Summary.Synapses)
	require.NotZero(t, whole.Summary.Synapses["dist"])
	require.NotEmpty(t, spikesOf(whole, "b_spikes").Steps)
	require.Equal(t, spikesOf(whole, "b_spikes").Steps, spikesOf(pruned, "b_spikes").Steps)
	require.Equal(t, spikesOf(whole, "b_spikes").Index, spikesOf(pruned, "b_spikes").Index)
}

// A condition on fixed_probability with a constant p keeps the rule's own
// draws (spec/runtime.md): its synapses are exactly those the same
// connect makes without the condition, less the pairs where it fails.
func TestConnectConditionSubset(t *testing.T) {
	const model = `
neuron Cell {
    state v: mV = 0 mV
    state x = 0
    dv/dt = -v / (10 ms)
}
synapse S {
    state w: mV = 1 mV
    on pre { post.v += w }
}
population a = Cell[200] { x = i * 0.1 }
population b = Cell[150] { x = i * 0.3 }
connect c: a -> b using S by fixed_probability(0.2, autapses = false)RULE_END
run { duration = 1 ms  seed = 7 }
`
	made := func(cond string) [][2]int {
		src := strings.Replace(model, "RULE_END", cond, 1)
		m := compileSourceWith(t, "subset.snn", src, without("prune"))
		res := run(t, m, interp.Options{})
		dir := t.TempDir()
		require.NoError(t, runtime.Write(dir, m.Run.Dt, res.Spikes, res.States, res.Summary))
		pre, err := npy.ReadFile(filepath.Join(dir, "state", "c.pre.npy"))
		require.NoError(t, err)
		post, err := npy.ReadFile(filepath.Join(dir, "state", "c.post.npy"))
		require.NoError(t, err)
		out := make([][2]int, len(pre.Data))
		for s := range pre.Data {
			out[s] = [2]int{int(pre.Data[s]), int(post.Data[s])}
		}
		return out
	}
	all := made("")
	var want [][2]int
	for _, s := range all {
		if float64(s[1])*0.3-float64(s[0])*0.1 < 4 {
			want = append(want, s)
		}
	}
	require.NotEmpty(t, want)
	require.Less(t, len(want), len(all))
	assert.Equal(t, want, made(" where post.x - pre.x < 4"))
}
