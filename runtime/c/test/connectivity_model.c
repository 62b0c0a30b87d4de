/*
 * The tables of examples/connectivity.snn, written by hand as snnc's LLVM
 * backend would emit them (snnrt.h), from
 * `snnc ir examples/connectivity.snn`; the pairs of the data files
 * examples/data/pairs_ab.csv and pairs_ba.npy are copied in, as the
 * backend reads them at compile time.
 */
#include "snnrt.h"

#define K(name) void name(snn_ctx *c, int64_t lo, int64_t hi, double *out);
K(conn_a_init) K(conn_a_update) K(conn_b_init) K(conn_b_update) K(conn_threshold_a) K(conn_threshold_b)
K(conn_reset_a) K(conn_reset_b) K(conn_refractory) K(conn_noise_rate) K(conn_empty_init)
K(conn_c1_on_pre) K(conn_c2_init) K(conn_c2_on_pre) K(conn_c3_init) K(conn_c3_on_pre)
K(conn_c4_on_pre) K(conn_c5_on_pre) K(conn_c6_on_pre)
#undef K

#define A {0, 0, 0, 1, 0, 0}
#define S {0, 0, 1, 0, 0, 0}
#define V {2, 1, -3, -1, 0, 0}
#define OHM {2, 1, -3, -2, 0, 0}

#define LIF_VARS(B, IEXT)                                              \
	{"tau_m", B + 0, SNN_PARAM, 1, 0, 0.02, S, 0, -1, 0, 0, 0, 0, 0},             \
	{"tau_e", B + 1, SNN_PARAM, 1, 0, 0.005, S, 0, -1, 0, 0, 0, 0, 0},            \
	{"tau_i", B + 2, SNN_PARAM, 1, 0, 0.01, S, 0, -1, 0, 0, 0, 0, 0},             \
	{"v_rest", B + 3, SNN_PARAM, 1, 0, -0.07, V, 0, -1, 0, 0, 0, 0, 0},           \
	{"v_t", B + 4, SNN_PARAM, 1, 0, -0.05, V, 0, -1, 0, 0, 0, 0, 0},              \
	{"v_r", B + 5, SNN_PARAM, 1, 0, -0.07, V, 0, -1, 0, 0, 0, 0, 0},              \
	{"r_m", B + 6, SNN_PARAM, 1, 0, 1e+08, OHM, 0, -1, 0, 0, 0, 0, 0},            \
	{"t_ref", B + 7, SNN_PARAM, 1, 0, 0.002, S, 0, -1, 0, 0, 0, 0, 0},            \
	{"i_ext", B + 8, SNN_PARAM, 1, 1, IEXT, A, 0, -1, 0, 0, 0, 0, 0},             \
	{"v", B + 9, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},                    \
	{"ge", B + 10, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},                  \
	{"gi", B + 11, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},

static const snn_var a_vars[] = {LIF_VARS(0, 1.8e-10)};
static const snn_var b_vars[] = {LIF_VARS(12, 1.7000000000000003e-10)};

static const snn_population populations[] = {
	{"a", 200, 0, {12, a_vars}, 0, 0, conn_a_init, 0, conn_a_update, conn_threshold_a, conn_reset_a, conn_refractory,
		0, 0, 0, 0, 0, 0, 0},
	{"b", 200, 0, {12, b_vars}, 0, 0, conn_b_init, 0, conn_b_update, conn_threshold_b, conn_reset_b, conn_refractory,
		0, 0, 0, 0, 0, 0, 0},
};

static const int64_t clock_index[] = {0, 1, 2, 0};
static const double clock_time[] = {0.005, 0.01, 0.015, 0.05};

static const snn_input inputs[] = {
	{"clock", 1, 3, 0, 0, 0, 0, 0, 4, clock_index, clock_time, 0, 0},
	{"noise", 0, 200, conn_noise_rate, 0, 0, 0, 0, 0, 0, 0, 0, 1},
};

