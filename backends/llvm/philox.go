package llvm

import (
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/value"

	ll "github.com/llir/llvm/ir"
)

// The random bits of a dithered conversion are runtime/rng's Philox4x32-10
// block of (seed, stream, step, element), emitted into the kernel as
// integer LLVM IR (32x32 -> 64-bit multiplies, shifts and xors) so that a
// loop that rounds by dither vectorises; runtime/c's snn_dither_bits is
// the same function, a call.

// Philox4x32-10's multipliers and Weyl key increments (runtime/rng).
const (
	philoxMul0  = 0xD2511F53
	philoxMul1  = 0xCD9E8D57
	philoxWeyl0 = 0x9E3779B9
	philoxWeyl1 = 0xBB67AE85
)

// philoxIR emits rng.Philox(c, k): ten rounds, each two products of 32-bit
// words as 64-bit numbers split into their halves. The key's words of
// each round depend on k alone, so opt hoists them out of a kernel's loop.
func philoxIR(b *ll.Block, c [4]value.Value, k [2]value.Value) [4]value.Value {
	mulHiLo := func(m int64, x value.Value) (hi, lo value.Value) {
		p := b.NewMul(b.NewZExt(x, i64), i64c(m))
		return b.NewTrunc(b.NewLShr(p, i64c(32)), i32), b.NewTrunc(p, i32)
	}
	for range 10 {
		hi0, lo0 := mulHiLo(philoxMul0, c[0])
		hi1, lo1 := mulHiLo(philoxMul1, c[2])
		c = [4]value.Value{b.NewXor(b.NewXor(hi1, c[1]), k[0]), lo1, b.NewXor(b.NewXor(hi0, c[3]), k[1]), lo0}
		k[0] = b.NewAdd(k[0], constant.NewInt(i32, philoxWeyl0))
		k[1] = b.NewAdd(k[1], constant.NewInt(i32, philoxWeyl1))
	}
	return c
}

// ditherBitsIR emits snn_dither_bits(seed, stream, n, index): the first
// two words of rng.Source.Block(stream, n, index) under the key seed, as
// one 64-bit number (the first word high), as the interpreter draws them.
func ditherBitsIR(b *ll.Block, seed, stream, n, index value.Value) value.Value {
	trunc := func(x value.Value) value.Value { return b.NewTrunc(x, i32) }
	c := [4]value.Value{
		trunc(index),
		b.NewOr(b.NewAnd(trunc(b.NewLShr(index, i64c(32))), constant.NewInt(i32, 0xFFFFFF)), trunc(b.NewShl(n, i64c(24)))),
		trunc(b.NewLShr(n, i64c(8))),
		stream,
	}
	k := [2]value.Value{trunc(seed), trunc(b.NewLShr(seed, i64c(32)))}
	w := philoxIR(b, c, k)
	return b.NewOr(b.NewShl(b.NewZExt(w[0], i64), i64c(32)), b.NewZExt(w[1], i64))
}
