package passes

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"snnc/ir"
)

// This file is the first step of the ODE pass: it finds the compartments
// of a neuron (its soma and its dendrites) whose ODEs are coupled, and
// makes the coupled linear system of a neuron one system where it can.
//
// Lowering gives each dendrite its own update kernel, run before the
// soma's (language.md section 6). Integrated that way, each compartment
// holds its neighbours' state over the step: a split (Gauss-Seidel)
// scheme, first order in dt and unstable or badly wrong when the coupling
// is fast against dt. A soma of 100 pF and a dendrite of 10 pF joined by
// 100 nS exchange charge with a time constant of 0.09 ms; at dt = 0.1 ms
// the split scheme settled 4% of the way off the conserved charge.
//
// So a single-compartment dendrite whose ODEs are coupled with the soma's
// (either reads the other's state) has its ODEs moved into the soma's
// update kernel, its names rewritten as the soma sees them (its u becomes
// apical.u), where Discretize integrates them with the soma's as one
// system: exactly if the joint system is linear. What cannot be moved (a
// dendrite array, whose segments the soma reads through reductions, or a
// dendrite whose kernel or method does not allow it) stays split: its
// equations' notes say so, and where the coupling is linear with constant
// coefficients its rate is estimated and a dt at which the split scheme
// is inaccurate is an error that says what dt is needed.

// splitTolerance bounds r·dt for compartments integrated split, r the
// rate of their exchange (see checkSplit). For two compartments C_s and
// C_d joined by g, the split scheme (the dendrite's step with v held, then
// the soma's with the new u held) gains charge g dt^2 (g/C_s + g/C_d)/2
// per step times the difference between them; summed over the exchange
// it moves where they settle by g dt / (2 (C_s + C_d)) of their initial
// difference, which is r dt sqrt(C_s C_d) / (2 (C_s + C_d)) and at most
// r·dt/4 (C_s = C_d). Measured against the closed form: 3.8% at C_s =
// 10 C_d and r·dt = 0.32, where the formula gives 4.5%. So r·dt ≤ 0.04
// keeps the split scheme's error within about 1%.
const splitTolerance = 0.04

// coupleCompartments merges coupled single-compartment dendrites into
// their soma's update kernel, and returns, per update kernel, the ODE
// variables that stay split from a coupled compartment (with what they are
// split from), and the diagnostics of split couplings too fast for dt.
func coupleCompartments(m *ir.Module) (map[*ir.Kernel]map[string]string, Diagnostics) {
	split := map[*ir.Kernel]map[string]string{}
	var diags Diagnostics
	for _, p := range m.Populations {
		if p.Global || len(p.Dendrites) == 0 {
			continue
		}
		soma := ir.KernelNamed(p.Kernels, "update")
		if soma == nil || len(odesOf(soma)) == 0 {
			continue
		}
		for _, d := range p.Dendrites {
			dk := ir.KernelNamed(d.Kernels, "update")
			if dk == nil || len(odesOf(dk)) == 0 {
				continue
			}
			somaReads, dendReads := couplings(soma, d, dk)
			if len(somaReads) == 0 && len(dendReads) == 0 {
				continue
			}
			why := ""
			if d.Array {
				why = "a dendrite array"
			} else {
				why = mergeDendrite(soma, d, dk, p.Driven())
			}
			if why == "" {
				d.Kernels = slices.DeleteFunc(d.Kernels, func(k *ir.Kernel) bool { return k == dk })
				if dg := checkMerged(soma, d, p.Driven(), m.Run.Dt); dg != nil {
					diags = append(diags, dg)
				}
				continue
			}
			// Split: say so in the notes of both sides.
			note := func(k *ir.Kernel, vars map[string][]string) {
				if split[k] == nil {
					split[k] = map[string]string{}
				}
				for v, from := range vars {
					say := fmt.Sprintf("from %s (%s), which its own kernel integrates and this one holds over the step", strings.Join(from, ", "), why)
					if split[k][v] != "" {
						say = split[k][v] + "; " + say
					}
					split[k][v] = say
				}
			}
			note(soma, somaReads)
			note(dk, dendReads)
			if len(somaReads) > 0 && len(dendReads) > 0 {
				advice := "set run { dt = ... } to at most that"
				if strings.HasPrefix(why, "the soma's method") {
					advice += ", or give the soma and the dendrite one method, so that they are integrated as one system"
				}
				if dg := checkSplit(odesOf(soma), odesOf(dk), d, false, "integrated split ("+why+")", advice, m.Run.Dt); dg != nil {
					diags = append(diags, dg)
				}
			}
		}
	}
	return split, diags
}

