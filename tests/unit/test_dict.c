/*
 * radius-dict/: every file loads with radcli 1.2.11, the attributes acd
 * relies on resolve to the right vendor/number/type, and every file keeps
 * to the syntax pppd 2.4.9's radiusclient reads the same way (so the names
 * radattr.so writes are the names acd looks up).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>
#include <radcli/radcli.h>

#ifndef ACD_RADIUS_DICT_DIR
#error "ACD_RADIUS_DICT_DIR (the radius-dict source directory) must be defined"
#endif
#ifndef ACD_RADIUS_DICT_PPPD
#error "ACD_RADIUS_DICT_PPPD (the generated dictionary.pppd) must be defined"
#endif

#define MAX_FILES 32
#define MAX_DEFS  1024

/* What the dictionary files define, read by our own (pppd-rules) reader. */
struct def {
	char file[64];
	unsigned line;
	char name[64];
	unsigned number;
	char type[64];
	char vendor[64]; /* "" for standard */
};

struct vendor_def {
	char name[64];
	unsigned pec;
};

static char files[MAX_FILES][64];
static size_t nfiles;
static struct def defs[MAX_DEFS];
static size_t ndefs;
static struct vendor_def vendors[64];
static size_t nvendors;

/* The sequence acd uses (design.md): rc_new, rc_config_init,
 * rc_add_config, rc_apply_config, rc_read_dictionary. */
static rc_handle *load(const char *path, int *rc)
{
	rc_handle *rh = rc_new();

	assert_non_null(rh);
	rh = rc_config_init(rh);
	assert_non_null(rh);
	assert_int_equal(rc_add_config(rh, "dictionary", path, "test_dict", 0), 0);
	assert_int_equal(rc_apply_config(rh), 0);
	*rc = rc_read_dictionary(rh, rc_conf_str(rh, "dictionary"));
	return rh;
}

static rc_handle *load_ok(const char *path)
{
	int rc;
	rc_handle *rh = load(path, &rc);

	if (rc != 0)
		fail_msg("radcli cannot load %s (its reason is on stderr above)", path);
	return rh;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int setup(void **state)
{
	DIR *d = opendir(ACD_RADIUS_DICT_DIR);
	struct dirent *e;

	(void)state;
	/* radcli reports to syslog only; copy it to stderr for the test log */
	openlog("test_dict", LOG_PERROR, LOG_USER);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "CMakeLists.txt") == 0)
			continue;
		if (nfiles == MAX_FILES || strlen(e->d_name) >= sizeof(files[0]))
			return -1;
		memcpy(files[nfiles++], e->d_name, strlen(e->d_name) + 1);
	}
	closedir(d);
	qsort(files, nfiles, sizeof(files[0]), cmp_str);
	return nfiles ? 0 : -1;
}

/* Copy a string that must fit (the test fails if it does not). */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		fail_msg("\"%s\" is too long for this test (%zu >= %zu)", src, n, len);
	memcpy(dst, src, n + 1);
}

static void path_of(const char *file, char *out, size_t len)
{
	size_t d = strlen(ACD_RADIUS_DICT_DIR);

	copy(out, len, ACD_RADIUS_DICT_DIR);
	if (d + 1 >= len)
		fail_msg("path too long");
	out[d] = '/';
	copy(out + d + 1, len - d - 1, file);
}

/* Every file of radius-dict/, alone, loads. */
static void test_every_file_loads(void **state)
{
	char path[512];
	size_t i;

	(void)state;
	assert_true(nfiles >= 6);
	for (i = 0; i < nfiles; i++) {
		rc_handle *rh;

		path_of(files[i], path, sizeof(path));
		rh = load_ok(path);
		rc_destroy(rh);
	}
}

static const char *const pppd_types[] = { "string", "integer", "ipaddr", "ipv6addr",
					  "ipv6prefix" };

static bool type_ok(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(pppd_types) / sizeof(pppd_types[0]); i++)
		if (strcmp(t, pppd_types[i]) == 0)
			return true;
	return false;
}

static const struct vendor_def *find_vendor(const char *name)
{
	size_t i;

	for (i = 0; i < nvendors; i++)
		if (strcmp(vendors[i].name, name) == 0)
			return &vendors[i];
	return NULL;
}

