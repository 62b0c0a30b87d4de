/*
 * state.c: the final state, as interp's finalState (backends/interp/
 * final.go) lists it: by population (and global) in the model's order,
 * its variables in their order, then its dendrites'; then by projection,
 * its synapses' pre and post neurons and its variables. A fuse group is
 * not written (its members are), nor a projection of rule parts, nor the
 * pre and post of a projection without a variable per synapse. Pre and
 * post are within the connect's subgroups or slices (pre_lo, post_lo).
 * The values are reals as the monitors record them: fixed point
 * converted, a synapse's trace decayed to the end, one NaN. output.c
 * writes them in state/, each file streamed from the network's arrays by
 * fill (10^8 synapses' indices are not copied first).
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "net.h"

/* What a file's fill reads. */
typedef struct final_src {
	const double *arr;
	int frac; /* fixed-point fraction bits, or -1 */
	/* A synapse's trace: decayed from tlast to t by tau (tau_arr per
	 * synapse, or tau), else tlast NULL. */
	const double *tlast, *tau_arr;
	double tau, t;
	const snn_csr *csr; /* pre and post indices, of n_pre rows */
	int64_t n_pre;
	int64_t pre_lo, post_lo; /* subtracted: indices within the connect's subgroups or slices */
} final_src;

static void fill_values(const void *ctx, int64_t from, int64_t n, void *out)
{
	const final_src *s = ctx;
	double *o = out;
	for (int64_t x = 0; x < n; x++) {
		int64_t i = from + x;
		double v = s->frac >= 0 ? snn_fx_to_double((int64_t)s->arr[i], s->frac) : s->arr[i];
		if (s->tlast) {
			double tau = s->tau_arr ? s->tau_arr[i] : s->tau;
			v = v * snn_exp(-(s->t - s->tlast[i]) / tau);
		}
		if (v != v) { /* runtime.CanonicalNaN */
			uint64_t bits = UINT64_C(0x7ff8000000000000);
			memcpy(&v, &bits, 8);
		}
		o[x] = v;
	}
}

/* Each synapse's row: the row of the first by bisection (the last row
 * that starts at or before it), then walking. */
static void fill_pre(const void *ctx, int64_t from, int64_t n, void *out)
{
	const final_src *s = ctx;
	const int64_t *start = s->csr->start;
	int32_t *o = out;
	if (n == 0)
		return;
	int64_t a = 0, b = s->n_pre - 1;
	while (a < b) {
		int64_t m = a + (b - a + 1) / 2;
		if (start[m] <= from)
			a = m;
		else
			b = m - 1;
	}
	for (int64_t x = 0; x < n; x++) {
		while (start[a + 1] <= from + x)
			a++;
		o[x] = (int32_t)(a - s->pre_lo);
	}
}

static void fill_post(const void *ctx, int64_t from, int64_t n, void *out)
{
	const final_src *s = ctx;
	int32_t *o = out;
	for (int64_t x = 0; x < n; x++)
		o[x] = (int32_t)(s->csr->post[from + x] - s->post_lo);
}

/* final_var is interp's finalVar: a name the model gave (no dot), and a
 * state, trace or parameter per element. */
static int final_var(const snn_var *v)
{
	return strchr(v->name, '.') == NULL && (v->kind != SNN_PARAM || !v->uniform);
}

typedef struct final_list {
	snn_final *a;
	int n, cap;
} final_list;

static snn_final *push(final_list *l, char *name, int is_f64, int64_t n0, int64_t n1, int ndim)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->a = snn_xrealloc(l->a, (size_t)l->cap * sizeof(snn_final));
	}
	snn_final *f = &l->a[l->n++];
	memset(f, 0, sizeof *f);
	f->name = name;
	f->is_f64 = is_f64;
	f->ndim = ndim;
	f->shape[0] = n0;
	f->shape[1] = n1;
	f->count = ndim == 2 ? n0 * n1 : n0;
	return f;
}

