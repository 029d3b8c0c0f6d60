/* RADIUS attributes -> rates (acd/policy.c): units, precedence, defaults,
 * malformed values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "shaper.h"

#ifndef ACD_RADIUS_DICT
#error "ACD_RADIUS_DICT (path of radius-dict/dictionary) must be defined"
#endif

static rc_handle *dict;

static int setup(void **state)
{
	char err[512];

	(void)state;
	if (radattr_dict_open(ACD_RADIUS_DICT, &dict, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rc_destroy(dict);
	return 0;
}

/* Compute the policy of a radattr text, with and without the dictionary:
 * both must agree (known attributes match by number, unresolved by name). */
static void run(const struct policy_config *c, const char *text, struct policy_result *r)
{
	struct radattr_list l = { 0 }, ld = { 0 };
	struct policy_result rd;
	char err[256];

	if (radattr_parse(text, strlen(text), NULL, "t", &l, err, sizeof(err)) != 0)
		fail_msg("parse: %s", err);
	if (radattr_parse(text, strlen(text), dict, "t", &ld, err, sizeof(err)) != 0)
		fail_msg("parse: %s", err);
	assert_int_equal(policy_from_attrs(c, &l, r), 0);
	assert_int_equal(policy_from_attrs(c, &ld, &rd), 0);
	assert_int_equal(r->down, rd.down);
	assert_int_equal(r->up, rd.up);
	assert_int_equal(r->down_src, rd.down_src);
	assert_int_equal(r->up_src, rd.up_src);
	assert_int_equal(r->malformed, rd.malformed);
	assert_string_equal(r->warning, rd.warning);
	radattr_free(&l);
	radattr_free(&ld);
}

static void expect(const char *text, uint64_t down, uint64_t up)
{
	struct policy_result r;

	run(NULL, text, &r);
	if (r.down != down || r.up != up || r.malformed)
		fail_msg("\"%s\": down %llu up %llu (malformed %d: %s), want down %llu up %llu",
			 text, (unsigned long long)r.down, (unsigned long long)r.up, r.malformed,
			 r.warning, (unsigned long long)down, (unsigned long long)up);
	assert_string_equal(r.warning, "");
}

/* ---- units, one convention at a time ---- */

static void test_rp_kbit(void **state)
{
	struct policy_result r;

	(void)state;
	expect("RP-Downstream-Speed-Limit 10240\n", 10240000ull, 0);
	expect("RP-Upstream-Speed-Limit 2048\n", 0, 2048000ull);
	expect("RP-Downstream-Speed-Limit 10240\nRP-Upstream-Speed-Limit 2048\n",
	       10240000ull, 2048000ull);
	expect("RP-Downstream-Speed-Limit 1\n", 1000ull, 0); /* the shaper's minimum */
	expect("RP-Downstream-Speed-Limit 1000000000\n", 1000000000000ull, 0); /* 1 Tbit/s */

	run(NULL, "User-Name a\nRP-Upstream-Speed-Limit 2048\nRP-Downstream-Speed-Limit 10240\n", &r);
	assert_int_equal(r.down_src, POLICY_SRC_RP);
	assert_int_equal(r.up_src, POLICY_SRC_RP);
	assert_string_equal(r.down_attr, "RP-Downstream-Speed-Limit");
	assert_string_equal(r.up_attr, "RP-Upstream-Speed-Limit");
	assert_int_equal(r.down_line, 3);
	assert_int_equal(r.up_line, 2);
}

