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

// A kernel in fixed point is an error the backend names, not wrong code.
func TestFixedPointIsAnError(t *testing.T) {
	m, err := ir.Parse(`module "f.snn"
run dt=0.0001 duration=0.01 steps=100 seed=1

population p : N[1] {
  state v : fx16.8
  kernel update {
  b0:
    %0 = load v : fx16.8
    %1 = const 0.5 : fx16.8
    %2 = add %0, %1 : fx16.8
    store v, %2
    ret
  }
}
`)
	require.NoError(t, err)
	_, err = Emit(m, Options{})
	require.ErrorContains(t, err, "fixed point (fx16.8) is not supported by the LLVM backend yet")
}
