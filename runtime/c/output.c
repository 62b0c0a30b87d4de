/*
 * output.c: the recordings, as runtime/output.go writes them
 * (runtime.Write): .npy files byte for byte as runtime/npy writes them
 * (numpy.save's header and padding), each through a temporary file
 * renamed into place, then the final state (state/, the arrays state.c
 * lists, each streamed through its fill function), then summary.json.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "rt.h"

#define ALIGN 64
#define GROWTH_DIGITS 21

/* Go's syscall errors are lower case: "permission denied". */
static const char *errtext(int e)
{
	static char b[256];
	snprintf(b, sizeof b, "%s", strerror(e));
	if (b[0] && b[1] && !isupper((unsigned char)b[1]))
		b[0] = (char)tolower((unsigned char)b[0]);
	return b;
}

/* header is the whole .npy header as numpy.save writes it (npy.header). */
static size_t header(char *b, const char *descr, const int64_t *shape, int ndim)
{
	char dict[512], shp[128];
	size_t o = 0;
	o += (size_t)sprintf(shp + o, "(");
	for (int i = 0; i < ndim; i++)
		o += (size_t)sprintf(shp + o, "%s%lld", i > 0 ? ", " : "", (long long)shape[i]);
	if (ndim == 1)
		o += (size_t)sprintf(shp + o, ",");
	sprintf(shp + o, ")");
	int n = sprintf(dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shp);
	if (ndim > 0) {
		char first[32];
		int w = sprintf(first, "%lld", (long long)shape[0]);
		for (int i = w; i < GROWTH_DIGITS; i++)
			dict[n++] = ' ';
		dict[n] = 0;
	}
	size_t prefix = 10;
	size_t hlen = (size_t)n + 1;
	size_t pad = ALIGN - (prefix + hlen) % ALIGN;
	size_t total = hlen + pad;
	o = 0;
	memcpy(b, "\x93NUMPY", 6);
	o = 6;
	b[o++] = 1;
	b[o++] = 0;
	b[o++] = (char)(total & 0xFF);
	b[o++] = (char)((total >> 8) & 0xFF);
	memcpy(b + o, dict, (size_t)n);
	o += (size_t)n;
	memset(b + o, ' ', pad);
	o += pad;
	b[o++] = '\n';
	return o;
}

typedef struct array {
	const char *descr;
	int64_t shape[2];
	int ndim;
	const void *data; /* double or int32 */
	int64_t count;
	int is_f64;
	/* Or, with data NULL, fill(ctx, from, n, out) gives n values from
	 * from on (the final state's, state.c). */
	void (*fill)(const void *ctx, int64_t from, int64_t n, void *out);
	const void *ctx;
} array;

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_array(int fd, const array *a)
{
	char h[1024];
	size_t hn = header(h, a->descr, a->shape, a->ndim);
	if (write_all(fd, h, hn))
		return -1;
	enum { CHUNK = 64 << 10 };
	static unsigned char buf[CHUNK];
	static double filled[CHUNK / 4]; /* room for CHUNK/4 int32s or CHUNK/8 doubles */
	size_t size = a->is_f64 ? 8 : 4;
	int64_t per = (int64_t)(CHUNK / size);
	for (int64_t from = 0; from < a->count; from += per) {
		int64_t k = a->count - from < per ? a->count - from : per;
		const void *src = a->data;
		int64_t at = from;
		if (!src) {
			a->fill(a->ctx, from, k, filled);
			src = filled;
			at = 0;
		}
		for (int64_t i = 0; i < k; i++) {
			uint64_t v;
			if (a->is_f64) {
				double d = ((const double *)src)[at + i];
				memcpy(&v, &d, 8);
			} else {
				v = (uint32_t)((const int32_t *)src)[at + i];
			}
			for (size_t byte = 0; byte < size; byte++)
				buf[(size_t)i * size + byte] = (unsigned char)(v >> (8 * byte));
		}
		if (write_all(fd, buf, (size_t)k * size))
			return -1;
	}
	return 0;
}

/* write_file writes into a temporary file beside path and renames it
 * into place, keeping the mode of a file it replaces (npy.writeFile).
 * data is an array, or with text a whole text file. */