static void test_mikrotik_directions(void **state)
{
	struct policy_result r;

	(void)state;
	/* rx/tx from the router's view: rx = subscriber upload */
	expect("Mikrotik-Rate-Limit 2M/10M\n", 10000000ull, 2000000ull);
	/* one value: both */
	expect("Mikrotik-Rate-Limit 512k\n", 512000ull, 512000ull);
	/* a bare number is bit/s */
	expect("Mikrotik-Rate-Limit 1000000/2000000\n", 2000000ull, 1000000ull);
	expect("Mikrotik-Rate-Limit 64k/128M\n", 128000000ull, 64000ull);
	expect("Mikrotik-Rate-Limit 1.5M/3M\n", 3000000ull, 1500000ull);
	/* bursts, thresholds, times, priority and min rates are ignored */
	expect("Mikrotik-Rate-Limit 2M/10M 4M/20M 1M/5M 10/10 8 1M/2M\n", 10000000ull, 2000000ull);
	expect("Mikrotik-Rate-Limit 64k 256k\n", 64000ull, 64000ull);
	/* leading and trailing blanks */
	expect("Mikrotik-Rate-Limit \t 2M/10M \n", 10000000ull, 2000000ull);
	/* zero = unlimited in that direction */
	expect("Mikrotik-Rate-Limit 0/10M\n", 10000000ull, 0);
	expect("Mikrotik-Rate-Limit 0\n", 0, 0);

	run(NULL, "Mikrotik-Rate-Limit 2M/10M\n", &r);
	assert_int_equal(r.down_src, POLICY_SRC_MIKROTIK);
	assert_int_equal(r.up_src, POLICY_SRC_MIKROTIK);
	assert_string_equal(r.down_attr, "Mikrotik-Rate-Limit");
	assert_int_equal(r.down_line, 1);
}

static void test_wispr_bit(void **state)
{
	struct policy_result r;

	(void)state;
	expect("WISPr-Bandwidth-Max-Down 5000000\n", 5000000ull, 0);
	expect("WISPr-Bandwidth-Max-Up 1000000\nWISPr-Bandwidth-Max-Down 5000000\n",
	       5000000ull, 1000000ull);
	/* radattr.so prints integers with %d: above 2^31-1 they look negative */
	expect("WISPr-Bandwidth-Max-Down -1294967296\n", 3000000000ull, 0);
	expect("WISPr-Bandwidth-Max-Down -1\n", 4294967295ull, 0);
	expect("WISPr-Bandwidth-Max-Down -2147483648\n", 2147483648ull, 0);
	expect("WISPr-Bandwidth-Max-Down 4294967295\n", 4294967295ull, 0);
	/* Min-Up/Down are guarantees, not limits */
	expect("WISPr-Bandwidth-Min-Down 5000000\n", 0, 0);

	run(NULL, "WISPr-Bandwidth-Max-Down 5000000\n", &r);
	assert_int_equal(r.down_src, POLICY_SRC_WISPR);
	assert_string_equal(r.down_attr, "WISPr-Bandwidth-Max-Down");
	assert_int_equal(r.up_src, POLICY_SRC_DEFAULT);
	assert_string_equal(r.up_attr, "default");
}

static void test_filter_id(void **state)
{
	struct policy_result r;

	(void)state;
	expect("Filter-Id 10240/2048\n", 10240000ull, 2048000ull);
	expect("Filter-Id 0/2048\n", 0, 2048000ull);
	/* other forms name filters: not rates, not errors */
	expect("Filter-Id std.user\n", 0, 0);
	expect("Filter-Id 10240\n", 0, 0);
	expect("Filter-Id 10M/2M\n", 0, 0);
	expect("Filter-Id 10240/2048 \n", 0, 0);
	expect("Filter-Id 10240/\n", 0, 0);
	expect("Filter-Id /2048\n", 0, 0);
	expect("Filter-Id 1/2/3\n", 0, 0);
	expect("Filter-Id \n", 0, 0);
	/* the first Filter-Id of the rate form counts */
	expect("Filter-Id firewall-in\nFilter-Id 4096/1024\nFilter-Id 8192/2048\n",
	       4096000ull, 1024000ull);

	run(NULL, "Filter-Id acl1\nFilter-Id 10240/2048\n", &r);
	assert_int_equal(r.down_src, POLICY_SRC_FILTER_ID);
	assert_string_equal(r.up_attr, "Filter-Id");
	assert_int_equal(r.up_line, 2);
}

/* ---- precedence ---- */

