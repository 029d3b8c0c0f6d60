/*
 * The control commands' handlers (acd/cmd.c) through ctl_execute(), on a
 * session table with the fake effects of sessfake.c: who may run what,
 * what each command does to the sessions and what it answers, and that a
 * refused or bad request changes nothing.  No root, no socket, no kernel.
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
#include <unistd.h>

#include <cmocka.h>

#include "acd.h"
#include "ctl.h"
#include "proto.h"
#include "sessfake.h"

static struct acd A;
static struct fake F;
static char dir[64];
static struct ctl_peer root = { .perm = CMD_ROOT, .by = "uid:0" };
static struct ctl_peer admin = { .perm = CMD_ADMIN, .by = "uid:1000" };
static struct ctl_peer reader = { .perm = CMD_READ, .by = "uid:1001" };

static int setup(void **state)
{
	(void)state;
	memset(&A, 0, sizeof(A));
	memset(&F, 0, sizeof(F));
	config_defaults(&A.cfg);
	snprintf(dir, sizeof(dir), "/tmp/acd-test-cmd.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir), "%s", dir);
	sessions_init(&A.sess, NULL, &A.cfg, &fake_fx, &F);
	fake_link(&F, "ppp0", 10);
	fake_link(&F, "ppp1", 11);
	fake_radattr(&F, "ppp0", "", 10000000, 2000000);
	fake_pppd(&F, 4242);
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	sessions_free(&A.sess);
	snprintf(path, sizeof(path), "%s/sessions.json", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* Run cmd for p: the reply's data, or NULL with the error's code in *code
 * and its words in err. */
static json_t *run(struct ctl_peer *p, const char *cmd, json_t *args, const char **code,
		   char *err)
{
	json_t *r;

	*code = NULL;
	err[0] = '\0';
	r = ctl_execute(&A, p, cmd, args, err, 512, code);
	json_decref(args);
	return r;
}

static void up(const char *ifname, const char *user, const char *ip)
{
	char err[512];
	const char *code;
	json_t *r = run(&root, "hook",
			json_pack("{s:s,s:[s,s,s,s,s,s],s:{s:s,s:s}}", "event", "ip-up", "argv",
				  ifname, "/dev/pts/1", "0", "10.0.0.1", ip, "", "env", "PEERNAME",
				  user, "PPPD_PID", "4242"),
			&code, err);

	assert_non_null(r);
	json_decref(r);
}

/* hook is root's alone; a refusal says what it needs and changes nothing */
static void test_hook_permission(void **state)
{
	char err[512];
	const char *code;
	json_t *r;

	(void)state;
	r = run(&admin, "hook",
		json_pack("{s:s,s:[s],s:{}}", "event", "ip-up", "argv", "ppp0", "env"), &code,
		err);
	assert_null(r);
	assert_string_equal(code, ACD_E_PERM);
	assert_non_null(strstr(err, "root"));
	assert_int_equal(A.sess.n, 0);
	up("ppp0", "alice", "10.0.0.2");
	assert_int_equal(A.sess.n, 1);
	/* a hook that is not one */
	r = run(&root, "hook", json_pack("{s:s}", "event", "ip-up"), &code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_ARGS);
	r = run(&root, "hook",
		json_pack("{s:s,s:[s],s:{}}", "event", "ip-up", "argv", "ppp9", "env"), &code,
		err);
	assert_null(r);
	assert_string_equal(err, "ppp9: interface does not exist");
	assert_int_equal(A.stats.hook_errors, 1); /* the malformed one never reached the core */
}


/* acd.so's hook requests: their extra arguments checked before anything
 * changes; a repeat says so; show stat counts the paths */
