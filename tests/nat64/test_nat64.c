/* libnat64 without a kernel: config errors (all of them, file:line), the
 * example in conf/, print/parse round trip, golden renders (Jool JSON,
 * tayga.conf, BIND, unbound, radvd), pool4 overlap, the ephemeral-range
 * logic, version checks, jool's CSV output, and the plan diff. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "nat64.h"

static struct nat64_errors errs;
static struct nat64_config cfg;

static const char base[] = "[nat64]\npool6 = 64:ff9b::/96\n";

static int parse(const char *text)
{
	return nat64_config_parse(NULL, text, false, &cfg, &errs);
}

/* errs must hold a message containing needle */
static void assert_err(const char *needle)
{
	unsigned i;

	for (i = 0; i < errs.n; i++)
		if (strstr(errs.msg[i], needle))
			return;
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "  got: %s\n", errs.msg[i]);
	fail_msg("no error contains \"%s\"", needle);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Compare a render with tests/nat64/golden/NAME; NAT64_UPDATE_GOLDEN=1 rewrites it. */
static void golden(const char *name, char *got)
{
	char path[1024];
	char *want;

	assert_non_null(got);
	snprintf(path, sizeof(path), "%s/%s", NAT64_GOLDEN_DIR, name);
	if (getenv("NAT64_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	if (strcmp(want, got)) {
		fprintf(stderr, "---- %s: want\n%s---- got\n%s----\n", name, want, got);
		fail_msg("render differs from golden/%s", name);
	}
	free(want);
	free(got);
}

static void test_example(void **state)
{
	(void)state;
	assert_int_equal(nat64_config_parse(NAT64_EXAMPLE_CONF, NULL, false, &cfg, &errs), 0);
	assert_true(cfg.nat64_present);
	assert_true(cfg.dns64_present);
	assert_int_equal(cfg.backend, NAT64_BACKEND_JOOL);
	assert_string_equal(cfg.instance, "acd");
	assert_int_equal(cfg.pool6.len, 96);
	assert_int_equal(cfg.npool4, 3);
	assert_int_equal(cfg.pool4[0].protos, NAT64_TCP | NAT64_UDP);
	assert_int_equal(cfg.pool4[0].port_min, 61001);
	assert_int_equal(cfg.pool4[2].mark, 7);
	assert_int_equal(cfg.pool4[2].prefix.len, 30);
	assert_int_equal(cfg.pool4[0].line, 17);
	assert_int_equal(cfg.nclients, 2);
	assert_true(cfg.recursive_only);
	/* the example is clear of Debian's default ephemeral range */
	{
		char err[1024];

		assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 60999, err, sizeof(err)), 0);
	}
}

static void test_all_errors(void **state)
{
	const char *text = "[nat64]\n"                                 /* 1 */
			   "backend = jool2\n"                         /* 2 */
			   "pool6 = 64:ff9b::/95\n"                    /* 3 */
			   "pool4 = 192.0.2.1 tcp,sctp 61001-65535\n"  /* 4 */
			   "pool4 = 192.0.2.1 tcp 70000-80000\n"       /* 5 */
			   "pool4 = 192.0.2.1 tcp 2000-1000\n"         /* 6 */
			   "pool4 = 192.0.2.1/24\n"                    /* 7 */
			   "colour = blue\n"                           /* 8 */
			   "instance = this-name-is-far-too-long\n"    /* 9 */
			   "pref64-lifetime = 1801\n"                  /* 10 */
			   "[dns64]\n"                                 /* 11 */
			   "server = powerdns\n"                       /* 12 */
			   "clients = 2001:db8::/32 banana\n"          /* 13 */
			   "[shaper]\n"                                /* 14 */
			   "down-qdisc = tbf\n";                       /* 15 */

	(void)state;
	assert_int_equal(parse(text), -NAT64_EINVAL);
	assert_err("(built-in):2: backend \"jool2\": unknown (use jool, or tayga");
	assert_err("(built-in):3: pool6 \"64:ff9b::/95\": length /95 is not one of RFC 6052's");
	assert_err("(built-in):4: pool4 \"192.0.2.1 tcp,sctp 61001-65535\": \"tcp,sctp\" is not a protocol list");
	assert_err("(built-in):5: pool4 \"192.0.2.1 tcp 70000-80000\": port range \"70000-80000\": ports go up to 65535");
	assert_err("(built-in):6: pool4 \"192.0.2.1 tcp 2000-1000\": port range \"2000-1000\": the first port is above the last");
	assert_err("(built-in):7: pool4 \"192.0.2.1/24\": \"192.0.2.1/24\" is not an IPv4 address or prefix with host bits zero");
	assert_err("(built-in):8: unknown key \"colour\" in [nat64] (known: backend, instance");
	assert_err("(built-in):9: instance \"this-name-is-far-too-long\": use 1 to 15");
	assert_err("(built-in):10: pref64-lifetime \"1801\": give seconds from 0 to 65528 in steps of 8");
	assert_err("(built-in):12: server \"powerdns\": unknown (use bind or unbound)");
	assert_err("(built-in):13: clients: element \"banana\" is not an address");
	assert_err("(built-in):15: unknown section [shaper]");
	/* pool6 was bad, so it is missing: said once, without a line */
	assert_err("(built-in): [nat64] needs pool6");
	assert_true(errs.n >= 13);
}

