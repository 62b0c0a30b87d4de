package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const header = "module \"t.snn\"\nrun dt=0.0001 duration=1.0 steps=10000 seed=1\n\npopulation p : N[2] {\n  param tau : f64 = 0.02\n  state v : f64\n"

func mod(kernel string) string { return header + kernel + "}\n" }

func TestRoundTripWithLoop(t *testing.T) {
	src := mod(`  kernel update {
    note "a note"
  b0:
    %0 = const 4.0 : f64
    %1 = const 0.0 : f64
    br b1(%1, %1)
  b1(%2: f64, %3: f64):
    %4 = lt %2, %0 : bool
    condbr %4, b2(), b3()
  b2:
    %5 = load v : f64
    %6 = add %3, %5 : f64
    %7 = const 1.0 : f64
    %8 = add %2, %7 : f64
    br b1(%8, %6)
  b3:
    %9 = rand normal stream=7 %3, %0 : f64
    store v, %9
    ret
  }
`)
	m, err := Parse(src)
	require.NoError(t, err)
	require.NoError(t, Verify(m))
	assert.Equal(t, src, m.String())
}

// TestVerifierFindsErrors: each broken kernel gets a message naming the
// kernel, the block and the instruction.
func TestVerifierFindsErrors(t *testing.T) {
	cases := []struct{ name, kernel, want string }{
		{"undefined variable", "  kernel update {\n  b0:\n    %0 = load w : f64\n    ret\n  }\n", "p.update b0: %0 = load w : f64: no state variable w"},
		{"type mismatch", "  kernel update {\n  b0:\n    %0 = load v : f64\n    %1 = const true : bool\n    %2 = add %0, %1 : f64\n    ret\n  }\n", "operand %1 is bool, the result f64"},
		{"store to a parameter", "  kernel update {\n  b0:\n    %0 = const 1.0 : f64\n    store tau, %0\n    ret\n  }\n", "no state variable tau"},
		{"threshold result", "  kernel threshold : bool {\n  b0:\n    %0 = load v : f64\n    ret %0\n  }\n", "kernel threshold returns bool"},
		{"branch arguments", "  kernel update {\n  b0:\n    br b1()\n  b1(%0: f64):\n    ret\n  }\n", "b1 takes 1 arguments, not 0"},
		{"dominance", "  kernel update {\n  b0:\n    %0 = const true : bool\n    condbr %0, b1(), b2()\n  b1:\n    %1 = load v : f64\n    br b2()\n  b2:\n    store v, %1\n    ret\n  }\n", "operand %1 does not dominate its use"},
		{"ode on a parameter", "  kernel update {\n  b0:\n    %0 = const 1.0 : f64\n    ode tau, %0\n    ret\n  }\n", "ode for a variable that is not a state variable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(mod(c.kernel))
			require.NoError(t, err)
			err = Verify(m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestVerifierMissingTerminator(t *testing.T) {
	k, b := NewKernel("update", TVoid)
	b.Store("v", b.Const(1))
	m, err := Parse(mod(""))
	require.NoError(t, err)
	m.Populations[0].Kernels = append(m.Populations[0].Kernels, k)
	err = Verify(m)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "block does not end with a terminator")
}

func TestFormatFloat(t *testing.T) {
	for _, v := range []float64{0, 1, -0.05, 1e-300, 0.1 + 0.2, 3200, 1e21} {
		back, err := parseFloat(FormatFloat(v))
		require.NoError(t, err)
		assert.Equal(t, v, back)
	}
	assert.Equal(t, "3200.0", FormatFloat(3200))
}
