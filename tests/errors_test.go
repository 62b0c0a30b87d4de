package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"snnc/backends/driver"
	"snnc/lang"
	"snnc/passes"
)

// expectation is one // ERROR "regexp" comment.
type expectation struct {
	line    int
	re      *regexp.Regexp
	matched bool
}

var errorComment = regexp.MustCompile(`//\s*ERROR\s+(.*)$`)

// expectations reads the ERROR comments of a file. A comment may hold
// several patterns, one per error on its line, each a Go string literal;
// raw strings in backquotes keep regexps readable.
func expectations(t *testing.T, src string) []*expectation {
	var out []*expectation
	for i, line := range strings.Split(src, "\n") {
		m := errorComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("line %d: bad ERROR comment %q: patterns are Go strings", i+1, m[1])
			}
			pat, _ := strconv.Unquote(q)
			out = append(out, &expectation{line: i + 1, re: regexp.MustCompile(pat)})
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return out
}

// requireExpected requires each diagnostic of file to match an ERROR
// comment on its line (want, from expectations), and each comment to be
// matched by one.
func requireExpected(t *testing.T, file string, list lang.ErrorList, want []*expectation) {
	t.Helper()
	for _, d := range list {
		found := false
		for _, w := range want {
			if d.Pos.File == file && w.line == d.Pos.Line && !w.matched && w.re.MatchString(d.Msg) {
				w.matched, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d:%d: unexpected error: %s", d.Pos.File, d.Pos.Line, d.Pos.Col, d.Msg)
		}
	}
	for _, w := range want {
		if !w.matched {
			t.Errorf("%s:%d: missing error matching %q", file, w.line, w.re)
		}
	}
}

// diagnose returns the errors of a model: the checker's, or, for a model
// that checks, those of lowering and the passes (such as an ODE marked
// exact that is not linear).
func diagnose(file string, src []byte) lang.ErrorList {
	_, _, err := driver.CompileSource(file, src, driver.Options{Options: passes.Options{Verify: true}})
	if err == nil {
		return nil
	}
	if list := driver.Diagnostics(err); list != nil {
		return list
	}
	return lang.ErrorList{{Pos: lang.Pos{File: file}, Msg: err.Error()}} // internal, matching no ERROR comment
}

// TestErrors checks every bad model in errors/: each diagnostic must match
// an ERROR comment on its line, and each ERROR comment must be matched.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("errors/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 60 {
		t.Errorf("only %d bad models in errors/; the corpus should keep at least 60", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".snn"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// Expectations can also sit in the files a bad model imports.
			want := map[string][]*expectation{file: expectations(t, string(src))}
			list := diagnose(file, src)
			for _, d := range list {
				if _, ok := want[d.Pos.File]; !ok {
					other, err := os.ReadFile(d.Pos.File)
					if err != nil {
						t.Errorf("unexpected error in %s, which cannot be read: %s", d.Pos.File, d.Error())
						continue
					}
					want[d.Pos.File] = expectations(t, string(other))
				}
				found := false
				for _, w := range want[d.Pos.File] {
					if w.line == d.Pos.Line && !w.matched && w.re.MatchString(d.Msg) {
						w.matched, found = true, true
						break
					}
				}
				if !found {
					t.Errorf("%s:%d:%d: unexpected error: %s", d.Pos.File, d.Pos.Line, d.Pos.Col, d.Msg)
				}
			}
			total := 0
			for name, ws := range want {
				total += len(ws)
				for _, w := range ws {
					if !w.matched {
						t.Errorf("%s:%d: missing error matching %q", name, w.line, w.re)
					}
				}
			}
			if total == 0 {
				t.Errorf("%s: no // ERROR comment in the model or the files it imports", file)
			}
		})
	}
}
