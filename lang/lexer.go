package lang

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types of the snnc lexer. The names are what the grammar (and
// spec/grammar.ebnf) calls them.
const (
	tokEOF     = lexer.EOF
	tokIdent   = lexer.TokenType(-2 - iota)
	tokKeyword // reserved words, never an Ident
	tokUnit    // an identifier directly after a number on the same line: 20 ms
	tokNumber
	tokString // the value is already unquoted
	tokPunct
)

var tokenNames = map[string]lexer.TokenType{
	"EOF":     tokEOF,
	"Ident":   tokIdent,
	"Keyword": tokKeyword,
	"Unit":    tokUnit,
	"Number":  tokNumber,
	"String":  tokString,
	"Punct":   tokPunct,
}

// keywords are reserved: they cannot name anything, and an identifier
// after a number is a unit only if it is not one of them (so that
// `-v / 10 unless refractory` reads as intended).
var keywords = map[string]bool{
	"import": true, "neuron": true, "synapse": true, "dendrite": true, "global": true,
	"param": true, "runtime": true, "state": true, "let": true, "trace": true, "decay": true,
	"threshold": true, "reset": true, "refractory": true, "unless": true, "method": true,
	"on": true, "delay": true, "population": true, "connect": true, "using": true, "by": true,
	"input": true, "current": true, "monitor": true, "every": true, "run": true,
	"at": true, "phase": true, "timedarray": true, "subgroup": true,
	"if": true, "else": true, "and": true, "or": true, "not": true, "true": true, "false": true,
}

// topLevel are the keywords that can only start a top-level declaration. A
// syntax error makes the parser skip to the next of them (see parse.go).
var topLevel = map[string]bool{
	"import": true, "neuron": true, "synapse": true, "global": true, "population": true,
	"connect": true, "input": true, "current": true, "monitor": true, "run": true,
	"param": true, "runtime": true, "at": true, "phase": true, "timedarray": true, "subgroup": true,
}

// punctuation, longest first so that "->" wins over "-".
var punctuation = []string{
	"->", "**", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=",
	"(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "=", "+", "-", "*", "/", "%", "<", ">",
}

// misspelt operators from other languages, with what to write instead.
// Each is reported, then read as the intended token (if any), so that
// parsing goes on without a second, confusing error. Longer ones first.
var foreignOps = []struct {
	text, hint, instead string
}{
	{"&&", "write 'and'", "and"},
	{"||", "write 'or'", "or"},
	{"!", "write 'not'", "not"},
	{"&", "write 'and'", "and"},
	{"|", "write 'or'", "or"},
	{"^", "write '**' for powers", "**"},
	{"'", "write a derivative as dv/dt", ""},
}

// lexDef makes the scanner usable by participle.Build, which needs the
// symbol table. Parsing itself goes through scan, which keeps going after a
// lexical error.
type lexDef struct{}

func (lexDef) Symbols() map[string]lexer.TokenType { return tokenNames }

func (lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var diags Diagnostics
	toks, _ := scan(filename, src, &diags)
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return &tokenList{toks: toks}, nil
}

// tokenList replays scanned tokens to participle.
type tokenList struct {
	toks []lexer.Token
	i    int
}

func (l *tokenList) Next() (lexer.Token, error) {
	if l.i >= len(l.toks) {
		return l.toks[len(l.toks)-1], nil // the EOF token, again
	}
	t := l.toks[l.i]
	l.i++
	return t, nil
}

// scanner turns source bytes into tokens. It never stops at an error: a bad
// character is reported and skipped, so one stray byte costs one diagnostic.
type scanner struct {
	file  string
	src   []byte
	off   int // byte offset of the next rune
	line  int
	col   int // rune column of the next rune
	diags *Diagnostics
	toks  []lexer.Token
	// badLines are the lines with a lexical error; a syntax error on one of
	// them is almost always a consequence and is not reported.
	badLines map[int]bool
	// notUTF8 is set once a byte that is not UTF-8 has been reported: a
	// file in another encoding has many, and the first says what to do.
	notUTF8 bool
}

// scan lexes src. Comments and white space are dropped; the last token is
// always EOF.
func scan(file string, src []byte, diags *Diagnostics) ([]lexer.Token, map[int]bool) {
	s := &scanner{file: file, src: src, line: 1, col: 1, diags: diags, badLines: map[int]bool{}}
	s.toks = make([]lexer.Token, 0, len(src)/4)
	s.run()
	return s.toks, s.badLines
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Filename: s.file, Offset: s.off, Line: s.line, Column: s.col}
}

