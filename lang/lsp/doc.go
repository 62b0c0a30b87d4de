// Package lsp is snnc's language server: the Language Server Protocol
// (3.17) over a byte stream, for editors that want snnc's diagnostics,
// hovers that show a name's physical dimension, go to definition and
// completion while a model is edited.
//
// The files:
//
//	jsonrpc.go   JSON-RPC 2.0 messages with Content-Length framing
//	protocol.go  the few LSP structures the server uses
//	server.go    Serve: the lifecycle (initialize ... exit), open documents
//	analysis.go  one checked model per open document; diagnostics, hover,
//	             definition and completion read it
//
// Every analysis goes through lang.Loader, the checker of snnc check, on
// the editor's text: a diagnostic is where snnc check puts it (line and
// column; the column, counted in runes by lang, is sent in UTF-16 code
// units as the protocol asks). Imports resolve as the compiler resolves
// them ("std/..." is the embedded library); an imported file open in the
// editor is read from the editor's text, not the disk.
//
// The protocol layer is written here with encoding/json rather than taken
// from a library: the one LSP framework in the package lists available to
// the project (github.com/tliron/glsp v0.2.2) brings a logging framework, a
// websocket server and a second JSON-RPC package for what is here about two
// hundred lines, and golang.org/x/tools keeps its LSP packages internal.
//
// Requests are handled one at a time, in order, on the goroutine that
// reads: a model is checked in milliseconds, and an editor sends a full
// text on every change (full document sync), so there is nothing to gain
// from concurrency and the order of diagnostics stays that of the edits.
package lsp
