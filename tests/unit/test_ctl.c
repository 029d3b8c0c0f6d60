/*
 * Control requests: the command table (every entry bound to a handler,
 * acdctl's words giving the daemon's request), who may run what, the JSON
 * socket's and telnet's parsers, the socket's framing and telnet's input
 * decoder (no I/O), and the log that names what peers send (a user name
 * must not forge a line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "acd.h"
#include "cmdtab.h"
#include "ctl.h"
#include "log.h"
#include "telnet.h"

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

/*
 * The table: every command has a handler, a help line and a unique name;
 * typed as words (acdctl's argv, telnet's line) each gives the request
 * the daemon parses back to the same command and arguments.
 */
static void test_table(void **state)
{
	size_t i, j;

	(void)state;
	assert_null(ctl_unbound_command());
	for (i = 0; i < CMD_COUNT; i++) {
		const struct cmd *k = &cmd_table[i];
		char usage[128], line[256], *words[16], *save = NULL, *t, err[256], *text;
		const char *cmd;
		size_t n = 0;
		json_t *args, *req, *dargs, *targs;

		assert_non_null(k->name);
		assert_true(k->help && *k->help);
		assert_ptr_equal(cmd_named(k->name), k);
		for (j = 0; j < i; j++)
			assert_string_not_equal(cmd_table[j].name, k->name);
		/* the usage, its argument names as values: "shaper set ID DOWN UP" */
		cmd_usage(k, usage, sizeof(usage));
		assert_true(strncmp(usage, k->name, strlen(k->name)) == 0);
		snprintf(line, sizeof(line), "%s", usage);
		for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
			words[n++] = t;
		if (strstr(k->args, "...")) /* the rest: two words of it */
			words[n++] = "more";
		/* acdctl: its words, then the request it sends */
		if (cmd_parse_words(n, words, &k, &args, err, sizeof(err)) != 0)
			fail_msg("%s: %s", usage, err);
		assert_ptr_equal(k, &cmd_table[i]);
		req = json_pack("{s:i,s:s,s:O}", "v", ACD_PROTO_VERSION, "cmd", k->name, "args", args);
		text = json_dumps(req, JSON_COMPACT);
		/* the daemon: the same command, the same arguments */
		assert_int_equal(ctl_parse_request(text, strlen(text), &cmd, &dargs, err, sizeof(err)), 0);
		assert_string_equal(cmd, k->name);
		assert_true(json_equal(args, dargs));
		/* telnet: the same line typed */
		snprintf(line, sizeof(line), "%s%s", usage, strstr(k->args, "...") ? " more" : "");
		assert_int_equal(ctl_parse_text(line, &cmd, &targs, err, sizeof(err)), 0);
		assert_string_equal(cmd, k->name);
		assert_true(json_equal(args, targs));
		free(text);
		json_decref(req);
		json_decref(args);
		json_decref(dargs);
		json_decref(targs);
	}
}

static void test_words(void **state)
{
	char *hook[] = { "hook", "ip-up", "ppp0", "/dev/pts/7", "0", "10.0.0.1", "10.0.0.2" };
	char *bad[] = { "terminate", "\xff" }, *rest[] = { "hook", "ip-up", "ppp0", "\xff", "x" };
	char *show[] = { "show" }, *shaper[] = { "shaper", "x" };
	const struct cmd *k;
	json_t *args;
	char err[256];

	(void)state;
	/* the hook's request, as acdctl sent it before the table (env aside) */
	assert_int_equal(cmd_parse_words(7, hook, &k, &args, err, sizeof(err)), 0);
	assert_ptr_equal(k, &cmd_table[CMD_HOOK]);
	{
		json_t *want = json_pack("{s:s,s:[s,s,s,s,s]}", "event", "ip-up", "argv", "ppp0",
					 "/dev/pts/7", "0", "10.0.0.1", "10.0.0.2");

		assert_true(json_equal(args, want));
		json_decref(want);
	}
	json_decref(args);
	assert_int_equal(cmd_parse_words(2, hook, &k, &args, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "hook: missing argv (usage: hook EVENT ARGV...)"));
	assert_null(k);
	assert_null(args);
	/* not UTF-8: refused as an argument, left out of pppd's */
	assert_int_equal(cmd_parse_words(2, bad, &k, &args, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "id is not UTF-8"));
	assert_int_equal(cmd_parse_words(5, rest, &k, &args, err, sizeof(err)), 0);
	assert_int_equal(json_array_size(json_object_get(args, "argv")), 2);
	json_decref(args);
	/* the start of commands, and a word no command has after it */
	assert_int_equal(cmd_parse_words(1, show, &k, &args, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "incomplete command \"show\": try \"show sessions\""));
	assert_non_null(strstr(err, "\"show nat64\""));
	assert_int_equal(cmd_parse_words(2, shaper, &k, &args, err, sizeof(err)), -2);
	assert_string_equal(err, "unknown command \"shaper x\"");
	assert_int_equal(cmd_parse_words(0, show, &k, &args, err, sizeof(err)), -1);
}

