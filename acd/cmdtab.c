/*
 * cmdtab.c - the table of acd's control commands (cmdtab.h), and what is
 * derived from it alone: typing a command as words, its usage line, who may
 * run it.  Shared by acd and acdctl.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "cmdtab.h"
#include "errfmt.h"

const struct cmd cmd_table[CMD_COUNT] = {
	[CMD_SHOW_SESSIONS] = { "show sessions", "", "the session table", CMD_READ, 0 },
	[CMD_SHOW_SESSION] = { "show session", "id",
			       "one session in detail (ID: interface, user or IP)",
			       CMD_READ, 0 },
	[CMD_SHOW_STAT] = { "show stat", "", "daemon counters", CMD_READ, 0 },
	[CMD_SHOW_NAT64] = { "show nat64", "",
			     "NAT64/DNS64: what runs, pool4 use, the last check", CMD_READ, 0 },
	[CMD_SHOW_PPPOE] = { "show pppoe", "",
			     "PPPoE discovery per interface: PADI..PADT, drops by reason, limits",
			     CMD_READ, 0 },
	[CMD_SHOW_IPV6] = { "show ipv6", "",
			    "the IPv6 edge: the /64 pool, router advertisements and solicitations",
			    CMD_READ, 0 },
	[CMD_SHAPER_SET] = { "shaper set", "id down up",
			     "override a session's rates (e.g. 10M 2M; 0 = unshaped)", CMD_ADMIN,
			     0 },
	[CMD_SHAPER_RESTORE] = { "shaper restore", "id", "back to the RADIUS/default rates",
				 CMD_ADMIN, 0 },
	[CMD_TERMINATE] = { "terminate", "id", "end a session (SIGTERM to its pppd)", CMD_ADMIN,
			    0 },
	[CMD_RELOAD] = { "reload", "", "re-read the config file (a bad one changes nothing)",
			 CMD_ADMIN, 0 },
	[CMD_MONITOR] = { "monitor", "", "print session events as they happen", CMD_READ,
			  CMD_NOTEXT },
	[CMD_HOOK] = { "hook", "event argv...",
		       "pppd's hook: ip-up, ip-down, ipv6-up, ipv6-down",
		       CMD_ROOT, CMD_NOTEXT },
};

const struct cmd *cmd_named(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(name, cmd_table[i].name) == 0)
			return &cmd_table[i];
	return NULL;
}

const char *cmd_perm_name(enum cmd_perm p)
{
	switch (p) {
	case CMD_READ:
		return "read";
	case CMD_ADMIN:
		return "admin";
	case CMD_ROOT:
		return "root";
	}
	return "?";
}

/* The next blank-separated word of s from *pos: its start and length, or
 * length 0 at the end. */
static size_t next_word(const char *s, size_t *pos, const char **word)
{
	size_t n;

	while (s[*pos] == ' ')
		(*pos)++;
	*word = s + *pos;
	n = strcspn(*word, " ");
	*pos += n;
	return n;
}

void cmd_usage(const struct cmd *k, char *buf, size_t len)
{
	size_t pos = 0, used, n, i;
	const char *w;

	errfmt(buf, len, "%s", k->name);
	while ((n = next_word(k->args, &pos, &w)) > 0) {
		used = strlen(buf);
		if (used + n + 2 > len)
			return;
		buf[used++] = ' ';
		for (i = 0; i < n; i++)
			buf[used++] = (char)toupper((unsigned char)w[i]);
		buf[used] = '\0';
	}
}

/*
 * How many of w[0..n) the command's words are, all of them exactly; 0 if
 * they are not.  *lead: how many of w match the command's first words;
 * *begins: w[0..n) are the command's first words, not all of them.
 */
static size_t matches(const struct cmd *k, size_t n, char *const w[], size_t *lead,
		      bool *begins)
{
	size_t pos = 0, m = 0, len;
	const char *word;

	*begins = false;
	while ((len = next_word(k->name, &pos, &word)) > 0) {
		*lead = m;
		if (m >= n) {
			*begins = true;
			return 0;
		}
		if (strlen(w[m]) != len || strncmp(w[m], word, len) != 0)
			return 0;
		m++;
	}
	*lead = m;
	return m;
}

