/*
 * mathfn.c: a line-by-line port of snnc's Go package runtime/mathfn (and
 * of the Go math.Mod that the interpreter uses for `rem`), which the
 * native executable must reproduce bit for bit. Read runtime/mathfn/doc.go
 * first: every rule stated there is kept here.
 *
 *   - No fused multiply-add: snnc compiles this file with
 *     -ffp-contract=off (and without -ffast-math), so each C expression
 *     rounds exactly where the Go code's float64(...) conversions do. The
 *     expressions keep the Go code's order and association.
 *   - Constants are written as their bit patterns, the ones in the Go
 *     comments (CONST(0x3FE62E42FEE00000)); the exactly representable
 *     ones (0.5, 0x1p-28, ...) are written as literals.
 *   - Every NaN result is built from its bits, 0x7FF8000000000000.
 *   - Only +, -, *, / and sqrt on doubles, which IEEE 754 rounds the same
 *     everywhere; int-to-double conversions of values below 2^63; integer
 *     operations on the bits, done on unsigned types wherever Go relies on
 *     two's complement wrapping, so that nothing is undefined or
 *     implementation-defined (int32 views of words go through as_i32).
 *   - Go's operator precedence differs from C's (in Go, << >> & bind like *,
 *     and | like +, both above comparisons): every such expression below is
 *     fully parenthesized.
 *
 * It is one file of about 1100 lines, over the project's ~800, on purpose:
 * it is the one C implementation of each math function, kept in one piece
 * to be read side by side with runtime/mathfn (whose Go is one package),
 * and its functions share static helpers (the bit views, the reductions
 * and polynomials) that the compiler inlines into each one. Split into
 * files, those helpers would become calls between files, and the kernels
 * call these functions in their innermost loops.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "snnrt.h"
#include "snnrt_internal.h"

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "mathfn.c needs double arithmetic evaluated in double precision (FLT_EVAL_METHOD 0; on x86, SSE2)"
#endif

/* ------------------------------------------------------------------ */
/* words.go                                                             */

static double from_bits(uint64_t b)
{
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

static uint64_t to_bits(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof b);
	return b;
}

/* A constant given by its bit pattern. */
#define CONST(bits) from_bits(UINT64_C(bits))

/* Go's int32(u) for a uint32 u: two's complement reinterpretation. */
static int32_t as_i32(uint32_t u)
{
	if (u <= (uint32_t)INT32_MAX)
		return (int32_t)u;
	return (int32_t)(u - UINT32_C(0x80000000)) - INT32_MAX - 1;
}

/* nan: the one NaN every function returns. */
static double nan_value(void) { return CONST(0x7FF8000000000000); }

static double inf_value(void) { return CONST(0x7FF0000000000000); }

/* math.Abs: clears the sign bit. */
static double abs_value(double x) { return from_bits(to_bits(x) & ~(UINT64_C(1) << 63)); }

static int sign_bit(double x) { return (int)(to_bits(x) >> 63); }

static int is_nan(double x) { return x != x; }

/* math.IsInf(x, 0). */
static int is_inf(double x) { return abs_value(x) == inf_value(); }

static uint32_t high_word(double x) { return (uint32_t)(to_bits(x) >> 32); }

static uint32_t low_word(double x) { return (uint32_t)to_bits(x); }

static double from_words(uint32_t high, uint32_t low)
{
	return from_bits(((uint64_t)high << 32) | (uint64_t)low);
}

static double with_high_word(double x, uint32_t high) { return from_words(high, low_word(x)); }

/* withLowWordCleared truncates x to its top 21 mantissa bits. */
static double with_low_word_cleared(double x) { return from_words(high_word(x), 0); }

/* twoPow returns 2^k exactly; k must lie in [-1022, 1023]. */
static double two_pow(int k) { return from_bits((uint64_t)(k + 1023) << 52); }

/* scaleByTwoPow returns y*2^k rounded once, for y within a factor of two
 * of 1 and k in [-1100, 1024]. */
static double scale_by_two_pow(double y, int k)
{
	if (k > 1023)
		return (y * 2) * 0x1p1023;
	if (k >= -1021)
		return y * two_pow(k);
	return (y * two_pow(k + 1000)) * 0x1p-1000;
}

/* ------------------------------------------------------------------ */
/* ops.go                                                               */

double snn_min(double x, double y)
{
	if (x != x || y != y)
		return nan_value();
	if (x == 0 && y == 0) {
		if (sign_bit(x))
			return x;
		return y;
	}
	if (x < y)
		return x;
	return y;
}

double snn_max(double x, double y)
{
	if (x != x || y != y)
		return nan_value();
	if (x == 0 && y == 0) {
		if (sign_bit(x))
			return y;
		return x;
	}
	if (x > y)
		return x;
	return y;
}

double snn_sign(double x)
{
	if (x > 0)
		return 1;
	if (x < 0)
		return -1;
	return x; /* zeros and NaN are their own sign (the NaN unchanged) */
}

/* Go's math.Mod (the interpreter's `rem`): exact, with Go's special cases
 * and Go's NaN, math.NaN() = 0x7FF8000000000001. For finite x and finite
 * nonzero y both Go's math.Mod and C's fmod return the exact remainder
 * x - n*y (n = trunc(x/y)) with the sign of x, so they agree. */
double snn_fmod(double x, double y)
{
	if (y == 0 || is_inf(x) || is_nan(x) || is_nan(y))
		return CONST(0x7FF8000000000001);
	if (is_inf(y))
		return x;
	return fmod(x, y);
}

/* ------------------------------------------------------------------ */
/* exp.go                                                               */

#define LN2_HI CONST(0x3FE62E42FEE00000)           /* 6.93147180369123816490e-01 */
#define LN2_LO CONST(0x3DEA39EF35793C76)           /* 1.90821492927058770002e-10 */
#define INV_LN2 CONST(0x3FF71547652B82FE)          /* 1.44269504088896338700e+00 */
#define HALF_LN2 CONST(0x3FD62E42FEFA39EF)         /* 3.46573590279972654709e-01 */
#define THREE_HALVES_LN2 CONST(0x3FF0A2B23F3BAB73) /* 1.03972077083991796413e+00 */

