package tests

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
)

// vectorises is the outcome of a kernel whose loop the loop vectoriser
// vectorised (at any width: the width depends on the machine).
const vectorises = "vectorises"

// prefilled is the outcome of a kernel drawing white noise
// (backends/llvm's prefillNoise): its prefill loop, which draws, and its
// element loop both vectorise.
const prefilled = vectorises + "; " + vectorises

// vectorizeWant is, for each example (NAME, and NAME-int16 for it
// quantized to int16 where that differs from NAME's: without an entry of
// its own, NAME-int16 is held to NAME's), the outcome of each kernel's loop when opt
// optimises the native build's kernels (x86-64 with AVX2 or
// AVX-512; the test pins vectorizeCPU, see vectorizeArgs): the kernel is its LLVM function's
// name without the snn_kN_ prefix, the outcome either vectorises or the
// cause LLVM gives (see notVectorised): "calls F, G" (the kernel calls
// functions the vectoriser has no vector form of, each explained in
// vectorizeWhy) or a cause named in vectorizeWhy. A kernel with no loop
// left after opt (a global population's; one whose body folds away) has
// no entry. Issue 18 makes the math functions vectorisable: as it lands,
// the entries that call them become vectorises, and TestVectorize says
// which.
var vectorizeWant = map[string]map[string]string{
	"alif": {
		"adaptive_init":    "calls snn_uniform",
		"adaptive_prepare": vectorises,
		"adaptive_step":    vectorises,
		"inp_init":         vectorises,
		"inp_on_pre":       scatter,
		"out_on_pre":       scatter,
		"readout_init":     vectorises,
		"readout_step":     vectorises,
		"rec_init":         vectorises,
		"rec_on_pre":       scatter,
	},
	// White noise (issue 19): the noisy step loops vectorise, the draws
	// prefilled in a loop of their own (backends/llvm/normal.go).
	"brunel_hakim1999": {
		"cells_init": vectorises,
		"cells_step": prefilled,
		"rec_on_pre": scatter,
	},
	// A synfire chain (issue 20): the generator's connect.* kernels run
	// while the network is built, over chunks of candidate pairs.
	"synfire": {
		"P_init":          "calls snn_uniform",
		"P_step":          prefilled,
		"S_connect_hi":    vectorises,
		"S_connect_j":     vectorises,
		"S_connect_lo":    vectorises,
		"S_connect_where": vectorises,
		"S_on_pre":        scatter,
		"Sinput_on_pre":   scatter,
	},
	"reliability": {
		"cells_init":   "calls snn_uniform",
		"cells_step":   prefilled,
		"drive_update": prefilled,
	},
	"connectivity": {
		"a_init":     vectorises,
		"a_step":     vectorises,
		"b_init":     vectorises,
		"b_step":     vectorises,
		"c1_on_pre":  scatter,
		"c2_init":    "calls snn_uniform",
		"c2_on_pre":  scatter,
		"c3_init":    vectorises,
		"c3_on_pre":  scatter,
		"c4_on_pre":  scatter,
		"c5_on_pre":  scatter,
		"c6_on_pre":  scatter,
		"noise_rate": vectorises,
	},
	// Hodgkin-Huxley (issue 20's COBAHH example): the step loop with its
	// exp and exprel calls vectorises (the math functions are inlined in
	// a form the vectoriser takes), float and int16 alike.
	"cobahh": {
		"P_init":    vectorises,
		"P_step":    vectorises,
		"ce_on_pre": scatter,
		"ci_on_pre": scatter,
	},
	"cuba": {
		"ee_ei_on_pre": scatter,
		"exc_inh_step": vectorises,
		"exc_init":     "calls snn_uniform",
		"ie_ii_on_pre": scatter,
		"inh_init":     "calls snn_uniform",
	},
	"cuba-int16": {
		"ee_on_pre": scatter,
		"ei_on_pre": scatter,
		"exc_init":  "calls snn_uniform",
		"exc_step":  vectorises,
		"ie_on_pre": scatter,
		"ii_on_pre": scatter,
		"inh_init":  "calls snn_uniform",
		"inh_step":  vectorises,
	},
	"dendrites": {
		"context_rate":     vectorises,
		"ctx_init":         "calls snn_uniform",
		"ctx_on_pre":       scatter,
		"feedforward_rate": vectorises,
		"ff_on_pre":        scatter,
		"pyr_distal_init":  vectorises,
		"pyr_init":         vectorises,
		"pyr_nmda_value":   vectorises,
		"pyr_step":         vectorises,
	},
	"homeostasis": {
		"exc_init":       vectorises,
		"exc_step":       vectorises,
		"ff_init":        "calls snn_uniform",
		"ff_on_pre":      scatter,
		"lateral_on_pre": scatter,
		"pixels_rate":    vectorises,
	},
	"izhikevich": {
		"ch_init":              vectorises,
		"fs_init":              vectorises,
		"ib_init":              vectorises,
		"lts_init":             vectorises,
		"rs_ib_ch_fs_lts_step": vectorises,
		"rs_init":              vectorises,
		"step_ch_value":        vectorises,
		"step_fs_value":        vectorises,
		"step_ib_value":        vectorises,
		"step_lts_value":       vectorises,
		"step_rs_value":        vectorises,
	},
	"izhikevich-int16": {
		"ch_init":        vectorises,
		"ch_step":        vectorises,
		"fs_init":        vectorises,
		"fs_step":        vectorises,
		"ib_init":        vectorises,
		"ib_step":        vectorises,
		"lts_init":       vectorises,
		"lts_step":       vectorises,
		"rs_init":        vectorises,
		"rs_step":        vectorises,
		"step_ch_value":  vectorises,
		"step_fs_value":  vectorises,
		"step_ib_value":  vectorises,
		"step_lts_value": vectorises,
		"step_rs_value":  vectorises,
	},
	"lif_current": {
		"cell_init":   vectorises,
		"cell_step":   vectorises,
		"drive_value": vectorises,
	},
	"ltc": {
		"a_on_pre":    scatter,
		"b_on_pre":    scatter,
		"driven_init": vectorises,
		"driven_step": vectorises,
		"fast_rate":   vectorises,
		"quiet_init":  vectorises,
		"quiet_step":  vectorises,
		"slow_rate":   vectorises,
	},
	"pop_rate": {
		"drive_init":         vectorises,
		"drive_on_pre":       scatter,
		"drive_update":       vectorises,
		"exc_init":           "calls snn_uniform",
		"exc_step":           vectorises,
		"noise_rate":         vectorises,
		"pool_rate_value":    vectorises,
		"pool_spread_value":  vectorises,
		"pool_update":        vectorises,
		"pool_w_total_value": vectorises,
	},
	"oja": {
		"from_a_init":    "calls snn_uniform",
		"from_a_on_post": vectorises,
		"from_a_on_pre":  scatter,
		"from_b_init":    "calls snn_uniform",
		"from_b_on_post": vectorises,
		"from_b_on_pre":  scatter,
		"group_b_rate":   vectorises,
		"out_init":       vectorises,
		"out_step":       vectorises,
	},
	"rstdp": {
		"background_rate":          vectorises,
		"cued_init":                vectorises,
		"cued_on_post":             vectorises,
		"cued_on_pre":              scatter,
		"cued_update":              vectorises,
		"dopamine_on_spike_reward": vectorises,
		"dopamine_update":          vectorises,
		"learn_init":               vectorises,
		"learn_on_post":            vectorises,
		"learn_on_pre":             scatter,
		"learn_update":             vectorises,
		"out_init":                 vectorises,
		"out_step":                 vectorises,
	},
	"softwta": {
		"background_rate": vectorises,
		"ff_init":         "calls snn_uniform",
		"ff_on_post":      vectorises,
		"ff_on_pre":       scatter,
		"inhibit_on_pre":  scatter,
		"layer_init":      "calls snn_uniform",
		"layer_step":      vectorises,
		"noise_init":      "calls snn_uniform",
		"noise_on_post":   vectorises,
		"noise_on_pre":    scatter,
	},
	"stdp_song2000": {
		"inputs_rate":     vectorises,
		"out_init":        vectorises,
		"out_step":        vectorises,
		"plastic_init":    "calls snn_uniform",
		"plastic_on_post": vectorises,
		"plastic_on_pre":  scatter,
	},
	"gap_junctions": {
		"cells_init": vectorises,
		"cells_step": vectorises,
		"gap_summed": scatter,
	},
	"nmda": {
		"cell_init":   vectorises,
		"cell_update": vectorises,
		"inputs_init": vectorises,
		"inputs_step": vectorises,
		"nmda_init":   vectorises,
		"nmda_on_pre": vectorises,
		"nmda_summed": scatter,
		"nmda_update": vectorises,
	},
	// Data from files (issue 20): an init kernel's loaded values are read
	// through the data op's bounds select (ir.Data.At: NaN outside the
	// array), an index the vectoriser cannot prove affine, so the loop
	// gathers; it runs once, before the first step. The steps vectorise.
	"trained_weights": {
		"hidden_init":        scatter,
		"hidden_output_step": vectorises,
		"layer1_init":        scatter,
		"layer1_on_pre":      scatter,
		"layer2_init":        scatter,
		"layer2_on_pre":      scatter,
		"output_init":        scatter,
	},
	"trained_weights-int16": {
		"hidden_init":   scatter,
		"hidden_step":   vectorises,
		"layer1_init":   scatter,
		"layer1_on_pre": scatter,
		"layer2_init":   scatter,
		"layer2_on_pre": scatter,
		"output_init":   scatter,
		"output_step":   vectorises,
	},
	// NIR's subset (examples/nir_lif.snn): LIF and CubaLIF steps, and
	// weights added to the post side.
	"nir_lif": {
		"hidden_init":       vectorises,
		"hidden_out_init":   vectorises,
		"hidden_out_on_pre": scatter,
		"hidden_step":       vectorises,
		"in_hidden_init":    vectorises,
		"in_hidden_on_pre":  scatter,
		"out_step":          vectorises,
	},
	"nir_lif-int16": {
		"hidden_init":       vectorises,
		"hidden_out_init":   vectorises,
		"hidden_out_on_pre": scatter,
		"hidden_step":       vectorises,
		"in_hidden_init":    vectorises,
		"in_hidden_on_pre":  scatter,
		"out_step":          vectorises,
	},
	"tsodyks_markram": {
		"a_init":       vectorises,
		"a_update":     vectorises,
		"b_init":       vectorises,
		"b_update":     vectorises,
		"c_init":       vectorises,
		"c_update":     vectorises,
		"syn_a_init":   vectorises,
		"syn_a_on_pre": vectorises,
		"syn_a_summed": scatter,
		"syn_a_update": vectorises,
		"syn_b_init":   vectorises,
		"syn_b_on_pre": vectorises,
		"syn_b_summed": scatter,
		"syn_b_update": vectorises,
		"syn_c_init":   vectorises,
		"syn_c_on_pre": vectorises,
		"syn_c_summed": scatter,
		"syn_c_update": vectorises,
	},
	"vogels2011": {
		"ee_ei_on_pre":       scatter,
		"exc_inh_step":       vectorises,
		"exc_init":           vectorises,
		"ie_init":            vectorises,
		"ie_on_post":         vectorises,
		"ie_on_pre":          scatter,
		"ie_sched_0_10000_0": vectorises,
		"ii_on_pre":          scatter,
		"inh_init":           vectorises,
	},
	"vogels2011-int16": {
		"ee_on_pre":          scatter,
		"ei_on_pre":          scatter,
		"exc_init":           vectorises,
		"exc_step":           vectorises,
		"ie_init":            vectorises,
		"ie_on_post":         vectorises,
		"ie_on_pre":          scatter,
		"ie_sched_0_10000_0": vectorises,
		"ii_on_pre":          scatter,
		"inh_init":           vectorises,
		"inh_step":           vectorises,
	},
	"symmetric_stdp": {
		"common_rate":          vectorises,
		"correlated_init":      "calls snn_uniform",
		"correlated_on_post":   vectorises,
		"correlated_on_pre":    scatter,
		"drive_on_pre":         scatter,
		"independent_rate":     vectorises,
		"out_init":             vectorises,
		"out_step":             vectorises,
		"relay_init":           vectorises,
		"relay_step":           vectorises,
		"uncorrelated_init":    "calls snn_uniform",
		"uncorrelated_on_post": vectorises,
		"uncorrelated_on_pre":  scatter,
	},
	"symmetric_stdp-int16": {
		"common_rate":          vectorises,
		"correlated_init":      "calls snn_uniform",
		"correlated_on_post":   vectorises,
		"correlated_on_pre":    scatter,
		"drive_on_pre":         scatter,
		"independent_rate":     vectorises,
		"out_init":             vectorises,
		"out_step":             vectorises,
		"relay_init":           vectorises,
		"relay_step":           vectorises,
		"uncorrelated_init":    "calls snn_uniform",
		"uncorrelated_on_post": vectorises,
		"uncorrelated_on_pre":  scatter,
	},
}

