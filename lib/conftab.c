/*
 * conftab.c - the one INI front end (see conftab.h).
 *
 * Line numbers come from counting the lines inih reads: the reader hands
 * inih one line of the file per call.  inih keeps going after a syntax
 * error but returns only the first one's line, so conf_read first asks it
 * again, the lines found so far given to it blank (which leaves its state
 * as it was), until it finds no more; the real read then reports each
 * where it comes, in line order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "conftab.h"

void conf_reader_init(struct conf_reader *r, const char *file, char (*msg)[CONF_ERR_LEN],
		      unsigned max, unsigned *n, unsigned *more)
{
	memset(r, 0, sizeof(*r));
	r->file = file;
	r->msg = msg;
	r->max = max;
	r->n = n;
	r->more = more;
}

void conf_reader_add(struct conf_reader *r, const struct conf_table *t, void *cfg)
{
	if (r->ntab >= CONF_TABLES_MAX || t->nkeys > CONF_KEYS_MAX)
		abort(); /* raise CONF_TABLES_MAX or CONF_KEYS_MAX */
	r->tab[r->ntab] = t;
	r->cfg[r->ntab++] = cfg;
}

void conf_verr(struct conf_reader *r, const char *fmt, va_list ap)
{
	char *m;
	int n;

	if (*r->n >= r->max) {
		(*r->more)++;
		return;
	}
	m = r->msg[(*r->n)++];
	if (r->line > 0)
		n = snprintf(m, CONF_ERR_LEN, "%s:%d: ", r->file, r->line);
	else
		n = snprintf(m, CONF_ERR_LEN, "%s: ", r->file);
	if (n < 0)
		n = 0;
	if (n >= CONF_ERR_LEN - 1)
		return; /* a file name that long: the message is cut */
	vsnprintf(m + n, CONF_ERR_LEN - (size_t)n, fmt, ap);
}

void conf_err(struct conf_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(r, fmt, ap);
	va_end(ap);
}

/* ---- typed values ---- */

void conf_put_str(void *dst, size_t size, const char *v)
{
	size_t n = strnlen(v, size - 1);

	memcpy(dst, v, n);
	memset((char *)dst + n, 0, size - n);
}

int conf_set_path(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	if (v[0] != '/') {
		conf_err(r, "%s \"%s\": not an absolute path", k->name, v);
		return -1;
	}
	if (strlen(v) >= k->size) {
		conf_err(r, "%s: path too long", k->name);
		return -1;
	}
	conf_put_str(CONF_FIELD(k, cfg), k->size, v);
	return 0;
}

static int set_group(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	if (strlen(v) >= k->size || !*v) {
		conf_err(r, "%s \"%s\": not a group name", k->name, v);
		return -1;
	}
	conf_put_str(CONF_FIELD(k, cfg), k->size, v);
	return 0;
}

int conf_set_uint(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	const char *unit = k->unit ? k->unit : "";
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*unit && strcmp(end, unit) == 0)
		end += strlen(unit);
	if (*end || end == v || v[0] == '-' || errno || n < k->min || n > k->max) {
		if (k->use)
			conf_err(r, "%s \"%s\": %s", k->name, v, k->use);
		else
			conf_err(r, "%s \"%s\": give a number from %lu to %lu%s", k->name, v,
				 k->min, k->max, unit);
		return -1;
	}
	*(uint32_t *)CONF_FIELD(k, cfg) = (uint32_t)n;
	return 0;
}

static int set_bool(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	bool *b = CONF_FIELD(k, cfg);

	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*b = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*b = false;
	else {
		conf_err(r, "%s \"%s\": use yes or no", k->name, v);
		return -1;
	}
	return 0;
}

static int set_enum(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	char use[200];
	size_t o = 0;
	unsigned i, left;

	for (i = 0; i < k->nnames; i++)
		if (k->names[i] && strcmp(v, k->names[i]) == 0) {
			*(int *)CONF_FIELD(k, cfg) = (int)i;
			return 0;
		}
	/* "a, b or c" */
	use[0] = '\0';
	for (left = 0, i = 0; i < k->nnames; i++)
		left += k->names[i] != NULL;
	for (i = 0; i < k->nnames && o < sizeof(use); i++) {
		if (!k->names[i])
			continue;
		left--;
		o += (size_t)snprintf(use + o, sizeof(use) - o, "%s%s", o ? left ? ", " : " or " : "",
				      k->names[i]);
	}
	conf_err(r, "%s \"%s\": unknown (use %s)", k->name, v, k->use ? k->use : use);
	return -1;
}