#define EXP_OVERFLOW CONST(0x40862E42FEFA39EF)     /* 7.09782712893383973096e+02 */
#define EXP_UNDERFLOW CONST(0xC0874910D52D3051)    /* -7.45133219101941108420e+02 */
#define EXPM1_SATURATION CONST(0xC043687A9F1AF2B1) /* -3.88162421113569373274e+01 */

#define EXP_P1 CONST(0x3FC555555555553E) /* 1.66666666666666019037e-01 */
#define EXP_P2 CONST(0xBF66C16C16BEBD93) /* -2.77777777770155933842e-03 */
#define EXP_P3 CONST(0x3F11566AAF25DE2C) /* 6.61375632143793436117e-05 */
#define EXP_P4 CONST(0xBEBBBD41C5D26BF1) /* -1.65339022054652515390e-06 */
#define EXP_P5 CONST(0x3E66376972BEA4D0) /* 4.13813679705723846039e-08 */

#define EXPM1_Q1 CONST(0xBFA11111111110F4) /* -3.33333333333331316428e-02 */
#define EXPM1_Q2 CONST(0x3F5A01A019FE5585) /* 1.58730158725481460165e-03 */
#define EXPM1_Q3 CONST(0xBF14CE199EAADBB7) /* -7.93650757867487942473e-05 */
#define EXPM1_Q4 CONST(0x3ED0CFCA86E65239) /* 4.00821782732936239552e-06 */
#define EXPM1_Q5 CONST(0xBE8AFDB76E09C32D) /* -2.01099218183624371326e-07 */

/* expPoly: P1 + P2*z + ... + P5*z^4. */
static double exp_poly(double z)
{
	double p = EXP_P5;
	p = EXP_P4 + z * p;
	p = EXP_P3 + z * p;
	p = EXP_P2 + z * p;
	return EXP_P1 + z * p;
}

double snn_exp(double x)
{
	if (is_nan(x))
		return nan_value();
	if (x > EXP_OVERFLOW)
		return inf_value();
	if (x < EXP_UNDERFLOW)
		return 0;

	double hi, lo;
	int k = 0;
	double ax = abs_value(x);
	if (ax > THREE_HALVES_LN2) {
		double half = 0.5;
		if (x < 0)
			half = -0.5;
		k = (int)(INV_LN2 * x + half); /* |k| <= 1075: no overflow */
		double fk = (double)k;
		hi = x - fk * LN2_HI;
		lo = fk * LN2_LO;
	} else if (ax > HALF_LN2) {
		if (x > 0) {
			hi = x - LN2_HI;
			lo = LN2_LO;
			k = 1;
		} else {
			hi = x + LN2_HI;
			lo = -LN2_LO;
			k = -1;
		}
	} else if (ax < 0x1p-28) {
		return 1 + x;
	} else {
		double c = x - x * x * exp_poly(x * x);
		return 1 - (x * c / (c - 2) - x);
	}
	double r = hi - lo;
	double c = r - r * r * exp_poly(r * r);
	double y = 1 - ((lo - r * c / (2 - c)) - hi);
	return scale_by_two_pow(y, k);
}

double snn_expm1(double x)
{
	if (is_nan(x))
		return nan_value();
	if (x > EXP_OVERFLOW)
		return inf_value();
	if (x < EXPM1_SATURATION)
		return -1;

	double c = 0;
	int k = 0;
	double ax = abs_value(x);
	if (ax > THREE_HALVES_LN2) {
		double half = 0.5;
		if (x < 0)
			half = -0.5;
		k = (int)(INV_LN2 * x + half);
		double fk = (double)k;
		double hi = x - fk * LN2_HI;
		double lo = fk * LN2_LO;
		x = hi - lo;
		c = (hi - x) - lo;
	} else if (ax > HALF_LN2) {
		double hi = x - LN2_HI, lo = LN2_LO;
		k = 1;
		if (x < 0) {
			hi = x + LN2_HI;
			lo = -LN2_LO;
			k = -1;
		}
		x = hi - lo;
		c = (hi - x) - lo;
	} else if (ax < 0x1p-54) {
		return x;
	}

	double halfX = 0.5 * x;
	double halfSquare = x * halfX;
	double q = EXPM1_Q5;
	q = EXPM1_Q4 + halfSquare * q;
	q = EXPM1_Q3 + halfSquare * q;
	q = EXPM1_Q2 + halfSquare * q;
	q = EXPM1_Q1 + halfSquare * q;
	double r1 = 1 + halfSquare * q;
	double t = 3 - r1 * halfX;
	double e = halfSquare * ((r1 - t) / (6 - x * t));
	if (k == 0)
		return x - (x * e - halfSquare);
	e = x * (e - c) - c;
	e -= halfSquare;

	if (k == -1)
		return 0.5 * (x - e) - 0.5;
	if (k == 1) {
		if (x < -0.25)
			return -2 * (e - (x + 0.5));
		return 1 + 2 * (x - e);
	}
	if (k <= -2 || k > 56)
		return scale_by_two_pow(1 - (e - x), k) - 1;
	if (k < 20) {
		double oneMinusTwoPowMinusK = from_words(UINT32_C(0x3FF00000) - (UINT32_C(0x200000) >> k), 0);
		return scale_by_two_pow(oneMinusTwoPowMinusK - (e - x), k);
	}
	double y = x - (e + two_pow(-k));
	y += 1;
	return scale_by_two_pow(y, k);
}

/* ------------------------------------------------------------------ */
/* log.go                                                               */

#define TWO54 CONST(0x4350000000000000) /* 1.80143985094819840000e+16 */