// scatter is the cause of an on_pre kernel's loop over a spike's
// synapses: it adds into its targets through the synapses' post indices,
// whose range opt cannot bound for its run-time overlap checks.
const scatter = "scatters through indices"

// vectorizeWhy explains each cause vectorizeWant names: for "calls F",
// each callee F.
var vectorizeWhy = map[string]string{
	// (A summed kernel's loop over all synapses adds into the post
	// neurons' summed variables the same way, in synapse order.)
	scatter: "a loop over a spike's synapses adds into the post neurons through their indices; " +
		"two synapses may share a target, and the adds must keep their order (bit for bit), " +
		"so vectorising it needs conflict detection (AVX-512's vpconflict): not in issue 18",
	// Only init kernels draw uniform numbers in the examples: once per run.
	// (The normal draw is inline, backends/llvm/normal.go: white noise
	// draws one per element and step.)
	"snn_uniform": "the counter-based generator (runtime/rng) is a call: not in issue 18",
}

// TestVectorize runs opt on every example's kernels with the native
// build's flags (llvm.OptArgs) and the loop vectoriser's remarks, and
// requires each kernel's loop to do what vectorizeWant says: a loop that
// stops vectorising, one that vectorises now though the table says it
// may not, a cause that changes and a kernel missing from the table all
// fail, so the table stays true. With -v it prints the table it found.
func TestVectorize(t *testing.T) {
	requireNativeTools(t)
	if goruntime.GOARCH != "amd64" {
		t.Skipf("the table holds for x86-64 (%s), not %s", vectorizeCPU, goruntime.GOARCH)
	}
	files, err := filepath.Glob("../examples/*.snn")
	require.NoError(t, err)
	slices.Sort(files)
	var summary strings.Builder
	tw := tabwriter.NewWriter(&summary, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "example\tkernel\tloop")
	// The populations' step loops (a fused one too), which issue 18 asks
	// to vectorise, again apart.
	var stepSummary strings.Builder
	stw := tabwriter.NewWriter(&stepSummary, 0, 8, 2, ' ', 0)
	steps := 0
	// Each example as written, and quantized as --quantize=int16 builds
	// it (which calibrates it in the interpreter first: a few tenths of
	// a second each).
	variants := []struct {
		suffix string
		o      driver.Options
	}{{"", driver.Options{}}, {"-int16", driver.Options{Quantize: 16}}}
	seen := map[string]bool{}
	for _, f := range files {
		for _, v := range variants {
			name := strings.TrimSuffix(filepath.Base(f), ".snn") + v.suffix
			if _, ok := notQuantizable[strings.TrimSuffix(filepath.Base(f), ".snn")]; ok && v.o.Quantize != 0 {
				continue
			}
			seen[name] = true
			t.Run(name, func(t *testing.T) {
				got := vectorizeOutcomes(t, f, v.o)
				want, own := vectorizeWant[name]
				if !own {
					want = vectorizeWant[strings.TrimSuffix(name, "-int16")]
				}
				for _, k := range sortedKeys(got) {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", name, k, got[k])
					if strings.HasSuffix(k, "_step") {
						steps++
						if got[k] != vectorises && got[k] != prefilled {
							fmt.Fprintf(stw, "%s\t%s\t%s\n", name, k, got[k])
						}
					}
					w, ok := want[k]
					switch {
					case !ok:
						t.Errorf("kernel %s: its loop %s, and vectorizeWant has no entry for it: add it", k, got[k])
					case w != got[k] && w == vectorises:
						t.Errorf("kernel %s: its loop no longer vectorises: %s", k, got[k])
					case w != got[k] && got[k] == vectorises:
						t.Errorf("kernel %s: its loop vectorises now (the table says %q): make its entry vectorises", k, w)
					case w != got[k]:
						t.Errorf("kernel %s: its loop does not vectorise because it %s, the table says %q: correct the entry", k, got[k], w)
					}
				}
				for _, k := range sortedKeys(want) {
					if _, ok := got[k]; !ok {
						t.Errorf("kernel %s: the table says %q, but opt saw no loop of it: remove the entry", k, want[k])
					}
				}
			})
		}
	}
	for name := range vectorizeWant {
		if !seen[name] {
			t.Errorf("vectorizeWant has an entry for %s, which is not an example", name)
		}
	}
	// Every cause the table names is explained.
	for _, kernels := range vectorizeWant {
		for k, cause := range kernels {
			for _, c := range causeParts(cause) {
				if _, ok := vectorizeWhy[c]; !ok && c != vectorises && c != prefilled {
					t.Errorf("kernel %s: vectorizeWhy does not explain %q", k, c)
				}
			}
		}
	}
	tw.Flush()
	stw.Flush()
	t.Logf("the loop vectoriser on the examples' kernels (opt %s):\n%s", strings.Join(vectorizeArgs(), " "), summary.String())
	t.Logf("%d population step loops; those that do not vectorise:\n%s", steps, stepSummary.String())
}

