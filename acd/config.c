/*
 * config.c - acd.conf: acd's key table, read with libnat64's ([nat64],
 * [dns64]) by lib/conftab's INI front end.
 *
 * The table describes every key once: its section, name, type or own
 * parser and printer, default, one line of help and whether a reload
 * applies it, so the parser, the defaults, `acd -n -v`, a reload and the
 * man page (tests/unit/test_conf_docs.c) cannot drift apart.  Unknown
 * sections and keys are errors.  Each key's line is kept for the checks
 * of one key against another after the parse.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <arpa/inet.h>
#include <grp.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <radcli/radcli.h>

#include "acct_record.h"
#include "config.h"
#include "conftab.h"
#include "radattr.h"
#include "secret.h"

/* what `acd` runs on without -c: every key at its default, the table's */
const char acd_config_embedded[] =
	"# acd's built-in configuration: every key at its default (acd -n -v shows them)\n";

/* ---- value parsers: 0 or -1 after conf_err ---- */

static int set_socket(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (v[0] != '/' || strlen(v) >= 108) {
		conf_err(c, "%s \"%s\": needs an absolute path under 108 characters", key, v);
		return -1;
	}
	conf_put_str(dst, 108, v);
	return 0;
}

static int set_log(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);

	if (strcmp(v, "syslog") && strcmp(v, "stderr")) {
		conf_err(c, "%s \"%s\": unknown (use syslog or stderr)", key, v);
		return -1;
	}
	conf_put_str(dst, 16, v);
	return 0;
}

static const char *const level_names[] = { [LOG_ERR] = "error", [LOG_WARNING] = "warning",
					    [LOG_NOTICE] = "notice", [LOG_INFO] = "info",
					    [LOG_DEBUG] = "debug" };

int config_listen_addr(const char *s, int *af, char *addr, size_t addrlen, unsigned *port)
{
	char host[64], *colon, *end;
	unsigned char buf[16];
	unsigned long p;

	if (strlen(s) >= sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%s", s);
	colon = strrchr(host, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	p = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || p == 0 || p > 65535)
		return -1;
	if (host[0] == '[') {
		size_t n = strlen(host);

		if (n < 3 || host[n - 1] != ']')
			return -1;
		host[n - 1] = '\0';
		memmove(host, host + 1, n - 1);
		*af = AF_INET6;
	} else {
		*af = AF_INET;
	}
	if (inet_pton(*af, host, buf) != 1)
		return -1;
	snprintf(addr, addrlen, "%s", host);
	*port = (unsigned)p;
	return 0;
}

int config_listen_sockaddr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char addr[64];
	unsigned port;
	int af;

	if (config_listen_addr(s, &af, addr, sizeof(addr), &port) < 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		*len = sizeof(*sin6);
	}
	return 0;
}

bool config_listen_is_loopback(const char *s)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	socklen_t len;

	if (config_listen_sockaddr(s, &ss, &len) < 0)
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

/* off, PORT (on 127.0.0.1, kept as 127.0.0.1:PORT), ADDRESS:PORT, [IPv6]:PORT:
 * telnet, [metrics] listen */
static int set_telnet(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char addr[64], buf[64];
	unsigned port;
	int af;

	if (strcmp(v, "off") == 0) {
		conf_put_str(dst, 64, "");
		return 0;
	}
	if (strlen(v) <= 5 && v[strspn(v, "0123456789")] == '\0') {
		snprintf(buf, sizeof(buf), "127.0.0.1:%s", v);
		v = buf;
	}
	if (config_listen_addr(v, &af, addr, sizeof(addr), &port) < 0) {
		conf_err(c, "%s \"%s\": use off, PORT (on 127.0.0.1), ADDRESS:PORT or [IPv6]:PORT "
			"(e.g. 2000 or 127.0.0.1:2000; ports 1 to 65535)", key,
			v == buf ? buf + strlen("127.0.0.1:") : v);
		return -1;
	}
	conf_put_str(dst, 64, v);
	return 0;
}

static int set_ifprefix(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	const char *p;

	if (!*v || strlen(v) > 8) {
		conf_err(c, "%s \"%s\": needs 1 to 8 characters (e.g. ppp)", key, v);
		return -1;
	}
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			conf_err(c, "%s \"%s\": letters, digits, - and _ only", key, v);
			return -1;
		}
	conf_put_str(dst, 16, v);
	return 0;
}

static int set_qdisc(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	enum shaper_qdisc q;

	if (strcmp(v, "auto") == 0) {
		*(int *)CONF_FIELD(k, cfg) = ACD_SHAPER_AUTO;
		return 0;
	}
	if (shaper_qdisc_parse(v, &q) < 0 || q == SHAPER_QDISC_NONE) {
		conf_err(c, "%s \"%s\": unknown (use auto, tbf, htb or cake)", k->name, v);
		return -1;
	}
	*(int *)CONF_FIELD(k, cfg) = (int)q;
	return 0;
}

static int set_leaf(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	enum shaper_leaf l;

	if (strcmp(v, "auto") == 0) {
		*(int *)CONF_FIELD(k, cfg) = ACD_SHAPER_AUTO;
		return 0;
	}
	if (shaper_leaf_parse(v, &l) < 0) {
		conf_err(c, "%s \"%s\": unknown (use auto, fq_codel, cake or sfq)", k->name, v);
		return -1;
	}
	*(int *)CONF_FIELD(k, cfg) = (int)l;
	return 0;
}

static int set_upmode(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	enum shaper_upmode m;

	if (strcmp(v, "auto") == 0) {
		*(int *)CONF_FIELD(k, cfg) = ACD_SHAPER_AUTO;
		return 0;
	}
	if (shaper_upmode_parse(v, &m) < 0) {
		conf_err(c, "%s \"%s\": unknown (use auto, police or ifb)", k->name, v);
		return -1;
	}
	*(int *)CONF_FIELD(k, cfg) = (int)m;
	return 0;
}

static int set_profile(struct conf_reader *c, const struct conf_key *k, const char *v,
		       void *cfg)
{
	enum shaper_profile p;

	if (shaper_profile_parse(v, &p) < 0) {
		conf_err(c, "%s \"%s\": unknown (use auto, cake, fq_codel or tbf)", k->name, v);
		return -1;
	}
	*(int *)CONF_FIELD(k, cfg) = (int)p;
	return 0;
}

static int set_rate(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char err[200];
	uint64_t r;

	if (shaper_rate_parse(v, 1, &r, err, sizeof(err)) < 0) {
		conf_err(c, "%s %s", key, err);
		return -1;
	}
	if (r && (r < SHAPER_RATE_MIN || r > SHAPER_RATE_MAX)) {
		conf_err(c, "%s \"%s\": out of range (0 for unshaped, or 1k to 1T)", key, v);
		return -1;
	}
	*(uint64_t *)dst = r;
	return 0;
}

/* "50ms", "0.5s", "50000us"; a bare number is milliseconds */
static int set_duration_us(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char *end;
	double x;
	double mult = 1000;

	errno = 0;
	x = strtod(v, &end);
	if (end == v || errno || x < 0)
		goto bad;
	if (strcmp(end, "s") == 0)
		mult = 1000000;
	else if (strcmp(end, "ms") == 0 || *end == '\0')
		mult = 1000;
	else if (strcmp(end, "us") == 0)
		mult = 1;
	else
		goto bad;
	x *= mult;
	if (x < 1000 || x > SHAPER_LATENCY_MAX_US) {
		conf_err(c, "%s \"%s\": out of range (1ms to 10s)", key, v);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)x;
	return 0;
bad:
	conf_err(c, "%s \"%s\": not a duration (e.g. 50ms, 0.2s)", key, v);
	return -1;
}

static int set_precedence(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char err[256];

	if (policy_order_parse(v, dst, err, sizeof(err)) < 0) {
		conf_err(c, "%s: %s", key, err);
		return -1;
	}
	return 0;
}

static int set_coa_listen(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	char addr[64], buf[80];
	unsigned port;
	int af;

	if (strcmp(v, "off") == 0) {
		conf_put_str(dst, 64, "");
		return 0;
	}
	/* a bare address listens on the RFC 5176 port */
	if (config_listen_addr(v, &af, addr, sizeof(addr), &port) == 0) {
		conf_put_str(dst, 64, v);
		return 0;
	}
	snprintf(buf, sizeof(buf), strchr(v, ':') ? "[%s]:3799" : "%s:3799", v);
	if (strlen(v) < 48 && v[0] != '[' &&
	    config_listen_addr(buf, &af, addr, sizeof(addr), &port) == 0) {
		conf_put_str(dst, 64, buf); /* under 48 + 7 bytes */
		return 0;
	}
	conf_err(c, "%s \"%s\": use off, ADDRESS, ADDRESS:PORT or [IPv6]:PORT (e.g. 0.0.0.0:3799)",
		key, v);
	return -1;
}

static int set_nas_ip(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	unsigned char b[16];

	if (inet_pton(AF_INET, v, b) != 1 && inet_pton(AF_INET6, v, b) != 1) {
		conf_err(c, "%s \"%s\": not an IPv4 or IPv6 address", key, v);
		return -1;
	}
	conf_put_str(dst, 46, v);
	return 0;
}

static int set_nas_id(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	const char *p;

	if (!*v || strlen(v) > 253) {
		conf_err(c, "%s \"%s\": needs 1 to 253 characters", key, v);
		return -1;
	}
	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
			conf_err(c, "%s \"%s\": printable characters without spaces only", key, v);
			return -1;
		}
	conf_put_str(dst, 254, v);
	return 0;
}

/* Is addr (of family af) inside net/prefix (of family naf)? */
static bool prefix_match(int naf, const uint8_t net[16], unsigned prefix, int af,
			 const void *addr)
{
	const uint8_t *a = addr;
	unsigned bits = prefix, i;

	if (af != naf)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != net[i])
			return false;
	return bits == 0 || ((a[i] ^ net[i]) & (uint8_t)(0xff00 >> bits)) == 0;
}

bool config_coa_client_match(const struct coa_client_cfg *c, int af, const void *addr)
{
	return prefix_match(c->af, c->net, c->prefix, af, addr);
}

/*
 * ADDRESS[/PREFIX] into af, net (host bits cleared) and prefix; -1 with
 * why set ("... is not an address", "prefix length ... out of range").
 */
