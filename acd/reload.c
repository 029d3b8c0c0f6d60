/*
 * reload.c - loading acd.conf and reloading it into a running daemon:
 * parse and check the whole new file, let every hook check it (reload.h),
 * then swap and tell the hooks; a bad file, or a hook's refusal, changes
 * nothing.  A setting that only a restart can change (CONF_RESTART in
 * config.c's table) keeps its running value, and the log names it.  The
 * modules that act on a reload register themselves: none is named here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd.h"
#include "log.h"
#include "reload.h"

int acd_config_load(const char *path, struct acd_config *cfg, char *err, size_t errlen)
{
	struct acd_config_errors *e = calloc(1, sizeof(*e));
	size_t off = 0;
	unsigned i;
	int rc;

	if (!e)
		return -ENOMEM;
	rc = config_load(path, path ? NULL : acd_config_embedded, cfg, e);
	for (i = 0; i < e->n && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, "%s%s", i ? "\n" : "", e->msg[i]);
	for (i = 0; i < e->nwarn; i++)
		log_warnx("reload: %s", e->warn[i]);
	if (e->wmore)
		log_warnx("reload: %u more warnings about the config", e->wmore);
	free(e);
	return rc;
}

void acd_reload_hook(struct acd *a, struct acd_reload_hook *h)
{
	struct acd_reload_hook **pp;

	/* at the end: the order of registration is the order they run in */
	for (pp = &a->reload_hooks; *pp; pp = &(*pp)->next)
		;
	h->next = NULL;
	*pp = h;
}

void acd_reload_unhook(struct acd *a, struct acd_reload_hook *h)
{
	struct acd_reload_hook **pp;

	for (pp = &a->reload_hooks; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			h->next = NULL;
			return;
		}
}

/* a key of acd_conf_table a reload cannot change (CONF_RESTART): it keeps
 * its running value, and the log says so */
static void say_restart(void *arg, const char *line)
{
	(void)arg;
	log_warnx("reload: %s", line);
}

/* [acd] log: acd -d stays on stderr (log_pin_stderr). */
static void reload_log(struct acd *a, const struct acd_config *n)
{
	bool want = strcmp(n->log, "stderr") == 0;

	if (strcmp(n->log, a->cfg.log) == 0)
		return;
	if (log_set_target(want) != want)
		log_notice("reload: [acd] log = %s: acd -d logs to stderr", n->log);
	else
		log_notice("reload: [acd] log: %s now", n->log);
}

/* Every hook's prepare, in order; on a refusal, cancel those that had
 * said yes, so nothing has changed.  0 or -EINVAL. */
static int prepare_all(struct acd *a, const struct acd_config *n, char *err, size_t errlen)
{
	struct acd_reload_hook *h, *u;

	for (h = a->reload_hooks; h; h = h->next) {
		if (!h->prepare)
			continue;
		err[0] = '\0';
		if (h->prepare(a, n, err, errlen) == 0)
			continue;
		if (!err[0])
			snprintf(err, errlen, "%s refused the config: the running config stays",
				 h->name);
		log_debug("reload: %s refused: %s", h->name, err);
		for (u = a->reload_hooks; u != h; u = u->next)
			if (u->cancel)
				u->cancel(a);
		return -EINVAL;
	}
	return 0;
}

int acd_reload(struct acd *a, char *err, size_t errlen)
{
	/* the new config, then the one it replaced, for the applied hooks */
	struct {
		struct acd_config next, old;
	} *r = malloc(sizeof(*r));
	struct acd_reload_hook *h;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (acd_config_load(a->cfg_path, &r->next, err, errlen) < 0) {
		char oneline[2048];
		size_t i;

		/* one log line per event: the errors joined */
		snprintf(oneline, sizeof(oneline), "%s", err);
		for (i = 0; oneline[i]; i++)
			if (oneline[i] == '\n')
				oneline[i] = ';';
		log_warnx("reload: config has errors, the running config stays: %s", oneline);
		free(r);
		return -EINVAL;
	}
	conf_keep_restart(&acd_conf_table, &r->next, &a->cfg, say_restart, NULL);
	if (prepare_all(a, &r->next, err, errlen) < 0) {
		free(r);
		return -EINVAL;
	}
	/* nothing can refuse from here on */
	reload_log(a, &r->next);
	log_setlevel(r->next.log_level);
	r->old = a->cfg;
	a->cfg = r->next;
	for (h = a->reload_hooks; h; h = h->next)
		if (h->applied)
			h->applied(a, &r->old);
	free(r);
	log_notice("reload: config %s applied to %u session(s)",
		   a->cfg_path ? a->cfg_path : "(built-in)", a->sess.n);
	return 0;
}
