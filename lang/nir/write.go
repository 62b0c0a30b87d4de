package nir

import (
	"fmt"
	"sort"
	"strings"

	"snnc/lang/nir/h5"
)

// Write writes g to path in the layout the reference reader (Python nir
// 1.0.x) expects and its writer produces: /version, and /node holding type,
// edges, nodes/<name>/ and metadata/, every string variable-length UTF-8 and
// every field a dataset of its own dtype and shape. No edges are written as
// an empty float64 array of shape (0,), as the reference writer does. Arrays
// are not compressed. Errors name the node and field.
func Write(path string, g *Graph) error {
	root := h5.NewGroup()
	version := g.Version
	if version == "" {
		version = DefaultVersion
	}
	if err := root.Strings("version", nil, []string{version}); err != nil {
		return err
	}
	if err := writeGraph(root.Group("node"), g, ""); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return h5.WriteFile(path, root)
}

func writeGraph(grp *h5.Group, g *Graph, qual string) error {
	if err := grp.Strings("type", nil, []string{"NIRGraph"}); err != nil {
		return err
	}
	if len(g.Edges) == 0 {
		if err := grp.Numbers("edges", h5.Float64, []int{0}, nil); err != nil {
			return err
		}
	} else {
		s := make([]string, 0, 2*len(g.Edges))
		for _, e := range g.Edges {
			s = append(s, e.From, e.To)
		}
		if err := grp.Strings("edges", []int{len(g.Edges), 2}, s); err != nil {
			return err
		}
	}
	nodes := grp.Group("nodes")
	seen := map[string]bool{}
	for _, n := range g.Nodes {
		sub := qualify(qual, n.Name)
		if n.Name == "" || strings.Contains(n.Name, "/") || seen[n.Name] {
			return fmt.Errorf("%s: a node name must be unique, non-empty and without '/'", where(sub))
		}
		seen[n.Name] = true
		ng := nodes.Group(n.Name)
		if n.Type == "NIRGraph" {
			// A nested graph's extra datasets are its Graph.Fields (Read
			// copies them into the node's Fields too; those are not
			// written twice).
			if n.Graph == nil {
				return fmt.Errorf("%s: a NIRGraph node without its graph", where(sub))
			}
			if err := writeGraph(ng, n.Graph, sub); err != nil {
				return err
			}
			continue
		}
		if n.Graph != nil {
			return fmt.Errorf("%s: a %s node with a nested graph", where(sub), n.Type)
		}
		if err := ng.Strings("type", nil, []string{n.Type}); err != nil {
			return err
		}
		if err := writeFields(ng, n.Fields, sub); err != nil {
			return err
		}
		if len(n.Metadata) > 0 {
			if err := writeFlat(ng.Group("metadata"), n.Metadata, sub); err != nil {
				return err
			}
		}
	}
	if err := writeFields(grp, g.Fields, qual); err != nil {
		return err
	}
	if len(g.Metadata) > 0 {
		if err := writeFlat(grp.Group("metadata"), g.Metadata, qual); err != nil {
			return err
		}
	}
	return nil
}

func writeFields(grp *h5.Group, fields map[string]*Value, qual string) error {
	for _, name := range sortedKeys(fields) {
		switch name {
		case "type", "edges", "nodes", "metadata":
			return fmt.Errorf("%s: field %s: a reserved name in a NIR node group", where(qual), name)
		}
		if err := writeValue(grp, name, fields[name]); err != nil {
			return fmt.Errorf("%s: field %s: %w", where(qual), name, err)
		}
	}
	return nil
}

// writeFlat writes a flattened metadata map, "a/b" names as nested groups.
func writeFlat(grp *h5.Group, m map[string]*Value, qual string) error {
	for _, name := range sortedKeys(m) {
		parts := strings.Split(name, "/")
		g := grp
		for _, p := range parts[:len(parts)-1] {
			g = g.Group(p)
		}
		if err := writeValue(g, parts[len(parts)-1], m[name]); err != nil {
			return fmt.Errorf("%s: metadata %s: %w", where(qual), name, err)
		}
	}
	return nil
}

var kinds = map[string]h5.Kind{
	"float32": h5.Float32,
	"float64": h5.Float64,
	"int32":   h5.Int32,
	"int64":   h5.Int64,
}

func writeValue(grp *h5.Group, name string, v *Value) error {
	if v == nil {
		return fmt.Errorf("no value")
	}
	if v.DType == "string" {
		return grp.Strings(name, v.Shape, v.Str)
	}
	k, ok := kinds[v.DType]
	if !ok {
		return fmt.Errorf("dtype %q cannot be written (float32, float64, int32, int64 and string can)", v.DType)
	}
	return grp.Numbers(name, k, v.Shape, v.Num)
}

func sortedKeys(m map[string]*Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
