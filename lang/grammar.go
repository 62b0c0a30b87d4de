package lang

import "github.com/alecthomas/participle/v2/lexer"

// This file is the grammar: participle builds the parser from these
// structs, and they are also the syntax tree of declarations. Expressions
// are parsed through the precedence levels at the bottom of the file and
// then converted to the Node tree of ast.go, which is what the checker and
// lowering read.
//
// Every node has a Pos (participle fills it). spec/grammar.ebnf is
// participle's own rendering of these structs, kept equal by a test.

// File is a whole .snn file.
type File struct {
	Pos   lexer.Position
	Decls []Decl `parser:"(@@ ';'?)*"`

	// Name is the file's path as the user or an import gave it.
	Name string
	// Source is the file's contents, for diagnostics.
	Source []byte
	// Broken lists the names of declarations that did not parse.
	Broken []string
	// Imports are the names of the files this one imports, as the loader
	// resolved them.
	Imports []string
}

// Decl is a top-level declaration.
type Decl interface{ declPos() lexer.Position }

// Member is an item in the body of a neuron, synapse, dendrite or global.
// Which members each body may hold is checked later, so a misplaced one
// gets a message that says where it belongs instead of a parse error.
type Member interface{ memberPos() lexer.Position }

// Stmt is a statement in a block: reset, on pre/post, population bodies.
type Stmt interface{ stmtPos() lexer.Position }

// Ident is a name with its position.
type Ident struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

// Import brings the declarations of another file into this one.
//
//	import "std/neurons.snn"
type Import struct {
	Pos  lexer.Position
	Path string `parser:"'import' @String"`
}

// Param is a parameter, at top level or in a type. A runtime parameter can
// be changed for a run without recompiling (--set name=value), within its
// range if it states one.
//
//	runtime param i_ext: nA = 0.5 nA in [-2 nA, 2 nA]
type Param struct {
	Pos     lexer.Position
	Runtime bool        `parser:"@'runtime'?"`
	Name    Ident       `parser:"'param' @@"`
	Unit    *UnitExpr   `parser:"(':' @@)?"`
	Default *Expr       `parser:"('=' @@)?"`
	Range   *ParamRange `parser:"@@?"`
}

// ParamRange is the interval of values a runtime parameter may take:
// in [lo, hi]. A quantized model is built to hold them (spec/passes.md).
type ParamRange struct {
	Pos lexer.Position
	Lo  *Expr `parser:"'in' '[' @@"`
	Hi  *Expr `parser:"',' @@ ']'"`
}

// NeuronDecl declares a neuron type.
type NeuronDecl struct {
	Pos     lexer.Position
	Name    Ident    `parser:"'neuron' @@"`
	Members []Member `parser:"'{' (@@ ';'?)* '}'"`
}

// SynapseDecl declares a synapse type.
type SynapseDecl struct {
	Pos     lexer.Position
	Name    Ident    `parser:"'synapse' @@"`
	Members []Member `parser:"'{' (@@ ';'?)* '}'"`
}

// GlobalDecl declares network-wide state, such as a neuromodulator, that
// every type can read as name.var.
type GlobalDecl struct {
	Pos     lexer.Position
	Name    Ident    `parser:"'global' @@"`
	Members []Member `parser:"'{' (@@ ';'?)* '}'"`
}

// PopulationDecl creates N neurons of a type, with overrides and initial
// values in its body.
//
//	population exc = LIF[3200] { v = uniform(v_r, v_t) }
type PopulationDecl struct {
	Pos  lexer.Position
	Name Ident  `parser:"'population' @@ '='"`
	Type Ident  `parser:"@@"`
	Size *Expr  `parser:"'[' @@ ']'"`
	Body *Block `parser:"@@?"`
}

// ConnectDecl is a projection from one population to another (or to a
// dendrite of it) through a synapse type and a connectivity rule.
//
//	connect ee: exc -> exc using Exc by fixed_probability(0.02) { w = w_e }
type ConnectDecl struct {
	Pos     lexer.Position
	Name    *Ident `parser:"'connect' (@@ ':')?"`
	Pre     Ref    `parser:"@@"`
	PreCut  *Slice `parser:"@@? '->'"`
	Post    Ref    `parser:"@@"`
	PostCut *Slice `parser:"@@?"`
	Synapse Ident  `parser:"'using' @@"`
	// Gen is a generator rule (generate(j = ... for k in range(...)),
	// check_generate.go); Rule is nil then.
	Gen  *GenRule `parser:"'by' ( @@"`
	Rule *Expr    `parser:"| @@ )"`
	// Where is the connection condition after the rule: a synapse is
	// made only where it is true.
	Where *Expr  `parser:"('where' @@)?"`
	Body  *Block `parser:"@@?"`
}

