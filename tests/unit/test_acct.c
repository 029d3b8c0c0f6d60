/* Accounting: period boundaries with fixed times in fixed zones (DST
 * included), the cause mapping, the counters of a period, the server
 * syntax, and the attribute list of a record -- the 64-bit split into
 * Acct-*-Octets and Acct-*-Gigawords above all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <radcli/radcli.h>

#include "acct_record.h"
#include "radattr.h"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* seconds since the epoch of a UTC date and time */
static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return timegm(&tm);
}

static void test_period_daily_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 3, 10, 12, 0, 0)),
			 utc(2024, 3, 11, 0, 0, 0));
	/* exactly at a boundary: the next one, never the same */
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 3, 11, 0, 0, 0)),
			 utc(2024, 3, 12, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 3, 10, 23, 59, 59)),
			 utc(2024, 3, 11, 0, 0, 0));
	/* month, leap day and year ends */
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 2, 28, 8, 0, 0)),
			 utc(2024, 2, 29, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 12, 31, 8, 0, 0)),
			 utc(2025, 1, 1, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_NONE, utc(2024, 12, 31, 8, 0, 0)), -1);
}

static void test_period_monthly_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	assert_int_equal(acct_period_next(ACCT_PERIOD_MONTHLY, utc(2024, 1, 31, 23, 0, 0)),
			 utc(2024, 2, 1, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_MONTHLY, utc(2024, 2, 1, 0, 0, 0)),
			 utc(2024, 3, 1, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_MONTHLY, utc(2024, 2, 29, 12, 0, 0)),
			 utc(2024, 3, 1, 0, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_MONTHLY, utc(2023, 12, 15, 0, 0, 0)),
			 utc(2024, 1, 1, 0, 0, 0));
}

static void test_period_local_dst(void **state)
{
	(void)state;
	/* Berlin: midnight is 23:00 UTC in winter, 22:00 UTC in summer */
	set_tz("Europe/Berlin");
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 3, 30, 12, 0, 0)),
			 utc(2024, 3, 30, 23, 0, 0));
	/* 2024-03-31 has 23 hours (02:00 -> 03:00) */
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 3, 30, 23, 0, 0)),
			 utc(2024, 3, 31, 22, 0, 0));
	/* 2024-10-27 has 25 hours */
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 10, 26, 22, 0, 0)),
			 utc(2024, 10, 27, 23, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_MONTHLY, utc(2024, 3, 15, 0, 0, 0)),
			 utc(2024, 3, 31, 22, 0, 0));
	/* Sao Paulo 2018-11-04: clocks went 00:00 -> 01:00, that midnight
	 * never was; the period starts at the first second that exists */
	set_tz("America/Sao_Paulo");
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2018, 11, 3, 15, 0, 0)),
			 utc(2018, 11, 4, 3, 0, 0));
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2018, 11, 4, 3, 0, 0)),
			 utc(2018, 11, 5, 2, 0, 0));
	/* a POSIX TZ with seconds in its offset (the netns test uses one) */
	set_tz("ACD-01:02:03");
	assert_int_equal(acct_period_next(ACCT_PERIOD_DAILY, utc(2024, 5, 1, 12, 0, 0)),
			 utc(2024, 5, 1, 22, 57, 57));
	set_tz("UTC");
}

static void test_period_names(void **state)
{
	enum acct_period p;

	(void)state;
	assert_int_equal(acct_period_parse("daily", &p), 0);
	assert_int_equal(p, ACCT_PERIOD_DAILY);
	assert_int_equal(acct_period_parse("monthly", &p), 0);
	assert_int_equal(p, ACCT_PERIOD_MONTHLY);
	assert_int_equal(acct_period_parse("none", &p), 0);
	assert_int_equal(p, ACCT_PERIOD_NONE);
	assert_int_equal(acct_period_parse("hourly", &p), -1);
	assert_int_equal(acct_period_parse("Daily", &p), -1);
	assert_string_equal(acct_period_name(ACCT_PERIOD_MONTHLY), "monthly");
}