static void test_other_sections_ignored(void **state)
{
	(void)state;
	assert_int_equal(nat64_config_parse(NULL, "[acd]\nlog = stderr\n[nat64]\npool6 = 64:ff9b::/96\n",
					    true, &cfg, &errs), 0);
	assert_int_equal(nat64_config_parse(NULL, "[acd]\nlog = stderr\n", true, &cfg, &errs),
			 -NAT64_EINVAL);
	assert_err("no [nat64] or [dns64] section");
}

/* the inih-callback interface acd uses */
static void test_key_api(void **state)
{
	struct nat64_config c;
	struct nat64_errors e = { 0 };

	(void)state;
	nat64_config_init(&c);
	assert_int_equal(nat64_config_key(&c, "shaper", "leaf", "sfq", "acd.conf", 3, &e), 0);
	assert_int_equal(nat64_config_key(&c, "nat64", "pool6", "2001:db8:64::/96", "acd.conf", 20, &e), 1);
	assert_int_equal(nat64_config_key(&c, "nat64", "pool4", "192.0.2.1", "acd.conf", 21, &e), 1);
	assert_int_equal(nat64_config_key(&c, "nat64", "pool4", "192.0.2.1 tcp 1-2 mark", "acd.conf", 22, &e), 1);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "acd.conf:22: pool4"));
	assert_int_equal(nat64_config_check(&c, "acd.conf", &e), -NAT64_EINVAL);
	e.n = 0;
	assert_int_equal(nat64_config_check(&c, "acd.conf", &e), 0);
	assert_true(c.nat64_present);
	assert_false(c.dns64_present);
	assert_int_equal(c.npool4, 1);
	assert_int_equal(c.pool4[0].protos, NAT64_ALL_PROTOS);
}

static void test_pool4_overlap(void **state)
{
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), "%s"
		 "pool4 = 192.0.2.0/30 tcp 61001-65535\n"
		 "pool4 = 192.0.2.2 tcp,udp 65000-65100\n"   /* overlaps line 3 for tcp */
		 "pool4 = 192.0.2.2 udp 1000-2000\n"         /* no: other ports */
		 "pool4 = 192.0.2.2 tcp 65000-65100 mark 1\n" /* no: other mark */
		 "pool4 = 192.0.2.8/29 icmp\n"
		 "pool4 = 192.0.2.9 icmp 5-6\n", base);       /* icmp 0-65535 contains 5-6 */
	assert_int_equal(parse(text), -NAT64_EINVAL);
	assert_int_equal(errs.n, 2);
	assert_err("(built-in):4: pool4 \"192.0.2.2/32 tcp,udp 65000-65100\" overlaps line 3 (\"192.0.2.0/30 tcp 61001-65535\") for tcp");
	assert_err("(built-in):8: pool4 \"192.0.2.9/32 icmp 5-6\" overlaps line 7");
}

