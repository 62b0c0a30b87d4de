/*
 * ranks.c: a run over K MPI ranks (spec/native.md, "Running over MPI
 * ranks"), which writes the bytes of one process.
 *
 * Each population's neurons are cut into K contiguous blocks, block r
 * rank r's (a fuse group's members take their part of the group's
 * block). Every rank holds every neuron's state, runs every neuron's
 * initial values and every input (both keyed by index, so the same on
 * every rank), and updates only its block. It makes only the synapses
 * onto its own neurons (snn_keep_rule, snn_csr_keep): for each pre neuron
 * the part of its row in the one-process order, so that delivery onto a
 * neuron adds the same terms in the same order.
 *
 * Spikes: each rank lists its neurons' spikes of every step; once per
 * window of W steps, W = 1 + the shortest delay of a projection from a
 * population (a spike of step s is delivered in step s + 1 + delay, at
 * the earliest in the step after the window), one MPI_Iallgather of a
 * buffer of fixed size per rank moves every rank's lists to every rank.
 * It is begun at the end of the window's last step and completed at the
 * start of the next, so the inputs' draws and the recordings of that
 * step overlap it. A rank whose lists outgrow the buffer says so in it,
 * and the window is gathered again in a larger one. Then every rank
 * pushes the whole lists (rank 0's, rank 1's, ...: increasing, as one
 * process lists them) into its projections' queues, and records them in
 * the spike monitors. A signal that asks a run to end is in the buffer
 * too: the ranks stop together, at the end of a window.
 *
 * After the run rank 0 gathers what it writes: the neurons' variables and
 * refractoriness, the state monitors' columns, and every projection's
 * synapses put back into the one-process order (each synapse's place
 * there is its row's start, the synapses of its row on the ranks before
 * it, and its place in its own row).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* block_lo is the first neuron of rank r's block of n. */
static int64_t block_lo(int64_t n, int r)
{
	return r >= snn_ranks ? n : n * r / snn_ranks;
}

/* own_range is population p's neurons [lo, hi) on rank r. */
static void own_range(int p, int r, int64_t *lo, int64_t *hi)
{
	const snn_population *pop = &net.model->populations[p];
	int64_t n = pop->size;
	if (pop->global) {
		*lo = 0;
		*hi = n;
		return;
	}
	if (pop->in_group) {
		int64_t glo, ghi;
		own_range(pop->group, r, &glo, &ghi);
		glo -= pop->offset;
		ghi -= pop->offset;
		*lo = glo < 0 ? 0 : glo > n ? n : glo;
		*hi = ghi < *lo ? *lo : ghi > n ? n : ghi;
		return;
	}
	*lo = block_lo(n, r);
	*hi = block_lo(n, r + 1);
}

void snn_partition(void)
{
	int64_t neurons = 0;
	for (int p = 0; p < net.model->n_populations; p++) {
		const snn_population *pop = &net.model->populations[p];
		own_range(p, snn_rank, &net.pops[p].lo, &net.pops[p].hi);
		if (!pop->global && !pop->in_group)
			neurons += pop->size;
	}
	if (snn_ranks > 1 && neurons < snn_ranks)
		snn_fail("the model has %lld neurons, fewer than the %d ranks: a rank would hold none; run it with at most %lld ranks",
			(long long)neurons, snn_ranks, (long long)(neurons > 0 ? neurons : 1));
}

void snn_keep_rule(int q, int64_t rule_post, snn_rule *r)
{
	r->keep = 0;
	if (snn_ranks <= 1)
		return;
	const snn_projection *pr = &net.model->projections[q];
	const pop_rt *post = &net.pops[pr->post];
	/* The rule's post side starts at post_lo with a slice or subgroup. */
	int64_t base = pr->post_n > 0 ? pr->post_lo : 0;
	int64_t lo = post->lo - base, hi = post->hi - base;
	r->keep = 1;
	r->keep_lo = lo < 0 ? 0 : lo > rule_post ? rule_post : lo;
	r->keep_hi = hi < r->keep_lo ? r->keep_lo : hi > rule_post ? rule_post : hi;
}

void snn_csr_keep(snn_csr *c, int64_t nPre, int64_t lo, int64_t hi)
{
	int64_t w = 0;
	for (int64_t i = 0; i < nPre; i++) {
		int64_t from = c->start[i], to = c->start[i + 1];
		c->start[i] = w;
		for (int64_t s = from; s < to; s++) {
			if (s > from && c->post[s] < c->post[s - 1])
				c->unsorted = 1;
			if (c->post[s] >= lo && c->post[s] < hi)
				c->post[w++] = c->post[s];
		}
	}
	c->start[nPre] = w;
	c->n = w;
	int32_t *a = realloc(c->post, (size_t)(w > 0 ? w : 1) * sizeof(int32_t));
	if (a)
		c->post = a;
}

