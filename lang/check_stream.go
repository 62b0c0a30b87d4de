// The checker's part for named random streams (spec/language.md section
// 4.3): a draw with stream = NAME in a synapse's initial values or a
// connect's settings is keyed by the stream and the synapse's (pre, post)
// pair, not by the synapse's number, so that two projections drawing from
// one stream give the same pair the same value.

package lang

// streamUse is where a named stream is first drawn from, and from which
// distribution.
type streamUse struct {
	dist string
	at   Pos
}

// streamArg returns the stream = NAME argument of a distribution's call, or
// nil.
func streamArg(n *CallExpr) *CallArg {
	for i := range n.Args {
		if n.Args[i].Name == "stream" {
			return &n.Args[i]
		}
	}
	return nil
}

// streamName returns the name a stream argument gives, or "".
func streamName(a *CallArg) string {
	if r, ok := a.X.(*NameRef); ok && len(r.Parts) == 1 {
		return r.Parts[0]
	}
	return ""
}

// distName is the distribution a call draws from: rand is uniform's and
// randn normal's.
func distName(f string) string {
	switch f {
	case "rand":
		return "uniform"
	case "randn":
		return "normal"
	}
	return f
}

// namedStream checks the stream = NAME argument of a random draw, if it has
// one, and returns the call without it; false where it is misused (an error
// is reported).
func (c *checker) namedStream(ctx *exprCtx, n *CallExpr) (*CallExpr, bool) {
	a := streamArg(n)
	if a == nil {
		return n, true
	}
	name := streamName(a)
	switch {
	case name == "":
		c.diags.Hintf(a.At, "write stream = NAME, e.g. stream = shared", "stream = names a random stream: an identifier, not an expression")
		return n, false
	case !ctx.pairs:
		where := ctx.what
		if ctx.body != nil && ctx.body.Kind != SynapseBody {
			where += " of " + ctx.body.describe()
		}
		c.diags.Hintf(a.At, "draw from it in a connect's settings or a synapse type's initial values",
			"stream %s: a named stream draws one value per synapse's (pre, post) pair, not in %s", name, where)
		return n, false
	}
	dist := distName(n.Func)
	if c.streams == nil {
		c.streams, c.streamNames = map[string]streamUse{}, map[int]string{}
	}
	if first, ok := c.streams[name]; !ok {
		num := NamedStream(name)
		if other, clash := c.streamNames[num]; clash && other != name {
			c.diags.Hintf(a.At, "rename one of them", "streams %s and %s have the same number %d; a stream's number is a hash of its name", other, name, num)
			return n, false
		}
		c.streams[name], c.streamNames[num] = streamUse{dist: dist, at: a.At}, name
	} else if first.dist != dist {
		c.diags.Hintf(a.At, "draw one distribution from a stream, or name another stream",
			"stream %s is drawn from %s at %s, not %s: a stream gives one draw per (pre, post) pair", name, first.dist, first.at, dist)
		return n, false
	}
	out := &CallExpr{At: n.At, Func: n.Func}
	for _, x := range n.Args {
		if x.Name != "stream" {
			out.Args = append(out.Args, x)
		}
	}
	return out, true
}

// NamedStream is the stream number of the random stream called name: in
// [0xA0000000, 0xB0000000), above the inputs' streams and below the
// connectivity's (spec/runtime.md, random numbers), the low 28 bits of the
// name's 32-bit FNV-1a hash, so that a stream's draws do not depend on the
// other streams of the model.
func NamedStream(name string) int {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return int(0xA0000000 | h&0x0FFFFFFF)
}
