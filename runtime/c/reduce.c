/*
 * reduce.c: the reductions over populations and projections (ir.Reduce,
 * interp's reduce.go): each folds its variable over every element, in
 * element order (neurons by index, synapses in synapse order), one after
 * the other on the main thread, so the result is the same bits whatever
 * the threads: a sum from +0 (the mean divides it by the count), max and
 * min by snn_max and snn_min from -Inf and +Inf. A synapse trace is read
 * decayed to the step from the synapse's last event, as a state monitor
 * records it (monitor.c, MON_TRACE).
 */
#include <math.h>

#include "net.h"

/* value returns element e of variable id, a uniform parameter being one
 * value; with tlast, decayed to time t by tau (or tau_arr[e]). */
static inline double value(const double *x, int64_t step, int64_t e, const double *tlast, double t, double tau,
	const double *tau_arr)
{
	double v = x[e * step];
	if (tlast)
		v *= snn_exp(-(t - tlast[e]) / (tau_arr ? tau_arr[e] : tau));
	return v;
}

void snn_reduce(void)
{
	double t = (double)net.ctx.step * net.dt;
	for (int i = 0; i < net.model->n_reductions; i++) {
		const snn_reduction *r = &net.model->reductions[i];
		int64_t n = r->src_kind == 0 ? net.model->populations[r->src].size : net.projs[r->src].nsyn;
		const double *x = net.ctx.var[r->var];
		/* A uniform parameter is one value, counted n times. */
		int64_t step = net.vars[r->var].len == 0 ? 0 : 1;
		/* Over a subgroup, its neurons: element e is neuron lo + e. */
		if (r->n > 0) {
			x += r->lo * step;
			n = r->n;
		}
		const snn_var *v = net.vars[r->var].v;
		const double *tlast = NULL, *tau_arr = NULL;
		double tau = v->tau;
		if (r->src_kind == 1 && v->kind == SNN_TRACE) {
			int last = snn_find_var(net.model->projections[r->src].vars, "trace.tlast");
			if (last >= 0)
				tlast = net.ctx.var[last];
			if (v->tau_var >= 0) {
				if (net.vars[v->tau_var].len == 0)
					tau = net.ctx.var[v->tau_var][0];
				else
					tau_arr = net.ctx.var[v->tau_var];
			}
		}
		double acc;
		switch (r->kind) {
		case SNN_REDUCE_MAX:
			acc = -INFINITY;
			for (int64_t e = 0; e < n; e++)
				acc = snn_max(acc, value(x, step, e, tlast, t, tau, tau_arr));
			break;
		case SNN_REDUCE_MIN:
			acc = INFINITY;
			for (int64_t e = 0; e < n; e++)
				acc = snn_min(acc, value(x, step, e, tlast, t, tau, tau_arr));
			break;
		default:
			acc = 0;
			for (int64_t e = 0; e < n; e++)
				acc += value(x, step, e, tlast, t, tau, tau_arr);
			if (r->kind == SNN_REDUCE_MEAN)
				acc /= (double)n;
		}
		net.ctx.var[r->dst][0] = acc;
	}
}
