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
	"strings"
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
		// Help asked for goes to stdout (snnc help run | less); only
		// errors go to stderr.
		switch {
		case len(args) == 1:
			usage(stdout)
			return exitOK
		case len(args) > 2:
			fmt.Fprintf(stderr, "snnc help: one command at a time (snnc help %s); see snnc help\n", args[1])
			return exitUsage
		}
		if c := lookup(args[1]); c != nil {
			return c.run([]string{"--help"}, stdout, stdout)
		}
		fmt.Fprintf(stderr, "snnc help: unknown command %q; %s\n", args[1], unknownHint(args[1]))
		return exitUsage
	case "-version", "--version":
		printVersion(stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "snnc: unknown command %q; %s\n", args[0], unknownHint(args[0]))
		return exitUsage
	}
	// --help and --version mean the same to every command, whatever else
	// the command line holds, so they are answered here, before the
	// command's own flags are parsed.
	switch helpOrVersion(args[1:]) {
	case "help":
		return c.run([]string{"--help"}, stdout, stdout)
	case "version":
		printVersion(stdout)
		return exitOK
	}
	return c.run(args[1:], stdout, stderr)
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// unknownHint says what there is instead of an unknown command.
func unknownHint(name string) string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	hint := "the commands are " + strings.Join(names, ", ")
	if topicHint != nil {
		if h := topicHint(name); h != "" {
			hint = h + "; " + hint
		}
	}
	return hint + " (see snnc help)"
}

// topicHint, if not nil, says where a name that is not a command is
// documented ("snnc doc fpga describes it"), or "".
var topicHint func(name string) string

// helpOrVersion returns "help" or "version" if a flag of args before "--"
// asks for it, else "".
func helpOrVersion(args []string) string {
	for _, a := range args {
		switch a {
		case "--":
			return ""
		case "-h", "-help", "--help":
			return "help"
		case "-version", "--version":
			return "version"
		}
	}
	return ""
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
	// The flag package prints the whole usage after an error: a bad flag
	// is told in one line instead, and the usage is printed only when it
	// is asked for.
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	for {
		if err := fs.Parse(args); err != nil {
			fs.SetOutput(out)
			if err == flag.ErrHelp {
				fs.Usage()
				return exitOK, true
			}
			fmt.Fprintf(out, "snnc %s: %v; see snnc help %s\n", fs.Name(), err, fs.Name())
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
	fmt.Fprintln(w, "The targets of run and build: interp (the reference interpreter), llvm (native code)")
	fmt.Fprintln(w, "and fpga (the core's RTL). Run snnc help <command> for its options; snnc doc lists the")
	fmt.Fprintln(w, "documentation (the language, the file formats, the targets); snnc --version says which")
	fmt.Fprintln(w, "snnc this is.")
	fmt.Fprintln(w, "Exit status: 0 success, 1 the model has errors, 2 bad command line.")
}

// argsError says in one line that the command line's names are not what
// the command takes (want: "one model file"), and returns exitUsage.
func argsError(fs *flag.FlagSet, want string) int {
	got := "none"
	if n := fs.NArg(); n > 0 {
		got = fmt.Sprintf("%d (%s)", n, strings.Join(fs.Args(), " "))
	}
	fmt.Fprintf(fs.Output(), "snnc %s: expected %s, got %s; see snnc help %s\n", fs.Name(), want, got, fs.Name())
	return exitUsage
}
