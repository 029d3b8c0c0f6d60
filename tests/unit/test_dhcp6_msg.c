/*
 * DHCPv6 messages (acd/dhcp6_msg.c): the parser of clients' messages, the
 * builder of Advertise and Reply.
 *
 * The client messages at the top are real: captured on a UDP socket bound
 * to [::]:547 (joined to ff02::1:2) in a network namespace over veth, from
 * Debian 12's clients on the other end, nothing answering them:
 *
 *   dhcpcd -B -6 veth0                dhcpcd 9.4.1, Debian's dhcpcd.conf with
 *                                     "duid ll" and, for veth0, "ipv6only",
 *                                     "noipv6rs", "ia_na 1", "ia_pd 2/::/56"
 *   dhclient -6 -P --prefix-len-hint 56 veth0       isc-dhclient 4.4.3-P1,
 *   dhclient -6 -N -P --prefix-len-hint 56 veth0    Debian's dhclient.conf
 *   dhclient -6 -S veth0
 *
 * veth0's MAC was 52:54:00:12:34:56.  dhcpcd sends DUID-LL, IA_NA and IA_PD
 * with T1 = T2 = 0, the hint as an IAPREFIX ::/56 with zero lifetimes, an
 * ORO, Elapsed Time and Rapid Commit; dhclient DUID-LLT (stateful) or
 * DUID-LL (-S, stateless), T1 3600 and T2 5400, no Rapid Commit.  Their
 * retransmissions differ only in Elapsed Time.
 *
 * Then every drop reason, each from one of these with one change (and the
 * message without the change parses); the RFC 8415 §16 rules on Client ID
 * and Server ID for every client type; and answers built, compared with
 * bytes written out by hand from the option layouts of RFC 8415 §21 and
 * RFC 3646, -ENOSPC at every length short of them, and each -EINVAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp6_msg.h"

/* dhcpcd 9.4.1: Solicit */
static const uint8_t sol_dhcpcd[] = {
	0x01, 0xd6, 0x1e, 0x06,                         /* Solicit, xid */
	0x00, 0x01, 0x00, 0x0a,                         /* @4 Client ID, 10 */
	0x00, 0x03, 0x00, 0x01,                         /*   DUID-LL, Ethernet */
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x03, 0x00, 0x0c,                         /* @18 IA_NA, 12 */
	0x00, 0x00, 0x00, 0x01,                         /*   IAID 1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*   T1 0, T2 0 */
	0x00, 0x19, 0x00, 0x29,                         /* @34 IA_PD, 41 */
	0x00, 0x00, 0x00, 0x02,                         /*   IAID 2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*   T1 0, T2 0 */
	0x00, 0x1a, 0x00, 0x19,                         /*   @50 IAPREFIX, 25 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*     preferred 0, valid 0 */
	0x38,                                           /*     @62 /56 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*     :: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x0a,                         /* @79 ORO, 10 */
	0x00, 0x17, 0x00, 0x18, 0x00, 0x27,             /*   23 DNS, 24 search, 39 FQDN */
	0x00, 0x52, 0x00, 0x53,                         /*   82 SOL_MAX_RT, 83 INF_MAX_RT */
	0x00, 0x08, 0x00, 0x02, 0x00, 0x00,             /* @93 Elapsed Time 0 */
	0x00, 0x0e, 0x00, 0x00,                         /* @99 Rapid Commit */
};

/* its third transmission */
static const uint8_t sol_dhcpcd_3rd[] = {
	0x01, 0xd6, 0x1e, 0x06,
	0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x03, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x19, 0x00, 0x29, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x1a, 0x00, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x0a, 0x00, 0x17, 0x00, 0x18, 0x00, 0x27, 0x00, 0x52, 0x00, 0x53,
	0x00, 0x08, 0x00, 0x02, 0x01, 0x29,             /* Elapsed Time 2.97 s */
	0x00, 0x0e, 0x00, 0x00,
};

