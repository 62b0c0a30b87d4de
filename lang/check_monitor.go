// The checker, pass 3 (the network), step 3: monitors (check_network.go's
// header gives the order of the steps). checkMonitor runs in source order
// with the connects and currents (check_connect.go), so that a monitor of
// a projection finds it checked; every evaluates a sampling period.

package lang

import (
	"math"
	"strings"
)

func (c *checker) checkMonitor(d *MonitorDecl) {
	pos := posOf(d.Target.Pos)
	m := &Monitor{Pos: posOf(d.Pos), Kind: d.Kind, Every: 1, Decl: d}
	head := Ident{Pos: d.Target.Pos, Name: d.Target.Parts[0]}
	size := 0
	switch d.Kind {
	case "spikes":
		if len(d.Target.Parts) != 1 {
			c.diags.Errorf(pos, "monitor spikes takes a population or input, not %s", joinDots(d.Target.Parts))
			return
		}
		sym := c.lookupKind(head, "population or input", SymPopulation, SymInput, SymSubgroup)
		if sym == nil {
			return
		}
		m.Population, m.Input = c.popNamed(sym.Name), c.inputNamed(sym.Name)
		switch sg := c.subgroupNamed(sym.Name); {
		case sym.Kind == SymSubgroup && sg == nil:
			return
		case sg != nil:
			m.Population, m.Input, size, m.Base = sg.Pop, sg.Input, sg.Size(), sg.Lo
		case m.Population != nil:
			size = m.Population.Size
		case m.Input != nil:
			size = m.Input.Size
		default:
			return
		}
		if d.Every != nil {
			c.diags.Errorf(posOf(d.Every.Pos), "every applies to state monitors; spike monitors record every spike")
		}
	case "state":
		if len(d.Target.Parts) < 2 {
			c.diags.Hintf(pos, "write monitor state population.variable", "monitor state needs a variable, not %s", head.Name)
			return
		}
		sym := c.lookupKind(head, "population, projection or global", SymPopulation, SymProjection, SymGlobal, SymSubgroup)
		if sym == nil {
			return
		}
		var b *Body
		switch sym.Kind {
		case SymSubgroup:
			sg := c.subgroupNamed(sym.Name)
			if sg == nil {
				return
			}
			if sg.Pop == nil {
				c.diags.Errorf(pos, "%s is a subgroup of input %s, which has no variables to monitor", sym.Name, sg.Input.Name)
				return
			}
			m.Population, b, size, m.Base = sg.Pop, sg.Pop.Type, sg.Size(), sg.Lo
		case SymPopulation:
			if m.Population = c.popNamed(sym.Name); m.Population == nil {
				return
			}
			b, size = m.Population.Type, m.Population.Size
		case SymProjection:
			if m.Projection, _ = c.netOf(sym.Name).(*Projection); m.Projection == nil {
				return
			}
			b = m.Projection.Synapse
			size = -1 // synapse counts are known only once connectivity is built
		case SymGlobal:
			m.Global, b, size = sym.Body, sym.Body, 1
		}
		for _, part := range d.Target.Parts[1 : len(d.Target.Parts)-1] {
			dd := b.Dendrite(part)
			if dd == nil {
				c.diags.Errorf(pos, "%s has no dendrite %s", b.describe(), part)
				return
			}
			if dd.IsArray {
				c.diags.Hintf(pos, "monitor a reduction instead: let x = sum(...) in the neuron, then monitor state POP.x",
					"dendrite %s has %s; a state monitor records one value per neuron", dd.Name, segments(dd.Count))
				return
			}
			b = dd
		}
		last := d.Target.Parts[len(d.Target.Parts)-1]
		v := b.Var(last)
		switch {
		case v == nil:
			c.diags.Errorf(pos, "%s has no variable %s", b.describe(), last)
			return
		case v.Kind == SymParam:
			c.diags.Errorf(pos, "%s is a parameter; it does not change, so there is nothing to monitor", last)
			return
		}
		m.Var = v
		if d.Every != nil {
			m.Every = c.every(d.Every)
		}
	}
	m.Name = strings.Join(d.Target.Parts, "_")
	if d.Kind == "spikes" {
		m.Name += "_spikes"
	}
	if d.Name != nil {
		m.Name = d.Name.Name
	}
	if other := c.monitors[m.Name]; other != nil {
		c.diags.Hintf(m.Pos, "name it: monitor NAME: ...", "a monitor named %s already exists at %s", m.Name, other.Pos)
		return
	}
	c.monitors[m.Name] = m
	if d.Select != nil {
		if size < 0 {
			c.diags.Errorf(posOf(d.Select.Pos), "synapse monitors record all synapses; selecting by index is not supported")
			return
		}
		for _, r := range d.Select.Items {
			lo, ok := c.index(c.scopeAt(d.Pos), c.conv.expr(r.Lo), size, "index")
			if !ok {
				continue
			}
			hi := lo + 1
			if r.Hi != nil {
				h, why := c.constValue(c.scopeAt(d.Pos), c.conv.expr(r.Hi))
				switch {
				case why != "":
					c.diags.Errorf(posOf(r.Hi.Pos), "index must be a constant: %s", why)
					continue
				case h.Value != math.Trunc(h.Value) || h.Value <= float64(lo) || h.Value > float64(size):
					c.diags.Errorf(posOf(r.Hi.Pos), "range end %g must be a whole number in (%d, %d]", h.Value, lo, size)
					continue
				}
				hi = int(h.Value)
			}
			m.Ranges = append(m.Ranges, [2]int{lo, hi})
		}
	}
	c.subgroupRanges(m, size)
	c.prog.Monitors = append(c.prog.Monitors, m)
}

// every evaluates a sampling period: a number of steps, or a time that is a
// whole number of steps.
func (c *checker) every(e *Expr) int {
	ctx := &exprCtx{scope: c.scopeAt(e.Pos), what: "a sampling period"}
	t := c.expr(ctx, e)
	if t.Kind == KindInvalid {
		return 1
	}
	if t.Kind != KindReal || t.Dim != DimTime && !t.Dim.IsDimensionless() {
		c.diags.Errorf(posOf(e.Pos), "sampling period must be a number of steps or a time, not %s", t)
		return 1
	}
	q, why := c.constValue(c.scopeAt(e.Pos), e.X)
	if why != "" {
		c.diags.Errorf(exprPos(e), "sampling period must be a constant: %s", why)
		return 1
	}
	steps := q.Value
	switch {
	case t.Kind == KindReal && t.Dim == DimTime:
		steps = q.Value / c.prog.Run.Dt
		if r := math.Round(steps); math.Abs(steps-r) > 1e-9*r || r < 1 || r > maxSteps {
			c.diags.Errorf(exprPos(e), "sampling period %g s is not a whole number of steps of dt = %g s", q.Value, c.prog.Run.Dt)
			return 1
		}
		steps = math.Round(steps)
	case t.Kind == KindReal && t.Dim.IsDimensionless():
		if steps != math.Trunc(steps) || steps < 1 || steps > maxSteps {
			c.diags.Errorf(exprPos(e), "sampling period must be a whole number of steps of at least 1, not %g", steps)
			return 1
		}
	default:
		c.diags.Errorf(exprPos(e), "sampling period must be a number of steps or a time, not %s", t)
		return 1
	}
	return int(steps)
}
