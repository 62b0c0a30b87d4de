/*
 * The tables of examples/stdp_song2000.snn, written by hand as snnc's LLVM
 * backend would emit them (snnrt.h), from
 * `snnc ir examples/stdp_song2000.snn`.
 */
#include "snnrt.h"

#define K(name) void name(snn_ctx *c, int64_t lo, int64_t hi, double *out);
K(stdp_out_init) K(stdp_out_update) K(stdp_out_threshold) K(stdp_out_reset)
K(stdp_inputs_rate) K(stdp_plastic_init) K(stdp_plastic_on_pre) K(stdp_plastic_on_post)
#undef K

#define ONE {0, 0, 0, 0, 0, 0}
#define S {0, 0, 1, 0, 0, 0}
#define V {2, 1, -3, -1, 0, 0}

static const snn_var params[] = {
	{"g_max", 0, SNN_PARAM, 1, 0, 0.01, ONE, 0, -1, 0, 0, 0, 0, 0},
	{"tau_pre", 1, SNN_PARAM, 1, 0, 0.02, S, 0, -1, 0, 0, 0, 0, 0},
	{"tau_post", 2, SNN_PARAM, 1, 0, 0.02, S, 0, -1, 0, 0, 0, 0, 0},
	{"dA_pre", 3, SNN_PARAM, 1, 0, 0.0001, ONE, 0, -1, 0, 0, 0, 0, 0},
	{"dA_post", 4, SNN_PARAM, 1, 0, -0.00010500000000000002, ONE, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_var out_vars[] = {
	{"tau_m", 5, SNN_PARAM, 1, 0, 0.01, S, 0, -1, 0, 0, 0, 0, 0},
	{"tau_e", 6, SNN_PARAM, 1, 0, 0.005, S, 0, -1, 0, 0, 0, 0, 0},
	{"e_e", 7, SNN_PARAM, 1, 0, 0.0, V, 0, -1, 0, 0, 0, 0, 0},
	{"e_l", 8, SNN_PARAM, 1, 0, -0.074, V, 0, -1, 0, 0, 0, 0, 0},
	{"v_t", 9, SNN_PARAM, 1, 0, -0.054, V, 0, -1, 0, 0, 0, 0, 0},
	{"v_r", 10, SNN_PARAM, 1, 0, -0.06, V, 0, -1, 0, 0, 0, 0, 0},
	{"v", 11, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
	{"ge", 12, SNN_STATE, 0, 0, 0, ONE, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_population populations[] = {
	{"out", 1, 0, {8, out_vars}, 0, 0, stdp_out_init, 0, stdp_out_update, stdp_out_threshold, stdp_out_reset, 0, 0, 0, 0, 0, 0, 0, 0},
};

static const snn_input inputs[] = {
	{"inputs", 0, 1000, stdp_inputs_rate, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static const snn_var plastic_vars[] = {
	{"w", 13, SNN_STATE, 0, 0, 0, ONE, 0, -1, 0, 0, 0, 0, 0},
	{"a_pre", 14, SNN_TRACE, 0, 0, 0, ONE, 0.02, -1, 0, 0, 0, 0, 0},
	{"a_post", 15, SNN_TRACE, 0, 0, 0, ONE, 0.02, -1, 0, 0, 0, 0, 0},
	{"delay", 16, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
	{"trace.tlast", 17, SNN_STATE, 0, 0, 0, S, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_projection projections[] = {
	{"plastic", 1, 0, 0, -1, SNN_ALL_TO_ALL, 0, 0, 1, 0, 0, 0, {5, plastic_vars}, 16, -1, stdp_plastic_init, 0,
		stdp_plastic_on_pre, stdp_plastic_on_post, 0, 0, 0, 0, -1, 0, 0, 0, "projection plastic", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static const snn_monitor monitors[] = {
	{"out_spikes", 0, 0, 0, -1, -1, 0, 0, 0, 1, "out.spikes", 0, 0, 0},
	{"plastic_w", 1, 2, 0, -1, 13, 0, 0, 0, 100000, "plastic.w", 0, 0, 0},
};

const snn_model snn_the_model = {
	"examples/stdp_song2000.snn", 0.0001, 100.0, 1000000, 1,
	18, {5, params},
	1, populations,
	1, inputs,
	1, projections,
	0, 0,
	2, monitors,
	0, 0,
	0, 0, /* reductions */
	0, 0, /* schedules */
	0, 0, 0, /* snnc_version, model_sha256, monitors_json: written "", "", [] */
	0, /* version_text */
};
