package tests

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"snnc/passes"
)

// goldenOrder is the order of the sections of a golden archive; each test
// owns some of them and leaves the others alone.
var goldenOrder = func() []string {
	order := []string{"out/ir.lower"}
	for _, p := range passes.Table {
		order = append(order, "out/pass."+p.Name)
	}
	return append(order, "out/ir", "out/ir.int16", "out/widths.fixed", "out/spikes.interp")
}()

// checkGolden compares sections of tests/golden/NAME.txtar with what the
// compiler gives now; with -update it rewrites those sections and keeps
// the others.
func checkGolden(t *testing.T, name string, got []txtar.File) {
	t.Helper()
	path := filepath.Join("golden", name+".txtar")
	data, err := os.ReadFile(path)
	if err != nil && !(*update && os.IsNotExist(err)) {
		require.NoError(t, err, "run go test ./tests -update to create it")
	}
	ar := txtar.Parse(data)
	if *update {
		for _, f := range got {
			if n := slices.IndexFunc(ar.Files, func(x txtar.File) bool { return x.Name == f.Name }); n >= 0 {
				ar.Files[n] = f
			} else {
				ar.Files = append(ar.Files, f)
			}
		}
		slices.SortStableFunc(ar.Files, func(a, b txtar.File) int {
			return slices.Index(goldenOrder, a.Name) - slices.Index(goldenOrder, b.Name)
		})
		ar.Comment = []byte(fmt.Sprintf("The golden outputs of examples/%s.snn: its IR after lowering, what each\npass changed, its IR after all passes and quantized to 16 bits, the widths\n--quantize=fixed chooses, and its recordings. go test ./tests -update rewrites this file.\n", name))
		require.NoError(t, os.WriteFile(path, txtar.Format(ar), 0o644))
		return
	}
	for _, f := range got {
		n := slices.IndexFunc(ar.Files, func(x txtar.File) bool { return x.Name == f.Name })
		if n < 0 {
			t.Errorf("%s has no section %s; run go test ./tests -update to add it", path, f.Name)
			continue
		}
		if want := ar.Files[n].Data; !bytes.Equal(want, f.Data) {
			t.Errorf("%s: %s differs from the compiler's output; if the change is intended, run go test ./tests -update and review the diff\n%s",
				path, f.Name, firstDiff(string(want), string(f.Data)))
		}
	}
}