// causeParts splits an outcome into what vectorizeWhy explains: each
// callee of "calls F, G", or the cause itself.
func causeParts(cause string) []string {
	if callees, ok := strings.CutPrefix(cause, "calls "); ok {
		return strings.Split(callees, ", ")
	}
	return []string{cause}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// kernelPrefix is the start of an emitted kernel's name, snn_kN_, its
// number in emission order.
var kernelPrefix = regexp.MustCompile(`^snn_k[0-9]+_`)

// vectorizeSource is vectorizeOutcomes for a model given as source
// (a test's own model, named name), with the native tools required.
func vectorizeSource(t *testing.T, name, src string) map[string]string {
	t.Helper()
	requireNativeTools(t)
	path := filepath.Join(t.TempDir(), name+".snn")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return vectorizeOutcomes(t, path, driver.Options{})
}

// vectorizeOutcomes compiles a model file as snnc build does with o, runs opt
// on its kernels as the build does with the loop vectoriser's remarks
// written as YAML, and returns each kernel's outcome (see vectorizeWant)
// by its name without the snn_kN_ prefix. A kernel with several loops
// gets their outcomes joined with "; ".
func vectorizeOutcomes(t *testing.T, path string, o driver.Options) map[string]string {
	t.Helper()
	o.Verify = true
	prog, m, err := driver.CompileFile(path, o)
	require.NoError(t, err)
	p, err := llvm.Emit(m, driver.LLVMOptions(prog))
	require.NoError(t, err)
	dir := t.TempDir()
	ll, optimised, remarks := filepath.Join(dir, "kernels.ll"), filepath.Join(dir, "kernels.opt.ll"), filepath.Join(dir, "remarks.yaml")
	require.NoError(t, os.WriteFile(ll, []byte(p.LL), 0o644))
	// -pass-remarks-output writes every remark with the function it is
	// about (the kernels have no debug locations, so the remarks printed
	// on stderr say only <unknown>:0:0); the filter keeps the
	// vectoriser's.
	args := vectorizeArgs("-pass-remarks-output="+remarks, "-pass-remarks-filter=loop-vectorize", "-S")
	out, err := exec.Command("opt", append(args, ll, "-o", optimised)...).CombinedOutput()
	require.NoError(t, err, "opt: %s", out)
	records := readRemarks(t, remarks)
	callees := calleesOf(t, optimised)

	got := map[string]string{}
	add := func(fn, outcome string) {
		k := kernelPrefix.ReplaceAllString(fn, "")
		require.NotEqual(t, k, fn, "a remark about %s, which is not a kernel", fn)
		if prev, ok := got[k]; ok {
			outcome = prev + "; " + outcome
		}
		got[k] = outcome
	}
	// The vectoriser looks at one innermost loop at a time: its analyses
	// (why not), then "Vectorized", "Interleaved" (not vectorised, but
	// unrolled) or "MissedDetails" (not vectorised) closes the loop.
	var pending []remark
	for _, r := range records {
		if len(pending) > 0 && pending[0].function != r.function {
			add(pending[0].function, notVectorised(pending, callees))
			pending = nil
		}
		switch r.name {
		case "Vectorized":
			add(r.function, vectorises)
			pending = nil
		case "Interleaved", "MissedDetails":
			add(r.function, notVectorised(append(pending, r), callees))
			pending = nil
		default:
			pending = append(pending, r)
		}
	}
	if len(pending) > 0 {
		add(pending[0].function, notVectorised(pending, callees))
	}
	return got
}

// notVectorised is the cause of a loop that did not vectorise, from its
// remarks: the callees of a call that cannot be vectorised, scatter for
// stores through indices, else LLVM's own words.
func notVectorised(rs []remark, callees map[string][]string) string {
	var words []string
	for _, r := range rs {
		switch r.name {
		case "CantVectorizeLibcall":
			// A quantized model's fixed-point arithmetic and its
			// dither's random bits are integer IR (backends/llvm's
			// fixed.go and philox.go), no calls.
			var names []string
			for _, c := range callees[r.function] {
				if !slices.Contains(names, c) {
					names = append(names, c)
				}
			}
			if len(names) == 0 {
				return "calls a function"
			}
			slices.Sort(names)
			return "calls " + strings.Join(names, ", ")
		case "CantIdentifyArrayBounds":
			return scatter
		case "InterleavingNotBeneficial", "CantVectorizeInstruction":
			// The first comes with any outcome; the second repeats a
			// libcall's remark.
		default:
			words = append(words, r.message)
		}
	}
	if len(words) == 0 {
		return "not vectorised: " + rs[len(rs)-1].message
	}
	return strings.Join(words, ", ")
}

// remark is one record of opt's -pass-remarks-output.
type remark struct {
	kind     string // Passed, Missed or Analysis
	name     string // such as Vectorized or CantVectorizeLibcall
	function string
	message  string // the arguments' values, joined
}

// readRemarks reads opt's remarks file. It reads the few fields it needs
// line by line rather than as YAML: a record is
//
//	--- !Analysis
//	Pass:            loop-vectorize
//	Name:            CantVectorizeLibcall
//	Function:        snn_k2_quiet_step
//	Args:
//	  - String:          'loop not vectorized: '
//	  - String:          call instruction cannot be vectorized
//	...
func readRemarks(t *testing.T, path string) []remark {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []remark
	var r *remark
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if kind, ok := strings.CutPrefix(line, "--- !"); ok {
			out = append(out, remark{kind: kind})
			r = &out[len(out)-1]
			continue
		}
		if r == nil {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case key == "Name":
			r.name = value
		case key == "Function":
			r.function = value
		case strings.HasPrefix(key, "  - "):
			// A single-quoted YAML scalar doubles its quotes.
			if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
				value = strings.ReplaceAll(value[1:len(value)-1], "''", "'")
			}
			r.message += value
		}
	}
	require.NoError(t, s.Err())
	require.NotEmpty(t, out, "opt wrote no remarks into %s", path)
	return out
}

