/*
 * queue.c: a projection's spikes in flight, as runtime/queue.go keeps
 * them (runtime.Queue): a ring of delay+1 slots; presynaptic indices with
 * one delay, synapse indices (sorted before delivery) with a delay per
 * synapse.
 */
#include <stdlib.h>
#include <string.h>

#include "rt.h"

void snn_queue_init(snn_queue *q, int64_t delay)
{
	memset(q, 0, sizeof *q);
	q->L = delay + 1;
	q->slots = snn_xcalloc((size_t)q->L, sizeof(snn_vi32));
	q->delay = delay;
}

void snn_queue_init_synapse(snn_queue *q, const int32_t *delays, int64_t nsyn, const int64_t *row_start)
{
	int64_t maxd = 0;
	for (int64_t s = 0; s < nsyn; s++)
		if (delays[s] > maxd)
			maxd = delays[s];
	memset(q, 0, sizeof *q);
	q->L = maxd + 1;
	q->slots = snn_xcalloc((size_t)q->L, sizeof(snn_vi32));
	q->per_syn = 1;
	q->syn_delay = delays;
	q->row_start = row_start;
	q->unordered = snn_xcalloc((size_t)q->L, 1);
}

void snn_queue_push(snn_queue *q, int64_t n, const int32_t *spikes, int64_t len)
{
	if (len == 0)
		return;
	int64_t L = q->L;
	if (!q->per_syn) {
		snn_vi32 *s = &q->slots[(n + 1 + q->delay) % L];
		snn_vi32_reserve(s, s->n + len);
		memcpy(s->a + s->n, spikes, (size_t)len * sizeof(int32_t));
		s->n += len;
		return;
	}
	for (int64_t x = 0; x < len; x++) {
		int32_t i = spikes[x];
		for (int64_t syn = q->row_start[i]; syn < q->row_start[i + 1]; syn++) {
			int64_t si = (n + 1 + (int64_t)q->syn_delay[syn]) % L;
			snn_vi32 *s = &q->slots[si];
			if (s->n > 0 && !q->unordered[si] && s->a[s->n - 1] > (int32_t)syn)
				q->unordered[si] = 1;
			snn_vi32_push(s, (int32_t)syn);
		}
	}
}

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
}

/* sort_i32 sorts non-negative int32s: insertion sort when short, qsort
 * in between, an LSD radix sort when long (equal values are equal, so
 * any sort gives the same array). */
static void sort_i32(int32_t *a, int64_t n)
{
	if (n >= 32 && n < 65536) {
		qsort(a, (size_t)n, sizeof(int32_t), cmp_i32);
		return;
	}
	if (n < 32) {
		for (int64_t i = 1; i < n; i++) {
			int32_t x = a[i];
			int64_t j = i;
			for (; j > 0 && a[j - 1] > x; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	int32_t *tmp = snn_xmalloc((size_t)n * sizeof(int32_t));
	int32_t *src = a, *dst = tmp;
	for (int shift = 0; shift < 32; shift += 16) {
		static int64_t count[65537];
		memset(count, 0, sizeof count);
		for (int64_t i = 0; i < n; i++)
			count[(((uint32_t)src[i] >> shift) & 0xFFFF) + 1]++;
		for (int d = 0; d < 65536; d++)
			count[d + 1] += count[d];
		for (int64_t i = 0; i < n; i++)
			dst[count[((uint32_t)src[i] >> shift) & 0xFFFF]++] = src[i];
		int32_t *t = src;
		src = dst;
		dst = t;
	}
	/* two passes: the result is back in a */
	free(tmp);
}

const int32_t *snn_queue_deliver(snn_queue *q, int64_t k, int64_t *len)
{
	int64_t si = k % q->L;
	snn_vi32 *s = &q->slots[si];
	if (q->per_syn && q->unordered[si]) {
		sort_i32(s->a, s->n);
		q->unordered[si] = 0;
	}
	*len = s->n;
	/* The slot is emptied; its contents stay readable until the next push. */
	s->n = 0;
	return s->a;
}