#define LOG_LG1 CONST(0x3FE5555555555593) /* 6.666666666666735130e-01 */
#define LOG_LG2 CONST(0x3FD999999997FA04) /* 3.999999999940941908e-01 */
#define LOG_LG3 CONST(0x3FD2492494229359) /* 2.857142874366239149e-01 */
#define LOG_LG4 CONST(0x3FCC71C51D8E78AF) /* 2.222219843214978396e-01 */
#define LOG_LG5 CONST(0x3FC7466496CB03DE) /* 1.818357216161805012e-01 */
#define LOG_LG6 CONST(0x3FC39A09D078C69F) /* 1.531383769920937332e-01 */
#define LOG_LG7 CONST(0x3FC2F112DF3E5244) /* 1.479819860511658591e-01 */

#define INV_LN10_HI CONST(0x3FDBCB7B15200000)  /* 4.34294481878168880939e-01 */
#define INV_LN10_LO CONST(0x3DBB9438CA9AADD5)  /* 2.50829467116452752298e-11 */
#define LOG10_OF2_HI CONST(0x3FD34413509F6000) /* 3.01029995663611771306e-01 */
#define LOG10_OF2_LO CONST(0x3D59FEF311F12B36) /* 3.69423907715893078616e-13 */

/* The Go literals 0.33333333333333333 (and 0.3333333333333333333333 in
 * pow.go) and 0.66666666666666666. */
#define ONE_THIRD CONST(0x3FD5555555555555)
#define TWO_THIRDS CONST(0x3FE5555555555555)

/* logReduce splits a finite x > 0 as x = 2^k * (1+f); returns k, and f and
 * the top 20 mantissa bits of x through the pointers. */
static int32_t log_reduce(double x, double *f, int32_t *mantissaHigh)
{
	int32_t k = 0;
	int32_t hx = as_i32(high_word(x));
	if (hx < 0x00100000) {
		x *= TWO54;
		k = -54;
		hx = as_i32(high_word(x));
	}
	k += (hx >> 20) - 1023; /* hx > 0 */
	hx &= 0x000FFFFF;
	int32_t i = (hx + 0x95F64) & 0x100000;
	x = with_high_word(x, (uint32_t)(hx | (i ^ 0x3FF00000)));
	k += i >> 20;
	*f = x - 1;
	*mantissaHigh = hx;
	return k;
}

static double log_poly(double z)
{
	double w = z * z;
	double t1 = LOG_LG6;
	t1 = LOG_LG4 + w * t1;
	t1 = LOG_LG2 + w * t1;
	t1 = w * t1;
	double t2 = LOG_LG7;
	t2 = LOG_LG5 + w * t2;
	t2 = LOG_LG3 + w * t2;
	t2 = LOG_LG1 + w * t2;
	t2 = z * t2;
	return t2 + t1;
}

/* logIsSpecial: nonzero, with the result in *result, if x needs no
 * computation in Log or Log10. */
static int log_is_special(double x, double *result)
{
	if (is_nan(x) || x < 0) {
		*result = nan_value();
		return 1;
	}
	if (x == 0) {
		*result = -inf_value();
		return 1;
	}
	if (x == inf_value()) {
		*result = x;
		return 1;
	}
	return 0;
}

double snn_log(double x)
{
	double special;
	if (log_is_special(x, &special))
		return special;
	double f;
	int32_t mantissaHigh;
	int32_t k = log_reduce(x, &f, &mantissaHigh);
	double fk = (double)k;

	if ((0x000FFFFF & (2 + mantissaHigh)) < 3) {
		if (f == 0) {
			if (k == 0)
				return 0;
			return fk * LN2_HI + fk * LN2_LO;
		}
		double r = (f * f) * (0.5 - ONE_THIRD * f);
		if (k == 0)
			return f - r;
		return fk * LN2_HI - ((r - fk * LN2_LO) - f);
	}

	double s = f / (2 + f);
	double r = log_poly(s * s);
	int nearEnd = ((mantissaHigh - 0x6147A) | (0x6B851 - mantissaHigh)) > 0;
	if (nearEnd) {
		double halfSquare = 0.5 * f * f;
		if (k == 0)
			return f - (halfSquare - s * (halfSquare + r));
		return fk * LN2_HI - ((halfSquare - (s * (halfSquare + r) + fk * LN2_LO)) - f);
	}
	if (k == 0)
		return f - s * (f - r);
	return fk * LN2_HI - ((s * (f - r) - fk * LN2_LO) - f);
}

/* snn_log_units is snn_log of each of u[0..n) into out, for u in
 * [2^-53, 1]: the unit draws of rng's unitOpen, which are normal, positive
 * and finite, so that no special case and no subnormal scaling arises.
 * It is snn_log's operations without its branches (each case computed,
 * the one snn_log takes kept), in a loop without calls, which the
 * compiler vectorises: fixed_probability's rule takes a log per synapse
 * it makes (connect.c), and a row's draws are made at once. */
void snn_log_units(const double *u, double *out, int64_t n)
{
	for (int64_t m = 0; m < n; m++) {
		uint64_t bits = to_bits(u[m]);
		int32_t hx = (int32_t)(bits >> 32);
		int32_t k = (hx >> 20) - 1023;
		hx &= 0x000FFFFF;
		int32_t i = (hx + 0x95F64) & 0x100000;
		double x = from_bits(((uint64_t)(uint32_t)(hx | (i ^ 0x3FF00000)) << 32) | (bits & UINT64_C(0xFFFFFFFF)));
		k += i >> 20;
		double f = x - 1;
		double fk = (double)k;

		/* f within 2^-20 of 0: snn_log's first case. */
		double a0 = k == 0 ? 0 : fk * LN2_HI + fk * LN2_LO;
		double r = (f * f) * (0.5 - ONE_THIRD * f);
		double a1 = k == 0 ? f - r : fk * LN2_HI - ((r - fk * LN2_LO) - f);
		double a = f == 0 ? a0 : a1;

		double s = f / (2 + f);
		double p = log_poly(s * s);
		double halfSquare = 0.5 * f * f;
		double b1 = k == 0 ? f - (halfSquare - s * (halfSquare + p))
				   : fk * LN2_HI - ((halfSquare - (s * (halfSquare + p) + fk * LN2_LO)) - f);
		double b2 = k == 0 ? f - s * (f - p) : fk * LN2_HI - ((s * (f - p) - fk * LN2_LO) - f);
		int nearEnd = ((hx - 0x6147A) | (0x6B851 - hx)) > 0;
		double b = nearEnd ? b1 : b2;

		out[m] = (0x000FFFFF & (2 + hx)) < 3 ? a : b;
	}
}

