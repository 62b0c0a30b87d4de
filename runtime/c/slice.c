/*
 * slice.c: subgroups and slices (spec/language.md 4.12), as runtime's
 * slice.go: a rule built between two slices of populations becomes the
 * CSR of the whole populations, and a monitor of a subgroup writes the
 * view's own indices.
 */
#include <stdlib.h>
#include <string.h>

#include "net.h"

void snn_csr_widen(snn_csr *c, int64_t pre_lo, int64_t rows, int64_t nPre, int64_t post_lo)
{
	int64_t *start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	for (int64_t i = 0; i <= nPre; i++) {
		if (i <= pre_lo)
			start[i] = 0;
		else if (i - pre_lo <= rows)
			start[i] = c->start[i - pre_lo];
		else
			start[i] = c->start[rows];
	}
	free(c->start);
	c->start = start;
	for (int64_t s = 0; s < c->n; s++)
		c->post[s] += (int32_t)post_lo;
}

int32_t *snn_rebased(const int32_t *idx, int64_t n, int32_t base)
{
	if (base == 0)
		return (int32_t *)idx;
	int32_t *out = snn_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int32_t));
	for (int64_t k = 0; k < n; k++)
		out[k] = idx[k] - base;
	return out;
}
