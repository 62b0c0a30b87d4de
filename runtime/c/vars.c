/*
 * vars.c: the model's variables, as interp's sim holds them: where each
 * lives (the model, a population, a dendrite, a projection), its values
 * (one for a uniform parameter, else an array on cache lines), and
 * --set, which replaces a runtime parameter's value (snn_settables is
 * also main.c's list of what --set may name). build.c, synapses.c and
 * monitor.c call it. The network's state, net (net.h), is defined here,
 * in the lowest of the files that build it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

snn_net net;

/* ------------------------------------------------------------------ */
/* Variables.                                                           */

double *snn_alloc_vals(int64_t n)
{
	return snn_xcalloc_lines((size_t)(n > 0 ? n : 1), sizeof(double));
}

void snn_index_vars(void)
{
	net.vars = snn_xcalloc((size_t)(net.model->n_vars > 0 ? net.model->n_vars : 1), sizeof(var_rt));
	net.ctx.var = snn_xcalloc((size_t)(net.model->n_vars > 0 ? net.model->n_vars : 1), sizeof(double *));
#define ADD(VS, OWNER, P, D, Q)                                                      \
	for (int32_t x = 0; x < (VS).n; x++) {                                           \
		const snn_var *v_ = &(VS).v[x];                                              \
		if (v_->id < 0 || v_->id >= net.model->n_vars) {                                     \
			fprintf(stderr, "%s: variable %s has id %d, outside the model's %d\n", snn_prog, \
				v_->name, (int)v_->id, (int)net.model->n_vars);                              \
			exit(1);                                                                 \
		}                                                                            \
		net.vars[v_->id] = (var_rt){v_, OWNER, P, D, Q, 0, 0};                           \
	}
	ADD(net.model->params, OWN_TOP, -1, -1, -1);
	for (int p = 0; p < net.model->n_populations; p++) {
		ADD(net.model->populations[p].vars, OWN_POP, p, -1, -1);
		for (int d = 0; d < net.model->populations[p].n_dendrites; d++)
			ADD(net.model->populations[p].dendrites[d].vars, OWN_DEND, p, d, -1);
	}
	for (int q = 0; q < net.model->n_projections; q++)
		ADD(net.model->projections[q].vars, OWN_PROJ, -1, -1, q);
#undef ADD
}

int snn_is_uniform(int id)
{
	return net.vars[id].v->kind == SNN_PARAM && net.vars[id].v->uniform;
}

/* newCells: a uniform parameter is one value; the others are arrays. */
void snn_new_cell(int id, int64_t n, int64_t count)
{
	var_rt *vr = &net.vars[id];
	if (snn_is_uniform(id)) {
		net.ctx.var[id] = snn_alloc_vals(1);
		net.ctx.var[id][0] = vr->v->value;
		vr->len = 0;
	} else if (vr->v->kind == SNN_PARAM) {
		net.ctx.var[id] = snn_alloc_vals(n);
		vr->len = n;
	} else {
		net.ctx.var[id] = snn_alloc_vals(n * count);
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

char *snn_dotted(const char *a, const char *b)
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
				PUSH(snn_dotted(pop->name, pop->vars.v[x].name), &pop->vars.v[x]);
	}
	for (int q = 0; q < m->n_projections; q++) {
		const snn_projection *pr = &m->projections[q];
		for (int32_t x = 0; x < pr->vars.n; x++)
			if (pr->vars.v[x].runtime)
				PUSH(snn_dotted(pr->name, pr->vars.v[x].name), &pr->vars.v[x]);
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

void snn_apply_set(void)
{
	const char **names;
	const snn_var **vs;
	int n = snn_settables(net.model, &names, &vs);
	for (int s = 0; s < net.opt->n_set; s++) {
		const char *name = net.opt->set_names[s];
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
		if (net.vars[id].driven)
			snn_fail("--set %s: %s is driven by a current, which sets it every step", name, name);
		if (net.vars[id].len > 0 || !net.vars[id].v->uniform)
			snn_fail("--set %s: the model gives %s a value per element; --set gives one value to every element, so change the model instead",
				name, name);
		const snn_var *v = net.vars[id].v;
		double x = net.opt->set_values[s];
		if (v->has_range && !(x >= v->lo && x <= v->hi))
			snn_fail("--set %s: %g is outside [%g, %g], the values the quantized model was built to hold %s in; "
				"build it again with a range that holds it: in [LO, HI] on the parameter's declaration, "
				"or snnc's --range %s=LO:HI",
				name, x, v->lo, v->hi, name, name);
		net.ctx.var[id][0] = x;
	}
	for (int i = 0; i < n; i++)
		free((char *)names[i]);
	free(names);
	free(vs);
}

int snn_find_var(snn_vars vs, const char *name)
{
	for (int32_t x = 0; x < vs.n; x++)
		if (strcmp(vs.v[x].name, name) == 0)
			return vs.v[x].id;
	return -1;
}
