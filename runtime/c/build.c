/*
 * build.c: the network of a run, built as backends/interp builds it
 * (sim.go): the variables (vars.c) of the model, the populations and
 * their dendrites, --set, the initial values, the inputs, the projections
 * (synapses.c), the propagators' check, the monitors (monitor.c), and
 * what the step loop needs to run the populations on the pool: their
 * pieces (the items of a population job) and whether steps may be fused
 * and run in chains: net (net.h), which the step loop (step.c) then
 * runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* ------------------------------------------------------------------ */
/* Building (interp's build).                                           */

static void build_input(int n)
{
	const snn_input *in = &net.model->inputs[n];
	input_rt *is = &net.inputs[n];
	char err[1024];
	is->in = in;
	snprintf(snn_err_ctx, sizeof snn_err_ctx, "input %s: ", in->name);
	uint32_t stream = SNN_STREAM_INPUT + (uint32_t)in->stream;
	size_t sz = (size_t)(in->size > 0 ? in->size : 1);
	is->spikes = snn_xcalloc(sz, sizeof(int32_t));
	is->prev = snn_xcalloc(sz, sizeof(int32_t));
	switch (in->kind) {
	case 0: {
		is->is_poisson = 1;
		int64_t period_steps = 0;
		const double *table;
		int64_t width, periods;
		if (in->rate) {
			is->rates = snn_alloc_vals(in->size);
			net.ctx.step = 0;
			net.ctx.t = 0;
			snn_par(in->rate, in->size, is->rates);
			for (int64_t i = 0; i < in->size; i++) {
				double x = is->rates[i];
				if (!(x >= 0) || isinf(x))
					snn_fail("source %lld has rate %s Hz; rates must be finite and non-negative", (long long)i,
						snn_gfmt(x));
			}
			table = is->rates;
			width = in->size;
			periods = 1;
		} else {
			table = in->rates;
			width = in->width > 0 ? in->width : 1;
			if (in->file && in->n_rates == 0)
				snn_fail("%s has no rows", in->file);
			for (int64_t x = 0; x < in->n_rates * width; x++)
				if (!(table[x] >= 0) || isinf(table[x]))
					snn_fail("rate %lld (%s Hz) must be finite and non-negative", (long long)x, snn_gfmt(table[x]));
			periods = in->n_rates;
			/* The range is checked before the conversion, as the interpreter does. */
			double n = round(in->period / net.dt);
			if (!(n >= 1))
				snn_fail("the period %s s is shorter than half a step (dt = %s s)", snn_gfmt(in->period), snn_gfmt(net.dt));
			if (!(n < 4611686018427387904.0)) /* 2^62 */
				snn_fail("the period %s s is %s steps of dt = %s s, too many to count", snn_gfmt(in->period),
					snn_gfmt(n), snn_gfmt(net.dt));
			period_steps = (int64_t)n;
		}
		snn_poisson_init(&is->poisson, net.seed, stream, in->size, net.dt, net.steps, period_steps, table, width, periods);
		break;
	}
	case 1: {
		if (in->file) {
			for (int64_t r = 0; r < in->n_spikes; r++)
				if (in->spike_index[r] < 0 || in->spike_index[r] >= in->size)
					snn_fail("%s: row %lld: source %s is not an index in [0, %lld)", in->file, (long long)r + 1,
						snn_gfmt((double)in->spike_index[r]), (long long)in->size);
		}
		if (snn_train_init(&is->train, in->size, net.dt, net.steps, in->spike_index, in->spike_time, in->n_spikes, err,
			    sizeof err)) {
			if (in->file)
				snn_fail("%s: %s", in->file, err);
			snn_fail("%s", err);
		}
		break;
	}
	default:
		snn_fail("unknown input kind %d", (int)in->kind);
	}
	snn_err_ctx[0] = 0;
}
/* checkPropagators: a propagator prepare computed as not finite. */
typedef struct named_id {
	const char *name;
	int id;
} named_id;

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const named_id *)a)->name, ((const named_id *)b)->name);
}

