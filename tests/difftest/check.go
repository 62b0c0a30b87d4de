package difftest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Classes of failure that the runner recognises, each an item of issue 16.
// A failure of one is reported with its item; it counts as known (the
// tests skip the model, cmd/difftest does not count it as new) only while
// the item is in Unfixed. Every one of them is fixed, so a failure of one
// now is a regression.
const (
	// KnownNaN: a diverging model records NaN as 0xfff8... on the
	// interpreter and 0x7ff8... natively (issue 16 D, second item).
	KnownNaN = "16D-nan-bits"
	// KnownOnSpikePruned: a global's on spike of a population that prune
	// removes is refused by the LLVM backend (issue 16 D, first item).
	KnownOnSpikePruned = "16D-on-spike-pruned"
	// KnownScaledExact: exact propagators of badly scaled systems
	// (issue 16 B), seen by the oracle on a probe of kind scaled.
	KnownScaledExact = "16B-scaled-exact"
	// KnownSplitCompartments: a neuron's compartments integrated as if
	// uncoupled (issue 16 C), seen by the oracle on a probe of kind
	// compartments.
	KnownSplitCompartments = "16C-split-compartments"
	// KnownDither: quantized outputs change when prune or fuse is
	// switched off, the dither streams being numbered after those passes
	// (issue 16 D, fourth item); any difference of the int16 run without
	// them is taken for it.
	KnownDither = "16D-dither-streams"
)

// Unfixed are the classes whose fix is not in the tree yet. A new entry
// needs an open issue, and its regression models (testdata/regress/) must
// pass once it is removed.
var Unfixed = map[string]bool{}

// Failure is one thing a model did wrong.
type Failure struct {
	Stage  string // what ran: "check", "llvm 2 threads", "oracle q0", ...
	Class  string // what went wrong, short: "differs", "error", "refused", "inaccurate"
	Known  string // the item of issue 16 it is, or "" for a new one
	Detail string
}

func (f Failure) String() string {
	k := "NEW"
	switch {
	case Unfixed[f.Known]:
		k = "known " + f.Known
	case f.Known != "":
		k = "NEW: looks like " + f.Known + ", which is fixed"
	}
	return fmt.Sprintf("%s: %s (%s): %s", f.Stage, f.Class, k, f.Detail)
}

// Runner runs models through the snnc command.
type Runner struct {
	Snnc    string        // the snnc executable
	Timeout time.Duration // for each command; 0 means two minutes
}

// Result is what Check found for one model.
type Result struct {
	Failures []Failure
	Probes   int // probes checked against the oracle
}

// AllKnown says whether every failure is of a class still Unfixed (and
// there is at least one).
func (r *Result) AllKnown() bool {
	if len(r.Failures) == 0 {
		return false
	}
	for _, f := range r.Failures {
		if !Unfixed[f.Known] {
			return false
		}
	}
	return true
}

