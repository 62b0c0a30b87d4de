/*
 * input.c: the inputs, as runtime/input.go makes them: Poisson sources by
 * geometric gaps (runtime.Poisson), redrawn at each change of rate, and
 * spike trains (runtime.SpikeTrain).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static int less(const snn_pending *a, const snn_pending *b)
{
	return a->step < b->step || (a->step == b->step && a->index < b->index);
}

static void heap_push(snn_poisson *p, snn_pending x)
{
	int64_t i = p->heap_n++;
	p->heap[i] = x;
	while (i > 0) {
		int64_t up = (i - 1) / 2;
		if (!less(&p->heap[i], &p->heap[up]))
			break;
		snn_pending t = p->heap[i];
		p->heap[i] = p->heap[up];
		p->heap[up] = t;
		i = up;
	}
}

static snn_pending heap_pop(snn_poisson *p)
{
	snn_pending top = p->heap[0];
	p->heap[0] = p->heap[--p->heap_n];
	int64_t i = 0, n = p->heap_n;
	for (;;) {
		int64_t l = 2 * i + 1, m = i;
		if (l < n && less(&p->heap[l], &p->heap[m]))
			m = l;
		if (l + 1 < n && less(&p->heap[l + 1], &p->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		snn_pending t = p->heap[i];
		p->heap[i] = p->heap[m];
		p->heap[m] = t;
		i = m;
	}
	return top;
}

void snn_poisson_init(snn_poisson *p, uint64_t seed, uint32_t stream, int64_t size, double dt, int64_t steps,
	int64_t period_steps, const double *table, int64_t width, int64_t periods)
{
	memset(p, 0, sizeof *p);
	p->seed = seed;
	p->stream = stream;
	p->size = size;
	p->dt = dt;
	p->steps = steps;
	p->period_steps = period_steps;
	p->table = table;
	p->width = width;
	p->periods = periods;
	size_t n = (size_t)(size > 0 ? size : 1);
	p->logq = snn_xcalloc(n, sizeof(double));
	p->draws = snn_xcalloc(n, sizeof(uint64_t));
	p->heap = snn_xcalloc(n, sizeof(snn_pending));
	p->out = snn_xcalloc(n, sizeof(int32_t));
}

/* draw_from schedules source i's next spike at step from or later, as
   runtime.Poisson's drawFrom: the gap capped at the constant GapCap (2^62
   steps), not the run's length, and the spike kept even past the end of the
   run, so that the draws do not depend on the duration and a resumed run
   continues one long run's. */
static void draw_from(snn_poisson *p, int32_t i, int64_t from)
{
	uint32_t w[4];
	snn_block(p->seed, p->stream, p->draws[i], (uint64_t)i, w);
	uint64_t gap = snn_geometric(w, p->logq[i], SNN_GAP_CAP);
	p->draws[i]++;
	heap_push(p, (snn_pending){from + (int64_t)gap, i});
}

/* snn_poisson_resume is runtime.Poisson.Resume: before step k (> 0) the
 * rates of k's period, the draws made, and one pending spike per source
 * (-1: none before 2^53 steps, pending at SNN_GAP_CAP). */
int snn_poisson_resume(snn_poisson *p, int64_t k, const int64_t *draws, const int64_t *next)
{
	int64_t q = 0;
	if (p->period_steps > 0)
		q = k / p->period_steps;
	if (q > p->periods - 1)
		q = p->periods - 1;
	const double *r = p->table + q * p->width;
	for (int64_t i = 0; i < p->size; i++)
		p->logq[i] = snn_log_complement((p->width > 1 ? r[i] : r[0]) * p->dt);
	p->heap_n = 0;
	for (int64_t i = 0; i < p->size; i++) {
		if (draws[i] < 0 || (next[i] != -1 && next[i] < k))
			return 1;
		p->draws[i] = (uint64_t)draws[i];
		heap_push(p, (snn_pending){next[i] == -1 ? (int64_t)SNN_GAP_CAP : next[i], (int32_t)i});
	}
	return 0;
}

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
}

