// Command snnc compiles spiking neural network models.
//
// Usage:
//
//	snnc check model.snn   report the model's errors, if any
//
// Run snnc help for the list of commands.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Exit codes.
const (
	exitOK    = 0
	exitModel = 1 // the model has errors
	exitUsage = 2 // bad command line
)

// command is a subcommand: check, ir, run, build.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands []*command

func main() {
	// snnc is a short-lived batch process whose front end allocates many
	// small parse nodes: collecting less often roughly halves the time of
	// checking a large model, for at most five times the live heap.
	debug.SetGCPercent(400)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			for _, c := range commands {
				if c.name == args[1] {
					return c.run([]string{"--help"}, stdout, stderr)
				}
			}
		}
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "snnc: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

// newFlags returns a subcommand's flag set whose usage prints the lines of
// text and then the flags.
func newFlags(name string, stderr io.Writer, text ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		for _, line := range text {
			fmt.Fprintln(fs.Output(), line)
		}
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, with flags before or after the file names
// (snnc run model.snn --seed 2); after "--" everything is a file name.
// Afterwards fs.Args() holds the file names. If done, the command returns
// status (help was asked for, or the flags were wrong).
func parseFlags(fs *flag.FlagSet, args []string) (status int, done bool) {
	var names []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return exitOK, true
			}
			return exitUsage, true
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		// Parse stops at the first name, or after "--".
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			names = append(names, rest...)
			break
		}
		names = append(names, rest[0])
		args = rest[1:]
	}
	_ = fs.Parse(append([]string{"--"}, names...))
	return exitOK, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "snnc compiles spiking neural network models (.snn files).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: snnc <command> [options] model.snn")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run snnc help <command> for its options. The language is described in spec/language.md.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 the model has errors, 2 bad command line.")
}