// Check runs the model at path (its data files beside it) in work, a
// directory of its own: the checker; the interpreter, with and without
// prune and fuse; the native executable at 1, 2 and 3 threads; both
// targets with another seed and duration on the command line; the same
// quantized to int16 on both targets; then the probes' oracle.
func (r *Runner) Check(path, work string) (*Result, error) {
	res := &Result{}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	probes, err := ParseProbes(src)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	// A quantize annotation makes even the float build quantize that
	// variable, with dither.
	quantized := bytes.Contains(src, []byte("quantize int"))
	fail := func(stage, class, known, format string, args ...any) {
		res.Failures = append(res.Failures, Failure{stage, class, known, fmt.Sprintf(format, args...)})
	}
	if out, err := r.cmd(nil, r.Snnc, "check", "-q", path); err != nil {
		fail("check", "refused", "", "%v\n%s", err, out)
		return res, nil
	}

	for _, q := range []struct {
		name  string
		flags []string
		// threads of the native runs
		threads []int
	}{
		{"float", nil, []int{1, 2, 3}},
		{"int16", []string{"--quantize=int16"}, []int{1, 2}},
	} {
		if q.flags != nil && bytes.Contains(src, []byte(ReductionsMark)) {
			continue
		}
		want := filepath.Join(work, q.name+"-interp")
		args := append(append([]string{"run", "-q", "--target=interp", "--out", want}, q.flags...), path)
		if out, err := r.cmd(nil, r.Snnc, args...); err != nil {
			fail("interp "+q.name, "error", "", "%v\n%s", err, out)
			continue
		}
		// Without prune and fuse: the same recordings (prune removes only
		// what nothing recorded depends on; fuse changes no arithmetic).
		// Not summary.json: it counts only the populations and synapses
		// that prune kept.
		stage := "interp " + q.name + " without prune,fuse"
		alt := filepath.Join(work, q.name+"-interp-nopass")
		args = append(append([]string{"run", "-q", "--target=interp", "--disable-pass=prune,fuse", "--out", alt}, q.flags...), path)
		if out, err := r.cmd(nil, r.Snnc, args...); err != nil {
			fail(stage, "error", "", "%v\n%s", err, out)
		} else {
			for _, d := range compareDirs(want, alt, false) {
				if q.flags != nil || quantized {
					d.known = KnownDither
				}
				fail(stage, "differs", d.known, "%s", d.text)
			}
		}
		exe := filepath.Join(work, q.name+"-model")
		args = append(append([]string{"build", "-o", exe}, q.flags...), path)
		if out, err := r.cmd(nil, r.Snnc, args...); err != nil {
			known := ""
			if strings.Contains(string(out), "which is neither a population nor an input") {
				known = KnownOnSpikePruned
			}
			fail("llvm build "+q.name, "error", known, "%v\n%s", err, out)
			continue
		}
		for _, th := range q.threads {
			stage := fmt.Sprintf("llvm %s %d threads", q.name, th)
			got := filepath.Join(work, fmt.Sprintf("%s-llvm%d", q.name, th))
			// As tests/native_test.go: split every kernel and delivery,
			// however small, move the parts' boundaries every few jobs,
			// and at three threads make the workers late.
			env := []string{"SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1", "SNNRT_BALANCE_JOBS=" + strconv.Itoa(th+1)}
			if th > 2 {
				env = append(env, "SNNRT_LATE_WORKERS=1")
			}
			if out, err := r.cmd(env, exe, "-q", "--out", got, "--threads", strconv.Itoa(th)); err != nil {
				fail(stage, "error", "", "%v\n%s", err, out)
				continue
			}
			for _, d := range compareDirs(want, got, true) {
				fail(stage, "differs", d.known, "%s", d.text)
			}
		}
		if q.flags != nil {
			continue
		}
		// The run options: another seed and a shorter run, given on the
		// command line to both targets.
		stage = "float --seed --duration"
		opts := []string{"--seed", "7919", "--duration", "7.5ms"}
		want = filepath.Join(work, "opts-interp")
		args = append(append([]string{"run", "-q", "--target=interp", "--out", want}, opts...), path)
		if out, err := r.cmd(nil, r.Snnc, args...); err != nil {
			fail("interp "+stage, "error", "", "%v\n%s", err, out)
			continue
		}
		got := filepath.Join(work, "opts-llvm2")
		env := []string{"SNNRT_MIN_CHUNK=1", "SNNRT_SPLIT_EVENTS=1"}
		if out, err := r.cmd(env, exe, append([]string{"-q", "--out", got, "--threads", "2"}, opts...)...); err != nil {
			fail("llvm 2 threads "+stage, "error", "", "%v\n%s", err, out)
			continue
		}
		for _, d := range compareDirs(want, got, true) {
			fail("llvm 2 threads "+stage, "differs", d.known, "%s", d.text)
		}
	}

	for _, p := range probes {
		res.Probes++
		for _, msg := range checkProbe(p, filepath.Join(work, "float-interp")) {
			known := ""
			switch p.Kind {
			case "scaled":
				known = KnownScaledExact
			case "compartments":
				known = KnownSplitCompartments
			}
			fail("oracle "+p.Pop+" ("+p.Kind+")", "inaccurate", known, "%s", msg)
		}
	}
	return res, nil
}

// cmd runs a command with extra environment, returning its output.
func (r *Runner) cmd(env []string, name string, args ...string) ([]byte, error) {
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, name, args...)
	c.Env = append(os.Environ(), env...)
	out, err := c.CombinedOutput()
	if ctx.Err() != nil {
		return out, fmt.Errorf("%s %s: no answer in %v (a hang?)", name, strings.Join(args, " "), timeout)
	}
	if err != nil {
		return out, fmt.Errorf("%s %s: %v", filepath.Base(name), strings.Join(args, " "), err)
	}
	return out, nil
}

type difference struct {
	text  string
	known string
}

