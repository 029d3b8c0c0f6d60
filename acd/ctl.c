/*
 * ctl.c - the management socket: newline-delimited JSON requests in, one
 * reply each, events for monitors.  The commands are cmd.c's; here are the
 * clients, their framing, their limits and their credentials.  Input is
 * bounded per line, output per client; a client that does not read its
 * replies is dropped, never waited for, and one that stays silent is
 * closed, so idle connections cannot hold every slot, and the clients of
 * users other than root cannot hold more than ACD_CLIENTS_USER_MAX of
 * them, so pppd's hooks (root's) always find room.  Who may run what is
 * the command table's permission column, decided from the peer's
 * credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "acd.h"
#include "cmdtab.h"
#include "ctl.h"
#include "log.h"
#include "outbuf.h"
#include "proto.h"
#include "reload.h"

/* A client that is not a monitor and neither sends nor reads for this
 * long is closed (acdctl and the hooks take milliseconds). */
#define CTL_IDLE_S 60.0
/* Out of descriptors, acd stops accepting for this long: the connection
 * waits in the listen queue (acdctl tries again) instead of acd spinning
 * on a socket that stays readable. */
#define CTL_ACCEPT_PAUSE_S 0.1
/* At most one log line this often about refused connections, however many
 * a client makes. */
#define CTL_REFUSED_LOG_S 1.0

struct client {
	struct client *next;
	struct ctl *ctl;
	int fd;
	ev_io rw, ww;
	ev_timer idle;
	uid_t uid;                      /* SO_PEERCRED's, at connect() */
	gid_t gid;
	struct ctl_peer peer;           /* as the commands see it: "uid:N", monitor */
	bool closing;                   /* close once the output is flushed */
	bool paused;                    /* not reading: too many unread replies */
	struct ctl_input in;
	struct outbuf out;
};

struct ctl {
	struct acd *a;
	int fd;
	ev_io w;
	ev_timer accept_pause;          /* out of descriptors: accept again later */
	bool accept_failing;            /* since the last client accepted */
	struct client *clients;
	unsigned nclients;
	unsigned nusers;                /* those of them whose uid is not 0 */
	ev_tstamp refused_logged;       /* when a refusal was last logged */
	unsigned refused_quiet;         /* refusals since, not logged */
	char path[108];
	struct acd_reload_hook reload;  /* [control] group */
};

/* ---- the connection machinery ---- */

static void client_free(struct client *c)
{
	struct ctl *ctl = c->ctl;
	struct client **pp;

	ev_io_stop(ctl->a->loop, &c->rw);
	ev_io_stop(ctl->a->loop, &c->ww);
	ev_timer_stop(ctl->a->loop, &c->idle);
	close(c->fd);
	for (pp = &ctl->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl->nclients--;
	ctl->nusers -= c->uid != 0;
	outbuf_free(&c->out);
	free(c);
}

static int queue(struct client *c, const char *s, size_t n)
{
	if (outbuf_add(&c->out, s, n, ACD_OUTPUT_MAX) < 0 ||
	    outbuf_add(&c->out, "\n", 1, ACD_OUTPUT_MAX) < 0)
		return -1;
	ev_io_start(c->ctl->a->loop, &c->ww);
	return 0;
}

/* Returns -1 if the client was dropped. */
static int send_json(struct client *c, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	int rc = s ? queue(c, s, strlen(s)) : -1;

	free(s);
	if (rc < 0) {
		log_warnx("ctl: client pid=%d uid=%u does not read its replies: dropped",
			  (int)c->peer.pid, (unsigned)c->uid);
		client_free(c);
	}
	return rc;
}

static void ctl_event(struct ctl *ctl, const char *event, json_t *payload)
{
	struct client *c, *next;
	json_t *o;

	o = json_pack("{s:i,s:s,s:O}", "v", ACD_PROTO_VERSION, "event", event, "session", payload);
	for (c = ctl->clients; c; c = next) {
		next = c->next;
		if (c->peer.monitor && !c->closing)
			(void)send_json(c, o);
	}
	json_decref(o);
}

/* The monitor's events, from the session core's: a session as show
 * session gives it.  Found at start-up and gone are no event (the
 * monitor sees the session, or its end). */
static void on_session(const struct session_event *ev, void *ctx)
{
	struct ctl *ctl = ctx;
	const char *name;
	struct client *c;
	json_t *j;

	switch (ev->type) {
	case SESSION_UP:
	case SESSION_ADOPTED:
		name = "session-up";
		break;
	case SESSION_DOWN:
		name = "session-down";
		break;
	case SESSION_PROTO_UP:
	case SESSION_PROTO_DOWN:
	case SESSION_POLICY:
	case SESSION_OVERRIDE:
	case SESSION_RESTORED:
		name = "session-changed";
		break;
	default:
		return;
	}
	for (c = ctl->clients; c; c = c->next) /* the JSON only for a monitor */
		if (c->peer.monitor && !c->closing)
			break;
	if (!c)
		return;
	j = session_json(ev->s, true);
	ctl_event(ctl, name, j);
	json_decref(j);
}

/*
 * The peer's supplementary groups, as the kernel took them at connect()
 * (SO_PEERGROUPS, Linux 4.13): the credentials the process has, not what
 * the group database says (a process that dropped a group has not got
 * it), and no NSS lookup (LDAP, sssd) that could stall the loop, as
 * getgrouplist() of the uid's name would.  Into *out (free() it); how
 * many, or -errno.
 */
static ssize_t peer_groups(int fd, gid_t **out)
{
	socklen_t want = 64 * sizeof(gid_t);
	gid_t *g = NULL;
	int tries;

	*out = NULL;
	for (tries = 0; tries < 3; tries++) {
		socklen_t len = want;
		gid_t *ng = realloc(g, want ? want : 1);
		int e;

		if (!ng) {
			free(g);
			return -ENOMEM;
		}
		g = ng;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
			*out = g;
			return (ssize_t)(len / sizeof(gid_t));
		}
		e = errno;
		if (e != ERANGE) {
			free(g);
			return -e;
		}
		want = len; /* what the kernel needs */
	}
	free(g);
	return -ERANGE;
}

