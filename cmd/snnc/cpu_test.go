package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/backends/llvm"
)

// --cpu reaches llc's -mcpu and cc's -march (the commands -v prints), the
// executable states it in --version, and what it records is the
// interpreter's bytes; an unknown processor is refused in one line, and
// --cpu on the interpreter too.
func TestCPUFlag(t *testing.T) {
	if len(llvm.MissingTools()) > 0 {
		t.Skip("the native target's tools are not installed")
	}
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	lif := "../../examples/lif_current.snn"
	exe := filepath.Join(dir, "lif")
	var stdout, stderr bytes.Buffer
	require.Equal(t, exitOK, run([]string{"build", "-v", "--cpu", "x86-64-v2", "-o", exe, lif}, &stdout, &stderr), stderr.String())
	var llc, cc bool
	for _, line := range strings.Split(stderr.String(), "\n") {
		llc = llc || strings.HasPrefix(line, "llc ") && strings.Contains(line, " -mcpu=x86-64-v2 ")
		cc = cc || strings.HasPrefix(line, "cc ") && strings.Contains(line, " -march=x86-64-v2 ") && strings.Contains(line, "model.c")
		assert.NotContains(t, line, "native", "a command for another processor: %s", line)
	}
	assert.True(t, llc, "llc -mcpu=x86-64-v2 in:\n%s", stderr.String())
	assert.True(t, cc, "cc -march=x86-64-v2 in:\n%s", stderr.String())
	out, err := exec.Command(exe, "--version").Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "\ntarget CPU: x86-64-v2\n")
	assert.True(t, strings.HasPrefix(string(out), "lif: the model "+lif+"\nsnnc "), "%s", out)

	args := []string{"--duration", "20ms", "-q", lif}
	require.Equal(t, exitOK, run(append([]string{"run", "--out", filepath.Join(dir, "interp")}, args...), &stdout, &stderr), stderr.String())
	require.Equal(t, exitOK, run(append([]string{"run", "--target=llvm", "--cpu", "x86-64-v3", "--out", filepath.Join(dir, "v3")}, args...), &stdout, &stderr), stderr.String())
	for _, f := range []string{"cell_spikes.t.npy", "cell_spikes.i.npy", "cell_v.npy", "state/cell.v.npy"} {
		a, err := os.ReadFile(filepath.Join(dir, "interp", f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir, "v3", f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b), "%s differs", f)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "--cpu", "pentium9", lif}, "snnc build: --cpu pentium9: llc does not know this processor"},
		{[]string{"run", "--target=llvm", "--cpu", "pentium9", lif}, "snnc run: --cpu pentium9: llc does not know this processor"},
		{[]string{"run", "--cpu", "x86-64-v3", lif}, "snnc run: --cpu x86-64-v3: only --target=llvm builds for a processor\n"},
	} {
		stderr.Reset()
		assert.Equal(t, exitUsage, run(c.args, &stdout, &stderr), "%v", c.args)
		assert.True(t, strings.HasPrefix(stderr.String(), c.want), "%v: %s", c.args, stderr.String())
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %s", stderr.String())
	}
}

// The cache keys a build by its processor: one model built for two has
// two keys.
func TestCPUInCacheKey(t *testing.T) {
	prog, status := load("../../examples/lif_current.snn", &bytes.Buffer{})
	require.Equal(t, exitOK, status)
	po, err := (&pipelineFlags{}).options(&bytes.Buffer{})
	require.NoError(t, err)
	m, status := compileProgram(prog, po, &bytes.Buffer{})
	require.Equal(t, exitOK, status)
	keys := map[string]string{}
	for _, cpu := range []string{"native", "x86-64-v2", "x86-64-v3"} {
		o := driver.LLVMOptions(prog)
		o.CPU = cpu
		p, err := llvm.Emit(m, o)
		require.NoError(t, err)
		keys[llvm.Key(p)] = cpu
	}
	assert.Len(t, keys, 3)
}
