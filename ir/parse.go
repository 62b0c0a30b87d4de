package ir

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Parse reads the text form written by Print.
func Parse(src string) (*Module, error) {
	p := &parser{lines: strings.Split(src, "\n")}
	m, err := p.module()
	if err != nil {
		return nil, fmt.Errorf("ir: line %d: %v", p.n, err)
	}
	return m, nil
}

type parser struct {
	lines []string
	n     int // 1-based number of the current line
	toks  []string
}

// next moves to the next non-empty line and tokenises it; false at the end.
func (p *parser) next() bool {
	for p.n < len(p.lines) {
		line := strings.TrimSpace(p.lines[p.n])
		p.n++
		if line == "" || strings.HasPrefix(line, ";") {
			continue
		}
		p.toks = tokenize(line)
		return true
	}
	return false
}

// tokenize splits a line into words, numbers, %values, strings and single
// punctuation characters.
func tokenize(line string) []string {
	var toks []string
	for i := 0; i < len(line); {
		c := rune(line[i])
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			toks = append(toks, line[i:min(j+1, len(line))])
			i = j + 1
		case c == '-' && i+1 < len(line) && line[i+1] == '>':
			toks = append(toks, "->")
			i += 2
		case strings.ContainsRune("{}()[],:=", c):
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(line) && !strings.ContainsRune(" \t{}()[],:=\"", rune(line[j])) {
				if line[j] == '-' && j+1 < len(line) && line[j+1] == '>' {
					break
				}
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks
}

// unclosed reports a construct opened on line start (whose first words
// are what) and never closed: the position is where it opened, not the
// end of the text.
func (p *parser) unclosed(start int, what string) error {
	p.n = start
	return fmt.Errorf("%s has no closing }", what)
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf(format+" (in %q)", append(args, strings.Join(p.toks, " "))...)
}

// fields collects the key=value attributes of a line.
func fields(toks []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+2 < len(toks); i++ {
		if toks[i+1] == "=" {
			m[toks[i]] = toks[i+2]
			i += 2
		}
	}
	return m
}

func parseFloat(s string) (float64, error) {
	switch s {
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
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
			c := &Current{Name: t[1], Population: pop, Param: param}
			ks, _, _, err := p.body(false)
			if err != nil {
				return nil, err
			}
			c.Kernels = ks
			m.Currents = append(m.Currents, c)
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
	m.Link()
	return m, nil
}

// variable parses [runtime] param|state|trace NAME : TYPE [= VALUE | per_element | decay TAU].
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
	pop := &Population{Name: t[1], Type: typ, Size: size, Global: t[0] == "global", Group: group, Offset: offset}
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
	pr := &Projection{Name: t[1], Pre: t[3], Synapse: t[7], Stream: -1}
	pr.Post, pr.Dendrite, _ = strings.Cut(t[5], ".")
	rule := Rule{Kind: t[9]}
	rest := t[10 : len(t)-1]
	for len(rest) > 0 {
		switch {
		case len(rest) >= 3 && rest[0] == "part" && rest[1] == "of":
			pr.PartOf = rest[2]
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

func (p *parser) monitor() (*Monitor, error) {
	t := p.toks
	// monitor NAME : KIND TARGET [ranges] [every N] [{ kernels }]
	if len(t) < 5 || t[2] != ":" {
		return nil, p.errorf("bad monitor")
	}
	body := t[len(t)-1] == "{"
	if body {
		t = t[:len(t)-1]
	}
	mon := &Monitor{Name: t[1], Kind: t[3]}
	mon.Target, mon.Var, _ = strings.Cut(t[4], ".")
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
	if len(rest) == 2 && rest[0] == "every" {
		n, err := strconv.Atoi(rest[1])
		if err != nil {
			return nil, p.errorf("bad every")
		}
		mon.Every = n
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

// kernel parses a kernel up to its closing brace.
func (p *parser) kernel() (*Kernel, error) {
	t := p.toks
	if len(t) < 3 {
		return nil, p.errorf("bad kernel header")
	}
	k := &Kernel{Name: t[1], Result: TVoid}
	if _, ok := RoleOf(k.Name); !ok {
		return nil, p.errorf("no element has a kernel called %s", k.Name)
	}
	switch {
	case len(t) == 3 && t[2] == "{":
	case len(t) == 5 && t[2] == ":" && t[4] == "{":
		typ, err := ParseType(t[3])
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		k.Result = typ
	default:
		return nil, p.errorf("bad kernel header")
	}
	kp := &kernelParser{p: p, k: k, values: map[string]Value{}, blocks: map[string]*Block{}}
	if err := kp.parse(); err != nil {
		return nil, err
	}
	return k, nil
}

type kernelParser struct {
	p      *parser
	k      *Kernel
	values map[string]Value
	blocks map[string]*Block
	cur    *Block
}

func (kp *kernelParser) block(name string) *Block {
	if b := kp.blocks[name]; b != nil {
		return b
	}
	b := &Block{Kernel: kp.k}
	kp.blocks[name] = b
	return b
}

func (kp *kernelParser) parse() error {
	p := kp.p
	start := p.n
	order := []*Block{}
	for p.next() {
		t := p.toks
		switch {
		case t[0] == "}":
			if len(order) == 0 {
				return p.errorf("kernel without blocks")
			}
			var undefined []string
			for name, b := range kp.blocks {
				if !containsBlock(order, b) {
					undefined = append(undefined, name)
				}
			}
			if len(undefined) > 0 {
				slices.Sort(undefined)
				return p.errorf("kernel %s branches to undefined block %s", kp.k.Name, strings.Join(undefined, ", "))
			}
			kp.k.Blocks = order
			kp.k.Number()
			return nil
		case t[0] == "note":
			if len(t) != 2 {
				return p.errorf("bad note")
			}
			s, err := strconv.Unquote(t[1])
			if err != nil {
				return p.errorf("bad note")
			}
			kp.k.Notes = append(kp.k.Notes, s)
		case isBlockName(t[0]) && t[len(t)-1] == ":" && (len(t) == 2 || t[1] == "("):
			b := kp.block(t[0])
			if containsBlock(order, b) {
				return p.errorf("block %s defined twice", t[0])
			}
			order = append(order, b)
			kp.cur = b
			// b1 ( %3 : f64 , %4 : f64 ) :
			params := t[1 : len(t)-1]
			if len(params) > 0 {
				if params[0] != "(" || params[len(params)-1] != ")" {
					return p.errorf("bad block parameters")
				}
				items := params[1 : len(params)-1]
				for i := 0; i < len(items); i += 4 {
					if i+2 >= len(items) || items[i+1] != ":" {
						return p.errorf("bad block parameter")
					}
					typ, err := ParseType(items[i+2])
					if err != nil {
						return p.errorf("%v", err)
					}
					bp := &BlockParam{Typ: typ, Block: b}
					if err = kp.define(items[i], bp); err != nil {
						return err
					}
					b.Params = append(b.Params, bp)
				}
			}
		default:
			if kp.cur == nil {
				return p.errorf("instruction outside a block")
			}
			in, err := kp.instr(t)
			if err != nil {
				return err
			}
			in.Block = kp.cur
			kp.cur.Instrs = append(kp.cur.Instrs, in)
		}
	}
	return p.unclosed(start, "kernel "+kp.k.Name)
}

func containsBlock(list []*Block, b *Block) bool {
	for _, x := range list {
		if x == b {
			return true
		}
	}
	return false
}

func isBlockName(s string) bool {
	if len(s) < 2 || s[0] != 'b' {
		return false
	}
	for _, r := range s[1:] {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func (kp *kernelParser) define(name string, v Value) error {
	if _, dup := kp.values[name]; dup {
		return kp.p.errorf("%s defined twice", name)
	}
	kp.values[name] = v
	return nil
}

func (kp *kernelParser) use(name string) (Value, error) {
	v, ok := kp.values[name]
	if !ok {
		return nil, kp.p.errorf("%s used before its definition", name)
	}
	return v, nil
}

// uses parses a comma-separated list of values.
func (kp *kernelParser) uses(toks []string) ([]Value, error) {
	var out []Value
	for _, t := range toks {
		if t == "," {
			continue
		}
		v, err := kp.use(t)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// target parses bN ( args ).
func (kp *kernelParser) target(toks []string) (*Target, int, error) {
	if len(toks) < 3 || !isBlockName(toks[0]) || toks[1] != "(" {
		return nil, 0, kp.p.errorf("bad branch target")
	}
	end := indexOf(toks, ")")
	if end < 0 {
		return nil, 0, kp.p.errorf("bad branch target")
	}
	args, err := kp.uses(toks[2:end])
	if err != nil {
		return nil, 0, err
	}
	return &Target{Block: kp.block(toks[0]), Args: args}, end + 1, nil
}

// branch parses the operands and targets of a branch: the operands
// first, then the targets, comma-separated (br b1(%2), condbr %6, b1(), b2(%2)).
func (kp *kernelParser) branch(op Op, toks []string) ([]Value, []*Target, error) {
	var args []Value
	var targets []*Target
	for i := 0; i < len(toks); {
		if isBlockName(toks[i]) && i+1 < len(toks) && toks[i+1] == "(" {
			t, n, err := kp.target(toks[i:])
			if err != nil {
				return nil, nil, err
			}
			targets = append(targets, t)
			i += n
		} else {
			if len(targets) > 0 {
				return nil, nil, kp.p.errorf("bad %s: an operand after a target", op)
			}
			v, err := kp.use(toks[i])
			if err != nil {
				return nil, nil, err
			}
			args = append(args, v)
			i++
		}
		if i < len(toks) {
			if toks[i] != "," || i == len(toks)-1 {
				return nil, nil, kp.p.errorf("bad %s", op)
			}
			i++
		}
	}
	if want := op.Info().Targets; len(targets) != want {
		return nil, nil, kp.p.errorf("%s takes %d targets, not %d", op, want, len(targets))
	}
	return args, targets, nil
}

func (kp *kernelParser) instr(t []string) (*Instr, error) {
	p := kp.p
	in := &Instr{Typ: TVoid}
	result := ""
	if len(t) > 2 && t[1] == "=" && strings.HasPrefix(t[0], "%") {
		result = t[0]
		t = t[2:]
		if len(t) < 3 || t[len(t)-2] != ":" {
			return nil, p.errorf("a result needs a type")
		}
		typ, err := ParseType(t[len(t)-1])
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		in.Typ = typ
		t = t[:len(t)-2]
	}
	op, ok := opByName[t[0]]
	if !ok {
		return nil, p.errorf("unknown op %q", t[0])
	}
	in.Op = op
	info := op.Info()
	aux, operands, err := auxSyntaxes[info.Aux].parse(op, t[1:])
	if err != nil {
		return nil, p.errorf("%v", err)
	}
	in.Aux = aux
	if info.Targets == 0 {
		in.Args, err = kp.uses(operands)
	} else {
		in.Args, in.Targets, err = kp.branch(op, operands)
	}
	if err != nil {
		return nil, err
	}
	if info.Args >= 0 && len(in.Args) != info.Args {
		return nil, p.errorf("%s takes %d operands, not %d", op, info.Args, len(in.Args))
	}
	if result != "" {
		if err = kp.define(result, in); err != nil {
			return nil, err
		}
	}
	return in, nil
}
