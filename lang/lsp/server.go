package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Server is one session of the language server: the documents the editor
// has open and what the checker made of each.
type Server struct {
	conn *conn
	// Version is what initialize reports as the server's version.
	Version string

	docs        map[string]*document // by URI
	initialized bool                 // initialize was answered
	shutdown    bool                 // shutdown was answered; only exit is valid now
	// published are the URIs last sent diagnostics for each open
	// document's model, so that a fixed error in an imported file is
	// cleared there too.
	published map[string][]string
	// stdDir holds the standard library files, written out on first use
	// so that go to definition can open them; removed when Serve ends.
	stdDir string
}

// NewServer returns a server that reads requests from r and writes
// responses and notifications to w.
func NewServer(r io.Reader, w io.Writer) *Server {
	return &Server{conn: newConn(r, w), docs: map[string]*document{}, published: map[string][]string{}}
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit
// without shutdown first: the protocol asks the server to exit with
// status 1 then.
var ErrExitWithoutShutdown = errors.New("lsp: exit without shutdown")

// Serve handles messages until exit, the end of the input, or a stream
// whose framing is broken. It returns nil after shutdown and exit, or at
// the end of the input after shutdown.
func (s *Server) Serve() error {
	defer func() {
		if s.stdDir != "" {
			os.RemoveAll(s.stdDir)
		}
	}()
	for {
		body, err := s.conn.read()
		if errors.Is(err, io.EOF) {
			if s.shutdown {
				return nil
			}
			return ErrExitWithoutShutdown
		}
		if err != nil {
			// Say so to the client, which may log it, then stop: the
			// next message cannot be found.
			_ = s.conn.reply(nil, nil, &rpcError{Code: codeParseError, Message: err.Error()})
			return err
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			if werr := s.conn.reply(nil, nil, &rpcError{Code: codeParseError, Message: "parse error: " + err.Error()}); werr != nil {
				return werr
			}
			continue
		}
		if m.Method == "exit" {
			if s.shutdown {
				return nil
			}
			return ErrExitWithoutShutdown
		}
		if err := s.handle(&m); err != nil {
			return err // the output is gone
		}
	}
}

// handle answers one message. The error is one of writing the answer.
func (s *Server) handle(m *message) (err error) {
	isRequest := m.ID != nil && string(m.ID) != "null"
	if m.JSONRPC != "2.0" || m.Method == "" {
		if m.Method == "" && m.ID != nil && (m.Result != nil || m.Error != nil) {
			return nil // a response to a request of ours; the server sends none
		}
		return s.conn.reply(m.ID, nil, &rpcError{Code: codeInvalidRequest, Message: `invalid request: want "jsonrpc": "2.0" and a method`})
	}
	// A bug in the server costs one request, answered with an internal
	// error, not the session.
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("internal error in %s: %v", m.Method, r)
			fmt.Fprintf(os.Stderr, "snnc lsp: %s\n%s", msg, debug.Stack())
			if isRequest {
				err = s.conn.reply(m.ID, nil, &rpcError{Code: codeInternalError, Message: msg})
			}
		}
	}()
	switch {
	case s.shutdown:
		if isRequest {
			return s.conn.reply(m.ID, nil, &rpcError{Code: codeInvalidRequest, Message: "the server is shut down; only exit is accepted"})
		}
		return nil
	case !s.initialized && m.Method != "initialize":
		if isRequest {
			return s.conn.reply(m.ID, nil, &rpcError{Code: codeServerNotInitialized, Message: "the server is not initialized"})
		}
		return nil // notifications before initialize are dropped, as the protocol says
	}
	h, ok := handlers[m.Method]
	if !ok {
		if isRequest {
			return s.conn.reply(m.ID, nil, &rpcError{Code: codeMethodNotFound, Message: "method not found: " + m.Method})
		}
		return nil // an unknown notification ($/setTrace, ...) is ignored
	}
	result, rerr := h(s, m.Params)
	if !isRequest {
		return nil // a notification has no answer, not even an error
	}
	return s.conn.reply(m.ID, result, rerr)
}

// A handler serves one method. Notifications' results are dropped.
type handler func(s *Server, params json.RawMessage) (any, *rpcError)

var handlers map[string]handler

func init() {
	// Set in init: the handlers refer to the table through Server.handle.
	handlers = map[string]handler{
		"initialize":              (*Server).initialize,
		"initialized":             func(*Server, json.RawMessage) (any, *rpcError) { return nil, nil },
		"shutdown":                (*Server).doShutdown,
		"textDocument/didOpen":    (*Server).didOpen,
		"textDocument/didChange":  (*Server).didChange,
		"textDocument/didClose":   (*Server).didClose,
		"textDocument/didSave":    func(*Server, json.RawMessage) (any, *rpcError) { return nil, nil },
		"textDocument/hover":      (*Server).hover,
		"textDocument/definition": (*Server).definition,
		"textDocument/completion": (*Server).completion,
	}
}

