/* Fuzz target: acd.so's request encoder (pppd-plugin/event.c), fed what a
 * subscriber and RADIUS choose (peer name, ipparam, attribute text), and
 * its reading of reply lines.  The input is cut at NUL bytes into: the
 * peer name, ipparam, the radattr text, then "name value" pairs for the
 * radattr builder.  Invariants: never crash; a request that is encoded is
 * one line of at most ACD_REQUEST_MAX bytes that acd's own parser takes,
 * giving back each string exactly (or "" in argv, nothing in env, for what
 * is not UTF-8); the radattr builder keeps its text to the lines it
 * accepted, NUL-terminated, within its buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "event.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char line[ACD_REQUEST_MAX + 2];

/* the next NUL-terminated piece of the input, into buf */
static const char *piece(const uint8_t *data, size_t size, size_t *pos, char *buf, size_t cap)
{
	size_t n = 0;

	while (*pos < size && data[*pos] != 0 && n + 1 < cap)
		buf[n++] = (char)data[(*pos)++];
	while (*pos < size && data[*pos] != 0) /* the rest of an over-long piece */
		(*pos)++;
	if (*pos < size)
		(*pos)++;
	buf[n] = '\0';
	return buf;
}

static void encode(const char *peer, const char *ipparam, const char *ra)
{
	struct acdev ev = {
		.event = "ip-up",
		.argv = { "ppp0", "eth1", "0", "100.64.0.1", "100.64.0.10", ipparam },
		.argc = 6,
		.env = { { "PPPD_PID", "42" }, { "PEERNAME", peer }, { "PPP_IPPARAM", ipparam } },
		.nenv = 3,
		.sid = 9,
		.radattr = ra,
		.radattr_len = strlen(ra),
	};
	ssize_t n = acdev_encode(&ev, line, sizeof(line));
	const char *cmd, *got;
	json_t *args, *env;
	char err[256];

	if (n < 0) {
		if (n != -E2BIG && n != -EINVAL)
			abort();
		/* radattr is the only string refused whole, when not UTF-8 */
		if (n == -EINVAL && acdev_utf8(ra, strlen(ra)))
			abort();
		return;
	}
	if ((size_t)n != strlen(line) || (size_t)n - 1 > ACD_REQUEST_MAX || line[n - 1] != '\n' ||
	    memchr(line, '\n', (size_t)n - 1))
		abort();
	if (ctl_parse_request(line, (size_t)n - 1, &cmd, &args, err, sizeof(err)) != 0)
		abort();
	if (strcmp(cmd, "hook") != 0)
		abort();
	env = json_object_get(args, "env");
	got = json_string_value(json_array_get(json_object_get(args, "argv"), 5));
	if (!got || strcmp(got, acdev_utf8(ipparam, strlen(ipparam)) ? ipparam : "") != 0)
		abort();
	got = json_string_value(json_object_get(env, "PEERNAME"));
	if (acdev_utf8(peer, strlen(peer)) ? !got || strcmp(got, peer) != 0 : got != NULL)
		abort();
	got = json_string_value(json_object_get(args, "radattr"));
	if (!got || strcmp(got, ra) != 0)
		abort();
	json_decref(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char peer[512], ipparam[512], ra[ACD_REQUEST_MAX], name[64], value[1100];
	static char text[ACDEV_RADATTR_MAX];
	size_t pos = 0, len = 0, before;

	piece(data, size, &pos, peer, sizeof(peer));
	piece(data, size, &pos, ipparam, sizeof(ipparam));
	piece(data, size, &pos, ra, sizeof(ra));
	encode(peer, ipparam, ra);
	(void)acdev_reply_kind((const char *)data, size);

	text[0] = '\0';
	while (pos < size) {
		int rc;

		piece(data, size, &pos, name, sizeof(name));
		piece(data, size, &pos, value, sizeof(value));
		before = len;
		rc = acdev_radattr_add(text, sizeof(text), &len, name, value);
		if (rc == 0 ? len != before + strlen(name) + strlen(value) + 2 : len != before)
			abort();
		if (len >= sizeof(text) || text[len] != '\0' || strlen(text) != len)
			abort();
	}
	return 0;
}
