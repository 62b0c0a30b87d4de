package ir

// The module level of the text form: the run, the graph's nodes, and the
// names that link them, resolved once the whole module is read.

import (
	"fmt"
	"strconv"
	"strings"
)

// link resolves the names of one line.
type link struct {
	line    int
	resolve func(*graphNames) error
}

// later queues the resolution of the current line's names.
func (p *parser) later(f func(*graphNames) error) {
	p.links = append(p.links, link{p.n, f})
}

// graphNames finds the module's nodes by name.
type graphNames struct {
	pops   map[string]*Population
	inputs map[string]*Input
	projs  map[string]*Projection
}

func (g *graphNames) popNamed(name string) (*Population, error) {
	if p := g.pops[name]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("no population %s", name)
}

// resolve links every name of the module to its node.
func (p *parser) resolve(m *Module) error {
	g := &graphNames{pops: map[string]*Population{}, inputs: map[string]*Input{}, projs: map[string]*Projection{}}
	for _, x := range m.Populations {
		g.pops[x.Name] = x
	}
	for _, x := range m.Inputs {
		g.inputs[x.Name] = x
	}
	for _, x := range m.Projections {
		g.projs[x.Name] = x
	}
	for _, l := range p.links {
		if err := l.resolve(g); err != nil {
			p.n, p.toks = l.line, tokenize(strings.TrimSpace(p.lines[l.line-1]))
			return p.errorf("%v", err)
		}
	}
	return nil
}

func (p *parser) module() (*Module, error) {
	m := &Module{}
	for p.next() {
		t := p.toks
		switch t[0] {
		case "module":
			if len(t) != 2 {
				return nil, p.errorf("module needs a quoted source name")
			}
			s, err := strconv.Unquote(t[1])
			if err != nil {
				return nil, p.errorf("bad module name")
			}
			m.Source = s
		case "run":
			f := fields(t[1:])
			var err error
			if m.Run.Dt, err = parseFloat(f["dt"]); err != nil {
				return nil, p.errorf("bad dt")
			}
			if m.Run.Duration, err = parseFloat(f["duration"]); err != nil {
				return nil, p.errorf("bad duration")
			}
			if m.Run.Steps, err = strconv.ParseInt(f["steps"], 10, 64); err != nil {
				return nil, p.errorf("bad steps")
			}
			if m.Run.Seed, err = strconv.ParseUint(f["seed"], 10, 64); err != nil {
				return nil, p.errorf("bad seed")
			}
			if q, ok := f["quantize"]; ok && q == "fixed" {
				m.Run.Quantize = QuantizeFixed
			} else if ok {
				if m.Run.Quantize, err = strconv.Atoi(q); err != nil || m.Run.Quantize <= 0 {
					return nil, p.errorf("bad quantize")
				}
			}
		case "note":
			if len(t) != 2 {
				return nil, p.errorf("bad note")
			}
			n, err := strconv.Unquote(t[1])
			if err != nil {
				return nil, p.errorf("bad note")
			}
			m.Notes = append(m.Notes, n)
		case "param", "runtime", "state", "trace":
			v, err := p.variable()
			if err != nil {
				return nil, err
			}
			m.Params = append(m.Params, v)
		case "population", "global":
			pop, err := p.population()
			if err != nil {
				return nil, err
			}
			m.Populations = append(m.Populations, pop)
		case "input":
			in, err := p.input()
			if err != nil {
				return nil, err
			}
			if in.Stream < 0 {
				in.Stream = len(m.Inputs)
			}
			m.Inputs = append(m.Inputs, in)
		case "projection":
			pr, err := p.projection()
			if err != nil {
				return nil, err
			}
			if pr.Stream < 0 {
				pr.Stream = len(m.Projections)
			}
			m.Projections = append(m.Projections, pr)
		case "current":
			// current NAME -> POP . PARAM {
			if len(t) != 5 || t[2] != "->" || t[4] != "{" {
				return nil, p.errorf("bad current")
			}
			pop, param, ok := strings.Cut(t[3], ".")
			if !ok {
				return nil, p.errorf("current needs population.param")
			}
			c := &Current{Name: t[1]}
			p.later(func(g *graphNames) error {
				var err error
				if c.Population, err = g.popNamed(pop); err != nil {
					return err
				}
				if c.Param = VarNamed(c.Population.Vars, param); c.Param == nil {
					return fmt.Errorf("population %s has no variable %s", pop, param)
				}
				return nil
			})
			ks, _, _, err := p.body(false)
			if err != nil {
				return nil, err
			}
			c.Kernels = ks
			m.Currents = append(m.Currents, c)
		case "table":
			tb, err := p.table()
			if err != nil {
				return nil, err
			}
			m.Tables = append(m.Tables, tb)
		case "data":
			d, err := p.data()
			if err != nil {
				return nil, err
			}
			m.Data = append(m.Data, d)
		case "monitor":
			mon, err := p.monitor()
			if err != nil {
				return nil, err
			}
			m.Monitors = append(m.Monitors, mon)
		default:
			return nil, p.errorf("unexpected %q", t[0])
		}
	}
	if err := p.resolve(m); err != nil {
		return nil, err
	}
	m.Link()
	return m, nil
}

