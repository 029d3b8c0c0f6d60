/*
 * probe.c - end-to-end checks of a NAT64/DNS64 deployment: what the
 * resolver answers for ipv4only.arpa (RFC 7050) and for a name of the
 * operator's choice, and whether an IPv4 host answers at its address
 * under the prefix (ping, then a TCP connect).  Queries go through dig
 * (argv, never a shell); the TCP connect is our own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nat64_int.h"

static struct nat64_probe_step *step(struct nat64_probe_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct nat64_probe_step *step(struct nat64_probe_result *r, const char *fmt, ...)
{
	struct nat64_probe_step *s = &r->step[r->n < 8 ? r->n++ : 7];
	va_list ap;

	memset(s, 0, sizeof(*s));
	va_start(ap, fmt);
	vsnprintf(s->what, sizeof(s->what), fmt, ap);
	va_end(ap);
	return s;
}

/* The IPv4 address embedded in a under prefix p, or false if a is outside p. */
static bool extract(const struct nat64_prefix6 *p, const struct in6_addr *a, struct in_addr *v4)
{
	uint8_t *b = (uint8_t *)&v4->s_addr;
	unsigned i, pos = p->len / 8;

	for (i = 0; i < p->len / 8; i++)
		if (a->s6_addr[i] != p->addr.s6_addr[i])
			return false;
	for (i = 0; i < 4; i++, pos++) {
		if (pos == 8)
			pos++;
		b[i] = a->s6_addr[pos];
	}
	return true;
}

/* dig's +short AAAA answers for name: fills addrs, returns how many (or -1). */
static int dig_aaaa(const struct nat64_probe_opts *o, const char *name, struct in6_addr *addrs,
		    unsigned max, char *err, size_t errlen)
{
	char at[80], port[16], tmo[32];
	const char *argv[12];
	struct nat64_run r;
	unsigned n = 0, k = 0;
	char *line, *save = NULL;

	argv[n++] = o->dig ? o->dig : "dig";
	argv[n++] = "+short";
	snprintf(tmo, sizeof(tmo), "+time=%u", (o->timeout_ms ? o->timeout_ms : 2000) / 1000 + 1);
	argv[n++] = tmo;
	argv[n++] = "+tries=2";
	if (o->server) {
		snprintf(at, sizeof(at), "@%s", o->server);
		argv[n++] = at;
	}
	if (o->port) {
		snprintf(port, sizeof(port), "%u", o->port);
		argv[n++] = "-p";
		argv[n++] = port;
	}
	argv[n++] = "AAAA";
	argv[n++] = name;
	argv[n] = NULL;
	if (nat64_run(argv, &r) < 0) {
		snprintf(err, errlen, "cannot run %s: %s (install bind9-dnsutils)", argv[0], strerror(errno));
		return -1;
	}
	if (r.status != 0) {
		char m[300];

		snprintf(err, errlen, "dig failed: %s", nat64_run_msg(&r, m, sizeof(m)));
		nat64_run_free(&r);
		return -1;
	}
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (k < max && inet_pton(AF_INET6, line, &addrs[k]) == 1)
			k++;
	nat64_run_free(&r);
	return (int)k;
}

static void check_name(const struct nat64_config *cfg, const struct nat64_probe_opts *o,
		       const struct nat64_prefix6 *pfx, const char *name, bool rfc7050,
		       struct nat64_probe_result *r)
{
	struct nat64_probe_step *s = step(r, "DNS64 AAAA for %s", name);
	struct in6_addr a[8];
	struct in_addr v4;
	char ps[64], as[INET6_ADDRSTRLEN], v4s[INET_ADDRSTRLEN];
	int n, i, good = 0;

	(void)cfg;
	n = dig_aaaa(o, name, a, 8, s->detail, sizeof(s->detail));
	if (n < 0)
		return;
	if (n == 0) {
		snprintf(s->detail, sizeof(s->detail), "no AAAA answer%s: is DNS64 (prefix %s) "
			 "configured on the resolver%s%s?", rfc7050 ? "" : " (A-only name?)",
			 nat64_prefix6_str(pfx, ps, sizeof(ps)), o->server ? " " : "",
			 o->server ? o->server : "");
		return;
	}
	for (i = 0; i < n; i++) {
		inet_ntop(AF_INET6, &a[i], as, sizeof(as));
		if (!extract(pfx, &a[i], &v4))
			continue;
		inet_ntop(AF_INET, &v4, v4s, sizeof(v4s));
		if (rfc7050 && strcmp(v4s, "192.0.0.170") && strcmp(v4s, "192.0.0.171"))
			continue;
		good++;
		snprintf(s->detail, sizeof(s->detail), "%s (= %s under %s)", as, v4s,
			 nat64_prefix6_str(pfx, ps, sizeof(ps)));
	}
	if (good) {
		s->ok = true;
		return;
	}
	snprintf(s->detail, sizeof(s->detail), "answer %s is not under the configured prefix %s%s",
		 as, nat64_prefix6_str(pfx, ps, sizeof(ps)),
		 rfc7050 ? " with 192.0.0.170/171" : "");
}

