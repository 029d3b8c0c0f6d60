/*
 * ipv6.c - the IPv6 edge of each session: its /64, its route, its router
 * advertisements (ipv6.h says what and when).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include <nettle/sha2.h>

#include "acd.h"
#include "config.h"
#include "dhcp6.h"
#include "ip6pool.h"
#include "ipv6.h"
#include "log.h"
#include "ra_msg.h"
#include "rtnl.h"
#include "session.h"
#include "state.h"

struct ipv6 {
	struct acd *a;
	const struct ipv6_fx *fx;
	void *fx_ctx;
	int slot;
	int fd;                         /* the raw ICMPv6 socket; -1 in tests */
	ev_io w;
	int dfd;                        /* DHCPv6: UDP port 547; -1 in tests */
	ev_io dw;
	struct ip6pool *pool;
	struct ip6pool *pd_pool;        /* NULL: no prefix delegation */
	uint8_t duid[18];               /* ours: DUID-UUID (RFC 6355) from the machine id */
	struct dhcp6_conf dc;
	uint64_t rnd;                   /* the jitter's generator (xorshift64) */
	struct ipv6_stats st;
};

/* one session's edge, in s->ext[slot] */
struct v6s {
	struct ipv6 *v;
	struct session *s;
	struct in6_addr prefix;
	bool has_prefix;
	bool given;                     /* RADIUS's, outside the pool: never released to it */
	bool active;                    /* advertising */
	bool joined;
	unsigned initial;               /* initial RAs still to send */
	ev_tstamp last;                 /* the last RA's time, 0: none yet */
	ev_timer t;
	uint64_t ra_out, rs_in;
	/* DHCPv6: the delegated prefix, routed via the client's link-local */
	struct dhcp6_lease pd;
	struct in6_addr pd_via;
	bool pd_routed;
	ev_timer pd_t;                  /* the lease's end */
	/* RADIUS's Framed-IPv6-Routes as added (the radattr file may change
	 * under a reload; these are what to remove) */
	struct radv6_route routes[RADV6_ROUTE_MAX];
	unsigned nroutes;
	double dhcp_tokens;             /* the session's DHCPv6 budget (a token bucket) */
	ev_tstamp dhcp_at;
};

/* A client sends a handful of DHCPv6 messages a minute (RFC 8415's
 * retransmissions start at 1 s); more is a flood, dropped unanswered. */
#define DHCP_RATE 4.0                   /* messages per second and session */
#define DHCP_BURST 16.0

static ev_tstamp now_of(const struct ipv6 *v)
{
	return v->a->loop ? ev_now(v->a->loop) : 0;
}

/* a uniform double in [0, 1) */
static double rnd01(struct ipv6 *v)
{
	v->rnd ^= v->rnd << 13;
	v->rnd ^= v->rnd >> 7;
	v->rnd ^= v->rnd << 17;
	return (double)(v->rnd >> 11) / (double)(1ULL << 53);
}

static const char *prefix_str(const struct in6_addr *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, p, a, sizeof(a));
	snprintf(buf, len, "%s/64", a);
	return buf;
}

