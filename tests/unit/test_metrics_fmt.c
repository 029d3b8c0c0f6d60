/*
 * The Prometheus exposition writer (acd/metrics_fmt.c): every byte of a
 * family, label escaping (hostile user names), histograms (cumulative
 * buckets, +Inf, _sum, _count), the size bound; and metrics_build() of an
 * acd with no sessions and no modules, whose lines all parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>

#include "acd.h"
#include "ipv6.h"
#include "metrics.h"
#include "metrics_fmt.h"
#include "pppoe.h"
#include "sessfake.h"

static void test_family_and_samples(void **state)
{
	struct mx m;

	(void)state;
	mx_init(&m, 1 << 20);
	mx_family(&m, "acd_x_total", MX_COUNTER, "help with \\ and\nnewline \"kept\"");
	mx_u64(&m, "acd_x_total", NULL, 18446744073709551615ull);
	mx_u64(&m, "acd_x_total", (const char *[]){ "a", "1", "b", "two", NULL }, 0);
	mx_family(&m, "acd_y", MX_GAUGE, "g");
	mx_f64(&m, "acd_y", NULL, 0.5);
	mx_f64(&m, "acd_y", (const char *[]){ "k", "v", NULL }, -1);
	assert_false(m.full);
	assert_string_equal(m.buf,
		"# HELP acd_x_total help with \\\\ and\\nnewline \"kept\"\n"
		"# TYPE acd_x_total counter\n"
		"acd_x_total 18446744073709551615\n"
		"acd_x_total{a=\"1\",b=\"two\"} 0\n"
		"# HELP acd_y g\n"
		"# TYPE acd_y gauge\n"
		"acd_y 0.5\n"
		"acd_y{k=\"v\"} -1\n");
	assert_int_equal(m.len, strlen(m.buf));
	mx_free(&m);
}

/* A user name is the subscriber's to choose: it must not end the line,
 * close the label or forge another series. */
static void test_escaping(void **state)
{
	struct mx m;

	(void)state;
	mx_init(&m, 1 << 20);
	mx_u64(&m, "acd_s", (const char *[]){ "user", "a\"} 1\nacd_fake 2 \\", NULL }, 3);
	assert_string_equal(m.buf, "acd_s{user=\"a\\\"} 1\\nacd_fake 2 \\\\\"} 3\n");
	mx_free(&m);

	/* not UTF-8: U+FFFD for each bad byte; valid UTF-8 kept */
	mx_init(&m, 1 << 20);
	mx_escape(&m, "\xff" "caf\xc3\xa9" "\xc3" "\xed\xa0\x80", false);
	assert_string_equal(m.buf, "\xef\xbf\xbd" "caf\xc3\xa9" "\xef\xbf\xbd"
				   "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	mx_free(&m);

	/* a NULL label value is the empty string */
	mx_init(&m, 1 << 20);
	mx_u64(&m, "acd_s", (const char *[]){ "interface", NULL, NULL }, 1);
	assert_string_equal(m.buf, "acd_s{interface=\"\"} 1\n");
	mx_free(&m);
}

static void test_histogram(void **state)
{
	static const double bounds[] = { 0.001, 0.25, 1 };
	static const uint64_t counts[] = { 2, 0, 5, 1 }; /* per bucket, the last above 1 s */
	struct mx m;

	(void)state;
	mx_init(&m, 1 << 20);
	mx_family(&m, "acd_h_seconds", MX_HISTOGRAM, "h");
	mx_histogram(&m, "acd_h_seconds", (const char *[]){ "type", "coa", NULL }, bounds, 3,
		     counts, 4.5);
	assert_string_equal(m.buf,
		"# HELP acd_h_seconds h\n"
		"# TYPE acd_h_seconds histogram\n"
		"acd_h_seconds_bucket{type=\"coa\",le=\"0.001\"} 2\n"
		"acd_h_seconds_bucket{type=\"coa\",le=\"0.25\"} 2\n"
		"acd_h_seconds_bucket{type=\"coa\",le=\"1\"} 7\n"
		"acd_h_seconds_bucket{type=\"coa\",le=\"+Inf\"} 8\n"
		"acd_h_seconds_sum{type=\"coa\"} 4.5\n"
		"acd_h_seconds_count{type=\"coa\"} 8\n");
	mx_free(&m);

	/* no labels: le alone */
	mx_init(&m, 1 << 20);
	mx_histogram(&m, "h", NULL, bounds, 1, (const uint64_t[]){ 0, 0 }, 0);
	assert_string_equal(m.buf, "h_bucket{le=\"0.001\"} 0\nh_bucket{le=\"+Inf\"} 0\n"
				   "h_sum 0\nh_count 0\n");
	mx_free(&m);
}

/* The latency rings' buckets: each observation in the first bucket whose
 * bound it does not exceed; above the last, +Inf. */
static void test_lat_buckets(void **state)
{
	struct lat_ring *r = calloc(1, sizeof(*r));

	(void)state;
	lat_add_us(r, 100);             /* on the first bound: the first bucket */
	lat_add_us(r, 101);
	lat_add_us(r, 10000000);
	lat_add_us(r, 10000001);
	assert_int_equal(r->bucket[0], 1);
	assert_int_equal(r->bucket[1], 1);
	assert_int_equal(r->bucket[LAT_BUCKETS - 1], 1);
	assert_int_equal(r->bucket[LAT_BUCKETS], 1);
	assert_int_equal(r->sum_us, 100 + 101 + 10000000 + 10000001);
	assert_int_equal(r->count, 4);
	free(r);
}

static void test_bound(void **state)
{
	struct mx m;
	int i;

	(void)state;
	mx_init(&m, 64);
	for (i = 0; i < 10; i++)
		mx_u64(&m, "acd_long_name_total", NULL, 1);
	assert_true(m.full);
	assert_true(m.len < 64);
	mx_free(&m);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Every line of a whole exposition is a comment or NAME[{...}] VALUE, and
 * each family's TYPE comes before its samples, once; each family is in
 * docs/metrics.md. */
/* how many families text has; it fails on a malformed line or a family
 * docs/metrics.md does not list (text is cut into lines) */
static int check_exposition(char *text)
{
	char *line, *save = NULL, *doc = read_file(ACD_METRICS_DOC), want[128];
	int families = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# TYPE ", 7)) {
			families++;
			snprintf(want, sizeof(want), "| `%.*s", (int)strcspn(line + 7, " "), line + 7);
			if (!strstr(doc, want))
				fail_msg("docs/metrics.md does not list %s", line + 7);
			continue;
		}
		if (line[0] == '#')
			continue;
		if (!strchr(line, ' '))
			fail_msg("not NAME VALUE: %s", line);
		if (strspn(line, "abcdefghijklmnopqrstuvwxyz_") < 4)
			fail_msg("bad name: %s", line);
	}
	free(doc);
	return families;
}

