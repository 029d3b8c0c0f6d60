/* The radattr.pppN parser and loader (acd/radattr.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#include "radattr.h"

#ifndef ACD_RADIUS_DICT
#error "ACD_RADIUS_DICT (path of radius-dict/dictionary) must be defined"
#endif

/* A string literal and its length, for inputs with NULs or without. */
#define S(lit) lit, sizeof(lit) - 1

static char tmpdir[256];

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_radattr.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove our mkdtemp directory (it holds only files). */
static int teardown_tmp(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[600];

	(void)state;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(tmpdir);
}

/* Parse a C string; fail the test on error. */
static void parse_ok(const char *text, const rc_handle *rh, struct radattr_list *l)
{
	char err[256] = "";
	int rc = radattr_parse(text, strlen(text), rh, "radattr.ppp0", l, err, sizeof(err));

	if (rc != 0)
		fail_msg("parse failed: %d %s", rc, err);
}

/* Parse and expect an error code and a message containing each of the
 * given strings (NULL-terminated list). */
static void parse_bad(const char *text, size_t len, int code, ...)
{
	struct radattr_list l = { 0 };
	char err[512] = "";
	const char *want;
	va_list ap;
	int rc = radattr_parse(text, len, NULL, "radattr.ppp0", &l, err, sizeof(err));

	if (rc != code)
		fail_msg("rc %d, want %d (%s)", rc, code, err);
	assert_int_equal(l.count, 0);
	assert_null(l.attrs);
	va_start(ap, code);
	while ((want = va_arg(ap, const char *)) != NULL)
		if (!strstr(err, want))
			fail_msg("message \"%s\" lacks \"%s\"", err, want);
	va_end(ap);
}

static void test_basic(void **state)
{
	struct radattr_list l = { 0 };

	(void)state;
	parse_ok("User-Name alice\n"
		 "Framed-IP-Address 10.64.0.23\n"
		 "RP-Downstream-Speed-Limit 10240\n", NULL, &l);
	assert_int_equal(l.count, 3);
	assert_string_equal(l.attrs[0].name, "User-Name");
	assert_string_equal(l.attrs[0].value, "alice");
	assert_int_equal(l.attrs[0].len, 5);
	assert_int_equal(l.attrs[0].line, 1);
	assert_int_equal(l.attrs[0].state, RADATTR_UNRESOLVED);
	assert_int_equal(l.attrs[0].type, -1);
	assert_string_equal(l.attrs[1].value, "10.64.0.23");
	assert_string_equal(l.attrs[2].name, "RP-Downstream-Speed-Limit");
	assert_string_equal(l.attrs[2].value, "10240");
	assert_int_equal(l.attrs[2].line, 3);
	radattr_free(&l);
	assert_null(l.attrs);
	assert_int_equal(l.count, 0);
	radattr_free(&l); /* twice is fine */
	radattr_free(NULL);
}

static void test_first_space_raw_value(void **state)
{
	struct radattr_list l = { 0 };

	(void)state;
	parse_ok("Reply-Message Hello,  world \n"
		 "Class a b c\n"
		 "Filter-Id \n"
		 "Mikrotik-Rate-Limit  2M/10M\n"
		 "Reply-Message tab\there\n", NULL, &l);
	assert_int_equal(l.count, 5);
	/* spaces inside and at the end are kept */
	assert_string_equal(l.attrs[0].value, "Hello,  world ");
	assert_string_equal(l.attrs[1].name, "Class");
	assert_string_equal(l.attrs[1].value, "a b c");
	/* an empty string attribute: "Name \n" */
	assert_string_equal(l.attrs[2].value, "");
	assert_int_equal(l.attrs[2].len, 0);
	/* split at the FIRST space: the second is part of the value */
	assert_string_equal(l.attrs[3].value, " 2M/10M");
	assert_string_equal(l.attrs[4].value, "tab\there");
	radattr_free(&l);
}

