package lang

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// fileParser is built once from the grammar structs.
var fileParser = participle.MustBuild[File](
	participle.Lexer(lexDef{}),
	participle.Union[Decl](&Import{}, &Param{}, &NeuronDecl{}, &SynapseDecl{}, &GlobalDecl{},
		&PopulationDecl{}, &SubgroupDecl{}, &ConnectDecl{}, &InputDecl{}, &CurrentDecl{}, &MonitorDecl{}, &RunDecl{}, &ScheduleDecl{}, &PhaseDecl{}, &TimedArrayDecl{}),
	participle.Union[Member](&Param{}, &State{}, &Let{}, &Trace{}, &ODE{}, &Threshold{}, &Reset{},
		&Refractory{}, &Method{}, &Dendrite{}, &On{}, &Delay{}, &Summed{}),
	participle.Union[Stmt](&If{}, &Assign{}),
	participle.UseLookahead(4),
)

// Grammar returns the grammar in participle's EBNF; spec/grammar.ebnf holds
// the same text.
func Grammar() string { return fileParser.String() }

// ParseFile parses one file. It does not stop at the first syntax error:
// the file is cut into top-level declarations, each parsed on its own, so
// every broken declaration gets its own diagnostic and the intact ones are
// still checked. Declarations that failed to parse are reported in Broken
// so the checker does not complain about uses of their names.
func ParseFile(name string, src []byte, diags *Diagnostics) *File {
	f := &File{Name: name, Source: src}
	toks, badLines := scan(name, src, diags)
	if len(toks) > 0 {
		f.Pos = toks[0].Pos
	}
	chunks := splitDecls(toks)
	results := make([]chunkResult, len(chunks))
	// Declarations parse independently, so large files are parsed on all
	// cores; the results are merged in source order, so the outcome does
	// not depend on scheduling.
	var wg sync.WaitGroup
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), (len(chunks)+63)/64)
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) {
					return
				}
				results[i] = parseChunk(chunks[i], badLines)
			}
		}()
	}
	wg.Wait()
	for _, r := range results {
		f.Decls = append(f.Decls, r.decls...)
		diags.list = append(diags.list, r.diags.list...)
		if r.broken != "" {
			f.Broken = append(f.Broken, r.broken)
		}
	}
	return f
}

// chunkResult is what parsing one top-level declaration produced.
type chunkResult struct {
	decls  []Decl
	diags  Diagnostics
	broken string // the name a declaration that failed to parse would have declared
}

func parseChunk(chunk []lexer.Token, badLines map[int]bool) (r chunkResult) {
	if len(chunk) > maxDeclTokens {
		r.diags.Hintf(posOf(chunk[0].Pos), "read long lists from a .npy or .csv file",
			"declaration has %d tokens, more than the limit of %d", len(chunk), maxDeclTokens)
		r.broken = declaredName(chunk)
		return r
	}
	if pos, deep := tooDeep(chunk); deep {
		r.diags.Hintf(posOf(pos), "split it up with let definitions", "brackets nested more than %d deep", maxNesting)
		r.broken = declaredName(chunk)
		return r
	}
	peek, err := lexer.Upgrade(&tokenList{toks: chunk})
	if err == nil {
		var sub *File
		if sub, err = fileParser.ParseFromLexer(peek); err == nil {
			r.decls = sub.Decls
			return r
		}
	}
	if !afterLexicalError(err, chunk, badLines) {
		reportSyntax(err, chunk, &r.diags)
	}
	r.broken = declaredName(chunk)
	return r
}

// maxDeclTokens bounds one declaration, whose parse tree takes about a
// kilobyte per token.
const maxDeclTokens = 1 << 17

// maxNesting bounds bracket nesting, which the recursive-descent parser
// and the checker follow on the stack.
const maxNesting = 200

func tooDeep(chunk []lexer.Token) (lexer.Position, bool) {
	depth := 0
	for _, t := range chunk {
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			if depth++; depth > maxNesting {
				return t.Pos, true
			}
		case ")", "]", "}":
			depth--
		}
	}
	return lexer.Position{}, false
}

