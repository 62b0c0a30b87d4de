/*
 * snnrt.h: the contract between the code snnc generates for a model
 * (backends/llvm) and snnc's native runtime (runtime/c), which together
 * make a model's executable.
 *
 * snnc emits two things per model:
 *   - the kernels, as LLVM IR (compiled by opt and llc): one function per
 *     kernel, with the ABI below;
 *   - model.c, the model's tables: one `const snn_model snn_the_model`
 *     describing the network (sizes, variables, rules, inputs, monitors)
 *     and pointing at the kernels.
 * The runtime (this directory) provides main(): it reads the run options,
 * builds the network from the tables, runs the steps in the order of
 * spec/language.md section 6, calls the kernels, and writes the outputs
 * exactly as backends/interp does (spec/runtime.md), bit for bit.
 *
 * Everything here mirrors a Go type of snnc: ir.Module and the interp
 * package. Units are SI (seconds, volts, ...), as in the IR.
 */
#ifndef SNNRT_H
#define SNNRT_H

#include <stdint.h>

/* ------------------------------------------------------------------ */
/* The context every kernel gets.                                      */

typedef struct snn_ctx {
	/* var[v]: the values of variable v (see snn_var.id), one per element,
	 * or a single value for a uniform parameter. */
	double **var;
	/* ref[p]: population p's first step in which each neuron is no longer
	 * refractory (0 initially); a neuron is refractory in step k while
	 * k < ref[p][i]. NULL for globals. */
	int64_t **ref;
	/* Per projection q: each synapse's pre neuron, post neuron, and post
	 * segment element (post*count + segment) for projections onto a
	 * dendrite array (else NULL). */
	int32_t **pre;
	int32_t **post;
	int32_t **js;
	int64_t step;   /* k, the step being run (0 in init and prepare) */
	double t;       /* k*dt computed as (double)k * dt */
	uint64_t seed;  /* the run's seed, the key of every random draw */
	int64_t stamp;  /* the element index of random draws in a global's on_spike kernel: the spiking neuron */
	/* Per projection, in a build for MPI ranks (snnc build --mpi): each
	 * synapse's index in the whole projection, which its random draws,
	 * dithering and data by synapse are keyed by where a rank holds only
	 * some of the synapses (snn_projection.needs_key), else NULL. */
	int64_t **key;
} snn_ctx;

/*
 * Kernel ABI. Every kernel is
 *
 *     void kernel(snn_ctx *c, int64_t lo, int64_t hi, double *out);
 *
 * and runs its elements lo, lo+1, ..., hi-1 in increasing order. An
 * element is a neuron (population, current and input kernels), a segment
 * element neuron*count+segment (a dendrite's kernels; count 1 for a single
 * compartment), a synapse (projection kernels), or 0 (a global's kernels).
 * A kernel with a result (refractory: seconds; rate: Hz; a current's or a
 * monitor's value) writes the result of element el to out[el - lo]; out
 * is NULL for kernels without one. A threshold (and a step kernel)
 * writes one byte per element instead, 1 or 0, to
 * ((uint8_t *)out)[el - lo]: spikes are rare, and the runtime finds them
 * by reading the bytes eight at a time.
 * A kernel reads c->step and c->t for `time` and its random draws, whose
 * key is (c->seed, stream, c->step, element) (c->stamp for on_spike).
 */
typedef void (*snn_kernel)(snn_ctx *c, int64_t lo, int64_t hi, double *out);

/* Functions the generated kernels call (the runtime defines them). */
double snn_uniform(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double lo, double hi);
double snn_normal(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double mean, double std);
double snn_exponential(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index, double mean);
double snn_exp(double), snn_log(double), snn_log10(double), snn_sin(double), snn_cos(double),
	snn_tanh(double), snn_pow(double, double), snn_min(double, double), snn_max(double, double),
	snn_sign(double), snn_fmod(double, double);
/* mathfn.CosTurn: cos(2*pi*u), 0 <= u < 1 (the normal draw's angle). */
double snn_cos_turn(double);
/* Fixed point (fixed.c, runtime/fixed): raw values as int64_t, formats
 * as (width, fraction bits); snn_dither_bits is the draw whose top bits a
 * dithered conversion adds. */
int64_t snn_fx_convert(int64_t r, int32_t ff, int32_t w, int32_t f);
int64_t snn_fx_add(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f);
int64_t snn_fx_sub(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f);
int64_t snn_fx_mul(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f);
int64_t snn_fx_div(int64_t a, int32_t fa, int64_t b, int32_t fb, int32_t w, int32_t f);
int64_t snn_fx_neg(int64_t a, int32_t fa, int32_t w, int32_t f);
int64_t snn_fx_abs(int64_t a, int32_t fa, int32_t w, int32_t f);
int32_t snn_fx_cmp(int64_t a, int32_t fa, int64_t b, int32_t fb);
int64_t snn_fx_from_double(double x, int32_t w, int32_t f);
double snn_fx_to_double(int64_t r, int32_t f);
int64_t snn_fx_dither(int64_t r, int32_t ff, int32_t w, int32_t f, uint64_t bits);
uint64_t snn_dither_bits(uint64_t seed, uint32_t stream, uint64_t n, uint64_t index);
/* A loadseg whose segment is not a whole number in [0, count): prints
 * the error and exits with status 1. */
