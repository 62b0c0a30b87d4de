/*
 * synapses.c: a projection's synapses, built as interp's build does: its
 * rows (runtime.Connect in connect.c, or a merged projection's parts'
 * rows), each synapse's pre neuron, its variables' initial values,
 * pruning, the rows' cuts for split delivery (step.c), the segments onto
 * a dendrite array, the rows by post neuron for on_post, and the delays
 * with their queues (queue.c). Called by build.c, once per projection;
 * the rows are filled on the pool (snn_parallel).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

static int64_t pre_size(const snn_projection *pr)
{
	return pr->pre_kind == 0 ? net.model->populations[pr->pre].size : net.model->inputs[pr->pre].size;
}

typedef struct merge_rows {
	proj_rt *ps;
	int n; /* the merged projection */
} merge_rows;

/* fill_merged copies rows [lo, hi) of a merged projection's parts into
 * its rows, each part's synapses in turn, their post indices moved into
 * the group's. */
static void fill_merged(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)part;
	const merge_rows *mr = arg;
	proj_rt *ps = mr->ps;
	for (int64_t i = lo; i < hi; i++) {
		int64_t s = ps->csr.start[i];
		for (int q = 0; q < mr->n; q++) {
			const snn_projection *pt = &net.model->projections[q];
			if (!pt->is_part || pt->part_of != mr->n)
				continue;
			int32_t off = (int32_t)net.model->populations[pt->post].offset;
			for (int64_t x = net.projs[q].csr.start[i]; x < net.projs[q].csr.start[i + 1]; x++)
				ps->csr.post[s++] = net.projs[q].csr.post[x] + off;
		}
	}
}

/* merged_rows makes the rows of projection n, by parts (the fuse pass's):
 * for each pre neuron, each part's row in turn, its post neurons moved by
 * their population's offset in the group (interp's mergedRows). The rows'
 * starts are summed first, and the rows copied on the threads. */
static void merged_rows(int n, int64_t nPre)
{
	proj_rt *ps = &net.projs[n];
	ps->csr.start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	for (int q = 0; q < n; q++)
		if (net.model->projections[q].is_part && net.model->projections[q].part_of == n)
			for (int64_t i = 0; i < nPre; i++)
				ps->csr.start[i + 1] += net.projs[q].csr.start[i + 1] - net.projs[q].csr.start[i];
	for (int64_t i = 0; i < nPre; i++)
		ps->csr.start[i + 1] += ps->csr.start[i];
	int64_t total = ps->csr.start[nPre];
	ps->csr.n = total;
	ps->csr.post = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
	merge_rows mr = {ps, n};
	snn_parallel(nPre, 1024, fill_merged, &mr);
}

static void fill_pre(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)part;
	proj_rt *ps = arg;
	for (int64_t i = lo; i < hi; i++)
		for (int64_t s = ps->csr.start[i]; s < ps->csr.start[i + 1]; s++)
			ps->pre[s] = (int32_t)i;
}

/* pre_of is synapse s's pre neuron, from the rows' starts (for a
 * message: the pre array exists only where a kernel reads it). */
