/*
 * A reload and its hooks, without a daemon: the hooks run in the order
 * they were registered; a refusal cancels the prepares that had said yes
 * and leaves the running config; applied sees the new config in a->cfg
 * and the old one beside it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "acd.h"
#include "log.h"
#include "reload.h"

static char trail[256];
static bool b_refuses;

static void note(const char *s)
{
	strncat(trail, s, sizeof(trail) - strlen(trail) - 1);
}

static int prepare_a(struct acd *a, const struct acd_config *next, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	note("pa ");
	/* the new file's, the running config untouched yet */
	assert_string_equal(next->nas_identifier, "nas-b");
	assert_string_equal(a->cfg.nas_identifier, "nas-a");
	return 0;
}

static void cancel_a(struct acd *a)
{
	(void)a;
	note("ca ");
}

static void applied_a(struct acd *a, const struct acd_config *old)
{
	note("aa ");
	assert_string_equal(a->cfg.nas_identifier, "nas-b");
	assert_string_equal(old->nas_identifier, "nas-a");
}

static int prepare_b(struct acd *a, const struct acd_config *next, char *err, size_t errlen)
{
	(void)a;
	(void)next;
	note("pb ");
	if (!b_refuses)
		return 0;
	snprintf(err, errlen, "b says no");
	return -1;
}

static void applied_b(struct acd *a, const struct acd_config *old)
{
	(void)a;
	(void)old;
	note("ab ");
}

/* refuses without a word */
static int prepare_c(struct acd *a, const struct acd_config *next, char *err, size_t errlen)
{
	(void)a;
	(void)next;
	(void)err;
	(void)errlen;
	note("pc ");
	return -1;
}

static struct acd *daemon_with(const char *path)
{
	static const char conf[] = "[acd]\nlog-level = error\n"
				   "[radius]\ndictionary = " ACD_RADIUS_DICT "\n"
				   "nas-identifier = %s\n";
	struct acd_config_errors *e = calloc(1, sizeof(*e));
	struct acd *a = calloc(1, sizeof(*a));
	char text[512];
	FILE *f;

	assert_non_null(e);
	assert_non_null(a);
	snprintf(text, sizeof(text), conf, "nas-a");
	assert_int_equal(config_parse(NULL, text, &a->cfg, e), 0);
	free(e);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, conf, "nas-b");
	fclose(f);
	a->cfg_path = path;
	return a;
}

static void test_hooks(void **state)
{
	struct acd_reload_hook ha = { .name = "a", .prepare = prepare_a, .cancel = cancel_a,
				      .applied = applied_a };
	struct acd_reload_hook hb = { .name = "b", .prepare = prepare_b, .applied = applied_b };
	struct acd_reload_hook hc = { .name = "c", .prepare = prepare_c };
	char path[] = "/tmp/test_reload.XXXXXX";
	char err[256];
	struct acd *a;
	int fd;

	(void)state;
	log_init(true, LOG_ERR);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	a = daemon_with(path);
	acd_reload_hook(a, &ha);
	acd_reload_hook(a, &hb);

	/* refused by b: a's prepare is cancelled, nobody hears applied */
	b_refuses = true;
	trail[0] = '\0';
	assert_int_equal(acd_reload(a, err, sizeof(err)), -EINVAL);
	assert_string_equal(trail, "pa pb ca ");
	assert_string_equal(err, "b says no");
	assert_string_equal(a->cfg.nas_identifier, "nas-a");

	/* a refusal without a reason is given one: the hook's name */
	acd_reload_hook(a, &hc);
	b_refuses = false;
	trail[0] = '\0';
	assert_int_equal(acd_reload(a, err, sizeof(err)), -EINVAL);
	assert_string_equal(trail, "pa pb pc ca ");
	assert_string_equal(err, "c refused the config: the running config stays");
	assert_string_equal(a->cfg.nas_identifier, "nas-a");

	/* taken out: in the order they came, the new config swapped in */
	acd_reload_unhook(a, &hc);
	acd_reload_unhook(a, &hc); /* not in: nothing */
	trail[0] = '\0';
	assert_int_equal(acd_reload(a, err, sizeof(err)), 0);
	assert_string_equal(trail, "pa pb aa ab ");
	assert_string_equal(a->cfg.nas_identifier, "nas-b");

	acd_reload_unhook(a, &ha);
	acd_reload_unhook(a, &hb);
	assert_null(a->reload_hooks);
	unlink(path);
	free(a);
}

/* a file with errors reaches no hook */
static void test_bad_file(void **state)
{
	struct acd_reload_hook hb = { .name = "b", .prepare = prepare_b, .applied = applied_b };
	char path[] = "/tmp/test_reload.XXXXXX";
	char err[256];
	struct acd *a;
	FILE *f;
	int fd;

	(void)state;
	log_init(true, LOG_ERR);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	a = daemon_with(path);
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "[acd]\nno-such-key = 1\n");
	fclose(f);
	acd_reload_hook(a, &hb);
	trail[0] = '\0';
	assert_int_equal(acd_reload(a, err, sizeof(err)), -EINVAL);
	assert_string_equal(trail, "");
	assert_non_null(strstr(err, "no-such-key"));
	assert_string_equal(a->cfg.nas_identifier, "nas-a");
	unlink(path);
	free(a);
}

/* [pppoe] is checked on this box at a reload: a pppd that is not there
 * refuses it, and the running config stays; once it is there, it applies */
static void test_pppoe_checked(void **state)
{
	struct acd_reload_hook hb = { .name = "b", .prepare = prepare_b, .applied = applied_b };
	char path[] = "/tmp/test_reload.XXXXXX", dir[] = "/tmp/test_reload_pppoe.XXXXXX";
	char pppd[64], opts[64], err[1024];
	struct acd *a;
	FILE *f;
	int fd;

	(void)state;
	log_init(true, LOG_ERR);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(mkdtemp(dir));
	snprintf(pppd, sizeof(pppd), "%s/pppd", dir);
	snprintf(opts, sizeof(opts), "%s/pppoe-options", dir);
	f = fopen(opts, "w");
	assert_non_null(f);
	fclose(f);
	a = daemon_with(path);
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "[pppoe]\ninterface = lo\npppd = %s\npppd-options = %s\nplugin = %s\n", pppd,
		opts, opts);
	fclose(f);
	acd_reload_hook(a, &hb);
	b_refuses = false;
	trail[0] = '\0';
	assert_int_equal(acd_reload(a, err, sizeof(err)), -EINVAL);
	assert_string_equal(trail, "");
	assert_non_null(strstr(err, ":8: [pppoe] pppd \""));
	assert_non_null(strstr(err, "\": no such file (install ppp, or set pppd)"));
	assert_string_equal(a->cfg.nas_identifier, "nas-a");
	assert_int_equal(a->cfg.n_pppoe_ifaces, 0);
	/* the stand-in pppd installed: the same file applies */
	f = fopen(pppd, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(pppd, 0755), 0);
	assert_int_equal(acd_reload(a, err, sizeof(err)), 0);
	assert_string_equal(trail, "pb ab ");
	assert_string_equal(a->cfg.nas_identifier, "nas-b");
	assert_int_equal(a->cfg.n_pppoe_ifaces, 1);
	assert_string_equal(a->cfg.pppoe_pppd, pppd);
	acd_reload_unhook(a, &hb);
	unlink(pppd);
	unlink(opts);
	rmdir(dir);
	unlink(path);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_pppoe_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