static void test_build(void **state)
{
	static struct acd a;
	struct mx m;

	(void)state;
	config_defaults(&a.cfg);
	a.stats.hook.bucket[0] = 3;
	a.stats.hook.count = 3;
	mx_init(&m, METRICS_MAX_BYTES);
	metrics_build(&a, NULL, &m);
	assert_false(m.full);
	assert_non_null(strstr(m.buf, "\nacd_hook_duration_seconds_bucket{le=\"0.0001\"} 3\n"));
	assert_non_null(strstr(m.buf, "\nacd_hook_duration_seconds_count 3\n"));
	assert_non_null(strstr(m.buf, "\nacd_sessions{state=\"up\"} 0\n"));
	assert_non_null(strstr(m.buf, "\nprocess_open_fds "));
	assert_null(strstr(m.buf, "acd_pppoe_padi_received_total")); /* [pppoe] off */
	assert_true(check_exposition(m.buf) > 40);
	mx_free(&m);
}

/* effects that do nothing: the PPPoE server's and the IPv6 edge's */
static int pp_send(void *ctx, int ifindex, const uint8_t *frame, size_t len)
{
	(void)ctx;
	(void)ifindex;
	(void)frame;
	(void)len;
	return 0;
}

static int pp_spawn(void *ctx, char *const argv[], pid_t *pid, int *pidfd)
{
	(void)ctx;
	(void)argv;
	(void)pid;
	(void)pidfd;
	return -ENOENT;
}

static int pp_terminate(void *ctx, int pidfd, pid_t pid)
{
	(void)ctx;
	(void)pidfd;
	(void)pid;
	return 0;
}

static int pp_reap(void *ctx, int pidfd, pid_t pid, int *status)
{
	(void)ctx;
	(void)pidfd;
	(void)pid;
	*status = 0;
	return 0;
}

static int v6_reply(void *ctx, int ifindex, const struct in6_addr *to, const uint8_t *buf,
		    size_t len)
{
	(void)ctx;
	(void)ifindex;
	(void)to;
	(void)buf;
	(void)len;
	return 0;
}

static int v6_route(void *ctx, bool add, int ifindex, const struct in6_addr *prefix, uint8_t len,
		    const struct in6_addr *via, uint32_t metric)
{
	(void)ctx;
	(void)add;
	(void)ifindex;
	(void)prefix;
	(void)len;
	(void)via;
	(void)metric;
	return 0;
}

static int v6_join(void *ctx, int ifindex, bool join)
{
	(void)ctx;
	(void)ifindex;
	(void)join;
	return 0;
}

static uint32_t v6_mtu(void *ctx, int ifindex)
{
	(void)ctx;
	(void)ifindex;
	return 1492;
}

