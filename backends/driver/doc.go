// Package driver is snnc's compile pipeline, the one path from a model's
// source to what a backend takes. cmd/snnc and the tests both call it, so
// the tests check the pipeline users run.
//
// It sits below the command and above the backends in the import graph
// (cmd → driver → backends/* → passes → ir; lang → ir): it knows every
// stage and every backend's options, and none of them knows it.
//
// # Stages
//
//  1. Load (Load, LoadSource): read, parse and check a model and the files
//     it imports (lang). A model's errors come back as a lang.ErrorList.
//  2. Options that need the model: --prune-weight replaces the run
//     block's bound (its unit must be the weights'), and each --range
//     NAME=LO:HI must name a runtime parameter and carry its dimension.
//     These are errors of the command line (Stage Options).
//  3. Lower (lang.Lower): the checked program becomes a module, the
//     dataflow graph with its kernels in SSA form.
//  4. Calibrate, only with Options.Quantize or a variable's quantize
//     annotation: the model is lowered again in floating point (its
//     annotations dropped), compiled with the same passes except prune,
//     and run for at most CalibrationSeconds on the interpreter; the
//     values each variable takes become the module's Run.Ranges, from which
//     the quantize pass chooses fixed-point formats (spec/passes.md).
//     Prune stays off there because prune keeps every neuron of a
//     quantized model: had the calibration cut some, their values would be
//     missing from the ranges.
//  5. Passes (passes.Run) in their table's order, as Options.Options
//     selects them (--passes, --disable-pass; -d check/on verifies after
//     each, -d time reports each one's time).
//  6. Backend options: LLVMOptions (the runtime parameters' dimensions and
//     the units an executable's --set accepts), RunFlags.InterpOptions
//     (--duration, --seed, --set checked against the program) and
//     KeepSet (a --set of what prune removed is dropped), FPGAOptions and
//     FPGAWidth (the core computes fixed point: 16 bits unless --quantize
//     says otherwise).
//
// # Errors
//
// Every failure is an *Error naming its Stage. The diagnostics a pass
// reports (an ODE marked exact that is not linear, say) are converted
// here, once, into lang's diagnostics, so that they print with the
// checker's source excerpts; Diagnostics returns them from any error of
// the pipeline. A pass's other errors are compiler bugs (Stage Internal).
//
// # Who compiles through it
//
// The command, and every test of the tests/ package, of cmd/snnc and of
// runtime/native_test.go. The interpreter's and the LLVM backend's own
// unit tests sit below the driver and cannot import it (the driver
// imports them); they call lang.Lower and passes.Run, the two stages the
// driver runs for a model without --quantize or --prune-weight.
package driver
