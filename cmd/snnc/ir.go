package main

import (
	"fmt"
	"io"

	"snnc/backends/driver"
	"snnc/ir"
	"snnc/passes"
)

func init() {
	commands = append(commands, &command{
		name:    "ir",
		summary: "print a model's IR after the passes (or after one of them)",
		run:     runIR,
	})
}

func runIR(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ir", stderr,
		"Usage: snnc ir [options] model.snn",
		"",
		"Prints the model's IR in its text form (snnc doc ir): the dataflow graph and the",
		"kernels in SSA form. Notes on each update kernel say which integration method",
		"each ODE got and why.",
		"")
	var pf pipelineFlags
	pf.register(fs)
	after := fs.String("after", "", "print the IR after this pass instead of after all of them; \"lower\" prints it before any pass")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 1 {
		return argsError(fs, "one model file")
	}
	o, err := pf.options(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "snnc ir: %v\n", err)
		return exitUsage
	}
	if *after != "" && *after != "lower" {
		if passes.Lookup(*after) == nil {
			fmt.Fprintf(stderr, "snnc ir: unknown pass %q for -after (the passes are %s, or lower)\n", *after, passes.Names())
			return exitUsage
		}
		selected, _ := o.Selected()
		found := false
		for _, p := range selected {
			found = found || p.Name == *after
		}
		if !found {
			fmt.Fprintf(stderr, "snnc ir: pass %s does not run with these options\n", *after)
			return exitUsage
		}
	}
	if *after == "lower" {
		prog, status := load(fs.Arg(0), stderr)
		if status != exitOK {
			return status
		}
		m := driver.Lower(prog)
		if o.Verify {
			if err := ir.Verify(m); err != nil {
				fmt.Fprintf(stderr, "snnc: internal error: IR from lowering does not verify:\n%v\n", err)
				return exitModel
			}
		}
		ir.Print(stdout, m)
		return exitOK
	}
	var dump string
	if *after != "" {
		o.After = func(pass string, m *ir.Module) {
			if pass == *after {
				dump = m.String()
			}
		}
	}
	m, status := compile(fs.Arg(0), o, stderr)
	if status != exitOK {
		return status
	}
	if *after != "" {
		fmt.Fprint(stdout, dump)
		return exitOK
	}
	ir.Print(stdout, m)
	return exitOK
}
