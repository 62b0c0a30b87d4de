package lang

import "github.com/alecthomas/participle/v2/lexer"

// generateHint is the hint for a syntax error at 'for' in a connect: a
// generator written as another rule's argument (Brian2's j='... for k in
// ...' carried over), which is a rule of its own.
func generateHint(chunk []lexer.Token, tok lexer.Token, hint string) string {
	if len(chunk) > 0 && chunk[0].Value == "connect" && tok.Value == "for" {
		return "a generator is a rule of its own: by generate(j = EXPR for k in range(LO, HI))"
	}
	return hint
}
