package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/lang/nir"
)

// TestExportCommand: snnc export writes a file that reads back, refuses a
// model outside NIR with positioned errors and exit status 1, and answers
// a bad command line with 2.
func TestExportCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "m.nir")
	require.Equal(t, exitOK, run([]string{"export", "../../examples/nir_lif.snn", "-o", out}, &stdout, &stderr), stderr.String())
	g, err := nir.Read(out)
	require.NoError(t, err)
	require.NotNil(t, g.Node("hidden"))
	assert.Equal(t, "CubaLIF", g.Node("hidden").Type)

	stderr.Reset()
	refused := filepath.Join(t.TempDir(), "r.nir")
	assert.Equal(t, exitModel, run([]string{"export", "-o", refused, "../../examples/oja.snn"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "examples/oja.snn:34:5: error: cannot export to NIR: on post in synapse OjaSynapse")
	_, err = os.Stat(refused)
	assert.True(t, os.IsNotExist(err), "a refused model writes no file")

	stderr.Reset()
	assert.Equal(t, exitUsage, run([]string{"export", "../../examples/nir_lif.snn"}, &stdout, &stderr), "-o is required")
	stderr.Reset()
	stdout.Reset()
	assert.Equal(t, exitOK, run([]string{"export", "--help"}, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "Refused") // help asked for is on stdout
}
