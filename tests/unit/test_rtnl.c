/*
 * test_rtnl.c - rtnl.c's decoders on hand-built kernel messages: link
 * names and counters (IFLA_STATS64, IFLA_STATS when alone), addresses
 * (local and peer as the kernel sends them), the IPv6 link-local routes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

/* A message under construction: header, fixed part, attributes. */
struct msg {
	union {
		struct nlmsghdr h;
		char buf[4096];
	};
};

static void msg_init(struct msg *m, uint16_t type, const void *fixed, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_type = type;
	m->h.nlmsg_len = NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(&m->h), fixed, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len);
}

static void attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)(m->buf + NLMSG_ALIGN(m->h.nlmsg_len));

	assert_true(NLMSG_ALIGN(m->h.nlmsg_len) + RTA_SPACE(len) <= sizeof(m->buf));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	m->h.nlmsg_len = NLMSG_ALIGN(m->h.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void link_msg(struct msg *m, uint16_t type, int ifindex, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };

	msg_init(m, type, &ifi, sizeof(ifi));
	if (name)
		attr(m, IFLA_IFNAME, name, strlen(name) + 1);
}

static struct rtnl_link_stats64 stats64(void)
{
	struct rtnl_link_stats64 st = { 0 };

	st.rx_packets = 11;
	st.tx_packets = 22;
	st.rx_bytes = 5000000000ULL; /* above 32 bits */
	st.tx_bytes = 0x1234567890ULL;
	st.rx_errors = 99;
	return st;
}

static void test_link_stats64(void **state)
{
	struct rtnl_link_stats64 st = stats64();
	struct rtnl_ifinfo li;
	struct msg m;

	(void)state;
	link_msg(&m, RTM_NEWLINK, 7, "ppp0");
	attr(&m, IFLA_STATS64, &st, sizeof(st));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_int_equal(li.ifindex, 7);
	assert_string_equal(li.name, "ppp0");
	assert_true(li.has_counters);
	assert_true(li.c.rx_bytes == 5000000000ULL);
	assert_true(li.c.tx_bytes == 0x1234567890ULL);
	assert_true(li.c.rx_packets == 11);
	assert_true(li.c.tx_packets == 22);
}

/* the deleted link's last counters; an older kernel's shorter struct (the
 * first four fields are all acd reads) */
static void test_dellink_short_stats64(void **state)
{
	struct rtnl_link_stats64 st = stats64();
	struct rtnl_ifinfo li;
	struct msg m;

	(void)state;
	link_msg(&m, RTM_DELLINK, 9, "ppp3");
	attr(&m, IFLA_STATS64, &st, 4 * sizeof(uint64_t));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_int_equal(li.ifindex, 9);
	assert_true(li.has_counters);
	assert_true(li.c.rx_bytes == 5000000000ULL);
	assert_true(li.c.tx_packets == 22);
}

/* IFLA_STATS64 wins over IFLA_STATS in any order; IFLA_STATS alone is used;
 * a too-short one counts as absent */
static void test_link_stats32(void **state)
{
	struct rtnl_link_stats64 st64 = stats64();
	struct rtnl_link_stats st = { .rx_packets = 1, .tx_packets = 2, .rx_bytes = 3000,
				      .tx_bytes = 4000 };
	struct rtnl_ifinfo li;
	struct msg m;

	(void)state;
	link_msg(&m, RTM_NEWLINK, 3, "ppp1");
	attr(&m, IFLA_STATS, &st, sizeof(st));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_true(li.has_counters);
	assert_true(li.c.rx_bytes == 3000 && li.c.tx_bytes == 4000);
	assert_true(li.c.rx_packets == 1 && li.c.tx_packets == 2);

	attr(&m, IFLA_STATS64, &st64, sizeof(st64));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_true(li.c.rx_bytes == 5000000000ULL);

	link_msg(&m, RTM_NEWLINK, 3, "ppp1");
	attr(&m, IFLA_STATS64, &st64, 3 * sizeof(uint64_t)); /* too short */
	attr(&m, IFLA_STATS, &st, sizeof(st));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_true(li.c.rx_bytes == 3000);

	link_msg(&m, RTM_NEWLINK, 3, "ppp1");
	attr(&m, IFLA_STATS, &st, 3 * sizeof(uint32_t));
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_false(li.has_counters);
	assert_true(li.c.rx_bytes == 0);
}

