package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"snnc/lang/lsp"
	"snnc/version"
)

func init() {
	commands = append(commands, &command{
		name:    "lsp",
		summary: "serve the Language Server Protocol on stdin/stdout, for editors",
		run:     runLSP,
	})
}

func runLSP(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("lsp", stderr,
		"Usage: snnc lsp",
		"",
		"Runs a language server for .snn files: an editor starts it and talks the",
		"Language Server Protocol (JSON-RPC, Content-Length framing) on its stdin and",
		"stdout. It publishes the diagnostics of snnc check as the text is edited,",
		"shows a name's declaration, unit and physical dimension on hover, goes to",
		"declarations (in imported files and the standard library too) and completes",
		"names in scope, keywords and units. Log lines go to stderr.",
		"The TextMate grammar and a VS Code extension folder are in spec/editors.",
		"")
	if status, done := parseFlags(fs, args); done {
		return status
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	srv := lsp.NewServer(os.Stdin, stdout)
	srv.Version = version.Version
	err := srv.Serve()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, lsp.ErrExitWithoutShutdown):
		return exitModel // the protocol's status for an exit without shutdown
	}
	fmt.Fprintf(stderr, "snnc lsp: %v\n", err)
	return exitModel
}
