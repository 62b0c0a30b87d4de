package ir

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// tagLib is a Math whose every function returns its own tag, so a test
// sees which function an op was computed with.
type tagLib struct{}

func (tagLib) Exp(float64) float64      { return 101 }
func (tagLib) Log(float64) float64      { return 102 }
func (tagLib) Log10(float64) float64    { return 103 }
func (tagLib) Sin(float64) float64      { return 104 }
func (tagLib) Cos(float64) float64      { return 105 }
func (tagLib) Tanh(float64) float64     { return 106 }
func (tagLib) Pow(_, _ float64) float64 { return 107 }
func (tagLib) Min(_, _ float64) float64 { return 108 }
func (tagLib) Max(_, _ float64) float64 { return 109 }
func (tagLib) Sign(float64) float64     { return 110 }
func (tagLib) Exprel(float64) float64   { return 111 }

// TestArith: every op whose result is its operands' type is computed,
// the transcendental ones and min, max and sign by the library handed in
// and never by Go's math package, the others as IEEE 754 rounds them;
// every other op is refused.
func TestArith(t *testing.T) {
	fromLib := map[Op]float64{OpExp: 101, OpLog: 102, OpLog10: 103, OpSin: 104, OpCos: 105, OpTanh: 106,
		OpPow: 107, OpMin: 108, OpMax: 109, OpSign: 110, OpExprel: 111}
	x, y := 7.5, -2.0
	ieee := map[Op]float64{OpNeg: -7.5, OpAdd: 5.5, OpSub: 9.5, OpMul: -15, OpDiv: -3.75, OpRem: 1.5,
		OpSqrt: math.Sqrt(7.5), OpAbs: 7.5, OpFloor: 7, OpCeil: 8}
	for _, op := range Ops() {
		r, ok := Arith(tagLib{}, op, x, y)
		if op.Info().Result != resSame {
			assert.False(t, ok, "%s is not arithmetic", op)
			continue
		}
		if !assert.True(t, ok, "%s", op) {
			continue
		}
		if want, ok := fromLib[op]; ok {
			assert.Equal(t, want, r, "%s comes from the library", op)
		} else {
			assert.Equal(t, ieee[op], r, "%s", op)
		}
	}
	// The sign of a remainder is x's (C's fmod), -0 included.
	r, _ := Arith(tagLib{}, OpRem, -4, 2)
	assert.True(t, r == 0 && math.Signbit(r))
}

func TestCompare(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		op   Op
		x, y float64
		want bool
	}{{OpLt, 1, 2, true}, {OpLe, 2, 2, true}, {OpGt, 1, 2, false}, {OpGe, nan, 1, false},
		{OpEq, 0, math.Copysign(0, -1), true}, {OpNe, nan, nan, true}, {OpLt, nan, 1, false}} {
		r, ok := Compare(c.op, c.x, c.y)
		assert.True(t, ok)
		assert.Equal(t, c.want, r, "%s %v %v", c.op, c.x, c.y)
	}
	_, ok := Compare(OpAdd, 1, 2)
	assert.False(t, ok)
}
