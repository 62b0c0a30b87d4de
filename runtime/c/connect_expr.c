/*
 * connect_expr.c: runtime.ConnectPairs, the rows of a projection with a
 * condition (where), a probability that depends on the pair, or a
 * generator (generate): its connect.* kernels (ir/connect.go), called over
 * candidate pairs as over synapses, a chunk of candidates at a time, with
 * this thread's own pre and post arrays in its copy of the context. Rows
 * are made in parallel by pre neuron, each part into a list of its own,
 * joined in order: a row depends on its pre neuron only (the draws are
 * keyed by the pair), so the synapses are the same at any number of
 * threads. Where a row fails (a p outside [0, 1], a generated j outside
 * the post side), the part stops, and the failure of the lowest row is
 * reported, as the interpreter, which builds the rows in order, does.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "snnrt_internal.h"

/* Candidates per kernel call. */
#define CHUNK 256

/* runtime.MaxSynapses, as connect.c. */
#define MAX_SYNAPSES 2147483647LL

enum { FAIL_NONE, FAIL_P, FAIL_J_WHOLE, FAIL_J_RANGE, FAIL_LO, FAIL_HI, FAIL_BEYOND, FAIL_LONG };

typedef struct expr_part {
	snn_vi32 post;
	int64_t lo, hi;
	/* The first failure: its kind, row, index (j or k) and values. */
	int fail;
	int64_t row, at;
	double x, y;
} expr_part;

typedef struct expr_rows {
	const snn_projection *pr;
	int q;
	uint64_t seed;
	uint32_t stream;
	const snn_rule *r;
	int64_t nPre, nPost, pre_lo, post_lo;
	int exclude_self;
	const snn_csr *cand; /* fixed_probability with a constant p: Connect's rows */
	int64_t *len;        /* len[i + 1]: row i's synapses */
	expr_part *part;
} expr_rows;

/* A thread's context: net.ctx with its own pre and post arrays for the
 * projection, the candidates of a chunk. */
typedef struct pair_eval {
	snn_ctx c;
	int q;
	int32_t pi[CHUNK], pj[CHUNK];
	double out[CHUNK]; /* a condition's bytes, or values */
} pair_eval;

static pair_eval *new_eval(int q)
{
	pair_eval *ev = snn_xmalloc(sizeof *ev);
	int n = net.model->n_projections;
	ev->c = net.ctx;
	ev->c.pre = snn_xmalloc((size_t)n * sizeof(int32_t *));
	ev->c.post = snn_xmalloc((size_t)n * sizeof(int32_t *));
	memcpy(ev->c.pre, net.ctx.pre, (size_t)n * sizeof(int32_t *));
	memcpy(ev->c.post, net.ctx.post, (size_t)n * sizeof(int32_t *));
	ev->c.pre[q] = ev->pi;
	ev->c.post[q] = ev->pj;
	ev->c.step = 0;
	ev->c.t = 0;
	ev->q = q;
	return ev;
}

static void free_eval(pair_eval *ev)
{
	free(ev->c.pre);
	free(ev->c.post);
	free(ev);
}

/* Runs kernel k on the first n candidates (pi, pj). */
static void eval(pair_eval *ev, snn_kernel k, int64_t n)
{
	k(&ev->c, 0, n, ev->out);
}

/* keep appends to out the candidates js[0..n) of row i where the condition
 * holds, in order. */
static void keep(const expr_rows *er, pair_eval *ev, int64_t i, const int32_t *js, int64_t n, snn_vi32 *out)
{
	snn_kernel where = er->pr->conn_where;
	/* Room for every candidate, so that each is written in place. */
	if (out->n + n > out->cap)
		snn_vi32_reserve(out, out->n + n > 2 * out->cap ? out->n + n : 2 * out->cap);
	if (!where) {
		if (n > 0)
			memcpy(out->a + out->n, js, (size_t)n * sizeof(int32_t));
		out->n += n;
		return;
	}
	for (int64_t a = 0; a < n; a += CHUNK) {
		int64_t m = n - a < CHUNK ? n - a : CHUNK;
		for (int64_t b = 0; b < m; b++) {
			ev->pi[b] = (int32_t)(er->pre_lo + i);
			ev->pj[b] = (int32_t)(er->post_lo + js[a + b]);
		}
		eval(ev, where, m);
		const uint8_t *y = (const uint8_t *)ev->out;
		int32_t *o = out->a + out->n;
		int64_t w = 0;
		for (int64_t b = 0; b < m; b++) {
			o[w] = js[a + b];
			w += y[b] != 0;
		}
		out->n += w;
	}
}

static int fail(expr_part *pt, int kind, int64_t row, int64_t at, double x, double y)
{
	pt->fail = kind;
	pt->row = row;
	pt->at = at;
	pt->x = x;
	pt->y = y;
	return 1;
}

/* The row i of fixed_probability with p(i, j): the condition, then p and
 * one draw per pair it admits (runtime.PairDraw). */