static void test_precedence_default_order(void **state)
{
	struct policy_result r;

	(void)state;
	/* RP over everything */
	run(NULL, "Filter-Id 1000/1000\n"
		  "WISPr-Bandwidth-Max-Down 3000000\n"
		  "WISPr-Bandwidth-Max-Up 3000000\n"
		  "Mikrotik-Rate-Limit 2M/2M\n"
		  "RP-Downstream-Speed-Limit 10240\n"
		  "RP-Upstream-Speed-Limit 2048\n", &r);
	assert_int_equal(r.down, 10240000ull);
	assert_int_equal(r.up, 2048000ull);
	assert_int_equal(r.down_src, POLICY_SRC_RP);
	assert_string_equal(r.warning, "");

	/* Mikrotik over WISPr over Filter-Id */
	run(NULL, "Filter-Id 1000/1000\nWISPr-Bandwidth-Max-Down 3000000\n"
		  "Mikrotik-Rate-Limit 1M/2M\n", &r);
	assert_int_equal(r.down, 2000000ull);
	assert_int_equal(r.up, 1000000ull);
	run(NULL, "Filter-Id 1000/1000\nWISPr-Bandwidth-Max-Down 3000000\n", &r);
	assert_int_equal(r.down, 3000000ull);
	assert_int_equal(r.down_src, POLICY_SRC_WISPR);
	assert_int_equal(r.up, 1000000ull); /* per direction: Filter-Id's up */
	assert_int_equal(r.up_src, POLICY_SRC_FILTER_ID);
}

static void test_precedence_per_direction(void **state)
{
	struct policy_result r;

	(void)state;
	/* RP gives only down: up from the next source that has one */
	run(NULL, "RP-Downstream-Speed-Limit 10240\nMikrotik-Rate-Limit 1M/5M\n", &r);
	assert_int_equal(r.down, 10240000ull);
	assert_int_equal(r.down_src, POLICY_SRC_RP);
	assert_int_equal(r.up, 1000000ull);
	assert_int_equal(r.up_src, POLICY_SRC_MIKROTIK);
	/* a zero counts as absent */
	run(NULL, "RP-Downstream-Speed-Limit 0\nRP-Upstream-Speed-Limit 0\n"
		  "WISPr-Bandwidth-Max-Down 5000000\n", &r);
	assert_int_equal(r.down, 5000000ull);
	assert_int_equal(r.down_src, POLICY_SRC_WISPR);
	assert_int_equal(r.up, 0);
	assert_int_equal(r.up_src, POLICY_SRC_DEFAULT);
}

static void test_precedence_configured(void **state)
{
	struct policy_config c;
	struct policy_result r;
	const char *text = "RP-Downstream-Speed-Limit 10240\n"
			   "Mikrotik-Rate-Limit 1M/5M\n"
			   "Filter-Id 4096/512\n";
	char err[256];

	(void)state;
	policy_config_init(&c);
	assert_int_equal(policy_order_parse("mikrotik, rp", &c, err, sizeof(err)), 0);
	assert_int_equal(c.norder, 2);
	run(&c, text, &r);
	assert_int_equal(r.down, 5000000ull);
	assert_int_equal(r.down_src, POLICY_SRC_MIKROTIK);
	assert_int_equal(r.up, 1000000ull);

	/* sources left out of the order are not consulted, even when bad */
	assert_int_equal(policy_order_parse("filter-id", &c, err, sizeof(err)), 0);
	run(&c, "RP-Downstream-Speed-Limit abc\nMikrotik-Rate-Limit 10Q\nFilter-Id 4096/512\n", &r);
	assert_false(r.malformed);
	assert_int_equal(r.down, 4096000ull);
	assert_int_equal(r.up, 512000ull);
	assert_string_equal(r.warning, "");

	assert_int_equal(policy_order_parse("wispr rp", &c, err, sizeof(err)), 0);
	run(&c, "RP-Downstream-Speed-Limit 10240\nWISPr-Bandwidth-Max-Down 5000000\n", &r);
	assert_int_equal(r.down, 5000000ull);
}

