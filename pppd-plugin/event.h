/*
 * event.h - what acd.so, the pppd plugin, sends to acd: one session event
 * as one request line of the control protocol (docs/control-protocol.md),
 * the RADIUS attributes it carries, and the bounded queue the events wait
 * in while acd is away.  No I/O and nothing of pppd here, so the encoding
 * is unit-tested (tests/unit/test_plugin_event.c) and the plugin's glue
 * (acd.c) stays thin.
 *
 * The request is the hook's ("hook" command, what `acdctl hook` sends),
 * with two more arguments:
 *   {"v":1,"cmd":"hook","args":{"event":"ip-up","argv":[...],"env":{...},
 *    "via":"plugin","sid":3,"radattr":"User-Name alice\n..."}}
 * "radattr" is the text radattr.so would have written to its file, so acd
 * reads it with the one parser it has for that format.
 */
#ifndef ACD_PLUGIN_EVENT_H
#define ACD_PLUGIN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ACDEV_ARGV_MAX 6        /* ifname tty speed local remote [ipparam] */
#define ACDEV_ENV_MAX 12
/* the RADIUS attributes as text: a 4096-byte packet's worth of short
 * values; the request as a whole must stay under ACD_REQUEST_MAX */
#define ACDEV_RADATTR_MAX 4096
/* events waiting for acd: a pppd has one session, whose events are a
 * handful (ip-up, ipv6-up, their downs); the bound is for an acd that
 * never comes back while a link flaps */
#define ACDEV_QUEUE_MAX 32

/* One event, as pppd's notifier gives it.  Strings that are not UTF-8
 * are sent as "" in argv (their place counts) and left out of env, as
 * acdctl does with pppd's environment. */
struct acdev {
	const char *event;              /* "ip-up", "ip-down", "ipv6-up", "ipv6-down" */
	const char *argv[ACDEV_ARGV_MAX];
	size_t argc;
	const char *env[ACDEV_ENV_MAX][2]; /* name, value; a NULL value is left out */
	size_t nenv;
	unsigned sid;                   /* the PPPoE session id; 0 = none (not sent) */
	const char *radattr;            /* NULL: not sent */
	size_t radattr_len;
};

/*
 * The request line for ev, its newline included, into buf (NUL-terminated
 * after it).  Returns its length, or -E2BIG when it does not fit in len
 * bytes (the caller passes ACD_REQUEST_MAX + 2), -EINVAL for an event
 * name or env name that is not plain ASCII or more than ACDEV_* entries.
 */
ssize_t acdev_encode(const struct acdev *ev, char *buf, size_t len);

/* Whether s (n bytes) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no NUL). */
bool acdev_utf8(const char *s, size_t n);

/*
 * Append one "name value\n" line to the radattr text in buf (cap bytes,
 * *len used, kept NUL-terminated).  name: 1..32 printable ASCII
 * characters, no space; value: printable ASCII (what radius.so's
 * rc_avpair_tostr writes: it escapes the rest as \ooo).  Returns 0,
 * -EINVAL (a name or value out of that) or -ENOSPC (the line does not
 * fit; buf unchanged).
 */
int acdev_radattr_add(char *buf, size_t cap, size_t *len, const char *name, const char *value);

/* What a reply line of acd says of the request it answers. */
enum acdev_reply {
	ACDEV_REPLY_OK,                 /* done */
	ACDEV_REPLY_REFUSED,            /* acd refused it: sending it again would not help */
	ACDEV_REPLY_BUSY,               /* EBUSY: acd is full, try again later */
	ACDEV_REPLY_BAD,                /* not a reply of acd's */
};
enum acdev_reply acdev_reply_kind(const char *line, size_t len);

/* Events waiting for acd, oldest first.  Zero-initialise. */
struct acdev_queue {
	char *line[ACDEV_QUEUE_MAX];
	size_t len[ACDEV_QUEUE_MAX];
	unsigned head, n;
	unsigned long dropped;          /* events dropped because the queue was full */
};

/* Copy an encoded line in at the end.  When the queue is full the oldest
 * goes (counted in dropped): 1; else 0; -ENOMEM (nothing changed). */
int acdev_queue_push(struct acdev_queue *q, const char *line, size_t len);
/* The oldest line (and its length), NULL when empty. */
const char *acdev_queue_peek(const struct acdev_queue *q, size_t *len);
void acdev_queue_pop(struct acdev_queue *q);
void acdev_queue_clear(struct acdev_queue *q);

#endif