double snn_log10(double x)
{
	double special;
	if (log_is_special(x, &special))
		return special;
	if (x == 1)
		return 0;
	double f;
	int32_t mantissaHigh;
	int32_t k = log_reduce(x, &f, &mantissaHigh);
	double fk = (double)k;

	double halfSquare = 0.5 * f * f;
	double s = f / (2 + f);
	double tail = s * (halfSquare + log_poly(s * s));
	double hi = with_low_word_cleared(f - halfSquare);
	double lo = (f - hi) - halfSquare + tail;

	double valHi = hi * INV_LN10_HI;
	double scaled = fk * LOG10_OF2_HI;
	double valLo = fk * LOG10_OF2_LO + (lo + hi) * INV_LN10_LO + lo * INV_LN10_HI;
	double sum = scaled + valHi;
	valLo += (scaled - sum) + valHi;
	return valLo + sum;
}

double snn_log1p(double x)
{
	if (is_nan(x) || x < -1)
		return nan_value();
	if (x == -1)
		return -inf_value();
	if (x == inf_value())
		return x;

	int32_t hx = as_i32(high_word(x));
	int32_t ax = hx & 0x7FFFFFFF;
	int32_t k = 1;
	double f = 0, c = 0;
	int32_t mantissaHigh = 0;
	if (hx < 0x3FDA827A) { /* x < sqrt(2) - 1 */
		if (ax < 0x3E200000) { /* |x| < 2^-29 */
			if (ax < 0x3C900000) /* |x| < 2^-54 */
				return x;
			return x - x * x * 0.5;
		}
		if (hx > 0 || hx <= -0x402D413C) { /* -0.2929 <= x < 0.4142 */
			k = 0;
			f = x;
			mantissaHigh = 1;
		}
	}
	if (k != 0) {
		double u;
		if (hx < 0x43400000) { /* x < 2^53 */
			u = 1 + x;
			mantissaHigh = as_i32(high_word(u));
			k = (mantissaHigh >> 20) - 1023; /* u > 0 */
			if (k > 0)
				c = 1 - (u - x);
			else
				c = x - (u - 1);
			c /= u;
		} else {
			u = x;
			mantissaHigh = as_i32(high_word(u));
			k = (mantissaHigh >> 20) - 1023;
		}
		mantissaHigh &= 0x000FFFFF;
		if (mantissaHigh < 0x6A09E) {
			u = with_high_word(u, (uint32_t)(mantissaHigh | 0x3FF00000));
		} else {
			k++;
			u = with_high_word(u, (uint32_t)(mantissaHigh | 0x3FE00000));
			mantissaHigh = (0x00100000 - mantissaHigh) >> 2;
		}
		f = u - 1;
	}
	double fk = (double)k;

	double halfSquare = 0.5 * f * f;
	if (mantissaHigh == 0) { /* |f| < 2^-20 */
		if (f == 0) {
			if (k == 0)
				return 0;
			c += fk * LN2_LO;
			return fk * LN2_HI + c;
		}
		double r = halfSquare * (1 - TWO_THIRDS * f);
		if (k == 0)
			return f - r;
		return fk * LN2_HI - ((r - (fk * LN2_LO + c)) - f);
	}
	double s = f / (2 + f);
	double z = s * s;
	double r = LOG_LG7;
	r = LOG_LG6 + z * r;
	r = LOG_LG5 + z * r;
	r = LOG_LG4 + z * r;
	r = LOG_LG3 + z * r;
	r = LOG_LG2 + z * r;
	r = LOG_LG1 + z * r;
	r = z * r;
	if (k == 0)
		return f - (halfSquare - s * (halfSquare + r));
	return fk * LN2_HI - ((halfSquare - (s * (halfSquare + r) + (fk * LN2_LO + c))) - f);
}

/* ------------------------------------------------------------------ */
/* tanh.go                                                              */

/* splitHalves: high + low = x exactly, each with at most 26 bits. */
static void split_halves(double x, double *high, double *low)
{
	double c = 134217729 * x;
	double h = c - (c - x);
	*high = h;
	*low = x - h;
}

/* exactProduct: p + e = a*b exactly (Dekker). */
static void exact_product(double a, double b, double *p, double *e)
{
	double prod = a * b;
	double aHigh, aLow, bHigh, bLow;
	split_halves(a, &aHigh, &aLow);
	split_halves(b, &bHigh, &bLow);
	double err = aHigh * bHigh - prod;
	err += aHigh * bLow;
	err += aLow * bHigh;
	err += aLow * bLow;
	*p = prod;
	*e = err;
}

/* quotientOverTwoPlus: t/(t+2) for 0 <= t < 8, corrected by the exact
 * remainder. */
static double quotient_over_two_plus(double t)
{
	double d = t + 2;
	double dTail = t - (d - 2);
	double q = t / d;
	double p, pTail;
	exact_product(q, d, &p, &pTail);
	double remainder = ((t - p) - pTail) - q * dTail;
	return q + remainder / d;
}

double snn_tanh(double x)
{
	double ax = abs_value(x);
	double z;
	if (is_nan(x))
		return nan_value();
	if (ax < 0x1p-28)
		return x;
	if (ax < 1)
		z = quotient_over_two_plus(snn_expm1(2 * ax));
	else if (ax < 22)
		z = 1 - 2 / (snn_expm1(2 * ax) + 2);
	else
		z = 1;
	if (x < 0)
		return -z;
	return z;
}