// odesOf returns a kernel's ode instructions in order.
func odesOf(k *ir.Kernel) []*ir.Instr {
	var out []*ir.Instr
	for _, b := range k.Blocks {
		for _, in := range b.Instrs {
			if in.Op == ir.OpODE {
				out = append(out, in)
			}
		}
	}
	return out
}

func odeVar(in *ir.Instr) string { return in.Aux.(ir.ODEAux).Var }

// couplings returns, for each ODE variable of the soma, the variables of
// d integrated by d's kernel that its right side reads (an array's
// through a reduction), and for each of d's, the soma's it reads.
func couplings(soma *ir.Kernel, d *ir.Dendrite, dk *ir.Kernel) (somaReads, dendReads map[string][]string) {
	somaReads, dendReads = map[string][]string{}, map[string][]string{}
	somaVars, dendVars := map[string]bool{}, map[string]bool{}
	for _, in := range odesOf(soma) {
		somaVars[odeVar(in)] = true
	}
	for _, in := range odesOf(dk) {
		dendVars[d.Name+"."+odeVar(in)] = true
	}
	for _, in := range odesOf(soma) {
		from := readsOf(soma, in.Args[0], func(l *ir.Instr) bool {
			return (l.Op == ir.OpLoad || l.Op == ir.OpLoadSeg) && dendVars[l.VarName()]
		})
		if len(from) > 0 {
			somaReads[odeVar(in)] = from
		}
	}
	// In d's kernel a name of d's own shadows the soma's.
	for _, in := range odesOf(dk) {
		from := readsOf(dk, in.Args[0], func(l *ir.Instr) bool {
			return l.Op == ir.OpLoad && somaVars[l.VarName()] && !slices.Contains(d.Vars, l.Var())
		})
		if len(from) > 0 {
			dendReads[odeVar(in)] = from
		}
	}
	return somaReads, dendReads
}

// readsOf lists the variables of the loads v, a value of kernel k,
// depends on that match.
func readsOf(k *ir.Kernel, v ir.Value, match func(*ir.Instr) bool) []string {
	var out []string
	seen := map[ir.Value]bool{}
	var walk func(ir.Value)
	walk = func(v ir.Value) {
		if seen[v] {
			return
		}
		seen[v] = true
		// A block parameter (a reduction's accumulator) reads what every
		// branch to its block passes it.
		if bp, ok := v.(*ir.BlockParam); ok {
			at := slices.Index(bp.Block.Params, bp)
			for _, b := range k.Blocks {
				if t := b.Terminator(); t != nil {
					for _, tg := range t.Targets {
						if tg.Block == bp.Block && at < len(tg.Args) {
							walk(tg.Args[at])
						}
					}
				}
			}
			return
		}
		in, ok := v.(*ir.Instr)
		if !ok {
			return
		}
		if match(in) && !slices.Contains(out, in.VarName()) {
			out = append(out, in.VarName())
		}
		for _, a := range in.Args {
			walk(a)
		}
	}
	walk(v)
	slices.Sort(out)
	return out
}

