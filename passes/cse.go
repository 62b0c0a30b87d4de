package passes

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// CSE replaces a pure instruction by an earlier identical one that
// dominates it. Loads count as pure only for variables the kernel never
// stores; random draws never do.
func CSE(m *ir.Module) error {
	m.Kernels(func(_ string, k *ir.Kernel) { cseKernel(k) })
	return nil
}

func cseKernel(k *ir.Kernel) {
	stored := map[any]bool{} // the variables the kernel stores (varKey)
	k.Instrs(func(in *ir.Instr) {
		if in.Op == ir.OpStore || in.Op == ir.OpStoreSeg {
			stored[varKey(in)] = true
		}
	})
	k.Number()
	idom := ir.Dominators(k)
	avail := map[string][]*ir.Instr{}
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			key, ok := cseKey(in, stored)
			if !ok {
				continue
			}
			found := false
			for _, prev := range avail[key] {
				if dominates(idom, prev.Block, b) {
					replaceUses(k, in, prev)
					found = true
					break
				}
			}
			if !found {
				avail[key] = append(avail[key], in)
			}
		}
	}
	dceKernel(k)
}

// varKey is the variable an access reaches, from its Ref: a store and a
// load of one variable under two names (post.u, the synapse's segment of
// a dendrite array, and loadseg post.d.u) are one. An access without a
// Ref (a kernel no module linked) is keyed by its name.
func varKey(in *ir.Instr) any {
	if v := in.Var(); v != nil {
		return v
	}
	return in.VarName()
}

// cseKey identifies a pure computation: op, type, attribute and operands
// (in a canonical order for commutative ops).
func cseKey(in *ir.Instr, stored map[any]bool) (string, bool) {
	info := in.Op.Info()
	if !in.HasResult() || info.SideEffect || info.Terminator || in.Op == ir.OpRand {
		return "", false
	}
	if (in.Op == ir.OpLoad || in.Op == ir.OpLoadSeg) && stored[varKey(in)] {
		return "", false
	}
	var args []string
	for _, a := range in.Args {
		args = append(args, fmt.Sprintf("%p", a))
	}
	if info.Commutative && len(args) == 2 && args[0] > args[1] {
		args[0], args[1] = args[1], args[0]
	}
	aux := ""
	switch x := in.Aux.(type) {
	case float64:
		aux = ir.FormatFloat(x)
		if x == 0 && 1/x < 0 {
			aux = "-0"
		}
	case nil:
	default:
		aux = fmt.Sprint(x)
	}
	return fmt.Sprintf("%s|%s|%s|%s", in.Op, in.Typ, aux, strings.Join(args, ",")), true
}