/* w[0..n) begin commands but are none: say which they could be. */
static int incomplete(size_t n, char *const w[], char *err, size_t errlen)
{
	size_t i, used, lead;
	bool begins;

	errfmt(err, errlen, "incomplete command \"%.64s%s\": try", w[0], n > 1 ? " ..." : "");
	if (!err || !errlen)
		return -2;
	for (i = 0; i < CMD_COUNT; i++) {
		(void)matches(&cmd_table[i], n, w, &lead, &begins);
		used = strlen(err);
		if (begins && used < errlen)
			errfmt(err + used, errlen - used, " \"%s\"", cmd_table[i].name);
	}
	return -2;
}

static int parse_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int parse_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrfmt(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

int cmd_parse_words(size_t n, char *const w[], const struct cmd **k, json_t **args, char *err,
		    size_t errlen)
{
	const struct cmd *best = NULL;
	size_t bestwords = 0, at, pos = 0, len, i;
	char usage[128], name[32];
	const char *word;
	bool begins, partial = false;
	size_t known = 0;
	json_t *a;

	*k = NULL;
	*args = NULL;
	if (n == 0)
		return parse_fail(err, errlen, -1, "empty command");
	for (i = 0; i < CMD_COUNT; i++) {
		size_t lead, m = matches(&cmd_table[i], n, w, &lead, &begins);

		if (m > bestwords) {
			best = &cmd_table[i];
			bestwords = m;
		}
		partial |= begins;
		known = lead > known ? lead : known;
	}
	if (!best && partial)
		return incomplete(n, w, err, errlen);
	if (!best && known) /* "shaper x": the words up to the one no command has */
		return parse_fail(err, errlen, -2, "unknown command \"%.32s %.64s\"", w[0], w[1]);
	if (!best)
		return parse_fail(err, errlen, -2, "unknown command \"%.64s\"", w[0]);
	cmd_usage(best, usage, sizeof(usage));
	a = json_object();
	if (!a)
		return parse_fail(err, errlen, -1, "out of memory");
	at = bestwords;
	while ((len = next_word(best->args, &pos, &word)) > 0) {
		bool rest = len > 3 && strncmp(word + len - 3, "...", 3) == 0;
		json_t *v;

		errfmt(name, sizeof(name), "%.*s", (int)(rest ? len - 3 : len), word);
		if (at >= n) {
			json_decref(a);
			return parse_fail(err, errlen, -1, "%s: missing %s (usage: %s)", best->name,
					  name, usage);
		}
		if (rest) {
			/* a word that is not UTF-8 is left out, as acdctl's
			 * hook always did: pppd's arguments are not ours to
			 * refuse */
			v = json_array();
			for (; at < n && v; at++) {
				json_t *s = json_string(w[at]);

				if (s && json_array_append_new(v, s) < 0) {
					json_decref(v);
					v = NULL;
				}
			}
		} else {
			v = json_string(w[at++]);
		}
		if (!v || json_object_set_new(a, name, v) < 0) {
			json_decref(a);
			return parse_fail(err, errlen, -1, "%s: %s is not UTF-8 text", best->name,
					  name);
		}
	}
	if (at != n) {
		json_decref(a);
		return parse_fail(err, errlen, -1, "%s: too many arguments (usage: %s)", best->name,
				  usage);
	}
	*k = best;
	*args = a;
	return 0;
}

enum cmd_perm cmd_peer_perm(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
			    gid_t admin_gid)
{
	size_t i;

	if (uid == 0)
		return CMD_ROOT;
	if (admin_gid == (gid_t)-1)
		return CMD_READ;
	if (gid == admin_gid)
		return CMD_ADMIN;
	for (i = 0; i < ngroups; i++)
		if (groups[i] == admin_gid)
			return CMD_ADMIN;
	return CMD_READ;
}

void cmd_refusal(const struct cmd *k, const char *admin_group, char *err, size_t errlen)
{
	switch (k->perm) {
	case CMD_ROOT:
		/* root alone: pppd's hooks */
		errfmt(err, errlen, "%s: needs root (hooks are pppd's: only root may report "
		       "sessions)", k->name);
		break;
	case CMD_ADMIN:
		if (admin_group && *admin_group)
			errfmt(err, errlen, "%s: needs admin (root or a member of [control] "
			       "admin-group \"%.64s\")", k->name, admin_group);
		else
			errfmt(err, errlen, "%s: needs admin (root: [control] admin-group is not "
			       "set)", k->name);
		break;
	case CMD_READ:
		errfmt(err, errlen, "%s: needs read (access to the socket)", k->name);
		break;
	}
}
