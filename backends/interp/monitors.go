package interp

// Monitors: what each records, and how it reads a value.

import (
	"fmt"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/mathfn"
)

func (s *sim) buildMonitors() error {
	for _, mon := range s.m.Monitors {
		if mon.Kind == "spikes" {
			var sm *spikeMon
			switch t := mon.Target.(type) {
			case *ir.Population:
				ps := s.popBy[t]
				sm = &spikeMon{runtime.NewSpikes(mon.Name, t.Name, ps.p.Size, mon.Ranges), &ps.spikes, mon}
			case *ir.Input:
				in := s.inBy[t]
				sm = &spikeMon{runtime.NewSpikes(mon.Name, t.Name, in.in.Size, mon.Ranges), &in.spikes, mon}
			default:
				return fmt.Errorf("monitor %s: no population or input %s", mon.Name, mon.TargetName())
			}
			rec := sm.rec
			rec.Base = int32(mon.Base)
			rec.Reserve = func(bytes, replaced float64) (bool, float64, error) {
				if s.mem.grow(bytes, replaced) {
					return true, 0, nil
				}
				return false, s.mem.limit - s.mem.need, fmt.Errorf("monitor %s: its %d spikes up to step %d (t = %g s) need more memory than is left of the %s available; record fewer neurons (a selection such as %s[0:100]) or run for less time",
					rec.Name, len(rec.Steps), s.now, float64(s.now)*s.dt, BytesText(s.mem.limit), rec.Source)
			}
			s.spikeMons = append(s.spikeMons, sm)
			continue
		}
		every := int64(max(mon.Every, 1))
		var rec *runtime.State
		var value func(i int32) float64
		if k := ir.KernelNamed(mon.Kernels, "value"); k != nil {
			// A definition: its kernel runs for each recorded element.
			var e *env
			var st *site
			if ps := s.popBy[targetPop(mon)]; ps != nil {
				e, st = s.env(ps.ref), ps.site
			} else if pr := s.projBy[targetProj(mon)]; pr != nil {
				// Synapse traces are read decayed to the sampling step,
				// as a monitor of the trace itself reads them.
				e, st = s.env(nil), pr.site
				for _, c := range pr.cells {
					if c.v.Kind == ir.VarTrace {
						e.decayed[c.v] = s.synapseValue(pr, c, false)
					}
				}
			} else {
				return fmt.Errorf("monitor %s: no population, global or projection %s", mon.Name, mon.TargetName())
			}
			kn, err := e.compile(mon.Name, k, st)
			if err != nil {
				return err
			}
			ranges := mon.Ranges
			if st.pre != nil {
				ranges = nil
			}
			rec = runtime.NewState(mon.Name, mon.TargetName(), mon.Var, st.n, ranges, every, s.dt)
			value = realValue(k.Result, func(i int32) float64 { return kn.one(s.now, float64(s.now)*s.dt, int(i)) })
		} else if ps := s.popBy[targetPop(mon)]; ps != nil {
			v := mon.Variable()
			c := s.cellOf[v]
			if d, ok := mon.Sampled().(*ir.Dendrite); ok && d.Array && v != nil && v.Kind != ir.VarParam {
				c = nil // a segment's state: one value per segment, not per neuron
			}
			if c == nil || c.arr == nil {
				return fmt.Errorf("monitor %s: %s.%s is not a variable this interpreter can record", mon.Name, mon.TargetName(), mon.Var)
			}
			rec = runtime.NewState(mon.Name, mon.TargetName(), mon.Var, ps.site.n, mon.Ranges, every, s.dt)
			arr := c.arr
			value = realValue(c.v.Type, func(i int32) float64 { return arr[i] })
		} else if pr := s.projBy[targetProj(mon)]; pr != nil {
			c := pr.cells[mon.Var]
			if c == nil {
				return fmt.Errorf("monitor %s: projection %s has no variable %s", mon.Name, mon.TargetName(), mon.Var)
			}
			rec = runtime.NewState(mon.Name, mon.TargetName(), mon.Var, pr.site.n, nil, every, s.dt)
			value = s.synapseValue(pr, c, true)
		} else {
			return fmt.Errorf("monitor %s: no population, global or projection %s", mon.Name, mon.TargetName())
		}
		rec.Warn = s.opts.Warn
		rec.Base = int32(mon.Base)
		if pr := s.projBy[targetProj(mon)]; pr != nil {
			// Each recorded synapse's neurons, so that a recording can be
			// read by (pre, post) pair.
			pre, post := synapseNeurons(pr)
			rec.Pre, rec.Post = make([]int32, len(rec.Indices)), make([]int32, len(rec.Indices))
			for x, syn := range rec.Indices {
				rec.Pre[x], rec.Post[x] = pre[syn], post[syn]
			}
		}
		s.stateMons = append(s.stateMons, &stateMon{rec, value, mon})
	}
	return nil
}

// synapseValue reads a synapse variable; a trace is decayed to the
// current step from the synapse's last event, as an event would see it.
func (s *sim) synapseValue(pr *projState, c *cell, real bool) func(i int32) float64 {
	if c.arr == nil {
		return func(int32) float64 { return c.val }
	}
	arr := c.arr
	// With real, a fixed-point variable is read as the number it stands
	// for, before any decay (for a monitor); without, as its raw value
	// (for a kernel's load, which converts).
	read := func(i int32) float64 { return arr[i] }
	if real && c.v.Type.Kind == ir.Fixed {
		f := formatOf(c.v.Type)
		read = func(i int32) float64 { return f.Float(int64(arr[i])) }
	}
	var last *cell
	if clock := pr.pr.Clock(); clock != nil {
		last = s.cellOf[clock]
	}
	if c.v.Kind != ir.VarTrace || last == nil {
		return read
	}
	// The time constant: a number, or a parameter (Link resolved it) with
	// one value or one per synapse.
	tauOf := func(int32) float64 { return 0 }
	if x, ok := c.v.TauSeconds(); ok {
		tauOf = func(int32) float64 { return x }
	} else if p := s.cellOf[c.v.TauParam]; p != nil && p.arr != nil {
		tauOf = func(i int32) float64 { return p.arr[i] }
	} else if p != nil {
		tauOf = func(int32) float64 { return p.val }
	}
	return func(i int32) float64 {
		t := float64(s.now) * s.dt
		return read(i) * mathfn.Exp(-(t-last.arr[i])/tauOf(i))
	}
}

// targetPop and targetProj return the population (a global included) or
// projection a monitor records, nil for another kind of target.
func targetPop(mon *ir.Monitor) *ir.Population {
	p, _ := mon.Target.(*ir.Population)
	return p
}

func targetProj(mon *ir.Monitor) *ir.Projection {
	pr, _ := mon.Target.(*ir.Projection)
	return pr
}
