/*
 * summed.c: step 4a of spec/language.md section 6, the summed variables
 * (backends/interp/summed.go). Every summed variable (of the post
 * neurons, or of the pre neurons for summed pre.x) is set to 0, then
 * each projection's summed kernel adds its synapses' contributions,
 * projection by projection in declaration order and synapse by synapse
 * in synapse order: the interpreter's order, so the sums are the same
 * bits at any number of threads.
 *
 * A kernel that writes only its post neuron's variables (summed_by_post)
 * on a projection whose rows are sorted by post neuron runs split among
 * the threads by post neuron: a thread takes, row by row (pre neuron by
 * pre neuron, as synapse order goes), the part of each row onto its post
 * neurons. Each post neuron's synapses then run in synapse order, on one
 * thread, and no two threads write one neuron. Any other runs whole, on
 * the main thread.
 */
#include <string.h>

#include "net.h"

/* Synapses per part of a split run, at least: fewer are not worth a
 * dispatch. */
enum { SUM_PART_SYNAPSES = 1 << 15 };

/* Per projection: 0 not known yet, 1 rows sorted by post neuron, -1 not. */
static signed char *rows_sorted;

/* The projection a split run sums. */
static const proj_rt *sum_ps;

/* rows is a projection's number of rows: its pre side's size. */
static int64_t rows(const snn_projection *pr)
{
	return pr->pre_kind == 0 ? net.model->populations[pr->pre].size : net.model->inputs[pr->pre].size;
}

/* lower_bound is the first position in [a, b) of post whose post neuron
 * is at least j (post sorted there). */
static int64_t lower_bound(const int32_t *post, int64_t a, int64_t b, int64_t j)
{
	while (a < b) {
		int64_t m = a + (b - a) / 2;
		if (post[m] < j)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* sum_part runs the summed kernel of sum_ps for the synapses onto post
 * neurons [lo, hi), row by row. */
static void sum_part(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)arg;
	(void)part;
	const proj_rt *ps = sum_ps;
	const int64_t *start = ps->csr.start;
	const int32_t *post = ps->csr.post;
	snn_kernel k = ps->pr->summed;
	for (int64_t i = 0, n = rows(ps->pr); i < n; i++) {
		int64_t a = lower_bound(post, start[i], start[i + 1], lo);
		int64_t b = lower_bound(post, a, start[i + 1], hi);
		if (a < b)
			k(&net.ctx, a, b, NULL);
	}
}

/* sorted says whether every row of projection q is sorted by post neuron. */
static int sorted(int q)
{
	if (!rows_sorted)
		rows_sorted = snn_xcalloc((size_t)net.model->n_projections + 1, 1);
	if (rows_sorted[q] == 0) {
		const proj_rt *ps = &net.projs[q];
		rows_sorted[q] = 1;
		for (int64_t i = 0, n = rows(ps->pr); i < n && rows_sorted[q] > 0; i++)
			for (int64_t s = ps->csr.start[i] + 1; s < ps->csr.start[i + 1]; s++)
				if (ps->csr.post[s] < ps->csr.post[s - 1]) {
					rows_sorted[q] = -1;
					break;
				}
	}
	return rows_sorted[q] > 0;
}

void snn_summed_step(void)
{
	int nq = net.model->n_projections;
	for (int q = 0; q < nq; q++) {
		const snn_projection *pr = &net.model->projections[q];
		for (int x = 0; x < pr->n_summed_vars; x++) {
			int id = pr->summed_vars[x];
			memset(net.ctx.var[id], 0, (size_t)net.vars[id].len * sizeof(double));
		}
	}
	for (int q = 0; q < nq; q++) {
		const snn_projection *pr = &net.model->projections[q];
		const proj_rt *ps = &net.projs[q];
		int64_t nsyn = ps->nsyn;
		if (!pr->summed || nsyn == 0)
			continue;
		int64_t parts = nsyn / SUM_PART_SYNAPSES;
		if (snn_pool.threads > 1 && pr->summed_by_post && ps->n_post > 1 && sorted(q)) {
			/* At least SUM_PART_SYNAPSES a part, on average (tests
			 * split any: SNNRT_MIN_CHUNK). */
			int64_t min_part = parts > 1 ? ps->n_post / parts : ps->n_post;
			sum_ps = ps;
			snn_parallel(ps->n_post, min_part > 0 ? min_part : 1, sum_part, NULL);
			continue;
		}
		pr->summed(&net.ctx, 0, nsyn, NULL);
	}
}
