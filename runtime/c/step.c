/*
 * step.c: a run (snn_run): the network built (build.c), then its steps in
 * the order of spec/language.md section 6, as backends/interp's loop runs
 * them (step.go), and the summary. The element-wise kernels run split
 * into contiguous chunks on the pool (pool.c); everything with effects
 * across elements runs on the main thread in the reference order, so the
 * output is the same at any number of threads. Delivery, the populations'
 * updates and their thresholds run in population jobs (pop_part), one
 * part of the populations' pieces per thread, fused into one job per step
 * and chained across steps where the network allows it (build.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* What pop_part does in this job: delivery, the batch's updates, or
 * both. The main thread writes them only when they change: the other
 * threads read them in every part. */
static struct {
	int deliver, update;
} work;

/* reset_spikes runs reset and then refractory for each spiking neuron, in
 * order. */
static void reset_spikes(const snn_population *pop, int64_t *ref, const int64_t *spikes, int64_t n, int64_t k)
{
	for (int64_t x = 0; x < n; x++) {
		int64_t i = spikes[x];
		if (pop->reset)
			pop->reset(&net.ctx, i, i + 1, NULL);
		if (pop->refractory) {
			/* refractory in the steps m > k with m - k < round(P / dt) */
			double P = 0;
			pop->refractory(&net.ctx, i, i + 1, &P);
			double st = round(P / net.dt);
			if (st > 1)
				ref[i] = k + (int64_t)(st < 1099511627776.0 ? st : 1099511627776.0);
		}
	}
}

/* A step's spiking neurons have their rows anywhere in memory. A
 * delivery takes them ROW_BLOCK at a time: it reads the block's row
 * bounds and asks for the block's synapses, all at once, and for the next
 * block's bounds, and only then delivers the block, so that the misses
 * overlap instead of coming one after another. This halves CUBA's
 * delivery time. Blocks of 32 rows, a step's spikes of a projection of
 * CUBA 40 000 in one block, deliver 3% faster than blocks of 16 at one
 * thread and 7% at two (against the update's time, medians of 5 runs);
 * 64 are no better. */
enum { ROW_BLOCK = 32 };

/* PREFETCH_LINES is the most of a row's cache lines (per array) asked
 * for ahead. A long row is read in order, and the processor's own
 * prefetcher follows it once begun; asking for all of it at once fills
 * the queue of misses and stalls the delivery. Rows of 1000 synapses
 * (63 lines, tests/bench/synapses.snn) run 8% faster in all with 8 lines
 * than with all of them (medians of 7 alternating runs: 0.47 s and 0.51
 * s; 2 and 4 lines were no better than 8). CUBA's rows (about 80
 * synapses, 5 lines) are asked for whole, as before. */
enum { PREFETCH_LINES = 8 };

/* prefetch_row asks for synapses [lo, hi) of the arrays a delivery reads,
 * up to PREFETCH_LINES lines of each. */
static inline void prefetch_row(const proj_rt *pj, int64_t lo, int64_t hi)
{
	for (int x = 0; x < pj->n_row_arr; x++) {
		uintptr_t p = (uintptr_t)(pj->row_arr[x] + lo * pj->row_size[x]) & ~(uintptr_t)63;
		uintptr_t e = (uintptr_t)(pj->row_arr[x] + hi * pj->row_size[x]);
		if (e - p > 64 * PREFETCH_LINES)
			e = p + 64 * PREFETCH_LINES;
		for (; p < e; p += 64)
			__builtin_prefetch((const void *)p);
	}
}

/* prefetch_bounds asks for the bounds of the rows of spikes [y, e):
 * their starts and, with cut, their cuts a and b. */
static inline void prefetch_bounds(const proj_rt *pj, const int32_t *due, int64_t n_due, const int32_t *cut, int64_t y,
				   int64_t e, int a, int b)
{
	for (; y < e && y < n_due; y++) {
		int32_t i = due[y];
		if (cut) {
			__builtin_prefetch(&cut[(int64_t)i * (pj->pieces + 1) + a]);
			__builtin_prefetch(&cut[(int64_t)i * (pj->pieces + 1) + b]);
		} else
			__builtin_prefetch(&pj->csr.start[i]);
	}
}

