// Package difftest is snnc's random differential tester (issue 16, part F).
//
// Generate makes a random valid model from a seed: populations of several
// neuron types with their own ODEs (linear and not, every integration
// method), dendrites (single compartments and segment arrays), inputs of
// every kind (poisson at a rate, at rates from a list or a CSV file,
// spikes inline and from a CSV file), every connectivity rule, fixed,
// drawn and computed delays, plasticity with traces, clock-driven
// synapse ODEs, currents, globals with `on spike`, and monitors of every
// kind. Besides, a model may hold "probe" populations: neurons whose ODEs
// are linear with constant coefficients, with no input and no threshold,
// whose recorded state has a known solution. Each probe's system
// (x' = A x + b, in SI units) is written into the model as a comment line
// (`// difftest:probe {...}`), so a saved model carries its own oracle.
//
// Check runs one model through the snnc command: the interpreter, the
// native (LLVM) executable at 1, 2 and 3 threads, and both again with
// --quantize=int16, and requires every output file byte for byte equal
// (summary.json without its wall time, target and model path). It then
// integrates each probe's system independently (fine-step RK4 in this
// package, nothing from passes/) and requires the interpreter's recorded
// probe state to agree with it. Each failure is classified: a known item
// of issue 16 (Known names it) or new.
//
// The tests run a fixed set of seeds and every model kept under
// testdata/regress/; cmd/difftest (make difftest N=... SEED=...) runs
// more and saves each failing model with the command that reproduces it.
package difftest
