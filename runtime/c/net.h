/*
 * net.h: the network a run builds and steps (interp's sim), shared by the
 * files that build it (vars.c, build.c, synapses.c, memory.c, monitor.c)
 * and the step loop (step.c): each population's, input's, projection's
 * and monitor's state, and net (snn_net), the one place that holds them
 * all.
 *
 * The files form layers, each calling only files below it (`nm -u` on
 * their objects shows no circle):
 *   main.c               the command line; quantity.c reads its values with units
 *   step.c               snn_run: build, the step loop, delivery, the summary
 *   build.c              the network: populations, inputs, initial values, items
 *   synapses.c           projections: rows, pruning, cuts, segments, delays
 *   connect_expr.c       rows of conditions, probability expressions and
 *                        generators, by the connect.* kernels (runtime.ConnectPairs)
 *   state.c              the final state, for output.c
 *   resume.c             the checkpoint, for output.c, and --resume
 *   ranks.c              a run over MPI ranks: blocks, kept synapses, the
 *                        spikes of a window, what rank 0 gathers
 *   monitor.c, memory.c  the recordings; the memory estimate
 *   vars.c               the variables, --set, and net itself
 *   connect.c, queue.c, input.c, output.c   runtime.Connect, Queue, Poisson
 *                        and SpikeTrain, Write; slice.c, a slice's rows
 *                        and a subgroup's indices (runtime/slice.go);
 *                        datafile.c, the data files read at start
 *   pool.c               the thread pool and its jobs
 *   util.c, rng.c, fixed.c, mathfn.c
 *   mpi.c                the ranks (MPI in an --mpi build), the leaf
 */
#ifndef SNN_NET_H
#define SNN_NET_H

#include <math.h>
#include <stdint.h>

#include "pool.h"
#include "rt.h"

typedef struct dend_rt {
	const snn_dendrite *d;
	int64_t count; /* segments per neuron: count for an array, else 1 */
	int64_t n;     /* elements: size * count */
	double *thr;
	int64_t *fired;
	int64_t n_fired;
} dend_rt;

typedef struct pop_rt {
	const snn_population *p;
	int64_t n;
	/* The neurons [lo, hi) this rank updates (ranks.c): all of them in
	 * a run of one rank, and for a global. */
	int64_t lo, hi;
	int64_t *ref;
	double *thr;
	int64_t *fired; /* the threshold's elements, before the copy into spikes */
	int in_batch;        /* it has a step kernel, which par_pops runs */
	int pieces;          /* pieces_of its size: par_pops divides in them */
	/* In the batch: what population job h finds, in buffer h % 2 (the
	 * threads of a chain read the last job's while they write this
	 * one's): each piece's spikes, listed from the piece's start, and
	 * how many. */
	int64_t *pfired[2], *pcounts[2];
	int *in, n_in;       /* the projections onto it (a group: onto its members) that split delivery runs */
	int *members, n_members; /* a group's populations (snn_population.in_group) */
	dend_rt *dends;
	int n_out;
	int *out; /* projections from this population */
	/* What the main thread writes every step, on cache lines of its own:
	 * the other threads read the fields above in every population job. */
	_Alignas(64) int32_t *spikes, *prev;
	int64_t n_spikes, n_prev;
	int64_t count;
	int64_t n_fused; /* how many spikes the step kernel found in step 5 */
} pop_rt;

typedef struct input_rt {
	const snn_input *in;
	int is_poisson;
	snn_poisson poisson;
	snn_train train;
	double *rates; /* a rate kernel's results */
	int32_t *spikes, *prev;
	int64_t n_spikes, n_prev;
	int64_t count;
	int n_out;
	int *out;
} input_rt;

typedef struct proj_rt {
	const snn_projection *pr;
	snn_csr csr;
	int32_t *pre, *js;
	int64_t nsyn;
	int32_t *syn_delay;
	snn_queue q;
	int64_t *bp_start;
	int32_t *bp_syn;
	int64_t n_post;
	int32_t *cut; /* split: per row, the synapse where each piece of the post population begins */
	int pieces;   /* of the post population (its group's), with cut */
	/* With cut, the pieces that hold post neurons: [first_piece,
	 * end_piece), all of them unless the post population is a group's
	 * member. */
	int first_piece, end_piece;
	/* In a chain: the batch population whose pieces hold the spikes of
	 * the pre neurons, from src_lo on. */
	int src;
	int64_t src_lo;
	/* Delivery may be split among threads by post neuron: on_pre allows
	 * it, there are threads, and every row is sorted by post neuron. */
	int split;
	/* The arrays a delivery reads along a row, the post indices and the
	 * synapses' own variables: their addresses and element sizes, for
	 * prefetch_row. */
	int n_row_arr;
	const char *row_arr[4];
	int row_size[4];
	/* This step's deliveries (snn_queue_deliver), which the main thread
	 * writes every step, on a line of its own: in a chain the other
	 * threads read the fields above meanwhile. */
	_Alignas(64) const int32_t *due;
	int64_t n_due;
	/* Its pathways' queues and per-synapse delays in steps (or NULL),
	 * one of each per pathway (pathway.c). */
	snn_queue *path_q;
	int32_t **path_delay;
	int64_t *key; /* ctx.key's: with needs_key */
} proj_rt;