// splitDecls cuts the token stream at the keywords that start a top-level
// declaration at brace depth 0. A declaration keyword in column 1 also cuts,
// whatever the depth, so that a missing '}' costs one diagnostic rather than
// swallowing the rest of the file. Each chunk ends with an EOF token.
func splitDecls(toks []lexer.Token) [][]lexer.Token {
	var chunks [][]lexer.Token
	start, depth := 0, 0
	cut := func(i int) {
		if i > start {
			// The chunk's end carries the token that starts the next
			// declaration, so that an error there can name it.
			end := lexer.EOFToken(toks[i].Pos)
			end.Value = toks[i].Value
			chunk := append(toks[start:i:i], end)
			chunks = append(chunks, chunk)
		}
		start = i
	}
	for i, t := range toks {
		switch {
		case t.Type == tokEOF:
			cut(i)
		case t.Type == tokPunct && (t.Value == "{" || t.Value == "("):
			depth++
		case t.Type == tokPunct && (t.Value == "}" || t.Value == ")"):
			depth = max(depth-1, 0)
		case t.Type == tokKeyword && t.Value == "every" && depth == 0 && scheduleAt(toks, i):
			cut(i)
		case t.Type == tokKeyword && topLevel[t.Value]:
			inBody := t.Value == "param" || t.Value == "runtime"
			afterRuntime := t.Value == "param" && i > 0 && toks[i-1].Value == "runtime"
			if !afterRuntime && (depth == 0 || t.Pos.Column == 1 && !inBody) {
				cut(i)
				depth = 0
			}
		}
	}
	return chunks
}

// scheduleAt reports whether the every at toks[i] starts scheduled code
// (every 1 ms on cells {...}) rather than ending a monitor (monitor state
// x.v every 1 ms): an on follows it at its depth before a brace, another
// every or a declaration's keyword.
func scheduleAt(toks []lexer.Token, i int) bool {
	depth := 0
	for _, t := range toks[i+1:] {
		switch {
		case t.Type == tokEOF:
			return false
		case t.Type == tokPunct && t.Value == "(":
			depth++
		case t.Type == tokPunct && t.Value == ")":
			depth--
		case t.Type == tokPunct && t.Value == "{":
			return false
		case t.Type == tokKeyword && depth == 0 && t.Value == "on":
			return true
		case t.Type == tokKeyword && (t.Value == "every" || topLevel[t.Value]):
			return false
		}
	}
	return false
}

// declaredName returns the name a broken declaration would have declared.
func declaredName(chunk []lexer.Token) string {
	for i, t := range chunk {
		if t.Type == tokIdent {
			if i > 0 && chunk[i-1].Value == "param" || i == 1 {
				return t.Value
			}
			break
		}
	}
	return ""
}

// declaringKeywords are followed by the name they declare.
var declaringKeywords = map[string]bool{
	"param": true, "state": true, "let": true, "trace": true, "neuron": true, "synapse": true,
	"global": true, "dendrite": true, "population": true, "input": true, "current": true,
	"timedarray": true, "subgroup": true,
}

