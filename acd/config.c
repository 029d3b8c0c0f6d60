/*
 * config.c - acd.conf parsing with libinih.
 *
 * One table describes every key: its section, name, how to parse it and
 * how to print it, so the parser, `acd -n -v` and the man page cannot
 * drift apart.  Unknown sections and keys are errors.  Line numbers come
 * from counting the lines inih reads; each key's line is kept for the
 * checks of one key against another after the parse.
 *
 * inih keeps going after a syntax error but returns only the first one's
 * line, so config_parse first asks it again, the lines found so far given
 * to it blank (which leaves its state as it was), until it finds no more;
 * the real parse then reports each where it comes, in line order.
 */
#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <grp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <ini.h>
#include <radcli/radcli.h>

#include "acct.h"
#include "config.h"
#include "radattr.h"
#include "secret.h"

#define NKEYS_MAX 48    /* room in parse_ctx for the keys[] table */

const char acd_config_embedded[] =
	"# acd's built-in configuration (what `acd` runs on without -c)\n"
	"[acd]\n"
	"state-dir = /var/lib/acd\n"
	"log = syslog\n"
	"log-level = info\n"
	"[control]\n"
	"socket = /run/acd/acd.sock\n"
	"[pppd]\n"
	"radattr-dir = /var/run\n"
	"interface-prefix = ppp\n"
	"[radius]\n"
	"dictionary = " ACD_DICT_DIR "/dictionary\n"
	"[shaper]\n"
	"down-qdisc = tbf\n"
	"up-mode = police\n"
	"precedence = rp mikrotik wispr filter-id\n";

struct parse_ctx {
	struct acd_config *cfg;
	struct acd_config_errors *errs;
	struct nat64_errors nerrs;      /* libnat64's, merged into errs */
	const char *file;
	int line;
	/* where each key of keys[] was last given (0: not given), and
	 * whether that value was refused */
	int key_line[NKEYS_MAX];
	bool key_bad[NKEYS_MAX];
	/* lines inih finds no key or section in */
	int syntax[ACD_CONF_MAX_ERRORS];
	unsigned nsyntax;
	bool scan;                      /* looking for them: no handler, no errors */
	/* the reader's source, read whole (inih is asked more than once) */
	const char *text, *s;
};

