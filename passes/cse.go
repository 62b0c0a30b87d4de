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
	stored := map[string]bool{}
	k.Instrs(func(in *ir.Instr) {
		if in.Op == ir.OpStore || in.Op == ir.OpStoreSeg {
			stored[in.VarName()] = true
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

// cseKey identifies a pure computation: op, type, attribute and operands
// (in a canonical order for commutative ops).
func cseKey(in *ir.Instr, stored map[string]bool) (string, bool) {
	info := in.Op.Info()
	if !in.HasResult() || info.SideEffect || info.Terminator || in.Op == ir.OpRand {
		return "", false
	}
	if (in.Op == ir.OpLoad || in.Op == ir.OpLoadSeg) && stored[in.VarName()] {
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
