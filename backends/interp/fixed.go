package interp

import (
	"fmt"

	"snnc/ir"
	"snnc/runtime/fixed"
	"snnc/runtime/rng"
)

// A fixed-point value is held in a register, and in a variable's array,
// as its raw integer (runtime/fixed): exact in a float64, at most 32 bits.
// Every operation is runtime/fixed's, the definition the other targets
// compute too.

// formatOf is a fixed-point type's format, for runtime/fixed (ir does
// not import it).
func formatOf(t ir.Type) fixed.Format { return fixed.Format{Width: t.Width, Frac: t.Frac} }

// hasFixed reports whether an instruction has a fixed-point result or
// operand.
func hasFixed(in *ir.Instr) bool {
	if in.Typ.Kind == ir.Fixed {
		return true
	}
	for _, a := range in.Args {
		if a.Type().Kind == ir.Fixed {
			return true
		}
	}
	return false
}

// fixedInstr compiles an instruction on fixed-point values into a scalar
// step; it is not called for others.
func fixedInstr(in *ir.Instr, d int, arg func(int) int, rng rng.Source, dt float64) (func(*frame), error) {
	to := formatOf(in.Typ)
	format := func(n int) fixed.Format { return formatOf(in.Args[n].Type()) }
	raw := func(x float64) int64 { return int64(x) }
	switch in.Op {
	case ir.OpConst:
		v, ok := in.Aux.(float64)
		if !ok {
			return nil, fmt.Errorf("fixed-point constant of %T", in.Aux)
		}
		x := float64(to.FromFloat(v))
		return func(f *frame) { f.r[d] = x }, nil
	case ir.OpTraceDecay:
		a, tau := arg(0), in.Aux.(float64)
		return func(f *frame) { f.r[d] = float64(fixed.TraceDecay(f.t, f.r[a], dt, tau, to)) }, nil
	case ir.OpConvert:
		a, from := arg(0), in.Args[0].Type()
		switch {
		case from.Kind == ir.Fixed && in.Typ.Kind == ir.Fixed:
			ff := formatOf(from)
			if di, ok := in.Aux.(ir.Dither); ok {
				// The offset: the draw (seed, stream, step, element).
				src := rng
				return func(f *frame) {
					stream, e := di.Key(uint64(f.e))
					w := src.Block(stream, uint64(f.k), e)
					f.r[d] = float64(fixed.ConvertDither(raw(f.r[a]), ff, to, uint64(w[0])<<32|uint64(w[1])))
				}, nil
			}
			return func(f *frame) { f.r[d] = float64(fixed.Convert(raw(f.r[a]), ff, to)) }, nil
		case from.Kind == ir.Fixed && in.Typ == ir.TF64:
			ff := formatOf(from)
			return func(f *frame) { f.r[d] = ff.Float(raw(f.r[a])) }, nil
		case from == ir.TF64:
			return func(f *frame) { f.r[d] = float64(to.FromFloat(f.r[a])) }, nil
		}
	case ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpDiv:
		op := map[ir.Op]func(int64, fixed.Format, int64, fixed.Format, fixed.Format) int64{
			ir.OpAdd: fixed.Add, ir.OpSub: fixed.Sub, ir.OpMul: fixed.Mul, ir.OpDiv: fixed.Div}[in.Op]
		a, b, fa, fb := arg(0), arg(1), format(0), format(1)
		return func(f *frame) { f.r[d] = float64(op(raw(f.r[a]), fa, raw(f.r[b]), fb, to)) }, nil
	case ir.OpNeg, ir.OpAbs:
		op := fixed.Neg
		if in.Op == ir.OpAbs {
			op = fixed.Abs
		}
		a, fa := arg(0), format(0)
		return func(f *frame) { f.r[d] = float64(op(raw(f.r[a]), fa, to)) }, nil
	case ir.OpMin, ir.OpMax:
		a, b, fa, fb := arg(0), arg(1), format(0), format(1)
		want := -1 // min takes a when a < b
		if in.Op == ir.OpMax {
			want = 1
		}
		return func(f *frame) {
			if fixed.Cmp(raw(f.r[a]), fa, raw(f.r[b]), fb) == want {
				f.r[d] = float64(fixed.Convert(raw(f.r[a]), fa, to))
			} else {
				f.r[d] = float64(fixed.Convert(raw(f.r[b]), fb, to))
			}
		}, nil
	case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
		a, b, fa, fb := arg(0), arg(1), format(0), format(1)
		test := map[ir.Op]func(int) bool{
			ir.OpLt: func(c int) bool { return c < 0 }, ir.OpLe: func(c int) bool { return c <= 0 },
			ir.OpGt: func(c int) bool { return c > 0 }, ir.OpGe: func(c int) bool { return c >= 0 },
			ir.OpEq: func(c int) bool { return c == 0 }, ir.OpNe: func(c int) bool { return c != 0 }}[in.Op]
		return func(f *frame) { f.r[d] = b2f(test(fixed.Cmp(raw(f.r[a]), fa, raw(f.r[b]), fb))) }, nil
	case ir.OpSelect, ir.OpLoad, ir.OpStore, ir.OpLoadSeg, ir.OpStoreSeg, ir.OpParam:
		return nil, nil // raw values move as they are
	}
	return nil, fmt.Errorf("%s on fixed point is not supported by the interpreter", in.Op)
}

// realValue makes a monitor record the real number a fixed-point value
// stands for; values of other types are recorded as they are.
func realValue(t ir.Type, raw func(i int32) float64) func(i int32) float64 {
	if t.Kind != ir.Fixed {
		return raw
	}
	f := formatOf(t)
	return func(i int32) float64 { return f.Float(int64(raw(i))) }
}

// Calibrate runs a floating-point model for at most seconds of its time
// and returns the intervals its variables took (Result.Ranges), for the
// quantize pass (ir.Run.Ranges).
func Calibrate(m *ir.Module, seconds float64) (map[string][2]float64, error) {
	res, err := Run(m, Options{Calibrate: true, Duration: min(m.Run.Duration, seconds)})
	if err != nil {
		return nil, err
	}
	return res.Ranges, nil
}