/* Who may run what: the table's column against a peer's credentials. */
static void test_permissions(void **state)
{
	static const gid_t none[1], some[] = { 100, 4242, 27 };
	/* read, admin, root: may each run command i? */
	static const struct {
		enum cmd_id id;
		bool read, admin, root;
	} v[] = {
		{ CMD_SHOW_SESSIONS, true, true, true },  { CMD_SHOW_SESSION, true, true, true },
		{ CMD_SHOW_STAT, true, true, true },      { CMD_SHOW_NAT64, true, true, true },
		{ CMD_SHOW_PPPOE, true, true, true },     { CMD_SHOW_IPV6, true, true, true },
		{ CMD_MONITOR, true, true, true },        { CMD_SHAPER_SET, false, true, true },
		{ CMD_SHAPER_RESTORE, false, true, true }, { CMD_TERMINATE, false, true, true },
		{ CMD_RELOAD, false, true, true },        { CMD_HOOK, false, false, true },
	};
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(sizeof(v) / sizeof(v[0]), CMD_COUNT);
	for (i = 0; i < CMD_COUNT; i++) {
		const struct cmd *k = &cmd_table[v[i].id];

		if (cmd_permits(k, CMD_READ) != v[i].read || cmd_permits(k, CMD_ADMIN) != v[i].admin ||
		    cmd_permits(k, CMD_ROOT) != v[i].root)
			fail_msg("%s: needs %s", k->name, cmd_perm_name(k->perm));
	}
	/* uid 0: everything, whatever its groups */
	assert_int_equal(cmd_peer_perm(0, 0, none, 0, (gid_t)-1), CMD_ROOT);
	assert_int_equal(cmd_peer_perm(0, 1000, some, 3, 4242), CMD_ROOT);
	/* no admin-group: nobody but root */
	assert_int_equal(cmd_peer_perm(1000, 1000, some, 3, (gid_t)-1), CMD_READ);
	assert_int_equal(cmd_peer_perm(1000, (gid_t)-1, none, 0, (gid_t)-1), CMD_READ);
	/* the admin group as the primary group, or a supplementary one */
	assert_int_equal(cmd_peer_perm(1000, 4242, none, 0, 4242), CMD_ADMIN);
	assert_int_equal(cmd_peer_perm(1000, 1000, some, 3, 4242), CMD_ADMIN);
	assert_int_equal(cmd_peer_perm(1000, 1000, some, 3, 27), CMD_ADMIN);
	assert_int_equal(cmd_peer_perm(1000, 1000, some, 2, 27), CMD_READ);
	assert_int_equal(cmd_peer_perm(1000, 1000, some, 3, 4243), CMD_READ);
	/* a refusal says what the command needs */
	cmd_refusal(&cmd_table[CMD_TERMINATE], "netops", err, sizeof(err));
	assert_string_equal(err, "terminate: needs admin (root or a member of [control] "
				 "admin-group \"netops\")");
	cmd_refusal(&cmd_table[CMD_SHAPER_SET], "", err, sizeof(err));
	assert_string_equal(err, "shaper set: needs admin (root: [control] admin-group is not set)");
	cmd_refusal(&cmd_table[CMD_HOOK], "netops", err, sizeof(err));
	assert_string_equal(err, "hook: needs root (hooks are pppd's: only root may report "
				 "sessions)");
}

/* The dispatch refuses before a handler runs: no daemon needed. */
static void test_execute_refused(void **state)
{
	struct acd *a = calloc(1, sizeof(*a));
	struct ctl_peer reader = { .perm = CMD_READ, .pid = 77, .by = "uid:1000" };
	struct ctl_peer admin = { .perm = CMD_ADMIN, .by = "telnet:127.0.0.1" };
	const char *code = NULL;
	json_t *args = json_pack("{s:s}", "id", "ppp0");
	char err[256];

	(void)state;
	assert_non_null(a);
	log_init(true, LOG_ERR); /* the refusals' warnings are not this test's */
	snprintf(a->cfg.admin_group, sizeof(a->cfg.admin_group), "netops");
	a->cfg.admin_gid = 4242;
	assert_null(ctl_execute(a, &reader, "terminate", args, err, sizeof(err), &code));
	assert_string_equal(code, ACD_E_PERM);
	assert_string_equal(err, "terminate: needs admin (root or a member of [control] "
				 "admin-group \"netops\")");
	assert_null(ctl_execute(a, &reader, "reload", args, err, sizeof(err), &code));
	assert_string_equal(code, ACD_E_PERM);
	assert_null(ctl_execute(a, &admin, "hook", args, err, sizeof(err), &code));
	assert_string_equal(code, ACD_E_PERM);
	assert_non_null(strstr(err, "needs root"));
	assert_int_equal(a->stats.requests, 3);
	json_decref(args);
	free(a);
}

