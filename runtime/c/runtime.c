/*
 * runtime.c: the network and its steps, as backends/interp builds and runs
 * them (sim.go, step.go, memory.go): the variables, --set, the initial
 * values, inputs, connectivity, delays, checks, monitors, and the loop in
 * the order of spec/language.md section 6. The element-wise kernels run
 * split into contiguous chunks on a pool of threads; everything with
 * effects across elements runs on the main thread in the reference order,
 * so the output is the same at any number of threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

/* ------------------------------------------------------------------ */
/* The state of a run (interp's sim).                                   */

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
} state_mon;

typedef struct spike_mon {
	snn_spike_rec *rec;
	int32_t **spikes; /* the population's or input's spikes of this step */
	int64_t *n;
} spike_mon;

static const snn_model *M;
static const snn_options *O;
static snn_ctx ctx;
/* ctx's fields that do not change while the network runs, apart: the
 * main thread writes ctx.step and ctx.t every step, and the other
 * threads read these in every population job (step_ctx). */
static _Alignas(64) snn_ctx ctx_fixed;
static double dt;
static int64_t steps;
static uint64_t seed;
static var_rt *vars;
static pop_rt *pops;
static input_rt *inputs;
static proj_rt *projs;
static current_rt *curs;
static spike_mon *spike_mons;
static state_mon *state_mons;
static snn_spike_rec *spike_recs;
static snn_state_rec *state_recs;
static int n_spike_mons, n_state_mons;

/* Population jobs (par_pops): the pieces of every population's neurons,
 * in order, each thread a contiguous run of them. */
typedef struct pop_item {
	int p, j;
} pop_item;
static pop_item *pop_items;
static int n_pop_items;
static int *pop_bound; /* thread t's part: pop_items [pop_bound[t], pop_bound[t+1]) */
static int pops_shared; /* whether the threads share them, or the main thread runs them */
/* What pop_part does in this job. */
static int work_deliver, work_update;
/* The populations with a step kernel (the fuse pass's update, threshold
 * and reset in one): one dispatch per step runs them all (par_pops). */
static int *batch, n_batch;
/* Steps 3 to 5 have nothing to do before the batch's updates (no on_post,
 * no on_spike, no global or synapse updates, every population in the
 * batch), so a step may deliver and update in one dispatch. */
static int step_fusable;

/* ------------------------------------------------------------------ */
/* The worker pool.
 *
 * A parallel job gives each thread a contiguous part of the elements: a
 * chunk of a kernel's elements, or, for the populations' updates (and
 * the delivery onto them), a run of the populations' pieces. A thread
 * keeps its part from step to step, so that its share of the state stays
 * in its own cache; the runtime moves a piece from a thread that takes
 * longer to its neighbour now and then (rebalance), which evens out
 * populations whose neurons cost more and a core the machine gives less.
 * No element's result depends on the thread that computes it, and what
 * the parts list is joined in element order: the output is the same at
 * any number of threads and any division. */

static int nthreads = 1;
static int64_t min_chunk = 2048;
/* A delivery with fewer events runs on one thread (split_delivery). */
static int64_t split_events = 1024;
/* A population has at most this many pieces per thread, of at least
 * min_chunk / 2 neurons: the unit in which rebalance moves work. Each row
 * of a projection that delivers split keeps where each piece begins in it
 * (proj_rt.cut). Finer pieces (64 in all at two threads) made CUBA at
 * 40 000 neurons slower at two threads, not faster. */
enum { PIECES_PER_THREAD = 8 };
/* rebalance looks at the threads' times every balance_jobs jobs. */
static int64_t balance_jobs = 128;
static pthread_t *workers;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_job = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
/* Each on a cache line of its own: the workers spin on them while the
 * main thread writes the network's state. */
/* pool_gen is the job's number << 32 (kernel jobs and population jobs
 * are numbered apart); for a population job, bit 0 is set and bits 1 to
 * 31 hold the length of its chain (pop_job). */
static _Alignas(64) atomic_uint_fast64_t pool_gen;
static _Alignas(64) atomic_int pool_pending;
static _Alignas(64) atomic_int pool_sleepers;
static _Alignas(64) atomic_int main_sleeping;
/* Threads asleep in a chain, waiting for the parts of the job before. */
static _Alignas(64) atomic_int chain_sleepers;
/* What the main thread alone writes in every step, on cache lines of its
 * own: the other threads read the variables around it in every job. */
typedef struct main_only {
	_Alignas(64) uint_fast64_t jobs_issued; /* kernel jobs given to the pool */
	uint_fast64_t pop_issued;                /* population jobs numbered (parts[].claimed and done) */
	int64_t pop_jobs;                        /* population jobs run (rebalance) */
	int64_t events;                          /* synapses run outside population jobs */
	int64_t chain_left;                      /* population jobs left in the chain (pop_job) */
	int64_t chained;                         /* population jobs run as a chain's second or later */
	double last_done;                        /* when the last population job was done */
} main_only;
static main_only mo;
/* Per part, each on a cache line of its own: the time it took in each
 * population job since the last rebalance (n of them, in times, an array
 * of balance_jobs on lines of its own), and the synapses it ran in all. */
typedef struct part_stat {
	_Alignas(64) double *times;
	int64_t n;
	int64_t events;
	double median; /* of times, at the last rebalance */
} part_stat;
static part_stat *stats;
/* A population job is one part per thread (pop_bound), and a part is run
 * by the thread that claims it: its own, or, when that one has not begun
 * it by the time another is done with its own part, that other. A thread
 * the system stops for a while (a virtual machine's processor taken for
 * another) then does not stop every step; which thread runs a part never
 * changes its results. Per part, each on a cache line of its own: the
 * number of the last population job it was claimed in, and done in (the
 * main thread reads done while it waits; a thread's claim then finds its
 * line still in its own cache). The main thread waits for the parts, not
 * for the threads, and a thread that comes late to a job finds its parts
 * claimed. */
typedef struct part_ctl {
	_Alignas(64) atomic_uint claimed;
	_Alignas(64) atomic_uint done;
} part_ctl;
static part_ctl *parts;
/* The parts the main thread ran in the last population job for their
 * threads, which had not come (the main thread's alone). */
static int *absent;
/* The chain of population jobs being run (pop_job): its first job's
 * number and step. */
static _Alignas(64) struct {
	unsigned h0;
	int64_t k0;
} chain;
/* Whether fused steps may run in chains: every projection that delivers
 * takes its spikes from a population in the batch with no delay, and a
 * fused step starts no other job (chain_due: per thread, the spikes due
 * onto a projection in a chain's step). */
static int chainable;
typedef struct thread_list {
	_Alignas(64) snn_vi32 v;
} thread_list;
static thread_list *chain_due;
static int late_workers;
enum { TAKE_OVER = 4 };
/* The part a thread runs in a population job, and the job, or -1. */
static _Thread_local int my_part = -1;
static _Thread_local unsigned my_job;
static _Alignas(64) struct {
	void (*fn)(int thread);
	/* A kernel job (kernel_part): k over n elements in chunks, one per
	 * thread while they last. With idx, each chunk also lists its
	 * elements whose result is not 0 (and, with ref, that are not
	 * refractory in step kstep) in idx[lo...], counts[chunk] of them. */
	int chunks;
	snn_kernel k;
	int64_t n;
	double *out;
	int64_t *idx;
	const int64_t *ref;
	int64_t kstep;
	int64_t *counts;
} job;
/* Who runs what: the thread (0 is the main thread) and the first
 * element's chunk or piece of the part it is running. */
static _Thread_local int my_thread;
static _Thread_local int my_item;
/* A kernel's error in a parallel job: the lowest part's is reported, of
 * the first job that has one (fail_job: the population job's number, 0
 * for a kernel job). In a chain, a thread may fail in the next job
 * before the main thread has looked at this one. */
static atomic_int fail_item = -1;
static unsigned fail_job;
static char fail_msg[512];

/* A waiting thread spins spin times (a few milliseconds), relaxing the
 * core each time, before it sleeps: a step's sequential parts last tens
 * of microseconds, and a sched_yield or a futex wake-up per step costs
 * more than that in a virtual machine. With more threads than the
 * machine has processors, a spinning thread holds a processor that a
 * thread with work needs: then it sleeps almost at once. */
static int spin = 20000;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* reset_spikes runs reset and then refractory for each spiking neuron, in
 * order. */
static void reset_spikes(const snn_population *pop, int64_t *ref, const int64_t *spikes, int64_t n, int64_t k)
{
	for (int64_t x = 0; x < n; x++) {
		int64_t i = spikes[x];
		if (pop->reset)
			pop->reset(&ctx, i, i + 1, NULL);
		if (pop->refractory) {
			/* refractory in the steps m > k with m - k < round(P / dt) */
			double P = 0;
			pop->refractory(&ctx, i, i + 1, &P);
			double st = round(P / dt);
			if (st > 1)
				ref[i] = k + (int64_t)(st < 1099511627776.0 ? st : 1099511627776.0);
		}
	}
}

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hits reads result bytes as little-endian words"
#endif

static inline uint64_t word(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* hits lists, from idx[m] on, the elements of [lo, hi) whose result byte
 * is not 0 (and, with ref, that are not refractory in step kstep), a
 * word of eight bytes at a time, and returns the new m. */
static inline int64_t hits(const uint8_t *out, int64_t lo, int64_t hi, int64_t *idx, int64_t m, const int64_t *ref,
			   int64_t kstep)
{
	for (int64_t el = lo; el < hi; el += 8) {
		uint64_t w = 0;
		memcpy(&w, &out[el], (size_t)(hi - el < 8 ? hi - el : 8));
		while (w) {
			/* the first byte not 0 (a little-endian word) */
			int b = __builtin_ctzll(w) / 8;
			w &= ~(UINT64_C(0xFF) << (8 * b));
			if (!ref || kstep >= ref[el + b])
				idx[m++] = el + b;
		}
	}
	return m;
}

/* collect runs a threshold kernel (or a step kernel) in context c over
 * elements [lo, hi), lists in all[lo...] the elements whose result is 1
 * and, with ref, that are not refractory in step kstep, and returns how
 * many. */
static int64_t collect(snn_ctx *c, snn_kernel k, int64_t lo, int64_t hi, double *results, int64_t *all,
		       const int64_t *ref, int64_t kstep)
{
	/* A threshold: one byte per element (snnrt.h). */
	const uint8_t *out = (const uint8_t *)results;
	if (lo < hi)
		k(c, lo, hi, (double *)(void *)((uint8_t *)results + lo));
	/* Few neurons spike in a step: 64 results at a time are tested at
	 * once, and only where one is not 0 are they looked at. */
	int64_t m = 0, el = lo, *idx = all + lo;
	for (; el + 64 <= hi; el += 64) {
		const uint8_t *p = &out[el];
		if (word(p) | word(p + 8) | word(p + 16) | word(p + 24) | word(p + 32) | word(p + 40) | word(p + 48) |
			word(p + 56))
			m = hits(out, el, el + 64, idx, m, ref, kstep);
	}
	return hits(out, el, hi, idx, m, ref, kstep);
}

/* parts_done says whether every part of population job h is done: in it
 * or, as a chain goes on without the main thread, in a later one. */
static int parts_done(unsigned h)
{
	for (int u = 0; u < nthreads; u++)
		if ((int)(atomic_load(&parts[u].done) - h) < 0)
			return 0;
	return 1;
}

static void part_done(void)
{
	if (atomic_fetch_sub(&pool_pending, 1) == 1 && atomic_load(&main_sleeping)) {
		pthread_mutex_lock(&pool_mu);
		pthread_cond_signal(&pool_done);
		pthread_mutex_unlock(&pool_mu);
	}
}

static void run_pop_job(int t, unsigned h0, unsigned len);

/* await is how a worker waits, until ready(x): it spins a few
 * milliseconds, then sleeps on pool_job, counted in sleepers (whoever
 * makes it ready wakes the sleepers). */
static void await(int (*ready)(uint_fast64_t x), uint_fast64_t x, atomic_int *sleepers)
{
	for (int spins = 0; !ready(x);) {
		if (++spins < spin) {
			cpu_relax();
			continue;
		}
		pthread_mutex_lock(&pool_mu);
		atomic_fetch_add(sleepers, 1);
		while (!ready(x))
			pthread_cond_wait(&pool_job, &pool_mu);
		atomic_fetch_sub(sleepers, 1);
		pthread_mutex_unlock(&pool_mu);
	}
}

static int new_job(uint_fast64_t seen)
{
	return atomic_load(&pool_gen) != seen;
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint_fast64_t seen = 0;
	my_thread = id;
	for (;;) {
		await(new_job, seen, &pool_sleepers);
		uint_fast64_t g = atomic_load(&pool_gen);
		seen = g;
		if (g & 1) {
			run_pop_job(id, (unsigned)(g >> 32), (unsigned)(g >> 1) & 0x7FFFFFFF);
			continue;
		}
		/* Every worker acknowledges every other job, so none can lag
		 * behind and read the fields of the next job as this one's. */
		job.fn(id);
		part_done();
	}
	return NULL;
}

static void pool_start(int n)
{
	nthreads = n;
	const char *mc = getenv("SNNRT_MIN_CHUNK"); /* for tests: split even small kernels */
	if (mc && atoll(mc) > 0)
		min_chunk = atoll(mc);
	const char *se = getenv("SNNRT_SPLIT_EVENTS"); /* for tests: split every delivery */
	if (se && atoll(se) > 0)
		split_events = atoll(se);
	late_workers = getenv("SNNRT_LATE_WORKERS") != NULL; /* for tests: the main thread runs others' parts */
	const char *bj = getenv("SNNRT_BALANCE_JOBS"); /* for tests: move the parts' boundaries often */
	if (bj && atoll(bj) > 0)
		balance_jobs = atoll(bj);
	job.counts = snn_xcalloc((size_t)n, sizeof(int64_t));
	stats = snn_xcalloc_lines((size_t)n, sizeof(part_stat));
	for (int t = 0; t < n; t++)
		stats[t].times = snn_xcalloc_lines((size_t)balance_jobs, sizeof(double));
	parts = snn_xcalloc_lines((size_t)n, sizeof(part_ctl));
	absent = snn_xcalloc((size_t)n, sizeof(int));
	if (n <= 1)
		return;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus > 0 && n > cpus)
		spin = 50;
	workers = snn_xcalloc((size_t)n, sizeof(pthread_t));
	for (int i = 1; i < n; i++)
		if (pthread_create(&workers[i], NULL, worker, (void *)(intptr_t)i) != 0) {
			fprintf(stderr, "%s: cannot start a thread\n", snn_prog);
			exit(1);
		}
}