static int prob_row(const expr_rows *er, pair_eval *ev, int64_t i, expr_part *pt)
{
	int32_t js[CHUNK];
	snn_vi32 ok = {0};
	for (int64_t j0 = 0; j0 < er->nPost; j0 += CHUNK) {
		int64_t m = 0;
		for (int64_t j = j0; j < er->nPost && j < j0 + CHUNK; j++)
			if (!(er->exclude_self && i == j))
				js[m++] = (int32_t)j;
		ok.n = 0;
		keep(er, ev, i, js, m, &ok);
		if (ok.n == 0)
			continue;
		for (int64_t b = 0; b < ok.n; b++) {
			ev->pi[b] = (int32_t)(er->pre_lo + i);
			ev->pj[b] = (int32_t)(er->post_lo + ok.a[b]);
		}
		eval(ev, er->pr->conn_p, ok.n);
		for (int64_t b = 0; b < ok.n; b++) {
			double p = ev->out[b];
			if (!(p >= 0 && p <= 1)) {
				fail(pt, FAIL_P, i, ok.a[b], p, 0);
				free(ok.a);
				return 1;
			}
			uint32_t w[4];
			snn_block(er->seed, er->stream, (uint64_t)ok.a[b], (uint64_t)i, w);
			if (snn_rng_unit(w[0], w[1]) < p)
				snn_vi32_push(&pt->post, ok.a[b]);
		}
	}
	free(ok.a);
	return 0;
}

/* The row i of generate (runtime.ConnectPairs, runtime.GenBounds). */
static int gen_row(const expr_rows *er, pair_eval *ev, int64_t i, expr_part *pt)
{
	const snn_projection *pr = er->pr;
	ev->pi[0] = (int32_t)(er->pre_lo + i);
	ev->pj[0] = 0;
	eval(ev, pr->conn_lo, 1);
	double lo = ev->out[0];
	eval(ev, pr->conn_hi, 1);
	double hi = ev->out[0];
	int64_t step = er->r->k < 1 ? 1 : er->r->k;
	if (lo != trunc(lo) || isinf(lo))
		return fail(pt, FAIL_LO, i, 0, lo, hi);
	if (hi != trunc(hi) || isinf(hi))
		return fail(pt, FAIL_HI, i, 0, lo, hi);
	if (lo < -2147483648.0 || hi > 2147483648.0)
		return fail(pt, FAIL_BEYOND, i, 0, lo, hi);
	if ((hi - lo) / (double)step > (double)MAX_SYNAPSES)
		return fail(pt, FAIL_LONG, i, 0, lo, hi);
	int32_t js[CHUNK];
	double jv[CHUNK];
	int64_t ks[CHUNK];
	for (int64_t k = (int64_t)lo; (double)k < hi;) {
		int64_t m = 0;
		for (; m < CHUNK && (double)k < hi; m++, k += step) {
			ks[m] = k;
			ev->pi[m] = (int32_t)(er->pre_lo + i);
			ev->pj[m] = (int32_t)k;
		}
		eval(ev, pr->conn_j, m);
		memcpy(jv, ev->out, (size_t)m * sizeof(double));
		int64_t n = 0;
		for (int64_t b = 0; b < m; b++) {
			double j = jv[b];
			if (j != trunc(j))
				return fail(pt, FAIL_J_WHOLE, i, ks[b], j, 0);
			if (!(j >= 0 && j < (double)er->nPost)) {
				if (pr->skip)
					continue;
				if (pr->conn_where && !pr->where_post && fabs(j) < 2147483648.0) {
					/* A condition that does not read post.x may
					 * exclude it (Brian2 tests its if first). */
					ev->pi[0] = (int32_t)(er->pre_lo + i);
					ev->pj[0] = (int32_t)(er->post_lo + (int64_t)j);
					eval(ev, pr->conn_where, 1);
					if (!((const uint8_t *)ev->out)[0])
						continue;
				}
				return fail(pt, FAIL_J_RANGE, i, ks[b], j, 0);
			}
			js[n++] = (int32_t)j;
		}
		keep(er, ev, i, js, n, &pt->post);
	}
	return 0;
}

