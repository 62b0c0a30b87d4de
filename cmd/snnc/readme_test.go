package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's commands are snnc's: every `snnc COMMAND` it names, in
// its prose or its shell blocks, is a command, and every flag its shell
// blocks give a command is one that `snnc help COMMAND` lists.
func TestREADMECommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(data)

	// The flags each command lists in its help (the "  -name" lines).
	flagLine := regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)
	flagsOf := map[string]map[string]bool{}
	for _, c := range commands {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{"help", c.name}, &stdout, &stderr))
		flagsOf[c.name] = map[string]bool{"help": true, "h": true, "version": true}
		for _, m := range flagLine.FindAllStringSubmatch(stdout.String(), -1) {
			flagsOf[c.name][m[1]] = true
		}
	}

	named := 0
	for _, m := range regexp.MustCompile("`snnc ([a-z]+)").FindAllStringSubmatch(readme, -1) {
		named++
		assert.True(t, m[1] == "help" || lookup(m[1]) != nil, "the README names snnc %s, which is no command", m[1])
	}
	require.Greater(t, named, 10, "the README's `snnc COMMAND`s were not found")

	checked := 0
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1)
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		for _, line := range strings.Split(b[1], "\n") {
			line, _, _ = strings.Cut(line, " #") // a comment
			for _, seg := range regexp.MustCompile(`&&|\|`).Split(line, -1) {
				f := strings.Fields(seg)
				if len(f) >= 3 && f[0] == "go" && f[1] == "run" && f[2] == "./cmd/snnc" {
					f = append([]string{"snnc"}, f[3:]...)
				}
				if len(f) < 2 || f[0] != "snnc" {
					continue
				}
				name := f[1]
				if name == "--version" || name == "help" {
					continue
				}
				require.NotNil(t, lookup(name), "README: %q: no command %s", strings.TrimSpace(seg), name)
				for _, tok := range f[2:] {
					tok = strings.Trim(tok, "[]")
					if !strings.HasPrefix(tok, "-") {
						continue
					}
					flag, _, _ := strings.Cut(strings.TrimLeft(tok, "-"), "=")
					assert.True(t, flagsOf[name][flag], "README: %q: snnc %s has no flag -%s", strings.TrimSpace(seg), name, flag)
					checked++
				}
			}
		}
	}
	require.Greater(t, checked, 10, "the README's shell blocks' flags were not found")
}