static void test_hook_plugin(void **state)
{
	static const char *const bad[] = {
		"{\"via\":\"carrier-pigeon\"}", "{\"via\":7}",
		"{\"via\":\"hook\",\"sid\":3}", "{\"radattr\":\"User-Name x\"}",
		"{\"via\":\"plugin\",\"sid\":0}", "{\"via\":\"plugin\",\"sid\":65535}",
		"{\"via\":\"plugin\",\"sid\":\"3\"}", "{\"via\":\"plugin\",\"radattr\":[]}",
	};
	char err[512];
	const char *code;
	json_t *r, *args, *ev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		args = json_loads(bad[i], 0, NULL);
		assert_non_null(args);
		json_object_set_new(args, "event", json_string("ip-up"));
		json_object_set_new(args, "argv", json_pack("[s,s,s,s,s]", "ppp0", "eth1", "0",
							    "10.0.0.1", "10.0.0.2"));
		r = run(&root, "hook", args, &code, err);
		assert_null(r);
		assert_string_equal(code, ACD_E_ARGS);
		assert_int_equal(A.sess.n, 0);
	}
	r = run(&root, "hook",
		json_pack("{s:s,s:s,s:i,s:s,s:[s,s,s,s,s],s:{s:s}}", "event", "ip-up", "via",
			  "plugin", "sid", 9, "radattr", "User-Name bob\n", "argv", "ppp0", "eth1",
			  "0", "10.0.0.1", "10.0.0.2", "env", "PPPD_PID", "4242"),
		&code, err);
	assert_non_null(r);
	assert_null(json_object_get(r, "repeat"));
	json_decref(r);
	assert_int_equal(A.sess.n, 1);
	assert_string_equal(A.sess.list->radattr, "User-Name bob\n");
	/* the hook's ip-up for the same pppd: a repeat */
	r = run(&root, "hook",
		json_pack("{s:s,s:[s,s,s,s,s],s:{s:s}}", "event", "ip-up", "argv", "ppp0",
			  "/dev/pts/1", "0", "10.0.0.1", "10.0.0.2", "env", "PPPD_PID", "4242"),
		&code, err);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "repeat")));
	json_decref(r);
	r = run(&reader, "show session", json_pack("{s:s}", "id", "ppp0"), &code, err);
	assert_string_equal(json_string_value(json_object_get(r, "via")), "plugin");
	json_decref(r);
	r = run(&reader, "show stat", json_object(), &code, err);
	ev = json_object_get(r, "events");
	assert_int_equal(json_integer_value(json_object_get(ev, "plugin")), 1);
	assert_int_equal(json_integer_value(json_object_get(ev, "hook")), 1);
	assert_int_equal(json_integer_value(json_object_get(ev, "repeats")), 1);
	json_decref(r);
}

static void test_show(void **state)
{
	char err[512];
	const char *code;
	json_t *r, *row;

	(void)state;
	up("ppp0", "alice", "10.0.0.2");
	up("ppp1", "alice", "10.0.1.2");
	r = run(&reader, "show sessions", json_object(), &code, err);
	assert_true(json_is_array(r));
	assert_int_equal(json_array_size(r), 2);
	row = json_array_get(r, 1); /* newest first */
	assert_string_equal(json_string_value(json_object_get(row, "ifname")), "ppp0");
	assert_int_equal(json_integer_value(json_object_get(row, "down")), 10000000);
	assert_int_equal(json_integer_value(json_object_get(row, "rx_bytes")), 0); /* no rtnl */
	json_decref(r);
	r = run(&reader, "show session", json_pack("{s:s}", "id", "10.0.1.2"), &code, err);
	assert_string_equal(json_string_value(json_object_get(r, "ifname")), "ppp1");
	assert_int_equal(json_integer_value(json_object_get(r, "pppd_pid")), 4242);
	json_decref(r);
	r = run(&reader, "show session", json_pack("{s:s}", "id", "alice"), &code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_AMBIG);
	assert_string_equal(err, "alice: matches 2 sessions: give the interface");
	r = run(&reader, "show session", json_pack("{s:s}", "id", "bob"), &code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_NOENT);
	r = run(&reader, "show stat", json_object(), &code, err);
	assert_int_equal(json_integer_value(json_object_get(r, "sessions")), 2);
	assert_int_equal(json_integer_value(json_object_get(r, "sessions_up")), 2);
	json_decref(r);
}

