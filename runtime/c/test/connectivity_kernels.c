/*
 * The kernels of examples/connectivity.snn, transcribed by hand from
 * `snnc ir examples/connectivity.snn`: one C statement per IR
 * instruction, in order, with the ABI of snnrt.h.
 */
#include "snnrt.h"

enum { A_IEXT = 8, A_V = 9, A_GE = 10, A_GI = 11, B_IEXT = 20, B_V = 21, B_GE = 22, B_GI = 23,
	C2_W = 26, C2_DELAY = 27, C3_W = 28 };

void conn_a_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.065;
		double r1 = 0.002;
		double r2 = snn_normal(c->seed, 1, (uint64_t)c->step, (uint64_t)e, r0, r1);
		c->var[A_V][e] = r2;
		double r3 = 0.0;
		c->var[A_GE][e] = r3;
		c->var[A_GI][e] = r3;
	}
}

void conn_b_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.07;
		c->var[B_V][e] = r0;
		double r1 = 0.0;
		c->var[B_GE][e] = r1;
		c->var[B_GI][e] = r1;
	}
}

/* The update of populations a (0) and b (1): the same instructions. */
#define LIF_UPDATE(NAME, P, IEXT, V, GE, GI)                           \
	void NAME(snn_ctx *c, int64_t lo, int64_t hi, double *out)     \
	{                                                              \
		(void)out;                                             \
		for (int64_t e = lo; e < hi; e++) {                    \
			double r0 = 1e+08;                             \
			double r1 = c->var[IEXT][0];                   \
			double r2 = r0 * r1;                           \
			double r3 = c->var[V][e];                      \
			double r4 = c->var[GE][e];                     \
			double r5 = c->var[GI][e];                     \
			double r6 = 0.9950124791926823;                \
			double r7 = r6 * r3;                           \
			double r8 = 0.004937935295309004;              \
			double r9 = r8 * r4;                           \
			double r10 = r7 + r9;                          \
			double r11 = 0.00496264544351426;              \
			double r12 = r11 * r5;                         \
			double r13 = r10 + r12;                        \
			double r14 = 0.004987520807317687;             \
			double r15 = r14 * r2;                         \
			double r16 = r13 + r15;                        \
			double r17 = -0.0003491264565122381;           \
			double r18 = r16 + r17;                        \
			double r19 = 0.9801986733067553;               \
			double r20 = r19 * r4;                         \
			double r21 = 0.9900498337491681;               \
			double r22 = r21 * r5;                         \
			int r23 = c->step < c->ref[P][e];              \
			double r24 = r23 ? r3 : r18;                   \
			c->var[V][e] = r24;                            \
			c->var[GE][e] = r20;                           \
			c->var[GI][e] = r22;                           \
		}                                                      \
	}
LIF_UPDATE(conn_a_update, 0, A_IEXT, A_V, A_GE, A_GI)
LIF_UPDATE(conn_b_update, 1, B_IEXT, B_V, B_GE, B_GI)

#define LIF_THRESHOLD(NAME, V)                                         \
	void NAME(snn_ctx *c, int64_t lo, int64_t hi, double *out)     \
	{                                                              \
		for (int64_t e = lo; e < hi; e++) {                    \
			double r0 = c->var[V][e];                      \
			double r1 = -0.05;                             \
			int r2 = r0 > r1;                              \
			((unsigned char *)out)[e - lo] = (unsigned char)r2;                  \
		}                                                      \
	}
LIF_THRESHOLD(conn_threshold_a, A_V)
LIF_THRESHOLD(conn_threshold_b, B_V)

#define LIF_RESET(NAME, V)                                             \
	void NAME(snn_ctx *c, int64_t lo, int64_t hi, double *out)     \
	{                                                              \
		(void)out;                                             \
		for (int64_t e = lo; e < hi; e++) {                    \
			double r0 = -0.07;                             \
			c->var[V][e] = r0;                             \
		}                                                      \
	}
LIF_RESET(conn_reset_a, A_V)
LIF_RESET(conn_reset_b, B_V)

void conn_refractory(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.002;
		out[e - lo] = r0;
	}
}

void conn_noise_rate(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 5.0;
		double r1 = (double)e;
		double r2 = 0.05;
		double r3 = r1 * r2;
		double r4 = r0 + r3;
		out[e - lo] = r4;
	}
}

void conn_empty_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c, (void)lo, (void)hi, (void)out;
}

/* on_pre of c1 (noise -> a), c4 and c5 (-> b), c6 (-> a): a constant w */
#define ON_PRE_CONST(NAME, Q, W, GE)                                   \
	void NAME(snn_ctx *c, int64_t lo, int64_t hi, double *out)     \
	{                                                              \
		(void)out;                                             \
		for (int64_t e = lo; e < hi; e++) {                    \
			double r0 = W;                                 \
			double r1 = c->var[GE][c->post[Q][e]];         \
			double r2 = r1 + r0;                           \
			c->var[GE][c->post[Q][e]] = r2;                \
		}                                                      \
	}
ON_PRE_CONST(conn_c1_on_pre, 0, 0.03, A_GE)
ON_PRE_CONST(conn_c4_on_pre, 3, 0.06, B_GE)
ON_PRE_CONST(conn_c5_on_pre, 4, 0.001, B_GE)
ON_PRE_CONST(conn_c6_on_pre, 5, 0.0005, A_GE)

void conn_c2_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.003;
		double r1 = 0.009000000000000001;
		double r2 = snn_uniform(c->seed, 2, (uint64_t)c->step, (uint64_t)e, r0, r1);
		c->var[C2_W][e] = r2;
#ifdef SNN_TEST_BAD_DELAY /* the test's variant: delay = -1 ms + j * 0.01 ms */
		double r3 = -0.001;
#else
		double r3 = 0.001;
#endif
		double r4 = (double)c->post[1][e];
		double r5 = 1e-05;
		double r6 = r4 * r5;
		double r7 = r3 + r6;
		c->var[C2_DELAY][e] = r7;
	}
}

void conn_c2_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[C2_W][e];
		double r1 = c->var[B_GE][c->post[1][e]];
		double r2 = r1 + r0;
		c->var[B_GE][c->post[1][e]] = r2;
	}
}

void conn_c3_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.001;
		double r1 = 1.0;
		double r2 = (double)c->pre[2][e];
		double r3 = 3.0;
		double r4 = snn_fmod(r2, r3);
		double r5 = r1 + r4;
		double r6 = r0 * r5;
		c->var[C3_W][e] = r6;
	}
}

void conn_c3_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[C3_W][e];
		double r1 = c->var[A_GE][c->post[2][e]];
		double r2 = r1 + r0;
		c->var[A_GE][c->post[2][e]] = r2;
	}
}
