/* A session's IPv6 attributes from its radattr file (acd/radv6.c): the
 * text as pppd 2.4.9's radattr.so writes it, and what a hostile file can
 * put there instead. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "radattr.h"
#include "radv6.h"

#ifndef ACD_RADIUS_DICT
#error "ACD_RADIUS_DICT (path of radius-dict/dictionary) must be defined"
#endif

static rc_handle *rh;

static int setup(void **state)
{
	char err[512];

	(void)state;
	return radattr_dict_open(ACD_RADIUS_DICT, &rh, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	rc_destroy(rh);
	return 0;
}

/* parse text (with the dictionary, or without: dict false) into *o */
static unsigned from_text(const char *text, bool dict, struct radv6 *o, struct radv6_warnings *w)
{
	struct radattr_list l = { 0 };
	char err[512];
	unsigned n;

	assert_int_equal(radattr_parse(text, strlen(text), dict ? rh : NULL, "t", &l, err,
				       sizeof(err)), 0);
	n = radv6_from_attrs(&l, o, w);
	radattr_free(&l);
	return n;
}

static void assert_addr(const struct in6_addr *a, const char *want)
{
	char b[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, b, sizeof(b));
	assert_string_equal(b, want);
}

/* What radattr.so writes for an Access-Accept with all of them. */
static void test_all(void **state)
{
	static const char text[] =
		"User-Name alice\n"
		"Framed-IPv6-Prefix 2001:db8:0:1::/64\n"
		"Delegated-IPv6-Prefix 2001:db8:100::/56\n"
		"DNS-Server-IPv6-Address 2001:db8::53\n"
		"DNS-Server-IPv6-Address 2001:db8::35\n"
		"Framed-IPv6-Route 2001:db8:5::/48\n"
		"Framed-IPv6-Route 2001:db8:6::/48 :: 10\n"
		"Framed-IPv6-Route 2001:db8:7::/48 fe80::2 20 30\n"
		"Framed-Interface-Id 0:0:0:b0b\n"
		"RP-Downstream-Speed-Limit 10240\n";
	struct radv6_warnings w;
	struct radv6 o;
	char b[160];
	bool dict;

	(void)state;
	for (dict = false; ; dict = true) {
		assert_int_equal(from_text(text, dict, &o, &w), 0);
		assert_int_equal(w.n, 0);
		assert_string_equal(o.prefix, "2001:db8:0:1::/64");
		assert_string_equal(o.delegated, "2001:db8:100::/56");
		/* in the order RADIUS gave them */
		assert_int_equal(o.ndns, 2);
		assert_addr(&o.dns[0], "2001:db8::53");
		assert_addr(&o.dns[1], "2001:db8::35");
		assert_int_equal(o.nroutes, 3);
		assert_string_equal(radv6_route_str(&o.routes[0], b, sizeof(b)), "2001:db8:5::/48");
		assert_false(o.routes[0].has_via);
		assert_int_equal(o.routes[0].metric, 0);
		/* "::" is the session itself: on-link */
		assert_string_equal(radv6_route_str(&o.routes[1], b, sizeof(b)),
				    "2001:db8:6::/48 metric 10");
		assert_false(o.routes[1].has_via);
		/* the first metric counts */
		assert_string_equal(radv6_route_str(&o.routes[2], b, sizeof(b)),
				    "2001:db8:7::/48 via fe80::2 metric 20");
		assert_true(o.has_ifid);
		assert_memory_equal(o.ifid, "\0\0\0\0\0\0\x0b\x0b", 8);
		assert_string_equal(radv6_ifid_str(o.ifid, b, sizeof(b)), "0:0:0:b0b");
		if (dict)
			break;
	}
}

/* A string-typed Framed-Interface-Id: 8 raw bytes, "\ooo" for the
 * non-printable ones; one with a zero byte is cut short by pppd. */