void snn_fail_segment(double segment, int64_t count, const char *variable);

/* ------------------------------------------------------------------ */
/* The model's tables.                                                  */

enum { SNN_PARAM = 0, SNN_STATE = 1, SNN_TRACE = 2 };

/* A variable: its storage is c->var[id]. */
typedef struct snn_var {
	const char *name;   /* as in the IR: "v", "trace.tlast", "decay.v.v" */
	int32_t id;
	int32_t kind;       /* SNN_PARAM, SNN_STATE, SNN_TRACE */
	int32_t uniform;    /* a parameter with one value (value) */
	int32_t runtime;    /* --set may change it */
	double value;       /* the uniform value, or a runtime parameter's default */
	int8_t dim[6];      /* the dimension for --set: exponents of m, kg, s, A, K, mol */
	/* A trace's time constant: a number (tau_var < 0) or a variable. */
	double tau;
	int32_t tau_var;
	/* Fixed point (after the quantize pass): the array holds raw integers
	 * with frac fraction bits. */
	int32_t fixed, frac;
	/* A runtime parameter of a quantized model: the values --set may
	 * give it (has_range), the interval quantize chose its format by. */
	int32_t has_range;
	double lo, hi;
} snn_var;

typedef struct snn_vars {
	int32_t n;
	const snn_var *v;
} snn_vars;

typedef struct snn_dendrite {
	const char *name;
	int32_t count;      /* segments per neuron (1 for a single compartment) */
	int32_t array;      /* declared with [count]: state per segment */
	snn_vars vars;      /* params: per neuron; state and traces: per segment element */
	snn_kernel init, prepare, update, threshold, reset;  /* NULL when absent */
} snn_dendrite;

typedef struct snn_on_spike {
	int32_t src_kind;   /* 0: population, 1: input */
	int32_t src;        /* its index */
	snn_kernel k;
} snn_on_spike;

typedef struct snn_population {
	const char *name;
	int64_t size;
	int32_t global;
	snn_vars vars;
	int32_t n_dendrites;
	const snn_dendrite *dendrites;
	snn_kernel init, prepare, update, threshold, reset, refractory;
	int32_t n_on_spike;
	const snn_on_spike *on_spike;
	/* The fuse pass's step kernel, or NULL: update, threshold, reset and
	 * refractory in one loop (the population then has none of those four
	 * kernels). It runs in step 5; its result, one byte per neuron as a
	 * threshold's, says which neurons spiked, already reset and made
	 * refractory. */
	snn_kernel step;
	/* With in_group, its state and refractoriness are elements from
	 * offset on of population group's arrays (the fuse pass's merged populations):
	 * the group's step kernel runs for it, and its spikes are the
	 * group's in its range. */
	int32_t in_group, group;
	int64_t offset;
	/* What one neuron's step costs, in simple operations (llvm's
	 * tables.go: its step kernels' instructions, a division counted as 8
	 * and an inline math function as 40): how many neurons a piece of the
	 * population needs to be worth a thread (pool.c, snn_step_weight). */
	int32_t work;
} snn_population;

typedef struct snn_input {
	const char *name;
	int32_t kind;       /* 0: poisson, 1: spikes */
	int64_t size;
	/* poisson: a rate kernel (per source, once), or a table of rates:
	 * n_rates rows of width 1 (shared) or size values, one row per period
	 * of period seconds; the last row holds. */
	snn_kernel rate;
	int64_t n_rates, width;
	const double *rates;
	double period;
	/* spikes: n_spikes (index, time in s) pairs, as given. */
	int64_t n_spikes;
	const int64_t *spike_index;
	const double *spike_time;
	const char *file;   /* the data file the rates or spikes came from, for messages, or NULL */
	int32_t stream;     /* its draws' stream: SNN_STREAM_INPUT + stream (ir.Input.Stream) */
} snn_input;

/* A named pathway of a projection (on pre NAME, spec/language.md section
 * 3.6): its kernel runs per synapse as on_pre does, after the delays of
 * variable delay_var (its delay.NAME), from a spike queue of its own. */
typedef struct snn_pathway {
	const char *name;
	snn_kernel on_pre;
	int32_t delay_var;
} snn_pathway;