static void test_causes(void **state)
{
	(void)state;
	assert_int_equal(acct_terminate_cause("ip-down"), ACCT_CAUSE_USER_REQUEST);
	assert_int_equal(acct_terminate_cause("disconnect-request"), ACCT_CAUSE_ADMIN_RESET);
	assert_int_equal(acct_terminate_cause("admin-reset"), ACCT_CAUSE_ADMIN_RESET);
	assert_int_equal(acct_terminate_cause("vanished"), ACCT_CAUSE_NAS_ERROR);
	assert_int_equal(acct_terminate_cause("replaced"), ACCT_CAUSE_NAS_ERROR);
	assert_int_equal(acct_terminate_cause("period"), ACCT_CAUSE_SESSION_TIMEOUT);
	assert_int_equal(acct_terminate_cause("something-new"), ACCT_CAUSE_NAS_ERROR);
	assert_int_equal(acct_terminate_cause(NULL), ACCT_CAUSE_NAS_ERROR);
	/* the RFC 2866 numbers */
	assert_int_equal(ACCT_CAUSE_USER_REQUEST, 1);
	assert_int_equal(ACCT_CAUSE_SESSION_TIMEOUT, 5);
	assert_int_equal(ACCT_CAUSE_ADMIN_RESET, 6);
	assert_int_equal(ACCT_CAUSE_NAS_ERROR, 9);
}

static void test_counters_sub(void **state)
{
	struct acct_counters c = { 10ULL << 32, 7, 100, 5 }, base = { 1ULL << 32, 9, 40, 5 }, d;

	(void)state;
	acct_counters_sub(&c, &base, &d);
	assert_true(d.in_octets == 9ULL << 32);
	assert_true(d.out_octets == 0); /* below the base: 0, never a wrap */
	assert_true(d.in_packets == 60);
	assert_true(d.out_packets == 0);
}

static void test_server_parse(void **state)
{
	char host[64];
	unsigned port;

	(void)state;
	assert_int_equal(acct_server_parse("192.0.2.1", host, sizeof(host), &port), 0);
	assert_string_equal(host, "192.0.2.1");
	assert_int_equal(port, 1813);
	assert_int_equal(acct_server_parse("127.0.0.1:21813", host, sizeof(host), &port), 0);
	assert_int_equal(port, 21813);
	assert_int_equal(acct_server_parse("127.0.0.1:0", host, sizeof(host), &port), -1);
	assert_int_equal(acct_server_parse("127.0.0.1:70000", host, sizeof(host), &port), -1);
	assert_int_equal(acct_server_parse("127.0.0.1:", host, sizeof(host), &port), -1);
	assert_int_equal(acct_server_parse("radius.example", host, sizeof(host), &port), -1);
	assert_int_equal(acct_server_parse("2001:db8::1", host, sizeof(host), &port), -1);
	assert_int_equal(acct_server_parse("", host, sizeof(host), &port), -1);
}

/* ---- the record builder against acd's dictionary ---- */

static rc_handle *rh;