/* With [pppoe] and [ipv6]: their families too, a drop reason as a label,
 * all documented */
static void test_build_pppoe_ipv6(void **state)
{
	static const struct pppoe_fx pfx = { .send = pp_send, .spawn = pp_spawn,
					     .terminate = pp_terminate, .reap = pp_reap };
	static const struct ipv6_fx vfx = { pp_send, v6_reply, v6_route, v6_join, v6_mtu };
	static const uint8_t mac[6] = { 2, 0xac, 0, 0, 0, 1 };
	static struct acd a;
	static struct fake sf;
	uint8_t frame[64] = { 0 };
	char err[256] = "";
	struct mx m;

	(void)state;
	config_defaults(&a.cfg);
	snprintf(a.cfg.pppoe_ifaces[0], sizeof(a.cfg.pppoe_ifaces[0]), "ac*");
	a.cfg.n_pppoe_ifaces = 1;
	inet_pton(AF_INET6, "2001:db8:100::", &a.cfg.ipv6_pool_addr);
	a.cfg.ipv6_pool_len = 56;
	snprintf(a.cfg.ipv6_pool, sizeof(a.cfg.ipv6_pool), "2001:db8:100::/56");
	sessions_init(&a.sess, NULL, &a.cfg, &fake_fx, &sf);
	a.pppoe = pppoe_open_fx(&a, &pfx, NULL, err, sizeof(err));
	assert_non_null(a.pppoe);
	assert_int_equal(pppoe_iface_set(a.pppoe, 3, "ac0", mac, 1500), 0);
	a.ipv6 = ipv6_open_fx(&a, &vfx, NULL, err, sizeof(err));
	assert_non_null(a.ipv6);
	/* a PADI from a broadcast source: dropped, with its reason */
	memset(frame, 0xff, 12);
	frame[12] = 0x88;
	frame[13] = 0x63;
	frame[14] = 0x11;
	frame[15] = 0x09;
	pppoe_input(a.pppoe, 3, frame, sizeof(frame), false);
	mx_init(&m, METRICS_MAX_BYTES);
	metrics_build(&a, NULL, &m);
	assert_false(m.full);
	assert_non_null(strstr(m.buf, "\nacd_pppoe_enabled 1\n"));
	assert_non_null(strstr(m.buf, "\nacd_pppoe_padi_received_total{interface=\"ac0\"} "));
	assert_non_null(strstr(m.buf, "\nacd_pppoe_dropped_total{interface=\"ac0\",reason=\""));
	assert_non_null(strstr(m.buf, "\nacd_ipv6_enabled 1\n"));
	assert_non_null(strstr(m.buf, "\nacd_dhcpv6_leases 0\n"));
	assert_true(check_exposition(m.buf) > 60);
	mx_free(&m);
	ipv6_close(a.ipv6);
	pppoe_close(a.pppoe);
	sessions_free(&a.sess);
}

/* How long a whole exposition takes at 5000 sessions, without and with
 * per-session series (no link counters here: no rtnetlink); the issue's
 * target is 10 ms for the default set, the bound here is loose for a
 * loaded machine. */
static void test_build_5000(void **state)
{
	static struct acd a;
	struct session *v = calloc(5000, sizeof(*v));
	struct timespec t0, t1;
	double ms[2];
	size_t len[2];
	unsigned i, k;

	(void)state;
	assert_non_null(v);
	config_defaults(&a.cfg);
	for (i = 0; i < 5000; i++) {
		snprintf(v[i].ifname, sizeof(v[i].ifname), "ppp%u", i);
		snprintf(v[i].user, sizeof(v[i].user), "user%u@example.net", i);
		snprintf(v[i].radius_src, sizeof(v[i].radius_src), "%s",
			 i % 3 ? "RP-Downstream-Speed-Limit" : "default");
		v[i].shaped = true;
		v[i].applied.down.rate = 10000000;
		v[i].next = i + 1 < 5000 ? &v[i + 1] : NULL;
	}
	a.sess.list = v;
	a.sess.n = 5000;
	a.cfg.metrics_sessions_max = 5000;
	for (k = 0; k < 2; k++) {
		struct mx m;

		a.cfg.metrics_sessions = k == 1;
		mx_init(&m, METRICS_MAX_BYTES);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		metrics_build(&a, NULL, &m);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_false(m.full);
		ms[k] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		len[k] = m.len;
		mx_free(&m);
	}
	print_message("metrics_build at 5000 sessions: %.2f ms, %zu bytes; with per-session "
		      "series %.2f ms, %zu bytes\n", ms[0], len[0], ms[1], len[1]);
	assert_true(ms[0] < 250);
	assert_true(ms[1] < 2500);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_samples),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_lat_buckets),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_pppoe_ipv6),
		cmocka_unit_test(test_build_5000),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