static void test_ifid_raw(void **state)
{
	struct radv6_warnings w;
	struct radv6 o;

	(void)state;
	assert_int_equal(from_text("Framed-Interface-Id \\240xan\\170\\340\\243\\301\n", true, &o,
				   &w), 0);
	assert_true(o.has_ifid);
	assert_memory_equal(o.ifid, "\xa0xan\x78\xe0\xa3\xc1", 8);
	assert_int_equal(from_text("Framed-Interface-Id \\002\\003\n", true, &o, &w), 1);
	assert_false(o.has_ifid);
	assert_non_null(strstr(w.line[0], "Framed-Interface-Id \"\\002\\003\" (line 1): not 8 "
					  "bytes nor four hex words (a zero byte cuts"));
	assert_int_equal(from_text("Framed-Interface-Id 0:0:0:0\n", true, &o, &w), 1);
	assert_non_null(strstr(w.line[0], "an interface identifier of zero; ignored"));
	/* the first good one counts */
	assert_int_equal(from_text("Framed-Interface-Id 1:2:3:4:5\n"
				   "Framed-Interface-Id 1:2:3:4\n"
				   "Framed-Interface-Id 5:6:7:8\n", true, &o, &w), 1);
	assert_memory_equal(o.ifid, "\0\x01\0\x02\0\x03\0\x04", 8);
}

/* Every malformed value: refused alone, with a line naming it, the value
 * quoted and escaped; the good ones stand. */
static void test_malformed(void **state)
{
	static const struct {
		const char *line;
		const char *why;
	} bad[] = {
		{ "Framed-IPv6-Prefix 2001:db8::", "not a prefix" },
		{ "Framed-IPv6-Prefix 2001:db8::/129", "the length is not a number from 0 to 128" },
		{ "Framed-IPv6-Prefix 2001:db8::/064", "the length is not a number" },
		{ "Framed-IPv6-Prefix 2001:db8::/+64", "the length is not a number" },
		{ "Framed-IPv6-Prefix 2001:db8::/", "the length is not a number" },
		{ "Framed-IPv6-Prefix 2001:db8::/64 ", "the length is not a number" },
		{ "Framed-IPv6-Prefix  2001:db8::/64", "not an IPv6 address before" },
		{ "Framed-IPv6-Prefix 10.0.0.0/8", "not an IPv6 address before" },
		{ "Framed-IPv6-Prefix ::/0", "the prefix is too short" },
		{ "Framed-IPv6-Prefix fe80::/64", "a link-local address" },
		{ "Framed-IPv6-Prefix ff02::/16", "a multicast address" },
		{ "Framed-IPv6-Prefix ::ffff:0:0/96", "an IPv4-mapped address" },
		{ "Framed-IPv6-Prefix 2001:db8::/6\\0124", "the length is not a number" },
		{ "Delegated-IPv6-Prefix 2001:db8:100::/56/56", "the length is not a number" },
		{ "Delegated-IPv6-Prefix 2001:db8:100:\\042::/56", "not an IPv6 address" },
		{ "DNS-Server-IPv6-Address 2001:db8::53 ", "not an IPv6 address" },
		{ "DNS-Server-IPv6-Address ::1", "the loopback address" },
		{ "DNS-Server-IPv6-Address ::", "the unspecified address" },
		{ "DNS-Server-IPv6-Address 2001:db8::53/128", "not an IPv6 address" },
		{ "Framed-IPv6-Route 2001:db8:5::/48  ::", "an empty field" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 ", "an empty field" },
		{ "Framed-IPv6-Route  2001:db8:5::/48", "an empty field" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 gw", "the gateway is not an IPv6 address" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 ff02::1", "the gateway is not a unicast" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 :: -1", "a metric is not a number" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 :: 4294967296", "a metric is not a number" },
		{ "Framed-IPv6-Route 2001:db8:5::/48 :: 1 x", "a metric is not a number" },
		{ "Framed-IPv6-Route 2001:db8:5::/48\\011::", "the length is not a number" },
		{ "Framed-IPv6-Route ::/0 ::", "the prefix is too short" },
		{ "Framed-Interface-Id 1:2:3", "not 8 bytes nor four hex words" },
		{ "Framed-Interface-Id 12345:2:3:4", "not 8 bytes nor four hex words" },
		{ "Framed-Interface-Id 1:2:3:4:5", "not 8 bytes nor four hex words" },
	};
	char text[512];
	struct radv6_warnings w;
	struct radv6 o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "Framed-IPv6-Prefix 2001:db8:9::/64\n%s\n"
			 "DNS-Server-IPv6-Address 2001:db8::99\n", bad[i].line);
		assert_int_equal(from_text(text, true, &o, &w), 1);
		assert_int_equal(w.n, 1);
		if (!strstr(w.line[0], bad[i].why) || !strstr(w.line[0], "(line 2): ") ||
		    !strstr(w.line[0], "; ignored"))
			fail_msg("%s: \"%s\"", bad[i].line, w.line[0]);
		/* the name, then the value in quotes (no raw control byte, no raw quote) */
		assert_int_equal(strncmp(w.line[0], bad[i].line, strcspn(bad[i].line, " ")), 0);
		assert_null(strchr(w.line[0], '\t'));
		assert_null(strchr(w.line[0], '\n'));
		/* nothing else changed */
		assert_string_equal(o.prefix, "2001:db8:9::/64");
		assert_int_equal(o.ndns, 1);
		assert_addr(&o.dns[0], "2001:db8::99");
		assert_int_equal(o.nroutes, 0);
		assert_false(o.has_ifid);
	}
	/* a quote in the value is written escaped: it cannot end the log's quotes */
	assert_int_equal(from_text("Delegated-IPv6-Prefix a\"b\n", true, &o, &w), 1);
	assert_non_null(strstr(w.line[0], "Delegated-IPv6-Prefix \"a\\042b\" (line 1)"));
}

