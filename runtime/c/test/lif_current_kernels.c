/*
 * The kernels of examples/lif_current.snn, transcribed by hand from
 * `snnc ir examples/lif_current.snn`: one C statement per IR instruction,
 * in order, with the ABI of snnrt.h.
 */
#include "snnrt.h"

enum { I_DRIVE = 0, I_EXT = 9, V = 10, GE = 11, GI = 12 };

void lif_cell_init(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.07;
		c->var[V][e] = r0;
		double r1 = 0.0;
		c->var[GE][e] = r1;
		c->var[GI][e] = r1;
	}
}

void lif_cell_update(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 1e+08;
		double r1 = c->var[I_EXT][e];
		double r2 = r0 * r1;
		double r3 = c->var[V][e];
		double r4 = c->var[GE][e];
		double r5 = c->var[GI][e];
		double r6 = 0.9900498337491681;
		double r7 = r6 * r3;
		double r8 = 0.009851160442412752;
		double r9 = r8 * r4;
		double r10 = r7 + r9;
		double r11 = 0.009900498337491681;
		double r12 = r11 * r5;
		double r13 = r10 + r12;
		double r14 = 0.009950166250831947;
		double r15 = r14 * r2;
		double r16 = r13 + r15;
		double r17 = -0.0006965116375582364;
		double r18 = r16 + r17;
		double r19 = 0.9801986733067553;
		double r20 = r19 * r4;
		double r21 = r6 * r5;
		int r22 = c->step < c->ref[0][e];
		double r23 = r22 ? r3 : r18;
		c->var[V][e] = r23;
		c->var[GE][e] = r20;
		c->var[GI][e] = r21;
	}
}

void lif_cell_threshold(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[V][e];
		double r1 = -0.05;
		int r2 = r0 > r1;
		((unsigned char *)out)[e - lo] = (unsigned char)r2;
	}
}

void lif_cell_reset(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)out;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = -0.07;
		c->var[V][e] = r0;
	}
}

void lif_cell_refractory(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	(void)c;
	for (int64_t e = lo; e < hi; e++) {
		double r0 = 0.002;
		out[e - lo] = r0;
	}
}

void lif_drive_value(snn_ctx *c, int64_t lo, int64_t hi, double *out)
{
	for (int64_t e = lo; e < hi; e++) {
		double r0 = c->var[I_DRIVE][0];
		out[e - lo] = r0;
	}
}
