package runtime

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"snnc/runtime/npy"
)

// Spikes records the spikes of one population or input: the step and
// index of each, in the order they happened (by step, then by index).
type Spikes struct {
	Name   string
	Source string
	Size   int
	keep   []bool // nil: every neuron
	Steps  []int64
	Index  []int32
	// Base is subtracted from the indices written: a subgroup's first
	// index, whose monitor writes the view's own indices (ir.Monitor.Base).
	Base int32
	// Reserve, if not nil, is asked before each growth of the recording
	// whether a new allocation of bytes fits while the replaced bytes
	// are still held (they are freed once copied), and how many it
	// could have; the recording grows only as far as that. How many
	// spikes a run records cannot be known before it runs (at worst every
	// neuron in every step), so the memory they take is counted as they
	// come (spec/runtime.md, Running).
	Reserve func(bytes, replaced float64) (ok bool, room float64, err error)
}

// SpikeBytes is what one recorded spike holds: its step and its index.
const SpikeBytes = 8 + 4

// NewSpikes returns a recorder of the neurons in ranges ([lo, hi) pairs;
// none means all).
func NewSpikes(name, source string, size int, ranges [][2]int) *Spikes {
	s := &Spikes{Name: name, Source: source, Size: size}
	if len(ranges) > 0 {
		s.keep = make([]bool, size)
		for _, r := range ranges {
			for i := r[0]; i < r[1]; i++ {
				s.keep[i] = true
			}
		}
	}
	return s
}

// Record adds the spikes of step k, or returns Reserve's error if there
// is no room for them.
func (s *Spikes) Record(k int64, spikes []int32) error {
	// Room for every spike of the step, recorded or not, as the native
	// runtime reserves it: no counting pass over the step's spikes.
	if need := len(s.Steps) + len(spikes); need > cap(s.Steps) {
		// Doubling, as append does; where the double does not fit, as
		// far as the memory left allows (one more growth, not one per
		// step: each copies the whole recording).
		c := max(2*cap(s.Steps), need, 1024)
		if s.Reserve != nil {
			old := float64(cap(s.Steps)) * SpikeBytes
			ok, room, err := s.Reserve(float64(c)*SpikeBytes, old)
			if !ok {
				c = min(c, int(room/SpikeBytes))
				if c < need {
					return err
				}
				if ok, _, err = s.Reserve(float64(c)*SpikeBytes, old); !ok {
					return err
				}
			}
		}
		steps, index := make([]int64, len(s.Steps), c), make([]int32, len(s.Index), c)
		copy(steps, s.Steps)
		copy(index, s.Index)
		s.Steps, s.Index = steps, index
	}
	for _, i := range spikes {
		if s.keep == nil || s.keep[i] {
			s.Steps = append(s.Steps, k)
			s.Index = append(s.Index, i)
		}
	}
	return nil
}

// State records a variable of selected elements every Every steps.
type State struct {
	Name    string
	Target  string
	Var     string
	Every   int64
	Indices []int32   // the recorded elements
	Steps   []int64   // the steps sampled
	Values  []float64 // len(Steps) rows of len(Indices)
	Base    int32     // subtracted from Indices when written, as Spikes.Base
	// Pre and Post, for a monitor of a projection, are the pre and post
	// neuron of each recorded synapse (aligned with Indices), written as
	// NAME.pre.npy and NAME.post.npy; nil for any other monitor.
	Pre, Post []int32
	// Warn, if not nil, is told once, at the first sample that holds a
	// value that is not finite, what NonFiniteWarning says.
	Warn   func(msg string)
	warned bool
	dt     float64
}

// CanonicalNaN is the one NaN every target records: the quiet NaN with
// no payload and the sign bit clear (numpy's np.nan). Arithmetic gives
// NaNs of either sign and any payload, and which one depends on the
// instructions a backend chose (x86's SSE gives 0xfff8..., a constant
// folded by LLVM 0x7ff8...); recording them as they come would make the
// targets' bytes differ where their numbers do not. Go's math.NaN() is
// 0x7ff8000000000001, so it is not used for this.
const CanonicalNaN uint64 = 0x7ff8000000000000