/* ------------------------------------------------------------------ */
/* The spikes, once per window.                                         */

/* A rank's words in the buffer: [0] how many it needs (more than the
 * buffer's size: the window is gathered again), [1] whether a signal
 * asked it to stop, then for each step of the window and each source
 * population in order, a count and the indices. */
/* The buffer starts at 1 KiB a rank, and grows to the most a window
 * needs (it then stays that large): every word of it crosses to every
 * rank in every window, and a large one goes through the kernel (Open
 * MPI's single-copy transfers between processes). CUBA 40 000 over 2
 * ranks, 2 s: 0.44-0.48 s with 256 words, 0.57-0.86 s with 4096 (3 runs
 * each; 24 spikes a step need about 30). */
enum { HEAD = 2, MAX_WINDOW = 256, FIRST_CAP = 256 };

static struct {
	int64_t window;   /* W */
	int64_t w0;       /* the window's first step */
	int *src, n_src;  /* the populations with spikes of their own */
	snn_vi32 rec;     /* this rank's words of the window */
	int32_t *send, *all;
	int64_t cap;      /* words per rank */
	int pending;      /* a gather is in flight */
	int64_t lo, hi;   /* its steps */
	int32_t *full;    /* a step's spikes of one population, all ranks' */
	int64_t *cursor;  /* per rank, while a gather is read */
	int every_step;   /* a global's on spike of a population reads the last step's spikes, whole */
	int stop;         /* this rank's signal, as sent */
	int stopped;      /* a rank asked to stop: the run ends after this window */
} rx;

/* A population variable that every rank needs whole in step 4a: each
 * rank's block of it is sent to all before (share_step). */
typedef struct shared_var {
	int id;
	int *counts, *displs;
} shared_var;

static struct {
	shared_var *a;
	int n, cap;
} shared;

/* share adds population p's variable id, unless it is there. */
static void share(int p, int id)
{
	const var_rt *vr = &net.vars[id];
	const snn_population *pop = &net.model->populations[p];
	if (vr->len == 0 || pop->global || pop->size == 0)
		return;
	for (int x = 0; x < shared.n; x++)
		if (shared.a[x].id == id)
			return;
	int64_t per = vr->len / pop->size;
	if (vr->len > INT32_MAX)
		snn_fail("population %s: %s has %lld values, more than one MPI message holds", pop->name, vr->v->name,
			(long long)vr->len);
	if (shared.n == shared.cap) {
		shared.cap = shared.cap ? 2 * shared.cap : 8;
		shared.a = snn_xrealloc(shared.a, (size_t)shared.cap * sizeof(shared_var));
	}
	shared_var *sv = &shared.a[shared.n++];
	sv->id = id;
	sv->counts = snn_xcalloc((size_t)snn_ranks, sizeof(int));
	sv->displs = snn_xcalloc((size_t)snn_ranks, sizeof(int));
	for (int r = 0; r < snn_ranks; r++) {
		int64_t lo, hi;
		own_range(p, r, &lo, &hi);
		sv->counts[r] = (int)((hi - lo) * per);
		sv->displs[r] = (int)(lo * per);
	}
}

/* share_all adds every variable with a value per neuron of population p
 * (and of its dendrites). */
static void share_all(int p)
{
	for (int id = 0; id < net.model->n_vars; id++)
		if ((net.vars[id].owner == OWN_POP || net.vars[id].owner == OWN_DEND) && net.vars[id].pop == p)
			share(p, id);
}

void snn_ranks_share_step(void)
{
	for (int x = 0; x < shared.n; x++)
		snn_mpi_share(net.ctx.var[shared.a[x].id], shared.a[x].counts, shared.a[x].displs);
}

