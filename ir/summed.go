package ir

// SummedTargets returns the variables a projection's summed kernel adds
// into (its stores' variables: the post neurons' summed variables, or
// the pre neurons' for summed pre.x), in the order the kernel first
// stores them. Before the kernel runs over the synapses, in step 4a of
// spec/language.md section 6, every backend sets each of them to 0 for
// every neuron of its population; the
// kernel then adds each synapse's contribution, synapse by synapse in
// synapse order, so the sum has one order on every backend.
func SummedTargets(k *Kernel) []*Var {
	if k == nil {
		return nil
	}
	var out []*Var
	seen := map[*Var]bool{}
	k.Instrs(func(in *Instr) {
		if in.Op != OpStore {
			return
		}
		if r := in.Ref(); r != nil && r.Var != nil && !seen[r.Var] {
			seen[r.Var] = true
			out = append(out, r.Var)
		}
	})
	return out
}