// mergeDendrite moves the ODEs of a single compartment's update kernel dk
// into the soma's update kernel, before the soma's first ode, and returns
// "" or why it cannot: the kernel must be straight code of pure
// operations and ode instructions (lowering makes it so, but a draw is
// keyed by its kernel's element and must stay there), and the two
// compartments' methods must give one method for the joint system.
func mergeDendrite(soma *ir.Kernel, d *ir.Dendrite, dk *ir.Kernel, driven map[string]bool) string {
	if len(dk.Blocks) != 1 {
		return "its update kernel branches"
	}
	for _, in := range dk.Blocks[0].Instrs {
		switch {
		case in.Op == ir.OpODE || in.Op == ir.OpRet:
		case in.Op == ir.OpRand:
			return "its update kernel draws random numbers"
		case in.Op.Info().SideEffect || in.Op.Info().Terminator:
			return "its update kernel has " + in.Op.String()
		}
	}
	somaODEs, dendODEs := odesOf(soma), odesOf(dk)
	ms, md := somaODEs[0].Aux.(ir.ODEAux).Method, dendODEs[0].Aux.(ir.ODEAux).Method
	if ms != "" && md != "" && ms != md {
		return fmt.Sprintf("the soma's method is %s and the dendrite's %s", ms, md)
	}
	method := ms
	if method == "" {
		method = md
	}

	// Clone before the soma's first ode, d's names as the soma sees them.
	at := somaODEs[0]
	blk := at.Block
	idx := indexOfInstr(blk, at)
	// The clones are bare names, which Link resolves when the pass
	// returns: in the soma's kernel d's names reach other values than in
	// d's (its neuron's variables become the element's own), which is the
	// scope's to say. An ode's attribute names its variable and has no
	// Ref: it is renamed by d's variables' names.
	rename := func(name string) string {
		if ir.VarNamed(d.Vars, name) != nil {
			return d.Name + "." + name
		}
		return name
	}
	memo := map[ir.Value]ir.Value{}
	var clones []*ir.Instr
	for _, in := range dk.Blocks[0].Instrs {
		if in.Op == ir.OpRet {
			continue
		}
		args := make([]ir.Value, len(in.Args))
		for i, a := range in.Args {
			if c, ok := memo[a]; ok {
				args[i] = c
			} else {
				args[i] = a
			}
		}
		aux := in.Aux
		switch in.Op {
		case ir.OpLoad, ir.OpParam:
			aux = in.VarName()
			if slices.Contains(d.Vars, in.Var()) {
				aux = d.Name + "." + in.VarName()
			}
		case ir.OpODE:
			a := in.Aux.(ir.ODEAux)
			a.Var = rename(a.Var)
			aux = a
		}
		c := &ir.Instr{Op: in.Op, Typ: in.Typ, Aux: aux, Args: args, Block: blk, Pos: in.Pos}
		memo[in] = c
		clones = append(clones, c)
	}
	blk.Instrs = slices.Insert(blk.Instrs, idx, clones...)

	// An explicit method of one compartment becomes the joint system's
	// only if it applies to it; the default rule applies to any system.
	all := odesOf(soma)
	if method != "" && !methodApplies(method, all, driven) {
		blk.Instrs = slices.DeleteFunc(blk.Instrs, func(in *ir.Instr) bool { return slices.Contains(clones, in) })
		return fmt.Sprintf("method %s does not apply to the joint system", method)
	}
	for _, in := range all {
		a := in.Aux.(ir.ODEAux)
		a.Method = method
		in.Aux = a
	}
	soma.Notes = append(soma.Notes, fmt.Sprintf("dendrite %s: its ODEs are coupled with the soma's and are integrated with them as one system", d.Name))
	return ""
}

// checkMerged checks the coupling of a soma and the dendrite d merged into
// its update kernel where the joint system's method, the hint or the
// default rule's choice, holds each variable's neighbours at their values
// of the step's start (euler, exponential_euler): across compartments
// that is a split scheme again.
func checkMerged(soma *ir.Kernel, d *ir.Dendrite, driven map[string]bool, dt float64) *Diagnostic {
	all := odesOf(soma)
	method := all[0].Aux.(ir.ODEAux).Method
	if method == "" {
		switch {
		case methodApplies("exact", all, driven):
			method = "exact"
		case methodApplies("exponential_euler", all, driven):
			method = "exponential_euler"
		default:
			method = "rk4"
		}
	}
	if method != "euler" && method != "exponential_euler" {
		return nil
	}
	var own, dend []*ir.Instr
	for _, in := range all {
		if strings.HasPrefix(odeVar(in), d.Name+".") {
			dend = append(dend, in)
		} else {
			own = append(own, in)
		}
	}
	return checkSplit(own, dend, d, true,
		"integrated as one system by method "+method+", which holds each variable's neighbours at their values of the step's start",
		"set run { dt = ... } to at most that, or use method exact (for a linear system) or rk4", dt)
}