/* Repeats and maxima: the first good prefix counts; 3 resolvers, 4 routes */
static void test_limits(void **state)
{
	struct radv6_warnings w;
	struct radv6 o;
	char text[2048] = "";
	unsigned i;

	(void)state;
	assert_int_equal(from_text("Framed-IPv6-Prefix 2001:db8::/129\n"
				   "Framed-IPv6-Prefix 2001:db8:1::/64\n"
				   "Framed-IPv6-Prefix 2001:db8:2::/64\n", true, &o, &w), 1);
	assert_string_equal(o.prefix, "2001:db8:1::/64");
	/* past the length, what radattr.so printed from pppd's buffer after a
	 * short attribute: cleared */
	assert_int_equal(from_text("Framed-IPv6-Prefix 2001:db8:0:1:ab00:dead:beef:1/64\n"
				   "Delegated-IPv6-Prefix 2001:db8:400:ff::/56\n"
				   "Framed-IPv6-Route 2001:db8:5:1::/48\n", true, &o, &w), 0);
	assert_string_equal(o.prefix, "2001:db8:0:1::/64");
	assert_string_equal(o.delegated, "2001:db8:400::/56");
	assert_string_equal(radv6_route_str(&o.routes[0], text, sizeof(text)), "2001:db8:5::/48");
	text[0] = '\0';
	for (i = 0; i < 5; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "DNS-Server-IPv6-Address 2001:db8::%u\nFramed-IPv6-Route 2001:db8:%u::/48\n",
			 i + 1, i + 1);
	assert_int_equal(from_text(text, true, &o, &w), 3);
	assert_int_equal(o.ndns, RADV6_DNS_MAX);
	assert_addr(&o.dns[2], "2001:db8::3");
	assert_int_equal(o.nroutes, RADV6_ROUTE_MAX);
	assert_non_null(strstr(w.line[0], "DNS-Server-IPv6-Address \"2001:db8::4\" (line 7): more "
					  "than 3 resolvers; ignored"));
	assert_non_null(strstr(w.line[2], "Framed-IPv6-Route \"2001:db8:5::/48\" (line 10): more "
					  "than 4 routes; ignored"));
	/* past RADV6_WARN_MAX the warnings are counted, not kept */
	text[0] = '\0';
	for (i = 0; i < 20; i++)
		strcat(text, "Framed-IPv6-Route x\n");
	assert_int_equal(from_text(text, true, &o, &w), 20);
	assert_int_equal(w.n, 20);
	assert_int_equal(from_text(text, true, &o, NULL), 20);
	/* none at all; a NULL list */
	assert_int_equal(from_text("User-Name bob\n", true, &o, &w), 0);
	assert_string_equal(o.prefix, "");
	assert_int_equal(radv6_from_attrs(NULL, &o, NULL), 0);
}

/* Attributes the dictionary does not know are not read, even by name. */
static void test_unknown(void **state)
{
	struct radattr_list l = { 0 };
	struct radv6 o;

	(void)state;
	assert_int_equal(radattr_add(&l, rh, "Framed-IPv6-Prefix", "2001:db8::/64", 13, 1), 0);
	l.attrs[0].state = RADATTR_UNKNOWN;
	assert_int_equal(radv6_from_attrs(&l, &o, NULL), 0);
	assert_string_equal(o.prefix, "");
	radattr_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_ifid_raw),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