// variable parses [runtime] param|state|trace NAME : TYPE [= VALUE | per_element | decay TAU]
// [range LO HI] [quantize W] [reduce KIND SOURCE VAR].
func (p *parser) variable() (*Var, error) {
	t := p.toks
	v := &Var{}
	if t[0] == "runtime" {
		v.Runtime = true
		t = t[1:]
	}
	if len(t) < 4 || t[2] != ":" {
		return nil, p.errorf("bad variable")
	}
	switch t[0] {
	case "param":
		v.Kind = VarParam
	case "state":
		v.Kind = VarState
	case "trace":
		v.Kind = VarTrace
	default:
		return nil, p.errorf("bad variable kind %q", t[0])
	}
	v.Name = t[1]
	typ, err := ParseType(t[3])
	if err != nil {
		return nil, p.errorf("%v", err)
	}
	v.Type = typ
	rest := t[4:]
	var slice [2]int
	if n := len(rest); n >= 7 && rest[n-3] == "slice" && rest[n-7] == "reduce" {
		lo, err1 := strconv.Atoi(rest[n-2])
		hi, err2 := strconv.Atoi(rest[n-1])
		if err1 != nil || err2 != nil {
			return nil, p.errorf("bad reduce slice")
		}
		slice = [2]int{lo, hi}
		rest = rest[:n-3]
	}
	if n := len(rest); n >= 4 && rest[n-4] == "reduce" {
		v.Reduce = &Reduce{Kind: rest[n-3], Source: rest[n-2], Name: rest[n-1], Range: slice}
		rest = rest[:n-4]
	}
	if n := len(rest); n >= 2 && rest[n-2] == "quantize" {
		w, werr := strconv.Atoi(rest[n-1])
		if werr != nil {
			return nil, p.errorf("bad quantize")
		}
		v.Quantize = w
		rest = rest[:n-2]
	}
	if n := len(rest); n >= 3 && rest[n-3] == "range" {
		lo, err1 := parseFloat(rest[n-2])
		hi, err2 := parseFloat(rest[n-1])
		if err1 != nil || err2 != nil {
			return nil, p.errorf("bad range")
		}
		v.Range = &[2]float64{lo, hi}
		rest = rest[:n-3]
	}
	switch {
	case v.Kind == VarParam && len(rest) == 2 && rest[0] == "=":
		v.Uniform = true
		if v.Value, err = parseFloat(rest[1]); err != nil {
			return nil, p.errorf("bad value")
		}
	case v.Kind == VarParam && len(rest) == 1 && rest[0] == "per_element":
	case v.Kind == VarTrace && len(rest) == 2 && rest[0] == "decay":
		v.Tau = rest[1]
	case v.Kind == VarState && len(rest) == 0:
	default:
		return nil, p.errorf("bad variable")
	}
	return v, nil
}

// size parses NAME[N] split into tokens NAME [ N ].
func parseSized(t []string) (string, int, bool) {
	if len(t) < 4 || t[1] != "[" || t[3] != "]" {
		return "", 0, false
	}
	n, err := strconv.Atoi(t[2])
	return t[0], n, err == nil
}

func (p *parser) population() (*Population, error) {
	t := p.toks
	// population NAME : TYPE [ N ] [part of GROUP at N] {
	var group string
	var offset int
	if len(t) == 13 && t[7] == "part" && t[8] == "of" && t[10] == "at" {
		n, err := strconv.Atoi(t[11])
		if err != nil || n < 0 {
			return nil, p.errorf("bad offset")
		}
		group, offset = t[9], n
		t = append(t[:7:7], "{")
	}
	if len(t) != 8 || t[2] != ":" || t[7] != "{" {
		return nil, p.errorf("bad population")
	}
	typ, size, ok := parseSized(t[3:7])
	if !ok {
		return nil, p.errorf("bad population size")
	}
	pop := &Population{Name: t[1], Type: typ, Size: size, Global: t[0] == "global", Offset: offset}
	if group != "" {
		p.later(func(g *graphNames) (err error) {
			pop.Group, err = g.popNamed(group)
			return err
		})
	}
	ks, vars, dends, err := p.body(true)
	if err != nil {
		return nil, err
	}
	pop.Kernels, pop.Vars, pop.Dendrites = ks, vars, dends
	return pop, nil
}