/* ------------------------------------------------------------------ */
/* pow.go                                                               */

#define TWO53 CONST(0x4340000000000000) /* 9007199254740992.0 */

#define POW_L1 CONST(0x3FE3333333333303) /* 5.99999999999994648725e-01 */
#define POW_L2 CONST(0x3FDB6DB6DB6FABFF) /* 4.28571428578550184252e-01 */
#define POW_L3 CONST(0x3FD55555518F264D) /* 3.33333329818377432918e-01 */
#define POW_L4 CONST(0x3FD17460A91D4101) /* 2.72728123808534006489e-01 */
#define POW_L5 CONST(0x3FCD864A93C9DB65) /* 2.30660745775561754067e-01 */
#define POW_L6 CONST(0x3FCA7E284A454EEF) /* 2.06975017800338417784e-01 */

#define LG2 CONST(0x3FE62E42FEFA39EF)    /* 6.93147180559945286227e-01 */
#define LG2_HI CONST(0x3FE62E4300000000) /* 6.93147182464599609375e-01 */
#define LG2_LO CONST(0xBE205C610CA86C39) /* -1.90465429995776804525e-09 */

#define OVERFLOW_MARGIN CONST(0x3C971547652B82FE) /* 8.0085662595372944372e-17 */

#define CP CONST(0x3FEEC709DC3A03FD)    /* 9.61796693925975554329e-01 */
#define CP_HI CONST(0x3FEEC709E0000000) /* 9.61796700954437255859e-01 */
#define CP_LO CONST(0xBE3E2FE0145B01F5) /* -7.02846165095275826516e-09 */

#define INV_LN2_HI CONST(0x3FF7154760000000) /* 1.44269502162933349609e+00 */
#define INV_LN2_LO CONST(0x3E54AE0BF85DDF44) /* 1.92596299112661746887e-08 */

#define LOG2_OF_1P5_HI CONST(0x3FE2B80340000000) /* 5.84962487220764160156e-01 */
#define LOG2_OF_1P5_LO CONST(0x3E4CFDEB43CFD006) /* 1.35003920212974897128e-08 */

/* integerKind: whether the finite (or infinite) y is an integer, and
 * whether it is odd. */
static void integer_kind(double y, int *integer, int *odd)
{
	uint64_t b = to_bits(y);
	int exponent = (int)((b >> 52) & 0x7FF) - 1023;
	if (exponent < 0) {
		*integer = y == 0;
		*odd = 0;
		return;
	}
	if (exponent >= 53) {
		*integer = 1;
		*odd = 0;
		return;
	}
	unsigned fractionBits = (unsigned)(52 - exponent);
	uint64_t mantissa = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
	if ((mantissa & ((UINT64_C(1) << fractionBits) - 1)) != 0) {
		*integer = 0;
		*odd = 0;
		return;
	}
	*integer = 1;
	*odd = ((mantissa >> fractionBits) & 1) == 1;
}

static int is_odd_integer(double y)
{
	int integer, odd;
	integer_kind(y, &integer, &odd);
	return odd;
}

/* powPositive: ax**y for finite ax > 0, ax != 1, and finite y not in
 * {0, 1}; +Inf on overflow, +0 on underflow. */
static double pow_positive(double ax, double y)
{
	int32_t ix = as_i32(high_word(ax)); /* ax > 0: ix >= 0 */
	int32_t iy = as_i32(high_word(y)) & 0x7FFFFFFF;
	int yNegative = y < 0;

	double t1, t2;
	if (iy > 0x41E00000) { /* |y| > 2^31 */
		if (iy > 0x43F00000) { /* |y| > 2^64 */
			if ((ix <= 0x3FEFFFFF) == yNegative)
				return inf_value();
			return 0;
		}
		if (ix < 0x3FEFFFFF) {
			if (yNegative)
				return inf_value();
			return 0;
		}
		if (ix > 0x3FF00000) {
			if (yNegative)
				return 0;
			return inf_value();
		}
		double t = ax - 1;
		double w = (t * t) * (0.5 - t * (ONE_THIRD - t * 0.25));
		double u = INV_LN2_HI * t;
		double v = t * INV_LN2_LO - w * INV_LN2;
		t1 = with_low_word_cleared(u + v);
		t2 = v - (t1 - u);
	} else {
		int32_t n = 0;
		if (ix < 0x00100000) { /* subnormal ax */
			ax *= TWO53;
			n -= 53;
			ix = as_i32(high_word(ax));
		}
		n += (ix >> 20) - 0x3FF;
		int32_t j = ix & 0x000FFFFF;
		ix = j | 0x3FF00000;
		int32_t k;
		if (j <= 0x3988E) {
			k = 0;
		} else if (j < 0xBB67A) {
			k = 1;
		} else {
			k = 0;
			n++;
			ix -= 0x00100000;
		}
		ax = with_high_word(ax, (uint32_t)ix);
		double base = 1.0, log2BaseHi = 0.0, log2BaseLo = 0.0;
		if (k == 1) {
			base = 1.5;
			log2BaseHi = LOG2_OF_1P5_HI;
			log2BaseLo = LOG2_OF_1P5_LO;
		}

		double u = ax - base;
		double v = 1 / (ax + base);
		double ss = u * v;
		double sHi = with_low_word_cleared(ss);
		double tHi = from_words((uint32_t)(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18)), 0);
		double tLo = ax - (tHi - base);
		double sLo = v * ((u - sHi * tHi) - sHi * tLo);

		double s2 = ss * ss;
		double r = POW_L6;
		r = POW_L5 + s2 * r;
		r = POW_L4 + s2 * r;
		r = POW_L3 + s2 * r;
		r = POW_L2 + s2 * r;
		r = POW_L1 + s2 * r;
		r = s2 * s2 * r;
		r += sLo * (sHi + ss);
		s2 = sHi * sHi;
		tHi = with_low_word_cleared(3 + s2 + r);
		tLo = r - ((tHi - 3) - s2);
		u = sHi * tHi;
		v = sLo * tHi + tLo * ss;
		double pHi = with_low_word_cleared(u + v);
		double pLo = v - (pHi - u);
		double zHi = CP_HI * pHi;
		double zLo = CP_LO * pHi + pLo * CP + log2BaseLo;
		double fn = (double)n;
		t1 = with_low_word_cleared(((zHi + zLo) + log2BaseHi) + fn);
		t2 = zLo - (((t1 - fn) - log2BaseHi) - zHi);
	}

	double y1 = with_low_word_cleared(y);
	double pLo = (y - y1) * t1 + y * t2;
	double pHi = y1 * t1;
	double z = pLo + pHi;
	int32_t j = as_i32(high_word(z));
	uint32_t i = low_word(z);
	if (j >= 0x40900000) { /* z >= 1024 */
		if (((uint32_t)(j - 0x40900000) | i) != 0 || pLo + OVERFLOW_MARGIN > z - pHi)
			return inf_value();
	} else if ((j & 0x7FFFFFFF) >= 0x4090CC00) { /* z <= -1075 */
		if ((((uint32_t)j - UINT32_C(0xC090CC00)) | i) != 0 || pLo <= z - pHi)
			return 0;
	}

	i = (uint32_t)(j & 0x7FFFFFFF);
	int32_t k = (int32_t)(i >> 20) - 0x3FF;
	int32_t n = 0;
	if (i > 0x3FE00000) { /* |z| > 0.5: k in [-1, 10] */
		n = j + (0x00100000 >> (k + 1));
		k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF;
		double t = from_words((uint32_t)n & ~(UINT32_C(0x000FFFFF) >> k), 0);
		n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k);
		if (j < 0)
			n = -n;
		pHi -= t;
	}
	double t = with_low_word_cleared(pLo + pHi);
	double u = t * LG2_HI;
	double v = (pLo - (t - pHi)) * LG2 + t * LG2_LO;
	z = u + v;
	double w = v - (z - u);
	double tt = z * z;
	t1 = z - tt * exp_poly(tt);
	double r = (z * t1) / (t1 - 2) - (w + z * w);
	z = 1 - (r - z);
	return scale_by_two_pow(z, (int)n);
}

