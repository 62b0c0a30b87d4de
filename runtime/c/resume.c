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

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
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
		if (q->per_syn && q->unordered[step % q->L])
			qsort(*index + at, (size_t)(m - at), sizeof(int32_t), cmp_i32); /* as Deliver will sort them */
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
	sum->write_ckpt = snn_write_checkpoint;
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

/* ------------------------------------------------------------------ */
/* Resume: the checkpoint read whole before anything in --out is removed
 * (--out may be the --resume directory), then put back over the network
 * (runtime.ReadCheckpoint, interp's resumeCheck and resume).            */

typedef struct in_array {
	char *name;
	char descr[8];
	int64_t n, rows; /* rows: a 2-D recording's first dimension, else -1 */
	void *data;
} in_array;

typedef struct ckpt_in {
	const char *dir;
	long long format;
	char fingerprint[80];
	unsigned long long seed;
	double dt;
	long long steps, events;
	int n_counts;
	char **count_names;
	long long *counts;
	int n_raw;
	in_array *raw;
	char *ir_json; /* the "ir" value, still JSON */
	int n_rec;
	in_array *rec; /* the monitors' files, by file name */
} ckpt_in;

static ckpt_in *resume_in;

static _Noreturn void rfail(const char *fmt, const char *a, const char *b)
{
	char msg[2048];
	snprintf(msg, sizeof msg, fmt, a, b);
	snn_fail("--resume %s: %s", resume_in->dir, msg);
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = snn_xmalloc(cap + 1);
	for (;;) {
		if (n == cap)
			b = snn_xrealloc(b, (cap *= 2) + 1);
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	b[n] = 0;
	*len = n;
	return b;
}

/* read_npy reads a .npy file that snnc wrote: version 1.0, one descr of
 * <f8, <i8 or <i4, C order, 1-D or 2-D, the data exactly as long as the
 * shape says. */
static void read_npy(const char *path, in_array *a)
{
	size_t len;
	char *b = read_whole(path, &len);
	if (!b)
		rfail("%s: cannot be read (%s)", path, "missing, or not readable");
	if (len < 10 || memcmp(b, "\x93NUMPY\x01\x00", 8) != 0)
		rfail("%s: %s", path, "not a .npy file of format 1.0");
	size_t hlen = (size_t)(unsigned char)b[8] | (size_t)(unsigned char)b[9] << 8;
	if (10 + hlen > len)
		rfail("%s: %s", path, "truncated .npy header");
	char *h = snn_xmalloc(hlen + 1);
	memcpy(h, b + 10, hlen);
	h[hlen] = 0;
	const char *d = strstr(h, "'descr': '"), *s = strstr(h, "'shape': (");
	if (!d || !s)
		rfail("%s: %s", path, "a .npy header snnc did not write");
	snprintf(a->descr, sizeof a->descr, "%.3s", d + 10);
	s += 10;
	long long dims[2] = {0, 0};
	int nd = 0;
	while (nd < 2 && *s >= '0' && *s <= '9') {
		dims[nd++] = strtoll(s, (char **)&s, 10);
		while (*s == ',' || *s == ' ')
			s++;
	}
	free(h);
	size_t size = strcmp(a->descr, "<i4") == 0 ? 4 : 8;
	if (nd == 0 || *s != ')' || (strcmp(a->descr, "<f8") && strcmp(a->descr, "<i8") && strcmp(a->descr, "<i4")))
		rfail("%s: %s", path, "a .npy header snnc did not write");
	a->n = nd == 2 ? dims[0] * dims[1] : dims[0];
	a->rows = nd == 2 ? dims[0] : -1;
	size_t want = (size_t)a->n * size;
	if (len - 10 - hlen != want) {
		char m[256];
		snprintf(m, sizeof m, "the header says %lld elements of %s, %zu bytes of data, but the file has %zu bytes after the header; it is truncated or corrupt",
			(long long)a->n, a->descr, want, len - 10 - hlen);
		rfail("%s: %s", path, m);
	}
	a->data = snn_xmalloc(want + 1);
	memcpy(a->data, b + 10 + hlen, want); /* little-endian, as this host */
	free(b);
}

/* jfield finds "\n  KEY" in the top level of text (before "ir") and
 * returns what follows it. */
static const char *jfield(const char *text, const char *key)
{
	char pat[96];
	snprintf(pat, sizeof pat, "\n  \"%s\": ", key);
	const char *p = strstr(text, pat);
	if (!p)
		rfail("%s/state/checkpoint.json has no %s; it is not one snnc wrote", resume_in->dir, key);
	return p + strlen(pat);
}

/* jname reads the string at p (a plain one: no escapes, as every name
 * and file snnc writes there), advancing p. */
static char *jname(const char **p)
{
	const char *s = strchr(*p, '"');
	if (!s)
		rfail("%s/state/checkpoint.json: %s", resume_in->dir, "a list snnc did not write");
	const char *e = strchr(s + 1, '"');
	if (!e || memchr(s + 1, '\\', (size_t)(e - s - 1)))
		rfail("%s/state/checkpoint.json: %s", resume_in->dir, "a list snnc did not write");
	char *out = snn_xmalloc((size_t)(e - s));
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = 0;
	*p = e + 1;
	return out;
}

static const char *after(const char *p, const char *what)
{
	const char *s = strstr(p, what);
	if (!s)
		rfail("%s/state/checkpoint.json: %s", resume_in->dir, "a list snnc did not write");
	return s + strlen(what);
}

void snn_read_checkpoint(const char *dir)
{
	resume_in = snn_xcalloc(1, sizeof(ckpt_in));
	ckpt_in *c = resume_in;
	c->dir = dir;
	size_t len;
	char *path = str3(dir, "/summary.json", "", "");
	char *sum = read_whole(path, &len);
	if (!sum)
		rfail("no summary.json there (%s: missing, or not readable); --resume takes the --out directory of a finished run%s", path, "");
	if (!strstr(sum, "\n  \"target\": ") || !strstr(sum, "\n  \"files\": ["))
		rfail("its summary.json is not one snnc wrote%s%s", "", "");
	if (!strstr(sum, "\n    \"state/checkpoint.json\""))
		rfail("the run that wrote it saved no checkpoint (state/checkpoint.json): it ran with --checkpoint=off, or on a target that writes none%s%s", "", "");
	free(path);
	path = str3(dir, "/state/checkpoint.json", "", "");
	char *text = read_whole(path, &len);
	if (!text)
		rfail("%s: %s", path, "missing, or not readable");
	/* The IR comes last: the fields before it are searched alone. */
	char *ir = strstr(text, "\n  \"ir\": \"");
	if (!ir)
		rfail("%s has no ir; it is not one snnc wrote%s", path, "");
	*ir = 0;
	c->ir_json = ir + strlen("\n  \"ir\": ");
	char *end = strrchr(c->ir_json, '"');
	if (!end || end == c->ir_json)
		rfail("%s: %s", path, "its ir is cut short");
	end[1] = 0;
	c->format = strtoll(jfield(text, "format"), NULL, 10);
	if (c->format != 1) {
		char f[32];
		snprintf(f, sizeof f, "%lld", c->format);
		rfail("%s has format %s; this snnc reads format 1", path, f);
	}
	const char *fp = jfield(text, "fingerprint");
	char *fps = jname(&fp);
	snprintf(c->fingerprint, sizeof c->fingerprint, "%s", fps);
	free(fps);
	c->seed = strtoull(jfield(text, "seed"), NULL, 10);
	c->dt = strtod(jfield(text, "dt"), NULL);
	c->steps = strtoll(jfield(text, "steps"), NULL, 10);
	c->events = strtoll(jfield(text, "synaptic_events"), NULL, 10);
	const char *sp = jfield(text, "spikes"), *rawp = jfield(text, "raw");
	int cap = 0;
	while ((sp = strstr(sp, "\"name\": ")) && sp < rawp) {
		if (c->n_counts == cap) {
			cap = cap ? 2 * cap : 16;
			c->count_names = snn_xrealloc(c->count_names, (size_t)cap * sizeof(char *));
			c->counts = snn_xrealloc(c->counts, (size_t)cap * sizeof(long long));
		}
		sp += 7;
		c->count_names[c->n_counts] = jname(&sp);
		c->counts[c->n_counts++] = strtoll(after(sp, "\"spikes\": "), NULL, 10);
	}
	cap = 0;
	const char *rp = rawp;
	while ((rp = strstr(rp, "\"name\": "))) {
		if (c->n_raw == cap) {
			cap = cap ? 2 * cap : 32;
			c->raw = snn_xrealloc(c->raw, (size_t)cap * sizeof(in_array));
		}
		rp += 7;
		char *name = jname(&rp);
		rp = after(rp, "\"file\": ");
		char *file = jname(&rp);
		rp = after(rp, "\"dtype\": ");
		char *dtype = jname(&rp);
		long long n = strtoll(after(rp, "\"shape\": [\n        "), NULL, 10);
		if (strncmp(file, "raw/", 4) != 0 || strchr(file + 4, '/') || strstr(file, ".."))
			rfail("%s lists %s, not a raw file", path, file);
		char *fpath = str3(dir, "/state/", file, "");
		in_array *a = &c->raw[c->n_raw++];
		memset(a, 0, sizeof *a);
		read_npy(fpath, a);
		a->name = name;
		const char *want = strcmp(dtype, "float64") == 0 ? "<f8" : strcmp(dtype, "int64") == 0 ? "<i8" : "<i4";
		if (strcmp(a->descr, want) != 0 || a->n != n || a->rows >= 0) {
			char m[256];
			snprintf(m, sizeof m, "holds %s of %lld elements; state/checkpoint.json says %s of shape [%lld]", a->descr,
				(long long)a->n, dtype, n);
			rfail("%s %s", fpath, m);
		}
		free(fpath);
		free(file);
		free(dtype);
	}
	/* The monitors' files: every plain .npy name summary.json lists. */
	const char *f = strstr(sum, "\n  \"files\": [");
	cap = 0;
	while ((f = strstr(f, "\n    \""))) {
		f += 5;
		char *name = jname(&f);
		size_t nl = strlen(name);
		if (strchr(name, '/') || nl < 5 || strcmp(name + nl - 4, ".npy") != 0) {
			free(name);
			continue;
		}
		if (c->n_rec == cap) {
			cap = cap ? 2 * cap : 16;
			c->rec = snn_xrealloc(c->rec, (size_t)cap * sizeof(in_array));
		}
		in_array *a = &c->rec[c->n_rec++];
		memset(a, 0, sizeof *a);
		char *rpath = str3(dir, "/", name, "");
		read_npy(rpath, a);
		free(rpath);
		a->name = name;
	}
	free(sum);
}

/* first_diff names the first line where the two IRs (JSON strings, lines
 * split at \n) differ, as interp's resumeCheck does. */
static void first_diff(const char *there, const char *here, char *out, size_t cap)
{
	int line = 1;
	for (;;) {
		const char *te = strstr(there, "\\n"), *he = strstr(here, "\\n");
		size_t tl = te ? (size_t)(te - there) : strlen(there), hl = he ? (size_t)(he - here) : strlen(here);
		if (tl != hl || memcmp(there, here, tl) != 0) {
			/* trimmed of leading spaces, as strings.TrimSpace */
			while (tl > 0 && *there == ' ')
				there++, tl--;
			while (hl > 0 && *here == ' ')
				here++, hl--;
			snprintf(out, cap, "line %d of its IR (snnc ir) is `%.*s` there, `%.*s` here", line, (int)(tl < 300 ? tl : 300),
				there, (int)(hl < 300 ? hl : 300), here);
			return;
		}
		if (!te || !he) {
			snprintf(out, cap, "its IR (snnc ir) differs at its end, line %d", line);
			return;
		}
		there = te + 2, here = he + 2, line++;
	}
}

/* snn_resume_check refuses a checkpoint of another model, dt or seed,
 * and gives the run the checkpoint's seed without --seed; it returns the
 * checkpoint's step K (0 without --resume). */
int64_t snn_resume_check(const snn_model *m, const snn_options *o, uint64_t *seed)
{
	ckpt_in *c = resume_in;
	if (!c)
		return 0;
	char what[1024];
	snprintf(what, sizeof what, "the model differs from the one that wrote %s/state/checkpoint.json", c->dir);
	if (c->dt != m->dt) {
		char a[64], b[64];
		snprintf(a, sizeof a, "%s", snn_gfmt(c->dt));
		snprintf(b, sizeof b, "%s", snn_gfmt(m->dt));
		snn_fail("--resume %s: %s (dt is %s s there, %s s here)", c->dir, what, a, b);
	}
	if (o->has_seed && o->seed != c->seed)
		snn_fail("--resume %s: the run there had seed %llu, this one %llu; resume with --seed %llu (or without --seed)", c->dir,
			c->seed, (unsigned long long)o->seed, c->seed);
	*seed = c->seed;
	if (strcmp(c->fingerprint, snn_ckpt_fingerprint) != 0) {
		char d[1024];
		first_diff(c->ir_json + 1, snn_ckpt_ir_json + 1, d, sizeof d);
		snn_fail("--resume %s: %s (%s)", c->dir, what, d);
	}
	if (c->steps < 1)
		snn_fail("--resume %s: the run there ended before its first step; run the model again instead", c->dir);
	return c->steps;
}

static in_array *raw_named(const char *name, int64_t n, const char *descr)
{
	for (int x = 0; x < resume_in->n_raw; x++) {
		in_array *a = &resume_in->raw[x];
		if (strcmp(a->name, name) != 0)
			continue;
		if ((n >= 0 && a->n != n) || strcmp(a->descr, descr) != 0) {
			char m[128];
			snprintf(m, sizeof m, "%lld elements of %s, %lld of %s here", (long long)a->n, a->descr, (long long)n, descr);
			rfail("state/checkpoint.json: %s has %s; the model differs", name, m);
		}
		return a;
	}
	rfail("state/checkpoint.json: no raw array %s; the model differs%s", name, "");
}

/* Over MPI ranks: each projection's synapses on this rank, by their
 * index in the whole projection (ranks.c), and how many it has. */
typedef struct rank_syn {
	int64_t **key, *total;
} rank_syn;

static void restore_cell(void *ctx, const char *owner, const snn_var *v)
{
	const rank_syn *rs = ctx;
	char *name = str3("var:", owner, ":", v->name);
	const var_rt *vr = &net.vars[v->id];
	if (rs && vr->owner == OWN_PROJ && !snn_is_uniform(v->id)) {
		/* The whole projection's values; this rank's synapses' taken. */
		in_array *a = raw_named(name, rs->total[vr->proj], "<f8");
		const double *all = a->data;
		const int64_t *key = rs->key[vr->proj];
		double *dst = net.ctx.var[v->id];
		for (int64_t s = 0; s < net.projs[vr->proj].nsyn; s++)
			dst[s] = all[key[s]];
	} else {
		in_array *a = raw_named(name, vr->len, "<f8");
		memcpy(net.ctx.var[v->id], a->data, (size_t)a->n * sizeof(double));
	}
	free(name);
}

static void restore_queue(const char *name, snn_queue *q, int64_t k, int64_t n)
{
	char *dn = str3("queue.due:", name, "", ""), *in = str3("queue.index:", name, "", "");
	in_array *due = raw_named(dn, -1, "<i8"), *idx = raw_named(in, due->n, "<i4");
	const int64_t *d = due->data;
	const int32_t *ix = idx->data;
	for (int64_t x = 0; x < due->n; x++) {
		if (d[x] < k || d[x] >= k + q->L || ix[x] < 0 || ix[x] >= n)
			rfail("state/checkpoint.json: %s holds a spike that does not fit this model's queue%s", dn, "");
		int64_t si = d[x] % q->L;
		snn_vi32 *s = &q->slots[si];
		if (q->per_syn && s->n > 0 && s->a[s->n - 1] > ix[x])
			q->unordered[si] = 1;
		snn_vi32_push(s, ix[x]);
	}
	free(dn);
	free(in);
}

static long long count_of(const char *name)
{
	for (int x = 0; x < resume_in->n_counts; x++)
		if (strcmp(resume_in->count_names[x], name) == 0)
			return resume_in->counts[x];
	return 0;
}

static in_array *recording(const char *name, const char *suffix)
{
	char *file = str3(name, suffix, "", "");
	for (int x = 0; x < resume_in->n_rec; x++)
		if (strcmp(resume_in->rec[x].name, file) == 0) {
			free(file);
			return &resume_in->rec[x];
		}
	rfail("monitor %s's recording %s is not there", name, file);
}

/* steps_of turns recorded times k·dt back into steps (runtime's stepsOf). */
static void steps_of(const in_array *t, int64_t *out)
{
	const double *ts = t->data;
	for (int64_t x = 0; x < t->n; x++) {
		int64_t k = (int64_t)(ts[x] / net.dt + 0.5);
		if ((double)k * net.dt != ts[x] || k < 0 || k >= resume_in->steps)
			rfail("%s: a time that is not a step of dt before the checkpoint's%s", t->name, "");
		out[x] = k;
	}
}

/* snn_resume_state puts the checkpoint back over the network build made
 * (interp's resume), then runs prepare again at step 0. The events so far
 * go into *events. */
void snn_resume_state(int64_t *events)
{
	ckpt_in *c = resume_in;
	const snn_model *m = net.model;
	int64_t k = c->steps;
	rank_syn rs = {NULL, NULL};
	if (snn_ranks > 1) {
		/* Collectives, in the same order on every rank. */
		rs.key = snn_xcalloc((size_t)m->n_projections + 1, sizeof(int64_t *));
		rs.total = snn_xcalloc((size_t)m->n_projections + 1, sizeof(int64_t));
		for (int q = 0; q < m->n_projections; q++) {
			rs.key[q] = snn_ranks_keys(q);
			rs.total[q] = net.projs[q].nsyn;
			snn_mpi_sum_i64(&rs.total[q], 1);
		}
	}
	for_cells(restore_cell, snn_ranks > 1 ? &rs : NULL);
	if (snn_ranks > 1) {
		for (int q = 0; q < m->n_projections; q++)
			free(rs.key[q]);
		free(rs.key);
		free(rs.total);
	}
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		pop_rt *ps = &net.pops[p];
		if (pop->global)
			continue;
		char *rn = str3("ref:", pop->name, "", ""), *pn = str3("prev:", pop->name, "", "");
		in_array *ref = raw_named(rn, ps->n, "<i8"), *prev = raw_named(pn, -1, "<i4");
		memcpy(ps->ref, ref->data, (size_t)ps->n * sizeof(int64_t));
		const int32_t *pv = prev->data;
		for (int64_t x = 0; x < prev->n; x++)
			if (pv[x] < 0 || pv[x] >= ps->n || prev->n > ps->n)
				rfail("state/checkpoint.json: %s holds a neuron out of range%s", pn, "");
		memcpy(ps->prev, pv, (size_t)prev->n * sizeof(int32_t));
		ps->n_prev = prev->n;
		ps->count = count_of(pop->name);
		free(rn);
		free(pn);
	}
	for (int i = 0; i < m->n_inputs; i++) {
		input_rt *in = &net.inputs[i];
		int64_t size = m->inputs[i].size;
		char *pn = str3("prev:", m->inputs[i].name, "", "");
		in_array *prev = raw_named(pn, -1, "<i4");
		const int32_t *pv = prev->data;
		for (int64_t x = 0; x < prev->n; x++)
			if (pv[x] < 0 || pv[x] >= size || prev->n > size)
				rfail("state/checkpoint.json: %s holds a source out of range%s", pn, "");
		memcpy(in->prev, pv, (size_t)prev->n * sizeof(int32_t));
		in->n_prev = prev->n;
		in->count = count_of(m->inputs[i].name);
		free(pn);
		if (in->is_poisson) {
			char *dn = str3("poisson.draws:", m->inputs[i].name, "", ""), *nn = str3("poisson.next:", m->inputs[i].name, "", "");
			in_array *draws = raw_named(dn, size, "<i8"), *next = raw_named(nn, size, "<i8");
			if (snn_poisson_resume(&in->poisson, k, draws->data, next->data))
				rfail("state/checkpoint.json: input %s's Poisson positions are not of this run%s", m->inputs[i].name, "");
			free(dn);
			free(nn);
		}
	}
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		proj_rt *ps = &net.projs[q];
		int64_t rows = pr->pre_kind == 0 ? net.pops[pr->pre].n : m->inputs[pr->pre].size;
		restore_queue(pr->name, &ps->q, k, ps->q.per_syn ? ps->nsyn : rows);
		for (int x = 0; x < pr->n_paths; x++) {
			char *name = snn_dotted(pr->name, pr->paths[x].name);
			restore_queue(name, &ps->path_q[x], k, ps->path_q[x].per_syn ? ps->nsyn : rows);
			free(name);
		}
	}
	/* Over MPI ranks the ranks' events are summed at the end: rank 0
	 * holds those before. */
	*events = snn_rank == 0 ? c->events : 0;
	/* prepare again, over the restored parameters and any new --set, at
	 * step 0 and time 0 as build runs it. */
	net.ctx.step = 0;
	net.ctx.t = 0;
	for (int p = 0; p < m->n_populations; p++) {
		snn_par(m->populations[p].prepare, net.pops[p].n, NULL);
		for (int d = 0; d < m->populations[p].n_dendrites; d++)
			snn_par(m->populations[p].dendrites[d].prepare, net.pops[p].dends[d].n, NULL);
	}
	for (int q = 0; q < m->n_projections; q++)
		snn_par(m->projections[q].prepare, net.projs[q].nsyn, NULL);
	/* The monitors' recordings so far. */
	for (int i = 0; i < net.n_spike_mons; i++) {
		snn_spike_rec *r = net.spike_mons[i].rec;
		in_array *t = recording(r->name, ".t.npy"), *ix = recording(r->name, ".i.npy");
		if (t->n != ix->n || strcmp(t->descr, "<f8") || strcmp(ix->descr, "<i4"))
			rfail("monitor %s's recording is not one snnc wrote%s", r->name, "");
		snn_grow_spikes(r, t->n, k);
		steps_of(t, r->steps.a);
		const int32_t *iv = ix->data;
		for (int64_t x = 0; x < ix->n; x++)
			r->index.a[x] = iv[x] + r->base;
		r->steps.n = r->index.n = t->n;
	}
	for (int i = 0; i < net.n_state_mons; i++) {
		state_mon *sm = &net.state_mons[i];
		snn_state_rec *r = sm->rec;
		in_array *t = recording(r->name, ".t.npy"), *v = recording(r->name, ".npy");
		if (strcmp(t->descr, "<f8") || strcmp(v->descr, "<f8") || v->n != t->n * r->n_indices)
			rfail("monitor %s's recording is not one snnc wrote, or has another shape%s", r->name, "");
		steps_of(t, r->steps);
		memcpy(r->values, v->data, (size_t)v->n * sizeof(double));
		r->n_steps = t->n;
		const double *vals = v->data;
		for (int64_t x = 0; x < v->n; x++)
			if (vals[x] != vals[x] || vals[x] - vals[x] != 0)
				sm->warned = 1; /* the run there warned */
	}
}

const char *snn_resumed_from(void) { return resume_in ? resume_in->dir : NULL; }