// body parses variables, dendrites and kernels up to the closing brace.
func (p *parser) body(allowDendrites bool) ([]*Kernel, []*Var, []*Dendrite, error) {
	start, what := p.n, strings.Join(p.toks[:min(2, len(p.toks))], " ")
	var ks []*Kernel
	var vars []*Var
	var dends []*Dendrite
	for p.next() {
		t := p.toks
		switch t[0] {
		case "}":
			return ks, vars, dends, nil
		case "param", "runtime", "state", "trace":
			v, err := p.variable()
			if err != nil {
				return nil, nil, nil, err
			}
			vars = append(vars, v)
		case "kernel":
			k, err := p.kernel()
			if err != nil {
				return nil, nil, nil, err
			}
			ks = append(ks, k)
		case "dendrite":
			if !allowDendrites {
				return nil, nil, nil, p.errorf("dendrite not allowed here")
			}
			if len(t) < 3 {
				return nil, nil, nil, p.errorf("bad dendrite")
			}
			d := &Dendrite{Name: t[1], Count: 1}
			if len(t) == 6 {
				_, n, ok := parseSized(t[1:5])
				if !ok {
					return nil, nil, nil, p.errorf("bad dendrite")
				}
				d.Count, d.Array = n, true
			} else if len(t) != 3 {
				return nil, nil, nil, p.errorf("bad dendrite")
			}
			dk, dv, _, err := p.body(false)
			if err != nil {
				return nil, nil, nil, err
			}
			d.Kernels, d.Vars = dk, dv
			dends = append(dends, d)
		default:
			return nil, nil, nil, p.errorf("unexpected %q", t[0])
		}
	}
	return nil, nil, nil, p.unclosed(start, what)
}

func (p *parser) input() (*Input, error) {
	t := p.toks
	// input NAME : KIND [ N ] attrs... [{]
	if len(t) < 7 || t[2] != ":" {
		return nil, p.errorf("bad input")
	}
	kind, size, ok := parseSized(t[3:7])
	if !ok {
		return nil, p.errorf("bad input size")
	}
	in := &Input{Name: t[1], Kind: kind, Size: size, Stream: -1}
	rest := t[7:]
	hasBody := len(rest) > 0 && rest[len(rest)-1] == "{"
	if hasBody {
		rest = rest[:len(rest)-1]
	}
	for len(rest) > 0 {
		if len(rest) < 3 || rest[1] != "=" {
			return nil, p.errorf("bad input attribute")
		}
		key := rest[0]
		switch key {
		case "stream":
			v, err := strconv.Atoi(rest[2])
			if err != nil || v < 0 {
				return nil, p.errorf("bad stream")
			}
			in.Stream = v
			rest = rest[3:]
		case "columns":
			v, err := strconv.Atoi(rest[2])
			if err != nil || v < 1 {
				return nil, p.errorf("bad columns")
			}
			in.Columns = v
			rest = rest[3:]
		case "period":
			v, err := parseFloat(rest[2])
			if err != nil {
				return nil, p.errorf("bad period")
			}
			in.Period = v
			rest = rest[3:]
		case "file":
			s, err := strconv.Unquote(rest[2])
			if err != nil {
				return nil, p.errorf("bad file")
			}
			in.File = s
			rest = rest[3:]
		case "rates", "times":
			end := indexOf(rest, "]")
			if rest[2] != "[" || end < 0 {
				return nil, p.errorf("bad list")
			}
			items := rest[3:end]
			rest = rest[end+1:]
			if key == "rates" {
				in.Rates = []float64{}
				for _, it := range items {
					if it == "," {
						continue
					}
					v, err := parseFloat(it)
					if err != nil {
						return nil, p.errorf("bad rate")
					}
					in.Rates = append(in.Rates, v)
				}
				continue
			}
			in.Times = []SpikeTime{}
			pairs, err := parsePairs(items)
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			for _, pr := range pairs {
				idx, err1 := strconv.Atoi(pr[0])
				tm, err2 := parseFloat(pr[1])
				if err1 != nil || err2 != nil {
					return nil, p.errorf("bad spike time")
				}
				in.Times = append(in.Times, SpikeTime{Index: idx, Time: tm})
			}
		default:
			return nil, p.errorf("unknown input attribute %q", key)
		}
	}
	if hasBody {
		ks, _, _, err := p.body(false)
		if err != nil {
			return nil, err
		}
		in.Kernels = ks
	}
	return in, nil
}