double snn_pow(double x, double y)
{
	if (y == 0 || x == 1)
		return 1;
	if (is_nan(x) || is_nan(y))
		return nan_value();
	if (y == 1)
		return x;
	if (x == 0) {
		int yOdd = is_odd_integer(y);
		if (y < 0) {
			if (yOdd && sign_bit(x))
				return -inf_value();
			return inf_value();
		}
		if (yOdd)
			return x;
		return 0;
	}
	if (is_inf(y)) {
		if (x == -1)
			return 1;
		if ((abs_value(x) < 1) == (y > 0))
			return 0;
		return inf_value();
	}
	if (is_inf(x)) {
		int yOdd = is_odd_integer(y);
		if (x > 0 && y > 0)
			return inf_value();
		if (x > 0)
			return 0;
		if (y > 0 && yOdd)
			return -inf_value();
		if (y > 0)
			return inf_value();
		if (yOdd)
			return -0.0;
		return 0;
	}

	int yInteger, yOdd;
	integer_kind(y, &yInteger, &yOdd);
	if (x < 0 && !yInteger)
		return nan_value();
	double sign = 1.0;
	if (x < 0 && yOdd)
		sign = -1;
	if (x == -1)
		return sign;
	if (y == 2)
		return x * x;
	if (y == -1)
		return 1 / x;
	if (y == 0.5 && x > 0)
		return sqrt(x); /* correctly rounded, as math.Sqrt */
	return sign * pow_positive(abs_value(x), y);
}

/* ------------------------------------------------------------------ */
/* trig.go                                                              */

#define SIN_S1 CONST(0xBFC5555555555549) /* -1.66666666666666324348e-01 */
#define SIN_S2 CONST(0x3F8111111110F8A6) /* 8.33333333332248946124e-03 */
#define SIN_S3 CONST(0xBF2A01A019C161D5) /* -1.98412698298579493134e-04 */
#define SIN_S4 CONST(0x3EC71DE357B1FE7D) /* 2.75573137070700676789e-06 */
#define SIN_S5 CONST(0xBE5AE5E68A2B9CEB) /* -2.50507602534068634195e-08 */
#define SIN_S6 CONST(0x3DE5D93A5ACFD57C) /* 1.58969099521155010221e-10 */

#define COS_C1 CONST(0x3FA555555555554C) /* 4.16666666666666019037e-02 */
#define COS_C2 CONST(0xBF56C16C16C15177) /* -1.38888888888741095749e-03 */
#define COS_C3 CONST(0x3EFA01A019CB1590) /* 2.48015872894767294178e-05 */
#define COS_C4 CONST(0xBE927E4F809C52AD) /* -2.75573143513906633035e-07 */
#define COS_C5 CONST(0x3E21EE9EBDB4B1C4) /* 2.08757232129817482790e-09 */
#define COS_C6 CONST(0xBDA8FAE9BE8838D4) /* -1.13596475577881948265e-11 */

#define PIO4 CONST(0x3FE921FB54442D18)          /* 7.85398163397448278999e-01 */
#define INV_PIO2 CONST(0x3FE45F306DC9C883)      /* 6.36619772367581382433e-01 */
#define PIO2_FIRST CONST(0x3FF921FB54400000)    /* 1.57079632673412561417e+00 */
#define PIO2_FIRST_T CONST(0x3DD0B4611A626331)  /* 6.07710050650619224932e-11 */
#define PIO2_SECOND CONST(0x3DD0B4611A600000)   /* 6.07710050630396597660e-11 */
#define PIO2_SECOND_T CONST(0x3BA3198A2E037073) /* 2.02226624879595063154e-21 */
#define PIO2_THIRD CONST(0x3BA3198A2E000000)    /* 2.02226624871116645580e-21 */
#define PIO2_THIRD_T CONST(0x397B839A252049C1)  /* 8.47842766036889956997e-32 */

