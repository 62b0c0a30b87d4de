package tests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/backends/driver"
	"snnc/backends/interp"
	"snnc/lang"
	"snnc/passes"
)

// FuzzRun runs the whole pipeline on arbitrary models that check: lowering,
// every pass with the verifier, and a short run on the interpreter. None of
// it may panic; a model the runtime refuses (a bad data file, too much
// memory) is an error, not a crash. The seeds are the examples; the model
// is named as if it sat in examples/, so their data files are found.
//
//	go test ./tests -run '^$' -fuzz FuzzRun -fuzztime 5m
func FuzzRun(f *testing.F) {
	files, err := filepath.Glob("../examples/*.snn")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	loader := &lang.Loader{ReadFile: func(string) ([]byte, error) { return nil, errors.New("no imports while fuzzing") }}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, err := loader.Load("../examples/fuzz.snn", src)
		if err != nil {
			return
		}
		m, err := driver.Compile(prog, driver.Options{Options: passes.Options{Verify: true}})
		if err != nil {
			if driver.StageOf(err) == driver.Internal {
				t.Fatalf("passes: %v", err)
			}
			return
		}
		// A few steps, within a small memory budget, so that a fuzzed
		// size cannot make the fuzzer itself run out of memory or time.
		_, err = interp.Run(m, interp.Options{Duration: 20 * m.Run.Dt, MemoryLimit: 64 << 20})
		if err != nil && strings.Contains(err.Error(), "internal") {
			t.Fatal(err)
		}
	})
}