// parsePairs reads ( a , b ) , ( c , d ) tokens.
func parsePairs(items []string) ([][2]string, error) {
	var out [][2]string
	for i := 0; i < len(items); {
		if items[i] == "," {
			i++
			continue
		}
		if i+4 >= len(items) || items[i] != "(" || items[i+2] != "," || items[i+4] != ")" {
			return nil, fmt.Errorf("bad pair")
		}
		out = append(out, [2]string{items[i+1], items[i+3]})
		i += 5
	}
	return out, nil
}

func indexOf(toks []string, s string) int {
	for i, t := range toks {
		if t == s {
			return i
		}
	}
	return -1
}

func (p *parser) projection() (*Projection, error) {
	t := p.toks
	// projection NAME : PRE -> POST using SYN by RULE attrs {
	if len(t) < 10 || t[2] != ":" || t[4] != "->" || t[6] != "using" || t[8] != "by" || t[len(t)-1] != "{" {
		return nil, p.errorf("bad projection")
	}
	pr := &Projection{Name: t[1], Synapse: t[7], Stream: -1}
	pre := t[3]
	post, dendrite, _ := strings.Cut(t[5], ".")
	partOf := ""
	p.later(func(g *graphNames) error {
		if x := g.pops[pre]; x != nil {
			pr.Pre = x
		} else if x := g.inputs[pre]; x != nil {
			pr.Pre = x
		} else {
			return fmt.Errorf("no population or input %s", pre)
		}
		var err error
		if pr.Post, err = g.popNamed(post); err != nil {
			return err
		}
		if dendrite != "" {
			if pr.Dendrite = pr.Post.DendriteNamed(dendrite); pr.Dendrite == nil {
				return fmt.Errorf("population %s has no dendrite %s", post, dendrite)
			}
		}
		if partOf != "" {
			if pr.PartOf = g.projs[partOf]; pr.PartOf == nil {
				return fmt.Errorf("no projection %s", partOf)
			}
		}
		return nil
	})
	rule := Rule{Kind: t[9]}
	rest := t[10 : len(t)-1]
	for len(rest) > 0 {
		switch {
		case len(rest) >= 3 && rest[0] == "part" && rest[1] == "of":
			partOf = rest[2]
			rest = rest[3:]
		case rest[0] == "[":
			end := indexOf(rest, "]")
			if end < 0 {
				return nil, p.errorf("bad pairs")
			}
			pairs, err := parsePairs(rest[1:end])
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			rule.Pairs = [][2]int{}
			for _, pp := range pairs {
				a, err1 := strconv.Atoi(pp[0])
				b, err2 := strconv.Atoi(pp[1])
				if err1 != nil || err2 != nil {
					return nil, p.errorf("bad pair")
				}
				rule.Pairs = append(rule.Pairs, [2]int{a, b})
			}
			rest = rest[end+1:]
		case len(rest) >= 3 && rest[1] == "=":
			var err error
			switch rest[0] {
			case "p":
				rule.P, err = parseFloat(rest[2])
			case "k":
				rule.K, err = strconv.Atoi(rest[2])
			case "autapses":
				rule.Autapses, err = strconv.ParseBool(rest[2])
			case "skip":
				rule.Skip, err = strconv.ParseBool(rest[2])
			case "file":
				rule.File, err = strconv.Unquote(rest[2])
			case "stream":
				pr.Stream, err = strconv.Atoi(rest[2])
			case "prune_var":
				pr.PruneVar = rest[2]
			case "prune_below":
				pr.PruneBelow, err = parseFloat(rest[2])
			case "label":
				pr.Label, err = strconv.Unquote(rest[2])
			case "pre_lo", "pre_hi", "post_lo", "post_hi":
				err = setSliceAttr(pr, rest[0], rest[2])
			default:
				err = fmt.Errorf("unknown rule attribute %q", rest[0])
			}
			if err != nil {
				return nil, p.errorf("%v", err)
			}
			rest = rest[3:]
		default:
			return nil, p.errorf("bad rule")
		}
	}
	pr.Rule = rule
	ks, vars, _, err := p.body(false)
	if err != nil {
		return nil, err
	}
	pr.Kernels, pr.Vars = ks, vars
	return pr, nil
}