/* ---- defaults ---- */

static void test_default_policy(void **state)
{
	struct policy_config c;
	struct policy_result r;

	(void)state;
	/* built-in default: unshaped, no warning */
	run(NULL, "User-Name alice\nFramed-IP-Address 10.0.0.2\n", &r);
	assert_int_equal(r.down, 0);
	assert_int_equal(r.up, 0);
	assert_int_equal(r.down_src, POLICY_SRC_DEFAULT);
	assert_string_equal(r.down_attr, "default");
	assert_int_equal(r.down_line, 0);
	assert_false(r.malformed);
	assert_string_equal(r.warning, "");

	policy_config_init(&c);
	c.default_down = 2000000;
	c.default_up = 512000;
	run(&c, "User-Name alice\n", &r);
	assert_int_equal(r.down, 2000000ull);
	assert_int_equal(r.up, 512000ull);
	/* one direction from RADIUS, the other from the default */
	run(&c, "RP-Upstream-Speed-Limit 1024\n", &r);
	assert_int_equal(r.down, 2000000ull);
	assert_int_equal(r.down_src, POLICY_SRC_DEFAULT);
	assert_int_equal(r.up, 1024000ull);
	assert_int_equal(r.up_src, POLICY_SRC_RP);

	/* no list at all */
	assert_int_equal(policy_from_attrs(&c, NULL, &r), 0);
	assert_int_equal(r.down, 2000000ull);
	assert_int_equal(policy_from_attrs(&c, NULL, NULL), -EINVAL);
}

static void test_policy_default_with_reason(void **state)
{
	struct policy_config c;
	struct policy_result r;

	(void)state;
	policy_config_init(&c);
	c.default_down = 10000000;
	policy_default(&c, "/var/run/radattr.ppp0: cannot open: No such file or directory", &r);
	assert_int_equal(r.down, 10000000ull);
	assert_int_equal(r.up, 0);
	assert_int_equal(r.down_src, POLICY_SRC_DEFAULT);
	assert_string_equal(r.warning,
			    "/var/run/radattr.ppp0: cannot open: No such file or directory; "
			    "using the default policy (down 10M up unshaped)");
	policy_default(NULL, NULL, &r);
	assert_int_equal(r.down, 0);
	assert_string_equal(r.warning, "");
	policy_default(NULL, "x", NULL); /* no crash */
}

/* ---- malformed values: default policy + a warning quoting the value ---- */

static void expect_bad(const char *text, const char *const *must)
{
	struct policy_config c;
	struct policy_result r;

	policy_config_init(&c);
	c.default_down = 1000000;
	c.default_up = 512000;
	run(&c, text, &r);
	if (!r.malformed)
		fail_msg("\"%s\": not flagged malformed (down %llu up %llu)", text,
			 (unsigned long long)r.down, (unsigned long long)r.up);
	/* the WHOLE default, never a mix, never silently unshaped */
	assert_int_equal(r.down, 1000000ull);
	assert_int_equal(r.up, 512000ull);
	assert_int_equal(r.down_src, POLICY_SRC_DEFAULT);
	assert_int_equal(r.up_src, POLICY_SRC_DEFAULT);
	assert_string_equal(r.down_attr, "default");
	for (; *must; must++)
		if (!strstr(r.warning, *must))
			fail_msg("\"%s\": warning \"%s\" lacks \"%s\"", text, r.warning, *must);
	if (!strstr(r.warning, "using the default policy (down 1M up 512k)"))
		fail_msg("warning \"%s\" does not say the default is used", r.warning);
	assert_null(strchr(r.warning, '\n'));
}

#define BAD(text, ...) expect_bad(text, (const char *const[]){ __VA_ARGS__, NULL })