/* What the client may run, as far as command k needs to know: above
 * read-only, a peer not root needs [control] admin-group, checked against
 * the running config (a reload applies it to the next command). */
static enum cmd_perm client_perm(struct client *c, const struct cmd *k)
{
	static bool warned;
	gid_t *groups;
	ssize_t n;
	enum cmd_perm p;

	if (c->uid == 0)
		return CMD_ROOT;
	if (!k || k->perm == CMD_READ)
		return CMD_READ;
	n = peer_groups(c->fd, &groups);
	if (n < 0 && !warned) {
		log_warnx("ctl: cannot read a peer's groups (SO_PEERGROUPS): %s: only its primary "
			  "group counts for [control] admin-group", strerror((int)-n));
		warned = true;
	}
	p = cmd_peer_perm(c->uid, c->gid, groups, n > 0 ? (size_t)n : 0,
			  c->ctl->a->cfg.admin_gid);
	free(groups);
	return p;
}

/*
 * show sessions, written to the client as it is built (cmd.c), so 10 000
 * sessions cost their text (about 2.8 MB) and not a JSON tree of them all
 * (about 50 MB).  Returns -1 if the client was dropped.
 */
static int stream_sessions(struct client *c)
{
	struct acd *a = c->ctl->a;

	a->stats.requests++;
	if (ctl_stream_sessions(a, &c->out, ACD_REPLY_MAX) < 0) {
		log_warnx("ctl: client pid=%d uid=%u: show sessions over %u bytes: dropped",
			  (int)c->peer.pid, (unsigned)c->uid, ACD_REPLY_MAX);
		client_free(c);
		return -1;
	}
	ev_io_start(a->loop, &c->ww);
	return 0;
}

