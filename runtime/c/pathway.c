/*
 * pathway.c: a projection's named pathways (on pre NAME, spec/language.md
 * section 3.6), as backends/interp/pathway.go runs them: each with its own
 * spike queue, made from its delay variable as the projection's is from
 * delay, and delivered after the projection's on_pre, by pre neuron, then
 * in synapse order. Models with pathways deliver on the main thread
 * (snn_net.has_paths), so the order of every sum is the interpreter's.
 */
#include <math.h>
#include <stdlib.h>

#include "net.h"

/* path_queue makes the queue of pathway x from its delay variable: one
 * delay for every synapse, or one per synapse. */
static void path_queue(proj_rt *ps, int x)
{
	const snn_pathway *pw = &ps->pr->paths[x];
	snn_queue *q = &ps->path_q[x];
	int64_t nsyn = ps->nsyn;
	if (pw->delay_var < 0 || net.vars[pw->delay_var].len == 0) {
		double d = pw->delay_var < 0 ? 0 : net.ctx.var[pw->delay_var][0];
		double st = round(d / net.dt);
		if (!(st >= 0 && st < 1073741824.0))
			snn_fail("pathway %s: synapse %d has delay %s s; delays must be finite, non-negative and below 2^30 steps",
				pw->name, 0, snn_gfmt(d));
		snn_reserve_ring((int64_t)st, d, 0);
		snn_queue_init(q, (int64_t)st);
		return;
	}
	const double *del = net.ctx.var[pw->delay_var];
	int32_t *steps = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
	for (int64_t s = 0; s < nsyn; s++) {
		double st = round(del[s] / net.dt);
		if (!(st >= 0 && st < 1073741824.0))
			snn_fail("pathway %s: synapse %lld has delay %s s; delays must be finite, non-negative and below 2^30 steps",
				pw->name, (long long)s, snn_gfmt(del[s]));
		steps[s] = (int32_t)st;
	}
	int64_t longest = 0;
	for (int64_t s = 1; s < nsyn; s++)
		if (steps[s] > steps[longest])
			longest = s;
	if (nsyn > 0)
		snn_reserve_ring(steps[longest], del[longest], 1);
	ps->path_delay[x] = steps;
	snn_queue_init_synapse(q, steps, nsyn, ps->csr.start);
}

/* snn_paths_build makes the queues of the projection's pathways, once its
 * synapses and their delays are known. */
void snn_paths_build(proj_rt *ps)
{
	int n = ps->pr->n_paths;
	if (n == 0)
		return;
	net.has_paths = 1;
	ps->path_q = snn_xcalloc((size_t)n, sizeof(snn_queue));
	ps->path_delay = snn_xcalloc((size_t)n, sizeof(int32_t *));
	for (int x = 0; x < n; x++)
		path_queue(ps, x);
}

/* snn_paths_push queues the spikes of step k on the projection's
 * pathways. */
void snn_paths_push(proj_rt *ps, int64_t k, const int32_t *spikes, int64_t len)
{
	for (int x = 0; x < ps->pr->n_paths; x++)
		snn_queue_push(&ps->path_q[x], k, spikes, len);
}

/* snn_paths_deliver runs the pathways whose spikes are due in step k, one
 * pathway after the other, and returns the synapses it ran. */
int64_t snn_paths_deliver(proj_rt *ps, int64_t k)
{
	int64_t events = 0;
	for (int x = 0; x < ps->pr->n_paths; x++) {
		snn_kernel on = ps->pr->paths[x].on_pre;
		int64_t n;
		const int32_t *due = snn_queue_deliver(&ps->path_q[x], k, &n);
		if (!on || n == 0)
			continue;
		if (ps->path_q[x].per_syn) {
			for (int64_t y = 0; y < n; y++)
				on(&net.ctx, due[y], (int64_t)due[y] + 1, NULL);
			events += n;
			continue;
		}
		/* A pre neuron's synapses are a contiguous range in synapse
		 * order: one call runs them all, in order. */
		const int64_t *start = ps->csr.start;
		for (int64_t y = 0; y < n; y++) {
			int32_t i = due[y];
			if (start[i] < start[i + 1])
				on(&net.ctx, start[i], start[i + 1], NULL);
			events += start[i + 1] - start[i];
		}
	}
	return events;
}
