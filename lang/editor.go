package lang

import "sort"

// Accessors for tools that work on a checked Program from outside the
// compiler, such as the language server (lang/lsp): what they need to list
// the names in scope at a place and the reserved words, and nothing more.

// Keywords returns the reserved words of the language, sorted.
func Keywords() []string {
	out := make([]string, 0, len(keywords))
	for k := range keywords {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Names returns the names declared in this scope itself, in declaration
// order. The built-in functions of the universe are not among them; they
// are in Funcs.
func (s *Scope) Names() []string { return append([]string(nil), s.names...) }

// Parent returns the enclosing scope, or nil for the universe.
func (s *Scope) Parent() *Scope { return s.parent }
