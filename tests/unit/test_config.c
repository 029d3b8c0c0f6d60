/* acd.conf: defaults, every error with file:line, unknown keys, the
 * example in conf/, and the printed config parsing back to itself. */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <cmocka.h>

#include "acct_record.h"
#include "config.h"
#include "conftab.h"

static struct acd_config_errors errs;

/* a file with text and mode, as a test's fixture */
static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* the built-in config is the table's defaults */
static void test_embedded(void **state)
{
	static struct acd_config c, d;

	(void)state;
	assert_int_equal(config_parse(NULL, acd_config_embedded, &c, &errs), 0);
	assert_int_equal(errs.n, 0);
	config_defaults(&d);
	d.nat64.file = NULL; /* as a parse leaves it */
	assert_memory_equal(&c, &d, sizeof(c));
	assert_string_equal(c.socket, "/run/acd/acd.sock");
	assert_int_equal(c.shaper_profile, SHAPER_PROFILE_AUTO);
	assert_int_equal(c.down_qdisc, ACD_SHAPER_AUTO);
	assert_int_equal(c.up_mode, ACD_SHAPER_AUTO);
	assert_int_equal(c.latency_us, 50000);
	assert_int_equal(c.policy.norder, 4);
	assert_int_equal(c.policy.order[0], POLICY_SRC_RP);
	assert_int_equal(c.adopt_after_s, 5);
}

static void test_values(void **state)
{
	struct acd_config c;
	const char *text = "[shaper]\n"
			   "down-qdisc = htb\n"
			   "leaf = fq_codel\n"
			   "up-mode = ifb\n"
			   "latency = 0.2s\n"
			   "default-down = 1.5M\n"
			   "default-up = 512k\n"
			   "precedence = wispr, rp\n"
			   "[pppd]\n"
			   "interface-prefix = ppp\n"
			   "adopt-after = 12s\n";

	(void)state;
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_int_equal(c.down_qdisc, SHAPER_QDISC_HTB);
	assert_int_equal(c.down_leaf, SHAPER_LEAF_FQ_CODEL);
	assert_int_equal(c.up_mode, SHAPER_UP_IFB);
	assert_int_equal(c.latency_us, 200000);
	assert_int_equal(c.policy.default_down, 1500000);
	assert_int_equal(c.policy.default_up, 512000);
	assert_int_equal(c.policy.norder, 2);
	assert_int_equal(c.policy.order[0], POLICY_SRC_WISPR);
	assert_int_equal(c.adopt_after_s, 12);
	/* so soon that a hook on its way (up to 1 s) would lose the race */
	assert_int_equal(config_parse(NULL, "[pppd]\nadopt-after = 1s\n", &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0],
			    "(built-in):2: adopt-after \"1s\": give a number from 2 to 60s");
	assert_int_equal(config_parse(NULL, "[pppd]\nadopt-after = 2m\n", &c, &errs), -EINVAL);
}

static void test_every_error_with_line(void **state)
{
	struct acd_config c;
	const char *text = "[acd]\n"                     /* 1 */
			   "log = loud\n"                /* 2 */
			   "colour = blue\n"             /* 3 */
			   "[shaper]\n"                  /* 4 */
			   "default-down = 10Q\n"        /* 5 */
			   "latency = soon\n"            /* 6 */
			   "[nat99]\n"                   /* 7 */
			   "x = 1\n"                     /* 8 */
			   "[pppd]\n"                    /* 9 */
			   "radattr-dir = relative/dir\n"; /* 10 */

	(void)state;
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 6);
	assert_string_equal(errs.msg[0], "(built-in):2: log \"loud\": unknown (use syslog or stderr)");
	assert_string_equal(errs.msg[1], "(built-in):3: unknown key \"colour\" in [acd] (known: "
			    "state-dir, log, log-level, nat64-check-interval)");
	assert_non_null(strstr(errs.msg[2], "(built-in):5: default-down rate \"10Q\": unknown unit \"Q\""));
	assert_non_null(strstr(errs.msg[3], "(built-in):6: latency \"soon\""));
	assert_string_equal(errs.msg[4], "(built-in):8: unknown section [nat99] (known: acd, "
			    "control, pppd, pppoe, ipv6, radius, shaper, coa, accounting, metrics, nat64, dns64)");
	assert_non_null(strstr(errs.msg[5], "(built-in):10: radattr-dir \"relative/dir\": not an absolute path"));
}

