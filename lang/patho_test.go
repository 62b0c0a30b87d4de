package lang

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputs feeds inputs built to defeat a recursive-descent
// parser: deep nesting, long chains, runs of prefix operators. Each must be
// rejected or accepted quickly, without exhausting the stack.
func TestPathologicalInputs(t *testing.T) {
	inputs := map[string]string{
		"parens":      "param x = " + strings.Repeat("(", 30) + "1",
		"parensclose": "param x = " + strings.Repeat("(", 30) + "1" + strings.Repeat(")", 30),
		"brackets":    "param x = " + strings.Repeat("[", 30) + "1",
		"calls":       "param x = " + strings.Repeat("f(", 30) + "1",
		"unitparen":   "param x: " + strings.Repeat("(", 30) + "mV",
		"braces":      strings.Repeat("neuron A { dendrite d { ", 30),
		"ifs":         "neuron A { reset { " + strings.Repeat("if a { ", 30),
		"elseif":      "neuron A { reset { if a { } " + strings.Repeat("else if a { } ", 300),
		"longexpr":    "param x = " + strings.Repeat("a + ", 3000) + ")",
		"neg":         "param x = " + strings.Repeat("-", 3000) + "1",
		"not":         "param x = " + strings.Repeat("not ", 3000) + "1",
		"pow":         "param x = " + strings.Repeat("2 ** ", 3000) + "1",
		"dots":        "param x = a" + strings.Repeat(".a", 3000),
		"tuples":      "param x = " + strings.Repeat("(1, ", 30) + "1",
		"connect":     strings.Repeat("connect a: ", 30),
		"many":        strings.Repeat("param x = 1\n", 3000),
		"deepparens":  "param x = " + strings.Repeat("(", 100000) + "1",
		"longchain":   "param x = " + strings.Repeat("a + ", 100000) + "1",
		"manyneg":     "param x = " + strings.Repeat("-", 100000) + "1",
	}
	for name, src := range inputs {
		start := time.Now()
		(&Loader{}).Load("p.snn", []byte(src))
		// A generous bound: it catches exponential backtracking, not noise.
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}
