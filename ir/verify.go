package ir

import (
	"fmt"
	"strings"
)

// Verify checks the module's invariants: every kernel is well formed
// (blocks end in one terminator, branch arguments match block parameters,
// operand counts and types follow the op table, every use is dominated by
// its definition) and every variable or parameter a kernel names exists.
// The error lists every problem, each naming the kernel and the value.
func Verify(m *Module) error {
	v := &verifier{m: m}
	v.module()
	if len(v.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(v.errs, "\n"))
}

type verifier struct {
	m    *Module
	errs []string
}

func (v *verifier) errorf(where string, format string, args ...any) {
	v.errs = append(v.errs, where+": "+fmt.Sprintf(format, args...))
}

// scope is what a kernel may name: its element's variables, the module's
// parameters, globals' variables (global.x), and in synapse kernels the
// pre and post neurons' (pre.x, post.x). It is the one place a name is
// resolved: Module.Link makes each access's Ref from it (and each trace's
// TauParam), and the verifier checks names against it; passes and
// backends read the Refs.
type scope struct {
	Vars     map[string]*Var
	Segments map[string]*Var // dendrite-array state, read with loadseg
	Indices  map[string]bool
	// Where says, for each name of Vars, whose value the kernel's element
	// reaches; SegmentOf, for each name of Segments, the array it is in.
	Where     map[string]Index
	SegmentOf map[string]SegmentArray
}

// Index says which element's value of a variable a name reaches from
// the element a kernel runs for.
type Index uint8

const (
	IndexElement     Index = iota // the element itself (a neuron, a segment, a synapse)
	IndexNeuron                   // its neuron: a segment's neuron, or a synapse's pre neuron
	IndexPost                     // a synapse's post neuron
	IndexPostSegment              // a synapse's own segment of its post neuron's dendrite array
	IndexGlobal                   // the one value of a global's variable or a module parameter
)

// SegmentArray is the dendrite array of a name read with loadseg: its
// segments per neuron, and whether the neuron is a synapse's post neuron
// (post.dendrite.x) rather than the element's own.
type SegmentArray struct {
	Count int
	Post  bool
}

// kernelScopes returns the names each kernel of the module may use.
func kernelScopes(m *Module) map[*Kernel]*scope {
	kernels, _ := scopesByOwner(m)
	return kernels
}

// scopesByOwner returns kernelScopes, and the names of each node that owns
// kernels (a population or global, a dendrite, an input, a projection, a
// current), with nil for what every kernel sees (the module's parameters
// and the globals' variables). A monitor's kernels see the names of the
// node it samples (Monitor.Sampled).
func scopesByOwner(m *Module) (map[*Kernel]*scope, map[Node]*scope) {
	out := map[*Kernel]*scope{}
	globalVars := map[string]*Var{}
	for _, p := range m.Params {
		globalVars[p.Name] = p
	}
	for _, p := range m.Populations {
		if p.Global {
			for _, gv := range p.Vars {
				globalVars[p.Name+"."+gv.Name] = gv
			}
		}
	}
	set := func(sc *scope, name string, x *Var, idx Index) {
		sc.Vars[name] = x
		sc.Where[name] = idx
	}
	// neuron adds a population's names under prefix, reached through idx.
	neuron := func(p *Population, prefix string, sc *scope, idx Index) {
		for _, x := range p.Vars {
			set(sc, prefix+x.Name, x, idx)
		}
		for _, d := range p.Dendrites {
			for _, x := range d.Vars {
				// A segment array's state is per segment; its parameters
				// are per neuron.
				name := prefix + d.Name + "." + x.Name
				if d.Array && x.Kind != VarParam {
					sc.Segments[name] = x
					sc.SegmentOf[name] = SegmentArray{Count: d.Count, Post: idx == IndexPost}
				} else {
					set(sc, name, x, idx)
				}
			}
		}
	}
	newNames := func() *scope {
		sc := &scope{Vars: map[string]*Var{}, Segments: map[string]*Var{}, Indices: map[string]bool{"i": true},
			Where: map[string]Index{}, SegmentOf: map[string]SegmentArray{}}
		for n, x := range globalVars {
			set(sc, n, x, IndexGlobal)
		}
		return sc
	}
	// The names of each population, dendrite and projection, for their
	// kernels and their monitors'.
	owners := map[Node]*scope{nil: newNames()}
	for _, p := range m.Populations {
		sc := newNames()
		neuron(p, "", sc, IndexElement)
		owners[p] = sc
		for _, d := range p.Dendrites {
			// A dendrite's element is a segment (or its neuron, for a
			// single compartment); its parameters are per neuron.
			dsc := newNames()
			neuron(p, "", dsc, IndexNeuron)
			for _, x := range d.Vars {
				idx := IndexElement
				if x.Kind == VarParam {
					idx = IndexNeuron
				}
				set(dsc, x.Name, x, idx)
			}
			owners[d] = dsc
		}
	}
	for _, in := range m.Inputs {
		owners[in] = newNames()
	}
	for _, pr := range m.Projections {
		sc := newNames()
		sc.Indices["j"] = true
		for _, x := range pr.Vars {
			set(sc, x.Name, x, IndexElement)
		}
		if pre, ok := pr.Pre.(*Population); ok {
			neuron(pre, "pre.", sc, IndexNeuron)
		}
		if post := pr.Post; post != nil {
			neuron(post, "post.", sc, IndexPost)
			// Onto a dendrite, post.x is also the dendrite's x: of the
			// synapse's own segment for an array's state.
			if d := pr.Dendrite; d != nil {
				for _, x := range d.Vars {
					idx := IndexPost
					if d.Array && x.Kind != VarParam {
						idx = IndexPostSegment
					}
					set(sc, "post."+x.Name, x, idx)
				}
			}
		}
		owners[pr] = sc
	}
	for _, c := range m.Currents {
		sc := newNames()
		if p := c.Population; p != nil {
			neuron(p, "", sc, IndexElement)
		}
		owners[c] = sc
	}
	m.Nodes(func(n Node, ks []*Kernel) {
		sc := owners[n]
		if mon, ok := n.(*Monitor); ok {
			sc = owners[mon.Sampled()]
		}
		for _, k := range ks {
			out[k] = sc
		}
	})
	return out, owners
}

