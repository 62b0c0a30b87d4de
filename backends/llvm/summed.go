package llvm

import (
	"fmt"

	"snnc/ir"

	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"
)

// A projection's summed kernel (step 4a) adds each synapse's contribution
// into its post neuron's summed variables, synapse by synapse: run as it
// is, one loop over all synapses that scatters through the post indices,
// on one thread. Where the kernel has the form lowering gives it, one
// store post.X = add(load post.X, v) per variable in one block, on f64,
// with v reading no summed variable, the native build splits it: one part
// per variable computes v for every synapse into a buffer (a loop
// without stores to the neurons, which vectorises and runs on the
// threads), and the runtime adds the buffer into the variable per post
// neuron, the neurons split among the threads, each neuron's synapses in
// synapse order (runtime/c/summed.c). That is the same additions in the
// same order as the whole kernel's, so the same bits.

// summedParts returns the stores of a summed kernel that splits so, in
// the order ir.SummedTargets lists their variables, or nil.
func summedParts(k *ir.Kernel) []*ir.Instr {
	if k == nil || len(k.Blocks) != 1 {
		return nil
	}
	targets := map[*ir.Var]bool{}
	for _, v := range ir.SummedTargets(k) {
		targets[v] = true
	}
	var stores []*ir.Instr
	olds := map[ir.Value]bool{} // each store's load of its own variable
	ok := true
	k.Instrs(func(in *ir.Instr) {
		if in.Op != ir.OpStore {
			return
		}
		r := in.Ref()
		add, isInstr := in.Args[0].(*ir.Instr)
		if r == nil || r.Var == nil || r.Reach != ir.IndexPost || !isInstr || add.Op != ir.OpAdd || add.Typ != ir.TF64 {
			ok = false
			return
		}
		old := summedOld(add, r.Var)
		if old == nil || olds[old] {
			ok = false
			return
		}
		olds[old] = true
		stores = append(stores, in)
	})
	if !ok || len(stores) != len(targets) {
		return nil
	}
	// Every other read of a summed variable (the partial sum) must see
	// the synapses before it: the whole kernel then.
	k.Instrs(func(in *ir.Instr) {
		if in.Op == ir.OpLoad && targets[in.Ref().Var] && !olds[in] {
			ok = false
		}
		for _, a := range in.Args {
			if olds[a] && !(in.Op == ir.OpAdd && in.Typ == ir.TF64) {
				ok = false
			}
		}
	})
	if !ok {
		return nil
	}
	return stores
}

// summedOld returns the operand of add that loads v, the post neuron's
// summed variable, if the other does not.
func summedOld(add *ir.Instr, v *ir.Var) ir.Value {
	loads := func(x ir.Value) bool {
		in, ok := x.(*ir.Instr)
		return ok && in.Op == ir.OpLoad && in.Ref() != nil && in.Ref().Var == v && in.Ref().Reach == ir.IndexPost
	}
	switch a, b := add.Args[0], add.Args[1]; {
	case loads(a) && !loads(b):
		return a
	case loads(b) && !loads(a):
		return b
	}
	return nil
}

// emitSummedParts emits the parts of each projection's summed kernel that
// splits (summedParts), named in t.summedParts.
// (next numbers them as Emit numbers the kernels: snn_kN_PROJ_summed_VAR.)
func (e *emitter) emitSummedParts(m *ir.Module, t *tables, next func() int) error {
	for q, pr := range m.Projections {
		k := ir.KernelNamed(pr.Kernels, "summed")
		for _, st := range summedParts(k) {
			name := fmt.Sprintf("snn_k%d_%s_summed_%s", next(), sanitize(pr.Name), sanitize(st.Ref().Var.Name))
			if _, err := e.kernel(name, k, site{kind: elemSynapse, proj: q, pop: -1, sumStore: st}); err != nil {
				return err
			}
			// out is the runtime's buffer of contributions, which no
			// variable shares: noalias lets the loop gather the neurons'
			// values through the synapses' indices without checking
			// them against out.
			for _, f := range e.mod.Funcs {
				if f.Name() == name {
					f.Params[3].Attrs = append(f.Params[3].Attrs, enum.ParamAttrNoAlias)
				}
			}
			if t.summedParts == nil {
				t.summedParts = map[*ir.Projection][]string{}
			}
			t.summedParts[pr] = append(t.summedParts[pr], name)
		}
	}
	return nil
}

// summedPart emits a store of a summed kernel's part (site.sumStore): the
// part's own store writes its contribution to out, the others nothing.
func (kf *kernelFunc) summedPart(in *ir.Instr, lo value.Value) {
	if in != kf.site.sumStore {
		return
	}
	add := in.Args[0].(*ir.Instr)
	v := add.Args[1]
	if summedOld(add, in.Ref().Var) == v {
		v = add.Args[0]
	}
	b := kf.cur
	b.NewStore(kf.vals[v], b.NewGetElementPtr(f64, kf.out, b.NewSub(kf.el, lo)))
}
