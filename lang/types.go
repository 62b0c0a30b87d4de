package lang

import (
	"fmt"
	"sort"
	"strings"
)

// TypeKind says what kind of value an expression has.
type TypeKind uint8

const (
	KindInvalid TypeKind = iota // an expression with an error; never reported twice
	KindReal                    // a number with a dimension
	KindBool
	KindString
	KindList  // [a, b, c], elements in Elem
	KindTuple // (a, b), elements in Elems
)

// Type is the type of an expression: a kind, and for Real a dimension.
type Type struct {
	Kind  TypeKind
	Dim   Dim
	Elem  *Type
	Elems []Type
}

var (
	invalidType = Type{Kind: KindInvalid}
	boolType    = Type{Kind: KindBool}
	stringType  = Type{Kind: KindString}
)

// RealOf returns the type of a number with dimension d.
func RealOf(d Dim) Type { return Type{Kind: KindReal, Dim: d} }

func (t Type) String() string {
	switch t.Kind {
	case KindReal:
		return t.Dim.Describe()
	case KindBool:
		return "bool"
	case KindString:
		return "string"
	case KindList:
		if t.Elem == nil {
			return "empty list"
		}
		return "list of " + t.Elem.String()
	case KindTuple:
		var parts []string
		for _, e := range t.Elems {
			parts = append(parts, e.String())
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return "invalid"
}

// SymKind says what a name denotes.
type SymKind uint8

const (
	SymParam SymKind = iota + 1
	SymState
	SymLet
	SymTrace
	SymBuiltin // t, dt, and the indices i, j, N where a context provides them
	SymUnit
	SymFunc
	SymNeuron
	SymSynapse
	SymGlobal
	SymDendrite
	SymPopulation
	SymInput
	SymProjection
	SymTimedArray
	SymSubgroup
)

var symKindNames = [...]string{
	SymParam: "parameter", SymState: "state variable", SymLet: "definition", SymTrace: "trace",
	SymBuiltin: "built-in value", SymUnit: "unit", SymFunc: "function", SymNeuron: "neuron type",
	SymSynapse: "synapse type", SymGlobal: "global", SymDendrite: "dendrite",
	SymPopulation: "population", SymInput: "input", SymProjection: "projection",
	SymTimedArray: "timed array", SymSubgroup: "subgroup",
}

func (k SymKind) String() string { return symKindNames[k] }

// isValue reports whether a name of this kind can be used in an expression.
func (k SymKind) isValue() bool { return k <= SymUnit }

// Symbol is a declared name.
type Symbol struct {
	Kind    SymKind
	Name    string
	Pos     Pos
	Type    Type // of the value, for value symbols
	Runtime bool // a runtime parameter
	// Range is a runtime parameter's stated range (in [lo, hi]), in SI
	// units, once checked.
	Range *[2]float64
	Decl  any // the declaring syntax node: *Param, *State, *NeuronDecl, ...
	Owner *Body
	Body  *Body // the body of a neuron, synapse, global or dendrite symbol
	Net   any   // the checked *Population, *Input or *Projection it declares

	index     bool // i, j, N, N_pre, N_post of a population, input or connect body
	resolving bool // a parameter or definition being checked, to catch cycles
	resolved  bool
}

// Scope maps names to symbols, with a parent for lexical nesting: a
// dendrite's scope sits in its neuron's, which sits in the file scope, which
// sits in the universe of units, functions and t, dt.
type Scope struct {
	parent *Scope
	syms   map[string]*Symbol
	names  []string // in declaration order, for suggestions and printing
}

// NewScope returns an empty scope inside parent.
func NewScope(parent *Scope) *Scope { return &Scope{parent: parent, syms: map[string]*Symbol{}} }

// Lookup finds name here or in an enclosing scope.
func (s *Scope) Lookup(name string) *Symbol {
	for ; s != nil; s = s.parent {
		if sym := s.syms[name]; sym != nil {
			return sym
		}
	}
	return nil
}

// LookupLocal finds name in this scope only.
func (s *Scope) LookupLocal(name string) *Symbol { return s.syms[name] }

func (s *Scope) insert(sym *Symbol) {
	s.syms[sym.Name] = sym
	s.names = append(s.names, sym.Name)
}

// suggest returns a visible name that is close to name, for "did you
// mean" hints, or "".
func (s *Scope) suggest(name string, ok func(*Symbol) bool) string {
	best, bestDist := "", 3
	var cands []string
	for sc := s; sc != nil; sc = sc.parent {
		if sc.parent == nil { // the universe: units and functions are suggested elsewhere
			break
		}
		cands = append(cands, sc.names...)
	}
	sort.Strings(cands)
	for _, c := range cands {
		if sym := s.Lookup(c); sym == nil || !ok(sym) {
			continue
		}
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, for short identifiers.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// BodyKind says what a Body belongs to.
type BodyKind uint8

const (
	NeuronBody BodyKind = iota + 1
	SynapseBody
	GlobalBody
	DendriteBody
)

func (k BodyKind) String() string {
	return [...]string{"", "neuron type", "synapse type", "global", "dendrite"}[k]
}

// Body is a checked neuron type, synapse type, global or dendrite: its
// scope and its members sorted by kind.
type Body struct {
	Kind   BodyKind
	Name   string
	Pos    Pos
	Parent *Body // a dendrite's neuron
	Scope  *Scope
	// Members are the declaration's members in source order; Decl is the
	// *Dendrite of a dendrite body.
	Members []Member
	Decl    any

	Params, States, Lets, Traces []*Symbol
	ODEs                         map[*Symbol]*ODE
	Threshold                    *Threshold
	Reset                        *Reset
	Refractory                   *Refractory
	Method                       string
	Dendrites                    []*Body
	Count                        int  // segments of a dendrite; 1 for a single compartment
	IsArray                      bool // a dendrite declared with [count], even [1]
	OnPre, OnPost                *On
	OnSpike                      []*On
	Summed                       []*Summed // a synapse's summed contributions, in source order
	Delay                        *Delay
	// Pathways are a synapse's named on pre blocks (on pre NAME), in the
	// order of their names, the order in which one step runs them;
	// PathDelays their delays as the type declares them (delay NAME = ...).
	Pathways   []*On
	PathDelays map[string]*Delay
}

// Var returns the state variable, trace, parameter or definition called name
// declared in this body.
func (b *Body) Var(name string) *Symbol {
	if sym := b.Scope.LookupLocal(name); sym != nil && sym.Kind.isValue() {
		return sym
	}
	return nil
}

// Dendrite returns the dendrite called name, or nil.
func (b *Body) Dendrite(name string) *Body {
	for _, d := range b.Dendrites {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func (b *Body) describe() string { return fmt.Sprintf("%s %s", b.Kind, b.Name) }

// an puts the indefinite article before a noun: "an input", "a population".
func an(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// segments says "1 segment", "4 segments".
func segments(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}
