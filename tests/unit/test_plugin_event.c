/*
 * acd.so's side of the protocol (pppd-plugin/event.c): the request it
 * builds is one acd's own parser takes, with every byte of a hostile peer
 * name escaped; its RADIUS text, its reading of acd's replies and its
 * bounded queue.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "event.h"
#include "proto.h"
#include "radattr.h"

static char line[ACD_REQUEST_MAX + 2];

/* ev encoded, then read by acd's parser: the args */
static json_t *roundtrip(const struct acdev *ev)
{
	ssize_t n = acdev_encode(ev, line, sizeof(line));
	const char *cmd;
	json_t *args = NULL;
	char err[256];

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(line));
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', (size_t)n - 1)); /* one line */
	assert_int_equal(ctl_parse_request(line, (size_t)n - 1, &cmd, &args, err, sizeof(err)), 0);
	assert_string_equal(cmd, "hook");
	return args;
}

static void test_encode(void **state)
{
	struct acdev ev = {
		.event = "ip-up",
		.argv = { "ppp3", "eth1", "0", "10.0.0.1", "10.0.0.7" },
		.argc = 5,
		.env = { { "PPPD_PID", "4242" }, { "PEERNAME", "alice" }, { "IPPARAM", NULL } },
		.nenv = 3,
		.sid = 17,
		.radattr = "User-Name alice\nRP-Downstream-Speed-Limit 10000\n",
	};
	json_t *args, *env;

	(void)state;
	ev.radattr_len = strlen(ev.radattr);
	args = roundtrip(&ev);
	assert_string_equal(json_string_value(json_object_get(args, "event")), "ip-up");
	assert_string_equal(json_string_value(json_object_get(args, "via")), "plugin");
	assert_int_equal(json_array_size(json_object_get(args, "argv")), 5);
	assert_string_equal(json_string_value(json_array_get(json_object_get(args, "argv"), 4)),
			    "10.0.0.7");
	env = json_object_get(args, "env");
	assert_string_equal(json_string_value(json_object_get(env, "PPPD_PID")), "4242");
	assert_string_equal(json_string_value(json_object_get(env, "PEERNAME")), "alice");
	assert_null(json_object_get(env, "IPPARAM")); /* a NULL value is left out */
	assert_int_equal(json_integer_value(json_object_get(args, "sid")), 17);
	assert_string_equal(json_string_value(json_object_get(args, "radattr")), ev.radattr);
	json_decref(args);

	/* a down: no sid, no radattr */
	ev.event = "ip-down";
	ev.sid = 0;
	ev.radattr = NULL;
	args = roundtrip(&ev);
	assert_null(json_object_get(args, "sid"));
	assert_null(json_object_get(args, "radattr"));
	json_decref(args);
}

/* a peer name is the subscriber's: every byte that could end the string,
 * the line or the JSON is escaped, and what is not UTF-8 is not sent */
static void test_hostile(void **state)
{
	static const char evil[] = "a\"b\\c\nd\re\x01" "f\x7f" "}\"],x:{";
	struct acdev ev = {
		.event = "ipv6-up",
		.argv = { "ppp0", "eth\xff", "0", "fe80::1", "fe80::2", evil },
		.argc = 6,
		.env = { { "PEERNAME", evil }, { "MACREMOTE", "\xc0\xaf" }, { "X", "\xe2\x82\xac" } },
		.nenv = 3,
	};
	json_t *args, *env, *argv;

	(void)state;
	args = roundtrip(&ev);
	env = json_object_get(args, "env");
	argv = json_object_get(args, "argv");
	assert_string_equal(json_string_value(json_object_get(env, "PEERNAME")), evil);
	assert_null(json_object_get(env, "MACREMOTE")); /* overlong '/': not UTF-8 */
	assert_string_equal(json_string_value(json_object_get(env, "X")), "\xe2\x82\xac");
	/* argv keeps its places: a bad word is sent as "" */
	assert_int_equal(json_array_size(argv), 6);
	assert_string_equal(json_string_value(json_array_get(argv, 1)), "");
	assert_string_equal(json_string_value(json_array_get(argv, 5)), evil);
	json_decref(args);

	/* names are ours: anything but [A-Za-z0-9_-] is refused */
	ev.env[0][0] = "PEER\"NAME";
	assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -EINVAL);
	ev.env[0][0] = "PEERNAME";
	ev.event = "ip-up\n";
	assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -EINVAL);
	ev.event = "ip-up";
	ev.nenv = ACDEV_ENV_MAX + 1;
	assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -EINVAL);
}