#define MEDIUM_REDUCTION_LIMIT CONST(0x413921FB00000000) /* 1647099.0 */
#define ROUNDING_SHIFT CONST(0x4338000000000000)         /* 0x1.8p52 */

/* 2/pi, 64 bits to a word, after one word of zeros. */
static const uint64_t two_over_pi_bits[21] = {
	UINT64_C(0x0000000000000000),
	UINT64_C(0xA2F9836E4E441529), UINT64_C(0xFC2757D1F534DDC0), UINT64_C(0xDB6295993C439041), UINT64_C(0xFE5163ABDEBBC561),
	UINT64_C(0xB7246E3A424DD2E0), UINT64_C(0x06492EEA09D1921C), UINT64_C(0xFE1DEB1CB129A73E), UINT64_C(0xE88235F52EBB4484),
	UINT64_C(0xE99C7026B45F7E41), UINT64_C(0x3991D639835339F4), UINT64_C(0x9C845F8BBDF9283B), UINT64_C(0x1FF897FFDE05980F),
	UINT64_C(0xEF2F118B5A0A6D1F), UINT64_C(0x6D367ECF27CB09B7), UINT64_C(0x4F463F669E5FEA2D), UINT64_C(0x7527BAC7EBE5F17B),
	UINT64_C(0x3D0739F78A5292EA), UINT64_C(0x6BFB5FB11F8D5D08), UINT64_C(0x56033046FC7B6BAB), UINT64_C(0xF0CFBC209AF4361D),
};

/* pi/2 * 2^127 rounded down, high word first. */
#define PIO2_FIXED_HIGH UINT64_C(0xC90FDAA22168C234)
#define PIO2_FIXED_LOW UINT64_C(0xC4C6628B80DC1CD1)

/* bits.Mul64: the 128-bit product of x and y as *hi:*lo. */
static void mul64(uint64_t x, uint64_t y, uint64_t *hi, uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
	__extension__ typedef unsigned __int128 u128;
	u128 p = (u128)x * (u128)y;
	*hi = (uint64_t)(p >> 64);
	*lo = (uint64_t)p;
#else
	/* Go's portable bits.Mul64, on 32-bit halves. */
	const uint64_t mask32 = (UINT64_C(1) << 32) - 1;
	uint64_t x0 = x & mask32, x1 = x >> 32;
	uint64_t y0 = y & mask32, y1 = y >> 32;
	uint64_t w0 = x0 * y0;
	uint64_t t = x1 * y0 + (w0 >> 32);
	uint64_t w1 = t & mask32, w2 = t >> 32;
	w1 += x0 * y1;
	*hi = x1 * y1 + w2 + (w1 >> 32);
	*lo = x * y;
#endif
}

/* bits.Add64 with carry in {0, 1}: returns the sum, *carry_out the carry. */
static uint64_t add64(uint64_t x, uint64_t y, uint64_t carry, uint64_t *carry_out)
{
	uint64_t sum = x + y + carry;
	*carry_out = ((x & y) | ((x | y) & ~sum)) >> 63;
	return sum;
}

/* bits.Sub64 with borrow in {0, 1}: returns the difference, *borrow_out the
 * borrow. */
static uint64_t sub64(uint64_t x, uint64_t y, uint64_t borrow, uint64_t *borrow_out)
{
	uint64_t diff = x - y - borrow;
	*borrow_out = ((~x & y) | (~(x ^ y) & diff)) >> 63;
	return diff;
}

/* bits.LeadingZeros64. */
static unsigned leading_zeros64(uint64_t x)
{
	unsigned n = 0;
	if (x == 0)
		return 64;
	while ((x & (UINT64_C(1) << 63)) == 0) {
		x <<= 1;
		n++;
	}
	return n;
}

/* sinKernel: sin(x+y) for |x+y| <= ~pi/4. */
static double sin_kernel(double x, double y)
{
	double z = x * x;
	double w = z * z;
	double r = SIN_S2 + z * (SIN_S3 + z * SIN_S4) + z * w * (SIN_S5 + z * SIN_S6);
	double v = z * x;
	if (y == 0)
		return x + v * (SIN_S1 + z * r);
	return x - ((z * (0.5 * y - v * r) - y) - v * SIN_S1);
}

/* cosKernel: cos(x+y) for |x+y| <= ~pi/4. */
static double cos_kernel(double x, double y)
{
	double z = x * x;
	double w = z * z;
	double r = z * (COS_C1 + z * (COS_C2 + z * COS_C3)) + w * w * (COS_C4 + z * (COS_C5 + z * COS_C6));
	double halfZ = 0.5 * z;
	w = 1 - halfZ;
	return w + (((1 - w) - halfZ) + (z * r - x * y));
}

/* reducePayneHanek: the reduction for ax >= MEDIUM_REDUCTION_LIMIT, in
 * integer arithmetic. Returns n mod 4; y = *hi + *lo. */
