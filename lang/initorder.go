package lang

import (
	"slices"
	"strings"
)

// The initialisations of one instance of a body (a population of a neuron
// type with its dendrites, a connect of a synapse type, a global) form a
// graph: each parameter, state variable and trace gets one value (the
// population's or connect's setting, else the type's default or initial
// value), and that value may read others. They run in a topological order
// of that graph; among values that do not depend on each other, the order
// is the declaration order (parameters, then state variables, then traces,
// the neuron before its dendrites), which is the order snnc used before it
// sorted, so that models without forward references keep their IR and
// their random streams. spec/language.md states the rule.

// initNode is one initialisation.
type initNode struct {
	sym     *Symbol
	name    string  // as the population or connect body names it: v, apical.u
	kernel  int     // whose init kernel it belongs to: 0 the body's own, k+1 its dendrite k
	x       Node    // its value; nil: none (a state variable or trace starts at 0)
	setting *Assign // the setting that gave the value, if any
	deps    []int   // the nodes its value reads, each once
}

// initGraph holds the initialisations of one body's instance.
type initGraph struct {
	nodes []*initNode
	index map[*Symbol]int
}

// newInitGraph builds the graph of b's initialisations under settings,
// keyed as a population or connect body names them (v, apical.u). With
// dendrites, those of b's dendrites are in it too, after b's own.
func newInitGraph(info *Info, b *Body, settings map[string]*Assign, dendrites bool) *initGraph {
	g := &initGraph{index: map[*Symbol]int{}}
	g.add(b, "", 0, settings)
	if dendrites {
		for k, d := range b.Dendrites {
			g.add(d, d.Name+".", k+1, settings)
		}
	}
	for _, n := range g.nodes {
		seen := map[int]bool{}
		walkNode(n.x, func(m Node) {
			ref, ok := m.(*NameRef)
			if !ok {
				return
			}
			if j, ok := g.index[info.Uses[ref]]; ok && !seen[j] {
				seen[j] = true
				n.deps = append(n.deps, j)
			}
		})
	}
	return g
}

func (g *initGraph) add(b *Body, prefix string, kernel int, settings map[string]*Assign) {
	for _, list := range [][]*Symbol{b.Params, b.States, b.Traces} {
		for _, s := range list {
			n := &initNode{sym: s, name: prefix + s.Name, kernel: kernel}
			if a := settings[n.name]; a != nil {
				n.x, n.setting = a.Value.X, a
			} else {
				var e *Expr
				switch d := s.Decl.(type) {
				case *Param:
					e = d.Default
				case *State:
					e = d.Init
				case *Trace:
					e = d.Init
				}
				if e != nil {
					n.x = e.X
				}
			}
			g.index[s] = len(g.nodes)
			g.nodes = append(g.nodes, n)
		}
	}
}

