/*
 * util.c: memory, growable arrays, Go's number formatting (fmt's %g and
 * %q, encoding/json's floats) and the error exit.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "rt.h"

/* Arrays of HUGE bytes and more (synapse rows, the rows' piece offsets,
 * large populations' state) are asked for in transparent huge pages: a
 * delivery reads rows and post neurons anywhere in them, and in 4 KiB
 * pages most of those reads would also miss the TLB (CUBA at 40 000
 * neurons runs about 4% faster so). Where the system gives no huge pages
 * the advice does nothing. */
enum { HUGE = 2 << 20 };

/* xalloc allocates n bytes aligned to align (0: as malloc does), and
 * from HUGE bytes on aligned to huge pages and advised so. */
static void *xalloc(size_t n, size_t align)
{
	void *p = NULL;
	if (n == 0)
		n = 1;
	if (n >= HUGE)
		align = HUGE;
	if (align == 0)
		p = malloc(n);
	else if (posix_memalign(&p, align, n) != 0)
		p = NULL;
	if (!p) {
		fprintf(stderr, "%s: %sout of memory (%zu bytes)\n", snn_prog, snn_rank_tag(), n);
		snn_mpi_abort(1);
	}
	if (n >= HUGE)
		madvise(p, n, MADV_HUGEPAGE);
	return p;
}

/* zeroed is xalloc for n elements of size bytes, set to zero. */
static void *zeroed(size_t n, size_t size, size_t align)
{
	if (size && n > SIZE_MAX / size) {
		fprintf(stderr, "%s: %sout of memory (%zu elements of %zu bytes)\n", snn_prog, snn_rank_tag(), n, size);
		snn_mpi_abort(1);
	}
	size_t bytes = n * size;
	if (bytes < HUGE && align == 0) {
		void *p = calloc(bytes ? bytes : 1, 1); /* fresh pages need no clearing */
		if (!p) {
			fprintf(stderr, "%s: %sout of memory (%zu bytes)\n", snn_prog, snn_rank_tag(), bytes);
			snn_mpi_abort(1);
		}
		return p;
	}
	void *p = xalloc(bytes, align);
	memset(p, 0, bytes ? bytes : 1);
	return p;
}

void *snn_xmalloc(size_t n)
{
	return xalloc(n, 0);
}

void *snn_xcalloc(size_t n, size_t size)
{
	return zeroed(n, size, 0);
}

void *snn_xcalloc_lines(size_t n, size_t size)
{
	return zeroed(n, size, 64);
}

/* snn_xrealloc leaves a block where realloc puts it (a large one is
 * moved by remapping its pages, not copied) and asks for huge pages in the
 * part of it that is aligned to them: the pages a growing array touches
 * next. */
void *snn_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "%s: %sout of memory (%zu bytes)\n", snn_prog, snn_rank_tag(), n);
		snn_mpi_abort(1);
	}
	if (n >= 2 * HUGE) {
		uintptr_t lo = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
		uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE - 1);
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
	return p;
}

/* grow returns a, of *cap elements of size bytes, reallocated to hold at
 * least need: the capacity doubles from 16. */
static void *grow(void *a, int64_t *cap, int64_t need, size_t size)
{
	if (need <= *cap)
		return a;
	int64_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	*cap = c;
	return snn_xrealloc(a, (size_t)c * size);
}

void snn_vi32_reserve(snn_vi32 *v, int64_t cap)
{
	v->a = grow(v->a, &v->cap, cap, sizeof(int32_t));
}

void snn_vi32_push(snn_vi32 *v, int32_t x)
{
	if (v->n == v->cap)
		snn_vi32_reserve(v, v->n + 1);
	v->a[v->n++] = x;
}

void snn_vi64_reserve(snn_vi64 *v, int64_t cap)
{
	v->a = grow(v->a, &v->cap, cap, sizeof(int64_t));
}

void snn_vi64_push(snn_vi64 *v, int64_t x)
{
	if (v->n == v->cap)
		snn_vi64_reserve(v, v->n + 1);
	v->a[v->n++] = x;
}

int64_t snn_go_int64(double x)
{
	if (x >= -9223372036854775808.0 && x < 9223372036854775808.0)
		return (int64_t)x;
	return INT64_MIN;
}

/* A ring of buffers for formatted numbers and strings. */
static char ring[16][512];
static int ring_next;

static char *ring_buf(void)
{
	char *b = ring[ring_next];
	ring_next = (ring_next + 1) % 16;
	return b;
}

