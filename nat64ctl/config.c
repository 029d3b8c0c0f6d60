/*
 * config.c - the [nat64] and [dns64] sections: one table of keys (lib/
 * conftab.h), each with its type or its own parser and printer, read by
 * the INI front end acd.conf is read by, so parsing, printing and the
 * defaults cannot drift apart.  Parsers do no I/O (fuzzable); every error
 * is collected as "file:line: message" naming the bad value and what to
 * write instead.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conftab.h"
#include "nat64_int.h"

/* ---- prefixes ---------------------------------------------------------------- */

static int parse_len(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max || end - s > 3)
		return -1;
	return (int)v;
}

int nat64_prefix6_parse(const char *s, struct nat64_prefix6 *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	int len = 128, i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		len = parse_len(slash + 1, 128);
		if (len < 0)
			return -1;
	}
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET6, buf, &p->addr) != 1)
		return -1;
	p->len = (uint8_t)len;
	for (i = len; i < 128; i++)
		if (p->addr.s6_addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

int nat64_prefix4_parse(const char *s, struct nat64_prefix4 *p)
{
	char buf[INET_ADDRSTRLEN + 8];
	char *slash;
	int len = 32;
	uint32_t a, mask;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		len = parse_len(slash + 1, 32);
		if (len < 0)
			return -1;
	}
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, &p->addr) != 1)
		return -1;
	p->len = (uint8_t)len;
	a = ntohl(p->addr.s_addr);
	mask = len ? 0xffffffffu << (32 - len) : 0;
	if (a & ~mask)
		return -1;
	return 0;
}