static void check_supported(void)
{
	const snn_model *m = net.model;
	/* The build refuses these with a position (backends/llvm's
	 * CheckMPI); an executable is checked again here. A summed
	 * variable reads its pre neurons, and a reduction a population's
	 * variable, whole: every rank's blocks are shared in each step. */
	for (int i = 0; i < m->n_reductions; i++) {
		const snn_reduction *r = &m->reductions[i];
		if (r->src_kind != 0)
			snn_fail("a reduction over a projection's synapses cannot run over MPI ranks yet");
		share(r->src, r->var);
	}
	for (int p = 0; p < m->n_populations; p++)
		for (int x = 0; x < m->populations[p].n_on_spike; x++)
			if (m->populations[p].on_spike[x].src_kind == 0)
				rx.every_step = 1;
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		const proj_rt *ps = &net.projs[q];
		if (pr->summed && pr->pre_kind == 0)
			share_all(pr->pre);
		if (pr->n_paths > 0)
			snn_fail("%s: named pathways cannot run over MPI ranks yet", pr->label);
		if (pr->on_pre && !pr->parallel_on_pre)
			snn_fail("%s: its on pre reads its pre neuron or writes beyond its synapse and post neuron; that cannot run over MPI ranks",
				pr->label);
		if (ps->csr.unsorted && pr->rule != SNN_PARTS)
			snn_fail("%s: a row lists its post neurons out of order (pairs or a generator in an order of their own); over MPI ranks the rows must be in the order of their post neurons",
				pr->label);
	}
}

void snn_ranks_start(void)
{
	if (snn_ranks <= 1)
		return;
	check_supported();
	const snn_model *m = net.model;
	rx.src = snn_xcalloc((size_t)m->n_populations + 1, sizeof(int));
	int64_t most = 1;
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		if (!pop->global && (pop->step || pop->threshold)) {
			rx.src[rx.n_src++] = p;
			if (pop->size > most)
				most = pop->size;
		}
	}
	rx.full = snn_xcalloc((size_t)most, sizeof(int32_t));
	/* The window: 1 + the shortest delay of a projection that a
	 * population's spikes go into, in steps. */
	int64_t dmin = MAX_WINDOW;
	for (int p = 0; p < m->n_populations; p++)
		for (int x = 0; x < net.pops[p].n_out; x++) {
			const proj_rt *ps = &net.projs[net.pops[p].out[x]];
			if (!ps->q.per_syn && ps->q.delay < dmin)
				dmin = ps->q.delay;
			for (int64_t s = 0; ps->q.per_syn && s < ps->nsyn; s++)
				if (ps->syn_delay[s] < dmin)
					dmin = ps->syn_delay[s];
		}
	/* A delay per synapse: the shortest of every rank's. */
	dmin = snn_mpi_min_i64(dmin);
	rx.window = dmin + 1 < MAX_WINDOW ? dmin + 1 : MAX_WINDOW;
	if (rx.every_step)
		rx.window = 1;
	rx.w0 = net.first;
	rx.cap = FIRST_CAP;
	rx.send = snn_xcalloc((size_t)rx.cap, sizeof(int32_t));
	rx.all = snn_xcalloc((size_t)rx.cap * (size_t)snn_ranks, sizeof(int32_t));
	rx.cursor = snn_xcalloc((size_t)snn_ranks, sizeof(int64_t));
	snn_vi32_reserve(&rx.rec, FIRST_CAP);
	rx.rec.n = HEAD;
}

void snn_ranks_record(int p, const int32_t *spikes, int64_t n)
{
	(void)p;
	if (snn_ranks <= 1)
		return;
	snn_vi32_reserve(&rx.rec, rx.rec.n + 1 + n);
	rx.rec.a[rx.rec.n++] = (int32_t)n;
	memcpy(rx.rec.a + rx.rec.n, spikes, (size_t)n * sizeof(int32_t));
	rx.rec.n += n;
}

/* start gathers the window's words: all of them if they fit in the
 * buffer, else how many it needs. */
static void start(int stop)
{
	int64_t need = rx.rec.n;
	if (need > INT32_MAX)
		snn_fail("a window's spikes on this rank (%lld words) are more than one MPI message holds", (long long)need);
	rx.rec.a[0] = (int32_t)need;
	rx.rec.a[1] = stop;
	memcpy(rx.send, rx.rec.a, (size_t)(need <= rx.cap ? need : HEAD) * sizeof(int32_t));
	rx.send[0] = (int32_t)need;
	snn_mpi_allgather_start(rx.send, rx.cap, rx.all);
	rx.pending = 1;
}

void snn_ranks_step_end(int64_t k, int stop)
{
	if (snn_ranks <= 1)
		return;
	if (k + 1 - rx.w0 < rx.window && k + 1 < net.steps)
		return;
	rx.lo = rx.w0;
	rx.hi = k + 1;
	rx.stop = stop;
	start(stop);
}

/* push_step hands population p's spikes of step s (all ranks') to its
 * projections and monitors, and those of its members, as spike() does in
 * a run of one. */