static int dict_setup(void **state)
{
	char err[512];

	(void)state;
	if (radattr_dict_open(ACD_RADIUS_DICT, &rh, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int dict_teardown(void **state)
{
	(void)state;
	rc_destroy(rh);
	return 0;
}

static int64_t ival(VALUE_PAIR *l, int attr)
{
	VALUE_PAIR *v = rc_avpair_get(l, attr, 0);

	return v ? (int64_t)v->lvalue : -1;
}

static const char *sval(VALUE_PAIR *l, int attr)
{
	VALUE_PAIR *v = rc_avpair_get(l, attr, 0);

	return v ? v->strvalue : NULL;
}

static unsigned count(VALUE_PAIR *l)
{
	unsigned n = 0;

	for (; l; l = l->next)
		n++;
	return n;
}

static struct acct_record sample(enum acct_status st)
{
	struct acct_record r;

	memset(&r, 0, sizeof(r));
	r.status = st;
	snprintf(r.session_id, sizeof(r.session_id), "65F0A1B200010002");
	snprintf(r.multi_id, sizeof(r.multi_id), "65F0A1B200010001");
	snprintf(r.user, sizeof(r.user), "alice");
	snprintf(r.ifname, sizeof(r.ifname), "ppp7");
	snprintf(r.mac, sizeof(r.mac), "02:00:00:00:00:07");
	snprintf(r.ip, sizeof(r.ip), "100.64.0.10");
	r.event_time = 1710000000;
	r.session_time = 3600;
	/* 5 GiB + 12345 up, exactly 4 GiB - 1 down */
	r.c.in_octets = (5ULL << 32) + 12345;
	r.c.out_octets = (1ULL << 32) - 1;
	r.c.in_packets = (1ULL << 32) + 3; /* packets wrap: no gigawords */
	r.c.out_packets = 42;
	return r;
}

static void test_record_interim(void **state)
{
	struct acct_record r = sample(ACCT_INTERIM);
	struct acct_nas nas = { .identifier = "bras-test", .ip = "192.0.2.9" };
	VALUE_PAIR *l = NULL;
	char err[256];

	(void)state;
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 7, &l, err, sizeof(err)), 0);
	assert_int_equal(ival(l, PW_ACCT_STATUS_TYPE), 3);
	assert_string_equal(sval(l, PW_ACCT_SESSION_ID), "65F0A1B200010002");
	assert_string_equal(sval(l, PW_ACCT_MULTI_SESSION_ID), "65F0A1B200010001");
	assert_string_equal(sval(l, PW_USER_NAME), "alice");
	assert_int_equal(ival(l, PW_FRAMED_IP_ADDRESS), (100 << 24) | (64 << 16) | 10);
	assert_string_equal(sval(l, PW_CALLING_STATION_ID), "02:00:00:00:00:07");
	assert_string_equal(sval(l, PW_NAS_PORT_ID_STRING), "ppp7");
	assert_string_equal(sval(l, PW_NAS_IDENTIFIER), "bras-test");
	assert_int_equal(ival(l, PW_NAS_IP_ADDRESS), (192u << 24) | (2u << 8) | 9u);
	assert_int_equal(ival(l, PW_EVENT_TIMESTAMP), 1710000000);
	assert_int_equal(ival(l, PW_ACCT_DELAY_TIME), 7);
	assert_int_equal(ival(l, PW_ACCT_SESSION_TIME), 3600);
	/* the 64-bit split: value = Octets + Gigawords * 2^32 */
	assert_int_equal(ival(l, PW_ACCT_INPUT_OCTETS), 12345);
	assert_int_equal(ival(l, PW_ACCT_INPUT_GIGAWORDS), 5);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_OCTETS), 4294967295);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_GIGAWORDS), 0);
	assert_int_equal(ival(l, PW_ACCT_INPUT_PACKETS), 3);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_PACKETS), 42);
	assert_int_equal(ival(l, PW_ACCT_TERMINATE_CAUSE), -1); /* Stop only */
	assert_int_equal(ival(l, PW_SERVICE_TYPE), 2);
	assert_int_equal(ival(l, PW_FRAMED_PROTOCOL), 1);
	assert_int_equal(ival(l, PW_NAS_PORT_TYPE), 5);
	assert_int_equal(count(l), 21); /* 14 of every record, 7 counters */
	assert_null(rc_avpair_get(l, 1, 3561));
	rc_avpair_free(l);

	/* a session of acd's PPPoE server on a TR-101 line: its circuit */
	snprintf(r.circuit_id, sizeof(r.circuit_id), "dslam1 eth 1/1/7:100");
	snprintf(r.remote_id, sizeof(r.remote_id), "cust-0042");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 7, &l, err, sizeof(err)), 0);
	assert_non_null(rc_avpair_get(l, 1, 3561));
	assert_string_equal(rc_avpair_get(l, 1, 3561)->strvalue, "dslam1 eth 1/1/7:100");
	assert_string_equal(rc_avpair_get(l, 2, 3561)->strvalue, "cust-0042");
	assert_int_equal(count(l), 23);
	rc_avpair_free(l);
}

