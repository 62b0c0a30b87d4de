package driver

import (
	"snnc/backends/fpga"
	"snnc/backends/llvm"
	"snnc/lang"
)

// FPGAWidth is the width of --target=fpga's fixed point when --quantize
// says none: the core computes fixed point, and 16 bits fit its words.
const FPGAWidth = 16

// LLVMOptions are what the native backend needs from the checked program:
// the dimensions of the runtime parameters and the units, for the
// executable's --set.
func LLVMOptions(prog *lang.Program) llvm.Options {
	o := llvm.Options{Dims: map[string][6]int8{}}
	for name, d := range prog.RuntimeParams() {
		// The runtime's --set reads whole exponents: the checker
		// refuses a runtime parameter with a half one (lang/noise.go).
		e, _ := d.Exponents()
		o.Dims[name] = e
	}
	for _, u := range lang.Units() {
		e, _ := u.Dim.Exponents() // units have whole exponents
		o.Units = append(o.Units, llvm.Unit{Name: u.Name, Scale: u.Scale, Dim: e})
	}
	return o
}

// FPGAOptions are the FPGA backend's options for a build of the whole run:
// data files are named relative to the current directory by lowering, and
// the run's steps are the model's.
func FPGAOptions() fpga.Options {
	return fpga.Options{}
}
