/*
 * pool.c: the worker pool and its jobs (pool.h). A kernel job runs a
 * kernel's elements in chunks, one per thread; snn_parallel runs a
 * function of the build in parts; a population job runs the step loop's
 * pieces of the populations (step.c's pop_part), one part per thread, in
 * chains of steps that the threads run without the main thread; and a
 * kernel's error on any thread is reported as the sequential run would
 * report it (snn_fail_segment). The pool knows nothing of the network:
 * it uses util.c only, and the files above it (connect.c, build.c,
 * synapses.c, step.c) call into it.
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
 * any number of threads and any division.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

snn_pool_config snn_pool = {
	.threads = 1,
	.min_chunk = 2048,
	/* A delivery with fewer events runs on one thread (step.c). */
	.split_events = 1024,
	/* rebalance looks at the threads' times every balance_jobs jobs. */
	.balance_jobs = 128,
};

/* A population has at most this many pieces per thread, of at least
 * min_chunk / 2 neurons: the unit in which rebalance moves work. Each row
 * of a projection that delivers split keeps where each piece begins in it
 * (proj_rt.cut). Finer pieces (64 in all at two threads) made CUBA at
 * 40 000 neurons slower at two threads, not faster. */
enum { PIECES_PER_THREAD = 8 };
static pthread_t *workers;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_job = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;

/* The job word, in pool_gen: what a waiting worker looks at. Kernel jobs
 * and population jobs are numbered apart; a population job begins a
 * chain of chain jobs (pop_job), numbered from number on. */
typedef struct job_word {
	unsigned number;
	int pop;        /* a population job (else a kernel job) */
	unsigned chain; /* a population job's chain length, below 2^31 */
} job_word;

/* The word is the number << 32, and for a population job bit 0 set and
 * the chain's length in bits 1 to 31. */
static inline uint_fast64_t job_word_pack(job_word w)
{
	return (uint_fast64_t)w.number << 32 | (uint_fast64_t)w.chain << 1 | (uint_fast64_t)(w.pop != 0);
}

static inline job_word job_word_unpack(uint_fast64_t g)
{
	return (job_word){(unsigned)(g >> 32), (int)(g & 1), (unsigned)(g >> 1) & 0x7FFFFFFF};
}

/* Each on a cache line of its own: the workers spin on them while the
 * main thread writes the network's state. */
static _Alignas(64) atomic_uint_fast64_t pool_gen; /* a job_word */
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
/* A population job is one part per thread (items.bound), and a part is
 * run by the thread that claims it: its own, or, when that one has not
 * begun it by the time another is done with its own part, that other. A
 * thread the system stops for a while (a virtual machine's processor
 * taken for another) then does not stop every step; which thread runs a
 * part never changes its results. Per part, each on a cache line of its
 * own: the number of the last population job it was claimed in, and done
 * in (the main thread reads done while it waits; a thread's claim then
 * finds its line still in its own cache). The main thread waits for the
 * parts, not for the threads, and a thread that comes late to a job finds
 * its parts claimed. */
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
/* What a population job runs (snn_pool_pop_parts), set before the first. */
static struct {
	snn_pop_part_fn fn;
	int *bound; /* thread t's part: items [bound[t], bound[t+1]) */
	int n_items;
	int shared; /* whether the threads share them, or the main thread runs them */
} items;
static int late_workers;
enum { TAKE_OVER = 4 };
/* The part a thread runs in a population job, and the job, or -1. */
static _Thread_local int my_part = -1;
static _Thread_local unsigned my_job;
static _Alignas(64) struct {
	void (*fn)(int thread);
	/* A kernel job (kernel_part): k over n elements from base on, in
	 * chunks, one per thread while they last. With idx, each chunk also lists its
	 * elements whose result is not 0 (and, with ref, that are not
	 * refractory in step kstep) in idx[lo...], counts[chunk] of them. */
	int chunks;
	snn_kernel k;
	int64_t base, n;
	double *out;
	int64_t *idx;
	const int64_t *ref;
	int64_t kstep;
	int64_t *counts;
} job;
/* The kernels' context (the network's, build.c). */
static snn_ctx *kctx;
/* Who runs what: the thread (0 is the main thread) and the first
 * element's chunk or piece of the part it is running. */
static _Thread_local int my_thread;
_Thread_local int snn_pool_item;
/* A kernel's error in a parallel job: the lowest part's is reported, of
 * the first job that has one (fail.job: the population job's number, 0
 * for a kernel job). In a chain, a thread may fail in the next job
 * before the main thread has looked at this one. */
static struct {
	atomic_int item; /* the item that failed, or -1 */
	unsigned job;
	char msg[512];
} fail = {.item = -1};

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

/* parts_done says whether every part of population job h is done: in it
 * or, as a chain goes on without the main thread, in a later one. */
