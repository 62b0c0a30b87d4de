// The ode pass (Discretize, ode.go): the traces. After the update kernels'
// equations are discretized, stepTraces makes the traces of a neuron,
// dendrite or global decay exactly each step, and lazyTraces brings a
// projection's traces up to date at each event from the time of the last
// one (TraceClock).

package passes

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// stepTraces makes the traces of a neuron, dendrite or global decay
// exactly every step, at the end of its update kernel.
func stepTraces(vars []*ir.Var, kernels *[]*ir.Kernel, dt float64) {
	var traces []*ir.Var
	for _, v := range vars {
		if v.Kind == ir.VarTrace {
			traces = append(traces, v)
		}
	}
	if len(traces) == 0 {
		return
	}
	k := ir.KernelNamed(*kernels, "update")
	if k == nil {
		var b *ir.Builder
		k, b = ir.NewKernel("update", ir.TVoid)
		b.Ret()
		*kernels = append(*kernels, k)
	}
	blk := k.Blocks[len(k.Blocks)-1]
	ins := newInserter(blk, len(blk.Instrs)-1, ir.Pos{})
	for _, t := range traces {
		f := ins.Unary(ir.OpExp, ins.Binary(ir.OpDiv, ins.Const(-dt), tauValue(&ins.Builder, t)))
		ins.StoreRef(ir.Own(t), ins.Binary(ir.OpMul, ins.Load(ir.TF64, ir.Own(t)), f))
		k.Notes = append(k.Notes, fmt.Sprintf("trace %s: exact decay every step", t.Name))
	}
	ins.done()
}

// tauValue is a trace's time constant: a number or a parameter. The
// parameter is read by its bare name, which Module.Link resolves when the
// pass returns: which element's value it reaches depends on where it is
// declared (the element's own, per neuron for a dendrite's, the module's),
// which is the scope's to say, and nothing in this pass reads it before.
func tauValue(b *ir.Builder, t *ir.Var) ir.Value {
	if x, ok := t.TauSeconds(); ok {
		return b.Const(x)
	}
	return b.Emit(ir.OpParam, ir.TF64, t.Tau)
}

// TraceClock is the per-synapse variable holding the time of the last
// event, from which lazily updated traces decay.
const TraceClock = ir.TraceClock

// lazyTraces brings a projection's traces up to date at the start of each
// event kernel: x *= exp(-(t - tlast) / tau), then tlast = t.
//
// Scheduled code (a sched kernel) that reads a trace is an event too: it
// brings the traces up to date at its step, so that it reads their value
// then. Scheduled code that reads none leaves them (and their rounding)
// as they are.
func lazyTraces(pr *ir.Projection) {
	var traces []*ir.Var
	for _, v := range pr.Vars {
		if v.Kind == ir.VarTrace {
			traces = append(traces, v)
		}
	}
	if len(traces) == 0 || pr.Clock() != nil {
		return
	}
	clock := &ir.Var{Name: TraceClock, Kind: ir.VarState, Type: ir.TF64}
	pr.Vars = append(pr.Vars, clock)
	if k := ir.KernelNamed(pr.Kernels, "init"); k != nil {
		blk := k.Blocks[len(k.Blocks)-1]
		ins := newInserter(blk, len(blk.Instrs)-1, ir.Pos{})
		ins.StoreRef(ir.Own(clock), ins.Const(0))
		ins.done()
	}
	for _, k := range pr.Kernels {
		if !strings.HasPrefix(k.Name, "on_") && !(strings.HasPrefix(k.Name, "sched.") && readsTrace(k, traces)) {
			continue
		}
		ins := newInserter(k.Blocks[0], 0, ir.Pos{})
		now := ins.Emit(ir.OpTime, ir.TF64, nil)
		elapsed := ins.Binary(ir.OpSub, now, ins.Load(ir.TF64, ir.Own(clock)))
		var names []string
		for _, t := range traces {
			f := ins.Unary(ir.OpExp, ins.Binary(ir.OpDiv, ins.Unary(ir.OpNeg, elapsed), tauValue(&ins.Builder, t)))
			ins.StoreRef(ir.Own(t), ins.Binary(ir.OpMul, ins.Load(ir.TF64, ir.Own(t)), f))
			names = append(names, t.Name)
		}
		ins.StoreRef(ir.Own(clock), now)
		ins.done()
		k.Notes = append(k.Notes, "traces "+strings.Join(names, ", ")+": exact decay since the synapse's last event")
	}
}

// readsTrace reports whether kernel k loads one of the traces.
func readsTrace(k *ir.Kernel, traces []*ir.Var) bool {
	reads := false
	k.Instrs(func(in *ir.Instr) {
		for _, t := range traces {
			reads = reads || in.Op == ir.OpLoad && in.VarName() == t.Name
		}
	})
	return reads
}
