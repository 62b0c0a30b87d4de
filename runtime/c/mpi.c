/*
 * mpi.c: the ranks of a run. An executable built with `snnc build --mpi`
 * is compiled with SNN_MPI and linked with Open MPI: here it starts MPI,
 * learns its rank and the number of ranks, and moves bytes between ranks
 * with MPI's collectives (spec/native.md, "Running over MPI ranks"). Built
 * without it, a run is rank 0 of 1 and every function below is a copy or
 * nothing; such an executable started by mpirun with more than one
 * process refuses to run, since every copy would run the whole model.
 *
 * Only the main thread calls MPI (MPI_THREAD_FUNNELED): the pool's
 * threads never communicate. Counts given to MPI are ints, so large
 * arrays move in pieces of at most 1 GiB.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpirt.h"

#ifdef SNN_MPI
#include <mpi.h>
#endif

int snn_rank = 0, snn_ranks = 1;

enum { PIECE = 1 << 30 };

#ifdef SNN_MPI

static int started;

void snn_mpi_init(int *argc, char ***argv, const char *prog)
{
	int provided;
	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
		fprintf(stderr, "%s: MPI_Init_thread failed\n", prog);
		exit(1);
	}
	started = 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &snn_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &snn_ranks);
	/* An error on one rank ends them all (snn_mpi_abort), with its
	 * message; MPI's own errors are fatal too. */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

void snn_mpi_finalize(void)
{
	if (started)
		MPI_Finalize();
	started = 0;
}

void snn_mpi_abort(int code)
{
	fflush(stdout);
	fflush(stderr);
	if (started && snn_ranks > 1)
		MPI_Abort(MPI_COMM_WORLD, code);
	exit(code);
}

int snn_mpi_built(void) { return 1; }

void snn_mpi_barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

void snn_mpi_sum_i64(int64_t *a, int64_t n)
{
	for (int64_t at = 0; at < n; at += PIECE / 8) {
		int m = (int)(n - at < PIECE / 8 ? n - at : PIECE / 8);
		MPI_Allreduce(MPI_IN_PLACE, a + at, m, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
	}
}

void snn_mpi_exscan_i64(int64_t *a, int64_t n)
{
	for (int64_t at = 0; at < n; at += PIECE / 8) {
		int m = (int)(n - at < PIECE / 8 ? n - at : PIECE / 8);
		MPI_Exscan(MPI_IN_PLACE, a + at, m, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
	}
	/* MPI leaves rank 0's undefined. */
	if (snn_rank == 0)
		memset(a, 0, (size_t)n * sizeof(int64_t));
}

int64_t snn_mpi_max_i64(int64_t x)
{
	MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
	return x;
}

int64_t snn_mpi_min_i64(int64_t x)
{
	MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
	return x;
}

void snn_mpi_send(int to, const void *a, int64_t bytes)
{
	const char *p = a;
	/* At least one message, empty for no bytes: the receiver waits for it. */
	int64_t at = 0;
	do {
		int m = (int)(bytes - at < PIECE ? bytes - at : PIECE);
		MPI_Send(p + at, m, MPI_BYTE, to, 0, MPI_COMM_WORLD);
		at += m;
	} while (at < bytes);
}

void snn_mpi_recv(int from, void *a, int64_t bytes)
{
	char *p = a;
	/* At least one message, empty for no bytes: the receiver waits for it. */
	int64_t at = 0;
	do {
		int m = (int)(bytes - at < PIECE ? bytes - at : PIECE);
		MPI_Recv(p + at, m, MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		at += m;
	} while (at < bytes);
}

void snn_mpi_share(double *a, const int *counts, const int *displs)
{
	MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
}

static MPI_Request gather_req = MPI_REQUEST_NULL;

void snn_mpi_allgather_start(const int32_t *send, int64_t words, int32_t *recv)
{
	MPI_Iallgather(send, (int)words, MPI_INT32_T, recv, (int)words, MPI_INT32_T, MPI_COMM_WORLD, &gather_req);
}

void snn_mpi_allgather_wait(void) { MPI_Wait(&gather_req, MPI_STATUS_IGNORE); }

#else

/* mpirun_size is how many processes the MPI launcher that started this
 * one started (Open MPI's, MPICH's and Slurm's variables), or 1. */
static long mpirun_size(void)
{
	const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *s = getenv(vars[i]);
		if (s && *s)
			return strtol(s, NULL, 10);
	}
	return 1;
}

void snn_mpi_init(int *argc, char ***argv, const char *prog)
{
	(void)argc;
	(void)argv;
	long n = mpirun_size();
	if (n > 1) {
		fprintf(stderr,
			"%s: this executable was built without --mpi, and mpirun started %ld copies of it: each would run the whole model and write the same files; build it with `snnc build --mpi` to run it over MPI ranks\n",
			prog, n);
		exit(1);
	}
}

void snn_mpi_finalize(void) {}

void snn_mpi_abort(int code)
{
	fflush(stdout);
	fflush(stderr);
	exit(code);
}

int snn_mpi_built(void) { return 0; }
void snn_mpi_barrier(void) {}
void snn_mpi_sum_i64(int64_t *a, int64_t n) { (void)a, (void)n; }
void snn_mpi_exscan_i64(int64_t *a, int64_t n) { memset(a, 0, (size_t)n * sizeof(int64_t)); }
int64_t snn_mpi_max_i64(int64_t x) { return x; }
int64_t snn_mpi_min_i64(int64_t x) { return x; }

static _Noreturn void one_rank(void)
{
	fprintf(stderr, "snnc runtime: internal error: a message between ranks in a run of one\n");
	abort();
}

void snn_mpi_send(int to, const void *a, int64_t bytes) { (void)to, (void)a, (void)bytes, one_rank(); }
void snn_mpi_share(double *a, const int *counts, const int *displs) { (void)a, (void)counts, (void)displs; }
void snn_mpi_recv(int from, void *a, int64_t bytes) { (void)from, (void)a, (void)bytes, one_rank(); }

void snn_mpi_allgather_start(const int32_t *send, int64_t words, int32_t *recv)
{
	memcpy(recv, send, (size_t)words * sizeof(int32_t));
}

void snn_mpi_allgather_wait(void) {}

#endif
