/*
 * The tables of examples/lif_current.snn, written by hand as snnc's LLVM
 * backend would emit them (snnrt.h), from `snnc ir examples/lif_current.snn`.
 * Variable ids: top-level parameters, then each population's variables
 * (and its dendrites'), then each projection's.
 */
#include "snnrt.h"

void lif_cell_init(snn_ctx *c, int64_t lo, int64_t hi, double *out);
void lif_cell_update(snn_ctx *c, int64_t lo, int64_t hi, double *out);
void lif_cell_threshold(snn_ctx *c, int64_t lo, int64_t hi, double *out);
void lif_cell_reset(snn_ctx *c, int64_t lo, int64_t hi, double *out);
void lif_cell_refractory(snn_ctx *c, int64_t lo, int64_t hi, double *out);
void lif_drive_value(snn_ctx *c, int64_t lo, int64_t hi, double *out);

#define A {0, 0, 0, 1, 0, 0}
#define S {0, 0, 1, 0, 0, 0}
#define V {2, 1, -3, -1, 0, 0}
#define OHM {2, 1, -3, -2, 0, 0}

static const snn_var params[] = {
	{"i_drive", 0, SNN_PARAM, 1, 1, 2.5e-10, A, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_var cell_vars[] = {
	{"tau_m", 1, SNN_PARAM, 1, 0, 0.01, S, 0, -1, 0, 0, 0, 0, 0},
	{"tau_e", 2, SNN_PARAM, 1, 0, 0.005, S, 0, -1, 0, 0, 0, 0, 0},
	{"tau_i", 3, SNN_PARAM, 1, 0, 0.01, S, 0, -1, 0, 0, 0, 0, 0},
	{"v_rest", 4, SNN_PARAM, 1, 0, -0.07, V, 0, -1, 0, 0, 0, 0, 0},
	{"v_t", 5, SNN_PARAM, 1, 0, -0.05, V, 0, -1, 0, 0, 0, 0, 0},
	{"v_r", 6, SNN_PARAM, 1, 0, -0.07, V, 0, -1, 0, 0, 0, 0, 0},
	{"r_m", 7, SNN_PARAM, 1, 0, 1e+08, OHM, 0, -1, 0, 0, 0, 0, 0},
	{"t_ref", 8, SNN_PARAM, 1, 0, 0.002, S, 0, -1, 0, 0, 0, 0, 0},
	{"i_ext", 9, SNN_PARAM, 1, 1, 0.0, A, 0, -1, 0, 0, 0, 0, 0},
	{"v", 10, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
	{"ge", 11, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
	{"gi", 12, SNN_STATE, 0, 0, 0, V, 0, -1, 0, 0, 0, 0, 0},
};

static const snn_population populations[] = {
	{"cell", 1, 0, {12, cell_vars}, 0, 0, lif_cell_init, 0, lif_cell_update, lif_cell_threshold, lif_cell_reset,
		lif_cell_refractory, 0, 0, 0, 0, 0, 0, 0},
};

static const snn_current currents[] = {
	{"drive", 0, 9, lif_drive_value},
};

static const snn_monitor monitors[] = {
	{"cell_spikes", 0, 0, 0, -1, -1, 0, 0, 0, 1, "cell.spikes", 0, 0, 0},
	{"cell_v", 1, 0, 0, -1, 10, 0, 0, 0, 1, "cell.v", 0, 0, 0},
};

const snn_model snn_the_model = {
	"examples/lif_current.snn", 0.0001, 1.0, 10000, 0,
	13, {1, params},
	1, populations,
	0, 0,
	0, 0,
	1, currents,
	2, monitors,
	0, 0,
	0, 0, /* reductions */
	0, 0, /* schedules */
	0, 0, 0, /* snnc_version, model_sha256, monitors_json: written "", "", [] */
	0, /* version_text */
};
