// Package runtime is what executing a model needs at run time and every
// backend must agree on, bit for bit: connectivity construction from the
// projection rules (Connect, into compressed sparse rows), the queues of
// spikes in flight for delays (Queue), the spike sources of inputs
// (Poisson, SpikeTrain), the recorders of monitors (Spikes, State) and the
// output files (Write). Its subpackages are the random number generator
// (rng), the math functions (mathfn) and the NumPy and CSV formats (npy).
//
// spec/runtime.md states the algorithms and the output formats.
package runtime