enum { SNN_ALL_TO_ALL, SNN_ONE_TO_ONE, SNN_FIXED_PROBABILITY, SNN_FIXED_INDEGREE, SNN_FIXED_OUTDEGREE, SNN_PAIRS, SNN_PARTS, SNN_GENERATE };

typedef struct snn_projection {
	const char *name;
	int32_t pre_kind;   /* 0: population, 1: input */
	int32_t pre;        /* index of the population or input */
	int32_t post;       /* index of the population */
	int32_t dendrite;   /* index of the post population's dendrite, or -1 for the soma */
	int32_t rule;       /* SNN_ALL_TO_ALL, ... */
	double p;
	int64_t k;
	int32_t autapses;
	int64_t n_pairs;
	const int64_t *pairs; /* n_pairs (pre, post) pairs, flattened */
	const char *file;   /* the file the pairs came from, or NULL */
	snn_vars vars;      /* per synapse; "delay" and "segment" among them */
	int32_t delay_var, segment_var; /* ids, or -1 */
	snn_kernel init, prepare, on_pre, on_post, update;
	/* on_pre writes only its synapse's and its post neuron's variables
	 * and reads none of its pre neuron's state (which another thread may
	 * be updating, or writing as its synapses' post neuron): delivery may
	 * then be split among threads by post neuron, each thread taking its
	 * post neurons' synapses in delivery order, which keeps every sum in
	 * the sequential order. */
	int32_t parallel_on_pre;
	int32_t stream;     /* its connectivity's stream: SNN_STREAM_CONNECT + stream (ir.Projection.Stream) */
	/* With prune, the synapses whose variable prune_var has a magnitude
	 * below prune_below are removed after init (ir.Projection.PruneVar). */
	int32_t prune, prune_var;
	double prune_below;
	/* With is_part, projection part_of (rule SNN_PARTS, the fuse pass's)
	 * delivers this one's synapses: this one only makes them. */
	int32_t is_part, part_of;
	/* How messages name it: "projection NAME", or "connect at
	 * FILE:LINE:COL" for an unnamed one (ir.Projection.Describe). */
	const char *label;
	/* Whether a kernel reads a synapse's pre neuron (ctx.pre; llvm's
	 * emitter finds out): the runtime makes the pre array only then. */
	int32_t needs_pre;
	/* The summed kernel (step 4a), or NULL: it adds each synapse's
	 * contribution into the post neuron's summed variables, whose ids are
	 * summed_vars; the runtime sets them to 0 first (step.c). */
	snn_kernel summed;
	int32_t n_summed_vars;
	const int32_t *summed_vars;
	/* Whether the summed kernel writes only its post neuron's summed
	 * variables and reads no other neuron's: it may then run split
	 * among the threads by post neuron (summed.c). */
	int32_t summed_by_post;
	/* The ranges [lo, lo + n) of the pre and post sides the rule
	 * connects (ir.Projection.PreRange, PostRange: a subgroup or slice);
	 * n is 0 for the whole side (a slice is never empty). */
	int64_t pre_lo, pre_n, post_lo, post_n;
	/* Its named pathways, in the order their names sort, which is the
	 * order a step delivers them in, after on_pre (pathway.c). */
	int32_t n_paths;
	const snn_pathway *paths;
	/* Its connect.* kernels (ir/connect.go), NULL where it has none: a
	 * condition (bytes, as a threshold's), p of a pair, and a generator's
	 * range (lo, hi: per pre neuron) and index j (with k as the
	 * element's post index). where_post: the condition reads post.x;
	 * skip: generate drops a j outside the post side (connect_expr.c). */
	snn_kernel conn_where, conn_p, conn_lo, conn_hi, conn_j;
	int32_t where_post, skip;
	/* Whether a kernel reads ctx.key (an --mpi build's draws, dithering
	 * or data by synapse): the runtime makes the key array then. */
	int32_t needs_key;
} snn_projection;

typedef struct snn_current {
	const char *name;
	int32_t population;
	int32_t var;        /* the driven parameter's id: per neuron */
	snn_kernel value;
} snn_current;

typedef struct snn_monitor {
	const char *name;
	int32_t kind;       /* 0: spikes, 1: state */
	int32_t target_kind;/* 0: population (or global), 1: input, 2: projection */
	int32_t target;     /* its index */
	int32_t dendrite;   /* for pop.dendrite.x: the dendrite's index, else -1 */
	int32_t var;        /* the recorded variable's id, or -1 with value */
	snn_kernel value;   /* a definition's kernel, run per recorded element (scalar, one at a time) */
	int32_t n_ranges;
	const int64_t *ranges; /* [lo, hi) pairs; none: every element */
	int64_t every;
	const char *what;   /* target.variable as the model names it, for messages */
	int64_t from, to;   /* records in steps [from, to) only (a phase's), or both 0: always */
	int64_t base;       /* subtracted from the indices written: a subgroup's first (ir.Monitor.Base) */
} snn_monitor;

