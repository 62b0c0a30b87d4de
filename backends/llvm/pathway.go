package llvm

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// refusePathways refuses a projection with named pathways (on_pre.NAME
// kernels, spec/language.md section 3.6): the C runtime has one spike queue
// and one on_pre per projection, and delivers nothing else, so such a model
// would run without its pathways. The interpreter runs them.
func refusePathways(m *ir.Module) error {
	for _, pr := range m.Projections {
		for _, k := range pr.Kernels {
			name, ok := strings.CutPrefix(k.Name, "on_pre.")
			if !ok {
				continue
			}
			msg := fmt.Sprintf("%s: pathway %s (on pre %s): the native target does not deliver pathways yet; run it with --target=interp", pr.Describe(), name, name)
			var pos ir.Pos
			k.Instrs(func(in *ir.Instr) {
				if pos.File == "" {
					pos = in.Pos
				}
			})
			if pos.File != "" {
				msg = pos.String() + ": " + msg
			}
			return fmt.Errorf("%s", msg)
		}
	}
	return nil
}
