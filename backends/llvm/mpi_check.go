// What of a model an MPI run cannot compute yet: the driver calls CheckMPI
// after the passes when a build asks for --mpi, so that such a model gets a
// diagnostic at the construct, not an executable that stops at its start
// (runtime/c/ranks.c checks again) or, worse, ranks that compute something
// else than one process does.
//
// An MPI run (spec/native.md) splits each population's neurons into
// contiguous blocks over the ranks. Every rank holds every neuron's state
// arrays but updates only its own block (currents included), and builds
// only the synapses onto its own neurons, each pre neuron's row cut to
// them in the one-process order; the spikes of populations reach every
// rank once per window of the smallest delay (of one step where a global
// counts them, on spike); inputs and globals are computed by every rank
// alike; the variables a summed variable or a reduction over a population
// reads are sent to every rank in each step; rank 0 gathers the rest.
// What follows from that is refused here:
//
//   - anything that reads a pre neuron's state after the build in a
//     synapse's on_pre, on_post, ODEs or scheduled code, or a parameter a
//     current sets: another rank updates it, and this rank's copy is
//     stale;
//   - what needs every synapse in one place: a reduction over a
//     projection, a summed variable onto the pre neurons (summed pre.X);
//   - named pathways, whose queues the exchange does not carry yet;
//   - an on_pre that threads could not split by post neuron (parallelOnPre):
//     the runtime delivers over ranks only those, so the build refuses the
//     rest, with the reason (synapseReach classifies both);
//   - white noise in a synapse's ODEs, drawn ahead for blocks of
//     consecutive synapses, and a pairs list whose rows are not in the
//     order of their post neurons (a rank keeps a row's part in order).
//
// A synapse's own variables, its post neuron's, the pre neuron's
// parameters that hold for the run (outside the case above), the initial
// values (every rank computes every neuron's alike) and the draws, dither
// and data keyed by a synapse's index in the whole projection (an --mpi
// build reads it from ctx.key, emit.go) are what a rank has, and pass.

package llvm

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"snnc/ir"
	"snnc/passes"
)

// buildWithoutMPI ends every message: what a user does about any of them.
const buildWithoutMPI = "build without --mpi"

// CheckMPI returns the constructs of m, a module after the passes, that an
// MPI build cannot run across ranks, as passes.Diagnostics (sorted by
// position, one per construct), or nil.
func CheckMPI(m *ir.Module) error {
	c := &mpiChecker{m: m, seen: map[string]bool{}}
	m.Reductions(func(g *ir.Population, v *ir.Var) {
		r := v.Reduce
		if _, ok := r.Node.(*ir.Projection); !ok {
			// Over a population: every rank's block of the variable is
			// sent to every rank in each step (runtime/c/ranks.c).
			return
		}
		pos := r.Pos
		if pos.File == "" {
			pos = firstPos(g.Kernels)
		}
		c.errorf(pos, "%s(%s.%s) in global %s: an MPI run cannot reduce over a projection yet, whose synapses are spread over the ranks",
			r.Kind, r.Source, r.Name, g.Name)
	})
	for _, p := range m.Populations {
		for _, k := range p.Kernels {
			if k.Role != ir.RoleOnSpike {
				continue
			}
			// Every rank has the spikes of the step before, whole (over
			// a population's, the window is one step), and the global;
			// not the spiking neuron's state, which its own rank updates.
			src := k.Name[len("on_spike."):]
			k.Instrs(func(in *ir.Instr) {
				if r := in.Ref(); r != nil && r.Reach == ir.IndexNeuron && !slices.Contains(p.Vars, in.Var()) {
					c.errorf(posOf(in, k), "on spike %s in global %s reads %s of the spiking neuron, which the rank that holds it updates: another rank's copy is stale", src, p.Name, in.VarName())
				}
			})
		}
	}
	for _, pr := range m.Projections {
		c.projection(pr)
	}
	if len(c.ds) == 0 {
		return nil
	}
	slices.SortStableFunc(c.ds, func(a, b *passes.Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Pos.File, b.Pos.File), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	return c.ds
}

type mpiChecker struct {
	m    *ir.Module
	ds   passes.Diagnostics
	seen map[string]bool // position and message: one diagnostic per construct
}

// errorf records a diagnostic at pos; the message says why, and ends with
// what to do.
func (c *mpiChecker) errorf(pos ir.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...) + " (" + buildWithoutMPI + ")"
	key := pos.String() + msg
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.ds = append(c.ds, &passes.Diagnostic{Pos: pos, Msg: msg})
}

