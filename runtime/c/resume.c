/*
 * resume.c: checkpoint and resume, as backends/interp/checkpoint.go and
 * runtime/checkpoint.go do them (spec/runtime.md, "Checkpoint and
 * resume"): after the last step, every array a step reads, as the network
 * holds it, in state/raw/N.npy and state/checkpoint.json, the same bytes
 * as the interpreter's; and a resumed run, which puts them back over the
 * network build made (snn_resume_state).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* One raw array: its name (runtime.RawEntry's), numpy descr and values. */
typedef struct snn_raw {
	char *name;
	const char *descr; /* <f8, <i8, <i4 */
	int64_t n;
	const void *data;
} snn_raw;

typedef struct snn_ckpt {
	int64_t steps, events;
	snn_raw *raw;
	int n_raw, cap_raw;
	/* spike counts: populations (not global) and inputs */
	const char **count_names;
	int64_t *counts;
	int n_counts;
} snn_ckpt;

static void add_raw(snn_ckpt *c, char *name, const char *descr, int64_t n, const void *data)
{
	if (c->n_raw == c->cap_raw) {
		c->cap_raw = c->cap_raw ? 2 * c->cap_raw : 32;
		c->raw = snn_xrealloc(c->raw, (size_t)c->cap_raw * sizeof(snn_raw));
	}
	c->raw[c->n_raw++] = (snn_raw){name, descr, n, data};
}

static char *str3(const char *a, const char *b, const char *c, const char *d)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + strlen(d) + 1;
	char *s = snn_xmalloc(n);
	snprintf(s, n, "%s%s%s%s", a, b, c, d);
	return s;
}

/* has_cell is interp's c.arr != nil: every variable but a uniform
 * parameter, and a uniform one a current drives. */
static int has_cell(int id)
{
	return net.vars[id].len > 0 || !snn_is_uniform(id);
}

static int cmp_var_name(const void *a, const void *b)
{
	const snn_var *x = *(const snn_var *const *)a, *y = *(const snn_var *const *)b;
	return strcmp(x->name, y->name);
}

/* for_cells calls f with each owner's variables that have cells, sorted
 * by name (interp's cellOwners): populations in order, each followed by
 * its dendrites (POP.DENDRITE), then projections. */
static void owner_cells(snn_vars vs, const char *owner, void (*f)(void *, const char *, const snn_var *), void *ctx)
{
	const snn_var **list = snn_xcalloc((size_t)vs.n + 1, sizeof(snn_var *));
	int n = 0;
	for (int32_t x = 0; x < vs.n; x++)
		if (has_cell(vs.v[x].id))
			list[n++] = &vs.v[x];
	qsort(list, (size_t)n, sizeof(snn_var *), cmp_var_name);
	for (int x = 0; x < n; x++)
		f(ctx, owner, list[x]);
	free(list);
}

static void for_cells(void (*f)(void *, const char *, const snn_var *), void *ctx)
{
	const snn_model *m = net.model;
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		owner_cells(pop->vars, pop->name, f, ctx);
		for (int d = 0; d < pop->n_dendrites; d++) {
			char *owner = snn_dotted(pop->name, pop->dendrites[d].name);
			owner_cells(pop->dendrites[d].vars, owner, f, ctx);
			free(owner);
		}
	}
	for (int q = 0; q < m->n_projections; q++)
		owner_cells(m->projections[q].vars, m->projections[q].name, f, ctx);
}

static void save_cell(void *ctx, const char *owner, const snn_var *v)
{
	add_raw(ctx, str3("var:", owner, ":", v->name), "<f8", net.vars[v->id].len, net.ctx.var[v->id]);
}

/* queue_pending is runtime.Queue.Pending after step k-1: (due, index) in
 * delivery order, into two new arrays. */