static int handle_line(struct client *c, const char *line, size_t len)
{
	struct acd *a = c->ctl->a;
	const char *cmd, *code = NULL;
	json_t *reply, *args, *data = NULL;
	const struct cmd *k;
	char err[512];
	int rc;

	rc = ctl_parse_request(line, len, &cmd, &args, err, sizeof(err));
	if (rc < 0) {
		a->stats.requests++;
		code = rc == -2 ? ACD_E_CMD : ACD_E_PROTO;
	} else {
		k = cmd_named(cmd);
		c->peer.perm = client_perm(c, k);
		if (k == &cmd_table[CMD_SHOW_SESSIONS] && cmd_permits(k, c->peer.perm)) {
			json_decref(args);
			return stream_sessions(c);
		}
		data = ctl_execute(a, &c->peer, cmd, args, err, sizeof(err), &code);
		json_decref(args);
		if (c->peer.monitor)
			ev_timer_stop(a->loop, &c->idle); /* long-lived on purpose */
	}
	if (!data) {
		a->stats.bad_requests += strcmp(code, ACD_E_PROTO) == 0;
		reply = json_pack("{s:i,s:b,s:s,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error", err,
				  "code", code);
	} else {
		reply = json_pack("{s:i,s:b,s:o}", "v", ACD_PROTO_VERSION, "ok", 1, "data", data);
	}
	rc = send_json(c, reply);
	json_decref(reply);
	return rc;
}

static int process_lines(struct client *c);

static void on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	size_t before = outbuf_pending(&c->out);
	int rc;

	(void)revents;
	rc = outbuf_flush(&c->out, c->fd);
	if (rc < 0 || (rc == 1 && c->closing)) {
		client_free(c);
		return;
	}
	if (outbuf_pending(&c->out) < before && !c->peer.monitor)
		ev_timer_again(loop, &c->idle); /* reading a long reply is not idle */
	if (rc == 1)
		ev_io_stop(loop, w);
	if (c->paused && !c->closing && outbuf_pending(&c->out) <= ACD_OUTPUT_LOW) {
		c->paused = false;
		ev_io_start(loop, &c->rw);
		(void)process_lines(c); /* what it sent while paused */
	}
}

/* An over-long request: refused, the connection kept.  Returns -1 if the
 * client was dropped. */
static int refuse_long(struct client *c)
{
	json_t *e = json_pack("{s:i,s:b,s:o,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error",
			      json_sprintf("request longer than %d bytes (its newline not counted): "
					   "refused", ACD_REQUEST_MAX),
			      "code", ACD_E_PROTO);
	int rc;

	c->ctl->a->stats.bad_requests++;
	rc = send_json(c, e);
	json_decref(e);
	return rc;
}

/* Handle the complete requests in the input, unless the client is paused.
 * Returns -1 if the client was dropped (freed). */
static int process_lines(struct client *c)
{
	const char *line;
	size_t len;
	int ev;

	while (!c->paused && (ev = ctl_input_next(&c->in, &line, &len)) != CTL_INPUT_MORE) {
		if ((ev == CTL_INPUT_LONG ? refuse_long(c) : handle_line(c, line, len)) < 0)
			return -1;
		if (outbuf_pending(&c->out) > ACD_OUTPUT_HIGH && !c->paused) {
			c->paused = true;
			ev_io_stop(c->ctl->a->loop, &c->rw);
			log_debug("ctl: client pid=%d uid=%u is not reading its replies: paused",
				  (int)c->peer.pid, (unsigned)c->uid);
		}
	}
	return 0;
}

char *ctl_input_space(struct ctl_input *in, size_t *room)
{
	if (in->start) {
		memmove(in->buf, in->buf + in->start, in->len - in->start);
		in->len -= in->start;
		in->scanned = in->scanned > in->start ? in->scanned - in->start : 0;
		in->start = 0;
	}
	*room = sizeof(in->buf) - in->len;
	return in->buf + in->len;
}

void ctl_input_added(struct ctl_input *in, size_t n)
{
	in->len += n;
}

int ctl_input_next(struct ctl_input *in, const char **line, size_t *len)
{
	/* a client sending a byte at a time costs each byte once, not the
	 * whole request again */
	size_t from = in->scanned > in->start ? in->scanned : in->start;
	char *p = in->buf + in->start, *nl = memchr(in->buf + from, '\n', in->len - from);

	if (in->discarding) {
		if (!nl) {
			in->start = in->len = in->scanned = 0;
			return CTL_INPUT_MORE;
		}
		in->discarding = false;
		in->start = (size_t)(nl + 1 - in->buf);
		p = nl + 1;
		nl = memchr(p, '\n', in->len - in->start);
	}
	if (nl) {
		*line = p;
		*len = (size_t)(nl - p);
		in->start = (size_t)(nl + 1 - in->buf);
		return CTL_INPUT_LINE;
	}
	if (in->len - in->start > ACD_REQUEST_MAX) {
		/* no newline within ACD_REQUEST_MAX + 1 bytes */
		in->discarding = true;
		in->start = in->len = in->scanned = 0;
		return CTL_INPUT_LONG;
	}
	in->scanned = in->len;
	return CTL_INPUT_MORE;
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	size_t room;
	char *p = ctl_input_space(&c->in, &room);
	ssize_t n;

	(void)revents;
	if (room == 0) /* cannot be: every read is followed by process_lines() */
		return;
	n = read(c->fd, p, room);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (outbuf_pending(&c->out)) { /* the peer half-closed: finish replying */
			c->closing = true;
			ev_io_stop(loop, &c->rw);
		} else {
			client_free(c);
		}
		return;
	}
	if (!c->peer.monitor)
		ev_timer_again(loop, &c->idle);
	ctl_input_added(&c->in, (size_t)n);
	(void)process_lines(c); /* may drop c, or pause it: the rest waits in the buffer */
}

