/* Control requests: the JSON socket's and telnet's parsers (no I/O). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
