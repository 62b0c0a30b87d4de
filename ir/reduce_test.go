package ir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// reduceModule is a global reducing over a population and a projection;
// SOURCE and VAR replace the population's reduction.
const reduceModule = `module "r.snn"
run dt=0.0001 duration=0.001 steps=10 seed=1

global g : global[1] {
  state r : f64
  state mean.p.v : f64 reduce mean SOURCE VAR
  state sum.pp.w : f64 reduce sum pp w
}

population p : N[3] {
  state v : f64
}

projection pp : p -> p using S by all_to_all autapses=true {
  state w : f64
}
`

// TestReduceLinks: Link resolves a reduction's source and variable, and
// the verifier refuses one whose source or variable is not in the module.
func TestReduceLinks(t *testing.T) {
	parse := func(source, name string) *Module {
		m, err := Parse(replaceAll(reduceModule, "SOURCE", source, "VAR", name))
		require.NoError(t, err)
		return m
	}
	m := parse("p", "v")
	require.NoError(t, Verify(m))
	var got []string
	m.Reductions(func(g *Population, v *Var) {
		require.Equal(t, "g", g.Name)
		require.NotNil(t, v.Reduce.From)
		got = append(got, v.Name+" <- "+v.Reduce.Node.NodeName()+"."+v.Reduce.From.Name)
	})
	require.Equal(t, []string{"mean.p.v <- p.v", "sum.pp.w <- pp.w"}, got)
	require.Equal(t, replaceAll(reduceModule, "SOURCE", "p", "VAR", "v"), m.String())

	require.ErrorContains(t, Verify(parse("q", "v")), "reduces over q, which is neither a population nor a projection")
	require.ErrorContains(t, Verify(parse("p", "u")), "reduces over p.u, which is not a variable")
	require.ErrorContains(t, Verify(parse("g", "r")), "reduces over g, which is neither")
}

func replaceAll(s string, oldnew ...string) string {
	for i := 0; i < len(oldnew); i += 2 {
		s = strings.ReplaceAll(s, oldnew[i], oldnew[i+1])
	}
	return s
}