static const snn_var c1_vars[] = {
	{"w", 24, SNN_PARAM, 1, 0, 0.03, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 25, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var c2_vars[] = {
	{"w", 26, SNN_PARAM, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 27, SNN_PARAM, 0, 0, 0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var c3_vars[] = {
	{"w", 28, SNN_PARAM, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 29, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var c4_vars[] = {
	{"w", 30, SNN_PARAM, 1, 0, 0.06, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 31, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var c5_vars[] = {
	{"w", 32, SNN_PARAM, 1, 0, 0.001, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 33, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};
static const snn_var c6_vars[] = {
	{"w", 34, SNN_PARAM, 1, 0, 0.0005, V, 0, -1, 0, 0, 0, 0, 0},
	{"delay", 35, SNN_PARAM, 1, 0, 0.0, S, 0, -1, 0, 0, 0, 0, 0},
};

static const int64_t c4_pairs[] = {0, 0, 1, 1, 2, 2, 0, 199};
static const int64_t c5_pairs[] = {0, 0, 7, 91, 14, 182, 21, 73, 28, 164, 35, 55, 42, 146, 49, 37, 56, 128, 63, 19,
	70, 110, 77, 1, 84, 92, 91, 183, 98, 74, 105, 165, 112, 56, 119, 147, 126, 38, 133, 129, 140, 20, 147, 111,
	154, 2, 161, 93, 168, 184, 175, 75, 182, 166, 189, 57, 196, 148};
static const int64_t c6_pairs[] = {0, 3, 5, 38, 10, 73, 15, 108, 20, 143, 25, 178, 30, 13, 35, 48, 40, 83, 45, 118,
	50, 153, 55, 188, 60, 23, 65, 58, 70, 93, 75, 128, 80, 163, 85, 198, 90, 33, 95, 68, 100, 103, 105, 138, 110,
	173, 115, 8, 120, 43, 125, 78, 130, 113, 135, 148, 140, 183, 145, 18, 150, 53, 155, 88, 160, 123, 165, 158, 170,
	193, 175, 28, 180, 63, 185, 98, 190, 133, 195, 168};

static const snn_projection projections[] = {
	{"c1", 1, 1, 0, -1, SNN_ONE_TO_ONE, 0, 0, 1, 0, 0, 0, {2, c1_vars}, 25, -1, conn_empty_init, 0, conn_c1_on_pre,
		0, 0, 0, 0, 0, -1, 0, 0, 0, "projection c1", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"c2", 0, 0, 1, -1, SNN_FIXED_INDEGREE, 0, 10, 1, 0, 0, 0, {2, c2_vars}, 27, -1, conn_c2_init, 0,
		conn_c2_on_pre, 0, 0, 0, 1, 0, -1, 0, 0, 0, "projection c2", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"c3", 0, 1, 0, -1, SNN_FIXED_OUTDEGREE, 0, 5, 1, 0, 0, 0, {2, c3_vars}, 29, -1, conn_c3_init, 0,
		conn_c3_on_pre, 0, 0, 0, 2, 0, -1, 0, 0, 0, "projection c3", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"c4", 1, 0, 1, -1, SNN_PAIRS, 0, 0, 1, 4, c4_pairs, 0, {2, c4_vars}, 31, -1, conn_empty_init, 0,
		conn_c4_on_pre, 0, 0, 0, 3, 0, -1, 0, 0, 0, "projection c4", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"c5", 0, 0, 1, -1, SNN_PAIRS, 0, 0, 1, 29, c5_pairs, "examples/data/pairs_ab.csv", {2, c5_vars}, 33, -1,
		conn_empty_init, 0, conn_c5_on_pre, 0, 0, 0, 4, 0, -1, 0, 0, 0, "projection c5", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	{"c6", 0, 1, 0, -1, SNN_PAIRS, 0, 0, 1, 40, c6_pairs, "examples/data/pairs_ba.npy", {2, c6_vars}, 35, -1,
		conn_empty_init, 0, conn_c6_on_pre, 0, 0, 0, 5, 0, -1, 0, 0, 0, "projection c6", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

static const int64_t a_spikes_ranges[] = {0, 10, 100, 101};
static const int64_t b_v_ranges[] = {0, 1, 1, 2, 199, 200};

static const snn_monitor monitors[] = {
	{"a_spikes", 0, 0, 0, -1, -1, 0, 2, a_spikes_ranges, 1, "a.spikes", 0, 0, 0},
	{"b_spikes", 0, 0, 1, -1, -1, 0, 0, 0, 1, "b.spikes", 0, 0, 0},
	{"b_v", 1, 0, 1, -1, 21, 0, 3, b_v_ranges, 5, "b.v", 0, 0, 0},
};

const snn_model snn_the_model = {
	"examples/connectivity.snn", 0.0001, 0.2, 2000, 42,
	36, {0, 0},
	2, populations,
	2, inputs,
	6, projections,
	0, 0,
	3, monitors,
	0, 0,
	0, 0, /* reductions */
	0, 0, /* schedules */
	0, 0, 0, /* snnc_version, model_sha256, monitors_json: written "", "", [] */
	0, /* version_text */
};