func (s *scanner) peek() rune {
	if s.off >= len(s.src) {
		return -1
	}
	r, _ := utf8.DecodeRune(s.src[s.off:])
	return r
}

func (s *scanner) advance() {
	r, n := utf8.DecodeRune(s.src[s.off:])
	if r == utf8.RuneError && n == 1 {
		// In a comment or a string, where the scanner takes any rune.
		s.invalidByte()
	}
	s.off += n
	if r == '\n' {
		s.line++
		s.col = 1
	} else {
		s.col++
	}
}

// badByte says whether the next byte is not UTF-8 (a U+FFFD written
// in UTF-8 is a rune like any other).
func (s *scanner) badByte() bool {
	r, n := utf8.DecodeRune(s.src[s.off:])
	return r == utf8.RuneError && n == 1
}

// invalidByte reports the next byte, which is not UTF-8, if it is the
// file's first.
func (s *scanner) invalidByte() {
	if !s.notUTF8 {
		s.notUTF8 = true
		s.errorf(s.pos(), "save the file as UTF-8", "invalid UTF-8 byte 0x%02x: a model is UTF-8 text", s.src[s.off])
	}
}

func (s *scanner) errorf(p lexer.Position, hint, format string, args ...any) {
	s.diags.Hintf(posOf(p), hint, format, args...)
	s.badLines[p.Line] = true
}

