/*
 * radv6.c - a session's IPv6 attributes from its radattr file (radv6.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "radv6.h"

/* The attributes, by dictionary name and standard number. */
#define ATTR_FRAMED_INTERFACE_ID 96u
#define ATTR_FRAMED_IPV6_PREFIX 97u
#define ATTR_FRAMED_IPV6_ROUTE 99u
#define ATTR_DELEGATED_IPV6_PREFIX 123u
#define ATTR_DNS_SERVER_IPV6_ADDRESS 169u

/* Is a the attribute name/number?  As policy.c matches: by number when the
 * dictionary knew it, by name when there was no dictionary. */
static bool is(const struct radattr *a, const char *name, uint32_t number)
{
	switch (a->state) {
	case RADATTR_KNOWN:
		return a->vendor == 0 && a->number == number;
	case RADATTR_UNRESOLVED:
		return strcasecmp(a->name, name) == 0;
	default:
		return false;
	}
}

/* An address a subscriber's prefix, resolver or route may have: not
 * unspecified, loopback, multicast, link-local or IPv4-mapped. */
static const char *unusable(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return "the unspecified address";
	if (IN6_IS_ADDR_LOOPBACK(a))
		return "the loopback address";
	if (IN6_IS_ADDR_MULTICAST(a))
		return "a multicast address";
	if (IN6_IS_ADDR_LINKLOCAL(a))
		return "a link-local address";
	if (IN6_IS_ADDR_V4MAPPED(a))
		return "an IPv4-mapped address";
	return NULL;
}

/* s[0..len) as an IPv6 address, nothing around it */
static bool addr_of(const char *s, size_t len, struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1;
}