/* deliver runs on_pre over the rows of the spiking neurons due (n_due of
 * them), in order: each whole row in one call or, with split, its part
 * onto pieces [a, b) of the post population (its cuts). It returns the
 * synapses it ran. */
static int64_t deliver(snn_ctx *c, const proj_rt *pj, const int32_t *due, int64_t n_due, int split, int a, int b)
{
	const int64_t *start = pj->csr.start;
	const int32_t *cut = split ? pj->cut : NULL;
	int64_t stride = pj->pieces + 1, n = 0, lo[ROW_BLOCK], hi[ROW_BLOCK];
	snn_kernel on = pj->pr->on_pre;
	prefetch_bounds(pj, due, n_due, cut, 0, ROW_BLOCK, a, b);
	for (int64_t y = 0; y < n_due; y += ROW_BLOCK) {
		int m = n_due - y < ROW_BLOCK ? (int)(n_due - y) : ROW_BLOCK;
		for (int j = 0; j < m; j++) {
			int32_t i = due[y + j];
			lo[j] = cut ? cut[i * stride + a] : start[i];
			hi[j] = cut ? cut[i * stride + b] : start[i + 1];
			prefetch_row(pj, lo[j], hi[j]);
		}
		prefetch_bounds(pj, due, n_due, cut, y + ROW_BLOCK, y + 2 * ROW_BLOCK, a, b);
		for (int j = 0; j < m; j++) {
			if (lo[j] < hi[j])
				on(c, lo[j], hi[j], NULL);
			n += hi[j] - lo[j];
		}
	}
	return n;
}

/* gather lists the spikes that population job buffer buf holds of batch
 * population ps's neurons [lo, hi) in out, as indices from lo, in
 * increasing order, and returns how many. */
static int64_t gather(const pop_rt *ps, int buf, int64_t lo, int64_t hi, int32_t *out)
{
	const int64_t *fired = ps->pfired[buf], *counts = ps->pcounts[buf];
	int64_t m = 0;
	for (int c = 0; c < ps->pieces; c++) {
		/* A run's spikes are listed from its first piece's start
		 * (pop_part), the pieces in order. */
		const int64_t *f = fired + snn_piece_start(ps->n, ps->pieces, c);
		for (int64_t x = 0; x < counts[c]; x++) {
			if (f[x] >= hi)
				return m;
			if (f[x] >= lo)
				out[m++] = (int32_t)(f[x] - lo);
		}
	}
	return m;
}

/* Split delivery: with enough events in a step, and every projection
 * that delivers allowing it, the thread whose part holds pieces [a, b) of
 * a population runs, projection by projection and for every spiking pre
 * neuron in order, the part of its row onto the post neurons of those
 * pieces. The synapses onto one post neuron run in the sequential order,
 * so its sums are the same; no two threads touch one neuron or synapse.
 * Onto a group, a part skips the projections onto members it holds no
 * neuron of, and delivers whole rows onto members it holds all of,
 * without reading the rows' cuts. The spikes due are the queues' (prev
 * < 0) or, in a chain, those that the last population job left in
 * buffer prev (listed in the thread's chain_due). */
static int64_t deliver_pieces(snn_ctx *c, int thread, const pop_rt *ps, int a, int b, int prev)
{
	int64_t n = 0;
	for (int x = 0; x < ps->n_in; x++) {
		int q = ps->in[x];
		const proj_rt *pj = &net.projs[q];
		if (b <= pj->first_piece || a >= pj->end_piece)
			continue;
		const int32_t *due;
		int64_t n_due;
		if (prev >= 0) {
			/* The thread's list, as long as the step's spikes need. */
			const pop_rt *src = &net.pops[pj->src];
			snn_vi32 *list = &net.chain_due[thread].v;
			int64_t most = 0;
			for (int j = 0; j < src->pieces; j++)
				most += src->pcounts[prev][j];
			snn_vi32_reserve(list, most);
			n_due = gather(src, prev, pj->src_lo, pj->src_lo + net.pops[pj->pr->pre].n, list->a);
			due = list->a;
		} else {
			due = pj->due;
			n_due = pj->n_due;
		}
		if (n_due > 0)
			n += deliver(c, pj, due, n_due, a > pj->first_piece || b < pj->end_piece, a, b);
	}
	return n;
}

