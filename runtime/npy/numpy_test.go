package npy

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const python = "/usr/bin/python3"

// needNumpy skips the test unless numpy can be imported: it is the
// reference, but not every machine that runs the tests has it.
func needNumpy(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skip("numpy is not importable by " + python)
	}
}

func runPython(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("python: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	return out
}

// numpy loads what we write, with the dtype, shape and values we meant,
// and writes the very same bytes for the same array.
func TestNumpyLoadsOurFiles(t *testing.T) {
	needNumpy(t)
	dir := t.TempDir()
	type file struct {
		Name   string
		Dtype  string
		Shape  []int
		Values []float64
	}
	var files []file
	for _, shape := range shapes {
		n := count(shape)
		f, i32, i64, vals := make([]float64, n), make([]int32, n), make([]int64, n), make([]float64, n)
		for i := range n {
			f[i] = float64(i)/8 - 1
			i32[i] = int32(i*3 - 7)
			i64[i] = int64(i) * (1 << 50)
			vals[i] = float64(i*3 - 7)
		}
		i64vals := make([]float64, n)
		for i, v := range i64 {
			i64vals[i] = float64(v)
		}
		base := strings.NewReplacer("(", "", ")", "", ", ", "x", ",", "").Replace(shapeRepr(shape))
		name := "f8_" + base + ".npy"
		require.NoError(t, WriteFloat64File(filepath.Join(dir, name), shape, f))
		files = append(files, file{name, "float64", shape, f})
		name = "i4_" + base + ".npy"
		require.NoError(t, WriteInt32File(filepath.Join(dir, name), shape, i32))
		files = append(files, file{name, "int32", shape, vals})
		name = "i8_" + base + ".npy"
		require.NoError(t, WriteInt64File(filepath.Join(dir, name), shape, i64))
		files = append(files, file{name, "int64", shape, i64vals})
	}
	script := `
import io, json, os, sys
import numpy as np
d = sys.argv[1]
out = {}
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    a = np.load(path)
    b = io.BytesIO()
    np.save(b, a)
    same = open(path, 'rb').read() == b.getvalue()
    out[name] = dict(dtype=str(a.dtype), shape=list(a.shape), values=[float(x) for x in a.ravel()], same=same)
json.dump(out, sys.stdout)
`
	var got map[string]struct {
		Dtype  string
		Shape  []int
		Values []float64
		Same   bool
	}
	require.NoError(t, json.Unmarshal(runPython(t, script, dir), &got))
	require.Len(t, got, len(files))
	for _, f := range files {
		g := got[f.Name]
		require.Equal(t, f.Dtype, g.Dtype, f.Name)
		require.Equal(t, f.Shape, append([]int{}, g.Shape...), f.Name)
		require.Equal(t, f.Values, append([]float64{}, g.Values...), f.Name)
		require.True(t, g.Same, "%s: numpy.save writes other bytes", f.Name)
	}
}

// We read what numpy writes, in every dtype, byte order, layout and
// format version we accept.
func TestReadNumpyFiles(t *testing.T) {
	needNumpy(t)
	dir := t.TempDir()
	script := `
import json, os, sys
import numpy as np
from numpy.lib import format as fmt
d = sys.argv[1]
base = np.arange(24).reshape(2, 3, 4) * 3 - 30
out = {}
n = 0
for dt in ['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']:
    for order in '<>':
        for version in [(1, 0), (2, 0), (3, 0)]:
            for shape in [(24,), (4, 6), (2, 3, 4), (0,), (0, 5), ()]:
                for fortran in [False, True]:
                    a = base.ravel()[:int(np.prod(shape))].reshape(shape)
                    if dt[0] == 'u':
                        a = np.abs(a)
                    if dt[0] == 'f':
                        a = a / 8
                    a = a.astype(np.dtype(dt).newbyteorder(order))
                    if fortran:
                        a = np.asfortranarray(a)
                    name = '%d.npy' % n
                    n += 1
                    with open(os.path.join(d, name), 'wb') as f:
                        fmt.write_array(f, a, version=version)
                    out[name] = dict(what='%s%s v%s %s %s' % (order, dt, version, shape, 'F' if fortran else 'C'),
                                     shape=list(a.shape), values=[float(x) for x in a.ravel(order='C')])
json.dump(out, sys.stdout)
`
	var want map[string]struct {
		What   string
		Shape  []int
		Values []float64
	}
	require.NoError(t, json.Unmarshal(runPython(t, script, dir), &want))
	require.NotEmpty(t, want)
	for name, w := range want {
		a, err := ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, w.What)
		require.Equal(t, append([]int{}, w.Shape...), a.Shape, w.What)
		require.Equal(t, append([]float64{}, w.Values...), a.Data, w.What)
	}
}