static int64_t queue_pending(const snn_queue *q, int64_t k, int64_t **due, int32_t **index)
{
	int64_t total = 0;
	for (int64_t s = 0; s < q->L; s++)
		total += q->slots[s].n;
	*due = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int64_t));
	*index = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
	int64_t m = 0;
	for (int64_t step = k; step < k + q->L; step++) {
		const snn_vi32 *slot = &q->slots[step % q->L];
		int64_t at = m;
		for (int64_t x = 0; x < slot->n; x++) {
			(*due)[m] = step;
			(*index)[m++] = slot->a[x];
		}
		if (q->per_syn && q->unordered[step % q->L]) {
			/* as Deliver will sort them: insertion, short lists */
			for (int64_t i = at + 1; i < m; i++) {
				int32_t x = (*index)[i];
				int64_t j = i;
				for (; j > at && (*index)[j - 1] > x; j--)
					(*index)[j] = (*index)[j - 1];
				(*index)[j] = x;
			}
		}
	}
	return m;
}

static void save_queue(snn_ckpt *c, const char *name, const snn_queue *q, int64_t k)
{
	int64_t *due;
	int32_t *index;
	int64_t n = queue_pending(q, k, &due, &index);
	add_raw(c, str3("queue.due:", name, "", ""), "<i8", n, due);
	add_raw(c, str3("queue.index:", name, "", ""), "<i4", n, index);
}

/* snn_checkpoint_state is interp's checkpoint: the state after step k-1. */
void snn_checkpoint_state(snn_summary *sum, int64_t k, int64_t events)
{
	const snn_model *m = net.model;
	snn_ckpt *c = snn_xcalloc(1, sizeof(snn_ckpt));
	c->steps = k;
	c->events = events;
	c->count_names = snn_xcalloc((size_t)(m->n_populations + m->n_inputs + 1), sizeof(char *));
	c->counts = snn_xcalloc((size_t)(m->n_populations + m->n_inputs + 1), sizeof(int64_t));
	for_cells(save_cell, c);
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		pop_rt *ps = &net.pops[p];
		if (pop->global)
			continue;
		add_raw(c, str3("ref:", pop->name, "", ""), "<i8", ps->n, ps->ref);
		add_raw(c, str3("prev:", pop->name, "", ""), "<i4", ps->n_prev, ps->prev);
		c->count_names[c->n_counts] = pop->name;
		c->counts[c->n_counts++] = ps->count;
	}
	for (int i = 0; i < m->n_inputs; i++) {
		input_rt *in = &net.inputs[i];
		add_raw(c, str3("prev:", m->inputs[i].name, "", ""), "<i4", in->n_prev, in->prev);
		c->count_names[c->n_counts] = m->inputs[i].name;
		c->counts[c->n_counts++] = in->count;
		if (in->is_poisson) {
			/* runtime.Poisson.Position: -1 for a spike beyond 2^53 steps */
			const snn_poisson *po = &in->poisson;
			int64_t size = m->inputs[i].size;
			int64_t *draws = snn_xmalloc((size_t)(size > 0 ? size : 1) * sizeof(int64_t));
			int64_t *next = snn_xmalloc((size_t)(size > 0 ? size : 1) * sizeof(int64_t));
			for (int64_t x = 0; x < size; x++) {
				draws[x] = (int64_t)po->draws[x];
				next[x] = -1;
			}
			for (int64_t h = 0; h < po->heap_n; h++)
				if (po->heap[h].step < (INT64_C(1) << 53))
					next[po->heap[h].index] = po->heap[h].step;
			add_raw(c, str3("poisson.draws:", m->inputs[i].name, "", ""), "<i8", size, draws);
			add_raw(c, str3("poisson.next:", m->inputs[i].name, "", ""), "<i8", size, next);
		}
	}
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		proj_rt *ps = &net.projs[q];
		save_queue(c, pr->name, &ps->q, k);
		for (int x = 0; x < pr->n_paths; x++) {
			char *name = snn_dotted(pr->name, pr->paths[x].name);
			save_queue(c, name, &ps->path_q[x], k);
			free(name);
		}
	}
	sum->ckpt = c;
}

