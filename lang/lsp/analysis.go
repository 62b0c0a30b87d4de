package lsp

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"snnc/lang"
)

// document is an open file and what the checker made of it.
type document struct {
	uri     string
	path    string // absolute: the name the model is checked under
	version int
	text    string

	prog    *lang.Program
	diags   []lang.Diagnostic
	sources map[string][]byte // every file of the model, by the name lang gives it
	// uses are the checker's resolved names in this file, by the offset
	// of their first part.
	uses map[int][]use
}

type use struct {
	ref *lang.NameRef
	sym *lang.Symbol
}

// analyze checks the document's text as snnc check checks a file: the
// same loader and checker, imports resolved relative to the document's
// path, open documents read from the editor.
func (d *document) analyze(s *Server) {
	l := &lang.Loader{ReadFile: func(name string) ([]byte, error) {
		if abs, err := filepath.Abs(name); err == nil {
			for _, o := range s.docs {
				if o.path == abs {
					return []byte(o.text), nil
				}
			}
		}
		return os.ReadFile(name)
	}}
	d.diags = nil
	if len(d.text) > lang.MaxSourceSize {
		// As lang.LoadFile refuses a file on disk.
		d.prog = &lang.Program{}
		d.diags = []lang.Diagnostic{{Pos: lang.Pos{File: d.path, Line: 1, Col: 1},
			Msg: fmt.Sprintf("file is larger than %d MiB", lang.MaxSourceSize>>20)}}
		d.sources, d.uses = nil, nil
		return
	}
	prog, err := l.Load(d.path, []byte(d.text))
	d.prog = prog
	var list lang.ErrorList
	if errors.As(err, &list) {
		d.diags = list
	}
	d.sources = prog.Sources()
	d.uses = map[int][]use{}
	for ref, sym := range prog.Info.Uses {
		if ref.At.File == d.path {
			d.uses[ref.At.Offset] = append(d.uses[ref.At.Offset], use{ref, sym})
		}
	}
}

// publish sends the document's diagnostics: its own on its URI, those in
// a file it imports on that file's URI unless the file is open (its own
// analysis publishes them), and empty lists where an earlier analysis
// published some that are gone.
func (s *Server) publish(d *document) error {
	byURI := map[string][]diagnostic{d.uri: {}}
	for _, g := range d.diags {
		uri := d.uri
		if g.Pos.File != d.path {
			uri = s.fileURI(d, g.Pos.File)
			if uri == "" || s.docs[uri] != nil {
				continue
			}
		}
		src := d.sources[g.Pos.File]
		if g.Pos.File == d.path {
			src = []byte(d.text)
		}
		msg := g.Msg
		if g.Hint != "" {
			msg += "\nhint: " + g.Hint
		}
		byURI[uri] = append(byURI[uri], diagnostic{Range: wordRange(string(src), g.Pos), Severity: severityError, Source: "snnc", Message: msg})
	}
	var now []string
	for _, old := range s.published[d.uri] {
		if _, ok := byURI[old]; !ok && s.docs[old] == nil {
			byURI[old] = []diagnostic{}
		}
	}
	for _, uri := range sortedKeys(byURI) {
		p := publishDiagnosticsParams{URI: uri, Diagnostics: byURI[uri]}
		if uri == d.uri {
			v := d.version
			p.Version = &v
		}
		if err := s.conn.notify("textDocument/publishDiagnostics", p); err != nil {
			return err
		}
		if len(byURI[uri]) > 0 {
			now = append(now, uri)
		}
	}
	s.published[d.uri] = now
	return nil
}

