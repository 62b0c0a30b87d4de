package tests

import (
	"flag"
	"os"
	"testing"

	"snnc/lang"
)

var update = flag.Bool("update", false, "rewrite golden files (spec/grammar.ebnf) instead of comparing")

// TestGrammarFile keeps spec/grammar.ebnf equal to the grammar participle
// builds from lang/grammar.go.
func TestGrammarFile(t *testing.T) {
	const path = "../spec/grammar.ebnf"
	want := lang.Grammar() + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tests -update to create it)", err)
	}
	if string(got) != want {
		t.Errorf("spec/grammar.ebnf differs from the grammar in lang/grammar.go; run go test ./tests -update and review the diff")
	}
}
