/*
 * cmdtab.h - acd's control commands, in one table: their words, arguments,
 * help and who may run them.  The daemon (cmd.c: the socket and telnet)
 * binds a handler to each entry; acdctl takes its usage and its parsing
 * from it.  Only libc and jansson here: acdctl, pppd's hook, is linked
 * static with nothing else.
 */
#ifndef ACD_CMDTAB_H
#define ACD_CMDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* Who may run a command; each level may run the ones below it too. */
enum cmd_perm {
	CMD_READ,                       /* whoever reaches the socket: its group */
	CMD_ADMIN,                      /* uid 0, a member of [control] admin-group,
					 * telnet after its password */
	CMD_ROOT,                       /* uid 0 alone: pppd's hooks */
};

/* The commands, the table's indexes: cmd.c binds its handlers by them. */
enum cmd_id {
	CMD_SHOW_SESSIONS,
	CMD_SHOW_SESSION,
	CMD_SHOW_STAT,
	CMD_SHOW_NAT64,
	CMD_SHOW_PPPOE,
	CMD_SHOW_IPV6,
	CMD_SHAPER_SET,
	CMD_SHAPER_RESTORE,
	CMD_TERMINATE,
	CMD_RELOAD,
	CMD_MONITOR,
	CMD_HOOK,
	CMD_COUNT
};

/* not typed over telnet: monitor streams events, hook is pppd's */
#define CMD_NOTEXT 0x1

struct cmd {
	const char *name;               /* its words: "shaper set" */
	/* the positional arguments' names, the keys of the request's args
	 * ("id down up"); a last name ending in "..." takes every word left,
	 * one at least, as an array of strings (those that are UTF-8) */
	const char *args;
	const char *help;               /* one line */
	enum cmd_perm perm;
	unsigned flags;                 /* CMD_NOTEXT */
};

extern const struct cmd cmd_table[CMD_COUNT];

/* The command of a name ("show session"), exactly, or NULL. */
const struct cmd *cmd_named(const char *name);

/* "read", "admin", "root". */
const char *cmd_perm_name(enum cmd_perm p);

/* How a command is typed, into buf: "shaper set ID DOWN UP",
 * "hook EVENT ARGV...". */
void cmd_usage(const struct cmd *k, char *buf, size_t len);

/*
 * A command as words (acdctl's argv, telnet's line cut at blanks) into
 * the command and its request's args: the command whose words match the
 * most leading words exactly (no abbreviations), then one word for each
 * argument, as a string.  Returns 0 with *k and *args (a new reference),
 * -1 (the arguments do not fit) or -2 (no such command) with a message in
 * err and *k, *args NULL.
 */
int cmd_parse_words(size_t n, char *const w[], const struct cmd **k, json_t **args, char *err,
		    size_t errlen);

/*
 * What a peer of the control socket may run: uid 0 everything; a peer
 * whose group or one of whose supplementary groups is admin_gid ((gid_t)-1:
 * none) the admin commands; anyone else the read-only ones.
 */
enum cmd_perm cmd_peer_perm(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
			    gid_t admin_gid);

/* Whether a peer with permission have may run k. */
static inline bool cmd_permits(const struct cmd *k, enum cmd_perm have)
{
	return have >= k->perm;
}

/* The refusal of k to a peer that may not run it, naming what it needs:
 * admin_group is [control] admin-group ("" when not set). */
void cmd_refusal(const struct cmd *k, const char *admin_group, char *err, size_t errlen);

#endif