static void check_owner(const char *owner, snn_vars vs)
{
	named_id *list = snn_xcalloc((size_t)(vs.n > 0 ? vs.n : 1), sizeof(named_id));
	for (int32_t x = 0; x < vs.n; x++)
		list[x] = (named_id){vs.v[x].name, vs.v[x].id};
	qsort(list, (size_t)vs.n, sizeof(named_id), cmp_named);
	for (int32_t x = 0; x < vs.n; x++) {
		if (strncmp(list[x].name, "decay.", 6) != 0)
			continue;
		int id = list[x].id;
		const double *a = net.ctx.var[id];
		for (int64_t el = 0; el < net.vars[id].len; el++)
			if (isinf(a[el]) || isnan(a[el]))
				snn_fail("%s: element %lld: the exact propagator (%s) is %s; is a time constant 0 or far below dt?", owner,
					(long long)el, list[x].name, snn_gfmt(a[el]));
	}
	free(list);
}

static void check_propagators(void)
{
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		check_owner(pop->name, pop->vars);
		for (int d = 0; d < pop->n_dendrites; d++) {
			char *o = snn_dotted(pop->name, pop->dendrites[d].name);
			check_owner(o, pop->dendrites[d].vars);
			free(o);
		}
	}
	for (int q = 0; q < net.model->n_projections; q++)
		check_owner(net.model->projections[q].label, net.model->projections[q].vars);
}

/* build_pop_items lists the populations' pieces, the projections whose
 * delivery each population's pieces split, and the threads' first parts:
 * consecutive pieces of about as many neurons each. */
static void build_pop_items(void)
{
	int64_t total = 0;
	/* A group's members have no pieces of their own: the group's cover
	 * them, delivery onto them included. */
	for (int p = 0; p < net.model->n_populations; p++)
		if (!net.model->populations[p].global && !net.model->populations[p].in_group) {
			net.n_items += net.pops[p].pieces;
			total += snn_step_weight(net.pops[p].n, net.model->populations[p].work);
			net.pops[p].in = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int));
		}
	for (int q = 0; q < net.model->n_projections; q++)
		if (net.projs[q].split && net.model->projections[q].on_pre) {
			const snn_population *pp = &net.model->populations[net.model->projections[q].post];
			pop_rt *post = &net.pops[pp->in_group ? pp->group : net.model->projections[q].post];
			post->in[post->n_in++] = q;
		}
	net.items = snn_xcalloc((size_t)net.n_items + 1, sizeof(pop_item));
	net.bound = snn_xcalloc((size_t)snn_pool.threads + 1, sizeof(int));
	/* Too few neurons to share: the main thread runs them all. */
	net.pops_shared = snn_pool.threads > 1 && total >= (int64_t)snn_pool.threads * snn_pool.min_chunk;
	int i = 0, t = 0;
	int64_t before = 0; /* neurons in the pieces before piece i */
	for (int p = 0; p < net.model->n_populations; p++) {
		if (net.model->populations[p].global || net.model->populations[p].in_group)
			continue;
		for (int j = 0; j < net.pops[p].pieces; j++) {
			/* Item i goes to the thread whose equal share of all the
			 * neurons holds its middle one. */
			int64_t size = snn_step_weight(snn_piece_start(net.pops[p].n, net.pops[p].pieces, j + 1) -
							   snn_piece_start(net.pops[p].n, net.pops[p].pieces, j),
				net.model->populations[p].work);
			int64_t owner = net.pops_shared ? (before + size / 2) * snn_pool.threads / total : 0;
			while (t < owner && t + 1 < snn_pool.threads)
				net.bound[++t] = i;
			net.items[i++] = (pop_item){p, j};
			before += size;
		}
	}
	while (t < snn_pool.threads)
		net.bound[++t] = i;
}

/* build_chains says whether fused steps may run in chains of population
 * jobs (pop_job): every thread then finds the spikes due in a step among
 * the pieces' spikes of the step before, without the main thread. That
 * takes every projection that delivers to take its spikes from a
 * population in the batch (or a member of one) with no delay, and the
 * main thread's sequential part of a fused step to run no job of its own:
 * no currents, and no group member with kernels of its own. */
