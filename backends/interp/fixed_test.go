package interp

import (
	"testing"

	"github.com/stretchr/testify/require"

	"snnc/ir"
	"snnc/runtime/fixed"
	"snnc/runtime/rng"
)

// A neuron in fixed point, written as IR: v decays by a propagator held
// with more fraction bits than v, gains a drive, spikes above 1 and is
// reset. The interpreter's recording equals runtime/fixed's arithmetic
// done by hand, and is the real value of the raw numbers.
func TestFixedPointKernels(t *testing.T) {
	const src = `module "fixed.snn"
run dt=0.0001 duration=0.01 steps=100 seed=1

population p : N[3] {
  state v : fx16.8
  kernel init {
  b0:
    %0 = index i : f64
    %1 = const 0.37 : f64
    %2 = mul %0, %1 : f64
    %3 = convert %2 : fx16.8
    store v, %3
    ret
  }
  kernel update {
  b0:
    %0 = load v : fx16.8
    %1 = const 0.9950124791926823 : fx16.15
    %2 = mul %0, %1 : fx16.8
    %3 = const 0.0123 : fx16.14
    %4 = add %2, %3 : fx16.8
    store v, %4
    ret
  }
  kernel threshold : bool {
  b0:
    %0 = load v : fx16.8
    %1 = const 1.0 : fx8.4
    %2 = gt %0, %1 : bool
    ret %2
  }
  kernel reset {
  b0:
    %0 = const 0.0 : fx16.8
    store v, %0
    ret
  }
}

monitor p_spikes : spikes p
monitor p_v : state p.v every 1
`
	m, err := ir.Parse(src)
	require.NoError(t, err)
	require.NoError(t, ir.Verify(m))
	res, err := Run(m, Options{})
	require.NoError(t, err)

	fv, fd, fp, fth := fixed.Format{Width: 16, Frac: 8}, fixed.Format{Width: 16, Frac: 14}, fixed.Format{Width: 16, Frac: 15}, fixed.Format{Width: 8, Frac: 4}
	decay, drive, one := fp.FromFloat(0.9950124791926823), fd.FromFloat(0.0123), fth.FromFloat(1)
	v := make([]int64, 3)
	for i := range v {
		v[i] = fv.FromFloat(float64(i) * 0.37)
	}
	var want []float64
	spikes := 0
	for range 100 {
		for i := range v {
			want = append(want, fv.Float(v[i])) // sampled before the update
		}
		for i := range v {
			v[i] = fixed.Add(fixed.Mul(v[i], fv, decay, fp, fv), fv, drive, fd, fv)
			if fixed.Cmp(v[i], fv, one, fth) > 0 {
				v[i] = 0
				spikes++
			}
		}
	}
	require.Len(t, res.States, 1)
	require.Equal(t, want, res.States[0].Values)
	require.Equal(t, spikes, len(res.Spikes[0].Index))
	require.Positive(t, spikes)
}

// TestFixedOpsOfTheTable: the interpreter compiles every op the op table
// defines on fixed point (ir.OpInfo.Fixed), so an op given fixed-point
// semantics in the table without an implementation here fails. (The
// verifier refuses fixed point on the other ops before any backend sees
// them.)
func TestFixedOpsOfTheTable(t *testing.T) {
	fx, wide := ir.FixedType(16, 8), ir.FixedType(32, 30)
	param := func(t ir.Type) ir.Value { return &ir.BlockParam{Typ: t} }
	tested := 0
	for _, op := range ir.Ops() {
		info := op.Info()
		if info.Args < 0 || info.Terminator {
			continue
		}
		in := &ir.Instr{Op: op, Typ: fx}
		for range info.Args {
			in.Args = append(in.Args, param(wide))
		}
		switch op {
		case ir.OpConst:
			in.Aux = 0.5
		case ir.OpTraceDecay:
			in.Aux, in.Args[0] = 0.02, param(ir.TF64)
		case ir.OpLoadSeg, ir.OpStoreSeg:
			in.Args[0] = param(ir.TF64)
		case ir.OpSelect:
			in.Args[0] = param(ir.TBool)
		case ir.OpConvert:
			in.Aux = ir.Dither{Stream: 3}
		}
		switch op {
		case ir.OpStore, ir.OpStoreSeg:
			in.Typ = ir.TVoid
		case ir.OpLt, ir.OpLe, ir.OpGt, ir.OpGe, ir.OpEq, ir.OpNe:
			in.Typ = ir.TBool
		}
		_, err := fixedInstr(in, 0, func(n int) int { return n + 1 }, rng.New(1), 1e-4)
		if info.Fixed != "" {
			require.NoError(t, err, "%s is defined on fixed point", op)
			tested++
		}
	}
	require.Greater(t, tested, 20, "ops defined on fixed point")
}
