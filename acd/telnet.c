/*
 * telnet.c - the text management interface, for operators used to
 * accel-ppp's "accel-cmd"/telnet: the same command table as the socket,
 * typed as words ("show sessions", "shaper set ppp0 10M 2M"), printed
 * by the same renderer as acdctl.
 *
 * Off unless [control] telnet is set; a password read from a file only
 * root may read is required; lines are bounded, idle clients are closed,
 * the number of clients is limited.  A client that has not logged in gets
 * TELNET_LOGIN_S in all, however much it types, so a few idle connections
 * cannot hold every slot for the idle timeout; each wrong password costs
 * TELNET_RETRY_S before the next prompt.  Telnet option negotiation is not
 * spoken; IAC sequences are skipped, and echo is turned off for the
 * password the way telnet servers do.  A line ends at CR LF, CR NUL, CR or
 * LF (telnet.h: the decoder, apart from the I/O).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acd.h"
#include "ctl.h"
#include "log.h"
#include "secret.h"
#include "outbuf.h"
#include "proto.h"
#include "render.h"
#include "telnet.h"

#define TELNET_TRIES 3
#define TELNET_LOGIN_S 30.0             /* from connect to logged in */
#define TELNET_RETRY_S 1.0              /* after a wrong password; input meanwhile is dropped */

static const unsigned char iac_will_echo[] = { 255, 251, 1 };
static const unsigned char iac_wont_echo[] = { 255, 252, 1 };

struct tclient {
	struct tclient *next;
	struct telnet *t;
	int fd;
	ev_io rw, ww;
	ev_timer idle;                  /* the login deadline until authed, then idle */
	ev_timer retry;                 /* the pause after a wrong password */
	bool authed, closing, waiting;
	int tries;
	char peer[64];
	struct telnet_rx rx;
	struct outbuf out;
};

struct telnet {
	struct acd *a;
	int fd;
	ev_io w;
	struct tclient *clients;
	unsigned nclients;
	char password[ACD_TELNET_PASSWORD_BUF];
};

/* ---- the decoder (telnet.h) ---- */

enum {
	RX_DATA,
	RX_IAC,                         /* after IAC */
	RX_OPT,                         /* after IAC WILL/WONT/DO/DONT: the option */
	RX_SB,                          /* inside IAC SB ... */
	RX_SB_IAC,                      /* an IAC inside it: IAC SE ends it */
};

#define IAC 255
#define SB 250
#define SE 240
#define WILL 251
#define DONT 254

size_t telnet_rx(struct telnet_rx *rx, const unsigned char *p, size_t n, int *ev)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char b = p[i];

		switch (rx->state) {
		case RX_IAC:
			rx->state = b == SB ? RX_SB : b >= WILL && b <= DONT ? RX_OPT : RX_DATA;
			if (b != IAC)
				continue;
			break; /* IAC IAC: the data byte 255 */
		case RX_OPT:
			rx->state = RX_DATA;
			continue;
		case RX_SB:
			if (b == IAC)
				rx->state = RX_SB_IAC;
			continue;
		case RX_SB_IAC:
			rx->state = b == SE ? RX_DATA : RX_SB;
			continue;
		default:
			if (b == IAC) {
				rx->state = RX_IAC;
				continue;
			}
		}
		/* a data byte */
		if (rx->cr) {
			rx->cr = false;
			if (b == '\0' || b == '\n')
				continue; /* the rest of CR NUL, CR LF */
		}
		if (b == '\r' || b == '\n') {
			rx->cr = b == '\r';
			rx->line[rx->len] = '\0';
			*ev = rx->overlong ? TELNET_RX_LONG : TELNET_RX_LINE;
			return i + 1;
		}
		if (b == '\0')
			continue;
		if (rx->len < TELNET_LINE_MAX)
			rx->line[rx->len++] = (char)b;
		else
			rx->overlong = true;
	}
	*ev = TELNET_RX_MORE;
	return n;
}

void telnet_rx_clear(struct telnet_rx *rx)
{
	explicit_bzero(rx->line, rx->len + 1);
	rx->len = 0;
	rx->overlong = false;
}

/* ---- the server ---- */