// table parses table NAME dt=F k=N rows=N cols=N two=B values=[F, ...].
func (p *parser) table() (*Table, error) {
	t := p.toks
	open := indexOf(t, "[")
	if len(t) < 2 || open < 0 || t[len(t)-1] != "]" {
		return nil, p.errorf("bad table")
	}
	f := fields(t[2:open])
	tb := &Table{Name: t[1], Two: f["two"] == "true"}
	var err error
	var dt float64
	var k, rows, cols int64
	if dt, err = parseFloat(f["dt"]); err == nil {
		if k, err = strconv.ParseInt(f["k"], 10, 64); err == nil {
			if rows, err = strconv.ParseInt(f["rows"], 10, 64); err == nil {
				cols, err = strconv.ParseInt(f["cols"], 10, 64)
			}
		}
	}
	if err != nil || k < 1 || rows < 1 || cols < 1 {
		return nil, p.errorf("bad table")
	}
	tb.Dt, tb.K, tb.Rows, tb.Cols = dt, k, int(rows), int(cols)
	for _, w := range t[open+1 : len(t)-1] {
		if w == "," {
			continue
		}
		x, err := parseFloat(w)
		if err != nil {
			return nil, p.errorf("bad table value %q", w)
		}
		tb.Values = append(tb.Values, x)
	}
	if len(tb.Values) != tb.Rows*tb.Cols {
		return nil, p.errorf("table %s has %d values, not rows x cols = %d", tb.Name, len(tb.Values), tb.Rows*tb.Cols)
	}
	return tb, nil
}

func (p *parser) monitor() (*Monitor, error) {
	t := p.toks
	// monitor NAME : KIND TARGET [ranges] [every N] [window FROM:TO] [{ kernels }]
	if len(t) < 5 || t[2] != ":" {
		return nil, p.errorf("bad monitor")
	}
	body := t[len(t)-1] == "{"
	if body {
		t = t[:len(t)-1]
	}
	mon := &Monitor{Name: t[1], Kind: t[3]}
	target, v, _ := strings.Cut(t[4], ".")
	mon.Var = v
	p.later(func(g *graphNames) error {
		if x := g.pops[target]; x != nil {
			mon.Target = x
		} else if x := g.inputs[target]; x != nil {
			mon.Target = x
		} else if x := g.projs[target]; x != nil {
			mon.Target = x
		} else {
			return fmt.Errorf("no population, input or projection %s", target)
		}
		return nil
	})
	rest := t[5:]
	if len(rest) > 0 && rest[0] == "[" {
		end := indexOf(rest, "]")
		if end < 0 {
			return nil, p.errorf("bad selection")
		}
		mon.Ranges = [][2]int{}
		items := rest[1:end]
		for i := 0; i < len(items); i++ {
			if items[i] == "," {
				continue
			}
			if i+2 >= len(items) || items[i+1] != ":" {
				return nil, p.errorf("bad range")
			}
			lo, err1 := strconv.Atoi(items[i])
			hi, err2 := strconv.Atoi(items[i+2])
			if err1 != nil || err2 != nil {
				return nil, p.errorf("bad range")
			}
			mon.Ranges = append(mon.Ranges, [2]int{lo, hi})
			i += 2
		}
		rest = rest[end+1:]
	}
	if len(rest) >= 2 && rest[0] == "every" {
		n, err := strconv.Atoi(rest[1])
		if err != nil {
			return nil, p.errorf("bad every")
		}
		mon.Every = n
		rest = rest[2:]
	}
	if len(rest) >= 3 && rest[0] == "base" && rest[1] == "=" {
		n, err := strconv.Atoi(rest[2])
		if err != nil || n < 0 {
			return nil, p.errorf("bad base")
		}
		mon.Base = n
		rest = rest[3:]
	}
	if len(rest) == 4 && rest[0] == "window" && rest[2] == ":" {
		lo, err1 := strconv.ParseInt(rest[1], 10, 64)
		hi, err2 := strconv.ParseInt(rest[3], 10, 64)
		if err1 != nil || err2 != nil || lo < 0 || hi <= lo {
			return nil, p.errorf("bad window")
		}
		mon.Window = [2]int64{lo, hi}
	} else if len(rest) != 0 {
		return nil, p.errorf("bad monitor")
	}
	if body {
		ks, vars, _, err := p.body(false)
		if err != nil {
			return nil, err
		}
		if len(vars) > 0 {
			return nil, p.errorf("a monitor has no variables")
		}
		mon.Kernels = ks
	}
	return mon, nil
}