static void on_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct client *c = w->data;

	(void)loop;
	(void)revents;
	log_info("ctl: client pid=%d uid=%u idle for %.0fs: closed", (int)c->peer.pid, (unsigned)c->uid,
		 CTL_IDLE_S);
	client_free(c);
}

/*
 * A connection acd will not serve: one EBUSY line (a fresh socket's buffer
 * takes it), then closed.  Logged at most once a CTL_REFUSED_LOG_S, with
 * the count of those not logged, so a client that keeps knocking cannot
 * flood the log.
 */
static void refuse_busy(struct ctl *ctl, int fd, const struct ucred *cred, bool users)
{
	ev_tstamp now = ev_now(ctl->a->loop);
	json_t *e;
	char *text;
	char why[96];

	if (users)
		snprintf(why, sizeof(why), "%d clients of users other than root already",
			 ACD_CLIENTS_USER_MAX);
	else
		snprintf(why, sizeof(why), "%d clients already", ACD_CLIENTS_MAX);
	e = json_pack("{s:i,s:b,s:o,s:s}", "v", ACD_PROTO_VERSION, "ok", 0, "error",
		      json_sprintf("acd serves %s: try again later", why), "code", ACD_E_BUSY);
	text = json_dumps(e, JSON_COMPACT);
	if (text) {
		(void)!write(fd, text, strlen(text));
		(void)!write(fd, "\n", 1);
	}
	free(text);
	json_decref(e);
	close(fd);
	if (ctl->refused_logged > 0 && now - ctl->refused_logged < CTL_REFUSED_LOG_S) {
		ctl->refused_quiet++;
		return;
	}
	if (ctl->refused_quiet)
		log_warnx("ctl: uid=%u pid=%d: %s: connection refused (and %u more since the "
			  "last message)", (unsigned)cred->uid, (int)cred->pid, why,
			  ctl->refused_quiet);
	else
		log_warnx("ctl: uid=%u pid=%d: %s: connection refused", (unsigned)cred->uid,
			  (int)cred->pid, why);
	ctl->refused_logged = now;
	ctl->refused_quiet = 0;
}

static void on_accept_pause(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl *ctl = w->data;

	(void)revents;
	ev_io_start(loop, &ctl->w);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl *ctl = w->data;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct client *c;
	int fd;

	(void)revents;
	fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* the connection stays queued, the socket readable */
			if (!ctl->accept_failing)
				log_warnx("ctl: cannot accept clients: %s: trying again every %.1fs",
					  strerror(errno), CTL_ACCEPT_PAUSE_S);
			ctl->accept_failing = true;
			ev_io_stop(loop, &ctl->w);
			ev_timer_set(&ctl->accept_pause, CTL_ACCEPT_PAUSE_S, 0);
			ev_timer_start(loop, &ctl->accept_pause);
		}
		return;
	}
	if (ctl->accept_failing) {
		log_notice("ctl: accepting clients again");
		ctl->accept_failing = false;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		close(fd);
		return;
	}
	/* root's (pppd's hooks) may take any slot; the others, all of them
	 * together, at most ACD_CLIENTS_USER_MAX */
	if (ctl->nclients >= ACD_CLIENTS_MAX ||
	    (cred.uid != 0 && ctl->nusers >= ACD_CLIENTS_USER_MAX)) {
		refuse_busy(ctl, fd, &cred, ctl->nclients < ACD_CLIENTS_MAX);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->peer.pid = cred.pid;
	snprintf(c->peer.by, sizeof(c->peer.by), "uid:%u", (unsigned)cred.uid);
	ev_io_init(&c->rw, on_read, fd, EV_READ);
	ev_io_init(&c->ww, on_write, fd, EV_WRITE);
	ev_init(&c->idle, on_idle);
	c->idle.repeat = CTL_IDLE_S;
	c->rw.data = c->ww.data = c->idle.data = c;
	ev_io_start(loop, &c->rw);
	ev_timer_again(loop, &c->idle);
	c->next = ctl->clients;
	ctl->clients = c;
	ctl->nclients++;
	ctl->nusers += c->uid != 0;
}