/* chunks_of is how many chunks par_run splits n elements into. */
static int chunks_of(int64_t n)
{
	int64_t chunks = nthreads;
	if (n / min_chunk < chunks)
		chunks = n / min_chunk;
	return chunks < 1 ? 1 : (int)chunks;
}

/* pieces_of is how many pieces a population of n neurons has at threads
 * threads. */
static int pieces_of(int64_t n, int threads)
{
	if (threads <= 1)
		return 1;
	int64_t pieces = n / (min_chunk > 1 ? min_chunk / 2 : 1), most = (int64_t)threads * PIECES_PER_THREAD;
	if (pieces > most)
		pieces = most;
	return pieces < 1 ? 1 : (int)pieces;
}

/* piece_start is where chunk or piece c of n elements in pieces begins:
 * an equal share rounded down to a multiple of 8 elements. The arrays
 * begin on cache lines (alloc_vals), and so does each piece's share of
 * them: a thread's vector loads and stores then never straddle two lines
 * (a split line costs two accesses; CUBA 40 000's update took about 20%
 * longer with arrays 16 bytes off a line). A piece may be empty. */
static int64_t piece_start(int64_t n, int pieces, int c)
{
	return c >= pieces ? n : n * c / pieces & ~(int64_t)7;
}

static int acknowledged(unsigned h)
{
	(void)h;
	return atomic_load(&pool_pending) == 0;
}

static int run_part(int u, unsigned h, double ready);

/* fail_now reports the error of the job that failed (on the main
 * thread). */
static void fail_now(void)
{
	char msg[sizeof fail_msg];
	pthread_mutex_lock(&pool_mu);
	memcpy(msg, fail_msg, sizeof msg);
	pthread_mutex_unlock(&pool_mu);
	snn_err_ctx[0] = 0;
	snn_fail("%s", msg);
}

/* finish waits for the main thread's job: it spins a few milliseconds,
 * then sleeps, until done(h); from the time late on (if not 0) it runs
 * the parts of population job h not yet begun. Then it reports the error
 * of the job's first failing element. */
static void finish(int (*done)(unsigned h), unsigned h, double late)
{
	int spins = 0;
	while (!done(h)) {
		if (late > 0 && spins % 16 == 0 && snn_now_seconds() > late) {
			for (int u = 1; u < nthreads; u++)
				if (run_part(u, h, 0))
					absent[u] = 1;
			late = 0;
		}
		if (++spins < spin) {
			cpu_relax();
			continue;
		}
		pthread_mutex_lock(&pool_mu);
		atomic_store(&main_sleeping, 1);
		while (!done(h))
			pthread_cond_wait(&pool_done, &pool_mu);
		atomic_store(&main_sleeping, 0);
		pthread_mutex_unlock(&pool_mu);
	}
	if (atomic_load(&fail_item) >= 0) {
		pthread_mutex_lock(&pool_mu);
		int failed = fail_job == h;
		pthread_mutex_unlock(&pool_mu);
		if (failed)
			fail_now();
	}
}

/* dispatch runs fn(t) for every thread t of the pool, the calling thread
 * taking 0, and returns when all are done. */
static void dispatch(void (*fn)(int thread))
{
	job.fn = fn;
	if (nthreads <= 1) {
		fn(0);
		return;
	}
	atomic_store(&pool_pending, nthreads - 1);
	atomic_store(&pool_gen, (uint_fast64_t)++mo.jobs_issued << 32);
	if (atomic_load(&pool_sleepers) > 0) {
		pthread_mutex_lock(&pool_mu);
		pthread_cond_broadcast(&pool_job);
		pthread_mutex_unlock(&pool_mu);
	}
	fn(0);
	finish(acknowledged, 0, 0);
}

static void kernel_part(int c)
{
	if (c >= job.chunks)
		return;
	int64_t lo = piece_start(job.n, job.chunks, c), hi = piece_start(job.n, job.chunks, c + 1);
	my_item = c;
	if (job.idx)
		job.counts[c] = collect(&ctx, job.k, lo, hi, job.out, job.idx, job.ref, job.kstep);
	else if (lo < hi)
		job.k(&ctx, lo, hi, job.out ? job.out + lo : NULL);
}

/* par_run runs a range kernel over elements [0, n) in chunks (chunks_of);
 * out, if not NULL, gets element el's result in out[el]. With idx, as
 * job says. */
static void par_run(snn_kernel k, int64_t n, double *out, int64_t *idx, const int64_t *ref, int64_t kstep)
{
	job.k = k;
	job.n = n;
	job.out = out;
	job.idx = idx;
	job.ref = ref;
	job.kstep = kstep;
	job.chunks = chunks_of(n);
	if (job.chunks == 1)
		kernel_part(0);
	else
		dispatch(kernel_part);
}

static struct {
	void (*fn)(void *arg, int part, int64_t lo, int64_t hi);
	void *arg;
	int64_t n;
	int parts;
} pjob;

static void parallel_part(int t)
{
	if (t < pjob.parts)
		pjob.fn(pjob.arg, t, pjob.n * t / pjob.parts, pjob.n * (t + 1) / pjob.parts);
}

int snn_parallel(int64_t n, int64_t min_part, void (*fn)(void *arg, int part, int64_t lo, int64_t hi), void *arg)
{
	if (min_part > min_chunk)
		min_part = min_chunk; /* SNNRT_MIN_CHUNK, for tests */
	int64_t parts = min_part > 0 ? n / min_part : n;
	if (parts > nthreads)
		parts = nthreads;
	if (parts < 1)
		parts = 1;
	pjob.fn = fn;
	pjob.arg = arg;
	pjob.n = n;
	pjob.parts = (int)parts;
	if (parts == 1)
		parallel_part(0);
	else
		dispatch(parallel_part);
	return (int)parts;
}

static void par(snn_kernel k, int64_t n, double *out)
{
	if (n <= 0 || k == NULL)
		return;
	par_run(k, n, out, NULL, NULL, 0);
}

/* join_pieces moves the lists each of the pieces of n elements wrote at
 * its own start in idx (counts[c] entries each) together, and returns
 * the total. */
static int64_t join_pieces(int64_t *idx, const int64_t *counts, int64_t n, int pieces)
{
	int64_t total = 0;
	for (int c = 0; c < pieces; c++) {
		int64_t lo = piece_start(n, pieces, c);
		if (lo != total)
			memmove(idx + total, idx + lo, (size_t)counts[c] * sizeof(int64_t));
		total += counts[c];
	}
	return total;
}

/* par_collect runs a threshold kernel as par does and lists, in
 * increasing order, the elements whose result is not 0 and, with ref,
 * that are not refractory in step kstep (k >= ref[el]); it returns how
 * many. */
static int64_t par_collect(snn_kernel k, int64_t n, double *out, int64_t *idx, const int64_t *ref, int64_t kstep)
{
	if (n <= 0)
		return 0;
	par_run(k, n, out, idx, ref, kstep);
	return join_pieces(idx, job.counts, n, job.chunks);
}

/* snn_fail_segment is what a kernel's loadseg calls for a segment out of
 * range: a run error, as interp reports it. In a parallel job the error
 * waits for the parts before it, so the first element's error is the one
 * reported at any number of threads. */
void snn_fail_segment(double segment, int64_t count, const char *variable)
{
	char g[64], msg[512];
	snprintf(msg, sizeof msg, "segment %s of %s is out of range [0, %lld)", snn_gfmt_to(g, segment), variable,
		(long long)count);
	unsigned job = my_part >= 0 ? my_job : 0;
	pthread_mutex_lock(&pool_mu);
	if (fail_item < 0 || (job == fail_job && my_item < fail_item)) {
		fail_item = my_item;
		fail_job = job;
		snprintf(fail_msg, sizeof fail_msg, "%s", msg);
	}
	pthread_mutex_unlock(&pool_mu);
	if (my_part >= 0) {
		/* In a population job: the part counts as done; the main
		 * thread waits for the others (an earlier one may fail too). */
		atomic_store(&parts[my_part].done, job);
		if (my_thread == 0) {
			while (!parts_done(job))
				cpu_relax();
			fail_now();
		}
		pthread_mutex_lock(&pool_mu);
		pthread_cond_signal(&pool_done);
		pthread_mutex_unlock(&pool_mu);
		for (;;)
			pause();
	}
	if (my_thread == 0) {
		/* The other threads finish their parts (an earlier one may
		 * fail too) or stop at their own error. */
		while (atomic_load(&pool_pending) != 0)
			cpu_relax();
		fail_now();
	}
	part_done();
	for (;;)
		pause();
}

/* ------------------------------------------------------------------ */
/* Variables.                                                           */

static double *alloc_vals(int64_t n)
{
	return snn_xcalloc_lines((size_t)(n > 0 ? n : 1), sizeof(double));
}

static void index_vars(void)
{
	vars = snn_xcalloc((size_t)(M->n_vars > 0 ? M->n_vars : 1), sizeof(var_rt));
	ctx.var = snn_xcalloc((size_t)(M->n_vars > 0 ? M->n_vars : 1), sizeof(double *));
#define ADD(VS, OWNER, P, D, Q)                                                      \
	for (int32_t x = 0; x < (VS).n; x++) {                                           \
		const snn_var *v_ = &(VS).v[x];                                              \
		if (v_->id < 0 || v_->id >= M->n_vars) {                                     \
			fprintf(stderr, "%s: variable %s has id %d, outside the model's %d\n", snn_prog, \
				v_->name, (int)v_->id, (int)M->n_vars);                              \
			exit(1);                                                                 \
		}                                                                            \
		vars[v_->id] = (var_rt){v_, OWNER, P, D, Q, 0, 0};                           \
	}
	ADD(M->params, OWN_TOP, -1, -1, -1);
	for (int p = 0; p < M->n_populations; p++) {
		ADD(M->populations[p].vars, OWN_POP, p, -1, -1);
		for (int d = 0; d < M->populations[p].n_dendrites; d++)
			ADD(M->populations[p].dendrites[d].vars, OWN_DEND, p, d, -1);
	}
	for (int q = 0; q < M->n_projections; q++)
		ADD(M->projections[q].vars, OWN_PROJ, -1, -1, q);
#undef ADD
}

static int is_uniform(int id)
{
	return vars[id].v->kind == SNN_PARAM && vars[id].v->uniform;
}

/* newCells: a uniform parameter is one value; the others are arrays. */
static void new_cell(int id, int64_t n, int64_t count)
{
	var_rt *vr = &vars[id];
	if (is_uniform(id)) {
		ctx.var[id] = alloc_vals(1);
		ctx.var[id][0] = vr->v->value;
		vr->len = 0;
	} else if (vr->v->kind == SNN_PARAM) {
		ctx.var[id] = alloc_vals(n);
		vr->len = n;
	} else {
		ctx.var[id] = alloc_vals(n * count);
		vr->len = n * count;
	}
}

/* ------------------------------------------------------------------ */
/* --set (interp's set).                                                */

typedef struct settable {
	char *name;
	const snn_var *v;
} settable;

static int cmp_settable(const void *a, const void *b)
{
	return strcmp(((const settable *)a)->name, ((const settable *)b)->name);
}

static char *dotted(const char *a, const char *b)
{
	char *s = snn_xmalloc(strlen(a) + strlen(b) + 2);
	sprintf(s, "%s.%s", a, b);
	return s;
}

/* snn_settables lists the runtime parameters --set may name, sorted:
 * NAME for a top-level one, OWNER.NAME for a population's or a
 * projection's. */