static void test_syntax_and_cross_checks(void **state)
{
	struct acd_config c;

	(void)state;
	assert_int_equal(config_parse(NULL, "[acd]\nthis line has no equals sign\n", &c, &errs),
			 -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msg[0], ":2: syntax error"));
	assert_int_equal(config_parse(NULL, "[shaper]\ndown-qdisc = tbf\nup-qdisc = cake\n"
					    "leaf = cake\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "needs down-qdisc or up-qdisc = htb"));
	assert_int_equal(config_parse(NULL, "[shaper]\nprecedence = rp rp\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[control]\ngroup = no-such-group-here\n", &c, &errs),
			 -EINVAL);
	assert_non_null(strstr(errs.msg[0], "no-such-group-here"));
	assert_int_equal(config_parse("/nonexistent/acd.conf", NULL, &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "/nonexistent/acd.conf: cannot read"));
}

/* [control] admin-group: resolved as group is, none by default */
static void test_admin_group(void **state)
{
	struct acd_config c;

	(void)state;
	assert_int_equal(config_parse(NULL, "[control]\n", &c, &errs), 0);
	assert_string_equal(c.admin_group, "");
	assert_true(c.admin_gid == (gid_t)-1);
	assert_int_equal(config_parse(NULL, "[control]\nadmin-group = root\n", &c, &errs), 0);
	assert_string_equal(c.admin_group, "root");
	assert_true(c.admin_gid == 0);
	assert_int_equal(config_parse(NULL, "[control]\n\nadmin-group = no-such-group-here\n", &c,
				      &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "(built-in):3: group \"no-such-group-here\" does not exist "
			    "(create it, or name another)");
	assert_int_equal(config_parse(NULL, "[control]\nadmin-group =\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "admin-group \"\": not a group name"));
}

static char said[8][CONF_ERR_LEN];
static unsigned nsaid;

static void say(void *arg, const char *line)
{
	(void)arg;
	assert_true(nsaid < 8);
	snprintf(said[nsaid++], sizeof(said[0]), "%s", line);
}

/* a reload: what the table marks CONF_RESTART keeps its running value and is
 * named, once per key or per group; the rest is the new file's */
static void test_reload_keeps_restart_keys(void **state)
{
	static struct acd_config run, n;

	(void)state;
	assert_int_equal(config_parse(NULL, "[acd]\n", &run, &errs), 0);
	n = run;
	nsaid = 0;
	conf_keep_restart(&acd_conf_table, &n, &run, say, NULL);
	assert_int_equal(nsaid, 0);
	conf_put_str(n.state_dir, sizeof(n.state_dir), "/tmp/elsewhere");
	conf_put_str(n.socket, sizeof(n.socket), "/tmp/acd.sock");
	conf_put_str(n.telnet, sizeof(n.telnet), "127.0.0.1:2000");
	conf_put_str(n.telnet_password_file, sizeof(n.telnet_password_file), "/etc/acd/pw");
	conf_put_str(n.coa_listen, sizeof(n.coa_listen), "0.0.0.0:3799");
	n.log_level = 7;
	n.telnet_idle_s = 60;
	conf_keep_restart(&acd_conf_table, &n, &run, say, NULL);
	assert_int_equal(nsaid, 4);
	assert_string_equal(said[0], "[acd] state-dir changes at the next start; still /var/lib/acd");
	assert_string_equal(said[1], "[control] socket changes at the next start; still "
			    "/run/acd/acd.sock");
	assert_string_equal(said[2], "[control] telnet settings change at the next start");
	assert_string_equal(said[3], "[coa] listen changes at the next start; still off");
	assert_string_equal(n.state_dir, "/var/lib/acd");
	assert_string_equal(n.socket, "/run/acd/acd.sock");
	assert_string_equal(n.telnet, "");
	assert_string_equal(n.telnet_password_file, "");
	assert_string_equal(n.coa_listen, "");
	assert_int_equal(n.log_level, 7);
	assert_int_equal(n.telnet_idle_s, 60);
	/* the password file alone is the telnet group too */
	conf_put_str(n.telnet_password_file, sizeof(n.telnet_password_file), "/etc/acd/pw");
	nsaid = 0;
	conf_keep_restart(&acd_conf_table, &n, &run, say, NULL);
	assert_int_equal(nsaid, 1);
	assert_string_equal(said[0], "[control] telnet settings change at the next start");
	assert_string_equal(n.telnet_password_file, "");
}

/* [shaper] profile on kernels of three kinds, and keys over it */
static void test_shaper_profile(void **state)
{
	static const struct shaper_caps all = { .probed = true, .tbf = true, .htb = true,
						.cake = true, .fq_codel = true, .sfq = true,
						.ifb = true, .police = true, .mirred = true };
	struct shaper_caps k = all, none = { 0 };
	static struct acd_config c;

	(void)state;
	/* a kernel with everything: htb + fq_codel both ways */
	config_shaper_caps(&all);
	assert_int_equal(config_load(NULL, "", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_HTB);
	assert_int_equal(c.shape.down.leaf, SHAPER_LEAF_FQ_CODEL);
	assert_int_equal(c.shape.upmode, SHAPER_UP_IFB);
	assert_int_equal(c.shape.up.qdisc, SHAPER_QDISC_HTB);
	assert_int_equal(c.shape.up.leaf, SHAPER_LEAF_FQ_CODEL);
	assert_non_null(strstr(c.shape_why, "profile auto chose fq_codel"));
	/* cake when asked, both ways */
	assert_int_equal(config_load(NULL, "[shaper]\nprofile = cake\n", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_CAKE);
	assert_int_equal(c.shape.up.qdisc, SHAPER_QDISC_CAKE);
	assert_int_equal(c.shape.upmode, SHAPER_UP_IFB);
	/* an htb given over cake gets fq_codel; police stays police */
	assert_int_equal(config_load(NULL, "[shaper]\nprofile = cake\ndown-qdisc = htb\n"
				     "up-mode = police\n", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_HTB);
	assert_int_equal(c.shape.down.leaf, SHAPER_LEAF_FQ_CODEL);
	assert_int_equal(c.shape.upmode, SHAPER_UP_POLICE);
	assert_int_equal(c.shape.up.qdisc, SHAPER_QDISC_NONE);
	assert_non_null(strstr(c.shape_why, "with the keys given: down htb + fq_codel, up police"));
	/* never a bare FIFO */
	assert_int_equal(config_load(NULL, "[shaper]\nprofile = fq_codel\nleaf = none\n", &c,
				     &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], ":3: [shaper] leaf none would leave every "
				   "subscriber behind htb's bare FIFO"));
	/* ... but an old config's leaf none beside tbf is harmless */
	assert_int_equal(config_load(NULL, "[shaper]\ndown-qdisc = tbf\nleaf = none\nup-mode = "
				     "police\nup-qdisc = tbf\n", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(c.shape.upmode, SHAPER_UP_POLICE);

	/* no fq_codel: cake both ways; no cake: profile cake is refused */
	k.fq_codel = false;
	config_shaper_caps(&k);
	assert_int_equal(config_load(NULL, "", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_CAKE);
	assert_int_equal(c.shape.up.qdisc, SHAPER_QDISC_CAKE);
	assert_non_null(strstr(c.shape_why, "lacks sch_fq_codel"));
	k.fq_codel = true;
	k.cake = false;
	config_shaper_caps(&k);
	assert_int_equal(config_load(NULL, "[shaper]\nprofile = cake\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], ":2: [shaper] profile cake: this kernel lacks "
				   "sch_cake"));

	/* this development kernel: tbf and htb, an IFB, no police */
	k.fq_codel = k.sfq = k.police = false;
	config_shaper_caps(&k);
	assert_int_equal(config_load(NULL, "", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(c.shape.upmode, SHAPER_UP_IFB);
	assert_int_equal(c.shape.up.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(config_load(NULL, "[shaper]\nup-mode = police\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], ":2: [shaper] upload by police: this kernel has no "
				   "act_police"));
	assert_int_equal(config_load(NULL, "[shaper]\ndown-qdisc = htb\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "htb needs a leaf qdisc"));

	/* not probed (not root): tbf and police, as before profiles */
	config_shaper_caps(&none);
	assert_int_equal(config_load(NULL, "", &c, &errs), 0);
	assert_int_equal(c.shape.down.qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(c.shape.upmode, SHAPER_UP_POLICE);
	assert_non_null(strstr(c.shape_why, "not probed"));
}

static void roundtrip(const char *path, const char *text);

/* checks of one key against another: at the line of the key at fault,
 * and the group checked even when the file has other errors */
static void test_cross_check_lines(void **state)
{
	struct acd_config c;
	const char *text = "[coa]\n"                    /* 1 */
			   "listen = 0.0.0.0:3799\n"    /* 2 */
			   "[shaper]\n"                 /* 3 */
			   "leaf = cake\n"              /* 4 */
			   "[accounting]\n"             /* 5 */
			   "server = 192.0.2.5\n"       /* 6 */
			   "[control]\n"                /* 7 */
			   "telnet = 127.0.0.1:2000\n"  /* 8 */
			   "group = no-such-group-here\n" /* 9 */
			   "log = loud\n"               /* 10: unknown in [control] */
			   "[shaper]\n"                 /* 11 */
			   "down-qdisc = cake\n"        /* 12 */
			   "up-qdisc = tbf\n";          /* 13 */

	(void)state;
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 6);
	assert_non_null(strstr(errs.msg[0], "(built-in):10: unknown key \"log\" in [control] (known: "));
	assert_non_null(strstr(errs.msg[1], "(built-in):9: group \"no-such-group-here\" does not exist"));
	assert_non_null(strstr(errs.msg[2], "(built-in):8: [control] telnet needs telnet-password-file"));
	assert_non_null(strstr(errs.msg[3], "(built-in):2: [coa] listen needs at least one client"));
	assert_non_null(strstr(errs.msg[4], "(built-in):6: [accounting] server needs secret-file"));
	assert_non_null(strstr(errs.msg[5], "(built-in):4: [shaper] leaf cake needs down-qdisc or "
				   "up-qdisc = htb"));
}

/* inih returns only the first syntax error: every one is reported, in line
 * order among the others, and an over-long line does not shift the count */
static void test_every_syntax_error(void **state)
{
	char text[1024], longv[400];
	struct acd_config c;

	(void)state;
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "[acd]\n"                     /* 1 */
		 "this line has no equals sign\n" /* 2 */
		 "log = loud\n"                /* 3 */
		 "another one\n"               /* 4 */
		 "[broken\n"                   /* 5 */
		 "state-dir = /%s\n"           /* 6: longer than inih reads */
		 "log-level = noisy\n"         /* 7 */
		 "a third one",                 /* 8, without a line end */
		 longv);
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 7);
	assert_string_equal(errs.msg[0], "(built-in):2: syntax error (expected [section] or key = value)");
	assert_non_null(strstr(errs.msg[1], "(built-in):3: log \"loud\""));
	assert_non_null(strstr(errs.msg[2], "(built-in):4: syntax error"));
	assert_non_null(strstr(errs.msg[3], "(built-in):5: syntax error"));
	assert_non_null(strstr(errs.msg[4], "(built-in):6: line longer than"));
	assert_non_null(strstr(errs.msg[5], "(built-in):7: log-level \"noisy\""));
	assert_non_null(strstr(errs.msg[6], "(built-in):8: syntax error"));
}

/* past ACD_CONF_MAX_ERRORS errors are counted, not lost silently */
static void test_error_overflow(void **state)
{
	struct acd_config c;
	char text[4096];
	size_t off = 0;
	int i;

	(void)state;
	off += (size_t)snprintf(text, sizeof(text), "[acd]\n");
	for (i = 0; i < ACD_CONF_MAX_ERRORS + 6; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\n",
					i % 2 ? "log = loud" : "junk");
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, ACD_CONF_MAX_ERRORS);
	assert_int_equal(errs.more, 6);
	assert_non_null(strstr(errs.msg[ACD_CONF_MAX_ERRORS - 1], ":65: log"));
}

/* telnet = PORT listens on 127.0.0.1; which addresses are loopback */
/* [ipv6]: each key's errors name the value and what to give instead */
/* [ipv6] dns's default with [dns64]: the box's address where BIND answers */
static struct ifaddrs *ifa(struct ifaddrs *next, struct sockaddr_in6 *sa, const char *name,
			   const char *addr, unsigned flags)
{
	static struct ifaddrs store[8];
	static unsigned n;
	struct ifaddrs *i = &store[n++ % 8];

	memset(i, 0, sizeof(*i));
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, addr, &sa->sin6_addr), 1);
	i->ifa_next = next;
	i->ifa_name = (char *)name;
	i->ifa_flags = flags;
	i->ifa_addr = (struct sockaddr *)sa;
	return i;
}

static void test_ipv6_dns_default(void **state)
{
	struct sockaddr_in6 sa[6];
	struct in6_addr got;
	struct ifaddrs *l;
	struct acd_config c;
	char a[INET6_ADDRSTRLEN], name[IF_NAMESIZE];

	(void)state;
	/* link-locals, ::1 and a down interface are never announced */
	l = ifa(NULL, &sa[0], "lo", "::1", IFF_UP | IFF_LOOPBACK);
	l = ifa(l, &sa[1], "eth0", "fe80::1", IFF_UP);
	l = ifa(l, &sa[2], "eth1", "2001:db8::9", 0);
	assert_int_equal(config_ipv6_dns_pick(l, &got, name, sizeof(name)), -1);
	/* a ULA when nothing better; a global beats it; a global on lo beats both */
	l = ifa(l, &sa[3], "eth0", "fd00::53", IFF_UP);
	assert_int_equal(config_ipv6_dns_pick(l, &got, name, sizeof(name)), 0);
	assert_string_equal(inet_ntop(AF_INET6, &got, a, sizeof(a)), "fd00::53");
	l = ifa(l, &sa[4], "eth0", "2001:db8:1::1", IFF_UP);
	assert_int_equal(config_ipv6_dns_pick(l, &got, name, sizeof(name)), 0);
	assert_string_equal(inet_ntop(AF_INET6, &got, a, sizeof(a)), "2001:db8:1::1");
	l = ifa(l, &sa[5], "lo", "2001:db8:ffff::53", IFF_UP | IFF_LOOPBACK);
	assert_int_equal(config_ipv6_dns_pick(l, &got, name, sizeof(name)), 0);
	assert_string_equal(inet_ntop(AF_INET6, &got, a, sizeof(a)), "2001:db8:ffff::53");
	assert_string_equal(name, "lo");

	/* unbound listens where it is told: no default, a warning that says so */
	assert_int_equal(config_load(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n"
					   "[nat64]\npool6 = 64:ff9b::/96\n"
					   "[dns64]\nserver = unbound\n", &c, &errs), 0);
	assert_int_equal(c.n_ipv6_dns, 0);
	assert_int_equal(errs.nwarn, 1);
	assert_non_null(strstr(errs.warn[0], "set [ipv6] dns"));
	/* given, or without [dns64]: nothing added, nothing said */
	assert_int_equal(config_load(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n"
					   "dns = 2001:db8::53\n[nat64]\npool6 = 64:ff9b::/96\n"
					   "[dns64]\nserver = bind\n", &c, &errs), 0);
	assert_int_equal(c.n_ipv6_dns, 1);
	assert_int_equal(errs.nwarn, 0);
	assert_int_equal(config_load(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n", &c, &errs),
			 0);
	assert_int_equal(c.n_ipv6_dns, 0);
	assert_int_equal(errs.nwarn, 0);
	/* BIND: this box's address, or a warning when it has none; either way said */
	assert_int_equal(config_load(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n"
					   "[nat64]\npool6 = 64:ff9b::/96\n[dns64]\nserver = bind\n",
					   &c, &errs), 0);
	assert_int_equal(errs.nwarn, 1);
	assert_non_null(strstr(errs.warn[0], c.n_ipv6_dns ? "announcing" : "no global or ULA"));
	/* a parse does not look at the box */
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n"
					    "[nat64]\npool6 = 64:ff9b::/96\n[dns64]\nserver = bind\n",
					    &c, &errs), 0);
	assert_int_equal(c.n_ipv6_dns, 0);
}

static void test_ipv6(void **state)
{
	struct acd_config c;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::/48\n"
					    "dns = 2001:db8::53\ndns = 2001:db8::54\n"
					    "search = isp.example.\nsearch = b.example\n",
				      &c, &errs), 0);
	assert_string_equal(c.ipv6_pool, "2001:db8:100::/48");
	assert_int_equal(c.ipv6_pool_len, 48);
	assert_int_equal(c.n_ipv6_dns, 2);
	inet_ntop(AF_INET6, &c.ipv6_dns[1], a, sizeof(a));
	assert_string_equal(a, "2001:db8::54");
	assert_string_equal(c.ipv6_search[0], "isp.example");
	assert_int_equal(c.ipv6_ra_interval, 600);
	assert_int_equal(c.ipv6_pref64, ACD_PREF64_AUTO);
	assert_true(c.ipv6_sticky);
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8:100::1/48\n", &c,
				      &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "did you mean 2001:db8:100::/48?"));
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8::/80\n", &c, &errs),
			 -EINVAL);
	assert_non_null(strstr(errs.msg[0], "from /32 to /64"));
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = fe80::/48\n", &c, &errs),
			 -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8::\n", &c, &errs),
			 -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-pool = 2001:db8::/4x\n", &c, &errs),
			 -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\ndns = ff02::1\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\ndns = 2001:db8::1\ndns = 2001:db8::1\n",
				      &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "given twice"));
	assert_int_equal(config_parse(NULL, "[ipv6]\ndns = ::2\ndns = ::3\ndns = ::4\ndns = ::5\n",
				      &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "at most 3"));
	assert_int_equal(config_parse(NULL, "[ipv6]\nsearch = -bad.example\n", &c, &errs),
			 -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nsearch = a..b\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nsearch = a b\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-preferred-lifetime = 2h\n"
					    "prefix-valid-lifetime = 1h\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nprefix-preferred-lifetime = 7200s\n"
					    "prefix-valid-lifetime = 3600s\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "prefix-preferred-lifetime 7200s is longer"));
	assert_int_equal(config_parse(NULL, "[ipv6]\nra-interval = 600s\nrouter-lifetime = 60s\n",
				      &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\nmtu = 1000\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[ipv6]\npref64 = yes\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "needs [nat64] pool6"));
	assert_int_equal(config_parse(NULL, "[ipv6]\npref64 = maybe\n", &c, &errs), -EINVAL);
}