static int parts_done(unsigned h)
{
	for (int u = 0; u < snn_pool.threads; u++)
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
		job_word w = job_word_unpack(g);
		if (w.pop) {
			run_pop_job(id, w.number, w.chain);
			continue;
		}
		/* Every worker acknowledges every other job, so none can lag
		 * behind and read the fields of the next job as this one's. */
		job.fn(id);
		part_done();
	}
	return NULL;
}

void snn_pool_start(int n, snn_ctx *c)
{
	snn_pool.threads = n;
	kctx = c;
	const char *mc = getenv("SNNRT_MIN_CHUNK"); /* for tests: split even small kernels */
	if (mc && atoll(mc) > 0)
		snn_pool.min_chunk = atoll(mc);
	const char *se = getenv("SNNRT_SPLIT_EVENTS"); /* for tests: split every delivery */
	if (se && atoll(se) > 0)
		snn_pool.split_events = atoll(se);
	late_workers = getenv("SNNRT_LATE_WORKERS") != NULL; /* for tests: the main thread runs others' parts */
	const char *bj = getenv("SNNRT_BALANCE_JOBS"); /* for tests: move the parts' boundaries often */
	if (bj && atoll(bj) > 0)
		snn_pool.balance_jobs = atoll(bj);
	job.counts = snn_xcalloc((size_t)n, sizeof(int64_t));
	stats = snn_xcalloc_lines((size_t)n, sizeof(part_stat));
	for (int t = 0; t < n; t++)
		stats[t].times = snn_xcalloc_lines((size_t)snn_pool.balance_jobs, sizeof(double));
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

/* chunks_of is how many chunks snn_par_run splits n elements into. */
static int chunks_of(int64_t n)
{
	int64_t chunks = snn_pool.threads;
	if (n / snn_pool.min_chunk < chunks)
		chunks = n / snn_pool.min_chunk;
	return chunks < 1 ? 1 : (int)chunks;
}

/* WORK_BASE is a simple neuron's step in operations (a LIF's fused step
 * is about 30 IR instructions), the cost that min_chunk was measured on
 * (CUBA). */
enum { WORK_BASE = 32 };

/* snn_step_weight is n neurons whose step costs work operations each, as
 * a number of simple neurons: the size that snn_pieces_of and the
 * threads' shares weigh. COBAHH's 4000 Hodgkin-Huxley neurons (12 exps
 * and 30 divisions a step each, about 27 times a LIF's work) are worth
 * two threads; as 4000 neurons they were under min_chunk's two shares,
 * and ran on one. */
int64_t snn_step_weight(int64_t n, int32_t work)
{
	int64_t scale = work > WORK_BASE ? work / WORK_BASE : 1;
	return n > INT64_MAX / scale ? INT64_MAX : n * scale;
}

/* snn_pieces_of is how many pieces a population of n neurons, weighing
 * weight simple neurons (snn_step_weight), is cut into: pieces of at
 * least min_chunk / 2 of weight, at most PIECES_PER_THREAD a thread, and
 * at most n. */
int snn_pieces_of(int64_t n, int64_t weight, int threads)
{
	if (threads <= 1)
		return 1;
	int64_t min_chunk = snn_pool.min_chunk;
	int64_t pieces = weight / (min_chunk > 1 ? min_chunk / 2 : 1), most = (int64_t)threads * PIECES_PER_THREAD;
	if (pieces > most)
		pieces = most;
	if (pieces > n)
		pieces = n;
	return pieces < 1 ? 1 : (int)pieces;
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
	char msg[sizeof fail.msg];
	pthread_mutex_lock(&pool_mu);
	memcpy(msg, fail.msg, sizeof msg);
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
			for (int u = 1; u < snn_pool.threads; u++)
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
	if (atomic_load(&fail.item) >= 0) {
		pthread_mutex_lock(&pool_mu);
		int failed = fail.job == h;
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
	if (snn_pool.threads <= 1) {
		fn(0);
		return;
	}
	atomic_store(&pool_pending, snn_pool.threads - 1);
	atomic_store(&pool_gen, job_word_pack((job_word){.number = (unsigned)++mo.jobs_issued}));
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
	int64_t lo = job.base + snn_piece_start(job.n, job.chunks, c), hi = job.base + snn_piece_start(job.n, job.chunks, c + 1);
	snn_pool_item = c;
	if (job.idx)
		job.counts[c] = snn_collect(kctx, job.k, lo, hi, job.out, job.idx, job.ref, job.kstep);
	else if (lo < hi)
		job.k(kctx, lo, hi, job.out ? job.out + lo : NULL);
}

void snn_par_run(snn_kernel k, int64_t base, int64_t n, double *out, int64_t *idx, const int64_t *ref, int64_t kstep)
{
	job.k = k;
	job.base = base;
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
	if (min_part > snn_pool.min_chunk)
		min_part = snn_pool.min_chunk; /* SNNRT_MIN_CHUNK, for tests */
	int64_t parts = min_part > 0 ? n / min_part : n;
	if (parts > snn_pool.threads)
		parts = snn_pool.threads;
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

/* join_pieces moves the lists each of the pieces of n elements from base
 * on wrote at its own start in idx (counts[c] entries each) together, from
 * idx[0] on, and returns the total. */
static int64_t join_pieces(int64_t *idx, const int64_t *counts, int64_t base, int64_t n, int pieces)
{
	int64_t total = 0;
	for (int c = 0; c < pieces; c++) {
		int64_t lo = base + snn_piece_start(n, pieces, c);
		if (lo != total)
			memmove(idx + total, idx + lo, (size_t)counts[c] * sizeof(int64_t));
		total += counts[c];
	}
	return total;
}

int64_t snn_par_collect_range(snn_kernel k, int64_t lo, int64_t hi, double *out, int64_t *idx, const int64_t *ref,
	int64_t kstep)
{
	if (hi <= lo)
		return 0;
	snn_par_run(k, lo, hi - lo, out, idx, ref, kstep);
	return join_pieces(idx, job.counts, lo, hi - lo, job.chunks);
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
	if (fail.item < 0 || (job == fail.job && snn_pool_item < fail.item)) {
		fail.item = snn_pool_item;
		fail.job = job;
		snprintf(fail.msg, sizeof fail.msg, "%s", msg);
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
/* Population jobs.                                                     */

void snn_pool_pop_parts(snn_pop_part_fn fn, int *bound, int n_items, int shared)
{
	items.fn = fn;
	items.bound = bound;
	items.n_items = n_items;
	items.shared = shared;
}

int snn_pool_in_chain(void)
{
	return mo.chain_left > 0;
}

/* pop_part is part t of population job h, in step k: the step loop's
 * items in [bound[t], bound[t+1]), with chained as snn_pop_part_fn says.
 * The part's time, for rebalance, counts from ready on, if not 0: when
 * its thread saw the job before done, the time it could have begun. */
static void pop_part(int t, unsigned h, int64_t k, int chained, double ready)
{
	double start = ready > 0 ? ready : snn_now_seconds();
	stats[t].events += items.fn(my_thread, h, k, chained, items.bound[t], items.bound[t + 1]);
	if (stats[t].n < snn_pool.balance_jobs)
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
	if (atomic_load(&fail.item) < 0)
		return 0;
	pthread_mutex_lock(&pool_mu);
	int before = (int)(fail.job - h) < 0;
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

/* pop_job runs a population job in step k on the pool and returns its
 * number when all its parts are done: the next job of the chain being
 * run, or the first of a new chain (room(k) steps, to the end of the
 * rebalance window at most), one job per step. In a chain, a thread runs
 * its part of the next step as soon as every part of this one is done,
 * with the spikes the parts found (buffer h % 2), while the main thread
 * lists, counts and records them (its own part waits for that). */
static unsigned pop_job(int64_t k, int64_t (*room_of)(int64_t k))
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
		int64_t room = room_of(k), w = snn_pool.balance_jobs - mo.pop_jobs % snn_pool.balance_jobs;
		if (w < room)
			room = w;
		if (room > 0x40000000)
			room = 0x40000000;
		h = (unsigned)(mo.pop_issued + 1);
		chain.h0 = h;
		chain.k0 = k;
		mo.chain_left = room - 1;
		mo.pop_issued += (uint_fast64_t)room;
		atomic_store(&pool_gen, job_word_pack((job_word){.number = h, .pop = 1, .chain = (unsigned)room}));
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
	for (int u = 1; u < snn_pool.threads; u++)
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
	int *bound = items.bound;
	for (int t = 0; t < snn_pool.threads; t++) {
		part_stat *st = &stats[t];
		st->median = st->n > 0 ? median(st->times, st->n) : 0;
		total += st->median;
		st->n = 0;
	}
	double piece = total / items.n_items;
	for (int t = 1; t < snn_pool.threads; t++) {
		double d = stats[t - 1].median - stats[t].median;
		if (d > piece && bound[t] - 1 > bound[t - 1])
			bound[t]--;
		else if (-d > piece && bound[t] + 1 < bound[t + 1])
			bound[t]++;
	}
}

unsigned snn_pool_pop_job(int64_t k, int64_t (*room)(int64_t k))
{
	if (!items.shared) {
		/* Too few neurons to share: the main thread runs them all. */
		unsigned h = (unsigned)++mo.pop_issued;
		pop_part(0, h, k, 0, 0);
		return h;
	}
	unsigned h = pop_job(k, room);
	if (++mo.pop_jobs % snn_pool.balance_jobs == 0)
		rebalance(); /* between chains (pop_job) */
	return h;
}

int64_t snn_pool_events(void)
{
	/* the parts' counts only grow, and are read only now */
	int64_t n = 0;
	for (int t = 0; t < snn_pool.threads; t++)
		n += stats[t].events;
	return n;
}

void snn_pool_report(void)
{
	fprintf(stderr, "snnrt: %lld population jobs, %lld of them in chains after the first\n", (long long)mo.pop_jobs,
		(long long)mo.chained);
}
