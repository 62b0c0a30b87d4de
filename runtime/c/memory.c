/*
 * memory.c: the memory estimate (interp's memory.go): the network's size
 * checked against the memory there is (SNNC_MEMORY_LIMIT or the
 * machine's) before it is built, and the delay rings and the spike
 * recordings counted as they grow, so that a run that cannot fit stops
 * with the interpreter's message instead of the system's.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net.h"

static void bytes_text(char *b, double x)
{
	if (x >= 1073741824.0)
		sprintf(b, "%.1f GiB", x / 1073741824.0);
	else if (x >= 1048576.0)
		sprintf(b, "%.1f MiB", x / 1048576.0);
	else
		sprintf(b, "%.0f KiB", x / 1024.0);
}

/* The account of memory (interp's memory): the limit (0: unknown) and
 * what the estimate, the delay rings and the spike recordings take. */
static struct {
	double limit, need;
} mem;

/* interp's memory.grow: an allocation of bytes replacing one of replaced
 * bytes, both held while it is copied. */
static int mem_grow(double bytes, double replaced)
{
	if (mem.limit > 0 && mem.need + bytes > mem.limit)
		return 0;
	mem.need += bytes - replaced;
	return 1;
}

/* interp's memoryLimit: SNNC_MEMORY_LIMIT (bytes), else the machine's. */
static double memory_limit(void)
{
	const char *text = getenv("SNNC_MEMORY_LIMIT");
	if (text && *text) {
		char *end;
		double x = strtod(text, &end);
		if (*end || !(x > 0) || isinf(x))
			snn_fail("SNNC_MEMORY_LIMIT=%s: expected a number of bytes", text);
		return x;
	}
	double limit = 0;
#ifdef _SC_PHYS_PAGES
	limit = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
#endif
	return limit > 0 ? limit : 0;
}

/* interp's ring check: a delay ring of max_steps + 1 slots (a vector
 * each, and a flag with a delay per synapse), counted before it is made. */
void snn_reserve_ring(int64_t max_steps, double d, int per_syn)
{
	double bytes = (double)(max_steps + 1) * ((double)sizeof(snn_vi32) + (per_syn ? 1 : 0));
	if (!mem_grow(bytes, 0)) {
		char a[64], b[64], ds[64], dts[64];
		bytes_text(a, bytes);
		bytes_text(b, mem.limit - mem.need);
		snprintf(ds, sizeof ds, "%s", snn_gfmt(d));
		snprintf(dts, sizeof dts, "%s", snn_gfmt(net.dt));
		snn_fail("a delay of %s s is %lld steps of %s s: its spike queue of %lld slots needs %s, more than the %s of memory left; shorten the delay or use a longer dt",
			ds, (long long)max_steps, dts, (long long)(max_steps + 1), a, b);
	}
}

/* interp's Spikes.Record growth: a spike recording grows to hold need
 * spikes (more than it holds), the doubling (or as much as is left)
 * counted first (snn_reserve_spikes, net.h). */
void snn_grow_spikes(snn_spike_rec *r, int64_t need, int64_t k)
{
	const double per = 8 + 4;
	int64_t cap = r->steps.cap, c = 2 * cap;
	if (c < need)
		c = need;
	if (c < 1024)
		c = 1024;
	double old = (double)cap * per;
	if (!mem_grow((double)c * per, old)) {
		double room = mem.limit - mem.need;
		if ((double)c > room / per)
			c = (int64_t)(room / per);
		if (c < need || !mem_grow((double)c * per, old)) {
			char b[64], ts[64];
			bytes_text(b, mem.limit);
			snprintf(ts, sizeof ts, "%s", snn_gfmt((double)k * net.dt));
			snn_fail("monitor %s: its %lld spikes up to step %lld (t = %s s) need more memory than is left of the %s available; record fewer neurons (a selection such as %s[0:100]) or run for less time",
				r->name, (long long)r->steps.n, (long long)k, ts, b, r->source);
		}
	}
	r->steps.a = snn_xrealloc(r->steps.a, (size_t)c * sizeof(int64_t));
	r->steps.cap = c;
	r->index.a = snn_xrealloc(r->index.a, (size_t)c * sizeof(int32_t));
	r->index.cap = c;
}