static void add_err(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_err(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->errs->n >= ACD_CONF_MAX_ERRORS) {
		c->errs->more++;
		return;
	}
	if (c->line > 0)
		n = snprintf(c->errs->msg[c->errs->n], sizeof(c->errs->msg[0]), "%s:%d: ",
			     c->file, c->line);
	else
		n = snprintf(c->errs->msg[c->errs->n], sizeof(c->errs->msg[0]), "%s: ", c->file);
	va_start(ap, fmt);
	vsnprintf(c->errs->msg[c->errs->n] + n, sizeof(c->errs->msg[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	c->errs->n++;
}

/* ---- value parsers: 0 or -1 after add_err ---- */

typedef int (*set_fn)(struct parse_ctx *c, const char *key, const char *v, void *dst);
typedef void (*print_fn)(FILE *f, const void *src);

/* A setter's string field holds the value and zeros after it: a key set
 * twice leaves nothing of its first value behind, so two configs that say
 * the same compare equal byte for byte (fuzz_config's round trip). */
static void put_str(void *dst, size_t size, const char *v)
{
	size_t n = strnlen(v, size - 1);

	memcpy(dst, v, n);
	memset((char *)dst + n, 0, size - n);
}

static int set_path(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (v[0] != '/') {
		add_err(c, "%s \"%s\": not an absolute path", key, v);
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		add_err(c, "%s: path too long", key);
		return -1;
	}
	put_str(dst, PATH_MAX, v);
	return 0;
}

static int set_socket(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (v[0] != '/' || strlen(v) >= 108) {
		add_err(c, "%s \"%s\": needs an absolute path under 108 characters", key, v);
		return -1;
	}
	put_str(dst, 108, v);
	return 0;
}

static int set_log(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (strcmp(v, "syslog") && strcmp(v, "stderr")) {
		add_err(c, "%s \"%s\": unknown (use syslog or stderr)", key, v);
		return -1;
	}
	put_str(dst, 16, v);
	return 0;
}

static const char *const level_names[] = { [LOG_ERR] = "error", [LOG_WARNING] = "warning",
					    [LOG_NOTICE] = "notice", [LOG_INFO] = "info",
					    [LOG_DEBUG] = "debug" };

static int set_level(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	int i;

	for (i = LOG_ERR; i <= LOG_DEBUG; i++)
		if (level_names[i] && strcmp(v, level_names[i]) == 0) {
			*(int *)dst = i;
			return 0;
		}
	add_err(c, "%s \"%s\": unknown (use error, warning, notice, info or debug)", key, v);
	return -1;
}

static int set_group(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (strlen(v) >= 64 || !*v) {
		add_err(c, "%s \"%s\": not a group name", key, v);
		return -1;
	}
	put_str(dst, 64, v);
	return 0;
}

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

/* off, PORT (on 127.0.0.1, kept as 127.0.0.1:PORT), ADDRESS:PORT, [IPv6]:PORT */
static int set_telnet(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char addr[64], buf[64];
	unsigned port;
	int af;

	if (strcmp(v, "off") == 0) {
		put_str(dst, 64, "");
		return 0;
	}
	if (strlen(v) <= 5 && v[strspn(v, "0123456789")] == '\0') {
		snprintf(buf, sizeof(buf), "127.0.0.1:%s", v);
		v = buf;
	}
	if (config_listen_addr(v, &af, addr, sizeof(addr), &port) < 0) {
		add_err(c, "%s \"%s\": use off, PORT (on 127.0.0.1), ADDRESS:PORT or [IPv6]:PORT "
			"(e.g. 2000 or 127.0.0.1:2000; ports 1 to 65535)", key,
			v == buf ? buf + strlen("127.0.0.1:") : v);
		return -1;
	}
	put_str(dst, 64, v);
	return 0;
}

static int set_count(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*end || end == v || v[0] == '-' || n < 1 || n > 64) {
		add_err(c, "%s \"%s\": give a number from 1 to 64", key, v);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)n;
	return 0;
}

static int set_seconds(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (strcmp(end, "s") == 0)
		end++;
	if (*end || end == v || v[0] == '-' || n < 10 || n > 86400) {
		add_err(c, "%s \"%s\": give seconds from 10 to 86400 (e.g. 300s)", key, v);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)n;
	return 0;
}

static int set_ifprefix(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	const char *p;

	if (!*v || strlen(v) > 8) {
		add_err(c, "%s \"%s\": needs 1 to 8 characters (e.g. ppp)", key, v);
		return -1;
	}
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			add_err(c, "%s \"%s\": letters, digits, - and _ only", key, v);
			return -1;
		}
	put_str(dst, 16, v);
	return 0;
}

static int set_qdisc(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	enum shaper_qdisc q;

	if (shaper_qdisc_parse(v, &q) < 0 || q == SHAPER_QDISC_NONE) {
		add_err(c, "%s \"%s\": unknown (use tbf or htb)", key, v);
		return -1;
	}
	*(enum shaper_qdisc *)dst = q;
	return 0;
}

static int set_leaf(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (shaper_leaf_parse(v, dst) < 0) {
		add_err(c, "%s \"%s\": unknown (use none, fq_codel, sfq or cake)", key, v);
		return -1;
	}
	return 0;
}

static int set_upmode(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (shaper_upmode_parse(v, dst) < 0) {
		add_err(c, "%s \"%s\": unknown (use police or ifb)", key, v);
		return -1;
	}
	return 0;
}

static int set_rate(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char err[200];
	uint64_t r;

	if (shaper_rate_parse(v, 1, &r, err, sizeof(err)) < 0) {
		add_err(c, "%s %s", key, err);
		return -1;
	}
	if (r && (r < SHAPER_RATE_MIN || r > SHAPER_RATE_MAX)) {
		add_err(c, "%s \"%s\": out of range (0 for unshaped, or 1k to 1T)", key, v);
		return -1;
	}
	*(uint64_t *)dst = r;
	return 0;
}

/* "50ms", "0.5s", "50000us"; a bare number is milliseconds */
static int set_duration_us(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
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
		add_err(c, "%s \"%s\": out of range (1ms to 10s)", key, v);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)x;
	return 0;
bad:
	add_err(c, "%s \"%s\": not a duration (e.g. 50ms, 0.2s)", key, v);
	return -1;
}

static int set_precedence(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char err[256];

	if (policy_order_parse(v, dst, err, sizeof(err)) < 0) {
		add_err(c, "%s: %s", key, err);
		return -1;
	}
	return 0;
}

static int set_bool(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*(bool *)dst = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*(bool *)dst = false;
	else {
		add_err(c, "%s \"%s\": use yes or no", key, v);
		return -1;
	}
	return 0;
}