/* step_ctx is the kernels' context in step k for a part of a population
 * job: in a chain the threads run their parts of different steps, and the
 * main thread sets ctx for its own step. (stamp is only for a global's
 * on_spike kernels, which no population job runs.) */
static snn_ctx step_ctx(int64_t k)
{
	snn_ctx c = net.ctx_fixed;
	c.step = k;
	c.t = (double)k * net.dt;
	return c;
}

/* pop_part is a part of population job h (snn_pop_part_fn), in step k:
 * the items [lo, hi), a population's consecutive pieces at a time:
 * delivery onto them, then, for a population in the batch, their step
 * kernel, whose spikes go into buffer h % 2. With chained, the spikes due
 * are those of job h - 1. */
static int64_t pop_part(int thread, unsigned h, int64_t k, int chained, int lo, int hi)
{
	snn_ctx c = step_ctx(k);
	int buf = (int)(h % 2);
	int64_t events = 0;
	for (int i = lo, end = hi; i < end;) {
		int p = net.items[i].p, a = net.items[i].j, e = i + 1;
		while (e < end && net.items[e].p == p)
			e++;
		int b = a + (e - i);
		pop_rt *ps = &net.pops[p];
		snn_pool_item = i;
		if (work.deliver)
			events += deliver_pieces(&c, thread, ps, a, b, chained ? buf ^ 1 : -1);
		if (work.update && ps->in_batch) {
			int64_t lo = snn_piece_start(ps->n, ps->pieces, a), hi = snn_piece_start(ps->n, ps->pieces, b);
			int64_t *counts = ps->pcounts[buf];
			/* The run's spikes are listed from its first piece's start. */
			counts[a] = snn_collect(&c, ps->p->step, lo, hi, ps->thr, ps->pfired[buf], NULL, 0);
			for (int j = a + 1; j < b; j++)
				counts[j] = 0;
		}
		i = e;
	}
	return events;
}

/* chain_room is how many steps from step k on may run as one chain of
 * population jobs: fused steps (delivery and update in one job), while no
 * state monitor samples, to the end of the run (the pool ends a chain at
 * the end of its rebalance window too). */
static int64_t chain_room(int64_t k)
{
	if (!net.chainable || !(work.deliver && work.update))
		return 1;
	int64_t n = net.steps - k;
	for (int i = 0; i < net.n_state_mons; i++) {
		int64_t e = net.state_mons[i].rec->every, next = (k / e + 1) * e;
		if (next - k < n)
			n = next - k;
	}
	return n;
}

/* par_pops runs a population job in step k (in a chain, if fused); with
 * update, it then lists each batch population's spikes in its spikes,
 * piece by piece. */
static void par_pops(int64_t k, int deliver, int update)
{
	/* Written only when they change: the other threads read them. */
	if (work.deliver != deliver)
		work.deliver = deliver;
	if (work.update != update)
		work.update = update;
	if (snn_pool_in_chain() && !(deliver && update)) {
		/* Every step of a chain is fused (chain_room). */
		fprintf(stderr, "%s: internal error: step %lld is not fused, in a chain\n", snn_prog, (long long)k);
		abort();
	}
	unsigned h = snn_pool_pop_job(k, chain_room);
	if (!update)
		return;
	for (int x = 0; x < net.n_batch; x++) {
		pop_rt *ps = &net.pops[net.batch[x]];
		ps->n_fused = gather(ps, (int)(h % 2), 0, ps->n, ps->spikes);
	}
}

/* spike runs steps 6 and 7 for a population. The spikes go into the
 * queues of its projections, unless the next step is one of this chain
 * (snn_pool_pop_job): its parts find them among the pieces' spikes. */