const char *nat64_prefix6_str(const struct nat64_prefix6 *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

const char *nat64_prefix4_str(const struct nat64_prefix4 *p, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

bool nat64_prefix4_contains(const struct nat64_prefix4 *p, uint32_t a)
{
	uint32_t mask = p->len ? 0xffffffffu << (32 - p->len) : 0;

	return (a & mask) == ntohl(p->addr.s_addr);
}

bool nat64_prefix4_overlap(const struct nat64_prefix4 *a, const struct nat64_prefix4 *b)
{
	const struct nat64_prefix4 *shorter = a->len <= b->len ? a : b;
	const struct nat64_prefix4 *longer = shorter == a ? b : a;

	return nat64_prefix4_contains(shorter, ntohl(longer->addr.s_addr));
}

void nat64_synthesize(const struct nat64_prefix6 *p, struct in_addr v4, struct in6_addr *out)
{
	const uint8_t *b = (const uint8_t *)&v4.s_addr;
	unsigned i, pos = p->len / 8;

	*out = p->addr;
	/* RFC 6052 2.2: bits 64-71 (the u octet) are zero and skipped */
	for (i = 0; i < 4; i++, pos++) {
		if (pos == 8)
			pos++;
		out->s6_addr[pos] = b[i];
	}
}

/* ---- value parsers ---------------------------------------------------------- */

static int name_ok(const char *v, size_t max)
{
	const char *p;

	if (!*v || strlen(v) > max)
		return 0;
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

static int set_instance(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (!name_ok(v, NAT64_INAME_LEN - 1)) {
		conf_err(c, "%s \"%s\": use 1 to %d letters, digits, '-', '_' or '.' (e.g. acd)", key, v,
			NAT64_INAME_LEN - 1);
		return -1;
	}
	snprintf(dst, NAT64_INAME_LEN, "%s", v);
	return 0;
}

static int set_ifname(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (!name_ok(v, NAT64_IFNAME_LEN - 1)) {
		conf_err(c, "%s \"%s\": not an interface name (1 to 15 letters, digits, '-', '_', '.')",
			key, v);
		return -1;
	}
	snprintf(dst, NAT64_IFNAME_LEN, "%s", v);
	return 0;
}

/* RFC 6052 2.2: the prefix lengths a translator may use */
static bool rfc6052_len(unsigned len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 || len == 64 || len == 96;
}

static int set_prefix6_6052(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	struct nat64_prefix6 p;

	if (nat64_prefix6_parse(v, &p) < 0 || !strchr(v, '/')) {
		conf_err(c, "%s \"%s\": not an IPv6 prefix with its length, host bits zero "
			   "(e.g. 64:ff9b::/96)", key, v);
		return -1;
	}
	if (!rfc6052_len(p.len)) {
		conf_err(c, "%s \"%s\": length /%u is not one of RFC 6052's /32, /40, /48, /56, /64, /96",
			key, v, p.len);
		return -1;
	}
	if (p.len == 64 || p.len > 64) {
		/* bits 64-71 must be zero (RFC 6052 2.2) */
		if (p.addr.s6_addr[8]) {
			conf_err(c, "%s \"%s\": bits 64 to 71 must be zero (RFC 6052 2.2)", key, v);
			return -1;
		}
	}
	*(struct nat64_prefix6 *)dst = p;
	return 0;
}

static int set_ipv4(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (inet_pton(AF_INET, v, dst) != 1) {
		conf_err(c, "%s \"%s\": not an IPv4 address (e.g. 192.168.255.1)", key, v);
		return -1;
	}
	return 0;
}

static int set_ipv6(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (inet_pton(AF_INET6, v, dst) != 1) {
		conf_err(c, "%s \"%s\": not an IPv6 address (e.g. 2001:db8::1)", key, v);
		return -1;
	}
	return 0;
}

static int set_prefix4(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (nat64_prefix4_parse(v, dst) < 0) {
		conf_err(c, "%s \"%s\": not an IPv4 prefix with host bits zero (e.g. 192.168.255.0/24)",
			key, v);
		return -1;
	}
	return 0;
}

static int set_lifetime(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (strcmp(end, "s") == 0)
		end++;
	if (errno || end == v || *end || v[0] == '-' || n > NAT64_PREF64_LIFETIME_MAX || n % 8) {
		conf_err(c, "%s \"%s\": give seconds from 0 to %u in steps of 8 (RFC 8781), e.g. 1800",
			key, v, NAT64_PREF64_LIFETIME_MAX);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)n;
	return 0;
}

/* Split s on the characters of sep into at most max words. */
static unsigned split_words(char *s, const char *sep, char **w, unsigned max)
{
	unsigned n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

/* One element of a BIND address match list: [!](any|none|localhost|localnets|ADDR[/LEN]) */
static int acl_elem_ok(const char *e, bool allow4, bool allow6, bool allow_names)
{
	struct nat64_prefix4 p4;
	struct nat64_prefix6 p6;

	if (*e == '!')
		e++;
	if (!strcmp(e, "any") || !strcmp(e, "none"))
		return 1;
	if (allow_names && (!strcmp(e, "localhost") || !strcmp(e, "localnets")))
		return 1;
	if (allow4 && nat64_prefix4_parse(e, &p4) == 0)
		return 1;
	if (allow6 && strchr(e, ':') && nat64_prefix6_parse(e, &p6) == 0)
		return 1;
	return 0;
}

struct acl_dst {
	nat64_acl_elem *v;
	unsigned *n;
	bool v4, v6, names;
	const char *example;
};

static int set_acl(struct conf_reader *c, const char *key, const char *v, const struct acl_dst *d)
{
	char buf[2048], *w[NAT64_ACL_MAX + 1];
	unsigned n, i;
	int bad = 0;

	if (strlen(v) >= sizeof(buf)) {
		conf_err(c, "%s: list too long", key);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	n = split_words(buf, " \t,;", w, NAT64_ACL_MAX);
	if (n == 0) {
		conf_err(c, "%s: empty list (e.g. %s)", key, d->example);
		return -1;
	}
	if (n > NAT64_ACL_MAX) {
		conf_err(c, "%s: more than %d elements", key, NAT64_ACL_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strlen(w[i]) >= NAT64_ACL_LEN || !acl_elem_ok(w[i], d->v4, d->v6, d->names)) {
			conf_err(c, "%s: element \"%s\" is not %s", key, w[i],
				d->v4 && d->v6 ? "an address, a prefix, any or none (! negates)"
				: d->v4 ? "an IPv4 address or prefix, any or none (! negates)"
					: "an IPv6 prefix");
			bad = 1;
		}
	}
	if (bad)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(d->v[i], NAT64_ACL_LEN, "%s", w[i]);
	*d->n = n;
	return 0;
}

static int set_clients(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	struct nat64_config *n = cfg;
	const char *key = k->name;
	struct acl_dst d = { n->clients, &n->nclients, true, true, true,
			     "2001:db8:100::/40 localhost" };

	return set_acl(c, key, v, &d);
}

static int set_mapped(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	struct nat64_config *n = cfg;
	const char *key = k->name;
	struct acl_dst d = { n->mapped, &n->nmapped, true, false, false,
			     "192.0.0.170/31 !10.0.0.0/8 any" };

	return set_acl(c, key, v, &d);
}

static int set_exclude(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfg)
{
	struct nat64_config *n = cfg;
	const char *key = k->name;
	struct acl_dst d = { n->exclude, &n->nexclude, false, true, false,
			     "::ffff:0:0/96" };
	unsigned i;

	for (i = 0; v[i]; i++)
		if (v[i] == '!') {
			conf_err(c, "%s \"%s\": list IPv6 prefixes only, without '!'", key, v);
			return -1;
		}
	return set_acl(c, key, v, &d);
}

/* pool4 = PREFIX [PROTOCOLS] [MIN-MAX] [mark N] [max-iterations auto|infinity|N] */
static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int parse_protos(const char *s, unsigned *out)
{
	char buf[64], *save = NULL, *t;
	unsigned p = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcasecmp(t, "tcp"))
			p |= NAT64_TCP;
		else if (!strcasecmp(t, "udp"))
			p |= NAT64_UDP;
		else if (!strcasecmp(t, "icmp"))
			p |= NAT64_ICMP;
		else
			return -1;
	}
	if (!p)
		return -1;
	*out = p;
	return 0;
}

static int parse_ports(const char *s, uint16_t *min, uint16_t *max)
{
	char buf[32], *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	dash = strchr(buf, '-');
	if (!dash)
		return -1;
	*dash = '\0';
	if (parse_u32(buf, &a) < 0 || parse_u32(dash + 1, &b) < 0)
		return -1;
	if (a > 65535 || b > 65535)
		return -2;
	if (a > b)
		return -3;
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return 0;
}

static int set_pool4(struct conf_reader *c, const struct conf_key *k, const char *v, void *cfgv)
{
	static const char usage[] =
		"write pool4 = PREFIX [tcp,udp,icmp] [MIN-MAX] [mark N] [max-iterations auto|infinity|N], "
		"e.g. pool4 = 192.0.2.1 tcp,udp 61001-65535";
	struct nat64_config *cfg = cfgv;
	const char *key = k->name;
	struct nat64_pool4 p;
	char buf[512], *w[9];
	unsigned n, i;
	int rc;

	memset(&p, 0, sizeof(p));
	if (strlen(v) >= sizeof(buf)) {
		conf_err(c, "%s: too long; %s", key, usage);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	n = split_words(buf, " \t", w, 8);
	if (n == 0 || n > 8) {
		conf_err(c, "%s \"%s\": %s", key, v, usage);
		return -1;
	}
	if (nat64_prefix4_parse(w[0], &p.prefix) < 0) {
		conf_err(c, "%s \"%s\": \"%s\" is not an IPv4 address or prefix with host bits zero; %s",
			key, v, w[0], usage);
		return -1;
	}
	if (p.prefix.len < 16) {
		conf_err(c, "%s \"%s\": /%u is more than 65536 addresses; use /16 or longer", key, v,
			p.prefix.len);
		return -1;
	}
	p.protos = NAT64_ALL_PROTOS;
	for (i = 1; i < n; i++) {
		if (isalpha((unsigned char)w[i][0]) && strcmp(w[i], "mark") &&
		    strcmp(w[i], "max-iterations")) {
			if (i != 1 || parse_protos(w[i], &p.protos) < 0) {
				conf_err(c, "%s \"%s\": \"%s\" is not a protocol list (tcp, udp, icmp, "
					   "comma-separated, right after the prefix)", key, v, w[i]);
				return -1;
			}
		} else if (isdigit((unsigned char)w[i][0])) {
			rc = parse_ports(w[i], &p.port_min, &p.port_max);
			if (rc < 0 || p.ports_set) {
				conf_err(c, "%s \"%s\": port range \"%s\": %s", key, v, w[i],
					p.ports_set ? "given twice"
					: rc == -2 ? "ports go up to 65535"
					: rc == -3 ? "the first port is above the last"
						   : "write MIN-MAX, e.g. 61001-65535");
				return -1;
			}
			p.ports_set = true;
		} else if (!strcmp(w[i], "mark") && i + 1 < n) {
			if (parse_u32(w[++i], &p.mark) < 0) {
				conf_err(c, "%s \"%s\": mark \"%s\": give a number from 0 to 4294967295",
					key, v, w[i]);
				return -1;
			}
		} else if (!strcmp(w[i], "max-iterations") && i + 1 < n) {
			i++;
			if (!strcmp(w[i], "auto"))
				p.max_iterations = NAT64_ITER_AUTO;
			else if (!strcmp(w[i], "infinity"))
				p.max_iterations = NAT64_ITER_INFINITY;
			else if (parse_u32(w[i], &p.max_iterations) < 0 || p.max_iterations == 0 ||
				 p.max_iterations == NAT64_ITER_INFINITY) {
				conf_err(c, "%s \"%s\": max-iterations \"%s\": use auto, infinity or a "
					   "number from 1 to 4294967294", key, v, w[i]);
				return -1;
			}
		} else {
			conf_err(c, "%s \"%s\": cannot read \"%s\"; %s", key, v, w[i], usage);
			return -1;
		}
	}
	if (p.ports_set && p.port_min == 0 && (p.protos & (NAT64_TCP | NAT64_UDP))) {
		conf_err(c, "%s \"%s\": TCP and UDP port 0 cannot be used; start at 1 or above", key, v);
		return -1;
	}
	if (cfg->npool4 >= NAT64_POOL4_MAX) {
		conf_err(c, "%s: more than %d pool4 lines", key, NAT64_POOL4_MAX);
		return -1;
	}
	p.line = c->line;
	cfg->pool4[cfg->npool4++] = p;
	return 0;
}

/* ---- printers ---------------------------------------------------------------- */

static void pr_str(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)i;
	fputs((const char *)cfg + k->off, f);
}

static void pr_prefix6(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[64];

	(void)i;
	fputs(nat64_prefix6_str((const void *)((const char *)cfg + k->off), b, sizeof(b)), f);
}

static void pr_prefix4(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[64];

	(void)i;
	fputs(nat64_prefix4_str((const void *)((const char *)cfg + k->off), b, sizeof(b)), f);
}

static void pr_ipv4(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[INET_ADDRSTRLEN];

	(void)i;
	fputs(inet_ntop(AF_INET, (const char *)cfg + k->off, b, sizeof(b)), f);
}

static void pr_ipv6(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[INET6_ADDRSTRLEN];

	(void)i;
	fputs(inet_ntop(AF_INET6, (const char *)cfg + k->off, b, sizeof(b)), f);
}

static void pr_lifetime(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)i;
	fprintf(f, "%" PRIu32, *(const uint32_t *)((const char *)cfg + k->off));
}

static void pr_list(FILE *f, const nat64_acl_elem *v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", v[i]);
}

static void pr_clients(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct nat64_config *c = cfg;

	(void)k;
	(void)i;
	pr_list(f, c->clients, c->nclients);
}

static void pr_mapped(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct nat64_config *c = cfg;

	(void)k;
	(void)i;
	pr_list(f, c->mapped, c->nmapped);
}

static void pr_exclude(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct nat64_config *c = cfg;

	(void)k;
	(void)i;
	pr_list(f, c->exclude, c->nexclude);
}

const char *nat64_protos_name(unsigned protos, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", protos & NAT64_TCP ? "tcp" : "",
		 (protos & NAT64_TCP) && (protos & (NAT64_UDP | NAT64_ICMP)) ? "," : "",
		 protos & NAT64_UDP ? "udp" : "",
		 (protos & NAT64_UDP) && (protos & NAT64_ICMP) ? "," : "",
		 protos & NAT64_ICMP ? "icmp" : "");
	return buf;
}

void nat64_pool4_line_str(const struct nat64_pool4 *p, char *buf, size_t len)
{
	char pre[64], pr[32];
	size_t o;

	o = (size_t)snprintf(buf, len, "%s %s", nat64_prefix4_str(&p->prefix, pre, sizeof(pre)),
			     nat64_protos_name(p->protos, pr, sizeof(pr)));
	if (o < len && p->ports_set)
		o += (size_t)snprintf(buf + o, len - o, " %u-%u", p->port_min, p->port_max);
	if (o < len && p->mark)
		o += (size_t)snprintf(buf + o, len - o, " mark %" PRIu32, p->mark);
	if (o < len && p->max_iterations == NAT64_ITER_INFINITY)
		o += (size_t)snprintf(buf + o, len - o, " max-iterations infinity");
	else if (o < len && p->max_iterations != NAT64_ITER_AUTO)
		snprintf(buf + o, len - o, " max-iterations %" PRIu32, p->max_iterations);
}

/* pool4 repeats: the i-th line */
static void pr_pool4(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct nat64_config *c = cfg;
	char line[200];

	(void)k;
	nat64_pool4_line_str(&c->pool4[i], line, sizeof(line));
	fputs(line, f);
}

/* ---- the key table ------------------------------------------------------------ */

static const char *const backend_names[] = { [NAT64_BACKEND_JOOL] = "jool",
					      [NAT64_BACKEND_TAYGA] = "tayga" };
static const char *const framework_names[] = { [NAT64_FW_NETFILTER] = "netfilter",
						[NAT64_FW_IPTABLES] = "iptables" };
static const char *const server_names[] = { [NAT64_DNS_BIND] = "bind",
					     [NAT64_DNS_UNBOUND] = "unbound" };

#define F(m) .off = offsetof(struct nat64_config, m), .size = sizeof(((struct nat64_config *)0)->m)
#define GIVEN(m) .given = offsetof(struct nat64_config, m)
#define ENUM(n) .type = CONF_ENUM, .names = n, .nnames = sizeof(n) / sizeof(n[0])
#define CUSTOM(s, p) .type = CONF_CUSTOM, .set = s, .print = p
static const struct conf_key keys[] = {
	{ "nat64", "backend", ENUM(backend_names), F(backend), .dflt = "jool",
	  .use = "jool, or tayga on kernels without Jool", .help = "the translator" },
	{ "nat64", "instance", CUSTOM(set_instance, pr_str), F(instance), .dflt = "acd",
	  .help = "Jool instance name" },
	{ "nat64", "framework", ENUM(framework_names), F(framework), .dflt = "netfilter",
	  .use = "netfilter: it needs no iptables rules", .help = "Jool's: netfilter or iptables" },
	{ "nat64", "pool6", CUSTOM(set_prefix6_6052, pr_prefix6), F(pool6), GIVEN(pool6_set),
	  .help = "the translation prefix (RFC 6052)" },
	{ "nat64", "pool4", CUSTOM(set_pool4, pr_pool4), F(pool4), .flags = CONF_REPEAT,
	  .count = offsetof(struct nat64_config, npool4),
	  .help = "PREFIX [PROTOCOLS] [MIN-MAX] [mark N] [max-iterations ...], repeatable" },
	{ "nat64", "ephemeral-dropin", .type = CONF_PATH, F(ephemeral_dropin),
	  .dflt = "/etc/sysctl.d/70-nat64ctl-ephemeral.conf",
	  .help = "the sysctl.d file --fix-ephemeral writes" },
	{ "nat64", "pref64-lifetime", CUSTOM(set_lifetime, pr_lifetime), F(pref64_lifetime),
	  .dflt = "1800", .help = "PREF64 lifetime, seconds (RFC 8781)" },
	{ "nat64", "tayga-device", CUSTOM(set_ifname, pr_str), F(tayga_device), .dflt = "nat64",
	  .help = "TAYGA's tun device" },
	{ "nat64", "tayga-ipv4-address", CUSTOM(set_ipv4, pr_ipv4), F(tayga_ipv4),
	  .help = "TAYGA's own IPv4 address" },
	{ "nat64", "tayga-ipv6-address", CUSTOM(set_ipv6, pr_ipv6), F(tayga_ipv6),
	  GIVEN(tayga_ipv6_set), .help = "TAYGA's own IPv6 address" },
	{ "nat64", "tayga-pool", CUSTOM(set_prefix4, pr_prefix4), F(tayga_pool),
	  .help = "TAYGA's dynamic IPv4 pool" },
	{ "nat64", "tayga-config", .type = CONF_PATH, F(tayga_config),
	  .dflt = "/etc/nat64ctl/tayga.conf", .help = "where TAYGA's config is written" },
	{ "nat64", "tayga-data-dir", .type = CONF_PATH, F(tayga_data_dir),
	  .dflt = "/var/lib/nat64ctl/tayga", .help = "TAYGA's data-dir" },
	{ "nat64", "tayga-pidfile", .type = CONF_PATH, F(tayga_pidfile),
	  .dflt = "/run/nat64ctl/tayga.pid", .help = "TAYGA's pid file" },
	{ "dns64", "server", ENUM(server_names), F(dns_server), .dflt = "bind",
	  .help = "the DNS server: bind or unbound" },
	{ "dns64", "output", .type = CONF_PATH, F(dns_output),
	  .help = "the installed file (default: the server's)" },
	{ "dns64", "prefix", CUSTOM(set_prefix6_6052, pr_prefix6), F(dns_prefix),
	  GIVEN(dns_prefix_set), .help = "the DNS64 prefix (default: pool6)" },
	/* the lists: "given" when their count is not zero */
	{ "dns64", "clients", CUSTOM(set_clients, pr_clients), F(nclients),
	  .help = "address match list of the clients served" },
	{ "dns64", "mapped", CUSTOM(set_mapped, pr_mapped), F(nmapped),
	  .help = "IPv4 address match list of what is synthesized" },
	{ "dns64", "exclude", CUSTOM(set_exclude, pr_exclude), F(nexclude),
	  .help = "IPv6 prefixes whose AAAA are ignored" },
	{ "dns64", "suffix", CUSTOM(set_ipv6, pr_ipv6), F(suffix), GIVEN(suffix_set),
	  .help = "the IPv6 suffix after the IPv4 address" },
	{ "dns64", "recursive-only", .type = CONF_BOOL, F(recursive_only), .dflt = "no",
	  .help = "BIND's recursive-only" },
	{ "dns64", "break-dnssec", .type = CONF_BOOL, F(break_dnssec), .dflt = "no",
	  .help = "BIND's break-dnssec" },
	{ "dns64", "control-config", .type = CONF_PATH, F(control_config),
	  .help = "the file for rndc -c or unbound-control -c" },
};
#undef F
#undef GIVEN
#undef ENUM
#undef CUSTOM

_Static_assert(sizeof(keys) / sizeof(keys[0]) <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX");
_Static_assert(sizeof(((struct nat64_errors *)0)->msg[0]) == CONF_ERR_LEN,
	       "nat64_errors holds conftab's messages");

static void seen(void *cfg, const char *section)
{
	struct nat64_config *c = cfg;

	if (section[0] == 'n')
		c->nat64_present = true;
	else
		c->dns64_present = true;
}

static bool show(const void *cfg, const struct conf_key *k)
{
	const struct nat64_config *c = cfg;

	if (k->section[0] == 'n' ? !c->nat64_present : !c->dns64_present)
		return false;
	/* TAYGA's keys mean nothing to Jool: keep `render config` short */
	return strncmp(k->name, "tayga-", 6) != 0 || c->backend == NAT64_BACKEND_TAYGA;
}

static void check(struct conf_reader *r, void *cfg);

const struct conf_table nat64_conf_table = {
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.seen = seen,
	.show = show,
	.check = check,
};

void nat64_config_init(struct nat64_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file = "(config)";
	conf_defaults(&nat64_conf_table, cfg);
}

/* a reader of one table, errors into errs */
static void reader(struct conf_reader *r, struct nat64_config *cfg, const char *file,
		   struct nat64_errors *errs)
{
	conf_reader_init(r, file, CONF_ERRORS(errs));
	conf_reader_add(r, &nat64_conf_table, cfg);
}

int nat64_config_key(struct nat64_config *cfg, const char *section, const char *name,
		     const char *value, const char *file, int line, struct nat64_errors *errs)
{
	struct conf_reader r;

	if (strcmp(section, "nat64") && strcmp(section, "dns64"))
		return 0;
	reader(&r, cfg, file ? file : "(config)", errs);
	cfg->file = r.file;
	r.line = line;
	return conf_feed(&r, section, name, value);
}

/* ---- cross-key checks ------------------------------------------------------------ */

static const struct nat64_prefix6 wkp = {
	.addr = { .s6_addr = { 0, 0x64, 0xff, 0x9b } }, .len = 96
};

bool nat64_is_wkp(const struct nat64_prefix6 *p)
{
	return p->len == 96 && memcmp(&p->addr, &wkp.addr, sizeof(wkp.addr)) == 0;
}

/* Evaluate a BIND address match list on an IPv4 address the way BIND
 * does: first match decides; no match = not matched.  Names other than
 * any/none never match here (they are not allowed in mapped). */
bool nat64_acl_match4(const nat64_acl_elem *v, unsigned n, uint32_t a)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		const char *e = v[i];
		bool neg = *e == '!';
		struct nat64_prefix4 p;

		if (neg)
			e++;
		if (!strcmp(e, "any"))
			return !neg;
		if (!strcmp(e, "none"))
			return neg;
		if (nat64_prefix4_parse(e, &p) == 0 && nat64_prefix4_contains(&p, a))
			return !neg;
	}
	return false;
}