static int net_parse(const char *v, int *af, uint8_t net[16], unsigned *prefix, char *why,
		     size_t whylen)
{
	char spec[64], *slash, *end;
	unsigned long len;
	unsigned i;

	if (strlen(v) >= sizeof(spec)) {
		snprintf(why, whylen, "longer than %zu characters", sizeof(spec) - 1);
		return -1;
	}
	snprintf(spec, sizeof(spec), "%s", v);
	slash = strchr(spec, '/');
	if (slash)
		*slash = '\0';
	*af = strchr(spec, ':') ? AF_INET6 : AF_INET;
	memset(net, 0, 16);
	if (inet_pton(*af, spec, net) != 1) {
		snprintf(why, whylen, "\"%s\" is not an IPv4 or IPv6 address", spec);
		return -1;
	}
	*prefix = *af == AF_INET ? 32 : 128;
	if (slash) {
		len = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || slash[1] == '-' || len > *prefix) {
			snprintf(why, whylen, "prefix length \"/%s\" out of range (0 to %u)",
				 slash + 1, *prefix);
			return -1;
		}
		*prefix = (unsigned)len;
		for (i = 0; i < 16; i++) {
			unsigned keep = *prefix > i * 8 ? *prefix - i * 8 : 0;

			if (keep < 8)
				net[i] &= (uint8_t)(0xff00 >> keep);
		}
	}
	return 0;
}

bool config_net_match(const struct acd_net *n, int af, const void *addr)
{
	return prefix_match(n->af, n->net, n->prefix, af, addr);
}

/* [metrics] allow = ADDRESS[/PREFIX] (repeatable) */
static int set_metrics_allow(struct conf_reader *c, const struct conf_key *k, const char *v,
			     void *cfgv)
{
	struct acd_config *cfg = cfgv;
	struct acd_net *n;
	char why[160];

	if (cfg->n_metrics_allow >= ACD_METRICS_MAX_ALLOW) {
		conf_err(c, "%s: more than %d entries (give prefixes, e.g. 192.0.2.0/24)",
			 k->name, ACD_METRICS_MAX_ALLOW);
		return -1;
	}
	n = &cfg->metrics_allow[cfg->n_metrics_allow];
	memset(n, 0, sizeof(*n));
	if (net_parse(v, &n->af, n->net, &n->prefix, why, sizeof(why)) < 0) {
		conf_err(c, "%s \"%s\": %s: use ADDRESS or ADDRESS/PREFIX "
			 "(e.g. 192.0.2.7 or 2001:db8::/32)", k->name, v, why);
		return -1;
	}
	snprintf(n->spec, sizeof(n->spec), "%s", v);
	cfg->n_metrics_allow++;
	return 0;
}

static void pr_metrics_allow(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)k;
	fputs(((const struct acd_config *)cfg)->metrics_allow[i].spec, f);
}

/* client = ADDRESS[/PREFIX] SECRET-FILE (repeatable) */
static int set_coa_client(struct conf_reader *c, const struct conf_key *k, const char *v,
			  void *cfgv)
{
	struct acd_config *cfg = cfgv;
	const char *key = k->name;
	struct coa_client_cfg *cl;
	char spec[64], file[PATH_MAX], err[PATH_MAX + 200], why[160];
	int n;

	if (cfg->n_coa_clients >= ACD_COA_MAX_CLIENTS) {
		conf_err(c, "%s: more than %d clients", key, ACD_COA_MAX_CLIENTS);
		return -1;
	}
	cl = &cfg->coa_clients[cfg->n_coa_clients];
	memset(cl, 0, sizeof(*cl));
	n = 0;
	if (strlen(v) >= sizeof(spec) + sizeof(file) ||
	    sscanf(v, "%63s %4095s %n", spec, file, &n) != 2 || v[n] != '\0') {
		conf_err(c, "%s \"%s\": use ADDRESS[/PREFIX] SECRET-FILE "
			"(e.g. 192.0.2.10 /etc/acd/coa-billing.secret)", key, v);
		return -1;
	}
	snprintf(cl->spec, sizeof(cl->spec), "%s", spec);
	if (net_parse(spec, &cl->af, cl->net, &cl->prefix, why, sizeof(why)) < 0) {
		conf_err(c, "%s \"%s\": %s", key, v, why);
		return -1;
	}
	if (file[0] != '/') {
		conf_err(c, "%s \"%s\": secret file \"%s\" is not an absolute path", key, v, file);
		return -1;
	}
	snprintf(cl->secret_file, sizeof(cl->secret_file), "%s", file);
	if (secret_read("secret file", file, 1, cl->secret, sizeof(cl->secret), &cl->secret_len,
			err, sizeof(err)) < 0) {
		conf_err(c, "%s %s: %s", key, cl->spec, err);
		return -1;
	}
	cfg->n_coa_clients++;
	return 0;
}

/* [accounting] server = ADDRESS[:PORT], once or twice (the second is the
 * fallback radcli tries when the first does not answer) */
static int set_acct_server(struct conf_reader *c, const struct conf_key *k, const char *v,
			   void *cfgv)
{
	struct acd_config *cfg = cfgv;
	const char *key = k->name;
	char host[64];
	unsigned port;

	if (acct_server_parse(v, host, sizeof(host), &port) < 0) {
		conf_err(c, "%s \"%s\": use an IPv4 ADDRESS or ADDRESS:PORT (e.g. 192.0.2.5 or "
			"192.0.2.5:1813)", key, v);
		return -1;
	}
	if (cfg->n_acct_servers >= ACD_ACCT_MAX_SERVERS) {
		conf_err(c, "%s \"%s\": at most %d servers (the second is the fallback)", key, v,
			ACD_ACCT_MAX_SERVERS);
		return -1;
	}
	snprintf(cfg->acct_servers[cfg->n_acct_servers++], sizeof(cfg->acct_servers[0]), "%s", v);
	return 0;
}

static int set_acct_secret(struct conf_reader *c, const struct conf_key *k, const char *v,
			   void *cfgv)
{
	struct acd_config *cfg = cfgv;
	const char *key = k->name;
	char err[PATH_MAX + 200];
	size_t i;

	if (conf_set_path(c, k, v, cfg) < 0)
		return -1;
	if (secret_read(key, v, 1, cfg->acct_secret, sizeof(cfg->acct_secret),
			&cfg->acct_secret_len, err, sizeof(err)) < 0) {
		conf_err(c, "%s", err);
		return -1;
	}
	/* radcli 1.2.11 takes a server's secret inside its "host:port:secret"
	 * list, split at spaces and commas, and cuts it at 95 bytes */
	for (i = 0; i < cfg->acct_secret_len; i++)
		if (strchr(" \t,", cfg->acct_secret[i]))
			break;
	if (i < cfg->acct_secret_len || cfg->acct_secret_len > ACD_ACCT_SECRET_MAX) {
		memset(cfg->acct_secret, 0, sizeof(cfg->acct_secret));
		cfg->acct_secret_len = 0;
		conf_err(c, "%s %s: the secret may not hold spaces or commas, nor be longer than "
			"%d bytes (radcli cannot send it)", key, v, ACD_ACCT_SECRET_MAX);
		return -1;
	}
	return 0;
}

/* "0" (none), or seconds as the key's range says */
static int set_interim(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	if (strcmp(v, "0") == 0 || strcmp(v, "0s") == 0) {
		*(uint32_t *)CONF_FIELD(k, cfg) = 0;
		return 0;
	}
	return conf_set_uint(c, k, v, cfg);
}

static int set_period(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfg)
{
	const char *key = k->name;
	void *dst = CONF_FIELD(k, cfg);
	enum acct_period p;

	if (acct_period_parse(v, &p) < 0) {
		conf_err(c, "%s \"%s\": unknown (use none, daily or monthly)", key, v);
		return -1;
	}
	*(int *)dst = (int)p;
	return 0;
}

/* ---- [pppoe] ---- */

/*
 * One read of acd.conf: what its setters and checks keep beside the
 * config (the reader's user pointer; NULL in conf_defaults' read).  Not in
 * struct acd_config: equal configs are equal bytes, wherever their lines.
 */
struct acd_read {
	int iface_line[ACD_PPPOE_MAX_IFACES];   /* [pppoe] interface i's line */
	struct acd_config_errors *errs;          /* the warnings go there */
};

/* A byte of an interface name as the kernel takes one (no '/' or blank;
 * ':' neither, but a pattern's [:class:] has it: pattern_error's), and one
 * a log shows as it is. */
static bool ifname_byte_ok(unsigned char ch)
{
	return ch > ' ' && ch < 0x7f && ch != '/';
}

/* A name with one of these is a pattern for fnmatch(3). */
static bool is_pattern(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

static const char *const char_classes[] = { "alnum", "alpha", "blank", "cntrl", "digit",
					    "graph", "lower", "print", "punct", "space",
					    "upper", "xdigit" };

/* Why fnmatch(3) would not read p as its writer meant, or NULL: glibc
 * matches an unclosed '[' literally and an unknown [:class:] never, and
 * says nothing of either.  A ':' is only in a [:class:]: never in a name. */
static const char *pattern_error(const char *p)
{
	const char *q, *end;
	size_t i, n;

	for (; *p; p++) {
		if (*p == ':')
			return "a ':' outside a [:class:] (no interface name has one)";
		if (*p == '\\') {
			if (!*++p)
				return "a '\\' at the end escapes nothing";
			if (*p == ':')
				return "a ':' outside a [:class:] (no interface name has one)";
			continue;
		}
		if (*p != '[')
			continue;
		q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++; /* first in the set: one of it, not its end */
		for (; *q && *q != ']'; q++) {
			if (q[0] == ':') {
				return "a ':' outside a [:class:] (no interface name has one)";
			} else if (q[0] == '\\' && q[1]) {
				q++;
			} else if (q[0] == '[' && q[1] == ':') {
				end = strstr(q + 2, ":]");
				if (!end)
					return "a '[:' without its ':]'";
				n = (size_t)(end - (q + 2));
				for (i = 0; i < sizeof(char_classes) / sizeof(char_classes[0]); i++)
					if (strlen(char_classes[i]) == n &&
					    strncmp(char_classes[i], q + 2, n) == 0)
						break;
				if (i == sizeof(char_classes) / sizeof(char_classes[0]))
					return "an unknown character class (e.g. [[:digit:]])";
				q = end + 1;
			}
		}
		if (!*q)
			return "a '[' without its ']'";
		p = q;
	}
	return NULL;
}

/* [pppoe] interface = NAME or PATTERN, repeatable */
static int set_pppoe_iface(struct conf_reader *c, const struct conf_key *k, const char *v,
			   void *cfgv)
{
	struct acd_config *cfg = cfgv;
	struct acd_read *rd = c->user;
	const char *key = k->name, *why;
	size_t len = strlen(v), i;

	if (len == 0 || (!is_pattern(v) && len >= IFNAMSIZ)) {
		conf_err(c, "%s \"%s\": an interface name has 1 to %d characters (e.g. eth1, "
			 "eth1.100, or a pattern: eth1.*)", key, v, IFNAMSIZ - 1);
		return -1;
	}
	if (len >= sizeof(cfg->pppoe_ifaces[0])) {
		conf_err(c, "%s \"%s\": a pattern has at most %zu characters (e.g. eth1.*)", key,
			 v, sizeof(cfg->pppoe_ifaces[0]) - 1);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!ifname_byte_ok((unsigned char)v[i]) || (v[i] == ':' && !is_pattern(v))) {
			conf_err(c, "%s \"%s\": an interface name is printable ASCII without '/', "
				 "':' or blanks (e.g. eth1.100)", key, v);
			return -1;
		}
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
		conf_err(c, "%s \"%s\": not an interface name (e.g. eth1.100)", key, v);
		return -1;
	}
	why = pattern_error(v);
	if (why) {
		conf_err(c, "%s \"%s\": %s (patterns as in fnmatch(3): eth1.*, eth1.1[0-9][0-9])",
			 key, v, why);
		return -1;
	}
	for (i = 0; i < cfg->n_pppoe_ifaces; i++)
		if (strcmp(cfg->pppoe_ifaces[i], v) == 0) {
			conf_err(c, "%s \"%s\": given twice (once is enough)", key, v);
			return -1;
		}
	if (cfg->n_pppoe_ifaces >= ACD_PPPOE_MAX_IFACES) {
		conf_err(c, "%s \"%s\": at most %d interfaces (a pattern such as eth1.* covers "
			 "many VLANs)", key, v, ACD_PPPOE_MAX_IFACES);
		return -1;
	}
	if (rd)
		rd->iface_line[cfg->n_pppoe_ifaces] = c->line;
	conf_put_str(cfg->pppoe_ifaces[cfg->n_pppoe_ifaces++], sizeof(cfg->pppoe_ifaces[0]), v);
	return 0;
}