// GenRule is a one-to-many generator, Brian2's
// j = 'EXPR for k in range(LO, HI, STEP) if COND': for each pre neuron i,
// the post neurons EXPR for k = LO, LO+STEP, ... below HI, where COND holds.
//
//	connect a -> b using S by generate(j = i + k for k in range(0, 3))
type GenRule struct {
	Pos   lexer.Position
	Var   Ident   `parser:"'generate' '(' @@ '='"`
	Value *Expr   `parser:"@@"`
	K     Ident   `parser:"'for' @@ 'in'"`
	Range Ident   `parser:"@@ '('"`
	Args  []*Expr `parser:"@@ (',' @@)* ')'"`
	If    *Expr   `parser:"('if' @@)?"`
	// Skip is skip_if_invalid = true or false: drop a j outside the post
	// side rather than stop with an error.
	Skip string `parser:"(',' 'skip_if_invalid' '=' @('true' | 'false'))? ')'"`
}

// SubgroupDecl names a contiguous range of a population's neurons or an
// input's sources (Brian2's P[:3200]); spec/language.md section 4.12. The
// body sets the view's neurons as a population body does.
//
//	subgroup exc = cells[:3200] { v = uniform(v_r, v_t) }
type SubgroupDecl struct {
	Pos   lexer.Position
	Name  Ident  `parser:"'subgroup' @@ '='"`
	Of    Ident  `parser:"@@"`
	Slice *Slice `parser:"@@"`
	Body  *Block `parser:"@@?"`
}

// Slice is a half-open range [LO:HI] of a population's or an input's
// indices; either bound may be left out (the start, the size).
type Slice struct {
	Pos   lexer.Position
	Lo    *Expr `parser:"'[' @@?"`
	Colon bool  `parser:"@':'"`
	Hi    *Expr `parser:"@@? ']'"`
}

// InputDecl is a population of spike sources.
//
//	input noise = poisson[1000] { rate = 15 Hz }
type InputDecl struct {
	Pos  lexer.Position
	Name Ident  `parser:"'input' @@ '='"`
	Kind Ident  `parser:"@@"`
	Size *Expr  `parser:"'[' @@ ']'"`
	Body *Block `parser:"@@?"`
}

// CurrentDecl drives a neuron parameter with a value set at the start of
// every step: a constant, or an expression of time t and neuron index i.
//
//	current drive -> cell.i_ext = where(t > 100 ms, 0.5 nA, 0 nA)
type CurrentDecl struct {
	Pos    lexer.Position
	Name   Ident `parser:"'current' @@ '->'"`
	Target Ref   `parser:"@@ '='"`
	Value  *Expr `parser:"@@"`
}

// ScheduleDecl is scheduled code: statements run on every element of a
// population, projection or global once at a given time (at), or
// periodically from the first step on (every), before the step's currents.
//
//	at 1 s on learn { eta = 0.01 }
//	every 1 ms on cells { i_noise = normal(0 nA, 1 nA) }
type ScheduleDecl struct {
	Pos    lexer.Position
	Kind   string `parser:"@('at' | 'every')"`
	When   *Expr  `parser:"@@"`
	Target Ident  `parser:"'on' @@"`
	Body   *Block `parser:"@@"`
}

// TimedArrayDecl is a timed array (Brian2's TimedArray): values of a unit
// sampled every DT, from a list or a .npy/.csv file, read as NAME(t) (or
// NAME(t, i) for a file of one column per element).
//
//	timedarray stim: nA = [0 nA, 0.5 nA, 1 nA] every 10 ms
type TimedArrayDecl struct {
	Pos    lexer.Position
	Name   Ident     `parser:"'timedarray' @@"`
	Unit   *UnitExpr `parser:"(':' @@)?"`
	Values *Expr     `parser:"'=' @@"`
	Every  *Expr     `parser:"'every' @@"`
}

