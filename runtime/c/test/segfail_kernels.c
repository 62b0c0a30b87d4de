/* The kernel of segfail_model.c. */
#include "snnrt.h"

/* As an update kernel, or a step kernel (with out: one byte per
 * neuron, none spiking). */
void segfail_update(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		if (c->step == 3 && (e == 400 || e == 900))
			snn_fail_segment((double)e + 0.5, 4, "d.u");
		c->var[0][e] += 1;
		if (out)
			((uint8_t *)out)[e - lo] = 0;
	}
}
