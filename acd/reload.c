/*
 * reload.c - loading acd.conf and reloading it into a running daemon:
 * parse and check the whole new file, then swap; a bad file changes
 * nothing.  A setting that only a restart can change (CONF_RESTART in
 * config.c's table) keeps its running value, and the log names it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acd.h"
#include "ctl.h"
#include "log.h"
#include "natmon.h"
#include "sessrad.h"

int acd_config_load(const char *path, struct acd_config *cfg, char *err, size_t errlen)
{
	struct acd_config_errors *e = calloc(1, sizeof(*e));
	size_t off = 0;
	unsigned i;
	int rc;

	if (!e)
		return -ENOMEM;
	rc = config_parse(path, path ? NULL : acd_config_embedded, cfg, e);
	for (i = 0; i < e->n && off < errlen; i++)
		off += (size_t)snprintf(err + off, errlen - off, "%s%s", i ? "\n" : "", e->msg[i]);
	free(e);
	return rc;
}

/* [control] group: the socket file's group, at once.  On failure the
 * running group stays, in the file and in the config. */
static void reload_group(struct acd *a, struct acd_config *n)
{
	int rc;

	if (strcmp(n->socket_group, a->cfg.socket_group) == 0 && n->socket_gid == a->cfg.socket_gid)
		return;
	if (!n->socket_group[0])
		n->socket_gid = 0; /* root's group, as a socket bound by root gets */
	rc = a->ctl ? ctl_set_group(a->ctl, n->socket_gid) : 0;
	if (rc < 0) {
		log_warnx("reload: [control] group %s: cannot chown %s: %s; still %s",
			  n->socket_group[0] ? n->socket_group : "(root's)", a->cfg.socket,
			  strerror(-rc), a->cfg.socket_group[0] ? a->cfg.socket_group : "(root's)");
		snprintf(n->socket_group, sizeof(n->socket_group), "%s", a->cfg.socket_group);
		n->socket_gid = a->cfg.socket_gid;
		return;
	}
	log_notice("reload: [control] group %s: %s is gid %u now (connected clients stay)",
		   n->socket_group[0] ? n->socket_group : "(root's)", a->cfg.socket,
		   (unsigned)n->socket_gid);
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

int acd_reload(struct acd *a, char *err, size_t errlen)
{
	struct acd_config *n = malloc(sizeof(*n));
	struct session *s;

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (acd_config_load(a->cfg_path, n, err, errlen) < 0) {
		char oneline[2048];
		size_t i;

		/* one log line per event: the errors joined */
		snprintf(oneline, sizeof(oneline), "%s", err);
		for (i = 0; oneline[i]; i++)
			if (oneline[i] == '\n')
				oneline[i] = ';';
		log_warnx("reload: config has errors, the running config stays: %s", oneline);
		free(n);
		return -EINVAL;
	}
	conf_keep_restart(&acd_conf_table, n, &a->cfg, say_restart, NULL);
	if (strcmp(n->dictionary, a->cfg.dictionary) != 0 && sessrad_reload(a, n->dictionary) < 0) {
		snprintf(err, errlen, "%s: cannot load the dictionary: the running config stays",
			 n->dictionary);
		free(n);
		return -EINVAL;
	}
	reload_group(a, n);
	reload_log(a, n);
	log_setlevel(n->log_level);
	a->cfg = *n;
	free(n);
	if (a->nat)
		natmon_reconfigure(a->nat, &a->cfg.nat64, a->cfg.nat64_check_s);
	else
		a->nat = natmon_open(&a->cfg.nat64, a->cfg.nat64_check_s);
	/* policies may depend on the new [shaper] section: apply them all */
	for (s = a->sess.list; s; s = s->next) {
		sessrad_policy(a, s);
		(void)session_shape(&a->sess, s);
	}
	log_notice("reload: config %s applied to %u session(s)",
		   a->cfg_path ? a->cfg_path : "(built-in)", a->sess.n);
	return 0;
}

