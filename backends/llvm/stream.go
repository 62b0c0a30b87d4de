package llvm

import (
	"strings"

	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/value"

	"snnc/ir"
)

// pairDist reports whether a rand instruction draws from a named stream
// (uniform.pair, ...): its last two operands, the synapse's pre and post
// indices, key it in place of the element and the step.
func pairDist(dist string) bool { return strings.HasSuffix(dist, ".pair") }

// pairDraw emits a named stream's draw as the interpreter makes it
// (backends/interp/stream.go): the runtime's draw with index pre and
// counter post, the indices converted exactly (they are whole numbers below
// 2^31).
func (kf *kernelFunc) pairDraw(in *ir.Instr, ra ir.RandAux) value.Value {
	b := kf.cur
	n := len(in.Args)
	pre := b.NewFPToUI(kf.arg(in, n-2), i64)
	post := b.NewFPToUI(kf.arg(in, n-1), i64)
	args := []value.Value{kf.seed, constant.NewInt(i32, int64(int32(uint32(ra.Stream)))), post, pre}
	for x := 0; x < n-2; x++ {
		args = append(args, kf.arg(in, x))
	}
	dist := strings.TrimSuffix(ra.Dist, ".pair")
	if dist == "normal" {
		kf.e.inline(logUnitInlineName, defineLogUnit)
		kf.e.inline(cosTurnInlineName, defineCosTurn)
		kf.drawsNormal = true
		return b.NewCall(kf.e.inline(normalInlineName, defineNormal), args...)
	}
	return kf.call("snn_"+dist, args...)
}
