package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite testdata/cli.txtar's outputs instead of comparing")

// cliGolden is the file of the CLI's messages: one archive file per
// command line, `args: [...]` (JSON) then the exit status, stdout and
// stderr that snnc gives it. `go test ./cmd/snnc -run TestCLIMessages
// -update` rewrites the outputs from the args.
const cliGolden = "testdata/cli.txtar"

// TestCLIMessages pins what snnc says to each command line of
// testdata/cli.txtar: help on stdout, errors in one line on stderr, with
// their exit status.
func TestCLIMessages(t *testing.T) {
	ar, err := txtar.ParseFile(cliGolden)
	require.NoError(t, err)
	require.NotEmpty(t, ar.Files)
	for i, f := range ar.Files {
		first, _, _ := strings.Cut(string(f.Data), "\n")
		js, ok := strings.CutPrefix(first, "args: ")
		require.True(t, ok, "%s: the first line is args: [...]", f.Name)
		var args []string
		require.NoError(t, json.Unmarshal([]byte(js), &args), f.Name)
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		got := fmt.Sprintf("%s\nexit %d\nstdout:\n%sstderr:\n%s", first, code, stdout.String(), stderr.String())
		if *update {
			ar.Files[i].Data = []byte(got)
			continue
		}
		assert.Equal(t, string(f.Data), got, "%s (go test ./cmd/snnc -run TestCLIMessages -update rewrites %s)", f.Name, cliGolden)
	}
	if *update {
		require.NoError(t, os.WriteFile(cliGolden, txtar.Format(ar), 0o644))
	}
}

// Every command answers --help on stdout with exit 0 and --version with
// snnc's version, and every one refuses an unknown flag in one line.
func TestEveryCommandHelpVersionBadFlag(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, exitOK, run([]string{c.name, "--help"}, &stdout, &stderr))
			assert.Contains(t, stdout.String(), "snnc "+c.name)
			assert.Empty(t, stderr.String())
			help := stdout.String()
			stdout.Reset()
			assert.Equal(t, exitOK, run([]string{"help", c.name}, &stdout, &stderr))
			assert.Equal(t, help, stdout.String(), "snnc help %s is snnc %s --help", c.name, c.name)
			stdout.Reset()
			assert.Equal(t, exitOK, run([]string{c.name, "--version"}, &stdout, &stderr))
			assert.Regexp(t, `^snnc \d+\.\d+\.\d+\ngo1\.`, stdout.String())
			stdout.Reset()
			assert.Equal(t, exitUsage, run([]string{c.name, "--no-such-flag", "x"}, &stdout, &stderr))
			assert.Empty(t, stdout.String())
			assert.Equal(t, "snnc "+c.name+": flag provided but not defined: -no-such-flag; see snnc help "+c.name+"\n", stderr.String())
		})
	}
}
