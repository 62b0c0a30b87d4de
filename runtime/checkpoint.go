package runtime

// Checkpoints: what a run leaves in OUT/state/ for another run to continue
// it (spec/runtime.md, "Checkpoint and resume"). The final state
// (state_out.go) is for people: reals, traces decayed, no compiler
// variables. A checkpoint holds the machine's state exactly, as the arrays
// hold it, in state/raw/N.npy files that state/checkpoint.json lists.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"snnc/runtime/npy"
)

// CheckpointFormat is the version of checkpoint.json's layout; a resume
// refuses any other.
const CheckpointFormat = 1

// CheckpointName is the checkpoint's file, relative to OUT.
const CheckpointName = StateDir + "/checkpoint.json"

// rawDir is the folder of state/ that holds the raw arrays.
const rawDir = "raw"

// Checkpoint is a run's state after its last step, enough to continue it.
type Checkpoint struct {
	Format int `json:"format"`
	// Fingerprint is the SHA-256 (hex) of IR, which a resume compares
	// with its own model's.
	Fingerprint string  `json:"fingerprint"`
	Seed        uint64  `json:"seed"`
	Dt          float64 `json:"dt"`
	// Steps is K, the steps run: the next step is K, at time K·dt.
	Steps  int64 `json:"steps"`
	Events int64 `json:"synaptic_events"`
	// Spikes is the spike count of each population and input, in
	// summary.json's order.
	Spikes []SpikeCount `json:"spikes"`
	// Raw lists the raw arrays, each in its file state/raw/N.npy.
	Raw []RawEntry `json:"raw"`
	// IR is the module's text after the passes, without the run's
	// duration and seed (the fingerprint's input): a resume of another
	// model names the first line that differs.
	IR string `json:"ir"`

	// Arrays are the raw arrays, in Raw's order (not in the JSON).
	Arrays []RawArray `json:"-"`
	// Recordings are the monitors' files of the run (NAME.t.npy, ...), by
	// name, read by ReadCheckpoint so that a resumed run writes each
	// monitor's whole recording even into the same directory.
	Recordings map[string]*npy.Array `json:"-"`
	// Dir is the output directory it was read from, as given.
	Dir string `json:"-"`
}

// SpikeCount is a population's or input's spikes so far.
type SpikeCount struct {
	Name   string `json:"name"`
	Spikes int64  `json:"spikes"`
}

// RawEntry describes a raw array: what it holds (Name, below), its file
// relative to state/, its dtype and shape.
//
// Names: var:OWNER:VAR (float64, the variable's storage; OWNER a
// population, POP.DENDRITE, or a projection), ref:POP (int64, the first
// step each neuron is not refractory in), prev:POP and prev:INPUT (int32,
// the spikes of step K-1), queue.due:PROJ and queue.index:PROJ (int64 and
// int32, the spikes in flight in delivery order; PROJ.PATHWAY for a
// pathway's ring), poisson.draws:INPUT and poisson.next:INPUT (int64 per
// source; next -1 for a spike beyond 2^53 steps, which never comes).
type RawEntry struct {
	Name  string `json:"name"`
	File  string `json:"file"`
	Dtype string `json:"dtype"`
	Shape []int  `json:"shape"`
}

// RawArray is one raw array's values: exactly one of F64, I64 and I32.
type RawArray struct {
	Name string
	F64  []float64
	I64  []int64
	I32  []int32
}

func (a *RawArray) dtype() string {
	switch {
	case a.I64 != nil:
		return "int64"
	case a.I32 != nil:
		return "int32"
	}
	return "float64"
}

func (a *RawArray) len() int {
	switch {
	case a.I64 != nil:
		return len(a.I64)
	case a.I32 != nil:
		return len(a.I32)
	}
	return len(a.F64)
}

// Array returns the raw array called name, or nil.
func (c *Checkpoint) Array(name string) *RawArray {
	for n := range c.Arrays {
		if c.Arrays[n].Name == name {
			return &c.Arrays[n]
		}
	}
	return nil
}

