package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// TestFixedLimits: ir, which imports nothing of the project, states the
// fixed-point limits runtime/fixed computes with; they must be the same,
// and the widest and finest type ir reads is one runtime/fixed accepts.
func TestFixedLimits(t *testing.T) {
	assert.Equal(t, fixed.MaxWidth, ir.MaxFixedWidth)
	assert.Equal(t, fixed.MaxFrac, ir.MaxFixedFrac)
	typ, err := ir.ParseType(fmt.Sprintf("fx%d.%d", ir.MaxFixedWidth, ir.MaxFixedFrac))
	assert.NoError(t, err)
	assert.True(t, fixed.Format{Width: typ.Width, Frac: typ.Frac}.Valid())
	_, err = ir.ParseType(fmt.Sprintf("fx%d.0", ir.MaxFixedWidth+1))
	assert.Error(t, err, "a width runtime/fixed does not compute with")
}