static int set_coa_listen(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	char addr[64], buf[80];
	unsigned port;
	int af;

	if (strcmp(v, "off") == 0) {
		put_str(dst, 64, "");
		return 0;
	}
	/* a bare address listens on the RFC 5176 port */
	if (config_listen_addr(v, &af, addr, sizeof(addr), &port) == 0) {
		put_str(dst, 64, v);
		return 0;
	}
	snprintf(buf, sizeof(buf), strchr(v, ':') ? "[%s]:3799" : "%s:3799", v);
	if (strlen(v) < 48 && v[0] != '[' &&
	    config_listen_addr(buf, &af, addr, sizeof(addr), &port) == 0) {
		put_str(dst, 64, buf); /* under 48 + 7 bytes */
		return 0;
	}
	add_err(c, "%s \"%s\": use off, ADDRESS, ADDRESS:PORT or [IPv6]:PORT (e.g. 0.0.0.0:3799)",
		key, v);
	return -1;
}

static int set_nas_ip(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, v, b) != 1 && inet_pton(AF_INET6, v, b) != 1) {
		add_err(c, "%s \"%s\": not an IPv4 or IPv6 address", key, v);
		return -1;
	}
	put_str(dst, 46, v);
	return 0;
}

static int set_nas_id(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	const char *p;

	if (!*v || strlen(v) > 253) {
		add_err(c, "%s \"%s\": needs 1 to 253 characters", key, v);
		return -1;
	}
	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
			add_err(c, "%s \"%s\": printable characters without spaces only", key, v);
			return -1;
		}
	put_str(dst, 254, v);
	return 0;
}

bool config_coa_client_match(const struct coa_client_cfg *c, int af, const void *addr)
{
	const uint8_t *a = addr;
	unsigned bits = c->prefix, i;

	if (af != c->af)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != c->net[i])
			return false;
	return bits == 0 || ((a[i] ^ c->net[i]) & (uint8_t)(0xff00 >> bits)) == 0;
}

/* client = ADDRESS[/PREFIX] SECRET-FILE (repeatable) */
static int set_coa_client(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	struct acd_config *cfg = c->cfg;
	struct coa_client_cfg *cl;
	char spec[64], file[PATH_MAX], err[PATH_MAX + 200], *slash, *end;
	unsigned long prefix;
	unsigned i;
	int n;

	(void)dst;
	if (cfg->n_coa_clients >= ACD_COA_MAX_CLIENTS) {
		add_err(c, "%s: more than %d clients", key, ACD_COA_MAX_CLIENTS);
		return -1;
	}
	cl = &cfg->coa_clients[cfg->n_coa_clients];
	memset(cl, 0, sizeof(*cl));
	n = 0;
	if (strlen(v) >= sizeof(spec) + sizeof(file) ||
	    sscanf(v, "%63s %4095s %n", spec, file, &n) != 2 || v[n] != '\0') {
		add_err(c, "%s \"%s\": use ADDRESS[/PREFIX] SECRET-FILE "
			"(e.g. 192.0.2.10 /etc/acd/coa-billing.secret)", key, v);
		return -1;
	}
	snprintf(cl->spec, sizeof(cl->spec), "%s", spec);
	slash = strchr(spec, '/');
	if (slash)
		*slash = '\0';
	cl->af = strchr(spec, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(cl->af, spec, cl->net) != 1) {
		add_err(c, "%s \"%s\": \"%s\" is not an IPv4 or IPv6 address", key, v, spec);
		return -1;
	}
	cl->prefix = cl->af == AF_INET ? 32 : 128;
	if (slash) {
		errno = 0;
		prefix = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || slash[1] == '-' || prefix > cl->prefix) {
			add_err(c, "%s \"%s\": prefix length \"/%s\" out of range (0 to %u)", key,
				v, slash + 1, cl->prefix);
			return -1;
		}
		cl->prefix = (unsigned)prefix;
		for (i = 0; i < 16; i++) {
			unsigned keep = cl->prefix > i * 8 ? cl->prefix - i * 8 : 0;

			if (keep < 8)
				cl->net[i] &= (uint8_t)(0xff00 >> keep);
		}
	}
	if (file[0] != '/') {
		add_err(c, "%s \"%s\": secret file \"%s\" is not an absolute path", key, v, file);
		return -1;
	}
	snprintf(cl->secret_file, sizeof(cl->secret_file), "%s", file);
	if (secret_read("secret file", file, 1, cl->secret, sizeof(cl->secret), &cl->secret_len,
			err, sizeof(err)) < 0) {
		add_err(c, "%s %s: %s", key, cl->spec, err);
		return -1;
	}
	cfg->n_coa_clients++;
	return 0;
}

/* [accounting] server = ADDRESS[:PORT], once or twice (the second is the
 * fallback radcli tries when the first does not answer) */
