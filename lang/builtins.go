package lang

import "fmt"

// funcKind groups the built-in functions by the rule that types them.
type funcKind uint8

const (
	fnDimensionless funcKind = iota + 1 // f(x): x and result dimensionless: exp, log, tanh, ...
	fnSameDim                           // f(x, ...): all arguments and the result share a dimension: abs, min, max, clip
	fnSqrt
	fnSign
	fnPow
	fnWhere
	fnRandom // distributions: allowed only where a random draw makes sense
	fnReduce // over the segments of a dendrite array: sum, mean, any
	fnHeaviside
	fnInt
)

// Func describes a built-in function.
type Func struct {
	Name     string
	Kind     funcKind
	MinArgs  int
	MaxArgs  int
	ArgNames []string // for named arguments and messages
	Doc      string
}

// Funcs is the table of built-in functions, shared by the checker, the
// lowering and spec/language.md.
var Funcs = map[string]*Func{
	"exp":       {Name: "exp", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "e to the power x"},
	"log":       {Name: "log", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "natural logarithm"},
	"log10":     {Name: "log10", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "base-10 logarithm"},
	"sin":       {Name: "sin", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "sine"},
	"cos":       {Name: "cos", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "cosine"},
	"tanh":      {Name: "tanh", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "hyperbolic tangent"},
	"exprel":    {Name: "exprel", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "(exp(x) - 1) / x, 1 at x = 0"},
	"sigmoid":   {Name: "sigmoid", Kind: fnDimensionless, MinArgs: 1, MaxArgs: 1, Doc: "1 / (1 + exp(-x))"},
	"sqrt":      {Name: "sqrt", Kind: fnSqrt, MinArgs: 1, MaxArgs: 1, Doc: "square root; halves the dimension's exponents"},
	"abs":       {Name: "abs", Kind: fnSameDim, MinArgs: 1, MaxArgs: 1, Doc: "absolute value"},
	"floor":     {Name: "floor", Kind: fnSameDim, MinArgs: 1, MaxArgs: 1, Doc: "largest integer not above x (dimensionless x)"},
	"ceil":      {Name: "ceil", Kind: fnSameDim, MinArgs: 1, MaxArgs: 1, Doc: "smallest integer not below x (dimensionless x)"},
	"min":       {Name: "min", Kind: fnSameDim, MinArgs: 1, MaxArgs: 2, Doc: "smaller of two values; with one argument, the smallest over a population or projection"},
	"max":       {Name: "max", Kind: fnSameDim, MinArgs: 1, MaxArgs: 2, Doc: "larger of two values; with one argument, the largest over a dendrite's segments, or over a population or projection"},
	"clip":      {Name: "clip", Kind: fnSameDim, MinArgs: 3, MaxArgs: 3, ArgNames: []string{"x", "lo", "hi"}, Doc: "x limited to [lo, hi]"},
	"sign":      {Name: "sign", Kind: fnSign, MinArgs: 1, MaxArgs: 1, Doc: "-1, 0 or 1"},
	"pow":       {Name: "pow", Kind: fnPow, MinArgs: 2, MaxArgs: 2, Doc: "x to the power y, the same as x ** y"},
	"heaviside": {Name: "heaviside", Kind: fnHeaviside, MinArgs: 1, MaxArgs: 2, ArgNames: []string{"x", "h0"}, Doc: "0 for x < 0, 1 for x > 0, h0 (default 0) at x = 0"},
	"int":       {Name: "int", Kind: fnInt, MinArgs: 1, MaxArgs: 1, Doc: "x truncated toward zero; 1 or 0 for a condition"},
	"where":     {Name: "where", Kind: fnWhere, MinArgs: 3, MaxArgs: 3, ArgNames: []string{"cond", "a", "b"}, Doc: "a if cond, else b"},

	"uniform":     {Name: "uniform", Kind: fnRandom, MinArgs: 2, MaxArgs: 2, ArgNames: []string{"lo", "hi"}, Doc: "uniform draw in [lo, hi)"},
	"normal":      {Name: "normal", Kind: fnRandom, MinArgs: 2, MaxArgs: 2, ArgNames: []string{"mean", "std"}, Doc: "Gaussian draw"},
	"rand":        {Name: "rand", Kind: fnRandom, MinArgs: 0, MaxArgs: 0, Doc: "uniform draw in [0, 1), the same as uniform(0, 1)"},
	"randn":       {Name: "randn", Kind: fnRandom, MinArgs: 0, MaxArgs: 0, Doc: "standard normal draw, the same as normal(0, 1)"},
	"exponential": {Name: "exponential", Kind: fnRandom, MinArgs: 1, MaxArgs: 1, ArgNames: []string{"mean"}, Doc: "exponential draw with the given mean"},

	"sum":  {Name: "sum", Kind: fnReduce, MinArgs: 1, MaxArgs: 1, Doc: "sum over a dendrite's segments, or over a population or projection"},
	"mean": {Name: "mean", Kind: fnReduce, MinArgs: 1, MaxArgs: 1, Doc: "mean over a dendrite's segments, or over a population or projection"},
	"any":  {Name: "any", Kind: fnReduce, MinArgs: 1, MaxArgs: 1, Doc: "true if the condition holds on some segment"},
}

// Connectivity rules and their arguments.
var connectRules = map[string][]string{
	"all_to_all":        {"autapses"},
	"one_to_one":        nil,
	"fixed_probability": {"p", "autapses"},
	"fixed_indegree":    {"k", "autapses"},
	"fixed_outdegree":   {"k", "autapses"},
	"pairs":             {"list"},
	"matrix":            {"file"},
}

// Integration methods a body may ask for.
var methods = map[string]bool{"exact": true, "exponential_euler": true, "euler": true, "rk4": true}

// Limits on sizes, checked before anything is allocated. Indices are
// 32-bit in every backend.
const (
	MaxNeurons     = 1<<31 - 1
	MaxSynapses    = 1<<31 - 1
	MaxSegments    = 1 << 16
	maxSteps       = 1 << 40
	maxListLiteral = 1 << 24
)

// universe holds the names every model sees: t, dt, pi and the functions.
// Units are not in it: a bare name is looked up as a unit only when no
// declaration has it, so a gating variable m shadows the metre.
var universe = func() *Scope {
	s := NewScope(nil)
	s.insert(&Symbol{Kind: SymBuiltin, Name: "t", Type: RealOf(DimTime)})
	s.insert(&Symbol{Kind: SymBuiltin, Name: "dt", Type: RealOf(DimTime)})
	s.insert(&Symbol{Kind: SymBuiltin, Name: "pi", Type: RealOf(Dimensionless)})
	// Shown in messages as "a built-in value" and "a function".
	for name := range Funcs {
		s.syms[name] = &Symbol{Kind: SymFunc, Name: name}
	}
	return s
}()

func (f *Func) argName(i int) string {
	if i < len(f.ArgNames) {
		return f.ArgNames[i]
	}
	return fmt.Sprintf("argument %d", i+1)
}