// writeCheckpoint writes the raw arrays and then checkpoint.json into
// dir/state, listing each file through write.
func writeCheckpoint(dir string, c *Checkpoint, write func(name string, f func(path string) error) error) error {
	if err := os.MkdirAll(filepath.Join(dir, StateDir, rawDir), 0o755); err != nil {
		return err
	}
	c.Format = CheckpointFormat
	c.Raw = []RawEntry{} // [] when empty, as the native runtime writes it, not null
	for n := range c.Arrays {
		a := &c.Arrays[n]
		file := rawDir + "/" + strconv.Itoa(n) + ".npy"
		shape := []int{a.len()}
		c.Raw = append(c.Raw, RawEntry{Name: a.Name, File: file, Dtype: a.dtype(), Shape: shape})
		if err := write(StateDir+"/"+file, func(p string) error {
			switch {
			case a.I64 != nil:
				return npy.WriteInt64File(p, shape, a.I64)
			case a.I32 != nil:
				return npy.WriteInt32File(p, shape, a.I32)
			}
			return npy.WriteFloat64File(p, shape, a.F64)
		}); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return write(CheckpointName, func(p string) error { return os.WriteFile(p, append(data, '\n'), 0o644) })
}

// staleCheckpointName reports whether a name a summary lists is a
// checkpoint's file RemoveStale may remove: state/checkpoint.json, or
// state/raw/ and a plain name ending in .npy.
func staleCheckpointName(name string) bool {
	if name == CheckpointName {
		return true
	}
	rest, ok := strings.CutPrefix(name, StateDir+"/"+rawDir+"/")
	return ok && StaleName(rest)
}

// ReadCheckpoint reads the checkpoint a run wrote into dir, its raw arrays
// and its monitors' recordings, all into memory: a resumed run may write
// into dir itself. Errors name dir and say what is missing or wrong.
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	fail := func(format string, args ...any) (*Checkpoint, error) {
		return nil, fmt.Errorf("--resume %s: "+format, append([]any{dir}, args...)...)
	}
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return fail("no summary.json there (%v); --resume takes the --out directory of a finished run", errText(err))
	}
	var sum struct {
		Target *string  `json:"target"`
		Files  []string `json:"files"`
	}
	if json.Unmarshal(data, &sum) != nil || sum.Target == nil {
		return fail("its summary.json is not one snnc wrote")
	}
	if !slices.Contains(sum.Files, CheckpointName) {
		return fail("the run that wrote it saved no checkpoint (%s): it ran with --checkpoint=off, or on a target that writes none (%s)",
			CheckpointName, *sum.Target)
	}
	path := filepath.Join(dir, CheckpointName)
	data, err = os.ReadFile(path)
	if err != nil {
		return fail("%v", errText(err))
	}
	c := &Checkpoint{Dir: dir}
	if err := json.Unmarshal(data, c); err != nil {
		return fail("%s: %v", path, err)
	}
	if c.Format != CheckpointFormat {
		return fail("%s has format %d; this snnc reads format %d", path, c.Format, CheckpointFormat)
	}
	for _, e := range c.Raw {
		p := filepath.Join(dir, StateDir, e.File)
		if !staleCheckpointName(StateDir + "/" + e.File) {
			return fail("%s lists %q, not a raw file", path, e.File)
		}
		arr, err := npy.ReadFile(p)
		if err != nil {
			return fail("%v", errText(err))
		}
		want := 1
		for _, d := range e.Shape {
			want *= d
		}
		if arr.Dtype != e.Dtype || !slices.Equal(arr.Shape, e.Shape) {
			return fail("%s holds %s of shape %v; %s says %s of shape %v", p, arr.Dtype, arr.Shape, CheckpointName, e.Dtype, e.Shape)
		}
		a := RawArray{Name: e.Name}
		switch e.Dtype {
		case "float64":
			a.F64 = arr.Data
		case "int64":
			a.I64 = make([]int64, want)
			for n, x := range arr.Data {
				a.I64[n] = int64(x)
			}
		case "int32":
			a.I32 = make([]int32, want)
			for n, x := range arr.Data {
				a.I32[n] = int32(x)
			}
		default:
			return fail("%s: dtype %s is not one a checkpoint holds", p, e.Dtype)
		}
		c.Arrays = append(c.Arrays, a)
	}
	c.Recordings = map[string]*npy.Array{}
	for _, name := range sum.Files {
		if !StaleName(name) {
			continue // state/ and summary.json
		}
		arr, err := npy.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fail("%v", errText(err))
		}
		c.Recordings[name] = arr
	}
	return c, nil
}

// errText is an error's message without Go's *PathError wrapping words
// beyond the path and the reason.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// ResumeSpikes puts a previous run's recording (its NAME.t.npy and
// NAME.i.npy, from c.Recordings) in front of s's.
func (c *Checkpoint) ResumeSpikes(s *Spikes, dt float64) error {
	t, i := c.Recordings[s.Name+".t.npy"], c.Recordings[s.Name+".i.npy"]
	if t == nil || i == nil || len(t.Data) != len(i.Data) {
		return fmt.Errorf("--resume %s: monitor %s's recording (%s.t.npy and %s.i.npy) is not there", c.Dir, s.Name, s.Name, s.Name)
	}
	steps, err := c.stepsOf(s.Name+".t.npy", t.Data, dt)
	if err != nil {
		return err
	}
	s.Steps = steps
	s.Index = make([]int32, len(i.Data))
	for n, x := range i.Data {
		s.Index[n] = int32(x) + s.Base
	}
	return nil
}

// ResumeState puts a previous run's samples (NAME.t.npy, NAME.npy) in
// front of s's.
func (c *Checkpoint) ResumeState(s *State, dt float64) error {
	t, v := c.Recordings[s.Name+".t.npy"], c.Recordings[s.Name+".npy"]
	if t == nil || v == nil || len(v.Data) != len(t.Data)*len(s.Indices) {
		return fmt.Errorf("--resume %s: monitor %s's recording (%s.t.npy and %s.npy) is not there or has another shape", c.Dir, s.Name, s.Name, s.Name)
	}
	steps, err := c.stepsOf(s.Name+".t.npy", t.Data, dt)
	if err != nil {
		return err
	}
	s.Steps, s.Values = steps, v.Data
	for _, x := range v.Data {
		if x != x || x-x != 0 {
			s.warned = true // the previous run warned
			break
		}
	}
	return nil
}

// stepsOf turns recorded times k·dt back into steps, refusing a time that
// is not one this run's dt would have written before step K.
func (c *Checkpoint) stepsOf(name string, times []float64, dt float64) ([]int64, error) {
	steps := make([]int64, len(times))
	for n, t := range times {
		k := int64(t/dt + 0.5)
		if float64(k)*dt != t || k < 0 || k >= c.Steps {
			return nil, fmt.Errorf("--resume %s: %s: time %g s (element %d) is not a step of dt = %g s before step %d; the recording is not the checkpoint's",
				c.Dir, name, t, n, dt, c.Steps)
		}
		steps[n] = k
	}
	return steps, nil
}
