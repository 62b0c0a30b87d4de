package tests

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// layerOf places each package of the module on a floor of the house
// (spec/ir.md, "The layers"). An import may only run to a lower floor,
// or to the shared runtime packages, which everything may use and which
// use nothing above them. The arrows are:
//
//	cmd → backends/driver → backends/fpga → backends/interp, backends/llvm → passes → ir
//	lang → ir;  lang/nir → lang, lang/nir/h5 (NIR files to and from source);
//	lang/lsp → lang (the language server); version, spec (the embedded
//	documentation) import nothing
//	runtime/... shared (npy, rng, mathfn, fixed; runtime itself for the
//	output files and the connectivity the backends share)
//
// The FPGA backend sits above the interpreter: it builds the network's
// initial state with it, so that the core's configuration is the
// reference's bytes.
func layerOf(pkg string) (floor int, ok bool) {
	switch {
	case pkg == "snnc/ir", pkg == "snnc/lang/nir/h5", pkg == "snnc/version", pkg == "snnc/spec":
		return 1, true
	case pkg == "snnc/lang", pkg == "snnc/passes":
		return 2, true
	case pkg == "snnc/backends/interp", pkg == "snnc/backends/llvm", pkg == "snnc/lang/nir", pkg == "snnc/lang/lsp":
		return 3, true
	case pkg == "snnc/backends/fpga":
		return 4, true
	case pkg == "snnc/backends/driver":
		return 5, true
	case strings.HasPrefix(pkg, "snnc/cmd/"):
		return 6, true
	case strings.HasPrefix(pkg, "snnc/tests/difftest/cmd/"):
		return 8, true // the difftest command, on its library
	case strings.HasPrefix(pkg, "snnc/tests"):
		return 7, true
	}
	return 0, false
}

// shared reports whether pkg is one of the runtime packages every floor
// may use.
func shared(pkg string) bool { return pkg == "snnc/runtime" || strings.HasPrefix(pkg, "snnc/runtime/") }

// TestLayers checks that every import of the module runs downward: ir
// imports nothing of the project, lang and passes only ir, the backends
// nothing above them, the runtime packages only each other, and nothing
// imports cmd or the tests. It reads the import graph with go list, the
// same command a reader runs to see it:
//
//	go list -f '{{.ImportPath}}: {{join .Imports " "}}' ./...
func TestLayers(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}}:{{range .Imports}} {{.}}{{end}}", "snnc/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var bad []string
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		if strings.Contains(pkg, "/testdata") {
			continue
		}
		seen++
		from, known := layerOf(pkg)
		if !known && !shared(pkg) {
			bad = append(bad, pkg+" is on no floor: place it in layerOf (tests/layers_test.go) and spec/ir.md")
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if !strings.HasPrefix(imp, "snnc/") && imp != "snnc" {
				continue
			}
			switch {
			case shared(pkg) && !shared(imp):
				bad = append(bad, pkg+" → "+imp+": the runtime packages use only each other")
			case shared(imp):
				// Every floor may use the shared runtime, except ir,
				// which imports nothing of the project.
				if pkg == "snnc/ir" {
					bad = append(bad, pkg+" → "+imp+": ir imports nothing of the project")
				}
			default:
				to, ok := layerOf(imp)
				if !ok {
					continue // reported on its own line
				}
				if to >= from {
					bad = append(bad, pkg+" → "+imp+": an arrow that does not run downward")
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list gave %d packages; expected the whole module", seen)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
}
