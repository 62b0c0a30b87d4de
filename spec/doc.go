// Package spec embeds snnc's specification (the *.md files beside it, and
// the grammar), so that an installed snnc prints it: `snnc doc TOPIC`. A
// topic is a file's name without its extension, in lower case: language,
// runtime, native, fpga, nir, ir, passes, rationale, grammar.
package spec

import (
	"embed"
	"path"
	"slices"
	"strings"
)

//go:embed *.md grammar.ebnf
var files embed.FS

// Topics returns the topics, sorted.
func Topics() []string {
	entries, _ := files.ReadDir(".") // embedded: cannot fail
	var out []string
	for _, e := range entries {
		out = append(out, topicOf(e.Name()))
	}
	slices.Sort(out)
	return out
}

// Doc returns a topic's text, and whether there is one by that name (in
// any case: RATIONALE and rationale are one).
func Doc(topic string) ([]byte, bool) {
	entries, _ := files.ReadDir(".")
	for _, e := range entries {
		if topicOf(e.Name()) == strings.ToLower(topic) {
			data, err := files.ReadFile(e.Name())
			return data, err == nil
		}
	}
	return nil, false
}

// Title is a topic's first heading ("The snnc language"), or, for the
// grammar, what it is.
func Title(topic string) string {
	data, ok := Doc(topic)
	if !ok {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	if t, ok := strings.CutPrefix(line, "# "); ok {
		return t
	}
	return "the grammar of the language, in EBNF (the parser's own)"
}

func topicOf(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, path.Ext(name)))
}
