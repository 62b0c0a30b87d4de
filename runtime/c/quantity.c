/*
 * quantity.c: values with units on the executable's command line
 * (--duration, --set), read as snnc reads them: numbers as
 * strconv.ParseFloat reads them, dimensions and their names as lang.Dim
 * prints them, and a quantity as lang.ParseQuantity parses it, with the
 * model's units (snn_units). main.c is its only caller.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* ------------------------------------------------------------------ */
/* Numbers as strconv.ParseFloat reads them.                            */

static int lower(int c) { return c | ('x' - 'X'); }

/* underscoreOK is strconv's: underscores only between digits. */
static int underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	int hex = 0;
	if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return 0;
		saw = '!';
	}
	return saw != '_';
}

/* read_float is the syntax of strconv's readFloat: 1 if all n bytes of s
 * are a decimal or hexadecimal floating-point number. */
static int read_float(const char *s, size_t n)
{
	size_t i = 0;
	int underscores = 0;
	if (n == 0)
		return 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	int base = 10;
	int exp_char = 'e';
	if (i + 2 < n && s[i] == '0' && lower(s[i + 1]) == 'x') {
		base = 16;
		i += 2;
		exp_char = 'p';
	}
	int sawdot = 0, sawdigits = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '_') {
			underscores = 1;
			continue;
		}
		if (c == '.') {
			if (sawdot)
				break;
			sawdot = 1;
			continue;
		}
		if (c >= '0' && c <= '9') {
			sawdigits = 1;
			continue;
		}
		if (base == 16 && lower(c) >= 'a' && lower(c) <= 'f') {
			sawdigits = 1;
			continue;
		}
		break;
	}
	if (!sawdigits)
		return 0;
	if (i < n && lower(s[i]) == exp_char) {
		i++;
		if (i >= n)
			return 0;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			if (s[i] == '_')
				underscores = 1;
	} else if (base == 16) {
		return 0;
	}
	if (underscores && !underscore_ok(s, i))
		return 0;
	return i == n;
}

static size_t prefix_fold(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	while (i < n && word[i] && lower((unsigned char)s[i]) == word[i])
		i++;
	return i;
}

/* special is strconv's: [+-]inf, [+-]infinity or nan, in any case; the
 * bytes it takes, or 0. */
static size_t special(const char *s, size_t n, double *x)
{
	if (n == 0)
		return 0;
	double sign = 1;
	size_t ns = 0;
	if (s[0] == '+' || s[0] == '-') {
		sign = s[0] == '-' ? -1 : 1;
		ns = 1;
	} else if (lower((unsigned char)s[0]) == 'n') {
		if (prefix_fold(s, n, "nan") == 3) {
			*x = NAN;
			return 3;
		}
		return 0;
	} else if (lower((unsigned char)s[0]) != 'i') {
		return 0;
	}
	size_t k = prefix_fold(s + ns, n - ns, "infinity");
	if (k > 3 && k < 8)
		k = 3;
	if (k == 3 || k == 8) {
		*x = sign * INFINITY;
		return ns + k;
	}
	return 0;
}

/* parse_float is strconv.ParseFloat(s[:n], 64): 1 with the value in *x,
 * 0 for a syntax error, 2 for a range error. */
