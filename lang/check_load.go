package lang

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"snnc/ir"
	"snnc/runtime"
	"snnc/runtime/npy"
)

// Data in: load(FILE) and load(FILE, COLUMN) give each neuron or synapse a
// value from a file, and the rule matrix(FILE) makes the synapses of a
// weight matrix's nonzero entries (spec/language.md 4.13). The files are
// read when the model is checked, so that their shapes, types and values
// are checked with the position of the load that names them, and every
// backend builds the same values from the IR.

// LoadedData is the array a load gives, in the order its elements read it
// (ir.Data).
type LoadedData struct {
	By   string // ir.DataByNeuron, ir.DataBySynapse or ir.DataByMatrix
	Cols int
	// PreLo and PostLo are a matrix's offsets: the first neurons of the
	// slices its projection connects (ir.Data).
	PreLo, PostLo int
	File          string // as the model names it
	Values        []float64
	// Path is the .npy file whose whole array, in its order, Values is
	// (ir.Data.Path), or "".
	Path string
}

// loadSite is where a load may stand: a population's settings (Pop) or a
// connect's (Proj).
type loadSite struct {
	pop  *Population
	proj *Projection
}

// loadDtypes are the element types a loaded array may have; a matrix rule
// also takes bool.
var loadDtypes = map[string]bool{"float64": true, "float32": true, "int64": true, "int32": true}

// dataFile is a data file read once however many loads name it.
type dataFile struct {
	a   *npy.Array
	err error
}

func (c *checker) readData(path string) (*npy.Array, error) {
	if c.dataFiles == nil {
		c.dataFiles = map[string]*dataFile{}
	}
	if f := c.dataFiles[path]; f != nil {
		return f.a, f.err
	}
	a, err := runtime.ReadArray(path)
	c.dataFiles[path] = &dataFile{a, err}
	return a, err
}

// loadCall checks load(FILE[, COLUMN]) and reads what it gives.
func (c *checker) loadCall(ctx *exprCtx, n *CallExpr) Type {
	if ctx.load == nil {
		c.diags.Hintf(n.At, "set a parameter or an initial value with it: population p = LIF[10] { v_t = load(\"thr.npy\") * 1 mV }",
			"load() gives each neuron or synapse a value from a file; it is allowed only in the settings of a population's or a connect's body, not in %s", ctx.what)
		return invalidType
	}
	if len(n.Args) < 1 || len(n.Args) > 2 {
		c.diags.Errorf(n.At, "load takes 1 or 2 arguments (a file and a column), not %d", len(n.Args))
		return invalidType
	}
	s, ok := n.Args[0].X.(*StringLit)
	if !ok || n.Args[0].Name != "" {
		c.diags.Hintf(n.Args[0].At, "load(\"thr.npy\") or load(\"cells.csv\", \"thr\")", "load's first argument must be a file name, a string")
		return invalidType
	}
	column := ""
	if len(n.Args) == 2 {
		switch x := n.Args[1].X.(type) {
		case *StringLit:
			column = x.Value
		case *NumberLit:
			if v, err := strconv.ParseFloat(x.Text, 64); err == nil && v == math.Trunc(v) && v >= 0 && x.Unit == "" {
				column = strconv.Itoa(int(v))
			}
		}
		if column == "" || n.Args[1].Name != "" {
			c.diags.Hintf(n.Args[1].At, "name the column by its header (\"thr\") or its 0-based index (2)", "load's column must be a name in quotes or a whole number")
			return invalidType
		}
	}
	errs := c.diags.Len()
	if c.checkDataFile(s, ".csv", ".npy"); c.diags.Len() > errs {
		return invalidType
	}
	a, err := c.readData(DataPath(s))
	if err != nil {
		c.diags.Errorf(s.At, "%v", err)
		return invalidType
	}
	ld, err := c.loadValues(ctx.load, s, a, column)
	if err != nil {
		c.diags.Errorf(n.At, "load(%q): %v", s.Value, err)
		return invalidType
	}
	c.prog.Loads[n] = ld
	return RealOf(Dimensionless)
}

