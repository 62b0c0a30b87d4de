// Package interp is snnc's reference backend: it runs a module (after the
// pass pipeline) in-process, with the order of events of
// spec/language.md section 6, and returns what the monitors recorded.
// Every other backend is checked against it, byte for byte.
//
// Run builds the network (variables as arrays, connectivity, queues,
// inputs, monitors; spec/runtime.md), then steps. Kernels are compiled
// once, before the first step, into two forms (compile.go, vector.go):
//
//   - a scalar program, one Go closure per instruction, run for one
//     element at a time: every kernel has one, and it is what runs kernels
//     with control flow and the event kernels (on_pre, on_post, on_spike,
//     reset, refractory);
//   - a vector program, for straight-line kernels that write only their
//     own element: each instruction is a loop over a batch of 256
//     elements, and values that are the same for every element are
//     computed once per batch. Updates, thresholds, init and prepare run
//     this way.
//
// Both forms compute each instruction with the same Go expression, and a
// test runs every example both ways and compares the bits.
//
// Main types: Options (duration, seed, --set values, progress), Result
// (the recorders and the summary); inside, sim holds the network and
// kernel a compiled kernel bound to its elements (site).
//
// # Where things are
//
//	sim.go       Options, Result, Run: the run from start to end
//	storage.go   the variables' arrays and initialisation (Initial, which
//	             the FPGA backend also uses for the core's initial state)
//	network.go   inputs, projections (synapses, delays, queues), currents
//	pathway.go   a projection's named pathways (on pre NAME): their queues
//	             and their delivery after on_pre
//	stream.go    draws from named random streams, keyed by (pre, post)
//	step.go      one time step, in the order of spec/language.md section 6
//	monitors.go  what each monitor records, and how it reads a value
//	kernel.go    a compiled kernel bound to its elements
//	compile.go   the scalar program: one closure per instruction (a new
//	             op is a case here)
//	vector.go    the vector program: one loop per instruction (and here)
//	fixed.go     fixed-point values and the ops on them (ir.FixedOps)
//	memory.go    the memory a run needs, checked before it allocates
//	final.go     the final state (state/), for people
//	checkpoint.go the checkpoint (state/raw/) and a resumed run's restore
//
// Every instruction's variable comes from its ir.Ref (the variable and
// which element's value it reaches), every node from the graph's
// pointers: the interpreter resolves no name itself. spec/ir.md's "Adding a
// construct, file by file" says where else a new construct goes.
package interp