/* the user as the log may show it: printable ASCII, the rest as \ooo */
static const char *user_str(const struct session *s, char *buf, size_t len)
{
	size_t o = 0, i;

	for (i = 0; s->user[i] && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s->user[i];

		if (ch > ' ' && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\%03o", ch);
	}
	buf[o] = '\0';
	return buf;
}

/* ---- the advertisement ------------------------------------------------------------ */

static bool pref64_on(const struct acd_config *c)
{
	return c->nat64.pool6_set && c->ipv6_pref64 != ACD_PREF64_NO;
}

/* the RA for x now; final: its IPv6 ends (router lifetime 0, the prefix
 * deprecated) */
static int build(struct ipv6 *v, const struct v6s *x, bool final, uint8_t *buf, size_t len)
{
	const struct acd_config *c = &v->a->cfg;
	struct ra_info ri;
	unsigned i;
	uint32_t life = 3 * c->ipv6_ra_interval;

	memset(&ri, 0, sizeof(ri));
	ri.cur_hop_limit = 64;
	ri.other = true; /* DHCPv6 has the resolvers too (and delegates prefixes) */
	ri.router_lifetime = final ? 0 : (uint16_t)c->ipv6_router_lifetime;
	ri.mtu = c->ipv6_mtu ? c->ipv6_mtu : v->fx->mtu(v->fx_ctx, x->s->ifindex);
	if (ri.mtu < 1280)
		ri.mtu = 0; /* a link too small for IPv6: no MTU option rather than no RA */
	if (x->has_prefix) {
		ri.prefix[0] = (struct ra_prefix){ .prefix = x->prefix, .len = 64, .on_link = true,
						   .autonomous = true,
						   .valid = final ? 0 : c->ipv6_valid,
						   .preferred = final ? 0 : c->ipv6_preferred };
		ri.nprefix = 1;
	}
	if (x->s->radius6.ndns) { /* RADIUS's DNS-Server-IPv6-Address wins over [ipv6] dns */
		for (i = 0; i < x->s->radius6.ndns && i < RA_DNS_MAX; i++)
			ri.dns[ri.ndns++] = x->s->radius6.dns[i];
	} else {
		for (i = 0; i < c->n_ipv6_dns && i < RA_DNS_MAX; i++)
			ri.dns[ri.ndns++] = c->ipv6_dns[i];
	}
	for (i = 0; i < c->n_ipv6_search && i < RA_SEARCH_MAX; i++)
		snprintf(ri.search[ri.nsearch++], sizeof(ri.search[0]), "%s", c->ipv6_search[i]);
	ri.dns_lifetime = final ? 0 : life;
	if (pref64_on(c)) {
		ri.pref64 = true;
		ri.pref64_prefix = c->nat64.pool6.addr;
		ri.pref64_len = c->nat64.pool6.len;
		ri.pref64_lifetime = final ? 0 : life;
	}
	return ra_build(&ri, buf, len);
}

static int send_ra(struct ipv6 *v, struct v6s *x, bool final)
{
	uint8_t buf[RA_MSG_MAX];
	char pb[64];
	int n = build(v, x, final, buf, sizeof(buf)), rc;

	if (n < 0) {
		v->st.ra_errors++;
		log_warnx("ipv6: sess=%s: cannot build a router advertisement: %s", x->s->ifname,
			  strerror(-n));
		return n;
	}
	rc = v->fx->send(v->fx_ctx, x->s->ifindex, buf, (size_t)n);
	if (rc < 0) {
		v->st.ra_errors++;
		if (rc != -ENODEV && rc != -ENXIO)
			log_warnx("ipv6: sess=%s: router advertisement not sent: %s", x->s->ifname,
				  strerror(-rc));
		return rc;
	}
	x->last = now_of(v);
	x->ra_out++;
	v->st.ra_out++;
	if (final)
		v->st.ra_final++;
	log_debug("ipv6: sess=%s: RA sent%s%s%s", x->s->ifname, final ? " (final)" : "",
		  x->has_prefix ? " prefix=" : "",
		  x->has_prefix ? prefix_str(&x->prefix, pb, sizeof(pb)) : "");
	return 0;
}

/* ---- timers ----------------------------------------------------------------------- */

/* the next unsolicited RA's delay: uniform in [interval/3, interval]
 * (MinRtrAdvInterval's default), the initial ones at most 16 s apart */
static double next_delay(struct ipv6 *v, const struct v6s *x)
{
	double max = v->a->cfg.ipv6_ra_interval, min = max / 3, d;

	d = min + (max - min) * rnd01(v);
	if (x->initial > 0 && d > IPV6_RA_INITIAL_INTERVAL)
		d = IPV6_RA_INITIAL_INTERVAL * (0.5 + 0.5 * rnd01(v));
	return d;
}

static void arm(struct ipv6 *v, struct v6s *x, double delay)
{
	if (!v->a->loop)
		return;
	ev_timer_stop(v->a->loop, &x->t);
	ev_timer_set(&x->t, delay, 0.);
	ev_timer_start(v->a->loop, &x->t);
}

static void advertise(struct ipv6 *v, struct v6s *x)
{
	(void)send_ra(v, x, false);
	if (x->initial > 0)
		x->initial--;
	arm(v, x, next_delay(v, x));
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct v6s *x = t->data;

	(void)loop;
	(void)revents;
	if (x->active)
		advertise(x->v, x);
}

/* "ADDR/LEN" into a and *len: 0, or -1 */
static int parse_prefix(const char *p, struct in6_addr *a, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash, *end;
	unsigned long n;

	if (!p || strlen(p) >= sizeof(buf))
		return -1;
	memcpy(buf, p, strlen(p) + 1);
	slash = strchr(buf, '/');
	if (!slash || !slash[1])
		return -1;
	*slash = '\0';
	n = strtoul(slash + 1, &end, 10);
	if (*end || n > 128 || inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	*len = (uint8_t)n;
	return 0;
}

/* ---- the delegated prefix ----------------------------------------------------------- */

static const char *pd_str(const struct dhcp6_lease *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &l->prefix, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, l->plen);
	return buf;
}

/* s->ipv6_*_had: what it has now, when it has something */
static void had(struct session *s)
{
	if (s->ipv6_prefix[0])
		memcpy(s->ipv6_prefix_had, s->ipv6_prefix, sizeof(s->ipv6_prefix_had));
	if (s->ipv6_delegated[0])
		memcpy(s->ipv6_delegated_had, s->ipv6_delegated, sizeof(s->ipv6_delegated_had));
}

static void pd_route(struct ipv6 *v, struct v6s *x)
{
	char pb[64];
	int rc;

	rc = v->fx->route(v->fx_ctx, true, x->s->ifindex, &x->pd.prefix, x->pd.plen, &x->pd_via,
			  0);
	if (rc < 0) {
		v->st.route_errors++;
		log_warnx("ipv6: sess=%s: cannot route the delegated %s to it: %s", x->s->ifname,
			  pd_str(&x->pd, pb, sizeof(pb)), strerror(-rc));
		return;
	}
	x->pd_routed = true;
}

/* the lease ends: unrouted (link: the link is still there), back to the pool */
static void pd_end(struct ipv6 *v, struct v6s *x, bool link, const char *why)
{
	char pb[64];

	if (v->a->loop)
		ev_timer_stop(v->a->loop, &x->pd_t);
	if (!x->pd.has_prefix)
		return;
	if (x->pd_routed && link)
		(void)v->fx->route(v->fx_ctx, false, x->s->ifindex, &x->pd.prefix, x->pd.plen,
				   &x->pd_via, 0);
	x->pd_routed = false;
	if (x->pd.bound)
		log_info("ipv6: sess=%s: delegated prefix %s %s", x->s->ifname,
			 pd_str(&x->pd, pb, sizeof(pb)), why);
	dhcp6_lease_free(&v->dc, &x->pd);
	x->s->ipv6_delegated[0] = '\0';
}

static void pd_arm(struct ipv6 *v, struct v6s *x)
{
	double left;

	if (x->pd.bound)
		pd_str(&x->pd, x->s->ipv6_delegated, sizeof(x->s->ipv6_delegated));
	had(x->s);
	if (!v->a->loop || !x->pd.bound)
		return;
	left = x->pd.expires - ev_now(v->a->loop);
	ev_timer_stop(v->a->loop, &x->pd_t);
	ev_timer_set(&x->pd_t, left > 0 ? left : 0., 0.);
	ev_timer_start(v->a->loop, &x->pd_t);
}

static void on_pd_expired(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct v6s *x = t->data;

	(void)loop;
	(void)revents;
	x->v->st.pd_expired++;
	pd_end(x->v, x, true, "expired (not renewed)");
	state_later(x->v->a);
}

/* ---- a session's IPv6 starts and ends ------------------------------------------------ */

static struct v6s *ext_of(struct ipv6 *v, struct session *s)
{
	struct v6s *x = s->ext[v->slot];

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->v = v;
	x->s = s;
	ev_timer_init(&x->t, on_timer, 0., 0.);
	x->t.data = x;
	ev_timer_init(&x->pd_t, on_pd_expired, 0., 0.);
	x->pd_t.data = x;
	s->ext[v->slot] = x;
	return x;
}

/* ---- RADIUS's Framed-IPv6-Route and Framed-Interface-Id ------------------------------ */

/* RADIUS's routes to the session, as the /64 is routed ("::" or no
 * gateway: on-link; a gateway: via it, on the session's link) */
static void routes_add(struct ipv6 *v, struct v6s *x)
{
	const struct radv6 *r = &x->s->radius6;
	char rb[160];
	unsigned i;
	int rc;

	if (x->nroutes)
		return;
	for (i = 0; i < r->nroutes && i < RADV6_ROUTE_MAX; i++) {
		const struct radv6_route *rt = &r->routes[i];

		rc = v->fx->route(v->fx_ctx, true, x->s->ifindex, &rt->prefix, rt->len,
				  rt->has_via ? &rt->via : NULL, rt->metric);
		radv6_route_str(rt, rb, sizeof(rb));
		if (rc < 0) {
			v->st.route_errors++;
			log_warnx("ipv6: sess=%s: cannot add RADIUS Framed-IPv6-Route %s: %s",
				  x->s->ifname, rb, strerror(-rc));
			continue;
		}
		x->routes[x->nroutes++] = *rt;
		log_info("ipv6: sess=%s route=\"%s\" (RADIUS Framed-IPv6-Route)", x->s->ifname, rb);
	}
}

/* link: the link is still there (else its routes went with it) */
static void routes_del(struct ipv6 *v, struct v6s *x, bool link)
{
	unsigned i;

	for (i = 0; link && i < x->nroutes; i++)
		(void)v->fx->route(v->fx_ctx, false, x->s->ifindex, &x->routes[i].prefix,
				   x->routes[i].len, x->routes[i].has_via ? &x->routes[i].via : NULL,
				   x->routes[i].metric);
	x->nroutes = 0;
}

/*
 * pppd negotiates the interface identifier in IPv6CP, before acd hears of
 * the session, and pppd 2.4.9's radius.so does not use Framed-Interface-Id
 * (nor can acd's PPPoE server pass it: pppd authenticates after it starts).
 * The subscriber's SLAAC address is its /64 and that identifier; when
 * RADIUS asked for another, say so.
 */
static void check_ifid(const struct session *s)
{
	struct in6_addr ll;
	char want[24], got[24];

	if (!s->radius6.has_ifid || inet_pton(AF_INET6, s->ipv6_ll, &ll) != 1 ||
	    memcmp(&ll.s6_addr[8], s->radius6.ifid, 8) == 0)
		return;
	log_warnx("ipv6: sess=%s: RADIUS Framed-Interface-Id %s is not the interface identifier "
		  "IPv6CP agreed (%s): pppd negotiates it, not acd (pppd's ipv6 option sets it)",
		  s->ifname, radv6_ifid_str(s->radius6.ifid, want, sizeof(want)),
		  radv6_ifid_str(&ll.s6_addr[8], got, sizeof(got)));
}

/* its /64: the one it had (a restart), else one from the pool */
static int get_prefix(struct ipv6 *v, struct v6s *x)
{
	char pb[64], ub[4 * 64];
	int rc;

	if (x->has_prefix)
		return 0;
	if (x->s->radius6.prefix[0]) {
		struct in6_addr a;
		uint8_t len;

		if (parse_prefix(x->s->radius6.prefix, &a, &len) == 0 && len == 64) {
			/* RADIUS wins over the pool; one inside it is taken from it */
			rc = ip6pool_contains(v->pool, &a) ? ip6pool_take(v->pool, &a, x->s->user) : 0;
			if (rc == 0) {
				x->prefix = a;
				x->has_prefix = true;
				x->given = !ip6pool_contains(v->pool, &a);
				prefix_str(&x->prefix, x->s->ipv6_prefix, sizeof(x->s->ipv6_prefix));
				had(x->s);
				v->st.prefixes_out++;
				log_info("ipv6: sess=%s user=%s prefix=%s (RADIUS Framed-IPv6-Prefix)",
					 x->s->ifname, user_str(x->s, ub, sizeof(ub)),
					 x->s->ipv6_prefix);
				return 0;
			}
			log_warnx("ipv6: sess=%s: RADIUS Framed-IPv6-Prefix %s is another session's: "
				  "one from the pool instead", x->s->ifname, x->s->radius6.prefix);
		} else {
			log_warnx("ipv6: sess=%s: RADIUS Framed-IPv6-Prefix %s is not a /64 (SLAAC "
				  "needs one): one from the pool instead", x->s->ifname,
				  x->s->radius6.prefix);
		}
	}
	rc = ip6pool_alloc(v->pool, x->s->user, &x->prefix);
	if (rc == -ENOSPC) {
		v->st.pool_full++;
		log_warnx("ipv6: sess=%s user=%s: the prefix pool %s is full: the session stays "
			  "without a global IPv6 prefix (link-local only); widen [ipv6] prefix-pool",
			  x->s->ifname, user_str(x->s, ub, sizeof(ub)), v->a->cfg.ipv6_pool);
		return rc;
	}
	if (rc < 0) {
		log_warnx("ipv6: sess=%s: no prefix: %s", x->s->ifname, strerror(-rc));
		return rc;
	}
	x->has_prefix = true;
	prefix_str(&x->prefix, x->s->ipv6_prefix, sizeof(x->s->ipv6_prefix));
	had(x->s);
	v->st.prefixes_out++;
	log_info("ipv6: sess=%s user=%s prefix=%s", x->s->ifname,
		 user_str(x->s, ub, sizeof(ub)), prefix_str(&x->prefix, pb, sizeof(pb)));
	return 0;
}

static void start(struct ipv6 *v, struct session *s)
{
	struct v6s *x;
	char pb[64];
	int rc;

	if (!s->ipv6_ll[0] || s->ifindex <= 0)
		return;
	x = ext_of(v, s);
	if (!x) {
		log_warnx("ipv6: sess=%s: out of memory", s->ifname);
		return;
	}
	if (x->active)
		return;
	check_ifid(s);
	if (get_prefix(v, x) < 0) {
		routes_add(v, x); /* RADIUS's routes do not need the /64 */
		return;
	}
	rc = v->fx->route(v->fx_ctx, true, s->ifindex, &x->prefix, 64, NULL, 0);
	if (rc < 0) {
		v->st.route_errors++;
		log_warnx("ipv6: sess=%s: cannot route %s to it: %s", s->ifname,
			  prefix_str(&x->prefix, pb, sizeof(pb)), strerror(-rc));
	}
	routes_add(v, x); /* after the /64: a gateway in it is on-link by then */
	if (!x->joined && v->fx->join(v->fx_ctx, s->ifindex, true) == 0)
		x->joined = true;
	x->active = true;
	x->initial = IPV6_RA_INITIAL;
	advertise(v, x);
}

/* its IPv6 ends: final says the link is still there for a last RA */
static void stop(struct ipv6 *v, struct session *s, bool final, bool release)
{
	struct v6s *x = s->ext[v->slot];
	char pb[64];

	if (!x)
		return;
	if (v->a->loop) {
		ev_timer_stop(v->a->loop, &x->t);
		if (!release)
			ev_timer_stop(v->a->loop, &x->pd_t);
	}
	if (x->active && final)
		(void)send_ra(v, x, true);
	x->active = false;
	if (x->joined && final)
		(void)v->fx->join(v->fx_ctx, s->ifindex, false);
	x->joined = false;
	if (release) {
		pd_end(v, x, final, "back to the pool (the session's IPv6 ended)");
		routes_del(v, x, final);
	}
	if (release && x->has_prefix) {
		if (final)
			(void)v->fx->route(v->fx_ctx, false, s->ifindex, &x->prefix, 64, NULL, 0);
		if (!x->given)
			(void)ip6pool_release(v->pool, &x->prefix);
		x->given = false;
		log_debug("ipv6: sess=%s: prefix %s back to the pool", s->ifname,
			  prefix_str(&x->prefix, pb, sizeof(pb)));
		x->has_prefix = false;
		s->ipv6_prefix[0] = '\0';
	}
}

static void drop(struct ipv6 *v, struct session *s)
{
	free(s->ext[v->slot]);
	s->ext[v->slot] = NULL;
}

/* a restarted acd: the delegated prefix the state file says the session's
 * client holds, while its lease runs */
static void restore_pd(struct ipv6 *v, struct session *s, struct v6s *x, json_t *o)
{
	const char *duid = json_string_value(json_object_get(o, "duid"));
	const char *via = json_string_value(json_object_get(o, "via"));
	json_int_t iaid = json_integer_value(json_object_get(o, "iaid"));
	json_int_t expires = json_integer_value(json_object_get(o, "expires"));
	struct dhcp6_lease l;
	size_t i, n;
	int rc;

	if (!v->pd_pool || !json_is_object(o))
		return;
	memset(&l, 0, sizeof(l));
	n = duid ? strlen(duid) : 0;
	if (parse_prefix(json_string_value(json_object_get(o, "prefix")), &l.prefix, &l.plen) < 0 ||
	    l.plen != ip6pool_prefix_len(v->pd_pool) || n < 4 || n % 2 ||
	    n > 2 * DHCP6_DUID_MAX || !via || inet_pton(AF_INET6, via, &x->pd_via) != 1 ||
	    !IN6_IS_ADDR_LINKLOCAL(&x->pd_via) || iaid < 0 || iaid > UINT32_MAX) {
		log_warnx("ipv6: sess=%s: its delegated prefix in the state file is not one acd "
			  "wrote: it is dropped", s->ifname);
		return;
	}
	for (i = 0; i < n / 2; i++) {
		unsigned b;

		if (sscanf(duid + 2 * i, "%2x", &b) != 1 || !isxdigit((unsigned char)duid[2 * i]) ||
		    !isxdigit((unsigned char)duid[2 * i + 1]))
			return;
		l.duid[i] = (uint8_t)b;
	}
	l.duid_len = n / 2;
	l.iaid = (uint32_t)iaid;
	if (expires <= (json_int_t)time(NULL))
		return; /* ran out while acd was away: the client solicits again */
	l.given = !ip6pool_contains(v->pd_pool, &l.prefix);
	rc = l.given ? 0 : ip6pool_take(v->pd_pool, &l.prefix, s->user);
	if (rc < 0) {
		log_warnx("ipv6: sess=%s: its delegated prefix from the state file is %s: dropped",
			  s->ifname, rc == -EEXIST ? "another session's" : "not in pd-pool");
		return;
	}
	l.has_prefix = l.bound = true;
	l.expires = now_of(v) + (double)(expires - (json_int_t)time(NULL));
	x->pd = l;
	pd_route(v, x);
	pd_arm(v, x);
}

/* a restarted acd: the /64 the state file says the session had */
static void restore(struct ipv6 *v, struct session *s, json_t *saved)
{
	const char *p = json_string_value(json_object_get(saved, "ipv6_prefix"));
	json_t *pd = json_object_get(saved, "ipv6_delegated");
	struct in6_addr a;
	struct v6s *x;
	uint8_t len;
	int rc;

	if (pd && (x = ext_of(v, s)))
		restore_pd(v, s, x, pd);
	if (parse_prefix(p, &a, &len) < 0 || len != 64)
		return;
	/* one outside the pool was RADIUS's: acd's own file says so */
	rc = ip6pool_contains(v->pool, &a) ? ip6pool_take(v->pool, &a, s->user) : 0;
	if (rc < 0) {
		log_warnx("ipv6: sess=%s: its prefix %s from the state file is %s: it gets another",
			  s->ifname, p, rc == -EEXIST ? "another session's" : "not in the pool");
		return;
	}
	x = ext_of(v, s);
	if (!x) {
		if (ip6pool_contains(v->pool, &a))
			(void)ip6pool_release(v->pool, &a);
		return;
	}
	x->prefix = a;
	x->has_prefix = true;
	x->given = !ip6pool_contains(v->pool, &a);
	prefix_str(&x->prefix, s->ipv6_prefix, sizeof(s->ipv6_prefix));
	had(s);
}

static void on_session(const struct session_event *ev, void *ctx)
{
	struct ipv6 *v = ctx;

	switch (ev->type) {
	case SESSION_RECONCILED:
		if (ev->saved)
			restore(v, ev->s, ev->saved);
		start(v, ev->s);
		break;
	case SESSION_UP:
	case SESSION_PROTO_UP:
	case SESSION_ADOPTED:
		start(v, ev->s);
		break;
	case SESSION_PROTO_DOWN:
		if (ev->proto && strcmp(ev->proto, "ipv6") == 0)
			stop(v, ev->s, true, true);
		break;
	case SESSION_GONE: /* the link and its route went */
		stop(v, ev->s, false, false);
		break;
	case SESSION_DOWN: {
		/* the record keeps its prefixes for the listeners after us:
		 * accounting's Stop carries them */
		char p[sizeof(ev->s->ipv6_prefix)], d[sizeof(ev->s->ipv6_delegated)];

		memcpy(p, ev->s->ipv6_prefix, sizeof(p));
		memcpy(d, ev->s->ipv6_delegated, sizeof(d));
		stop(v, ev->s, !ev->s->gone, true);
		drop(v, ev->s);
		memcpy(ev->s->ipv6_prefix, p, sizeof(p));
		memcpy(ev->s->ipv6_delegated, d, sizeof(d));
		break;
	}
	default:
		break;
	}
}

static void on_describe(const struct session *s, json_t *o, void *ctx)
{
	const struct v6s *x = s->ext[((struct ipv6 *)ctx)->slot];
	char pb[64];

	if (!x)
		return;
	if (x->pd.bound)
		json_object_set_new(o, "ipv6_delegated", json_string(pd_str(&x->pd, pb, sizeof(pb))));
	if (x->nroutes) {
		json_t *r = json_array();
		char rb[160];
		unsigned i;

		for (i = 0; i < x->nroutes; i++)
			json_array_append_new(r, json_string(radv6_route_str(&x->routes[i], rb,
									     sizeof(rb))));
		json_object_set_new(o, "ipv6_routes", r);
	}
	if (!x->has_prefix)
		return;
	json_object_set_new(o, "ipv6_prefix", json_string(prefix_str(&x->prefix, pb, sizeof(pb))));
	json_object_set_new(o, "ra", json_pack("{s:b,s:I,s:I}", "active", x->active, "sent",
					       (json_int_t)x->ra_out, "rs_in",
					       (json_int_t)x->rs_in));
}

/* the state file: the /64 */
struct saved {
	bool set, pd;
	struct in6_addr prefix;
	struct dhcp6_lease lease;       /* pd: the delegated prefix's lease */
	struct in6_addr via;
	time_t expires;                 /* wall clock */
};

static void saved_take(const struct session *s, void *buf, void *ctx)
{
	const struct v6s *x = s->ext[((struct ipv6 *)ctx)->slot];
	struct saved *sv = buf;

	memset(sv, 0, sizeof(*sv));
	if (x && x->has_prefix) {
		sv->set = true;
		sv->prefix = x->prefix;
	}
	if (x && x->pd.bound) {
		struct ipv6 *v = ctx;

		sv->pd = true;
		sv->lease = x->pd;
		sv->via = x->pd_via;
		sv->expires = time(NULL) + (time_t)(x->pd.expires - now_of(v));
	}
}

static void saved_put(const void *buf, json_t *rec, void *ctx)
{
	const struct saved *sv = buf;
	char pb[64];

	(void)ctx;
	if (sv->set)
		json_object_set_new(rec, "ipv6_prefix",
				    json_string(prefix_str(&sv->prefix, pb, sizeof(pb))));
	if (sv->pd) {
		char duid[2 * DHCP6_DUID_MAX + 1], via[INET6_ADDRSTRLEN];
		size_t i;

		for (i = 0; i < sv->lease.duid_len; i++)
			snprintf(duid + 2 * i, 3, "%02x", sv->lease.duid[i]);
		duid[2 * i] = '\0';
		inet_ntop(AF_INET6, &sv->via, via, sizeof(via));
		json_object_set_new(rec, "ipv6_delegated",
				    json_pack("{s:s,s:s,s:I,s:s,s:I}", "prefix",
					      pd_str(&sv->lease, pb, sizeof(pb)), "duid", duid, "iaid",
					      (json_int_t)sv->lease.iaid, "via", via, "expires",
					      (json_int_t)sv->expires));
	}
}

/* ---- router solicitations --------------------------------------------------------- */

void ipv6_input(struct ipv6 *v, int ifindex, const uint8_t *buf, size_t len, int hoplimit,
		bool src_unspecified)
{
	struct session *s = session_by_ifindex(&v->a->sess, ifindex);
	struct ra_rs rs;
	enum ra_drop d;
	struct v6s *x;
	double since;

	d = ra_parse_rs(buf, len, hoplimit, src_unspecified, &rs);
	if (d != RA_OK) {
		v->st.rs_drop[d]++;
		return;
	}
	x = s ? s->ext[v->slot] : NULL;
	if (!x || !x->active) {
		v->st.rs_other_if++;
		return;
	}
	v->st.rs_in++;
	x->rs_in++;
	/* at most one RA per MIN_DELAY_BETWEEN_RAS: a later one answers it */
	since = now_of(v) - x->last;
	if (x->last == 0 || since >= IPV6_RA_MIN_DELAY || !v->a->loop) {
		advertise(v, x);
	} else if (ev_timer_remaining(v->a->loop, &x->t) > IPV6_RA_MIN_DELAY - since) {
		arm(v, x, IPV6_RA_MIN_DELAY - since);
	}
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ipv6 *v = w->data;
	uint8_t buf[RA_MSG_MAX], cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	unsigned n;

	(void)loop;
	(void)revents;
	for (n = 0; n < 64; n++) { /* a burst, then the loop's other watchers */
		struct sockaddr_in6 from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		int ifindex = 0, hops = -1;
		ssize_t len = recvmsg(v->fd, &mh, MSG_DONTWAIT);

		if (len < 0)
			return;
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != IPPROTO_IPV6)
				continue;
			if (cm->cmsg_type == IPV6_PKTINFO &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			} else if (cm->cmsg_type == IPV6_HOPLIMIT &&
				   cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
				memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
			}
		}
		if (ifindex <= 0)
			continue;
		ipv6_input(v, ifindex, buf, (size_t)len, hops,
			   IN6_IS_ADDR_UNSPECIFIED(&from.sin6_addr));
	}
}