func (v *verifier) module() {
	v.checkLinks()
	v.checkReductions()
	v.checkSlices()
	for _, in := range v.m.Inputs {
		v.inputColumns(in)
	}
	scopes := kernelScopes(v.m)
	v.m.Nodes(func(n Node, ks []*Kernel) {
		for _, k := range ks {
			v.kernel(n.NodeName(), k, scopes[k])
		}
	})
}

// kernel checks one kernel.
func (v *verifier) kernel(owner string, k *Kernel, sc *scope) {
	where := owner + "." + k.Name
	if len(k.Blocks) == 0 {
		v.errorf(where, "kernel has no blocks")
		return
	}
	k.Number()
	defined := map[Value]*Block{}
	position := map[Value]int{}
	for _, b := range k.Blocks {
		for _, p := range b.Params {
			defined[p] = b
			position[p] = -1
		}
		for i, in := range b.Instrs {
			if in.HasResult() {
				defined[in] = b
				position[in] = i
			}
		}
	}
	idom := Dominators(k)
	dominates := func(a, b *Block) bool {
		for ; b != nil; b = idom[b] {
			if a == b {
				return true
			}
		}
		return false
	}
	for _, b := range k.Blocks {
		bwhere := fmt.Sprintf("%s b%d", where, b.Index)
		if b.Terminator() == nil {
			v.errorf(bwhere, "block does not end with a terminator")
		}
		for i, in := range b.Instrs {
			iwhere := bwhere + ": " + FormatInstr(in)
			info := in.Op.Info()
			if info.Terminator && i != len(b.Instrs)-1 {
				v.errorf(iwhere, "terminator in the middle of a block")
			}
			for _, slot := range in.Operands() {
				use := *slot
				if use == nil {
					v.errorf(iwhere, "nil operand")
					continue
				}
				db, ok := defined[use]
				switch {
				case !ok:
					v.errorf(iwhere, "operand %s is not defined in this kernel", use.Name())
				case db == b && position[use] >= i:
					v.errorf(iwhere, "operand %s is used before its definition", use.Name())
				case db != b && !dominates(db, b):
					v.errorf(iwhere, "operand %s does not dominate its use", use.Name())
				}
			}
			v.instr(iwhere, in, sc, k)
		}
	}
}

