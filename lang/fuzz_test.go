package lang

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck runs the whole front end on arbitrary input: it must never
// panic or hang, and every diagnostic must point into a file it read.
// The seeds are the examples and the bad-model corpus; crashers found by
// go test -fuzz are kept in testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	for _, pattern := range []string{"../examples/*.snn", "../tests/errors/*.snn", "std/*.snn"} {
		files, err := filepath.Glob(pattern)
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
	}
	noDisk := &Loader{ReadFile: func(string) ([]byte, error) { return nil, errors.New("no files while fuzzing") }}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, err := noDisk.Load("fuzz.snn", src)
		if err == nil {
			return
		}
		list, ok := err.(ErrorList)
		if !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		sources := prog.Sources()
		for i, d := range list {
			if d.Msg == "" {
				t.Errorf("empty diagnostic at %s", d.Pos)
			}
			if _, ok := sources[d.Pos.File]; !ok && d.Pos.File != "fuzz.snn" {
				t.Errorf("diagnostic in a file that was not read: %s", d.Error())
			}
			if i > 0 && d.Pos.before(list[i-1].Pos) {
				t.Errorf("diagnostics not sorted: %s after %s", d.Error(), list[i-1].Error())
			}
		}
	})
}