/* dhclient -6 -P --prefix-len-hint 56: Solicit */
static const uint8_t sol_dhclient_p[] = {
	0x01, 0xa2, 0xf9, 0x10,                         /* Solicit, xid */
	0x00, 0x01, 0x00, 0x0e,                         /* @4 Client ID, 14 */
	0x00, 0x01, 0x00, 0x01,                         /*   DUID-LLT, Ethernet */
	0x32, 0xa7, 0xbe, 0xc4,                         /*   time */
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x06, 0x00, 0x08,                         /* @22 ORO, 8 */
	0x00, 0x17, 0x00, 0x18, 0x00, 0x27, 0x00, 0x1f, /*   23, 24, 39, 31 SNTP */
	0x00, 0x08, 0x00, 0x02, 0x00, 0x00,             /* @34 Elapsed Time 0 */
	0x00, 0x19, 0x00, 0x29,                         /* @40 IA_PD, 41 */
	0x00, 0x12, 0x34, 0x56,                         /*   IAID: the MAC's last 4 bytes */
	0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x15, 0x18, /*   T1 3600, T2 5400 */
	0x00, 0x1a, 0x00, 0x19,                         /*   @56 IAPREFIX, 25 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38,                                           /*     /56 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* dhclient -6 -N -P --prefix-len-hint 56: Solicit, an address and a prefix */
static const uint8_t sol_dhclient_np[] = {
	0x01, 0x26, 0xc4, 0x9b,
	0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x32, 0xa7, 0xbe, 0xcc,
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x06, 0x00, 0x08, 0x00, 0x17, 0x00, 0x18, 0x00, 0x27, 0x00, 0x1f,
	0x00, 0x08, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x03, 0x00, 0x0c,                         /* @40 IA_NA, 12 */
	0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x15, 0x18,
	0x00, 0x19, 0x00, 0x29,                         /* @56 IA_PD, 41 */
	0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x15, 0x18,
	0x00, 0x1a, 0x00, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* dhclient -6 -S: Information-Request */
static const uint8_t inforeq_dhclient[] = {
	0x0b, 0x7b, 0x23, 0xc6,                         /* Information-Request, xid */
	0x00, 0x01, 0x00, 0x0a,                         /* @4 Client ID, 10: DUID-LL */
	0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x06, 0x00, 0x08, 0x00, 0x17, 0x00, 0x18, 0x00, 0x27, 0x00, 0x1f,
	0x00, 0x08, 0x00, 0x02, 0x00, 0x00,
};

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t duid_ll[] = { 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
/* the server's, in the answers: DUID-LL of 02:00:00:00:00:01 */
static const uint8_t our_duid[] = { 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* ---- the real messages ---- */

static void test_solicit_dhcpcd(void **state)
{
	static const struct in6_addr any;
	struct dhcp6_msg m;

	(void)state;
	assert_int_equal(dhcp6_parse(sol_dhcpcd, sizeof(sol_dhcpcd), &m), DHCP6_OK);
	assert_int_equal(m.type, DHCP6_SOLICIT);
	assert_int_equal(m.xid, 0xd61e06);
	assert_ptr_equal(m.clientid, sol_dhcpcd + 8);
	assert_int_equal(m.clientid_len, 10);
	assert_memory_equal(m.clientid, duid_ll, sizeof(duid_ll));
	assert_null(m.serverid);
	assert_int_equal(m.serverid_len, 0);
	assert_true(m.rapid_commit);
	assert_int_equal(m.elapsed, 0);
	assert_true(m.oro_dns);
	assert_true(m.oro_domains);

	assert_int_equal(m.nna, 1);
	assert_int_equal(m.na[0].iaid, 1);
	assert_int_equal(m.na[0].t1, 0);
	assert_int_equal(m.na[0].t2, 0);
	assert_int_equal(m.na[0].nitems, 0);

	assert_int_equal(m.npd, 1);
	assert_int_equal(m.pd[0].iaid, 2);
	assert_int_equal(m.pd[0].nitems, 1);
	assert_int_equal(m.pd[0].item[0].plen, 56);
	assert_memory_equal(&m.pd[0].item[0].addr, &any, 16);
	assert_int_equal(m.pd[0].item[0].preferred, 0);
	assert_int_equal(m.pd[0].item[0].valid, 0);

	assert_int_equal(dhcp6_parse(sol_dhcpcd_3rd, sizeof(sol_dhcpcd_3rd), &m), DHCP6_OK);
	assert_int_equal(m.elapsed, 297);
	assert_int_equal(m.xid, 0xd61e06);
}

static void test_solicit_dhclient(void **state)
{
	struct dhcp6_msg m;

	(void)state;
	assert_int_equal(dhcp6_parse(sol_dhclient_p, sizeof(sol_dhclient_p), &m), DHCP6_OK);
	assert_int_equal(m.type, DHCP6_SOLICIT);
	assert_int_equal(m.xid, 0xa2f910);
	assert_int_equal(m.clientid_len, 14);
	assert_memory_equal(m.clientid, "\x00\x01\x00\x01\x32\xa7\xbe\xc4", 8);
	assert_memory_equal(m.clientid + 8, mac, 6);
	assert_null(m.serverid);
	assert_false(m.rapid_commit);
	assert_true(m.oro_dns && m.oro_domains);
	assert_int_equal(m.nna, 0);
	assert_int_equal(m.npd, 1);
	assert_int_equal(m.pd[0].iaid, 0x00123456);
	assert_int_equal(m.pd[0].t1, 3600);
	assert_int_equal(m.pd[0].t2, 5400);
	assert_int_equal(m.pd[0].nitems, 1);
	assert_int_equal(m.pd[0].item[0].plen, 56);

	assert_int_equal(dhcp6_parse(sol_dhclient_np, sizeof(sol_dhclient_np), &m), DHCP6_OK);
	assert_int_equal(m.xid, 0x26c49b);
	assert_int_equal(m.nna, 1);
	assert_int_equal(m.na[0].iaid, 0x00123456);
	assert_int_equal(m.na[0].t1, 3600);
	assert_int_equal(m.na[0].t2, 5400);
	assert_int_equal(m.na[0].nitems, 0);
	assert_int_equal(m.npd, 1);
	assert_int_equal(m.pd[0].item[0].plen, 56);
}

static void test_inforeq_dhclient(void **state)
{
	struct dhcp6_msg m;

	(void)state;
	assert_int_equal(dhcp6_parse(inforeq_dhclient, sizeof(inforeq_dhclient), &m), DHCP6_OK);
	assert_int_equal(m.type, DHCP6_INFORMATION_REQUEST);
	assert_int_equal(m.xid, 0x7b23c6);
	assert_int_equal(m.clientid_len, 10);
	assert_memory_equal(m.clientid, duid_ll, sizeof(duid_ll));
	assert_true(m.oro_dns && m.oro_domains);
	assert_int_equal(m.nna + m.npd, 0);
	assert_false(m.rapid_commit);
}

/* ---- messages made from them ---- */

struct msg {
	uint8_t b[DHCP6_IN_MAX + 64];
	size_t len;
};

static void from(struct msg *m, const uint8_t *base, size_t len)
{
	memcpy(m->b, base, len);
	m->len = len;
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	set16(p, (uint16_t)(v >> 16));
	set16(p + 2, (uint16_t)v);
}

/* Append an option (val NULL: zeros). */
static void add(struct msg *m, uint16_t code, const void *val, size_t len)
{
	set16(m->b + m->len, code);
	set16(m->b + m->len + 2, (uint16_t)len);
	if (val)
		memcpy(m->b + m->len + 4, val, len);
	else
		memset(m->b + m->len + 4, 0, len);
	m->len += 4 + len;
}

/* An IA_NA or IA_PD of iaid whose options are the len bytes at opts. */
static void add_ia(struct msg *m, uint16_t code, uint32_t iaid, const void *opts, size_t len)
{
	uint8_t v[512] = { 0 };

	put32(v, iaid);
	if (len)
		memcpy(v + 12, opts, len);
	add(m, code, v, 12 + len);
}

/* An IAADDR (IA_NA) or IAPREFIX (IA_PD) of 2001:db8::n with extra bytes
 * of nested options, written at p: its size. */
static size_t item(uint8_t *p, uint16_t code, uint8_t n, const void *extra, size_t xlen)
{
	size_t fixed = code == DHCP6_OPT_IAADDR ? 24 : 25;
	uint8_t *a = p + 4 + (code == DHCP6_OPT_IAADDR ? 0 : 9);

	set16(p, code);
	set16(p + 2, (uint16_t)(fixed + xlen));
	memset(p + 4, 0, fixed);
	if (code == DHCP6_OPT_IAPREFIX)
		p[4 + 8] = 64;
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8, a[7] = n;
	if (xlen)
		memcpy(p + 4 + fixed, extra, xlen);
	return 4 + fixed + xlen;
}

static void expect(const struct msg *m, enum dhcp6_drop d, const char *what)
{
	struct dhcp6_msg pm;
	enum dhcp6_drop got = dhcp6_parse(m->b, m->len, &pm);

	if (got != d)
		fail_msg("%s: got %s, want %s", what, dhcp6_drop_name(got), dhcp6_drop_name(d));
}

/* A message of type with the chosen IDs and an IA_NA (unless an
 * Information-Request), as a client would send it. */
static void make(struct msg *m, uint8_t type, bool cid, bool sid)
{
	m->b[0] = type, m->b[1] = 0x12, m->b[2] = 0x34, m->b[3] = 0x56;
	m->len = 4;
	if (cid)
		add(m, DHCP6_OPT_CLIENTID, duid_ll, sizeof(duid_ll));
	if (sid)
		add(m, DHCP6_OPT_SERVERID, our_duid, sizeof(our_duid));
	if (type != DHCP6_INFORMATION_REQUEST)
		add_ia(m, DHCP6_OPT_IA_NA, 1, NULL, 0);
	add(m, DHCP6_OPT_ELAPSED_TIME, NULL, 2);
}

/* RFC 8415 §16: which types must, may or must not carry each ID. */
static void test_id_rules(void **state)
{
	static const struct {
		uint8_t type;
		enum dhcp6_drop none, cid, sid, both; /* the result with those IDs */
	} rules[] = {
		{ DHCP6_SOLICIT, DHCP6_DROP_CLIENTID, DHCP6_OK, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID },
		{ DHCP6_REQUEST, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID, DHCP6_DROP_CLIENTID, DHCP6_OK },
		{ DHCP6_CONFIRM, DHCP6_DROP_CLIENTID, DHCP6_OK, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID },
		{ DHCP6_RENEW, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID, DHCP6_DROP_CLIENTID, DHCP6_OK },
		{ DHCP6_REBIND, DHCP6_DROP_CLIENTID, DHCP6_OK, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID },
		{ DHCP6_RELEASE, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID, DHCP6_DROP_CLIENTID, DHCP6_OK },
		{ DHCP6_DECLINE, DHCP6_DROP_CLIENTID, DHCP6_DROP_SERVERID, DHCP6_DROP_CLIENTID, DHCP6_OK },
		{ DHCP6_INFORMATION_REQUEST, DHCP6_OK, DHCP6_OK, DHCP6_OK, DHCP6_OK },
	};
	struct dhcp6_msg pm;
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "type %u, no IDs", rules[i].type);
		make(&m, rules[i].type, false, false);
		expect(&m, rules[i].none, what);
		snprintf(what, sizeof(what), "type %u, Client ID", rules[i].type);
		make(&m, rules[i].type, true, false);
		expect(&m, rules[i].cid, what);
		snprintf(what, sizeof(what), "type %u, Server ID", rules[i].type);
		make(&m, rules[i].type, false, true);
		expect(&m, rules[i].sid, what);
		snprintf(what, sizeof(what), "type %u, both IDs", rules[i].type);
		make(&m, rules[i].type, true, true);
		expect(&m, rules[i].both, what);
	}

	/* a Renew as dhcpcd would send it: its Solicit with the server's ID */
	make(&m, DHCP6_RENEW, true, true);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_int_equal(pm.type, DHCP6_RENEW);
	assert_int_equal(pm.xid, 0x123456);
	assert_int_equal(pm.serverid_len, sizeof(our_duid));
	assert_memory_equal(pm.serverid, our_duid, sizeof(our_duid));
	assert_ptr_equal(pm.serverid, m.b + 4 + 14 + 4);
	assert_int_equal(pm.nna, 1);
}

static void test_drop_length(void **state)
{
	struct dhcp6_msg pm;
	struct msg m;
	size_t n;

	(void)state;
	for (n = 0; n < 4; n++) {
		from(&m, sol_dhcpcd, n);
		expect(&m, DHCP6_DROP_SHORT, "under 4 bytes");
	}
	from(&m, inforeq_dhclient, 4);
	expect(&m, DHCP6_OK, "an Information-Request of no options");

	/* padded with an unknown option to the most we take, then one more */
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	add(&m, 0x7777, NULL, DHCP6_IN_MAX - sizeof(sol_dhcpcd) - 4);
	assert_int_equal(m.len, DHCP6_IN_MAX);
	expect(&m, DHCP6_OK, "DHCP6_IN_MAX bytes");
	set16(m.b + sizeof(sol_dhcpcd) + 2, (uint16_t)(DHCP6_IN_MAX - sizeof(sol_dhcpcd) - 3));
	m.b[m.len++] = 0;
	expect(&m, DHCP6_DROP_LONG, "DHCP6_IN_MAX + 1 bytes");
	/* the header's values are there for counting the drop */
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_DROP_LONG);
	assert_int_equal(pm.type, DHCP6_SOLICIT);
	assert_int_equal(pm.xid, 0xd61e06);
}

static void test_drop_type(void **state)
{
	static const uint8_t types[] = {
		0, DHCP6_ADVERTISE, DHCP6_REPLY, DHCP6_RECONFIGURE, DHCP6_RELAY_FORW,
		DHCP6_RELAY_REPL, 14 /* Leasequery */, 20 /* DHCPV4-QUERY */, 255,
	};
	struct dhcp6_msg pm;
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		char what[32];

		snprintf(what, sizeof(what), "type %u", types[i]);
		from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
		m.b[0] = types[i];
		expect(&m, DHCP6_DROP_TYPE, what);
	}
	/* the type is checked before the options */
	from(&m, sol_dhcpcd, 6);
	m.b[0] = DHCP6_RELAY_FORW;
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_DROP_TYPE);
	assert_int_equal(pm.type, DHCP6_RELAY_FORW);
	assert_int_equal(pm.xid, 0xd61e06);
	m.b[0] = DHCP6_SOLICIT;
	expect(&m, DHCP6_DROP_OPTION, "half an option header");
}

