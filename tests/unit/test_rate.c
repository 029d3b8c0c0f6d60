/* Units, bursts, names and policy checks of the shaper (shaper/rate.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shaper.h"

static void ok(const char *s, uint64_t bare, uint64_t want)
{
	char err[160] = "";
	uint64_t v = 0;
	int rc = shaper_rate_parse(s, bare, &v, err, sizeof(err));

	if (rc != 0 || v != want)
		fail_msg("rate \"%s\": rc %d value %llu, want %llu (%s)", s, rc,
			 (unsigned long long)v, (unsigned long long)want, err);
}

static void bad(const char *s, int code, const char *must_contain)
{
	char err[160] = "";
	uint64_t v = 42;
	int rc = shaper_rate_parse(s, 1, &v, err, sizeof(err));

	if (rc != -code)
		fail_msg("rate \"%s\": rc %d, want %d (%s)", s, rc, -code, err);
	assert_int_equal(v, 42); /* output untouched on error */
	if (!strstr(err, must_contain))
		fail_msg("rate \"%s\": message \"%s\" lacks \"%s\"", s, err, must_contain);
	/* every message quotes the input */
	if (!strstr(err, s))
		fail_msg("rate \"%s\": message \"%s\" does not quote the input", s, err);
}

static void test_units(void **state)
{
	(void)state;
	ok("10M", 1, 10000000ull);
	ok("10m", 1, 10000000ull);
	ok("10mbit", 1, 10000000ull);
	ok("10Mbit/s", 1, 10000000ull);
	ok("5120k", 1, 5120000ull);
	ok("5120K", 1, 5120000ull);
	ok("1.5G", 1, 1500000000ull);
	ok("0.5M", 1, 500000ull);
	ok("1.000001M", 1, 1000001ull);
	ok("0.25T", 1, 250000000000ull);
}

static void test_units_exact(void **state)
{
	(void)state;
	ok("1T", 1, 1000000000000ull);
	ok("1000", 1, 1000ull);
	ok("1000bit", 1, 1000ull);
	ok("0", 1, 0);
	/* RADIUS kbit/s integers: bare numbers times 1000 */
	ok("5120", 1000, 5120000ull);
	ok("10240", 1000, 10240000ull);
	/* a unit overrides the bare multiplier */
	ok("2M", 1000, 2000000ull);
	ok("40G", 1, 40000000000ull);
}

static void test_garbage(void **state)
{
	(void)state;
	bad("10Q", SHAPER_ESYNTAX, "unknown unit \"Q\"");
	bad("abc", SHAPER_ESYNTAX, "not a number");
	bad("10MB", SHAPER_ESYNTAX, "byte units");
	bad("10Mbps", SHAPER_ESYNTAX, "byte units");
	bad("1.", SHAPER_ESYNTAX, "no digits after");
	bad(".5M", SHAPER_ESYNTAX, "not a number");
	bad("-5M", SHAPER_ESYNTAX, "not a number");
	bad("10 M", SHAPER_ESYNTAX, "unknown unit");
	bad("1.0000001k", SHAPER_ESYNTAX, "whole number");
	bad("0.1", SHAPER_ESYNTAX, "whole number");
	bad("1.1234567890123M", SHAPER_ESYNTAX, "decimals");
}

static void test_overflow(void **state)
{
	(void)state;
	bad("99999999999999999999999", SHAPER_ERANGE, "too large");
	bad("18446744073709551616", SHAPER_ERANGE, "too large");
	bad("20000000T", SHAPER_ERANGE, "too large");
	bad("2T", SHAPER_ERANGE, "too large");
	bad("1000000000001", SHAPER_ERANGE, "too large");
}

static void test_empty(void **state)
{
	char err[64];
	uint64_t v;

	(void)state;
	assert_int_equal(shaper_rate_parse("", 1, &v, err, sizeof(err)), -SHAPER_ESYNTAX);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(shaper_rate_parse(NULL, 1, &v, NULL, 0), -SHAPER_ESYNTAX);
}

static void fmt(uint64_t v, const char *want)
{
	char buf[32];

	assert_string_equal(shaper_rate_format(v, buf, sizeof(buf)), want);
}

static void test_format(void **state)
{
	(void)state;
	fmt(10000000ull, "10M");
	fmt(1500000000ull, "1.5G");
	fmt(5120000ull, "5.12M");
	fmt(999ull, "999");
	fmt(1234567ull, "1234.567k");
	fmt(40000000000ull, "40G");
	fmt(0, "0");
}

static void test_format_roundtrip(void **state)
{
	static const uint64_t v[] = { 1000, 1001, 64000, 1234567, 10000000, 1500000000,
				      40000000000ull, 999999999999ull };
	char buf[32], err[128];
	uint64_t back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		shaper_rate_format(v[i], buf, sizeof(buf));
		assert_int_equal(shaper_rate_parse(buf, 1, &back, err, sizeof(err)), 0);
		assert_int_equal(back, v[i]);
	}
}

