package main

import (
	"fmt"
	"io"
	"strings"

	"snnc/spec"
)

func init() {
	commands = append(commands, &command{
		name:    "doc",
		summary: "print snnc's documentation: the language, the outputs, the targets",
		run:     runDoc,
	})
	topicHint = func(name string) string {
		if _, ok := spec.Doc(name); ok {
			return "snnc doc " + strings.ToLower(name) + " describes " + name
		}
		return ""
	}
}

func runDoc(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("doc", stderr,
		"Usage: snnc doc [topic]",
		"",
		"Prints a part of snnc's specification, which is built into snnc: the language",
		"(language, grammar), running a model and its output files (runtime), the targets",
		"(native, fpga), NIR (nir), the IR and the passes (ir, passes), and the design",
		"decisions (rationale). Without a topic, lists them. The text is Markdown; pipe",
		"it into a pager or a Markdown viewer (snnc doc language | less).",
		"")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	switch fs.NArg() {
	case 0:
		fmt.Fprintln(stdout, "Topics (snnc doc TOPIC prints one):")
		for _, t := range spec.Topics() {
			fmt.Fprintf(stdout, "  %-10s %s\n", t, spec.Title(t))
		}
		return exitOK
	case 1:
		data, ok := spec.Doc(fs.Arg(0))
		if !ok {
			fmt.Fprintf(stderr, "snnc doc: no topic %q; the topics are %s\n", fs.Arg(0), strings.Join(spec.Topics(), ", "))
			return exitUsage
		}
		_, _ = stdout.Write(data)
		return exitOK
	}
	return argsError(fs, "at most one topic")
}