/*
 * Read a file with the rules both parsers share and fail on anything they
 * would read differently (see radius-dict/dictionary): keywords at column
 * 1, no trailing comments, no BEGIN-VENDOR, the common types, names of at
 * most 32 characters, lines under 256 bytes.
 */
static void lint_file(const char *file)
{
	char path[512], buf[1024];
	unsigned line = 0;
	FILE *f;

	path_of(file, path, sizeof(path));
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		char kw[64], a[64], b[64], c[64], d[64], extra[64];
		size_t len = strlen(buf);
		int n;

		line++;
		if (len >= 255)
			fail_msg("%s:%u: line of %zu bytes (both parsers read 255 at a time)",
				 file, line, len);
		if (buf[0] == '#' || buf[0] == '\n')
			continue;
		if (isspace((unsigned char)buf[0]))
			fail_msg("%s:%u: indented line (both parsers skip it silently)", file, line);
		if (strchr(buf, '#'))
			fail_msg("%s:%u: trailing comment (pppd does not strip it)", file, line);
		if (strncmp(buf, "BEGIN-VENDOR", 12) == 0 || strncmp(buf, "END-VENDOR", 10) == 0)
			fail_msg("%s:%u: %s (pppd ignores it: use the fifth field)", file, line, buf);
		n = sscanf(buf, "%63s %63s %63s %63s %63s %63s", kw, a, b, c, d, extra);
		if (strcmp(kw, "ATTRIBUTE") == 0) {
			struct def *df;

			if (n != 4 && n != 5)
				fail_msg("%s:%u: ATTRIBUTE needs 4 or 5 fields", file, line);
			if (strlen(a) > NAME_LENGTH)
				fail_msg("%s:%u: name %s longer than %d", file, line, a, NAME_LENGTH);
			if (!type_ok(c))
				fail_msg("%s:%u: type %s (use string, integer, ipaddr, ipv6addr, ipv6prefix)",
					 file, line, c);
			if (!isdigit((unsigned char)b[0]))
				fail_msg("%s:%u: number %s", file, line, b);
			if (n == 5 && !find_vendor(d))
				fail_msg("%s:%u: vendor %s not defined before", file, line, d);
			assert_true(ndefs < MAX_DEFS);
			df = &defs[ndefs++];
			copy(df->file, sizeof(df->file), file);
			df->line = line;
			copy(df->name, sizeof(df->name), a);
			df->number = (unsigned)atoi(b);
			copy(df->type, sizeof(df->type), c);
			copy(df->vendor, sizeof(df->vendor), n == 5 ? d : "");
			if (df->number < 1 || df->number > 255)
				fail_msg("%s:%u: attribute number %u not in 1..255", file, line, df->number);
		} else if (strcmp(kw, "VALUE") == 0) {
			if (n != 4 || strlen(a) > NAME_LENGTH || strlen(b) > NAME_LENGTH ||
			    !isdigit((unsigned char)c[0]))
				fail_msg("%s:%u: VALUE attribute name number (names <= %d)", file,
					 line, NAME_LENGTH);
		} else if (strcmp(kw, "VENDOR") == 0) {
			if (n != 3 || strlen(a) > NAME_LENGTH || !isdigit((unsigned char)b[0]))
				fail_msg("%s:%u: VENDOR name number", file, line);
			if (!find_vendor(a)) {
				assert_true(nvendors < 64);
				copy(vendors[nvendors].name, sizeof(vendors[0].name), a);
				vendors[nvendors++].pec = (unsigned)atoi(b);
			}
		} else if (strcmp(kw, "$INCLUDE") == 0) {
			if (n != 2 || a[0] == '/')
				fail_msg("%s:%u: $INCLUDE takes one relative file name", file, line);
		} else {
			fail_msg("%s:%u: keyword %s (use ATTRIBUTE, VALUE, VENDOR, $INCLUDE)",
				 file, line, kw);
		}
	}
	fclose(f);
}

/* Names and numbers are unique across all files, and the top dictionary
 * (which $INCLUDEs the rest) resolves each exactly as its file says. */