static int set_acct_server(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	struct acd_config *cfg = c->cfg;
	char host[64];
	unsigned port;

	(void)dst;
	if (acct_server_parse(v, host, sizeof(host), &port) < 0) {
		add_err(c, "%s \"%s\": use an IPv4 ADDRESS or ADDRESS:PORT (e.g. 192.0.2.5 or "
			"192.0.2.5:1813)", key, v);
		return -1;
	}
	if (cfg->n_acct_servers >= ACD_ACCT_MAX_SERVERS) {
		add_err(c, "%s \"%s\": at most %d servers (the second is the fallback)", key, v,
			ACD_ACCT_MAX_SERVERS);
		return -1;
	}
	snprintf(cfg->acct_servers[cfg->n_acct_servers++], sizeof(cfg->acct_servers[0]), "%s", v);
	return 0;
}

static int set_acct_secret(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	struct acd_config *cfg = c->cfg;
	char err[PATH_MAX + 200];
	size_t i;

	if (set_path(c, key, v, dst) < 0)
		return -1;
	if (secret_read(key, v, 1, cfg->acct_secret, sizeof(cfg->acct_secret),
			&cfg->acct_secret_len, err, sizeof(err)) < 0) {
		add_err(c, "%s", err);
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
		add_err(c, "%s %s: the secret may not hold spaces or commas, nor be longer than "
			"%d bytes (radcli cannot send it)", key, v, ACD_ACCT_SECRET_MAX);
		return -1;
	}
	return 0;
}

/* "0" (none), or seconds */
static int set_interim(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	if (strcmp(v, "0") == 0 || strcmp(v, "0s") == 0) {
		*(uint32_t *)dst = 0;
		return 0;
	}
	return set_seconds(c, key, v, dst);
}

static int set_period(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	enum acct_period p;

	if (acct_period_parse(v, &p) < 0) {
		add_err(c, "%s \"%s\": unknown (use none, daily or monthly)", key, v);
		return -1;
	}
	*(int *)dst = (int)p;
	return 0;
}

/* an unsigned number in [lo, hi], with an optional "s" when unit is "s" */
static int set_uint(struct parse_ctx *c, const char *key, const char *v, void *dst,
		    unsigned long lo, unsigned long hi, const char *unit)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*unit && strcmp(end, unit) == 0)
		end += strlen(unit);
	if (*end || end == v || v[0] == '-' || errno || n < lo || n > hi) {
		add_err(c, "%s \"%s\": give a number from %lu to %lu%s", key, v, lo, hi, unit);
		return -1;
	}
	*(uint32_t *)dst = (uint32_t)n;
	return 0;
}

static int set_queue_size(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	return set_uint(c, key, v, dst, 16, 65536, "");
}

static int set_acct_timeout(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	return set_uint(c, key, v, dst, 1, 60, "s");
}

static int set_retries(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	return set_uint(c, key, v, dst, 0, 10, "");
}

/* pppd runs ip-up right after it sets the addresses, and the hook gives up
 * after 1 s: below 2 s a busy box could adopt what its hook is bringing */
static int set_adopt_after(struct parse_ctx *c, const char *key, const char *v, void *dst)
{
	return set_uint(c, key, v, dst, 2, 60, "s");
}

/* ---- printers ---- */

static void pr_str(FILE *f, const void *s) { fputs(s, f); }
static void pr_level(FILE *f, const void *s) { fputs(level_names[*(const int *)s], f); }
static void pr_qdisc(FILE *f, const void *s) { fputs(shaper_qdisc_name(*(const enum shaper_qdisc *)s), f); }
static void pr_leaf(FILE *f, const void *s) { fputs(shaper_leaf_name(*(const enum shaper_leaf *)s), f); }
static void pr_upmode(FILE *f, const void *s) { fputs(shaper_upmode_name(*(const enum shaper_upmode *)s), f); }

static void pr_rate(FILE *f, const void *s)
{
	char b[32];

	fputs(shaper_rate_format(*(const uint64_t *)s, b, sizeof(b)), f);
}

static void pr_telnet(FILE *f, const void *s) { fputs(*(const char *)s ? s : "off", f); }
static void pr_bool(FILE *f, const void *s) { fputs(*(const bool *)s ? "yes" : "no", f); }