static void push_step(int p, int64_t s, const int32_t *sp, int64_t n, int last)
{
	pop_rt *ps = &net.pops[p];
	for (int x = 0; x < ps->n_out; x++)
		snn_queue_push(&net.projs[ps->out[x]].q, s, sp, n);
	for (int i = 0; i < net.n_spike_mons; i++) {
		const snn_monitor *mon = net.spike_mons[i].mon;
		if (mon->target_kind == 0 && mon->target == p)
			snn_record_spikes(&net.spike_mons[i], s, sp, n);
	}
	ps->count += n;
	if (last) {
		/* The last step's spikes, whole: on_post reads only its own
		 * neurons' among them, and the checkpoint writes them. */
		memcpy(ps->prev, sp, (size_t)n * sizeof(int32_t));
		ps->n_prev = n;
	}
}

int snn_ranks_sync(void)
{
	if (snn_ranks <= 1 || !rx.pending)
		return 0;
	snn_mpi_allgather_wait();
	rx.pending = 0;
	int64_t need = 0;
	for (int r = 0; r < snn_ranks; r++)
		if (rx.all[(int64_t)r * rx.cap] > need)
			need = rx.all[(int64_t)r * rx.cap];
	if (need > rx.cap) {
		/* Again, in a buffer that holds every rank's words. */
		rx.cap = need + need / 2;
		free(rx.send);
		free(rx.all);
		rx.send = snn_xcalloc((size_t)rx.cap, sizeof(int32_t));
		rx.all = snn_xcalloc((size_t)rx.cap * (size_t)snn_ranks, sizeof(int32_t));
		start(rx.stop);
		snn_mpi_allgather_wait();
		rx.pending = 0;
	}
	for (int r = 0; r < snn_ranks; r++) {
		rx.cursor[r] = (int64_t)r * rx.cap + HEAD;
		if (rx.all[(int64_t)r * rx.cap + 1])
			rx.stopped = 1;
	}
	for (int64_t s = rx.lo; s < rx.hi; s++)
		for (int x = 0; x < rx.n_src; x++) {
			int p = rx.src[x];
			int64_t n = 0;
			for (int r = 0; r < snn_ranks; r++) {
				int64_t c = rx.all[rx.cursor[r]];
				memcpy(rx.full + n, rx.all + rx.cursor[r] + 1, (size_t)c * sizeof(int32_t));
				n += c;
				rx.cursor[r] += 1 + c;
			}
			int last = s == rx.hi - 1;
			push_step(p, s, rx.full, n, last);
			/* A group's spikes are its members', each in its range. */
			const pop_rt *ps = &net.pops[p];
			for (int y = 0; y < ps->n_members; y++) {
				int mp = ps->members[y];
				int64_t lo = net.pops[mp].p->offset, hi = lo + net.pops[mp].n, m = 0;
				int32_t *sub = net.pops[mp].spikes; /* free between steps */
				for (int64_t z = 0; z < n; z++)
					if (rx.full[z] >= lo && rx.full[z] < hi)
						sub[m++] = (int32_t)(rx.full[z] - lo);
				push_step(mp, s, sub, m, last);
			}
		}
	rx.rec.n = HEAD;
	rx.w0 = rx.hi;
	return rx.stopped;
}

/* ------------------------------------------------------------------ */
/* What rank 0 writes, gathered.                                         */

/* gather_block puts ranks 1.. K-1's elements [lo_r, hi_r) of a (elem
 * bytes each) into rank 0's a, where lo_r and hi_r are population p's
 * block on rank r times per (elements per neuron). */
static void gather_block(void *a, size_t elem, int p, int64_t per)
{
	char *b = a;
	for (int r = 1; r < snn_ranks; r++) {
		int64_t lo, hi;
		own_range(p, r, &lo, &hi);
		int64_t bytes = (hi - lo) * per * (int64_t)elem;
		if (snn_rank == 0)
			snn_mpi_recv(r, b + lo * per * (int64_t)elem, bytes);
		else if (snn_rank == r)
			snn_mpi_send(0, b + lo * per * (int64_t)elem, bytes);
	}
}

/* aliased says whether member population p's variable v is its part of
 * its group's array (build.c), which the group's gathering moves. */
static int aliased(int p, const snn_var *v)
{
	const snn_population *pop = &net.model->populations[p];
	if (!pop->in_group || v->uniform)
		return 0;
	return snn_find_var(net.model->populations[pop->group].vars, v->name) >= 0;
}

