/*
 * datafile.c: the data files the executable reads when it starts
 * (snn_data_file), where snnc would otherwise embed their bytes: a large
 * array a model loads (load(FILE)) and the matrix of a large matrix(FILE)
 * rule. snnc checked each file's header, shape, dtype and values when it
 * compiled the model; here a float64 file is memory-mapped (its kernels
 * read the page cache's pages: no copy, no fresh memory to clear) and the
 * others read in large pieces and decoded into an array, each hashed
 * (runtime.DataHash in runtime/datafile.go, which computes the same) and
 * refused if its size or hash is not the compiled file's.
 * Mirrors the values the interpreter gets from the checker
 * (lang/check_load.go) and the pairs of runtime/data_matrix.go.
 */
#define _DEFAULT_SOURCE /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

#define MAX_SYNAPSES 2147483647LL

const char *snn_data_dir = NULL;

/* The tables are model.c's; weak, so that a model.c written by hand (the
 * runtime's own tests, runtime/c/test) need not define them. */
#pragma weak snn_n_data_files
#pragma weak snn_data_files
#pragma weak snn_n_matrix_rules
#pragma weak snn_matrix_rules

static int32_t n_data_files(void) { return &snn_n_data_files ? snn_n_data_files : 0; }
static int32_t n_matrix_rules(void) { return &snn_n_matrix_rules ? snn_n_matrix_rules : 0; }

/* ------------------------------------------------------------------ */
/* runtime.DataHash: four lanes of xor, rotate and multiply over 8-byte
 * little-endian words (the native targets are little-endian).          */

typedef struct {
	uint64_t lane[4], n;
	unsigned char tail[32];
	size_t nt;
} data_hash;

enum { HASH_P1 = 0, HASH_P2 = 1 };
static const uint64_t hash_p[2] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL};

static inline uint64_t rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }

static inline void hash_block(uint64_t lane[4], const unsigned char *b)
{
	for (int k = 0; k < 4; k++) {
		uint64_t w;
		memcpy(&w, b + 8 * k, 8);
		lane[k] = rotl64(lane[k] ^ w, 31) * hash_p[HASH_P1];
	}
}

static void hash_init(data_hash *h)
{
	memset(h, 0, sizeof *h);
	for (int k = 0; k < 4; k++)
		h->lane[k] = hash_p[HASH_P2] * (uint64_t)(k + 1);
}

static void hash_write(data_hash *h, const unsigned char *b, size_t n)
{
	h->n += n;
	if (h->nt > 0) {
		size_t c = 32 - h->nt < n ? 32 - h->nt : n;
		memcpy(h->tail + h->nt, b, c);
		h->nt += c;
		b += c;
		n -= c;
		if (h->nt < 32)
			return;
		hash_block(h->lane, h->tail);
		h->nt = 0;
	}
	for (; n >= 32; b += 32, n -= 32)
		hash_block(h->lane, b);
	memcpy(h->tail, b, n);
	h->nt = n;
}

