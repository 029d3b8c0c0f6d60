/*
 * conftab.h - one INI reader for acd.conf and libnat64's [nat64] and
 * [dns64]: every key is declared once, in a table, with its section,
 * name, type, default, one line of help and whether a reload applies it.
 * One front end on inih reads a file through one or more tables, with one
 * line numbering and one "file:line: message" error collector; the same
 * tables give the defaults, the printed config (`acd -n -v`, `nat64ctl
 * render config`) and the keys a reload cannot change.
 *
 * A value is checked and stored by its key's type (or its own setter), and
 * an error names the key, quotes the value and says what to write instead.
 * Every error is collected, in line order, and the read goes on: a file
 * with ten mistakes is fixed in one pass.
 */
#ifndef ACD_LIB_CONFTAB_H
#define ACD_LIB_CONFTAB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONF_MAX_ERRORS 64              /* messages kept; those past it are counted */
#define CONF_ERR_LEN 320                /* one message, "file:line: " included */
#define CONF_TABLES_MAX 2               /* tables one reader runs (acd's and libnat64's) */
#define CONF_KEYS_MAX 96                /* keys of one table */
#define CONF_FILE_MAX (1u << 20)        /* a larger file is not a config file */

enum conf_type {
	CONF_PATH,      /* an absolute path, under size bytes */
	CONF_GROUP,     /* a group name, under size bytes (the caller resolves it) */
	CONF_UINT,      /* a number from min to max (uint32_t), unit optional after it */
	CONF_BOOL,      /* yes, true, on / no, false, off (bool) */
	CONF_ENUM,      /* one of names[] (int: the name's index) */
	CONF_CUSTOM,    /* the key's own set and print */
};

/* flags */
#define CONF_RESTART 0x1u       /* a reload keeps the running value (and says so) */
#define CONF_REPEAT  0x2u       /* may be given again: each adds a value (count) */

struct conf_reader;
struct conf_key;

/* Check and store v in cfg (the table's config struct): 0, or -1 after
 * conf_err. */
typedef int (*conf_set_fn)(struct conf_reader *r, const struct conf_key *k, const char *v,
			   void *cfg);
/* Print the value (the i-th of a CONF_REPEAT key) as it parses back. */
typedef void (*conf_print_fn)(FILE *f, const struct conf_key *k, const void *cfg, unsigned i);

struct conf_key {
	const char *section, *name;
	enum conf_type type;
	size_t off, size;               /* the value's field in the config struct */
	const char *dflt;               /* as written in the file, read at conf_defaults;
					 * NULL: no default (zero bytes), printed only
					 * when given */
	const char *help;               /* one line: what the key sets */
	unsigned flags;                 /* CONF_RESTART, CONF_REPEAT */
	unsigned long min, max;         /* CONF_UINT */
	const char *unit;               /* CONF_UINT: accepted after the number and
					 * printed after it ("s"); NULL: none */
	const char *const *names;       /* CONF_ENUM: the names by value (NULL holes) */
	unsigned nnames;
	const char *use;                /* CONF_UINT, CONF_ENUM: the advice after
					 * `key "value": ` (NULL: made from min/max or
					 * names) */
	conf_set_fn set;                /* CONF_CUSTOM */
	conf_print_fn print;            /* CONF_CUSTOM, or a type's printer replaced */
	size_t given;                   /* offset of a bool set when a value is accepted
					 * (0: none; no struct starts with such a flag) */
	size_t count;                   /* CONF_REPEAT: offset of the unsigned count */
	const char *restart_as;         /* CONF_RESTART keys sharing it are reported as
					 * one: "[section] <restart_as> change at the
					 * next start" */
};

/* The field of key k in cfg. */
#define CONF_FIELD(k, cfg) ((void *)((char *)(cfg) + (k)->off))

struct conf_table {
	const struct conf_key *keys;
	unsigned nkeys;
	/* a key of one of the table's sections was read, known or not (NULL: nothing) */
	void (*seen)(void *cfg, const char *section);
	/* is key k printed for this cfg?  (NULL: by conf_print's rule alone) */
	bool (*show)(const void *cfg, const struct conf_key *k);
	/* checks of one key against another, after the whole file (NULL: none) */
	void (*check)(struct conf_reader *r, void *cfg);
};

