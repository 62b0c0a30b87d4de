// Package fpga is snnc's FPGA backend: it maps a quantized model onto
// snnc's neuromorphic core (rtl/snn_core.v), generates the model's
// datapaths in Verilog from the quantized IR kernels, and writes the
// core's configuration (a byte stream for its configuration port, and the
// same content as memory images), the stimulus of the model's inputs, a
// map from model names to slots, and a report. spec/fpga.md describes the
// core, its protocol and its limits.
//
// sim.go runs the testbench on Verilator or Icarus Verilog and reads what
// the core reported (Output); results.go maps that back to the model, as
// the interpreter records it: the spike monitors and the summary
// (Design.Recordings), the state read back after the run
// (Design.FinalVars, for interp.FinalState) and at each sample of the
// state monitors, after the step's deliveries (monitors.go;
// Design.SampleVars, for interp.StateSamples). snnc run --target=fpga and the conformance tests
// use that one mapping.
package fpga

import (
	"fmt"

	"snnc/backends/interp"
	"snnc/ir"
)

// Options configure a build.
type Options struct {
	// Dir is where relative data file names are read from.
	Dir string
	// Steps, if positive, replaces the model's number of steps.
	Steps int64
	// Seed, if not nil, replaces the model's seed: of the connectivity and
	// initial values drawn while building, and of the core's generator.
	Seed *uint64
	// Set gives runtime parameters new values (interp.Options.Set): the
	// host computes what the core holds of parameters from them.
	Set map[string]float64
	// StateMonitors asks for the state monitors the core can record to be
	// recorded: the run is cut at the steps they sample and the state read
	// back at each (monitors.go). Without it, none is.
	StateMonitors bool
}

// Core sizes: the Verilog parameters of snn_core for a model.
type Core struct {
	N, NSRC    int // neuron slots; spike sources (slots, then input sources)
	SW, PW     int // bits of a state word, a parameter word
	NSYN, SYNW int // synapses; bits of a synapse word
	NROW       int // row pointers
	NCOL       int // column pointers (on_post: each post neuron's synapses)
	NCIDX      int // column index entries: NSYN with on_post, else 1
	NPROJ      int // projections that deliver
	L          int // steps of spike history
	ND         int // dither generators
	SLOTW      int // bits of a slot in a synapse word
	DLYW       int // bits of a delay
}

// Limits of the core snnc targets: a model that needs more gets a
// diagnostic.
const (
	maxSlots = 1 << 16
	maxDelay = 255 // steps: DLYW = 8
	maxWord  = 4096
)

// A slotRange is a population's neurons in the core: slots Base to
// Base+Size-1.
type slotRange struct {
	Name       string
	Base, Size int
}

// Design is a model mapped onto the core.
type Design struct {
	Core  Core
	Steps int64
	Seed  uint64
	// Verilog is the generated model module (snn_model and the
	// datapaths).
	Verilog string
	// Config is the byte stream that programs the core, runs it and reads
	// its state back; Memories are the same content as $readmemh images.
	Config   []byte
	Memories map[string]string
	// Stimulus lists, step by step, the input sources that spike: the
	// testbench's input port transfers (hex, one per line: bit 32 ends the
	// step, bits 31-0 are the source).
	Stimulus string
	// Populations and Inputs are where the model's neurons and sources are:
	// members of a fused group by their part of the group's slots.
	Populations []slotRange
	Inputs      []slotRange
	// owners are the populations that have slots (not members); projs
	// the projections that deliver.
	owners []*owner
	projs  []projInfo
	// readBack is the number of bytes the configuration stream's read
	// frames ask for.
	readBack int
	// MaxDelay is the longest delay of a synapse, in steps.
	MaxDelay int
	// runs is the number of run and deliver frames (a current that
	// changes in time and the state monitors' samples cut the run);
	// waits, for a host on the UART, the bytes of the stream before which
	// it waits for the answers so far (the done bytes of the runs before,
	// the words of a read), and how many.
	runs  int
	waits [][2]int
	// eventRows and synapses are for the summary of a run (results.go):
	// the delivering projections' rows and delays, and every projection's
	// number of synapses.
	eventRows []eventRows
	synapses  map[string]int
	// Sampled names the state monitors the run records; Refused says,
	// one message each, why the others are not recorded. samples are the
	// steps at which words are read back for them (by step), frames what
	// the core answers to the configuration stream, in order.
	Sampled []string
	Refused []string
	samples []SampleRead
	frames  []frame
}