static void spike(int p, int64_t k)
{
	/* Over MPI ranks a rank's spikes go into the queues, whole, once the
	 * window's are gathered (ranks.c). */
	int queue = !snn_pool_in_chain() && snn_ranks == 1;
	const snn_population *pop = &net.model->populations[p];
	pop_rt *ps = &net.pops[p];
	for (int d = 0; d < pop->n_dendrites; d++) {
		const snn_dendrite *den = &pop->dendrites[d];
		dend_rt *ds = &ps->dends[d];
		if (!den->threshold)
			continue;
		ds->n_fired = snn_par_collect_range(den->threshold, ps->lo * ds->count, ps->hi * ds->count, ds->thr, ds->fired, NULL, 0);
		if (den->reset)
			for (int64_t x = 0; x < ds->n_fired; x++)
				den->reset(&net.ctx, ds->fired[x], ds->fired[x] + 1, NULL);
	}
	int64_t ns;
	if (ps->in_batch)
		ns = ps->n_fused; /* listed by par_pops; reset and refractory already */
	else {
		if (pop->step)
			ns = ps->n_fused; /* reset and refractory already */
		else if (pop->threshold) {
			ns = snn_par_collect_range(pop->threshold, ps->lo, ps->hi, ps->thr, ps->fired, ps->ref, k);
			reset_spikes(pop, ps->ref, ps->fired, ns, k);
		} else
			return;
		for (int64_t x = 0; x < ns; x++)
			ps->spikes[x] = (int32_t)ps->fired[x];
	}
	ps->n_spikes = ns;
	if (snn_ranks > 1)
		snn_ranks_record(p, ps->spikes, ns);
	else
		ps->count += ns;
	for (int x = 0; queue && x < ps->n_out; x++) {
		snn_queue_push(&net.projs[ps->out[x]].q, k, ps->spikes, ns);
		snn_paths_push(&net.projs[ps->out[x]], k, ps->spikes, ns);
	}
	/* A group's spikes are its members', each in its range (in order). */
	for (int y = 0; y < ps->n_members; y++) {
		pop_rt *ms = &net.pops[ps->members[y]];
		int64_t lo = ms->p->offset, hi = lo + ms->n, m = 0;
		for (int64_t x = 0; x < ns; x++)
			if (ps->spikes[x] >= lo && ps->spikes[x] < hi)
				ms->spikes[m++] = (int32_t)(ps->spikes[x] - lo);
		ms->n_spikes = m;
		if (snn_ranks == 1)
			ms->count += m;
		for (int x = 0; queue && x < ms->n_out; x++) {
			snn_queue_push(&net.projs[ms->out[x]].q, k, ms->spikes, m);
			snn_paths_push(&net.projs[ms->out[x]], k, ms->spikes, m);
		}
	}
}

/* What the main thread alone writes while it runs the steps, on a cache
 * line of its own: the other threads read the network around it. */
typedef struct main_counts {
	_Alignas(64) int64_t events; /* synapses run outside population jobs */
	int64_t steps_done;          /* the steps run: all, or those before a signal asked the run to end */
} main_counts;
static main_counts mc;

/* The signal (SIGINT, SIGTERM) that asked the run to end, or 0 (rt.h). */
volatile sig_atomic_t snn_stop_signal;

/* run_schedules runs the scheduled code due in step k (slot 0 of
 * language.md section 6), kernel after kernel in declaration order; each
 * changes only its own element's state, so its elements may be split
 * over the threads. */
static void run_schedules(int64_t k)
{
	for (int i = 0; i < net.model->n_schedules; i++) {
		const snn_schedule *s = &net.model->schedules[i];
		if (k < s->first || (s->period == 0 ? k != s->first : (k - s->first) % s->period != 0))
			continue;
		if (s->target_kind == 2)
			snn_par(s->k, net.projs[s->target].nsyn, NULL);
		else
			snn_par_range(s->k, net.pops[s->target].lo, net.pops[s->target].hi, NULL);
	}
}

