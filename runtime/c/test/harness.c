/*
 * harness.c: drives runtime/c's mathfn.c and rng.c for the equivalence
 * test runtime/native_math_test.go, which compares every result bit for
 * bit with the Go packages runtime/mathfn and runtime/rng.
 *
 *     harness OP < input > output
 *
 * The input is a sequence of records of 64-bit words in the host's byte
 * order (doubles as their bit patterns); for each record the harness
 * writes its result words. The words of each OP are in the table below.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "snnrt.h"
#include "snnrt_internal.h"

static double d(uint64_t b)
{
	double x;
	memcpy(&x, &b, sizeof x);
	return x;
}

static uint64_t u(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

typedef double (*unary)(double);
typedef double (*binary)(double, double);

static const struct {
	const char *name;
	unary f;
} unaries[] = {
	{"exp", snn_exp}, {"expm1", snn_expm1}, {"log", snn_log}, {"log10", snn_log10},
	{"log1p", snn_log1p}, {"sin", snn_sin}, {"cos", snn_cos}, {"tanh", snn_tanh},
	{"sign", snn_sign}, {"log_complement", snn_log_complement},
};

static const struct {
	const char *name;
	binary f;
} binaries[] = {
	{"pow", snn_pow}, {"min", snn_min}, {"max", snn_max}, {"fmod", snn_fmod},
};

/* OP: name, input words, output words. */
static const struct {
	const char *name;
	int in, out;
} others[] = {
	{"philox", 6, 4},      /* ctr[4], key[2] -> out[4] */
	{"block", 4, 4},       /* seed, stream, n, index -> w[4] */
	{"unit", 2, 1},        /* a, b -> u */
	{"below", 5, 1},       /* w[4], n -> draw */
	{"geometric", 6, 1},   /* w[4], logq, max -> draw */
	/* u -> snn_log(u), a chunk at a time by snn_log_units (its vector
	 * loop) for u in [2^-53, 1] */
	{"log_units", 1, 1},
	/* head, logq -> snn_geometric_heads's draw, a chunk at a time */
	{"geometric_heads", 2, 1},
	{"uniform", 6, 1},     /* seed, stream, n, index, lo, hi */
	{"normal", 6, 1},      /* seed, stream, n, index, mean, std */
	{"exponential", 5, 1}, /* seed, stream, n, index, mean */
	/* a, wa, fa, b, wb, fb, w, f, bits -> add, sub, mul, div, neg a, abs a,
	 * cmp, convert a, dither a, from_double(a as a double), to_double a */
	{"fixed", 9, 11},
};