static void test_octal_escapes(void **state)
{
	struct radattr_list l = { 0 };

	(void)state;
	parse_ok("Class \\001\\002ab\\377\n"
		 "Reply-Message line1\\012line2\\015\n"
		 "Reply-Message caf\\303\\251\n"
		 "Reply-Message \\134 and \\040 and \\177\n", NULL, &l);
	assert_int_equal(l.count, 4);
	assert_int_equal(l.attrs[0].len, 5);
	assert_memory_equal(l.attrs[0].value, "\001\002ab\377", 5);
	assert_string_equal(l.attrs[1].value, "line1\nline2\r");
	assert_string_equal(l.attrs[2].value, "caf\xc3\xa9");
	assert_string_equal(l.attrs[3].value, "\\ and   and \177");
	radattr_free(&l);
}

static void test_backslash_kept(void **state)
{
	struct radattr_list l = { 0 };

	(void)state;
	/* pppd does not escape backslashes: a backslash not followed by
	 * three octal digits (at most \377) is itself */
	parse_ok("User-Name DOMAIN\\alice\n"
		 "Class \\8\\9\n"
		 "Class a\\12\n"
		 "Class \\400\\777\n"
		 "Class \\\\101\n"
		 "Class end\\\n", NULL, &l);
	assert_int_equal(l.count, 6);
	assert_string_equal(l.attrs[0].value, "DOMAIN\\alice");
	assert_string_equal(l.attrs[1].value, "\\8\\9");
	assert_string_equal(l.attrs[2].value, "a\\12");
	assert_string_equal(l.attrs[3].value, "\\400\\777");
	assert_string_equal(l.attrs[4].value, "\\A"); /* "\\" then "\101" */
	assert_string_equal(l.attrs[5].value, "end\\");
	radattr_free(&l);
}

static void test_repeated_in_order(void **state)
{
	struct radattr_list l = { 0 };
	const struct radattr *a;
	const char *want[] = { "one", "two", "three" };
	int n = 0;

	(void)state;
	parse_ok("Class one\n"
		 "Framed-Route 10.1.0.0/24 0.0.0.0 1\n"
		 "class two\n"
		 "Framed-Route 10.2.0.0/24 0.0.0.0 1\n"
		 "CLASS three\n", NULL, &l);
	assert_int_equal(l.count, 5);
	for (a = radattr_find(&l, "Class", NULL); a; a = radattr_find(&l, "Class", a)) {
		assert_true(n < 3);
		assert_string_equal(a->value, want[n]);
		n++;
	}
	assert_int_equal(n, 3);
	a = radattr_find(&l, "Framed-Route", NULL);
	assert_non_null(a);
	assert_int_equal(a->line, 2);
	a = radattr_find(&l, "Framed-Route", a);
	assert_non_null(a);
	assert_string_equal(a->value, "10.2.0.0/24 0.0.0.0 1");
	assert_null(radattr_find(&l, "Framed-Route", a));
	assert_null(radattr_find(&l, "Filter-Id", NULL));
	assert_null(radattr_find(NULL, "Class", NULL));
	radattr_free(&l);
}

static void test_blank_lines_and_eof(void **state)
{
	struct radattr_list l = { 0 };

	(void)state;
	parse_ok("\n"
		 "User-Name bob\n"
		 "   \n"
		 "\t\r\n"
		 "\n"
		 "Session-Timeout 3600", NULL, &l); /* no final newline */
	assert_int_equal(l.count, 2);
	assert_int_equal(l.attrs[0].line, 2);
	assert_string_equal(l.attrs[1].value, "3600");
	assert_int_equal(l.attrs[1].line, 6);
	radattr_free(&l);

	/* an empty file (pppd writes one when the reply had no attributes) */
	parse_ok("", NULL, &l);
	assert_int_equal(l.count, 0);
	radattr_free(&l);
	assert_int_equal(radattr_parse(NULL, 0, NULL, NULL, &l, NULL, 0), 0);

	/* a CR is data, not line end (pppd writes \015 for one) */
	parse_ok("Filter-Id 10240/2048\r\n", NULL, &l);
	assert_string_equal(l.attrs[0].value, "10240/2048\r");
	radattr_free(&l);
}