// PhaseDecl is one phase of the run's protocol: its duration, the
// monitors that record in it, and scheduled code that runs at its start.
// The phases follow one another in declaration order from t = 0.
//
//	phase test {
//	    duration = 2 s
//	    record = [exc_spikes]
//	    on learn { eta = 0 }
//	}
type PhaseDecl struct {
	Pos   lexer.Position
	Name  Ident        `parser:"'phase' @@ '{'"`
	Items []*PhaseItem `parser:"(@@ ';'?)* '}'"`
}

// PhaseItem is a setting of a phase (duration, record) or its scheduled
// code on a target.
type PhaseItem struct {
	Pos     lexer.Position
	On      *PhaseOn `parser:"  @@"`
	Setting *Assign  `parser:"| @@"`
}

// PhaseOn is scheduled code that runs at the start of a phase.
type PhaseOn struct {
	Pos    lexer.Position
	Target Ident  `parser:"'on' @@"`
	Body   *Block `parser:"@@"`
}

// MonitorDecl records spikes or a state variable.
//
//	monitor spikes exc[0:100]
//	monitor state exc.v[0, 1] every 10
type MonitorDecl struct {
	Pos    lexer.Position
	Name   *Ident     `parser:"'monitor' (@@ ':')?"`
	Kind   string     `parser:"@('spikes' | 'state')"`
	Target Ref        `parser:"@@"`
	Select *Selection `parser:"@@?"`
	Every  *Expr      `parser:"('every' @@)?"`
}

// Selection picks neurons by index: [3], [0:100], [0, 5, 10:20].
type Selection struct {
	Pos   lexer.Position
	Items []*Range `parser:"'[' @@ (',' @@)* ']'"`
}

// Range is one index or a half-open range lo:hi.
type Range struct {
	Pos lexer.Position
	Lo  *Expr `parser:"@@"`
	Hi  *Expr `parser:"(':' @@)?"`
}

// RunDecl holds the run settings: duration, dt, seed.
type RunDecl struct {
	Pos  lexer.Position
	Body *Block `parser:"'run' @@"`
}

// State is a state variable with its initial value.
type State struct {
	Pos      lexer.Position
	Name     Ident     `parser:"'state' @@"`
	Unit     *UnitExpr `parser:"(':' @@)?"`
	Init     *Expr     `parser:"('=' @@)?"`
	Quantize *Ident    `parser:"('quantize' @@)?"`
}

// Let is a named algebraic definition, recomputed wherever it is used.
type Let struct {
	Pos   lexer.Position
	Name  Ident     `parser:"'let' @@"`
	Unit  *UnitExpr `parser:"(':' @@)?"`
	Value *Expr     `parser:"'=' @@"`
}

// Trace is a variable that decays exponentially with time constant Tau and
// jumps at events; it is updated lazily, only when an event reads it.
//
//	trace a_pre decay tau_pre
type Trace struct {
	Pos      lexer.Position
	Name     Ident     `parser:"'trace' @@"`
	Unit     *UnitExpr `parser:"(':' @@)?"`
	Init     *Expr     `parser:"('=' @@)?"`
	Tau      *Expr     `parser:"'decay' @@"`
	Quantize *Ident    `parser:"('quantize' @@)?"`
}

// ODE is a differential equation dX/dt = RHS. Deriv is the whole "dX"
// identifier; the checker splits it.
type ODE struct {
	Pos    lexer.Position
	Deriv  Ident `parser:"@@ '/' 'dt' '='"`
	RHS    *Expr `parser:"@@"`
	Unless bool  `parser:"@('unless' 'refractory')?"`
}

// Threshold is the spike condition.
type Threshold struct {
	Pos  lexer.Position
	Cond *Expr `parser:"'threshold' @@"`
}

// Reset runs after a spike.
type Reset struct {
	Pos  lexer.Position
	Body *Block `parser:"'reset' @@"`
}

// Refractory is the dead time after a spike: a duration or an expression.
type Refractory struct {
	Pos    lexer.Position
	Period *Expr `parser:"'refractory' @@"`
}

// Method is the integration method hint: exact, exponential_euler, euler,
// rk4.
type Method struct {
	Pos  lexer.Position
	Name Ident `parser:"'method' @@"`
}