// canonical returns x, or CanonicalNaN if x is any NaN.
func canonical(x float64) float64 {
	if x != x {
		return math.Float64frombits(CanonicalNaN)
	}
	return x
}

// NonFiniteWarning is the warning, without the program's prefix, that a
// state monitor gives at its first sample holding a value that is not
// finite: the monitor, the variable, the time and step, the first such
// element and what it holds. The native runtime prints the same text.
func NonFiniteWarning(monitor, target, variable string, t float64, step int64, element int32, x float64) string {
	what := "NaN"
	if math.IsInf(x, 1) {
		what = "+Inf"
	} else if math.IsInf(x, -1) {
		what = "-Inf"
	}
	return fmt.Sprintf("warning: monitor %s: %s.%s is %s at t = %g s (step %d, element %d); the model diverges there (a smaller dt, or another method, may help)",
		monitor, target, variable, what, t, step, element)
}

// NewState returns a recorder of the elements in ranges (none: all size),
// sampled every every steps of dt (dt is for NonFiniteWarning's time).
func NewState(name, target, variable string, size int, ranges [][2]int, every int64, dt float64) *State {
	s := &State{Name: name, Target: target, Var: variable, Every: every, dt: dt}
	if len(ranges) == 0 {
		ranges = [][2]int{{0, size}}
	}
	for _, r := range ranges {
		for i := r[0]; i < r[1]; i++ {
			s.Indices = append(s.Indices, int32(i))
		}
	}
	return s
}

// Due reports whether step k is sampled.
func (s *State) Due(k int64) bool { return k%s.Every == 0 }

// Sample adds a row: value(i) for every recorded element i, a NaN as
// CanonicalNaN. The first row with a value that is not finite is told to
// Warn.
func (s *State) Sample(k int64, value func(i int32) float64) {
	s.Steps = append(s.Steps, k)
	for _, i := range s.Indices {
		x := value(i)
		if !s.warned && (x != x || math.IsInf(x, 0)) {
			s.warned = true
			if s.Warn != nil {
				s.Warn(NonFiniteWarning(s.Name, s.Target, s.Var, float64(k)*s.dt, k, i, x))
			}
		}
		s.Values = append(s.Values, canonical(x))
	}
}

// Summary is what a run reports, written as summary.json.
type Summary struct {
	Model    string  `json:"model"`
	Target   string  `json:"target"`
	Seed     uint64  `json:"seed"`
	Dt       float64 `json:"dt"`
	Duration float64 `json:"duration"`
	Steps    int64   `json:"steps"`
	// Interrupted says that a signal (SIGINT, SIGTERM) ended the run
	// before its last step; StepsDone is then the number of steps run,
	// which the recordings hold.
	Interrupted bool                `json:"interrupted,omitempty"`
	StepsDone   *int64              `json:"steps_done,omitempty"`
	WallSeconds float64             `json:"wall_seconds"`
	Populations []PopulationSummary `json:"populations"`
	Synapses    map[string]int      `json:"synapses"`
	Events      int64               `json:"synaptic_events"`
	Files       []string            `json:"files"`
	// ResumedFrom is the --resume directory of a resumed run: the one
	// entry (with wall_seconds) in which its summary.json differs from
	// that of the one long run it continues.
	ResumedFrom string `json:"resumed_from,omitempty"`
	// SnncVersion is the version of snnc that compiled the model
	// (version.Version); ModelSHA256 the hex SHA-256 of the model file's
	// bytes as compiled (ir.Module.SourceSHA256).
	SnncVersion string `json:"snnc_version"`
	ModelSHA256 string `json:"model_sha256"`
	// Threads is the number of threads the run used (1 on the
	// interpreter); the recordings do not depend on it.
	Threads int `json:"threads"`
	// Set is the run's --set values by name, each as given (without the
	// blanks around it); empty, never nil, when there were none.
	Set map[string]string `json:"set"`
	// Monitors describes each recording, in the model's order; empty,
	// never nil, when there are none.
	Monitors []MonitorSummary `json:"monitors"`
	// Checkpoint, if not nil, is written into state/ after the final
	// state (checkpoint.go); not a part of summary.json.
	Checkpoint *Checkpoint `json:"-"`
	// Final is the state after the last step run, which Write writes
	// into state/ (state_out.go); not a part of summary.json.
	Final []FinalArray `json:"-"`
}

