// The checker's part for a synapse's pathways (spec/language.md section
// 3.6): named on pre blocks, each delivered after its own delay, as
// Brian2's on_pre={'up': ..., 'down': ...} with S.up.delay.

package lang

import (
	"slices"
	"strings"
)

// declarePathway enters on pre NAME { ... } in the synapse body b, keeping
// b.Pathways in the order of their names: the order in which one step runs
// them, as Brian2 runs the pathways of one Synapses (it sorts objects of one
// slot and order by name).
func (c *checker) declarePathway(b *Body, on *On, once func(Member, string) bool) {
	if !once(on, "on pre "+on.Source.Name) {
		return
	}
	at, _ := slices.BinarySearchFunc(b.Pathways, on.Source.Name, func(x *On, name string) int {
		return strings.Compare(x.Source.Name, name)
	})
	b.Pathways = slices.Insert(b.Pathways, at, on)
}

// declarePathDelay enters delay NAME = ..., a pathway's default delay.
func (c *checker) declarePathDelay(b *Body, d *Delay, once func(Member, string) bool) {
	if !once(d, "delay "+d.Path.Name) {
		return
	}
	if b.PathDelays == nil {
		b.PathDelays = map[string]*Delay{}
	}
	b.PathDelays[d.Path.Name] = d
}

// Pathway returns the body's pathway called name, or nil.
func (b *Body) Pathway(name string) *On {
	for _, on := range b.Pathways {
		if on.Source.Name == name {
			return on
		}
	}
	return nil
}

// pathwayNames lists the body's pathways for messages: "up, down".
func (b *Body) pathwayNames() string {
	var names []string
	for _, on := range b.Pathways {
		names = append(names, on.Source.Name)
	}
	return strings.Join(names, ", ")
}

// pathDelaySetting returns the pathway whose delay a connect's setting name
// sets (up.delay), or "" where name is no pathway's delay.
func (b *Body) pathDelaySetting(name string) string {
	path, ok := strings.CutSuffix(name, ".delay")
	if !ok || b.Pathway(path) == nil {
		return ""
	}
	return path
}

// checkPathways checks a synapse type's pathway delays (a time, constant
// or a parameter, not negative, of a pathway that exists) and its pathways'
// code, as checkBody does the delay and the unnamed on pre.
func (c *checker) checkPathways(b *Body) {
	for _, name := range sortedKeys(b.PathDelays) {
		d := b.PathDelays[name]
		if b.Pathway(name) == nil {
			hint := "declare it with on pre " + name + " { ... }"
			if len(b.Pathways) > 0 {
				hint = "its pathways are " + b.pathwayNames()
			}
			c.diags.Hintf(posOf(d.Path.Pos), hint, "delay %s: %s has no pathway %s", name, b.describe(), name)
			continue
		}
		ctx := &exprCtx{scope: b.Scope, body: b, what: "a delay", constOnly: true}
		c.wantDim(ctx, d.Value, DimTime, "the delay of pathway "+name)
		c.nonNegative(ctx, d.Value, "the delay of pathway "+name, false)
	}
	for _, on := range b.Pathways {
		c.stmts(&exprCtx{scope: b.Scope, body: b, what: "an on-pre block", random: true, unknownPost: true}, on.Body)
	}
}

// checkPathwaysFor checks a synapse type's pathways' uses of pre.x and
// post.x against the populations of one projection (checkSynapseFor).
func (c *checker) checkPathwaysFor(b *Body, ctx *exprCtx) {
	for _, on := range b.Pathways {
		ctx.what = "an on-pre block"
		c.stmts(ctx, on.Body)
	}
}
