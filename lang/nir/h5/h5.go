package h5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sort"
)

// undef is HDF5's undefined address.
const undef = ^uint64(0)

// A Group is an HDF5 group under construction: named members, each a group
// or a dataset.
type Group struct {
	members map[string]any // *Group or *dataset
}

// NewGroup returns an empty group, to be a file's root or added with Add.
func NewGroup() *Group { return &Group{members: map[string]any{}} }

// Group returns the member group name, creating it if absent; it panics
// when name is a dataset (a programming error of the caller).
func (g *Group) Group(name string) *Group {
	if m, ok := g.members[name]; ok {
		if sub, ok := m.(*Group); ok {
			return sub
		}
		panic(fmt.Sprintf("h5: %q is a dataset, not a group", name))
	}
	sub := NewGroup()
	g.members[name] = sub
	return sub
}

// Kind is an element type.
type Kind int

// The element types written.
const (
	Float32 Kind = iota
	Float64
	Int32
	Int64
	String // variable-length UTF-8
)

type dataset struct {
	kind  Kind
	shape []int // nil or empty: scalar
	num   []float64
	str   []string
}

// Numbers adds a numeric dataset of the given kind and shape (empty for a
// 0-d dataset) holding num in C order. Values are converted to the kind:
// float32 rounds, integers must be exact.
func (g *Group) Numbers(name string, kind Kind, shape []int, num []float64) error {
	if kind == String {
		return fmt.Errorf("h5: %s: Numbers with kind String", name)
	}
	if err := g.check(name, shape, len(num)); err != nil {
		return err
	}
	for _, x := range num {
		switch kind {
		case Int32:
			if x != math.Trunc(x) || x < math.MinInt32 || x > math.MaxInt32 {
				return fmt.Errorf("h5: %s: %v is not an int32", name, x)
			}
		case Int64:
			// 2^63 is the first float64 past int64's range.
			if x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
				return fmt.Errorf("h5: %s: %v is not an int64", name, x)
			}
		}
	}
	g.members[name] = &dataset{kind: kind, shape: shape, num: num}
	return nil
}

// Strings adds a variable-length string dataset.
func (g *Group) Strings(name string, shape []int, s []string) error {
	if err := g.check(name, shape, len(s)); err != nil {
		return err
	}
	g.members[name] = &dataset{kind: String, shape: shape, str: s}
	return nil
}

func (g *Group) check(name string, shape []int, n int) error {
	if name == "" || bytes.ContainsAny([]byte(name), "/") || name == "." {
		return fmt.Errorf("h5: bad member name %q", name)
	}
	if _, dup := g.members[name]; dup {
		return fmt.Errorf("h5: %s added twice", name)
	}
	want := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("h5: %s: negative dimension in %v", name, shape)
		}
		want *= d
	}
	if want != n {
		return fmt.Errorf("h5: %s: shape %v holds %d elements, given %d", name, shape, want, n)
	}
	return nil
}

