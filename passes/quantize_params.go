// The quantize pass: the intervals of the parameters, its first step and
// its last (quantize.go's header gives the order of all the steps).
//
// calibratedParams, run before any format is chosen, gives the runtime
// parameters, the parameters currents set and those set per element an
// interval; returned bounds what a floating-point kernel returns from
// them. settableRanges, run once every kernel is rewritten, turns the
// intervals of the runtime parameters that reach fixed point into the
// Range --set is checked against.

package passes

import (
	"math"
	"slices"
	"strings"

	"snnc/ir"
)

// calibratedParams gives the runtime parameters, the parameters currents
// set and those set per element an interval: a runtime parameter's stated
// range (m.Run.Declared: in [lo, hi] in the model, or --range) with the
// values the calibration run saw; else what that run saw, widened by half
// its span or half its magnitude, whichever is more. A runtime parameter
// the run saw only at 0, with no stated range, gets none: nothing says
// what --set may give it, and what it enters stays floating point.
// settableRanges then makes the intervals of runtime parameters the
// values --set may give them.
func (q *quantizer) calibratedParams() {
	q.params = map[*ir.Var]interval{}
	q.paramNames = map[*ir.Var]string{}
	add := func(prefix string, vars []*ir.Var) {
		for _, v := range vars {
			if v.Kind != ir.VarParam || v.Type != ir.TF64 {
				continue
			}
			name := prefix + v.Name
			q.paramNames[v] = name
			x, seen := q.m.Run.Ranges[name]
			if d, ok := q.m.Run.Declared[name]; ok && v.Runtime {
				r := interval{d[0], d[1], true}
				if seen {
					r = r.union(interval{x[0], x[1], true})
				}
				q.params[v] = r
				continue
			}
			if !seen || v.Runtime && x == [2]float64{} {
				continue
			}
			margin := max((x[1]-x[0])/2, max(math.Abs(x[0]), math.Abs(x[1]))/2)
			r := interval{x[0] - margin, x[1] + margin, true}
			if x[0] >= 0 {
				r.lo = max(0, r.lo) // a parameter that was never negative stays so
			}
			q.params[v] = r
		}
	}
	add("", q.m.Params)
	for _, p := range q.m.Populations {
		add(p.Name+".", p.Vars)
		for _, d := range p.Dendrites {
			add(p.Name+"."+d.Name+".", d.Vars)
		}
	}
	for _, pr := range q.m.Projections {
		add(pr.Name+".", pr.Vars)
	}
	// A parameter a current sets takes the values the current's kernel
	// gives from its parameters' intervals (a stated range of the
	// runtime parameter it reads), as well as those calibration saw.
	for _, c := range q.m.Currents {
		target := q.currentTarget(c)
		for _, k := range c.Kernels {
			r, ok := q.returned(k)
			if target == nil || !ok {
				continue
			}
			if old, has := q.params[target]; has {
				r = r.union(old)
			}
			q.params[target] = r
		}
	}
}

// currentTarget is the parameter a current sets.
func (q *quantizer) currentTarget(c *ir.Current) *ir.Var { return c.Param }

// returned is the interval of the value a straight-line floating-point
// kernel returns, from its constants and its parameters' intervals.
func (q *quantizer) returned(k *ir.Kernel) (interval, bool) {
	if len(k.Blocks) != 1 {
		return interval{}, false
	}
	iv := map[ir.Value]interval{}
	for _, in := range k.Blocks[0].Instrs {
		switch in.Op {
		case ir.OpConst:
			if c, ok := constOf(in); ok {
				iv[in] = point(c)
			}
		case ir.OpParam:
			if v := in.Var(); v != nil {
				if r, ok := q.params[v]; ok {
					iv[in] = r
				} else if v.Uniform && !v.Runtime {
					iv[in] = point(v.Value)
				}
			}
		case ir.OpRet:
			if len(in.Args) == 1 {
				r := iv[in.Args[0]]
				return r, r.known
			}
		default:
			iv[in] = intervalOf(in.Op, func(n int) interval { return iv[in.Args[n]] })
		}
	}
	return interval{}, false
}

// settableRanges gives each runtime parameter whose value reaches fixed
// point (a convert from floating point to fixed point depends on it, or
// on a parameter a current sets from it) its interval as its Range: the
// values --set may give it, which the runtimes check (others would
// saturate). The other runtime parameters, whose values stay floating
// point (a population that is not quantized), get none: any value is
// exact there. One that reaches fixed point with no interval is noted.
func (q *quantizer) settableRanges() {
	reach := map[*ir.Var]bool{}
	q.m.Kernels(func(_ string, k *ir.Kernel) {
		deps := map[ir.Value][]*ir.Var{} // the parameters a floating-point value depends on
		k.Instrs(func(in *ir.Instr) {
			var d []*ir.Var
			if v := in.Var(); in.Op == ir.OpParam && v != nil {
				d = append(d, v)
			}
			for _, a := range in.Args {
				for _, v := range deps[a] {
					if !slices.Contains(d, v) {
						d = append(d, v)
					}
				}
			}
			if in.Op == ir.OpConvert && in.Typ.Kind == ir.Fixed {
				for _, v := range d {
					reach[v] = true
				}
			}
			if in.Typ == ir.TF64 {
				deps[in] = d
			}
		})
	})
	for _, c := range q.m.Currents {
		if t := q.currentTarget(c); t == nil || !reach[t] {
			continue
		}
		for _, k := range c.Kernels {
			k.Instrs(func(in *ir.Instr) {
				if v := in.Var(); in.Op == ir.OpParam && v != nil {
					reach[v] = true
				}
			})
		}
	}
	var runtime []*ir.Var
	for v := range q.paramNames {
		if v.Runtime {
			runtime = append(runtime, v)
		}
	}
	slices.SortFunc(runtime, func(a, b *ir.Var) int { return strings.Compare(q.paramNames[a], q.paramNames[b]) })
	for _, v := range runtime {
		name := q.paramNames[v]
		r, ok := q.params[v]
		switch {
		case !reach[v]:
			v.Range = nil
		case ok:
			v.Range = &[2]float64{r.lo, r.hi}
		default:
			v.Range = nil
			q.note("runtime parameter %s states no range and is 0 by default: what it enters is computed in floating point; state its range (in [lo, hi] on its declaration) or give --range %s=LO:HI to keep it fixed point", name, name)
		}
	}
}
