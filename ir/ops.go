package ir

import "strings"

// Op is an instruction's operation. Every op is declared once, in opTable:
// the verifier, the printer, the parser and the passes read it.
type Op uint8

const (
	OpInvalid Op = iota

	// Constants and inputs.
	OpConst    // a constant number or boolean
	OpParam    // a parameter of the element's population or projection, or of the module
	OpLoad     // a state variable of the element (or of post./pre. neurons in synapse kernels)
	OpLoadSeg  // a state variable of one segment of a dendrite array
	OpStore    // writes a state variable
	OpStoreSeg // writes a state variable of one segment of a dendrite array
	OpTime     // the time t at the start of the step
	OpIndex    // the element's index (i); in connect kernels also j
	OpRefract  // whether the neuron is refractory in this step
	OpStartRef // makes a spiking neuron refractory
	OpRand     // a random draw from a counter-based stream
	OpTable    // a value of a timed array at a time (and column)
	OpData     // the element's value of a data array a model loads from a file

	// Arithmetic.
	OpNeg
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpRem
	OpMin
	OpMax

	// Math functions, one implementation each in every backend.
	OpExp
	OpLog
	OpLog10
	OpSqrt
	OpSin
	OpCos
	OpTanh
	OpExprel
	OpPow
	OpAbs
	OpFloor
	OpCeil
	OpSign

	// Comparisons and logic.
	OpLt
	OpLe
	OpGt
	OpGe
	OpEq
	OpNe
	OpAnd
	OpOr
	OpNot
	OpSelect

	// Conversions.
	OpConvert
	OpTraceDecay

	// Differential equations before discretisation.
	OpODE
	OpNoise // white noise in an ODE's right side

	// Control flow; each block ends with exactly one of these.
	OpBr
	OpCondBr
	OpRet

	numOps
)

// resultRule says how an op's result type follows from its operands.
type resultRule uint8

const (
	resVoid        resultRule = iota // no result
	resAttr                          // the type written on the instruction
	resSame                          // the type of the (numeric) operands
	resBool                          // bool
	resSecondThird                   // select: the type of its second and third operands
)

// OpInfo describes an op: one row of opTable. The verifier checks an
// instruction against its row (operands, targets, result, aux, whether
// fixed point is allowed), the printer and the parser write and read its
// aux through the row's aux kind (aux.go), and the passes read the flags.
type OpInfo struct {
	Name        string
	Args        int // number of operands (Instr.Args); -1 where it varies: rand (by distribution), ret (0 or 1)
	Targets     int // number of branch targets (Instr.Targets)
	Result      resultRule
	Commutative bool
	Terminator  bool
	SideEffect  bool    // kept by dead-code elimination
	Aux         auxKind // what Instr.Aux holds, and its printed form
	// Fixed says what the op computes where an operand or the result is
	// fixed point, the definition runtime/fixed implements and every
	// backend follows; "" where fixed point is not allowed (the verifier
	// refuses it). Operands of arithmetic and comparisons may have any
	// formats.
	Fixed string
	Doc   string // what it computes, in one line, with an example of its printed form
}

// The fixed-point semantics shared by several ops.
const (
	fixedRaw     = "the raw value, as it is"
	fixedRounded = "computed exactly, then rounded into the result's format: to nearest, ties away from zero, saturating"
	fixedCompare = "compared exactly, whatever the formats"
)