static void test_telnet_listen(void **state)
{
	struct acd_config c;

	(void)state;
	assert_int_equal(config_parse(NULL, "[control]\ntelnet = 2000\n"
				      "telnet-password-file = /etc/acd/pw\n", &c, &errs), 0);
	assert_string_equal(c.telnet, "127.0.0.1:2000");
	roundtrip(NULL, "[control]\ntelnet = 2000\ntelnet-password-file = /etc/acd/pw\n");
	assert_int_equal(config_parse(NULL, "[control]\ntelnet = [::1]:23\n"
				      "telnet-password-file = /etc/acd/pw\n", &c, &errs), 0);
	assert_string_equal(c.telnet, "[::1]:23");
	assert_int_equal(config_parse(NULL, "[control]\ntelnet = 0\ntelnet = 65536\n"
				      "telnet = 2000x\n", &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_non_null(strstr(errs.msg[0], ":2: telnet \"0\": use off, PORT (on 127.0.0.1)"));
	assert_non_null(strstr(errs.msg[1], ":3: telnet \"65536\""));
	assert_non_null(strstr(errs.msg[2], ":4: telnet \"2000x\""));
	assert_true(config_listen_is_loopback("127.0.0.1:2000"));
	assert_true(config_listen_is_loopback("127.3.2.1:2000"));
	assert_true(config_listen_is_loopback("[::1]:2000"));
	assert_true(config_listen_is_loopback("[::ffff:127.0.0.1]:2000"));
	assert_false(config_listen_is_loopback("0.0.0.0:2000"));
	assert_false(config_listen_is_loopback("192.0.2.1:2000"));
	assert_false(config_listen_is_loopback("[::]:2000"));
	assert_false(config_listen_is_loopback("2000"));
}

/* [metrics]: listen as telnet's, the allow-list's prefixes, limits */
static void test_metrics(void **state)
{
	static const uint8_t in4[4] = { 192, 0, 2, 77 }, out4[4] = { 192, 0, 3, 1 };
	struct acd_config c;
	uint8_t in6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };

	(void)state;
	assert_int_equal(config_parse(NULL, "", &c, &errs), 0);
	assert_string_equal(c.metrics_listen, ""); /* off by default */
	assert_int_equal(c.n_metrics_allow, 0);
	assert_int_equal(config_parse(NULL, "[metrics]\nlisten = 9464\nallow = 192.0.2.0/24\n"
				      "allow = 2001:db8:5::/48\nper-session = yes\n", &c, &errs), 0);
	assert_string_equal(c.metrics_listen, "127.0.0.1:9464");
	assert_int_equal(c.n_metrics_allow, 2);
	assert_true(config_net_match(&c.metrics_allow[0], AF_INET, in4));
	assert_false(config_net_match(&c.metrics_allow[0], AF_INET, out4));
	assert_false(config_net_match(&c.metrics_allow[0], AF_INET6, in6));
	assert_true(config_net_match(&c.metrics_allow[1], AF_INET6, in6));
	in6[6] = 6;
	assert_true(config_net_match(&c.metrics_allow[1], AF_INET6, in6)); /* inside the /48 */
	in6[3] = 0xb9;
	assert_false(config_net_match(&c.metrics_allow[1], AF_INET6, in6));
	roundtrip(NULL, "[metrics]\nlisten = [::1]:9464\nallow = 10.0.0.0/8\nallow = ::1\n");
	assert_int_equal(config_parse(NULL, "[metrics]\nlisten = 0\nallow = 300.1.2.3\n"
				      "allow = 10.0.0.0/33\nmax-connections = 0\n"
				      "max-request-size = 100\ntimeout = 0s\n", &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 6);
	assert_non_null(strstr(errs.msg[0], ":2: listen \"0\": use off, PORT (on 127.0.0.1)"));
	assert_non_null(strstr(errs.msg[1], ":3: allow \"300.1.2.3\": \"300.1.2.3\" is not an "
				"IPv4 or IPv6 address: use ADDRESS or ADDRESS/PREFIX"));
	assert_non_null(strstr(errs.msg[2], ":4: allow \"10.0.0.0/33\": prefix length \"/33\" "
				"out of range (0 to 32)"));
	assert_non_null(strstr(errs.msg[3], ":5: max-connections"));
	assert_non_null(strstr(errs.msg[4], ":6: max-request-size"));
	assert_non_null(strstr(errs.msg[5], ":7: timeout"));
}

/* acd -n: the files acd reads only at start, each at its key's line */
static void test_check_start_files(void **state)
{
	char dir[] = "/tmp/acd-test-check.XXXXXX", pw[64], dict[64], bad[64], text[1024];
	struct acd_config c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pw, sizeof(pw), "%s/telnet.pw", dir);
	snprintf(dict, sizeof(dict), "%s/dictionary", dir);
	snprintf(bad, sizeof(bad), "%s/bad.dictionary", dir);
	put_file(pw, "correct horse\n", 0600);
	put_file(dict, "ATTRIBUTE User-Name 1 string\n", 0644);
	put_file(bad, "ATTRIBUTE User-Name 1 no-such-type\n", 0644);

	snprintf(text, sizeof(text), "[control]\ntelnet = 2000\ntelnet-password-file = %s\n"
		 "[radius]\ndictionary = %s\n", pw, dict);
	assert_int_equal(config_check(NULL, text, &c, &errs), 0);
	/* a password file others may read, a dictionary radcli refuses */
	assert_int_equal(chmod(pw, 0644), 0);
	snprintf(text, sizeof(text), "[control]\ntelnet = 2000\ntelnet-password-file = %s\n"
		 "[radius]\ndictionary = %s\n", pw, bad);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0); /* not read by a parse */
	assert_int_equal(config_check(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.msg[0], "(built-in):3: telnet-password-file"));
	assert_non_null(strstr(errs.msg[0], "chmod 600"));
	assert_null(strstr(errs.msg[0], "horse"));
	assert_non_null(strstr(errs.msg[1], "(built-in):5: "));
	assert_non_null(strstr(errs.msg[1], "radcli cannot read this RADIUS dictionary"));
	/* missing files, and errors of the parse beside them */
	snprintf(text, sizeof(text), "[control]\ntelnet = 2000\ntelnet-password-file = %s/none\n"
		 "[radius]\ndictionary = %s/none\n[acd]\nlog = loud\n", dir, dir);
	assert_int_equal(config_check(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_non_null(strstr(errs.msg[0], ":7: log"));
	assert_non_null(strstr(errs.msg[1], ":3: telnet-password-file"));
	assert_non_null(strstr(errs.msg[1], "No such file"));
	assert_non_null(strstr(errs.msg[2], ":5: "));
	assert_non_null(strstr(errs.msg[2], "cannot open RADIUS dictionary"));
	/* telnet off: its file is not read at start, so not checked */
	snprintf(text, sizeof(text), "[control]\ntelnet-password-file = %s/none\n"
		 "[radius]\ndictionary = %s\n", dir, dict);
	assert_int_equal(config_check(NULL, text, &c, &errs), 0);

	unlink(pw);
	unlink(dict);
	unlink(bad);
	rmdir(dir);
}

static void roundtrip(const char *path, const char *text)
{
	struct acd_config a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(config_parse(path, text, &a, &errs), 0);
	f = open_memstream(&buf, &len);
	config_print(f, &a);
	fclose(f);
	if (config_parse(NULL, buf, &b, &errs) != 0)
		fail_msg("printed config does not parse: %s\n%s", errs.msg[0], buf);
	assert_memory_equal(&a, &b, sizeof(a));
	free(buf);
}

static void test_roundtrip(void **state)
{
	(void)state;
	roundtrip(NULL, acd_config_embedded);
	roundtrip(NULL, "[shaper]\ndown-qdisc = htb\nleaf = sfq\nlatency = 1500us\n"
			"default-down = 1.5M\nprecedence = filter-id mikrotik\n");
	roundtrip(ACD_EXAMPLE_CONF, NULL);
}

/* [coa]: clients with secrets from root-only files, prefixes, listen */
static void test_coa(void **state)
{
	char dir[] = "/tmp/acd-test-coa.XXXXXX", sec[64], open_sec[64], text[1024];
	struct acd_config c;
	uint8_t a4[4] = { 192, 0, 2, 77 }, b4[4] = { 192, 0, 3, 1 }, a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sec, sizeof(sec), "%s/coa.secret", dir);
	snprintf(open_sec, sizeof(open_sec), "%s/open.secret", dir);
	put_file(sec, "s3cret with spaces\n", 0600);
	put_file(open_sec, "x\n", 0644);

	snprintf(text, sizeof(text),
		 "[radius]\nnas-identifier = bras-1\nnas-ip-address = 192.0.2.1\n"
		 "[coa]\nlisten = 127.0.0.1\nclient = 192.0.2.77/24 %s\nclient = 2001:db8::1/32 %s\n"
		 "require-message-authenticator = yes\nevent-timestamp-window = 60s\n",
		 sec, sec);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_string_equal(c.coa_listen, "127.0.0.1:3799");
	assert_string_equal(c.nas_identifier, "bras-1");
	assert_int_equal(c.n_coa_clients, 2);
	assert_string_equal(c.coa_clients[0].secret, "s3cret with spaces");
	assert_int_equal(c.coa_clients[0].secret_len, 18);
	assert_int_equal(c.coa_clients[0].prefix, 24);
	assert_int_equal(c.coa_clients[0].net[3], 0); /* host bits cleared */
	assert_true(config_coa_client_match(&c.coa_clients[0], AF_INET, a4));
	assert_false(config_coa_client_match(&c.coa_clients[0], AF_INET, b4));
	assert_false(config_coa_client_match(&c.coa_clients[0], AF_INET6, a6));
	assert_true(config_coa_client_match(&c.coa_clients[1], AF_INET6, a6));
	assert_true(c.coa_require_ma);
	assert_int_equal(c.coa_window_s, 60);
	roundtrip(NULL, text);

	/* every mistake, each named with its line; the secret never shown */
	snprintf(text, sizeof(text),
		 "[coa]\nlisten = 10.0.0.1:99999\nclient = 10.0.0.300 %s\nclient = 10.0.0.1/33 %s\n"
		 "client = 10.0.0.1 %s\nclient = 10.0.0.1 relative.secret\nclient = 10.0.0.1\n"
		 "require-message-authenticator = maybe\n",
		 sec, sec, open_sec);
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 7);
	assert_non_null(strstr(errs.msg[0], ":2: listen \"10.0.0.1:99999\""));
	assert_non_null(strstr(errs.msg[1], ":3: client"));
	assert_non_null(strstr(errs.msg[1], "not an IPv4 or IPv6 address"));
	assert_non_null(strstr(errs.msg[2], ":4: client"));
	assert_non_null(strstr(errs.msg[2], "out of range (0 to 32)"));
	assert_non_null(strstr(errs.msg[3], ":5: client 10.0.0.1: secret file"));
	assert_non_null(strstr(errs.msg[3], "chmod 600"));
	assert_null(strstr(errs.msg[3], "x\n"));
	assert_non_null(strstr(errs.msg[4], "not an absolute path"));
	assert_non_null(strstr(errs.msg[5], ":7: client \"10.0.0.1\": use ADDRESS"));
	assert_non_null(strstr(errs.msg[6], ":8: require-message-authenticator"));

	/* listening with nobody allowed to talk is a mistake */
	assert_int_equal(config_parse(NULL, "[coa]\nlisten = 0.0.0.0:3799\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "needs at least one client"));

	unlink(sec);
	unlink(open_sec);
	rmdir(dir);
}

/* [accounting]: servers, the secret file (root-only, what radcli can send),
 * intervals and limits; every mistake with its line; the round trip */
static void test_accounting(void **state)
{
	char dir[] = "/tmp/acd-test-acct.XXXXXX", sec[64], bad[64], text[1024];
	struct acd_config c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sec, sizeof(sec), "%s/acct.secret", dir);
	snprintf(bad, sizeof(bad), "%s/spaces.secret", dir);
	put_file(sec, "acct-s3cret\n", 0600);
	put_file(bad, "has a space\n", 0600);

	/* off by default, with its defaults */
	assert_int_equal(config_parse(NULL, acd_config_embedded, &c, &errs), 0);
	assert_int_equal(c.n_acct_servers, 0);
	assert_int_equal(c.acct_interim_s, 300);
	assert_int_equal(c.acct_period, ACCT_PERIOD_NONE);
	assert_int_equal(c.acct_queue_size, 4096);
	assert_int_equal(c.acct_timeout_s, 3);
	assert_int_equal(c.acct_retries, 2);

	snprintf(text, sizeof(text),
		 "[accounting]\nserver = 192.0.2.5\nserver = 192.0.2.6:21813\nsecret-file = %s\n"
		 "interim-interval = 60s\nperiod = monthly\nqueue-size = 100\ntimeout = 5s\n"
		 "retries = 0\n", sec);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_int_equal(c.n_acct_servers, 2);
	assert_string_equal(c.acct_servers[0], "192.0.2.5");
	assert_string_equal(c.acct_servers[1], "192.0.2.6:21813");
	assert_string_equal(c.acct_secret, "acct-s3cret");
	assert_int_equal(c.acct_secret_len, 11);
	assert_int_equal(c.acct_interim_s, 60);
	assert_int_equal(c.acct_period, ACCT_PERIOD_MONTHLY);
	assert_int_equal(c.acct_queue_size, 100);
	assert_int_equal(c.acct_timeout_s, 5);
	assert_int_equal(c.acct_retries, 0);
	roundtrip(NULL, text);
	/* no Interim-Update at all */
	snprintf(text, sizeof(text), "[accounting]\nserver = 127.0.0.1\nsecret-file = %s\n"
		 "interim-interval = 0\nperiod = daily\n", sec);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_int_equal(c.acct_interim_s, 0);
	assert_int_equal(c.acct_period, ACCT_PERIOD_DAILY);
	roundtrip(NULL, text);

	snprintf(text, sizeof(text),
		 "[accounting]\nserver = radius.example\nserver = 10.0.0.1:0\nsecret-file = %s\n"
		 "interim-interval = 5s\nperiod = hourly\nqueue-size = 8\ntimeout = 0\n"
		 "retries = 11\nserver = 10.0.0.1\nserver = 10.0.0.2\nserver = 10.0.0.3\n", bad);
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 9);
	assert_non_null(strstr(errs.msg[0], ":2: server \"radius.example\": use an IPv4 ADDRESS"));
	assert_non_null(strstr(errs.msg[1], ":3: server \"10.0.0.1:0\""));
	assert_non_null(strstr(errs.msg[2], ":4: secret-file"));
	assert_non_null(strstr(errs.msg[2], "spaces or commas"));
	assert_null(strstr(errs.msg[2], "has a space"));
	assert_non_null(strstr(errs.msg[3], ":5: interim-interval \"5s\""));
	assert_non_null(strstr(errs.msg[4], ":6: period \"hourly\": unknown (use none, daily or monthly)"));
	assert_non_null(strstr(errs.msg[5], ":7: queue-size \"8\": give a number from 16 to 65536"));
	assert_non_null(strstr(errs.msg[6], ":8: timeout \"0\""));
	assert_non_null(strstr(errs.msg[7], ":9: retries \"11\""));
	assert_non_null(strstr(errs.msg[8], ":12: server \"10.0.0.3\": at most 2 servers"));

	/* a server needs the secret */
	assert_int_equal(config_parse(NULL, "[accounting]\nserver = 192.0.2.5\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "[accounting] server needs secret-file"));
	/* the secret file must be root's alone */
	assert_int_equal(chmod(sec, 0644), 0);
	snprintf(text, sizeof(text), "[accounting]\nserver = 192.0.2.5\nsecret-file = %s\n", sec);
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], ":3: secret-file"));
	assert_non_null(strstr(errs.msg[0], "chmod 600"));

	unlink(sec);
	unlink(bad);
	rmdir(dir);
}