static int parse_float(const char *s, size_t n, double *x)
{
	size_t sp = special(s, n, x);
	if (sp > 0)
		return sp == n;
	if (!read_float(s, n))
		return 0;
	char *b = snn_xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			b[o++] = s[i];
	b[o] = 0;
	double v = strtod(b, NULL);
	free(b);
	if (isinf(v))
		return 2; /* ErrRange */
	*x = v;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Dimensions (lang.Dim) and units.                                     */

typedef struct named_dim {
	int8_t d[6];
	const char *unit, *what;
} named_dim;

static const named_dim named_dims[] = {
	{{0, 0, 0, 0, 0, 0}, "1", "dimensionless"},
	{{0, 0, 1, 0, 0, 0}, "s", "time"},
	{{0, 0, -1, 0, 0, 0}, "Hz", "frequency"},
	{{2, 1, -3, -1, 0, 0}, "V", "voltage"},
	{{0, 0, 0, 1, 0, 0}, "A", "current"},
	{{-2, -1, 3, 2, 0, 0}, "S", "conductance"},
	{{-2, -1, 4, 2, 0, 0}, "F", "capacitance"},
	{{2, 1, -3, -2, 0, 0}, "ohm", "resistance"},
	{{0, 0, 1, 1, 0, 0}, "C", "charge"},
	{{1, 0, 0, 0, 0, 0}, "m", "length"},
	{{0, 1, 0, 0, 0, 0}, "kg", "mass"},
	{{0, 0, 0, 0, 0, 1}, "mol", "amount"},
	{{-3, 0, 0, 0, 0, 1}, "mol/m**3", "concentration"},
	{{0, 0, 0, 0, 1, 0}, "K", "temperature"},
};
enum { N_NAMED = sizeof named_dims / sizeof named_dims[0] };
const int8_t snn_dim_time[6] = {0, 0, 1, 0, 0, 0};

int snn_dim_eq(const int8_t *a, const int8_t *b) { return memcmp(a, b, 6) == 0; }

static void dim_op(int8_t *out, const int8_t *a, const int8_t *b, int sign)
{
	for (int i = 0; i < 6; i++)
		out[i] = (int8_t)(a[i] + sign * b[i]);
}

static void pow_unit(char *b, const char *unit, int p)
{
	if (p == 1)
		sprintf(b, "%s", unit);
	else
		sprintf(b, "%s**%d", unit, p);
}

/* dim_string is Dim.String. */
static void dim_string(char *b, const int8_t *d)
{
	for (int n = 0; n < N_NAMED; n++)
		if (snn_dim_eq(named_dims[n].d, d)) {
			strcpy(b, named_dims[n].unit);
			return;
		}
	static const int8_t zero[6];
	for (int p = 1; p <= 3; p++)
		for (int n = 1; n < N_NAMED; n++) {
			int8_t base[6], x[6];
			char pu[64];
			for (int i = 0; i < 6; i++)
				base[i] = (int8_t)(named_dims[n].d[i] * p);
			pow_unit(pu, named_dims[n].unit, p);
			dim_op(x, base, snn_dim_time, -1);
			if (snn_dim_eq(x, d)) {
				sprintf(b, "%s/s", pu);
				return;
			}
			dim_op(x, base, snn_dim_time, 1);
			if (snn_dim_eq(x, d)) {
				sprintf(b, "%s*s", pu);
				return;
			}
			dim_op(x, zero, base, -1);
			if (snn_dim_eq(x, d)) {
				sprintf(b, "1/%s", pu);
				return;
			}
			if (snn_dim_eq(base, d)) {
				strcpy(b, pu);
				return;
			}
		}
	for (int a = 1; a < N_NAMED; a++)
		for (int c = 1; c < N_NAMED; c++) {
			int8_t x[6];
			dim_op(x, named_dims[a].d, named_dims[c].d, 1);
			if (snn_dim_eq(x, d)) {
				sprintf(b, "%s*%s", named_dims[a].unit, named_dims[c].unit);
				return;
			}
			dim_op(x, named_dims[a].d, named_dims[c].d, -1);
			if (snn_dim_eq(x, d)) {
				sprintf(b, "%s/%s", named_dims[a].unit, named_dims[c].unit);
				return;
			}
		}
	static const char *names[6] = {"m", "kg", "s", "A", "K", "mol"};
	char num[128] = "", den[128] = "";
	for (int i = 0; i < 6; i++) {
		int e = d[i];
		char part[32];
		if (e == 0)
			continue;
		if (e == 1 || e == -1)
			sprintf(part, "%s", names[i]);
		else
			sprintf(part, "%s**%d", names[i], e > 0 ? e : -e);
		char *to = e > 0 ? num : den;
		if (e > 0 && to[0])
			strcat(to, "*");
		if (e < 0)
			strcat(to, "/");
		strcat(to, part);
	}
	sprintf(b, "%s%s", num[0] ? num : "1", den);
}

/* snn_dim_describe is Dim.Describe: "voltage (V)". */
const char *snn_dim_describe(const int8_t *d)
{
	static char bufs[2][256];
	static int next;
	char *b = bufs[next];
	next = 1 - next;
	for (int n = 0; n < N_NAMED; n++)
		if (snn_dim_eq(named_dims[n].d, d)) {
			if (n == 0)
				strcpy(b, "dimensionless");
			else
				sprintf(b, "%s (%s)", named_dims[n].what, named_dims[n].unit);
			return b;
		}
	dim_string(b, d);
	return b;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/* snn_trim is strings.TrimSpace (ASCII space). */
char *snn_trim(const char *s, size_t n)
{
	while (n > 0 && is_space((unsigned char)s[0]))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	char *t = snn_xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = 0;
	return t;
}

/* fold_eq is strings.EqualFold for ASCII letters; other bytes match
 * exactly. */
static int fold_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* suggest_unit is lang's suggestUnit. */
static const char *suggest_unit(const char *name)
{
	const char *best = NULL;
	for (int32_t i = 0; i < snn_n_units; i++) {
		const char *u = snn_units[i].name;
		if (!fold_eq(u, name))
			continue;
		if (!best) {
			best = u;
			continue;
		}
		int fu = u[0] == name[0], fb = best[0] == name[0];
		if (fu != fb) {
			if (fu)
				best = u;
			continue;
		}
		if (strcmp(u, best) < 0)
			best = u;
	}
	return best;
}

/* snn_parse_quantity is lang.ParseQuantity: 0, or 1 with the message. */
int snn_parse_quantity(const char *s, double *x, int8_t *dim, char *err, size_t errlen)
{
	char *text = snn_trim(s, strlen(s));
	size_t end = strlen(text);
	double v = 0;
	/* The longest prefix that is a number, in range or not (as
	 * lang.ParseQuantity: 1e400nA is out of range, not 1e40 in 0nA). */
	int r = 0;
	while (end > 0 && (r = parse_float(text, end, &v)) == 0)
		end--;
	memset(dim, 0, 6);
	if (r == 2) {
		char num[512];
		snprintf(num, sizeof num, "%.*s", (int)end, text);
		snprintf(err, errlen, "%s: %s is out of range (numbers go up to about 1.8e308 in magnitude)", snn_quote(s), num);
		free(text);
		return 1;
	}
	if (end == 0) {
		snprintf(err, errlen, "%s is not a number with an optional unit (for example 0.3nA or 20 ms)", snn_quote(s));
		free(text);
		return 1;
	}
	if (isinf(v) || isnan(v)) {
		snprintf(err, errlen, "%s is not a finite number", snn_quote(s));
		free(text);
		return 1;
	}
	char num[512];
	snprintf(num, sizeof num, "%.*s", (int)end, text);
	char *unit = snn_trim(text + end, strlen(text + end));
	free(text);
	if (unit[0] == 0) {
		*x = v;
		free(unit);
		return 0;
	}
	for (int32_t i = 0; i < snn_n_units; i++)
		if (strcmp(snn_units[i].name, unit) == 0) {
			double scaled = v * snn_units[i].scale;
			if (isinf(scaled)) {
				char q1[512];
				snprintf(q1, sizeof q1, "%s", snn_quote(s));
				snprintf(err, errlen, "%s: %s %s is out of range (more than about 1.8e308 in SI units)", q1, num, unit);
				free(unit);
				return 1;
			}
			*x = scaled;
			memcpy(dim, snn_units[i].dim, 6);
			free(unit);
			return 0;
		}
	int spaced = strpbrk(unit, " \t\n\v\f\r*/^") != NULL;
	if (spaced) {
		snprintf(err, errlen, "%s: give a single unit (such as nA, mV, ms, Hz)", snn_quote(s));
	} else {
		const char *sug = suggest_unit(unit);
		char q1[512];
		snprintf(q1, sizeof q1, "%s", snn_quote(s));
		if (sug)
			snprintf(err, errlen, "%s: unknown unit %s; did you mean %s?", q1, snn_quote(unit), sug);
		else
			snprintf(err, errlen, "%s: unknown unit %s", q1, snn_quote(unit));
	}
	free(unit);
	return 1;
}

