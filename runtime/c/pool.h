/*
 * pool.h: the thread pool (pool.c), for the files that build and step the
 * network (net.h includes it); connect.c needs only snn_parallel, which
 * rt.h declares. The pool knows kernels, elements and parts, not the
 * network: a population job runs the function the step loop gives it
 * (snn_pool_pop_parts) on each part's items. pool.c uses util.c only;
 * everything that runs on the threads calls down into it.
 */
#ifndef SNN_POOL_H
#define SNN_POOL_H

#include <stdint.h>
#include <string.h>

#include "rt.h"

/* The pool's settings, fixed by snn_pool_start (the others only read
 * them). */
typedef struct snn_pool_config {
	int threads;        /* --threads: the main thread and threads - 1 workers */
	int64_t min_chunk;  /* a kernel job's chunks have at least this many elements */
	int64_t split_events; /* a delivery with fewer events runs on one thread (step.c) */
	int64_t balance_jobs; /* the rebalance window, in population jobs */
} snn_pool_config;
extern snn_pool_config snn_pool;

/* snn_pool_start starts threads - 1 workers; kernels run in context c. */
void snn_pool_start(int threads, snn_ctx *c);

/* pieces_of is how many pieces a population of n neurons has at threads
 * threads (before snn_pool_start: with the default min_chunk, as the
 * memory estimate needs). */
int snn_pieces_of(int64_t n, int64_t weight, int threads);
int64_t snn_step_weight(int64_t n, int32_t work);

/* snn_piece_start is where chunk or piece c of n elements in pieces
 * begins: an equal share rounded down to a multiple of 8 elements. The
 * arrays begin on cache lines (snn_alloc_vals), and so does each piece's
 * share of them: a thread's vector loads and stores then never straddle
 * two lines (a split line costs two accesses; CUBA 40 000's update took
 * about 20% longer with arrays 16 bytes off a line). A piece may be
 * empty. */
static inline int64_t snn_piece_start(int64_t n, int pieces, int c)
{
	return c >= pieces ? n : n * c / pieces & ~(int64_t)7;
}

/* snn_par_run runs a range kernel over elements [base, base + n) in
 * chunks, one per thread while they last; out, if not NULL, gets element
 * el's result in out[el]. With idx, each chunk also lists its elements
 * whose result is not 0 (and, with ref, that are not refractory in step
 * kstep) in idx[lo...]. */
void snn_par_run(snn_kernel k, int64_t base, int64_t n, double *out, int64_t *idx, const int64_t *ref, int64_t kstep);

/* snn_par_range runs kernel k, if any, over elements [lo, hi). */
static inline void snn_par_range(snn_kernel k, int64_t lo, int64_t hi, double *out)
{
	if (hi <= lo || k == NULL)
		return;
	snn_par_run(k, lo, hi - lo, out, NULL, NULL, 0);
}

/* snn_par runs kernel k, if any, over elements [0, n). */
static inline void snn_par(snn_kernel k, int64_t n, double *out)
{
	snn_par_range(k, 0, n, out);
}

/* snn_par_collect_range runs a threshold kernel as snn_par_range does
 * and lists in idx[0...], in increasing order, the elements whose result
 * is not 0 and, with ref, that are not refractory in step kstep (k >=
 * ref[el]); it returns how many. snn_par_collect does it for [0, n). */
int64_t snn_par_collect_range(snn_kernel k, int64_t lo, int64_t hi, double *out, int64_t *idx, const int64_t *ref,
	int64_t kstep);
static inline int64_t snn_par_collect(snn_kernel k, int64_t n, double *out, int64_t *idx, const int64_t *ref, int64_t kstep)
{
	return snn_par_collect_range(k, 0, n, out, idx, ref, kstep);
}

/* ------------------------------------------------------------------ */
/* Population jobs: one part per thread, each a contiguous run of items
 * (the step loop's pieces of the populations), in chains of steps.     */

/* A part of a population job: items [lo, hi), in step k, run by thread
 * thread; with chained, the spikes due are those job h - 1 left. It
 * returns the synapses it ran. */
