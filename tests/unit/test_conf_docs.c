/* The config tables against what users read: every key of acd's table is
 * an item of its section in acd.conf(5), every key of libnat64's an item of
 * its section in nat64ctl(8), and `acd -n -v` prints each key's default
 * from the table, in its section, and no key that has none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "conftab.h"

#define MAX_LINES 4096

struct text {
	char *buf;
	char *line[MAX_LINES];
	unsigned n;
};

/* the whole of f in lines */
static void text_read(struct text *t, FILE *f)
{
	size_t len = 0;
	char *p;

	memset(t, 0, sizeof(*t));
	assert_non_null(f);
	assert_int_not_equal(getdelim(&t->buf, &len, '\0', f), -1);
	for (p = strtok(t->buf, "\n"); p && t->n < MAX_LINES; p = strtok(NULL, "\n"))
		t->line[t->n++] = p;
	assert_true(t->n < MAX_LINES);
}

static void text_file(struct text *t, const char *path)
{
	FILE *f = fopen(path, "r");

	text_read(t, f);
	fclose(f);
}

/* Is name a bold word of a roff line (.B: every word; .BR: the first and
 * every other one)?  Words are split at blanks, a "..." being one word. */
static bool bold_word(const char *line, const char *name)
{
	char buf[512], *p, *w;
	bool alt, bold = true;

	if (strncmp(line, ".B ", 3) == 0)
		alt = false;
	else if (strncmp(line, ".BR ", 4) == 0)
		alt = true;
	else
		return false;
	snprintf(buf, sizeof(buf), "%s", strchr(line, ' ') + 1);
	for (p = buf; *p; bold = alt ? !bold : true) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			w = ++p;
			p += strcspn(p, "\"");
		} else {
			w = p;
			p += strcspn(p, " ");
		}
		if (*p)
			*p++ = '\0';
		if (bold && strcmp(w, name) == 0)
			return true;
	}
	return false;
}

/* Is [section] name the tag of a .TP item in the page's "HDR [section]" part? */
static bool documented(const struct text *page, const char *hdr, const char *section,
		       const char *name)
{
	char head[80];
	unsigned i;

	snprintf(head, sizeof(head), "%s [%s]", hdr, section);
	for (i = 0; i < page->n && strcmp(page->line[i], head); i++)
		;
	for (i++; i < page->n; i++) {
		if (strncmp(page->line[i], ".SH", 3) == 0 || strncmp(page->line[i], ".SS", 3) == 0)
			break;
		if (strcmp(page->line[i], ".TP") == 0 && i + 1 < page->n &&
		    bold_word(page->line[i + 1], name))
			return true;
	}
	return false;
}

static void check_documented(const struct conf_table *t, const char *man, const char *hdr)
{
	struct text page;
	unsigned i, missing = 0;

	text_file(&page, man);
	for (i = 0; i < t->nkeys; i++)
		if (!documented(&page, hdr, t->keys[i].section, t->keys[i].name)) {
			fprintf(stderr, "%s: no \".TP\" item for [%s] %s under \"%s [%s]\"\n", man,
				t->keys[i].section, t->keys[i].name, hdr, t->keys[i].section);
			missing++;
		}
	free(page.buf);
	assert_int_equal(missing, 0);
}

static void test_acd_keys_in_acd_conf_5(void **state)
{
	(void)state;
	check_documented(&acd_conf_table, ACD_CONF_MAN, ".SH");
}

static void test_nat64_keys_in_nat64ctl_8(void **state)
{
	(void)state;
	check_documented(&nat64_conf_table, NAT64CTL_MAN, ".SS");
}

/* The value `acd -n -v` printed for [section] name, or NULL. */
static const char *printed(const struct text *out, const char *section, const char *name)
{
	char head[80];
	size_t len = strlen(name);
	unsigned i;

	snprintf(head, sizeof(head), "[%s]", section);
	for (i = 0; i < out->n && strcmp(out->line[i], head); i++)
		;
	for (i++; i < out->n && out->line[i][0] != '['; i++)
		if (strncmp(out->line[i], name, len) == 0 && strncmp(out->line[i] + len, " = ", 3) == 0)
			return out->line[i] + len + 3;
	return NULL;
}

/* acd -n -v on the file holding text: every key of t not in given prints
 * its default, and a key without one is not printed. */
static void check_defaults(const struct conf_table *t, const char *text, const char *const *given)
{
	char path[] = "/tmp/test_conf_docs.XXXXXX", cmd[512];
	struct text out;
	unsigned i, j, bad = 0;
	FILE *f, *p;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "%s -n -v -c %s 2>&1", ACD_BIN, path);
	p = popen(cmd, "r");
	text_read(&out, p);
	if (pclose(p) != 0) {
		for (i = 0; i < out.n; i++)
			fprintf(stderr, "acd -n -v: %s\n", out.line[i]);
		fail_msg("acd -n -v -c %s failed", path);
	}
	unlink(path);
	for (i = 0; i < t->nkeys; i++) {
		const struct conf_key *k = &t->keys[i];
		const char *v = printed(&out, k->section, k->name);

		for (j = 0; given[j] && strcmp(given[j], k->name); j++)
			;
		if (given[j])
			continue;
		if (k->dflt ? !v || strcmp(v, k->dflt) : v != NULL) {
			fprintf(stderr, "acd -n -v: [%s] %s = %s, the table's default: %s\n",
				k->section, k->name, v ? v : "(not printed)",
				k->dflt ? k->dflt : "(none: not printed)");
			bad++;
		}
	}
	free(out.buf);
	assert_int_equal(bad, 0);
}

/* acd's keys: a file that only names the dictionary acd -n must load */
static void test_acd_n_v_prints_acd_defaults(void **state)
{
	static const char *const given[] = { "dictionary", NULL };

	(void)state;
	check_defaults(&acd_conf_table, "[radius]\ndictionary = " ACD_RADIUS_DICT "\n", given);
}

/* libnat64's: TAYGA (whose keys Jool's config leaves out) and a [dns64] */
static void test_acd_n_v_prints_nat64_defaults(void **state)
{
	static const char *const given[] = { "backend", "pool6", "tayga-pool", "tayga-ipv4-address",
					     "server", NULL };

	(void)state;
	check_defaults(&nat64_conf_table,
		       "[radius]\ndictionary = " ACD_RADIUS_DICT "\n"
		       "[nat64]\nbackend = tayga\npool6 = 2001:db8:64::/96\n"
		       "tayga-pool = 192.168.255.0/24\ntayga-ipv4-address = 192.168.255.1\n"
		       "[dns64]\nserver = bind\n", given);
}

/* every key has a line of help; one with a default parses it (conf_defaults
 * would abort) */
static void test_tables_complete(void **state)
{
	const struct conf_table *t[] = { &acd_conf_table, &nat64_conf_table };
	struct acd_config c;
	unsigned i, j;

	(void)state;
	for (i = 0; i < 2; i++)
		for (j = 0; j < t[i]->nkeys; j++) {
			assert_non_null(t[i]->keys[j].help);
			assert_true(t[i]->keys[j].help[0] != '\0');
		}
	config_defaults(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acd_keys_in_acd_conf_5),
		cmocka_unit_test(test_nat64_keys_in_nat64ctl_8),
		cmocka_unit_test(test_acd_n_v_prints_acd_defaults),
		cmocka_unit_test(test_acd_n_v_prints_nat64_defaults),
		cmocka_unit_test(test_tables_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
