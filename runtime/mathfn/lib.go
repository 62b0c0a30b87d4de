package mathfn

// Library is this package's functions as methods, for code that is handed
// the math library rather than importing it: the IR's evaluator
// (ir.Arith takes an ir.Math, which Lib satisfies), since ir imports
// nothing of the project.
type Library struct{}

// Lib is the library; its methods are the package's functions.
var Lib Library

func (Library) Exp(x float64) float64    { return Exp(x) }
func (Library) Log(x float64) float64    { return Log(x) }
func (Library) Log10(x float64) float64  { return Log10(x) }
func (Library) Sin(x float64) float64    { return Sin(x) }
func (Library) Cos(x float64) float64    { return Cos(x) }
func (Library) Tanh(x float64) float64   { return Tanh(x) }
func (Library) Exprel(x float64) float64 { return Exprel(x) }
func (Library) Pow(x, y float64) float64 { return Pow(x, y) }
func (Library) Min(x, y float64) float64 { return Min(x, y) }
func (Library) Max(x, y float64) float64 { return Max(x, y) }
func (Library) Sign(x float64) float64   { return Sign(x) }