// Dendrite is a compartment (or Count identical segments) of a neuron with
// its own state, ODEs and, optionally, its own threshold event.
type Dendrite struct {
	Pos     lexer.Position
	Name    Ident    `parser:"'dendrite' @@"`
	Count   *Expr    `parser:"('[' @@ ']')?"`
	Members []Member `parser:"'{' (@@ ';'?)* '}'"`
}

// On is an event handler: on pre / on post in a synapse, on spike SRC in a
// global. In a synapse, on pre NAME is a pathway of that name, with its
// own delay (spec/language.md section 3.6).
type On struct {
	Pos    lexer.Position
	Event  string `parser:"'on' @('pre' | 'post' | 'spike')"`
	Source *Ident `parser:"@@?"`
	Body   *Block `parser:"@@"`
}

// Delay is a synapse type's default axonal delay, or with a Path the
// default delay of its pathway of that name (on pre PATH { ... }).
//
//	delay 1 ms
//	delay up = 1 ms
type Delay struct {
	Pos   lexer.Position
	Path  *Ident `parser:"'delay' (@@ '=')?"`
	Value *Expr  `parser:"@@"`
}

// Summed is a synapse's continuous contribution to a variable of its post
// neuron, summed over the synapses onto each neuron every step (Brian2's
// `(summed)`); spec/language.md section 3.6.
//
//	summed post.i_gap = w * (pre.v - post.v)
type Summed struct {
	Pos    lexer.Position
	Target Ref   `parser:"'summed' @@ '='"`
	Value  *Expr `parser:"@@"`
}

// Block is a list of statements in braces.
type Block struct {
	Pos   lexer.Position
	Stmts []Stmt `parser:"'{' (@@ ';'?)* '}'"`
}

// Assign is x = e, x += e, and so on.
type Assign struct {
	Pos    lexer.Position
	Target Ref    `parser:"@@"`
	Op     string `parser:"@('=' | '+=' | '-=' | '*=' | '/=')"`
	Value  *Expr  `parser:"@@"`
}

// If is a conditional statement.
type If struct {
	Pos  lexer.Position
	Cond *Expr  `parser:"'if' @@"`
	Then *Block `parser:"@@"`
	Else *Else  `parser:"('else' @@)?"`
}

// Else is the else branch: another if, or a block.
type Else struct {
	Pos   lexer.Position
	If    *If    `parser:"  @@"`
	Block *Block `parser:"| @@"`
}

// Ref is a possibly dotted name: v, post.ge, exc.v, pyr.apical, and a
// pathway's delay in a connect body, up.delay.
type Ref struct {
	Pos   lexer.Position
	Parts []string `parser:"@(Ident | 'delay') ('.' @(Ident | 'delay'))*"`
}

// UnitExpr is a unit in a declaration: mV, 1, mV/ms, nS*mV, 1/ms, m**2.
type UnitExpr struct {
	Pos   lexer.Position
	First *UnitFactor `parser:"@@"`
	Rest  []*UnitOp   `parser:"@@*"`
}

// UnitOp is a multiplied or divided factor of a unit expression.
type UnitOp struct {
	Pos    lexer.Position
	Op     string      `parser:"@('*' | '/')"`
	Factor *UnitFactor `parser:"@@"`
}

// UnitFactor is one factor of a unit expression, with an optional integer
// or half-integer power; sqrt(unit) is the power 0.5 (mV/sqrt(ms)).
type UnitFactor struct {
	Pos   lexer.Position
	Sqrt  *UnitExpr `parser:"( 'sqrt' '(' @@ ')'"`
	Name  string    `parser:"| @Ident"`
	One   string    `parser:"| @Number"`
	Group *UnitExpr `parser:"| '(' @@ ')' )"`
	Neg   bool      `parser:"( '**' @'-'?"`
	Power string    `parser:"@Number )?"`
}

// Expressions are parsed flat: operands with their prefix operators,
// separated by binary operators. The converter in ast.go builds the tree by
// operator precedence (spec/language.md has the table). A flat grammar
// keeps participle's backtracking shallow, which matters on large models.

// Expr is an expression: operands separated by binary operators.
type Expr struct {
	Pos   lexer.Position
	First *UnaryExpr  `parser:"@@"`
	Rest  []*BinaryOp `parser:"@@*"`

	X Node // the expression tree, set by the converter
}

