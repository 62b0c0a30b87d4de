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
uint64_t snn_geometric(const uint32_t w[4], double logq, uint64_t max); /* rng.Geometric */
double snn_log_complement(double p);                               /* rng.LogComplement */
#define SNN_STREAM_INPUT 0x80000000u   /* rng.StreamInput */
#define SNN_STREAM_CONNECT 0xC0000000u /* rng.StreamConnect */

/* mathfn.c: runtime/mathfn (snn_exp ... snn_fmod are in snnrt.h). */
double snn_expm1(double), snn_log1p(double);

#endif
