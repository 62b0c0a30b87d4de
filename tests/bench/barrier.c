/*
 * barrier.c: what one barrier per step allows on this machine, whatever
 * the simulator. Each step is two equal parts of a CUBA-like neuron update
 * (20 000 neurons each, as the two threads' parts of CUBA 40 000): run one
 * after the other on one thread, then one part on each of two threads
 * that meet after every step, alternately, 1000 steps at a time (the
 * machine's speed drifts). The ratio of the two times is the speed-up a
 * perfect division of the work would reach with a barrier per step; the
 * host's jitter (a core slower in one step than the other) and the
 * barrier's own cost keep it under 2. tests/bench/native.sh prints it next
 * to snnc's ratio.
 *
 *	cc -O3 -march=native -pthread -o barrier barrier.c && ./barrier [STEPS]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { N = 20000 };

typedef struct part {
	double *v, *ge, *gi;
	unsigned char *out;
} part;

enum { ROUND = 1000 };

static part parts[2];
static _Alignas(64) atomic_long started;
static _Alignas(64) atomic_long done;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* update is a step of N leaky integrate-and-fire neurons (the synaptic
 * variables decay towards a constant input, never into subnormals). */
static void update(part *p)
{
	for (int i = 0; i < N; i++) {
		double v = 0.995 * p->v[i] + 0.0049 * p->ge[i] + 0.0049 * p->gi[i] - 0.0002;
		p->ge[i] = 0.98 * p->ge[i] + 2e-5;
		p->gi[i] = 0.99 * p->gi[i] - 1e-5;
		int spike = v > -0.05;
		p->v[i] = spike ? -0.06 : v;
		p->out[i] = (unsigned char)spike;
	}
}

/* second runs the second part of steps [k, k + ROUND). */
static void *second(void *arg)
{
	long k0 = *(long *)arg;
	for (long k = k0; k < k0 + ROUND; k++) {
		while (atomic_load(&started) <= k)
			;
		update(&parts[1]);
		atomic_store(&done, k + 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 20000;
	if (steps < ROUND) {
		fprintf(stderr, "usage: barrier [STEPS], at least %d\n", ROUND);
		return 2;
	}
	for (int t = 0; t < 2; t++) {
		part *p = &parts[t];
		p->v = aligned_alloc(64, N * sizeof(double));
		p->ge = aligned_alloc(64, N * sizeof(double));
		p->gi = aligned_alloc(64, N * sizeof(double));
		p->out = aligned_alloc(64, N);
		if (!p->v || !p->ge || !p->gi || !p->out) {
			fprintf(stderr, "barrier: out of memory\n");
			return 1;
		}
		for (int i = 0; i < N; i++) {
			p->v[i] = -0.06 + 1e-6 * i;
			p->ge[i] = 0.001;
			p->gi[i] = -0.001;
		}
	}
	for (long k = 0; k < 1000; k++) { /* warm up */
		update(&parts[0]);
		update(&parts[1]);
	}
	double one = 0, two = 0;
	long k = 0;
	for (long r = 0; r < steps / ROUND; r++) {
		double t0 = now();
		for (long j = 0; j < ROUND; j++) {
			update(&parts[0]);
			update(&parts[1]);
		}
		one += now() - t0;
		pthread_t th;
		long k0 = k;
		if (pthread_create(&th, NULL, second, &k0) != 0) {
			fprintf(stderr, "barrier: cannot start a thread\n");
			return 1;
		}
		t0 = now();
		for (; k < k0 + ROUND; k++) {
			atomic_store(&started, k + 1);
			update(&parts[0]);
			while (atomic_load(&done) <= k)
				;
		}
		two += now() - t0;
		pthread_join(th, NULL);
	}
	steps = steps / ROUND * ROUND;
	printf("barrier per step, %ld steps of two parts of %d neurons: 1 thread %.1f us a step, 2 threads %.1f us, ratio %.2f\n",
		steps, N, 1e6 * one / (double)steps, 1e6 * two / (double)steps, one / two);
	return 0;
}
