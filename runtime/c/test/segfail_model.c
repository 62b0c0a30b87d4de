/*
 * Not a transcription: a population whose update kernel fails, as a
 * kernel's loadseg does for a segment out of range, in step 3 for
 * neurons 400 and 900. The runtime must report neuron 400's error (the
 * first in element order, as the interpreter does) at any number of
 * threads. With SEGFAIL_STEP the kernel is a step kernel (the fuse
 * pass's), which runs in the runtime's population jobs.
 */
#include "snnrt.h"

void segfail_update(snn_ctx *c, int64_t lo, int64_t hi, double *out);

static const snn_var p_vars[] = {
	{"u", 0, SNN_STATE, 0, 0, 0, {0, 0, 0, 0, 0, 0}, 0, -1, 0, 0, 0, 0, 0},
};

#ifdef SEGFAIL_STEP
static const snn_population populations[] = {
	{"p", 1000, 0, {1, p_vars}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, segfail_update, 0, 0, 0, 0},
};
#else
static const snn_population populations[] = {
	{"p", 1000, 0, {1, p_vars}, 0, 0, 0, 0, segfail_update, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};
#endif

const snn_model snn_the_model = {
	"segfail.snn", 0.001, 0.01, 10, 0,
	1, {0, 0},
	1, populations,
	0, 0,
	0, 0,
	0, 0,
	0, 0,
	0, 0,
	0, 0, /* reductions */
	0, 0, /* schedules */
	0, 0, 0, /* snnc_version, model_sha256, monitors_json: written "", "", [] */
	0, /* version_text */
};