static void test_rfc6052(void **state)
{
	char text[512];

	(void)state;
	/* mapping private IPv4 under the well-known prefix is refused */
	snprintf(text, sizeof(text), "%s[dns64]\nmapped = any\n", base);
	assert_int_equal(parse(text), -NAT64_EINVAL);
	assert_err("mapped maps the non-global address 10.1.2.3 under the well-known prefix");
	/* ... allowed with a network-specific prefix */
	assert_int_equal(parse("[nat64]\npool6 = 2001:db8:64::/96\n[dns64]\nmapped = any\n"), 0);
	/* losing 192.0.0.170/31 breaks RFC 7050 */
	assert_int_equal(parse("[nat64]\npool6 = 2001:db8:64::/96\n[dns64]\nmapped = !192.0.0.0/24 any\n"),
			 -NAT64_EINVAL);
	assert_err("does not map 192.0.0.170/31: RFC 7050");
	/* suffix needs a prefix shorter than /96 */
	assert_int_equal(parse("[dns64]\nprefix = 64:ff9b::/96\nsuffix = ::1\n"), -NAT64_EINVAL);
	assert_err("suffix needs a prefix shorter than /96");
	/* bits 64-71 of a /96 must be zero */
	assert_int_equal(parse("[nat64]\npool6 = 2001:db8:0:0:ff00::/96\n"), -NAT64_EINVAL);
	assert_err("bits 64 to 71 must be zero");
	/* synthesis: /96 and /64 (u-octet skipped) */
	{
		struct nat64_prefix6 p;
		struct in_addr v4;
		struct in6_addr a;
		char s[INET6_ADDRSTRLEN];

		inet_pton(AF_INET, "192.0.2.33", &v4);
		assert_int_equal(nat64_prefix6_parse("64:ff9b::/96", &p), 0);
		nat64_synthesize(&p, v4, &a);
		assert_string_equal(inet_ntop(AF_INET6, &a, s, sizeof(s)), "64:ff9b::c000:221");
		assert_int_equal(nat64_prefix6_parse("2001:db8:122:344::/64", &p), 0);
		nat64_synthesize(&p, v4, &a);
		assert_string_equal(inet_ntop(AF_INET6, &a, s, sizeof(s)), "2001:db8:122:344:c0:2:2100:0");
		assert_int_equal(nat64_prefix6_parse("2001:db8:100::/40", &p), 0);
		nat64_synthesize(&p, v4, &a);
		assert_string_equal(inet_ntop(AF_INET6, &a, s, sizeof(s)), "2001:db8:1c0:2:21::");
	}
}

static void test_tayga_checks(void **state)
{
	(void)state;
	assert_int_equal(parse("[nat64]\nbackend = tayga\npool6 = 64:ff9b::/96\npool4 = 192.0.2.1\n"),
			 -NAT64_EINVAL);
	assert_err("pool4 is for backend jool");
	assert_err("backend tayga needs tayga-pool");
	assert_err("backend tayga needs tayga-ipv4-address");
	assert_err("needs tayga-ipv6-address");
	assert_int_equal(parse("[nat64]\nbackend = tayga\npool6 = 2001:db8:64::/96\n"
			       "tayga-pool = 192.168.255.0/24\ntayga-ipv4-address = 192.168.254.1\n"),
			 -NAT64_EINVAL);
	assert_err("tayga-ipv4-address is outside tayga-pool 192.168.255.0/24");
}

static char *print_cfg(const struct nat64_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	nat64_config_print(f, c);
	fclose(f);
	return buf;
}

static void test_round_trip(void **state)
{
	struct nat64_config a, b;
	char *t1, *t2;
	const char *text = "[nat64]\nbackend = tayga\npool6 = 2001:db8:64::/96\n"
			   "tayga-pool = 192.168.255.0/24\ntayga-ipv4-address = 192.168.255.1\n"
			   "tayga-ipv6-address = 2001:db8::64\ntayga-device = t64\n"
			   "[dns64]\nserver = unbound\nprefix = 2001:db8:64::/96\n"
			   "clients = 2001:db8::/32, !2001:db8:1::/48\nexclude = ::ffff:0:0/96\n"
			   "mapped = 192.0.0.170/31 !10.0.0.0/8 any\nbreak-dnssec = yes\n";

	(void)state;
	assert_int_equal(nat64_config_parse(NAT64_EXAMPLE_CONF, NULL, false, &a, &errs), 0);
	t1 = print_cfg(&a);
	assert_int_equal(nat64_config_parse(NULL, t1, false, &b, &errs), 0);
	t2 = print_cfg(&b);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	assert_int_equal(nat64_config_parse(NULL, text, false, &a, &errs), 0);
	t1 = print_cfg(&a);
	assert_int_equal(nat64_config_parse(NULL, t1, false, &b, &errs), 0);
	t2 = print_cfg(&b);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, "clients = 2001:db8::/32 !2001:db8:1::/48\n"));
	assert_non_null(strstr(t1, "tayga-device = t64\n"));
	free(t1);
	free(t2);
}