// describe names a projection as the source does: a merged projection
// (fuse's, Rule "parts") by its parts, the connects the user wrote, the
// first as the subject of the message.
func (c *mpiChecker) describe(pr *ir.Projection) string {
	if pr.Rule.Kind != "parts" {
		return pr.Describe()
	}
	var parts []string
	for _, p := range c.m.Projections {
		if p.PartOf == pr {
			parts = append(parts, p.Describe())
		}
	}
	switch len(parts) {
	case 0:
		return pr.Describe()
	case 1:
		return parts[0]
	}
	return parts[0] + " (delivered together with " + strings.Join(parts[1:], ", ") + ")"
}

// projection checks a projection's delays and kernels.
func (c *mpiChecker) projection(pr *ir.Projection) {
	if pr.Rule.Kind == "pairs" && pr.Rule.File == "" {
		last := map[int]int{}
		for _, p := range pr.Rule.Pairs {
			if j, ok := last[p[0]]; ok && p[1] < j {
				c.errorf(pr.Pos, "%s: pre neuron %d's pairs list post neuron %d after %d; an MPI run builds each rank's part of a row in the order of its post neurons, so list each pre neuron's pairs in that order", c.describe(pr), p[0], p[1], j)
				break
			}
			last[p[0]] = p[1]
		}
	}
	for _, k := range pr.Kernels {
		what := kernelWhat(k)
		switch k.Role {
		case ir.RoleConnect:
			// Which synapses exist: computed per candidate pair (i, j) from
			// the two neurons' initial values, which every rank has.
			continue
		case ir.RoleSummed:
			for _, v := range ir.SummedTargets(k) {
				pos, pre := c.summedStore(k, v)
				// Onto the post neurons, from their own synapses: the pre
				// neurons' variables are sent to every rank first.
				if pre {
					c.errorf(pos, "summed variable pre.%s (%s): an MPI run cannot compute a sum over the synapses from a neuron, which are spread over the ranks", v.Name, c.describe(pr))
				}
			}
			continue
		case ir.RoleOnPre:
			if k.Name != "on_pre" {
				c.errorf(firstPos([]*ir.Kernel{k}), "pathway %s (on pre %s) of %s: an MPI run delivers a spike through its on pre only; the exchange of spikes does not carry pathways and their delays", k.Name[len("on_pre."):], k.Name[len("on_pre."):], c.describe(pr))
				continue
			}
		}
		k.Instrs(func(in *ir.Instr) { c.instr(pr, k, what, in) })
	}
}

