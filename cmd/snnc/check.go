package main

import (
	"fmt"
	"io"

	"snnc/backends/driver"
	"snnc/lang"
)

func init() {
	commands = append(commands, &command{
		name:    "check",
		summary: "parse and check models; print their errors",
		run:     runCheck,
	})
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stderr,
		"Usage: snnc check [-q] model.snn...",
		"",
		"Parses each model and the files it imports, resolves every name and checks",
		"physical dimensions. Errors are printed with file:line:col, the source line",
		"and a caret. Exit status: 0 no errors, 1 errors in a model, 2 bad usage.",
		"")
	quiet := fs.Bool("q", false, "print nothing when the model is fine")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() == 0 {
		return argsError(fs, "one or more model files")
	}
	status := exitOK
	for _, path := range fs.Args() {
		prog, st := load(path, stderr)
		if st != exitOK {
			status = st
			continue
		}
		if !*quiet {
			fmt.Fprintf(stdout, "%s: ok (%s)\n", path, summarize(prog))
		}
	}
	return status
}

// printErrors prints a model's diagnostics with source excerpts.
func printErrors(w io.Writer, prog *lang.Program, err error) {
	list := driver.Diagnostics(err)
	if list == nil {
		fmt.Fprintf(w, "snnc: %v\n", err)
		return
	}
	lang.Print(w, list, prog.Sources())
	if len(list) > 1 {
		fmt.Fprintf(w, "%d errors\n", len(list))
	}
}

// summarize says what a checked model holds.
func summarize(p *lang.Program) string {
	neurons := 0
	for _, pop := range p.Populations {
		neurons += pop.Size
	}
	return fmt.Sprintf("%d populations, %d neurons, %d inputs, %d projections, %d monitors",
		len(p.Populations), neurons, len(p.Inputs), len(p.Projections), len(p.Monitors))
}
