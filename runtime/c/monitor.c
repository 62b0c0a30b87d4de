/*
 * monitor.c: the recordings, as interp's monitors: the spike monitors,
 * which the step loop (step.c) fills from the spikes of each step, and
 * the state monitors, which it samples (snn_sample): a variable, a
 * constant, a trace decayed to the sampling step, or a definition's
 * kernel, with one NaN on every target and a warning at the first value
 * that is not finite. output.c writes them.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

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
	int64_t rows = (net.steps + every - 1) / every;
	r->steps = snn_xmalloc((size_t)(rows > 0 ? rows : 1) * sizeof(int64_t));
	r->values = snn_xmalloc((size_t)(rows * m > 0 ? rows * m : 1) * sizeof(double));
	r->n_steps = 0;
}

/* synapse_neurons gives a projection's recording each recorded synapse's
 * pre and post neuron, within the connect's subgroups or slices (interp's
 * synapseNeurons). */
static void synapse_neurons(snn_state_rec *r, const proj_rt *ps)
{
	const snn_projection *pr = ps->pr;
	int64_t n_pre = pr->pre_kind == 0 ? net.pops[pr->pre].n : net.model->inputs[pr->pre].size;
	int32_t *pre = snn_xmalloc((size_t)(ps->nsyn > 0 ? ps->nsyn : 1) * sizeof(int32_t));
	for (int64_t i = 0; i < n_pre; i++)
		for (int64_t s = ps->csr.start[i]; s < ps->csr.start[i + 1]; s++)
			pre[s] = (int32_t)i;
	size_t m = (size_t)(r->n_indices > 0 ? r->n_indices : 1);
	r->pre = snn_xmalloc(m * sizeof(int32_t));
	r->post = snn_xmalloc(m * sizeof(int32_t));
	for (int64_t x = 0; x < r->n_indices; x++) {
		r->pre[x] = (int32_t)(pre[r->indices[x]] - pr->pre_lo);
		r->post[x] = (int32_t)(ps->csr.post[r->indices[x]] - pr->post_lo);
	}
	free(pre);
}

