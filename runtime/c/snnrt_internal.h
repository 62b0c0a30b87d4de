/*
 * snnrt_internal.h: the runtime's own functions, shared by its files.
 * Each mirrors a Go function of snnc's runtime packages bit for bit; the
 * comment names it.
 */
#ifndef SNNRT_INTERNAL_H
#define SNNRT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "snnrt.h"

/* rng.c: runtime/rng. */
void snn_philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]); /* rng.Philox */
void snn_block(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, uint32_t out[4]); /* rng.Source.Block */
double snn_rng_unit(uint32_t a, uint32_t b);                      /* rng.Unit (not snn_unit: snnrt.h's unit type) */
uint64_t snn_below(const uint32_t w[4], uint64_t n);              /* rng.Below */
void snn_log_units(const double *u, double *out, int64_t n); /* snn_log for u in [2^-53, 1], vectorised */
void snn_block_heads(uint64_t seed, uint32_t stream, uint64_t n0, int64_t count, uint64_t index, uint64_t *out);
/* rng.Below on snn_block_heads's 64-bit number: inline, called per draw. */
static inline uint64_t snn_below_head(uint64_t x, uint64_t n)
{
#if defined(__SIZEOF_INT128__)
	__extension__ typedef unsigned __int128 u128;
	return (uint64_t)(((u128)x * (u128)n) >> 64);
#else
	const uint64_t mask32 = (UINT64_C(1) << 32) - 1;
	uint64_t x0 = x & mask32, x1 = x >> 32;
	uint64_t y0 = n & mask32, y1 = n >> 32;
	uint64_t w0 = x0 * y0;
	uint64_t t = x1 * y0 + (w0 >> 32);
	uint64_t w1 = t & mask32, w2 = t >> 32;
	w1 += x0 * y1;
	return x1 * y1 + w2 + (w1 >> 32);
#endif
}
uint64_t snn_geometric(const uint32_t w[4], double logq, uint64_t max); /* rng.Geometric */
void snn_geometric_heads(const uint64_t *heads, int64_t n, double logq, double *u, double *g);
double snn_log_complement(double p);                               /* rng.LogComplement */
#define SNN_STREAM_INPUT 0x80000000u   /* rng.StreamInput */
#define SNN_STREAM_CONNECT 0xC0000000u /* rng.StreamConnect */

/* mathfn.c: runtime/mathfn (snn_exp ... snn_fmod are in snnrt.h). */
double snn_expm1(double), snn_log1p(double);

#endif