/* telnet's help: the commands a person types, not monitor's stream nor
 * pppd's hook */
static void test_help(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	ctl_help(f);
	fclose(f);
	assert_non_null(strstr(buf, "  shaper set ID DOWN UP\n      override"));
	assert_non_null(strstr(buf, "  show sessions\n"));
	assert_null(strstr(buf, "monitor"));
	assert_null(strstr(buf, "hook"));
	free(buf);
}

/*
 * The socket's framing: data fed into a ctl_input `chunk` bytes a read (or
 * less, as the room allows), every event taken after each read; returns
 * the events as text: "L<len>" for a request (its first byte after a colon
 * when it is short), "X" for one refused as too long.
 */
static char *frame(const char *data, size_t n, size_t chunk)
{
	static char events[4096];
	struct ctl_input *in = calloc(1, sizeof(*in));
	size_t off = 0, used = 0;

	assert_non_null(in);
	events[0] = '\0';
	while (off < n) {
		const char *line;
		size_t room, k, len;
		char *space = ctl_input_space(in, &room);
		int ev;

		assert_true(room >= 1); /* every read finds room */
		k = n - off < chunk ? n - off : chunk;
		k = k < room ? k : room;
		memcpy(space, data + off, k);
		ctl_input_added(in, k);
		off += k;
		while ((ev = ctl_input_next(in, &line, &len)) != CTL_INPUT_MORE) {
			assert_true(used + 32 < sizeof(events));
			if (ev == CTL_INPUT_LONG) {
				used += (size_t)snprintf(events + used, sizeof(events) - used, "X ");
				continue;
			}
			assert_null(memchr(line, '\n', len));
			assert_true(len <= ACD_REQUEST_MAX);
			used += (size_t)snprintf(events + used, sizeof(events) - used, "L%zu%s%.*s ",
						 len, len && len < 8 ? ":" : "", len < 8 ? (int)len : 0,
						 line);
		}
	}
	free(in);
	if (used)
		events[used - 1] = '\0';
	return events;
}

/* a request of n bytes: n-1 'a's and a 'z' */
static size_t request_of(char *buf, size_t n)
{
	memset(buf, 'a', n);
	buf[n - 1] = 'z';
	buf[n] = '\n';
	return n + 1;
}

static void test_framing(void **state)
{
	static const size_t chunks[] = { 1, 2, 7, 100, 4096, 8192, 8193, 1 << 20 };
	static char buf[3 * (ACD_REQUEST_MAX + 2) + 64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		size_t c = chunks[i];

		/* the limit is ACD_REQUEST_MAX bytes, its newline not counted */
		n = request_of(buf, ACD_REQUEST_MAX);
		assert_string_equal(frame(buf, n, c), "L8192");
		n = request_of(buf, ACD_REQUEST_MAX + 1);
		memcpy(buf + n, "{}\n", 3);
		assert_string_equal(frame(buf, n + 3, c), "X L2:{}");
		/* one refusal however long the request; the next at once */
		n = request_of(buf, 3 * ACD_REQUEST_MAX);
		memcpy(buf + n, "ab\n\n", 4);
		assert_string_equal(frame(buf, n + 4, c), "X L2:ab L0");
		/* requests at the limit back to back, then a short one */
		n = request_of(buf, ACD_REQUEST_MAX);
		n += request_of(buf + n, ACD_REQUEST_MAX);
		memcpy(buf + n, "x\ny", 3);
		assert_string_equal(frame(buf, n + 3, c), "L8192 L8192 L1:x");
		/* no newline yet: nothing at the limit, refused once past it */
		n = request_of(buf, ACD_REQUEST_MAX) - 1;
		assert_string_equal(frame(buf, n, c), "");
		n = request_of(buf, ACD_REQUEST_MAX + 1) - 1;
		assert_string_equal(frame(buf, n, c), "X");
	}
}

/*
 * Telnet input decoded `chunk` bytes a read; returns the lines as text,
 * each in brackets, "LONG" for one over TELNET_LINE_MAX, and what a line
 * must not hold (NUL, CR, LF) escaped.
 */
