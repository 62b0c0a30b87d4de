/*
 * fixed.c: snnc's fixed-point arithmetic, a port of runtime/fixed (Go),
 * bit for bit: a format is W bits (2..32), F fraction bits (0..31); every
 * operation computes its exact result in 64 (division: 128) bits, rounds
 * to nearest with ties away from zero, and saturates. Raw values travel as
 * int64_t. runtime/native_math_test.go checks these against the Go
 * functions.
 */
#include <math.h>
#include <stdint.h>

#include "snnrt.h"
#include "snnrt_internal.h"

static int64_t fx_max(int w) { return ((int64_t)1 << (w - 1)) - 1; }
static int64_t fx_min(int w) { return -((int64_t)1 << (w - 1)); }

static int64_t fx_sat(int64_t x, int w)
{
	int64_t hi = fx_max(w), lo = fx_min(w);
	return x > hi ? hi : x < lo ? lo : x;
}

/* x * 2^s: exact for s >= 0 (the caller keeps it within int64), rounded
 * to nearest, ties away from zero, for s < 0. */
static int64_t fx_shift(int64_t x, int s)
{
	if (s >= 0)
		return x * ((int64_t)1 << s);
	if (s < -62)
		return 0;
	int64_t half = (int64_t)1 << (-s - 1);
	if (x >= 0)
		return (x + half) >> -s;
	return -((-x + half) >> -s);
}

/* convert: an exact value with frac fraction bits into (w, f). */
static int64_t fx_convert(int64_t x, int frac, int w, int f)
{
	int s = f - frac;
	if (s <= 0)
		return fx_sat(fx_shift(x, s), w);
	if (s >= 32 || x >= ((int64_t)1 << (62 - s)) || x <= -((int64_t)1 << (62 - s)))
		return x > 0 ? fx_max(w) : x < 0 ? fx_min(w) : 0;
	return fx_sat(x * ((int64_t)1 << s), w);
}

int64_t snn_fx_convert(int64_t r, int32_t ff, int32_t w, int32_t f) { return fx_convert(r, ff, w, f); }

int64_t snn_fx_add(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f)
{
	int m = fa > fb ? fa : fb;
	return fx_convert(a * ((int64_t)1 << (m - fa)) + b * ((int64_t)1 << (m - fb)), m, w, f);
}

int64_t snn_fx_sub(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f)
{
	int m = fa > fb ? fa : fb;
	return fx_convert(a * ((int64_t)1 << (m - fa)) - b * ((int64_t)1 << (m - fb)), m, w, f);
}

int64_t snn_fx_mul(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f)
{
	return fx_convert(a * b, fa + fb, w, f);
}

int64_t snn_fx_div(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f)
{
	int neg = (a < 0) != (b < 0);
	int64_t sat = neg ? fx_min(w) : fx_max(w);
	if (a == 0)
		return 0;
	if (b == 0)
		return sat;
	uint64_t ua = (uint64_t)(a < 0 ? -a : a), ub = (uint64_t)(b < 0 ? -b : b);
	int s = f + fb - fa;
	unsigned __int128 num, den;
	if (s >= 0) {
		num = (unsigned __int128)ua << s;
		if ((num >> 64) >= ub)
			return sat; /* the quotient is 2^64 or more */
		den = ub;
	} else {
		int len = 64 - __builtin_clzll(ub);
		if (len - s > 64)
			return 0;
		num = ua;
		den = (unsigned __int128)(ub << -s);
	}
	unsigned __int128 q = num / den, r = num % den;
	if (r >= den - r)
		q++;
	if (neg)
		return q > (unsigned __int128)(-(fx_min(w))) ? fx_min(w) : -(int64_t)q;
	return q > (unsigned __int128)fx_max(w) ? fx_max(w) : (int64_t)q;
}

int64_t snn_fx_neg(int64_t a, int32_t fa, int32_t w, int32_t f) { return fx_convert(-a, fa, w, f); }
int64_t snn_fx_abs(int64_t a, int32_t fa, int32_t w, int32_t f) { return fx_convert(a < 0 ? -a : a, fa, w, f); }

int32_t snn_fx_cmp(int64_t a, int32_t fa, int64_t b, int32_t fb)
{
	int m = fa > fb ? fa : fb;
	int64_t x = a * ((int64_t)1 << (m - fa)), y = b * ((int64_t)1 << (m - fb));
	return x < y ? -1 : x > y ? 1 : 0;
}

int64_t snn_fx_from_double(double x, int32_t w, int32_t f)
{
	if (isnan(x))
		return 0;
	double y = round(ldexp(x, f));
	if (y >= (double)fx_max(w))
		return fx_max(w);
	if (y <= (double)fx_min(w))
		return fx_min(w);
	return (int64_t)y;
}

double snn_fx_to_double(int64_t r, int32_t f) { return ldexp((double)r, -f); }

int64_t snn_fx_dither(int64_t r, int32_t ff, int32_t w, int32_t f, uint64_t bits)
{
	int s = ff - f;
	if (s <= 0)
		return fx_convert(r, ff, w, f);
	return fx_sat((r + (int64_t)(bits >> (64 - s))) >> s, w);
}

uint64_t snn_dither_bits(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index)
{
	uint32_t out[4];
	snn_block(seed, stream, n, index, out);
	return (uint64_t)out[0] << 32 | out[1];
}
