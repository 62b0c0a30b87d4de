package llvm

import (
	"fmt"
	"math"

	ll "github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/ir"
)

// tableGlobal is the module's constant array of a timed array's values,
// made the first time a kernel reads it.
func (e *emitter) tableGlobal(tb *ir.Table) *ll.Global {
	name := "snn_table_" + sanitize(tb.Name)
	if g := findGlobal(e.mod, name); g != nil {
		return g
	}
	elems := make([]constant.Constant, len(tb.Values))
	for n, x := range tb.Values {
		elems[n] = constant.NewFloat(f64, x)
	}
	g := e.mod.NewGlobalDef(name, constant.NewArray(types.NewArray(uint64(len(elems)), f64), elems...))
	g.Immutable = true
	g.Linkage = enum.LinkagePrivate
	return g
}

// table emits a table instruction: ir.Table.At, with the same operations
// in the same order, so that the row and the value are the interpreter's.
func (kf *kernelFunc) table(in *ir.Instr) (value.Value, error) {
	tb := kf.e.l.m.TableNamed(in.VarName())
	if tb == nil {
		return nil, fmt.Errorf("no table %s", in.VarName())
	}
	b := kf.cur
	zero := constant.NewFloat(f64, 0)
	// y = (x / epsilon + 0.5) / K; NaN and y < 0 read row 0, y >= rows
	// the last.
	y := b.NewFDiv(b.NewFAdd(b.NewFDiv(kf.arg(in, 0), constant.NewFloat(f64, tb.Epsilon())), constant.NewFloat(f64, 0.5)),
		constant.NewFloat(f64, float64(tb.K)))
	y0 := b.NewSelect(b.NewFCmp(enum.FPredOGE, y, zero), y, zero)
	last := constant.NewFloat(f64, float64(tb.Rows-1))
	row := b.NewSelect(b.NewFCmp(enum.FPredOGE, y0, constant.NewFloat(f64, float64(tb.Rows))), last, y0)
	idx := value.Value(b.NewMul(b.NewFPToSI(row, i64), constant.NewInt(i64, int64(tb.Cols))))
	var inside value.Value
	if len(in.Args) == 2 {
		col := kf.arg(in, 1)
		inside = b.NewAnd(b.NewFCmp(enum.FPredOGE, col, zero), b.NewFCmp(enum.FPredOLT, col, constant.NewFloat(f64, float64(tb.Cols))))
		idx = b.NewAdd(idx, b.NewFPToSI(b.NewSelect(inside, col, zero), i64))
	}
	g := kf.e.tableGlobal(tb)
	arr := g.ContentType
	x := b.NewLoad(f64, b.NewGetElementPtr(arr, g, constant.NewInt(i64, 0), idx))
	if inside == nil {
		return x, nil
	}
	return b.NewSelect(inside, x, constant.NewFloat(f64, math.Float64frombits(0x7ff8000000000000))), nil
}