// methodApplies reports whether a method can integrate the system of the
// given ode instructions: exact needs a linear system with coefficients
// fixed during a run, exponential Euler each equation linear in its own
// variable.
func methodApplies(method string, odes []*ir.Instr, driven map[string]bool) bool {
	var eqs []odeEq
	for _, in := range odes {
		eqs = append(eqs, odeEq{in: in, aux: in.Aux.(ir.ODEAux), rhs: in.Args[0]})
	}
	sys := newSystem(eqs)
	switch method {
	case "exact":
		if sys.numericReason() == nil {
			return true
		}
		// The plan's instructions go to a scratch kernel.
		_, b := ir.NewKernel("scratch", ir.TVoid)
		_, r := sys.symbolicPlan(b, drivenByName(driven))
		return r == nil
	case "exponential_euler":
		return sys.conditionallyLinear()
	}
	return true
}

// checkSplit estimates how fast a soma and a dendrite integrated split
// exchange state, and returns an error if dt is too long for the split
// scheme. With C_sd[x][y] the coefficient of the dendrite's y (one
// segment's) in the soma's dx/dt and C_ds[y][x] that of the soma's x in
// dy/dt, the loop gain over one exchange is N |C_sd| |C_ds| (N segments,
// each coupled alike), and the rate r is the square root of its spectral
// radius: for two compartments joined by g, sqrt(g/C_s · g/C_d). Only
// couplings linear with constant coefficients are estimated (a reduction
// by sum or mean, not max or any); others stay split unchecked, which
// their notes say.
//
// The same check applies to compartments made one system but integrated
// by a method that holds each variable's neighbours at their values of the
// step's start (euler, exponential_euler): merged is then true, and the
// dendrite's equations are the soma kernel's, with d's names prefixed.
func checkSplit(somaODEs, dendODEs []*ir.Instr, d *ir.Dendrite, merged bool, how, advice string, dt float64) *Diagnostic {
	sIndex := map[string]int{}
	for i, in := range somaODEs {
		sIndex[odeVar(in)] = i
	}
	dIndex := map[string]int{}
	for i, in := range dendODEs {
		name := odeVar(in)
		if !merged {
			name = d.Name + "." + name
		}
		dIndex[name] = i
	}
	ns, nd := len(somaODEs), len(dendODEs)
	csd := mat.NewDense(ns, nd, nil)
	cds := mat.NewDense(nd, ns, nil)

	// The soma's rows: a single compartment's loads, or per segment
	// through a reduction's accumulator.
	for i, in := range somaODEs {
		coef, ok := linearIn(in.Args[0], func(v ir.Value) (string, bool) {
			if l, isInstr := v.(*ir.Instr); isInstr && l.Op == ir.OpLoad {
				_, ok := dIndex[l.VarName()]
				return l.VarName(), ok
			}
			if _, isParam := v.(*ir.BlockParam); isParam {
				return "", true // an accumulator, weighed below
			}
			return "", false
		})
		if !ok {
			return nil
		}
		for leaf, c := range coef {
			switch x := leaf.(type) {
			case *ir.Instr:
				j := dIndex[x.VarName()]
				csd.Set(i, j, csd.At(i, j)+math.Abs(c))
			case *ir.BlockParam:
				seg, ok := reductionTerms(x, dIndex)
				if !ok {
					return nil
				}
				for j, s := range seg {
					csd.Set(i, j, csd.At(i, j)+math.Abs(c*s))
				}
			}
		}
	}
	for j, in := range dendODEs {
		coef, ok := linearIn(in.Args[0], func(v ir.Value) (string, bool) {
			// In d's own kernel a name of d's shadows the soma's.
			if l, isInstr := v.(*ir.Instr); isInstr && l.Op == ir.OpLoad && (merged || !slices.Contains(d.Vars, l.Var())) {
				_, ok := sIndex[l.VarName()]
				return l.VarName(), ok
			}
			return "", false
		})
		if !ok {
			return nil
		}
		for leaf, c := range coef {
			i := sIndex[leaf.(*ir.Instr).VarName()]
			cds.Set(j, i, cds.At(j, i)+math.Abs(c))
		}
	}
	count := 1.0
	if d.Array {
		count = float64(d.Count)
	}
	var loop mat.Dense
	loop.Mul(csd, cds)
	loop.Scale(count, &loop)
	var eig mat.Eigen
	if !eig.Factorize(&loop, mat.EigenNone) {
		return nil
	}
	radius := 0.0
	for _, e := range eig.Values(nil) {
		radius = math.Max(radius, math.Hypot(real(e), imag(e)))
	}
	rate := math.Sqrt(radius)
	if rate*dt <= splitTolerance || math.IsNaN(rate) {
		return nil
	}
	need := splitTolerance / rate
	return &Diagnostic{Pos: dendODEs[0].Pos,
		Msg: fmt.Sprintf("dendrite %s and its soma exchange state at a rate of %.4g/s and are %s: at dt = %s its error is up to about r·dt/4 = %.2g of the difference between them; for 1%%, dt must be at most %s",
			d.Name, rate, how, fmtDt(dt), rate*dt/4, fmtDt(need)),
		Hint: advice}
}

