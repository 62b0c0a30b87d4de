package nir

// A Graph is a NIR graph: nodes by name, edges between them.
type Graph struct {
	Nodes    []*Node           // in the file's order of names (HDF5 lists them sorted)
	Edges    []Edge            // in file order
	Metadata map[string]*Value // the optional metadata/ group, flattened "a/b" names; may be nil

	// Fields holds any dataset of the graph's group other than type, edges,
	// nodes/ and metadata/ (older writers stored more there); kept so that
	// nothing read is silently dropped. May be nil.
	Fields map[string]*Value
	// Version is the /version string of the file, on the top graph only;
	// Write writes DefaultVersion when it is empty.
	Version string
}

// An Edge goes From one node To another.
type Edge struct{ From, To string } // names as written: "conv1", "G.B" (into nested graph G), or a literal dotted name such as "lif1.lif"

// A Node is one named node of a graph.
type Node struct {
	Name   string
	Type   string            // "LIF", "Affine", "NIRGraph", ... as in the file
	Fields map[string]*Value // every dataset or attribute of the node group but `type`
	Graph  *Graph            // the nested graph of a NIRGraph node (its nodes/ and edges), else nil

	// Metadata is a non-graph node's metadata/ subgroup, flattened "a/b"
	// names (the reference writer stores one per node); may be nil. A
	// NIRGraph node's metadata is Graph.Metadata.
	Metadata map[string]*Value
}

// A Value is one field: a numeric array or a string.
type Value struct {
	DType string    // "float32", "float64", "int64", "int32", "bool", "string"
	Shape []int     // () for 0-d
	Num   []float64 // the numbers, C order (ints and floats converted exactly where they fit)
	Str   []string  // for DType "string"
}

// DefaultVersion is the NIR version Write records when the Graph has none:
// the reference writer's, whose layout Write reproduces.
const DefaultVersion = "1.0.6"

// Node returns the node named name, nil if absent. The name is looked up
// literally: "G.B" finds a node named "G.B", not node B of nested graph G.
func (g *Graph) Node(name string) *Node {
	for _, n := range g.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Len is the number of elements of v (1 for a 0-d value).
func (v *Value) Len() int {
	n := 1
	for _, d := range v.Shape {
		n *= d
	}
	return n
}

// Scalar reports whether v is 0-d.
func (v *Value) Scalar() bool { return len(v.Shape) == 0 }

// String returns the single string of a 0-d string value, "" otherwise.
func (v *Value) String() string {
	if v == nil || v.DType != "string" || len(v.Str) != 1 {
		return ""
	}
	return v.Str[0]
}

// Float64s returns a numeric array value, 0-d as well as any rank.
func Float64s(dtype string, shape []int, num []float64) *Value {
	return &Value{DType: dtype, Shape: append([]int{}, shape...), Num: num}
}

// Strings returns a string value.
func Strings(shape []int, s ...string) *Value {
	return &Value{DType: "string", Shape: append([]int{}, shape...), Str: s}
}