// instr checks an instruction against the op table and the names in scope.
func (v *verifier) instr(where string, in *Instr, sc *scope, k *Kernel) {
	info := in.Op.Info()
	if info.Name == "" {
		v.errorf(where, "invalid op")
		return
	}
	if info.Args >= 0 && len(in.Args) != info.Args {
		v.errorf(where, "%s takes %d operands, not %d", info.Name, info.Args, len(in.Args))
		return
	}
	if len(in.Targets) != info.Targets {
		v.errorf(where, "%s takes %d targets, not %d", info.Name, info.Targets, len(in.Targets))
		return
	}
	if msg := auxSyntaxes[info.Aux].check(in); msg != "" {
		v.errorf(where, "%s", msg)
	}
	// Fixed point only where the table defines the op on it.
	fixed := in.Typ.Kind == Fixed
	for _, a := range in.Args {
		fixed = fixed || a != nil && a.Type().Kind == Fixed
	}
	if fixed && info.Fixed == "" {
		v.errorf(where, "%s is not defined on fixed point", info.Name)
		return
	}
	switch info.Result {
	case resVoid:
		if in.HasResult() {
			v.errorf(where, "%s has no result", info.Name)
		}
	case resBool:
		if in.Typ != TBool {
			v.errorf(where, "%s yields bool, not %s", info.Name, in.Typ)
		}
	case resSame:
		if in.Typ.Kind == Fixed {
			// Fixed point: the operands may have other formats; the op
			// computes exactly and rounds into the result's (opTable's
			// Fixed, runtime/fixed).
			for _, a := range in.Args {
				if a.Type().Kind != Fixed {
					v.errorf(where, "operand %s is %s, not fixed point", a.Name(), a.Type())
				}
			}
			break
		}
		for _, a := range in.Args {
			if a.Type() != in.Typ {
				v.errorf(where, "operand %s is %s, the result %s", a.Name(), a.Type(), in.Typ)
			}
		}
		if !in.Typ.IsNumeric() {
			v.errorf(where, "%s needs numbers, not %s", info.Name, in.Typ)
		}
	case resSecondThird:
		if in.Args[0].Type() != TBool {
			v.errorf(where, "select's condition is %s", in.Args[0].Type())
		}
		if in.Args[1].Type() != in.Typ || in.Args[2].Type() != in.Typ {
			v.errorf(where, "select's values do not match its type %s", in.Typ)
		}
	case resAttr:
		if !in.HasResult() {
			v.errorf(where, "%s needs a result type", info.Name)
		}
	}
	switch in.Op {
	case OpParam, OpLoad, OpStore, OpLoadSeg, OpStoreSeg:
		// Backends read the Ref: it must be what the name reaches.
		if r, want := in.Ref(), sc.Ref(in.Op, in.VarName()); r == nil || *r != *want {
			v.errorf(where, "%s is not resolved to what it names here; Module.Link was not called after a change", in.VarName())
		}
	}
	switch in.Op {
	case OpTraceDecay:
		if in.Args[0].Type() != TF64 || in.Typ.Kind != Fixed {
			v.errorf(where, "tracedecay takes an f64 time and yields fixed point")
		}
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		if len(in.Args) == 2 && in.Args[0].Type().Kind == Fixed && in.Args[1].Type().Kind == Fixed {
			break // compared exactly, whatever their formats
		}
		if len(in.Args) == 2 && in.Args[0].Type() != in.Args[1].Type() {
			v.errorf(where, "comparison of %s and %s", in.Args[0].Type(), in.Args[1].Type())
		}
	case OpAnd, OpOr, OpNot:
		for _, a := range in.Args {
			if a.Type() != TBool {
				v.errorf(where, "operand %s is %s, not bool", a.Name(), a.Type())
			}
		}
	case OpParam:
		x := sc.Vars[in.VarName()]
		if x == nil || x.Kind != VarParam {
			v.errorf(where, "no parameter %s", in.VarName())
		}
	case OpLoad, OpStore:
		// init kernels set per-element parameters; nothing else writes one.
		x := sc.Vars[in.VarName()]
		if x == nil || x.Kind == VarParam && in.Op == OpStore && (k.Name != "init" || x.Uniform) {
			if x == nil && sc.Segments[in.VarName()] != nil {
				v.errorf(where, "%s is a dendrite-array variable; use loadseg", in.VarName())
			} else {
				v.errorf(where, "no state variable %s", in.VarName())
			}
		}
		if in.Op == OpStore && x != nil && len(in.Args) == 1 && in.Args[0].Type() != x.Type {
			v.errorf(where, "stores %s into %s of type %s", in.Args[0].Type(), x.Name, x.Type)
		}
	case OpLoadSeg, OpStoreSeg:
		x := sc.Segments[in.VarName()]
		if x == nil {
			v.errorf(where, "no dendrite-array variable %s", in.VarName())
		}
		if len(in.Args) >= 1 && in.Args[0].Type() != TF64 {
			v.errorf(where, "the segment of %s is a %s, not an f64", in.VarName(), in.Args[0].Type())
		}
		if in.Op == OpStoreSeg && x != nil && len(in.Args) == 2 && in.Args[1].Type() != x.Type {
			v.errorf(where, "stores %s into %s of type %s", in.Args[1].Type(), in.VarName(), x.Type)
		}
	case OpIndex:
		if !sc.Indices[fmt.Sprint(in.Aux)] {
			v.errorf(where, "no index %v here", in.Aux)
		}
	case OpData:
		switch d := v.m.DataNamed(in.VarName()); {
		case d == nil:
			v.errorf(where, "no data array %s", in.VarName())
		case d.By != DataByNeuron && !sc.Indices["j"]:
			v.errorf(where, "data %s is by %s, outside a projection's kernel", d.Name, d.By)
		}
	case OpTable:
		tb := v.m.TableNamed(in.VarName())
		switch {
		case tb == nil:
			v.errorf(where, "no table %s", in.VarName())
		case len(in.Args) != map[bool]int{false: 1, true: 2}[tb.Two]:
			v.errorf(where, "table %s takes %d operands, not %d", tb.Name, map[bool]int{false: 1, true: 2}[tb.Two], len(in.Args))
		}
		for _, a := range in.Args {
			if a.Type() != TF64 {
				v.errorf(where, "table takes f64 operands, not %s", a.Type())
			}
		}
	case OpStartRef:
		if k.Name != "step" {
			v.errorf(where, "startref outside a step kernel")
		}
		if len(in.Args) == 2 && (in.Args[0].Type() != TBool || in.Args[1].Type() != TF64) {
			v.errorf(where, "startref takes a bool condition and an f64 period")
		}
	case OpODE:
		o, _ := in.Aux.(ODEAux)
		if sc.Vars[o.Var] == nil || sc.Vars[o.Var].Kind != VarState {
			v.errorf(where, "ode for a variable that is not a state variable")
		}
	case OpBr, OpCondBr:
		for _, t := range in.Targets {
			if t.Block.Kernel != k {
				v.errorf(where, "branch to a block of another kernel")
				continue
			}
			if len(t.Args) != len(t.Block.Params) {
				v.errorf(where, "b%d takes %d arguments, not %d", t.Block.Index, len(t.Block.Params), len(t.Args))
				continue
			}
			for i, a := range t.Args {
				if a.Type() != t.Block.Params[i].Typ {
					v.errorf(where, "argument %d of b%d is %s, not %s", i, t.Block.Index, a.Type(), t.Block.Params[i].Typ)
				}
			}
		}
		if in.Op == OpCondBr && in.Args[0].Type() != TBool {
			v.errorf(where, "condbr needs one bool condition")
		}
	case OpRet:
		switch {
		case k.Result.Kind == Void && len(in.Args) != 0:
			v.errorf(where, "kernel %s returns nothing", k.Name)
		case k.Result.Kind != Void && (len(in.Args) != 1 || in.Args[0].Type() != k.Result):
			v.errorf(where, "kernel %s returns %s", k.Name, k.Result)
		}
	}
}