/* What a PPPoE name tag (AC-Name, Service-Name) may carry here: printable
 * ASCII, at most ACD_PPPOE_NAME_MAX bytes, so a log shows it as it is. */
static bool pppoe_name_ok(const char *v)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] < ' ' || (unsigned char)v[i] > '~')
			return false;
	return i <= ACD_PPPOE_NAME_MAX;
}

static int set_pppoe_ac_name(struct conf_reader *c, const struct conf_key *k, const char *v,
			     void *cfg)
{
	if (!pppoe_name_ok(v)) {
		conf_err(c, "%s \"%s\": at most %d characters of printable ASCII (e.g. bras-1; "
			 "none: the host name)", k->name, v, ACD_PPPOE_NAME_MAX);
		return -1;
	}
	conf_put_str(CONF_FIELD(k, cfg), k->size, v);
	return 0;
}

/* [pppoe] service-name = NAME, repeatable */
static int set_pppoe_service(struct conf_reader *c, const struct conf_key *k, const char *v,
			     void *cfgv)
{
	struct acd_config *cfg = cfgv;
	const char *key = k->name;
	unsigned i;

	if (!*v) {
		conf_err(c, "%s \"\": give a name (a PADI for a blank one is answered unless "
			 "accept-any-service = no)", key);
		return -1;
	}
	if (!pppoe_name_ok(v)) {
		conf_err(c, "%s \"%s\": at most %d characters of printable ASCII (e.g. internet)",
			 key, v, ACD_PPPOE_NAME_MAX);
		return -1;
	}
	for (i = 0; i < cfg->n_pppoe_services; i++)
		if (strcmp(cfg->pppoe_services[i], v) == 0) {
			conf_err(c, "%s \"%s\": given twice (once is enough)", key, v);
			return -1;
		}
	if (cfg->n_pppoe_services >= ACD_PPPOE_MAX_SERVICES) {
		conf_err(c, "%s \"%s\": at most %d service names (none: any is accepted)", key, v,
			 ACD_PPPOE_MAX_SERVICES);
		return -1;
	}
	conf_put_str(cfg->pppoe_services[cfg->n_pppoe_services++], sizeof(cfg->pppoe_services[0]),
		     v);
	return 0;
}

/* a file name pppd looks up in its plugin directory, or an absolute path
 * (pppd takes a relative path with a '/' from its working directory: never
 * what is meant) */
static int set_pppoe_plugin(struct conf_reader *c, const struct conf_key *k, const char *v,
			    void *cfg)
{
	size_t i;

	if (v[0] == '/')
		return conf_set_path(c, k, v, cfg);
	for (i = 0; v[i]; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f || v[i] == '/')
			break;
	if (!*v || v[i] || i >= k->size) {
		conf_err(c, "%s \"%s\": a file name in pppd's plugin directory (e.g. pppoe.so) or "
			 "an absolute path", k->name, v);
		return -1;
	}
	conf_put_str(CONF_FIELD(k, cfg), k->size, v);
	return 0;
}

/* the AC's IPv4 address on every session link (pppd's LOCAL:), kept as
 * inet_ntop writes it */
static int set_pppoe_local_ip(struct conf_reader *c, const struct conf_key *k, const char *v,
			      void *cfg)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;
	uint32_t h;

	if (inet_pton(AF_INET, v, &a) != 1) {
		conf_err(c, "%s \"%s\": not an IPv4 address (e.g. 100.64.0.1)", k->name, v);
		return -1;
	}
	h = ntohl(a.s_addr);
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14) {
		conf_err(c, "%s \"%s\": not an address a host may have (give the AC's own address "
			 "on the session links, e.g. 100.64.0.1)", k->name, v);
		return -1;
	}
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	conf_put_str(CONF_FIELD(k, cfg), k->size, buf);
	return 0;
}

/* ---- [ipv6] ---- */

/* prefix-pool = PREFIX/LEN: the /64s of the sessions' links; at most 2^32 of
 * them (LEN 32..64), host bits zero */
static int set_ipv6_pool(struct conf_reader *c, const struct conf_key *k, const char *v,
			 void *cfgv)
{
	struct acd_config *cfg = cfgv;
	bool pd = strcmp(k->name, "pd-pool") == 0;
	char addr[INET6_ADDRSTRLEN], *end;
	const char *slash = strchr(v, '/');
	struct in6_addr a;
	unsigned long len;
	size_t n;
	int i;

	n = slash ? (size_t)(slash - v) : 0;
	if (!slash || n >= sizeof(addr)) {
		conf_err(c, "%s \"%s\": give a prefix with its length (e.g. 2001:db8:100::/48)",
			 k->name, v);
		return -1;
	}
	memcpy(addr, v, n);
	addr[n] = '\0';
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET6, addr, &a) != 1 || !slash[1] || *end || errno ||
	    !isdigit((unsigned char)slash[1])) {
		conf_err(c, "%s \"%s\": not an IPv6 prefix (e.g. 2001:db8:100::/48)", k->name, v);
		return -1;
	}
	if (!pd && (len < 32 || len > 64)) {
		conf_err(c, "%s \"%s\": the pool is cut into /64s: give a length from /32 to /64 "
			 "(e.g. /48: 65536 sessions)", k->name, v);
		return -1;
	}
	if (pd && (len < 16 || len > 64)) {
		conf_err(c, "%s \"%s\": give a length from /16 to /64 (e.g. /40: 65536 /56s)",
			 k->name, v);
		return -1;
	}
	for (i = (int)len; i < 128; i++)
		if (a.s6_addr[i / 8] & (0x80 >> (i % 8))) {
			struct in6_addr b = a;

			for (; i < 128; i++)
				b.s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
			inet_ntop(AF_INET6, &b, addr, sizeof(addr));
			conf_err(c, "%s \"%s\": bits are set past /%lu (did you mean %s/%lu?)",
				 k->name, v, len, addr, len);
			return -1;
		}
	if (IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_LOOPBACK(&a) ||
	    IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_V4MAPPED(&a)) {
		conf_err(c, "%s \"%s\": not a prefix subscribers can use (give a global or ULA "
			 "prefix, e.g. 2001:db8:100::/48)", k->name, v);
		return -1;
	}
	inet_ntop(AF_INET6, &a, addr, sizeof(addr));
	if (pd) {
		cfg->ipv6_pd_addr = a;
		cfg->ipv6_pd_pool_len = (uint8_t)len;
		snprintf(cfg->ipv6_pd_pool, sizeof(cfg->ipv6_pd_pool), "%s/%lu", addr, len);
	} else {
		cfg->ipv6_pool_addr = a;
		cfg->ipv6_pool_len = (uint8_t)len;
		snprintf(cfg->ipv6_pool, sizeof(cfg->ipv6_pool), "%s/%lu", addr, len);
	}
	return 0;
}

/* dns = ADDRESS, repeatable: the resolvers announced (RDNSS) */
static int set_ipv6_dns(struct conf_reader *c, const struct conf_key *k, const char *v,
			void *cfgv)
{
	struct acd_config *cfg = cfgv;
	struct in6_addr a;
	unsigned i;

	if (inet_pton(AF_INET6, v, &a) != 1 || IN6_IS_ADDR_MULTICAST(&a) ||
	    IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a)) {
		conf_err(c, "%s \"%s\": not the IPv6 address of a resolver (e.g. 2001:db8::53)",
			 k->name, v);
		return -1;
	}
	for (i = 0; i < cfg->n_ipv6_dns; i++)
		if (IN6_ARE_ADDR_EQUAL(&cfg->ipv6_dns[i], &a)) {
			conf_err(c, "%s \"%s\": given twice (once is enough)", k->name, v);
			return -1;
		}
	if (cfg->n_ipv6_dns >= ACD_IPV6_DNS_MAX) {
		conf_err(c, "%s \"%s\": at most %d resolvers", k->name, v, ACD_IPV6_DNS_MAX);
		return -1;
	}
	cfg->ipv6_dns[cfg->n_ipv6_dns++] = a;
	return 0;
}

/* a domain name as RFC 1123 host names are written: labels of 1..63
 * letters, digits and hyphens, not at a label's ends; 253 at most; one
 * final dot allowed (dropped) */
