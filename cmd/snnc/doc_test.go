package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/spec"
)

// snnc doc prints each spec file as it is in the checkout, lists every
// one, and refuses a topic it does not have; every `snnc doc X` that a
// help text points to is a topic, and no help text points to a spec/*.md
// file, which an installed snnc does not have.
func TestDoc(t *testing.T) {
	files, err := filepath.Glob("../../spec/*.md")
	require.NoError(t, err)
	files = append(files, "../../spec/grammar.ebnf")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"doc"}, &stdout, &stderr))
	list := stdout.String()
	for _, f := range files {
		want, err := os.ReadFile(f)
		require.NoError(t, err)
		topic := strings.ToLower(strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)))
		assert.Contains(t, list, "\n  "+topic+" ")
		stdout.Reset()
		require.Equal(t, exitOK, run([]string{"doc", topic}, &stdout, &stderr), topic)
		assert.True(t, bytes.Equal(want, stdout.Bytes()), "snnc doc %s is not %s", topic, f)
	}
	assert.Len(t, spec.Topics(), len(files))

	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"doc", "nope"}, &stdout, &stderr))
	assert.Equal(t, "snnc doc: no topic \"nope\"; the topics are "+strings.Join(spec.Topics(), ", ")+"\n", stderr.String())

	pointer := regexp.MustCompile("snnc doc ([a-z]+)")
	helps := []string{}
	stdout.Reset()
	run([]string{"help"}, &stdout, &stderr)
	helps = append(helps, stdout.String())
	for _, c := range commands {
		stdout.Reset()
		require.Equal(t, exitOK, run([]string{"help", c.name}, &stdout, &stderr))
		helps = append(helps, stdout.String())
	}
	for _, h := range helps {
		assert.NotRegexp(t, `spec/[a-z]+\.md`, h)
		for _, m := range pointer.FindAllStringSubmatch(h, -1) {
			if m[1] == "lists" { // "snnc doc lists the documentation"
				continue
			}
			_, ok := spec.Doc(m[1])
			assert.True(t, ok, "help points to snnc doc %s, which is no topic", m[1])
		}
	}
}