static void test_portable_syntax_and_consistency(void **state)
{
	char path[512];
	rc_handle *rh;
	size_t i, j;

	(void)state;
	ndefs = 0;
	nvendors = 0;
	for (i = 0; i < nfiles; i++)
		lint_file(files[i]);
	assert_true(ndefs > 100);
	for (i = 0; i < ndefs; i++) {
		for (j = 0; j < i; j++) {
			if (strcasecmp(defs[i].name, defs[j].name) == 0)
				fail_msg("%s:%u: %s already defined at %s:%u", defs[i].file,
					 defs[i].line, defs[i].name, defs[j].file, defs[j].line);
			if (defs[i].number == defs[j].number &&
			    strcmp(defs[i].vendor, defs[j].vendor) == 0)
				fail_msg("%s:%u: %s has the number of %s (%s:%u)", defs[i].file,
					 defs[i].line, defs[i].name, defs[j].name, defs[j].file,
					 defs[j].line);
		}
	}
	path_of("dictionary", path, sizeof(path));
	rh = load_ok(path);
	for (i = 0; i < ndefs; i++) {
		DICT_ATTR *a = rc_dict_findattr(rh, defs[i].name);
		unsigned pec = 0;

		if (!a)
			fail_msg("%s:%u: %s missing from the top dictionary (not $INCLUDEd?)",
				 defs[i].file, defs[i].line, defs[i].name);
		if (defs[i].vendor[0])
			pec = find_vendor(defs[i].vendor)->pec;
		assert_int_equal(VENDOR((unsigned)a->value), pec);
		assert_int_equal(ATTRID((unsigned)a->value), defs[i].number);
	}
	rc_destroy(rh);
}

/* The attributes acd reads, and those pppd's radius.so needs. */
static void test_key_attributes(void **state)
{
	static const struct {
		const char *name;
		unsigned vendor, number;
		rc_attr_type type;
	} key[] = {
		{ "User-Name", 0, 1, PW_TYPE_STRING },
		{ "User-Password", 0, 2, PW_TYPE_STRING },
		{ "NAS-IP-Address", 0, 4, PW_TYPE_IPADDR },
		{ "NAS-Port", 0, 5, PW_TYPE_INTEGER },
		{ "Service-Type", 0, 6, PW_TYPE_INTEGER },
		{ "Framed-IP-Address", 0, 8, PW_TYPE_IPADDR },
		{ "Filter-Id", 0, 11, PW_TYPE_STRING },
		{ "Class", 0, 25, PW_TYPE_STRING },
		{ "Session-Timeout", 0, 27, PW_TYPE_INTEGER },
		{ "Idle-Timeout", 0, 28, PW_TYPE_INTEGER },
		{ "Calling-Station-Id", 0, 31, PW_TYPE_STRING },
		{ "NAS-Identifier", 0, 32, PW_TYPE_STRING },
		{ "Acct-Status-Type", 0, 40, PW_TYPE_INTEGER },
		{ "Acct-Session-Id", 0, 44, PW_TYPE_STRING },
		{ "Acct-Terminate-Cause", 0, 49, PW_TYPE_INTEGER },
		{ "Acct-Input-Gigawords", 0, 52, PW_TYPE_INTEGER },
		{ "Acct-Output-Gigawords", 0, 53, PW_TYPE_INTEGER },
		{ "Event-Timestamp", 0, 55, PW_TYPE_INTEGER },
		{ "NAS-Port-Type", 0, 61, PW_TYPE_INTEGER },
		{ "Message-Authenticator", 0, 80, PW_TYPE_STRING },
		{ "Acct-Interim-Interval", 0, 85, PW_TYPE_INTEGER },
		{ "NAS-Port-Id", 0, 87, PW_TYPE_STRING },
		{ "Framed-IPv6-Prefix", 0, 97, PW_TYPE_IPV6PREFIX },
		{ "Error-Cause", 0, 101, PW_TYPE_INTEGER },
		{ "Delegated-IPv6-Prefix", 0, 123, PW_TYPE_IPV6PREFIX },
		{ "MS-CHAP2-Response", 311, 25, PW_TYPE_STRING },
		{ "MS-MPPE-Encryption-Policy", 311, 7, PW_TYPE_INTEGER },
		{ "MS-Primary-DNS-Server", 311, 28, PW_TYPE_IPADDR },
		{ "RP-Upstream-Speed-Limit", 10055, 1, PW_TYPE_INTEGER },
		{ "RP-Downstream-Speed-Limit", 10055, 2, PW_TYPE_INTEGER },
		{ "RP-HURL", 10055, 3, PW_TYPE_STRING },
		{ "RP-MOTM", 10055, 4, PW_TYPE_STRING },
		{ "RP-Max-Sessions-Per-User", 10055, 5, PW_TYPE_INTEGER },
		{ "Mikrotik-Recv-Limit", 14988, 1, PW_TYPE_INTEGER },
		{ "Mikrotik-Rate-Limit", 14988, 8, PW_TYPE_STRING },
		{ "Mikrotik-Address-List", 14988, 19, PW_TYPE_STRING },
		{ "WISPr-Bandwidth-Max-Up", 14122, 7, PW_TYPE_INTEGER },
		{ "WISPr-Bandwidth-Max-Down", 14122, 8, PW_TYPE_INTEGER },
		{ "WISPr-Redirection-URL", 14122, 4, PW_TYPE_STRING },
		{ "ADSL-Agent-Circuit-Id", 3561, 1, PW_TYPE_STRING },
		{ "ADSL-Agent-Remote-Id", 3561, 2, PW_TYPE_STRING },
	};
	char path[512];
	rc_handle *rh;
	size_t i;

	(void)state;
	path_of("dictionary", path, sizeof(path));
	rh = load_ok(path);
	for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
		DICT_ATTR *a = rc_dict_findattr(rh, key[i].name);

		if (!a)
			fail_msg("%s: not in the dictionary", key[i].name);
		if (VENDOR((unsigned)a->value) != key[i].vendor ||
		    ATTRID((unsigned)a->value) != key[i].number || a->type != key[i].type)
			fail_msg("%s: vendor %u number %u type %d, want %u/%u/%d", key[i].name,
				 VENDOR((unsigned)a->value), ATTRID((unsigned)a->value), a->type,
				 key[i].vendor, key[i].number, key[i].type);
		/* and back from the number (what decoding a packet does) */
		assert_ptr_equal(rc_dict_getattr(rh, a->value), a);
	}
	/* vendors by the names radcli's and pppd's stock files use */
	assert_int_equal(rc_dict_findvend(rh, "RoaringPenguin")->vendorpec, 10055);
	assert_int_equal(rc_dict_findvend(rh, "Mikrotik")->vendorpec, 14988);
	assert_int_equal(rc_dict_findvend(rh, "WISPr")->vendorpec, 14122);
	assert_int_equal(rc_dict_findvend(rh, "Microsoft")->vendorpec, 311);
	/* VALUE names radattr.so writes for integers */
	assert_string_equal(rc_dict_getval(rh, 2, "Service-Type")->name, "Framed-User");
	assert_string_equal(rc_dict_getval(rh, 1, "Framed-Protocol")->name, "PPP");
	assert_string_equal(rc_dict_getval(rh, 3, "Acct-Status-Type")->name, "Interim-Update");
	assert_string_equal(rc_dict_getval(rh, 503, "Error-Cause")->name,
			    "Session-Context-Not-Found");
	assert_null(rc_dict_findattr(rh, "No-Such-Attribute"));
	rc_destroy(rh);
}

