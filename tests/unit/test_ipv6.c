/*
 * test_ipv6.c - the IPv6 edge (acd/ipv6.c) driven through the session
 * core with effects of the test's own (struct ipv6_fx): no root, no
 * socket.  What it sends is decoded here from RFC 4861's layout.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "acd.h"
#include "ipv6.h"
#include "radattr.h"
#include "radv6.h"
#include "sessfake.h"

static struct acd A;
static struct fake SF;
static struct ipv6 *V;

static struct {
	uint8_t ra[8][RA_MSG_MAX];
	size_t len[8];
	int ifindex[8];
	unsigned nsent;
	struct {
		bool add;
		int ifindex;
		struct in6_addr p;
		uint8_t len;
		bool has_via;
		struct in6_addr via;
		uint32_t metric;
	} routes[8];
	unsigned nroutes;
	int joined;
	unsigned nreplies;
	uint8_t reply[DHCP6_MSG_MAX];
	size_t reply_len;
	bool send_fails;
	/* what a listener after ipv6.c saw of the session at its SESSION_DOWN */
	char down_prefix[52];
	int downs;
} W;

static int fx_send(void *ctx, int ifindex, const uint8_t *buf, size_t len)
{
	(void)ctx;
	if (W.send_fails)
		return -ENOBUFS;
	assert_true(W.nsent < 8);
	memcpy(W.ra[W.nsent], buf, len);
	W.len[W.nsent] = len;
	W.ifindex[W.nsent++] = ifindex;
	return 0;
}

static int fx_reply(void *ctx, int ifindex, const struct in6_addr *to, const uint8_t *buf,
		    size_t len)
{
	(void)ctx;
	(void)ifindex;
	(void)to;
	assert_true(len <= sizeof(W.reply));
	memcpy(W.reply, buf, len);
	W.reply_len = len;
	W.nreplies++;
	return 0;
}

static int fx_route(void *ctx, bool add, int ifindex, const struct in6_addr *p, uint8_t len,
		    const struct in6_addr *via, uint32_t metric)
{
	(void)ctx;
	assert_true(W.nroutes < 8);
	W.routes[W.nroutes].add = add;
	W.routes[W.nroutes].ifindex = ifindex;
	W.routes[W.nroutes].len = len;
	W.routes[W.nroutes].has_via = via != NULL;
	if (via)
		W.routes[W.nroutes].via = *via;
	W.routes[W.nroutes].metric = metric;
	W.routes[W.nroutes++].p = *p;
	return 0;
}

static int fx_join(void *ctx, int ifindex, bool join)
{
	(void)ctx;
	(void)ifindex;
	W.joined += join ? 1 : -1;
	return 0;
}

static uint32_t fx_mtu(void *ctx, int ifindex)
{
	(void)ctx;
	(void)ifindex;
	return 1492;
}

static const struct ipv6_fx fx = { fx_send, fx_reply, fx_route, fx_join, fx_mtu };

static void config_ipv6(struct acd_config *c, const char *pool, unsigned len)
{
	inet_pton(AF_INET6, pool, &c->ipv6_pool_addr);
	c->ipv6_pool_len = (uint8_t)len;
	snprintf(c->ipv6_pool, sizeof(c->ipv6_pool), "%s/%u", pool, len);
	inet_pton(AF_INET6, "2001:db8::53", &c->ipv6_dns[0]);
	c->n_ipv6_dns = 1;
}

static int setup(void **state)
{
	char err[256] = "";

	(void)state;
	memset(&A, 0, sizeof(A));
	memset(&SF, 0, sizeof(SF));
	memset(&W, 0, sizeof(W));
	config_defaults(&A.cfg);
	config_ipv6(&A.cfg, "2001:db8:100::", 63);
	sessions_init(&A.sess, NULL, &A.cfg, &fake_fx, &SF);
	V = ipv6_open_fx(&A, &fx, NULL, err, sizeof(err));
	assert_non_null(V);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ipv6_close(V);
	sessions_free(&A.sess);
	return 0;
}

static int hook(const char *event, const char *ifname, const char *loc, const char *rem,
		const char *user)
{
	json_t *argv = json_pack("[s,s,s,s,s,s]", ifname, "", "0", loc, rem, "");
	json_t *env = json_pack("{s:s,s:s}", "PPPD_PID", "4242", "PEERNAME", user);
	char err[256];
	int rc;

	rc = session_hook(&A.sess, event, argv, env, err, sizeof(err));
	json_decref(argv);
	json_decref(env);
	return rc;
}

