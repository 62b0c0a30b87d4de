/*
 * summed.c: step 4a of spec/language.md section 6, the summed variables
 * (backends/interp/summed.go). Every post neuron's summed variable is set
 * to 0, then each projection's summed kernel adds its synapses'
 * contributions, projection by projection in declaration order and, for
 * each post neuron, synapse by synapse in synapse order: the
 * interpreter's additions in its order, so the sums are the same bits at
 * any number of threads.
 *
 * A kernel that splits (backends/llvm/summed.go) runs in two parallel
 * loops: its parts write every synapse's contribution to a buffer (a
 * loop that vectorises), then the post neurons, split among the threads,
 * each add their synapses' contributions in synapse order (the rows by
 * post neuron, bp_start and bp_syn). Any other runs whole, on the main
 * thread, over all synapses in synapse order.
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* The buffers of the split kernels' contributions, per projection
 * (n_summed_vars rows of nsyn), made at the first step. */
static double **contrib;

/* What accumulate adds: set by the main thread before each dispatch. */
static struct {
	const proj_rt *ps;
	const double *c;
	double *target;
} acc;

/* accumulate adds, for post neurons [lo, hi), their synapses'
 * contributions into the summed variable, in synapse order. */
static void accumulate(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	(void)out;
	const int64_t *start = acc.ps->bp_start;
	const int32_t *syn = acc.ps->bp_syn;
	const double *v = acc.c;
	double *target = acc.target;
	for (int64_t j = lo; j < hi; j++) {
		double s = target[j];
		for (int64_t n = start[j]; n < start[j + 1]; n++)
			s += v[syn[n]];
		target[j] = s;
	}
}

void snn_summed_step(void)
{
	int nq = net.model->n_projections;
	for (int q = 0; q < nq; q++) {
		const snn_projection *pr = &net.model->projections[q];
		int64_t n = net.pops[pr->post].n;
		for (int x = 0; x < pr->n_summed_vars; x++)
			memset(net.ctx.var[pr->summed_vars[x]], 0, (size_t)n * sizeof(double));
	}
	if (!contrib)
		contrib = snn_xcalloc((size_t)nq + 1, sizeof(double *));
	for (int q = 0; q < nq; q++) {
		const snn_projection *pr = &net.model->projections[q];
		const proj_rt *ps = &net.projs[q];
		int64_t nsyn = ps->nsyn;
		if (!pr->summed || nsyn == 0)
			continue;
		if (!pr->summed_parts) {
			pr->summed(&net.ctx, 0, nsyn, NULL);
			continue;
		}
		if (!contrib[q])
			contrib[q] = snn_xmalloc((size_t)nsyn * (size_t)pr->n_summed_vars * sizeof(double));
		for (int x = 0; x < pr->n_summed_vars; x++)
			snn_par(pr->summed_parts[x], nsyn, contrib[q] + (int64_t)x * nsyn);
		for (int x = 0; x < pr->n_summed_vars; x++) {
			acc.ps = ps;
			acc.c = contrib[q] + (int64_t)x * nsyn;
			acc.target = net.ctx.var[pr->summed_vars[x]];
			snn_par(accumulate, ps->n_post, NULL);
		}
	}
}
