// The ode pass: Discretize and the walk over one update kernel
// (discretizeKernel). Discretize couples compartments first
// (compartments.go), then per update kernel gathers the ode instructions
// into a system (ode_system.go), picks the method and builds the step:
// exact (ode_exact.go; propagator.go and symprop.go compute the
// propagator), or exponential Euler, Euler or RK4 (ode_methods.go), white
// noise taken apart before and added after (ode_noise.go); last it makes
// the traces decay (ode_traces.go).

package passes

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// Discretize replaces the ode instructions of every update kernel by the
// update of one time step, and makes traces decay exactly.
//
// The method follows the body's hint; without one, the rule is: exact if
// the system is linear with constant coefficients, else exponential Euler
// if every equation is linear in its own variable, else RK4. The method
// each equation got, and why, is noted on the kernel.
func Discretize(m *ir.Module) error {
	// The kernels, loads and stores this pass makes or moves are linked
	// (ir.Module.Link) when it returns, whatever it returns.
	defer m.Link()
	dt := m.Run.Dt
	// Coupled compartments first: some dendrites' ODEs join their soma's.
	split, diags := coupleCompartments(m)
	// It moved coupled dendrites' accesses into their soma's kernel by
	// bare names; linked, they say what they reach to the methods below
	// (symprop reads the parameters' refs).
	m.Link()
	var owners []*owner
	for _, p := range m.Populations {
		owners = append(owners, &owner{vars: &p.Vars, kernels: &p.Kernels})
		for _, d := range p.Dendrites {
			owners = append(owners, &owner{vars: &d.Vars, kernels: &d.Kernels})
		}
	}
	for _, pr := range m.Projections {
		owners = append(owners, &owner{vars: &pr.Vars, kernels: &pr.Kernels})
	}
	for _, o := range owners {
		k := ir.KernelNamed(*o.kernels, "update")
		if k == nil {
			continue
		}
		o.split = split[k]
		if d := discretizeKernel(k, o, dt); d != nil {
			diags = append(diags, d)
		}
		o.finish()
	}
	if len(diags) > 0 {
		return diags
	}
	for _, p := range m.Populations {
		stepTraces(p.Vars, &p.Kernels, dt)
		for _, d := range p.Dendrites {
			stepTraces(d.Vars, &d.Kernels, dt)
		}
	}
	for _, pr := range m.Projections {
		lazyTraces(pr)
	}
	return nil
}

// owner is what an update kernel belongs to: the variables and kernels of
// a population, dendrite or projection.
type owner struct {
	vars    *[]*ir.Var
	kernels *[]*ir.Kernel
	prepare *ir.Builder // the prepare kernel, once needed
	// split says, for an ODE variable coupled with a compartment whose
	// ODEs another kernel integrates, what it reads (compartments.go).
	split map[string]string
}

// prep returns a builder for the owner's prepare kernel, creating it.
func (o *owner) prep() *ir.Builder {
	if o.prepare == nil {
		k, b := ir.NewKernel("prepare", ir.TVoid)
		*o.kernels = append(*o.kernels, k)
		o.prepare = b
	}
	return o.prepare
}

// finish ends the prepare kernel, if one was made.
func (o *owner) finish() {
	if o.prepare != nil {
		o.prepare.Ret()
		dceKernel(o.prepare.Kernel)
		o.prepare = nil
	}
}

// hidden declares a state variable the compiler uses, once, and returns
// it.
func (o *owner) hidden(name string) *ir.Var {
	v := ir.VarNamed(*o.vars, name)
	if v == nil {
		v = &ir.Var{Name: name, Kind: ir.VarState, Type: ir.TF64}
		*o.vars = append(*o.vars, v)
	}
	return v
}

// state is the owner's state variable an ode instruction integrates: the
// ode's attribute names it (the verifier checks that it is one of the
// element's states), and carries no Ref.
func (o *owner) state(eq odeEq) *ir.Ref {
	if v := ir.VarNamed(*o.vars, eq.aux.Var); v != nil {
		return ir.Own(v)
	}
	return &ir.Ref{Name: eq.aux.Var}
}

// odeEq is one equation of a kernel's system.
type odeEq struct {
	in  *ir.Instr
	aux ir.ODEAux
	rhs ir.Value
}