static void test_golden(void **state)
{
	const char *tayga = "[nat64]\nbackend = tayga\npool6 = 2001:db8:64::/96\n"
			    "tayga-pool = 192.168.255.0/24\ntayga-ipv4-address = 192.168.255.1\n"
			    "tayga-data-dir = /var/lib/tayga\n";
	const char *nsp = "[nat64]\npool6 = 2001:db8:64::/96\npool4 = 203.0.113.0/28 tcp 1024-65535 "
			  "max-iterations infinity\npool4 = 203.0.113.0/28 udp max-iterations 2048\n"
			  "[dns64]\nserver = bind\nmapped = 192.0.0.170/31 any\nexclude = ::ffff:0:0/96 "
			  "2001:db8:bad::/48\nclients = any\nbreak-dnssec = yes\n";

	(void)state;
	assert_int_equal(nat64_config_parse(NAT64_EXAMPLE_CONF, NULL, false, &cfg, &errs), 0);
	cfg.file = "nat64.conf";
	golden("example.jool.json", nat64_jool_json(&cfg));
	golden("example.bind.conf", nat64_dns64_bind(&cfg));
	golden("example.unbound.conf", nat64_dns64_unbound(&cfg));
	golden("example.radvd.conf", nat64_pref64_radvd(&cfg));
	assert_int_equal(parse(tayga), 0);
	cfg.file = "tayga.conf";
	golden("tayga.conf", nat64_tayga_conf(&cfg));
	assert_int_equal(parse(nsp), 0);
	cfg.file = "nsp.conf";
	golden("nsp.jool.json", nat64_jool_json(&cfg));
	golden("nsp.bind.conf", nat64_dns64_bind(&cfg));
	/* empty pool4: no "pool4" key, Jool then uses the node's addresses */
	assert_int_equal(parse(base), 0);
	cfg.file = "empty.conf";
	golden("empty.jool.json", nat64_jool_json(&cfg));
	/* the JSON is JSON, with exactly the keys Jool knows */
	{
		json_error_t je;
		json_t *o;
		char *s;

		assert_int_equal(nat64_config_parse(NAT64_EXAMPLE_CONF, NULL, false, &cfg, &errs), 0);
		s = nat64_jool_json(&cfg);
		o = json_loads(s, 0, &je);
		assert_non_null(o);
		assert_int_equal(json_object_size(o), 4);
		assert_int_equal(json_array_size(json_object_get(o, "pool4")), 5);
		json_decref(o);
		free(s);
	}
}

static void test_ephemeral(void **state)
{
	char err[1200], text[512];
	unsigned lo, hi;

	(void)state;
	/* the classic: pool4 61000-65535 vs Debian's 32768-60999: clear */
	snprintf(text, sizeof(text), "%spool4 = 192.0.2.1 tcp,udp 61000-65535\n", base);
	assert_int_equal(parse(text), 0);
	assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 60999, err, sizeof(err)), 0);
	/* ... but not vs the kernel default 32768-60999 moved up to 65535 */
	assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 65535, err, sizeof(err)), -NAT64_EEPHEMERAL);
	assert_non_null(strstr(err, "(built-in):3: pool4 \"192.0.2.1/32 tcp,udp 61000-65535\" uses "
				   "ports 61000-65535, which overlap the kernel's ephemeral range "
				   "net.ipv4.ip_local_port_range = 32768-65535"));
	assert_non_null(strstr(err, "ip_local_port_range = 32768 60999 in "));
	assert_int_equal(nat64_ephemeral_fixed(&cfg, 32768, 65535, &lo, &hi, err, sizeof(err)), 0);
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	/* touching at one port is an overlap; adjacent is not */
	assert_int_equal(nat64_ephemeral_check(&cfg, 1024, 61000, err, sizeof(err)), -NAT64_EEPHEMERAL);
	assert_int_equal(nat64_ephemeral_check(&cfg, 1024, 60999, err, sizeof(err)), 0);
	/* ICMP identifiers do not count */
	snprintf(text, sizeof(text), "%spool4 = 192.0.2.1 icmp 0-65535\npool4 = 192.0.2.1 tcp 62000-63000\n",
		 base);
	assert_int_equal(parse(text), 0);
	assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 60999, err, sizeof(err)), 0);
	/* empty pool4: Jool's 61001-65535 of the node */
	assert_int_equal(parse(base), 0);
	assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 60999, err, sizeof(err)), 0);
	assert_int_equal(nat64_ephemeral_check(&cfg, 32768, 61001, err, sizeof(err)), -NAT64_EEPHEMERAL);
	assert_non_null(strstr(err, "pool4 is empty, so Jool uses ports 61001-65535"));
	/* a pool4 low in the port space moves the ephemeral range below it */
	snprintf(text, sizeof(text), "%spool4 = 192.0.2.1 tcp 20000-30000\n", base);
	assert_int_equal(parse(text), 0);
	assert_int_equal(nat64_ephemeral_fixed(&cfg, 32768, 60999, &lo, &hi, err, sizeof(err)), 0);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 19999);
	/* no room at all */
	snprintf(text, sizeof(text), "%spool4 = 192.0.2.1 tcp 1024-65535\n", base);
	assert_int_equal(parse(text), 0);
	assert_int_equal(nat64_ephemeral_fixed(&cfg, 32768, 60999, &lo, &hi, err, sizeof(err)),
			 -NAT64_EEPHEMERAL);
	assert_non_null(strstr(err, "move pool4 up"));
}