static void gather_neurons(void)
{
	const snn_model *m = net.model;
	for (int id = 0; id < m->n_vars; id++) {
		const var_rt *vr = &net.vars[id];
		if (vr->len == 0 || !(vr->owner == OWN_POP || vr->owner == OWN_DEND))
			continue;
		int p = vr->pop;
		const snn_population *pop = &m->populations[p];
		if (pop->global || pop->size == 0 || (vr->owner == OWN_POP && aliased(p, vr->v)))
			continue;
		gather_block(net.ctx.var[id], sizeof(double), p, vr->len / pop->size);
	}
	for (int p = 0; p < m->n_populations; p++)
		if (!m->populations[p].global && !m->populations[p].in_group)
			gather_block(net.pops[p].ref, sizeof(int64_t), p, 1);
}

/* gather_monitors moves each rank's columns of the state monitors of
 * populations (its neurons') into rank 0's recordings. */
static void gather_monitors(void)
{
	for (int i = 0; i < net.n_state_mons; i++) {
		const state_mon *sm = &net.state_mons[i];
		const snn_monitor *mon = sm->mon;
		if (mon->target_kind != 0 || net.model->populations[mon->target].global)
			continue;
		snn_state_rec *rec = sm->rec;
		for (int r = 1; r < snn_ranks; r++) {
			if (snn_rank != 0 && snn_rank != r)
				continue;
			int64_t lo, hi, cols = 0;
			own_range(mon->target, r, &lo, &hi);
			for (int64_t x = 0; x < rec->n_indices; x++)
				cols += rec->indices[x] >= lo && rec->indices[x] < hi;
			double *buf = snn_xmalloc((size_t)(rec->n_steps * cols > 0 ? rec->n_steps * cols : 1) * sizeof(double));
			int64_t w = 0;
			if (snn_rank == r) {
				for (int64_t k = 0; k < rec->n_steps; k++)
					for (int64_t x = 0; x < rec->n_indices; x++)
						if (rec->indices[x] >= lo && rec->indices[x] < hi)
							buf[w++] = rec->values[k * rec->n_indices + x];
				snn_mpi_send(0, buf, w * (int64_t)sizeof(double));
			} else {
				snn_mpi_recv(r, buf, rec->n_steps * cols * (int64_t)sizeof(double));
				for (int64_t k = 0; k < rec->n_steps; k++)
					for (int64_t x = 0; x < rec->n_indices; x++)
						if (rec->indices[x] >= lo && rec->indices[x] < hi)
							rec->values[k * rec->n_indices + x] = buf[w++];
			}
			free(buf);
		}
	}
}

/* Per projection: its rows' lengths summed over the ranks (glen) and
 * over the ranks before this one (below), nPre each. */
typedef struct rows_rt {
	int64_t n_pre;
	int64_t *glen, *below;
} rows_rt;

static int64_t pre_count(const snn_projection *pr)
{
	return pr->pre_kind == 0 ? net.model->populations[pr->pre].size : net.model->inputs[pr->pre].size;
}

/* place lists where each of projection q's synapses on this rank goes
 * in the one-process order, and gives the rows' starts there in gstart
 * (nPre + 1). */
static int64_t *place(int q, const rows_rt *rows, int64_t *gstart)
{
	const snn_projection *pr = &net.model->projections[q];
	const proj_rt *ps = &net.projs[q];
	int64_t nPre = rows[q].n_pre;
	int64_t *at = snn_xmalloc((size_t)(ps->nsyn > 0 ? ps->nsyn : 1) * sizeof(int64_t));
	gstart[0] = 0;
	if (pr->rule != SNN_PARTS) {
		for (int64_t i = 0; i < nPre; i++) {
			gstart[i + 1] = gstart[i] + rows[q].glen[i];
			for (int64_t s = ps->csr.start[i]; s < ps->csr.start[i + 1]; s++)
				at[s] = gstart[i] + rows[q].below[i] + (s - ps->csr.start[i]);
		}
		return at;
	}
	/* A merged projection's row is its parts' rows in turn (synapses.c's
	 * merged_rows), each the ranks' rows in turn. */
	for (int64_t i = 0; i < nPre; i++) {
		int64_t g = gstart[i], s = ps->csr.start[i];
		for (int t = 0; t < q; t++) {
			const snn_projection *pt = &net.model->projections[t];
			if (!pt->is_part || pt->part_of != q)
				continue;
			int64_t len = net.projs[t].csr.start[i + 1] - net.projs[t].csr.start[i];
			for (int64_t x = 0; x < len; x++)
				at[s++] = g + rows[t].below[i] + x;
			g += rows[t].glen[i];
		}
		gstart[i + 1] = g;
	}
	return at;
}