static void test_link_name(void **state)
{
	struct rtnl_ifinfo li;
	struct msg m;

	(void)state;
	link_msg(&m, RTM_NEWLINK, 4, NULL);
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_string_equal(li.name, "");
	assert_false(li.has_counters);

	/* no terminating NUL, longer than IF_NAMESIZE: cut */
	link_msg(&m, RTM_NEWLINK, 4, NULL);
	attr(&m, IFLA_IFNAME, "abcdefghijklmnopqrstuvwxyz", 26);
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_string_equal(li.name, "abcdefghijklmno");

	link_msg(&m, RTM_NEWLINK, 4, NULL);
	attr(&m, IFLA_IFNAME, "eth", 3);
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_string_equal(li.name, "eth");
}

static void test_link_malformed(void **state)
{
	struct rtnl_link_stats64 st = stats64();
	struct rtnl_ifinfo li;
	struct msg m;
	struct rtattr *rta;

	(void)state;
	link_msg(&m, RTM_NEWADDR, 4, "ppp0");
	assert_int_equal(rtnl_parse_link(&m.h, &li), -EINVAL);

	link_msg(&m, RTM_NEWLINK, 4, NULL);
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg) - 1);
	assert_int_equal(rtnl_parse_link(&m.h, &li), -EINVAL);

	/* an attribute claiming more than the message has: reading stops */
	link_msg(&m, RTM_NEWLINK, 4, "ppp0");
	attr(&m, IFLA_STATS64, &st, sizeof(st));
	rta = (struct rtattr *)(m.buf + NLMSG_SPACE(sizeof(struct ifinfomsg)) + RTA_SPACE(5));
	assert_int_equal(rta->rta_type, IFLA_STATS64);
	rta->rta_len = (unsigned short)(rta->rta_len + 8);
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_string_equal(li.name, "ppp0");
	assert_false(li.has_counters);

	/* an attribute shorter than its own header: reading stops */
	link_msg(&m, RTM_NEWLINK, 4, "ppp0");
	rta = (struct rtattr *)(m.buf + NLMSG_SPACE(sizeof(struct ifinfomsg)));
	rta->rta_len = 2;
	assert_int_equal(rtnl_parse_link(&m.h, &li), 0);
	assert_string_equal(li.name, "");
}

static void addr_msg(struct msg *m, int family, int ifindex)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family, .ifa_index = (unsigned)ifindex };

	msg_init(m, RTM_NEWADDR, &ifa, sizeof(ifa));
}

static void put_ip(struct msg *m, uint16_t type, int family, const char *txt)
{
	unsigned char a[16];

	assert_int_equal(inet_pton(family, txt, a), 1);
	attr(m, type, a, family == AF_INET ? 4 : 16);
}

static const char *ntop(int family, const struct in6_addr *a)
{
	static char buf[INET6_ADDRSTRLEN];

	return inet_ntop(family, a, buf, sizeof(buf));
}

