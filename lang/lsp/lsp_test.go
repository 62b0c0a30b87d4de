package lsp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"snnc/lang"
)

// model has one error (zz) and names of every kind the tests ask about:
// a neuron's state with a unit, a synapse's post., a type from the
// standard library.
const model = `import "std/neurons.snn"

// A cell whose v is in millivolts.
neuron Cell {
    param tau: ms = 10 ms
    state v: mV = 0 mV
    dv/dt = -v / tau
    threshold v > 10 mV
    reset { v = 0 mV }
}

synapse Exc {
    param w: mV = 1 mV
    on pre { post.v += w }
}

population cells = Cell[10] { v = 1 mV }
population lif = LIF[5]
connect cells -> zz using Exc by all_to_all
connect cells -> cells using Exc by one_to_one
monitor state cells.v
`

// client is a scripted LSP client: it writes framed requests and reads
// the server's messages, keeping notifications until they are asked for.
type client struct {
	t      *testing.T
	w      io.Writer
	r      *bufio.Reader
	id     int
	notes  []message
	closer func()
}

// startServer runs a Server in-process over pipes.
func startServer(t *testing.T) (*client, chan error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := NewServer(inR, outW).Serve()
		outW.Close()
		done <- err
	}()
	c := &client{t: t, w: inW, r: bufio.NewReader(outR), closer: func() { inW.Close() }}
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return c, done
}

func (c *client) send(m map[string]any) {
	m["jsonrpc"] = "2.0"
	body, err := json.Marshal(m)
	require.NoError(c.t, err)
	c.raw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

func (c *client) raw(s string) {
	_, err := io.WriteString(c.w, s)
	require.NoError(c.t, err)
}

// read returns the server's next message.
func (c *client) read() message {
	c.t.Helper()
	ch := make(chan message, 1)
	errc := make(chan error, 1)
	go func() {
		body, err := (&conn{r: c.r}).read()
		if err != nil {
			errc <- err
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			errc <- err
			return
		}
		ch <- m
	}()
	select {
	case m := <-ch:
		return m
	case err := <-errc:
		c.t.Fatalf("reading the server: %v", err)
	case <-time.After(20 * time.Second):
		c.t.Fatal("no message from the server in 20 s")
	}
	return message{}
}

// call sends a request and returns its response.
func (c *client) call(method string, params any) message {
	c.t.Helper()
	c.id++
	c.send(map[string]any{"id": c.id, "method": method, "params": params})
	return c.response(fmt.Sprint(c.id))
}

// response reads until the response with the given id.
func (c *client) response(id string) message {
	c.t.Helper()
	for {
		m := c.read()
		if m.Method != "" {
			c.notes = append(c.notes, m)
			continue
		}
		require.Equal(c.t, id, string(m.ID), "a response to another request")
		return m
	}
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"method": method, "params": params})
}

// diagnostics returns the next diagnostics published for uri.
func (c *client) diagnostics(uri string) publishDiagnosticsParams {
	c.t.Helper()
	for {
		var m message
		if len(c.notes) > 0 {
			m, c.notes = c.notes[0], c.notes[1:]
		} else {
			m = c.read()
		}
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p publishDiagnosticsParams
		require.NoError(c.t, json.Unmarshal(m.Params, &p))
		if p.URI == uri {
			return p
		}
	}
}

func (c *client) initialize() {
	c.t.Helper()
	m := c.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}})
	require.Nil(c.t, m.Error)
	var res initializeResult
	require.NoError(c.t, json.Unmarshal(m.Result, &res))
	require.True(c.t, res.Capabilities.HoverProvider)
	require.Equal(c.t, 1, res.Capabilities.TextDocumentSync.Change)
	c.notify("initialized", map[string]any{})
}

// at returns the protocol position of the n-th (from 0) occurrence of
// needle in text, plus shift characters.
func at(t *testing.T, text, needle string, n, shift int) position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		k := strings.Index(text[off+1:], needle)
		require.GreaterOrEqual(t, k, 0, "%q occurs fewer than %d times", needle, n+1)
		off += 1 + k
	}
	return lspPos(text, off+shift)
}