/* Every VALUE line names an attribute the dictionary defines as integer. */
static void test_values_have_attributes(void **state)
{
	char path[512], buf[512];
	rc_handle *rh;
	size_t i;

	(void)state;
	path_of("dictionary", path, sizeof(path));
	rh = load_ok(path);
	for (i = 0; i < nfiles; i++) {
		unsigned line = 0;
		FILE *f;

		path_of(files[i], path, sizeof(path));
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(buf, sizeof(buf), f)) {
			char kw[64], attr[64], name[64];
			unsigned v;
			DICT_ATTR *a;
			DICT_VALUE *dv;

			line++;
			if (sscanf(buf, "%63s %63s %63s %u", kw, attr, name, &v) != 4 ||
			    strcmp(kw, "VALUE") != 0)
				continue;
			a = rc_dict_findattr(rh, attr);
			if (!a || a->type != PW_TYPE_INTEGER)
				fail_msg("%s:%u: VALUE for %s, which is not an integer attribute",
					 files[i], line, attr);
			dv = rc_dict_getval(rh, v, attr);
			if (!dv || strcmp(dv->name, name) != 0)
				fail_msg("%s:%u: value %u of %s is %s, not %s (duplicate?)", files[i],
					 line, v, attr, dv ? dv->name : "(none)", name);
		}
		fclose(f);
	}
	rc_destroy(rh);
}