static int reduce_payne_hanek(double ax, double *hi, double *lo)
{
	uint64_t b = to_bits(ax);
	int e = (int)(b >> 52) - 1023 - 52;
	uint64_t m = (b & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);

	int start = e + 62; /* >= 30 for ax >= 2^20 */
	int word = start / 64;
	unsigned shift = (unsigned)(start % 64);
	uint64_t window[3];
	for (int j = 0; j < 3; j++) {
		if (shift == 0)
			window[j] = two_over_pi_bits[word + j];
		else
			window[j] = (two_over_pi_bits[word + j] << shift) | (two_over_pi_bits[word + j + 1] >> (64 - shift));
	}

	uint64_t high2, low2, high1, low1, high0, low0, carry;
	mul64(m, window[2], &high2, &low2);
	mul64(m, window[1], &high1, &low1);
	mul64(m, window[0], &high0, &low0);
	(void)high0;
	uint64_t f2 = low2;
	uint64_t f1 = add64(high2, low1, 0, &carry);
	uint64_t f0 = high1 + low0 + carry;

	int n = (int)(f0 >> 62);
	f0 &= (UINT64_C(1) << 62) - 1;
	int negative = 0;
	if ((f0 >> 61) != 0) {
		n++;
		negative = 1;
		uint64_t borrow;
		f2 = sub64(0, f2, 0, &borrow);
		f1 = sub64(0, f1, borrow, &borrow);
		f0 = (UINT64_C(1) << 62) - f0 - borrow;
	}

	int scale = -126;
	while (f0 == 0) {
		if (f1 == 0 && f2 == 0) {
			*hi = 0;
			*lo = 0;
			return n & 3;
		}
		f0 = f1;
		f1 = f2;
		f2 = 0;
		scale -= 64;
	}
	unsigned lz = leading_zeros64(f0);
	if (lz != 0) {
		f0 = (f0 << lz) | (f1 >> (64 - lz));
		f1 = (f1 << lz) | (f2 >> (64 - lz));
		scale -= (int)lz;
	}

	uint64_t aHigh, aLow, bHigh, bLow, cHigh, cLow, dHigh, dLow;
	mul64(f0, PIO2_FIXED_HIGH, &aHigh, &aLow);
	mul64(f0, PIO2_FIXED_LOW, &bHigh, &bLow);
	mul64(f1, PIO2_FIXED_HIGH, &cHigh, &cLow);
	mul64(f1, PIO2_FIXED_LOW, &dHigh, &dLow);
	(void)dLow;
	uint64_t carry2a, carry2b, carry1a, carry1b, carry1c;
	(void)add64(bLow, cLow, 0, &carry2a);
	(void)add64(bLow + cLow, dHigh, 0, &carry2b);
	uint64_t p1 = add64(aLow, bHigh, 0, &carry1a);
	p1 = add64(p1, cHigh, 0, &carry1b);
	p1 = add64(p1, carry2a + carry2b, 0, &carry1c);
	uint64_t p0 = aHigh + carry1a + carry1b + carry1c;
	if ((p0 >> 63) == 0) {
		p0 = (p0 << 1) | (p1 >> 63);
		p1 <<= 1;
		scale--;
	}

	double h = (double)(p0 >> 11) * two_pow(scale + 76);
	double l = (double)(int64_t)(((p0 & 0x7FF) << 52) | (p1 >> 12)) * two_pow(scale + 13); /* < 2^63 */
	double sum = h + l;
	l -= sum - h;
	h = sum;
	if (negative) {
		h = -h;
		l = -l;
	}
	*hi = h;
	*lo = l;
	return n & 3;
}

/* reduceQuarterTurns: n (only n mod 4 is meaningful) and y = *hi + *lo
 * with ax = n*pi/2 + y, |y| <= ~pi/4, for finite ax > pi/4. */
static int reduce_quarter_turns(double ax, double *hi, double *lo)
{
	if (ax >= MEDIUM_REDUCTION_LIMIT)
		return reduce_payne_hanek(ax, hi, lo);
	double fn = ax * INV_PIO2 + ROUNDING_SHIFT;
	fn -= ROUNDING_SHIFT;
	int n = (int)fn; /* < 2^21 */

	double r = ax - fn * PIO2_FIRST;
	double w = fn * PIO2_FIRST_T;
	double h = r - w;
	int exponent = (int)(to_bits(ax) >> 52);
	if (exponent - (int)((to_bits(h) >> 52) & 0x7FF) > 16) {
		double t = r;
		w = fn * PIO2_SECOND;
		r = t - w;
		w = fn * PIO2_SECOND_T - ((t - r) - w);
		h = r - w;
		if (exponent - (int)((to_bits(h) >> 52) & 0x7FF) > 49) {
			t = r;
			w = fn * PIO2_THIRD;
			r = t - w;
			w = fn * PIO2_THIRD_T - ((t - r) - w);
			h = r - w;
		}
	}
	*lo = (r - h) - w;
	*hi = h;
	return n;
}

double snn_sin(double x)
{
	double ax = abs_value(x);
	if (ax <= PIO4) {
		if (ax < 0x1p-26)
			return x;
		return sin_kernel(x, 0);
	}
	if (is_nan(x) || is_inf(x))
		return nan_value();
	double hi, lo;
	int quadrant = reduce_quarter_turns(ax, &hi, &lo);
	double s;
	switch (quadrant & 3) {
	case 0:
		s = sin_kernel(hi, lo);
		break;
	case 1:
		s = cos_kernel(hi, lo);
		break;
	case 2:
		s = -sin_kernel(hi, lo);
		break;
	default:
		s = -cos_kernel(hi, lo);
		break;
	}
	if (x < 0)
		return -s;
	return s;
}

double snn_cos(double x)
{
	double ax = abs_value(x);
	if (ax <= PIO4) {
		if (ax < 0x1p-27)
			return 1;
		return cos_kernel(x, 0);
	}
	if (is_nan(x) || is_inf(x))
		return nan_value();
	double hi, lo;
	int quadrant = reduce_quarter_turns(ax, &hi, &lo);
	switch (quadrant & 3) {
	case 0:
		return cos_kernel(hi, lo);
	case 1:
		return -sin_kernel(hi, lo);
	case 2:
		return -cos_kernel(hi, lo);
	default:
		return sin_kernel(hi, lo);
	}
}

/* mathfn.CosTurn: cos(2*pi*u) for 0 <= u < 1, reduced in turns (exactly),
 * then one kernel; the angle of rng.StdNormal. */
double snn_cos_turn(double u)
{
	double n = (4 * u + ROUNDING_SHIFT) - ROUNDING_SHIFT;
	double x = CONST(0x401921FB54442D18) * (u - 0.25 * n);
	switch ((int64_t)n & 3) {
	case 0:
		return cos_kernel(x, 0);
	case 1:
		return -sin_kernel(x, 0);
	case 2:
		return -cos_kernel(x, 0);
	default:
		return sin_kernel(x, 0);
	}
}
