package lang

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// runes, not bytes, so a caret lines up under non-ASCII text. Offset is the
// byte offset. The zero Pos means "no position".
type Pos struct {
	File   string
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// before orders positions by file, then offset.
func (p Pos) before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	return p.Offset < q.Offset
}

// A Diagnostic is one error in a user's model: where, what, and (in Hint)
// what to do about it.
type Diagnostic struct {
	Pos  Pos
	Msg  string
	Hint string
}

func (d Diagnostic) Error() string {
	if d.Hint != "" {
		return fmt.Sprintf("%s: %s (%s)", d.Pos, d.Msg, d.Hint)
	}
	return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
}

// Diagnostics collects the errors of one compilation. Errors are never
// dropped on the way: the checker keeps going after the first one, and
// Sorted returns them in source order without duplicates.
type Diagnostics struct {
	list []Diagnostic
}

// Errorf records an error at pos.
func (ds *Diagnostics) Errorf(pos Pos, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Hintf records an error at pos with advice on how to fix it.
func (ds *Diagnostics) Hintf(pos Pos, hint string, format string, args ...any) {
	ds.list = append(ds.list, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Len reports the number of recorded errors, duplicates included.
func (ds *Diagnostics) Len() int { return len(ds.list) }

// Sorted returns the errors in source order, each distinct error once.
func (ds *Diagnostics) Sorted() []Diagnostic {
	out := append([]Diagnostic(nil), ds.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos != b.Pos {
			return a.Pos.before(b.Pos)
		}
		return a.Msg < b.Msg
	})
	w := 0
	for i, d := range out {
		if i > 0 && d.Pos == out[w-1].Pos && d.Msg == out[w-1].Msg {
			continue
		}
		out[w] = d
		w++
	}
	return out[:w]
}

// Err returns the sorted diagnostics as an error, or nil if there are none.
func (ds *Diagnostics) Err() error {
	if ds.Len() == 0 {
		return nil
	}
	return ErrorList(ds.Sorted())
}

// ErrorList is the error returned for a model with errors.
type ErrorList []Diagnostic

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Print writes each diagnostic as
//
//	file:line:col: message
//	    source line
//	    ^
//	    hint: what to do
//
// The source lines come from sources (file name to contents); a diagnostic
// whose file is not there is printed without the excerpt.
func Print(w io.Writer, diags []Diagnostic, sources map[string][]byte) {
	for _, d := range diags {
		fmt.Fprintf(w, "%s: error: %s\n", d.Pos, d.Msg)
		if line, ok := sourceLine(sources[d.Pos.File], d.Pos.Line); ok && d.Pos.Col > 0 {
			line, col := window(line, d.Pos.Col)
			fmt.Fprintf(w, "    %s\n    %s^\n", line, caretIndent(line, col))
		}
		if d.Hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", d.Hint)
		}
	}
}

// sourceLine returns line n (1-based) of src without its newline.
func sourceLine(src []byte, n int) (string, bool) {
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		k := bytes.IndexByte(src, '\n')
		if k < 0 {
			return "", false
		}
		src = src[k+1:]
	}
	if k := bytes.IndexByte(src, '\n'); k >= 0 {
		src = src[:k]
	}
	return strings.TrimRight(string(src), "\r"), true
}

// maxExcerpt is the widest source excerpt printed under a diagnostic.
const maxExcerpt = 160

// window cuts a long line to maxExcerpt runes around column col, marking
// the cuts with "...", and returns the caret's column in the cut line.
func window(line string, col int) (string, int) {
	runes := []rune(line)
	if len(runes) <= maxExcerpt {
		return line, col
	}
	start := max(0, min(col-1-maxExcerpt/2, len(runes)-maxExcerpt))
	end := min(len(runes), start+maxExcerpt)
	out := string(runes[start:end])
	col -= start
	if start > 0 {
		out = "..." + out
		col += 3
	}
	if end < len(runes) {
		out += "..."
	}
	return out, col
}

// caretIndent returns the white space that puts a caret under column col of
// line, keeping tabs so the caret lines up whatever the tab width.
func caretIndent(line string, col int) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		if n >= col-1 {
			break
		}
		n++
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
