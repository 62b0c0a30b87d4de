package llvm

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// A projection's pre array is made only where one of its kernels reads a
// synapse's pre neuron (snn_projection.needs_pre): connectivity's c3 and
// dendrites' ctx compute a synapse's weight or segment from i, the others
// of those examples and every projection of CUBA only add to the post
// side. (A flag of 0 where a kernel reads i would dereference a null
// array: the conformance tests run every example natively.)
func TestNeedsPre(t *testing.T) {
	re := regexp.MustCompile(`"projection ([^"]+)", ([01])[,}]`)
	for file, want := range map[string]map[string]string{
		"cuba.snn":         {"ee": "0", "ei": "0", "ie": "0", "ii": "0", "ee_ei": "0", "ie_ii": "0"},
		"connectivity.snn": {"c1": "0", "c2": "0", "c3": "1", "c4": "0", "c5": "0", "c6": "0"},
		"dendrites.snn":    {"ff": "0", "ctx": "1"},
	} {
		t.Run(file, func(t *testing.T) {
			p, err := Emit(compileFile(t, filepath.Join("../../examples", file)), Options{})
			require.NoError(t, err)
			got := map[string]string{}
			for _, m := range re.FindAllStringSubmatch(p.ModelC, -1) {
				got[m[1]] = m[2]
			}
			require.Equal(t, want, got)
		})
	}
}
