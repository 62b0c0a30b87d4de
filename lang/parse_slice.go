package lang

import "github.com/alecthomas/participle/v2/lexer"

// subgroupHint is the hint for a syntax error in a subgroup declaration:
// its form, whatever the unexpected token, since a subgroup without its
// slice, or with an index where the slice goes, otherwise gets a hint
// about brackets. Other declarations keep hint.
func subgroupHint(chunk []lexer.Token, hint string) string {
	if len(chunk) > 0 && chunk[0].Value == "subgroup" {
		return "a subgroup is a range of a population or input: subgroup NAME = POP[LO:HI], where LO or HI may be left out"
	}
	return hint
}