int snn_settables(const snn_model *m, const char ***names, const snn_var ***vs)
{
	int n = 0, cap = 16;
	settable *list = snn_xmalloc((size_t)cap * sizeof(settable));
#define PUSH(NAME, V)                                                                   \
	do {                                                                            \
		if (n == cap)                                                           \
			list = snn_xrealloc(list, (size_t)(cap *= 2) * sizeof(settable)); \
		list[n++] = (settable){(NAME), (V)};                                    \
	} while (0)
	for (int32_t x = 0; x < m->params.n; x++)
		if (m->params.v[x].runtime) {
			char *s = snn_xmalloc(strlen(m->params.v[x].name) + 1);
			strcpy(s, m->params.v[x].name);
			PUSH(s, &m->params.v[x]);
		}
	for (int p = 0; p < m->n_populations; p++) {
		const snn_population *pop = &m->populations[p];
		for (int32_t x = 0; x < pop->vars.n; x++)
			if (pop->vars.v[x].runtime)
				PUSH(dotted(pop->name, pop->vars.v[x].name), &pop->vars.v[x]);
	}
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		for (int32_t x = 0; x < pr->vars.n; x++)
			if (pr->vars.v[x].runtime)
				PUSH(dotted(pr->name, pr->vars.v[x].name), &pr->vars.v[x]);
	}
#undef PUSH
	qsort(list, (size_t)n, sizeof(settable), cmp_settable);
	*names = snn_xcalloc((size_t)(n > 0 ? n : 1), sizeof(char *));
	*vs = snn_xcalloc((size_t)(n > 0 ? n : 1), sizeof(snn_var *));
	for (int i = 0; i < n; i++) {
		(*names)[i] = list[i].name;
		(*vs)[i] = list[i].v;
	}
	free(list);
	return n;
}

static void apply_set(void)
{
	const char **names;
	const snn_var **vs;
	int n = snn_settables(M, &names, &vs);
	for (int s = 0; s < O->n_set; s++) {
		const char *name = O->set_names[s];
		int found = -1;
		for (int i = 0; i < n; i++)
			if (strcmp(names[i], name) == 0)
				found = i;
		if (found < 0) {
			if (n == 0)
				snn_fail("--set %s: the model has no runtime parameters (declare one with `runtime param`)", name);
			size_t len = 1;
			for (int i = 0; i < n; i++)
				len += strlen(names[i]) + 2;
			char *have = snn_xcalloc(len, 1);
			for (int i = 0; i < n; i++) {
				if (i > 0)
					strcat(have, ", ");
				strcat(have, names[i]);
			}
			snn_fail("--set %s: no runtime parameter %s; the model has %s", name, name, have);
		}
		int id = vs[found]->id;
		if (vars[id].driven)
			snn_fail("--set %s: %s is driven by a current, which sets it every step", name, name);
		if (vars[id].len > 0 || !vars[id].v->uniform)
			snn_fail("--set %s: the model gives %s a value per element; --set gives one value to every element, so change the model instead",
				name, name);
		const snn_var *v = vars[id].v;
		double x = O->set_values[s];
		if (v->has_range && !(x >= v->lo && x <= v->hi))
			snn_fail("--set %s: %g is outside [%g, %g], the values the quantized model was built to hold %s in; "
				"build it again with a range that holds it: in [LO, HI] on the parameter's declaration, "
				"or snnc's --range %s=LO:HI",
				name, x, v->lo, v->hi, name, name);
		ctx.var[id][0] = x;
	}
	for (int i = 0; i < n; i++)
		free((char *)names[i]);
	free(names);
	free(vs);
}

/* ------------------------------------------------------------------ */
/* The memory estimate (interp's memory.go).                            */

static void bytes_text(char *b, double x)
{
	if (x >= 1073741824.0)
		sprintf(b, "%.1f GiB", x / 1073741824.0);
	else if (x >= 1048576.0)
		sprintf(b, "%.1f MiB", x / 1048576.0);
	else
		sprintf(b, "%.0f KiB", x / 1024.0);
}

/* The account of memory (interp's memory): the limit (0: unknown) and
 * what the estimate, the delay rings and the spike recordings take. */
static double mem_limit, mem_need;

/* interp's memory.grow: an allocation of bytes replacing one of replaced
 * bytes, both held while it is copied. */
static int mem_grow(double bytes, double replaced)
{
	if (mem_limit > 0 && mem_need + bytes > mem_limit)
		return 0;
	mem_need += bytes - replaced;
	return 1;
}

/* interp's memoryLimit: SNNC_MEMORY_LIMIT (bytes), else the machine's. */
static double memory_limit(void)
{
	const char *text = getenv("SNNC_MEMORY_LIMIT");
	if (text && *text) {
		char *end;
		double x = strtod(text, &end);
		if (*end || !(x > 0) || isinf(x))
			snn_fail("SNNC_MEMORY_LIMIT=%s: expected a number of bytes", text);
		return x;
	}
	double limit = 0;
#ifdef _SC_PHYS_PAGES
	limit = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
#endif
	return limit > 0 ? limit : 0;
}

/* interp's ring check: a delay ring of max_steps + 1 slots (a vector
 * each, and a flag with a delay per synapse), counted before it is made. */
static void reserve_ring(int64_t max_steps, double d, int per_syn)
{
	double bytes = (double)(max_steps + 1) * ((double)sizeof(snn_vi32) + (per_syn ? 1 : 0));
	if (!mem_grow(bytes, 0)) {
		char a[64], b[64], ds[64], dts[64];
		bytes_text(a, bytes);
		bytes_text(b, mem_limit - mem_need);
		snprintf(ds, sizeof ds, "%s", snn_gfmt(d));
		snprintf(dts, sizeof dts, "%s", snn_gfmt(dt));
		snn_fail("a delay of %s s is %lld steps of %s s: its spike queue of %lld slots needs %s, more than the %s of memory left; shorten the delay or use a longer dt",
			ds, (long long)max_steps, dts, (long long)(max_steps + 1), a, b);
	}
}

/* interp's Spikes.Record growth: before a spike recording grows to hold
 * need spikes, the doubling (or as much as is left) is counted. */
static void reserve_spikes(snn_spike_rec *r, int64_t need, int64_t k)
{
	if (need <= r->steps.cap)
		return;
	const double per = 8 + 4;
	int64_t cap = r->steps.cap, c = 2 * cap;
	if (c < need)
		c = need;
	if (c < 1024)
		c = 1024;
	double old = (double)cap * per;
	if (!mem_grow((double)c * per, old)) {
		double room = mem_limit - mem_need;
		if ((double)c > room / per)
			c = (int64_t)(room / per);
		if (c < need || !mem_grow((double)c * per, old)) {
			char b[64], ts[64];
			bytes_text(b, mem_limit);
			snprintf(ts, sizeof ts, "%s", snn_gfmt((double)k * dt));
			snn_fail("monitor %s: its %lld spikes up to step %lld (t = %s s) need more memory than is left of the %s available; record fewer neurons (a selection such as %s[0:100]) or run for less time",
				r->name, (long long)r->steps.n, (long long)k, ts, b, r->source);
		}
	}
	r->steps.a = snn_xrealloc(r->steps.a, (size_t)c * sizeof(int64_t));
	r->steps.cap = c;
	r->index.a = snn_xrealloc(r->index.a, (size_t)c * sizeof(int32_t));
	r->index.cap = c;
}

static void check_memory(void)
{
	double limit = memory_limit();
	mem_limit = limit;
	if (!(limit > 0))
		return;
	const double f64 = 8;
	double total = 0, max = 0;
	char biggest[512] = "";
#define ADD(BYTES, ...)                                            \
	do {                                                       \
		double b_ = (BYTES);                               \
		total += b_;                                       \
		if (b_ > max) {                                    \
			max = b_;                                  \
			snprintf(biggest, sizeof biggest, __VA_ARGS__); \
		}                                                  \
	} while (0)
	for (int p = 0; p < M->n_populations; p++) {
		const snn_population *pop = &M->populations[p];
		double n = (double)pop->size;
		/* its variables, and about three more numbers per neuron: the
		 * refractory steps, threshold results and spike lists */
		ADD(n * (double)(pop->vars.n + 3) * f64, "population %s", pop->name);
		for (int d = 0; d < pop->n_dendrites; d++) {
			const snn_dendrite *den = &pop->dendrites[d];
			double count = den->array ? (double)den->count : 1.0;
			ADD(n * count * (double)den->vars.n * f64, "dendrite %s.%s", pop->name, den->name);
		}
	}
	for (int i = 0; i < M->n_inputs; i++)
		ADD((double)M->inputs[i].size * 3 * f64, "input %s", M->inputs[i].name);
	double *syn = alloc_vals(M->n_projections);
	for (int q = 0; q < M->n_projections; q++) {
		const snn_projection *pr = &M->projections[q];
		double pre = pr->pre_kind == 0 ? (double)M->populations[pr->pre].size : (double)M->inputs[pr->pre].size;
		double post = (double)M->populations[pr->post].size;
		double n = 0;
		switch (pr->rule) {
		case SNN_ALL_TO_ALL: n = pre * post; break;
		case SNN_ONE_TO_ONE: n = pre; break;
		case SNN_FIXED_PROBABILITY: {
			double mean = pr->p * pre * post;
			n = mean + 5 * sqrt(mean);
			break;
		}
		case SNN_FIXED_INDEGREE: n = (double)pr->k * post; break;
		case SNN_FIXED_OUTDEGREE: n = (double)pr->k * pre; break;
		case SNN_PAIRS: n = pr->file ? 0 : (double)pr->n_pairs; break; /* interp counts the inline pairs */
		}
		syn[q] = n;
		ADD(n * ((double)pr->vars.n * f64 + 4 * 4), "%s", pr->label);
		if (pr->parallel_on_pre && O->threads > 1 && !pr->is_part) {
			/* the cuts of split delivery */
			/* the pieces are the post population's, or its group's */
			const snn_population *pp = &M->populations[pr->post];
			double pieces = pieces_of(pp->in_group ? M->populations[pp->group].size : pp->size, O->threads);
			ADD(pre * (pieces + 1) * 4, "%s (its rows' cuts)", pr->label);
		}
	}
	for (int i = 0; i < M->n_monitors; i++) {
		const snn_monitor *mon = &M->monitors[i];
		if (mon->kind != 1)
			continue;
		double n = 0;
		if (mon->target_kind == 2) {
			n = syn[mon->target];
		} else {
			n = mon->target_kind == 0 ? (double)M->populations[mon->target].size
						  : (double)M->inputs[mon->target].size;
			if (mon->n_ranges > 0) {
				n = 0;
				for (int r = 0; r < mon->n_ranges; r++)
					n += (double)(mon->ranges[2 * r + 1] - mon->ranges[2 * r]);
			}
		}
		double every = (double)(mon->every < 1 ? 1 : mon->every);
		ADD(ceil((double)steps / every) * n * f64, "monitor %s", mon->name);
	}
#undef ADD
	free(syn);
	mem_need = total;
	if (total > limit) {
		char a[64], b[64];
		bytes_text(a, total);
		bytes_text(b, limit);
		snn_fail("the network needs about %s of memory (the largest part: %s), more than the %s available; make it smaller, record less (a monitor's selection or every), or run for less time",
			a, biggest, b);
	}
}

/* ------------------------------------------------------------------ */
/* Building (interp's build).                                           */

static int whole(double x, int64_t n, int64_t *out)
{
	if (x != trunc(x) || x < 0 || x >= (double)n)
		return 0;
	*out = (int64_t)x;
	return 1;
}

static void build_input(int n)
{
	const snn_input *in = &M->inputs[n];
	input_rt *is = &inputs[n];
	char err[1024];
	is->in = in;
	snprintf(snn_err_ctx, sizeof snn_err_ctx, "input %s: ", in->name);
	uint32_t stream = SNN_STREAM_INPUT + (uint32_t)in->stream;
	size_t sz = (size_t)(in->size > 0 ? in->size : 1);
	is->spikes = snn_xcalloc(sz, sizeof(int32_t));
	is->prev = snn_xcalloc(sz, sizeof(int32_t));
	switch (in->kind) {
	case 0: {
		is->is_poisson = 1;
		int64_t period_steps = 0;
		const double *table;
		int64_t width, periods;
		if (in->rate) {
			is->rates = alloc_vals(in->size);
			ctx.step = 0;
			ctx.t = 0;
			par(in->rate, in->size, is->rates);
			for (int64_t i = 0; i < in->size; i++) {
				double x = is->rates[i];
				if (!(x >= 0) || isinf(x))
					snn_fail("source %lld has rate %s Hz; rates must be finite and non-negative", (long long)i,
						snn_gfmt(x));
			}
			table = is->rates;
			width = in->size;
			periods = 1;
		} else {
			table = in->rates;
			width = in->width > 0 ? in->width : 1;
			if (in->file && in->n_rates == 0)
				snn_fail("%s has no rows", in->file);
			for (int64_t x = 0; x < in->n_rates * width; x++)
				if (!(table[x] >= 0) || isinf(table[x]))
					snn_fail("rate %lld (%s Hz) must be finite and non-negative", (long long)x, snn_gfmt(table[x]));
			periods = in->n_rates;
			/* The range is checked before the conversion, as the interpreter does. */
			double n = round(in->period / dt);
			if (!(n >= 1))
				snn_fail("the period %s s is shorter than half a step (dt = %s s)", snn_gfmt(in->period), snn_gfmt(dt));
			if (!(n < 4611686018427387904.0)) /* 2^62 */
				snn_fail("the period %s s is %s steps of dt = %s s, too many to count", snn_gfmt(in->period),
					snn_gfmt(n), snn_gfmt(dt));
			period_steps = (int64_t)n;
		}
		snn_poisson_init(&is->poisson, seed, stream, in->size, dt, steps, period_steps, table, width, periods);
		break;
	}
	case 1: {
		if (in->file) {
			for (int64_t r = 0; r < in->n_spikes; r++)
				if (in->spike_index[r] < 0 || in->spike_index[r] >= in->size)
					snn_fail("%s: row %lld: source %s is not an index in [0, %lld)", in->file, (long long)r + 1,
						snn_gfmt((double)in->spike_index[r]), (long long)in->size);
		}
		if (snn_train_init(&is->train, in->size, dt, steps, in->spike_index, in->spike_time, in->n_spikes, err,
			    sizeof err)) {
			if (in->file)
				snn_fail("%s: %s", in->file, err);
			snn_fail("%s", err);
		}
		break;
	}
	default:
		snn_fail("unknown input kind %d", (int)in->kind);
	}
	snn_err_ctx[0] = 0;
}