static void run_other(const char *op, const uint64_t *a, uint64_t *r)
{
	uint32_t w[4];
	if (strcmp(op, "philox") == 0) {
		uint32_t c[4] = {(uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]};
		uint32_t k[2] = {(uint32_t)a[4], (uint32_t)a[5]};
		snn_philox(c, k, w);
		for (int i = 0; i < 4; i++)
			r[i] = w[i];
	} else if (strcmp(op, "block") == 0) {
		snn_block(a[0], (uint32_t)a[1], a[2], a[3], w);
		for (int i = 0; i < 4; i++)
			r[i] = w[i];
	} else if (strcmp(op, "unit") == 0) {
		r[0] = u(snn_rng_unit((uint32_t)a[0], (uint32_t)a[1]));
	} else if (strcmp(op, "below") == 0) {
		uint32_t v[4] = {(uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]};
		r[0] = snn_below(v, a[4]);
	} else if (strcmp(op, "geometric") == 0) {
		uint32_t v[4] = {(uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]};
		r[0] = snn_geometric(v, d(a[4]), a[5]);
	} else if (strcmp(op, "uniform") == 0) {
		r[0] = u(snn_uniform(a[0], (uint32_t)a[1], a[2], a[3], d(a[4]), d(a[5])));
	} else if (strcmp(op, "normal") == 0) {
		r[0] = u(snn_normal(a[0], (uint32_t)a[1], a[2], a[3], d(a[4]), d(a[5])));
	} else if (strcmp(op, "fixed") == 0) {
		int64_t x = (int64_t)a[0], y = (int64_t)a[3];
		int32_t fa = (int32_t)a[2], fb = (int32_t)a[5], w = (int32_t)a[6], f = (int32_t)a[7];
		r[0] = (uint64_t)snn_fx_add(x, fa, y, fb, w, f);
		r[1] = (uint64_t)snn_fx_sub(x, fa, y, fb, w, f);
		r[2] = (uint64_t)snn_fx_mul(x, fa, y, fb, w, f);
		r[3] = (uint64_t)snn_fx_div(x, fa, y, fb, w, f);
		r[4] = (uint64_t)snn_fx_neg(x, fa, w, f);
		r[5] = (uint64_t)snn_fx_abs(x, fa, w, f);
		r[6] = (uint64_t)(int64_t)snn_fx_cmp(x, fa, y, fb);
		r[7] = (uint64_t)snn_fx_convert(x, fa, w, f);
		r[8] = (uint64_t)snn_fx_dither(x, fa, w, f, a[8]);
		r[9] = (uint64_t)snn_fx_from_double(d(a[8]), w, f);
		r[10] = u(snn_fx_to_double(x, fa));
	} else {
		r[0] = u(snn_exponential(a[0], (uint32_t)a[1], a[2], a[3], d(a[4])));
	}
}

enum { CHUNK = 4096 };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: harness OP < input > output\n");
		return 2;
	}
	const char *op = argv[1];
	unary uf = NULL;
	binary bf = NULL;
	int in = 0, out = 1;
	for (size_t i = 0; i < sizeof unaries / sizeof unaries[0]; i++)
		if (strcmp(op, unaries[i].name) == 0)
			uf = unaries[i].f, in = 1;
	for (size_t i = 0; i < sizeof binaries / sizeof binaries[0]; i++)
		if (strcmp(op, binaries[i].name) == 0)
			bf = binaries[i].f, in = 2;
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (strcmp(op, others[i].name) == 0)
			in = others[i].in, out = others[i].out;
	if (in == 0) {
		fprintf(stderr, "harness: unknown op %s\n", op);
		return 2;
	}

	static uint64_t ibuf[CHUNK * 9], obuf[CHUNK * 11];
	static double xs[CHUNK], ys[CHUNK];
	static uint64_t heads[CHUNK];
	for (;;) {
		size_t got = fread(ibuf, sizeof(uint64_t) * (size_t)in, CHUNK, stdin);
		if (strcmp(op, "log_units") == 0) {
			for (size_t i = 0; i < got; i++)
				xs[i] = d(ibuf[i]);
			snn_log_units(xs, ys, (int64_t)got);
			for (size_t i = 0; i < got; i++)
				obuf[i] = u(ys[i]);
		} else if (strcmp(op, "geometric_heads") == 0) {
			/* one logq a chunk: the first record's */
			for (size_t i = 0; i < got; i++)
				heads[i] = ibuf[2 * i];
			if (got > 0)
				snn_geometric_heads(heads, (int64_t)got, d(ibuf[1]), xs, ys);
			for (size_t i = 0; i < got; i++)
				obuf[i] = u(ys[i]);
		} else {
			for (size_t i = 0; i < got; i++) {
				const uint64_t *a = ibuf + i * (size_t)in;
				uint64_t *r = obuf + i * (size_t)out;
				if (uf)
					r[0] = u(uf(d(a[0])));
				else if (bf)
					r[0] = u(bf(d(a[0]), d(a[1])));
				else
					run_other(op, a, r);
			}
		}
		if (got > 0 && fwrite(obuf, sizeof(uint64_t) * (size_t)out, got, stdout) != got) {
			perror("harness: write");
			return 1;
		}
		if (got < CHUNK)
			break;
	}
	if (ferror(stdin)) {
		perror("harness: read");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