/* A reload's [control] group: the socket file's group, at once; clients
 * already connected stay.  On failure the running group stays, in the
 * file and in the config. */
static void group_reloaded(struct acd *a, const struct acd_config *old)
{
	struct acd_config *c = &a->cfg;
	int e;

	if (strcmp(c->socket_group, old->socket_group) == 0 && c->socket_gid == old->socket_gid)
		return;
	if (!c->socket_group[0])
		c->socket_gid = 0; /* root's group, as a socket bound by root gets */
	/* the path, not the fd: fchown on a socket does not reach its file */
	if (lchown(a->ctl->path, (uid_t)-1, c->socket_gid) < 0) {
		e = errno;
		log_warnx("reload: [control] group %s: cannot chown %s: %s; still %s",
			  c->socket_group[0] ? c->socket_group : "(root's)", c->socket,
			  strerror(e), old->socket_group[0] ? old->socket_group : "(root's)");
		snprintf(c->socket_group, sizeof(c->socket_group), "%s", old->socket_group);
		c->socket_gid = old->socket_gid;
		return;
	}
	log_notice("reload: [control] group %s: %s is gid %u now (connected clients stay)",
		   c->socket_group[0] ? c->socket_group : "(root's)", c->socket,
		   (unsigned)c->socket_gid);
}

struct ctl *ctl_open(struct acd *a, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	char dir[108], *slash;
	mode_t old;

	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctl->a = a;
	snprintf(ctl->path, sizeof(ctl->path), "%s", a->cfg.socket);
	snprintf(dir, sizeof(dir), "%s", ctl->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", ctl->path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		free(ctl);
		return NULL;
	}
	/* a socket file left by a crash: only remove it if nobody answers */
	if (connect(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		snprintf(err, errlen, "%s: another acd is running (it answered)", ctl->path);
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	(void)unlink(ctl->path);
	old = umask(0117); /* 0660 */
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		snprintf(err, errlen, "%s: cannot bind: %s", ctl->path, strerror(errno));
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	umask(old);
	/* the longest listen queue the kernel allows (net.core.somaxconn):
	 * a storm of pppds (hooks or acd.so) connects at once, and every
	 * connection the queue cannot hold fails (EAGAIN) and comes back
	 * later; waiting in the queue costs acd nothing */
	if (chmod(ctl->path, 0660) < 0 ||
	    (a->cfg.socket_group[0] && chown(ctl->path, (uid_t)-1, a->cfg.socket_gid) < 0) ||
	    listen(ctl->fd, SOMAXCONN) < 0) {
		snprintf(err, errlen, "%s: %s", ctl->path, strerror(errno));
		close(ctl->fd);
		unlink(ctl->path);
		free(ctl);
		return NULL;
	}
	ev_io_init(&ctl->w, on_accept, ctl->fd, EV_READ);
	ctl->w.data = ctl;
	ev_init(&ctl->accept_pause, on_accept_pause);
	ctl->accept_pause.data = ctl;
	ev_io_start(a->loop, &ctl->w);
	ctl->reload.name = "control socket";
	ctl->reload.applied = group_reloaded;
	acd_reload_hook(a, &ctl->reload);
	return ctl;
}

int ctl_listen(struct ctl *ctl)
{
	const struct session_listener l = { .event = on_session, .ctx = ctl };

	return session_listen(&ctl->a->sess, &l);
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	acd_reload_unhook(ctl->a, &ctl->reload);
	while (ctl->clients)
		client_free(ctl->clients);
	ev_io_stop(ctl->a->loop, &ctl->w);
	ev_timer_stop(ctl->a->loop, &ctl->accept_pause);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
