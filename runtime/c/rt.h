/*
 * rt.h: the driver's own declarations, shared by all its files. Each
 * piece mirrors Go code of snnc (named in the comments) so that a run
 * gives the same bytes as `snnc run` on the interpreter. The sections
 * follow the layers (net.h draws them), lowest first: a file calls only
 * what its own section or an earlier one declares.
 */
#ifndef SNN_RT_H
#define SNN_RT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snnrt.h"
#include "snnrt_internal.h"
#include "mpirt.h"

/* ------------------------------------------------------------------ */
/* util.c                                                     */

/* Growable arrays. */
typedef struct { int32_t *a; int64_t n, cap; } snn_vi32;
typedef struct { int64_t *a; int64_t n, cap; } snn_vi64;
void snn_vi32_push(snn_vi32 *v, int32_t x);
void snn_vi32_reserve(snn_vi32 *v, int64_t cap);
void snn_vi64_reserve(snn_vi64 *v, int64_t cap);
void snn_vi64_push(snn_vi64 *v, int64_t x);

void *snn_xmalloc(size_t n);
void *snn_xcalloc(size_t n, size_t size);
/* snn_xcalloc beginning on a cache line: for a type aligned to cache lines
 * (_Alignas(64)), and for the arrays the kernels run along. */
void *snn_xcalloc_lines(size_t n, size_t size);
void *snn_xrealloc(void *p, size_t n);

/* Go's fmt verbs: %g (shortest repr), %q (strconv.Quote). The results
 * live in a small ring of static buffers, valid for a few calls. */
const char *snn_gfmt(double x);
char *snn_gfmt_to(char *b, double x); /* into b (64 bytes), thread-safe */
const char *snn_quote(const char *s);
/* encoding/json's float64 text. */
void snn_json_float(char *b, double x);
/* Shortest decimal digits of a finite nonzero |x|: digits (no dot) and
 * the decimal point position dp (value = 0.digits * 10^dp). */
void snn_shortest(double x, char *digits, int *dp);

/* Go's int64(x) for a float64 on amd64: out of range or NaN gives
 * INT64_MIN. */
int64_t snn_go_int64(double x);

/* Errors. The model path for messages (snn_the_model.source). */
extern const char *snn_prog;   /* the executable's name, or $SNNC_PROG ("snnc run") */
/* An error of the model or its data found while building or running:
 * "snnc run: SOURCE: CONTEXT MSG", exit status 1. snn_err_ctx is the
 * context ("projection ee: ") or "". */
extern char snn_err_ctx[256];
/* "rank R of K: " in a run over MPI ranks (mpi.c), else "": a message
 * names the rank that failed. */
const char *snn_rank_tag(void);
#ifdef __GNUC__
_Noreturn void snn_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#else
_Noreturn void snn_fail(const char *fmt, ...);
#endif

double snn_now_seconds(void);

/* ------------------------------------------------------------------ */
/* pool.c: the thread pool (its jobs for the network are in pool.h)     */

/* --threads is at most this. */
#define SNN_MAX_THREADS 1024

/* snn_parallel (pool.c) splits [0, n) into contiguous parts, in order,
 * at most one per thread of the pool, runs fn(arg, part, lo, hi) for
 * each on the threads, and returns how many parts there were. */
int snn_parallel(int64_t n, int64_t min_part, void (*fn)(void *arg, int part, int64_t lo, int64_t hi), void *arg);

/* ------------------------------------------------------------------ */
/* connect.c: runtime.Connect                                           */

typedef struct snn_csr {
	int64_t *start;  /* nPre + 1 */
	int32_t *post;
	int64_t n;       /* synapses */
	/* Set where a rule listed a row's post neurons out of order (pairs,
	 * a generator) and kept only some of them (keep): the rows kept are
	 * then not a rank's share of the whole rows in order (ranks.c). */
	int unsorted;
} snn_csr;

/* A rule with its arguments (runtime.Rule); pairs flattened. */
typedef struct snn_rule {
	int32_t kind;
	double p;
	int64_t k;
	int autapses;
	const int64_t *pairs;
	int64_t n_pairs;
	/* With keep, only the synapses onto post neurons [keep_lo, keep_hi)
	 * are made: a rank's own (ranks.c). The draws are those of the whole
	 * rule. */
	int keep;
	int64_t keep_lo, keep_hi;
} snn_rule;

/* 0, or 1 with the message in err. */
int snn_connect(uint64_t seed, uint32_t stream, const snn_rule *r, int64_t nPre, int64_t nPost, int same,
	snn_csr *out, char *err, size_t errlen);

/* datafile.c: the data files read at start (snn_data_file). snn_data_dir
 * is --data-dir's directory, or NULL for the paths snnc read. */
extern const char *snn_data_dir;
/* Lists the files, for --help: NAME, the path snnc read, the size. */
void snn_print_data_files(FILE *f);
/* Reads every file that fills a data array (before any kernel runs). */
void snn_load_data_files(void);
/* The CSR of projection n's matrix rule if the executable makes it from a
 * file (1; rows nPre of a (nPost, nPre) matrix), else 0. */