/* The rows [lo, hi) of one part. */
static void expr_part_rows(void *arg, int part, int64_t lo, int64_t hi)
{
	expr_rows *er = arg;
	expr_part *pt = &er->part[part];
	*pt = (expr_part){.lo = lo, .hi = hi, .row = -1};
	pair_eval *ev = new_eval(er->q);
	int32_t js[CHUNK];
	for (int64_t i = lo; i < hi; i++) {
		int64_t before = pt->post.n;
		switch (er->r->kind) {
		case SNN_ALL_TO_ALL:
			for (int64_t j0 = 0; j0 < er->nPost; j0 += CHUNK) {
				int64_t m = 0;
				for (int64_t j = j0; j < er->nPost && j < j0 + CHUNK; j++)
					if (!(er->exclude_self && i == j))
						js[m++] = (int32_t)j;
				keep(er, ev, i, js, m, &pt->post);
			}
			break;
		case SNN_FIXED_PROBABILITY:
			if (er->cand) {
				const snn_csr *c = er->cand;
				keep(er, ev, i, c->post + c->start[i], c->start[i + 1] - c->start[i], &pt->post);
			} else if (prob_row(er, ev, i, pt)) {
				free_eval(ev);
				return;
			}
			break;
		case SNN_GENERATE:
			if (gen_row(er, ev, i, pt)) {
				free_eval(ev);
				return;
			}
			break;
		}
		er->len[i + 1] = pt->post.n - before;
		if (pt->post.n > MAX_SYNAPSES)
			break; /* the join says so */
	}
	free_eval(ev);
}

/* The message of a part's failure, as runtime.ConnectPairs words it. */
static void fail_message(const expr_part *pt, int64_t nPost)
{
	char a[64], b[64];
	snn_gfmt_to(a, pt->x);
	snn_gfmt_to(b, pt->y);
	long long i = (long long)pt->row, at = (long long)pt->at;
	switch (pt->fail) {
	case FAIL_P:
		snn_fail("p is %s for the pair i = %lld, j = %lld; a probability must be in [0, 1]", a, i, at);
	case FAIL_J_WHOLE:
		snn_fail("generate made j = %s for i = %lld, k = %lld; an index is a whole number", a, i, at);
	case FAIL_J_RANGE:
		snn_fail("generate made j = %s for i = %lld, k = %lld, outside the %lld post neurons; drop such j with skip_if_invalid = true",
			a, i, at, (long long)nPost);
	case FAIL_LO:
		snn_fail("generate's range starts at %s for i = %lld; its bounds are whole numbers", a, i);
	case FAIL_HI:
		snn_fail("generate's range ends at %s for i = %lld; its bounds are whole numbers", b, i);
	case FAIL_BEYOND:
		snn_fail("generate's range(%s, %s) for i = %lld goes beyond ±2^31", a, b, i);
	default:
		snn_fail("generate's range(%s, %s) for i = %lld has more values than a projection may have synapses (%lld)", a, b, i,
			MAX_SYNAPSES);
	}
}

void snn_connect_pairs(int q, const snn_rule *r, int64_t nPre, int64_t nPost, int same, int64_t pre_lo, int64_t post_lo,
	snn_csr *c)
{
	const snn_projection *pr = &net.model->projections[q];
	char err[256];
	snn_csr cand = {0};
	expr_rows er = {pr, q, net.seed, SNN_STREAM_CONNECT + (uint32_t)pr->stream, r, nPre, nPost, pre_lo, post_lo,
		same && !r->autapses, NULL, NULL, NULL};
	if (r->kind == SNN_FIXED_PROBABILITY && !pr->conn_p) {
		/* A constant p: Connect's rows, the same draws, then the
		 * condition. */
		if (snn_connect(net.seed, er.stream, r, nPre, nPost, same, &cand, err, sizeof err))
			snn_fail("%s", err);
		er.cand = &cand;
	} else if (r->kind != SNN_ALL_TO_ALL && r->kind != SNN_FIXED_PROBABILITY && r->kind != SNN_GENERATE)
		snn_fail("a condition or a probability expression does not apply to rule %d", (int)r->kind);
	memset(c, 0, sizeof *c);
	c->start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	er.len = c->start;
	er.part = snn_xcalloc(SNN_MAX_THREADS, sizeof(expr_part));
	int parts = snn_parallel(nPre, 64, expr_part_rows, &er);
	int64_t total = 0;
	for (int t = 0; t < parts; t++) {
		if (er.part[t].fail)
			fail_message(&er.part[t], nPost);
		total += er.part[t].post.n;
		if (total > MAX_SYNAPSES)
			snn_fail("the rule made more than %lld synapses", MAX_SYNAPSES);
	}
	int64_t n = 0;
	if (parts == 1) {
		/* One part: its list is the rows (shrunk: the pages of the
		 * room past the end go back). */
		int32_t *a = er.part[0].post.a;
		c->post = a ? realloc(a, (size_t)(total > 0 ? total : 1) * sizeof(int32_t)) : NULL;
		if (!c->post)
			c->post = a ? a : snn_xmalloc(sizeof(int32_t));
		parts = 0;
	} else
		c->post = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
	for (int t = 0; t < parts; t++) {
		expr_part *pt = &er.part[t];
		if (pt->post.n > 0)
			memcpy(c->post + n, pt->post.a, (size_t)pt->post.n * sizeof(int32_t));
		n += pt->post.n;
		free(pt->post.a);
	}
	for (int64_t i = 0; i < nPre; i++)
		c->start[i + 1] += c->start[i];
	c->n = total;
	free(er.part);
	free(cand.start);
	free(cand.post);
}