// fileURI returns the URI of a file of d's model. A file of the standard
// library is embedded in snnc, not on disk: it is written out, once, to a
// directory of the session, so that the editor can open it.
func (s *Server) fileURI(d *document, name string) string {
	if name == d.path {
		return d.uri
	}
	if filepath.IsAbs(name) {
		return pathToURI(name)
	}
	if !strings.HasPrefix(name, "std/") {
		abs, err := filepath.Abs(name)
		if err != nil {
			return ""
		}
		return pathToURI(abs)
	}
	src, ok := d.sources[name]
	if !ok {
		return ""
	}
	if s.stdDir == "" {
		dir, err := os.MkdirTemp("", "snnc-lsp-")
		if err != nil {
			return ""
		}
		s.stdDir = dir
	}
	path := filepath.Join(s.stdDir, filepath.FromSlash(name))
	if _, err := os.Stat(path); err != nil {
		if os.MkdirAll(filepath.Dir(path), 0o755) != nil || os.WriteFile(path, src, 0o444) != nil {
			return ""
		}
	}
	return pathToURI(path)
}

// hover describes the name under the cursor: its declaration and, for a
// value, its unit and physical dimension.
func (d *document) hover(s *Server, pos position) *hover {
	r := d.resolve(pos)
	if r == nil {
		return nil
	}
	text := r.describe(d)
	if text == "" {
		return nil
	}
	rg := r.rng
	return &hover{Contents: markupContent{Kind: "markdown", Value: text}, Range: &rg}
}

// definition returns where the name under the cursor is declared, or nil
// for what has no declaration in a file (units, built-in functions).
func (d *document) definition(s *Server, pos position) []location {
	r := d.resolve(pos)
	if r == nil || r.sym == nil || !r.sym.Pos.IsValid() {
		return nil
	}
	uri := s.fileURI(d, r.sym.Pos.File)
	if uri == "" {
		return nil
	}
	src := d.sources[r.sym.Pos.File]
	if r.sym.Pos.File == d.path {
		src = []byte(d.text)
	}
	return []location{{URI: uri, Range: wordRange(string(src), r.sym.Pos)}}
}

// resolved is what a name under the cursor denotes: a symbol, a unit, or
// a built-in function.
type resolved struct {
	sym  *lang.Symbol
	unit *lang.Unit
	fn   *lang.Func
	rng  rangeLSP // the name's extent in the document
}

// resolve finds what the name at pos denotes. The checker's own answer
// (Info.Uses) is taken where it has one; elsewhere (declarations,
// network statements, pre. and post., a model with errors) the name is
// looked up in the scope of the declaration the cursor is in.
func (d *document) resolve(pos position) *resolved {
	if d.prog == nil {
		return nil
	}
	off := offsetOf(d.text, pos)
	parts, starts, k := chainAt(d.text, off)
	if parts == nil {
		return nil
	}
	r := &resolved{rng: rangeLSP{Start: lspPos(d.text, starts[k]), End: lspPos(d.text, starts[k]+len(parts[k]))}}
	if k == len(parts)-1 {
		for _, u := range d.uses[starts[0]] {
			if len(u.ref.Parts) == len(parts) && u.sym != nil {
				r.sym = u.sym
				return r
			}
		}
	}
	scope, body := d.scopeAt(off)
	if k == 0 {
		if sym := scope.Lookup(parts[0]); sym != nil {
			if sym.Kind == lang.SymFunc {
				r.fn = lang.Funcs[parts[0]]
			} else {
				r.sym = sym
			}
			return r
		}
		if u, ok := lang.LookupUnit(parts[0]); ok {
			r.unit = &u
			return r
		}
		return nil
	}
	b := d.memberBody(scope, body, parts[:k])
	if b == nil {
		return nil
	}
	if sym := b.Var(parts[k]); sym != nil {
		r.sym = sym
		return r
	}
	if db := b.Dendrite(parts[k]); db != nil {
		r.sym = &lang.Symbol{Kind: lang.SymDendrite, Name: db.Name, Pos: db.Pos, Body: db}
		return r
	}
	return nil
}