typedef int64_t (*snn_pop_part_fn)(int thread, unsigned h, int64_t k, int chained, int lo, int hi);

/* snn_pool_pop_parts sets what a population job runs: fn, over n_items
 * items, thread t's part being items [bound[t], bound[t+1]) (the pool
 * moves the bounds: rebalance); shared says whether the threads share
 * them, or the main thread runs them all. */
void snn_pool_pop_parts(snn_pop_part_fn fn, int *bound, int n_items, int shared);

/* snn_pool_pop_job runs a population job in step k and returns its
 * number (its spikes are in buffer number % 2) when all its parts are
 * done. A job that begins a chain asks room(k) how many steps from k on
 * may run in the chain (1: none after k). */
unsigned snn_pool_pop_job(int64_t k, int64_t (*room)(int64_t k));

/* snn_pool_in_chain says whether the next step is one of the chain being
 * run: its parts find the spikes due among the pieces' spikes. */
int snn_pool_in_chain(void);

/* snn_pool_events is how many synapses the population jobs ran;
 * snn_pool_report prints the pool's counts (SNNRT_POOL_STATS, for tests). */
int64_t snn_pool_events(void);
void snn_pool_report(void);

/* The item (a chunk, or a population piece) that the calling thread is
 * running: of the kernel errors of a job, the first item's is reported
 * (snn_fail_segment). A population job's part function sets it. */
extern _Thread_local int snn_pool_item;

/* ------------------------------------------------------------------ */
/* Threshold results.                                                   */

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "snn_hits reads result bytes as little-endian words"
#endif

static inline uint64_t snn_word(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* snn_hits lists, from idx[m] on, the elements of [lo, hi) whose result
 * byte is not 0 (and, with ref, that are not refractory in step kstep), a
 * word of eight bytes at a time, and returns the new m. */
static inline int64_t snn_hits(const uint8_t *out, int64_t lo, int64_t hi, int64_t *idx, int64_t m,
			       const int64_t *ref, int64_t kstep)
{
	for (int64_t el = lo; el < hi; el += 8) {
		uint64_t w = 0;
		memcpy(&w, &out[el], (size_t)(hi - el < 8 ? hi - el : 8));
		while (w) {
			/* the first byte not 0 (a little-endian word) */
			int b = __builtin_ctzll(w) / 8;
			w &= ~(UINT64_C(0xFF) << (8 * b));
			if (!ref || kstep >= ref[el + b])
				idx[m++] = el + b;
		}
	}
	return m;
}

/* snn_collect runs a threshold kernel (or a step kernel) in context c
 * over elements [lo, hi), lists in all[lo...] the elements whose result
 * is 1 and, with ref, that are not refractory in step kstep, and returns
 * how many. The pool's kernel jobs and the step loop's population jobs
 * both run it, each inlined in its loop. */
static inline int64_t snn_collect(snn_ctx *c, snn_kernel k, int64_t lo, int64_t hi, double *results, int64_t *all,
				  const int64_t *ref, int64_t kstep)
{
	/* A threshold: one byte per element (snnrt.h). */
	const uint8_t *out = (const uint8_t *)results;
	if (lo < hi)
		k(c, lo, hi, (double *)(void *)((uint8_t *)results + lo));
	/* Few neurons spike in a step: 64 results at a time are tested at
	 * once, and only where one is not 0 are they looked at. */
	int64_t m = 0, el = lo, *idx = all + lo;
	for (; el + 64 <= hi; el += 64) {
		const uint8_t *p = &out[el];
		if (snn_word(p) | snn_word(p + 8) | snn_word(p + 16) | snn_word(p + 24) | snn_word(p + 32) |
			snn_word(p + 40) | snn_word(p + 48) | snn_word(p + 56))
			m = snn_hits(out, el, el + 64, idx, m, ref, kstep);
	}
	return snn_hits(out, el, hi, idx, m, ref, kstep);
}

#endif