// compareDirs compares every file of two output directories byte for
// byte, summary.json without the fields that name the run (wall time,
// target, model path), and the final state and checkpoint in state/. Without summary,
// neither summary.json nor the final state: both count only what prune
// kept.
func compareDirs(want, got string, summary bool) []difference {
	var out []difference
	names := func(dir string) []string {
		var ns []string
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			if st, err := os.Stat(f); err == nil && !st.IsDir() {
				ns = append(ns, filepath.Base(f))
			}
		}
		if summary {
			// The final state and the checkpoint (state/raw/) too.
			root := filepath.Join(dir, "state")
			filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, path)
					ns = append(ns, filepath.ToSlash(rel))
				}
				return nil
			})
		}
		return ns
	}
	wn, gn := names(want), names(got)
	if !slices.Equal(wn, gn) {
		out = append(out, difference{text: fmt.Sprintf("files %v, want %v", gn, wn)})
	}
	for _, name := range wn {
		a, err1 := os.ReadFile(filepath.Join(want, name))
		b, err2 := os.ReadFile(filepath.Join(got, name))
		if err := errors.Join(err1, err2); err != nil {
			out = append(out, difference{text: err.Error()})
			continue
		}
		if name == "summary.json" {
			if !summary {
				continue
			}
			if d := compareSummaries(a, b); d != "" {
				out = append(out, difference{text: d})
			}
			continue
		}
		if !bytes.Equal(a, b) {
			text, nan := describeNpy(a, b)
			d := difference{text: name + ": " + text}
			if nan {
				d.known = KnownNaN
			}
			out = append(out, d)
		}
	}
	return out
}

func compareSummaries(a, b []byte) string {
	var x, y map[string]any
	if err := errors.Join(json.Unmarshal(a, &x), json.Unmarshal(b, &y)); err != nil {
		return "summary.json: " + err.Error()
	}
	// threads: the runs compared ran at different thread counts, which
	// summary.json states.
	for _, k := range []string{"wall_seconds", "target", "model", "threads"} {
		delete(x, k)
		delete(y, k)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	if !bytes.Equal(xs, ys) {
		return fmt.Sprintf("summary.json: %s, want %s", ys, xs)
	}
	return ""
}

// npyData returns a .npy file's element type and data bytes.
func npyData(b []byte) (descr string, data []byte, ok bool) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 {
		return "", nil, false
	}
	n := int(binary.LittleEndian.Uint16(b[8:10]))
	if len(b) < 10+n {
		return "", nil, false
	}
	header := string(b[10 : 10+n])
	for _, d := range []string{"<f8", "<i4", "<i8"} {
		if strings.Contains(header, "'"+d+"'") {
			descr = d
		}
	}
	return descr, b[10+n:], true
}

// describeNpy says where two .npy files differ, and whether every
// differing element is a NaN on both sides (only the NaN's bits differ).
func describeNpy(a, b []byte) (string, bool) {
	da, xa, oka := npyData(a)
	db, xb, okb := npyData(b)
	if !oka || !okb || da != db {
		return fmt.Sprintf("%d bytes, want %d (not comparable as .npy)", len(b), len(a)), false
	}
	if len(xa) != len(xb) {
		return fmt.Sprintf("%d data bytes, want %d (header %q vs %q)", len(xb), len(xa), a[10:min(len(a), 80)], b[10:min(len(b), 80)]), false
	}
	size := 4
	if da != "<i4" {
		size = 8
	}
	first, count, allNaN := -1, 0, da == "<f8"
	for k := 0; k+size <= len(xa); k += size {
		if bytes.Equal(xa[k:k+size], xb[k:k+size]) {
			continue
		}
		count++
		if first < 0 {
			first = k / size
		}
		if da == "<f8" {
			u := math.Float64frombits(binary.LittleEndian.Uint64(xa[k:]))
			v := math.Float64frombits(binary.LittleEndian.Uint64(xb[k:]))
			if !math.IsNaN(u) || !math.IsNaN(v) {
				allNaN = false
			}
		}
	}
	k := first * size
	var got, want string
	if da == "<f8" {
		u := binary.LittleEndian.Uint64(xa[k:])
		v := binary.LittleEndian.Uint64(xb[k:])
		got = fmt.Sprintf("%g (%#016x)", math.Float64frombits(v), v)
		want = fmt.Sprintf("%g (%#016x)", math.Float64frombits(u), u)
	} else {
		got, want = fmt.Sprintf("% x", xb[k:k+size]), fmt.Sprintf("% x", xa[k:k+size])
	}
	return fmt.Sprintf("%d of %d elements differ, the first at element %d: %s, want %s", count, len(xa)/size, first, got, want), allNaN && count > 0
}