/* Options past their parent's end, and fixed sizes. */
static void test_drop_option(void **state)
{
	uint8_t opts[256], in[64];
	struct msg m;
	size_t n, k;

	(void)state;
	/* cut anywhere inside an option: the last one's header or the one
	 * before's value */
	for (n = 5; n < sizeof(sol_dhcpcd); n++) {
		from(&m, sol_dhcpcd, n);
		if (n == 18 || n == 34 || n == 79 || n == 93 || n == 99)
			expect(&m, DHCP6_OK, "cut between options");
		else
			expect(&m, DHCP6_DROP_OPTION, "cut inside an option");
	}
	/* the last option's length one past the end */
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	set16(m.b + 101, 1);
	expect(&m, DHCP6_DROP_OPTION, "Rapid Commit's length past the end");
	m.b[m.len++] = 0;
	expect(&m, DHCP6_DROP_OPTION, "Rapid Commit of 1 byte");

	/* the IA_PD one byte longer: it takes the ORO's first byte, which is
	 * no whole option inside it */
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	set16(m.b + 36, 42);
	expect(&m, DHCP6_DROP_OPTION, "IA_PD one byte longer");
	/* the IAPREFIX one byte longer than its IA_PD */
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	set16(m.b + 52, 26);
	expect(&m, DHCP6_DROP_OPTION, "IAPREFIX past its IA_PD");
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	m.b[62] = 129;
	expect(&m, DHCP6_DROP_OPTION, "IAPREFIX /129");
	m.b[62] = 128;
	expect(&m, DHCP6_OK, "IAPREFIX /128");

	/* ORO of odd length, the last option: nothing else is wrong */
	from(&m, sol_dhcpcd, 79);
	add(&m, DHCP6_OPT_ORO, "\x00\x17\x00", 3);
	expect(&m, DHCP6_DROP_OPTION, "ORO of 3 bytes");
	from(&m, sol_dhcpcd, 79);
	add(&m, DHCP6_OPT_ORO, "\x00\x17\x00\x18", 4);
	expect(&m, DHCP6_OK, "ORO of 4 bytes");
	from(&m, sol_dhcpcd, 79);
	add(&m, DHCP6_OPT_ORO, NULL, 0);
	expect(&m, DHCP6_OK, "ORO of 0 bytes");

	/* fixed sizes, on dhcpcd's Solicit before its Elapsed Time */
	{
		static const struct {
			uint16_t code;
			size_t bad1, bad2, good;
		} sizes[] = {
			{ DHCP6_OPT_ELAPSED_TIME, 1, 3, 2 },
			{ DHCP6_OPT_PREFERENCE, 0, 2, 1 },
			{ DHCP6_OPT_RAPID_COMMIT, 1, 2, 0 },
			{ DHCP6_OPT_STATUS_CODE, 0, 1, 2 },
			{ DHCP6_OPT_IA_NA, 0, 11, 12 },
			{ DHCP6_OPT_IA_PD, 4, 11, 12 },
			{ DHCP6_OPT_IA_TA, 0, 3, 4 },
		};

		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			char what[48];

			snprintf(what, sizeof(what), "option %u of %zu bytes", sizes[k].code, sizes[k].bad1);
			from(&m, sol_dhcpcd, 93);
			add(&m, sizes[k].code, "\0\0\0\0\0\0\0\x09\0\0\0\0", sizes[k].bad1);
			expect(&m, DHCP6_DROP_OPTION, what);
			snprintf(what, sizeof(what), "option %u of %zu bytes", sizes[k].code, sizes[k].bad2);
			from(&m, sol_dhcpcd, 93);
			add(&m, sizes[k].code, "\0\0\0\0\0\0\0\x09\0\0\0\0", sizes[k].bad2);
			expect(&m, DHCP6_DROP_OPTION, what);
			snprintf(what, sizeof(what), "option %u of %zu bytes", sizes[k].code, sizes[k].good);
			from(&m, sol_dhcpcd, 93);
			add(&m, sizes[k].code, "\0\0\0\0\0\0\0\x09\0\0\0\0", sizes[k].good);
			expect(&m, DHCP6_OK, what);
		}
	}

	/* IAADDR under 24 bytes, IAPREFIX under 25; in IA_TA too */
	for (k = 0; k < 3; k++) {
		static const uint16_t ia[] = { DHCP6_OPT_IA_NA, DHCP6_OPT_IA_PD, DHCP6_OPT_IA_TA };
		uint16_t code = ia[k] == DHCP6_OPT_IA_PD ? DHCP6_OPT_IAPREFIX : DHCP6_OPT_IAADDR;
		size_t skip = ia[k] == DHCP6_OPT_IA_TA ? 8 : 0; /* IA_TA: IAID only */

		n = item(opts, code, 1, NULL, 0);
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia[k], 9, opts, n);
		memmove(m.b + 40 + 8, m.b + 40 + 8 + skip, m.len - 48 - skip);
		m.len -= skip;
		set16(m.b + 42, (uint16_t)(12 - skip + n));
		expect(&m, DHCP6_OK, "a whole item");
		set16(m.b + 40 + 4 + 12 - skip + 2, (uint16_t)(n - 5));
		set16(m.b + 42, (uint16_t)(12 - skip + n - 1));
		m.len--;
		expect(&m, DHCP6_DROP_OPTION, "an item one byte short");
	}

	/* options inside an IAADDR or IAPREFIX fit it */
	for (k = 0; k < 2; k++) {
		uint16_t ia = k ? DHCP6_OPT_IA_PD : DHCP6_OPT_IA_NA;
		uint16_t code = k ? DHCP6_OPT_IAPREFIX : DHCP6_OPT_IAADDR;

		memcpy(in, "\x00\x0d\x00\x03\x00\x00x", 7); /* Status Code Success "x" */
		n = item(opts, code, 1, in, 7);
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia, 9, opts, n);
		expect(&m, DHCP6_OK, "Status Code inside an item");
		n = item(opts, code, 1, in, 6);
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia, 9, opts, n);
		expect(&m, DHCP6_DROP_OPTION, "Status Code one byte past its item");
		n = item(opts, code, 1, in, 3);
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia, 9, opts, n);
		expect(&m, DHCP6_DROP_OPTION, "half an option header inside an item");
		/* a Status Code in the IA itself is at least its code */
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia, 9, "\x00\x0d\x00\x01\x00", 5);
		expect(&m, DHCP6_DROP_OPTION, "Status Code of 1 byte inside an IA");
		from(&m, sol_dhclient_p, 40);
		add_ia(&m, ia, 9, "\x00\x0d\x00\x02\x00\x00", 6);
		expect(&m, DHCP6_OK, "Status Code of 2 bytes inside an IA");
	}

	/* §16.12: an Information-Request asks for no address, no prefix */
	from(&m, inforeq_dhclient, sizeof(inforeq_dhclient));
	add_ia(&m, DHCP6_OPT_IA_NA, 1, NULL, 0);
	expect(&m, DHCP6_DROP_OPTION, "IA_NA in an Information-Request");
	from(&m, inforeq_dhclient, sizeof(inforeq_dhclient));
	add_ia(&m, DHCP6_OPT_IA_PD, 1, NULL, 0);
	expect(&m, DHCP6_DROP_OPTION, "IA_PD in an Information-Request");
	from(&m, inforeq_dhclient, sizeof(inforeq_dhclient));
	add(&m, DHCP6_OPT_IA_TA, NULL, 4);
	expect(&m, DHCP6_DROP_OPTION, "IA_TA in an Information-Request");
}

