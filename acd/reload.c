/*
 * reload.c - loading acd.conf and reloading it into a running daemon:
 * parse and check the whole new file, then swap; a bad file changes
 * nothing.  A setting that only a restart can change keeps its running
 * value, and the log names it.
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
	if (strcmp(n->socket, a->cfg.socket) != 0) {
		log_warnx("reload: [control] socket changes at the next start; still %s",
			  a->cfg.socket);
		snprintf(n->socket, sizeof(n->socket), "%s", a->cfg.socket);
	}
	if (strcmp(n->telnet, a->cfg.telnet) != 0 ||
	    strcmp(n->telnet_password_file, a->cfg.telnet_password_file) != 0) {
		log_warnx("reload: [control] telnet settings change at the next start");
		snprintf(n->telnet, sizeof(n->telnet), "%s", a->cfg.telnet);
		snprintf(n->telnet_password_file, sizeof(n->telnet_password_file), "%s",
			 a->cfg.telnet_password_file);
	}
	if (strcmp(n->state_dir, a->cfg.state_dir) != 0) {
		log_warnx("reload: [acd] state-dir changes at the next start; still %s",
			  a->cfg.state_dir);
		snprintf(n->state_dir, sizeof(n->state_dir), "%s", a->cfg.state_dir);
	}
	if (strcmp(n->coa_listen, a->cfg.coa_listen) != 0) {
		log_warnx("reload: [coa] listen changes at the next start; still %s",
			  a->cfg.coa_listen[0] ? a->cfg.coa_listen : "off");
		snprintf(n->coa_listen, sizeof(n->coa_listen), "%s", a->cfg.coa_listen);
	}
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
	for (s = a->sessions; s; s = s->next) {
		sessrad_policy(a, s);
		(void)session_shape(a, s);
	}
	log_notice("reload: config %s applied to %u session(s)",
		   a->cfg_path ? a->cfg_path : "(built-in)", a->nsessions);
	return 0;
}