func posParams(uri string, p position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

func openModel(t *testing.T, c *client, text string) (string, string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.snn")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	uri := pathToURI(path)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "snn", "version": 1, "text": text}})
	return uri, path
}

func TestSession(t *testing.T) {
	c, done := startServer(t)
	c.initialize()
	uri, _ := openModel(t, c, model)

	// The error: where zz is written, with the checker's message.
	d := c.diagnostics(uri)
	require.Len(t, d.Diagnostics, 1)
	zz := at(t, model, "-> zz", 0, 3)
	require.Equal(t, rangeLSP{Start: zz, End: position{zz.Line, zz.Character + 2}}, d.Diagnostics[0].Range)
	require.Equal(t, "undefined population zz", d.Diagnostics[0].Message)
	require.Equal(t, severityError, d.Diagnostics[0].Severity)
	require.Equal(t, 1, *d.Version)

	// Fixed with a full-text change, the diagnostics are cleared.
	fixed := strings.Replace(model, "-> zz", "-> lif", 1)
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": fixed}}})
	d = c.diagnostics(uri)
	require.Empty(t, d.Diagnostics)
	require.Equal(t, 2, *d.Version)

	// Hover on v in the ODE: the state, its unit as declared, its dimension.
	m := c.call("textDocument/hover", posParams(uri, at(t, fixed, "-v / tau", 0, 1)))
	require.Nil(t, m.Error)
	var h hover
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "state v: mV — voltage (V)")
	require.Contains(t, h.Contents.Value, "neuron type Cell")
	require.Equal(t, at(t, fixed, "-v / tau", 0, 1), h.Range.Start)

	// On tau: a parameter in milliseconds, a time.
	m = c.call("textDocument/hover", posParams(uri, at(t, fixed, "/ tau", 0, 3)))
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "param tau: ms — time (s)")

	// On post.v in the synapse: v of the neuron the projections reach.
	m = c.call("textDocument/hover", posParams(uri, at(t, fixed, "post.v", 0, 5)))
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "state v: mV — voltage (V)")

	// On a unit after a number.
	m = c.call("textDocument/hover", posParams(uri, at(t, fixed, "10 mV", 0, 3)))
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "unit mV = 0.001 V — voltage (V)")

	// Definition of v in cells.v (a monitor): the state's declaration.
	m = c.call("textDocument/definition", posParams(uri, at(t, fixed, "cells.v", 0, 6)))
	require.Nil(t, m.Error)
	var locs []location
	require.NoError(t, json.Unmarshal(m.Result, &locs))
	require.Len(t, locs, 1)
	require.Equal(t, uri, locs[0].URI)
	require.Equal(t, at(t, fixed, "v: mV", 0, 0), locs[0].Range.Start)

	// Definition of LIF, declared in the standard library: a file holding
	// the library's text, at LIF's declaration there.
	m = c.call("textDocument/definition", posParams(uri, at(t, fixed, "LIF[5]", 0, 1)))
	require.NoError(t, json.Unmarshal(m.Result, &locs))
	require.Len(t, locs, 1)
	require.True(t, strings.HasSuffix(locs[0].URI, "/std/neurons.snn"), locs[0].URI)
	lib, err := uriToPath(locs[0].URI)
	require.NoError(t, err)
	src, err := os.ReadFile(lib)
	require.NoError(t, err)
	require.Equal(t, at(t, string(src), "neuron LIF", 0, 7), locs[0].Range.Start)

	// Completion inside Cell's block: its own names, the file's, keywords.
	m = c.call("textDocument/completion", posParams(uri, at(t, fixed, "    threshold", 0, 4)))
	labels := completionLabels(t, m)
	for _, want := range []string{"tau", "v", "cells", "Cell", "LIF", "state", "threshold", "exp", "t"} {
		require.Contains(t, labels, want)
	}
	require.NotContains(t, labels, "w", "Exc's parameter is not in scope in Cell")
	require.NotContains(t, labels, "mV", "units only where a unit goes")

	// After "cells.": the members of the population's type.
	m = c.call("textDocument/completion", posParams(uri, at(t, fixed, "cells.v", 0, 6)))
	labels = completionLabels(t, m)
	require.ElementsMatch(t, []string{"tau", "v"}, labels)

	// After a number: the units, with the prefix typed.
	m = c.call("textDocument/completion", posParams(uri, at(t, fixed, "10 mV", 0, 4)))
	labels = completionLabels(t, m)
	require.Contains(t, labels, "mV")
	require.Contains(t, labels, "ms")
	require.NotContains(t, labels, "V", "the prefix m is typed")

	// Close: the document's diagnostics go; then shutdown and exit.
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	m = c.call("shutdown", nil)
	require.Nil(t, m.Error)
	require.Equal(t, "null", string(m.Result))
	c.notify("exit", nil)
	require.NoError(t, <-done)
}

