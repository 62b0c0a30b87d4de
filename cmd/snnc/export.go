package main

import (
	"fmt"
	"io"

	"snnc/backends/driver"
	"snnc/lang/nir"
)

func init() {
	commands = append(commands, &command{
		name:    "export",
		summary: "write a model as a NIR graph (.nir) for snnTorch, Norse, Rockpool, ...",
		run:     runExport,
	})
}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("export", stderr,
		"Usage: snnc export model.snn -o model.nir",
		"",
		"Writes the model as a NIR graph (Neuromorphic Intermediate Representation,",
		"the HDF5 layout of the reference package nir 1.0.x); snnc doc nir, Export.",
		"",
		"Exported: populations whose neuron equations are linear of the LIF, CubaLIF,",
		"LI, CubaLI, IF or I form (threshold v > value, reset v = value, no refractory",
		"period), with their parameters per neuron in SI units; inputs as Input nodes",
		"(their spikes are not part of NIR); every projection whose synapse's on pre is",
		"post.x += w as a Linear node with the dense weight matrix of the synapses as",
		"built (fan-in summed), behind a Delay node where it has delays (one per pre",
		"neuron); spike monitors (and state monitors of non-spiking neurons) as Output",
		"nodes. NIR stores no dt: r = tau/dt and w_in = tau_syn/dt with the model's dt",
		"make each spike move the state by w, as in the model; dt goes in metadata/dt.",
		"",
		"Refused, with the construct's file:line:col: plasticity (on post, synapse",
		"state), dendrites, globals, currents, schedules, timed arrays, nonlinear,",
		"noisy or other ODEs, refractory periods, other thresholds and resets, delays",
		"that differ between the synapses of one pre neuron, monitors of a part of a",
		"population, and initial states away from rest.",
		"Exit status: 0 written, 1 the model has errors or cannot be exported, 2 bad usage.",
		"")
	out := fs.String("o", "", "the NIR file to write (required)")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 || *out == "" {
		return argsError(fs, "one model file and -o FILE")
	}
	prog, st := load(fs.Arg(0), stderr)
	if st != exitOK {
		return st
	}
	// The values NIR needs are those of the network as built: parameters
	// per neuron, weights per synapse after the rule and any load.
	g, err := driver.ExportNIR(prog)
	if err != nil {
		return report(stderr, prog, err)
	}
	if err := nir.Write(*out, g); err != nil {
		fmt.Fprintf(stderr, "snnc: export: %v\n", err)
		return exitModel
	}
	return exitOK
}