/* ---- DHCPv6 ------------------------------------------------------------------------ */

/* RADIUS's Delegated-IPv6-Prefix wins over pd-pool (one inside it is taken
 * from it) */
static void radius_pd(struct ipv6 *v, struct v6s *x)
{
	struct dhcp6_lease *l = &x->pd;
	struct in6_addr a;
	uint8_t len;
	bool in;

	if (parse_prefix(x->s->radius6.delegated, &a, &len) < 0 || len < 1 || len > 64) {
		log_warnx("ipv6: sess=%s: RADIUS Delegated-IPv6-Prefix %s is not a prefix of /1 "
			  "to /64: %s", x->s->ifname, x->s->radius6.delegated,
			  v->pd_pool ? "one from pd-pool instead" : "none delegated");
		return;
	}
	in = v->pd_pool && len == ip6pool_prefix_len(v->pd_pool) && ip6pool_contains(v->pd_pool, &a);
	if (in && ip6pool_take(v->pd_pool, &a, x->s->user) < 0) {
		log_warnx("ipv6: sess=%s: RADIUS Delegated-IPv6-Prefix %s is another session's: %s",
			  x->s->ifname, x->s->radius6.delegated, "one from pd-pool instead");
		return;
	}
	memset(l, 0, sizeof(*l));
	l->prefix = a;
	l->plen = len;
	l->has_prefix = true;
	l->given = !in;
}