/* dictionary.pppd (generated) INCLUDEs, with absolute paths, exactly the
 * files the top dictionary $INCLUDEs. */
static void test_pppd_entry_point(void **state)
{
	char buf[1024], incl[MAX_FILES][64], tops[MAX_FILES][64], path[512];
	size_t nincl = 0, ntops = 0, i;
	FILE *f = fopen(ACD_RADIUS_DICT_PPPD, "r");

	(void)state;
	if (!f)
		fail_msg("%s: %s", ACD_RADIUS_DICT_PPPD, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		char kw[64], p[512];
		const char *base;

		if (buf[0] == '#' || buf[0] == '\n')
			continue;
		assert_int_equal(sscanf(buf, "%63s %511s", kw, p), 2);
		assert_string_equal(kw, "INCLUDE"); /* pppd's keyword, no '$' */
		assert_true(p[0] == '/');
		base = strrchr(p, '/') + 1;
		assert_true(nincl < MAX_FILES);
		copy(incl[nincl++], sizeof(incl[0]), base);
	}
	fclose(f);

	path_of("dictionary", path, sizeof(path));
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		char kw[64], p[64];

		if (sscanf(buf, "%63s %63s", kw, p) == 2 && strcmp(kw, "$INCLUDE") == 0) {
			assert_true(ntops < MAX_FILES);
			copy(tops[ntops++], sizeof(tops[0]), p);
		}
	}
	fclose(f);
	assert_int_equal(nincl, ntops);
	for (i = 0; i < nincl; i++)
		assert_string_equal(incl[i], tops[i]);
	/* every dictionary.* file of the directory is part of both */
	for (i = 0; i < nfiles; i++) {
		size_t j;
		bool found = strcmp(files[i], "dictionary") == 0;

		for (j = 0; j < ntops && !found; j++)
			found = strcmp(files[i], tops[j]) == 0;
		if (!found)
			fail_msg("radius-dict/%s is not $INCLUDEd by radius-dict/dictionary", files[i]);
	}
}

/* ---- radcli 1.2.11 behaviour the rules above are based on ---- */

static char tmpdir[256];

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_dict.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

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

static int load_text(const char *name, const char *text, rc_handle **out)
{
	char path[512];
	int rc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	*out = load(path, &rc);
	return rc;
}

static void test_radcli_rules(void **state)
{
	rc_handle *rh;

	(void)state;
	/* no octets type */
	assert_int_not_equal(load_text("d1", "ATTRIBUTE A 1 octets\n", &rh), 0);
	rc_destroy(rh);
	/* names over 32 characters fail the whole file */
	assert_int_not_equal(load_text("d2", "ATTRIBUTE WISPr-Session-Terminate-End-Of-Day 10 string\n", &rh), 0);
	rc_destroy(rh);
	/* indented lines are skipped without a word */
	assert_int_equal(load_text("d3", " ATTRIBUTE A 1 string\n", &rh), 0);
	assert_null(rc_dict_findattr(rh, "A"));
	rc_destroy(rh);
	/* pppd's INCLUDE is ignored by radcli; $INCLUDE is relative to the file */
	assert_int_equal(load_text("d4", "ATTRIBUTE Inc 9 integer\n", &rh), 0);
	rc_destroy(rh);
	assert_int_equal(load_text("d5", "INCLUDE /nonexistent\n$INCLUDE d4\n", &rh), 0);
	assert_non_null(rc_dict_findattr(rh, "inc"));
	rc_destroy(rh);
	/* a vendor needs its VENDOR line first; vendor ids pack as pec << 16 */
	assert_int_not_equal(load_text("d6", "ATTRIBUTE V 1 string Nobody\n", &rh), 0);
	rc_destroy(rh);
	assert_int_equal(load_text("d7", "VENDOR X 14988\nATTRIBUTE V 8 string X\n", &rh), 0);
	assert_int_equal(rc_dict_findattr(rh, "V")->value, (14988 << 16) | 8);
	rc_destroy(rh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_file_loads),
		cmocka_unit_test(test_portable_syntax_and_consistency),
		cmocka_unit_test(test_key_attributes),
		cmocka_unit_test(test_values_have_attributes),
		cmocka_unit_test(test_pppd_entry_point),
		cmocka_unit_test_setup_teardown(test_radcli_rules, setup_tmp, teardown_tmp),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