static void test_line_errors(void **state)
{
	const char nul[] = "User-Name a\nClass x\0y\n";

	(void)state;
	parse_bad(S("User-Name alice\nGarbageLine\n"), -EBADMSG,
		  "radattr.ppp0:2:", "\"GarbageLine\"", "no space", NULL);
	parse_bad(S("User-Name alice\n\n  leading space\n"), -EBADMSG,
		  "radattr.ppp0:3:", "no attribute name", "\"  leading space\"", NULL);
	parse_bad(S(" x\n"), -EBADMSG, "radattr.ppp0:1:", NULL);
	parse_bad(nul, sizeof(nul) - 1, -EBADMSG, "radattr.ppp0:2:", "NUL", NULL);
	parse_bad(S("Class a\\000b\n"), -EBADMSG, ":1:", "Class", "\\000", NULL);
	parse_bad(S("Bad\001Name x\n"), -EBADMSG, ":1:", "Bad\\001Name", "printable", NULL);
	parse_bad(S("Bad\tName x\n"), -EBADMSG, ":1:", "Bad\\011Name", NULL);
	/* a message quotes non-printables escaped, never raw */
	parse_bad(S("A\033[2J\n"), -EBADMSG, "A\\033[2J", NULL);
}

static void test_origin_default(void **state)
{
	struct radattr_list l = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(radattr_parse("x\n", 2, NULL, NULL, &l, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "radattr:1:"));
	assert_int_equal(radattr_parse("x\n", 2, NULL, NULL, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(radattr_parse(NULL, 3, NULL, NULL, &l, err, sizeof(err)), -EINVAL);
	/* a NULL error buffer is allowed */
	assert_int_equal(radattr_parse("x\n", 2, NULL, NULL, &l, NULL, 0), -EBADMSG);
}

static void test_limits(void **state)
{
	struct radattr_list l = { 0 };
	char name[RADATTR_NAME_MAX + 2];
	char *buf = malloc(RADATTR_MAX_BYTES + 16);
	char err[256];
	size_t i, n;

	(void)state;
	assert_non_null(buf);

	/* a name of exactly 32 characters is fine, 33 is not */
	memset(name, 'N', sizeof(name));
	name[RADATTR_NAME_MAX] = '\0';
	n = (size_t)snprintf(buf, 64, "%s v\n", name);
	assert_int_equal(radattr_parse(buf, n, NULL, NULL, &l, err, sizeof(err)), 0);
	radattr_free(&l);
	name[RADATTR_NAME_MAX] = 'N';
	name[RADATTR_NAME_MAX + 1] = '\0';
	n = (size_t)snprintf(buf, 64, "%s v\n", name);
	parse_bad(buf, n, -E2BIG, "longer than 32", NULL);

	/* a value of RADATTR_VALUE_MAX characters is fine, one more is not */
	memcpy(buf, "Class ", 6);
	memset(buf + 6, 'v', RADATTR_VALUE_MAX);
	buf[6 + RADATTR_VALUE_MAX] = '\n';
	assert_int_equal(radattr_parse(buf, 7 + RADATTR_VALUE_MAX, NULL, NULL, &l, err, sizeof(err)), 0);
	assert_int_equal(l.attrs[0].len, RADATTR_VALUE_MAX);
	radattr_free(&l);
	buf[6 + RADATTR_VALUE_MAX] = 'v';
	buf[7 + RADATTR_VALUE_MAX] = '\n';
	parse_bad(buf, 8 + RADATTR_VALUE_MAX, -E2BIG, ":1:", "Class", "1025 characters", NULL);

	/* the longest legitimate value: 253 bytes, all escaped */
	memcpy(buf, "Class ", 6);
	for (i = 0; i < 253; i++)
		memcpy(buf + 6 + 4 * i, "\\377", 4);
	buf[6 + 4 * 253] = '\n';
	assert_int_equal(radattr_parse(buf, 7 + 4 * 253, NULL, NULL, &l, err, sizeof(err)), 0);
	assert_int_equal(l.attrs[0].len, 253);
	radattr_free(&l);

	/* RADATTR_MAX_LINES lines are fine, one more is not */
	for (i = 0, n = 0; i < RADATTR_MAX_LINES; i++)
		n += (size_t)sprintf(buf + n, "A %zu\n", i);
	assert_int_equal(radattr_parse(buf, n, NULL, NULL, &l, err, sizeof(err)), 0);
	assert_int_equal(l.count, RADATTR_MAX_LINES);
	assert_string_equal(l.attrs[RADATTR_MAX_LINES - 1].value, "2047");
	assert_int_equal(l.attrs[RADATTR_MAX_LINES - 1].line, RADATTR_MAX_LINES);
	radattr_free(&l);
	n += (size_t)sprintf(buf + n, "\n");
	parse_bad(buf, n, -E2BIG, ":2049:", "more than 2048 lines", NULL);

	/* bytes */
	memset(buf, '\n', RADATTR_MAX_BYTES + 1);
	parse_bad(buf, RADATTR_MAX_BYTES + 1, -EFBIG, "131073 bytes", NULL);
	free(buf);
}

static void test_dictionary(void **state)
{
	struct radattr_list l = { 0 };
	rc_handle *rh = NULL;
	char err[512];

	(void)state;
	if (radattr_dict_open(ACD_RADIUS_DICT, &rh, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	parse_ok("User-Name alice\n"
		 "rp-downstream-speed-limit 10240\n"
		 "Mikrotik-Rate-Limit 2M/10M\n"
		 "WISPr-Bandwidth-Max-Up 1000000\n"
		 "X-Vendor-Thing 42\n"
		 "Framed-IP-Address 10.0.0.1\n", rh, &l);
	assert_int_equal(l.count, 6);
	assert_int_equal(l.attrs[0].state, RADATTR_KNOWN);
	assert_int_equal(l.attrs[0].vendor, 0);
	assert_int_equal(l.attrs[0].number, 1);
	assert_int_equal(l.attrs[0].type, PW_TYPE_STRING);
	/* case-insensitive like radcli; the name stays as written */
	assert_int_equal(l.attrs[1].state, RADATTR_KNOWN);
	assert_string_equal(l.attrs[1].name, "rp-downstream-speed-limit");
	assert_int_equal(l.attrs[1].vendor, 10055);
	assert_int_equal(l.attrs[1].number, 2);
	assert_int_equal(l.attrs[1].type, PW_TYPE_INTEGER);
	assert_int_equal(l.attrs[2].vendor, 14988);
	assert_int_equal(l.attrs[2].number, 8);
	assert_int_equal(l.attrs[2].type, PW_TYPE_STRING);
	assert_int_equal(l.attrs[3].vendor, 14122);
	assert_int_equal(l.attrs[3].number, 7);
	/* unknown: kept, flagged */
	assert_int_equal(l.attrs[4].state, RADATTR_UNKNOWN);
	assert_string_equal(l.attrs[4].value, "42");
	assert_int_equal(l.attrs[4].type, -1);
	assert_int_equal(l.attrs[5].type, PW_TYPE_IPADDR);
	radattr_free(&l);

	/* radattr_add resolves the same way */
	assert_int_equal(radattr_add(&l, rh, "Filter-Id", "10240/2048", 10, 7), 0);
	assert_int_equal(radattr_add(&l, rh, "Nope", "", 0, 8), 0);
	assert_int_equal(l.attrs[0].state, RADATTR_KNOWN);
	assert_int_equal(l.attrs[0].number, 11);
	assert_int_equal(l.attrs[0].line, 7);
	assert_int_equal(l.attrs[1].state, RADATTR_UNKNOWN);
	radattr_free(&l);
	rc_destroy(rh);
}

static void test_dict_open_errors(void **state)
{
	rc_handle *rh = (rc_handle *)1;
	char err[512], path[300];
	FILE *f;

	(void)state;
	assert_int_equal(radattr_dict_open("/nonexistent/dictionary", &rh, err, sizeof(err)), -ENOENT);
	assert_null(rh);
	assert_non_null(strstr(err, "/nonexistent/dictionary"));
	assert_non_null(strstr(err, "No such file"));

	snprintf(path, sizeof(path), "%s/bad-dictionary", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("ATTRIBUTE Foo 1 octets\n", f); /* radcli has no octets */
	fclose(f);
	assert_int_equal(radattr_dict_open(path, &rh, err, sizeof(err)), -EBADMSG);
	assert_null(rh);
	assert_non_null(strstr(err, path));
}

/* As pppd writes it: 0644 whatever our umask (a group-writable file is
 * refused, and a umask of 002 is common for users). */
static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fchmod(fileno(f), 0644), 0);
	assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
	static const char text[] =
		"Service-Type Framed-User\n"
		"Framed-Protocol PPP\n"
		"Framed-IP-Address 10.64.0.23\n"
		"Class \\001\\377acct-7\n"
		"RP-Upstream-Speed-Limit 2048\n"
		"RP-Downstream-Speed-Limit 10240\n";
	struct radattr_list l = { 0 };
	char path[300], err[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/radattr.ppp0", tmpdir);
	write_file(path, text, sizeof(text) - 1);
	if (radattr_load(path, NULL, &l, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.count, 6);
	assert_string_equal(l.attrs[1].value, "PPP");
	assert_memory_equal(l.attrs[3].value, "\001\377acct-7", 8);
	assert_string_equal(l.attrs[5].value, "10240");
	radattr_free(&l);

	/* errors name the path and the line */
	write_file(path, "User-Name a\nbroken\n", 19);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "radattr.ppp0:2:"));
	assert_int_equal(l.count, 0);
}

static void test_load_refuses(void **state)
{
	struct radattr_list l = { 0 };
	char path[300], err[512];
	char *big;

	(void)state;
	snprintf(path, sizeof(path), "%s/radattr.ppp9", tmpdir);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot open"));

	assert_int_equal(radattr_load(tmpdir, NULL, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, tmpdir));
	assert_non_null(strstr(err, "a directory"));

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* must not block waiting for a writer */
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "a FIFO"));

	assert_int_equal(radattr_load("/dev/null", NULL, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/dev/null: a character device"));

	snprintf(path, sizeof(path), "%s/radattr.big", tmpdir);
	big = malloc(RADATTR_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, '\n', RADATTR_MAX_BYTES + 1);
	write_file(path, big, RADATTR_MAX_BYTES + 1);
	free(big);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "131073 bytes"));

	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/radattr.secret", tmpdir);
		write_file(path, "A b\n", 4);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EACCES);
		assert_non_null(strstr(err, "Permission denied"));
	}
	assert_int_equal(radattr_load(NULL, NULL, &l, err, sizeof(err)), -EINVAL);
}