int snn_matrix_csr(int n, int64_t nPre, int64_t nPost, const snn_rule *keep, snn_csr *c);

/* slice.c: runtime's slice.go. Makes the CSR of a rule built between two
 * slices one of the whole sides: nPre rows, empty outside the slice that
 * starts at pre_lo, post indices moved up by post_lo. */
void snn_csr_widen(snn_csr *c, int64_t pre_lo, int64_t rows, int64_t nPre, int64_t post_lo);
/* A copy of n indices less base, to write (free it), or idx where base is 0. */
int32_t *snn_rebased(const int32_t *idx, int64_t n, int32_t base);

/* ------------------------------------------------------------------ */
/* queue.c: runtime.Queue                                               */

typedef struct snn_queue {
	int64_t L;
	snn_vi32 *slots;
	int per_syn;
	int64_t delay;
	const int32_t *syn_delay;
	const int64_t *row_start;
	uint8_t *unordered;
} snn_queue;

void snn_queue_init(snn_queue *q, int64_t delay);
void snn_queue_init_synapse(snn_queue *q, const int32_t *delays, int64_t nsyn, const int64_t *row_start);
void snn_queue_push(snn_queue *q, int64_t n, const int32_t *spikes, int64_t len);
/* The spikes due in step k; valid until the next push. */
const int32_t *snn_queue_deliver(snn_queue *q, int64_t k, int64_t *len);

/* ------------------------------------------------------------------ */
/* input.c: runtime.Poisson and runtime.SpikeTrain                       */

/* runtime.GapCap: the most steps a Poisson gap is drawn as, a constant so
   that the draws do not depend on the run's length (checkpoint and resume). */
#define SNN_GAP_CAP ((uint64_t)1 << 62)
typedef struct snn_pending { int64_t step; int32_t index; } snn_pending;

typedef struct snn_poisson {
	uint64_t seed;
	uint32_t stream;
	int64_t size;
	/* rates of period q: table + min(q, periods-1)*width, width values */
	const double *table;
	int64_t width, periods;
	int64_t period_steps;
	double dt;
	int64_t steps;
	double *logq;
	uint64_t *draws;
	snn_pending *heap;
	int64_t heap_n;
	int32_t *out;
	int64_t out_n;
} snn_poisson;

void snn_poisson_init(snn_poisson *p, uint64_t seed, uint32_t stream, int64_t size, double dt, int64_t steps,
	int64_t period_steps, const double *table, int64_t width, int64_t periods);
const int32_t *snn_poisson_step(snn_poisson *p, int64_t k, int64_t *len);

typedef struct snn_train {
	int64_t *steps;
	int32_t *indices;
	int64_t n, next;
} snn_train;

/* 0, or 1 with the message in err. */
int snn_train_init(snn_train *st, int64_t size, double dt, int64_t steps, const int64_t *indices, const double *times,
	int64_t n, char *err, size_t errlen);
const int32_t *snn_train_step(snn_train *st, int64_t k, int64_t *len);

/* ------------------------------------------------------------------ */
/* output.c: runtime.Write and npy                                      */

typedef struct snn_spike_rec {
	const char *name;
	const char *source; /* the population or input, for messages */
	uint8_t *keep; /* NULL: all */
	snn_vi64 steps;
	snn_vi32 index;
	int32_t base; /* subtracted from the indices written (snn_monitor.base) */
} snn_spike_rec;

typedef struct snn_state_rec {
	const char *name;
	int64_t every;
	int32_t *indices;
	int64_t n_indices;
	int64_t *steps;
	int64_t n_steps;
	double *values; /* n_steps rows of n_indices */
	int32_t base;   /* subtracted from the indices written (snn_monitor.base) */
	/* A monitor of a projection: each recorded synapse's pre and post
	 * neuron (NAME.pre.npy, NAME.post.npy); else NULL. */
	int32_t *pre, *post;
} snn_state_rec;

/* One file of the final state, state/NAME.npy (runtime.FinalArray):
 * count values, float64 (is_f64) or int32, of shape[0] (ndim 1) or
 * shape[0] x shape[1] (ndim 2), which fill(ctx, from, n, out) writes into
 * out n at a time (state.c makes the list). */
typedef struct snn_final {
	char *name; /* POP.VAR, POP.DENDRITE.VAR, PROJ.VAR, PROJ.pre, PROJ.post */
	int ndim, is_f64;
	int64_t shape[2], count;
	void (*fill)(const void *ctx, int64_t from, int64_t n, void *out);
	const void *ctx;
} snn_final;

typedef struct snn_pop_summary {
	const char *name;
	int64_t size, spikes;
	double rate;
} snn_pop_summary;

