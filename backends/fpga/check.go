// What of a model the core cannot run: Build calls check before any step,
// so that a model the core cannot run gets a diagnostic, not a design.

package fpga

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// check says what of the model the core cannot run.
func check(m *ir.Module) error {
	quantized := m.Run.Quantize != 0
	m.Vars(func(v *ir.Var) { quantized = quantized || v.Type.Kind == ir.Fixed })
	if !quantized {
		return fmt.Errorf("the FPGA core computes fixed point: build with --quantize=int16 (or int8, int32, fixed), or annotate the state with quantize")
	}
	var errs []string
	where := func(pos ir.Pos, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if pos.File != "" {
			msg = pos.String() + ": " + msg
		}
		errs = append(errs, msg)
	}
	first := func(k *ir.Kernel) ir.Pos {
		var p ir.Pos
		k.Instrs(func(in *ir.Instr) {
			if p.File == "" {
				p = in.Pos
			}
		})
		return p
	}
	for _, p := range m.Populations {
		switch {
		case p.Global:
			var pos ir.Pos
			for _, k := range p.Kernels {
				if pos.File == "" {
					pos = first(k)
				}
			}
			where(pos, "global %s: the core has no globals", p.Name)
			continue
		case p.Group != nil:
			continue
		}
		for _, k := range p.Kernels {
			switch {
			case k.Role == ir.RoleSchedule:
				where(first(k), "population %s: scheduled code (at, every); the core runs the same step on every step, and its state changes only there or between runs", p.Name)
			case k.Name == "init", k.Name == "prepare", k.Name == "step":
			default:
				where(first(k), "population %s: a separate %s kernel (the core runs one step kernel per neuron: keep the fuse pass on, and give the neuron a threshold)", p.Name, k.Name)
			}
		}
		if ir.KernelNamed(p.Kernels, "step") == nil {
			where(ir.Pos{}, "population %s has no step kernel (the core runs one step kernel per neuron: keep the fuse pass on, and give the neuron a threshold)", p.Name)
		}
		for _, v := range p.Vars {
			if v.Kind != ir.VarParam && v.Type.Kind != ir.Fixed {
				where(ir.Pos{}, "population %s: %s is %s; the core holds fixed-point state", p.Name, v.Name, v.Type)
			}
		}
	}
	for _, c := range m.Currents {
		k := ir.KernelNamed(c.Kernels, "value")
		k.Instrs(func(in *ir.Instr) {
			switch in.Op {
			case ir.OpTable:
				// The host computes a current of time between runs from
				// the kernel's arithmetic alone (evalKernel), which has
				// no tables.
				where(posNear(k, in), "current %s reads timed array %s; the core's build computes currents of time from arithmetic only, not from tables", c.Name, in.VarName())
			case ir.OpLoad, ir.OpRand, ir.OpIndex, ir.OpLoadSeg:
				// One of time alone is computed by snnc and written between
				// runs where it changes.
				where(posNear(k, in), "current %s depends on %s; the core's parameters change only between runs, by time", c.Name, describe(in))
			}
		})
	}
	for _, pr := range m.Projections {
		if pr.PartOf != nil {
			continue
		}
		for _, k := range pr.Kernels {
			switch {
			case k.Role == ir.RoleSchedule:
				where(first(k), "%s: scheduled code (at, every); the core's synapses change only at events: on pre and on post", pr.Describe())
			case k.Name == "init", k.Name == "prepare", k.Name == "on_pre", k.Name == "on_post":
			case k.Role == ir.RoleConnect:
				// A condition, probability or generator: the host builds
				// the synapses with the interpreter (interp.Initial), as
				// it computes init.
			case k.Role == ir.RoleOnPre:
				where(first(k), "%s: pathway %s (on pre %s); the core delivers a spike once per synapse, after the synapse's one delay", pr.Describe(), k.Name[len("on_pre."):], k.Name[len("on_pre."):])
			case k.Name == "summed":
				where(first(k), "%s: a summed variable (the core has no step that sums over every synapse; its synapses act only at events: on pre and on post)", pr.Describe())
			default:
				where(first(k), "%s: a %s kernel (the core's synapses change only at events: on pre and on post)", pr.Describe(), k.Name)
			}
		}
		for _, v := range pr.Vars {
			if v.Kind != ir.VarParam && v.Name != "trace.tlast" && v.Type.Kind != ir.Fixed {
				where(ir.Pos{}, "%s: synapse state %s is %s; the core holds fixed-point state", pr.Describe(), v.Name, v.Type)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}
