// The quantize pass, inside step 2: choosing each variable's width under
// --quantize=fixed (quantize.go's header gives the order of the steps).
//
// formats (quantize_formats.go) calls storeForms and chooseWidth here:
// storeForms finds the affine form of what each kernel stores into a
// variable, and chooseWidth picks the fewest bits that keep the rounding
// noise of the variable's dithered stores within its rule.

package passes

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

// Choosing the widths (--quantize=fixed; spec/passes.md, "quantize").
//
// A dithered store rounds up with the probability of the dropped
// fraction f of an LSB, an error of variance f(1-f) LSB^2: LSB^2/6 over
// a uniform f (round to nearest would give LSB^2/12, with a bias in a
// decay). A store x' = c x + ... carries the noise of the stores before
// it, times c each step: after n steps the variance is LSB^2/6 times
// (1 - c^2n) / (1 - c^2), at most the stationary LSB^2/6 / (1 - c^2).

// noiseFraction is the most rounding noise (its standard deviation) a
// variable that decays may carry, as a fraction of its span (the
// interval of values it took): 2^-10, ten effective bits over its values.
const noiseFraction = 1.0 / 1024

// minStepLSBs is how many LSBs the largest step of a variable without a
// decay (a weight under plasticity, an integrator) must make at least:
// a dithered store's error, at most half an LSB, is then at most 1/128
// of a step.
const minStepLSBs = 64

// fixedWidths are the widths --quantize=fixed chooses from, the fewest
// bits first; fallbackWidth is the width of a variable whose stores the
// analysis does not bound.
var fixedWidths = []int{8, 16, 32}

const fallbackWidth = 16

// affine is a value as a function of one variable x, c*x + d, where c
// and d are intervals; ok is false where the value is not affine in x
// (why says what it is), and d is unknown where its bounds are.
type affine struct {
	c, d interval
	ok   bool
	why  string
}

// storeForms are the affine forms of what a variable's kernels store into
// it, in terms of its value before the kernel: the per-step kernels'
// (update, step) and the events' (on_pre, on_post, ...).
type storeForms struct {
	step, event []affine
}

// storeForms finds, for every variable a per-step or event kernel
// stores, the affine form of its last store in each such kernel.
func (q *quantizer) storeForms(calibrated map[*ir.Var]interval) map[*ir.Var]*storeForms {
	out := map[*ir.Var]*storeForms{}
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		step := k.Name == "update" || k.Name == "step"
		if !step && !strings.HasPrefix(k.Name, "on_") {
			return
		}
		var stored []*ir.Var         // in the order of their first store
		seg := map[*ir.Var]float64{} // a dendrite array's variable: the segment of its first store
		k.Instrs(func(in *ir.Instr) {
			v := in.Var()
			if (in.Op == ir.OpStore || in.Op == ir.OpStoreSeg) && v != nil && !slices.Contains(stored, v) {
				stored = append(stored, v)
				if in.Op == ir.OpStoreSeg {
					seg[v], _ = constOf(in.Args[0])
				}
			}
		})
		for _, x := range stored {
			f := storedForm(k, x, seg[x], calibrated)
			if out[x] == nil {
				out[x] = &storeForms{}
			}
			if step {
				out[x].step = append(out[x].step, f)
			} else {
				out[x].event = append(out[x].event, f)
			}
		}
	})
	return out
}