static bool domain_ok(const char *v, size_t *len)
{
	size_t n = strlen(v), i, label = 0;

	if (n && v[n - 1] == '.')
		n--;
	if (n == 0 || n > ACD_IPV6_DOMAIN_LEN - 1)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch == '.') {
			if (label == 0 || v[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum(ch) || (ch == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	*len = n;
	return label > 0 && v[n - 1] != '-';
}

/* search = DOMAIN, repeatable: the search list announced (DNSSL) */
static int set_ipv6_search(struct conf_reader *c, const struct conf_key *k, const char *v,
			   void *cfgv)
{
	struct acd_config *cfg = cfgv;
	size_t n;
	unsigned i;

	if (!domain_ok(v, &n)) {
		conf_err(c, "%s \"%s\": not a domain name (labels of letters, digits and '-', "
			 "e.g. isp.example)", k->name, v);
		return -1;
	}
	for (i = 0; i < cfg->n_ipv6_search; i++)
		if (strlen(cfg->ipv6_search[i]) == n && strncasecmp(cfg->ipv6_search[i], v, n) == 0) {
			conf_err(c, "%s \"%s\": given twice (once is enough)", k->name, v);
			return -1;
		}
	if (cfg->n_ipv6_search >= ACD_IPV6_SEARCH_MAX) {
		conf_err(c, "%s \"%s\": at most %d domains", k->name, v, ACD_IPV6_SEARCH_MAX);
		return -1;
	}
	memcpy(cfg->ipv6_search[cfg->n_ipv6_search], v, n);
	cfg->ipv6_search[cfg->n_ipv6_search++][n] = '\0';
	return 0;
}

static void pr_ipv6_dns(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[INET6_ADDRSTRLEN];

	(void)k;
	fputs(inet_ntop(AF_INET6, &((const struct acd_config *)cfg)->ipv6_dns[i], b, sizeof(b)),
	      f);
}

static void pr_ipv6_search(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)k;
	fputs(((const struct acd_config *)cfg)->ipv6_search[i], f);
}

/* ---- printers ---- */

static int field_int(const struct conf_key *k, const void *cfg)
{
	return *(const int *)((const char *)cfg + k->off);
}

static void pr_qdisc(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	int v = field_int(k, cfg);

	(void)i;
	fputs(v == ACD_SHAPER_AUTO ? "auto" : shaper_qdisc_name((enum shaper_qdisc)v), f);
}

static void pr_leaf(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	int v = field_int(k, cfg);

	(void)i;
	fputs(v == ACD_SHAPER_AUTO ? "auto" : shaper_leaf_name((enum shaper_leaf)v), f);
}

static void pr_upmode(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	int v = field_int(k, cfg);

	(void)i;
	fputs(v == ACD_SHAPER_AUTO ? "auto" : shaper_upmode_name((enum shaper_upmode)v), f);
}

static void pr_profile(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)i;
	fputs(shaper_profile_name((enum shaper_profile)field_int(k, cfg)), f);
}

static void pr_rate(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	char b[32];

	(void)i;
	fputs(shaper_rate_format(*(const uint64_t *)((const char *)cfg + k->off), b, sizeof(b)), f);
}

static void pr_str(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)i;
	fputs((const char *)cfg + k->off, f);
}

/* telnet, [coa] listen: "" is off */
static void pr_listen(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const char *s = (const char *)cfg + k->off;

	(void)i;
	fputs(*s ? s : "off", f);
}

/* repeated: one "client = ..." line per client (the secret never) */
static void pr_coa_client(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct coa_client_cfg *cl = &((const struct acd_config *)cfg)->coa_clients[i];

	(void)k;
	fprintf(f, "%s %s", cl->spec, cl->secret_file);
}

static void pr_pppoe_iface(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)k;
	fputs(((const struct acd_config *)cfg)->pppoe_ifaces[i], f);
}

static void pr_pppoe_service(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)k;
	fputs(((const struct acd_config *)cfg)->pppoe_services[i], f);
}

static void pr_acct_server(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)k;
	fputs(((const struct acd_config *)cfg)->acct_servers[i], f);
}

static void pr_interim(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	uint32_t v = *(const uint32_t *)((const char *)cfg + k->off);

	(void)i;
	if (v)
		fprintf(f, "%" PRIu32 "s", v);
	else
		fputs("0", f);
}

static void pr_period(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	(void)i;
	fputs(acct_period_name((enum acct_period)*(const int *)((const char *)cfg + k->off)), f);
}

static void pr_duration(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	uint32_t us = *(const uint32_t *)((const char *)cfg + k->off);

	(void)i;
	if (us % 1000)
		fprintf(f, "%" PRIu32 "us", us);
	else
		fprintf(f, "%" PRIu32 "ms", us / 1000);
}

static void pr_precedence(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const struct policy_config *p = (const void *)((const char *)cfg + k->off);
	size_t j;

	(void)i;
	for (j = 0; j < p->norder; j++)
		fprintf(f, "%s%s", j ? " " : "", policy_source_name(p->order[j]));
}

/* ---- the key table ---- */

#define F(m) .off = offsetof(struct acd_config, m), .size = sizeof(((struct acd_config *)0)->m)
#define CUSTOM(s, p) .type = CONF_CUSTOM, .set = s, .print = p
#define PATH .type = CONF_PATH
#define SECONDS(lo, hi) .type = CONF_UINT, .min = lo, .max = hi, .unit = "s"
#define REPEAT(n) .flags = CONF_REPEAT, .count = offsetof(struct acd_config, n)
static const char *const pref64_names[] = { [ACD_PREF64_AUTO] = "auto",
					    [ACD_PREF64_YES] = "yes", [ACD_PREF64_NO] = "no" };
static const char *const scripts_names[] = { [ACD_SCRIPTS_AUTO] = "auto",
					     [ACD_SCRIPTS_YES] = "yes", [ACD_SCRIPTS_NO] = "no" };
static const char secs_10_86400[] = "give seconds from 10 to 86400 (e.g. 300s)";
static const char sessions_use[] = "give a number from 0 (no limit) to 65534";
static const char padis_use[] = "give PADIs per second from 0 (no limit) to 1000000";