void ipv6_dhcp_input(struct ipv6 *v, int ifindex, const struct in6_addr *src,
		     const uint8_t *buf, size_t len)
{
	struct session *s = session_by_ifindex(&v->a->sess, ifindex);
	uint8_t out[DHCP6_MSG_MAX];
	struct dhcp6_conf dc;
	struct dhcp6_msg m;
	enum dhcp6_drop d;
	struct v6s *x;
	unsigned what;
	char pb[64], ub[4 * 64];
	bool had;
	int n, rc;

	d = dhcp6_parse(buf, len, &m);
	if (d != DHCP6_OK) {
		v->st.dhcp_drop[d]++;
		return;
	}
	v->st.dhcp_in[m.type]++;
	x = s ? s->ext[v->slot] : NULL;
	if (!x || !x->active || !IN6_IS_ADDR_LINKLOCAL(src)) {
		v->st.dhcp_other_if++;
		return;
	}
	if (!x->pd.has_prefix && s->radius6.delegated[0])
		radius_pd(v, x);
	if (v->a->loop) {
		ev_tstamp now = ev_now(v->a->loop);

		x->dhcp_tokens += (x->dhcp_at ? now - x->dhcp_at : DHCP_BURST) * DHCP_RATE;
		if (x->dhcp_tokens > DHCP_BURST)
			x->dhcp_tokens = DHCP_BURST;
		x->dhcp_at = now;
		if (x->dhcp_tokens < 1) {
			v->st.dhcp_rate_limited++;
			return;
		}
		x->dhcp_tokens -= 1;
	}
	had = x->pd.has_prefix;
	dc = v->dc;
	if (s->radius6.ndns) { /* RADIUS's DNS-Server-IPv6-Address wins over [ipv6] dns */
		dc.dns = s->radius6.dns;
		dc.ndns = s->radius6.ndns;
	}
	n = dhcp6_answer(&dc, s->user, &x->pd, &m, now_of(v), out, sizeof(out), &what);
	if (n <= 0) {
		if (n < 0) {
			v->st.dhcp_errors++;
			log_warnx("ipv6: sess=%s: no DHCPv6 answer: %s", s->ifname, strerror(-n));
		} else {
			v->st.dhcp_unanswered++;
		}
		return;
	}
	if (!had && x->pd.has_prefix == false && m.npd && v->pd_pool &&
	    ip6pool_used(v->pd_pool) == ip6pool_size(v->pd_pool)) {
		v->st.pd_pool_full++;
		log_warnx("ipv6: sess=%s user=%s: pd-pool %s is full: no prefix delegated; widen "
			  "[ipv6] pd-pool", s->ifname, user_str(s, ub, sizeof(ub)),
			  v->a->cfg.ipv6_pd_pool);
	}
	if (what & DHCP6_BOUND) {
		bool fresh = !x->pd_routed || !IN6_ARE_ADDR_EQUAL(&x->pd_via, src);

		x->pd_via = *src;
		if (fresh) {
			v->st.pd_bound++;
			pd_route(v, x);
			log_info("ipv6: sess=%s user=%s delegated=%s", s->ifname,
				 user_str(s, ub, sizeof(ub)), pd_str(&x->pd, pb, sizeof(pb)));
		}
		pd_arm(v, x);
		state_later(v->a);
	}
	if (what & DHCP6_RELEASED) {
		v->st.pd_released++;
		pd_end(v, x, true, "released by the client");
		state_later(v->a);
	}
	rc = v->fx->reply(v->fx_ctx, ifindex, src, out, (size_t)n);
	if (rc < 0) {
		v->st.dhcp_errors++;
		log_warnx("ipv6: sess=%s: DHCPv6 answer not sent: %s", s->ifname, strerror(-rc));
		return;
	}
	v->st.dhcp_out++;
}

