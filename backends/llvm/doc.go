// Package llvm is snnc's native backend. Emit translates a module (after
// the pass pipeline) into a Program: the kernels as LLVM IR, built with
// github.com/llir/llvm (one function per kernel, a loop over its
// elements; see emit.go), and the model's tables as C (tables.go): the
// struct snn_model of runtime/c/snnrt.h. Build compiles the kernels with
// opt and llc, and links them with model.c and the native runtime
// (runtime/c, compiled once into a cached archive) into an executable.
//
// The executable gives the interpreter's results bit for bit: each IR
// instruction becomes one LLVM instruction in the same order, nothing is
// fused or reassociated, and the math functions and the random number
// generator are the runtime's ports of runtime/mathfn and runtime/rng.
// spec/native.md describes the design, the kernel ABI and the build.
//
// layout.go numbers the variables and says how each kernel reaches a
// name, as the interpreter's environments do.
package llvm