void snn_shortest(double x, char *digits, int *dp)
{
	char buf[64];
	x = fabs(x);
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, x);
		if (strtod(buf, NULL) == x || p == 17)
			break;
	}
	/* buf is d[.ddd]e[+-]XX */
	int nd = 0;
	char *s = buf;
	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			digits[nd++] = *s;
	digits[nd] = 0;
	int e = atoi(s + 1);
	/* strip trailing zeros (only 17-digit forms can have them) */
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = 0;
	*dp = e + 1;
}

/* format as strconv.FormatFloat(x, fmt, -1, 64) for fmt 'e' or 'f',
 * into b, for finite x. */
static void format_shortest(char *b, double x, char fmt)
{
	char d[32];
	int dp;
	char *o = b;
	if (signbit(x))
		*o++ = '-';
	if (x == 0) {
		strcpy(d, "0");
		dp = 1;
	} else {
		snn_shortest(x, d, &dp);
	}
	int nd = (int)strlen(d);
	if (fmt == 'e') {
		*o++ = d[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		int e = x == 0 ? 0 : dp - 1;
		sprintf(o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
		return;
	}
	if (dp <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -dp; i++)
			*o++ = '0';
		memcpy(o, d, (size_t)nd);
		o += nd;
	} else if (dp >= nd) {
		memcpy(o, d, (size_t)nd);
		o += nd;
		for (int i = nd; i < dp; i++)
			*o++ = '0';
	} else {
		memcpy(o, d, (size_t)dp);
		o += dp;
		*o++ = '.';
		memcpy(o, d + dp, (size_t)(nd - dp));
		o += nd - dp;
	}
	*o = 0;
}

const char *snn_gfmt(double x)
{
	return snn_gfmt_to(ring_buf(), x);
}

char *snn_gfmt_to(char *b, double x)
{
	if (isnan(x)) {
		strcpy(b, "NaN");
		return b;
	}
	if (isinf(x)) {
		strcpy(b, x > 0 ? "+Inf" : "-Inf");
		return b;
	}
	int exp = 0;
	if (x != 0) {
		char d[32];
		int dp;
		snn_shortest(x, d, &dp);
		exp = dp - 1;
	}
	format_shortest(b, x, (exp < -4 || exp >= 6) ? 'e' : 'f');
	return b;
}

/* json_float formats as encoding/json does. */
void snn_json_float(char *b, double x)
{
	double a = fabs(x);
	char fmt = 'f';
	if (a != 0 && (a < 1e-6 || a >= 1e21))
		fmt = 'e';
	format_shortest(b, x, fmt);
	if (fmt == 'e') {
		size_t n = strlen(b);
		if (n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
			b[n - 2] = b[n - 1];
			b[n - 1] = 0;
		}
	}
}

const char *snn_quote(const char *s)
{
	char *b = ring_buf();
	size_t o = 0, cap = sizeof ring[0] - 8;
	b[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p && o < cap; p++) {
		unsigned char c = *p;
		switch (c) {
		case '"': b[o++] = '\\'; b[o++] = '"'; continue;
		case '\\': b[o++] = '\\'; b[o++] = '\\'; continue;
		case '\a': b[o++] = '\\'; b[o++] = 'a'; continue;
		case '\b': b[o++] = '\\'; b[o++] = 'b'; continue;
		case '\f': b[o++] = '\\'; b[o++] = 'f'; continue;
		case '\n': b[o++] = '\\'; b[o++] = 'n'; continue;
		case '\r': b[o++] = '\\'; b[o++] = 'r'; continue;
		case '\t': b[o++] = '\\'; b[o++] = 't'; continue;
		case '\v': b[o++] = '\\'; b[o++] = 'v'; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			o += (size_t)sprintf(b + o, "\\x%02x", c);
			continue;
		}
		if (c < 0x80) {
			b[o++] = (char)c;
			continue;
		}
		/* A valid UTF-8 sequence passes through; a stray byte is \x. */
		int len = c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
		if (c >= 0xF8)
			len = 0;
		int ok = len > 0;
		for (int i = 1; ok && i < len; i++)
			ok = (p[i] & 0xC0) == 0x80;
		if (!ok) {
			o += (size_t)sprintf(b + o, "\\x%02x", c);
			continue;
		}
		for (int i = 0; i < len; i++)
			b[o++] = (char)p[i];
		p += len - 1;
	}
	b[o++] = '"';
	b[o] = 0;
	return b;
}

const char *snn_prog = "snnc run";
char snn_err_ctx[256];

void snn_fail(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "%s: %s%s: %s", snn_prog, snn_rank_tag(), snn_the_model.source, snn_err_ctx);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	snn_mpi_abort(1);
}

const char *snn_rank_tag(void)
{
	static char tag[48];
	if (snn_ranks <= 1)
		return "";
	snprintf(tag, sizeof tag, "rank %d of %d: ", snn_rank, snn_ranks);
	return tag;
}

double snn_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