static void check_pool4(struct conf_reader *c, struct nat64_config *cfg)
{
	unsigned i, j, pr;
	char a[160], b[160];

	for (i = 0; i < cfg->npool4; i++)
		for (j = i + 1; j < cfg->npool4; j++) {
			const struct nat64_pool4 *x = &cfg->pool4[i], *y = &cfg->pool4[j];
			unsigned common = x->protos & y->protos;

			if (x->mark != y->mark || !common || !nat64_prefix4_overlap(&x->prefix, &y->prefix))
				continue;
			for (pr = NAT64_TCP; pr <= NAT64_ICMP; pr <<= 1) {
				unsigned xa, xb, ya, yb;

				if (!(common & pr))
					continue;
				nat64_pool4_ports(x, pr, &xa, &xb);
				nat64_pool4_ports(y, pr, &ya, &yb);
				if (xa > yb || ya > xb)
					continue;
				nat64_pool4_line_str(x, a, sizeof(a));
				nat64_pool4_line_str(y, b, sizeof(b));
				c->line = y->line;
				conf_err(c, "pool4 \"%s\" overlaps line %d (\"%s\") for %s: give them "
					   "different addresses, port ranges or marks", b, x->line, a,
					pr == NAT64_TCP ? "tcp" : pr == NAT64_UDP ? "udp" : "icmp");
				break;
			}
		}
}