static void on_dhcp_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ipv6 *v = w->data;
	uint8_t buf[DHCP6_IN_MAX], cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	unsigned n;

	(void)loop;
	(void)revents;
	for (n = 0; n < 64; n++) {
		struct sockaddr_in6 from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		int ifindex = 0;
		ssize_t len = recvmsg(v->dfd, &mh, MSG_DONTWAIT);

		if (len < 0)
			return;
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC) || from.sin6_family != AF_INET6 ||
		    ntohs(from.sin6_port) != 546)
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			}
		if (ifindex > 0)
			ipv6_dhcp_input(v, ifindex, &from.sin6_addr, buf, (size_t)len);
	}
}

/* ---- the real effects ------------------------------------------------------------- */

static int real_send(void *ctx, int ifindex, const uint8_t *buf, size_t len)
{
	struct ipv6 *v = ctx;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex };
	uint8_t cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (sendmsg(v->fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static int real_route(void *ctx, bool add, int ifindex, const struct in6_addr *p, uint8_t len,
		      const struct in6_addr *via, uint32_t metric)
{
	struct ipv6 *v = ctx;

	return rtnl_route6(v->a->rtnl, add, ifindex, p, len, via, metric);
}

static int group(int fd, const char *addr, int ifindex, bool join)
{
	struct ipv6_mreq m = { .ipv6mr_interface = (unsigned)ifindex };

	inet_pton(AF_INET6, addr, &m.ipv6mr_multiaddr);
	if (setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &m,
		       sizeof(m)) < 0 && errno != EADDRINUSE)
		return -errno;
	return 0;
}

static int real_join(void *ctx, int ifindex, bool join)
{
	struct ipv6 *v = ctx;
	int rc = group(v->fd, "ff02::2", ifindex, join);

	if (rc == 0 && v->dfd >= 0)
		rc = group(v->dfd, "ff02::1:2", ifindex, join);
	return rc;
}

static int real_reply(void *ctx, int ifindex, const struct in6_addr *to, const uint8_t *buf,
		      size_t len)
{
	struct ipv6 *v = ctx;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(546),
				   .sin6_addr = *to, .sin6_scope_id = (uint32_t)ifindex };

	if (sendto(v->dfd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static uint32_t real_mtu(void *ctx, int ifindex)
{
	struct ipv6 *v = ctx;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name) || ioctl(v->fd, SIOCGIFMTU, &ifr) < 0)
		return 0;
	return ifr.ifr_mtu > 0 ? (uint32_t)ifr.ifr_mtu : 0;
}

static const struct ipv6_fx real_fx = { real_send, real_reply, real_route, real_join, real_mtu };

/* ---- open, close, reload ------------------------------------------------------------ */

/* the server's view of the config: at open and at each reload */
static void dhcp_conf(struct ipv6 *v)
{
	const struct acd_config *c = &v->a->cfg;

	v->dc.valid = c->ipv6_valid;
	v->dc.preferred = c->ipv6_preferred;
	v->dc.rapid_commit = c->ipv6_rapid_commit;
	v->dc.dns = c->ipv6_dns;
	v->dc.ndns = c->n_ipv6_dns;
	v->dc.search = (const char(*)[DHCP6_DOMAIN_MAX + 1])c->ipv6_search;
	v->dc.nsearch = c->n_ipv6_search;
	v->dc.info_refresh = 86400;
}

/* Our DUID: a DUID-UUID (RFC 6355, type 4) made from the machine id, so it
 * is the same after a restart or a reboot (clients renew with it), hashed
 * with our own label so the machine id itself is not shown (machine-id(5)
 * asks for that).  Without a machine id, random: clients then solicit
 * again after a restart of acd. */
static void make_duid(uint8_t duid[18])
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE], id[64];
	int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, id, sizeof(id)) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 32 && getrandom(id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id)) {
		uint64_t t = (uint64_t)getpid() ^ (uint64_t)time(NULL);

		memcpy(id, &t, sizeof(t));
		n = sizeof(t);
	} else if (n < 32) {
		n = sizeof(id);
	}
	sha256_init(&h);
	sha256_update(&h, 19, (const uint8_t *)"acd dhcpv6 duid v1\n");
	sha256_update(&h, (size_t)n, id);
	sha256_digest(&h, sizeof(d), d);
	duid[0] = 0;
	duid[1] = 4; /* DUID-UUID */
	memcpy(duid + 2, d, 16);
	duid[2 + 6] = (uint8_t)((duid[2 + 6] & 0x0f) | 0x50); /* a name-based UUID (v5) */
	duid[2 + 8] = (uint8_t)((duid[2 + 8] & 0x3f) | 0x80);
}