// storedForm is the affine form, in x's value before kernel k, of the
// last value k stores into x (into segment seg of it, for a dendrite
// array's variable: the segments are alike). Other variables are their
// calibrated intervals, parameters their values or ranges.
func storedForm(k *ir.Kernel, x *ir.Var, seg float64, calibrated map[*ir.Var]interval) affine {
	// ours reports whether a loadseg or storeseg reaches x's segment seg.
	ours := func(in *ir.Instr) bool {
		s, ok := constOf(in.Args[0])
		return in.Var() == x && ok && s == seg
	}
	if len(k.Blocks) != 1 {
		return affine{why: k.Name + " branches"}
	}
	vals := map[ir.Value]interval{}
	forms := map[ir.Value]affine{} // the values that depend on x
	now := affine{c: point(1), d: point(0), ok: true}
	var last affine
	form := func(v ir.Value) affine {
		if f, ok := forms[v]; ok {
			return f
		}
		return affine{c: point(0), d: vals[v], ok: true}
	}
	for _, in := range k.Blocks[0].Instrs {
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				vals[in] = point(c)
			}
			continue
		case ir.OpParam:
			if v := in.Var(); v != nil && v.Uniform {
				vals[in] = point(v.Value)
			} else if v != nil && v.Range != nil {
				vals[in] = interval{v.Range[0], v.Range[1], true}
			}
			continue
		case ir.OpLoad:
			v := in.Var()
			if v == x {
				forms[in] = now
			}
			vals[in] = calibrated[v]
			continue
		case ir.OpStore:
			if in.Var() == x {
				now = form(in.Args[0])
				last = now
			}
			continue
		case ir.OpLoadSeg:
			if ours(in) {
				forms[in] = now
			}
			vals[in] = calibrated[in.Var()]
			continue
		case ir.OpStoreSeg:
			if ours(in) {
				now = form(in.Args[1])
				last = now
			}
			continue
		}
		vals[in] = intervalOf(in.Op, func(n int) interval { return vals[in.Args[n]] })
		if !slices.ContainsFunc(in.Args, func(a ir.Value) bool { _, ok := forms[a]; return ok }) {
			continue // independent of x
		}
		forms[in] = affineOf(in, form, func(n int) interval { return vals[in.Args[n]] })
	}
	return last
}

// affineOf is the affine form of in, some of whose operands depend on x.
func affineOf(in *ir.Instr, form func(ir.Value) affine, val func(n int) interval) affine {
	a := func(n int) affine { return form(in.Args[n]) }
	for n := range in.Args {
		if !(in.Op == ir.OpSelect && n == 0) && !a(n).ok {
			return a(n)
		}
	}
	bad := affine{why: fmt.Sprintf("%s of it", in.Op)}
	// scale is f times an interval k, or f divided by it.
	scale := func(f affine, k interval, op ir.Op) affine {
		if !k.known {
			return bad
		}
		g := func(i interval) interval {
			return intervalOf(op, func(n int) interval { return []interval{i, k}[n] })
		}
		c, d := g(f.c), g(f.d)
		if !c.known {
			return bad // a divisor that may be 0
		}
		return affine{c: c, d: d, ok: true}
	}
	dep := func(n int) bool { return a(n).c != point(0) }
	switch in.Op {
	case ir.OpConvert:
		return a(0)
	case ir.OpAdd, ir.OpSub:
		both := func(x, y interval) interval {
			return intervalOf(in.Op, func(n int) interval { return []interval{x, y}[n] })
		}
		return affine{c: both(a(0).c, a(1).c), d: both(a(0).d, a(1).d), ok: true}
	case ir.OpNeg:
		return scale(a(0), point(-1), ir.OpMul)
	case ir.OpMul:
		switch {
		case !dep(0):
			return scale(a(1), val(0), ir.OpMul)
		case !dep(1):
			return scale(a(0), val(1), ir.OpMul)
		}
	case ir.OpDiv:
		if !dep(1) {
			return scale(a(0), val(1), ir.OpDiv)
		}
	case ir.OpMin, ir.OpMax, ir.OpSelect:
		// A clip or a reset (an arm independent of x) and a hold (x
		// itself, refractoriness) add no rounding noise and end none:
		// between them x follows its other arms.
		first := 0
		if in.Op == ir.OpSelect {
			first = 1
		}
		var arms, all []affine
		for n := first; n < len(in.Args); n++ {
			all = append(all, a(n))
			if f := a(n); dep(n) && !(f.c == point(1) && f.d == point(0)) {
				arms = append(arms, f)
			}
		}
		if len(arms) == 0 {
			arms = all
		}
		r := arms[0]
		for _, f := range arms[1:] {
			r.c, r.d = r.c.union(f.c), r.d.union(f.d)
		}
		return r
	}
	return bad
}