static void test_malformed(void **state)
{
	(void)state;
	BAD("RP-Downstream-Speed-Limit abc\nRP-Upstream-Speed-Limit 2048\n",
	    "RP-Downstream-Speed-Limit \"abc\" (line 1)", "whole number of kbit/s");
	BAD("Mikrotik-Rate-Limit 10Q/5M\n",
	    "Mikrotik-Rate-Limit \"10Q/5M\" (line 1)", "unknown unit \"Q\"");
	BAD("Mikrotik-Rate-Limit 5M/10Q\n", "\"5M/10Q\"", "\"10Q\"");
	BAD("Mikrotik-Rate-Limit 1M/2M/3M\n", "\"1M/2M/3M\"", "more than one '/'");
	BAD("Mikrotik-Rate-Limit /5M\n", "\"/5M\"", "no rx (upload) rate");
	BAD("Mikrotik-Rate-Limit 5M/\n", "no tx (download) rate");
	BAD("Mikrotik-Rate-Limit \n", "Mikrotik-Rate-Limit \"\"", "empty");
	BAD("Mikrotik-Rate-Limit 10MB/5M\n", "byte units");
	BAD("Mikrotik-Rate-Limit 500/5M\n", "500 bit/s is below the shaper's minimum");
	BAD("Mikrotik-Rate-Limit 2T/5M\n", "too large");
	BAD("WISPr-Bandwidth-Max-Down 500\n", "\"500\"", "below the shaper's minimum of 1000");
	BAD("WISPr-Bandwidth-Max-Up 5M\n", "WISPr-Bandwidth-Max-Up \"5M\"", "whole number of bit/s");
	BAD("WISPr-Bandwidth-Max-Up 12 34\n", "\"12 34\"");
	BAD("RP-Upstream-Speed-Limit 99999999999\n", "\"99999999999\"", "not a 32-bit");
	BAD("RP-Upstream-Speed-Limit -2147483649\n", "not a 32-bit");
	BAD("RP-Upstream-Speed-Limit -1\n", "\"-1\" (line 1): -1 kbit/s is out of range");
	BAD("RP-Upstream-Speed-Limit \n", "\"\"", "whole number");
	BAD("RP-Upstream-Speed-Limit -\n", "\"-\"");
	BAD("RP-Upstream-Speed-Limit 10240\\012\n", "\"10240\\012\"");
	BAD("Filter-Id 99999999999999999999/1\n", "Filter-Id \"99999999999999999999/1\"",
	    "too large");
	/* a bad lower-precedence source still means "RADIUS sent garbage" */
	BAD("RP-Downstream-Speed-Limit 10240\nWISPr-Bandwidth-Max-Down x\n",
	    "WISPr-Bandwidth-Max-Down \"x\" (line 2)");
	/* every bad attribute is reported */
	BAD("RP-Downstream-Speed-Limit abc\nMikrotik-Rate-Limit 10Q/5M\n",
	    "\"abc\"", "; Mikrotik-Rate-Limit \"10Q/5M\"");
	/* values are quoted escaped: no raw control characters in logs */
	BAD("Mikrotik-Rate-Limit 1M\\033[2J\n", "\\033[2J");
}

/* An out-of-range integer is reported as written ("-5"), never as the
 * unsigned 32-bit value radattr.so's "%d" stands for (4294967291). */