// WriteFile writes root as the root group of a new HDF5 file at path.
func WriteFile(path string, root *Group) error {
	b, err := Encode(root)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// superblockSize is the size of a version 2 superblock with 8-byte offsets.
const superblockSize = 48

// Encode returns the bytes of an HDF5 file whose root group is root.
func Encode(root *Group) ([]byte, error) {
	w := &writer{heapIndex: map[string]int{}}
	w.buf.Write(make([]byte, superblockSize))
	w.collectStrings(root)
	w.writeHeap()
	rootAddr, err := w.group(root)
	if err != nil {
		return nil, err
	}
	eof := uint64(w.buf.Len())
	sb := w.buf.Bytes()[:superblockSize]
	copy(sb, "\x89HDF\r\n\x1a\n")
	sb[8] = 2                    // superblock version
	sb[9] = 8                    // size of offsets
	sb[10] = 8                   // size of lengths
	sb[11] = 0                   // file consistency flags
	le.PutUint64(sb[12:], 0)     // base address
	le.PutUint64(sb[20:], undef) // superblock extension address
	le.PutUint64(sb[28:], eof)   // end of file address
	le.PutUint64(sb[36:], rootAddr)
	le.PutUint32(sb[44:], lookup3(sb[:44]))
	return w.buf.Bytes(), nil
}

var le = binary.LittleEndian

type writer struct {
	buf       bytes.Buffer
	strs      []string       // global heap objects, index i+1
	heapIndex map[string]int // string -> heap object index (1-based)
	heapAddr  uint64
}

func sortedMembers(g *Group) []string {
	names := make([]string, 0, len(g.members))
	for k := range g.members {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// collectStrings gathers every distinct string, in a deterministic
// order, for the global heap (one object per distinct string: a heap object
// may be shared by several references).
func (w *writer) collectStrings(g *Group) {
	for _, name := range sortedMembers(g) {
		switch m := g.members[name].(type) {
		case *Group:
			w.collectStrings(m)
		case *dataset:
			for _, s := range m.str {
				if _, ok := w.heapIndex[s]; !ok {
					w.strs = append(w.strs, s)
					w.heapIndex[s] = len(w.strs)
				}
			}
		}
	}
}

// Global heap layout: a 16-byte collection header, then objects each with a
// 16-byte header and data padded to 8 bytes, then the free-space object
// (index 0) whose size counts its own header. The HDF5 library reads a
// collection of at least 4096 bytes (H5HG_MINSIZE), so smaller ones are
// padded with free space.
const (
	heapHeader  = 16
	heapObjHdr  = 16
	heapMinSize = 4096
)

func pad8(n int) int { return (n + 7) &^ 7 }

func (w *writer) writeHeap() {
	if len(w.strs) == 0 {
		return
	}
	if len(w.strs) > 0xffff {
		// Object indices are 16 bits; NIR files hold a few hundred strings.
		panic("h5: more than 65535 distinct strings")
	}
	used := heapHeader
	for _, s := range w.strs {
		used += heapObjHdr + pad8(len(s))
	}
	size := used + heapObjHdr // room for the free-space object
	if size < heapMinSize {
		size = heapMinSize
	}
	size = pad8(size)
	w.heapAddr = uint64(w.buf.Len())
	h := make([]byte, size)
	copy(h, "GCOL")
	h[4] = 1 // version
	le.PutUint64(h[8:], uint64(size))
	p := heapHeader
	for i, s := range w.strs {
		le.PutUint16(h[p:], uint16(i+1))
		le.PutUint16(h[p+2:], 1) // reference count (unused for vlen data)
		le.PutUint64(h[p+8:], uint64(len(s)))
		copy(h[p+heapObjHdr:], s)
		p += heapObjHdr + pad8(len(s))
	}
	le.PutUint16(h[p:], 0)
	le.PutUint64(h[p+8:], uint64(size-p))
	w.buf.Write(h)
}

// group writes g's members, then g's object header, and returns its address.
func (w *writer) group(g *Group) (uint64, error) {
	names := sortedMembers(g)
	addrs := make([]uint64, len(names))
	for i, name := range names {
		var err error
		switch m := g.members[name].(type) {
		case *Group:
			addrs[i], err = w.group(m)
		case *dataset:
			addrs[i], err = w.dataset(m)
		}
		if err != nil {
			return 0, err
		}
	}
	var msgs []message
	// Link Info: version 0, no creation order, no fractal heap, no name
	// index: the links are messages in this header.
	li := make([]byte, 18)
	le.PutUint64(li[2:], undef)
	le.PutUint64(li[10:], undef)
	msgs = append(msgs, message{typ: 0x02, data: li})
	msgs = append(msgs, message{typ: 0x0A, data: []byte{0, 0}}) // Group Info, version 0, defaults
	for i, name := range names {
		if len(name) > 0xffff {
			return 0, fmt.Errorf("h5: member name of %d bytes", len(name))
		}
		// Link message version 1; flags: a 2-byte name length when needed,
		// and bit 4, a UTF-8 name (as h5py writes them).
		var d []byte
		if len(name) < 256 {
			d = append(d, 1, 0x10, 1, byte(len(name)))
		} else {
			d = append(d, 1, 0x11, 1, byte(len(name)), byte(len(name)>>8))
		}
		d = append(d, name...)
		d = le.AppendUint64(d, addrs[i])
		msgs = append(msgs, message{typ: 0x06, data: d})
	}
	return w.objectHeader(msgs), nil
}

type message struct {
	typ   byte
	flags byte
	data  []byte
}

// objectHeader writes a version 2 object header of one chunk and returns its
// address.
func (w *writer) objectHeader(msgs []message) uint64 {
	var body []byte
	for _, m := range msgs {
		body = append(body, m.typ)
		body = le.AppendUint16(body, uint16(len(m.data)))
		body = append(body, m.flags)
		body = append(body, m.data...)
	}
	addr := uint64(w.buf.Len())
	var h []byte
	h = append(h, "OHDR"...)
	h = append(h, 2, 0x02) // version 2; flags: chunk 0 size in 4 bytes
	h = le.AppendUint32(h, uint32(len(body)))
	h = append(h, body...)
	h = le.AppendUint32(h, lookup3(h))
	w.buf.Write(h)
	return addr
}

// dataset writes d's raw data, then its object header, and returns the
// header's address.
func (w *writer) dataset(d *dataset) (uint64, error) {
	n := 1
	for _, x := range d.shape {
		n *= x
	}
	var raw []byte
	switch d.kind {
	case Float32:
		for _, x := range d.num {
			raw = le.AppendUint32(raw, math.Float32bits(float32(x)))
		}
	case Float64:
		for _, x := range d.num {
			raw = le.AppendUint64(raw, math.Float64bits(x))
		}
	case Int32:
		for _, x := range d.num {
			raw = le.AppendUint32(raw, uint32(int32(x)))
		}
	case Int64:
		for _, x := range d.num {
			raw = le.AppendUint64(raw, uint64(int64(x)))
		}
	case String:
		// A variable-length element: its length, then the global heap ID
		// (collection address, object index); "" is an object of no bytes,
		// which h5dump prints as "" (no heap ID would print as NULL).
		for _, s := range d.str {
			raw = le.AppendUint32(raw, uint32(len(s)))
			raw = le.AppendUint64(raw, w.heapAddr)
			raw = le.AppendUint32(raw, uint32(w.heapIndex[s]))
		}
	}
	dataAddr := undef
	if n > 0 {
		dataAddr = uint64(w.buf.Len())
		w.buf.Write(raw)
	}
	// Dataspace, version 2: scalar (type 0) or simple (type 1), no max dims.
	ds := []byte{2, byte(len(d.shape)), 0, 1}
	if len(d.shape) == 0 {
		ds[3] = 0
	}
	for _, x := range d.shape {
		ds = le.AppendUint64(ds, uint64(x))
	}
	// Fill value, version 3: allocation late (2), written if set (2 << 2),
	// no value defined.
	fill := []byte{3, 2 | 2<<2}
	// Layout, version 3, contiguous: address and size.
	lay := []byte{3, 1}
	lay = le.AppendUint64(lay, dataAddr)
	lay = le.AppendUint64(lay, uint64(len(raw)))
	msgs := []message{
		{typ: 0x01, data: ds},
		{typ: 0x03, flags: 1, data: datatype(d.kind)}, // flag 1: constant
		{typ: 0x05, flags: 1, data: fill},
		{typ: 0x08, data: lay},
	}
	return w.objectHeader(msgs), nil
}

// datatype encodes a datatype message (version 1 of each class).
func datatype(k Kind) []byte {
	switch k {
	case Float32, Float64:
		// Class 1 IEEE float, little-endian, mantissa normalised with the
		// leading bit implied; sign bit, exponent and mantissa positions.
		size, sign, expLoc, expSize, manSize, bias := 8, 63, 52, 11, 52, 1023
		if k == Float32 {
			size, sign, expLoc, expSize, manSize, bias = 4, 31, 23, 8, 23, 127
		}
		b := []byte{0x11, 0x20, byte(sign), 0}
		b = le.AppendUint32(b, uint32(size))
		b = le.AppendUint16(b, 0)              // bit offset
		b = le.AppendUint16(b, uint16(size*8)) // precision
		b = append(b, byte(expLoc), byte(expSize), 0, byte(manSize))
		return le.AppendUint32(b, uint32(bias))
	case Int32, Int64:
		size := 8
		if k == Int32 {
			size = 4
		}
		// Class 0 fixed point, little-endian, signed (bit 3).
		b := []byte{0x10, 0x08, 0, 0}
		b = le.AppendUint32(b, uint32(size))
		b = le.AppendUint16(b, 0)
		return le.AppendUint16(b, uint16(size*8))
	default:
		// Class 9 variable-length, type string (1), null-terminated (0),
		// UTF-8 (1); 16-byte elements; the base type is an unsigned byte.
		b := []byte{0x19, 0x01, 0x01, 0}
		b = le.AppendUint32(b, 16)
		b = append(b, 0x10, 0, 0, 0)
		b = le.AppendUint32(b, 1)
		b = le.AppendUint16(b, 0)
		return le.AppendUint16(b, 8)
	}
}