// reportSyntax turns a participle error in chunk into a diagnostic.
func reportSyntax(err error, chunk []lexer.Token, diags *Diagnostics) {
	var unexpected *participle.UnexpectedTokenError
	if errors.As(err, &unexpected) {
		tok := unexpected.Unexpected
		if tok.Type == tokEOF && tok.Value != "" {
			// The declaration ran into the next one.
			diags.Hintf(posOf(tok.Pos), subgroupHint(chunk, unclosedHint(chunk)), "syntax error: unexpected keyword %q", tok.Value)
			return
		}
		hint := ""
		if unexpected.Expect != "" {
			hint = "expected " + unexpected.Expect
		}
		prev := previousToken(chunk, tok)
		switch {
		case tok.Type == tokKeyword && prev != nil && declaringKeywords[prev.Value]:
			hint = fmt.Sprintf("%q is a reserved word; choose another name", tok.Value)
		case tok.Type == tokEOF:
			hint = unclosedHint(chunk)
		case tok.Value == ":" && odeOnLine(chunk, tok):
			hint = "an ODE has no unit; the unit goes on the state: state v: mV"
		default:
			// An unclosed bracket before the error is the likely cause.
			if h := unclosedHint(chunkBefore(chunk, tok, tok.Type == tokKeyword && topLevel[tok.Value])); h != "" {
				hint = h
			}
		}
		if !(tok.Type == tokKeyword && prev != nil && declaringKeywords[prev.Value]) {
			hint = subgroupHint(chunk, hint)
		}
		hint = generateHint(chunk, tok, hint)
		diags.Hintf(posOf(tok.Pos), hint, "syntax error: unexpected %s", describeToken(tok))
		return
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		msg := strings.Replace(perr.Message(), "unexpected token", "unexpected", 1)
		diags.Errorf(posOf(perr.Position()), "syntax error: %s", msg)
		return
	}
	pos := Pos{}
	if len(chunk) > 0 {
		pos = posOf(chunk[0].Pos)
	}
	diags.Errorf(pos, "syntax error: %v", err)
}

// previousToken returns the token before tok in chunk.
func previousToken(chunk []lexer.Token, tok lexer.Token) *lexer.Token {
	for i := 1; i < len(chunk); i++ {
		if chunk[i].Pos.Offset == tok.Pos.Offset {
			return &chunk[i-1]
		}
	}
	return nil
}

// chunkBefore returns the tokens of chunk before tok, without the braces of
// the enclosing bodies unless withBraces.
func chunkBefore(chunk []lexer.Token, tok lexer.Token, withBraces bool) []lexer.Token {
	var out []lexer.Token
	for _, t := range chunk {
		if t.Pos.Offset >= tok.Pos.Offset {
			break
		}
		if !withBraces && t.Type == tokPunct && (t.Value == "{" || t.Value == "}") {
			continue
		}
		out = append(out, t)
	}
	return out
}

// odeOnLine reports whether tok is on a line that holds "dX/dt =".
func odeOnLine(chunk []lexer.Token, tok lexer.Token) bool {
	for i := 1; i+1 < len(chunk); i++ {
		t := chunk[i]
		if t.Pos.Line == tok.Pos.Line && t.Value == "dt" && chunk[i+1].Value == "=" && chunk[i-1].Value == "/" {
			return true
		}
	}
	return false
}

// unclosedHint names the innermost bracket the chunk leaves open.
func unclosedHint(chunk []lexer.Token) string {
	var open []lexer.Token
	for _, t := range chunk {
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			open = append(open, t)
		case ")", "]", "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return ""
	}
	o := open[len(open)-1]
	closer := map[string]string{"(": ")", "[": "]", "{": "}"}[o.Value]
	return fmt.Sprintf("the %q at %d:%d is not closed; is a %q missing?", o.Value, o.Pos.Line, o.Pos.Column, closer)
}

func describeToken(t lexer.Token) string {
	switch t.Type {
	case tokEOF:
		return "end of file"
	case tokKeyword:
		return fmt.Sprintf("keyword %q", t.Value)
	case tokIdent:
		return fmt.Sprintf("name %q", t.Value)
	case tokUnit:
		return fmt.Sprintf("unit %q", t.Value)
	case tokNumber:
		return fmt.Sprintf("number %s", t.Value)
	case tokString:
		return fmt.Sprintf("string %q", t.Value)
	}
	return fmt.Sprintf("%q", t.Value)
}

// afterLexicalError reports whether a syntax error is at, or right after,
// a token on a line with a lexical error; such an error is almost always a
// consequence of the first and is not reported.
func afterLexicalError(err error, chunk []lexer.Token, badLines map[int]bool) bool {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return false
	}
	pos := perr.Position()
	if badLines[pos.Line] {
		return true
	}
	prev := previousToken(chunk, lexer.Token{Pos: pos})
	return prev != nil && badLines[prev.Pos.Line]
}
