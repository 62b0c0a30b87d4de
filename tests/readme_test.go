package tests

import (
	"os"
	"regexp"
	"testing"

	"snnc/lang"
)

// TestReadmeModel keeps the model shown in README.md valid.
func TestReadmeModel(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```snn\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```snn block")
	}
	for _, b := range blocks {
		if _, err := (&lang.Loader{}).Load("README.md", b[1]); err != nil {
			t.Errorf("README model: %v", err)
		}
	}
}