/* parts_of lists the projections whose rows make projection q's, in the
 * order a row holds them: its parts (a merged projection's), else q. */
static int parts_of(int q, int *parts)
{
	const snn_model *m = net.model;
	if (m->projections[q].rule != SNN_PARTS) {
		parts[0] = q;
		return 1;
	}
	int n = 0;
	for (int t = 0; t < q; t++)
		if (m->projections[t].is_part && m->projections[t].part_of == q)
			parts[n++] = t;
	return n;
}

/* own_lens gives this rank's row lengths of each of the np parts, nPre
 * a part. */
static void own_lens(const int *parts, int np, int64_t nPre, int64_t *lens)
{
	for (int t = 0; t < np; t++) {
		const int64_t *st = net.projs[parts[t]].csr.start;
		for (int64_t i = 0; i < nPre; i++)
			lens[t * nPre + i] = st[i + 1] - st[i];
	}
}

/* merge puts projection q's synapses, spread over the ranks, into rank
 * 0's network in the one-process order: the rows, the post neurons and
 * each variable with a value per synapse. Array by array, each rank in
 * turn sends its rows' lengths and its values (a rank holds its own
 * synapses and O(rows) more); rank 0 places them: the synapses of a row
 * (of a part's row, in a merged projection) are the ranks' in rank order.
 * Rank 0 then holds the whole projection, and one rank's array at a
 * time. */
static void merge(int q, const rows_rt *rows)
{
	const snn_projection *pr = &net.model->projections[q];
	proj_rt *ps = &net.projs[q];
	int64_t nPre = rows[q].n_pre;
	int *parts = snn_xcalloc((size_t)net.model->n_projections + 1, sizeof(int));
	int np = parts_of(q, parts);
	int64_t *gstart = snn_xmalloc((size_t)(nPre + 1) * sizeof(int64_t));
	gstart[0] = 0;
	for (int64_t i = 0; i < nPre; i++)
		gstart[i + 1] = gstart[i] + rows[q].glen[i];
	int64_t total = gstart[nPre];
	int n_arr = 0;
	int *ids = snn_xcalloc((size_t)pr->vars.n + 1, sizeof(int));
	for (int32_t x = 0; x < pr->vars.n; x++)
		if (!snn_is_uniform(pr->vars.v[x].id))
			ids[n_arr++] = pr->vars.v[x].id;
	size_t lens_n = (size_t)np * (size_t)(nPre > 0 ? nPre : 1);
	int64_t *lens = snn_xmalloc(lens_n * sizeof(int64_t)), *next = snn_xmalloc(lens_n * sizeof(int64_t));
	int32_t *post = NULL;
	for (int a = -1; a < n_arr; a++) {
		/* a = -1: the post neurons; then the variables. */
		size_t elem = a < 0 ? sizeof(int32_t) : sizeof(double);
		const char *mine = a < 0 ? (const char *)ps->csr.post : (const char *)net.ctx.var[ids[a]];
		if (snn_rank != 0) {
			own_lens(parts, np, nPre, lens);
			snn_mpi_send(0, lens, np * nPre * (int64_t)sizeof(int64_t));
			snn_mpi_send(0, &ps->nsyn, sizeof(int64_t));
			snn_mpi_send(0, mine, ps->nsyn * (int64_t)elem);
			continue;
		}
		char *dst = snn_xmalloc((size_t)(total > 0 ? total : 1) * elem);
		/* Where each part's synapses of row i go next. */
		for (int64_t i = 0; i < nPre; i++) {
			int64_t at = gstart[i];
			for (int t = 0; t < np; t++) {
				next[t * nPre + i] = at;
				at += rows[parts[t]].glen[i];
			}
		}
		for (int r = 0; r < snn_ranks; r++) {
			int64_t n = ps->nsyn;
			const char *src = mine;
			char *tmp = NULL;
			if (r == 0)
				own_lens(parts, np, nPre, lens);
			else {
				snn_mpi_recv(r, lens, np * nPre * (int64_t)sizeof(int64_t));
				snn_mpi_recv(r, &n, sizeof(int64_t));
				tmp = snn_xmalloc((size_t)(n > 0 ? n : 1) * elem);
				snn_mpi_recv(r, tmp, n * (int64_t)elem);
				src = tmp;
			}
			int64_t s = 0;
			for (int64_t i = 0; i < nPre; i++)
				for (int t = 0; t < np; t++) {
					int64_t len = lens[t * nPre + i], at = next[t * nPre + i];
					memcpy(dst + at * (int64_t)elem, src + s * (int64_t)elem, (size_t)len * elem);
					s += len;
					next[t * nPre + i] = at + len;
				}
			free(tmp);
		}
		if (a < 0)
			post = (int32_t *)(void *)dst;
		else {
			free(net.ctx.var[ids[a]]);
			net.ctx.var[ids[a]] = (double *)(void *)dst;
			net.vars[ids[a]].len = total;
		}
	}
	free(lens);
	free(next);
	free(parts);
	free(ids);
	if (snn_rank != 0) {
		free(gstart);
		return;
	}
	free(ps->csr.start);
	free(ps->csr.post);
	ps->csr.start = gstart;
	ps->csr.post = post;
	ps->csr.n = total;
	ps->nsyn = total;
	net.ctx.post[q] = post;
}

