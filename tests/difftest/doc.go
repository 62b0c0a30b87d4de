// Package difftest is snnc's random differential tester (issue 16, part F).
//
// Generate makes a random valid model from a seed: populations of several
// neuron types with their own ODEs (linear and not, every integration
// method), dendrites (single compartments and segment arrays), inputs of
// every kind (poisson at a rate, at rates from a list or a CSV or .npy
// file, spikes inline and from a file), every connectivity rule (pairs
// inline and from files), fixed, drawn and computed delays, plasticity
// with traces, clock-driven synapse ODEs, random draws in events,
// currents, globals with `on spike` and reductions over populations, the
// common functions (exprel, heaviside, clip, sign, int, rand(), randn()),
// prune_weight, and monitors of every kind. Besides, a model may hold "probe" populations: neurons whose ODEs
// are linear with constant coefficients, with no synaptic input, no
// current and no threshold, whose recorded state has a known solution. Each probe's system
// (x' = A x + b, in SI units) is written into the model as a comment line
// (`// difftest:probe {...}`), so a saved model carries its own oracle.
//
// Runner.Check runs one model through the snnc command: the interpreter
// (and again without the prune and fuse passes), the native (LLVM)
// executable at 1, 2 and 3 threads, both targets with another seed and
// duration on the command line, and the interpreter and the native
// executable again with --quantize=int16 (not a model with reductions,
// which the quantizer refuses: ReductionsMark); it requires every output file
// byte for byte equal (summary.json without its wall time, target and
// model path). It then checks each probe's recorded state against an
// oracle written here, independent of passes/: a fine-step RK4
// integration of x' = A x + b for exact propagation (a forcing term held
// over each step, as snnc's exact propagation does), or the probe's
// discrete method (rk4, euler, exponential_euler) applied step by step.
// Each failure is classified: a known item of issue 16 (Failure.Known
// names it) or new.
//
// The tests run a fixed set of seeds, every model kept under
// testdata/regress/, and the probes of more seeds on the interpreter
// alone; cmd/difftest (make difftest N=... SEED=...) runs more and saves
// each failing model with the command that reproduces it.
package difftest