static void test_out_of_range_as_written(void **state)
{
	static const struct {
		const char *text, *must;
	} cases[] = {
		{ "RP-Upstream-Speed-Limit -5\n", "RP-Upstream-Speed-Limit \"-5\" (line 1): -5 kbit/s is out of range" },
		{ "User-Name a\nRP-Downstream-Speed-Limit -5\n", "RP-Downstream-Speed-Limit \"-5\" (line 2): -5 kbit/s" },
		{ "RP-Downstream-Speed-Limit -2147483648\n", ": -2147483648 kbit/s is out of range" },
		{ "RP-Downstream-Speed-Limit -0000000005\n", ": -0000000005 kbit/s is out of range" },
		{ "RP-Downstream-Speed-Limit 2000000000\n", ": 2000000000 kbit/s is more than the shaper's maximum" },
		{ "RP-Downstream-Speed-Limit 4294967291\n", ": 4294967291 kbit/s is more than" },
		/* Mikrotik: a sign is no rate; the value is quoted as written */
		{ "Mikrotik-Rate-Limit -5M/1M\n", "Mikrotik-Rate-Limit \"-5M/1M\" (line 1): rate \"-5M\": not a number" },
		{ "Mikrotik-Rate-Limit 1M/-5\n", "\"1M/-5\" (line 1): rate \"-5\": not a number" },
	};
	const char *const forbidden[] = { "4294967291", "4294967295" };
	struct policy_config c;
	struct policy_result r;
	size_t i, k;

	(void)state;
	policy_config_init(&c);
	c.default_down = 1000000;
	c.default_up = 512000;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&c, cases[i].text, &r);
		/* the default still applies */
		assert_true(r.malformed);
		assert_int_equal(r.down, 1000000ull);
		assert_int_equal(r.up, 512000ull);
		if (!strstr(r.warning, cases[i].must))
			fail_msg("\"%s\": warning \"%s\" lacks \"%s\"", cases[i].text, r.warning,
				 cases[i].must);
		for (k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++)
			if (strstr(r.warning, forbidden[k]) && !strstr(cases[i].text, forbidden[k]))
				fail_msg("\"%s\": warning \"%s\" says %s, a value that is not in the input",
					 cases[i].text, r.warning, forbidden[k]);
	}
	/* WISPr is bit/s: a negative one is the documented 32-bit value, which
	 * the shaper can enforce (below its maximum), so it applies */
	expect("WISPr-Bandwidth-Max-Down -5\n", 4294967291ull, 0);
}

/* A quote or a backslash in a value cannot end the warning's quotes (the
 * log writes it as warning="..."), and a long value is cut at 64 bytes. */
static void test_warning_quotes_escaped(void **state)
{
	struct policy_result r;
	char text[400], v[201];
	const char *q;

	(void)state;
	run(NULL, "Mikrotik-Rate-Limit 1M\" user=root x=\"\n", &r);
	assert_true(r.malformed);
	assert_non_null(strstr(r.warning, "\"1M\\042 user=root x=\\042\""));
	/* the only raw quotes: the two around the value */
	q = strchr(r.warning, '"');
	assert_non_null(q);
	q = strchr(q + 1, '"');
	assert_non_null(q);
	assert_null(strchr(q + 1, '"'));
	run(NULL, "RP-Downstream-Speed-Limit 10\\x\n", &r);
	assert_non_null(strstr(r.warning, "\"10\\134x\""));
	/* long: 64 bytes of it, then "..." */
	memset(v, 'y', 200);
	memcpy(v + 64, "TAIL", 4);
	v[200] = '\0';
	snprintf(text, sizeof(text), "RP-Downstream-Speed-Limit %s\n", v);
	run(NULL, text, &r);
	assert_null(strstr(r.warning, "TAIL"));
	assert_non_null(strstr(r.warning, "yyy...\" (line 1)"));
}

/* Many long bad values: the warning is cut, but still says what was done. */
static void test_malformed_long_warning(void **state)
{
	char text[2048], v[301];
	struct policy_result r;
	size_t n;

	(void)state;
	memset(v, 'x', 300);
	v[300] = '\0';
	n = (size_t)snprintf(text, sizeof(text),
			     "RP-Downstream-Speed-Limit %s\nRP-Upstream-Speed-Limit %s\n"
			     "Mikrotik-Rate-Limit %s\nWISPr-Bandwidth-Max-Down %s\n", v, v, v, v);
	assert_true(n < sizeof(text));
	BAD(text, "RP-Downstream-Speed-Limit \"xxx", "...; using the default policy");
	run(NULL, text, &r);
	assert_true(strlen(r.warning) < sizeof(r.warning));
	assert_non_null(strstr(r.warning, "; using the default policy (unshaped)"));
}

static void test_malformed_unshaped_default(void **state)
{
	struct policy_result r;

	(void)state;
	run(NULL, "RP-Downstream-Speed-Limit abc\n", &r);
	assert_true(r.malformed);
	assert_int_equal(r.down, 0);
	assert_int_equal(r.up, 0);
	assert_non_null(strstr(r.warning, "using the default policy (unshaped)"));
}

