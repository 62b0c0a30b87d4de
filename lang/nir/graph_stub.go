package nir

// graph_stub.go holds the graph model fixed for all parts of issue 21 so
// that the importer compiles before part F's graph.go (which owns these
// types and Read) is merged. DELETE THIS FILE when merging nir-f.

// A Graph is a NIR graph: nodes by name, edges between them.
type Graph struct {
	Nodes    []*Node
	Edges    []Edge
	Metadata map[string]*Value
}

// An Edge joins two nodes by name.
type Edge struct{ From, To string }

// A Node is one NIR node.
type Node struct {
	Name   string
	Type   string
	Fields map[string]*Value
	Graph  *Graph
}

// A Value is one field: a numeric array or a string.
type Value struct {
	DType string
	Shape []int
	Num   []float64
	Str   []string
}

// Node returns the node called name, nil if absent.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}
