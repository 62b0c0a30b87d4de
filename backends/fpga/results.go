// What a run on the core recorded, in the form every target writes: the
// spike output port's slots mapped back to the model's populations, the
// input sources' spikes (the stimulus the core was driven with) to its
// inputs, and the summary's counts. snnc run --target=fpga writes these
// with runtime.Write, and the conformance tests compare them with the
// interpreter's: one mapping for both.

package fpga

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"snnc/ir"
	"snnc/runtime"
)

// eventRows is what counting a delivering projection's synaptic events
// needs: its first spike source, its rows (CSR.Start) and the delay of
// each synapse in steps (one for all when the projection has one).
type eventRows struct {
	preBase int
	nPre    int
	start   []int64
	delay   []int64
}

// InputSpikes returns the spikes of the model's inputs that the stimulus
// drives the core with, each as (step, index in the input), by input.
func (d *Design) InputSpikes() (map[string][][2]int64, error) {
	out := map[string][][2]int64{}
	k := int64(0)
	for _, line := range strings.Split(d.Stimulus, "\n") {
		if line == "" {
			continue
		}
		x, err := strconv.ParseUint(line, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("stimulus: %q", line) // a compiler bug: Build wrote it
		}
		if x>>32 == 1 {
			k++
			continue
		}
		for _, in := range d.Inputs {
			if int(x) >= in.Base && int(x) < in.Base+in.Size {
				out[in.Name] = append(out[in.Name], [2]int64{k, int64(x) - int64(in.Base)})
			}
		}
	}
	return out, nil
}