static void test_repeated_first_wins(void **state)
{
	(void)state;
	expect("RP-Downstream-Speed-Limit 10240\nRP-Downstream-Speed-Limit 20480\n", 10240000ull, 0);
	/* later duplicates are not looked at */
	expect("RP-Downstream-Speed-Limit 10240\nRP-Downstream-Speed-Limit junk\n", 10240000ull, 0);
	expect("Mikrotik-Rate-Limit 1M/2M\nMikrotik-Rate-Limit 3M/4M\n", 2000000ull, 1000000ull);
}

static void test_unknown_and_by_number(void **state)
{
	struct radattr_list l = { 0 };
	struct policy_result r;

	(void)state;
	/* the dictionary did not know it: ignored */
	assert_int_equal(radattr_add(&l, NULL, "RP-Downstream-Speed-Limit", "10240", 5, 1), 0);
	l.attrs[0].state = RADATTR_UNKNOWN;
	assert_int_equal(policy_from_attrs(NULL, &l, &r), 0);
	assert_int_equal(r.down, 0);
	assert_false(r.malformed);
	/* known attributes match by vendor/number, whatever the name */
	l.attrs[0].state = RADATTR_KNOWN;
	l.attrs[0].vendor = 10055;
	l.attrs[0].number = 2;
	strcpy(l.attrs[0].name, "Roaring-Down");
	assert_int_equal(policy_from_attrs(NULL, &l, &r), 0);
	assert_int_equal(r.down, 10240000ull);
	/* ... and a known name with another number is not ours */
	strcpy(l.attrs[0].name, "RP-Downstream-Speed-Limit");
	l.attrs[0].number = 3;
	assert_int_equal(policy_from_attrs(NULL, &l, &r), 0);
	assert_int_equal(r.down, 0);
	radattr_free(&l);

	/* names not in the dictionary are flagged by the parser and ignored */
	{
		struct radattr_list ld = { 0 };
		const char *t = "RP-Downstream-Speed-Limitt 10240\n";

		assert_int_equal(radattr_parse(t, strlen(t), dict, NULL, &ld, NULL, 0), 0);
		assert_int_equal(ld.attrs[0].state, RADATTR_UNKNOWN);
		assert_int_equal(policy_from_attrs(NULL, &ld, &r), 0);
		assert_int_equal(r.down, 0);
		radattr_free(&ld);
	}
}

static void test_realistic_file(void **state)
{
	struct policy_result r;
	char d[160];

	(void)state;
	run(NULL,
	    "Service-Type Framed-User\n"
	    "Framed-Protocol PPP\n"
	    "Framed-IP-Address 100.64.0.23\n"
	    "Framed-IP-Netmask 255.255.255.255\n"
	    "Filter-Id std-subscriber\n"
	    "Class \\001\\002\\003acct\n"
	    "Session-Timeout 86400\n"
	    "Acct-Interim-Interval 300\n"
	    "RP-Upstream-Speed-Limit 2048\n"
	    "RP-Downstream-Speed-Limit 10240\n"
	    "MS-Primary-DNS-Server 192.0.2.53\n", &r);
	assert_int_equal(r.down, 10240000ull);
	assert_int_equal(r.up, 2048000ull);
	assert_string_equal(policy_describe(&r, d, sizeof(d)),
			    "down 10.24M (RP-Downstream-Speed-Limit) up 2.048M (RP-Upstream-Speed-Limit)");
}

static void test_describe(void **state)
{
	struct policy_result r;
	char d[160];

	(void)state;
	policy_default(NULL, NULL, &r);
	assert_string_equal(policy_describe(&r, d, sizeof(d)),
			    "down unshaped (default) up unshaped (default)");
	run(NULL, "Mikrotik-Rate-Limit 2M/10M\n", &r);
	assert_string_equal(policy_describe(&r, d, sizeof(d)),
			    "down 10M (Mikrotik-Rate-Limit) up 2M (Mikrotik-Rate-Limit)");
	assert_string_equal(policy_describe(NULL, d, sizeof(d)), "");
}