// order returns the nodes in a topological order, the lowest-numbered
// ready node first, and the nodes on or behind a cycle, which it leaves
// out (the checker reports the cycle; lowering never sees one).
func (g *initGraph) order() (order []int, stuck []int) {
	// waiting[i] counts the dependencies of i not yet placed.
	waiting := make([]int, len(g.nodes))
	users := make([][]int, len(g.nodes))
	for i, n := range g.nodes {
		waiting[i] = len(n.deps)
		for _, j := range n.deps {
			users[j] = append(users[j], i)
		}
	}
	done := make([]bool, len(g.nodes))
	// A body has a few dozen values at most: a linear scan for the first
	// ready node is simpler than a heap and as fast.
	for {
		next := -1
		for i := range g.nodes {
			if !done[i] && waiting[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		done[next] = true
		order = append(order, next)
		for _, u := range users[next] {
			waiting[u]--
		}
	}
	for i := range g.nodes {
		if !done[i] {
			stuck = append(stuck, i)
		}
	}
	return order, stuck
}

// mustOrder is order for a checked program, which has no cycle.
func (g *initGraph) mustOrder() []int {
	order, stuck := g.order()
	if len(stuck) > 0 {
		panic("lang: initialisation cycle through " + g.nodes[stuck[0]].name + " not reported by the checker")
	}
	return order
}

// cycles returns the cycles among the nodes order could not place, each
// as a path that starts and ends at the same node, at most one through
// each node.
func (g *initGraph) cycles() [][]int {
	_, stuck := g.order()
	inStuck := map[int]bool{}
	for _, i := range stuck {
		inStuck[i] = true
	}
	reported := map[int]bool{}
	var out [][]int
	for _, start := range stuck {
		if reported[start] {
			continue
		}
		// A breadth-first search from start along dependencies finds the
		// shortest way back to it, if there is one.
		prev := map[int]int{}
		queue := []int{start}
		found := -1
		for len(queue) > 0 && found < 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range g.nodes[i].deps {
				if !inStuck[j] {
					continue
				}
				if j == start {
					found = i
					break
				}
				if _, ok := prev[j]; !ok {
					prev[j] = i
					queue = append(queue, j)
				}
			}
		}
		if found < 0 {
			continue // behind a cycle, not on one
		}
		path := []int{start}
		var back []int
		for i := found; i != start; i = prev[i] {
			back = append(back, i)
		}
		for k := len(back) - 1; k >= 0; k-- {
			path = append(path, back[k])
		}
		path = append(path, start)
		skip := false
		for _, i := range path {
			skip = skip || reported[i]
		}
		if skip {
			continue
		}
		for _, i := range path {
			reported[i] = true
		}
		out = append(out, path)
	}
	return out
}

// hosts says which init kernel runs each node: its own body's, or an
// earlier one where a node of that kernel reads it (a neuron's initial
// value that reads a dendrite's sets that dendrite's value first, in the
// neuron's kernel, since the neuron's kernel runs before its dendrites').
func (g *initGraph) hosts(order []int) []int {
	host := make([]int, len(g.nodes))
	for i, n := range g.nodes {
		host[i] = n.kernel
	}
	// Users come after what they read in order: walking it backwards fixes
	// every user's host before the nodes it reads.
	for k := len(order) - 1; k >= 0; k-- {
		u := order[k]
		for _, j := range g.nodes[u].deps {
			host[j] = min(host[j], host[u])
		}
	}
	return host
}

// describeCycle writes a cycle as a -> b -> a.
func (g *initGraph) describeCycle(path []int) string {
	names := make([]string, len(path))
	for k, i := range path {
		names[k] = g.nodes[i].name
	}
	return strings.Join(names, " -> ")
}

// checkInitOrder reports the cycles among the initialisations of every
// population and connect, and a neuron's initial value that reads a
// variable of a dendrite array (whose segments are set in the dendrite's
// own kernel, after the neuron's). A cycle among a type's own defaults is
// reported where the type is checked ("defined in terms of itself"); here
// only cycles that go through a setting, at the first such setting.
func (c *checker) checkInitOrder() {
	for _, p := range c.prog.Populations {
		c.checkInitGraph(newInitGraph(&c.info, p.Type, settingsOf(p.Decl.Body), true), p.Type)
	}
	for _, p := range c.prog.Projections {
		c.checkInitGraph(newInitGraph(&c.info, p.Synapse, settingsOf(p.Decl.Body), false), p.Synapse)
	}
}

func (c *checker) checkInitGraph(g *initGraph, b *Body) {
	for _, path := range g.cycles() {
		var at *Assign
		first := 0
		for k, i := range path[:len(path)-1] {
			if s := g.nodes[i].setting; s != nil && (at == nil || posOf(s.Pos).before(posOf(at.Pos))) {
				at, first = s, k
			}
		}
		if at == nil {
			continue // among the type's defaults: reported with the type
		}
		// Start the cycle at the setting it is reported at.
		ring := path[:len(path)-1]
		path = append(append(append([]int{}, ring[first:]...), ring[:first]...), ring[first])
		c.diags.Hintf(posOf(at.Pos), "give one of them a value that does not read the others",
			"initialisation cycle: %s (each value reads the next)", g.describeCycle(path))
	}
	order, _ := g.order()
	host := g.hosts(order)
	for i, n := range g.nodes {
		if host[i] == n.kernel || !b.Dendrites[n.kernel-1].IsArray {
			continue
		}
		if n.sym.Kind == SymParam && n.x != nil {
			if _, why := c.constValue(b.Dendrites[n.kernel-1].Scope, n.x); why == "" {
				continue // a constant, in the variable's declaration: nothing to set first
			}
		}
		// Name the first reader in the neuron, for the position.
		for _, u := range order {
			if host[u] == 0 && slices.Contains(g.nodes[u].deps, i) {
				c.diags.Hintf(g.valuePos(u), "initialise it from the neuron's own parameters instead",
					"the initial value of %s reads %s, a variable of dendrite array %s, which is initialised after the neuron",
					g.nodes[u].name, n.name, b.Dendrites[n.kernel-1].Name)
				break
			}
		}
	}
}

// valuePos is where node i's value is written.
func (g *initGraph) valuePos(i int) Pos {
	n := g.nodes[i]
	if n.setting != nil {
		return posOf(n.setting.Pos)
	}
	if n.x != nil {
		return n.x.Pos()
	}
	return n.sym.Pos
}

// settingsOf returns the name = value lines of a population or connect
// body by name (the first of a name set twice, which the checker reports).
func settingsOf(b *Block) map[string]*Assign {
	out := map[string]*Assign{}
	if b == nil {
		return out
	}
	for _, s := range b.Stmts {
		if a, ok := s.(*Assign); ok {
			if name := joinDots(a.Target.Parts); out[name] == nil {
				out[name] = a
			}
		}
	}
	return out
}