static int set_value(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg)
{
	switch (k->type) {
	case CONF_PATH:
		return conf_set_path(r, k, v, cfg);
	case CONF_GROUP:
		return set_group(r, k, v, cfg);
	case CONF_UINT:
		return conf_set_uint(r, k, v, cfg);
	case CONF_BOOL:
		return set_bool(r, k, v, cfg);
	case CONF_ENUM:
		return set_enum(r, k, v, cfg);
	case CONF_CUSTOM:
		break;
	}
	return k->set(r, k, v, cfg);
}

static void print_value(FILE *f, const struct conf_key *k, const void *cfg, unsigned i)
{
	const void *p = (const char *)cfg + k->off;

	if (k->print) {
		k->print(f, k, cfg, i);
		return;
	}
	switch (k->type) {
	case CONF_PATH:
	case CONF_GROUP:
		fputs(p, f);
		break;
	case CONF_UINT:
		fprintf(f, "%lu%s", (unsigned long)*(const uint32_t *)p, k->unit ? k->unit : "");
		break;
	case CONF_BOOL:
		fputs(*(const bool *)p ? "yes" : "no", f);
		break;
	case CONF_ENUM:
		fputs(k->names[*(const int *)p], f);
		break;
	case CONF_CUSTOM:
		break;
	}
}

/* ---- keys ---- */

static bool find_key(const struct conf_reader *r, const char *section, const char *name,
		     unsigned *t, unsigned *i)
{
	for (*t = 0; *t < r->ntab; (*t)++)
		for (*i = 0; *i < r->tab[*t]->nkeys; (*i)++)
			if (strcmp(section, r->tab[*t]->keys[*i].section) == 0 &&
			    strcmp(name, r->tab[*t]->keys[*i].name) == 0)
				return true;
	return false;
}

int conf_key_line(const struct conf_reader *r, const char *section, const char *name)
{
	unsigned t, i;

	if (!find_key(r, section, name, &t, &i))
		abort(); /* a name the tables lack */
	return r->key_line[t][i];
}

bool conf_key_ok(const struct conf_reader *r, const char *section, const char *name)
{
	unsigned t, i;

	if (!find_key(r, section, name, &t, &i))
		abort();
	return r->key_line[t][i] && !r->key_bad[t][i];
}

static bool table_has_section(const struct conf_table *t, const char *section)
{
	unsigned i;

	for (i = 0; i < t->nkeys; i++)
		if (strcmp(section, t->keys[i].section) == 0)
			return true;
	return false;
}

/* "a, b, c": the sections of r's tables, or the keys of one section */
static void known_list(const struct conf_reader *r, const char *section, char *buf, size_t len)
{
	size_t o = 0;
	unsigned t, i, j;

	buf[0] = '\0';
	for (t = 0; t < r->ntab; t++)
		for (i = 0; i < r->tab[t]->nkeys && o < len; i++) {
			const struct conf_key *k = &r->tab[t]->keys[i];

			if (section) {
				if (strcmp(section, k->section))
					continue;
			} else {
				for (j = 0; j < i && strcmp(k->section, r->tab[t]->keys[j].section); j++)
					;
				if (j < i)
					continue; /* named already */
			}
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
					      section ? k->name : k->section);
		}
}

int conf_feed(struct conf_reader *r, const char *section, const char *name, const char *value)
{
	char known[CONF_ERR_LEN];
	unsigned t, i;

	for (t = 0; t < r->ntab; t++)
		if (table_has_section(r->tab[t], section))
			break;
	if (t == r->ntab)
		return 0;
	if (r->tab[t]->seen)
		r->tab[t]->seen(r->cfg[t], section);
	for (i = 0; i < r->tab[t]->nkeys; i++) {
		const struct conf_key *k = &r->tab[t]->keys[i];

		if (strcmp(section, k->section) || strcmp(name, k->name))
			continue;
		r->key_line[t][i] = r->line;
		r->key_bad[t][i] = set_value(r, k, value, r->cfg[t]) < 0;
		if (!r->key_bad[t][i] && k->given)
			*(bool *)((char *)r->cfg[t] + k->given) = true;
		return 1;
	}
	known_list(r, section, known, sizeof(known));
	conf_err(r, "unknown key \"%s\" in [%s] (known: %s)", name, section, known);
	return 1;
}