static void test_too_long(void **state)
{
	static char big[ACD_REQUEST_MAX];
	struct acdev ev = { .event = "ip-up", .argv = { "ppp0" }, .argc = 1 };
	char small[64];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	ev.radattr = big;
	ev.radattr_len = sizeof(big) - 1;
	assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -E2BIG);
	/* control characters grow sixfold: the limit is on what is written */
	memset(big, '\x01', 2000);
	ev.radattr_len = 2000;
	assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -E2BIG);
	ev.radattr = NULL;
	assert_int_equal(acdev_encode(&ev, small, sizeof(small)), -E2BIG);
	assert_true(acdev_encode(&ev, line, sizeof(line)) > 0);
	/* exactly ACD_REQUEST_MAX bytes and the newline are what acd serves */
	ev.radattr = big;
	memset(big, 'y', sizeof(big));
	ev.radattr_len = 0;
	{
		ssize_t base = acdev_encode(&ev, line, sizeof(line));

		assert_true(base > 0);
		ev.radattr_len = ACD_REQUEST_MAX + 1 - (size_t)base;
		assert_int_equal(acdev_encode(&ev, line, sizeof(line)), ACD_REQUEST_MAX + 1);
		ev.radattr_len++;
		assert_int_equal(acdev_encode(&ev, line, sizeof(line)), -E2BIG);
	}
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(acdev_utf8("", 0));
	assert_true(acdev_utf8("abc", 3));
	assert_true(acdev_utf8("\xc3\xa9", 2));
	assert_true(acdev_utf8("\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
	assert_false(acdev_utf8("\xf4\x90\x80\x80", 4)); /* above */
	assert_false(acdev_utf8("\xed\xa0\x80", 3));     /* a surrogate */
	assert_false(acdev_utf8("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(acdev_utf8("\xc3", 1));             /* cut */
	assert_false(acdev_utf8("\x80", 1));
	assert_false(acdev_utf8("a\0b", 3));
}

/* the text radattr.so would write, which acd's radattr parser takes back */
static void test_radattr(void **state)
{
	char buf[64];
	size_t len = 0;
	struct radattr_list l = { 0 };
	char err[256];

	(void)state;
	buf[0] = '\0';
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "User-Name", "a b\\012"), 0);
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "Filter-Id", "10000/2000"), 0);
	assert_string_equal(buf, "User-Name a b\\012\nFilter-Id 10000/2000\n");
	assert_int_equal(radattr_parse(buf, len, NULL, "plugin", &l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.attrs[0].value, "a b\n");
	radattr_free(&l);
	/* what radius.so would not write: refused, buf unchanged */
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "Bad Name", "x"), -EINVAL);
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "", "x"), -EINVAL);
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "A", "x\ny"), -EINVAL);
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len,
					   "A23456789012345678901234567890123", "x"), -EINVAL);
	/* full: the line that does not fit is left out whole */
	assert_int_equal(acdev_radattr_add(buf, sizeof(buf), &len, "Class", "0123456789abcdefghij"),
			 -ENOSPC);
	assert_string_equal(buf, "User-Name a b\\012\nFilter-Id 10000/2000\n");
	assert_int_equal(len, strlen(buf));
}

static void test_reply(void **state)
{
	static const struct {
		const char *line;
		enum acdev_reply kind;
	} v[] = {
		{ "{\"v\":1,\"ok\":true,\"data\":{}}", ACDEV_REPLY_OK },
		{ "{\"v\":1,\"ok\":false,\"error\":\"x\",\"code\":\"EINVAL\"}", ACDEV_REPLY_REFUSED },
		{ "{\"v\":1,\"ok\":false,\"error\":\"full\",\"code\":\"EBUSY\"}", ACDEV_REPLY_BUSY },
		/* the text of an error cannot pass for a key */
		{ "{\"v\":1,\"ok\":false,\"error\":\"\\\"ok\\\":true\",\"code\":\"EINVAL\"}",
		  ACDEV_REPLY_REFUSED },
		{ "{\"v\":1,\"ok\":false,\"error\":\"\\\"code\\\":\\\"EBUSY\\\"\",\"code\":\"EPERM\"}",
		  ACDEV_REPLY_REFUSED },
		{ "{\"v\":1}", ACDEV_REPLY_BAD },
		{ "ok", ACDEV_REPLY_BAD },
		{ "", ACDEV_REPLY_BAD },
		{ "{\"v\":1,\"ok\":true", ACDEV_REPLY_BAD },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(acdev_reply_kind(v[i].line, strlen(v[i].line)), v[i].kind);
}

static void test_queue(void **state)
{
	struct acdev_queue q = { 0 };
	char s[16];
	const char *p;
	size_t len;
	int i;

	(void)state;
	assert_null(acdev_queue_peek(&q, &len));
	for (i = 0; i < ACDEV_QUEUE_MAX; i++) {
		snprintf(s, sizeof(s), "e%d\n", i);
		assert_int_equal(acdev_queue_push(&q, s, strlen(s)), 0);
	}
	/* full: the oldest goes */
	assert_int_equal(acdev_queue_push(&q, "new\n", 4), 1);
	assert_int_equal(acdev_queue_push(&q, "newer\n", 6), 1);
	assert_int_equal(q.dropped, 2);
	assert_int_equal(q.n, ACDEV_QUEUE_MAX);
	p = acdev_queue_peek(&q, &len);
	assert_string_equal(p, "e2\n");
	assert_int_equal(len, 3);
	for (i = 2; i < ACDEV_QUEUE_MAX; i++)
		acdev_queue_pop(&q);
	assert_string_equal(acdev_queue_peek(&q, &len), "new\n");
	acdev_queue_pop(&q);
	assert_string_equal(acdev_queue_peek(&q, &len), "newer\n");
	acdev_queue_pop(&q);
	assert_null(acdev_queue_peek(&q, &len));
	acdev_queue_pop(&q); /* empty: nothing */
	assert_int_equal(acdev_queue_push(&q, "x\n", 2), 0);
	acdev_queue_clear(&q);
	assert_int_equal(q.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),   cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_too_long), cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_radattr),  cmocka_unit_test(test_reply),
		cmocka_unit_test(test_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