static void test_drop_duplicate(void **state)
{
	static const struct {
		uint16_t code;
		const char *val;
		size_t len;
	} once[] = {
		{ DHCP6_OPT_CLIENTID, (const char *)duid_ll, sizeof(duid_ll) },
		{ DHCP6_OPT_ORO, "\x00\x17", 2 },
		{ DHCP6_OPT_ELAPSED_TIME, "\x00\x00", 2 },
		{ DHCP6_OPT_RAPID_COMMIT, "", 0 },
	};
	struct dhcp6_msg pm;
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "option %u twice", once[i].code);
		from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
		add(&m, once[i].code, once[i].val, once[i].len);
		expect(&m, DHCP6_DROP_DUPLICATE, what);
	}
	make(&m, DHCP6_REQUEST, true, true);
	expect(&m, DHCP6_OK, "Request");
	add(&m, DHCP6_OPT_SERVERID, our_duid, sizeof(our_duid));
	expect(&m, DHCP6_DROP_DUPLICATE, "Server ID twice");
	make(&m, DHCP6_REQUEST, true, true);
	add(&m, DHCP6_OPT_PREFERENCE, "\xff", 1);
	expect(&m, DHCP6_OK, "Preference once");
	add(&m, DHCP6_OPT_PREFERENCE, "\xff", 1);
	expect(&m, DHCP6_DROP_DUPLICATE, "Preference twice");

	/* one IAID per kind of IA */
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	add_ia(&m, DHCP6_OPT_IA_NA, 1, NULL, 0);
	expect(&m, DHCP6_DROP_DUPLICATE, "IA_NA 1 twice");
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	add_ia(&m, DHCP6_OPT_IA_PD, 2, NULL, 0);
	expect(&m, DHCP6_DROP_DUPLICATE, "IA_PD 2 twice");
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	add_ia(&m, DHCP6_OPT_IA_NA, 2, NULL, 0);
	add_ia(&m, DHCP6_OPT_IA_PD, 1, NULL, 0);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_int_equal(pm.nna, 2);
	assert_int_equal(pm.npd, 2);
	assert_int_equal(pm.na[1].iaid, 2);
	assert_int_equal(pm.pd[1].iaid, 1);
}

