package difftest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/backends/driver"
	"snnc/passes"
)

// TestGeneratedModelsAreValid: every model of the first 100 seeds passes
// the checker and the passes (a refusal is a generator bug unless the
// refusal itself is wrong), and the same seed gives the same files.
func TestGeneratedModelsAreValid(t *testing.T) {
	dir := t.TempDir()
	kinds := map[string]int{}
	for seed := uint64(1); seed <= 100; seed++ {
		m := Generate(seed)
		require.Equal(t, m, Generate(seed), "seed %d: two generations differ", seed)
		path, err := m.Write(dir)
		require.NoError(t, err)
		_, _, err = driver.CompileFile(path, driver.Options{Options: passes.Options{Verify: true}})
		require.NoError(t, err, "seed %d:\n%s", seed, m.Files[m.Name])
		probes, err := ParseProbes(m.Files[m.Name])
		require.NoError(t, err)
		require.Equal(t, m.Probes, probes, "seed %d: the probes written into the model", seed)
		for _, p := range probes {
			kinds[p.Kind]++
		}
	}
	fmt.Println("probes by kind:", kinds)
	for _, k := range []string{"plain", "scaled", "compartments"} {
		require.Greater(t, kinds[k], 5, "probes of kind %s", k)
	}
}
