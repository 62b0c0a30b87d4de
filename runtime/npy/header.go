// The header of a .npy file as read.go reads it: parseHeader checks the
// header dict (descr, fortran_order, shape) and parseDescr the dtype; the
// dict is a Python literal, parsed by litParser.

package npy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseHeader checks the header dict and returns what it says.
func parseHeader(text []byte) (dtype, bool, []int, error) {
	v, err := parseLiteral(text)
	if err != nil {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: %v", err)
	}
	d, ok := v.(pyDict)
	if !ok {
		return dtype{}, false, nil, errors.New("bad .npy header: it is not a dict")
	}
	for _, k := range d.keys {
		if k != "descr" && k != "fortran_order" && k != "shape" {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: unexpected key '%s'", k)
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := d.vals[k]; !ok {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: no '%s'", k)
		}
	}
	fortran, ok := d.vals["fortran_order"].(bool)
	if !ok {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'fortran_order' is %s, not True or False", pyRepr(d.vals["fortran_order"]))
	}
	t, ok := d.vals["shape"].(pyTuple)
	if !ok {
		return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'shape' is %s, not a tuple", pyRepr(d.vals["shape"]))
	}
	shape := make([]int, len(t))
	for i, e := range t {
		n, ok := e.(int64)
		if !ok || n < 0 || n > math.MaxInt {
			return dtype{}, false, nil, fmt.Errorf("bad .npy header: 'shape' %s is not a tuple of non-negative integers", pyRepr(t))
		}
		shape[i] = int(n)
	}
	dt, err := parseDescr(d.vals["descr"])
	return dt, fortran, shape, err
}

const readable = "snnc reads integer, float and bool arrays"

// parseDescr accepts the plain numeric descrs and names what any other
// one is, since "unsupported dtype" alone leaves the user guessing.
func parseDescr(v any) (dtype, error) {
	s, ok := v.(string)
	if !ok {
		if l, ok := v.(pyList); ok {
			return dtype{}, fmt.Errorf("unsupported dtype %s (structured, with named fields); %s; save each field as its own array", pyRepr(l), readable)
		}
		return dtype{}, fmt.Errorf("bad .npy header: 'descr' is %s, not a dtype string", pyRepr(v))
	}
	dt := dtype{descr: "'" + s + "'"}
	rest := s
	// Native ('=') or unstated order is taken as little-endian: numpy
	// always states the order, and every platform it is common on is
	// little-endian.
	if rest != "" && strings.ContainsRune("<>|=", rune(rest[0])) {
		dt.big = rest[0] == '>'
		rest = rest[1:]
	}
	unsupported := func(what string) (dtype, error) {
		return dtype{}, fmt.Errorf("unsupported dtype %s (%s); %s", dt.descr, what, readable)
	}
	if rest == "" {
		return unsupported("empty")
	}
	size := -1
	if n, err := strconv.Atoi(rest[1:]); err == nil && strings.Trim(rest[1:], "0123456789") == "" {
		size = n
	}
	dt.kind, dt.size = rest[0], size
	switch dt.kind {
	case 'f':
		switch size {
		case 4, 8:
			return dt, nil
		case 2:
			return unsupported("half-precision float")
		case 12, 16:
			return unsupported("extended-precision float")
		}
	case 'i', 'u':
		switch size {
		case 1, 2, 4, 8:
			return dt, nil
		}
	case 'b':
		if size == 1 {
			return dt, nil
		}
	case 'c':
		return unsupported("complex")
	case 'U', 'S', 'a':
		return unsupported("string")
	case 'O':
		return unsupported("Python object")
	case 'V':
		return unsupported("raw bytes")
	case 'M', 'm':
		return unsupported("date or time")
	}
	return unsupported("unknown")
}

// The header is a Python literal, which numpy reads with ast.literal_eval.
// We parse the subset that can appear in one: dicts, tuples, lists,
// strings, integers, True, False and None.

type (
	pyDict struct {
		keys []string // in file order, for messages
		vals map[string]any
	}
	pyTuple []any
	pyList  []any
	pyNone  struct{}
)

// maxDepth bounds nesting; real headers nest at most a few levels and a
// corrupt one should not recurse a million deep.
const maxDepth = 32

type litParser struct {
	s   []byte
	pos int
}

func parseLiteral(s []byte) (any, error) {
	p := &litParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	// numpy pads with spaces and a newline; Python would also allow other
	// white space, and NULs are what some writers pad with.
	for p.space(); p.pos < len(p.s) && p.s[p.pos] == 0; p.space() {
		p.pos++
	}
	if p.pos < len(p.s) {
		return nil, p.errorf("unexpected %s after the dict", p.near())
	}
	return v, nil
}

func (p *litParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: "+format, append([]any{p.pos}, args...)...)
}

// near quotes the text at the current position for an error message.
func (p *litParser) near() string {
	if p.pos >= len(p.s) {
		return "end of header"
	}
	t := p.s[p.pos:]
	if len(t) > 12 {
		t = t[:12]
	}
	return strconv.Quote(string(t))
}

func (p *litParser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		default:
			return
		}
	}
}

