package main

import (
	"fmt"
	"io"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/lang/nir"
	"snnc/passes"
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
		"the HDF5 layout of the reference package nir 1.0.x); spec/nir.md, Export.",
		"",
		"Exported: populations whose neuron equations are linear of the LIF, CubaLIF,",
		"LI, CubaLI, IF or I form (threshold v > value, reset v = value, no refractory",
		"period), with their parameters per neuron in SI units; inputs as Input nodes",
		"(their spikes are not part of NIR); every projection whose synapse's on pre is",
		"post.x += w as a Linear node with the dense weight matrix of the synapses as",
		"built (fan-in summed); spike monitors (and state monitors of non-spiking",
		"neurons) as Output nodes. NIR stores no dt: parameters are continuous-time.",
		"",
		"Refused, with the construct's file:line:col: plasticity (on post, synapse",
		"state), dendrites, globals, currents, schedules, timed arrays, nonlinear or",
		"other ODEs, refractory periods, other thresholds and resets, delays, monitors",
		"of a part of a population, and initial states away from rest.",
		"Exit status: 0 written, 1 the model has errors or cannot be exported, 2 bad usage.",
		"")
	out := fs.String("o", "", "the NIR file to write (required)")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	prog, st := load(fs.Arg(0), stderr)
	if st != exitOK {
		return st
	}
	// The values NIR needs are those of the network as built: parameters
	// per neuron, weights per synapse after the rule and any load.
	// Only the passes a build needs: fuse and prune would merge
	// populations and drop synapses that the graph must keep apart.
	m, err := driver.Compile(prog, driver.Options{Options: passes.Options{Only: []string{"ode"}}})
	if err != nil {
		return report(stderr, prog, err)
	}
	built, err := interp.Initial(m, interp.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "snnc: export %s: %v\n", fs.Arg(0), err)
		return exitModel
	}
	g, err := nir.Export(prog, &nir.Built{Vars: built.Vars, Synapses: func(proj string) ([]int32, []int32) {
		csr := built.CSR[proj]
		if csr == nil {
			return nil, nil
		}
		return csr.Pre(), csr.Post
	}})
	if err != nil {
		printErrors(stderr, prog, err)
		return exitModel
	}
	if err := nir.Write(*out, g); err != nil {
		fmt.Fprintf(stderr, "snnc: export: %v\n", err)
		return exitModel
	}
	return exitOK
}