/* inih's handler: every key goes on, whatever its errors */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct conf_reader *r = user;
	char known[CONF_ERR_LEN];

	if (conf_feed(r, section, name, value) || r->ignore_other)
		return 1;
	known_list(r, NULL, known, sizeof(known));
	conf_err(r, "unknown section [%s] (known: %s%s%s)", section, known, r->note ? "; " : "",
		 r->note ? r->note : "");
	return 1;
}

/* while looking for syntax errors: nothing but inih's own checks */
static int skip_key(void *user, const char *section, const char *name, const char *value)
{
	(void)user;
	(void)section;
	(void)name;
	(void)value;
	return 1;
}

/* ---- the source ---- */

static bool is_syntax_error(const struct conf_reader *r, int line)
{
	unsigned i;

	for (i = 0; i < r->nsyntax; i++)
		if (r->syntax[i] == line)
			return true;
	return false;
}

/* The next whole line of the source (with its '\n', if any), or NULL. */
static const char *next_line(struct conf_reader *r, size_t *len)
{
	const char *p;

	if (!*r->s)
		return NULL;
	p = r->s;
	*len = strcspn(p, "\n");
	if (p[*len] == '\n')
		(*len)++;
	r->s += *len;
	return p;
}

/*
 * inih's reader: one line of the file per call, so that inih's line
 * numbers are ours.  A line longer than inih's buffer, and a line already
 * known to be a syntax error, comes as an empty line (reported once, by
 * the real read, at its place): what follows keeps its line number.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct conf_reader *r = stream;
	const char *p;
	size_t len;

	p = next_line(r, &len);
	if (!p)
		return NULL;
	r->line++;
	if (len + 1 > (size_t)num) {
		if (!r->scan)
			conf_err(r, "line longer than %d characters: shorten it (e.g. a shorter path)",
				 num - 2);
	} else if (is_syntax_error(r, r->line)) {
		if (!r->scan)
			conf_err(r, "syntax error (expected [section] or key = value)");
	} else {
		memcpy(str, p, len);
		str[len] = '\0';
		return str;
	}
	snprintf(str, (size_t)num, "\n");
	return str;
}

static void source_rewind(struct conf_reader *r)
{
	r->s = r->text;
	r->line = 0;
}

/* The whole of path, NUL-terminated, in *text (the caller frees it);
 * -1 after conf_err. */