/* repeated key: one "client = ..." line per client (the secret never) */
static void pr_coa_clients(FILE *f, const void *s)
{
	const struct acd_config *cfg = (const void *)((const char *)s -
						      offsetof(struct acd_config, coa_clients));
	unsigned i;

	for (i = 0; i < cfg->n_coa_clients; i++)
		fprintf(f, "%s%s %s", i ? "\nclient = " : "", cfg->coa_clients[i].spec,
			cfg->coa_clients[i].secret_file);
}
/* repeated key: one "server = ..." line per server */
static void pr_acct_servers(FILE *f, const void *s)
{
	const struct acd_config *cfg = (const void *)((const char *)s -
						      offsetof(struct acd_config, acct_servers));
	unsigned i;

	for (i = 0; i < cfg->n_acct_servers; i++)
		fprintf(f, "%s%s", i ? "\nserver = " : "", cfg->acct_servers[i]);
}

static void pr_interim(FILE *f, const void *s)
{
	uint32_t v = *(const uint32_t *)s;

	if (v)
		fprintf(f, "%" PRIu32 "s", v);
	else
		fputs("0", f);
}

static void pr_period(FILE *f, const void *s) { fputs(acct_period_name((enum acct_period)*(const int *)s), f); }
static void pr_count(FILE *f, const void *s) { fprintf(f, "%" PRIu32, *(const uint32_t *)s); }
static void pr_seconds(FILE *f, const void *s) { fprintf(f, "%" PRIu32 "s", *(const uint32_t *)s); }

static void pr_duration(FILE *f, const void *s)
{
	uint32_t us = *(const uint32_t *)s;

	if (us % 1000)
		fprintf(f, "%" PRIu32 "us", us);
	else
		fprintf(f, "%" PRIu32 "ms", us / 1000);
}

static void pr_precedence(FILE *f, const void *s)
{
	const struct policy_config *p = s;
	size_t i;

	for (i = 0; i < p->norder; i++)
		fprintf(f, "%s%s", i ? " " : "", policy_source_name(p->order[i]));
}

#define F(m) offsetof(struct acd_config, m)
static const struct key {
	const char *section, *name;
	size_t off;
	set_fn set;
	print_fn print;
	bool print_if_empty;
} keys[] = {
	{ "acd", "state-dir", F(state_dir), set_path, pr_str, true },
	{ "acd", "log", F(log), set_log, pr_str, true },
	{ "acd", "log-level", F(log_level), set_level, pr_level, true },
	{ "acd", "nat64-check-interval", F(nat64_check_s), set_seconds, pr_seconds, true },
	{ "control", "socket", F(socket), set_socket, pr_str, true },
	{ "control", "group", F(socket_group), set_group, pr_str, false },
	{ "control", "admin-group", F(admin_group), set_group, pr_str, false },
	{ "control", "telnet", F(telnet), set_telnet, pr_telnet, true },
	{ "control", "telnet-password-file", F(telnet_password_file), set_path, pr_str, false },
	{ "control", "telnet-idle-timeout", F(telnet_idle_s), set_seconds, pr_seconds, true },
	{ "control", "telnet-max-clients", F(telnet_max_clients), set_count, pr_count, true },
	{ "pppd", "radattr-dir", F(radattr_dir), set_path, pr_str, true },
	{ "pppd", "interface-prefix", F(ifprefix), set_ifprefix, pr_str, true },
	{ "pppd", "pid-dir", F(pid_dir), set_path, pr_str, true },
	{ "pppd", "adopt-after", F(adopt_after_s), set_adopt_after, pr_seconds, true },
	{ "radius", "dictionary", F(dictionary), set_path, pr_str, true },
	{ "radius", "nas-identifier", F(nas_identifier), set_nas_id, pr_str, false },
	{ "radius", "nas-ip-address", F(nas_ip), set_nas_ip, pr_str, false },
	{ "shaper", "down-qdisc", F(down_qdisc), set_qdisc, pr_qdisc, true },
	{ "shaper", "leaf", F(down_leaf), set_leaf, pr_leaf, true },
	{ "shaper", "up-mode", F(up_mode), set_upmode, pr_upmode, true },
	{ "shaper", "up-qdisc", F(up_qdisc), set_qdisc, pr_qdisc, true },
	{ "shaper", "latency", F(latency_us), set_duration_us, pr_duration, true },
	{ "shaper", "default-down", F(policy.default_down), set_rate, pr_rate, true },
	{ "shaper", "default-up", F(policy.default_up), set_rate, pr_rate, true },
	{ "shaper", "precedence", F(policy), set_precedence, pr_precedence, true },
	{ "coa", "listen", F(coa_listen), set_coa_listen, pr_telnet, true },
	{ "coa", "client", F(coa_clients), set_coa_client, pr_coa_clients, false },
	{ "coa", "require-message-authenticator", F(coa_require_ma), set_bool, pr_bool, true },
	{ "coa", "require-event-timestamp", F(coa_require_timestamp), set_bool, pr_bool, true },
	{ "coa", "event-timestamp-window", F(coa_window_s), set_seconds, pr_seconds, true },
	{ "accounting", "server", F(acct_servers), set_acct_server, pr_acct_servers, false },
	{ "accounting", "secret-file", F(acct_secret_file), set_acct_secret, pr_str, false },
	{ "accounting", "interim-interval", F(acct_interim_s), set_interim, pr_interim, true },
	{ "accounting", "period", F(acct_period), set_period, pr_period, true },
	{ "accounting", "queue-size", F(acct_queue_size), set_queue_size, pr_count, true },
	{ "accounting", "timeout", F(acct_timeout_s), set_acct_timeout, pr_seconds, true },
	{ "accounting", "retries", F(acct_retries), set_retries, pr_count, true },
};
#undef F

