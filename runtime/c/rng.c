/*
 * rng.c: a port of snnc's Go package runtime/rng, bit for bit: the
 * Philox4x32-10 counter-based generator and the draws built on it.
 *
 * The 128-bit counter holds
 *
 *     word 0: index bits 0-31
 *     word 1: index bits 32-55, then n bits 0-7 in the top byte
 *     word 2: n bits 8-39
 *     word 3: stream
 *
 * and the 64-bit key is the seed (low word first). Compile with
 * -ffp-contract=off, as mathfn.c: the products below must be rounded
 * before the sums.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "snnrt.h"
#include "snnrt_internal.h"

/* Philox4x32-10's multipliers and Weyl key increments (Random123). */
#define MUL0 UINT32_C(0xD2511F53)
#define MUL1 UINT32_C(0xCD9E8D57)
#define WEYL0 UINT32_C(0x9E3779B9)
#define WEYL1 UINT32_C(0xBB67AE85)

/* philox_rounds is rng.Philox on the words (c0, c1, c2, c3) under the key
 * (k0, k1), in place: inlined into snn_philox, and into the loop of
 * snn_block_heads, which the compiler vectorises over the blocks. */
static inline __attribute__((always_inline)) void philox_rounds(uint32_t *w0, uint32_t *w1, uint32_t *w2,
	uint32_t *w3, uint32_t k0, uint32_t k1)
{
	uint32_t c0 = *w0, c1 = *w1, c2 = *w2, c3 = *w3;
	for (int r = 0; r < 10; r++) {
		uint64_t p0 = (uint64_t)MUL0 * (uint64_t)c0;
		uint64_t p1 = (uint64_t)MUL1 * (uint64_t)c2;
		uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
		uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
		c0 = hi1 ^ c1 ^ k0;
		c1 = lo1;
		c2 = hi0 ^ c3 ^ k1;
		c3 = lo0;
		k0 = (uint32_t)(k0 + WEYL0);
		k1 = (uint32_t)(k1 + WEYL1);
	}
	*w0 = c0;
	*w1 = c1;
	*w2 = c2;
	*w3 = c3;
}

/* rng.Philox: the Philox4x32-10 block of counter ctr under key. */
void snn_philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
	uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
	philox_rounds(&c0, &c1, &c2, &c3, key[0], key[1]);
	out[0] = c0;
	out[1] = c1;
	out[2] = c2;
	out[3] = c3;
}

/* rng.Source.Block: the four words of counter (stream, n, index) under the
 * key seed. */
void snn_block(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, uint32_t out[4])
{
	uint32_t c[4], k[2];
	c[0] = (uint32_t)index;
	c[1] = ((uint32_t)(index >> 32) & UINT32_C(0xFFFFFF)) | (uint32_t)(n << 24);
	c[2] = (uint32_t)(n >> 8);
	c[3] = stream;
	k[0] = (uint32_t)seed;
	k[1] = (uint32_t)(seed >> 32);
	snn_philox(c, k, out);
}

/* snn_block_heads: the first two words of the blocks n0, n0 + 1, ...,
 * n0 + count - 1 of (stream, index), as the one 64-bit number rng.Below
 * reads (word 0 high). The same blocks as snn_block's, in a loop without
 * calls, which the compiler vectorises: Floyd's sampler (connect.c) draws
 * a row's blocks at once, 8 lanes at a time with AVX-512. */
void snn_block_heads(uint64_t seed, uint32_t stream, uint64_t n0, int64_t count, uint64_t index, uint64_t *out)
{
	uint32_t c0 = (uint32_t)index, c1 = (uint32_t)(index >> 32) & UINT32_C(0xFFFFFF);
	uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
	for (int64_t m = 0; m < count; m++) {
		uint64_t n = n0 + (uint64_t)m;
		uint32_t w0 = c0, w1 = c1 | (uint32_t)(n << 24), w2 = (uint32_t)(n >> 8), w3 = stream;
		philox_rounds(&w0, &w1, &w2, &w3, k0, k1);
		out[m] = ((uint64_t)w0 << 32) | (uint64_t)w1;
	}
}

/* rng.Unit: two words to a double in [0, 1) with 53 random bits. */
double snn_rng_unit(uint32_t a, uint32_t b)
{
	return (double)(((uint64_t)a << 21) | ((uint64_t)b >> 11)) * 0x1p-53;
}