func (p *litParser) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested too deep")
	}
	p.space()
	if p.pos >= len(p.s) {
		return nil, p.errorf("unexpected end of header")
	}
	c := p.s[p.pos]
	switch {
	case c == '{':
		return p.dict(depth)
	case c == '(':
		return p.seq(depth, ')')
	case c == '[':
		return p.seq(depth, ']')
	case c == '\'' || c == '"':
		return p.str()
	case (c == 'u' || c == 'b' || c == 'U' || c == 'B') && p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\'' || p.s[p.pos+1] == '"'):
		// Python 2 numpy may have written u'<f8'.
		p.pos++
		return p.str()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		return p.integer()
	}
	start := p.pos
	for p.pos < len(p.s) && (p.s[p.pos] == '_' || 'a' <= p.s[p.pos]|0x20 && p.s[p.pos]|0x20 <= 'z' || '0' <= p.s[p.pos] && p.s[p.pos] <= '9') {
		p.pos++
	}
	switch string(p.s[start:p.pos]) {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return pyNone{}, nil
	}
	p.pos = start
	return nil, p.errorf("unexpected %s", p.near())
}

func (p *litParser) dict(depth int) (any, error) {
	p.pos++ // {
	d := pyDict{vals: map[string]any{}}
	for {
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, p.errorf("dict key %s is not a string", pyRepr(k))
		}
		if _, dup := d.vals[key]; dup {
			return nil, p.errorf("key '%s' appears twice", key)
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf("expected ':' after key '%s', found %s", key, p.near())
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, key)
		d.vals[key] = v
		if !p.sep('}') {
			return nil, p.errorf("expected ',' or '}' in dict, found %s", p.near())
		}
	}
}

// seq parses a tuple or a list. As in Python, parentheses around a single
// value without a comma are only grouping: (3) is 3, (3,) a tuple.
func (p *litParser) seq(depth int, end byte) (any, error) {
	p.pos++ // ( or [
	var elems []any
	comma := false
	for {
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == end {
			p.pos++
			break
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			comma = true
		}
		if !p.sep(end) {
			return nil, p.errorf("expected ',' or '%c', found %s", end, p.near())
		}
	}
	if end == ']' {
		return pyList(elems), nil
	}
	if len(elems) == 1 && !comma {
		return elems[0], nil
	}
	return pyTuple(elems), nil
}

// sep consumes the ',' after an element, or sees the closing bracket
// without consuming it. It reports whether either was there.
func (p *litParser) sep(end byte) bool {
	p.space()
	if p.pos >= len(p.s) {
		return false
	}
	switch p.s[p.pos] {
	case ',':
		p.pos++
		return true
	case end:
		return true
	}
	return false
}

func (p *litParser) str() (any, error) {
	q := p.s[p.pos]
	p.pos++
	var b []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == q:
			return string(b), nil
		case c == '\\' && p.pos < len(p.s):
			// Only the escapes a dtype descr could contain; others are
			// kept as written, which suffices to name the dtype in an
			// error.
			e := p.s[p.pos]
			p.pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case '\\', '\'', '"':
				b = append(b, e)
			default:
				b = append(b, '\\', e)
			}
		default:
			b = append(b, c)
		}
	}
	return nil, p.errorf("unterminated string")
}

func (p *litParser) integer() (any, error) {
	start := p.pos
	if c := p.s[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == digits {
		p.pos = start
		return nil, p.errorf("unexpected %s", p.near())
	}
	text := string(p.s[start:p.pos])
	// Python 2 wrote long integers as 3L; numpy drops the L too.
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("integer %s is too large", text)
	}
	return n, nil
}

// pyRepr prints a parsed value roughly as Python would, cut short so that
// a corrupt header cannot flood an error message.
func pyRepr(v any) string {
	var b strings.Builder
	reprTo(&b, v)
	s := b.String()
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func reprTo(b *strings.Builder, v any) {
	if b.Len() > 80 {
		return
	}
	switch v := v.(type) {
	case string:
		b.WriteString("'" + v + "'")
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case bool:
		if v {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case pyNone:
		b.WriteString("None")
	case pyTuple:
		b.WriteByte('(')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			reprTo(b, e)
		}
		if len(v) == 1 {
			b.WriteByte(',')
		}
		b.WriteByte(')')
	case pyList:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			reprTo(b, e)
		}
		b.WriteByte(']')
	case pyDict:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("'" + k + "': ")
			reprTo(b, v.vals[k])
		}
		b.WriteByte('}')
	}
}