static void loop(void)
{
	mc.steps_done = net.steps;
	for (int64_t k = net.first; k < net.steps; k++) {
		/* Before every step, as the interpreter's Options.Stop: the
		 * recordings then hold whole steps. In a chain a worker may have
		 * begun this step's part; nothing it writes is a recording. */
		if (snn_ranks > 1 ? snn_ranks_sync() : snn_stop_signal != 0) {
			mc.steps_done = k;
			break;
		}
		double t = (double)k * net.dt;
		net.ctx.step = k;
		net.ctx.t = t;
		if (net.opt->progress && k % 1024 == 0 && snn_rank == 0)
			net.opt->progress(k, net.steps);

		/* 0. Scheduled code due now. */
		run_schedules(k);

		/* 1. Currents. */
		for (int i = 0; i < net.model->n_currents; i++) {
			const pop_rt *cp = &net.pops[net.curs[i].c->population];
			snn_par_range(net.curs[i].c->value, cp->lo, cp->hi, net.ctx.var[net.curs[i].c->var]);
		}

		/* 2. Delivery, projection by projection, by pre neuron, then in
		 * synapse order. */
		/* A model with pathways delivers on the main thread (pathway.c). */
		int split = snn_pool.threads > 1 && !net.has_paths;
		for (int q = 0; q < net.model->n_projections; q++) {
			proj_rt *ps = &net.projs[q];
			ps->due = snn_queue_deliver(&ps->q, k, &ps->n_due);
			if (!ps->pr->on_pre || ps->n_due == 0) {
				ps->n_due = 0;
				continue;
			}
			split = split && ps->split && !ps->q.per_syn;
		}
		/* With nothing between delivery and the updates in this step,
		 * one dispatch does both: each thread delivers onto its part of
		 * the post neurons, then updates that same part, and counts the
		 * events it delivers (stats). */
		int fused = split && net.step_fusable;
		for (int i = 0; fused && i < net.n_state_mons; i++)
			fused = k % net.state_mons[i].rec->every != 0;
		if (fused) {
			par_pops(k, 1, 1);
			goto updated;
		}
		/* Delivery is split when the step has enough events; they are
		 * counted only when it could be (no queue per synapse then). */
		int64_t step_events = 0;
		for (int q = 0; split && q < net.model->n_projections; q++) {
			const proj_rt *ps = &net.projs[q];
			for (int64_t x = 0; x < ps->n_due; x++)
				step_events += ps->csr.start[ps->due[x] + 1] - ps->csr.start[ps->due[x]];
		}
		if (split && step_events >= snn_pool.split_events)
			par_pops(k, 1, 0);
		else {
			for (int q = 0; q < net.model->n_projections; q++) {
				proj_rt *ps = &net.projs[q];
				snn_kernel on = ps->pr->on_pre;
				if (ps->n_due == 0) {
				} else if (ps->q.per_syn) {
					for (int64_t x = 0; x < ps->n_due; x++)
						on(&net.ctx, ps->due[x], (int64_t)ps->due[x] + 1, NULL);
					mc.events += ps->n_due;
				} else {
					/* A pre neuron's synapses are a contiguous range in
					 * synapse order: one call runs them all, in order. */
					mc.events += deliver(&net.ctx, ps, ps->due, ps->n_due, 0, 0, 0);
				}
				/* Then its pathways, in the order of their names. */
				if (ps->pr->n_paths > 0)
					mc.events += snn_paths_deliver(ps, k);
			}
		}

		/* 3. Postsynaptic events and globals' on spike, for the spikes of
		 * the previous step. */
		for (int q = 0; q < net.model->n_projections; q++) {
			proj_rt *ps = &net.projs[q];
			snn_kernel on = ps->pr->on_post;
			if (!on)
				continue;
			pop_rt *post = &net.pops[ps->pr->post];
			for (int64_t x = 0; x < post->n_prev; x++) {
				int32_t j = post->prev[x];
				for (int64_t n = ps->bp_start[j]; n < ps->bp_start[j + 1]; n++)
					on(&net.ctx, ps->bp_syn[n], (int64_t)ps->bp_syn[n] + 1, NULL);
			}
		}
		for (int p = 0; p < net.model->n_populations; p++) {
			const snn_population *g = &net.model->populations[p];
			for (int x = 0; x < g->n_on_spike; x++) {
				const snn_on_spike *os = &g->on_spike[x];
				const int32_t *prev;
				int64_t n;
				if (os->src_kind == 0) {
					prev = net.pops[os->src].prev;
					n = net.pops[os->src].n_prev;
				} else {
					prev = net.inputs[os->src].prev;
					n = net.inputs[os->src].n_prev;
				}
				for (int64_t y = 0; y < n; y++) {
					net.ctx.stamp = prev[y];
					os->k(&net.ctx, 0, 1, NULL);
				}
			}
		}

		/* 4. State monitors. */
		for (int i = 0; i < net.n_state_mons; i++)
			if (k % net.state_mons[i].rec->every == 0 && snn_records(net.state_mons[i].mon, k))
				snn_sample(&net.state_mons[i], k);

		/* 4a. Summed variables, from the state as it is now. */
		snn_summed_step();

		/* 4a. Then the reductions (they see this step's sums) over populations and projections. */
		snn_reduce();

		/* 5. Integration: globals, synapses, dendrites, neurons. */
		for (int p = 0; p < net.model->n_populations; p++)
			if (net.model->populations[p].global && net.model->populations[p].update)
				snn_par(net.model->populations[p].update, net.pops[p].n, NULL);
		for (int q = 0; q < net.model->n_projections; q++)
			snn_par(net.model->projections[q].update, net.projs[q].nsyn, NULL);
		if (net.n_batch > 0) {
			/* The populations with a step kernel, in one dispatch
			 * (each reads only its own neurons). */
			par_pops(k, 0, 1);
		}
	updated:
		for (int p = 0; p < net.model->n_populations; p++) {
			const snn_population *pop = &net.model->populations[p];
			if (pop->global || net.pops[p].in_batch)
				continue;
			/* This rank's neurons: all of them in a run of one. */
			const pop_rt *ps = &net.pops[p];
			for (int d = 0; d < pop->n_dendrites; d++)
				snn_par_range(pop->dendrites[d].update, ps->lo * ps->dends[d].count, ps->hi * ps->dends[d].count, NULL);
			if (pop->step)
				net.pops[p].n_fused = snn_par_collect_range(pop->step, ps->lo, ps->hi, ps->thr, ps->fired, NULL, 0);
			else
				snn_par_range(pop->update, ps->lo, ps->hi, NULL);
		}

		/* 6 and 7. Dendritic events, then threshold, reset and
		 * refractoriness of the somata. */
		for (int p = 0; p < net.model->n_populations; p++)
			if (!net.model->populations[p].global)
				spike(p, k);
		for (int i = 0; i < net.model->n_inputs; i++) {
			input_rt *in = &net.inputs[i];
			int64_t len;
			const int32_t *s = in->is_poisson ? snn_poisson_step(&in->poisson, k, &len)
							  : snn_train_step(&in->train, k, &len);
			memcpy(in->spikes, s, (size_t)len * sizeof(int32_t));
			in->n_spikes = len;
			in->count += len;
			for (int x = 0; x < in->n_out; x++) {
				snn_queue_push(&net.projs[in->out[x]].q, k, in->spikes, len);
				snn_paths_push(&net.projs[in->out[x]], k, in->spikes, len);
			}
		}
		/* Over MPI ranks, a population's spikes are recorded once
		 * gathered (ranks.c). */
		if (snn_ranks > 1)
			snn_ranks_step_end(k, snn_stop_signal != 0);
		for (int i = 0; i < net.n_spike_mons; i++)
			if (snn_ranks == 1 || net.spike_mons[i].mon->target_kind != 0)
				snn_record_spikes(&net.spike_mons[i], k, *net.spike_mons[i].spikes, *net.spike_mons[i].n);
		for (int p = 0; p < net.model->n_populations; p++) {
			pop_rt *ps = &net.pops[p];
			int32_t *tmp = ps->prev;
			ps->prev = ps->spikes;
			ps->n_prev = ps->n_spikes;
			ps->spikes = tmp;
			ps->n_spikes = 0;
		}
		for (int i = 0; i < net.model->n_inputs; i++) {
			input_rt *in = &net.inputs[i];
			int32_t *tmp = in->prev;
			in->prev = in->spikes;
			in->n_prev = in->n_spikes;
			in->spikes = tmp;
			in->n_spikes = 0;
		}
	}
	/* The last window's spikes. */
	snn_ranks_sync();
	if (net.opt->progress && snn_rank == 0)
		net.opt->progress(net.steps, net.steps);
}

