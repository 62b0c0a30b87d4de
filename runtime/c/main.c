/*
 * main.c: the executable's command line, which mirrors `snnc run`
 * (cmd/snnc/run.go): the options and their messages (values with units
 * are quantity.c's), the printed summary and the progress line. It is the
 * top layer: it calls snn_run (step.c) and snn_settables (vars.c), and
 * nothing below calls it.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "rt.h"

enum { EXIT_OK = 0, EXIT_MODEL = 1, EXIT_USAGE = 2 };

static const char *exe = "model";

/* ------------------------------------------------------------------ */
/* Usage.                                                               */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [options]\n"
		"\n"
		"Runs the model %s, compiled by snnc. Each monitor's recordings are\n"
		"written into the output directory as NumPy .npy files (NAME.t.npy, NAME.i.npy\n"
		"and, for state monitors, NAME.npy), the final state of every variable into its\n"
		"state/ folder, and summary.json; snnc doc runtime says what each file holds. A\n"
		"short summary is printed; runs longer than a second show progress on a terminal.\n"
		"The options are those of snnc run, and --threads and --data-dir.\n"
		"\n"
		"  -checkpoint string\n"
		"    \ton: save the state for --resume in state/checkpoint.json and state/raw/; off: do not (default on)\n"
		"  -data-dir string\n"
		"    \tdirectory to read the model's large data files from, as DIR/NAME with NAME their path relative to the\n"
		"    \tmodel's directory (default: where snnc read them, by their absolute paths); they must be the files compiled against\n"
		"  -duration string\n"
		"    \tsimulated time, replacing the model's (for example 2s or 500ms)\n"
		"  -out string\n"
		"    \toutput directory (default: NAME.out in the current directory, NAME the model's file name)\n"
		"  -q\tprint nothing but errors (also -quiet)\n"
		"  -resume string\n"
		"    \tcontinue the run whose --out this is, from its last step, for --duration more (or the model's duration)\n"
		"  -seed string\n"
		"    \trandom seed, replacing the model's (an integer, 0 to 2^53-1)\n"
		"  -set value\n"
		"    \tname=value: give a runtime parameter a value for this run, with its unit (for example --set i_drive=0.3nA);\n"
		"    \trepeat for several; a population's or projection's parameter is OWNER.NAME\n"
		"  -threads int\n"
		"    \tthreads that run the element-wise kernels (default 1); the results are the same for any number\n",
		exe, snn_the_model.source);
	snn_print_data_files(f);
}

/* usage_error says in one line what is wrong with the command line, as
 * snnc does (cmd/snnc/main.go's parseFlags), and exits. */
static _Noreturn void usage_error(const char *fmt, const char *a)
{
	fprintf(stderr, "%s: ", exe);
	fprintf(stderr, fmt, a);
	fprintf(stderr, "; see %s --help\n", exe);
	exit(EXIT_USAGE);
}

/* print_version prints what --version says (llvm.VersionText). */
static void print_version(void)
{
	printf("%s: the model %s\n", exe, snn_the_model.source);
	if (snn_the_model.version_text)
		fputs(snn_the_model.version_text, stdout);
	else
		printf("(a model written by hand)\n");
}

/* ------------------------------------------------------------------ */
/* The summary (run.go's printSummary) and progress.                    */

