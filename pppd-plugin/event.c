/*
 * event.c - acd.so's requests to acd, the RADIUS text they carry, and the
 * queue they wait in (event.h).  A small JSON writer of our own rather
 * than jansson: the plugin lives inside pppd, which should not gain a
 * library (and its symbols) for the sake of one kind of line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "proto.h"

struct out {
	char *p;
	size_t len, cap;                /* cap: room for text and its NUL */
	bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->over || n >= o->cap - o->len) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

bool acdev_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i], need, cp, k;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false; /* a continuation byte first, 0xc0/0xc1, 0xf5.. */
		}
		if (n - i - 1 < need)
			return false;
		for (k = 1; k <= need; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/* s as a JSON string: '"', '\\' and every control character escaped; the
 * caller has checked that s is UTF-8. */
static void put_str(struct out *o, const char *s, size_t n)
{
	size_t i, run = 0;

	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(o, esc, 2);
		} else if (c == '\n') {
			put(o, "\\n", 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(o, esc, 6);
		}
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

/* a name of ours or of pppd's environment: letters, digits, '-' and '_' */
static bool plain(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

ssize_t acdev_encode(const struct acdev *ev, char *buf, size_t len)
{
	struct out o = { .p = buf, .cap = len };
	char num[32];
	bool first = true;
	size_t i;

	if (len == 0)
		return -E2BIG;
	buf[0] = '\0';
	if (!plain(ev->event) || ev->argc > ACDEV_ARGV_MAX || ev->nenv > ACDEV_ENV_MAX)
		return -EINVAL;
	for (i = 0; i < ev->nenv; i++)
		if (!plain(ev->env[i][0]))
			return -EINVAL;
	snprintf(num, sizeof(num), "%d", ACD_PROTO_VERSION);
	puts_(&o, "{\"v\":");
	puts_(&o, num);
	puts_(&o, ",\"cmd\":\"hook\",\"args\":{\"event\":");
	put_str(&o, ev->event, strlen(ev->event));
	puts_(&o, ",\"via\":\"plugin\",\"argv\":[");
	for (i = 0; i < ev->argc; i++) {
		const char *a = ev->argv[i] ? ev->argv[i] : "";

		if (i)
			put(&o, ",", 1);
		if (!acdev_utf8(a, strlen(a)))
			a = "";
		put_str(&o, a, strlen(a));
	}
	puts_(&o, "],\"env\":{");
	for (i = 0; i < ev->nenv; i++) {
		const char *v = ev->env[i][1];

		if (!v || !acdev_utf8(v, strlen(v)))
			continue;
		if (!first)
			put(&o, ",", 1);
		first = false;
		put_str(&o, ev->env[i][0], strlen(ev->env[i][0]));
		put(&o, ":", 1);
		put_str(&o, v, strlen(v));
	}
	put(&o, "}", 1);
	if (ev->sid) {
		snprintf(num, sizeof(num), "%u", ev->sid);
		puts_(&o, ",\"sid\":");
		puts_(&o, num);
	}
	if (ev->radattr) {
		if (!acdev_utf8(ev->radattr, ev->radattr_len))
			return -EINVAL;
		puts_(&o, ",\"radattr\":");
		put_str(&o, ev->radattr, ev->radattr_len);
	}
	puts_(&o, "}}\n");
	/* acd refuses a request over ACD_REQUEST_MAX, its newline not counted */
	if (o.over || o.len - 1 > ACD_REQUEST_MAX)
		return -E2BIG;
	return (ssize_t)o.len;
}

int acdev_radattr_add(char *buf, size_t cap, size_t *len, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value), i;

	if (nl == 0 || nl > 32)
		return -EINVAL;
	for (i = 0; i < nl; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return -EINVAL;
	for (i = 0; i < vl; i++)
		if (value[i] < ' ' || value[i] > '~')
			return -EINVAL;
	if (*len >= cap || nl + 1 + vl + 1 >= cap - *len)
		return -ENOSPC;
	memcpy(buf + *len, name, nl);
	buf[*len + nl] = ' ';
	memcpy(buf + *len + nl + 1, value, vl);
	buf[*len + nl + 1 + vl] = '\n';
	*len += nl + 1 + vl + 1;
	buf[*len] = '\0';
	return 0;
}

/* Whether line holds kv, e.g. ,"ok":true.  acd writes its replies with
 * jansson's JSON_COMPACT, one line each; inside a JSON string every '"'
 * is escaped, so a pattern that starts its key with a bare '"' cannot
 * match in the text of an error message, only as a key.  The reply to
 * "hook" has no data that could hold these keys. */
static bool has(const char *line, size_t len, const char *kv)
{
	size_t n = strlen(kv), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(line + i, kv, n) == 0)
			return true;
	return false;
}

enum acdev_reply acdev_reply_kind(const char *line, size_t len)
{
	if (len < 2 || line[0] != '{' || line[len - 1] != '}')
		return ACDEV_REPLY_BAD;
	if (has(line, len, ",\"ok\":true") || has(line, len, "{\"ok\":true"))
		return ACDEV_REPLY_OK;
	if (!has(line, len, ",\"ok\":false") && !has(line, len, "{\"ok\":false"))
		return ACDEV_REPLY_BAD;
	if (has(line, len, "\"code\":\"" ACD_E_BUSY "\""))
		return ACDEV_REPLY_BUSY;
	return ACDEV_REPLY_REFUSED;
}

int acdev_queue_push(struct acdev_queue *q, const char *line, size_t len)
{
	char *c = malloc(len + 1);
	int dropped = 0;
	unsigned at;

	if (!c)
		return -ENOMEM;
	memcpy(c, line, len);
	c[len] = '\0';
	if (q->n == ACDEV_QUEUE_MAX) {
		acdev_queue_pop(q);
		q->dropped++;
		dropped = 1;
	}
	at = (q->head + q->n) % ACDEV_QUEUE_MAX;
	q->line[at] = c;
	q->len[at] = len;
	q->n++;
	return dropped;
}

const char *acdev_queue_peek(const struct acdev_queue *q, size_t *len)
{
	if (!q->n)
		return NULL;
	*len = q->len[q->head];
	return q->line[q->head];
}

void acdev_queue_pop(struct acdev_queue *q)
{
	if (!q->n)
		return;
	free(q->line[q->head]);
	q->line[q->head] = NULL;
	q->head = (q->head + 1) % ACDEV_QUEUE_MAX;
	q->n--;
}

void acdev_queue_clear(struct acdev_queue *q)
{
	while (q->n)
		acdev_queue_pop(q);
}
