// State monitors on the core: which of the model's state monitors a run
// can record by reading the core's state back between steps, at the steps
// they sample, and why the others cannot be.

package fpga

import (
	"fmt"
	"slices"

	"snnc/ir"
)

// MaxSamples bounds the read-backs one state monitor may need: each is a
// dump of every neuron's state word, which in RTL simulation costs as
// much as many steps.
const MaxSamples = 2000

// stateMonitors decides which state monitors the run records (with
// sample, Options.StateMonitors) and at which steps the state is read
// back: d.Sampled, d.samples, and d.Refused for the others.
//
// A monitor samples step k in section 6's step 4 (language.md): after the
// step's scheduled code, currents, deliveries and on_post, before its
// integration. The core runs whole steps, so what a read-back after k
// steps holds is that sample only for a variable none of steps 0 to 3
// writes: the core has no scheduled code (check refuses it), currents
// drive parameters, which the state words do not hold, so a population's
// state variable is sampled exactly when no projection's kernel stores to
// it.
func (bs *buildState) stateMonitors(sample bool) {
	m, d := bs.m, bs.d
	held := map[string]bool{}
	for _, ow := range d.owners {
		for _, name := range ow.names {
			held[ow.p.Name+"."+name] = true
		}
	}
	steps := map[int64]bool{}
	for _, mon := range m.Monitors {
		if mon.Kind == "spikes" {
			continue
		}
		what := fmt.Sprintf("state of %s.%s", mon.TargetName(), mon.Var)
		if ir.KernelNamed(mon.Kernels, "value") != nil {
			what = fmt.Sprintf("definition %s of %s", mon.Var, mon.TargetName())
		}
		refuse := func(format string, args ...any) {
			msg := fmt.Sprintf("monitor %s (%s) is not recorded: ", mon.Name, what) + fmt.Sprintf(format, args...) +
				"; --target=interp with the same --quantize records it"
			if mon.Pos.File != "" {
				msg = mon.Pos.String() + ": " + msg
			}
			d.Refused = append(d.Refused, msg)
		}
		if !sample {
			refuse("the core reports spikes during a run and its state only at the end")
			continue
		}
		v := mon.Variable()
		_, isPop := mon.Target.(*ir.Population)
		switch {
		case ir.KernelNamed(mon.Kernels, "value") != nil:
			refuse("the core computes a definition inside its step and holds no word of it to read back")
			continue
		case !isPop:
			refuse("the core reads its synapse words back only after the run, not at each sample (on_pre and on_post change them before a step's sample)")
			continue
		case v == nil || v.Kind == ir.VarParam || !held[mon.TargetName()+"."+mon.Var]:
			refuse("the core holds no state word of %s.%s to read back (a parameter, a dendrite array's segment or a member of a fused group is not one)", mon.TargetName(), mon.Var)
			continue
		}
		if pr, kn := writer(m, v); pr != nil {
			refuse("projection %s's %s writes it in a step's deliveries, which the sample of the step includes and a read-back between steps cannot see", pr.Name, kn)
			continue
		}
		var due []int64
		every := int64(max(mon.Every, 1))
		first, end := int64(0), d.Steps
		if mon.Window != [2]int64{} {
			// The due steps of the window only: a late window of a long
			// run is not searched for step by step.
			first, end = (mon.Window[0]+every-1)/every*every, min(end, mon.Window[1])
		}
		for k := first; k < end; k += every {
			if mon.Records(k) {
				due = append(due, k)
				if len(due) > MaxSamples {
					break
				}
			}
		}
		if len(due) > MaxSamples {
			refuse("it samples more than %d steps, and each sample is a read-back of the core's whole state (in RTL simulation, as slow as many steps); a larger every, a window or a shorter --duration records it", MaxSamples)
			continue
		}
		d.Sampled = append(d.Sampled, mon.Name)
		for _, k := range due {
			steps[k] = true
		}
	}
	for k := range steps {
		d.samples = append(d.samples, k)
	}
	slices.Sort(d.samples)
}

// writer returns a projection with a kernel that stores to v (on_pre,
// on_post, a pathway's), and that kernel's name; nil if none does.
func writer(m *ir.Module, v *ir.Var) (*ir.Projection, string) {
	for _, pr := range m.Projections {
		for _, k := range pr.Kernels {
			found := false
			k.Instrs(func(in *ir.Instr) {
				if in.Op != ir.OpStore && in.Op != ir.OpStoreSeg {
					return
				}
				if r, ok := in.Aux.(*ir.Ref); ok && r.Var == v {
					found = true
				}
			})
			if found {
				return pr, k.Name
			}
		}
	}
	return nil, ""
}