static int write_file(const char *path, const array *a, const char *text, size_t textlen)
{
	char tmp[4096];
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;
	snprintf(tmp, sizeof tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	mode_t mode = 0644;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 0777;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "%s: writing %s: open %s: %s\n", snn_prog, path, tmp, errtext(errno));
		return 1;
	}
	int bad = a ? write_array(fd, a) : write_all(fd, text, textlen);
	const char *op = "write";
	if (!bad) {
		op = "chmod";
		bad = fchmod(fd, mode);
	}
	if (!bad) {
		op = "sync";
		bad = fsync(fd);
	}
	int e = errno;
	if (close(fd) && !bad) {
		op = "close";
		bad = 1;
		e = errno;
	}
	if (!bad && rename(tmp, path)) {
		fprintf(stderr, "%s: writing %s: rename %s %s: %s\n", snn_prog, path, tmp, path, errtext(errno));
		unlink(tmp);
		return 1;
	}
	if (bad) {
		fprintf(stderr, "%s: writing %s: %s %s: %s\n", snn_prog, path, op, tmp, errtext(e));
		unlink(tmp);
		return 1;
	}
	return 0;
}

/* mkdir_all is os.MkdirAll(dir, 0755). */
static int mkdir_all(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fprintf(stderr, "%s: mkdir %s: %s\n", snn_prog, dir, errtext(ENOTDIR));
		return 1;
	}
	char *p = snn_xmalloc(strlen(dir) + 1);
	strcpy(p, dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (stat(p, &st) != 0 && mkdir(p, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "%s: mkdir %s: %s\n", snn_prog, p, errtext(errno));
			free(p);
			return 1;
		}
		*s = '/';
	}
	free(p);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", snn_prog, dir, errtext(errno));
		return 1;
	}
	return 0;
}

/* JSON text, growing. */
typedef struct text {
	char *b;
	size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		size_t c = t->cap ? t->cap : 1024;
		while (c < t->n + n + 1)
			c *= 2;
		t->b = snn_xrealloc(t->b, c);
		t->cap = c;
	}
	memcpy(t->b + t->n, s, n);
	t->n += n;
	t->b[t->n] = 0;
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

static void putf(text *t, const char *fmt, long long v)
{
	char b[64];
	snprintf(b, sizeof b, fmt, v);
	puts_(t, b);
}

static void putfloat(text *t, double x)
{
	char b[64];
	snn_json_float(b, x);
	puts_(t, b);
}

