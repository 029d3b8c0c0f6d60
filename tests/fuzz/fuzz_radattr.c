/* Fuzz target: radattr_parse + policy_from_attrs + radv6_from_attrs (radattr.pppN files come
 * from pppd, which copies them from the RADIUS server's reply), and the
 * helpers of docs/untrusted-files.md on the same bytes: radattr_quote and
 * radattr_parse_pid.
 * Invariants: never crash; a success respects every documented limit;
 * every value re-escaped with radattr_escape() parses back to itself; an
 * error always has a message naming the input, printable and with at most
 * RADATTR_QUOTE_MAX bytes of any line; the policy always gives rates the
 * shaper accepts, and a malformed one is exactly the default with a
 * one-line printable warning; a quote is printable, has no raw '"', is at
 * most RADATTR_QUOTE_SIZE - 1 long, decodes to the input's first
 * RADATTR_QUOTE_MAX bytes and ends in "..." exactly when it is cut; a pid
 * parses exactly when it is all digits and within range; RADIUS's IPv6
 * stays within its maxima, every prefix, resolver and route it keeps is
 * one its own parsers accept again from their canonical text, and each
 * refused value gets one printable warning whose quote is short; the IPv6
 * part parsers take the raw input without crashing, and what they accept
 * prints and parses back to itself.
 * Half the inputs are resolved against a small in-memory dictionary
 * (rc_read_dictionary_from_buffer: no file I/O), half without one. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "policy.h"
#include "radattr.h"
#include "radv6.h"
#include "shaper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dict_text[] =
	"ATTRIBUTE User-Name 1 string\n"
	"ATTRIBUTE Framed-IP-Address 8 ipaddr\n"
	"ATTRIBUTE Filter-Id 11 string\n"
	"ATTRIBUTE Class 25 string\n"
	"ATTRIBUTE Framed-Interface-Id 96 string\n"
	"ATTRIBUTE Framed-IPv6-Prefix 97 ipv6prefix\n"
	"ATTRIBUTE Framed-IPv6-Route 99 string\n"
	"ATTRIBUTE Delegated-IPv6-Prefix 123 ipv6prefix\n"
	"ATTRIBUTE DNS-Server-IPv6-Address 169 ipv6addr\n"
	"VENDOR RoaringPenguin 10055\n"
	"ATTRIBUTE RP-Upstream-Speed-Limit 1 integer RoaringPenguin\n"
	"ATTRIBUTE RP-Downstream-Speed-Limit 2 integer RoaringPenguin\n"
	"VENDOR Mikrotik 14988\n"
	"ATTRIBUTE Mikrotik-Rate-Limit 8 string Mikrotik\n"
	"VENDOR WISPr 14122\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Up 7 integer WISPr\n"
	"ATTRIBUTE WISPr-Bandwidth-Max-Down 8 integer WISPr\n";

static rc_handle *dict(void)
{
	static rc_handle *rh;
	static int tried;

	if (!tried) {
		tried = 1;
		rh = rc_new();
		if (rh && rc_read_dictionary_from_buffer(rh, dict_text, sizeof(dict_text) - 1) != 0)
			abort();
	}
	return rh;
}

/* Printable ASCII only: nothing that starts a log line or moves a cursor. */
static void check_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

/* radattr_quote(): see the invariants above. */
static void check_quote(const uint8_t *data, size_t size)
{
	char out[RADATTR_QUOTE_SIZE], small[11];
	size_t n = radattr_quote((const char *)data, size, out, sizeof(out)), i = 0, k = 0;
	size_t want = size > RADATTR_QUOTE_MAX ? RADATTR_QUOTE_MAX : size;

	if (n != strlen(out) || n >= sizeof(out))
		abort();
	check_printable(out);
	if (strchr(out, '"'))
		abort();
	if (size > RADATTR_QUOTE_MAX) {
		if (n < 3 || memcmp(out + n - 3, "...", 3) != 0)
			abort();
		n -= 3;
	}
	/* decode: every backslash starts \ooo, and it all gives the input back */
	while (i < n) {
		unsigned c;

		if (out[i] == '\\') {
			if (i + 3 >= n)
				abort();
			if (out[i + 1] < '0' || out[i + 1] > '3' || out[i + 2] < '0' ||
			    out[i + 2] > '7' || out[i + 3] < '0' || out[i + 3] > '7')
				abort();
			c = (unsigned)((out[i + 1] - '0') << 6 | (out[i + 2] - '0') << 3 |
				       (out[i + 3] - '0'));
			i += 4;
		} else {
			c = (unsigned char)out[i++];
		}
		if (k >= want || data[k++] != c)
			abort();
	}
	if (k != want)
		abort();
	/* a small buffer: cut, always terminated, never inside an escape */
	n = radattr_quote((const char *)data, size, small, sizeof(small));
	if (n != strlen(small) || n >= sizeof(small))
		abort();
	check_printable(small);
}