static void test_drop_clientid(void **state)
{
	uint8_t duid[DHCP6_DUID_MAX + 1];
	struct msg m;

	(void)state;
	memset(duid, 0xd1, sizeof(duid));
	/* dhcpcd's Solicit without its Client ID */
	from(&m, sol_dhcpcd, 4);
	memcpy(m.b + 4, sol_dhcpcd + 18, sizeof(sol_dhcpcd) - 18);
	m.len = sizeof(sol_dhcpcd) - 14;
	expect(&m, DHCP6_DROP_CLIENTID, "Solicit without Client ID");
	add(&m, DHCP6_OPT_CLIENTID, duid, DHCP6_DUID_MIN - 1);
	expect(&m, DHCP6_DROP_CLIENTID, "a DUID of its type only");
	m.len -= 4 + DHCP6_DUID_MIN - 1;
	add(&m, DHCP6_OPT_CLIENTID, duid, 0);
	expect(&m, DHCP6_DROP_CLIENTID, "an empty Client ID");
	m.len -= 4;
	add(&m, DHCP6_OPT_CLIENTID, duid, DHCP6_DUID_MIN);
	expect(&m, DHCP6_OK, "a DUID of 3 bytes");
	m.len -= 4 + DHCP6_DUID_MIN;
	add(&m, DHCP6_OPT_CLIENTID, duid, DHCP6_DUID_MAX);
	expect(&m, DHCP6_OK, "a DUID of 130 bytes");
	m.len -= 4 + DHCP6_DUID_MAX;
	add(&m, DHCP6_OPT_CLIENTID, duid, DHCP6_DUID_MAX + 1);
	expect(&m, DHCP6_DROP_CLIENTID, "a DUID of 131 bytes");

	/* where it is optional, a bad one still drops */
	from(&m, inforeq_dhclient, 4);
	expect(&m, DHCP6_OK, "Information-Request without Client ID");
	add(&m, DHCP6_OPT_CLIENTID, duid, DHCP6_DUID_MAX + 1);
	expect(&m, DHCP6_DROP_CLIENTID, "Information-Request, a DUID of 131 bytes");
}

static void test_drop_serverid(void **state)
{
	uint8_t duid[DHCP6_DUID_MAX + 1];
	struct msg m;

	(void)state;
	memset(duid, 0x5e, sizeof(duid));
	make(&m, DHCP6_RENEW, true, false);
	expect(&m, DHCP6_DROP_SERVERID, "Renew without Server ID");
	add(&m, DHCP6_OPT_SERVERID, duid, 2);
	expect(&m, DHCP6_DROP_SERVERID, "a Server ID of 2 bytes");
	m.len -= 4 + 2;
	add(&m, DHCP6_OPT_SERVERID, duid, DHCP6_DUID_MAX + 1);
	expect(&m, DHCP6_DROP_SERVERID, "a Server ID of 131 bytes");
	m.len -= 4 + DHCP6_DUID_MAX + 1;
	add(&m, DHCP6_OPT_SERVERID, duid, DHCP6_DUID_MAX);
	expect(&m, DHCP6_OK, "a Server ID of 130 bytes");

	/* dhclient's Solicit with a Server ID */
	from(&m, sol_dhclient_p, sizeof(sol_dhclient_p));
	add(&m, DHCP6_OPT_SERVERID, our_duid, sizeof(our_duid));
	expect(&m, DHCP6_DROP_SERVERID, "Solicit with Server ID");
}

static void test_drop_too_many(void **state)
{
	uint8_t opts[5 * 29];
	struct dhcp6_msg pm;
	struct msg m;
	size_t n = 0;
	uint32_t i;

	(void)state;
	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	for (i = 2; i <= DHCP6_IA_MAX; i++)
		add_ia(&m, DHCP6_OPT_IA_NA, i, NULL, 0);
	expect(&m, DHCP6_OK, "4 IA_NA");
	add_ia(&m, DHCP6_OPT_IA_NA, 99, NULL, 0);
	expect(&m, DHCP6_DROP_TOO_MANY, "5 IA_NA");

	from(&m, sol_dhcpcd, sizeof(sol_dhcpcd));
	for (i = 3; i <= DHCP6_IA_MAX + 1; i++)
		add_ia(&m, DHCP6_OPT_IA_PD, i, NULL, 0);
	expect(&m, DHCP6_OK, "4 IA_PD");
	add_ia(&m, DHCP6_OPT_IA_PD, 99, NULL, 0);
	expect(&m, DHCP6_DROP_TOO_MANY, "5 IA_PD");

	for (i = 0; i < DHCP6_IA_ITEMS_MAX; i++)
		n += item(opts + n, DHCP6_OPT_IAPREFIX, (uint8_t)i, NULL, 0);
	from(&m, sol_dhclient_p, 40);
	add_ia(&m, DHCP6_OPT_IA_PD, 7, opts, n);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_int_equal(pm.pd[0].nitems, DHCP6_IA_ITEMS_MAX);
	assert_int_equal(pm.pd[0].item[3].addr.s6_addr[7], 3);
	assert_int_equal(pm.pd[0].item[3].plen, 64);
	n += item(opts + n, DHCP6_OPT_IAPREFIX, 9, NULL, 0);
	from(&m, sol_dhclient_p, 40);
	add_ia(&m, DHCP6_OPT_IA_PD, 7, opts, n);
	expect(&m, DHCP6_DROP_TOO_MANY, "5 IAPREFIX");

	for (n = 0, i = 0; i <= DHCP6_IA_ITEMS_MAX; i++)
		n += item(opts + n, DHCP6_OPT_IAADDR, (uint8_t)i, NULL, 0);
	from(&m, sol_dhclient_p, 40);
	add_ia(&m, DHCP6_OPT_IA_NA, 7, opts, n);
	expect(&m, DHCP6_DROP_TOO_MANY, "5 IAADDR");
	/* IA_TA's addresses are not kept: not too many */
	from(&m, sol_dhclient_p, 40);
	add(&m, DHCP6_OPT_IA_TA, NULL, 4 + n);
	memcpy(m.b + m.len - n, opts, n);
	expect(&m, DHCP6_OK, "5 IAADDR in IA_TA");
}