static void push_var(final_list *l, char *name, int id, int64_t n0, int64_t n1, int ndim)
{
	snn_final *f = push(l, name, 1, n0, n1, ndim);
	final_src *s = snn_xcalloc(1, sizeof(final_src));
	s->arr = net.ctx.var[id];
	s->frac = net.vars[id].v->fixed ? net.vars[id].v->frac : -1;
	f->fill = fill_values;
	f->ctx = s;
}

static char *name3(const char *a, const char *b, const char *c)
{
	char *s = snn_xmalloc(strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3);
	strcpy(s, a);
	strcat(s, ".");
	strcat(s, b);
	if (c) {
		strcat(s, ".");
		strcat(s, c);
	}
	return s;
}

void snn_final_state(snn_summary *sum, int64_t steps_done)
{
	final_list l = {0};
	const snn_model *m = net.model;
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		if (net.pops[p].n_members > 0)
			continue; /* a group: its members are written */
		int64_t n = pop->size;
		for (int32_t x = 0; x < pop->vars.n; x++) {
			const snn_var *v = &pop->vars.v[x];
			if (final_var(v) && net.vars[v->id].len > 0)
				push_var(&l, name3(pop->name, v->name, NULL), v->id, n, 0, 1);
		}
		for (int d = 0; d < pop->n_dendrites; d++) {
			const snn_dendrite *den = &pop->dendrites[d];
			for (int32_t x = 0; x < den->vars.n; x++) {
				const snn_var *v = &den->vars.v[x];
				if (!final_var(v) || net.vars[v->id].len == 0)
					continue;
				if (v->kind != SNN_PARAM && den->array)
					push_var(&l, name3(pop->name, den->name, v->name), v->id, n, den->count, 2);
				else
					push_var(&l, name3(pop->name, den->name, v->name), v->id, n, 0, 1);
			}
		}
	}
	double t = (double)steps_done * net.dt;
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		proj_rt *ps = &net.projs[q];
		if (pr->rule == SNN_PARTS)
			continue;
		/* A variable per synapse has an array of nsyn values; with no
		 * synapses, of none (len 0, as a uniform value's), and is
		 * written as an empty array, as the interpreter writes it. */
		int any = 0;
		for (int32_t x = 0; x < pr->vars.n; x++)
			any = any || (final_var(&pr->vars.v[x]) && (net.vars[pr->vars.v[x].id].len > 0 || ps->nsyn == 0));
		if (!any)
			continue;
		int64_t n = ps->nsyn;
		final_src *idx = snn_xcalloc(1, sizeof(final_src));
		idx->csr = &ps->csr;
		idx->n_pre = pr->pre_kind == 0 ? net.pops[pr->pre].n : m->inputs[pr->pre].size;
		idx->pre_lo = pr->pre_lo;
		idx->post_lo = pr->post_lo;
		snn_final *f = push(&l, name3(pr->name, "pre", NULL), 0, n, 0, 1);
		f->fill = fill_pre;
		f->ctx = idx;
		f = push(&l, name3(pr->name, "post", NULL), 0, n, 0, 1);
		f->fill = fill_post;
		f->ctx = idx;
		int last = snn_find_var(pr->vars, "trace.tlast");
		for (int32_t x = 0; x < pr->vars.n; x++) {
			const snn_var *v = &pr->vars.v[x];
			if (!final_var(v) || (net.vars[v->id].len == 0 && n > 0))
				continue;
			push_var(&l, name3(pr->name, v->name, NULL), v->id, n, 0, 1);
			if (v->kind == SNN_TRACE && last >= 0) {
				/* interp's synapseValue: decayed to the end */
				final_src *s = (final_src *)l.a[l.n - 1].ctx;
				s->tlast = net.ctx.var[last];
				s->t = t;
				s->tau = v->tau;
				if (v->tau_var >= 0) {
					if (net.vars[v->tau_var].len == 0)
						s->tau = net.ctx.var[v->tau_var][0];
					else
						s->tau_arr = net.ctx.var[v->tau_var];
				}
			}
		}
	}
	sum->final = l.a;
	sum->n_final = l.n;
}