/* What a message quotes, between its own '"' (a quoted '"' is \042), is
 * at most RADATTR_QUOTE_MAX bytes escaped and "...". */
static void check_quoted_short(const char *msg)
{
	const char *open, *close;

	while ((open = strchr(msg, '"')) != NULL) {
		close = strchr(open + 1, '"');
		if (!close)
			abort(); /* quotes come in pairs */
		if ((size_t)(close - open - 1) > RADATTR_QUOTE_SIZE - 1)
			abort();
		msg = close + 1;
	}
}

/* radattr_parse_pid(): all digits and 2..INT32_MAX, nothing else. */
static void check_pid(const uint8_t *data, size_t size)
{
	uint64_t v = 0;
	bool digits = size > 0;
	pid_t pid = -7;
	size_t i;
	int rc;

	for (i = 0; i < size; i++) {
		if (data[i] < '0' || data[i] > '9') {
			digits = false;
			break;
		}
		if (v <= 0xffffffffull)
			v = v * 10 + (uint64_t)(data[i] - '0');
	}
	rc = radattr_parse_pid((const char *)data, size, &pid);
	if (digits && v >= 2 && v <= 2147483647u) {
		if (rc != 0 || (uint64_t)pid != v)
			abort();
	} else if (rc == 0 || pid != -7) {
		abort();
	}
}

static void check_rate(uint64_t v)
{
	if (v != 0 && (v < SHAPER_RATE_MIN || v > SHAPER_RATE_MAX))
		abort();
}

static void check_policy(const struct radattr_list *l, uint64_t dd, uint64_t du)
{
	struct policy_config c;
	struct policy_result r;

	policy_config_init(&c);
	c.default_down = dd;
	c.default_up = du;
	if (policy_from_attrs(&c, l, &r) != 0)
		abort();
	check_rate(r.down);
	check_rate(r.up);
	if (!r.down_attr || !r.up_attr || strlen(r.warning) >= sizeof(r.warning))
		abort();
	check_printable(r.warning);
	if (r.malformed) {
		if (r.down != dd || r.up != du || r.down_src != POLICY_SRC_DEFAULT ||
		    r.up_src != POLICY_SRC_DEFAULT || !r.warning[0])
			abort();
	} else if (r.warning[0]) {
		abort();
	}
	if ((r.down_src == POLICY_SRC_DEFAULT && r.down != dd) ||
	    (r.up_src == POLICY_SRC_DEFAULT && r.up != du))
		abort();
	if ((r.down_src != POLICY_SRC_DEFAULT && r.down == 0) ||
	    (r.up_src != POLICY_SRC_DEFAULT && r.up == 0))
		abort();
}

/* a prefix kept: its text is canonical and parses back to itself */
static void check_prefix_text(const char *p)
{
	struct in6_addr a;
	uint8_t len;
	const char *why;
	char again[RADV6_PREFIX_STR];

	if (!p[0])
		return;
	if (radv6_parse_prefix(p, strlen(p), 1, &a, &len, &why) != 0 ||
	    strcmp(radv6_prefix_str(&a, len, again, sizeof(again)), p) != 0)
		abort();
}

static void check_radv6(const struct radattr_list *l)
{
	struct radv6_warnings w;
	struct radv6 o;
	char buf[INET6_ADDRSTRLEN + 8], rb[160];
	struct in6_addr a;
	const char *why;
	unsigned i, n = radv6_from_attrs(l, &o, &w);

	if (n != w.n || o.ndns > RADV6_DNS_MAX || o.nroutes > RADV6_ROUTE_MAX)
		abort();
	check_prefix_text(o.prefix);
	check_prefix_text(o.delegated);
	for (i = 0; i < o.ndns; i++) {
		inet_ntop(AF_INET6, &o.dns[i], buf, sizeof(buf));
		if (radv6_parse_addr(buf, strlen(buf), &a, &why) != 0)
			abort();
	}
	for (i = 0; i < o.nroutes; i++) {
		if (o.routes[i].len < 1 || o.routes[i].len > 128)
			abort();
		radv6_route_str(&o.routes[i], rb, sizeof(rb));
		check_printable(rb);
	}
	for (i = 0; i < w.n && i < RADV6_WARN_MAX; i++) {
		if (!w.line[i][0] || strlen(w.line[i]) >= RADV6_WARN_LEN)
			abort();
		check_printable(w.line[i]);
		check_quoted_short(w.line[i]);
	}
}

