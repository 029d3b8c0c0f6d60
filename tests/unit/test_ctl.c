/*
 * Control requests: the JSON socket's and telnet's parsers (no I/O), and
 * the log that names what peers send (a user name must not forge a line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "log.h"

static int req(const char *line, const char **cmd, json_t **args, char *err)
{
	return ctl_parse_request(line, strlen(line), cmd, args, err, 256);
}

static void test_json(void **state)
{
	const char *cmd;
	json_t *args;
	char err[256];

	(void)state;
	assert_int_equal(req("{\"v\":1,\"cmd\":\"show session\",\"args\":{\"id\":\"ppp0\"}}", &cmd,
			     &args, err), 0);
	assert_string_equal(cmd, "show session");
	assert_string_equal(json_string_value(json_object_get(args, "id")), "ppp0");
	json_decref(args);
	/* v may be left out; args too */
	assert_int_equal(req("{\"cmd\":\"show stat\"}", &cmd, &args, err), 0);
	assert_true(json_is_object(args));
	json_decref(args);
}

static void test_json_errors(void **state)
{
	static const struct {
		const char *line, *msg;
		int rc;
	} v[] = {
		{ "not json", "not a JSON object", -1 },
		{ "[1,2]", "not a JSON object", -1 },
		{ "{\"v\":2,\"cmd\":\"show stat\"}", "version", -1 },
		{ "{\"v\":\"1\",\"cmd\":\"show stat\"}", "version", -1 },
		{ "{\"args\":{}}", "no \"cmd\"", -1 },
		{ "{\"cmd\":7}", "no \"cmd\"", -1 },
		{ "{\"cmd\":\"show stat\",\"args\":[1]}", "must be an object", -1 },
		{ "{\"cmd\":\"rm -rf\"}", "unknown command \"rm -rf\"", -2 },
		{ "{\"cmd\":\"show stat\",\"cmd\":\"reload\"}", "not a JSON object", -1 },
		{ "{\"cmd\":\"show", "not a JSON object", -1 },
	};
	const char *cmd;
	json_t *args;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		err[0] = '\0';
		if (req(v[i].line, &cmd, &args, err) != v[i].rc || args || cmd ||
		    !strstr(err, v[i].msg))
			fail_msg("%s: got \"%s\", want \"%s\"", v[i].line, err, v[i].msg);
	}
}

static void test_text(void **state)
{
	const char *cmd;
	json_t *args;
	char err[256];

	(void)state;
	assert_int_equal(ctl_parse_text("  shaper   set ppp0 10M 2M ", &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "shaper set");
	assert_string_equal(json_string_value(json_object_get(args, "id")), "ppp0");
	assert_string_equal(json_string_value(json_object_get(args, "down")), "10M");
	assert_string_equal(json_string_value(json_object_get(args, "up")), "2M");
	json_decref(args);
	/* "show session" and "show sessions" are told apart by the exact words */
	assert_int_equal(ctl_parse_text("show sessions", &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "show sessions");
	json_decref(args);
	assert_int_equal(ctl_parse_text("show session alice", &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "show session");
	json_decref(args);
	/* no abbreviations */
	assert_int_equal(ctl_parse_text("sh sess", &cmd, &args, err, sizeof(err)), -2);
	assert_int_equal(ctl_parse_text("shaper set ppp0 10M", &cmd, &args, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing up"));
	assert_int_equal(ctl_parse_text("terminate a b", &cmd, &args, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many arguments"));
	assert_int_equal(ctl_parse_text("   ", &cmd, &args, err, sizeof(err)), -1);
	assert_null(args);
}

/* What one log call writes to stderr (the log's stderr target). */
static size_t logged(char *buf, size_t len, const char *user)
{
	FILE *f = tmpfile();
	int saved;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0 && dup2(fileno(f), STDERR_FILENO) >= 0);
	log_init(true, LOG_DEBUG);
	log_notice("sess=ppp0 user=%s event=up", user);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static void test_log_escapes(void **state)
{
	char buf[1024];
	size_t n;

	(void)state;
	/* a PEERNAME that would end the line and start a forged one */
	n = logged(buf, sizeof(buf), "eve\n12:00:00.000 acd notice: sess=ppp9 user=root\r\x1b[2K\x7f\t");
	assert_non_null(strstr(buf, " user=eve\\x0a12:00:00.000 acd notice: sess=ppp9 user=root"
				    "\\x0d\\x1b[2K\\x7f\\x09 event=up\n"));
	assert_true(n > 0 && strchr(buf, '\n') == buf + n - 1); /* one line */
	/* UTF-8 and backslashes are not control characters */
	logged(buf, sizeof(buf), "J\xc3\xbcrgen\\x41");
	assert_non_null(strstr(buf, " user=J\xc3\xbcrgen\\x41 event=up\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_log_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