static int64_t pre_size(const snn_projection *pr)
{
	return pr->pre_kind == 0 ? M->populations[pr->pre].size : M->inputs[pr->pre].size;
}

typedef struct merge_rows {
	proj_rt *ps;
	int n; /* the merged projection */
} merge_rows;

/* fill_merged copies rows [lo, hi) of a merged projection's parts into
 * its rows, each part's synapses in turn, their post indices moved into
 * the group's. */
static void fill_merged(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)part;
	const merge_rows *mr = arg;
	proj_rt *ps = mr->ps;
	for (int64_t i = lo; i < hi; i++) {
		int64_t s = ps->csr.start[i];
		for (int q = 0; q < mr->n; q++) {
			const snn_projection *pt = &M->projections[q];
			if (!pt->is_part || pt->part_of != mr->n)
				continue;
			int32_t off = (int32_t)M->populations[pt->post].offset;
			for (int64_t x = projs[q].csr.start[i]; x < projs[q].csr.start[i + 1]; x++)
				ps->csr.post[s++] = projs[q].csr.post[x] + off;
		}
	}
}

/* merged_rows makes the rows of projection n, by parts (the fuse pass's):
 * for each pre neuron, each part's row in turn, its post neurons moved by
 * their population's offset in the group (interp's mergedRows). The rows'
 * starts are summed first, and the rows copied on the threads. */
static void merged_rows(int n, int64_t nPre)
{
	proj_rt *ps = &projs[n];
	ps->csr.start = snn_xcalloc((size_t)nPre + 1, sizeof(int64_t));
	for (int q = 0; q < n; q++)
		if (M->projections[q].is_part && M->projections[q].part_of == n)
			for (int64_t i = 0; i < nPre; i++)
				ps->csr.start[i + 1] += projs[q].csr.start[i + 1] - projs[q].csr.start[i];
	for (int64_t i = 0; i < nPre; i++)
		ps->csr.start[i + 1] += ps->csr.start[i];
	int64_t total = ps->csr.start[nPre];
	ps->csr.n = total;
	ps->csr.post = snn_xmalloc((size_t)(total > 0 ? total : 1) * sizeof(int32_t));
	merge_rows mr = {ps, n};
	snn_parallel(nPre, 1024, fill_merged, &mr);
}

static void fill_pre(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)part;
	proj_rt *ps = arg;
	for (int64_t i = lo; i < hi; i++)
		for (int64_t s = ps->csr.start[i]; s < ps->csr.start[i + 1]; s++)
			ps->pre[s] = (int32_t)i;
}

/* set_pre writes each synapse's pre neuron, on the threads. */
static void set_pre(proj_rt *ps, int64_t nPre)
{
	snn_parallel(nPre, 1024, fill_pre, ps);
}

/* prune_weights removes the synapses whose weight (prune_var, after init)
 * has a magnitude below prune_below, keeping the others in their order
 * with their variables, as interp's pruneWeights does. */
static void prune_weights(proj_rt *ps, int64_t nPre)
{
	const snn_projection *pr = ps->pr;
	const double *w = ctx.var[pr->prune_var];
	int per_syn = vars[pr->prune_var].len > 0;
	int64_t kept = 0;
	int64_t *keep = snn_xmalloc((size_t)(ps->nsyn > 0 ? ps->nsyn : 1) * sizeof(int64_t));
	for (int64_t i = 0; i < nPre; i++) {
		int64_t from = ps->csr.start[i];
		ps->csr.start[i] = kept;
		for (int64_t s = from; s < ps->csr.start[i + 1]; s++)
			if (!(fabs(per_syn ? w[s] : w[0]) < pr->prune_below)) {
				keep[kept] = s;
				ps->csr.post[kept++] = ps->csr.post[s];
			}
	}
	ps->csr.start[nPre] = kept;
	ps->csr.n = kept;
	for (int32_t x = 0; x < pr->vars.n; x++) {
		int id = pr->vars.v[x].id;
		if (vars[id].len > 0) {
			double *a = ctx.var[id];
			for (int64_t k = 0; k < kept; k++)
				a[k] = a[keep[k]];
			vars[id].len = kept;
		}
	}
	free(keep);
	ps->nsyn = kept;
	set_pre(ps, nPre);
}

/* find_unsorted says, in unsorted[part], whether a row of [lo, hi) is
 * not sorted by post neuron. */
typedef struct sorted_rows {
	const snn_csr *c;
	int unsorted[SNN_MAX_THREADS];
} sorted_rows;

static void find_unsorted(void *arg, int part, int64_t lo, int64_t hi)
{
	sorted_rows *sr = arg;
	const int64_t *start = sr->c->start;
	const int32_t *post = sr->c->post;
	for (int64_t i = lo; i < hi; i++)
		for (int64_t s = start[i] + 1; s < start[i + 1]; s++)
			if (post[s - 1] > post[s]) {
				sr->unsorted[part] = 1;
				return;
			}
}

/* find_cuts fills rows [lo, hi) of a split projection's cut: the
 * synapse of the row where each piece of the post population's owner (of
 * n neurons, the post population from off on, of post neurons) begins,
 * in one walk along the row. A part's bounds in a row are then two
 * numbers on one or two cache lines, without the row's start. */
typedef struct cut_rows {
	proj_rt *ps;
	int64_t n, off, post;
	int pieces;
} cut_rows;

static void find_cuts(void *arg, int part, int64_t lo, int64_t hi)
{
	(void)part;
	const cut_rows *cr = arg;
	const int64_t *start = cr->ps->csr.start;
	const int32_t *post = cr->ps->csr.post;
	int pc = cr->pieces;
	for (int64_t i = lo; i < hi; i++) {
		int32_t *cut = cr->ps->cut + i * (pc + 1);
		int64_t s = start[i];
		for (int c = 0; c <= pc; c++) {
			int64_t at = piece_start(cr->n, pc, c) - cr->off;
			at = at < 0 ? 0 : at > cr->post ? cr->post : at;
			while (s < start[i + 1] && post[s] < at)
				s++;
			cut[c] = (int32_t)s;
		}
	}
}

static void build_projection(int n)
{
	const snn_projection *pr = &M->projections[n];
	proj_rt *ps = &projs[n];
	char err[1024];
	ps->pr = pr;
	snprintf(snn_err_ctx, sizeof snn_err_ctx, "%s: ", pr->label);
	int64_t nPre = pre_size(pr);
	/* A part of a merged projection makes its synapses and delivers
	 * nothing: the merged projection does, with the spikes. */
	if (pr->is_part) {
	} else if (pr->pre_kind == 0) {
		pop_rt *g = &pops[pr->pre];
		g->out = snn_xrealloc(g->out, (size_t)(g->n_out + 1) * sizeof(int));
		g->out[g->n_out++] = n;
	} else {
		input_rt *g = &inputs[pr->pre];
		g->out = snn_xrealloc(g->out, (size_t)(g->n_out + 1) * sizeof(int));
		g->out[g->n_out++] = n;
	}
	pop_rt *post = &pops[pr->post];
	snn_rule rule = {pr->rule, pr->p, pr->k, pr->autapses, pr->pairs, pr->n_pairs};
	if (pr->rule == SNN_PAIRS && pr->file) {
		for (int64_t r = 0; r < pr->n_pairs; r++) {
			int64_t i, j;
			int ok1 = whole((double)pr->pairs[2 * r], nPre, &i);
			int ok2 = whole((double)pr->pairs[2 * r + 1], post->n, &j);
			if (!ok1 || !ok2) {
				char a[64];
				snprintf(a, sizeof a, "%s", snn_gfmt((double)pr->pairs[2 * r]));
				snn_fail("%s: row %lld: (%s, %s) is not a pair of indices in [0, %lld) and [0, %lld)", pr->file,
					(long long)r + 1, a, snn_gfmt((double)pr->pairs[2 * r + 1]), (long long)nPre,
					(long long)post->n);
			}
		}
	}
	int same = pr->pre_kind == 0 && pr->pre == pr->post;
	if (pr->rule == SNN_PARTS)
		merged_rows(n, nPre);
	else if (snn_connect(seed, SNN_STREAM_CONNECT + (uint32_t)pr->stream, &rule, nPre, post->n, same, &ps->csr, err,
			     sizeof err))
		snn_fail("%s", err);
	int64_t nsyn = ps->csr.n;
	ps->nsyn = nsyn;
	ps->n_post = post->n;
	ps->pre = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
	set_pre(ps, nPre);
	ctx.pre[n] = ps->pre;
	ctx.post[n] = ps->csr.post;
	ctx.js[n] = NULL;
	/* The synapses' variables; uniform ones were made (and --set) before. */
	for (int32_t x = 0; x < pr->vars.n; x++) {
		int id = pr->vars.v[x].id;
		if (!is_uniform(id))
			new_cell(id, nsyn, 1);
	}
	ctx.step = 0;
	ctx.t = 0;
	par(pr->init, nsyn, NULL);
	if (pr->prune) {
		prune_weights(ps, nPre);
		nsyn = ps->nsyn;
		ctx.post[n] = ps->csr.post;
	}
	ps->row_arr[ps->n_row_arr] = (const char *)ps->csr.post;
	ps->row_size[ps->n_row_arr++] = sizeof(int32_t);
	for (int32_t x = 0; x < pr->vars.n && ps->n_row_arr < 4; x++) {
		const var_rt *vr = &vars[pr->vars.v[x].id];
		if (vr->len == nsyn && nsyn > 0) {
			ps->row_arr[ps->n_row_arr] = (const char *)ctx.var[pr->vars.v[x].id];
			ps->row_size[ps->n_row_arr++] = sizeof(double);
		}
	}
	/* (cut holds synapse positions in 32 bits) */
	ps->split = pr->parallel_on_pre && nthreads > 1 && !pr->is_part && nsyn <= INT32_MAX;
	if (ps->split) {
		/* rows sorted by post neuron, or pairs in an order of their own */
		sorted_rows sr = {&ps->csr, {0}};
		int parts = snn_parallel(nPre, 1024, find_unsorted, &sr);
		for (int t = 0; t < parts; t++)
			ps->split = ps->split && !sr.unsorted[t];
	}
	if (ps->split) {
		/* Where each piece of the post population begins in each row:
		 * found once, not per spike. */
		/* Onto a member of a group, the pieces are the group's, each
		 * clipped to the member's range. */
		const pop_rt *owner = post;
		int64_t off = 0;
		if (post->p->in_group) {
			owner = &pops[post->p->group];
			off = post->p->offset;
		}
		int pc = owner->pieces;
		ps->cut = snn_xmalloc((size_t)(nPre > 0 ? nPre : 1) * (size_t)(pc + 1) * sizeof(int32_t));
		ps->pieces = pc;
		ps->first_piece = pc;
		ps->end_piece = 0;
		for (int c = 0; c < pc; c++)
			if (piece_start(owner->n, pc, c) < off + post->n && piece_start(owner->n, pc, c + 1) > off) {
				if (c < ps->first_piece)
					ps->first_piece = c;
				ps->end_piece = c + 1;
			}
		cut_rows cr = {ps, owner->n, off, post->n, pc};
		snn_parallel(nPre, 1024, find_cuts, &cr);
	}
	/* The segment of each synapse onto a dendrite array, known after init. */
	if (pr->dendrite >= 0) {
		const snn_dendrite *den = &M->populations[pr->post].dendrites[pr->dendrite];
		if (den->array) {
			if (pr->segment_var < 0)
				snn_fail("onto the dendrite array %s.%s without a segment", M->populations[pr->post].name, den->name);
			ps->js = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
			const double *seg = ctx.var[pr->segment_var];
			int arr = vars[pr->segment_var].len > 0;
			for (int64_t s = 0; s < nsyn; s++) {
				double x = arr ? seg[s] : seg[0];
				int64_t sg;
				if (!whole(x, den->count, &sg))
					snn_fail("synapse %lld (%d -> %d) has segment %s, not a whole number in [0, %d)", (long long)s,
						(int)ps->pre[s], (int)ps->csr.post[s], snn_gfmt(x), (int)den->count);
				ps->js[s] = ps->csr.post[s] * (int32_t)den->count + (int32_t)sg;
			}
			ctx.js[n] = ps->js;
		}
	}
	if (pr->on_post) {
		int64_t np = post->n;
		ps->bp_start = snn_xcalloc((size_t)np + 1, sizeof(int64_t));
		for (int64_t s = 0; s < nsyn; s++)
			ps->bp_start[ps->csr.post[s] + 1]++;
		for (int64_t j = 0; j < np; j++)
			ps->bp_start[j + 1] += ps->bp_start[j];
		ps->bp_syn = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
		int64_t *fill = snn_xmalloc((size_t)(np > 0 ? np : 1) * sizeof(int64_t));
		memcpy(fill, ps->bp_start, (size_t)np * sizeof(int64_t));
		for (int64_t s = 0; s < nsyn; s++)
			ps->bp_syn[fill[ps->csr.post[s]]++] = (int32_t)s;
		free(fill);
	}
	/* Delays in steps. */
	if (pr->delay_var < 0) {
		snn_queue_init(&ps->q, 0);
	} else if (vars[pr->delay_var].len == 0) {
		double d = ctx.var[pr->delay_var][0];
		double st = round(d / dt);
		if (!(st >= 0 && st < 1073741824.0))
			snn_fail("synapse %d has delay %s s; delays must be finite, non-negative and below 2^30 steps", 0,
				snn_gfmt(d));
		reserve_ring((int64_t)st, d, 0);
		snn_queue_init(&ps->q, (int64_t)st);
	} else {
		const double *del = ctx.var[pr->delay_var];
		ps->syn_delay = snn_xmalloc((size_t)(nsyn > 0 ? nsyn : 1) * sizeof(int32_t));
		for (int64_t s = 0; s < nsyn; s++) {
			double st = round(del[s] / dt);
			if (!(st >= 0 && st < 1073741824.0))
				snn_fail("synapse %lld has delay %s s; delays must be finite, non-negative and below 2^30 steps",
					(long long)s, snn_gfmt(del[s]));
			ps->syn_delay[s] = (int32_t)st;
		}
		int64_t longest = 0;
		for (int64_t s = 1; s < nsyn; s++)
			if (ps->syn_delay[s] > ps->syn_delay[longest])
				longest = s;
		if (nsyn > 0)
			reserve_ring(ps->syn_delay[longest], del[longest], 1);
		snn_queue_init_synapse(&ps->q, ps->syn_delay, nsyn, ps->csr.start);
	}
	snn_err_ctx[0] = 0;
}