/*
 * One read: its tables, the file's name for messages, the line being read
 * and the collector, which writes into the caller's own list of messages
 * (acd's struct acd_config_errors, libnat64's struct nat64_errors).
 */
struct conf_reader {
	const char *file;               /* in every message */
	int line;                       /* the line errors are at; 0: the file as a whole */
	bool ignore_other;              /* a section no table holds is skipped, not an error */
	const char *note;               /* said after the known sections of an unknown one */
	const char *what;               /* "an acd.conf": what a too large file is not */
	void *user;                     /* the caller's, for its setters and checks (e.g.
					 * the line of each value of a repeated key) */
	/* the collector */
	char (*msg)[CONF_ERR_LEN];
	unsigned max, *n, *more;
	/* private */
	const struct conf_table *tab[CONF_TABLES_MAX];
	void *cfg[CONF_TABLES_MAX];
	unsigned ntab;
	int key_line[CONF_TABLES_MAX][CONF_KEYS_MAX];   /* 0: not given */
	bool key_bad[CONF_TABLES_MAX][CONF_KEYS_MAX];   /* given, and refused */
	int syntax[CONF_MAX_ERRORS];                    /* lines inih finds no key in */
	unsigned nsyntax;
	bool scan;
	const char *text, *s;
};

/*
 * Start a read of file (its name in messages) whose errors go to msg[0..max),
 * *n of them kept and *more counted past max.  Neither is cleared.
 */
void conf_reader_init(struct conf_reader *r, const char *file, char (*msg)[CONF_ERR_LEN],
		      unsigned max, unsigned *n, unsigned *more);
/* The read's errors into a struct with n, more and msg[][CONF_ERR_LEN]. */
#define CONF_ERRORS(e) (e)->msg, (unsigned)(sizeof((e)->msg) / sizeof((e)->msg[0])), \
		       &(e)->n, &(e)->more
/* Read the sections of table t into cfg (in the order added). */
void conf_reader_add(struct conf_reader *r, const struct conf_table *t, void *cfg);

/* Add "file:line: message" (r->line 0: "file: message"). */
void conf_err(struct conf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void conf_verr(struct conf_reader *r, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Read a whole file (or, with path NULL, the text in buf) through the
 * tables: every key to its table, every syntax error, unknown section and
 * unknown key reported at its line, in line order.  A line longer than
 * inih's buffer is one error and one line.  -1 when the file cannot be
 * read (the one error says why), else 0 whatever the errors; r->line is 0
 * after it.
 */
int conf_read(struct conf_reader *r, const char *path, const char *buf);

/*
 * One key, as inih gives it, at r->line: 1 when a table holds the section
 * (the key is stored, or refused with an error, unknown keys included), 0
 * when none does (nothing said).
 */
int conf_feed(struct conf_reader *r, const char *section, const char *name, const char *value);

/* Where [section] name was last given (0: not given), and whether its value
 * was accepted there.  The key must be in one of r's tables. */
int conf_key_line(const struct conf_reader *r, const char *section, const char *name);
bool conf_key_ok(const struct conf_reader *r, const char *section, const char *name);

/* Every default of t into cfg (the rest of cfg as it was: zeroed by the
 * caller).  A default that does not parse is the table's bug: abort(). */
void conf_defaults(const struct conf_table *t, void *cfg);

/*
 * cfg as a file that reads back to the same cfg: the keys in table order,
 * "[section]" before a section's first printed key, a blank line between
 * sections.  A key with a default is always printed, one without only when
 * given (its given flag, its count, or a non-zero value), and only when
 * t->show agrees.
 */
void conf_print(FILE *f, const struct conf_table *t, const void *cfg);

/*
 * For a reload: every CONF_RESTART key whose value in cfg differs from
 * running gets the running value back, and say is told one line (without
 * a prefix) per key, or per restart_as group: "[control] socket changes at
 * the next start; still /run/acd/acd.sock".
 */
void conf_keep_restart(const struct conf_table *t, void *cfg, const void *running,
		       void (*say)(void *arg, const char *line), void *arg);

/* The typed setters, for a custom setter that adds to one. */
int conf_set_path(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg);
int conf_set_uint(struct conf_reader *r, const struct conf_key *k, const char *v, void *cfg);
/* v into a string field of size bytes, zeros after it (a key given twice
 * leaves nothing of its first value: equal configs are equal bytes) */
void conf_put_str(void *dst, size_t size, const char *v);

#endif