func discretizeKernel(k *ir.Kernel, o *owner, dt float64) *Diagnostic {
	var eqs []odeEq
	var last *ir.Instr
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			if in.Op == ir.OpODE {
				eqs = append(eqs, odeEq{in: in, aux: in.Aux.(ir.ODEAux), rhs: in.Args[0]})
				last = in
			}
		}
	}
	if len(eqs) == 0 {
		return nil
	}
	method, why := eqs[0].aux.Method, "the model's hint"
	// The new values are computed where the last ode stood, from the
	// values of the step's start, and stored after all of them. (The
	// analysis below emits there too; what is not used is removed.)
	blk := last.Block
	ins := newInserter(blk, indexOfInstr(blk, last), last.Pos)
	// White noise (ode_noise.go): the methods see the deterministic part.
	noise, d := splitKernelNoise(&ins.Builder, eqs)
	if d != nil {
		ins.done()
		return d
	}
	if noise.any() && method == "rk4" {
		ins.done()
		return &Diagnostic{Pos: eqs[0].in.Pos, Msg: "method rk4 cannot integrate white noise (xi)",
			Hint: "use method euler (Euler–Maruyama), exponential_euler or exact"}
	}
	sys := newSystem(eqs)

	// Exact integration: with constant coefficients the propagator is
	// computed now; with coefficients from runtime or per-element
	// parameters, by a prepare kernel once per run.
	exactErr := sys.numericReason()
	if exactErr == nil {
		if d := sys.nonFinite(); d != nil {
			ins.done()
			return d
		}
	}
	var plan *symPlan
	if exactErr != nil {
		var symErr *reason
		plan, symErr = sys.symbolicPlan(&ins.Builder, drivenVar)
		if symErr == nil {
			exactErr = nil
		} else if symErr.msg != "" {
			exactErr = symErr
		}
	}
	if method == "exact" && exactErr != nil {
		ins.done()
		return &Diagnostic{Pos: exactErr.pos, Msg: "method exact, but " + exactErr.msg,
			Hint: "exact integration needs linear equations whose coefficients are fixed during a run; use method exponential_euler or rk4"}
	}
	if method == "" {
		switch {
		case exactErr == nil:
			method, why = "exact", "default: linear"
		case sys.conditionallyLinear():
			method, why = "exponential_euler", "default: "+exactErr.msg+"; each equation is linear in its own variable"
		case noise.any():
			method, why = "euler", "default: "+exactErr.msg+"; with white noise, Euler–Maruyama rather than rk4"
		default:
			method, why = "rk4", "default: "+exactErr.msg
		}
	}
	if method == "exponential_euler" && !sys.conditionallyLinear() {
		ins.done()
		return &Diagnostic{Pos: eqs[0].in.Pos, Msg: "method exponential_euler, but an equation is not linear in its own variable",
			Hint: "use method rk4 or euler"}
	}
	firstNote := len(k.Notes)
	for _, eq := range eqs {
		note := fmt.Sprintf("d%s/dt: %s (%s)", eq.aux.Var, method, why)
		switch {
		case method == "exact" && plan != nil:
			note = fmt.Sprintf("d%s/dt: exact, propagator computed once per run by the prepare kernel (%s; linear, with coefficients from runtime or per-element parameters)", eq.aux.Var, why)
		case method == "exact":
			note = fmt.Sprintf("d%s/dt: exact, propagator computed at compile time (%s; linear with constant coefficients)", eq.aux.Var, why)
		}
		if from := o.split[eq.aux.Var]; from != "" {
			note = splitNote(eq.aux.Var, method, why, from)
		}
		k.Notes = append(k.Notes, note)
	}
	old := make([]ir.Value, len(eqs))
	for i, eq := range eqs {
		old[i] = ins.Load(ir.TF64, o.state(eq))
	}
	var next []ir.Value
	switch method {
	case "exact":
		var checked []string
		var d *Diagnostic
		if plan != nil {
			next, checked, d = sys.symbolicExact(&ins.Builder, o, plan, old, dt)
		} else {
			next, checked, d = sys.exact(&ins.Builder, old, dt)
		}
		if d != nil {
			ins.done()
			return d
		}
		for i, c := range checked {
			k.Notes[firstNote+i] += "; " + c
		}
	case "exponential_euler":
		next = sys.exponentialEuler(&ins.Builder, old, dt)
	case "euler":
		next = sys.euler(&ins.Builder, old, dt)
	case "rk4":
		next = sys.rk4(&ins.Builder, old, dt)
	default:
		return &Diagnostic{Pos: last.Pos, Msg: "unknown integration method " + method}
	}
	if noise.any() {
		noise.addNoise(&ins.Builder, k, sys, method, plan == nil, next, dt)
	}
	frozen, checkedFrozen, d := sys.whileRefractory(&ins.Builder, o, method, old, dt)
	if d != nil {
		ins.done()
		return d
	}
	if frozen != nil {
		note := frozenNote(eqs)
		if len(checkedFrozen) > 0 {
			note += "; its propagator " + strings.Join(checkedFrozen, "; ")
		}
		k.Notes = append(k.Notes, note)
	}
	var refr ir.Value
	for i, eq := range eqs {
		v := next[i]
		if eq.aux.Unless || (frozen != nil && frozen[i] != nil) {
			if refr == nil {
				refr = ins.Emit(ir.OpRefract, ir.TBool, nil)
			}
			if eq.aux.Unless {
				v = ins.Select(refr, old[i], v)
			} else {
				v = ins.Select(refr, frozen[i], v)
			}
		}
		next[i] = v
	}
	for i, eq := range eqs {
		ins.StoreRef(o.state(eq), next[i])
	}
	ins.done()
	for _, eq := range eqs {
		removeInstr(eq.in)
	}
	dceKernel(k)
	return nil
}

func indexOfInstr(b *ir.Block, in *ir.Instr) int {
	for i, x := range b.Instrs {
		if x == in {
			return i
		}
	}
	panic("passes: instruction not in its block")
}

func removeInstr(in *ir.Instr) {
	b := in.Block
	b.Instrs = append(b.Instrs[:indexOfInstr(b, in)], b.Instrs[indexOfInstr(b, in)+1:]...)
}