/* checkPropagators: a propagator prepare computed as not finite. */
typedef struct named_id {
	const char *name;
	int id;
} named_id;

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const named_id *)a)->name, ((const named_id *)b)->name);
}

static void check_owner(const char *owner, snn_vars vs)
{
	named_id *list = snn_xcalloc((size_t)(vs.n > 0 ? vs.n : 1), sizeof(named_id));
	for (int32_t x = 0; x < vs.n; x++)
		list[x] = (named_id){vs.v[x].name, vs.v[x].id};
	qsort(list, (size_t)vs.n, sizeof(named_id), cmp_named);
	for (int32_t x = 0; x < vs.n; x++) {
		if (strncmp(list[x].name, "decay.", 6) != 0)
			continue;
		int id = list[x].id;
		const double *a = ctx.var[id];
		for (int64_t el = 0; el < vars[id].len; el++)
			if (isinf(a[el]) || isnan(a[el]))
				snn_fail("%s: element %lld: the exact propagator (%s) is %s; is a time constant 0 or far below dt?", owner,
					(long long)el, list[x].name, snn_gfmt(a[el]));
	}
	free(list);
}

static void check_propagators(void)
{
	for (int p = 0; p < M->n_populations; p++) {
		const snn_population *pop = &M->populations[p];
		check_owner(pop->name, pop->vars);
		for (int d = 0; d < pop->n_dendrites; d++) {
			char *o = dotted(pop->name, pop->dendrites[d].name);
			check_owner(o, pop->dendrites[d].vars);
			free(o);
		}
	}
	for (int q = 0; q < M->n_projections; q++)
		check_owner(M->projections[q].label, M->projections[q].vars);
}

static int find_var(snn_vars vs, const char *name)
{
	for (int32_t x = 0; x < vs.n; x++)
		if (strcmp(vs.v[x].name, name) == 0)
			return vs.v[x].id;
	return -1;
}

static void new_state_rec(snn_state_rec *r, const snn_monitor *mon, int64_t size, int use_ranges, int64_t every)
{
	r->name = mon->name;
	r->every = every;
	int64_t m = 0;
	if (use_ranges && mon->n_ranges > 0) {
		for (int i = 0; i < mon->n_ranges; i++)
			m += mon->ranges[2 * i + 1] - mon->ranges[2 * i];
	} else {
		m = size;
	}
	r->indices = snn_xmalloc((size_t)(m > 0 ? m : 1) * sizeof(int32_t));
	r->n_indices = 0;
	if (use_ranges && mon->n_ranges > 0) {
		for (int i = 0; i < mon->n_ranges; i++)
			for (int64_t x = mon->ranges[2 * i]; x < mon->ranges[2 * i + 1]; x++)
				r->indices[r->n_indices++] = (int32_t)x;
	} else {
		for (int64_t x = 0; x < size; x++)
			r->indices[r->n_indices++] = (int32_t)x;
	}
	int64_t rows = (steps + every - 1) / every;
	r->steps = snn_xmalloc((size_t)(rows > 0 ? rows : 1) * sizeof(int64_t));
	r->values = snn_xmalloc((size_t)(rows * m > 0 ? rows * m : 1) * sizeof(double));
	r->n_steps = 0;
}

static void build_monitors(void)
{
	spike_recs = snn_xcalloc((size_t)M->n_monitors + 1, sizeof(snn_spike_rec));
	state_recs = snn_xcalloc((size_t)M->n_monitors + 1, sizeof(snn_state_rec));
	spike_mons = snn_xcalloc((size_t)M->n_monitors + 1, sizeof(spike_mon));
	state_mons = snn_xcalloc((size_t)M->n_monitors + 1, sizeof(state_mon));
	for (int i = 0; i < M->n_monitors; i++) {
		const snn_monitor *mon = &M->monitors[i];
		if (mon->kind == 0) {
			snn_spike_rec *r = &spike_recs[n_spike_mons];
			spike_mon *sm = &spike_mons[n_spike_mons++];
			int64_t size;
			r->name = mon->name;
			sm->rec = r;
			if (mon->target_kind == 0) {
				r->source = M->populations[mon->target].name;
				size = pops[mon->target].n;
				sm->spikes = &pops[mon->target].spikes;
				sm->n = &pops[mon->target].n_spikes;
			} else if (mon->target_kind == 1) {
				r->source = M->inputs[mon->target].name;
				size = inputs[mon->target].in->size;
				sm->spikes = &inputs[mon->target].spikes;
				sm->n = &inputs[mon->target].n_spikes;
			} else {
				snn_fail("monitor %s: no population or input %s", mon->name, M->projections[mon->target].name);
			}
			if (mon->n_ranges > 0) {
				r->keep = snn_xcalloc((size_t)(size > 0 ? size : 1), 1);
				for (int x = 0; x < mon->n_ranges; x++)
					for (int64_t el = mon->ranges[2 * x]; el < mon->ranges[2 * x + 1]; el++)
						r->keep[el] = 1;
			}
			continue;
		}
		int64_t every = mon->every < 1 ? 1 : mon->every;
		snn_state_rec *r = &state_recs[n_state_mons];
		state_mon *sm = &state_mons[n_state_mons++];
		sm->rec = r;
		sm->frac = -1;
		sm->what = mon->what;
		if (mon->value) {
			/* A definition: its kernel runs for each recorded element. */
			if (mon->target_kind == 0) {
				new_state_rec(r, mon, pops[mon->target].n, 1, every);
			} else if (mon->target_kind == 2) {
				new_state_rec(r, mon, projs[mon->target].nsyn, 0, every);
			} else {
				snn_fail("monitor %s: no population, global or projection %s", mon->name, M->inputs[mon->target].name);
			}
			sm->kind = MON_KERNEL;
			sm->k = mon->value;
		} else if (mon->target_kind == 0) {
			const snn_population *pop = &M->populations[mon->target];
			int id = mon->var;
			int ok = id >= 0 && vars[id].len > 0;
			if (ok && mon->dendrite >= 0) {
				const snn_dendrite *den = &pop->dendrites[mon->dendrite];
				if (den->array && vars[id].v->kind != SNN_PARAM)
					ok = 0;
			}
			if (!ok) {
				const char *vn = id >= 0 ? vars[id].v->name : "?";
				if (mon->dendrite >= 0)
					snn_fail("monitor %s: %s.%s.%s is not a variable this interpreter can record", mon->name, pop->name,
						pop->dendrites[mon->dendrite].name, vn);
				snn_fail("monitor %s: %s.%s is not a variable this interpreter can record", mon->name, pop->name, vn);
			}
			new_state_rec(r, mon, pops[mon->target].n, 1, every);
			sm->kind = MON_ARR;
			sm->arr = ctx.var[id];
			sm->frac = vars[id].v->fixed ? vars[id].v->frac : -1;
		} else if (mon->target_kind == 2) {
			proj_rt *ps = &projs[mon->target];
			int id = mon->var;
			if (id < 0)
				snn_fail("monitor %s: projection %s has no variable", mon->name, ps->pr->name);
			new_state_rec(r, mon, ps->nsyn, 0, every);
			sm->frac = vars[id].v->fixed ? vars[id].v->frac : -1;
			int last = find_var(ps->pr->vars, "trace.tlast");
			if (vars[id].len == 0) {
				sm->kind = MON_CONST;
				sm->val = ctx.var[id][0];
			} else if (vars[id].v->kind != SNN_TRACE || last < 0) {
				sm->kind = MON_ARR;
				sm->arr = ctx.var[id];
			} else {
				/* A trace decayed to the sampling step (interp's
				 * synapseValue); tau is a number, or a parameter with
				 * one value or one per synapse. */
				const snn_var *v = vars[id].v;
				sm->kind = MON_TRACE;
				sm->arr = ctx.var[id];
				sm->tlast = ctx.var[last];
				sm->tau = v->tau;
				sm->tau_arr = NULL;
				if (v->tau_var >= 0) {
					if (vars[v->tau_var].len == 0)
						sm->tau = ctx.var[v->tau_var][0];
					else
						sm->tau_arr = ctx.var[v->tau_var];
				}
			}
		} else {
			snn_fail("monitor %s: no population, global or projection %s", mon->name, M->inputs[mon->target].name);
		}
	}
}

/* build_pop_items lists the populations' pieces, the projections whose
 * delivery each population's pieces split, and the threads' first parts:
 * consecutive pieces of about as many neurons each. */
static void build_pop_items(void)
{
	int64_t total = 0;
	/* A group's members have no pieces of their own: the group's cover
	 * them, delivery onto them included. */
	for (int p = 0; p < M->n_populations; p++)
		if (!M->populations[p].global && !M->populations[p].in_group) {
			n_pop_items += pops[p].pieces;
			total += pops[p].n;
			pops[p].in = snn_xcalloc((size_t)M->n_projections + 1, sizeof(int));
		}
	for (int q = 0; q < M->n_projections; q++)
		if (projs[q].split && M->projections[q].on_pre) {
			const snn_population *pp = &M->populations[M->projections[q].post];
			pop_rt *post = &pops[pp->in_group ? pp->group : M->projections[q].post];
			post->in[post->n_in++] = q;
		}
	pop_items = snn_xcalloc((size_t)n_pop_items + 1, sizeof(pop_item));
	pop_bound = snn_xcalloc((size_t)nthreads + 1, sizeof(int));
	/* Too few neurons to share: the main thread runs them all. */
	pops_shared = nthreads > 1 && total >= (int64_t)nthreads * min_chunk;
	int i = 0, t = 0;
	int64_t before = 0; /* neurons in the pieces before piece i */
	for (int p = 0; p < M->n_populations; p++) {
		if (M->populations[p].global || M->populations[p].in_group)
			continue;
		for (int j = 0; j < pops[p].pieces; j++) {
			/* Item i goes to the thread whose equal share of all the
			 * neurons holds its middle one. */
			int64_t size = piece_start(pops[p].n, pops[p].pieces, j + 1) - piece_start(pops[p].n, pops[p].pieces, j);
			int64_t owner = pops_shared ? (before + size / 2) * nthreads / total : 0;
			while (t < owner && t + 1 < nthreads)
				pop_bound[++t] = i;
			pop_items[i++] = (pop_item){p, j};
			before += size;
		}
	}
	while (t < nthreads)
		pop_bound[++t] = i;
}

/* build_chains says whether fused steps may run in chains of population
 * jobs (pop_job): every thread then finds the spikes due in a step among
 * the pieces' spikes of the step before, without the main thread. That
 * takes every projection that delivers to take its spikes from a
 * population in the batch (or a member of one) with no delay, and the
 * main thread's sequential part of a fused step to run no job of its own:
 * no currents, and no group member with kernels of its own. */