// Dominators returns each block's immediate dominator (nil for the entry
// and for unreachable blocks), by the iterative algorithm of Cooper,
// Harvey and Kennedy over a reverse postorder.
func Dominators(k *Kernel) map[*Block]*Block {
	entry := k.Blocks[0]
	var order []*Block
	seen := map[*Block]bool{}
	var dfs func(b *Block)
	dfs = func(b *Block) {
		seen[b] = true
		for _, s := range b.Succs() {
			if !seen[s] {
				dfs(s)
			}
		}
		order = append(order, b)
	}
	dfs(entry)
	rpo := map[*Block]int{}
	for i := range order {
		rpo[order[len(order)-1-i]] = i
	}
	preds := map[*Block][]*Block{}
	for _, b := range order {
		for _, s := range b.Succs() {
			preds[s] = append(preds[s], b)
		}
	}
	idom := map[*Block]*Block{entry: entry}
	intersect := func(a, b *Block) *Block {
		for a != b {
			for rpo[a] > rpo[b] {
				a = idom[a]
			}
			for rpo[b] > rpo[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(order) - 2; i >= 0; i-- {
			b := order[i]
			var d *Block
			for _, p := range preds[b] {
				if idom[p] == nil {
					continue
				}
				if d == nil {
					d = p
				} else {
					d = intersect(p, d)
				}
			}
			if d != nil && idom[b] != d {
				idom[b] = d
				changed = true
			}
		}
	}
	idom[entry] = nil
	return idom
}

// inputColumns checks a rates table of a column per source: the backends
// read its rows as len(Rates) / Columns, which must be whole.
func (v *verifier) inputColumns(in *Input) {
	switch c := in.Columns; {
	case c == 0:
	case c != in.Size || in.File != "":
		v.errorf("input "+in.Name, "columns=%d: a rates table has a column per source (%d), given inline", c, in.Size)
	case len(in.Rates) == 0 || len(in.Rates)%c != 0:
		v.errorf("input "+in.Name, "%d rates do not make rows of columns=%d", len(in.Rates), c)
	}
}