// Recordings returns what the run on the core recorded, as the
// interpreter records it for module m (the one Build mapped): each spike
// monitor's spikes (in its window, of its ranges, by step then index) and
// the summary (spike counts and rates of every population and input,
// synapses per projection, synaptic events). target names the summary's
// target. State monitors are not among them: SampleVars has what they
// sampled.
func (d *Design) Recordings(m *ir.Module, o *Output, target string) ([]*runtime.Spikes, *runtime.Summary, error) {
	pops := d.PopulationSpikes(o)
	inputs, err := d.InputSpikes()
	if err != nil {
		return nil, nil, err
	}
	// record gives a recorder a source's spikes step by step, as the
	// interpreter gives them.
	record := func(rec *runtime.Spikes, mon *ir.Monitor, spikes [][2]int64) error {
		for n := 0; n < len(spikes); {
			k := spikes[n][0]
			var step []int32
			for ; n < len(spikes) && spikes[n][0] == k; n++ {
				step = append(step, int32(spikes[n][1]))
			}
			if mon.Records(k) {
				if err := rec.Record(k, step); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var recs []*runtime.Spikes
	for _, mon := range m.Monitors {
		if mon.Kind != "spikes" {
			continue
		}
		var rec *runtime.Spikes
		var spikes [][2]int64
		switch t := mon.Target.(type) {
		case *ir.Population:
			rec, spikes = runtime.NewSpikes(mon.Name, t.Name, t.Size, mon.Ranges), pops[t.Name]
		case *ir.Input:
			rec, spikes = runtime.NewSpikes(mon.Name, t.Name, t.Size, mon.Ranges), inputs[t.Name]
		default:
			return nil, nil, fmt.Errorf("monitor %s: no population or input %s", mon.Name, mon.TargetName())
		}
		rec.Base = int32(mon.Base)
		if err := record(rec, mon, spikes); err != nil {
			return nil, nil, err
		}
		recs = append(recs, rec)
	}

	dt := m.Run.Dt
	sum := &runtime.Summary{Model: m.Source, Target: target, Seed: d.Seed, Dt: dt,
		Duration: float64(d.Steps) * dt, Steps: d.Steps, Synapses: map[string]int{}}
	rate := func(count int64, size int) float64 {
		if d.Steps == 0 {
			return 0
		}
		return float64(count) / float64(size) / (float64(d.Steps) * dt)
	}
	isGroup := map[*ir.Population]bool{}
	for _, p := range m.Populations {
		if p.Group != nil {
			isGroup[p.Group] = true
		}
	}
	for _, p := range m.Populations {
		if p.Global || isGroup[p] {
			continue // a group's spikes are its members'
		}
		n := int64(len(pops[p.Name]))
		sum.Populations = append(sum.Populations, runtime.PopulationSummary{Name: p.Name, Size: p.Size, Spikes: n, Rate: rate(n, p.Size)})
	}
	for _, in := range m.Inputs {
		n := int64(len(inputs[in.Name]))
		sum.Populations = append(sum.Populations, runtime.PopulationSummary{Name: in.Name, Size: in.Size, Spikes: n, Rate: rate(n, in.Size)})
	}
	for name, n := range d.synapses {
		sum.Synapses[name] = n
	}
	sum.Events = d.events(o, inputs)
	return recs, sum, nil
}

// events counts the synaptic events of the run as the interpreter does:
// each spike of a delivering projection's source runs on_pre once per
// synapse of its row, in step k + 1 + the synapse's delay, if that step
// is one of the run's.
func (d *Design) events(o *Output, inputs map[string][][2]int64) int64 {
	// Every spike as (step, spike source): slots, then the inputs'.
	all := slices.Clone(o.Spikes)
	for _, in := range d.Inputs {
		for _, s := range inputs[in.Name] {
			all = append(all, [2]int64{s[0], s[1] + int64(in.Base)})
		}
	}
	var n int64
	for _, p := range d.eventRows {
		for _, s := range all {
			i := int(s[1]) - p.preBase
			if i < 0 || i >= p.nPre || i+1 >= len(p.start) {
				continue
			}
			for syn := p.start[i]; syn < p.start[i+1]; syn++ {
				delay := p.delay[0]
				if len(p.delay) > 1 {
					delay = p.delay[syn]
				}
				if s[0]+1+delay < d.Steps {
					n++
				}
			}
		}
	}
	return n
}

// FinalVars returns the state the core read back after the run, as the
// interpreter's storage names and holds it (interp.Storage.Vars): each
// population's state variables (a dendrite array's per segment of each
// neuron in turn) and each projection's synapse state, raw fixed point;
// a synapse's last-event step as its time in seconds (step·dt, the time
// the interpreter's kernel stored). interp.FinalState makes state/ of it.
func (d *Design) FinalVars(o *Output, dt float64) map[string][]float64 {
	return d.vars([]wordSpan{o.state}, []wordSpan{o.syns}, dt)
}

// vars is FinalVars of the state words and the synapse words in spans.
func (d *Design) vars(state, syns []wordSpan, dt float64) map[string][]float64 {
	out := d.stateVars(state)
	for key, vals := range d.synapseValues(syns) {
		if strings.HasSuffix(key, ".trace.tlast") {
			out[key] = floats(vals, dt)
			continue
		}
		out[key] = floats(vals, 1)
	}
	return out
}

// SampleVars returns the steps at which the state monitors d.Sampled
// sample, and the words the core read back at the n-th of them (after
// that step's deliveries), as FinalVars gives them: the state of the
// populations and the synapses the monitors due there read (the others'
// absent, neurons of a population not read 0). interp.StateSamples makes
// the monitors' recordings of them. The words are decoded when vars asks
// for them, one sample at a time.
func (d *Design) SampleVars(o *Output, dt float64) (steps []int64, vars func(n int) map[string][]float64) {
	for _, s := range d.samples {
		steps = append(steps, s.Step)
	}
	return steps, func(n int) map[string][]float64 {
		var r sampleRead // none read: values of parameters alone
		if n < len(o.samples) {
			r = o.samples[n]
		}
		return d.vars(r.state, r.syns, dt)
	}
}

// stateVars returns the populations' state variables of the state words
// read back in spans, as FinalVars names and holds them.
func (d *Design) stateVars(spans []wordSpan) map[string][]float64 {
	out := map[string][]float64{}
	// A dendrite array's segment s is owner.d.x[s]: gathered into
	// owner.d.x, segment by segment of each neuron.
	segs := map[string]map[int][]int64{}
	for key, vals := range d.stateValues(spans) {
		if base, idx, ok := strings.Cut(key, "["); ok {
			s, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			if err == nil {
				if segs[base] == nil {
					segs[base] = map[int][]int64{}
				}
				segs[base][s] = vals
				continue
			}
		}
		out[key] = floats(vals, 1)
	}
	for base, by := range segs {
		count := len(by)
		var n int
		for _, vals := range by {
			n = len(vals)
		}
		arr := make([]float64, n*count)
		for s, vals := range by {
			for i, x := range vals {
				arr[i*count+s] = float64(x)
			}
		}
		out[base] = arr
	}
	return out
}

// floats returns the values as float64, each times scale (1: as they
// are, exactly: raw fixed point fits a float64's 53 bits).
func floats(vals []int64, scale float64) []float64 {
	out := make([]float64, len(vals))
	for i, x := range vals {
		if scale == 1 {
			out[i] = float64(x)
		} else {
			out[i] = float64(x) * scale
		}
	}
	return out
}
