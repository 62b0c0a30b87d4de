package tests

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"snnc/lang"
)

// TestSpecExamples keeps the models in spec/language.md true: each ```snn
// block must check cleanly, unless the text after it says what it gives
// ("gives, as `model.snn`:"), in which case the printed diagnostics must
// equal the block that follows.
var errorCount = regexp.MustCompile(`(?m)^\d+ errors\n`)

func TestSpecExamples(t *testing.T) {
	spec, err := os.ReadFile("../spec/language.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(spec)
	block := regexp.MustCompile("(?s)```snn\n(.*?)```")
	gives := regexp.MustCompile("(?s)^\\s*gives, as `model\\.snn`:\\s*```\n(.*?)```")
	matches := block.FindAllStringSubmatchIndex(text, -1)
	if len(matches) < 10 {
		t.Fatalf("found %d snn blocks in spec/language.md", len(matches))
	}
	for _, m := range matches {
		src := text[m[2]:m[3]]
		line := strings.Count(text[:m[0]], "\n") + 1
		prog, err := (&lang.Loader{}).Load("model.snn", []byte(src))
		if g := gives.FindStringSubmatch(text[m[1]:]); g != nil {
			var out strings.Builder
			list, _ := err.(lang.ErrorList)
			lang.Print(&out, list, prog.Sources())
			// The error count is printed by snnc check, not by lang.Print.
			want := errorCount.ReplaceAllString(g[1], "")
			if out.String() != want {
				t.Errorf("spec/language.md:%d: the example gives\n%s\nbut the spec says\n%s", line, out.String(), want)
			}
			continue
		}
		if err != nil {
			t.Errorf("spec/language.md:%d: example does not check: %v", line, err)
		}
	}
}