// memberBody returns the body whose members parts (a dotted chain, such
// as exc or post or post.dend) reach: a population's neuron type, a type
// or global itself, a dendrite, and in a synapse pre and post as the first
// projection that uses the synapse connects them.
func (d *document) memberBody(scope *lang.Scope, body *lang.Body, parts []string) *lang.Body {
	var b *lang.Body
	switch first := parts[0]; {
	case (first == "pre" || first == "post") && body != nil && body.Kind == lang.SynapseBody:
		for _, p := range d.prog.Projections {
			if p.Synapse != body || b != nil {
				continue
			}
			switch {
			case first == "post" && p.Dendrite != nil:
				b = p.Dendrite
			case first == "post" && p.Post != nil:
				b = p.Post.Type
			case first == "pre" && p.PrePop != nil:
				b = p.PrePop.Type
			}
		}
	default:
		sym := scope.Lookup(first)
		if sym == nil {
			return nil
		}
		switch {
		case sym.Body != nil:
			b = sym.Body
		case sym.Kind == lang.SymPopulation:
			if p, ok := sym.Net.(*lang.Population); ok {
				b = p.Type
			}
		}
	}
	for _, name := range parts[1:] {
		if b == nil {
			return nil
		}
		b = b.Dendrite(name)
	}
	return b
}

// scopeAt returns the scope at byte offset off of the document, and the
// body (neuron, synapse, global, dendrite) it belongs to: inside a type's
// braces the type's, inside a population's block its neuron type's,
// inside a connect's block its synapse type's; elsewhere the scope of
// the file's top-level names.
func (d *document) scopeAt(off int) (*lang.Scope, *lang.Body) {
	var root *lang.File
	for _, f := range d.prog.Files {
		if f.Name == d.path {
			root = f
		}
	}
	if root == nil || d.prog.Scope == nil {
		return lang.NewScope(nil), nil
	}
	bodies := append(append(append([]*lang.Body(nil), d.prog.Neurons...), d.prog.Synapses...), d.prog.Globals...)
	bodyNamed := func(id lang.Ident) *lang.Body {
		for _, b := range bodies {
			if b.Pos.File == d.path && b.Pos.Offset == id.Pos.Offset {
				return b
			}
		}
		return nil
	}
	inside := func(from int) bool {
		open := strings.IndexByte(d.text[min(from, len(d.text)):], '{')
		if open < 0 {
			return false
		}
		open += from
		return open < off && off <= matchBrace(d.text, open)
	}
	for _, decl := range root.Decls {
		var b *lang.Body
		switch decl := decl.(type) {
		case *lang.NeuronDecl:
			if inside(decl.Name.Pos.Offset) {
				b = bodyNamed(decl.Name)
			}
		case *lang.SynapseDecl:
			if inside(decl.Name.Pos.Offset) {
				b = bodyNamed(decl.Name)
			}
		case *lang.GlobalDecl:
			if inside(decl.Name.Pos.Offset) {
				b = bodyNamed(decl.Name)
			}
		case *lang.PopulationDecl:
			if decl.Body != nil && inside(decl.Body.Pos.Offset) {
				for _, p := range d.prog.Populations {
					if p.Decl == decl {
						b = p.Type
					}
				}
			}
		case *lang.ConnectDecl:
			if decl.Body != nil && inside(decl.Body.Pos.Offset) {
				for _, p := range d.prog.Projections {
					if p.Decl == decl {
						b = p.Synapse
					}
				}
			}
		}
		if b == nil {
			continue
		}
		for _, db := range b.Dendrites {
			if dd, ok := db.Decl.(*lang.Dendrite); ok && db.Pos.File == d.path && inside(dd.Name.Pos.Offset) {
				return db.Scope, db
			}
		}
		return b.Scope, b
	}
	return d.prog.Scope, nil
}

// describe writes the hover text: the declaration as it reads in a model,
// with the unit it was declared in and the physical dimension, then what
// the name is and where it is declared.
func (r *resolved) describe(d *document) string {
	var head, tail string
	switch {
	case r.fn != nil:
		head = r.fn.Name + "(" + strings.Join(r.fn.ArgNames, ", ") + ")"
		tail = "built-in function: " + r.fn.Doc
	case r.unit != nil:
		head = fmt.Sprintf("unit %s = %g %s — %s", r.unit.Name, r.unit.Scale, r.unit.Dim, dimWhat(r.unit.Dim))
		tail = "unit"
	case r.sym != nil:
		head, tail = describeSym(d, r.sym)
	default:
		return ""
	}
	return "```snn\n" + head + "\n```\n" + tail
}