struct ipv6 *ipv6_open_fx(struct acd *a, const struct ipv6_fx *fx, void *ctx, char *err,
			  size_t errlen)
{
	struct ipv6 *v;

	err[0] = '\0';
	if (!a->cfg.ipv6_pool[0])
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "[ipv6]: out of memory");
		return NULL;
	}
	v->a = a;
	v->fx = fx ? fx : &real_fx;
	v->fx_ctx = fx ? ctx : v;
	v->fd = -1;
	if (getrandom(&v->rnd, sizeof(v->rnd), GRND_NONBLOCK) != sizeof(v->rnd) || !v->rnd)
		v->rnd = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	v->dfd = -1;
	v->pool = ip6pool_new(&a->cfg.ipv6_pool_addr, a->cfg.ipv6_pool_len, 64,
			      a->cfg.ipv6_sticky);
	if (!v->pool) {
		snprintf(err, errlen, "[ipv6] prefix-pool %s: %s", a->cfg.ipv6_pool,
			 strerror(errno));
		free(v);
		return NULL;
	}
	if (a->cfg.ipv6_pd_pool[0]) {
		v->pd_pool = ip6pool_new(&a->cfg.ipv6_pd_addr, a->cfg.ipv6_pd_pool_len,
					 (uint8_t)a->cfg.ipv6_pd_len, a->cfg.ipv6_sticky);
		if (!v->pd_pool) {
			snprintf(err, errlen, "[ipv6] pd-pool %s: %s", a->cfg.ipv6_pd_pool,
				 strerror(errno));
			ip6pool_free(v->pool);
			free(v);
			return NULL;
		}
	}
	make_duid(v->duid);
	v->dc.duid = v->duid;
	v->dc.duid_len = sizeof(v->duid);
	v->dc.pd_pool = v->pd_pool;
	dhcp_conf(v);
	v->slot = session_ext_slot(&a->sess);
	if (v->slot < 0 ||
	    session_listen(&a->sess, &(struct session_listener){ .event = on_session,
								.describe = on_describe,
								.ctx = v }) < 0 ||
	    state_extend(&(struct state_ext){ .size = sizeof(struct saved), .take = saved_take,
					      .put = saved_put, .ctx = v }) < 0) {
		snprintf(err, errlen, "[ipv6]: too many session listeners");
		ip6pool_free(v->pd_pool);
		ip6pool_free(v->pool);
		free(v);
		return NULL;
	}
	return v;
}