// chooseWidth is the width --quantize=fixed gives a variable that took
// the values r and whose kernels store st (nil: only init sets it), and
// why, for the module's note. It is the fewest bits of fixedWidths that
// hold r's largest magnitude and meet the rule of the variable's kind.
func chooseWidth(r interval, st *storeForms, steps int64) (int, string) {
	span, mag := r.hi-r.lo, max(math.Abs(r.lo), math.Abs(r.hi))
	lsb := func(w int) float64 { return math.Ldexp(1, -int(formatOf(r, uint8(w)).Frac)) }
	holds := func(w int) bool { return mag < math.Ldexp(1, w-1) }
	// first is the fewest bits that hold mag and for which ok holds;
	// without one, the fewest with the finest LSB (formats have at most
	// fixed.MaxFrac fraction bits, so more bits may not be finer).
	first := func(ok func(w int) bool) (int, bool) {
		best := fixedWidths[len(fixedWidths)-1]
		for _, w := range fixedWidths {
			if holds(w) && ok(w) {
				return w, true
			}
		}
		for _, w := range slices.Backward(fixedWidths) {
			if holds(w) && lsb(w) == lsb(best) {
				best = w
			}
		}
		return best, false
	}
	// fewer is the width before w, if it holds mag: the figure there
	// says why w was needed.
	fewer := func(w int) (int, bool) {
		n := slices.Index(fixedWidths, w)
		if n < 1 || !holds(fixedWidths[n-1]) {
			return 0, false
		}
		return fixedWidths[n-1], true
	}
	pct := func(x float64) string { return fmt.Sprintf("%.2g%%", 100*x) }
	var c, d interval
	var events bool
	if st != nil {
		fs := st.step
		if len(fs) == 0 {
			fs, events = st.event, true
		}
		for n, f := range fs {
			if !f.ok {
				return fallbackWidth, fmt.Sprintf("its stores are not bounded (%s): %d bits, the fallback", f.why, fallbackWidth)
			}
			if n == 0 {
				c, d = f.c, f.d
			} else {
				c, d = c.union(f.c), d.union(f.d)
			}
		}
	}
	cmax := max(math.Abs(c.lo), math.Abs(c.hi))
	switch {
	case span == 0:
		// One value: exact, or held to noiseFraction of itself.
		exact := func(w int) bool { return math.Mod(mag, lsb(w)) == 0 }
		w, ok := first(func(w int) bool { return exact(w) || lsb(w)/2 <= noiseFraction*mag })
		how := "exact"
		if !exact(w) {
			how = "rounded by " + pct(lsb(w)/2/mag) + " of it"
		}
		return w, fmt.Sprintf("took one value, %.4g, %s at %d bits%s", r.lo, how, w, unmet(ok))
	case st == nil:
		// Set once per element (init, prepare): its spread resolved.
		w, ok := first(func(w int) bool { return lsb(w)/2 <= noiseFraction*span })
		return w, fmt.Sprintf("set once; rounding %s of its span at %d bits%s", pct(lsb(w)/2/span), w, unmet(ok))
	case !events && cmax < 1:
		// The variance after the run's n steps, (1 - c^2n) / (1 - c^2)
		// stores' worth: the stationary one unless the decay is slower
		// than the run.
		l := 2 * math.Log(cmax)
		stores := -math.Expm1(l) // 1 - c^2
		if steps > 0 {
			stores = math.Expm1(float64(steps)*l) / math.Expm1(l)
		} else {
			stores = 1 / stores
		}
		noise := func(w int) float64 { return lsb(w) * math.Sqrt(stores/6) / span }
		w, ok := first(func(w int) bool { return noise(w) <= noiseFraction })
		why := fmt.Sprintf("rounding noise %s of its span at %d bits", pct(noise(w)), w)
		if v, has := fewer(w); has {
			why += fmt.Sprintf(", %s at %d", pct(noise(v)), v)
		}
		decay := fmt.Sprintf("%.4g", cmax)
		if cmax > 0.999 {
			decay = fmt.Sprintf("1 - %.3g", 1-cmax) // 0.9999999 says little
		}
		return w, why + fmt.Sprintf(" (decay %s a step)%s", decay, unmet(ok))
	case cmax <= 1 && (events || c == point(1)) && d.known && max(math.Abs(d.lo), math.Abs(d.hi)) > 0:
		step := max(math.Abs(d.lo), math.Abs(d.hi))
		w, ok := first(func(w int) bool { return step >= minStepLSBs*lsb(w) })
		why := fmt.Sprintf("its largest step, %.3g, is %.0f LSBs at %d bits", step, step/lsb(w), w)
		if v, has := fewer(w); has {
			why += fmt.Sprintf(", %.1f at %d", step/lsb(v), v)
		}
		return w, why + unmet(ok)
	}
	return fallbackWidth, fmt.Sprintf("neither decays nor steps by a bounded amount: %d bits, the fallback", fallbackWidth)
}

// unmet says that no width met the rule.
func unmet(ok bool) string {
	if ok {
		return ""
	}
	return " (short of the rule at every width; more bits are not finer)"
}
