/*
 * metrics_fmt.c - the Prometheus text exposition format (metrics_fmt.h).
 */
#include <math.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_fmt.h"

void mx_init(struct mx *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

void mx_free(struct mx *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

static bool grow(struct mx *m, size_t n)
{
	size_t cap;
	char *b;

	if (m->full)
		return false;
	if (m->len + n + 1 <= m->cap)
		return true;
	if (m->len + n + 1 > m->max) {
		m->full = true;
		return false;
	}
	cap = m->cap ? m->cap : 4096;
	while (cap < m->len + n + 1)
		cap *= 2;
	if (cap > m->max)
		cap = m->max;
	b = realloc(m->buf, cap);
	if (!b) {
		m->full = true;
		return false;
	}
	m->buf = b;
	m->cap = cap;
	return true;
}

static void put(struct mx *m, const char *s, size_t n)
{
	if (!grow(m, n))
		return;
	memcpy(m->buf + m->len, s, n);
	m->len += n;
	m->buf[m->len] = '\0';
}

static void puts_(struct mx *m, const char *s)
{
	put(m, s, strlen(s));
}

static void printf_(struct mx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void printf_(struct mx *m, const char *fmt, ...)
{
	char b[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(m, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/* The length of the valid UTF-8 sequence at s, or 0 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong and surrogate forms */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

void mx_escape(struct mx *m, const char *v, bool help)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n;

	while (*s) {
		if (*s == '\\') {
			puts_(m, "\\\\");
			s++;
		} else if (*s == '\n') {
			puts_(m, "\\n");
			s++;
		} else if (*s == '"' && !help) {
			puts_(m, "\\\"");
			s++;
		} else if ((n = utf8_len(s)) > 0) {
			put(m, (const char *)s, n);
			s += n;
		} else {
			puts_(m, "\xef\xbf\xbd"); /* U+FFFD */
			s++;
		}
	}
}

void mx_family(struct mx *m, const char *name, enum mx_type type, const char *help)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };

	puts_(m, "# HELP ");
	puts_(m, name);
	puts_(m, " ");
	mx_escape(m, help, true);
	puts_(m, "\n# TYPE ");
	puts_(m, name);
	puts_(m, " ");
	puts_(m, types[type]);
	puts_(m, "\n");
}

/* name{labels[,extra_k="extra_v"]} */
static void head(struct mx *m, const char *name, const char *suffix, const char *const *labels,
		 const char *extra_k, const char *extra_v)
{
	bool any = false;
	size_t i;

	puts_(m, name);
	puts_(m, suffix);
	for (i = 0; labels && labels[i]; i += 2) {
		puts_(m, any ? "," : "{");
		puts_(m, labels[i]);
		puts_(m, "=\"");
		mx_escape(m, labels[i + 1] ? labels[i + 1] : "", false);
		puts_(m, "\"");
		any = true;
	}
	if (extra_k) {
		puts_(m, any ? "," : "{");
		puts_(m, extra_k);
		puts_(m, "=\"");
		puts_(m, extra_v);
		puts_(m, "\"");
		any = true;
	}
	if (any)
		puts_(m, "}");
	puts_(m, " ");
}

void mx_u64(struct mx *m, const char *name, const char *const *labels, uint64_t v)
{
	head(m, name, "", labels, NULL, NULL);
	printf_(m, "%" PRIu64 "\n", v);
}

static void f64(struct mx *m, double v)
{
	if (isnan(v))
		puts_(m, "NaN");
	else if (isinf(v))
		puts_(m, v > 0 ? "+Inf" : "-Inf");
	else
		printf_(m, "%.17g", v);
}

void mx_f64(struct mx *m, const char *name, const char *const *labels, double v)
{
	head(m, name, "", labels, NULL, NULL);
	f64(m, v);
	puts_(m, "\n");
}

void mx_histogram(struct mx *m, const char *name, const char *const *labels,
		  const double *bounds, size_t nb, const uint64_t *counts, double sum)
{
	uint64_t cum = 0;
	char le[32];
	size_t i;

	for (i = 0; i <= nb; i++) {
		cum += counts[i];
		if (i < nb)
			snprintf(le, sizeof(le), "%g", bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		head(m, name, "_bucket", labels, "le", le);
		printf_(m, "%" PRIu64 "\n", cum);
	}
	head(m, name, "_sum", labels, NULL, NULL);
	f64(m, sum);
	puts_(m, "\n");
	head(m, name, "_count", labels, NULL, NULL);
	printf_(m, "%" PRIu64 "\n", cum);
}
