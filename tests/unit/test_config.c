/* acd.conf: defaults, every error with file:line, unknown keys, the
 * example in conf/, and the printed config parsing back to itself. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static struct acd_config_errors errs;

static void test_embedded(void **state)
{
	struct acd_config c;

	(void)state;
	assert_int_equal(config_parse(NULL, acd_config_embedded, &c, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_string_equal(c.socket, "/run/acd/acd.sock");
	assert_int_equal(c.down_qdisc, SHAPER_QDISC_TBF);
	assert_int_equal(c.up_mode, SHAPER_UP_POLICE);
	assert_int_equal(c.latency_us, 50000);
	assert_int_equal(c.policy.norder, 4);
	assert_int_equal(c.policy.order[0], POLICY_SRC_RP);
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
			   "interface-prefix = ppp\n";

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
	assert_string_equal(errs.msg[1], "(built-in):3: unknown key \"colour\" in [acd]");
	assert_non_null(strstr(errs.msg[2], "(built-in):5: default-down rate \"10Q\": unknown unit \"Q\""));
	assert_non_null(strstr(errs.msg[3], "(built-in):6: latency \"soon\""));
	assert_non_null(strstr(errs.msg[4], "(built-in):8: unknown section [nat99]"));
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
	assert_int_equal(config_parse(NULL, "[shaper]\nleaf = cake\n", &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "needs down-qdisc = htb"));
	assert_int_equal(config_parse(NULL, "[shaper]\nprecedence = rp rp\n", &c, &errs), -EINVAL);
	assert_int_equal(config_parse(NULL, "[control]\ngroup = no-such-group-here\n", &c, &errs),
			 -EINVAL);
	assert_non_null(strstr(errs.msg[0], "no-such-group-here"));
	assert_int_equal(config_parse("/nonexistent/acd.conf", NULL, &c, &errs), -EINVAL);
	assert_non_null(strstr(errs.msg[0], "/nonexistent/acd.conf: cannot read"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_every_error_with_line),
		cmocka_unit_test(test_syntax_and_cross_checks),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