/* rows_of sums projection q's rows over the ranks (a collective), and,
 * with below, over the ranks before this one (another). */
static void rows_of(int q, rows_rt *rw, int below)
{
	const proj_rt *ps = &net.projs[q];
	rw->n_pre = pre_count(&net.model->projections[q]);
	rw->glen = snn_xmalloc((size_t)(rw->n_pre > 0 ? rw->n_pre : 1) * sizeof(int64_t));
	rw->below = snn_xmalloc((size_t)(rw->n_pre > 0 ? rw->n_pre : 1) * sizeof(int64_t));
	for (int64_t i = 0; i < rw->n_pre; i++)
		rw->glen[i] = rw->below[i] = ps->csr.start[i + 1] - ps->csr.start[i];
	snn_mpi_sum_i64(rw->glen, rw->n_pre);
	if (below)
		snn_mpi_exscan_i64(rw->below, rw->n_pre);
}

int64_t *snn_ranks_keys(int q)
{
	const snn_model *m = net.model;
	rows_rt *rows = snn_xcalloc((size_t)m->n_projections + 1, sizeof(rows_rt));
	if (m->projections[q].rule == SNN_PARTS) {
		for (int t = 0; t < q; t++)
			if (m->projections[t].is_part && m->projections[t].part_of == q)
				rows_of(t, &rows[t], 1);
		rows[q].n_pre = pre_count(&m->projections[q]);
	} else
		rows_of(q, &rows[q], 1);
	int64_t *gstart = snn_xmalloc((size_t)(rows[q].n_pre + 1) * sizeof(int64_t));
	int64_t *at = place(q, rows, gstart);
	free(gstart);
	for (int t = 0; t <= q; t++) {
		free(rows[t].glen);
		free(rows[t].below);
	}
	free(rows);
	return at;
}

static void gather_projections(void)
{
	const snn_model *m = net.model;
	rows_rt *rows = snn_xcalloc((size_t)m->n_projections + 1, sizeof(rows_rt));
	/* merge places synapses from each rank's own row lengths: the sums
	 * over the ranks before are not needed. */
	for (int q = 0; q < m->n_projections; q++)
		rows_of(q, &rows[q], 0);
	/* A merged projection (SNN_PARTS) before its parts, which come
	 * before it in the model: merge reads the parts' rows as this rank
	 * holds them. Only what rank 0 writes is merged: a projection with
	 * a variable per synapse (state/, the checkpoint) or a recording;
	 * of the others rank 0 needs only the number of synapses. */
	for (int q = m->n_projections - 1; q >= 0; q--) {
		const snn_projection *pr = &m->projections[q];
		int need = 0;
		for (int32_t x = 0; x < pr->vars.n; x++)
			need = need || !snn_is_uniform(pr->vars.v[x].id);
		for (int i = 0; i < net.n_state_mons; i++)
			need = need || (net.state_mons[i].mon->target_kind == 2 && net.state_mons[i].mon->target == q);
		if (need) {
			merge(q, rows);
			continue;
		}
		int64_t total = 0;
		for (int64_t i = 0; i < rows[q].n_pre; i++)
			total += rows[q].glen[i];
		if (snn_rank == 0)
			net.projs[q].nsyn = total;
	}
	for (int q = 0; q < m->n_projections; q++) {
		free(rows[q].glen);
		free(rows[q].below);
	}
	free(rows);
}

/* gather_synapse_monitors puts the recordings of projections' variables,
 * a column per synapse of this rank, into rank 0's, a column per synapse
 * of the whole projection in its order. */
