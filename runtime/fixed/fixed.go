// Package fixed is snnc's fixed-point arithmetic: the one definition of
// every operation of a quantized model, which the interpreter, the native
// runtime and the FPGA datapath compute bit for bit (spec/passes.md,
// "Fixed-point arithmetic").
//
// A format has Width bits in two's complement, Frac of them after the
// binary point: the raw integer r stands for r / 2^Frac, and r lies in
// [-2^(Width-1), 2^(Width-1) - 1]. Widths are 2 to 32 bits, so that every
// exact intermediate (an aligned sum, a full product) fits in an int64.
//
// Every operation computes its exact result and then converts it to the
// result's format: rounding to nearest with ties away from zero, then
// saturating to the format's range. Nothing wraps around, and no
// operation has undefined cases: a division by zero saturates by the sign
// of the dividend (0/0 is 0).
package fixed

import (
	"fmt"
	"math"
	"math/bits"

	"snnc/runtime/mathfn"
)

// MaxWidth is the widest format and MaxFrac the most fraction bits: two
// aligned operands then differ by at most 31 bits of shift, and every
// exact sum and product fits in an int64.
const (
	MaxWidth = 32
	MaxFrac  = 31
)

// Format is a fixed-point format: Width bits, Frac of them fractional.
type Format struct {
	Width, Frac uint8
}

// Valid reports whether f is a format this package computes with.
func (f Format) Valid() bool { return f.Width >= 2 && f.Width <= MaxWidth && f.Frac <= MaxFrac }

func (f Format) String() string { return fmt.Sprintf("fx%d.%d", f.Width, f.Frac) }

// Max and Min are the largest and smallest raw values of f.
func (f Format) Max() int64 { return 1<<(f.Width-1) - 1 }
func (f Format) Min() int64 { return -1 << (f.Width - 1) }

// Saturate clamps a raw value to f's range.
func (f Format) Saturate(x int64) int64 { return max(f.Min(), min(f.Max(), x)) }

// Float is the real number a raw value of f stands for (exact).
func (f Format) Float(r int64) float64 { return math.Ldexp(float64(r), -int(f.Frac)) }

// FromFloat is the raw value of f nearest to x (ties away from zero),
// saturated; NaN is 0.
func (f Format) FromFloat(x float64) int64 {
	if math.IsNaN(x) {
		return 0
	}
	// Scaling by a power of two is exact; math.Round rounds half away
	// from zero; what is out of range saturates before the conversion.
	y := math.Round(math.Ldexp(x, int(f.Frac)))
	switch {
	case y >= float64(f.Max()):
		return f.Max()
	case y <= float64(f.Min()):
		return f.Min()
	}
	return int64(y)
}

// shift multiplies x by 2^s: exactly for s >= 0 (the caller keeps the
// result within int64), and for s < 0 rounded to nearest, ties away from
// zero.
func shift(x int64, s int) int64 {
	switch {
	case s >= 0:
		return x << s
	case s < -62:
		return 0 // |x| < 2^62: less than half
	}
	half := int64(1) << (-s - 1)
	if x >= 0 {
		return (x + half) >> -s
	}
	return -((-x + half) >> -s)
}

// convert rounds an exact value x with frac fraction bits (|x| < 2^63)
// into format to, saturating.
func convert(x int64, frac int, to Format) int64 {
	s := int(to.Frac) - frac
	if s <= 0 {
		return to.Saturate(shift(x, s))
	}
	// Scaling up: what would not fit saturates anyway.
	if s >= 32 || x >= 1<<(62-s) || x <= -1<<(62-s) {
		switch {
		case x > 0:
			return to.Max()
		case x < 0:
			return to.Min()
		}
		return 0
	}
	return to.Saturate(x << s)
}

// Convert converts a raw value of one format to another.
func Convert(r int64, from, to Format) int64 { return convert(r, int(from.Frac), to) }

// align returns a and b with max(fa, fb) fraction bits, exactly.
func align(a int64, fa Format, b int64, fb Format) (int64, int64, int) {
	f := max(int(fa.Frac), int(fb.Frac))
	return a << (f - int(fa.Frac)), b << (f - int(fb.Frac)), f
}

