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

// dataGlobal is the module's constant array of a data array's values (a
// model's load(FILE)), made the first time a kernel reads it.
func (e *emitter) dataGlobal(d *ir.Data) *ll.Global {
	name := dataSymbol(d)
	if g := findGlobal(e.mod, name); g != nil {
		return g
	}
	// Defined in model.c from a blob of the build's (tables.dataBlobs):
	// the values are copied, not parsed as text.
	var typ types.Type = types.NewArray(uint64(len(dataValues(d))), f64)
	if externalData(d) {
		// A pointer to the values, which the executable sets when it
		// starts, before any kernel runs, having mapped or read the
		// file (datafile.go).
		typ = types.NewPointer(f64)
	}
	g := e.mod.NewGlobal(name, typ)
	// Constant for the kernels, the pointer included: the runtime
	// (datafile.c) sets it before the first kernel runs, and nothing
	// after.
	g.Immutable = true
	g.Linkage = enum.LinkageExternal
	return g
}

// data emits a data instruction: ir.Data.At, the value at the element's
// position, NaN outside the array.
func (kf *kernelFunc) data(in *ir.Instr) (value.Value, error) {
	d := kf.e.l.m.DataNamed(in.VarName())
	if d == nil {
		return nil, fmt.Errorf("no data array %s", in.VarName())
	}
	b := kf.cur
	var n value.Value
	switch d.By {
	case ir.DataByNeuron:
		n = kf.i
	case ir.DataBySynapse:
		n = kf.key()
	case ir.DataByMatrix:
		j, i := b.NewSub(kf.j, constant.NewInt(i64, int64(d.PostLo))), b.NewSub(kf.i, constant.NewInt(i64, int64(d.PreLo)))
		n = b.NewAdd(b.NewMul(j, constant.NewInt(i64, int64(d.Cols))), i)
	default:
		return nil, fmt.Errorf("data %s by %q", d.Name, d.By)
	}
	inside := b.NewAnd(b.NewICmp(enum.IPredSGE, n, constant.NewInt(i64, 0)),
		b.NewICmp(enum.IPredSLT, n, constant.NewInt(i64, int64(len(d.Values)))))
	g := kf.e.dataGlobal(d)
	at := b.NewSelect(inside, n, constant.NewInt(i64, 0))
	var x value.Value
	if p, ok := g.ContentType.(*types.PointerType); ok {
		x = b.NewLoad(f64, b.NewGetElementPtr(f64, b.NewLoad(p, g), at))
	} else {
		x = b.NewLoad(f64, b.NewGetElementPtr(g.ContentType, g, constant.NewInt(i64, 0), at))
	}
	return b.NewSelect(inside, x, constant.NewFloat(f64, math.NaN())), nil
}