/* the option of type t in RA i, or NULL */
static const uint8_t *opt(unsigned i, uint8_t t)
{
	size_t o = 16;

	while (o + 2 <= W.len[i] && W.ra[i][o + 1]) {
		if (W.ra[i][o] == t)
			return &W.ra[i][o];
		o += (size_t)W.ra[i][o + 1] * 8;
	}
	return NULL;
}

static uint16_t router_lifetime(unsigned i)
{
	return (uint16_t)(W.ra[i][6] << 8 | W.ra[i][7]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ipv6-up: a /64 from the pool, routed, an RA at once with it */
static void test_ipv6_up(void **state)
{
	const uint8_t *pi, *rd, *mtu;
	char buf[INET6_ADDRSTRLEN];
	json_t *o;

	(void)state;
	fake_link(&SF, "ppp0", 10);
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2", "alice"), 0);
	assert_int_equal(W.nsent, 0); /* IPv4 alone: no RA */
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "alice"), 0);
	assert_int_equal(W.nsent, 1);
	assert_int_equal(W.ifindex[0], 10);
	assert_int_equal(W.ra[0][0], 134);
	assert_int_equal(W.ra[0][5], 0x40); /* O: DHCPv6 has the resolvers */
	assert_int_equal(router_lifetime(0), 1800);
	pi = opt(0, 3);
	assert_non_null(pi);
	assert_int_equal(pi[2], 64);
	assert_int_equal(pi[3], 0xc0); /* L and A */
	assert_int_equal(be32(pi + 4), 86400);
	assert_int_equal(be32(pi + 8), 14400);
	inet_ntop(AF_INET6, pi + 16, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:100::");
	mtu = opt(0, 5);
	assert_non_null(mtu);
	assert_int_equal(be32(mtu + 4), 1492);
	rd = opt(0, 25);
	assert_non_null(rd);
	assert_int_equal(be32(rd + 4), 3 * 600);
	assert_null(opt(0, 38)); /* no [nat64] pool6: no PREF64 */
	assert_int_equal(W.nroutes, 1);
	assert_true(W.routes[0].add);
	assert_int_equal(W.routes[0].ifindex, 10);
	assert_int_equal(W.joined, 1);
	o = session_json(session_by_ifname(&A.sess, "ppp0"), true);
	assert_string_equal(json_string_value(json_object_get(o, "ipv6_prefix")),
			    "2001:db8:100::/64");
	json_decref(o);
}

/* a solicitation is answered; a second one within 3 s waits for the
 * timer (no loop here: it is answered at once, the limit is the loop's) */
static void test_rs(void **state)
{
	uint8_t rs[8] = { 133, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	fake_link(&SF, "ppp0", 10);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "bob"), 0);
	assert_int_equal(W.nsent, 1);
	ipv6_input(V, 10, rs, sizeof(rs), 255, false);
	assert_int_equal(W.nsent, 2);
	assert_int_equal(ipv6_stats(V)->rs_in, 1);
	ipv6_input(V, 10, rs, sizeof(rs), 64, false); /* not from the link */
	ipv6_input(V, 11, rs, sizeof(rs), 255, false); /* no session there */
	rs[1] = 1;
	ipv6_input(V, 10, rs, sizeof(rs), 255, false);
	assert_int_equal(W.nsent, 2);
	assert_int_equal(ipv6_stats(V)->rs_drop[RA_DROP_HOPLIMIT], 1);
	assert_int_equal(ipv6_stats(V)->rs_drop[RA_DROP_CODE], 1);
	assert_int_equal(ipv6_stats(V)->rs_other_if, 1);
}

/* ipv6-down: a final RA (router lifetime 0, prefix deprecated), the route
 * and the /64 go back; the pool of two fills and frees */