/* DHCPv6's socket: UDP port 547 on every interface, the session links'
 * ff02::1:2 joined as they come */
static int dhcp_socket(struct ipv6 *v, char *err, size_t errlen)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(547),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	int on = 1, hops = 255;

	v->dfd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (v->dfd < 0 ||
	    setsockopt(v->dfd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
	    setsockopt(v->dfd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(v->dfd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(v->dfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(v->dfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "[ipv6]: cannot listen for DHCPv6 on UDP port 547: %s%s",
			 strerror(errno),
			 errno == EADDRINUSE ? " (another DHCPv6 server runs on this box: stop it, "
					       "acd serves the sessions)" : "");
		return -1;
	}
	ev_io_init(&v->dw, on_dhcp_readable, v->dfd, EV_READ);
	v->dw.data = v;
	ev_io_start(v->a->loop, &v->dw);
	return 0;
}

/* does this network namespace forward IPv6? */
static bool forwarding(void)
{
	char buf[8] = "";
	int fd = open("/proc/sys/net/ipv6/conf/all/forwarding", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return true; /* cannot tell: no warning */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && buf[0] == '1';
}

struct ipv6 *ipv6_open(struct acd *a, char *err, size_t errlen)
{
	struct ipv6 *v = ipv6_open_fx(a, NULL, NULL, err, errlen);
	struct icmp6_filter f;
	int on = 1, hops = 255, off = 0;

	if (!v)
		return NULL;
	v->fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (v->fd < 0) {
		snprintf(err, errlen, "[ipv6]: cannot open an ICMPv6 socket: %s%s", strerror(errno),
			 errno == EPERM ? " (acd needs CAP_NET_RAW for router advertisements)" : "");
		ipv6_close(v);
		return NULL;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &f);
	if (setsockopt(v->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
	    setsockopt(v->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(v->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0 ||
	    setsockopt(v->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(v->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(v->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0) {
		snprintf(err, errlen, "[ipv6]: cannot set up the ICMPv6 socket: %s",
			 strerror(errno));
		ipv6_close(v);
		return NULL;
	}
	ev_io_init(&v->w, on_readable, v->fd, EV_READ);
	v->w.data = v;
	ev_io_start(a->loop, &v->w);
	if (dhcp_socket(v, err, errlen) < 0) {
		ipv6_close(v);
		return NULL;
	}
	log_info("ipv6: router advertisements on, /64s from %s%s", a->cfg.ipv6_pool,
		 pref64_on(&a->cfg) ? ", PREF64 from [nat64] pool6" : "");
	if (!forwarding())
		log_warnx("ipv6: this box does not forward IPv6 (net.ipv6.conf.all.forwarding "
			  "is not 1): subscribers get their addresses but reach nothing past "
			  "acd; set it (sysctl -w net.ipv6.conf.all.forwarding=1, and in "
			  "/etc/sysctl.d/)");
	return v;
}

void ipv6_close(struct ipv6 *v)
{
	struct session *s;

	if (!v)
		return;
	for (s = v->a->sess.list; s; s = s->next) {
		if (v->a->loop && s->ext[v->slot]) {
			ev_timer_stop(v->a->loop, &((struct v6s *)s->ext[v->slot])->t);
			ev_timer_stop(v->a->loop, &((struct v6s *)s->ext[v->slot])->pd_t);
		}
		drop(v, s);
	}
	if (v->fd >= 0) {
		if (v->a->loop)
			ev_io_stop(v->a->loop, &v->w);
		close(v->fd);
	}
	if (v->dfd >= 0) {
		if (v->a->loop)
			ev_io_stop(v->a->loop, &v->dw);
		close(v->dfd);
	}
	ip6pool_free(v->pd_pool);
	ip6pool_free(v->pool);
	free(v);
}

void ipv6_reconfigure(struct ipv6 *v)
{
	struct session *s;

	if (!v)
		return;
	dhcp_conf(v);
	for (s = v->a->sess.list; s; s = s->next) {
		struct v6s *x = s->ext[v->slot];

		if (x && x->active)
			advertise(v, x);
	}
}

const struct ipv6_stats *ipv6_stats(const struct ipv6 *v)
{
	return &v->st;
}

static json_t *dhcp_json(const struct ipv6 *v)
{
	static const char *const types[] = {
		[DHCP6_SOLICIT] = "solicit", [DHCP6_REQUEST] = "request",
		[DHCP6_CONFIRM] = "confirm", [DHCP6_RENEW] = "renew", [DHCP6_REBIND] = "rebind",
		[DHCP6_RELEASE] = "release", [DHCP6_DECLINE] = "decline",
		[DHCP6_INFORMATION_REQUEST] = "information-request",
	};
	json_t *in = json_object(), *d = json_object(), *o;
	unsigned i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i])
			json_object_set_new(in, types[i], json_integer((json_int_t)v->st.dhcp_in[i]));
	for (i = 1; i < DHCP6_DROP_MAX; i++)
		json_object_set_new(d, dhcp6_drop_name((enum dhcp6_drop)i),
				    json_integer((json_int_t)v->st.dhcp_drop[i]));
	o = json_pack("{s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "in", in, "dropped", d,
		      "other_interface", (json_int_t)v->st.dhcp_other_if, "rate_limited",
		      (json_int_t)v->st.dhcp_rate_limited, "unanswered",
		      (json_int_t)v->st.dhcp_unanswered, "out", (json_int_t)v->st.dhcp_out,
		      "errors", (json_int_t)v->st.dhcp_errors, "pd_bound",
		      (json_int_t)v->st.pd_bound, "pd_released", (json_int_t)v->st.pd_released,
		      "pd_expired", (json_int_t)v->st.pd_expired, "pd_pool_full",
		      (json_int_t)v->st.pd_pool_full);
	if (o && v->pd_pool) {
		json_object_set_new(o, "pd_pool", json_string(v->a->cfg.ipv6_pd_pool));
		json_object_set_new(o, "pd_pool_size", json_integer((json_int_t)ip6pool_size(v->pd_pool)));
		json_object_set_new(o, "pd_pool_used", json_integer((json_int_t)ip6pool_used(v->pd_pool)));
	}
	return o;
}

json_t *ipv6_json(const struct ipv6 *v)
{
	json_t *o, *d = json_object();
	int i;

	for (i = 1; i < RA_DROP_MAX; i++)
		json_object_set_new(d, ra_drop_name((enum ra_drop)i),
				    json_integer((json_int_t)v->st.rs_drop[i]));
	o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:I}", "pool",
		      v->a->cfg.ipv6_pool, "pool_size", (json_int_t)ip6pool_size(v->pool),
		      "pool_used", (json_int_t)ip6pool_used(v->pool), "ra_out",
		      (json_int_t)v->st.ra_out, "ra_final", (json_int_t)v->st.ra_final,
		      "ra_errors", (json_int_t)v->st.ra_errors, "rs_in", (json_int_t)v->st.rs_in,
		      "rs_other_interface", (json_int_t)v->st.rs_other_if, "rs_dropped", d,
		      "prefixes_out", (json_int_t)v->st.prefixes_out, "pool_full",
		      (json_int_t)v->st.pool_full, "route_errors", (json_int_t)v->st.route_errors);
	if (o)
		json_object_set_new(o, "dhcpv6", dhcp_json(v));
	return o;
}
