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
// generator are the runtime's ports of runtime/mathfn and runtime/rng,
// except exp, tanh, log, log10, min, max, sign, pow, rem, sin and cos,
// which are mathfn's functions emitted as branch-free LLVM IR (mathexp.go,
// mathexpm1.go, mathlog.go, mathminmax.go, mathpow.go, mathrem.go,
// mathtrig.go) so that the loop vectoriser can vectorise the loops that
// call them; fixed-point arithmetic and the dither's random bits are
// emitted the same way (fixed.go, philox.go).
// spec/native.md describes the design, the kernel ABI and the build.
//
// # Where things are
//
//	backend.go  Emit (module to Program), Build (opt, llc, cc), the tools'
//	            flags and the runtime's embedded source
//	emit.go     the kernels as LLVM IR: one function per kernel, a loop
//	            over its elements, one LLVM instruction per IR instruction
//	            (a new op is a case here; a math function a call of the
//	            runtime's port, declared in newEmitter)
//	mathexp.go  exp as an inlined, vectorisable LLVM function
//	mathexpm1.go
//	            expm1 and tanh, the same way
//	mathminmax.go
//	            min, max and sign, the same way
//	mathlog.go  log and log10, the same way
//	mathpow.go  pow, the same way, with exp's polynomial and scaling
//	mathrem.go  rem (Go's math.Mod): the exact remainder in a fixed
//	            number of exact reduction steps, without a loop
//	mathtrig.go sin and cos, the same way, both argument reductions in
//	            every lane
//	fixed.go    runtime/fixed's operations as integer IR specialised to
//	            the formats, for quantized models
//	philox.go   the dither's random bits (runtime/rng's Philox block) as
//	            integer IR
//	layout.go   numbers the variables (their id in the runtime's
//	            variable table) and records how a kernel reaches each one
//	tables.go   the model's tables as C (struct snn_model): populations,
//	            inputs, projections, currents, monitors, units for --set
//	cache.go    the build cache (sealed entries, per user)
//	pathway.go  a projection's named pathways as C (struct snn_pathway)
//	stream.go   draws from named random streams, keyed by (pre, post)
//	checkpoint.go the fingerprint and IR text a checkpoint holds, as C
//	mpi_check.go CheckMPI: what an --mpi build refuses (what a rank that
//	            holds only its own neurons' synapses cannot compute), with
//	            synapseReach (tables.go), the classification that also
//	            decides parallelOnPre
//
// A new kind of node or event needs a table here and code in the C
// runtime (runtime/c: build.c and synapses.c build the network, step.c
// runs a step, monitor.c records; net.h draws the layers of the C
// files). spec/ir.md's "Adding a construct, file by file" walks the
// whole path.
package llvm
