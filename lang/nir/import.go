package nir

// Import: a NIR graph becomes an .snn model a user can read, edit and
// build, plus the .npy files it loads. The mapping, the dt conventions and
// what is refused are in spec/nir.md, section "Import".
//
// The graph is cut at its stateful nodes (Input, LIF, CubaLIF, LI, CubaLI,
// IF, I): each becomes an input or a population. The stateless nodes
// between them (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d,
// AvgPool2d, Flatten, and the Input/Output nodes of nested graphs) are
// linear maps, composed along every path into one sparse matrix and one
// bias per (source, target) pair: fan-in is summed, as NIR says, and a
// convolution becomes one synapse per nonzero kernel tap. A spiking source
// passes spikes; a non-spiking one (LI, CubaLI, I) its membrane, through a
// summed variable (synapse NirCont) of the target.

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"snnc/runtime/npy"
)

// Conventions name how an exporter baked dt into tau and r. Each gives the
// step dtp the parameters assume and the integration method.
var Conventions = map[string]struct {
	DtP    float64 // 0: the --dt of the import
	Method string
	Doc    string
}{
	"nir":      {0, "euler", "the NIR equations integrated by forward Euler at --dt"},
	"snntorch": {1e-4, "euler", "snnTorch: r = tau/dt with dt = 1e-4 s, forward Euler (beta = 1 - dt/tau)"},
	"norse":    {1e-3, "euler", "Norse: r = 1 with dt = 1e-3 s, forward Euler"},
	"rockpool": {0, "exact", "Rockpool: r = tau*exp(-dt/tau)/dt at --dt, exact exponential decay"},
}

// DefaultConvention is the convention when none is named.
const DefaultConvention = "nir"

// Options are the importer's settings.
type Options struct {
	Dt         float64 // the step in seconds; required
	Convention string  // a key of Conventions; "" is DefaultConvention
	Duration   float64 // the run's duration in seconds; 0 is 100 steps
	// Input, if not nil, is the spike frames of the graph's Input node,
	// shape (T, n): frame k's nonzero entries are spikes in step k.
	Input [][]float64
	// Rate is the Poisson rate (Hz) of the Input node without Input.
	Rate float64
}

// A Model is the imported model: the .snn source and its data files.
type Model struct {
	Name     string // the base name, "model" for model.snn
	Source   string
	Files    map[string]dataFile // by file name, relative to the model
	Idents   map[string]string   // the snnc name of each NIR node made an input or a population
	Warnings []string
}

type dataFile struct {
	shape []int
	data  []float64
}

// Write writes the model as dir/NAME.snn and its data files beside it.
func (m *Model) Write(dir string) (string, error) {
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := m.Files[n]
		if err := npy.WriteFloat64File(filepath.Join(dir, n), f.shape, f.data); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, m.Name+".snn")
	return path, writeFileAtomic(path, []byte(m.Source))
}

// stateful node types become populations; the others are linear maps.
var neuronTypes = map[string]bool{"Threshold": true, "LIF": true, "CubaLIF": true, "LI": true, "CubaLI": true, "IF": true, "I": true}

var linearTypes = map[string]bool{"Delay": true, "Affine": true, "Linear": true, "Scale": true, "Conv1d": true, "Conv2d": true,
	"SumPool2d": true, "AvgPool2d": true, "Flatten": true}

// flatNode is a node of the flattened graph, nested names joined by ".".
type flatNode struct {
	*Node
	name  string
	inner bool // an Input or Output of a nested graph: an identity
	preds []string
}

// Import converts g. name is the base name of the model's files.
func Import(g *Graph, name string, o Options) (*Model, error) {
	if !(o.Dt > 0) {
		return nil, fmt.Errorf("nir import: --dt is required (NIR stores no time step)")
	}
	conv := o.Convention
	if conv == "" {
		conv = DefaultConvention
	}
	c, ok := Conventions[conv]
	if !ok {
		return nil, fmt.Errorf("nir import: unknown convention %q (snntorch, norse, rockpool, nir)", conv)
	}
	dtp := c.DtP
	if dtp == 0 {
		dtp = o.Dt
	}
	im := &importer{g: g, o: o, dtp: dtp, method: c.Method, conv: conv,
		m: &Model{Name: name, Files: map[string]dataFile{}, Idents: map[string]string{}}, nodes: map[string]*flatNode{},
		flows: map[string]*flow{}, shapes: map[string][]int{}, idents: map[string]string{}, used: map[string]bool{}}
	if err := im.flatten(g, ""); err != nil {
		return nil, err
	}
	// A nested graph's Input that nothing feeds (a file whose top graph
	// holds only the nested one) is the network's input.
	for _, n := range im.nodes {
		if n.inner && n.Type == "Input" && len(n.preds) == 0 {
			n.inner = false
		}
	}
	if err := im.run(); err != nil {
		return nil, err
	}
	return im.m, nil
}

type importer struct {
	g      *Graph
	o      Options
	dtp    float64
	method string
	conv   string
	m      *Model
	order  []string
	nodes  map[string]*flatNode
	flows  map[string]*flow
	shapes map[string][]int
	busy   []string        // the linear nodes being composed, to find cycles
	cont   map[string]bool // the neuron types (LIF for NirLIF) fed a continuous input
	relays map[term]string // the relay population that delays a membrane by term.steps
	idents map[string]string
	used   map[string]bool
	src    strings.Builder
}