void snn_check_memory(void)
{
	double limit = memory_limit();
	mem.limit = limit;
	if (!(limit > 0))
		return;
	const double f64 = 8;
	double total = 0, max = 0;
	char biggest[512] = "";
#define ADD(BYTES, ...)                                            \
	do {                                                       \
		double b_ = (BYTES);                               \
		total += b_;                                       \
		if (b_ > max) {                                    \
			max = b_;                                  \
			snprintf(biggest, sizeof biggest, __VA_ARGS__); \
		}                                                  \
	} while (0)
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		double n = (double)pop->size;
		/* its variables, and about three more numbers per neuron: the
		 * refractory steps, threshold results and spike lists */
		ADD(n * (double)(pop->vars.n + 3) * f64, "population %s", pop->name);
		for (int d = 0; d < pop->n_dendrites; d++) {
			const snn_dendrite *den = &pop->dendrites[d];
			double count = den->array ? (double)den->count : 1.0;
			ADD(n * count * (double)den->vars.n * f64, "dendrite %s.%s", pop->name, den->name);
		}
	}
	for (int i = 0; i < net.model->n_inputs; i++)
		ADD((double)net.model->inputs[i].size * 3 * f64, "input %s", net.model->inputs[i].name);
	double *syn = snn_xcalloc_lines((size_t)(net.model->n_projections > 0 ? net.model->n_projections : 1), sizeof(double));
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		double pre = pr->pre_kind == 0 ? (double)net.model->populations[pr->pre].size : (double)net.model->inputs[pr->pre].size;
		double post = (double)net.model->populations[pr->post].size;
		/* The rule's sides: the slices it connects (slice.c). */
		double rpre = pr->pre_n > 0 ? (double)pr->pre_n : pre, rpost = pr->post_n > 0 ? (double)pr->post_n : post;
		double n = 0;
		switch (pr->rule) {
		case SNN_ALL_TO_ALL: n = pr->conn_where ? 0 : rpre * rpost; break; /* a condition's count: known when built */
		case SNN_ONE_TO_ONE: n = rpre; break;
		case SNN_FIXED_PROBABILITY: {
			/* over MPI ranks, a rank's share (ranks.c) */
			double mean = pr->p * rpre * rpost / (double)snn_ranks;
			n = mean + 5 * sqrt(mean);
			break;
		}
		case SNN_FIXED_INDEGREE: n = (double)pr->k * rpost; break;
		case SNN_FIXED_OUTDEGREE: n = (double)pr->k * rpre; break;
		case SNN_PAIRS: n = pr->file ? 0 : (double)pr->n_pairs; break; /* interp counts the inline pairs */
		}
		if (snn_ranks > 1 && pr->rule != SNN_FIXED_PROBABILITY)
			n = ceil(n / (double)snn_ranks); /* a rank's share of the post neurons' synapses (ranks.c) */
		syn[q] = n;
		ADD(n * ((double)pr->vars.n * f64 + 4 * 4), "%s", pr->label);
		if (snn_ranks > 1 && snn_rank == 0) {
			/* Rank 0 gathers a projection with a variable per synapse
			 * whole, to write it (ranks.c's merge). */
			double per = 0;
			for (int32_t x = 0; x < pr->vars.n; x++)
				per += pr->vars.v[x].uniform ? 0 : f64;
			if (per > 0)
				ADD(n * (double)snn_ranks * (per + 4), "%s (gathered by rank 0)", pr->label);
		}
		if (pr->parallel_on_pre && net.opt->threads > 1 && !pr->is_part) {
			/* the cuts of split delivery */
			/* the pieces are the post population's, or its group's */
			const snn_population *pp = &net.model->populations[pr->post];
			const snn_population *pg = pp->in_group ? &net.model->populations[pp->group] : pp;
			double pieces = snn_pieces_of(pg->size, snn_step_weight(pg->size, pg->work), net.opt->threads);
			ADD(pre * (pieces + 1) * 4, "%s (its rows' cuts)", pr->label);
		}
	}
	for (int i = 0; i < net.model->n_monitors; i++) {
		const snn_monitor *mon = &net.model->monitors[i];
		if (mon->kind != 1)
			continue;
		double n = 0, indices = 0; /* a projection's: each recorded synapse's pre and post neuron */
		if (mon->target_kind == 2) {
			n = syn[mon->target];
			indices = n * (4 + 4);
		} else {
			n = mon->target_kind == 0 ? (double)net.model->populations[mon->target].size
						  : (double)net.model->inputs[mon->target].size;
			if (mon->n_ranges > 0) {
				n = 0;
				for (int r = 0; r < mon->n_ranges; r++)
					n += (double)(mon->ranges[2 * r + 1] - mon->ranges[2 * r]);
			}
		}
		double every = (double)(mon->every < 1 ? 1 : mon->every);
		ADD(ceil((double)net.steps / every) * n * f64 + indices, "monitor %s", mon->name);
	}
#undef ADD
	free(syn);
	mem.need = total;
	if (total > limit) {
		char a[64], b[64];
		bytes_text(a, total);
		bytes_text(b, limit);
		snn_fail("the network needs about %s of memory (the largest part: %s), more than the %s available; make it smaller, record less (a monitor's selection or every), or run for less time",
			a, biggest, b);
	}
}

