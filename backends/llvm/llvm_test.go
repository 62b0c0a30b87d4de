package llvm

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
	"snnc/lang"
	"snnc/passes"
)

func compileFile(t *testing.T, path string) *ir.Module {
	t.Helper()
	prog, err := lang.LoadFile(path)
	require.NoError(t, err)
	m := lang.Lower(prog)
	require.NoError(t, passes.Run(m, passes.Options{Verify: true}))
	return m
}

// The IR emitted for every example passes LLVM's verifier.
func TestEmitVerifies(t *testing.T) {
	if _, err := exec.LookPath("opt"); err != nil {
		t.Skip("opt is not installed (Debian: llvm)")
	}
	files, err := filepath.Glob("../../examples/*.snn")
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m := compileFile(t, f)
			p, err := Emit(m, Options{})
			require.NoError(t, err)
			ll := filepath.Join(t.TempDir(), "k.ll")
			require.NoError(t, os.WriteFile(ll, []byte(p.LL), 0o644))
			out, err := exec.Command("opt", "-passes=verify", "-disable-output", ll).CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
}
