package passes

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"snnc/ir"
)

// evalKernel runs a straight-line-or-looping kernel of arithmetic on one
// element, with the given parameter values, and returns what it stores.
// It covers the ops the prepare kernel uses; it is a test oracle, not the
// interpreter.
func evalKernel(t *testing.T, k *ir.Kernel, params map[string]float64) map[string]float64 {
	t.Helper()
	vals := map[ir.Value]float64{}
	stores := map[string]float64{}
	b := k.Blocks[0]
	for steps := 0; steps < 1_000_000; steps++ {
		for _, in := range b.Instrs {
			arg := func(i int) float64 { return vals[in.Args[i]] }
			var v float64
			switch in.Op {
			case ir.OpConst:
				if c, ok := in.Const(); ok {
					v = c
				} else if in.Aux.(bool) {
					v = 1
				}
			case ir.OpParam, ir.OpLoad:
				p, ok := params[in.VarName()]
				require.True(t, ok, "parameter %s", in.VarName())
				v = p
			case ir.OpAdd:
				v = arg(0) + arg(1)
			case ir.OpSub:
				v = arg(0) - arg(1)
			case ir.OpMul:
				v = arg(0) * arg(1)
			case ir.OpDiv:
				v = arg(0) / arg(1)
			case ir.OpNeg:
				v = -arg(0)
			case ir.OpAbs:
				v = math.Abs(arg(0))
			case ir.OpMax:
				v = math.Max(arg(0), arg(1))
			case ir.OpMin:
				v = math.Min(arg(0), arg(1))
			case ir.OpLog:
				v = math.Log(arg(0))
			case ir.OpExp:
				v = math.Exp(arg(0))
			case ir.OpEq:
				if arg(0) == arg(1) {
					v = 1
				}
			case ir.OpGt:
				if arg(0) > arg(1) {
					v = 1
				}
			case ir.OpSelect:
				v = arg(2)
				if arg(0) != 0 {
					v = arg(1)
				}
			case ir.OpCeil:
				v = math.Ceil(arg(0))
			case ir.OpPow:
				v = math.Pow(arg(0), arg(1))
			case ir.OpLt:
				if arg(0) < arg(1) {
					v = 1
				}
			case ir.OpStore:
				stores[in.VarName()] = arg(0)
				continue
			case ir.OpRet:
				return stores
			case ir.OpBr, ir.OpCondBr:
				tg := in.Targets[0]
				if in.Op == ir.OpCondBr && vals[in.Args[0]] == 0 {
					tg = in.Targets[1]
				}
				next := make([]float64, len(tg.Args))
				for i, a := range tg.Args {
					next[i] = vals[a]
				}
				for i, p := range tg.Block.Params {
					vals[p] = next[i]
				}
				b = tg.Block
			default:
				t.Fatalf("evalKernel: op %s", in.Op)
			}
			if in.Op == ir.OpBr || in.Op == ir.OpCondBr {
				break
			}
			vals[in] = v
		}
	}
	t.Fatal("evalKernel: no ret")
	return nil
}

// TestSymbolicPropagator: a coupled system whose membrane time constant is
// a runtime parameter gets a prepare kernel; run with several values of
// tau_m, equal to the synaptic one included (a repeated eigenvalue), it
// yields the matrix exponential that gonum computes for those numbers.
// (This system is well scaled, so gonum is accurate here;
// TestSymbolicRandom checks badly scaled ones against math/big.)
func TestSymbolicPropagator(t *testing.T) {
	src := `module "t.snn"
run dt=0.0001 duration=1.0 steps=10000 seed=1

population p : N[1] {
  runtime param tau_m : f64 = 0.02
  param e_l : f64 = -0.049
  state v : f64
  state ge : f64
  kernel update {
  b0:
    %0 = load v : f64
    %1 = load ge : f64
    %2 = param e_l : f64
    %3 = sub %0, %2 : f64
    %4 = sub %1, %3 : f64
    %5 = param tau_m : f64
    %6 = div %4, %5 : f64
    ode v, %6 method=exact
    %7 = neg %1 : f64
    %8 = const 0.005 : f64
    %9 = div %7, %8 : f64
    ode ge, %9 method=exact
    ret
  }
}
`
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, Discretize(m))
	require.NoError(t, ir.Verify(m))
	prepare := ir.KernelNamed(m.Populations[0].Kernels, "prepare")
	require.NotNil(t, prepare, "%s", m)
	const dt, tauE, el = 1e-4, 0.005, -0.049
	for _, tauM := range []float64{0.02, 0.005, 1e-4, 3.7} {
		t.Run(fmt.Sprint(tauM), func(t *testing.T) {
			got := evalKernel(t, prepare, map[string]float64{"tau_m": tauM, "e_l": el})
			// The same system numerically: x' = A x + [e_l/tau_m, 0] with the
			// rest as an input column.
			a := mat.NewDense(3, 3, []float64{
				-dt / tauM, dt / tauM, dt,
				0, -dt / tauE, 0,
				0, 0, 0,
			})
			var e mat.Dense
			e.Exp(a)
			want := map[string]float64{
				"decay.v.v": e.At(0, 0), "decay.v.ge": e.At(0, 1), "decay.v.in.v": e.At(0, 2),
				"decay.ge.ge": e.At(1, 1),
			}
			require.Len(t, got, len(want), "%v", got)
			for name, w := range want {
				assert.InEpsilon(t, w, got[name], 1e-13, "%s", name)
			}
		})
	}
}