/* What an /etc/shadow line looks like; it must never reach a message. */
#define SECRET_LINE "root:$y$j9T$SECRETsaltSECRET$SECREThashSECRET:19700:0:99999:7:::\n"

/* A symbolic link is not followed: neither to a secret (whose content must
 * appear nowhere), nor to a well-formed rates file elsewhere. */
static void test_load_symlink(void **state)
{
	struct radattr_list l = { 0 };
	char link_path[300], target[300], err[512];

	(void)state;
	snprintf(target, sizeof(target), "%s/shadow", tmpdir);
	write_file(target, S(SECRET_LINE));
	assert_int_equal(chmod(target, 0600), 0);
	snprintf(link_path, sizeof(link_path), "%s/radattr.ppp0", tmpdir);
	unlink(link_path);
	assert_int_equal(symlink(target, link_path), 0);
	memset(err, 0, sizeof(err));
	assert_int_equal(radattr_load(link_path, NULL, &l, err, sizeof(err)), -ELOOP);
	assert_int_equal(l.count, 0);
	assert_null(l.attrs);
	if (!strstr(err, link_path) || !strstr(err, "symbolic link") || !strstr(err, "not followed"))
		fail_msg("the message should name the path and say it is a link: \"%s\"", err);
	/* nothing of the target: not its text, not even a cut of it */
	assert_null(strstr(err, "SECRET"));
	assert_null(strstr(err, "root:"));
	assert_null(strstr(err, "19700"));
	/* the whole buffer, not only up to the NUL */
	assert_null(memmem(err, sizeof(err), "SECRET", 6));

	/* a link to a good rates file is not applied either */
	snprintf(target, sizeof(target), "%s/rates", tmpdir);
	write_file(target, S("RP-Downstream-Speed-Limit 10240\n"));
	unlink(link_path);
	assert_int_equal(symlink(target, link_path), 0);
	assert_int_equal(radattr_load(link_path, NULL, &l, err, sizeof(err)), -ELOOP);
	assert_int_equal(l.count, 0);
	/* a dangling link: still a link, not "no such file" */
	unlink(link_path);
	assert_int_equal(symlink("/nonexistent/acd-test", link_path), 0);
	assert_int_equal(radattr_load(link_path, NULL, &l, err, sizeof(err)), -ELOOP);
	unlink(link_path);
	assert_string_equal(radattr_strerror(-ELOOP), "a symbolic link (not followed)");
}