func completionLabels(t *testing.T, m message) []string {
	t.Helper()
	require.Nil(t, m.Error)
	var list completionList
	require.NoError(t, json.Unmarshal(m.Result, &list))
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

// An error in an imported file, which is not open, is published on that
// file's URI; editing the importer to drop the import clears it there.
func TestImportedFileDiagnostics(t *testing.T) {
	c, _ := startServer(t)
	c.initialize()
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.snn")
	require.NoError(t, os.WriteFile(lib, []byte("neuron N {\n    state v: mV = 1 ms\n}\n"), 0o644))
	text := "import \"lib.snn\"\npopulation p = N[2]\n"
	uri := pathToURI(filepath.Join(dir, "m.snn"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "snn", "version": 1, "text": text}})
	d := c.diagnostics(pathToURI(lib))
	require.Len(t, d.Diagnostics, 1)
	require.Equal(t, 1, d.Diagnostics[0].Range.Start.Line)
	require.Contains(t, d.Diagnostics[0].Message, "time")
	require.Empty(t, c.diagnostics(uri).Diagnostics)

	// The hover on N shows it comes from lib.snn.
	m := c.call("textDocument/hover", posParams(uri, position{1, 15}))
	var h hover
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "neuron N { 0 params, 1 state }")
	require.Contains(t, h.Contents.Value, "lib.snn:1:8")
	// Its definition is in lib.snn, on the disk.
	m = c.call("textDocument/definition", posParams(uri, position{1, 15}))
	var locs []location
	require.NoError(t, json.Unmarshal(m.Result, &locs))
	require.Equal(t, []location{{URI: pathToURI(lib), Range: rangeLSP{Start: position{0, 7}, End: position{0, 8}}}}, locs)

	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": "neuron M {\n}\n"}}})
	require.Empty(t, c.diagnostics(pathToURI(lib)).Diagnostics)
}

// Bad input gets JSON-RPC errors, and the session goes on.
func TestMalformedInput(t *testing.T) {
	c, done := startServer(t)

	// Before initialize: ServerNotInitialized.
	m := c.call("textDocument/hover", posParams("file:///x.snn", position{}))
	require.Equal(t, codeServerNotInitialized, m.Error.Code)
	c.initialize()

	// Not JSON: a parse error with a null id.
	body := `{"jsonrpc": "2.0", "id": 7, "method": `
	c.raw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
	m = c.response("null")
	require.Equal(t, codeParseError, m.Error.Code)

	// JSON, but not a request.
	c.send(map[string]any{"id": 8})
	m = c.response("8")
	require.Equal(t, codeInvalidRequest, m.Error.Code)
	body = `{"id": 9, "method": "shutdown"}` // no "jsonrpc": "2.0"
	c.raw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
	m = c.response("9")
	require.Equal(t, codeInvalidRequest, m.Error.Code)

	// An unknown method; an unknown notification gets no answer at all
	// (the next message read is the answer to the next request).
	m = c.call("textDocument/frobnicate", map[string]any{})
	require.Equal(t, codeMethodNotFound, m.Error.Code)
	require.Contains(t, m.Error.Message, "textDocument/frobnicate")
	c.notify("$/setTrace", map[string]any{"value": "off"})

	// Bad parameters: of the wrong type, missing, a document not open.
	m = c.call("textDocument/hover", []int{1, 2})
	require.Equal(t, codeInvalidParams, m.Error.Code)
	m = c.call("textDocument/definition", nil)
	require.Equal(t, codeInvalidParams, m.Error.Code)
	m = c.call("textDocument/completion", posParams("file:///nowhere.snn", position{}))
	require.Equal(t, codeInvalidParams, m.Error.Code)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": "http://x/y.snn", "text": ""}})

	// Positions past the end of the text, and text that is not a model.
	uri, _ := openModel(t, c, "neuron {{{ \"unterminated\n\xff")
	require.NotEmpty(t, c.diagnostics(uri).Diagnostics)
	for _, p := range []position{{0, 0}, {0, 1000}, {1000, 3}, {1, 1}} {
		for _, method := range []string{"textDocument/hover", "textDocument/definition", "textDocument/completion"} {
			m = c.call(method, posParams(uri, p))
			require.Nil(t, m.Error, "%s at %v", method, p)
		}
	}

	// After shutdown only exit is accepted.
	require.Nil(t, c.call("shutdown", nil).Error)
	m = c.call("textDocument/hover", posParams(uri, position{}))
	require.Equal(t, codeInvalidRequest, m.Error.Code)
	c.notify("exit", nil)
	require.NoError(t, <-done)
}

// A header without Content-Length loses the framing: the server says so
// and stops, with an error, rather than guessing.
func TestBrokenFraming(t *testing.T) {
	c, done := startServer(t)
	c.raw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}")
	m := c.read()
	require.Equal(t, codeParseError, m.Error.Code)
	err := <-done
	require.ErrorIs(t, err, errFraming)

	c, done = startServer(t)
	c.raw("Content-Length: 99999999999\r\n\r\n")
	m = c.read()
	require.Equal(t, codeParseError, m.Error.Code)
	require.ErrorIs(t, <-done, errFraming)

	// exit without shutdown: the protocol's error status.
	c, done = startServer(t)
	c.initialize()
	c.notify("exit", nil)
	require.ErrorIs(t, <-done, ErrExitWithoutShutdown)
}

