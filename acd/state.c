/*
 * state.c - what must survive a restart of acd: the session records
 * (pppd's pid and the hook's facts cannot be read back from the kernel)
 * and operator overrides.  One JSON file in the state directory, written
 * atomically (temp file, fsync, rename), read once at start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acd.h"
#include "log.h"

#define STATE_FILE "sessions.json"

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int session_state_save(struct acd *a)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	json_t *root = json_object(), *arr = json_array();
	struct session *s;
	char *text;
	int fd, rc;

	for (s = a->sessions; s; s = s->next) {
		json_t *o = json_object();

		json_object_set_new(o, "ifname", json_string(s->ifname));
		json_object_set_new(o, "ifindex", json_integer(s->ifindex));
		json_object_set_new(o, "user", json_string(s->user));
		json_object_set_new(o, "ip", json_string(s->ip));
		json_object_set_new(o, "local_ip", json_string(s->local_ip));
		json_object_set_new(o, "ipv6", json_string(s->ipv6_ll));
		json_object_set_new(o, "mac", json_string(s->mac));
		json_object_set_new(o, "pppd_pid", json_integer(s->pppd_pid));
		json_object_set_new(o, "started", json_integer((json_int_t)s->started));
		json_object_set_new(o, "acct_session_id", json_string(s->acct_session_id));
		if (s->coa) {
			json_object_set_new(o, "coa_down", json_integer((json_int_t)s->coa_down));
			json_object_set_new(o, "coa_up", json_integer((json_int_t)s->coa_up));
			json_object_set_new(o, "coa_source", json_string(s->coa_src));
		}
		if (s->override) {
			json_object_set_new(o, "override_down", json_integer((json_int_t)s->ov_down));
			json_object_set_new(o, "override_up", json_integer((json_int_t)s->ov_up));
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "sessions", arr);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text)
		return -ENOMEM;

	snprintf(path, sizeof(path), "%s/%s", a->cfg.state_dir, STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		log_warn("state: cannot write %s", tmp);
		free(text);
		return rc;
	}
	rc = write_all(fd, text, strlen(text));
	free(text);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		errno = -rc;
		log_warn("state: cannot save %s", path);
		unlink(tmp);
	}
	return rc;
}

static void on_state_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	(void)session_state_save(w->data);
}

void session_state_later(struct acd *a)
{
	if (!a->loop) {
		(void)session_state_save(a);
		return;
	}
	if (!a->state_timer_init) {
		ev_timer_init(&a->state_timer, on_state_timer, SESSION_STATE_DELAY, 0);
		a->state_timer.data = a;
		a->state_timer_init = true;
	}
	if (!ev_is_active(&a->state_timer)) {
		/* libev keeps what is left of the last run in the watcher
		 * (nothing, once it fired): without a fresh set it would
		 * fire at once and save once per session again */
		ev_timer_set(&a->state_timer, SESSION_STATE_DELAY, 0);
		ev_timer_start(a->loop, &a->state_timer);
	}
}

/* The saved record of an interface, if its ifindex still matches: the
 * ifindex is never reused while the box runs, so a match is the same
 * link, not a new session that got the old name. */
json_t *state_load(struct acd *a)
{
	char path[PATH_MAX + 32];
	json_error_t jerr;
	json_t *root;

	snprintf(path, sizeof(path), "%s/%s", a->cfg.state_dir, STATE_FILE);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (access(path, F_OK) == 0)
			log_warnx("state: %s:%d: %s: starting without saved sessions", path,
				  jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_array(json_object_get(root, "sessions"))) {
		log_warnx("state: %s: no session list: ignored", path);
		json_decref(root);
		return NULL;
	}
	return root;
}
