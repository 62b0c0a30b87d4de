package ir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyForm is a module in the canonical text form that uses every
// construct the printer writes: the run's quantize, module parameters,
// a global with an on_spike kernel and a reduction, a dendrite array, a group's part,
// inputs of each kind, projections with each rule and their attributes,
// a current, monitors with ranges, every and kernels, block parameters,
// both branches, and every op with an operand syntax of its own.
const everyForm = `module "every.snn"
run dt=0.0001 duration=0.01 steps=100 seed=3 quantize=16
note "a module note"
param w_e : f64 = 0.00162
runtime param drive : f64 = 1e-10 range -1e-09 1e-09

global g : global[1] {
  param tau_d : f64 = 0.2
  state d : f64
  state max.a.tau : f64 reduce max a tau
  kernel on_spike.src {
  b0:
    %0 = load d : f64
    %1 = const 1.0 : f64
    %2 = add %0, %1 : f64
    store d, %2
    ret
  }
}

population all : N[4] {
  state v : fx16.8
}

population a : N[2] part of all at 0 {
  param tau : f64 = 0.02
  param r : f64 per_element
  state v : fx16.8 quantize 16
  state u : f64
  dendrite distal[3] {
    state x : f64
    kernel update {
    b0:
      %0 = load x : f64
      ode x, %0 method=exact unless_refractory
      ret
    }
  }
  dendrite proximal {
    state y : f64
  }
  kernel step : bool {
    note "a kernel note"
  b0:
    %0 = const 0.0 : f64
    %1 = const 3.0 : f64
    br b1(%0)
  b1(%2: f64):
    %3 = lt %2, %1 : bool
    condbr %3, b2(), b3()
  b2:
    %4 = loadseg distal.x, %2 : f64
    %5 = neg %4 : f64
    storeseg distal.x, %2, %5
    %6 = const 1.0 : f64
    %7 = add %2, %6 : f64
    br b1(%7)
  b3:
    %8 = load v : fx16.8
    %9 = convert %8 : f64
    %10 = time : f64
    %11 = index i : f64
    %12 = refractory : bool
    %13 = rand uniform stream=4 %0, %6 : f64
    %14 = select %12, %13, %9 : f64
    %15 = convert %14 dither stream=2 : fx16.8
    store v, %15
    %16 = tracedecay %10, 0.02 : fx16.15
    %17 = gt %14, %11 : bool
    %18 = param tau : f64
    startref %17, %18
    ret %17
  }
}

input src : poisson[2] stream=1 rates=[5.0, 10.0] {
  kernel rate : f64 {
  b0:
    %0 = param drive : f64
    ret %0
  }
}

input clock : spikes[2] times=[(0, 0.001), (1, 0.002)]

input regular : periodic[1] period=0.005

input csv : spikes[3] file="data/in.csv"

input phased : poisson[2] rates=[5.0, 10.0, 1.0, 2.0] period=0.01 columns=2

projection ab : a -> a.distal using S by fixed_probability p=0.5 autapses=false stream=2 prune_var=w prune_below=0.001 {
  param w : f64 = 0.001
  state c : f64
  trace x_pre : f64 decay tau
  kernel on_pre {
  b0:
    %0 = param w : f64
    store post.v, %0
    ret
  }
}

projection connect_3_1 : src -> a using S by pairs [(0, 1), (1, 0)] label="connect at every.snn:3:1" {
}

projection k : a -> a using S by fixed_indegree k=1 autapses=true part of ab {
}

current bias -> a.tau {
  kernel value : f64 {
  b0:
    %0 = const 0.1 : f64
    ret %0
  }
}

monitor m1 : spikes a [0:1, 3:4]
monitor m2 : state g.d every 10 {
  kernel value : f64 {
  b0:
    %0 = load d : f64
    ret %0
  }
}
`