// fmtDt writes a step in ms.
func fmtDt(dt float64) string { return fmt.Sprintf("%.3g ms", dt*1e3) }

// reductionTerms returns, for the accumulator acc of a sum over a
// dendrite array's segments (language.md 3.5), the coefficient of each
// segment's variable (by index) in the summed term; ok is false for max
// and any, or a term that is not linear with constant coefficients.
func reductionTerms(acc *ir.BlockParam, dIndex map[string]int) ([]float64, bool) {
	head := acc.Block
	if len(head.Params) != 2 || head.Params[1] != acc {
		return nil, false
	}
	// The back edge passes acc's next value: add(acc, term).
	for _, b := range head.Kernel.Blocks {
		t := b.Terminator()
		if t == nil || t.Op != ir.OpBr || t.Targets[0].Block != head || len(t.Targets[0].Args) != 2 {
			continue
		}
		next, ok := t.Targets[0].Args[1].(*ir.Instr)
		if !ok || next.Op != ir.OpAdd {
			continue
		}
		term := next.Args[1]
		if next.Args[1] == acc {
			term = next.Args[0]
		} else if next.Args[0] != acc {
			continue
		}
		coef, ok := linearIn(term, func(v ir.Value) (string, bool) {
			if l, isInstr := v.(*ir.Instr); isInstr && l.Op == ir.OpLoadSeg {
				_, ok := dIndex[l.VarName()]
				return l.VarName(), ok
			}
			return "", false
		})
		if !ok {
			return nil, false
		}
		out := make([]float64, len(dIndex))
		for leaf, c := range coef {
			out[dIndex[leaf.(*ir.Instr).VarName()]] += c
		}
		return out, true
	}
	return nil, false
}

// linearIn writes v as a sum of constant multiples of the leaves isLeaf
// selects plus terms free of them, and returns the multiples; ok is false
// where v is not linear in the leaves with constant coefficients.
func linearIn(v ir.Value, isLeaf func(ir.Value) (string, bool)) (map[ir.Value]float64, bool) {
	deps := map[ir.Value]bool{}
	var depends func(ir.Value) bool
	depends = func(v ir.Value) bool {
		if d, ok := deps[v]; ok {
			return d
		}
		d := false
		if _, leaf := isLeaf(v); leaf {
			d = true
		} else if in, ok := v.(*ir.Instr); ok {
			for _, a := range in.Args {
				if depends(a) {
					d = true
				}
			}
		}
		deps[v] = d
		return d
	}
	var lin func(ir.Value) (map[ir.Value]float64, bool)
	scale := func(m map[ir.Value]float64, f float64) map[ir.Value]float64 {
		out := map[ir.Value]float64{}
		for k, x := range m {
			out[k] = x * f
		}
		return out
	}
	lin = func(v ir.Value) (map[ir.Value]float64, bool) {
		if _, leaf := isLeaf(v); leaf {
			return map[ir.Value]float64{v: 1}, true
		}
		if !depends(v) {
			return map[ir.Value]float64{}, true
		}
		in := v.(*ir.Instr)
		switch in.Op {
		case ir.OpNeg:
			x, ok := lin(in.Args[0])
			return scale(x, -1), ok
		case ir.OpAdd, ir.OpSub:
			x, ok1 := lin(in.Args[0])
			y, ok2 := lin(in.Args[1])
			if !ok1 || !ok2 {
				return nil, false
			}
			sign := 1.0
			if in.Op == ir.OpSub {
				sign = -1
			}
			for k, c := range y {
				x[k] += sign * c
			}
			return x, true
		case ir.OpMul:
			a, b := in.Args[0], in.Args[1]
			if depends(a) {
				a, b = b, a
			}
			c, isConst := constOf(a)
			if !isConst || depends(a) {
				return nil, false
			}
			x, ok := lin(b)
			return scale(x, c), ok
		case ir.OpDiv:
			c, isConst := constOf(in.Args[1])
			if !isConst {
				return nil, false
			}
			x, ok := lin(in.Args[0])
			return scale(x, 1/c), ok
		}
		return nil, false
	}
	return lin(v)
}