/* A FIFO is refused at once, not waited on (a writer would feed us). */
static void test_load_fifo(void **state)
{
	struct radattr_list l = { 0 };
	char path[300], err[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/radattr.fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "a FIFO, not a radattr file"));
	unlink(path);
}

/* A file anyone but its owner may rewrite is not pppd's. */
static void test_load_writable(void **state)
{
	static const mode_t bad[] = { 0664, 0646, 0666, 0620, 0602, 0777 };
	struct radattr_list l = { 0 };
	char path[300], err[512];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/radattr.ppp4", tmpdir);
	write_file(path, S("User-Name mallory\nRP-Downstream-Speed-Limit 10240\n"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EPERM);
		assert_int_equal(l.count, 0);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "write it"));
		assert_null(strstr(err, "mallory"));
	}
	assert_non_null(strstr(err, "mode 777 lets anyone write it"));
	assert_int_equal(chmod(path, 0664), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "mode 664 lets its group write it"));
	/* what pppd writes: 0644 (its umask is at least 022) or 0600 */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 2);
	radattr_free(&l);
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), 0);
	radattr_free(&l);
	unlink(path);
}

/* A file of another user is not pppd's (root's), nor acd's own. */
static void test_load_owner(void **state)
{
	struct radattr_list l = { 0 };
	char path[300], err[512];

	(void)state;
	if (geteuid() != 0) {
		/* visible in the output, counted as skipped */
		print_message("test_load_owner: skipped: chown to nobody needs root (uid %u)\n",
			      (unsigned)geteuid());
		skip();
	}
	snprintf(path, sizeof(path), "%s/radattr.ppp5", tmpdir);
	write_file(path, S("User-Name mallory\nRP-Downstream-Speed-Limit 10240\n"));
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), -EPERM);
	assert_int_equal(l.count, 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "owned by uid 65534, not by root"));
	assert_null(strstr(err, "mallory"));
	/* root's own: read */
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(radattr_load(path, NULL, &l, err, sizeof(err)), 0);
	assert_int_equal(l.count, 2);
	radattr_free(&l);
	unlink(path);
}