/* JSON text, growing (output.c's). */
typedef struct jtext {
	char *b;
	size_t n, cap;
} jtext;

static void jput(jtext *t, const char *s)
{
	size_t n = strlen(s);
	if (t->n + n + 1 > t->cap) {
		size_t c = t->cap ? t->cap : 4096;
		while (c < t->n + n + 1)
			c *= 2;
		t->b = snn_xrealloc(t->b, c);
		t->cap = c;
	}
	memcpy(t->b + t->n, s, n + 1);
	t->n += n;
}

static void jint(jtext *t, const char *fmt, long long v)
{
	char b[96];
	snprintf(b, sizeof b, fmt, v);
	jput(t, b);
}

static void jstr(jtext *t, const char *s) { snn_json_str(&t->b, &t->n, &t->cap, s); }

static const char *dtype_name(const char *descr)
{
	return strcmp(descr, "<f8") == 0 ? "float64" : strcmp(descr, "<i8") == 0 ? "int64" : "int32";
}

int snn_write_checkpoint(const char *dir, snn_summary *sum)
{
	snn_ckpt *c = sum->ckpt;
	sum->files = snn_xrealloc(sum->files, (size_t)(sum->n_files + c->n_raw + 3) * sizeof(char *));
	char *raw = str3(dir, "/", "state/raw", "");
	int bad = snn_mkdir_all(raw);
	free(raw);
	if (bad)
		return 1;
	for (int x = 0; x < c->n_raw; x++) {
		char num[32];
		snprintf(num, sizeof num, "%d", x);
		char *name = str3("state/raw/", num, ".npy", "");
		sum->files[sum->n_files++] = name;
		char *path = str3(dir, "/", name, "");
		bad = snn_write_npy1(path, c->raw[x].descr, c->raw[x].data, c->raw[x].n);
		free(path);
		if (bad)
			return 1;
	}
	/* json.MarshalIndent(runtime.Checkpoint, "", "  ") with a newline */
	jtext t = {0};
	char f[64];
	jput(&t, "{\n  \"format\": 1,\n  \"fingerprint\": ");
	jstr(&t, snn_ckpt_fingerprint);
	jint(&t, ",\n  \"seed\": %llu", (long long)net.seed);
	jput(&t, ",\n  \"dt\": ");
	snn_json_float(f, net.dt);
	jput(&t, f);
	jint(&t, ",\n  \"steps\": %lld", (long long)c->steps);
	jint(&t, ",\n  \"synaptic_events\": %lld", (long long)c->events);
	jput(&t, ",\n  \"spikes\": [");
	for (int x = 0; x < c->n_counts; x++) {
		jput(&t, x > 0 ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ");
		jstr(&t, c->count_names[x]);
		jint(&t, ",\n      \"spikes\": %lld\n    }", (long long)c->counts[x]);
	}
	jput(&t, c->n_counts > 0 ? "\n  ],\n  \"raw\": [" : "],\n  \"raw\": [");
	for (int x = 0; x < c->n_raw; x++) {
		jput(&t, x > 0 ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ");
		jstr(&t, c->raw[x].name);
		jint(&t, ",\n      \"file\": \"raw/%lld.npy\"", (long long)x);
		jput(&t, ",\n      \"dtype\": \"");
		jput(&t, dtype_name(c->raw[x].descr));
		jint(&t, "\",\n      \"shape\": [\n        %lld\n      ]\n    }", (long long)c->raw[x].n);
	}
	jput(&t, c->n_raw > 0 ? "\n  ],\n  \"ir\": " : "],\n  \"ir\": ");
	jput(&t, snn_ckpt_ir_json);
	jput(&t, "\n}\n");
	char *name = str3("state/checkpoint.json", "", "", "");
	sum->files[sum->n_files++] = name;
	char *path = str3(dir, "/", name, "");
	bad = snn_write_text(path, t.b, t.n);
	free(path);
	free(t.b);
	return bad;
}
