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
	// links resolve the names a line gives graph nodes, once the whole
	// module is read (a group or a projection's PartOf may come later).
	links []link
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