// describeSym returns the first line of a symbol's hover (what its
// declaration says) and the second (what kind of name it is, where).
func describeSym(d *document, sym *lang.Symbol) (string, string) {
	where := ""
	if sym.Pos.IsValid() {
		where = ", declared at " + displayPos(d, sym.Pos)
	}
	kind := sym.Kind.String()
	if sym.Owner != nil {
		kind += " of " + sym.Owner.Kind.String() + " " + sym.Owner.Name
	}
	switch sym.Kind {
	case lang.SymParam, lang.SymState, lang.SymLet, lang.SymTrace, lang.SymBuiltin, lang.SymUnit:
		word := map[lang.SymKind]string{lang.SymParam: "param ", lang.SymState: "state ", lang.SymLet: "let ", lang.SymTrace: "trace "}[sym.Kind]
		if sym.Runtime {
			word = "runtime " + word
		}
		head := word + sym.Name + ": " + typeText(sym)
		if sym.Range != nil {
			// The range is checked into SI units.
			head += fmt.Sprintf(" in [%g, %g] %s", sym.Range[0], sym.Range[1], sym.Type.Dim)
		}
		return head, kind + where
	case lang.SymPopulation:
		if p, ok := sym.Net.(*lang.Population); ok && p.Type != nil {
			return fmt.Sprintf("population %s = %s[%d]", p.Name, p.Type.Name, p.Size), kind + where
		}
	case lang.SymInput:
		if in, ok := sym.Net.(*lang.Input); ok {
			return fmt.Sprintf("input %s = %s[%d]", in.Name, in.Kind, in.Size), kind + where
		}
	case lang.SymProjection:
		if p, ok := sym.Net.(*lang.Projection); ok && p.Post != nil && p.Synapse != nil {
			pre := ""
			if p.PrePop != nil {
				pre = p.PrePop.Name
			} else if p.PreInput != nil {
				pre = p.PreInput.Name
			}
			return fmt.Sprintf("connect %s: %s -> %s using %s by %s", p.Name, pre, p.Post.Name, p.Synapse.Name, p.Rule), kind + where
		}
	case lang.SymNeuron, lang.SymSynapse, lang.SymGlobal, lang.SymDendrite:
		if b := sym.Body; b != nil {
			word := map[lang.SymKind]string{lang.SymNeuron: "neuron", lang.SymSynapse: "synapse", lang.SymGlobal: "global", lang.SymDendrite: "dendrite"}[sym.Kind]
			return fmt.Sprintf("%s %s { %s, %s }", word, sym.Name, count(len(b.Params), "param"), count(len(b.States), "state")), kind + where
		}
	}
	return kind + " " + sym.Name, kind + where
}

// count says "1 param", "2 params".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// typeText is a value's type as its declaration gives it: the unit it was
// written in (mV), then the physical dimension (voltage (V)).
func typeText(sym *lang.Symbol) string {
	if sym.Type.Kind != lang.KindReal {
		return sym.Type.String()
	}
	var unit *lang.UnitExpr
	switch decl := sym.Decl.(type) {
	case *lang.Param:
		unit = decl.Unit
	case *lang.State:
		unit = decl.Unit
	case *lang.Let:
		unit = decl.Unit
	case *lang.Trace:
		unit = decl.Unit
	}
	u := sym.Type.Dim.String()
	if unit != nil {
		u = unitText(unit)
	}
	return u + " — " + dimWhat(sym.Type.Dim)
}

// dimWhat names a dimension: "voltage (V)", "dimensionless", "V/s".
func dimWhat(d lang.Dim) string { return d.Describe() }

// unitText writes a unit expression back as the model wrote it, up to
// white space.
func unitText(u *lang.UnitExpr) string {
	var b strings.Builder
	factor := func(f *lang.UnitFactor) {
		switch {
		case f.Sqrt != nil:
			b.WriteString("sqrt(" + unitText(f.Sqrt) + ")")
		case f.Group != nil:
			b.WriteString("(" + unitText(f.Group) + ")")
		case f.Name != "":
			b.WriteString(f.Name)
		default:
			b.WriteString(f.One)
		}
		if f.Power != "" {
			b.WriteString("**")
			if f.Neg {
				b.WriteString("-")
			}
			b.WriteString(f.Power)
		}
	}
	factor(u.First)
	for _, op := range u.Rest {
		b.WriteString(op.Op)
		factor(op.Factor)
	}
	return b.String()
}