/* ---- configuration ---- */

static void test_order_parse(void **state)
{
	struct policy_config c;
	char err[256];

	(void)state;
	policy_config_init(&c);
	assert_int_equal(c.norder, 4);
	assert_int_equal(c.order[0], POLICY_SRC_RP);
	assert_int_equal(c.order[1], POLICY_SRC_MIKROTIK);
	assert_int_equal(c.order[2], POLICY_SRC_WISPR);
	assert_int_equal(c.order[3], POLICY_SRC_FILTER_ID);
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), 0);

	assert_int_equal(policy_order_parse("  wispr,filter-id  mikrotik,,rp ", &c, err, sizeof(err)), 0);
	assert_int_equal(c.norder, 4);
	assert_int_equal(c.order[0], POLICY_SRC_WISPR);
	assert_int_equal(c.order[3], POLICY_SRC_RP);

	assert_int_equal(policy_order_parse("rp ascend", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown source \"ascend\""));
	assert_non_null(strstr(err, "use rp, mikrotik, wispr, filter-id"));
	assert_int_equal(c.norder, 4); /* unchanged on error */
	assert_int_equal(c.order[0], POLICY_SRC_WISPR);
	assert_int_equal(policy_order_parse("rp RP", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(policy_order_parse("rp mikrotik rp", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"rp\" is listed twice"));
	assert_int_equal(policy_order_parse("default", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(policy_order_parse(" , ", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no source"));
	assert_int_equal(policy_order_parse("mikrotikmikrotikmikrotikmikrotikmikrotik", &c, err,
					     sizeof(err)), -EINVAL);
	assert_int_equal(policy_order_parse(NULL, &c, err, sizeof(err)), -EINVAL);
}

static void test_config_check(void **state)
{
	struct policy_config c;
	char err[256];

	(void)state;
	policy_config_init(&c);
	c.default_down = 999;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "default down rate 999 bit/s"));
	c.default_down = SHAPER_RATE_MIN;
	c.default_up = SHAPER_RATE_MAX + 1;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "default up"));
	c.default_up = SHAPER_RATE_MAX;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), 0);
	c.norder = 0;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), -EINVAL);
	c.norder = 2;
	c.order[1] = POLICY_SRC_RP;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), -EINVAL);
	c.order[1] = POLICY_SRC_DEFAULT;
	assert_int_equal(policy_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_int_equal(policy_config_check(NULL, err, sizeof(err)), -EINVAL);
}

static void test_source_names(void **state)
{
	enum policy_source s;
	int i;

	(void)state;
	for (i = 0; i < POLICY_SRC_MAX; i++) {
		assert_int_equal(policy_source_parse(policy_source_name((enum policy_source)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(policy_source_name(POLICY_SRC_FILTER_ID), "filter-id");
	assert_null(policy_source_name(POLICY_SRC_MAX));
	assert_int_equal(policy_source_parse("Filter-Id", &s), -EINVAL);
	assert_int_equal(policy_source_parse(NULL, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rp_kbit),
		cmocka_unit_test(test_mikrotik_directions),
		cmocka_unit_test(test_wispr_bit),
		cmocka_unit_test(test_filter_id),
		cmocka_unit_test(test_precedence_default_order),
		cmocka_unit_test(test_precedence_per_direction),
		cmocka_unit_test(test_precedence_configured),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_policy_default_with_reason),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_out_of_range_as_written),
		cmocka_unit_test(test_warning_quotes_escaped),
		cmocka_unit_test(test_malformed_long_warning),
		cmocka_unit_test(test_malformed_unshaped_default),
		cmocka_unit_test(test_repeated_first_wins),
		cmocka_unit_test(test_unknown_and_by_number),
		cmocka_unit_test(test_realistic_file),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_order_parse),
		cmocka_unit_test(test_config_check),
		cmocka_unit_test(test_source_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