static void test_down_and_pool(void **state)
{
	const uint8_t *pi;
	json_t *o;

	(void)state;
	fake_link(&SF, "ppp0", 10);
	fake_link(&SF, "ppp1", 11);
	fake_link(&SF, "ppp2", 12);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "a"), 0);
	assert_int_equal(hook("ipv6-up", "ppp1", "fe80::1", "fe80::3", "b"), 0);
	assert_int_equal(hook("ipv6-up", "ppp2", "fe80::1", "fe80::4", "c"), 0);
	assert_int_equal(W.nsent, 2); /* the third found the pool full */
	assert_int_equal(ipv6_stats(V)->pool_full, 1);
	o = session_json(session_by_ifname(&A.sess, "ppp2"), true);
	assert_null(json_object_get(o, "ipv6_prefix"));
	json_decref(o);
	assert_int_equal(hook("ipv6-down", "ppp0", "fe80::1", "fe80::2", "a"), 0);
	assert_int_equal(W.nsent, 3);
	assert_int_equal(router_lifetime(2), 0);
	pi = opt(2, 3);
	assert_non_null(pi);
	assert_int_equal(be32(pi + 8), 0); /* preferred 0: deprecated */
	assert_int_equal(W.nroutes, 3);
	assert_false(W.routes[2].add);
	assert_int_equal(ipv6_stats(V)->ra_final, 1);
	o = ipv6_json(V);
	assert_int_equal(json_integer_value(json_object_get(o, "pool_used")), 1);
	json_decref(o);
	/* the user comes back: the same /64 (sticky) */
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "a"), 0);
	o = session_json(session_by_ifname(&A.sess, "ppp0"), true);
	assert_string_equal(json_string_value(json_object_get(o, "ipv6_prefix")),
			    "2001:db8:100::/64");
	json_decref(o);
}

/* PREF64 from [nat64] pool6, unless pref64 = no */
static void test_pref64(void **state)
{
	const uint8_t *p;

	(void)state;
	inet_pton(AF_INET6, "64:ff9b::", &A.cfg.nat64.pool6.addr);
	A.cfg.nat64.pool6.len = 96;
	A.cfg.nat64.pool6_set = true;
	fake_link(&SF, "ppp0", 10);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "a"), 0);
	p = opt(0, 38);
	assert_non_null(p);
	assert_int_equal(p[1], 2);
	/* 3 x 600 s = 1800 s: 225 units of 8 s, PLC 0 (/96) */
	assert_int_equal((p[2] << 8 | p[3]), 225 << 3 | 0);
	assert_int_equal(p[4], 0x00);
	assert_int_equal(p[5], 0x64);
	assert_int_equal(p[6], 0xff);
	assert_int_equal(p[7], 0x9b);
	A.cfg.ipv6_pref64 = ACD_PREF64_NO;
	ipv6_reconfigure(V);
	assert_int_equal(W.nsent, 2);
	assert_null(opt(1, 38));
}

/* the session's link vanishes: no final RA (no link), the /64 back at the end */
static void test_vanished(void **state)
{
	struct session *s;

	(void)state;
	fake_link(&SF, "ppp0", 10);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "a"), 0);
	s = session_by_ifname(&A.sess, "ppp0");
	session_gone(&A.sess, s); /* no loop: ends at once */
	assert_int_equal(W.nsent, 1);
	assert_int_equal(W.nroutes, 1); /* the route went with the link */
	assert_int_equal(ipv6_stats(V)->ra_final, 0);
	assert_null(session_by_ifname(&A.sess, "ppp0"));
}

/* a listener after ipv6.c (accounting is one): the session's prefixes are
 * still there at its SESSION_DOWN */
static void after_ipv6(const struct session_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->type != SESSION_DOWN)
		return;
	W.downs++;
	snprintf(W.down_prefix, sizeof(W.down_prefix), "%s", ev->s->ipv6_prefix);
}

/* RADIUS's IPv6 (radv6.h): its /64 wins over the pool, its resolvers over
 * [ipv6] dns in the RA and in DHCPv6, its routes go to the session's link
 * with the /64 and away with it */