// Positions count UTF-16 code units: a name after a character outside
// the Basic Multilingual Plane (two units) is found where the editor
// says it is, and a diagnostic after it is placed in units too.
func TestUTF16Positions(t *testing.T) {
	text := "// 𝜏 is tau\nparam a: ms = 1 ms\nparam b = /* 𝜏 */ a + zz\n"
	p := at(t, text, "a +", 0, 0)
	// "param b = /* " is 13 units, 𝜏 two (four bytes in UTF-8), " */ " four.
	require.Equal(t, position{2, 19}, p)
	require.Equal(t, 21, offsetOf(text, p)-strings.Index(text, "param b"), "and back to bytes")

	c, _ := startServer(t)
	c.initialize()
	uri, _ := openModel(t, c, text)
	d := c.diagnostics(uri)
	require.Len(t, d.Diagnostics, 1)
	require.Equal(t, at(t, text, "zz", 0, 0), d.Diagnostics[0].Range.Start)
	require.Equal(t, 23, d.Diagnostics[0].Range.Start.Character)
	m := c.call("textDocument/hover", posParams(uri, p))
	var h hover
	require.NoError(t, json.Unmarshal(m.Result, &h))
	require.Contains(t, h.Contents.Value, "param a: ms — time (s)")
}

// TestExamples opens every example model, as saved on disk (their data
// files and imports resolve), and checks that the server finds no error
// where snnc check finds none, and that every name the checker resolved
// in the file gets a hover and, where it is declared in a file, a
// definition at its declaration.
func TestExamples(t *testing.T) {
	paths, err := filepath.Glob("../../examples/*.snn")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	c, _ := startServer(t)
	c.initialize()
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		require.NoError(t, err)
		src, err := os.ReadFile(abs)
		require.NoError(t, err)
		uri := pathToURI(abs)
		c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "snn", "version": 1, "text": string(src)}})
		require.Empty(t, c.diagnostics(uri).Diagnostics, path)

		prog, err := (&lang.Loader{}).Load(abs, src)
		require.NoError(t, err, path)
		n := 0
		for ref, sym := range prog.Info.Uses {
			if ref.At.File != abs || n >= 40 { // 40 names a file keep the test short
				continue
			}
			n++
			p := lspPos(string(src), ref.At.Offset)
			m := c.call("textDocument/hover", posParams(uri, p))
			require.Nil(t, m.Error)
			require.NotEqual(t, "null", string(m.Result), "%s: no hover on %s", ref.At, ref.Dotted())
			if !sym.Pos.IsValid() || sym.Pos.File != abs || len(ref.Parts) > 1 {
				continue
			}
			m = c.call("textDocument/definition", posParams(uri, p))
			var locs []location
			require.NoError(t, json.Unmarshal(m.Result, &locs))
			require.Len(t, locs, 1, "%s: no definition of %s", ref.At, ref.Dotted())
			require.Equal(t, lspPos(string(src), sym.Pos.Offset), locs[0].Range.Start, "%s: %s", ref.At, ref.Dotted())
		}
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	}
}

// FuzzMessage sends one arbitrary message body to an initialized server
// with a model open: whatever it is, the server answers without an
// internal error (a recovered panic) and goes on to shut down cleanly.
func FuzzMessage(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///m.snn"},"position":{"line":3,"character":11}}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///m.snn"},"position":{"line":-1,"character":-5}}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///m.snn","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":0},"end":{"line":0,"character":2}},"text":"x"}]}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///m.snn","version":2},"contentChanges":[{"text":"neuron N { state v: mV = 1 }\npopulation p = N[-1]"}]}}`))
	f.Add([]byte(`[1, 2]`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}`))
	frame := func(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }
	open, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": "file:///m.snn", "languageId": "snn", "version": 1, "text": model}}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		in := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`) + frame(string(open)) +
			frame(string(body)) + frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","method":"exit"}`)
		var out strings.Builder
		err := NewServer(strings.NewReader(in), &out).Serve()
		if strings.Contains(out.String(), fmt.Sprint(codeInternalError)) {
			t.Fatalf("internal error: %s", out.String())
		}
		// The message may have been exit itself, or a shutdown; else the
		// session ends as it should.
		if err != nil && !errors.Is(err, ErrExitWithoutShutdown) {
			t.Fatalf("Serve: %v", err)
		}
	})
}