// Printing what Parse reads gives the text back, and reading that again
// gives the same module.
func TestParseRoundTrip(t *testing.T) {
	m, err := Parse(everyForm)
	require.NoError(t, err)
	printed := m.String()
	assert.Equal(t, everyForm, printed)
	again, err := Parse(printed)
	require.NoError(t, err)
	assert.Equal(t, printed, again.String())
}

// kernelAt wraps instructions in block b0 of a kernel update of the
// module header, so the first instruction is on line 9.
func kernelAt(instrs string) string {
	return mod("  kernel update {\n  b0:\n" + instrs + "  }\n")
}

// TestParseRefuses: each bad input is refused with the line it is on
// and what is wrong with it. The operand of tracedecay was once let
// through by a shadowed error, for the verifier to report as a missing
// operand.
func TestParseRefuses(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"tracedecay undefined operand", kernelAt("    %0 = tracedecay %9, 0.02 : fx16.15\n    ret\n"),
			`ir: line 9: %9 used before its definition (in "%0 = tracedecay %9 , 0.02 : fx16.15")`},
		{"add undefined operand", kernelAt("    %0 = const 1.0 : f64\n    %1 = add %0, %7 : f64\n    ret\n"),
			`ir: line 10: %7 used before its definition (in "%1 = add %0 , %7 : f64")`},
		{"store undefined operand", kernelAt("    store v, %3\n    ret\n"),
			`ir: line 9: %3 used before its definition (in "store v , %3")`},
		{"rand undefined operand", kernelAt("    %0 = rand uniform stream=1 %1, %2 : f64\n    ret\n"),
			`ir: line 9: %1 used before its definition (in "%0 = rand uniform stream = 1 %1 , %2 : f64")`},
		{"convert undefined operand", kernelAt("    %0 = convert %4 dither stream=2 : fx16.8\n    ret\n"),
			`ir: line 9: %4 used before its definition (in "%0 = convert %4 dither stream = 2 : fx16.8")`},
		{"branch argument undefined", kernelAt("    br b1(%5)\n  b1(%0: f64):\n    ret\n"),
			`ir: line 9: %5 used before its definition (in "br b1 ( %5 )")`},
		{"condbr condition undefined", kernelAt("    condbr %2, b1(), b1()\n  b1:\n    ret\n"),
			`ir: line 9: %2 used before its definition (in "condbr %2 , b1 ( ) , b1 ( )")`},
		{"ode operand undefined", kernelAt("    ode v, %1 method=exact\n    ret\n"),
			`ir: line 9: %1 used before its definition (in "ode v , %1 method = exact")`},
		{"add of one operand", kernelAt("    %0 = const 1.0 : f64\n    %1 = add %0 : f64\n    ret\n"),
			`ir: line 10: add takes 2 operands, not 1 (in "%1 = add %0 : f64")`},
		{"neg of two operands", kernelAt("    %0 = const 1.0 : f64\n    %1 = neg %0, %0 : f64\n    ret\n"),
			`ir: line 10: neg takes 1 operands, not 2 (in "%1 = neg %0 , %0 : f64")`},
		{"select of two operands", kernelAt("    %0 = const true : bool\n    %1 = select %0, %0 : bool\n    ret\n"),
			`ir: line 10: select takes 3 operands, not 2 (in "%1 = select %0 , %0 : bool")`},
		{"startref of one operand", kernelAt("    %0 = const true : bool\n    startref %0\n    ret\n"),
			`ir: line 10: startref takes 2 operands, not 1 (in "startref %0")`},
		{"const with an operand", kernelAt("    %0 = const 1.0 : f64\n    %1 = time %0 : f64\n    ret\n"),
			`ir: line 10: time takes 0 operands, not 1 (in "%1 = time %0 : f64")`},
		{"unknown op", kernelAt("    %0 = frob : f64\n    ret\n"),
			`ir: line 9: unknown op "frob" (in "%0 = frob : f64")`},
		{"unknown type", kernelAt("    %0 = const 1.0 : f65\n    ret\n"),
			`ir: line 9: unknown type "f65" (in "%0 = const 1.0 : f65")`},
		{"result without a type", kernelAt("    %0 = const 1.0\n    ret\n"),
			`ir: line 9: a result needs a type (in "%0 = const 1.0")`},
		{"bad block parameter type", kernelAt("    br b1()\n  b1(%0: f99):\n    ret\n"),
			`ir: line 10: unknown type "f99" (in "b1 ( %0 : f99 ) :")`},
		{"bad variable type", header + "  state u : i7\n}\n",
			`ir: line 7: unknown type "i7" (in "state u : i7")`},
		{"bad constant", kernelAt("    %0 = const 1.0.0 : f64\n    ret\n"),
			`ir: line 9: bad constant (in "%0 = const 1.0.0 : f64")`},
		{"bad time constant", kernelAt("    %0 = time : f64\n    %1 = tracedecay %0, tau : fx16.15\n    ret\n"),
			`ir: line 10: bad time constant (in "%1 = tracedecay %0 , tau : fx16.15")`},
		{"bad stream", kernelAt("    %0 = rand uniform stream=x : f64\n    ret\n"),
			`ir: line 9: bad stream (in "%0 = rand uniform stream = x : f64")`},
		{"defined twice", kernelAt("    %0 = time : f64\n    %0 = time : f64\n    ret\n"),
			`ir: line 10: %0 defined twice (in "%0 = time : f64")`},
		{"block defined twice", kernelAt("    br b1()\n  b1:\n    br b1()\n  b1:\n    ret\n"),
			`ir: line 12: block b1 defined twice (in "b1 :")`},
		{"branch to an undefined block", kernelAt("    br b9()\n"),
			`ir: line 10: kernel update branches to undefined block b9 (in "}")`},
		{"instruction outside a block", mod("  kernel update {\n    ret\n  }\n"),
			`ir: line 8: instruction outside a block (in "ret")`},
		{"kernel without blocks", mod("  kernel update {\n  }\n"),
			`ir: line 8: kernel without blocks (in "}")`},
		{"kernel without its brace", header + "  kernel update {\n  b0:\n    ret\n",
			`ir: line 7: kernel update has no closing }`},
		{"population without its brace", header + "  kernel update {\n  b0:\n    ret\n  }\n",
			`ir: line 4: population p has no closing }`},
		{"dendrite without its brace", header + "  dendrite distal[2] {\n    state x : f64\n",
			`ir: line 7: dendrite distal has no closing }`},
		{"kernel without a name", header + "  kernel\n}\n",
			`ir: line 7: bad kernel header (in "kernel")`},
		{"dendrite without a name", header + "  dendrite\n}\n",
			`ir: line 7: bad dendrite (in "dendrite")`},
		{"bad population", "population p : N {\n}\n",
			`ir: line 1: bad population (in "population p : N {")`},
		{"unexpected line", header + "}\nfrob\n",
			`ir: line 8: unexpected "frob" (in "frob")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.src)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

// TestVerifyColumns: a rates table of a column per source must have a
// column per source and whole rows, or the backends would read its rows
// across sources.
func TestVerifyColumns(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"input p : poisson[2] rates=[5.0, 10.0, 1.0, 2.0] period=0.01 columns=2", ""},
		{"input p : poisson[2] rates=[5.0, 10.0, 1.0] period=0.01 columns=2", "3 rates do not make rows of columns=2"},
		{"input p : poisson[3] rates=[5.0, 10.0, 1.0, 2.0] period=0.01 columns=2", "a rates table has a column per source (3)"},
	} {
		m, err := Parse("module \"m.snn\"\n\n" + c.line + "\n")
		require.NoError(t, err, c.line)
		if err := Verify(m); c.want == "" {
			require.NoError(t, err, c.line)
		} else {
			require.ErrorContains(t, err, c.want, c.line)
		}
	}
}
