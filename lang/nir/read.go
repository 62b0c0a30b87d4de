package nir

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"
)

// Read reads the NIR file at path. Its errors name the file and, where one is
// at fault, the node and field ("f.nir: node lif1: field tau: ..."); a file
// that is not HDF5, or HDF5 that is not NIR, is an error, never a panic.
func Read(file string) (g *Graph, err error) {
	// Refuse what is not HDF5 before the library sees it: its messages for a
	// text file are about superblocks, not about the user's mistake.
	if err := checkSignature(file); err != nil {
		return nil, err
	}
	// The library is young; a malformed file must still be an error naming
	// the file, not a crash of snnc.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("%s: malformed HDF5 file: %v", file, r)
		}
	}()
	f, err := hdf5.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read HDF5: %v", file, err)
	}
	defer f.Close()
	top := members(f.Root())
	nodeObj, ok := top["node"].(*hdf5.Group)
	if !ok {
		return nil, fmt.Errorf("%s: not a NIR file: no /node group (an HDF5 file holding %s)", file, listNames(top))
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	r := &reader{file: file, size: st.Size()}
	g, err = r.graph(nodeObj, "")
	if err != nil {
		return nil, err
	}
	if vd, ok := top["version"].(*hdf5.Dataset); ok {
		v, err := r.value(vd, "version")
		if err != nil {
			return nil, err
		}
		g.Version = v.String()
	}
	return g, nil
}

// hdf5Signature starts every HDF5 file without a user block (NIR writers
// write none).
const hdf5Signature = "\x89HDF\r\n\x1a\n"

// checkSignature refuses a file that is not HDF5, and one whose heaps claim
// more bytes than the file has: scigolib/hdf5 v0.14.0 allocates a local
// heap's claimed size before reading it, so one corrupt size field would
// exhaust memory (a fatal error no recover catches) instead of being an
// error.
func checkSignature(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if len(data) < len(hdf5Signature) || string(data[:len(hdf5Signature)]) != hdf5Signature {
		return fmt.Errorf("%s: not a NIR file: not HDF5 (no HDF5 signature at the start)", file)
	}
	// The heap headers: "HEAP" (local heap: signature, version, 3 reserved
	// bytes, then the data segment size) and "GCOL" (global heap: the same
	// up to the collection size), with the 8-byte lengths every NIR writer
	// uses. A match inside raw data is harmless unless it looks oversized,
	// which only refuses a file that is at worst suspicious.
	for _, sig := range []string{"HEAP", "GCOL"} {
		for i := 0; ; {
			j := bytes.Index(data[i:], []byte(sig))
			if j < 0 {
				break
			}
			at := i + j
			if at+16 <= len(data) && data[at+4] <= 1 {
				if size := binary.LittleEndian.Uint64(data[at+8:]); size > uint64(len(data)) {
					return fmt.Errorf("%s: malformed HDF5 file: the heap at byte %d claims %d bytes, the file has %d", file, at, size, len(data))
				}
			}
			i = at + 1
		}
	}
	return nil
}

type reader struct {
	file string
	size int64 // the file's size in bytes
}

// where names a node for messages; "" is the top graph.
func where(node string) string {
	if node == "" {
		return "graph"
	}
	return "node " + node
}

func (r *reader) errorf(node, field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		return fmt.Errorf("%s: %s: field %s: %s", r.file, where(node), field, msg)
	}
	return fmt.Errorf("%s: %s: %s", r.file, where(node), msg)
}