static void test_versions(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(nat64_version_check("4.1.9.0", "4.1.9.0", err, sizeof(err)), 0);
	assert_int_equal(nat64_version_check("4.1.9.0", "4.1.8.0", err, sizeof(err)), -NAT64_EVERSION);
	assert_non_null(strstr(err, "jool-tools 4.1.9.0 and the Jool kernel module 4.1.8.0 do not match"));
	assert_non_null(strstr(err, "need exactly"));
	assert_int_equal(nat64_version_check("4.1.10.0", "4.1.14.0", err, sizeof(err)), 0);
	assert_int_equal(nat64_version_check("4.1.10.0", "4.2.0.0", err, sizeof(err)), -NAT64_EVERSION);
	assert_non_null(strstr(err, "same major.minor"));
	assert_int_equal(nat64_version_check("garbage", "4.1.9.0", err, sizeof(err)), -NAT64_EVERSION);
	assert_true(nat64_radvd_supports_pref64("Version: 2.20\n"));
	assert_true(nat64_radvd_supports_pref64("Version: 3.0\n"));
	assert_false(nat64_radvd_supports_pref64("Version: 2.19\n\nCompiled in settings:"));
	assert_false(nat64_radvd_supports_pref64("nothing"));
}

static void test_parsers(void **state)
{
	struct nat64_pool4_entry e[8];
	struct nat64_pool4_usage u[2];
	struct nat64_prefix6 p6;
	enum nat64_framework fw;
	uint64_t count;
	unsigned n;
	bool set, found;
	char b[64];

	(void)state;
	assert_int_equal(nat64_parse_pool4_csv("Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed\n"
					       "0,TCP,192.0.2.1,61001,65535,1024,0\n"
					       "7,UDP,198.51.100.8/30,10000,20000,infinite,1\n"
					       "0,ICMP,192.0.2.1,0,65535,2048,1\n", e, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].proto, NAT64_TCP);
	assert_int_equal(e[0].max_iterations, NAT64_ITER_AUTO);
	assert_int_equal(e[1].mark, 7);
	assert_string_equal(nat64_prefix4_str(&e[1].prefix, b, sizeof(b)), "198.51.100.8/30");
	assert_int_equal(e[1].max_iterations, NAT64_ITER_INFINITY);
	assert_int_equal(e[2].max_iterations, 2048);
	assert_int_equal(nat64_parse_pool4_csv("0,SCTP,192.0.2.1,1,2,3,0\n", e, 8, &n), -NAT64_EPARSE);
	assert_int_equal(nat64_parse_pool4_csv("0,TCP,192.0.2.1,1\n", e, 8, &n), -NAT64_EPARSE);
	assert_int_equal(nat64_parse_pool4_csv("", e, 8, &n), 0);
	assert_int_equal(n, 0);

	assert_int_equal(nat64_parse_global_csv("Field,Value\nmanually-enabled,true\npool6,64:ff9b::/96\n"
						"lowest-ipv6-mtu,1280\n", &p6, &set), 0);
	assert_true(set);
	assert_string_equal(nat64_prefix6_str(&p6, b, sizeof(b)), "64:ff9b::/96");
	assert_int_equal(nat64_parse_global_csv("pool6,\n", &p6, &set), 0);
	assert_false(set);
	assert_int_equal(nat64_parse_global_csv("  pool6: 2001:db8::/96\n", &p6, &set), 0);
	assert_true(set);
	assert_int_equal(nat64_parse_global_csv("Field,Value\n", &p6, &set), -NAT64_EPARSE);

	assert_int_equal(nat64_parse_instance_csv("Namespace,Name,Framework\n"
						  "ffff9c4a0ad20000,acd,netfilter\n"
						  "ffff9c4a0ad2a000,other,iptables\n", "acd", &fw, &found), 0);
	assert_true(found);
	assert_int_equal(fw, NAT64_FW_NETFILTER);
	assert_int_equal(nat64_parse_instance_csv("1,acd,netfilter\n2,acd,iptables\n", "acd", &fw, &found), 0);
	assert_false(found); /* two namespaces: we cannot tell which */

	memset(u, 0, sizeof(u));
	nat64_prefix4_parse("192.0.2.1", &u[0].entry.prefix);
	u[0].entry.proto = NAT64_TCP;
	u[0].entry.port_min = 61001;
	u[0].entry.port_max = 65535;
	nat64_prefix4_parse("198.51.100.8/30", &u[1].entry.prefix);
	u[1].entry.proto = NAT64_TCP;
	u[1].entry.port_min = 10000;
	u[1].entry.port_max = 20000;
	assert_int_equal(nat64_parse_bib_csv("TCP,2001:db8::2,40000,192.0.2.1,61002,0\n"
					     "TCP,2001:db8::3,40001,192.0.2.1,61003,0\n"
					     "TCP,2001:db8::3,40002,198.51.100.10,15000,0\n"
					     "TCP,2001:db8::4,40003,192.0.2.99,61003,1\n", u, 2, &count), 0);
	assert_int_equal(count, 4);
	assert_int_equal(u[0].in_use, 2);
	assert_int_equal(u[1].in_use, 1);
	assert_int_equal(nat64_parse_bib_csv("TCP,x\n", u, 2, &count), -NAT64_EPARSE);
}

