/*
 * reload.h - acd.conf loaded, and reloaded into a running daemon: parse
 * and check the whole new file, let every module that holds part of the
 * config check it too, then swap.  The modules take part through hooks
 * they register: reload.c names none of them.
 */
#ifndef ACD_RELOAD_H
#define ACD_RELOAD_H

#include <stddef.h>

struct acd;
struct acd_config;

/* Load path (NULL: the built-in config) into cfg as config_load does
 * (with [pppoe], its checks on this box); the errors joined by newlines
 * into err, the warnings logged.  0 or -errno. */
int acd_config_load(const char *path, struct acd_config *cfg, char *err, size_t errlen);

/*
 * A module's part in a reload; any callback may be NULL.  Hooks run in
 * the order they were registered.
 *
 *   prepare  next is the new config, parsed and valid, the keys only a
 *            restart changes already back to their running values;
 *            a->cfg is still the running one.  Non-zero refuses the
 *            reload: err says why to whoever asked (a log line is the
 *            hook's to write), and nothing changes.  So prepare changes
 *            nothing its cancel cannot undo.
 *   cancel   a later hook's prepare refused: undo this one's prepare.
 *   applied  a->cfg is the new config, old the one it replaced.  Cannot
 *            fail: a part that cannot follow logs why and puts its
 *            running value back into a->cfg.
 */
struct acd_reload_hook {
	const char *name;               /* for the log */
	int (*prepare)(struct acd *a, const struct acd_config *next, char *err, size_t errlen);
	void (*cancel)(struct acd *a);
	void (*applied)(struct acd *a, const struct acd_config *old);
	struct acd_reload_hook *next;   /* reload.c's */
};

/* Add h, the caller's, to the reloads of a until acd_reload_unhook(); it
 * is in one list at a time. */
void acd_reload_hook(struct acd *a, struct acd_reload_hook *h);
/* Take h out, if it is in (its owner is closing). */
void acd_reload_unhook(struct acd *a, struct acd_reload_hook *h);

/*
 * Reload a->cfg_path into a: a file with errors, or a hook's refusal,
 * keeps the running config and returns -EINVAL with err saying why.
 */
int acd_reload(struct acd *a, char *err, size_t errlen);

#endif