// instr checks one instruction of a projection's kernel k (what names it
// in messages).
func (c *mpiChecker) instr(pr *ir.Projection, k *ir.Kernel, what string, in *ir.Instr) {
	pos := posNear(pr, k, in)
	if in.Op == ir.OpRand && in.Aux.(ir.RandAux).Dist == "normal_quad" {
		// A synapse's other draws (and its dither and data by synapse)
		// take its index in the whole projection from ctx.key; white
		// noise is drawn ahead for blocks of consecutive elements, which
		// a rank's synapses are not (emit.go refuses it unpositioned).
		c.errorf(pos, "%s: white noise (xi) in its %s is drawn for blocks of consecutive synapses, which an MPI rank does not hold", c.describe(pr), what)
		return
	}
	// The initial values and prepare run before step 0, when every rank
	// holds every neuron's initial state: they may read the pre neuron.
	if k.Role == ir.RoleInit || k.Role == ir.RolePrepare {
		return
	}
	switch synapseReach(in) {
	case reachPreState:
		c.errorf(pos, "%s reads %s in its %s: the pre neuron's state, which the rank that holds that neuron updates, so another rank's copy is stale", c.describe(pr), in.VarName(), what)
	case reachPreDriven:
		// parallelOnPre lets a projection that is not recurrent read it
		// (no thread writes it during delivery), but a rank computes a
		// current for its own neurons only.
		c.errorf(pos, "%s reads %s in its %s: a parameter of the pre neuron that current %s sets every step on the rank that holds that neuron, so another rank's copy is stale", c.describe(pr), in.VarName(), what, in.Var().DrivenBy.Name)
	case reachStoreOther:
		c.errorf(pos, "%s writes %s in its %s, which is neither its synapse's variable nor its post neuron's: each rank would change its own copy", c.describe(pr), in.VarName(), what)
	case reachPreParam:
		// Fine for a rank, which holds every neuron's parameters; but the
		// runtime delivers over ranks only an on_pre that parallelOnPre
		// passes (snn_projection.parallel_on_pre, runtime/c/ranks.c), so
		// the build refuses what the run would.
		if k.Role == ir.RoleOnPre && pr.Pre == ir.Source(pr.Post) {
			c.errorf(pos, "%s reads %s in its on pre, a parameter of the pre neuron in a projection onto its own population: an MPI run delivers only an on pre that threads could split by post neuron, and this one is not yet", c.describe(pr), in.VarName())
		}
	case reachPostSegment:
		if k.Role == ir.RoleOnPre { // as reachPreParam
			c.errorf(pos, "%s reaches %s, a segment of its post neuron's dendrite array, in its on pre: an MPI run delivers only an on pre that threads could split by post neuron, and this one is not yet", c.describe(pr), in.VarName())
		}
	}
}

// kernelWhat names a projection's kernel as the source writes it.
func kernelWhat(k *ir.Kernel) string {
	switch k.Role {
	case ir.RoleInit:
		return "initial values"
	case ir.RolePrepare:
		return "propagator (prepare)"
	case ir.RoleOnPre:
		return "on pre"
	case ir.RoleOnPost:
		return "on post"
	case ir.RoleUpdate:
		return "ODEs"
	case ir.RoleSchedule:
		return "scheduled code"
	}
	return k.Name
}

// summedStore is the position of the summed member that stores v, and
// whether it sums onto the pre neurons (summed pre.X).
func (c *mpiChecker) summedStore(k *ir.Kernel, v *ir.Var) (pos ir.Pos, pre bool) {
	found := false
	k.Instrs(func(in *ir.Instr) {
		if !found && in.Op == ir.OpStore && in.Var() == v {
			found, pos, pre = true, in.Pos, in.Ref().Reach == ir.IndexNeuron
		}
	})
	if pos.File == "" {
		pos = firstPos([]*ir.Kernel{k})
	}
	return pos, pre
}

// posOf is in's position, or its kernel's first.
func posOf(in *ir.Instr, k *ir.Kernel) ir.Pos {
	if in.Pos.File != "" {
		return in.Pos
	}
	return firstPos([]*ir.Kernel{k})
}

// firstPos is the first source position in kernels.
func firstPos(kernels []*ir.Kernel) ir.Pos {
	var pos ir.Pos
	for _, k := range kernels {
		k.Instrs(func(in *ir.Instr) {
			if pos.File == "" {
				pos = in.Pos
			}
		})
	}
	return pos
}

// posNear is the source position of an instruction, or of the nearest one
// before it in its kernel that has one (passes make instructions without),
// or the kernel's first, or the projection's connect.
func posNear(pr *ir.Projection, k *ir.Kernel, in *ir.Instr) ir.Pos {
	if in.Pos.File != "" {
		return in.Pos
	}
	var last ir.Pos
	done := false
	k.Instrs(func(x *ir.Instr) {
		if x == in {
			done = true
		}
		if !done && x.Pos.File != "" {
			last = x.Pos
		}
	})
	if last.File == "" {
		last = firstPos([]*ir.Kernel{k})
	}
	if last.File == "" {
		last = pr.Pos
	}
	return last
}