// flatten adds g's nodes under prefix and its edges; a nested graph's
// Input and Output nodes become identities addressed as "G.name".
func (im *importer) flatten(g *Graph, prefix string) error {
	for _, n := range g.Nodes {
		full := prefix + n.Name
		if n.Type == "NIRGraph" {
			if n.Graph == nil {
				return fmt.Errorf("node %s: NIRGraph without nodes", full)
			}
			if err := im.flatten(n.Graph, full+"."); err != nil {
				return err
			}
			continue
		}
		im.nodes[full] = &flatNode{Node: n, name: full, inner: prefix != "" && (n.Type == "Input" || n.Type == "Output")}
		im.order = append(im.order, full)
	}
	for _, e := range g.Edges {
		from, err := im.resolve(g, prefix, e.From, "Output")
		if err != nil {
			return err
		}
		to, err := im.resolve(g, prefix, e.To, "Input")
		if err != nil {
			return err
		}
		im.nodes[to].preds = append(im.nodes[to].preds, from)
	}
	return nil
}

// resolve finds the node an edge names: a literal name first (real files
// name nodes "lif1.lif"), then "G.B" into nested graph G, then a nested
// graph by its own name, which stands for its Input (end "Input") or
// Output node.
func (im *importer) resolve(g *Graph, prefix, name, end string) (string, error) {
	if n := g.Node(name); n != nil && n.Type != "NIRGraph" {
		return prefix + name, nil
	}
	if _, ok := im.nodes[prefix+name]; ok {
		return prefix + name, nil
	}
	if n := g.Node(name); n != nil && n.Type == "NIRGraph" && n.Graph != nil {
		for _, inner := range n.Graph.Nodes {
			if inner.Type == end {
				return prefix + name + "." + inner.Name, nil
			}
		}
	}
	return "", fmt.Errorf("edge names node %q, which the graph does not have", name)
}

// A term is a source's spikes after a delay of some steps (Delay nodes on
// the path), the part of a flow that becomes one projection.
type term struct {
	src   string
	steps int
}

// A flow is a linear expression of the sources' spikes: out = Σ M·x + b.
type flow struct {
	size  int
	terms map[term][]map[int]float64 // source and delay -> rows (out index -> {in index: weight})
	bias  []float64
}

func newFlow(size int) *flow {
	return &flow{size: size, terms: map[term][]map[int]float64{}, bias: make([]float64, size)}
}

func (f *flow) add(g *flow) {
	for s, rows := range g.terms {
		mine := f.terms[s]
		if mine == nil {
			mine = make([]map[int]float64, f.size)
			f.terms[s] = mine
		}
		for j, row := range rows {
			if len(row) == 0 {
				continue
			}
			if mine[j] == nil {
				mine[j] = map[int]float64{}
			}
			for i, w := range row {
				mine[j][i] += w
			}
		}
	}
	for j, b := range g.bias {
		f.bias[j] += b
	}
}

// sparse is a linear map in rows: row j holds (in index, weight).
type sparse struct {
	out, in int
	rows    [][]tap
	bias    []float64
}

type tap struct {
	i int
	w float64
}