// splitNote is the note of an equation integrated split from a coupled
// compartment. It names the method but claims no exactness: the whole
// system is integrated to first order in dt.
func splitNote(v, method, why, from string) string {
	return fmt.Sprintf("d%s/dt: split %s; within this kernel: %s (%s)", v, from, methodWords(method), why)
}

func methodWords(method string) string {
	if method == "exact" {
		return "the linear system's propagator"
	}
	return method
}

// frozenNote says how a system whose equations are in part frozen while
// refractory is integrated then.
func frozenNote(eqs []odeEq) string {
	var frozen, moving []string
	for _, eq := range eqs {
		if eq.aux.Unless {
			frozen = append(frozen, eq.aux.Var)
		} else {
			moving = append(moving, eq.aux.Var)
		}
	}
	return fmt.Sprintf("while refractory: %s frozen; %s integrated by the same method as their own system, with %s held",
		strings.Join(frozen, ", "), strings.Join(moving, ", "), strings.Join(frozen, ", "))
}

// whileRefractory returns, for a system in which some equations are
// frozen while the neuron is refractory (unless refractory) and others
// read them, the others' update while it is: the system of the others
// alone, the frozen variables held as inputs, by the same method. The
// joint update would integrate them as if the frozen variables moved. It
// returns nil where that is not needed: no equation is frozen, all are,
// none of the others reads a frozen one, or the method reads the other
// variables only at the step's start (euler, exponential_euler), which a
// frozen variable is equal to.
//
// A soma's v frozen while refractory and a dendrite's u that reads it
// (language.md 3.5: a dendrite has no refractoriness of its own) is the
// case that needs it once compartments are integrated as one system.
func (s *system) whileRefractory(b *ir.Builder, o *owner, method string, old []ir.Value, dt float64) (out []ir.Value, checked []string, d *Diagnostic) {
	if method != "exact" && method != "rk4" {
		return nil, nil, nil
	}
	var frozen []int
	for j, eq := range s.eqs {
		if eq.aux.Unless {
			frozen = append(frozen, j)
		}
	}
	if len(frozen) == 0 || len(frozen) == len(s.eqs) {
		return nil, nil, nil
	}
	reads := false
	for _, eq := range s.eqs {
		for _, j := range frozen {
			if !eq.aux.Unless && s.dependsOnVar(eq.rhs, j) {
				reads = true
			}
		}
	}
	if !reads {
		return nil, nil, nil
	}
	// The others' system; its variables' names get a prefix for the
	// hidden propagator entries a prepare kernel stores, which must not
	// be the joint system's. (refractory is a keyword: no dendrite has
	// that name.)
	sub := newSystem(nil) // its equations are added below, under their new names
	var at []int
	var subOld []ir.Value
	for i, eq := range s.eqs {
		if eq.aux.Unless {
			continue
		}
		sub.index[eq.aux.Var] = len(sub.eqs)
		eq.aux.Var = "refractory." + eq.aux.Var
		sub.eqs = append(sub.eqs, eq)
		at = append(at, i)
		subOld = append(subOld, old[i])
	}
	var next []ir.Value
	switch {
	case method == "rk4":
		next = sub.rk4(b, subOld, dt)
	case sub.numericReason() == nil:
		next, checked, d = sub.exact(b, subOld, dt)
	default:
		plan, r := sub.symbolicPlan(b, drivenVar)
		if r != nil {
			// Its coefficients are some of the joint system's, which
			// had a plan.
			panic(fmt.Sprintf("passes: ode: no propagator for the refractory subsystem: %s", r.msg))
		}
		next, checked, d = sub.symbolicExact(b, o, plan, subOld, dt)
	}
	if d != nil {
		return nil, nil, d
	}
	out = make([]ir.Value, len(s.eqs))
	for k, i := range at {
		out[i] = next[k]
	}
	return out, checked, nil
}
