/*
 * The kernels of examples/stdp_song2000.snn, transcribed by hand from
 * `snnc ir examples/stdp_song2000.snn`: one C statement per IR
 * instruction, in order, with the ABI of snnrt.h.
 */
#include "snnrt.h"

enum { V = 11, GE = 12, W = 13, A_PRE = 14, A_POST = 15, TLAST = 17 };

void stdp_out_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		c->var[V][e] = r0;
		double r1 = 0.0;
		c->var[GE][e] = r1;
	}
}

void stdp_out_update(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[GE][e];
		double r1 = 0.0;
		double r2 = c->var[V][e];
		double r3 = r1 - r2;
		double r4 = r0 * r3;
		double r5 = -0.074;
		double r6 = r4 + r5;
		double r7 = c->var[V][e];
		double r8 = r6 - r7;
		double r9 = 0.01;
		double r10 = r8 / r9;
		double r11 = c->var[GE][e];
		double r12 = -r11;
		double r13 = 0.005;
		double r14 = r12 / r13;
		double r15 = c->var[V][e];
		double r16 = c->var[GE][e];
		double r17 = 0.0001;
		double r18 = r17 * r10;
		double r19 = r15 + r18;
		double r20 = r17 * r14;
		double r21 = r16 + r20;
		c->var[V][e] = r19;
		c->var[GE][e] = r21;
	}
}

void stdp_out_threshold(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[V][e];
		double r1 = -0.054;
		int r2 = r0 > r1;
		((unsigned char *)out)[e - lo] = (unsigned char)r2;
	}
}

void stdp_out_reset(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		c->var[V][e] = r0;
	}
}

void stdp_inputs_rate(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 15.0;
		out[e - lo] = r0;
	}
}

void stdp_plastic_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.0;
		double r1 = 0.01;
		double r2 = snn_uniform(c->seed, 1, (uint64_t)c->step, (uint64_t)e, r0, r1);
		c->var[W][e] = r2;
		c->var[A_PRE][e] = r0;
		c->var[A_POST][e] = r0;
		c->var[TLAST][e] = r0;
	}
}

void stdp_plastic_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		int64_t j = c->post[0][e];
		double r0 = c->t;
		double r1 = c->var[TLAST][e];
		double r2 = r0 - r1;
		double r3 = -r2;
		double r4 = 0.02;
		double r5 = r3 / r4;
		double r6 = snn_exp(r5);
		double r7 = c->var[A_PRE][e];
		double r8 = r7 * r6;
		c->var[A_PRE][e] = r8;
		double r9 = c->var[A_POST][e];
		double r10 = r9 * r6;
		c->var[A_POST][e] = r10;
		c->var[TLAST][e] = r0;
		double r11 = c->var[W][e];
		double r12 = c->var[GE][j];
		double r13 = r12 + r11;
		c->var[GE][j] = r13;
		double r14 = 0.0001;
		double r15 = c->var[A_PRE][e];
		double r16 = r15 + r14;
		c->var[A_PRE][e] = r16;
		double r17 = c->var[W][e];
		double r18 = c->var[A_POST][e];
		double r19 = r17 + r18;
		double r20 = 0.0;
		double r21 = 0.01;
		double r22 = snn_max(r19, r20);
		double r23 = snn_min(r22, r21);
		c->var[W][e] = r23;
	}
}

void stdp_plastic_on_post(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->t;
		double r1 = c->var[TLAST][e];
		double r2 = r0 - r1;
		double r3 = -r2;
		double r4 = 0.02;
		double r5 = r3 / r4;
		double r6 = snn_exp(r5);
		double r7 = c->var[A_PRE][e];
		double r8 = r7 * r6;
		c->var[A_PRE][e] = r8;
		double r9 = c->var[A_POST][e];
		double r10 = r9 * r6;
		c->var[A_POST][e] = r10;
		c->var[TLAST][e] = r0;
		double r11 = -0.00010500000000000002;
		double r12 = c->var[A_POST][e];
		double r13 = r12 + r11;
		c->var[A_POST][e] = r13;
		double r14 = c->var[W][e];
		double r15 = c->var[A_PRE][e];
		double r16 = r14 + r15;
		double r17 = 0.0;
		double r18 = 0.01;
		double r19 = snn_max(r16, r17);
		double r20 = snn_min(r19, r18);
		c->var[W][e] = r20;
	}
}