static void build_chains(void)
{
	chainable = step_fusable && pops_shared && M->n_currents == 0;
	for (int p = 0; p < M->n_populations; p++) {
		const snn_population *pop = &M->populations[p];
		if (pop->in_group && (pop->update || pop->step || pop->threshold || pop->n_dendrites > 0))
			chainable = 0;
	}
	for (int q = 0; q < M->n_projections; q++) {
		const snn_projection *pr = &M->projections[q];
		proj_rt *ps = &projs[q];
		if (pr->pre_kind != 0) {
			chainable = 0; /* an input's spikes come from the main thread */
			continue;
		}
		if (!pr->on_pre || pr->is_part)
			continue;
		const snn_population *pre = &M->populations[pr->pre];
		ps->src = pre->in_group ? pre->group : pr->pre;
		ps->src_lo = pre->in_group ? pre->offset : 0;
		if (ps->q.per_syn || ps->q.delay != 0 || !pops[ps->src].in_batch)
			chainable = 0;
	}
	if (chainable)
		chain_due = snn_xcalloc_lines((size_t)nthreads, sizeof(thread_list));
}

static void build(void)
{
	index_vars();
	ctx.ref = snn_xcalloc((size_t)M->n_populations + 1, sizeof(int64_t *));
	ctx.pre = snn_xcalloc((size_t)M->n_projections + 1, sizeof(int32_t *));
	ctx.post = snn_xcalloc((size_t)M->n_projections + 1, sizeof(int32_t *));
	ctx.js = snn_xcalloc((size_t)M->n_projections + 1, sizeof(int32_t *));
	ctx.seed = seed;
	for (int32_t x = 0; x < M->params.n; x++)
		new_cell(M->params.v[x].id, 1, 1);
	pops = snn_xcalloc_lines((size_t)M->n_populations + 1, sizeof(pop_rt));
	batch = snn_xcalloc((size_t)M->n_populations + 1, sizeof(int));
	for (int p = 0; p < M->n_populations; p++) {
		const snn_population *pop = &M->populations[p];
		pop_rt *ps = &pops[p];
		ps->p = pop;
		ps->n = pop->size;
		size_t sz = (size_t)(pop->size > 0 ? pop->size : 1);
		for (int32_t x = 0; x < pop->vars.n; x++)
			new_cell(pop->vars.v[x].id, pop->size, 1);
		if (!pop->global) {
			ps->ref = snn_xcalloc_lines(sz, sizeof(int64_t));
			ps->spikes = snn_xcalloc(sz, sizeof(int32_t));
			ps->prev = snn_xcalloc(sz, sizeof(int32_t));
			ps->thr = alloc_vals(pop->size);
			ps->fired = snn_xcalloc(sz, sizeof(int64_t));
			ps->pieces = pieces_of(ps->n, nthreads);
			ps->in_batch = pop->step && pop->n_dendrites == 0;
			if (ps->in_batch) {
				batch[n_batch++] = p;
				ps->pfired[0] = ps->fired;
				ps->pfired[1] = snn_xcalloc(sz, sizeof(int64_t));
				for (int b = 0; b < 2; b++)
					ps->pcounts[b] = snn_xcalloc((size_t)ps->pieces, sizeof(int64_t));
			}
		}
		if (pop->in_group) {
			/* Its state and refractoriness are its part of the group's
			 * arrays (made before it). */
			const snn_population *g = &M->populations[pop->group];
			for (int32_t x = 0; x < pop->vars.n; x++) {
				const snn_var *v = &pop->vars.v[x];
				int gid = find_var(g->vars, v->name);
				if (v->uniform || gid < 0)
					continue;
				free(ctx.var[v->id]);
				ctx.var[v->id] = ctx.var[gid] + pop->offset;
			}
			free(ps->ref);
			ps->ref = pops[pop->group].ref + pop->offset;
			pop_rt *gs = &pops[pop->group];
			gs->members = snn_xrealloc(gs->members, (size_t)(gs->n_members + 1) * sizeof(int));
			gs->members[gs->n_members++] = p;
		}
		ctx.ref[p] = ps->ref;
		ps->dends = snn_xcalloc((size_t)pop->n_dendrites + 1, sizeof(dend_rt));
		for (int d = 0; d < pop->n_dendrites; d++) {
			const snn_dendrite *den = &pop->dendrites[d];
			dend_rt *ds = &ps->dends[d];
			ds->d = den;
			ds->count = den->array ? den->count : 1;
			ds->n = pop->size * ds->count;
			for (int32_t x = 0; x < den->vars.n; x++) {
				if (den->vars.v[x].kind == SNN_PARAM)
					new_cell(den->vars.v[x].id, pop->size, 1);
				else
					new_cell(den->vars.v[x].id, pop->size, ds->count);
			}
			ds->thr = alloc_vals(ds->n);
			ds->fired = snn_xcalloc((size_t)(ds->n > 0 ? ds->n : 1), sizeof(int64_t));
		}
	}
	/* The uniform variables of projections, for --set. */
	for (int q = 0; q < M->n_projections; q++) {
		const snn_projection *pr = &M->projections[q];
		for (int32_t x = 0; x < pr->vars.n; x++)
			if (is_uniform(pr->vars.v[x].id))
				new_cell(pr->vars.v[x].id, 1, 1);
	}
	/* A parameter driven by a current has a value per neuron. */
	curs = snn_xcalloc((size_t)M->n_currents + 1, sizeof(current_rt));
	for (int i = 0; i < M->n_currents; i++) {
		const snn_current *c = &M->currents[i];
		int64_t n = M->populations[c->population].size;
		var_rt *vr = &vars[c->var];
		curs[i] = (current_rt){c, n};
		if (vr->len == 0) {
			const snn_population *pop = &M->populations[c->population];
			double val = ctx.var[c->var][0];
			int gid = pop->in_group ? find_var(M->populations[pop->group].vars, vr->v->name) : -1;
			free(ctx.var[c->var]);
			/* A group's member: its part of the group's array, which the
			 * group's step kernel reads. */
			ctx.var[c->var] = gid >= 0 ? ctx.var[gid] + pop->offset : alloc_vals(n);
			for (int64_t x = 0; x < n; x++)
				ctx.var[c->var][x] = val;
			vr->len = n;
		}
		vr->driven = 1;
	}
	apply_set();
	/* Initial values: neurons and dendrites, then the synapses. */
	ctx.step = 0;
	ctx.t = 0;
	for (int p = 0; p < M->n_populations; p++) {
		par(M->populations[p].init, pops[p].n, NULL);
		for (int d = 0; d < M->populations[p].n_dendrites; d++)
			par(M->populations[p].dendrites[d].init, pops[p].dends[d].n, NULL);
	}
	inputs = snn_xcalloc((size_t)M->n_inputs + 1, sizeof(input_rt));
	for (int i = 0; i < M->n_inputs; i++)
		build_input(i);
	projs = snn_xcalloc((size_t)M->n_projections + 1, sizeof(proj_rt));
	for (int q = 0; q < M->n_projections; q++)
		build_projection(q);
	build_pop_items();
	/* prepare runs after every init and --set. */
	ctx.step = 0;
	ctx.t = 0;
	for (int p = 0; p < M->n_populations; p++) {
		par(M->populations[p].prepare, pops[p].n, NULL);
		for (int d = 0; d < M->populations[p].n_dendrites; d++)
			par(M->populations[p].dendrites[d].prepare, pops[p].dends[d].n, NULL);
	}
	for (int q = 0; q < M->n_projections; q++)
		par(M->projections[q].prepare, projs[q].nsyn, NULL);
	check_propagators();
	build_monitors();
	step_fusable = nthreads > 1 && n_batch > 0;
	for (int p = 0; p < M->n_populations; p++) {
		const snn_population *pop = &M->populations[p];
		if (pop->n_on_spike > 0 || (pop->global && pop->update) || (!pop->global && !pops[p].in_batch && !pop->in_group))
			step_fusable = 0;
	}
	for (int q = 0; q < M->n_projections; q++) {
		const snn_projection *pr = &M->projections[q];
		/* A part of a merged projection delivers nothing itself. */
		if (pr->on_post || pr->update || (pr->on_pre && !pr->is_part && (!projs[q].split || projs[q].q.per_syn)))
			step_fusable = 0;
	}
	build_chains();
}

/* ------------------------------------------------------------------ */
/* The steps (interp's loop).                                           */

static void sample(state_mon *sm, int64_t k)
{
	snn_state_rec *r = sm->rec;
	r->steps[r->n_steps] = k;
	double *row = r->values + r->n_steps * r->n_indices;
	r->n_steps++;
	switch (sm->kind) {
	case MON_ARR:
		for (int64_t x = 0; x < r->n_indices; x++)
			row[x] = sm->frac >= 0 ? snn_fx_to_double((int64_t)sm->arr[r->indices[x]], sm->frac)
					       : sm->arr[r->indices[x]];
		break;
	case MON_CONST:
		for (int64_t x = 0; x < r->n_indices; x++)
			row[x] = sm->val;
		break;
	case MON_TRACE: {
		double t = (double)k * dt;
		for (int64_t x = 0; x < r->n_indices; x++) {
			int32_t i = r->indices[x];
			double tau = sm->tau_arr ? sm->tau_arr[i] : sm->tau;
			double v = sm->frac >= 0 ? snn_fx_to_double((int64_t)sm->arr[i], sm->frac) : sm->arr[i];
			row[x] = v * snn_exp(-(t - sm->tlast[i]) / tau);
		}
		break;
	}
	case MON_KERNEL:
		for (int64_t x = 0; x < r->n_indices; x++) {
			int32_t i = r->indices[x];
			double out = 0;
			sm->k(&ctx, i, (int64_t)i + 1, &out);
			row[x] = out;
		}
		break;
	}
	/* One NaN on every target (runtime.CanonicalNaN), and a warning at
	 * the first sample that is not finite (runtime.NonFiniteWarning). */
	for (int64_t x = 0; x < r->n_indices; x++) {
		double v = row[x];
		if (isfinite(v))
			continue;
		if (!sm->warned) {
			sm->warned = 1;
			char tb[64];
			snprintf(tb, sizeof tb, "%s", snn_gfmt((double)k * dt));
			fflush(stdout);
			fprintf(stderr, "%s: warning: monitor %s: %s is %s at t = %s s (step %lld, element %d); the model diverges there (a smaller dt, or another method, may help)\n",
				snn_prog, r->name, sm->what, v != v ? "NaN" : v > 0 ? "+Inf" : "-Inf", tb, (long long)k,
				(int)r->indices[x]);
		}
		if (v != v) {
			uint64_t bits = UINT64_C(0x7ff8000000000000);
			memcpy(&row[x], &bits, 8);
		}
	}
}

/* A step's spiking neurons have their rows anywhere in memory. A
 * delivery takes them ROW_BLOCK at a time: it reads the block's row
 * bounds and asks for the block's synapses, all at once, and for the next
 * block's bounds, and only then delivers the block, so that the misses
 * overlap instead of coming one after another. This halves CUBA's
 * delivery time. Blocks of 32 rows, a step's spikes of a projection of
 * CUBA 40 000 in one block, deliver 3% faster than blocks of 16 at one
 * thread and 7% at two (against the update's time, medians of 5 runs);
 * 64 are no better. */
enum { ROW_BLOCK = 32 };

/* prefetch_row asks for synapses [lo, hi) of the arrays a delivery reads. */
static inline void prefetch_row(const proj_rt *pj, int64_t lo, int64_t hi)
{
	for (int x = 0; x < pj->n_row_arr; x++) {
		uintptr_t p = (uintptr_t)(pj->row_arr[x] + lo * pj->row_size[x]) & ~(uintptr_t)63;
		uintptr_t e = (uintptr_t)(pj->row_arr[x] + hi * pj->row_size[x]);
		for (; p < e; p += 64)
			__builtin_prefetch((const void *)p);
	}
}

/* prefetch_bounds asks for the bounds of the rows of spikes [y, e):
 * their starts and, with cut, their cuts a and b. */
static inline void prefetch_bounds(const proj_rt *pj, const int32_t *due, int64_t n_due, const int32_t *cut, int64_t y,
				   int64_t e, int a, int b)
{
	for (; y < e && y < n_due; y++) {
		int32_t i = due[y];
		if (cut) {
			__builtin_prefetch(&cut[(int64_t)i * (pj->pieces + 1) + a]);
			__builtin_prefetch(&cut[(int64_t)i * (pj->pieces + 1) + b]);
		} else
			__builtin_prefetch(&pj->csr.start[i]);
	}
}

/* deliver runs on_pre over the rows of the spiking neurons due (n_due of
 * them), in order: each whole row in one call or, with split, its part
 * onto pieces [a, b) of the post population (its cuts). It returns the
 * synapses it ran. */
static int64_t deliver(snn_ctx *c, const proj_rt *pj, const int32_t *due, int64_t n_due, int split, int a, int b)
{
	const int64_t *start = pj->csr.start;
	const int32_t *cut = split ? pj->cut : NULL;
	int64_t stride = pj->pieces + 1, n = 0, lo[ROW_BLOCK], hi[ROW_BLOCK];
	snn_kernel on = pj->pr->on_pre;
	prefetch_bounds(pj, due, n_due, cut, 0, ROW_BLOCK, a, b);
	for (int64_t y = 0; y < n_due; y += ROW_BLOCK) {
		int m = n_due - y < ROW_BLOCK ? (int)(n_due - y) : ROW_BLOCK;
		for (int j = 0; j < m; j++) {
			int32_t i = due[y + j];
			lo[j] = cut ? cut[i * stride + a] : start[i];
			hi[j] = cut ? cut[i * stride + b] : start[i + 1];
			prefetch_row(pj, lo[j], hi[j]);
		}
		prefetch_bounds(pj, due, n_due, cut, y + ROW_BLOCK, y + 2 * ROW_BLOCK, a, b);
		for (int j = 0; j < m; j++) {
			if (lo[j] < hi[j])
				on(c, lo[j], hi[j], NULL);
			n += hi[j] - lo[j];
		}
	}
	return n;
}

