package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/lang"
)

// The editor support in spec/editors: a TextMate grammar (VS Code,
// GitHub's highlighter and most editors read the format), a language
// configuration and the package.json that makes the folder a VS Code
// extension. TextMate grammars use Oniguruma regexes; this grammar keeps
// every one of them inside RE2 (no look-around, no backreferences), so
// that all of them are compiled here with Go's regexp, not a subset.

const editorsDir = "../spec/editors"

// tmPattern is a grammar rule, with the fields the tests read.
type tmPattern struct {
	Name          string               `json:"name"`
	Match         string               `json:"match"`
	Begin         string               `json:"begin"`
	End           string               `json:"end"`
	Include       string               `json:"include"`
	Captures      map[string]tmCapture `json:"captures"`
	BeginCaptures map[string]tmCapture `json:"beginCaptures"`
	EndCaptures   map[string]tmCapture `json:"endCaptures"`
	Patterns      []tmPattern          `json:"patterns"`
}

type tmCapture struct {
	Name string `json:"name"`
}

type tmGrammar struct {
	ScopeName  string               `json:"scopeName"`
	FileTypes  []string             `json:"fileTypes"`
	Patterns   []tmPattern          `json:"patterns"`
	Repository map[string]tmPattern `json:"repository"`
}

func loadGrammar(t *testing.T) *tmGrammar {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(editorsDir, "snn.tmLanguage.json"))
	require.NoError(t, err)
	var g tmGrammar
	dec := json.NewDecoder(strings.NewReader(string(data)))
	require.NoError(t, dec.Decode(&g), "snn.tmLanguage.json is not valid JSON")
	return &g
}

// walk calls f on every rule of the grammar, with the repository entry
// it is under ("" at top level).
func (g *tmGrammar) walk(f func(under string, p *tmPattern)) {
	var rec func(under string, ps []tmPattern)
	rec = func(under string, ps []tmPattern) {
		for i := range ps {
			f(under, &ps[i])
			rec(under, ps[i].Patterns)
		}
	}
	rec("", g.Patterns)
	for _, name := range sortedNames(g.Repository) {
		p := g.Repository[name]
		f(name, &p)
		rec(name, p.Patterns)
	}
}