// BinaryOp is a binary operator and the operand after it.
type BinaryOp struct {
	Pos   lexer.Position
	Op    string     `parser:"@('or' | 'and' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '+' | '-' | '*' | '/' | '%' | '**')"`
	Right *UnaryExpr `parser:"@@"`
}

// UnaryExpr is an operand with its prefix operators: -x, not a.
type UnaryExpr struct {
	Pos     lexer.Position
	Ops     []string `parser:"@('-' | '+' | 'not')*"`
	Operand *Primary `parser:"@@"`
}

// Primary is an operand.
type Primary struct {
	Pos    lexer.Position
	Number *Quantity `parser:"  @@"`
	String *string   `parser:"| @String"`
	Bool   *string   `parser:"| @('true' | 'false')"`
	Call   *Call     `parser:"| @@"`
	Ref    *Ref      `parser:"| @@"`
	Paren  []*Expr   `parser:"| '(' @@ (',' @@)* ')'"`
	List   *List     `parser:"| @@"`
}

// Quantity is a number with an optional unit: 20 ms.
type Quantity struct {
	Pos   lexer.Position
	Value string    `parser:"@Number"`
	Unit  *UnitName `parser:"@@?"`
}

// UnitName is the unit written after a number.
type UnitName struct {
	Pos  lexer.Position
	Name string `parser:"@Unit"`
}

// List is [a, b, c].
type List struct {
	Pos   lexer.Position
	Elems []*Expr `parser:"'[' (@@ (',' @@)*)? ','? ']'"`
}

// Call is f(a, name = b).
type Call struct {
	Pos  lexer.Position
	Func string `parser:"@Ident '('"`
	Args []*Arg `parser:"(@@ (',' @@)*)? ')'"`
}

// Arg is a call argument, positional or named.
type Arg struct {
	Pos   lexer.Position
	Name  string `parser:"(@Ident '=')?"`
	Value *Expr  `parser:"@@"`
}

func (d *Import) declPos() lexer.Position         { return d.Pos }
func (d *Param) declPos() lexer.Position          { return d.Pos }
func (d *NeuronDecl) declPos() lexer.Position     { return d.Pos }
func (d *SynapseDecl) declPos() lexer.Position    { return d.Pos }
func (d *GlobalDecl) declPos() lexer.Position     { return d.Pos }
func (d *PopulationDecl) declPos() lexer.Position { return d.Pos }
func (d *ConnectDecl) declPos() lexer.Position    { return d.Pos }
func (d *InputDecl) declPos() lexer.Position      { return d.Pos }
func (d *SubgroupDecl) declPos() lexer.Position   { return d.Pos }
func (d *CurrentDecl) declPos() lexer.Position    { return d.Pos }
func (d *MonitorDecl) declPos() lexer.Position    { return d.Pos }
func (d *RunDecl) declPos() lexer.Position        { return d.Pos }
func (d *ScheduleDecl) declPos() lexer.Position   { return d.Pos }
func (d *PhaseDecl) declPos() lexer.Position      { return d.Pos }
func (d *TimedArrayDecl) declPos() lexer.Position { return d.Pos }

func (m *Param) memberPos() lexer.Position      { return m.Pos }
func (m *State) memberPos() lexer.Position      { return m.Pos }
func (m *Let) memberPos() lexer.Position        { return m.Pos }
func (m *Trace) memberPos() lexer.Position      { return m.Pos }
func (m *ODE) memberPos() lexer.Position        { return m.Pos }
func (m *Threshold) memberPos() lexer.Position  { return m.Pos }
func (m *Reset) memberPos() lexer.Position      { return m.Pos }
func (m *Refractory) memberPos() lexer.Position { return m.Pos }
func (m *Method) memberPos() lexer.Position     { return m.Pos }
func (m *Dendrite) memberPos() lexer.Position   { return m.Pos }
func (m *On) memberPos() lexer.Position         { return m.Pos }
func (m *Delay) memberPos() lexer.Position      { return m.Pos }
func (m *Summed) memberPos() lexer.Position     { return m.Pos }

func (s *Assign) stmtPos() lexer.Position { return s.Pos }
func (s *If) stmtPos() lexer.Position     { return s.Pos }