/* An override: admin's; applied, shown, saved; restored the same way. */
static void test_shaper_set(void **state)
{
	char err[512], path[128];
	const char *code;
	struct stat st;
	json_t *r;

	(void)state;
	up("ppp0", "alice", "10.0.0.2");
	r = run(&reader, "shaper set", json_pack("{s:s,s:s,s:s}", "id", "ppp0", "down", "1M",
						 "up", "512k"),
		&code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_PERM);
	assert_false(session_by_ifname(&A.sess, "ppp0")->override);
	r = run(&admin, "shaper set", json_pack("{s:s,s:s,s:s}", "id", "ppp0", "down", "1Q",
						"up", "512k"),
		&code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_ARGS);
	assert_false(session_by_ifname(&A.sess, "ppp0")->override);
	r = run(&admin, "shaper set", json_pack("{s:s,s:s,s:s}", "id", "ppp0", "down", "1M",
						"up", "512k"),
		&code, err);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "source")), "operator");
	assert_int_equal(json_integer_value(json_object_get(r, "down")), 1000000);
	assert_null(json_object_get(r, "warning"));
	json_decref(r);
	assert_int_equal(F.last.down.rate, 1000000);
	assert_int_equal(F.last.up.rate, 512000);
	snprintf(path, sizeof(path), "%s/sessions.json", dir);
	assert_int_equal(stat(path, &st), 0); /* saved before the reply */
	r = run(&admin, "shaper restore", json_pack("{s:s}", "id", "ppp0"), &code, err);
	assert_string_equal(json_string_value(json_object_get(r, "source")),
			    "RP-Downstream-Speed-Limit");
	json_decref(r);
	assert_int_equal(F.last.down.rate, 10000000);
}

/* The kernel refuses: ESHAPER, the session as it was; a state file that
 * cannot be written: in force, and the reply warns. */
static void test_shaper_failures(void **state)
{
	char err[512];
	const char *code;
	json_t *r;

	(void)state;
	up("ppp0", "alice", "10.0.0.2");
	F.shape_fails = true;
	r = run(&admin, "shaper set", json_pack("{s:s,s:i,s:i}", "id", "ppp0", "down", 1000000,
						"up", 1000000),
		&code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_SHAPER);
	assert_string_equal(err, "ppp0: the kernel said no");
	assert_false(session_by_ifname(&A.sess, "ppp0")->override);
	F.shape_fails = false;
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir), "%s/gone", dir);
	r = run(&admin, "shaper set", json_pack("{s:s,s:i,s:i}", "id", "ppp0", "down", 1000000,
						"up", 1000000),
		&code, err);
	assert_non_null(r);
	assert_non_null(strstr(json_string_value(json_object_get(r, "warning")),
			       "the override is in force but not saved"));
	assert_true(session_by_ifname(&A.sess, "ppp0")->override);
	json_decref(r);
	snprintf(A.cfg.state_dir, sizeof(A.cfg.state_dir), "%s", dir);
}

static void test_terminate(void **state)
{
	char err[512];
	const char *code;
	json_t *r;

	(void)state;
	up("ppp0", "alice", "10.0.0.2");
	r = run(&reader, "terminate", json_pack("{s:s}", "id", "ppp0"), &code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_PERM);
	assert_int_equal(F.killed, 0);
	r = run(&admin, "terminate", json_pack("{s:s}", "id", "ppp0"), &code, err);
	assert_int_equal(json_integer_value(json_object_get(r, "pppd_pid")), 4242);
	json_decref(r);
	assert_int_equal(F.killed, 4242);
	assert_string_equal(session_by_ifname(&A.sess, "ppp0")->terminate_cause, "admin-reset");
	F.npppds = 0; /* pppd has gone */
	r = run(&admin, "terminate", json_pack("{s:s}", "id", "ppp0"), &code, err);
	assert_null(r);
	assert_string_equal(code, ACD_E_NOENT);
	assert_string_equal(err, "ppp0: process 4242 is not pppd any more");
}

static void test_monitor(void **state)
{
	struct ctl_peer p = reader;
	char err[512];
	const char *code;

	(void)state;
	json_decref(run(&p, "monitor", json_object(), &code, err));
	assert_null(code);
	assert_true(p.monitor);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hook_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shaper_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shaper_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