/* What the parser takes that a stricter one might not. */
static void test_lenient(void **state)
{
	uint8_t opts[128];
	struct dhcp6_msg pm;
	struct msg m;
	size_t n;

	(void)state;
	from(&m, sol_dhclient_np, sizeof(sol_dhclient_np));
	add(&m, 39, "\x00\x04" "cpe1\x00", 7);          /* FQDN */
	add(&m, 16, "\x00\x00\x0d\xe9\x00\x03" "abc", 9); /* Vendor Class */
	add(&m, 0xffff, NULL, 0);
	add(&m, DHCP6_OPT_DNS_SERVERS, NULL, 16);       /* a server's option */
	add(&m, DHCP6_OPT_STATUS_CODE, "\x00\x00", 2);
	add(&m, DHCP6_OPT_PREFERENCE, "\x07", 1);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_int_equal(pm.nna, 1);
	assert_int_equal(pm.npd, 1);

	/* an IA's unknown options, and an IAPREFIX in an IA_NA, are skipped */
	n = item(opts, DHCP6_OPT_IAPREFIX, 1, NULL, 0);
	memcpy(opts + n, "\x12\x34\x00\x01\x00", 5);
	n += 5;
	n += item(opts + n, DHCP6_OPT_IAADDR, 5, NULL, 0);
	from(&m, sol_dhclient_p, 40);
	add_ia(&m, DHCP6_OPT_IA_NA, 7, opts, n);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_int_equal(pm.na[0].nitems, 1);
	assert_int_equal(pm.na[0].item[0].plen, 128);
	assert_int_equal(pm.na[0].item[0].addr.s6_addr[7], 5);

	/* an ORO without DNS and search list */
	from(&m, sol_dhclient_p, sizeof(sol_dhclient_p));
	set16(m.b + 28, 39); /* 23, 39, 39, 31 */
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_true(pm.oro_dns);
	assert_false(pm.oro_domains);
	set16(m.b + 26, 0x0017 + 0x0100);
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_false(pm.oro_dns || pm.oro_domains);
	set16(m.b + 24, 0);
	m.len = 26;
	assert_int_equal(dhcp6_parse(m.b, m.len, &pm), DHCP6_OK);
	assert_false(pm.oro_dns || pm.oro_domains);
}

static void test_drop_names(void **state)
{
	static const char *const want[] = {
		"ok", "short", "type", "option", "duplicate", "client-id", "server-id", "too-many", "long",
	};
	unsigned i;

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), DHCP6_DROP_MAX);
	for (i = 0; i < DHCP6_DROP_MAX; i++)
		assert_string_equal(dhcp6_drop_name((enum dhcp6_drop)i), want[i]);
	assert_string_equal(dhcp6_drop_name(DHCP6_DROP_MAX), "unknown");
	assert_string_equal(dhcp6_drop_name((enum dhcp6_drop)-1), "unknown");
}

/* ---- answers ---- */

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/*
 * The Reply to dhcpcd's Solicit with Rapid Commit: an address, a /56,
 * two DNS servers and two search domains.
 */
static const uint8_t reply_rapid[] = {
	0x07, 0xd6, 0x1e, 0x06,                         /* Reply, the Solicit's xid */
	0x00, 0x01, 0x00, 0x0a,                         /* Client ID (§21.2), 10 */
	0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x02, 0x00, 0x0a,                         /* Server ID (§21.3), 10 */
	0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x0e, 0x00, 0x00,                         /* Rapid Commit (§21.14) */
	0x00, 0x03, 0x00, 0x28,                         /* IA_NA (§21.4), 12 + 28 */
	0x00, 0x00, 0x00, 0x01,                         /*   IAID 1 */
	0x00, 0x00, 0x07, 0x08,                         /*   T1 1800 */
	0x00, 0x00, 0x0b, 0x40,                         /*   T2 2880 */
	0x00, 0x05, 0x00, 0x18,                         /*   IAADDR (§21.6), 24 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /*     2001:db8::102 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
	0x00, 0x00, 0x0e, 0x10,                         /*     preferred 3600 */
	0x00, 0x00, 0x1c, 0x20,                         /*     valid 7200 */
	0x00, 0x19, 0x00, 0x29,                         /* IA_PD (§21.21), 12 + 29 */
	0x00, 0x00, 0x00, 0x02,                         /*   IAID 2 */
	0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x0b, 0x40, /*   T1 1800, T2 2880 */
	0x00, 0x1a, 0x00, 0x19,                         /*   IAPREFIX (§21.22), 25 */
	0x00, 0x00, 0x0e, 0x10,                         /*     preferred 3600 */
	0x00, 0x00, 0x1c, 0x20,                         /*     valid 7200 */
	0x38,                                           /*     /56 */
	0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0x00, 0x00, /*     2001:db8:100:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x17, 0x00, 0x20,                         /* DNS servers (RFC 3646 §3), 2 x 16 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /*   2001:db8::53 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /*   2001:db8::35 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x35,
	0x00, 0x18, 0x00, 0x1a,                         /* Domain Search List (RFC 3646 §4), 26 */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e',        /*   example.net. */
	0x03, 'n', 'e', 't', 0x00,
	0x03, 'i', 's', 'p',                            /*   isp.example. */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x00,
};

static void reply_rapid_of(struct dhcp6_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->type = DHCP6_REPLY;
	r->xid = 0xd61e06;
	r->clientid = duid_ll;
	r->clientid_len = sizeof(duid_ll);
	r->serverid = our_duid;
	r->serverid_len = sizeof(our_duid);
	r->rapid_commit = true;
	r->nna = 1;
	r->na[0] = (struct dhcp6_reply_ia){ .iaid = 1, .t1 = 1800, .t2 = 2880, .has_item = true,
					    .item = { .addr = in6("2001:db8::102"), .plen = 128,
						      .preferred = 3600, .valid = 7200 } };
	r->npd = 1;
	r->pd[0] = (struct dhcp6_reply_ia){ .iaid = 2, .t1 = 1800, .t2 = 2880, .has_item = true,
					    .item = { .addr = in6("2001:db8:100::"), .plen = 56,
						      .preferred = 3600, .valid = 7200 } };
	r->ndns = 2;
	r->dns[0] = in6("2001:db8::53");
	r->dns[1] = in6("2001:db8::35");
	r->nsearch = 2;
	strcpy(r->search[0], "example.net");
	strcpy(r->search[1], "isp.example."); /* the root's dot, written */
}

/* The Advertise to dhclient's Solicit: no prefix to give (§18.3.9), at
 * the highest preference. */
static const uint8_t advertise_noprefix[] = {
	0x02, 0xa2, 0xf9, 0x10,                         /* Advertise, xid */
	0x00, 0x01, 0x00, 0x0e,                         /* Client ID: dhclient's DUID-LLT */
	0x00, 0x01, 0x00, 0x01, 0x32, 0xa7, 0xbe, 0xc4, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x02, 0x00, 0x0a,
	0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x07, 0x00, 0x01, 0xff,                   /* Preference (§21.8) 255 */
	0x00, 0x19, 0x00, 0x12,                         /* IA_PD, 12 + 6 */
	0x00, 0x12, 0x34, 0x56, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0d, 0x00, 0x02, 0x00, 0x06,             /*   Status Code (§21.13) NoPrefixAvail */
};

/* The Reply to dhclient's Information-Request (§18.3.6). */
static const uint8_t reply_info[] = {
	0x07, 0x7b, 0x23, 0xc6,
	0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x02, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x17, 0x00, 0x10,                         /* DNS servers, 1 x 16 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,
	0x00, 0x18, 0x00, 0x0d,                         /* Domain Search List, 13 */
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'n', 'e', 't', 0x00,
	0x00, 0x20, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80, /* Information Refresh Time (§21.23) 86400 */
};

/* The same to an Information-Request without Client ID. */
static const uint8_t reply_info_anon[] = {
	0x07, 0x7b, 0x23, 0xc6,
	0x00, 0x02, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x17, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,
	0x00, 0x18, 0x00, 0x0d,
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'n', 'e', 't', 0x00,
	0x00, 0x20, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,
};