void snn_build_monitors(void)
{
	net.spike_recs = snn_xcalloc((size_t)net.model->n_monitors + 1, sizeof(snn_spike_rec));
	net.state_recs = snn_xcalloc((size_t)net.model->n_monitors + 1, sizeof(snn_state_rec));
	net.spike_mons = snn_xcalloc((size_t)net.model->n_monitors + 1, sizeof(spike_mon));
	net.state_mons = snn_xcalloc((size_t)net.model->n_monitors + 1, sizeof(state_mon));
	for (int i = 0; i < net.model->n_monitors; i++) {
		const snn_monitor *mon = &net.model->monitors[i];
		if (mon->kind == 0) {
			snn_spike_rec *r = &net.spike_recs[net.n_spike_mons];
			spike_mon *sm = &net.spike_mons[net.n_spike_mons++];
			int64_t size;
			sm->mon = mon;
			r->name = mon->name;
			r->base = (int32_t)mon->base;
			sm->rec = r;
			if (mon->target_kind == 0) {
				r->source = net.model->populations[mon->target].name;
				size = net.pops[mon->target].n;
				sm->spikes = &net.pops[mon->target].spikes;
				sm->n = &net.pops[mon->target].n_spikes;
			} else if (mon->target_kind == 1) {
				r->source = net.model->inputs[mon->target].name;
				size = net.inputs[mon->target].in->size;
				sm->spikes = &net.inputs[mon->target].spikes;
				sm->n = &net.inputs[mon->target].n_spikes;
			} else {
				snn_fail("monitor %s: no population or input %s", mon->name, net.model->projections[mon->target].name);
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
		snn_state_rec *r = &net.state_recs[net.n_state_mons];
		state_mon *sm = &net.state_mons[net.n_state_mons++];
		sm->mon = mon;
		sm->rec = r;
		r->base = (int32_t)mon->base;
		sm->frac = -1;
		sm->what = mon->what;
		/* A population's neurons: this rank's (ranks.c); the rest, all. */
		sm->own_lo = 0;
		sm->own_hi = INT64_MAX;
		if (mon->target_kind == 0) {
			sm->own_lo = net.pops[mon->target].lo;
			sm->own_hi = net.pops[mon->target].hi;
		}
		if (mon->value) {
			/* A definition: its kernel runs for each recorded element. */
			if (mon->target_kind == 0) {
				new_state_rec(r, mon, net.pops[mon->target].n, 1, every);
			} else if (mon->target_kind == 2) {
				new_state_rec(r, mon, net.projs[mon->target].nsyn, 0, every);
			} else {
				snn_fail("monitor %s: no population, global or projection %s", mon->name, net.model->inputs[mon->target].name);
			}
			sm->kind = MON_KERNEL;
			sm->k = mon->value;
		} else if (mon->target_kind == 0) {
			const snn_population *pop = &net.model->populations[mon->target];
			int id = mon->var;
			int ok = id >= 0 && net.vars[id].len > 0;
			if (ok && mon->dendrite >= 0) {
				const snn_dendrite *den = &pop->dendrites[mon->dendrite];
				if (den->array && net.vars[id].v->kind != SNN_PARAM)
					ok = 0;
			}
			if (!ok) {
				const char *vn = id >= 0 ? net.vars[id].v->name : "?";
				if (mon->dendrite >= 0)
					snn_fail("monitor %s: %s.%s.%s is not a variable this interpreter can record", mon->name, pop->name,
						pop->dendrites[mon->dendrite].name, vn);
				snn_fail("monitor %s: %s.%s is not a variable this interpreter can record", mon->name, pop->name, vn);
			}
			new_state_rec(r, mon, net.pops[mon->target].n, 1, every);
			sm->kind = MON_ARR;
			sm->arr = net.ctx.var[id];
			sm->frac = net.vars[id].v->fixed ? net.vars[id].v->frac : -1;
		} else if (mon->target_kind == 2) {
			proj_rt *ps = &net.projs[mon->target];
			int id = mon->var;
			if (id < 0)
				snn_fail("monitor %s: projection %s has no variable", mon->name, ps->pr->name);
			new_state_rec(r, mon, ps->nsyn, 0, every);
			sm->frac = net.vars[id].v->fixed ? net.vars[id].v->frac : -1;
			int last = snn_find_var(ps->pr->vars, "trace.tlast");
			if (net.vars[id].len == 0) {
				sm->kind = MON_CONST;
				sm->val = net.ctx.var[id][0];
			} else if (net.vars[id].v->kind != SNN_TRACE || last < 0) {
				sm->kind = MON_ARR;
				sm->arr = net.ctx.var[id];
			} else {
				/* A trace decayed to the sampling step (interp's
				 * synapseValue); tau is a number, or a parameter with
				 * one value or one per synapse. */
				const snn_var *v = net.vars[id].v;
				sm->kind = MON_TRACE;
				sm->arr = net.ctx.var[id];
				sm->tlast = net.ctx.var[last];
				sm->tau = v->tau;
				sm->tau_arr = NULL;
				if (v->tau_var >= 0) {
					if (net.vars[v->tau_var].len == 0)
						sm->tau = net.ctx.var[v->tau_var][0];
					else
						sm->tau_arr = net.ctx.var[v->tau_var];
				}
			}
		} else {
			snn_fail("monitor %s: no population, global or projection %s", mon->name, net.model->inputs[mon->target].name);
		}
		if (mon->target_kind == 2)
			synapse_neurons(r, &net.projs[mon->target]);
	}
}

/* snn_sample records a state monitor's values in step k (step 4). */
void snn_sample(state_mon *sm, int64_t k)
{
	snn_state_rec *r = sm->rec;
	r->steps[r->n_steps] = k;
	double *row = r->values + r->n_steps * r->n_indices;
	r->n_steps++;
	switch (sm->kind) {
	case MON_ARR:
		for (int64_t x = 0; x < r->n_indices; x++)
			if (r->indices[x] >= sm->own_lo && r->indices[x] < sm->own_hi)
				row[x] = sm->frac >= 0 ? snn_fx_to_double((int64_t)sm->arr[r->indices[x]], sm->frac)
					       : sm->arr[r->indices[x]];
		break;
	case MON_CONST:
		for (int64_t x = 0; x < r->n_indices; x++)
			row[x] = sm->val;
		break;
	case MON_TRACE: {
		double t = (double)k * net.dt;
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
			if (i < sm->own_lo || i >= sm->own_hi)
				continue;
			double out = 0;
			sm->k(&net.ctx, i, (int64_t)i + 1, &out);
			row[x] = out;
		}
		break;
	}
	/* One NaN on every target (runtime.CanonicalNaN), and a warning at
	 * the first sample that is not finite (runtime.NonFiniteWarning). */
	for (int64_t x = 0; x < r->n_indices; x++) {
		double v = row[x];
		if (isfinite(v) || r->indices[x] < sm->own_lo || r->indices[x] >= sm->own_hi)
			continue;
		if (!sm->warned) {
			sm->warned = 1;
			char tb[64];
			snprintf(tb, sizeof tb, "%s", snn_gfmt((double)k * net.dt));
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


void snn_record_spikes(spike_mon *sm, int64_t k, const int32_t *s, int64_t n)
{
	if (!snn_records(sm->mon, k))
		return;
	snn_spike_rec *r = sm->rec;
	int64_t m = r->index.n;
	snn_reserve_spikes(r, m + n, k);
	for (int64_t x = 0; x < n; x++)
		if (!r->keep || r->keep[s[x]]) {
			r->steps.a[m] = k;
			r->index.a[m++] = s[x];
		}
	r->steps.n = r->index.n = m;
}