static uint64_t hash_sum(const data_hash *h)
{
	uint64_t lane[4];
	memcpy(lane, h->lane, sizeof lane);
	if (h->nt > 0) {
		unsigned char b[32] = {0};
		memcpy(b, h->tail, h->nt);
		hash_block(lane, b);
	}
	uint64_t s = h->n;
	for (int k = 0; k < 4; k++) {
		s = rotl64(s ^ lane[k], 27) * hash_p[HASH_P2];
		s ^= s >> 31;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Reading.                                                             */

static const int elem_size[] = {8, 4, 8, 4, 1};

/* Reads n bytes at the file's position into b, hashing them. */
static void read_hashed(int fd, const char *path, unsigned char *b, size_t n, data_hash *h)
{
	size_t got = 0;
	while (got < n) {
		/* Pieces of at most 1 GiB: read() returns no more than about
		 * 2 GiB at once on Linux. */
		size_t want = n - got < ((size_t)1 << 30) ? n - got : ((size_t)1 << 30);
		ssize_t r = read(fd, b + got, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			snn_fail("data file %s: %s", path, strerror(errno));
		if (r == 0)
			snn_fail("data file %s: it ends early; it has changed since the model was compiled: build the model again", path);
		hash_write(h, b + got, (size_t)r);
		got += (size_t)r;
	}
}

static void decode(int dtype, double *dst, const unsigned char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (dtype) {
		case SNN_DT_F32: {
			float x;
			memcpy(&x, src + 4 * i, 4);
			dst[i] = (double)x;
			break;
		}
		case SNN_DT_I64: {
			int64_t x;
			memcpy(&x, src + 8 * i, 8);
			dst[i] = (double)x;
			break;
		}
		case SNN_DT_I32: {
			int32_t x;
			memcpy(&x, src + 4 * i, 4);
			dst[i] = (double)x;
			break;
		}
		default: /* SNN_DT_BOOL */
			dst[i] = src[i] != 0 ? 1.0 : 0.0;
		}
	}
}

/* The values of a file as float64: mapped (map, the mapping to release)
 * or decoded into memory of their own (map NULL). */
typedef struct {
	const double *v;
	void *map;
	size_t map_len;
} values;

/* Reads file f's elements as float64, checking that the file is the one
 * the model was compiled against. */
static values read_file(const snn_data_file *f)
{
	char *path = NULL;
	const char *at = f->path;
	if (snn_data_dir) {
		size_t n = strlen(snn_data_dir) + strlen(f->name) + 2;
		path = snn_xmalloc(n);
		snprintf(path, n, "%s/%s", snn_data_dir, f->name);
		at = path;
	}
	int fd = open(at, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		snn_fail("data file %s: %s; the executable reads its data files where snnc read them when it compiled "
			 "the model, or from --data-dir DIR as DIR/%s", at, strerror(errno), f->name);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		snn_fail("data file %s: not a regular file", at);
	if ((int64_t)st.st_size != f->size)
		snn_fail("data file %s: %lld bytes, but the model was compiled against a file of %lld bytes; it has "
			 "changed since: build the model again", at, (long long)st.st_size, (long long)f->size);
	data_hash h;
	hash_init(&h);
	values out = {0};
	size_t es = (size_t)elem_size[f->dtype], n = (size_t)f->count;
	if (f->dtype == SNN_DT_F64 && f->offset % 8 == 0) {
		/* Mapped whole, its pages mapped at once (MAP_POPULATE) rather
		 * than faulted in one by one as the hash reads them. */
		out.map_len = (size_t)f->size;
		out.map = mmap(NULL, out.map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (out.map == MAP_FAILED)
			snn_fail("data file %s: %s", at, strerror(errno));
		hash_write(&h, out.map, out.map_len);
		out.v = (const double *)((const unsigned char *)out.map + f->offset);
	} else {
		double *dst = snn_xmalloc((n > 0 ? n : 1) * sizeof(double));
		unsigned char *head = snn_xmalloc((size_t)f->offset);
		read_hashed(fd, at, head, (size_t)f->offset, &h);
		free(head);
		if (f->dtype == SNN_DT_F64) {
			read_hashed(fd, at, (unsigned char *)dst, n * es, &h);
		} else {
			/* Pieces of 4 MiB, decoded while they are in the cache. */
			size_t piece = ((size_t)4 << 20) / es;
			unsigned char *buf = snn_xmalloc(piece * es);
			for (size_t i = 0; i < n; i += piece) {
				size_t k = n - i < piece ? n - i : piece;
				read_hashed(fd, at, buf, k * es, &h);
				decode(f->dtype, dst + i, buf, k);
			}
			free(buf);
		}
		out.v = dst;
	}
	close(fd);
	if (hash_sum(&h) != f->hash)
		snn_fail("data file %s has changed since the model was compiled (the hash of its bytes differs): "
			 "build the model again", at);
	free(path);
	return out;
}

static void release(values v)
{
	if (v.map)
		munmap(v.map, v.map_len);
	else
		free((void *)v.v);
}

void snn_print_data_files(FILE *f)
{
	if (n_data_files() == 0)
		return;
	fprintf(f, "\nIt reads these data files when it starts (with --data-dir DIR, DIR/NAME):\n");
	for (int32_t k = 0; k < n_data_files(); k++) {
		const snn_data_file *d = &snn_data_files[k];
		int seen = 0;
		for (int32_t q = 0; q < k; q++)
			seen |= strcmp(snn_data_files[q].path, d->path) == 0;
		if (!seen)
			fprintf(f, "  %s  (%s, %lld bytes)\n", d->name, d->path, (long long)d->size);
	}
}

void snn_load_data_files(void)
{
	for (int32_t k = 0; k < n_data_files(); k++)
		if (snn_data_files[k].dst)
			*snn_data_files[k].dst = read_file(&snn_data_files[k]).v;
}

/* A matrix's rows in parts, one a thread (snn_parallel): each part
 * counts its rows' nonzero entries by column, then places them after the
 * earlier parts' of the column. The parts are row ranges in order, so
 * the synapses are in the same order for any number of threads. */
typedef struct {
	const double *m;
	int64_t nPre;
	int64_t j0; /* the first row (post neuron) of part 0: keep's */
	int64_t *counts[SNN_MAX_THREADS]; /* a part's count by column, then its first place */
	int32_t *post;
} matrix_job;

static void count_part(void *arg, int part, int64_t lo, int64_t hi)
{
	matrix_job *job = arg;
	int64_t *cnt = snn_xcalloc((size_t)job->nPre + 1, sizeof(int64_t));
	for (int64_t j = job->j0 + lo; j < job->j0 + hi; j++) {
		const double *row = job->m + j * job->nPre;
		for (int64_t i = 0; i < job->nPre; i++)
			cnt[i] += row[i] != 0;
	}
	job->counts[part] = cnt;
}

static void fill_part(void *arg, int part, int64_t lo, int64_t hi)
{
	matrix_job *job = arg;
	int64_t *at = job->counts[part];
	for (int64_t j = job->j0 + lo; j < job->j0 + hi; j++) {
		const double *row = job->m + j * job->nPre;
		for (int64_t i = 0; i < job->nPre; i++)
			if (row[i] != 0)
				job->post[at[i]++] = (int32_t)j;
	}
}

/* runtime.MatrixPairs as a CSR: a synapse per nonzero entry [j, i],
 * pre-major, each pre neuron's post neurons ascending, from two passes
 * along the rows (the file's order): count each column's nonzero
 * entries, then place them. */
int snn_matrix_csr(int n, int64_t nPre, int64_t nPost, const snn_rule *keep, snn_csr *c)
{
	const snn_data_file *f = NULL;
	for (int32_t k = 0; k < n_matrix_rules(); k++)
		if (snn_matrix_rules[k].projection == n)
			f = &snn_data_files[snn_matrix_rules[k].file];
	if (!f)
		return 0;
	if (f->rows != nPost || f->cols != nPre)
		snn_fail("data file %s: shape (%lld, %lld); expected (%lld, %lld)", f->path, (long long)f->rows,
			 (long long)f->cols, (long long)nPost, (long long)nPre);
	values own = {0};
	const double *m = f->dst ? *f->dst : NULL;
	if (!m) {
		/* Not a loaded array: read for the rule only. */
		own = read_file(f);
		m = own.v;
	}
	matrix_job *job = snn_xcalloc(1, sizeof *job);
	job->m = m;
	job->nPre = nPre;
	/* The post neurons kept: a rank's own (keep), else all. */
	int64_t klo = keep->keep ? keep->keep_lo : 0, khi = keep->keep ? keep->keep_hi : nPost;
	job->j0 = klo;
	/* Parts of at least 64 rows; the same parts both times. */
	int parts = snn_parallel(khi - klo, 64, count_part, job);
	memset(c, 0, sizeof *c);
	c->start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	for (int p = 0; p < parts; p++)
		for (int64_t i = 0; i < nPre; i++)
			c->start[i + 1] += job->counts[p][i];
	for (int64_t i = 0; i < nPre; i++)
		c->start[i + 1] += c->start[i];
	c->n = c->start[nPre];
	if (c->n > MAX_SYNAPSES)
		snn_fail("%s: %lld nonzero entries are more than %lld synapses", f->name, (long long)c->n, MAX_SYNAPSES);
	/* Each part's first place in each column: after the earlier parts'. */
	for (int64_t i = 0; i < nPre; i++) {
		int64_t at = c->start[i];
		for (int p = 0; p < parts; p++) {
			int64_t k = job->counts[p][i];
			job->counts[p][i] = at;
			at += k;
		}
	}
	c->post = snn_xmalloc((size_t)(c->n > 0 ? c->n : 1) * sizeof(int32_t));
	job->post = c->post;
	snn_parallel(khi - klo, 64, fill_part, job);
	for (int p = 0; p < parts; p++)
		free(job->counts[p]);
	free(job);
	if (own.v)
		release(own);
	return 1;
}