/* gather lists the spikes that population job buffer buf holds of batch
 * population ps's neurons [lo, hi) in out, as indices from lo, in
 * increasing order, and returns how many. */
static int64_t gather(const pop_rt *ps, int buf, int64_t lo, int64_t hi, int32_t *out)
{
	const int64_t *fired = ps->pfired[buf], *counts = ps->pcounts[buf];
	int64_t m = 0;
	for (int c = 0; c < ps->pieces; c++) {
		/* A run's spikes are listed from its first piece's start
		 * (pop_part), the pieces in order. */
		const int64_t *f = fired + piece_start(ps->n, ps->pieces, c);
		for (int64_t x = 0; x < counts[c]; x++) {
			if (f[x] >= hi)
				return m;
			if (f[x] >= lo)
				out[m++] = (int32_t)(f[x] - lo);
		}
	}
	return m;
}

/* Split delivery: with enough events in a step, and every projection
 * that delivers allowing it, the thread whose part holds pieces [a, b) of
 * a population runs, projection by projection and for every spiking pre
 * neuron in order, the part of its row onto the post neurons of those
 * pieces. The synapses onto one post neuron run in the sequential order,
 * so its sums are the same; no two threads touch one neuron or synapse.
 * Onto a group, a part skips the projections onto members it holds no
 * neuron of, and delivers whole rows onto members it holds all of,
 * without reading the rows' cuts. The spikes due are the queues' (prev
 * < 0) or, in a chain, those that the last population job left in
 * buffer prev. */
static int64_t deliver_pieces(snn_ctx *c, const pop_rt *ps, int a, int b, int prev)
{
	int64_t n = 0;
	for (int x = 0; x < ps->n_in; x++) {
		int q = ps->in[x];
		const proj_rt *pj = &projs[q];
		if (b <= pj->first_piece || a >= pj->end_piece)
			continue;
		const int32_t *due;
		int64_t n_due;
		if (prev >= 0) {
			/* The thread's list, as long as the step's spikes need. */
			const pop_rt *src = &pops[pj->src];
			snn_vi32 *list = &chain_due[my_thread].v;
			int64_t most = 0;
			for (int j = 0; j < src->pieces; j++)
				most += src->pcounts[prev][j];
			snn_vi32_reserve(list, most);
			n_due = gather(src, prev, pj->src_lo, pj->src_lo + pops[pj->pr->pre].n, list->a);
			due = list->a;
		} else {
			due = pj->due;
			n_due = pj->n_due;
		}
		if (n_due > 0)
			n += deliver(c, pj, due, n_due, a > pj->first_piece || b < pj->end_piece, a, b);
	}
	return n;
}

/* step_ctx is the kernels' context in step k for a part of a population
 * job: in a chain the threads run their parts of different steps, and the
 * main thread sets ctx for its own step. (stamp is only for a global's
 * on_spike kernels, which no population job runs.) */
static snn_ctx step_ctx(int64_t k)
{
	snn_ctx c = ctx_fixed;
	c.step = k;
	c.t = (double)k * dt;
	return c;
}

/* pop_part is part t of population job h, in step k: the pop_items in
 * [pop_bound[t], pop_bound[t+1]), a population's consecutive pieces at a
 * time: delivery onto them, then, for a population in the batch, their
 * step kernel, whose spikes go into buffer h % 2. With chained, the
 * spikes due are those of job h - 1 (pop_job). The part's time, for
 * rebalance, counts from ready on, if not 0: when its thread saw the job
 * before done, the time it could have begun. */
static void pop_part(int t, unsigned h, int64_t k, int chained, double ready)
{
	double start = ready > 0 ? ready : snn_now_seconds();
	snn_ctx c = step_ctx(k);
	int buf = (int)(h % 2);
	for (int i = pop_bound[t], end = pop_bound[t + 1]; i < end;) {
		int p = pop_items[i].p, a = pop_items[i].j, e = i + 1;
		while (e < end && pop_items[e].p == p)
			e++;
		int b = a + (e - i);
		pop_rt *ps = &pops[p];
		my_item = i;
		if (work_deliver)
			stats[t].events += deliver_pieces(&c, ps, a, b, chained ? buf ^ 1 : -1);
		if (work_update && ps->in_batch) {
			int64_t lo = piece_start(ps->n, ps->pieces, a), hi = piece_start(ps->n, ps->pieces, b);
			int64_t *counts = ps->pcounts[buf];
			/* The run's spikes are listed from its first piece's start. */
			counts[a] = collect(&c, ps->p->step, lo, hi, ps->thr, ps->pfired[buf], NULL, 0);
			for (int j = a + 1; j < b; j++)
				counts[j] = 0;
		}
		i = e;
	}
	if (stats[t].n < balance_jobs)
		stats[t].times[stats[t].n++] = snn_now_seconds() - start;
}

/* run_part runs part u of population job h if the calling thread is the
 * first to claim it (ready as pop_part says), and says whether it did. */
static int run_part(int u, unsigned h, double ready)
{
	part_ctl *pc = &parts[u];
	unsigned v = atomic_load(&pc->claimed);
	do {
		if ((int)(v - h) >= 0)
			return 0; /* claimed in this job (or, for a late thread, a later one) */
	} while (!atomic_compare_exchange_weak(&pc->claimed, &v, h));
	/* Claimed: the main thread is still at job h, in its chain. */
	my_part = u;
	my_job = h;
	pop_part(u, h, chain.k0 + (int64_t)(h - chain.h0), h != chain.h0, ready);
	my_part = -1;
	atomic_store(&pc->done, h);
	int main_waits = atomic_load(&main_sleeping), chain_waits = atomic_load(&chain_sleepers) > 0;
	if (main_waits || chain_waits) {
		pthread_mutex_lock(&pool_mu);
		if (main_waits)
			pthread_cond_signal(&pool_done);
		if (chain_waits)
			pthread_cond_broadcast(&pool_job);
		pthread_mutex_unlock(&pool_mu);
	}
	return 1;
}

static int job_done(uint_fast64_t h)
{
	return parts_done((unsigned)h);
}

/* failed_before says, once every part of population job h - 1 is done,
 * whether one failed in an earlier job than h: then the main thread
 * reports it and exits. A part of job h or a later one may have failed
 * already too, on a thread that went on (a late worker finds the main
 * thread ahead): the worker must still run its own parts of those jobs,
 * which the main thread waits for, and whose error may come first. */
static int failed_before(unsigned h)
{
	if (atomic_load(&fail_item) < 0)
		return 0;
	pthread_mutex_lock(&pool_mu);
	int before = (int)(fail_job - h) < 0;
	pthread_mutex_unlock(&pool_mu);
	return before;
}

/* run_pop_job runs a worker's own parts of the chain of len population
 * jobs from h0: each as soon as every part of the job before is done. */
static void run_pop_job(int t, unsigned h0, unsigned len)
{
	for (unsigned h = h0; h - h0 < len; h++) {
		double ready = 0;
		if (h != h0) {
			await(job_done, h - 1, &chain_sleepers); /* run_part wakes it */
			if (failed_before(h))
				return; /* a part of job h - 1 failed: its lists are not all there */
			ready = snn_now_seconds();
		}
		if (late_workers && h % 3 == 0) {
			/* for tests: come late to every third job */
			struct timespec d = {0, 200000};
			nanosleep(&d, NULL);
		}
		run_part(t, h, ready);
	}
}

/* chain_room is how many steps from step k on may run as one chain of
 * population jobs: fused steps (delivery and update in one job), while no
 * state monitor samples, to the end of the run and of the rebalance
 * window. */
static int64_t chain_room(int64_t k)
{
	if (!chainable || !(work_deliver && work_update))
		return 1;
	int64_t n = steps - k, w = balance_jobs - mo.pop_jobs % balance_jobs;
	if (w < n)
		n = w;
	for (int i = 0; i < n_state_mons; i++) {
		int64_t e = state_mons[i].rec->every, next = (k / e + 1) * e;
		if (next - k < n)
			n = next - k;
	}
	return n < 0x40000000 ? n : 0x40000000;
}

/* pop_job runs a population job in step k on the pool and returns its
 * number when all its parts are done: the next job of the chain being
 * run, or the first of a new chain (chain_room), one job per step. In a
 * chain, a thread runs its part of the next step as soon as every part
 * of this one is done, with the spikes the parts found (buffer h % 2),
 * while the main thread lists, counts and records them (its own part
 * waits for that). */
static unsigned pop_job(int64_t k)
{
	unsigned h;
	double ready = 0;
	if (mo.chain_left > 0) {
		/* The main thread's part counts from the end of the last job:
		 * its sequential part since then delays it. */
		mo.chain_left--;
		mo.chained++;
		h = chain.h0 + (unsigned)(k - chain.k0);
		ready = mo.last_done;
	} else {
		int64_t room = chain_room(k);
		h = (unsigned)(mo.pop_issued + 1);
		chain.h0 = h;
		chain.k0 = k;
		mo.chain_left = room - 1;
		mo.pop_issued += (uint_fast64_t)room;
		atomic_store(&pool_gen, (uint_fast64_t)h << 32 | (uint_fast64_t)room << 1 | 1);
		if (atomic_load(&pool_sleepers) > 0) {
			pthread_mutex_lock(&pool_mu);
			pthread_cond_broadcast(&pool_job);
			pthread_mutex_unlock(&pool_mu);
		}
	}
	double t0 = snn_now_seconds();
	run_part(0, h, ready);
	/* The part of a thread that did not come to the last job either is
	 * run at once when still unclaimed: the system has not given that
	 * thread a processor since, and in the meantime the main thread runs
	 * the network at the speed of one thread, not slower. A thread that
	 * runs claims its part in the first microsecond of the job. */
	for (int u = 1; u < nthreads; u++)
		if (absent[u])
			absent[u] = run_part(u, h, 0);
	/* A part not begun TAKE_OVER times as long after the main thread's
	 * own began is run by the main thread: its thread is not running (the
	 * system has given its processor to something else). Sooner costs
	 * more than it saves: the main thread would run the part out of the
	 * other thread's cache, and that thread its next part out of the main
	 * thread's; taking parts over at once made CUBA at 40 000 neurons
	 * slower at two threads than at one. */
	finish(parts_done, h, TAKE_OVER * (snn_now_seconds() - t0) + t0);
	mo.last_done = snn_now_seconds();
	return h;
}

/* median is the middle one of a's n > 0 values (a is reordered): Hoare's
 * selection, in a time linear in n (rebalance runs between jobs, on the
 * main thread, while the others wait). */