static void tclient_free(struct tclient *c)
{
	struct tclient **pp;
	struct telnet *t = c->t;

	ev_io_stop(t->a->loop, &c->rw);
	ev_io_stop(t->a->loop, &c->ww);
	ev_timer_stop(t->a->loop, &c->idle);
	ev_timer_stop(t->a->loop, &c->retry);
	close(c->fd);
	for (pp = &t->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	t->nclients--;
	explicit_bzero(&c->rx, sizeof(c->rx));
	outbuf_free(&c->out);
	free(c);
}

static int out(struct tclient *c, const void *p, size_t n)
{
	if (outbuf_add(&c->out, p, n, ACD_OUTPUT_MAX) < 0)
		return -1;
	ev_io_start(c->t->a->loop, &c->ww);
	return 0;
}

static int outs(struct tclient *c, const char *s)
{
	return out(c, s, strlen(s));
}

/* Text with bare \n turned into \r\n, as telnet clients expect. */
static int out_text(struct tclient *c, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\n') {
			if (out(c, s + start, i - start) < 0 || out(c, "\r\n", 2) < 0)
				return -1;
			start = i + 1;
		}
	return out(c, s + start, n - start);
}

/* Constant time, so the length of a matching prefix does not leak. */
static bool password_ok(const char *want, const char *got)
{
	size_t lw = strlen(want), lg = strlen(got), i;
	unsigned char diff = (unsigned char)(lw != lg);

	for (i = 0; i < lg; i++)
		diff |= (unsigned char)(got[i] ^ want[lw ? i % lw : 0]);
	return diff == 0 && lw > 0;
}

static int run_line(struct tclient *c, const char *line)
{
	struct acd *a = c->t->a;
	char err[512], *buf = NULL;
	const char *cmd, *code;
	size_t len = 0;
	json_t *args, *data;
	FILE *f;
	int rc;

	if (!c->authed) {
		if (password_ok(c->t->password, line)) {
			c->authed = true;
			log_info("telnet: %s logged in", c->peer);
			c->idle.repeat = a->cfg.telnet_idle_s;
			ev_timer_again(a->loop, &c->idle);
			out(c, iac_wont_echo, sizeof(iac_wont_echo));
			return outs(c, "\r\nacd> ");
		}
		log_warnx("telnet: %s: wrong password", c->peer);
		if (++c->tries >= TELNET_TRIES) {
			outs(c, "\r\ntoo many tries\r\n");
			c->closing = true;
			return 0;
		}
		/* the next prompt (see on_retry) after a pause, not at once */
		c->waiting = true;
		ev_timer_set(&c->retry, TELNET_RETRY_S, 0);
		ev_timer_start(a->loop, &c->retry);
		return 0;
	}
	if (!line[strspn(line, " \t")])
		return outs(c, "acd> ");
	if (strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0) {
		c->closing = true;
		return outs(c, "bye\r\n");
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	if (strcmp(line, "help") == 0) {
		fputs("commands (an ID is an interface, a user or an IP):\n", f);
		ctl_help(f);
		fputs("  quit\n", f);
	} else if ((rc = ctl_parse_text(line, &cmd, &args, err, sizeof(err))) < 0) {
		fprintf(f, "error: %s\n", err);
	} else if (cmd_named(cmd)->flags & CMD_NOTEXT) {
		fprintf(f, "error: %s is not available over telnet (use acdctl)\n", cmd);
		json_decref(args);
	} else {
		/* the password is the admin's: every command but root's hooks */
		struct ctl_peer p = { .perm = CMD_ADMIN };

		snprintf(p.by, sizeof(p.by), "telnet:%s", c->peer);
		data = ctl_execute(a, &p, cmd, args, err, sizeof(err), &code);
		json_decref(args);
		if (!data) {
			fprintf(f, "error: %s\n", err);
		} else {
			render_text(f, cmd, data);
			if (json_is_null(data) || (json_is_object(data) && json_object_size(data) == 0))
				fputs("ok\n", f);
			json_decref(data);
		}
	}
	fputs("acd> ", f);
	fclose(f);
	rc = out_text(c, buf, len);
	free(buf);
	return rc;
}

static void on_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tclient *c = w->data;
	int rc;

	(void)revents;
	rc = outbuf_flush(&c->out, c->fd);
	if (rc < 0 || (rc == 1 && c->closing)) {
		tclient_free(c);
		return;
	}
	if (rc == 1)
		ev_io_stop(loop, w);
}

static void on_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tclient *c = w->data;

	(void)loop;
	(void)revents;
	if (c->authed)
		log_info("telnet: %s idle for %.0fs: closed", c->peer, c->idle.repeat);
	else
		log_notice("telnet: %s did not log in within %.0fs: closed", c->peer,
			   c->idle.repeat);
	tclient_free(c);
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tclient *c = w->data;

	(void)loop;
	(void)revents;
	c->waiting = false;
	telnet_rx_clear(&c->rx); /* what came meanwhile */
	if (outs(c, "\r\nPassword: ") < 0)
		tclient_free(c);
}