// MonitorSummary is what summary.json says of a monitor: what it records
// and in which files (NewMonitorSummary).
type MonitorSummary struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`   // "spikes" or "state"
	Target   string `json:"target"` // the population, input or projection
	Variable string `json:"variable,omitempty"`
	// Unit is the SI unit of the values in NAME.npy (state monitors).
	Unit string `json:"unit,omitempty"`
	// Period is the time between samples in seconds (state monitors).
	Period float64  `json:"period,omitempty"`
	Files  []string `json:"files"`
}

// NewMonitorSummary describes a monitor of a model with steps of dt:
// its files are those Write writes for it, in that order (a state monitor
// of a projection also has NAME.pre.npy and NAME.post.npy). Every backend
// describes its monitors with it, so that their summaries agree.
func NewMonitorSummary(name, kind, target, variable, unit string, every int, dt float64, projection bool) MonitorSummary {
	ms := MonitorSummary{Name: name, Kind: kind, Target: target, Files: []string{name + ".t.npy", name + ".i.npy"}}
	if kind == "state" {
		ms.Variable, ms.Unit, ms.Period = variable, unit, float64(every)*dt
		ms.Files = append(ms.Files, name+".npy")
		if projection {
			ms.Files = append(ms.Files, name+".pre.npy", name+".post.npy")
		}
	}
	return ms
}

// MonitorsJSON is monitors as Write puts them in summary.json, after
// `"monitors": ` (at the indentation of a top-level field): the text the
// native runtime embeds and writes as it is.
func MonitorsJSON(monitors []MonitorSummary) string {
	if monitors == nil {
		monitors = []MonitorSummary{}
	}
	data, err := json.MarshalIndent(monitors, "  ", "  ")
	if err != nil {
		panic(fmt.Sprintf("runtime: MonitorsJSON: %v", err)) // plain strings and numbers always marshal
	}
	return string(data)
}

// PopulationSummary is the spike count of a population or input.
type PopulationSummary struct {
	Name   string  `json:"name"`
	Size   int     `json:"size"`
	Spikes int64   `json:"spikes"`
	Rate   float64 `json:"mean_rate_hz"`
}

// Write writes the recordings into dir, which it creates, and then
// summary.json, listing the files. For a spike monitor NAME:
// NAME.t.npy (float64 spike times in seconds, k·dt) and NAME.i.npy
// (int32 neuron indices). For a state monitor NAME: NAME.t.npy (float64
// sample times), NAME.i.npy (int32 recorded indices) and NAME.npy
// (float64, one row per sample time, one column per recorded index),
// and for a monitor of a projection NAME.pre.npy and NAME.post.npy (int32
// pre and post neuron of each recorded synapse). Then the final state
// (sum.Final), as state/NAME.npy (state_out.go).
//
// The files a previous run listed in dir's summary.json are removed first
// (RemoveStale), so that none of them can pass for this run's.
func Write(dir string, dt float64, spikes []*Spikes, states []*State, sum *Summary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := RemoveStale(dir); err != nil {
		return err
	}
	sum.Files = nil
	times := func(steps []int64) []float64 {
		t := make([]float64, len(steps))
		for n, k := range steps {
			t[n] = float64(k) * dt
		}
		return t
	}
	write := func(name string, f func(path string) error) error {
		sum.Files = append(sum.Files, name)
		if err := f(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("writing %s: %w", filepath.Join(dir, name), err)
		}
		return nil
	}
	for _, s := range spikes {
		if err := write(s.Name+".t.npy", func(p string) error {
			return npy.WriteFloat64File(p, []int{len(s.Steps)}, times(s.Steps))
		}); err != nil {
			return err
		}
		if err := write(s.Name+".i.npy", func(p string) error {
			return npy.WriteInt32File(p, []int{len(s.Index)}, rebased(s.Index, s.Base))
		}); err != nil {
			return err
		}
	}
	for _, s := range states {
		if err := write(s.Name+".t.npy", func(p string) error {
			return npy.WriteFloat64File(p, []int{len(s.Steps)}, times(s.Steps))
		}); err != nil {
			return err
		}
		if err := write(s.Name+".i.npy", func(p string) error {
			return npy.WriteInt32File(p, []int{len(s.Indices)}, rebased(s.Indices, s.Base))
		}); err != nil {
			return err
		}
		if err := write(s.Name+".npy", func(p string) error {
			return npy.WriteFloat64File(p, []int{len(s.Steps), len(s.Indices)}, s.Values)
		}); err != nil {
			return err
		}
		if s.Pre != nil {
			for _, f := range []struct {
				suffix string
				index  []int32
			}{{".pre.npy", s.Pre}, {".post.npy", s.Post}} {
				if err := write(s.Name+f.suffix, func(p string) error {
					return npy.WriteInt32File(p, []int{len(f.index)}, f.index)
				}); err != nil {
					return err
				}
			}
		}
	}
	if err := writeFinal(dir, sum.Final, write); err != nil {
		return err
	}
	if sum.Checkpoint != nil {
		if err := writeCheckpoint(dir, sum.Checkpoint, write); err != nil {
			return err
		}
	}
	sum.Files = append(sum.Files, "summary.json")
	if sum.Set == nil {
		sum.Set = map[string]string{}
	}
	if sum.Monitors == nil {
		sum.Monitors = []MonitorSummary{}
	}
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "summary.json"), append(data, '\n'), 0o644)
}

// RemoveStale removes from dir the recordings of a previous run, so that
// none of them can pass for the next run's: the files listed in
// dir/summary.json, if it is a summary snnc wrote (it has "target",
// "steps" and "files"), then summary.json itself. Only plain names in dir
// ending in .npy, and such names in dir/state (the final state), are
// removed; whatever else is in dir (a user's files,
// files the summary does not list) stays. summary.json goes first: it is
// written last, so a directory with one holds a whole run. A missing dir
// or summary is not an error; nor is a listed file already gone. The
// native runtime does the same (output.c, snn_remove_stale).
func RemoveStale(dir string) error {
	files, ok := previousRun(dir)
	if !ok {
		return nil // none, or not one snnc wrote
	}
	path := filepath.Join(dir, "summary.json")
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("removing the previous run's %s: %w", path, err)
	}
	for _, name := range files {
		if !StaleName(name) && !staleStateName(name) && !staleCheckpointName(name) {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("removing the previous run's %s: %w", p, err)
		}
	}
	return nil
}

// previousRun returns the files that dir/summary.json lists, if it is a
// summary snnc wrote (it has "target", "steps" and "files").
func previousRun(dir string) (files []string, ok bool) {
	path := filepath.Join(dir, "summary.json")
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 16<<20 {
		return nil, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var prev struct {
		Target *string   `json:"target"`
		Steps  *int64    `json:"steps"`
		Files  *[]string `json:"files"`
	}
	if json.Unmarshal(data, &prev) != nil || prev.Target == nil || prev.Steps == nil || prev.Files == nil {
		return nil, false
	}
	return *prev.Files, true
}

// CheckOut refuses an output directory that snnc did not write, before a
// run replaces what is in it: dir may be missing or empty, or hold a
// summary.json of snnc's (a previous run, which RemoveStale then
// removes), or hold nothing but what a run writes (.npy files and a
// state/ folder: a run that failed after removing its summary). Anything
// else is someone's directory, which a run's files would mix with. The
// native runtime does the same (output.c, snn_check_out).
func CheckOut(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return nil // none yet (or one that MkdirAll will report)
	}
	if !st.IsDir() {
		return fmt.Errorf("--out %s: not a directory", dir)
	}
	if _, ok := previousRun(dir); ok {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() == "state" || !e.IsDir() && StaleName(e.Name()) {
			continue
		}
		return fmt.Errorf("--out %s: the directory exists and snnc did not write it (it has no summary.json of a run, and %s is not a recording); choose another --out, or remove the directory", dir, e.Name())
	}
	return nil
}

// StaleName reports whether RemoveStale may remove a file a summary
// lists: a plain name (no directory, not hidden) ending in .npy.
func StaleName(name string) bool {
	return strings.HasSuffix(name, ".npy") && len(name) > len(".npy") && !strings.ContainsAny(name, "/\\") &&
		!strings.HasPrefix(name, ".")
}