static void check_target(struct nat64_ctx *ctx, const struct nat64_probe_opts *o,
			 const struct nat64_prefix6 *pfx, struct nat64_probe_result *r)
{
	struct nat64_probe_step *s;
	struct in_addr v4;
	struct in6_addr a;
	char as[INET6_ADDRSTRLEN], w[16];
	unsigned tmo = o->timeout_ms ? o->timeout_ms : 2000;

	(void)ctx;
	s = step(r, "ping %s through the prefix", o->target4);
	if (inet_pton(AF_INET, o->target4, &v4) != 1) {
		snprintf(s->detail, sizeof(s->detail), "\"%s\" is not an IPv4 address", o->target4);
		return;
	}
	nat64_synthesize(pfx, v4, &a);
	inet_ntop(AF_INET6, &a, as, sizeof(as));
	snprintf(s->what, sizeof(s->what), "ping %s (%s)", as, o->target4);
	{
		const char *argv[] = { o->ping ? o->ping : "ping", "-6", "-n", "-c", "2", "-i", "0.3",
				       "-W", w, as, NULL };
		struct nat64_run rr;

		snprintf(w, sizeof(w), "%u", tmo / 1000 ? tmo / 1000 : 1);
		if (nat64_run(argv, &rr) < 0) {
			snprintf(s->detail, sizeof(s->detail), "cannot run ping: %s", strerror(errno));
		} else {
			s->ok = rr.status == 0;
			snprintf(s->detail, sizeof(s->detail), "%s", s->ok ? "answers"
				 : "no answer: is the NAT64 running, pool6 routed to it, the IPv4 "
				   "side reachable?");
			nat64_run_free(&rr);
		}
	}
	if (!o->tcp_port)
		return;
	s = step(r, "TCP [%s]:%u", as, o->tcp_port);
	{
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = a,
					   .sin6_port = htons((uint16_t)o->tcp_port) };
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), e = 0;
		struct pollfd pf;
		socklen_t el = sizeof(e);

		if (fd < 0) {
			snprintf(s->detail, sizeof(s->detail), "socket: %s", strerror(errno));
			return;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
			snprintf(s->detail, sizeof(s->detail), "connect: %s", strerror(errno));
			close(fd);
			return;
		}
		pf.fd = fd;
		pf.events = POLLOUT;
		if (poll(&pf, 1, (int)tmo) <= 0) {
			snprintf(s->detail, sizeof(s->detail), "no answer within %u ms", tmo);
		} else {
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
			/* a refusal came back through the translator: the path works */
			s->ok = e == 0 || e == ECONNREFUSED;
			snprintf(s->detail, sizeof(s->detail), "%s", e == 0 ? "connected"
				 : e == ECONNREFUSED ? "refused by the host (the path works)" : strerror(e));
		}
		close(fd);
	}
}

int nat64_probe(struct nat64_ctx *ctx, const struct nat64_config *cfg,
		const struct nat64_probe_opts *o, struct nat64_probe_result *r)
{
	const struct nat64_prefix6 *pfx = cfg->dns_prefix_set ? &cfg->dns_prefix : &cfg->pool6;
	unsigned i;

	memset(r, 0, sizeof(*r));
	ctx->err[0] = '\0';
	if (!cfg->pool6_set && !cfg->dns_prefix_set)
		return nat64_fail(ctx, NAT64_EINVAL, "%s: no pool6 or [dns64] prefix to probe", cfg->file);
	check_name(cfg, o, pfx, "ipv4only.arpa", true, r);
	if (o->name)
		check_name(cfg, o, pfx, o->name, false, r);
	if (o->target4)
		check_target(ctx, o, cfg->pool6_set ? &cfg->pool6 : pfx, r);
	r->ok = true;
	for (i = 0; i < r->n; i++)
		if (!r->step[i].ok) {
			r->ok = false;
			nat64_fail(ctx, NAT64_EPROBE, "%s: %s", r->step[i].what, r->step[i].detail);
			break;
		}
	return r->ok ? 0 : -NAT64_EPROBE;
}