/* pppd's IPv4: IFA_LOCAL ours, IFA_ADDRESS the peer */
static void test_addr_ipv4_peer(void **state)
{
	struct rtnl_ifaddr ad;
	struct msg m;

	(void)state;
	addr_msg(&m, AF_INET, 12);
	put_ip(&m, IFA_ADDRESS, AF_INET, "10.0.0.2");
	put_ip(&m, IFA_LOCAL, AF_INET, "10.0.0.1");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_int_equal(ad.ifindex, 12);
	assert_int_equal(ad.family, AF_INET);
	assert_true(ad.has_local && ad.has_peer);
	assert_string_equal(ntop(AF_INET, &ad.local), "10.0.0.1");
	assert_string_equal(ntop(AF_INET, &ad.peer), "10.0.0.2");

	/* no peer: both attributes hold the same address */
	addr_msg(&m, AF_INET, 12);
	put_ip(&m, IFA_LOCAL, AF_INET, "192.0.2.1");
	put_ip(&m, IFA_ADDRESS, AF_INET, "192.0.2.1");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_true(ad.has_local);
	assert_false(ad.has_peer);
	assert_string_equal(ntop(AF_INET, &ad.local), "192.0.2.1");
}

/* IPv6 sends its address as IFA_ADDRESS alone; with a peer (pppd 2.5),
 * IFA_LOCAL is ours and IFA_ADDRESS the peer */
static void test_addr_ipv6(void **state)
{
	struct rtnl_ifaddr ad;
	struct msg m;

	(void)state;
	addr_msg(&m, AF_INET6, 5);
	put_ip(&m, IFA_ADDRESS, AF_INET6, "fe80::1");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_true(ad.has_local);
	assert_false(ad.has_peer);
	assert_string_equal(ntop(AF_INET6, &ad.local), "fe80::1");

	addr_msg(&m, AF_INET6, 5);
	put_ip(&m, IFA_LOCAL, AF_INET6, "fe80::1");
	put_ip(&m, IFA_ADDRESS, AF_INET6, "fe80::2");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_true(ad.has_local && ad.has_peer);
	assert_string_equal(ntop(AF_INET6, &ad.local), "fe80::1");
	assert_string_equal(ntop(AF_INET6, &ad.peer), "fe80::2");
}

static void test_addr_malformed(void **state)
{
	struct rtnl_ifaddr ad;
	struct msg m;

	(void)state;
	/* an IPv6 message with 4-byte addresses: none read */
	addr_msg(&m, AF_INET6, 5);
	put_ip(&m, IFA_ADDRESS, AF_INET, "10.0.0.2");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_int_equal(ad.ifindex, 5);
	assert_false(ad.has_local || ad.has_peer);

	/* another family: its link, no address */
	addr_msg(&m, AF_PACKET, 6);
	put_ip(&m, IFA_ADDRESS, AF_INET6, "fe80::2");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), 0);
	assert_int_equal(ad.ifindex, 6);
	assert_false(ad.has_local || ad.has_peer);

	link_msg(&m, RTM_NEWLINK, 4, "ppp0");
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), -EINVAL);
	addr_msg(&m, AF_INET, 5);
	m.h.nlmsg_len = NLMSG_LENGTH(4);
	assert_int_equal(rtnl_parse_addr(&m.h, &ad), -EINVAL);
}

static void route_msg(struct msg *m, unsigned char table, unsigned char dst_len)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = dst_len, .rtm_table = table,
			     .rtm_type = RTN_UNICAST };

	msg_init(m, RTM_NEWROUTE, &rtm, sizeof(rtm));
}

/* pppd 2.4's host route to the peer's link-local, in the main table */
static void test_route_ll(void **state)
{
	uint32_t oif = 12, table = RT_TABLE_MAIN;
	struct in6_addr dst;
	struct msg m;
	int ifindex = 0;

	(void)state;
	route_msg(&m, RT_TABLE_MAIN, 128);
	attr(&m, RTA_TABLE, &table, sizeof(table));
	put_ip(&m, RTA_DST, AF_INET6, "fe80::abcd");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), 0);
	assert_int_equal(ifindex, 12);
	assert_string_equal(ntop(AF_INET6, &dst), "fe80::abcd");

	/* RTA_TABLE is the table when rtm_table cannot say it */
	route_msg(&m, RT_TABLE_COMPAT, 128);
	attr(&m, RTA_TABLE, &table, sizeof(table));
	put_ip(&m, RTA_DST, AF_INET6, "fe80::abcd");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), 0);
}