/* rng.unitOpen: two words to (0, 1]. */
static double unit_open(uint32_t a, uint32_t b)
{
	return (double)((((uint64_t)a << 21) | ((uint64_t)b >> 11)) + 1) * 0x1p-53;
}

/* rng.Source.Uniform: lo + (hi - lo)*u. */
double snn_uniform(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double lo, double hi)
{
	uint32_t w[4];
	snn_block(seed, stream, n, index, w);
	return lo + (hi - lo) * snn_rng_unit(w[0], w[1]);
}

/* rng.StdNormal: Box-Muller. */
static double std_normal(const uint32_t w[4])
{
	double r = sqrt(-2 * snn_log(unit_open(w[0], w[1])));
	return r * snn_cos_turn(snn_rng_unit(w[2], w[3]));
}

/* rng.Source.Normal: mean + std*StdNormal(w). */
double snn_normal(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double mean, double std)
{
	uint32_t w[4];
	snn_block(seed, stream, n, index, w);
	return mean + std * std_normal(w);
}

/* rng.Source.Exponential: -mean*ln(u), u in (0, 1]. */
double snn_exponential(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double mean)
{
	uint32_t w[4];
	snn_block(seed, stream, n, index, w);
	return -mean * snn_log(unit_open(w[0], w[1]));
}
/* rng.Below: the high half of the 128-bit product of the first two words
 * (as one 64-bit number) and n. */
uint64_t snn_below(const uint32_t w[4], uint64_t n)
{
	return snn_below_head(((uint64_t)w[0] << 32) | (uint64_t)w[1], n);
}

/* rng.Geometric: floor(ln u / logq), u in (0, 1], capped at max. */
uint64_t snn_geometric(const uint32_t w[4], double logq, uint64_t max)
{
	if (logq == 0)
		return max;
	double g = floor(snn_log(unit_open(w[0], w[1])) / logq);
	if (!(g < (double)max))
		return max;
	if (g < 0) {
		/* Only for logq > 0, which LogComplement never gives. Go's
		 * uint64(g) is then implementation-specific; this is what it is
		 * on amd64, without C's undefined behavior. */
		if (g < -0x1p63)
			return UINT64_C(1) << 63;
		return (uint64_t)(int64_t)g;
	}
	return (uint64_t)g; /* 0 <= g < max <= 2^64 */
}

/* snn_geometric_heads is rng.Geometric of the blocks whose first words
 * are heads[0..n) (snn_block_heads), as doubles, for logq < 0 (the
 * caller's rule: LogComplement of a p in (0, 1)): floor(ln u / logq) with
 * u the block's unitOpen, each at least 0 (or -0); a draw of max or more is
 * capped by the caller as snn_geometric caps it. The logs are taken at
 * once (snn_log_units, vectorised). */
void snn_geometric_heads(const uint64_t *heads, int64_t n, double logq, double *u, double *g)
{
	for (int64_t m = 0; m < n; m++)
		u[m] = (double)((heads[m] >> 11) + 1) * 0x1p-53; /* unit_open */
	snn_log_units(u, g, n);
	/* floor of x = ln u / logq >= 0 (or -0, which the caller's cap
	 * reads as 0): truncation below 2^52, x itself above (already
	 * whole); libm's floor would not vectorise here. */
	for (int64_t m = 0; m < n; m++) {
		double x = g[m] / logq;
		uint64_t b;
		memcpy(&b, &x, sizeof b);
		/* x in [0, 2^52) by its bits (an integer compare, which the
		 * compiler turns into a select as it would not a float compare
		 * under -ftrapping-math); -0 is not, and stays -0. */
		int64_t small = -(int64_t)(b < UINT64_C(0x4330000000000000));
		uint64_t xb = b & (uint64_t)small;
		double xs;
		memcpy(&xs, &xb, sizeof xs);
		double t = (double)(int64_t)xs;
		uint64_t tb;
		memcpy(&tb, &t, sizeof tb);
		uint64_t r = (tb & (uint64_t)small) | (b & ~(uint64_t)small);
		memcpy(&g[m], &r, sizeof r);
	}
}

/* rng.LogComplement: ln(1 - p); 0 for p <= 0, -Inf for p >= 1. */
double snn_log_complement(double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return -HUGE_VAL;
	return snn_log1p(-p);
}