static void test_plan(void **state)
{
	struct nat64_state st;
	struct nat64_plan plan;
	char text[512];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(text, sizeof(text), "%spool4 = 192.0.2.1 tcp,udp 61001-65535\n", base);
	assert_int_equal(parse(text), 0);
	/* nothing runs: create everything */
	memset(&st, 0, sizeof(st));
	st.module_loaded = true;
	nat64_plan_diff(&cfg, &st, &plan);
	assert_true(plan.create);
	assert_int_equal(plan.n, 4);
	assert_string_equal(plan.ch[0].text, "instance acd (netfilter)");
	assert_string_equal(plan.ch[1].text, "pool6 64:ff9b::/96");
	assert_string_equal(plan.ch[2].text, "pool4 TCP 192.0.2.1/32 61001-65535");
	/* what runs is what the config says: no change */
	st.instance_exists = true;
	st.pool6 = cfg.pool6;
	st.pool6_set = true;
	st.npool4 = nat64_pool4_entries(&cfg, st.pool4, NAT64_STATE_POOL4_MAX);
	nat64_plan_diff(&cfg, &st, &plan);
	assert_int_equal(plan.n, 0);
	/* a changed port range: one add, one delete per protocol */
	st.pool4[0].port_max = 62000;
	nat64_plan_diff(&cfg, &st, &plan);
	assert_int_equal(plan.n, 2);
	f = open_memstream(&out, &len);
	nat64_plan_print(f, &plan);
	fclose(f);
	assert_string_equal(out, "+ pool4 TCP 192.0.2.1/32 61001-65535\n"
				 "- pool4 TCP 192.0.2.1/32 61001-62000\n");
	free(out);
	/* another pool6: re-create */
	st.pool4[0].port_max = 65535;
	nat64_prefix6_parse("2001:db8:64::/96", &st.pool6);
	nat64_plan_diff(&cfg, &st, &plan);
	assert_true(plan.recreate);
	assert_int_equal(plan.n, 1);
	assert_non_null(strstr(plan.ch[0].text, "pool6 2001:db8:64::/96 -> 64:ff9b::/96"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_other_sections_ignored),
		cmocka_unit_test(test_key_api),
		cmocka_unit_test(test_pool4_overlap),
		cmocka_unit_test(test_rfc6052),
		cmocka_unit_test(test_tayga_checks),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_ephemeral),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