typedef struct current_rt {
	const snn_current *c;
	int64_t n;
} current_rt;

/* Where each variable lives. */
enum { OWN_TOP, OWN_POP, OWN_DEND, OWN_PROJ };
typedef struct var_rt {
	const snn_var *v;
	int owner, pop, dend, proj;
	int64_t len;   /* elements of its array, or 0 for one value */
	int driven;    /* a parameter a current sets: per neuron */
} var_rt;

enum { MON_ARR, MON_CONST, MON_TRACE, MON_KERNEL };
typedef struct state_mon {
	const snn_monitor *mon;
	snn_state_rec *rec;
	int kind;
	const double *arr;
	double val;
	const double *tlast;
	double tau;
	const double *tau_arr; /* a trace's time constant per synapse, or NULL */
	snn_kernel k;
	int frac; /* a fixed-point variable's fraction bits (its raw values are recorded as reals), or -1 */
	const char *what; /* target.variable, for the warning of a value that is not finite */
	int warned;
	/* The elements this rank samples: its own neurons' (ranks.c); rank
	 * 0 gathers the others' after the run. */
	int64_t own_lo, own_hi;
} state_mon;

/* snn_records says whether monitor mon records in step k: always, or in
 * its window of steps [from, to) (ir.Monitor.Records). */
static inline int snn_records(const snn_monitor *mon, int64_t k)
{
	return (mon->from == 0 && mon->to == 0) || (k >= mon->from && k < mon->to);
}

typedef struct spike_mon {
	const snn_monitor *mon;
	snn_spike_rec *rec;
	int32_t **spikes; /* the population's or input's spikes of this step */
	int64_t *n;
} spike_mon;

/* The populations' pieces, in order: the items of a population job
 * (pool.h), each thread a contiguous run of them. */
typedef struct pop_item {
	int p, j;
} pop_item;

/* A list per thread, on lines of its own. */
typedef struct thread_list {
	_Alignas(64) snn_vi32 v;
} thread_list;

/* The network of a run: what build makes and the step loop runs. */
typedef struct snn_net {
	const snn_model *model;
	const snn_options *opt;
	double dt;
	int64_t steps;
	int64_t first; /* the first step run: 0, or a resumed checkpoint's K */
	uint64_t seed;
	var_rt *vars; /* by snn_var.id */
	pop_rt *pops;
	input_rt *inputs;
	proj_rt *projs;
	current_rt *curs;
	spike_mon *spike_mons;
	state_mon *state_mons;
	snn_spike_rec *spike_recs;
	snn_state_rec *state_recs;
	int n_spike_mons, n_state_mons;
	/* Population jobs: the items, and thread t's first part, items
	 * [bound[t], bound[t+1]), which the pool then moves (rebalance). */
	pop_item *items;
	int n_items;
	int *bound;
	int pops_shared; /* whether the threads share them, or the main thread runs them */
	/* The populations with a step kernel (the fuse pass's update,
	 * threshold and reset in one): one dispatch per step runs them all
	 * (par_pops). */
	int *batch, n_batch;
	/* Steps 3 to 5 have nothing to do before the batch's updates (no
	 * on_post, no on_spike, no global or synapse updates, every
	 * population in the batch), so a step may deliver and update in one
	 * dispatch. */
	int step_fusable;
	/* Whether fused steps may run in chains: every projection that
	 * delivers takes its spikes from a population in the batch with no
	 * delay, and a fused step starts no other job (chain_due: per
	 * thread, the spikes due onto a projection in a chain's step). */
	int chainable;
	thread_list *chain_due;
	/* The kernels' context. The main thread writes ctx.step and ctx.t
	 * every step; ctx_fixed holds ctx's fields that do not change while
	 * the network runs, apart, on lines of their own: the other threads
	 * read them in every population job (step_ctx). */
	_Alignas(64) snn_ctx ctx;
	_Alignas(64) snn_ctx ctx_fixed;
	/* Whether a projection has pathways: delivery then runs on the main
	 * thread, projection by projection, on_pre then the pathways, as
	 * the interpreter's (pathway.c). */
	int has_paths;
} snn_net;

extern snn_net net;

/* build.c: builds net (snn_run's first half). */
void snn_build(void);