// apply gives the flow of L·in + b.
func (L *sparse) apply(in *flow) *flow {
	f := newFlow(L.out)
	for s, rows := range in.terms {
		dst := make([]map[int]float64, L.out)
		for j, taps := range L.rows {
			for _, t := range taps {
				for i, w := range rows[t.i] {
					if dst[j] == nil {
						dst[j] = map[int]float64{}
					}
					dst[j][i] += t.w * w
				}
			}
		}
		f.terms[s] = dst
	}
	for j, taps := range L.rows {
		for _, t := range taps {
			f.bias[j] += t.w * in.bias[t.i]
		}
		if L.bias != nil {
			f.bias[j] += L.bias[j]
		}
	}
	return f
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// input is the summed flow into node n.
func (im *importer) input(n *flatNode) (*flow, []int, error) {
	if len(n.preds) == 0 {
		return nil, nil, fmt.Errorf("node %s (%s) has no input edge", n.name, n.Type)
	}
	var f *flow
	var shape []int
	for _, p := range n.preds {
		g, s, err := im.flowOf(p)
		if err != nil {
			return nil, nil, err
		}
		if f == nil {
			f, shape = newFlow(g.size), s
		} else if g.size != f.size {
			return nil, nil, fmt.Errorf("node %s (%s): its inputs have %d and %d elements", n.name, n.Type, f.size, g.size)
		}
		f.add(g)
	}
	return f, shape, nil
}

// flowOf is the output of node name as a flow of the sources.
func (im *importer) flowOf(name string) (*flow, []int, error) {
	if f, ok := im.flows[name]; ok {
		return f, im.shapes[name], nil
	}
	n := im.nodes[name]
	if neuronTypes[n.Type] || (n.Type == "Input" && !n.inner) {
		shape, err := im.stateShape(n)
		if err != nil {
			return nil, nil, err
		}
		size := prod(shape)
		f := newFlow(size)
		rows := make([]map[int]float64, size)
		for i := range rows {
			rows[i] = map[int]float64{i: 1}
		}
		f.terms[term{name, 0}] = rows
		im.flows[name], im.shapes[name] = f, shape
		return f, shape, nil
	}
	if !linearTypes[n.Type] && !n.inner {
		return nil, nil, unsupported(n)
	}
	for _, b := range im.busy {
		if b == name {
			return nil, nil, fmt.Errorf("node %s (%s): a cycle of stateless nodes (%s) has no step to delay it", name, n.Type, strings.Join(im.busy, " -> "))
		}
	}
	im.busy = append(im.busy, name)
	defer func() { im.busy = im.busy[:len(im.busy)-1] }()
	in, shape, err := im.input(n)
	if err != nil {
		return nil, nil, err
	}
	f, outShape := in, shape
	if n.Type == "Delay" {
		if f, err = im.delay(n, in); err != nil {
			return nil, nil, err
		}
	} else if !n.inner {
		L, s, err := im.linear(n, shape)
		if err != nil {
			return nil, nil, err
		}
		if L != nil {
			if L.in != in.size {
				return nil, nil, fmt.Errorf("node %s (%s) takes %d elements but is given %d", name, n.Type, L.in, in.size)
			}
			f = L.apply(in)
		}
		outShape = s
	}
	im.flows[name], im.shapes[name] = f, outShape
	return f, outShape, nil
}

// delay moves each row j of the flow in to the delay of element j, in
// steps of the convention's DTP (the step the parameters assume); the
// bias, constant in time, is unchanged.
func (im *importer) delay(n *flatNode, in *flow) (*flow, error) {
	v, err := field(n, "delay")
	if err != nil {
		return nil, err
	}
	d, err := broadcast(n, "delay", v, in.size)
	if err != nil {
		return nil, err
	}
	f := newFlow(in.size)
	copy(f.bias, in.bias)
	for key, rows := range in.terms {
		for j, row := range rows {
			if len(row) == 0 {
				continue
			}
			if d[j] < 0 || math.IsNaN(d[j]) {
				return nil, fmt.Errorf("node %s (Delay): delay[%d] = %v is not a duration", n.name, j, d[j])
			}
			k := term{key.src, key.steps + int(math.Round(d[j]/im.dtp))}
			if f.terms[k] == nil {
				f.terms[k] = make([]map[int]float64, in.size)
			}
			f.terms[k][j] = row
		}
	}
	return f, nil
}

func unsupported(n *flatNode) error {
	return fmt.Errorf("node %s: NIR type %s is not supported by snnc's importer (see spec/nir.md, Import)", n.name, n.Type)
}

// field returns a node's field, or an error naming it.
func field(n *flatNode, name string) (*Value, error) {
	v := n.Fields[name]
	if v == nil || (v.DType != "string" && len(v.Num) == 0 && prod(v.Shape) != 0) {
		return nil, fmt.Errorf("node %s (%s): field %s is missing", n.name, n.Type, name)
	}
	if v.DType == "string" {
		return nil, fmt.Errorf("node %s (%s): field %s is a string, not numbers", n.name, n.Type, name)
	}
	return v, nil
}

// ints returns an integer field with k entries, a scalar broadcast.
func ints(n *flatNode, name string, k int, def int) ([]int, error) {
	v := n.Fields[name]
	out := make([]int, k)
	if v == nil {
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	if v.DType == "string" {
		return nil, fmt.Errorf("node %s (%s): field %s is %q, not numbers", n.name, n.Type, name, strings.Join(v.Str, ","))
	}
	for i := range out {
		x := v.Num[0]
		if len(v.Num) == k {
			x = v.Num[i]
		} else if len(v.Num) != 1 {
			return nil, fmt.Errorf("node %s (%s): field %s has %d entries, want %d", n.name, n.Type, name, len(v.Num), k)
		}
		out[i] = int(x)
	}
	return out, nil
}

// stateShape is a stateful node's (or Input's) shape.
func (im *importer) stateShape(n *flatNode) ([]int, error) {
	key := map[string]string{"Input": "shape", "LIF": "tau", "CubaLIF": "tau_mem", "LI": "tau", "CubaLI": "tau_mem", "IF": "r", "I": "r", "Threshold": "threshold"}[n.Type]
	v, err := field(n, key)
	if err != nil {
		return nil, err
	}
	if n.Type == "Input" {
		s := make([]int, len(v.Num))
		for i, x := range v.Num {
			if !(x >= 1 && x <= 1<<31) || x != math.Trunc(x) {
				return nil, fmt.Errorf("node %s (Input): shape %v is not a list of positive sizes", n.name, v.Num)
			}
			s[i] = int(x)
		}
		return s, nil
	}
	if len(v.Shape) == 0 {
		return []int{1}, nil
	}
	return v.Shape, nil
}

// linear is the map of a stateless node given the shape of its input.
func (im *importer) linear(n *flatNode, in []int) (*sparse, []int, error) {
	size := prod(in)
	switch n.Type {
	case "Flatten":
		return nil, []int{size}, nil
	case "Affine", "Linear":
		w, err := field(n, "weight")
		if err != nil {
			return nil, nil, err
		}
		if len(w.Shape) != 2 {
			return nil, nil, fmt.Errorf("node %s (%s): weight has shape %v, want (out, in)", n.name, n.Type, w.Shape)
		}
		L := &sparse{out: w.Shape[0], in: w.Shape[1], rows: make([][]tap, w.Shape[0])}
		for j := range L.rows {
			for i := 0; i < L.in; i++ {
				if x := w.Num[j*L.in+i]; x != 0 {
					L.rows[j] = append(L.rows[j], tap{i, x})
				}
			}
		}
		if n.Type == "Affine" {
			b, err := field(n, "bias")
			if err != nil {
				return nil, nil, err
			}
			L.bias, err = broadcast(n, "bias", b, L.out)
			if err != nil {
				return nil, nil, err
			}
		}
		return L, []int{L.out}, nil
	case "Scale":
		s, err := field(n, "scale")
		if err != nil {
			return nil, nil, err
		}
		k, err := broadcast(n, "scale", s, size)
		if err != nil {
			return nil, nil, err
		}
		L := &sparse{out: size, in: size, rows: make([][]tap, size)}
		for i := range L.rows {
			L.rows[i] = []tap{{i, k[i]}}
		}
		return L, in, nil
	case "Conv1d", "Conv2d":
		return im.convolution(n, in)
	case "SumPool2d", "AvgPool2d":
		return im.pool(n, in)
	}
	return nil, nil, unsupported(n)
}

// broadcast gives a field's values for k elements: a scalar (or one
// value) broadcast, else exactly k values.
func broadcast(n *flatNode, name string, v *Value, k int) ([]float64, error) {
	out := make([]float64, k)
	switch len(v.Num) {
	case k:
		copy(out, v.Num)
	case 1:
		for i := range out {
			out[i] = v.Num[0]
		}
	default:
		return nil, fmt.Errorf("node %s (%s): field %s has %d values for %d elements", n.name, n.Type, name, len(v.Num), k)
	}
	return out, nil
}

// convolution builds a convolution (PyTorch's: cross-correlation, zero padding)
// as one tap per kernel entry that lands inside the input.
func (im *importer) convolution(n *flatNode, in []int) (*sparse, []int, error) {
	d := 2
	if n.Type == "Conv1d" {
		d = 1
	}
	w, err := field(n, "weight")
	if err != nil {
		return nil, nil, err
	}
	if len(w.Shape) != 2+d {
		return nil, nil, fmt.Errorf("node %s (%s): weight has shape %v, want %d dimensions", n.name, n.Type, w.Shape, 2+d)
	}
	groups, err := ints(n, "groups", 1, 1)
	if err != nil {
		return nil, nil, err
	}
	g := groups[0]
	co, cig := w.Shape[0], w.Shape[1]
	if g < 1 || co%g != 0 {
		return nil, nil, fmt.Errorf("node %s (%s): groups %d does not divide the %d output channels", n.name, n.Type, g, co)
	}
	ci := cig * g
	k := w.Shape[2:]
	// The spatial shape: the field input_shape, else the input's.
	sp := make([]int, d)
	if v := n.Fields["input_shape"]; v != nil && len(v.Num) == d {
		for i := range sp {
			sp[i] = int(v.Num[i])
		}
	} else if len(in) == d+1 {
		copy(sp, in[1:])
	} else {
		return nil, nil, fmt.Errorf("node %s (%s): no input_shape and an input of shape %v", n.name, n.Type, in)
	}
	if prod(in) != ci*prod(sp) {
		return nil, nil, fmt.Errorf("node %s (%s): takes %d channels of %v but is given %d elements", n.name, n.Type, ci, sp, prod(in))
	}
	stride, err := ints(n, "stride", d, 1)
	if err != nil {
		return nil, nil, err
	}
	dil, err := ints(n, "dilation", d, 1)
	if err != nil {
		return nil, nil, err
	}
	pad := make([]int, d)
	same := false
	if v := n.Fields["padding"]; v != nil && v.DType == "string" {
		switch s := strings.Join(v.Str, ""); s {
		case "valid":
		case "same":
			same = true
			for i := range pad {
				if stride[i] != 1 {
					return nil, nil, fmt.Errorf("node %s (%s): padding \"same\" needs stride 1", n.name, n.Type)
				}
				// PyTorch pads dil*(k-1) in all, the smaller half first.
				pad[i] = dil[i] * (k[i] - 1) / 2
			}
		default:
			return nil, nil, fmt.Errorf("node %s (%s): padding %q (want numbers, \"same\" or \"valid\")", n.name, n.Type, s)
		}
	} else if pad, err = ints(n, "padding", d, 0); err != nil {
		return nil, nil, err
	}
	for i := 0; i < d; i++ {
		if stride[i] < 1 || dil[i] < 1 || pad[i] < 0 || k[i] < 1 {
			return nil, nil, fmt.Errorf("node %s (%s): stride %v, dilation %v, padding %v, kernel %v: each must be at least 1 (padding 0)", n.name, n.Type, stride, dil, pad, k)
		}
	}
	out := make([]int, d)
	for i := range out {
		out[i] = (sp[i]+2*pad[i]-dil[i]*(k[i]-1)-1)/stride[i] + 1
		if same {
			// An odd total padding puts the extra zero after the input,
			// which the formula above, padding both sides alike, misses.
			out[i] = sp[i]
		}
		if out[i] < 1 {
			return nil, nil, fmt.Errorf("node %s (%s): the kernel does not fit the input of shape %v", n.name, n.Type, sp)
		}
	}
	var bias []float64
	if b := n.Fields["bias"]; b != nil {
		if bias, err = broadcast(n, "bias", b, co); err != nil {
			return nil, nil, err
		}
	}
	nout := prod(out)
	L := &sparse{out: co * nout, in: ci * prod(sp), rows: make([][]tap, co*nout), bias: make([]float64, co*nout)}
	ks := prod(k)
	for oc := 0; oc < co; oc++ {
		gi := oc / (co / g)
		for o := 0; o < nout; o++ {
			j := oc*nout + o
			if bias != nil {
				L.bias[j] = bias[oc]
			}
			for c := 0; c < cig; c++ {
				ic := gi*cig + c
				for kk := 0; kk < ks; kk++ {
					// position in the input of tap kk for output o
					idx, inside := 0, true
					orem, krem := o, kk
					pos := make([]int, d)
					for a := d - 1; a >= 0; a-- {
						oa, ka := orem%out[a], krem%k[a]
						orem, krem = orem/out[a], krem/k[a]
						pos[a] = oa*stride[a] - pad[a] + ka*dil[a]
						if pos[a] < 0 || pos[a] >= sp[a] {
							inside = false
						}
					}
					if !inside {
						continue
					}
					for a := 0; a < d; a++ {
						idx = idx*sp[a] + pos[a]
					}
					x := w.Num[(oc*cig+c)*ks+kk]
					if x != 0 {
						L.rows[j] = append(L.rows[j], tap{ic*prod(sp) + idx, x})
					}
				}
			}
		}
	}
	return L, append([]int{co}, out...), nil
}

// pool builds a 2-d sum or average pool per channel.
func (im *importer) pool(n *flatNode, in []int) (*sparse, []int, error) {
	if len(in) != 3 {
		return nil, nil, fmt.Errorf("node %s (%s): input of shape %v, want (C, H, W)", n.name, n.Type, in)
	}
	k, err := ints(n, "kernel_size", 2, 1)
	if err != nil {
		return nil, nil, err
	}
	stride, err := ints(n, "stride", 2, 0)
	if err != nil {
		return nil, nil, err
	}
	for i := range stride {
		if stride[i] == 0 {
			stride[i] = k[i]
		}
	}
	pad, err := ints(n, "padding", 2, 0)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i < 2; i++ {
		if k[i] < 1 || stride[i] < 1 || pad[i] < 0 {
			return nil, nil, fmt.Errorf("node %s (%s): kernel_size %v, stride %v, padding %v: kernel and stride at least 1, padding at least 0", n.name, n.Type, k, stride, pad)
		}
	}
	c, h, wd := in[0], in[1], in[2]
	oh, ow := (h+2*pad[0]-k[0])/stride[0]+1, (wd+2*pad[1]-k[1])/stride[1]+1
	if oh < 1 || ow < 1 {
		return nil, nil, fmt.Errorf("node %s (%s): the kernel %v does not fit the input of shape %v", n.name, n.Type, k, in)
	}
	scale := 1.0
	if n.Type == "AvgPool2d" {
		// PyTorch's default count_include_pad: the padded zeros count.
		scale = 1 / float64(k[0]*k[1])
	}
	L := &sparse{out: c * oh * ow, in: c * h * wd, rows: make([][]tap, c*oh*ow)}
	for ch := 0; ch < c; ch++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				j := (ch*oh+y)*ow + x
				for a := 0; a < k[0]; a++ {
					for b := 0; b < k[1]; b++ {
						py, px := y*stride[0]-pad[0]+a, x*stride[1]-pad[1]+b
						if py >= 0 && py < h && px >= 0 && px < wd {
							L.rows[j] = append(L.rows[j], tap{(ch*h+py)*wd + px, scale})
						}
					}
				}
			}
		}
	}
	return L, []int{c, oh, ow}, nil
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