var opTable = [numOps]OpInfo{
	OpConst:    {Name: "const", Args: 0, Result: resAttr, Aux: auxValue, Fixed: "the number rounded into the format: to nearest, ties away from zero, saturating (fixed.Format.FromFloat)", Doc: "a constant; Example printed form: %0 = const 0.02 : f64"},
	OpParam:    {Name: "param", Args: 0, Result: resAttr, Aux: auxName, Doc: "a parameter's value for this element; Example printed form: %1 = param tau_m : f64"},
	OpLoad:     {Name: "load", Args: 0, Result: resAttr, Aux: auxName, Fixed: fixedRaw, Doc: "a state variable's current value: earlier stores of the kernel included; Example printed form: %2 = load v : f64"},
	OpLoadSeg:  {Name: "loadseg", Args: 1, Result: resAttr, Aux: auxName, Fixed: fixedRaw + " (the segment is an f64)", Doc: "a variable of the segment given by the operand, of a dendrite array; Example printed form: %3 = loadseg distal.u, %2 : f64"},
	OpStore:    {Name: "store", Args: 1, Result: resVoid, SideEffect: true, Aux: auxName, Fixed: fixedRaw, Doc: "writes a state variable; Example printed form: store post.ge, %3"},
	OpStoreSeg: {Name: "storeseg", Args: 2, Result: resVoid, SideEffect: true, Aux: auxName, Fixed: fixedRaw + " (the segment is an f64)", Doc: "writes a variable of the segment given by the first operand, of a dendrite array (a fused step kernel's dendrites); Example printed form: storeseg distal.u, %2, %3"},
	OpTime:     {Name: "time", Args: 0, Result: resAttr, Doc: "the time at the start of the step, in seconds; Example printed form: %4 = time : f64"},
	OpIndex:    {Name: "index", Args: 0, Result: resAttr, Aux: auxIndex, Doc: "the element's index: i, or j (post index) in connect kernels; Example printed form: %5 = index i : f64"},
	OpRefract:  {Name: "refractory", Args: 0, Result: resBool, Doc: "true while the neuron is refractory; Example printed form: %6 = refractory : bool"},
	OpStartRef: {Name: "startref", Args: 2, Result: resVoid, SideEffect: true, Doc: "if the condition holds, the neuron is refractory for the period in seconds from the next step: in the steps m > k with m - k < round(period / dt), when that is more than one step (a fused step kernel's reset; language.md section 6); Example printed form: startref %9, %10"},
	OpNoise:    {Name: "noise", Args: 0, Result: resAttr, Aux: auxNoise, Doc: "standard white noise xi (dimension s**-0.5) in the right side of an ode, only before discretisation: the ode pass replaces it by a normal draw per element and step on the stream, scaled by the step's variance (passes/ode_noise.go); xi names one noise per equation, xi_NAME one per element; Example printed form: %7 = noise xi_a stream=3 : f64"},
	OpRand:     {Name: "rand", Args: -1, Result: resAttr, Aux: auxRand, Doc: "a draw from a distribution (uniform lo hi, normal mean std, exponential mean) on a counter-based stream; Example printed form: %7 = rand uniform stream=3 %1, %2 : f64"},

	OpTable: {Name: "table", Args: -1, Result: resAttr, Aux: auxName, Doc: "the value of the module's timed array (Table) at the time given by the first operand, in the column given by the second (a two-dimensional table): Table.At, Brian2's TimedArray; Example printed form: %7 = table stim, %4 : f64"},
	OpData:  {Name: "data", Args: 0, Result: resAttr, Aux: auxName, Doc: "the element's value of the module's data array (Data, a model's load(FILE)): the neuron's (index i), the synapse's (its index in synapse order), or the entry [j, i] of a (post, pre) matrix, as the array's By says; Example printed form: %7 = data thr : f64"},

	OpNeg: {Name: "neg", Args: 1, Result: resSame, Fixed: fixedRounded + " (fixed.Neg: -min saturates to max)", Doc: "-x; Example printed form: %8 = neg %2 : f64"},
	OpAdd: {Name: "add", Args: 2, Result: resSame, Commutative: true, Fixed: fixedRounded + " (fixed.Add)", Doc: "x + y, IEEE round to nearest; Example printed form: %9 = add %2, %8 : f64"},
	OpSub: {Name: "sub", Args: 2, Result: resSame, Fixed: fixedRounded + " (fixed.Sub)", Doc: "x - y; Example printed form: %9 = sub %2, %8 : f64"},
	OpMul: {Name: "mul", Args: 2, Result: resSame, Commutative: true, Fixed: fixedRounded + " (fixed.Mul)", Doc: "x * y; Example printed form: %9 = mul %2, %8 : f64"},
	OpDiv: {Name: "div", Args: 2, Result: resSame, Fixed: fixedRounded + " (fixed.Div)", Doc: "x / y; Example printed form: %9 = div %2, %1 : f64"},
	OpRem: {Name: "rem", Args: 2, Result: resSame, Doc: "x - y * trunc(x / y), the sign of x (Go's math.Mod, C's fmod); Example printed form: %9 = rem %2, %1 : f64"},
	OpMin: {Name: "min", Args: 2, Result: resSame, Commutative: true, Fixed: "the smaller operand by an exact comparison (fixed.Cmp), converted into the result's format (fixed.Convert)", Doc: "the smaller of x and y; Example printed form: %9 = min %2, %1 : f64"},
	OpMax: {Name: "max", Args: 2, Result: resSame, Commutative: true, Fixed: "the larger operand by an exact comparison (fixed.Cmp), converted into the result's format (fixed.Convert)", Doc: "the larger of x and y; Example printed form: %9 = max %2, %1 : f64"},

	OpExp:    {Name: "exp", Args: 1, Result: resSame, Doc: "e**x; Example printed form: %9 = exp %8 : f64"},
	OpLog:    {Name: "log", Args: 1, Result: resSame, Doc: "natural logarithm; Example printed form: %9 = log %8 : f64"},
	OpLog10:  {Name: "log10", Args: 1, Result: resSame, Doc: "base-10 logarithm; Example printed form: %9 = log10 %8 : f64"},
	OpSqrt:   {Name: "sqrt", Args: 1, Result: resSame, Doc: "square root; Example printed form: %9 = sqrt %8 : f64"},
	OpSin:    {Name: "sin", Args: 1, Result: resSame, Doc: "sine; Example printed form: %9 = sin %8 : f64"},
	OpCos:    {Name: "cos", Args: 1, Result: resSame, Doc: "cosine; Example printed form: %9 = cos %8 : f64"},
	OpTanh:   {Name: "tanh", Args: 1, Result: resSame, Doc: "hyperbolic tangent; Example printed form: %9 = tanh %8 : f64"},
	OpExprel: {Name: "exprel", Args: 1, Result: resSame, Doc: "(e**x - 1)/x, 1 at x = 0, +Inf where e**x - 1 overflows (Brian2's exprel); Example printed form: %9 = exprel %8 : f64"},
	OpPow:    {Name: "pow", Args: 2, Result: resSame, Doc: "x**y; Example printed form: %9 = pow %2, %8 : f64"},
	OpAbs:    {Name: "abs", Args: 1, Result: resSame, Fixed: fixedRounded + " (fixed.Abs: the magnitude of min saturates to max)", Doc: "|x|; Example printed form: %9 = abs %8 : f64"},
	OpFloor:  {Name: "floor", Args: 1, Result: resSame, Doc: "largest integer not above x; Example printed form: %9 = floor %8 : f64"},
	OpCeil:   {Name: "ceil", Args: 1, Result: resSame, Doc: "smallest integer not below x; Example printed form: %9 = ceil %8 : f64"},
	OpSign:   {Name: "sign", Args: 1, Result: resSame, Doc: "-1, 0 or 1; Example printed form: %9 = sign %8 : f64"},

	OpLt:     {Name: "lt", Args: 2, Result: resBool, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x < y; Example printed form: %9 = lt %2, %1 : bool"},
	OpLe:     {Name: "le", Args: 2, Result: resBool, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x <= y; Example printed form: %9 = le %2, %1 : bool"},
	OpGt:     {Name: "gt", Args: 2, Result: resBool, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x > y; Example printed form: %9 = gt %2, %1 : bool"},
	OpGe:     {Name: "ge", Args: 2, Result: resBool, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x >= y; Example printed form: %9 = ge %2, %1 : bool"},
	OpEq:     {Name: "eq", Args: 2, Result: resBool, Commutative: true, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x == y; Example printed form: %9 = eq %2, %1 : bool"},
	OpNe:     {Name: "ne", Args: 2, Result: resBool, Commutative: true, Fixed: fixedCompare + " (fixed.Cmp)", Doc: "x != y; Example printed form: %9 = ne %2, %1 : bool"},
	OpAnd:    {Name: "and", Args: 2, Result: resBool, Commutative: true, Doc: "both conditions; Example printed form: %9 = and %6, %7 : bool"},
	OpOr:     {Name: "or", Args: 2, Result: resBool, Commutative: true, Doc: "either condition; Example printed form: %9 = or %6, %7 : bool"},
	OpNot:    {Name: "not", Args: 1, Result: resBool, Doc: "the negated condition; Example printed form: %9 = not %6 : bool"},
	OpSelect: {Name: "select", Args: 3, Result: resSecondThird, Fixed: fixedRaw + " (both values of one format)", Doc: "y if c else z, both evaluated; Example printed form: %9 = select %6, %2, %1 : f64"},

	OpTraceDecay: {Name: "tracedecay", Args: 1, Result: resAttr, Aux: auxTau, Fixed: "a fixed-point result only, from an f64 time (fixed.TraceDecay)", Doc: "exp(-n dt / tau) for a trace last brought up to date at time %tlast, n = round((t - tlast) / dt) whole steps, rounded into the result's fixed-point format (a quantized synapse's trace decay); Example printed form: %4 = tracedecay %3, 0.02 : fx16.15"},
	OpConvert:    {Name: "convert", Args: 1, Result: resAttr, Aux: auxDither, Fixed: "from f64: fixed.Format.FromFloat; to f64: the exact value (fixed.Format.Float); between formats: fixed.Convert, or with dither fixed.ConvertDither with the draw Dither.Key names", Doc: "converts between numeric types (to fixed point: round to nearest, ties away from zero, saturating; with dither stream=N [segments=C], between fixed formats, rounds by a random offset: Dither); Example printed form: %9 = convert %2 dither stream=1073741824 : fx16.14"},

	OpODE: {Name: "ode", Args: 1, Result: resVoid, SideEffect: true, Aux: auxODE, Doc: "dX/dt = the operand, for the ODE pass to discretise; Example printed form: ode v, %9 method=exact unless_refractory"},

	OpBr:     {Name: "br", Args: 0, Targets: 1, Result: resVoid, Terminator: true, Doc: "jumps to a block, passing its arguments; Example printed form: br b1(%2, %9)"},
	OpCondBr: {Name: "condbr", Args: 1, Targets: 2, Result: resVoid, Terminator: true, Doc: "jumps to the first block if the condition holds, else to the second; Example printed form: condbr %6, b1(), b2(%2)"},
	OpRet:    {Name: "ret", Args: -1, Result: resVoid, Terminator: true, Doc: "ends the kernel, returning a value if the kernel has a result; Example printed form: ret %6"},
}

// Info returns the op's description.
func (op Op) Info() *OpInfo { return &opTable[op] }

func (op Op) String() string {
	if op < numOps && opTable[op].Name != "" {
		return opTable[op].Name
	}
	return "op?"
}

// opByName maps printed names to ops.
var opByName = func() map[string]Op {
	m := map[string]Op{}
	for op := OpInvalid + 1; op < numOps; op++ {
		m[opTable[op].Name] = op
	}
	return m
}()

// FixedOps are the arithmetic ops defined on fixed point: those of
// opTable whose result is their operands' type and that have a Fixed
// semantics.
var FixedOps = func() map[Op]bool {
	m := map[Op]bool{}
	for op := OpInvalid + 1; op < numOps; op++ {
		if opTable[op].Result == resSame && opTable[op].Fixed != "" {
			m[op] = true
		}
	}
	return m
}()

// Summary is the op's doc without its example; Example is the example
// of its printed form the doc ends with.
func (i *OpInfo) Summary() string {
	s, _, _ := strings.Cut(i.Doc, exampleSep)
	return s
}

// Example is the printed form the op's doc gives as its example.
func (i *OpInfo) Example() string {
	_, s, _ := strings.Cut(i.Doc, exampleSep)
	return s
}

const exampleSep = "; Example printed form: "

// Ops returns every op in table order, for documentation.
func Ops() []Op {
	var out []Op
	for op := OpInvalid + 1; op < numOps; op++ {
		out = append(out, op)
	}
	return out
}

// Dither is the Aux of a convert between fixed-point formats that rounds
// by a random offset instead of to nearest (runtime/fixed's
// ConvertDither): the offset is the top bits of the draw
// (seed, Stream, step, element) of the runtime's generator. Unbiased,
// and without the standing offset that rounding to nearest leaves in a
// decay; the quantize pass rounds stores into variables this way.
//
// With Segments > 0 (a store in a kernel of a dendrite array of that many
// segments, which runs for each segment e = neuron*Segments + segment),
// the draw is (seed, Stream + segment, step, neuron): what the same store
// draws once the fuse pass has copied it into its neuron's step kernel
// for each segment, where it is (Stream + segment, step, neuron) with
// Segments 0. Printed form: dither stream=N [segments=C].
type Dither struct {
	Stream   int
	Segments int
}

// Key is the stream and the element of the draw for element e of the
// kernel the convert is in.
func (d Dither) Key(e uint64) (stream uint32, element uint64) {
	if d.Segments > 0 {
		c := uint64(d.Segments)
		return uint32(d.Stream) + uint32(e%c), e / c
	}
	return uint32(d.Stream), e
}
