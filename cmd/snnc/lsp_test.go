package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLSPHelperProcess is snnc lsp when TestLSPCommand starts the test
// binary as its subprocess; otherwise it does nothing.
func TestLSPHelperProcess(t *testing.T) {
	if os.Getenv("SNNC_LSP_HELPER") != "1" {
		return
	}
	os.Exit(run([]string{"lsp"}, os.Stdout, os.Stderr))
}

// TestLSPCommand drives snnc lsp as an editor does, as a subprocess over
// its stdin and stdout, and checks that the diagnostic it publishes is the
// one snnc check prints, at the same line and column.
func TestLSPCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.snn")
	src := "import \"std/neurons.snn\"\n\npopulation exc = LIF[10]\nparam drive: nA = 2 mV\nmonitor state exc.v\n"
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))

	var out, errb bytes.Buffer
	require.Equal(t, exitModel, run([]string{"check", path}, &out, &errb))
	want := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `:(\d+):(\d+): error: (.*)$`).FindStringSubmatch(errb.String())
	require.NotNil(t, want, errb.String())
	line, _ := strconv.Atoi(want[1])
	col, _ := strconv.Atoi(want[2])

	cmd := exec.Command(os.Args[0], "-test.run=^TestLSPHelperProcess$")
	cmd.Env = append(os.Environ(), "SNNC_LSP_HELPER=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	r := bufio.NewReader(stdout)
	send := func(m map[string]any) {
		m["jsonrpc"] = "2.0"
		body, err := json.Marshal(m)
		require.NoError(t, err)
		_, err = fmt.Fprintf(stdin, "Content-Length: %d\r\n\r\n%s", len(body), body)
		require.NoError(t, err)
	}
	recv := func() map[string]any {
		length := -1
		for {
			h, err := r.ReadString('\n')
			require.NoError(t, err)
			h = strings.TrimSpace(h)
			if h == "" {
				break
			}
			if v, ok := strings.CutPrefix(h, "Content-Length: "); ok {
				length, err = strconv.Atoi(v)
				require.NoError(t, err)
			}
		}
		require.GreaterOrEqual(t, length, 0)
		body := make([]byte, length)
		_, err := io.ReadFull(r, body)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		return m
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	send(map[string]any{"id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}})
	require.Contains(t, recv(), "result")
	send(map[string]any{"method": "initialized", "params": map[string]any{}})
	send(map[string]any{"method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "snn", "version": 1, "text": src}}})
	note := recv()
	require.Equal(t, "textDocument/publishDiagnostics", note["method"])
	diags := note["params"].(map[string]any)["diagnostics"].([]any)
	require.Len(t, diags, 1)
	d := diags[0].(map[string]any)
	start := d["range"].(map[string]any)["start"].(map[string]any)
	// The model is ASCII: a UTF-16 column is the rune column.
	require.Equal(t, float64(line-1), start["line"])
	require.Equal(t, float64(col-1), start["character"])
	require.Equal(t, want[3], strings.SplitN(d["message"].(string), "\n", 2)[0])

	// Hover on v of exc.v: LIF's state, in millivolts.
	send(map[string]any{"id": 2, "method": "textDocument/hover", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 4, "character": 18}}})
	h := recv()
	require.Contains(t, h["result"].(map[string]any)["contents"].(map[string]any)["value"], "state v: mV — voltage (V)")

	send(map[string]any{"id": 3, "method": "shutdown"})
	require.Contains(t, recv(), "result")
	send(map[string]any{"method": "exit"})
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("snnc lsp did not exit after exit")
	}
}
