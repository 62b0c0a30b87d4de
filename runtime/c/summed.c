/*
 * summed.c: step 4a of spec/language.md section 6, the summed variables
 * (backends/interp/summed.go). Every summed variable (of the post
 * neurons, or of the pre neurons for summed pre.x) is set to 0, then
 * each projection's summed kernel adds its synapses' contributions,
 * projection by projection in declaration order and synapse by synapse
 * in synapse order: the interpreter's order, so the sums are the same
 * bits at any number of threads.
 */
#include <string.h>

#include "net.h"

void snn_summed_step(void)
{
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		for (int x = 0; x < pr->n_summed_vars; x++) {
			int id = pr->summed_vars[x];
			memset(net.ctx.var[id], 0, (size_t)net.vars[id].len * sizeof(double));
		}
	}
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		if (pr->summed && net.projs[q].nsyn > 0)
			pr->summed(&net.ctx, 0, net.projs[q].nsyn, NULL);
	}
}