/* decimal digits only, no leading zero (but "0"), at most max */
static bool number_of(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* every bit past the first len cleared */
static void mask(struct in6_addr *a, uint8_t len)
{
	unsigned i;

	for (i = len; i < 128; i++)
		a->s6_addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

int radv6_parse_prefix(const char *s, size_t len, uint8_t minlen, struct in6_addr *addr,
		       uint8_t *plen, const char **why)
{
	const char *slash = s ? memchr(s, '/', len) : NULL;
	struct in6_addr a;
	uint32_t n;
	const char *u;

	if (!slash) {
		*why = "not a prefix (ADDRESS/LENGTH)";
		return -EINVAL;
	}
	if (!addr_of(s, (size_t)(slash - s), &a)) {
		*why = "not an IPv6 address before the \"/\"";
		return -EINVAL;
	}
	if (!number_of(slash + 1, len - (size_t)(slash - s) - 1, 128, &n)) {
		*why = "the length is not a number from 0 to 128";
		return -EINVAL;
	}
	if (n < minlen) {
		*why = "the prefix is too short";
		return -EINVAL;
	}
	mask(&a, (uint8_t)n);
	u = unusable(&a);
	if (u) {
		*why = u;
		return -EINVAL;
	}
	*addr = a;
	*plen = (uint8_t)n;
	return 0;
}

int radv6_parse_addr(const char *s, size_t len, struct in6_addr *addr, const char **why)
{
	struct in6_addr a;
	const char *u;

	if (!s || !addr_of(s, len, &a)) {
		*why = "not an IPv6 address";
		return -EINVAL;
	}
	u = unusable(&a);
	if (u) {
		*why = u;
		return -EINVAL;
	}
	*addr = a;
	return 0;
}

int radv6_parse_route(const char *s, size_t len, struct radv6_route *out, const char **why)
{
	struct radv6_route r;
	size_t pos = 0;
	unsigned field = 0;

	memset(&r, 0, sizeof(r));
	if (!s || len == 0) {
		*why = "empty";
		return -EINVAL;
	}
	/* fields separated by exactly one space, none empty */
	while (pos <= len) {
		const char *f = s + pos, *sp = memchr(f, ' ', len - pos);
		size_t n = sp ? (size_t)(sp - f) : len - pos;
		uint32_t metric;

		if (n == 0) {
			*why = "an empty field (a space too many)";
			return -EINVAL;
		}
		if (field == 0) {
			if (radv6_parse_prefix(f, n, 1, &r.prefix, &r.len, why) < 0)
				return -EINVAL;
		} else if (field == 1) {
			if (!addr_of(f, n, &r.via)) {
				*why = "the gateway is not an IPv6 address";
				return -EINVAL;
			}
			r.has_via = !IN6_IS_ADDR_UNSPECIFIED(&r.via);
			if (r.has_via && (IN6_IS_ADDR_MULTICAST(&r.via) ||
					  IN6_IS_ADDR_LOOPBACK(&r.via) ||
					  IN6_IS_ADDR_V4MAPPED(&r.via))) {
				*why = "the gateway is not a unicast address";
				return -EINVAL;
			}
		} else {
			if (!number_of(f, n, UINT32_MAX, &metric)) {
				*why = "a metric is not a number from 0 to 4294967295";
				return -EINVAL;
			}
			if (field == 2)
				r.metric = metric;
		}
		field++;
		pos += n + 1;
		if (!sp)
			break;
	}
	*out = r;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "a:b:c:d", each 1 to 4 hex digits */
static bool ifid_words(const char *s, size_t len, uint8_t out[8])
{
	unsigned word = 0, digits = 0, v = 0;
	size_t i;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == ':') {
			if (digits == 0 || word > 3)
				return false;
			out[2 * word] = (uint8_t)(v >> 8);
			out[2 * word + 1] = (uint8_t)v;
			word++;
			digits = v = 0;
			continue;
		}
		if (hexval(s[i]) < 0 || ++digits > 4)
			return false;
		v = (v << 4) | (unsigned)hexval(s[i]);
	}
	return word == 4;
}

int radv6_parse_ifid(const char *s, size_t len, uint8_t out[8], const char **why)
{
	uint8_t id[8];
	unsigned i, any = 0;

	if (!s || (!ifid_words(s, len, id) && len != 8)) {
		*why = len < 8 ? "not 8 bytes nor four hex words (a zero byte cuts pppd's "
				 "string short: type it ifid in pppd's dictionary)"
			       : "not 8 bytes nor four hex words";
		return -EINVAL;
	}
	if (!ifid_words(s, len, id))
		memcpy(id, s, 8);
	for (i = 0; i < 8; i++)
		any |= id[i];
	if (!any) {
		*why = "an interface identifier of zero";
		return -EINVAL;
	}
	memcpy(out, id, 8);
	return 0;
}

char *radv6_prefix_str(const struct in6_addr *a, uint8_t len, char *buf, size_t buflen)
{
	char t[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, t, sizeof(t));
	snprintf(buf, buflen, "%s/%u", t, len);
	return buf;
}

char *radv6_ifid_str(const uint8_t id[8], char *buf, size_t buflen)
{
	snprintf(buf, buflen, "%x:%x:%x:%x", (unsigned)(id[0] << 8 | id[1]),
		 (unsigned)(id[2] << 8 | id[3]), (unsigned)(id[4] << 8 | id[5]),
		 (unsigned)(id[6] << 8 | id[7]));
	return buf;
}

char *radv6_route_str(const struct radv6_route *r, char *buf, size_t buflen)
{
	char p[RADV6_PREFIX_STR], v[INET6_ADDRSTRLEN] = "", m[24] = "";

	if (r->has_via)
		inet_ntop(AF_INET6, &r->via, v, sizeof(v));
	if (r->metric)
		snprintf(m, sizeof(m), " metric %u", r->metric);
	snprintf(buf, buflen, "%s%s%s%s", radv6_prefix_str(&r->prefix, r->len, p, sizeof(p)),
		 r->has_via ? " via " : "", v, m);
	return buf;
}

__attribute__((format(printf, 3, 4)))
static void warn(struct radv6_warnings *w, const struct radattr *a, const char *f, ...)
{
	char q[RADATTR_QUOTE_SIZE], why[160];
	va_list ap;

	if (w->n++ >= RADV6_WARN_MAX)
		return;
	va_start(ap, f);
	vsnprintf(why, sizeof(why), f, ap);
	va_end(ap);
	radattr_quote(a->value, a->len, q, sizeof(q));
	snprintf(w->line[w->n - 1], RADV6_WARN_LEN, "%s \"%s\" (line %u): %s; ignored",
		 a->name, q, a->line, why);
}

/* a Framed-IPv6-Prefix or Delegated-IPv6-Prefix: the first good one */
static void take_prefix(struct radv6_warnings *w, const struct radattr *a, char *dst)
{
	struct in6_addr p;
	uint8_t len;
	const char *why;

	if (radv6_parse_prefix(a->value, a->len, 1, &p, &len, &why) < 0) {
		warn(w, a, "%s", why);
		return;
	}
	if (!dst[0])
		radv6_prefix_str(&p, len, dst, RADV6_PREFIX_STR);
}

unsigned radv6_from_attrs(const struct radattr_list *l, struct radv6 *o,
			  struct radv6_warnings *wout)
{
	struct radv6_warnings scratch, *w = wout ? wout : &scratch;
	size_t i;

	memset(o, 0, sizeof(*o));
	w->n = 0;
	for (i = 0; l && i < l->count; i++) {
		const struct radattr *a = &l->attrs[i];
		const char *why;

		if (is(a, "Framed-IPv6-Prefix", ATTR_FRAMED_IPV6_PREFIX)) {
			take_prefix(w, a, o->prefix);
		} else if (is(a, "Delegated-IPv6-Prefix", ATTR_DELEGATED_IPV6_PREFIX)) {
			take_prefix(w, a, o->delegated);
		} else if (is(a, "DNS-Server-IPv6-Address", ATTR_DNS_SERVER_IPV6_ADDRESS)) {
			struct in6_addr d;

			if (radv6_parse_addr(a->value, a->len, &d, &why) < 0)
				warn(w, a, "%s", why);
			else if (o->ndns == RADV6_DNS_MAX)
				warn(w, a, "more than %u resolvers", RADV6_DNS_MAX);
			else
				o->dns[o->ndns++] = d;
		} else if (is(a, "Framed-IPv6-Route", ATTR_FRAMED_IPV6_ROUTE)) {
			struct radv6_route r;

			if (radv6_parse_route(a->value, a->len, &r, &why) < 0)
				warn(w, a, "%s", why);
			else if (o->nroutes == RADV6_ROUTE_MAX)
				warn(w, a, "more than %u routes", RADV6_ROUTE_MAX);
			else
				o->routes[o->nroutes++] = r;
		} else if (is(a, "Framed-Interface-Id", ATTR_FRAMED_INTERFACE_ID)) {
			uint8_t id[8];

			if (radv6_parse_ifid(a->value, a->len, id, &why) < 0) {
				warn(w, a, "%s", why);
			} else if (!o->has_ifid) {
				memcpy(o->ifid, id, 8);
				o->has_ifid = true;
			}
		}
	}
	return w->n;
}