static void build_chains(void)
{
	net.chainable = net.step_fusable && net.pops_shared && net.model->n_currents == 0;
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		if (pop->in_group && (pop->update || pop->step || pop->threshold || pop->n_dendrites > 0))
			net.chainable = 0;
	}
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		proj_rt *ps = &net.projs[q];
		if (pr->pre_kind != 0) {
			net.chainable = 0; /* an input's spikes come from the main thread */
			continue;
		}
		if (!pr->on_pre || pr->is_part)
			continue;
		const snn_population *pre = &net.model->populations[pr->pre];
		ps->src = pre->in_group ? pre->group : pr->pre;
		ps->src_lo = pre->in_group ? pre->offset : 0;
		if (ps->q.per_syn || ps->q.delay != 0 || !net.pops[ps->src].in_batch)
			net.chainable = 0;
	}
	if (net.chainable)
		net.chain_due = snn_xcalloc_lines((size_t)snn_pool.threads, sizeof(thread_list));
}

void snn_build(void)
{
	/* The large data arrays, read from their files before any kernel. */
	snn_load_data_files();
	snn_index_vars();
	net.ctx.ref = snn_xcalloc((size_t)net.model->n_populations + 1, sizeof(int64_t *));
	net.ctx.pre = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int32_t *));
	net.ctx.post = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int32_t *));
	net.ctx.js = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int32_t *));
	net.ctx.key = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int64_t *));
	net.ctx.seed = net.seed;
	for (int32_t x = 0; x < net.model->params.n; x++)
		snn_new_cell(net.model->params.v[x].id, 1, 1);
	net.pops = snn_xcalloc_lines((size_t)net.model->n_populations + 1, sizeof(pop_rt));
	net.batch = snn_xcalloc((size_t)net.model->n_populations + 1, sizeof(int));
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		pop_rt *ps = &net.pops[p];
		ps->p = pop;
		ps->n = pop->size;
		size_t sz = (size_t)(pop->size > 0 ? pop->size : 1);
		for (int32_t x = 0; x < pop->vars.n; x++)
			snn_new_cell(pop->vars.v[x].id, pop->size, 1);
		if (!pop->global) {
			ps->ref = snn_xcalloc_lines(sz, sizeof(int64_t));
			ps->spikes = snn_xcalloc(sz, sizeof(int32_t));
			ps->prev = snn_xcalloc(sz, sizeof(int32_t));
			ps->thr = snn_alloc_vals(pop->size);
			ps->fired = snn_xcalloc(sz, sizeof(int64_t));
			ps->pieces = snn_pieces_of(ps->n, snn_step_weight(ps->n, pop->work), snn_pool.threads);
			/* Over MPI ranks each population runs alone, over this
			 * rank's neurons (step.c). */
			ps->in_batch = pop->step && pop->n_dendrites == 0 && snn_ranks == 1;
			if (ps->in_batch) {
				net.batch[net.n_batch++] = p;
				ps->pfired[0] = ps->fired;
				ps->pfired[1] = snn_xcalloc(sz, sizeof(int64_t));
				for (int b = 0; b < 2; b++)
					ps->pcounts[b] = snn_xcalloc((size_t)ps->pieces, sizeof(int64_t));
			}
		}
		if (pop->in_group) {
			/* Its state and refractoriness are its part of the group's
			 * arrays (made before it). */
			const snn_population *g = &net.model->populations[pop->group];
			for (int32_t x = 0; x < pop->vars.n; x++) {
				const snn_var *v = &pop->vars.v[x];
				int gid = snn_find_var(g->vars, v->name);
				if (v->uniform || gid < 0)
					continue;
				free(net.ctx.var[v->id]);
				net.ctx.var[v->id] = net.ctx.var[gid] + pop->offset;
			}
			free(ps->ref);
			ps->ref = net.pops[pop->group].ref + pop->offset;
			pop_rt *gs = &net.pops[pop->group];
			gs->members = snn_xrealloc(gs->members, (size_t)(gs->n_members + 1) * sizeof(int));
			gs->members[gs->n_members++] = p;
		}
		net.ctx.ref[p] = ps->ref;
		ps->dends = snn_xcalloc((size_t)pop->n_dendrites + 1, sizeof(dend_rt));
		for (int d = 0; d < pop->n_dendrites; d++) {
			const snn_dendrite *den = &pop->dendrites[d];
			dend_rt *ds = &ps->dends[d];
			ds->d = den;
			ds->count = den->array ? den->count : 1;
			ds->n = pop->size * ds->count;
			for (int32_t x = 0; x < den->vars.n; x++) {
				if (den->vars.v[x].kind == SNN_PARAM)
					snn_new_cell(den->vars.v[x].id, pop->size, 1);
				else
					snn_new_cell(den->vars.v[x].id, pop->size, ds->count);
			}
			ds->thr = snn_alloc_vals(ds->n);
			ds->fired = snn_xcalloc((size_t)(ds->n > 0 ? ds->n : 1), sizeof(int64_t));
		}
	}
	/* This rank's neurons of each population (ranks.c). */
	snn_partition();
	/* The uniform variables of projections, for --set. */
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		for (int32_t x = 0; x < pr->vars.n; x++)
			if (snn_is_uniform(pr->vars.v[x].id))
				snn_new_cell(pr->vars.v[x].id, 1, 1);
	}
	/* A parameter driven by a current has a value per neuron. */
	net.curs = snn_xcalloc((size_t)net.model->n_currents + 1, sizeof(current_rt));
	for (int i = 0; i < net.model->n_currents; i++) {
		const snn_current *c = &net.model->currents[i];
		int64_t n = net.model->populations[c->population].size;
		var_rt *vr = &net.vars[c->var];
		net.curs[i] = (current_rt){c, n};
		if (vr->len == 0) {
			const snn_population *pop = &net.model->populations[c->population];
			double val = net.ctx.var[c->var][0];
			int gid = pop->in_group ? snn_find_var(net.model->populations[pop->group].vars, vr->v->name) : -1;
			free(net.ctx.var[c->var]);
			/* A group's member: its part of the group's array, which the
			 * group's step kernel reads. */
			net.ctx.var[c->var] = gid >= 0 ? net.ctx.var[gid] + pop->offset : snn_alloc_vals(n);
			for (int64_t x = 0; x < n; x++)
				net.ctx.var[c->var][x] = val;
			vr->len = n;
		}
		vr->driven = 1;
	}
	snn_apply_set();
	/* Initial values: neurons and dendrites, then the synapses. */
	net.ctx.step = 0;
	net.ctx.t = 0;
	for (int p = 0; p < net.model->n_populations; p++) {
		snn_par(net.model->populations[p].init, net.pops[p].n, NULL);
		for (int d = 0; d < net.model->populations[p].n_dendrites; d++)
			snn_par(net.model->populations[p].dendrites[d].init, net.pops[p].dends[d].n, NULL);
	}
	net.inputs = snn_xcalloc((size_t)net.model->n_inputs + 1, sizeof(input_rt));
	for (int i = 0; i < net.model->n_inputs; i++)
		build_input(i);
	net.projs = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(proj_rt));
	for (int q = 0; q < net.model->n_projections; q++)
		snn_build_projection(q);
	build_pop_items();
	/* prepare runs after every init and --set. */
	net.ctx.step = 0;
	net.ctx.t = 0;
	for (int p = 0; p < net.model->n_populations; p++) {
		snn_par(net.model->populations[p].prepare, net.pops[p].n, NULL);
		for (int d = 0; d < net.model->populations[p].n_dendrites; d++)
			snn_par(net.model->populations[p].dendrites[d].prepare, net.pops[p].dends[d].n, NULL);
	}
	for (int q = 0; q < net.model->n_projections; q++)
		snn_par(net.model->projections[q].prepare, net.projs[q].nsyn, NULL);
	check_propagators();
	snn_build_monitors();
	snn_reduce(); /* the value before the first step, over the initial state */
	/* A step with reductions computes them between delivery and the
	 * updates: never both in one dispatch. */
	net.step_fusable = snn_pool.threads > 1 && net.n_batch > 0 && net.model->n_reductions == 0 && !net.has_paths;
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		if (pop->n_on_spike > 0 || (pop->global && pop->update) || (!pop->global && !net.pops[p].in_batch && !pop->in_group))
			net.step_fusable = 0;
	}
	for (int q = 0; q < net.model->n_projections; q++) {
		const snn_projection *pr = &net.model->projections[q];
		/* A part of a merged projection delivers nothing itself. */
		if (pr->on_post || pr->update || pr->summed || (pr->on_pre && !pr->is_part && (!net.projs[q].split || net.projs[q].q.per_syn)))
			net.step_fusable = 0;
	}
	build_chains();
}