static void test_burst(void **state)
{
	(void)state;
	/* 20 ms at the rate */
	assert_int_equal(shaper_burst(10000000ull, 1500), 25000);
	assert_int_equal(shaper_burst(1000000000ull, 1500), 2500000);
	assert_int_equal(shaper_burst(20000000ull, 1492), 50000);
	assert_int_equal(shaper_burst(2000000ull, 1492), 5000);
	/* rounded up: 800001 B/s for 20 ms = 16000.02 B */
	assert_int_equal(shaper_burst(800001ull * 8, 1500), 16001);
	/* floor: one full frame */
	assert_int_equal(shaper_burst(500000ull, 1500), 1518);
	assert_int_equal(shaper_burst(500000ull, 1492), 1510);
	assert_int_equal(shaper_burst(1000, 1500), 1518);
	/* ceiling: 1 Tbit/s for 20 ms would be 2.5 GB */
	assert_int_equal(shaper_burst(SHAPER_RATE_MAX, 1500), SHAPER_BURST_MAX);
	assert_int_equal(shaper_burst(UINT64_MAX, 1500), SHAPER_BURST_MAX);
}

static void test_ifb_name(void **state)
{
	char n[16];

	(void)state;
	shaper_ifb_name("ppp0", 7, false, n);
	assert_string_equal(n, "ifb-ppp0");
	shaper_ifb_name("ppp12345678", 7, false, n); /* 4 + 11 = 15: fits */
	assert_string_equal(n, "ifb-ppp12345678");
	shaper_ifb_name("ppp123456789", 4242, false, n);
	assert_string_equal(n, "ifb4242");
	shaper_ifb_name("ppp0", 7, true, n);
	assert_string_equal(n, "ifb7");
	shaper_ifb_name("x", 2147483647, true, n);
	assert_string_equal(n, "ifb2147483647");
	assert_true(strlen(n) <= 15);
}

static void test_policy_check(void **state)
{
	struct shaper_policy p;
	char err[256];

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), 0);
	p.down.rate = 10000000;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), 0);
	p.down.leaf = SHAPER_LEAF_FQ_CODEL;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_EINVAL);
	assert_non_null(strstr(err, "needs qdisc htb"));
	p.down.qdisc = SHAPER_QDISC_HTB;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), 0);
	p.down.rate = 999;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_ERANGE);
	assert_non_null(strstr(err, "out of range"));
	p.down.rate = 10000000;
	p.up.rate = 5000000;
	p.up.qdisc = SHAPER_QDISC_HTB;
	p.upmode = SHAPER_UP_POLICE;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_EINVAL);
	assert_non_null(strstr(err, "upload mode ifb"));
	p.upmode = SHAPER_UP_IFB;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), 0);
	/* cake alone, both ways; a leaf under it makes no sense */
	p.down.qdisc = p.up.qdisc = SHAPER_QDISC_CAKE;
	p.down.leaf = SHAPER_LEAF_NONE;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), 0);
	p.up.leaf = SHAPER_LEAF_FQ_CODEL;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_EINVAL);
	p.up.leaf = SHAPER_LEAF_NONE;
	p.down.qdisc = (enum shaper_qdisc)(SHAPER_QDISC_CAKE + 1);
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_EINVAL);
	p.down.qdisc = SHAPER_QDISC_HTB;
	p.down.leaf = SHAPER_LEAF_FQ_CODEL;
	p.up.burst = SHAPER_BURST_MAX + 1;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_ERANGE);
	p.up.burst = 0;
	p.down.latency_us = SHAPER_LATENCY_MAX_US + 1;
	assert_int_equal(shaper_policy_check(&p, err, sizeof(err)), -SHAPER_ERANGE);
	assert_int_equal(shaper_policy_check(NULL, err, sizeof(err)), -SHAPER_EINVAL);
}

static void test_keywords(void **state)
{
	enum shaper_qdisc q;
	enum shaper_leaf l;
	enum shaper_upmode m;

	(void)state;
	assert_int_equal(shaper_qdisc_parse("htb", &q), 0);
	assert_int_equal(q, SHAPER_QDISC_HTB);
	assert_int_equal(shaper_qdisc_parse("hTb", &q), -SHAPER_ESYNTAX);
	assert_int_equal(shaper_qdisc_parse("ht", &q), -SHAPER_ESYNTAX); /* no prefixes */
	assert_int_equal(shaper_leaf_parse("cake", &l), 0);
	assert_int_equal(l, SHAPER_LEAF_CAKE);
	assert_int_equal(shaper_upmode_parse("ifb", &m), 0);
	assert_int_equal(m, SHAPER_UP_IFB);
	assert_string_equal(shaper_leaf_name(SHAPER_LEAF_FQ_CODEL), "fq_codel");
	assert_string_equal(shaper_strerror(-SHAPER_ENOACTION), "kernel lacks the tc action");
	assert_string_equal(shaper_strerror(9999), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_units_exact),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_ifb_name),
		cmocka_unit_test(test_policy_check),
		cmocka_unit_test(test_keywords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