/* The Reply to a Release (§18.3.7): Success, with a text; NoBinding for
 * the IA_NA the server did not know. */
static const uint8_t reply_release[] = {
	0x07, 0x12, 0x34, 0x56,
	0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x00, 0x02, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x0d, 0x00, 0x0a,                         /* Status Code, 2 + 8 */
	0x00, 0x00, 'r', 'e', 'l', 'e', 'a', 's', 'e', 'd', /* Success "released" */
	0x00, 0x03, 0x00, 0x12,                         /* IA_NA, 12 + 6 */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0d, 0x00, 0x02, 0x00, 0x03,             /*   NoBinding */
};

/* Build r, compare with want; then every shorter buffer is -ENOSPC and
 * leaves what follows it alone. */
static void check_build(const struct dhcp6_reply *r, const uint8_t *want, size_t want_len)
{
	uint8_t buf[DHCP6_MSG_MAX + 16];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(dhcp6_build(r, buf, sizeof(buf)), (int)want_len);
	assert_memory_equal(buf, want, want_len);
	for (n = 0; n < want_len; n++) {
		memset(buf, 0xee, sizeof(buf));
		if (dhcp6_build(r, buf, n) != -ENOSPC)
			fail_msg("%zu of %zu bytes: not -ENOSPC", n, want_len);
		if (buf[n] != 0xee)
			fail_msg("%zu of %zu bytes: written past the end", n, want_len);
	}
	assert_int_equal(dhcp6_build(r, buf, want_len), (int)want_len);
}

static void test_build_golden(void **state)
{
	struct dhcp6_reply r;

	(void)state;
	reply_rapid_of(&r);
	check_build(&r, reply_rapid, sizeof(reply_rapid));

	memset(&r, 0, sizeof(r));
	r.type = DHCP6_ADVERTISE;
	r.xid = 0xa2f910;
	r.clientid = sol_dhclient_p + 8;
	r.clientid_len = 14;
	r.serverid = our_duid;
	r.serverid_len = sizeof(our_duid);
	r.has_preference = true;
	r.preference = 255;
	r.npd = 1;
	r.pd[0].iaid = 0x00123456;
	r.pd[0].status = DHCP6_NO_PREFIX_AVAIL;
	check_build(&r, advertise_noprefix, sizeof(advertise_noprefix));

	memset(&r, 0, sizeof(r));
	r.type = DHCP6_REPLY;
	r.xid = 0x7b23c6;
	r.clientid = duid_ll;
	r.clientid_len = sizeof(duid_ll);
	r.serverid = our_duid;
	r.serverid_len = sizeof(our_duid);
	r.ndns = 1;
	r.dns[0] = in6("2001:db8::53");
	r.nsearch = 1;
	strcpy(r.search[0], "example.net");
	r.info_refresh = 86400;
	check_build(&r, reply_info, sizeof(reply_info));
	r.clientid = NULL;
	r.clientid_len = 0;
	check_build(&r, reply_info_anon, sizeof(reply_info_anon));

	memset(&r, 0, sizeof(r));
	r.type = DHCP6_REPLY;
	r.xid = 0x123456;
	r.clientid = duid_ll;
	r.clientid_len = sizeof(duid_ll);
	r.serverid = our_duid;
	r.serverid_len = sizeof(our_duid);
	r.has_status = true;
	r.status = DHCP6_SUCCESS;
	r.status_msg = "released";
	r.nna = 1;
	r.na[0].iaid = 1;
	r.na[0].status = DHCP6_NO_BINDING;
	check_build(&r, reply_release, sizeof(reply_release));
}

/* What we build, a client's parser of our layouts reads back: the parser
 * is the client side's too, once the type is one a client sends. */
static void test_build_parses(void **state)
{
	uint8_t buf[DHCP6_MSG_MAX];
	struct dhcp6_reply r;
	struct dhcp6_msg m;
	int n;

	(void)state;
	reply_rapid_of(&r);
	r.nna = 2;
	r.na[1] = (struct dhcp6_reply_ia){ .iaid = 7, .status = DHCP6_NO_ADDRS_AVAIL };
	n = dhcp6_build(&r, buf, sizeof(buf));
	assert_true(n > 0);
	buf[0] = DHCP6_RENEW;
	assert_int_equal(dhcp6_parse(buf, (size_t)n, &m), DHCP6_OK);
	assert_int_equal(m.xid, r.xid);
	assert_memory_equal(m.clientid, duid_ll, sizeof(duid_ll));
	assert_memory_equal(m.serverid, our_duid, sizeof(our_duid));
	assert_true(m.rapid_commit);
	assert_int_equal(m.nna, 2);
	assert_int_equal(m.na[0].iaid, 1);
	assert_int_equal(m.na[0].t1, 1800);
	assert_int_equal(m.na[0].t2, 2880);
	assert_int_equal(m.na[0].nitems, 1);
	assert_memory_equal(&m.na[0].item[0].addr, &r.na[0].item.addr, 16);
	assert_int_equal(m.na[0].item[0].preferred, 3600);
	assert_int_equal(m.na[0].item[0].valid, 7200);
	assert_int_equal(m.na[1].iaid, 7);
	assert_int_equal(m.na[1].nitems, 0);
	assert_int_equal(m.npd, 1);
	assert_int_equal(m.pd[0].item[0].plen, 56);
	assert_memory_equal(&m.pd[0].item[0].addr, &r.pd[0].item.addr, 16);
}

/* A name of len characters: labels of 63 'a'..'z' and dots. */
static void long_name(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = i % 64 == 63 ? '.' : (char)('a' + i / 64);
	s[len] = 0;
}

