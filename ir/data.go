package ir

import (
	"fmt"
	"math"
	"strconv"
)

// Data is an array of values a model loads from a file (load(FILE) in a
// population's or a connect's body, spec/language.md 4.13): one value
// per element, read when the model is checked, so that every backend
// builds the same values. A data instruction reads it for the element its
// kernel runs for, as By says:
//
//	DataByNeuron   Values[i], the neuron's index
//	DataBySynapse  Values[s], the synapse's index in synapse order
//	DataByMatrix   Values[(j-PostLo)*Cols + (i-PreLo)], the entry of a
//	               matrix of shape (post, pre) for the synapse from i to j,
//	               counted from the first neurons of the sides the rule
//	               connects (slices: spec/language.md 4.12)
type Data struct {
	Name string
	By   string
	Cols int // the matrix's columns (the pre side's size) for DataByMatrix
	// PreLo and PostLo are, for DataByMatrix, the first neurons of the
	// two sides' slices (0 for a whole population).
	PreLo, PostLo int
	File          string
	Values        []float64
	// Path is the .npy file whose whole array Values is, in its own
	// order, where the compiler read it; "" where Values is not that (a
	// column of a table, a CSV file, values sorted into synapse order,
	// an IR read back from text). A native build may read such a file
	// when the executable starts rather than embed the values. It is
	// not printed: it says where the values came from, not what they are.
	Path string
}

// The ways a data instruction finds its element's value.
const (
	DataByNeuron  = "neuron"
	DataBySynapse = "synapse"
	DataByMatrix  = "matrix"
)

// Index is the position in Values of the value for the element with
// index i (a neuron), or synapse s from pre i to post j; ok is false
// where that is outside the array (a synapse count that the file does not
// match, found when the network is built).
func (d *Data) Index(i, j, s int) (int, bool) {
	n := i
	switch d.By {
	case DataBySynapse:
		n = s
	case DataByMatrix:
		n = (j-d.PostLo)*d.Cols + (i - d.PreLo)
	}
	return n, n >= 0 && n < len(d.Values)
}

// At is the value for an element (Index), NaN outside the array.
func (d *Data) At(i, j, s int) float64 {
	if n, ok := d.Index(i, j, s); ok {
		return d.Values[n]
	}
	return math.NaN()
}

// DataNamed returns the module's data array called name, or nil.
func (m *Module) DataNamed(name string) *Data {
	for _, d := range m.Data {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// String is the data array's line in the text form, without its values
// when there are many.
func (d *Data) String() string {
	return fmt.Sprintf("data %s by=%s cols=%d%s n=%d file=%q", d.Name, d.By, d.Cols, d.slices(), len(d.Values), d.File)
}

// data prints a data array with its values, as a table is printed.
func (p *printer) data(d *Data) {
	p.line("data %s by=%s cols=%d%s file=%s %s", d.Name, d.By, d.Cols, d.slices(), strconv.Quote(d.File), p.floatList(d.Values))
}

// slices is the text of PreLo and PostLo where either is not 0.
func (d *Data) slices() string {
	if d.PreLo == 0 && d.PostLo == 0 {
		return ""
	}
	return fmt.Sprintf(" pre_lo=%d post_lo=%d", d.PreLo, d.PostLo)
}

// data parses what data prints.
func (p *parser) data() (*Data, error) {
	t := p.toks
	open := indexOf(t, "[")
	if len(t) < 2 || open < 0 || t[len(t)-1] != "]" {
		return nil, p.errorf("bad data")
	}
	f := fields(t[2:open])
	d := &Data{Name: t[1], By: f["by"]}
	cols, err := strconv.Atoi(f["cols"])
	if err != nil {
		return nil, p.errorf("bad data: cols")
	}
	d.Cols = cols
	for key, at := range map[string]*int{"pre_lo": &d.PreLo, "post_lo": &d.PostLo} {
		if v, ok := f[key]; ok {
			if *at, err = strconv.Atoi(v); err != nil || *at < 0 {
				return nil, p.errorf("bad data: %s", key)
			}
		}
	}
	if d.File, err = strconv.Unquote(f["file"]); err != nil {
		return nil, p.errorf("bad data: file")
	}
	if d.By != DataByNeuron && d.By != DataBySynapse && d.By != DataByMatrix {
		return nil, p.errorf("bad data: by=%s", d.By)
	}
	d.Values = []float64{}
	for _, w := range t[open+1 : len(t)-1] {
		if w == "," {
			continue
		}
		x, err := parseFloat(w)
		if err != nil {
			return nil, p.errorf("bad data value %q", w)
		}
		d.Values = append(d.Values, x)
	}
	return d, nil
}