/* [pppoe]: off without an interface, every default as the table and
 * config.h say */
static void test_pppoe_defaults(void **state)
{
	struct acd_config c;
	char err[512] = "x";

	(void)state;
	assert_int_equal(config_parse(NULL, acd_config_embedded, &c, &errs), 0);
	assert_int_equal(c.n_pppoe_ifaces, 0);
	assert_string_equal(c.pppoe_ac_name, "");
	assert_int_equal(c.n_pppoe_services, 0);
	assert_true(c.pppoe_accept_blank);
	assert_string_equal(c.pppoe_pppd, "/usr/sbin/pppd");
	assert_string_equal(c.pppoe_pppd, ACD_PPPOE_PPPD_DEFAULT);
	assert_string_equal(c.pppoe_options, ACD_PPPOE_OPTIONS);
	assert_non_null(strstr(c.pppoe_options, "/acd/pppoe-options"));
	assert_string_equal(c.pppoe_plugin, "pppoe.so");
	assert_string_equal(c.pppoe_plugin, ACD_PPPOE_PLUGIN_DEFAULT);
	assert_string_equal(c.pppoe_local_ip, "");
	assert_int_equal(c.pppoe_max_sessions, 0);
	assert_int_equal(c.pppoe_max_per_mac, 4);
	assert_int_equal(c.pppoe_padi_limit, 2000);
	assert_int_equal(c.pppoe_padi_limit_if, 500);
	assert_int_equal(c.pppoe_padi_limit_mac, 5);
	assert_int_equal(c.pppoe_cookie_lifetime, 60);
	assert_true(c.pppoe_max_payload);
	/* off: nothing on this box is checked, whatever the other keys say */
	assert_int_equal(config_check_pppoe(&c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(config_load(NULL, "[pppoe]\npppd = /nonexistent/pppd\n"
				     "pppd-options = /nonexistent/options\nplugin = none.so\n",
				     &c, &errs), 0);
	assert_int_equal(errs.nwarn, 0);
	assert_int_equal(c.n_pppoe_ifaces, 0);
}

/* every key read as written, and printed back to the same config */
static void test_pppoe_values(void **state)
{
	struct acd_config c;
	const char *text = "[pppoe]\n"
			   "interface = eth1\n"
			   "interface = eth1.100\n"
			   "interface = eth2.*\n"
			   "interface = eth3.1[0-9][0-9]\n"
			   "ac-name = bras-1 (Main St)\n"
			   "service-name = internet\n"
			   "service-name = iptv\n"
			   "accept-any-service = no\n"
			   "pppd = /opt/ppp/sbin/pppd\n"
			   "pppd-options = /etc/acd/pppoe-options.test\n"
			   "plugin = rp-pppoe.so\n"
			   "local-ip = 100.64.0.1\n"
			   "max-sessions = 65534\n"
			   "max-sessions-per-mac = 0\n"
			   "padi-limit = 0\n"
			   "padi-limit-interface = 1000000\n"
			   "padi-limit-mac = 1\n"
			   "cookie-lifetime = 600s\n"
			   "max-payload = no\n";

	(void)state;
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_int_equal(c.n_pppoe_ifaces, 4);
	assert_string_equal(c.pppoe_ifaces[0], "eth1");
	assert_string_equal(c.pppoe_ifaces[1], "eth1.100");
	assert_string_equal(c.pppoe_ifaces[2], "eth2.*");
	assert_string_equal(c.pppoe_ifaces[3], "eth3.1[0-9][0-9]");
	assert_string_equal(c.pppoe_ac_name, "bras-1 (Main St)");
	assert_int_equal(c.n_pppoe_services, 2);
	assert_string_equal(c.pppoe_services[0], "internet");
	assert_string_equal(c.pppoe_services[1], "iptv");
	assert_false(c.pppoe_accept_blank);
	assert_string_equal(c.pppoe_pppd, "/opt/ppp/sbin/pppd");
	assert_string_equal(c.pppoe_options, "/etc/acd/pppoe-options.test");
	assert_string_equal(c.pppoe_plugin, "rp-pppoe.so");
	assert_string_equal(c.pppoe_local_ip, "100.64.0.1");
	assert_int_equal(c.pppoe_max_sessions, 65534);
	assert_int_equal(c.pppoe_max_per_mac, 0);
	assert_int_equal(c.pppoe_padi_limit, 0);
	assert_int_equal(c.pppoe_padi_limit_if, 1000000);
	assert_int_equal(c.pppoe_padi_limit_mac, 1);
	assert_int_equal(c.pppoe_cookie_lifetime, 600);
	assert_false(c.pppoe_max_payload);
	roundtrip(NULL, text);
	/* the plugin by absolute path; a bare number of seconds; the lowest values */
	assert_int_equal(config_parse(NULL, "[pppoe]\ninterface = eth1\n"
				      "plugin = /usr/lib/pppd/2.4.9/pppoe.so\ncookie-lifetime = 5\n"
				      "ac-name = " "0123456789012345678901234567890123456789"
				      "012345678901234567890123\n", &c, &errs), 0);
	assert_string_equal(c.pppoe_plugin, "/usr/lib/pppd/2.4.9/pppoe.so");
	assert_int_equal(c.pppoe_cookie_lifetime, 5);
	assert_int_equal(strlen(c.pppoe_ac_name), 64);
}

/* each key's mistakes: the key named, the value quoted, what to write */
static void test_pppoe_errors(void **state)
{
	struct acd_config c;
	const char *text = "[pppoe]\n"                                   /* 1 */
			   "interface = eth1.1000000000000\n"            /* 2 */
			   "interface = eth/1\n"                         /* 3 */
			   "interface = eth0:1\n"                        /* 4 */
			   "interface = eth 1\n"                         /* 5 */
			   "interface = ..\n"                            /* 6 */
			   "interface = eth1\n"                          /* 7 */
			   "interface = eth1\n"                          /* 8 */
			   "ac-name = 01234567890123456789012345678901234567890123456789"
			   "012345678901234\n"                           /* 9: 65 */
			   "ac-name = bras\tone\n"                       /* 10 */
			   "service-name =\n"                            /* 11 */
			   "service-name = internet\n"                   /* 12 */
			   "service-name = internet\n"                   /* 13 */
			   "accept-any-service = maybe\n"                /* 14 */
			   "pppd = pppd\n"                               /* 15 */
			   "pppd-options = pppoe-options\n"              /* 16 */
			   "plugin = lib/pppoe.so\n"                     /* 17 */
			   "plugin = pppoe so\n"                         /* 18 */
			   "local-ip = 100.64.0.300\n"                   /* 19 */
			   "local-ip = 0.0.0.0\n"                        /* 20 */
			   "local-ip = 224.0.0.1\n"                      /* 21 */
			   "local-ip = 127.0.0.1\n"                      /* 22 */
			   "max-sessions = 65535\n"                      /* 23 */
			   "max-sessions-per-mac = -1\n"                 /* 24 */
			   "padi-limit = 1000001\n"                      /* 25 */
			   "padi-limit-interface = many\n"               /* 26 */
			   "padi-limit-mac = 5/s\n"                      /* 27 */
			   "cookie-lifetime = 4s\n"                      /* 28 */
			   "cookie-lifetime = 601\n"                     /* 29 */
			   "max-payload = sometimes\n"                   /* 30 */
			   "mtu = 1492\n";                               /* 31 */
	static const char *const want[] = {
		"(built-in):2: interface \"eth1.1000000000000\": an interface name has 1 to 15 "
		"characters (e.g. eth1, eth1.100, or a pattern: eth1.*)",
		"(built-in):3: interface \"eth/1\": an interface name is printable ASCII without "
		"'/', ':' or blanks (e.g. eth1.100)",
		"(built-in):4: interface \"eth0:1\": an interface name is printable ASCII",
		"(built-in):5: interface \"eth 1\": an interface name is printable ASCII",
		"(built-in):6: interface \"..\": not an interface name (e.g. eth1.100)",
		"(built-in):8: interface \"eth1\": given twice (once is enough)",
		"(built-in):9: ac-name \"01234567890123456789012345678901234567890123456789"
		"012345678901234\": at most 64 characters of printable ASCII (e.g. bras-1; none: "
		"the host name)",
		"(built-in):10: ac-name \"bras\tone\": at most 64 characters of printable ASCII",
		"(built-in):11: service-name \"\": give a name (a PADI for a blank one is answered "
		"unless accept-any-service = no)",
		"(built-in):13: service-name \"internet\": given twice (once is enough)",
		"(built-in):14: accept-any-service \"maybe\": use yes or no",
		"(built-in):15: pppd \"pppd\": not an absolute path",
		"(built-in):16: pppd-options \"pppoe-options\": not an absolute path",
		"(built-in):17: plugin \"lib/pppoe.so\": a file name in pppd's plugin directory "
		"(e.g. pppoe.so) or an absolute path",
		"(built-in):18: plugin \"pppoe so\": a file name in pppd's plugin directory",
		"(built-in):19: local-ip \"100.64.0.300\": not an IPv4 address (e.g. 100.64.0.1)",
		"(built-in):20: local-ip \"0.0.0.0\": not an address a host may have (give the AC's "
		"own address on the session links, e.g. 100.64.0.1)",
		"(built-in):21: local-ip \"224.0.0.1\": not an address a host may have",
		"(built-in):22: local-ip \"127.0.0.1\": not an address a host may have",
		"(built-in):23: max-sessions \"65535\": give a number from 0 (no limit) to 65534",
		"(built-in):24: max-sessions-per-mac \"-1\": give a number from 0 (no limit) to 65534",
		"(built-in):25: padi-limit \"1000001\": give PADIs per second from 0 (no limit) to "
		"1000000",
		"(built-in):26: padi-limit-interface \"many\": give PADIs per second from 0",
		"(built-in):27: padi-limit-mac \"5/s\": give PADIs per second from 0",
		"(built-in):28: cookie-lifetime \"4s\": give seconds from 5 to 600 (e.g. 60s)",
		"(built-in):29: cookie-lifetime \"601\": give seconds from 5 to 600 (e.g. 60s)",
		"(built-in):30: max-payload \"sometimes\": use yes or no",
		"(built-in):31: unknown key \"mtu\" in [pppoe] (known: interface, ac-name, "
		"service-name, accept-any-service, pppd, pppd-options, plugin, acd-plugin, ppp-scripts, "
		"local-ip, max-sessions, max-sessions-per-mac, max-starting, padi-limit, "
		"padi-limit-interface, padi-limit-mac, cookie-lifetime, max-payload)",
	};
	unsigned i;

	(void)state;
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	for (i = 0; i < errs.n && i < sizeof(want) / sizeof(want[0]); i++)
		if (strncmp(errs.msg[i], want[i], strlen(want[i])) != 0)
			fail_msg("error %u:\n got  %s\n want %s", i, errs.msg[i], want[i]);
	assert_int_equal(errs.n, sizeof(want) / sizeof(want[0]));
	/* what was refused left the default or the value before it */
	assert_int_equal(config_parse(NULL, "[pppoe]\ninterface = eth1\nlocal-ip = 100.64.0.1\n"
				      "local-ip = 0.0.0.0\n", &c, &errs), -EINVAL);
	assert_string_equal(c.pppoe_local_ip, "100.64.0.1");
}

/* interface and service-name: at most ACD_PPPOE_MAX_IFACES and
 * ACD_PPPOE_MAX_SERVICES, and the next one says how many */
static void test_pppoe_repeat_limits(void **state)
{
	static char text[8192];
	struct acd_config c;
	size_t off;
	int i;

	(void)state;
	off = (size_t)snprintf(text, sizeof(text), "[pppoe]\n");
	for (i = 0; i < ACD_PPPOE_MAX_IFACES; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "interface = eth1.%d\n", i);
	for (i = 0; i < ACD_PPPOE_MAX_SERVICES; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "service-name = svc-%d\n", i);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_int_equal(c.n_pppoe_ifaces, 64);
	assert_string_equal(c.pppoe_ifaces[63], "eth1.63");
	assert_int_equal(c.n_pppoe_services, 16);
	assert_string_equal(c.pppoe_services[15], "svc-15");
	roundtrip(NULL, text);
	snprintf(text + off, sizeof(text) - off, "interface = eth1.64\nservice-name = svc-16\n");
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.msg[0], "(built-in):82: interface \"eth1.64\": at most 64 "
			    "interfaces (a pattern such as eth1.* covers many VLANs)");
	assert_string_equal(errs.msg[1], "(built-in):83: service-name \"svc-16\": at most 16 "
			    "service names (none: any is accepted)");
}

/* interface patterns: what fnmatch(3) reads as meant, and what glibc would
 * silently take otherwise (an unclosed '[' literally, an unknown class as
 * matching nothing) */
static void test_pppoe_patterns(void **state)
{
	static const char *const good[] = { "eth1.*", "eth1.1[0-9][0-9]", "eth?", "vlan[!0]*",
					     "eth[[:digit:]]", "x[]y]", "x[!]]", "eth\\*",
					     "[a-z]*[^0]" };
	static const struct { const char *v, *why; } bad[] = {
		{ "eth1.1[0-9", "a '[' without its ']'" },
		{ "eth[", "a '[' without its ']'" },
		{ "eth[]", "a '[' without its ']'" },
		{ "eth[[:digit:]", "a '[' without its ']'" },
		{ "eth[[:digit]]", "a '[:' without its ':]'" },
		{ "eth[[:digits:]]", "an unknown character class (e.g. [[:digit:]])" },
		{ "eth1\\", "a '\\' at the end escapes nothing" },
		{ "eth0:*", "a ':' outside a [:class:] (no interface name has one)" },
		{ "eth[0:]", "a ':' outside a [:class:] (no interface name has one)" },
		{ "eth*\\:", "a ':' outside a [:class:] (no interface name has one)" },
	};
	struct acd_config c;
	char text[512], want[256];
	size_t i;

	(void)state;
	/* a pattern may be longer than the names it matches: up to 63 */
	memset(want, 'x', 62);
	want[62] = '*';
	want[63] = '\0';
	snprintf(text, sizeof(text), "[pppoe]\ninterface = %s\n", want);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0);
	assert_string_equal(c.pppoe_ifaces[0], want);
	snprintf(text, sizeof(text), "[pppoe]\ninterface = x%s\n", want);
	assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "\": a pattern has at most 63 characters (e.g. eth1.*)"));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "[pppoe]\ninterface = %s\n", good[i]);
		if (config_parse(NULL, text, &c, &errs) != 0)
			fail_msg("%s refused: %s", good[i], errs.msg[0]);
		assert_string_equal(c.pppoe_ifaces[0], good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[pppoe]\ninterface = %s\n", bad[i].v);
		assert_int_equal(config_parse(NULL, text, &c, &errs), -EINVAL);
		snprintf(want, sizeof(want), "(built-in):2: interface \"%s\": %s (patterns as in "
			 "fnmatch(3): eth1.*, eth1.1[0-9][0-9])", bad[i].v, bad[i].why);
		assert_string_equal(errs.msg[0], want);
	}
}