/* the part parsers on the raw bytes (no NUL needed) */
static void check_radv6_parts(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *why = NULL;
	char text[200];
	struct radv6_route r, back;
	struct in6_addr a;
	uint8_t len, id[8], id2[8];

	if (radv6_parse_prefix(s, size, 0, &a, &len, &why) == 0)
		check_prefix_text(radv6_prefix_str(&a, len, text, sizeof(text)));
	else if (!why)
		abort();
	why = NULL;
	if (radv6_parse_addr(s, size, &a, &why) != 0 && !why)
		abort();
	why = NULL;
	if (radv6_parse_route(s, size, &r, &why) == 0) {
		char p[RADV6_PREFIX_STR], v[INET6_ADDRSTRLEN] = "::";

		/* the RFC's text of it parses back to the same route */
		if (r.has_via)
			inet_ntop(AF_INET6, &r.via, v, sizeof(v));
		snprintf(text, sizeof(text), "%s %s %u", radv6_prefix_str(&r.prefix, r.len, p, sizeof(p)),
			 v, r.metric);
		if (radv6_parse_route(text, strlen(text), &back, &why) != 0 ||
		    memcmp(&back.prefix, &r.prefix, 16) != 0 || back.len != r.len ||
		    back.has_via != r.has_via || back.metric != r.metric ||
		    (r.has_via && memcmp(&back.via, &r.via, 16) != 0))
			abort();
	} else if (!why) {
		abort();
	}
	why = NULL;
	if (radv6_parse_ifid(s, size, id, &why) == 0) {
		radv6_ifid_str(id, text, sizeof(text));
		if (radv6_parse_ifid(text, strlen(text), id2, &why) != 0 || memcmp(id, id2, 8) != 0)
			abort();
	} else if (!why) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct radattr_list l = { 0 }, back;
	const rc_handle *rh = (size & 1) ? dict() : NULL;
	char err[512];
	size_t i;
	int rc;

	check_quote(data, size);
	check_pid(data, size);
	check_radv6_parts(data, size);
	err[0] = '\0';
	rc = radattr_parse((const char *)data, size, rh, "fuzz", &l, err, sizeof(err));
	if (rc != 0) {
		if (rc != -EBADMSG && rc != -E2BIG && rc != -EFBIG && rc != -ENOMEM)
			abort();
		if (strncmp(err, "fuzz", 4) != 0 || l.count || l.attrs)
			abort();
		check_printable(err);
		check_quoted_short(err);
		return 0;
	}
	if (l.count > RADATTR_MAX_LINES)
		abort();
	for (i = 0; i < l.count; i++) {
		const struct radattr *a = &l.attrs[i];
		char line[RADATTR_NAME_MAX + 2 + 4 * RADATTR_VALUE_MAX + 8];
		size_t n = strlen(a->name);

		if (n == 0 || n > RADATTR_NAME_MAX || strchr(a->name, ' ') ||
		    a->len != strlen(a->value) || a->len > RADATTR_VALUE_MAX)
			abort();
		if (i && a->line <= l.attrs[i - 1].line)
			abort();
		if (!rh && a->state != RADATTR_UNRESOLVED)
			abort();
		if (rh && a->state == RADATTR_KNOWN && a->type < 0)
			abort();
		/* escape + parse gives the value back */
		memcpy(line, a->name, n);
		line[n] = ' ';
		n += 1 + radattr_escape(a->value, a->len, line + n + 1, sizeof(line) - n - 1);
		if (n - strlen(a->name) - 1 <= RADATTR_VALUE_MAX) {
			if (radattr_parse(line, n, NULL, "again", &back, err, sizeof(err)) != 0)
				abort();
			if (back.count != 1 || back.attrs[0].len != a->len ||
			    memcmp(back.attrs[0].value, a->value, a->len) != 0)
				abort();
			radattr_free(&back);
		}
	}
	check_policy(&l, 0, 0);
	check_policy(&l, 10000000, 2000000);
	check_radv6(&l);
	radattr_free(&l);
	return 0;
}