static void check(struct conf_reader *c, void *cfgv)
{
	struct nat64_config *cfg = cfgv;
	char b[64];

	c->line = 0;

	if (cfg->nat64_present) {
		if (!cfg->pool6_set)
			conf_err(c, "[nat64] needs pool6 (e.g. pool6 = 64:ff9b::/96, the well-known "
				    "prefix, or a network-specific prefix of yours such as 2001:db8:64::/96)");
		check_pool4(c, cfg);
		c->line = 0;
		if (cfg->backend == NAT64_BACKEND_TAYGA) {
			if (cfg->npool4)
				conf_err(c, "[nat64] pool4 is for backend jool; TAYGA maps each IPv6 host to "
					    "an address of tayga-pool (masquerade that pool out of your uplink)");
			if (!cfg->tayga_pool.addr.s_addr)
				conf_err(c, "[nat64] backend tayga needs tayga-pool (e.g. 192.168.255.0/24)");
			if (!cfg->tayga_ipv4.s_addr)
				conf_err(c, "[nat64] backend tayga needs tayga-ipv4-address (e.g. "
					    "192.168.255.1, inside tayga-pool)");
			else if (cfg->tayga_pool.addr.s_addr &&
				 !nat64_prefix4_contains(&cfg->tayga_pool, ntohl(cfg->tayga_ipv4.s_addr)))
				conf_err(c, "[nat64] tayga-ipv4-address is outside tayga-pool %s",
					nat64_prefix4_str(&cfg->tayga_pool, b, sizeof(b)));
			if (cfg->pool6_set && nat64_is_wkp(&cfg->pool6) && !cfg->tayga_ipv6_set)
				conf_err(c, "[nat64] TAYGA with the well-known prefix 64:ff9b::/96 needs "
					    "tayga-ipv6-address (an address of this host outside pool6)");
		}
	}
	if (cfg->dns64_present) {
		const struct nat64_prefix6 *p = cfg->dns_prefix_set ? &cfg->dns_prefix
					       : cfg->pool6_set ? &cfg->pool6 : NULL;

		if (!p)
			conf_err(c, "[dns64] needs prefix, or a [nat64] section with pool6");
		if (cfg->suffix_set && p && p->len == 96)
			conf_err(c, "[dns64] suffix needs a prefix shorter than /96 (a /96 leaves no "
				    "room for a suffix)");
		if (cfg->nmapped) {
			/* RFC 6052 3.1 and RFC 7050: test the list as BIND evaluates it */
			static const char *const nonglobal[] = { "10.1.2.3", "172.16.1.1", "192.168.1.1",
								 "127.0.0.1", "169.254.1.1", "100.64.1.1",
								 "0.1.2.3" };
			unsigned i;
			struct in_addr a;

			if (p && nat64_is_wkp(p))
				for (i = 0; i < sizeof(nonglobal) / sizeof(nonglobal[0]); i++) {
					inet_pton(AF_INET, nonglobal[i], &a);
					if (nat64_acl_match4(cfg->mapped, cfg->nmapped, ntohl(a.s_addr))) {
						conf_err(c, "[dns64] mapped maps the non-global address %s "
							    "under the well-known prefix 64:ff9b::/96, which "
							    "RFC 6052 3.1 forbids: leave mapped out (the default "
							    "excludes non-global IPv4) or use a network-specific "
							    "prefix", nonglobal[i]);
						break;
					}
				}
			inet_pton(AF_INET, "192.0.0.170", &a);
			if (!nat64_acl_match4(cfg->mapped, cfg->nmapped, ntohl(a.s_addr)) ||
			    !nat64_acl_match4(cfg->mapped, cfg->nmapped, ntohl(a.s_addr) + 1))
				conf_err(c, "[dns64] mapped does not map 192.0.0.170/31: RFC 7050 prefix "
					    "discovery (ipv4only.arpa) breaks; put 192.0.0.170/31 first");
		}
	}
}