/* a reload applies every [pppoe] key: none is kept back for a restart */
static void test_pppoe_reload_applies(void **state)
{
	static struct acd_config run, n;

	(void)state;
	assert_int_equal(config_parse(NULL, "[pppoe]\ninterface = eth1\n", &run, &errs), 0);
	assert_int_equal(config_parse(NULL, "[pppoe]\ninterface = eth2.*\ninterface = eth3\n"
				      "ac-name = other\nservice-name = x\naccept-any-service = no\n"
				      "pppd = /opt/pppd\npppd-options = /etc/other\nplugin = /x.so\n"
				      "local-ip = 10.0.0.1\nmax-sessions = 1\nmax-sessions-per-mac = 1\n"
				      "padi-limit = 1\npadi-limit-interface = 1\npadi-limit-mac = 1\n"
				      "cookie-lifetime = 5s\nmax-payload = no\n", &n, &errs), 0);
	nsaid = 0;
	conf_keep_restart(&acd_conf_table, &n, &run, say, NULL);
	assert_int_equal(nsaid, 0);
	assert_int_equal(n.n_pppoe_ifaces, 2);
	assert_string_equal(n.pppoe_ifaces[0], "eth2.*");
	assert_string_equal(n.pppoe_pppd, "/opt/pppd");
	assert_string_equal(n.pppoe_local_ip, "10.0.0.1");
}

