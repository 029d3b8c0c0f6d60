/*
 * jool_csv.c - reading what `jool ... display --csv` prints (jool-tools
 * 4.1.x).  Pure functions over text, so tests feed them canned output.
 *
 *   instance display: Namespace,Name,Framework
 *   global display:   Field,Value            (pool6 empty when unset)
 *   pool4 display:    Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed
 *   bib display:      Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nat64_int.h"

/* Split one line (modified in place) on commas; returns the field count. */
static unsigned split_csv(char *line, char **f, unsigned max)
{
	unsigned n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Iterate over the lines of text; each callback gets a private copy. */
typedef int (*line_fn)(char *line, void *arg);

static int each_line(const char *text, line_fn fn, void *arg)
{
	char buf[512];
	const char *p = text;
	int rc;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n >= sizeof(buf))
			return -NAT64_EPARSE;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (n && buf[n - 1] == '\r')
			buf[n - 1] = '\0';
		if (buf[0]) {
			rc = fn(buf, arg);
			if (rc < 0)
				return rc;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_proto(const char *s, unsigned *p)
{
	if (!strcasecmp(s, "TCP"))
		*p = NAT64_TCP;
	else if (!strcasecmp(s, "UDP"))
		*p = NAT64_UDP;
	else if (!strcasecmp(s, "ICMP"))
		*p = NAT64_ICMP;
	else
		return -1;
	return 0;
}

struct pool4_acc {
	struct nat64_pool4_entry *out;
	unsigned max, n;
};

static int pool4_line(char *line, void *arg)
{
	struct pool4_acc *a = arg;
	struct nat64_pool4_entry e;
	char *f[8];
	unsigned long v, lo, hi, fixed;

	if (!strncmp(line, "Mark,", 5))
		return 0;
	if (split_csv(line, f, 8) != 7)
		return -NAT64_EPARSE;
	memset(&e, 0, sizeof(e));
	if (parse_uint(f[0], UINT32_MAX, &v) < 0 || parse_proto(f[1], &e.proto) < 0 ||
	    nat64_prefix4_parse(f[2], &e.prefix) < 0 || parse_uint(f[3], 65535, &lo) < 0 ||
	    parse_uint(f[4], 65535, &hi) < 0 || parse_uint(f[6], 1, &fixed) < 0)
		return -NAT64_EPARSE;
	e.mark = (uint32_t)v;
	e.port_min = (uint16_t)lo;
	e.port_max = (uint16_t)hi;
	if (!fixed)
		e.max_iterations = NAT64_ITER_AUTO;
	else if (!strcasecmp(f[5], "infinite") || !strcasecmp(f[5], "infinity"))
		e.max_iterations = NAT64_ITER_INFINITY;
	else if (parse_uint(f[5], UINT32_MAX - 1, &v) == 0 && v > 0)
		e.max_iterations = (uint32_t)v;
	else
		return -NAT64_EPARSE;
	if (a->n >= a->max)
		return -NAT64_EPARSE;
	a->out[a->n++] = e;
	return 0;
}

int nat64_parse_pool4_csv(const char *text, struct nat64_pool4_entry *out, unsigned max,
			  unsigned *n)
{
	struct pool4_acc a = { out, max, 0 };
	int rc = each_line(text, pool4_line, &a);

	*n = a.n;
	return rc;
}

struct global_acc {
	struct nat64_prefix6 *pool6;
	bool *set;
	bool seen;
};

static int global_line(char *line, void *arg)
{
	struct global_acc *a = arg;
	char *v;

	/* "pool6,64:ff9b::/96" (csv) or "  pool6: 64:ff9b::/96" (table) */
	while (*line == ' ')
		line++;
	if (strncmp(line, "pool6", 5) || (line[5] != ',' && line[5] != ':'))
		return 0;
	v = line + 6;
	while (*v == ' ')
		v++;
	a->seen = true;
	if (!*v || !strcmp(v, "(unset)")) {
		*a->set = false;
		return 0;
	}
	if (nat64_prefix6_parse(v, a->pool6) < 0)
		return -NAT64_EPARSE;
	*a->set = true;
	return 0;
}

int nat64_parse_global_csv(const char *text, struct nat64_prefix6 *pool6, bool *set)
{
	struct global_acc a = { pool6, set, false };
	int rc;

	*set = false;
	rc = each_line(text, global_line, &a);
	if (rc == 0 && !a.seen)
		return -NAT64_EPARSE;
	return rc;
}

struct inst_acc {
	const char *iname;
	enum nat64_framework *fw;
	unsigned found;
};

static int instance_line(char *line, void *arg)
{
	struct inst_acc *a = arg;
	char *f[4];

	if (!strncmp(line, "Namespace,", 10))
		return 0;
	if (split_csv(line, f, 4) != 3)
		return -NAT64_EPARSE;
	if (strcmp(f[1], a->iname))
		return 0;
	if (!strcmp(f[2], "netfilter"))
		*a->fw = NAT64_FW_NETFILTER;
	else if (!strcmp(f[2], "iptables"))
		*a->fw = NAT64_FW_IPTABLES;
	else
		return 0;
	a->found++;
	return 0;
}

int nat64_parse_instance_csv(const char *text, const char *iname, enum nat64_framework *fw,
			     bool *found)
{
	struct inst_acc a = { iname, fw, 0 };
	int rc = each_line(text, instance_line, &a);

	/* instances of other namespaces may share the name: then we cannot tell */
	*found = a.found == 1;
	return rc;
}

struct bib_acc {
	struct nat64_pool4_usage *u;
	unsigned n;
	uint64_t count;
};

static int bib_line(char *line, void *arg)
{
	struct bib_acc *a = arg;
	char *f[7];
	unsigned proto, i;
	unsigned long port;
	struct in_addr v4;

	if (!strncmp(line, "Protocol,", 9))
		return 0;
	if (split_csv(line, f, 7) != 6)
		return -NAT64_EPARSE;
	if (parse_proto(f[0], &proto) < 0 || inet_pton(AF_INET, f[3], &v4) != 1 ||
	    parse_uint(f[4], 65535, &port) < 0)
		return -NAT64_EPARSE;
	a->count++;
	for (i = 0; i < a->n; i++) {
		const struct nat64_pool4_entry *e = &a->u[i].entry;

		if (e->proto == proto && nat64_prefix4_contains(&e->prefix, ntohl(v4.s_addr)) &&
		    port >= e->port_min && port <= e->port_max) {
			a->u[i].in_use++;
			break;
		}
	}
	return 0;
}

int nat64_parse_bib_csv(const char *text, struct nat64_pool4_usage *usage, unsigned nusage,
			uint64_t *count)
{
	struct bib_acc a = { usage, nusage, 0 };
	int rc = each_line(text, bib_line, &a);

	*count = a.count;
	return rc;
}
