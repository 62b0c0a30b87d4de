/*
 * The tables of examples/cuba.snn, written by hand as snnc's LLVM backend
 * would emit them (snnrt.h), from `snnc ir examples/cuba.snn`.
 */
#include "snnrt.h"

#define K(name) void name(snn_ctx *c, int64_t lo, int64_t hi, double *out);
K(cuba_exc_init) K(cuba_exc_update) K(cuba_exc_threshold) K(cuba_exc_reset) K(cuba_exc_refractory)
K(cuba_inh_init) K(cuba_inh_update) K(cuba_inh_threshold) K(cuba_inh_reset) K(cuba_inh_refractory)
K(cuba_proj_init) K(cuba_ee_on_pre) K(cuba_ei_on_pre) K(cuba_ie_on_pre) K(cuba_ii_on_pre)
#undef K

#define ONE {0, 0, 0, 0, 0, 0}
#define S {0, 0, 1, 0, 0, 0}
#define V {2, 1, -3, -1, 0, 0}

static const snn_var params[] = {
	{"w_e", 0, SNN_PARAM, 1, 0, 0.0016200000000000003, V, 0, -1, 0, 0, 0, 0, 0},
	{"w_i", 1, SNN_PARAM, 1, 0, -0.009000000000000001, V, 0, -1, 0, 0, 0, 0, 0},
	{"p_connect", 2, SNN_PARAM, 1, 0, 0.02, ONE, 0, -1, 0, 0, 0, 0, 0},
};

#define CUBA_VARS(B)                                                   \
	{"tau_m", B + 0, SNN_PARAM, 1, 0, 0.02, S, 0, -1, 0, 0, 0, 0, 0},             \
	{"tau_e", B + 1, SNN_PARAM, 1, 0, 0.005, S, 0, -1, 0, 0, 0, 0, 0},            \
	{"tau_i", B + 2, SNN_PARAM, 1, 0, 0.01, S, 0, -1, 0, 0, 0, 0, 0},             \
	{"v_t", B + 3, SNN_PARAM, 1, 0, -0.05, V, 0, -1, 0, 0, 0, 0, 0},              \
	{"v_r", B + 4, SNN_PARAM, 1, 0, -0.06, V, 0, -1, 0, 0, 0, 0, 0},              \
	{"e_l", B + 5, SNN_PARAM, 1, 0, -0.049, V, 0, -1, 0, 0, 0, 0, 0},             \
	{"v", B + 6, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},                    \
	{"ge", B + 7, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},                   \
	{"gi", B + 8, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},

static const snn_var exc_vars[] = {CUBA_VARS(3)};
static const snn_var inh_vars[] = {CUBA_VARS(12)};

static const snn_population populations[] = {
	{"exc", 3200, 0, {9, exc_vars}, 0, 0, cuba_exc_init, 0, cuba_exc_update, cuba_exc_threshold, cuba_exc_reset,
		cuba_exc_refractory, 0, 0, 0, 0, 0, 0, 0},
	{"inh", 800, 0, {9, inh_vars}, 0, 0, cuba_inh_init, 0, cuba_inh_update, cuba_inh_threshold, cuba_inh_reset,
		cuba_inh_refractory, 0, 0, 0, 0, 0, 0, 0},
};

static const snn_var ee_vars[] = {
	{"w", 21, SNN_PARAM, 1, 0, 0.0016200000000000003, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 22, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var ei_vars[] = {
	{"w", 23, SNN_PARAM, 1, 0, 0.0016200000000000003, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 24, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var ie_vars[] = {
	{"w", 25, SNN_PARAM, 1, 0, -0.009000000000000001, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 26, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var ii_vars[] = {
	{"w", 27, SNN_PARAM, 1, 0, -0.009000000000000001, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 28, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_projection projections[] = {
	{"ee", 0, 0, 0, -1, SNN_FIXED_PROBABILITY, 0.02, 0, 1, 0, 0, 0, {2, ee_vars}, 22, -1, cuba_proj_init, 0,
		cuba_ee_on_pre, 0, 0, 0, 0, 0, -1, 0, 0, 0, "projection ee", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"ei", 0, 0, 1, -1, SNN_FIXED_PROBABILITY, 0.02, 0, 1, 0, 0, 0, {2, ei_vars}, 24, -1, cuba_proj_init, 0,
		cuba_ei_on_pre, 0, 0, 0, 1, 0, -1, 0, 0, 0, "projection ei", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"ie", 0, 1, 0, -1, SNN_FIXED_PROBABILITY, 0.02, 0, 1, 0, 0, 0, {2, ie_vars}, 26, -1, cuba_proj_init, 0,
		cuba_ie_on_pre, 0, 0, 0, 2, 0, -1, 0, 0, 0, "projection ie", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"ii", 0, 1, 1, -1, SNN_FIXED_PROBABILITY, 0.02, 0, 1, 0, 0, 0, {2, ii_vars}, 28, -1, cuba_proj_init, 0,
		cuba_ii_on_pre, 0, 0, 0, 3, 0, -1, 0, 0, 0, "projection ii", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static const int64_t exc_v_ranges[] = {0, 4};

static const snn_monitor monitors[] = {
	{"exc_spikes", 0, 0, 0, -1, -1, 0, 0, 0, 1, "exc.spikes", 0, 0, 0},
	{"inh_spikes", 0, 0, 1, -1, -1, 0, 0, 0, 1, "inh.spikes", 0, 0, 0},
	{"exc_v", 1, 0, 0, -1, 9, 0, 1, exc_v_ranges, 10, "exc.v", 0, 0, 0},
};

const snn_model snn_the_model = {
	"examples/cuba.snn", 0.0001, 1.0, 10000, 1,
	29, {3, params},
	2, populations,
	0, 0,
	4, projections,
	0, 0,
	3, monitors,
	0, 0,
	0, 0, /* reductions */
	0, 0, /* schedules */
	0, 0, 0, /* snnc_version, model_sha256, monitors_json: written "", "", [] */
	0, /* version_text */
};
