package lang

import (
	"strings"

	"snnc/ir"
)

// White noise in ODEs (spec/language.md §3, "Noise"): xi and xi_NAME on
// the right side of an ODE are standard white noise of dimension s**-0.5,
// as in Brian2. Plain xi is one noise per equation (xi in two equations is
// two independent noises); xi_NAME is one noise shared by the equations of
// an element that name it. The checker allows them only in ODEs of neurons
// and globals and only where they enter linearly (additively, or
// multiplied by a noise-free factor); lowering makes each a noise
// instruction on its own random stream, which the ode pass turns into a
// normal draw per element and step (passes/ode_noise.go).

// isNoiseName reports whether a name is a white noise: xi or xi_NAME.
func isNoiseName(name string) bool {
	return name == "xi" || strings.HasPrefix(name, "xi_") && len(name) > 3
}

// noiseName types a use of xi or xi_NAME that no declaration shadows.
func (c *checker) noiseName(ctx *exprCtx, n *NameRef) Type {
	switch {
	case !ctx.noise:
		c.diags.Hintf(n.At, "write the noise term in an ODE: dv/dt = ... + sigma*xi",
			"%s (white noise) can only be used on the right side of an ODE, not in %s", n.Dotted(), ctx.what)
		return invalidType
	case ctx.body != nil && (ctx.body.Kind == SynapseBody || ctx.body.Kind == DendriteBody):
		c.diags.Errorf(n.At, "%s: white noise in the ODE of a %s is not supported; only neuron and global ODEs may have noise terms", n.Dotted(), ctx.body.Kind)
		return invalidType
	}
	return RealOf(DimNoise)
}

// checkNoiseLinear reports a noise term that does not enter an ODE's right
// side linearly: Euler–Maruyama and the exact OU step need the right side
// in the form f + g1*xi1 + g2*xi2 with noise-free g.
func (c *checker) checkNoiseLinear(x Node) {
	var walk func(n Node) bool // whether n holds a noise
	walk = func(n Node) bool {
		switch n := n.(type) {
		case *NameRef:
			return len(n.Parts) == 1 && isNoiseName(n.Parts[0]) && c.info.Uses[n] == nil
		case *UnaryNode:
			return walk(n.X)
		case *BinaryNode:
			x, y := walk(n.X), walk(n.Y)
			switch {
			case !x && !y:
				return false
			case n.Op == "+" || n.Op == "-":
				return true
			case n.Op == "*" && !(x && y), n.Op == "/" && !y:
				return true
			}
			c.diags.Hintf(n.At, "a noise term must be g*xi with g free of noise, added to the rest",
				"white noise enters this ODE nonlinearly (%s)", map[bool]string{true: "a product of two noises", false: "noise in a divisor or under " + n.Op}[n.Op == "*"])
			return false
		case *CallExpr:
			for _, a := range n.Args {
				if walk(a.X) {
					c.diags.Hintf(a.At, "a noise term must be g*xi with g free of noise, added to the rest",
						"white noise cannot be an argument of %s", n.Func)
				}
			}
		}
		return false
	}
	walk(x)
}

// noise lowers a use of xi or xi_NAME in the ODE of variable v: a noise
// instruction with the stream of that noise in this kernel (one per
// equation for plain xi, one per name for xi_NAME).
func (e *env) noise(name, v string) ir.Value {
	key := name
	if name == "xi" {
		key = "xi@" + v
	}
	if e.noises == nil {
		e.noises = map[string]int{}
	}
	s, ok := e.noises[key]
	if !ok {
		e.l.stream++
		s = e.l.stream
		e.noises[key] = s
	}
	return e.b.Emit(ir.OpNoise, ir.TF64, ir.RandAux{Dist: name, Stream: s})
}

// checkRuntimeDim refuses a runtime parameter whose dimension has a half
// exponent (a noise amplitude in mV/sqrt(ms)): the native executable's
// --set reads quantities with whole exponents (runtime/c/quantity.c), and
// would take such a value for another dimension.
func (c *checker) checkRuntimeDim(sym *Symbol) {
	if sym.Kind == SymParam && sym.Runtime && sym.Type.Kind == KindReal && !sym.Type.Dim.IsIntegral() {
		c.diags.Hintf(sym.Pos, "make it a param, or a runtime param of a whole dimension (sigma_v: mV, with sqrt(ms) in the equation)",
			"runtime param %s has the dimension %s, with a half exponent, which --set cannot read", sym.Name, sym.Type.Dim)
	}
}
