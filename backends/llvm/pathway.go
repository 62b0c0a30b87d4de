package llvm

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// pathways writes the table of a projection's named pathways
// (snn_pathway: its name, its on_pre.NAME kernel and the id of its
// delay.NAME) in the order the projection holds them, the order of their
// names, and returns how many and the table's name (NULL for none).
func (t *tables) pathways(w *cWriter, pr *ir.Projection, varID func(string) int) (int, string) {
	var items []string
	for _, k := range pr.Kernels {
		name, ok := strings.CutPrefix(k.Name, "on_pre.")
		if !ok {
			continue
		}
		items = append(items, fmt.Sprintf("{%s, %s, %d}", cstr(name), kernelRef(t.kernels[k]), varID("delay."+name)))
	}
	return len(items), w.array("snn_pathway", items)
}