// graph reads a NIRGraph group; qual is its node path ("" at the top, "G"
// or "G.H" nested), for messages.
func (r *reader) graph(grp *hdf5.Group, qual string) (*Graph, error) {
	m := members(grp)
	if t, err := r.typeOf(m, qual); err != nil {
		return nil, err
	} else if t != "NIRGraph" {
		return nil, r.errorf(qual, "type", "the graph group has type %q, want \"NIRGraph\"", t)
	}
	g := &Graph{}
	if ed, ok := m["edges"].(*hdf5.Dataset); ok {
		v, err := r.value(ed, "edges")
		if err != nil {
			return nil, r.errorf(qual, "edges", "%v", err)
		}
		if g.Edges, err = edges(v); err != nil {
			return nil, r.errorf(qual, "edges", "%v", err)
		}
	} else if m["edges"] != nil {
		return nil, r.errorf(qual, "edges", "a group, want a dataset")
	}
	nodes, ok := m["nodes"].(*hdf5.Group)
	if !ok {
		return nil, r.errorf(qual, "nodes", "missing nodes/ group")
	}
	nm := members(nodes)
	for _, name := range sortedNames(nm) {
		sub := qualify(qual, name)
		ng, ok := nm[name].(*hdf5.Group)
		if !ok {
			return nil, r.errorf(sub, "", "a dataset, want a node group with a type")
		}
		n, err := r.node(ng, name, sub)
		if err != nil {
			return nil, err
		}
		g.Nodes = append(g.Nodes, n)
	}
	var err error
	if md, ok := m["metadata"].(*hdf5.Group); ok {
		if g.Metadata, err = r.flatten(md, qual, "metadata"); err != nil {
			return nil, err
		}
	}
	fields := map[string]*Value{}
	if err := r.attributes(grp, fields, qual); err != nil {
		return nil, err
	}
	for _, name := range sortedNames(m) {
		switch name {
		case "type", "edges", "nodes", "metadata":
			continue
		}
		d, ok := m[name].(*hdf5.Dataset)
		if !ok {
			return nil, r.errorf(qual, name, "an unexpected group in a NIRGraph")
		}
		v, err := r.value(d, name)
		if err != nil {
			return nil, r.errorf(qual, name, "%v", err)
		}
		fields[name] = v
	}
	if len(fields) > 0 {
		g.Fields = fields
	}
	return g, nil
}

func qualify(qual, name string) string {
	if qual == "" {
		return name
	}
	return qual + "." + name
}