static int read_whole(struct conf_reader *r, const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	const char *nul;
	char *buf;
	size_t len;

	if (!f) {
		conf_err(r, "cannot read: %s", strerror(errno));
		return -1;
	}
	buf = malloc(CONF_FILE_MAX + 2);
	if (!buf) {
		conf_err(r, "cannot read: out of memory");
		goto fail;
	}
	len = fread(buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		conf_err(r, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (len > CONF_FILE_MAX) {
		conf_err(r, "larger than %u bytes: not %s", CONF_FILE_MAX,
			 r->what ? r->what : "a config file");
		goto fail;
	}
	buf[len] = '\0';
	nul = memchr(buf, '\0', len);
	if (nul) {
		for (r->line = 1; nul > buf; nul--)
			r->line += nul[-1] == '\n';
		conf_err(r, "a NUL byte: not a text file");
		r->line = 0;
		goto fail;
	}
	fclose(f);
	*text = buf;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

/* r->syntax: every line inih refuses, up to CONF_MAX_ERRORS of them */
static int find_syntax_errors(struct conf_reader *r)
{
	int rc;

	r->scan = true;
	do {
		source_rewind(r);
		rc = ini_parse_stream(read_line, r, skip_key, NULL);
		if (rc <= 0 || is_syntax_error(r, rc))
			break;
		r->syntax[r->nsyntax++] = rc;
	} while (r->nsyntax < CONF_MAX_ERRORS);
	r->scan = false;
	source_rewind(r);
	return rc < 0 ? rc : 0;
}

int conf_read(struct conf_reader *r, const char *path, const char *buf)
{
	char *text = NULL;
	int rc;

	r->line = 0;
	r->nsyntax = 0;
	if (path && read_whole(r, path, &text) < 0)
		return -1;
	r->text = text ? text : buf ? buf : "";
	rc = find_syntax_errors(r);
	if (rc == 0)
		rc = ini_parse_stream(read_line, r, on_key, r);
	free(text);
	r->text = r->s = NULL;
	if (rc > 0) { /* past CONF_MAX_ERRORS syntax errors */
		r->line = rc;
		conf_err(r, "syntax error (expected [section] or key = value)");
	} else if (rc < 0) {
		r->line = 0;
		conf_err(r, "cannot parse (out of memory)");
	}
	r->line = 0;
	return 0;
}

/* ---- defaults, printing, reload ---- */

void conf_defaults(const struct conf_table *t, void *cfg)
{
	char msg[1][CONF_ERR_LEN];
	unsigned n = 0, more = 0, i;
	struct conf_reader r;

	conf_reader_init(&r, "(defaults)", msg, 1, &n, &more);
	for (i = 0; i < t->nkeys; i++)
		if (t->keys[i].dflt && set_value(&r, &t->keys[i], t->keys[i].dflt, cfg) < 0)
			abort(); /* the table's default does not parse */
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* A key without a default: was it given? */
static bool key_given(const struct conf_key *k, const void *cfg)
{
	const char *p = (const char *)cfg + k->off;

	if (k->given)
		return *(const bool *)((const char *)cfg + k->given);
	if (k->flags & CONF_REPEAT)
		return *(const unsigned *)((const char *)cfg + k->count) != 0;
	if (k->type == CONF_PATH || k->type == CONF_GROUP)
		return *p != '\0';
	return !all_zero(p, k->size);
}

void conf_print(FILE *f, const struct conf_table *t, const void *cfg)
{
	const char *section = NULL;
	unsigned i, j, n;

	for (i = 0; i < t->nkeys; i++) {
		const struct conf_key *k = &t->keys[i];

		if (!k->dflt && !key_given(k, cfg))
			continue;
		if (t->show && !t->show(cfg, k))
			continue;
		if (!section || strcmp(section, k->section)) {
			fprintf(f, "%s[%s]\n", section ? "\n" : "", k->section);
			section = k->section;
		}
		n = k->flags & CONF_REPEAT ? *(const unsigned *)((const char *)cfg + k->count) : 1;
		for (j = 0; j < n; j++) {
			fprintf(f, "%s = ", k->name);
			print_value(f, k, cfg, j);
			fputc('\n', f);
		}
	}
}

static bool key_changed(const struct conf_key *k, const void *a, const void *b)
{
	return memcmp((const char *)a + k->off, (const char *)b + k->off, k->size) != 0;
}

void conf_keep_restart(const struct conf_table *t, void *cfg, const void *running,
		       void (*say)(void *arg, const char *line), void *arg)
{
	char line[CONF_ERR_LEN], *val = NULL;
	unsigned i, j;
	size_t len = 0;
	bool changed;

	for (i = 0; i < t->nkeys; i++) {
		const struct conf_key *k = &t->keys[i];

		if (!(k->flags & CONF_RESTART))
			continue;
		if (!k->restart_as) {
			FILE *f;

			if (!key_changed(k, cfg, running))
				continue;
			f = open_memstream(&val, &len);
			if (f) {
				print_value(f, k, running, 0);
				fclose(f);
			}
			snprintf(line, sizeof(line), "[%s] %s changes at the next start; still %s",
				 k->section, k->name, f && val ? val : "as it was");
			free(val);
			val = NULL;
			memcpy((char *)cfg + k->off, (const char *)running + k->off, k->size);
			say(arg, line);
			continue;
		}
		/* a group: reported once, at its first key */
		for (j = 0; j < i; j++)
			if ((t->keys[j].flags & CONF_RESTART) && t->keys[j].restart_as &&
			    strcmp(t->keys[j].restart_as, k->restart_as) == 0)
				break;
		if (j < i)
			continue;
		changed = false;
		for (j = i; j < t->nkeys; j++)
			if ((t->keys[j].flags & CONF_RESTART) && t->keys[j].restart_as &&
			    strcmp(t->keys[j].restart_as, k->restart_as) == 0 &&
			    key_changed(&t->keys[j], cfg, running)) {
				changed = true;
				memcpy((char *)cfg + t->keys[j].off,
				       (const char *)running + t->keys[j].off, t->keys[j].size);
			}
		if (changed) {
			snprintf(line, sizeof(line), "[%s] %s change at the next start", k->section,
				 k->restart_as);
			say(arg, line);
		}
	}
}