func sortedNames[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEditorGrammarValid checks the grammar's structure: each include
// names a rule that exists, each rule matches something, each regex
// compiles, and each capture refers to a group of its regex.
func TestEditorGrammarValid(t *testing.T) {
	g := loadGrammar(t)
	require.Equal(t, "source.snn", g.ScopeName)
	require.Equal(t, []string{"snn"}, g.FileTypes)
	require.NotEmpty(t, g.Patterns)
	compiled := 0
	g.walk(func(under string, p *tmPattern) {
		if p.Include != "" {
			name, ok := strings.CutPrefix(p.Include, "#")
			require.True(t, ok, "include %q in %s: only #rule includes are used", p.Include, under)
			require.Contains(t, g.Repository, name, "include %q in %s", p.Include, under)
			return
		}
		if p.Match == "" && p.Begin == "" {
			require.NotEmpty(t, p.Patterns, "a rule in %s with neither match, begin nor patterns", under)
			return
		}
		require.False(t, p.Begin != "" && p.End == "", "begin without end in %s", under)
		for _, c := range []struct {
			re   string
			caps map[string]tmCapture
		}{{p.Match, p.Captures}, {p.Begin, p.BeginCaptures}, {p.End, p.EndCaptures}} {
			if c.re == "" {
				continue
			}
			re, err := regexp.Compile(c.re)
			require.NoError(t, err, "regex %q in %s is not RE2", c.re, under)
			compiled++
			for k := range c.caps {
				n, err := strconv.Atoi(k)
				require.NoError(t, err, "capture %q in %s", k, under)
				require.LessOrEqual(t, n, re.NumSubexp(), "capture %d of %q in %s", n, c.re, under)
			}
		}
	})
	require.Greater(t, compiled, 20)
}

// TestEditorGrammarKeywords keeps the grammar in step with the language:
// every reserved word of the lexer, every word the grammar (participle's
// EBNF) spells out, and every built-in function is highlighted by a rule
// of its own, not by the catch-all rule for names.
func TestEditorGrammarKeywords(t *testing.T) {
	g := loadGrammar(t)
	var rules []*regexp.Regexp
	g.walk(func(under string, p *tmPattern) {
		if p.Match != "" && p.Name != "" && under != "names" {
			rules = append(rules, regexp.MustCompile(`^(?:`+p.Match+`)$`))
		}
	})
	words := map[string]bool{}
	for _, k := range lang.Keywords() {
		words[k] = true
	}
	for _, m := range regexp.MustCompile(`"([A-Za-z_]+)"`).FindAllStringSubmatch(lang.Grammar(), -1) {
		words[m[1]] = true
	}
	for name := range lang.Funcs {
		words[name] = true
	}
	require.Contains(t, words, "neuron")
	require.Contains(t, words, "quantize", "the grammar's contextual words are read too")
	for _, w := range sortedNames(words) {
		found := false
		for _, re := range rules {
			found = found || re.MatchString(w)
		}
		require.True(t, found, "%q, a word of the language, has no rule in spec/editors/snn.tmLanguage.json", w)
	}
}

// TestEditorGrammarUnits checks that a number followed by any unit snnc
// knows (lang.Units: every base unit with every prefix) is highlighted as
// a number and a unit, and that some lines of a model take the scopes
// they should.
func TestEditorGrammarUnits(t *testing.T) {
	g := loadGrammar(t)
	numbers := g.Repository["numbers"].Patterns
	require.NotEmpty(t, numbers)
	withUnit := regexp.MustCompile(numbers[0].Match)
	require.Equal(t, "entity.name.unit.snn", numbers[0].Captures["2"].Name)
	for _, u := range lang.Units() {
		for _, text := range []string{"20 " + u.Name, "1.5e-3" + u.Name + " "} {
			m := withUnit.FindStringSubmatch(text)
			require.NotNil(t, m, "%q: the unit %s is not highlighted", text, u.Name)
			require.Equal(t, u.Name, m[2], "%q", text)
		}
	}
	// A name after a number that is no unit stays a name: 10 unless.
	m := withUnit.FindStringSubmatch("-v / 10 unless refractory")
	require.Nil(t, m)

	// The declared unit of a value; a comment after it is not part of it.
	ann := regexp.MustCompile(g.Repository["unit-annotation"].Patterns[0].Match)
	m = ann.FindStringSubmatch("    runtime param i_ext: nA = 0 nA in [-2 nA, 2 nA]")
	require.NotNil(t, m)
	require.Equal(t, "i_ext", m[3])
	require.Equal(t, "nA", strings.TrimSpace(m[5]))
	m = ann.FindStringSubmatch("    state w: mV/ms // per millisecond")
	require.Equal(t, "mV/ms", strings.TrimSpace(m[5]))

	deriv := regexp.MustCompile(g.Repository["derivative"].Patterns[0].Match)
	m = deriv.FindStringSubmatch("    dge/dt = -ge / tau_e")
	require.Equal(t, "ge", m[2])
}

// TestEditorExtension checks that spec/editors loads as a VS Code
// extension folder: package.json names the grammar and the language
// configuration, which exist and are valid JSON.
func TestEditorExtension(t *testing.T) {
	var pkg struct {
		Name        string
		Engines     map[string]string
		Contributes struct {
			Languages []struct {
				ID            string
				Extensions    []string
				Configuration string
			}
			Grammars []struct {
				Language, ScopeName, Path string
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(editorsDir, "package.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &pkg))
	require.Contains(t, pkg.Engines, "vscode")
	require.Len(t, pkg.Contributes.Languages, 1)
	lang := pkg.Contributes.Languages[0]
	require.Equal(t, []string{".snn"}, lang.Extensions)
	var conf struct {
		Comments struct {
			LineComment  string
			BlockComment []string
		}
		WordPattern string
	}
	data, err = os.ReadFile(filepath.Join(editorsDir, lang.Configuration))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &conf))
	require.Equal(t, "//", conf.Comments.LineComment)
	require.Equal(t, []string{"/*", "*/"}, conf.Comments.BlockComment)
	_, err = regexp.Compile(conf.WordPattern)
	require.NoError(t, err)
	require.Len(t, pkg.Contributes.Grammars, 1)
	gr := pkg.Contributes.Grammars[0]
	require.Equal(t, lang.ID, gr.Language)
	require.Equal(t, "source.snn", gr.ScopeName)
	_, err = os.Stat(filepath.Join(editorsDir, gr.Path))
	require.NoError(t, err)
}
