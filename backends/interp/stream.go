package interp

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// pairDist reports whether a rand instruction draws from a named stream
// (uniform.pair, ...): keyed by its last two operands, the synapse's pre
// and post indices, instead of the element and the step.
func pairDist(dist string) bool { return strings.HasSuffix(dist, ".pair") }

// pairDraw compiles a named stream's draw: index pre, counter post, so
// that every projection drawing from the stream gives a (pre, post) pair
// the same value (spec/runtime.md, random numbers).
func (e *env) pairDraw(in *ir.Instr, d int, arg func(int) int) (func(*frame), error) {
	ra := in.Aux.(ir.RandAux)
	src, stream := e.s.rng, uint32(ra.Stream)
	n := len(in.Args)
	pre, post := arg(n-2), arg(n-1)
	switch strings.TrimSuffix(ra.Dist, ".pair") {
	case "uniform":
		a, b := arg(0), arg(1)
		return func(f *frame) {
			f.r[d] = src.Uniform(stream, uint64(f.r[post]), uint64(f.r[pre]), f.r[a], f.r[b])
		}, nil
	case "normal":
		a, b := arg(0), arg(1)
		return func(f *frame) {
			f.r[d] = src.Normal(stream, uint64(f.r[post]), uint64(f.r[pre]), f.r[a], f.r[b])
		}, nil
	case "exponential":
		a := arg(0)
		return func(f *frame) {
			f.r[d] = src.Exponential(stream, uint64(f.r[post]), uint64(f.r[pre]), f.r[a])
		}, nil
	}
	return nil, fmt.Errorf("unknown distribution %q", ra.Dist)
}
