/*
 * connect.c: the connectivity rules into compressed sparse rows, as
 * runtime/connect.go makes them (runtime.Connect): the same draws, keyed
 * (seed, stream, n, row), and the same synapse order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

#define MAX_SYNAPSES 2147483647LL

/* sampler draws k distinct indices out of n by Floyd's algorithm. A
 * row's k draws are independent of each other (each its own block), so
 * they are made at once into heads (snn_block_heads, vectorised), and
 * only the marking is sequential. */
typedef struct sampler {
	int64_t n, k;
	int exclude_self;
	uint32_t *mark;
	uint32_t gen;
	uint64_t *heads;
} sampler;

static int sampler_check(const sampler *s, const char *rule, const char *side, int64_t n, char *err, size_t errlen)
{
	int64_t avail = n;
	if (s->exclude_self)
		avail--;
	if (s->k < 0 || s->k > avail) {
		snprintf(err, errlen, "%s(%lld) needs %lld distinct %s neurons, and there are %lld", rule, (long long)s->k,
			(long long)s->k, side, (long long)avail);
		return 1;
	}
	return 0;
}

static void sample(sampler *s, uint64_t seed, uint32_t stream, int64_t row, snn_vi32 *out)
{
	if (s->mark == NULL) {
		s->mark = snn_xcalloc((size_t)(s->n > 0 ? s->n : 1), sizeof(uint32_t));
		s->heads = snn_xmalloc((size_t)(s->k > 0 ? s->k : 1) * sizeof(uint64_t));
	}
	s->gen++;
	if (s->gen == 0) { /* wrapped: clear the marks of 2^32 rows ago */
		memset(s->mark, 0, (size_t)s->n * sizeof(uint32_t));
		s->gen = 1;
	}
	int64_t m = s->n;
	if (s->exclude_self)
		m--;
	snn_block_heads(seed, stream, 0, s->k, (uint64_t)row, s->heads);
	snn_vi32_reserve(out, out->n + s->k);
	int32_t *o = out->a + out->n;
	for (int64_t n = 0, t = m - s->k; t < m; n++, t++) {
		int64_t x = (int64_t)snn_below_head(s->heads[n], (uint64_t)(t + 1));
		if (s->mark[x] == s->gen)
			x = t;
		s->mark[x] = s->gen;
		if (s->exclude_self && x >= row)
			x++;
		o[n] = (int32_t)x;
	}
	out->n += s->k;
}

static void sampler_free(sampler *s)
{
	free(s->mark);
	free(s->heads);
}

/* transpose64 transposes the 64x64 bit matrix a (row r is a[r], column c
 * its bit c) in place: bit c of a[r] becomes bit r of a[c] (Hacker's
 * Delight's recursive block swaps, 6 rounds). */
static void transpose64(uint64_t a[64])
{
	uint64_t m = UINT64_C(0x00000000FFFFFFFF);
	for (int j = 32; j != 0; j >>= 1, m ^= m << j) {
		for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
			uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
			a[k] ^= t << j;
			a[k | j] ^= t;
		}
	}
}

/* indegree_bits makes fixed_indegree's rows (by pre neuron, each by post
 * index) from a bit matrix of the draws: row j of it holds the k pre
 * neurons post neuron j drew, and its columns, read 64 at a time through
 * 64x64 transposes, are the rows, written in order. Where the matrix
 * (nPre x nPost bits) is smaller than half a list of every synapse's pre
 * neuron (a dense rule: k at least nPre / 16), this draws once and writes
 * the rows from start to end, where the two passes of the sparse case
 * draw twice and scatter each synapse into its row. */