void config_defaults(struct acd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/acd");
	snprintf(cfg->log, sizeof(cfg->log), "syslog");
	cfg->log_level = LOG_INFO;
	snprintf(cfg->socket, sizeof(cfg->socket), "/run/acd/acd.sock");
	cfg->admin_gid = (gid_t)-1;
	cfg->telnet_idle_s = 300;
	cfg->telnet_max_clients = 4;
	snprintf(cfg->radattr_dir, sizeof(cfg->radattr_dir), "/var/run");
	snprintf(cfg->ifprefix, sizeof(cfg->ifprefix), "ppp");
	snprintf(cfg->pid_dir, sizeof(cfg->pid_dir), "/var/run");
	cfg->adopt_after_s = 5;
	snprintf(cfg->dictionary, sizeof(cfg->dictionary), "%s/dictionary", ACD_DICT_DIR);
	cfg->down_qdisc = SHAPER_QDISC_TBF;
	cfg->up_qdisc = SHAPER_QDISC_TBF;
	cfg->up_mode = SHAPER_UP_POLICE;
	cfg->latency_us = SHAPER_DEFAULT_LATENCY_US;
	cfg->coa_window_s = 300;
	cfg->acct_interim_s = 300;
	cfg->acct_period = ACCT_PERIOD_NONE;
	cfg->acct_queue_size = 4096;
	cfg->acct_timeout_s = 3;
	cfg->acct_retries = 2;
	nat64_config_init(&cfg->nat64);
	cfg->nat64_check_s = 30;
	policy_config_init(&cfg->policy);
}

_Static_assert(sizeof(keys) / sizeof(keys[0]) <= NKEYS_MAX, "parse_ctx: raise NKEYS_MAX");

/* libnat64's errors (already "file:line: ...") into ours */
static void merge_nat64_errors(struct parse_ctx *c)
{
	unsigned i;

	for (i = 0; i < c->nerrs.n; i++) {
		if (c->errs->n >= ACD_CONF_MAX_ERRORS) {
			c->errs->more++;
			continue;
		}
		snprintf(c->errs->msg[c->errs->n++], sizeof(c->errs->msg[0]), "%s", c->nerrs.msg[i]);
	}
	c->nerrs.n = 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	bool section_known = false;
	size_t i;

	if (nat64_config_key(&c->cfg->nat64, section, name, value, c->file, c->line, &c->nerrs)) {
		merge_nat64_errors(c);
		return 1;
	}

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(section, keys[i].section))
			continue;
		section_known = true;
		if (strcmp(name, keys[i].name) == 0) {
			c->key_line[i] = c->line;
			c->key_bad[i] = keys[i].set(c, name, value, (char *)c->cfg + keys[i].off) < 0;
			return 1;
		}
	}
	if (!section_known)
		add_err(c, "unknown section [%s] (known: acd, control, pppd, radius, shaper, coa, "
			"accounting, nat64, dns64)", section);
	else
		add_err(c, "unknown key \"%s\" in [%s]", name, section);
	return 1; /* keep going: report every error */
}

/* while looking for syntax errors: nothing but inih's own checks */
static int skip_key(void *user, const char *section, const char *name, const char *value)
{
	(void)user;
	(void)section;
	(void)name;
	(void)value;
	return 1;
}

/* The index in keys[] of [section] name. */
static size_t key_index(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(section, keys[i].section) == 0 && strcmp(name, keys[i].name) == 0)
			return i;
	abort(); /* a name below that keys[] lacks */
}

/* Where [section] name was last given in the file, 0 if not. */
static int key_line(const struct parse_ctx *c, const char *section, const char *name)
{
	return c->key_line[key_index(section, name)];
}

/* Was [section] name given, and its value accepted? */
static bool key_ok(const struct parse_ctx *c, const char *section, const char *name)
{
	size_t i = key_index(section, name);

	return c->key_line[i] && !c->key_bad[i];
}

