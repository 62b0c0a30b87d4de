/*
 * The kernels of examples/cuba.snn, transcribed by hand from
 * `snnc ir examples/cuba.snn`: one C statement per IR instruction, in
 * order, with the ABI of snnrt.h.
 */
#include "snnrt.h"

enum { EXC_V = 9, EXC_GE = 10, EXC_GI = 11, INH_V = 18, INH_GE = 19, INH_GI = 20 };

/* population exc (population 0) */

void cuba_exc_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		double r1 = -0.05;
		double r2 = snn_uniform(c->seed, 1, (uint64_t)c->step, (uint64_t)e, r0, r1);
		c->var[EXC_V][e] = r2;
		double r3 = 0.0;
		c->var[EXC_GE][e] = r3;
		c->var[EXC_GI][e] = r3;
	}
}

void cuba_exc_update(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[EXC_V][e];
		double r1 = c->var[EXC_GE][e];
		double r2 = c->var[EXC_GI][e];
		double r3 = 0.9950124791926823;
		double r4 = r3 * r0;
		double r5 = 0.004937935295309004;
		double r6 = r5 * r1;
		double r7 = r4 + r6;
		double r8 = 0.00496264544351426;
		double r9 = r8 * r2;
		double r10 = r7 + r9;
		double r11 = -0.0002443885195585667;
		double r12 = r10 + r11;
		double r13 = 0.9801986733067553;
		double r14 = r13 * r1;
		double r15 = 0.9900498337491681;
		double r16 = r15 * r2;
		int r17 = c->step < c->ref[0][e];
		double r18 = r17 ? r0 : r12;
		c->var[EXC_V][e] = r18;
		c->var[EXC_GE][e] = r14;
		c->var[EXC_GI][e] = r16;
	}
}

void cuba_exc_threshold(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[EXC_V][e];
		double r1 = -0.05;
		int r2 = r0 > r1;
		((unsigned char *)out)[e - lo] = (unsigned char)r2;
	}
}

void cuba_exc_reset(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		c->var[EXC_V][e] = r0;
	}
}

void cuba_exc_refractory(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.005;
		out[e - lo] = r0;
	}
}

/* population inh (population 1) */

void cuba_inh_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		double r1 = -0.05;
		double r2 = snn_uniform(c->seed, 2, (uint64_t)c->step, (uint64_t)e, r0, r1);
		c->var[INH_V][e] = r2;
		double r3 = 0.0;
		c->var[INH_GE][e] = r3;
		c->var[INH_GI][e] = r3;
	}
}

void cuba_inh_update(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[INH_V][e];
		double r1 = c->var[INH_GE][e];
		double r2 = c->var[INH_GI][e];
		double r3 = 0.9950124791926823;
		double r4 = r3 * r0;
		double r5 = 0.004937935295309004;
		double r6 = r5 * r1;
		double r7 = r4 + r6;
		double r8 = 0.00496264544351426;
		double r9 = r8 * r2;
		double r10 = r7 + r9;
		double r11 = -0.0002443885195585667;
		double r12 = r10 + r11;
		double r13 = 0.9801986733067553;
		double r14 = r13 * r1;
		double r15 = 0.9900498337491681;
		double r16 = r15 * r2;
		int r17 = c->step < c->ref[1][e];
		double r18 = r17 ? r0 : r12;
		c->var[INH_V][e] = r18;
		c->var[INH_GE][e] = r14;
		c->var[INH_GI][e] = r16;
	}
}

void cuba_inh_threshold(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[INH_V][e];
		double r1 = -0.05;
		int r2 = r0 > r1;
		((unsigned char *)out)[e - lo] = (unsigned char)r2;
	}
}

void cuba_inh_reset(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.06;
		c->var[INH_V][e] = r0;
	}
}

void cuba_inh_refractory(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.005;
		out[e - lo] = r0;
	}
}

/* projections ee, ei, ie, ii (0 to 3): init is empty */

void cuba_proj_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c, (void)lo, (void)hi, (void)out;
}

void cuba_ee_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.0016200000000000003;
		double r1 = c->var[EXC_GE][c->post[0][e]];
		double r2 = r1 + r0;
		c->var[EXC_GE][c->post[0][e]] = r2;
	}
}

void cuba_ei_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.0016200000000000003;
		double r1 = c->var[INH_GE][c->post[1][e]];
		double r2 = r1 + r0;
		c->var[INH_GE][c->post[1][e]] = r2;
	}
}

void cuba_ie_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.009000000000000001;
		double r1 = c->var[EXC_GI][c->post[2][e]];
		double r2 = r1 + r0;
		c->var[EXC_GI][c->post[2][e]] = r2;
	}
}

void cuba_ii_on_pre(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.009000000000000001;
		double r1 = c->var[INH_GI][c->post[3][e]];
		double r2 = r1 + r0;
		c->var[INH_GI][c->post[3][e]] = r2;
	}
}