static int runes(const char *s)
{
	int n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void print_summary(const snn_summary *s, const char *dir)
{
	char g1[64], g2[64];
	printf("%s: %s s in %lld steps of %s ms (seed %llu) on %s in %.2f s\n", s->model, snn_gfmt_to(g1, s->duration),
		(long long)s->steps, snn_gfmt_to(g2, s->dt * 1e3), (unsigned long long)s->seed, s->target, s->wall_seconds);
	/* tabwriter, right-aligned, padding 2: each cell is padded on the
	 * left to its column's widest cell plus 2. */
	int rows = s->n_pops + 1;
	char (*cells)[4][128] = snn_xcalloc((size_t)rows, sizeof *cells);
	strcpy(cells[0][0], "");
	strcpy(cells[0][1], "size");
	strcpy(cells[0][2], "spikes");
	strcpy(cells[0][3], "mean rate");
	for (int i = 0; i < s->n_pops; i++) {
		snprintf(cells[i + 1][0], 128, "%s", s->pops[i].name);
		snprintf(cells[i + 1][1], 128, "%lld", (long long)s->pops[i].size);
		snprintf(cells[i + 1][2], 128, "%lld", (long long)s->pops[i].spikes);
		snprintf(cells[i + 1][3], 128, "%.3f Hz", s->pops[i].rate);
	}
	int width[4] = {0, 0, 0, 0};
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < 4; c++)
			if (runes(cells[r][c]) + 2 > width[c])
				width[c] = runes(cells[r][c]) + 2;
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < 4; c++)
			printf("%*s%s", width[c] - runes(cells[r][c]), "", cells[r][c]);
		printf("\n");
	}
	free(cells);
	if (s->events > 0) {
		long long total = 0;
		for (int i = 0; i < s->n_syn; i++)
			total += s->syn_counts[i];
		printf("%lld synapses, %lld synaptic events\n", total, (long long)s->events);
	}
	printf("recordings in %s/\n", dir);
}

static double progress_start, progress_last = -1;
static int progress_drawn;

/* duration_string is time.Duration.String for whole seconds. */
static void duration_string(char *b, long long sec)
{
	if (sec == 0)
		sprintf(b, "0s");
	else if (sec < 60)
		sprintf(b, "%llds", sec);
	else if (sec < 3600)
		sprintf(b, "%lldm%llds", sec / 60, sec % 60);
	else
		sprintf(b, "%lldh%lldm%llds", sec / 3600, sec / 60 % 60, sec % 60);
}

/* progress draws the progress line as cmd/snnc/run.go does: the step
 * loop calls it (snn_options.progress) every 1024 steps and at the end. */
static void progress(int64_t done, int64_t steps)
{
	double now = snn_now_seconds();
	if (done == steps) {
		if (progress_drawn)
			fprintf(stderr, "\r\033[K");
		return;
	}
	if (now - progress_start < 1 || (progress_last >= 0 && now - progress_last < 0.2))
		return;
	progress_last = now;
	progress_drawn = 1;
	double frac = (double)done / (double)steps;
	double eta = (now - progress_start) * (1 - frac) / frac;
	char d[64];
	duration_string(d, (long long)round(eta));
	fprintf(stderr, "\rrunning: %5.1f%%  step %lld of %lld  about %s left\033[K", 100 * frac, (long long)done,
		(long long)steps, d);
}

/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* driving_current returns the name of the current that sets the runtime
 * parameter called name (POP.PARAM) in every step, or NULL: --set cannot
 * give it a value (lang.Program.DrivenParams). */
static const char *driving_current(const char *name)
{
	const snn_model *m = &snn_the_model;
	for (int c = 0; c < m->n_currents; c++) {
		const snn_current *cur = &m->currents[c];
		const snn_population *pop = &m->populations[cur->population];
		for (int32_t x = 0; x < pop->vars.n; x++) {
			if (pop->vars.v[x].id != cur->var || !pop->vars.v[x].runtime)
				continue;
			size_t n = strlen(pop->name);
			if (strncmp(name, pop->name, n) == 0 && name[n] == '.' && strcmp(name + n + 1, pop->vars.v[x].name) == 0)
				return cur->name;
		}
	}
	return NULL;
}

/* print_settable prints what --set accepts, as driver.Settable says it:
 * the runtime parameters but those a current drives, and those of what
 * prune removed (accepted, and changing nothing), sorted. */