/* radattr_read_untrusted: the bound is the caller's, the text is whole. */
static void test_read_untrusted(void **state)
{
	char path[300], err[512], *buf = NULL;
	size_t len = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/ppp0.pid", tmpdir);
	write_file(path, S("4242\n"));
	assert_int_equal(radattr_read_untrusted(path, "pid file", 64, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 5);
	assert_string_equal(buf, "4242\n");
	free(buf);
	write_file(path, S("42424242424242424242\n"));
	assert_int_equal(radattr_read_untrusted(path, "pid file", 16, &buf, &len, err, sizeof(err)),
			 -EFBIG);
	assert_null(buf);
	assert_non_null(strstr(err, "21 bytes, more than the 16 a pid file may have"));
	unlink(path);
}

/* Quoting outside input into messages: short, and nothing raw that could
 * end the quotes, fake an escape or start a log line. */
static void test_quote(void **state)
{
	char out[RADATTR_QUOTE_SIZE], in[200];
	size_t n, i;

	(void)state;
	n = radattr_quote("a \"b\" \\c\n\r\001\177\377", 13, out, sizeof(out));
	assert_string_equal(out, "a \\042b\\042 \\134c\\012\\015\\001\\177\\377");
	assert_int_equal(n, strlen(out));
	/* a log line "key=value" cannot be faked inside quotes */
	radattr_quote("x\" user=root \"", 14, out, sizeof(out));
	assert_null(strchr(out, '"'));
	/* at most RADATTR_QUOTE_MAX bytes of input, then "..." */
	memset(in, 'x', sizeof(in));
	radattr_quote(in, RADATTR_QUOTE_MAX, out, sizeof(out));
	assert_int_equal(strlen(out), RADATTR_QUOTE_MAX);
	radattr_quote(in, RADATTR_QUOTE_MAX + 1, out, sizeof(out));
	assert_int_equal(strlen(out), RADATTR_QUOTE_MAX + 3);
	assert_string_equal(out + RADATTR_QUOTE_MAX, "...");
	/* every byte escaped: the largest quote fits RADATTR_QUOTE_SIZE */
	memset(in, '\n', sizeof(in));
	n = radattr_quote(in, sizeof(in), out, sizeof(out));
	assert_int_equal(n, 4 * RADATTR_QUOTE_MAX + 3);
	assert_int_equal(n + 1, RADATTR_QUOTE_SIZE);
	/* a small buffer cuts between escapes, never inside one */
	radattr_quote("\001\002\003", 3, out, 8);
	assert_string_equal(out, "\\001...");
	radattr_quote("abc", 3, out, 4);
	assert_string_equal(out, "abc");
	radattr_quote("abcd", 4, out, 4);
	assert_string_equal(out, "...");
	assert_int_equal(radattr_quote("abc", 3, out, 0), 0);
	radattr_quote(NULL, 5, out, sizeof(out));
	assert_string_equal(out, "");
	/* printable ASCII stays as it is, but for '"' and '\\' */
	for (i = 0; i < 95; i++)
		in[i] = (char)(0x20 + i);
	n = radattr_quote(in, 95, out, sizeof(out));
	assert_int_equal(n, RADATTR_QUOTE_MAX + 2 * 3 + 3); /* 0x20..0x5f: both in it */
	assert_memory_equal(out, " !\\042#$", 8);
	assert_non_null(strstr(out, "[\\134]^_..."));
}

/* Parse errors quote at most RADATTR_QUOTE_MAX bytes of the line, escaped. */
static void test_error_quotes_short(void **state)
{
	char line[300], err[512];
	struct radattr_list l = { 0 };
	size_t n;

	(void)state;
	/* a shadow-like line: no space, a quote and a backslash in it */
	n = (size_t)snprintf(line, sizeof(line), "root:\"\\%s\n", "0123456789abcdefghij"
			     "0123456789abcdefghij0123456789abcdefghij0123456789TAILTAILTAIL");
	assert_int_equal(radattr_parse(line, n, NULL, "r", &l, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "\"root:\\042\\134012345"));
	assert_non_null(strstr(err, "...\": no space"));
	assert_null(strstr(err, "TAIL"));
	/* one raw '"' in all: the message's own opening and closing ones */
	assert_ptr_equal(strchr(err, '"'), strstr(err, "\"root"));
	assert_ptr_equal(strrchr(err, '"'), strstr(err, "\": no space"));
}

/* PPPD_PID and pid files: decimal digits only, 2..INT32_MAX. */
static void test_parse_pid(void **state)
{
	static const char *const bad[] = { "-1", "1 2", "4294967297", "99999999999", "",
					   "12abc", "0", "1", "+5", " 5", "5 ", "5\n", "0x10",
					   "2147483648", "1e3", "\331\243" };
	pid_t pid = 77;
	size_t i;

	(void)state;
	assert_int_equal(radattr_parse_pid(S("2"), &pid), 0);
	assert_int_equal(pid, 2);
	assert_int_equal(radattr_parse_pid(S("4242"), &pid), 0);
	assert_int_equal(pid, 4242);
	assert_int_equal(radattr_parse_pid(S("2147483647"), &pid), 0);
	assert_int_equal(pid, 2147483647);
	assert_int_equal(radattr_parse_pid(S("0004242"), &pid), 0);
	assert_int_equal(pid, 4242);
	/* only len bytes are read */
	assert_int_equal(radattr_parse_pid("4242\nppp0\n", 4, &pid), 0);
	assert_int_equal(pid, 4242);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid = 77;
		if (radattr_parse_pid(bad[i], strlen(bad[i]), &pid) == 0)
			fail_msg("\"%s\" was taken as pid %d", bad[i], (int)pid);
		assert_int_equal(pid, 77);
	}
	assert_int_equal(radattr_parse_pid(S("-1"), &pid), -EINVAL);
	assert_int_equal(radattr_parse_pid(S("1"), &pid), -ERANGE);
	assert_int_equal(radattr_parse_pid(S("4294967297"), &pid), -ERANGE);
	assert_int_equal(radattr_parse_pid(NULL, 0, &pid), -EINVAL);
}