void snn_run(const snn_model *m, const snn_options *o, snn_spike_rec **spikes, int *n_spikes,
	snn_state_rec **states, int *n_states, snn_summary *sum)
{
	double start = snn_now_seconds();
	net.model = m;
	net.opt = o;
	net.dt = m->dt;
	net.steps = m->steps;
	net.seed = o->has_seed ? o->seed : m->seed;
	uint64_t resumed_seed = net.seed;
	int64_t first = snn_resume_check(m, o, &resumed_seed);
	net.seed = resumed_seed;
	snn_err_ctx[0] = 0;
	if (o->duration > 0) {
		double st = round(o->duration / net.dt);
		if (!(st >= 1 && st <= 1099511627776.0)) {
			char a[64], b[64];
			snprintf(a, sizeof a, "%s", snn_gfmt(o->duration));
			snprintf(b, sizeof b, "%s", snn_gfmt(st));
			snn_fail("a duration of %s s is %s steps of %s s; it must be 1 to 2^40 steps", a, b, snn_gfmt(net.dt));
		}
		net.steps = (int64_t)st;
	}
	if (net.steps < 1 || !(net.dt > 0))
		snn_fail("the run has %lld steps of %s s; it needs at least one", (long long)net.steps, snn_gfmt(net.dt));
	if (first > 0) {
		/* The steps of the whole run, before build: a spike train keeps
		 * the spikes before its end, and the monitors have room for all. */
		if (first + net.steps > INT64_C(1099511627776))
			snn_fail("--resume %s: %lld steps there and %lld more are not 1 to 2^40 steps", snn_resumed_from(),
				(long long)first, (long long)net.steps);
		net.first = first;
		net.steps += first;
	}
	snn_check_memory();
	snn_pool_start(o->threads, &net.ctx);
	snn_build();
	snn_pool_pop_parts(pop_part, net.bound, net.n_items, net.pops_shared);
	snn_ranks_start();
	if (net.first > 0)
		snn_resume_state(&mc.events);
	net.ctx_fixed = net.ctx;
	net.ctx_fixed.stamp = 0;
	loop();

	memset(sum, 0, sizeof *sum);
	sum->model = m->source;
	sum->target = "llvm";
	sum->seed = net.seed;
	sum->dt = net.dt;
	sum->duration = (double)net.steps * net.dt;
	sum->steps = net.steps;
	sum->interrupted = mc.steps_done < net.steps;
	sum->steps_done = mc.steps_done;
	sum->resumed_from = snn_resumed_from();
	/* rates over the time run: all of it, or up to the interruption */
	double ran = (double)mc.steps_done * net.dt;
	if (getenv("SNNRT_POOL_STATS")) /* for tests */
		snn_pool_report();
	sum->events = mc.events + snn_pool_events();
	/* Over MPI ranks: rank 0 gathers the state it writes, and the sum of
	 * the events. */
	snn_ranks_gather(&sum->events);
	sum->pops = snn_xcalloc((size_t)(m->n_populations + m->n_inputs + 1), sizeof(snn_pop_summary));
	for (int p = 0; p < m->n_populations; p++) {
		if (m->populations[p].global || net.pops[p].n_members > 0)
			continue; /* a group's spikes are its members' */
		pop_rt *ps = &net.pops[p];
		sum->pops[sum->n_pops++] = (snn_pop_summary){m->populations[p].name, ps->n, ps->count,
			mc.steps_done == 0 ? 0 : (double)ps->count / (double)ps->n / ran};
	}
	for (int i = 0; i < m->n_inputs; i++) {
		input_rt *in = &net.inputs[i];
		sum->pops[sum->n_pops++] = (snn_pop_summary){m->inputs[i].name, m->inputs[i].size, in->count,
			mc.steps_done == 0 ? 0 : (double)in->count / (double)m->inputs[i].size / ran};
	}
	sum->syn_names = snn_xcalloc((size_t)m->n_projections + 1, sizeof(char *));
	sum->syn_counts = snn_xcalloc((size_t)m->n_projections + 1, sizeof(int64_t));
	for (int q = 0; q < m->n_projections; q++) {
		if (m->projections[q].rule == SNN_PARTS)
			continue; /* a merged projection's synapses are its parts' */
		sum->syn_names[sum->n_syn] = m->projections[q].name;
		sum->syn_counts[sum->n_syn++] = net.projs[q].nsyn;
	}
	/* as Go's time.Duration.Seconds, from whole nanoseconds */
	int64_t ns = (int64_t)((snn_now_seconds() - start) * 1e9);
	sum->wall_seconds = (double)(ns / 1000000000) + (double)(ns % 1000000000) / 1e9;
	if (snn_rank == 0) {
		snn_final_state(sum, mc.steps_done);
		if (!o->no_checkpoint)
			snn_checkpoint_state(sum, mc.steps_done, sum->events);
	}
	*spikes = net.spike_recs;
	*n_spikes = net.n_spike_mons;
	*states = net.state_recs;
	*n_states = net.n_state_mons;
}
