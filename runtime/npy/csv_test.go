package npy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadCSV(t *testing.T) {
	cases := []struct {
		name, in string
		shape    []int
		data     []float64
	}{
		{"plain", "0,1\n2,3\n", []int{2, 2}, []float64{0, 1, 2, 3}},
		{"no final newline", "0,1\n2,3", []int{2, 2}, []float64{0, 1, 2, 3}},
		{"spaces", "  0 ,\t1.5\n2,   -3e-3  \n", []int{2, 2}, []float64{0, 1.5, 2, -3e-3}},
		{"crlf", "pre,post\r\n0,1\r\n2,3\r\n", []int{2, 2}, []float64{0, 1, 2, 3}},
		{"bom", "\uFEFFtime,rate\n0,5\n", []int{1, 2}, []float64{0, 5}},
		{"comments", "# spikes\n\n  # index, time\n3,0.001\n\n#x\n4,0.002\n\n", []int{2, 2}, []float64{3, 0.001, 4, 0.002}},
		{"header", "index, time\n3,0.25\n", []int{1, 2}, []float64{3, 0.25}},
		{"header after comment", "# made by hand\n\ntime,rate,,\n0,1,2,3\n", []int{1, 4}, []float64{0, 1, 2, 3}},
		{"one column", "5\n6\n7\n", []int{3, 1}, []float64{5, 6, 7}},
		{"signs and forms", "+1,.5,1E2,-0\n", []int{1, 4}, []float64{1, 0.5, 100, 0}},
		{"header only", "pre,post\n", []int{0, 2}, []float64{}},
		{"empty", "", []int{0, 0}, []float64{}},
		{"comments only", "# nothing\n\n", []int{0, 0}, []float64{}},
	}
	for _, c := range cases {
		a, err := ReadCSV(strings.NewReader(c.in), c.name)
		require.NoError(t, err, c.name)
		require.Equal(t, c.shape, a.Shape, c.name)
		require.Equal(t, c.data, a.Data, c.name)
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0,1\n2,3\n# c\n\n4,5\n6, 1.5x\n", `data/pairs.csv:6:4: "1.5x" is not a number`},
		{"0,1\n2,3\n4,5,6\n", "data/pairs.csv:3:1: row has 3 columns, the first row has 2"},
		{"pre,post\n1\n", "data/pairs.csv:2:1: row has 1 columns, the header row has 2"},
		{"1,2\n3,\n", "data/pairs.csv:2:3: empty field"},
		{"1,2\n,3\n", "data/pairs.csv:2:1: empty field"},
		{"1,2,\n", "data/pairs.csv:1:5: empty field"},
		// Only a row with no number in it is a header.
		{"time,1\n", `data/pairs.csv:1:1: "time" is not a number`},
		// Only the first row can be a header.
		{"0,1\npre,post\n", `data/pairs.csv:2:1: "pre" is not a number`},
		{"a,b\nc,d\n", `data/pairs.csv:2:1: "c" is not a number`},
		{"1, nan\n", `data/pairs.csv:1:4: "nan" is not finite; data files for a simulation must hold finite numbers`},
		{"1,-Inf\n", `data/pairs.csv:1:3: "-Inf" is not finite`},
		{"1e999\n", `data/pairs.csv:1:1: "1e999" is out of the range of float64`},
		{`"a","b"` + "\n" + `"1","2"` + "\n", `data/pairs.csv:2:1: "\"1\"" is not a number`},
		{"1;2\n3;4\n", `data/pairs.csv:2:1: "3;4" is not a number; fields must be separated by commas`},
		{"1 2\n3 4\n", `data/pairs.csv:2:1: "3 4" is not a number; fields must be separated by commas`},
	}
	for _, c := range cases {
		_, err := ReadCSV(strings.NewReader(c.in), "data/pairs.csv")
		require.ErrorContains(t, err, c.want, "%q", c.in)
	}
}

func TestReadCSVLongLine(t *testing.T) {
	n := 50000 // well past the reader's buffer
	row := strings.Repeat("1.25,", n-1) + "1.25"
	a, err := ReadCSV(strings.NewReader(row+"\n"+row+"\n"), "long")
	require.NoError(t, err)
	require.Equal(t, []int{2, n}, a.Shape)
	require.Len(t, a.Data, 2*n)
	require.Equal(t, 1.25, a.Data[2*n-1])

	_, err = ReadCSV(strings.NewReader(row+"\n"+row+",x\n"), "long")
	require.ErrorContains(t, err, "long:2:1: row has 50001 columns, the first row has 50000")
}

func TestReadCSVFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rates.csv")
	require.NoError(t, os.WriteFile(path, []byte("t,rate\n0,10\n0.1,x\n"), 0o644))
	_, err := ReadCSVFile(path)
	require.EqualError(t, err, path+`:3:5: "x" is not a number`)

	require.NoError(t, os.WriteFile(path, []byte("t,rate\n0,10\n0.1,20\n"), 0o644))
	a, err := ReadCSVFile(path)
	require.NoError(t, err)
	require.Equal(t, []int{2, 2}, a.Shape)
	require.Equal(t, []float64{0, 10, 0.1, 20}, a.Data)

	_, err = ReadCSVFile(filepath.Join(t.TempDir(), "missing.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func FuzzReadCSV(f *testing.F) {
	f.Add("a,b\n0,1\n2,3\n")
	f.Add("# c\n\n1, 2 ,3\r\n4,5\n")
	f.Add(",\n,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ReadCSV(strings.NewReader(in), "fuzz")
		if err != nil {
			require.True(t, strings.HasPrefix(err.Error(), "fuzz:"), err.Error())
			return
		}
		require.Len(t, a.Shape, 2)
		require.Equal(t, a.Shape[0]*a.Shape[1], len(a.Data))
	})
}