static void test_radius(void **state)
{
	static const char text[] =
		"Framed-IPv6-Prefix 2001:db8:0:1::/64\n"
		"DNS-Server-IPv6-Address 2001:db8::aa\n"
		"DNS-Server-IPv6-Address 2001:db8::bb\n"
		"Framed-IPv6-Route 2001:db8:5::/48\n"
		"Framed-IPv6-Route 2001:db8:7::/48 fe80::2 20\n"
		"Framed-Interface-Id 0:0:0:b0b\n";
	/* Information-Request, xid 010203, ORO: DNS (23) */
	static const uint8_t inforeq[] = { 11, 1, 2, 3, 0, 6, 0, 2, 0, 23 };
	const struct session_listener l = { .event = after_ipv6 };
	struct radattr_list rl = { 0 };
	struct in6_addr ll, a;
	const uint8_t *rd;
	struct session *s;
	char err[256], buf[INET6_ADDRSTRLEN];
	size_t o;
	json_t *j, *r;

	(void)state;
	assert_int_equal(session_listen(&A.sess, &l), 0);
	fake_link(&SF, "ppp0", 10);
	assert_int_equal(hook("ip-up", "ppp0", "10.0.0.1", "10.0.0.2", "alice"), 0);
	s = session_by_ifname(&A.sess, "ppp0");
	assert_int_equal(radattr_parse(text, sizeof(text) - 1, NULL, "t", &rl, err, sizeof(err)), 0);
	assert_int_equal(radv6_from_attrs(&rl, &s->radius6, NULL), 0);
	radattr_free(&rl);
	assert_int_equal(hook("ipv6-up", "ppp0", "fe80::1", "fe80::2", "alice"), 0);
	assert_int_equal(W.nsent, 1);
	inet_ntop(AF_INET6, opt(0, 3) + 16, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:0:1::");
	/* RDNSS: RADIUS's two, not [ipv6] dns */
	rd = opt(0, 25);
	assert_non_null(rd);
	assert_int_equal(rd[1], 5);
	inet_ntop(AF_INET6, rd + 8, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::aa");
	inet_ntop(AF_INET6, rd + 24, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::bb");
	/* the /64, then the routes */
	assert_int_equal(W.nroutes, 3);
	assert_int_equal(W.routes[0].len, 64);
	inet_ntop(AF_INET6, &W.routes[1].p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:5::");
	assert_int_equal(W.routes[1].len, 48);
	assert_false(W.routes[1].has_via);
	assert_int_equal(W.routes[1].metric, 0);
	assert_true(W.routes[2].add);
	assert_int_equal(W.routes[2].ifindex, 10);
	assert_true(W.routes[2].has_via);
	inet_ntop(AF_INET6, &W.routes[2].via, buf, sizeof(buf));
	assert_string_equal(buf, "fe80::2");
	assert_int_equal(W.routes[2].metric, 20);
	j = session_json(s, true);
	assert_string_equal(json_string_value(json_object_get(j, "ipv6_prefix")),
			    "2001:db8:0:1::/64");
	r = json_object_get(j, "ipv6_routes");
	assert_int_equal(json_array_size(r), 2);
	assert_string_equal(json_string_value(json_array_get(r, 1)),
			    "2001:db8:7::/48 via fe80::2 metric 20");
	json_decref(j);
	/* DHCPv6's DNS option: RADIUS's too */
	inet_pton(AF_INET6, "fe80::2", &ll);
	ipv6_dhcp_input(V, 10, &ll, inforeq, sizeof(inforeq));
	assert_int_equal(W.nreplies, 1);
	assert_int_equal(W.reply[0], 7); /* Reply */
	for (o = 4; o + 4 <= W.reply_len; o += 4u + (size_t)(W.reply[o + 2] << 8 | W.reply[o + 3]))
		if ((W.reply[o] << 8 | W.reply[o + 1]) == 23)
			break;
	assert_true(o + 4 + 32 <= W.reply_len);
	assert_int_equal(W.reply[o + 2] << 8 | W.reply[o + 3], 32);
	memcpy(&a, W.reply + o + 4, 16);
	inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::aa");
	/* the session ends: the routes go with the /64, and the listeners
	 * after ipv6.c still see its prefix */
	session_end(&A.sess, s, "admin-reset", true);
	assert_int_equal(W.nroutes, 6);
	assert_false(W.routes[3].add);
	assert_int_equal(W.routes[3].len, 48);
	assert_false(W.routes[4].add);
	assert_int_equal(W.routes[4].metric, 20);
	assert_true(W.routes[4].has_via);
	assert_false(W.routes[5].add);
	assert_int_equal(W.routes[5].len, 64);
	assert_int_equal(W.downs, 1);
	assert_string_equal(W.down_prefix, "2001:db8:0:1::/64");
	/* outside the pool: never released into it */
	j = ipv6_json(V);
	assert_int_equal(json_integer_value(json_object_get(j, "pool_used")), 0);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ipv6_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_and_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pref64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_radius, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