/* putstr writes a JSON string as encoding/json does (HTML-safe). */
static void putstr(text *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	puts_(t, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		char e[8];
		if (c == '"' || c == '\\') {
			e[0] = '\\', e[1] = (char)c;
			put(t, e, 2);
		} else if (c == '\n') {
			puts_(t, "\\n");
		} else if (c == '\r') {
			puts_(t, "\\r");
		} else if (c == '\t') {
			puts_(t, "\\t");
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			snprintf(e, sizeof e, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			puts_(t, e);
		} else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
			puts_(t, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else {
			put(t, (const char *)p, 1);
		}
	}
	puts_(t, "\"");
}

/* snn_json_str appends s as putstr writes it to the growing text (b, n,
 * cap), for resume.c. */
void snn_json_str(char **b, size_t *n, size_t *cap, const char *s)
{
	text t = {*b, *n, *cap};
	putstr(&t, s);
	*b = t.b, *n = t.n, *cap = t.cap;
}

/* fill_canonical gives doubles with every NaN as runtime.CanonicalNaN. */
static void fill_canonical(const void *ctx, int64_t from, int64_t n, void *out)
{
	const double *d = ctx;
	double *o = out;
	for (int64_t x = 0; x < n; x++) {
		double v = d[from + x];
		if (v != v) {
			uint64_t bits = UINT64_C(0x7ff8000000000000);
			memcpy(&v, &bits, 8);
		}
		o[x] = v;
	}
}

int snn_write_npy1(const char *path, const char *descr, const void *data, int64_t n)
{
	/* Streamed as every array is: an int64's 8 bytes go as a double's
	 * (write_array copies their bits); a double's NaN as the one NaN. */
	array a = {descr, {n, 0}, 1, data, n, descr[2] == '8', NULL, NULL};
	if (strcmp(descr, "<f8") == 0)
		a.data = NULL, a.fill = fill_canonical, a.ctx = data;
	return write_file(path, &a, NULL, 0);
}

int snn_write_text(const char *path, const char *s, size_t n) { return write_file(path, NULL, s, n); }

int snn_mkdir_all(const char *dir) { return mkdir_all(dir); }

static int cmp_syn(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = snn_xmalloc(n + strlen(name) + 2);
	if (n > 0 && dir[n - 1] == '/')
		sprintf(p, "%s%s", dir, name);
	else
		sprintf(p, "%s/%s", dir, name);
	return p;
}

static char *cat(const char *a, const char *b)
{
	char *p = snn_xmalloc(strlen(a) + strlen(b) + 1);
	sprintf(p, "%s%s", a, b);
	return p;
}

/* stale_name is runtime.StaleName: a plain name ending in .npy. */
static int stale_name(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && strcmp(s + n - 4, ".npy") == 0 && s[0] != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

/* stale_state_name is runtime's staleStateName: state/ and a plain name
 * ending in .npy (the final state's files). */
static int stale_state_name(const char *s)
{
	if (strcmp(s, "state/checkpoint.json") == 0)
		return 1; /* and the checkpoint's (runtime's staleCheckpointName) */
	if (strncmp(s, "state/raw/", 10) == 0)
		return stale_name(s + 10);
	return strncmp(s, "state/", 6) == 0 && stale_name(s + 6);
}

/* json_string reads the JSON string at *p (just past its opening quote)
 * into b (cap bytes); 0 at a string with escapes or too long (never a
 * name snnc writes), else 1 with *p past the closing quote. */
static int json_string(const char **p, char *b, size_t cap)
{
	size_t n = 0;
	const char *s = *p;
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' || n + 1 >= cap)
			return 0;
		b[n++] = *s;
	}
	if (*s != '"')
		return 0;
	b[n] = 0;
	*p = s + 1;
	return 1;
}

/* our_summary returns the text of dir/summary.json if it is a summary snnc
 * wrote (runtime's previousRun), else NULL. */
static char *our_summary(const char *dir)
{
	char *path = join(dir, "summary.json");
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		free(path);
		return NULL; /* none, or not one snnc wrote */
	}
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return NULL;
	char *data = snn_xmalloc((size_t)st.st_size + 1);
	size_t len = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	data[len] = 0;
	/* A summary snnc wrote: json.MarshalIndent's layout, with these keys. */
	if (!strstr(data, "\n  \"target\": ") || !strstr(data, "\n  \"steps\": ") || !strstr(data, "\n  \"files\": [")) {
		free(data);
		return NULL;
	}
	return data;
}

int snn_check_out(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return 0; /* none yet (or one that mkdir_all will report) */
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: --out %s: not a directory\n", snn_prog, dir);
		return 1;
	}
	char *data = our_summary(dir);
	if (data) {
		free(data);
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "%s: --out %s: %s\n", snn_prog, dir, errtext(errno));
		return 1;
	}
	/* readdir's order is the file system's, and Go's os.ReadDir sorts:
	 * the first by name is the one named, as runtime.CheckOut names it. */
	char *bad = NULL;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		char *p = join(dir, n);
		struct stat se;
		int isdir = lstat(p, &se) == 0 && S_ISDIR(se.st_mode);
		free(p);
		if (isdir ? strcmp(n, "state") == 0 : stale_name(n))
			continue;
		if (!bad || strcmp(n, bad) < 0) {
			free(bad);
			bad = snn_xmalloc(strlen(n) + 1);
			strcpy(bad, n);
		}
	}
	closedir(d);
	if (!bad)
		return 0;
	fprintf(stderr,
		"%s: --out %s: the directory exists and snnc did not write it (it has no summary.json of a run, and %s is not a "
		"recording); choose another --out, or remove the directory\n",
		snn_prog, dir, bad);
	free(bad);
	return 1;
}

int snn_remove_stale(const char *dir)
{
	char *data = our_summary(dir);
	if (!data)
		return 0;
	char *path = join(dir, "summary.json");
	if (unlink(path) != 0 && errno != ENOENT) {
		fprintf(stderr, "%s: removing the previous run's %s: %s\n", snn_prog, path, errtext(errno));
		free(data);
		free(path);
		return 1;
	}
	free(path);
	const char *files = strstr(data, "\n  \"files\": [");
	const char *p = files + strlen("\n  \"files\": [");
	for (;;) {
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == ',')
			p++;
		if (*p != '"')
			break; /* the list's end, or something not ours */
		p++;
		char name[1024];
		if (!json_string(&p, name, sizeof name))
			break;
		if (!stale_name(name) && !stale_state_name(name))
			continue;
		char *fp = join(dir, name);
		if (unlink(fp) != 0 && errno != ENOENT) {
			fprintf(stderr, "%s: removing the previous run's %s: %s\n", snn_prog, fp, errtext(errno));
			free(fp);
			free(data);
			return 1;
		}
		free(fp);
	}
	free(data);
	return 0;
}