/* A global's state that the runtime computes from a variable of every
 * element of a population or projection (ir.Reduce): after the initial
 * values, and in every step after the state monitors (reduce.c). */
enum { SNN_REDUCE_SUM, SNN_REDUCE_MEAN, SNN_REDUCE_MAX, SNN_REDUCE_MIN };
typedef struct snn_reduction {
	int32_t kind;       /* SNN_REDUCE_SUM, ... */
	int32_t src_kind;   /* 0: population, 1: projection */
	int32_t src;        /* its index */
	int32_t var;        /* the id of its variable */
	int32_t dst;        /* the id of the global's state */
	int64_t lo, n;      /* a subgroup's neurons [lo, lo + n) (ir.Reduce.Range); n 0: every element */
} snn_reduction;
/* Scheduled code (at, every): kernel k runs on every element of its
 * target in steps first, first + period, ... (once where period is 0),
 * before the step's currents; the table is in declaration order, the
 * order in which code due in one step runs. */
typedef struct snn_schedule {
	snn_kernel k;
	int32_t target_kind; /* 0: population (or global), 2: projection */
	int32_t target;      /* its index */
	int64_t first, period;
} snn_schedule;

typedef struct snn_pruned_param {
	const char *name;
	int8_t dim[6];
} snn_pruned_param;

typedef struct snn_model {
	const char *source; /* the model file, for summary.json */
	double dt, duration;
	int64_t steps;
	uint64_t seed;
	int32_t n_vars;     /* variable ids are 0 .. n_vars-1 */
	snn_vars params;    /* top-level parameters */
	int32_t n_populations;
	const snn_population *populations;
	int32_t n_inputs;
	const snn_input *inputs;
	int32_t n_projections;
	const snn_projection *projections;
	int32_t n_currents;
	const snn_current *currents;
	int32_t n_monitors;
	const snn_monitor *monitors;
	/* Runtime parameters of what the prune pass removed: --set accepts
	 * them (checking the value's dimension) and they change nothing. */
	int32_t n_pruned;
	const snn_pruned_param *pruned;
	int32_t n_reductions;
	const snn_reduction *reductions;
	int32_t n_schedules;
	const snn_schedule *schedules;
	/* summary.json's snnc_version, model_sha256 and monitors (the JSON
	 * text after "monitors": ), as snnc computed them at the build; NULL
	 * in a hand-written model (written as "" and []). */
	const char *snnc_version, *model_sha256, *monitors_json;
	/* What --version prints after the executable's name: snnc's and Go's
	 * versions, LLVM's, the target CPU (llvm.VersionText); NULL in a
	 * hand-written model. */
	const char *version_text;
} snn_model;

extern const snn_model snn_the_model;

/* A .npy file the executable reads (or maps) when it starts (datafile.c),
 * rather than holding its bytes: a large data array of the model's (load(FILE))
 * or a large matrix(FILE) rule's matrix. snnc checked its header, shape,
 * dtype and values when it compiled the model; size and hash say that it
 * is still that file. */
typedef struct snn_data_file {
	const char *name;   /* relative to the model's directory: --data-dir DIR reads DIR/name */
	const char *path;   /* absolute: where snnc read it, read by default */
	int32_t dtype;      /* SNN_DT_F64, ... (little-endian, C order) */
	int64_t offset;     /* where the data start */
	int64_t count;      /* elements */
	int64_t rows, cols; /* its shape: (rows, cols), a list being one row */
	int64_t size;       /* the file's bytes */
	uint64_t hash;      /* runtime.DataHash of them */
	const double **dst; /* the data array's pointer it sets, or NULL (a matrix rule's only) */
} snn_data_file;

enum { SNN_DT_F64, SNN_DT_F32, SNN_DT_I64, SNN_DT_I32, SNN_DT_BOOL };

/* A projection whose matrix rule is made from a data file: its synapses
 * are the matrix's nonzero entries (the rule's pairs are empty). */
typedef struct snn_matrix_rule {
	int32_t projection;
	int32_t file;       /* index in snn_data_files */
} snn_matrix_rule;

/* Each list has a placeholder after its n entries (C has no empty arrays). */
extern const int32_t snn_n_data_files;
extern const snn_data_file snn_data_files[];
extern const int32_t snn_n_matrix_rules;
extern const snn_matrix_rule snn_matrix_rules[];

/* The units --set understands, with their scale to SI and dimension,
 * exactly as the language has them (lang.Units): a value is parsed as a
 * number, optional spaces, an optional unit name, and becomes
 * number * scale, computed in double as snnc computes it. */
typedef struct snn_unit {
	const char *name;
	double scale;
	int8_t dim[6];
} snn_unit;

extern const int32_t snn_n_units;
extern const snn_unit snn_units[];

#endif