static void indegree_bits(sampler *s, uint64_t seed, uint32_t stream, int64_t nPre, int64_t klo, int64_t nPost, snn_csr *c)
{
	int64_t words = (nPre + 63) / 64, blocks = (nPost + 63) / 64;
	uint64_t *bits = snn_xcalloc((size_t)(blocks * 64 * words), sizeof(uint64_t));
	snn_vi32 pres = {0};
	snn_vi32_reserve(&pres, s->k);
	/* Only the post neurons from klo on (keep): the others' bits stay 0. */
	for (int64_t j = klo; j < nPost; j++) {
		pres.n = 0;
		sample(s, seed, stream, j, &pres);
		uint64_t *row = bits + j * words;
		for (int64_t q = 0; q < s->k; q++)
			row[pres.a[q] / 64] |= UINT64_C(1) << (pres.a[q] % 64);
	}
	free(pres.a);
	c->n = (nPost - klo) * s->k;
	c->post = snn_xmalloc((size_t)(c->n > 0 ? c->n : 1) * sizeof(int32_t));
	/* cols[jb * 64 + b]: the post neurons 64 jb ... 64 jb + 63 that pre
	 * neuron 64 iw + b drew, as bits. */
	uint64_t *cols = snn_xmalloc((size_t)(blocks > 0 ? blocks : 1) * 64 * sizeof(uint64_t));
	int64_t n = 0;
	for (int64_t iw = 0; iw < words; iw++) {
		for (int64_t jb = 0; jb < blocks; jb++) {
			uint64_t *t = cols + jb * 64;
			for (int r = 0; r < 64; r++)
				t[r] = bits[(jb * 64 + r) * words + iw];
			transpose64(t);
		}
		for (int b = 0; b < 64 && iw * 64 + b < nPre; b++) {
			int64_t i = iw * 64 + b;
			for (int64_t jb = 0; jb < blocks; jb++)
				for (uint64_t w = cols[jb * 64 + b]; w; w &= w - 1)
					c->post[n++] = (int32_t)(jb * 64 + __builtin_ctzll(w));
			c->start[i + 1] = n;
		}
	}
	free(cols);
	free(bits);
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* A fixed_probability rule's rows, by geometric skipping: one draw per
 * synapse made. A part of the rows, [lo, hi), goes into a list of its
 * own, and start[i + 1] is where row i ends in its part's list. */
typedef struct prob_part {
	snn_vi32 post;
	int64_t lo, hi;
	int64_t n;     /* synapses written at buf + region(lo) */
	int spilled;   /* its region filled, the rest went into post */
} prob_part;

/* Where there is one array for every part (buf), part [lo, hi) writes
 * from region(lo) up to region(hi): a little more room than its rows
 * take on average (per_row), so that a part rarely overflows, and the
 * parts are then moved down into one run, in place. Memory a run touches
 * for the first time is cleared by the system page by page (on a virtual
 * machine, most of the building's time): the parts' own lists joined by a
 * copy touched every synapse's memory twice, and the pages of the room
 * left over are never touched. */
typedef struct prob_rows {
	uint64_t seed;
	uint32_t stream;
	double logq;
	int64_t nPost;
	int64_t keep_lo, keep_hi; /* the post neurons kept: [0, nPost) without keep */
	int exclude_self;
	int64_t *start;
	prob_part *part; /* SNN_MAX_THREADS */
	int32_t *buf;    /* NULL: each part into its own list */
	double per_row;
} prob_rows;

static int64_t region(const prob_rows *pr, int64_t row)
{
	return (int64_t)ceil((double)row * pr->per_row);
}

/* draw_rows makes rows [lo, hi). A row's draws are made in batches of the
 * number a row takes on average and a little more (snn_block_heads and
 * snn_geometric_heads, vectorised), and walked in order as one at a time
 * would be: the draws past a row's end are made and not used. logq is
 * rng.LogComplement's: below 0 for p in (0, 1], and otherwise 0 (p <= 0)
 * or NaN, for which rng.Geometric's first draw is the cap and every row
 * is empty. */
static void draw_rows(void *arg, int part, int64_t lo, int64_t hi)
{
	prob_rows *pr = arg;
	/* Its own list on the stack: the parts' lists share cache lines. */
	snn_vi32 list = {0}, *post = &list;
	if (!(pr->logq < 0)) {
		for (int64_t i = lo; i < hi; i++)
			pr->start[i + 1] = 0;
		pr->part[part] = (prob_part){list, lo, hi, 0, 0};
		return;
	}
	/* The part's room in buf: o[0, room), then the list. */
	int32_t *o = pr->buf ? pr->buf + region(pr, lo) : NULL;
	int64_t room = pr->buf ? region(pr, hi) - region(pr, lo) : 0, w = 0;
	/* The batches' sizes change no draw, only how many are wasted: a
	 * row takes mean + 1 draws on average, give or take sd, and a first
	 * batch of that and a quarter of sd, then batches of a quarter of sd
	 * (and 8, a call's cost) draw the fewest on average for Poisson
	 * counts (about 94 draws a row of 80 synapses, where a batch of
	 * 1.25 mean + 16 drew 116). */
	double mean = (double)pr->keep_hi * -expm1(pr->logq), sd = sqrt(mean);
	int64_t first = mean < 4096 ? (int64_t)(mean + 0.25 * sd) + 2 : 4096;
	int64_t more = sd < 4096 ? (int64_t)(0.25 * sd) + 8 : 4096;
	int64_t most = first > more ? first : more;
	uint64_t *heads = snn_xmalloc((size_t)most * sizeof(uint64_t));
	double *u = snn_xmalloc((size_t)most * sizeof(double)), *g = snn_xmalloc((size_t)most * sizeof(double));
	uint64_t max = (uint64_t)pr->nPost;
	for (int64_t i = lo; i < hi; i++) {
		int64_t col = -1, batch = first;
		for (uint64_t n = 0;; n += (uint64_t)batch, batch = more) {
			snn_block_heads(pr->seed, pr->stream, n, batch, (uint64_t)i, heads);
			snn_geometric_heads(heads, batch, pr->logq, u, g);
			int64_t m = 0;
			for (; m < batch; m++) {
				/* snn_geometric's cap */
				col += (int64_t)(g[m] < (double)max ? (uint64_t)g[m] : max) + 1;
				if (col >= pr->keep_hi)
					break;
				if (!(pr->exclude_self && col == i) && col >= pr->keep_lo) {
					if (w < room)
						o[w++] = (int32_t)col;
					else
						snn_vi32_push(post, (int32_t)col);
				}
			}
			if (m < batch)
				break;
		}
		pr->start[i + 1] = w + post->n;
	}
	free(heads);
	free(u);
	free(g);
	pr->part[part] = (prob_part){list, lo, hi, w, post->n > 0 && pr->buf != NULL};
}

static int too_many(char *err, size_t errlen)
{
	snprintf(err, errlen, "the rule made more than %lld synapses", MAX_SYNAPSES);
	return 1;
}

int snn_connect(uint64_t seed, uint32_t stream, const snn_rule *r, int64_t nPre, int64_t nPost, int same,
	snn_csr *c, char *err, size_t errlen)
{
	int exclude_self = same && !r->autapses;
	snn_vi32 post = {0};
	memset(c, 0, sizeof *c);
	c->start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	/* The post neurons kept (all without keep). */
	int64_t klo = r->keep ? r->keep_lo : 0, khi = r->keep ? r->keep_hi : nPost;
	if (klo < 0)
		klo = 0;
	if (khi > nPost)
		khi = nPost;
	if (khi < klo)
		khi = klo;
	switch (r->kind) {
	case SNN_ALL_TO_ALL:
		for (int64_t i = 0; i < nPre; i++) {
			for (int64_t j = klo; j < khi; j++)
				if (!(exclude_self && i == j))
					snn_vi32_push(&post, (int32_t)j);
			if (post.n > MAX_SYNAPSES)
				return too_many(err, errlen);
			c->start[i + 1] = post.n;
		}
		break;
	case SNN_ONE_TO_ONE:
		if (nPre != nPost) {
			snprintf(err, errlen, "one_to_one needs two sides of one size, not %lld and %lld", (long long)nPre,
				(long long)nPost);
			return 1;
		}
		for (int64_t i = 0; i < nPre; i++) {
			if (i >= klo && i < khi)
				snn_vi32_push(&post, (int32_t)i);
			c->start[i + 1] = post.n;
		}
		break;
	case SNN_FIXED_PROBABILITY: {
		/* The rows are drawn on the threads, each thread a run of
		 * them into a list of its own, and the lists are joined in
		 * order: the draws are keyed by row, so the synapses are the
		 * same at any number of threads. */
		prob_rows pr = {seed, stream, snn_log_complement(r->p), nPost, klo, khi, exclude_self, c->start,
			snn_xcalloc(SNN_MAX_THREADS, sizeof(prob_part)), NULL, 0};
		/* The room: 2% and one synapse a row over the mean, many
		 * standard deviations of a part's count (a part has 1024 rows
		 * or more). Where that is more than a rule may make, or cannot
		 * be had, the parts' own lists. */
		if (pr.logq < 0) {
			pr.per_row = (double)(khi - klo) * -expm1(pr.logq) * 1.02 + 1;
			double cap = ceil((double)nPre * pr.per_row) + 1;
			if (cap <= (double)MAX_SYNAPSES)
				pr.buf = malloc((size_t)cap * sizeof(int32_t));
		}
		int parts = snn_parallel(nPre, 1024, draw_rows, &pr);
		int64_t total = 0;
		int spilled = 0;
		for (int t = 0; t < parts; t++) {
			total += pr.part[t].n + pr.part[t].post.n;
			spilled |= pr.part[t].spilled;
		}
		if (total > MAX_SYNAPSES) {
			for (int t = 0; t < parts; t++)
				free(pr.part[t].post.a);
			free(pr.part);
			free(pr.buf);
			return too_many(err, errlen);
		}
		if (pr.buf && !spilled) {
			/* Each part down to where the parts before it end. */
			int64_t n = 0;
			for (int t = 0; t < parts; t++) {
				const prob_part *pt = &pr.part[t];
				int64_t from = region(&pr, pt->lo);
				if (from != n)
					memmove(pr.buf + n, pr.buf + from, (size_t)pt->n * sizeof(int32_t));
				if (n > 0)
					for (int64_t i = pt->lo; i < pt->hi; i++)
						c->start[i + 1] += n;
				n += pt->n;
			}
			free(pr.part);
			/* Shrinking gives back the room's pages, touched or not. */
			int32_t *a = realloc(pr.buf, (size_t)(n > 0 ? n : 1) * sizeof(int32_t));
			post = (snn_vi32){a ? a : pr.buf, n, n};
			break;
		}
		if (pr.buf) {
			/* A part outgrew its room (rare): its list after it. */
			snn_vi32_reserve(&post, total);
			for (int t = 0; t < parts; t++) {
				const prob_part *pt = &pr.part[t];
				for (int64_t i = pt->lo; i < pt->hi; i++)
					c->start[i + 1] += post.n;
				memcpy(post.a + post.n, pr.buf + region(&pr, pt->lo), (size_t)pt->n * sizeof(int32_t));
				post.n += pt->n;
				memcpy(post.a + post.n, pt->post.a, (size_t)pt->post.n * sizeof(int32_t));
				post.n += pt->post.n;
				free(pt->post.a);
			}
			free(pr.part);
			free(pr.buf);
			break;
		}
		if (parts == 1) {
			post = pr.part[0].post;
			free(pr.part);
			break;
		}
		snn_vi32_reserve(&post, total);
		for (int t = 0; t < parts; t++) {
			const prob_part *pt = &pr.part[t];
			for (int64_t i = pt->lo; i < pt->hi; i++)
				c->start[i + 1] += post.n;
			memcpy(post.a + post.n, pt->post.a, (size_t)pt->post.n * sizeof(int32_t));
			post.n += pt->post.n;
			free(pt->post.a);
		}
		free(pr.part);
		break;
	}
	case SNN_FIXED_OUTDEGREE: {
		sampler s = {nPost, r->k, exclude_self, NULL, 0, NULL};
		if (sampler_check(&s, "fixed_outdegree", "post", nPost, err, errlen))
			return 1;
		for (int64_t i = 0; i < nPre; i++) {
			int64_t from = post.n;
			sample(&s, seed, stream, i, &post);
			qsort(post.a + from, (size_t)(post.n - from), sizeof(int32_t), cmp_i32);
			if (r->keep) {
				int64_t w = from;
				for (int64_t x = from; x < post.n; x++)
					if (post.a[x] >= klo && post.a[x] < khi)
						post.a[w++] = post.a[x];
				post.n = w;
			}
			if (post.n > MAX_SYNAPSES)
				return too_many(err, errlen);
			c->start[i + 1] = post.n;
		}
		sampler_free(&s);
		break;
	}
	case SNN_FIXED_INDEGREE: {
		sampler s = {nPre, r->k, exclude_self, NULL, 0, NULL};
		if (sampler_check(&s, "fixed_indegree", "pre", nPre, err, errlen))
			return 1;
		if (nPost * r->k > MAX_SYNAPSES) {
			snprintf(err, errlen, "fixed_indegree(%lld) onto %lld neurons makes %lld synapses, more than %lld",
				(long long)r->k, (long long)nPost, (long long)(nPost * r->k), MAX_SYNAPSES);
			return 1;
		}
		if (nPre <= 16 * r->k) {
			indegree_bits(&s, seed, stream, nPre, klo, khi, c);
			sampler_free(&s);
			return 0;
		}
		/* The rows by pre neuron are built from the draws by post
		 * neuron in two passes over the same draws: the first counts
		 * each row's synapses, the second, after the rows' starts are
		 * summed, writes each synapse's post neuron into its row. Drawing
		 * twice costs less than a list of every synapse's pre neuron
		 * (4 bytes a synapse): memory a run touches for the first time
		 * is cleared by the system, page by page, and on a virtual
		 * machine that took a third of tests/bench/synapses.snn's run. */
		snn_vi32 pres = {0};
		snn_vi32_reserve(&pres, r->k);
		for (int64_t j = klo; j < khi; j++) {
			pres.n = 0;
			sample(&s, seed, stream, j, &pres);
			for (int64_t q = 0; q < r->k; q++)
				c->start[pres.a[q] + 1]++;
		}
		for (int64_t i = 0; i < nPre; i++)
			c->start[i + 1] += c->start[i];
		c->n = c->start[nPre];
		c->post = snn_xmalloc((size_t)(c->n > 0 ? c->n : 1) * sizeof(int32_t));
		int64_t *fill = snn_xmalloc((size_t)(nPre > 0 ? nPre : 1) * sizeof(int64_t));
		memcpy(fill, c->start, (size_t)nPre * sizeof(int64_t));
		for (int64_t j = klo; j < khi; j++) {
			pres.n = 0;
			sample(&s, seed, stream, j, &pres);
			for (int64_t q = 0; q < r->k; q++)
				c->post[fill[pres.a[q]]++] = (int32_t)j;
		}
		sampler_free(&s);
		free(fill);
		free(pres.a);
		return 0;
	}
	case SNN_PAIRS: {
		for (int64_t n = 0; n < r->n_pairs; n++) {
			int64_t i = r->pairs[2 * n], j = r->pairs[2 * n + 1];
			if (i < 0 || i >= nPre || j < 0 || j >= nPost) {
				snprintf(err, errlen, "pair %lld (%lld, %lld) is out of range: the sides have %lld and %lld neurons",
					(long long)n, (long long)i, (long long)j, (long long)nPre, (long long)nPost);
				return 1;
			}
		}
		if (r->n_pairs > MAX_SYNAPSES) {
			snprintf(err, errlen, "%lld pairs are more than %lld synapses", (long long)r->n_pairs, MAX_SYNAPSES);
			return 1;
		}
		/* A stable sort by pre index: a counting sort keeps the listed
		 * order of one neuron's pairs. */
		int64_t *last = NULL; /* with keep: each row's last post neuron, to find one out of order */
		if (r->keep) {
			last = snn_xmalloc((size_t)(nPre > 0 ? nPre : 1) * sizeof(int64_t));
			for (int64_t i = 0; i < nPre; i++)
				last[i] = -1;
		}
		int64_t kept = 0;
		for (int64_t n = 0; n < r->n_pairs; n++) {
			int64_t i = r->pairs[2 * n], j = r->pairs[2 * n + 1];
			if (last) {
				if (j < last[i])
					c->unsorted = 1;
				last[i] = j;
			}
			if (j >= klo && j < khi) {
				c->start[i + 1]++;
				kept++;
			}
		}
		free(last);
		for (int64_t i = 0; i < nPre; i++)
			c->start[i + 1] += c->start[i];
		c->n = kept;
		c->post = snn_xmalloc((size_t)(c->n > 0 ? c->n : 1) * sizeof(int32_t));
		int64_t *fill = snn_xmalloc((size_t)(nPre > 0 ? nPre : 1) * sizeof(int64_t));
		memcpy(fill, c->start, (size_t)nPre * sizeof(int64_t));
		for (int64_t n = 0; n < r->n_pairs; n++) {
			int64_t i = r->pairs[2 * n], j = r->pairs[2 * n + 1];
			if (j >= klo && j < khi)
				c->post[fill[i]++] = (int32_t)j;
		}
		free(fill);
		return 0;
	}
	default:
		snprintf(err, errlen, "unknown connectivity rule %d", (int)r->kind);
		return 1;
	}
	c->n = post.n;
	c->post = post.a ? post.a : snn_xmalloc(sizeof(int32_t));
	return 0;
}