static void test_record_start_stop(void **state)
{
	struct acct_record r = sample(ACCT_START);
	struct acct_nas nas = { .identifier = "bras-test" };
	VALUE_PAIR *l = NULL;
	char err[256];

	(void)state;
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(ival(l, PW_ACCT_STATUS_TYPE), 1);
	/* a Start counts nothing yet */
	assert_int_equal(ival(l, PW_ACCT_INPUT_OCTETS), -1);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_GIGAWORDS), -1);
	assert_int_equal(ival(l, PW_ACCT_SESSION_TIME), -1);
	/* no nas-ip-address: radcli fills in the source address itself */
	assert_int_equal(ival(l, PW_NAS_IP_ADDRESS), -1);
	rc_avpair_free(l);

	r = sample(ACCT_STOP);
	r.cause = ACCT_CAUSE_ADMIN_RESET;
	r.c.out_octets = 1ULL << 32; /* exactly one gigaword */
	r.ip[0] = '\0';              /* IPv6-only session: no Framed-IP-Address */
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(ival(l, PW_ACCT_STATUS_TYPE), 2);
	assert_int_equal(ival(l, PW_ACCT_TERMINATE_CAUSE), 6);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_OCTETS), 0);
	assert_int_equal(ival(l, PW_ACCT_OUTPUT_GIGAWORDS), 1);
	assert_int_equal(ival(l, PW_FRAMED_IP_ADDRESS), -1);
	assert_null(rc_avpair_get(l, PW_FRAMED_INTERFACE_ID, 0));
	rc_avpair_free(l);

	/* its IPv6CP interface identifier: the low 64 bits of the peer's
	 * link-local address, 8 octets (RFC 3162 2.2) */
	snprintf(r.ipv6, sizeof(r.ipv6), "fe80::a078:616e:78e0:a3c1");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	{
		VALUE_PAIR *v = rc_avpair_get(l, PW_FRAMED_INTERFACE_ID, 0);

		assert_non_null(v);
		assert_int_equal(v->lvalue, 8);
		assert_memory_equal(v->strvalue, "\xa0\x78\x61\x6e\x78\xe0\xa3\xc1", 8);
	}
	rc_avpair_free(l);
	/* anything but a link-local address is not an interface identifier */
	snprintf(r.ipv6, sizeof(r.ipv6), "2001:db8::1");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_null(rc_avpair_get(l, PW_FRAMED_INTERFACE_ID, 0));
	rc_avpair_free(l);

	/* its prefixes, RFC 3162 2.3 / RFC 4818: reserved, length, 16 prefix bytes */
	snprintf(r.ipv6_prefix, sizeof(r.ipv6_prefix), "2001:db8:1:2::/64");
	snprintf(r.ipv6_delegated, sizeof(r.ipv6_delegated), "2001:db8:100::/56");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	{
		VALUE_PAIR *p = rc_avpair_get(l, PW_FRAMED_IPV6_PREFIX, 0);
		VALUE_PAIR *d = rc_avpair_get(l, PW_DELEGATED_IPV6_PREFIX, 0);

		assert_non_null(p);
		assert_non_null(d);
		assert_int_equal(p->lvalue, 18);
		assert_memory_equal(p->strvalue, "\0\x40\x20\x01\x0d\xb8\0\x01\0\x02\0\0\0\0\0\0\0\0",
				    18);
		assert_int_equal(d->lvalue, 18);
		assert_memory_equal(d->strvalue, "\0\x38\x20\x01\x0d\xb8\x01\0\0\0\0\0\0\0\0\0\0\0",
				    18);
	}
	rc_avpair_free(l);
	/* what is not a prefix is left out */
	snprintf(r.ipv6_prefix, sizeof(r.ipv6_prefix), "2001:db8:1:2::");
	snprintf(r.ipv6_delegated, sizeof(r.ipv6_delegated), "2001:db8::/129");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_null(rc_avpair_get(l, PW_FRAMED_IPV6_PREFIX, 0));
	assert_null(rc_avpair_get(l, PW_DELEGATED_IPV6_PREFIX, 0));
	rc_avpair_free(l);
	r.ipv6_prefix[0] = r.ipv6_delegated[0] = '\0';

	/* an IPv6 NAS address goes in NAS-IPv6-Address */
	snprintf(nas.ip, sizeof(nas.ip), "2001:db8::9");
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(ival(l, PW_NAS_IP_ADDRESS), -1);
	assert_non_null(rc_avpair_get(l, PW_NAS_IPV6_ADDRESS, 0));
	rc_avpair_free(l);
}