static void on_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tclient *c = w->data;
	unsigned char buf[512];
	size_t off;
	ssize_t n;

	(void)revents;
	n = read(c->fd, buf, sizeof(buf));
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		tclient_free(c);
		return;
	}
	if (c->authed)
		ev_timer_again(loop, &c->idle); /* the login deadline does not move */
	for (off = 0; off < (size_t)n;) {
		int ev;

		off += telnet_rx(&c->rx, buf + off, (size_t)n - off, &ev);
		if (ev == TELNET_RX_MORE)
			break;
		if (c->waiting) {
			/* after a wrong password, what comes in the same
			 * read or later is dropped until the next prompt */
		} else if (ev == TELNET_RX_LONG) {
			char msg[80];

			snprintf(msg, sizeof(msg), "error: line longer than %d bytes: ignored\r\nacd> ",
				 TELNET_LINE_MAX);
			if (outs(c, msg) < 0)
				goto drop;
		} else if (run_line(c, c->rx.line) < 0) {
			goto drop;
		}
		telnet_rx_clear(&c->rx);
		if (c->closing) {
			ev_io_stop(loop, &c->rw);
			break;
		}
	}
	explicit_bzero(buf, (size_t)n); /* a password, perhaps */
	return;
drop:
	explicit_bzero(buf, (size_t)n);
	log_warnx("telnet: %s does not read its output: dropped", c->peer);
	tclient_free(c);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct telnet *t = w->data;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct tclient *c;
	char host[INET6_ADDRSTRLEN] = "?";
	int fd;

	(void)revents;
	fd = accept4(t->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
	if (t->nclients >= t->a->cfg.telnet_max_clients) {
		static const char busy[] = "acd: too many telnet clients\r\n";

		log_warnx("telnet: %s refused: %u clients already", host, t->nclients);
		(void)!write(fd, busy, sizeof(busy) - 1);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->t = t;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", host);
	ev_io_init(&c->rw, on_read, fd, EV_READ);
	ev_io_init(&c->ww, on_write, fd, EV_WRITE);
	ev_init(&c->idle, on_idle);
	ev_init(&c->retry, on_retry);
	/* the login deadline; never longer than the idle timeout */
	c->idle.repeat = t->a->cfg.telnet_idle_s < TELNET_LOGIN_S ? t->a->cfg.telnet_idle_s
								   : TELNET_LOGIN_S;
	c->rw.data = c->ww.data = c->idle.data = c->retry.data = c;
	ev_io_start(loop, &c->rw);
	ev_timer_again(loop, &c->idle);
	c->next = t->clients;
	t->clients = c;
	t->nclients++;
	out(c, iac_will_echo, sizeof(iac_will_echo));
	outs(c, "acd management\r\nPassword: ");
}

struct telnet *telnet_open(struct acd *a, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct telnet *t;
	int one = 1;
	size_t pwlen;
	socklen_t sl;

	if (!a->cfg.telnet[0])
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->a = a;
	if (secret_read("telnet-password-file", a->cfg.telnet_password_file,
			ACD_TELNET_PASSWORD_MIN, t->password, sizeof(t->password), &pwlen, err,
			errlen) < 0 ||
	    config_listen_sockaddr(a->cfg.telnet, &ss, &sl) < 0) {
		free(t);
		return NULL;
	}
	t->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0 || setsockopt(t->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(t->fd, (struct sockaddr *)&ss, sl) < 0 || listen(t->fd, 8) < 0) {
		snprintf(err, errlen, "telnet %s: %s", a->cfg.telnet, strerror(errno));
		if (t->fd >= 0)
			close(t->fd);
		explicit_bzero(t->password, sizeof(t->password));
		free(t);
		return NULL;
	}
	ev_io_init(&t->w, on_accept, t->fd, EV_READ);
	t->w.data = t;
	ev_io_start(a->loop, &t->w);
	log_notice("telnet: listening on %s", a->cfg.telnet);
	return t;
}

void telnet_close(struct telnet *t)
{
	if (!t)
		return;
	while (t->clients)
		tclient_free(t->clients);
	ev_io_stop(t->a->loop, &t->w);
	close(t->fd);
	explicit_bzero(t->password, sizeof(t->password));
	free(t);
}