static double median(double *a, int64_t n)
{
	int64_t k = n / 2, lo = 0, hi = n - 1;
	while (lo < hi) {
		double pivot = a[lo + (hi - lo) / 2];
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				double t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

/* rebalance moves a piece across the boundary of two neighbouring parts
 * when the one took longer than the other by more than a piece's time:
 * moving it then brings the two closer. A part's time is its median over
 * the jobs since the last rebalance. With the sums instead, a part whose
 * thread the system stopped for a millisecond, or that had just received
 * a piece out of the other core's cache, decided: the boundary of CUBA
 * 40 000 moved in one rebalance of four, mostly back and forth, and each
 * move carries a piece's state to the other core. */
static void rebalance(void)
{
	double total = 0;
	for (int t = 0; t < nthreads; t++) {
		part_stat *st = &stats[t];
		st->median = st->n > 0 ? median(st->times, st->n) : 0;
		total += st->median;
		st->n = 0;
	}
	double piece = total / n_pop_items;
	for (int t = 1; t < nthreads; t++) {
		double d = stats[t - 1].median - stats[t].median;
		if (d > piece && pop_bound[t] - 1 > pop_bound[t - 1])
			pop_bound[t]--;
		else if (-d > piece && pop_bound[t] + 1 < pop_bound[t + 1])
			pop_bound[t]++;
	}
}

/* par_pops runs a population job in step k (in a chain, if fused); with
 * update, it then lists each batch population's spikes in its spikes,
 * piece by piece. */
static void par_pops(int64_t k, int deliver, int update)
{
	/* Written only when they change: the other threads read them. */
	if (work_deliver != deliver)
		work_deliver = deliver;
	if (work_update != update)
		work_update = update;
	unsigned h;
	if (mo.chain_left > 0 && !(deliver && update)) {
		/* Every step of a chain is fused (chain_room). */
		fprintf(stderr, "%s: internal error: step %lld is not fused, in a chain\n", snn_prog, (long long)k);
		abort();
	}
	if (pops_shared)
		h = pop_job(k);
	else {
		h = (unsigned)++mo.pop_issued;
		pop_part(0, h, k, 0, 0);
	}
	if (pops_shared && ++mo.pop_jobs % balance_jobs == 0)
		rebalance(); /* between chains (chain_room) */
	if (!update)
		return;
	for (int x = 0; x < n_batch; x++) {
		pop_rt *ps = &pops[batch[x]];
		ps->n_fused = gather(ps, (int)(h % 2), 0, ps->n, ps->spikes);
	}
}

/* spike runs steps 6 and 7 for a population. The spikes go into the
 * queues of its projections, unless the next step is one of this chain
 * (pop_job): its parts find them among the pieces' spikes. */
static void spike(int p, int64_t k)
{
	int queue = mo.chain_left == 0;
	const snn_population *pop = &M->populations[p];
	pop_rt *ps = &pops[p];
	for (int d = 0; d < pop->n_dendrites; d++) {
		const snn_dendrite *den = &pop->dendrites[d];
		dend_rt *ds = &ps->dends[d];
		if (!den->threshold)
			continue;
		ds->n_fired = par_collect(den->threshold, ds->n, ds->thr, ds->fired, NULL, 0);
		if (den->reset)
			for (int64_t x = 0; x < ds->n_fired; x++)
				den->reset(&ctx, ds->fired[x], ds->fired[x] + 1, NULL);
	}
	int64_t ns;
	if (ps->in_batch)
		ns = ps->n_fused; /* listed by par_pops; reset and refractory already */
	else {
		if (pop->step)
			ns = ps->n_fused; /* reset and refractory already */
		else if (pop->threshold) {
			ns = par_collect(pop->threshold, ps->n, ps->thr, ps->fired, ps->ref, k);
			reset_spikes(pop, ps->ref, ps->fired, ns, k);
		} else
			return;
		for (int64_t x = 0; x < ns; x++)
			ps->spikes[x] = (int32_t)ps->fired[x];
	}
	ps->n_spikes = ns;
	ps->count += ns;
	for (int x = 0; queue && x < ps->n_out; x++)
		snn_queue_push(&projs[ps->out[x]].q, k, ps->spikes, ns);
	/* A group's spikes are its members', each in its range (in order). */
	for (int y = 0; y < ps->n_members; y++) {
		pop_rt *ms = &pops[ps->members[y]];
		int64_t lo = ms->p->offset, hi = lo + ms->n, m = 0;
		for (int64_t x = 0; x < ns; x++)
			if (ps->spikes[x] >= lo && ps->spikes[x] < hi)
				ms->spikes[m++] = (int32_t)(ps->spikes[x] - lo);
		ms->n_spikes = m;
		ms->count += m;
		for (int x = 0; queue && x < ms->n_out; x++)
			snn_queue_push(&projs[ms->out[x]].q, k, ms->spikes, m);
	}
}

/* The steps run: all, or those before a signal asked the run to end. */
static int64_t steps_done;

static void loop(void)
{
	steps_done = steps;
	for (int64_t k = 0; k < steps; k++) {
		/* Before every step, as the interpreter's Options.Stop: the
		 * recordings then hold whole steps. In a chain a worker may have
		 * begun this step's part; nothing it writes is a recording. */
		if (snn_stop_signal) {
			steps_done = k;
			break;
		}
		double t = (double)k * dt;
		ctx.step = k;
		ctx.t = t;
		if (O->progress && k % 1024 == 0)
			snn_progress(k, steps);

		/* 1. Currents. */
		for (int i = 0; i < M->n_currents; i++)
			par(curs[i].c->value, curs[i].n, ctx.var[curs[i].c->var]);

		/* 2. Delivery, projection by projection, by pre neuron, then in
		 * synapse order. */
		int split = nthreads > 1;
		for (int q = 0; q < M->n_projections; q++) {
			proj_rt *ps = &projs[q];
			ps->due = snn_queue_deliver(&ps->q, k, &ps->n_due);
			if (!ps->pr->on_pre || ps->n_due == 0) {
				ps->n_due = 0;
				continue;
			}
			split = split && ps->split && !ps->q.per_syn;
		}
		/* With nothing between delivery and the updates in this step,
		 * one dispatch does both: each thread delivers onto its part of
		 * the post neurons, then updates that same part, and counts the
		 * events it delivers (stats). */
		int fused = split && step_fusable;
		for (int i = 0; fused && i < n_state_mons; i++)
			fused = k % state_mons[i].rec->every != 0;
		if (fused) {
			par_pops(k, 1, 1);
			goto updated;
		}
		/* Delivery is split when the step has enough events; they are
		 * counted only when it could be (no queue per synapse then). */
		int64_t step_events = 0;
		for (int q = 0; split && q < M->n_projections; q++) {
			const proj_rt *ps = &projs[q];
			for (int64_t x = 0; x < ps->n_due; x++)
				step_events += ps->csr.start[ps->due[x] + 1] - ps->csr.start[ps->due[x]];
		}
		if (split && step_events >= split_events)
			par_pops(k, 1, 0);
		else {
			for (int q = 0; q < M->n_projections; q++) {
				proj_rt *ps = &projs[q];
				snn_kernel on = ps->pr->on_pre;
				if (ps->n_due == 0)
					continue;
				if (ps->q.per_syn) {
					for (int64_t x = 0; x < ps->n_due; x++)
						on(&ctx, ps->due[x], (int64_t)ps->due[x] + 1, NULL);
					mo.events += ps->n_due;
					continue;
				}
				/* A pre neuron's synapses are a contiguous range in
				 * synapse order: one call runs them all, in order. */
				mo.events += deliver(&ctx, ps, ps->due, ps->n_due, 0, 0, 0);
			}
		}

		/* 3. Postsynaptic events and globals' on spike, for the spikes of
		 * the previous step. */
		for (int q = 0; q < M->n_projections; q++) {
			proj_rt *ps = &projs[q];
			snn_kernel on = ps->pr->on_post;
			if (!on)
				continue;
			pop_rt *post = &pops[ps->pr->post];
			for (int64_t x = 0; x < post->n_prev; x++) {
				int32_t j = post->prev[x];
				for (int64_t n = ps->bp_start[j]; n < ps->bp_start[j + 1]; n++)
					on(&ctx, ps->bp_syn[n], (int64_t)ps->bp_syn[n] + 1, NULL);
			}
		}
		for (int p = 0; p < M->n_populations; p++) {
			const snn_population *g = &M->populations[p];
			for (int x = 0; x < g->n_on_spike; x++) {
				const snn_on_spike *os = &g->on_spike[x];
				const int32_t *prev;
				int64_t n;
				if (os->src_kind == 0) {
					prev = pops[os->src].prev;
					n = pops[os->src].n_prev;
				} else {
					prev = inputs[os->src].prev;
					n = inputs[os->src].n_prev;
				}
				for (int64_t y = 0; y < n; y++) {
					ctx.stamp = prev[y];
					os->k(&ctx, 0, 1, NULL);
				}
			}
		}

		/* 4. State monitors. */
		for (int i = 0; i < n_state_mons; i++)
			if (k % state_mons[i].rec->every == 0)
				sample(&state_mons[i], k);

		/* 5. Integration: globals, synapses, dendrites, neurons. */
		for (int p = 0; p < M->n_populations; p++)
			if (M->populations[p].global && M->populations[p].update)
				par(M->populations[p].update, pops[p].n, NULL);
		for (int q = 0; q < M->n_projections; q++)
			par(M->projections[q].update, projs[q].nsyn, NULL);
		if (n_batch > 0) {
			/* The populations with a step kernel, in one dispatch
			 * (each reads only its own neurons). */
			par_pops(k, 0, 1);
		}
	updated:
		for (int p = 0; p < M->n_populations; p++) {
			const snn_population *pop = &M->populations[p];
			if (pop->global || pops[p].in_batch)
				continue;
			for (int d = 0; d < pop->n_dendrites; d++)
				par(pop->dendrites[d].update, pops[p].dends[d].n, NULL);
			if (pop->step)
				pops[p].n_fused = par_collect(pop->step, pops[p].n, pops[p].thr, pops[p].fired, NULL, 0);
			else
				par(pop->update, pops[p].n, NULL);
		}

		/* 6 and 7. Dendritic events, then threshold, reset and
		 * refractoriness of the somata. */
		for (int p = 0; p < M->n_populations; p++)
			if (!M->populations[p].global)
				spike(p, k);
		for (int i = 0; i < M->n_inputs; i++) {
			input_rt *in = &inputs[i];
			int64_t len;
			const int32_t *s = in->is_poisson ? snn_poisson_step(&in->poisson, k, &len)
							  : snn_train_step(&in->train, k, &len);
			memcpy(in->spikes, s, (size_t)len * sizeof(int32_t));
			in->n_spikes = len;
			in->count += len;
			for (int x = 0; x < in->n_out; x++)
				snn_queue_push(&projs[in->out[x]].q, k, in->spikes, len);
		}
		for (int i = 0; i < n_spike_mons; i++) {
			snn_spike_rec *r = spike_mons[i].rec;
			const int32_t *s = *spike_mons[i].spikes;
			int64_t n = *spike_mons[i].n, m = r->index.n;
			reserve_spikes(r, m + n, k);
			for (int64_t x = 0; x < n; x++)
				if (!r->keep || r->keep[s[x]]) {
					r->steps.a[m] = k;
					r->index.a[m++] = s[x];
				}
			r->steps.n = r->index.n = m;
		}
		for (int p = 0; p < M->n_populations; p++) {
			pop_rt *ps = &pops[p];
			int32_t *tmp = ps->prev;
			ps->prev = ps->spikes;
			ps->n_prev = ps->n_spikes;
			ps->spikes = tmp;
			ps->n_spikes = 0;
		}
		for (int i = 0; i < M->n_inputs; i++) {
			input_rt *in = &inputs[i];
			int32_t *tmp = in->prev;
			in->prev = in->spikes;
			in->n_prev = in->n_spikes;
			in->spikes = tmp;
			in->n_spikes = 0;
		}
	}
	if (O->progress)
		snn_progress(steps, steps);
}

void snn_run(const snn_model *m, const snn_options *o, snn_spike_rec **spikes, int *n_spikes,
	snn_state_rec **states, int *n_states, snn_summary *sum)
{
	double start = snn_now_seconds();
	M = m;
	O = o;
	dt = m->dt;
	steps = m->steps;
	seed = o->has_seed ? o->seed : m->seed;
	snn_err_ctx[0] = 0;
	if (o->duration > 0) {
		double st = round(o->duration / dt);
		if (!(st >= 1 && st <= 1099511627776.0)) {
			char a[64], b[64];
			snprintf(a, sizeof a, "%s", snn_gfmt(o->duration));
			snprintf(b, sizeof b, "%s", snn_gfmt(st));
			snn_fail("a duration of %s s is %s steps of %s s; it must be 1 to 2^40 steps", a, b, snn_gfmt(dt));
		}
		steps = (int64_t)st;
	}
	if (steps < 1 || !(dt > 0))
		snn_fail("the run has %lld steps of %s s; it needs at least one", (long long)steps, snn_gfmt(dt));
	check_memory();
	pool_start(o->threads);
	build();
	ctx_fixed = ctx;
	ctx_fixed.stamp = 0;
	loop();

	memset(sum, 0, sizeof *sum);
	sum->model = m->source;
	sum->target = "llvm";
	sum->seed = seed;
	sum->dt = dt;
	sum->duration = (double)steps * dt;
	sum->steps = steps;
	sum->interrupted = steps_done < steps;
	sum->steps_done = steps_done;
	/* rates over the time run: all of it, or up to the interruption */
	double ran = (double)steps_done * dt;
	if (getenv("SNNRT_POOL_STATS")) /* for tests */
		fprintf(stderr, "snnrt: %lld population jobs, %lld of them in chains after the first\n",
			(long long)mo.pop_jobs, (long long)mo.chained);
	/* the parts' counts only grow, and are read only now */
	sum->events = mo.events;
	for (int t = 0; t < nthreads; t++)
		sum->events += stats[t].events;
	sum->pops = snn_xcalloc((size_t)(m->n_populations + m->n_inputs + 1), sizeof(snn_pop_summary));
	for (int p = 0; p < m->n_populations; p++) {
		if (m->populations[p].global || pops[p].n_members > 0)
			continue; /* a group's spikes are its members' */
		pop_rt *ps = &pops[p];
		sum->pops[sum->n_pops++] = (snn_pop_summary){m->populations[p].name, ps->n, ps->count,
			steps_done == 0 ? 0 : (double)ps->count / (double)ps->n / ran};
	}
	for (int i = 0; i < m->n_inputs; i++) {
		input_rt *in = &inputs[i];
		sum->pops[sum->n_pops++] = (snn_pop_summary){m->inputs[i].name, m->inputs[i].size, in->count,
			steps_done == 0 ? 0 : (double)in->count / (double)m->inputs[i].size / ran};
	}
	sum->syn_names = snn_xcalloc((size_t)m->n_projections + 1, sizeof(char *));
	sum->syn_counts = snn_xcalloc((size_t)m->n_projections + 1, sizeof(int64_t));
	for (int q = 0; q < m->n_projections; q++) {
		if (m->projections[q].rule == SNN_PARTS)
			continue; /* a merged projection's synapses are its parts' */
		sum->syn_names[sum->n_syn] = m->projections[q].name;
		sum->syn_counts[sum->n_syn++] = projs[q].nsyn;
	}
	/* as Go's time.Duration.Seconds, from whole nanoseconds */
	int64_t ns = (int64_t)((snn_now_seconds() - start) * 1e9);
	sum->wall_seconds = (double)(ns / 1000000000) + (double)(ns % 1000000000) / 1e9;
	*spikes = spike_recs;
	*n_spikes = n_spike_mons;
	*states = state_recs;
	*n_states = n_state_mons;
}
