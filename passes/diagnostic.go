// The errors in a user's model that a pass finds: Diagnostic carries the
// source position, and Diagnostics the errors of one pass in the order of
// the module.

package passes

import (
	"fmt"

	"snnc/ir"
)

// Diagnostic is an error in the user's model found by a pass, with the
// source position of the construct.
type Diagnostic struct {
	Pos  ir.Pos
	Msg  string
	Hint string
}

func (d *Diagnostic) Error() string { return fmt.Sprintf("%s: %s", d.Pos, d.Msg) }

// Diagnostics are the errors a pass found, in the order of the module.
type Diagnostics []*Diagnostic

func (ds Diagnostics) Error() string {
	if len(ds) == 1 {
		return ds[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", ds[0].Error(), len(ds)-1)
}