const int32_t *snn_poisson_step(snn_poisson *p, int64_t k, int64_t *len)
{
	if (k == 0 || (p->period_steps > 0 && k % p->period_steps == 0)) {
		int64_t q = 0;
		if (p->period_steps > 0)
			q = k / p->period_steps;
		if (q > p->periods - 1)
			q = p->periods - 1;
		const double *r = p->table + q * p->width;
		for (int64_t i = 0; i < p->size; i++) {
			double rate = r[0];
			if (p->width > 1)
				rate = r[i];
			p->logq[i] = snn_log_complement(rate * p->dt);
		}
		p->heap_n = 0;
		for (int64_t i = 0; i < p->size; i++)
			draw_from(p, (int32_t)i, k);
	}
	p->out_n = 0;
	while (p->heap_n > 0 && p->heap[0].step == k)
		p->out[p->out_n++] = heap_pop(p).index;
	if (p->out_n > 1)
		qsort(p->out, (size_t)p->out_n, sizeof(int32_t), cmp_i32);
	for (int64_t x = 0; x < p->out_n; x++)
		draw_from(p, p->out[x], k + 1);
	*len = p->out_n;
	return p->out;
}

typedef struct spike {
	int64_t step;
	int32_t index;
	int64_t n;
} spike;

static int cmp_spike(const void *x, const void *y)
{
	const spike *a = x, *b = y;
	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	/* ties keep the given order, as Go's stable sort does */
	return (a->n > b->n) - (a->n < b->n);
}

int snn_train_init(snn_train *st, int64_t size, double dt, int64_t steps, const int64_t *indices, const double *times,
	int64_t n, char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	spike *list = snn_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(spike));
	int64_t len = 0;
	for (int64_t x = 0; x < n; x++) {
		int64_t i = indices[x];
		double t = times[x];
		if (i < 0 || i >= size) {
			snprintf(err, errlen, "spike %lld: source %lld is out of range [0, %lld)", (long long)x, (long long)i,
				(long long)size);
			free(list);
			return 1;
		}
		if (!(t >= 0) || isinf(t)) {
			snprintf(err, errlen, "spike %lld: time %s s is not a finite non-negative time", (long long)x, snn_gfmt(t));
			free(list);
			return 1;
		}
		/* runtime.SpikeStep: the step that holds t, with Brian2's shift of
		   dt/1000 so that a time on the grid lands in its own step */
		double shift = 1e-3 * dt;
		double k = floor((t + shift) / dt);
		if (k >= (double)steps)
			continue; /* compared as a double: a huge time overflows an int64 */
		list[len++] = (spike){(int64_t)k, (int32_t)i, x};
	}
	qsort(list, (size_t)len, sizeof(spike), cmp_spike);
	st->steps = snn_xmalloc((size_t)(len > 0 ? len : 1) * sizeof(int64_t));
	st->indices = snn_xmalloc((size_t)(len > 0 ? len : 1) * sizeof(int32_t));
	for (int64_t x = 0; x < len; x++) {
		spike s = list[x];
		if (x > 0 && list[x - 1].step == s.step && list[x - 1].index == s.index) {
			char t1[64];
			snprintf(t1, sizeof t1, "%s", snn_gfmt(times[list[x - 1].n]));
			snprintf(err, errlen,
				"spikes %lld and %lld: source %d fires twice in step %lld (t = %s s and %s s); at most one spike per source and step",
				(long long)list[x - 1].n, (long long)s.n, (int)s.index, (long long)s.step, t1, snn_gfmt(times[s.n]));
			free(list);
			return 1;
		}
		st->steps[x] = s.step;
		st->indices[x] = s.index;
	}
	st->n = len;
	free(list);
	return 0;
}

const int32_t *snn_train_step(snn_train *st, int64_t k, int64_t *len)
{
	while (st->next < st->n && st->steps[st->next] < k)
		st->next++;
	int64_t start = st->next;
	while (st->next < st->n && st->steps[st->next] == k)
		st->next++;
	*len = st->next - start;
	return st->indices + start;
}
