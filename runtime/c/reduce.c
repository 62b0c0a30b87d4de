/*
 * reduce.c: the reductions over populations and projections (ir.Reduce,
 * interp's reduce.go): each folds its variable over every element, in
 * element order (neurons by index, synapses in synapse order), one after
 * the other on the main thread, so the result is the same bits whatever
 * the threads: a sum from +0 (the mean divides it by the count), max and
 * min by snn_max and snn_min from -Inf and +Inf.
 */
#include <math.h>

#include "net.h"

void snn_reduce(void)
{
	for (int i = 0; i < net.model->n_reductions; i++) {
		const snn_reduction *r = &net.model->reductions[i];
		int64_t n = r->src_kind == 0 ? net.model->populations[r->src].size : net.projs[r->src].nsyn;
		const double *x = net.ctx.var[r->var];
		/* A uniform parameter is one value, counted n times. */
		int64_t step = net.vars[r->var].len == 0 ? 0 : 1;
		double acc;
		switch (r->kind) {
		case SNN_REDUCE_MAX:
			acc = -INFINITY;
			for (int64_t e = 0; e < n; e++)
				acc = snn_max(acc, x[e * step]);
			break;
		case SNN_REDUCE_MIN:
			acc = INFINITY;
			for (int64_t e = 0; e < n; e++)
				acc = snn_min(acc, x[e * step]);
			break;
		default:
			acc = 0;
			for (int64_t e = 0; e < n; e++)
				acc += x[e * step];
			if (r->kind == SNN_REDUCE_MEAN)
				acc /= (double)n;
		}
		net.ctx.var[r->dst][0] = acc;
	}
}
