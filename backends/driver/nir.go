package driver

import (
	"snnc/backends/interp"
	"snnc/lang"
	"snnc/lang/nir"
	"snnc/passes"
)

// ExportNIR maps a checked program to a NIR graph (spec/nir.md, Export):
// snnc export, and the tests that check what it writes. The values NIR
// holds are those of the network as the interpreter builds it before step
// 0: parameters per neuron, weights per synapse after the rule and any
// load. Only the passes a build needs run: fuse and prune would merge
// populations and drop synapses that the graph keeps apart. A construct NIR
// cannot hold is a diagnostic (Stage Passes, Err a lang.ErrorList).
func ExportNIR(prog *lang.Program) (*nir.Graph, error) {
	m, err := Compile(prog, Options{Options: passes.Options{Only: []string{"ode"}}})
	if err != nil {
		return nil, err
	}
	built, err := interp.Initial(m, interp.Options{})
	if err != nil {
		return nil, &Error{Internal, err}
	}
	g, err := nir.Export(prog, &nir.Built{Vars: built.Vars, Synapses: func(proj string) ([]int32, []int32) {
		csr := built.CSR[proj]
		if csr == nil {
			return nil, nil
		}
		return csr.Pre(), csr.Post
	}})
	if err != nil {
		return nil, &Error{Passes, err}
	}
	return g, nil
}
