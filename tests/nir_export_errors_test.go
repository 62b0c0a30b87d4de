package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/backends/driver"
)

// TestNIRExportErrors checks the models in errors/nir_export/, each of
// which checks and compiles but holds a construct NIR cannot: snnc export
// must refuse it with a diagnostic on the line of its // ERROR comment, and
// give no other. (They live apart from errors/*.snn, whose models must fail
// to compile.)
func TestNIRExportErrors(t *testing.T) {
	files, err := filepath.Glob("errors/nir_export/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d models in errors/nir_export/", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".snn"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := expectations(t, string(src))
			if len(want) == 0 {
				t.Fatalf("%s: no // ERROR comment", file)
			}
			if list := diagnose(file, src); len(list) > 0 {
				t.Fatalf("%s must compile; it exists to test export: %v", file, list)
			}
			prog, err := driver.LoadSource(file, src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = driver.ExportNIR(prog)
			if err == nil {
				t.Fatalf("%s: export did not refuse it", file)
			}
			list := driver.Diagnostics(err)
			if list == nil {
				t.Fatalf("%s: a refusal without position: %v", file, err)
			}
			requireExpected(t, file, list, want)
		})
	}
}
