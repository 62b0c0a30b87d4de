// The quantize pass: its entry, Quantize, and the intervals and formats
// its steps share. Quantize runs the steps in this order, one file each:
//
//  1. calibratedParams (quantize_params.go): the intervals of the
//     runtime parameters, of those currents set and those set per element;
//  2. formats (quantize_formats.go): every state variable's and trace's
//     format, the width chosen under --quantize=fixed by chooseWidth
//     (quantize_width.go);
//  3. kernel (quantize_kernel.go), per kernel: straight-line per-step and
//     event kernels into fixed point, the others converting at their
//     loads and stores; the dithered stores keyed by sourceNames
//     (quantize_dither.go);
//  4. assignStreams (quantize_dither.go): the dithered stores' streams;
//  5. settableRanges (quantize_params.go): the Range of each runtime
//     parameter whose value reaches fixed point.

package passes

import (
	"fmt"
	"math"

	"snnc/ir"
	"snnc/runtime/fixed"
)

// Quantize turns a model's state and arithmetic into fixed point of
// m.Run.Quantize bits (runtime/fixed; spec/passes.md, "quantize"); with
// 0 it does nothing but the annotated variables, and with
// ir.QuantizeFixed it chooses each variable's width from what its
// kernels store into it (chooseWidth), noting the width and the reason.
//
// Each state variable and trace of a population, dendrite or projection
// gets a format from the values it takes: m.Run.Ranges (a calibration
// run's) or its Range, widened to hold the constants its threshold
// compares it with and its resets store, with one bit of headroom. The
// per-step kernels (update, threshold, reset, step, on_pre, on_post)
// that are straight-line are then computed in fixed point: every value
// gets an interval, from the variables' ranges and the constants, by
// interval arithmetic, and a format of the width that holds it with the
// most fraction bits; constants become fixed constants with their own
// best format (propagators and weights as integers), and parameters are
// converted where they meet fixed-point values. What fixed point does not
// define (exp, log, pow, a random draw, time) is computed in floating
// point from converted operands, and noted on the module. Other kernels
// (init, prepare, refractory, a kernel that branches) keep floating point
// and convert at the variables: a load becomes the real value, a store
// rounds into the variable's format.
func Quantize(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	fixedWidth := m.Run.Quantize == ir.QuantizeFixed
	if w := m.Run.Quantize; w != 0 && !fixedWidth && (w < 2 || w > fixed.MaxWidth) {
		return fmt.Errorf("quantize: %d bits; the widths are 2 to %d", w, fixed.MaxWidth)
	}
	// The widest of the variables' widths (--quantize's, an annotation's,
	// or under fixed the one chosen) is the constants' width (and half
	// the accumulators').
	q := &quantizer{m: m, noted: map[string]bool{}}
	width := max(m.Run.Quantize, 0)
	m.Vars(func(v *ir.Var) { width = max(width, v.Quantize) })
	if width == 0 && !fixedWidth {
		return nil
	}
	if err := refuseReductions(m); err != nil {
		return err
	}
	if width > fixed.MaxWidth {
		return fmt.Errorf("quantize: %d bits; the widths are 2 to %d", width, fixed.MaxWidth)
	}
	// The kernels as fold leaves them, whether or not it ran (fold is
	// exact), and the per-step kernels straight where they can be (a loop
	// over a dendrite array's segments copied per segment, as fuse does:
	// exact too): what fixed point makes of them depends on neither pass.
	m.Kernels(func(_ string, k *ir.Kernel) {
		foldKernel(k)
		if isArithmetic(k.Name) {
			straighten(k, straightBudget)
		}
	})
	q.calibratedParams()
	width = max(width, q.formats())
	if width == 0 {
		return nil // under fixed, no variable with a range
	}
	q.width = uint8(width)
	names := q.sourceNames()
	m.Nodes(func(n ir.Node, ks []*ir.Kernel) {
		segments := 0 // a dendrite array's kernels: its segments
		if d, ok := n.(*ir.Dendrite); ok && d.Array {
			segments = d.Count
		}
		for _, k := range ks {
			q.kernel(names[n], k, segments)
			k.Number()
		}
	})
	q.assignStreams()
	q.settableRanges()
	return nil
}

type quantizer struct {
	params     map[*ir.Var]interval // calibratedParams'
	paramNames map[*ir.Var]string   // each parameter's name as --set writes it
	m          *ir.Module
	width      uint8
	noted      map[string]bool
	dithers    []ditherStore // the dithered stores, for assignStreams
}

func (q *quantizer) note(format string, args ...any) {
	n := "quantize: " + fmt.Sprintf(format, args...)
	if !q.noted[n] {
		q.noted[n] = true
		q.m.Notes = append(q.m.Notes, n)
	}
}

// interval is a closed interval of reals; known is false for a value
// whose bounds the analysis does not have.
type interval struct {
	lo, hi float64
	known  bool
}

func point(x float64) interval { return interval{x, x, true} }

func (a interval) union(b interval) interval {
	if !a.known || !b.known {
		return interval{}
	}
	return interval{min(a.lo, b.lo), max(a.hi, b.hi), true}
}

// format is the format of the width that holds every value of the
// interval with the most fraction bits (at most fixed.MaxFrac).
func (q *quantizer) format(a interval) ir.Type { return formatOf(a, q.width) }

// accumulator is the format of an operation's result: twice the width
// (at most 32 bits), as a datapath's products and sums are, so that a
// kernel rounds once, where it stores into a variable.
func (q *quantizer) accumulator(a interval) ir.Type {
	return formatOf(a, min(2*q.width, fixed.MaxWidth))
}

func formatOf(a interval, width uint8) ir.Type {
	m := max(math.Abs(a.lo), math.Abs(a.hi))
	frac := int(fixed.MaxFrac)
	if m > 0 && !math.IsInf(m, 0) {
		// m < 2^(width-1-frac) with the largest frac: the integer part
		// needs ceil(log2(m)) bits above the point, one more when m is a
		// power of two (the largest value is 2^k - 2^-frac).
		e := math.Ilogb(m) + 1
		frac = int(width) - 1 - e
	}
	return ir.FixedType(width, uint8(max(0, min(frac, int(fixed.MaxFrac)))))
}

// refuseReductions reports each reduction over a population or projection
// (ir.Reduce): the runtime folds f64 elements into an f64 global state,
// and has no fixed-point definition of that sum, so a quantized model
// cannot have one.
func refuseReductions(m *ir.Module) error {
	var ds Diagnostics
	m.Reductions(func(_ *ir.Population, v *ir.Var) {
		r := v.Reduce
		ds = append(ds, &Diagnostic{Pos: r.Pos,
			Msg:  fmt.Sprintf("%s(%s.%s) cannot be quantized: the runtime's reductions over populations and projections are defined on f64 variables only", r.Kind, r.Source, r.Name),
			Hint: "run the model in floating point (without --quantize or quantize annotations)"})
	})
	if len(ds) > 0 {
		return ds
	}
	return nil
}