int snn_write_outputs(const char *dir, double dt, snn_spike_rec *spikes, int n_spikes, snn_state_rec *states,
	int n_states, snn_summary *sum)
{
	/* A previous run's files went when this run started (main.c). */
	if (mkdir_all(dir))
		return 1;
	sum->files = snn_xcalloc((size_t)(2 * n_spikes + 5 * n_states + sum->n_final + 1), sizeof(char *));
	sum->n_files = 0;
#define WRITE(NAME, ARR)                                          \
	do {                                                      \
		char *name_ = (NAME);                             \
		sum->files[sum->n_files++] = name_;               \
		char *path_ = join(dir, name_);                   \
		int bad_ = write_file(path_, (ARR), NULL, 0);     \
		free(path_);                                      \
		if (bad_)                                         \
			return 1;                                 \
	} while (0)
	for (int m = 0; m < n_spikes; m++) {
		snn_spike_rec *s = &spikes[m];
		double *t = snn_xmalloc((size_t)(s->steps.n > 0 ? s->steps.n : 1) * sizeof(double));
		for (int64_t n = 0; n < s->steps.n; n++)
			t[n] = (double)s->steps.a[n] * dt;
		array at = {"<f8", {s->steps.n, 0}, 1, t, s->steps.n, 1, NULL, NULL};
		WRITE(cat(s->name, ".t.npy"), &at);
		free(t);
		int32_t *idx = snn_rebased(s->index.a, s->index.n, s->base);
		array ai = {"<i4", {s->index.n, 0}, 1, idx, s->index.n, 0, NULL, NULL};
		WRITE(cat(s->name, ".i.npy"), &ai);
		if (idx != s->index.a)
			free(idx);
	}
	for (int m = 0; m < n_states; m++) {
		snn_state_rec *s = &states[m];
		double *t = snn_xmalloc((size_t)(s->n_steps > 0 ? s->n_steps : 1) * sizeof(double));
		for (int64_t n = 0; n < s->n_steps; n++)
			t[n] = (double)s->steps[n] * dt;
		array at = {"<f8", {s->n_steps, 0}, 1, t, s->n_steps, 1, NULL, NULL};
		WRITE(cat(s->name, ".t.npy"), &at);
		free(t);
		int32_t *idx = snn_rebased(s->indices, s->n_indices, s->base);
		array ai = {"<i4", {s->n_indices, 0}, 1, idx, s->n_indices, 0, NULL, NULL};
		WRITE(cat(s->name, ".i.npy"), &ai);
		if (idx != s->indices)
			free(idx);
		array av = {"<f8", {s->n_steps, s->n_indices}, 2, s->values, s->n_steps * s->n_indices, 1, NULL, NULL};
		WRITE(cat(s->name, ".npy"), &av);
		if (s->pre) {
			array ap = {"<i4", {s->n_indices, 0}, 1, s->pre, s->n_indices, 0, NULL, NULL};
			WRITE(cat(s->name, ".pre.npy"), &ap);
			array aq = {"<i4", {s->n_indices, 0}, 1, s->post, s->n_indices, 0, NULL, NULL};
			WRITE(cat(s->name, ".post.npy"), &aq);
		}
	}
	if (sum->n_final > 0) {
		char *sd = join(dir, "state");
		int bad = mkdir_all(sd);
		free(sd);
		if (bad)
			return 1;
	}
	for (int x = 0; x < sum->n_final; x++) {
		const snn_final *f = &sum->final[x];
		array af = {f->is_f64 ? "<f8" : "<i4", {f->shape[0], f->shape[1]}, f->ndim, NULL, f->count, f->is_f64,
			f->fill, f->ctx};
		char *name = snn_xmalloc(strlen(f->name) + sizeof "state/.npy");
		sprintf(name, "state/%s.npy", f->name);
		WRITE(name, &af);
	}
#undef WRITE
	if (sum->ckpt && sum->write_ckpt(dir, sum))
		return 1;
	sum->files[sum->n_files++] = cat("summary", ".json");

	/* summary.json as json.MarshalIndent(sum, "", "  ") with a newline. */
	text t = {0};
	puts_(&t, "{\n  \"model\": ");
	putstr(&t, sum->model);
	puts_(&t, ",\n  \"target\": ");
	putstr(&t, sum->target);
	putf(&t, ",\n  \"seed\": %llu", (long long)sum->seed);
	puts_(&t, ",\n  \"dt\": ");
	putfloat(&t, sum->dt);
	puts_(&t, ",\n  \"duration\": ");
	putfloat(&t, sum->duration);
	putf(&t, ",\n  \"steps\": %lld", (long long)sum->steps);
	if (sum->interrupted) {
		puts_(&t, ",\n  \"interrupted\": true");
		putf(&t, ",\n  \"steps_done\": %lld", (long long)sum->steps_done);
	}
	puts_(&t, ",\n  \"wall_seconds\": ");
	putfloat(&t, sum->wall_seconds);
	puts_(&t, ",\n  \"populations\": ");
	if (sum->n_pops == 0) {
		puts_(&t, "null");
	} else {
		puts_(&t, "[");
		for (int i = 0; i < sum->n_pops; i++) {
			snn_pop_summary *p = &sum->pops[i];
			puts_(&t, i > 0 ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ");
			putstr(&t, p->name);
			putf(&t, ",\n      \"size\": %lld", (long long)p->size);
			putf(&t, ",\n      \"spikes\": %lld", (long long)p->spikes);
			puts_(&t, ",\n      \"mean_rate_hz\": ");
			putfloat(&t, p->rate);
			puts_(&t, "\n    }");
		}
		puts_(&t, "\n  ]");
	}
	puts_(&t, ",\n  \"synapses\": ");
	if (sum->n_syn == 0) {
		puts_(&t, "{}");
	} else {
		/* map keys sorted, as encoding/json sorts them */
		int *order = snn_xmalloc((size_t)sum->n_syn * sizeof(int));
		const char **names = snn_xmalloc((size_t)sum->n_syn * sizeof(char *));
		for (int i = 0; i < sum->n_syn; i++)
			names[i] = sum->syn_names[i];
		qsort(names, (size_t)sum->n_syn, sizeof(char *), cmp_syn);
		for (int i = 0; i < sum->n_syn; i++)
			for (int j = 0; j < sum->n_syn; j++)
				if (strcmp(sum->syn_names[j], names[i]) == 0)
					order[i] = j;
		puts_(&t, "{");
		for (int i = 0; i < sum->n_syn; i++) {
			puts_(&t, i > 0 ? ",\n    " : "\n    ");
			putstr(&t, sum->syn_names[order[i]]);
			putf(&t, ": %lld", (long long)sum->syn_counts[order[i]]);
		}
		puts_(&t, "\n  }");
		free(order);
		free(names);
	}
	putf(&t, ",\n  \"synaptic_events\": %lld", (long long)sum->events);
	puts_(&t, ",\n  \"files\": [");
	for (int i = 0; i < sum->n_files; i++) {
		puts_(&t, i > 0 ? ",\n    " : "\n    ");
		putstr(&t, sum->files[i]);
	}
	puts_(&t, "\n  ]");
	if (sum->resumed_from) {
		puts_(&t, ",\n  \"resumed_from\": ");
		putstr(&t, sum->resumed_from);
	}
	puts_(&t, ",\n  \"snnc_version\": ");
	putstr(&t, sum->snnc_version ? sum->snnc_version : "");
	puts_(&t, ",\n  \"model_sha256\": ");
	putstr(&t, sum->model_sha256 ? sum->model_sha256 : "");
	putf(&t, ",\n  \"threads\": %d", sum->threads);
	puts_(&t, ",\n  \"set\": ");
	if (sum->n_set == 0) {
		puts_(&t, "{}");
	} else {
		/* sorted by name (main.c), as encoding/json sorts map keys */
		puts_(&t, "{");
		for (int i = 0; i < sum->n_set; i++) {
			puts_(&t, i > 0 ? ",\n    " : "\n    ");
			putstr(&t, sum->set_names[i]);
			puts_(&t, ": ");
			putstr(&t, sum->set_texts[i]);
		}
		puts_(&t, "\n  }");
	}
	puts_(&t, ",\n  \"monitors\": ");
	puts_(&t, sum->monitors_json ? sum->monitors_json : "[]");
	puts_(&t, "\n}\n");
	char *path = join(dir, "summary.json");
	int bad = write_file(path, NULL, t.b, t.n);
	free(path);
	free(t.b);
	return bad;
}