static bool is_syntax_error(const struct parse_ctx *c, int line)
{
	unsigned i;

	for (i = 0; i < c->nsyntax; i++)
		if (c->syntax[i] == line)
			return true;
	return false;
}

/* The next whole line of the source (with its '\n', if any), or NULL. */
static const char *next_line(struct parse_ctx *c, size_t *len)
{
	const char *p;

	if (!*c->s)
		return NULL;
	p = c->s;
	*len = strcspn(p, "\n");
	if (p[*len] == '\n')
		(*len)++;
	c->s += *len;
	return p;
}

/*
 * inih's reader: one line of the file per call, so that inih's line
 * numbers are ours.  A line longer than inih's buffer, and a line already
 * known to be a syntax error, comes as an empty line (reported once, by
 * the real parse, at its place).
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *p;
	size_t len;

	p = next_line(c, &len);
	if (!p)
		return NULL;
	c->line++;
	if (len + 1 > (size_t)num) {
		if (!c->scan)
			add_err(c, "line longer than %d characters: shorten it (e.g. a shorter path)",
				num - 2);
	} else if (is_syntax_error(c, c->line)) {
		if (!c->scan)
			add_err(c, "syntax error (expected [section] or key = value)");
	} else {
		memcpy(str, p, len);
		str[len] = '\0';
		return str;
	}
	snprintf(str, (size_t)num, "\n");
	return str;
}

/* back to the start of the source */
static void source_rewind(struct parse_ctx *c)
{
	c->s = c->text;
	c->line = 0;
}

#define CONF_FILE_MAX (1u << 20)

/* The whole of path, NUL-terminated, in *text (the caller frees it);
 * -1 after add_err. */
