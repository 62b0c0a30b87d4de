// Package mathfn is snnc's one implementation of the transcendental
// functions (Exp, Expm1, Exprel, Log, Log10, Log1p, Pow, Sin, Cos, Tanh), which every
// backend must reproduce bit for bit.
//
// A model must give the same numbers whether the Go interpreter runs it or
// native code does. Go's math package cannot promise that: on amd64 math.Exp
// and math.Log are assembly that may differ in the last bit from the portable
// code other architectures run (and, as the tests show, math.Exp overflows
// early, math.Log mishandles subnormals and math.Sin loses accuracy near
// multiples of pi/2), and C's libm differs from both. So the interpreter
// calls this package, and the native runtime is a line-by-line port of it to
// C or LLVM IR. The code uses only float64 addition, subtraction,
// multiplication, division and square root, which IEEE 754 rounds exactly
// the same way everywhere, conversions between integers and float64, and
// integer operations on the bits; no result depends on the CPU, the compiler
// or a library function. The tests pin the bits of a million results, and
// they pass unchanged on amd64, 386 (SSE2 and softfloat), arm64, ppc64le,
// s390x and riscv64.
//
// # No fused multiply-add
//
// The Go specification lets the compiler fuse x*y + z into one FMA
// instruction, rounding once instead of twice, and it does so on arm64,
// ppc64le, s390x, riscv64, loong64 and amd64 with GOAMD64=v3, even when the
// product was assigned to a variable in an earlier statement. That changes
// the last bit of results. An explicit conversion rounds and so prevents the
// fusion, and this package writes every product whose value reaches an
// addition or subtraction (directly, through a variable, or as a return
// value) as float64(x*y): for example float64(x*y) + z. Products that only
// feed other products or quotients need no conversion, since only a product
// and a sum can fuse. TestNoFusedMultiplyAdd compiles the package for those
// architectures and fails if any fused instruction appears, so a missing
// conversion does not go unnoticed.
//
// # Special values
//
// Special cases (NaN, ±Inf, ±0, overflow, underflow, Pow's many cases) are
// those that Go's math package documents for each function. Every NaN result
// is the same quiet NaN, 0x7FF8000000000000, whatever the NaN arguments: CPUs
// differ in how they propagate NaN payloads, so passing one through would
// not be reproducible. Subnormal arguments and results are handled exactly
// like normal ones, with a single rounding.
//
// # Accuracy and algorithms
//
// Errors are measured against a 320-bit reference in math/big (see the
// tests); "ulp" is the spacing of float64s at the exact result.
//
//   - Exp: < 1 ulp. fdlibm e_exp.c: x = k*ln2 + r with ln2 in two parts, e^r
//     from a rational formula around a degree-5 Remez polynomial in r^2, then
//     scaling by 2^k.
//   - Expm1: < 1 ulp. fdlibm s_expm1.c: the same reduction with a correction
//     term for its rounding, and a rational approximation of e^r - 1 arranged
//     so that nothing cancels near 0.
//   - Log: < 1 ulp. fdlibm e_log.c: x = 2^k*(1+f) with 1+f in
//     [sqrt(2)/2, sqrt(2)), and log(1+f) from a degree-14 Remez polynomial in
//     s = f/(2+f).
//   - Log10: < 1 ulp (within 2 ulp is the promise). FreeBSD e_log10.c: the
//     same reduction, with log(1+f) kept in two parts and multiplied by
//     1/ln10 and log10(2) in extra precision; Log10(1e-300), ...,
//     Log10(1e300) are exact integers.
//   - Log1p: < 1 ulp. fdlibm s_log1p.c: as Log, on 1+x with a correction for
//     the rounding of 1+x.
//   - Pow: < 1 ulp in all tests (a few ulp is the promise). fdlibm e_pow.c:
//     log2(x) in about 70 bits as a sum of two doubles, y*log2(x) split the
//     same way, and 2^(y*log2(x)) by the rational approximation of Exp, so the
//     error does not grow with the size of the result. Pow(x, 0.5) is
//     math.Sqrt(x), correctly rounded.
//   - Sin, Cos: < 1 ulp for arguments of any size, including the double
//     nearest a multiple of pi/2. fdlibm kernels (k_sin.c, k_cos.c) on
//     [-pi/4, pi/4] after reduction modulo pi/2: Cody-Waite with
//     pi/2 in three 33-bit parts (e_rem_pio2.c) below about 2^20*pi/2, and
//     above that a Payne-Hanek reduction in 64-bit integer arithmetic with a
//     table of 1280 bits of 2/pi, which leaves at least 75 correct bits in
//     the reduced argument.
//   - CosTurn(u) = cos(2*pi*u) for 0 <= u < 1, the Box–Muller angle of
//     runtime/rng: within 2^-52 absolute (TestCosTurn). Reduced in turns,
//     exactly, then one of Cos's kernels on 2*pi*r, |r| <= 1/8.
//   - Log32, Sin32, Cos32: binary32, for white noise's draws
//     (runtime/rng's StdNormalQuad), in single.go, on the arguments a draw
//     gives and with no special cases. Log32: < 1.5 ulp (TestLog32),
//     FreeBSD's e_logf.c with ln 2 in one float. Sin32, Cos32 on
//     |x| <= pi/4: < 1.5 ulp (TestSinCos32), Taylor polynomials of
//     degree 9 and 10.
//   - Tanh: < 1.5 ulp (within 2 ulp is the promise). fdlibm s_tanh.c from
//     t = Expm1(2|x|): 1 - 2/(t+2), and below |x| = 1 t/(t+2) with the
//     division corrected by its exact remainder (Dekker's product).
//   - Exprel: < 1.5 ulp (within 2 ulp is the promise). Expm1(x)/x, 1 at 0,
//     +Inf where Expm1 overflows (Brian2's C++ exprel).
//
// # Porting
//
// The code follows fdlibm closely, including its manipulation of a float64
// as a high and a low 32-bit word; the helpers in words.go name those
// operations. Constants carry their bit patterns in comments, and a test
// checks each pattern against the value Go compiles; use the patterns in
// LLVM IR (double 0x3FE62E42FEE00000). A port must keep the operation order
// exactly, must not emit llvm.fmuladd or the contract or fast flags (in C,
// compile with -ffp-contract=off and without -ffast-math: GCC fuses by
// default), must round to nearest with no x87 extended precision, and must
// not turn a conversion of an int64 to float64 into anything but a single
// round-to-nearest (the code converts only values below 2^63). The NaN
// result must be built from its bits, not as 0.0/0.0, which gives
// 0xFFF8000000000000 on x86. bits.Mul64 is a 64x64->128-bit multiplication
// (mul i128 of zero-extended operands in LLVM IR). The code avoids what C
// leaves undefined or implementation-defined: it never shifts by 64 or more,
// never overflows a signed integer, and shifts right only non-negative
// signed values. The golden values and output digests in the tests are the
// bits every port must produce.
package mathfn