static void test_escape(void **state)
{
	struct radattr_list l = { 0 };
	char out[64], line[128], err[256];
	size_t n;

	(void)state;
	n = radattr_escape("a b\n\001\377", 6, out, sizeof(out));
	assert_string_equal(out, "a b\\012\\001\\377");
	assert_int_equal(n, strlen(out));
	/* a backslash is escaped only where it would read as \ooo */
	radattr_escape("x\\y \\101 \\9", 11, out, sizeof(out));
	assert_string_equal(out, "x\\y \\134101 \\9");
	/* ... so that the escaped text parses back to the value */
	snprintf(line, sizeof(line), "Class %s\n", out);
	assert_int_equal(radattr_parse(line, strlen(line), NULL, NULL, &l, err, sizeof(err)), 0);
	assert_string_equal(l.attrs[0].value, "x\\y \\101 \\9");
	radattr_free(&l);

	/* truncation ends in "..." and never overflows */
	n = radattr_escape("abcdefghij", 10, out, 8);
	assert_string_equal(out, "abcd...");
	assert_int_equal(n, 7);
	radattr_escape("\001\002\003", 3, out, 8);
	assert_string_equal(out, "\\001...");
	radattr_escape("abcdefg", 7, out, 8); /* exactly fits */
	assert_string_equal(out, "abcdefg");
	radattr_escape("abc", 3, out, 2);
	assert_string_equal(out, ".");
	assert_int_equal(radattr_escape("abc", 3, out, 0), 0);
	radattr_escape(NULL, 5, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_add_errors(void **state)
{
	struct radattr_list l = { 0 };
	char big[RADATTR_VALUE_MAX + 1];

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(radattr_add(&l, NULL, "", "v", 1, 1), -EINVAL);
	assert_int_equal(radattr_add(&l, NULL, "Has Space", "v", 1, 1), -EINVAL);
	assert_int_equal(radattr_add(&l, NULL, "ThisNameIsLongerThanThirtyTwoChars", "v", 1, 1), -EINVAL);
	assert_int_equal(radattr_add(&l, NULL, "Class", "a\0b", 3, 1), -EINVAL);
	assert_int_equal(radattr_add(&l, NULL, "Class", big, sizeof(big), 1), -EINVAL);
	assert_int_equal(radattr_add(&l, NULL, "Class", NULL, 1, 1), -EINVAL);
	assert_int_equal(radattr_add(NULL, NULL, "Class", "v", 1, 1), -EINVAL);
	assert_int_equal(l.count, 0);
	assert_int_equal(radattr_add(&l, NULL, "Class", big, RADATTR_VALUE_MAX, 1), 0);
	assert_int_equal(radattr_add(&l, NULL, "Class", NULL, 0, 2), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.attrs[1].value, "");
	radattr_free(&l);
}

static void test_many_attrs_grow(void **state)
{
	struct radattr_list l = { 0 };
	char v[16];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(v, sizeof(v), "%d", i);
		assert_int_equal(radattr_add(&l, NULL, "Class", v, strlen(v), (unsigned)i + 1), 0);
	}
	assert_int_equal(l.count, 1000);
	assert_string_equal(l.attrs[999].value, "999");
	radattr_free(&l);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(radattr_strerror(-EBADMSG), "malformed radattr line");
	assert_string_equal(radattr_strerror(EFBIG), "radattr file too large");
	assert_string_equal(radattr_strerror(-E2BIG), "radattr line, name or value over its limit");
	assert_string_equal(radattr_strerror(0), "success");
	assert_non_null(radattr_strerror(-ENOENT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_first_space_raw_value),
		cmocka_unit_test(test_octal_escapes),
		cmocka_unit_test(test_backslash_kept),
		cmocka_unit_test(test_repeated_in_order),
		cmocka_unit_test(test_blank_lines_and_eof),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_origin_default),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_dictionary),
		cmocka_unit_test(test_dict_open_errors),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_refuses),
		cmocka_unit_test(test_load_symlink),
		cmocka_unit_test(test_load_fifo),
		cmocka_unit_test(test_load_writable),
		cmocka_unit_test(test_load_owner),
		cmocka_unit_test(test_read_untrusted),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_error_quotes_short),
		cmocka_unit_test(test_parse_pid),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_many_attrs_grow),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