/* the largest counter: 2^64 - 1 = (2^32 - 1) gigawords + (2^32 - 1) octets */
static void test_record_max(void **state)
{
	struct acct_record r = sample(ACCT_STOP);
	struct acct_nas nas = { "" , "" };
	VALUE_PAIR *l = NULL;
	char err[256];

	(void)state;
	r.c.in_octets = UINT64_MAX;
	assert_int_equal(acct_record_attrs(rh, &r, &nas, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(ival(l, PW_ACCT_INPUT_OCTETS), 4294967295);
	assert_int_equal(ival(l, PW_ACCT_INPUT_GIGAWORDS), 4294967295);
	assert_null(rc_avpair_get(l, PW_NAS_IDENTIFIER, 0));
	rc_avpair_free(l);
}

/* ---- the drop and failure logs' rate limit ---- */

/* the first line goes out at once, at any clock reading; the next when
 * 1 s has passed, not a microsecond earlier; asking changes nothing */
static void test_ratelimit_gap(void **state)
{
	static const uint64_t starts[] = { 0, 1, 999999, 1000000, 86400000000ull,
					   UINT64_MAX - 5000000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		struct acct_ratelimit rl = { 0 };
		uint64_t t = starts[i];

		assert_int_equal(acct_ratelimit_take(&rl, t), 0);
		assert_int_equal(acct_ratelimit_take(&rl, t), ACCT_LOG_GAP_US);
		assert_int_equal(acct_ratelimit_take(&rl, t + 1), ACCT_LOG_GAP_US - 1);
		assert_int_equal(acct_ratelimit_take(&rl, t + 400000), 600000);
		assert_int_equal(acct_ratelimit_take(&rl, t + 999999), 1);
		assert_int_equal(acct_ratelimit_take(&rl, t + 999999), 1);
		assert_int_equal(acct_ratelimit_take(&rl, t + 1000000), 0);
		/* timed from the line that went out, not from the last ask */
		assert_int_equal(acct_ratelimit_take(&rl, t + 1500000), 500000);
		assert_int_equal(acct_ratelimit_take(&rl, t + 2000000), 0);
		/* a long quiet spell: the next line at once */
		assert_int_equal(acct_ratelimit_take(&rl, t + 5000000), 0);
	}
}

/*
 * acct_send.c's use of it, simulated on a made-up clock: events (drops) come
 * in bursts at random times; each asks the limit, and one held back sets
 * the flush timer for the wait returned, which fires up to 40 ms early
 * (libev times it from the loop's cached clock) and asks again.  The
 * lines that go out: two at least 1 s apart, any window of N s (a line at
 * its start) holds at most N + 1, no event is left unlogged, and a busy
 * spell of S seconds gets at least S - 1 lines (the limit holds back no
 * more than it must).
 */
#define SIM_LINES 256
/* when the flush timer set at `at` for w us fires: up to 40 ms early */
static uint64_t sim_timer(uint64_t at, uint64_t w)
{
	return at + w - (w > 80000 ? 40000 : w / 2);
}

static void test_ratelimit_bursts(void **state)
{
	uint64_t lines[SIM_LINES], now = 7000000, timer = 0, seed = 42, end = 0;
	struct acct_ratelimit rl = { 0 };
	unsigned n = 0, pending = 0, events = 0, i, j;
	uint64_t busy_from = now;

	(void)state;
	while (now < 7000000 + 60000000ull) {
		unsigned burst, k;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		now += (seed >> 33) % 120000;   /* up to 120 ms to the next burst */
		burst = 1 + (unsigned)((seed >> 20) % 3);
		/* the timer first, if it is due before this burst */
		while (timer && timer <= now) {
			uint64_t at = timer, w;

			timer = 0;
			if (!pending)
				continue;
			w = acct_ratelimit_take(&rl, at);
			if (w) {
				timer = sim_timer(at, w);
				continue;
			}
			assert_true(n < SIM_LINES);
			lines[n++] = at;
			pending = 0;
		}
		for (k = 0; k < burst; k++, now += 300) {
			uint64_t w;

			events++;
			pending++;
			w = acct_ratelimit_take(&rl, now);
			if (!w) {
				assert_true(n < SIM_LINES);
				lines[n++] = now;
				pending = 0;
			} else if (!timer) {
				timer = sim_timer(now, w);
			}
		}
		end = now;
	}
	/* after the last burst, the timer brings the rest */
	while (pending) {
		uint64_t w;

		assert_true(timer != 0);
		w = acct_ratelimit_take(&rl, timer);
		if (w) {
			timer += w;
			continue;
		}
		lines[n++] = timer;
		pending = 0;
	}
	assert_true(events > 1000);
	for (i = 1; i < n; i++)
		assert_true(lines[i] - lines[i - 1] >= ACCT_LOG_GAP_US);
	for (i = 0; i < n; i++) {
		unsigned win;

		for (win = 1; win <= 20; win++) {
			unsigned in = 0;

			for (j = i; j < n && lines[j] <= lines[i] + win * 1000000ull; j++)
				in++;
			assert_true(in <= win + 1);
		}
	}
	/* the limit holds back no more than it must */
	assert_true(n >= (end - busy_from) / 1000000 - 1);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_period_daily_utc),
		cmocka_unit_test(test_period_monthly_utc),
		cmocka_unit_test(test_period_local_dst),
		cmocka_unit_test(test_period_names),
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_counters_sub),
		cmocka_unit_test(test_server_parse),
		cmocka_unit_test(test_ratelimit_gap),
		cmocka_unit_test(test_ratelimit_bursts),
	};
	const struct CMUnitTest records[] = {
		cmocka_unit_test(test_record_interim),
		cmocka_unit_test(test_record_start_stop),
		cmocka_unit_test(test_record_max),
	};
	int rc = cmocka_run_group_tests_name("acct", pure, NULL, NULL);

	return rc | cmocka_run_group_tests_name("acct records", records, dict_setup, dict_teardown);
}
