package plot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Monitor is one recording of a run, as summary.json's "monitors" lists it.
type Monitor struct {
	Name string `json:"name"`
	// Kind is "spikes" or "state".
	Kind string `json:"kind"`
	// Target is the population, input or projection recorded ("" when
	// inferred from the file names).
	Target string `json:"target"`
	// Variable and Unit are a state monitor's variable and the SI unit of
	// its values ("1" for a number; "" when not known).
	Variable string `json:"variable,omitempty"`
	Unit     string `json:"unit,omitempty"`
	// Period is a state monitor's sampling period in seconds.
	Period float64  `json:"period,omitempty"`
	Files  []string `json:"files"`
	// Synapses says the monitor records a projection's variable: the
	// directory has NAME.pre.npy and NAME.post.npy.
	Synapses bool `json:"-"`
}

// Output is a run's output directory.
type Output struct {
	Dir      string
	Monitors []Monitor
	// Duration and Dt are the run's, in seconds; 0 when there is no
	// summary.json.
	Duration, Dt float64
	// Sizes holds the size of each population and input summary.json lists.
	Sizes map[string]int
}

// summary is the part of summary.json that plots use.
type summary struct {
	Target      string  `json:"target"`
	Dt          float64 `json:"dt"`
	Duration    float64 `json:"duration"`
	Populations []struct {
		Name string `json:"name"`
		Size int    `json:"size"`
	} `json:"populations"`
	Synapses map[string]int64 `json:"synapses"`
	Monitors *[]Monitor       `json:"monitors"`
}

// Open reads the monitors of the output directory dir. It is an error if
// dir is not a directory, its summary.json cannot be read, or it holds no
// recording at all.
func Open(dir string) (*Output, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such directory", dir)
		}
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: give the output directory of a run (snnc run --out DIR)", dir)
	}
	o := &Output{Dir: dir, Sizes: map[string]int{}}
	var s summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, "summary.json"), err)
		}
		o.Dt, o.Duration = s.Dt, s.Duration
		for _, p := range s.Populations {
			o.Sizes[p.Name] = p.Size
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if s.Monitors != nil {
		o.Monitors = *s.Monitors
		for k := range o.Monitors {
			m := &o.Monitors[k]
			if m.Kind != "spikes" && m.Kind != "state" {
				return nil, fmt.Errorf("%s: monitor %q has kind %q (want spikes or state)", filepath.Join(dir, "summary.json"), m.Name, m.Kind)
			}
			m.Synapses = m.Kind == "state" && exists(filepath.Join(dir, m.Name+".pre.npy"))
		}
	} else {
		if o.Monitors, err = infer(dir); err != nil {
			return nil, err
		}
		o.guessTargets(s.Synapses)
	}
	if len(o.Monitors) == 0 {
		return nil, fmt.Errorf("%s is not a run's output directory: it has no recordings (NAME.t.npy and NAME.i.npy) and no summary.json listing monitors", dir)
	}
	return o, nil
}

// infer finds the monitors of a directory from its file names, for the
// outputs of a run older than summary.json's "monitors" list.
func infer(dir string) ([]Monitor, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	var ms []Monitor
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".t.npy")
		if !ok || !have[name+".i.npy"] {
			continue
		}
		m := Monitor{Name: name, Kind: "spikes", Files: []string{name + ".t.npy", name + ".i.npy"}}
		if have[name+".npy"] {
			m.Kind = "state"
			m.Files = append(m.Files, name+".npy")
			if have[name+".pre.npy"] && have[name+".post.npy"] {
				m.Synapses = true
				m.Files = append(m.Files, name+".pre.npy", name+".post.npy")
			}
		}
		ms = append(ms, m)
	}
	// ReadDir sorts by name already; sorting again keeps the order if that
	// ever changes, since the plots' order is what a user sees.
	sort.Slice(ms, func(a, b int) bool { return ms[a].Name < ms[b].Name })
	return ms, nil
}

// guessTargets names the targets of inferred monitors by the names a
// monitor gets when the model gives it none (language.md 4.5):
// POPULATION_spikes, and TARGET_VARIABLE for state, where summary.json
// lists the population, input or projection. The target's size is what a
// population rate divides by; without it the largest index recorded is
// all there is, and a rate over too few neurons would be too high.
func (o *Output) guessTargets(synapses map[string]int64) {
	for k := range o.Monitors {
		m := &o.Monitors[k]
		if m.Kind == "spikes" {
			if p, ok := strings.CutSuffix(m.Name, "_spikes"); ok {
				if _, known := o.Sizes[p]; known {
					m.Target = p
				}
			}
			continue
		}
		// The longest target that prefixes the name: exc_in_v is of
		// exc_in if there is one, else of exc.
		best := ""
		for p := range o.Sizes {
			if strings.HasPrefix(m.Name, p+"_") && len(p) > len(best) {
				best = p
			}
		}
		for p := range synapses {
			if strings.HasPrefix(m.Name, p+"_") && len(p) > len(best) && m.Synapses {
				best = p
			}
		}
		if best != "" {
			m.Target, m.Variable = best, strings.TrimPrefix(m.Name, best+"_")
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Monitor returns the monitor called name, or an error that lists the
// monitors there are.
func (o *Output) Monitor(name string) (Monitor, error) {
	var names []string
	for _, m := range o.Monitors {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	return Monitor{}, fmt.Errorf("%s has no monitor %q (it has %s)", o.Dir, name, strings.Join(names, ", "))
}