static void print_settable(const char **names, int n)
{
	const snn_model *m = &snn_the_model;
	const char **all = snn_xcalloc((size_t)(n + m->n_pruned + 1), sizeof(char *));
	int k = 0;
	for (int x = 0; x < n; x++)
		if (!driving_current(names[x]))
			all[k++] = names[x];
	for (int x = 0; x < m->n_pruned; x++)
		all[k++] = m->pruned[x].name;
	qsort(all, (size_t)k, sizeof(char *), cmp_str);
	for (int x = 0; x < k; x++)
		fprintf(stderr, "%s%s", x > 0 ? ", " : "the model has ", all[x]);
	if (k == 0)
		fprintf(stderr, "the model has no other runtime parameters");
	fprintf(stderr, "\n");
	free(all);
}

static int parse_bool(const char *v, int *out)
{
	static const char *yes[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *no[] = {"0", "f", "F", "false", "FALSE", "False"};
	for (int i = 0; i < 6; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return 1;
}

static void on_stop_signal(int sig)
{
	if (!snn_stop_signal)
		snn_stop_signal = sig;
}

static int run(int argc, char **argv)
{
	const char *out = NULL, *duration = NULL, *seed = NULL, *threads = NULL, *checkpoint = NULL, *resume = NULL;
	int quiet = 0;
	int n_set = 0;
	char **sets = snn_xcalloc((size_t)argc + 1, sizeof(char *));
	const char *pos = NULL; /* the first argument that is not a flag */
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (arg[0] != '-' || arg[1] == 0) {
			if (!pos)
				pos = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			if (!pos && a + 1 < argc)
				pos = argv[a + 1];
			break;
		}
		const char *name = arg + 1;
		if (name[0] == '-')
			name++;
		if (name[0] == 0 || name[0] == '-' || name[0] == '=')
			usage_error("bad flag syntax: %s", arg);
		const char *eq = strchr(name, '=');
		char fname[64];
		size_t fl = eq ? (size_t)(eq - name) : strlen(name);
		snprintf(fname, sizeof fname, "%.*s", (int)(fl < 63 ? fl : 63), name);
		const char *value = eq ? eq + 1 : NULL;
		if (strcmp(fname, "help") == 0 || strcmp(fname, "h") == 0) {
			if (snn_rank == 0)
				usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(fname, "version") == 0) {
			if (snn_rank == 0)
				print_version();
			return EXIT_OK;
		}
		if (strcmp(fname, "q") == 0 || strcmp(fname, "quiet") == 0) {
			int b = 1;
			if (value && parse_bool(value, &b)) {
				fprintf(stderr, "%s: invalid boolean value %s for -%s: parse error; see %s --help\n", exe, snn_quote(value),
					fname, exe);
				return EXIT_USAGE;
			}
			quiet = b;
			continue;
		}
		const char **dst = NULL;
		int is_set = 0;
		if (strcmp(fname, "out") == 0)
			dst = &out;
		else if (strcmp(fname, "duration") == 0)
			dst = &duration;
		else if (strcmp(fname, "seed") == 0)
			dst = &seed;
		else if (strcmp(fname, "threads") == 0)
			dst = &threads;
		else if (strcmp(fname, "data-dir") == 0)
			dst = &snn_data_dir;
		else if (strcmp(fname, "checkpoint") == 0)
			dst = &checkpoint;
		else if (strcmp(fname, "resume") == 0)
			dst = &resume;
		else if (strcmp(fname, "set") == 0)
			is_set = 1;
		else
			usage_error("flag provided but not defined: -%s", fname);
		if (!value) {
			if (a + 1 >= argc)
				usage_error("flag needs an argument: -%s", fname);
			value = argv[++a];
		}
		if (is_set)
			sets[n_set++] = (char *)value;
		else
			*dst = value;
	}
	if (pos) {
		/* --set amp=0.5 nA, unquoted: the unit is an argument of its own */
		for (int i = 0; i < n_set; i++)
			if (strchr(sets[i], '='))
				for (int a = 1; a + 1 < argc; a++)
					if (argv[a] == sets[i] && argv[a + 1] == pos) {
						fprintf(stderr,
							"%s: --set %s %s: the value is two words to the shell; quote it (--set '%s %s') or leave out the space (--set %s%s)\n",
							snn_prog, sets[i], pos, sets[i], pos, sets[i], pos);
						return EXIT_USAGE;
					}
		fprintf(stderr, "%s: unexpected argument %s: the executable takes only options (the model is built in); see %s --help\n",
			exe, pos, exe);
		return EXIT_USAGE;
	}

	snn_options o;
	memset(&o, 0, sizeof o);
	o.threads = 1;
	if (checkpoint && strcmp(checkpoint, "on") != 0 && strcmp(checkpoint, "off") != 0) {
		fprintf(stderr, "%s: --checkpoint=%s: on or off\n", snn_prog, checkpoint);
		return EXIT_USAGE;
	}
	o.no_checkpoint = checkpoint && strcmp(checkpoint, "off") == 0;
	o.resume = resume;
	char err[2048];
	if (duration) {
		double d;
		int8_t dim[6];
		int bad = snn_parse_quantity(duration, &d, dim, err, sizeof err);
		if (!bad && !snn_dim_eq(dim, snn_dim_time)) {
			snprintf(err, sizeof err, "%s is not a time", snn_quote(duration));
			bad = 1;
		}
		if (!bad && !(d > 0)) {
			snprintf(err, sizeof err, "the duration must be positive");
			bad = 1;
		}
		if (bad) {
			fprintf(stderr, "%s: --duration: %s\n", snn_prog, err);
			return EXIT_USAGE;
		}
		o.duration = d;
	}
	if (seed) {
		int ok = seed[0] != 0;
		unsigned long long v = 0;
		for (const char *p = seed; ok && *p; p++) {
			if (*p < '0' || *p > '9' || v > (~0ULL - 9) / 10)
				ok = 0;
			else
				v = v * 10 + (unsigned)(*p - '0');
		}
		if (!ok || v >= (1ULL << 53)) {
			fprintf(stderr, "%s: --seed %s: a seed is a whole number from 0 to 2^53-1\n", snn_prog, seed);
			return EXIT_USAGE;
		}
		o.has_seed = 1;
		o.seed = v;
	}
	if (threads) {
		int ok = threads[0] != 0;
		long v = 0;
		for (const char *p = threads; ok && *p; p++) {
			if (*p < '0' || *p > '9' || v > 100000)
				ok = 0;
			else
				v = v * 10 + (*p - '0');
		}
		if (!ok || v < 1 || v > SNN_MAX_THREADS) {
			fprintf(stderr, "%s: --threads %s: the number of threads is a whole number from 1 to %d\n", snn_prog,
				threads, SNN_MAX_THREADS);
			return EXIT_USAGE;
		}
		o.threads = (int)v;
	}
	/* Every --set as given, for summary.json's "set" (a pruned one too,
	 * as the interpreter's). */
	const char **given_names = snn_xcalloc((size_t)n_set + 1, sizeof(char *));
	const char **given_texts = snn_xcalloc((size_t)n_set + 1, sizeof(char *));
	int n_given = 0;
	if (n_set > 0) {
		const char **names;
		const snn_var **vs;
		int n = snn_settables(&snn_the_model, &names, &vs);
		o.set_names = snn_xcalloc((size_t)n_set, sizeof(char *));
		o.set_values = snn_xcalloc((size_t)n_set, sizeof(double));
		for (int i = 0; i < n_set; i++) {
			const char *kv = sets[i];
			const char *eq = strchr(kv, '=');
			char *name = snn_trim(kv, eq ? (size_t)(eq - kv) : strlen(kv));
			if (!eq || name[0] == 0) {
				fprintf(stderr, "%s: --set %s: expected name=value, for example --set i_drive=0.3nA\n", snn_prog, kv);
				return EXIT_USAGE;
			}
			const char *text = eq + 1;
			given_names[n_given] = name;
			given_texts[n_given] = snn_trim(text, strlen(text));
			int found = -1;
			for (int x = 0; x < n; x++)
				if (strcmp(names[x], name) == 0)
					found = x;
			const snn_pruned_param *pruned = NULL;
			for (int x = 0; x < snn_the_model.n_pruned; x++)
				if (strcmp(snn_the_model.pruned[x].name, name) == 0)
					pruned = &snn_the_model.pruned[x];
			if (found < 0 && pruned) {
				/* Its owner was pruned: nothing recorded depends on it.
				 * The value is still checked. */
				double v;
				int8_t dim[6];
				if (snn_parse_quantity(text, &v, dim, err, sizeof err)) {
					fprintf(stderr, "%s: --set %s: %s\n", snn_prog, kv, err);
					return EXIT_USAGE;
				}
				if (!snn_dim_eq(dim, pruned->dim)) {
					fprintf(stderr, "%s: --set %s: the dimension of %s is not %s's\n", snn_prog, kv, text, name);
					return EXIT_USAGE;
				}
				n_given++;
				continue;
			}
			if (found < 0) {
				if (n == 0) {
					fprintf(stderr, "%s: --set %s: the model has no runtime parameters (declare one with `runtime param`)\n",
						snn_prog, kv);
				} else {
					fprintf(stderr, "%s: --set %s: no runtime parameter %s; ", snn_prog, kv, name);
					print_settable(names, n);
				}
				return EXIT_USAGE;
			}
			const char *cur = driving_current(name);
			if (cur) {
				fprintf(stderr, "%s: --set %s: %s is driven by current %s, which sets it every step; ", snn_prog, kv,
					name, cur);
				print_settable(names, n);
				return EXIT_USAGE;
			}
			double v;
			int8_t dim[6];
			if (snn_parse_quantity(text, &v, dim, err, sizeof err)) {
				fprintf(stderr, "%s: --set %s: %s\n", snn_prog, kv, err);
				return EXIT_USAGE;
			}
			if (!snn_dim_eq(dim, vs[found]->dim)) {
				char want[256];
				snprintf(want, sizeof want, "%s", snn_dim_describe(vs[found]->dim));
				fprintf(stderr, "%s: --set %s: %s has dimension %s, and %s has %s\n", snn_prog, kv, name, want,
					snn_quote(text), snn_dim_describe(dim));
				return EXIT_USAGE;
			}
			for (int x = 0; x < o.n_set; x++)
				if (strcmp(o.set_names[x], name) == 0) {
					fprintf(stderr, "%s: --set %s: %s is set twice\n", snn_prog, kv, name);
					return EXIT_USAGE;
				}
			o.set_names[o.n_set] = name;
			o.set_values[o.n_set++] = v;
			n_given++;
		}
		/* interp applies them by name, sorted */
		for (int i = 1; i < o.n_set; i++)
			for (int j = i; j > 0 && cmp_str(&o.set_names[j - 1], &o.set_names[j]) > 0; j--) {
				const char *tn = o.set_names[j];
				o.set_names[j] = o.set_names[j - 1];
				o.set_names[j - 1] = tn;
				double tv = o.set_values[j];
				o.set_values[j] = o.set_values[j - 1];
				o.set_values[j - 1] = tv;
			}
		for (int i = 1; i < n_given; i++)
			for (int j = i; j > 0 && strcmp(given_names[j - 1], given_names[j]) > 0; j--) {
				const char *tn = given_names[j];
				given_names[j] = given_names[j - 1];
				given_names[j - 1] = tn;
				const char *tt = given_texts[j];
				given_texts[j] = given_texts[j - 1];
				given_texts[j - 1] = tt;
			}
	}
	char *dir;
	if (out) {
		dir = snn_xmalloc(strlen(out) + 1);
		strcpy(dir, out);
	} else {
		/* filepath.Base without filepath.Ext, then .out */
		const char *src = snn_the_model.source;
		size_t n = strlen(src);
		while (n > 1 && src[n - 1] == '/')
			n--;
		size_t b = n;
		while (b > 0 && src[b - 1] != '/')
			b--;
		size_t e = n;
		for (size_t i = n; i > b; i--)
			if (src[i - 1] == '.') {
				e = i - 1;
				break;
			}
		dir = snn_xmalloc(e - b + 5);
		sprintf(dir, "%.*s.out", (int)(e - b), src + b);
	}
	o.progress = !quiet && isatty(2) && snn_rank == 0 ? progress : NULL;
	progress_start = snn_now_seconds();

	/* A previous run's recordings go before this one starts, so that a
	 * run that fails or is killed leaves none that look like its own. */
	if (o.resume)
		snn_read_checkpoint(o.resume); /* whole, before dir (which may be it) is emptied */
	/* A resume into its own directory keeps the previous run's files until
	 * it writes its own: one that fails leaves the checkpoint to try again
	 * from (cmd/snnc/run.go does the same). */
	struct stat st_dir, st_resume;
	int same = o.resume && stat(dir, &st_dir) == 0 && stat(o.resume, &st_resume) == 0 &&
		   st_dir.st_dev == st_resume.st_dev && st_dir.st_ino == st_resume.st_ino;
	/* Over MPI ranks rank 0 alone writes the outputs. */
	if (snn_rank == 0 && snn_check_out(dir))
		return EXIT_MODEL;
	if (!same && snn_rank == 0 && snn_remove_stale(dir))
		return EXIT_MODEL;
	/* SIGINT and SIGTERM end the run before its next step, and what the
	 * steps before recorded is written (cmd/snnc/run.go does the same).
	 * The handler only sets the flag: a second signal (the terminal's
	 * and snnc's forwarded copy of one Ctrl-C) changes nothing. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	snn_spike_rec *spikes;
	snn_state_rec *states;
	int n_spikes, n_states;
	snn_summary sum;
	snn_run(&snn_the_model, &o, &spikes, &n_spikes, &states, &n_states, &sum);
	if (snn_rank != 0)
		return sum.interrupted ? 128 + (snn_stop_signal ? (int)snn_stop_signal : SIGTERM) : EXIT_OK;
	if (same && snn_remove_stale(dir))
		return EXIT_MODEL;
	sum.snnc_version = snn_the_model.snnc_version;
	sum.model_sha256 = snn_the_model.model_sha256;
	sum.monitors_json = snn_the_model.monitors_json;
	sum.threads = o.threads;
	sum.n_set = n_given;
	sum.set_names = given_names;
	sum.set_texts = given_texts;
	if (snn_write_outputs(dir, snn_the_model.dt, spikes, n_spikes, states, n_states, &sum))
		return EXIT_MODEL;
	if (sum.interrupted) {
		/* cmd/snnc/run.go's interruptedText */
		int sig = snn_stop_signal;
		fflush(stdout);
		fprintf(stderr,
			"%s: interrupted by %s after %lld of %lld steps; the recordings of those steps are in %s/ (summary.json says \"interrupted\": true)\n",
			snn_prog, sig == SIGTERM ? "SIGTERM" : "SIGINT", (long long)sum.steps_done, (long long)sum.steps, dir);
		return 128 + sig;
	}
	if (!quiet)
		print_summary(&sum, dir);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc > 0 && argv[0]) {
		const char *b = strrchr(argv[0], '/');
		exe = b ? b + 1 : argv[0];
	}
	/* Messages begin with the executable's own name; snnc run, which
	 * runs it for the user, has them begin with "snnc run" (build.go's
	 * runNative sets SNNC_PROG). */
	const char *prog = getenv("SNNC_PROG");
	snn_prog = prog && *prog ? prog : exe;
	/* An --mpi build starts MPI; any other refuses to run as several
	 * copies under mpirun (mpi.c). */
	snn_mpi_init(&argc, &argv, exe);
	int code = run(argc, argv);
	fflush(stdout);
	snn_mpi_finalize();
	/* the worker threads end with the process */
	exit(code);
}