/* DHCP6_MSG_MAX bounds what we build, whatever the buffer. */
static void test_build_cap(void **state)
{
	static uint8_t duid[DHCP6_DUID_MAX];
	uint8_t buf[4096];
	struct dhcp6_reply r;
	unsigned i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.type = DHCP6_REPLY;
	r.clientid = duid;
	r.clientid_len = sizeof(duid);
	r.serverid = our_duid;
	r.serverid_len = sizeof(our_duid);
	r.nna = r.npd = DHCP6_IA_MAX;
	for (i = 0; i < DHCP6_IA_MAX; i++) {
		r.na[i] = (struct dhcp6_reply_ia){ .iaid = i, .has_item = true };
		r.pd[i] = (struct dhcp6_reply_ia){ .iaid = i, .has_item = true, .item.plen = 64 };
	}
	r.ndns = DHCP6_DNS_MAX;
	r.nsearch = DHCP6_SEARCH_MAX;
	r.info_refresh = 600;
	/* 4 + 134 + 14 + 4 x 44 + 4 x 45 + 52 + 4 + names + 8 = 572 + names'
	 * wire bytes: 3 of 253 characters (255 each), one of 113 (115) make
	 * DHCP6_MSG_MAX */
	for (i = 0; i < 3; i++)
		long_name(r.search[i], 253);
	long_name(r.search[3], 113);
	assert_int_equal(dhcp6_build(&r, buf, sizeof(buf)), DHCP6_MSG_MAX);
	long_name(r.search[3], 114);
	assert_int_equal(dhcp6_build(&r, buf, sizeof(buf)), -ENOSPC);

	/* a status text longer than any message */
	memset(&r, 0, sizeof(r));
	r.type = DHCP6_REPLY;
	r.serverid = our_duid;
	r.serverid_len = sizeof(our_duid);
	r.has_status = true;
	r.status = DHCP6_UNSPEC_FAIL;
	memset(buf, 'x', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = 0;
	r.status_msg = (const char *)buf;
	{
		uint8_t out[DHCP6_MSG_MAX];

		assert_int_equal(dhcp6_build(&r, out, sizeof(out)), -ENOSPC);
		buf[DHCP6_MSG_MAX - 4 - 14 - 6] = 0;
		assert_int_equal(dhcp6_build(&r, out, sizeof(out)), DHCP6_MSG_MAX);
	}
}

/* Each -EINVAL, from the good Reply, changes nothing in the buffer. */
static void test_build_einval(void **state)
{
	static uint8_t duid[DHCP6_DUID_MAX + 1];
	static const char *const bad_names[] = {
		"", ".", "..", "example..net", ".example.net", "-isp.example", "isp-.example",
		"isp.-example", "isp_1.example", "isp example", "isp.example..", "caf\xc3\xa9.example",
		"example.net/", "*.example",
	};
	static const char *const good_names[] = {
		"a", "a.", "xn--caf-dma.example", "1.2.3.example", "ISP.Example.", "0-0.net",
	};
	uint8_t buf[DHCP6_MSG_MAX], clean[DHCP6_MSG_MAX];
	struct dhcp6_reply good, r;
	size_t i;

	(void)state;
	memset(clean, 0xee, sizeof(clean));
	reply_rapid_of(&good);
	assert_int_equal(dhcp6_build(&good, buf, sizeof(buf)), (int)sizeof(reply_rapid));

#define BAD(what, change)                                                            \
	do {                                                                          \
		r = good;                                                             \
		change;                                                               \
		memset(buf, 0xee, sizeof(buf));                                       \
		if (dhcp6_build(&r, buf, sizeof(buf)) != -EINVAL)                     \
			fail_msg("%s: not -EINVAL", what);                            \
		if (memcmp(buf, clean, sizeof(buf)) != 0)                             \
			fail_msg("%s: written to", what);                             \
	} while (0)

	BAD("type Solicit", r.type = DHCP6_SOLICIT);
	BAD("type Reconfigure", r.type = DHCP6_RECONFIGURE);
	BAD("xid of 25 bits", r.xid = 0x1000000);
	BAD("no Server ID", r.serverid = NULL);
	BAD("Server ID of 2 bytes", r.serverid_len = 2);
	BAD("Server ID of 131 bytes", (r.serverid = duid, r.serverid_len = sizeof(duid)));
	BAD("Client ID of 131 bytes", (r.clientid = duid, r.clientid_len = sizeof(duid)));
	BAD("Client ID of 0 bytes", r.clientid_len = 0);
	BAD("Client ID NULL with a length", r.clientid = NULL);
	BAD("Advertise without Client ID",
	    (r.type = DHCP6_ADVERTISE, r.rapid_commit = false, r.clientid = NULL, r.clientid_len = 0));
	BAD("Rapid Commit in an Advertise", r.type = DHCP6_ADVERTISE);
	BAD("Preference in a Reply", r.has_preference = true);
	BAD("5 IA_NA", r.nna = DHCP6_IA_MAX + 1);
	BAD("5 IA_PD", r.npd = DHCP6_IA_MAX + 1);
	BAD("4 DNS servers", r.ndns = DHCP6_DNS_MAX + 1);
	BAD("5 search domains", r.nsearch = DHCP6_SEARCH_MAX + 1);
	BAD("IA_NA with an item and a status", r.na[0].status = DHCP6_NO_ADDRS_AVAIL);
	BAD("IA_PD with neither item nor status", r.pd[0].has_item = false);
	BAD("T1 > T2", r.na[0].t1 = 2881);
	BAD("preferred > valid", r.pd[0].item.preferred = 7201);
	BAD("IAPREFIX /0", r.pd[0].item.plen = 0);
	BAD("IAPREFIX /129", r.pd[0].item.plen = 129);
	BAD("IAPREFIX with host bits", r.pd[0].item.addr.s6_addr[7] = 1);
	BAD("IAPREFIX /56 with the first bit past it", r.pd[0].item.addr.s6_addr[7] = 0x80);
	BAD("a label of 64", (memset(r.search[1], 'a', 64), r.search[1][64] = 0));
	BAD("unterminated name", memset(r.search[1], 'a', sizeof(r.search[1])));
	/* 253 characters and the root's dot fill the array: good labels, 255
	 * bytes on the wire, but no NUL to end them */
	BAD("a good name with no NUL", (long_name(r.search[1], DHCP6_DOMAIN_MAX),
					r.search[1][DHCP6_DOMAIN_MAX] = '.'));
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		BAD(bad_names[i], strcpy(r.search[1], bad_names[i]));
#undef BAD

	/* the edges that are good */
	for (i = 0; i < sizeof(good_names) / sizeof(good_names[0]); i++) {
		r = good;
		strcpy(r.search[1], good_names[i]);
		if (dhcp6_build(&r, buf, sizeof(buf)) <= 0)
			fail_msg("%s: refused", good_names[i]);
	}
	r = good;
	long_name(r.search[1], 63);
	assert_true(dhcp6_build(&r, buf, sizeof(buf)) > 0);
	long_name(r.search[1], DHCP6_DOMAIN_MAX);
	assert_true(dhcp6_build(&r, buf, sizeof(buf)) > 0);
	r = good;
	r.na[0].t1 = 5000, r.na[0].t2 = 0; /* T2 0: the client picks it */
	r.pd[0].item.plen = 128;
	r.pd[0].item.addr.s6_addr[15] = 1;
	r.pd[0].item.preferred = r.pd[0].item.valid = 0; /* withdrawn */
	r.na[0].item.plen = 0;                           /* not sent */
	assert_true(dhcp6_build(&r, buf, sizeof(buf)) > 0);
	r.status = (enum dhcp6_status)0xffff;            /* any code, not just ours */
	r.has_status = true;
	assert_true(dhcp6_build(&r, buf, sizeof(buf)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solicit_dhcpcd),
		cmocka_unit_test(test_solicit_dhclient),
		cmocka_unit_test(test_inforeq_dhclient),
		cmocka_unit_test(test_id_rules),
		cmocka_unit_test(test_drop_length),
		cmocka_unit_test(test_drop_type),
		cmocka_unit_test(test_drop_option),
		cmocka_unit_test(test_drop_duplicate),
		cmocka_unit_test(test_drop_clientid),
		cmocka_unit_test(test_drop_serverid),
		cmocka_unit_test(test_drop_too_many),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_build_golden),
		cmocka_unit_test(test_build_parses),
		cmocka_unit_test(test_build_cap),
		cmocka_unit_test(test_build_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