/* vars.c */
void snn_index_vars(void);
/* An array of n values (at least one), zero, on cache lines. */
double *snn_alloc_vals(int64_t n);
/* Whether variable id is a uniform parameter: one value. */
int snn_is_uniform(int id);
/* newCells: variable id's values, for n elements of count segments. */
void snn_new_cell(int id, int64_t n, int64_t count);
/* The id of the variable of vs called name, or -1. */
int snn_find_var(snn_vars vs, const char *name);
/* --set, applied to the uniform parameters (interp's set). */
void snn_apply_set(void);
/* "a.b", allocated. */
char *snn_dotted(const char *a, const char *b);

/* whole says whether x is an index in [0, n), and gives it in *out. */
static inline int snn_whole(double x, int64_t n, int64_t *out)
{
	if (x != trunc(x) || x < 0 || x >= (double)n)
		return 0;
	*out = (int64_t)x;
	return 1;
}

/* state.c: the final state after steps_done steps, into sum->final. */
void snn_final_state(snn_summary *sum, int64_t steps_done);

/* resume.c: the checkpoint after steps_done steps, into sum->ckpt, with
 * the synaptic events so far. */
void snn_checkpoint_state(snn_summary *sum, int64_t steps_done, int64_t events);
/* resume.c: a resumed run's checks before build (the checkpoint's step K,
 * or 0 without --resume; *seed its seed), its state put back after build
 * (*events the synaptic events so far), and its --resume directory or
 * NULL. */
int64_t snn_resume_check(const snn_model *m, const snn_options *o, uint64_t *seed);
void snn_resume_state(int64_t *events);
const char *snn_resumed_from(void);

/* summed.c: step 4a, the summed variables. */
void snn_summed_step(void);

/* synapses.c */
void snn_build_projection(int n);

/* connect_expr.c: runtime.ConnectPairs for projection q, its rule's sides
 * of nPre and nPost neurons starting at pre_lo and post_lo; fails with the
 * message of the lowest row that fails. */
void snn_connect_pairs(int q, const snn_rule *r, int64_t nPre, int64_t nPost, int same, int64_t pre_lo, int64_t post_lo,
	snn_csr *c);

/* reduce.c: every reduction of the model, into its global's state. */
void snn_reduce(void);

/* monitor.c */
void snn_build_monitors(void);
void snn_sample(state_mon *sm, int64_t k);
/* A projection's recording: its synapses' pre and post neurons. */
void snn_synapse_neurons(snn_state_rec *r, const proj_rt *ps);
/* The spikes s[0..n) of step k into spike monitor sm's recording. */
void snn_record_spikes(spike_mon *sm, int64_t k, const int32_t *s, int64_t n);

/* ranks.c: a run over MPI ranks (spec/native.md): each rank's neurons,
 * the synapses it makes (those onto them), the spikes exchanged once per
 * window of steps, and what rank 0 gathers for the outputs. With one
 * rank each is nothing, or the whole. */
void snn_partition(void);
/* keep in rule r: projection q's post neurons of this rank, as indices
 * of its rule's post side of rule_post neurons. */
void snn_keep_rule(int q, int64_t rule_post, snn_rule *r);
/* Keeps the synapses of c's nPre rows onto post neurons [lo, hi), in
 * order, and sets c->unsorted where a row was out of order. */
void snn_csr_keep(snn_csr *c, int64_t nPre, int64_t lo, int64_t hi);
void snn_ranks_start(void);
void snn_ranks_record(int p, const int32_t *spikes, int64_t n);
/* After step k's spikes; stop: a signal asked this rank to end the run. */
void snn_ranks_step_end(int64_t k, int stop);
/* Completes the window's gather and hands its spikes on; whether a rank
 * asked to stop (the run then ends here). */
int snn_ranks_sync(void);
void snn_ranks_gather(int64_t *events, int64_t steps_done);
/* Step 4a's: the population variables a summed variable or a reduction
 * reads, each rank's block to every rank. */
void snn_ranks_share_step(void);
/* Each of projection q's synapses on this rank: its index in the whole
 * projection (ctx.key; a collective). */
int64_t *snn_ranks_keys(int q);

/* memory.c: interp's memory.go. */
void snn_check_memory(void);
void snn_reserve_ring(int64_t max_steps, double d, int per_syn);
void snn_paths_build(proj_rt *ps);
void snn_paths_push(proj_rt *ps, int64_t k, const int32_t *spikes, int64_t len);
int64_t snn_paths_deliver(proj_rt *ps, int64_t k);
void snn_grow_spikes(snn_spike_rec *r, int64_t need, int64_t k);

/* snn_reserve_spikes: before a spike recording grows to hold need spikes,
 * the doubling (or as much as is left) is counted (interp's
 * Spikes.Record). */
static inline void snn_reserve_spikes(snn_spike_rec *r, int64_t need, int64_t k)
{
	if (need <= r->steps.cap)
		return;
	snn_grow_spikes(r, need, k);
}

#endif
