// The quantize pass, step 4: the random streams of the dithered stores
// (quantize.go's header gives the order of the steps).
//
// sourceNames, run before the kernels are rewritten, gives each kernel's
// owner the name the source gives it, which kernel (quantize_kernel.go)
// puts into each dithered store's key; once every kernel is rewritten,
// assignStreams gives each store its stream from that key.

package passes

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"snnc/ir"
)

// Dither streams (spec/passes.md, "quantize"). A dithered store's stream
// is a hash of what the source calls it: its owner (a population, a
// dendrite, a projection), the variable, the kernel and which of the
// kernel's stores of that variable it is. Passes that run before (fold,
// ode) or after (prune, fuse) the quantize pass, and parts of the model
// that have nothing to do with the store, do not change it, so they do
// not change the rounding.

// ditherStreams is the first random stream of the dithered stores, and
// ditherSpan how many follow it: above the kernels' own, below the
// runtime's (runtime.md).
const (
	ditherStreams = 0x4000_0000
	ditherSpan    = 0x4000_0000
)

// ditherStore is a dithered store's convert awaiting its stream, with its
// key and the streams it takes (a dendrite array's, one per segment).
type ditherStore struct {
	key      string
	convert  *ir.Instr
	segments int
}

// sourceNames gives the owners of kernels the names the source gives
// them. A projection the source leaves unnamed is named by lowering from
// its position (connect_LINE_COL), which moves when a line is added above
// it: it is called by its sides and synapse type, and which of the
// unnamed projections between them with that type it is.
func (q *quantizer) sourceNames() map[ir.Node]string {
	names := map[ir.Node]string{}
	q.m.Nodes(func(n ir.Node, _ []*ir.Kernel) { names[n] = n.NodeName() })
	seen := map[string]int{}
	for _, pr := range q.m.Projections {
		if !generatedName(pr.Name) {
			continue
		}
		post := pr.Post.Name
		if pr.Dendrite != nil {
			post += "." + pr.Dendrite.Name
		}
		sides := fmt.Sprintf("connect %s -> %s using %s", pr.PreName(), post, pr.Synapse)
		names[pr] = fmt.Sprintf("%s #%d", sides, seen[sides])
		seen[sides]++
	}
	return names
}

// generatedName reports whether a projection's name is lowering's for an
// unnamed one, connect_LINE_COL (no name a model can give: a name is an
// identifier, and the parser takes connect for the keyword).
func generatedName(name string) bool {
	rest, ok := strings.CutPrefix(name, "connect_")
	line, col, two := strings.Cut(rest, "_")
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	return ok && two && digits(line) && digits(col)
}

// assignStreams gives each dithered store its stream: ditherStreams plus
// the FNV-1a hash of its key, modulo ditherSpan. Two keys whose streams
// would overlap (about one model in ten million with a hundred dithered
// stores) are resolved in the order of the keys, the later one taking the
// next free stream: still a function of the keys alone.
func (q *quantizer) assignStreams() {
	slices.SortFunc(q.dithers, func(a, b ditherStore) int { return strings.Compare(a.key, b.key) })
	taken := map[int]bool{}
	for n, d := range q.dithers {
		if n > 0 && d.key == q.dithers[n-1].key {
			panic("quantize: two dithered stores with the key " + d.key)
		}
		count := max(d.segments, 1)
		s := ditherStream(d.key, count) - ditherStreams
		for anyTaken(taken, s, count) {
			s = (s + 1) % (ditherSpan - count)
		}
		for i := range count {
			taken[s+i] = true
		}
		d.convert.Aux = ir.Dither{Stream: ditherStreams + s, Segments: d.segments}
	}
}

// ditherStream is the first of the count streams of a dithered store of
// the key, unless another key's overlap them.
func ditherStream(key string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(key))
	return ditherStreams + int(h.Sum64()%uint64(ditherSpan-count))
}

// anyTaken reports whether one of the count streams from s is taken.
func anyTaken(taken map[int]bool, s, count int) bool {
	for i := range count {
		if taken[s+i] {
			return true
		}
	}
	return false
}