// displayPos writes a position as snnc check does, with the file name
// relative to the document's directory when it is near.
func displayPos(d *document, p lang.Pos) string {
	name := p.File
	if filepath.IsAbs(name) {
		if rel, err := filepath.Rel(filepath.Dir(d.path), name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
	}
	return fmt.Sprintf("%s:%d:%d", name, p.Line, p.Col)
}

// completion lists what may be written at pos: after "name." the members
// that name reaches; elsewhere the names in scope, the keywords, the
// built-in functions and, where a unit is expected (after a number or a
// colon), the units.
func (d *document) completion(pos position) completionList {
	list := completionList{Items: []completionItem{}}
	if d.prog == nil {
		return list
	}
	off := offsetOf(d.text, pos)
	start := off
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(d.text[:start])
		if !isIdentPart(r) {
			break
		}
		start -= n
	}
	prefix := d.text[start:off]
	add := func(label string, kind int, detail string) {
		if strings.HasPrefix(label, prefix) {
			list.Items = append(list.Items, completionItem{Label: label, Kind: kind, Detail: detail})
		}
	}
	scope, body := d.scopeAt(off)
	if start > 0 && d.text[start-1] == '.' {
		parts, _, _ := chainAt(d.text, start-2)
		if parts == nil {
			return list
		}
		b := d.memberBody(scope, body, parts)
		if b == nil {
			return list
		}
		for _, group := range [][]*lang.Symbol{b.Params, b.States, b.Traces, b.Lets} {
			for _, sym := range group {
				add(sym.Name, kindField, sym.Kind.String()+": "+typeText(sym))
			}
		}
		for _, db := range b.Dendrites {
			add(db.Name, kindModule, "dendrite")
		}
		return list
	}
	seen := map[string]bool{}
	for sc := scope; sc != nil; sc = sc.Parent() {
		for _, name := range sc.Names() {
			sym := sc.LookupLocal(name)
			if seen[name] || sym == nil {
				continue
			}
			seen[name] = true
			detail := sym.Kind.String()
			if sym.Type.Kind == lang.KindReal {
				detail += ": " + typeText(sym)
			}
			add(name, symKind(sym.Kind), detail)
		}
	}
	for _, k := range lang.Keywords() {
		add(k, kindKeyword, "keyword")
	}
	fns := make([]string, 0, len(lang.Funcs))
	for name := range lang.Funcs {
		fns = append(fns, name)
	}
	sort.Strings(fns)
	for _, name := range fns {
		add(name, kindFunction, lang.Funcs[name].Doc)
	}
	before := strings.TrimRight(d.text[:start], " \t")
	if before != "" {
		if c := before[len(before)-1]; c == ':' || '0' <= c && c <= '9' || c == '.' {
			for _, u := range lang.Units() {
				add(u.Name, kindUnit, dimWhat(u.Dim))
			}
		}
	}
	return list
}

// symKind picks the editor's icon for a kind of name.
func symKind(k lang.SymKind) int {
	switch k {
	case lang.SymParam, lang.SymBuiltin:
		return kindConstant
	case lang.SymState, lang.SymTrace, lang.SymLet:
		return kindVariable
	case lang.SymNeuron, lang.SymSynapse, lang.SymGlobal, lang.SymDendrite:
		return kindClass
	case lang.SymFunc:
		return kindFunction
	case lang.SymUnit:
		return kindUnit
	}
	return kindValue // populations, inputs, projections, ...
}