static char *tn(const char *data, size_t n, size_t chunk)
{
	static char lines[8192];
	struct telnet_rx rx = { 0 };
	size_t off = 0, used = 0, i;

	lines[0] = '\0';
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk, got = 0;

		while (got < k) {
			int ev;

			got += telnet_rx(&rx, (const unsigned char *)data + off + got, k - got, &ev);
			if (ev == TELNET_RX_MORE)
				break;
			assert_true(rx.len <= TELNET_LINE_MAX && rx.line[rx.len] == '\0');
			assert_true(used + 2 * TELNET_LINE_MAX + 16 < sizeof(lines));
			if (ev == TELNET_RX_LONG) {
				used += (size_t)snprintf(lines + used, sizeof(lines) - used, "LONG ");
			} else {
				lines[used++] = '[';
				for (i = 0; i < rx.len; i++)
					if (strchr("\r\n", rx.line[i]) || !rx.line[i])
						used += (size_t)snprintf(lines + used, sizeof(lines) - used,
									 "\\x%02x", (unsigned char)rx.line[i]);
					else
						lines[used++] = rx.line[i];
				used += (size_t)snprintf(lines + used, sizeof(lines) - used, "] ");
			}
			telnet_rx_clear(&rx);
			assert_int_equal(rx.len, 0);
		}
		off += k;
	}
	if (used)
		lines[used - 1] = '\0';
	return lines;
}

static void test_telnet_lines(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *lines;
	} v[] = {
#define T(s, lines) { s, sizeof(s) - 1, lines }
		/* RFC 854 / RFC 1123 3.3.1: CR NUL and CR LF end a line;
		 * the NUL or LF is not the next line's */
		T("secret\r\0show sessions\r\0quit\r\0", "[secret] [show sessions] [quit]"),
		T("secret\r\nshow sessions\r\n", "[secret] [show sessions]"),
		/* a bare LF (nc, scripts), a bare CR */
		T("a\nb\rc\r\n", "[a] [b] [c]"),
		/* empty lines are lines; CR CR is two */
		T("\r\0\r\n\n\r\r\0", "[] [] [] [] []"),
		/* a NUL elsewhere is dropped */
		T("\0a\0b\0\n", "[ab]"),
		/* no line end: no line */
		T("partial", ""),
		/* telnet commands are taken out, also between CR and NUL */
		T("\xff\xfd\x01pw\xff\xf1\r\xff\xf1\0x\n", "[pw] [x]"),
		/* IAC SB ... IAC SE, with IAC IAC and CR inside */
		T("\xff\xfa\x18\x00xt\xff\xff\r\n\xff\xf0ok\r\n", "[ok]"),
		/* IAC IAC is the data byte 255 */
		T("a\xff\xff" "b\r\n", "[a\xff" "b]"),
		/* WILL/WONT/DO/DONT take their option byte, even a CR or IAC */
		T("\xff\xfb\ra\xff\xfc\xff" "b\r\n", "[ab]"),
	};
	static const size_t chunks[] = { 1, 2, 3, 512 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++)
			if (strcmp(tn(v[i].in, v[i].len, chunks[j]), v[i].lines) != 0)
				fail_msg("case %zu, %zu bytes a read: got \"%s\", want \"%s\"", i,
					 chunks[j], tn(v[i].in, v[i].len, chunks[j]), v[i].lines);
}

static void test_telnet_limit(void **state)
{
	static char buf[2 * TELNET_LINE_MAX + 16];
	char want[TELNET_LINE_MAX + 16];
	size_t j;

	(void)state;
	for (j = 1; j <= 512; j *= 8) {
		/* TELNET_LINE_MAX bytes, its CR NUL not counted: a line */
		memset(buf, 'x', TELNET_LINE_MAX);
		memcpy(buf + TELNET_LINE_MAX, "\r\0ok\r\0", 6);
		want[0] = '[';
		memset(want + 1, 'x', TELNET_LINE_MAX);
		snprintf(want + 1 + TELNET_LINE_MAX, sizeof(want) - 1 - TELNET_LINE_MAX, "] [ok]");
		assert_string_equal(tn(buf, TELNET_LINE_MAX + 6, j), want);
		/* one more: refused, and the next line is whole */
		memset(buf, 'x', TELNET_LINE_MAX + 1);
		memcpy(buf + TELNET_LINE_MAX + 1, "\r\0ok\r\0", 6);
		assert_string_equal(tn(buf, TELNET_LINE_MAX + 7, j), "LONG [ok]");
	}
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
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_execute_refused),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_telnet_lines),
		cmocka_unit_test(test_telnet_limit),
		cmocka_unit_test(test_log_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
