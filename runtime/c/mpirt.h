/*
 * mpirt.h: the ranks of a run (mpi.c), below every other file of the
 * runtime: it calls none of them.
 */
#ifndef SNN_MPIRT_H
#define SNN_MPIRT_H

#include <stdint.h>

/* This process's rank and the number of ranks: 0 and 1 without MPI. */
extern int snn_rank, snn_ranks;

/* Starts MPI (an --mpi build), or refuses to run under an MPI launcher
 * that started more than one copy of an executable built without it;
 * prog names the executable in the message. */
void snn_mpi_init(int *argc, char ***argv, const char *prog);
void snn_mpi_finalize(void);
/* Ends every rank of the run with status code (after this one's message). */
_Noreturn void snn_mpi_abort(int code);
/* Whether the executable was built with --mpi. */
int snn_mpi_built(void);
void snn_mpi_barrier(void);
/* In place over the ranks: each element summed; the sum over the ranks
 * before this one (0 on rank 0); the largest and smallest value. */
void snn_mpi_sum_i64(int64_t *a, int64_t n);
void snn_mpi_exscan_i64(int64_t *a, int64_t n);
int64_t snn_mpi_max_i64(int64_t x);
int64_t snn_mpi_min_i64(int64_t x);
/* bytes from this rank to rank to, received in the same order. */
void snn_mpi_send(int to, const void *a, int64_t bytes);
void snn_mpi_recv(int from, void *a, int64_t bytes);
/* Every rank's words of send into recv (rank r's at recv + r * words),
 * begun now and complete after snn_mpi_allgather_wait; send and recv
 * stay untouched meanwhile. One at a time. */
void snn_mpi_allgather_start(const int32_t *send, int64_t words, int32_t *recv);
void snn_mpi_allgather_wait(void);

#endif