// loadValues takes the values of a load out of its file, in the order its
// elements read them.
func (c *checker) loadValues(site *loadSite, s *StringLit, a *npy.Array, column string) (*LoadedData, error) {
	ld := &LoadedData{By: ir.DataByNeuron, File: s.Value}
	proj := site.proj
	// A matrix of shape (post, pre) gives the synapse from i to j its
	// entry [j, i]: the layout of PyTorch's Linear.weight and NIR. It may
	// be of bools, as a matrix rule's may (the entry is then 0 or 1).
	if proj != nil && column == "" && len(a.Shape) == 2 && a.Dtype != "" && !(a.Shape[1] == 1 && proj.PreSize() != 1) {
		if err := runtime.CheckMatrix(a, "the matrix", proj.PreSize(), proj.PostSize()); err != nil {
			return nil, fmt.Errorf("%v", strings.TrimPrefix(err.Error(), "the matrix: "))
		}
		ld.By, ld.Cols, ld.Values = ir.DataByMatrix, proj.PreSize(), a.Data
		ld.PreLo, ld.PostLo = proj.PreRange[0], proj.PostRange[0]
		ld.Path = DataPath(s)
		return ld, nil
	}
	if a.Dtype != "" && !loadDtypes[a.Dtype] {
		return nil, fmt.Errorf("dtype %s; a loaded array holds float64, float32, int64 or int32", a.Dtype)
	}
	if n := a.FirstNotFinite(); n >= 0 {
		return nil, fmt.Errorf("%s is %g; loaded values must be finite", a.Position(n), a.Data[n])
	}
	values, err := tableColumn(a, column)
	if err != nil {
		return nil, err
	}
	ld.Values = values
	if a.Dtype != "" && len(values) == len(a.Data) {
		// A list, or a table of one column: the file's array as it is.
		ld.Path = DataPath(s)
	}
	if site.pop != nil {
		if len(values) != site.pop.Size {
			return nil, fmt.Errorf("%d values for the %d neurons of population %s", len(values), site.pop.Size, site.pop.Name)
		}
		return ld, nil
	}
	ld.By = ir.DataBySynapse
	// A column of the pairs file itself: row r is the synapse of the r-th
	// pair, which synapse order puts after the earlier rows of its pre
	// neuron (a stable sort by pre).
	if proj.pairsFile != "" && proj.pairsFile == DataPath(s) {
		if len(a.Shape) != 2 {
			return nil, fmt.Errorf("the pairs file is a list of shape (%d,), not a table of (pre, post) rows", a.Shape[0])
		}
		pre, _, err := npy.PairColumns(a.Columns, a.Shape[1])
		if err != nil {
			return nil, err
		}
		order := make([]int, len(values))
		for r := range order {
			order[r] = r
		}
		cols := a.Shape[1]
		slices.SortStableFunc(order, func(x, y int) int {
			return int(a.Data[x*cols+pre]) - int(a.Data[y*cols+pre])
		})
		sorted := make([]float64, len(values))
		for k, r := range order {
			sorted[k] = values[r]
		}
		ld.Values, ld.Path = sorted, ""
		return ld, nil
	}
	count, known := c.synapseCount(proj)
	switch {
	case !known:
		return nil, fmt.Errorf("the number of synapses of %s is known only when the network is built; give the values as a (post, pre) matrix, or as a column of a pairs file", proj.Rule)
	case count != len(values):
		return nil, fmt.Errorf("%d values for the %d synapses of this connect (one per synapse, in synapse order)", len(values), count)
	}
	return ld, nil
}

// tableColumn is a column of a table: the only one of a list, of an
// (N, 1) array or of a one-column CSV file, or the one a name or 0-based
// index picks.
func tableColumn(a *npy.Array, column string) ([]float64, error) {
	switch len(a.Shape) {
	case 1:
		if column != "" && column != "0" {
			return nil, fmt.Errorf("the file is a list of shape (%d,); it has no column %s", a.Shape[0], column)
		}
		return a.Data, nil
	case 2:
	default:
		return nil, fmt.Errorf("an array of %d dimensions; expected a list or a table", len(a.Shape))
	}
	k := 0
	if column != "" {
		var err error
		if k, err = npy.ColumnIndex(column, a.Columns, a.Shape[1]); err != nil {
			return nil, err
		}
	} else if a.Shape[1] != 1 {
		return nil, fmt.Errorf("%d columns; say which one: load(FILE, COLUMN), by its header name or 0-based index", a.Shape[1])
	}
	return a.Column(k), nil
}

// synapseCount is the number of synapses a projection's rule makes, where
// that is known before the network is built.
func (c *checker) synapseCount(p *Projection) (int, bool) {
	pre, post := p.PreSize(), p.PostSize()
	autapses := true
	var call *CallExpr
	if p.Decl.Rule != nil {
		call, _ = p.Decl.Rule.X.(*CallExpr)
	}
	var k int
	if call != nil {
		params := connectRules[p.Rule]
		for i, a := range call.Args {
			name := a.Name
			if name == "" && i < len(params) {
				name = params[i]
			}
			switch name {
			case "autapses":
				if b, ok := a.X.(*BoolLit); ok {
					autapses = b.Value
				}
			case "k":
				if q, why := c.constValue(c.scopeAt(p.Decl.Pos), a.X); why == "" {
					k = int(q.Value)
				}
			}
		}
	}
	self := p.PrePop != nil && p.PrePop == p.Post && p.PreRange == p.PostRange && !autapses
	if p.Decl.Where != nil {
		return 0, false // a condition's count is known when it is built
	}
	switch p.Rule {
	case "all_to_all":
		if self {
			return pre*post - pre, true
		}
		return pre * post, true
	case "one_to_one":
		return post, true
	case "fixed_indegree":
		return k * post, true
	case "fixed_outdegree":
		return k * pre, true
	case "pairs", "matrix":
		if p.pairsFile == "" && call != nil && len(call.Args) == 1 {
			if l, ok := call.Args[0].X.(*ListLit); ok {
				return len(l.Elems), true
			}
		}
		if p.pairsFile == "" {
			return 0, false
		}
		a, err := c.readData(p.pairsFile)
		if err != nil {
			return 0, false
		}
		if p.Rule == "matrix" {
			n := 0
			for _, x := range a.Data {
				if x != 0 {
					n++
				}
			}
			return n, true
		}
		if len(a.Shape) == 2 {
			return a.Shape[0], true
		}
	}
	return 0, false
}

// checkMatrixRule checks the file of a matrix rule: a (post, pre) .npy of
// finite numbers or booleans, whose nonzero entries are the synapses.
func (c *checker) checkMatrixRule(a CallArg, proj *Projection, pre, post int) bool {
	s, ok := a.X.(*StringLit)
	if !ok {
		c.diags.Hintf(a.At, "matrix(\"w.npy\")", "matrix needs a .npy file of shape (post, pre)")
		return false
	}
	errs := c.diags.Len()
	if c.checkDataFile(s, ".npy"); c.diags.Len() > errs {
		return false
	}
	arr, err := c.readData(DataPath(s))
	if err == nil && pre != 0 && post != 0 {
		err = runtime.CheckMatrix(arr, s.Value, pre, post)
	}
	if err != nil {
		c.diags.Errorf(s.At, "%v", err)
		return false
	}
	proj.pairsFile = DataPath(s)
	return true
}