static const struct conf_key keys[] = {
	{ "acd", "state-dir", PATH, F(state_dir), .dflt = "/var/lib/acd", .flags = CONF_RESTART,
	  .help = "where sessions.json lives" },
	{ "acd", "log", CUSTOM(set_log, pr_str), F(log), .dflt = "syslog",
	  .help = "syslog or stderr" },
	{ "acd", "log-level", .type = CONF_ENUM, .names = level_names,
	  .nnames = sizeof(level_names) / sizeof(level_names[0]), F(log_level), .dflt = "info",
	  .help = "the least important messages logged" },
	{ "acd", "nat64-check-interval", SECONDS(10, 86400), .use = secs_10_86400,
	  F(nat64_check_s), .dflt = "30s", .help = "how often [nat64] is checked and re-applied" },
	{ "control", "socket", CUSTOM(set_socket, pr_str), F(socket), .dflt = "/run/acd/acd.sock",
	  .flags = CONF_RESTART, .help = "the control socket" },
	{ "control", "group", .type = CONF_GROUP, F(socket_group),
	  .help = "the socket's group: its members may read" },
	{ "control", "admin-group", .type = CONF_GROUP, F(admin_group),
	  .help = "its members may also change sessions" },
	{ "control", "telnet", CUSTOM(set_telnet, pr_listen), F(telnet), .dflt = "off",
	  .flags = CONF_RESTART, .restart_as = "telnet settings",
	  .help = "where the telnet interface listens, or off" },
	{ "control", "telnet-password-file", PATH, F(telnet_password_file),
	  .flags = CONF_RESTART, .restart_as = "telnet settings",
	  .help = "the telnet password's file, root's alone" },
	{ "control", "telnet-idle-timeout", SECONDS(10, 86400), .use = secs_10_86400,
	  F(telnet_idle_s), .dflt = "300s", .help = "a silent telnet client is closed after it" },
	{ "control", "telnet-max-clients", .type = CONF_UINT, .min = 1, .max = 64,
	  F(telnet_max_clients), .dflt = "4", .help = "telnet clients at once" },
	{ "pppd", "radattr-dir", PATH, F(radattr_dir), .dflt = "/var/run",
	  .help = "where pppd's radattr.so writes radattr.IFNAME" },
	{ "pppd", "interface-prefix", CUSTOM(set_ifprefix, pr_str), F(ifprefix), .dflt = "ppp",
	  .help = "the interfaces that are sessions" },
	{ "pppd", "pid-dir", PATH, F(pid_dir), .dflt = "/var/run",
	  .help = "where pppd writes IFNAME.pid" },
	/* pppd runs ip-up right after it sets the addresses, and the hook gives
	 * up after 1 s: below 2 s a busy box could adopt what its hook is bringing */
	{ "pppd", "adopt-after", SECONDS(2, 60), F(adopt_after_s), .dflt = "5s",
	  .help = "a link with an address and no hook is a session after it" },
	/* [pppoe]: a reload applies every key (config.h says how) */
	{ "pppoe", "interface", CUSTOM(set_pppoe_iface, pr_pppoe_iface), F(pppoe_ifaces),
	  REPEAT(n_pppoe_ifaces), .help = "an interface, or a pattern (eth1.*), answered" },
	{ "pppoe", "ac-name", CUSTOM(set_pppoe_ac_name, pr_str), F(pppoe_ac_name),
	  .help = "the AC-Name in PADOs (default: the host name)" },
	{ "pppoe", "service-name", CUSTOM(set_pppoe_service, pr_pppoe_service), F(pppoe_services),
	  REPEAT(n_pppoe_services), .help = "a service offered (none: any is accepted)" },
	{ "pppoe", "accept-any-service", .type = CONF_BOOL, F(pppoe_accept_blank), .dflt = "yes",
	  .help = "a PADI for a blank Service-Name is answered" },
	{ "pppoe", "pppd", PATH, F(pppoe_pppd), .dflt = ACD_PPPOE_PPPD_DEFAULT,
	  .help = "the pppd each session runs" },
	{ "pppoe", "pppd-options", PATH, F(pppoe_options), .dflt = ACD_PPPOE_OPTIONS,
	  .help = "the options file each session's pppd reads" },
	{ "pppoe", "plugin", CUSTOM(set_pppoe_plugin, pr_str), F(pppoe_plugin),
	  .dflt = ACD_PPPOE_PLUGIN_DEFAULT, .help = "pppd's PPPoE plugin: a name or a path" },
	{ "pppoe", "acd-plugin", CUSTOM(set_pppoe_plugin, pr_str), F(pppoe_acd_plugin),
	  .dflt = ACD_PPPOE_ACD_PLUGIN_DEFAULT,
	  .help = "acd's pppd plugin, loaded by each session's pppd: a name, a path or none" },
	{ "pppoe", "ppp-scripts", .type = CONF_ENUM, .names = scripts_names, .nnames = 3,
	  F(pppoe_scripts), .dflt = "auto",
	  .help = "pppd runs /etc/ppp/ip-up and ip-down (auto: only without acd.so)" },
	{ "pppoe", "local-ip", CUSTOM(set_pppoe_local_ip, pr_str), F(pppoe_local_ip),
	  .help = "the AC's IPv4 address on every session link" },
	{ "pppoe", "max-sessions", .type = CONF_UINT, .min = 0, .max = 65534,
	  .use = sessions_use, F(pppoe_max_sessions), .dflt = "0",
	  .help = "sessions at once (0: no limit)" },
	{ "pppoe", "max-sessions-per-mac", .type = CONF_UINT, .min = 0, .max = 65534,
	  .use = sessions_use, F(pppoe_max_per_mac), .dflt = "4",
	  .help = "sessions at once per client MAC (0: no limit)" },
	{ "pppoe", "max-starting", .type = CONF_UINT, .min = 0, .max = 65534,
	  .use = sessions_use, F(pppoe_max_starting), .dflt = "256",
	  .help = "pppds starting at once; PADIs and PADRs beyond wait (0: no limit)" },
	{ "pppoe", "padi-limit", .type = CONF_UINT, .min = 0, .max = 1000000, .use = padis_use,
	  F(pppoe_padi_limit), .dflt = "2000", .help = "PADIs answered per second (0: no limit)" },
	{ "pppoe", "padi-limit-interface", .type = CONF_UINT, .min = 0, .max = 1000000,
	  .use = padis_use, F(pppoe_padi_limit_if), .dflt = "500",
	  .help = "PADIs answered per second per interface (0: no limit)" },
	{ "pppoe", "padi-limit-mac", .type = CONF_UINT, .min = 0, .max = 1000000,
	  .use = padis_use, F(pppoe_padi_limit_mac), .dflt = "5",
	  .help = "PADIs answered per second per client MAC (0: no limit)" },
	{ "pppoe", "cookie-lifetime", SECONDS(5, 600), .use = "give seconds from 5 to 600 (e.g. 60s)",
	  F(pppoe_cookie_lifetime), .dflt = "60s",
	  .help = "how long a PADO's AC-Cookie is good for a PADR" },
	{ "pppoe", "max-payload", .type = CONF_BOOL, F(pppoe_max_payload), .dflt = "yes",
	  .help = "honour RFC 4638 PPP-Max-Payload when the MTU allows" },
	/* [ipv6]: a reload applies all but prefix-pool to every session's next RA */
	{ "ipv6", "prefix-pool", CUSTOM(set_ipv6_pool, pr_str), F(ipv6_pool),
	  .flags = CONF_RESTART, .help = "the /64s of the session links, PREFIX/LEN (none: off)" },
	{ "ipv6", "sticky", .type = CONF_BOOL, F(ipv6_sticky), .dflt = "yes",
	  .help = "a user gets the same /64 back while it is free" },
	{ "ipv6", "pd-pool", CUSTOM(set_ipv6_pool, pr_str), F(ipv6_pd_pool),
	  .flags = CONF_RESTART, .help = "the prefixes DHCPv6 delegates, PREFIX/LEN (none: no PD)" },
	{ "ipv6", "pd-length", .type = CONF_UINT, .min = 48, .max = 64, F(ipv6_pd_len),
	  .flags = CONF_RESTART, .dflt = "56", .use = "give a prefix length from 48 to 64",
	  .help = "the length of each delegated prefix" },
	{ "ipv6", "rapid-commit", .type = CONF_BOOL, F(ipv6_rapid_commit), .dflt = "yes",
	  .help = "DHCPv6 Rapid Commit: two messages instead of four" },
	{ "ipv6", "dns", CUSTOM(set_ipv6_dns, pr_ipv6_dns), F(ipv6_dns), REPEAT(n_ipv6_dns),
	  .help = "a resolver announced (RDNSS), repeatable" },
	{ "ipv6", "search", CUSTOM(set_ipv6_search, pr_ipv6_search), F(ipv6_search),
	  REPEAT(n_ipv6_search), .help = "a search domain announced (DNSSL), repeatable" },
	{ "ipv6", "ra-interval", SECONDS(4, 1800), .use = "give seconds from 4 to 1800 (e.g. 600s)",
	  F(ipv6_ra_interval), .dflt = "600s",
	  .help = "the longest time between router advertisements" },
	{ "ipv6", "router-lifetime", SECONDS(0, 9000),
	  .use = "give seconds from 0 to 9000 (e.g. 1800s)", F(ipv6_router_lifetime),
	  .dflt = "1800s", .help = "how long subscribers keep acd as their default router" },
	{ "ipv6", "prefix-valid-lifetime", SECONDS(60, 4294967294u),
	  .use = "give seconds (e.g. 86400s)", F(ipv6_valid), .dflt = "86400s",
	  .help = "the /64's valid lifetime" },
	{ "ipv6", "prefix-preferred-lifetime", SECONDS(60, 4294967294u),
	  .use = "give seconds (e.g. 14400s)", F(ipv6_preferred), .dflt = "14400s",
	  .help = "the /64's preferred lifetime" },
	{ "ipv6", "mtu", .type = CONF_UINT, .min = 0, .max = 65535, F(ipv6_mtu), .dflt = "0",
	  .use = "give 0 (the link's) or an MTU from 1280", .help = "the MTU announced (0: the link's)" },
	{ "ipv6", "pref64", .type = CONF_ENUM, .names = pref64_names, .nnames = 3, F(ipv6_pref64),
	  .dflt = "auto", .help = "announce [nat64] pool6 (PREF64): auto (when set), yes, no" },
	{ "radius", "dictionary", PATH, F(dictionary), .dflt = ACD_DICT_DIR "/dictionary",
	  .help = "the radcli dictionary acd reads attributes with" },
	{ "radius", "nas-identifier", CUSTOM(set_nas_id, pr_str), F(nas_identifier),
	  .help = "NAS-Identifier acd sends (default: the host name)" },
	{ "radius", "nas-ip-address", CUSTOM(set_nas_ip, pr_str), F(nas_ip),
	  .help = "NAS-IP-Address acd sends" },
	{ "shaper", "profile", CUSTOM(set_profile, pr_profile), F(shaper_profile),
	  .dflt = "auto", .help = "auto (the best the kernel has), cake, fq_codel or tbf" },
	{ "shaper", "down-qdisc", CUSTOM(set_qdisc, pr_qdisc), F(down_qdisc), .dflt = "auto",
	  .help = "the download qdisc over the profile's: tbf, htb or cake" },
	{ "shaper", "leaf", CUSTOM(set_leaf, pr_leaf), F(down_leaf), .dflt = "auto",
	  .help = "htb's leaf qdisc, both ways: fq_codel, cake or sfq" },
	{ "shaper", "up-mode", CUSTOM(set_upmode, pr_upmode), F(up_mode), .dflt = "auto",
	  .help = "the upload over the profile's: police or ifb" },
	{ "shaper", "up-qdisc", CUSTOM(set_qdisc, pr_qdisc), F(up_qdisc), .dflt = "auto",
	  .help = "the upload qdisc on the IFB over the profile's: tbf, htb or cake" },
	{ "shaper", "latency", CUSTOM(set_duration_us, pr_duration), F(latency_us),
	  .dflt = "50ms", .help = "tbf's latency" },
	{ "shaper", "default-down", CUSTOM(set_rate, pr_rate), F(policy.default_down),
	  .dflt = "0", .help = "the download rate without a RADIUS one (0: unshaped)" },
	{ "shaper", "default-up", CUSTOM(set_rate, pr_rate), F(policy.default_up), .dflt = "0",
	  .help = "the upload rate without a RADIUS one (0: unshaped)" },
	{ "shaper", "precedence", CUSTOM(set_precedence, pr_precedence), F(policy),
	  .dflt = "rp mikrotik wispr filter-id", .help = "which RADIUS rate source wins" },
	{ "coa", "listen", CUSTOM(set_coa_listen, pr_listen), F(coa_listen), .dflt = "off",
	  .flags = CONF_RESTART, .help = "where the CoA/Disconnect server listens, or off" },
	{ "coa", "client", CUSTOM(set_coa_client, pr_coa_client), F(coa_clients),
	  REPEAT(n_coa_clients), .help = "ADDRESS[/PREFIX] SECRET-FILE, repeatable" },
	{ "coa", "require-message-authenticator", .type = CONF_BOOL, F(coa_require_ma),
	  .dflt = "no", .help = "drop requests without Message-Authenticator" },
	{ "coa", "require-event-timestamp", .type = CONF_BOOL, F(coa_require_timestamp),
	  .dflt = "no", .help = "drop requests without Event-Timestamp" },
	{ "coa", "event-timestamp-window", SECONDS(10, 86400), .use = secs_10_86400,
	  F(coa_window_s), .dflt = "300s", .help = "Event-Timestamp tolerance and replay window" },
	{ "accounting", "server", CUSTOM(set_acct_server, pr_acct_server), F(acct_servers),
	  REPEAT(n_acct_servers), .help = "ADDRESS[:PORT], a second one is the fallback" },
	{ "accounting", "secret-file", CUSTOM(set_acct_secret, pr_str), F(acct_secret_file),
	  .help = "the servers' secret's file, root's alone" },
	{ "accounting", "interim-interval", CUSTOM(set_interim, pr_interim), .min = 10,
	  .max = 86400, .unit = "s", .use = secs_10_86400, F(acct_interim_s), .dflt = "300s",
	  .help = "seconds between Interim-Updates (0: none)" },
	{ "accounting", "period", CUSTOM(set_period, pr_period), F(acct_period), .dflt = "none",
	  .help = "counters restart each day, month or never" },
	{ "accounting", "queue-size", .type = CONF_UINT, .min = 16, .max = 65536,
	  F(acct_queue_size), .dflt = "4096", .help = "records waiting for the sender" },
	{ "accounting", "timeout", SECONDS(1, 60), F(acct_timeout_s), .dflt = "3s",
	  .help = "seconds per try" },
	{ "accounting", "retries", .type = CONF_UINT, .min = 0, .max = 10, F(acct_retries),
	  .dflt = "2", .help = "tries after the first" },
	/* [metrics]: where it listens and its limits wait for a restart; allow
	 * and the per-session series apply at a reload */
	{ "metrics", "listen", CUSTOM(set_telnet, pr_listen), F(metrics_listen), .dflt = "off",
	  .flags = CONF_RESTART, .restart_as = "metrics listen and limits",
	  .help = "where the Prometheus endpoint listens (PORT: on 127.0.0.1), or off" },
	{ "metrics", "allow", CUSTOM(set_metrics_allow, pr_metrics_allow), F(metrics_allow),
	  REPEAT(n_metrics_allow), .help = "ADDRESS[/PREFIX] that may scrape, repeatable (none: any)" },
	{ "metrics", "max-connections", .type = CONF_UINT, .min = 1, .max = 256,
	  F(metrics_max_conns), .dflt = "8", .flags = CONF_RESTART,
	  .restart_as = "metrics listen and limits", .use = "give a number from 1 to 256",
	  .help = "scrapers' connections at once" },
	{ "metrics", "max-connections-per-address", .type = CONF_UINT, .min = 1, .max = 256,
	  F(metrics_max_conns_addr), .dflt = "4", .flags = CONF_RESTART,
	  .restart_as = "metrics listen and limits", .use = "give a number from 1 to 256",
	  .help = "connections at once from one client address" },
	{ "metrics", "max-request-size", .type = CONF_UINT, .min = 1024, .max = 65536,
	  F(metrics_max_request), .dflt = "8192", .flags = CONF_RESTART,
	  .restart_as = "metrics listen and limits",
	  .use = "give bytes from 1024 to 65536 (e.g. 8192)",
	  .help = "a request's line and headers, at most" },
	{ "metrics", "timeout", SECONDS(1, 300), F(metrics_timeout_s), .dflt = "10s",
	  .flags = CONF_RESTART, .restart_as = "metrics listen and limits",
	  .use = "give seconds from 1 to 300 (e.g. 10s)",
	  .help = "a connection idle this long is closed" },
	{ "metrics", "per-session", .type = CONF_BOOL, F(metrics_sessions), .dflt = "no",
	  .help = "series per session (bytes, packets, rates)" },
	{ "metrics", "per-session-max", .type = CONF_UINT, .min = 1, .max = 100000,
	  F(metrics_sessions_max), .dflt = "1000", .use = "give a number from 1 to 100000",
	  .help = "sessions with series of their own, at most (the rest are counted)" },
};
#undef F
#undef CUSTOM
#undef PATH
#undef SECONDS
#undef REPEAT