// chainAt returns the dotted name (exc.v, post.ge) that the byte offset
// off is on or just after: its parts, the offset of each, and the index
// of the part off is in. parts is nil where there is no name.
func chainAt(text string, off int) (parts []string, starts []int, k int) {
	off = max(0, min(off, len(text)))
	s, e := off, off
	for s > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:s])
		if !isIdentPart(r) {
			break
		}
		s -= n
	}
	for e < len(text) {
		r, n := utf8.DecodeRuneInString(text[e:])
		if !isIdentPart(r) {
			break
		}
		e += n
	}
	if s == e {
		return nil, nil, 0
	}
	if r, _ := utf8.DecodeRuneInString(text[s:]); !isIdentStart(r) {
		return nil, nil, 0 // a number
	}
	parts, starts = []string{text[s:e]}, []int{s}
	// Earlier parts: name. before this one, with no space around the dot.
	for s > 1 && text[s-1] == '.' {
		ps := s - 1
		for ps > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:ps])
			if !isIdentPart(r) {
				break
			}
			ps -= n
		}
		if ps == s-1 {
			break
		}
		parts = append([]string{text[ps : s-1]}, parts...)
		starts = append([]int{ps}, starts...)
		s = ps
	}
	return parts, starts, len(parts) - 1
}

// The lexer's classes of runes (lang/lexer.go).
func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// matchBrace returns the offset of the brace that closes the one at open,
// skipping comments and strings, or len(text) if it is not closed (the
// block being typed reaches to the end).
func matchBrace(text string, open int) int {
	depth := 0
	for i := open; i < len(text); i++ {
		switch c := text[i]; {
		case c == '/' && strings.HasPrefix(text[i:], "//"):
			if n := strings.IndexByte(text[i:], '\n'); n >= 0 {
				i += n
			} else {
				return len(text)
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			if n := strings.Index(text[i+2:], "*/"); n >= 0 {
				i += n + 3
			} else {
				return len(text)
			}
		case c == '"':
			n := strings.IndexAny(text[i+1:], "\"\n")
			if n < 0 {
				return len(text)
			}
			i += n + 1
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(text)
}

// lspPos converts a byte offset of text to a protocol position.
func lspPos(text string, off int) position {
	off = max(0, min(off, len(text)))
	line := strings.Count(text[:off], "\n")
	lineStart := strings.LastIndexByte(text[:off], '\n') + 1
	return position{Line: line, Character: utf16Len(text[lineStart:off])}
}

// offsetOf converts a protocol position to a byte offset of text, clamped
// to the line's end and the text's.
func offsetOf(text string, p position) int {
	off := 0
	for i := 0; i < p.Line; i++ {
		n := strings.IndexByte(text[off:], '\n')
		if n < 0 {
			return len(text)
		}
		off += n + 1
	}
	for units := 0; off < len(text) && units < p.Character; {
		r, n := utf8.DecodeRuneInString(text[off:])
		if r == '\n' {
			break
		}
		units += len(utf16.Encode([]rune{r}))
		off += n
	}
	return off
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// wordRange is the range of a diagnostic or a declaration at p (line and
// rune column, as lang gives them): from p to the end of the name or
// number there, or one character.
func wordRange(text string, p lang.Pos) rangeLSP {
	if !p.IsValid() {
		return rangeLSP{}
	}
	off := 0
	for i := 1; i < p.Line; i++ {
		n := strings.IndexByte(text[off:], '\n')
		if n < 0 {
			off = len(text)
			break
		}
		off += n + 1
	}
	for col := 1; col < p.Col && off < len(text) && text[off] != '\n'; col++ {
		_, n := utf8.DecodeRuneInString(text[off:])
		off += n
	}
	start := lspPos(text, off)
	if off >= len(text) || text[off] == '\n' || text[off] == '\r' {
		return rangeLSP{Start: start, End: start} // at the end of a line or of the file
	}
	end := off
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if !isIdentPart(r) {
			break
		}
		end += n
	}
	if end == off {
		_, n := utf8.DecodeRuneInString(text[off:])
		end += n
	}
	return rangeLSP{Start: start, End: lspPos(text, end)}
}

func uriToPath(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return "", fmt.Errorf("not a file URI: %q", uri)
	}
	return filepath.Clean(filepath.FromSlash(u.Path)), nil
}

func pathToURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