// A frame is one answer of the core to the configuration stream: a run's
// (or a deliver frame's) done byte, or count words of n bytes read back
// from space, from addr on; for the read-back of a sample, sample is the
// sample's number plus one.
type frame struct {
	done           bool
	space          byte
	addr, count, n int
	sample         int
}

// owner is a population with storage in the core.
type owner struct {
	p      *ir.Population
	base   int
	state  []field // in word order
	names  []string
	places []place // of each field of state
	sw, pw int
	// derived are the step kernel's converts of values of parameters,
	// whose fields (place{derived: convert}) are in the parameter word.
	derived []*ir.Instr
	fields  map[place]field
	dp      *datapath
}

// Build maps a module that has been through the pass pipeline, quantized,
// onto the core. Its steps (build.go) run in this order, each on what the
// ones before it settled (buildState):
//
//   - slots: the populations' slots and the inputs' spike sources;
//   - neuronWords: each population's state and parameter words, and its
//     step datapath;
//   - projections: each delivering projection's rows and synapse word,
//     and its event datapaths;
//   - stateMonitors: the state monitors recorded (Options.StateMonitors)
//     and the steps they sample;
//   - coreSizes: the core's sizes, then the model's Verilog;
//   - memories: the core's memories, from the model's initial state;
//   - configuration: the stream that programs the core, runs it (cut
//     where a current changes in time and where a state monitor samples,
//     its state read back there) and reads its state back;
//   - stimulus: the input sources that spike, step by step.
func Build(m *ir.Module, o Options) (*Design, error) {
	if err := check(m); err != nil {
		return nil, err
	}
	d := &Design{Steps: m.Run.Steps, Seed: m.Run.Seed, Memories: map[string]string{}}
	if o.Steps > 0 {
		d.Steps = o.Steps
	}
	if o.Seed != nil {
		d.Seed = *o.Seed
	}
	if d.Steps > maxSteps {
		return nil, fmt.Errorf("a run of %d steps: the core's stimulus (stim.hex) has a line of 10 bytes per step, and it may hold %s: at most %d steps; run for a shorter --duration",
			d.Steps, interp.BytesText(maxStimulus), maxSteps)
	}
	dur := float64(d.Steps) * m.Run.Dt
	st, err := interp.Initial(m, interp.Options{Dir: o.Dir, Duration: dur, Seed: o.Seed, Set: o.Set})
	if err != nil {
		return nil, err
	}
	bs := &buildState{m: m, d: d, st: st}
	if err := bs.slots(); err != nil {
		return nil, err
	}
	if err := bs.neuronWords(); err != nil {
		return nil, err
	}
	if err := bs.projections(); err != nil {
		return nil, err
	}
	bs.stateMonitors(o.StateMonitors)
	bs.coreSizes()
	bs.memories()
	bs.configuration()
	if err := bs.stimulus(); err != nil {
		return nil, err
	}
	return d, nil
}

// buildState is what Build's steps hand on to the steps after them. Each
// step reads the fields it needs into local names, those Build had when it
// was one function.
type buildState struct {
	m  *ir.Module
	d  *Design
	st *interp.Storage
	// keys: the storage's name of each variable (storageKey), once asked.
	keys map[*ir.Var]string
	// slots': the owner of each population's storage, each population's
	// first slot, and each population's and input's first spike source.
	ownerOf map[*ir.Population]*owner
	base    map[*ir.Population]int
	srcBase map[ir.Source]int
	// projections': the delivering projections and the longest delay.
	projs []*projLayout
	maxD  int
	// memories': the words of each memory, which configuration writes.
	state, params, refs            []string
	rows, syns, cols, colIdx, hist []string
}

// projLayout is where a delivering projection is in the core: its rows
// and synapses, its synapse word's fields, and its event datapaths.
type projLayout struct {
	pr               *ir.Projection
	preBase, nPre    int
	rowBase, synBase int
	fields           map[place]field
	names            map[place]string // each field's name in the memory map
	derived          []*ir.Instr
	synw             int
	state            []*ir.Var // the synapse's state variables (not trace.tlast)
	clock            *ir.Var   // its ir.TraceClock, or nil
	segs             map[*ir.Var]segField
	segment          field // onto a dendrite array: the synapse's segment
	dp, postDP       *datapath
	// on_post: the post population's first slot and size, and the
	// first of its column pointers.
	postBase, nPost, colBase int
}