typedef struct snn_summary {
	const char *model;
	const char *target;
	uint64_t seed;
	double dt, duration;
	int64_t steps;
	int interrupted;    /* a signal ended the run after steps_done steps */
	int64_t steps_done;
	double wall_seconds;
	int n_pops;
	snn_pop_summary *pops;
	int n_syn;
	const char **syn_names;
	int64_t *syn_counts;
	int64_t events;
	int n_files;
	char **files;
	/* The final state (state.c), written into state/. */
	int n_final;
	snn_final *final;
	/* The checkpoint (resume.c), written into state/ after the final
	 * state, or NULL; and the --resume directory of a resumed run (its
	 * summary.json's resumed_from), or NULL. */
	struct snn_ckpt *ckpt;
	const char *resumed_from;
	/* Writes ckpt into dir/state, listing its files (resume.c's
	 * snn_write_checkpoint, passed down: output.c calls nothing above it). */
	int (*write_ckpt)(const char *dir, struct snn_summary *sum);
	/* The run's threads, and its --set values as given by name, sorted
	 * by name (summary.json's "threads" and "set"), and the model's
	 * snnc_version, model_sha256 and monitors (snn_model's; NULL: "",
	 * "" and []). main.c fills them. */
	const char *snnc_version, *model_sha256, *monitors_json;
	int threads;
	int n_set;
	const char **set_names, **set_texts;
} snn_summary;

/* resume.c: checkpoint and resume (runtime/checkpoint.go). The model's
 * fingerprint and IR text as a JSON string (backends/llvm/checkpoint.go). */
extern const char snn_ckpt_fingerprint[], snn_ckpt_ir_json[];
/* Writes sum->ckpt's raw files and checkpoint.json into dir/state, listing
 * them in sum->files; 0, or 1 after printing the error. */
int snn_write_checkpoint(const char *dir, snn_summary *sum);
/* Reads the checkpoint in dir (--resume), its raw arrays and the monitors'
 * recordings, into memory for snn_run; errors exit with status 1. */
void snn_read_checkpoint(const char *dir);
/* input.c: runtime.Poisson.Resume; 0, or 1 for positions not of this run. */
int snn_poisson_resume(snn_poisson *p, int64_t k, const int64_t *draws, const int64_t *next);
/* output.c's writers for resume.c: a 1-D .npy of n values (descr <f8, <i8
 * or <i4; a <f8's NaNs written as runtime.CanonicalNaN) and a text file, each through a temporary file; os.MkdirAll. 0,
 * or 1 after printing the error. */
int snn_write_npy1(const char *path, const char *descr, const void *data, int64_t n);
int snn_write_text(const char *path, const char *text, size_t n);
int snn_mkdir_all(const char *dir);
/* resume.c: the checkpoint's JSON text parts, as output.c writes JSON. */
void snn_json_str(char **b, size_t *n, size_t *cap, const char *s);

/* Removes the files a previous run listed in dir/summary.json, and it
 * (runtime.RemoveStale); 0, or 1 after printing the error. */
int snn_remove_stale(const char *dir);
/* snn_check_out refuses (1, with a message) an output directory snnc did
 * not write, as runtime.CheckOut does. */
int snn_check_out(const char *dir);

/* Writes the recordings and summary.json into dir; 0, or 1 after
 * printing the error. */
int snn_write_outputs(const char *dir, double dt, snn_spike_rec *spikes, int n_spikes, snn_state_rec *states,
	int n_states, snn_summary *sum);

/* ------------------------------------------------------------------ */
/* step.c and vars.c: a run (interp's sim) and what --set may name     */

typedef struct snn_options {
	double duration;   /* > 0: replaces the model's */
	int has_seed;
	uint64_t seed;
	int n_set;
	const char **set_names; /* sorted by name */
	double *set_values;
	int threads;
	/* progress(done, steps) draws the progress on stderr (main.c), or
	 * NULL: called every 1024 steps, and at the end. */
	void (*progress)(int64_t done, int64_t steps);
	/* --checkpoint=off: no checkpoint (resume.c); --resume DIR, or NULL. */
	int no_checkpoint;
	const char *resume;
} snn_options;

/* The signal (SIGINT, SIGTERM) that asked the run to end, or 0: defined
 * by the step loop (step.c), which reads it before every step; main.c's
 * handler sets it. */
extern volatile sig_atomic_t snn_stop_signal;

/* Runs the model: builds, steps, and fills the recordings and the
 * summary. Errors exit with status 1. */
void snn_run(const snn_model *m, const snn_options *o, snn_spike_rec **spikes, int *n_spikes,
	snn_state_rec **states, int *n_states, snn_summary *sum);

/* The runtime parameters --set may name, sorted, with their variables. */
int snn_settables(const snn_model *m, const char ***names, const snn_var ***vs);

/* ------------------------------------------------------------------ */
/* quantity.c: lang.ParseQuantity, for main.c                           */

/* snn_parse_quantity: 0 with the value in SI units and its dimension, or
 * 1 with the message. */
int snn_parse_quantity(const char *s, double *x, int8_t *dim, char *err, size_t errlen);
extern const int8_t snn_dim_time[6];
int snn_dim_eq(const int8_t *a, const int8_t *b);
/* Dim.Describe: "voltage (V)" (in a static buffer). */
const char *snn_dim_describe(const int8_t *d);
/* strings.TrimSpace (ASCII space), into a new string. */
char *snn_trim(const char *s, size_t n);

#endif