/* [pppoe] on this box (config_load at start and reload, config_check for
 * acd -n, config_check_pppoe): with a stand-in pppd, plugin and options
 * file in a temporary directory */
static void test_pppoe_checks(void **state)
{
	char dir[] = "/tmp/acd-test-pppoe.XXXXXX", pppd[64], opts[64], plugin[64], sub[64];
	char dict[64], text[2048], err[2048];
	struct acd_config c;
	glob_t g;
	bool have_pppoe_so, opts_installed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pppd, sizeof(pppd), "%s/pppd", dir);
	snprintf(opts, sizeof(opts), "%s/pppoe-options", dir);
	snprintf(plugin, sizeof(plugin), "%s/pppoe.so", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(dict, sizeof(dict), "%s/dictionary", dir);
	put_file(pppd, "#!/bin/sh\nexit 0\n", 0755);
	put_file(opts, "require-pap\n", 0644);
	put_file(plugin, "", 0644);
	put_file(dict, "ATTRIBUTE User-Name 1 string\n", 0644);
	assert_int_equal(mkdir(sub, 0755), 0);

	/* all there; lo is an interface wherever the test runs */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\nacd-plugin = %s\n[radius]\ndictionary = %s\n", pppd, opts, plugin,
		 plugin, dict);
	assert_int_equal(config_load(NULL, text, &c, &errs), 0);
	assert_int_equal(errs.nwarn, 0);
	assert_int_equal(config_pppoe_acd_plugin(&c), 1);
	assert_int_equal(config_pppoe_scripts(&c), 0); /* auto: acd.so reports */
	assert_int_equal(config_check(NULL, text, &c, &errs), 0);
	assert_int_equal(config_check_pppoe(&c, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	/* ppp-scripts: yes runs them beside acd.so; no without acd.so would
	 * leave acd deaf, an error at its line */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\nacd-plugin = %s\nppp-scripts = yes\n[radius]\ndictionary = %s\n",
		 pppd, opts, plugin, plugin, dict);
	assert_int_equal(config_load(NULL, text, &c, &errs), 0);
	assert_int_equal(config_pppoe_scripts(&c), 1);
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\nacd-plugin = none\n[radius]\ndictionary = %s\n", pppd, opts,
		 plugin, dict);
	assert_int_equal(config_load(NULL, text, &c, &errs), 0);
	assert_int_equal(config_pppoe_scripts(&c), 1); /* auto: the hooks are acd's path */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\nacd-plugin = none\nppp-scripts = no\n[radius]\ndictionary = %s\n",
		 pppd, opts, plugin, dict);
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "(built-in):7: [pppoe] ppp-scripts = no: without acd.so "
			    "(acd-plugin \"none\") pppd's ip-up script is the only way acd hears of "
			    "a session (set ppp-scripts = auto, or install acd.so)");

	/* nothing there: each at its key's line, or naming the key when it
	 * was not given (the default); a pattern matching nothing only warns */
	snprintf(text, sizeof(text), "[pppoe]\n"          /* 1 */
		 "interface = lo\n"                         /* 2 */
		 "interface = acd-no-such0\n"               /* 3 */
		 "interface = acd-none*\n"                  /* 4 */
		 "pppd = %s/none\n"                         /* 5 */
		 "plugin = %s/none.so\n"                    /* 6 */
		 "acd-plugin = %s/acd.so\n"                 /* 7 */
		 "[radius]\ndictionary = %s\n", dir, dir, dir, dict);
	assert_int_equal(config_parse(NULL, text, &c, &errs), 0); /* a parse reads none of it */
	assert_int_equal(errs.nwarn, 0);
	/* the default options file, unless installed on this box */
	opts_installed = access(ACD_PPPOE_OPTIONS, F_OK) == 0;
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, opts_installed ? 3 : 4);
	assert_string_equal(errs.msg[0], "(built-in):3: [pppoe] interface \"acd-no-such0\": no "
			    "such interface (create it first, or correct the name)");
	snprintf(err, sizeof(err), "(built-in):5: [pppoe] pppd \"%s/none\": no such file "
		 "(install ppp, or set pppd)", dir);
	assert_string_equal(errs.msg[1], err);
	snprintf(err, sizeof(err), "(built-in):6: [pppoe] plugin \"%s/none.so\": no such file "
		 "(install ppp, or correct the path)", dir);
	assert_string_equal(errs.msg[2], err);
	snprintf(err, sizeof(err), "(built-in): [pppoe] pppd-options \"%s\": no such file "
		 "(install acd's pppoe-options there, or set pppd-options)", ACD_PPPOE_OPTIONS);
	if (!opts_installed)
		assert_string_equal(errs.msg[3], err);
	assert_int_equal(errs.nwarn, 2);
	assert_string_equal(errs.warn[0], "(built-in):4: warning: [pppoe] interface \"acd-none*\" "
			    "matches no interface now (check the pattern)");
	/* acd.so missing only warns: its sessions' events come by the hooks */
	snprintf(err, sizeof(err), "(built-in):7: warning: [pppoe] acd-plugin \"%s/acd.so\": not "
		 "found (no such regular file): sessions start without it and reach acd by "
		 "pppd's hooks (install acd.so, or set acd-plugin = none)", dir);
	assert_string_equal(errs.warn[1], err);
	assert_int_equal(config_pppoe_acd_plugin(&c), 0);
	/* the same for acd -n; and without lines */
	assert_int_equal(config_check(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, opts_installed ? 3 : 4);
	assert_int_equal(errs.nwarn, 2);
	assert_int_equal(config_check_pppoe(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[pppoe] interface \"acd-no-such0\": no such interface"));
	assert_non_null(strstr(err, "\n[pppoe] pppd \""));
	assert_non_null(strstr(err, "\n[pppoe] plugin \""));
	if (!opts_installed)
		assert_non_null(strstr(err, "\n[pppoe] pppd-options \""));
	assert_null(strstr(err, "acd-none*")); /* the warning: only without errors */
	assert_null(strstr(err, "(built-in)"));

	/* a pattern that matches: no warning; one that does not, alone: 0 and
	 * the warning in err */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = l?\ninterface = acd-none*\n"
		 "pppd = %s\npppd-options = %s\nplugin = %s\nacd-plugin = none\n", pppd, opts,
		 plugin);
	assert_int_equal(config_load(NULL, text, &c, &errs), 0);
	assert_int_equal(errs.nwarn, 1);
	assert_non_null(strstr(errs.warn[0], "(built-in):3: warning: [pppoe] interface \"acd-none*\""));
	assert_int_equal(config_check_pppoe(&c, err, sizeof(err)), 0);
	assert_string_equal(err, "[pppoe] interface \"acd-none*\" matches no interface now (check "
			    "the pattern)");

	/* pppd not executable, or a directory; options others may write, or
	 * a directory; a plugin that is a directory */
	assert_int_equal(chmod(pppd, 0644), 0);
	assert_int_equal(chmod(opts, 0666), 0);
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\n", pppd, opts, sub);
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_non_null(strstr(errs.msg[0], ":3: [pppoe] pppd \""));
	assert_non_null(strstr(errs.msg[0], "\": not executable (chmod +x it, or set pppd)"));
	assert_non_null(strstr(errs.msg[1], ":5: [pppoe] plugin \""));
	assert_non_null(strstr(errs.msg[1], "\": not a regular file"));
	assert_non_null(strstr(errs.msg[2], ":4: [pppoe] pppd-options \""));
	assert_non_null(strstr(errs.msg[2], "\": anyone may write it, and pppd reads it as root "
			       "(chmod o-w)"));
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = %s\n", sub, sub, plugin);
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.msg[0], "\": not a regular file (set pppd to pppd's path)"));
	assert_non_null(strstr(errs.msg[1], ":4: [pppoe] pppd-options \""));
	assert_non_null(strstr(errs.msg[1], "\": not a regular file"));
	assert_int_equal(chmod(pppd, 0755), 0);
	assert_int_equal(chmod(opts, 0644), 0);

	/* a bare plugin name is looked up in pppd's plugin directories */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = acd-no-such-plugin.so\n", pppd, opts);
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "(built-in):5: [pppoe] plugin \"acd-no-such-plugin.so\": "
			    "not in pppd's plugin directories (/usr/lib/pppd/*/; install ppp, or "
			    "give the plugin's absolute path)");
	/* the default, pppoe.so: found where ppp is installed (Debian 12:
	 * /usr/lib/pppd/2.4.9/pppoe.so), named when it is not */
	have_pppoe_so = glob("/usr/lib/pppd/*/pppoe.so", 0, NULL, &g) == 0 ||
			glob("/usr/lib/*/pppd/*/pppoe.so", 0, NULL, &g) == 0;
	if (have_pppoe_so)
		globfree(&g);
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n",
		 pppd, opts);
	assert_int_equal(config_load(NULL, text, &c, &errs), have_pppoe_so ? 0 : -EINVAL);
	if (!have_pppoe_so)
		assert_non_null(strstr(errs.msg[0], "(built-in): [pppoe] plugin \"pppoe.so\": not in "
				       "pppd's plugin directories"));
	/* a refused key was reported: its default is not checked in its place */
	snprintf(text, sizeof(text), "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\n"
		 "plugin = no/such.so\n", pppd, opts);
	assert_int_equal(config_load(NULL, text, &c, &errs), -EINVAL);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msg[0], ":5: plugin \"no/such.so\": a file name"));

	unlink(pppd);
	unlink(opts);
	unlink(plugin);
	unlink(dict);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_every_error_with_line),
		cmocka_unit_test(test_syntax_and_cross_checks),
		cmocka_unit_test(test_cross_check_lines),
		cmocka_unit_test(test_shaper_profile),
		cmocka_unit_test(test_admin_group),
		cmocka_unit_test(test_reload_keeps_restart_keys),
		cmocka_unit_test(test_every_syntax_error),
		cmocka_unit_test(test_error_overflow),
		cmocka_unit_test(test_telnet_listen),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_dns_default),
		cmocka_unit_test(test_check_start_files),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_coa),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_pppoe_defaults),
		cmocka_unit_test(test_pppoe_values),
		cmocka_unit_test(test_pppoe_errors),
		cmocka_unit_test(test_pppoe_repeat_limits),
		cmocka_unit_test(test_pppoe_patterns),
		cmocka_unit_test(test_pppoe_reload_applies),
		cmocka_unit_test(test_pppoe_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