func (s *scanner) emit(t lexer.TokenType, p lexer.Position, value string) {
	s.toks = append(s.toks, lexer.Token{Type: t, Value: value, Pos: p})
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isDigit(r rune) bool      { return '0' <= r && r <= '9' }

func (s *scanner) run() {
	for {
		r := s.peek()
		p := s.pos()
		switch {
		case r < 0:
			s.emit(tokEOF, p, "")
			return
		case r == utf8.RuneError && s.badByte():
			s.advance() // which reports it
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			s.advance()
		case r == '/' && s.at("//"):
			for r := s.peek(); r >= 0 && r != '\n'; r = s.peek() {
				s.advance()
			}
		case r == '/' && s.at("/*"):
			s.blockComment(p)
		case isIdentStart(r):
			word := s.word()
			if keywords[word] {
				s.emit(tokKeyword, p, word)
			} else {
				s.emit(tokIdent, p, word)
			}
		case isDigit(r) || r == '.' && s.digitAt(s.off+1):
			s.number(p)
		case r == '"':
			s.str(p)
		default:
			s.punct(p, r)
		}
	}
}

func (s *scanner) at(prefix string) bool {
	return len(s.src)-s.off >= len(prefix) && string(s.src[s.off:s.off+len(prefix)]) == prefix
}

func (s *scanner) digitAt(off int) bool { return off < len(s.src) && isDigit(rune(s.src[off])) }

func (s *scanner) word() string {
	start := s.off
	for r := s.peek(); r >= 0 && isIdentPart(r); r = s.peek() {
		s.advance()
	}
	return string(s.src[start:s.off])
}

func (s *scanner) blockComment(p lexer.Position) {
	s.advance()
	s.advance()
	for {
		if s.off >= len(s.src) {
			s.errorf(p, "close it with */", "comment not terminated")
			return
		}
		if s.at("*/") {
			s.advance()
			s.advance()
			return
		}
		s.advance()
	}
}

// number scans 12, 1.5, .5, 2e-3; then, if an identifier follows on the
// same line and is not a keyword, it is the number's unit (20 ms, 20ms).
func (s *scanner) number(p lexer.Position) {
	start := s.off
	for isDigit(s.peek()) {
		s.advance()
	}
	if s.peek() == '.' && !s.identAt(s.off+1) {
		s.advance()
		for isDigit(s.peek()) {
			s.advance()
		}
	}
	if r := s.peek(); (r == 'e' || r == 'E') && s.exponentAt(s.off+1) {
		s.advance()
		if r := s.peek(); r == '+' || r == '-' {
			s.advance()
		}
		for isDigit(s.peek()) {
			s.advance()
		}
	}
	s.emit(tokNumber, p, string(s.src[start:s.off]))

	// A unit must be on the same line: `x = 0.5 <newline> m = 1` is two
	// statements, not half a metre. On one line, `a = 0.02  b = 0.2` is
	// two assignments too: a name followed by an assignment operator is
	// never a unit. Anything else that follows a number is taken as its
	// unit, so that a misspelt one gets "unknown unit" from the checker.
	save := *s
	for r := s.peek(); r == ' ' || r == '\t'; r = s.peek() {
		s.advance()
	}
	if r := s.peek(); r >= 0 && isIdentStart(r) {
		up := s.pos()
		if w := s.word(); !keywords[w] && !s.statementFollows() && !s.rangeFollows(w) {
			s.emit(tokUnit, up, w)
			return
		}
	}
	s.off, s.line, s.col = save.off, save.line, save.col
}

// rangeFollows reports whether the word just scanned starts a runtime
// parameter's range (`= 0 in [0, 1]`) rather than being a unit. in is not
// reserved: it may name things (input in = ...).
func (s *scanner) rangeFollows(w string) bool {
	return w == "in" && bytes.HasPrefix(bytes.TrimLeft(s.src[s.off:], " \t"), []byte("["))
}

// statementFollows reports whether the word just scanned starts a
// statement rather than being a unit: it is followed by =, +=, -=, *=, /=
// (but not ==), by '.' (post.ge += w), or it is a derivative (dv/dt =).
func (s *scanner) statementFollows() bool {
	off := s.off
	for off < len(s.src) && (s.src[off] == ' ' || s.src[off] == '\t') {
		off++
	}
	rest := s.src[off:]
	if len(rest) > 0 && rest[0] == '.' {
		return true
	}
	if d := bytes.TrimLeft(rest, " \t"); len(d) > 0 && d[0] == '/' {
		if after := bytes.TrimLeft(d[1:], " \t"); bytes.HasPrefix(after, []byte("dt")) &&
			!(len(after) > 2 && isIdentPart(rune(after[2]))) {
			return true
		}
	}
	switch {
	case len(rest) >= 2 && rest[0] == '=' && rest[1] == '=':
		return false
	case len(rest) >= 1 && rest[0] == '=':
		return true
	case len(rest) >= 2 && rest[1] == '=' && (rest[0] == '+' || rest[0] == '-' || rest[0] == '*' || rest[0] == '/'):
		return true
	}
	return false
}

// identAt reports whether an identifier starts at off: "5.ms" is not a
// number with a fraction.
func (s *scanner) identAt(off int) bool {
	if off >= len(s.src) {
		return false
	}
	r, _ := utf8.DecodeRune(s.src[off:])
	return isIdentStart(r)
}

func (s *scanner) exponentAt(off int) bool {
	if off < len(s.src) && (s.src[off] == '+' || s.src[off] == '-') {
		off++
	}
	return s.digitAt(off)
}

func (s *scanner) str(p lexer.Position) {
	s.advance()
	var b strings.Builder
	for {
		r := s.peek()
		switch r {
		case -1, '\n':
			// No token: a half string must not be used as a file name.
			s.errorf(p, "close it with \" on the same line", "string not terminated")
			return
		case '"':
			s.advance()
			s.emit(tokString, p, b.String())
			return
		case '\\':
			ep := s.pos()
			s.advance()
			switch e := s.peek(); e {
			case '"', '\\':
				b.WriteRune(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				s.errorf(ep, `the escapes are \" \\ \n \t`, "unknown escape sequence in string")
				if e < 0 {
					continue
				}
			}
			s.advance()
		default:
			b.WriteRune(r)
			s.advance()
		}
	}
}

func (s *scanner) punct(p lexer.Position, r rune) {
	// "&&" before everything; "!=" before "!".
	if s.foreign(p, 2) {
		return
	}
	for _, op := range punctuation {
		if s.at(op) {
			for range op {
				s.advance()
			}
			s.emit(tokPunct, p, op)
			return
		}
	}
	if s.foreign(p, 1) {
		return
	}
	s.advance()
	s.errorf(p, "remove it", "unexpected character %s", quoteRune(r))
}

// foreign reports, skips and replaces a misspelt operator of length n.
func (s *scanner) foreign(p lexer.Position, n int) bool {
	for _, f := range foreignOps {
		if len(f.text) != n || !s.at(f.text) {
			continue
		}
		s.errorf(p, f.hint, "unexpected %q", f.text)
		for range f.text {
			s.advance()
		}
		switch {
		case f.instead == "**":
			s.emit(tokPunct, p, f.instead)
		case f.instead != "":
			s.emit(tokKeyword, p, f.instead)
		}
		return true
	}
	return false
}

func quoteRune(r rune) string {
	if unicode.IsPrint(r) {
		return fmt.Sprintf("%q", string(r))
	}
	return fmt.Sprintf("%U", r)
}

// posOf converts participle's position to snnc's at the lang boundary.
func posOf(p lexer.Position) Pos {
	return Pos{File: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}