static int read_whole(struct parse_ctx *c, const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	const char *nul;
	char *buf;
	size_t len;

	if (!f) {
		add_err(c, "cannot read: %s", strerror(errno));
		return -1;
	}
	buf = malloc(CONF_FILE_MAX + 2);
	if (!buf) {
		add_err(c, "cannot read: out of memory");
		goto fail;
	}
	len = fread(buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		add_err(c, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (len > CONF_FILE_MAX) {
		add_err(c, "larger than %u bytes: not an acd.conf", CONF_FILE_MAX);
		goto fail;
	}
	buf[len] = '\0';
	nul = memchr(buf, '\0', len);
	if (nul) {
		for (c->line = 1; nul > buf; nul--)
			c->line += nul[-1] == '\n';
		add_err(c, "a NUL byte: not a text file");
		c->line = 0;
		goto fail;
	}
	fclose(f);
	*text = buf;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

/* c->syntax: every line inih refuses, up to ACD_CONF_MAX_ERRORS of them */
static int find_syntax_errors(struct parse_ctx *c)
{
	int rc;

	c->scan = true;
	do {
		source_rewind(c);
		rc = ini_parse_stream(read_line, c, skip_key, NULL);
		if (rc <= 0 || is_syntax_error(c, rc))
			break;
		c->syntax[c->nsyntax++] = rc;
	} while (c->nsyntax < ACD_CONF_MAX_ERRORS);
	c->scan = false;
	source_rewind(c);
	return rc < 0 ? rc : 0;
}

/* Checks of one key against another, each at the line of the key at fault. */
static void cross_checks(struct parse_ctx *c)
{
	struct acd_config *cfg = c->cfg;

	if (cfg->socket_group[0]) {
		struct group *g = getgrnam(cfg->socket_group);

		if (!g) {
			c->line = key_line(c, "control", "group");
			add_err(c, "group \"%s\" does not exist (create it, or name another)",
				cfg->socket_group);
		} else {
			cfg->socket_gid = g->gr_gid;
		}
	}
	if (cfg->admin_group[0]) {
		struct group *g = getgrnam(cfg->admin_group);

		if (!g) {
			c->line = key_line(c, "control", "admin-group");
			add_err(c, "group \"%s\" does not exist (create it, or name another)",
				cfg->admin_group);
		} else {
			cfg->admin_gid = g->gr_gid;
		}
	}
	if (cfg->telnet[0] && !cfg->telnet_password_file[0] &&
	    !key_line(c, "control", "telnet-password-file")) {
		c->line = key_line(c, "control", "telnet");
		add_err(c, "[control] telnet needs telnet-password-file (a file only root can read)");
	}
	if (cfg->nat64.nat64_present || cfg->nat64.dns64_present) {
		(void)nat64_config_check(&cfg->nat64, c->file, &c->nerrs);
		merge_nat64_errors(c);
	}
	cfg->nat64.file = NULL; /* a pointer into this parse: not kept */
	if (cfg->coa_listen[0] && cfg->n_coa_clients == 0 && !key_line(c, "coa", "client")) {
		c->line = key_line(c, "coa", "listen");
		add_err(c, "[coa] listen needs at least one client = ADDRESS SECRET-FILE "
			"(or listen = off)");
	}
	if (cfg->n_acct_servers && !cfg->acct_secret_file[0] &&
	    !key_line(c, "accounting", "secret-file")) {
		c->line = key_line(c, "accounting", "server");
		add_err(c, "[accounting] server needs secret-file (a file only root can read)");
	}
	if (cfg->down_leaf != SHAPER_LEAF_NONE && cfg->down_qdisc != SHAPER_QDISC_HTB) {
		c->line = key_line(c, "shaper", "leaf");
		add_err(c, "[shaper] leaf %s needs down-qdisc = htb", shaper_leaf_name(cfg->down_leaf));
	}
}

/* What acd reads only at start (see config_check in config.h). */
static void start_checks(struct parse_ctx *c)
{
	struct acd_config *cfg = c->cfg;
	char pw[ACD_TELNET_PASSWORD_BUF], err[PATH_MAX + 300];
	rc_handle *rh = NULL;
	size_t len;

	if (cfg->telnet[0] && key_ok(c, "control", "telnet-password-file")) {
		if (secret_read("telnet-password-file", cfg->telnet_password_file,
				ACD_TELNET_PASSWORD_MIN, pw, sizeof(pw), &len, err, sizeof(err)) < 0) {
			c->line = key_line(c, "control", "telnet-password-file");
			add_err(c, "%s: acd would not start (the password on the first line, %d "
				"characters or more; chown root, chmod 600)", err,
				ACD_TELNET_PASSWORD_MIN);
		}
		explicit_bzero(pw, sizeof(pw));
	}
	/* a refused dictionary key was reported; the default is not acd's then */
	if (!key_line(c, "radius", "dictionary") || key_ok(c, "radius", "dictionary")) {
		if (radattr_dict_open(cfg->dictionary, &rh, err, sizeof(err)) < 0) {
			c->line = key_line(c, "radius", "dictionary");
			if (strcmp(cfg->dictionary, ACD_DICT_DIR "/dictionary") == 0)
				add_err(c, "%s: acd would not start (install acd's radius-dict, or "
					"name one with [radius] dictionary)", err);
			else
				add_err(c, "%s: acd would not start (acd installs one as "
					"%s/dictionary)", err, ACD_DICT_DIR);
		} else {
			rc_destroy(rh);
		}
	}
}

static int parse(struct parse_ctx *c, const char *path, const char *buf, bool at_start)
{
	char *text = NULL;
	int rc;

	c->errs->n = 0;
	c->errs->more = 0;
	config_defaults(c->cfg);
	if (path && read_whole(c, path, &text) < 0)
		return -EINVAL;
	c->text = text ? text : buf ? buf : "";
	rc = find_syntax_errors(c);
	if (rc == 0)
		rc = ini_parse_stream(read_line, c, on_key, c);
	free(text);
	if (rc > 0) { /* past ACD_CONF_MAX_ERRORS syntax errors */
		c->line = rc;
		add_err(c, "syntax error (expected [section] or key = value)");
	} else if (rc < 0) {
		c->line = 0;
		add_err(c, "cannot parse (out of memory)");
	}
	cross_checks(c);
	if (at_start)
		start_checks(c);
	return c->errs->n || c->errs->more ? -EINVAL : 0;
}

int config_parse(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs)
{
	struct parse_ctx c = { .cfg = cfg, .errs = errs, .file = path ? path : "(built-in)" };

	return parse(&c, path, buf, false);
}

int config_check(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs)
{
	struct parse_ctx c = { .cfg = cfg, .errs = errs, .file = path ? path : "(built-in)" };

	return parse(&c, path, buf, true);
}

void config_print(FILE *f, const struct acd_config *cfg)
{
	const char *section = "";
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const void *src = (const char *)cfg + keys[i].off;

		if (!keys[i].print_if_empty && !*(const char *)src)
			continue;
		if (strcmp(section, keys[i].section)) {
			section = keys[i].section;
			fprintf(f, "%s[%s]\n", i ? "\n" : "", section);
		}
		fprintf(f, "%s = ", keys[i].name);
		keys[i].print(f, src);
		fputc('\n', f);
	}
	if (cfg->nat64.nat64_present || cfg->nat64.dns64_present) {
		fputc('\n', f);
		nat64_config_print(f, &cfg->nat64);
	}
}