// Add, Sub, Mul and Div compute a op b for a of format fa and b of fb,
// into format to.
func Add(a int64, fa Format, b int64, fb Format, to Format) int64 {
	x, y, f := align(a, fa, b, fb)
	return convert(x+y, f, to)
}

func Sub(a int64, fa Format, b int64, fb Format, to Format) int64 {
	x, y, f := align(a, fa, b, fb)
	return convert(x-y, f, to)
}

func Mul(a int64, fa Format, b int64, fb Format, to Format) int64 {
	return convert(a*b, int(fa.Frac)+int(fb.Frac), to)
}

// Div rounds the exact quotient a/b to nearest, ties away from zero, and
// saturates; dividing by zero saturates by the sign of a (0/0 is 0).
func Div(a int64, fa Format, b int64, fb Format, to Format) int64 {
	neg := (a < 0) != (b < 0)
	sat := func() int64 {
		if neg {
			return to.Min()
		}
		return to.Max()
	}
	switch {
	case a == 0:
		return 0
	case b == 0:
		return sat()
	}
	// |a|/|b| * 2^s, s = to.Frac + fb.Frac - fa.Frac, in 128 bits.
	ua, ub := uint64(abs(a)), uint64(abs(b))
	s := int(to.Frac) + int(fb.Frac) - int(fa.Frac)
	var q, r, den uint64
	if s >= 0 {
		// |a| < 2^31 and s <= 62: |a| 2^s < 2^93.
		hi, lo := ua>>(64-s), ua<<s
		if s == 0 {
			hi = 0
		}
		if hi >= ub {
			return sat() // the quotient is 2^64 or more
		}
		q, r = bits.Div64(hi, lo, ub)
		den = ub
	} else {
		if bits.Len64(ub)-s > 64 {
			return 0 // the divisor is 2^64 or more, |a| less than half of it
		}
		den = ub << -s
		q, r = ua/den, ua%den
	}
	if r >= den-r { // 2r >= den, without overflow
		q++
	}
	if neg {
		if q > uint64(-to.Min()) {
			return to.Min()
		}
		return -int64(q)
	}
	if q > uint64(to.Max()) {
		return to.Max()
	}
	return int64(q)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Neg and Abs saturate: -Min is Max.
func Neg(a int64, fa Format, to Format) int64 { return convert(-a, int(fa.Frac), to) }
func Abs(a int64, fa Format, to Format) int64 { return convert(abs(a), int(fa.Frac), to) }

// Cmp compares a of format fa with b of fb exactly: -1, 0 or 1.
func Cmp(a int64, fa Format, b int64, fb Format) int {
	x, y, _ := align(a, fa, b, fb)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// ConvertDither converts a raw value of one format to another, rounding
// by a random offset: with s fraction bits dropped, it adds the top s
// bits of bits and rounds down, then saturates. A value between two
// representable ones goes to the upper one with the probability of its
// distance from the lower (unbiased), and a representable value stays as
// it is. Without bits dropped it is Convert.
func ConvertDither(r int64, from, to Format, bits uint64) int64 {
	s := int(from.Frac) - int(to.Frac) // at most MaxFrac
	if s <= 0 {
		return convert(r, int(from.Frac), to)
	}
	return to.Saturate((r + int64(bits>>(64-s))) >> s)
}

// TraceDecay is the decay factor of a quantized trace (the IR's
// tracedecay): exp(-n dt / tau) for the n = round((t - tlast) / dt) whole
// steps since its last event, rounded into f as FromFloat rounds. The
// exponential is snnc's (runtime/mathfn), as in every backend; the FPGA
// core holds the same factors in a table by n.
func TraceDecay(t, tlast, dt, tau float64, f Format) int64 {
	return TraceDecaySteps(math.Round((t-tlast)/dt), dt, tau, f)
}

// TraceDecaySteps is TraceDecay for n whole steps.
func TraceDecaySteps(n, dt, tau float64, f Format) int64 {
	return f.FromFloat(mathfn.Exp(-(n * dt) / tau))
}