static int64_t pre_of(const proj_rt *ps, int64_t nPre, int64_t s)
{
	int64_t lo = 0, hi = nPre; /* start[lo] <= s < start[hi] */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (ps->csr.start[mid] <= s)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* set_pre writes each synapse's pre neuron, on the threads. */
static void set_pre(proj_rt *ps, int64_t nPre)
{
	snn_parallel(nPre, 1024, fill_pre, ps);
}

/* prune_weights removes the synapses whose weight (prune_var, after init)
 * has a magnitude below prune_below, keeping the others in their order
 * with their variables, as interp's pruneWeights does. */
static void prune_weights(proj_rt *ps, int64_t nPre)
{
	const snn_projection *pr = ps->pr;
	const double *w = net.ctx.var[pr->prune_var];
	int per_syn = net.vars[pr->prune_var].len > 0;
	int64_t kept = 0;
	int64_t *keep = snn_xmalloc((size_t)(ps->nsyn > 0 ? ps->nsyn : 1) * sizeof(int64_t));
	for (int64_t i = 0; i < nPre; i++) {
		int64_t from = ps->csr.start[i];
		ps->csr.start[i] = kept;
		for (int64_t s = from; s < ps->csr.start[i + 1]; s++)
			if (!(fabs(per_syn ? w[s] : w[0]) < pr->prune_below)) {
				keep[kept] = s;
				ps->csr.post[kept++] = ps->csr.post[s];
			}
	}
	ps->csr.start[nPre] = kept;
	ps->csr.n = kept;
	for (int32_t x = 0; x < pr->vars.n; x++) {
		int id = pr->vars.v[x].id;
		if (net.vars[id].len > 0) {
			double *a = net.ctx.var[id];
			for (int64_t k = 0; k < kept; k++)
				a[k] = a[keep[k]];
			net.vars[id].len = kept;
		}
	}
	free(keep);
	ps->nsyn = kept;
	if (ps->pre)
		set_pre(ps, nPre);
}

/* find_unsorted says, in unsorted[part], whether a row of [lo, hi) is
 * not sorted by post neuron. */
typedef struct sorted_rows {
	const snn_csr *c;
	int unsorted[SNN_MAX_THREADS];
} sorted_rows;

static void find_unsorted(void *arg, int part, int64_t lo, int64_t hi)
{
	sorted_rows *sr = arg;
	const int64_t *start = sr->c->start;
	const int32_t *post = sr->c->post;
	for (int64_t i = lo; i < hi; i++)
		for (int64_t s = start[i] + 1; s < start[i + 1]; s++)
			if (post[s - 1] > post[s]) {
				sr->unsorted[part] = 1;
				return;
			}
}

/* find_cuts fills rows [lo, hi) of a split projection's cut: the
 * synapse of the row where each piece of the post population's owner (of
 * n neurons, the post population from off on, of post neurons) begins,
 * in one walk along the row. A part's bounds in a row are then two
 * numbers on one or two cache lines, without the row's start. */
typedef struct cut_rows {
	proj_rt *ps;
	int64_t n, off, post;
	int pieces;
} cut_rows;

static void find_cuts(void *arg, int part, int64_t lo, int64_t end)
{
	(void)part;
	const cut_rows *cr = arg;
	const int64_t *start = cr->ps->csr.start;
	const int32_t *post = cr->ps->csr.post;
	int pc = cr->pieces;
	/* The pieces' starts, once a part: computing them (a division
	 * each) for every row cost more than the walk along it. */
	int64_t *ats = snn_xmalloc((size_t)(pc + 1) * sizeof(int64_t));
	for (int c = 0; c <= pc; c++) {
		int64_t at = snn_piece_start(cr->n, pc, c) - cr->off;
		ats[c] = at < 0 ? 0 : at > cr->post ? cr->post : at;
	}
	for (int64_t i = lo; i < end; i++) {
		int32_t *cut = cr->ps->cut + i * (pc + 1);
		int64_t s = start[i];
		for (int c = 0; c <= pc; c++) {
			int64_t at = ats[c];
			while (s < start[i + 1] && post[s] < at)
				s++;
			cut[c] = (int32_t)s;
		}
	}
	free(ats);
}

void snn_build_projection(int n)
{
	const snn_projection *pr = &net.model->projections[n];
	proj_rt *ps = &net.projs[n];
	char err[1024];
	ps->pr = pr;
	snprintf(snn_err_ctx, sizeof snn_err_ctx, "%s: ", pr->label);
	int64_t nPre = pre_size(pr);
	/* The rule connects the sides' ranges (the whole sides without a
	 * slice) and is widened to the whole populations (slice.c). */
	int64_t rule_pre = pr->pre_n > 0 ? pr->pre_n : nPre;
	int64_t rule_post = pr->post_n > 0 ? pr->post_n : net.pops[pr->post].n;
	/* A part of a merged projection makes its synapses and delivers
	 * nothing: the merged projection does, with the spikes. */
	if (pr->is_part) {
	} else if (pr->pre_kind == 0) {
		pop_rt *g = &net.pops[pr->pre];
		g->out = snn_xrealloc(g->out, (size_t)(g->n_out + 1) * sizeof(int));
		g->out[g->n_out++] = n;
	} else {
		input_rt *g = &net.inputs[pr->pre];
		g->out = snn_xrealloc(g->out, (size_t)(g->n_out + 1) * sizeof(int));
		g->out[g->n_out++] = n;
	}
	pop_rt *post = &net.pops[pr->post];
	snn_rule rule = {pr->rule, pr->p, pr->k, pr->autapses, pr->pairs, pr->n_pairs, 0, 0, 0};
	if (pr->rule == SNN_PAIRS && pr->file) {
		for (int64_t r = 0; r < pr->n_pairs; r++) {
			int64_t i, j;
			int ok1 = snn_whole((double)pr->pairs[2 * r], rule_pre, &i);
			int ok2 = snn_whole((double)pr->pairs[2 * r + 1], rule_post, &j);
			if (!ok1 || !ok2) {
				char a[64];
				snprintf(a, sizeof a, "%s", snn_gfmt((double)pr->pairs[2 * r]));
				snn_fail("%s: row %lld: (%s, %s) is not a pair of indices in [0, %lld) and [0, %lld)", pr->file,
					(long long)r + 1, a, snn_gfmt((double)pr->pairs[2 * r + 1]), (long long)rule_pre,
					(long long)rule_post);
			}
		}
	}
	int same = pr->pre_kind == 0 && pr->pre == pr->post && pr->pre_lo == pr->post_lo && rule_pre == rule_post;
	/* Over MPI ranks, only the synapses onto this rank's neurons
	 * (ranks.c); the rules draw as for all of them. */
	snn_keep_rule(n, rule_post, &rule);
	if (pr->rule == SNN_PARTS)
		merged_rows(n, nPre);
	else if (pr->conn_where || pr->conn_p || pr->conn_j) {
		/* A condition, a probability expression or a generator
		 * (connect_expr.c). */
		snn_rule all = rule;
		all.keep = 0;
		snn_connect_pairs(n, &all, rule_pre, rule_post, same, pr->pre_n > 0 ? pr->pre_lo : 0,
			pr->post_n > 0 ? pr->post_lo : 0, &ps->csr);
		if (rule.keep)
			snn_csr_keep(&ps->csr, rule_pre, rule.keep_lo, rule.keep_hi);
		if (pr->pre_n > 0 || pr->post_n > 0)
			snn_csr_widen(&ps->csr, pr->pre_lo, rule_pre, nPre, pr->post_lo);
	} else if (snn_matrix_csr(n, rule_pre, rule_post, &rule, &ps->csr)) {
		/* A large matrix rule's synapses, from its file (datafile.c). */
		if (pr->pre_n > 0 || pr->post_n > 0)
			snn_csr_widen(&ps->csr, pr->pre_lo, rule_pre, nPre, pr->post_lo);
	} else if (snn_connect(net.seed, SNN_STREAM_CONNECT + (uint32_t)pr->stream, &rule, rule_pre, rule_post, same, &ps->csr,
			     err, sizeof err))
		snn_fail("%s", err);
	else if (pr->pre_n > 0 || pr->post_n > 0)
		snn_csr_widen(&ps->csr, pr->pre_lo, rule_pre, nPre, pr->post_lo);
	int64_t nsyn = ps->csr.n;
	ps->nsyn = nsyn;
	ps->n_post = post->n;
	/* Each synapse's pre neuron, where a kernel reads it: 4 bytes a
	 * synapse that most projections (a weight added to the post side)
	 * never read. */
	ps->pre = NULL;
	if (pr->needs_pre) {
		ps->pre = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
		set_pre(ps, nPre);
	}
	net.ctx.pre[n] = ps->pre;
	net.ctx.post[n] = ps->csr.post;
	net.ctx.js[n] = NULL;
	/* The synapses' variables; uniform ones were made (and --set) before. */
	for (int32_t x = 0; x < pr->vars.n; x++) {
		int id = pr->vars.v[x].id;
		if (!snn_is_uniform(id))
			snn_new_cell(id, nsyn, 1);
	}
	/* In an --mpi build, what a kernel keys by synapse is keyed by its
	 * index in the whole projection (ranks.c). */
	if (pr->needs_key) {
		ps->key = snn_ranks_keys(n);
		net.ctx.key[n] = ps->key;
	}
	net.ctx.step = 0;
	net.ctx.t = 0;
	snn_par(pr->init, nsyn, NULL);
	if (pr->prune) {
		prune_weights(ps, nPre);
		nsyn = ps->nsyn;
		net.ctx.post[n] = ps->csr.post;
		if (pr->needs_key) {
			free(ps->key);
			ps->key = snn_ranks_keys(n);
			net.ctx.key[n] = ps->key;
		}
	}
	ps->row_arr[ps->n_row_arr] = (const char *)ps->csr.post;
	ps->row_size[ps->n_row_arr++] = sizeof(int32_t);
	for (int32_t x = 0; x < pr->vars.n && ps->n_row_arr < 4; x++) {
		const var_rt *vr = &net.vars[pr->vars.v[x].id];
		if (vr->len == nsyn && nsyn > 0) {
			ps->row_arr[ps->n_row_arr] = (const char *)net.ctx.var[pr->vars.v[x].id];
			ps->row_size[ps->n_row_arr++] = sizeof(double);
		}
	}
	/* (cut holds synapse positions in 32 bits) */
	ps->split = pr->parallel_on_pre && snn_pool.threads > 1 && !pr->is_part && nsyn <= INT32_MAX && snn_ranks == 1;
	if (ps->split) {
		/* rows sorted by post neuron, or pairs in an order of their own */
		sorted_rows sr = {&ps->csr, {0}};
		int parts = snn_parallel(nPre, 1024, find_unsorted, &sr);
		for (int t = 0; t < parts; t++)
			ps->split = ps->split && !sr.unsorted[t];
	}
	if (ps->split) {
		/* Where each piece of the post population begins in each row:
		 * found once, not per spike. */
		/* Onto a member of a group, the pieces are the group's, each
		 * clipped to the member's range. */
		const pop_rt *owner = post;
		int64_t off = 0;
		if (post->p->in_group) {
			owner = &net.pops[post->p->group];
			off = post->p->offset;
		}
		int pc = owner->pieces;
		ps->cut = snn_xmalloc((size_t)(nPre > 0 ? nPre : 1) * (size_t)(pc + 1) * sizeof(int32_t));
		ps->pieces = pc;
		ps->first_piece = pc;
		ps->end_piece = 0;
		for (int c = 0; c < pc; c++)
			if (snn_piece_start(owner->n, pc, c) < off + post->n && snn_piece_start(owner->n, pc, c + 1) > off) {
				if (c < ps->first_piece)
					ps->first_piece = c;
				ps->end_piece = c + 1;
			}
		cut_rows cr = {ps, owner->n, off, post->n, pc};
		snn_parallel(nPre, 1024, find_cuts, &cr);
	}
	/* The segment of each synapse onto a dendrite array, known after init. */
	if (pr->dendrite >= 0) {
		const snn_dendrite *den = &net.model->populations[pr->post].dendrites[pr->dendrite];
		if (den->array) {
			if (pr->segment_var < 0)
				snn_fail("onto the dendrite array %s.%s without a segment", net.model->populations[pr->post].name, den->name);
			ps->js = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
			const double *seg = net.ctx.var[pr->segment_var];
			int arr = net.vars[pr->segment_var].len > 0;
			for (int64_t s = 0; s < nsyn; s++) {
				double x = arr ? seg[s] : seg[0];
				int64_t sg;
				if (!snn_whole(x, den->count, &sg))
					snn_fail("synapse %lld (%d -> %d) has segment %s, not a whole number in [0, %d)", (long long)s,
						(int)pre_of(ps, nPre, s), (int)ps->csr.post[s], snn_gfmt(x), (int)den->count);
				ps->js[s] = ps->csr.post[s] * (int32_t)den->count + (int32_t)sg;
			}
			net.ctx.js[n] = ps->js;
		}
	}
	if (pr->on_post) {
		int64_t np = post->n;
		ps->bp_start = snn_xcalloc((size_t)np + 1, sizeof(int64_t));
		for (int64_t s = 0; s < nsyn; s++)
			ps->bp_start[ps->csr.post[s] + 1]++;
		for (int64_t j = 0; j < np; j++)
			ps->bp_start[j + 1] += ps->bp_start[j];
		ps->bp_syn = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
		int64_t *fill = snn_xmalloc((size_t)(np > 0 ? np : 1) * sizeof(int64_t));
		memcpy(fill, ps->bp_start, (size_t)np * sizeof(int64_t));
		for (int64_t s = 0; s < nsyn; s++)
			ps->bp_syn[fill[ps->csr.post[s]]++] = (int32_t)s;
		free(fill);
	}
	/* Delays in steps. */
	if (pr->delay_var < 0) {
		snn_queue_init(&ps->q, 0);
	} else if (net.vars[pr->delay_var].len == 0) {
		double d = net.ctx.var[pr->delay_var][0];
		double st = round(d / net.dt);
		if (!(st >= 0 && st < 1073741824.0))
			snn_fail("synapse %d has delay %s s; delays must be finite, non-negative and below 2^30 steps", 0,
				snn_gfmt(d));
		snn_reserve_ring((int64_t)st, d, 0);
		snn_queue_init(&ps->q, (int64_t)st);
	} else {
		const double *del = net.ctx.var[pr->delay_var];
		ps->syn_delay = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
		for (int64_t s = 0; s < nsyn; s++) {
			double st = round(del[s] / net.dt);
			if (!(st >= 0 && st < 1073741824.0))
				snn_fail("synapse %lld has delay %s s; delays must be finite, non-negative and below 2^30 steps",
					(long long)s, snn_gfmt(del[s]));
			ps->syn_delay[s] = (int32_t)st;
		}
		int64_t longest = 0;
		for (int64_t s = 1; s < nsyn; s++)
			if (ps->syn_delay[s] > ps->syn_delay[longest])
				longest = s;
		if (nsyn > 0)
			snn_reserve_ring(ps->syn_delay[longest], del[longest], 1);
		snn_queue_init_synapse(&ps->q, ps->syn_delay, nsyn, ps->csr.start);
	}
	snn_paths_build(ps);
	snn_err_ctx[0] = 0;
}