// ident gives a NIR name an snnc identifier: other characters become _,
// a leading digit gets "n_", and a clash a number.
func (im *importer) ident(name string) string {
	if id, ok := im.idents[name]; ok {
		return id
	}
	id := nonIdent.ReplaceAllString(name, "_")
	if id == "" || (id[0] >= '0' && id[0] <= '9') || id[0] == '_' {
		id = "n_" + id
	}
	base := id
	for k := 2; im.used[id] || keywords[id]; k++ {
		id = base + "_" + strconv.Itoa(k)
	}
	im.used[id] = true
	im.idents[name] = id
	im.m.Idents[name] = id
	return id
}

// keywords of the language a node name must not become.
var keywords = map[string]bool{"input": true, "output": true, "neuron": true, "synapse": true, "population": true,
	"connect": true, "monitor": true, "run": true, "param": true, "state": true, "let": true, "by": true, "using": true,
	"and": true, "or": true, "not": true, "if": true, "else": true, "in": true, "on": true, "pre": true, "post": true,
	"current": true, "delay": true, "decay": true, "trace": true, "threshold": true, "reset": true, "method": true,
	"import": true, "at": true, "global": true, "runtime": true, "dendrite": true, "refractory": true, "i": true, "j": true, "N": true, "t": true}

func num(x float64) string {
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func (im *importer) printf(format string, args ...any) {
	fmt.Fprintf(&im.src, format, args...)
}

// param writes a population setting from a field: one value is a
// literal, several a .npy file the setting loads.
func (im *importer) param(n *flatNode, pop, field string, size int, def float64, unit string) error {
	v := n.Fields[field]
	setting := field
	if field == "threshold" {
		setting = "v_threshold" // threshold is a keyword
	}
	vals := []float64{def}
	if v != nil {
		if v.DType == "string" {
			return fmt.Errorf("node %s (%s): field %s is a string", n.name, n.Type, field)
		}
		vals = v.Num
	} else if math.IsNaN(def) {
		return fmt.Errorf("node %s (%s): field %s is missing", n.name, n.Type, field)
	}
	if len(vals) != 1 && len(vals) != size {
		return fmt.Errorf("node %s (%s): field %s has %d values for %d neurons", n.name, n.Type, field, len(vals), size)
	}
	same := true
	for _, x := range vals {
		same = same && x == vals[0]
	}
	if same {
		if vals[0] == def && v == nil {
			return nil
		}
		im.printf("    %s = %s%s\n", setting, num(vals[0]), unit)
		return nil
	}
	file := im.m.Name + "_" + pop + "_" + field + ".npy"
	im.m.Files[file] = dataFile{[]int{size}, vals}
	im.printf("    %s = load(%q)%s\n", setting, file, strings.Replace(unit, " ", " * 1 ", 1))
	return nil
}

const prelude = `// The NIR neuron models, discretised as the convention %q says:
// %s.
// The state is dimensionless as in NIR; times are in seconds. A spike
// arriving through weight w adds w * r * DTP / tau to the variable it
// drives (an input held for one step of DTP = %s s, the step the
// parameters assume), SPEED = DTP / dt = %s runs the equations at that
// step whatever the run's dt.
neuron NirLIF {
    param tau: s = 1 s
    param r = 1
    param v_leak = 0
    param v_threshold = 1
    param v_reset = 0
    param bias = 0
    state v = 0
    dv/dt = SPEED * (v_leak - v + r * bias) / tau
    threshold v > v_threshold
    reset { v = v_reset }
    method METHOD
}
neuron NirLI {
    param tau: s = 1 s
    param r = 1
    param v_leak = 0
    param bias = 0
    state v = 0
    dv/dt = SPEED * (v_leak - v + r * bias) / tau
    method METHOD
}
neuron NirIF {
    param tau: s = 1 s
    param r = 1
    param v_threshold = 1
    param v_reset = 0
    param bias = 0
    state v = 0
    dv/dt = SPEED * r * bias / tau
    threshold v > v_threshold
    reset { v = v_reset }
    method METHOD
}
neuron NirI {
    param tau: s = 1 s
    param r = 1
    param bias = 0
    state v = 0
    dv/dt = SPEED * r * bias / tau
    method METHOD
}
neuron NirCubaLIF {
    param tau_syn: s = 1 s
    param tau_mem: s = 1 s
    param r = 1
    param v_leak = 0
    param v_threshold = 1
    param v_reset = 0
    param w_in = 1
    param bias = 0
    state i_syn = 0
    state v = 0
    di_syn/dt = SPEED * (w_in * bias - i_syn) / tau_syn
    dv/dt = SPEED * (v_leak - v + r * i_syn) / tau_mem
    threshold v > v_threshold
    reset { v = v_reset }
    method METHOD
}
neuron NirCubaLI {
    param tau_syn: s = 1 s
    param tau_mem: s = 1 s
    param r = 1
    param v_leak = 0
    param w_in = 1
    param bias = 0
    state i_syn = 0
    state v = 0
    di_syn/dt = SPEED * (w_in * bias - i_syn) / tau_syn
    dv/dt = SPEED * (v_leak - v + r * i_syn) / tau_mem
    method METHOD
}
// NIR's Threshold is H(I - threshold), stateless: v takes the step's
// input (Euler at the rate 1/dt replaces it) and u, which collects the
// spikes, is cleared; the node spikes where the input exceeds threshold.
neuron NirThreshold {
    param v_threshold = 0
    param bias = 0
    state u = 0
    state v = 0
    dv/dt = (u + bias - v) / (RUNDT s)
    du/dt = -u / (RUNDT s)
    threshold v > v_threshold
    method euler
}
// A spike into the membrane (LIF, LI, IF, I), into the synaptic current,
// or into a Threshold's input.
synapse NirToV {
    param w = 0
    on pre { post.v += w * post.r * DTP / post.tau }
}
synapse NirToU {
    param w = 0
    on pre { post.u += w }
}
synapse NirToSyn {
    param w = 0
    on pre { post.i_syn += w * post.w_in * DTP / post.tau_syn }
}
`

func (im *importer) run() error {
	speed := im.dtp / im.o.Dt
	p := fmt.Sprintf(prelude, im.conv, Conventions[im.conv].Doc, num(im.dtp), num(speed))
	p = strings.ReplaceAll(p, "SPEED * ", map[bool]string{true: "", false: num(speed) + " * "}[speed == 1])
	p = strings.ReplaceAll(p, "DTP", "("+num(im.dtp)+" s)")
	p = strings.ReplaceAll(p, "METHOD", im.method)
	p = strings.ReplaceAll(p, "RUNDT", num(im.o.Dt))
	im.printf("// Imported from NIR by snnc import (spec/nir.md, Import).\n// dt = %s s, convention %s.\n\n", num(im.o.Dt), im.conv)
	// The prelude goes in at the end, when the nodes fed a continuous
	// input are known (contPrelude).
	at := im.src.Len()
	im.cont, im.relays = map[string]bool{}, map[term]string{}

	// Every node must be something the importer maps.
	for _, name := range im.order {
		n := im.nodes[name]
		if !neuronTypes[n.Type] && !linearTypes[n.Type] && n.Type != "Input" && n.Type != "Output" {
			return unsupported(n)
		}
	}
	var pops []string
	steps := int(math.Round(im.o.Duration / im.o.Dt))
	if steps <= 0 {
		steps = 100
	}
	for _, name := range im.order {
		n := im.nodes[name]
		if n.Type != "Input" || n.inner {
			continue
		}
		shape, err := im.stateShape(n)
		if err != nil {
			return err
		}
		size := prod(shape)
		id := im.ident(name)
		im.printf("// NIR node %q: Input of shape %v\n", name, shape)
		if im.o.Input != nil {
			var rows []float64
			for k, frame := range im.o.Input {
				if len(frame) != size {
					return fmt.Errorf("node %s (Input): input frame %d has %d values, want %d", name, k, len(frame), size)
				}
				for i, x := range frame {
					if x != 0 {
						rows = append(rows, float64(i), float64(k)*im.o.Dt)
					}
				}
			}
			file := im.m.Name + "_" + id + "_spikes.npy"
			im.m.Files[file] = dataFile{[]int{len(rows) / 2, 2}, rows}
			im.printf("input %s = spikes[%d] { times = %q }\n\n", id, size, file)
			if len(im.o.Input) > steps {
				steps = len(im.o.Input)
			}
		} else {
			rate := im.o.Rate
			if rate == 0 {
				rate = 50
			}
			im.printf("input %s = poisson[%d] { rate = %s Hz }\n\n", id, size, num(rate))
		}
	}
	for _, name := range im.order {
		n := im.nodes[name]
		if !neuronTypes[n.Type] {
			continue
		}
		if err := im.population(n); err != nil {
			return err
		}
		pops = append(pops, name)
	}
	// Output nodes: warn where their shape disagrees with what feeds them.
	for _, name := range im.order {
		n := im.nodes[name]
		if n.Type != "Output" || n.inner {
			continue
		}
		for _, p := range n.preds {
			_, s, err := im.flowOf(p)
			if err != nil {
				return err
			}
			if v := n.Fields["shape"]; v != nil {
				same := len(v.Num) == len(s)
				for i := 0; same && i < len(s); i++ {
					same = int(v.Num[i]) == s[i]
				}
				// The reference reader with type checking off loads such
				// a file; the shape of what feeds the Output is what runs.
				if !same {
					im.m.Warnings = append(im.m.Warnings, fmt.Sprintf("node %s (Output): shape %v disagrees with its input %s of shape %v; the input's shape is used", name, v.Num, p, s))
				}
			}
		}
	}
	for _, name := range pops {
		id := im.ident(name)
		im.printf("monitor spikes %s\n", id)
		if size := prod(im.shapes[name]); size <= 1000 {
			im.printf("monitor state %s.v every 1\n", id)
		}
	}
	im.printf("\nrun {\n    duration = %s s\n    dt = %s s\n}\n", num(float64(steps)*im.o.Dt), num(im.o.Dt))
	all := im.src.String()
	im.m.Source = all[:at] + contPrelude(p, im.cont, num(im.o.Dt)) + "\n" + all[at:]
	return nil
}

// contPrelude gives the neuron types that receive a continuous input (the
// membrane of an LI, CubaLI or I node, types[T] for neuron type NirT) a
// state i_cont, summed by the synapse NirCont, added to the input where
// NIR's equation has it, beside the bias; and, if any, the synapse NirCont
// and the neuron NirRelay that delays a membrane by one step. Without
// continuous inputs the prelude is unchanged.
func contPrelude(p string, types map[string]bool, rundt string) string {
	if len(types) == 0 {
		return p
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		head := "neuron Nir" + t + " {\n"
		i := strings.Index(p, head)
		j := i + strings.Index(p[i:], "\n}\n")
		var b strings.Builder
		for _, line := range strings.SplitAfter(p[i:j], "\n") {
			if strings.Contains(line, "/dt = ") {
				line = strings.Replace(line, " bias", " (bias + i_cont)", 1)
			}
			b.WriteString(line)
			if line == "    state v = 0\n" {
				b.WriteString("    state i_cont = 0 // summed by NirCont\n")
			}
		}
		p = p[:i] + b.String() + p[j:]
	}
	return p + `// The membrane of a non-spiking node (LI, CubaLI, I) as the input of
// another: summed every step from the membranes at the end of the step
// before, so it arrives one step late, as a spike does.
synapse NirCont {
    param w = 0
    summed post.i_cont = w * pre.v
}
// A membrane one step later, for a Delay on a continuous edge: v at the
// end of step k is i_cont of step k (forward Euler at the rate 1/dt
// replaces v by it), the source's membrane at the end of step k - 1.
neuron NirRelay {
    state v = 0
    state i_cont = 0 // summed by NirCont
    dv/dt = (i_cont - v) / (` + rundt + ` s)
    method euler
}
`
}

// population writes node n's population and the connects into it.
func (im *importer) population(n *flatNode) error {
	if _, _, err := im.flowOf(n.name); err != nil {
		return err
	}
	shape := im.shapes[n.name]
	size := prod(shape)
	id := im.ident(n.name)
	typ := "Nir" + n.Type
	in := newFlow(size)
	if len(n.preds) > 0 {
		var err error
		if in, _, err = im.input(n); err != nil {
			return err
		}
	}
	if in.size != size {
		return fmt.Errorf("node %s (%s): %d neurons but its input has %d elements", n.name, n.Type, size, in.size)
	}
	im.printf("// NIR node %q: %s of shape %v\n", n.name, n.Type, shape)
	im.printf("population %s = %s[%d] {\n", id, typ, size)
	nan := math.NaN()
	var fields []struct {
		name string
		def  float64
		unit string
	}
	add := func(name string, def float64, unit string) {
		fields = append(fields, struct {
			name string
			def  float64
			unit string
		}{name, def, unit})
	}
	switch n.Type {
	case "LIF":
		add("tau", nan, " s")
		add("r", nan, "")
		add("v_leak", nan, "")
		add("v_threshold", nan, "")
		add("v_reset", 0, "")
	case "LI":
		add("tau", nan, " s")
		add("r", nan, "")
		add("v_leak", nan, "")
	case "IF":
		add("r", nan, "")
		add("v_threshold", nan, "")
		add("v_reset", 0, "")
	case "I":
		add("r", nan, "")
	case "Threshold":
		add("threshold", nan, "")
	case "CubaLIF":
		add("tau_syn", nan, " s")
		add("tau_mem", nan, " s")
		add("r", nan, "")
		add("v_leak", nan, "")
		add("v_threshold", nan, "")
		add("v_reset", 0, "")
		add("w_in", 1, "")
	case "CubaLI":
		add("tau_syn", nan, " s")
		add("tau_mem", nan, " s")
		add("r", nan, "")
		add("v_leak", nan, "")
		add("w_in", 1, "")
	}
	for _, f := range fields {
		if err := im.param(n, id, f.name, size, f.def, f.unit); err != nil {
			return err
		}
	}
	if n.Type == "IF" || n.Type == "I" {
		// NIR's IF and I have no time constant: dv/dt = r I. tau = DTP
		// makes the neuron type's r*DTP/tau and r*bias/tau those of NIR.
		im.printf("    tau = %s s\n", num(im.dtp))
	}
	bias := false
	for _, b := range in.bias {
		bias = bias || b != 0
	}
	if bias {
		im.param(&flatNode{Node: &Node{Fields: map[string]*Value{"bias": {DType: "float64", Shape: []int{size}, Num: in.bias}}}, name: n.name, preds: nil}, id, "bias", size, 0, "")
	}
	im.printf("}\n")
	syn := "NirToV"
	if n.Type == "CubaLIF" || n.Type == "CubaLI" {
		syn = "NirToSyn"
	} else if n.Type == "Threshold" {
		syn = "NirToU"
	}
	srcs := make([]term, 0, len(in.terms))
	for s := range in.terms {
		srcs = append(srcs, s)
	}
	sort.Slice(srcs, func(a, b int) bool {
		if srcs[a].src != srcs[b].src {
			return srcs[a].src < srcs[b].src
		}
		return srcs[a].steps < srcs[b].steps
	})
	for _, key := range srcs {
		s := key.src
		rows := in.terms[key]
		sid := im.ident(s)
		cont := continuous[im.nodes[s].Type]
		var pairs []float64
		for j, row := range rows {
			is := make([]int, 0, len(row))
			for i := range row {
				is = append(is, i)
			}
			sort.Ints(is)
			for _, i := range is {
				if row[i] != 0 {
					pairs = append(pairs, float64(i), float64(j), row[i])
				}
			}
		}
		if len(pairs) == 0 {
			continue
		}
		file := im.m.Name + "_" + sid + "_to_" + id + ".npy"
		if cont {
			// A membrane, a continuous value: summed into i_cont, from
			// a relay chain where Delay nodes delay it.
			from, err := im.relay(s, key.steps)
			if err != nil {
				return err
			}
			if key.steps > 0 {
				file = fmt.Sprintf("%s_%s_to_%s_delay%d.npy", im.m.Name, sid, id, key.steps)
			}
			im.cont[n.Type] = true
			im.m.Files[file] = dataFile{[]int{len(pairs) / 3, 3}, pairs}
			im.printf("// %s -> %s: %d synapses (columns pre, post, w) carrying the membrane of %s, the composed stateless nodes between them\n", s, n.name, len(pairs)/3, s)
			im.printf("connect %s -> %s using NirCont by pairs(%q) { w = load(%q, 2) }\n", from, id, file, file)
			continue
		}
		delay := ""
		if key.steps > 0 {
			// A spike of step k acts in step k + 1 + steps: the
			// Delay nodes' delay on top of every projection's step.
			file = fmt.Sprintf("%s_%s_to_%s_delay%d.npy", im.m.Name, sid, id, key.steps)
			delay = fmt.Sprintf(" delay = %s s", num(float64(key.steps)*im.o.Dt))
		}
		im.m.Files[file] = dataFile{[]int{len(pairs) / 3, 3}, pairs}
		im.printf("// %s -> %s: %d synapses (columns pre, post, w), the composed stateless nodes between them\n", s, n.name, len(pairs)/3)
		im.printf("connect %s -> %s using %s by pairs(%q) { w = load(%q, 2)%s }\n", sid, id, syn, file, file, delay)
	}
	im.printf("\n")
	return nil
}

// continuous are the node types whose output is their membrane, not spikes.
var continuous = map[string]bool{"LI": true, "CubaLI": true, "I": true}

// relay gives the population whose v is the membrane of node src steps
// steps late: src itself for 0, else a chain of NirRelay populations, one
// step each, shared by every target that reads src through that delay.
func (im *importer) relay(src string, steps int) (string, error) {
	if steps == 0 {
		return im.ident(src), nil
	}
	if id, ok := im.relays[term{src, steps}]; ok {
		return id, nil
	}
	prev, err := im.relay(src, steps-1)
	if err != nil {
		return "", err
	}
	_, shape, err := im.flowOf(src)
	if err != nil {
		return "", err
	}
	// A name no NIR node has: "@" is not in an identifier.
	key := fmt.Sprintf("%s@lag%d", src, steps)
	id := im.ident(key)
	delete(im.m.Idents, key)
	im.relays[term{src, steps}] = id
	im.printf("// the membrane of NIR node %q, %d step(s) late (a Delay on its edge)\n", src, steps)
	im.printf("population %s = NirRelay[%d]\n", id, prod(shape))
	im.printf("connect %s -> %s using NirCont by one_to_one { w = 1 }\n", prev, id)
	return id, nil
}

// writeFileAtomic writes data to a temporary file and renames it into
// place, so that a failed import leaves no half-written model.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