func (r *reader) node(grp *hdf5.Group, name, qual string) (*Node, error) {
	m := members(grp)
	t, err := r.typeOf(m, qual)
	if err != nil {
		return nil, err
	}
	n := &Node{Name: name, Type: t, Fields: map[string]*Value{}}
	if t == "NIRGraph" {
		if n.Graph, err = r.graph(grp, qual); err != nil {
			return nil, err
		}
		// The extra datasets of a nested graph are its node's fields too.
		for k, v := range n.Graph.Fields {
			n.Fields[k] = v
		}
		return n, nil
	}
	if err := r.attributes(grp, n.Fields, qual); err != nil {
		return nil, err
	}
	for _, field := range sortedNames(m) {
		if field == "type" {
			continue
		}
		switch o := m[field].(type) {
		case *hdf5.Dataset:
			v, err := r.value(o, field)
			if err != nil {
				return nil, r.errorf(qual, field, "%v", err)
			}
			n.Fields[field] = v
		case *hdf5.Group:
			if field != "metadata" {
				return nil, r.errorf(qual, field, "a group, want a dataset (only metadata/ may be a group in a %s node)", t)
			}
			if n.Metadata, err = r.flatten(o, qual, "metadata"); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// typeOf reads the 0-d `type` string of a node group.
func (r *reader) typeOf(m map[string]hdf5.Object, qual string) (string, error) {
	d, ok := m["type"].(*hdf5.Dataset)
	if !ok {
		return "", r.errorf(qual, "type", "missing: every NIR node group holds a 0-d type string")
	}
	v, err := r.value(d, "type")
	if err != nil {
		return "", r.errorf(qual, "type", "%v", err)
	}
	if v.DType != "string" || v.Len() != 1 {
		return "", r.errorf(qual, "type", "a %s of shape %v, want one string", v.DType, v.Shape)
	}
	return v.Str[0], nil
}

// flatten reads a metadata group, nested groups becoming "a/b" names.
func (r *reader) flatten(grp *hdf5.Group, qual, prefix string) (map[string]*Value, error) {
	out := map[string]*Value{}
	var walk func(g *hdf5.Group, pre string) error
	walk = func(g *hdf5.Group, pre string) error {
		m := members(g)
		for _, name := range sortedNames(m) {
			full := name
			if pre != "" {
				full = pre + "/" + name
			}
			switch o := m[name].(type) {
			case *hdf5.Group:
				if err := walk(o, full); err != nil {
					return err
				}
			case *hdf5.Dataset:
				v, err := r.value(o, name)
				if err != nil {
					return r.errorf(qual, prefix+"/"+full, "%v", err)
				}
				out[full] = v
			}
		}
		return nil
	}
	if err := walk(grp, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// edges turns an edges dataset into Edges: an (E, 2) string array, or an
// empty array of any type (the reference writer stores no edges as float64
// of shape (0,)).
func edges(v *Value) ([]Edge, error) {
	if v.Len() == 0 {
		return nil, nil
	}
	if v.DType != "string" || len(v.Shape) != 2 || v.Shape[1] != 2 {
		return nil, fmt.Errorf("a %s array of shape %v, want strings of shape (E, 2)", v.DType, v.Shape)
	}
	out := make([]Edge, v.Shape[0])
	for i := range out {
		out[i] = Edge{From: v.Str[2*i], To: v.Str[2*i+1]}
	}
	return out, nil
}

// infoRE parses the summary the library gives of a dataset ("float (size=8
// bytes), 2D array [3 x 100], chunked ..."): it exports no typed accessor
// for a dataset's datatype and dataspace.
var infoRE = regexp.MustCompile(`^Dataset: (\w+) \(size=(\d+) bytes\), (scalar|null|1D array \[(\d+)\]|2D array \[(\d+) x (\d+)\]|\d+D array \[([\d ]*)\])`)

// value reads one dataset: its dtype, shape and contents.
func (r *reader) value(d *hdf5.Dataset, field string) (*Value, error) {
	info, err := d.Info()
	if err != nil {
		return nil, fmt.Errorf("cannot read the dataset header: %v", err)
	}
	mm := infoRE.FindStringSubmatch(info)
	if mm == nil {
		return nil, fmt.Errorf("unsupported dataset (%s)", info)
	}
	class, size := mm[1], mm[2]
	var shape []int
	switch {
	case mm[3] == "scalar":
		shape = []int{}
	case mm[3] == "null":
		return nil, fmt.Errorf("a dataset with a null dataspace holds no value")
	case mm[4] != "":
		shape = atois(mm[4])
	case mm[5] != "":
		shape = atois(mm[5], mm[6])
	default:
		shape = atois(strings.Fields(mm[7])...)
	}
	v := &Value{Shape: shape}
	switch {
	case class == "float" && size == "4":
		v.DType = "float32"
	case class == "float" && size == "8":
		v.DType = "float64"
	case class == "integer" && size == "8":
		v.DType = "int64"
	case class == "integer" && size == "4":
		v.DType = "int32"
	case class == "string" || class == "class_9":
		// class 9 is variable-length; NIR's writer (h5py) stores every
		// string that way. Class 3 is a fixed-length string.
		v.DType = "string"
	default:
		return nil, fmt.Errorf("unsupported HDF5 datatype %s of %s bytes (NIR stores float32, float64, int32, int64 and strings)", class, size)
	}
	if v.Len() == 0 {
		return v, nil
	}
	// The library allocates what the dataspace claims before reading: refuse
	// a claim the file cannot hold even compressed (deflate expands at most
	// 1032 times), so a corrupt dimension is an error, not a fatal
	// out-of-memory.
	elem, _ := strconv.Atoi(size)
	if float64(v.Len())*float64(max(elem, 1)) > 1032*float64(r.size)+(1<<20) {
		return nil, fmt.Errorf("malformed HDF5 file: shape %v of %s-byte elements is more than the file can hold", v.Shape, size)
	}
	switch {
	case class == "class_9":
		bs, err := d.ReadVLenBytes()
		if err != nil {
			return nil, fmt.Errorf("cannot read strings: %v", err)
		}
		for _, b := range bs {
			v.Str = append(v.Str, string(b))
		}
	case v.DType == "string":
		if v.Str, err = d.ReadStrings(); err != nil {
			return nil, fmt.Errorf("cannot read strings: %v", err)
		}
	default:
		if v.Num, err = d.Read(); err != nil {
			return nil, fmt.Errorf("cannot read %s data: %v", v.DType, err)
		}
	}
	if got := len(v.Num) + len(v.Str); got != v.Len() {
		return nil, fmt.Errorf("read %d elements, the shape %v holds %d", got, v.Shape, v.Len())
	}
	return v, nil
}

func atois(ss ...string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}

// members maps a group's children by their base names.
func members(g *hdf5.Group) map[string]hdf5.Object {
	m := map[string]hdf5.Object{}
	for _, c := range g.Children() {
		m[path.Base(strings.TrimSuffix(c.Name(), "/"))] = c
	}
	return m
}

// sortedNames lists names in byte order, the order h5py and the reference
// reader iterate a group in.
func sortedNames(m map[string]hdf5.Object) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func listNames(m map[string]hdf5.Object) string {
	names := sortedNames(m)
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}

// attributes adds the HDF5 attributes of a node or graph group to fields.
// NIR's writers write none, but the graph model keeps every attribute of a
// node group as a field rather than drop it; one named as a dataset of the
// group is an error.
func (r *reader) attributes(grp *hdf5.Group, fields map[string]*Value, qual string) error {
	attrs, err := grp.Attributes()
	if err != nil {
		return r.errorf(qual, "", "cannot read the attributes: %v", err)
	}
	members := members(grp)
	for _, a := range attrs {
		if _, dup := members[a.Name]; dup || a.Name == "type" {
			return r.errorf(qual, a.Name, "both an attribute and a dataset")
		}
		if a.Datatype == nil || a.Dataspace == nil {
			return r.errorf(qual, a.Name, "an attribute without a datatype or dataspace")
		}
		v := &Value{Shape: []int{}}
		if !a.Dataspace.IsScalar() {
			for _, d := range a.Dataspace.Dimensions {
				v.Shape = append(v.Shape, int(d))
			}
		}
		dt := a.Datatype
		switch {
		case dt.Class == 1 && dt.Size == 4:
			v.DType = "float32"
		case dt.Class == 1 && dt.Size == 8:
			v.DType = "float64"
		// Class 0 is fixed point; bit 3 of its bit field says signed.
		case dt.Class == 0 && dt.ClassBitField&0x08 != 0 && dt.Size == 4:
			v.DType = "int32"
		case dt.Class == 0 && dt.ClassBitField&0x08 != 0 && dt.Size == 8:
			v.DType = "int64"
		case dt.Class == 3 || dt.Class == 9:
			v.DType = "string"
		default:
			return r.errorf(qual, a.Name, "an attribute of unsupported HDF5 datatype class %d, %d bytes", dt.Class, dt.Size)
		}
		x, err := a.ReadValue()
		if err != nil {
			return r.errorf(qual, a.Name, "cannot read the attribute: %v", err)
		}
		switch x := x.(type) {
		case int32:
			v.Num = []float64{float64(x)}
		case int64:
			v.Num = []float64{float64(x)}
		case float32:
			v.Num = []float64{float64(x)}
		case float64:
			v.Num = []float64{x}
		case string:
			v.Str = []string{x}
		case []int32:
			for _, e := range x {
				v.Num = append(v.Num, float64(e))
			}
		case []int64:
			for _, e := range x {
				v.Num = append(v.Num, float64(e))
			}
		case []float32:
			for _, e := range x {
				v.Num = append(v.Num, float64(e))
			}
		case []float64:
			v.Num = x
		case []string:
			v.Str = x
		case []interface{}:
			// The library's empty attribute.
		default:
			return r.errorf(qual, a.Name, "an attribute read as %T", x)
		}
		if got := len(v.Num) + len(v.Str); got != v.Len() {
			return r.errorf(qual, a.Name, "an attribute of %d elements, its shape %v holds %d", got, v.Shape, v.Len())
		}
		fields[a.Name] = v
	}
	return nil
}