_Static_assert(sizeof(keys) / sizeof(keys[0]) <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX");
_Static_assert(sizeof(((struct acd_config_errors *)0)->msg[0]) == CONF_ERR_LEN,
	       "acd_config_errors holds conftab's messages");

static void cross_checks(struct conf_reader *c, void *cfgv);

const struct conf_table acd_conf_table = {
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.check = cross_checks,
};

void config_defaults(struct acd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	conf_defaults(&acd_conf_table, cfg);
	cfg->admin_gid = (gid_t)-1; /* none: only uid 0 */
	nat64_config_init(&cfg->nat64);
}

/* Checks of one key against another, each at the line of the key at fault. */
static void cross_checks(struct conf_reader *c, void *cfgv)
{
	struct acd_config *cfg = cfgv;

	if (cfg->socket_group[0]) {
		struct group *g = getgrnam(cfg->socket_group);

		if (!g) {
			c->line = conf_key_line(c, "control", "group");
			conf_err(c, "group \"%s\" does not exist (create it, or name another)",
				cfg->socket_group);
		} else {
			cfg->socket_gid = g->gr_gid;
		}
	}
	if (cfg->admin_group[0]) {
		struct group *g = getgrnam(cfg->admin_group);

		if (!g) {
			c->line = conf_key_line(c, "control", "admin-group");
			conf_err(c, "group \"%s\" does not exist (create it, or name another)",
				cfg->admin_group);
		} else {
			cfg->admin_gid = g->gr_gid;
		}
	}
	if (cfg->telnet[0] && !cfg->telnet_password_file[0] &&
	    !conf_key_line(c, "control", "telnet-password-file")) {
		c->line = conf_key_line(c, "control", "telnet");
		conf_err(c, "[control] telnet needs telnet-password-file (a file only root can read)");
	}
	if (cfg->nat64.nat64_present || cfg->nat64.dns64_present)
		nat64_conf_table.check(c, &cfg->nat64);
	cfg->nat64.file = NULL; /* a pointer into this parse: not kept */
	if (cfg->coa_listen[0] && cfg->n_coa_clients == 0 && !conf_key_line(c, "coa", "client")) {
		c->line = conf_key_line(c, "coa", "listen");
		conf_err(c, "[coa] listen needs at least one client = ADDRESS SECRET-FILE "
			"(or listen = off)");
	}
	if (cfg->n_acct_servers && !cfg->acct_secret_file[0] &&
	    !conf_key_line(c, "accounting", "secret-file")) {
		c->line = conf_key_line(c, "accounting", "server");
		conf_err(c, "[accounting] server needs secret-file (a file only root can read)");
	}
	if (cfg->ipv6_pd_pool[0] && !cfg->ipv6_pool[0]) {
		c->line = conf_key_line(c, "ipv6", "pd-pool");
		conf_err(c, "[ipv6] pd-pool needs prefix-pool (the session links' /64s)");
	}
	if (cfg->ipv6_pd_pool[0] && cfg->ipv6_pd_len <= cfg->ipv6_pd_pool_len) {
		c->line = conf_key_line(c, "ipv6", "pd-length");
		conf_err(c, "[ipv6] pd-length /%u does not cut pd-pool %s: give a length longer than "
			 "/%u", cfg->ipv6_pd_len, cfg->ipv6_pd_pool, cfg->ipv6_pd_pool_len);
	} else if (cfg->ipv6_pd_pool[0] && cfg->ipv6_pd_len - cfg->ipv6_pd_pool_len > 32) {
		c->line = conf_key_line(c, "ipv6", "pd-length");
		conf_err(c, "[ipv6] pd-length /%u cuts pd-pool %s into more than 2^32 prefixes: "
			 "give a longer pool prefix", cfg->ipv6_pd_len, cfg->ipv6_pd_pool);
	}
	if (cfg->ipv6_pd_pool[0] && cfg->ipv6_pool[0]) {
		const struct in6_addr *x = &cfg->ipv6_pool_addr, *y = &cfg->ipv6_pd_addr;
		unsigned n = cfg->ipv6_pool_len < cfg->ipv6_pd_pool_len ? cfg->ipv6_pool_len
									: cfg->ipv6_pd_pool_len, i;
		bool overlap = true;

		for (i = 0; i < n; i++)
			if ((x->s6_addr[i / 8] ^ y->s6_addr[i / 8]) & (0x80 >> (i % 8)))
				overlap = false;
		if (overlap) {
			c->line = conf_key_line(c, "ipv6", "pd-pool");
			conf_err(c, "[ipv6] pd-pool %s overlaps prefix-pool %s: give them prefixes "
				 "apart", cfg->ipv6_pd_pool, cfg->ipv6_pool);
		}
	}
	if (cfg->ipv6_preferred > cfg->ipv6_valid) {
		c->line = conf_key_line(c, "ipv6", "prefix-preferred-lifetime");
		conf_err(c, "[ipv6] prefix-preferred-lifetime %us is longer than "
			 "prefix-valid-lifetime %us (RFC 4861: at most as long)", cfg->ipv6_preferred,
			 cfg->ipv6_valid);
	}
	if (cfg->ipv6_router_lifetime && cfg->ipv6_router_lifetime < cfg->ipv6_ra_interval) {
		c->line = conf_key_line(c, "ipv6", "router-lifetime");
		conf_err(c, "[ipv6] router-lifetime %us is shorter than ra-interval %us: subscribers "
			 "would lose their default route between two RAs (RFC 4861: 0 or at least "
			 "the interval)", cfg->ipv6_router_lifetime, cfg->ipv6_ra_interval);
	}
	if (cfg->ipv6_mtu && cfg->ipv6_mtu < 1280) {
		c->line = conf_key_line(c, "ipv6", "mtu");
		conf_err(c, "[ipv6] mtu %u: IPv6 needs at least 1280 (0: the link's)", cfg->ipv6_mtu);
	}
	if (cfg->ipv6_pref64 == ACD_PREF64_YES && !cfg->nat64.pool6_set) {
		c->line = conf_key_line(c, "ipv6", "pref64");
		conf_err(c, "[ipv6] pref64 = yes needs [nat64] pool6 (the prefix it announces)");
	}
	if (cfg->down_leaf != ACD_SHAPER_AUTO && cfg->down_leaf != SHAPER_LEAF_NONE && cfg->down_qdisc != SHAPER_QDISC_HTB &&
		   cfg->up_qdisc != SHAPER_QDISC_HTB && cfg->down_qdisc != ACD_SHAPER_AUTO &&
		   cfg->up_qdisc != ACD_SHAPER_AUTO) {
		c->line = conf_key_line(c, "shaper", "leaf");
		conf_err(c, "[shaper] leaf %s needs down-qdisc or up-qdisc = htb",
			 shaper_leaf_name((enum shaper_leaf)cfg->down_leaf));
	}
}

/* What acd reads only at start (see config_check in config.h). */
static void start_checks(struct conf_reader *c, struct acd_config *cfg)
{
	char pw[ACD_TELNET_PASSWORD_BUF], err[PATH_MAX + 300];
	rc_handle *rh = NULL;
	size_t len;

	if (cfg->telnet[0] && conf_key_ok(c, "control", "telnet-password-file")) {
		if (secret_read("telnet-password-file", cfg->telnet_password_file,
				ACD_TELNET_PASSWORD_MIN, pw, sizeof(pw), &len, err, sizeof(err)) < 0) {
			c->line = conf_key_line(c, "control", "telnet-password-file");
			conf_err(c, "%s: acd would not start (the password on the first line, %d "
				"characters or more; chown root, chmod 600)", err,
				ACD_TELNET_PASSWORD_MIN);
		}
		explicit_bzero(pw, sizeof(pw));
	}
	/* a refused dictionary key was reported; the default is not acd's then */
	if (!conf_key_line(c, "radius", "dictionary") || conf_key_ok(c, "radius", "dictionary")) {
		if (radattr_dict_open(cfg->dictionary, &rh, err, sizeof(err)) < 0) {
			c->line = conf_key_line(c, "radius", "dictionary");
			if (strcmp(cfg->dictionary, ACD_DICT_DIR "/dictionary") == 0)
				conf_err(c, "%s: acd would not start (install acd's radius-dict, or "
					"name one with [radius] dictionary)", err);
			else
				conf_err(c, "%s: acd would not start (acd installs one as "
					"%s/dictionary)", err, ACD_DICT_DIR);
		} else {
			rc_destroy(rh);
		}
	}
}

/* A warning of a read at line (0: none), as conf_err writes an error:
 * "file:line: warning: msg", cut to CONF_ERR_LEN.  It does not fail the read. */
static void read_warn(const struct conf_reader *r, const struct acd_read *rd, int line,
		      const char *msg)
{
	char *w;
	int n;

	if (rd->errs->nwarn >= ACD_CONF_MAX_WARNINGS) {
		rd->errs->wmore++;
		return;
	}
	w = rd->errs->warn[rd->errs->nwarn++];
	if (line > 0)
		n = snprintf(w, CONF_ERR_LEN, "%s:%d: warning: ", r->file, line);
	else
		n = snprintf(w, CONF_ERR_LEN, "%s: warning: ", r->file);
	if (n >= 0 && n < CONF_ERR_LEN - 1) {
		size_t m = strnlen(msg, CONF_ERR_LEN - 1 - (size_t)n);

		memcpy(w + n, msg, m);
		w[(size_t)n + m] = '\0';
	}
}

/* ---- [pppoe] on this box: config_check_pppoe, and a load's checks ---- */

/* Where a finding of the [pppoe] checks goes: in a read, to the read's
 * errors and warnings at the line of its key; else into config_check_pppoe's
 * err (the errors, or when there is none the warnings). */
struct pppoe_findings {
	struct conf_reader *r;          /* NULL: err */
	const struct acd_read *rd;
	char *err;
	size_t errlen, errlen_used;
	char warn[4 * CONF_ERR_LEN];
	size_t warn_used;
	unsigned errors;
};

/* The finding fmt about key ([pppoe] interface: the i-th); a warning
 * does not fail the load. */
static void pppoe_found(struct pppoe_findings *f, bool warning, const char *key, unsigned i,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void pppoe_found(struct pppoe_findings *f, bool warning, const char *key, unsigned i,
			const char *fmt, ...)
{
	char msg[CONF_ERR_LEN];
	va_list ap;
	int line;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->errors += !warning;
	if (!f->r) {
		char *buf = warning ? f->warn : f->err;
		size_t len = warning ? sizeof(f->warn) : f->errlen;
		size_t *used = warning ? &f->warn_used : &f->errlen_used;

		if (*used < len)
			*used += (size_t)snprintf(buf + *used, len - *used, "%s%s",
						  *used ? "\n" : "", msg);
		return;
	}
	line = strcmp(key, "interface") == 0 ? f->rd->iface_line[i]
					      : conf_key_line(f->r, "pppoe", key);
	if (!warning) {
		f->r->line = line;
		conf_err(f->r, "%s", msg);
		f->r->line = 0;
		return;
	}
	read_warn(f->r, f->rd, line, msg);
}

/* Was key's value refused in this read?  Then the value in cfg is the
 * default, not the operator's: that mistake is reported already. */
static bool pppoe_refused(const struct pppoe_findings *f, const char *key)
{
	return f->r && conf_key_line(f->r, "pppoe", key) && !conf_key_ok(f->r, "pppoe", key);
}

/* Each literal name is an interface now; a pattern that matches none is
 * only odd (its VLANs may come later). */
static void check_pppoe_ifaces(struct pppoe_findings *f, const struct acd_config *cfg)
{
	struct if_nameindex *all = NULL, *p = NULL;
	bool listed = false;
	unsigned i;

	for (i = 0; i < cfg->n_pppoe_ifaces; i++) {
		const char *name = cfg->pppoe_ifaces[i];

		if (!is_pattern(name)) {
			if (!if_nametoindex(name))
				pppoe_found(f, false, "interface", i, "[pppoe] interface \"%s\": %s "
					    "(create it first, or correct the name)", name,
					    errno == ENODEV ? "no such interface" : strerror(errno));
			continue;
		}
		if (!listed) {
			all = if_nameindex();
			listed = true;
		}
		if (!all) {
			pppoe_found(f, true, "interface", i, "[pppoe] interface \"%s\": the "
				    "interfaces cannot be listed: %s", name, strerror(errno));
			continue;
		}
		for (p = all; p->if_index; p++)
			if (fnmatch(name, p->if_name, 0) == 0)
				break;
		if (!p->if_index)
			pppoe_found(f, true, "interface", i, "[pppoe] interface \"%s\" matches no "
				    "interface now (check the pattern)", name);
	}
	if (all)
		if_freenameindex(all);
}

static void check_pppoe_pppd(struct pppoe_findings *f, const char *pppd)
{
	struct stat st;

	if (stat(pppd, &st) < 0)
		pppoe_found(f, false, "pppd", 0, "[pppoe] pppd \"%s\": %s (install ppp, or set pppd)",
			    pppd, errno == ENOENT ? "no such file" : strerror(errno));
	else if (!S_ISREG(st.st_mode))
		pppoe_found(f, false, "pppd", 0, "[pppoe] pppd \"%s\": not a regular file (set pppd "
			    "to pppd's path)", pppd);
	else if (!(st.st_mode & 0111) || access(pppd, X_OK) < 0)
		pppoe_found(f, false, "pppd", 0, "[pppoe] pppd \"%s\": not executable (chmod +x it, "
			    "or set pppd)", pppd);
}

static const char *const pppd_plugin_dirs[] = { ACD_PPPD_PLUGIN_DIRS };

/* The plugin's file: its absolute path, or the first regular file of
 * that name in one of pppd_plugin_dirs, into path.  0, or -errno. */
static int pppoe_plugin_file(const char *plugin, char *path, size_t len)
{
	struct stat st;
	glob_t g;
	size_t i, j;
	int rc = -ENOENT;

	if (plugin[0] == '/') {
		if (stat(plugin, &st) < 0)
			return -errno;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
		snprintf(path, len, "%s", plugin);
		return 0;
	}
	/* the directories are globbed, not the name: a '*' in it is a name.
	 * GLOB_ONLYDIR is a hint (a match that is a file fails the stat
	 * below); musl has no such flag. */
#ifndef GLOB_ONLYDIR
#define GLOB_ONLYDIR 0
#endif
	for (i = 0; rc < 0 && i < sizeof(pppd_plugin_dirs) / sizeof(pppd_plugin_dirs[0]); i++) {
		if (glob(pppd_plugin_dirs[i], GLOB_ONLYDIR, NULL, &g) != 0)
			continue;
		for (j = 0; rc < 0 && j < g.gl_pathc; j++) {
			snprintf(path, len, "%s/%s", g.gl_pathv[j], plugin);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				rc = 0;
		}
		globfree(&g);
	}
	return rc;
}

static void check_pppoe_plugin(struct pppoe_findings *f, const char *plugin)
{
	char path[PATH_MAX + 64];
	int rc = pppoe_plugin_file(plugin, path, sizeof(path));

	if (rc == 0)
		return;
	if (plugin[0] != '/')
		pppoe_found(f, false, "plugin", 0, "[pppoe] plugin \"%s\": not in pppd's plugin "
			    "directories (%s/; install ppp, or give the plugin's absolute path)",
			    plugin, pppd_plugin_dirs[0]);
	else if (rc == -EINVAL)
		pppoe_found(f, false, "plugin", 0, "[pppoe] plugin \"%s\": not a regular file",
			    plugin);
	else
		pppoe_found(f, false, "plugin", 0, "[pppoe] plugin \"%s\": %s (install ppp, or "
			    "correct the path)", plugin, rc == -ENOENT ? "no such file" : strerror(-rc));
}

int config_pppoe_acd_plugin(const struct acd_config *cfg)
{
	char path[PATH_MAX + 64];

	return strcmp(cfg->pppoe_acd_plugin, "none") != 0 &&
	       pppoe_plugin_file(cfg->pppoe_acd_plugin, path, sizeof(path)) == 0;
}

int config_pppoe_scripts(const struct acd_config *cfg)
{
	if (cfg->pppoe_scripts == ACD_SCRIPTS_AUTO)
		return !config_pppoe_acd_plugin(cfg);
	return cfg->pppoe_scripts == ACD_SCRIPTS_YES;
}

/* acd.so missing: its sessions still work, their events come by the hooks */
static void check_pppoe_acd_plugin(struct pppoe_findings *f, const struct acd_config *cfg)
{
	if (strcmp(cfg->pppoe_acd_plugin, "none") == 0 || config_pppoe_acd_plugin(cfg))
		return;
	pppoe_found(f, true, "acd-plugin", 0, "[pppoe] acd-plugin \"%s\": not found (%s): "
		    "sessions start without it and reach acd by pppd's hooks (install acd.so, or "
		    "set acd-plugin = none)", cfg->pppoe_acd_plugin,
		    cfg->pppoe_acd_plugin[0] == '/' ? "no such regular file" :
		    "not in pppd's plugin directories");
}

/* without acd.so and without the scripts acd would hear of no session */
static void check_pppoe_scripts(struct pppoe_findings *f, const struct acd_config *cfg)
{
	if (cfg->pppoe_scripts != ACD_SCRIPTS_NO || config_pppoe_acd_plugin(cfg))
		return;
	pppoe_found(f, false, "ppp-scripts", 0, "[pppoe] ppp-scripts = no: without acd.so "
		    "(acd-plugin \"%s\") pppd's ip-up script is the only way acd hears of a "
		    "session (set ppp-scripts = auto, or install acd.so)", cfg->pppoe_acd_plugin);
}

/* pppd reads it as root, and an options file can load any plugin: others
 * must not be able to write it */
static void check_pppoe_options(struct pppoe_findings *f, const char *options)
{
	struct stat st;
	int fd = open(options, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		pppoe_found(f, false, "pppd-options", 0, "[pppoe] pppd-options \"%s\": %s (install "
			    "acd's pppoe-options there, or set pppd-options)", options,
			    errno == ENOENT ? "no such file" : strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		pppoe_found(f, false, "pppd-options", 0, "[pppoe] pppd-options \"%s\": not a "
			    "regular file", options);
	else if (st.st_mode & S_IWOTH)
		pppoe_found(f, false, "pppd-options", 0, "[pppoe] pppd-options \"%s\": anyone may "
			    "write it, and pppd reads it as root (chmod o-w)", options);
	close(fd);
}

static void check_pppoe(struct pppoe_findings *f, const struct acd_config *cfg)
{
	if (!cfg->n_pppoe_ifaces)
		return;
	check_pppoe_ifaces(f, cfg);
	if (!pppoe_refused(f, "pppd"))
		check_pppoe_pppd(f, cfg->pppoe_pppd);
	if (!pppoe_refused(f, "plugin"))
		check_pppoe_plugin(f, cfg->pppoe_plugin);
	if (!pppoe_refused(f, "acd-plugin"))
		check_pppoe_acd_plugin(f, cfg);
	if (!pppoe_refused(f, "ppp-scripts"))
		check_pppoe_scripts(f, cfg);
	if (!pppoe_refused(f, "pppd-options"))
		check_pppoe_options(f, cfg->pppoe_options);
}

int config_check_pppoe(const struct acd_config *cfg, char *err, size_t errlen)
{
	struct pppoe_findings f = { .err = err, .errlen = errlen };

	if (errlen)
		err[0] = '\0';
	check_pppoe(&f, cfg);
	if (f.errors)
		return -EINVAL;
	if (errlen)
		snprintf(err, errlen, "%s", f.warn);
	return 0;
}

/* ---- [ipv6] dns on this box: the [dns64] resolver by default ---- */

/* rank of a as the address subscribers reach this box's resolver at: a
 * global unicast on lo (the router's own service address) first, then one
 * on any interface, then the same for a ULA; 0: not one to announce */
static int dns_rank(const struct in6_addr *a, bool on_lo)
{
	int base;

	if ((a->s6_addr[0] & 0xe0) == 0x20)             /* 2000::/3 */
		base = 4;
	else if ((a->s6_addr[0] & 0xfe) == 0xfc)        /* fc00::/7 */
		base = 2;
	else
		return 0;
	return base + on_lo;
}

int config_ipv6_dns_pick(const struct ifaddrs *list, struct in6_addr *out, char *ifname,
			 size_t ifnamelen)
{
	const struct ifaddrs *i;
	int best = 0;

	for (i = list; i; i = i->ifa_next) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
		int rank;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 || !i->ifa_name ||
		    !(i->ifa_flags & IFF_UP))
			continue;
		rank = dns_rank(&sin6->sin6_addr, (i->ifa_flags & IFF_LOOPBACK) != 0);
		if (rank > best) {
			best = rank;
			*out = sin6->sin6_addr;
			if (ifnamelen)
				snprintf(ifname, ifnamelen, "%s", i->ifa_name);
		}
	}
	return best ? 0 : -1;
}

/* [ipv6] without dns, with [dns64]: the address of this box where BIND's
 * DNS64 answers (BIND listens on every address unless told otherwise);
 * unbound answers only where its own interface: says, so there the
 * operator names it.  Without one, a warning: RAs and DHCPv6 carry no DNS. */
static void ipv6_dns_default(struct conf_reader *r, const struct acd_read *rd,
			     struct acd_config *cfg)
{
	char msg[CONF_ERR_LEN], ifname[IF_NAMESIZE], b[INET6_ADDRSTRLEN];
	int line = conf_key_line(r, "ipv6", "prefix-pool");
	struct ifaddrs *list;
	int rc;

	if (!cfg->ipv6_pool[0] || cfg->n_ipv6_dns || !cfg->nat64.dns64_present)
		return;
	if (cfg->nat64.dns_server == NAT64_DNS_UNBOUND) {
		read_warn(r, rd, line, "[ipv6] has no dns, and [dns64]'s unbound answers only on "
			  "the addresses its interface: names: set [ipv6] dns to one of them "
			  "(until then RAs and DHCPv6 announce no DNS server)");
		return;
	}
	if (getifaddrs(&list) < 0) {
		snprintf(msg, sizeof(msg), "[ipv6] has no dns, and this box's addresses cannot be "
			 "read (%s): set [ipv6] dns to the [dns64] resolver's address", strerror(errno));
		read_warn(r, rd, line, msg);
		return;
	}
	rc = config_ipv6_dns_pick(list, &cfg->ipv6_dns[0], ifname, sizeof(ifname));
	freeifaddrs(list);
	if (rc < 0) {
		read_warn(r, rd, line, "[ipv6] has no dns, and this box has no global or ULA IPv6 "
			  "address for [dns64]'s resolver: give one (on lo, say) or set [ipv6] dns "
			  "(until then RAs and DHCPv6 announce no DNS server)");
		return;
	}
	cfg->n_ipv6_dns = 1;
	snprintf(msg, sizeof(msg), "[ipv6] has no dns: announcing %s (on %s), where [dns64]'s "
		 "BIND answers; set [ipv6] dns to choose",
		 inet_ntop(AF_INET6, &cfg->ipv6_dns[0], b, sizeof(b)), ifname);
	read_warn(r, rd, line, msg);
}

static struct shaper_caps shaper_caps;

void config_shaper_caps(const struct shaper_caps *caps)
{
	shaper_caps = *caps;
}

/* the leaf of an htb: the one configured, else the profile's, else the
 * best the kernel has */
static int htb_leaf(const struct acd_config *cfg, enum shaper_leaf profile_leaf,
		    enum shaper_leaf *out)
{
	if (cfg->down_leaf != ACD_SHAPER_AUTO)
		*out = (enum shaper_leaf)cfg->down_leaf;
	else if (profile_leaf != SHAPER_LEAF_NONE)
		*out = profile_leaf;
	else
		*out = shaper_best_leaf(&shaper_caps);
	return *out == SHAPER_LEAF_NONE ? -1 : 0;
}

/*
 * [shaper] as sessions get it: the profile on this kernel, then each key
 * given over it.  An error when the kernel cannot do what was asked
 * explicitly; cfg->shape_why says what was chosen and why.
 */
static void shaper_resolve(struct conf_reader *r, struct acd_config *cfg)
{
	const struct shaper_caps *caps = &shaper_caps;
	struct shaper_policy *p = &cfg->shape;
	enum shaper_profile chosen = SHAPER_PROFILE_TBF;
	enum shaper_leaf pleaf;
	size_t n;
	char err[256];

	memset(p, 0, sizeof(*p));
	if (!caps->probed && cfg->shaper_profile == SHAPER_PROFILE_AUTO) {
		p->down.qdisc = SHAPER_QDISC_TBF;
		p->upmode = SHAPER_UP_POLICE;
		snprintf(cfg->shape_why, sizeof(cfg->shape_why), "profile auto: the kernel was not "
			 "probed (run as root to see the choice), so tbf down and police up");
	} else {
		struct shaper_caps all = { .probed = true, .tbf = true, .htb = true, .cake = true,
					   .fq_codel = true, .sfq = true, .ifb = true,
					   .police = true, .mirred = true };

		if (shaper_profile_pick((enum shaper_profile)cfg->shaper_profile,
					caps->probed ? caps : &all, p, &chosen, cfg->shape_why,
					sizeof(cfg->shape_why)) < 0) {
			r->line = conf_key_line(r, "shaper", "profile");
			conf_err(r, "[shaper] %s", cfg->shape_why);
			return;
		}
		if (!caps->probed)
			snprintf(cfg->shape_why, sizeof(cfg->shape_why), "profile %s (the kernel was "
				 "not probed)", shaper_profile_name(chosen));
	}
	pleaf = p->down.leaf;
	n = strlen(cfg->shape_why);
	if (cfg->down_qdisc != ACD_SHAPER_AUTO)
		p->down.qdisc = (enum shaper_qdisc)cfg->down_qdisc;
	if (cfg->up_mode != ACD_SHAPER_AUTO && (int)p->upmode != cfg->up_mode) {
		p->upmode = (enum shaper_upmode)cfg->up_mode;
		/* an IFB the profile did not have: the download's kind */
		p->up.qdisc = p->upmode == SHAPER_UP_IFB ? p->down.qdisc : SHAPER_QDISC_NONE;
	}
	/* (with police, up-qdisc has nothing to say: old configs set both) */
	if (cfg->up_qdisc != ACD_SHAPER_AUTO && p->upmode == SHAPER_UP_IFB)
		p->up.qdisc = (enum shaper_qdisc)cfg->up_qdisc;
	p->down.leaf = p->up.leaf = SHAPER_LEAF_NONE;
	if (cfg->down_leaf == SHAPER_LEAF_NONE &&
	    (p->down.qdisc == SHAPER_QDISC_HTB ||
	     (p->upmode == SHAPER_UP_IFB && p->up.qdisc == SHAPER_QDISC_HTB))) {
		r->line = conf_key_line(r, "shaper", "leaf");
		conf_err(r, "[shaper] leaf none would leave every subscriber behind htb's bare FIFO "
			 "(hundreds of ms of delay under load): use auto, fq_codel, cake or sfq");
		return;
	}
	if ((p->down.qdisc == SHAPER_QDISC_HTB && htb_leaf(cfg, pleaf, &p->down.leaf) < 0) ||
	    (p->upmode == SHAPER_UP_IFB && p->up.qdisc == SHAPER_QDISC_HTB &&
	     htb_leaf(cfg, pleaf, &p->up.leaf) < 0)) {
		r->line = conf_key_line(r, "shaper", "down-qdisc");
		if (!r->line)
			r->line = conf_key_line(r, "shaper", "up-qdisc");
		conf_err(r, "[shaper] htb needs a leaf qdisc, and this kernel has none of "
			 "fq_codel, cake or sfq: use tbf or cake, or load sch_fq_codel");
		return;
	}
	if (cfg->down_qdisc != ACD_SHAPER_AUTO || cfg->up_mode != ACD_SHAPER_AUTO ||
	    cfg->up_qdisc != ACD_SHAPER_AUTO || cfg->down_leaf != ACD_SHAPER_AUTO) {
		char d[32], u[48];

		snprintf(d, sizeof(d), "%s%s%s", shaper_qdisc_name(p->down.qdisc),
			 p->down.leaf ? " + " : "", p->down.leaf ? shaper_leaf_name(p->down.leaf) : "");
		if (p->upmode == SHAPER_UP_POLICE)
			snprintf(u, sizeof(u), "police");
		else
			snprintf(u, sizeof(u), "ifb %s%s%s", shaper_qdisc_name(p->up.qdisc),
				 p->up.leaf ? " + " : "", p->up.leaf ? shaper_leaf_name(p->up.leaf) : "");
		if (n < sizeof(cfg->shape_why))
			snprintf(cfg->shape_why + n, sizeof(cfg->shape_why) - n,
				 "; with the keys given: down %s, up %s", d, u);
	}
	if (shaper_caps_check(caps, p, err, sizeof(err)) < 0) {
		static const char *const names[] = { "down-qdisc", "up-qdisc", "up-mode", "leaf",
						     "profile" };
		unsigned i;

		for (i = 0, r->line = 0; i < 5 && !r->line; i++)
			r->line = conf_key_line(r, "shaper", names[i]);
		conf_err(r, "[shaper] %s", err);
	}
}

/* what a read checks beyond the file itself */
enum {
	CHECK_PPPOE = 0x1,      /* [pppoe] on this box, [shaper] on this kernel, [ipv6]
	                         * dns's default: load, check */
	CHECK_START = 0x2,      /* the files acd reads at start: config_check */
};

static int parse(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs, unsigned checks)
{
	struct acd_read rd = { .errs = errs };
	struct conf_reader r;

	errs->n = 0;
	errs->more = 0;
	errs->nwarn = 0;
	errs->wmore = 0;
	config_defaults(cfg);
	conf_reader_init(&r, path ? path : "(built-in)", CONF_ERRORS(errs));
	conf_reader_add(&r, &acd_conf_table, cfg);
	conf_reader_add(&r, &nat64_conf_table, &cfg->nat64);
	r.what = "an acd.conf";
	r.user = &rd;
	if (conf_read(&r, path, buf) < 0)
		return -EINVAL;
	cross_checks(&r, cfg);
	if (checks & CHECK_START)
		start_checks(&r, cfg);
	if (checks & CHECK_PPPOE) {
		struct pppoe_findings f = { .r = &r, .rd = &rd };

		check_pppoe(&f, cfg);
		if (!errs->n && !errs->more)
			shaper_resolve(&r, cfg);
		if (!errs->n && !errs->more)
			ipv6_dns_default(&r, &rd, cfg);
	}
	return errs->n || errs->more ? -EINVAL : 0;
}

int config_parse(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs)
{
	return parse(path, buf, cfg, errs, 0);
}

int config_load(const char *path, const char *buf, struct acd_config *cfg,
		struct acd_config_errors *errs)
{
	return parse(path, buf, cfg, errs, CHECK_PPPOE);
}

int config_check(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs)
{
	return parse(path, buf, cfg, errs, CHECK_PPPOE | CHECK_START);
}

void config_print(FILE *f, const struct acd_config *cfg)
{
	conf_print(f, &acd_conf_table, cfg);
	if (cfg->nat64.nat64_present || cfg->nat64.dns64_present) {
		fputc('\n', f);
		nat64_config_print(f, &cfg->nat64);
	}
}
