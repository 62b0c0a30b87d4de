// The quantize pass, step 2: the formats of the state variables and
// traces (quantize.go's header gives the order of the steps).
//
// formats runs after calibratedParams (quantize_params.go), whose
// intervals it reads, and gives every variable of a population, dendrite
// or projection its fixed-point format: from its calibrated range, or
// under --quantize=fixed with the width chooseWidth picks
// (quantize_width.go). The kernels are rewritten afterwards
// (quantize_kernel.go) against these formats.

package passes

import (
	"snnc/ir"
)

// formats gives every state variable and trace its format, and returns
// the widest width it chose under --quantize=fixed (0 otherwise).
func (q *quantizer) formats() int {
	// The constants a threshold compares a variable with, and those a
	// reset or scheduled code stores into it, are values it takes.
	// Scheduled code may store when no calibration ran (at 1 s, after a
	// calibration of less): a variable it stores anything but constants
	// into has values nothing bounds, and stays floating point.
	extra := map[*ir.Var]interval{}
	unbounded := map[*ir.Var]bool{}
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		sched := k.Role == ir.RoleSchedule
		if k.Name != "threshold" && k.Name != "reset" && !sched {
			return
		}
		k.Instrs(func(in *ir.Instr) {
			var v *ir.Var
			var c float64
			var ok bool
			switch {
			case in.Op == ir.OpStore:
				v = in.Var()
				c, ok = constOf(in.Args[0])
				if sched && !ok && v != nil {
					unbounded[v] = true
				}
			case len(in.Args) == 2 && in.Type() == ir.TBool:
				for n, a := range in.Args {
					if l, isLoad := a.(*ir.Instr); isLoad && l.Op == ir.OpLoad {
						v = l.Var()
						c, ok = constOf(in.Args[1-n])
					}
				}
			}
			if v != nil && ok {
				if x, seen := extra[v]; seen {
					extra[v] = x.union(point(c))
				} else {
					extra[v] = point(c)
				}
			}
		})
	})
	// The values each variable took, for the formats and for the
	// analysis of what the kernels store (under fixed).
	calibrated := map[*ir.Var]interval{}
	q.owned(func(owner string, v *ir.Var) {
		if x, ok := q.m.Run.Ranges[owner+"."+v.Name]; ok {
			calibrated[v] = interval{x[0], x[1], true}
		} else if v.Range != nil {
			calibrated[v] = interval{v.Range[0], v.Range[1], true}
		}
	})
	var stores map[*ir.Var]*storeForms
	if q.m.Run.Quantize == ir.QuantizeFixed {
		stores = q.storeForms(calibrated)
	}
	widest := 0
	set := func(owner string, vars []*ir.Var) {
		for _, v := range vars {
			// Time (a synapse's last event) stays floating point.
			if v.Kind == ir.VarParam || v.Type != ir.TF64 || v.Name == TraceClock {
				continue
			}
			r := calibrated[v]
			if x, ok := extra[v]; ok {
				if r.known {
					r = r.union(x)
				} else {
					r = x
				}
			}
			w := v.Quantize
			if w == 0 {
				w = q.m.Run.Quantize
			}
			if w == 0 {
				continue // neither --quantize nor an annotation: floating point
			}
			if unbounded[v] {
				q.note("%s.%s: scheduled code stores values no calibration bounds: it stays floating point", owner, v.Name)
				continue
			}
			if !r.known {
				q.note("%s.%s has no range (no calibration covered it): it stays floating point", owner, v.Name)
				continue
			}
			if w == ir.QuantizeFixed {
				var why string
				w, why = chooseWidth(r, stores[v], q.m.Run.Steps)
				widest = max(widest, w)
				q.note("%s.%s %s: %s", owner, v.Name, formatOf(r, uint8(w)), why)
			}
			// Headroom beyond what the calibration saw: half the range
			// on each side for the intervals, and one bit for the format.
			margin := (r.hi - r.lo) / 2
			v.Type = formatOf(r, uint8(w))
			v.Range = &[2]float64{r.lo - margin, r.hi + margin}
		}
	}
	// (No groups yet: fuse runs after this pass.)
	for _, p := range q.m.Populations {
		set(p.Name, p.Vars)
		for _, d := range p.Dendrites {
			set(p.Name+"."+d.Name, d.Vars)
		}
	}
	for _, pr := range q.m.Projections {
		set(pr.Name, pr.Vars)
	}
	return widest
}

// owned calls f with every variable of a population, dendrite or
// projection, and its owner's name.
func (q *quantizer) owned(f func(owner string, v *ir.Var)) {
	for _, p := range q.m.Populations {
		for _, v := range p.Vars {
			f(p.Name, v)
		}
		for _, d := range p.Dendrites {
			for _, v := range d.Vars {
				f(p.Name+"."+d.Name, v)
			}
		}
	}
	for _, pr := range q.m.Projections {
		for _, v := range pr.Vars {
			f(pr.Name, v)
		}
	}
}