static void test_route_multipath(void **state)
{
	struct {
		struct rtnexthop nh[2];
	} mp = { { { .rtnh_len = sizeof(struct rtnexthop), .rtnh_ifindex = 21 },
		   { .rtnh_len = sizeof(struct rtnexthop), .rtnh_ifindex = 22 } } };
	struct in6_addr dst;
	struct msg m;
	int ifindex = 0;

	(void)state;
	route_msg(&m, RT_TABLE_MAIN, 128);
	put_ip(&m, RTA_DST, AF_INET6, "fe80::9");
	attr(&m, RTA_MULTIPATH, &mp, sizeof(mp));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), 0);
	assert_int_equal(ifindex, 21);
}

static void test_route_other(void **state)
{
	uint32_t oif = 12, local = RT_TABLE_LOCAL;
	struct in6_addr dst;
	struct msg m;
	int ifindex = 0;

	(void)state;
	/* the local table (our own link-local) */
	route_msg(&m, RT_TABLE_LOCAL, 128);
	put_ip(&m, RTA_DST, AF_INET6, "fe80::1");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	route_msg(&m, RT_TABLE_MAIN, 128);
	attr(&m, RTA_TABLE, &local, sizeof(local));
	put_ip(&m, RTA_DST, AF_INET6, "fe80::1");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	/* fe80::/64 */
	route_msg(&m, RT_TABLE_MAIN, 64);
	put_ip(&m, RTA_DST, AF_INET6, "fe80::");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	/* not a link-local */
	route_msg(&m, RT_TABLE_MAIN, 128);
	put_ip(&m, RTA_DST, AF_INET6, "2001:db8::1");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	/* no link */
	route_msg(&m, RT_TABLE_MAIN, 128);
	put_ip(&m, RTA_DST, AF_INET6, "fe80::1");
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	/* a short RTA_DST */
	route_msg(&m, RT_TABLE_MAIN, 128);
	put_ip(&m, RTA_DST, AF_INET, "10.0.0.1");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	/* IPv4 */
	route_msg(&m, RT_TABLE_MAIN, 128);
	((struct rtmsg *)NLMSG_DATA(&m.h))->rtm_family = AF_INET;
	put_ip(&m, RTA_DST, AF_INET6, "fe80::1");
	attr(&m, RTA_OIF, &oif, sizeof(oif));
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -ENOENT);
	assert_int_equal(ifindex, 0);

	link_msg(&m, RTM_NEWLINK, 4, "ppp0");
	assert_int_equal(rtnl_parse_route_ll(&m.h, &ifindex, &dst), -EINVAL);
}

static void test_counters_find(void **state)
{
	const struct link_stat v[] = {
		{ 2, { .rx_bytes = 20 } }, { 5, { .rx_bytes = 50 } }, { 9, { .rx_bytes = 90 } },
	};

	(void)state;
	assert_true(rtnl_counters_find(v, 3, 5)->c.rx_bytes == 50);
	assert_true(rtnl_counters_find(v, 3, 9)->c.rx_bytes == 90);
	assert_null(rtnl_counters_find(v, 3, 4));
	assert_null(rtnl_counters_find(NULL, 0, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_stats64),
		cmocka_unit_test(test_dellink_short_stats64),
		cmocka_unit_test(test_link_stats32),
		cmocka_unit_test(test_link_name),
		cmocka_unit_test(test_link_malformed),
		cmocka_unit_test(test_addr_ipv4_peer),
		cmocka_unit_test(test_addr_ipv6),
		cmocka_unit_test(test_addr_malformed),
		cmocka_unit_test(test_route_ll),
		cmocka_unit_test(test_route_multipath),
		cmocka_unit_test(test_route_other),
		cmocka_unit_test(test_counters_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