static void gather_synapse_monitors(void)
{
	for (int i = 0; i < net.n_state_mons; i++) {
		state_mon *sm = &net.state_mons[i];
		if (sm->mon->target_kind != 2)
			continue;
		int q = sm->mon->target;
		snn_state_rec *rec = sm->rec;
		int64_t *key = snn_ranks_keys(q), total = rec->n_indices, rows = rec->n_steps;
		snn_mpi_sum_i64(&total, 1);
		if (snn_rank != 0) {
			snn_mpi_send(0, &rec->n_indices, sizeof(int64_t));
			snn_mpi_send(0, key, rec->n_indices * (int64_t)sizeof(int64_t));
			snn_mpi_send(0, rec->values, rows * rec->n_indices * (int64_t)sizeof(double));
			free(key);
			continue;
		}
		double *all = snn_xmalloc((size_t)(rows * total > 0 ? rows * total : 1) * sizeof(double));
		for (int r = 0; r < snn_ranks; r++) {
			int64_t n = rec->n_indices, *rk = key;
			double *v = rec->values;
			if (r > 0) {
				snn_mpi_recv(r, &n, sizeof(int64_t));
				rk = snn_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
				v = snn_xmalloc((size_t)(rows * n > 0 ? rows * n : 1) * sizeof(double));
				snn_mpi_recv(r, rk, n * (int64_t)sizeof(int64_t));
				snn_mpi_recv(r, v, rows * n * (int64_t)sizeof(double));
			}
			for (int64_t k = 0; k < rows; k++)
				for (int64_t x = 0; x < n; x++)
					all[k * total + rk[x]] = v[k * n + x];
			if (r > 0) {
				free(rk);
				free(v);
			}
		}
		free(key);
		free(rec->values);
		rec->values = all;
		free(rec->indices);
		rec->indices = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
		for (int64_t x = 0; x < total; x++)
			rec->indices[x] = (int32_t)x;
		rec->n_indices = total;
	}
}

/* gather_queues puts the spikes in flight of the projections with a delay
 * per synapse (synapse indices) into rank 0's queues, as indices in the
 * whole projection, after steps_done steps. */
static void gather_queues(int64_t steps_done)
{
	for (int q = 0; q < net.model->n_projections; q++) {
		snn_queue *qu = &net.projs[q].q;
		if (!qu->per_syn)
			continue;
		int64_t *key = snn_ranks_keys(q);
		snn_vi64 pend = {0}; /* (due, key) pairs */
		for (int64_t step = steps_done; step < steps_done + qu->L; step++) {
			const snn_vi32 *slot = &qu->slots[step % qu->L];
			for (int64_t x = 0; x < slot->n; x++) {
				snn_vi64_push(&pend, step);
				snn_vi64_push(&pend, key[slot->a[x]]);
			}
		}
		free(key);
		if (snn_rank != 0) {
			snn_mpi_send(0, &pend.n, sizeof(int64_t));
			snn_mpi_send(0, pend.a, pend.n * (int64_t)sizeof(int64_t));
			free(pend.a);
			continue;
		}
		for (int64_t s = 0; s < qu->L; s++) {
			qu->slots[s].n = 0;
			qu->unordered[s] = 1; /* sorted as delivery sorts them */
		}
		for (int r = 0; r < snn_ranks; r++) {
			int64_t n = pend.n, *a = pend.a;
			if (r > 0) {
				snn_mpi_recv(r, &n, sizeof(int64_t));
				a = snn_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
				snn_mpi_recv(r, a, n * (int64_t)sizeof(int64_t));
			}
			for (int64_t x = 0; x < n; x += 2)
				snn_vi32_push(&qu->slots[a[x] % qu->L], (int32_t)a[x + 1]);
			if (r > 0)
				free(a);
		}
		free(pend.a);
	}
}

void snn_ranks_gather(int64_t *events, int64_t steps_done)
{
	if (snn_ranks <= 1)
		return;
	snn_mpi_sum_i64(events, 1);
	gather_neurons();
	gather_monitors();
	gather_synapse_monitors();
	gather_queues(steps_done);
	gather_projections();
	if (snn_rank != 0)
		return;
	/* Rank 0's projections are whole now: the recordings' synapses' pre
	 * and post neurons, and the queues' rows. */
	for (int i = 0; i < net.n_state_mons; i++)
		if (net.state_mons[i].mon->target_kind == 2)
			snn_synapse_neurons(net.state_mons[i].rec, &net.projs[net.state_mons[i].mon->target]);
	for (int q = 0; q < net.model->n_projections; q++)
		if (net.projs[q].q.per_syn)
			net.projs[q].q.row_start = net.projs[q].csr.start; /* merged: a delay per synapse is a variable */
}