// callRE finds the callee of a call in LLVM IR.
var callRE = regexp.MustCompile(`call [^@]*@([A-Za-z0-9_.]+)\(`)

// calleesOf returns, for each function defined in an LLVM IR file, the
// functions it calls that are not LLVM intrinsics (which the vectoriser
// knows), sorted. It takes every call of the function, in its loop or
// not: the runtime's functions are declared without readnone, so opt
// hoists none of them out of a kernel's loop.
func calleesOf(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string][]string{}
	fn := ""
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "define ") {
			name := line[strings.Index(line, "@")+1:]
			fn = name[:strings.Index(name, "(")]
			continue
		}
		if line == "}" {
			fn = ""
		}
		for _, m := range callRE.FindAllStringSubmatch(line, -1) {
			if c := m[1]; fn != "" && !strings.HasPrefix(c, "llvm.") && !slices.Contains(out[fn], c) {
				out[fn] = append(out[fn], c)
			}
		}
	}
	for _, cs := range out {
		slices.Sort(cs)
	}
	return out
}

// vectorizeCPU is the processor the table above holds for. The build
// optimises for the machine it runs on (-mcpu=native), but the table must
// not depend on where make test runs. Whether a loop vectorises did not
// change between x86-64 (SSE2), x86-64-v3 (AVX2) and skylake-avx512 when
// the table was written (the width does, and the table does not record
// it); pinned, a new machine cannot fail the test.
const vectorizeCPU = "x86-64-v3"

// vectorizeArgs are the build's opt arguments (llvm.OptArgs) with the
// processor pinned to vectorizeCPU, followed by extra.
func vectorizeArgs(extra ...string) []string {
	args := llvm.OptArgs(extra...)
	for n, a := range args {
		if strings.HasPrefix(a, "-mcpu=") {
			args[n] = "-mcpu=" + vectorizeCPU
		}
	}
	return args
}