// decode reads a method's parameters.
func decode(params json.RawMessage, v any) *rpcError {
	if len(params) == 0 {
		return &rpcError{Code: codeInvalidParams, Message: "missing params"}
	}
	if err := json.Unmarshal(params, v); err != nil {
		return &rpcError{Code: codeInvalidParams, Message: "invalid params: " + err.Error()}
	}
	return nil
}

func (s *Server) initialize(json.RawMessage) (any, *rpcError) {
	if s.initialized {
		return nil, &rpcError{Code: codeInvalidRequest, Message: "initialize sent twice"}
	}
	s.initialized = true
	return initializeResult{
		Capabilities: serverCapabilities{
			PositionEncoding:   "utf-16",
			TextDocumentSync:   textDocumentSync{OpenClose: true, Change: 1},
			HoverProvider:      true,
			DefinitionProvider: true,
			CompletionProvider: completionProvider{TriggerCharacters: []string{"."}},
		},
		ServerInfo: serverInfo{Name: "snnc", Version: s.Version},
	}, nil
}

func (s *Server) doShutdown(json.RawMessage) (any, *rpcError) {
	s.shutdown = true
	return nil, nil
}

func (s *Server) didOpen(params json.RawMessage) (any, *rpcError) {
	var p didOpenParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	path, err := uriToPath(p.TextDocument.URI)
	if err != nil {
		return nil, &rpcError{Code: codeInvalidParams, Message: err.Error()}
	}
	s.docs[p.TextDocument.URI] = &document{uri: p.TextDocument.URI, path: path, version: p.TextDocument.Version, text: p.TextDocument.Text}
	return nil, s.recheck()
}

func (s *Server) didChange(params json.RawMessage) (any, *rpcError) {
	var p didChangeParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, &rpcError{Code: codeInvalidParams, Message: "didChange of a document that is not open: " + p.TextDocument.URI}
	}
	for _, ch := range p.ContentChanges {
		if ch.Range == nil {
			d.text = ch.Text
			continue
		}
		start, end := offsetOf(d.text, ch.Range.Start), offsetOf(d.text, ch.Range.End)
		if end < start {
			return nil, &rpcError{Code: codeInvalidParams, Message: "change range ends before it starts"}
		}
		d.text = d.text[:start] + ch.Text + d.text[end:]
	}
	d.version = p.TextDocument.Version
	return nil, s.recheck()
}

func (s *Server) didClose(params json.RawMessage) (any, *rpcError) {
	var p didCloseParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	delete(s.docs, p.TextDocument.URI)
	// Its diagnostics go with it.
	for _, uri := range s.published[p.TextDocument.URI] {
		if err := s.conn.notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: uri, Diagnostics: []diagnostic{}}); err != nil {
			return nil, &rpcError{Code: codeInternalError, Message: err.Error()}
		}
	}
	delete(s.published, p.TextDocument.URI)
	return nil, s.recheck()
}

// recheck checks every open document (an edit in one may change what
// another that imports it means) and publishes the diagnostics.
func (s *Server) recheck() *rpcError {
	for _, uri := range sortedKeys(s.docs) {
		d := s.docs[uri]
		d.analyze(s)
		if err := s.publish(d); err != nil {
			return &rpcError{Code: codeInternalError, Message: err.Error()}
		}
	}
	return nil
}

func (s *Server) hover(params json.RawMessage) (any, *rpcError) {
	d, pos, err := s.at(params)
	if err != nil {
		return nil, err
	}
	return d.hover(s, pos), nil
}

func (s *Server) definition(params json.RawMessage) (any, *rpcError) {
	d, pos, err := s.at(params)
	if err != nil {
		return nil, err
	}
	return d.definition(s, pos), nil
}

func (s *Server) completion(params json.RawMessage) (any, *rpcError) {
	d, pos, err := s.at(params)
	if err != nil {
		return nil, err
	}
	return d.completion(pos), nil
}

// at reads the parameters of a request about a position in a document.
func (s *Server) at(params json.RawMessage) (*document, position, *rpcError) {
	var p positionParams
	if err := decode(params, &p); err != nil {
		return nil, position{}, err
	}
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil, position{}, &rpcError{Code: codeInvalidParams, Message: "document not open: " + p.TextDocument.URI}
	}
	return d, p.Position, nil
}