int nat64_config_check(struct nat64_config *cfg, const char *file, struct nat64_errors *errs)
{
	struct conf_reader r;

	reader(&r, cfg, file ? file : cfg->file, errs);
	check(&r, cfg);
	return errs->n ? -NAT64_EINVAL : 0;
}

/* ---- whole files --------------------------------------------------------------- */

int nat64_config_parse(const char *path, const char *buf, bool ignore_other,
		       struct nat64_config *cfg, struct nat64_errors *errs)
{
	const char *file = path ? path : "(built-in)";
	struct conf_reader r;

	errs->n = 0;
	errs->more = 0;
	nat64_config_init(cfg);
	cfg->file = file;
	reader(&r, cfg, file, errs);
	r.ignore_other = ignore_other;
	r.note = "use nat64ctl -a to read acd.conf";
	r.what = ignore_other ? "an acd.conf" : "a nat64.conf";
	if (conf_read(&r, path, buf) < 0)
		return -NAT64_EINVAL;
	if (!cfg->nat64_present && !cfg->dns64_present && errs->n == 0)
		conf_err(&r, "no [nat64] or [dns64] section (see conf/nat64.conf for an example)");
	check(&r, cfg);
	return errs->n ? -NAT64_EINVAL : 0;
}

void nat64_config_print(FILE *f, const struct nat64_config *cfg)
{
	conf_print(f, &nat64_conf_table, cfg);
}

void nat64_pool4_ports(const struct nat64_pool4 *p, unsigned proto, unsigned *min, unsigned *max)
{
	if (p->ports_set) {
		*min = p->port_min;
		*max = p->port_max;
	} else if (proto == NAT64_ICMP) {
		*min = 0;
		*max = 65535;
	} else {
		*min = NAT64_DEFAULT_PORT_MIN;
		*max = NAT64_DEFAULT_PORT_MAX;
	}
}
